"""The deviation table: where QEMU or Bochs differs from the APM.

One entry per difference: which emulator, what the APM requires, what the
emulator does, and the test that pins it.  Tests look expectations up
here (``expect``) instead of scattering ifs; docs/emulators.md is written
from this table by tools/gen_emulators_md.py, and a test keeps the two in
step.  An assertion is never loosened to hide a deviation: the test asserts
the emulator's actual behaviour as recorded here, so if an emulator is fixed
the pinning test fails and the entry must be revisited.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Deviation:
    id: str             # stable identifier, used by tests
    emu: str            # "qemu" or "bochs"
    topic: str          # short name of the behaviour
    apm: str            # what the APM requires, with its section
    actual: str         # what the emulator does
    pinned_by: str      # the test that checks the emulator's behaviour
    value: object = None  # the emulator's observable value, for tests


DEVIATIONS = [
    Deviation(
        id="bochs-generic-svm-cpuid",
        emu="bochs",
        topic="CPUID SVM bit of the generic model",
        apm="APM2 §15.4: a processor that implements SVM reports "
            "CPUID Fn8000_0001_ECX[SVM]=1",
        actual="`cpu: model=bx_generic` with `cpuid: svm=1` enables SVM "
               "(its log says \"SVM support: yes\") but leaves CPUID "
               "8000_0001h ECX[2] clear, so software following the APM "
               "refuses it",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_bochs_generic_svm_hides_the_cpuid_bit",
        value=False,
    ),
    Deviation(
        id="bochs-unknown-msr-reads-zero",
        emu="bochs",
        topic="RDMSR of an unimplemented MSR",
        apm="APM3 RDMSR: reading an unimplemented MSR raises #GP(0)",
        actual="with the default `ignore_bad_msrs`, RDMSR of an unknown "
               "MSR returns 0 and only logs \"RDMSR: Unknown register\" "
               "(MSRs 1FFFh and 802h on every model, VM_CR on bx_generic)",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_msr_faults_are_recovered_or_pinned",
        value=True,
    ),
    Deviation(
        id="qemu-unknown-msr-reads-zero",
        emu="qemu",
        topic="RDMSR of an unimplemented MSR",
        apm="APM3 RDMSR: reading an unimplemented MSR raises #GP(0)",
        actual="TCG returns 0 for MSRs it does not know (1FFFh), and for "
               "x2APIC MSR 802h while x2APIC is off",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_msr_faults_are_recovered_or_pinned",
        value=True,
    ),
    Deviation(
        id="bochs-hsave-pa-unchecked",
        emu="bochs",
        topic="WRMSR VM_HSAVE_PA with a misaligned address",
        apm="APM2 §15.30.4: VM_HSAVE_PA must be 4 KiB aligned; writing "
            "other bits raises #GP",
        actual="Bochs stores the misaligned value without #GP (QEMU "
               "raises #GP as required)",
        pinned_by="tests/test_ch02_detect.py::"
                  "test_msr_faults_are_recovered_or_pinned",
        value=False,
    ),
    Deviation(
        id="qemu-tr-attrib-not-busy",
        emu="qemu",
        topic="TR attribute stored by VMSAVE after LTR",
        apm="APM2 §12.2.5 and §15.5.2: LTR marks the TSS busy (type Bh), "
            "and VMSAVE stores TR's hidden attributes, so a busy 64-bit "
            "TSS reads back as 08Bh",
        actual="VMSAVE stores 089h: TCG's hidden TR keeps the available "
               "type (9h) it read before LTR set the busy bit in the GDT",
        pinned_by="tests/test_ch03_vmcb.py::"
                  "test_vmsave_stores_tr_in_the_packed_attribute_form",
        value=0x089,
    ),
    Deviation(
        id="qemu-invalid-exitcode-32bit",
        emu="qemu",
        topic="EXITCODE of VMEXIT_INVALID",
        apm="APM2 Appendix C: VMEXIT_INVALID is -1, and EXITCODE (VMCB "
            "070h) is a 64-bit field: FFFF_FFFF_FFFF_FFFFh",
        actual="TCG writes 0000_0000_FFFF_FFFFh: only the low 32 bits "
               "are -1",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value=0xFFFFFFFF,
    ),
    Deviation(
        id="qemu-vmrun-accepts-gpat",
        emu="qemu",
        topic="VMRUN with nested paging and a reserved G_PAT type",
        apm="APM2 §15.25.4: with NP_ENABLE set, VMRUN checks G_PAT like "
            "WRMSR PAT and fails with VMEXIT_INVALID on a reserved type",
        actual="TCG does not check G_PAT; the guest runs (here into #NPF, "
               "exit 400h, as its nested page table is empty)",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="NPF",
    ),
    Deviation(
        id="bochs-vmrun-accepts-cr3_mbz",
        emu="bochs",
        topic="VMRUN with a must-be-zero bit of CR3 set",
        apm="APM2 §15.5.1: any MBZ bit of CR3 set gives VMEXIT_INVALID "
            "(here bit 52, reserved in long mode)",
        actual="Bochs does not check the guest's CR3; the guest runs "
               "(its first exit is its first HLT)",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="HLT",
    ),
    Deviation(
        id="bochs-vmrun-accepts-msrpm_base",
        emu="bochs",
        topic="VMRUN with an MSR permission map that ends past MAXPHYADDR",
        apm="APM2 §15.5.1: the MSR permission map (8 KiB) must not extend "
            "to or beyond the maximum physical address",
        actual="Bochs checks only that the base is below 2^MAXPHYADDR, "
               "not where the map ends; the guest runs",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="HLT",
    ),
    Deviation(
        id="bochs-vmrun-accepts-iopm_base",
        emu="bochs",
        topic="VMRUN with an I/O permission map that ends past MAXPHYADDR",
        apm="APM2 §15.5.1: the I/O permission map (12 KiB) must not "
            "extend to or beyond the maximum physical address",
        actual="Bochs checks only that the base is below 2^MAXPHYADDR, "
               "not where the map ends; the guest runs",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_vmrun_refuses_a_vmcb_broken_one_way",
        value="HLT",
    ),
    Deviation(
        id="bochs-vmrun-accepts-lme_pg_no_pe",
        emu="bochs",
        topic="VMRUN with EFER.LME and CR0.PG set, CR0.PE clear",
        apm="APM2 §15.5.1: EFER.LME and CR0.PG set with CR0.PE clear "
            "gives VMEXIT_INVALID",
        actual="Bochs loads the state and then stops the whole simulation "
               "with \"PANIC: change_cpu_mode: EFER.LMA is set when "
               "CR0.PE=0\"; the run has no summary.  svmlab runs this case "
               "only when guest=invalid.lme_pg_no_pe asks for it",
        pinned_by="tests/test_ch04_vmrun.py::"
                  "test_long_mode_without_protection_only_on_request",
        value="panic",
    ),
]

BY_ID = {d.id: d for d in DEVIATIONS}


def deviation(dev_id: str) -> Deviation:
    """The entry ``dev_id``; a KeyError names the missing entry."""
    return BY_ID[dev_id]


def expect(emu: str, dev_id: str, apm_value):
    """The value a test should expect on ``emu``.

    The APM's value, unless the table has entry ``dev_id`` for ``emu``;
    then the emulator's recorded value.
    """
    d = BY_ID.get(dev_id)
    return d.value if d and d.emu == emu else apm_value
