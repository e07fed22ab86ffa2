/*
 * panic.c - the register dump and the end of a failed run.
 */
#include <stdarg.h>
#include "panic.h"
#include "results.h"
#include "trace.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "dev/emu_exit.h"
#include "lib/format.h"

static int panicking;

/* A second fault while we report the first: stop without more output. */
static void enter_panic(void)
{
	if (panicking)
		emu_exit(RUN_PANIC);
	panicking = 1;
}

/* The general-purpose registers in trap_frame order, from r15 to rax. */
static const char *const gpr_names[15] = {
	"r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8",
	"rbp", "rdi", "rsi", "rdx", "rcx", "rbx", "rax",
};

static void dump_readable(const struct trap_frame *tf, uint64_t cr2)
{
	const uint64_t *gpr = &tf->r15;
	int i;

	kprintf("\n*** host exception %s (vector %llu), error code 0x%llx\n",
		exception_name(tf->vector), (unsigned long long)tf->vector,
		(unsigned long long)tf->error_code);
	kprintf("RIP %016llx  CS %04llx  RFLAGS %016llx\n",
		(unsigned long long)tf->rip, (unsigned long long)tf->cs,
		(unsigned long long)tf->rflags);
	kprintf("RSP %016llx  SS %04llx  CR2 %016llx\n",
		(unsigned long long)tf->rsp, (unsigned long long)tf->ss,
		(unsigned long long)cr2);
	kprintf("CR0 %016llx  CR3 %016llx  CR4 %016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
		(unsigned long long)read_cr4());
	for (i = 14; i >= 0; i--)       /* rax first, three per line */
		kprintf("%-3s %016llx%s", gpr_names[i],
			(unsigned long long)gpr[i], i % 3 ? "  " : "\n");
}

static void dump_trace(const struct trap_frame *tf, uint64_t cr2)
{
	const uint64_t *gpr = &tf->r15;
	int i;

	trace_begin("panic");
	trace_str("kind", "exception");
	trace_u64("vector", tf->vector);
	trace_str("name", exception_name(tf->vector));
	trace_u64("error_code", tf->error_code);
	trace_u64("rip", tf->rip);
	trace_u64("cr2", cr2);
	trace_obj_begin("regs");
	for (i = 0; i < 15; i++)
		trace_u64(gpr_names[i], gpr[i]);
	trace_u64("rsp", tf->rsp);
	trace_u64("rflags", tf->rflags);
	trace_u64("cs", tf->cs);
	trace_u64("ss", tf->ss);
	trace_u64("cr0", read_cr0());
	trace_u64("cr3", read_cr3());
	trace_u64("cr4", read_cr4());
	trace_obj_end();
	trace_end();
}

void panic_trap(struct trap_frame *tf)
{
	uint64_t cr2 = read_cr2();

	enter_panic();
	dump_readable(tf, cr2);
	dump_trace(tf, cr2);
	results_finish(RUN_PANIC);
}

void panic(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	enter_panic();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("\n*** kernel panic: %s\n", msg);
	trace_begin("panic");
	trace_str("kind", "panic");
	trace_str("message", msg);
	trace_end();
	results_finish(RUN_PANIC);
}
