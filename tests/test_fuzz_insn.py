"""fuzz=insn: random instructions as guest code, every failure contained
(chapter 17; src/course/fuzz_insn.c).

Each case is a string of random bytes mixed with the encodings of the
instructions that exit, with random registers; it runs in real mode, in
32-bit protected mode and in long mode under the whole hypervisor, with
every exception and every handled instruction intercepted, the watchdog
and an exit limit.  Whatever the bytes do, the case must end as done
(HC_DONE, through the sled or an exception handler) or stopped by the
hypervisor with a reason; the host must never fault or hang, and its
state (chapter 17's containment check) must be intact after every case.

The case counts are sized for CI: about 15 s of fuzzing on QEMU and 80 s
on Bochs.  A seed repeats exactly on both: Bochs' LAPIC timer counts
instructions, and QEMU runs in chapter 16's deterministic mode
(-icount shift=0,sleep=off), where its timer does too.  Without it the
watchdog follows the host's clock, and a few cases end differently from
run to run: a failing case could not be replayed.
"""

import re
import subprocess
import sys

import pytest

import svmtrace
from emulators import ROOT

CHAPTER = 17
SEED = 1
CASES = {"qemu": 1000, "bochs": 600}
BUDGET_S = {"qemu": 60, "bochs": 180}
# QEMU's deterministic clock (chapter 16); Bochs' is deterministic as is.
ICOUNT = {"qemu": 0, "bochs": None}
MODES = ("real", "prot32", "long")

# The stop kinds the fuzzer sorts the hypervisor's reasons into
# (fuzz_insn.c: stop_names); "other" would mean a reason nobody expected.
STOP_KINDS = {"watchdog", "exit_limit", "shutdown", "triple_fault",
              "vmexit_invalid", "unhandled_exit", "hypercall", "injection",
              "mmio", "npf", "string_io", "ghcb", "decode", "stack"}

# Exits every CI run meets: the dictionary holds their instructions
# (VMMCALL, IN/OUT, RDMSR/WRMSR, HLT, UD2, INT n, ...), the long-mode
# harness's page tables map the MMIO page, and RAM outside the harness
# is 8Eh bytes, #UD wherever a jump lands.
MUST_EXIT = {"VMMCALL", "IOIO", "MSR", "HLT", "NPF", "EXCP6", "EXCP13",
             "EXCP14", "CPUID", "PUSHF", "POPF", "INVLPG", "RDTSC", "SWINT",
             "CR0_WRITE", "DR7_WRITE", "TR_WRITE"}


def fuzz(emu, boot, seed=SEED, cases=None, shared=True):
    args = f"fuzz=insn seed={seed} cases={cases or CASES[emu]}"
    run = boot(emu, args=args, timeout=3 * BUDGET_S[emu], shared=shared,
               icount=ICOUNT[emu])
    t = run.trace
    summaries = [e for e in t.of("fuzz_summary") if e["fuzzer"] == "insn"]
    assert len(summaries) == 1, run.tail()
    return run, t, summaries[0]


def test_every_case_ends_done_or_stopped_and_the_host_survives(emu, boot):
    """Every case, in every mode, ends: done or stopped, and the counts
    add up; the host never crashed (the run reached its summary, which a
    host exception would have replaced with a panic), the containment
    check passed after every case (the fuzzer panics if it does not), and
    the hypervisor's code, read-only data and secret page are the same
    after the run as before."""
    run, t, s = fuzz(emu, boot)
    assert t.status == "pass", run.tail()
    assert not t.of("panic")
    assert (s["seed"], s["cases"]) == (SEED, CASES[emu])
    assert set(s["modes"]) == set(MODES)
    for m in MODES:
        mode = s["modes"][m]
        assert mode["runs"] == CASES[emu], m
        assert mode["done"] + mode["stopped"] == mode["runs"], m
        assert mode["done_exception"] <= mode["done"], m
        assert mode["done"] > 0 and mode["stopped"] > 0, m
    stopped = sum(s["modes"][m]["stopped"] for m in MODES)
    assert sum(s["stops"].values()) == stopped
    assert s["host_crashes"] == 0 and s["host_intact"] is True
    assert t.checks()["fuzz_insn.host_intact"]["ok"]


def test_every_stop_has_a_known_reason(emu, boot):
    """The hypervisor's stop reasons fall in the kinds the fuzzer knows;
    none is "other".  None is "injection" either: reflecting #GP with its
    error code into a real-mode guest made EVENTINJ refuse it, which
    stopped the guest; a real-mode exception now has no error code
    (src/svm/events.c: events_reflect), as in the processor."""
    run, t, s = fuzz(emu, boot)
    assert set(s["stops"]) <= STOP_KINDS, s["stops"]
    assert "injection" not in s["stops"]
    assert "watchdog" in s["stops"]        # loops happen, and end


def test_the_exits_cover_the_hypervisors_handlers(emu, boot):
    """The cases reach the exit handlers the dictionary aims at, each
    exit by its name (svm_exit_name), none unknown, and the exits of all
    runs add up to a number in proportion (at least one per run: every
    done case made the HC_DONE hypercall)."""
    run, t, s = fuzz(emu, boot)
    exits = s["exits"]
    assert MUST_EXIT <= set(exits), sorted(MUST_EXIT - set(exits))
    assert not [k for k in exits if k.startswith("0x")], exits
    done = sum(s["modes"][m]["done"] for m in MODES)
    assert exits["VMMCALL"] >= done
    assert sum(exits.values()) + s["exits_other"] >= 3 * CASES[emu]


def test_a_seed_repeats_exactly(emu, boot):
    """Two runs of one seed end every case, in every mode, the same way:
    the digest over each run's case number, mode and ending is the same,
    and so are the counts of endings, exits and stops.  So a case that
    ever crashed or hung can be run again, alone or with the cases before
    it (RAM keeps what earlier cases wrote)."""
    cases = CASES[emu] // 5
    first = fuzz(emu, boot, SEED + 1, cases, shared=False)[2]
    second = fuzz(emu, boot, SEED + 1, cases, shared=False)[2]
    assert first["cases"] == second["cases"] == cases
    for member in ("digest", "modes", "exits", "exits_other", "stops",
                   "watchdog", "watchdog_if0"):
        assert first[member] == second[member], member


def test_a_ci_run_fits_its_budget(emu, boot):
    """CI size: the whole boot within a minute on QEMU and three on
    Bochs."""
    run, t, s = fuzz(emu, boot)
    assert run.seconds < BUDGET_S[emu], run.seconds
    assert s["tsc"] > 0


def test_the_summary_is_a_known_trace_event(emu, boot):
    """fuzz_summary is one event for both fuzzers, told apart by
    "fuzzer" (docs/trace-format.md); the parser requires its members."""
    run, t, s = fuzz(emu, boot)
    assert "fuzz_summary" in svmtrace.EVENTS
    assert s["fuzzer"] == "insn"
    doc = (ROOT / "docs" / "trace-format.md").read_text()
    assert '"fuzzer":"insn"' in doc


@pytest.mark.emulators("qemu")
def test_make_fuzz_runs_the_instruction_fuzzer_deterministically(emu, boot):
    """`make fuzz` (tools/fuzz.py) ends with a fuzz=insn run on QEMU in
    deterministic mode: it reports every mode and the host intact, exits
    0, and its digest is the one this test's own boot of the same seed
    gives, so a case it reports can be replayed."""
    seed, cases = SEED + 2, 100
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "fuzz.py"), "--emu", "qemu",
         "--cases", "20", "--insn-cases", str(cases), "--seed", str(seed)],
        capture_output=True, text=True, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    head = f"== qemu: fuzz=insn seed={seed} cases={cases}, -icount shift=0"
    assert head in out, out
    insn = out[out.index(head):]
    for mode in MODES:
        assert re.search(rf"^  {mode} +{cases} runs: ", insn, re.M), insn
    m = re.search(r"host: intact, crashes 0; digest (0x[0-9a-f]+)", insn)
    assert m, insn
    s = fuzz(emu, boot, seed, cases)[2]
    assert int(m.group(1), 16) == s["digest"]
