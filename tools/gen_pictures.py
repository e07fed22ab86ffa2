#!/usr/bin/python3
"""Draw the two pictures of the Doxygen site: the VMCB layout and the
course map.

    tools/gen_pictures.py --out DIR    write DIR/vmcb-layout.png and
                                       DIR/course-map.png, print their paths

The VMCB layout draws the control area (000h-3FFh) and the state save
area (APM2 Appendix B, Tables B-1 and B-2) as two columns in which each
field is a box as tall as its size in bytes.  Nothing about the layout is
written down here: the fields, their offsets, sizes and writers come from
tools/gen_vmcb_md.py, which parses src/svm/vmcb.h and asks the compiler
for every offset and size, so the picture and docs/vmcb.md cannot
disagree.

The course map draws parts I-VI and their chapters from the course table
of docs/mainpage.md; a chapter is written when its chapters/NN-slug
directory exists, and the table must agree.

Uses Debian's python3-matplotlib with the Agg backend.  The PNG files
carry no version or date, so the same sources give the same bytes.
"""

import argparse
import re
import sys
import textwrap
from collections import namedtuple
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))

import gen_vmcb_md  # noqa: E402
from mdgen import GenError  # noqa: E402

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle  # noqa

ROOT = TOOLS.parent
MAINPAGE = ROOT / "docs" / "mainpage.md"
CHAPTERS = ROOT / "chapters"

# Where each area starts and how long it is (APM2 Appendix B: the VMCB is
# one 4 KiB page, the control area its first 400h bytes).
AREAS = {"control": (0x000, 0x400), "save": (0x400, 0xc00)}
AREA_OF = {"vmcb_control": "control", "vmcb_save": "save"}

# Nothing in these bytes changes run to run, so the PNG must not either:
# matplotlib would otherwise write its version into a tEXt chunk.
PNG_METADATA = {"Software": None}
DPI = 100

WRITER_COLOUR = {"hypervisor": "#9ecae1", "processor": "#fdae6b",
                 "both": "#a1d99b"}
WRITER_TEXT = {"hypervisor": "hypervisor writes, processor reads",
               "processor": "processor writes (at #VMEXIT), "
                            "hypervisor reads",
               "both": "both: VMRUN/VMLOAD load it, #VMEXIT/VMSAVE "
                       "store it"}
RESERVED_COLOUR = "#e0e0e0"
RESERVED_EDGE = "#9a9a9a"
LEADER = "#8c8c8c"
MONO = "DejaVu Sans Mono"


# ---- the data ------------------------------------------------------------

Box = namedtuple("Box", "area name offset size writer reserved")


def vmcb_fields() -> list:
    """Every field of struct vmcb_control, vmcb_seg and vmcb_save with its
    offset and size from the compiler, exactly as gen_vmcb_md.generate()
    gets them (and with the same checks)."""
    g = gen_vmcb_md
    text = g.HEADER.read_text()
    fields = [f for s in g.STRUCTS for f in g.parse_struct(text, s)]
    groups = g.parse_groups(text)
    consts = [c for grp in groups for c in grp.constants]
    printed = g.ask_compiler(g.c_program(fields, consts), "gen_pictures",
                             (g.EXITS_C,))
    g.apply_compiler(printed, fields, consts)
    g.check_field_docs(fields)
    return fields


def vmcb_boxes() -> list:
    """One Box per member of struct vmcb_control and struct vmcb_save, in
    offset order: area ("control" or "save"), name, offset from the start
    of the VMCB, size in bytes, writer ("hypervisor", "processor", "both",
    or None for a reserved range) and whether it is reserved."""
    boxes = []
    for f in vmcb_fields():
        if f.struct not in AREA_OF:
            continue                # vmcb_seg: drawn as one box per segment
        writer = None if f.reserved else gen_vmcb_md.first_word(f.writer)
        boxes.append(Box(AREA_OF[f.struct], f.name, f.offset, f.size,
                         writer, f.reserved))
    return sorted(boxes, key=lambda b: b.offset)


Chapter = namedtuple("Chapter", "part number title directory status")

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def course_table(text: str) -> list:
    """The rows of the table under "## The course" in docs/mainpage.md,
    as dicts keyed by the header's column names."""
    m = re.search(r"^## The course\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not m:
        raise GenError(f"{MAINPAGE.name}: no '## The course' section")
    lines = [x.strip() for x in m.group(1).splitlines()
             if x.strip().startswith("|")]
    if len(lines) < 3:
        raise GenError(f"{MAINPAGE.name}: the course table is empty")

    def cells(line):
        return [c.strip() for c in line.strip("|").split("|")]
    header = [c.lower() for c in cells(lines[0])]
    for need in ("part", "chapter", "status"):
        if need not in header:
            raise GenError(f"{MAINPAGE.name}: the course table has no "
                           f"'{need}' column")
    return [dict(zip(header, cells(x))) for x in lines[2:]]


def course_rows() -> list:
    """One Chapter per row of the course table: part (a Roman numeral),
    number, title, its chapters/NN-slug directory relative to the
    repository (or None) and status ("written" or "planned")."""
    dirs = {int(p.name[:2]): p for p in CHAPTERS.iterdir()
            if p.is_dir() and re.match(r"\d\d-", p.name)}
    rows = []
    for row in course_table(MAINPAGE.read_text()):
        m = re.match(r"(\d+)\s+(.+)$", row["chapter"])
        if not m:
            raise GenError(f"{MAINPAGE.name}: chapter cell "
                           f"'{row['chapter']}' is not 'N title'")
        number, title = int(m.group(1)), m.group(2).strip()
        part, status = row["part"], row["status"].lower()
        if part not in ROMAN or status not in ("written", "planned"):
            raise GenError(f"{MAINPAGE.name}: chapter {number}: part "
                           f"'{part}' or status '{status}' unknown")
        where = dirs.get(number)
        if (status == "written") != (where is not None):
            raise GenError(f"{MAINPAGE.name}: chapter {number} says "
                           f"'{status}' but chapters/{number:02d}-* "
                           f"{'exists' if where else 'does not exist'}")
        rows.append(Chapter(part, number, title,
                            where.relative_to(ROOT).as_posix()
                            if where else None, status))
    numbers = [r.number for r in rows]
    if numbers != list(range(1, len(rows) + 1)):
        raise GenError(f"{MAINPAGE.name}: chapters are not numbered 1 to "
                       f"{len(rows)} in order: {numbers}")
    missing = sorted(set(dirs) - set(numbers))
    if missing:
        raise GenError(f"{MAINPAGE.name}: chapters {missing} have a "
                       "directory but no row in the course table")
    parts = [ROMAN.index(r.part) for r in rows]
    if parts != sorted(parts):
        raise GenError(f"{MAINPAGE.name}: parts out of order")
    return rows


# ---- drawing helpers -----------------------------------------------------

def canvas(width: int, height: int):
    """A figure of width x height pixels whose data coordinates are
    pixels, y growing downwards, so that layout arithmetic is plain."""
    fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    return fig, ax


def spread(wanted: list, gap: float, low: float, high: float) -> list:
    """Label positions as close to ``wanted`` (sorted) as possible while
    at least ``gap`` apart and inside [low, high]."""
    out = []
    for y in wanted:
        out.append(max(y, low, out[-1] + gap if out else low))
    if out and out[-1] > high:
        out[-1] = high
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    return out


def save(fig, path: Path) -> None:
    fig.savefig(path, dpi=DPI, metadata=PNG_METADATA, facecolor="white")
    plt.close(fig)


# ---- the VMCB layout -----------------------------------------------------

PX_PER_BYTE = 1.4
TOP = 128                   # room for the title and the column headings
LABEL_GAP = 13            # px between label baselines
TAIL = 44                   # px for the save area's trailing reserved stub


def hexh(value: int) -> str:
    return f"{value:03X}h"


def draw_area(ax, boxes: list, area: str, x: float, width: float) -> None:
    start = AREAS[area][0]
    y_of = lambda off: TOP + (off - start) * PX_PER_BYTE  # noqa: E731
    last = boxes[-1]
    # The save area's last member is the reserved rest of the page,
    # 6E8h-FFFh: drawn short and marked, or it would dwarf the fields.
    tail = last if area == "save" and last.reserved else None
    drawn = [b for b in boxes if b is not tail]
    bottom = y_of(drawn[-1].offset + drawn[-1].size)

    for b in drawn:
        y0, h = y_of(b.offset), b.size * PX_PER_BYTE
        if b.reserved:
            ax.add_patch(Rectangle((x, y0), width, h,
                                   facecolor=RESERVED_COLOUR,
                                   edgecolor=RESERVED_EDGE, hatch="///",
                                   linewidth=0.6))
        else:
            ax.add_patch(Rectangle((x, y0), width, h,
                                   facecolor=WRITER_COLOUR[b.writer],
                                   edgecolor="#404040", linewidth=0.6))
    if tail:
        ax.add_patch(Rectangle((x, bottom), width, TAIL,
                               facecolor=RESERVED_COLOUR,
                               edgecolor=RESERVED_EDGE, hatch="///",
                               linewidth=0.6))
        # a break mark across the stub: not to scale below this line
        zig = [(x - 6 + i * (width + 12) / 8, bottom + TAIL / 2 +
                (4 if i % 2 else -4)) for i in range(9)]
        ax.plot(*zip(*zig), color="white", linewidth=5, zorder=3)
        ax.plot(*zip(*zig), color="#404040", linewidth=1, zorder=4)
        ax.text(x + width / 2, bottom + TAIL + 14,
                f"reserved {hexh(tail.offset)}-"
                f"{hexh(tail.offset + tail.size - 1)}, {tail.size} bytes,\n"
                "not to scale", ha="center", va="top", fontsize=8,
                color="#555555")

    # Fields: labels right of the column, each on a leader line to the
    # middle of its box, pushed apart where boxes are thinner than text.
    fields = [b for b in drawn if not b.reserved]
    want = [y_of(b.offset) + b.size * PX_PER_BYTE / 2 for b in fields]
    got = spread(want, LABEL_GAP, TOP, bottom + (TAIL if tail else 0))
    lx = x + width + 52
    for b, yw, yl in zip(fields, want, got):
        ax.plot([x + width, x + width + 14, lx - 4], [yw, yw, yl],
                color=LEADER, linewidth=0.6)
        label = f"{hexh(b.offset)}  {b.name}"
        if area == "save":
            label = (f"{hexh(b.offset)}  {hexh(b.offset - start)}  "
                     f"{b.name}")
        ax.text(lx, yl, label, va="center", ha="left", fontsize=8,
                family=MONO)

    # Reserved ranges: inside the column when there is room, otherwise
    # on the left on a leader line.
    left = []
    for b in drawn:
        if not b.reserved:
            continue
        text = f"reserved {hexh(b.offset)}-{hexh(b.offset + b.size - 1)}"
        h = b.size * PX_PER_BYTE
        if h >= 15:
            ax.text(x + width / 2, y_of(b.offset) + h / 2, text,
                    ha="center", va="center", fontsize=7.5, color="#333333",
                    bbox=dict(facecolor=RESERVED_COLOUR, edgecolor="none",
                              pad=1.5))
        else:
            left.append((b, text))
    want = [y_of(b.offset) + b.size * PX_PER_BYTE / 2 for b, _ in left]
    got = spread(want, LABEL_GAP, TOP + 6, bottom)
    for (b, text), yw, yl in zip(left, want, got):
        ax.plot([x, x - 14, x - 30], [yw, yw, yl], color=LEADER,
                linewidth=0.6)
        ax.text(x - 34, yl, text, va="center", ha="right", fontsize=7.5,
                color="#555555")


def draw_vmcb(path: Path) -> None:
    boxes = vmcb_boxes()
    control = [b for b in boxes if b.area == "control"]
    saved = [b for b in boxes if b.area == "save"]
    width = 1400
    height = int(TOP + AREAS["control"][1] * PX_PER_BYTE + 40)
    fig, ax = canvas(width, height)
    ax.text(24, 30, "The VMCB, field by field (APM2 Appendix B)",
            fontsize=15, weight="bold", va="center")
    ax.text(24, 56, f"Heights to scale: 1 byte = {PX_PER_BYTE:g} px.  "
            "Offsets from the start of the VMCB; the save area also "
            "shows Table B-2's offset from 400h.  From src/svm/vmcb.h "
            "via the compiler.", fontsize=9, va="center", color="#333333")

    col_w = 110
    cx, sx = 250, 930
    ax.text(cx + col_w / 2, TOP - 34, "Control area, 000h-3FFh",
            ha="center", fontsize=11, weight="bold")
    ax.text(cx + col_w / 2, TOP - 16, "APM2 Table B-1", ha="center",
            fontsize=8.5, color="#333333")
    ax.text(sx + col_w / 2, TOP - 34, "State save area, 400h-FFFh",
            ha="center", fontsize=11, weight="bold")
    ax.text(sx + col_w / 2, TOP - 16, "APM2 Table B-2", ha="center",
            fontsize=8.5, color="#333333")
    ax.text(sx + col_w + 52, TOP - 16, "VMCB  B-2   field", fontsize=8,
            family=MONO, color="#555555")
    draw_area(ax, control, "control", cx, col_w)
    draw_area(ax, saved, "save", sx, col_w)

    handles = [Patch(facecolor=WRITER_COLOUR[w], edgecolor="#404040",
                     label=WRITER_TEXT[w]) for w in WRITER_COLOUR]
    handles.append(Patch(facecolor=RESERVED_COLOUR, edgecolor=RESERVED_EDGE,
                         hatch="///", label="reserved"))
    ax.legend(handles=handles, loc="lower right", fontsize=9,
              frameon=True, bbox_to_anchor=(0.985, 0.015),
              title="who writes the field", title_fontsize=9.5)
    save(fig, path)


# ---- the course map ------------------------------------------------------

def draw_course(path: Path) -> None:
    rows = course_rows()
    parts = []
    for r in rows:
        if not parts or parts[-1][0] != r.part:
            parts.append((r.part, []))
        parts[-1][1].append(r)
    tallest = max(len(chs) for _, chs in parts)

    box_w, box_h, col_gap, row_gap = 190, 92, 44, 30
    left, top = 24, 110
    width = left * 2 + len(parts) * box_w + (len(parts) - 1) * col_gap
    height = top + tallest * (box_h + row_gap) - row_gap + 24
    fig, ax = canvas(width, height)
    ax.text(left, 30, "The course: parts and chapters", fontsize=15,
            weight="bold", va="center")
    ax.text(left, 56, "Arrows give the order of the chapters; a solid "
            "box is a written chapter with its directory, a dashed one "
            "is planned.  From the course table of docs/mainpage.md.",
            fontsize=9, va="center", color="#333333")

    centre = {}
    for col, (part, chs) in enumerate(parts):
        x = left + col * (box_w + col_gap)
        ax.text(x + box_w / 2, top - 18, f"Part {part}", ha="center",
                va="center", fontsize=12, weight="bold")
        for i, ch in enumerate(chs):
            y = top + i * (box_h + row_gap)
            written = ch.status == "written"
            ax.add_patch(FancyBboxPatch(
                (x, y), box_w, box_h, boxstyle="round,pad=0,rounding_size=8",
                facecolor="#deebf7" if written else "white",
                edgecolor="#3b6ea8" if written else "#888888",
                linewidth=1.4 if written else 1.2,
                linestyle="-" if written else (0, (5, 3))))
            ax.text(x + 12, y + 24, str(ch.number), fontsize=17,
                    weight="bold", va="center",
                    color="#1f3f66" if written else "#777777")
            ax.text(x + 56, y + 10, "\n".join(textwrap.wrap(ch.title, 16)),
                    fontsize=9.5, va="top", linespacing=1.15,
                    color="black" if written else "#555555")
            ax.text(x + 12, y + box_h - 10,
                    ch.directory if written else "planned",
                    fontsize=7.5, va="bottom", family=MONO,
                    color="#3b6ea8" if written else "#888888",
                    style="normal" if written else "italic")
            centre[ch.number] = (x, y)

    # the order: down a part, then from the end of a part to the start
    # of the next
    arrow = dict(arrowstyle="-|>", color="#555555", linewidth=1.2,
                 shrinkA=0, shrinkB=1, mutation_scale=12)
    for a, b in zip(rows, rows[1:]):
        (xa, ya), (xb, yb) = centre[a.number], centre[b.number]
        if a.part == b.part:
            start, end = (xa + box_w / 2, ya + box_h), (xb + box_w / 2, yb)
        else:
            # out of the right side, along the gap, into the next part
            mid = xa + box_w + col_gap / 2
            ax.plot([xa + box_w, mid, mid], [ya + box_h / 2] * 2 +
                    [yb + box_h / 2], color="#555555", linewidth=1.2)
            start, end = (mid, yb + box_h / 2), (xb, yb + box_h / 2)
        ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
    save(fig, path)


# ---- command line --------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path,
                    help="directory for vmcb-layout.png and course-map.png")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        outputs = [(args.out / "vmcb-layout.png", draw_vmcb),
                   (args.out / "course-map.png", draw_course)]
        for path, draw in outputs:
            draw(path)
            print(path)
    except GenError as e:
        print(f"gen_pictures: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
