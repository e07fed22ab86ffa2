/*
 * test_event.c - host tests of the injection validator (chapter 9).
 *
 * EVENTINJ (VMCB 0A8h, APM2 §15.20 "Event Injection") and EXITINTINFO
 * (088h, §15.7.2) share a layout: VECTOR bits 7:0, TYPE 10:8 (0 INTR,
 * 2 NMI, 3 exception, 4 software interrupt; 1, 5-7 reserved), EV bit 11
 * (push the error code), V bit 31, ERRORCODE 63:32.  VMRUN refuses a
 * reserved TYPE and an exception with vector 2 (VMEXIT_INVALID).  A
 * hypervisor must refuse more before it writes the field: an error code
 * that the vector does not push (or a missing one), an error code for
 * anything but an exception, an error code in real mode, the reserved
 * bits 30:12, and a second event while EVENTINJ still holds one, which
 * would silently drop the first.  The values below are written from
 * those rules, bit by bit.
 */
#include "unit.h"
#include "svm/event.h"

#define V       (1ull << 31)
#define EV      (1ull << 11)
#define TYPE(t) ((uint64_t)(t) << 8)

/* Every legal event of each type is accepted in protected mode. */
TEST(refuse_accepts_the_legal_events)
{
	unsigned vec;

	for (vec = 0; vec < 32; vec++) {
		int err = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 ||
			  vec == 21 || vec == 29 || vec == 30;

		if (vec == 2)
			continue;
		EXPECT_TRUE(event_refuse(event_encode(EVENT_EXCEPTION, vec,
						      err ? 0 : -1), 1, 0)
			    == NULL);
	}
	for (vec = 0; vec < 256; vec++) {
		EXPECT_TRUE(event_refuse(event_encode(EVENT_INTR, vec, -1), 1,
					 0) == NULL);
		EXPECT_TRUE(event_refuse(event_encode(EVENT_SOFT_INT, vec, -1),
					 1, 0) == NULL);
	}
	EXPECT_TRUE(event_refuse(event_encode(EVENT_NMI, 2, -1), 1, 0) == NULL);
	/* Real mode: exceptions without an error code are fine. */
	EXPECT_TRUE(event_refuse(event_encode(EVENT_EXCEPTION, 13, -1), 0, 0)
		    == NULL);
}

TEST(refuse_what_vmrun_refuses)
{
	unsigned t;

	for (t = 0; t < 8; t++) {
		/* A vector each legal TYPE accepts: #UD, NMI, 40h. */
		unsigned vec = t == 3 ? 6 : t == 2 ? 2 : 0x40;
		const char *why = event_refuse(V | TYPE(t) | vec, 1, 0);
		int reserved = t == 1 || t >= 5;

		EXPECT_TRUE((why != NULL) == reserved);
	}
	/* Vector 2 as an exception: an NMI must be TYPE 2. */
	EXPECT_TRUE(event_refuse(V | TYPE(3) | 2, 1, 0) != NULL);
	/* Exceptions are vectors 0-31. */
	EXPECT_TRUE(event_refuse(V | TYPE(3) | 32, 1, 0) != NULL);
	EXPECT_TRUE(event_refuse(V | TYPE(3) | 255, 1, 0) != NULL);
}

TEST(refuse_error_codes_that_do_not_match)
{
	/* #UD pushes no error code; #GP and #PF push one. */
	EXPECT_TRUE(event_refuse(event_encode(EVENT_EXCEPTION, 6, 0), 1, 0)
		    != NULL);
	EXPECT_TRUE(event_refuse(event_encode(EVENT_EXCEPTION, 13, -1), 1, 0)
		    != NULL);
	EXPECT_TRUE(event_refuse(event_encode(EVENT_EXCEPTION, 14, -1), 1, 0)
		    != NULL);
	/* Only exceptions carry one. */
	EXPECT_TRUE(event_refuse(V | EV | TYPE(2) | 2, 1, 0) != NULL);
	EXPECT_TRUE(event_refuse(V | EV | TYPE(0) | 0x40, 1, 0) != NULL);
	EXPECT_TRUE(event_refuse(V | EV | TYPE(4) | 0x30, 1, 0) != NULL);
	/* Real mode pushes none. */
	EXPECT_TRUE(event_refuse(event_encode(EVENT_EXCEPTION, 13, 0), 0, 0)
		    != NULL);
}

TEST(refuse_reserved_bits_invalid_and_a_second_event)
{
	uint64_t ud = event_encode(EVENT_EXCEPTION, 6, -1);
	unsigned bit;

	for (bit = 12; bit <= 30; bit++)
		EXPECT_TRUE(event_refuse(ud | (1ull << bit), 1, 0) != NULL);
	EXPECT_TRUE(event_refuse(ud & ~V, 1, 0) != NULL);
	/* EVENTINJ already holds #GP(0): a second event would drop it. */
	EXPECT_TRUE(event_refuse(ud, 1, event_encode(EVENT_EXCEPTION, 13, 0))
		    != NULL);
	/* An EVENTINJ whose V is clear holds nothing. */
	EXPECT_TRUE(event_refuse(ud, 1, TYPE(3) | 13) == NULL);
}
