/*
 * run_guest.c - run one guest of the current chapter to its end.
 */
#include "chapters.h"
#include "kernel/course.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "dev/console.h"
#include "svm/guest.h"

static void trace_start(const char *name, const struct vcpu *v)
{
	trace_begin("guest_start");
	trace_str("guest", name);
	trace_u64("entry", v ? v->vmcb->save.rip : 0);
	trace_bool("nrips", v ? v->nrips : 0);
	trace_end();
}

void course_run_guest(const char *name)
{
	const struct guest_image *img = guest_find(name);
	struct vcpu v;
	enum guest_result r;
	char err[120];

	if (!course_guest_selected(name))
		return;
	kprintf("\n  -- guest %s --\n", name);
	vcpu_init(&v, name);
	if (!img || guest_load(&v, img, err, sizeof(err)) < 0) {
		trace_start(name, 0);
		results_guest_end(name, GUEST_STOPPED, GUEST_PASS,
				  img ? err : "no image of that name");
		return;
	}
	trace_start(name, &v);
	vcpu_run(&v);
	if (v.state == VCPU_DONE)
		r = v.fails ? GUEST_FAIL : GUEST_PASS;
	else
		r = GUEST_STOPPED;
	results_guest_end(name, r, v.expect_stop ? GUEST_STOPPED : GUEST_PASS,
			  r == GUEST_STOPPED ? v.stop_reason : "");
}
