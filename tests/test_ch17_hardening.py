"""Chapter 17: hostile guests, every failure contained.

Each hostile guest runs, then the canary (guests/canary.S), a guest that
takes one trip through every path a guest has into the hypervisor and
reports values it can predict.  A failure is contained when the hostile
guest is answered as the APM prescribes (#UD for an SVM instruction, #GP
for an SVM MSR) or stopped with a diagnostic that names the cause, the
host is as it was (the chapter's hardening.* checks), and the canary
after it reports exactly what the ABI promises.  The expected values
come from src/svm/guest_abi.h, from the guests' own sources, and from the
APM (exit codes, Appendix C); never from a trace.
"""

import re

import pytest

from deviations import deviation, expect
from emulators import ROOT, abi, guest_symbol

CHAPTER = 17
ARGS = f"chapter={CHAPTER}"

# Exit codes (APM2 Appendix C).
EXIT_CPUID, EXIT_IOIO, EXIT_MSR, EXIT_SHUTDOWN = 0x72, 0x7B, 0x7C, 0x7F
EXIT_INTR, EXIT_SWINT, EXIT_BP = 0x60, 0x75, 0x43
SVM_EXITS = {"vmrun": 0x80, "vmload": 0x82, "vmsave": 0x83, "stgi": 0x84,
             "clgi": 0x85, "skinit": 0x86, "invlpga": 0x7A}
EFER_LME, EFER_LMA, EFER_SVME = 1 << 8, 1 << 10, 1 << 12
RFLAGS_VM = 1 << 17

# The hostile guests of the default run, each followed by the canary.
HOSTILE = [f"ud_{i}" for i in ("vmrun", "vmload", "vmsave", "clgi", "stgi",
                               "skinit", "invlpga")] + [
    "hostile_efer", "hostile_svm_msrs", "hostile_flood", "hostile_io",
    "hostile_rep_io", "hostile_hypercall", "hostile_yield"]
# Guests that run only on request (guest= or ondemand=on).
ON_REQUEST = ["triple_fault", "spin_cli", "fuzz_regress_v86",
              "fuzz_regress_ltr", "fuzz_regress_tss32"]


def default_order():
    """The guests of `chapter=17`, in order (src/course/ch17_hardening.c:
    ch17_hardening_run)."""
    order = ["canary"]
    for g in HOSTILE:
        order += [g, "canary"]
    order += ["vc_probe", "hostile_vc_probe", "ghcb_vc", "canary",
              "hostile_ghcb", "canary", "iso_scan", "canary",
              "iso_a", "iso_b", "canary", "fuzz_regress_int3", "canary",
              "fuzz_regress_tf", "canary"]
    return order


def guest_define(guest, name):
    """A #define of guests/<guest>.S: the guest's own constant."""
    text = (ROOT / "guests" / f"{guest}.S").read_text()
    m = re.search(rf"^#define\s+{name}\s+(0x[0-9a-fA-F]+|\d+)\b", text,
                  re.M)
    assert m, f"{name} is not defined in guests/{guest}.S"
    return int(m.group(1), 0)


def loader_max_exits():
    """The runaway limit under nested paging, as src/svm/guest.c sets it."""
    text = (ROOT / "src" / "svm" / "guest.c").read_text()
    return int(re.search(r"v->max_exits = (\d+);", text).group(1))


def canary_expected():
    """What the canary must report: the ABI's values and its own."""
    return {
        "canary.cpuid.max": abi("HV_CPUID_LEAF_MAX"),
        "canary.cpuid.sig": abi("HV_CPUID_SIG_EBX"),
        "canary.cpuid.svm": 0,                  # SVM hidden (chapter 5)
        "canary.efer": EFER_LME | EFER_LMA,     # shadow without SVME
        "canary.msr.id": abi("HV_MSR_ID_VALUE"),
        "canary.msr.scratch": guest_define("canary", "SCRATCH"),
        "canary.io.id": abi("HV_DEV_ID_VALUE"),
        "canary.io.data": guest_define("canary", "DEV_PATTERN"),
        "canary.io.fifo": 0x112233FF,           # 3 bytes, then empty
        "canary.mmio.id": abi("HV_MMIO_ID_VALUE"),
        "canary.mmio.data": guest_define("canary", "MMIO_PATTERN"),
        "canary.mmio.status": 3,                # ID, DATA write, DATA read
        "canary.ram.fresh": 0,
        "canary.ram.kept": guest_define("canary", "RAM_PATTERN"),
        "canary.ud": 1,
        "canary.tsc": 1,
    }


def runs_of(t):
    """Every guest run, in order: its guest, start, end and events (the
    canary runs many times, so a guest's name is not enough)."""
    out, live = [], {}
    for e in t.events:
        if e["ev"] == "guest_start":
            live[e["guest"]] = {"guest": e["guest"], "start": e,
                                "end": None, "events": []}
            out.append(live[e["guest"]])
        elif e.get("guest") in live:
            r = live[e["guest"]]
            if e["ev"] == "guest_end":
                r["end"] = e
                del live[e["guest"]]
            else:
                r["events"].append(e)
    return out


def reports(run):
    return {e["key"]: e["value"] for e in run["events"]
            if e["ev"] == "guest_report"}


def exits(run, code=None):
    return [e for e in run["events"] if e["ev"] == "exit" and
            (code is None or e["code"] == code)]


def the_run(t, guest):
    found = [r for r in runs_of(t) if r["guest"] == guest]
    assert len(found) == 1, f"{guest} ran {len(found)} times"
    return found[0]


def canary_after(t, guest):
    """The canary run that follows guest's run."""
    runs = runs_of(t)
    i = [r["guest"] for r in runs].index(guest)
    nxt = [r for r in runs[i + 1:] if r["guest"] == "canary"]
    assert nxt, f"no canary after {guest}"
    return nxt[0]


def assert_canary_intact(run, after):
    got = reports(run)
    assert got == canary_expected(), f"canary after {after}: {got}"
    assert not [e for e in run["events"]
                if e["ev"] == "guest_check" and not e["ok"]]
    assert run["end"]["result"] == "pass", after


def ch17(emu, boot, args=ARGS):
    run = boot(emu, args=args)
    t = run.trace
    assert t.status == "pass", run.tail()
    return run, t


def checks(t):
    return t.checks(CHAPTER)


# ---- the chapter as a whole -------------------------------------------

def test_every_hostile_guest_is_followed_by_an_intact_canary(emu, boot):
    """The run: the canary, then each hostile guest and the canary again.

    Every canary run reports what guest_abi.h promises: CPUID's
    hypervisor leaf, the EFER shadow, the two MSRs, the I/O device, the
    MMIO device (STATUS 3: no access of a hostile guest leaked into the
    canary's device), fresh RAM, a reflected #UD and the TSC offset.
    """
    run, t = ch17(emu, boot)
    runs = runs_of(t)
    assert [r["guest"] for r in runs] == default_order(), run.tail()
    canaries = [r for r in runs if r["guest"] == "canary"]
    assert len(canaries) == 1 + len(HOSTILE) + 6
    for i, c in enumerate(canaries):
        assert_canary_intact(c, i)


def test_the_host_is_intact_after_every_guest(emu, boot):
    """After each guest the chapter compares the host's EFER (SVME),
    VM_HSAVE_PA, VM_CR, APIC base, CR0/CR3/CR4, GDTR/IDTR, PIC masks and
    COM1 settings with their values before the first guest, and checks
    how the guest ended (ch17_hardening.c: contained): one check per guest, all
    passed; the hypervisor's checksum is the same before and after."""
    run, t = ch17(emu, boot)
    c = checks(t)
    want = {"hardening.canary.first", "hardening.checksum",
            "hardening.iso_a+iso_b"}
    for g in HOSTILE + ["hostile_ghcb", "iso_scan", "fuzz_regress_int3",
                        "fuzz_regress_tf"]:
        want |= {f"hardening.{g}", f"hardening.canary.after.{g}"}
    want |= {"hardening.hostile_vc_probe", "hardening.ghcb_vc",
             "hardening.canary.after.hostile_vc_probe",
             "hardening.canary.after.iso_a+iso_b"}
    assert set(c) == want, sorted(set(c) ^ want)
    bad = {n: e["detail"] for n, e in c.items() if not e["ok"]}
    assert not bad, bad
    sums = t.of("hv_checksum")
    assert [s["when"] for s in sums] == ["before", "after"]
    assert sums[0]["value"] == sums[1]["value"]
    assert all(s["secret_intact"] for s in sums)


def test_the_summary_accounts_for_every_guest(emu, boot):
    """Nothing is lost: every guest that started ended, as passed, failed
    or stopped, a stop always with its reason, and the summary's counts
    are those endings."""
    run, t = ch17(emu, boot)
    runs = runs_of(t)
    assert all(r["end"] for r in runs), [r["guest"] for r in runs
                                          if not r["end"]]
    ends = [r["end"] for r in runs]
    assert all(e["result"] in ("pass", "fail", "stopped") for e in ends)
    assert all(e["reason"] for e in ends if e["result"] == "stopped")
    g = t.summary["guests"]
    assert (g["passed"], g["failed"], g["stopped"]) == (
        sum(e["result"] == "pass" for e in ends),
        sum(e["result"] == "fail" for e in ends),
        sum(e["result"] == "stopped" for e in ends))
    assert g["stopped"] == 4 and g["unexpected"] == 0
    assert t.chapter_result(CHAPTER) == "pass"


def test_guests_killed_mid_run_are_accounted_for(emu, boot):
    """With a watchdog of 1 ms (4 ms under nested paging) guests are
    killed in the middle of their work, wherever the timer finds them:
    the run still reaches its summary, every guest that started has an
    end with a reason, and the summary's counts add up.  (The chapter
    fails: guests meant to finish were stopped.)"""
    run = boot(emu, args=ARGS + " watchdog=1")
    t = run.trace
    assert t.summary is not None, run.tail()
    runs = runs_of(t)
    assert [r["guest"] for r in runs] == default_order(), run.tail()
    ends = [r["end"] for r in runs]
    assert all(ends)
    killed = [e for e in ends if e["result"] == "stopped" and
              "watchdog" in e["reason"]]
    assert killed, "no guest was stopped by the watchdog"
    assert all(e["reason"] for e in ends if e["result"] == "stopped")
    g = t.summary["guests"]
    assert g["passed"] + g["failed"] + g["stopped"] == len(ends)
    assert g["stopped"] == sum(e["result"] == "stopped" for e in ends)
    assert g["unexpected"] == sum(e["result"] != e["expected"]
                                  for e in ends)


def test_a_host_exception_mid_chapter_loses_no_guest(emu, boot):
    """faultat=GUEST fault=gp raises #GP in the host as that guest
    starts, in the middle of the chapter.  The run ends in a panic, with
    the register dump, and the summary still accounts for every guest
    that started: those before ended as they should, and the one the
    host died under ended "stopped", its reason the panic."""
    run = boot(emu, args=ARGS + " faultat=hostile_io fault=gp")
    t = run.trace
    assert t.status == "panic", run.tail()
    assert t.one("panic")["vector"] == 13
    runs = runs_of(t)
    order = default_order()
    assert [r["guest"] for r in runs] == order[:order.index("hostile_io")
                                               + 1]
    assert all(r["end"] for r in runs)
    last = runs[-1]["end"]
    assert (last["result"], last["reason"]) == (
        "stopped", "the host panicked while it ran")
    assert all(r["end"]["result"] == r["end"]["expected"]
               for r in runs[:-1])
    g = t.summary["guests"]
    assert g["passed"] + g["failed"] + g["stopped"] == len(runs)
    assert g["unexpected"] == 1
    assert t.chapter_result(CHAPTER) == "aborted"


# ---- SVM instructions and MSRs ----------------------------------------

@pytest.mark.parametrize("insn", sorted(SVM_EXITS))
def test_svm_instruction_gets_ud_and_the_next_guest_runs(emu, boot, insn):
    """VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA from a guest.

    The hypervisor intercepts every SVM instruction (APM2 §15.9) and, as
    it offers no nested virtualisation, answers with #UD, a fault at the
    instruction: one exit with the instruction's code, one #UD injected,
    and the guest's handler sees vector 6 at the instruction's address.
    The canary after it is intact."""
    run, t = ch17(emu, boot)
    g = f"ud_{insn}"
    r = the_run(t, g)
    assert [e["code"] for e in exits(r, SVM_EXITS[insn])] == [
        SVM_EXITS[insn]]
    injected = [e for e in r["events"] if e["ev"] == "inject"]
    assert [(e["type"], e["vector"]) for e in injected] == [
        ("exception", 6)]
    got = reports(r)
    assert got["ud.vector"] == 6
    assert got["ud.rip"] == guest_symbol(g, f"ud_{insn}_insn")
    assert r["end"]["result"] == "pass"
    assert_canary_intact(canary_after(t, g), g)


def test_clearing_efer_svme_changes_only_the_guests_view(emu, boot):
    """A guest's EFER writes reach its shadow, never the VMCB's SVME.

    VMRUN needs EFER.SVME (APM2 §15.5.1).  The guest reads EFER without
    SVME, writes it back with SVME clear three ways, makes ten exits that
    each need a working VMRUN, and EFER = 0 gives #GP(0).  Every WRMSR of
    EFER exits (7Ch) with SVME clear in its value."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_efer")
    got = reports(r)
    assert got["efer.before"] == EFER_LME | EFER_LMA
    assert got["efer.exits_after"] == 10
    assert got["efer.zero_gp"] == 1
    assert got["efer.after"] == got["efer.before"]
    writes = [e["dec"] for e in exits(r, EXIT_MSR)
              if e["dec"]["msr"] == 0xC0000080 and e["dec"]["write"]]
    assert len(writes) == 5
    assert all(not w["value"] & EFER_SVME for w in writes)
    assert len(exits(r, EXIT_CPUID)) == 10
    assert checks(t)["hardening.hostile_efer"]["ok"]
    assert_canary_intact(canary_after(t, "hostile_efer"), "hostile_efer")


def test_svm_msrs_raise_gp_and_stay_the_hosts(emu, boot):
    """VM_HSAVE_PA (C001_0117h), VM_CR (C001_0114h), APIC_BASE (1Bh) and
    SYSCFG (C001_0010h): every read and write exits and is answered with
    #GP(0), as on a processor without SVM (APM2 §15.30; the guest is told
    it has none).  The host's values are unchanged (the hardening check
    compares VM_HSAVE_PA, VM_CR and the APIC base)."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_svm_msrs")
    msrs = [(e["dec"]["msr"], e["dec"]["write"]) for e in exits(r, EXIT_MSR)]
    assert msrs == [(0xC0010117, False), (0xC0010117, True),
                    (0xC0010117, True), (0xC0010114, False),
                    (0xC0010114, True), (0x1B, True), (0xC0010010, True)]
    gps = [(e["vector"], e["error"]) for e in r["events"]
           if e["ev"] == "inject"]
    assert gps == [(13, 0)] * 7
    assert reports(r) == {"svm_msrs.tries": 7, "svm_msrs.gp": 7}
    assert checks(t)["hardening.hostile_svm_msrs"]["ok"]
    assert_canary_intact(canary_after(t, "hostile_svm_msrs"),
                         "hostile_svm_msrs")


# ---- runaways ----------------------------------------------------------

def test_a_flood_of_exits_is_stopped_by_the_runaway_limit(emu, boot):
    """100,000 CPUID exits asked for; the exit loop stops the guest after
    max_exits (20000 under nested paging, src/svm/guest.c), not the
    watchdog: its own time hardly moves while the host serves it.  Its
    exits are counted, not traced one by one."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_flood")
    limit = loader_max_exits()
    assert limit < guest_define("hostile_flood", "FLOOD_EXITS")
    stats = [e for e in r["events"] if e["ev"] == "exit_stats"]
    assert [(s["total"], s["codes"]) for s in stats] == [
        (limit, {"CPUID": limit})]
    assert not exits(r)
    assert r["end"]["result"] == r["end"]["expected"] == "stopped"
    assert r["end"]["reason"] == \
        f"{limit} exits without finishing (runaway guest)"
    assert not [e for e in t.of("watchdog") if e["guest"] == "hostile_flood"]
    assert t.report("flood.exits") == limit
    assert t.report("flood.tsc") > 0
    assert_canary_intact(canary_after(t, "hostile_flood"), "hostile_flood")


def test_rep_ins_of_2_to_the_40_bytes_is_bounded_per_exit(emu, boot):
    """REP INSB with RCX = 2^40: the hypervisor moves a burst per exit
    and leaves RIP at the instruction, so the one instruction becomes a
    stream of IOIO exits that the runaway limit ends; no single exit
    works for long in the host (src/svm/io.c: STRING_IO_BURST)."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_rep_io")
    limit = loader_max_exits()
    stats = [e for e in r["events"] if e["ev"] == "exit_stats"]
    assert [(s["total"], s["codes"]) for s in stats] == [
        (limit, {"IOIO": limit})]
    assert r["end"]["reason"] == \
        f"{limit} exits without finishing (runaway guest)"
    assert_canary_intact(canary_after(t, "hostile_rep_io"), "hostile_rep_io")


# ---- the host's devices and its log -------------------------------------

FORGED = '@svmlab {"ev":"panic","kind":"forged"}\n'     # guests/hostile_io.S
BROKEN = 'x @svmlab {"ev":\n'


def test_io_to_host_devices_never_reaches_them(emu, boot):
    """The guest writes COM1's line control, the PICs, the PIT, the CMOS,
    the reset and power-off ports and QEMU's isa-debug-exit (F4h), each an
    IOIO exit (7Bh) to a port with nothing behind it; the emulator is
    still running afterwards (the canary and the summary follow), the
    host's PIC masks and COM1 settings are unchanged (the hardening
    check), and the reads give all ones, or COM1's emulated status."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_io")
    ports = [(e["dec"]["port"], e["dec"]["in"]) for e in exits(r, EXIT_IOIO)]
    outs = [0x3FB, 0x3F8, 0x3F9, 0x3FB, 0x3F9, 0x3FC, 0x20, 0x21, 0xA0,
            0xA1, 0x43, 0x40, 0x40, 0x70, 0x71, 0x92, 0x64, 0xCF9, 0x604,
            0xB004, 0x8900, 0xF4]
    ins = [0x21, 0x71, 0xF4, 0x3FD]
    console = [0x3F8] * (len(FORGED) + len(BROKEN))
    assert ports == [(p, False) for p in outs] + [(p, True) for p in ins] \
        + [(p, False) for p in console]
    assert reports(r) == {"io.pic_mask": 0xFF, "io.cmos": 0xFF,
                          "io.debug_exit": 0xFF, "io.com1_lsr": 0x60}
    assert r["end"]["result"] == "pass"
    assert checks(t)["hardening.hostile_io"]["ok"]
    if emu == "qemu":
        assert run.returncode == (0x10 << 1) | 1    # the kernel's pass
    assert_canary_intact(canary_after(t, "hostile_io"), "hostile_io")


def test_guest_text_cannot_write_trace_events(emu, boot):
    """The trace parser takes "@svmlab " anywhere in a line as an event
    (docs/trace-format.md).  A guest's console lines, report keys and
    messages are printed on that same line: the hypervisor shows every
    byte outside printable ASCII, and every '@', as '?'.  So the forged
    panic and the unfinished JSON are text, the parse succeeds, there is
    no panic event, and no line has the prefix anywhere but at its
    start."""
    run, t = ch17(emu, boot)
    assert not t.of("panic")
    console = [e["text"] for e in t.of("guest_console")
               if e["guest"] == "hostile_io"]
    assert console == [FORGED.rstrip("\n").replace("@", "?"),
                       BROKEN.rstrip("\n").replace("@", "?")]
    r = the_run(t, "hostile_hypercall")
    keys = [e["key"] for e in r["events"] if e["ev"] == "guest_report"]
    key = 'key\n@svmlab {"ev":"panic","kind":"forged"}'
    assert key.replace("\n", "?").replace("@", "?") in keys
    msgs = [e["message"] for e in r["events"] if e["ev"] == "guest_check"]
    assert "??[2J?[Hthe screen is mine" in msgs
    for line in run.text.splitlines():
        at = line.find("@svmlab ")
        assert at < 0 or not line[:at].strip("\r\x1b[0123456789;?HJKlmh"), \
            line


def test_hypercall_arguments_are_checked(emu, boot):
    """Refused: a reserved event type, NMI as an exception, #UD with an
    error code, an IRQ below 32, five NMIs, bad V_IRQ bits, HC_NPT_SET
    on the MMIO page and past RAM, an unknown HC_NPF_INFO selector.  The
    dirty log asked into the hypervisor's own page wrote nowhere (the
    checksum), and a key pointer at that page stops the guest with a
    diagnostic that names the pointer."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_hypercall")
    got = reports(r)
    assert got["hc.refused"] == 9
    assert got["hc.dirty_pages"] >= 1
    end = r["end"]
    assert (end["result"], end["expected"]) == ("stopped", "stopped")
    assert re.fullmatch(r"hypercall 1: RDI=0x[0-9a-f]+ is not a string of "
                        r"fewer than 64 bytes inside the guest",
                        end["reason"]), end["reason"]
    assert_canary_intact(canary_after(t, "hostile_hypercall"),
                         "hostile_hypercall")


def test_hc_yield_of_a_lone_guest_returns(emu, boot):
    """HC_YIELD outside the round-robin scheduler has nobody to give the
    CPU to: it returns HC_OK and the guest goes on to finish.  (It used to
    end the guest's run with no reason at all.)"""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_yield")
    assert reports(r) == {"yield.ok": 5, "yield.preempted": 0}
    assert r["end"]["result"] == "pass"
    assert not [e for e in t.of("sched") if e["guest"] == "hostile_yield"]


def test_a_guest_cannot_change_how_vc_is_delivered_to_others(emu, boot):
    """vc_probe measures how EVENTINJ delivers #VC (chapter 15); the
    hostile guest then claims the other frame size by moving RSP.  The
    first measurement stands (kept), and ghcb_vc, a model SEV-ES guest
    that depends on it, runs right after and passes."""
    run, t = ch17(emu, boot)
    truth = expect(emu, "qemu-eventinj-error-code-by-vector", 48)
    probes = t.of("vc_probe")
    assert [(p["guest"], p["bytes"], p["pushed"], p["kept"])
            for p in probes] == [
        ("vc_probe", truth, truth == 48, False),
        ("hostile_vc_probe", 88 - truth, truth == 48, True)]
    got = reports(the_run(t, "hostile_vc_probe"))
    assert (got["vc_lie.true"], got["vc_lie.claimed"]) == (truth, 88 - truth)
    assert the_run(t, "ghcb_vc")["end"]["result"] == "pass"


def test_a_ghcb_outside_guest_memory_stops_the_guest(emu, boot):
    """GHCB requests that reach for the host: OUT to F4h and 64h through
    the GHCB are served by the device model (nothing there), a GHCB write
    of VM_HSAVE_PA is answered with #GP(0), an MMIO read off the device
    page is malformed.  Then the GHCB MSR gets the host-physical address
    of the hypervisor's secret page: not a page of the guest's RAM in
    use, so there is nothing to read and nowhere to answer, and the guest
    is stopped.  The secret page is intact."""
    run, t = ch17(emu, boot)
    r = the_run(t, "hostile_ghcb")
    assert reports(r) == {"ghcb.out_f4": 0, "ghcb.out_64": 0,
                          "ghcb.hsave": 1, "ghcb.hsave_event": 0x80000B0D,
                          "ghcb.mmio_off_page": 2}
    msr_ghcb = [e["dec"]["value"] for e in exits(r, EXIT_MSR)
                if e["dec"]["msr"] == 0xC0010130 and e["dec"]["write"]]
    gpa = msr_ghcb[-1]
    assert gpa % 4096 == 0 and gpa < abi("GUEST_WINDOW_BASE")
    end = r["end"]
    assert (end["result"], end["expected"]) == ("stopped", "stopped")
    assert end["reason"] == (f"VMGEXIT with GHCB GPA 0x{gpa:x}: not a page "
                             f"of RAM the guest has used")
    assert all(s["secret_intact"] for s in t.of("hv_checksum"))
    assert_canary_intact(canary_after(t, "hostile_ghcb"), "hostile_ghcb")


def test_isolation_guests_find_nothing_again(emu, boot):
    """Chapter 14's hunters run again under chapter 17: iso_scan for the
    hypervisor's secret, iso_a and iso_b for each other's data.  Each
    passes its own checks; the host is intact after them."""
    run, t = ch17(emu, boot)
    for g in ("iso_scan", "iso_a", "iso_b"):
        assert the_run(t, g)["end"]["result"] == "pass", g
    assert reports(the_run(t, "iso_a"))["other_matches"] == 0
    assert reports(the_run(t, "iso_b"))["other_matches"] == 0
    assert checks(t)["hardening.iso_a+iso_b"]["ok"]
    assert_canary_intact(canary_after(t, "iso_b"), "iso_a+iso_b")


# ---- what the fuzzer found ----------------------------------------------

def test_int3_is_a_breakpoint_even_where_it_exits_as_intn(emu, boot):
    """INT3 raises #BP (exit 43h); QEMU exits with the INTn code 75h when
    that intercept is set too (pinned).  Either way the guest's handler
    gets one #BP returning after the INT3."""
    run, t = ch17(emu, boot)
    r = the_run(t, "fuzz_regress_int3")
    code = expect(emu, "qemu-int3-exits-as-intn", EXIT_BP)
    ex = exits(r)
    int3 = guest_symbol("fuzz_regress_int3", "int3_insn")
    assert [(e["code"], e["rip"]) for e in ex if e["rip"] == int3] == [
        (code, int3)]
    assert reports(r) == {"int3.bp": 1}
    assert r["end"]["result"] == "pass"


def test_one_hostile_guest_alone_still_has_its_canaries(emu, boot):
    """guest=NAME runs the canary before and after the hostile guest:
    the canary's results are what shows that the guest after a hostile
    one is intact, so a student running one scenario gets the whole
    proof.  A guest of another chapter brings no canary along."""
    g = "hostile_io"
    run, t = ch17(emu, boot, ARGS + f" guest={g}")
    assert [r["guest"] for r in runs_of(t)] == ["canary", g, "canary"]
    assert_canary_intact(runs_of(t)[0], "nothing")
    assert_canary_intact(canary_after(t, g), g)
    c = checks(t)
    for name in ("canary.first", g, f"canary.after.{g}"):
        assert c[f"hardening.{name}"]["ok"], name
    run = boot(emu, args="guest=hlt")
    assert [e["guest"] for e in run.trace.of("guest_start")] == ["hlt"]


def test_guests_that_run_only_on_request(emu, boot):
    """triple_fault (Bochs ends the simulation on it), spin_cli (Bochs
    hangs on it), fuzz_regress_v86 (Bochs panics on it), fuzz_regress_ltr
    and fuzz_regress_tss32 (QEMU aborts on them) run only when named or
    with ondemand=on; the default run says so and goes on."""
    run, t = ch17(emu, boot)
    started = {e["guest"] for e in t.of("guest_start")}
    for g in ON_REQUEST:
        assert g not in started
        assert any(f"-- {g}: runs only on request" in line
                   for line in t.text), g


def test_a_pending_single_step_trap_stays_the_guests(emu, boot):
    """TF set by POPF, then a store that exits with #NPF: Bochs 2.7 hands
    the pending single-step trap to the host after #VMEXIT, where it
    used to panic the hypervisor; the world switch's fix-up now drops it.
    The hypervisor emulates the store, and the guest gets its one #DB
    after the next instruction (the hypervisor does not deliver the trap
    of an instruction it emulated: chapter 17's README)."""
    run, t = ch17(emu, boot)
    r = the_run(t, "fuzz_regress_tf")
    npf = [e for e in exits(r) if e["name"] == "NPF"]
    assert [e["rip"] for e in npf] == [
        guest_symbol("fuzz_regress_tf", "mmio_store")]
    assert reports(r) == {"tf.db_count": 1, "tf.vector": 1,
                          "tf.rip": guest_symbol("fuzz_regress_tf",
                                                 "after_nop")}
    assert r["end"]["result"] == "pass"
    assert_canary_intact(canary_after(t, "fuzz_regress_tf"),
                         "fuzz_regress_tf")


@pytest.mark.emulators("qemu")
def test_on_request_guests_are_contained_on_qemu(emu, boot):
    """With ondemand=on: the triple fault is a SHUTDOWN exit (7Fh) and
    only the guest is lost; spin_cli, spinning with IF = 0, is stopped
    by the watchdog; the canary after each is intact.  fuzz_regress_v86
    passes (test_a_vmexit_from_virtual_8086_mode_keeps_vm_on_qemu).  Then
    fuzz_regress_ltr: QEMU loads a null selector into TR instead of
    raising #GP(0), and the next exception on an IST stack ends QEMU
    itself (pinned: no summary, "invalid tss").  fuzz_regress_tss32,
    after it, never runs here."""
    run = boot(emu, args=ARGS + " ondemand=on", timeout=90)
    t = run.trace
    tf = the_run(t, "triple_fault")
    assert [e["code"] for e in exits(tf)] == [EXIT_SHUTDOWN]
    assert tf["end"]["result"] == tf["end"]["expected"] == "stopped"
    assert "shutdown (triple fault)" in tf["end"]["reason"]
    assert_canary_intact(canary_after(t, "triple_fault"), "triple_fault")
    sc = the_run(t, "spin_cli")
    assert [e["code"] for e in exits(sc)] == [EXIT_INTR]
    assert "watchdog" in sc["end"]["reason"]
    assert_canary_intact(canary_after(t, "spin_cli"), "spin_cli")
    assert deviation("qemu-ltr-null-selector").value == "abort"
    ltr = the_run(t, "fuzz_regress_ltr")
    assert ltr["end"] is None and t.status == "no-summary", run.tail()
    assert reports(ltr) == {"ltr.ist_before": 1, "ltr.null_gp": 0}
    stderr = run.log.with_suffix(".stderr.txt").read_text()
    assert "qemu: fatal: invalid tss" in stderr
    assert "fuzz_regress_tss32" not in {r["guest"] for r in runs_of(t)}


@pytest.mark.emulators("bochs")
def test_ltr_of_a_null_selector_faults_on_bochs(emu, boot):
    """On Bochs, as the APM says: LTR of a null selector is #GP(0), TR
    stays, and the next #UD runs on IST 1 again."""
    run, t = ch17(emu, boot, ARGS + " guest=fuzz_regress_ltr")
    r = the_run(t, "fuzz_regress_ltr")
    assert reports(r) == {"ltr.ist_before": 1, "ltr.null_gp": 1,
                          "ltr.ist_after": 2}
    assert r["end"]["result"] == "pass"
    assert checks(t)["hardening.fuzz_regress_ltr"]["ok"]


def v86_ip(label):
    """IP of fuzz_regress_v86's label in virtual-8086 mode: its 16-bit
    code runs from V86_SEG:0, a copy of the code at v86_code."""
    g = "fuzz_regress_v86"
    return guest_symbol(g, label) - guest_symbol(g, "v86_code")


@pytest.mark.emulators("qemu")
def test_a_vmexit_from_virtual_8086_mode_keeps_vm_on_qemu(emu, boot):
    """fuzz_regress_v86 IRETs into virtual-8086 mode and runs CPUID there:
    one exit (72h) at the CPUID's IP in its segment, and the VMRUN after
    it goes back to virtual-8086 mode, where the guest checks the
    hypervisor's answer and reports it.  Its last exit, HC_DONE, is from
    virtual-8086 mode too, and the VMCB holds what #VMEXIT saved there
    (APM2 §15.6): RFLAGS with VM set, CS its segment, CPL 3 (forced by
    VMRUN in virtual-8086 mode, §15.5.1).  The hypervisor carries on: the
    canary after it is intact.  (Bochs panics at that exit instead:
    test_a_vmexit_from_virtual_8086_mode_ends_bochs_itself.)"""
    run = boot(emu, args=ARGS + " ondemand=on", timeout=90)
    t = run.trace
    g = "fuzz_regress_v86"
    r = the_run(t, g)
    cpuid = exits(r, EXIT_CPUID)
    assert [e["rip"] for e in cpuid] == [v86_ip("v86_cpuid")]
    assert reports(r) == {"v86.cpuid": abi("HV_CPUID_LEAF_MAX")}
    last = exits(r)[-1]
    assert (last["name"], last["rip"], last["rax"]) == (
        "VMMCALL", v86_ip("v86_done"), abi("HC_DONE"))
    assert r["end"]["result"] == "pass"
    saved = {e["key"]: e["value"] for e in t.of("report")
             if e["key"].startswith("v86.exit_")}
    assert saved["v86.exit_rflags"] & RFLAGS_VM, saved
    assert saved["v86.exit_cs"] == guest_define(g, "V86_SEG")
    assert saved["v86.exit_cpl"] == 3
    assert checks(t)[f"hardening.{g}"]["ok"]
    assert_canary_intact(canary_after(t, g), g)


@pytest.mark.emulators("bochs")
def test_a_vmexit_from_virtual_8086_mode_ends_bochs_itself(emu, boot):
    """Bochs 2.7 loads the host's long-mode EFER at #VMEXIT with the
    guest's RFLAGS.VM still set, and panics (deviation
    bochs-v86-vmexit-panics): fuzz_regress_v86's first exit from
    virtual-8086 mode, its CPUID, is never seen by the hypervisor, and
    the run ends there, without a summary."""
    assert expect(emu, "bochs-v86-vmexit-panics", "exit") == "panic"
    run = boot(emu, args=ARGS + " guest=fuzz_regress_v86", timeout=120)
    t = run.trace
    r = the_run(t, "fuzz_regress_v86")
    assert r["end"] is None and t.status == "no-summary", run.tail()
    assert not exits(r, EXIT_CPUID) and reports(r) == {}
    log = run.emulator_log
    panic = log.find(">>PANIC<< VM is set in long mode")
    assert panic >= 0, run.tail()
    # Bochs' register dump after the panic: RIP is the CPUID's IP.
    rip = re.search(r"\| RIP=([0-9a-f]{16})", log[panic:])
    assert rip and int(rip.group(1), 16) == v86_ip("v86_cpuid")


@pytest.mark.emulators("qemu")
def test_a_busy_32bit_tss_ends_qemu_itself(emu, boot):
    """fuzz_regress_tss32 keeps the loader's TR, a busy 32-bit TSS as
    after LTR, writes SS0:ESP0 there and takes INT 80h from CPL 3.  TCG
    accepts only an available TSS in TR and aborts at the stack switch
    (deviation qemu-tss32-busy-tr-aborts): the guest got as far as its
    first report, and the run has no summary.  The canary ran before it,
    intact, and the host with it: the abort is QEMU's, not the
    hypervisor's."""
    assert deviation("qemu-tss32-busy-tr-aborts").value == "abort"
    g = "fuzz_regress_tss32"
    run = boot(emu, args=ARGS + f" guest={g}", timeout=60)
    t = run.trace
    assert [r["guest"] for r in runs_of(t)] == ["canary", g]
    assert_canary_intact(runs_of(t)[0], "nothing")
    assert checks(t)["hardening.canary.first"]["ok"]
    r = the_run(t, g)
    assert r["end"] is None and t.status == "no-summary", run.tail()
    assert reports(r) == {"tss32.esp0": guest_symbol(g, "ring0_top")}
    stderr = run.log.with_suffix(".stderr.txt").read_text()
    assert "qemu: fatal: invalid tss type" in stderr


@pytest.mark.emulators("bochs")
def test_int_from_cpl3_runs_on_the_busy_tss_stack_on_bochs(emu, boot):
    """On Bochs, as the APM says (APM2 §8.7): INT 80h from CPL 3 through
    a DPL-3 gate to a CPL-0 handler takes SS0:ESP0 from the busy TSS at
    TR's base and pushes SS, ESP, EFLAGS, CS and EIP there, five dwords:
    the handler starts at ESP0 - 20 with SS = SS0, and the frame holds
    CPL 3's CS and ESP."""
    g = "fuzz_regress_tss32"
    run, t = ch17(emu, boot, ARGS + f" guest={g}")
    r = the_run(t, g)
    esp0 = guest_symbol(g, "ring0_top")
    assert reports(r) == {
        "tss32.esp0": esp0,
        "tss32.esp": esp0 - 5 * 4,
        "tss32.ss": guest_define(g, "SEL_DATA0"),
        "tss32.cs3": guest_define(g, "SEL_CODE3"),
        "tss32.esp3": guest_symbol(g, "ring3_top")}
    assert guest_define(g, "SEL_CODE3") & 3 == 3
    assert r["end"]["result"] == "pass"
    assert checks(t)[f"hardening.{g}"]["ok"]


@pytest.mark.emulators("bochs")
def test_triple_fault_ends_bochs_itself(emu, boot):
    """Bochs 2.7 does not take the SHUTDOWN intercept on a triple fault
    (deviation bochs-triple-fault-panics): with ondemand=on the chapter
    ends at triple_fault, after the guests before it were contained."""
    run = boot(emu, args=ARGS + " ondemand=on", timeout=120)
    t = run.trace
    assert expect(emu, "bochs-triple-fault-panics", "shutdown") == "panic"
    runs = runs_of(t)
    names = [r["guest"] for r in runs]
    assert names[-1] == "triple_fault" and runs[-1]["end"] is None
    assert t.status == "no-summary"
    assert all(r["end"]["result"] == r["end"]["expected"]
               for r in runs[:-1])
