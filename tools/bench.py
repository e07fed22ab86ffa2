#!/usr/bin/env python3
"""bench.py - chapter 16's measurements: `make bench`.

    tools/bench.py [--emu qemu|bochs|both] [--out DIR] [--shift N]
                   [--no-count] [--quick]

For each emulator it boots chapter 16 in the emulator's deterministic
mode (QEMU: -icount shift=N, by default 0, so that one TSC tick is one
instruction; Bochs: clock sync=none, where the TSC counts instructions
anyway) and reads what the bench guests report (guests/bench_*.S):
iterations, TSC cycles over the loop, the guest's own instructions per
iteration and the exits per iteration.  From them, per exit kind:

    cycles/exit   cycles / iterations / exits
    ratio         cycles/exit over the floor's (ch16_floor.S)
    host insns    instructions the host runs from #VMEXIT to VMRUN, per
                  exit: cycles per iteration minus the guest's
                  instructions, minus what the emulator counts for the
                  exiting instruction and VMRUN themselves.  That last
                  part is read off the floor, whose host path is known
                  instruction by instruction (6: VMRUN CMP JNE ADD DEC
                  JNZ).

It boots each configuration twice and requires identical counts (the
point of deterministic mode), then once more with the exit trace on and
once with the course's defaults (trace and the VMCB checker on) to show
what each costs.  On QEMU it also counts each host path exactly with
GDB (`count-exit-path`, tools/gdb/svmlab.py: a breakpoint after VMRUN
and single steps to the next one) and boots once without -icount to
show real (host) time, where the emulator's own cost of VMRUN shows.
On Bochs the exact count comes from its debugger: a breakpoint on
VMRUN and `trace on` for two round trips (bochs_count).

It writes DIR/bench.json and DIR/bench.png (a bar chart per exit kind
and emulator, python3-matplotlib) and prints the table.  Exit status:
0, or 1 if a guest failed, counts differ between two runs, or an
emulator is missing.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import emulators  # noqa: E402

# The exit kinds, in the order of the table and the plot: label, guest,
# and the exit code whose host path `count-exit-path` counts (None: the
# floor, which has its own loop and no world switch to count).  The
# Bochs count traces one round trip after SKIP[guest] VMRUNs (default
# 20): far enough into the timed loop, past the guest's start, its
# reports and its 4 warm-up exits.
SKIP = {"bench_hlt": 240}
KINDS = [
    ("floor", "bench_floor", None),
    ("CPUID", "bench_cpuid", 0x72),
    ("VMMCALL", "bench_vmmcall", 0x81),
    ("RDMSR", "bench_rdmsr", 0x7c),
    ("WRMSR", "bench_wrmsr", 0x7c),
    ("OUT", "bench_out", 0x7b),
    ("IN", "bench_in", 0x7b),
    ("HLT+wake-up", "bench_hlt", 0x78),
    ("#UD reflected", "bench_exception", 0x46),
    ("#NPF demand", "bench_npf", 0x400),
    ("MMIO read", "bench_mmio_read", 0x400),
    ("MMIO write", "bench_mmio_write", 0x400),
    ("VMGEXIT", "bench_vmgexit", 0x81),
]

# The floor's host path, instruction by instruction (ch16_floor.S), and
# the guest's other instruction (JMP).
FLOOR_HOST_INSNS = 6

# Guest code lives at and above the guest window (guest_abi.h); the
# kernel is linked at 1 MiB, far below it.
GUEST_WINDOW_BASE = 0x400000

# Measurement mode: no per-exit trace, no VMCB check before VMRUN.
MEASURE = "chapter=16 trace=off vmcbcheck=off"
TRACED = "chapter=16 trace=on vmcbcheck=off"
DEFAULTS = "chapter=16 trace=on vmcbcheck=on"

KEYS = ("bench.iters", "bench.cycles", "bench.guest_insns", "bench.exits")


class BenchError(Exception):
    """A measurement that cannot be trusted."""


def boot(emu: str, args: str, icount):
    """One boot of chapter 16; {guest: reports} or BenchError."""
    run = emulators.boot(emu, args=args,
                         icount=icount if emu == "qemu" else None,
                         timeout=300)
    trace = run.trace
    if run.timed_out or trace.status not in ("pass", "fail"):
        raise BenchError(f"{emu} {args!r}: no summary (timed out: "
                         f"{run.timed_out})\n{run.tail()}")
    out = {}
    for _, guest, _ in KINDS:
        end = trace.guest_end(guest)
        if end["result"] != "pass":
            raise BenchError(f"{emu} {args!r}: {guest} ended "
                             f"{end['result']}: {end.get('reason', '')}")
        rep = trace.guest_reports(guest)
        missing = [k for k in KEYS if k not in rep]
        if missing:
            raise BenchError(f"{emu}: {guest} did not report {missing}")
        out[guest] = {k.split(".")[1]: rep[k] for k in KEYS}
    return out


def per_exit(rep: dict) -> float:
    return rep["cycles"] / rep["iters"] / rep["exits"]


def derive(runs: dict, traced: dict, defaults: dict, icount_shift) -> dict:
    """The figures of one emulator from its boots."""
    scale = 2 ** icount_shift if icount_shift is not None else 1
    floor = runs["bench_floor"]
    floor_iter = floor["cycles"] / floor["iters"] / scale
    # What the emulator's clock counts for the exiting instruction, read
    # off the floor (VMRUN and 5 host instructions, the guest's JMP and
    # its VMMCALL): 1 on Bochs, whose clock counts every instruction.
    # QEMU's icount gives the floor one tick less than its instructions,
    # and other paths a few more (docs/emulators.md), so on QEMU this
    # estimate is within a few instructions; GDB's count is the exact one.
    counted = round(floor_iter) - FLOOR_HOST_INSNS - floor["guest_insns"]
    kinds = []
    for label, guest, code in KINDS:
        r = runs[guest]
        per_iter = r["cycles"] / r["iters"] / scale
        host_iter = per_iter - r["guest_insns"] - r["exits"] * counted
        kinds.append({
            "kind": label, "guest": guest, "code": code,
            "iters": r["iters"], "exits_per_iter": r["exits"],
            "guest_insns": r["guest_insns"], "cycles": r["cycles"],
            "cycles_per_exit": round(per_exit(r), 2),
            "ratio": round(per_exit(r) / per_exit(floor), 2),
            "host_insns_per_exit": round(host_iter / r["exits"]),
            "traced_cycles_per_exit": round(per_exit(traced[guest]), 2),
            "default_cycles_per_exit": round(per_exit(defaults[guest]), 2),
        })
    return {"floor_insns_per_trip": round(floor_iter, 3),
            "counted_per_trip": counted, "kinds": kinds}


def gdb_count(guest: str, code: int) -> list:
    """QEMU: host instructions of three exit paths, by single steps."""
    script = ROOT / "build" / "bench" / f"count-{guest}.gdb"
    script.parent.mkdir(parents=True, exist_ok=True)
    # Past the 4 warm-up exits of that code, into the timed loop.
    script.write_text(f"count-exit-path {code:#x} 8 3\n")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "debug.py"),
         "--args", f"guest={guest} trace=off vmcbcheck=off",
         "--batch-script", str(script), "--timeout", "300"],
        capture_output=True, text=True)
    counts = [int(n) for n in re.findall(r"^exit-path \S+ \S+ insns=(\d+)$",
                                         proc.stdout, re.M)]
    if len(counts) != 3:
        raise BenchError(f"count-exit-path on {guest}: "
                         f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return counts


def count_host_path(emu: str, guest: str, code: int) -> list:
    """Host instructions from #VMEXIT to VMRUN of a few round trips of
    ``guest``'s loop, counted exactly: GDB single steps on QEMU, the
    debugger's instruction trace on Bochs."""
    return gdb_count(guest, code) if emu == "qemu" else bochs_count(guest)


def bochs_count(guest: str) -> list:
    """Bochs: host instructions of two round trips, from its debugger.

    A breakpoint on VMRUN; after SKIP VMRUNs, `trace on` prints every
    instruction the CPU executes until the next stop at VMRUN; twice, so
    that two consecutive round trips can be compared.  The host's
    instructions are the traced ones below the guest window, VMRUN
    included: the breakpoint-and-count method, exact by construction.
    """
    sys.path.insert(0, str(ROOT / "tools"))
    import debug
    vmrun, _ = debug.switch_addresses()
    skip = SKIP.get(guest, 20)
    script = ROOT / "build" / "bench" / f"count-{guest}.bochsrc"
    script.write_text("\n".join([f"lb {vmrun:#x}"] + ["c"] * skip +
                                ["trace on", "c", "c", "trace off",
                                 "quit"]) + "\n")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "debug.py"), "--emu",
         "bochs", "--args", f"guest={guest} trace=off vmcbcheck=off",
         "--batch-script", str(script), "--timeout", "300"],
        capture_output=True, text=True)
    trips, host = [], None
    for line in proc.stdout.splitlines():
        m = re.match(r"\(0\)\.\[\d+\] (?:\[0x([0-9a-f]+)\]|\?\?\?)", line)
        if not m:
            continue
        addr = int(m.group(1), 16) if m.group(1) else None
        if addr == vmrun:
            if host is not None:
                trips.append(host + 1)          # the VMRUN itself
            host = 0
        elif host is not None and addr is not None and \
                addr < GUEST_WINDOW_BASE:
            host += 1
    if len(trips) != 2:
        raise BenchError(f"Bochs count of {guest}: round trips {trips}"
                         f"\n{proc.stdout[-1500:]}{proc.stderr[-800:]}")
    return trips


def measure(emu: str, a) -> dict:
    icount = a.shift if emu == "qemu" else None
    first = boot(emu, MEASURE, icount)
    second = boot(emu, MEASURE, icount)
    differ = [g for g in first if first[g] != second[g]]
    if differ:
        raise BenchError(f"{emu}: deterministic mode gave different "
                         f"counts for {differ}: {first} vs {second}")
    traced = boot(emu, TRACED, icount)
    defaults = boot(emu, DEFAULTS, icount)
    res = derive(first, traced, defaults, icount)
    res["emu"] = emu
    res["mode"] = (f"-icount shift={a.shift}" if emu == "qemu"
                   else "clock: sync=none")
    res["identical_runs"] = 2
    if emu == "qemu":
        wall = boot(emu, MEASURE, None)
        for k in res["kinds"]:
            k["wall_cycles_per_exit"] = round(per_exit(wall[k["guest"]]), 1)
    if not a.no_count:
        for k in res["kinds"]:
            if k["code"] is not None and (not a.quick or
                                          k["kind"] in ("CPUID", "VMMCALL")):
                k["counted_host_insns"] = count_host_path(emu, k["guest"],
                                                          k["code"])
    return res


def host_text(k: dict) -> str:
    """The host instructions of one exit path: counted, else derived."""
    counted = k.get("counted_host_insns")
    if counted:
        return "/".join(str(n) for n in sorted(set(counted)))
    return f"~{k['host_insns_per_exit']}"


def table(results: list) -> str:
    head = "| exit kind |"
    rule = "|---|"
    for r in results:
        e = r["emu"]
        head += f" {e} cycles/exit | {e} ratio | {e} host insns |"
        rule += "---:|---:|---:|"
        if "wall_cycles_per_exit" in r["kinds"][0]:
            head += f" {e} real-time cycles/exit |"
            rule += "---:|"
    lines = [head, rule]
    for i, (label, _, _) in enumerate(KINDS):
        row = f"| {label} |"
        for r in results:
            k = r["kinds"][i]
            host = FLOOR_HOST_INSNS if k["code"] is None and \
                k["guest"] == "bench_floor" else host_text(k)
            row += (f" {k['cycles_per_exit']:.1f} | {k['ratio']:.2f} |"
                    f" {host} |")
            if "wall_cycles_per_exit" in k:
                row += f" {k['wall_cycles_per_exit']:.0f} |"
        lines.append(row)
    return "\n".join(lines)


def cost_table(results: list) -> str:
    lines = ["| exit kind | emulator | measured | + trace | + trace and "
             "VMCB check |", "|---|---|---:|---:|---:|"]
    for r in results:
        for k in r["kinds"]:
            lines.append(f"| {k['kind']} | {r['emu']} | "
                         f"{k['cycles_per_exit']:.1f} | "
                         f"{k['traced_cycles_per_exit']:.1f} | "
                         f"{k['default_cycles_per_exit']:.1f} |")
    return "\n".join(lines)


def plot(results: list, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [label for label, _, _ in KINDS]
    # One series per emulator in deterministic mode, and QEMU's real-time
    # run (no -icount) where there is one: cycles per exit and the ratio
    # to that series' own floor.
    series = []
    for r in results:
        series.append((f"{r['emu']} ({r['mode']})",
                       [k["cycles_per_exit"] for k in r["kinds"]]))
        if "wall_cycles_per_exit" in r["kinds"][0]:
            series.append((f"{r['emu']} (real time, host TSC)",
                           [k["wall_cycles_per_exit"] for k in r["kinds"]]))
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(series)
    for n, (name, cycles) in enumerate(series):
        xs = [i + (n - (len(series) - 1) / 2) * width
              for i in range(len(labels))]
        ratios = [c / cycles[0] for c in cycles]
        ax.bar(xs, ratios, width, label=name)
        for x, c, ratio in zip(xs, cycles, ratios):
            ax.annotate(f"{c:.0f}", (x, ratio), ha="center", va="bottom",
                        fontsize=6, rotation=90, xytext=(0, 2),
                        textcoords="offset points")
    ax.set_yscale("log")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylabel("cycles per exit / floor (log scale)")
    ax.set_title("svmlab chapter 16: the cost of each exit against the "
                 "floor (bar labels: cycles per exit)")
    # Below the axes, where no bar or label can be under it.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3,
              fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emu", choices=("qemu", "bochs", "both"),
                    default="both")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--shift", type=int, default=0,
                    help="QEMU -icount shift (default 0: 1 tick/insn)")
    ap.add_argument("--no-count", action="store_true",
                    help="skip the exact host-path counts (debuggers)")
    ap.add_argument("--quick", action="store_true",
                    help="count the CPUID and VMMCALL paths only")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    emus = ["qemu", "bochs"] if a.emu == "both" else [a.emu]
    results = []
    started = time.monotonic()
    try:
        for emu in emus:
            t0 = time.monotonic()
            res = measure(emu, a)
            res["seconds"] = round(time.monotonic() - t0, 1)
            results.append(res)
            print(f"bench: {emu} measured in {res['seconds']} s",
                  flush=True)
    except (BenchError, emulators.EmulatorMissing) as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    doc = {"kernel_args": MEASURE, "results": results}
    (a.out / "bench.json").write_text(json.dumps(doc, indent=2) + "\n")
    plot(results, a.out / "bench.png")
    print()
    print(table(results))
    print()
    print("The cost of tracing and of the VMCB check (cycles per exit):")
    print(cost_table(results))
    for r in results:
        print(f"\n{r['emu']} ({r['mode']}): floor {r['floor_insns_per_trip']}"
              f" counted instructions per round trip; two runs identical")
    print(f"\nbench: wrote {a.out / 'bench.json'} and {a.out / 'bench.png'}"
          f" in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
