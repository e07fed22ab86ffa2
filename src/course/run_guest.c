/*
 * run_guest.c - run one guest of the current chapter to its end.
 */
#include "chapters.h"
#include "kernel/course.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "kernel/panic.h"
#include "kernel/selftest.h"
#include "lib/string.h"
#include "dev/console.h"
#include "svm/guest.h"

static void trace_start(const char *name, const struct vcpu *v)
{
	trace_begin("guest_start");
	trace_str("guest", name);
	trace_u64("entry", v ? v->vmcb->save.rip : 0);
	trace_bool("nrips", v ? v->nrips : 0);
	trace_bool("traced", vcpu_trace_exits);
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

/*
 * Load guest @p name into @p v under the current chapter's policy.
 * Returns 1 if it is to run, 0 if it is skipped or could not be loaded
 * (then its result is already recorded).
 */
static int probe_running;

static int load_guest(struct vcpu *v, const char *name, hpa_t mem)
{
	const struct chapter *c = results_chapter();
	const struct guest_image *img = guest_find(name);
	char err[120];

	if (!course_guest_selected(name) && !probe_running)
		return 0;
	if ((guest_flags(img) & GUEST_FLAG_ON_REQUEST) &&
	    !course_on_request(name))
		return 0;
	kprintf("\n  -- guest %s --\n", name);
	vcpu_init(v, name);
	v->policy = c ? c->policy : 0;
	v->mem_hpa = mem;
	if (!img || guest_load(v, img, err, sizeof(err)) < 0) {
		trace_start(name, 0);
		results_guest_end(name, GUEST_STOPPED, GUEST_PASS,
				  img ? err : "no image of that name");
		return 0;
	}
	trace_start(name, v);
	results_guest_begin(name);
	if (course_fault_at[0] && strcmp(course_fault_at, name) == 0)
		selftest_fault(course_fault_kind);
	return 1;
}

/* Record the result of @p v, which has run to its end. */
static void finish_guest(struct vcpu *v)
{
	enum guest_result r;

	if (v->state == VCPU_DONE)
		r = v->fails ? GUEST_FAIL : GUEST_PASS;
	else
		r = GUEST_STOPPED;
	vcpu_trace_exit_stats(v);
	results_guest_end(v->name, r,
			  v->expect_stop ? GUEST_STOPPED : GUEST_PASS,
			  r == GUEST_STOPPED ? v->stop_reason : "");
}

void course_run_guest_then(const char *name, void (*after)(struct vcpu *))
{
	struct vcpu v;

	if (!load_guest(&v, name, 0))
		return;
	vcpu_run(&v);
	if (after)
		after(&v);
	finish_guest(&v);
}

void course_run_guest_by(const char *name, void (*run)(struct vcpu *))
{
	struct vcpu v;

	if (!load_guest(&v, name, 0))
		return;
	run(&v);
	finish_guest(&v);
}

void course_run_probe(const char *name)
{
	course_run_probe_by(name, vcpu_run);
}

void course_run_probe_by(const char *name, void (*run)(struct vcpu *))
{
	probe_running = 1;
	course_run_guest_by(name, run);
	probe_running = 0;
}

void course_run_probe_then(const char *name, void (*after)(struct vcpu *))
{
	probe_running = 1;
	course_run_guest_then(name, after);
	probe_running = 0;
}

/* The most guests course_run_together runs at once. */
#define TOGETHER_MAX 8

void course_run_together(const char *const *names)
{
	static struct vcpu vcpus[TOGETHER_MAX];
	static void *mem[TOGETHER_MAX];
	struct vcpu *run[TOGETHER_MAX];
	unsigned i, n = 0;

	for (i = 0; names[i] && i < TOGETHER_MAX; i++) {
		/* Each guest's window lives in memory of its own; its page
		 * tables map the window there (2 MiB pages: 2 MiB aligned). */
		if (!mem[i])
			mem[i] = pages_alloc_aligned(GUEST_WINDOW_SIZE /
						     PAGE_SIZE, 0x200000);
		if (load_guest(&vcpus[i], names[i], hpa_of(mem[i])))
			run[n++] = &vcpus[i];
	}
	if (names[i])
		panic("course_run_together: more than %u guests",
		      TOGETHER_MAX);
	kprintf("\n  -- %u guest(s) round-robin, %u ms slices --\n", n,
		SCHED_SLICE_MS);
	sched_run(run, n);
	for (i = 0; i < n; i++)
		finish_guest(run[i]);
}
