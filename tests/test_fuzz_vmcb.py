"""fuzz=vmcb: the VMCB checker against VMRUN, on thousands of VMCBs
(chapter 4's consistency checks, APM2 §15.5.1, hardened in chapter 17).

Chapter 4 breaks the hlt guest's VMCB one rule at a time.  The fuzzer
(src/course/fuzz_vmcb.c) does it thousands of times with random
mutations (src/course/fuzz_mutate.c), biased towards the bits and values
that §15.5.1 names: the MBZ halves of CR0, DR6 and DR7, the MBZ bits of
CR3, CR4 and EFER, the long-mode combination of EFER.LME, CR0.PG,
CR4.PAE, CS.L and CS.D, the VMRUN intercept, the permission maps at the
top of the physical address space, event injection (§15.20), ASID 0 and
G_PAT under nested paging (§15.25.4).  Each case is one VMRUN with two
verdicts:

    the checker's   valid, or the rules it names
    the processor's the guest ran (any #VMEXIT but VMEXIT_INVALID), or
                    VMEXIT_INVALID

A run is a baseline (the VMCB as loaded must run and exit at its HLT),
a corpus of named cases that every run makes, then cases= random cases.
The kernel traces every corpus case and every disagreement (`fuzz_case`,
with the VMCB fields the rules read), and one `fuzz_summary`.

These tests judge what the kernel does not: every disagreement must be
an emulator deviation on record in tests/deviations.py (the rules of
§15.5.1 are recomputed here, from the APM, to show that the checker is
not the one at fault), and each such deviation has a corpus case that
pins it.
"""

import signal

import pytest

from deviations import BY_ID as DEV_IDS, deviation, expect

CHAPTER = 4

SEED = 20240611         # the CI run's seed
CASES = 2000            # the CI run's size (make fuzz runs more)
ARGS = f"fuzz=vmcb seed={SEED} cases={CASES}"
TIMEOUT = {"qemu": 60, "bochs": 300}

# Bits the rules read (APM2 §3.1.1, §3.1.3, §3.1.7; vmcb.h).
PE, NW, CD, PG = 1 << 0, 1 << 29, 1 << 30, 1 << 31
PAE, PCIDE = 1 << 5, 1 << 17
LME, LMA, SVME, LMSLE, FFXSR, TCE = (1 << 8, 1 << 10, 1 << 12, 1 << 13,
                                     1 << 14, 1 << 15)
CS_L, CS_D = 1 << 9, 1 << 10
VMRUN_INTERCEPT = 1 << 0                    # intercept_misc2 bit 0
NP_ENABLE = 1 << 0
MSRPM_BYTES, IOPM_BYTES = 0x2000, 0x3000    # APM2 §15.11, §15.10.1
EVTINJ_V = 1 << 31
PAT_TYPES = {0, 1, 4, 5, 6, 7}              # UC WC WT WP WB UC- (§7.8.1)
MASK64 = (1 << 64) - 1


# ---- APM2 §15.5.1, once more, from the APM -------------------------------

def long_mode(v):
    """EFER.LME and CR0.PG: the rules of long mode apply."""
    return bool(v["efer"] & LME and v["cr0"] & PG)


def map_too_high(base, size, maxphyaddr):
    """The map's last byte at or above 2^MAXPHYADDR (low 12 bits ignored)."""
    return (base & ~0xFFF) + size - 1 >= 1 << maxphyaddr


def eventinj_illegal(e):
    """§15.20: a reserved TYPE, or an exception that is no exception."""
    if not e & EVTINJ_V:
        return False
    kind, vector = (e >> 8) & 7, e & 0xFF
    return kind in (1, 5, 6, 7) or (kind == 3 and (vector == 2 or vector > 31))


def apm_rules(v, env):
    """The rules of APM2 §15.5.1 that the VMCB fields ``v`` break on a
    processor like ``env`` (the fuzz_summary's CPUID-derived masks)."""
    m = env["maxphyaddr"]
    lm = long_mode(v)
    efer, cr0, cr4, cs = v["efer"], v["cr0"], v["cr4"], v["cs_attrib"]
    cr3_mbz = (MASK64 << m if lm else MASK64 << 32) & MASK64
    broken = {
        "efer_svme": not efer & SVME,
        "cr0_cd_nw": bool(cr0 & NW and not cr0 & CD),
        "cr0_high": cr0 >> 32 != 0,
        "cr3_mbz": v["cr3"] & cr3_mbz != 0,
        "cr4_mbz": cr4 & ~env["cr4_allowed"] != 0,
        "dr6_high": v["dr6"] >> 32 != 0,
        "dr7_high": v["dr7"] >> 32 != 0,
        "efer_mbz": efer & ~(env["efer_allowed"] | LME | LMA) != 0,
        "efer_lm_unsupported": not env["long_mode"] and efer & (LME | LMA),
        "lme_pg_no_pae": lm and not cr4 & PAE,
        "lme_pg_no_pe": lm and not cr0 & PE,
        "cs_l_and_d": bool(lm and cr4 & PAE and cs & CS_L and cs & CS_D),
        "vmrun_intercept": not v["misc2"] & VMRUN_INTERCEPT,
        "msrpm_base": map_too_high(v["msrpm"], MSRPM_BYTES, m),
        "iopm_base": map_too_high(v["iopm"], IOPM_BYTES, m),
        "event_inj": eventinj_illegal(v["eventinj"]),
        "asid_zero": v["asid"] == 0,
        "gpat": bool(v["nested_ctl"] & NP_ENABLE and any(
            (v["g_pat"] >> (8 * i)) & 0xFF not in PAT_TYPES
            for i in range(8))),
    }
    return {rule for rule, bad in broken.items() if bad}


# ---- the deviations a disagreement may be --------------------------------

def legacy_pae(v, env):
    """Legacy PAE paging without nested paging: PG, PAE, no LME."""
    return bool(v["cr0"] & PG and v["cr4"] & PAE and not v["efer"] & LME
                and not v["nested_ctl"] & NP_ENABLE)


def inject_exception(vector):
    return lambda v, env: (v["eventinj"] & (EVTINJ_V | 0x7FF)) == \
        EVTINJ_V | 3 << 8 | vector


def map_at_top(field, size):
    return lambda v, env: \
        v[field] & ~0xFFF == (1 << env["maxphyaddr"]) - size


def map_base_below_top(field):
    return lambda v, env: v[field] & ~0xFFF < 1 << env["maxphyaddr"]


def only_extra_bits(field, allowed, extra):
    """The field's bits beyond what the processor defines are ``extra``."""
    return lambda v, env: v[field] & ~(env[allowed] | LME | LMA) == extra


#: Checker valid, VMEXIT_INVALID: the emulator refuses a legal VMCB.  Any
#: one explanation is enough.
REFUSES = {
    "qemu": [
        ("qemu-vmrun-refuses-efer-lmsle", lambda v, env: v["efer"] & LMSLE),
        ("qemu-vmrun-refuses-msrpm-at-top", map_at_top("msrpm", MSRPM_BYTES)),
        ("qemu-vmrun-refuses-inject-vector-31", inject_exception(31)),
    ],
    "bochs": [
        ("bochs-vmrun-refuses-efer-lmsle", lambda v, env: v["efer"] & LMSLE),
        ("bochs-vmrun-refuses-efer-tce", lambda v, env: v["efer"] & TCE),
        ("bochs-vmrun-checks-legacy-pdptes", legacy_pae),
        ("bochs-vmrun-refuses-cs-l-d-outside-long-mode",
         lambda v, env: v["cs_attrib"] & (CS_L | CS_D) == CS_L | CS_D),
    ],
}

#: Checker invalid, the guest ran: every rule the checker named must be
#: one the emulator is known not to check, in this form.
ACCEPTS = {
    "qemu": {
        "gpat": ("qemu-vmrun-accepts-gpat", lambda v, env: True),
        "cr4_mbz": ("qemu-vmrun-accepts-cr4-pcide",
                    lambda v, env: v["cr4"] & ~env["cr4_allowed"] == PCIDE),
        "efer_mbz": ("qemu-vmrun-accepts-efer-ffxsr",
                     only_extra_bits("efer", "efer_allowed", FFXSR)),
        "cr3_mbz": ("qemu-vmrun-accepts-legacy-cr3-high",
                    lambda v, env: not long_mode(v)
                    and v["cr3"] >> env["maxphyaddr"] == 0),
    },
    "bochs": {
        "cr3_mbz": ("bochs-vmrun-accepts-cr3_mbz", lambda v, env: True),
        "msrpm_base": ("bochs-vmrun-accepts-msrpm_base",
                       map_base_below_top("msrpm")),
        "iopm_base": ("bochs-vmrun-accepts-iopm_base",
                      map_base_below_top("iopm")),
    },
}


def explain(emu, case, env):
    """The deviation ids that explain a disagreement, or [] if none does.

    A refused legal VMCB needs one refusal that matches; a guest that ran
    on an illegal VMCB needs every rule it broke to be one the emulator
    does not check (in that form), else the emulator would have refused.
    """
    v = case["vmcb"]
    if case["verdict"] == "invalid":
        return [dev for dev, applies in REFUSES.get(emu, [])
                if applies(v, env)]
    found = []
    for rule in case["checker"]:
        dev, applies = ACCEPTS.get(emu, {}).get(rule, (None, None))
        if dev is None or not applies(v, env):
            return []
        found.append(dev)
    return found


def describe(case):
    """One case, readably, for a failure message."""
    where = case["corpus"] or f"case {case['case']}"
    fields = ", ".join(f"{k}={v:#x}" for k, v in case["vmcb"].items())
    return (f"{where}: {' '.join(case['muts'])}; checker "
            f"{case['checker'] or 'valid'}; VMRUN {case['name']}; {fields}")


def disagreements(trace):
    return [c for c in trace.of("fuzz_case") if not c["agree"]]


def unexplained(emu, trace):
    """The disagreements of a run that no deviation on record explains."""
    env = trace.one("fuzz_summary")["env"]
    return [c for c in disagreements(trace) if not explain(emu, c, env)]


# ---- the corpus: one named case per boundary and per deviation -----------

def verdict(name):
    """A deviation value or exit name as a verdict: refused, or ran."""
    return "invalid" if name == "INVALID" else name if name == "crash" \
        else "ran"


#: Corpus case -> (rules the APM says it breaks, the deviation it pins,
#: as "{emu}-..." so that each emulator looks up its own row).
CORPUS = {
    "msrpm_fits_at_top": ((), "{emu}-vmrun-refuses-msrpm-at-top"),
    "msrpm_one_page_over": (("msrpm_base",), "{emu}-vmrun-accepts-msrpm_base"),
    "iopm_fits_at_top": ((), None),
    "iopm_one_page_over": (("iopm_base",), "{emu}-vmrun-accepts-iopm_base"),
    "asid0_flush_all": (("asid_zero",), None),
    "inject_exception_31": ((), "{emu}-vmrun-refuses-inject-vector-31"),
    "inject_exception_br": ((), None),
    "cr3_bit52": (("cr3_mbz",), "{emu}-vmrun-accepts-cr3_mbz"),
    "cr3_bit40_nested": (None, "{emu}-vmrun-accepts-cr3_mbz"),
    "cs_l_d_paging_off": ((), "{emu}-vmrun-refuses-cs-l-d-outside-long-mode"),
    "legacy_pae": ((), "{emu}-vmrun-checks-legacy-pdptes"),
    "legacy_cr3_bit32": (("cr3_mbz",), "{emu}-vmrun-accepts-legacy-cr3-high"),
    "efer_lmsle": ((), "{emu}-vmrun-refuses-efer-lmsle"),
    "efer_ffxsr": (None, "{emu}-vmrun-accepts-efer-ffxsr"),
    "efer_tce": (None, "{emu}-vmrun-refuses-efer-tce"),
    "cr4_pcide": (None, "{emu}-vmrun-accepts-cr4-pcide"),
    "gpat_reserved_no_np": ((), None),
    "gpat_reserved_np": (("gpat",), "{emu}-vmrun-accepts-gpat"),
}

#: The corpus case that runs only with ondemand=on, and its deviation.
FAR_WALK = "cr3_bit51_far_walk"
FAR_WALK_DEV = "bochs-cr3-above-maxphyaddr-crashes"


def fuzz_run(emu, boot, args=ARGS):
    run = boot(emu, args=args, timeout=TIMEOUT[emu])
    assert run.trace.status == "pass", run.tail()
    return run


# ---- the tests -------------------------------------------------------------

def test_the_summary_accounts_for_every_case(emu, boot):
    """2000 random cases and the corpus: each one agreed or disagreed.

    The baseline (the hlt guest's VMCB, RIP at its first HLT, every
    exception intercepted) must pass the checker and exit with HLT.  Then
    every case that ran is counted once: checker valid and the guest ran,
    checker invalid and VMEXIT_INVALID (agreements), or one of the two
    disagreements, each with its `fuzz_case` event.  The host must come
    through intact: the kernel's code and the guest image unchanged, no
    panic, no watchdog (a case's guest exits at its first instruction).
    """
    run = fuzz_run(emu, boot)
    t = run.trace
    s = t.one("fuzz_summary")
    assert t.checks()["fuzz_vmcb.baseline"]["ok"], run.tail()
    on_request = 1
    assert (s["fuzzer"], s["seed"], s["cases"]) == ("vmcb", SEED, CASES)
    assert s["corpus"] == len(CORPUS) + on_request
    assert s["run"] + s["excluded"] == CASES + s["corpus"]
    assert s["excluded"] == on_request      # the generator draws no hazard
    assert s["agree"] + s["disagree"] == s["run"]
    assert s["agree_ran"] + s["agree_invalid"] == s["agree"]
    assert s["refused"] + s["ran"] == s["disagree"]
    assert len(disagreements(t)) == s["disagree"]
    assert sum(s["exits"].values()) + s["exits_other"] == \
        s["agree_ran"] + s["ran"]
    assert set(s["exits"]) <= {"HLT", "NPF"} | {f"EXCP{n}" for n in
                                                range(32)}, s["exits"]
    assert s["agree_ran"] > CASES // 10 and s["agree_invalid"] > CASES // 10
    assert (s["host_crashes"], s["host_intact"], s["watchdog"]) == \
        (0, True, 0)
    assert t.checks()["fuzz_vmcb.host_intact"]["ok"]
    assert not t.of("panic")
    # Every rule was named by some case, but two: this processor has long
    # mode, and the generator never clears CR0.PE (a Bochs hazard).
    assert {r for r, n in s["named"].items() if n == 0} == \
        {"efer_lm_unsupported", "lme_pg_no_pe"}


def test_every_disagreement_is_a_deviation_on_record(emu, boot):
    """A disagreement is an emulator deviation, never the checker's fault.

    For each traced case, the rules of §15.5.1 are worked out again here
    from the APM and the VMCB fields the kernel traced; the checker must
    have named exactly those.  Then each disagreement must be explained
    by a row of the deviation table for this emulator: a legal VMCB that
    it refuses, or an illegal one whose every broken rule it does not
    check.  A disagreement that no row explains fails the test, with the
    case: either the checker has a bug to fix (and a unit test to add to
    tests/unit/test_vmcb_check.c) or the emulator a deviation to record.
    """
    run = fuzz_run(emu, boot)
    t = run.trace
    env = t.one("fuzz_summary")["env"]
    for case in t.of("fuzz_case"):
        assert sorted(apm_rules(case["vmcb"], env)) == \
            sorted(case["checker"]), describe(case)
    left = unexplained(emu, t)
    assert not left, f"{len(left)} disagreement(s) on {emu} that no " \
        f"deviation explains:\n" + "\n".join(describe(c) for c in left[:20])
    for case in disagreements(t):
        for dev in explain(emu, case, env):
            assert deviation(dev).emu == emu


def test_each_corpus_case_pins_its_deviation(emu, boot):
    """The corpus: named cases, each a boundary or a deviation's pin.

    The permission maps that end exactly at 2^MAXPHYADDR - 1 and one page
    further (APM2 §15.10.1, §15.11), exception vectors that may be
    injected (§15.20: 31 is an exception vector; #BR too), CS.L with CS.D
    outside long mode, legacy PAE paging, CR3 bit 32 outside long mode,
    EFER and CR4 bits that exist only with a CPUID feature, G_PAT with and
    without nested paging.  The APM verdict is worked out here; where the
    emulator differs, its row in the deviation table gives its verdict.
    """
    run = fuzz_run(emu, boot)
    t = run.trace
    env = t.one("fuzz_summary")["env"]
    seen = {c["corpus"]: c for c in t.of("fuzz_case") if c["corpus"]}
    assert set(seen) == set(CORPUS), run.tail()
    for name, (rules, dev) in CORPUS.items():
        case = seen[name]
        want = apm_rules(case["vmcb"], env)
        if rules is not None:           # independent of the CPU model
            assert want == set(rules), name
        assert set(case["checker"]) == want, describe(case)
        dev_id = dev.format(emu=emu) if dev else ""
        want_exit = expect(emu, dev_id, "INVALID" if want else "HLT")
        got = verdict(case["name"])
        assert got == verdict(want_exit), \
            f"{name}: by APM2 §15.5.1 the guest " + \
            ("may not run" if want else "runs") + f"; on {emu}: {got}" + \
            (f" ({deviation(dev_id).actual})" if dev_id in DEV_IDS else "")


def test_a_fixed_seed_gives_the_same_cases_twice(emu, boot):
    """Case i is drawn from (seed, i) alone: the same seed, the same run.

    Two boots with one seed must give the same summary, digest included
    (an FNV-1a hash of every case's index, checker verdict and exit
    code), and the same traced cases; another seed must not.
    """
    args = "fuzz=vmcb seed=7 cases=300"
    first = fuzz_run(emu, boot, args).trace
    again = boot(emu, args=args, timeout=TIMEOUT[emu], shared=False).trace
    assert again.status == "pass"
    assert first.one("fuzz_summary") == again.one("fuzz_summary")
    assert first.of("fuzz_case") == again.of("fuzz_case")
    other = fuzz_run(emu, boot).trace
    assert other.one("fuzz_summary")["digest"] != \
        first.one("fuzz_summary")["digest"]


def test_a_far_cr3_walk_runs_only_on_request(emu, boot):
    """CR3 bit 51 with MAXPHYADDR 40: illegal, and a hazard if accepted.

    Bochs does not check the guest's CR3 (bochs-vmrun-accepts-cr3_mbz),
    and its page walk from a table at or above 2^MAXPHYADDR may kill the
    emulator process.  The random cases therefore set such CR3 bits only
    with nested paging (the walk then ends in #NPF), and the corpus case
    without it runs last, and only with ondemand=on; without it the run
    names the case and goes on.
    """
    default = fuzz_run(emu, boot).trace
    assert any(f"corpus {FAR_WALK}: runs only on request (ondemand=on)" in l
               for l in default.text)
    assert FAR_WALK not in {c["corpus"] for c in default.of("fuzz_case")}
    run = boot(emu, args="fuzz=vmcb cases=1 ondemand=on",
               timeout=TIMEOUT[emu])
    t = run.trace
    if expect(emu, FAR_WALK_DEV, "INVALID") == "crash":
        assert t.status == "no-summary", run.tail()
        assert run.returncode == -signal.SIGSEGV, \
            deviation(FAR_WALK_DEV).actual + "\n" + run.tail()
        assert any(f"corpus {FAR_WALK}: on request" in l for l in t.text)
    else:
        case = [c for c in t.of("fuzz_case") if c["corpus"] == FAR_WALK]
        assert case and case[0]["checker"] == ["cr3_mbz"], run.tail()
        assert case[0]["name"] == "INVALID", describe(case[0])
        assert t.status == "pass", run.tail()


@pytest.mark.chapter(1)        # the command line's chapter (test_cmdline.py)
@pytest.mark.parametrize("args, says", [
    ("fuzz=vmcb seed=abc", "seed=abc: give a number from 0 to 4294967295"),
    ("fuzz=vmcb seed=4294967296",
     "seed=4294967296: give a number from 0 to 4294967295"),
    ("fuzz=vmcb seed=-1", "seed=-1: give a number from 0 to 4294967295"),
    ("fuzz=vmcb cases=0", "cases=0: give a number from 1 to 10000000"),
    ("fuzz=vmcb cases=10000001",
     "cases=10000001: give a number from 1 to 10000000"),
    ("fuzz=vmcb cases=1e3", "cases=1e3: give a number from 1 to 10000000"),
    ("fuzz=vmcbx", "fuzz=vmcbx: the fuzzers are vmcb and insn"),
])
def test_bad_seed_or_cases_is_refused(emu, boot, args, says):
    """seed= is 0 to 2^32 - 1, cases= 1 to 10^7, decimal: anything else
    is a bad command line, refused before any VMRUN with what would do."""
    run = boot(emu, args=args)
    assert run.trace.status == "bad-cmdline", run.tail()
    assert any(says in line for line in run.trace.text), run.tail()
    assert not run.trace.of("fuzz_summary")
