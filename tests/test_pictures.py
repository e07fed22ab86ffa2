"""The two generated pictures of the Doxygen site (tools/gen_pictures.py).

The VMCB layout must draw every member of struct vmcb_control and
struct vmcb_save exactly once, tiling the control area (000h-3FFh) and
the save area (400h-FFFh) without gaps or overlaps, with the offsets the
AMD APM gives; the boxes' colours must cover the picture in proportion to
the bytes each writer owns.  The course map must have one chapter per
row of the course table in docs/mainpage.md and per chapters/NN-slug
directory.  Both files must be valid PNGs, the same bytes on every run.

Infra tests: no CHAPTER, they count for nothing in grading, and they need
no emulator (gcc, as for tests/test_reference.py, and python3-matplotlib).
"""

import re
import struct
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
HEADER = ROOT / "src" / "svm" / "vmcb.h"
MAINPAGE = ROOT / "docs" / "mainpage.md"
SCRIPT = TOOLS / "gen_pictures.py"
PICTURES = ("vmcb-layout.png", "course-map.png")

pytest.importorskip("matplotlib", reason="needs python3-matplotlib")
sys.path.insert(0, str(TOOLS))
import gen_pictures  # noqa: E402

# Offsets from AMD APM volume 2, Appendix B: Table B-1 (control area, from
# the start of the VMCB) and Table B-2 (save area, from 400h), with the
# field's size in bytes.  Keyed by the member names of src/svm/vmcb.h.
APM_CONTROL = {
    "intercept_cr_read": (0x000, 2),        # intercept reads of CR0-15
    "intercept_exceptions": (0x008, 4),
    "iopm_base_pa": (0x040, 8),             # IOPM_BASE_PA
    "msrpm_base_pa": (0x048, 8),            # MSRPM_BASE_PA
    "tsc_offset": (0x050, 8),               # TSC_OFFSET
    "asid": (0x058, 4),                     # guest ASID
    "tlb_control": (0x05c, 1),              # TLB_CONTROL
    "int_ctl": (0x060, 8),                  # V_TPR, V_IRQ, ...
    "exit_code": (0x070, 8),                # EXITCODE
    "exit_info_1": (0x078, 8),              # EXITINFO1
    "exit_info_2": (0x080, 8),              # EXITINFO2
    "exit_int_info": (0x088, 8),            # EXITINTINFO
    "nested_ctl": (0x090, 8),               # NP_ENABLE, ...
    "event_inj": (0x0a8, 8),                # EVENTINJ
    "nested_cr3": (0x0b0, 8),               # N_CR3
    "clean": (0x0c0, 4),                    # VMCB clean bits
    "next_rip": (0x0c8, 8),                 # nRIP
    "insn_len": (0x0d0, 1),                 # number of bytes fetched
    "insn_bytes": (0x0d1, 15),              # guest instruction bytes
}
APM_SAVE = {
    "es": (0x000, 16), "cs": (0x010, 16), "ss": (0x020, 16),
    "ds": (0x030, 16), "fs": (0x040, 16), "gs": (0x050, 16),
    "gdtr": (0x060, 16), "ldtr": (0x070, 16), "idtr": (0x080, 16),
    "tr": (0x090, 16), "cpl": (0x0cb, 1), "efer": (0x0d0, 8),
    "cr4": (0x148, 8), "cr3": (0x150, 8), "cr0": (0x158, 8),
    "dr7": (0x160, 8), "dr6": (0x168, 8), "rflags": (0x170, 8),
    "rip": (0x178, 8), "rsp": (0x1d8, 8), "rax": (0x1f8, 8),
    "star": (0x200, 8), "lstar": (0x208, 8), "cstar": (0x210, 8),
    "sfmask": (0x218, 8), "kernel_gs_base": (0x220, 8),
    "sysenter_cs": (0x228, 8), "sysenter_esp": (0x230, 8),
    "sysenter_eip": (0x238, 8), "cr2": (0x240, 8), "g_pat": (0x268, 8),
}
# Who writes a field, where the APM leaves no doubt: #VMEXIT stores the
# exit information, the hypervisor supplies the maps and the ASID, and
# the guest's RIP, RSP and RAX go both ways.
APM_WRITER = {"exit_code": "processor", "exit_info_1": "processor",
              "exit_info_2": "processor", "exit_int_info": "processor",
              "iopm_base_pa": "hypervisor", "msrpm_base_pa": "hypervisor",
              "asid": "hypervisor", "rip": "both", "rsp": "both",
              "rax": "both"}
# The VMCB is one 4 KiB page whose first 400h bytes are the control area.
AREA = {"control": (0x000, 0x400), "save": (0x400, 0x1000)}
STRUCT = {"control": "vmcb_control", "save": "vmcb_save"}


def member_names(struct_name: str) -> list:
    """The members of a struct in src/svm/vmcb.h, read with a regex of
    this test's own: comments dropped, then every "name;" or
    "name[...];" in the body."""
    text = HEADER.read_text()
    m = re.search(r"\bstruct\s+__attribute__\(\(packed\)\)\s+" +
                  struct_name + r"\s*\{(.*?)\n\};", text, re.S)
    assert m, f"struct {struct_name} not in {HEADER}"
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    return re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", body)


@pytest.fixture(scope="module")
def boxes():
    return gen_pictures.vmcb_boxes()


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Run the script twice into two directories: (paths, second paths,
    its first stdout)."""
    runs = []
    for name in ("one", "two"):
        out = tmp_path_factory.mktemp(name)
        done = subprocess.run([sys.executable, str(SCRIPT), "--out",
                               str(out)], capture_output=True, text=True,
                              timeout=300, cwd=ROOT)
        assert done.returncode == 0, \
            f"gen_pictures.py failed:\n{done.stdout}{done.stderr}"
        runs.append(([out / p for p in PICTURES], done.stdout))
    return runs[0][0], runs[1][0], runs[0][1]


# ---- the VMCB layout's data ----------------------------------------------

@pytest.mark.parametrize("area", ["control", "save"])
def test_every_member_once_in_order(boxes, area):
    names = [b.name for b in boxes if b.area == area]
    expected = member_names(STRUCT[area])
    assert expected, "the regex found no members"
    dup = [n for n, c in Counter(names).items() if c > 1]
    assert not dup, f"drawn twice in the {area} area: {dup}"
    assert names == expected


@pytest.mark.parametrize("area", ["control", "save"])
def test_boxes_tile_the_area(boxes, area):
    """Sorted by offset, each box starts where the previous one ends, from
    the area's first byte to its last: no overlap and no gap.  Reserved
    space is a box of its own, marked reserved."""
    start, end = AREA[area]
    mine = sorted((b for b in boxes if b.area == area),
                  key=lambda b: b.offset)
    at = start
    for b in mine:
        assert b.size > 0, b
        assert b.offset == at, \
            f"{b.name} at {b.offset:X}h, expected {at:X}h " \
            f"({'gap' if b.offset > at else 'overlap'})"
        at += b.size
    assert at == end
    assert sum(b.size for b in mine) == end - start


def test_reserved_and_writers(boxes):
    for b in boxes:
        if b.reserved:
            assert b.writer is None, b
            # vmcb.h names a reserved range after its first offset
            assert b.name == f"reserved_0x{b.offset:03x}", b
        else:
            assert b.writer in ("hypervisor", "processor", "both"), b
    assert {b.writer for b in boxes if not b.reserved} == \
        {"hypervisor", "processor", "both"}
    assert any(b.reserved for b in boxes if b.area == "control")
    assert any(b.reserved for b in boxes if b.area == "save")


def test_offsets_match_the_apm(boxes):
    by = {(b.area, b.name): b for b in boxes}
    for area, table, base in (("control", APM_CONTROL, 0),
                              ("save", APM_SAVE, 0x400)):
        for name, (off, size) in table.items():
            b = by.get((area, name))
            assert b, f"{name} missing from the {area} area"
            assert (b.offset, b.size) == (base + off, size), \
                f"{name}: drawn at {b.offset:X}h, {b.size} bytes; the APM " \
                f"says {base + off:X}h, {size}"
    for name, writer in APM_WRITER.items():
        assert [b.writer for b in boxes if b.name == name] == [writer], name


# ---- the course map's data -----------------------------------------------

def test_course_rows_match_the_chapters():
    rows = gen_pictures.course_rows()
    numbers = [r.number for r in rows]
    assert numbers == list(range(1, len(rows) + 1))

    # one row per line of the table in mainpage.md that starts with a part
    section = MAINPAGE.read_text().split("## The course", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert len(rows) == len(re.findall(r"^\|\s*[IVX]+\s*\|", section, re.M))

    dirs = sorted(p for p in (ROOT / "chapters").iterdir()
                  if p.is_dir() and re.match(r"\d\d-", p.name))
    assert dirs, "no chapters/NN-slug directories"
    by = {r.number: r for r in rows}
    for d in dirs:
        r = by.get(int(d.name[:2]))
        assert r, f"{d.name} has no row in the course table"
        assert (r.directory, r.status) == (f"chapters/{d.name}", "written")
    for r in rows:
        assert r.title.strip()
        if r.number not in {int(d.name[:2]) for d in dirs}:
            assert (r.directory, r.status) == (None, "planned"), r

    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    parts = [roman.index(r.part) for r in rows]
    assert parts == sorted(parts) and parts[0] == 0
    assert sorted(set(parts)) == list(range(parts[-1] + 1)), \
        "a part is skipped"


# ---- the files -----------------------------------------------------------

def png_chunks(data: bytes) -> list:
    """(type, body) of each chunk, checking the signature and CRCs."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        crc, = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def test_script_prints_the_paths(pictures):
    first, _, stdout = pictures
    assert stdout.split() == [str(p) for p in first]


@pytest.mark.parametrize("index", [0, 1], ids=PICTURES)
def test_valid_png_of_a_sensible_size(pictures, index):
    import matplotlib.image
    path = pictures[0][index]
    data = path.read_bytes()
    chunks = png_chunks(data)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert 1000 <= width <= 2000, width       # readable at about 1400 px
    assert 400 <= height <= 2500, height
    assert 10_000 < len(data) < 2_000_000
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (height, width)
    assert pixels.min() < 0.2 and pixels.max() > 0.9   # not blank


@pytest.mark.parametrize("index", [0, 1], ids=PICTURES)
def test_same_bytes_every_run(pictures, index):
    one, two = pictures[0][index], pictures[1][index]
    assert one.read_bytes() == two.read_bytes()
    kinds = {k for k, _ in png_chunks(one.read_bytes())}
    assert not kinds & {b"tEXt", b"iTXt", b"zTXt", b"tIME"}, \
        "the PNG carries text or a time stamp"


def test_colours_to_scale(pictures, boxes):
    """Each writer's colour covers the VMCB picture in proportion to the
    bytes that writer owns: the boxes are drawn to scale and coloured by
    the right writer (edges and the legend allow some slack)."""
    import matplotlib.image
    import numpy as np
    pixels = matplotlib.image.imread(pictures[0][0])[:, :, :3]
    rgb = np.round(pixels * 255).astype(int)
    area = {}
    for writer, colour in gen_pictures.WRITER_COLOUR.items():
        want = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
        area[writer] = int((rgb == want).all(axis=2).sum())
    size = Counter()
    for b in boxes:
        if not b.reserved:
            size[b.writer] += b.size
    assert all(area.values()), area
    for a, b in (("hypervisor", "processor"), ("both", "processor"),
                 ("both", "hypervisor")):
        drawn, owned = area[a] / area[b], size[a] / size[b]
        assert abs(drawn / owned - 1) < 0.15, \
            f"{a}:{b} drawn {drawn:.2f}, bytes {owned:.2f}"
