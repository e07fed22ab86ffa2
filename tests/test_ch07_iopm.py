"""Chapter 7: the I/O permission map (APM2 §15.10 "I/O Intercepts").

With intercept_misc1.IOIO_PROT set, IN, OUT, INS and OUTS consult a 12 KiB
map, one bit per port: an access of n bytes at port p exits (code 7Bh) if
any of the bits p to p + n - 1 is set.  Bits 10000h-10002h exist for the
accesses that reach past port FFFFh.  EXITINFO1 describes the access
(APM2 Figure 15-2: bit 0 IN, bit 2 string, bit 3 REP, bits 6:4 operand
size, bits 9:7 address size, bits 12:10 segment, bits 31:16 port) and
EXITINFO2 is the RIP of the next instruction, where the hypervisor resumes
the guest after emulating the access.  svmlab intercepts every port except
80h and the ports a guest's list passes through, and emulates a small
device (HV_DEV_*), COM1, and "nothing" (IN all ones, OUT dropped) for the
rest.  Expected RIPs come from the guests' symbols: each port instruction
sits between the labels NAME and NAME_end.
"""

import cpu_models
from deviations import deviation, expect
from emulators import abi, DEFAULT_CPU, guest_symbol

CHAPTER = 7
ARGS = f"chapter={CHAPTER}"

EXIT_IOIO = 0x7B
#: The address size of every access below: 64-bit code, no 67h prefix.
ASIZE_64 = 64
PATTERN = 0xAAAAAAAAAAAAAAAA            # what the guests preload RAX with
COM1, COM1_LSR = 0x3F8, 0x3FD
NO_DEVICE = 0xE0                        # io_sizes' immediate-port target
TOP = 0xFFFF


def _nrips(emu):
    return cpu_models.model(emu, DEFAULT_CPU[emu]).nrips


def io_exits(t, guest):
    return [e for e in t.exits(guest) if e["code"] == EXIT_IOIO]


def raw_fields(info1):
    """EXITINFO1 decoded here, from Figure 15-2, independently of dec."""
    sizes = {1: 1, 2: 2, 4: 4}
    asizes = {1: 16, 2: 32, 4: 64, 0: 0}
    return {"port": info1 >> 16 & 0xFFFF, "in": bool(info1 & 1),
            "str": bool(info1 & 4), "rep": bool(info1 & 8),
            "size": sizes.get(info1 >> 4 & 7, -1),
            "asize": asizes.get(info1 >> 7 & 7, -1)}


def check_ioio(emu, guest, e, label, port, is_in, size, string=False,
               rep=False):
    """One IOIO exit against the APM: where, what, and where next."""
    want = {"port": port, "in": is_in, "str": string, "rep": rep,
            "size": size,
            "asize": expect(emu, "qemu-ioio-no-address-size", ASIZE_64)}
    assert e["name"] == "IOIO"
    assert e["rip"] == guest_symbol(guest, label), (label, e)
    assert raw_fields(e["info1"]) == want, (label, hex(e["info1"]))
    assert {k: e["dec"][k] for k in want} == want, (label, e["dec"])
    assert e["info1"] & 2 == 0          # bit 1 is reserved
    nxt = guest_symbol(guest, label + "_end")
    assert e["info2"] == nxt, (label, e)
    assert e["dec"]["next_rip"] == nxt
    if _nrips(emu):
        assert e["nrip"] == nxt


def ended_well(t, guest):
    checks = [c for c in t.of("guest_check") if c["guest"] == guest]
    assert all(c["ok"] for c in checks), checks
    assert t.guest_end(guest)["result"] == "pass", t.guest_end(guest)


def test_in_and_out_of_each_size_exit_with_their_decode(emu, boot):
    """IN and OUT, sizes 1, 2 and 4, DX and immediate forms.

    APM2 §15.10.2, Figure 15-2: EXITINFO1 holds the port, IN (bit 0),
    the one-hot operand size (bits 6:4) and address size (bits 9:7:
    64-bit here), STR and REP clear; EXITINFO2 the next RIP.  The
    hypervisor's device keeps what OUT wrote byte by byte and
    HV_DEV_ID reads HV_DEV_ID_VALUE; an 8- or 16-bit IN keeps the rest
    of RAX and a 32-bit IN zero-extends it (APM3 IN).  QEMU leaves the
    address-size bits clear: deviation qemu-ioio-no-address-size.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "io_sizes"
    data, dev_id = abi("HV_DEV_DATA"), abi("HV_DEV_ID")
    want = [("out_l_data", data, False, 4), ("in_b_data", data, True, 1),
            ("in_w_data", data, True, 2), ("in_l_data", data, True, 4),
            ("out_w_data2", data + 2, False, 2),
            ("out_b_data1", data + 1, False, 1),
            ("in_l_mixed", data, True, 4), ("in_l_id", dev_id, True, 4),
            ("out_b_imm", NO_DEVICE, False, 1),
            ("out_w_imm", NO_DEVICE, False, 2),
            ("out_l_imm", NO_DEVICE, False, 4),
            ("in_b_imm", NO_DEVICE, True, 1),
            ("in_w_imm", NO_DEVICE, True, 2),
            ("in_l_imm", NO_DEVICE, True, 4)]
    exits = io_exits(t, g)
    assert len(exits) == len(want), run.tail()
    for e, (label, port, is_in, size) in zip(exits, want):
        check_ioio(emu, g, e, label, port, is_in, size)
    # The three OUTs to port E0h are adjacent: each resumes at EXITINFO2,
    # which is where the next one exits.
    outs = exits[8:11]
    assert [e["rip"] for e in outs[1:]] == [e["info2"] for e in outs[:2]]
    r = t.guest_reports(g)
    assert r == {
        "data.inb": PATTERN & ~0xFF | 0x11,
        "data.inw": PATTERN & ~0xFFFF | 0x2211,
        "data.inl": 0x44332211,
        "data.mixed": 0xBEEF9911,
        "id.inl": abi("HV_DEV_ID_VALUE"),
        "none.inb": PATTERN | 0xFF,
        "none.inw": PATTERN | 0xFFFF,
        "none.inl": 0xFFFFFFFF,
    }
    ended_well(t, g)


def test_qemu_leaves_the_address_size_bits_clear(emu, boot):
    """EXITINFO1 bits 9:7 give the access's address size, one-hot.

    APM2 Figure 15-2: A16, A32 and A64 are bits 7, 8 and 9; in 64-bit
    code without a 67h prefix, A64.  Bochs sets them; QEMU 7.2 TCG never
    does (the deviation table records 0).
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    exits = [e for g in ("io_sizes", "io_string", "io_rep", "io_top",
                         "io_port80") for e in io_exits(t, g)]
    assert exits, run.tail()
    bits = {e["info1"] >> 7 & 7 for e in exits}
    want = expect(emu, "qemu-ioio-no-address-size", ASIZE_64)
    assert bits == {{64: 4, 32: 2, 16: 1, 0: 0}[want]}, \
        f"address-size bits seen: {bits}" + \
        (f" ({deviation('qemu-ioio-no-address-size').actual})"
         if want != ASIZE_64 else "")


def test_outs_and_ins_are_emulated_through_guest_memory(emu, boot):
    """OUTSB/W/D and INSB/W/D: STR set, the hypervisor moves the data.

    APM2 §15.10.2: a string port instruction exits with STR (bit 2)
    set and its operand size; the hypervisor reads DS:RSI for OUTS and
    writes ES:RDI for INS, advancing the pointer by the size (APM3 OUTS,
    INS; DF clear), then resumes at EXITINFO2.  HV_DEV_FIFO gives the
    bytes back in order, and FFh once it is empty.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "io_string"
    fifo = abi("HV_DEV_FIFO")
    want = [("outs_b", False, 1), ("outs_w", False, 2),
            ("outs_l", False, 4), ("ins_b", True, 1), ("ins_w", True, 2),
            ("ins_l", True, 4), ("ins_empty", True, 1)]
    exits = io_exits(t, g)
    assert len(exits) == len(want), run.tail()
    for e, (label, is_in, size) in zip(exits, want):
        check_ioio(emu, g, e, label, fifo, is_in, size, string=True)
    r = t.guest_reports(g)
    assert r["rsi.delta"] == r["rdi.delta"] == 1 + 2 + 4
    assert r["fifo.in"] == r["fifo.out"] == 0x0044434241222111
    assert r["fifo.empty"] == 0xFF
    ended_well(t, g)


def test_a_rep_string_instruction_exits_once(emu, boot):
    """REP INS/OUTS: one exit with REP set, all iterations emulated.

    APM2 §15.10.2: REP (bit 3) tells the hypervisor that RCX counts the
    iterations; svmlab performs all of them at once and resumes after
    the instruction with RCX = 0.  With DF = 1 OUTS walks its buffer
    downwards (APM3 OUTS), so the bytes arrive reversed.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "io_rep"
    fifo = abi("HV_DEV_FIFO")
    exits = io_exits(t, g)
    want = [("rep_outs", False, True), ("rep_ins", True, True),
            ("rep_outs_down", False, True), ("rep_ins_4", True, True),
            ("in_empty", True, False)]
    assert len(exits) == len(want), run.tail()
    for e, (label, is_in, string) in zip(exits, want):
        check_ioio(emu, g, e, label, fifo, is_in, 1, string=string,
                   rep=string)
    r = t.guest_reports(g)
    assert r["rep.outs.rcx"] == r["rep.ins.rcx"] == r["down.rcx"] == 0
    assert r["rep.outs.rsi.delta"] == r["rep.ins.rdi.delta"] == 16
    assert (r["rep.in.lo"], r["rep.in.hi"]) == \
        (0x0706050403020100, 0x0F0E0D0C0B0A0908)
    assert r["down.rsi.delta"] == 4
    assert r["down.in"] == 0x00010203
    assert r["fifo.empty"] == 0xFF
    ended_well(t, g)


def test_an_access_past_port_ffff_checks_the_extra_bits(emu, boot):
    """Bit FFFFh clear is not enough for a word or dword at FFFFh.

    APM2 §15.10.1: an n-byte access at port p checks bits p to
    p + n - 1; at FFFFh that reaches bits 10000h-10002h, which the
    hypervisor leaves set.  io_top clears only bit FFFFh: IN AL at FFFFh
    runs in the guest, IN AX and IN EAX exit (and read all ones).
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "io_top"
    exits = io_exits(t, g)
    assert len(exits) == 2, run.tail()
    check_ioio(emu, g, exits[0], "top_inw", TOP, True, 2)
    check_ioio(emu, g, exits[1], "top_inl", TOP, True, 4)
    assert not [e for e in t.exits(g)
                if e["rip"] == guest_symbol(g, "top_inb")]
    r = t.guest_reports(g)
    assert (r["top.inw"], r["top.inl"]) == (PATTERN | 0xFFFF, 0xFFFFFFFF)
    assert r["top.inb"] & ~0xFF == PATTERN & ~0xFF
    ended_well(t, g)


def test_clearing_the_extra_bits_passes_every_size_at_ffff(emu, boot):
    """With bits FFFFh-10002h clear, no access at FFFFh exits.

    APM2 §15.10.1: io_top_pass clears the four bits a dword at FFFFh
    checks, so IN AL, IN AX and IN EAX at FFFFh all run in the guest.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "io_top_pass"
    assert not io_exits(t, g), run.tail()
    r = t.guest_reports(g)
    assert set(r) == {"top.inb", "top.inw", "top.inl"}
    assert r["top.inb"] & ~0xFF == PATTERN & ~0xFF
    assert r["top.inw"] & ~0xFFFF == PATTERN & ~0xFFFF
    assert r["top.inl"] >> 32 == 0
    ended_well(t, g)


def test_port_80_passes_and_com1_is_a_console(emu, boot):
    """A port the hypervisor passes through, and one it emulates.

    APM2 §15.10: the map decides per port.  Port 80h's bit is clear, so
    OUT 80h does not exit.  Every COM1 access exits: the hypervisor
    answers LSR reads with 60h (transmitter empty) and collects the
    bytes written to 3F8h into a line, printed as a guest_console event
    at the newline.
    """
    run = boot(emu, args=ARGS)
    t = run.trace
    g = "io_port80"
    text = "hello from the guest\n"
    exits = io_exits(t, g)
    assert not [e for e in exits if e["dec"]["port"] == 0x80], run.tail()
    assert not [e for e in t.exits(g)
                if e["rip"] == guest_symbol(g, "out_80")]
    outs = [e for e in exits if e["rip"] == guest_symbol(g, "com_out")]
    lsr = [e for e in exits if e["rip"] == guest_symbol(g, "lsr_in")]
    assert len(outs) == len(lsr) == len(text)
    assert len(outs) + len(lsr) == len(exits)
    for e in outs:
        check_ioio(emu, g, e, "com_out", COM1, False, 1)
    for e in lsr:
        check_ioio(emu, g, e, "lsr_in", COM1_LSR, True, 1)
    console = [e for e in t.of("guest_console") if e["guest"] == g]
    assert [e["text"] for e in console] == [text.rstrip("\n")]
    r = t.guest_reports(g)
    assert (r["com1.lsr"], r["com1.bytes"]) == (0x60, len(text))
    ended_well(t, g)


def test_the_chapter_runs_its_guests_in_order(emu, boot):
    """Chapter 7 runs its six guests, in the order of the lesson."""
    run = boot(emu, args=ARGS)
    t = run.trace
    names = [e["guest"] for e in t.of("guest_start")]
    assert names == ["io_sizes", "io_string", "io_rep", "io_top",
                     "io_top_pass", "io_port80"], run.tail()
    assert t.status == "pass", run.tail()
