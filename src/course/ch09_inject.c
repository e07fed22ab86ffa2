/*
 * ch09_inject.c - chapter 9: event injection (APM2 §15.20 "Event
 * Injection").  Handlers in src/svm/events.c, the validator and the
 * EVENTINJ format in src/svm/event.c.
 *
 * First the guests: each asks for one kind of event with HC_INJECT and
 * its own IDT handler reports the vector, the error code and the return
 * RIP.  Then one VMRUN per injection that VMRUN itself must refuse: the
 * hlt guest with EVENTINJ set behind the validator's back.  Whether the
 * processor answers VMEXIT_INVALID is reported, not judged here; the
 * tests judge it against the deviation table.
 */
#include "chapters.h"
#include "svm/event.h"
#include "svm/vmcb.h"

/* An illegal EVENTINJ of TYPE @p type and vector @p vec, no error code. */
#define BAD_EVENT(type, vec) \
	(SVM_EVTINJ_VALID | ((uint64_t)(type) << SVM_EVTINJ_TYPE_SHIFT) | (vec))

static void type1(struct vmcb *v) { v->control.event_inj = BAD_EVENT(1, 32); }
static void type5(struct vmcb *v) { v->control.event_inj = BAD_EVENT(5, 32); }
static void type6(struct vmcb *v) { v->control.event_inj = BAD_EVENT(6, 32); }
static void type7(struct vmcb *v) { v->control.event_inj = BAD_EVENT(7, 32); }
static void nmi_exc(struct vmcb *v) { v->control.event_inj = BAD_EVENT(3, 2); }
static void exc_vec32(struct vmcb *v) { v->control.event_inj = BAD_EVENT(3, 32); }

static const struct vmrun_case cases[] = {
	{ "badinj.type1", VMCB_RULE_EVENT_INJ, type1, 0 },
	{ "badinj.type5", VMCB_RULE_EVENT_INJ, type5, 0 },
	{ "badinj.type6", VMCB_RULE_EVENT_INJ, type6, 0 },
	{ "badinj.type7", VMCB_RULE_EVENT_INJ, type7, 0 },
	{ "badinj.nmi_as_exception", VMCB_RULE_EVENT_INJ, nmi_exc, 0 },
	{ "badinj.exception_vector32", VMCB_RULE_EVENT_INJ, exc_vec32, 0 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

#define CH09_GUESTS \
	"inj_ud", "inj_bp", "inj_gp", "inj_pf", "inj_nmi", "inj_softint", \
	"inj_intr", "inj_refused", "fault_vs_softint"

static const char *const guests[] = { CH09_GUESTS, 0 };

const char *const ch09_guests[] = {
	CH09_GUESTS,
	"badinj.type1", "badinj.type5", "badinj.type6", "badinj.type7",
	"badinj.nmi_as_exception", "badinj.exception_vector32", 0,
};

_Static_assert(sizeof(ch09_guests) / sizeof(ch09_guests[0]) ==
	       sizeof(guests) / sizeof(guests[0]) + NCASES,
	       "every VMRUN case is listed in ch09_guests");

void ch09_inject_run(void)
{
	unsigned i;

	course_run_guests(guests);
	for (i = 0; i < NCASES; i++)
		course_vmrun_case(&cases[i]);
}
