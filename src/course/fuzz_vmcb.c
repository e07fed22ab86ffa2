/*
 * fuzz_vmcb.c - fuzz=vmcb: the software checker against VMRUN itself
 * (APM2 §15.5.1 "Basic Operation", "Canonicalization and Consistency
 * Checks"; the checker is src/svm/vmcb_check.c, chapter 4).
 *
 * Chapter 4 breaks the hlt guest's VMCB one rule at a time.  This does
 * the same thousands of times, with random mutations (fuzz_mutate.c):
 * one field, or several at once.  For every case two verdicts are
 * compared: the checker's (valid, or the rules it names) and the
 * processor's (the guest runs: any #VMEXIT but VMEXIT_INVALID; or it
 * does not).  Agreements are only counted; a disagreement is traced
 * (`fuzz_case`) and printed, and the tests decide whether it is an
 * emulator deviation on record (tests/deviations.py) or a checker bug.
 *
 * Each case is one VMRUN, and the guest must leave at once, whatever the
 * mutation did to its mode:
 *  - RIP is the hlt guest's first HLT, and HLT is intercepted: F4 is HLT
 *    in every mode (64-bit, compatibility, legacy), so a guest that gets
 *    as far as its first instruction exits there, before it runs any;
 *  - every exception is intercepted, so a fault on that fetch (a CR3 or
 *    CR4 that breaks paging) or while an injected event is delivered
 *    (the guest's IDT is still empty: its runtime never ran) exits too,
 *    and cannot turn into a triple fault;
 *  - CR0.PE is never cleared (fuzz_mutate.h says why), so no case
 *    enters real mode, where a zero IDT would not fault;
 *  - under nested paging (a mutation can turn it on) the guest sees its
 *    own window only, through a nested page table built here, and a CR3
 *    at or above 2^MAXPHYADDR always comes with it: that walk then ends
 *    in #NPF, where Bochs, which does not check CR3, would walk off the
 *    end of its memory (fuzz_hazard; such a case is never run);
 *  - the watchdog's timer runs around every VMRUN, and the INTR and NMI
 *    intercepts stay set.
 * At the end the kernel's code and the guest's image are compared with
 * what they were: a case that wrote where it should not would show.
 *
 * A run is the baseline (the VMCB unchanged: it must run and exit at
 * the HLT), then the corpus (named cases, one per deviation found so
 * far and per edge worth pinning, run every time), then cases= random
 * cases, case i drawn from (seed, i) alone.
 */
#include "fuzz.h"
#include "fuzz_mutate.h"
#include "arch/cr.h"
#include "arch/lapic.h"
#include "arch/msr.h"
#include "dev/console.h"
#include "kernel/course.h"
#include "kernel/palloc.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "lib/string.h"
#include "svm/exits.h"
#include "svm/guest.h"
#include "svm/vcpu.h"

/* At most this many disagreements are printed; all are traced. */
#define PRINT_MAX       40
/* Distinct first-exit codes the summary keeps apart. */
#define EXIT_KINDS      16
/* A progress line every this many random cases. */
#define PROGRESS_EVERY  10000
/* Nested page table entries: P, RW, US (nested walks are user), PS. */
#define NPTE_PRESENT    0x7ull
#define NPTE_LARGE      0x80ull
#define LARGE_PAGE      0x200000ull

#define ULL(x)  ((unsigned long long)(x))
#define MUT(op, arg)    { FUZZ_##op, (arg) }

/*
 * The corpus: named cases that every run makes, whatever the seed.
 * Each pins a boundary of a rule or a deviation the fuzzer found; the
 * tests look them up by name (tests/test_fuzz_vmcb.py: CORPUS).
 */
struct corpus_case {
	const char *name;
	int on_request;         /* a hazard: run only with ondemand=on */
	struct fuzz_case c;
};

static const struct corpus_case corpus[] = {
	/* The maps' last byte at 2^MAXPHYADDR - 1 (legal), or one page
	 * further (illegal): APM2 §15.10.1, §15.11. */
	{ "msrpm_fits_at_top", 0, { 1, { MUT(MSRPM_TOP, 0x2000) } } },
	{ "msrpm_one_page_over", 0, { 1, { MUT(MSRPM_TOP, 0x1000) } } },
	{ "iopm_fits_at_top", 0, { 1, { MUT(IOPM_TOP, 0x3000) } } },
	{ "iopm_one_page_over", 0, { 1, { MUT(IOPM_TOP, 0x2000) } } },
	/* ASID 0, with TLB_CONTROL (the next field) nonzero. */
	{ "asid0_flush_all", 0, { 2, { MUT(ASID, 0), MUT(TLB, 1) } } },
	/* Exception vectors that are legal to inject (APM2 §15.20). */
	{ "inject_exception_31", 0, { 1, { MUT(EVENTINJ, 0x8000031f) } } },
	{ "inject_exception_br", 0, { 1, { MUT(EVENTINJ, 0x80000305) } } },
	/* CR3 bit 52 (chapter 4's case), and bit 40, MAXPHYADDR on both
	 * emulators' models, walked through the nested page table. */
	{ "cr3_bit52", 0, { 1, { MUT(CR3_SET, 52) } } },
	{ "cr3_bit40_nested", 0, { 2, { MUT(NP, 1), MUT(CR3_SET, 40) } } },
	/* Long mode off (CR0.PG clear): CS.L with CS.D is legal there. */
	{ "cs_l_d_paging_off", 0, { 2, { MUT(CR0_CLEAR, 31),
					 MUT(CS_SET, 10) } } },
	/* EFER.LME and LMA clear: legacy PAE paging (APM2 §5.2). */
	{ "legacy_pae", 0, { 2, { MUT(EFER_CLEAR, 8), MUT(EFER_CLEAR, 10) } } },
	/* Legacy mode, CR3 bit 32: MBZ outside long mode (vmcb_check.c). */
	{ "legacy_cr3_bit32", 0, { 3, { MUT(EFER_CLEAR, 8),
					MUT(EFER_CLEAR, 10),
					MUT(CR3_SET, 32) } } },
	/* EFER.LMSLE (bit 13): defined unless CPUID says otherwise. */
	{ "efer_lmsle", 0, { 1, { MUT(EFER_SET, 13) } } },
	/* EFER and CR4 bits that exist only where CPUID says so. */
	{ "efer_ffxsr", 0, { 1, { MUT(EFER_SET, 14) } } },
	{ "efer_tce", 0, { 1, { MUT(EFER_SET, 15) } } },
	{ "cr4_pcide", 0, { 1, { MUT(CR4_SET, 17) } } },
	/* G_PAT with a reserved type but nested paging off: not loaded. */
	{ "gpat_reserved_no_np", 0, { 1, { MUT(GPAT, 0x002) } } },
	/* ... and with nested paging on (chapter 4's invalid.gpat). */
	{ "gpat_reserved_np", 0, { 2, { MUT(NP, 1), MUT(GPAT, 0x002) } } },
	/* CR3 bit 51 without nested paging: illegal, and if an emulator
	 * runs it anyway, a page walk far above MAXPHYADDR (fuzz_hazard). */
	{ "cr3_bit51_far_walk", 1, { 1, { MUT(CR3_SET, 51) } } },
};

#define NCORPUS (sizeof(corpus) / sizeof(corpus[0]))

/* What is set up once: the guest, the template VMCB, the maps. */
struct fuzz_setup {
	struct vcpu v;                  /* the hlt guest; its VMCB runs */
	struct vmcb *tmpl;              /* the valid VMCB every case copies */
	hpa_t host_save_pa;             /* VMSAVE area of the host */
	uint64_t hlt_rip;               /* the guest's first HLT */
	const struct guest_image *img;  /* to check the image at the end */
};

/* The counts behind the summary. */
struct fuzz_tally {
	unsigned run;                   /* cases run, corpus included */
	unsigned agree_ran;             /* checker valid, the guest ran */
	unsigned agree_invalid;         /* checker invalid, VMEXIT_INVALID */
	unsigned refused;               /* checker valid, VMEXIT_INVALID */
	unsigned ran;                   /* checker invalid, the guest ran */
	unsigned excluded;              /* fuzz_hazard: not run */
	unsigned watchdog;              /* the timer ended a guest */
	unsigned named[VMCB_RULE_COUNT];        /* cases naming each rule */
	unsigned ran_by_rule[VMCB_RULE_COUNT];  /* ...that ran anyway */
	unsigned refused_by_op[FUZZ_OP_COUNT];  /* ops in refused cases */
	struct exit_stat exits[EXIT_KINDS];     /* first exits that ran */
	unsigned exits_other;
	unsigned printed;               /* disagreement lines printed */
	uint64_t digest;                /* FNV-1a of every verdict */
};

/* The fields the checker reads, as they were before VMRUN. */
struct fuzz_fields {
	uint64_t efer, cr0, cr3, cr4, dr6, dr7, msrpm, iopm, eventinj;
	uint64_t nested_ctl, g_pat;
	uint32_t misc1, misc2, asid;
	uint16_t cs_attrib;
	uint8_t tlb;
};

/* ------------------------------------------------------------------ */
/* Setting up                                                          */
/* ------------------------------------------------------------------ */

/*
 * The address of the hlt guest's first HLT: guest_main is three HLTs
 * and a RET (guests/hlt.S), F4 F4 F4 C3, after the runtime's entry.
 */
static uint64_t find_hlt(const struct guest_image *img)
{
	static const uint8_t main_bytes[] = { 0xf4, 0xf4, 0xf4, 0xc3 };
	const uint8_t *p = (const uint8_t *)img->start;
	size_t n = (size_t)(img->end - img->start), i;

	for (i = sizeof(struct guest_header); i + 4 <= n; i++)
		if (memcmp(p + i, main_bytes, sizeof(main_bytes)) == 0)
			return GUEST_WINDOW_BASE + i;
	return 0;
}

/*
 * A nested page table that maps the guest window onto itself with
 * 2 MiB pages, guest-physical = host-physical, and nothing else: with
 * NP_ENABLE set by a mutation the guest sees what it saw without it.
 */
static hpa_t window_npt(void)
{
	uint64_t *pml4 = page_alloc(), *pdpt = page_alloc();
	uint64_t *pd = page_alloc(), a;

	pml4[0] = hpa_of(pdpt) | NPTE_PRESENT;
	pdpt[0] = hpa_of(pd) | NPTE_PRESENT;
	for (a = GUEST_WINDOW_BASE; a < GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE;
	     a += LARGE_PAGE)
		pd[(a >> 21) & 511] = a | NPTE_PRESENT | NPTE_LARGE;
	return hpa_of(pml4);
}

/* Load the hlt guest and make the template; 0, or -1 if impossible. */
static int setup(struct fuzz_setup *f)
{
	char err[120];
	struct vmcb_control *c;

	f->img = guest_find("hlt");
	vcpu_init(&f->v, "fuzz.vmcb");
	if (!f->img || guest_load(&f->v, f->img, err, sizeof(err)) < 0) {
		check(0, "fuzz_vmcb.setup", "the hlt guest did not load");
		return -1;
	}
	f->hlt_rip = find_hlt(f->img);
	if (!f->hlt_rip) {
		check(0, "fuzz_vmcb.setup", "no HLT HLT HLT RET in the hlt "
		      "guest (guests/hlt.S changed?)");
		return -1;
	}
	f->tmpl = page_alloc();
	f->host_save_pa = hpa_of(page_alloc());
	memcpy(f->tmpl, f->v.vmcb, sizeof(*f->tmpl));
	c = &f->tmpl->control;
	f->tmpl->save.rip = f->hlt_rip;
	c->intercept_exceptions = 0xffffffffu;
	c->nested_cr3 = window_npt();           /* used only with NP on */
	return 0;
}

/* ------------------------------------------------------------------ */
/* One case                                                            */
/* ------------------------------------------------------------------ */

static void save_fields(struct fuzz_fields *o, const struct vmcb *v)
{
	o->efer = v->save.efer;
	o->cr0 = v->save.cr0;
	o->cr3 = v->save.cr3;
	o->cr4 = v->save.cr4;
	o->dr6 = v->save.dr6;
	o->dr7 = v->save.dr7;
	o->cs_attrib = v->save.cs.attrib;
	o->g_pat = v->save.g_pat;
	o->misc1 = v->control.intercept_misc1;
	o->misc2 = v->control.intercept_misc2;
	o->msrpm = v->control.msrpm_base_pa;
	o->iopm = v->control.iopm_base_pa;
	o->asid = v->control.asid;
	o->tlb = v->control.tlb_control;
	o->eventinj = v->control.event_inj;
	o->nested_ctl = v->control.nested_ctl;
}

/*
 * One VMRUN of the VMCB in f->v, with the watchdog's timer running;
 * returns EXITCODE, normalized (QEMU writes VMEXIT_INVALID in 32 bits).
 */
static uint64_t vmrun_once(struct fuzz_setup *f, struct fuzz_tally *t)
{
	struct guest_regs regs;
	uint64_t shots = lapic_timer_shots;

	memset(&regs, 0, sizeof(regs));
	lapic_timer_start(lapic_ms_to_counts(vcpu_watchdog_ms));
	svm_world_switch(&regs, f->v.vmcb_pa, f->host_save_pa);
	lapic_timer_stop();
	if (lapic_timer_shots != shots)
		t->watchdog++;
	return svm_exit_code_normalize(f->v.vmcb->control.exit_code);
}

static void fnv(uint64_t *h, uint64_t value)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		*h ^= (value >> (8 * i)) & 0xff;
		*h *= 0x100000001b3ull;
	}
}

static void count_exit(struct fuzz_tally *t, uint64_t code)
{
	unsigned i;

	for (i = 0; i < EXIT_KINDS; i++) {
		if (t->exits[i].count && t->exits[i].code != code)
			continue;
		t->exits[i].code = code;
		t->exits[i].count++;
		return;
	}
	t->exits_other++;
}

static void trace_rules(const char *key, uint32_t mask)
{
	unsigned r;

	trace_arr_begin(key);
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		if (mask & (1u << r))
			trace_str(0, vmcb_rule_id(r));
	trace_arr_end();
}

static void trace_fields(const struct fuzz_fields *o)
{
	trace_obj_begin("vmcb");
	trace_u64("efer", o->efer);
	trace_u64("cr0", o->cr0);
	trace_u64("cr3", o->cr3);
	trace_u64("cr4", o->cr4);
	trace_u64("dr6", o->dr6);
	trace_u64("dr7", o->dr7);
	trace_u64("cs_attrib", o->cs_attrib);
	trace_u64("misc1", o->misc1);
	trace_u64("misc2", o->misc2);
	trace_u64("msrpm", o->msrpm);
	trace_u64("iopm", o->iopm);
	trace_u64("asid", o->asid);
	trace_u64("tlb", o->tlb);
	trace_u64("eventinj", o->eventinj);
	trace_u64("nested_ctl", o->nested_ctl);
	trace_u64("g_pat", o->g_pat);
	trace_obj_end();
}

/* The `fuzz_case` event: a disagreement, or a corpus case. */
static void trace_case(uint64_t index, const char *name,
		       const struct fuzz_case *c, const struct fuzz_fields *o,
		       uint32_t rules, uint64_t code)
{
	char buf[48];
	unsigned i;
	int ran = code != SVM_EXIT_INVALID;

	trace_begin("fuzz_case");
	trace_u64("case", index);
	if (name)
		trace_str("corpus", name);
	else
		trace_null("corpus");
	trace_arr_begin("muts");
	for (i = 0; i < c->n; i++) {
		fuzz_mut_format(buf, sizeof(buf), &c->mut[i]);
		trace_str(0, buf);
	}
	trace_arr_end();
	trace_rules("checker", rules);
	trace_str("verdict", ran ? "ran" : "invalid");
	trace_u64("code", code);
	trace_str("name", svm_exit_name(code));
	trace_bool("agree", (rules == 0) == ran);
	trace_fields(o);
	trace_end();
}

/* One readable line for a disagreement (the first PRINT_MAX of them). */
static void print_case(struct fuzz_tally *t, uint64_t index,
		       const char *name, const struct fuzz_case *c,
		       uint32_t rules, uint64_t code)
{
	char buf[48];
	unsigned i, r;

	if (t->printed++ >= PRINT_MAX) {
		if (t->printed == PRINT_MAX + 1)
			kprintf("  (more disagreements: see the fuzz_case "
				"events)\n");
		return;
	}
	if (name)
		kprintf("  corpus %s:", name);
	else
		kprintf("  case %llu:", ULL(index));
	for (i = 0; i < c->n; i++) {
		fuzz_mut_format(buf, sizeof(buf), &c->mut[i]);
		kprintf(" %s", buf);
	}
	kprintf("\n    checker:");
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		if (rules & (1u << r))
			kprintf(" %s", vmcb_rule_id(r));
	kprintf("%s; VMRUN: %s\n", rules ? "" : " valid",
		code == SVM_EXIT_INVALID ? "VMEXIT_INVALID" :
		svm_exit_name(code));
}

/* Count the verdicts of one case that ran (or was refused). */
static void tally_case(struct fuzz_tally *t, const struct fuzz_case *c,
		       uint32_t rules, uint64_t code)
{
	int ran = code != SVM_EXIT_INVALID;
	unsigned r, i;

	t->run++;
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		if (rules & (1u << r)) {
			t->named[r]++;
			if (ran)
				t->ran_by_rule[r]++;
		}
	if (ran)
		count_exit(t, code);
	if (rules && ran)
		t->ran++;
	else if (!rules && !ran)
		t->refused++;
	else if (ran)
		t->agree_ran++;
	else
		t->agree_invalid++;
	if (!rules && !ran)
		for (i = 0; i < c->n; i++)
			t->refused_by_op[c->mut[i].op]++;
}

/*
 * Run case @p c (random case @p index, or corpus case @p name): copy the
 * template, mutate, ask the checker, VMRUN, compare.  A hazard is
 * excluded unless @p on_request (the corpus case meant to pin one).
 */
static void run_case(struct fuzz_setup *f, struct fuzz_tally *t,
		     uint64_t index, const char *name,
		     const struct fuzz_case *c, int on_request)
{
	struct vmcb *v = f->v.vmcb;
	struct fuzz_fields o;
	uint32_t rules;
	uint64_t code;

	memcpy(v, f->tmpl, sizeof(*v));
	fuzz_case_apply(v, c, &vcpu_check_env);
	if (fuzz_hazard(v, &vcpu_check_env) && !on_request) {
		t->excluded++;
		return;
	}
	rules = vmcb_check_mask(v, &vcpu_check_env);
	save_fields(&o, v);
	code = vmrun_once(f, t);
	tally_case(t, c, rules, code);
	fnv(&t->digest, index);
	fnv(&t->digest, rules);
	fnv(&t->digest, code);
	if (name || (rules == 0) != (code != SVM_EXIT_INVALID))
		trace_case(index, name, c, &o, rules, code);
	if ((rules == 0) != (code != SVM_EXIT_INVALID))
		print_case(t, index, name, c, rules, code);
}

/*
 * A corpus case that an emulator may not survive runs last, and only
 * with ondemand=on; otherwise it is named and counted as excluded.
 */
static void run_on_request(struct fuzz_setup *f, struct fuzz_tally *t,
			   unsigned i)
{
	if (!course_ondemand) {
		kprintf("  -- corpus %s: runs only on request (ondemand=on) "
			"--\n", corpus[i].name);
		t->excluded++;
		return;
	}
	kprintf("  -- corpus %s: on request; an emulator may stop here --\n",
		corpus[i].name);
	run_case(f, t, i, corpus[i].name, &corpus[i].c, 1);
}

/* The unchanged template must pass the checker and exit at the HLT. */
static int baseline(struct fuzz_setup *f, struct fuzz_tally *t)
{
	struct vmcb *v = f->v.vmcb;
	uint32_t rules;
	uint64_t code;
	int ok;

	memcpy(v, f->tmpl, sizeof(*v));
	rules = vmcb_check_mask(v, &vcpu_check_env);
	code = vmrun_once(f, t);
	ok = rules == 0 && code == SVM_EXIT_HLT && v->save.rip == f->hlt_rip;
	check(ok, "fuzz_vmcb.baseline", "the template VMCB: checker %s, "
	      "VMRUN exit %s at RIP 0x%llx (want valid, HLT at 0x%llx)",
	      rules ? "invalid" : "valid", svm_exit_name(code),
	      ULL(v->save.rip), ULL(f->hlt_rip));
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The summary                                                         */
/* ------------------------------------------------------------------ */

static void print_summary(const struct fuzz_tally *t, uint64_t seed,
			  unsigned cases)
{
	unsigned r, i;

	kprintf("\n  fuzz=vmcb: seed %llu, %u random cases and %u corpus "
		"cases (%u run, %u excluded)\n", ULL(seed), cases,
		(unsigned)NCORPUS, t->run, t->excluded);
	kprintf("                         guest ran   VMEXIT_INVALID\n");
	kprintf("    checker: valid      %9u   %9u%s\n", t->agree_ran,
		t->refused, t->refused ? "   <- refused: disagreement" : "");
	kprintf("    checker: invalid    %9u   %9u%s\n", t->ran,
		t->agree_invalid, t->ran ? "   <- ran: disagreement" : "");
	kprintf("  agreements %u, disagreements %u\n",
		t->agree_ran + t->agree_invalid, t->refused + t->ran);
	kprintf("    rule                  named    ran anyway\n");
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		kprintf("    %-20s %7u    %7u\n", vmcb_rule_id(r), t->named[r],
			t->ran_by_rule[r]);
	kprintf("  first exits of the guests that ran:");
	for (i = 0; i < EXIT_KINDS && t->exits[i].count; i++)
		kprintf(" %s %u", svm_exit_name(t->exits[i].code),
			t->exits[i].count);
	kprintf("%s\n", t->exits_other ? " and others" : "");
	kprintf("  watchdog: %u; host crashes: none\n", t->watchdog);
}

static void trace_summary(const struct fuzz_tally *t, const struct
			  fuzz_setup *f, uint64_t seed, unsigned cases,
			  int intact)
{
	unsigned r, i;

	trace_begin("fuzz_summary");
	trace_str("fuzzer", "vmcb");
	trace_u64("seed", seed);
	trace_u64("cases", cases);
	trace_u64("corpus", NCORPUS);
	trace_u64("run", t->run);
	trace_u64("excluded", t->excluded);
	trace_u64("agree", t->agree_ran + t->agree_invalid);
	trace_u64("disagree", t->refused + t->ran);
	trace_u64("agree_ran", t->agree_ran);
	trace_u64("agree_invalid", t->agree_invalid);
	trace_u64("refused", t->refused);
	trace_u64("ran", t->ran);
	trace_obj_begin("named");
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		trace_u64(vmcb_rule_id(r), t->named[r]);
	trace_obj_end();
	trace_obj_begin("ran_by_rule");
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		if (t->ran_by_rule[r])
			trace_u64(vmcb_rule_id(r), t->ran_by_rule[r]);
	trace_obj_end();
	trace_obj_begin("refused_by_op");
	for (i = 0; i < FUZZ_OP_COUNT; i++)
		if (t->refused_by_op[i])
			trace_u64(fuzz_op_name(i), t->refused_by_op[i]);
	trace_obj_end();
	trace_obj_begin("exits");
	for (i = 0; i < EXIT_KINDS && t->exits[i].count; i++)
		trace_u64(svm_exit_name(t->exits[i].code), t->exits[i].count);
	trace_obj_end();
	trace_u64("exits_other", t->exits_other);
	trace_u64("watchdog", t->watchdog);
	trace_u64("host_crashes", 0);
	trace_bool("host_intact", intact);
	trace_u64("digest", t->digest);
	trace_u64("hlt_rip", f->hlt_rip);
	trace_obj_begin("env");
	trace_u64("maxphyaddr", fuzz_phys_width(&vcpu_check_env));
	trace_bool("long_mode", vcpu_check_env.long_mode);
	trace_u64("cr4_allowed", vcpu_check_env.cr4_allowed);
	trace_u64("efer_allowed", vcpu_check_env.efer_allowed);
	trace_obj_end();
	trace_end();
}

/*
 * The host survived if we are here; that it is intact, the kernel's code
 * and read-only data and the guest's image say.
 */
static int host_intact(const struct fuzz_setup *f, uint64_t sum_before)
{
	size_t size = (size_t)(f->img->end - f->img->start);
	int kernel = hv_checksum() == sum_before;
	int image = memcmp((const void *)(uintptr_t)GUEST_WINDOW_BASE,
			   f->img->start, size) == 0;

	check(kernel && image, "fuzz_vmcb.host_intact", "after the cases, "
	      "the kernel's code and data are %s and the guest image is %s",
	      kernel ? "unchanged" : "CHANGED", image ? "unchanged" :
	      "CHANGED");
	return kernel && image;
}

void fuzz_vmcb_run(uint64_t seed, unsigned cases)
{
	static struct fuzz_setup f;
	static struct fuzz_tally t;
	struct fuzz_case c;
	uint64_t sum = hv_checksum();
	unsigned i;
	int intact;

	memset(&t, 0, sizeof(t));
	t.digest = 0xcbf29ce484222325ull;
	if (setup(&f) < 0 || baseline(&f, &t) < 0)
		return;
	for (i = 0; i < NCORPUS; i++)
		if (!corpus[i].on_request)
			run_case(&f, &t, i, corpus[i].name, &corpus[i].c,
				 0);
	for (i = 0; i < cases; i++) {
		fuzz_case_draw(&c, seed, i, &vcpu_check_env);
		run_case(&f, &t, i, 0, &c, 0);
		if ((i + 1) % PROGRESS_EVERY == 0 && i + 1 < cases)
			kprintf("  fuzz=vmcb: %u of %u cases\n", i + 1, cases);
	}
	for (i = 0; i < NCORPUS; i++)
		if (corpus[i].on_request)
			run_on_request(&f, &t, i);
	intact = host_intact(&f, sum);
	print_summary(&t, seed, cases);
	trace_summary(&t, &f, seed, cases, intact);
}
