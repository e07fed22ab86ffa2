#!/usr/bin/env python3
"""The long fuzz run behind `make fuzz`: fuzz=vmcb on QEMU, Bochs or both,
then fuzz=insn on QEMU.

    tools/fuzz.py [--emu qemu|bochs|both] [--cases N] [--seed S]
                  [--insn-cases N] [--timeout S]

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

Then, unless --insn-cases is 0 or --emu is bochs, QEMU boots once with
`fuzz=insn seed=S cases=N` (10000 by default): N random byte strings run
as guest code in real, 32-bit protected and long mode
(src/course/fuzz_insn.c), in chapter 16's deterministic mode
(-icount shift=0,sleep=off), so that the same seed repeats exactly and a
case that failed can be run again.  It reports the endings per mode, the
stops by reason and the host's state.  Bochs is left out: a case that
clears IF and loops never exits there
(bochs-vintr-masking-guest-if-holds-intr), and the run would hang until
its timeout; the CI seed of tests/test_fuzz_insn.py draws no such case.

Exit status: 0 if every run completed and every disagreement is
explained; 1 if a disagreement is unexplained, the checker and the APM
(recomputed in Python) differ on a case, or the host was not intact
(after a VMCB or an instruction case); 2
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
#: fuzz=insn on QEMU: about 15 ms a case (3 modes), measured; margin 4x.
INSN_CASE_SECONDS = 0.06


def boot_fuzzer(emu, fuzzer, seed, cases, timeout, icount=None):
    """Boot ``fuzz=FUZZER``; print its heading; (run, its summary), the
    summary None (and the reason printed) if the run ended without it."""
    args = f"fuzz={fuzzer} seed={seed} cases={cases}"
    started = time.monotonic()
    run = emulators.boot(emu, args=args, timeout=timeout, icount=icount)
    seconds = time.monotonic() - started
    mode = "" if icount is None else f", -icount shift={icount}"
    print(f"== {emu}: {args}{mode} ({seconds:.1f} s)")
    found = [e for e in run.trace.of("fuzz_summary")
             if e["fuzzer"] == fuzzer]
    if not found:
        print(f"  no summary: the run ended as {run.trace.status!r} "
              f"(exit {run.returncode}); the host did not survive")
        print(run.tail())
        return run, None
    return run, found[0]


def run_one(emu, seed, cases, timeout):
    """Boot one emulator; print its report; return the exit status."""
    timeout = timeout or BOOT_SECONDS[emu] + cases * CASE_SECONDS[emu]
    run, s = boot_fuzzer(emu, "vmcb", seed, cases, timeout)
    if s is None:
        return 2
    t = run.trace
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


def run_insn(seed, cases, timeout):
    """fuzz=insn on QEMU in deterministic mode; print it; the status."""
    timeout = timeout or BOOT_SECONDS["qemu"] + cases * INSN_CASE_SECONDS
    run, s = boot_fuzzer("qemu", "insn", seed, cases, timeout, icount=0)
    if s is None:
        return 2
    t = run.trace
    for mode, m in s["modes"].items():
        print(f"  {mode:7}{m['runs']:7} runs: {m['done']} done "
              f"({m['done_exception']} after an exception), "
              f"{m['stopped']} stopped")
    print(f"  {len(s['exits'])} exit codes seen, "
          f"{sum(s['exits'].values()) + s['exits_other']} exits")
    print("  stops by reason: " + ", ".join(
        f"{k} {n}" for k, n in s["stops"].items() if n))
    print(f"  host: {'intact' if s['host_intact'] else 'NOT INTACT'}, "
          f"crashes {s['host_crashes']}; digest {s['digest']:#x}; "
          f"run status {t.status}; log {run.log}")
    return 0 if s["host_intact"] and not s["host_crashes"] and \
        t.status == "pass" else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emu", choices=("qemu", "bochs", "both"),
                    default="both")
    ap.add_argument("--cases", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--insn-cases", type=int, default=10000,
                    help="fuzz=insn cases on QEMU (0: none)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per emulator (default: from --cases)")
    a = ap.parse_args()
    emus = emulators.EMULATORS if a.emu == "both" else (a.emu,)
    try:
        results = [run_one(emu, a.seed, a.cases, a.timeout) for emu in emus]
        if a.insn_cases and "qemu" in emus:
            results.append(run_insn(a.seed, a.insn_cases, a.timeout))
    except emulators.EmulatorMissing as err:
        print(err, file=sys.stderr)
        return 2
    return max(results)


if __name__ == "__main__":
    sys.exit(main())
