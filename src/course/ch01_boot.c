/*
 * ch01_boot.c - chapter 1: the boot.
 *
 * By the time this runs, entry.S has entered long mode and kmain has
 * parsed the boot information.  The chapter shows what the loader told
 * us and checks that it is usable: a known protocol, a memory map with
 * RAM, and the kernel image inside that RAM.
 */
#include "chapters.h"
#include "boot/multiboot.h"
#include "kernel/palloc.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "dev/console.h"

extern char __kernel_start[], __kernel_end[];

static const char *region_type(uint32_t type)
{
	switch (type) {
	case 1:
		return "available";
	case 3:
		return "ACPI reclaimable";
	case 4:
		return "ACPI NVS";
	case 5:
		return "bad RAM";
	default:
		return "reserved";
	}
}

static void report_mmap(const struct boot_info *bi)
{
	unsigned i;

	kprintf("memory map (%u entries):\n", bi->mmap_count);
	for (i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];

		kprintf("  %016llx-%016llx %s\n", (unsigned long long)r->base,
			(unsigned long long)(r->base + r->length - 1),
			region_type(r->type));
	}
	trace_begin("report");
	trace_u64("ch", 1);
	trace_str("key", "boot.mmap");
	trace_arr_begin("value");
	for (i = 0; i < bi->mmap_count; i++) {
		trace_obj_begin(0);
		trace_u64("base", bi->mmap[i].base);
		trace_u64("length", bi->mmap[i].length);
		trace_u64("type", bi->mmap[i].type);
		trace_obj_end();
	}
	trace_arr_end();
	trace_end();
}

static void report_boot(const struct boot_info *bi)
{
	kprintf("booted by %s (EAX=0x%08x), loader \"%s\"\n",
		boot_protocol_name(bi->protocol), bi->magic, bi->loader);
	kprintf("command line: \"%s\"\n", bi->cmdline);
	trace_begin("report");
	trace_u64("ch", 1);
	trace_str("key", "boot.protocol");
	trace_obj_begin("value");
	trace_str("protocol", boot_protocol_name(bi->protocol));
	trace_u64("magic", bi->magic);
	trace_str("loader", bi->loader);
	trace_str("cmdline", bi->cmdline);
	trace_obj_end();
	trace_end();
}

/* Is [lo, hi) inside one available region? */
static int in_available_ram(const struct boot_info *bi, uint64_t lo,
			    uint64_t hi)
{
	unsigned i;

	for (i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];

		if (r->type == MB_MEMORY_AVAILABLE && lo >= r->base &&
		    hi <= r->base + r->length)
			return 1;
	}
	return 0;
}

static uint64_t available_bytes(const struct boot_info *bi)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MB_MEMORY_AVAILABLE)
			n += bi->mmap[i].length;
	return n;
}

void ch01_boot_run(void)
{
	const struct boot_info *bi = &boot_info;
	uint64_t lo = (uintptr_t)__kernel_start, hi = (uintptr_t)__kernel_end;

	report_boot(bi);
	report_mmap(bi);
	check(bi->protocol != BOOT_UNKNOWN, "boot.magic",
	      "EAX=0x%08x is the %s magic", bi->magic,
	      boot_protocol_name(bi->protocol));
	check(available_bytes(bi) >= 2 * 1024 * 1024, "boot.mmap",
	      "%llu KiB of available RAM in %u regions (%u dropped)",
	      (unsigned long long)(available_bytes(bi) / 1024),
	      bi->mmap_count, bi->mmap_dropped);
	check(in_available_ram(bi, lo, hi), "boot.kernel_in_ram",
	      "kernel image %llx-%llx lies in available RAM",
	      (unsigned long long)lo, (unsigned long long)hi);
	kprintf("page allocator: %llu KiB free above the kernel\n",
		(unsigned long long)(palloc_free_bytes() / 1024));
}
