"""Chapter 1: the boot.

The kernel is entered by a Multiboot loader in 32-bit protected mode, goes
to long mode on its own (APM2 §14.6 "Enabling and Activating Long Mode"),
and reports what the loader told it: the protocol, the command line and the
memory map.  These tests check that report against what the harness itself
arranged: which loader it used, which command line it passed, how much RAM
it gave the machine.
"""

import pytest

import emulators

CHAPTER = 1

MB1_MAGIC = 0x2BADB002      # Multiboot spec 0.6.96 §3.2
MB2_MAGIC = 0x36D76289      # Multiboot2 spec §3.3
MIB = 1024 * 1024


@pytest.mark.emulators("qemu")
def test_qemu_kernel_path_boots_through_multiboot1(emu, boot):
    """QEMU's -kernel speaks Multiboot1 only.

    It accepts our ELF64 image because the Multiboot1 header sets the a.out
    kludge flag (bit 16), and enters with EAX=0x2BADB002.  Its command line
    starts with the kernel's file name, which the kernel skips.
    """
    run = boot(emu, via="kernel", args="chapter=1")
    t = run.trace
    proto = t.report("boot.protocol")
    assert proto["protocol"] == "multiboot1", run.tail()
    assert proto["magic"] == MB1_MAGIC
    assert proto["cmdline"].split()[-1] == "chapter=1"
    assert proto["cmdline"].split()[0].endswith("kernel.elf"), \
        "QEMU passes the kernel path as the first word"
    assert t.chapter_result(1) == "pass", run.tail()


def test_grub_iso_boots_through_multiboot2(emu, boot):
    """GRUB's multiboot2 loader enters with EAX=0x36D76289 (Multiboot2 §3.3).

    The ISO's grub.cfg passes the command line after the kernel path; GRUB
    hands the kernel only the arguments.  This is the boot a real machine
    would do, on both emulators.
    """
    run = boot(emu, via="iso", args="chapter=1")
    proto = run.trace.report("boot.protocol")
    assert proto["protocol"] == "multiboot2", run.tail()
    assert proto["magic"] == MB2_MAGIC
    assert proto["loader"].startswith("GRUB"), proto
    assert proto["cmdline"] == "chapter=1"
    assert run.trace.chapter_result(1) == "pass", run.tail()


def test_memory_map_matches_the_ram_we_gave(emu, boot):
    """The loader's memory map describes the machine's RAM.

    The harness gives the machine emulators.DEFAULT_MEM_MIB of RAM.  The
    map's available regions must add up to nearly that (firmware keeps a
    little for itself: the EBDA below 640 KiB and ACPI tables at the top),
    and must include the kernel's load address, 1 MiB.
    """
    run = boot(emu, args="chapter=1")
    mmap = run.trace.report("boot.mmap")
    avail = [r for r in mmap if r["type"] == 1]
    total = sum(r["length"] for r in avail)
    ram = emulators.DEFAULT_MEM_MIB * MIB
    assert ram - 4 * MIB <= total <= ram, \
        f"{total / MIB:.1f} MiB available, the machine has {ram // MIB} MiB"
    assert any(r["base"] <= MIB < r["base"] + r["length"] for r in avail)
    checks = run.trace.checks(1)
    assert checks["boot.kernel_in_ram"]["ok"]
    assert checks["boot.mmap"]["ok"]
