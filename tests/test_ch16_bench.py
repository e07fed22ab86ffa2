"""Chapter 16: measuring exits.

Each bench guest (guests/bench_*.S) repeats one exit kind N times and
times the loop with RDTSC; the floor (src/course/ch16_floor.S) is the
cheapest round trip there is.  In each emulator's deterministic mode
(QEMU -icount shift=0, Bochs clock sync=none) a TSC tick is one executed
instruction, so the numbers are instruction counts that repeat exactly.

The expected values come from the guests' and the floor's own code: the
iteration counts and warm-ups are the guests' #defines, the floor's
round trip is six host instructions (VMRUN CMP JNE ADD DEC JNZ) and two
of the guest's (VMMCALL JMP).
"""

import json
import subprocess
import sys

import pytest

from emulators import ROOT

CHAPTER = 16
ARGS = f"chapter={CHAPTER}"
sys.path.insert(0, str(ROOT / "tools"))
import bench  # noqa: E402

# The guests, their N (the #define N of each file) and the exit code of
# the exit they repeat (APM2 Appendix C).  BENCH_WARMUP (bench_guest.h)
# untimed repetitions come first.
WARMUP = 4
GUESTS = {
    "bench_cpuid": (1000, "CPUID"),
    "bench_vmmcall": (1000, "VMMCALL"),
    "bench_rdmsr": (1000, "MSR"),
    "bench_wrmsr": (1000, "MSR"),
    "bench_out": (1000, "IOIO"),
    "bench_in": (1000, "IOIO"),
    "bench_hlt": (200, "HLT"),
    "bench_exception": (1000, "EXCP6"),
    "bench_npf": (256, "NPF"),
    "bench_mmio_read": (1000, "NPF"),
    "bench_mmio_write": (1000, "NPF"),
    "bench_vmgexit": (1000, "VMMCALL"),
}
FLOOR_TRIPS = 1000              # FLOOR_ROUND_TRIPS, ch16_bench.c
# The hypercalls around the loop (BENCH_DONE: 4 reports and a verdict;
# the runtime's HC_DONE), which also exit as VMMCALL.
OTHER_VMMCALLS = 6
# More hypercalls of their own: bench_hlt raises one interrupt per
# iteration and warm-up (VECTORS, HC_RAISE_IRQ); bench_npf reads its
# #NPF and demand-page counts before and after (HC_NPF_INFO).
MORE_HYPERCALLS = {"bench_hlt": 200 + WARMUP, "bench_npf": 4}
# Exits of the measured kind outside the warm-up and the loop, from the
# guests' sources: the set-up and the check of the result.
EXTRA = {
    "bench_vmmcall": OTHER_VMMCALLS,
    "bench_vmgexit": OTHER_VMMCALLS + 2,  # GHCB registration, ghcb_call
    "bench_rdmsr": 1,           # the WRMSR of the value it expects
    "bench_wrmsr": 1,           # the RDMSR that checks the last value
    "bench_out": 1,             # the IN that reads the register back
    "bench_hlt": 1,             # the HLT after the last vector
    "bench_mmio_read": 3,       # STATUS before, the DATA write, STATUS after
    "bench_mmio_write": 3,      # STATUS before, DATA and STATUS after
}

# What one floor round trip costs on each emulator's clock.  Bochs
# counts all 8 instructions.  QEMU's icount gives it 7: icount is
# deterministic but not exact across a world switch (docs/emulators.md).
# Not an APM matter (the APM does not tie the TSC to instructions), but
# pinned so that a change in it is seen.
FLOOR_PER_TRIP = {"qemu": 8 - 1, "bochs": 8}

# The regression guard: host instructions from #VMEXIT to the next
# VMRUN, VMRUN included, tracing and the VMCB check off, counted exactly
# (tools/bench.py count_host_path).  A change that makes a hot path
# longer must raise its bound here, on purpose, in the same commit.
# Bochs has NRIP: the hypervisor never reads the guest's code.  QEMU has
# no NRIP: each exit fetches the instruction through the guest's page
# tables and the NPT and decodes it, which is most of its count.
HOST_PATH_BOUND = {
    "bochs": {"bench_cpuid": 260, "bench_vmmcall": 355},
    "qemu": {"bench_cpuid": 1380, "bench_vmmcall": 2450},
}
CODES = {"bench_cpuid": 0x72, "bench_vmmcall": 0x81}


def icount(emu):
    return 0 if emu == "qemu" else None


def measure(emu, boot, args=ARGS, shared=True):
    run = boot(emu, args=args, icount=icount(emu), shared=shared)
    t = run.trace
    assert t.status == "pass", run.tail()
    return run, t


def reports(t):
    return {g: t.guest_reports(g) for g in ["bench_floor", *GUESTS]}


def test_every_exit_kind_is_measured_and_works(emu, boot):
    """Every bench guest passes its own check of the result (the MSR
    holds what was written, IN read the device's ID, the MMIO register
    reads back, each HLT was woken, ...) and reports its N, its cycles,
    its instructions per iteration and one exit per iteration.  The
    kernel's exit counts prove the loop really exits each time: the
    measured exit happened exactly N + warm-up times (the floor: its
    round trips plus the one exit that brought it to its loop)."""
    run, t = measure(emu, boot)
    stats = t.exit_stats()
    for guest, (n, name) in GUESTS.items():
        end = t.guest_end(guest)
        assert end["result"] == "pass", (guest, end)
        rep = t.guest_reports(guest)
        assert rep["bench.iters"] == n, guest
        assert rep["bench.exits"] == 1, guest
        assert rep["bench.cycles"] > 0, guest
        assert stats[guest][name] == n + WARMUP + EXTRA.get(guest, 0), \
            (guest, stats[guest])
        if name != "VMMCALL":
            assert stats[guest]["VMMCALL"] == \
                OTHER_VMMCALLS + MORE_HYPERCALLS.get(guest, 0), guest
    floor = t.guest_reports("bench_floor")
    assert floor["bench.iters"] == FLOOR_TRIPS
    assert stats["bench_floor"] == {"VMMCALL": FLOOR_TRIPS + 1}


def test_the_floor_is_eight_instructions(emu, boot):
    """The floor's round trip is the 6 host instructions of
    bench_floor_loop and the guest's VMMCALL and JMP: 8 instructions,
    as the emulator's clock counts them (FLOOR_PER_TRIP).  The loop's
    entry and exit add a few ticks once, not per trip."""
    run, t = measure(emu, boot)
    floor = t.guest_reports("bench_floor")
    per_trip = floor["bench.cycles"] / floor["bench.iters"]
    assert FLOOR_PER_TRIP[emu] <= per_trip < FLOOR_PER_TRIP[emu] + 0.1, \
        per_trip


def test_no_exit_is_cheaper_than_the_floor(emu, boot):
    """The floor is the cheapest round trip: every exit kind costs at
    least ten times as much, because each goes through the whole world
    switch (VMSAVE/VMLOAD, 15 GPRs each way) and the exit loop."""
    run, t = measure(emu, boot)
    rep = reports(t)
    floor = bench.per_exit({k.split(".")[1]: v
                            for k, v in rep["bench_floor"].items()})
    for guest in GUESTS:
        r = {k.split(".")[1]: v for k, v in rep[guest].items()}
        assert bench.per_exit(r) > 10 * floor, (guest, r)


def test_deterministic_mode_gives_identical_counts(emu, boot):
    """The same build, booted twice in deterministic mode, reports the
    same cycle count for every guest to the last tick: the emulator's
    clock is its instruction count, nothing of the host machine leaks
    in."""
    _, first = measure(emu, boot)
    _, second = measure(emu, boot, shared=False)
    assert reports(first) == reports(second)


@pytest.mark.parametrize("guest", sorted(CODES))
def test_host_path_regression_guard(emu, guest):
    """The host's path from #VMEXIT to VMRUN for CPUID and VMMCALL,
    tracing and the VMCB check off, counted instruction by instruction
    with the emulator's debugger: the same count on every round trip, and
    no longer than the bound.  (On QEMU the count reads a REP string
    instruction's iterations off RCX: a single step over REP MOVSB may
    return having done nothing, which counted as an instruction once.)"""
    counts = bench.count_host_path(emu, guest, CODES[guest])
    assert len(set(counts)) == 1, counts
    assert max(counts) <= HOST_PATH_BOUND[emu][guest], counts


@pytest.mark.emulators("bochs")
def test_the_clock_agrees_with_the_debugger_on_bochs(emu, boot):
    """On Bochs, the host instructions read off the clock (cycles per
    iteration, minus the guest's instructions, minus the exiting
    instruction) equal the debugger's count exactly: the two methods
    check each other."""
    run, t = measure("bochs", boot)
    for guest in CODES:
        r = {k.split(".")[1]: v for k, v in t.guest_reports(guest).items()}
        per_iter = r["cycles"] / r["iters"]
        clock = round(per_iter - r["guest_insns"] - 1)
        assert [clock] * 2 == bench.count_host_path("bochs", guest,
                                                    CODES[guest]), guest


def test_trace_off_hides_exits_but_counts_them(emu, boot):
    """With the trace off (chapter 16's default, or trace=off): no exit
    event and no console line per exit, yet the exit statistics count
    every exit and the guest still passes.  trace=on brings them back,
    one event per counted exit.  guest= runs the floor too: the figures
    are relative to it."""
    args = "guest=bench_cpuid"
    run = boot(emu, args=args, icount=icount(emu))
    t = run.trace
    assert t.status == "pass", run.tail()
    starts = {e["guest"]: e for e in t.of("guest_start")}
    assert set(starts) == {"bench_floor", "bench_cpuid"}
    assert starts["bench_cpuid"]["traced"] is False
    assert t.exits("bench_cpuid") == []
    assert not any(l.startswith("  exit ") for l in t.text)
    assert t.exit_stats()["bench_cpuid"]["CPUID"] == 1000 + WARMUP
    on = boot(emu, args=f"{args} trace=on", icount=icount(emu))
    starts = {e["guest"]: e for e in on.trace.of("guest_start")}
    assert starts["bench_cpuid"]["traced"] is True
    assert len(on.trace.exits("bench_cpuid")) == sum(
        on.trace.exit_stats()["bench_cpuid"].values())


def test_tracing_costs_cycles(emu, boot):
    """trace=on in chapter 16 traces its guests too: the exits appear in
    the trace, and each costs more than untraced: the price of the
    console line and the trace event (the chapter reports it)."""
    _, quiet = measure(emu, boot)
    run, loud = measure(emu, boot, args=f"{ARGS} trace=on")
    assert len(loud.exits("bench_cpuid")) == \
        sum(loud.exit_stats()["bench_cpuid"].values())
    for guest in ("bench_cpuid", "bench_vmmcall"):
        assert loud.guest_reports(guest)["bench.cycles"] > \
            2 * quiet.guest_reports(guest)["bench.cycles"], guest


@pytest.mark.emulators("qemu")
def test_make_bench_writes_table_json_and_plot(emu, tmp_path):
    """tools/bench.py (make bench) prints the table and writes the JSON
    and the PNG: every exit kind, the floor's ratio 1, identical runs."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bench.py"), "--emu", emu,
         "--no-count", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    doc = json.loads((tmp_path / "bench.json").read_text())
    res = doc["results"][0]
    assert [k["kind"] for k in res["kinds"]] == [k for k, _, _ in
                                                 bench.KINDS]
    assert res["kinds"][0]["ratio"] == 1.0
    assert res["identical_runs"] == 2
    assert (tmp_path / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| CPUID |" in out.stdout
