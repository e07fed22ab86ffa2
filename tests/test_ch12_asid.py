"""Chapter 12: ASIDs, generations, TLB_CONTROL and several guests at once
(APM2 §15.16 "TLB Control", §15.16.1 "TLB Flush", §15.16.2 "Invalidate
Page, Alternate ASID").

The processor tags a guest's TLB entries with the ASID of the VMRUN that
created them (VMCB 058h), so guests can share the TLB without a flush at
every world switch.  The hypervisor hands out ASIDs 1..nASID-1 (CPUID
8000_000Ah EBX); when none is left it starts a new *generation*: the
numbers start over and that VMRUN flushes the whole TLB (TLB_CONTROL 1).
A guest whose ASID is from an older generation gets a new one before it
runs.  Translations the hypervisor changes under a guest need a flush of
that guest's entries: INVLPGA for one page, TLB_CONTROL 3 (the ASID's
entries) or 7 (its non-global ones) where CPUID reports FlushByAsid, else
TLB_CONTROL 1.

Both emulators flush the TLB on every world switch, so no guest could
notice a wrong choice: these tests check the choices themselves, in the
trace, against an allocator written again here from the rules above; the
host model (tests/unit/test_tlb_model.c) shows what hardware would do.

Five guests run together, round-robin, each with its own VMCB and memory:
three fill a buffer at the same guest address and yield after every page,
one spins until the timer has preempted it three times, one has a page
taken away by the hypervisor.  nasid=4 leaves three ASIDs for five
guests, so generations roll over all the time.
"""

import re

import pytest

import cpu_models
from emulators import abi, ROOT, DEFAULT_CPU

CHAPTER = 12
GUESTS = ["rr_fill_a", "rr_fill_b", "rr_fill_c", "rr_spin", "rr_pager"]
FILLERS = GUESTS[:3]
CAPPED = f"chapter={CHAPTER} nasid=4"
UNCAPPED = f"chapter={CHAPTER}"

# Exit codes (APM2 Appendix C).
EXIT_WRITE_CR3, EXIT_WRITE_CR4 = 0x13, 0x14
EXIT_INVLPG = 0x79
EXIT_VMMCALL = 0x81

# TLB_CONTROL values (APM2 §15.16.1, VMCB 05Ch).
TLB_NOTHING, TLB_ALL, TLB_ASID, TLB_ASID_NONGLOBAL = 0, 1, 3, 7

LARGE = 0x200000        # the loader maps guests with 2 MiB pages
RR_PAGES = 16           # pages each rr_fill guest fills (rr_fill.h)
MASK64 = (1 << 64) - 1


def guest_define(guest: str, name: str) -> int:
    """A #define of guests/<guest>.S or of the include it uses."""
    for path in (ROOT / "guests" / f"{guest}.S",
                 ROOT / "guests" / "include" / "rr_fill.h"):
        m = re.search(rf"^#define\s+{name}\s+(0x[0-9a-fA-F]+|\d+)",
                      path.read_text(), re.M)
        if m:
            return int(m.group(1), 0)
    raise AssertionError(f"{name} is not defined for {guest}")


def model_of(emu: str, cpu: str | None = None) -> cpu_models.Model:
    cpu = cpu or DEFAULT_CPU[emu]
    return next(m for m in cpu_models.MODELS if m.emu == emu and m.cpu == cpu)


def fill_sum(seed: int) -> int:
    """The sum the rr_fill guest with @seed must report: its xorshift64
    sequence, one quadword per step, RR_PAGES pages of 512."""
    x, total = seed, 0
    for _ in range(RR_PAGES * 512):
        x ^= (x << 13) & MASK64
        x ^= x >> 7
        x ^= (x << 17) & MASK64
        total = (total + x) & MASK64
    return total


def ch12(emu, boot, args, cpu=None):
    run = boot(emu, cpu=cpu, args=args)
    t = run.trace
    started = {e["guest"] for e in t.of("guest_start")}
    assert started == set(GUESTS), run.tail()
    return run, t


def events_of(t, guest):
    return [e for e in t.events if e.get("guest") == guest]


# ---- several guests, each in its own memory ------------------------------

@pytest.mark.parametrize("args", [UNCAPPED, CAPPED])
def test_every_guest_keeps_its_own_memory(emu, boot, args):
    """Guests at the same guest address never see each other's data.

    The three rr_fill guests are the same code with different seeds, so
    their buffers are at one guest-virtual address (reported as rr.buf).
    Each fills it one page per turn, yielding in between, then checks it.
    Every guest has its own memory under its own page tables, so each
    finds its own sequence: no mismatches, and the sum of the sequence
    computed here from the seed in its source.  With nasid=4 they also
    share three ASIDs.  Every guest passes and the chapter with it.
    """
    run, t = ch12(emu, boot, args)
    bufs = set()
    for g in FILLERS:
        r = t.guest_reports(g)
        bufs.add(r["rr.buf"])
        assert r["rr.bad"] == 0, f"{g}: {r['rr.bad']} quadwords not its own"
        assert r["rr.sum"] == fill_sum(guest_define(g, "RR_SEED")), g
    assert len(bufs) == 1, f"the buffers are not at one address: {bufs}"
    for g in GUESTS:
        assert t.guest_end(g)["result"] == "pass", run.tail()
    assert t.chapter_result(CHAPTER) == "pass"


def test_guests_take_turns_round_robin(emu, boot):
    """Between two turns of one guest, every other live guest had one.

    The scheduler runs the guests in a fixed order and skips only those
    that have finished.  A guest still alive after turn j of guest g (it
    has a later turn) must have run between g's turn before j and j.
    Every HC_YIELD ends a turn: the next sched event is for another guest
    while another is alive.
    """
    run, t = ch12(emu, boot, CAPPED)
    turns = [e["guest"] for e in t.of("sched")]
    last = {g: max(i for i, x in enumerate(turns) if x == g) for g in GUESTS}
    for g in GUESTS:
        mine = [i for i, x in enumerate(turns) if x == g]
        for i, j in zip(mine, mine[1:]):
            between = set(turns[i + 1:j])
            alive = {h for h in GUESTS if h != g and last[h] > j}
            assert alive <= between, (g, i, j, alive - between)
    hc_yield = abi("HC_YIELD")
    yields = 0
    for e in t.events:
        if e["ev"] == "exit" and e["code"] == EXIT_VMMCALL and \
                e.get("rax") == hc_yield:
            yields += 1
    assert yields >= len(FILLERS) * RR_PAGES + 1
    assert len(turns) > yields


def test_spinning_guest_is_preempted_by_the_timer(emu, boot):
    """rr_spin never yields; the LAPIC timer ends its slices.

    The slice timer's interrupt exits (INTR, 60h), or comes just as
    another exit does (the trace's preempt names the exit it ended, and
    which of the two it is depends on the host's timing, so the test
    accepts both; chapter 10 pins the INTR exit itself), and the
    scheduler moves on: each preempt event is followed by another guest's turn while one
    is alive.  The guest asks HC_PREEMPTED how often that happened; the
    count it reports equals the preempt events traced before its last
    HC_PREEMPTED, and the chain it computed across the preemptions is right (its check
    passes).  The watchdog counts only its own slices: it is not stopped.
    """
    run, t = ch12(emu, boot, CAPPED)
    g = "rr_spin"
    hc_preempted = abi("HC_PREEMPTED")
    seen = answered = 0
    for e in events_of(t, g):
        if e["ev"] == "preempt":
            seen += 1
        if e["ev"] == "exit" and e["code"] == EXIT_VMMCALL and \
                e.get("rax") == hc_preempted:
            answered = seen     # what this HC_PREEMPTED returned
        if e["ev"] == "guest_report" and e["key"] == "spin.preempted":
            break
    reported = t.guest_reports(g)["spin.preempted"]
    assert reported == answered, (reported, answered)
    assert reported >= guest_define(g, "RR_PREEMPTS")
    last = None                 # since its turn began: the last exit
    for e in events_of(t, g):
        if e["ev"] == "sched":
            last = None
        if e["ev"] == "exit":
            last = e
        if e["ev"] == "preempt":
            # a shot ends a run, so an exit: the INTR its interrupt
            # caused, or one that came as the timer ran out (the guest's
            # hypercall every 8192 steps) -- which one is host timing
            assert last is not None, e
            assert e["exit"] == last["code"], (e, last)
    order = [e for e in t.events if e["ev"] in ("preempt", "sched")]
    for a, b in zip(order, order[1:]):
        if a["ev"] == "preempt" and a["guest"] == g:
            assert b["ev"] == "sched"
    assert t.guest_end(g)["result"] == "pass", run.tail()
    assert not t.of("watchdog")


# ---- the ASID allocator -------------------------------------------------

def replay_allocator(turn_guests, nasid):
    """The allocator again, from APM2 §15.16 and the chapter's rules: the
    (asid, gen, rollover, stale) each guest's first VMRUN of a turn needs,
    in order of the turns where it gets a new ASID."""
    gen, nxt, mine, out = 1, 1, {}, []
    for g in turn_guests:
        if g in mine and mine[g][1] == gen:
            continue
        stale = g in mine
        rollover = nxt >= nasid
        if rollover:
            gen, nxt = gen + 1, 1
        mine[g] = (nxt, gen)
        out.append((g, nxt, gen, rollover, stale))
        nxt += 1
    return out


def test_capped_nasid_rolls_over_generations(emu, boot):
    """nasid=4: three ASIDs for five guests, new generations all the time.

    The asid_cpu event shows the cap; every ASID given out is 1..3.  The
    assignments (asid events) are exactly what the allocator rules give
    for the order in which the guests took turns: a guest keeps its ASID
    while its generation lasts, and the one that finds no ASID left
    starts the next generation with TLB_CONTROL 1.  At least two
    rollovers happen, and stale guests are re-assigned.
    """
    run, t = ch12(emu, boot, CAPPED)
    cpu = t.one("asid_cpu")
    assert cpu["nasid"] == 4
    assert cpu["cpu_nasid"] == model_of(emu).nasid
    turns = [e["guest"] for e in t.of("sched")]
    want = replay_allocator(turns, 4)
    got = [(e["guest"], e["asid"], e["gen"], "rollover" in e["why"].split(),
            "stale" in e["why"].split()) for e in t.of("asid")]
    assert got == want
    assert sum(1 for w in want if w[3]) >= 2
    assert any(w[4] for w in want)
    for e in t.of("asid"):
        assert 1 <= e["asid"] <= 3
        rolled = "rollover" in e["why"].split() or "first" in e["why"]
        assert (e["tlb"] == TLB_ALL) == rolled, e


def test_each_exit_ran_with_its_guests_asid(emu, boot):
    """Every VMRUN (its exit event) ran with the ASID its guest holds.

    The exit event carries the VMRUN's ASID, generation and TLB_CONTROL.
    Within a generation no two guests ever run with the same ASID, and a
    guest's exits show the ASID of its latest assignment.
    """
    run, t = ch12(emu, boot, CAPPED)
    holder = {}             # (asid, gen) -> guest
    current = {}            # guest -> (asid, gen)
    checked = 0
    for e in t.events:
        if e["ev"] == "asid":
            key = (e["asid"], e["gen"])
            assert key not in holder, f"{key} given twice: {e}"
            holder[key] = e["guest"]
            current[e["guest"]] = key
        elif e["ev"] == "exit" and e["guest"] in GUESTS:
            assert (e["asid"], e["gen"]) == current[e["guest"]], e
            checked += 1
    assert checked >= len(FILLERS) * RR_PAGES


def test_uncapped_guests_keep_one_asid_each(emu, boot):
    """With the CPU's own nASID five guests never exhaust it.

    Each guest gets one ASID, 1 to 5 in order of first turns, all in
    generation 1; only the very first VMRUN flushes the TLB (what it
    holds from before is unknown), every other VMRUN of a guest that did
    not change its translations carries TLB_CONTROL 0.
    """
    run, t = ch12(emu, boot, UNCAPPED)
    assigned = t.of("asid")
    assert [(e["guest"], e["asid"], e["gen"]) for e in assigned] == \
        [(g, i + 1, 1) for i, g in enumerate(GUESTS)]
    assert assigned[0]["tlb"] == TLB_ALL
    assert all(e["tlb"] == TLB_NOTHING for e in assigned[1:])
    for g in ("rr_fill_a", "rr_spin"):
        assert {e["tlb"] for e in t.exits(g)[1:]} == {TLB_NOTHING}, g


# ---- TLB_CONTROL against the CPU model -----------------------------------

def tlb_after(t, guest, code):
    """TLB_CONTROL of the VMRUN after the guest's exit @code."""
    exits = t.exits(guest)
    for a, b in zip(exits, exits[1:]):
        if a["code"] == code:
            assert a["gen"] == b["gen"]
            return b["tlb"]
    raise AssertionError(f"{guest} never exited with {code:#x}")


def test_tlb_control_stays_within_the_cpu_model(emu, boot):
    """3 and 7 only where CPUID reports FlushByAsid, else 1 for them.

    rr_fill_b reloads CR3 under the CR3 write intercept: the emulated MOV
    must flush the guest's non-global entries, TLB_CONTROL 7 with
    FlushByAsid, else 1.  rr_fill_c toggles CR4.PGE: all its entries,
    global ones too, 3 or else 1.  QEMU's TCG offers no FlushByAsid,
    Bochs' ryzen does and its phenom_8650_toliman does not (cpu_models.py,
    from the models' definitions).  No exit of any guest shows another
    value than the model allows.
    """
    check_tlb_control(emu, boot, None)


@pytest.mark.emulators("bochs")
def test_tlb_control_without_flush_by_asid(emu, boot):
    """Bochs' phenom_8650_toliman has no FlushByAsid: the same guests get
    TLB_CONTROL 1 wherever ryzen gets 3 or 7, and never 3 or 7."""
    check_tlb_control(emu, boot, "phenom_8650_toliman")


def check_tlb_control(emu, boot, cpu):
    run, t = ch12(emu, boot, UNCAPPED, cpu=cpu)
    fba = "FlushByAsid" in model_of(emu, cpu).features
    assert t.one("asid_cpu")["flush_by_asid"] == fba
    allowed = {0, 1, 3, 7} if fba else {0, 1}
    seen = {e["tlb"] for e in t.of("exit") if e["guest"] in GUESTS}
    assert seen <= allowed
    assert tlb_after(t, "rr_fill_b", EXIT_WRITE_CR3) == \
        (TLB_ASID_NONGLOBAL if fba else TLB_ALL)
    assert tlb_after(t, "rr_fill_c", EXIT_WRITE_CR4) == \
        (TLB_ASID if fba else TLB_ALL)
    assert all(t.guest_end(g)["result"] == "pass" for g in GUESTS)


# ---- INVLPGA ---------------------------------------------------------------

def test_invlpga_flushes_one_page_for_one_asid(emu, boot):
    """The hypervisor's INVLPGA names the page and the guest's ASID.

    rr_fill_c's INVLPG (intercepted, 79h) becomes INVLPGA of the same
    address, its buffer, for its own ASID.  rr_pager's HC_PAGE_OUT clears
    P in the entry that maps its stack, a 2 MiB page: INVLPGA of that
    page for the pager's ASID.  Both guests held a current ASID, so both
    were done.  The pager's stack comes back on the next touch (#PF,
    page_in) with what it pushed before.
    """
    run, t = ch12(emu, boot, CAPPED)
    buf = t.guest_reports("rr_fill_c")["rr.buf"]
    inv = [e for e in t.of("invlpga") if e["guest"] == "rr_fill_c"]
    assert [(e["gva"], e["why"], e["done"]) for e in inv] == \
        [(buf, "invlpg", True)]
    current = None
    for e in events_of(t, "rr_fill_c"):
        if e["ev"] == "exit" and e["code"] == EXIT_INVLPG:
            current = e["asid"]
    assert inv[0]["asid"] == current
    out = t.one("page_out")
    assert out["guest"] == "rr_pager" and out["size"] == LARGE
    inv = [e for e in t.of("invlpga") if e["guest"] == "rr_pager"]
    assert len(inv) == 1 and inv[0]["why"] == "page_out" and inv[0]["done"]
    assert inv[0]["gva"] == out["gva"]
    pager_exits = [e for e in t.exits("rr_pager") if
                   e["code"] == EXIT_VMMCALL and
                   e.get("rax") == abi("HC_PAGE_OUT")]
    assert inv[0]["asid"] == pager_exits[0]["asid"]
    r = t.guest_reports("rr_pager")
    assert r["pager.page_out"] == abi("HC_OK")
    assert r["pager.mark"] == guest_define("rr_pager", "RR_MARK")
    assert t.one("page_in")["guest"] == "rr_pager"


# ---- the option --------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "1", "65537", "four"])
def test_bad_nasid_is_refused(emu, boot, value):
    """nasid= below 2 leaves no ASID for a guest; it is refused, with the
    range, and the run ends with the bad-cmdline status."""
    run = boot(emu, args=f"nasid={value}")
    assert run.trace.status == "bad-cmdline", run.tail()
    assert f"nasid={value}: give the number of ASIDs to use, from 2" in \
        "\n".join(run.trace.text)
