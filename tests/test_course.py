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


def guest_runs(t):
    """Each guest run in order: its guest_start, its exit events and its
    exit_stats.  A name may start several runs: chapter 17 runs the
    canary twenty-one times, and earlier chapters' guests again."""
    out, live = [], {}
    for e in t.events:
        g = e.get("guest")
        if e["ev"] == "guest_start":
            live[g] = {"start": e, "exits": [], "stats": None}
            out.append(live[g])
        elif g in live:
            if e["ev"] == "exit":
                live[g]["exits"].append(e)
            elif e["ev"] == "exit_stats":
                live[g]["stats"] = e
            elif e["ev"] == "guest_end":
                del live[g]
    return out


def test_the_kernel_counts_every_exit_of_every_guest(emu, boot):
    """The run report's numbers are the kernel's, and they are exact.

    Each guest run ends with an `exit_stats` event: its exits per code,
    counted in the kernel whether or not exits are traced.  Those counts
    must equal what the trace shows: one `exit` event per #VMEXIT,
    grouped by name, for every run of every guest of the whole course.
    (Chapter 4's VMRUN cases are not guests: their exits carry the case's
    name.)  Chapter 16's guests, and chapter 17's floods and isolation
    guests, run untraced (`"traced": false`): they must have counts and
    no `exit` event at all.
    """
    run = boot(emu)
    t = run.trace
    runs = guest_runs(t)
    assert runs, run.tail()
    traced = {r["start"]["guest"]: r["start"]["traced"] for r in runs}
    assert not traced["bench_cpuid"] and traced["cpuid"]
    for r in runs:
        g, s = r["start"]["guest"], r["stats"]
        assert s is not None, g
        seen = {}
        for e in r["exits"]:
            seen[e["name"]] = seen.get(e["name"], 0) + 1
        counts = {k: n for k, n in s["codes"].items() if n}
        if r["start"]["traced"]:
            # total counts exits of every code, also beyond the table's 32
            assert counts == seen and s["total"] == len(r["exits"]), g
        else:
            assert not seen and s["total"] > 0, g


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
