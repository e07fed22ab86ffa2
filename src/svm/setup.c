/*
 * setup.c - make SVM usable once per boot, or refuse cleanly.
 */
#include "svm.h"
#include "kernel/palloc.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "dev/console.h"

static int svm_ready;

/* Say plainly why SVM cannot run here, then end the run as "no-svm". */
static void svm_refuse(enum svm_verdict v)
{
	kprintf("\nsvmlab: %s.\nsvmlab: nothing after chapter 2 can run "
		"on this CPU model; try one with SVM (see README.md).\n",
		svm_verdict_text(v));
	trace_begin("refusal");
	trace_str("reason", v == SVM_ABSENT ? "no-svm" : "svm-disabled");
	trace_str("message", svm_verdict_text(v));
	trace_end();
	results_finish(RUN_NO_SVM);
}

int svm_setup(void)
{
	enum svm_verdict v;
	void *hsave;

	if (svm_ready)
		return 0;
	svm_probe(&svm_host_caps);
	v = svm_assess(&svm_host_caps);
	if (v != SVM_USABLE)
		svm_refuse(v);
	hsave = page_alloc();
	if (svm_enable(hpa_of(hsave)) < 0)
		return -1;
	kprintf("SVM enabled: EFER.SVME=1, VM_HSAVE_PA=%p\n", hsave);
	svm_ready = 1;
	return 0;
}
