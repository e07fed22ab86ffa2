"""Chapter 11: EXITINTINFO (APM2 §15.7.2 "Intercepts During IDT Interrupt
Delivery").

Delivering an event through the IDT is work: the processor reads the
gate, checks it, and pushes a frame on the handler's stack.  Any of those
steps can raise an exception, and an intercepted exception exits at once,
with the first event half delivered.  The exit says so in EXITINTINFO
(VMCB 088h), which has EVENTINJ's format (§15.20): VECTOR 7:0, TYPE 10:8,
EV 11, V 31, ERRORCODE 63:32.  V = 1 only when the exit happened during a
delivery; the guest never saw that event, so unless the hypervisor
injects it again it is lost.

svmlab's hypervisor keeps EXITINTINFO at every exit (events_after_exit)
and injects it again before the next VMRUN (reinject).  Two details make
that exact: a software interrupt (TYPE 4) returns after its INTn, but the
exit leaves RIP at the INTn, so RIP is stepped over it first; and if the
hypervisor reflects an exception at such an exit, the two events combine
by the double-fault rules (APM2 §8.2.9, Table 8-7) as the processor would
have combined them: #NP during #GP is #DF.

The guests make the exits happen on purpose: HC_PAGE_OUT takes away the
2 MiB page holding the stack (the #PF intercept brings it back), or a
cleared P bit in an IDT gate makes delivery fail.  Expected addresses
come from the guests' symbols, expected events from the APM.
"""

import pytest

from deviations import deviation, expect
from emulators import guest_symbol

CHAPTER = 11
ARGS = f"chapter={CHAPTER}"

# Exit codes (APM2 Appendix C).
EXIT_NP, EXIT_GP, EXIT_PF = 0x4B, 0x4D, 0x4E
EXIT_VMMCALL = 0x81

# EVENTINJ / EXITINTINFO fields (APM2 §15.20, Figure 15-5).
V = 1 << 31
EV = 1 << 11
TYPE_EXCEPTION, TYPE_SOFT_INT = 3, 4
TYPES = {"intr": 0, "nmi": 2, "exception": 3, "soft-int": 4}

VEC_DF, VEC_UD, VEC_NP, VEC_GP = 8, 6, 11, 13
PF_WRITE = 1 << 1               # #PF error code: W/R (APM2 §8.4.2)
LARGE_PAGE = 2 << 20            # the guest maps its window in 2 MiB pages

GUESTS = ("eii_stack_exception", "eii_stack_softint", "eii_double_fault")


def event(type_, vector, error=None):
    """An EVENTINJ/EXITINTINFO value: V, TYPE, VECTOR, EV and ERRORCODE."""
    ev = V | type_ << 8 | vector
    if error is not None:
        ev |= EV | error << 32
    return ev


def injected(e):
    """The EVENTINJ value of an ``inject`` trace event."""
    return event(TYPES[e["type"]], e["vector"], e["error"])


def ch11(emu, boot, guest):
    """The chapter=11 boot and its trace; ``guest`` ran and passed."""
    run = boot(emu, args=ARGS)
    t = run.trace
    assert any(e["guest"] == guest for e in t.of("guest_start")), \
        f"{guest} did not run in chapter 11\n" + run.tail()
    assert t.guest_end(guest)["result"] == "pass", run.tail()
    assert t.chapter_result(CHAPTER) == "pass", run.tail()
    return run, t


def story(t, guest):
    """What happened to ``guest`` apart from its hypercalls, in order:
    exits other than VMMCALL, and the hypervisor's event decisions."""
    kinds = ("exit", "page_out", "page_in", "reinject", "inject", "merge")
    return [e for e in t.events
            if e["ev"] in kinds and e.get("guest") == guest
            and not (e["ev"] == "exit" and e["code"] == EXIT_VMMCALL)]


def checks(t, guest):
    return [c["ok"] for c in t.of("guest_check") if c["guest"] == guest]


def frame_top(rsp):
    """Where a long-mode interrupt frame starts: RSP aligned down to 16
    bytes (APM2 §8.9 "Long-Mode Interrupt Control Transfers"); SS goes
    at top - 8."""
    return rsp & ~0xF


def check_stack_pf(e, rsp, rip):
    """The #PF intercept of a push onto the paged-out stack."""
    assert e["code"] == EXIT_PF and e["name"] == "EXCP14", e
    assert e["rip"] == rip, e
    # Not present (P = 0), a write (W/R = 1), at CPL 0 (U/S = 0).
    assert e["info1"] == PF_WRITE and e["dec"]["error"] == PF_WRITE, e
    # The frame's first push, SS at top - 8, is the access that faults
    # on both emulators (the APM leaves the order of the pushes open).
    assert e["info2"] == frame_top(rsp) - 8 == e["dec"]["cr2"], e


def check_paging(t, guest, pf, rsp):
    """page_out took the stack's 2 MiB page, page_in gave it back."""
    base = rsp & ~(LARGE_PAGE - 1)
    out = [e for e in t.of("page_out") if e["guest"] == guest]
    assert [(e["gva"], e["size"]) for e in out] == [(base, LARGE_PAGE)]
    pin = [e for e in t.of("page_in") if e["guest"] == guest]
    assert [(e["gva"], e["cr2"], e["intinfo"]) for e in pin] == \
        [(base, pf["info2"], pf["intinfo"])]


# ---- a #PF while an exception is delivered -----------------------------

def test_pf_while_delivering_ud_reinjects_the_ud(emu, boot):
    """#UD's frame cannot be pushed: #PF exit with EXITINTINFO = the #UD.

    The guest has its stack page taken away (HC_PAGE_OUT) and executes
    UD2.  APM2 §15.7.2: delivering the #UD writes the frame, the write
    faults, and the #PF intercept exits (4Eh) during the delivery:
    EXITINFO1 = 2 (not present, write), EXITINFO2 = the stack address,
    EXITINTINFO = 8000_0306h (V, TYPE 3 exception, vector 6, no error
    code), RIP = the UD2, since a fault in delivery leaves RIP where the
    event was raised.  The hypervisor pages the stack in, and before the
    next VMRUN injects the #UD again, unchanged, at the same RIP.  The
    guest's handler sees exactly one #UD, returning to the UD2.
    """
    run, t = ch11(emu, boot, "eii_stack_exception")
    g = "eii_stack_exception"
    ud2 = guest_symbol(g, "ud2_insn")
    r = t.guest_reports(g)
    s = story(t, g)
    assert [e["ev"] for e in s] == \
        ["page_out", "exit", "page_in", "reinject", "inject"], s
    pf = s[1]
    check_stack_pf(pf, r["stack.rsp"], ud2)
    ud = event(TYPE_EXCEPTION, VEC_UD)
    assert pf["intinfo"] == ud == 0x80000306, hex(pf["intinfo"])
    check_paging(t, g, pf, r["stack.rsp"])
    assert (s[3]["event"], s[3]["desc"], s[3]["rip"]) == (ud, "#UD", ud2)
    assert injected(s[4]) == ud and s[4]["rip"] == ud2, s[4]
    assert r == {"stack.rsp": r["stack.rsp"], "page_out.ret": 0,
                 "exc.vector": VEC_UD, "exc.rip": ud2, "exc.count": 1}
    assert checks(t, g) == [True, True]


# ---- a #PF while a software interrupt is delivered ---------------------

def test_pf_while_delivering_int_n_reinjects_it_after_the_int(emu, boot):
    """INT 41h's frame cannot be pushed: re-inject TYPE 4 past the INT.

    INTn is not intercepted here, so it starts to deliver vector 41h and
    its push faults.  APM2 §15.7.2: EXITINTINFO = 8000_0441h (V, TYPE 4
    software interrupt, vector 41h) and RIP = the INT (the fault restarts
    the instruction).  A software interrupt's frame holds the address
    after the INT, and an injected event pushes the RIP it is injected at
    (§15.20), so the hypervisor steps RIP over the 2-byte CD 41 first.
    The handler sees vector 41h once, returning after the INT.

    Bochs 2.7 sets V but keeps the vector and type of the last exception
    it delivered (eii_stack_exception's #UD): the hypervisor re-injects
    that #UD at the INT, and the INT 41h never arrives (pinned).
    """
    run, t = ch11(emu, boot, "eii_stack_softint")
    g = "eii_stack_softint"
    int_insn, int_end = (guest_symbol(g, "int_insn"),
                         guest_symbol(g, "int_end"))
    assert int_end - int_insn == 2               # CD 41
    r = t.guest_reports(g)
    s = story(t, g)
    assert [e["ev"] for e in s] == \
        ["page_out", "exit", "page_in", "reinject", "inject"], s
    pf = s[1]
    check_stack_pf(pf, r["stack.rsp"], int_insn)
    check_paging(t, g, pf, r["stack.rsp"])
    assert (r["stack.rsp"], r["page_out.ret"], r["int.count"]) == \
        (r["stack.rsp"], 0, 1)
    assert checks(t, g) == [True, True]
    softint = event(TYPE_SOFT_INT, 0x41)
    if expect(emu, "bochs-exitintinfo-softint-stale", "apm") == "apm":
        assert pf["intinfo"] == softint == 0x80000441, hex(pf["intinfo"])
        assert (s[3]["event"], s[3]["desc"], s[3]["rip"]) == \
            (softint, "INT 0x41", int_insn)
        # Re-injected after the INT: the frame returns there.
        assert injected(s[4]) == softint and s[4]["rip"] == int_end, s[4]
        assert (r["int.vector"], r["int.rip"]) == (0x41, int_end)
    else:
        # V = 1 over the previous guest's #UD: EXITINTINFO is stale.
        before = story(t, "eii_stack_exception")[1]["intinfo"]
        assert pf["intinfo"] == before == event(TYPE_EXCEPTION, VEC_UD) \
            != softint, deviation("bochs-exitintinfo-softint-stale").actual
        assert (s[3]["desc"], s[3]["rip"]) == ("#UD", int_insn)
        assert injected(s[4]) == before and s[4]["rip"] == int_insn
        assert (r["int.vector"], r["int.rip"]) == (VEC_UD, int_insn)


# ---- an exception while an exception is delivered: #DF -----------------

def test_fault_while_delivering_gp_becomes_double_fault(emu, boot):
    """#GP through a not-present gate: #NP during #GP is #DF(0).

    The guest intercepts #GP and #NP and clears P in its IDT gate 13.  A
    non-canonical load raises #GP(0): exit 4Dh before any delivery
    (EXITINTINFO = 0), reflected.  Delivering that #GP finds the gate not
    present: #NP with a selector error code for IDT entry 13 (APM2 §8.4.1:
    index 13 in bits 15:3, IDT = 1, EXT = 1 since an event was being
    delivered: 6Bh), which exits (4Bh) with EXITINTINFO = the #GP
    (8000_0B0Dh: TYPE 3, EV, error 0).  Reflecting #NP now means merging:
    #GP and #NP are both contributory, so by APM2 Table 8-7 the processor
    would deliver #DF with error code 0, and the hypervisor injects that
    (trace: merge result double-fault).  The guest's #DF handler sees
    vector 8, error 0, once.  QEMU's #NP error code is D2h (pinned).

    With the gate restored, a second #GP takes the ordinary way: exit
    4Dh, reflected, delivered through gate 13.
    """
    run, t = ch11(emu, boot, "eii_double_fault")
    g = "eii_double_fault"
    gp1, gp2 = guest_symbol(g, "gp_insn"), guest_symbol(g, "gp_again")
    s = story(t, g)
    assert [(e["ev"], e.get("code")) for e in s] == [
        ("exit", EXIT_GP), ("inject", None), ("exit", EXIT_NP),
        ("merge", None), ("inject", None), ("exit", EXIT_GP),
        ("inject", None)], s
    gp = event(TYPE_EXCEPTION, VEC_GP, 0)
    df = event(TYPE_EXCEPTION, VEC_DF, 0)
    # The #GP exit: before delivery, error code 0, nothing in EXITINTINFO.
    assert (s[0]["rip"], s[0]["info1"], s[0]["intinfo"]) == (gp1, 0, 0)
    assert injected(s[1]) == gp and s[1]["rip"] == gp1
    # The #NP exit: during the delivery of that #GP.
    idt_error = 13 << 3 | 1 << 1 | 1            # index 13, IDT, EXT
    np_error = expect(emu, "qemu-idt-np-error-code", idt_error)
    assert s[2]["rip"] == gp1, s[2]
    assert s[2]["info1"] == np_error == s[2]["dec"]["error"], \
        f"#NP error {s[2]['info1']:#x}" + \
        ("" if np_error == idt_error
         else f" ({deviation('qemu-idt-np-error-code').actual})")
    assert s[2]["intinfo"] == gp == 0x80000B0D, hex(s[2]["intinfo"])
    m = s[3]
    assert (m["event"], m["desc"], m["second"], m["result"]) == \
        (gp, "#GP(0x0)", event(TYPE_EXCEPTION, VEC_NP, np_error),
         "double-fault")
    assert injected(s[4]) == df and s[4]["rip"] == gp1
    # The second #GP, through the restored gate.
    assert (s[5]["rip"], s[5]["info1"], s[5]["intinfo"]) == (gp2, 0, 0)
    assert injected(s[6]) == gp and s[6]["rip"] == gp2
    assert t.guest_reports(g) == {
        "gate13.attr": 0x0E,                    # P = 0, DPL 0, type Eh
        "df.vector": VEC_DF, "df.error": 0, "df.rip": gp1,
        "gp.vector": VEC_GP, "gp.error": 0, "gp.rip": gp2,
        "exc.count": 2}
    assert checks(t, g) == [True, True]


# ---- EXITINTINFO at every other exit -----------------------------------

#: The exit of each guest that happens during a delivery.
DURING_DELIVERY = {"eii_stack_exception": EXIT_PF,
                   "eii_stack_softint": EXIT_PF,
                   "eii_double_fault": EXIT_NP}


@pytest.mark.parametrize("guest", GUESTS)
def test_exitintinfo_is_valid_only_for_exits_during_delivery(emu, boot,
                                                             guest):
    """V = 1 at the one exit during a delivery, and nowhere else.

    APM2 §15.7.2: EXITINTINFO reports an event only when the intercept
    happened while the processor delivered it through the IDT.  An
    intercepted exception (the #GP exit) exits *instead of* delivery, and
    hypercalls exit from an instruction: there EXITINTINFO is 0.  QEMU
    writes the field at the exit right after an injected event was
    delivered with that event and V = 0 (pinned): harmless for a
    hypervisor that tests V, as svmlab's events_after_exit does.
    """
    run, t = ch11(emu, boot, guest)
    stale = expect(emu, "qemu-exitintinfo-not-cleared", 0) != 0
    last_injected = None
    during = []
    for e in t.events:
        if e.get("guest") != guest or e["ev"] not in ("exit", "inject"):
            continue
        if e["ev"] == "inject":
            last_injected = injected(e)
            continue
        if e["code"] == DURING_DELIVERY[guest]:
            during.append(e)
            assert e["intinfo"] & V, e
        elif stale and last_injected is not None:
            assert e["intinfo"] == last_injected & ~V, \
                (e, deviation("qemu-exitintinfo-not-cleared").actual)
        else:
            assert e["intinfo"] == 0, e
        last_injected = None
    assert len(during) == 1, during
    assert len(t.exits(guest)) > len(during)
