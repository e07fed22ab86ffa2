"""The labs: a student tree for chapter N is red for N, green before N.

`make lab CHAPTER=N` (tools/mklab.py) removes the code between the LAB
markers of chapter N and later, and puts LAB_TODO calls in its place.  A
test that still passes in that tree does not test chapter N's code, so
this check demands that every chapter-N test fails there and that every
test of an earlier chapter still passes.  It runs the inner suites on QEMU
only, to stay fast.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import emulators

ROOT = emulators.ROOT
sys.path.insert(0, str(ROOT / "tools"))
import mklab  # noqa: E402

#: Every chapter with LAB blocks, as mklab finds them: the check grows
#: with the course on its own.
CHAPTERS_WITH_LABS = tuple(sorted({b[0] for b in mklab.all_blocks()}))


def test_every_written_chapter_has_a_lab():
    """A chapter with a lesson in chapters/ has code for students to
    write, so the lab check below covers every chapter of the course."""
    written = sorted(int(d.name[:2]) for d in (ROOT / "chapters").iterdir()
                     if d.is_dir() and d.name[:2].isdigit())
    assert written and list(CHAPTERS_WITH_LABS) == written


def _inner_pytest(tree, chapter, tmp_path):
    """Run chapter's tests inside a lab tree; (exit code, {test: passed})."""
    xml = tmp_path / f"ch{chapter}.xml"
    env = dict(os.environ, SVMLAB_SESSION=f"lab-{os.getpid()}-{chapter}")
    env.pop("PYTEST_XDIST_TESTRUNUID", None)
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-p", "no:xdist", str(tree / "tests"), "--emu", "qemu",
         "--chapter", str(chapter), f"--junitxml={xml}"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=600)
    results = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            continue            # e.g. a Bochs-only test under --emu qemu
        bad = case.find("failure") is not None or case.find("error") is not None
        results[f"{case.get('classname')}.{case.get('name')}"] = not bad
    return out.returncode, results, out.stdout[-3000:]


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_LABS)
def test_lab_tree_fails_its_chapter_and_passes_earlier_ones(chapter,
                                                            tmp_path):
    tree = tmp_path / f"lab{chapter}"
    subprocess.run([sys.executable, str(ROOT / "tools" / "mklab.py"),
                    "--chapter", str(chapter), "--dest", str(tree)],
                   check=True, capture_output=True)
    assert "LAB_TODO(" in "".join(
        p.read_text() for p in (tree / "src").rglob("*.c"))
    build = subprocess.run(["make", "-s", "-C", str(tree), "kernel", "unit"],
                           capture_output=True, text=True)
    assert build.returncode == 0, f"the lab tree must build:\n{build.stderr}"

    rc, results, out = _inner_pytest(tree, chapter, tmp_path)
    assert results, f"no chapter-{chapter} tests ran in the lab tree\n{out}"
    passing = sorted(t for t, ok in results.items() if ok)
    assert not passing, \
        f"these chapter-{chapter} tests pass without the chapter's code:" \
        f" {passing}"
    for earlier in range(1, chapter):
        rc, results, out = _inner_pytest(tree, earlier, tmp_path)
        failing = sorted(t for t, ok in results.items() if not ok)
        assert results and not failing, \
            f"chapter {earlier} must pass in the chapter-{chapter} lab " \
            f"tree; failing: {failing}\n{out}"


def test_todo_names_the_chapter_and_function(tmp_path):
    """A stub fails loudly: the run names the chapter and the function."""
    tree = tmp_path / "lab2"
    subprocess.run([sys.executable, str(ROOT / "tools" / "mklab.py"),
                    "--chapter", "2", "--dest", str(tree)], check=True,
                   capture_output=True)
    subprocess.run(["make", "-s", "-C", str(tree), "kernel"], check=True,
                   capture_output=True)
    run = emulators.boot("qemu", args="chapter=2",
                         kernel=tree / "build" / "kernel.elf")
    todo = run.trace.one("todo")
    assert todo["ch"] == 2 and todo["function"] == "svm_probe", run.tail()
    assert run.trace.status == "fail"
    assert run.trace.chapter_result(2) == "aborted"
    assert any("TODO (lab 2): write svm_probe()" in l for l in run.trace.text)


def test_mklab_refuses_a_chapter_without_labs(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "mklab.py"),
                          "--chapter", "99", "--dest", str(tmp_path / "x")],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert f"chapters with labs: {list(CHAPTERS_WITH_LABS)}" in out.stderr
