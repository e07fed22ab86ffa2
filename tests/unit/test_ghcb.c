/*
 * test_ghcb.c - host tests of the GHCB model: layout, valid bitmap,
 * request rules and MSR protocol of ghcb.c (chapter 15).
 *
 * Every expected number is written out by hand from the GHCB
 * specification (AMD publication 56421), not taken from ghcb_abi.h or
 * from the code under test:
 *
 *   Layout ("GHCB Layout" table): CPL 0CBh (1 byte), XSS 140h, DR7 160h,
 *   RIP 178h, RSP 1D8h, RAX 1F8h, RCX 308h, RDX 310h, RBX 318h, RBP 328h,
 *   RSI 330h, RDI 338h, R8-R15 340h-378h, SW_EXITCODE 390h, SW_EXITINFO1
 *   398h, SW_EXITINFO2 3A0h, SW_SCRATCH 3A8h, XCR0 3E8h, valid bitmap
 *   3F0h (16 bytes), X87 state GPA 400h, shared buffer 800h (2032
 *   bytes, to FEFh), protocol version FFAh (2 bytes), usage FFCh (4).
 *
 *   Valid bitmap: bit n for the quadword at 8 * n, stored little-endian,
 *   so bit n is bit (n % 8) of byte 3F0h + n / 8 of the page.
 *
 *   MSR protocol: GHCBInfo = bits 11:0, GHCBData = bits 63:12.
 *     SEV info response 001h: max 63:48, min 47:32, C-bit 31:24.
 *     CPUID request 004h / response 005h: fn or value 63:32, reg 31:30,
 *       bits 29:12 reserved.
 *     Register GPA response 013h: gfn 63:12 (all ones: refused).
 *     Hypervisor features response 081h: bitmap 63:12.
 *     Terminate request 100h: reason set 15:12, code 23:16.
 *
 *   IOIO EXITINFO1 (APM2 §15.10.2, Figure 15-2): TYPE (IN) bit 0, STR
 *   bit 2, REP bit 3, SZ8 bit 4, SZ16 bit 5, SZ32 bit 6, port 31:16.
 *
 * Tests named infra_* check code outside the chapter's lab blocks (the
 * layout, the bitmap, the MSR words, the names); the others call
 * ghcb_request_needs or ghcb_io_merge, the functions a student writes.
 */
#include "unit.h"
#include "svm/ghcb.h"

/* Exit codes, from APM2 Appendix C and the GHCB specification. */
#define X_RDTSC         0x6eull
#define X_CPUID         0x72ull
#define X_IOIO          0x7bull
#define X_MSR           0x7cull
#define X_VMMCALL       0x81ull
#define X_MMIO_READ     0x80000001ull
#define X_MMIO_WRITE    0x80000002ull
#define X_UNSUPPORTED   0x8000ffffull

/* IOIO EXITINFO1 bits (Figure 15-2). */
#define IO_IN           (1ull << 0)
#define IO_STR          (1ull << 2)
#define IO_REP          (1ull << 3)
#define IO_SZ8          (1ull << 4)
#define IO_SZ16         (1ull << 5)
#define IO_SZ32         (1ull << 6)
#define IO_PORT(p)      ((uint64_t)(p) << 16)

static struct ghcb g;

/* The page as bytes, as the guest sees it. */
static const uint8_t *page(void)
{
	return (const uint8_t *)&g;
}

static unsigned set_bits_in_bitmap(void)
{
	unsigned i, n = 0;

	for (i = 0; i < 16; i++)
		n += (unsigned)__builtin_popcount(page()[0x3f0 + i]);
	return n;
}

/* A need list, as the caller of ghcb_first_missing would have it. */
static void need_of(struct ghcb_need *need, unsigned n, const uint16_t *off)
{
	unsigned i;

	need->n = n;
	for (i = 0; i < n; i++)
		need->off[i] = off[i];
}

/* Compare a filled need list with the expected offsets, in order. */
#define EXPECT_NEEDS(need, ...) do {                                    \
	static const uint16_t want_[] = { __VA_ARGS__ };                \
	unsigned i_, n_ = sizeof(want_) / sizeof(want_[0]);            \
	EXPECT_EQ((need).n, n_);                                        \
	for (i_ = 0; i_ < n_ && i_ < (need).n; i_++)                    \
		EXPECT_EQ((need).off[i_], want_[i_]);                   \
} while (0)

/* ---- (1) layout ------------------------------------------------------ */

TEST(infra_layout_matches_the_specification)
{
	EXPECT_EQ(offsetof(struct ghcb, cpl), 0x0cb);
	EXPECT_EQ(offsetof(struct ghcb, xss), 0x140);
	EXPECT_EQ(offsetof(struct ghcb, dr7), 0x160);
	EXPECT_EQ(offsetof(struct ghcb, rip), 0x178);
	EXPECT_EQ(offsetof(struct ghcb, rsp), 0x1d8);
	EXPECT_EQ(offsetof(struct ghcb, rax), 0x1f8);
	EXPECT_EQ(offsetof(struct ghcb, rcx), 0x308);
	EXPECT_EQ(offsetof(struct ghcb, rdx), 0x310);
	EXPECT_EQ(offsetof(struct ghcb, rbx), 0x318);
	EXPECT_EQ(offsetof(struct ghcb, rbp), 0x328);
	EXPECT_EQ(offsetof(struct ghcb, rsi), 0x330);
	EXPECT_EQ(offsetof(struct ghcb, rdi), 0x338);
	EXPECT_EQ(offsetof(struct ghcb, r8), 0x340);
	EXPECT_EQ(offsetof(struct ghcb, r9), 0x348);
	EXPECT_EQ(offsetof(struct ghcb, r10), 0x350);
	EXPECT_EQ(offsetof(struct ghcb, r11), 0x358);
	EXPECT_EQ(offsetof(struct ghcb, r12), 0x360);
	EXPECT_EQ(offsetof(struct ghcb, r13), 0x368);
	EXPECT_EQ(offsetof(struct ghcb, r14), 0x370);
	EXPECT_EQ(offsetof(struct ghcb, r15), 0x378);
	EXPECT_EQ(offsetof(struct ghcb, sw_exit_code), 0x390);
	EXPECT_EQ(offsetof(struct ghcb, sw_exit_info1), 0x398);
	EXPECT_EQ(offsetof(struct ghcb, sw_exit_info2), 0x3a0);
	EXPECT_EQ(offsetof(struct ghcb, sw_scratch), 0x3a8);
	EXPECT_EQ(offsetof(struct ghcb, xcr0), 0x3e8);
	EXPECT_EQ(offsetof(struct ghcb, valid_bitmap), 0x3f0);
	EXPECT_EQ(offsetof(struct ghcb, x87_state_gpa), 0x400);
	EXPECT_EQ(offsetof(struct ghcb, shared_buffer), 0x800);
	EXPECT_EQ(offsetof(struct ghcb, protocol_version), 0xffa);
	EXPECT_EQ(offsetof(struct ghcb, usage), 0xffc);
	EXPECT_EQ(sizeof(struct ghcb), 4096);
}

TEST(infra_layout_sizes)
{
	EXPECT_EQ(sizeof(g.cpl), 1);
	EXPECT_EQ(sizeof(g.rax), 8);
	EXPECT_EQ(sizeof(g.sw_scratch), 8);
	EXPECT_EQ(sizeof(g.valid_bitmap), 16);
	EXPECT_EQ(sizeof(g.x87_state_gpa), 8);
	EXPECT_EQ(sizeof(g.shared_buffer), 2032);
	EXPECT_EQ(sizeof(g.protocol_version), 2);
	EXPECT_EQ(sizeof(g.usage), 4);
	/* The buffer ends where the reserved bytes before FFAh start. */
	EXPECT_EQ(offsetof(struct ghcb, shared_buffer) +
		  sizeof(g.shared_buffer), 0xff0);
}

/* The header's constants, which the guests' assembly uses, agree too. */
TEST(infra_abi_constants_match_the_specification)
{
	EXPECT_EQ(GHCB_CPL, 0x0cb);
	EXPECT_EQ(GHCB_RAX, 0x1f8);
	EXPECT_EQ(GHCB_RCX, 0x308);
	EXPECT_EQ(GHCB_RDX, 0x310);
	EXPECT_EQ(GHCB_RBX, 0x318);
	EXPECT_EQ(GHCB_RSI, 0x330);
	EXPECT_EQ(GHCB_RDI, 0x338);
	EXPECT_EQ(GHCB_SW_EXIT_CODE, 0x390);
	EXPECT_EQ(GHCB_SW_EXIT_INFO1, 0x398);
	EXPECT_EQ(GHCB_SW_EXIT_INFO2, 0x3a0);
	EXPECT_EQ(GHCB_SW_SCRATCH, 0x3a8);
	EXPECT_EQ(GHCB_VALID_BITMAP, 0x3f0);
	EXPECT_EQ(GHCB_SHARED_BUFFER, 0x800);
	EXPECT_EQ(GHCB_SHARED_BUFFER_SIZE, 2032);
	EXPECT_EQ(GHCB_PROTOCOL_VERSION, 0xffa);
	EXPECT_EQ(GHCB_USAGE, 0xffc);
	EXPECT_EQ(GHCB_SIZE, 4096);
	EXPECT_EQ(MSR_GHCB, 0xc0010130u);
}

/* Writing a member lands on the spec's bytes of the page. */
TEST(infra_layout_bytes_of_the_page)
{
	memset(&g, 0, sizeof(g));
	g.rax = 0x1122334455667788ull;
	g.protocol_version = 0x0102;
	g.usage = 0xa1b2c3d4u;
	g.cpl = 3;
	EXPECT_EQ(page()[0x1f8], 0x88);
	EXPECT_EQ(page()[0x1ff], 0x11);
	EXPECT_EQ(page()[0xffa], 0x02);
	EXPECT_EQ(page()[0xffb], 0x01);
	EXPECT_EQ(page()[0xffc], 0xd4);
	EXPECT_EQ(page()[0xfff], 0xa1);
	EXPECT_EQ(page()[0x0cb], 3);
}

/* ---- (2) valid bitmap ----------------------------------------------- */

TEST(infra_valid_bit_numbers)
{
	EXPECT_EQ(ghcb_valid_bit(0x1f8), 63);   /* RAX */
	EXPECT_EQ(ghcb_valid_bit(0x308), 97);   /* RCX */
	EXPECT_EQ(ghcb_valid_bit(0x390), 114);  /* SW_EXITCODE */
	EXPECT_EQ(ghcb_valid_bit(0x0cb), 25);   /* CPL: quadword 0C8h */
	EXPECT_EQ(ghcb_valid_bit(0x3a8), 117);  /* SW_SCRATCH */
	EXPECT_EQ(ghcb_valid_bit(0x3e8), 125);  /* XCR0 */
}

TEST(infra_valid_rax_is_byte_3f7_bit_7)
{
	memset(&g, 0, sizeof(g));
	ghcb_valid_set(&g, 0x1f8);
	EXPECT_EQ(page()[0x3f7], 0x80);
	EXPECT_EQ(set_bits_in_bitmap(), 1);
	EXPECT_EQ(g.valid_bitmap[0], 1ull << 63);
	EXPECT_EQ(g.valid_bitmap[1], 0);
}

TEST(infra_valid_cpl_is_byte_3f3_bit_1)
{
	memset(&g, 0, sizeof(g));
	ghcb_valid_set(&g, 0x0cb);
	EXPECT_EQ(page()[0x3f3], 0x02);
	EXPECT_EQ(set_bits_in_bitmap(), 1);
}

TEST(infra_valid_second_word)
{
	memset(&g, 0, sizeof(g));
	ghcb_valid_set(&g, 0x308);              /* bit 97: byte 3FCh bit 1 */
	EXPECT_EQ(page()[0x3fc], 0x02);
	ghcb_valid_set(&g, 0x390);              /* bit 114: byte 3FEh bit 2 */
	EXPECT_EQ(page()[0x3fe], 0x04);
	EXPECT_EQ(g.valid_bitmap[0], 0);
	EXPECT_EQ(g.valid_bitmap[1], (1ull << 33) | (1ull << 50));
	EXPECT_EQ(set_bits_in_bitmap(), 2);
}

TEST(infra_valid_set_test_no_neighbours)
{
	memset(&g, 0, sizeof(g));
	ghcb_valid_set(&g, 0x310);              /* RDX */
	EXPECT_EQ(ghcb_valid_test(&g, 0x310), 1);
	EXPECT_EQ(ghcb_valid_test(&g, 0x308), 0);       /* RCX */
	EXPECT_EQ(ghcb_valid_test(&g, 0x318), 0);       /* RBX */
	EXPECT_EQ(ghcb_valid_test(&g, 0x1f8), 0);
	EXPECT_EQ(set_bits_in_bitmap(), 1);
	/* Setting twice changes nothing; the rest of the page stays 0. */
	ghcb_valid_set(&g, 0x310);
	EXPECT_EQ(set_bits_in_bitmap(), 1);
	g.valid_bitmap[0] = g.valid_bitmap[1] = 0;
	{
		static const uint8_t zero[4096];

		EXPECT_TRUE(memcmp(&g, zero, sizeof(zero)) == 0);
	}
}

TEST(infra_valid_edges_of_the_bitmap)
{
	memset(&g, 0, sizeof(g));
	ghcb_valid_set(&g, 0x000);              /* bit 0 */
	ghcb_valid_set(&g, 0x3f8);              /* bit 127 */
	EXPECT_EQ(page()[0x3f0], 0x01);
	EXPECT_EQ(page()[0x3ff], 0x80);
	EXPECT_EQ(set_bits_in_bitmap(), 2);
	EXPECT_EQ(ghcb_valid_test(&g, 0x000), 1);
	EXPECT_EQ(ghcb_valid_test(&g, 0x3f8), 1);
	EXPECT_EQ(ghcb_valid_test(&g, 0x008), 0);
	EXPECT_EQ(ghcb_valid_test(&g, 0x3f0), 0);
}

/* From 400h on there is no valid bit: nothing is written anywhere. */
TEST(infra_valid_beyond_the_save_area_ignored)
{
	static const uint8_t zero[4096];

	memset(&g, 0, sizeof(g));
	ghcb_valid_set(&g, 0x400);
	ghcb_valid_set(&g, 0x800);
	ghcb_valid_set(&g, 0xffc);
	EXPECT_TRUE(memcmp(&g, zero, sizeof(zero)) == 0);
	memset(&g, 0xff, sizeof(g));
	EXPECT_EQ(ghcb_valid_test(&g, 0x400), 0);
	EXPECT_EQ(ghcb_valid_test(&g, 0xffa), 0);
	EXPECT_EQ(ghcb_valid_test(&g, 0x3f8), 1);
}

TEST(infra_valid_clear_clears_128_bits_only)
{
	memset(&g, 0xff, sizeof(g));
	ghcb_valid_clear(&g);
	EXPECT_EQ(set_bits_in_bitmap(), 0);
	EXPECT_EQ(ghcb_valid_test(&g, 0x1f8), 0);
	EXPECT_EQ(page()[0x3ef], 0xff);         /* XCR0's last byte */
	EXPECT_EQ(page()[0x400], 0xff);         /* x87 state GPA */
	EXPECT_EQ(g.xcr0, ~0ull);
	EXPECT_EQ(g.x87_state_gpa, ~0ull);
}

/* ---- (3) what each request needs ------------------------------------- */

TEST(needs_cpuid)
{
	struct ghcb_need need;

	memset(&need, 0xa5, sizeof(need));
	EXPECT_EQ(ghcb_request_needs(X_CPUID, 0, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x1f8, 0x308);
}

TEST(needs_ioio_out_in_and_string)
{
	struct ghcb_need need;

	/* OUT DX, AL to port 80h: RAX carries the data. */
	EXPECT_EQ(ghcb_request_needs(X_IOIO, IO_PORT(0x80) | IO_SZ8, &need),
		  0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x1f8);
	/* IN EAX, DX: nothing beyond the three. */
	EXPECT_EQ(ghcb_request_needs(X_IOIO,
				     IO_PORT(0x510) | IO_SZ32 | IO_IN, &need),
		  0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0);
	/* REP OUTSB and REP INSW: the bytes are behind SW_SCRATCH. */
	EXPECT_EQ(ghcb_request_needs(X_IOIO, IO_PORT(0x80) | IO_SZ8 | IO_STR |
				     IO_REP, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x3a8);
	EXPECT_EQ(ghcb_request_needs(X_IOIO, IO_PORT(0x60) | IO_SZ16 | IO_STR |
				     IO_REP | IO_IN, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x3a8);
}

TEST(needs_msr_read_and_write)
{
	struct ghcb_need need;

	EXPECT_EQ(ghcb_request_needs(X_MSR, 0, &need), 0);      /* RDMSR */
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x308);
	EXPECT_EQ(ghcb_request_needs(X_MSR, 1, &need), 0);      /* WRMSR */
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x308, 0x1f8, 0x310);
	/* Only EXITINFO1 = 1 is a write (ghcb.h); 2 needs what a read does. */
	EXPECT_EQ(ghcb_request_needs(X_MSR, 2, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x308);
}

TEST(needs_vmmcall)
{
	struct ghcb_need need;

	EXPECT_EQ(ghcb_request_needs(X_VMMCALL, 0, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x1f8, 0x0cb, 0x338, 0x330);
}

TEST(needs_mmio_read_and_write)
{
	struct ghcb_need need;

	EXPECT_EQ(ghcb_request_needs(X_MMIO_READ, 0xc0000000ull, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x3a8);
	EXPECT_EQ(ghcb_request_needs(X_MMIO_WRITE, 0xc0000004ull, &need), 0);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0, 0x3a8);
}

TEST(needs_unsupported_codes)
{
	struct ghcb_need need;

	EXPECT_EQ(ghcb_request_needs(X_RDTSC, 0, &need), -1);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0);
	EXPECT_EQ(ghcb_request_needs(X_UNSUPPORTED, 0, &need), -1);
	EXPECT_NEEDS(need, 0x390, 0x398, 0x3a0);
	/* Close to a handled code is not that code. */
	EXPECT_EQ(ghcb_request_needs(0x80000003ull, 0, &need), -1);
	EXPECT_EQ(ghcb_request_needs(0x100000072ull, 0, &need), -1);
	EXPECT_EQ(ghcb_request_needs(0, 0, &need), -1);
	EXPECT_EQ(need.n, 3);
}

/* The first missing field of a WRMSR, in checking order. */
TEST(first_missing_walks_the_needs_in_order)
{
	struct ghcb_need need;

	memset(&g, 0, sizeof(g));
	EXPECT_EQ(ghcb_request_needs(X_MSR, 1, &need), 0);
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x390);
	g.valid_bitmap[1] = (1ull << (114 - 64)) | (1ull << (115 - 64)) |
			    (1ull << (116 - 64));  /* the three SW_ fields */
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x308);
	g.valid_bitmap[1] |= 1ull << (97 - 64);                 /* RCX */
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x1f8);
	g.valid_bitmap[0] |= 1ull << 63;                        /* RAX */
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x310);
	g.valid_bitmap[1] |= 1ull << (98 - 64);                 /* RDX */
	EXPECT_EQ(ghcb_first_missing(&g, &need), -1);
}

/* A VMMCALL with everything but CPL (bit 25) marked: CPL is missing. */
TEST(first_missing_vmmcall_without_cpl)
{
	struct ghcb_need need;

	memset(&g, 0, sizeof(g));
	EXPECT_EQ(ghcb_request_needs(X_VMMCALL, 0, &need), 0);
	g.valid_bitmap[0] = ~0ull & ~(1ull << 25);
	g.valid_bitmap[1] = ~0ull;
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x0cb);
	g.valid_bitmap[0] |= 1ull << 25;
	EXPECT_EQ(ghcb_first_missing(&g, &need), -1);
	/* An IN needs no RAX: only the three SW_ fields. */
	EXPECT_EQ(ghcb_request_needs(X_IOIO, IO_IN | IO_SZ8, &need), 0);
	g.valid_bitmap[0] = 0;
	g.valid_bitmap[1] = 7ull << (114 - 64);
	EXPECT_EQ(ghcb_first_missing(&g, &need), -1);
}

TEST(infra_first_missing_with_a_hand_made_list)
{
	static const uint16_t two[] = { 0x3a8, 0x0cb };
	struct ghcb_need need;

	memset(&g, 0, sizeof(g));
	need_of(&need, 2, two);
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x3a8);
	g.valid_bitmap[1] = 1ull << (117 - 64);                 /* SCRATCH */
	EXPECT_EQ(ghcb_first_missing(&g, &need), 0x0cb);
	g.valid_bitmap[0] = 1ull << 25;                         /* CPL */
	EXPECT_EQ(ghcb_first_missing(&g, &need), -1);
	need.n = 0;
	memset(&g, 0, sizeof(g));
	EXPECT_EQ(ghcb_first_missing(&g, &need), -1);
}

TEST(infra_field_names)
{
	EXPECT_STREQ(ghcb_field_name(0x0cb), "cpl");
	EXPECT_STREQ(ghcb_field_name(0x140), "xss");
	EXPECT_STREQ(ghcb_field_name(0x160), "dr7");
	EXPECT_STREQ(ghcb_field_name(0x178), "rip");
	EXPECT_STREQ(ghcb_field_name(0x1d8), "rsp");
	EXPECT_STREQ(ghcb_field_name(0x1f8), "rax");
	EXPECT_STREQ(ghcb_field_name(0x308), "rcx");
	EXPECT_STREQ(ghcb_field_name(0x310), "rdx");
	EXPECT_STREQ(ghcb_field_name(0x318), "rbx");
	EXPECT_STREQ(ghcb_field_name(0x328), "rbp");
	EXPECT_STREQ(ghcb_field_name(0x330), "rsi");
	EXPECT_STREQ(ghcb_field_name(0x338), "rdi");
	EXPECT_STREQ(ghcb_field_name(0x340), "r8");
	EXPECT_STREQ(ghcb_field_name(0x348), "r9");
	EXPECT_STREQ(ghcb_field_name(0x350), "r10");
	EXPECT_STREQ(ghcb_field_name(0x358), "r11");
	EXPECT_STREQ(ghcb_field_name(0x360), "r12");
	EXPECT_STREQ(ghcb_field_name(0x368), "r13");
	EXPECT_STREQ(ghcb_field_name(0x370), "r14");
	EXPECT_STREQ(ghcb_field_name(0x378), "r15");
	EXPECT_STREQ(ghcb_field_name(0x390), "sw_exit_code");
	EXPECT_STREQ(ghcb_field_name(0x398), "sw_exit_info1");
	EXPECT_STREQ(ghcb_field_name(0x3a0), "sw_exit_info2");
	EXPECT_STREQ(ghcb_field_name(0x3a8), "sw_scratch");
	EXPECT_STREQ(ghcb_field_name(0x3e8), "xcr0");
	EXPECT_STREQ(ghcb_field_name(0x3f0), "valid_bitmap");
	EXPECT_STREQ(ghcb_field_name(0x400), "x87_state_gpa");
	EXPECT_STREQ(ghcb_field_name(0x800), "shared_buffer");
	EXPECT_STREQ(ghcb_field_name(0xffa), "protocol_version");
	EXPECT_STREQ(ghcb_field_name(0xffc), "usage");
}

TEST(infra_field_names_null_elsewhere)
{
	EXPECT_TRUE(ghcb_field_name(0x000) == NULL);    /* reserved */
	EXPECT_TRUE(ghcb_field_name(0x0c8) == NULL);    /* CPL's quadword */
	EXPECT_TRUE(ghcb_field_name(0x1f9) == NULL);    /* inside RAX */
	EXPECT_TRUE(ghcb_field_name(0x320) == NULL);    /* reserved */
	EXPECT_TRUE(ghcb_field_name(0x3f8) == NULL);    /* bitmap, 2nd half */
	EXPECT_TRUE(ghcb_field_name(0x801) == NULL);
	EXPECT_TRUE(ghcb_field_name(0xff0) == NULL);
	EXPECT_TRUE(ghcb_field_name(0x1000) == NULL);
}

/* ---- (4) IOIO size, mask and merge ------------------------------------ */

TEST(infra_io_size)
{
	EXPECT_EQ(ghcb_io_size(IO_SZ8), 1);
	EXPECT_EQ(ghcb_io_size(IO_SZ16), 2);
	EXPECT_EQ(ghcb_io_size(IO_SZ32), 4);
	/* Other bits of EXITINFO1 do not matter. */
	EXPECT_EQ(ghcb_io_size(IO_PORT(0xffff) | IO_IN | IO_STR | IO_REP |
			       IO_SZ16 | (7ull << 7)), 2);
	EXPECT_EQ(ghcb_io_size(0x00800011ull), 1);   /* IN AL, 80h */
}

TEST(infra_io_size_bad_combinations)
{
	EXPECT_EQ(ghcb_io_size(0), 0);
	EXPECT_EQ(ghcb_io_size(IO_SZ8 | IO_SZ16), 0);
	EXPECT_EQ(ghcb_io_size(IO_SZ8 | IO_SZ32), 0);
	EXPECT_EQ(ghcb_io_size(IO_SZ16 | IO_SZ32), 0);
	EXPECT_EQ(ghcb_io_size(0x70), 0);
	EXPECT_EQ(ghcb_io_size(IO_PORT(0x80) | IO_IN), 0);
}

TEST(infra_io_mask)
{
	EXPECT_EQ(ghcb_io_mask(1), 0xffull);
	EXPECT_EQ(ghcb_io_mask(2), 0xffffull);
	EXPECT_EQ(ghcb_io_mask(4), 0xffffffffull);
	EXPECT_EQ(ghcb_io_mask(0), 0);
	EXPECT_EQ(ghcb_io_mask(3), 0);
	EXPECT_EQ(ghcb_io_mask(8), 0);
}

TEST(io_merge_8_changes_only_al)
{
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xab, 1),
		  0x11223344556677abull);
	/* Bits of value above the operand are not written. */
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xffffffffffffff00ull,
				1), 0x1122334455667700ull);
	EXPECT_EQ(ghcb_io_merge(0, 0x1ff, 1), 0xff);
}

TEST(io_merge_16_changes_only_ax)
{
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xbeef, 2),
		  0x112233445566beefull);
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xcafebeefull, 2),
		  0x112233445566beefull);
}

TEST(io_merge_32_zero_extends)
{
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xdeadbeefull, 4),
		  0xdeadbeefull);
	EXPECT_EQ(ghcb_io_merge(~0ull, 0x123456789abcdef0ull, 4),
		  0x9abcdef0ull);
}

TEST(io_merge_other_sizes_keep_old)
{
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xab, 0),
		  0x1122334455667788ull);
	EXPECT_EQ(ghcb_io_merge(0x1122334455667788ull, 0xab, 3),
		  0x1122334455667788ull);
}

/* ---- (5) scratch bounds ------------------------------------------------ */

/* GHCB at 0x405000: shared buffer 0x405800-0x405fef. */
TEST(infra_scratch_inside)
{
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405800, 1), 1);   /* first */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405fef, 1), 1);   /* last */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405800, 2032), 1);  /* all */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405fe8, 8), 1);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405900, 4), 1);
}

TEST(infra_scratch_outside)
{
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x4057ff, 1), 0);   /* before */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x4057ff, 2), 0);   /* straddles */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405ff0, 1), 0);   /* FF0h */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405fef, 2), 0);   /* reaches */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405fe9, 8), 0);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405800, 2033), 0);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x406800, 1), 0);   /* next page */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x404800, 1), 0);   /* last page */
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0, 1), 0);
}

TEST(infra_scratch_empty_refused)
{
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405800, 0), 0);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405900, 0), 0);
}

/* Sums past 2^64 would wrap to small numbers: they must be refused. */
TEST(infra_scratch_no_overflow)
{
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405800, ~0ull), 0);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0x405900, 0xffffffffffffff00ull),
		  0);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, ~0ull, 2), 0);
	EXPECT_EQ(ghcb_scratch_ok(0x405000, 0xfffffffffffffff0ull, 0x20), 0);
	/*
	 * The last page below 2^64: its buffer, FFFF_FFFF_FFFF_F800h to
	 * FFFF_FFFF_FFFF_FFEFh, exists, but nothing may wrap past it.
	 */
	EXPECT_EQ(ghcb_scratch_ok(0xfffffffffffff000ull,
				  0xfffffffffffff800ull, 1), 1);
	EXPECT_EQ(ghcb_scratch_ok(0xfffffffffffff000ull,
				  0xffffffffffffffefull, 1), 1);
	EXPECT_EQ(ghcb_scratch_ok(0xfffffffffffff000ull,
				  0xffffffffffffffefull, 0x12), 0);
	EXPECT_EQ(ghcb_scratch_ok(0xfffffffffffff000ull,
				  0xfffffffffffffff0ull, 1), 0);
	/* A GHCB whose buffer would pass 2^64, wrapping to low addresses. */
	EXPECT_EQ(ghcb_scratch_ok(0xfffffffffffff020ull, 0x0f, 1), 0);
	EXPECT_EQ(ghcb_scratch_ok(0xfffffffffffff020ull,
				  0xfffffffffffff820ull, 1), 0);
	EXPECT_EQ(ghcb_scratch_ok(~0ull, 0x7ff, 1), 0);
	/* Page 0 works like any other. */
	EXPECT_EQ(ghcb_scratch_ok(0, 0x800, 8), 1);
}

/* ---- (6) MSR protocol words ------------------------------------------- */

TEST(infra_msr_info)
{
	EXPECT_EQ(ghcb_msr_info(0x0000000000405000ull), 0);
	EXPECT_EQ(ghcb_msr_info(0x4000000040000004ull), 0x004);
	EXPECT_EQ(ghcb_msr_info(0xfffffffffffff013ull), 0x013);
	EXPECT_EQ(ghcb_msr_info(0x0000000000531100ull), 0x100);
}

TEST(infra_msr_sev_info)
{
	/* max 2 at 63:48, min 1 at 47:32, C-bit 0 at 31:24, 001h. */
	EXPECT_EQ(ghcb_msr_sev_info(2, 1, 0), 0x0002000100000001ull);
	/* C-bit 51 = 33h at 31:24. */
	EXPECT_EQ(ghcb_msr_sev_info(2, 1, 51), 0x0002000133000001ull);
}

TEST(infra_msr_cpuid_request)
{
	/* fn 4000_0000h at 63:32, reg 1 (EBX) = 4000_0000h at 31:30. */
	EXPECT_EQ(ghcb_msr_cpuid_req(0x40000000u, 1), 0x4000000040000004ull);
	EXPECT_EQ(ghcb_msr_cpuid_req(1, 2), 0x0000000180000004ull);
	EXPECT_EQ(ghcb_msr_cpuid_req(0x80000001u, 3), 0x80000001c0000004ull);
	EXPECT_EQ(ghcb_msr_cpuid_req(0, 0), 0x004);
	EXPECT_EQ(ghcb_msr_cpuid_fn(0x4000000040000004ull), 0x40000000u);
	EXPECT_EQ(ghcb_msr_cpuid_reg(0x4000000040000004ull), 1);
	EXPECT_EQ(ghcb_msr_cpuid_fn(0x80000001c0000004ull), 0x80000001u);
	EXPECT_EQ(ghcb_msr_cpuid_reg(0x80000001c0000004ull), 3);
	EXPECT_EQ(ghcb_msr_cpuid_reg(0x0000000180000004ull), 2);
}

TEST(infra_msr_cpuid_request_reserved_bits)
{
	EXPECT_EQ(ghcb_msr_cpuid_req_ok(0x4000000040000004ull), 1);
	EXPECT_EQ(ghcb_msr_cpuid_req_ok(0xffffffffc0000004ull), 1);
	EXPECT_EQ(ghcb_msr_cpuid_req_ok(0x4000000040001004ull), 0); /* 12 */
	EXPECT_EQ(ghcb_msr_cpuid_req_ok(0x4000000060000004ull), 0); /* 29 */
	EXPECT_EQ(ghcb_msr_cpuid_req_ok(0x4000000040100004ull), 0); /* 20 */
	EXPECT_EQ(ghcb_msr_cpuid_req_ok(0x000000003ffff004ull), 0);
}

TEST(infra_msr_cpuid_response)
{
	/* "svml" = EBX 6C6D7673h of leaf 4000_0000h, reg 1. */
	EXPECT_EQ(ghcb_msr_cpuid_resp(0x6c6d7673u, 1), 0x6c6d767340000005ull);
	EXPECT_EQ(ghcb_msr_cpuid_resp(0x40000001u, 0), 0x4000000100000005ull);
	EXPECT_EQ(ghcb_msr_cpuid_resp(0xffffffffu, 3), 0xffffffffc0000005ull);
	EXPECT_EQ(ghcb_msr_cpuid_resp(0x62616c6du, 2), 0x62616c6d80000005ull);
}

TEST(infra_msr_register_gpa_response)
{
	EXPECT_EQ(ghcb_msr_reg_gpa_resp(0x402), 0x402013ull);
	EXPECT_EQ(ghcb_msr_reg_gpa_resp(0xfffffffffffffull),
		  0xfffffffffffff013ull);
	EXPECT_EQ(ghcb_msr_reg_gpa_resp(GHCB_MSR_REG_GPA_FAIL),
		  0xfffffffffffff013ull);
	EXPECT_EQ(ghcb_msr_reg_gpa_resp(0), 0x013);
}

TEST(infra_msr_hv_features_response)
{
	EXPECT_EQ(ghcb_msr_hv_ft_resp(0), 0x081);
	EXPECT_EQ(ghcb_msr_hv_ft_resp(1), 0x1081);      /* SEV-SNP bit */
	EXPECT_EQ(ghcb_msr_hv_ft_resp(0x5), 0x5081);
}

TEST(infra_msr_terminate)
{
	/* Set 1 at 15:12, code 53h at 23:16, 100h. */
	EXPECT_EQ(ghcb_msr_term_set(0x0000000000531100ull), 1);
	EXPECT_EQ(ghcb_msr_term_code(0x0000000000531100ull), 0x53);
	EXPECT_EQ(ghcb_msr_term_set(0x0000000000fff100ull), 0xf);
	EXPECT_EQ(ghcb_msr_term_code(0x0000000000fff100ull), 0xff);
	/* Bits above 23 are neither. */
	EXPECT_EQ(ghcb_msr_term_set(0xffffffffff000100ull), 0);
	EXPECT_EQ(ghcb_msr_term_code(0xffffffffff000100ull), 0);
}

TEST(infra_msr_request_names)
{
	EXPECT_STREQ(ghcb_msr_req_name(0x002), "sev_info");
	EXPECT_STREQ(ghcb_msr_req_name(0x004), "cpuid");
	EXPECT_STREQ(ghcb_msr_req_name(0x012), "reg_gpa");
	EXPECT_STREQ(ghcb_msr_req_name(0x080), "hv_features");
	EXPECT_STREQ(ghcb_msr_req_name(0x100), "terminate");
	/* Responses, the GPA code and unknown codes have no name. */
	EXPECT_TRUE(ghcb_msr_req_name(0x000) == NULL);
	EXPECT_TRUE(ghcb_msr_req_name(0x001) == NULL);
	EXPECT_TRUE(ghcb_msr_req_name(0x005) == NULL);
	EXPECT_TRUE(ghcb_msr_req_name(0x013) == NULL);
	EXPECT_TRUE(ghcb_msr_req_name(0x081) == NULL);
	EXPECT_TRUE(ghcb_msr_req_name(0x0ff) == NULL);
}

TEST(infra_exit_names)
{
	EXPECT_STREQ(ghcb_exit_name(X_CPUID), "cpuid");
	EXPECT_STREQ(ghcb_exit_name(X_IOIO), "ioio");
	EXPECT_STREQ(ghcb_exit_name(X_MSR), "msr");
	EXPECT_STREQ(ghcb_exit_name(X_VMMCALL), "vmmcall");
	EXPECT_STREQ(ghcb_exit_name(X_MMIO_READ), "mmio_read");
	EXPECT_STREQ(ghcb_exit_name(X_MMIO_WRITE), "mmio_write");
	EXPECT_TRUE(ghcb_exit_name(X_RDTSC) == NULL);
	EXPECT_TRUE(ghcb_exit_name(X_UNSUPPORTED) == NULL);
	EXPECT_TRUE(ghcb_exit_name(0x100000072ull) == NULL);
}

TEST(infra_error_names)
{
	EXPECT_STREQ(ghcb_err_name(1), "not_registered");
	EXPECT_STREQ(ghcb_err_name(2), "invalid_usage");
	EXPECT_STREQ(ghcb_err_name(3), "invalid_scratch_area");
	EXPECT_STREQ(ghcb_err_name(4), "missing_input");
	EXPECT_STREQ(ghcb_err_name(5), "invalid_input");
	EXPECT_STREQ(ghcb_err_name(6), "invalid_event");
	EXPECT_TRUE(ghcb_err_name(0) == NULL);
	EXPECT_TRUE(ghcb_err_name(7) == NULL);
}

/*
 * The accessor (vmgexit.c reads every request through it): a field the
 * guest did not mark valid is refused and the output left alone; a
 * marked one reads back what was put, CPL as its single byte.
 */
TEST(infra_accessor_reads_only_valid_fields)
{
	static struct ghcb g;
	uint64_t out = 0x5555;
	uint8_t *page = (uint8_t *)&g;

	memset(&g, 0, sizeof(g));
	page[0x1f8] = 0x11;                     /* RAX's low byte, unmarked */
	EXPECT_EQ(ghcb_get(&g, 0x1f8, &out), -1);
	EXPECT_EQ(out, 0x5555);
	ghcb_put(&g, 0x1f8, 0x1122334455667788ull);
	EXPECT_EQ(page[0x3f7], 0x80);           /* bit 63: byte 3F7h bit 7 */
	EXPECT_EQ(page[0x1f8], 0x88);           /* little-endian */
	EXPECT_EQ(page[0x1ff], 0x11);
	EXPECT_EQ(ghcb_get(&g, 0x1f8, &out), 0);
	EXPECT_EQ(out, 0x1122334455667788ull);
	ghcb_put(&g, 0x0cb, 0x1ff);             /* CPL: one byte */
	EXPECT_EQ(page[0x0cb], 0xff);
	EXPECT_EQ(page[0x0cc], 0);
	EXPECT_EQ(page[0x3f3], 0x02);           /* bit 25: byte 3F3h bit 1 */
	EXPECT_EQ(ghcb_get(&g, 0x0cb, &out), 0);
	EXPECT_EQ(out, 0xff);
	EXPECT_EQ(ghcb_get(&g, 0x308, &out), -1);       /* RCX: not marked */
	EXPECT_EQ(ghcb_get(&g, 0x400, &out), -1);       /* no valid bit */
	ghcb_valid_clear(&g);
	EXPECT_EQ(ghcb_get(&g, 0x1f8, &out), -1);
}
