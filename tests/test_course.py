"""The whole course in one run, as `make run` boots it.

This belongs to no single chapter: it passes only when every chapter's
code is present, so the lab check (test_labs.py) leaves it out.
"""


def test_default_run_ends_in_a_passing_summary(emu, boot):
    """`make run` boots the whole course: banner, chapters, summary.

    The banner names the project, the run event carries the CPU's
    identity, and the last event is a summary in which every chapter
    passed.
    """
    run = boot(emu)
    t = run.trace
    assert any(l.startswith("svmlab ") for l in t.text), run.tail()
    start = t.one("run")
    assert start["cpu"]["vendor"] == "AuthenticAMD"
    assert t.summary is not None, f"no summary line\n{run.tail()}"
    assert t.status == "pass", run.tail()
    assert all(c["result"] == "pass" for c in t.summary["chapters"])
    assert t.summary["checks"]["failed"] == 0


def test_the_kernel_counts_every_exit_of_every_guest(emu, boot):
    """The run report's numbers are the kernel's, and they are exact.

    Each guest that ran ends with an `exit_stats` event: its exits per
    code, counted in the kernel whether or not exits are traced.  Those
    counts must equal what the trace shows: one `exit` event per #VMEXIT,
    grouped by name, for every guest of the whole course.  (Chapter 4's
    VMRUN cases are not guests: their exits carry the case's name.)
    """
    run = boot(emu)
    t = run.trace
    stats = t.exit_stats()
    started = {e["guest"] for e in t.of("guest_start")}
    assert started and set(stats) == started, run.tail()
    for guest, counts in stats.items():
        seen = {}
        for e in t.exits(guest):
            seen[e["name"]] = seen.get(e["name"], 0) + 1
        assert counts == seen, guest
    # total counts exits of every code, also beyond the table's 32
    assert sum(e["total"] for e in t.of("exit_stats")) == len(
        [e for e in t.of("exit") if e["guest"] in stats])


def test_make_run_ends_with_the_exit_statistics(emu):
    """`make run` ends with a kvm_stat-like table: exits per code, then
    per guest and code.

    Chapter 6's `msr_read_only` makes exactly one intercepted RDMSR (exit
    7Ch, "MSR") and reports through hypercalls; the table lists MSR for
    it, and the per-code totals add up to the run's exit count.
    """
    import re
    import subprocess
    import sys
    from emulators import ROOT
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run.py"), "--emu", emu,
         "--via", "kernel" if emu == "qemu" else "iso",
         "--args", "chapter=6"],
        capture_output=True, text=True, timeout=120).stdout
    lines = out.splitlines()
    head = next(i for i, l in enumerate(lines)
                if l.startswith("exit statistics:"))
    total = int(re.match(r"exit statistics: (\d+) exits in 7 guests",
                         lines[head])[1])
    by_code, row = 0, head + 2
    while not lines[row].lstrip().startswith("guest "):
        by_code += int(lines[row].split()[1])
        row += 1
    assert by_code == total
    guest_rows = {l.split()[0]: l for l in lines[row + 1:]
                  if l.startswith("  ") and not l.startswith("  run:")}
    assert re.search(r"\bMSR 1\b", guest_rows["msr_read_only"]), out
    assert lines[-1].startswith("run: pass")
