"""The host unit tests (tests/unit/*.c), one pytest item per C TEST.

Pure logic of the kernel (boot-information parsing, the command line, the
APM2 §15.4 decision, and later the permission maps and page tables) is
compiled for the host by `make unit` and run here.  Each C file's first
comment names its chapter as "(chapter N)".  A TEST named infra_* checks
code outside every lab block (a helper, or an earlier chapter's code that
this chapter extends), so it has no chapter: a lab tree does not remove
what it checks.
"""

import re
import subprocess
from pathlib import Path

import pytest

import emulators

UNIT_DIR = Path(__file__).resolve().parent / "unit"
TEST_RE = re.compile(r"^TEST\((\w+)\)", re.M)
CHAPTER_RE = re.compile(r"\(chapter (\d+)\)")


def _cases():
    for src in sorted(UNIT_DIR.glob("test_*.c")):
        text = src.read_text()
        m = CHAPTER_RE.search(text.split("*/", 1)[0])
        ch = int(m.group(1)) if m else None
        for name in TEST_RE.findall(text):
            yield pytest.param(src.stem, name, id=f"{src.stem[5:]}/{name}",
                               marks=pytest.mark.chapter(
                                   None if name.startswith("infra_")
                                   else ch))


@pytest.mark.parametrize("program, name", list(_cases()))
def test_host_unit(program, name):
    """Run one C unit test on the host (built with ASan and UBSan)."""
    exe = emulators.BUILD / "unit" / program
    assert exe.exists(), f"{exe} is missing: run `make unit`"
    out = subprocess.run([str(exe), name], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0 and f"PASS {name}" in out.stdout, \
        f"{program} {name} failed:\n{out.stdout}{out.stderr}"
