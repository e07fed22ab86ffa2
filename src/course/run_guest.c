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

void course_report(const char *key, uint64_t value)
{
	const struct chapter *c = results_chapter();

	kprintf("  report %s = 0x%llx\n", key, (unsigned long long)value);
	trace_begin("report");
	trace_u64("ch", c ? c->num : 0);
	trace_str("key", key);
	trace_u64("value", value);
	trace_end();
}

void course_run_guests(const char *const *names)
{
	for (; *names; names++)
		course_run_guest(*names);
}

void course_run_guest(const char *name)
{
	course_run_guest_then(name, 0);
}

void course_run_guest_then(const char *name, void (*after)(struct vcpu *))
{
	const struct chapter *c = results_chapter();
	const struct guest_image *img = guest_find(name);
	struct vcpu v;
	enum guest_result r;
	char err[120];

	if (!course_guest_selected(name))
		return;
	if ((guest_flags(img) & GUEST_FLAG_ON_REQUEST) &&
	    !course_on_request(name))
		return;
	kprintf("\n  -- guest %s --\n", name);
	vcpu_init(&v, name);
	v.policy = c ? c->policy : 0;
	if (!img || guest_load(&v, img, err, sizeof(err)) < 0) {
		trace_start(name, 0);
		results_guest_end(name, GUEST_STOPPED, GUEST_PASS,
				  img ? err : "no image of that name");
		return;
	}
	trace_start(name, &v);
	vcpu_run(&v);
	if (after)
		after(&v);
	if (v.state == VCPU_DONE)
		r = v.fails ? GUEST_FAIL : GUEST_PASS;
	else
		r = GUEST_STOPPED;
	results_guest_end(name, r, v.expect_stop ? GUEST_STOPPED : GUEST_PASS,
			  r == GUEST_STOPPED ? v.stop_reason : "");
}
