"""What each CPU model must report for SVM (chapter 2).

The expected values come from the models' definitions, not from our own
output: QEMU's TCG feature filtering and Bochs' cpudb files, as recorded in
../shared/emulators.md and docs/emulators.md.  A model whose report
differs from this table fails chapter 2's feature test.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Model:
    """The SVM identity of one emulator CPU model (CPUID 8000_000Ah)."""

    emu: str
    cpu: str
    svm: bool                           # CPUID 8000_0001h ECX[2]
    revision: int = 0                   # 8000_000Ah EAX[7:0]
    nasid: int = 0                      # 8000_000Ah EBX
    features: frozenset = field(default_factory=frozenset)  # EDX, by name
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.emu}-{self.cpu}"

    @property
    def nrips(self) -> bool:
        return "NRIPS" in self.features


def _f(*names):
    return frozenset(names)


MODELS = [
    Model("qemu", "qemu64,+svm,+npt,+rdtscp,+monitor,+xsave,+xsaveopt",
          True, 1, 16, _f("NP"),
          "the default QEMU model: qemu64 with NP, and with RDTSCP, "
          "MONITOR/MWAIT and XSAVE so that chapter 5 can intercept them "
          "(+xsaveopt too: without a CPUID 0Dh.1 feature TCG refuses "
          "CR4.OSXSAVE, deviation qemu-osxsave-reserved-without-xsaveopt); "
          "TCG offers NP and no other SVM feature"),
    Model("qemu", "qemu64,+svm,+npt", True, 1, 16, _f("NP"),
          "qemu64 with NP only: no RDTSCP, MONITOR or XSAVE"),
    Model("qemu", "EPYC", True, 1, 16, _f("NP"),
          "a real EPYC has NRIPS; TCG drops nrip-save with a warning"),
    Model("qemu", "max", True, 1, 16,
          _f("NP", "VGIF", "NestedVirtVmcbAddrChk"),
          "everything TCG implements: NP, VGIF, VMCB address check"),
    Model("qemu", "qemu64", True, 1, 16, _f(),
          "plain qemu64 already sets the SVM bit (QEMU's model definition "
          "includes it), but offers no NP"),
    Model("qemu", "qemu64,-svm", False,
          note="SVM removed: CPUID 8000_0001h ECX[2] clear, the no-SVM case"),
    Model("bochs", "ryzen", True, 1, 0x8000,
          _f("NP", "LbrVirt", "SVML", "NRIPS", "FlushByAsid", "PauseFilter"),
          "Bochs' richest SVM model: EDX 0x44F, 32768 ASIDs"),
    Model("bochs", "phenom_8650_toliman", True, 1, 64,
          _f("NP", "LbrVirt", "SVML"),
          "EDX 0x7: no NRIPS, so RIP must be advanced by instruction length"),
]

BY_ID = {m.id: m for m in MODELS}


def model(emu: str, cpu: str) -> Model:
    return BY_ID[f"{emu}-{cpu}"]
