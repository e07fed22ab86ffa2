"""What the reference generators share (gen_vmcb_md.py, gen_ghcb_md.py).

Each generator reads a header, asks the compiler for the offsets and
values it declares (a small C program built against src/), and renders a
Markdown page that Doxygen includes.  This module holds the parts that do
not depend on which header: the error type, the compile-and-run step,
table-cell quoting and the write-or---check command line.
"""

import argparse
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
