/**
 * @file
 * gwalk.h - chapters 13 and 14: walk the guest's own page tables, from
 * a guest-virtual to a guest-physical address (APM2 §5.2 "Legacy-Mode
 * Page Translation", §5.3 "Long-Mode Page Translation", §5.4
 * "Page-Translation-Table Entry Fields").
 *
 * The hypervisor needs guest-virtual memory in two places: to fetch the
 * instruction at the guest's RIP (no decode assists, so an MMIO #NPF
 * carries no instruction bytes), and to follow a pointer the guest hands
 * over in a hypercall.  With nested paging the guest owns its page
 * tables, so the hypervisor does by hand what the CPU did: it picks the
 * paging mode from the guest's CR0, CR4 and EFER (the VMCB save area),
 * starts at the guest's CR3 and reads one entry per level.  Every
 * address in the walk, the tables included, is guest-physical; reading
 * guest-physical memory is the caller's business (the read callback),
 * so the same walker serves the kernel and the host unit tests.
 *
 * The walk checks what makes a translation exist at all: the present
 * bit, the structure of each level (PS making a large page, reserved
 * bits that must be zero) and, in long mode, a canonical address.  It
 * does not check permissions (R/W, U/S, NX): the hypervisor may read
 * whatever the guest's tables map.  Accessed and dirty bits are not
 * set.
 *
 * Levels are numbered as in the APM, counting down to the page table:
 * 4 is the PML4, 3 the PDPT, 2 the page directory, 1 the page table.
 * 32-bit paging uses levels 2 and 1, PAE paging 3 to 1, long mode 4
 * to 1.  5-level paging (CR4.LA57) is not supported.
 */
#ifndef SVMLAB_SVM_GWALK_H
#define SVMLAB_SVM_GWALK_H

#include <stdint.h>

/** @name gwalk_translate's results */
/** @{ */
/** An entry on the way has P = 0: the guest would take a #PF. */
#define GWALK_NOT_PRESENT  (-1)
/** read() failed on an entry: a table lies outside guest memory. */
#define GWALK_NO_MEMORY    (-2)
/**
 * An entry has a must-be-zero bit set (the guest would take a #PF with
 * the RSV bit), or CR4.LA57 asks for 5-level paging.
 */
#define GWALK_RESERVED     (-3)
/** Long mode, and bits 63:47 of the address are not all equal. */
#define GWALK_NONCANONICAL (-4)
/** @} */

/** The guest's paging controls, from the VMCB save area. */
struct gwalk_cpu {
	uint64_t cr0;   /**< PG: paging on */
	uint64_t cr3;   /**< the top table's guest-physical address */
	uint64_t cr4;   /**< PSE (4 MiB pages in 32-bit paging), PAE, LA57 */
	uint64_t efer;  /**< LMA: long mode active; NXE: bit 63 is NX */
};

/**
 * Read @p size bytes (8, or 4 for 32-bit paging's entries) of
 * guest-physical memory at @p gpa into @p val, little-endian, zero in
 * the bytes above @p size.  Returns 0, or -1 if @p gpa is not guest
 * memory.  @p ctx is the caller's, passed through.
 */
typedef int gwalk_read_fn(void *ctx, uint64_t gpa, uint64_t *val,
			  unsigned size);

/** What a walk found. */
struct gwalk_result {
	uint64_t gpa;           /**< the guest-physical address (on success) */
	/**
	 * The size of the page that maps the address: 4 KiB, 2 MiB, 4 MiB
	 * or 1 GiB.  Without paging, 4 KiB, so that a caller reading
	 * across a page boundary translates again in every mode.
	 */
	uint64_t page_size;
	/** The level of the entry that failed (4 to 1), or 0. */
	int level_failed;
	/**
	 * The guest-physical address of the entry that failed, or of the
	 * leaf entry on success; 0 without paging or for a non-canonical
	 * address.
	 */
	uint64_t pte_gpa;
};

/**
 * Translate the guest-virtual (linear) address @p gva with the guest's
 * paging controls @p c, reading its tables through @p read (@p ctx is
 * passed to it).  Returns 0 with @p out->gpa and @p out->page_size set,
 * or one of the GWALK_* codes with @p out->level_failed and
 * @p out->pte_gpa naming the entry at fault.
 *
 * With CR0.PG = 0 the linear address is the physical one, 32 bits wide.
 * In 32-bit paging a 4 MiB page (PDE.PS with CR4.PSE) takes physical
 * address bits 39:32 from PDE bits 20:13, as AMD processors do; PDE
 * bit 21 must be zero.
 */
int gwalk_translate(const struct gwalk_cpu *c, uint64_t gva,
		    gwalk_read_fn *read, void *ctx, struct gwalk_result *out);

#endif /* SVMLAB_SVM_GWALK_H */
