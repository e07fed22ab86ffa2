/*
 * test_event_format.c - host tests of the EVENTINJ / EXITINTINFO format
 * (event.c's event_encode, event_decode and event_describe; no lab: the
 * exception reflection of chapters 5 and 8 already uses them).
 *
 * EVENTINJ (VMCB 0A8h, APM2 §15.20 "Event Injection") and EXITINTINFO
 * (088h, §15.7.2) share a layout: VECTOR bits 7:0, TYPE 10:8, EV bit 11,
 * V bit 31, ERRORCODE 63:32.  The values below are written bit by bit
 * from that layout.
 */
#include "unit.h"
#include "svm/event.h"

#define V       (1ull << 31)
#define EV      (1ull << 11)
#define TYPE(t) ((uint64_t)(t) << 8)

TEST(encode_places_every_field)
{
	/* #GP(0x1234): vector 13, TYPE 3, EV, V, error code in 63:32. */
	EXPECT_EQ(event_encode(EVENT_EXCEPTION, 13, 0x1234),
		  0x0000123480000B0Dull);
	EXPECT_EQ(event_encode(EVENT_EXCEPTION, 13, 0x1234),
		  (0x1234ull << 32) | V | EV | TYPE(3) | 13);
	/* #UD: no error code, EV clear. */
	EXPECT_EQ(event_encode(EVENT_EXCEPTION, 6, -1), V | TYPE(3) | 6);
	EXPECT_EQ(event_encode(EVENT_NMI, 2, -1), V | TYPE(2) | 2);
	EXPECT_EQ(event_encode(EVENT_SOFT_INT, 0x30, -1), V | TYPE(4) | 0x30);
	EXPECT_EQ(event_encode(EVENT_INTR, 0xEF, -1), V | TYPE(0) | 0xEF);
	/* An error code of 0 is still an error code. */
	EXPECT_EQ(event_encode(EVENT_EXCEPTION, 8, 0), V | EV | TYPE(3) | 8);
}

TEST(decode_splits_what_encode_joins)
{
	struct event e = event_decode((0xFFFFFFFEull << 32) | V | EV |
				      TYPE(3) | 14);

	EXPECT_TRUE(e.valid);
	EXPECT_EQ(e.type, 3);
	EXPECT_EQ(e.vector, 14);
	EXPECT_TRUE(e.has_error);
	EXPECT_EQ(e.error, 0xFFFFFFFEu);
	e = event_decode(TYPE(4) | 0x41);       /* V clear */
	EXPECT_TRUE(!e.valid);
	EXPECT_EQ(e.type, 4);
	EXPECT_EQ(e.vector, 0x41);
	EXPECT_TRUE(!e.has_error);
}

TEST(describe_names_events)
{
	char buf[32];

	event_describe(event_encode(EVENT_EXCEPTION, 14, 2), buf, sizeof(buf));
	EXPECT_STREQ(buf, "#PF(0x2)");
	event_describe(event_encode(EVENT_EXCEPTION, 6, -1), buf, sizeof(buf));
	EXPECT_STREQ(buf, "#UD");
	event_describe(event_encode(EVENT_NMI, 2, -1), buf, sizeof(buf));
	EXPECT_STREQ(buf, "NMI");
	event_describe(event_encode(EVENT_SOFT_INT, 0x30, -1), buf,
		       sizeof(buf));
	EXPECT_STREQ(buf, "INT 0x30");
	event_describe(0, buf, sizeof(buf));
	EXPECT_STREQ(buf, "none");
}
