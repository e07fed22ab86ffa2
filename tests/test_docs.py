"""The documentation site: it builds with zero warnings, and no link in
it is broken (tools/mkdocs.py, make docs).

The link checker is tested on a small site with known bad links first,
then the real site is built into a temporary directory from a record of
chapter 1's tests, and checked the way make docs checks it.
"""

import os
import subprocess
import sys

import pytest

from emulators import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import check_links  # noqa: E402


def _site(tmp_path, pages):
    for name, body in pages.items():
        (tmp_path / name).write_text(f"<html><body>{body}</body></html>")
    return tmp_path


def test_the_link_checker_finds_missing_pages_and_anchors(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="a.html">a</a> <a href="a.html#here">ok</a>'
                      ' <a href="a.html#gone">x</a> <a href="nope.html">y</a>'
                      ' <img src="pic.png"> <a href="https://example.org/">'
                      'outside</a> <a href="#top">self</a>',
        "a.html": '<h1 id="here">a</h1><a name="top2"></a>'
                  '<a href="index.html#top">z</a>',
    })
    bad, checked = check_links.broken_links(site)
    assert checked == 7         # every internal link, not the https one
    assert sorted(bad) == sorted([
        "a.html: index.html#top: no anchor #top",
        "index.html: a.html#gone: no anchor #gone",
        "index.html: nope.html: no such file",
        "index.html: pic.png: no such file",
        "index.html: #top: no anchor #top",
    ])
    (site / "pic.png").write_bytes(b"")
    (site / "nope.html").write_text('<p id="top">n</p>')
    bad, _ = check_links.broken_links(site)
    assert "index.html: pic.png: no such file" not in bad
    assert "index.html: nope.html: no such file" not in bad


def test_the_link_checker_fails_the_command(tmp_path):
    _site(tmp_path, {"index.html": '<a href="missing.html">m</a>'})
    out = subprocess.run([sys.executable, str(ROOT / "tools" /
                                              "check_links.py"), tmp_path],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "broken link: index.html: missing.html: no such file" in out.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The docs site, built as make docs builds it, with a catalog made
    from a record of chapter 1's tests on QEMU (the real record covers
    every chapter on both emulators and takes minutes)."""
    top = tmp_path_factory.mktemp("docs")
    env = dict(os.environ, SVMLAB_SESSION=f"docs-{os.getpid()}")
    env.pop("PYTEST_XDIST_TESTRUNUID", None)
    record = top / "record"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p",
                    "no:cacheprovider", "-p", "no:xdist", "--emu", "qemu",
                    "--record", str(record),
                    str(ROOT / "tests" / "test_ch01_boot.py")],
                   cwd=ROOT, env=env, capture_output=True, timeout=300)
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "mkdocs.py"),
                          "--out", str(top / "out"), "--record", str(record),
                          "--record-as-is"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    return top / "out", out


def test_the_site_builds_without_warnings_and_broken_links(site):
    out_dir, out = site
    assert out.returncode == 0, out.stdout + out.stderr
    assert (out_dir / "warnings.log").read_text().strip() == ""
    assert "check_links:" in out.stdout and " 0 broken" in out.stdout
    assert (out_dir / "html" / "index.html").is_file()


def test_the_site_has_every_part_the_course_needs(site):
    """Main page with the course map, chapters, references, catalog."""
    out_dir, out = site
    html = out_dir / "html"
    index = (html / "index.html").read_text()
    assert 'src="course-map.png"' in index
    assert (html / "course-map.png").is_file()
    assert (html / "vmcb-layout.png").is_file()
    pages = {p.name for p in html.glob("*.html")}
    for chapter in sorted((ROOT / "chapters").iterdir()):
        slug = chapter.name.replace("-", "_")
        assert f"md_chapters_{slug}_README.html" in pages, chapter.name
    for ref in ("vmcb", "ghcb", "emulators", "trace-format", "debugging"):
        assert any(ref.replace("-", "_") in p for p in pages), ref
    catalog = [p for p in pages if p.startswith("catalog")]
    assert catalog, sorted(pages)[:40]
    text = "".join((html / p).read_text() for p in catalog)
    # each chapter-1 test, with its lesson, from the test file itself
    import ast
    tree = ast.parse((ROOT / "tests" / "test_ch01_boot.py").read_text())
    tests = [f for f in tree.body if isinstance(f, ast.FunctionDef)
             and f.name.startswith("test_")]
    assert tests
    for f in tests:
        assert f.name in text, f.name
        first = ast.get_docstring(f).splitlines()[0].split()[:3]
        assert " ".join(first) in text, (f.name, first)


def test_the_markdown_filter_keeps_the_hash_of_vmexit(tmp_path):
    """Doxygen drops the '#' of "#VMEXIT" in prose; the filter escapes it
    there, and nowhere else."""
    import doxfilter
    page = tmp_path / "p.md"
    page.write_text(
        "# Title with #PF {#anchor}\n"
        "After #VMEXIT the host sees #NPF, see [x](#anchor) and\n"
        "[y](other.md#sec), `#GP in code`, \"#UD quoted\", &#167; and \\#DE.\n"
        "```\n#VC in a block\n```\n")
    out = subprocess.run([sys.executable, str(ROOT / "tools" /
                                              "doxfilter.py"), page],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [
        "# Title with #PF {#anchor}",
        "After \\#VMEXIT the host sees \\#NPF, see [x](#anchor) and",
        "[y](other.md#sec), `#GP in code`, \"#UD quoted\", &#167; and \\#DE.",
        "```", "#VC in a block", "```"]
    assert doxfilter.escape_prose("#A #B") == "\\#A \\#B"
