"""make debug: tools/debug.py and the GDB helpers of tools/gdb/svmlab.py.

These tests belong to no chapter.  They boot the hlt guest of chapter 4
under a debugger, stop at the world switch and at the first #VMEXIT, and
check what the helpers print against facts found elsewhere:

- the field names and offsets of `vmcb` against src/svm/vmcb.h, parsed
  here from the header text (the helpers read the compiler's DWARF);
- the exit code against APM2 Appendix C: the guest's first instruction
  that exits is HLT (guests/hlt.S), VMEXIT_HLT = 78h, and its last is the
  runtime's HC_DONE VMMCALL, VMEXIT_VMMCALL = 81h;
- RIPs against the guest image's symbols (nm of build/guests/hlt.elf);
- EFER in the save area against the APM: VMRUN refuses a guest without
  EFER.SVME (bit 12, APM2 §15.5.1), and a long-mode guest runs with LME
  (bit 8) and LMA (bit 10) (APM2 §14.6.1).

Every debugger runs under tools/debug.py --timeout, every process is
waited for with a timeout, and the emulator is killed at the end.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

import emulators

ROOT = emulators.ROOT
DEBUG = ROOT / "tools" / "debug.py"
VMCB_H = ROOT / "src" / "svm" / "vmcb.h"
GUEST = "hlt"
EXIT_HLT = 0x78             # APM2 Appendix C, VMEXIT_HLT
EXIT_VMMCALL = 0x81         # APM2 Appendix C, VMEXIT_VMMCALL
EFER_LME, EFER_LMA, EFER_SVME = 1 << 8, 1 << 10, 1 << 12
LINE = re.compile(r"^\s+([0-9A-F]{3})h\s+(\w+)\s+(.*)$")


# ---- the header, read independently of the helpers --------------------------

def struct_members(name):
    """[(member, offset from the VMCB)] of a struct in vmcb.h, in order.

    Offsets come from the header's own notation: the "/* 070h */" comment
    after a member (or "/* +8 */" in struct vmcb_seg), or the offset a
    reserved range carries in its name.
    """
    text = VMCB_H.read_text()
    m = re.search(rf"^struct __attribute__\(\(packed\)\) {name} \{{\n"
                  rf"(.*?)^\}};", text, re.M | re.S)
    assert m, f"struct {name} not found in {VMCB_H}"
    members = []
    for line in m.group(1).splitlines():
        d = re.match(r"^\s*(?:uint\d+_t|struct\s+\w+)\s+(\w+)(?:\[[^\]]*\])?"
                     r"\s*;\s*(?:/\*\s*(?:([0-9A-F]{3})h|\+(\d+)))?", line)
        if not d:
            continue
        member, off = d.group(1), d.group(2)
        if d.group(3) is not None:      # struct vmcb_seg: "+8"
            off = f"{int(d.group(3)):x}"
        if off is None:
            r = re.match(r"reserved_0x([0-9a-f]+)$", member)
            assert r, f"{name}.{member} has no offset comment"
            off = r.group(1)
        members.append((member, int(off, 16)))
    assert members, f"no members parsed from struct {name}"
    return members


def not_reserved(members):
    return [(n, o) for n, o in members if not n.startswith("reserved")]


# ---- running the debugger ---------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose: a process in state Z.
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def kill_leftovers(out):
    """Kill a QEMU that tools/debug.py named but left behind."""
    for pid in re.findall(r"QEMU pid (\d+)", out):
        if pid_alive(int(pid)):
            os.kill(int(pid), signal.SIGKILL)


def lab_chapter():
    """The chapter of a student lab tree (tools/mklab.py), else None."""
    lab = ROOT / "lab.mk"
    m = re.search(r"^LAB_CHAPTER\s*:=\s*(\d+)", lab.read_text(), re.M) \
        if lab.exists() else None
    return int(m.group(1)) if m else None


def run_debug(tmp_path, emu, commands, timeout=25.0):
    """tools/debug.py --batch-script on ``commands``; its output."""
    if (lab_chapter() or 99) <= 4:
        pytest.skip("a lab tree of chapter 4 or before: no guest runs yet")
    if emu == "qemu" and not shutil.which("gdb"):
        pytest.skip("gdb is not installed (Debian package gdb)")
    try:
        emulators.require("qemu-system-x86_64" if emu == "qemu" else "bochs")
    except emulators.EmulatorMissing as err:
        pytest.skip(str(err))
    script = tmp_path / "commands"
    script.write_text(commands)
    cmd = [sys.executable, str(DEBUG), "--emu", emu, "--args",
           f"guest={GUEST}", "--batch-script", str(script),
           "--timeout", str(timeout)]
    if emu == "qemu":
        cmd += ["--port", str(free_port())]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        kill_leftovers(out)
        pytest.fail(f"tools/debug.py did not end:\n{out[-3000:]}")
    kill_leftovers(out)
    return out


def sections(out):
    """The output split at the "@@ name" markers the scripts echo."""
    parts, name = {}, None
    for line in out.splitlines():
        if line.startswith("@@ "):
            name = line[3:].strip()
            parts[name] = []
        elif name:
            parts[name].append(line)
    return parts


def fields(lines):
    """[(offset, name, value text)] of a vmcb listing."""
    out = []
    for line in lines:
        m = LINE.match(line)
        if m:
            out.append((int(m.group(1), 16), m.group(2), m.group(3)))
    return out


def value(listing, name):
    for _, n, text in listing:
        if n == name:
            return text
    raise AssertionError(f"{name} is not in the listing")


# ---- QEMU and GDB -----------------------------------------------------------

GDB_SESSION = r"""
echo @@ banner\n
svmlab
break-vmrun
continue
echo @@ at-vmrun\n
python print("rax=%#x" % (int(gdb.parse_and_eval("$rax")) & (2**64 - 1)))
stepi
echo @@ in-guest\n
python print("pc=%#x" % int(gdb.parse_and_eval("$pc")))
python
try:
    gdb.execute("vmcb")
except gdb.error as err:
    print("error:", err)
end
delete
break-exit
continue
echo @@ first-exit\n
python print("name=" + gdb.parse_and_eval("v->name").string())
vmexit
echo @@ vmcb-all\n
vmcb/a
echo @@ vmcb\n
vmcb
echo @@ vmcb-control\n
vmcb-control v
echo @@ vmcb-save\n
vmcb-save v->vmcb
delete
break-exit VMMCALL
continue
echo @@ vmmcall\n
vmexit
echo @@ end\n
"""


@pytest.fixture(scope="module")
def gdb_run(tmp_path_factory):
    out = run_debug(tmp_path_factory.mktemp("gdb"), "qemu", GDB_SESSION)
    parts = sections(out)
    assert "end" in parts, f"the GDB session did not finish:\n{out[-3000:]}"
    return parts


def test_a_step_that_did_nothing_is_no_instruction():
    """count-exit-path's rule for one `stepi` (step_retired in
    tools/gdb/svmlab.py), run inside GDB: an ordinary instruction is one;
    but QEMU's `stepi` sometimes returns having executed nothing (the CI
    run that saw VMMCALL's path as 2445, 2445, 2447), so a step that left
    RIP where it was adds nothing.  A REP string instruction adds the
    iterations RCX lost; its last iteration, and a REP with RCX already
    0, are one."""
    if not shutil.which("gdb"):
        pytest.skip("gdb is not installed (Debian package gdb)")
    cases = {                   # (rep, moved, rcx before, after): retired
        (False, True, 9, 9): 1,
        (False, False, 9, 9): 0,
        (True, False, 5, 5): 0,
        (True, False, 5, 4): 1,
        (True, False, 7, 4): 3,
        (True, True, 1, 0): 1,
        (True, True, 0, 0): 1,
    }
    calls = ", ".join(f"step_retired{c}" for c in cases)
    out = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-x", str(ROOT / "tools" / "gdb" /
                                                  "svmlab.py"),
         "-ex", f"python print('retired', {calls})"],
        capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"^retired (.*)$", out, re.M)
    assert m, out
    assert [int(n) for n in m.group(1).split()] == list(cases.values())


@pytest.mark.emulators("qemu")
def test_stepi_over_vmrun_enters_the_guest(emu, gdb_run):
    """One stepi at VMRUN stops at the guest's entry point, with the VMCB's
    address in RAX (VMRUN's operand, APM2 §15.5)."""
    rax = int(re.search(r"rax=(0x[0-9a-f]+)", "\n".join(
        gdb_run["at-vmrun"])).group(1), 16)
    pc = int(re.search(r"pc=(0x[0-9a-f]+)", "\n".join(
        gdb_run["in-guest"])).group(1), 16)
    assert pc == emulators.guest_symbol(GUEST, "_start")
    head = gdb_run["vmcb"][0]
    assert head.startswith(f"VMCB at {rax:#x} ("), head
    # Inside the guest the host's memory is not mapped: the helper says so.
    assert any("running the guest" in l for l in gdb_run["in-guest"]), \
        gdb_run["in-guest"]


@pytest.mark.emulators("qemu")
def test_vmcb_fields_are_the_header_members(emu, gdb_run):
    """Names and offsets printed are those of vmcb.h, reserved ones with
    /a only; a segment register takes one line."""
    control = struct_members("vmcb_control")
    save = struct_members("vmcb_save")
    everything = [(o, n) for o, n, _ in fields(gdb_run["vmcb-all"])]
    assert everything == [(o, n) for n, o in control + save]
    plain = [(o, n) for o, n, _ in fields(gdb_run["vmcb"])]
    assert plain == [(o, n) for n, o in not_reserved(control) +
                     not_reserved(save)]
    assert [(o, n) for o, n, _ in fields(gdb_run["vmcb-control"])] == \
        [(o, n) for n, o in not_reserved(control)]
    assert [(o, n) for o, n, _ in fields(gdb_run["vmcb-save"])] == \
        [(o, n) for n, o in not_reserved(save)]
    seg = [n for n, _ in struct_members("vmcb_seg")]
    cs = value(fields(gdb_run["vmcb"]), "cs")
    assert re.findall(r"(\w+)=0x", cs) == seg


@pytest.mark.emulators("qemu")
def test_first_exit_is_the_guests_hlt(emu, gdb_run):
    """The first #VMEXIT of guest hlt is its first HLT: code 78h, at hlt_1."""
    assert "name=" + GUEST in gdb_run["first-exit"]
    listing = fields(gdb_run["vmcb"])
    code = value(listing, "exit_code").split()
    assert int(code[0], 16) == EXIT_HLT
    assert code[1] == "HLT"
    rip = int(value(listing, "rip").split()[0], 16)
    assert rip == emulators.guest_symbol(GUEST, "hlt_1")
    line = [l for l in gdb_run["first-exit"] if l.startswith("HLT")]
    assert line and f"rip={rip:#x}" in line[0], gdb_run["first-exit"]


@pytest.mark.emulators("qemu")
def test_guest_efer_has_svme_and_long_mode(emu, gdb_run):
    """VMRUN ran this VMCB, so its EFER has SVME; the guest is 64-bit."""
    assert "GUEST_MODE(GUEST_MODE_LONG)" in \
        (ROOT / "guests" / f"{GUEST}.S").read_text()
    listing = fields(gdb_run["vmcb"])
    efer = int(value(listing, "efer").split()[0], 16)
    assert efer & EFER_SVME
    assert efer & EFER_LME and efer & EFER_LMA
    cs = dict(kv.split("=") for kv in value(listing, "cs").split())
    assert int(cs["selector"], 16) == emulators.abi("GUEST_SEL_CODE")


@pytest.mark.emulators("qemu")
def test_break_exit_with_a_code_skips_other_exits(emu, gdb_run):
    """break-exit VMMCALL passes the three HLTs and stops at HC_DONE."""
    line = gdb_run["vmmcall"][0]
    assert line.startswith(f"VMMCALL ({EXIT_VMMCALL:#x}) "), line
    rip = emulators.guest_symbol(GUEST, "rt_done_vmmcall")
    assert f"rip={rip:#x}" in line


@pytest.mark.emulators("qemu")
def test_no_gdb_waits_and_a_term_kills_qemu(emu, tmp_path):
    """--no-gdb prints the GDB command; ending tools/debug.py ends QEMU."""
    if not shutil.which("gdb"):
        pytest.skip("gdb is not installed (Debian package gdb)")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(DEBUG), "--no-gdb", "--port", str(port),
         "--timeout", "20"], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    out, qemu = "", None
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "target remote" not in out:
            line = proc.stdout.readline()
            if not line:
                break
            out += line
        assert f"target remote 127.0.0.1:{port}" in out, out
        qemu = int(re.search(r"QEMU pid (\d+)", out).group(1))
        assert pid_alive(qemu)
        listening = False
        while not listening and time.monotonic() < deadline + 5:
            try:                        # the stub listens once QEMU is up
                socket.create_connection(("127.0.0.1", port), 1).close()
                listening = True
            except ConnectionRefusedError:
                time.sleep(0.05)
        assert listening, f"nothing listens on port {port}"
        proc.terminate()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while pid_alive(qemu) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pid_alive(qemu), "QEMU outlived tools/debug.py"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if qemu and pid_alive(qemu):
            os.kill(qemu, signal.SIGKILL)


# ---- Bochs' debugger --------------------------------------------------------

def vmrun_address():
    """Where the world switch's VMRUN is, from objdump (not from the
    tools).  Chapter 16's floor has a VMRUN of its own: the one in
    svm_world_switch is the one every guest exits through."""
    text = subprocess.run(
        ["objdump", "-d", "--disassemble=svm_world_switch",
         str(emulators.KERNEL)], capture_output=True,
        text=True, timeout=30, check=True).stdout
    m = re.search(r"^\s*([0-9a-f]+):\s+0f 01 d8\s+vmrun", text, re.M)
    assert m, "no VMRUN (0F 01 D8) in svm_world_switch"
    return int(m.group(1), 16)


@pytest.mark.emulators("bochs")
def test_bochs_debugger_steps_out_of_the_guest(emu, tmp_path):
    """Bochs stops at a guest address, and one step over the intercepted
    HLT lands after VMRUN (3 bytes, 0F 01 D8) in the host."""
    hlt_1 = emulators.guest_symbol(GUEST, "hlt_1")
    after = vmrun_address() + 3
    out = run_debug(tmp_path, "bochs",
                    f"lb {hlt_1:#x}\nc\nu /1\ns\nq\n", timeout=60)
    assert re.search(rf"Breakpoint 1, 0x0*{hlt_1:x} ", out), out[-3000:]
    assert re.search(rf"^0*{hlt_1:x}: .*hlt", out, re.M), out[-3000:]
    assert re.search(rf"\[0x0*{after:x}\] .*\(svm_world_switch\+[0-9a-f]+\)",
                     out), out[-3000:]
