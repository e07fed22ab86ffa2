#!/usr/bin/python3
"""Grade svmlab: run the graded tests and score them chapter by chapter.

    tools/grade.py                          every chapter, both emulators
    tools/grade.py --emu qemu --chapter 6   one chapter on QEMU
                                            (make grade CHAPTER=6)
    tools/grade.py --out DIR --jobs 4 --pytest-arg=-x

It runs pytest on tests/ with ``--graded`` (the tests that have a chapter,
see tests/conftest.py) and reads back the JUnit XML, in which every test
case carries its chapter as a property.  Each test case is one graded
item: a test on one emulator, one parameter set, or one host unit test.
An item that passed is worth tests/points.py's points(nodeid); a failure
or an error scores 0; a skipped item counts for nothing.  It prints

    ch06 msrpm: 9/9
    total: 9/9

and writes, in DIR (default build/grade): junit.xml, pytest.log (pytest's
output), and results.json in the format Gradescope's autograder reads
(top-level score, max_score, execution_time, output, and per test name,
number, score, max_score, output, visibility).

Exit status: 0 when grading completed, whatever the score; 1 when pytest
could not run or nothing was graded; 2 on bad arguments.  An argument for
pytest that starts with "-" is written --pytest-arg=-x.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import points  # noqa: E402  (tests/points.py)

OUTPUT_LIMIT = 2000     # characters of failure text per test in the JSON
LOG_TAIL = 40           # lines of pytest output shown when it breaks

# pytest's exit codes (pytest.ExitCode): the run finished with all tests
# passed, or with some failed; nothing else gives a trustworthy report.
PYTEST_RAN = (0, 1)
PYTEST_NO_TESTS = 5

CHAPTER_DIR = re.compile(r"^(\d+)-(.+)$")


@dataclass
class Case:
    """One JUnit testcase: a pytest node id, its chapter, its outcome."""
    nodeid: str
    chapter: int | None
    outcome: str            # passed, failed, error or skipped
    message: str = ""


@dataclass
class Item:
    """A graded case: what it could earn and what it did earn."""
    case: Case
    max_score: int
    score: int


@dataclass
class Chapter:
    number: int
    items: list = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(i.score for i in self.items)

    @property
    def max_score(self) -> int:
        return sum(i.max_score for i in self.items)


def chapter_names(root: Path) -> dict:
    """{6: "msrpm", ...} from the directories chapters/NN-slug."""
    names = {}
    for d in sorted((root / "chapters").glob("*")):
        m = CHAPTER_DIR.match(d.name)
        if d.is_dir() and m:
            names[int(m.group(1))] = m.group(2)
    return names


def label(number: int, names: dict) -> str:
    """"ch06 msrpm", or "ch06" for a chapter without a directory."""
    slug = names.get(number)
    return f"ch{number:02d} {slug}" if slug else f"ch{number:02d}"


def _nodeid(classname: str, name: str) -> str:
    """JUnit's classname "tests.test_x" (or "tests.test_x.TestY") and name
    back to pytest's node id "tests/test_x.py::name"."""
    parts = classname.split(".")
    cls = []
    if len(parts) > 1 and parts[-1][:1].isupper():
        cls = [parts.pop()]
    return "::".join(["/".join(parts) + ".py", *cls, name])


def _chapter(testcase) -> int | None:
    for prop in testcase.iter("property"):
        if prop.get("name") == "chapter":
            value = prop.get("value", "none")
            return int(value) if value.isdigit() else None
    return None


def _outcome(testcase) -> tuple:
    """(outcome, message); a failure or an error outranks a skip."""
    for tag in ("failure", "error", "skipped"):
        el = testcase.find(tag)
        if el is not None:
            # the serial log's tail (conftest) is the test's stdout
            out = testcase.find("system-out")
            log = (out.text or "").strip() if out is not None and \
                tag != "skipped" else ""
            text = "\n\n".join(s for s in (el.get("message", ""),
                                           (el.text or "").strip(), log)
                                 if s)
            return ("failed" if tag == "failure" else
                    "error" if tag == "error" else "skipped"), text
    return "passed", ""


def load_cases(junit_path: Path) -> list:
    """Every testcase of a pytest JUnit XML file, as Case objects."""
    cases = []
    for tc in ET.parse(junit_path).getroot().iter("testcase"):
        outcome, message = _outcome(tc)
        cases.append(Case(_nodeid(tc.get("classname", ""), tc.get("name")),
                          _chapter(tc), outcome, message))
    return cases


def score(cases: list, points_fn) -> list:
    """The graded cases by chapter, as Chapter objects in chapter order.

    Cases without a chapter and skipped cases are left out; a passed case
    earns points_fn(nodeid), any other earns 0 of it.
    """
    chapters = {}
    for case in sorted(cases, key=lambda c: c.nodeid):
        if case.chapter is None or case.outcome == "skipped":
            continue
        worth = points_fn(case.nodeid)
        earned = worth if case.outcome == "passed" else 0
        chapters.setdefault(case.chapter, Chapter(case.chapter)).items \
            .append(Item(case, worth, earned))
    return [chapters[n] for n in sorted(chapters)]


def trim(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """At most limit characters: the start (the message) and the end (where
    pytest puts the failing assertion), with a mark between."""
    if len(text) <= limit:
        return text
    mark = "\n[...]\n"
    head = limit // 4
    return text[:head] + mark + text[-(limit - head - len(mark)):]


def summary_lines(chapters: list, names: dict) -> list:
    """"ch06 msrpm: 9/9" per chapter, then "total: X/Y"."""
    lines = [f"{label(c.number, names)}: {c.score}/{c.max_score}"
             for c in chapters]
    total = sum(c.score for c in chapters)
    most = sum(c.max_score for c in chapters)
    return lines + [f"total: {total}/{most}"]


def results_json(chapters: list, names: dict, seconds: float) -> dict:
    """The Gradescope results.json document for these chapters."""
    tests = []
    for c in chapters:
        for n, item in enumerate(c.items, 1):
            case = item.case
            tests.append({
                "name": f"{label(c.number, names)}: "
                        f"{case.nodeid.split('::', 1)[-1]}",
                "number": f"{c.number}.{n}",
                "score": item.score,
                "max_score": item.max_score,
                "output": ("passed" if case.outcome == "passed" else
                           trim(f"{case.outcome}: {case.message}")),
                "visibility": "visible",
            })
    return {
        "score": sum(c.score for c in chapters),
        "max_score": sum(c.max_score for c in chapters),
        "execution_time": round(seconds),
        "output": "\n".join(summary_lines(chapters, names)),
        "tests": tests,
    }


def _jobs(text: str) -> str:
    if text == "auto" or (text.isdigit() and int(text) >= 0):
        return text
    raise argparse.ArgumentTypeError(f"{text!r}: a count or 'auto'")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emu", default="both",
                    choices=("qemu", "bochs", "both"),
                    help="the emulators to grade on (default: both)")
    ap.add_argument("--chapter", type=int, default=None,
                    help="grade only this chapter")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "grade",
                    help="where to write the results (default build/grade)")
    ap.add_argument("--jobs", type=_jobs, default="auto",
                    help="pytest-xdist workers, a count or 'auto'")
    ap.add_argument("--pytest-arg", action="append", default=[],
                    metavar="ARG", help="pass ARG on to pytest (repeatable)")
    return ap.parse_args(argv)


def pytest_command(a, junit: Path) -> list:
    cmd = [sys.executable, "-m", "pytest", "-n", a.jobs,
           "-p", "no:cacheprovider", "-q", "tests", "--graded",
           "--emu", a.emu]
    if a.chapter is not None:
        cmd += ["--chapter", str(a.chapter)]
    return cmd + [f"--junitxml={junit}", "-o", "junit_logging=system-out",
                  *a.pytest_arg]


def run_pytest(cmd: list, log: Path) -> tuple:
    """Run pytest in ROOT; (exit code, its output, seconds).

    The run gets its own boot-sharing session (tests/conftest.py), so that
    a grade started from inside another pytest run, or inside a lab tree,
    never reuses boots of a different kernel.
    """
    env = dict(os.environ, SVMLAB_SESSION=f"grade-{uuid.uuid4().hex[:12]}")
    env.pop("PYTEST_XDIST_TESTRUNUID", None)
    start = time.monotonic()
    try:
        out = subprocess.run(cmd, cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    except OSError as err:
        return None, str(err), 0.0
    seconds = time.monotonic() - start
    log.write_text(out.stdout)
    return out.returncode, out.stdout, seconds


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current
    directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _chapter_list(names: dict) -> str:
    return ", ".join(label(n, names) for n in sorted(names)) or "(none)"


def _fail(why: str, log_text: str = "") -> int:
    print(f"grade: {why}", file=sys.stderr)
    tail = log_text.rstrip().splitlines()[-LOG_TAIL:]
    if tail:
        print("grade: the end of pytest's output:", file=sys.stderr)
        print("\n".join(tail), file=sys.stderr)
    return 1


def main(argv=None) -> int:
    a = parse_args(argv)
    names = chapter_names(ROOT)
    if a.chapter is not None and names and a.chapter not in names:
        print(f"grade: there is no chapter {a.chapter}; the chapters are: "
              f"{_chapter_list(names)}", file=sys.stderr)
        return 2

    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    junit, log = out / "junit.xml", out / "pytest.log"
    results = out / "results.json"
    for stale in (junit, results):
        stale.unlink(missing_ok=True)

    print(f"grade: running the graded tests on {a.emu} "
          f"(pytest output in {_shown(log)})", flush=True)
    rc, text, seconds = run_pytest(pytest_command(a, junit), log)
    if rc is None:
        return _fail(f"could not start pytest: {text}")
    if rc not in PYTEST_RAN + (PYTEST_NO_TESTS,):
        return _fail(f"pytest could not run the tests (exit status {rc})",
                     text)
    try:
        cases = load_cases(junit) if junit.exists() else []
    except ET.ParseError as err:
        return _fail(f"{_shown(junit)} is not valid XML: {err}", text)

    chapters = score(cases, points.points)
    if not chapters:
        which = (f"chapter {a.chapter}" if a.chapter is not None
                 else "this tree")
        return _fail(f"no graded test ran for {which} on {a.emu}; the "
                     f"chapters are: {_chapter_list(names)}", text)

    for line in summary_lines(chapters, names):
        print(line)
    results.write_text(json.dumps(results_json(chapters, names, seconds),
                                  indent=1) + "\n")
    for path in (results, junit, log):
        print(f"wrote {_shown(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
