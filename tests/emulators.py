"""Drive QEMU and Bochs: boot the kernel, keep the serial log, parse it.

This is the one module that knows how to start an emulator.  A boot is
described by the emulator, the CPU model, how the kernel is loaded
(``kernel``: QEMU's -kernel, Multiboot1; ``iso``: the GRUB ISO, Multiboot2)
and the kernel command line.  Every boot has a timeout and leaves its
serial log in build/logs; ``Run.tail()`` shows the end of it.

Bochs cannot load a kernel directly, so every Bochs boot goes through the
GRUB ISO.  An ISO is built once per command line (the command line lives in
its grub.cfg) and cached in build/iso.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import svmtrace

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
KERNEL = BUILD / "kernel.elf"
LOGS = BUILD / "logs"
BOCHSRC_TEMPLATE = Path(__file__).resolve().parent / "bochsrc.in"

EMULATORS = ("qemu", "bochs")
DEFAULT_CPU = {"qemu": "qemu64,+svm,+npt,+rdtscp,+monitor,+xsave,+xsaveopt", "bochs": "ryzen"}
DEFAULT_TIMEOUT = {"qemu": 30.0, "bochs": 90.0}
DEFAULT_MEM_MIB = 128

#: Which Debian package provides each program the harness runs.
PACKAGES = {
    "qemu-system-x86_64": "qemu-system-x86",
    "bochs": "bochs bochsbios vgabios",
    "grub-mkrescue": "grub-pc-bin grub-common xorriso mtools",
    "xorriso": "xorriso",
}

#: Bochs "CPU models" that are a generic model plus a cpuid: line.
BOCHS_VARIANTS = {
    # The generic model with SVM switched on (see deviations.py).
    "bx_generic+svm": ("bx_generic", "cpuid: x86_64=1, svm=1, vmx=0"),
}

#: QEMU's isa-debug-exit turns the kernel's code v into status (v << 1) | 1.
QEMU_STATUS = {33: "pass", 35: "fail", 37: "no-svm", 39: "bad-cmdline",
               41: "panic"}


def abi(name: str) -> int:
    """A constant of src/svm/guest_abi.h, read from the header itself."""
    text = (ROOT / "src" / "svm" / "guest_abi.h").read_text()
    m = re.search(rf"^#define\s+{name}\s+(0x[0-9a-fA-F]+|\d+)", text, re.M)
    assert m, f"{name} is not defined in guest_abi.h"
    return int(m.group(1), 0)


def guest_symbol(guest: str, symbol: str) -> int:
    """The address of ``symbol`` in the built image of ``guest``.

    Read with nm from build/guests/<guest>.elf, so that tests compare
    exit RIPs with where the assembler put the instruction, not with
    values copied from a trace.
    """
    elf = BUILD / "guests" / f"{guest}.elf"
    out = subprocess.run(["nm", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == symbol:
            return int(parts[0], 16)
    raise KeyError(f"{symbol} is not a symbol of {elf}")


class EmulatorMissing(RuntimeError):
    """A program the harness needs is not installed."""


def require(program: str) -> str:
    """The path of ``program``, or an error naming its Debian package."""
    path = shutil.which(program)
    if not path:
        pkg = PACKAGES.get(program, program)
        raise EmulatorMissing(
            f"{program} is not installed; it is in Debian's package(s) "
            f"{pkg}: run `apt-get install {pkg}` (or `make deps` as root)")
    return path


@dataclass
class Run:
    """One finished boot."""

    emu: str
    cpu: str
    via: str
    args: str
    log: Path
    returncode: int | None
    seconds: float
    timed_out: bool

    @property
    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def trace(self) -> svmtrace.Trace:
        return svmtrace.parse(self.text)

    @property
    def emulator_log(self) -> str:
        """Bochs' own log (bochsrc "log:"); empty for QEMU."""
        path = self.log.with_suffix(".bochs.txt")
        return path.read_text(errors="replace") if path.exists() else ""

    def tail(self, lines: int = 25) -> str:
        """The serial log's path and its last lines, for failure messages."""
        body = self.text.splitlines()[-lines:]
        state = "TIMED OUT" if self.timed_out else f"exit {self.returncode}"
        head = (f"{self.emu} cpu={self.cpu} via={self.via} "
                f"args={self.args!r} ({state}, {self.seconds:.2f} s)\n"
                f"serial log: {self.log}\n")
        return head + "\n".join("  | " + l for l in body)


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")[:40] or "default"


def _digest(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()[:12]


# ---- the GRUB ISO ------------------------------------------------------

def iso_for(args: str, kernel: Path = KERNEL) -> Path:
    """A GRUB ISO that boots ``kernel`` with command line ``args``.

    Built by tools/mkiso.sh from the repository's grub.cfg, cached per
    command line, rebuilt when the kernel is newer.  A file lock keeps
    parallel test workers from building the same ISO twice.
    """
    require("grub-mkrescue")
    require("xorriso")
    isodir = kernel.parent / "iso"
    isodir.mkdir(parents=True, exist_ok=True)
    iso = isodir / f"svmlab-{_slug(args)}-{_digest(args)}.iso"
    with open(str(iso) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not iso.exists() or iso.stat().st_mtime < kernel.stat().st_mtime:
            tmp = iso.with_suffix(".tmp")
            subprocess.run([str(ROOT / "tools" / "mkiso.sh"), str(kernel),
                            str(ROOT / "grub.cfg"), str(tmp), *args.split()],
                           check=True)
            tmp.rename(iso)
    return iso


# ---- command lines -----------------------------------------------------

def qemu_command(cpu: str, via: str, args: str, log: Path,
                 mem: int = DEFAULT_MEM_MIB, kernel: Path = KERNEL,
                 iso: Path | None = None, icount: int | None = None) -> list:
    """The QEMU command line for one headless TCG boot.

    icount: run in QEMU's deterministic mode, ``-icount shift=N``: the
    virtual clock, and with it the TSC, advances 2**N ns per instruction
    executed, whatever the host does (chapter 16).  sleep=off lets the
    clock jump over a halt instead of waiting in real time.
    """
    cmd = [require("qemu-system-x86_64"), "-accel", "tcg", "-cpu", cpu,
           "-m", str(mem), "-display", "none", "-no-reboot",
           "-serial", f"file:{log}", "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if icount is not None:
        cmd += ["-icount", f"shift={icount},sleep=off"]
    if via == "kernel":
        cmd += ["-kernel", str(kernel)]
        if args:
            cmd += ["-append", args]
    else:
        cmd += ["-cdrom", str(iso or iso_for(args, kernel)), "-boot", "d"]
    return cmd


def bochs_config(cpu: str, iso: Path, log: Path, bochs_log: Path,
                 mem: int = DEFAULT_MEM_MIB) -> str:
    """The bochsrc for one boot, filled in from tests/bochsrc.in."""
    text = BOCHSRC_TEMPLATE.read_text()
    model, cpuid_line = BOCHS_VARIANTS.get(cpu, (cpu, ""))
    for key, value in {"MODEL": model, "CPUID": cpuid_line,
                       "MEGS": str(mem), "ISO": str(iso),
                       "COM1": str(log), "LOG": str(bochs_log)}.items():
        text = text.replace(f"@{key}@", value)
    return text


# ---- running -------------------------------------------------------------

@dataclass
class Launch:
    """A started emulator: the process, its log and its scratch files."""

    emu: str
    cpu: str
    via: str
    args: str
    log: Path
    proc: subprocess.Popen
    scratch: Path | None
    started: float
    stderr: object

    def finish(self, timeout: float) -> Run:
        """Wait for the emulator (killing it at the timeout) and clean up."""
        timed_out = False
        try:
            self.proc.wait(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.stderr.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return Run(self.emu, self.cpu, self.via, self.args, self.log,
                   None if timed_out else self.proc.returncode,
                   time.monotonic() - self.started, timed_out)


_boots = itertools.count(1)


def log_path(emu: str, cpu: str, via: str, args: str) -> Path:
    """Where the serial log of this boot is kept: a file of its own, also
    for a second boot with the same arguments in the same process (a
    shared boot's log must outlive the boots after it)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    name = f"{emu}-{_slug(cpu)}-{via}-{_slug(args)}-{_digest(cpu, args)}"
    return LOGS / f"{name}.{os.getpid()}.{next(_boots)}.log"


def default_via(emu: str) -> str:
    """QEMU boots fastest with -kernel; Bochs can only boot the ISO."""
    return "kernel" if emu == "qemu" else "iso"


def launch(emu: str, cpu: str | None = None, via: str | None = None,
           args: str = "", mem: int = DEFAULT_MEM_MIB,
           kernel: Path = KERNEL, log: Path | None = None,
           icount: int | None = None) -> Launch:
    """Start one boot in the background; see ``boot`` for the arguments."""
    if emu not in EMULATORS:
        raise ValueError(f"unknown emulator {emu!r}; choose one of {EMULATORS}")
    via = via or default_via(emu)
    if via not in ("kernel", "iso"):
        raise ValueError(f"unknown boot path {via!r}: 'kernel' or 'iso'")
    if emu == "bochs" and via != "iso":
        raise ValueError("Bochs has no -kernel: it always boots the GRUB ISO")
    if not kernel.exists():
        raise FileNotFoundError(f"{kernel} does not exist: run `make` first")
    cpu = cpu or DEFAULT_CPU[emu]
    log = log or log_path(emu, cpu, via, args)
    log.unlink(missing_ok=True)
    log.touch()
    scratch = None
    if emu == "qemu":
        cmd = qemu_command(cpu, via, args, log, mem, kernel, icount=icount)
    else:
        exe = require("bochs")
        iso = iso_for(args, kernel)
        scratch = Path(tempfile.mkdtemp(prefix="svmlab-bochs-"))
        rc = scratch / "bochsrc"
        rc.write_text(bochs_config(cpu, iso, log,
                                   log.with_suffix(".bochs.txt"), mem))
        (scratch / "continue.rc").write_text("c\n")
        cmd = [exe, "-q", "-f", str(rc), "-rc", str(scratch / "continue.rc")]
    stderr = open(log.with_suffix(".stderr.txt"), "w")
    # Bochs' term display fails at once without a TERM (CI has none).
    env = dict(os.environ, TERM=os.environ.get("TERM") or "dumb")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=stderr,
                            cwd=scratch or BUILD, env=env,
                            start_new_session=True)
    return Launch(emu, cpu, via, args, log, proc, scratch, time.monotonic(),
                  stderr)


def boot(emu: str, cpu: str | None = None, via: str | None = None,
         args: str = "", timeout: float | None = None,
         mem: int = DEFAULT_MEM_MIB, kernel: Path = KERNEL,
         icount: int | None = None) -> Run:
    """Boot the kernel once and wait for the emulator to stop.

    emu:     "qemu" or "bochs"
    cpu:     a QEMU -cpu string or a Bochs cpu model (default per emulator)
    via:     "kernel" (QEMU -kernel, Multiboot1) or "iso" (GRUB,
             Multiboot2); default: default_via(emu)
    args:    the kernel command line
    timeout: seconds before the emulator is killed and the run counts as
             hung (default 30 s for QEMU, 90 s for Bochs)
    icount:  QEMU only: -icount shift=N, the deterministic clock (Bochs'
             clock, sync=none in tests/bochsrc.in, always is one)
    """
    started = launch(emu, cpu, via, args, mem, kernel, icount=icount)
    return started.finish(timeout or DEFAULT_TIMEOUT[emu])
