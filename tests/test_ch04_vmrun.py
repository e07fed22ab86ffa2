"""Chapter 4: the first VMRUN (APM2 §15.5 "VMRUN Instruction", §15.6
"#VMEXIT") and the VMRUN consistency checks (§15.5.1).

VMRUN takes the physical address of a VMCB in RAX, saves the host's state
to the host save area, loads the guest's from the VMCB, and runs the
guest until an intercepted event; then #VMEXIT writes EXITCODE,
EXITINFO1/2 and (with NRIPS) NRIP, and the host continues after VMRUN.
Each guest below is a file in guests/; the expected RIPs come from the
guest's own symbol table (nm), not from a trace.
"""

import pytest

import cpu_models
from deviations import deviation, expect
from emulators import DEFAULT_CPU, guest_symbol

CHAPTER = 4

EXIT_HLT, EXIT_VMMCALL, EXIT_IDTR_READ = 0x78, 0x81, 0x66
HC_DONE, HC_REPORT, HC_PASS = 0, 1, 2
LEN_HLT, LEN_VMMCALL = 1, 3     # F4; 0F 01 D9
INVALID = 2**64 - 1             # VMEXIT_INVALID is -1, 64 bits wide

#: One VMRUN per consistency check: the case name and the rule it breaks.
CASES = [
    ("invalid.efer_svme", "efer_svme"),
    ("invalid.cr0_cd_nw", "cr0_cd_nw"),
    ("invalid.cr0_high", "cr0_high"),
    ("invalid.cr3_mbz", "cr3_mbz"),
    ("invalid.cr4_mbz", "cr4_mbz"),
    ("invalid.dr6_high", "dr6_high"),
    ("invalid.dr7_high", "dr7_high"),
    ("invalid.efer_mbz", "efer_mbz"),
    ("invalid.lme_pg_no_pae", "lme_pg_no_pae"),
    ("invalid.cs_l_and_d", "cs_l_and_d"),
    ("invalid.vmrun_intercept", "vmrun_intercept"),
    ("invalid.msrpm_base", "msrpm_base"),
    ("invalid.iopm_base", "iopm_base"),
    ("invalid.event_inj_type", "event_inj"),
    ("invalid.event_inj_nmi_vector", "event_inj"),
    ("invalid.asid_zero", "asid_zero"),
    ("invalid.gpat", "gpat"),
]

#: The cases an emulator lets through, each a row of the deviation table
#: named "<emu>-vmrun-accepts-<case>".
ACCEPTED = ("qemu-vmrun-accepts-gpat", "bochs-vmrun-accepts-cr3_mbz",
            "bochs-vmrun-accepts-msrpm_base", "bochs-vmrun-accepts-iopm_base")


def pytest_generate_tests(metafunc):
    if "model" in metafunc.fixturenames:
        from conftest import selected_emulators
        emus = selected_emulators(metafunc.config)
        models = [m for m in cpu_models.MODELS if m.emu in emus and m.svm
                  and m.emu in ("qemu", "bochs")]
        metafunc.parametrize("model", models, ids=[m.id for m in models])


def _nrips(emu):
    return cpu_models.model(emu, DEFAULT_CPU[emu]).nrips


def test_hlt_guest_exits_at_each_hlt_then_says_done(model, boot):
    """HLT is intercepted (exit 78h) and RIP points at the HLT itself.

    APM2 §15.6: on #VMEXIT the saved RIP is that of the intercepted
    instruction; with NRIPS (CPUID 8000_000Ah EDX[3]) NRIP holds the
    address of the next one (§15.7.1).  The hypervisor resumes after the
    one-byte HLT with NRIP where the model has NRIPS, and with RIP + 1
    where it has not; either way the next exit is at the next HLT.
    """
    run = boot(model.emu, cpu=model.cpu, args="guest=hlt")
    t = run.trace
    exits = t.exits("hlt")
    want = [guest_symbol("hlt", s) for s in
            ("hlt_1", "hlt_2", "hlt_3", "rt_done_vmmcall")]
    assert [e["code"] for e in exits] == [EXIT_HLT] * 3 + [EXIT_VMMCALL], \
        run.tail()
    assert [e["name"] for e in exits] == ["HLT"] * 3 + ["VMMCALL"]
    assert [e["rip"] for e in exits] == want
    if model.nrips:
        assert [e["nrip"] for e in exits] == \
            [r + LEN_HLT for r in want[:3]] + [want[3] + LEN_VMMCALL]
    assert exits[-1]["rax"] == HC_DONE
    start = [e for e in t.of("guest_start") if e["guest"] == "hlt"][0]
    assert start["nrips"] == model.nrips
    assert start["entry"] == guest_symbol("hlt", "_start")
    assert t.guest_end("hlt")["result"] == "pass"
    assert t.status == "pass", run.tail()


def test_hypercalls_carry_values_both_ways(emu, boot):
    """The VMMCALL ABI: RAX selects, RDI/RSI carry, RAX returns.

    VMRUN saves and loads only RAX and RSP of the GPRs (APM2 §15.5); RAX
    is in the VMCB, RDI/RSI reach the hypervisor only because the world
    switch stored them.  The full 64-bit value proves no register was
    truncated; hc.ret is the OR of the first two return values (HC_OK).
    """
    run = boot(emu, args="chapter=4")
    t = run.trace
    assert t.guest_reports("hypercall") == {
        "hc.small": 42, "hc.big": 0xFEDCBA9876543210, "hc.ret": 0}
    exits = t.exits("hypercall")
    assert [e["code"] for e in exits] == [EXIT_VMMCALL] * 5
    assert [e["rax"] for e in exits] == \
        [HC_REPORT, HC_REPORT, HC_REPORT, HC_PASS, HC_DONE]
    # REPORT is mov %rbx,%rsi (3 bytes); lea key(%rip),%rdi (7);
    # mov $1,%eax (5); then VMMCALL.
    assert exits[0]["rip"] == guest_symbol("hypercall", "call_small") + 15
    assert exits[1]["rip"] == guest_symbol("hypercall", "call_big") + 15
    checks = [e for e in t.of("guest_check") if e["guest"] == "hypercall"]
    assert [c["ok"] for c in checks] == [True]
    assert t.guest_end("hypercall")["result"] == "pass"


def test_guest_reports_what_the_loader_promised(emu, boot):
    """A long-mode guest sees the state the loader put in the VMCB.

    CS and SS are the guest's own selectors 08h and 10h; CR0 = PE MP ET
    NE WP PG (8001_0033h), CR4 = PAE (20h), EFER = LME LMA SVME (1500h):
    the 64-bit state of APM2 §14.6 plus EFER.SVME, which VMRUN demands of
    the guest (§15.5.1).  CPUID is not intercepted in this chapter, so
    the guest reads the host's vendor string and signature, and its RIP
    is where the image was linked.
    """
    run = boot(emu, args="chapter=4")
    t = run.trace
    r = t.guest_reports("report")
    vendor = b"".join(r[k].to_bytes(4, "little") for k in
                      ("cpuid.0.ebx", "cpuid.0.edx", "cpuid.0.ecx"))
    cpu = t.one("run")["cpu"]
    assert vendor.decode() == cpu["vendor"] == "AuthenticAMD"
    assert r["cpuid.1.eax"] == cpu["signature"]
    assert r["rip"] == guest_symbol("report", "rip_probe")
    assert (r["cs"], r["ss"]) == (0x08, 0x10)
    assert r["cr0"] == 0x80010033
    assert r["cr4"] == 0x20
    assert r["efer"] == 0x1500
    assert {e["name"] for e in t.exits("report")} == {"VMMCALL"}
    assert t.guest_end("report")["result"] == "pass"


def test_unhandled_exit_stops_the_guest_and_the_run_goes_on(emu, boot):
    """An exit with no handler stops that guest, and only that guest.

    The guest asks for the IDTR-read intercept and executes SIDT: exit 66h
    (APM2 Appendix C).  The dispatch table has no handler for it, so the
    hypervisor stops the guest with the exit's name, EXITINFO and RIP,
    counts it, and the next guest still runs.
    """
    run = boot(emu, args="chapter=4")
    t = run.trace
    rip = guest_symbol("unhandled", "sidt_insn")
    exits = t.exits("unhandled")
    assert [(e["code"], e["rip"]) for e in exits] == [(EXIT_IDTR_READ, rip)]
    end = t.guest_end("unhandled")
    assert (end["result"], end["expected"]) == ("stopped", "stopped")
    assert "unhandled exit IDTR_READ (0x66)" in end["reason"]
    assert f"RIP 0x{rip:x}" in end["reason"]
    assert not [e for e in t.of("guest_check") if e["guest"] == "unhandled"]
    after = t.events[t.events.index(end) + 1:]
    assert [e for e in after if e["ev"] == "vmrun_case"], \
        "the run must go on after the stopped guest"
    assert t.summary["guests"]["stopped"] == 1
    assert t.status == "pass", run.tail()


def test_the_host_gets_its_own_tr_back_after_each_guest(emu, boot):
    """The world switch's last VMLOAD restores the host's hidden state.

    VMLOAD loads the guest's TR, FS, GS, LDTR and syscall MSRs, and
    #VMEXIT does not restore them (APM2 §15.5.2): the host must VMLOAD
    its own copy.  Without that, the host would run on with the guest's
    TR (selector 0, base 0), and its next #DF or NMI would look for IST
    stacks in a TSS that is not there.
    """
    run = boot(emu, args="chapter=4")
    check = run.trace.checks(4)["vmrun.host_tr"]
    assert check["ok"], check["detail"]


@pytest.mark.parametrize("case, rule", CASES, ids=[c for c, _ in CASES])
def test_vmrun_refuses_a_vmcb_broken_one_way(emu, boot, case, rule):
    """One consistency check of APM2 §15.5.1, broken on its own.

    The hlt guest's valid VMCB gets exactly one defect.  The software
    checker (src/svm/vmcb_check.c) must name exactly that rule, and VMRUN
    must fail with #VMEXIT(VMEXIT_INVALID) without running the guest.  An
    emulator that runs the guest anyway is a row of the deviation table,
    pinned here with the exit it produced instead.
    """
    run = boot(emu, args="chapter=4")
    t = run.trace
    c = t.case(case)
    assert c["rule"] == rule
    assert c["checker"] == [rule], f"the checker named {c['checker']}"
    assert t.checks(4)[case]["ok"]
    dev_id = f"{emu}-vmrun-accepts-{case.split('.', 1)[1]}"
    want = expect(emu, dev_id, "INVALID")
    assert (want != "INVALID") == (dev_id in ACCEPTED)
    assert c["name"] == want, \
        f"APM2 §15.5.1 requires VMEXIT_INVALID; {emu} gave {c['name']}" + \
        (f" ({deviation(dev_id).actual})" if want != "INVALID" else "")
    if c["name"] == "INVALID":
        assert c["code"] == expect(emu, "qemu-invalid-exitcode-32bit",
                                   INVALID)
        assert c["exits"] == 1
    # The debugging aid: before VMRUN the kernel printed the rule.
    found = [e for e in t.of("vmcb_check") if e["guest"] == case]
    assert found and found[0]["rules"] == [rule]


def test_vmcbcheck_off_skips_the_checker_before_vmrun(emu, boot):
    """vmcbcheck=off: VMRUN runs unchecked, VMEXIT_INVALID says so.

    The checker costs time on every VMRUN (chapter 16 measures exits
    without it).  With it off, the exit loop cannot name the rule; the
    case itself still asks the checker once, for its own check.
    """
    run = boot(emu, args="guest=invalid.asid_zero vmcbcheck=off")
    t = run.trace
    assert not t.of("vmcb_check"), run.tail()
    c = t.case("invalid.asid_zero")
    assert c["checker"] == ["asid_zero"]
    assert c["name"] == "INVALID"
    assert any("boot with vmcbcheck=on" in line for line in t.text)


def test_long_mode_without_protection_only_on_request(emu, boot):
    """EFER.LME and CR0.PG with CR0.PE clear: a state no CPU can be in.

    APM2 §15.5.1 makes VMRUN refuse it.  An emulator that accepts it may
    not survive it (Bochs ends the whole simulation), so the default run
    only names this case, and guest=invalid.lme_pg_no_pe runs it alone.
    """
    run = boot(emu, args="guest=invalid.lme_pg_no_pe")
    t = run.trace
    name = "invalid.lme_pg_no_pe"
    found = [e for e in t.of("vmcb_check") if e["guest"] == name]
    assert found and found[0]["rules"] == ["lme_pg_no_pe"], run.tail()
    assert t.checks(4)[name]["ok"]
    if expect(emu, "bochs-vmrun-accepts-lme_pg_no_pe", "INVALID") == "panic":
        assert t.status == "no-summary"
        assert "EFER.LMA is set when CR0.PE=0" in run.emulator_log, \
            deviation("bochs-vmrun-accepts-lme_pg_no_pe").actual
    else:
        assert t.case(name)["name"] == "INVALID"
        assert t.status == "pass", run.tail()
    default = boot(emu, args="chapter=4").trace
    assert not [e for e in default.of("vmrun_case") if e["case"] == name]
    assert any(f"{name}: runs only on request (guest={name}, or ondemand=on)"
               in l for l in default.text)
