"""A host exception dumps the registers and fails the run.

The fault= option makes the kernel raise an exception on purpose.  The IDT
handler (src/arch/trap.c) must print the vector, the error code, RIP, CR2
and every register, then end the run with the summary status "panic"
(QEMU exit status 41) instead of hanging or rebooting.  The expected
vectors and error codes are those of APM2 §8.2 "Vectors".
"""

import pytest

CHAPTER = 1

UNMAPPED = 0x0000100000000000   # src/kernel/selftest.c: above the 4 GiB map

# kind: (vector, error code or None if the CPU pushes none)
FAULTS = {
    "de": (0, None),            # #DE, divide error: no error code
    "bp": (3, None),            # #BP, INT3: a trap, no error code
    "ud": (6, None),            # #UD, UD2
    "gp": (13, 0),              # #GP, non-canonical address: error code 0
    "pf": (14, 0),              # #PF, read of a not-present page: P=W=U=0
}


@pytest.mark.emulators("qemu")
@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_host_exception_dumps_and_fails(emu, boot, kind):
    """Every deliberate host exception gives a dump and status panic."""
    run = boot(emu, args=f"fault={kind}")
    t = run.trace
    vector, error = FAULTS[kind]
    p = t.one("panic")
    assert p["vector"] == vector, run.tail()
    if error is not None:
        assert p["error_code"] == error
    assert set(p["regs"]) >= {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                              "rbp", "rsp", "r8", "r15", "rflags", "cr3"}
    assert t.status == "panic"
    assert run.returncode == (0x14 << 1) | 1
    assert any("host exception" in l for l in t.text)


def test_page_fault_reports_cr2(emu, boot):
    """#PF puts the faulting linear address in CR2 (APM2 §8.4.2)."""
    run = boot(emu, args="fault=pf")
    p = run.trace.one("panic")
    assert p["name"] == "#PF"
    assert p["cr2"] == UNMAPPED, run.tail()
    assert run.trace.status == "panic"
