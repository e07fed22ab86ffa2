/*
 * palloc.c - hand out pages from the boot memory map.
 */
#include "palloc.h"
#include "panic.h"
#include "lib/string.h"
#include "svm/guest_abi.h"

#define IDENTITY_LIMIT  0x100000000ull  /* entry.S maps 4 GiB */

extern char __kernel_end[];

/* Each region may be split in two around the guest window. */
static struct mem_region pool[2 * BOOTINFO_MMAP_MAX];
static unsigned pool_count, pool_next;
static uint64_t cursor;                 /* next free byte in pool[next] */

static uint64_t align_up(uint64_t v)
{
	return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* Add [lo, hi) to the pool, if it is not empty. */
static void pool_add(uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return;
	pool[pool_count].base = lo;
	pool[pool_count].length = hi - lo;
	pool_count++;
}

/*
 * Add [lo, hi) minus the guest window: before nested paging, guests
 * run in host memory at GUEST_WINDOW_BASE (src/svm/guest.h), and the
 * loader overwrites the whole window for every guest.
 */
static void pool_add_outside_window(uint64_t lo, uint64_t hi)
{
	uint64_t wlo = GUEST_WINDOW_BASE;
	uint64_t whi = GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE;

	pool_add(lo, hi < wlo ? hi : wlo);
	pool_add(lo > whi ? lo : whi, hi);
}

void palloc_init(const struct boot_info *bi)
{
	uint64_t floor = align_up((uintptr_t)__kernel_end);
	unsigned i;

	if (floor > GUEST_WINDOW_BASE)
		panic("the kernel image ends at 0x%llx, inside the guest "
		      "window at 0x%x", (unsigned long long)floor,
		      GUEST_WINDOW_BASE);
	for (i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];
		uint64_t lo = align_up(r->base), hi = r->base + r->length;

		if (r->type != 1)
			continue;
		if (lo < floor)
			lo = floor;
		if (hi > IDENTITY_LIMIT)
			hi = IDENTITY_LIMIT;
		hi &= ~(uint64_t)(PAGE_SIZE - 1);
		pool_add_outside_window(lo, hi);
	}
	pool_next = 0;
	cursor = pool_count ? pool[0].base : 0;
}

void *pages_alloc(unsigned n)
{
	return pages_alloc_aligned(n, PAGE_SIZE);
}

void *pages_alloc_aligned(unsigned n, uint64_t align)
{
	uint64_t bytes = (uint64_t)n * PAGE_SIZE;

	while (pool_next < pool_count) {
		const struct mem_region *r = &pool[pool_next];
		uint64_t at = (cursor + align - 1) & ~(align - 1);

		if (at + bytes <= r->base + r->length) {
			void *p = (void *)(uintptr_t)at;

			cursor = at + bytes;
			return memset(p, 0, bytes);
		}
		if (++pool_next < pool_count)
			cursor = pool[pool_next].base;
	}
	panic("out of memory: no %u contiguous pages left", n);
}

void *page_alloc(void)
{
	return pages_alloc(1);
}

uint64_t palloc_free_bytes(void)
{
	uint64_t n = 0;
	unsigned i;

	for (i = pool_next; i < pool_count; i++)
		n += pool[i].length;
	if (pool_next < pool_count)
		n -= cursor - pool[pool_next].base;
	return n;
}
