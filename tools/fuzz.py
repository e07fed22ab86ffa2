#!/usr/bin/env python3
"""The long fuzz run behind `make fuzz`: fuzz=vmcb on QEMU, Bochs or both.

    tools/fuzz.py [--emu qemu|bochs|both] [--cases N] [--seed S]
                  [--timeout S]

Each emulator boots the kernel once with `fuzz=vmcb seed=S cases=N`: the
baseline, the corpus and N random VMCBs, one VMRUN each, the software
checker's verdict against the processor's (src/course/fuzz_vmcb.c).
The tests run 2000 cases (tests/test_fuzz_vmcb.py); this runs as many as
you like, 50000 by default, and says per emulator:

    - the kernel's summary: cases, agreements, the two kinds of
      disagreement, the rules named and those an emulator let through;
    - every disagreement, grouped by the deviation of tests/deviations.py
      that explains it (the same classifier as the tests);
    - the disagreements that nothing explains, each with its mutations
      and VMCB fields: a checker bug to fix, or a deviation to record.

Exit status: 0 if every run completed and every disagreement is
explained; 1 if a disagreement is unexplained, the checker and the APM
(recomputed in Python) differ on a case, or the host was not intact; 2
if a run ended without its summary (the emulator crashed or hung: the
host did not survive).
"""

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import emulators  # noqa: E402
import test_fuzz_vmcb as fz  # noqa: E402

#: Seconds to boot, and seconds per case on top (measured: QEMU about
#: 0.25 ms a case, Bochs about 0.6 ms), with a wide margin.
BOOT_SECONDS = {"qemu": 30.0, "bochs": 90.0}
CASE_SECONDS = {"qemu": 0.002, "bochs": 0.01}


def run_one(emu, seed, cases, timeout):
    """Boot one emulator; print its report; return the exit status."""
    args = f"fuzz=vmcb seed={seed} cases={cases}"
    timeout = timeout or BOOT_SECONDS[emu] + cases * CASE_SECONDS[emu]
    started = time.monotonic()
    run = emulators.boot(emu, args=args, timeout=timeout)
    seconds = time.monotonic() - started
    t = run.trace
    print(f"== {emu}: {args} ({seconds:.1f} s)")
    found = t.of("fuzz_summary")
    if not found:
        print(f"  no summary: the run ended as {t.status!r} "
              f"(exit {run.returncode}); the host did not survive")
        print(run.tail())
        return 2
    s = found[0]
    env = s["env"]
    print(f"  {s['run']} cases run ({s['cases']} random, {s['corpus']} "
          f"corpus, {s['excluded']} excluded); digest {s['digest']:#x}")
    print(f"  {'':22}{'guest ran':>12}{'VMEXIT_INVALID':>16}")
    print(f"  {'checker: valid':22}{s['agree_ran']:>12}{s['refused']:>16}")
    print(f"  {'checker: invalid':22}{s['ran']:>12}{s['agree_invalid']:>16}")
    print(f"  agreements {s['agree']}, disagreements {s['disagree']}")
    print("  rules named (let through): " + ", ".join(
        f"{r} {n}" + (f" ({s['ran_by_rule'][r]})" if r in s["ran_by_rule"]
                      else "") for r, n in s["named"].items() if n))
    print("  first exits of guests that ran: " + ", ".join(
        f"{name} {n}" for name, n in s["exits"].items()))
    status = 0
    wrong = [c for c in t.of("fuzz_case")
             if sorted(fz.apm_rules(c["vmcb"], env)) != sorted(c["checker"])]
    for c in wrong[:10]:
        print(f"  CHECKER != APM: {fz.describe(c)}; the APM: "
              f"{sorted(fz.apm_rules(c['vmcb'], env))}")
    by_dev = collections.Counter()
    left = []
    for c in fz.disagreements(t):
        devs = fz.explain(emu, c, env)
        if devs:
            by_dev[" + ".join(sorted(set(devs)))] += 1
        else:
            left.append(c)
    for dev, n in by_dev.most_common():
        print(f"  {n:7} explained by {dev}")
    for c in left[:20]:
        print(f"  UNEXPLAINED {fz.describe(c)}")
    if len(left) > 20:
        print(f"  ... and {len(left) - 20} more unexplained")
    if wrong or left or not s["host_intact"] or t.status != "pass":
        status = 1
    print(f"  host: {'intact' if s['host_intact'] else 'NOT INTACT'}, "
          f"crashes {s['host_crashes']}, watchdog {s['watchdog']}; "
          f"run status {t.status}; log {run.log}")
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emu", choices=("qemu", "bochs", "both"),
                    default="both")
    ap.add_argument("--cases", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per emulator (default: from --cases)")
    a = ap.parse_args()
    emus = emulators.EMULATORS if a.emu == "both" else (a.emu,)
    try:
        results = [run_one(emu, a.seed, a.cases, a.timeout) for emu in emus]
    except emulators.EmulatorMissing as err:
        print(err, file=sys.stderr)
        return 2
    return max(results)


if __name__ == "__main__":
    sys.exit(main())
