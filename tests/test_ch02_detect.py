"""Chapter 2: detecting and enabling SVM (APM2 §15.4 "Enabling SVM").

Before any VMRUN, a hypervisor must ask three questions: does the
processor implement SVM (CPUID Fn8000_0001_ECX bit 2), did firmware
disable it (VM_CR.SVMDIS), and which optional features does it have
(CPUID Fn8000_000A: revision in EAX, number of ASIDs in EBX, features in
EDX).  Then it sets EFER.SVME and gives VMRUN a host save area through
VM_HSAVE_PA.  The expected answers per CPU model are in cpu_models.py.
"""

import pytest

import cpu_models
from deviations import deviation, expect

CHAPTER = 2


def pytest_generate_tests(metafunc):
    if "model" in metafunc.fixturenames:
        from conftest import selected_emulators
        emus = selected_emulators(metafunc.config)
        models = [m for m in cpu_models.MODELS if m.emu in emus and m.svm]
        metafunc.parametrize("model", models, ids=[m.id for m in models])


def test_feature_report_matches_the_model(model, boot):
    """Each CPU model reports exactly the SVM identity it is defined with.

    The features are named from CPUID Fn8000_000A_EDX; QEMU TCG filters
    out what it does not implement, Bochs reports its cpudb definition.
    """
    run = boot(model.emu, cpu=model.cpu, args="chapter=2")
    t = run.trace
    rep = t.report("svm.features")
    assert rep["svm"] is True, run.tail()
    assert rep["revision"] == model.revision
    assert rep["nasid"] == model.nasid, \
        f"{model.id}: {rep['nasid']} ASIDs, the model defines {model.nasid}"
    assert set(rep["features"]) == model.features, \
        f"{model.id} ({model.note}): got {sorted(rep['features'])}"
    assert ("NRIPS" in rep["features"]) == model.nrips
    assert t.chapter_result(2) == "pass", run.tail()


def test_svm_is_enabled_and_the_host_save_area_set(emu, boot):
    """EFER.SVME reads back as 1 and VM_HSAVE_PA as a 4 KiB-aligned page.

    APM2 §15.4: software sets EFER.SVME before any SVM instruction;
    §15.30.4: VM_HSAVE_PA holds the physical address of the host save
    area, whose low 12 bits must be zero.
    """
    run = boot(emu, args="chapter=2")
    checks = run.trace.checks(2)
    for name in ("svm.usable", "svm.efer_svme", "svm.hsave_pa"):
        assert checks[name]["ok"], f"{name}: {checks[name]['detail']}"
    assert run.trace.status == "pass", run.tail()


def test_msr_faults_are_recovered_or_pinned(emu, boot):
    """RDMSR/WRMSR faults: #GP, recovered by the fix-up table.

    The kernel reads VM_CR through rdmsr_safe: a #GP there becomes an
    error return (the .extable fix-up in src/arch/trap.c), not a panic.
    Two probes show the path:
    - RDMSR of MSRs 1FFFh and 802h (x2APIC off) must raise #GP (APM3
      "RDMSR"); both emulators return 0 instead (pinned deviations);
    - WRMSR of a misaligned VM_HSAVE_PA must raise #GP (APM2 §15.30.4);
      QEMU does, the fix-up table recovers and the run goes on; Bochs
      accepts the value (pinned).
    """
    unknown_msr = {"qemu": "qemu-unknown-msr-reads-zero",
                   "bochs": "bochs-unknown-msr-reads-zero"}[emu]
    run = boot(emu, args="chapter=2")
    t = run.trace
    for probe in t.report("msr.faulting"):
        assert (not probe["faulted"]) == expect(emu, unknown_msr, False), \
            f"MSR {probe['msr']:#x}: " + deviation(unknown_msr).actual
    hsave = t.report("msr.hsave_misaligned")
    assert hsave["faulted"] == \
        expect(emu, "bochs-hsave-pa-unchecked", True), run.tail()
    assert t.checks(2)["svm.hsave_pa_kept"]["ok"]
    assert not t.of("panic")
    assert t.chapter_result(2) == "pass", run.tail()


@pytest.mark.emulators("qemu")
def test_cpu_without_svm_is_refused_cleanly(emu, boot):
    """On a CPU without SVM the kernel says so and exits with "no-svm".

    QEMU's qemu64 model with -svm clears CPUID Fn8000_0001_ECX[2]
    (plain qemu64 sets it: see cpu_models.py).  That is not a crash: chapter 1 still passes, the refusal names the
    CPUID bit, and QEMU's exit status is (0x12 << 1) | 1 = 37.
    """
    assert not cpu_models.model("qemu", "qemu64,-svm").svm
    run = boot(emu, cpu="qemu64,-svm")
    t = run.trace
    assert t.status == "no-svm", run.tail()
    assert run.returncode == 37
    refusal = t.one("refusal")
    assert refusal["reason"] == "no-svm"
    assert "CPUID 8000_0001h ECX bit 2" in refusal["message"]
    assert t.chapter_result(1) == "pass"
    assert not t.of("panic")


@pytest.mark.emulators("bochs")
def test_bochs_generic_svm_hides_the_cpuid_bit(emu, boot):
    """Deviations bochs-generic-svm-cpuid and bochs-unknown-msr-reads-zero.

    APM2 §15.4: a processor with SVM reports CPUID Fn8000_0001_ECX[2]=1.
    Bochs' generic model configured with `cpuid: svm=1` says in its own log
    that SVM is supported, but reports the CPUID bit clear; our kernel
    follows the APM and refuses.  On the same model VM_CR is unknown to
    Bochs, yet RDMSR returns 0 instead of raising #GP.
    """
    run = boot(emu, cpu="bx_generic+svm", args="chapter=2")
    rep = run.trace.report("svm.features")
    assert "SVM support: yes" in run.emulator_log, run.tail()
    assert rep["svm"] == expect(emu, "bochs-generic-svm-cpuid", True), \
        deviation("bochs-generic-svm-cpuid").actual
    assert run.trace.status == "no-svm", run.tail()
    assert "RDMSR: Unknown register 0xc0010114" in run.emulator_log
    assert rep["vm_cr_readable"] == \
        expect(emu, "bochs-unknown-msr-reads-zero", False), \
        deviation("bochs-unknown-msr-reads-zero").actual
