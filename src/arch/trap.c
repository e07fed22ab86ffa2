/*
 * trap.c - the IDT, the exception fix-up table, and trap dispatch.
 */
#include <stdint.h>
#include "trap.h"
#include "gdt.h"
#include "x86.h"
#include "kernel/lab.h"
#include "kernel/panic.h"
#include "lapic.h"

#define IDT_VECTORS     256
#define GATE_INT64      0x8E    /* P=1, DPL=0, type=E (64-bit interrupt) */
#define VEC_NMI         2
#define VEC_DF          8
#define VEC_MC          18

/* A 16-byte long-mode interrupt gate (APM2 §4.8.4). */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* One entry of the fix-up table that msr_safe.S fills. */
struct extable_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

extern const uint64_t trap_stubs[IDT_VECTORS];
extern const struct extable_entry __extable_start[], __extable_end[];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

static const char *const names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XF", "#20", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_name(unsigned vector)
{
	return vector < 32 ? names[vector] : "INT";
}

static void set_gate(unsigned vector, uint64_t handler, uint8_t ist)
{
	struct idt_gate *g = &idt[vector];

	/* LAB 1 BEGIN set_gate: encode a 64-bit interrupt gate (APM2 4.8.4) */
	g->offset_lo = handler & 0xFFFF;
	g->selector = SEL_KCODE;
	g->ist = ist;
	g->type_attr = GATE_INT64;
	g->offset_mid = (handler >> 16) & 0xFFFF;
	g->offset_hi = handler >> 32;
	g->reserved = 0;
	/* LAB 1 END */
}

void idt_init(void)
{
	struct idt_ptr ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	unsigned v;

	for (v = 0; v < IDT_VECTORS; v++) {
		int critical = v == VEC_NMI || v == VEC_DF || v == VEC_MC;

		set_gate(v, trap_stubs[v], critical ? IST_CRITICAL : 0);
	}
	lidt(&ptr);
}

/* If the faulting RIP has a fix-up entry, resume there; returns 1 if so. */
static int extable_fixup(struct trap_frame *tf)
{
	const struct extable_entry *e;

	for (e = __extable_start; e < __extable_end; e++) {
		if (e->fault_rip == tf->rip) {
			tf->rip = e->fixup_rip;
			return 1;
		}
	}
	return 0;
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector < 32 && extable_fixup(tf))
		return;
	/* The host's one interrupt source: the LAPIC timer (lapic.c). */
	if (tf->vector >= 32 && lapic_irq((unsigned)tf->vector))
		return;
	panic_trap(tf);
}
