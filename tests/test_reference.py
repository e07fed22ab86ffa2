"""The VMCB reference: src/svm/vmcb.h's comments and docs/vmcb.md.

src/svm/vmcb.h documents every field in one fixed form (described at the
top of the header): a meaning, then "- writer:", "- clean:" and "- apm:"
bullets.  tools/gen_vmcb_md.py turns those comments, with offsets and
values taken from the compiler, into docs/vmcb.md.  These tests keep the
two from drifting: the page must be what the generator writes today, and
no field may lose its writer or its clean bit.  They need no emulator.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "src" / "svm" / "vmcb.h"
GENERATOR = ROOT / "tools" / "gen_vmcb_md.py"

WRITERS = {"hypervisor", "processor", "both"}
CLEAN_BITS = {"I", "IOPM", "ASID", "TPR", "NP", "CRx", "DRx", "DT", "SEG",
              "CR2", "LBR", "AVIC", "CET", "none"}


def members(struct: str) -> list:
    """(name, doc block) for each member of @p struct, in order."""
    text = HEADER.read_text()
    m = re.search(r"struct __attribute__\(\(packed\)\) " + struct +
                  r" \{\n(.*?)\n\};", text, re.S)
    assert m, f"struct {struct} not found in {HEADER}"
    out, doc = [], None
    for piece in re.split(r"(/\*\*.*?\*/)", m.group(1), flags=re.S):
        if piece.startswith("/**"):
            doc = piece
            continue
        for name in re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;",
                               re.sub(r"/\*.*?\*/", "", piece, flags=re.S)):
            out.append((name, doc))
            doc = None
    return out


def bullet(doc: str, key: str) -> str:
    m = re.search(r"^\s*\*\s*- " + key + r":\s*(\S+)", doc, re.M)
    return m.group(1) if m else ""


def test_vmcb_md_is_up_to_date():
    """docs/vmcb.md is exactly what tools/gen_vmcb_md.py writes now."""
    out = subprocess.run([sys.executable, str(GENERATOR), "--check"],
                         capture_output=True, text=True, timeout=120,
                         cwd=ROOT)
    assert out.returncode == 0, \
        f"gen_vmcb_md.py --check failed:\n{out.stdout}{out.stderr}"


def test_ghcb_md_is_up_to_date():
    """docs/ghcb.md, the GHCB field reference (chapter 15), is exactly
    what tools/gen_ghcb_md.py writes from src/svm/ghcb.h now."""
    out = subprocess.run([sys.executable,
                          str(ROOT / "tools" / "gen_ghcb_md.py"), "--check"],
                         capture_output=True, text=True, timeout=120,
                         cwd=ROOT)
    assert out.returncode == 0, \
        f"gen_ghcb_md.py --check failed:\n{out.stdout}{out.stderr}"


def test_every_field_has_a_writer_and_a_clean_bit():
    """Each non-reserved field says who writes it and which clean bit
    covers it (APM2 §15.15.3 "VMCB Clean Field"); each reserved range
    has a comment that says it is reserved."""
    bad = []
    for struct in ("vmcb_control", "vmcb_save"):
        fields = members(struct)
        assert len(fields) > 10, f"parsed too few members of {struct}"
        for name, doc in fields:
            where = f"{struct}.{name}"
            if doc is None:
                bad.append(f"{where}: no /** */ comment")
            elif name.startswith("reserved_0x"):
                if "Reserved" not in doc:
                    bad.append(f"{where}: comment does not say Reserved")
            else:
                writer = bullet(doc, "writer")
                clean = bullet(doc, "clean")
                if writer not in WRITERS:
                    bad.append(f"{where}: writer '{writer}'")
                if clean not in CLEAN_BITS:
                    bad.append(f"{where}: clean bit '{clean}'")
                if "APM2" not in doc:
                    bad.append(f"{where}: no APM2 citation")
    assert not bad, "fields without a documented writer or clean bit:\n" \
        + "\n".join(bad)
