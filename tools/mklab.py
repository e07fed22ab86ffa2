#!/usr/bin/env python3
"""Write a student lab tree for one chapter of svmlab.

    tools/mklab.py --chapter N --dest DIR     (make lab CHAPTER=N DEST=DIR)
    tools/mklab.py --list                     (the lab blocks, per chapter)

Code a chapter asks students to write sits between two comment lines:

    /* LAB n BEGIN function: what to write */
    ...solution...
    /* LAB n END */

The lab tree for chapter N is a copy of the repository (the files git
tracks) in which every block of chapter N or later is replaced by
``LAB_TODO(n, "function");``.  At run time that call names the chapter
and the function, and fails the run (src/kernel/lab.h).  The copy also
gets a lab.mk that tolerates the unused variables a stub leaves behind.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^(?P<indent>\s*)/\* LAB (?P<ch>\d+) BEGIN "
                   r"(?P<fn>\w+): (?P<what>.*?)\s*\*/\s*$")
END = re.compile(r"^\s*/\* LAB (?P<ch>\d+) END \*/\s*$")
SOURCE_SUFFIXES = {".c", ".h", ".S"}
LAB_MK = """\
# lab.mk - written by tools/mklab.py for the chapter {ch} lab tree.
# The stubs leave variables and helpers unused until you write the code.
LAB_CHAPTER := {ch}
LAB_CFLAGS := -Wno-unused-variable -Wno-unused-parameter \\
	-Wno-unused-function -Wno-unused-but-set-variable
"""


class LabError(Exception):
    pass


def blocks(path: Path, text: str):
    """Yield (chapter, function, what, begin_line, end_line), 0-based."""
    open_block = None
    for n, line in enumerate(text.splitlines()):
        m = BEGIN.match(line)
        if m:
            if open_block:
                raise LabError(f"{path}:{n + 1}: LAB BEGIN inside a block")
            open_block = (int(m["ch"]), m["fn"], m["what"], n, m["indent"])
            continue
        m = END.match(line)
        if m:
            if not open_block or int(m["ch"]) != open_block[0]:
                raise LabError(f"{path}:{n + 1}: LAB END without its BEGIN")
            ch, fn, what, start, _ = open_block
            yield ch, fn, what, start, n
            open_block = None
    if open_block:
        raise LabError(f"{path}:{open_block[3] + 1}: LAB BEGIN never ends")


def strip(path: Path, text: str, chapter: int) -> str:
    """The text with every block of ``chapter`` or later replaced."""
    lines = text.splitlines(keepends=True)
    for ch, fn, what, start, end in reversed(list(blocks(path, text))):
        if ch < chapter:
            continue
        indent = BEGIN.match(lines[start])["indent"]
        todo = (f"{indent}/* TODO (lab {ch}): {what} */\n"
                f'{indent}LAB_TODO({ch}, "{fn}");\n')
        lines[start:end + 1] = [todo]
    return "".join(lines)


def tracked_files() -> list:
    """The repository's files: git's list, or a walk outside a checkout."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
        files += [f for f in subprocess.run(
            ["git", "ls-files", "-z", "--others", "--exclude-standard"],
            cwd=ROOT, check=True, capture_output=True).stdout.decode()
            .split("\0") if f]
        return sorted(set(files))
    except (subprocess.CalledProcessError, FileNotFoundError):
        return sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                      if p.is_file() and "build" not in p.parts
                      and ".git" not in p.parts)


def all_blocks() -> list:
    found = []
    for rel in tracked_files():
        p = ROOT / rel
        if p.suffix in SOURCE_SUFFIXES and p.is_file():
            for ch, fn, what, start, end in blocks(p, p.read_text()):
                found.append((ch, rel, fn, what, start + 1))
    return sorted(found)


def make_lab(chapter: int, dest: Path) -> int:
    """Write the tree; returns the number of blocks removed."""
    chapters = {b[0] for b in all_blocks()}
    if chapter not in chapters:
        raise LabError(f"chapter {chapter} has no lab blocks; chapters "
                       f"with labs: {sorted(chapters)}")
    if dest.exists() and any(dest.iterdir()):
        raise LabError(f"{dest} exists and is not empty")
    removed = 0
    for rel in tracked_files():
        src, dst = ROOT / rel, dest / rel
        if not src.is_file():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in SOURCE_SUFFIXES:
            text = src.read_text()
            new = strip(src, text, chapter)
            removed += sum(1 for b in blocks(src, text) if b[0] >= chapter)
            dst.write_text(new)
        else:
            shutil.copy2(src, dst)
    (dest / "lab.mk").write_text(LAB_MK.format(ch=chapter))
    return removed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", type=int)
    ap.add_argument("--dest", type=Path)
    ap.add_argument("--list", action="store_true",
                    help="list every lab block and exit")
    a = ap.parse_args(argv)
    try:
        if a.list:
            for ch, rel, fn, what, line in all_blocks():
                print(f"chapter {ch:2d}  {rel}:{line}  {fn}: {what}")
            return 0
        if a.chapter is None or a.dest is None:
            ap.error("--chapter and --dest are required")
        n = make_lab(a.chapter, a.dest)
    except LabError as err:
        print(f"mklab: {err}", file=sys.stderr)
        return 2
    todo = [b for b in all_blocks() if b[0] >= a.chapter]
    print(f"lab tree for chapter {a.chapter} written to {a.dest}: "
          f"{n} solution block(s) replaced by LAB_TODO.  Chapter "
          f"{a.chapter} asks you to write:")
    for ch, rel, fn, what, _ in todo:
        if ch == a.chapter:
            print(f"  {rel}: {fn}: {what}")
    print(f"Next: cd {a.dest} && make run ARGS=chapter={a.chapter}  "
          f"(the TODO names what is missing)\n"
          f"      make grade CHAPTER={a.chapter} EMU=qemu  (your score; "
          f"0 until you write them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
