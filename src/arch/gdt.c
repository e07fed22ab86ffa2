/*
 * gdt.c - build and load the host GDT and TSS (APM2 §4.8 "Long-Mode
 * Segment Descriptors", §12.2.5 "64-Bit Task State Segment").
 */
#include <stdint.h>
#include "gdt.h"
#include "x86.h"

#define IST_STACK_SIZE  8192

/* The 64-bit TSS: only the RSP and IST slots matter in long mode. */
struct tss64 {
	uint32_t reserved_0x00;
	uint64_t rsp[3];
	uint64_t reserved_0x1c;
	uint64_t ist[7];
	uint64_t reserved_0x5c;
	uint16_t reserved_0x64;
	uint16_t iopb_offset;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 0x68, "64-bit TSS is 104 bytes");

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct tss64 tss;
static uint8_t ist_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

/*
 * Index 0 null, 1 code (L=1, P, DPL0, type execute/read), 2 data
 * (P, DPL0, read/write), 3-4 the 16-byte TSS descriptor.
 */
static uint64_t gdt[5] = {
	0,
	0x00AF9A000000FFFFull,
	0x00CF92000000FFFFull,
	0, 0,
};

/* Encode the 16-byte available-64-bit-TSS descriptor (type 9). */
static void set_tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
	slot[0] = (limit & 0xFFFFull) |
		  ((base & 0xFFFFFFull) << 16) |
		  (0x89ull << 40) |                     /* P=1, type=9 */
		  ((uint64_t)((limit >> 16) & 0xF) << 48) |
		  (((base >> 24) & 0xFFull) << 56);
	slot[1] = base >> 32;
}

void gdt_init(void)
{
	struct gdt_ptr ptr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

	tss.ist[IST_CRITICAL - 1] =
		(uint64_t)(uintptr_t)(ist_stack + sizeof(ist_stack));
	tss.iopb_offset = sizeof(tss);          /* no I/O bitmap */
	set_tss_descriptor(&gdt[SEL_TSS / 8], (uintptr_t)&tss,
			   sizeof(tss) - 1);
	lgdt(&ptr);
	ltr(SEL_TSS);
}
