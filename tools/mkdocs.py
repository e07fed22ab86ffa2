#!/usr/bin/env python3
"""Build svmlab's documentation site (make docs).

    tools/mkdocs.py [--out build/docs] [--record build/record] [--jobs N]
                    [--record-as-is]

The steps, each of which fails the build:
  1. tools/check_citations.py: every `path: symbol` in chapters/ and docs/
     names code that exists;
  2. tools/gen_pictures.py: the VMCB layout and the course map (PNG);
  3. the behaviour catalog (tools/gen_catalog.py) from the record of the
     chapter tests on both emulators.  A record made for another kernel
     (or none) is made again first: pytest tests/test_ch*.py --record,
     about three minutes.  `make test` leaves a fresh one behind, so after
     it this step costs nothing.  --record-as-is uses whatever is there;
  4. Doxygen (docs/Doxyfile, with the output and generated inputs set
     here); any warning fails the build;
  5. tools/check_links.py: no broken internal link in the HTML.
The site is OUT/html/index.html.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
KERNEL = ROOT / "build" / "kernel.elf"
PY = sys.executable
STAMP = "kernel.sha1"


class BuildError(Exception):
    pass


def step(what: str, cmd: list, **kw) -> subprocess.CompletedProcess:
    print(f"docs: {what}", flush=True)
    done = subprocess.run(cmd, cwd=ROOT, **kw)
    if done.returncode != 0:
        raise BuildError(f"{what} failed (exit {done.returncode})")
    return done


def kernel_digest() -> str:
    return hashlib.sha1(KERNEL.read_bytes()).hexdigest()


def record_is_fresh(record: Path) -> bool:
    """A record of both emulators, made with the kernel built now."""
    stamp = record / STAMP
    return (stamp.is_file() and stamp.read_text().strip() == kernel_digest()
            and all((record / emu).is_dir() for emu in ("qemu", "bochs")))


def make_record(record: Path, jobs: str) -> None:
    tests = sorted(str(p.relative_to(ROOT))
                   for p in (ROOT / "tests").glob("test_ch*.py"))
    step("recording the chapter tests on both emulators for the catalog "
         "(about three minutes)",
         [PY, "-m", "pytest", "-q", "-n", jobs, "-p", "no:cacheprovider",
          "--emu", "both", "--record", str(record), *tests],
         stdout=subprocess.DEVNULL)


def doxygen(out: Path, gen: Path) -> None:
    """Doxygen with docs/Doxyfile and this build's paths; zero warnings."""
    log = out / "warnings.log"
    config = (ROOT / "docs" / "Doxyfile").read_text() + "\n".join([
        "", f"OUTPUT_DIRECTORY = {out}", f"WARN_LOGFILE = {log}",
        f"INPUT += {gen}", f"IMAGE_PATH = {gen}", ""])
    step("doxygen", ["doxygen", "-"], input=config, text=True)
    warnings = log.read_text().strip() if log.exists() else ""
    if warnings:
        print(warnings, file=sys.stderr)
        raise BuildError(f"doxygen warned ({log}); warnings are errors")


def build(out: Path, record: Path, jobs: str, as_is: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    gen = out / "gen"
    gen.mkdir(exist_ok=True)
    step("checking the code citations", [PY, TOOLS / "check_citations.py"])
    step("drawing the pictures", [PY, TOOLS / "gen_pictures.py",
                                  "--out", gen], stdout=subprocess.DEVNULL)
    if not as_is and not record_is_fresh(record):
        make_record(record, jobs)
    if not any(record.glob("*/*.json")):
        raise BuildError(f"no test record in {record}: run make catalog")
    step("writing the behaviour catalog", [PY, TOOLS / "gen_catalog.py",
                                           "--record", record, "--out", gen])
    doxygen(out, gen)
    step("checking the internal links", [PY, TOOLS / "check_links.py",
                                         out / "html"])
    print(f"docs: {out / 'html' / 'index.html'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "docs")
    ap.add_argument("--record", type=Path, default=ROOT / "build" / "record")
    ap.add_argument("--jobs", default=os.environ.get("JOBS", "auto"))
    ap.add_argument("--record-as-is", action="store_true",
                    help="use the record as it is, even if stale")
    a = ap.parse_args()
    if not KERNEL.is_file():
        print(f"docs: {KERNEL} is missing: run make first", file=sys.stderr)
        return 1
    try:
        build(a.out.resolve(), a.record.resolve(), a.jobs, a.record_as_is)
    except BuildError as err:
        print(f"docs: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
