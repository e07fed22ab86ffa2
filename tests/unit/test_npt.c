/*
 * test_npt.c - host tests of the nested page-table builder and the #NPF
 * EXITINFO1 decoder (chapter 13).
 *
 * APM2 §15.25 "Nested Paging": the nested table has the long-mode format
 * of APM2 §5.3.  A guest-physical address is split into four 9-bit
 * indexes, bits 47:39 (PML4), 38:30 (PDPT), 29:21 (PD) and 20:12 (PT),
 * and a 12-bit offset.  Each entry is 8 bytes: P bit 0, RW 1, US 2, PS 7
 * (a 1 GiB page in a PDPT entry, a 2 MiB one in a PD entry), the address
 * in bits 51:12, NX bit 63.  A nested walk is a user access, so US must
 * be set at every level; the builder restricts only at the leaf.
 *
 * The checks below walk the tables with their own walker, written from
 * that format, and compare whole entries against values built from the
 * same rules: they never ask npt_lookup what npt_map did.  The EXITINFO1
 * values come from §15.25.6's bit positions: P 0, RW 1, US 2, RSV 3,
 * ID 4, final guest-physical address 32, guest page-table walk 33.
 *
 * The host "physical" addresses mapped are made-up numbers, never
 * touched; the tables are real memory from aligned_alloc, which is what
 * the walker reads.
 */
#include <stdlib.h>
#include "unit.h"
#include "svm/npt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the APM's format, spelled out here ---- */

#define P_BIT   (1ull << 0)
#define RW_BIT  (1ull << 1)
#define US_BIT  (1ull << 2)
#define PS_BIT  (1ull << 7)
#define B51     (1ull << 51)
#define NX_BIT  (1ull << 63)
#define ADDR    0x000ffffffffff000ull   /* bits 51:12 */

#define KB4 0x1000ull
#define MB2 0x200000ull
#define GB1 0x40000000ull

/* ---- a page allocator that can run dry ---- */

static void *pages[4096];
static unsigned npages;
static unsigned alloc_limit;            /* 0: no limit */
static unsigned alloc_refused;

static void *test_alloc(void)
{
	void *p;

	if (alloc_limit && npages >= alloc_limit) {
		alloc_refused++;
		return NULL;
	}
	if (npages == N(pages))
		return NULL;
	p = aligned_alloc(4096, 4096);
	if (!p)
		return NULL;
	memset(p, 0, 4096);
	pages[npages++] = p;
	return p;
}

/* A fresh table; the allocator stops after @limit pages (0: never). */
static void setup(struct npt *n, unsigned limit)
{
	npages = 0;
	alloc_refused = 0;
	alloc_limit = limit;
	EXPECT_EQ(npt_init(n, test_alloc), 0);
}

/* Free every page the test's tables took (ASan looks for leaks). */
static void teardown(void)
{
	while (npages)
		free(pages[--npages]);
	alloc_limit = 0;
}

/* ---- an independent walker ---- */

struct walk {
	int ok;                 /* a present leaf was found */
	uint64_t hpa;           /* the translation, offset included */
	uint64_t size;          /* the leaf's page size */
	uint64_t *leaf;         /* the leaf entry */
	uint64_t upper[3];      /* the non-leaf entries passed, top first */
	int nupper;
};

static struct walk xlate(const struct npt *n, uint64_t gpa)
{
	static const int shift[4] = { 39, 30, 21, 12 };
	struct walk w = { 0 };
	uint64_t table = n->root;
	int l;

	for (l = 0; l < 4; l++) {
		uint64_t *e = (uint64_t *)(uintptr_t)table +
			      ((gpa >> shift[l]) & 0x1ff);

		if (!(*e & P_BIT))
			return w;
		/* A PT entry is a leaf; so is a PDPT or PD entry with PS. */
		if (l == 3 || ((l == 1 || l == 2) && (*e & PS_BIT))) {
			w.ok = 1;
			w.size = 1ull << shift[l];
			w.leaf = e;
			/* Bit 51 is the builder's RSV marker, not an address. */
			w.hpa = (*e & ADDR & ~B51 & ~(w.size - 1)) |
				(gpa & (w.size - 1));
			return w;
		}
		w.upper[w.nupper++] = *e;
		table = *e & ADDR;
	}
	return w;
}

/* The leaf entry a walk found, or 0 if it found none. */
#define W_LEAF(w) ((w).ok ? *(w).leaf : 0)

/* The leaf entry that maps @gpa, or 0 if none does. */
static uint64_t leaf_of(const struct npt *n, uint64_t gpa)
{
	struct walk w = xlate(n, gpa);

	return w.ok ? *w.leaf : 0;
}

/* The leaf the APM's format says a mapping of (h, size, prot) is. */
static uint64_t want_leaf(uint64_t h, uint64_t size, unsigned prot)
{
	uint64_t e = h | P_BIT | US_BIT;

	if (prot & NPT_W)
		e |= RW_BIT;
	if (!(prot & NPT_X))
		e |= NX_BIT;
	if (prot & NPT_RSV)
		e |= B51;
	if (size != KB4)
		e |= PS_BIT;
	return e;
}

/* The protection a leaf grants, read from its bits. */
static unsigned prot_of(uint64_t e)
{
	return NPT_R | (e & RW_BIT ? NPT_W : 0) | (e & NX_BIT ? 0 : NPT_X) |
	       (e & B51 ? NPT_RSV : 0);
}

/*
 * Expect @gpa to translate to @hpa within a page of @size with @prot,
 * through non-leaf entries that allow everything.
 */
static void expect_map(const struct npt *n, uint64_t gpa, uint64_t hpa,
		       uint64_t size, unsigned prot, int line)
{
	struct walk w = xlate(n, gpa);
	int i;

	if (!w.ok) {
		unit_fail(__FILE__, line, "gpa 0x%llx is not mapped",
			  (unsigned long long)gpa);
		return;
	}
	if (w.hpa != hpa || w.size != size || prot_of(*w.leaf) != prot)
		unit_fail(__FILE__, line, "gpa 0x%llx -> hpa 0x%llx size 0x%llx "
			  "prot %u, want 0x%llx 0x%llx %u",
			  (unsigned long long)gpa, (unsigned long long)w.hpa,
			  (unsigned long long)w.size, prot_of(*w.leaf),
			  (unsigned long long)hpa, (unsigned long long)size,
			  prot);
	for (i = 0; i < w.nupper; i++)
		if ((w.upper[i] & ~ADDR) != (P_BIT | RW_BIT | US_BIT))
			unit_fail(__FILE__, line, "gpa 0x%llx: non-leaf entry "
				  "%d is 0x%llx", (unsigned long long)gpa, i,
				  (unsigned long long)w.upper[i]);
}
#define EXPECT_MAP(n, g, h, size, prot) \
	expect_map((n), (g), (h), (size), (prot), __LINE__)
#define EXPECT_UNMAPPED(n, g) EXPECT_TRUE(!xlate((n), (g)).ok)

/* Offsets to probe inside a page of @size: ends, middle, odd bytes. */
static uint64_t probe(uint64_t size, unsigned i)
{
	const uint64_t off[] = { 0, 1, 0x123, 0xfff, size / 2 + 0x10,
				 size - 8, size - 1 };

	return off[i] & (size - 1);
}
#define NPROBES 7

/* ---- npt_map ---- */

static void *no_alloc(void)
{
	return NULL;
}

TEST(init_takes_one_page)
{
	struct npt n, m;

	setup(&n, 0);
	EXPECT_EQ(n.table_pages, 1);
	EXPECT_EQ(npages, 1);
	EXPECT_EQ(n.root, (uint64_t)(uintptr_t)pages[0]);
	EXPECT_UNMAPPED(&n, 0);
	EXPECT_UNMAPPED(&n, 0xfffffffff000ull);
	teardown();

	/* No page for the root: the error, and nothing counted. */
	EXPECT_EQ(npt_init(&m, no_alloc), NPT_ENOMEM);
	EXPECT_EQ(m.table_pages, 0);
}

TEST(map_4k_translates)
{
	static const uint64_t g[] = { 0, 0x1000, 0x7ff000, 0x12345000,
				      0x8000000000ull, 0xfffffffff000ull };
	static const uint64_t h[] = { 0x5000, 0x1000, 0xabc000, 0x7000,
				      0x7ffffffff000ull, 0x3000 };
	struct npt n;
	unsigned i, j;

	setup(&n, 0);
	for (i = 0; i < N(g); i++)
		EXPECT_EQ(npt_map(&n, gpa(g[i]), h[i], NPT_4K, NPT_RWX), 0);
	for (i = 0; i < N(g); i++) {
		for (j = 0; j < NPROBES; j++)
			EXPECT_MAP(&n, g[i] + probe(KB4, j),
				   h[i] + probe(KB4, j), KB4, NPT_RWX);
		EXPECT_EQ(leaf_of(&n, g[i]), want_leaf(h[i], KB4, NPT_RWX));
	}
	/* The neighbours were not mapped. */
	EXPECT_UNMAPPED(&n, 0x2000);
	EXPECT_UNMAPPED(&n, 0x7fe000);
	EXPECT_UNMAPPED(&n, 0x12346000);
	EXPECT_UNMAPPED(&n, 0x8000001000ull);
	teardown();
}

TEST(map_2m_translates)
{
	static const uint64_t g[] = { 0, 0x200000, 0x3fe00000, 0x4000200000ull };
	static const uint64_t h[] = { 0x600000, 0xa00000, 0x200000,
				      0x7fffffe00000ull };
	struct npt n;
	unsigned i, j;

	setup(&n, 0);
	for (i = 0; i < N(g); i++)
		EXPECT_EQ(npt_map(&n, gpa(g[i]), h[i], NPT_2M, NPT_R | NPT_W),
			  0);
	for (i = 0; i < N(g); i++) {
		struct walk w = xlate(&n, g[i]);

		for (j = 0; j < NPROBES; j++)
			EXPECT_MAP(&n, g[i] + probe(MB2, j),
				   h[i] + probe(MB2, j), MB2, NPT_R | NPT_W);
		/* PS in the PD entry, reached through a PML4E and a PDPTE. */
		EXPECT_EQ(w.nupper, 2);
		EXPECT_TRUE(W_LEAF(w) & PS_BIT);
		EXPECT_EQ(W_LEAF(w), want_leaf(h[i], MB2, NPT_R | NPT_W));
	}
	EXPECT_UNMAPPED(&n, 0x400000);
	EXPECT_UNMAPPED(&n, 0x3fc00000 + MB2 - 1);
	teardown();
}

TEST(map_1g_translates)
{
	static const uint64_t g[] = { 0, 0x80000000ull, 0x7fc0000000ull,
				      0x10000000000ull };
	static const uint64_t h[] = { 0x40000000, 0, 0x100000000ull,
				      0x7fffc0000000ull };
	struct npt n;
	unsigned i, j;

	setup(&n, 0);
	for (i = 0; i < N(g); i++)
		EXPECT_EQ(npt_map(&n, gpa(g[i]), h[i], NPT_1G, NPT_R | NPT_X),
			  0);
	for (i = 0; i < N(g); i++) {
		struct walk w = xlate(&n, g[i]);

		for (j = 0; j < NPROBES; j++)
			EXPECT_MAP(&n, g[i] + probe(GB1, j),
				   h[i] + probe(GB1, j), GB1, NPT_R | NPT_X);
		/* PS in the PDPT entry, reached through a PML4E only. */
		EXPECT_EQ(w.nupper, 1);
		EXPECT_EQ(W_LEAF(w), want_leaf(h[i], GB1, NPT_R | NPT_X));
	}
	EXPECT_UNMAPPED(&n, GB1);
	EXPECT_UNMAPPED(&n, 0xc0000000ull);
	teardown();
}

/* Every present entry of table @t at depth @depth (0: PML4) has US. */
static void check_tree(const uint64_t *t, int depth, unsigned *leaves,
		       unsigned *tables)
{
	unsigned i;

	for (i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (!(e & P_BIT))
			continue;
		EXPECT_TRUE(e & US_BIT);
		if (depth == 3 || (depth > 0 && (e & PS_BIT))) {
			(*leaves)++;
			continue;
		}
		/* A non-leaf entry: P, RW and US, nothing else. */
		EXPECT_EQ(e & ~ADDR, P_BIT | RW_BIT | US_BIT);
		EXPECT_EQ(e & PS_BIT, 0);
		(*tables)++;
		check_tree((const uint64_t *)(uintptr_t)(e & ADDR), depth + 1,
			   leaves, tables);
	}
}

TEST(us_at_every_level_restrictions_only_in_leaves)
{
	static const unsigned prots[] = { NPT_R, NPT_R | NPT_W, NPT_R | NPT_X,
					  NPT_RWX, NPT_R | NPT_RSV };
	struct npt n;
	unsigned i, leaves = 0, tables = 0;

	setup(&n, 0);
	/* Read-only, no-execute leaves: the tables above must not be. */
	for (i = 0; i < N(prots); i++) {
		EXPECT_EQ(npt_map(&n, gpa(i * KB4), 0x100000 + i * KB4, NPT_4K,
				  prots[i]), 0);
		EXPECT_EQ(npt_map(&n, gpa(GB1 + i * MB2), 0x200000 * (i + 1),
				  NPT_2M, prots[i]), 0);
		EXPECT_EQ(npt_map(&n, gpa((i + 2) * GB1), GB1 * (i + 1),
				  NPT_1G, prots[i]), 0);
	}
	check_tree((const uint64_t *)(uintptr_t)n.root, 0, &leaves, &tables);
	EXPECT_EQ(leaves, 3 * N(prots));
	/* One PDPT, a PD for [0, 1G) and one for [1G, 2G), one PT. */
	EXPECT_EQ(tables, 4);
	EXPECT_EQ(n.table_pages, 1 + tables);
	teardown();
}

TEST(leaf_bits_follow_prot)
{
	struct npt n;
	unsigned p, i = 0;

	setup(&n, 0);
	/* Every protection with R: W sets RW, no X sets NX, RSV bit 51. */
	for (p = 0; p < 16; p++) {
		uint64_t g = 0x100000 + i * KB4, h = 0x900000 + i * KB4;
		uint64_t e;

		if (!(p & NPT_R))
			continue;
		EXPECT_EQ(npt_map(&n, gpa(g), h, NPT_4K, p), 0);
		e = leaf_of(&n, g);
		EXPECT_EQ(!!(e & RW_BIT), !!(p & NPT_W));
		EXPECT_EQ(!!(e & NX_BIT), !(p & NPT_X));
		EXPECT_EQ(!!(e & B51), !!(p & NPT_RSV));
		EXPECT_TRUE(e & P_BIT);
		EXPECT_TRUE(e & US_BIT);
		EXPECT_EQ(e & PS_BIT, 0);       /* PAT in a PT entry: clear */
		EXPECT_EQ(e, want_leaf(h, KB4, p));
		i++;
	}
	EXPECT_EQ(i, 8);
	teardown();
}

TEST(rsv_sets_bit_51_of_large_leaves_too)
{
	struct npt n;
	struct walk w;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0x400000, NPT_2M,
			  NPT_RWX | NPT_RSV), 0);
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0x80000000ull, NPT_1G,
			  NPT_R | NPT_RSV), 0);
	w = xlate(&n, MB2 + 0x1234);
	EXPECT_EQ(W_LEAF(w), 0x400000 | P_BIT | RW_BIT | US_BIT | PS_BIT | B51);
	EXPECT_EQ(w.hpa, 0x401234);
	w = xlate(&n, GB1 + 0x1234);
	EXPECT_EQ(W_LEAF(w),
		  0x80000000ull | P_BIT | US_BIT | PS_BIT | B51 | NX_BIT);
	teardown();
}

TEST(bad_arguments_refused)
{
	struct npt n;
	struct walk w;

	setup(&n, 0);
	/* Sizes other than 4K, 2M, 1G. */
	EXPECT_EQ(npt_map(&n, gpa(0), 0, 0, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, 0x2000, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, 0x400000, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, 0x8000000000ull, NPT_R), NPT_EINVAL);
	/* Misaligned guest or host address. */
	EXPECT_EQ(npt_map(&n, gpa(0x800), 0, NPT_4K, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0x10, NPT_4K, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0x1000), 0, NPT_2M, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0x1000, NPT_2M, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0, NPT_1G, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), MB2, NPT_1G, NPT_R), NPT_EINVAL);
	/* Protections without R, or with bits npt.h does not define. */
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_4K, 0), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_4K, NPT_W), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_4K, NPT_W | NPT_X), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_4K, NPT_RSV), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_4K, NPT_R | 0x10), NPT_EINVAL);
	/* Past 48 bits of guest-physical space; host bit 51 is RSV's. */
	EXPECT_EQ(npt_map(&n, gpa(1ull << 48), 0, NPT_4K, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), 1ull << 51, NPT_4K, NPT_R), NPT_EINVAL);
	EXPECT_EQ(npt_map(&n, gpa(0), (1ull << 51) - GB1, NPT_2M, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(MB2), 1ull << 52, NPT_2M, NPT_R),
		  NPT_EINVAL);
	/* Nothing refused took a table; the 2M map took a PDPT and a PD. */
	EXPECT_EQ(n.table_pages, 1 + 2);
	w = xlate(&n, 0x5000);
	EXPECT_TRUE(w.ok && w.size == MB2 && w.hpa == (1ull << 51) - GB1 + 0x5000);
	EXPECT_UNMAPPED(&n, MB2);
	/* The range operations: alignment, length, prot. */
	EXPECT_EQ(npt_unmap(&n, gpa(0x10), KB4), NPT_EINVAL);
	EXPECT_EQ(npt_unmap(&n, gpa(0), 0x800), NPT_EINVAL);
	EXPECT_EQ(npt_unmap(&n, gpa(0), 0), NPT_EINVAL);
	EXPECT_EQ(npt_unmap(&n, gpa((1ull << 48) - KB4), 2 * KB4), NPT_EINVAL);
	EXPECT_EQ(npt_protect(&n, gpa(0), KB4, 0), NPT_EINVAL);
	EXPECT_EQ(npt_protect(&n, gpa(0), KB4, NPT_W), NPT_EINVAL);
	EXPECT_EQ(npt_protect(&n, gpa(0x10), KB4, NPT_R), NPT_EINVAL);
	/* None of them split the 2M page or changed it. */
	EXPECT_EQ(n.table_pages, 3);
	EXPECT_MAP(&n, 0x5000, (1ull << 51) - GB1 + 0x5000, MB2, NPT_R);
	teardown();
}

TEST(overlapping_map_refused)
{
	struct npt n;
	unsigned pages_before;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0xa00000, NPT_2M, NPT_RWX), 0);
	EXPECT_EQ(npt_map(&n, gpa(0x1000), 0x5000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(2 * GB1), 0, NPT_1G, NPT_R), 0);
	pages_before = n.table_pages;
	/* 4K inside the 2M page: at its start, middle and end. */
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0, NPT_4K, NPT_R), NPT_EBUSY);
	EXPECT_EQ(npt_map(&n, gpa(MB2 + 0x7000), 0, NPT_4K, NPT_R), NPT_EBUSY);
	EXPECT_EQ(npt_map(&n, gpa(2 * MB2 - KB4), 0, NPT_4K, NPT_R),
		  NPT_EBUSY);
	/* 2M over the 4K page's region; the same 4K page again. */
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_2M, NPT_R), NPT_EBUSY);
	EXPECT_EQ(npt_map(&n, gpa(0x1000), 0x9000, NPT_4K, NPT_R), NPT_EBUSY);
	/* The same 2M page again; 1G over [0, 1G), which holds both. */
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0, NPT_2M, NPT_R), NPT_EBUSY);
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_1G, NPT_R), NPT_EBUSY);
	/* 2M and 4K inside the 1G page; the 1G page again. */
	EXPECT_EQ(npt_map(&n, gpa(2 * GB1 + 5 * MB2), 0, NPT_2M, NPT_R),
		  NPT_EBUSY);
	EXPECT_EQ(npt_map(&n, gpa(3 * GB1 - KB4), 0, NPT_4K, NPT_R),
		  NPT_EBUSY);
	EXPECT_EQ(npt_map(&n, gpa(2 * GB1), 0, NPT_1G, NPT_R), NPT_EBUSY);
	/* Nothing changed, nothing allocated. */
	EXPECT_EQ(n.table_pages, pages_before);
	EXPECT_MAP(&n, MB2 + 0x7000, 0xa07000, MB2, NPT_RWX);
	EXPECT_MAP(&n, 0x1abc, 0x5abc, KB4, NPT_R);
	EXPECT_MAP(&n, 3 * GB1 - 1, GB1 - 1, GB1, NPT_R);
	EXPECT_UNMAPPED(&n, 0);
	/* Right next to them is free. */
	EXPECT_EQ(npt_map(&n, gpa(0), 0x4000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(2 * MB2), 0, NPT_2M, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(3 * GB1), 0, NPT_1G, NPT_R), 0);
	teardown();
}

TEST(table_pages_counted_from_first_principles)
{
	struct npt n;

	setup(&n, 0);
	EXPECT_EQ(n.table_pages, 1);                    /* the PML4 */
	/* The first 4K page: a PDPT, a PD and a PT under the root. */
	EXPECT_EQ(npt_map(&n, gpa(0), 0, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 4);
	/* Same PT (same 2M region). */
	EXPECT_EQ(npt_map(&n, gpa(0x1ff000), 0, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 4);
	/* The next 2M region: a second PT in the same PD. */
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 5);
	/* A 2M page in that PD: no table at all. */
	EXPECT_EQ(npt_map(&n, gpa(4 * MB2), 0, NPT_2M, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 5);
	/* A 1G page in the same PDPT: none. */
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0, NPT_1G, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 5);
	/* A 2M page in the next 1G region: a new PD. */
	EXPECT_EQ(npt_map(&n, gpa(2 * GB1), 0, NPT_2M, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 6);
	/* 512 GiB up, a new PML4 slot: PDPT + PD + PT. */
	EXPECT_EQ(npt_map(&n, gpa(512 * GB1 + 0x3000), 0, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 9);
	/* ...and a 1G page there: nothing new. */
	EXPECT_EQ(npt_map(&n, gpa(513 * GB1), 0, NPT_1G, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 9);
	/* The counter matches what the allocator handed out. */
	EXPECT_EQ(n.table_pages, npages);
	teardown();
}

/* ---- splitting ---- */

/*
 * Unmap the 4K page at @off of a 2M page mapped with @prot; expect
 * @change back, a PT in its place, and the other 511 pages as they were.
 */
static void unmap_in_2m(uint64_t g, uint64_t h, unsigned prot,
			uint64_t off_gone, int change)
{
	struct npt n;
	unsigned i, pages_before;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(g), h, NPT_2M, prot), 0);
	pages_before = n.table_pages;
	EXPECT_EQ(npt_unmap(&n, gpa(g + off_gone), KB4), change);
	EXPECT_EQ(n.table_pages, pages_before + 1);
	for (i = 0; i < 512; i++) {
		uint64_t off = i * KB4;

		if (off == off_gone) {
			EXPECT_UNMAPPED(&n, g + off);
			EXPECT_UNMAPPED(&n, g + off + 0xfff);
			continue;
		}
		/* Same hpa progression, same protection. */
		EXPECT_MAP(&n, g + off + (i & 0xfff), h + off + (i & 0xfff),
			   KB4, prot);
		EXPECT_EQ(leaf_of(&n, g + off), want_leaf(h + off, KB4, prot));
	}
	teardown();
}

TEST(unmap_4k_inside_2m_splits)
{
	unmap_in_2m(3 * GB1 + 7 * MB2, 0x12400000, NPT_R | NPT_W, 0x5000,
		    NPT_CHANGE_DOWN);
	unmap_in_2m(0, 0x200000, NPT_RWX, 0, NPT_CHANGE_DOWN);
	unmap_in_2m(MB2, 0x7fffffe00000ull, NPT_R | NPT_X, MB2 - KB4,
		    NPT_CHANGE_DOWN);
	/* RSV is split along with the rest; no TLB held such a page. */
	unmap_in_2m(9 * MB2, 0x400000, NPT_R | NPT_W | NPT_RSV, 0x100000, 0);
}

TEST(protect_4k_inside_1g_splits_twice)
{
	const uint64_t g = 5 * GB1, h = 0x7c0000000ull;
	const uint64_t page = 0x12345000;       /* in 2M region 0x91 */
	struct npt n;
	unsigned i, pages_before;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(g), h, NPT_1G, NPT_RWX), 0);
	pages_before = n.table_pages;
	EXPECT_EQ(npt_protect(&n, gpa(g + page), KB4, NPT_R), NPT_CHANGE_DOWN);
	/* A PD for the 1G page, a PT for the 2M page holding the 4K one. */
	EXPECT_EQ(n.table_pages, pages_before + 2);
	/* Every other 2M piece is a 2M leaf with the old translation. */
	for (i = 0; i < 512; i++) {
		uint64_t off = i * MB2 + 0x1000 * (i % 7);

		if (i == page / MB2)
			continue;
		EXPECT_MAP(&n, g + off, h + off, MB2, NPT_RWX);
	}
	/* The 2M piece that held the page: 511 + 1 4K leaves. */
	for (i = 0; i < 512; i++) {
		uint64_t off = (page & ~(MB2 - 1)) + i * KB4 + 0x10;

		if (off - 0x10 == page)
			EXPECT_MAP(&n, g + off, h + off, KB4, NPT_R);
		else
			EXPECT_MAP(&n, g + off, h + off, KB4, NPT_RWX);
	}
	EXPECT_EQ(leaf_of(&n, g + page),
		  want_leaf(h + page, KB4, NPT_R));
	teardown();
}

TEST(protect_2m_inside_1g_splits_once)
{
	const uint64_t g = GB1, h = 3 * GB1;
	struct npt n;
	unsigned i;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(g), h, NPT_1G, NPT_R | NPT_X), 0);
	EXPECT_EQ(n.table_pages, 2);            /* the PML4 and a PDPT */
	/* A 2M-aligned range of 2M pages needs a PD, no PT. */
	EXPECT_EQ(npt_protect(&n, gpa(g + 4 * MB2), 2 * MB2, NPT_RWX),
		  NPT_CHANGE_UP);
	EXPECT_EQ(n.table_pages, 3);
	for (i = 0; i < 512; i++) {
		unsigned want = i == 4 || i == 5 ? NPT_RWX : NPT_R | NPT_X;

		EXPECT_MAP(&n, g + i * MB2 + 0x1fffff, h + i * MB2 + 0x1fffff,
			   MB2, want);
	}
	teardown();
}

TEST(unmap_range_splits_both_ends)
{
	const uint64_t g = 0x40000000, h = 0x80000000ull;
	struct npt n;
	uint64_t a;

	setup(&n, 0);
	/* Two 2M pages side by side; unmap [g + 1M, g + 3M + 4K). */
	EXPECT_EQ(npt_map(&n, gpa(g), h, NPT_2M, NPT_RWX), 0);
	EXPECT_EQ(npt_map(&n, gpa(g + MB2), h + MB2, NPT_2M, NPT_R), 0);
	EXPECT_EQ(npt_unmap(&n, gpa(g + 0x100000), MB2 + KB4),
		  NPT_CHANGE_DOWN);
	/* PML4, PDPT, PD; then a PT at each end. */
	EXPECT_EQ(n.table_pages, 3 + 2);
	for (a = g; a < g + 2 * MB2; a += KB4) {
		int gone = a >= g + 0x100000 && a < g + 0x301000;

		if (gone)
			EXPECT_UNMAPPED(&n, a);
		else
			EXPECT_MAP(&n, a + 8, h + (a - g) + 8, KB4,
				   a < g + MB2 ? NPT_RWX : NPT_R);
	}
	teardown();
}

TEST(range_over_holes_and_whole_pages)
{
	struct npt n;
	unsigned pages_before;
	uint64_t a;

	setup(&n, 0);
	/* [0, 4G): 4K pages at 0 and 8K, a 2M page at 6M, a 1G at 1G. */
	EXPECT_EQ(npt_map(&n, gpa(0), 0x10000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(0x2000), 0x20000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(3 * MB2), 0x600000, NPT_2M, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0, NPT_1G, NPT_R), 0);
	pages_before = n.table_pages;
	/* Whole pages in the range: nothing to split, holes stay holes. */
	EXPECT_EQ(npt_protect(&n, gpa(0), 4 * GB1, NPT_R | NPT_W),
		  NPT_CHANGE_UP);
	EXPECT_EQ(n.table_pages, pages_before);
	EXPECT_MAP(&n, 0x10, 0x10010, KB4, NPT_R | NPT_W);
	EXPECT_MAP(&n, 0x2010, 0x20010, KB4, NPT_R | NPT_W);
	EXPECT_MAP(&n, 3 * MB2 + 0x10, 0x600010, MB2, NPT_R | NPT_W);
	EXPECT_MAP(&n, GB1 + 0x10, 0x10, GB1, NPT_R | NPT_W);
	for (a = 0x1000; a < 8 * MB2; a += KB4)
		if (a != 0x2000 && (a < 3 * MB2 || a >= 4 * MB2))
			EXPECT_UNMAPPED(&n, a);
	EXPECT_UNMAPPED(&n, 2 * GB1);
	EXPECT_UNMAPPED(&n, 3 * GB1 + 0x5000);
	/* And all of it unmapped in one call. */
	EXPECT_EQ(npt_unmap(&n, gpa(0), 4 * GB1), NPT_CHANGE_DOWN);
	EXPECT_UNMAPPED(&n, 0);
	EXPECT_UNMAPPED(&n, 0x2000);
	EXPECT_UNMAPPED(&n, 3 * MB2);
	EXPECT_UNMAPPED(&n, GB1 + 0x1234);
	EXPECT_EQ(n.table_pages, pages_before);
	/* The very top of the space works as a range end. */
	EXPECT_EQ(npt_map(&n, gpa((1ull << 48) - GB1), 0, NPT_1G, NPT_R), 0);
	EXPECT_EQ(npt_unmap(&n, gpa((1ull << 48) - KB4), KB4),
		  NPT_CHANGE_DOWN);
	EXPECT_MAP(&n, (1ull << 48) - 2 * KB4, GB1 - 2 * KB4, KB4, NPT_R);
	EXPECT_UNMAPPED(&n, (1ull << 48) - 1);
	teardown();
}

TEST(range_starting_inside_a_hole_reaches_the_pages_after_it)
{
	struct npt n;

	setup(&n, 0);
	/*
	 * A page at 2M and one at 1G + 4K: the range below starts inside
	 * holes of a PD entry ([0, 2M)) and of a PDPT entry.  Stepping over
	 * a hole must land on the next entry, not a hole's size further on.
	 */
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0x5000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(GB1 + KB4), 0x6000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(2 * GB1 + MB2), 4 * MB2, NPT_2M, NPT_R), 0);
	EXPECT_EQ(npt_protect(&n, gpa(0x3000), 0x30000000, NPT_RWX),
		  NPT_CHANGE_UP);
	EXPECT_MAP(&n, MB2, 0x5000, KB4, NPT_RWX);
	EXPECT_EQ(npt_protect(&n, gpa(0x200000 + KB4), GB1, NPT_R | NPT_W),
		  NPT_CHANGE_UP);
	EXPECT_MAP(&n, MB2, 0x5000, KB4, NPT_RWX);      /* before the range */
	EXPECT_MAP(&n, GB1 + KB4, 0x6000, KB4, NPT_R | NPT_W);
	/* Unmap [1G + 8K, 2G + 2M + 4K): the 2M page loses its first 4K. */
	EXPECT_EQ(npt_unmap(&n, gpa(GB1 + 2 * KB4),
			    (2 * GB1 + MB2 + KB4) - (GB1 + 2 * KB4)),
		  NPT_CHANGE_DOWN);
	EXPECT_MAP(&n, GB1 + KB4, 0x6000, KB4, NPT_R | NPT_W);
	EXPECT_UNMAPPED(&n, 2 * GB1 + MB2);
	EXPECT_MAP(&n, 2 * GB1 + MB2 + KB4, 4 * MB2 + KB4, KB4, NPT_R);
	EXPECT_MAP(&n, 2 * GB1 + 2 * MB2 - 1, 5 * MB2 - 1, KB4, NPT_R);
	teardown();
}

/* ---- what a change means for the TLB ---- */

/* Map one 4K page with @from, protect it to @to, return the bits. */
static int protect_change(unsigned from, unsigned to)
{
	struct npt n;
	int r;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(0x7000), 0x9000, NPT_4K, from), 0);
	r = npt_protect(&n, gpa(0x7000), KB4, to);
	EXPECT_MAP(&n, 0x7000, 0x9000, KB4, to);
	teardown();
	return r;
}

TEST(protect_classifies_down_and_up)
{
	const unsigned R = NPT_R, W = NPT_W, X = NPT_X, RSV = NPT_RSV;
	struct npt n;

	/* Adding a permission: a cached entry is only stricter. */
	EXPECT_EQ(protect_change(R, R | W), NPT_CHANGE_UP);
	EXPECT_EQ(protect_change(R, R | X), NPT_CHANGE_UP);
	EXPECT_EQ(protect_change(R, R | W | X), NPT_CHANGE_UP);
	/* Taking one away: a cached entry is looser than the table. */
	EXPECT_EQ(protect_change(R | W, R), NPT_CHANGE_DOWN);
	EXPECT_EQ(protect_change(R | W | X, R | W), NPT_CHANGE_DOWN);
	/* Both at once. */
	EXPECT_EQ(protect_change(R | W, R | X),
		  NPT_CHANGE_DOWN | NPT_CHANGE_UP);
	/* No change at all. */
	EXPECT_EQ(protect_change(R | X, R | X), 0);
	/* A reserved bit makes a cacheable entry fault: down. */
	EXPECT_EQ(protect_change(R | W | X, R | W | X | RSV), NPT_CHANGE_DOWN);
	/* An entry with a reserved bit was never cached. */
	EXPECT_EQ(protect_change(R | RSV, R), NPT_CHANGE_UP);
	EXPECT_EQ(protect_change(R | W | RSV, R), NPT_CHANGE_UP);
	EXPECT_EQ(protect_change(R | W | RSV, R | RSV), 0);

	/* A hole changes nothing, and stays a hole. */
	setup(&n, 0);
	EXPECT_EQ(npt_protect(&n, gpa(0x7000), KB4, R), 0);
	EXPECT_UNMAPPED(&n, 0x7000);
	/* Two pages, one up and one down. */
	EXPECT_EQ(npt_map(&n, gpa(0x1000), 0x1000, NPT_4K, R), 0);
	EXPECT_EQ(npt_map(&n, gpa(0x2000), 0x2000, NPT_4K, R | W | X), 0);
	EXPECT_EQ(npt_protect(&n, gpa(0), 4 * KB4, R | W),
		  NPT_CHANGE_DOWN | NPT_CHANGE_UP);
	teardown();
}

TEST(unmap_classifies)
{
	struct npt n;

	setup(&n, 0);
	/* A hole, with no table under it or with one: nothing to flush. */
	EXPECT_EQ(npt_unmap(&n, gpa(0x5000), KB4), 0);
	EXPECT_EQ(npt_map(&n, gpa(0x6000), 0x6000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_unmap(&n, gpa(0x5000), KB4), 0);
	/* A present page: flush. */
	EXPECT_EQ(npt_unmap(&n, gpa(0x6000), KB4), NPT_CHANGE_DOWN);
	EXPECT_UNMAPPED(&n, 0x6000);
	/* Gone already: nothing. */
	EXPECT_EQ(npt_unmap(&n, gpa(0x6000), KB4), 0);
	/*
	 * A page with a reserved bit faults on every walk, so no TLB can
	 * hold it: removing it needs no flush.  Next to a normal page, the
	 * normal one decides.
	 */
	EXPECT_EQ(npt_map(&n, gpa(0x6000), 0x6000, NPT_4K,
			  NPT_R | NPT_RSV), 0);
	EXPECT_EQ(npt_unmap(&n, gpa(0), MB2), 0);
	EXPECT_UNMAPPED(&n, 0x6000);
	EXPECT_EQ(npt_map(&n, gpa(0x6000), 0x6000, NPT_4K,
			  NPT_R | NPT_RSV), 0);
	EXPECT_EQ(npt_map(&n, gpa(0x8000), 0x8000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_unmap(&n, gpa(0), MB2), NPT_CHANGE_DOWN);
	EXPECT_UNMAPPED(&n, 0x6000);
	EXPECT_UNMAPPED(&n, 0x8000);
	teardown();
}

/* ---- emptied tables ---- */

TEST(emptied_tables_are_reused_in_place)
{
	struct npt n;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(0x3000), 0x3000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_unmap(&n, gpa(0x3000), KB4), NPT_CHANGE_DOWN);
	/* The PT stayed: another 4K page there takes no table. */
	EXPECT_EQ(npt_map(&n, gpa(0x4000), 0x4000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 4);
	EXPECT_EQ(npt_unmap(&n, gpa(0x4000), KB4), NPT_CHANGE_DOWN);
	/*
	 * The PT maps nothing now, so a 2M page may replace it; the PT is
	 * abandoned, not freed, so no page comes back either.
	 */
	EXPECT_EQ(npt_map(&n, gpa(0), 0x600000, NPT_2M, NPT_RWX), 0);
	EXPECT_EQ(n.table_pages, 4);
	EXPECT_MAP(&n, 0x3000, 0x603000, MB2, NPT_RWX);
	/* A 4K page in the next region needs a new PT. */
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 5);
	/* A PT that still maps a page keeps a 2M page out. */
	EXPECT_EQ(npt_map(&n, gpa(MB2), 0, NPT_2M, NPT_R), NPT_EBUSY);
	/* An emptied PD (its one PT emptied too) lets a 1G page in. */
	EXPECT_EQ(npt_map(&n, gpa(GB1 + 0x9000), 0, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 7);
	EXPECT_EQ(npt_unmap(&n, gpa(GB1), GB1), NPT_CHANGE_DOWN);
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0, NPT_1G, NPT_R), 0);
	EXPECT_MAP(&n, GB1 + 0x9000, 0x9000, GB1, NPT_R);
	EXPECT_EQ(n.table_pages, 7);
	teardown();
}

/* ---- running out of memory ---- */

TEST(enomem_in_map_keeps_earlier_mappings)
{
	struct npt n;

	/* Four pages: the root and the three tables of the first map. */
	setup(&n, 4);
	EXPECT_EQ(npt_map(&n, gpa(0x1000), 0xa000, NPT_4K, NPT_R | NPT_W), 0);
	EXPECT_EQ(n.table_pages, 4);
	/* A 4K page in another 1G region needs a PD and a PT: none left. */
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0xb000, NPT_4K, NPT_R), NPT_ENOMEM);
	EXPECT_EQ(n.table_pages, 4);
	EXPECT_UNMAPPED(&n, GB1);
	EXPECT_MAP(&n, 0x1234, 0xa234, KB4, NPT_R | NPT_W);
	/* One more page: the PD is made and linked, the PT is not. */
	alloc_limit = 5;
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0xb000, NPT_4K, NPT_R), NPT_ENOMEM);
	EXPECT_EQ(n.table_pages, 5);
	EXPECT_UNMAPPED(&n, GB1);
	EXPECT_MAP(&n, 0x1234, 0xa234, KB4, NPT_R | NPT_W);
	/* Pages that need no table still map. */
	EXPECT_EQ(npt_map(&n, gpa(0x2000), 0xc000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(2 * GB1), 0, NPT_1G, NPT_R), 0);
	/* With memory again, only the missing PT is taken. */
	alloc_limit = 0;
	EXPECT_EQ(npt_map(&n, gpa(GB1), 0xb000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(n.table_pages, 6);
	EXPECT_MAP(&n, GB1 + 5, 0xb005, KB4, NPT_R);
	EXPECT_MAP(&n, 0x2005, 0xc005, KB4, NPT_R);
	EXPECT_MAP(&n, 2 * GB1 + 5, 5, GB1, NPT_R);
	teardown();
}

TEST(enomem_in_split_changes_no_translation)
{
	const uint64_t g = GB1, h = 4 * GB1;
	struct npt n;
	unsigned i;
	int r;

	/* The root, a PDPT: the 1G page; one page more for splitting. */
	setup(&n, 3);
	EXPECT_EQ(npt_map(&n, gpa(g), h, NPT_1G, NPT_RWX), 0);
	EXPECT_EQ(n.table_pages, 2);
	/* 4K in the middle needs a PD and a PT: the PT is not there. */
	r = npt_protect(&n, gpa(g + 0x300000), KB4, NPT_R);
	EXPECT_EQ(r, NPT_ENOMEM);
	EXPECT_EQ(npt_unmap(&n, gpa(g + 0x300000), KB4), NPT_ENOMEM);
	EXPECT_TRUE(alloc_refused >= 2);
	EXPECT_EQ(n.table_pages, 3);            /* the PD got linked */
	/* Every part of the 1G page translates as before. */
	for (i = 0; i < 512; i++)
		EXPECT_TRUE(xlate(&n, g + i * MB2 + 0x300000 % MB2).hpa ==
			    h + i * MB2 + 0x300000 % MB2 &&
			    prot_of(leaf_of(&n, g + i * MB2)) == NPT_RWX);
	for (i = 0; i < 512; i++) {
		struct walk w = xlate(&n, g + MB2 + i * KB4 + 7);

		EXPECT_TRUE(w.ok && w.hpa == h + MB2 + i * KB4 + 7);
		EXPECT_EQ(prot_of(W_LEAF(w)), NPT_RWX);
	}
	/* With memory, the protect goes through. */
	alloc_limit = 0;
	EXPECT_EQ(npt_protect(&n, gpa(g + 0x300000), KB4, NPT_R),
		  NPT_CHANGE_DOWN);
	EXPECT_MAP(&n, g + 0x300000, h + 0x300000, KB4, NPT_R);
	EXPECT_MAP(&n, g + 0x301000, h + 0x301000, KB4, NPT_RWX);
	teardown();
}

/* ---- npt_lookup against the walker ---- */

TEST(lookup_agrees_with_the_walker)
{
	static const uint64_t probes[] = {
		0, 0xfff, 0x1000, 0x1abc, 0x200000, 0x3fffff, 0x400000,
		0x40000000, 0x7fffffff, 0x80000000ull, 0x123456789ull,
		0xffffffffffffull,
	};
	struct npt n;
	unsigned i;

	setup(&n, 0);
	EXPECT_EQ(npt_map(&n, gpa(0x1000), 0x55000, NPT_4K, NPT_R), 0);
	EXPECT_EQ(npt_map(&n, gpa(0x200000), 0xe00000, NPT_2M,
			  NPT_R | NPT_X | NPT_RSV), 0);
	EXPECT_EQ(npt_map(&n, gpa(GB1), 5 * GB1, NPT_1G, NPT_R | NPT_W), 0);
	for (i = 0; i < N(probes); i++) {
		struct walk w = xlate(&n, probes[i]);
		struct npt_leaf l;
		int r = npt_lookup(&n, gpa(probes[i]), &l);

		EXPECT_EQ(r, w.ok ? 0 : NPT_ENOENT);
		if (r || !w.ok)
			continue;
		EXPECT_EQ(l.hpa, w.hpa);
		EXPECT_EQ(l.size, w.size);
		EXPECT_EQ(l.prot, prot_of(*w.leaf));
		EXPECT_TRUE(l.entry == w.leaf);
	}
	/* Values by hand for two of them. */
	{
		struct npt_leaf l;

		EXPECT_EQ(npt_lookup(&n, gpa(0x3fffff), &l), 0);
		EXPECT_EQ(l.hpa, 0xffffff);
		EXPECT_EQ(l.prot, NPT_R | NPT_X | NPT_RSV);
		EXPECT_EQ(npt_lookup(&n, gpa(0x7fffffff), &l), 0);
		EXPECT_EQ(l.hpa, 6 * GB1 - 1);
		EXPECT_EQ(l.size, NPT_1G);
		EXPECT_EQ(npt_lookup(&n, gpa(1ull << 48), &l), NPT_ENOENT);
	}
	teardown();
}

TEST(infra_gpa_and_strerror)
{
	static const int errs[] = { NPT_EINVAL, NPT_EBUSY, NPT_ENOMEM,
				    NPT_ENOENT };
	unsigned i, j;

	EXPECT_EQ(gpa_raw(gpa(0xfedcba987000ull)), 0xfedcba987000ull);
	EXPECT_EQ(sizeof(gpa_t), 8);
	for (i = 0; i < N(errs); i++) {
		EXPECT_TRUE(errs[i] < 0);
		EXPECT_TRUE(npt_strerror(errs[i])[0] != 0);
		for (j = 0; j < i; j++) {
			EXPECT_TRUE(errs[i] != errs[j]);
			EXPECT_TRUE(strcmp(npt_strerror(errs[i]),
					   npt_strerror(errs[j])) != 0);
		}
	}
}

/* ---- #NPF EXITINFO1 ---- */

#define F_P     (1ull << 0)
#define F_RW    (1ull << 1)
#define F_US    (1ull << 2)
#define F_RSV   (1ull << 3)
#define F_ID    (1ull << 4)
#define F_FINAL (1ull << 32)
#define F_WALK  (1ull << 33)

static void expect_npf(uint64_t info, int p, int w, int u, int rsv, int id,
		       int final, int walk, const char *text, int line)
{
	struct npf_info f = npf_decode(info);
	char buf[64];

	if (f.present != p || f.write != w || f.user != u || f.rsv != rsv ||
	    f.fetch != id || f.final != final || f.walk != walk)
		unit_fail(__FILE__, line, "npf_decode(0x%llx) = P%u W%u U%u "
			  "RSV%u ID%u final%u walk%u",
			  (unsigned long long)info, f.present, f.write, f.user,
			  f.rsv, f.fetch, f.final, f.walk);
	if (npf_format(buf, sizeof(buf), info) != buf)
		unit_fail(__FILE__, line, "npf_format does not return buf");
	if (strcmp(buf, text) != 0)
		unit_fail(__FILE__, line, "npf_format(0x%llx) = \"%s\", "
			  "want \"%s\"", (unsigned long long)info, buf, text);
}
#define EXPECT_NPF(info, p, w, u, rsv, id, final, walk, text) \
	expect_npf((info), p, w, u, rsv, id, final, walk, (text), __LINE__)

TEST(npf_decode_and_format)
{
	/* A write to a not-present final page: bits 1, 2, 32. */
	EXPECT_NPF(0x100000006ull, 0, 1, 1, 0, 0, 1, 0, "W U final");
	/* A write-protected guest page-table entry: bits 0-2, 33. */
	EXPECT_NPF(0x200000007ull, 1, 1, 1, 0, 0, 0, 1, "P W U walk");
	/* A write through a reserved-bit entry: bits 0-3, 32. */
	EXPECT_NPF(0x10000000Full, 1, 1, 1, 1, 0, 1, 0, "P W U RSV final");
	/* A fetch from an NX page: bits 0, 2, 4, 32. */
	EXPECT_NPF(0x100000015ull, 1, 0, 1, 0, 1, 1, 0, "P U ID final");
	/* A read of a not-present page during a guest walk: bits 2, 33. */
	EXPECT_NPF(0x200000004ull, 0, 0, 1, 0, 0, 0, 1, "U walk");
	EXPECT_NPF(0, 0, 0, 0, 0, 0, 0, 0, "none");
	/* Bits without a name (SS 6, 5, 34, 63) print nothing. */
	EXPECT_NPF(0x40, 0, 0, 0, 0, 0, 0, 0, "none");
	EXPECT_NPF((1ull << 63) | (1ull << 34) | (1ull << 5) | F_ID,
		   0, 0, 0, 0, 1, 0, 0, "ID");
	EXPECT_NPF(F_P | F_RW | F_US | F_RSV | F_ID | F_FINAL | F_WALK,
		   1, 1, 1, 1, 1, 1, 1, "P W U RSV ID final walk");
	/* Each bit alone, against its position in the APM. */
	EXPECT_NPF(F_P, 1, 0, 0, 0, 0, 0, 0, "P");
	EXPECT_NPF(F_RW, 0, 1, 0, 0, 0, 0, 0, "W");
	EXPECT_NPF(F_US, 0, 0, 1, 0, 0, 0, 0, "U");
	EXPECT_NPF(F_RSV, 0, 0, 0, 1, 0, 0, 0, "RSV");
	EXPECT_NPF(F_FINAL, 0, 0, 0, 0, 0, 1, 0, "final");
	EXPECT_NPF(F_WALK, 0, 0, 0, 0, 0, 0, 1, "walk");
}

TEST(infra_npf_format_short_buffer)
{
	char small[8];

	/* Cut, never overrun, still terminated. */
	memset(small, 'x', sizeof(small));
	EXPECT_TRUE(npf_format(small, sizeof(small), 0x10000000Full) == small);
	EXPECT_STREQ(small, "P W U R");
	memset(small, 'x', sizeof(small));
	npf_format(small, 3, 0);
	EXPECT_STREQ(small, "no");
	memset(small, 'x', sizeof(small));
	npf_format(small, 1, 0x100000006ull);
	EXPECT_STREQ(small, "");
	/* n 0: buf is not touched. */
	memset(small, 'x', sizeof(small));
	npf_format(small, 0, 0x100000006ull);
	EXPECT_EQ(small[0], 'x');
}
