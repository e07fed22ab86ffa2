"""The behaviour catalog generator (tools/gen_catalog.py), on a record
made up here.

The record imitates what ``pytest --record DIR`` writes: one JSON file
per test instance under DIR/<emu>/, serial logs under DIR/logs/ with the
kernel's trace lines (docs/trace-format.md).  A fake chapter file and a
fake guest stand in for tests/ and guests/.  The exits are #VMEXITs as
APM2 §15.6 describes them (EXITCODE, EXITINFO1/2; EXITINTINFO, §15.7.2),
with the hypervisor's decode.  Every expected string below is built from
the values written into the record, never read back from the output.
This is an infra test: it has no chapter.
"""

import html
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "gen_catalog.py"
sys.path.insert(0, str(ROOT / "tools"))
import gen_catalog  # noqa: E402

GUEST = "spin_me"
# A lesson with every character Doxygen would otherwise act on.
LESSON_FIRST = "PAUSE in a loop exits once per PAUSE, 100 times in a row."
LESSON_REST = ('The guest "spin_me" spins: #UD <never> & @none, 50% of '
               "$nothing, a | pipe, a back\\slash and `code_span %x`.")
MODULE_FIRST = "Chapter 7: a made-up chapter for the catalog test."
MODULE_REST = "It has <two> tests & one guest, #7 of \"many\"."
SOURCE_LINE = "spin_loop:      pause           /* the distinctive line */"

CHAPTER_FILE = f'''\
"""{MODULE_FIRST}

{MODULE_REST}
"""

CHAPTER = 7


def test_pause_loop_exits_every_time(emu, boot):
    """{LESSON_FIRST}

    {LESSON_REST.replace(chr(92), chr(92) * 2)}
    """
    g = "{GUEST}"
    assert g


def test_never_recorded(emu, boot):
    """Nothing ran this one."""
'''

GUEST_SOURCE = f"""\
/* spin_me.S - a fake guest for tests/test_catalog.py */
#include "guest.h"
GUEST_FUNC(guest_main)
{SOURCE_LINE}
        jmp     spin_loop
"""

# The exits of the guest on each emulator.
RIP_CPUID, RIP_PAUSE, RIP_OUT = 0x401000, 0x401010, 0x401020
RIP_DONE, RIP_NPF = 0x40107F, 0x401040
NPF_INFO1, NPF_GPA = (1 << 32) | 6, 0x20000       # final, user write
NPF_FLAGS, NPF_ACTION = "W U final", "demand"     # the kernel's reading
PF_INTINFO = 0x8000_0B0E            # V, EV, exception, vector 14
QEMU_PAUSES, BOCHS_PAUSES = 100, 3


def _exit(n, code, name, rip, info1=0, info2=0, intinfo=0, dec=None,
          rax=None):
    e = {"ev": "exit", "guest": GUEST, "n": n, "code": code, "name": name,
         "rip": rip, "nrip": 0, "info1": info1, "info2": info2,
         "intinfo": intinfo, "intctl": 0, "intstate": 0, "asid": 1,
         "gen": 0, "tlb": 0}
    if rax is not None:
        e["rax"] = rax
    if dec is not None:
        e["dec"] = dec
    return e


def exits(pauses):
    """CPUID, ``pauses`` identical PAUSEs, an OUT, a #PF, a #NPF,
    HC_DONE."""
    out = [_exit(1, 0x72, "CPUID", RIP_CPUID,
                 dec={"len": 2, "leaf": 1, "subleaf": 0})]
    out += [_exit(2 + i, 0x77, "PAUSE", RIP_PAUSE, dec={"len": 2})
            for i in range(pauses)]
    n = 2 + pauses
    out.append(_exit(n, 0x7B, "IOIO", RIP_OUT, info1=0x0080_0010,
                     info2=RIP_OUT + 2,
                     dec={"len": 2, "port": 0x80, "in": False,
                          "size": 1}))
    out.append(_exit(n + 1, 0x4E, "EXCP14", RIP_OUT + 2, info1=2,
                     info2=0x5000, intinfo=PF_INTINFO,
                     dec={"vector": 14, "error": 2, "cr2": 0x5000}))
    out.append(_exit(n + 2, 0x400, "NPF", RIP_NPF, info1=NPF_INFO1,
                     info2=NPF_GPA))
    out.append(_exit(n + 3, 0x81, "VMMCALL", RIP_DONE, rax=0,
                     dec={"len": 3}))
    return out


def serial_log(cpu_brand, guest_exits, result="pass"):
    events = [
        {"ev": "run", "version": "0.1.0", "boot": "multiboot1",
         "cmdline": "kernel.elf chapter=7",
         "cpu": {"vendor": "AuthenticAMD", "brand": cpu_brand,
                 "signature": 1}},
        {"ev": "chapter_start", "ch": 7, "slug": "fake", "title": "fake"},
        {"ev": "guest_start", "guest": GUEST, "entry": 0x400070,
         "nrips": False},
        *[e for x in guest_exits for e in (
            [x] if x["code"] != 0x400 else
            [x, {"ev": "npf", "guest": GUEST, "gpa": NPF_GPA,
                 "info1": NPF_INFO1, "flags": NPF_FLAGS,
                 "action": NPF_ACTION}])],
        {"ev": "exit_stats", "guest": GUEST, "total": len(guest_exits),
         "codes": {}, "other": 0},
        {"ev": "guest_end", "guest": GUEST, "result": result, "reason": "",
         "expected": "pass"},
        {"ev": "chapter_end", "ch": 7, "result": "pass", "passed": 1,
         "failed": 0},
        {"ev": "summary", "status": "pass",
         "checks": {"passed": 0, "failed": 0},
         "guests": {"passed": 1, "failed": 0, "stopped": 0,
                    "unexpected": 0},
         "chapters": [{"ch": 7, "slug": "fake", "result": "pass"}]},
    ]
    text = ["svmlab 0.1.0: readable text the parser must skip"]
    text += ["@svmlab " + json.dumps(e) for e in events]
    return "\r\n".join(text) + "\r\n"


def write_record(top: Path, emus=("qemu", "bochs")):
    outcome = {"qemu": "passed", "bochs": "failed"}
    cpu = {"qemu": "qemu64,+svm", "bochs": "ryzen"}
    brand = {"qemu": "QEMU Virtual CPU", "bochs": "AMD Ryzen 7"}
    pauses = {"qemu": QEMU_PAUSES, "bochs": BOCHS_PAUSES}
    (top / "logs").mkdir(parents=True)
    for emu in emus:
        log = f"logs/{emu}-chapter_7.log"
        (top / log).write_text(serial_log(brand[emu], exits(pauses[emu])))
        (top / emu).mkdir()
        (top / emu / "t.json").write_text(json.dumps({
            "nodeid": "tests/test_ch07_fake.py::"
                      f"test_pause_loop_exits_every_time[{emu}]",
            "file": "test_ch07_fake.py",
            "function": "test_pause_loop_exits_every_time", "emu": emu,
            "chapter": 7, "outcome": outcome[emu],
            "runs": [{"cpu": cpu[emu], "via": "kernel", "args": "chapter=7",
                      "log": log, "returncode": 33, "timed_out": False}]}))


@pytest.fixture
def made(tmp_path):
    """A record, fake sources, and the catalog generated from them."""
    tests, guests = tmp_path / "tests", tmp_path / "guests"
    tests.mkdir()
    guests.mkdir()
    (tests / "test_ch07_fake.py").write_text(CHAPTER_FILE)
    (guests / f"{GUEST}.S").write_text(GUEST_SOURCE)
    write_record(tmp_path / "record")
    out = tmp_path / "out"
    ran = run_tool(tmp_path, out)
    assert ran.returncode == 0, ran.stderr
    return tmp_path, out, ran


def run_tool(tmp_path, out, record=None):
    return subprocess.run(
        [sys.executable, str(TOOL), "--record",
         str(record or tmp_path / "record"), "--out", str(out),
         "--tests", str(tmp_path / "tests"),
         "--guests", str(tmp_path / "guests"),
         "--elfs", str(tmp_path / "no-elfs"), "--summary"],
        capture_output=True, text=True)


def section(page: str, heading: str) -> str:
    """The text under a heading, up to the next heading of that level."""
    level = heading.split()[0]
    start = page.index(heading)
    nxt = re.search(rf"^{level} ", page[start + len(heading):], re.M)
    return page[start:start + len(heading) + nxt.start()] if nxt \
        else page[start:]


def rows(table_text: str) -> list:
    return [[c.strip() for c in l.strip().strip("|").split("|")]
            for l in table_text.splitlines()
            if l.startswith("|") and not l.startswith("|---")]


def test_summary_line_counts_what_was_written(made):
    _, out, ran = made
    shown = (len(exits(QEMU_PAUSES)) + len(exits(BOCHS_PAUSES)))
    size = sum(p.stat().st_size for p in out.glob("*.md"))
    assert ran.stdout.strip() == (
        f"catalog: 2 tests (1 on QEMU, 1 on Bochs), {shown} exits shown, "
        f"2 pages, {(size + 1023) // 1024} KiB")
    assert sorted(p.name for p in out.iterdir()) == \
        ["catalog.md", "catalog_ch07.md"]


def test_index_gives_each_test_its_result_per_emulator(made):
    _, out, _ = made
    index = (out / "catalog.md").read_text()
    assert index.startswith("# Behaviour catalog {#catalog}")
    assert "@subpage catalog_ch07" in index
    by_test = {r[0]: r for r in rows(index) if r[0].startswith("@ref")}
    pause = by_test['@ref catalog_ch07_test_pause_loop_exits_every_time '
                    '"test_pause_loop_exits_every_time"']
    assert pause[2:] == ["passed", "failed"]
    never = by_test['@ref catalog_ch07_test_never_recorded '
                    '"test_never_recorded"']
    assert never[2:] == ["not recorded", "not recorded"]
    # The CPU models of the record are named in the introduction.
    assert "qemu64,+svm" in index and "ryzen" in index


def test_chapter_page_has_lesson_source_and_exits(made):
    _, out, _ = made
    page = (out / "catalog_ch07.md").read_text()
    assert page.startswith("# Chapter 7 catalog: a made-up chapter for the "
                           "catalog test {#catalog_ch07}")
    entry = section(page, "## test\\_pause\\_loop\\_exits\\_every\\_time "
                          "{#catalog_ch07_test_pause_loop_exits_every_time}")
    assert LESSON_FIRST in entry
    assert "Result: QEMU passed; Bochs failed." in entry
    # The guest's source, verbatim, in an assembly block.
    block = entry[entry.index("```asm\n") + 7:]
    assert block[:block.index("```")] == GUEST_SOURCE
    assert "### QEMU: passed" in entry and "### Bochs: failed" in entry
    never = section(page, "## test\\_never\\_recorded")
    assert "### QEMU: not recorded" in never
    assert "### Bochs: not recorded" in never


def _exit_rows(page, emu_heading):
    part = section(section(page, emu_heading), "#### Exits of")
    table = rows(part)
    return table[0], table[1:]


def test_exit_table_shows_decoded_fields_and_collapses(made):
    _, out, _ = made
    page = (out / "catalog_ch07.md").read_text()
    cols, body = _exit_rows(page, "### QEMU")
    assert cols[:4] == ["n", "code", "name", "RIP"]
    assert "EXITINTINFO" in cols      # one exit carries an event
    col = {name: i for i, name in enumerate(cols)}
    want = exits(QEMU_PAUSES)
    # 100 identical PAUSEs are one row; the others are one row each.
    assert len(body) == len(want) - QEMU_PAUSES + 1
    pause = body[1]
    assert pause[col["n"]] == f"2-{1 + QEMU_PAUSES} ×{QEMU_PAUSES}"
    assert pause[col["code"]] == hex(0x77)
    assert pause[col["RIP"]] == hex(RIP_PAUSE)
    cpuid, out_row, pf, npf, done = body[0], *body[2:6]
    assert cpuid[col["decoded"]] == "len=2 leaf=1 subleaf=0"
    assert out_row[col["EXITINFO1"]] == hex(0x0080_0010)
    assert out_row[col["EXITINFO2"]] == hex(RIP_OUT + 2)
    assert f"port={0x80:#x}" in out_row[col["decoded"]]
    assert "in=false" in out_row[col["decoded"]]
    assert pf[col["name"]] == "EXCP14"
    assert pf[col["EXITINTINFO"]] == hex(PF_INTINFO)
    assert pf[col["decoded"]] == f"vector=14 error=2 cr2={0x5000:#x}"
    assert cpuid[col["EXITINTINFO"]] == ""      # zero: left empty
    assert npf[col["EXITINFO2"]] == hex(NPF_GPA)
    assert npf[col["decoded"]] == f"npf: {NPF_FLAGS}, {NPF_ACTION}"
    assert done[col["n"]] == str(QEMU_PAUSES + 5)
    assert done[col["decoded"]].startswith("rax=0")
    # Bochs' own sequence, with its own count of PAUSEs.
    _, bochs = _exit_rows(page, "### Bochs")
    assert bochs[1][0] == f"2-{1 + BOCHS_PAUSES} ×{BOCHS_PAUSES}"


def test_long_sequences_are_cut_in_the_middle(tmp_path):
    """Distinct exits (no two alike) beyond the row limit."""
    many = gen_catalog.MAX_ROWS + 20
    seq = [_exit(i + 1, 0x77, "PAUSE", RIP_PAUSE + 2 * i, dec={"len": 2})
           for i in range(many)]
    table, count = gen_catalog.exit_table(seq, {})
    body = rows(table)[1:]
    assert len(body) == gen_catalog.MAX_ROWS + 1      # and the gap row
    hidden = many - gen_catalog.MAX_ROWS
    assert f"... {hidden} more exits ..." in table
    assert count == gen_catalog.MAX_ROWS
    assert body[-1][0] == str(many)                  # the end is kept


def test_missing_emulator_is_not_recorded(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "guests").mkdir()
    (tmp_path / "tests" / "test_ch07_fake.py").write_text(CHAPTER_FILE)
    write_record(tmp_path / "record", emus=("qemu",))
    ran = run_tool(tmp_path, tmp_path / "out")
    assert ran.returncode == 0, ran.stderr
    page = (tmp_path / "out" / "catalog_ch07.md").read_text()
    assert "Result: QEMU passed; Bochs not recorded." in page


@pytest.mark.parametrize("make", [False, True])
def test_no_record_is_a_clear_error(tmp_path, make):
    (tmp_path / "tests").mkdir()
    record = tmp_path / "record"
    if make:
        record.mkdir()                  # present but empty
    ran = run_tool(tmp_path, tmp_path / "out", record)
    assert ran.returncode == 1
    assert "make catalog" in ran.stderr
    assert not (tmp_path / "out" / "catalog.md").exists()


def _words(text: str) -> str:
    return " ".join(text.split())


def test_doxygen_builds_the_catalog_without_a_warning(made):
    if not shutil.which("doxygen"):
        pytest.skip("doxygen is not installed (make deps)")
    tmp_path, out, _ = made
    doxy = tmp_path / "Doxyfile"
    warnings = tmp_path / "warnings.log"
    doxy.write_text(textwrap.dedent(f"""\
        INPUT = {out}
        FILE_PATTERNS = *.md
        OUTPUT_DIRECTORY = {tmp_path / "html"}
        MARKDOWN_SUPPORT = YES
        AUTOLINK_SUPPORT = NO
        WARN_IF_UNDOCUMENTED = YES
        WARN_IF_DOC_ERROR = YES
        WARN_AS_ERROR = FAIL_ON_WARNINGS
        WARN_LOGFILE = {warnings}
        QUIET = YES
        GENERATE_LATEX = NO
        HAVE_DOT = NO
        """))
    ran = subprocess.run(["doxygen", str(doxy)], capture_output=True,
                         text=True)
    assert ran.returncode == 0, ran.stderr
    assert warnings.read_text() == ""
    # What a reader sees is the docstrings as written: the escapes worked.
    page = (tmp_path / "html" / "html" / "catalog_ch07.html").read_text()
    seen = _words(html.unescape(re.sub(r"<[^>]+>", "", page)))
    for text in (LESSON_FIRST, LESSON_REST.replace("`", ""), MODULE_REST,
                 SOURCE_LINE):
        assert _words(text) in seen
