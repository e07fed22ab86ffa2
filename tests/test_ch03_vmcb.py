"""Chapter 3: the VMCB (APM2 Appendix B "Layout of VMCB").

src/svm/vmcb.h declares every field and asserts every offset at compile
time.  This chapter asks the processor: VMSAVE (APM2 §15.5.2 "VMSAVE and
VMLOAD Instructions") stores the host's FS, GS, TR, LDTR, KernelGsBase,
STAR/LSTAR/CSTAR/SFMASK and SYSENTER MSRs into a VMCB, and VMLOAD loads
them.  If a field were at the wrong offset, the value would land
elsewhere.  The offsets expected here are the APM's (Table B-2).
"""

from deviations import deviation, expect

CHAPTER = 3

#: APM2 Table B-2: offsets of the fields VMSAVE and VMLOAD transfer.
VMSAVE_OFFSETS = {
    "fs.base": 0x448, "gs.base": 0x458, "star": 0x600, "lstar": 0x608,
    "cstar": 0x610, "sfmask": 0x618, "kernel_gs_base": 0x620,
    "sysenter_cs": 0x628, "sysenter_esp": 0x630, "sysenter_eip": 0x638,
}


def test_vmsave_stores_each_msr_at_its_apm_offset(emu, boot):
    """VMSAVE writes each MSR's value into the field the APM names.

    The kernel writes a distinctive value to every MSR, executes VMSAVE
    into a zeroed page, and reads each field through struct vmcb.  The
    field offsets are compared with Table B-2 here, the values with
    what was written.
    """
    run = boot(emu, args="chapter=3")
    t = run.trace
    fields = t.report("vmcb.vmsave")
    assert {k: v["offset"] for k, v in fields.items()} == VMSAVE_OFFSETS
    for name, f in fields.items():
        assert f["vmcb"] == f["wrote"], \
            f"{name} at {f['offset']:#x}: VMSAVE stored {f['vmcb']:#x}"
    assert t.checks(3)["vmcb.vmsave"]["ok"]
    assert t.chapter_result(3) == "pass", run.tail()


def test_vmsave_stores_tr_in_the_packed_attribute_form(emu, boot):
    """TR comes out as selector, packed attribute, limit and base.

    The host loaded TR with its 64-bit TSS (selector 18h, 104 bytes);
    LTR marked the descriptor busy (type Bh, APM2 §12.2.5).  The VMCB
    attribute is the packed 12-bit form: descriptor bits 47:40 in 7:0
    and 55:52 in 11:8, so a present, DPL-0, busy 64-bit TSS with G=0 is
    08Bh.  seg.c must compute exactly that from the host's descriptor,
    and VMSAVE must store it (QEMU keeps the type it found before LTR
    set the busy bit: a pinned deviation).
    """
    run = boot(emu, args="chapter=3")
    tr = run.trace.report("vmcb.tr")
    mine, cpu = tr["seg_c"], tr["vmsave"]
    assert (mine["selector"], mine["attrib"], mine["limit"]) == \
        (0x18, 0x08B, 0x67)
    assert (cpu["selector"], cpu["limit"], cpu["base"]) == \
        (mine["selector"], mine["limit"], mine["base"])
    assert cpu["attrib"] == expect(emu, "qemu-tr-attrib-not-busy", 0x08B), \
        deviation("qemu-tr-attrib-not-busy").actual


def test_vmload_loads_each_field_back_into_its_msr(emu, boot):
    """VMLOAD is the inverse: changed fields show up in the MSRs."""
    run = boot(emu, args="chapter=3")
    check = run.trace.checks(3)["vmcb.vmload"]
    assert check["ok"], check["detail"]


def test_guest_gdt_descriptors_pack_to_the_known_attributes(emu, boot):
    """The guest runtime's 64-bit code and data descriptors, packed.

    00AF_9B00_0000_FFFFh (L=1, G=1, P, DPL 0, execute/read, accessed)
    packs to 0A9Bh and 00CF_9300_0000_FFFFh (D/B=1, G=1, read/write,
    accessed) to 0C93h; these are the values the loader puts in the
    guest's CS and DS attributes.
    """
    run = boot(emu, args="chapter=3")
    g = run.trace.report("seg.guest_gdt")
    assert (g["code_desc"], g["code_attrib"]) == (0x00AF9B000000FFFF, 0x0A9B)
    assert (g["data_desc"], g["data_attrib"]) == (0x00CF93000000FFFF, 0x0C93)
