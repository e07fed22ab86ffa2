"""The harness itself: timeouts, the trace parser, the deviation table.

These tests belong to no chapter.  They check the promises the harness
makes to every chapter: a run never hangs silently, a malformed or cut-off
trace is a failure, a missing emulator names its package, and the
documentation of deviations is generated from the one table.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import deviations
import emulators
import svmtrace

ROOT = emulators.ROOT


def test_a_hung_run_is_reported_not_waited_for():
    """The harness kills a run at its timeout and keeps the log.

    A run with a 0.05 s budget cannot finish; it must come back marked as
    timed out, with no summary, which is a failed run.
    """
    run = emulators.boot("qemu", args="chapter=1", timeout=0.05)
    assert run.timed_out
    assert run.returncode is None
    assert run.trace.status == "no-summary"
    assert not run.trace.passed
    assert run.log.exists()
    assert "TIMED OUT" in run.tail()


def test_trace_without_summary_is_a_failed_run():
    log = ('text\n@svmlab {"ev":"run","version":"x","boot":"multiboot2",'
           '"cmdline":"","cpu":{}}\nmore text\n')
    t = svmtrace.parse(log)
    assert [e["ev"] for e in t.events] == ["run"]
    assert t.text == ["text", "more text"]
    assert t.status == "no-summary" and not t.passed


def test_summary_must_be_the_last_event():
    """Output after the summary means the run did not end where it said."""
    summary = ('@svmlab {"ev":"summary","status":"pass","checks":{},'
               '"guests":{},"chapters":[]}')
    late = '@svmlab {"ev":"check","ch":1,"name":"x","ok":true,"detail":""}'
    assert svmtrace.parse(summary).passed
    assert not svmtrace.parse(summary + "\n" + late).passed


@pytest.mark.parametrize("line, why", [
    ('@svmlab {"ev":"check",', "bad JSON"),
    ('@svmlab [1, 2]', "not an event object"),
    ('@svmlab {"ev":"nonsense"}', "unknown event"),
    ('@svmlab {"ev":"check","ch":1}', "lacks"),
])
def test_malformed_trace_lines_are_errors(line, why):
    """A broken trace line is the kernel's bug: the parser refuses it."""
    with pytest.raises(svmtrace.TraceError, match=why):
        svmtrace.parse("ok\n" + line + "\n")


def test_missing_program_names_its_debian_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(emulators.EmulatorMissing,
                       match="apt-get install qemu-system-x86"):
        emulators.require("qemu-system-x86_64")
    with pytest.raises(emulators.EmulatorMissing, match="bochs bochsbios"):
        emulators.require("bochs")


def test_emulators_md_is_generated_from_the_table():
    """docs/emulators.md is the deviation table, regenerated, not edited."""
    out = subprocess.run([sys.executable,
                          str(ROOT / "tools" / "gen_emulators_md.py"),
                          "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def _test_functions(path: Path) -> set:
    tree = ast.parse(path.read_text())
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("dev", deviations.DEVIATIONS, ids=lambda d: d.id)
def test_every_deviation_is_pinned_by_a_test_that_exists(dev):
    """Each row names the test that pins it; that test must exist."""
    file, _, func = dev.pinned_by.partition("::")
    path = ROOT / file
    assert path.exists(), f"{dev.id}: {file} does not exist"
    assert func in _test_functions(path), f"{dev.id}: no {func} in {file}"
    assert dev.id in path.read_text(), \
        f"{dev.id}: {func} never looks the entry up"
    assert dev.emu in emulators.EMULATORS


def _check_citations(*files):
    return subprocess.run([sys.executable,
                           str(ROOT / "tools" / "check_citations.py"),
                           *map(str, files)], capture_output=True, text=True)


def test_lessons_cite_code_that_exists():
    """Every `path: symbol` in chapters/ names a symbol in that file."""
    out = _check_citations()
    assert out.returncode == 0, out.stderr
    found = re.search(r"(\d+) citations", out.stdout)
    assert found and int(found.group(1)) > 0, out.stdout


def test_citation_check_catches_a_wrong_citation(tmp_path):
    bad = tmp_path / "README.md"
    bad.write_text("See `src/svm/detect.c: svm_probe` and "
                   "`src/svm/detect.c: svm_no_such_function`.\n")
    out = _check_citations(bad)
    assert out.returncode == 1
    assert "has no svm_no_such_function" in out.stderr
    assert "svm_probe" not in out.stderr


def test_a_symbol_left_only_in_a_comment_counts_as_gone(tmp_path):
    """A deleted function that a comment still names is not cited code."""
    sys.path.insert(0, str(ROOT / "tools"))
    import check_citations
    src = tmp_path / "gone.c"
    src.write_text("/* old_helper() used to live here */\n"
                   "// so did other_helper\n"
                   "int kept_helper(void) { return 0; }\n")
    code = check_citations.code_of(src)
    assert "kept_helper" in code
    assert "old_helper" not in code and "other_helper" not in code
