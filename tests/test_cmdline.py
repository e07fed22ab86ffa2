"""The kernel command line: bad input gets a clear error.

An option the kernel does not know, a chapter or a guest that does not
exist: the kernel says what exists and ends the run with the status
"bad-cmdline" (QEMU exit status 39), never a crash or a hang.
"""

import pytest

CHAPTER = 1


@pytest.mark.parametrize("args, says", [
    ("frobnicate=1", ["unknown option 'frobnicate=1'", "chapter=", "guest="]),
    ("chapter=99", ["unknown chapter '99'", "1=boot", "2=detect"]),
    ("guest=nosuch", ["unknown guest 'nosuch'", "guests in this build:",
                      " hlt ", " invalid.asid_zero"]),
    ("vmcbcheck=maybe", ["vmcbcheck=maybe: the values are on and off"]),
    ("ondemand=yes", ["ondemand=yes: the values are on and off"]),
    ("trace=maybe", ["trace=maybe: the values are on and off"]),
    ("trace=", ["option 'trace' needs a value"]),
    ("fault=xx", ["unknown fault kind 'xx'", "de ud bp gp pf"]),
])
def test_bad_command_line_is_refused_with_what_exists(emu, boot, args, says):
    """Each mistake is named, with the list of what would be accepted."""
    run = boot(emu, args=args)
    assert run.trace.status == "bad-cmdline", run.tail()
    text = "\n".join(run.trace.text)
    for phrase in says:
        assert phrase in text, f"{phrase!r} missing\n{run.tail()}"
    if emu == "qemu":
        assert run.returncode == (0x13 << 1) | 1


@pytest.mark.emulators("qemu")
def test_chapter_can_be_picked_by_slug(emu, boot):
    """chapter=boot runs chapter 1 alone; the others are skipped."""
    t = boot(emu, args="chapter=boot").trace
    assert t.chapter_result(1) == "pass"
    assert t.chapter_result(2) == "skipped"
    assert t.status == "pass"
