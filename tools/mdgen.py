"""What the reference generators share (gen_vmcb_md.py, gen_ghcb_md.py).

Each generator reads a header, asks the compiler for the offsets and
values it declares (a small C program built against src/), and renders a
Markdown page that Doxygen includes.  This module holds the parts that do
not depend on which header: the error type, the compile-and-run step,
table-cell quoting and the write-or---check command line.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class GenError(Exception):
    """The header and the compiler disagree, or a comment is malformed."""


def squash(text: str) -> str:
    """Runs of white space as one space."""
    return " ".join(text.split())


def doc_lines(block: str) -> list:
    """The lines of a /** */ (or /**< */) block without the markers."""
    body = block.strip()
    body = body[3:] if body.startswith("/**") else body
    body = body[:-2] if body.endswith("*/") else body
    body = body[1:] if body.startswith("<") else body
    out = []
    for line in body.split("\n"):
        out.append(re.sub(r"^\s*\* ?", "", line, count=1)
                   if re.match(r"^\s*\*", line) else line)
    return out


DEFINE = re.compile(r"#define\s+(\w+)(\([^)]*\))?\s*(.*)$")


def documented_defines(body: str):
    """Yield (name, params, rest of line, doc) for each #define of a
    header's text.  doc is its trailing /**< */ comment, else the /** */
    block just above it (only blank lines between), else None."""
    pending = None
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("/**"):
            block = [line]
            while "*/" not in block[-1]:
                i += 1
                block.append(lines[i])
            pending = "\n".join(block)
        else:
            m = DEFINE.match(line)
            if m:
                trail = re.search(r"/\*\*<(.*?)\*/", m.group(3))
                yield (m.group(1), m.group(2) or "", m.group(3),
                       "/**" + trail.group(1) + "*/" if trail else pending)
                pending = None
            elif line.strip():
                pending = None
        i += 1


def cell(text: str) -> str:
    """``text`` safe for a Doxygen Markdown table cell."""
    if "\\" in text or "`" in text or "\n" in text:
        raise GenError(f"text unsafe for a Doxygen table cell: {text!r}")
    return text.replace("|", "\\|")


def ask_compiler(program: str, prefix: str, extra=()) -> str:
    """Build ``program`` (C, with -Isrc and any ``extra`` sources), run
    it, return what it printed."""
    with tempfile.TemporaryDirectory(prefix=prefix + ".") as tmp:
        src, exe = Path(tmp) / "layout.c", Path(tmp) / "layout"
        src.write_text(program)
        cmd = ["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
               "-I" + str(ROOT / "src"), "-o", str(exe), str(src),
               *[str(p) for p in extra]]
        built = subprocess.run(cmd, capture_output=True, text=True)
        if built.returncode != 0:
            raise GenError("gcc failed on the layout program:\n" +
                           built.stderr)
        ran = subprocess.run([str(exe)], capture_output=True, text=True,
                             check=True)
        return ran.stdout


def main(name: str, out: Path, generate, description: str) -> int:
    """The generators' command line: write ``out``, or with --check exit
    1 if it is not what ``generate`` gives now (2 on a GenError)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--check", action="store_true",
                    help=f"exit 1 if {out.relative_to(ROOT)} is out of "
                         "date")
    args = ap.parse_args()
    try:
        text = generate()
    except GenError as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 2
    rel = out.relative_to(ROOT)
    if args.check:
        if not out.exists() or out.read_text() != text:
            print(f"{name}: {rel} is out of date; run "
                  f"/usr/bin/python3 tools/{name}.py", file=sys.stderr)
            return 1
        print(f"{name}: {rel} is up to date")
        return 0
    out.write_text(text)
    print(f"{name}: wrote {rel}")
    return 0
