/*
 * ch10_interrupts.c - chapter 10: virtual interrupts, the interrupt
 * window, the interrupt shadow, NMI blocking and the watchdog (APM2
 * §15.21 "Interrupt and LDT Handling").  Handlers in src/svm/events.c.
 *
 * spin_cli turns interrupts off and spins: only the watchdog (the LAPIC
 * timer with the INTR intercept, watchdog=MS) can stop it, and the
 * guests after it must still run.
 */
#include "chapters.h"

const char *const ch10_guests[] = {
	"virq", "virq_tpr", "vintr_window", "shadow", "hlt_wakeup",
	"nmi_blocking", "spin_sti", "spin_cli", "after_spin", 0
};

void ch10_interrupts_run(void)
{
	course_run_guests(ch10_guests);
}
