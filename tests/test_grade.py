"""The grader: tools/grade.py scores the graded tests with tests/points.py.

The scoring is checked on JUnit XML written here, where every outcome is
known in advance, and the expected numbers come from points.points, never
from the grader.  Then the grader runs for real: on this tree, where
chapter 2 must get full marks, and on a chapter-2 lab tree, where the
stubs must cost points.  These tests have no chapter: they check the
project, and count for nothing in a grade.
"""

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import points

ROOT = Path(__file__).resolve().parent.parent
GRADER = ROOT / "tools" / "grade.py"


def _load_grader():
    spec = importlib.util.spec_from_file_location("svmlab_grade", GRADER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


grade = _load_grader()

# The heaviest test in POINTS (or any test, should POINTS be empty): the
# one whose failure is the easiest to tell from a one-point failure.
HEAVY = "tests/" + max(points.POINTS, key=points.POINTS.get,
                       default="test_ch06_msrpm.py::test_x") + "[qemu]"

# (node id, chapter, outcome) of a made-up run over two chapters.
SYNTHETIC = [
    (HEAVY, 6, "passed"),
    (HEAVY.replace("[qemu]", "[bochs]"), 6, "failed"),
    ("tests/test_ch06_msrpm.py::test_host_msrs_are_denied_by_default[qemu]",
     6, "passed"),
    ("tests/test_unit.py::test_host_unit[msrpm/range::split]", 6, "error"),
    ("tests/test_ch06_msrpm.py::test_only_on_bochs[bochs]", 6, "skipped"),
    ("tests/test_ch09_inject.py::"
     "test_fault_returns_to_itself_software_interrupt_after_itself[qemu]",
     9, "passed"),
    ("tests/test_ch09_inject.py::test_gp_carries_the_error_code_from_eventinj"
     "[qemu]", 9, "failed"),
    ("tests/test_ch09_inject.py::test_pf_needs_cr2_written_by_the_hypervisor"
     "[qemu]", 9, "skipped"),
    ("tests/test_unit.py::test_host_unit[event/accepts_nmi]", 9, "passed"),
    ("tests/test_harness.py::test_infra[qemu]", None, "passed"),
]


def _junit(cases, path: Path) -> Path:
    """Write cases as pytest would: classname, name, chapter property,
    and a failure, error or skipped element."""
    suite = ET.Element("testsuite", name="pytest")
    for nodeid, chapter, outcome in cases:
        file, name = nodeid.split("::", 1)
        tc = ET.SubElement(suite, "testcase", name=name,
                           classname=file[:-3].replace("/", "."))
        props = ET.SubElement(tc, "properties")
        ET.SubElement(props, "property", name="chapter",
                      value="none" if chapter is None else str(chapter))
        tag = {"failed": "failure", "error": "error",
               "skipped": "skipped"}.get(outcome)
        if tag:
            el = ET.SubElement(tc, tag, message=f"{outcome} on purpose")
            el.text = "x" * 5000 if outcome == "failed" else "trace"
    tree = ET.ElementTree(ET.Element("testsuites"))
    tree.getroot().append(suite)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def _expected(cases):
    """{chapter: (score, max)} worked out from points.points alone."""
    want = {}
    for nodeid, chapter, outcome in cases:
        if chapter is None or outcome == "skipped":
            continue
        got, most = want.get(chapter, (0, 0))
        worth = points.points(nodeid)
        want[chapter] = (got + (worth if outcome == "passed" else 0),
                         most + worth)
    return want


def _scored(cases, tmp_path):
    chapters = grade.score(grade.load_cases(_junit(cases, tmp_path / "j.xml")),
                           points.points)
    return {c.number: (c.score, c.max_score) for c in chapters}


def test_points_strips_the_path_and_the_parameters():
    key = next(iter(points.POINTS))
    file, function = key.split("::")
    nodeid = f"some/dir/{file}::{function}[qemu-a/b::c[d]]"
    assert points.points(nodeid) == points.POINTS[key]
    assert points.points("tests/test_unit.py::test_host_unit[x/y]") == \
        points.UNIT == 1
    assert points.points("tests/test_ch06_msrpm.py::test_not_listed[qemu]") \
        == points.DEFAULT == 2


def test_scores_and_maxima_follow_points_py(tmp_path):
    assert _scored(SYNTHETIC, tmp_path) == _expected(SYNTHETIC)
    assert set(_scored(SYNTHETIC, tmp_path)) == {6, 9}, \
        "a case without a chapter must not be graded"


def test_a_failing_case_costs_exactly_its_points(tmp_path):
    fixed = [(n, ch, "passed" if n == SYNTHETIC[1][0] else o)
             for n, ch, o in SYNTHETIC]
    before = _scored(SYNTHETIC, tmp_path)[6]
    after = _scored(fixed, tmp_path)[6]
    assert after[1] == before[1], "the maximum does not depend on outcomes"
    assert after[0] - before[0] == points.points(SYNTHETIC[1][0])


def test_skipped_cases_count_for_nothing(tmp_path):
    without = [c for c in SYNTHETIC if c[2] != "skipped"]
    assert _scored(without, tmp_path) == _scored(SYNTHETIC, tmp_path)


def _check_results(text: str):
    """results.json as Gradescope reads it; returns (score, max)."""
    doc = json.loads(text)
    for key, kind in (("score", (int, float)), ("max_score", (int, float)),
                      ("execution_time", (int, float)), ("output", str),
                      ("tests", list)):
        assert isinstance(doc[key], kind), key
    assert doc["tests"], "no tests in results.json"
    for t in doc["tests"]:
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], (int, float))
        assert isinstance(t["max_score"], (int, float))
        assert isinstance(t["output"], str)
        assert 0 <= t["score"] <= t["max_score"], t
        assert len(t["output"]) <= grade.OUTPUT_LIMIT + 100, t["name"]
        assert t.get("visibility", "visible") in (
            "visible", "hidden", "after_due_date", "after_published")
    assert doc["score"] == sum(t["score"] for t in doc["tests"])
    assert doc["max_score"] == sum(t["max_score"] for t in doc["tests"])
    assert doc["score"] <= doc["max_score"]
    names = [t["name"] for t in doc["tests"]]
    assert len(names) == len(set(names)), "test names must be unique"
    return doc["score"], doc["max_score"]


def test_results_json_is_well_formed(tmp_path):
    chapters = grade.score(
        grade.load_cases(_junit(SYNTHETIC, tmp_path / "j.xml")),
        points.points)
    doc = grade.results_json(chapters, {6: "msrpm", 9: "inject"}, 1.5)
    want = _expected(SYNTHETIC)
    total = (sum(s for s, _ in want.values()),
             sum(m for _, m in want.values()))
    assert _check_results(json.dumps(doc)) == total
    graded = [c for c in SYNTHETIC if c[1] is not None and c[2] != "skipped"]
    assert len(doc["tests"]) == len(graded)
    by_name = {t["name"]: t for t in doc["tests"]}
    heavy = by_name["ch06 msrpm: " + HEAVY.split("::", 1)[1]]
    assert heavy["output"] == "passed"
    assert heavy["score"] == points.points(HEAVY)
    failed = by_name["ch06 msrpm: " + SYNTHETIC[1][0].split("::", 1)[1]]
    assert failed["score"] == 0 and "failed on purpose" in failed["output"]


def _test_functions() -> set:
    """"file.py::function" for every test function in tests/test_*.py."""
    found = set()
    for path in ROOT.glob("tests/test_*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and \
                    node.name.startswith("test_"):
                found.add(f"{path.name}::{node.name}")
    return found


def test_every_points_key_names_an_existing_test():
    exist = _test_functions()
    missing = sorted(k for k in points.POINTS if k not in exist)
    assert not missing, f"tests/points.py names tests that do not exist: " \
                        f"{missing}"
    for key, worth in points.POINTS.items():
        assert isinstance(worth, int) and worth > 0, key


def _env():
    env = dict(os.environ, SVMLAB_SESSION=f"grade-test-{uuid.uuid4().hex}")
    env.pop("PYTEST_XDIST_TESTRUNUID", None)
    return env


def _grade(tree: Path, *args):
    return subprocess.run(
        [sys.executable, str(tree / "tools" / "grade.py"), *map(str, args)],
        cwd=tree, env=_env(), capture_output=True, text=True, timeout=900)


def _slug(tree: Path, chapter: int) -> str:
    """The chapter's name, from its directory chapters/NN-name."""
    (d,) = (tree / "chapters").glob(f"{chapter:02d}-*")
    return d.name.split("-", 1)[1]


def _collected(tree: Path, chapter: int) -> list:
    """The node ids pytest selects for grading chapter on QEMU."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q",
         "-p", "no:cacheprovider", "-p", "no:xdist", "tests", "--graded",
         "--emu", "qemu", "--chapter", str(chapter)],
        cwd=tree, env=_env(), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return [l for l in out.stdout.splitlines() if "::" in l]


def _chapter_line(stdout: str, tree: Path, chapter: int):
    name = f"ch{chapter:02d} {_slug(tree, chapter)}"
    m = re.search(rf"^{name}: (\d+)/(\d+)$", stdout, re.M)
    assert m, f"no '{name}: X/Y' line in:\n{stdout}"
    return int(m.group(1)), int(m.group(2))


def _check_files(out: Path):
    ET.parse(out / "junit.xml")
    return _check_results((out / "results.json").read_text())


def test_grading_this_tree_gives_chapter_2_full_marks(tmp_path):
    ids = _collected(ROOT, 2)
    assert ids, "chapter 2 has no graded tests"
    full = sum(points.points(i) for i in ids)
    out = tmp_path / "grade"
    run = _grade(ROOT, "--emu", "qemu", "--chapter", 2, "--out", out,
                 "--jobs", 2)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _chapter_line(run.stdout, ROOT, 2) == (full, full), run.stdout
    assert re.search(rf"^total: {full}/{full}$", run.stdout, re.M)
    assert _check_files(out) == (full, full)


def test_grading_a_lab_tree_costs_points(tmp_path):
    tree = tmp_path / "lab2"
    subprocess.run([sys.executable, str(ROOT / "tools" / "mklab.py"),
                    "--chapter", "2", "--dest", str(tree)],
                   check=True, capture_output=True)
    build = subprocess.run(["make", "-s", "-C", str(tree), "kernel", "unit"],
                           capture_output=True, text=True)
    assert build.returncode == 0, f"the lab tree must build:\n{build.stderr}"
    out = tmp_path / "grade"
    run = _grade(tree, "--emu", "qemu", "--chapter", 2, "--out", out,
                 "--jobs", 2)
    assert run.returncode == 0, \
        "a low score is still a completed grade\n" + run.stdout + run.stderr
    got, most = _chapter_line(run.stdout, tree, 2)
    assert most == sum(points.points(i) for i in _collected(tree, 2))
    assert got < most, f"the stubs must cost points:\n{run.stdout}"
    assert _check_files(out) == (got, most)
    # a student reading results.json sees what is missing: the serial
    # log's TODO line travels with the failing test's output
    lost = [t for t in json.loads((out / "results.json").read_text())["tests"]
            if t["score"] < t["max_score"]]
    assert any("TODO (lab 2): write svm_probe()" in t["output"]
               for t in lost), lost[:2]


def test_a_chapter_that_does_not_exist_is_refused_with_the_list(tmp_path):
    run = _grade(ROOT, "--emu", "qemu", "--chapter", 99,
                 "--out", tmp_path / "g")
    assert run.returncode != 0
    for d in (ROOT / "chapters").iterdir():
        number, name = d.name.split("-", 1)
        assert f"ch{number} {name}" in run.stderr, run.stderr


@pytest.mark.parametrize("args", [["--emu", "foo"], ["--jobs", "many"],
                                  ["--chapter", "six"]])
def test_bad_arguments_exit_2(args, tmp_path):
    run = _grade(ROOT, *args, "--out", tmp_path / "g")
    assert run.returncode == 2, run.stdout + run.stderr


def test_a_run_that_grades_nothing_fails_and_says_why(tmp_path):
    run = _grade(ROOT, "--emu", "qemu", "--chapter", 2, "--out",
                 tmp_path / "g", "--jobs", 0,
                 "--pytest-arg=-knothing_is_called_this")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "no graded test ran for chapter 2" in run.stderr
    assert "ch02 " + _slug(ROOT, 2) in run.stderr
