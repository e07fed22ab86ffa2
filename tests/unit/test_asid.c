/*
 * test_asid.c - host tests of the ASID allocator and the TLB_CONTROL
 * policy table (chapter 12).
 *
 * APM2 §15.16 "TLB Control": the processor tags every TLB entry with the
 * ASID the guest ran with, so a world switch need not flush the TLB as
 * long as no two guests ever run with the same ASID while entries of one
 * may remain.  VMRUN flushes what TLB_CONTROL (VMCB 05Ch) asks for
 * (§15.16.1, Table 15-9):
 *
 *     0  nothing
 *     1  every entry of every ASID, global ones too
 *     3  every entry of this guest's ASID         (needs FlushByAsid)
 *     7  the non-global entries of this ASID      (needs FlushByAsid)
 *
 * FlushByAsid is CPUID 8000_000Ah EDX bit 6; without it only 0 and 1
 * exist, so 1 stands in for 3 and 7.  The number of ASIDs is CPUID
 * 8000_000Ah EBX; ASID 0 is the host's, so guests get 1..nasid-1.
 *
 * The values below are written from those rules, not read back from
 * asid.c: the first VMRUN flushes everything because the TLB's contents
 * are unknown, a new generation does too because every number is being
 * handed out again, and a number fresh in its generation needs no flush.
 */
#include "unit.h"
#include "svm/asid.h"
#include "svm/vmcb.h"

/* Table 15-9's encodings, as the APM gives them. */
#define NOTHING    0
#define ALL        1
#define THIS_ASID  3
#define THIS_LOCAL 7

/* A CPU with plenty of ASIDs; the tests cap it where they need fewer. */
#define CPU_NASID  16

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(table_15_9_encodings)
{
	/* The names asid.c uses must mean the APM's values. */
	struct asid_cpu c;
	struct asid_guest g = { 0 };

	EXPECT_EQ(TLB_CONTROL_DO_NOTHING, NOTHING);
	EXPECT_EQ(TLB_CONTROL_FLUSH_ALL, ALL);
	EXPECT_EQ(TLB_CONTROL_FLUSH_ASID, THIS_ASID);
	EXPECT_EQ(TLB_CONTROL_FLUSH_ASID_LOCAL, THIS_LOCAL);
	/* And the allocator must use them: the first VMRUN flushes all. */
	asid_cpu_init(&c, CPU_NASID, 0, 1);
	EXPECT_EQ(asid_prepare(&c, &g).tlb_control, ALL);
}

TEST(first_allocation_flushes_everything)
{
	int fba;

	for (fba = 0; fba <= 1; fba++) {
		struct asid_cpu c;
		struct asid_guest g = { 0 };
		struct asid_decision d;

		asid_cpu_init(&c, CPU_NASID, 0, fba);
		d = asid_prepare(&c, &g);
		EXPECT_EQ(d.asid, 1);
		EXPECT_EQ(d.gen, 1);
		EXPECT_EQ(d.why, TLB_WHY_NEW_ASID | TLB_WHY_FIRST);
		/* Whatever the TLB held before the first VMRUN is unknown. */
		EXPECT_EQ(d.tlb_control, ALL);
		EXPECT_EQ(g.asid, 1);
		EXPECT_EQ(g.gen, 1);
		EXPECT_EQ(g.need, 0);
		EXPECT_EQ(c.rollovers, 0);
	}
}

TEST(second_guest_gets_a_fresh_asid_without_a_flush)
{
	int fba;

	for (fba = 0; fba <= 1; fba++) {
		struct asid_cpu c;
		struct asid_guest a = { 0 }, b = { 0 };
		struct asid_decision d;

		asid_cpu_init(&c, CPU_NASID, 0, fba);
		asid_prepare(&c, &a);
		d = asid_prepare(&c, &b);
		EXPECT_EQ(d.asid, 2);
		EXPECT_EQ(d.gen, 1);
		EXPECT_EQ(d.why, TLB_WHY_NEW_ASID);
		/* Nothing can be tagged 2 yet: no flush. */
		EXPECT_EQ(d.tlb_control, NOTHING);
	}
}

TEST(a_current_asid_is_kept)
{
	struct asid_cpu c;
	struct asid_guest a = { 0 }, b = { 0 };
	struct asid_decision d;
	int i;

	asid_cpu_init(&c, CPU_NASID, 0, 1);
	asid_prepare(&c, &a);
	asid_prepare(&c, &b);
	/* Switch back and forth: each keeps its number, nothing flushed. */
	for (i = 0; i < 10; i++) {
		d = asid_prepare(&c, i % 2 ? &b : &a);
		EXPECT_EQ(d.asid, i % 2 ? 2 : 1);
		EXPECT_EQ(d.gen, 1);
		EXPECT_EQ(d.why, 0);
		EXPECT_EQ(d.tlb_control, NOTHING);
	}
	EXPECT_EQ(c.rollovers, 0);
}

TEST(exhaustion_starts_a_new_generation)
{
	struct asid_cpu c;
	struct asid_guest g[4] = { { 0 } };
	struct asid_decision d;
	unsigned i;

	/* nasid=4: ASIDs 0..3, of which the guests get 1, 2 and 3. */
	asid_cpu_init(&c, CPU_NASID, 4, 1);
	EXPECT_EQ(c.nasid, 4);
	for (i = 0; i < 3; i++) {
		d = asid_prepare(&c, &g[i]);
		EXPECT_EQ(d.asid, i + 1);
		EXPECT_EQ(d.gen, 1);
	}
	/* The fourth guest finds none left: generation 2 starts over. */
	d = asid_prepare(&c, &g[3]);
	EXPECT_EQ(d.asid, 1);
	EXPECT_EQ(d.gen, 2);
	EXPECT_EQ(d.why, TLB_WHY_NEW_ASID | TLB_WHY_ROLLOVER);
	EXPECT_EQ(d.tlb_control, ALL);
	EXPECT_EQ(c.rollovers, 1);
	EXPECT_EQ(g[3].asid, 1);
	EXPECT_EQ(g[3].gen, 2);
}

TEST(a_stale_generation_is_reassigned)
{
	struct asid_cpu c;
	struct asid_guest g[4] = { { 0 } };
	struct asid_decision d;
	unsigned i;

	asid_cpu_init(&c, CPU_NASID, 4, 1);
	for (i = 0; i < 4; i++)
		asid_prepare(&c, &g[i]);        /* g[3] rolled over: gen 2 */
	EXPECT_EQ(g[0].gen, 1);

	/*
	 * g[0] still holds ASID 1 of generation 1, but g[3] holds ASID 1
	 * of generation 2 now: g[0] must get another number.  The whole
	 * TLB was flushed when generation 2 began, so no flush now.
	 */
	d = asid_prepare(&c, &g[0]);
	EXPECT_EQ(d.gen, 2);
	EXPECT_EQ(d.why, TLB_WHY_NEW_ASID | TLB_WHY_STALE);
	EXPECT_EQ(d.tlb_control, NOTHING);
	EXPECT_TRUE(d.asid != g[3].asid);
	EXPECT_EQ(d.asid, 2);
	d = asid_prepare(&c, &g[1]);
	EXPECT_EQ(d.asid, 3);
	EXPECT_EQ(d.why, TLB_WHY_NEW_ASID | TLB_WHY_STALE);

	/* g[2] is stale and nothing is left: stale and a rollover. */
	d = asid_prepare(&c, &g[2]);
	EXPECT_EQ(d.asid, 1);
	EXPECT_EQ(d.gen, 3);
	EXPECT_EQ(d.why,
		  TLB_WHY_NEW_ASID | TLB_WHY_STALE | TLB_WHY_ROLLOVER);
	EXPECT_EQ(d.tlb_control, ALL);
	EXPECT_EQ(c.rollovers, 2);

	/* Within generation 3 the four guests hold distinct numbers. */
	d = asid_prepare(&c, &g[3]);
	EXPECT_EQ(d.asid, 2);
	d = asid_prepare(&c, &g[0]);
	EXPECT_EQ(d.asid, 3);
	EXPECT_EQ(c.gen, 3);
	EXPECT_TRUE(g[2].asid != g[3].asid && g[3].asid != g[0].asid &&
		    g[2].asid != g[0].asid);
}

/* How many guests get an ASID before the first rollover. */
static unsigned asids_before_rollover(uint32_t cpu_nasid, uint32_t cap)
{
	struct asid_cpu c;
	struct asid_guest g[80] = { { 0 } };
	unsigned i;

	asid_cpu_init(&c, cpu_nasid, cap, 1);
	for (i = 0; i < N(g); i++) {
		struct asid_decision d = asid_prepare(&c, &g[i]);

		if (d.why & TLB_WHY_ROLLOVER)
			return i;
		if (d.asid != i + 1)
			return 1000 + i;        /* numbers out of order */
	}
	return N(g);
}

TEST(the_nasid_cap)
{
	/* Cap 0: the CPU's count, ASID 0 is the host's. */
	EXPECT_EQ(asids_before_rollover(16, 0), 15);
	EXPECT_EQ(asids_before_rollover(64, 0), 63);
	/* A cap above the CPU's count cannot give more than it has. */
	EXPECT_EQ(asids_before_rollover(16, 100), 15);
	EXPECT_EQ(asids_before_rollover(16, 16), 15);
	/* A cap below it: nasid=8 is ASIDs 1..7. */
	EXPECT_EQ(asids_before_rollover(16, 8), 7);
	EXPECT_EQ(asids_before_rollover(16, 3), 2);
	EXPECT_EQ(asids_before_rollover(16, 2), 1);
}

TEST(cap_2_rolls_over_on_every_switch)
{
	struct asid_cpu c;
	struct asid_guest a = { 0 }, b = { 0 };
	struct asid_decision d;
	unsigned i;

	/* nasid=2: ASID 1 is the only one, so guests take turns with it. */
	asid_cpu_init(&c, CPU_NASID, 2, 1);
	d = asid_prepare(&c, &a);
	EXPECT_EQ(d.asid, 1);
	EXPECT_EQ(d.tlb_control, ALL);
	for (i = 0; i < 6; i++) {
		d = asid_prepare(&c, i % 2 ? &a : &b);
		EXPECT_EQ(d.asid, 1);
		EXPECT_EQ(d.gen, i + 2);
		EXPECT_TRUE(d.why & TLB_WHY_ROLLOVER);
		EXPECT_EQ(d.tlb_control, ALL);
		EXPECT_EQ(c.rollovers, i + 1);
	}
	/* a ran last; a again keeps it: no switch, no rollover. */
	d = asid_prepare(&c, &a);
	EXPECT_EQ(d.why, 0);
	EXPECT_EQ(d.tlb_control, NOTHING);
	EXPECT_EQ(c.rollovers, 6);
}

/*
 * Run a guest once so it holds a current ASID, record @need, and return
 * the next VMRUN's decision.
 */
static struct asid_decision after_need(int fba, uint32_t need)
{
	struct asid_cpu c;
	struct asid_guest g = { 0 };

	asid_cpu_init(&c, CPU_NASID, 0, fba);
	asid_prepare(&c, &g);
	asid_need(&g, need);
	return asid_prepare(&c, &g);
}

TEST(need_guest_flushes_the_asid)
{
	struct asid_decision d = after_need(1, TLB_NEED_GUEST);

	EXPECT_EQ(d.why, TLB_NEED_GUEST);
	EXPECT_EQ(d.tlb_control, THIS_ASID);
	EXPECT_EQ(d.asid, 1);
	EXPECT_EQ(after_need(0, TLB_NEED_GUEST).tlb_control, ALL);
}

TEST(need_nonglobal_flushes_the_local_entries)
{
	struct asid_decision d = after_need(1, TLB_NEED_NONGLOBAL);

	EXPECT_EQ(d.why, TLB_NEED_NONGLOBAL);
	EXPECT_EQ(d.tlb_control, THIS_LOCAL);
	EXPECT_EQ(after_need(0, TLB_NEED_NONGLOBAL).tlb_control, ALL);
}

TEST(need_npt_flushes_the_asid)
{
	struct asid_decision d = after_need(1, TLB_NEED_NPT);

	EXPECT_EQ(d.why, TLB_NEED_NPT);
	EXPECT_EQ(d.tlb_control, THIS_ASID);
	EXPECT_EQ(after_need(0, TLB_NEED_NPT).tlb_control, ALL);
}

TEST(needs_combine_and_ignore_other_bits)
{
	/* Global entries changed too: the non-global flush is not enough. */
	EXPECT_EQ(after_need(1, TLB_NEED_GUEST | TLB_NEED_NONGLOBAL)
		  .tlb_control, THIS_ASID);
	EXPECT_EQ(after_need(1, TLB_NEED_NPT | TLB_NEED_NONGLOBAL)
		  .tlb_control, THIS_ASID);
	/* asid_need records reasons only; the allocator sets the WHY bits. */
	EXPECT_EQ(after_need(1, TLB_WHY_ROLLOVER | TLB_WHY_FIRST).tlb_control,
		  NOTHING);
	EXPECT_EQ(after_need(1, TLB_WHY_ROLLOVER | TLB_NEED_NONGLOBAL).why,
		  TLB_NEED_NONGLOBAL);
}

TEST(needs_are_cleared_after_one_vmrun)
{
	struct asid_cpu c;
	struct asid_guest g = { 0 };
	struct asid_decision d;

	asid_cpu_init(&c, CPU_NASID, 0, 1);
	asid_prepare(&c, &g);
	asid_need(&g, TLB_NEED_GUEST);
	asid_need(&g, TLB_NEED_NONGLOBAL);
	EXPECT_EQ(g.need, TLB_NEED_GUEST | TLB_NEED_NONGLOBAL);
	d = asid_prepare(&c, &g);
	EXPECT_EQ(d.tlb_control, THIS_ASID);
	EXPECT_EQ(g.need, 0);
	d = asid_prepare(&c, &g);
	EXPECT_EQ(d.why, 0);
	EXPECT_EQ(d.tlb_control, NOTHING);
}

TEST(needs_are_dropped_with_a_new_asid)
{
	struct asid_cpu c;
	struct asid_guest a = { 0 }, b = { 0 }, n = { 0 };
	struct asid_decision d;

	/* A guest that never ran: its first ASID is fresh, nothing to flush. */
	asid_cpu_init(&c, CPU_NASID, 0, 1);
	asid_prepare(&c, &a);
	asid_need(&n, TLB_NEED_GUEST | TLB_NEED_NONGLOBAL | TLB_NEED_NPT);
	d = asid_prepare(&c, &n);
	EXPECT_EQ(d.why, TLB_WHY_NEW_ASID);
	EXPECT_EQ(d.tlb_control, NOTHING);
	EXPECT_EQ(n.need, 0);

	/* A stale guest: its new number is clean since the rollover. */
	asid_cpu_init(&c, CPU_NASID, 3, 1);
	a = (struct asid_guest){ 0 };
	b = (struct asid_guest){ 0 };
	n = (struct asid_guest){ 0 };
	asid_prepare(&c, &a);                   /* 1, gen 1 */
	asid_prepare(&c, &b);                   /* 2, gen 1 */
	asid_prepare(&c, &n);                   /* rollover: 1, gen 2 */
	asid_need(&a, TLB_NEED_GUEST);
	d = asid_prepare(&c, &a);
	EXPECT_EQ(d.why, TLB_WHY_NEW_ASID | TLB_WHY_STALE);
	EXPECT_EQ(d.tlb_control, NOTHING);
	EXPECT_EQ(a.need, 0);
}

TEST(page_changed_needs_invlpga_only_with_a_current_asid)
{
	struct asid_cpu c;
	struct asid_guest g[3] = { { 0 } };

	asid_cpu_init(&c, CPU_NASID, 3, 1);
	/* No ASID yet: nothing can be tagged for it. */
	EXPECT_EQ(asid_page_changed(&c, &g[0]), 0);
	asid_prepare(&c, &g[0]);
	EXPECT_EQ(asid_page_changed(&c, &g[0]), 1);
	asid_prepare(&c, &g[1]);
	EXPECT_EQ(asid_page_changed(&c, &g[0]), 1);
	EXPECT_EQ(asid_page_changed(&c, &g[1]), 1);
	/* g[2] rolls over: g[0] and g[1] hold numbers of generation 1. */
	asid_prepare(&c, &g[2]);
	EXPECT_EQ(asid_page_changed(&c, &g[0]), 0);
	EXPECT_EQ(asid_page_changed(&c, &g[1]), 0);
	EXPECT_EQ(asid_page_changed(&c, &g[2]), 1);
	/* Re-assigned, g[0] needs INVLPGA again. */
	asid_prepare(&c, &g[0]);
	EXPECT_EQ(asid_page_changed(&c, &g[0]), 1);
}

/*
 * The policy table, by hand from §15.16.1.  Only four facts matter:
 * whether everything must go (a rollover or the first VMRUN), and the
 * guest's own reasons: all its entries (guest, npt) or its non-global
 * ones.  A new ASID or a stale one asks for nothing by itself.
 */
static const struct {
	int all, guest, nonglobal, npt;
	uint8_t with_fba, without_fba;
} policy[] = {
	/* all guest nonglob npt   FBA  no FBA */
	{ 0, 0, 0, 0,               0,   0 },
	{ 0, 0, 0, 1,               3,   1 },
	{ 0, 0, 1, 0,               7,   1 },
	{ 0, 0, 1, 1,               3,   1 },
	{ 0, 1, 0, 0,               3,   1 },
	{ 0, 1, 0, 1,               3,   1 },
	{ 0, 1, 1, 0,               3,   1 },
	{ 0, 1, 1, 1,               3,   1 },
	{ 1, 0, 0, 0,               1,   1 },
	{ 1, 0, 0, 1,               1,   1 },
	{ 1, 0, 1, 0,               1,   1 },
	{ 1, 0, 1, 1,               1,   1 },
	{ 1, 1, 0, 0,               1,   1 },
	{ 1, 1, 0, 1,               1,   1 },
	{ 1, 1, 1, 0,               1,   1 },
	{ 1, 1, 1, 1,               1,   1 },
};

/* The defined bits of why, bit 3 is unused. */
static const uint32_t why_bits[] = {
	TLB_NEED_GUEST, TLB_NEED_NONGLOBAL, TLB_NEED_NPT, TLB_WHY_NEW_ASID,
	TLB_WHY_STALE, TLB_WHY_ROLLOVER, TLB_WHY_FIRST,
};

TEST(policy_table_every_combination)
{
	unsigned combo, b, i, checked = 0;
	int fba;

	for (combo = 0; combo < 1u << N(why_bits); combo++) {
		uint32_t why = 0;
		int all, guest, nonglobal, npt;

		for (b = 0; b < N(why_bits); b++)
			if (combo & (1u << b))
				why |= why_bits[b];
		all = !!(why & (TLB_WHY_ROLLOVER | TLB_WHY_FIRST));
		guest = !!(why & TLB_NEED_GUEST);
		nonglobal = !!(why & TLB_NEED_NONGLOBAL);
		npt = !!(why & TLB_NEED_NPT);
		for (i = 0; i < N(policy); i++)
			if (policy[i].all == all && policy[i].guest == guest &&
			    policy[i].nonglobal == nonglobal &&
			    policy[i].npt == npt)
				break;
		EXPECT_TRUE(i < N(policy));
		if (i == N(policy))
			continue;
		for (fba = 0; fba <= 1; fba++) {
			uint8_t want = fba ? policy[i].with_fba
					   : policy[i].without_fba;
			uint8_t got = tlb_policy(why, fba);

			if (got != want)
				unit_fail(__FILE__, __LINE__,
					  "tlb_policy(0x%x, fba %d) = %u, "
					  "want %u", why, fba, got, want);
			/* 3 and 7 do not exist without FlushByAsid. */
			if (!fba)
				EXPECT_TRUE(got == NOTHING || got == ALL);
			checked++;
		}
	}
	EXPECT_EQ(checked, 2 * 128);
}

TEST(policy_examples)
{
	/* A fresh or re-assigned ASID alone: no flush. */
	EXPECT_EQ(tlb_policy(TLB_WHY_NEW_ASID, 1), NOTHING);
	EXPECT_EQ(tlb_policy(TLB_WHY_NEW_ASID | TLB_WHY_STALE, 0), NOTHING);
	/* A rollover wins over everything the guest needs. */
	EXPECT_EQ(tlb_policy(TLB_WHY_ROLLOVER | TLB_NEED_NONGLOBAL, 1), ALL);
	EXPECT_EQ(tlb_policy(TLB_WHY_FIRST, 1), ALL);
	EXPECT_EQ(tlb_policy(TLB_NEED_NONGLOBAL, 1), THIS_LOCAL);
	EXPECT_EQ(tlb_policy(TLB_NEED_NONGLOBAL, 0), ALL);
	EXPECT_EQ(tlb_policy(TLB_NEED_GUEST | TLB_NEED_NONGLOBAL, 1),
		  THIS_ASID);
}

TEST(why_names)
{
	struct asid_cpu c;
	struct asid_guest a = { 0 }, b = { 0 };
	struct asid_decision d;
	char buf[80];
	char small[10];

	/* The names of real decisions, as the kernel prints them. */
	asid_cpu_init(&c, CPU_NASID, 2, 1);
	d = asid_prepare(&c, &a);
	tlb_why_names(d.why, buf, sizeof(buf));
	EXPECT_STREQ(buf, "new_asid first");
	asid_prepare(&c, &b);
	d = asid_prepare(&c, &a);               /* stale, and none left */
	tlb_why_names(d.why, buf, sizeof(buf));
	EXPECT_STREQ(buf, "new_asid stale rollover");
	asid_need(&a, TLB_NEED_GUEST | TLB_NEED_NONGLOBAL | TLB_NEED_NPT);
	d = asid_prepare(&c, &a);
	tlb_why_names(d.why, buf, sizeof(buf));
	EXPECT_STREQ(buf, "guest nonglobal npt");
	d = asid_prepare(&c, &a);
	tlb_why_names(d.why, buf, sizeof(buf));
	EXPECT_STREQ(buf, "");

	/* Every bit, and bit 3 which has no name. */
	tlb_why_names(0xff, buf, sizeof(buf));
	EXPECT_STREQ(buf, "guest nonglobal npt new_asid stale rollover first");
	tlb_why_names(1u << 3, buf, sizeof(buf));
	EXPECT_STREQ(buf, "");
	/* A short buffer is cut, never overrun, and still terminated. */
	memset(small, 'x', sizeof(small));
	tlb_why_names(0xff, small, sizeof(small));
	EXPECT_STREQ(small, "guest non");
}
