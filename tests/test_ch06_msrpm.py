"""Chapter 6: the MSR permission map (APM2 §15.11 "MSR Intercepts").

With intercept_misc1.MSR_PROT set, RDMSR and WRMSR consult an 8 KiB map:
three ranges of 8K MSRs (0000_0000h, C000_0000h and C001_0000h onwards),
two bits per MSR, the even one for RDMSR and the odd one for WRMSR.  An
intercepted access exits with code 7Ch, EXITINFO1 = 0 for RDMSR and 1 for
WRMSR; an MSR outside the three ranges always exits.  The hypervisor sets
the bits it needs (EFER, the SVM MSRs) and each guest adds its own with its
MSR list; an MSR whose bits are clear is the guest's own, and the MSRs that
VMLOAD/VMSAVE move reach the VMCB only through them.  Each guest is a file
in guests/; expected RIPs come from the guest's own symbols, expected
values from guest_abi.h and the APM.
"""

import cpu_models
from emulators import abi, DEFAULT_CPU, guest_symbol

CHAPTER = 6
ARGS = f"chapter={CHAPTER}"

EXIT_MSR = 0x7C
GP = 13                                 # #GP, APM2 §8.2
LEN_MSR = 2                             # RDMSR 0F 32, WRMSR 0F 30

MSR_EFER = 0xC0000080
MSR_STAR, MSR_LSTAR, MSR_SFMASK = 0xC0000081, 0xC0000082, 0xC0000084
MSR_VM_CR, MSR_VM_HSAVE_PA = 0xC0010114, 0xC0010117
MSR_PAST_RANGE_2 = 0xC0002000           # one past C000_1FFFh
EFER_LME, EFER_LMA, EFER_NXE, EFER_SVME = 1 << 8, 1 << 10, 1 << 11, 1 << 12


def _nrips(emu):
    return cpu_models.model(emu, DEFAULT_CPU[emu]).nrips


def msr_exits(t, guest):
    return [e for e in t.exits(guest) if e["code"] == EXIT_MSR]


def check_nrip(emu, exits):
    """With NRIPS, #VMEXIT saves the RIP after RDMSR/WRMSR (APM2 §15.7.1)."""
    if _nrips(emu):
        assert [e["nrip"] for e in exits] == [e["rip"] + LEN_MSR
                                              for e in exits]


def injected(t, guest):
    return [(e["type"], e["vector"], e["error"], e["rip"])
            for e in t.of("inject") if e["guest"] == guest]


def ended_well(t, guest):
    checks = [c for c in t.of("guest_check") if c["guest"] == guest]
    assert checks and all(c["ok"] for c in checks), checks
    assert t.guest_end(guest)["result"] == "pass", t.guest_end(guest)


def test_the_read_bit_intercepts_rdmsr_only(emu, boot):
    """The even bit of an MSR's pair intercepts RDMSR, and only RDMSR.

    APM2 §15.11: msr_read_only sets the read bit of SFMASK.  Its WRMSR
    runs in the guest (no exit); its RDMSR exits with code 7Ch and
    EXITINFO1 = 0, and the hypervisor answers from the VMCB's SFMASK
    (VMSAVE state, §15.5.2), which holds the value the guest wrote.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "msr_read_only"
    exits = msr_exits(t, g)
    rip = guest_symbol(g, "rdmsr_sfmask")
    assert [(e["rip"], e["info1"]) for e in exits] == [(rip, 0)], run.tail()
    assert exits[0]["name"] == "MSR"
    assert exits[0]["dec"]["msr"] == MSR_SFMASK
    assert exits[0]["dec"]["write"] is False
    if _nrips(emu):
        assert exits[0]["nrip"] == guest_symbol(g, "rdmsr_sfmask_end")
    assert guest_symbol(g, "rdmsr_sfmask_end") - rip == LEN_MSR
    assert not [e for e in t.exits(g)
                if e["rip"] == guest_symbol(g, "wrmsr_sfmask")]
    r = t.guest_reports(g)
    assert r["sfmask.read"] == r["sfmask.written"]
    assert r["sfmask.written"] >> 32 == 0     # SFMASK[63:32] is reserved
    ended_well(t, g)


def test_the_write_bit_intercepts_wrmsr_only(emu, boot):
    """The odd bit of an MSR's pair intercepts WRMSR, and only WRMSR.

    APM2 §15.11: msr_write_only sets the write bit of LSTAR.  Its WRMSR
    exits (7Ch, EXITINFO1 = 1) with the value in EDX:EAX; the hypervisor
    stores it in the VMCB's LSTAR, and VMLOAD puts it in the real MSR, so
    the RDMSR that follows (no exit) reads it.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "msr_write_only"
    exits = msr_exits(t, g)
    r = t.guest_reports(g)
    assert [(e["rip"], e["info1"]) for e in exits] == \
        [(guest_symbol(g, "wrmsr_lstar"), 1)], run.tail()
    dec = exits[0]["dec"]
    assert (dec["msr"], dec["write"], dec["value"]) == \
        (MSR_LSTAR, True, r["lstar.written"])
    if _nrips(emu):
        assert exits[0]["nrip"] == guest_symbol(g, "wrmsr_lstar_end")
    assert not [e for e in t.exits(g)
                if e["rip"] == guest_symbol(g, "rdmsr_lstar")]
    assert r["lstar.read"] == r["lstar.written"]
    ended_well(t, g)


def test_an_msr_with_both_bits_clear_never_exits(emu, boot):
    """An MSR the map passes through is the guest's, and VMSAVE saves it.

    APM2 §15.11: with both bits clear, RDMSR and WRMSR of STAR run in the
    guest.  STAR is VMLOAD/VMSAVE state (§15.5.2): what the guest wrote
    reaches the VMCB's save area when the hypervisor VMSAVEs after an
    exit, and the kernel reports that field after the guest.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "msr_passthrough"
    assert not msr_exits(t, g), run.tail()
    r = t.guest_reports(g)
    assert r["star.read"] == r["star.written"]
    assert t.report("msr_passthrough.vmcb.star") == r["star.written"]
    ended_well(t, g)


def test_msrs_outside_the_three_ranges_always_exit(emu, boot):
    """An MSR the map cannot describe is always intercepted.

    APM2 §15.11: MSRs outside 0000_0000h-0000_1FFFh, C000_0000h-
    C000_1FFFh and C001_0000h-C001_1FFFh exit whatever the map says.
    msr_outside asks for no MSR intercept at all, yet every access
    exits: HV_MSR_ID reads HV_MSR_ID_VALUE and refuses writes with
    #GP(0), HV_MSR_SCRATCH keeps a 64-bit value, and C000_2000h, the
    first MSR past the second range, is unknown: #GP(0).  A #GP is a
    fault, so the guest's handler sees the RIP of the RDMSR/WRMSR.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "msr_outside"
    try:
        guest_symbol(g, "guest_msrs")
        assert False, "msr_outside must not have an MSR list"
    except KeyError:
        pass
    hv_id, scratch = abi("HV_MSR_ID"), abi("HV_MSR_SCRATCH")
    exits = msr_exits(t, g)
    want = [("rdmsr_id", hv_id, False), ("wrmsr_scratch", scratch, True),
            ("rdmsr_scratch", scratch, False), ("wrmsr_id", hv_id, True),
            ("rdmsr_past", MSR_PAST_RANGE_2, False)]
    assert [(e["rip"], e["dec"]["msr"], e["dec"]["write"], e["info1"])
            for e in exits] == \
        [(guest_symbol(g, s), m, w, int(w)) for s, m, w in want], run.tail()
    check_nrip(emu, exits)
    r = t.guest_reports(g)
    assert r["id.read"] == abi("HV_MSR_ID_VALUE")
    assert r["scratch.read"] == exits[1]["dec"]["value"]
    assert r["scratch.read"] >> 32 and r["scratch.read"] & 0xFFFFFFFF
    assert injected(t, g) == [
        ("exception", GP, 0, guest_symbol(g, "wrmsr_id")),
        ("exception", GP, 0, guest_symbol(g, "rdmsr_past"))]
    assert (r["id.write.vector"], r["past.read.vector"]) == (GP, GP)
    ended_well(t, g)


def test_efer_is_shadowed_and_svme_stays_in_the_vmcb(emu, boot):
    """The guest sees its own EFER; the VMCB keeps SVME.

    VMRUN requires EFER.SVME in the guest state (APM2 §15.5.1), while a
    guest told it has no SVM must not see or set it: setting an
    unsupported EFER bit is #GP(0) (APM2 §3.1.7), and so is changing LME
    while paging is on (§14.6).  The hypervisor intercepts both
    directions of EFER (§15.11) and keeps a shadow: the loaded EFER (LME
    LMA SVME, chapter 4) without SVME at first, then what the guest
    wrote.  The real EFER follows the shadow (NXE) but keeps SVME.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "efer"
    exits = msr_exits(t, g)
    want = [("rdmsr_efer_1", False), ("wrmsr_efer_nxe", True),
            ("rdmsr_efer_2", False), ("wrmsr_efer_svme", True),
            ("wrmsr_efer_lme", True), ("rdmsr_efer_3", False)]
    assert [(e["rip"], e["dec"]["msr"], e["dec"]["write"]) for e in exits] \
        == [(guest_symbol(g, s), MSR_EFER, w) for s, w in want], run.tail()
    check_nrip(emu, exits)
    r = t.guest_reports(g)
    shown = EFER_LME | EFER_LMA
    assert r["efer.initial"] == shown
    assert exits[1]["dec"]["value"] == shown ^ EFER_NXE
    assert r["efer.nxe"] == shown ^ EFER_NXE
    assert exits[3]["dec"]["value"] == shown ^ EFER_NXE | EFER_SVME
    assert exits[4]["dec"]["value"] == shown ^ EFER_NXE ^ EFER_LME
    assert r["efer.final"] == shown ^ EFER_NXE
    assert injected(t, g) == [
        ("exception", GP, 0, guest_symbol(g, "wrmsr_efer_svme")),
        ("exception", GP, 0, guest_symbol(g, "wrmsr_efer_lme"))]
    assert (r["svme.vector"], r["lme.vector"]) == (GP, GP)
    assert t.report("efer.vmcb") == r["efer.final"] | EFER_SVME
    assert t.report("efer.shadow") == r["efer.final"]
    ended_well(t, g)


def test_the_svm_msrs_are_hidden_from_the_guest(emu, boot):
    """VM_CR and VM_HSAVE_PA fault as on a processor without SVM.

    The guest is told it has no SVM (CPUID 8000_0001h ECX[2] clear), so
    accessing an SVM-only MSR must raise #GP(0) (APM3 RDMSR/WRMSR); and
    passing VM_HSAVE_PA through would hand the guest the host save area
    (APM2 §15.30.4).  Both MSRs lie in the map's third range with both
    bits set by the hypervisor (§15.11): each access exits and the
    hypervisor injects #GP(0) at the instruction.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "msr_svm_hidden"
    exits = msr_exits(t, g)
    want = [("rdmsr_vm_cr", MSR_VM_CR, False),
            ("wrmsr_vm_cr", MSR_VM_CR, True),
            ("rdmsr_hsave", MSR_VM_HSAVE_PA, False),
            ("wrmsr_hsave", MSR_VM_HSAVE_PA, True)]
    assert [(e["rip"], e["dec"]["msr"], e["dec"]["write"]) for e in exits] \
        == [(guest_symbol(g, s), m, w) for s, m, w in want], run.tail()
    check_nrip(emu, exits)
    assert injected(t, g) == \
        [("exception", GP, 0, guest_symbol(g, s)) for s, _, _ in want]
    r = t.guest_reports(g)
    assert [r[k] for k in ("vm_cr.read.vector", "vm_cr.write.vector",
                           "hsave.read.vector", "hsave.write.vector")] == \
        [GP] * 4
    ended_well(t, g)


def test_host_msrs_are_denied_by_default(emu, boot):
    """Deny by default: a host MSR exits although the guest asked nothing.

    The hypervisor sets both bits of every MSR of the three ranges except
    the ones the VMCB holds (APM2 §15.11; VMLOAD/VMSAVE switch those), so
    RDMSR of APIC_BASE (1Bh) and WRMSR of MTRR_DEF_TYPE (2FFh) exit (7Ch)
    and, emulated by nothing, get #GP(0) at the instruction.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "msr_denied"
    exits = msr_exits(t, g)
    want = [("rdmsr_apic_base", 0x1B, False),
            ("wrmsr_mtrr_def_type", 0x2FF, True)]
    assert [(e["rip"], e["dec"]["msr"], e["dec"]["write"]) for e in exits] \
        == [(guest_symbol(g, s), m, w) for s, m, w in want], run.tail()
    assert injected(t, g) == \
        [("exception", GP, 0, guest_symbol(g, s)) for s, _, _ in want]
    r = t.guest_reports(g)
    assert (r["apic_base.read.vector"], r["mtrr_def_type.write.vector"]) \
        == (GP, GP)
    ended_well(t, g)


def test_the_chapter_runs_its_guests_in_order(emu, boot):
    """Chapter 6 runs its seven guests, in the order of the lesson."""
    run = boot(emu, args=ARGS)
    t = run.trace
    names = [e["guest"] for e in t.of("guest_start")]
    assert names == ["msr_read_only", "msr_write_only", "msr_passthrough",
                     "msr_outside", "efer", "msr_svm_hidden",
                     "msr_denied"], run.tail()
    assert t.status == "pass", run.tail()
