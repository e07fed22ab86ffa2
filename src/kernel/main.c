/*
 * main.c - kmain: from long mode to the summary.
 *
 * entry.S calls kmain with the boot loader's magic and the physical
 * address of its boot information.  kmain sets up the console, the GDT
 * and the IDT, copies the boot information, announces the run, parses
 * the command line, and walks the course.  Every path out of kmain goes
 * through results_finish, which prints the summary.
 */
#include <stdint.h>
#include "course.h"
#include "cmdline.h"
#include "palloc.h"
#include "panic.h"
#include "results.h"
#include "selftest.h"
#include "trace.h"
#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/x86.h"
#include "course/chapters.h"
#include "dev/console.h"
#include "lib/string.h"

/** The version printed in the banner and the "run" trace event. */
#define SVMLAB_VERSION "0.1.0"

struct boot_info boot_info;

/* CPUID's vendor string (leaf 0) and brand string (8000_0002h-4h). */
static void cpu_identity(char vendor[13], char brand[49],
			 uint32_t *signature)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t leaf;

	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = 0;
	*signature = cpuid(1, 0).eax;
	brand[0] = 0;
	if (cpuid(0x80000000u, 0).eax < 0x80000004u)
		return;
	for (leaf = 0; leaf < 3; leaf++) {
		r = cpuid(0x80000002u + leaf, 0);
		memcpy(brand + 16 * leaf, &r, 16);
	}
	brand[48] = 0;
}

static void announce(void)
{
	char vendor[13], brand[49];
	uint32_t sig;

	cpu_identity(vendor, brand, &sig);
	kprintf("\nsvmlab %s: a teaching hypervisor for AMD-V (SVM)\n",
		SVMLAB_VERSION);
	kprintf("CPU: %s \"%s\" signature 0x%08x\n", vendor, brand, sig);
	trace_begin("run");
	trace_str("version", SVMLAB_VERSION);
	trace_str("boot", boot_protocol_name(boot_info.protocol));
	trace_str("cmdline", boot_info.cmdline);
	trace_obj_begin("cpu");
	trace_str("vendor", vendor);
	trace_str("brand", brand);
	trace_u64("signature", sig);
	trace_obj_end();
	trace_end();
}

/* Parse and validate the command line; a bad one ends the run. */
static void read_options(struct options *o)
{
	char err[192];

	const char *args = cmdline_args(boot_info.cmdline,
					boot_info.protocol == BOOT_MULTIBOOT1);

	if (cmdline_parse(args, o, err, sizeof(err)) < 0) {
		kprintf("svmlab: %s\n", err);
		results_finish(RUN_BAD_CMDLINE);
	}
	if (course_validate(o) < 0)
		results_finish(RUN_BAD_CMDLINE);
}

void kmain(uint32_t magic, uint32_t info_pa)
{
	struct options opts;

	console_init();
	gdt_init();
	idt_init();
	bootinfo_parse(magic, (const void *)(uintptr_t)info_pa, &boot_info);
	announce();
	read_options(&opts);
	palloc_init(&boot_info);
	if (opts.fault[0] && !opts.faultat[0]) {
		if (selftest_fault(opts.fault) < 0) {
			kprintf("svmlab: unknown fault kind '%s'; kinds are: "
				"de ud bp gp pf\n", opts.fault);
			results_finish(RUN_BAD_CMDLINE);
		}
		panic("fault=%s raised no exception", opts.fault);
	}
	course_run(&opts);
	results_finish(results_status());
}
