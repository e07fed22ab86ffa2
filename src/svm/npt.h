/**
 * @file
 * npt.h - chapter 13: the nested page table and the #NPF error code
 * (APM2 §15.25 "Nested Paging", §15.25.6 "Nested versus Guest Page
 * Faults, Fault Ordering"; the entry format is long mode's, APM2 §5.3
 * "Long-Mode Page Translation").
 *
 * With nested paging the processor translates twice: the guest's own
 * page tables turn a guest-virtual address into a guest-physical one,
 * and the nested page table, which the hypervisor owns and names in the
 * VMCB's N_CR3, turns every guest-physical address (the guest's page
 * tables included) into a host-physical one.  The nested table has the
 * long-mode format: PML4, PDPT, PD and PT, 512 eight-byte entries each,
 * a leaf at the PDPT (1 GiB), the PD (2 MiB) or the PT (4 KiB).
 *
 * Two rules of §15.25.5 shape every entry built here.  A nested walk is
 * a user access, so U/S is set at every level, or the guest could touch
 * nothing.  And permissions are checked at each level and the strictest
 * wins, so the non-leaf entries allow everything (P, RW, US, no NX) and
 * only the leaf says what the guest may do.  NX in a nested entry counts
 * only while the host runs with EFER.NXE set.
 *
 * The builder below maps pages one at a time, unmaps and re-protects
 * ranges (splitting a large page when only part of it changes), and
 * reports whether a change needs a TLB flush.  It never frees a table,
 * because the kernel's allocator cannot take pages back.  A table whose
 * pages were all unmapped stays in place and serves the next small page
 * mapped there; one that a large page replaces is left alone for good
 * (see npt_map).
 *
 * Pure C, no hardware access: the kernel and the host unit tests
 * (tests/unit/test_npt.c) run the same code.
 */
#ifndef SVMLAB_SVM_NPT_H
#define SVMLAB_SVM_NPT_H

#include <stdint.h>
#include "kernel/palloc.h"

/**
 * A guest-physical address.  A struct, not an integer, so the compiler
 * refuses to mix it up with an hpa_t: passing one where the other is
 * expected is an error, not a silent bug.
 */
typedef struct {
	uint64_t raw;                   /**< the address */
} gpa_t;

/** Make a gpa_t of the address @p raw. */
static inline gpa_t gpa(uint64_t raw)
{
	gpa_t g = { raw };

	return g;
}

/** The address that @p g holds, as an integer. */
static inline uint64_t gpa_raw(gpa_t g)
{
	return g.raw;
}

/** @name Page sizes a leaf can map */
/** @{ */
#define NPT_4K  0x1000ull               /**< a PT entry */
#define NPT_2M  0x200000ull             /**< a PD entry with PS set */
#define NPT_1G  0x40000000ull           /**< a PDPT entry with PS set */
/** @} */

/**
 * @name Protections of a mapping
 * A bit set allows the access; 0 means not present.
 */
/** @{ */
/** Present: reads allowed (a present page is always readable). */
#define NPT_R   (1u << 0)
/** Writes allowed: RW set in the leaf. */
#define NPT_W   (1u << 1)
/** Instruction fetches allowed: clear means NX (bit 63) set in the leaf. */
#define NPT_X   (1u << 2)
/** Everything. */
#define NPT_RWX (NPT_R | NPT_W | NPT_X)
/**
 * For teaching: also set a reserved bit (bit 51) in the leaf, so that
 * any access faults with EXITINFO1.RSV.  Bit 51 is reserved as long as
 * the CPU's physical-address width (CPUID 8000_0008h EAX[7:0]) is below
 * 52 bits, as it is on every machine the course runs on; the builder
 * never maps a host-physical address that would need the bit.
 */
#define NPT_RSV (1u << 3)
/** @} */

/**
 * @name What a change did to existing translations
 * The bits npt_unmap and npt_protect return.
 */
/** @{ */
/**
 * A present leaf lost a permission, was removed, or got a reserved bit.
 * A TLB may hold the old, looser translation and keep using it: the
 * caller must flush the guest's ASID (TLB_NEED_NPT) or INVLPGA the pages
 * before the guest runs again.
 */
#define NPT_CHANGE_DOWN (1u << 0)
/**
 * Permissions were only added (or a reserved bit removed).  No flush is
 * needed: a TLB never caches a not-present or reserved-bit entry, and a
 * translation it did cache is now stricter than the table, never
 * looser.  The worst a stale entry can do is make an access that is now
 * allowed fault once more, a spurious #NPF; the handler finds the table
 * allows the access and simply resumes the guest.
 */
#define NPT_CHANGE_UP   (1u << 1)
/** @} */

/** @name Errors (negative return values) */
/** @{ */
#define NPT_EINVAL  (-1)    /**< bad size, alignment, range or protection */
#define NPT_EBUSY   (-2)    /**< part of the range is already mapped */
#define NPT_ENOMEM  (-3)    /**< the page allocator had no page for a table */
#define NPT_ENOENT  (-4)    /**< the address is not mapped */
/** @} */

/**
 * The largest guest-physical address plus one: four levels of 9 bits
 * and a 12-bit page offset translate 48 bits.
 */
#define NPT_GPA_LIMIT (1ull << 48)
/**
 * The largest host-physical address plus one that a leaf may map: bit
 * 51, the top of the address field, is the NPT_RSV marker instead.
 */
#define NPT_HPA_LIMIT (1ull << 51)

/** One nested page table. */
struct npt {
	/** The PML4: the value for the VMCB's N_CR3. */
	hpa_t root;
	/**
	 * Returns a zeroed, 4 KiB-aligned page whose host pointer is its
	 * host-physical address (the host is identity-mapped), or NULL when
	 * memory ran out.
	 */
	void *(*alloc_page)(void);
	/** Pages of tables taken from alloc_page so far, the root included. */
	unsigned table_pages;
};

/** What npt_lookup found for one guest-physical address. */
struct npt_leaf {
	hpa_t hpa;          /**< where the gpa asked for is: offset included */
	uint64_t size;      /**< the page's size: NPT_4K, NPT_2M or NPT_1G */
	unsigned prot;      /**< NPT_R, NPT_W, NPT_X and NPT_RSV */
	uint64_t *entry;    /**< the leaf entry itself */
};

/**
 * Start an empty table in @p n, taking the PML4 from @p alloc_page.
 * Returns 0, or NPT_ENOMEM.
 */
int npt_init(struct npt *n, void *(*alloc_page)(void));

/**
 * Map one page of @p size (NPT_4K, NPT_2M or NPT_1G) at guest-physical
 * @p g to host-physical @p h with protection @p prot, which must include
 * NPT_R.  @p g and @p h must be aligned to @p size.  Refuses with
 * NPT_EBUSY if any part of [g, g + size) is already mapped.  A table of
 * smaller pages that maps nothing any more (they were all unmapped) does
 * not count: the large page replaces it, and the table is never used
 * again, because the TLB may still cache the entry that pointed to it.
 * Returns 0 or a negative error; on NPT_ENOMEM no translation changed
 * (tables created on the way stay, empty, for the next map).
 */
int npt_map(struct npt *n, gpa_t g, hpa_t h, uint64_t size, unsigned prot);

/**
 * Unmap [g, g + len): @p g 4 KiB-aligned, @p len a non-zero multiple of
 * 4 KiB.  A large page only partly inside the range is split first; the
 * rest of it keeps its mapping and protection.  Holes in the range are
 * fine.  Returns NPT_CHANGE_DOWN if a present page was removed (except
 * one with NPT_RSV, which no TLB can hold), 0 if nothing was, or a
 * negative error.  On NPT_ENOMEM no
 * translation changed, though a large page may have been split into
 * smaller ones that translate exactly as it did.
 */
int npt_unmap(struct npt *n, gpa_t g, uint64_t len);

/**
 * Give every mapped page in [g, g + len) the protection @p prot, which
 * must include NPT_R (to take a page away, unmap it).  Alignment and
 * splitting as for npt_unmap; holes stay holes.  Returns the
 * NPT_CHANGE_* bits (DOWN if a page lost a permission or gained
 * NPT_RSV, UP if one gained a permission or lost NPT_RSV, 0 if nothing
 * changed), or a negative error (NPT_ENOMEM as for npt_unmap).  A page
 * that had NPT_RSV was never cached, so what it loses is no DOWN.
 */
int npt_protect(struct npt *n, gpa_t g, uint64_t len, unsigned prot);

/**
 * Translate @p g: fill @p out and return 0, or return NPT_ENOENT if it is
 * not mapped.
 */
int npt_lookup(const struct npt *n, gpa_t g, struct npt_leaf *out);

/** A short description of the error @p err (NPT_E*). */
const char *npt_strerror(int err);

/**
 * The EXITINFO1 bits of an #NPF, one flag each (APM2 §15.25.6).  The
 * constants are SVM_EXITINFO1_NPF_* in vmcb.h.
 */
struct npf_info {
	/** Bit 0, P: the entry was present (a protection or RSV fault). */
	uint8_t present;
	uint8_t write;      /**< bit 1, RW: a write */
	uint8_t user;       /**< bit 2, US: a user access (nested: always) */
	uint8_t rsv;        /**< bit 3, RSV: a reserved bit was set */
	uint8_t fetch;      /**< bit 4, ID: an instruction fetch */
	uint8_t final;      /**< bit 32: at the final guest-physical address */
	uint8_t walk;       /**< bit 33: at the guest's own page-table entries */
};

/** Split @p exitinfo1 of an #NPF into its flags. */
struct npf_info npf_decode(uint64_t exitinfo1);

/**
 * Write the names of the set bits of @p exitinfo1, in the order
 * "P W U RSV ID final walk" and space-separated (for example "W U final"),
 * or "none", into @p buf of @p n bytes; a short buffer is cut and still
 * terminated.  Other bits are not named.  Returns @p buf.
 */
char *npf_format(char *buf, unsigned n, uint64_t exitinfo1);

#endif /* SVMLAB_SVM_NPT_H */
