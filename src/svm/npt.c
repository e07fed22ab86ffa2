/*
 * npt.c - chapter 13: building the nested page table, and the #NPF
 * error code (APM2 §15.25 "Nested Paging"; the entry format of APM2 §5.3
 * "Long-Mode Page Translation").  See npt.h.
 *
 * Levels are numbered as the walk meets them: 4 is the PML4, 3 the
 * PDPT, 2 the PD and 1 the PT.  An entry at level L covers 4 KiB << 9(L-1)
 * bytes of guest-physical space and is a leaf at level 1, or at level 3
 * or 2 when its PS bit is set.
 */
#include "npt.h"
#include "vmcb.h"
#include "lib/format.h"
#include "kernel/lab.h"

/* Entry bits (APM2 §5.3.3, the long-mode entry formats). */
#define E_P     (1ull << 0)     /* present */
#define E_RW    (1ull << 1)     /* writes allowed */
#define E_US    (1ull << 2)     /* user accesses allowed */
#define E_PS    (1ull << 7)     /* PDPTE, PDE: a 1 GiB or 2 MiB leaf */
#define E_RSV   (1ull << 51)    /* the NPT_RSV marker, see npt.h */
#define E_NX    (1ull << 63)    /* no instruction fetches */
#define E_ADDR  0x000ffffffffff000ull   /* bits 51:12 */
/* A non-leaf entry allows everything: the leaf alone restricts. */
#define E_TABLE (E_P | E_RW | E_US)

#define ENTRIES 512

/* Bytes that one entry of @level covers. */
static uint64_t level_size(int level)
{
	return NPT_4K << (9 * (level - 1));
}

/* The index of @a's entry in a table of @level. */
static unsigned index_at(uint64_t a, int level)
{
	return (unsigned)(a >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

/* The table at host-physical @h: the host is identity-mapped. */
static uint64_t *table_at(hpa_t h)
{
	return (uint64_t *)(uintptr_t)h;
}

/* The level whose leaves are @size bytes, or 0 for no such size. */
static int leaf_level(uint64_t size)
{
	switch (size) {
	case NPT_4K: return 1;
	case NPT_2M: return 2;
	case NPT_1G: return 3;
	default: return 0;
	}
}

/* Is present entry @e of @level a leaf rather than a pointer to a table? */
static int is_leaf(uint64_t e, int level)
{
	return level == 1 || (e & E_PS);
}

/* The page a leaf of @level maps (PAT, bit 12 of a large leaf, masked). */
static hpa_t leaf_frame(uint64_t e, int level)
{
	return e & E_ADDR & ~E_RSV & ~(level_size(level) - 1);
}

/* The NPT_* protection of a present leaf. */
static unsigned leaf_prot(uint64_t e)
{
	unsigned prot = NPT_R;

	if (e & E_RW)
		prot |= NPT_W;
	if (!(e & E_NX))
		prot |= NPT_X;
	if (e & E_RSV)
		prot |= NPT_RSV;
	return prot;
}

/* Leaf @e with its protection bits replaced by those of @prot. */
static uint64_t with_prot(uint64_t e, unsigned prot)
{
	e &= ~(E_RW | E_NX | E_RSV);
	if (prot & NPT_W)
		e |= E_RW;
	if (!(prot & NPT_X))
		e |= E_NX;
	if (prot & NPT_RSV)
		e |= E_RSV;
	return e;
}

/*
 * A leaf of @level mapping @h.  U/S must be set like everywhere else in
 * the nested table; A and D are left for the processor to set.
 */
static uint64_t leaf_entry(hpa_t h, int level, unsigned prot)
{
	return with_prot(h | E_P | E_US | (level > 1 ? E_PS : 0), prot);
}

/* A protection a leaf can have: present, and no bits npt.h does not name. */
static int prot_ok(unsigned prot)
{
	return (prot & NPT_R) && !(prot & ~(NPT_RWX | NPT_RSV));
}

/* A new, empty table, counted; NULL when the allocator has none. */
static uint64_t *new_table(struct npt *n)
{
	uint64_t *t = n->alloc_page();

	if (t)
		n->table_pages++;
	return t;
}

/* Does table @t, whose entries are of @level, map nothing at all? */
static int table_maps_nothing(const uint64_t *t, int level)
{
	unsigned i;

	for (i = 0; i < ENTRIES; i++) {
		if (!(t[i] & E_P))
			continue;
		if (is_leaf(t[i], level) ||
		    !table_maps_nothing(table_at(t[i] & E_ADDR), level - 1))
			return 0;
	}
	return 1;
}

/*
 * The entry where the walk for @a stops: a leaf, or a non-present entry
 * at whatever level; its level in *level.  @a must be below the limit.
 */
static uint64_t *walk(const struct npt *n, uint64_t a, int *level)
{
	uint64_t *t = table_at(n->root), *e;
	int l;

	for (l = 4; ; l--) {
		e = &t[index_at(a, l)];
		if (!(*e & E_P) || is_leaf(*e, l))
			break;
		t = table_at(*e & E_ADDR);
	}
	*level = l;
	return e;
}

int npt_init(struct npt *n, void *(*alloc_page)(void))
{
	uint64_t *root;

	n->alloc_page = alloc_page;
	n->table_pages = 0;
	n->root = 0;
	/* LAB 13 BEGIN npt_init: one empty PML4, the root N_CR3 points at */
	root = new_table(n);
	if (!root)
		return NPT_ENOMEM;
	n->root = hpa_of(root);
	return 0;
	/* LAB 13 END */
}

int npt_map(struct npt *n, gpa_t g, hpa_t h, uint64_t size, unsigned prot)
{
	uint64_t a = gpa_raw(g), *t, *e, *next;
	int leaf = leaf_level(size), level;

	if (!leaf || ((a | h) & (size - 1)) || !prot_ok(prot) ||
	    a > NPT_GPA_LIMIT - size || h > NPT_HPA_LIMIT - size)
		return NPT_EINVAL;

	/* LAB 13 BEGIN npt_map: walk down, creating tables with U/S set at every level */
	t = table_at(n->root);
	for (level = 4; level > leaf; level--) {
		e = &t[index_at(a, level)];
		if (!(*e & E_P)) {
			/*
			 * Fill nothing in, just link an empty table: should a
			 * later level run out of memory, it stays behind
			 * mapping nothing, and the next map here uses it.
			 */
			next = new_table(n);
			if (!next)
				return NPT_ENOMEM;
			*e = hpa_of(next) | E_TABLE;
		} else if (is_leaf(*e, level)) {
			return NPT_EBUSY;       /* inside a larger page */
		}
		t = table_at(*e & E_ADDR);
	}
	e = &t[index_at(a, leaf)];
	if (*e & E_P) {
		/*
		 * A page of this size, or a table of smaller pages.  A table
		 * that maps nothing may go: it is abandoned, not reused,
		 * since the TLB may cache the entry that pointed to it and
		 * would walk through whatever the page held next.
		 */
		if (is_leaf(*e, leaf) ||
		    !table_maps_nothing(table_at(*e & E_ADDR), leaf - 1))
			return NPT_EBUSY;
	}
	*e = leaf_entry(h, leaf, prot);
	return 0;
	/* LAB 13 END */
}

/*
 * Turn leaf @e of @level (3 or 2) into a table of 512 leaves one level
 * down that map the same bytes with the same bits: the same translation,
 * in smaller pieces.  The table is filled before it is linked, so no
 * walk ever sees it half-built.
 */
static int split(struct npt *n, uint64_t *e, int level)
{
	uint64_t *t = new_table(n), step = level_size(level - 1), flags;
	hpa_t base = leaf_frame(*e, level);
	unsigned i;

	if (!t)
		return NPT_ENOMEM;
	/* Bits 11:0, NX and the RSV marker; PAT (bit 12) we never set. */
	flags = (*e & ~E_ADDR) | (*e & E_RSV);
	if (level - 1 == 1)
		flags &= ~E_PS;         /* bit 7 of a PT entry is PAT */
	for (i = 0; i < ENTRIES; i++)
		t[i] = (base + i * step) | flags;
	*e = hpa_of(t) | E_TABLE;
	return 0;
}

/*
 * Make @b the start of a leaf (or of a hole), splitting the large page
 * around it as far as needed: a 1 GiB page into 2 MiB ones, then the
 * 2 MiB one holding @b into 4 KiB ones.  A split changes no translation,
 * so running out of memory halfway leaves nothing a guest could notice.
 */
static int split_at(struct npt *n, uint64_t b)
{
	uint64_t *t = table_at(n->root), *e;
	int level, err;

	if (b >= NPT_GPA_LIMIT)
		return 0;
	for (level = 4; level > 1; level--) {
		e = &t[index_at(b, level)];
		if (!(*e & E_P))
			return 0;
		if (is_leaf(*e, level)) {
			if (!(b & (level_size(level) - 1)))
				return 0;
			err = split(n, e, level);
			if (err)
				return err;
		}
		t = table_at(*e & E_ADDR);
	}
	return 0;
}

/*
 * What giving a present leaf of protection @old the protection @new
 * (0: removing it) does to the translations a TLB may hold.
 */
static int change_of(unsigned old, unsigned new)
{
	int change = 0;

	/*
	 * A reserved-bit entry faults on every walk, so no TLB holds it:
	 * taking it away needs no flush, making it usable is an upgrade.
	 */
	if (old & NPT_RSV)
		return !new || (new & NPT_RSV) ? 0 : NPT_CHANGE_UP;
	if (!new || (new & NPT_RSV) || (old & ~new & (NPT_W | NPT_X)))
		change |= NPT_CHANGE_DOWN;
	if (new && !(new & NPT_RSV) && (new & ~old & (NPT_W | NPT_X)))
		change |= NPT_CHANGE_UP;
	return change;
}

/*
 * Unmap (@prot 0) or re-protect every mapped page in [g, g + len), after
 * splitting the large pages that straddle either end.
 */
static int change_range(struct npt *n, gpa_t g, uint64_t len, unsigned prot)
{
	uint64_t a = gpa_raw(g), end, *e;
	int level, err, change = 0;

	if ((a & (NPT_4K - 1)) || (len & (NPT_4K - 1)) || !len ||
	    a >= NPT_GPA_LIMIT || len > NPT_GPA_LIMIT - a)
		return NPT_EINVAL;
	end = a + len;
	err = split_at(n, a);
	if (!err)
		err = split_at(n, end);
	if (err)
		return err;
	/*
	 * Now every leaf the range touches lies wholly inside it.  Step
	 * from entry to entry: a leaf is changed, a hole at any level is
	 * skipped to its end.
	 */
	while (a < end) {
		e = walk(n, a, &level);
		if (*e & E_P) {
			change |= change_of(leaf_prot(*e), prot);
			*e = prot ? with_prot(*e, prot) : 0;
		}
		a = (a & ~(level_size(level) - 1)) + level_size(level);
	}
	return change;
}

int npt_unmap(struct npt *n, gpa_t g, uint64_t len)
{
	return change_range(n, g, len, 0);
}

int npt_protect(struct npt *n, gpa_t g, uint64_t len, unsigned prot)
{
	if (!prot_ok(prot))
		return NPT_EINVAL;
	return change_range(n, g, len, prot);
}

int npt_lookup(const struct npt *n, gpa_t g, struct npt_leaf *out)
{
	uint64_t a = gpa_raw(g), *e;
	int level;

	if (a >= NPT_GPA_LIMIT)
		return NPT_ENOENT;
	e = walk(n, a, &level);
	if (!(*e & E_P))
		return NPT_ENOENT;
	out->size = level_size(level);
	out->hpa = leaf_frame(*e, level) + (a & (out->size - 1));
	out->prot = leaf_prot(*e);
	out->entry = e;
	return 0;
}

const char *npt_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case NPT_EINVAL: return "bad size, alignment, range or protection";
	case NPT_EBUSY: return "already mapped";
	case NPT_ENOMEM: return "out of memory for page tables";
	case NPT_ENOENT: return "not mapped";
	default: return "unknown error";
	}
}

struct npf_info npf_decode(uint64_t exitinfo1)
{
	struct npf_info i;

	/* LAB 13 BEGIN npf_decode: the bits of EXITINFO1 */
	i.present = !!(exitinfo1 & SVM_EXITINFO1_NPF_P);
	i.write = !!(exitinfo1 & SVM_EXITINFO1_NPF_RW);
	i.user = !!(exitinfo1 & SVM_EXITINFO1_NPF_US);
	i.rsv = !!(exitinfo1 & SVM_EXITINFO1_NPF_RSV);
	i.fetch = !!(exitinfo1 & SVM_EXITINFO1_NPF_ID);
	i.final = !!(exitinfo1 & SVM_EXITINFO1_NPF_FINAL);
	i.walk = !!(exitinfo1 & SVM_EXITINFO1_NPF_GUEST_PT);
	return i;
	/* LAB 13 END */
}

/* The named bits of EXITINFO1, in the order npf_format prints them. */
static const struct {
	uint64_t bit;
	const char *name;
} npf_names[] = {
	{ SVM_EXITINFO1_NPF_P, "P" },
	{ SVM_EXITINFO1_NPF_RW, "W" },
	{ SVM_EXITINFO1_NPF_US, "U" },
	{ SVM_EXITINFO1_NPF_RSV, "RSV" },
	{ SVM_EXITINFO1_NPF_ID, "ID" },
	{ SVM_EXITINFO1_NPF_FINAL, "final" },
	{ SVM_EXITINFO1_NPF_GUEST_PT, "walk" },
};

char *npf_format(char *buf, unsigned n, uint64_t exitinfo1)
{
	unsigned i, len = 0, named = 0;

	if (!n)
		return buf;
	buf[0] = 0;
	for (i = 0; i < sizeof(npf_names) / sizeof(npf_names[0]); i++) {
		if (!(exitinfo1 & npf_names[i].bit))
			continue;
		if (len + 1 < n)
			len += (unsigned)ksnprintf(buf + len, n - len, "%s%s",
						   named ? " " : "",
						   npf_names[i].name);
		named++;
	}
	if (!named)
		ksnprintf(buf, n, "none");
	return buf;
}
