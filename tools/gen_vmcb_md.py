#!/usr/bin/python3
"""Write docs/vmcb.md from src/svm/vmcb.h and src/svm/exits.c.

    tools/gen_vmcb_md.py            write docs/vmcb.md
    tools/gen_vmcb_md.py --check    exit 1 if docs/vmcb.md is out of date

The words come from the header's Doxygen comments (the convention is
described at the top of src/svm/vmcb.h): each field's meaning, writer,
clean bit and APM citation, and each constant's meaning.  The numbers do
not come from comments: the script writes a small host C program that
includes the header and links src/svm/exits.c, compiles it with gcc and
runs it, and takes every offset, size, constant value and exit code from
its output.  Where a comment states a number (a field's trailing offset
comment, a reserved range, an intercept bit's exit code) the script
checks it against the compiler and fails loudly on a mismatch.
tests/test_reference.py runs --check.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import mdgen
from mdgen import (GenError, ask_compiler, cell, doc_lines,
                   documented_defines, squash)

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "src" / "svm" / "vmcb.h"
EXITS_C = ROOT / "src" / "svm" / "exits.c"
OUT = ROOT / "docs" / "vmcb.md"

STRUCTS = ("vmcb_control", "vmcb_seg", "vmcb_save")
WRITERS = ("hypervisor", "processor", "both")
CLEAN_BITS = ("I", "IOPM", "ASID", "TPR", "NP", "CRx", "DRx", "DT", "SEG",
              "CR2", "LBR", "AVIC", "CET", "none")
SEG_CLEAN = "per segment"

# The first exit code of each intercept word: bit n exits with base + n.
INTERCEPT_BASE = {"SVM_MISC1_": 0x060, "SVM_MISC2_": 0x080,
                  "SVM_MISC3_": 0x0a0}
# Function-like intercept macros: the exit codes of bit n.
INTERCEPT_RULE = {
    "SVM_INTERCEPT_CR": "000h + n (read), 010h + n (write)",
    "SVM_INTERCEPT_DR": "020h + n (read), 030h + n (write)",
    "SVM_INTERCEPT_EXC": "040h + n",
    "SVM_MISC2_CR_WRITE_TRAP": "090h + n",
}



@dataclass
class Field:
    struct: str
    name: str
    doc: str
    comment: str            # the trailing plain comment, e.g. "058h"
    meaning: str = ""
    writer: str = ""
    clean: str = ""
    apm: str = ""
    offset: int = -1        # from the compiler
    size: int = -1

    @property
    def reserved(self) -> bool:
        return self.name.startswith("reserved_0x")


@dataclass
class Constant:
    name: str
    params: str             # "(n)" for a function-like macro, else ""
    body: str
    doc: str
    value: int = -1         # from the compiler (object-like macros)


@dataclass
class Group:
    title: str
    text: str
    diagram: str
    constants: list = field(default_factory=list)


# ---- parsing the header ------------------------------------------------

def split_field_doc(f: Field) -> None:
    """Fill meaning, writer, clean and apm from f.doc (see vmcb.h)."""
    meaning, bullets, current = [], {}, None
    for line in doc_lines(f.doc):
        m = re.match(r"^\s*- (writer|clean|apm):\s*(.*)$", line)
        if m:
            current = m.group(1)
            if current in bullets:
                raise GenError(f"{f.struct}.{f.name}: two '{current}' "
                               "bullets")
            bullets[current] = m.group(2)
        elif current:
            bullets[current] += " " + line.strip()
        else:
            meaning.append(line)
    f.meaning = squash(" ".join(meaning))
    f.writer = squash(bullets.get("writer", ""))
    f.clean = squash(bullets.get("clean", ""))
    f.apm = squash(bullets.get("apm", ""))


def first_word(value: str) -> str:
    """The value of a bullet without its remark: "both (...)" -> "both"."""
    return value.split(" (")[0].strip()


def parse_struct(text: str, name: str) -> list:
    m = re.search(r"struct __attribute__\(\(packed\)\) " + name +
                  r" \{\n(.*?)\n\};", text, re.S)
    if not m:
        raise GenError(f"struct {name} not found in {HEADER}")
    body = m.group(1)
    member = re.compile(
        r"(?P<doc>/\*\*.*?\*/)\s*\n\s*(?:struct\s+)?\w+\s+(?P<name>\w+)"
        r"\s*(?:\[[^\]]*\])?\s*;[ \t]*(?:/\*(?P<cmt>[^\n]*?)\*/)?", re.S)
    fields = [Field(name, x.group("name"), x.group("doc"),
                    (x.group("cmt") or "").strip())
              for x in member.finditer(body)]
    bare = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    declared = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", bare)
    if declared != [f.name for f in fields]:
        missing = [d for d in declared if d not in {f.name for f in fields}]
        raise GenError(f"struct {name}: members without a /** */ block "
                       f"right above them: {missing or declared}")
    for f in fields:
        split_field_doc(f)
    return fields


def parse_groups(text: str) -> list:
    groups = []
    start = re.compile(r"/\*\*\s*\n\s*\* @name ([^\n]*)\n(.*?)\*/\s*\n"
                       r"/\*\* @\{ \*/\n(.*?)\n/\*\* @\} \*/", re.S)
    for m in start.finditer(text):
        title, desc, body = m.groups()
        lines = doc_lines("/**" + desc + "*/")
        words, diagram, inside = [], [], False
        for line in lines:
            if "@verbatim" in line:
                inside = True
            elif "@endverbatim" in line:
                inside = False
            elif inside:
                diagram.append(line.rstrip())
            else:
                words.append(line)
        group = Group(title.strip(), squash(" ".join(words)),
                      "\n".join(strip_common_indent(diagram)))
        group.constants = parse_constants(body)
        groups.append(group)
    return groups


def strip_common_indent(lines: list) -> list:
    width = min((len(x) - len(x.lstrip()) for x in lines if x.strip()),
                default=0)
    return [x[width:] for x in lines]


def parse_constants(body: str) -> list:
    consts = []
    for name, params, rest, doc in documented_defines(body):
        value = re.sub(r"/\*.*?\*/", "", rest).strip()
        # SVM_U(1) is C's 1u, written so that assembly can read it
        value = re.sub(r"SVM_(U|ULL)\((\w+)\)",
                       lambda m: m.group(2) + m.group(1).lower(), value)
        if not doc:
            raise GenError(f"{name}: no Doxygen comment")
        consts.append(Constant(name, params, value,
                               squash(" ".join(doc_lines(doc)))))
    return consts


# ---- asking the compiler -----------------------------------------------

def c_program(fields: list, consts: list) -> str:
    out = ["#include <stdio.h>", "#include <stddef.h>",
           '#include "svm/vmcb.h"', '#include "svm/exits.h"', "",
           "int main(void)", "{", "\tunsigned i;", ""]
    outer = {"vmcb_control": ("vmcb", "control."),
             "vmcb_save": ("vmcb", "save."), "vmcb_seg": ("vmcb_seg", "")}
    for f in fields:
        st, prefix = outer[f.struct]
        out.append(f'\tprintf("F {f.struct} {f.name} %zu %zu\\n", '
                   f"offsetof(struct {st}, {prefix}{f.name}), "
                   f"sizeof(((struct {f.struct} *)0)->{f.name}));")
    for s in STRUCTS + ("vmcb",):
        out.append(f'\tprintf("S {s} %zu\\n", sizeof(struct {s}));')
    for c in consts:
        if not c.params:
            out.append(f'\tprintf("C {c.name} %llu\\n", '
                       f"(unsigned long long)({c.name}));")
    out += ["\tfor (i = 0; i < svm_exit_table_count; i++)",
            '\t\tprintf("E %llu\\t%s\\t%s\\n",',
            "\t\t       (unsigned long long)svm_exit_table[i].code,",
            "\t\t       svm_exit_table[i].name, svm_exit_table[i].meaning);",
            "\treturn 0;", "}", ""]
    return "\n".join(out)




def apply_compiler(out: str, fields: list, consts: list) -> list:
    by_key = {(f.struct, f.name): f for f in fields}
    by_name = {c.name: c for c in consts}
    sizes, exits = {}, []
    for line in out.splitlines():
        kind, rest = line[0], line[2:]
        if kind == "F":
            struct, name, off, size = rest.split()
            by_key[struct, name].offset = int(off)
            by_key[struct, name].size = int(size)
        elif kind == "S":
            name, size = rest.split()
            sizes[name] = int(size)
        elif kind == "C":
            name, value = rest.split()
            by_name[name].value = int(value)
        elif kind == "E":
            code, name, meaning = rest.split("\t")
            exits.append((int(code), name, meaning))
    check_layout(fields, sizes)
    return exits


# ---- checking the comments against the compiler ------------------------

def check_layout(fields: list, sizes: dict) -> None:
    base = {"vmcb_control": 0, "vmcb_save": 0x400, "vmcb_seg": 0}
    for struct in STRUCTS:
        at = base[struct]
        for f in [x for x in fields if x.struct == struct]:
            where = f"{struct}.{f.name}"
            if f.offset != at:
                raise GenError(f"{where}: the compiler puts it at "
                               f"{f.offset:X}h, after a field ending at "
                               f"{at:X}h")
            check_offset_comment(f, where)
            at += f.size
        if at - base[struct] != sizes[struct]:
            raise GenError(f"struct {struct}: fields cover "
                           f"{at - base[struct]} bytes, sizeof says "
                           f"{sizes[struct]}")


def check_offset_comment(f: Field, where: str) -> None:
    if f.reserved:
        named = int(f.name[len("reserved_0x"):], 16)
        if named != f.offset:
            raise GenError(f"{where}: named for {named:X}h but the "
                           f"compiler puts it at {f.offset:X}h")
        m = re.match(r"Reserved, ([0-9A-F]+)h-([0-9A-F]+)h", f.meaning)
        if not m:
            raise GenError(f"{where}: the comment must start "
                           "'Reserved, XXXh-YYYh'")
        first, last = int(m.group(1), 16), int(m.group(2), 16)
        if (first, last) != (f.offset, f.offset + f.size - 1):
            raise GenError(f"{where}: comment says {first:X}h-{last:X}h, "
                           f"the compiler {f.offset:X}h-"
                           f"{f.offset + f.size - 1:X}h")
        return
    m = re.match(r"(\+?)([0-9A-Fa-f]+)h?\b", f.comment)
    if not m:
        raise GenError(f"{where}: no offset comment after the member")
    stated = int(m.group(2), 16)
    if stated != f.offset:
        raise GenError(f"{where}: comment says {m.group(0)}, the compiler "
                       f"{f.offset:X}h")


def check_field_docs(fields: list) -> None:
    for f in fields:
        where = f"{f.struct}.{f.name}"
        if f.reserved:
            continue
        if not f.meaning:
            raise GenError(f"{where}: no meaning")
        if first_word(f.writer) not in WRITERS:
            raise GenError(f"{where}: writer '{f.writer}' is not one of "
                           f"{', '.join(WRITERS)}")
        clean = first_word(f.clean)
        allowed = (SEG_CLEAN,) if f.struct == "vmcb_seg" else CLEAN_BITS
        if clean not in allowed:
            raise GenError(f"{where}: clean bit '{f.clean}' is not one of "
                           f"{', '.join(allowed)}")
        if "APM2" not in f.apm:
            raise GenError(f"{where}: no APM2 citation")


def intercept_exit(c: Constant, exits: dict):
    """The exit code a single intercept bit produces, or None."""
    for prefix, base in INTERCEPT_BASE.items():
        if c.name.startswith(prefix) and not c.params:
            if c.value <= 0 or c.value & (c.value - 1):
                raise GenError(f"{c.name}: not a single bit")
            code = base + c.value.bit_length() - 1
            if code not in exits:
                raise GenError(f"{c.name}: exit {code:X}h is not in "
                               f"{EXITS_C.name}")
            m = re.search(r"exit ([0-9A-F]+)h (\w+)", c.doc)
            if not m or (int(m.group(1), 16), m.group(2)) != \
                    (code, exits[code]):
                raise GenError(f"{c.name}: the comment must say 'exit "
                               f"{code:X}h {exits[code]}'")
            return code
    return None


def check_all_defines_documented(text: str, groups: list) -> None:
    grouped = {c.name for g in groups for c in g.constants}
    skip = {"SVMLAB_SVM_VMCB_H", "VMCB_FIELD_AT"}
    for name in re.findall(r"^#define\s+(\w+)", text, re.M):
        if name not in grouped and name not in skip:
            raise GenError(f"{name} is not inside a documented @name group")


# ---- rendering ---------------------------------------------------------



def hexh(value: int, digits: int = 3) -> str:
    if value >= 1 << 63:
        return str(value - (1 << 64))
    return f"{value:0{digits}X}h"


def field_table(fields: list, relative: bool) -> list:
    rows = ["| offset | size | field | meaning | written by | clean bit "
            "| APM |", "|---|---|---|---|---|---|---|"]
    for f in fields:
        off = f"+{f.offset:X}h" if relative else hexh(f.offset)
        if f.reserved:
            rows.append(f"| {off} | {f.size} | `{f.name}` | "
                        f"{cell(f.meaning)} | - | - | - |")
        else:
            rows.append(f"| {off} | {f.size} | `{f.name}` | "
                        f"{cell(f.meaning)} | {cell(f.writer)} | "
                        f"{cell(f.clean)} | {cell(f.apm)} |")
    return rows


def constant_value(c: Constant) -> str:
    if c.params:
        return f"`{c.body}`"
    if c.name.endswith("_SHIFT"):
        return str(c.value)
    if c.name.startswith("TLB_CONTROL_"):
        return hexh(c.value, 2)
    if c.name.startswith("SVM_EXIT_"):
        return hexh(c.value)
    return f"{c.value:X}h"


def group_table(g: Group, exits: dict) -> list:
    is_intercept = any(c.name.startswith(p) for c in g.constants
                       for p in INTERCEPT_BASE) or \
        any(c.name in INTERCEPT_RULE for c in g.constants)
    if is_intercept:
        rows = ["| constant | value | exit code | meaning |",
                "|---|---|---|---|"]
    else:
        rows = ["| constant | value | meaning |", "|---|---|---|"]
    for c in g.constants:
        name = f"`{c.name}{c.params}`"
        if not is_intercept:
            rows.append(f"| {name} | {constant_value(c)} | {cell(c.doc)} |")
            continue
        if c.name in INTERCEPT_RULE:
            code = INTERCEPT_RULE[c.name]
        else:
            value = intercept_exit(c, exits)
            code = f"{hexh(value)} {exits[value]}"
        rows.append(f"| {name} | {constant_value(c)} | {code} | "
                    f"{cell(c.doc)} |")
    return rows


INTRO = """\
<!-- Generated by tools/gen_vmcb_md.py from src/svm/vmcb.h and
     src/svm/exits.c; do not edit.  Change those files, then run
     /usr/bin/python3 tools/gen_vmcb_md.py to regenerate this page.
     tests/test_reference.py fails while the page is out of date. -->

# The VMCB, field by field {#vmcb_reference}

This page lists every field of the Virtual Machine Control Block (APM2
Appendix B "Layout of VMCB"), every constant of `src/svm/vmcb.h` and
every exit code of APM2 Appendix C "SVM Intercept Exit Codes".  Offsets,
sizes and values were printed by the compiler from `src/svm/vmcb.h`;
the words are the header's Doxygen comments.  APM2 is AMD publication
24593, revision 3.41 or later.

How to read the field tables:

- **offset**: from the start of the VMCB, in APM notation.  APM2 Table
  B-2 counts save-area offsets from 400h, so EFER, 4D0h here, is 0D0h
  there.
- **written by**: *hypervisor* means software fills the field in before
  VMRUN and the processor only reads it; *processor* means the processor
  stores it (at #VMEXIT unless noted) and software only reads it;
  *both* means VMRUN or VMLOAD reads it and #VMEXIT or VMSAVE stores the
  guest's current value back.
- **clean bit**: the bit of the VMCB clean field (0C0h) that lets VMRUN
  keep a cached copy of the field; the hypervisor clears it whenever it
  changes the field.  *none* means VMRUN reads the field from memory on
  every run (or, where noted, does not load it at all).
"""

EXITS_INTRO = """\
The code #VMEXIT stores in EXITCODE (070h), as named by
`src/svm/exits.c`.  The negative codes report a VMRUN that failed.
QEMU's TCG stores VMEXIT_INVALID as 0000_0000_FFFF_FFFFh, a 32-bit -1;
`svm_exit_code_normalize()` turns such a value into the 64-bit code
before `svm_exit_name()` looks it up.
"""


# tools/gen_pictures.py draws it from the same fields when make docs runs.
LAYOUT_PICTURE = """\
The whole VMCB to scale, each field a box as tall as its size (drawn by
`make docs` from the same header):

![The VMCB layout: the control area and the state save area, fields to scale](vmcb-layout.png)
"""


def render(fields: list, groups: list, exits: list) -> str:
    by_code = {code: name for code, name, _ in exits}
    parts = [INTRO, LAYOUT_PICTURE]
    titles = {"vmcb_control": "## Control area, 000h-3FFh",
              "vmcb_seg": "## A segment register (struct vmcb_seg), "
                          "16 bytes",
              "vmcb_save": "## State save area, 400h-FFFh"}
    for struct in STRUCTS:
        parts.append(titles[struct] + "\n")
        if struct == "vmcb_seg":
            parts.append("Offsets are from the start of the segment "
                         "register; which clean bit covers it depends on "
                         "the segment (see the state save area).\n")
        rows = field_table([f for f in fields if f.struct == struct],
                           struct == "vmcb_seg")
        parts.append("\n".join(rows) + "\n")
    parts.append("## Constants\n")
    for g in groups:
        parts.append(f"### {g.title}\n")
        parts.append(cell(g.text) + "\n")
        if g.diagram:
            parts.append("```\n" + g.diagram + "\n```\n")
        parts.append("\n".join(group_table(g, by_code)) + "\n")
    parts.append("## Exit codes (APM2 Appendix C)\n")
    parts.append(EXITS_INTRO)
    rows = ["| code | name | meaning |", "|---|---|---|"]
    for code, name, meaning in exits:
        rows.append(f"| {hexh(code)} | {name} | {cell(meaning)} |")
    parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)


def generate() -> str:
    text = HEADER.read_text()
    fields = [f for s in STRUCTS for f in parse_struct(text, s)]
    groups = parse_groups(text)
    check_all_defines_documented(text, groups)
    consts = [c for g in groups for c in g.constants]
    printed = ask_compiler(c_program(fields, consts), "gen_vmcb_md", (EXITS_C,))
    exits = apply_compiler(printed, fields, consts)
    check_field_docs(fields)
    return render(fields, groups, exits)




if __name__ == "__main__":
    sys.exit(mdgen.main("gen_vmcb_md", OUT, generate,
                        __doc__.split("\n")[0]))
