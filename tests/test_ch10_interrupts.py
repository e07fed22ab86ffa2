"""Chapter 10: virtual interrupts, the interrupt window, the interrupt
shadow, NMI blocking and the watchdog (APM2 §15.21 "Interrupt and LDT
Handling").

Every guest runs with V_INTR_MASKING = 1 and the INTR and NMI intercepts:
the guest's RFLAGS.IF and CR8 mask only *virtual* interrupts, physical
ones belong to the host (§15.21.1).  A virtual interrupt is V_IRQ in the
VMCB's int_ctl (060h) with V_INTR_VECTOR and V_INTR_PRIO; the processor
delivers it through the guest's IDT by itself, without an exit, once
RFLAGS.IF = 1, no interrupt shadow holds it and its priority is higher
than V_TPR (or V_IGN_TPR is set), and clears V_IRQ as it takes it
(§15.21.4).  The guest's MOV to CR8 writes V_TPR (§15.21.2).

An event in EVENTINJ is delivered at VMRUN whatever IF says (chapter 9),
so a hypervisor that wants to hand the guest an external interrupt at a
moment the guest could take one waits for the *interrupt window*: a dummy
V_IRQ with the VINTR intercept exits (64h) exactly there (§15.21.6).  STI
and MOV SS hold interrupts for one more instruction; an exit inside that
instruction saves the *interrupt shadow* in int_state (068h) bit 0
(§15.21.5).  NMIs are blocked from one NMI until the IRET of its handler:
the IRET intercept (§15.9) and one single step over the IRET tell the
hypervisor when the next may go.  The *watchdog* is the host's LAPIC
timer: its interrupt exits (60h) whatever the guest does, and the
hypervisor stops a guest that runs longer than watchdog=MS.

Expected RIPs come from the guests' symbols, vectors from the guests'
own #defines, the int_ctl layout from the APM; the guests' reports say
what their handlers saw.
"""

import re

import pytest

from deviations import deviation, expect
from emulators import abi, ROOT, guest_symbol

CHAPTER = 10
ARGS = f"chapter={CHAPTER} watchdog=50"

# Exit codes (APM2 Appendix C).
EXIT_EXCP_DB = 0x41
EXIT_INTR = 0x60
EXIT_VINTR = 0x64
EXIT_CPUID = 0x72
EXIT_IRET = 0x74
EXIT_HLT = 0x78
EXIT_VMMCALL = 0x81
EXIT_CR8_READ, EXIT_CR8_WRITE = 0x08, 0x18

# int_ctl (VMCB 060h, APM2 Table B-1) and int_state (068h).
V_TPR_MASK = 0xF
V_IRQ = 1 << 8
V_INTR_PRIO_SHIFT = 16
V_IGN_TPR = 1 << 20
V_INTR_MASKING = 1 << 24
V_INTR_VECTOR_SHIFT = 32
INT_STATE_SHADOW = 1 << 0

VEC_NMI = 2


def guest_define(guest: str, name: str) -> int:
    """A #define of guests/<guest>.S, read from the source."""
    text = (ROOT / "guests" / f"{guest}.S").read_text()
    m = re.search(rf"^#define\s+{name}\s+(0x[0-9a-fA-F]+|\d+)", text, re.M)
    assert m, f"{name} is not defined in guests/{guest}.S"
    return int(m.group(1), 0)


HC_OK = abi("HC_OK")
HC_RAISE_IRQ, HC_NMI, HC_VIRQ = abi("HC_RAISE_IRQ"), abi("HC_NMI"), \
    abi("HC_VIRQ")


def deterministic(emu):
    """QEMU's -icount shift=0 (chapter 16), for a run that the watchdog
    ends: its LAPIC timer then counts instructions, as Bochs' does.  In
    real time a busy host can stall QEMU between arming the timer and
    VMRUN for longer than the watchdog, which then fires at the guest's
    first instruction, before its loop (seen once in CI: spin_cli's INTR
    at _start)."""
    return 0 if emu == "qemu" else None


def ch10(emu, boot, guest):
    """The chapter=10 boot (shared), checked to have run ``guest``."""
    run = boot(emu, args=ARGS, icount=deterministic(emu))
    t = run.trace
    assert any(e["guest"] == guest for e in t.of("guest_start")), \
        f"{guest} did not run in chapter 10\n" + run.tail()
    return run, t


def checks(t, guest):
    return [c["ok"] for c in t.of("guest_check") if c["guest"] == guest]


def guest_events(t, guest):
    """The guest's trace events, in order (all kinds)."""
    return [e for e in t.events if e.get("guest") == guest]


def exit_before_report(t, guest, key):
    """The exit whose VMMCALL made the guest report ``key``."""
    last = None
    for e in guest_events(t, guest):
        if e["ev"] == "exit":
            last = e
        if e["ev"] == "guest_report" and e["key"] == key:
            return last
    raise AssertionError(f"{guest} never reported {key!r}")


def hypercalls(t, guest, nr):
    return [e for e in t.exits(guest)
            if e["code"] == EXIT_VMMCALL and e.get("rax") == nr]


def virq_fields(intctl):
    """The V_IRQ part of int_ctl: (V_IRQ, vector, prio, V_IGN_TPR)."""
    return (bool(intctl & V_IRQ), intctl >> V_INTR_VECTOR_SHIFT & 0xFF,
            intctl >> V_INTR_PRIO_SHIFT & 0xF, bool(intctl & V_IGN_TPR))


# ---- virtual interrupts -------------------------------------------------

def test_virtual_interrupt_waits_for_rflags_if(emu, boot):
    """V_IRQ is delivered by the processor, only once RFLAGS.IF = 1.

    APM2 §15.21.4: HC_VIRQ makes the hypervisor set V_IRQ with
    V_INTR_VECTOR and V_INTR_PRIO (the guest's vector 5Ah, priority 5,
    above V_TPR 0).  While the guest keeps IF = 0 it runs a few
    instructions and a REPORT whose exit still shows V_IRQ pending, and
    its handler counts nothing.  After STI, the NOP in the STI shadow runs
    first (§15.21.5), so the interrupt's frame returns to after_shadow.
    The processor clears V_IRQ as the guest takes it: the next exit's
    int_ctl shows V_IRQ = 0, with no exit and no injection in between.
    """
    run, t = ch10(emu, boot, "virq")
    g = "virq"
    vec, prio = guest_define(g, "VIRQ_VECTOR"), guest_define(g, "VIRQ_PRIO")
    r = t.guest_reports(g)
    assert r["virq.ret"] == HC_OK
    assert r["masked.count"] == 0
    assert (r["exc.vector"], r["exc.rip"], r["exc.count"]) == \
        (vec, guest_symbol(g, "after_shadow"), 1)
    # Pending while IF = 0: the exits of the two REPORTs before STI.
    for key in ("virq.ret", "masked.count"):
        e = exit_before_report(t, g, key)
        assert e["intctl"] & V_INTR_MASKING
        assert virq_fields(e["intctl"]) == (True, vec, prio, False), (key, e)
    # Taken after STI: the next exit has V_IRQ clear, vector and priority
    # as the hypervisor left them.
    e = exit_before_report(t, g, "exc.vector")
    assert virq_fields(e["intctl"]) == (False, vec, prio, False), e
    assert [x["code"] for x in t.exits(g)] == [EXIT_VMMCALL] * len(t.exits(g))
    assert not t.injections(g)
    assert checks(t, g) == [True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


def test_v_tpr_holds_virtual_interrupts_of_lower_priority(emu, boot):
    """CR8 writes V_TPR; V_INTR_PRIO must be higher; V_IGN_TPR overrides.

    APM2 §15.21.2: with V_INTR_MASKING and no CR8 intercept the guest's
    MOV to CR8 writes V_TPR without an exit; each case's exits show it in
    int_ctl bits 3:0.  §15.21.4: the virtual interrupt is taken when its
    priority is higher than V_TPR: 6 over 5 is taken, 5 under 6 is held
    (V_IRQ still set at the next exit), 6 against 6 is held too, as it is
    not higher.  With V_IGN_TPR priority 2 is taken although V_TPR is 15.
    QEMU compares with >= and takes the equal case (pinned).
    """
    run, t = ch10(emu, boot, "virq_tpr")
    g = "virq_tpr"
    r = t.guest_reports(g)
    taken_eq = expect(emu, "qemu-virq-prio-equal-tpr-taken", 0)
    assert (r["gt.count"], r["gt.vector"]) == (1, guest_define(g, "VEC_GT"))
    assert r["lt.count"] == 0
    assert r["eq.count"] == taken_eq
    assert r["eq.vector"] == (guest_define(g, "VEC_EQ") if taken_eq else 0)
    assert (r["ign.count"], r["ign.vector"]) == \
        (1, guest_define(g, "VEC_IGN"))
    assert r["cr8.final"] == 0
    # The exit right after each case: V_TPR and whether V_IRQ is pending.
    cases = [("gt.vector", 5, "VEC_GT", 6, False, True),
             ("lt.count", 6, "VEC_LT", 5, False, False),
             ("eq.count", 6, "VEC_EQ", 6, False, bool(taken_eq)),
             ("ign.vector", 15, "VEC_IGN", 2, True, True)]
    for key, tpr, vname, prio, ign, taken in cases:
        e = exit_before_report(t, g, key)
        assert e["intctl"] & V_TPR_MASK == tpr, (key, e)
        assert virq_fields(e["intctl"]) == \
            (not taken, guest_define(g, vname), prio, ign), (key, e)
    # CR8 went to V_TPR with no exit: only hypercalls.
    assert {e["code"] for e in t.exits(g)} == {EXIT_VMMCALL}
    assert len(hypercalls(t, g, HC_VIRQ)) == 8      # set and clear, 4 cases
    assert not t.injections(g)
    assert checks(t, g) == [True, True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


def test_qemu_takes_a_virtual_interrupt_of_equal_priority(emu, boot):
    """The deviation entry matches what the guest saw on each emulator."""
    run, t = ch10(emu, boot, "virq_tpr")
    d = deviation("qemu-virq-prio-equal-tpr-taken")
    count = t.guest_reports("virq_tpr")["eq.count"]
    assert count == (d.value if emu == d.emu else 0), run.tail()


# ---- the interrupt window ------------------------------------------------

def test_interrupt_window_exit_then_injection(emu, boot):
    """IF = 0: the window opens; VINTR exits after STI's shadow; INTR goes in.

    The guest raises vector 77h with HC_RAISE_IRQ while IF = 0.  The
    hypervisor cannot inject (EVENTINJ ignores IF) and opens the window at
    the instruction after the VMMCALL: V_IRQ, V_IGN_TPR, priority 15 and
    the VINTR intercept (APM2 §15.21.6).  Nothing reaches the guest while
    IF = 0.  STI; NOP: VINTR (64h) exits at window_rip, after the NOP in
    the STI shadow, with the dummy V_IRQ still pending.  The hypervisor
    closes the window and injects INTR 77h there; the handler sees it once,
    returning to window_rip.
    """
    run, t = ch10(emu, boot, "vintr_window")
    g = "vintr_window"
    vec = guest_define(g, "WIN_VECTOR")
    at = guest_symbol(g, "window_rip")
    ev = guest_events(t, g)
    windows = [e for e in ev if e["ev"] == "window"]
    assert [(w["open"], w["rip"]) for w in windows] == \
        [(True, guest_symbol(g, "raised")), (False, at)]
    vintr = [e for e in t.exits(g) if e["code"] != EXIT_VMMCALL]
    assert [(e["code"], e["rip"]) for e in vintr] == [(EXIT_VINTR, at)]
    assert virq_fields(vintr[0]["intctl"]) == (True, 0, 0xF, True)
    assert [(i["type"], i["vector"], i["rip"]) for i in t.injections(g)] == \
        [("intr", vec, at)]
    # The order: window open, VINTR exit, window closed, then the inject.
    order = [e["ev"] if e["ev"] != "exit" else e["name"] for e in ev
             if e["ev"] in ("window", "inject") or
             (e["ev"] == "exit" and e["code"] == EXIT_VINTR)]
    assert order == ["window", "VINTR", "window", "inject"]
    r = t.guest_reports(g)
    assert r["raise.ret"] == HC_OK
    assert r["before_sti.count"] == 0
    assert (r["exc.vector"], r["exc.rip"], r["exc.count"]) == (vec, at, 1)
    assert checks(t, g) == [True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


# ---- the interrupt shadow ------------------------------------------------

def test_interrupt_shadow_is_saved_in_int_state(emu, boot):
    """int_state bit 0 is set for an exit in the STI or MOV SS shadow.

    APM2 §15.21.5: STI (with IF = 0 before it) and MOV SS hold interrupts
    until the next instruction has completed; an intercept in that
    instruction saves the shadow in int_state bit 0.  CPUID right after
    STI: 1.  CPUID with IF already 1: 0 (the hypervisor stepped over the
    first CPUID, which ends the shadow).  CPUID after MOV SS: 1.  HLT
    after STI: 1.  And CPUID as the first instruction after a VMRUN whose
    int_state is 0: 0.  That one also guards src/svm/vmrun.S: the host's
    STI must not sit right before VMRUN, or QEMU lets the host's STI
    shadow cover the guest's first instruction (an STI there then makes no
    shadow of its own).
    """
    run, t = ch10(emu, boot, "shadow")
    g = "shadow"
    want = [(EXIT_CPUID, "first_cpuid", 0),
            (EXIT_CPUID, "sti_cpuid", 1),
            (EXIT_CPUID, "plain_cpuid", 0),
            (EXIT_CPUID, "movss_cpuid", 1),
            (EXIT_HLT, "sti_hlt", 1)]
    got = [e for e in t.exits(g) if e["code"] != EXIT_VMMCALL]
    assert [(e["code"], e["rip"], e["intstate"] & INT_STATE_SHADOW)
            for e in got] == \
        [(code, guest_symbol(g, label), s) for code, label, s in want]
    # Stepping over an instruction ends its shadow: the VMMCALL after the
    # HLT, one instruction later, is not in one.
    assert all(not e["intstate"] & INT_STATE_SHADOW for e in t.exits(g)
               if e["code"] == EXIT_VMMCALL)
    assert not t.injections(g)
    assert checks(t, g) == [True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


def test_sti_hlt_exits_first_then_the_interrupt_wakes_the_guest(emu, boot):
    """STI; HLT with an interrupt pending: HLT exits, then INTR returns after it.

    The guest raises vector 66h with IF = 0 (the window opens), then
    STI; HLT.  HLT is in the STI shadow, so the window cannot open before
    it: the HLT intercept exits first, with int_state's shadow set
    (APM2 §15.21.5).  The hypervisor steps over HLT, which ends the shadow;
    IF is 1, so it closes the window and injects INTR 66h at woke, and the
    handler returns there.
    """
    g = "hlt_wakeup"
    run, t = ch10(emu, boot, g)
    vec = guest_define(g, "WAKE_VECTOR")
    halt, woke = guest_symbol(g, "halt"), guest_symbol(g, "woke")
    ev = guest_events(t, g)
    first = [e for e in t.exits(g) if e["code"] != EXIT_VMMCALL][0]
    assert (first["code"], first["rip"]) == (EXIT_HLT, halt), first
    assert first["intstate"] & INT_STATE_SHADOW
    assert virq_fields(first["intctl"])[0]          # the window's V_IRQ
    assert not [e for e in t.exits(g) if e["code"] == EXIT_VINTR]
    assert [(w["open"], w["rip"]) for w in ev if w["ev"] == "window"] == \
        [(True, guest_symbol(g, "raised")), (False, woke)]
    assert [(i["type"], i["vector"], i["rip"]) for i in t.injections(g)] == \
        [("intr", vec, woke)]
    r = t.guest_reports(g)
    assert (r["exc.vector"], r["exc.rip"], r["exc.count"]) == (vec, woke, 1)
    assert checks(t, g) == [True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


# ---- NMI blocking ----------------------------------------------------------

def test_nmis_are_blocked_until_the_handler_irets(emu, boot):
    """Two NMIs asked at once arrive one after the other, never nested.

    APM2 §15.21.10 with §8.2.4: after an NMI no other NMI is taken until an
    IRET.  The guest asks for two (HC_NMI 2).  The hypervisor injects one
    at after_nmi_call, blocks NMIs and intercepts IRET.  The handler's
    REPORT exits with the second NMI pending and gets none.  Its IRET exits
    before it executes (74h, at nmi_iret); the hypervisor sets RFLAGS.TF
    and the #DB intercept (nmi_window phase iret), and the #DB after the
    IRET (41h, back at after_nmi_call) opens the window (phase open).
    Only then is the second NMI injected.  The handler saw depth 1 both
    times, count 2, and returned to after_nmi_call.
    """
    run, t = ch10(emu, boot, "nmi_blocking")
    g = "nmi_blocking"
    ret = guest_symbol(g, "after_nmi_call")
    iret = guest_symbol(g, "nmi_iret")
    r = t.guest_reports(g)
    assert r["nmi.ret"] == HC_OK
    assert (r["nmi1.depth"], r["nmi2.depth"]) == (1, 1)
    assert (r["nmi.count"], r["nmi.max_depth"]) == (2, 1)
    assert r["nmi.rip"] == ret
    assert [(i["type"], i["vector"], i["rip"]) for i in t.injections(g)] == \
        [("nmi", VEC_NMI, ret)] * 2
    # The sequence of what matters, in trace order.
    seq = []
    for e in guest_events(t, g):
        if e["ev"] == "inject":
            seq.append(("inject", e["rip"]))
        elif e["ev"] == "nmi_window":
            seq.append((e["phase"], e["rip"], e["pending"]))
        elif e["ev"] == "exit" and e["code"] in (EXIT_IRET, EXIT_EXCP_DB):
            seq.append((e["name"], e["rip"]))
        elif e["ev"] == "guest_report" and e["key"].endswith(".depth"):
            seq.append((e["key"],))
    assert seq == [
        ("inject", ret), ("nmi1.depth",),
        ("IRET", iret), ("iret", iret, 1), ("EXCP1", ret), ("open", ret, 1),
        ("inject", ret), ("nmi2.depth",),
        ("IRET", iret), ("iret", iret, 0), ("EXCP1", ret), ("open", ret, 0),
    ]
    assert checks(t, g) == [True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


# ---- the watchdog ----------------------------------------------------------

def test_runaway_guest_is_stopped_by_the_watchdog(emu, boot):
    """spin_sti never exits by itself; the LAPIC timer's INTR ends it.

    APM2 §15.21.1 and §15.14: with the INTR intercept a physical interrupt
    exits (60h).  The watchdog arms the host's LAPIC timer for watchdog=MS
    as the guest starts; its interrupt exits with the guest in its loop,
    the hypervisor traces a watchdog event and stops the guest, which is
    what spin_sti's header expects.  after_spin, the next guest, runs and
    passes: the stopped guest left nothing behind.
    """
    run, t = ch10(emu, boot, "spin_sti")
    g = "spin_sti"
    lo, hi = guest_symbol(g, "spin"), guest_symbol(g, "spin_end")
    end = t.guest_end(g)
    assert (end["result"], end["expected"]) == ("stopped", "stopped")
    assert "watchdog" in end["reason"]
    dogs = t.of("watchdog")
    assert [(w["guest"], w["ms"]) for w in dogs] == [(g, 50)]
    assert lo <= dogs[0]["rip"] < hi
    exits = t.exits(g)
    assert [e["code"] for e in exits] == [EXIT_INTR]
    assert lo <= exits[0]["rip"] < hi
    a = t.guest_end("after_spin")
    assert a["result"] == "pass", run.tail()
    assert t.guest_reports("after_spin") == {"exc.count": 0}


def test_chapter_10_passes(emu, boot):
    """The whole chapter (without the guests run on request) passes."""
    run, t = ch10(emu, boot, "after_spin")
    g = "spin_cli"
    assert not [e for e in t.of("guest_start") if e["guest"] == g]
    assert any(f"-- {g}: runs only on request" in line for line in t.text)
    assert t.guest_end("hlt_wakeup")["result"] == "pass"
    assert t.chapter_result(CHAPTER) == "pass", run.tail()


def _watchdog_tsc(emu, boot, ms):
    run = boot(emu, args=f"guest=spin_sti watchdog={ms}",
               icount=deterministic(emu))
    dogs = run.trace.of("watchdog")
    assert [(w["guest"], w["ms"]) for w in dogs] == [("spin_sti", ms)], \
        run.tail()
    return dogs[0]["tsc"]


def test_watchdog_limit_is_the_command_line_option(emu, boot):
    """watchdog=MS sets the limit: 200 ms runs about 10 times as long as 20.

    The watchdog event's tsc is the host's TSC from the guest's start to
    the exit; whatever the TSC's rate, the ratio of two runs is the ratio
    of their limits.
    """
    short, long_ = _watchdog_tsc(emu, boot, 20), _watchdog_tsc(emu, boot, 200)
    assert short > 0
    assert 4 <= long_ / short <= 25, (short, long_)


@pytest.mark.parametrize("value", ["0", "abc"])
def test_bad_watchdog_value_is_refused(emu, boot, value):
    """watchdog= takes 1 to 60000 ms; anything else is a bad command line."""
    run = boot(emu, args=f"watchdog={value}")
    assert run.trace.status == "bad-cmdline", run.tail()
    text = "\n".join(run.trace.text)
    assert f"watchdog={value}: give the milliseconds a guest may run, " \
           f"from 1 to 60000" in text, run.tail()
    if emu == "qemu":
        assert run.returncode == (0x13 << 1) | 1


def test_spin_cli_is_stopped_by_the_watchdog(emu, boot):
    """A guest spinning with IF = 0 is stopped too: IF is not the host's.

    APM2 §15.21.1: with V_INTR_MASKING the guest's RFLAGS.IF masks only
    virtual interrupts; physical interrupts follow the host's IF, which
    the host set (STI before VMRUN in src/svm/vmrun.S).  So the LAPIC
    timer exits like for spin_sti.  Bochs 2.7 waits for the guest's IF:
    no exit, no watchdog, and the run hangs until the harness kills it
    (pinned; that is why spin_cli runs only on request).
    """
    g = "spin_cli"
    outcome = expect(emu, "bochs-vintr-masking-guest-if-holds-intr",
                     "watchdog")
    if outcome == "watchdog":
        run = boot(emu, args=f"guest={g} watchdog=20",
                   icount=deterministic(emu))
        t = run.trace
        end = t.guest_end(g)
        assert (end["result"], end["expected"]) == ("stopped", "stopped")
        assert "watchdog" in end["reason"]
        lo, hi = guest_symbol(g, "spin"), guest_symbol(g, "spin_end")
        assert [(w["guest"], w["ms"]) for w in t.of("watchdog")] == [(g, 20)]
        exits = t.exits(g)
        assert [e["code"] for e in exits] == [EXIT_INTR]
        assert lo <= exits[0]["rip"] < hi
        assert t.status == "pass", run.tail()
    else:
        assert outcome == deviation(
            "bochs-vintr-masking-guest-if-holds-intr").value == "hang"
        run = boot(emu, args=f"guest={g} watchdog=20", timeout=15,
                   shared=False)
        t = run.trace
        assert run.timed_out, run.tail()
        assert [e["guest"] for e in t.of("guest_start")] == [g]
        assert not t.of("watchdog")
        assert not t.exits(g)
        assert t.status == "no-summary"
