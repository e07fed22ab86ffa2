#!/usr/bin/python3
"""Write docs/ghcb.md from src/svm/ghcb.h and src/svm/ghcb_abi.h.

    tools/gen_ghcb_md.py            write docs/ghcb.md
    tools/gen_ghcb_md.py --check    exit 1 if docs/ghcb.md is out of date

The words come from the headers' Doxygen comments: each member of struct
ghcb has a block of the form described at the top of src/svm/ghcb.h
("<offset>h: meaning" and a "- writer:" bullet), and each constant of
ghcb_abi.h has its own comment.  The numbers do not come from comments:
the script writes a small host C program that includes the headers,
compiles it with gcc and runs it, and takes every offset, size and
constant value from its output.  Where a comment states an offset (a
field's, or a reserved range's) or a name does (rsvd_<offset>), the
script checks it against the compiler and fails loudly on a mismatch.
Only headers are compiled: ghcb.c holds lab blocks, and the page must be
the same in a lab tree.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import mdgen
from mdgen import (GenError, ask_compiler, cell, doc_lines,
                   documented_defines, squash)

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "src" / "svm" / "ghcb.h"
ABI = ROOT / "src" / "svm" / "ghcb_abi.h"
OUT = ROOT / "docs" / "ghcb.md"

WRITERS = ("guest", "hypervisor", "both")
SAVE_AREA = 0x400           # the valid bitmap covers 000h-3FFh
BITMAP = 0x3f0              # the bitmap itself has no meaningful bit
# The SVM exit codes the model handles come from vmcb.h.
SVM_EXITS = ("SVM_EXIT_CPUID", "SVM_EXIT_IOIO", "SVM_EXIT_MSR",
             "SVM_EXIT_VMMCALL")



@dataclass
class Field:
    name: str
    doc: str
    stated: int = -1        # the offset the comment gives
    stated_last: int = -1   # a reserved range's last byte
    meaning: str = ""
    writer: str = ""
    offset: int = -1        # from the compiler
    size: int = -1

    @property
    def reserved(self) -> bool:
        return self.name.startswith("rsvd_")


@dataclass
class Constant:
    name: str
    doc: str
    value: int = -1         # from the compiler


@dataclass
class Group:
    title: str
    text: str
    constants: list = field(default_factory=list)


# ---- parsing the headers -----------------------------------------------

def split_field_doc(f: Field) -> None:
    """Fill stated, meaning and writer from f.doc (see ghcb.h)."""
    meaning, writer, in_writer = [], [], False
    for line in doc_lines(f.doc):
        m = re.match(r"^\s*- writer:\s*(.*)$", line)
        if m:
            if in_writer or writer:
                raise GenError(f"ghcb.{f.name}: two 'writer' bullets")
            in_writer = True
            writer.append(m.group(1))
        elif in_writer:
            writer.append(line.strip())
        else:
            meaning.append(line)
    text = squash(" ".join(meaning))
    if f.reserved:
        m = re.match(r"([0-9A-F]+)h-([0-9A-F]+)h: reserved\b", text)
        if not m:
            raise GenError(f"ghcb.{f.name}: the comment must start "
                           "'XXXh-YYYh: reserved'")
        f.stated, f.stated_last = int(m.group(1), 16), int(m.group(2), 16)
    else:
        m = re.match(r"([0-9A-F]+)h: (.+)$", text)
        if not m:
            raise GenError(f"ghcb.{f.name}: the comment must start "
                           "'XXXh: ' (its offset, upper-case hex)")
        f.stated = int(m.group(1), 16)
        text = m.group(2)[0].upper() + m.group(2)[1:]
    f.meaning = text
    f.writer = squash(" ".join(writer))


def parse_struct(text: str) -> list:
    m = re.search(r"^struct ghcb \{\n(.*?)\n\} __attribute__\(\(packed\)\);",
                  text, re.S | re.M)
    if not m:
        raise GenError(f"struct ghcb not found in {HEADER}")
    body = m.group(1)
    member = re.compile(r"(?P<doc>/\*\*.*?\*/)\s*\n\s*\w+\s+(?P<name>\w+)"
                        r"\s*(?:\[[^\]]*\])?\s*;", re.S)
    fields = [Field(x.group("name"), x.group("doc"))
              for x in member.finditer(body)]
    bare = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    declared = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", bare)
    if declared != [f.name for f in fields]:
        missing = [d for d in declared if d not in {f.name for f in fields}]
        raise GenError("struct ghcb: members without a /** */ block right "
                       f"above them: {missing or declared}")
    for f in fields:
        split_field_doc(f)
    return fields


GROUP = re.compile(r"/\*\*[ \t]*(?:\n[ \t]*\*)?[ \t]*@name ([^\n]*?)[ \t]*"
                   r"(?:\*/|\n(.*?)\*/)[ \t]*\n/\*\* @\{ \*/\n(.*?)\n"
                   r"/\*\* @\} \*/", re.S)


def parse_constants(body: str, grouped: bool) -> list:
    """Each #define of @p body with its /** */ or trailing /**< */ doc.

    Inside an @name group a constant may go without a comment of its own
    (the group's text describes it); outside one it must have one.
    """
    consts = []
    for name, params, _, doc in documented_defines(body):
        if params:
            raise GenError(f"{name}: function-like macro in {ABI.name}")
        if not doc and not grouped:
            raise GenError(f"{name}: no Doxygen comment")
        consts.append(Constant(name, squash(" ".join(doc_lines(doc)))
                               if doc else ""))
    return consts


def parse_abi(text: str):
    """(groups, loose constants) of ghcb_abi.h; every #define documented."""
    groups = []
    for m in GROUP.finditer(text):
        title, desc, body = m.groups()
        groups.append(Group(title.strip(),
                            squash(" ".join(doc_lines(
                                "/**" + (desc or "") + "*/"))),
                            parse_constants(body, True)))
    rest = GROUP.sub("", text)
    rest = re.sub(r"^#(ifndef|define|endif)\s+SVMLAB_SVM_GHCB_ABI_H.*$", "",
                  rest, flags=re.M)
    # The file's own @file block is not a constant's comment.
    rest = re.sub(r"/\*\*\s*\n\s*\* @file.*?\*/", "", rest, flags=re.S)
    loose = parse_constants(rest, False)
    names = [c.name for g in groups for c in g.constants] + \
        [c.name for c in loose]
    for name in re.findall(r"^#define\s+(\w+)", text, re.M):
        if name != "SVMLAB_SVM_GHCB_ABI_H" and name not in names:
            raise GenError(f"{name}: not found by the parser")
    return groups, loose


# ---- asking the compiler -----------------------------------------------

def c_program(fields: list, consts: list) -> str:
    out = ["#include <stdio.h>", "#include <stddef.h>",
           '#include "svm/ghcb.h"', '#include "svm/vmcb.h"', "",
           "int main(void)", "{"]
    for f in fields:
        out.append(f'\tprintf("F {f.name} %zu %zu\\n", '
                   f"offsetof(struct ghcb, {f.name}), "
                   f"sizeof(((struct ghcb *)0)->{f.name}));")
    out.append('\tprintf("S %zu\\n", sizeof(struct ghcb));')
    for name in [c.name for c in consts] + list(SVM_EXITS):
        out.append(f'\tprintf("C {name} %llu\\n", '
                   f"(unsigned long long)({name}));")
    out += ["\treturn 0;", "}", ""]
    return "\n".join(out)




def apply_compiler(out: str, fields: list, consts: list) -> dict:
    """Fill offsets, sizes and values; return every constant's value."""
    by_name = {f.name: f for f in fields}
    values, size = {}, -1
    for line in out.splitlines():
        kind, rest = line[0], line[2:]
        if kind == "F":
            name, off, sz = rest.split()
            by_name[name].offset, by_name[name].size = int(off), int(sz)
        elif kind == "S":
            size = int(rest)
        elif kind == "C":
            name, value = rest.split()
            values[name] = int(value)
    for c in consts:
        c.value = values[c.name]
    check_layout(fields, size)
    return values


# ---- checking the comments against the compiler ------------------------

def check_layout(fields: list, size: int) -> None:
    at = 0
    for f in fields:
        where = f"ghcb.{f.name}"
        if f.offset != at:
            raise GenError(f"{where}: the compiler puts it at "
                           f"{f.offset:X}h, after a field ending at {at:X}h")
        if f.stated != f.offset:
            raise GenError(f"{where}: comment says {f.stated:X}h, the "
                           f"compiler {f.offset:X}h")
        if f.reserved:
            named = int(f.name[len("rsvd_"):], 16)
            if named != f.offset:
                raise GenError(f"{where}: named for {named:X}h but the "
                               f"compiler puts it at {f.offset:X}h")
            if f.stated_last != f.offset + f.size - 1:
                raise GenError(f"{where}: comment ends at "
                               f"{f.stated_last:X}h, the compiler at "
                               f"{f.offset + f.size - 1:X}h")
        elif f.writer.split(" (")[0] not in WRITERS:
            raise GenError(f"{where}: writer '{f.writer}' is not one of "
                           f"{', '.join(WRITERS)}")
        at += f.size
    if at != size or size != 0x1000:
        raise GenError(f"struct ghcb: fields cover {at} bytes, sizeof says "
                       f"{size}, a GHCB is 4096")


def check_offsets_group(groups: list, fields: list) -> None:
    """Each field-offset constant names the start of a member."""
    starts = {f.offset for f in fields if not f.reserved}
    for g in groups:
        if not g.title.startswith("GHCB field offsets"):
            continue
        for c in g.constants:
            if not c.name.endswith("_SIZE") and c.value not in starts:
                raise GenError(f"{c.name} = {c.value:X}h: no member of "
                               "struct ghcb starts there")
        return
    raise GenError("ghcb_abi.h: no 'GHCB field offsets' group")


# ---- rendering ---------------------------------------------------------



def hexh(value: int) -> str:
    """APM notation: 1F8h, 8000_0001h."""
    if value < 0x1000:
        return f"{value:03X}h"
    digits = f"{value:X}"
    groups = []
    while digits:
        groups.insert(0, digits[-4:])
        digits = digits[:-4]
    return "_".join(groups) + "h"


DECIMAL = re.compile(r"_SHIFT$|^GHCB_PROTOCOL_M(IN|AX)$|^GHCB_MODEL_CBIT$|"
                     r"^GHCB_VC_VECTOR$|^GHCB_RESP_|^GHCB_ERR_")


def constant_value(c: Constant) -> str:
    return str(c.value) if DECIMAL.search(c.name) else hexh(c.value)


def valid_bit(f: Field) -> str:
    if f.reserved or f.offset >= SAVE_AREA or f.offset == BITMAP:
        return "-"
    bit = f.offset // 8
    return f"{bit} ({hexh(BITMAP + bit // 8)} bit {bit % 8})"


def field_table(fields: list) -> list:
    rows = ["| offset | size | valid bit | field | meaning | written by |",
            "|---|---|---|---|---|---|"]
    for f in fields:
        if f.reserved:
            rows.append(f"| {hexh(f.offset)} | {f.size} | - | `{f.name}` | "
                        f"{cell(f.meaning)} | - |")
        else:
            rows.append(f"| {hexh(f.offset)} | {f.size} | {valid_bit(f)} | "
                        f"`{f.name}` | {cell(f.meaning)} | "
                        f"{cell(f.writer)} |")
    return rows


def constant_table(consts: list) -> list:
    rows = ["| constant | value | meaning |", "|---|---|---|"]
    for c in consts:
        rows.append(f"| `{c.name}` | {constant_value(c)} | "
                    f"{cell(c.doc) or '-'} |")
    return rows


INTRO = """\
<!-- Generated by tools/gen_ghcb_md.py from src/svm/ghcb.h and
     src/svm/ghcb_abi.h; do not edit.  Change those files, then run
     /usr/bin/python3 tools/gen_ghcb_md.py to regenerate this page;
     /usr/bin/python3 tools/gen_ghcb_md.py --check fails while it is
     out of date. -->

# The GHCB, field by field {#ghcb_reference}

This page lists every field of the Guest-Hypervisor Communication Block
as chapter 15 models it, and every constant of `src/svm/ghcb_abi.h`: the
GHCB MSR protocol, the exit codes, the answers and the reasons for
refusing a request.  Offsets, sizes and values were printed by the
compiler from `src/svm/ghcb.h` and `src/svm/ghcb_abi.h`; the words are
the headers' Doxygen comments.  The sources are AMD's GHCB specification
(publication 56421, "GHCB Layout" and "GHCB MSR Protocol") and APM2
§15.35 "Encrypted State (SEV-ES)".

This is a model.  Neither QEMU nor Bochs implements SEV-ES: svmlab's
guests are not encrypted, the hypervisor could read their registers in
the VMCB, and VMGEXIT (F3 0F 01 D9) reaches it as a VMMCALL exit.  The
chapter keeps to the protocol anyway: for a guest marked SEV-ES the
hypervisor takes the guest's state only from GHCB fields whose valid bit
is set.

How to read the field table:

- **offset**: from the start of the GHCB page.  A register sits where
  the SEV-ES save area (the VMSA) keeps it.
- **valid bit**: bit n of the valid bitmap (3F0h) stands for the
  quadword at offset 8 * n, and is bit n % 8 of byte 3F0h + n / 8 of
  the page; so the one-byte CPL at 0CBh has bit 25, the bit of
  0C8h-0CFh.  The bitmap covers 000h-3FFh only: the fields from 400h
  on have none.
- **written by**: *guest* means the guest fills the field in for a
  request and the hypervisor only reads it; *hypervisor* means only an
  answer writes it; *both* means either, depending on the request.
"""

REQUESTS = """\
## The requests this model handles

A request is SW_EXITCODE with its SW_EXITINFO1 and SW_EXITINFO2, which
every request must mark valid, and the fields below
(`ghcb_request_needs()` in `src/svm/ghcb.c`).  Before it answers, the
hypervisor clears the whole valid bitmap; it then marks each field it
writes: SW_EXITINFO1 and SW_EXITINFO2 always, and the fields in the last
column.
"""

REQUEST_ROWS = (
    ("SVM_EXIT_CPUID", "CPUID", "RAX (function), RCX (subfunction)",
     "RAX, RBX, RCX, RDX"),
    ("SVM_EXIT_IOIO", "IOIO", "OUT: RAX; IN: nothing more; string I/O "
     "(EXITINFO1 bit 2): SW_SCRATCH", "IN: RAX (only the operand's bytes "
     "replaced; a 32-bit IN zero-extends)"),
    ("SVM_EXIT_MSR", "MSR", "RCX; WRMSR (SW_EXITINFO1 = 1): RAX and RDX "
     "too", "RDMSR: RAX (low half), RDX (high half)"),
    ("SVM_EXIT_VMMCALL", "VMMCALL", "RAX, CPL, RDI, RSI", "RAX"),
    ("GHCB_EXIT_MMIO_READ", "MMIO read", "SW_SCRATCH (the buffer; "
     "SW_EXITINFO1 is the address, SW_EXITINFO2 the length)",
     "the bytes, in the shared buffer"),
    ("GHCB_EXIT_MMIO_WRITE", "MMIO write", "SW_SCRATCH (the bytes; "
     "SW_EXITINFO1 is the address, SW_EXITINFO2 the length)", "-"),
)

CHECKS = """\
The hypervisor refuses a request with SW_EXITINFO1 = 2 and the reason in
SW_EXITINFO2, checking in this order: the GHCB is not the one the guest
registered (NOT_REGISTERED), usage is not 0 (INVALID_USAGE), the
protocol version is outside what the hypervisor speaks (INVALID_INPUT),
a needed field is not marked valid (MISSING_INPUT), the exit code is not
in the table above (INVALID_EVENT), an MMIO buffer is not inside the
shared buffer (INVALID_SCRATCH_AREA) or its length is not 1, 2, 4 or 8
(INVALID_INPUT).
"""

LOOSE_TITLE = "Other constants"


def render(fields: list, groups: list, loose: list, values: dict) -> str:
    parts = [INTRO, "## Fields\n", "\n".join(field_table(fields)) + "\n",
             REQUESTS]
    rows = ["| request | SW_EXITCODE | needs, besides the three SW_EXIT "
            "fields | the answer writes |", "|---|---|---|---|"]
    for const, name, needs, answer in REQUEST_ROWS:
        rows.append(f"| {name} | {hexh(values[const])} | {cell(needs)} | "
                    f"{cell(answer)} |")
    parts.append("\n".join(rows) + "\n")
    parts.append(CHECKS)
    parts.append("## Constants (src/svm/ghcb_abi.h)\n")
    for g in groups:
        parts.append(f"### {g.title}\n")
        if g.text:
            parts.append(cell(g.text) + "\n")
        parts.append("\n".join(constant_table(g.constants)) + "\n")
    parts.append(f"### {LOOSE_TITLE}\n")
    parts.append("\n".join(constant_table(loose)) + "\n")
    return "\n".join(parts)


def generate() -> str:
    fields = parse_struct(HEADER.read_text())
    groups, loose = parse_abi(ABI.read_text())
    consts = [c for g in groups for c in g.constants] + loose
    printed = ask_compiler(c_program(fields, consts), "gen_ghcb_md", ())
    values = apply_compiler(printed, fields, consts)
    check_offsets_group(groups, fields)
    return render(fields, groups, loose, values)




if __name__ == "__main__":
    sys.exit(mdgen.main("gen_ghcb_md", OUT, generate,
                        __doc__.split("\n")[0]))
