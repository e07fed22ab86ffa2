/**
 * @file
 * palloc.h - the host's physical page allocator.
 *
 * A bump allocator over the available RAM of the boot memory map, above
 * the kernel image and below 4 GiB (the identity-mapped range), except
 * the guest window (GUEST_WINDOW_BASE, src/svm/guest_abi.h), which the
 * guest loader owns.  Pages
 * are never freed: a run is short, and every guest's memory comes from
 * here once.  Physical and virtual addresses are equal in the host.
 */
#ifndef SVMLAB_KERNEL_PALLOC_H
#define SVMLAB_KERNEL_PALLOC_H

#include <stdint.h>
#include "boot/bootinfo.h"

/** Size of a page, in bytes. */
#define PAGE_SIZE 4096u

/** Host physical address. */
typedef uint64_t hpa_t;

/** Take the usable regions from @p bi. */
void palloc_init(const struct boot_info *bi);

/**
 * @p n physically contiguous zeroed pages (the MSR and I/O permission
 * maps need 2 and 3); panics when memory is exhausted.
 */
void *pages_alloc(unsigned n);

/**
 * Allocate @p n zeroed, contiguous pages starting at a multiple of
 * @p align bytes (a power of two); panics when RAM runs out.
 */
void *pages_alloc_aligned(unsigned n, uint64_t align);

/** Allocate one zeroed, page-aligned page; panics when RAM runs out. */
void *page_alloc(void);

/** Bytes still available for page_alloc. */
uint64_t palloc_free_bytes(void);

/** The host physical address of host pointer @p p (identity map). */
static inline hpa_t hpa_of(const void *p)
{
	return (hpa_t)(uintptr_t)p;
}

#endif /* SVMLAB_KERNEL_PALLOC_H */
