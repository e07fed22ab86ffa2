/*
 * results.c - tallies per chapter, the summary, and lab TODOs.
 */
#include <stdarg.h>
#include "results.h"
#include "course.h"
#include "lab.h"
#include "trace.h"
#include "dev/console.h"
#include "lib/format.h"

enum chapter_state { CH_SKIPPED, CH_RUNNING, CH_DONE };

struct chapter_tally {
	enum chapter_state state;
	unsigned passed, failed;
};

static struct chapter_tally tally[COURSE_MAX_CHAPTERS];
static const struct chapter *current;
static unsigned checks_passed, checks_failed;
static unsigned guests_passed, guests_failed, guests_stopped;
static unsigned guests_unexpected;
static const char *in_flight;          /* started, not yet ended */

const struct chapter *results_chapter(void)
{
	return current;
}

void results_chapter_begin(const struct chapter *c)
{
	current = c;
	tally[c->index].state = CH_RUNNING;
	kprintf("\n== Chapter %u: %s ==\n", c->num, c->title);
	trace_begin("chapter_start");
	trace_u64("ch", c->num);
	trace_str("slug", c->slug);
	trace_str("title", c->title);
	trace_end();
}

static const char *chapter_result(const struct chapter_tally *t)
{
	if (t->state == CH_SKIPPED)
		return "skipped";
	if (t->state == CH_RUNNING)
		return "aborted";
	return t->failed ? "fail" : "pass";
}

void results_chapter_end(void)
{
	struct chapter_tally *t = &tally[current->index];

	t->state = CH_DONE;
	kprintf("-- chapter %u: %u passed, %u failed\n", current->num,
		t->passed, t->failed);
	trace_begin("chapter_end");
	trace_u64("ch", current->num);
	trace_str("result", chapter_result(t));
	trace_u64("passed", t->passed);
	trace_u64("failed", t->failed);
	trace_end();
	current = 0;
}

void check(int ok, const char *name, const char *fmt, ...)
{
	char detail[192];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	kprintf("  [%s] %s: %s\n", ok ? "PASS" : "FAIL", name, detail);
	trace_begin("check");
	trace_u64("ch", current ? current->num : 0);
	trace_str("name", name);
	trace_bool("ok", ok);
	trace_str("detail", detail);
	trace_end();
	if (ok)
		checks_passed++;
	else
		checks_failed++;
	if (current) {
		if (ok)
			tally[current->index].passed++;
		else
			tally[current->index].failed++;
	}
}

void results_guest_begin(const char *name)
{
	in_flight = name;
}

void results_guest_end(const char *name, enum guest_result r,
		       enum guest_result expected, const char *reason)
{
	static const char *const names[] = { "pass", "fail", "stopped" };

	in_flight = 0;

	if (r == GUEST_PASS)
		guests_passed++;
	else if (r == GUEST_FAIL)
		guests_failed++;
	else
		guests_stopped++;
	if (r != expected)
		guests_unexpected++;
	if (current && r != expected)
		tally[current->index].failed++;
	else if (current)
		tally[current->index].passed++;
	kprintf("  guest %s: %s%s%s%s\n", name, names[r],
		*reason ? " (" : "", reason, *reason ? ")" : "");
	if (r != expected)
		kprintf("  guest %s should have ended as %s\n", name,
			names[expected]);
	trace_begin("guest_end");
	trace_str("guest", name);
	trace_str("result", names[r]);
	trace_str("reason", reason);
	trace_str("expected", names[expected]);
	trace_end();
}

enum run_status results_status(void)
{
	return checks_failed || guests_unexpected ? RUN_FAIL : RUN_PASS;
}

static void summary_trace(enum run_status status)
{
	unsigned i;

	trace_begin("summary");
	trace_str("status", run_status_name(status));
	trace_obj_begin("checks");
	trace_u64("passed", checks_passed);
	trace_u64("failed", checks_failed);
	trace_obj_end();
	trace_obj_begin("guests");
	trace_u64("passed", guests_passed);
	trace_u64("failed", guests_failed);
	trace_u64("stopped", guests_stopped);
	trace_u64("unexpected", guests_unexpected);
	trace_obj_end();
	trace_arr_begin("chapters");
	for (i = 0; i < course_chapter_count; i++) {
		trace_obj_begin(0);
		trace_u64("ch", course_chapters[i].num);
		trace_str("slug", course_chapters[i].slug);
		trace_str("result", chapter_result(&tally[i]));
		trace_obj_end();
	}
	trace_arr_end();
	trace_end();
}

void results_finish(enum run_status status)
{
	unsigned i;

	/* Nothing lost: a guest the host died under ended with it. */
	if (status == RUN_PANIC && in_flight)
		results_guest_end(in_flight, GUEST_STOPPED, GUEST_PASS,
				  "the host panicked while it ran");
	kprintf("\n== Summary ==\n");
	for (i = 0; i < course_chapter_count; i++)
		kprintf("  chapter %2u %-10s %s\n", course_chapters[i].num,
			course_chapters[i].slug, chapter_result(&tally[i]));
	kprintf("  checks: %u passed, %u failed; guests: %u passed, "
		"%u failed, %u stopped (%u not as expected)\n", checks_passed,
		checks_failed, guests_passed, guests_failed, guests_stopped,
		guests_unexpected);
	kprintf("  status: %s\n", run_status_name(status));
	summary_trace(status);
	emu_exit(status);
}

void lab_todo(unsigned chapter, const char *function, const char *file)
{
	kprintf("\n*** TODO (lab %u): write %s() in %s\n"
		"*** see chapters/ for the exercise; this run fails until "
		"it is written.\n", chapter, function, file);
	trace_begin("todo");
	trace_u64("ch", chapter);
	trace_str("function", function);
	trace_str("file", file);
	trace_end();
	if (!current) {
		/* Before any chapter began (e.g. in kmain's set-up): charge it
		 * to the chapter that owns the TODO, shown as aborted. */
		unsigned i;

		for (i = 0; i < course_chapter_count; i++)
			if (course_chapters[i].num == chapter)
				current = &course_chapters[i];
		if (current)
			tally[current->index].state = CH_RUNNING;
	}
	if (current)
		tally[current->index].failed++;
	checks_failed++;
	results_finish(RUN_FAIL);
}
