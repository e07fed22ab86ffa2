/*
 * ch08_crdr.c - chapter 8: CR, DR and exception intercepts (APM2 §15.9,
 * §15.12) and SHUTDOWN.  Handlers in src/svm/crdr.c.
 *
 * triple_fault runs in the middle on purpose: it is stopped by the
 * SHUTDOWN intercept, and the guests after it must still run.  It runs
 * only on request (guest=triple_fault, or ondemand=on): Bochs 2.7 does
 * not take the SHUTDOWN intercept on a triple fault and ends the whole
 * simulation instead (deviation bochs-triple-fault-panics).
 */
#include "chapters.h"

const char *const ch08_guests[] = {
	"cr0_rw", "cr0_selective", "cr3", "cr4", "cr8", "dr", "triple_fault",
	"exc_de", "exc_db", "exc_bp", "exc_ud", "exc_gp", "exc_pf", "exc_ac",
	0
};

void ch08_crdr_run(void)
{
	course_run_guests(ch08_guests);
}
