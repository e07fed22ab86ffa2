"""Chapter 13: nested paging (APM2 §15.25 "Nested Paging").

With NP_ENABLE (VMCB 090h bit 0) every guest-physical address goes
through a second page table, the nested page table at N_CR3 (VMCB 0B0h),
which belongs to the hypervisor.  The guest keeps CR0, CR3 and its own
page tables; the hypervisor decides which host page stands behind each of
its guest-physical pages.  Each guest here has its own table and its own
RAM, guest-physical [0, 8 MiB): only its image, stack and page tables are
backed when it is loaded, the rest on first touch.

A translation the nested table refuses ends the guest's run with #NPF,
exit 400h (§15.25.6).  EXITINFO2 is the guest-physical address;
EXITINFO1 is a page-fault-like error code:

    bit 0  P    the entry was present (a protection or reserved-bit fault)
    bit 1  RW   a write
    bit 2  US   a user access; every nested access counts as one
    bit 3  RSV  a reserved bit was set
    bit 4  ID   an instruction fetch
    bit 32      the fault was on the final guest-physical address
    bit 33      the fault was on one of the guest's own page-table entries

The values these tests expect are written from that list, not read back
from a run.  Where an emulator differs, tests/deviations.py says so.
"""

import pytest

import cpu_models
from deviations import expect
from emulators import abi, DEFAULT_CPU, guest_symbol

CHAPTER = 13
ARGS = f"chapter={CHAPTER}"
GUESTS = ["real_npt", "pm32_flat", "pm32_paged", "npt_long", "npt_demand",
          "npt_dirty", "npt_nx", "npt_rsv", "npt_walk"]

EXIT_NPF, EXIT_VMMCALL = 0x400, 0x81
P, RW, US, RSV, ID = 1, 2, 4, 8, 16
FINAL, WALK = 1 << 32, 1 << 33
TLB_NOTHING, TLB_ALL, TLB_ASID = 0, 1, 3
CR0_PE, CR0_PG = 1, 1 << 31
PAGE = 0x1000


def flush_by_asid(emu: str) -> bool:
    m = next(m for m in cpu_models.MODELS
             if m.emu == emu and m.cpu == DEFAULT_CPU[emu])
    return "FlushByAsid" in m.features


def ch13(emu, boot):
    run = boot(emu, args=ARGS)
    t = run.trace
    assert {e["guest"] for e in t.of("guest_start")} == set(GUESTS), \
        run.tail()
    return run, t


def npfs(t, guest, action=None):
    return [e for e in t.of("npf") if e["guest"] == guest and
            (action is None or e["action"] == action)]


def tlb_after(t, guest, pred):
    """TLB_CONTROL of the VMRUN after each exit of @guest matching pred."""
    ex = t.exits(guest)
    return [ex[i + 1]["tlb"] for i, e in enumerate(ex[:-1]) if pred(e)]


def window_tables() -> int:
    return abi("GUEST_WINDOW_BASE") + abi("GUEST_WINDOW_SIZE") - \
        abi("GUEST_PT_BYTES")


# ---- each mode under nested paging ---------------------------------------

MODES = {
    # guest: (GH_MODE, CR0.PE, CR0.PG, the pages it touches first)
    "real_npt": ("GUEST_MODE_REAL", 0, 0, {0x20000, 0x30000, 0x90000, 0}),
    "pm32_flat": ("GUEST_MODE_PROT32", 1, 0,
                  {0x100000, 0x200000, 0x300000, 0x600000}),
    "pm32_paged": ("GUEST_MODE_PAGED32", 1, 1, {0x500000, 0x6ff000}),
    "npt_long": ("GUEST_MODE_LONG", 1, 1, {0x6f0000}),
}


@pytest.mark.parametrize("guest", list(MODES))
def test_each_mode_runs_in_its_own_physical_space(emu, boot, guest):
    """Real mode, 32-bit with and without paging, and long mode all run
    under nested paging, each with memory only where it touched it.

    The loader starts each guest in the mode its header declares (the
    guest_mode event): CR0.PE and CR0.PG as the mode needs, a nested
    table of its own (N_CR3 differs from every other guest's).  The pages
    each guest touches outside its image (listed here from its source)
    are exactly the pages the hypervisor maps on first touch, each with
    an #NPF of P = 0 at the final address, and the guest counts as many
    (HC_NPF_INFO).  A fresh page reads as zeros, which the guest checks.
    """
    run, t = ch13(emu, boot)
    mode_name, pe, pg, touched = MODES[guest]
    m = next(e for e in t.of("guest_mode") if e["guest"] == guest)
    assert m["mode"] == abi(mode_name) and m["nested"]
    assert (m["cr0"] & CR0_PE, bool(m["cr0"] & CR0_PG)) == (pe, bool(pg))
    ncr3 = {e["guest"]: e["ncr3"] for e in t.of("guest_mode")}
    assert len(set(ncr3.values())) == len(GUESTS), ncr3
    got = npfs(t, guest)
    assert {e["gpa"] & ~(PAGE - 1) for e in got} == touched
    for e in got:
        assert e["action"] == "demand"
        assert e["info1"] & (P | RSV | ID | WALK) == 0 and \
            e["info1"] & (US | FINAL) == (US | FINAL), hex(e["info1"])
    r = t.guest_reports(guest)
    assert r["demand_pages"] == len(touched)
    assert t.guest_end(guest)["result"] == "pass", run.tail()


def test_real_mode_has_no_paging_and_its_address_zero_is_a_host_page(
        emu, boot):
    """A real-mode guest's physical address 0 is not the host's.

    The real-mode guest reads its vector table at address 0.  With
    CR0.PG = 0 that is guest-physical 0, which the nested table maps to a
    page the hypervisor allocated at the first touch: the npf event names
    the host page, which is neither 0 nor inside the hypervisor's image
    (linked at 1 MiB), and the guest finds it zeroed.
    """
    run, t = ch13(emu, boot)
    r = t.guest_reports("real_npt")
    assert r["cr0"] & (CR0_PE | CR0_PG) == 0
    zero = next(e for e in npfs(t, "real_npt") if e["gpa"] == 0)
    assert zero["hpa"] not in (0, None) and zero["hpa"] % PAGE == 0
    assert r["ivt_or"] == 0


def test_32bit_paging_tables_hold_guest_physical_addresses(emu, boot):
    """The loader's 32-bit tables for pm32_paged hold guest-physical
    addresses: CR3 is the directory at the top of the window, and the
    directory entry for 4 MiB points at the page table right after it
    (present, writable, and accessed by the walks so far).  CR4.PAE = 0.
    """
    run, t = ch13(emu, boot)
    r = t.guest_reports("pm32_paged")
    assert r["cr3"] == window_tables()
    assert r["cr4"] == 0
    assert r["pde1"] & ~0xfff == window_tables() + PAGE
    assert r["pde1"] & 0x3 == 0x3


def test_long_mode_guest_loads_its_own_cr3(emu, boot):
    """Under nested paging CR3 is the guest's own: npt_long builds a
    PML4 in its .bss, loads it without an exit, and an alias it maps at
    1 GiB reaches the same memory (checked by the guest).
    """
    run, t = ch13(emu, boot)
    r = t.guest_reports("npt_long")
    assert r["cr3"] == guest_symbol("npt_long", "pml4")
    assert r["touched"] == 7
    assert not [e for e in t.exits("npt_long") if e["code"] == 0x13]
    assert t.guest_end("npt_long")["result"] == "pass", run.tail()


# ---- demand paging -------------------------------------------------------

def test_demand_paging_maps_each_page_on_first_touch(emu, boot):
    """Sixteen untouched pages, 12 KiB apart: sixteen #NPFs, one each.

    npt_demand reads the even pages first and writes the odd ones, so
    the faults alternate RW = 0 and RW = 1, all with P = 0 at the final
    address.  Mapping a page that was not present needs no TLB flush (a
    TLB never holds a translation that faulted): every VMRUN after a
    demand fault has TLB_CONTROL 0.
    """
    run, t = ch13(emu, boot)
    first, stride = 0x500000, 0x3000
    got = npfs(t, "npt_demand")
    assert [e["gpa"] for e in got] == [first + i * stride
                                       for i in range(16)]
    for i, e in enumerate(got):
        want = US | FINAL | (RW if i % 2 else 0)
        assert e["info1"] == want, (i, hex(e["info1"]))
        assert e["action"] == "demand"
    r = t.guest_reports("npt_demand")
    assert r["demand_pages"] == 16 and r["npf_exits"] == 16
    assert set(tlb_after(t, "npt_demand",
                         lambda e: e["code"] == EXIT_NPF)) == {TLB_NOTHING}
    assert t.guest_end("npt_demand")["result"] == "pass", run.tail()


# ---- dirty tracking ------------------------------------------------------

def test_dirty_tracking_logs_exactly_the_written_pages(emu, boot):
    """After the checkpoint, the log holds the pages written, no others.

    npt_dirty writes pages 3, 5, 17, 40 and 63 of its 64-page area at
    6 MiB and only reads pages 0-2.  The checkpoint write-protects its
    RAM, which takes a permission away: the next VMRUN flushes the
    guest's TLB entries (TLB_CONTROL 3 with FlushByAsid, else 1).  Each
    first write then faults with P = 1, RW = 1 and is let through, which
    adds a permission and needs no flush.  The guest's own page tables
    are written too, by the processor setting accessed and dirty bits
    during its walks: those faults have bit 33 set.
    """
    run, t = ch13(emu, boot)
    area = 0x600000
    lst = next(e for e in t.of("dirty_list") if e["guest"] == "npt_dirty")
    in_area = {(p - area) // PAGE for p in lst["pages"]
               if area <= p < area + 64 * PAGE}
    assert in_area == {3, 5, 17, 40, 63}
    for e in npfs(t, "npt_dirty", "dirty"):
        assert e["info1"] & (P | RW | US) == P | RW | US
        assert bool(e["info1"] & WALK) != bool(e["info1"] & FINAL)
        if e["info1"] & WALK:
            assert e["gpa"] >= window_tables()
    flush = TLB_ASID if flush_by_asid(emu) else TLB_ALL
    calls = [e for e in t.exits("npt_dirty") if e["code"] == EXIT_VMMCALL]
    assert tlb_after(t, "npt_dirty", lambda e: e["code"] == EXIT_VMMCALL
                     and e["rax"] == abi("HC_DIRTY_START")) == [flush]
    assert calls
    assert set(tlb_after(t, "npt_dirty", lambda e: e["code"] == EXIT_NPF)) \
        == {TLB_NOTHING}
    assert t.guest_end("npt_dirty")["result"] == "pass", run.tail()


# ---- NX, reserved bits, the guest's walk --------------------------------

def watched(t, guest):
    got = npfs(t, guest, "watched")
    assert len(got) == 1, got
    return got[0]


def test_nx_in_the_nested_table_faults_on_fetch(emu, boot):
    """An execute fetch from a page without X: #NPF with ID = 1, P = 1.

    npt_nx asks for its function's page without execute permission and
    calls it.  The fault is at the function's first byte, a user-level
    fetch of a present page at the final address: P | US | ID | bit 32.
    The hypervisor restores the page and the call returns 1234h.
    """
    run, t = ch13(emu, boot)
    e = watched(t, "npt_nx")
    assert e["info1"] == P | US | ID | FINAL, hex(e["info1"])
    assert e["gpa"] == guest_symbol("npt_nx", "nx_target")
    r = t.guest_reports("npt_nx")
    assert r["returned"] == 0x1234 and r["info1"] == e["info1"]
    assert t.guest_end("npt_nx")["result"] == "pass", run.tail()


def test_reserved_bit_fault_has_rsv_and_p(emu, boot):
    """A reserved bit in a nested entry: #NPF with RSV = 1 and P = 1.

    npt_rsv has bit 51 set in the nested entry of one of its data pages
    and reads the page.  An entry with a reserved bit is present, so the
    APM's error code is P | US | RSV | bit 32.  QEMU reports P = 0
    (deviation qemu-npf-rsv-without-p, also seen by kvm-unit-tests).
    """
    run, t = ch13(emu, boot)
    apm = P | US | RSV | FINAL
    e = watched(t, "npt_rsv")
    assert e["info1"] == expect(emu, "qemu-npf-rsv-without-p", apm), \
        hex(e["info1"])
    assert e["gpa"] == guest_symbol("npt_rsv", "page")
    assert t.guest_reports("npt_rsv")["value"] == 0x42
    assert t.guest_end("npt_rsv")["result"] == "pass", run.tail()


@pytest.mark.emulators("qemu")
def test_qemu_rsv_fault_clears_p(emu, boot):
    """Pins qemu-npf-rsv-without-p: QEMU TCG's RSV fault has P = 0."""
    run, t = ch13(emu, boot)
    e = watched(t, "npt_rsv")
    assert e["info1"] & (P | RSV) == RSV


def test_fault_in_the_guests_own_walk_sets_bit_33(emu, boot):
    """Unmapping the guest's page directory faults its next walk.

    npt_walk asks the hypervisor to unmap the nested entry of its own
    page directory.  That takes a mapping away, so the next VMRUN
    flushes; the fetch after VMMCALL walks the guest's tables and the
    directory read faults: bit 33 set, bit 32 clear, P = 0, and the
    address is the entry's, inside the directory.  A nested access for a
    guest page-table entry is a user write (the walk may set A/D bits),
    so RW and US are set.  Remapping it needs no flush.
    """
    run, t = ch13(emu, boot)
    e = watched(t, "npt_walk")
    pd = window_tables() + 2 * PAGE
    assert e["info1"] == WALK | US | RW, hex(e["info1"])
    assert e["gpa"] & ~(PAGE - 1) == pd
    assert t.guest_reports("npt_walk")["pd"] == pd
    flush = TLB_ASID if flush_by_asid(emu) else TLB_ALL
    assert tlb_after(t, "npt_walk", lambda e: e["code"] == EXIT_VMMCALL
                     and e["rax"] == abi("HC_NPT_SET")) == [flush]
    assert tlb_after(t, "npt_walk", lambda e: e["code"] == EXIT_NPF) == \
        [TLB_NOTHING]
    assert t.guest_end("npt_walk")["result"] == "pass", run.tail()


def test_every_chapter_13_guest_passes(emu, boot):
    """All nine guests pass, and the chapter with them."""
    run, t = ch13(emu, boot)
    for g in GUESTS:
        assert t.guest_end(g)["result"] == "pass", (g, run.tail())
    assert t.chapter_result(CHAPTER) == "pass"
