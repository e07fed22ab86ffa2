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
