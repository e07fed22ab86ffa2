#!/usr/bin/env python3
"""Doxygen's input filter for the Markdown pages (docs/Doxyfile).

    tools/doxfilter.py FILE.md      (Doxygen runs it; output on stdout)

In Doxygen's Markdown a '#' glued to a word is a request to link to
that symbol, and the '#' is dropped when no such symbol exists: the
lessons' "#VMEXIT", "#PF" or "#NPF" would reach the site as "VMEXIT",
"PF" and "NPF".  GitHub shows the same files as they are, so the sources
keep the plain '#', and this filter escapes it for Doxygen alone: outside
code blocks, code spans and double quotes, a '#' directly before a
letter becomes
'\\#', unless it is part of a heading anchor '{#id}', a link '(#id)' or
'file.md#id', or an HTML entity '&#...;'.  Nothing else is changed, so
Doxygen's line numbers stay right.
"""

import re
import sys

FENCE = re.compile(r"^\s*(```|~~~)")
# code spans, and text between double quotes, which Doxygen copies as it
# stands (an escape there would show)
SPAN = re.compile(r"(`+)(.+?)\1|\"[^\"\n]*\"")
HASH = re.compile(r"(?<![\w{(&\\/])#(?=[A-Za-z_])")


def escape_prose(text: str) -> str:
    """Escape the '#'s of one line's prose, leaving code spans and quoted
    text alone."""
    out, last = [], 0
    for m in SPAN.finditer(text):
        out.append(HASH.sub(r"\\#", text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(HASH.sub(r"\\#", text[last:]))
    return "".join(out)


def filter_lines(lines):
    in_code = False
    for line in lines:
        if FENCE.match(line):
            in_code = not in_code
            yield line
        elif in_code or line.startswith(("    ", "# ")):
            yield line          # code, or a page title: shown as it is
        else:
            yield escape_prose(line)


def main(argv: list) -> int:
    if len(argv) != 1:
        print("usage: doxfilter.py FILE.md", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        sys.stdout.write("".join(filter_lines(f)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
