"""Chapter 14: MMIO emulation and isolation (APM2 §15.25.6 for the #NPF;
AMD64 APM vol 3 for the MOV encodings).

The device's page, guest-physical HV_MMIO_BASE, is never in a nested
page table, so every access to it is an #NPF.  Neither QEMU nor Bochs
fills the VMCB's instruction bytes (decode assists), so the hypervisor
reads the instruction through the guest's page tables, decodes the MOV,
performs the access on the device and steps over it.  An address that is
neither RAM nor the device is "no memory": reads give all ones, writes
go nowhere, as on a bus with nothing behind the address.

Isolation: a hostile guest hunts for a secret in the hypervisor's memory,
knowing its host-physical address, and two guests look for each other's
data.  The hypervisor checksums its code, read-only data and the secret
before and after.
"""

import pytest

from emulators import abi, guest_symbol

CHAPTER = 14
ARGS = f"chapter={CHAPTER}"
GUESTS = ["mmio_dev", "mmio_bad", "iso_scan", "iso_a", "iso_b"]
P, RW, US, FINAL = 1, 2, 4, 1 << 32
ONES = (1 << 64) - 1


def ch14(emu, boot):
    run = boot(emu, args=ARGS)
    t = run.trace
    assert {e["guest"] for e in t.of("guest_start")} == set(GUESTS), \
        run.tail()
    return run, t


def mmio(t, guest):
    return [e for e in t.of("mmio") if e["guest"] == guest]


ID = int.from_bytes(b"SVMLMMIO", "little")

# mmio_dev's accesses in order, from its source: (register, write, size,
# value, instruction bytes).  Lengths are counted from the encodings in
# the comments (prefixes, opcode, ModRM, displacement, immediate).
DEV_ACCESSES = [
    ("id", False, 8, ID, 3),                        # 4C 8B 23
    ("id", False, 4, ID & 0xffffffff, 2),           # 8B 0B
    ("id", False, 2, (ID >> 32) & 0xffff, 4),       # 66 8B 53 04
    ("id", False, 1, ID >> 56, 4),                  # 44 8A 43 07
    ("id", False, 1, (ID >> 8) & 0xff, 3),          # 8A 63 01
    ("data", True, 8, ONES - 1, 8),                 # 48 C7 43 10 imm32
    ("data", True, 1, 0x5a, 4),                     # C6 43 10 5A
    ("data", True, 2, 0x1234, 6),                   # 66 C7 43 12 imm16
    ("data", True, 4, 0x89abcdef, 4),               # 44 89 4B 14
    ("data", False, 8, 0x89abcdef1234ff5a, 4),      # 4C 8B 63 10
    ("data", True, 8, 0x0123456789abcdef, 4),       # 4C 89 7B 10
    ("data", False, 8, 0x0123456789abcdef, 4),      # 4C 8B 73 10
    ("status", False, 8, 12, 4),                    # 4C 8B 6B 08
    ("unassigned", False, 8, ONES, 7),              # 4C 8B AB disp32
]


def test_mmio_moves_of_every_size_are_emulated(emu, boot):
    """Each MOV to the device is one #NPF, decoded and emulated.

    The trace's mmio events follow mmio_dev's source: loads of 8, 4, 2
    and 1 bytes, a load into AH, REX registers, stores of immediates
    (C6, C7 with 66, C7 with REX.W sign-extending -2) and registers.
    Every fault is P = 0 at the final address, RW as the MOV's direction,
    at the register's address; RIP advances by the instruction's length.
    STATUS counts the twelve accesses before it; an unassigned register
    reads all ones.
    """
    run, t = ch14(emu, boot)
    got = mmio(t, "mmio_dev")
    assert [(e["target"], bool(e["write"]), e["size"], e["value"], e["len"])
            for e in got] == DEV_ACCESSES
    faults = [e for e in t.of("npf") if e["guest"] == "mmio_dev"]
    assert len(faults) == len(DEV_ACCESSES)
    for f, (_, write, _, _, _) in zip(faults, DEV_ACCESSES):
        assert f["info1"] == US | FINAL | (RW if write else 0)
        assert f["gpa"] & ~0xfff == abi("HV_MMIO_BASE")
    assert t.guest_end("mmio_dev")["result"] == "pass", run.tail()


def test_partial_loads_merge_into_the_register_as_x86_does(emu, boot):
    """A 4-byte load zero-extends; 2- and 1-byte loads keep the rest.

    The guest preloads each destination with a pattern: ECX's load
    clears RCX's upper half, DX's keeps bits 63:16, R8B's bits 63:8, and
    AH's write only bits 15:8 of RAX.
    """
    run, t = ch14(emu, boot)
    r = t.guest_reports("mmio_dev")
    assert r["load4"] == ID & 0xffffffff
    assert r["load2"] == 0x1111111111110000 | ((ID >> 32) & 0xffff)
    assert r["load1_r8b"] == 0x2222222222222200 | (ID >> 56)
    assert r["load1_ah"] == 0x3333333333330033 | (((ID >> 8) & 0xff) << 8)
    assert r["status"] == 12 and r["unassigned"] == ONES


def test_an_access_the_decoder_cannot_emulate_stops_the_guest(emu, boot):
    """ADD to the device is refused with its bytes; the run goes on.

    mmio_bad's ADD (01 43 10) reads and writes in one instruction.  The
    decoder knows only MOV, so the hypervisor stops the guest, naming
    the address, RIP and bytes, and runs the next guest.
    """
    run, t = ch14(emu, boot)
    end = t.guest_end("mmio_bad")
    assert end["result"] == "stopped" and end["expected"] == "stopped"
    assert "01 43 10" in end["reason"]
    assert hex(guest_symbol("mmio_bad", "bad_add")) in end["reason"]
    assert "MOV" in end["reason"]
    assert not mmio(t, "mmio_bad")
    assert t.guest_end("iso_scan")["result"] in ("pass", "fail")


# ---- isolation: the security promise ------------------------------------

def test_hostile_guest_never_reaches_the_hypervisor(emu, boot):
    """iso_scan cannot find or change the hypervisor's secret.

    It reads all 8 MiB of its RAM (a canary it planted at 10000h shows
    the search works), asks for the secret's host-physical address and
    maps that number through its own page tables, and probes every
    2 MiB of guest-physical space from 8 MiB to 4 GiB.  The secret never
    turns up.  Under nested paging a guest-physical number is only ever
    the guest's own: below 8 MiB it is a page of its RAM, above it there
    is nothing (each probe is one "void" access reading all ones).  The
    hypervisor's checksum of its code, read-only data and secret page is
    the same after the hostile guests as before, and the secret intact.
    """
    run, t = ch14(emu, boot)
    r = t.guest_reports("iso_scan")
    ram = abi("GUEST_RAM_SIZE")
    assert r["scan_bytes"] == ram and r["scan_matches"] == 0
    assert r["scan_canary_at"] == 0x10000
    assert r["hv_page_matches"] == 0
    probes = (4 << 30) // (2 << 20) - ram // (2 << 20)
    assert r["probes"] == probes and r["probe_matches"] == 0
    assert r["probe_all_ones"] == probes
    voids = [e for e in mmio(t, "iso_scan") if e["target"] == "void"]
    expected_voids = probes if r["hv_address"] < ram else None
    if expected_voids is not None:
        assert len(voids) == expected_voids
    assert r["void_accesses"] == len(voids)
    for e in voids:
        if not e["write"]:
            assert e["value"] == (1 << (8 * e["size"])) - 1
    assert not [e for e in t.of("npf") if e["guest"] == "iso_scan"
                and e["action"] == "stop"]
    before, after = (next(e for e in t.of("hv_checksum")
                          if e["when"] == w) for w in ("before", "after"))
    assert before["value"] == after["value"]
    assert before["secret_intact"] and after["secret_intact"]
    assert t.guest_end("iso_scan")["result"] == "pass", run.tail()


def test_devices_hold_an_address_but_never_use_it(emu, boot):
    """Pointing the devices at the hypervisor only stores a number.

    iso_scan writes the secret's host-physical address into the MMIO
    device's ADDR register and the chapter 7 I/O device's data port.
    Neither device does DMA: each reads back the number, and DATA is
    untouched.
    """
    run, t = ch14(emu, boot)
    r = t.guest_reports("iso_scan")
    assert r["mmio_id"] == ID
    assert r["mmio_addr"] == r["hv_address"]
    assert r["io_data"] == r["hv_address"] & 0xffffffff
    assert r["mmio_data"] == 0


def test_two_guests_cannot_see_each_others_memory(emu, boot):
    """iso_a and iso_b, run together, each find only their own data.

    Each fills 1 MiB at 5 MiB with its pattern, yields, then searches its
    whole 8 MiB of RAM for the other's pattern: none.  Its own buffer is
    intact, and its own pattern is first found where it wrote it.
    """
    run, t = ch14(emu, boot)
    for g in ("iso_a", "iso_b"):
        r = t.guest_reports(g)
        assert r["other_matches"] == 0, g
        assert r["own_intact"] == 1 and r["own_first"] == 0x500000, g
        assert r["searched_bytes"] == abi("GUEST_RAM_SIZE"), g
        assert t.guest_end(g)["result"] == "pass", run.tail()
    turns = [e["guest"] for e in t.of("sched") if e["guest"] in
             ("iso_a", "iso_b")]
    assert turns[:4] == ["iso_a", "iso_b", "iso_a", "iso_b"]
    assert t.chapter_result(CHAPTER) == "pass"
