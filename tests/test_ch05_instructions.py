"""Chapter 5: instruction intercepts (APM2 §15.9 "Instruction Intercepts",
Appendix C "SVM Intercept Exit Codes").

Intercept vectors 3 and 4 of the VMCB name instructions; when the guest
executes one, the processor exits before the instruction does anything,
with RIP at the instruction and the exit code of Appendix C.  The
hypervisor then does what the instruction would have done, in its own way
(CPUID tells the guest it is a guest, RDTSC adds the guest's offset, the SVM
instructions give #UD), and resumes the guest after the instruction, or
injects an exception and leaves RIP where it is.

"After the instruction" is the hard part.  With NRIPS (CPUID 8000_000Ah
EDX[3]) the processor stores the next RIP in the VMCB (§15.7.1); without it
the hypervisor must fetch the guest's code and decode it, prefixes and all.
Decoding is slow (a page walk and a decoder on every exit) and racy:
another processor, or a DMA, may rewrite the bytes between the exit and the
fetch, and the hypervisor then steps over an instruction the guest never
ran.  That is why NRIPS exists, and why decode assists (APM2 "Decode
Assists") go one step further and hand over the bytes and operands.  QEMU
and the Bochs model phenom_8650_toliman have no NRIPS, Bochs ryzen has it;
neither emulator has decode assists, so svmlab decodes every intercepted
instruction (the trace's ``dec``) and, on ryzen, checks the decoded length
against NRIP.

Each guest is a file in guests/ that puts a label before and after every
intercepted instruction, so the expected RIP, NRIP and length come from the
guest's own symbols; constants come from src/svm/guest_abi.h and
src/svm/vmcb.h, read from the headers.
"""

import re

import pytest

import cpu_models
from deviations import deviation, expect
from emulators import DEFAULT_CPU, ROOT, guest_symbol

CHAPTER = 5
ARGS = f"chapter={CHAPTER}"

UD, DB, GP = 6, 1, 13                   # APM2 §8.2 vectors
SOFT_INT = 0x30                         # the guests' INT 30h
RFLAGS_CF, RFLAGS_RSVD1, RFLAGS_DF = 1 << 0, 1 << 1, 1 << 10
RFLAGS_RF, RFLAGS_VM = 1 << 16, 1 << 17
CPUID1_ECX_HV = 1 << 31                 # "hypervisor present"
CPUID81_ECX_SVM = 1 << 2                # APM2 §15.4


def _defines(path: str, prefix: str) -> dict:
    text = (ROOT / path).read_text()
    return {m.group(1): int(m.group(2), 0) for m in re.finditer(
        rf"^#define\s+({prefix}\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", text, re.M)}


#: Appendix C exit codes, from src/svm/vmcb.h: "CPUID" -> 0x72, ...
EXIT = {k[len("SVM_EXIT_"):]: v for k, v in
        _defines("src/svm/vmcb.h", "SVM_EXIT_").items()}
#: What the hypervisor shows a guest: src/svm/guest_abi.h.
ABI = _defines("src/svm/guest_abi.h", "HV_")


def sym(guest, name):
    return guest_symbol(guest, name)


def trace(emu, boot):
    return boot(emu, args=ARGS).trace


def nrips(t, guest):
    return [e for e in t.of("guest_start") if e["guest"] == guest][0]["nrips"]


def insn_exits(t, guest, skip=("VMMCALL", "CPUID")):
    """The guest's exits other than its hypercalls (and own CPUIDs)."""
    return [e for e in t.exits(guest) if e["name"] not in skip]


def injected(t, guest):
    return [(e["type"], e["vector"], e["error"], e["rip"])
            for e in t.of("inject") if e["guest"] == guest]


def ended(t, guest, result="pass"):
    """The guest ended as ``result``; for "pass", every check was ok."""
    checks = [c for c in t.of("guest_check") if c["guest"] == guest]
    end = t.guest_end(guest)
    assert end["result"] == result, (end, checks)
    if result == "pass":
        assert checks and all(c["ok"] for c in checks), checks


def end_of(label: str) -> str:
    """The label after an instruction: x_insn -> x_end, x -> x_end."""
    return (label[:-len("_insn")] if label.endswith("_insn") else label) \
        + "_end"


def check_exit(e, guest, label, name, has_nrips):
    """One instruction-intercept exit at ``label`` .. ``label``_end.

    RIP is the intercepted instruction (APM2 §15.6); with NRIPS, NRIP is
    the next one (§15.7.1); the hypervisor's decode found the length the
    assembler gave the instruction.
    """
    start, end = sym(guest, label), sym(guest, end_of(label))
    assert (e["code"], e["name"], e["rip"]) == (EXIT[name], name, start), e
    if has_nrips:
        assert e["nrip"] == end, e
    assert e["dec"]["len"] == end - start, e


#: Guests whose every intercepted instruction is stepped over (or has an
#: exception injected) the same way on both emulators: the labels of the
#: intercepted instructions in order, with the exit each must produce.
STEPPED = [
    ("cpuid", [(f"cpuid_{leaf}", "CPUID") for leaf in
               ("1", "40000000", "40000001", "80000001", "8000000a")]),
    ("rdtsc", [("rdtsc_1", "RDTSC"), ("rdtsc_2", "RDTSC")]),
    ("rdpmc", [("rdpmc_0", "RDPMC"), ("rdpmc_bad", "RDPMC")]),
    ("wbinvd", [("wbinvd_insn", "WBINVD")]),
    ("pause", [("pause_insn", "PAUSE")]),
    ("invlpg", [("invlpg_sib", "INVLPG"), ("invlpg_rip", "INVLPG")]),
    ("pushf_popf", [("pushf_1", "PUSHF"), ("popf_1", "POPF"),
                    ("pushf_2", "PUSHF"), ("popf_2", "POPF")]),
    ("intn", [("intn_insn", "SWINT")]),
]


@pytest.mark.parametrize("guest, want", STEPPED, ids=[g for g, _ in STEPPED])
def test_intercepted_instruction_exits_at_its_label(emu, boot, guest, want):
    """Each intercepted instruction exits once, with its code and RIP.

    APM2 §15.9: an intercepted instruction exits before it executes, with
    the exit code of Appendix C and RIP at the instruction (§15.6); NRIP
    (§15.7.1) is the address after it where the model has NRIPS.  The
    hypervisor's decoded length must match the assembler's, and the guest
    must have come back to run its own checks: a wrong step would have
    resumed it in the middle of an instruction.
    """
    t = trace(emu, boot)
    skip = ("VMMCALL",) if guest == "cpuid" else ("VMMCALL", "CPUID")
    exits = insn_exits(t, guest, skip)
    assert [(e["name"], e["rip"]) for e in exits] == \
        [(name, sym(guest, label)) for label, name in want]
    for e, (label, name) in zip(exits, want):
        check_exit(e, guest, label, name, nrips(t, guest))
    ended(t, guest)


def test_cpuid_tells_the_guest_it_is_a_guest(emu, boot):
    """CPUID is virtualised: hypervisor bit, hypervisor leaves, no SVM.

    APM2 §15.9 lets the hypervisor answer CPUID.  svmlab passes the host's
    leaf 1 ECX through with bit 31 set, answers 4000_0000h/4000_0001h with
    its own range, signature and features (guest_abi.h), clears the SVM
    bit of 8000_0001h ECX (§15.4) and zeroes the SVM leaf 8000_000Ah: a
    guest that cannot VMRUN must not be told it can.  The host's values
    come from the chapter's own ``report`` events.
    """
    t = trace(emu, boot)
    r = t.guest_reports("cpuid")
    host1 = t.report("host.cpuid.1.ecx")
    host81 = t.report("host.cpuid.80000001.ecx")
    assert r["cpuid.1.ecx"] == host1 | CPUID1_ECX_HV
    assert r["cpuid.80000001.ecx"] == host81 & ~CPUID81_ECX_SVM
    assert host81 & CPUID81_ECX_SVM, "the host itself must have SVM"
    assert r["cpuid.40000000.eax"] == ABI["HV_CPUID_LEAF_MAX"]
    sig = b"".join(r[f"cpuid.40000000.{reg}"].to_bytes(4, "little")
                   for reg in ("ebx", "ecx", "edx"))
    assert sig == b"svmlabsvmlab"
    assert [r[f"cpuid.40000000.{reg}"] for reg in ("ebx", "ecx", "edx")] == \
        [ABI["HV_CPUID_SIG_EBX"], ABI["HV_CPUID_SIG_ECX"],
         ABI["HV_CPUID_SIG_EDX"]]
    assert r["cpuid.40000001.eax"] == ABI["HV_CPUID_FEATURES"]
    assert [r[f"cpuid.8000000a.{reg}"] for reg in ("eax", "ebx", "edx")] \
        == [0, 0, 0]
    # The decode names the leaf the guest asked for (EAX, subleaf ECX).
    leaves = [e["dec"]["leaf"] for e in t.exits("cpuid")
              if e["name"] == "CPUID"]
    assert leaves == [1, 0x40000000, 0x40000001, 0x80000001, 0x8000000A]
    assert all(e["dec"]["subleaf"] == 0 for e in t.exits("cpuid")
               if e["name"] == "CPUID")
    ended(t, "cpuid")


def test_tsc_is_offset_with_and_without_the_rdtsc_intercept(emu, boot):
    """The guest's TSC starts near HV_TSC_BASE, intercepted or not.

    APM2 §15.5.1 (TSC_OFFSET, VMCB 050h): the processor adds the offset to
    every TSC read of the guest without an exit; with the RDTSC intercept
    (§15.9) the hypervisor returns host TSC + offset itself.  Both guests
    must see values at or above HV_TSC_BASE, well below HV_TSC_BASE + 2^40
    (minutes of emulated time), increasing; only the rdtsc guest exits.
    """
    t = trace(emu, boot)
    base = ABI["HV_TSC_BASE"]
    for guest in ("rdtsc", "tsc_offset"):
        r = t.guest_reports(guest)
        assert base <= r["tsc.1"] < r["tsc.2"] < base + 2**40, (guest, r)
        ended(t, guest)
    assert [e["rip"] for e in insn_exits(t, "rdtsc")] == \
        [sym("rdtsc", "rdtsc_1"), sym("rdtsc", "rdtsc_2")]
    assert insn_exits(t, "tsc_offset") == []


def test_rdtscp_returns_the_hypervisors_tsc_aux(emu, boot):
    """RDTSCP has its own intercept (exit 87h); ECX = HV_TSC_AUX.

    APM2 §15.9 and Appendix C: RDTSCP is intercepted by vector 4 bit 7,
    not by the RDTSC bit.  The hypervisor returns host TSC + offset and
    its TSC_AUX.  Without CPUID 8000_0001h EDX[27] RDTSCP raises #UD
    before any intercept check; the guest reports which case it is in.
    The guest checks only the TSC (offset either way) and reports ECX:
    HV_TSC_AUX is the proof of the exit, and QEMU does not exit
    (qemu-rdtscp-not-intercepted), so ECX is judged here.
    """
    t = trace(emu, boot)
    r = t.guest_reports("rdtscp")
    exits = insn_exits(t, "rdtscp")
    if not r["cpuid.rdtscp"]:
        assert exits == [] and r["exception.caught"] == UD
        ended(t, "rdtscp")
        return
    want = expect(emu, "qemu-rdtscp-not-intercepted", 1)
    assert len(exits) == want, exits
    if want == 0:
        # The instruction ran natively: TSC_OFFSET applied, and ECX is the
        # real TSC_AUX (0: svmlab never writes the MSR), not HV_TSC_AUX.
        assert r["tsc"] >= ABI["HV_TSC_BASE"]
        assert r["aux"] == 0 != ABI["HV_TSC_AUX"], \
            deviation("qemu-rdtscp-not-intercepted").actual
        assert "exception.caught" not in r
        ended(t, "rdtscp")
        return
    check_exit(exits[0], "rdtscp", "rdtscp_insn", "RDTSCP", nrips(t, "rdtscp"))
    assert r["aux"] == ABI["HV_TSC_AUX"]
    assert r["tsc"] >= ABI["HV_TSC_BASE"]
    assert "exception.caught" not in r
    ended(t, "rdtscp")


def test_rdpmc_of_a_missing_counter_gets_gp(emu, boot):
    """RDPMC exits whatever ECX is; the hypervisor injects #GP(0).

    APM2 §15.9: the intercept is checked before exceptions that depend on
    operand values, so the hypervisor sees RDPMC of counter HV_PMC_COUNT
    and raises #GP(0) itself (APM3 RDPMC), leaving RIP at the RDPMC: #GP
    is a fault.  Counter 0 reads 0.
    """
    t = trace(emu, boot)
    r = t.guest_reports("rdpmc")
    bad = sym("rdpmc", "rdpmc_bad")
    assert r == {"pmc.0": 0, "gp.vector": GP, "gp.error": 0, "gp.rip": bad}
    assert injected(t, "rdpmc") == [("exception", GP, 0, bad)]
    ended(t, "rdpmc")


def test_invd_has_its_own_intercept(emu, boot):
    """INVD exits with 76h, not as WBINVD (89h).

    APM2 Appendix C: INVD is intercept vector 3 bit 22, exit 76h; WBINVD
    is vector 4 bit 9, exit 89h.  The invd guest sets both bits, so a
    processor that checks the wrong one shows up as a WBINVD exit at the
    INVD.  The hypervisor steps over it either way.
    """
    t = trace(emu, boot)
    name = expect(emu, "qemu-invd-checks-wbinvd-intercept", "INVD")
    exits = insn_exits(t, "invd")
    assert len(exits) == 1
    start, end = sym("invd", "invd_insn"), sym("invd", "invd_end")
    e = exits[0]
    assert (e["code"], e["name"], e["rip"]) == (EXIT[name], name, start), \
        f"{e['name']} at 0x{e['rip']:x}" + (
            "" if name == "INVD" else
            f" ({deviation('qemu-invd-checks-wbinvd-intercept').actual})")
    assert e["dec"]["len"] == end - start
    if nrips(t, "invd"):
        assert e["nrip"] == end
    ended(t, "invd")


@pytest.mark.parametrize("guest, label, name", [
    ("monitor", "monitor_insn", "MONITOR"), ("mwait", "mwait_insn", "MWAIT")])
def test_monitor_and_mwait_are_intercepted(emu, boot, guest, label, name):
    """MONITOR (8Ah) and MWAIT (8Bh) exit and are stepped over.

    APM2 §15.9: vector 4 bits 10 and 11.  Both instructions exist only if
    CPUID 1 ECX[3] says so; otherwise they raise #UD, which comes before
    the intercept check, and there is no exit.  The guest reports the bit
    it saw (through the virtualised CPUID).
    """
    t = trace(emu, boot)
    r = t.guest_reports(guest)
    exits = insn_exits(t, guest)
    if r["cpuid.monitor"]:
        assert len(exits) == 1
        check_exit(exits[0], guest, label, name, nrips(t, guest))
        assert "exception.caught" not in r
    else:
        assert exits == [] and r["exception.caught"] == UD
    ended(t, guest)


def _qemu_xsave_deviation(cpu: str):
    """The deviation a QEMU CPU string meets in the xsetbv guest, if any.

    Without +xsave there is no XSAVE: XSETBV raises #UD, as the APM says.
    With +xsave alone, QEMU refuses CR4.OSXSAVE; with +xsaveopt as well,
    CR4.OSXSAVE works but XSETBV is not intercepted.
    """
    flags = cpu.split(",")[1:]
    if "+xsave" not in flags:
        return None
    if "+xsaveopt" not in flags:
        return "qemu-osxsave-reserved-without-xsaveopt"
    return "qemu-xsetbv-not-intercepted"


def check_xsetbv(emu, cpu, t):
    r = t.guest_reports("xsetbv")
    exits = insn_exits(t, "xsetbv")
    dev = _qemu_xsave_deviation(cpu) if emu == "qemu" else None
    if not r["cpuid.xsave"]:
        assert exits == [] and r["exception.caught"] == UD
        ended(t, "xsetbv")
        return
    if dev == "qemu-osxsave-reserved-without-xsaveopt":
        want = expect(emu, dev, "XSETBV")
        assert [(e["name"], e["rip"]) for e in exits] == \
            [(want, sym("xsetbv", "xsetbv_cr4"))], deviation(dev).actual
        ended(t, "xsetbv", "stopped")
        return
    good, bad = sym("xsetbv", "xsetbv_insn"), sym("xsetbv", "xsetbv_bad")
    assert (r["bad.vector"], r["bad.error"], r["bad.rip"]) == (GP, 0, bad)
    assert "exception.caught" not in r
    # XCR0 starts at 1 (x87 only, its reset value; svmlab never writes
    # it), and the guest writes x87 | SSE: every model here with XSAVE has
    # SSE state, so XGETBV can see whether the write reached XCR0.
    assert (r["xcr0.before"], r["xcr0.written"]) == (1, 3)
    ended(t, "xsetbv")
    want = expect(emu, dev or "qemu-xsetbv-not-intercepted", 2)
    assert len(exits) == want, exits
    if want == 0:
        # XSETBV ran on the (emulated) processor: XGETBV reads the value
        # written, and no #GP came from the hypervisor.
        assert r["xcr0.after"] == r["xcr0.written"], deviation(dev).actual
        assert injected(t, "xsetbv") == [], deviation(dev).actual
        return
    # Intercepted: the hypervisor keeps the guest's XCR0 in its vCPU, and
    # XGETBV (not interceptable) still reads the real, unchanged XCR0.
    assert r["xcr0.after"] == r["xcr0.before"]
    check_exit(exits[0], "xsetbv", "xsetbv_insn", "XSETBV", nrips(t, "xsetbv"))
    check_exit(exits[1], "xsetbv", "xsetbv_bad", "XSETBV", nrips(t, "xsetbv"))
    assert exits[0]["rip"] == good
    assert injected(t, "xsetbv") == [("exception", GP, 0, bad)]


def test_xsetbv_is_validated_by_the_hypervisor(emu, boot):
    """XSETBV exits (8Dh); the hypervisor accepts XCR0=1, refuses XCR0=0.

    APM2 §15.9 (vector 4 bit 13): XCR0 is not in the VMCB, so the
    hypervisor must keep the guest's value and check it as XSETBV would
    (APM3: ECX = 0, XCR0[0] set, supported bits only), injecting #GP(0)
    otherwise.  XSETBV needs CR4.OSXSAVE, which needs CPUID 1 ECX[26];
    without them it raises #UD before the intercept check.  XGETBV has no
    intercept: after an intercepted XSETBV it still reads the real XCR0,
    which the guest reports and this test judges.
    """
    run = boot(emu, args=ARGS)
    check_xsetbv(emu, run.cpu, run.trace)


@pytest.mark.emulators("qemu")
@pytest.mark.parametrize("flags", ["+xsave", "+xsave,+xsaveopt"])
def test_qemu_xsave_models_pin_their_deviations(emu, boot, flags):
    """Both QEMU XSAVE deviations, whatever the default model is.

    qemu64 with +xsave treats CR4.OSXSAVE as reserved unless CPUID 0Dh.1
    has a feature (+xsaveopt), and with +xsaveopt it runs XSETBV without
    checking the intercept (tests/deviations.py); boot=guest=xsetbv.
    """
    cpu = f"qemu64,+svm,+npt,{flags}"
    run = boot(emu, cpu=cpu, args="guest=xsetbv")
    assert _qemu_xsave_deviation(cpu) in (
        "qemu-osxsave-reserved-without-xsaveopt",
        "qemu-xsetbv-not-intercepted")
    check_xsetbv(emu, cpu, run.trace)


def test_invlpg_address_is_decoded_from_the_instruction(emu, boot):
    """Without decode assists the hypervisor computes INVLPG's address.

    APM2 §15.9 and "Decode Assists": EXITINFO1 holds the linear address only
    with decode assists.  The hypervisor decodes ModRM/SIB/disp32 and adds the
    guest's registers, or the next RIP for a RIP-relative operand.  The
    expected addresses come from the guest's symbols: base invlpg_page, index
    5, scale 8, displacement 1230h (guests/invlpg.S: SIB_INDEX,
    SIB_DISP), and invlpg_target.
    """
    t = trace(emu, boot)
    sib = sym("invlpg", "invlpg_page") + 5 * 8 + 0x1230
    rip = sym("invlpg", "invlpg_target")
    r = t.guest_reports("invlpg")
    assert (r["sib.base"], r["sib.index"]) == (sym("invlpg", "invlpg_page"), 5)
    assert (r["sib.ea"], r["rip.ea"]) == (sib, rip)
    assert [e["dec"]["addr"] for e in insn_exits(t, "invlpg")] == [sib, rip]
    assert all(e["info1"] == 0 for e in insn_exits(t, "invlpg")), \
        "neither emulator has decode assists: EXITINFO1 should be 0"
    ended(t, "invlpg")


def test_pushf_popf_are_emulated_on_the_guest_stack(emu, boot):
    """PUSHF/POPF exit (70h/71h) and the hypervisor performs them.

    APM3 PUSHF: the image has bit 1 set and RF, VM clear.  POPF of an
    image with CF and DF set must reach the guest's real RFLAGS: the
    guest checks CF with SETC and DF with LODSB's direction, and the
    second PUSHF must push the first image with CF and DF added.
    """
    t = trace(emu, boot)
    r = t.guest_reports("pushf_popf")
    f1 = r["flags.1"]
    assert f1 & RFLAGS_RSVD1 and not f1 & (RFLAGS_RF | RFLAGS_VM)
    assert r["flags.2"] == f1 | RFLAGS_CF | RFLAGS_DF
    assert (r["cf.after_popf"], r["df.after_popf"]) == (1, 1)
    ended(t, "pushf_popf")


def test_intn_is_reinjected_as_a_software_interrupt(emu, boot):
    """INT 30h exits (75h) and comes back as EVENTINJ type 4.

    APM2 §15.20: a software interrupt is injected with RIP already past
    the INT, so the guest's handler sees the return address after the
    two-byte instruction.  The decode names the vector.
    """
    t = trace(emu, boot)
    (e,) = insn_exits(t, "intn")
    assert e["dec"]["vector"] == SOFT_INT
    end = sym("intn", "intn_end")
    assert injected(t, "intn") == [("soft-int", SOFT_INT, None, end)]
    assert t.guest_reports("intn") == {
        "int.vector": SOFT_INT, "int.rip": end, "int.count": 1}
    ended(t, "intn")


def test_iret_intercept_fires_once_and_iret_then_runs(emu, boot):
    """IRET exits (74h) before it executes; after that, no more exits.

    APM2 §15.9: the IRET intercept is checked before the IRET runs, with
    RIP at the IRET.  svmlab clears the intercept and resumes at the same
    RIP (no step), so the IRET executes natively and the second IRET
    does not exit.
    """
    t = trace(emu, boot)
    exits = insn_exits(t, "iret")
    assert len(exits) == 1
    check_exit(exits[0], "iret", "iret_1", "IRET", nrips(t, "iret"))
    assert injected(t, "iret") == []
    ended(t, "iret")


def test_icebp_exits_and_gets_db_after_the_f1(emu, boot):
    """ICEBP (F1) exits with 88h; the hypervisor steps over it, injects #DB.

    APM2 §15.9 and Appendix C: ICEBP has its own intercept (vector 4 bit
    8).  #DB from ICEBP is a trap, so the guest's handler must see the
    RIP after the one-byte F1.  QEMU decodes F1 as an invalid opcode
    (deviation qemu-icebp-ud): #UD at the F1, no exit.  The guest only
    checks that one exception came; it reports which and where, and this
    test judges that.
    """
    t = trace(emu, boot)
    r = t.guest_reports("icebp")
    insn, end = sym("icebp", "icebp_insn"), sym("icebp", "icebp_end")
    vector = expect(emu, "qemu-icebp-ud", DB)
    if vector == DB:
        (e,) = insn_exits(t, "icebp")
        check_exit(e, "icebp", "icebp_insn", "ICEBP", nrips(t, "icebp"))
        assert injected(t, "icebp") == [("exception", DB, None, end)]
        assert r == {"icebp.vector": DB, "icebp.rip": end, "icebp.count": 1}
        ended(t, "icebp")
    else:
        assert insn_exits(t, "icebp") == [], deviation("qemu-icebp-ud").actual
        assert r == {"icebp.vector": UD, "icebp.rip": insn,
                     "icebp.count": 1}, deviation("qemu-icebp-ud").actual
        assert injected(t, "icebp") == []
        ended(t, "icebp")


SVM_INSNS = [("vmrun", "VMRUN"), ("vmload", "VMLOAD"), ("vmsave", "VMSAVE"),
             ("stgi", "STGI"), ("clgi", "CLGI"), ("skinit", "SKINIT"),
             ("invlpga", "INVLPGA")]


@pytest.mark.parametrize("insn, name", SVM_INSNS,
                         ids=[i for i, _ in SVM_INSNS])
def test_svm_instruction_in_the_guest_gets_ud(emu, boot, insn, name):
    """A guest's SVM instruction exits, and the hypervisor injects #UD.

    APM2 §15.9 and Appendix C: VMRUN 80h, VMLOAD 82h, VMSAVE 83h, STGI
    84h, CLGI 85h, SKINIT 86h, INVLPGA 7Ah.  svmlab offers no nested SVM,
    so it answers as a processor without SVM would: #UD, a fault, with
    RIP left at the instruction.
    """
    t = trace(emu, boot)
    guest = f"ud_{insn}"
    label = f"ud_{insn}_insn"
    (e,) = insn_exits(t, guest)
    check_exit(e, guest, label, name, nrips(t, guest))
    at = sym(guest, label)
    assert injected(t, guest) == [("exception", UD, None, at)]
    assert t.guest_reports(guest) == {"ud.vector": UD, "ud.rip": at,
                                      "ud.count": 1}
    ended(t, guest)


#: (start label, exit) of each instruction of guests/lengths.S.
LENGTHS = [("len_cpuid_rexw", "CPUID"), ("len_cpuid_seg", "CPUID"),
           ("len_cpuid_osize", "CPUID"), ("len_cpuid_max", "CPUID"),
           ("len_rdtsc_rex", "RDTSC"), ("len_invlpg_sib", "INVLPG"),
           ("len_invlpg_rip", "INVLPG"), ("len_int", "SWINT")]
#: The lengths the assembler must have produced (guests/lengths.S).
LENGTH_BYTES = {"len_cpuid_rexw": 3, "len_cpuid_seg": 7, "len_cpuid_osize": 3,
                "len_cpuid_max": 15, "len_rdtsc_rex": 3, "len_invlpg_sib": 10,
                "len_invlpg_rip": 9, "len_int": 2}


def pytest_generate_tests(metafunc):
    if "model" in metafunc.fixturenames:
        from conftest import selected_emulators
        emus = selected_emulators(metafunc.config)
        models = [m for m in cpu_models.MODELS if m.emu in emus and (
            (m.emu == "qemu" and m.cpu == DEFAULT_CPU["qemu"]) or
            (m.emu == "bochs" and m.cpu in ("ryzen", "phenom_8650_toliman")))]
        metafunc.parametrize("model", models, ids=[m.id for m in models])


def test_prefixed_instructions_are_stepped_over_whole(model, boot):
    """Prefixes count: the hypervisor steps over the whole instruction.

    APM2 §15.7.1: with NRIPS, NRIP is the next instruction's address and
    the hypervisor needs no decoder; without it, the decoder must count
    REX, segment overrides, 66h, ModRM, SIB and displacement (APM3 §1.2),
    up to the 15-byte limit.  On every model the decoded length must be
    the assembler's, NRIP (where present) must agree, and the guest must
    get back to check its results.
    """
    run = boot(model.emu, cpu=model.cpu, args="guest=lengths")
    t = run.trace
    assert nrips(t, "lengths") == model.nrips
    exits = insn_exits(t, "lengths", skip=("VMMCALL",))
    assert [(e["name"], e["rip"]) for e in exits] == \
        [(name, sym("lengths", label)) for label, name in LENGTHS], run.tail()
    for e, (label, name) in zip(exits, LENGTHS):
        assert sym("lengths", label + "_end") - sym("lengths", label) == \
            LENGTH_BYTES[label]
        check_exit(e, "lengths", label, name, model.nrips)
    target = sym("lengths", "len_target")
    assert exits[6]["dec"]["addr"] == target   # RIP-relative after prefixes
    end = sym("lengths", "len_int_end")
    assert injected(t, "lengths") == [("soft-int", SOFT_INT, None, end)]
    r = t.guest_reports("lengths")
    assert r["cpuid.signatures"] == 4
    assert r["tsc"] >= ABI["HV_TSC_BASE"]
    assert (r["int.vector"], r["int.rip"]) == (SOFT_INT, end)
    ended(t, "lengths")
