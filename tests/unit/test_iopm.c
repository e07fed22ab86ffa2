/*
 * test_iopm.c - host tests of the I/O permission map (chapter 7).
 *
 * With the IOIO_PROT intercept set, IN, OUT, INS and OUTS look up the
 * port in a 12 KiB map, one bit per port: port p is byte p / 8, bit
 * p % 8 (APM2 §15.10.1 "I/O Permissions Map").  An access of n bytes
 * at port p checks the bits of ports p to p + n - 1 and exits if any is
 * set, so a 2- or 4-byte access can be caught by a bit that is not its
 * own port's.  At the top of the port space the check runs past FFFFh:
 * a 4-byte access at FFFFh checks bits FFFFh-10002h, and bits 10000h
 * and up live in byte 2000h, the first byte of the map's third page -
 * the reason the map is 12 KiB and not 8.
 */
#include "unit.h"
#include "svm/iopm.h"

static int count_bits(const uint8_t *map)
{
	int i, n = 0;

	for (i = 0; i < IOPM_BYTES; i++)
		n += __builtin_popcount(map[i]);
	return n;
}

/* Set bit @b by hand, from the layout: byte b / 8, bit b % 8. */
static void set_bit(uint8_t *map, uint32_t b)
{
	map[b / 8] |= (uint8_t)(1u << (b % 8));
}

/* A zero map intercepts no access of any size at any port. */
TEST(zero_map_intercepts_nothing)
{
	static uint8_t map[IOPM_BYTES];
	uint32_t p;
	int hits = 0;

	for (p = 0; p <= 0xffff; p++)
		hits += iopm_intercepted(map, (uint16_t)p, 1) +
			iopm_intercepted(map, (uint16_t)p, 2) +
			iopm_intercepted(map, (uint16_t)p, 4);
	EXPECT_EQ(hits, 0);
}

/* Port 80h (POST codes) is byte 10h, bit 0; nothing else changes. */
TEST(set_port_80_is_byte_10_bit_0)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x80, 1, 1), 0);
	EXPECT_EQ(map[0x10], 0x01);
	EXPECT_EQ(count_bits(map), 1);
	EXPECT_TRUE(iopm_intercepted(map, 0x80, 1));
	EXPECT_TRUE(!iopm_intercepted(map, 0x7f, 1));
	EXPECT_TRUE(!iopm_intercepted(map, 0x81, 1));
}

/*
 * More single ports from p / 8, p % 8: COM1 LSR 3FDh is byte 7Fh bit 5,
 * PCI CONFIG_DATA+3 CFFh is byte 19Fh bit 7, port 0 is byte 0 bit 0,
 * port FFFFh is byte 1FFFh bit 7.
 */
TEST(set_single_ports_follow_p_div_8_bit_p_mod_8)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x3fd, 1, 1), 0);
	EXPECT_EQ(map[0x7f], 0x20);
	EXPECT_EQ(iopm_set(map, 0xcff, 1, 1), 0);
	EXPECT_EQ(map[0x19f], 0x80);
	EXPECT_EQ(iopm_set(map, 0x0, 1, 1), 0);
	EXPECT_EQ(map[0x0], 0x01);
	EXPECT_EQ(iopm_set(map, 0xffff, 1, 1), 0);
	EXPECT_EQ(map[0x1fff], 0x80);
	EXPECT_EQ(count_bits(map), 4);
}

/* Bit 10000h (past port FFFFh) is byte 2000h bit 0: the third page. */
TEST(bit_10000_is_byte_2000_bit_0_in_the_third_page)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x10000, 1, 1), 0);
	EXPECT_EQ(map[0x2000], 0x01);
	EXPECT_EQ(0x2000 / 0x1000, 2);  /* page 0, 1, 2: the third */
	EXPECT_EQ(count_bits(map), 1);
	EXPECT_EQ(iopm_set(map, 0x10002, 1, 1), 0);
	EXPECT_EQ(map[0x2000], 0x05);
}

/* A range of 8 ports on a byte boundary is one whole byte: COM1 3F8h-3FFh. */
TEST(set_range_of_a_whole_byte)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x3f8, 8, 1), 0);
	EXPECT_EQ(map[0x7f], 0xff);
	EXPECT_EQ(map[0x7e], 0);
	EXPECT_EQ(map[0x80], 0);
	EXPECT_EQ(count_bits(map), 8);
}

/* A range across a byte boundary: ports 3-12 are byte 0 F8h, byte 1 1Fh. */
TEST(set_range_across_bytes)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 3, 10, 1), 0);
	EXPECT_EQ(map[0], 0xf8);
	EXPECT_EQ(map[1], 0x1f);
	EXPECT_EQ(count_bits(map), 10);
}

/* A long range: ports 100h-3FFh are bytes 20h-7Fh all FFh, nothing else. */
TEST(set_long_range)
{
	uint8_t map[IOPM_BYTES] = { 0 };
	int i, bad = 0;

	EXPECT_EQ(iopm_set(map, 0x100, 0x300, 1), 0);
	for (i = 0; i < IOPM_BYTES; i++)
		bad += map[i] != ((i >= 0x20 && i < 0x80) ? 0xff : 0);
	EXPECT_EQ(bad, 0);
}

/* Clearing removes exactly the range's bits; the others stay set. */
TEST(clear_part_of_a_range)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x70, 16, 1), 0);       /* bytes Eh, Fh */
	EXPECT_EQ(iopm_set(map, 0x72, 3, 0), 0);        /* ports 72h-74h */
	EXPECT_EQ(map[0xe], 0xe3);
	EXPECT_EQ(map[0xf], 0xff);
	EXPECT_TRUE(iopm_intercepted(map, 0x71, 1));
	EXPECT_TRUE(!iopm_intercepted(map, 0x72, 1));
	EXPECT_TRUE(!iopm_intercepted(map, 0x74, 1));
	EXPECT_TRUE(iopm_intercepted(map, 0x75, 1));
}

/* Clearing in a full map leaves all other bits set. */
TEST(clear_in_a_full_map)
{
	uint8_t map[IOPM_BYTES];

	memset(map, 0xff, sizeof(map));
	EXPECT_EQ(iopm_set(map, 0x3f8, 8, 0), 0);
	EXPECT_EQ(map[0x7f], 0);
	EXPECT_EQ(count_bits(map), IOPM_BYTES * 8 - 8);
	EXPECT_EQ(iopm_set(map, 0x61, 1, 0), 0);
	EXPECT_EQ(map[0xc], 0xfd);
}

/* A 1-byte access checks only its own port's bit. */
TEST(size_1_checks_only_its_own_bit)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 0x61);
	EXPECT_EQ(iopm_intercepted(map, 0x61, 1), 1);
	EXPECT_EQ(iopm_intercepted(map, 0x60, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x62, 1), 0);
}

/*
 * A 2-byte access at p checks bits p and p + 1: with only bit p + 1
 * set, the word access exits and the byte access at p does not.
 */
TEST(size_2_checks_the_next_port_too)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 0x71);
	EXPECT_EQ(iopm_intercepted(map, 0x70, 2), 1);
	EXPECT_EQ(iopm_intercepted(map, 0x70, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x71, 2), 1);
	EXPECT_EQ(iopm_intercepted(map, 0x72, 2), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x6f, 2), 0);
}

/*
 * A 4-byte access at p checks bits p to p + 3: only bit p + 3 set
 * exits a dword access, not a word or byte access at p.
 */
TEST(size_4_checks_the_last_covered_bit)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 0xcfb);
	EXPECT_EQ(iopm_intercepted(map, 0xcf8, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 0xcf8, 2), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xcf8, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xcf7, 4), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xcfc, 4), 0);
}

/* Only bit p + 2 set: the 4-byte access exits, the 2-byte one not. */
TEST(size_4_checks_the_middle_bits)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 0x402);
	EXPECT_EQ(iopm_intercepted(map, 0x400, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 0x400, 2), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x401, 2), 1);
}

/* The covered bits can straddle a byte: a word at port 7 checks bit 8. */
TEST(multi_byte_access_straddles_a_map_byte)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 8);
	EXPECT_EQ(iopm_intercepted(map, 7, 2), 1);
	EXPECT_EQ(iopm_intercepted(map, 7, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 6, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 5, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 4, 4), 0);
}

/* The check never looks below the port: bit p - 1 does not catch p. */
TEST(access_does_not_check_the_port_below)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 0x3f7);
	EXPECT_EQ(iopm_intercepted(map, 0x3f8, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x3f8, 2), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x3f8, 4), 0);
}

/*
 * The top of the port space: a word or dword at FFFFh also checks bit
 * 10000h (byte 2000h bit 0), which names no port; a byte access does not.
 */
TEST(access_at_ffff_checks_bit_10000)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	map[0x2000] = 0x01;
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 2), 1);
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 0xfffe, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 0xfffe, 2), 0);
	/* It does not wrap to port 0. */
	EXPECT_EQ(iopm_intercepted(map, 0x0000, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0x0000, 4), 0);
}

/* Only bit 10002h set: a dword at FFFFh exits, a word at FFFFh does not. */
TEST(dword_at_ffff_checks_bit_10002)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	map[0x2000] = 0x04;
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 4), 1);
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 2), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 1), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xfffe, 4), 0);
}

/* The access at the top does not wrap around: bit 0 does not catch FFFFh. */
TEST(access_at_ffff_does_not_wrap_to_port_0)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	map[0] = 0x07;
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 2), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xffff, 4), 0);
	EXPECT_EQ(iopm_intercepted(map, 0xfffd, 4), 0);
}

/* The result is 0 or 1, not the raw bit (e.g. 80h for bit 7). */
TEST(intercepted_returns_0_or_1)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	set_bit(map, 0x87);
	EXPECT_EQ(iopm_intercepted(map, 0x87, 1), 1);
	EXPECT_EQ(iopm_intercepted(map, 0x84, 4), 1);
}

/*
 * Bits up to IOPM_LAST_BIT - 1 = 10002h can be set: a dword range at
 * FFFFh (bits FFFFh-10002h) and the three bits past the ports.
 */
TEST(set_up_to_the_last_bit_is_accepted)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(IOPM_LAST_BIT, 0x10003);
	EXPECT_EQ(iopm_set(map, 0xffff, 4, 1), 0);
	EXPECT_EQ(map[0x1fff], 0x80);
	EXPECT_EQ(map[0x2000], 0x07);
	EXPECT_EQ(count_bits(map), 4);
	EXPECT_EQ(iopm_set(map, 0x10000, 3, 0), 0);
	EXPECT_EQ(map[0x2000], 0);
	EXPECT_EQ(iopm_set(map, IOPM_LAST_BIT - 1, 1, 1), 0);
	EXPECT_EQ(map[0x2000], 0x04);
}

/* The whole space, 0 to 10002h, in one call: bytes 0-1FFFh FFh, 2000h 07h. */
TEST(set_everything_fills_exactly_10003h_bits)
{
	static uint8_t map[IOPM_BYTES];
	int i, bad = 0;

	EXPECT_EQ(iopm_set(map, 0, IOPM_LAST_BIT, 1), 0);
	for (i = 0; i < 0x2000; i++)
		bad += map[i] != 0xff;
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(map[0x2000], 0x07);
	EXPECT_EQ(count_bits(map), IOPM_LAST_BIT);
}

/* A range reaching past bit 10002h is refused, and the map unchanged. */
TEST(set_past_the_last_bit_is_refused)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x10000, 4, 1), -1);
	EXPECT_EQ(iopm_set(map, IOPM_LAST_BIT, 1, 1), -1);
	EXPECT_EQ(iopm_set(map, 0xfffe, 6, 1), -1);
	EXPECT_EQ(iopm_set(map, 0, IOPM_LAST_BIT + 1, 1), -1);
	EXPECT_EQ(iopm_set(map, 0x20000, 1, 1), -1);
	EXPECT_EQ(count_bits(map), 0);
}

/* A range that wraps the 32-bit arithmetic is refused too. */
TEST(set_wrapping_range_is_refused)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0xffffffffu, 2, 1), -1);
	EXPECT_EQ(iopm_set(map, 0x80, 0xffffffffu, 1), -1);
	EXPECT_EQ(iopm_set(map, 0xfffffff0u, 0x20, 1), -1);
	EXPECT_EQ(count_bits(map), 0);
}

/* An empty range (count 0) is refused, set or clear. */
TEST(set_count_0_is_refused)
{
	uint8_t map[IOPM_BYTES] = { 0 };

	EXPECT_EQ(iopm_set(map, 0x80, 0, 1), -1);
	EXPECT_EQ(iopm_set(map, 0x80, 0, 0), -1);
	EXPECT_EQ(count_bits(map), 0);
}

/* A refused clear leaves a full map full. */
TEST(refused_clear_leaves_the_map_unchanged)
{
	uint8_t map[IOPM_BYTES];

	memset(map, 0xff, sizeof(map));
	EXPECT_EQ(iopm_set(map, 0xfff0, 0x20, 0), -1);
	EXPECT_EQ(count_bits(map), IOPM_BYTES * 8);
}

/* Bytes past 2000h are never written: bit 10002h is the last one. */
TEST(bytes_past_the_last_bit_are_never_written)
{
	static uint8_t map[IOPM_BYTES];
	int i, bad = 0;

	memset(map, 0xa5, sizeof(map));
	iopm_set(map, 0, IOPM_LAST_BIT, 0);
	EXPECT_EQ(map[0x2000], 0xa0);   /* bits 0-2 cleared, 3-7 kept */
	for (i = 0x2001; i < IOPM_BYTES; i++)
		bad += map[i] != 0xa5;
	EXPECT_EQ(bad, 0);
}

/* Round trip: every port set by iopm_set is seen by a byte access. */
TEST(set_then_intercepted_round_trips_every_port)
{
	static uint8_t map[IOPM_BYTES];
	uint32_t p;
	int bad = 0;

	for (p = 0; p <= 0xffff; p += 3) {
		iopm_set(map, p, 1, 1);
		bad += !iopm_intercepted(map, (uint16_t)p, 1) ||
		       (p > 0 && iopm_intercepted(map, (uint16_t)(p - 1), 1));
		iopm_set(map, p, 1, 0);
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(count_bits(map), 0);
}
