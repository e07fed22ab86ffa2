#!/usr/bin/python3
"""Write the behaviour catalog: what every chapter test teaches, and what
each emulator did when it ran.

    tools/gen_catalog.py --record DIR --out OUTDIR

The input is a record made by the test harness (``pytest tests/test_ch*.py
--emu both --record DIR``, which ``make catalog`` runs):
DIR/<emu>/<test>.json per test instance, with its outcome and the serial
logs of its boots, which are copied to DIR/logs/.  A test parametrized by
CPU model has no emu parameter: the record takes the emulator from its
boots.  The logs are read with tests/svmtrace.py and nothing else.

The output is Doxygen Markdown: OUTDIR/catalog.md, the index (page
``catalog``), and OUTDIR/catalog_chNN.md for each chapter (page
``catalog_chNN``).  Each chapter test function gets a section with

- the lesson: the test's docstring (the test file's module docstring
  heads the page);
- the source of the guests it is about;
- per emulator, the result and the exit sequence of those guests: one
  table row per #VMEXIT (APM2 §15.6, Appendix C exit codes) with
  EXITINFO1/2, EXITINTINFO (§15.7.2) and the hypervisor's decode (the
  exit event's "dec", the hypercall named after guest_abi.h, and the npf,
  mmio and vmgexit events that follow the exit), the guest symbol at RIP
  (nm of build/guests/<guest>.elf, if older than the log), and runs of
  identical exits folded into one row.

Which guests a test is about: the guest names that occur as string
literals in the test function (or in its parametrization id); failing
that, in the module constants and helper functions it refers to; failing
that, the first few guests its runs started.  The prose is escaped for
Doxygen, which builds the docs with WARN_AS_ERROR, so the pages must not
cause a single warning.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import svmtrace  # noqa: E402  (tests/ is not a package)

EMUS = ("qemu", "bochs")
EMU_NAME = {"qemu": "QEMU", "bochs": "Bochs"}
CHAPTER_FILE = re.compile(r"^test_ch(\d+)_\w+\.py$")

MAX_ROWS = 30           # rows of one exit table before it is cut
TAIL_ROWS = 6           # of which the last ones are kept: how it ended
MAX_TABLES = 24         # guest exit tables per test and emulator
FALLBACK_GUESTS = 3     # guests shown for a test that names none
MAX_SOURCE_LINES = 250  # lines of one guest source shown

#: decoded members shown in decimal; other integers of 10 and up in hex
DECIMAL_KEYS = {"len", "size", "asize", "vector", "gpr", "seg", "bytes",
                "count", "pages"}


class CatalogError(Exception):
    """The record cannot be turned into a catalog."""


# ---- Doxygen Markdown ----------------------------------------------------

_SPECIAL = set("\\@<>&$%#|_")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^\s*](?:[^*]*[^\s*])?)\*(?![\w*])")


def _escape_plain(text: str) -> str:
    """Prose without code spans, made literal for Doxygen: its command
    characters, HTML, and Markdown emphasis other than *words*."""
    out = []
    pos = 0
    for m in _EMPHASIS.finditer(text):
        out.append(_escape_chars(text[pos:m.start()]))
        out.append("*" + _escape_chars(m.group(1)) + "*")
        pos = m.end()
    out.append(_escape_chars(text[pos:]))
    return "".join(out)


def _escape_chars(text: str) -> str:
    """Every character Doxygen would act on, made literal.  A double
    quote becomes &quot;: Doxygen copies text between two quotes as it
    stands, escapes included, and an unmatched one runs on to the end
    of the page."""
    return "".join("&quot;" if c == '"' else
                   "\\" + c if c in _SPECIAL or c in "*`" else c
                   for c in text)


def inline(text: str) -> str:
    """One line of prose, safe anywhere in a page, table cells included.

    Code spans (`x` or RST ``x``) become <code> with escaped contents:
    Doxygen still eats a % in front of a word inside backticks, and a
    backslash before | inside backticks in a table shows."""
    out = []
    pos = 0
    for m in re.finditer(r"(`+)(.+?)\1", text):
        out.append(_escape_plain(text[pos:m.start()]))
        out.append("<code>" + _escape_chars(m.group(2)) + "</code>")
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    line = "".join(out)
    # What would start a list or a heading at the start of a line.
    m = re.match(r"^(\s*)(?:([-+=])|(\d+)([.)]))(\s|$)", line)
    if m and m.group(2):
        return m.group(1) + "\\" + line[len(m.group(1)):]
    if m:
        return m.group(1) + m.group(3) + "\\" + line[m.end(3):]
    return line


def cell(text: str) -> str:
    """A table cell: one line."""
    return inline(" ".join(str(text).split()))


_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s+")


def prose(doc: str) -> str:
    """A docstring as Markdown paragraphs.

    Plain paragraphs are joined into one line each (so that a wrapped
    line starting with "-" does not become a list); "- item" lines
    stay list items, their indented lines continue them; a block
    indented by four or more is shown verbatim."""
    lines = doc.expandtabs().splitlines()
    blocks, para, code = [], [], []

    def flush_para():
        if para:
            blocks.append(_paragraph(para))
            para.clear()

    def flush_code():
        if code:
            while code and not code[-1].strip():
                code.pop()
            width = min(len(l) - len(l.lstrip()) for l in code if l.strip())
            blocks.append("\n".join(["```"] + [l[width:] for l in code]
                                    + ["```"]))
            code.clear()

    for line in lines:
        indent = len(line) - len(line.lstrip())
        if code and (not line.strip() or indent >= 4):
            code.append(line)
            continue
        flush_code()
        if not line.strip():
            flush_para()
        elif indent >= 4 and not para:
            code.append(line)
        else:
            para.append(line)
    flush_para()
    flush_code()
    return "\n\n".join(b for b in blocks if b)


def _paragraph(lines: list) -> str:
    """One paragraph of a docstring: text, then perhaps a list."""
    out, text, item = [], [], None
    for line in lines:
        stripped = line.strip()
        m = _LIST_ITEM.match(stripped)
        if m and not line[:1].isspace():
            if item is not None:
                out.append(item)
            elif text:
                out.append(inline(" ".join(text)))
                out.append("")
                text = []
            item = m.group(1) + " " + inline(stripped[m.end():])
        elif item is not None:
            item += " " + inline(stripped)
        else:
            text.append(stripped)
    if item is not None:
        out.append(item)
    elif text:
        out.append(inline(" ".join(text)))
    return "\n".join(out)


def first_paragraph(doc: str | None) -> str:
    """The summary of a docstring, as one line."""
    if not doc:
        return ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def rest_paragraphs(doc: str | None) -> str:
    parts = (doc or "").strip().split("\n\n", 1)
    return parts[1] if len(parts) > 1 else ""


def ref_text(text: str) -> str:
    """The text of an @ref: taken as it is, so only plain characters."""
    return re.sub(r"[^A-Za-z0-9_.,:+= -]", "_", text)


def label(*parts) -> str:
    """A Doxygen label: letters, digits and underscores."""
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(str(p) for p in parts))


# ---- the test sources ------------------------------------------------------

@dataclass
class TestFunc:
    """One test function of a chapter file, as its source shows it."""

    name: str
    doc: str
    literals: set            # strings in the function and decorators
    indirect: set            # strings of the constants/helpers it uses
    only: tuple              # @pytest.mark.emulators(...), or all


@dataclass
class Chapter:
    number: int
    file: str
    doc: str
    tests: list


def _strings(node, skip_subscripts=True) -> set:
    """The string constants under ``node`` that could name a guest: not
    the keys of subscripts (e["guest"]) or event kinds (t.of("exit"))."""
    skip = set()
    for n in ast.walk(node):
        if skip_subscripts and isinstance(n, ast.Subscript):
            skip.add(id(n.slice))
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr in ("of", "one", "report", "checks")):
            skip.update(id(a) for a in n.args)
    return {n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in skip}


def _names(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _emulators_mark(node) -> tuple:
    """The emulators of @pytest.mark.emulators("qemu"), or all of them."""
    for d in node.decorator_list:
        if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) \
                and d.func.attr == "emulators":
            return tuple(a.value for a in d.args
                         if isinstance(a, ast.Constant))
    return EMUS


def read_chapter(path: Path) -> Chapter:
    tree = ast.parse(path.read_text(), str(path))
    consts, helpers = {}, {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) \
                else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and node.value is not None:
                    consts[t.id] = _strings(node.value, False)
        elif isinstance(node, ast.FunctionDef) and \
                not node.name.startswith("test"):
            helpers[node.name] = _strings(node)
    tests = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and \
                node.name.startswith("test"):
            literals = _strings(node)
            for d in node.decorator_list:
                literals |= _strings(d, False)
            indirect = set()
            refs = _names(node)
            for d in node.decorator_list:
                refs |= _names(d)
            for name in refs:
                indirect |= consts.get(name, set()) | helpers.get(name, set())
            tests.append(TestFunc(node.name, ast.get_docstring(node) or "",
                                  literals, indirect,
                                  _emulators_mark(node)))
    m = CHAPTER_FILE.match(path.name)
    return Chapter(int(m.group(1)), path.name, ast.get_docstring(tree) or "",
                   tests)


# ---- the record ------------------------------------------------------------

@dataclass
class Instance:
    """One recorded test instance (one parametrization on one emulator)."""

    file: str
    function: str
    emu: str
    variant: str
    outcome: str
    runs: list


def _variant(nodeid: str) -> str:
    m = re.search(r"\[(.*)\]$", nodeid)
    return m.group(1) if m else ""


def _emu_of(rec: dict, variant: str) -> str | None:
    """The emulator of a record: its own "emu", or else (a record made
    before the harness wrote it for tests parametrized by CPU model) the
    emulator its id (cpu_models.Model.id) or its boots name."""
    if rec.get("emu") in EMUS:
        return rec["emu"]
    for emu in EMUS:
        if variant == emu or variant.startswith(emu + "-"):
            return emu
    for run in rec.get("runs", []):
        if run.get("emu") in EMUS:
            return run["emu"]
        m = re.search(r"(?:^|-)(qemu|bochs)-", Path(run.get("log", "")).name
                      [len(rec.get("emu", "")) + 1:])
        if m:
            return m.group(1)
    return None


def _strip_emu(variant: str, emu: str) -> str:
    """The parametrization id without the emulator: "qemu-cpuid" is
    "cpuid", a model id "bochs-ryzen" is "ryzen"."""
    if variant == emu:
        return ""
    if variant.startswith(emu + "-"):
        return variant[len(emu) + 1:]
    if variant.endswith("-" + emu):
        return variant[:-len(emu) - 1]
    return variant


def read_record(top: Path) -> list:
    if not top.is_dir():
        raise CatalogError(f"{top}: no such record directory")
    out = []
    for path in sorted(top.glob("*/*.json")):
        try:
            rec = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise CatalogError(f"{path}: not a test record ({err})") from None
        if not isinstance(rec, dict) or "function" not in rec:
            continue
        variant = _variant(rec.get("nodeid", ""))
        emu = _emu_of(rec, variant)
        if emu is None:
            continue        # a host-only test: nothing ran on an emulator
        runs = []
        for run in rec.get("runs", []):
            run = dict(run)
            run["path"] = top / run["log"] if run.get("log") else None
            runs.append(run)
        out.append(Instance(rec.get("file", ""), rec["function"], emu,
                            _strip_emu(variant, emu),
                            rec.get("outcome", "unknown"), runs))
    if not out:
        raise CatalogError(f"{top}: the record holds no test of an emulator")
    return out


class Traces:
    """Each serial log parsed once, with tests/svmtrace.py.

    A log whose trace has a broken line (an emulator killed in the middle
    of one, say) is read line by line with the same parser, keeping the
    lines it accepts and counting the others."""

    def __init__(self):
        self.cache = {}
        self.notes = {}

    def get(self, path: Path | None):
        if path is None:
            return None
        if path not in self.cache:
            self.cache[path] = self._read(path)
        return self.cache[path]

    def _read(self, path: Path):
        try:
            text = path.read_text(errors="replace")
        except OSError as err:
            self.notes[path] = f"its serial log is missing ({err.strerror})"
            return None
        try:
            return svmtrace.parse(text)
        except svmtrace.TraceError:
            pass
        trace, bad = svmtrace.Trace(), 0
        for n, line in enumerate(text.splitlines(), 1):
            try:
                event = svmtrace.parse_line(line.rstrip("\r"), n)
            except svmtrace.TraceError:
                bad += 1
                continue
            if event is None:
                trace.text.append(line)
            else:
                trace.events.append(event)
        self.notes[path] = (f"{bad} trace line(s) of its serial log are "
                            "broken and left out")
        return trace


def hypercall_names(abi: Path) -> dict:
    """HC_* numbers of guest_abi.h whose comment says "Hypercall"."""
    try:
        text = abi.read_text()
    except OSError:
        return {}
    names = {}
    for m in re.finditer(r"/\*\*((?:(?!\*/).)*)\*/\s*#define\s+(HC_\w+)\s+"
                         r"(0x[0-9a-fA-F]+|\d+)\b", text, re.S):
        if "Hypercall" in m.group(1):
            names.setdefault(int(m.group(3), 0), m.group(2))
    return names


class Symbols:
    """Guest code symbols from the built images (nm), to name exit RIPs.

    Only an image older than the log is used: one rebuilt since the
    record was made may have moved its code."""

    def __init__(self, elf_dir: Path):
        self.elf_dir = elf_dir
        self.cache = {}

    def table(self, guest: str, log: Path | None) -> list:
        elf = self.elf_dir / f"{guest}.elf"
        try:
            if log is None or elf.stat().st_mtime > log.stat().st_mtime:
                return []
        except OSError:
            return []
        if guest not in self.cache:
            try:
                out = subprocess.run(["nm", "-n", str(elf)],
                                     capture_output=True, text=True,
                                     check=True).stdout
            except (OSError, subprocess.CalledProcessError):
                out = ""
            syms, end = [], None
            for line in out.splitlines():
                parts = line.split()
                if len(parts) != 3:
                    continue
                if parts[1] in "tT":
                    syms.append((int(parts[0], 16), parts[2]))
                elif parts[2] == "__guest_end":
                    end = int(parts[0], 16)
            self.cache[guest] = (syms, end)
        return self.cache[guest]

    def name(self, guest: str, log: Path | None, rip: int) -> str:
        """"label" or "label+0xN" for a RIP inside the guest's code."""
        syms, end = self.table(guest, log) or ([], None)
        best = None
        for addr, sym in syms:
            if addr > rip:
                break
            best = (addr, sym)
        if best is None or end is None or rip >= end:
            return ""
        return best[1] if rip == best[0] else f"{best[1]}+{rip - best[0]:#x}"


# ---- exit tables ----------------------------------------------------------

def _num(value, key="") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if key in DECIMAL_KEYS or -10 < value < 10:
            return str(value)
        return hex(value) if value >= 0 else "-" + hex(-value)
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def decoded(e: dict, hcalls: dict) -> str:
    """The hypercall number of a VMMCALL and the exit's "dec" members."""
    parts = []
    if "rax" in e:
        rax = e["rax"]
        parts.append(f"rax={_num(rax)}" +
                     (f" ({hcalls[rax]})" if rax in hcalls else ""))
    for k, v in (e.get("dec") or {}).items():
        parts.append(f"{k}={_num(v, k)}")
    return "; ".join([" ".join(parts)] * bool(parts) + e.get("then", []))


def _follow_up(ev: dict) -> str | None:
    """What the hypervisor made of an exit, from the event after it."""
    if ev["ev"] == "npf":
        return f"npf: {ev['flags']}, {ev['action']}"
    if ev["ev"] == "mmio":
        return (f"mmio: {'write' if ev['write'] else 'read'} "
                f"size={ev['size']} value={_num(ev['value'])}")
    if ev["ev"] == "vmgexit":
        return f"vmgexit: {ev['name']}" + \
            (f" error={ev['error']}" if ev.get("error") else "")
    return None


def guest_exits(trace, guest: str) -> list:
    """The guest's exits, each with "then": the hypervisor's reading of
    it from the npf, mmio and vmgexit events that follow it."""
    out = []
    for ev in trace.events:
        if ev.get("guest") != guest:
            continue
        if ev["ev"] == "exit":
            out.append(dict(ev, then=[]))
        elif out:
            note = _follow_up(ev)
            if note:
                out[-1]["then"].append(note)
    return out


def _same(e: dict):
    """What makes two exits the same row."""
    return (e["code"], e["rip"], e["nrip"], e["info1"], e["info2"],
            e["intinfo"], e.get("rax"),
            json.dumps(e.get("dec"), sort_keys=True), e.get("then"))


def collapse(exits: list) -> list:
    """Runs of identical exits as [first exit, count]."""
    rows = []
    for e in exits:
        if rows and _same(rows[-1][0]) == _same(e):
            rows[-1][1] += 1
        else:
            rows.append([e, 1])
    return rows


def exit_table(exits: list, hcalls: dict, where=lambda rip: "") -> tuple:
    """The Markdown table of a guest's exits, and how many it shows.

    Identical consecutive exits are one row ("n-m ×k"); past MAX_ROWS
    rows the middle is left out, so that the end (how the guest
    finished) stays in view."""
    rows = collapse(exits)
    shown, cut = rows, None
    if len(rows) > MAX_ROWS + 2:       # leave out three rows or more
        head = MAX_ROWS - TAIL_ROWS
        shown = rows[:head] + rows[-TAIL_ROWS:]
        cut = (head, sum(c for _, c in rows[head:-TAIL_ROWS]))
    nrip = any(e["nrip"] for e in exits)
    intinfo = any(e["intinfo"] for e in exits)
    syms = any(where(e["rip"]) for e in exits)
    cols = (["n", "code", "name", "RIP"] + (["at"] if syms else []) +
            (["NRIP"] if nrip else []) + ["EXITINFO1", "EXITINFO2"] +
            (["EXITINTINFO"] if intinfo else []) + ["decoded"])
    lines = ["| " + " | ".join(cols) + " |",
             "|" + "|".join("---" for _ in cols) + "|"]
    count = 0
    for i, (e, n) in enumerate(shown):
        if cut and i == cut[0]:
            gap = f"... {cut[1]} more exits ..."
            lines.append("| " + " | ".join([gap] + [""] * (len(cols) - 1))
                         + " |")
        count += n
        first = str(e["n"]) if n == 1 else f"{e['n']}-{e['n'] + n - 1} ×{n}"
        vals = [first, hex(e["code"]), e["name"], hex(e["rip"])]
        if syms:
            vals.append(where(e["rip"]))
        if nrip:
            vals.append(hex(e["nrip"]))
        vals += [hex(e["info1"]), hex(e["info2"])]
        if intinfo:
            vals.append(hex(e["intinfo"]) if e["intinfo"] else "")
        vals.append(decoded(e, hcalls))
        lines.append("| " + " | ".join(cell(v) for v in vals) + " |")
    return "\n".join(lines), count


# ---- the catalog ----------------------------------------------------------

@dataclass
class Stats:
    tests: int = 0
    on: dict = field(default_factory=lambda: {e: 0 for e in EMUS})
    exits: int = 0
    pages: int = 0
    size: int = 0


def result_text(instances: list, emu: str = "", t=None) -> str:
    """One emulator's result for a test function, over its instances."""
    if not instances and t is not None and emu not in t.only:
        return "n/a (" + " and ".join(EMU_NAME.get(e, e)
                                      for e in t.only) + " only)"
    if not instances:
        return "not recorded"
    outcomes = [i.outcome for i in instances]
    if len(set(outcomes)) == 1:
        text = outcomes[0]
        if len(outcomes) > 1:
            text += f" ({len(outcomes)} of {len(outcomes)})"
        return text
    counts = {o: outcomes.count(o) for o in dict.fromkeys(outcomes)}
    return ", ".join(f"{n} {o}" for o, n in counts.items())


def chapter_title(ch: Chapter) -> str:
    """The module docstring's summary without "Chapter N:" or its stop."""
    title = re.sub(r"^Chapter\s+\d+\s*:\s*", "", first_paragraph(ch.doc))
    return title[:-1] if title.endswith(".") else title


def run_name(run: dict) -> str:
    return (f"-cpu {run.get('cpu', '?')}, {run.get('via', '?')}, "
            f"\"{run.get('args', '')}\"")


class Catalog:
    def __init__(self, tests_dir: Path, guests_dir: Path, elf_dir: Path,
                 record: list, hcalls: dict):
        self.guests_dir = guests_dir
        self.hcalls = hcalls
        self.record = record
        self.traces = Traces()
        self.symbols = Symbols(elf_dir)
        self.stats = Stats()
        self.kernel = ""            # the record's kernel.sha1
        self.src_label = {}         # guest -> label of its source
        self.table_label = {}       # (log, guest) -> label of its exits
        self.chapters = sorted((read_chapter(p)
                                for p in tests_dir.glob("test_ch*.py")
                                if CHAPTER_FILE.match(p.name)),
                               key=lambda c: c.number)
        known = {(c.file, t.name) for c in self.chapters for t in c.tests}
        self.by_test, self.stale = {}, []
        for inst in record:
            if (inst.file, inst.function) in known:
                self.by_test.setdefault((inst.file, inst.function),
                                        []).append(inst)
            elif CHAPTER_FILE.match(inst.file):
                self.stale.append(inst)

    # -- which guests ------------------------------------------------------
    def guest_file(self, guest: str) -> Path | None:
        for ext in (".S", ".c"):
            p = self.guests_dir / (guest + ext)
            if p.is_file():
                return p
        return None

    @staticmethod
    def in_run(trace) -> list:
        """The guests (and VMRUN cases) of a run, in order."""
        names = [e["guest"] for e in trace.of("guest_start")]
        names += [e["guest"] for e in trace.of("exit")]
        return list(dict.fromkeys(names))

    def guests_of(self, test: TestFunc, inst: Instance, trace) -> tuple:
        """(the guests of this run the test is about, fallback?)."""
        ran = self.in_run(trace)
        direct = test.literals | set(inst.variant.split("-")) | \
            {inst.variant}
        for wanted in (direct, test.indirect):
            found = [g for g in ran if g in wanted]
            if found:
                return found, False
        started = list(dict.fromkeys(e["guest"]
                                     for e in trace.of("guest_start")))
        return started[:FALLBACK_GUESTS], True

    def guest_runs(self, t: TestFunc, insts: list) -> list:
        """[(instance, run, trace, guests, fallback)] for each boot."""
        out = []
        for inst in sorted(insts, key=lambda i: i.variant):
            for run in inst.runs:
                trace = self.traces.get(run["path"])
                guests, fallback = ([], False) if trace is None else \
                    self.guests_of(t, inst, trace)
                out.append((inst, run, trace, guests, fallback))
        return out

    def results(self, key) -> dict:
        insts = self.by_test.get(key, [])
        return {emu: [i for i in insts if i.emu == emu] for emu in EMUS}

    # -- chapter pages -----------------------------------------------------
    def chapter_page(self, ch: Chapter) -> str:
        page = "catalog_ch%02d" % ch.number
        # a page title shows escapes as they are: no "\#" there
        title = inline(chapter_title(ch)).replace("\\#", "#")
        out = [f"# Chapter {ch.number} catalog: {title}"
               f" {{#{page}}}", ""]
        rest = rest_paragraphs(ch.doc)
        if rest:
            out += [prose(rest), ""]
        out += [f"The tests of <code>tests/{inline(ch.file)}</code>, as "
                'recorded; back to the @ref catalog "behaviour catalog".',
                ""]
        for t in ch.tests:
            out.append(f'- @ref {label(page, t.name)} "{ref_text(t.name)}"')
        out.append("")
        for t in ch.tests:
            out += self.test_section(ch, page, t)
        return "\n".join(out) + "\n"

    def test_section(self, ch: Chapter, page: str, t: TestFunc) -> list:
        res = self.results((ch.file, t.name))
        out = [f"## {inline(t.name)} {{#{label(page, t.name)}}}", "",
               "Result: " + "; ".join(
                   f"{EMU_NAME[e]} {inline(result_text(res[e], e, t))}"
                   for e in EMUS) + ".", "",
               prose(t.doc) if t.doc else "(The test has no docstring.)",
               ""]
        runs = {e: self.guest_runs(t, res[e]) for e in EMUS}
        guests = [g for e in EMUS for *_, gs, fallback in runs[e]
                  if not fallback for g in gs]
        out += self.sources(list(dict.fromkeys(guests)))
        for emu in EMUS:
            out += self.emu_section(page, emu, t, res[emu], runs[emu])
        return out

    def sources(self, guests: list) -> list:
        """The guests' sources, each shown once in the whole catalog."""
        out, links = [], []
        for g in guests:
            path = self.guest_file(g)
            if path is None:
                continue
            if g in self.src_label:
                links.append(f'@ref {self.src_label[g]} "{ref_text(g)}"')
                continue
            lab = label("catalog_src", g)
            self.src_label[g] = lab
            lines = path.read_text(errors="replace").expandtabs(8) \
                .rstrip("\n").splitlines()
            out += [f"### Guest {inline(g)} {{#{lab}}}", "",
                    f"<code>guests/{inline(path.name)}</code>:", "",
                    "```" + ("asm" if path.suffix == ".S" else "c")]
            out += [l.replace("```", "`` `") for l in
                    lines[:MAX_SOURCE_LINES]]
            out += ["```", ""]
            if len(lines) > MAX_SOURCE_LINES:
                out += [f"(The first {MAX_SOURCE_LINES} of {len(lines)} "
                        "lines.)", ""]
        if links:
            out = ["### Guest sources", "",
                   "Shown earlier in the catalog: " + ", ".join(links) + ".",
                   ""] + out
        return out

    def emu_section(self, page: str, emu: str, t: TestFunc, insts: list,
                    runs: list) -> list:
        name = EMU_NAME[emu]
        out = [f"### {name}: {inline(result_text(insts, emu, t))}", ""]
        if not insts and emu not in t.only:
            return out + [f"The test is not meant for {name} "
                          "(its <code>\\@pytest.mark.emulators</code>).",
                          ""]
        if not insts:
            return out + [f"The record has no run of this test on {name}.",
                          ""]
        if len(insts) > 1 or insts[0].variant:
            out += ["| instance | result |", "|---|---|"]
            out += [f"| {cell(i.variant or '(default)')} | "
                    f"{cell(i.outcome)} |"
                    for i in sorted(insts, key=lambda i: i.variant)]
            out.append("")
        if not any(inst.runs for inst in insts):
            return out + ["The test booted nothing.", ""]
        seen, tables, refs = set(), 0, []
        for inst, run, trace, guests, fallback in runs:
            path = run["path"]
            if path in self.traces.notes:
                out += [f"Run {cell(run_name(run))}: "
                        f"{inline(self.traces.notes[path])}.", ""]
            if trace is None:
                continue
            if fallback and guests:
                out += ["The test names no guest of its run "
                        f"{cell(run_name(run))}, which started "
                        f"{len(self.in_run(trace))}; the first "
                        f"{len(guests)} follow.", ""]
            for g in guests:
                if (path, g) in seen:
                    continue
                seen.add((path, g))
                if (path, g) in self.table_label:
                    refs.append(f'@ref {self.table_label[(path, g)]} '
                                f'"{ref_text(g)}"')
                    continue
                tables += 1
                if tables > MAX_TABLES:
                    continue
                out += self.guest_table(page, inst, run, trace, g)
        if tables > MAX_TABLES:
            out += [f"({tables - MAX_TABLES} more guest runs are not "
                    "shown.)", ""]
        if refs:
            out += ["The exits of " + ", ".join(refs) + " in this test's "
                    "runs are shown with an earlier test.", ""]
        if not seen:
            out += ["Its runs started no guest.", ""]
        return out

    def guest_table(self, page, inst, run, trace, g) -> list:
        path = run["path"]
        lab = label(page, "exits", len(self.table_label) + 1, g)
        self.table_label[(path, g)] = lab
        exits = guest_exits(trace, g)
        head = f"#### Exits of {inline(g)}"
        if inst.variant and inst.variant != g:
            head += f" ({inline(inst.variant)})"
        note = "Run: " + cell(run_name(run)) + "."
        ends = [e for e in trace.of("guest_end") if e["guest"] == g]
        if len(ends) == 1:
            end = ends[0]
            how = f"ended {end['result']}"
            if end.get("expected") and end["expected"] != end["result"]:
                how += f", expected {end['expected']}"
            if end.get("reason"):
                how += f" ({end['reason']})"
            note += " The guest " + cell(how) + "."
        stats = [s for s in trace.of("exit_stats") if s["guest"] == g]
        total = sum(s["total"] for s in stats)
        if stats and total != len(exits):
            note += (f" The kernel counted {total} exits, {len(exits)} "
                     "of them traced.")
        out = [f"{head} {{#{lab}}}", "", note, ""]
        if not exits:
            return out + ["No exits.", ""]
        table, count = exit_table(
            exits, self.hcalls,
            lambda rip: self.symbols.name(g, path, rip))
        self.stats.exits += count
        return out + [table, ""]

    # -- the index -----------------------------------------------------------
    def index_page(self) -> str:
        cpus = {e: {} for e in EMUS}
        brands = {e: set() for e in EMUS}
        versions = set()
        for inst in self.record:
            for run in inst.runs:
                cpu = run.get("cpu", "?")
                cpus[inst.emu][cpu] = cpus[inst.emu].get(cpu, 0) + 1
                trace = self.traces.get(run["path"])
                for e in trace.of("run") if trace else ():
                    brands[inst.emu].add(str(e["cpu"].get("brand", ""))
                                         .strip())
                    versions.add(str(e["version"]))
        out = [
            "# Behaviour catalog {#catalog}", "",
            "What each chapter test teaches, and what the emulators did "
            "when it ran. For every test of "
            "<code>tests/test_chNN_*.py</code> the chapter pages give the "
            "lesson (the test's docstring), the source of the guests it is "
            "about, and for each emulator the result and the guests' exit "
            "sequences: every \\#VMEXIT with its exit code (APM2 Appendix "
            "C), RIP, EXITINFO1 and EXITINFO2, EXITINTINFO when an event "
            "was being delivered (APM2 §15.7.2), and what svmlab's "
            "hypervisor decoded (the <code>exit</code> event of "
            "docs/trace-format.md; a VMMCALL's hypercall number is named "
            "after src/svm/guest\\_abi.h; after a semicolon, what the "
            "<code>npf</code>, <code>mmio</code> and <code>vmgexit</code> "
            "events that followed the exit say). Identical consecutive "
            "exits are one row marked ×N; a long sequence keeps its "
            "beginning and its end. The \"at\" column names the guest "
            "symbol at RIP.", "",
            "It is written for emulator and hypervisor developers: where "
            "QEMU and Bochs differ, both answers are here, next to the "
            "lesson that says what the APM requires.", "",
            "The pages are generated by <code>tools/gen_catalog.py</code> "
            "from a record of the tests (<code>make catalog</code> runs the "
            "chapter tests on both emulators with <code>--record</code>) "
            "and rebuilt by <code>make docs</code>. This record:", ""]
        for emu in EMUS:
            if not cpus[emu]:
                out.append(f"- {EMU_NAME[emu]}: not recorded.")
                continue
            models = ", ".join(
                f"<code>{_escape_chars(c)}</code> ({n} "
                f"boot{'s' if n != 1 else ''})"
                for c, n in sorted(cpus[emu].items(), key=lambda x: -x[1]))
            line = f"- {EMU_NAME[emu]}: CPU models {models}"
            names = sorted(b for b in brands[emu] if b)
            if names:
                line += "; CPUID brand " + ", ".join(
                    f"\"{inline(b)}\"" for b in names)
            out.append(line + ".")
        if versions:
            out.append("- svmlab " + ", ".join(
                inline(v) for v in sorted(versions)) + (
                f", kernel.elf SHA-1 <code>{inline(self.kernel)}</code>"
                if self.kernel else "") + ".")
        out += ["", "A result is what pytest reported: passed, failed or "
                "skipped; \"n of n\" for a test with n parametrizations; "
                "\"not recorded\" when the record has no run of the test "
                "on that emulator; \"n/a\" for a test meant for the other "
                "emulator only.", ""]
        for ch in self.chapters:
            page = "catalog_ch%02d" % ch.number
            out += [f"## Chapter {ch.number}: {inline(chapter_title(ch))} "
                    f"{{#catalog_idx_ch{ch.number:02d}}}", "",
                    f"The entries: @subpage {page}", "",
                    "| test | lesson | QEMU | Bochs |",
                    "|---|---|---|---|"]
            for t in ch.tests:
                res = self.results((ch.file, t.name))
                out.append(
                    f'| @ref {label(page, t.name)} "{ref_text(t.name)}"'
                    f" | {cell(first_paragraph(t.doc))} | "
                    f"{cell(result_text(res['qemu'], 'qemu', t))} | "
                    f"{cell(result_text(res['bochs'], 'bochs', t))} |")
            out.append("")
        return "\n".join(out) + "\n"


def generate(record_dir: Path, out_dir: Path, tests_dir: Path,
             guests_dir: Path, elf_dir: Path, abi: Path) -> Stats:
    """Write the pages; return what the summary line counts."""
    record = read_record(record_dir)
    cat = Catalog(tests_dir, guests_dir, elf_dir, record,
                  hypercall_names(abi))
    try:
        cat.kernel = (record_dir / "kernel.sha1").read_text().split()[0]
    except (OSError, IndexError):
        pass
    if not cat.chapters:
        raise CatalogError(f"{tests_dir}: no chapter tests (test_chNN_*.py)")
    pages = {"catalog_ch%02d.md" % ch.number: cat.chapter_page(ch)
             for ch in cat.chapters}
    pages["catalog.md"] = cat.index_page()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("catalog_ch*.md"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        (out_dir / name).write_text(text)
    s = cat.stats
    s.tests = sum(len(c.tests) for c in cat.chapters)
    for emu in EMUS:
        s.on[emu] = sum(1 for insts in cat.by_test.values()
                        if any(i.emu == emu for i in insts))
    s.pages = len(pages)
    s.size = sum(len(t.encode()) for t in pages.values())
    for inst in cat.stale:
        print(f"gen_catalog: {inst.file}::{inst.function} is recorded but "
              "not in the sources (an old record?)", file=sys.stderr)
    return s


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Write the behaviour catalog (Doxygen Markdown) from a "
                    "test record.")
    ap.add_argument("--record", required=True, type=Path,
                    help="the record directory (pytest --record DIR)")
    ap.add_argument("--out", required=True, type=Path,
                    help="where to write catalog.md and catalog_chNN.md")
    ap.add_argument("--tests", type=Path, default=ROOT / "tests",
                    help="the test sources (default: tests/)")
    ap.add_argument("--guests", type=Path, default=ROOT / "guests",
                    help="the guest sources (default: guests/)")
    ap.add_argument("--elfs", type=Path, default=ROOT / "build" / "guests",
                    help="the built guest images, for the symbols at RIP "
                         "(default: build/guests/)")
    ap.add_argument("--abi", type=Path,
                    default=ROOT / "src" / "svm" / "guest_abi.h",
                    help="guest_abi.h, for the hypercall names")
    ap.add_argument("--summary", action="store_true",
                    help="print the summary line (it always is)")
    args = ap.parse_args(argv)
    try:
        s = generate(args.record, args.out, args.tests, args.guests,
                     args.elfs, args.abi)
    except CatalogError as err:
        print(f"gen_catalog: {err}\n"
              "Make a record first: `make catalog` runs the chapter tests "
              "on both emulators with --record build/record (by hand: "
              "python3 -m pytest tests/test_ch*.py --emu both "
              "--record DIR).", file=sys.stderr)
        return 1
    print(f"catalog: {s.tests} tests ({s.on['qemu']} on QEMU, "
          f"{s.on['bochs']} on Bochs), {s.exits} exits shown, "
          f"{s.pages} pages, {(s.size + 1023) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
