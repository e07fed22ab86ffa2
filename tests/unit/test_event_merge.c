/*
 * test_event_merge.c - host tests of the double-fault rules (chapter 11).
 *
 * When an exit interrupts the delivery of an event (EXITINTINFO, APM2
 * §15.7.2) and the hypervisor reflects an exception at that moment, it
 * must do what the processor would have done with a second exception
 * raised while delivering the first (APM2 §8.2.9 "Double-Fault
 * Exception (#DF)", Table 8-7): exceptions are benign, contributory
 * (#DE 0, #TS 10, #NP 11, #SS 12, #GP 13) or page faults (#PF 14).
 * Contributory during contributory, and contributory or #PF during #PF,
 * become #DF; a contributory exception or #PF during #DF shuts the
 * processor down; every other pair is handled one after the other, so
 * the second is delivered.  Interrupts (INTR, NMI, INTn) are benign.
 */
#include "unit.h"
#include "svm/event.h"

static uint64_t exc(unsigned vector)
{
	int err = vector == 8 || (vector >= 10 && vector <= 14);

	return event_encode(EVENT_EXCEPTION, vector, err ? 0 : -1);
}

static const unsigned contributory[] = { 0, 10, 11, 12, 13 };
static const unsigned benign[] = { 1, 3, 4, 5, 6, 7, 9, 16, 17, 18, 19 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(classes_follow_table_8_7)
{
	unsigned i;

	for (i = 0; i < N(contributory); i++)
		EXPECT_EQ(event_class(exc(contributory[i])), EXC_CONTRIBUTORY);
	for (i = 0; i < N(benign); i++)
		EXPECT_EQ(event_class(exc(benign[i])), EXC_BENIGN);
	EXPECT_EQ(event_class(exc(14)), EXC_PAGE_FAULT);
	EXPECT_EQ(event_class(exc(8)), EXC_DOUBLE_FAULT);
	EXPECT_EQ(event_class(event_encode(EVENT_NMI, 2, -1)), EXC_BENIGN);
	EXPECT_EQ(event_class(event_encode(EVENT_INTR, 13, -1)), EXC_BENIGN);
	EXPECT_EQ(event_class(event_encode(EVENT_SOFT_INT, 14, -1)),
		  EXC_BENIGN);
}

TEST(contributory_during_contributory_is_a_double_fault)
{
	unsigned i, j;

	for (i = 0; i < N(contributory); i++)
		for (j = 0; j < N(contributory); j++)
			EXPECT_EQ(event_merge(exc(contributory[i]),
					      exc(contributory[j])),
				  MERGE_DOUBLE_FAULT);
}

TEST(page_fault_rules)
{
	unsigned i;

	/* #PF or contributory during #PF: #DF. */
	EXPECT_EQ(event_merge(exc(14), exc(14)), MERGE_DOUBLE_FAULT);
	for (i = 0; i < N(contributory); i++)
		EXPECT_EQ(event_merge(exc(14), exc(contributory[i])),
			  MERGE_DOUBLE_FAULT);
	/* #PF during a contributory exception: handled serially. */
	for (i = 0; i < N(contributory); i++)
		EXPECT_EQ(event_merge(exc(contributory[i]), exc(14)),
			  MERGE_SECOND);
	/* A benign exception during #PF: serially. */
	EXPECT_EQ(event_merge(exc(14), exc(6)), MERGE_SECOND);
}

TEST(benign_first_or_second_is_serial)
{
	unsigned i;

	for (i = 0; i < N(benign); i++) {
		EXPECT_EQ(event_merge(exc(benign[i]), exc(13)), MERGE_SECOND);
		EXPECT_EQ(event_merge(exc(benign[i]), exc(14)), MERGE_SECOND);
		EXPECT_EQ(event_merge(exc(13), exc(benign[i])), MERGE_SECOND);
	}
	/* A fault while delivering an interrupt of any kind. */
	EXPECT_EQ(event_merge(event_encode(EVENT_SOFT_INT, 0x41, -1), exc(14)),
		  MERGE_SECOND);
	EXPECT_EQ(event_merge(event_encode(EVENT_NMI, 2, -1), exc(13)),
		  MERGE_SECOND);
	EXPECT_EQ(event_merge(event_encode(EVENT_INTR, 0x40, -1), exc(11)),
		  MERGE_SECOND);
}

TEST(fault_during_double_fault_shuts_down)
{
	unsigned i;

	for (i = 0; i < N(contributory); i++)
		EXPECT_EQ(event_merge(exc(8), exc(contributory[i])),
			  MERGE_SHUTDOWN);
	EXPECT_EQ(event_merge(exc(8), exc(14)), MERGE_SHUTDOWN);
	/* A benign exception during #DF is just delivered. */
	EXPECT_EQ(event_merge(exc(8), exc(6)), MERGE_SECOND);
}
