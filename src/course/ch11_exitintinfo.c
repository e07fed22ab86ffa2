/*
 * ch11_exitintinfo.c - chapter 11: EXITINTINFO (APM2 §15.7.2
 * "Intercepts During IDT Interrupt Delivery").  Handlers in
 * src/svm/events.c; the double-fault rules in src/svm/event.c.
 */
#include "chapters.h"

const char *const ch11_guests[] = {
	"eii_stack_exception", "eii_stack_softint", "eii_double_fault", 0
};

void ch11_exitintinfo_run(void)
{
	course_run_guests(ch11_guests);
}
