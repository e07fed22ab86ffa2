/*
 * test_msrpm.c - host tests of the MSR permission map (chapter 6).
 *
 * With the MSR_PROT intercept set, RDMSR and WRMSR look up the MSR in an
 * 8 KiB map (APM2 §15.11 "MSR Intercepts").  Three ranges of 8K MSRs
 * each own 2 KiB of it, two bits per MSR, MSRs in ascending order:
 *
 *     byte 000h-7FFh    MSRs 0000_0000h-0000_1FFFh
 *     byte 800h-FFFh    MSRs C000_0000h-C000_1FFFh
 *     byte 1000h-17FFh  MSRs C001_0000h-C001_1FFFh
 *     byte 1800h-1FFFh  reserved
 *
 * Within a range, MSR base + n has bits 2n (RDMSR) and 2n + 1 (WRMSR):
 * byte n / 4 of the range, bit 2 * (n % 4) for the read and the next
 * bit for the write, so both intercepts of one MSR share a byte.  An
 * MSR outside the three ranges always exits, whatever the map holds.
 * The positions below are computed by hand from that layout.
 */
#include "unit.h"
#include "svm/msrpm.h"

#define MSR_TSC         0x00000010u
#define MSR_APIC_BASE   0x0000001bu
#define MSR_SYSENTER_CS 0x00000174u
#define MSR_EFER        0xc0000080u
#define MSR_STAR        0xc0000081u
#define MSR_TSC_AUX     0xc0000103u
#define MSR_VM_CR       0xc0010114u
#define MSR_VM_HSAVE_PA 0xc0010117u

/* The first MSR of each range, the start of each range's 2 KiB. */
static const uint32_t range_base[3] = { 0x00000000u, 0xc0000000u, 0xc0010000u };
static const unsigned range_byte[3] = { 0x000, 0x800, 0x1000 };

/* Expect msrpm_index(msr, write) to give byte @byte and bit @bit. */
#define EXPECT_INDEX(msr, write, byte_, bit_) do {                      \
	unsigned by_ = 0xdead, bi_ = 0xdead;                            \
	EXPECT_EQ(msrpm_index((msr), (write), &by_, &bi_), 0);          \
	EXPECT_EQ(by_, (byte_));                                        \
	EXPECT_EQ(bi_, (bit_));                                         \
} while (0)

/* Expect msrpm_index(msr, write) to refuse an MSR outside the ranges. */
#define EXPECT_OUTSIDE(msr) do {                                        \
	unsigned by_ = 0, bi_ = 0;                                      \
	EXPECT_EQ(msrpm_index((msr), 0, &by_, &bi_), -1);               \
	EXPECT_EQ(msrpm_index((msr), 1, &by_, &bi_), -1);               \
} while (0)

static int count_bits(const uint8_t *map)
{
	int i, n = 0;

	for (i = 0; i < MSRPM_BYTES; i++)
		n += __builtin_popcount(map[i]);
	return n;
}

/* MSR 0 is the very first pair of bits: byte 0, bits 0 (read) and 1. */
TEST(index_msr_0_is_byte_0_bits_0_and_1)
{
	EXPECT_INDEX(0x00000000u, 0, 0x000, 0);
	EXPECT_INDEX(0x00000000u, 1, 0x000, 1);
}

/* MSR 1 is bits 2-3: the second pair in byte 0 (four MSRs per byte). */
TEST(index_msr_1_is_byte_0_bits_2_and_3)
{
	EXPECT_INDEX(0x00000001u, 0, 0x000, 2);
	EXPECT_INDEX(0x00000001u, 1, 0x000, 3);
	EXPECT_INDEX(0x00000003u, 0, 0x000, 6);
	EXPECT_INDEX(0x00000003u, 1, 0x000, 7);
	EXPECT_INDEX(0x00000004u, 0, 0x001, 0);
}

/* MSR 1FFFh, the last of range 0: n = 1FFFh, byte 7FFh, bits 6-7. */
TEST(index_msr_1fff_is_last_pair_of_byte_7ff)
{
	EXPECT_INDEX(0x00001fffu, 0, 0x7ff, 6);
	EXPECT_INDEX(0x00001fffu, 1, 0x7ff, 7);
}

/* C000_0000h starts the second 2 KiB: byte 800h, bits 0-1. */
TEST(index_c0000000_is_byte_800)
{
	EXPECT_INDEX(0xc0000000u, 0, 0x800, 0);
	EXPECT_INDEX(0xc0000000u, 1, 0x800, 1);
}

/* C000_1FFFh ends the second range: byte 800h + 7FFh = FFFh, bits 6-7. */
TEST(index_c0001fff_is_byte_fff_bits_6_and_7)
{
	EXPECT_INDEX(0xc0001fffu, 0, 0xfff, 6);
	EXPECT_INDEX(0xc0001fffu, 1, 0xfff, 7);
}

/* C001_0000h starts the third 2 KiB: byte 1000h, bits 0-1. */
TEST(index_c0010000_is_byte_1000)
{
	EXPECT_INDEX(0xc0010000u, 0, 0x1000, 0);
	EXPECT_INDEX(0xc0010000u, 1, 0x1000, 1);
}

/* C001_1FFFh ends the third range: byte 1000h + 7FFh = 17FFh. */
TEST(index_c0011fff_is_byte_17ff_bits_6_and_7)
{
	EXPECT_INDEX(0xc0011fffu, 0, 0x17ff, 6);
	EXPECT_INDEX(0xc0011fffu, 1, 0x17ff, 7);
}

/*
 * EFER (C000_0080h): n = 80h, byte 800h + 80h / 4 = 820h, bit
 * 2 * (80h % 4) = 0 for RDMSR, 1 for WRMSR.  STAR (C000_0081h) is the
 * next pair in the same byte.
 */
TEST(index_efer_is_byte_820_bit_0_and_star_bit_2)
{
	EXPECT_INDEX(MSR_EFER, 0, 0x820, 0);
	EXPECT_INDEX(MSR_EFER, 1, 0x820, 1);
	EXPECT_INDEX(MSR_STAR, 0, 0x820, 2);
	EXPECT_INDEX(MSR_STAR, 1, 0x820, 3);
}

/*
 * TSC_AUX (C000_0103h): n = 103h, byte 800h + 40h = 840h, bit
 * 2 * 3 = 6 (read), 7 (write).
 */
TEST(index_tsc_aux_is_byte_840_bit_6)
{
	EXPECT_INDEX(MSR_TSC_AUX, 0, 0x840, 6);
	EXPECT_INDEX(MSR_TSC_AUX, 1, 0x840, 7);
}

/*
 * VM_CR (C001_0114h): n = 114h, byte 1000h + 45h = 1045h, bit 0.
 * VM_HSAVE_PA (C001_0117h): n = 117h, same byte, bits 6 and 7.
 */
TEST(index_vm_cr_and_vm_hsave_pa_share_byte_1045)
{
	EXPECT_INDEX(MSR_VM_CR, 0, 0x1045, 0);
	EXPECT_INDEX(MSR_VM_CR, 1, 0x1045, 1);
	EXPECT_INDEX(MSR_VM_HSAVE_PA, 0, 0x1045, 6);
	EXPECT_INDEX(MSR_VM_HSAVE_PA, 1, 0x1045, 7);
}

/*
 * Range-0 MSRs of the architecture: TSC (10h) is byte 4 bit 0,
 * APIC_BASE (1Bh = 27) is byte 6 bit 6, SYSENTER_CS (174h = 372) is
 * byte 5Dh bit 0.
 */
TEST(index_of_low_architectural_msrs)
{
	EXPECT_INDEX(MSR_TSC, 0, 0x004, 0);
	EXPECT_INDEX(MSR_TSC, 1, 0x004, 1);
	EXPECT_INDEX(MSR_APIC_BASE, 0, 0x006, 6);
	EXPECT_INDEX(MSR_APIC_BASE, 1, 0x006, 7);
	EXPECT_INDEX(MSR_SYSENTER_CS, 0, 0x05d, 0);
}

/*
 * Every MSR of every range: the write bit is the read bit + 1 in the
 * same byte, the read bit is even, and the byte is range byte + n / 4.
 */
TEST(index_write_bit_is_read_bit_plus_one_everywhere)
{
	unsigned r, n, rby, rbi, wby, wbi;
	int bad = 0;

	for (r = 0; r < 3; r++) {
		for (n = 0; n < 0x2000; n++) {
			uint32_t msr = range_base[r] + n;

			if (msrpm_index(msr, 0, &rby, &rbi) != 0 ||
			    msrpm_index(msr, 1, &wby, &wbi) != 0 ||
			    rby != range_byte[r] + n / 4 ||
			    rbi != 2 * (n % 4) || wby != rby ||
			    wbi != rbi + 1) {
				if (bad++ < 4)
					unit_fail(__FILE__, __LINE__,
						  "MSR %#x: read %#x/%u write %#x/%u",
						  msr, rby, rbi, wby, wbi);
			}
		}
	}
	EXPECT_EQ(bad, 0);
}

/* The first MSR past each range has no bits: 2000h, C000_2000h, C001_2000h. */
TEST(index_first_msr_past_each_range_is_outside)
{
	EXPECT_OUTSIDE(0x00002000u);
	EXPECT_OUTSIDE(0xc0002000u);
	EXPECT_OUTSIDE(0xc0012000u);
}

/*
 * MSRs elsewhere in the 32-bit MSR space: the hypervisor range
 * 4000_0000h, the last MSR, the end of the C000_xxxxh block, the MSR
 * just below C000_0000h, and MSRs whose low bits match a range start
 * (1_0000h, C002_0000h, 8000_0000h) - the range is chosen by the whole
 * number, not its low 13 bits.
 */
TEST(index_other_msrs_are_outside)
{
	EXPECT_OUTSIDE(0x40000000u);
	EXPECT_OUTSIDE(0xffffffffu);
	EXPECT_OUTSIDE(0xc000ffffu);
	EXPECT_OUTSIDE(0xbfffffffu);
	EXPECT_OUTSIDE(0x00010000u);
	EXPECT_OUTSIDE(0xc0020000u);
	EXPECT_OUTSIDE(0x80000000u);
	EXPECT_OUTSIDE(0x0000ffffu);
}

/* Setting the read intercept sets the even bit only: EFER read = 820h bit 0. */
TEST(set_read_only_sets_the_even_bit)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	EXPECT_EQ(msrpm_set(map, MSR_EFER, MSRPM_READ, 1), 0);
	EXPECT_EQ(map[0x820], 0x01);
	EXPECT_EQ(count_bits(map), 1);
	EXPECT_TRUE(msrpm_intercepted(map, MSR_EFER, 0));
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_EFER, 1));
}

/* Setting the write intercept sets the odd bit only: EFER write = 820h bit 1. */
TEST(set_write_only_sets_the_odd_bit)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	EXPECT_EQ(msrpm_set(map, MSR_EFER, MSRPM_WRITE, 1), 0);
	EXPECT_EQ(map[0x820], 0x02);
	EXPECT_EQ(count_bits(map), 1);
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_EFER, 0));
	EXPECT_TRUE(msrpm_intercepted(map, MSR_EFER, 1));
}

/* Both: the MSR's whole pair.  VM_HSAVE_PA is the top pair of 1045h. */
TEST(set_both_sets_the_pair)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	EXPECT_EQ(msrpm_set(map, MSR_VM_HSAVE_PA, MSRPM_READ | MSRPM_WRITE, 1), 0);
	EXPECT_EQ(map[0x1045], 0xc0);
	EXPECT_EQ(count_bits(map), 2);
	EXPECT_TRUE(msrpm_intercepted(map, MSR_VM_HSAVE_PA, 0));
	EXPECT_TRUE(msrpm_intercepted(map, MSR_VM_HSAVE_PA, 1));
}

/* An access mask of 0 changes nothing (neither read nor write named). */
TEST(set_with_empty_access_changes_nothing)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	msrpm_set(map, MSR_EFER, 0, 1);
	EXPECT_EQ(count_bits(map), 0);
}

/*
 * The three other pairs of a byte belong to three other MSRs: setting
 * and clearing STAR (820h bits 2-3) must not touch EFER (bits 0-1),
 * LSTAR (4-5) or CSTAR (6-7).
 */
TEST(set_leaves_neighbours_in_the_byte_untouched)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	map[0x820] = 0x33;      /* EFER and LSTAR fully intercepted */
	EXPECT_EQ(msrpm_set(map, MSR_STAR, MSRPM_READ, 1), 0);
	EXPECT_EQ(map[0x820], 0x37);
	EXPECT_EQ(msrpm_set(map, MSR_STAR, MSRPM_WRITE, 1), 0);
	EXPECT_EQ(map[0x820], 0x3f);
	EXPECT_EQ(msrpm_set(map, MSR_STAR, MSRPM_READ | MSRPM_WRITE, 0), 0);
	EXPECT_EQ(map[0x820], 0x33);
	EXPECT_EQ(count_bits(map), 4);
	EXPECT_EQ(map[0x81f], 0);
	EXPECT_EQ(map[0x821], 0);
}

/* Clearing in a full map clears exactly the bits asked for. */
TEST(clear_read_only_write_only_and_both)
{
	uint8_t map[MSRPM_BYTES];

	memset(map, 0xff, sizeof(map));
	EXPECT_EQ(msrpm_set(map, MSR_EFER, MSRPM_READ, 0), 0);
	EXPECT_EQ(map[0x820], 0xfe);
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_EFER, 0));
	EXPECT_TRUE(msrpm_intercepted(map, MSR_EFER, 1));

	EXPECT_EQ(msrpm_set(map, MSR_TSC_AUX, MSRPM_WRITE, 0), 0);
	EXPECT_EQ(map[0x840], 0x7f);
	EXPECT_TRUE(msrpm_intercepted(map, MSR_TSC_AUX, 0));
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_TSC_AUX, 1));

	EXPECT_EQ(msrpm_set(map, 0x00000001u, MSRPM_READ | MSRPM_WRITE, 0), 0);
	EXPECT_EQ(map[0x000], 0xf3);
	EXPECT_EQ(count_bits(map), MSRPM_BYTES * 8 - 4);
}

/* Setting an already set bit (or clearing a clear one) is idempotent. */
TEST(set_twice_is_idempotent)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	EXPECT_EQ(msrpm_set(map, MSR_VM_CR, MSRPM_WRITE, 1), 0);
	EXPECT_EQ(msrpm_set(map, MSR_VM_CR, MSRPM_WRITE, 1), 0);
	EXPECT_EQ(map[0x1045], 0x02);
	EXPECT_EQ(msrpm_set(map, MSR_VM_CR, MSRPM_READ, 0), 0);
	EXPECT_EQ(map[0x1045], 0x02);
}

/* A map cannot pass an outside MSR through: msrpm_set refuses, map unchanged. */
TEST(set_outside_is_refused_and_map_unchanged)
{
	static const uint32_t outside[] = {
		0x00002000u, 0xc0002000u, 0xc0012000u, 0x40000000u,
		0xffffffffu, 0xc000ffffu, 0x80000000u, 0xc0020000u,
	};
	uint8_t map[MSRPM_BYTES], copy[MSRPM_BYTES];
	unsigned i;

	for (i = 0; i < sizeof(map); i++)
		map[i] = (uint8_t)(i * 37 + 11);
	memcpy(copy, map, sizeof(map));
	for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		EXPECT_EQ(msrpm_set(map, outside[i], MSRPM_READ | MSRPM_WRITE, 1), -1);
		EXPECT_EQ(msrpm_set(map, outside[i], MSRPM_READ | MSRPM_WRITE, 0), -1);
	}
	EXPECT_TRUE(memcmp(map, copy, sizeof(map)) == 0);
}

/* A zero map intercepts no read and no write of any MSR in the ranges. */
TEST(zero_map_intercepts_nothing_inside_the_ranges)
{
	static uint8_t map[MSRPM_BYTES];
	unsigned r, n;
	int hits = 0;

	for (r = 0; r < 3; r++)
		for (n = 0; n < 0x2000; n++)
			hits += msrpm_intercepted(map, range_base[r] + n, 0) +
				msrpm_intercepted(map, range_base[r] + n, 1);
	EXPECT_EQ(hits, 0);
}

/* A full map intercepts every read and write in the ranges. */
TEST(full_map_intercepts_everything_inside_the_ranges)
{
	static uint8_t map[MSRPM_BYTES];
	unsigned r, n;
	int misses = 0;

	memset(map, 0xff, sizeof(map));
	for (r = 0; r < 3; r++)
		for (n = 0; n < 0x2000; n++)
			misses += !msrpm_intercepted(map, range_base[r] + n, 0) +
				  !msrpm_intercepted(map, range_base[r] + n, 1);
	EXPECT_EQ(misses, 0);
}

/*
 * msrpm_intercepted reads the bit msrpm_index names: a hand-set bit is
 * seen, and only for that MSR and direction.
 */
TEST(intercepted_reads_the_hand_set_bit)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	map[0x5d] = 0x01;               /* SYSENTER_CS read */
	map[0x1045] = 0x80;             /* VM_HSAVE_PA write */
	map[0x7ff] = 0x40;              /* MSR 1FFFh read */
	EXPECT_TRUE(msrpm_intercepted(map, MSR_SYSENTER_CS, 0));
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_SYSENTER_CS, 1));
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_SYSENTER_CS + 1, 0));
	EXPECT_TRUE(msrpm_intercepted(map, MSR_VM_HSAVE_PA, 1));
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_VM_HSAVE_PA, 0));
	EXPECT_TRUE(!msrpm_intercepted(map, MSR_VM_CR, 1));
	EXPECT_TRUE(msrpm_intercepted(map, 0x00001fffu, 0));
	EXPECT_TRUE(!msrpm_intercepted(map, 0x00001fffu, 1));
	/* Same low bits, other ranges: not intercepted. */
	EXPECT_TRUE(!msrpm_intercepted(map, 0xc0001fffu, 0));
	EXPECT_TRUE(!msrpm_intercepted(map, 0xc0011fffu, 0));
}

/* An MSR outside the ranges always exits, even with an all-zero map. */
TEST(intercepted_outside_is_always_1)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	EXPECT_EQ(msrpm_intercepted(map, 0x00002000u, 0), 1);
	EXPECT_EQ(msrpm_intercepted(map, 0x00002000u, 1), 1);
	EXPECT_EQ(msrpm_intercepted(map, 0xc0002000u, 0), 1);
	EXPECT_EQ(msrpm_intercepted(map, 0xc0012000u, 1), 1);
	EXPECT_EQ(msrpm_intercepted(map, 0x40000000u, 0), 1);
	EXPECT_EQ(msrpm_intercepted(map, 0xffffffffu, 1), 1);
	EXPECT_EQ(msrpm_intercepted(map, 0xc000ffffu, 0), 1);
}

/* The result is 0 or 1, not the raw bit (e.g. 80h for bit 7). */
TEST(intercepted_returns_0_or_1)
{
	uint8_t map[MSRPM_BYTES] = { 0 };

	EXPECT_EQ(msrpm_set(map, MSR_VM_HSAVE_PA, MSRPM_WRITE, 1), 0);
	EXPECT_EQ(msrpm_intercepted(map, MSR_VM_HSAVE_PA, 1), 1);
	EXPECT_EQ(msrpm_intercepted(map, MSR_VM_HSAVE_PA, 0), 0);
}

/* Set through msrpm_set, read back through msrpm_intercepted, for every MSR. */
TEST(set_then_intercepted_round_trips_every_msr)
{
	static uint8_t map[MSRPM_BYTES];
	unsigned r, n;
	int bad = 0;

	for (r = 0; r < 3; r++) {
		for (n = 0; n < 0x2000; n += 7) {
			uint32_t msr = range_base[r] + n;

			memset(map, 0, sizeof(map));
			msrpm_set(map, msr, MSRPM_WRITE, 1);
			bad += count_bits(map) != 1 ||
			       !msrpm_intercepted(map, msr, 1) ||
			       msrpm_intercepted(map, msr, 0);
		}
	}
	EXPECT_EQ(bad, 0);
}

/*
 * Bytes 1800h-1FFFh are reserved (APM2 §15.11): setting every
 * intercept of every MSR in the three ranges fills bytes 0-17FFh and
 * leaves them zero; clearing everything in a full map leaves them FFh.
 */
TEST(reserved_bytes_are_never_written)
{
	static uint8_t map[MSRPM_BYTES];
	unsigned r, n, i;
	int bad = 0;

	for (r = 0; r < 3; r++)
		for (n = 0; n < 0x2000; n++)
			EXPECT_EQ(msrpm_set(map, range_base[r] + n,
					    MSRPM_READ | MSRPM_WRITE, 1), 0);
	for (i = 0; i < 0x1800; i++)
		bad += map[i] != 0xff;
	for (i = 0x1800; i < MSRPM_BYTES; i++)
		bad += map[i] != 0;
	EXPECT_EQ(bad, 0);

	memset(map, 0xff, sizeof(map));
	for (r = 0; r < 3; r++)
		for (n = 0; n < 0x2000; n++)
			msrpm_set(map, range_base[r] + n,
				  MSRPM_READ | MSRPM_WRITE, 0);
	for (i = 0; i < 0x1800; i++)
		bad += map[i] != 0;
	for (i = 0x1800; i < MSRPM_BYTES; i++)
		bad += map[i] != 0xff;
	EXPECT_EQ(bad, 0);
}
