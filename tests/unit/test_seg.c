/*
 * test_seg.c - host tests of descriptor-to-VMCB segment conversion
 * (chapter 3).
 *
 * VMRUN loads the hidden part of every segment register from the VMCB,
 * never from the guest's GDT (APM2 §15.5.1 "Basic Operation").  The VMCB
 * keeps the attributes in a packed 12-bit form: descriptor bits 47:40
 * in attrib 7:0 and descriptor bits 55:52 in attrib 11:8, with the limit
 * nibble 51:48 left out (APM2 Appendix B, Table B-2).  Each test feeds a
 * real descriptor and checks what a VMCB must hold for it.
 */
#include "unit.h"
#include "svm/seg.h"

/* The GDT entries every long-mode kernel has (APM2 §4.8). */
#define DESC_CODE64     0x00af9b000000ffffull   /* L=1 D=0 G=1, DPL 0 */
#define DESC_DATA       0x00cf93000000ffffull   /* flat 4 GiB data */
#define DESC_CODE32     0x00cf9b000000ffffull   /* D=1 G=1 */
#define DESC_USER64     0x00affb000000ffffull   /* 64-bit code, DPL 3 */

/* Long-mode code: L=1, D=0, G=1, present, DPL 0, execute/read. */
TEST(code64_attr_is_0a9b)
{
	EXPECT_EQ(seg_attr_from_desc(DESC_CODE64), 0x0a9b);
}

/* A flat data segment: G=1, D/B=1 (32-bit stack), read/write. */
TEST(flat_data_attr_is_0c93)
{
	EXPECT_EQ(seg_attr_from_desc(DESC_DATA), 0x0c93);
}

/* 32-bit protected-mode code: D=1, L=0, as a legacy guest's CS. */
TEST(code32_attr_is_0c9b)
{
	struct vmcb_seg s;

	EXPECT_EQ(seg_attr_from_desc(DESC_CODE32), 0x0c9b);
	vmcb_seg_from_desc(&s, 0x08, DESC_CODE32);
	EXPECT_EQ(s.attrib, 0x0c9b);
	EXPECT_TRUE(!(s.attrib & SEG_ATTR_L) && (s.attrib & SEG_ATTR_DB));
}

/*
 * A real-mode style segment (CS=F000h as after reset): base F0000h,
 * limit FFFFh in bytes (G=0), 16-bit, attribute 009Bh.
 */
TEST(real_mode_style_code_segment)
{
	uint64_t desc = 0x00009b0f0000ffffull;
	struct vmcb_seg s;

	vmcb_seg_from_desc(&s, 0xf000, desc);
	EXPECT_EQ(s.selector, 0xf000);
	EXPECT_EQ(s.attrib, 0x009b);
	EXPECT_EQ(s.base, 0xf0000);
	EXPECT_EQ(s.limit, 0xffff);
	EXPECT_TRUE(!(s.attrib & (SEG_ATTR_G | SEG_ATTR_DB | SEG_ATTR_L)));
}

/* DPL sits in attrib bits 6:5, exactly where it was in bits 46:45. */
TEST(user_code_has_dpl_3)
{
	uint16_t attr = seg_attr_from_desc(DESC_USER64);

	EXPECT_EQ(attr, 0x0afb);
	EXPECT_EQ((attr & SEG_ATTR_DPL_MASK) >> SEG_ATTR_DPL_SHIFT, 3);
	EXPECT_TRUE(attr & SEG_ATTR_P);
	EXPECT_TRUE(attr & SEG_ATTR_S);
}

/*
 * A 64-bit TSS is a 16-byte system descriptor (APM2 §4.8.3): type 9
 * (available), S=0, and base 63:32 in the second quadword.  VMRUN wants
 * the full 64-bit base and the byte limit (here 67h, G=0).
 */
TEST(tss64_system_descriptor)
{
	uint64_t lo = 0x1200893456780067ull;
	uint64_t hi = 0x00000000ffff8000ull;
	struct vmcb_seg s;

	vmcb_seg_from_sysdesc(&s, 0x28, lo, hi);
	EXPECT_EQ(s.selector, 0x28);
	EXPECT_EQ(s.attrib, 0x0089);
	EXPECT_EQ(s.attrib & SEG_ATTR_TYPE_MASK, 9);
	EXPECT_TRUE(!(s.attrib & SEG_ATTR_S));
	EXPECT_EQ(s.base, 0xffff800012345678ull);
	EXPECT_EQ(s.limit, 0x67);
}

/*
 * With G=1 the 20-bit limit counts 4 KiB pages and includes the last
 * one whole: (limit << 12) | FFFh.  With G=0 it is already in bytes.
 */
TEST(limit_expands_only_when_g_is_set)
{
	struct vmcb_seg s;

	vmcb_seg_from_desc(&s, 0x10, DESC_DATA);
	EXPECT_EQ(s.limit, 0xffffffffu);
	vmcb_seg_from_desc(&s, 0x10, DESC_DATA & ~(1ull << 55));   /* G=0 */
	EXPECT_EQ(s.limit, 0xfffff);
	vmcb_seg_from_desc(&s, 0x10, seg_desc_from_attr(0x0c93, 0, 1));
	EXPECT_EQ(s.limit, 0x1fff);
	vmcb_seg_from_desc(&s, 0x10, seg_desc_from_attr(0x0493, 0, 1));
	EXPECT_EQ(s.limit, 1);
}

/* The base is scattered over three fields of the descriptor. */
TEST(base_is_gathered_from_three_fields)
{
	uint64_t desc = seg_desc_from_attr(0x0c93, 0xdeadbeef, 0xfffff);
	struct vmcb_seg s;

	EXPECT_EQ(desc, 0xdecf93adbeefffffull);
	vmcb_seg_from_desc(&s, 0x18, desc);
	EXPECT_EQ(s.base, 0xdeadbeef);
	EXPECT_EQ(s.attrib, 0x0c93);
}

/* attr -> descriptor -> attr gives back every one of the 12 bits. */
TEST(round_trip_attr_desc_attr)
{
	static const uint16_t attrs[] = {
		0x0a9b, 0x0c93, 0x0c9b, 0x009b, 0x0afb, 0x0089, 0x0082,
		0x0fff, 0x0000, 0x0100, 0x0800,
	};
	unsigned i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		uint64_t d = seg_desc_from_attr(attrs[i], 0x12345678,
						0xabcde);

		EXPECT_EQ(seg_attr_from_desc(d), attrs[i]);
		/* The limit nibble must not leak into the attribute. */
		EXPECT_EQ((d >> 48) & 0xf, 0xa);
	}
}

/*
 * The trap: the attribute is not a contiguous slice of the descriptor.
 * The 16-bit word at bits 47:32 is 9B00h for long-mode code, and even
 * bits 55:40 (AF9Bh) still carry limit 19:16 in the middle.  Only
 * skipping bits 51:48 gives 0A9Bh.
 */
TEST(raw_descriptor_word_is_not_the_attribute)
{
	uint16_t attr = seg_attr_from_desc(DESC_CODE64);

	EXPECT_EQ((uint16_t)(DESC_CODE64 >> 32), 0x9b00);
	EXPECT_EQ((uint16_t)(DESC_CODE64 >> 40), 0xaf9b);
	EXPECT_TRUE(attr != (uint16_t)(DESC_CODE64 >> 32));
	EXPECT_TRUE(attr != (uint16_t)(DESC_CODE64 >> 40));
	EXPECT_EQ(attr, 0x0a9b);
	EXPECT_EQ(attr & 0xf000, 0);
}

/* vmcb_seg_from_desc fills all four fields for a long-mode CS. */
TEST(code64_vmcb_segment)
{
	struct vmcb_seg s;

	vmcb_seg_from_desc(&s, 0x08, DESC_CODE64);
	EXPECT_EQ(s.selector, 0x08);
	EXPECT_EQ(s.attrib, 0x0a9b);
	EXPECT_EQ(s.base, 0);
	EXPECT_EQ(s.limit, 0xffffffffu);
	EXPECT_TRUE((s.attrib & SEG_ATTR_L) && !(s.attrib & SEG_ATTR_DB));
}
