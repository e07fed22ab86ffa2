#!/usr/bin/env python3
"""Boot svmlab once and show the run as it happens (make run).

    tools/run.py --emu qemu|bochs [--cpu MODEL] [--args "chapter=2"]
                 [--via iso|kernel] [--raw] [--timeout S]

The GRUB ISO for the command line is built (and cached) under build/iso.

Readable lines are printed as the kernel writes them; trace lines (the
"@svmlab {...}" JSON) are hidden unless --raw is given.  The run ends
with its exit statistics, like kvm_stat: exits per code, then per guest
and code (the kernel's counts, the exit_stats events).  The exit status
tells how the run ended, the same on both emulators:
    0 pass, 1 fail, 2 bad-cmdline, 3 no-svm, 4 panic, 5 no summary (hung
    or crashed: the log is kept and its path printed).
"""

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import emulators  # noqa: E402
import svmtrace  # noqa: E402

EXIT = {"pass": 0, "fail": 1, "bad-cmdline": 2, "no-svm": 3, "panic": 4}
NO_SUMMARY = 5
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")    # GRUB's screen control


def follow(launch, timeout, raw):
    """Print the serial log while the emulator runs; return the Run."""
    deadline = time.monotonic() + timeout
    shown = 0
    while True:
        done = launch.proc.poll() is not None
        text = launch.log.read_text(errors="replace")
        lines = text.split("\n")
        complete = lines if done else lines[:-1]
        for line in complete[shown:]:
            line = line.rstrip("\r")
            if raw or svmtrace.parse_line(line) is None:
                print(ANSI.sub("", line), flush=True)
        shown = len(complete)
        if done or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return launch.finish(max(0.0, deadline - time.monotonic()))


def exit_report(trace) -> list:
    """The exit-statistics table of a run, as lines of text."""
    stats = trace.exit_stats()
    if not stats:
        return []
    totals, guests_with = {}, {}
    for counts in stats.values():
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
            guests_with[name] = guests_with.get(name, 0) + 1
    everything = sum(totals.values())
    width = max(len(g) for g in stats) + 2
    out = [f"exit statistics: {everything} exits in {len(stats)} guests",
           f"  {'exit code':<22}{'exits':>8}{'%':>7}{'guests':>8}"]
    for name, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {name:<22}{n:>8}{100 * n / everything:>7.1f}"
                   f"{guests_with[name]:>8}")
    out.append(f"  {'guest':<{width}}{'exits':>7}  by code")
    for guest, counts in stats.items():
        by_code = ", ".join(f"{name} {n}" for name, n in sorted(
            counts.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(f"  {guest:<{width}}{sum(counts.values()):>7}  {by_code}")
    return out


def main():
    ap = argparse.ArgumentParser(description="boot svmlab and show the run")
    ap.add_argument("--emu", choices=emulators.EMULATORS, default="qemu")
    ap.add_argument("--cpu", default=None)
    ap.add_argument("--args", default="", help="kernel command line")
    ap.add_argument("--via", choices=("iso", "kernel"), default="iso")
    ap.add_argument("--mem", type=int, default=emulators.DEFAULT_MEM_MIB)
    ap.add_argument("--timeout", type=float, default=None)
    ap.add_argument("--raw", action="store_true", help="show trace lines")
    ap.add_argument("--icount", type=int, default=None, metavar="SHIFT",
                    help="QEMU: the deterministic clock, -icount shift=SHIFT")
    a = ap.parse_args()
    if a.icount is not None and a.emu != "qemu":
        ap.error("--icount is QEMU's; Bochs' clock is always deterministic "
                 "(sync=none)")
    try:
        launch = emulators.launch(a.emu, a.cpu, a.via, a.args, a.mem,
                                  icount=a.icount)
    except (emulators.EmulatorMissing, FileNotFoundError) as err:
        print(f"run: {err}", file=sys.stderr)
        return NO_SUMMARY
    print(f"run: {a.emu} cpu={launch.cpu} via={a.via} "
          f"args={a.args!r}; serial log {launch.log}", flush=True)
    run = follow(launch, a.timeout or emulators.DEFAULT_TIMEOUT[a.emu],
                 a.raw)
    status = run.trace.status
    if status not in EXIT:
        why = "timed out" if run.timed_out else "stopped"
        print(f"\nrun: the emulator {why} without a summary: a failed "
              f"run.\n{run.tail()}", file=sys.stderr)
        return NO_SUMMARY
    print("\n".join([""] + exit_report(run.trace)))
    print(f"run: {status} in {run.seconds:.2f} s")
    return EXIT[status]


if __name__ == "__main__":
    sys.exit(main())
