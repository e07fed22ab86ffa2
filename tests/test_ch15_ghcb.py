"""Chapter 15: the SEV-ES GHCB, modelled (AMD's GHCB specification,
publication 56421; APM2 §15.35 "Encrypted State (SEV-ES)").

Neither QEMU nor Bochs implements SEV-ES, so svmlab models the protocol on
a guest whose memory is not encrypted: the guest's WRMSR to the GHCB MSR
(C001_0130h) lands in the VMCB's GHCB GPA field (0A0h), VMGEXIT (F3 0F 01
D9) exits as VMMCALL and is served from that field, and a guest marked
as the SEV-ES model gets #VC instead of having its CPUID, IN/OUT,
RDMSR/WRMSR and VMMCALL handled.  The expected values below come from
the specification's encodings, written out here by hand, and from the
guests' sources.
"""

import pytest

from deviations import expect
from emulators import abi, guest_symbol

CHAPTER = 15
ARGS = f"chapter={CHAPTER}"
GUESTS = ["vc_probe", "ghcb_msr", "ghcb_term", "ghcb_vmgexit", "ghcb_bad",
          "ghcb_vc"]

EXIT_CPUID, EXIT_IOIO, EXIT_MSR, EXIT_VMMCALL = 0x72, 0x7B, 0x7C, 0x81
MMIO_READ, MMIO_WRITE = 0x80000001, 0x80000002
MSR_GHCB = 0xC0010130

# The GHCB's save-area offsets (GHCB specification, "GHCB Layout"); the
# valid bitmap has bit offset / 8 for each.
OFF = {"cpl": 0x0CB, "rax": 0x1F8, "rcx": 0x308, "rdx": 0x310,
       "rbx": 0x318, "rsi": 0x330, "rdi": 0x338, "sw_exit_code": 0x390,
       "sw_exit_info1": 0x398, "sw_exit_info2": 0x3A0, "sw_scratch": 0x3A8}

# Reasons of a malformed request (SW_EXITINFO1 = 2, SW_EXITINFO2 = reason).
REASON = {"not_registered": 1, "invalid_usage": 2,
          "invalid_scratch_area": 3, "missing_input": 4, "invalid_input": 5,
          "invalid_event": 6}
GP0_EVENT = (1 << 31) | (1 << 11) | (3 << 8) | 13   # V, EV, exception, #GP

# The CPUID leaf 4000_0000h that svmlab shows: "svmlabsvmlab".
SIG = [int.from_bytes(s, "little") for s in (b"svml", b"absv", b"mlab")]


def valid_mask(*fields):
    """The 128-bit valid bitmap with the bits of ``fields`` set."""
    m = 0
    for f in fields:
        m |= 1 << (OFF[f] // 8)
    return m


def valid_of(e):
    return e["valid_lo"] | (e["valid_hi"] << 64)


def ch15(emu, boot):
    run = boot(emu, args=ARGS)
    t = run.trace
    assert [e["guest"] for e in t.of("guest_start")] == GUESTS, run.tail()
    return run, t


def events_of(t, guest, ev=None):
    return [e for e in t.events if e.get("guest") == guest and
            (ev is None or e["ev"] == ev)]


# ---- #VC delivery -----------------------------------------------------

def test_vc_probe_measures_how_eventinj_delivers_vc(emu, boot):
    """How does this processor deliver an injected #VC?

    vc_probe asks HC_VC_PROBE for a #VC (vector 29) with error code 7Bh
    and EV = 1; its handler asks again first thing, and the hypervisor
    compares RSP: 48 bytes pushed means SS, RSP, RFLAGS, CS, RIP and the
    error code (APM2 §15.20 requires it for EV = 1), 40 means the error
    code was lost.  QEMU loses it (deviation
    qemu-eventinj-error-code-by-vector); Bochs pushes it.  The guest
    checks that its frame agrees with the count (the error code, or its
    return RIP, on top).
    """
    run, t = ch15(emu, boot)
    want = expect(emu, "qemu-eventinj-error-code-by-vector", 48)
    probe = t.one("vc_probe")
    assert probe["guest"] == "vc_probe"
    assert probe["bytes"] == want
    assert probe["pushed"] == (want == 48)
    reports = t.guest_reports("vc_probe")
    assert reports["vc.frame_bytes"] == want
    if want == 48:
        assert reports["vc.error"] == abi("HC_VC_PROBE_ERROR")
    assert t.guest_end("vc_probe")["result"] == "pass", run.tail()


def test_vc_is_delivered_with_its_error_code_on_both(emu, boot):
    """Every #VC of the model guest carries the exit code.

    Where EVENTINJ pushes the error code the hypervisor injects #VC
    with it; where it does not (QEMU), the hypervisor writes the long
    mode exception frame itself, error code included, and starts the
    guest's handler.  Either way the guest's handler sees the exit code,
    serves the request and counts the #VCs it handled.
    """
    run, t = ch15(emu, boot)
    how = "eventinj" if t.one("vc_probe")["pushed"] else "frame"
    vcs = events_of(t, "ghcb_vc", "vc")
    assert vcs and all(e["how"] == how for e in vcs)
    # The guest counts the #VCs of its instructions by the error code
    # its handler found; its hypercalls (81h) are #VCs too, but every
    # REPORT adds one, so those are counted apart.
    reports = t.guest_reports("ghcb_vc")
    by_code = {c: sum(e["code"] == c for e in vcs)
               for c in (EXIT_IOIO, EXIT_CPUID, EXIT_MSR)}
    assert reports["vc.count.ioio"] == by_code[EXIT_IOIO] == 5
    assert reports["vc.count.cpuid"] == by_code[EXIT_CPUID] == 1
    assert reports["vc.count.msr"] == by_code[EXIT_MSR] == 3
    assert reports["vc.count"] == sum(by_code.values())
    assert reports["vc.problems"] == 0
    assert t.guest_end("ghcb_vc")["result"] == "pass", run.tail()


# ---- VMGEXIT and the GHCB MSR ------------------------------------------

def vmgexit_exits(t, guest):
    """The exits that were VMGEXITs: each is followed by its ghcb_msr or
    vmgexit event (or ends the guest)."""
    out, last = [], None
    for e in events_of(t, guest):
        if e["ev"] == "exit":
            last = e
        elif e["ev"] in ("ghcb_msr", "vmgexit") and last is not None:
            out.append(last)
            last = None
    return out


def test_vmgexit_exits_as_vmmcall_on_both_emulators(emu, boot):
    """VMGEXIT is F3 0F 01 D9: VMMCALL with a REP prefix.

    In a guest that is not SEV-ES the APM says it behaves as VMMCALL,
    and both emulators agree: exit 81h at the VMGEXIT.  Where the CPU
    saves NRIP (Bochs) it is RIP + 4, past the prefix.  Every ghcb_msr
    and vmgexit event follows such an exit.
    """
    run, t = ch15(emu, boot)
    exits = vmgexit_exits(t, "ghcb_msr") + vmgexit_exits(t, "ghcb_vmgexit")
    assert len(exits) >= 10
    for e in exits:
        assert e["code"] == EXIT_VMMCALL, e
        if e["nrip"]:
            assert e["nrip"] == e["rip"] + 4, e


def test_ghcb_msr_value_lands_in_the_vmcb_field(emu, boot):
    """WRMSR C001_0130h exits through the MSRPM; the value lands where
    SEV-ES hardware puts it, the VMCB's GHCB GPA field.

    Each MSR-protocol request the hypervisor traces is the value of the
    guest's last WRMSR of MSR C001_0130h before the VMGEXIT: the exit's
    decoded MSR and value.
    """
    run, t = ch15(emu, boot)
    last = None
    seen = 0
    for e in events_of(t, "ghcb_msr"):
        if e["ev"] == "exit" and e["code"] == EXIT_MSR and \
                e["dec"]["msr"] == MSR_GHCB and e["dec"]["write"]:
            last = e["dec"]["value"]
        if e["ev"] == "ghcb_msr":
            assert e["req"] == last, e
            seen += 1
    assert seen >= 8


def msr_requests(t):
    return events_of(t, "ghcb_msr", "ghcb_msr")


def test_msr_protocol_sev_information(emu, boot):
    """SEV information request (GHCBInfo 002h): the response (001h) says
    the protocol versions, 2 at most and 1 at least, in bits 63:48 and
    47:32, and the C-bit position in 31:24 (0: nothing is encrypted)."""
    run, t = ch15(emu, boot)
    e = [r for r in msr_requests(t) if r["request"] == "sev_info"]
    assert [r["req"] for r in e] == [0x002]
    assert e[0]["resp"] == (2 << 48) | (1 << 32) | (0 << 24) | 0x001
    assert t.guest_reports("ghcb_msr")["msr.sev_info"] == e[0]["resp"]


def test_msr_protocol_cpuid_every_register(emu, boot):
    """CPUID request (004h): function in 63:32, register in 31:30.

    The response (005h) carries the value in 63:32 and the register
    again.  For 4000_0000h: EAX is the highest hypervisor leaf, EBX, ECX
    and EDX spell "svmlabsvmlab", as the CPUID instruction shows them.
    """
    run, t = ch15(emu, boot)
    want = [abi("HV_CPUID_LEAF_MAX")] + SIG
    got = {}
    for r in msr_requests(t):
        if r["request"] == "cpuid" and not r["error"]:
            assert r["req"] & 0x3FFFF000 == 0
            fn, reg = r["req"] >> 32, (r["req"] >> 30) & 3
            assert r["resp"] & 0xFFF == 0x005
            assert (r["resp"] >> 30) & 3 == reg
            if fn == 0x40000000:
                got[reg] = r["resp"] >> 32
    assert got == {i: v for i, v in enumerate(want)}


def test_msr_protocol_hypervisor_features(emu, boot):
    """Hypervisor feature request (080h): response 081h with the feature
    bitmap in 63:12; this model offers none (bit 0 would be SEV-SNP)."""
    run, t = ch15(emu, boot)
    e = [r for r in msr_requests(t) if r["request"] == "hv_features"]
    assert [(r["req"], r["resp"]) for r in e] == [(0x080, 0x081)]


def test_msr_protocol_ghcb_gpa_registration(emu, boot):
    """GHCB GPA registration (012h): the page number in 63:12.

    The guest's own GHCB page is accepted: the response (013h) echoes
    its page number.  A page outside the guest's 8 MiB of RAM is
    refused: the response's data is all ones.  The refusal changes
    nothing: the guest's later GHCB request from its registered page is
    served.
    """
    run, t = ch15(emu, boot)
    ghcb = guest_symbol("ghcb_msr", "ghcb_page")
    e = [r for r in msr_requests(t) if r["request"] == "reg_gpa"]
    ok = [r for r in e if not r["error"]]
    refused = [r for r in e if r["error"]]
    assert [(r["req"], r["resp"]) for r in ok] == \
        [((ghcb >> 12) << 12 | 0x012, (ghcb >> 12) << 12 | 0x013)]
    assert refused and all(r["resp"] == 0xFFFFFFFFFFFFF013
                           for r in refused)
    assert all((r["req"] >> 12) * 4096 >= 8 << 20 for r in refused)
    later = events_of(t, "ghcb_msr", "vmgexit")
    assert later and later[-1]["gpa"] == ghcb
    assert later[-1]["resp"] == 0 and not later[-1]["error"]


def test_msr_protocol_unknown_request_is_refused_clearly(emu, boot):
    """An unknown GHCBInfo, and a CPUID request with reserved bits set:
    the specification defines no response, so the MSR keeps what the
    guest wrote (a request code is never a response code) and the trace
    says why."""
    run, t = ch15(emu, boot)
    bad = [r for r in msr_requests(t) if r["error"] and
           r["request"] in ("unknown", "cpuid")]
    assert {r["request"] for r in bad} == {"unknown", "cpuid"}
    for r in bad:
        assert r["resp"] == r["req"]
    assert any(r["req"] & 0xFFF == 0x0FF and r["error"] == "unknown request"
               for r in bad)
    assert t.guest_end("ghcb_msr")["result"] == "pass", run.tail()


def test_msr_protocol_termination_stops_the_guest(emu, boot):
    """Termination request (100h): reason set in 15:12, code in 23:16.
    The hypervisor stops the guest and says why; the next guest runs."""
    run, t = ch15(emu, boot)
    e = events_of(t, "ghcb_term", "ghcb_msr")
    assert [r["req"] for r in e] == [(0x53 << 16) | (1 << 12) | 0x100]
    end = t.guest_end("ghcb_term")
    assert end["result"] == "stopped" and end["expected"] == "stopped"
    assert "reason set 1, code 0x53" in end["reason"]
    assert not [g for g in events_of(t, "ghcb_term", "guest_check")
                if not g["ok"]]


# ---- GHCB requests ------------------------------------------------------

def requests(t, guest):
    return events_of(t, guest, "vmgexit")


def test_every_vmgexit_request_kind_is_served(emu, boot):
    """CPUID, IOIO, MSR read and write, MMIO read and write through the
    shared buffer, and VMMCALL, each through the registered GHCB.

    Each answer is SW_EXITINFO1 = 0 and SW_EXITINFO2 = 0, and the valid
    bitmap afterwards names exactly the fields the hypervisor wrote: the
    four CPUID registers; RAX for an IN; RAX and RDX for an MSR read; RAX
    for VMMCALL; nothing else for OUT, MSR write and MMIO (its data is in
    the shared buffer).
    """
    run, t = ch15(emu, boot)
    info = ("sw_exit_info1", "sw_exit_info2")
    answers = {
        "cpuid": valid_mask("rax", "rbx", "rcx", "rdx", *info),
        "vmmcall": valid_mask("rax", *info),
        "mmio_read": valid_mask(*info),
        "mmio_write": valid_mask(*info),
    }
    seen = set()
    for e in requests(t, "ghcb_vmgexit"):
        if e["error"] or e["resp"]:
            continue
        seen.add(e["name"])
        assert e["detail"] == 0
        if e["name"] == "ioio":
            want = valid_mask("rax", *info) if e["info1"] & 1 else \
                valid_mask(*info)
        elif e["name"] == "msr":
            want = valid_mask(*info) if e["info1"] == 1 else \
                valid_mask("rax", "rdx", *info)
        else:
            want = answers[e["name"]]
        assert valid_of(e) == want, e
    assert seen == {"cpuid", "ioio", "msr", "vmmcall", "mmio_read",
                    "mmio_write"}
    assert t.guest_end("ghcb_vmgexit")["result"] == "pass", run.tail()


def test_ioio_in_respects_the_operand_size(emu, boot):
    """An 8-bit IN changes only AL, a 16-bit one only AX; a 32-bit IN
    zero-extends into RAX, as a 32-bit register write does.

    The guest put RAX = 1122334455667788h in the GHCB before the 8-bit
    IN of the data port it had written 5Ah to; the hypervisor answers
    1122334455667 75Ah.  The IOIO requests' EXITINFO1 name the ports and
    sizes of the chapter-7 device.
    """
    run, t = ch15(emu, boot)
    r = t.guest_reports("ghcb_vmgexit")
    assert r["vmgexit.in8"] == 0x112233445566775A
    dev_id = 0x4C4D5653                     # "SVML", HV_DEV_ID_VALUE
    assert r["vmgexit.in32"] == dev_id
    assert r["vmgexit.in16"] & 0xFFFF == dev_id & 0xFFFF
    ins = [e for e in requests(t, "ghcb_vmgexit") if e["name"] == "ioio"]
    sizes = {(e["info1"] >> 16, (e["info1"] >> 4) & 7, e["info1"] & 1)
             for e in ins}
    assert (abi("HV_DEV_DATA"), 1, 0) in sizes      # OUT, 8-bit
    assert (abi("HV_DEV_DATA"), 1, 1) in sizes      # IN, 8-bit
    assert (abi("HV_DEV_ID"), 4, 1) in sizes        # IN, 32-bit


def test_msr_request_refused_gets_an_exception(emu, boot):
    """An MSR the hypervisor refuses (VM_HSAVE_PA, C001_0117h) is not a
    malformed request: the answer is SW_EXITINFO1 = 1, "inject this",
    with #GP(0) in the EVENTINJ format in SW_EXITINFO2."""
    run, t = ch15(emu, boot)
    e = [e for e in requests(t, "ghcb_vmgexit")
         if e["name"] == "msr" and e["resp"]]
    assert [(x["resp"], x["detail"]) for x in e] == [(1, GP0_EVENT)]


def test_mmio_goes_through_the_scratch_area(emu, boot):
    """MMIO read and write (8000_0001h, 8000_0002h): EXITINFO1 is the
    device address, EXITINFO2 the length, SW_SCRATCH the guest-physical
    address of the data in the GHCB's shared buffer.  The device sees
    the access (an mmio event with no instruction, len 0), and the
    value written comes back."""
    run, t = ch15(emu, boot)
    base = abi("HV_MMIO_BASE")
    acc = [e for e in events_of(t, "ghcb_vmgexit", "mmio")]
    assert acc and all(e["len"] == 0 for e in acc)
    data = [e for e in acc if e["gpa"] == base + abi("HV_MMIO_DATA")]
    assert [(e["write"], e["value"]) for e in data] == \
        [(True, 0x0123456789ABCDEF), (False, 0x0123456789ABCDEF)]
    assert any(e["gpa"] == base and e["value"] == abi("HV_MMIO_ID_VALUE")
               for e in acc)


def test_vmmcall_through_the_ghcb(emu, boot):
    """VMMCALL (81h) through the GHCB runs svmlab's hypercall with RAX,
    RDI and RSI from the GHCB: HC_REPORT of 600Dh, answered HC_OK in the
    GHCB's RAX."""
    run, t = ch15(emu, boot)
    assert t.guest_reports("ghcb_vmgexit")["vmgexit.via_ghcb"] == 0x600D
    e = [e for e in requests(t, "ghcb_vmgexit") if e["name"] == "vmmcall"]
    assert e and all(x["resp"] == 0 for x in e)


def test_unsupported_exit_code_is_an_invalid_event(emu, boot):
    """A request for an exit code the hypervisor does not serve (6Eh,
    RDTSC) is malformed: SW_EXITINFO1 = 2, SW_EXITINFO2 = 6."""
    run, t = ch15(emu, boot)
    e = [e for e in requests(t, "ghcb_vmgexit") if e["code"] == 0x6E]
    assert [(x["resp"], x["detail"], x["error"]) for x in e] == \
        [(2, REASON["invalid_event"], "invalid_event")]
    assert valid_of(e[0]) == valid_mask("sw_exit_info1", "sw_exit_info2")


def test_bad_requests_get_the_spec_error_and_the_next_one_works(emu, boot):
    """Every malformed request gets SW_EXITINFO1 = 2 and its reason in
    SW_EXITINFO2, with only those two fields marked valid, and a trace
    line; none stops the guest:

    - a CPUID request without RCX marked valid: missing input (4);
    - a request from a page that was never registered: not registered
      (1), answered in that page;
    - MMIO whose scratch area leaves the shared buffer: invalid scratch
      area (3), twice (crossing its end; inside the page but outside
      the buffer);
    - an MMIO length of 3, and protocol versions 3 and 0: invalid input
      (5);
    - usage 1: invalid usage (2).
    The last request, a good one, is served.
    """
    run, t = ch15(emu, boot)
    evs = requests(t, "ghcb_bad")
    errors = [e["error"] for e in evs if e["error"]]
    assert sorted(errors) == sorted(
        ["missing_input", "not_registered", "invalid_scratch_area",
         "invalid_scratch_area", "invalid_input", "invalid_input",
         "invalid_input", "invalid_usage"])
    for e in evs:
        if e["error"]:
            assert (e["resp"], e["detail"]) == (2, REASON[e["error"]])
            assert valid_of(e) == valid_mask("sw_exit_info1",
                                             "sw_exit_info2")
    assert [e for e in evs if e["error"] == "missing_input"][0]["why"] \
        == "rcx"
    ghcb = guest_symbol("ghcb_bad", "ghcb_page")
    stray = [e for e in evs if e["error"] == "not_registered"]
    assert stray[0]["gpa"] != ghcb
    assert not evs[-1]["error"] and evs[-1]["resp"] == 0
    assert t.guest_end("ghcb_bad")["result"] == "pass", run.tail()
    assert not t.of("ghcb_bug")


# ---- the #VC flow --------------------------------------------------------

def test_vc_guest_runs_in_out_cpuid_rdmsr_through_its_handler(emu, boot):
    """The model SEV-ES guest runs IN, OUT, CPUID, RDMSR, WRMSR and its
    hypercalls as ordinary instructions.  Each exits, and the hypervisor
    does not serve it: it raises #VC with the exit code (7Bh, 72h, 7Ch,
    81h) at the instruction.  The guest's handler fills the GHCB,
    VMGEXITs, copies the answer into its registers, steps over the
    instruction.  Its results are right: the device's identity, the
    "svmlabsvmlab" signature, HV_MSR_ID's value, the scratch MSR's round
    trip, an 8-bit IN that changed only AL.
    """
    run, t = ch15(emu, boot)
    g = "ghcb_vc"
    codes = {e["code"] for e in events_of(t, g, "vc")}
    assert codes == {EXIT_IOIO, EXIT_CPUID, EXIT_MSR, EXIT_VMMCALL}
    r = t.guest_reports(g)
    assert r["vc.in8"] == 0x112233445566773C
    assert r["vc.in32"] == 0x4C4D5653
    assert r["vc.cpuid.ebx"] == SIG[0]
    assert r["vc.msr_id"] == abi("HV_MSR_ID_VALUE")
    assert t.guest_end(g)["result"] == "pass", run.tail()


def test_vc_guest_registers_are_never_read(emu, boot):
    """For the model SEV-ES guest, the hypervisor reads nothing of its
    registers: every CPUID, IOIO, VMMCALL and (but the GHCB MSR's) MSR
    exit became a #VC at the same RIP, no exit was decoded from its
    registers (no "dec", no "rax" in the trace), and the accessor
    never refused a read (no ghcb_bug).  Its requests all arrive
    through VMGEXIT."""
    run, t = ch15(emu, boot)
    g = "ghcb_vc"
    evs = events_of(t, g)
    steps = ("exit", "vc", "vmgexit", "ghcb_msr")
    for i, e in enumerate(evs):
        if e["ev"] != "exit":
            continue
        assert "rax" not in e, e
        # What the hypervisor did with it (other events, an inject or a
        # guest's check, may come between).
        nxt = next((x for x in evs[i + 1:] if x["ev"] in steps), {})
        ghcb_msr = e["code"] == EXIT_MSR and "dec" in e and \
            e["dec"]["msr"] == MSR_GHCB
        vmgexit = nxt.get("ev") in ("vmgexit", "ghcb_msr")
        if e["code"] in (EXIT_CPUID, EXIT_IOIO, EXIT_MSR, EXIT_VMMCALL) \
                and not ghcb_msr and not vmgexit:
            assert nxt.get("ev") == "vc", (e, nxt)
            assert (nxt["code"], nxt["rip"]) == (e["code"], e["rip"])
            assert "dec" not in e, e
    assert len(events_of(t, g, "vmgexit")) >= len(events_of(t, g, "vc"))
    assert not t.of("ghcb_bug")


def test_chapter_passes(emu, boot):
    """Every guest of the chapter ends as it should."""
    run, t = ch15(emu, boot)
    assert t.chapter_result(CHAPTER) == "pass", run.tail()
