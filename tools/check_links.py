#!/usr/bin/env python3
"""Check the internal links of a built HTML site (make docs).

    tools/check_links.py build/docs/html

Every href and src in every .html file under the directory that points
inside the site must name a file that exists, and a #fragment must name
an id (or an <a name>) in that file.  Links to other sites (http:,
https:, mailto:) and javascript: URLs are not followed.  Exit 1 lists
each broken link with the page it is on; exit 0 prints a count.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http", "https", "mailto", "ftp", "javascript", "data")


class Page(HTMLParser):
    """The links and the anchors of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list = []
        self.anchors: set = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if a.get(key):
                self.anchors.add(a[key])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "link", "script",
                                      "iframe", "area"):
                self.links.append(a[key])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(errors="replace"))
    return page


def broken_links(site: Path) -> tuple:
    """(list of "page: link: why", number of internal links checked)."""
    pages, bad, checked = {}, [], 0

    def page_of(path: Path) -> Page:
        if path not in pages:
            pages[path] = parse(path)
        return pages[path]

    for html in sorted(site.rglob("*.html")):
        for link in page_of(html).links:
            url = urlsplit(link)
            if url.scheme in EXTERNAL or url.netloc:
                continue
            checked += 1
            target = (html.parent / unquote(url.path)).resolve() \
                if url.path else html.resolve()
            where = f"{html.relative_to(site)}: {link}"
            if not target.is_file():
                bad.append(f"{where}: no such file")
            elif url.fragment and target.suffix == ".html" and \
                    unquote(url.fragment) not in page_of(target).anchors:
                bad.append(f"{where}: no anchor #{url.fragment}")
    return bad, checked


def main(argv: list) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: check_links.py HTML_DIR (a built site)",
              file=sys.stderr)
        return 2
    bad, checked = broken_links(Path(argv[0]))
    for b in bad:
        print(f"broken link: {b}", file=sys.stderr)
    print(f"check_links: {checked} internal links, {len(bad)} broken")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
