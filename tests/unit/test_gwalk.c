/*
 * test_gwalk.c - host tests of the guest page-table walker (chapter 13).
 *
 * Each test builds the guest's page tables in a fake guest-physical
 * memory of 64 pages, from the entry formats of APM2 §5.2 "Legacy-Mode
 * Page Translation", §5.3 "Long-Mode Page Translation" and §5.4
 * "Page-Translation-Table Entry Fields", and translates addresses whose
 * table indices were split out by hand (written next to each address).
 * The read callback refuses anything outside the 64 pages and records
 * the sizes the walker asks for: 4 bytes for 32-bit paging, 8 otherwise.
 *
 * Bits used:  P = bit 0, R/W = bit 1, PS = bit 7, PAT of a large page
 * = bit 12, NX = bit 63; CR0.PG = bit 31; CR4.PSE = bit 4, CR4.PAE =
 * bit 5, CR4.LA57 = bit 12; EFER.LME = bit 8, LMA = bit 10, NXE = bit 11.
 */
#include "unit.h"
#include "svm/gwalk.h"

#define P       0x1ull
#define RW      0x2ull
#define PS      0x80ull
#define PAT_L   0x1000ull               /* PAT bit of a large page */
#define NX      (1ull << 63)

#define KIB     0x400ull
#define MIB     0x100000ull
#define GIB     0x40000000ull

#define PAGES   64
#define MEMSIZE (PAGES * 4096ull)

/* The fake guest-physical memory and what the walker read from it. */
static uint8_t mem[MEMSIZE];
static unsigned reads, reads4, reads8, reads_other;

/* gwalk_read_fn over mem[]: fails outside it. */
static int fake_read(void *ctx, uint64_t gpa, uint64_t *val, unsigned size)
{
	uint64_t v = 0;

	EXPECT_TRUE(ctx == mem);
	reads++;
	if (size == 4)
		reads4++;
	else if (size == 8)
		reads8++;
	else {
		reads_other++;
		return -1;
	}
	if (gpa >= MEMSIZE || MEMSIZE - gpa < size)
		return -1;
	memcpy(&v, mem + gpa, size);    /* the host is little-endian too */
	*val = v;
	return 0;
}

static void reset(void)
{
	memset(mem, 0, sizeof(mem));
	reads = reads4 = reads8 = reads_other = 0;
}

static uint64_t page(unsigned n)
{
	return n * 4096ull;
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(mem + gpa, &v, 4);
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, 8);
}

/*
 * Translate and compare: the return code, and on success the gpa and
 * page size, on failure the level; the entry's gpa either way.
 */
static void check(int line, const struct gwalk_cpu *c, uint64_t gva,
		  int want_rc, uint64_t want_gpa, uint64_t want_size,
		  int want_level, uint64_t want_pte)
{
	struct gwalk_result r;
	int rc;

	memset(&r, 0xcc, sizeof(r));
	rc = gwalk_translate(c, gva, fake_read, mem, &r);
	if (rc != want_rc) {
		unit_fail(__FILE__, line, "gva %llx: rc %d, want %d",
			  (unsigned long long)gva, rc, want_rc);
		return;
	}
	if (rc == 0 && (r.gpa != want_gpa || r.page_size != want_size))
		unit_fail(__FILE__, line, "gva %llx: gpa %llx size %llx, "
			  "want %llx size %llx", (unsigned long long)gva,
			  (unsigned long long)r.gpa,
			  (unsigned long long)r.page_size,
			  (unsigned long long)want_gpa,
			  (unsigned long long)want_size);
	if (r.level_failed != want_level || r.pte_gpa != want_pte)
		unit_fail(__FILE__, line, "gva %llx: level %d pte %llx, "
			  "want %d %llx", (unsigned long long)gva,
			  r.level_failed, (unsigned long long)r.pte_gpa,
			  want_level, (unsigned long long)want_pte);
}

/* Expect a translation to @gpa in a page of @size, leaf entry at @pte. */
#define OK(c, gva, gpa, size, pte) \
	check(__LINE__, c, gva, 0, gpa, size, 0, pte)
/* Expect failure @rc at @level, the entry at @pte. */
#define FAIL(c, gva, rc, level, pte) \
	check(__LINE__, c, gva, rc, 0, 0, level, pte)

/* ---- no paging ---- */

/* CR0.PG = 0: the address is physical, 32 bits, and nothing is read. */
TEST(no_paging_is_identity)
{
	struct gwalk_cpu c = { .cr0 = 0x11, .cr3 = page(1),
			       .cr4 = 0x20, .efer = 0 };

	reset();
	OK(&c, 0x12345, 0x12345, 4 * KIB, 0);
	OK(&c, 0xfffffff0, 0xfffffff0, 4 * KIB, 0);
	OK(&c, 0x100001234ull, 0x1234, 4 * KIB, 0);
	c.cr0 = 0;                      /* real mode */
	OK(&c, 0xb8000, 0xb8000, 4 * KIB, 0);
	EXPECT_EQ(reads, 0);
}

/* ---- 32-bit paging ---- */

/*
 * Tables: PD at page 1 (CR3 with PWT and PCD, bits 3 and 4, which are
 * not address bits), page tables at pages 2 and 3.
 */
static void build_32(void)
{
	reset();
	/* PDE[1] -> PT page 2; PTE[3] -> 0x12345000 (PAT and AVL set) */
	put32(page(1) + 1 * 4, (uint32_t)(page(2) | RW | P));
	put32(page(2) + 3 * 4, 0x12345000u | 0xe00 | 0x80 | P);
	/* PDE[0x300] -> PT page 3; PTE[1] -> 0x7000 */
	put32(page(1) + 0x300 * 4, (uint32_t)(page(3) | P));
	put32(page(3) + 1 * 4, 0x7000u | RW | P);
	/* PDE[5] -> a page table at 2 GiB, outside guest memory */
	put32(page(1) + 5 * 4, 0x80000000u | P);
	/* PDE[6] -> PT page 2 again, but with PS set */
	put32(page(1) + 6 * 4, (uint32_t)(page(2) | PS | P));
	/* PDE[2]: not present, other bits set */
	put32(page(1) + 2 * 4, (uint32_t)(page(4) | RW));
}

TEST(paging_32_4k)
{
	struct gwalk_cpu c = { .cr0 = 0x80000011, .cr3 = page(1) | 0x18,
			       .cr4 = 0, .efer = 0 };

	build_32();
	/* 0x00403abc: PD 1, PT 3, offset abc */
	OK(&c, 0x00403abc, 0x12345abc, 4 * KIB, page(2) + 3 * 4);
	/* 0xc0001fff: PD 0x300, PT 1, offset fff */
	OK(&c, 0xc0001fff, 0x7fff, 4 * KIB, page(3) + 1 * 4);
	/* 0x00400000: PD 1, PT 0: not present at level 1 */
	FAIL(&c, 0x00400000, GWALK_NOT_PRESENT, 1, page(2));
	/* 0x00404000: PD 1, PT 4 */
	FAIL(&c, 0x00404000, GWALK_NOT_PRESENT, 1, page(2) + 4 * 4);
	/* 0x00800000: PD 2, present bit clear */
	FAIL(&c, 0x00800000, GWALK_NOT_PRESENT, 2, page(1) + 2 * 4);
	/* 0x01400000: PD 5, its page table is not guest memory */
	FAIL(&c, 0x01400000, GWALK_NO_MEMORY, 1, 0x80000000);
	/* 0x01803abc: PD 6 has PS, but without CR4.PSE it is a PDE */
	OK(&c, 0x01803abc, 0x12345abc, 4 * KIB, page(2) + 3 * 4);
	EXPECT_EQ(reads8, 0);
	EXPECT_EQ(reads_other, 0);
	EXPECT_TRUE(reads4 > 0);
	/* A page directory outside guest memory. */
	c.cr3 = 0x40000000;
	FAIL(&c, 0x00403abc, GWALK_NO_MEMORY, 2, 0x40000000 + 1 * 4);
}

/* Two reads for a 4 KiB page, each of 4 bytes. */
TEST(paging_32_reads_two_4_byte_entries)
{
	struct gwalk_cpu c = { .cr0 = 0x80000001, .cr3 = page(1) };

	build_32();
	OK(&c, 0x00403abc, 0x12345abc, 4 * KIB, page(2) + 3 * 4);
	EXPECT_EQ(reads, 2);
	EXPECT_EQ(reads4, 2);
}

/* 4 MiB pages: PDE.PS with CR4.PSE. */
TEST(paging_32_4m_pse)
{
	struct gwalk_cpu c = { .cr0 = 0x80000001, .cr3 = page(1),
			       .cr4 = 0x10, .efer = 0 };

	build_32();
	/* PDE[0x3ff] maps 0xffc00000 to 0xfec00000 */
	put32(page(1) + 0x3ff * 4, 0xfec00000u | PS | RW | P);
	/* PDE[7]: frame 0x00400000 with PDE[20:13] = 0x12 (bits 39:32) */
	put32(page(1) + 7 * 4, 0x00400000u | (0x12u << 13) | PS | P);
	/* PDE[8]: bit 21 set, must be zero */
	put32(page(1) + 8 * 4, 0x00600000u | PS | P);
	/* PDE[9]: PAT (bit 12) set, not an address bit */
	put32(page(1) + 9 * 4, 0x00800000u | PAT_L | PS | P);

	/* 0xffd23456: PD 0x3ff, offset 0x123456 in the 4 MiB page */
	reads = 0;
	OK(&c, 0xffd23456, 0xfed23456, 4 * MIB, page(1) + 0x3ff * 4);
	EXPECT_EQ(reads, 1);
	/* 0x01c00010: PD 7 -> 0x12_0040_0000 + 0x10 */
	OK(&c, 0x01c00010, 0x1200400010ull, 4 * MIB, page(1) + 7 * 4);
	/* 0x02000000: PD 8 */
	FAIL(&c, 0x02000000, GWALK_RESERVED, 2, page(1) + 8 * 4);
	/* 0x027fffff: PD 9, last byte of the page */
	OK(&c, 0x027fffff, 0x00bfffff, 4 * MIB, page(1) + 9 * 4);
	/*
	 * 0x01803abc: PD 6 = 0x2081, now a 4 MiB page: frame bits 31:22
	 * are 0, PDE bit 13 gives physical bit 32.
	 */
	OK(&c, 0x01803abc, 0x100003abcull, 4 * MIB, page(1) + 6 * 4);
	/* 4 KiB pages still work beside them. */
	OK(&c, 0x00403abc, 0x12345abc, 4 * KIB, page(2) + 3 * 4);
	EXPECT_EQ(reads8, 0);
}

/* ---- PAE paging ---- */

/*
 * PDPT at 0x1020 (CR3[31:5]; PWT and PCD also set in CR3), page
 * directory at page 2, page table at page 3.
 */
static void build_pae(void)
{
	reset();
	/* PDPTE[1] -> PD page 2 */
	put64(0x1020 + 1 * 8, page(2) | P);
	/* PDE[1] -> PT page 3; PTE[1] -> 0x5_6789_a000 (above 4 GiB) */
	put64(page(2) + 1 * 8, page(3) | RW | P);
	put64(page(3) + 1 * 8, 0x56789a000ull | RW | P);
	/* PDE[2]: a 2 MiB page at 0x1_2340_0000 */
	put64(page(2) + 2 * 8, 0x123400000ull | PS | RW | P);
	/* PDE[3]: a 2 MiB page with bit 13 set (must be zero) */
	put64(page(2) + 3 * 8, 0x00600000ull | 0x2000 | PS | P);
	/* PDE[4]: a 2 MiB page with PAT set */
	put64(page(2) + 4 * 8, 0x00800000ull | PAT_L | PS | P);
	/* PTE[2]: NX set */
	put64(page(3) + 2 * 8, 0x9000ull | NX | P);
	/* PDPTE[2]: PS (bit 7) is must-be-zero in a PAE PDPTE */
	put64(0x1020 + 2 * 8, page(4) | PS | P);
	/* PDPTE[3]: R/W (bit 1) is must-be-zero there too */
	put64(0x1020 + 3 * 8, page(4) | RW | P);
	/* The four PDPTEs end at 0x1040; poison what follows. */
	put64(0x1040, ~0ull);
	put64(0x1018, ~0ull);
}

TEST(paging_pae_4k)
{
	struct gwalk_cpu c = { .cr0 = 0x80000001, .cr3 = 0x1020 | 0x18,
			       .cr4 = 0x20, .efer = 0 };

	build_pae();
	/* 0x40201abc: PDPT 1, PD 1, PT 1, offset abc */
	OK(&c, 0x40201abc, 0x56789aabcull, 4 * KIB, page(3) + 1 * 8);
	EXPECT_EQ(reads, 3);
	EXPECT_EQ(reads8, 3);
	/* Legacy modes use 32-bit addresses: the upper half is dropped. */
	OK(&c, 0xffffffff40201abcull, 0x56789aabcull, 4 * KIB,
	   page(3) + 1 * 8);
	/* 0x00001000: PDPT 0 not present */
	FAIL(&c, 0x00001000, GWALK_NOT_PRESENT, 3, 0x1020);
	/* 0x40000000: PDPT 1, PD 0 not present */
	FAIL(&c, 0x40000000, GWALK_NOT_PRESENT, 2, page(2));
	/* 0x40203000: PDPT 1, PD 1, PT 3 not present */
	FAIL(&c, 0x40203000, GWALK_NOT_PRESENT, 1, page(3) + 3 * 8);
	/* 0x80000000: PDPT 2 with PS; 0xc0000000: PDPT 3 with R/W */
	FAIL(&c, 0x80000000, GWALK_RESERVED, 3, 0x1020 + 2 * 8);
	FAIL(&c, 0xc0000000, GWALK_RESERVED, 3, 0x1020 + 3 * 8);
	/* 0x40202000: PDPT 1, PD 1, PT 2 has NX without EFER.NXE */
	FAIL(&c, 0x40202000, GWALK_RESERVED, 1, page(3) + 2 * 8);
	c.efer = 0x800;                 /* NXE */
	OK(&c, 0x40202010, 0x9010, 4 * KIB, page(3) + 2 * 8);
	EXPECT_EQ(reads4, 0);
}

TEST(paging_pae_2m)
{
	struct gwalk_cpu c = { .cr0 = 0x80000001, .cr3 = 0x1020,
			       .cr4 = 0x20, .efer = 0 };

	build_pae();
	/* 0x40412345: PDPT 1, PD 2, offset 0x12345 in the 2 MiB page */
	reads = 0;
	OK(&c, 0x40412345, 0x123412345ull, 2 * MIB, page(2) + 2 * 8);
	EXPECT_EQ(reads, 2);
	/* 0x40600000: PDPT 1, PD 3: bit 13 set in a 2 MiB PDE */
	FAIL(&c, 0x40600000, GWALK_RESERVED, 2, page(2) + 3 * 8);
	/* 0x409fffff: PDPT 1, PD 4, the last byte; PAT is not address */
	OK(&c, 0x409fffff, 0x009fffff, 2 * MIB, page(2) + 4 * 8);
	/* CR4.PSE does not matter to PAE paging. */
	c.cr4 |= 0x10;
	OK(&c, 0x40412345, 0x123412345ull, 2 * MIB, page(2) + 2 * 8);
}

/* ---- long mode (4-level paging) ---- */

#define LONG_CPU { .cr0 = 0x80000011, .cr3 = page(1), .cr4 = 0x20, \
		   .efer = 0x500 }

/*
 * PML4 page 1, PDPT page 2, PD page 3, PT page 4 for PML4 index 1;
 * PDPT page 5, PD page 6, PT page 7 for the upper half (PML4 256).
 */
static void build_long(void)
{
	reset();
	put64(page(1) + 1 * 8, page(2) | RW | P);          /* PML4E[1] */
	put64(page(2) + 2 * 8, page(3) | RW | P);          /* PDPTE[2] */
	put64(page(3) + 3 * 8, page(4) | RW | P);          /* PDE[3] */
	put64(page(4) + 4 * 8, 0xfedcba000ull | RW | P);   /* PTE[4] */
	/* PTE[5]: bits 62:52 (available, protection key) set */
	put64(page(4) + 5 * 8, 0x7ff0000000003000ull | P);
	/* PTE[6]: NX */
	put64(page(4) + 6 * 8, 0x5000ull | NX | P);
	/* PDE[5]: 2 MiB page at 0x2_0060_0000 */
	put64(page(3) + 5 * 8, 0x200600000ull | PS | RW | P);
	/* PDE[7]: a page table outside guest memory (4 GiB) */
	put64(page(3) + 7 * 8, 0x100000000ull | P);
	/* PDE[8]: 2 MiB page with bit 20 set (must be zero) */
	put64(page(3) + 8 * 8, 0x00400000ull | 0x100000 | PS | P);
	/* PDPTE[3]: 1 GiB page at 0x40_4000_0000 */
	put64(page(2) + 3 * 8, 0x4040000000ull | PS | RW | P);
	/* PDPTE[4]: 1 GiB page at 0x8000_0000 with PAT */
	put64(page(2) + 4 * 8, 0x80000000ull | PAT_L | PS | P);
	/* PDPTE[6]: 1 GiB page with bit 29 set (must be zero) */
	put64(page(2) + 6 * 8, 0x20000000ull | PS | P);
	/* PML4E[2]: PS is must-be-zero in a PML4E */
	put64(page(1) + 2 * 8, page(8) | PS | P);
	/* PML4E[256] -> PDPT 5 -> PD 6 -> PT 7 -> 0x9000 */
	put64(page(1) + 256 * 8, page(5) | RW | P);
	put64(page(5) + 0 * 8, page(6) | RW | P);
	put64(page(6) + 0 * 8, page(7) | RW | P);
	put64(page(7) + 1 * 8, 0x9000ull | RW | P);
}

TEST(long_mode_4k)
{
	struct gwalk_cpu c = LONG_CPU;

	build_long();
	/* 0x0000_0080_8060_4567: PML4 1, PDPT 2, PD 3, PT 4, offset 567 */
	OK(&c, 0x0000008080604567ull, 0xfedcba567ull, 4 * KIB,
	   page(4) + 4 * 8);
	EXPECT_EQ(reads, 4);
	EXPECT_EQ(reads8, 4);
	/* 0xffff_8000_0000_1234: PML4 256, PDPT 0, PD 0, PT 1, offset 234 */
	OK(&c, 0xffff800000001234ull, 0x9234, 4 * KIB, page(7) + 1 * 8);
	/* 0x80_8060_5008: PT 5; bits 62:52 are not address bits */
	OK(&c, 0x0000008080605008ull, 0x3008, 4 * KIB, page(4) + 5 * 8);
	/* CR3 bits 11:0 (PCID, PWT, PCD) are not address bits. */
	c.cr3 = page(1) | 0x123;
	OK(&c, 0x0000008080604567ull, 0xfedcba567ull, 4 * KIB,
	   page(4) + 4 * 8);
	EXPECT_EQ(reads4, 0);
}

TEST(long_mode_2m_and_1g)
{
	struct gwalk_cpu c = LONG_CPU;

	build_long();
	/* 0x80_80b1_2345: PML4 1, PDPT 2, PD 5, offset 0x112345 */
	reads = 0;
	OK(&c, 0x0000008080b12345ull, 0x200712345ull, 2 * MIB,
	   page(3) + 5 * 8);
	EXPECT_EQ(reads, 3);
	/* 0x80_d234_5678: PML4 1, PDPT 3, offset 0x1234_5678 */
	reads = 0;
	OK(&c, 0x00000080d2345678ull, 0x4052345678ull, 1 * GIB,
	   page(2) + 3 * 8);
	EXPECT_EQ(reads, 2);
	/* 0x81_0000_0010: PML4 1, PDPT 4; PAT is not an address bit */
	OK(&c, 0x0000008100000010ull, 0x80000010, 1 * GIB, page(2) + 4 * 8);
	/* 0x80_8100_0000: PML4 1, PDPT 2, PD 8: bit 20 set */
	FAIL(&c, 0x0000008081000000ull, GWALK_RESERVED, 2, page(3) + 8 * 8);
	/* 0x81_8000_0000: PML4 1, PDPT 6: bit 29 set */
	FAIL(&c, 0x0000008180000000ull, GWALK_RESERVED, 3, page(2) + 6 * 8);
}

/* Not present at each of the four levels. */
TEST(long_mode_not_present_at_each_level)
{
	struct gwalk_cpu c = LONG_CPU;

	build_long();
	/* 0x180_0000_0000: PML4 3 */
	FAIL(&c, 0x0000018000000000ull, GWALK_NOT_PRESENT, 4, page(1) + 3 * 8);
	/* 0x81_4000_0000: PML4 1, PDPT 5 */
	FAIL(&c, 0x0000008140000000ull, GWALK_NOT_PRESENT, 3, page(2) + 5 * 8);
	/* 0x80_80c0_0000: PML4 1, PDPT 2, PD 6 */
	FAIL(&c, 0x0000008080c00000ull, GWALK_NOT_PRESENT, 2, page(3) + 6 * 8);
	/* 0x80_8060_7000: PML4 1, PDPT 2, PD 3, PT 7 */
	FAIL(&c, 0x0000008080607000ull, GWALK_NOT_PRESENT, 1, page(4) + 7 * 8);
}

TEST(long_mode_structure_errors)
{
	struct gwalk_cpu c = LONG_CPU;

	build_long();
	/* 0x80_80e0_0000: PML4 1, PDPT 2, PD 7 -> table at 4 GiB */
	FAIL(&c, 0x0000008080e00000ull, GWALK_NO_MEMORY, 1, 0x100000000ull);
	/* 0x100_0000_0000: PML4 2 has PS */
	FAIL(&c, 0x0000010000000000ull, GWALK_RESERVED, 4, page(1) + 2 * 8);
	/* 0x80_8060_6000: PT 6 has NX; reserved unless EFER.NXE */
	FAIL(&c, 0x0000008080606000ull, GWALK_RESERVED, 1, page(4) + 6 * 8);
	c.efer |= 0x800;
	OK(&c, 0x0000008080606abcull, 0x5abc, 4 * KIB, page(4) + 6 * 8);
	/* A PML4 outside guest memory. */
	c.cr3 = 0x200000000ull;
	FAIL(&c, 0x0000008080604567ull, GWALK_NO_MEMORY, 4,
	     0x200000000ull + 1 * 8);
	/* 5-level paging is not supported. */
	c.cr3 = page(1);
	c.cr4 |= 0x1000;
	FAIL(&c, 0x0000008080604567ull, GWALK_RESERVED, 0, 0);
}

/* Bits 63:47 must all equal bit 47; nothing is read otherwise. */
TEST(long_mode_non_canonical)
{
	struct gwalk_cpu c = LONG_CPU;

	build_long();
	reads = 0;
	FAIL(&c, 0x0000800000000000ull, GWALK_NONCANONICAL, 0, 0);
	FAIL(&c, 0xffff7fffffffffffull, GWALK_NONCANONICAL, 0, 0);
	FAIL(&c, 0x0001000000000000ull, GWALK_NONCANONICAL, 0, 0);
	FAIL(&c, 0x8000000000000000ull, GWALK_NONCANONICAL, 0, 0);
	EXPECT_EQ(reads, 0);
	/* The highest lower-half page is canonical: PML4 255 not present. */
	FAIL(&c, 0x00007ffffffff000ull, GWALK_NOT_PRESENT, 4,
	     page(1) + 255 * 8);
	/* The same addresses outside long mode are 32-bit: no such check. */
	c.efer = 0;
	c.cr3 = 0x1020;
	build_pae();
	FAIL(&c, 0xffff7fff00001000ull, GWALK_NOT_PRESENT, 3, 0x1020);
}
