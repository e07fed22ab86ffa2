#!/usr/bin/env python3
"""Check every code citation in the lessons against the source.

A lesson cites code as `path: symbol` (in backquotes), never by line
number.  This script finds every such citation in chapters/*/README.md
and docs/*.md (or the files given) and checks that the file exists and
that its code, with the comments taken out, names the symbol as a whole
word: a function that was deleted but is still mentioned in a comment
counts as gone.  Exit 1 lists the broken ones; make docs runs it.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITE = re.compile(r"`((?:src|tests|tools|guests)/[\w./-]+): ([A-Za-z_]\w*)`")


C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
HASH_COMMENT = re.compile(r"#[^\n]*")


def code_of(src: Path) -> str:
    """The file's text without its comments (C, assembly or Python)."""
    text = src.read_text()
    if src.suffix in (".c", ".h", ".S", ".ld"):
        return C_COMMENT.sub(" ", text)
    if src.suffix in (".py", ".sh", ".in") or src.name == "Makefile":
        return HASH_COMMENT.sub(" ", text)
    return text


def broken(paths):
    bad = []
    for md in paths:
        text = md.read_text()
        for m in CITE.finditer(text):
            rel, sym = m.groups()
            src = ROOT / rel
            line = text.count("\n", 0, m.start()) + 1
            if not src.is_file():
                bad.append(f"{md}:{line}: {rel} does not exist")
            elif not re.search(rf"\b{re.escape(sym)}\b", code_of(src)):
                bad.append(f"{md}:{line}: {rel} has no {sym} (outside "
                           f"comments)")
    return bad


def main(argv):
    paths = [Path(a) for a in argv] or sorted(
        list(ROOT.glob("chapters/*/*.md")) + list(ROOT.glob("docs/*.md")))
    bad = broken(paths)
    for b in bad:
        print(b, file=sys.stderr)
    count = sum(len(CITE.findall(p.read_text())) for p in paths)
    print(f"check_citations: {count} citations, {len(bad)} broken")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
