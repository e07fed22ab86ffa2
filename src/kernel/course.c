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
#include "arch/lapic.h"
#include "lab.h"

/* Each chapter's guests get the hypervisor of the chapters before. */
#define POLICY_CH5 HV_POLICY_CPUID
#define POLICY_CH6 (POLICY_CH5 | HV_POLICY_MSRPM)
#define POLICY_CH7 (POLICY_CH6 | HV_POLICY_IOPM)
#define POLICY_CH8 POLICY_CH7
#define POLICY_CH9 (POLICY_CH8 | HV_POLICY_INJECT)
#define POLICY_CH10 (POLICY_CH9 | HV_POLICY_VINTR)
#define POLICY_CH11 (POLICY_CH10 | HV_POLICY_REINJECT)
#define POLICY_CH12 (POLICY_CH11 | HV_POLICY_ASID)
#define POLICY_CH13 (POLICY_CH12 | HV_POLICY_NPT)
#define POLICY_CH14 (POLICY_CH13 | HV_POLICY_MMIO)
#define POLICY_CH15 (POLICY_CH14 | HV_POLICY_GHCB)
#define POLICY_CH16 POLICY_CH15
#define POLICY_CH17 POLICY_CH15

/* nasid= bounds: one usable ASID at least; 16 bits of ASIDs at most. */
#define NASID_MIN 2
#define NASID_MAX 65536

const struct chapter course_chapters[] = {
	{ 0, 1, "boot", "boot: Multiboot, long mode, the console", 0,
	  ch01_boot_run, 0, 0 },
	{ 1, 2, "detect", "detecting and enabling SVM (APM2 15.4)", 0,
	  ch02_detect_run, 0, 0 },
	{ 2, 3, "vmcb", "the VMCB (APM2 Appendix B)", 1,
	  ch03_vmcb_run, 0, 0 },
	{ 3, 4, "vmrun", "the first VMRUN (APM2 15.5, 15.6)", 1,
	  ch04_vmrun_run, ch04_guests, 0 },
	{ 4, 5, "instructions", "instruction intercepts (APM2 15.9)", 1,
	  ch05_instructions_run, ch05_guests, POLICY_CH5 },
	{ 5, 6, "msrpm", "the MSR permission map (APM2 15.11)", 1,
	  ch06_msrpm_run, ch06_guests, POLICY_CH6 },
	{ 6, 7, "iopm", "the I/O permission map (APM2 15.10)", 1,
	  ch07_iopm_run, ch07_guests, POLICY_CH7 },
	{ 7, 8, "crdr", "CR, DR and exception intercepts (APM2 15.9, 15.12)",
	  1, ch08_crdr_run, ch08_guests, POLICY_CH8 },
	{ 8, 9, "inject", "event injection (APM2 15.20)", 1,
	  ch09_inject_run, ch09_guests, POLICY_CH9 },
	{ 9, 10, "interrupts", "virtual interrupts and NMIs (APM2 15.21)", 1,
	  ch10_interrupts_run, ch10_guests, POLICY_CH10 },
	{ 10, 11, "exitintinfo", "EXITINTINFO and re-injection (APM2 15.7.2)",
	  1, ch11_exitintinfo_run, ch11_guests, POLICY_CH11 },
	{ 11, 12, "asid", "ASIDs, TLB control and several guests (APM2 15.16)",
	  1, ch12_asid_run, ch12_guests, POLICY_CH12 },
	{ 12, 13, "npt", "nested paging (APM2 15.25)", 1,
	  ch13_npt_run, ch13_guests, POLICY_CH13 },
	{ 13, 14, "mmio", "MMIO emulation and isolation (APM2 15.25.6)", 1,
	  ch14_mmio_run, ch14_guests, POLICY_CH14 },
	{ 14, 15, "ghcb", "the SEV-ES GHCB, modelled (GHCB spec, APM2 15.35)",
	  1, ch15_ghcb_run, ch15_guests, POLICY_CH15 },
	{ 15, 16, "bench", "measuring exits: every exit path against the "
	  "floor", 1, ch16_bench_run, ch16_guests, POLICY_CH16 },
	{ 16, 17, "hardening", "hostile guests: every failure contained", 1,
	  ch17_hardening_run, ch17_guests, POLICY_CH17 },
};

const char *course_only_guest = "";
int course_ondemand;
const char *course_fault_at = "";
const char *course_fault_kind = "pf";
int course_trace_given, course_vmcbcheck_given;

const unsigned course_chapter_count =
	sizeof(course_chapters) / sizeof(course_chapters[0]);

_Static_assert(sizeof(course_chapters) / sizeof(course_chapters[0]) <=
	       COURSE_MAX_CHAPTERS, "raise COURSE_MAX_CHAPTERS");

/* Parse a decimal number up to @p max; -1 if @s is not one. */
static int parse_uint(const char *s, int max)
{
	int n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > max)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n <= max ? n : -1;
}

/* The chapter named by number or slug, or NULL. */
static const struct chapter *find_chapter(const char *name)
{
	int num = parse_uint(name, 1000);
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

int course_on_request(const char *name)
{
	if (course_ondemand || strcmp(course_only_guest, name) == 0)
		return 1;
	kprintf("\n  -- %s: runs only on request (guest=%s, or ondemand=on) "
		"--\n", name, name);
	return 0;
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

/* Is @p value empty, "on" or "off"?  Says what is allowed if not. */
static int on_off(const char *value, const char *name)
{
	if (!value[0] || !strcmp(value, "on") || !strcmp(value, "off"))
		return 1;
	kprintf("svmlab: %s=%s: the values are on and off\n", name, value);
	return 0;
}

int course_validate(const struct options *o)
{
	if (o->chapter[0] && !find_chapter(o->chapter)) {
		kprintf("svmlab: unknown chapter '%s'\n", o->chapter);
		list_chapters();
		return -1;
	}
	if (o->faultat[0] && !chapter_of_guest(o->faultat)) {
		kprintf("svmlab: faultat=%s: unknown guest\n", o->faultat);
		list_guests();
		return -1;
	}
	if (o->guest[0] && !chapter_of_guest(o->guest)) {
		kprintf("svmlab: unknown guest '%s'\n", o->guest);
		list_guests();
		return -1;
	}
	if (!on_off(o->vmcbcheck, "vmcbcheck") ||
	    !on_off(o->ondemand, "ondemand") || !on_off(o->trace, "trace"))
		return -1;
	if (o->fuzz[0] && fuzz_validate(o) < 0)
		return -1;
	if (o->watchdog[0]) {
		/* LAB 10 BEGIN course_validate: watchdog= is 1 to 60000 milliseconds */
		if (parse_uint(o->watchdog, LAPIC_TIMER_MAX_MS) < 1) {
			kprintf("svmlab: watchdog=%s: give the milliseconds a "
				"guest may run, from 1 to %u\n", o->watchdog,
				LAPIC_TIMER_MAX_MS);
			return -1;
		}
		/* LAB 10 END */
	}
	if (o->nasid[0]) {
		/* LAB 12 BEGIN course_validate: nasid= is 2 to 65536 ASIDs */
		if (parse_uint(o->nasid, NASID_MAX) < NASID_MIN) {
			kprintf("svmlab: nasid=%s: give the number of ASIDs "
				"to use, from %u (ASID 1 only) to %u\n",
				o->nasid, NASID_MIN, NASID_MAX);
			return -1;
		}
		/* LAB 12 END */
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
	vcpu_trace_exits = strcmp(o->trace, "off") != 0;
	course_trace_given = o->trace[0] != 0;
	course_vmcbcheck_given = o->vmcbcheck[0] != 0;
	course_ondemand = strcmp(o->ondemand, "on") == 0;
	course_fault_at = o->faultat;
	if (o->fault[0])
		course_fault_kind = o->fault;
	if (o->watchdog[0])
		vcpu_watchdog_ms = (unsigned)parse_uint(o->watchdog,
							LAPIC_TIMER_MAX_MS);
	if (o->nasid[0])
		tlb_nasid_cap = (unsigned)parse_uint(o->nasid, NASID_MAX);
	if (o->fuzz[0]) {
		fuzz_run(o);
		return;
	}
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
