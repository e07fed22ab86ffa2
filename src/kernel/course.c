/*
 * course.c - the list of chapters and the walk through them.
 */
#include "course.h"
#include "results.h"
#include "panic.h"
#include "course/chapters.h"
#include "dev/console.h"
#include "lib/string.h"
#include "svm/svm.h"
#include "svm/vcpu.h"

const struct chapter course_chapters[] = {
	{ 0, 1, "boot", "boot: Multiboot, long mode, the console", 0,
	  ch01_boot_run, 0 },
	{ 1, 2, "detect", "detecting and enabling SVM (APM2 15.4)", 0,
	  ch02_detect_run, 0 },
	{ 2, 3, "vmcb", "the VMCB (APM2 Appendix B)", 1,
	  ch03_vmcb_run, 0 },
	{ 3, 4, "vmrun", "the first VMRUN (APM2 15.5, 15.6)", 1,
	  ch04_vmrun_run, ch04_guests },
};

const char *course_only_guest = "";

const unsigned course_chapter_count =
	sizeof(course_chapters) / sizeof(course_chapters[0]);

_Static_assert(sizeof(course_chapters) / sizeof(course_chapters[0]) <=
	       COURSE_MAX_CHAPTERS, "raise COURSE_MAX_CHAPTERS");

/* Parse a decimal number; -1 if @s is not one. */
static int parse_uint(const char *s)
{
	int n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 1000)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* The chapter named by number or slug, or NULL. */
static const struct chapter *find_chapter(const char *name)
{
	int num = parse_uint(name);
	unsigned i;

	for (i = 0; i < course_chapter_count; i++) {
		const struct chapter *c = &course_chapters[i];

		if ((num >= 0 && (unsigned)num == c->num) ||
		    strcmp(name, c->slug) == 0)
			return c;
	}
	return 0;
}

/* The chapter that runs guest @p name, or NULL. */
static const struct chapter *chapter_of_guest(const char *name)
{
	unsigned i;
	const char *const *g;

	for (i = 0; i < course_chapter_count; i++)
		for (g = course_chapters[i].guests; g && *g; g++)
			if (strcmp(*g, name) == 0)
				return &course_chapters[i];
	return 0;
}

int course_guest_selected(const char *name)
{
	return !course_only_guest[0] || strcmp(course_only_guest, name) == 0;
}

static void list_guests(void)
{
	unsigned i;
	const char *const *g;

	kprintf("guests in this build:");
	for (i = 0; i < course_chapter_count; i++)
		for (g = course_chapters[i].guests; g && *g; g++)
			kprintf(" %s", *g);
	kprintf("\n");
}

static void list_chapters(void)
{
	unsigned i;

	kprintf("chapters in this build:");
	for (i = 0; i < course_chapter_count; i++)
		kprintf(" %u=%s", course_chapters[i].num,
			course_chapters[i].slug);
	kprintf("\n");
}

int course_validate(const struct options *o)
{
	if (o->chapter[0] && !find_chapter(o->chapter)) {
		kprintf("svmlab: unknown chapter '%s'\n", o->chapter);
		list_chapters();
		return -1;
	}
	if (o->guest[0] && !chapter_of_guest(o->guest)) {
		kprintf("svmlab: unknown guest '%s'\n", o->guest);
		list_guests();
		return -1;
	}
	if (o->vmcbcheck[0] && strcmp(o->vmcbcheck, "on") &&
	    strcmp(o->vmcbcheck, "off")) {
		kprintf("svmlab: vmcbcheck=%s: the values are on and off\n",
			o->vmcbcheck);
		return -1;
	}
	return 0;
}

static void run_chapter(const struct chapter *c)
{
	if (c->needs_svm && svm_setup() < 0)
		panic("SVM could not be enabled for chapter %u", c->num);
	results_chapter_begin(c);
	c->run();
	results_chapter_end();
}

void course_run(const struct options *o)
{
	unsigned i;

	vcpu_check_before_vmrun = strcmp(o->vmcbcheck, "off") != 0;
	if (o->guest[0]) {
		course_only_guest = o->guest;
		if (!o->chapter[0] ||
		    find_chapter(o->chapter) == chapter_of_guest(o->guest)) {
			run_chapter(chapter_of_guest(o->guest));
			return;
		}
	}
	if (o->chapter[0]) {
		run_chapter(find_chapter(o->chapter));
		return;
	}
	for (i = 0; i < course_chapter_count; i++)
		run_chapter(&course_chapters[i]);
}
