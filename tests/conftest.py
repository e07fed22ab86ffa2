"""pytest fixtures for svmlab: the emulator matrix, boots, failure logs.

- ``--emu qemu|bochs|both`` picks the emulators (default: both).
- A test that takes the ``emu`` argument runs once per emulator.  A test
  limited to some emulators says so with ``@pytest.mark.emulators(...)``.
- The ``boot`` fixture boots the kernel (see emulators.boot).  Identical
  boots within one pytest session are shared, also between xdist workers,
  so that several tests can read one run's trace.
- When a test fails, the report shows each boot's serial log path and
  its last lines.
- ``--chapter N`` keeps one chapter's tests; ``--graded`` keeps the tests
  that count for a grade (tools/grade.py): those with a chapter, but not
  the project's own lab check.  Every test's chapter is written to the
  JUnit XML as the property ``chapter``.
- ``--record DIR`` writes, per test and emulator, the outcome and the
  serial logs of its boots to DIR (tools/gen_catalog.py reads them).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import emulators  # noqa: E402

RUNS = emulators.BUILD / "runs"


def pytest_addoption(parser):
    parser.addoption("--emu", default="both",
                     choices=("qemu", "bochs", "both"),
                     help="which emulators to run the tests on")
    parser.addoption("--chapter", type=int, default=None,
                     help="run only the tests of this chapter")
    parser.addoption("--graded", action="store_true",
                     help="run only the tests that count for a grade")
    parser.addoption("--record", default=None, metavar="DIR",
                     help="record each test's outcome and boots in DIR")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "emulators(*names): run only on these emulators")
    config.addinivalue_line(
        "markers", "chapter(n): the course chapter the test belongs to")
    # One id per pytest session, shared with xdist workers via the env.
    os.environ.setdefault("SVMLAB_SESSION",
                          os.environ.get("PYTEST_XDIST_TESTRUNUID")
                          or uuid.uuid4().hex[:12])
    record = config.getoption("--record")
    if record and not hasattr(config, "workerinput"):
        shutil.rmtree(record, ignore_errors=True)   # a record is one run's


def pytest_sessionfinish(session):
    """--record: stamp the record with the kernel it was made with (the
    docs build makes a new record when the kernel has changed)."""
    record = session.config.getoption("--record")
    if record and not hasattr(session.config, "workerinput") and \
            emulators.KERNEL.is_file():
        Path(record).mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(emulators.KERNEL.read_bytes()).hexdigest()
        (Path(record) / "kernel.sha1").write_text(digest + "\n")


def selected_emulators(config) -> list:
    choice = config.getoption("--emu")
    return list(emulators.EMULATORS) if choice == "both" else [choice]


def pytest_generate_tests(metafunc):
    if "emu" not in metafunc.fixturenames:
        return
    emus = selected_emulators(metafunc.config)
    mark = metafunc.definition.get_closest_marker("emulators")
    if mark:
        emus = [e for e in emus if e in mark.args]
    metafunc.parametrize("emu", emus)


def chapter_of(item):
    """The chapter of a test: its chapter() marker or module CHAPTER."""
    mark = item.get_closest_marker("chapter")
    if mark:
        return mark.args[0]
    return getattr(item.module, "CHAPTER", None)


#: Tests that check the project itself, never a student's work.
UNGRADED_MODULES = ("test_labs.py",)


def graded(item) -> bool:
    """Whether a test counts for a grade: it has a chapter, and it is not
    the project's own lab check."""
    return (chapter_of(item) is not None
            and item.path.name not in UNGRADED_MODULES)


def _wanted(item, chapter) -> bool:
    # A test only for emulators that were not selected gets an empty
    # parameter set: leave it out instead of reporting it as skipped.
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "emu" in getattr(item, "fixturenames", ()) and \
            params.get("emu") not in emulators.EMULATORS:
        return False
    return chapter is None or chapter_of(item) == chapter


def pytest_collection_modifyitems(config, items):
    want = config.getoption("--chapter")
    keep = [i for i in items if _wanted(i, want)
            and (graded(i) or not config.getoption("--graded"))]
    drop = [i for i in items if i not in keep]
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep


def _session_dir() -> Path:
    d = RUNS / os.environ["SVMLAB_SESSION"]
    d.mkdir(parents=True, exist_ok=True)
    return d


def shared_boot(emu, cpu=None, via=None, args="", timeout=None,
                icount=None):
    """emulators.boot, done once per session for identical arguments."""
    via = via or emulators.default_via(emu)
    cpu = cpu or emulators.DEFAULT_CPU[emu]
    key = emulators._digest(emu, cpu, via, args,
                            "" if icount is None else f"icount={icount}")
    record = _session_dir() / f"{key}.json"
    with open(str(record) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            data = json.loads(record.read_text())
            data["log"] = Path(data["log"])
            return emulators.Run(**data)
        run = emulators.boot(emu, cpu, via, args, timeout, icount=icount)
        data = dict(run.__dict__, log=str(run.log))
        record.write_text(json.dumps(data))
        return run


@pytest.fixture
def boot(request):
    """Boot the kernel: boot(emu, cpu=None, via=None, args="",
    timeout=None, shared=True, icount=None) -> Run; icount: QEMU's
    deterministic clock, -icount shift=N (chapter 16)."""
    runs = []

    def _boot(emu, cpu=None, via=None, args="", timeout=None, shared=True,
              icount=None):
        try:
            if shared:
                run = shared_boot(emu, cpu, via, args, timeout, icount)
            else:
                run = emulators.boot(emu, cpu, via, args, timeout,
                                     icount=icount)
        except emulators.EmulatorMissing as err:
            pytest.fail(str(err), pytrace=False)
        runs.append(run)
        return run

    request.node.svmlab_runs = runs
    return _boot


@pytest.fixture(autouse=True)
def _chapter_property(request, record_property):
    """Every test's chapter (or "none") goes into the JUnit XML."""
    chapter = chapter_of(request.node)
    record_property("chapter", "none" if chapter is None else chapter)


def _record(item, report):
    """--record DIR: DIR/<emu>/<test>.json, and each boot's log once."""
    top = Path(item.config.getoption("--record"))
    booted = getattr(item, "svmlab_runs", [])
    # a test over CPU models has no emu parameter: its boots say which
    emu = getattr(getattr(item, "callspec", None), "params", {}).get(
        "emu", booted[0].emu if booted else "host")
    runs = []
    for run in booted:
        logs = top / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        name = f"{emu}-{run.log.parent.name}-{run.log.name}"
        if run.log.exists() and not (logs / name).exists():
            (logs / name).write_bytes(run.log.read_bytes())
        runs.append(dict(emu=run.emu, cpu=run.cpu, via=run.via,
                         args=run.args,
                         log=f"logs/{name}", returncode=run.returncode,
                         timed_out=run.timed_out))
    out = top / emu / (emulators._slug(item.nodeid.replace("/", "_"))
                       + "-" + emulators._digest(item.nodeid) + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(
        nodeid=item.nodeid, file=item.path.name,
        function=item.originalname, emu=emu, chapter=chapter_of(item),
        outcome=report.outcome, runs=runs), indent=1))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.config.getoption("--record") and (
            report.when == "call" or (report.when == "setup"
                                      and not report.passed)):
        _record(item, report)
    if report.when != "call" or not report.failed:
        return
    for run in getattr(item, "svmlab_runs", []):
        report.sections.append(("serial log", run.tail()))
        # and as the test's stdout, which JUnit XML keeps (it reads the
        # teardown report's), so a grade's results.json shows it too
        item.add_report_section("call", "stdout", run.tail())
