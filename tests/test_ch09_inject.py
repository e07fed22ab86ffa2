"""Chapter 9: event injection (APM2 §15.20 "Event Injection").

A hypervisor hands the guest an exception or an interrupt by writing it
into EVENTINJ (VMCB 0A8h): VECTOR in bits 7:0, TYPE in 10:8 (0 external
interrupt, 2 NMI, 3 exception, 4 software interrupt; 1, 5, 6 and 7 are
reserved), EV in bit 11 (push an error code), V in bit 31 and the error
code in bits 63:32.  VMRUN delivers the event through the guest's IDT
after it has loaded the guest's state and before the guest's first
instruction, as if the processor had raised it at the RIP in the VMCB:
that RIP is what the handler's frame returns to.  Delivery ignores
RFLAGS.IF and NMI blocking.

The guests ask for their events with HC_INJECT.  The hypervisor steps
over the VMMCALL first (src/svm/hypercall.c: handle_vmmcall), so every
injected event returns to the instruction after the VMMCALL, a label the
tests look up in the guest's symbols.  That instruction disarms the
guest's CATCH: had it run before the event arrived, the runtime would have
reported an unexpected event and failed the guest.  So a passing guest
also proves that the event came before its first instruction.

VMRUN itself refuses only a reserved TYPE and an exception with a vector
that is not an exception's (VMEXIT_INVALID); everything else it delivers
as it is, even when the guest's handler cannot make sense of it.  So the
hypervisor validates first (src/svm/event.c: event_refuse) and answers
HC_REFUSED with a reason in the trace.  The badinj.* VMRUN cases put the
illegal values in EVENTINJ behind the validator's back and show what the
processor does.
"""

import re

import pytest

from deviations import deviation, expect
from emulators import abi, DEFAULT_CPU, ROOT, guest_symbol
import cpu_models

CHAPTER = 9
ARGS = f"chapter={CHAPTER}"

EXIT_EXCP = 0x40
EXIT_SWINT = 0x75
EXIT_VMMCALL = 0x81
LEN_VMMCALL = 3                         # 0F 01 D9
LEN_INT = 2                             # CD ib
LEN_UD2 = 2                             # 0F 0B
INVALID = 2**64 - 1                     # VMEXIT_INVALID, 64 bits wide

# EVENTINJ fields (APM2 §15.20).
V = 1 << 31
EV = 1 << 11
TYPE_INTR, TYPE_NMI, TYPE_EXCEPTION, TYPE_SOFT_INT = 0, 2, 3, 4
TYPE_NAMES = {TYPE_INTR: "intr", TYPE_NMI: "nmi",
              TYPE_EXCEPTION: "exception", TYPE_SOFT_INT: "soft-int"}

# Vectors (APM2 §8.2) and #PF error code bits (§8.4.2).
VEC_NMI, VEC_BP, VEC_UD, VEC_GP, VEC_PF = 2, 3, 6, 13, 14
PF_WRITE, PF_USER = 1 << 1, 1 << 2
RFLAGS_IF = 1 << 9


HC_OK, HC_REFUSED, HC_INJECT = abi("HC_OK"), abi("HC_REFUSED"), \
    abi("HC_INJECT")


def event(type_, vector, error=None):
    """An EVENTINJ value, encoded as APM2 §15.20 lays it out."""
    value = V | type_ << 8 | vector
    if error is not None:
        value |= EV | error << 32
    return value


def ch9(emu, boot, guest):
    """The chapter=9 boot (one per emulator, shared) and its trace."""
    run = boot(emu, args=ARGS)
    t = run.trace
    assert any(e["guest"] == guest for e in t.of("guest_start")), \
        f"{guest} did not run in chapter 9\n" + run.tail()
    assert t.chapter_result(CHAPTER) == "pass", run.tail()
    return run, t


def checks(t, guest):
    return [c["ok"] for c in t.of("guest_check") if c["guest"] == guest]


def not_hypercalls(t, guest):
    return [e for e in t.exits(guest) if e["code"] != EXIT_VMMCALL]


def inject(guest, type_, vector, error, label):
    """The inject event of one injection returning to ``label``."""
    return {"ev": "inject", "guest": guest, "type": TYPE_NAMES[type_],
            "vector": vector, "error": error,
            "rip": guest_symbol(guest, label)}


def asked_at(t, guest, label):
    """The HC_INJECT exit whose VMMCALL ends right before ``label``."""
    rip = guest_symbol(guest, label) - LEN_VMMCALL
    found = [e for e in t.exits(guest) if e["code"] == EXIT_VMMCALL and
             e["rip"] == rip]
    assert len(found) == 1, (label, found)
    assert found[0]["rax"] == HC_INJECT, found[0]
    return found[0]


def check_injected(emu, boot, guest, type_, vector, error, label="after_call"):
    """One event asked for at ``label``: injected there, no other exit.

    Returns the guest's reports for the test's own checks.
    """
    run, t = ch9(emu, boot, guest)
    asked_at(t, guest, label)
    assert t.injections(guest) == [inject(guest, type_, vector, error,
                                          label)]
    assert not [e for e in t.of("inject_refused") if e["guest"] == guest]
    # The event reaches the guest's IDT without an intercept.
    assert not_hypercalls(t, guest) == []
    r = t.guest_reports(guest)
    assert r["inject.ret"] == HC_OK
    assert checks(t, guest) and all(checks(t, guest)), checks(t, guest)
    assert t.guest_end(guest)["result"] == "pass", run.tail()
    return r


# ---- one event of each kind -------------------------------------------

def test_ud_arrives_before_the_instruction_after_the_vmmcall(emu, boot):
    """#UD (TYPE 3, vector 6) returns to the RIP in the VMCB.

    APM2 §15.20: the event is delivered as part of VMRUN, before the
    guest executes anything, and pushes the VMCB's RIP.  The hypervisor
    stepped over the VMMCALL before it injected, so the handler sees
    vector 6, no error code, and the return RIP after_call.
    """
    g = "inj_ud"
    r = check_injected(emu, boot, g, TYPE_EXCEPTION, VEC_UD, None)
    assert (r["exc.vector"], r["exc.count"]) == (VEC_UD, 1)
    assert r["exc.rip"] == guest_symbol(g, "after_call")


def test_bp_is_an_exception_returning_after_the_vmmcall(emu, boot):
    """#BP injected as an exception (TYPE 3, vector 3), no error code.

    #BP is a trap: its return RIP is the instruction after the INT3 that
    raised it (APM2 §8.2.4).  Injected, the return RIP is the VMCB's RIP,
    here after_call; the hypervisor that reflects an INT3 must step over
    it itself (chapter 8).
    """
    g = "inj_bp"
    r = check_injected(emu, boot, g, TYPE_EXCEPTION, VEC_BP, None)
    assert r["exc.vector"] == VEC_BP
    assert r["exc.error"] == 0              # the runtime's "none"
    assert r["exc.rip"] == guest_symbol(g, "after_call")
    assert r["exc.count"] == 1


def test_gp_carries_the_error_code_from_eventinj(emu, boot):
    """#GP with EV = 1 pushes EVENTINJ's ERRORCODE (bits 63:32).

    APM2 §15.20: with EV set the processor pushes the error code from
    bits 63:32 below the return RIP, as for a #GP it raised itself.  The
    guest's handler pops it: error code 1234h, vector 13, return RIP
    after_call.
    """
    g = "inj_gp"
    err = guest_symbol(g, "gp_error")
    r = check_injected(emu, boot, g, TYPE_EXCEPTION, VEC_GP, err)
    assert (r["exc.vector"], r["exc.error"]) == (VEC_GP, err)
    assert r["exc.rip"] == guest_symbol(g, "after_call")
    assert r["exc.count"] == 1


def test_pf_needs_cr2_written_by_the_hypervisor(emu, boot):
    """#PF(6): the error code from EVENTINJ, CR2 from the VMCB's CR2.

    EVENTINJ has no CR2 field (APM2 §15.20); the handler reads CR2, which
    VMRUN loads from the save area (§15.5.1), so the hypervisor writes it
    before the injection.  Error code 6 = W/R | U/S.  Bochs does not load
    CR2 at VMRUN (deviation bochs-vmrun-ignores-cr2): the handler finds
    the CR2 the guest had before, pinned here.
    """
    g = "inj_pf"
    err = PF_WRITE | PF_USER
    r = check_injected(emu, boot, g, TYPE_EXCEPTION, VEC_PF, err)
    assert (r["exc.vector"], r["exc.error"]) == (VEC_PF, err)
    assert r["exc.rip"] == guest_symbol(g, "after_call")
    assert r["exc.count"] == 1
    addr = guest_symbol(g, "pf_addr")
    if expect(emu, "bochs-vmrun-ignores-cr2", True):
        assert r["exc.cr2"] == addr
    else:
        assert r["exc.cr2"] == r["cr2.before"] != addr, \
            deviation("bochs-vmrun-ignores-cr2").actual


def test_nmi_goes_to_vector_2_whatever_the_vector_field(emu, boot):
    """TYPE 2 is delivered through IDT vector 2; VECTOR is ignored.

    APM2 §15.20: "If TYPE is 2 (NMI), the VECTOR field is ignored."  The
    guest asks for two NMIs, with vector 2 and with vector 0; its handler
    sees vector 2 both times, each returning after its own VMMCALL.  The
    hypervisor does not refuse vector 0 (event_refuse), and the inject
    event shows the value it wrote.
    """
    run, t = ch9(emu, boot, "inj_nmi")
    g = "inj_nmi"
    asked_at(t, g, "after_call")
    asked_at(t, g, "after_call0")
    assert t.injections(g) == [
        inject(g, TYPE_NMI, VEC_NMI, None, "after_call"),
        inject(g, TYPE_NMI, 0, None, "after_call0")]
    assert not_hypercalls(t, g) == []
    r = t.guest_reports(g)
    assert r["inject.ret"] == r["inject0.ret"] == HC_OK
    assert r["nmi.vector"] == r["nmi0.vector"] == VEC_NMI
    assert r["nmi.rip"] == guest_symbol(g, "after_call")
    assert r["nmi0.rip"] == guest_symbol(g, "after_call0")
    assert r["exc.count"] == 2
    assert checks(t, g) == [True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


def test_software_interrupt_is_type_4(emu, boot):
    """INT 30h injected (TYPE 4) returns to the RIP in the VMCB.

    APM2 §15.20: TYPE 4 is what an INTn instruction raises; it goes
    through IDT vector 30h without an error code.  With NRIPS the
    processor may push NEXT_RIP for a software interrupt, so the
    hypervisor sets both to after_call.
    """
    g = "inj_softint"
    r = check_injected(emu, boot, g, TYPE_SOFT_INT, 0x30, None)
    assert (r["int.vector"], r["int.count"]) == (0x30, 1)
    assert r["int.rip"] == guest_symbol(g, "after_call")


def test_injected_interrupt_ignores_rflags_if(emu, boot):
    """INTR 40h (TYPE 0) is delivered although the guest has IF = 0.

    APM2 §15.20: injection does not check interrupt masking; the event
    is taken at VMRUN whatever RFLAGS.IF says.  The guest cleared IF
    before it asked: IF was 0 before, in the RFLAGS image the delivery
    pushed, and again after the handler's IRETQ.  Waiting for IF = 1 is
    the hypervisor's job (chapter 10).
    """
    g = "inj_intr"
    r = check_injected(emu, boot, g, TYPE_INTR, 0x40, None)
    assert (r["intr.vector"], r["intr.count"]) == (0x40, 1)
    assert r["intr.rip"] == guest_symbol(g, "after_call")
    assert r["if.before"] == r["if.frame"] == r["if.after"] == 0


# ---- what the hypervisor refuses --------------------------------------

#: The guest's illegal requests: the label after the VMMCALL, EVENTINJ,
#: and the rule it breaks (APM2 §15.20 for VMRUN's own three; the rest
#: are what bhyve's svm_eventinject also refuses).
REFUSALS = [
    ("refused_type1", event(1, 0x20), "reserved TYPE"),
    ("refused_nmi_exc", event(TYPE_EXCEPTION, VEC_NMI), "vector 2 as an "
     "exception"),
    ("refused_vector32", event(TYPE_EXCEPTION, 32), "exception vector "
     "above 31"),
    ("refused_ud_ev", event(TYPE_EXCEPTION, VEC_UD, 0), "EV does not match "
     "the vector"),
    ("refused_gp_no_ev", event(TYPE_EXCEPTION, VEC_GP), "EV does not match "
     "the vector"),
    ("refused_nmi_ev", event(TYPE_NMI, VEC_NMI, 0), "EV with a TYPE other "
     "than 3"),
    ("refused_reserved", event(TYPE_EXCEPTION, VEC_UD) | 1 << 12,
     "reserved bits 30:12"),
]


def refuse_reasons():
    """The reasons src/svm/event.c: event_refuse can return.

    Every string literal in its body, adjacent literals joined as the
    compiler joins them.
    """
    text = (ROOT / "src" / "svm" / "event.c").read_text()
    body = text[text.index("const char *event_refuse("):]
    body = body[:body.index("\n}\n")]
    literal = r'"(?:[^"\\]|\\.)*"'
    return {"".join(s[1:-1] for s in re.findall(literal, m.group(0)))
            for m in re.finditer(rf"{literal}(?:\s*{literal})*", body)}


def test_illegal_injections_are_refused_with_a_reason(emu, boot):
    """event_refuse refuses each illegal event; nothing is delivered.

    APM2 §15.20: VMRUN fails on a reserved TYPE and on TYPE 3 with vector
    2 or above 31, so writing those would lose the guest.  It does not
    check EV: an #UD with an error code, a #GP without one or an NMI with
    one are delivered, and the guest's handler pops the wrong words.
    Bits 30:12 are reserved.  For each, HC_INJECT returns HC_REFUSED and
    traces inject_refused with the value asked for, the guest's RIP and
    the rule's reason; different rules give different reasons.  The one
    legal #UD after them is injected and arrives once.
    """
    run, t = ch9(emu, boot, "inj_refused")
    g = "inj_refused"
    refused = [e for e in t.of("inject_refused") if e["guest"] == g]
    assert [(e["event"], e["rip"]) for e in refused] == \
        [(ev, guest_symbol(g, label)) for label, ev, _ in REFUSALS]
    for label, _, _ in REFUSALS:
        asked_at(t, g, label)
    reasons = refuse_reasons()
    by_rule = {}
    for e, (label, _, rule) in zip(refused, REFUSALS):
        assert e["reason"] in reasons, \
            f"{label}: {e['reason']!r} is not a reason of event_refuse"
        by_rule.setdefault(rule, set()).add(e["reason"])
    rules = list(by_rule)
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            assert not by_rule[a] & by_rule[b], \
                f"rules {a!r} and {b!r} give the same reason"
    # Only the legal one reached EVENTINJ.
    assert t.injections(g) == [inject(g, TYPE_EXCEPTION, VEC_UD, None,
                                      "after_legal")]
    assert not_hypercalls(t, g) == []
    r = t.guest_reports(g)
    assert [r[k] for k in ("ret.type1", "ret.nmi_as_exception",
                           "ret.vector32", "ret.ud_with_error",
                           "ret.gp_without_error", "ret.nmi_with_error",
                           "ret.reserved_bits")] == [HC_REFUSED] * 7
    assert r["refused.count"] == 0
    assert r["ret.legal"] == HC_OK
    assert (r["exc.vector"], r["exc.count"]) == (VEC_UD, 1)
    assert r["exc.rip"] == guest_symbol(g, "after_legal")
    assert checks(t, g) == [True] * 10
    assert t.guest_end(g)["result"] == "pass", run.tail()


# ---- where an event returns to ----------------------------------------

def test_fault_returns_to_itself_software_interrupt_after_itself(emu, boot):
    """Reflected #UD returns to the UD2; an INTn injected returns after it.

    Both exits leave RIP at the instruction: #UD at the UD2 (APM2 §15.12),
    INTn at the INT (§15.9).  A fault must restart, so the hypervisor
    reflects #UD at that RIP; the INT has completed, so it steps over the
    two bytes and injects TYPE 4 vector 31h there (§15.20).  The handler
    sees return RIP ud2_insn for the first and int_end for the second.
    NRIP belongs to instruction intercepts (§15.7.1): the SWINT exit has
    it where the model has NRIPS, the #UD exit must not; Bochs writes it
    there too (pinned).
    """
    run, t = ch9(emu, boot, "fault_vs_softint")
    g = "fault_vs_softint"
    exits = not_hypercalls(t, g)
    assert [(e["code"], e["rip"]) for e in exits] == [
        (EXIT_EXCP + VEC_UD, guest_symbol(g, "ud2_insn")),
        (EXIT_SWINT, guest_symbol(g, "int_insn"))]
    assert exits[1]["dec"] == {"len": LEN_INT, "vector": 0x31}
    if cpu_models.model(emu, DEFAULT_CPU[emu]).nrips:
        assert exits[1]["nrip"] == guest_symbol(g, "int_end")
    # NRIP is for instruction intercepts, not for a fault's exit (APM2
    # §15.7.1): 0.  Bochs stores the next instruction anyway (pinned);
    # the hypervisor must not step over a fault with it.
    if expect(emu, "bochs-exception-exit-nrip", False):
        assert exits[0]["nrip"] == guest_symbol(g, "ud2_insn") + LEN_UD2, \
            deviation("bochs-exception-exit-nrip").actual
    else:
        assert exits[0]["nrip"] == 0
    assert guest_symbol(g, "int_end") == \
        guest_symbol(g, "int_insn") + LEN_INT
    assert t.injections(g) == [
        inject(g, TYPE_EXCEPTION, VEC_UD, None, "ud2_insn"),
        inject(g, TYPE_SOFT_INT, 0x31, None, "int_end")]
    r = t.guest_reports(g)
    assert (r["fault.vector"], r["fault.rip"]) == \
        (VEC_UD, guest_symbol(g, "ud2_insn"))
    assert (r["int.vector"], r["int.rip"]) == \
        (0x31, guest_symbol(g, "int_end"))
    assert r["exc.count"] == 2
    assert checks(t, g) == [True, True]
    assert t.guest_end(g)["result"] == "pass", run.tail()


# ---- what VMRUN refuses -----------------------------------------------

#: The VMRUN cases of src/course/ch09_inject.c and their EVENTINJ.
BADINJ = [
    ("badinj.type1", event(1, 32)),
    ("badinj.type5", event(5, 32)),
    ("badinj.type6", event(6, 32)),
    ("badinj.type7", event(7, 32)),
    ("badinj.nmi_as_exception", event(TYPE_EXCEPTION, VEC_NMI)),
    ("badinj.exception_vector32", event(TYPE_EXCEPTION, 32)),
]


@pytest.mark.parametrize("case, value", BADINJ, ids=[c for c, _ in BADINJ])
def test_vmrun_refuses_an_illegal_eventinj(emu, boot, case, value):
    """VMRUN fails with VMEXIT_INVALID on an EVENTINJ it cannot deliver.

    APM2 §15.20: a reserved TYPE (1, 5, 6, 7), or TYPE 3 with vector 2
    (the NMI) or a vector that is not an exception's, makes VMRUN fail;
    the guest does not run.  The hlt guest's VMCB gets the value directly;
    chapter 4's checker (src/svm/vmcb_check.c: svm_eventinj_valid) must
    name the event_inj rule and only it, and the processor must give
    VMEXIT_INVALID, whose code QEMU writes 32 bits wide (pinned in
    chapter 4).
    """
    run, t = ch9(emu, boot, "inj_ud")
    c = t.case(case)
    assert (c["rule"], c["checker"]) == ("event_inj", ["event_inj"])
    assert t.checks(CHAPTER)[case]["ok"]
    found = [e for e in t.of("vmcb_check") if e["guest"] == case]
    assert found and found[0]["rules"] == ["event_inj"]
    assert f"EVENTINJ=0x{value:x}:" in "\n".join(t.text), \
        "the checker printed another EVENTINJ"
    assert c["name"] == "INVALID", \
        f"APM2 §15.20 requires VMEXIT_INVALID; {emu} gave {c['name']}"
    assert c["code"] == expect(emu, "qemu-invalid-exitcode-32bit", INVALID)
    assert c["exits"] == 1
    assert [e["name"] for e in t.exits(case)] == ["INVALID"]
