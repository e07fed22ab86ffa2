"""svmlab.py - GDB helpers for debugging svmlab under QEMU (make debug).

Loaded by tools/debug.py as ``gdb -x tools/gdb/svmlab.py build/kernel.elf``.
It adds commands that know the shape of a VMCB (APM2 Appendix B, "Layout
of VMCB") and where the kernel's world switch is (src/svm/vmrun.S):

    vmcb [/a] [EXPR]        the control area and save area, field by field
    vmcb-control [/a] [EXPR]    the control area only (000h-3FFh)
    vmcb-save [/a] [EXPR]       the state save area only (400h-FFFh)
    vmexit [EXPR]           one line: the exit code, its name, RIP, EXITINFO
    break-exit [CODE|NAME]  stop where the host resumes after each #VMEXIT
    break-vmrun             stop at the VMRUN instruction itself
    count-exit-path CODE|NAME [SKIP [PATHS]]
                            count the host's instructions from #VMEXIT to
                            the next VMRUN, by single-stepping (chapter 16)
    guest-symbols NAME      load the symbols of build/guests/NAME.elf
    serial [/r]             the kernel's serial output since the last call

The field lists are read from the kernel's debugging information (the
DWARF of struct vmcb_control, vmcb_save and vmcb_seg), never written out
here, so the commands follow src/svm/vmcb.h as it changes.  Exit codes
are named from the kernel's own table of APM2 Appendix C, svm_exit_table
(src/svm/exits.c).
"""

import os
import re
from pathlib import Path

import gdb

ROOT = Path(__file__).resolve().parent.parent.parent
MASK64 = (1 << 64) - 1

# Where the kernel keeps things; names, not addresses, so that a rebuilt
# kernel needs nothing changed here.
WORLD_SWITCH = "svm_world_switch"       # src/svm/vmrun.S
EXIT_LOOP = "vcpu_run_slice"            # src/svm/exit.c: calls it
HOST_PML4 = "boot_pml4"                 # src/boot/entry.S: the host's CR3
# A global "the vcpu that runs now", if the kernel has one; then vmcb
# works in any host frame, not only in frames that hold a vcpu.
GLOBAL_VCPU = ("vcpu_current",)

BANNER = """\
svmlab GDB helpers (tools/gdb/svmlab.py; `help svmlab` for more):
  break-exit [CODE|NAME]  stop after each #VMEXIT (or only after that exit)
  break-vmrun             stop at VMRUN; `stepi` then enters the guest
  count-exit-path CODE    host instructions from #VMEXIT to VMRUN
  vmexit                  the current exit in one line
  vmcb [/a] [EXPR]        the VMCB by field name (/a: reserved fields too)
  vmcb-control, vmcb-save one area of it
  guest-symbols NAME      symbols of build/guests/NAME.elf
  serial [/r]             new serial output (/r: trace lines too)"""


class SvmlabError(gdb.GdbError):
    """A message for the user, without a Python traceback."""


# ---- reading the kernel's read-only data -----------------------------

class _FromFile:
    """Read .text and .rodata from kernel.elf rather than from the target.

    Before the boot loader has copied the kernel, and while the CPU runs
    a guest whose page tables do not map the kernel, target memory does
    not hold the kernel's code; the ELF file always does.
    """

    def __enter__(self):
        self.old = gdb.parameter("trust-readonly-sections")
        gdb.execute("set trust-readonly-sections on", to_string=True)

    def __exit__(self, *exc):
        value = "on" if self.old else "off"
        gdb.execute(f"set trust-readonly-sections {value}", to_string=True)
        return False


_exit_names = None


def normalize_exit(code):
    """EXITCODE as a 64-bit value: QEMU stores -1 to -4 as 32-bit ones."""
    code &= MASK64
    if 0xFFFFFFFC <= code <= 0xFFFFFFFF:
        code |= 0xFFFFFFFF00000000
    return code


def exit_names():
    """{code: name} from svm_exit_table, read once; {} if unreadable."""
    global _exit_names
    if _exit_names is None:
        names = {}
        try:
            with _FromFile():
                table = gdb.parse_and_eval("svm_exit_table")
                count = int(gdb.parse_and_eval("svm_exit_table_count"))
                for i in range(count):
                    entry = table[i]
                    names[int(entry["code"]) & MASK64] = \
                        entry["name"].string()
        except (gdb.error, gdb.MemoryError):
            names = {}
        _exit_names = names
    return _exit_names


def exit_name(code):
    """The Appendix C name of an exit code, or "" if the table lacks it."""
    return exit_names().get(normalize_exit(code), "")


def parse_exit_code(text):
    """An exit code given as a number (0x78, 120, -1) or a name (HLT)."""
    text = text.strip()
    try:
        return normalize_exit(int(text, 0))
    except ValueError:
        pass
    want = text.upper()
    if want.startswith("VMEXIT_"):
        want = want[len("VMEXIT_"):]
    for code, name in exit_names().items():
        if name == want:
            return code
    raise SvmlabError(f"unknown exit code {text!r}: give a number or a "
                      f"name of APM2 Appendix C (HLT, CPUID, NPF, ...)")


# ---- finding the VMCB ------------------------------------------------

def _struct_name(t):
    t = t.strip_typedefs()
    return t.tag if t.code == gdb.TYPE_CODE_STRUCT else None


def _pointee(t):
    t = t.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        return _struct_name(t.target())
    return None


def vmcb_of_value(value, what):
    """(address, description) of the VMCB that ``value`` leads to."""
    t = value.type.strip_typedefs()
    if _pointee(t) == "vcpu":
        if int(value) == 0:
            raise SvmlabError(f"{what} is a NULL vcpu pointer")
        vcpu = value.dereference()
        return int(vcpu["vmcb"]), f"{what}->vmcb, vcpu {_vcpu_name(vcpu)}"
    if _struct_name(t) == "vcpu":
        return int(value["vmcb"]), f"{what}.vmcb, vcpu {_vcpu_name(value)}"
    if _struct_name(t) == "vmcb":
        if value.address is None:
            raise SvmlabError(f"{what} is a struct vmcb without an address")
        return int(value.address), what
    if t.code in (gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_INT):
        return int(value) & MASK64, what
    raise SvmlabError(f"{what} is a {value.type}: give a struct vcpu *, "
                      f"a struct vmcb * or an address")


def _vcpu_name(vcpu):
    try:
        raw = bytes(gdb.selected_inferior().read_memory(
            int(vcpu["name"]), 64))
    except (gdb.error, gdb.MemoryError):
        return "(name unreadable)"
    return '"' + raw.split(b"\0")[0].decode(errors="replace") + '"'


def _frame_vcpu(frame):
    """A struct vcpu * or struct vmcb * variable visible in ``frame``."""
    try:
        block = frame.block()
    except RuntimeError:
        return None                     # no debugging information here
    while block is not None:
        for sym in block:
            if not (sym.is_argument or sym.is_variable):
                continue
            if _pointee(sym.type) not in ("vcpu", "vmcb"):
                continue
            try:
                value = sym.value(frame)
                if value.is_optimized_out:
                    continue
                int(value)
            except (gdb.error, gdb.MemoryError):
                continue
            return sym.name, value
        if block.function is not None:
            break
        block = block.superblock
    return None


def _in_guest():
    """The CR3 the CPU runs with, if it is not the host's; else None."""
    try:
        cr3 = int(gdb.parse_and_eval("$cr3")) & ~0xFFF & MASK64
        host = int(gdb.parse_and_eval(f"&{HOST_PML4}")) & MASK64
    except gdb.error:
        return None
    return cr3 if cr3 != host else None


def current_vmcb():
    """(address, description) of the VMCB of the vcpu at hand."""
    guest_cr3 = _in_guest()
    if guest_cr3 is not None:
        raise SvmlabError(
            f"the CPU is running the guest (CR3 = {guest_cr3:#x}, not the "
            f"host's {HOST_PML4}): the VMCB is host memory that the "
            f"guest's page tables do not map.  Let the guest exit first "
            f"(stepi over an intercepted instruction, or break-exit and "
            f"continue).")
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        raise SvmlabError("no frame: connect to QEMU first "
                          "(target remote :PORT)")
    level = 0
    while frame is not None and level < 16:
        found = _frame_vcpu(frame)
        if found:
            name, value = found
            fn = frame.name() or "??"
            addr, desc = vmcb_of_value(value, name)
            return addr, f"{desc}, in frame #{level} {fn}"
        if level == 0 and frame.name() == WORLD_SWITCH:
            raise SvmlabError(
                f"in {WORLD_SWITCH} (assembly: no variables): RAX holds "
                f"the VMCB's physical address from before VMLOAD to the "
                f"`pop %rax` after #VMEXIT, so try `vmcb $rax`; or "
                f"`finish` to the C caller")
        try:
            frame = frame.older()
        except gdb.error:
            break
        level += 1
    for name in GLOBAL_VCPU:
        sym = gdb.lookup_global_symbol(name)
        if sym is not None:
            value = sym.value()
            if int(value):
                return vmcb_of_value(value, name)
    raise SvmlabError("no struct vcpu * in this frame or its callers: "
                      "give one, e.g. `vmcb v` or `vmcb 0x1c4000`, or "
                      "stop with break-exit")


def resolve_vmcb(expr):
    if expr:
        try:
            value = gdb.parse_and_eval(expr)
        except gdb.error as err:
            raise SvmlabError(str(err))
        return vmcb_of_value(value, expr)
    return current_vmcb()


def read_vmcb(addr):
    size = gdb.lookup_type("struct vmcb").sizeof
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.MemoryError:
        why = ""
        if _in_guest() is not None:
            why = " (the CPU is in the guest: host memory is not mapped)"
        raise SvmlabError(f"cannot read the VMCB at {addr:#x}{why}")


# ---- formatting ------------------------------------------------------

def _flags(value, bits):
    return " ".join(name for bit, name in bits if value >> bit & 1)


# Architectural bit names (APM2 §3.1 "System-Control Registers" and
# §3.1.7 "Extended Feature Enable Register (EFER)").
EFER_BITS = [(0, "SCE"), (8, "LME"), (10, "LMA"), (11, "NXE"),
             (12, "SVME"), (13, "LMSLE"), (14, "FFXSR"), (15, "TCE")]
CR0_BITS = [(0, "PE"), (1, "MP"), (2, "EM"), (3, "TS"), (4, "ET"),
            (5, "NE"), (16, "WP"), (18, "AM"), (29, "NW"), (30, "CD"),
            (31, "PG")]
CR4_BITS = [(0, "VME"), (1, "PVI"), (2, "TSD"), (3, "DE"), (4, "PSE"),
            (5, "PAE"), (6, "MCE"), (7, "PGE"), (8, "PCE"), (9, "OSFXSR"),
            (10, "OSXMMEXCPT"), (11, "UMIP"), (16, "FSGSBASE"),
            (17, "PCIDE"), (18, "OSXSAVE"), (20, "SMEP"), (21, "SMAP"),
            (22, "PKE"), (23, "CET")]
RFLAGS_BITS = [(0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"),
               (8, "TF"), (9, "IF"), (10, "DF"), (11, "OF"), (14, "NT"),
               (16, "RF"), (17, "VM"), (18, "AC"), (19, "VIF"),
               (20, "VIP"), (21, "ID")]
# EVENTINJ and EXITINTINFO (APM2 §15.20 "Event Injection").
EVENT_TYPES = {0: "INTR", 2: "NMI", 3: "exception", 4: "software int"}


def _event(value):
    if not value >> 31 & 1:
        return ""
    text = (f"V vector={value & 0xFF} "
            f"type={EVENT_TYPES.get(value >> 8 & 7, value >> 8 & 7)}")
    if value >> 11 & 1:
        text += f" error_code={value >> 32:#x}"
    return text


NOTES = {
    "exit_code": exit_name,
    "exit_int_info": _event,
    "event_inj": _event,
    "efer": lambda v: _flags(v, EFER_BITS),
    "cr0": lambda v: _flags(v, CR0_BITS),
    "cr4": lambda v: _flags(v, CR4_BITS),
    "rflags": lambda v: _flags(v, RFLAGS_BITS),
}


def _int(data, off, size):
    return int.from_bytes(data[off:off + size], "little")


def _seg_text(t, data, off):
    """One line for a struct vmcb_seg: every member, by name."""
    parts = []
    for f in t.fields():
        ft = f.type.strip_typedefs()
        value = _int(data, off + f.bitpos // 8, ft.sizeof)
        parts.append(f"{f.name}={value:#0{2 + 2 * ft.sizeof}x}")
    return " ".join(parts)


def _bytes_text(data, off, size):
    chunk = data[off:off + size]
    if size <= 16:
        return " ".join(f"{b:02x}" for b in chunk)
    nonzero = [i for i, b in enumerate(chunk) if b]
    if not nonzero:
        return f"({size} bytes, all zero)"
    return (f"({size} bytes, {len(nonzero)} not zero, the first at "
            f"{off + nonzero[0]:03X}h)")


def is_reserved(name):
    """Padding that src/svm/vmcb.h names reserved_*: hidden without /a."""
    return name.startswith("reserved")


def area_lines(area, data, base, all_fields):
    """The lines of one area: struct vmcb_``area`` at VMCB offset base."""
    t = gdb.lookup_type(f"struct vmcb_{area}").strip_typedefs()
    out = []
    for f in t.fields():
        if not all_fields and is_reserved(f.name):
            continue
        ft = f.type.strip_typedefs()
        off = base + f.bitpos // 8
        if ft.code == gdb.TYPE_CODE_STRUCT:
            text = _seg_text(ft, data, off)
        elif ft.code == gdb.TYPE_CODE_ARRAY:
            text = _bytes_text(data, off, ft.sizeof)
        else:
            value = _int(data, off, ft.sizeof)
            text = f"{value:#0{2 + 2 * ft.sizeof}x}"
            note = NOTES.get(f.name)
            if note:
                extra = note(value)
                if extra:
                    text += f"  {extra}"
        out.append(f"  {off:03X}h  {f.name:<22} {text}")
    return out


def area_base(area):
    """Where struct vmcb puts the area, from the DWARF of struct vmcb."""
    for f in gdb.lookup_type("struct vmcb").strip_typedefs().fields():
        if f.name == area:
            return f.bitpos // 8
    raise SvmlabError(f"struct vmcb has no member {area!r}")


def split_flags(arg):
    """("/a expr") -> ("a", "expr")."""
    arg = arg.strip()
    if arg.startswith("/"):
        flags, _, rest = arg[1:].partition(" ")
        return flags, rest.strip()
    return "", arg


class _VmcbBase(gdb.Command):
    areas = ()

    def invoke(self, arg, from_tty):
        flags, expr = split_flags(arg)
        unknown = set(flags) - {"a"}
        if unknown:
            raise SvmlabError(f"unknown flag /{''.join(sorted(unknown))}: "
                              f"the only one is /a (reserved fields too)")
        addr, desc = resolve_vmcb(expr)
        data = read_vmcb(addr)
        lines = [f"VMCB at {addr:#x} ({desc})"]
        for area in self.areas:
            base = area_base(area)
            size = gdb.lookup_type(f"struct vmcb_{area}").sizeof
            title = "control area" if area == "control" else "save area"
            lines.append(f"{title} ({base:03X}h-{base + size - 1:03X}h)")
            lines += area_lines(area, data, base, "a" in flags)
        gdb.write("\n".join(lines) + "\n")


class Vmcb(_VmcbBase):
    """Print a VMCB's control area and save area, one field per line.

Usage: vmcb [/a] [EXPR]

EXPR is a struct vcpu * (its VMCB is used), a struct vmcb * or an
address.  Without EXPR: the VMCB of the struct vcpu * found in the
selected frame or its callers (stop with break-exit to have one).
Each line is the field's offset from the start of the VMCB (APM
notation), its name in src/svm/vmcb.h and its value in hex; the exit
code, events, EFER, CR0, CR4 and RFLAGS are decoded after the value.
Segment registers take one line.  /a also prints the reserved fields."""

    areas = ("control", "save")

    def __init__(self):
        super().__init__("vmcb", gdb.COMMAND_DATA)


class VmcbControl(_VmcbBase):
    """Print a VMCB's control area (000h-3FFh); see `help vmcb`.

Usage: vmcb-control [/a] [EXPR]"""

    areas = ("control",)

    def __init__(self):
        super().__init__("vmcb-control", gdb.COMMAND_DATA)


class VmcbSave(_VmcbBase):
    """Print a VMCB's state save area (400h-FFFh); see `help vmcb`.

Usage: vmcb-save [/a] [EXPR]"""

    areas = ("save",)

    def __init__(self):
        super().__init__("vmcb-save", gdb.COMMAND_DATA)


def exit_line(addr, data):
    """The exit in one line, like the kernel's own "exit N:" line."""
    ctl = gdb.lookup_type("struct vmcb_control").strip_typedefs()
    save = gdb.lookup_type("struct vmcb_save").strip_typedefs()
    base = area_base("save")

    def get(t, name, at=0):
        for f in t.fields():
            if f.name == name:
                return _int(data, at + f.bitpos // 8, f.type.sizeof)
        raise SvmlabError(f"no field {name} in {t}")
    code = get(ctl, "exit_code")
    return (f"{exit_name(code) or 'UNKNOWN'} ({code:#x}) "
            f"rip={get(save, 'rip', base):#x} "
            f"nrip={get(ctl, 'next_rip'):#x} "
            f"info1={get(ctl, 'exit_info_1'):#x} "
            f"info2={get(ctl, 'exit_info_2'):#x} "
            f"intinfo={get(ctl, 'exit_int_info'):#x} (VMCB {addr:#x})")


class Vmexit(gdb.Command):
    """Print the current #VMEXIT in one line: code, name, RIP, EXITINFO.

Usage: vmexit [EXPR]   (EXPR as for `vmcb`)"""

    def __init__(self):
        super().__init__("vmexit", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        addr, _ = resolve_vmcb(arg.strip())
        gdb.write(exit_line(addr, read_vmcb(addr)) + "\n")


# ---- breakpoints -----------------------------------------------------

_INSN = re.compile(r"^(?:=>)?\s*0x([0-9a-f]+)\s*<[^>]*>:\s*(.*)$")


def disassembly(function):
    """[(address, instruction text)] of ``function``, from kernel.elf."""
    try:
        with _FromFile():
            text = gdb.execute(f"disassemble {function}", to_string=True)
    except gdb.error as err:
        raise SvmlabError(f"cannot disassemble {function}: {err}")
    out = []
    for line in text.splitlines():
        m = _INSN.match(line.strip())
        if m:
            out.append((int(m.group(1), 16), m.group(2)))
    return out


def after_world_switch():
    """The address the host resumes at when svm_world_switch returns."""
    insns = disassembly(EXIT_LOOP)
    for i, (_, insn) in enumerate(insns[:-1]):
        if insn.startswith("call") and f"<{WORLD_SWITCH}>" in insn:
            return insns[i + 1][0]
    raise SvmlabError(f"{EXIT_LOOP} has no call of {WORLD_SWITCH}")


def vmrun_address():
    for addr, insn in disassembly(WORLD_SWITCH):
        if insn.split()[:1] == ["vmrun"]:
            return addr
    raise SvmlabError(f"{WORLD_SWITCH} has no VMRUN instruction yet "
                      f"(chapter 4's lab)")


class ExitBreakpoint(gdb.Breakpoint):
    """Stops after #VMEXIT; with a code, only after exits of that code."""

    def __init__(self, addr, code=None):
        super().__init__(f"*{addr:#x}", gdb.BP_BREAKPOINT)
        self.code = code

    def stop(self):
        if self.code is None:
            return True
        try:
            addr, _ = current_vmcb()
            data = read_vmcb(addr)
        except gdb.GdbError:
            return True                 # cannot tell: stop to be safe
        ctl = gdb.lookup_type("struct vmcb_control").strip_typedefs()
        for f in ctl.fields():
            if f.name == "exit_code":
                code = _int(data, f.bitpos // 8, f.type.sizeof)
                return normalize_exit(code) == self.code
        return True


class BreakExit(gdb.Command):
    """Break where the host resumes after each #VMEXIT.

Usage: break-exit [CODE|NAME]

The breakpoint is on the instruction after the call of svm_world_switch
in vcpu_run_slice (src/svm/exit.c): the guest has just exited, the
VMCB holds the exit, and `v` is the vcpu, so `vmcb`, `vmexit` and
`p *v` work there.  With CODE (0x78) or NAME (HLT, as in APM2 Appendix
C without VMEXIT_), the breakpoint stops only for that exit."""

    def __init__(self):
        super().__init__("break-exit", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        code = parse_exit_code(arg) if arg.strip() else None
        bp = ExitBreakpoint(after_world_switch(), code)
        if code is not None:
            gdb.write(f"Breakpoint {bp.number} stops only for exit "
                      f"{exit_name(code) or 'code'} ({code:#x})\n")


class BreakVmrun(gdb.Command):
    """Break at the VMRUN instruction in svm_world_switch.

Usage: break-vmrun

There RAX holds the VMCB's physical address (`vmcb $rax` prints it) and
the guest's other registers are loaded.  `stepi` executes VMRUN: the
next stop is the guest's first instruction.  `stepi` on an instruction
the guest intercepts comes back to the instruction after VMRUN."""

    def __init__(self):
        super().__init__("break-vmrun", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        gdb.Breakpoint(f"*{vmrun_address():#x}", gdb.BP_BREAKPOINT)


# VMRUN rAX is 0F 01 D8: three bytes.
VMRUN_LENGTH = 3
# Stepping further than this means the host never came back to VMRUN.
COUNT_LIMIT = 200000
# The VMCB's EXITCODE, APM2 Appendix B, Table B-1.
VMCB_EXITCODE = 0x70


class CountExitPath(gdb.Command):
    """Count the host's instructions from a #VMEXIT to the next VMRUN.

Usage: count-exit-path CODE|NAME [SKIP [PATHS]]

Breaks on the first instruction after VMRUN in svm_world_switch (the
host's first after #VMEXIT), skips the first SKIP exits of that code
(default 3: the warm-up), then for each of PATHS exits (default 3)
single-steps until VMRUN and prints one line:

    exit-path CPUID 0x72 insns=N

N counts every instruction the host executed, the VMRUN included: the
breakpoint-and-count method of chapter 16.  A REP string instruction
counts once per iteration, as the emulators' instruction counters count
it.  Steps are not instructions: QEMU's `stepi` now and then returns
having executed nothing (a busy host makes it likelier: 4 of 30 VMMCALL
paths with both cores loaded), so a step counts only if it moved RIP,
and a REP string instruction's iterations are read off RCX.
QEMU masks interrupts while stepping, so an interrupt the host would
have taken at STGI is not in the count.  The exit code is read from the
VMCB, whose physical address is in RAX there (the host's memory is
identity-mapped)."""

    def __init__(self):
        super().__init__("count-exit-path", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        words = arg.split()
        if not words or len(words) > 3:
            raise SvmlabError("usage: count-exit-path CODE|NAME "
                              "[SKIP [PATHS]]")
        code = parse_exit_code(words[0])
        skip = int(words[1]) if len(words) > 1 else 3
        paths = int(words[2]) if len(words) > 2 else 3
        vmrun = vmrun_address()
        cond = (f"*(unsigned long long *)($rax + {VMCB_EXITCODE}) == "
                f"{code:#x}")
        bp = gdb.Breakpoint(f"*{vmrun + VMRUN_LENGTH:#x}",
                            gdb.BP_BREAKPOINT, internal=True)
        bp.condition = cond
        try:
            for _ in range(skip):
                gdb.execute("continue", to_string=True)
            for _ in range(paths):
                gdb.execute("continue", to_string=True)
                gdb.write(f"exit-path {exit_name(code)} {code:#x} "
                          f"insns={self.count(vmrun)}\n")
        finally:
            bp.delete()

    @staticmethod
    def count(vmrun):
        """Step to the VMRUN at @vmrun; the instructions, VMRUN included."""
        frame = gdb.selected_frame
        n, pc = 1, frame().pc()
        for _ in range(COUNT_LIMIT):
            if pc == vmrun:
                return n
            rep = is_rep_string(pc)
            rcx = int(frame().read_register("rcx")) if rep else 0
            gdb.execute("stepi", to_string=True)
            after = frame().pc()
            n += step_retired(rep, after != pc, rcx,
                              int(frame().read_register("rcx")) if rep
                              else 0)
            pc = after
        raise SvmlabError(f"no VMRUN within {COUNT_LIMIT} steps")


_REP_STRING = {}


def is_rep_string(pc):
    """Whether the instruction at @pc is a REP/REPE/REPNE string
    instruction (its iterations count, read off RCX)."""
    if pc not in _REP_STRING:
        arch = gdb.selected_frame().architecture()
        text = arch.disassemble(pc)[0]["asm"].split()
        _REP_STRING[pc] = bool(text) and text[0] in (
            "rep", "repz", "repe", "repnz", "repne")
    return _REP_STRING[pc]


def step_retired(rep, moved, rcx_before, rcx_after):
    """Instructions one `stepi` retired.  Any instruction of the host's
    exit path moves RIP (none jumps to itself), so a step that left RIP
    where it was retired nothing, except a REP string instruction, which
    retired the iterations RCX lost.  A REP that left after no iteration
    (RCX was 0) retired the instruction."""
    if not rep:
        return int(moved)
    done = (rcx_before - rcx_after) & (2**64 - 1)
    return done if done else int(moved)


class GuestSymbols(gdb.Command):
    """Load the symbols of a guest image: build/guests/NAME.elf.

Usage: guest-symbols NAME

Long-mode guests are linked at the guest window (GUEST_WINDOW_BASE,
400000h), which the kernel never uses, so their symbols and the
kernel's do not collide: `hbreak hlt_1`, `x/i guest_main` work."""

    def __init__(self):
        super().__init__("guest-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        elf = ROOT / "build" / "guests" / f"{name}.elf"
        if not name or not elf.exists():
            have = sorted(p.stem for p in elf.parent.glob("*.elf"))
            raise SvmlabError(f"no guest image {elf}; the guests are: "
                              f"{' '.join(have) or '(none built: make)'}")
        old = gdb.parameter("confirm")
        gdb.execute("set confirm off")
        try:
            gdb.execute(f"add-symbol-file {elf}", from_tty)
        finally:
            gdb.execute(f"set confirm {'on' if old else 'off'}")


class Serial(gdb.Command):
    """Print what the kernel wrote to COM1 since the last `serial`.

Usage: serial [/r]

tools/debug.py sends COM1 to a log file and tells this script where
(SVMLAB_SERIAL_LOG).  Trace lines ("@svmlab {...}") are hidden unless
/r is given."""

    def __init__(self):
        super().__init__("serial", gdb.COMMAND_STATUS)
        self.seen = 0

    def invoke(self, arg, from_tty):
        path = os.environ.get("SVMLAB_SERIAL_LOG")
        if not path or not Path(path).exists():
            raise SvmlabError("no serial log: start QEMU with "
                              "tools/debug.py (make debug)")
        text = Path(path).read_text(errors="replace")
        if len(text) < self.seen:
            self.seen = 0               # a new run: the log starts again
        new, self.seen = text[self.seen:], len(text)
        raw = split_flags(arg)[0] == "r"
        for line in new.splitlines():
            if raw or not line.startswith("@svmlab "):
                gdb.write(line.rstrip("\r") + "\n")


class Svmlab(gdb.Command):
    """svmlab's GDB helpers: vmcb, vmcb-control, vmcb-save, vmexit,
break-exit, break-vmrun, count-exit-path, guest-symbols, serial.  `help COMMAND` for each;
docs/debugging.md for a session."""

    def __init__(self):
        super().__init__("svmlab", gdb.COMMAND_SUPPORT)

    def invoke(self, arg, from_tty):
        gdb.write(BANNER + "\n")


def _setup():
    # kernel.elf says x86-64 by itself; without it GDB would guess i386.
    try:
        arch = gdb.selected_inferior().architecture().name()
    except (AttributeError, gdb.error):
        arch = gdb.execute("show architecture", to_string=True)
    if "x86-64" not in arch:
        gdb.execute("set architecture i386:x86-64", to_string=True)
    for command in (Vmcb, VmcbControl, VmcbSave, Vmexit, BreakExit,
                    BreakVmrun, CountExitPath, GuestSymbols, Serial, Svmlab):
        command()
    if not os.environ.get("SVMLAB_GDB_QUIET"):
        gdb.write(BANNER + "\n")


_setup()
