#!/usr/bin/env python3
"""Check every code citation in the lessons against the source.

A lesson cites code as `path: symbol` (in backquotes), never by line
number.  This script finds every such citation in chapters/*/README.md
(or the files given) and checks that the file exists and defines or
mentions the symbol as a whole word.  Exit 1 lists the broken ones.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITE = re.compile(r"`((?:src|tests|tools|guests)/[\w./-]+): ([A-Za-z_]\w*)`")


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
            elif not re.search(rf"\b{re.escape(sym)}\b", src.read_text()):
                bad.append(f"{md}:{line}: {rel} has no {sym}")
    return bad


def main(argv):
    paths = [Path(a) for a in argv] or sorted(ROOT.glob("chapters/*/*.md"))
    bad = broken(paths)
    for b in bad:
        print(b, file=sys.stderr)
    count = sum(len(CITE.findall(p.read_text())) for p in paths)
    print(f"check_citations: {count} citations, {len(bad)} broken")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
