/*
 * test_fuzz_mutate.c - host tests of the fuzz=vmcb generator,
 * src/course/fuzz_mutate.c: the consistency checks of APM2 §15.5.1,
 * fuzzed (chapter 4).
 *
 * The generator has four promises: a case depends on (seed, index)
 * alone; it never produces a state an emulator does not survive
 * (fuzz_hazard); a mutation does exactly what its text says; and the
 * cases reach every rule of APM2 §15.5.1 that a long-mode processor can
 * break.  The infra_ tests check code outside every lab block; the last
 * needs the checker of chapter 4.
 */
#include "unit.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "course/fuzz_mutate.h"
#include "svm/svm.h"
#include "svm/vmcb_check.h"

/* Cases the statistical tests draw. */
#define DRAWS 20000

static struct vmcb vmcb;

/* Like both emulators' default models: MAXPHYADDR 40, long mode. */
static struct vmcb_check_env env(unsigned maxphyaddr)
{
	struct vmcb_check_env e = { 0 };

	e.maxphyaddr = maxphyaddr;
	e.long_mode = 1;
	e.cr4_allowed = 0x7ff | CR4_FSGSBASE | CR4_OSXSAVE | CR4_SMEP |
			CR4_SMAP;
	e.efer_allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE |
			 EFER_SVME;
	e.svm_features = SVM_FEAT_NP | SVM_FEAT_NRIPS;
	return e;
}

/* The hlt guest's VMCB as fuzz_vmcb.c's template has it, in short. */
static struct vmcb *template_vmcb(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	vmcb.save.efer = EFER_LME | EFER_LMA | EFER_SVME;
	vmcb.save.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	vmcb.save.cr3 = 0x7fc000;
	vmcb.save.cr4 = CR4_PAE;
	vmcb.save.dr6 = DR6_FIXED1;
	vmcb.save.dr7 = DR7_FIXED1;
	vmcb.save.cs.attrib = 0x0a9b;                   /* L=1, D=0 */
	vmcb.save.g_pat = 0x0007040600070406ull;
	vmcb.control.intercept_misc2 = SVM_MISC2_VMRUN | SVM_MISC2_VMMCALL;
	vmcb.control.intercept_exceptions = 0xffffffffu;
	vmcb.control.asid = 1;
	return &vmcb;
}

static int same_case(const struct fuzz_case *a, const struct fuzz_case *b)
{
	unsigned i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->mut[i].op != b->mut[i].op ||
		    a->mut[i].arg != b->mut[i].arg)
			return 0;
	return 1;
}

TEST(infra_a_case_depends_on_seed_and_index_alone)
{
	struct vmcb_check_env e = env(40);
	struct fuzz_case a, b;
	unsigned i, differ = 0;

	for (i = 0; i < 1000; i++) {
		fuzz_case_draw(&a, 7, i, &e);
		fuzz_case_draw(&b, 7, i, &e);
		EXPECT_TRUE(same_case(&a, &b));
		EXPECT_TRUE(a.n >= 1 && a.n <= FUZZ_MUTS_MAX);
		fuzz_case_draw(&b, 8, i, &e);
		differ += !same_case(&a, &b);
	}
	/* Case 500 does not depend on cases 0-499 having been drawn. */
	fuzz_case_draw(&a, 7, 500, &e);
	fuzz_case_draw(&b, 7, 500, &e);
	EXPECT_TRUE(same_case(&a, &b));
	EXPECT_TRUE(differ > 900);
}

TEST(infra_rng_below_stays_in_range)
{
	struct fuzz_rng r;
	unsigned i, seen[7] = { 0 };

	fuzz_rng_seed(&r, 1, 0);
	for (i = 0; i < 7000; i++) {
		unsigned x = fuzz_rng_below(&r, 7);

		EXPECT_TRUE(x < 7);
		if (x < 7)
			seen[x]++;
	}
	for (i = 0; i < 7; i++)
		EXPECT_TRUE(seen[i] > 800 && seen[i] < 1200);
}

/*
 * No drawn case is a hazard: CR0.PE stays set, and a CR3 at or above
 * 2^MAXPHYADDR comes with nested paging, below bit 48.  Checked for
 * MAXPHYADDR 40 (the emulators), 48 and 52.
 */
TEST(infra_no_drawn_case_is_a_hazard)
{
	static const unsigned widths[] = { 40, 48, 52 };
	unsigned w, i, bad = 0, far = 0;

	for (w = 0; w < 3; w++) {
		struct vmcb_check_env e = env(widths[w]);

		for (i = 0; i < DRAWS; i++) {
			struct fuzz_case c;
			struct vmcb *v = template_vmcb();

			fuzz_case_draw(&c, 3, i, &e);
			fuzz_case_apply(v, &c, &e);
			bad += fuzz_hazard(v, &e) != 0;
			bad += !(v->save.cr0 & CR0_PE);
			far += widths[w] == 40 && (v->save.cr3 >> 40) &&
			       !(v->save.cr3 >> 52);
		}
	}
	EXPECT_EQ(bad, 0);
	EXPECT_TRUE(far > 100);         /* the boundary is still drawn */
}

TEST(infra_hazards_are_recognised)
{
	struct vmcb_check_env e = env(40);
	struct vmcb *v = template_vmcb();

	EXPECT_EQ(fuzz_hazard(v, &e), 0);
	v->save.cr0 &= ~CR0_PE;                         /* LME, PG, no PE */
	EXPECT_TRUE(fuzz_hazard(v, &e));
	v = template_vmcb();
	v->save.cr3 |= 1ull << 45;                      /* a far walk */
	EXPECT_TRUE(fuzz_hazard(v, &e));
	v->control.nested_ctl = NESTED_CTL_NP_ENABLE;   /* through the NPT */
	EXPECT_EQ(fuzz_hazard(v, &e), 0);
	v->save.cr3 |= 1ull << 50;                      /* beyond the NPT */
	EXPECT_TRUE(fuzz_hazard(v, &e));
	v = template_vmcb();
	v->save.cr3 |= 1ull << 52;                      /* dropped by walks */
	EXPECT_EQ(fuzz_hazard(v, &e), 0);
}

TEST(infra_a_mutation_does_what_its_text_says)
{
	struct vmcb_check_env e = env(40);
	struct vmcb *v = template_vmcb();
	struct fuzz_mut m;
	char buf[48];

	m.op = FUZZ_MSRPM_TOP;
	m.arg = 0x2000;
	fuzz_mut_apply(v, &m, &e);
	EXPECT_EQ(v->control.msrpm_base_pa, 0xffffffe000ull);
	fuzz_mut_format(buf, sizeof(buf), &m);
	EXPECT_STREQ(buf, "msrpm=top-0x2000");
	m.arg = 0x1abc;                 /* one page down, low bits 0xabc */
	fuzz_mut_apply(v, &m, &e);
	EXPECT_EQ(v->control.msrpm_base_pa, 0xfffffffabcull);
	fuzz_mut_format(buf, sizeof(buf), &m);
	EXPECT_STREQ(buf, "msrpm=top-0x1000+0xabc");

	m.op = FUZZ_CR0_SET;
	m.arg = 29;
	fuzz_mut_apply(v, &m, &e);
	EXPECT_TRUE(v->save.cr0 & CR0_NW);
	fuzz_mut_format(buf, sizeof(buf), &m);
	EXPECT_STREQ(buf, "cr0|=bit29");

	m.op = FUZZ_CR0_CLEAR;          /* PE is never cleared */
	m.arg = 0;
	fuzz_mut_apply(v, &m, &e);
	EXPECT_TRUE(v->save.cr0 & CR0_PE);

	m.op = FUZZ_GPAT;
	m.arg = 3 << 8 | 0x02;          /* PA3 = 2, reserved */
	fuzz_mut_apply(v, &m, &e);
	EXPECT_EQ(v->save.g_pat, 0x0007040602070406ull);
	fuzz_mut_format(buf, sizeof(buf), &m);
	EXPECT_STREQ(buf, "g_pat.pa3=0x2");

	m.op = FUZZ_EVENTINJ;
	m.arg = 0x8000031full;
	fuzz_mut_apply(v, &m, &e);
	EXPECT_EQ(v->control.event_inj, 0x8000031full);
	fuzz_mut_format(buf, sizeof(buf), &m);
	EXPECT_STREQ(buf, "eventinj=0x8000031f");

	m.op = FUZZ_CS_SET;
	m.arg = 10;
	fuzz_mut_apply(v, &m, &e);
	EXPECT_EQ(v->save.cs.attrib, 0x0e9b);
	m.op = FUZZ_ASID;
	m.arg = 0;
	fuzz_mut_apply(v, &m, &e);
	EXPECT_EQ(v->control.asid, 0);
	fuzz_mut_format(buf, sizeof(buf), &m);
	EXPECT_STREQ(buf, "asid=0");
}

/* Every operation is drawn, and in proportion (none starved). */
TEST(infra_every_operation_is_drawn)
{
	struct vmcb_check_env e = env(40);
	unsigned count[FUZZ_OP_COUNT] = { 0 }, i, j;

	for (i = 0; i < DRAWS; i++) {
		struct fuzz_case c;

		fuzz_case_draw(&c, 11, i, &e);
		for (j = 0; j < c.n; j++)
			if (c.mut[j].op < FUZZ_OP_COUNT)
				count[c.mut[j].op]++;
	}
	for (i = 0; i < FUZZ_OP_COUNT; i++)
		if (count[i] < DRAWS / 100)
			unit_fail(__FILE__, __LINE__, "%s drawn %u times",
				  fuzz_op_name(i), count[i]);
}

/*
 * The cases reach every rule but two: EFER.LME on a processor without
 * long mode (this one has it) and CR0.PE clear in long mode (a hazard).
 * Each single-mutation case that breaks a rule breaks the one its
 * mutation aims at, and many cases stay valid.
 */
TEST(every_reachable_rule_is_broken_by_some_case)
{
	struct vmcb_check_env e = env(40);
	unsigned hits[VMCB_RULE_COUNT] = { 0 }, valid = 0, i, r;

	for (i = 0; i < DRAWS; i++) {
		struct fuzz_case c;
		struct vmcb *v = template_vmcb();
		uint32_t mask;

		fuzz_case_draw(&c, 5, i, &e);
		fuzz_case_apply(v, &c, &e);
		mask = vmcb_check_mask(v, &e);
		valid += mask == 0;
		for (r = 0; r < VMCB_RULE_COUNT; r++)
			hits[r] += (mask >> r) & 1;
	}
	EXPECT_EQ(vmcb_check_mask(template_vmcb(), &e), 0);
	for (r = 0; r < VMCB_RULE_COUNT; r++) {
		int unreachable = r == VMCB_RULE_EFER_LM_UNSUPPORTED ||
				  r == VMCB_RULE_LME_PG_NO_PE;

		if (unreachable ? hits[r] != 0 : hits[r] < DRAWS / 400)
			unit_fail(__FILE__, __LINE__, "rule %s broken by %u "
				  "cases", vmcb_rule_id(r), hits[r]);
	}
	EXPECT_TRUE(valid > DRAWS / 5 && valid < DRAWS / 2);
}
