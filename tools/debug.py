#!/usr/bin/env python3
"""Start svmlab paused under a debugger (make debug).

    tools/debug.py [--emu qemu|bochs] [--args "guest=hlt"] [--cpu MODEL]
                   [--port N] [--no-gdb] [--batch-script FILE]
                   [--timeout S]

QEMU (the default): the kernel is booted directly (-kernel, Multiboot1),
stopped before the BIOS's first instruction (-S), with QEMU's GDB stub
on 127.0.0.1:PORT (-gdb).  COM1 goes to a log file whose path is
printed (the GDB command `serial` shows it).  Then

    gdb -q -x tools/gdb/svmlab.py build/kernel.elf -ex 'target remote ...'

runs in the foreground; when GDB exits, QEMU is killed.  The port is
1234, or a free one if 1234 is taken.

Bochs (--emu bochs): the GRUB ISO is booted by Bochs with its built-in
debugger, which stops before the first instruction and reads commands
from the terminal.  The kernel's symbols (and the guest's, for guest=)
are loaded with ldsym so that disassembly names functions; Bochs
prints the kernel's console (port E9h) on the same terminal.

--no-gdb      QEMU only: print the GDB command line and wait for QEMU
              (Ctrl-C ends it)
--batch-script FILE
              run the debugger on the commands of FILE, without a
              terminal: GDB in batch mode after connecting, or Bochs
              with FILE after the symbols in its -rc file; the output
              goes to stdout (used by tests/test_debug.py)
--timeout S   kill the emulator and GDB after S seconds (default: never)
"""

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import emulators  # noqa: E402

SCRIPT = ROOT / "tools" / "gdb" / "svmlab.py"
DEPS = ROOT / "tools" / "deps.sh"
DEFAULT_PORT = 1234
# Where the kernel switches worlds (src/svm/vmrun.S) and resumes after a
# #VMEXIT (src/svm/exit.c), for the Bochs cheat sheet.
WORLD_SWITCH = "svm_world_switch"
EXIT_LOOP = "vcpu_run_slice"

BOCHS_HELP = """\
debug: Bochs' debugger stops before the first instruction.  Useful commands:
  c                 continue; Ctrl-C stops again
  s [N]             step N instructions, into and out of the guest
  lb ADDR           breakpoint on a linear address (pb: physical,
                    vb SEL:OFF: virtual), e.g. lb {vmrun:#x} (VMRUN)
  info break, bpd N, bpe N, d N   list, disable, enable, delete
  r, sreg, creg     general, segment and control registers (info cpu: all)
  u /N [ADDR]       disassemble; x /Nbx ADDR, xp /Ngx PADDR: memory
  page ADDR         how the current page tables map a linear address
  q                 quit
  VMRUN is at {vmrun:#x} (RAX = the VMCB's physical address there);
  the host resumes at {resume:#x} after each #VMEXIT; the exit code is
  xp /1gx <VMCB>+0x70."""


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_port(wanted) -> int:
    """The port asked for, or 1234 if free, or one the kernel picks."""
    if wanted:
        return wanted
    if port_free(DEFAULT_PORT):
        return DEFAULT_PORT
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_gdb():
    """The path of gdb; tools/deps.sh may install it (as root)."""
    gdb = shutil.which("gdb")
    if gdb is None and DEPS.exists():
        # deps.sh's "debug" purpose (build, QEMU, gdb): as root it
        # installs what is missing, otherwise it prints the apt-get line.
        subprocess.run([str(DEPS), "debug"], stdin=subprocess.DEVNULL)
        gdb = shutil.which("gdb")
    if gdb is None:
        print("debug: gdb is not installed; it is in Debian's package "
              "gdb: run `sudo apt-get install gdb`", file=sys.stderr)
    return gdb


def gdb_command(gdb: str, port: int, batch_script=None) -> list:
    cmd = [gdb, "-q"]
    if batch_script:
        cmd += ["-batch", "-nx"]
    cmd += ["-x", str(SCRIPT), str(emulators.KERNEL),
            "-ex", f"target remote 127.0.0.1:{port}"]
    if batch_script:
        cmd += ["-x", str(batch_script)]
    return cmd


def stop(proc: subprocess.Popen) -> None:
    """Kill an emulator (with its process group, if it leads one)."""
    if proc.poll() is None:
        try:
            if os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except ProcessLookupError:
            pass
    proc.wait()


def wait(proc: subprocess.Popen, deadline) -> int:
    """proc's exit status, or 124 after killing it at the deadline."""
    try:
        return proc.wait(timeout=None if deadline is None
                         else max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        print("debug: timed out; killing the debugger", file=sys.stderr)
        proc.kill()
        proc.wait()
        return 124


# ---- QEMU and GDB ----------------------------------------------------

def debug_qemu(a, deadline) -> int:
    gdb = None
    if not a.no_gdb:
        gdb = find_gdb()
        if gdb is None:
            return 1
    cpu = a.cpu or emulators.DEFAULT_CPU["qemu"]
    port = pick_port(a.port)
    log = emulators.log_path("qemu", cpu, "kernel", a.args)
    log.unlink(missing_ok=True)
    log.touch()
    try:
        cmd = emulators.qemu_command(cpu, "kernel", a.args, log, a.mem)
    except emulators.EmulatorMissing as err:
        print(f"debug: {err}", file=sys.stderr)
        return 1
    cmd += ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]
    # Its own process group: Ctrl-C in GDB (interrupt the target) must
    # not reach QEMU, which would die of it.
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            start_new_session=True)
    print(f"debug: QEMU pid {qemu.pid}, cpu={cpu}, args={a.args!r}, "
          f"paused; GDB stub on 127.0.0.1:{port}", flush=True)
    print(f"debug: serial log {log}", flush=True)
    install_cleanup(qemu)
    try:
        if a.no_gdb:
            line = " ".join(shlex.quote(w) for w in gdb_command(
                shutil.which("gdb") or "gdb", port))
            print(f"debug: QEMU waits for GDB; run:\n    {line}\n"
                  f"debug: Ctrl-C here stops QEMU", flush=True)
            while qemu.poll() is None:
                if deadline and time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            return 0
        env = dict(os.environ, SVMLAB_SERIAL_LOG=str(log))
        # GDB owns the terminal and handles Ctrl-C itself (it interrupts
        # the target); this process must not die of it meanwhile.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        proc = subprocess.Popen(
            gdb_command(gdb, port, a.batch_script), env=env,
            stdin=subprocess.DEVNULL if a.batch_script else None)
        return wait(proc, deadline)
    except KeyboardInterrupt:
        return 130
    finally:
        stop(qemu)


# ---- Bochs -------------------------------------------------------------

def symbol_file(elf: Path, out: Path) -> None:
    """elf's code and data symbols as "address name" lines, for ldsym."""
    text = subprocess.run(["nm", "-n", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    lines = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtDdBbRr":
            lines.append(f"{parts[0]} {parts[2]}")
    out.write_text("\n".join(lines) + "\n")


def disassembly(function: str) -> list:
    """[(address, instruction)] of a kernel function, from objdump."""
    text = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", f"--disassemble={function}",
         str(emulators.KERNEL)], capture_output=True, text=True).stdout
    out = []
    for line in text.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if m:
            out.append((int(m.group(1), 16), m.group(2).strip()))
    return out


def switch_addresses():
    """(VMRUN's address, where the host resumes after #VMEXIT) or 0s."""
    vmrun = next((addr for addr, insn in disassembly(WORLD_SWITCH)
                  if insn.split()[:1] == ["vmrun"]), 0)
    loop = disassembly(EXIT_LOOP)
    resume = next((loop[i + 1][0] for i, (_, insn) in
                   enumerate(loop[:-1]) if insn.startswith("call")
                   and f"<{WORLD_SWITCH}>" in insn), 0)
    return vmrun, resume


def guest_of(args: str):
    m = re.search(r"(?:^|\s)guest=(\S+)", args)
    return m.group(1) if m else None


def debug_bochs(a, deadline) -> int:
    try:
        exe = emulators.require("bochs")
        iso = emulators.iso_for(a.args)
    except (emulators.EmulatorMissing, subprocess.CalledProcessError) as err:
        print(f"debug: {err}", file=sys.stderr)
        return 1
    cpu = a.cpu or emulators.DEFAULT_CPU["bochs"]
    log = emulators.log_path("bochs", cpu, "iso", a.args)
    log.unlink(missing_ok=True)
    log.touch()
    scratch = Path(tempfile.mkdtemp(prefix="svmlab-debug-bochs-"))
    try:
        rc = scratch / "bochsrc"
        rc.write_text(emulators.bochs_config(
            cpu, iso, log, log.with_suffix(".bochs.txt"), a.mem))
        symbol_file(emulators.KERNEL, scratch / "kernel.sym")
        commands = [f'ldsym global "{scratch / "kernel.sym"}"']
        guest = guest_of(a.args)
        guest_elf = emulators.BUILD / "guests" / f"{guest}.elf"
        if guest and guest_elf.exists():
            symbol_file(guest_elf, scratch / "guest.sym")
            commands.append(f'ldsym global "{scratch / "guest.sym"}"')
        if a.batch_script:
            commands.append(a.batch_script.read_text())
        (scratch / "init.rc").write_text("\n".join(commands) + "\n")
        vmrun, resume = switch_addresses()
        print(f"debug: Bochs cpu={cpu}, args={a.args!r}; serial log "
              f"{log}", flush=True)
        if not a.batch_script:
            print(BOCHS_HELP.format(vmrun=vmrun, resume=resume),
                  flush=True)
        env = dict(os.environ, TERM=os.environ.get("TERM") or "dumb")
        # Bochs' debugger takes Ctrl-C as "stop and prompt".
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        proc = subprocess.Popen(
            [exe, "-q", "-f", str(rc), "-rc", str(scratch / "init.rc")],
            cwd=scratch, env=env,
            stdin=subprocess.DEVNULL if a.batch_script else None,
            start_new_session=bool(a.batch_script))
        install_cleanup(proc)
        try:
            status = wait(proc, deadline)
        finally:
            stop(proc)
        return 0 if a.batch_script and status != 124 else status
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def install_cleanup(proc: subprocess.Popen) -> None:
    """Kill the emulator too if this process is told to end."""
    def on_term(signum, frame):
        stop(proc)
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)


def main() -> int:
    ap = argparse.ArgumentParser(
        description="boot svmlab paused under a debugger")
    ap.add_argument("--emu", choices=emulators.EMULATORS, default="qemu")
    ap.add_argument("--args", default="", help="kernel command line")
    ap.add_argument("--cpu", default=None,
                    help="QEMU -cpu model or Bochs cpu model")
    ap.add_argument("--mem", type=int, default=emulators.DEFAULT_MEM_MIB)
    ap.add_argument("--port", type=int, default=None,
                    help="GDB stub port (QEMU; default 1234 or a free one)")
    ap.add_argument("--no-gdb", action="store_true",
                    help="start QEMU only and print the GDB command")
    ap.add_argument("--batch-script", type=Path, default=None,
                    help="run the debugger on this command file")
    ap.add_argument("--timeout", type=float, default=None,
                    help="end everything after this many seconds")
    a = ap.parse_args()
    if not emulators.KERNEL.exists():
        print(f"debug: {emulators.KERNEL} does not exist: run `make` "
              f"first", file=sys.stderr)
        return 1
    deadline = None if a.timeout is None else time.monotonic() + a.timeout
    if a.emu == "bochs":
        return debug_bochs(a, deadline)
    return debug_qemu(a, deadline)


if __name__ == "__main__":
    sys.exit(main())
