/*
 * test_vmcb_check.c - host tests of the software VMRUN checker
 * (chapter 4).
 *
 * APM2 §15.5.1 "Basic Operation" lists the guest states that VMRUN
 * refuses with #VMEXIT(VMEXIT_INVALID).  Each test starts from a clean
 * long-mode VMCB that passes every check, breaks it in exactly one way,
 * and expects the checker to name exactly that rule, with a detail that
 * says what it saw.  No emulator is involved, so the processor can be
 * anything: one without long mode, one without SMEP, and so on.
 */
#include "unit.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "svm/svm.h"
#include "svm/vmcb_check.h"

/* EFER bits msr.h does not name (APM2 §3.1.7). */
#define EFER_LMSLE      (1ull << 13)
#define EFER_FFXSR      (1ull << 14)
#define EFER_TCE        (1ull << 15)

/* The VMCB under test; static because it is a whole 4 KiB page. */
static struct vmcb vmcb;

/*
 * A processor like the emulators' models: 40-bit physical addresses,
 * long mode, CR4 with FSGSBASE/PCIDE/OSXSAVE/SMEP/SMAP but no UMIP,
 * LA57, PKE or CET, and EFER without LMSLE or TCE.
 */
static struct vmcb_check_env env(void)
{
	struct vmcb_check_env e = { 0 };

	e.maxphyaddr = 40;
	e.long_mode = 1;
	e.cr4_allowed = 0x7ff | CR4_FSGSBASE | CR4_PCIDE | CR4_OSXSAVE |
			CR4_SMEP | CR4_SMAP;
	e.efer_allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE |
			 EFER_SVME | EFER_FFXSR;
	e.svm_features = SVM_FEAT_NP | SVM_FEAT_NRIPS;
	return e;
}

/* Segment fields common to the clean VMCBs. */
static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = 0xffffffffu;
	s->base = 0;
}

/* A 64-bit guest that VMRUN accepts: every rule holds. */
static struct vmcb *clean_long_mode(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	vmcb.save.efer = EFER_LME | EFER_LMA | EFER_SVME;
	vmcb.save.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	vmcb.save.cr3 = 0x1000;
	vmcb.save.cr4 = CR4_PAE;
	vmcb.save.dr6 = DR6_FIXED1;
	vmcb.save.dr7 = DR7_FIXED1;
	vmcb.save.rflags = RFLAGS_FIXED1;
	set_seg(&vmcb.save.cs, 0x08, 0x0a9b);           /* L=1, D=0 */
	set_seg(&vmcb.save.ss, 0x10, 0x0c93);
	set_seg(&vmcb.save.ds, 0x10, 0x0c93);
	set_seg(&vmcb.save.es, 0x10, 0x0c93);
	vmcb.save.g_pat = 0x0007040600070406ull;        /* the reset PAT */
	vmcb.control.intercept_misc2 = SVM_MISC2_VMRUN;
	vmcb.control.asid = 1;
	vmcb.control.iopm_base_pa = 0x10000;
	vmcb.control.msrpm_base_pa = 0x20000;
	return &vmcb;
}

/* A 32-bit paged protected-mode guest (no EFER.LME) that passes. */
static struct vmcb *clean_protected_mode(void)
{
	struct vmcb *v = clean_long_mode();

	v->save.efer = EFER_SVME;
	v->save.cr4 = 0;
	v->save.cr3 = 0x2000;
	v->save.cs.attrib = 0x0c9b;                     /* L=0, D=1 */
	return v;
}

/* The ids of @p n violations, comma-separated, for failure messages. */
static const char *ids(const struct vmcb_violation *out, unsigned n)
{
	static char buf[512];
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < n && i < VMCB_RULE_COUNT; i++) {
		if (i)
			strcat(buf, ", ");
		strcat(buf, vmcb_rule_id(out[i].rule));
	}
	return n ? buf : "none";
}

/*
 * Expect @p v to break exactly rule @p want, both through vmcb_check
 * (with a non-empty detail) and through vmcb_check_mask.
 */
static void expect_only(const struct vmcb *v, const struct vmcb_check_env *e,
			enum vmcb_rule want, int line)
{
	struct vmcb_violation out[VMCB_RULE_COUNT];
	unsigned n = vmcb_check(v, e, out, VMCB_RULE_COUNT);
	uint32_t mask = vmcb_check_mask(v, e);

	if (n != 1 || out[0].rule != want)
		unit_fail(__FILE__, line, "APM2 15.5.1: expected exactly %s, "
			  "the checker found %u: %s", vmcb_rule_id(want), n,
			  ids(out, n));
	else if (out[0].detail[0] == '\0')
		unit_fail(__FILE__, line, "%s: the detail is empty",
			  vmcb_rule_id(want));
	if (mask != 1u << want)
		unit_fail(__FILE__, line, "vmcb_check_mask = 0x%x, want 0x%x",
			  mask, 1u << want);
}

/* Expect @p v to pass every check. */
static void expect_clean(const struct vmcb *v, const struct vmcb_check_env *e,
			 int line)
{
	struct vmcb_violation out[VMCB_RULE_COUNT];
	unsigned n = vmcb_check(v, e, out, VMCB_RULE_COUNT);

	if (n != 0)
		unit_fail(__FILE__, line, "expected a legal VMCB, the checker "
			  "found %u: %s (%s)", n, ids(out, n), out[0].detail);
	if (vmcb_check_mask(v, e) != 0)
		unit_fail(__FILE__, line, "vmcb_check_mask = 0x%x, want 0",
			  vmcb_check_mask(v, e));
}

#define EXPECT_ONLY(v, e, rule) expect_only((v), (e), (rule), __LINE__)
#define EXPECT_CLEAN(v, e)      expect_clean((v), (e), __LINE__)

/* ------------------------------------------------------------------ */
/* Clean VMCBs                                                         */
/* ------------------------------------------------------------------ */

TEST(clean_long_mode_vmcb_passes)
{
	struct vmcb_check_env e = env();

	EXPECT_CLEAN(clean_long_mode(), &e);
}

TEST(clean_protected_mode_vmcb_passes)
{
	struct vmcb_check_env e = env();

	EXPECT_CLEAN(clean_protected_mode(), &e);
}

/* Nested paging with the reset PAT (all supported types) passes too. */
TEST(clean_vmcb_with_nested_paging_passes)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->control.nested_ctl = NESTED_CTL_NP_ENABLE;
	v->save.g_pat = 0x0706050401000706ull;  /* every legal type once */
	EXPECT_CLEAN(v, &e);
}

/* ------------------------------------------------------------------ */
/* One test per rule                                                   */
/* ------------------------------------------------------------------ */

TEST(rule_efer_svme)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.efer &= ~EFER_SVME;
	EXPECT_ONLY(v, &e, VMCB_RULE_EFER_SVME);
}

TEST(rule_cr0_cd_nw)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cr0 |= CR0_NW;
	EXPECT_ONLY(v, &e, VMCB_RULE_CR0_CD_NW);
	v->save.cr0 |= CR0_CD;                  /* CD and NW: legal */
	EXPECT_CLEAN(v, &e);
}

TEST(rule_cr0_high)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cr0 |= 1ull << 32;
	EXPECT_ONLY(v, &e, VMCB_RULE_CR0_HIGH);
}

/* Long mode: bits at or above MAXPHYADDR (40 here) are MBZ. */
TEST(rule_cr3_mbz_long_mode)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cr3 = 0x1000 | 1ull << 40;
	EXPECT_ONLY(v, &e, VMCB_RULE_CR3_MBZ);
	v->save.cr3 = 0x1000 | 1ull << 52;      /* Reserved, MBZ */
	EXPECT_ONLY(v, &e, VMCB_RULE_CR3_MBZ);
	v->save.cr3 = 0x1000 | 1ull << 39;      /* below MAXPHYADDR */
	EXPECT_CLEAN(v, &e);
	v->save.cr3 = 0x1000 | 0x18;            /* PWT, PCD: fine */
	EXPECT_CLEAN(v, &e);
}

/* Outside long mode CR3 is a 32-bit register: bits 63:32 are MBZ. */
TEST(rule_cr3_mbz_legacy_mode)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_protected_mode();

	v->save.cr3 = 0x2000 | 1ull << 32;
	EXPECT_ONLY(v, &e, VMCB_RULE_CR3_MBZ);
	v->save.cr4 = CR4_PAE;                  /* legacy PAE paging */
	EXPECT_ONLY(v, &e, VMCB_RULE_CR3_MBZ);
	v->save.cr0 &= ~CR0_PG;                 /* paging off */
	EXPECT_ONLY(v, &e, VMCB_RULE_CR3_MBZ);
	v->save.cr3 = 0xfffff000;               /* a 32-bit CR3: fine */
	EXPECT_CLEAN(v, &e);
}

TEST(rule_cr4_mbz)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cr4 |= CR4_LA57;                /* feature not present */
	EXPECT_ONLY(v, &e, VMCB_RULE_CR4_MBZ);
	v->save.cr4 = CR4_PAE | 1ull << 19;     /* reserved bit */
	EXPECT_ONLY(v, &e, VMCB_RULE_CR4_MBZ);
	v->save.cr4 = CR4_PAE | 1ull << 32;     /* bits 63:32 */
	EXPECT_ONLY(v, &e, VMCB_RULE_CR4_MBZ);
	v->save.cr4 = CR4_PAE | CR4_SMEP;       /* present: fine */
	EXPECT_CLEAN(v, &e);
}

TEST(rule_dr6_high)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.dr6 |= 1ull << 40;
	EXPECT_ONLY(v, &e, VMCB_RULE_DR6_HIGH);
}

TEST(rule_dr7_high)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.dr7 |= 1ull << 63;
	EXPECT_ONLY(v, &e, VMCB_RULE_DR7_HIGH);
}

TEST(rule_efer_mbz)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.efer |= 1ull << 2;              /* reserved */
	EXPECT_ONLY(v, &e, VMCB_RULE_EFER_MBZ);
	v->save.efer = EFER_LME | EFER_LMA | EFER_SVME | EFER_TCE;
	EXPECT_ONLY(v, &e, VMCB_RULE_EFER_MBZ); /* TCE not present */
	v->save.efer = EFER_LME | EFER_LMA | EFER_SVME | 1ull << 32;
	EXPECT_ONLY(v, &e, VMCB_RULE_EFER_MBZ);
	v->save.efer = EFER_LME | EFER_LMA | EFER_SVME | EFER_NXE;
	EXPECT_CLEAN(v, &e);
}

/* The same long-mode VMCB on a processor without long mode. */
TEST(rule_efer_lm_unsupported)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	e.long_mode = 0;
	EXPECT_ONLY(v, &e, VMCB_RULE_EFER_LM_UNSUPPORTED);
	EXPECT_CLEAN(clean_protected_mode(), &e);
}

TEST(rule_lme_pg_no_pae)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cr4 &= ~CR4_PAE;
	EXPECT_ONLY(v, &e, VMCB_RULE_LME_PG_NO_PAE);
}

/* Paging without protection is legal under VMRUN, but not with LME. */
TEST(rule_lme_pg_no_pe)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cr0 &= ~CR0_PE;
	EXPECT_ONLY(v, &e, VMCB_RULE_LME_PG_NO_PE);
	v = clean_protected_mode();
	v->save.cr0 &= ~CR0_PE;                 /* "paged real mode" */
	EXPECT_CLEAN(v, &e);
}

/* CS.L with CS.D is illegal in long mode only. */
TEST(rule_cs_l_and_d)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.cs.attrib |= SEG_ATTR_DB;
	EXPECT_ONLY(v, &e, VMCB_RULE_CS_L_AND_D);
	v = clean_protected_mode();
	v->save.cs.attrib |= SEG_ATTR_L;        /* L ignored outside LM */
	EXPECT_CLEAN(v, &e);
}

TEST(rule_vmrun_intercept)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->control.intercept_misc2 = SVM_MISC2_VMMCALL;
	EXPECT_ONLY(v, &e, VMCB_RULE_VMRUN_INTERCEPT);
}

/*
 * The MSRPM is 8 KiB; its last byte must lie below 2^40.  The low 12
 * bits of the base are ignored, so a base that looks too high by less
 * than a page is still legal.
 */
TEST(rule_msrpm_base)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->control.msrpm_base_pa = (1ull << 40) - 0x1000;
	EXPECT_ONLY(v, &e, VMCB_RULE_MSRPM_BASE);
	v->control.msrpm_base_pa = 1ull << 52;
	EXPECT_ONLY(v, &e, VMCB_RULE_MSRPM_BASE);
	v->control.msrpm_base_pa = ~0ull;       /* no overflow */
	EXPECT_ONLY(v, &e, VMCB_RULE_MSRPM_BASE);
	v->control.msrpm_base_pa = (1ull << 40) - 0x2000;
	EXPECT_CLEAN(v, &e);                    /* ends at 2^40 - 1 */
	v->control.msrpm_base_pa = (1ull << 40) - 0x2000 + 0xfff;
	EXPECT_CLEAN(v, &e);
}

/* The IOPM is 12 KiB: one page more than the MSRPM. */
TEST(rule_iopm_base)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->control.iopm_base_pa = (1ull << 40) - 0x2000;
	EXPECT_ONLY(v, &e, VMCB_RULE_IOPM_BASE);
	v->control.iopm_base_pa = (1ull << 40) - 0x3000;
	EXPECT_CLEAN(v, &e);                    /* ends at 2^40 - 1 */
	v->control.iopm_base_pa = (1ull << 40) - 0x3000 + 0xabc;
	EXPECT_CLEAN(v, &e);
}

TEST(rule_event_inj)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->control.event_inj = SVM_EVTINJ_VALID | (1ull << 8) | 32;
	EXPECT_ONLY(v, &e, VMCB_RULE_EVENT_INJ);
}

TEST(rule_asid_zero)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->control.asid = 0;
	EXPECT_ONLY(v, &e, VMCB_RULE_ASID_ZERO);
}

/*
 * G_PAT matters only with nested paging (APM2 §15.25.4): each byte must
 * be UC, WC, WT, WP, WB or UC- (0, 1, 4, 5, 6, 7) with bits 7:3 zero.
 */
TEST(rule_gpat)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();

	v->save.g_pat = 0x0007040200070406ull;  /* PA4 = 2: reserved */
	EXPECT_CLEAN(v, &e);                    /* no nested paging yet */
	v->control.nested_ctl = NESTED_CTL_NP_ENABLE;
	EXPECT_ONLY(v, &e, VMCB_RULE_GPAT);
	v->save.g_pat = 0x0307040600070406ull;  /* PA7 = 3: reserved */
	EXPECT_ONLY(v, &e, VMCB_RULE_GPAT);
	v->save.g_pat = 0x000704060007040eull;  /* PA0 bit 3: reserved */
	EXPECT_ONLY(v, &e, VMCB_RULE_GPAT);
}

/* ------------------------------------------------------------------ */
/* Several rules at once                                               */
/* ------------------------------------------------------------------ */

/* Each broken rule is reported once, in enum (APM) order. */
TEST(two_rules_reported_in_enum_order)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();
	struct vmcb_violation out[VMCB_RULE_COUNT];
	unsigned n;

	v->control.asid = 0;
	v->save.efer &= ~EFER_SVME;
	n = vmcb_check(v, &e, out, VMCB_RULE_COUNT);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(out[0].rule, VMCB_RULE_EFER_SVME);
	EXPECT_EQ(out[1].rule, VMCB_RULE_ASID_ZERO);
	EXPECT_STREQ(vmcb_rule_id(out[0].rule), "efer_svme");
	EXPECT_STREQ(vmcb_rule_id(out[1].rule), "asid_zero");
	EXPECT_TRUE(out[0].detail[0] && out[1].detail[0]);
	EXPECT_EQ(vmcb_check_mask(v, &e),
		  1u << VMCB_RULE_EFER_SVME | 1u << VMCB_RULE_ASID_ZERO);
}

/* The count covers every violation even when @p out is too small. */
TEST(count_exceeds_max)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();
	struct vmcb_violation out[1];

	v->control.asid = 0;
	v->save.efer &= ~EFER_SVME;
	v->save.dr7 |= 1ull << 32;
	memset(out, 0x5a, sizeof(out));
	EXPECT_EQ(vmcb_check(v, &e, out, 1), 3);
	EXPECT_EQ(out[0].rule, VMCB_RULE_EFER_SVME);
	EXPECT_EQ(vmcb_check(v, &e, NULL, 0), 3);
}

/* The detail says what was seen, e.g. the value of EFER. */
TEST(detail_names_the_value)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();
	struct vmcb_violation out[VMCB_RULE_COUNT];

	v->save.efer = EFER_LME | EFER_LMA;
	EXPECT_EQ(vmcb_check(v, &e, out, VMCB_RULE_COUNT), 1);
	EXPECT_TRUE(strstr(out[0].detail, "EFER=0x500") != NULL);
	EXPECT_TRUE(strlen(out[0].detail) < sizeof(out[0].detail));
}

/* Rule ids are unique, non-empty, and every rule has APM wording. */
TEST(rule_ids_unique_and_named)
{
	struct vmcb_check_env e = env();
	struct vmcb *v = clean_long_mode();
	struct vmcb_violation out[VMCB_RULE_COUNT];
	unsigned i, j;

	for (i = 0; i < VMCB_RULE_COUNT; i++) {
		EXPECT_TRUE(vmcb_rule_id(i) && vmcb_rule_id(i)[0]);
		EXPECT_TRUE(vmcb_rules[i].apm && vmcb_rules[i].apm[0]);
		for (j = 0; j < i; j++)
			EXPECT_TRUE(strcmp(vmcb_rule_id(i),
					   vmcb_rule_id(j)) != 0);
	}
	EXPECT_STREQ(vmcb_rule_id(VMCB_RULE_COUNT), "?");
	/* A trace names a violation by the id of the rule it reports. */
	v->save.cr0 |= CR0_NW;
	EXPECT_EQ(vmcb_check(v, &e, out, VMCB_RULE_COUNT), 1);
	EXPECT_STREQ(vmcb_rule_id(out[0].rule), "cr0_cd_nw");
}

/* ------------------------------------------------------------------ */
/* The environment from CPUID                                          */
/* ------------------------------------------------------------------ */

/* Build an env from CPUID values (zero for the leaves not given). */
static struct vmcb_check_env from_cpuid(uint32_t l1_ecx, uint32_t l7_ebx,
					uint32_t l7_ecx, uint32_t e1_ecx,
					uint32_t e1_edx, uint32_t e8_eax,
					uint32_t e8_ebx)
{
	struct cpuid_regs l1 = { 0 }, l7 = { 0 }, e1 = { 0 }, e8 = { 0 };
	struct vmcb_check_env e;

	l1.ecx = l1_ecx;
	l7.ebx = l7_ebx;
	l7.ecx = l7_ecx;
	e1.ecx = e1_ecx;
	e1.edx = e1_edx;
	e8.eax = e8_eax;
	e8.ebx = e8_ebx;
	memset(&e, 0xa5, sizeof(e));
	vmcb_check_env_from_cpuid(&e, &l1, &l7, &e1, &e8, SVM_FEAT_NP);
	return e;
}

/*
 * The least a long-mode processor has: CR4 bits 10:0, and EFER SCE,
 * LME, LMA, SVME plus LMSLE (EferLmsleUnsupported is clear).
 */
TEST(env_from_cpuid_minimal)
{
	struct vmcb_check_env e = from_cpuid(0, 0, 0, 0, 1u << 29, 48, 0);

	EXPECT_EQ(e.maxphyaddr, 48);
	EXPECT_EQ(e.long_mode, 1);
	EXPECT_EQ(e.cr4_allowed, 0x7ff);
	EXPECT_EQ(e.efer_allowed, EFER_SCE | EFER_LME | EFER_LMA |
				  EFER_SVME | EFER_LMSLE);
	EXPECT_EQ(e.svm_features, SVM_FEAT_NP);
	/* Such a processor rejects the clean VMCB only for what it lacks. */
	EXPECT_CLEAN(clean_long_mode(), &e);
	clean_long_mode()->save.cr4 |= CR4_SMEP;
	EXPECT_ONLY(&vmcb, &e, VMCB_RULE_CR4_MBZ);
}

/* Every feature flag that adds a CR4 bit, one at a time. */
TEST(env_from_cpuid_cr4_features)
{
	static const struct {
		int leaf;               /* 1: leaf 1 ECX; 7: 7.EBX; 8: 7.ECX */
		uint32_t bit;
		uint64_t cr4;
	} map[] = {
		{ 8, 1u << 2, CR4_UMIP },
		{ 8, 1u << 16, CR4_LA57 },
		{ 7, 1u << 0, CR4_FSGSBASE },
		{ 1, 1u << 17, CR4_PCIDE },
		{ 1, 1u << 26, CR4_OSXSAVE },
		{ 7, 1u << 7, CR4_SMEP },
		{ 7, 1u << 20, CR4_SMAP },
		{ 8, 1u << 3, CR4_PKE },
		{ 8, 1u << 7, CR4_CET },
	};
	unsigned i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		uint32_t b = map[i].bit;
		struct vmcb_check_env e = from_cpuid(
			map[i].leaf == 1 ? b : 0, map[i].leaf == 7 ? b : 0,
			map[i].leaf == 8 ? b : 0, 0, 1u << 29, 40, 0);

		EXPECT_EQ(e.cr4_allowed, 0x7ff | map[i].cr4);
		/* ... and the checker accepts that bit in a guest's CR4. */
		clean_long_mode()->save.cr4 |= map[i].cr4;
		EXPECT_CLEAN(&vmcb, &e);
	}
}

/* NX, FFXSR and TCE add EFER bits; EferLmsleUnsupported removes one. */
TEST(env_from_cpuid_efer_features)
{
	uint32_t edx = 1u << 29 | 1u << 20 | 1u << 25;  /* LM, NX, FFXSR */
	struct vmcb_check_env e = from_cpuid(0, 0, 0, 1u << 17, edx, 40,
					     1u << 20);

	EXPECT_EQ(e.efer_allowed, EFER_SCE | EFER_LME | EFER_LMA |
				  EFER_NXE | EFER_SVME | EFER_FFXSR |
				  EFER_TCE);
	clean_long_mode()->save.efer |= EFER_NXE | EFER_FFXSR | EFER_TCE;
	EXPECT_CLEAN(&vmcb, &e);
	vmcb.save.efer |= EFER_LMSLE;
	EXPECT_ONLY(&vmcb, &e, VMCB_RULE_EFER_MBZ);
}

/* MAXPHYADDR comes from 8000_0008h EAX[7:0]; long mode from EDX[29]. */
TEST(env_from_cpuid_width_and_long_mode)
{
	struct vmcb_check_env e = from_cpuid(0, 0, 0, 0, 1u << 29, 0x3024, 0);
	struct vmcb_check_env no_lm = from_cpuid(0, 0, 0, 0, 0, 0x3024, 0);

	EXPECT_EQ(e.maxphyaddr, 36);
	EXPECT_EQ(e.long_mode, 1);
	EXPECT_EQ(no_lm.long_mode, 0);
	/* 36 bits: CR3 bit 36 is MBZ in long mode, bit 35 is not. */
	clean_long_mode()->save.cr3 = 1ull << 36;
	EXPECT_ONLY(&vmcb, &e, VMCB_RULE_CR3_MBZ);
	vmcb.save.cr3 = 1ull << 35;
	EXPECT_CLEAN(&vmcb, &e);
	EXPECT_ONLY(&vmcb, &no_lm, VMCB_RULE_EFER_LM_UNSUPPORTED);
}

/* ------------------------------------------------------------------ */
/* Event injection, APM2 §15.20                                        */
/* ------------------------------------------------------------------ */

/*
 * Check svm_eventinj_valid on @p ev, and that the checker agrees when
 * the same event sits in an otherwise clean VMCB.
 */
static void expect_event(uint64_t ev, int valid, int line)
{
	struct vmcb_check_env e = env();
	const char *why = NULL;
	int got = svm_eventinj_valid(ev, &why);
	uint32_t mask;

	if (got != valid)
		unit_fail(__FILE__, line, "EVENTINJ=0x%llx: valid=%d, APM2 "
			  "15.20 says %d", (unsigned long long)ev, got, valid);
	if (!got && (!why || !why[0]))
		unit_fail(__FILE__, line, "EVENTINJ=0x%llx: no reason given",
			  (unsigned long long)ev);
	clean_long_mode()->control.event_inj = ev;
	mask = vmcb_check_mask(&vmcb, &e);
	if (mask != (valid ? 0 : 1u << VMCB_RULE_EVENT_INJ))
		unit_fail(__FILE__, line, "EVENTINJ=0x%llx: checker mask 0x%x",
			  (unsigned long long)ev, mask);
}

#define EXPECT_EVENT(ev, valid) expect_event((ev), (valid), __LINE__)

#define TYPE(t)         ((uint64_t)(t) << SVM_EVTINJ_TYPE_SHIFT)
#define V               SVM_EVTINJ_VALID

/* V clear: nothing is injected, whatever the other bits say. */
TEST(eventinj_not_valid_is_accepted)
{
	EXPECT_EVENT(0, 1);
	EXPECT_EVENT(TYPE(7) | 2, 1);
	EXPECT_EVENT(TYPE(3) | 0xff | SVM_EVTINJ_EV, 1);
}

/* TYPE 1, 5, 6 and 7 are reserved. */
TEST(eventinj_reserved_types)
{
	EXPECT_EVENT(V | TYPE(1) | 32, 0);
	EXPECT_EVENT(V | TYPE(5) | 32, 0);
	EXPECT_EVENT(V | TYPE(6) | 3, 0);
	EXPECT_EVENT(V | TYPE(7) | 14, 0);
}

/* An exception with vector 2: an NMI is not an exception. */
TEST(eventinj_exception_vector_2_is_invalid)
{
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 2, 0);
}

/* An exception with a vector above 31 is not an exception. */
TEST(eventinj_exception_vector_above_31_is_invalid)
{
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 32, 0);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 0xff, 0);
}

/* Real exceptions, with and without an error code, are accepted. */
TEST(eventinj_exceptions_are_accepted)
{
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 0, 1);      /* #DE */
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 6, 1);      /* #UD */
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | SVM_EVTINJ_EV |
		     14 | 2ull << SVM_EVTINJ_ERR_SHIFT, 1);     /* #PF */
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 31, 1);     /* QEMU: no */
}

/* NMI ignores the vector; INTR and INTn take any vector. */
TEST(eventinj_nmi_intr_and_soft_int)
{
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_NMI | 0, 1);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_NMI | 0x42, 1);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_INTR | 0x20, 1);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_INTR | 2, 1);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_SOFT_INT | 0x80, 1);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_SOFT_INT | 3, 1);
}

/* The APM lists no check on EV or on bits 30:12. */
TEST(eventinj_ev_and_reserved_bits_are_not_checked)
{
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_EV | 0x30, 1);
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_EXCEPTION | 14, 1);     /* no EV */
	EXPECT_EVENT(V | SVM_EVTINJ_TYPE_INTR | 0x30 | 1ull << 20, 1);
}

/* A NULL @p why is allowed. */
TEST(eventinj_why_may_be_null)
{
	EXPECT_EQ(svm_eventinj_valid(V | TYPE(1), NULL), 0);
	EXPECT_EVENT(V | TYPE(1), 0);
}
