/*
 * emu_exit.c - ask QEMU or Bochs to stop, whichever we run on.
 *
 * Each mechanism is harmless on the other emulator (an unclaimed port),
 * so we simply try them in order:
 *   1. QEMU isa-debug-exit at port 0xF4: exits with (value << 1) | 1;
 *   2. Bochs' shutdown port 0x8900: the string "Shutdown" ends the run;
 *   3. ACPI PM1a control, SLP_TYP|SLP_EN, at the port QEMU (0x604) and
 *      Bochs (0xB004) use for it;
 *   4. if all of that failed, halt with interrupts off: the harness's
 *      timeout will report the run as hung.
 */
#include "emu_exit.h"
#include "console.h"
#include "arch/x86.h"

#define QEMU_DEBUG_EXIT_PORT    0xF4
#define BOCHS_SHUTDOWN_PORT     0x8900
#define QEMU_ACPI_PM1A_CNT      0x604
#define BOCHS_ACPI_PM1A_CNT     0xB004
#define ACPI_S5_SLEEP           0x2000

const char *run_status_name(enum run_status status)
{
	switch (status) {
	case RUN_PASS:
		return "pass";
	case RUN_FAIL:
		return "fail";
	case RUN_NO_SVM:
		return "no-svm";
	case RUN_BAD_CMDLINE:
		return "bad-cmdline";
	case RUN_PANIC:
		return "panic";
	}
	return "unknown";
}

void emu_exit(enum run_status status)
{
	const char *s;

	console_flush();
	outl(QEMU_DEBUG_EXIT_PORT, status);
	for (s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (unsigned char)*s);
	outw(QEMU_ACPI_PM1A_CNT, ACPI_S5_SLEEP);
	outw(BOCHS_ACPI_PM1A_CNT, ACPI_S5_SLEEP);
	for (;;) {
		cli();
		hlt();
	}
}
