/*
 * ch17_hardening.c - chapter 17: hostile guests, every failure contained.
 *
 * A hypervisor is hardened when nothing a guest does reaches further
 * than that guest: not the host's state, not its devices, not the
 * guests that run after it.  The chapter runs one hostile guest after
 * another, each followed by the canary (guests/canary.S), a well-behaved
 * guest that reports values it can predict.  After every guest the
 * chapter checks two things (contained):
 *
 *   - the guest ended the way the scenario says: finished, having been
 *     answered as the APM prescribes (#UD for an SVM instruction, #GP for
 *     an SVM MSR), or stopped with a diagnostic that names the cause;
 *   - the host is as it was: its EFER still has SVME, VM_HSAVE_PA and
 *     VM_CR, CR0/CR3/CR4, GDTR and IDTR, the APIC base, the interrupt
 *     controller's masks and the serial port's line settings
 *     (host_changed), and the hypervisor's secret page.
 *
 * The hypervisor's code and read-only data are checksummed before the
 * first guest and after the last (chapter 14's hv_checksum).  The
 * instruction fuzzer (fuzz=insn, fuzz_insn.c) checks the same host state
 * after every case.  chapters/17-hardening/README.md is the lesson.
 *
 * Guests of earlier chapters that are hostile already (chapter 5's
 * ud_*, chapter 8's triple_fault, chapter 10's spin_cli, chapter 14's
 * iso_*) run again here by name; guests/hostile_*.S are this chapter's.
 */
#include "chapters.h"
#include "arch/lapic.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/course.h"
#include "kernel/lab.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "lib/format.h"
#include "lib/string.h"
#include "svm/svm.h"
#include "svm/vcpu.h"

/* The SVM MSRs a guest must never reach (APM2 §15.30). */
#define MSR_VM_CR       0xC0010114u
#define MSR_VM_HSAVE_PA 0xC0010117u
#define MSR_APIC_BASE   0x1Bu

/* The legacy devices whose state a guest's I/O must not change. */
#define PIC1_DATA       0x21
#define PIC2_DATA       0xA1
#define COM1_IER        0x3F9
#define COM1_LCR        0x3FB

/* Every guest the chapter runs, for guest= (in the order it runs them). */
const char *const ch17_guests[] = {
	"canary", "ud_vmrun", "ud_vmload", "ud_vmsave", "ud_clgi", "ud_stgi",
	"ud_skinit", "ud_invlpga", "hostile_efer", "hostile_svm_msrs",
	"triple_fault", "spin_cli", "hostile_flood", "hostile_io",
	"hostile_rep_io", "hostile_hypercall", "hostile_yield",
	"hostile_vc_probe", "ghcb_vc", "hostile_ghcb", "iso_scan", "iso_a",
	"iso_b", "fuzz_regress_int3", "fuzz_regress_tf", "fuzz_regress_v86",
	"fuzz_regress_ltr", "fuzz_regress_tss32", 0
};

/* How a scenario's hostile guest must end. */
enum ending { ENDS_DONE, ENDS_STOPPED };

/**
 * One hostile guest: how it must end, and for a stop, a phrase the
 * diagnostic must contain.  "quiet": its exits are counted but not
 * traced one by one (the flood would write 20000 of them, iso_scan one
 * #NPF line for each of the 2048 pages of its RAM).
 */
struct scenario {
	const char *guest;
	enum ending ending;
	const char *diagnostic;
	int quiet;
};

static const struct scenario scenarios[] = {
	{ "ud_vmrun", ENDS_DONE, 0, 0 },
	{ "ud_vmload", ENDS_DONE, 0, 0 },
	{ "ud_vmsave", ENDS_DONE, 0, 0 },
	{ "ud_clgi", ENDS_DONE, 0, 0 },
	{ "ud_stgi", ENDS_DONE, 0, 0 },
	{ "ud_skinit", ENDS_DONE, 0, 0 },
	{ "ud_invlpga", ENDS_DONE, 0, 0 },
	{ "hostile_efer", ENDS_DONE, 0, 0 },
	{ "hostile_svm_msrs", ENDS_DONE, 0, 0 },
	{ "triple_fault", ENDS_STOPPED, "shutdown (triple fault)", 0 },
	{ "spin_cli", ENDS_STOPPED, "watchdog", 0 },
	{ "hostile_flood", ENDS_STOPPED, "(runaway guest)", 1 },
	{ "hostile_io", ENDS_DONE, 0, 0 },
	{ "hostile_rep_io", ENDS_STOPPED, "(runaway guest)", 1 },
	{ "hostile_hypercall", ENDS_STOPPED, "is not a string", 0 },
	{ "hostile_yield", ENDS_DONE, 0, 0 },
	{ "hostile_vc_probe", ENDS_DONE, 0, 0 },
	{ "hostile_ghcb", ENDS_STOPPED, "not a page of RAM", 0 },
	{ "iso_scan", ENDS_DONE, 0, 1 },
	/* What the instruction fuzzer found (fuzz_insn.c), minimised. */
	{ "fuzz_regress_int3", ENDS_DONE, 0, 0 },
	{ "fuzz_regress_tf", ENDS_DONE, 0, 0 },
	/*
	 * Last: on request only, because they end an emulator.  Bochs ends
	 * in fuzz_regress_v86, QEMU in fuzz_regress_ltr and, asked for
	 * alone, in fuzz_regress_tss32; with ondemand=on QEMU runs
	 * fuzz_regress_v86 first, which it passes.
	 */
	{ "fuzz_regress_v86", ENDS_DONE, 0, 0 },
	{ "fuzz_regress_ltr", ENDS_DONE, 0, 0 },
	{ "fuzz_regress_tss32", ENDS_DONE, 0, 0 },
};

#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* ---- the host's state ------------------------------------------------- */

/** What of the host a guest must never change. */
struct host_state {
	uint64_t efer;          /* SVME above all */
	uint64_t hsave;         /* VM_HSAVE_PA */
	uint64_t vm_cr;         /* VM_CR, if the CPU has it */
	uint64_t apic_base;     /* where the watchdog's timer lives */
	uint64_t cr0, cr3, cr4;
	struct desc_ptr gdtr, idtr;
	uint8_t pic1, pic2;     /* interrupt masks */
	uint8_t lcr, ier;       /* the serial port that carries the trace */
	int secret;             /* the secret page holds only the secret */
};

static struct host_state baseline;

/* Also used by the instruction fuzzer (fuzz_insn.c). */
void hardening_baseline(void);
const char *hardening_host_changed(void);

static struct desc_ptr read_idtr(void)
{
	struct desc_ptr p;

	__asm__ volatile("sidt %0" : "=m"(p));
	return p;
}

static void host_state_read(struct host_state *s)
{
	memset(s, 0, sizeof(*s));
	s->efer = rdmsr(MSR_EFER);
	s->hsave = rdmsr(MSR_VM_HSAVE_PA);
	if (rdmsr_safe(MSR_VM_CR, &s->vm_cr) < 0)
		s->vm_cr = ~0ull;
	s->apic_base = rdmsr(MSR_APIC_BASE);
	s->cr0 = read_cr0();
	s->cr3 = read_cr3();
	s->cr4 = read_cr4();
	s->gdtr = sgdt();
	s->idtr = read_idtr();
	s->pic1 = inb(PIC1_DATA);
	s->pic2 = inb(PIC2_DATA);
	s->lcr = inb(COM1_LCR);
	s->ier = inb(COM1_IER);
	s->secret = hv_secret_intact();
}

/*
 * The first part of the host state in @p now that differs from @p was,
 * by name, or NULL if none does.
 */
static const char *host_changed(const struct host_state *was,
				const struct host_state *now)
{
	/* LAB 17 BEGIN host_changed: name the first host state a guest changed */
	/* NXE is the hypervisor's own, set for nested paging (nested.c). */
	if (!(now->efer & EFER_SVME) || (now->efer ^ was->efer) & ~EFER_NXE)
		return "EFER";
	if (now->hsave != was->hsave)
		return "VM_HSAVE_PA";
	if (now->vm_cr != was->vm_cr)
		return "VM_CR";
	if (now->apic_base != was->apic_base)
		return "APIC_BASE";
	if (now->cr0 != was->cr0 || now->cr3 != was->cr3 ||
	    now->cr4 != was->cr4)
		return "CR0/CR3/CR4";
	if (now->gdtr.base != was->gdtr.base ||
	    now->gdtr.limit != was->gdtr.limit ||
	    now->idtr.base != was->idtr.base ||
	    now->idtr.limit != was->idtr.limit)
		return "GDTR/IDTR";
	if (now->pic1 != was->pic1 || now->pic2 != was->pic2)
		return "PIC masks";
	if (now->lcr != was->lcr || now->ier != was->ier)
		return "COM1 settings";
	if (!now->secret)
		return "the secret page";
	return 0;
	/* LAB 17 END */
}

void hardening_baseline(void)
{
	/* The hypervisor's own set-up first: the first vcpu_init masks the
	 * PICs and calibrates the LAPIC timer (vcpu_env_init). */
	if (!lapic_counts_per_ms())
		vcpu_env_init();
	host_state_read(&baseline);
}

const char *hardening_host_changed(void)
{
	struct host_state now;

	host_state_read(&now);
	return host_changed(&baseline, &now);
}

/* ---- the scenarios ---------------------------------------------------- */

/* Any guest not in the table (the canary, vc_probe, ghcb_vc) finishes. */
static const struct scenario well_behaved = { "", ENDS_DONE, 0, 0 };

static const struct scenario *scenario_of(const char *guest)
{
	unsigned i;

	for (i = 0; i < NSCENARIOS; i++)
		if (strcmp(scenarios[i].guest, guest) == 0)
			return &scenarios[i];
	return &well_behaved;
}

/* Does @p s contain @p part? */
static int contains(const char *s, const char *part)
{
	size_t n = strlen(part);

	for (; *s; s++)
		if (strncmp(s, part, n) == 0)
			return 1;
	return 0;
}

/* Did @p v end the way its scenario says?  NULL, or what is wrong. */
static const char *ending_wrong(const struct scenario *s,
				const struct vcpu *v)
{
	if (s->ending == ENDS_DONE)
		return v->state == VCPU_DONE && !v->fails ? 0 :
		       "it did not finish with its checks passed";
	if (v->state != VCPU_STOPPED)
		return "it was not stopped";
	if (!contains(v->stop_reason, s->diagnostic))
		return "its diagnostic does not name the cause";
	return 0;
}

/* The hostile guest that ran last: the canary's checks name it. */
static const char *last_hostile;

/* One check, hardening.<what>: the guest's ending and the host's state. */
static void check_contained(const char *what, const char *wrong,
			    const char *ending)
{
	const char *host = hardening_host_changed();
	char name[64];

	ksnprintf(name, sizeof(name), "hardening.%s", what);
	check(!wrong && !host, name, "%s; host %s%s", wrong ? wrong : ending,
	      host ? "changed: " : "intact", host ? host : "");
}

/*
 * After each guest: how it ended and what the host looks like now, as
 * one check named hardening.<guest> (hardening.canary.after.<guest> for
 * the canary).  The host is compared with the state taken before the
 * chapter's first guest.
 */
static void contained(struct vcpu *v)
{
	const struct scenario *s = scenario_of(v->name);
	char what[56];

	if (strcmp(v->name, "canary") == 0 && !last_hostile)
		ksnprintf(what, sizeof(what), "canary.first");
	else if (strcmp(v->name, "canary") == 0)
		ksnprintf(what, sizeof(what), "canary.after.%s", last_hostile);
	else
		ksnprintf(what, sizeof(what), "%s", v->name);
	check_contained(what, ending_wrong(s, v),
			v->state == VCPU_DONE ? "finished" : v->stop_reason);
	/* VMRUN needs EFER.SVME in the guest's EFER (APM2 §15.5.1); a
	 * guest's state is trusted only if it finished (after SHUTDOWN or
	 * VMEXIT_INVALID the save area is undefined). */
	if (v->state == VCPU_DONE && !(v->vmcb->save.efer & EFER_SVME))
		check(0, "hardening.vmcb_efer", "%s left its VMCB's EFER "
		      "without SVME", v->name);
}

/*
 * The flood's cost: its exits, and the TSC ticks from its start to its
 * stop (host and guest time together: the watchdog saw only the guest's).
 */
static void flood_after(struct vcpu *v)
{
	uint64_t ticks = rdtsc() - v->start_tsc;

	contained(v);
	course_report("flood.exits", v->exits);
	course_report("flood.tsc", ticks);
}

/*
 * fuzz_regress_v86 makes its last hypercall, HC_DONE, in virtual-8086
 * mode: the save area holds what that #VMEXIT stored (APM2 §15.6), so
 * RFLAGS with VM set, CS the guest's real-mode-style segment and CPL 3.
 */
static void v86_after(struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;

	contained(v);
	course_report("v86.exit_rflags", s->rflags);
	course_report("v86.exit_cs", s->cs.selector);
	course_report("v86.exit_cpl", s->cpl);
}

/* Set by the after-callbacks: the hostile guest did run. */
static int hostile_ran;

static void hostile_after(struct vcpu *v)
{
	hostile_ran = 1;
	if (strcmp(v->name, "hostile_flood") == 0)
		flood_after(v);
	else if (strcmp(v->name, "fuzz_regress_v86") == 0)
		v86_after(v);
	else
		contained(v);
}

/*
 * Run hostile guest @p name under its scenario, then, if it ran (it is
 * selected, and not a guest that runs only on request), the canary.
 * The canary runs even when guest= names the hostile guest alone: its
 * results are the proof that the guest after a hostile one is intact,
 * so `guest=hostile_io` runs canary, hostile_io, canary.
 */
static void hostile_then_canary(const char *name)
{
	const struct scenario *s = scenario_of(name);
	int trace = vcpu_trace_exits;

	if (s->quiet)
		vcpu_trace_exits = 0;
	hostile_ran = 0;
	course_run_guest_then(name, hostile_after);
	vcpu_trace_exits = trace;
	if (!hostile_ran)
		return;
	last_hostile = name;
	course_run_probe_then("canary", contained);
}

static void checksum(const char *when, uint64_t *sum)
{
	*sum = hv_checksum();
	kprintf("  hypervisor checksum %s: 0x%llx\n", when,
		(unsigned long long)*sum);
	trace_begin("hv_checksum");
	trace_str("when", when);
	trace_u64("value", *sum);
	trace_bool("secret_intact", hv_secret_intact());
	trace_end();
}

int nested_paging_available(void);

/* The guests of chapter 14's isolation pair, run together. */
static const char *const iso_pair[] = { "iso_a", "iso_b", 0 };

/*
 * hostile_vc_probe tries to change how #VC is delivered to every guest
 * after it; ghcb_vc, chapter 15's model SEV-ES guest, runs right after
 * it and depends on the true answer, which vc_probe measures first.
 */
static void vc_probe_scenario(void)
{
	if (!course_guest_selected("hostile_vc_probe") &&
	    !course_guest_selected("ghcb_vc"))
		return;
	course_run_probe("vc_probe");
	course_run_guest_then("hostile_vc_probe", hostile_after);
	last_hostile = "hostile_vc_probe";
	course_run_guest_then("ghcb_vc", contained);
	course_run_probe_then("canary", contained);
}

/* Chapter 14's pair, each hunting for the other's data, together. */
static void iso_pair_scenario(void)
{
	int trace = vcpu_trace_exits;

	if (!course_guest_selected("iso_a") && !course_guest_selected("iso_b"))
		return;
	vcpu_trace_exits = 0;   /* 4096 first touches, as iso_scan */
	course_run_together(iso_pair);
	vcpu_trace_exits = trace;
	check_contained("iso_a+iso_b", 0, "ran together");
	last_hostile = "iso_a+iso_b";
	course_run_probe_then("canary", contained);
}

/* Does guest= leave any of this chapter's guests to run? */
static int any_guest_selected(void)
{
	const char *const *g;

	for (g = ch17_guests; *g; g++)
		if (course_guest_selected(*g))
			return 1;
	return 0;
}

void ch17_hardening_run(void)
{
	uint64_t before, after;
	unsigned i;

	if (!nested_paging_available())
		return;
	hv_secret_init();
	hardening_baseline();
	checksum("before", &before);
	if (any_guest_selected())
		course_run_probe_then("canary", contained);
	for (i = 0; i < NSCENARIOS; i++) {
		if (strcmp(scenarios[i].guest, "hostile_vc_probe") == 0)
			vc_probe_scenario();
		else
			hostile_then_canary(scenarios[i].guest);
		if (strcmp(scenarios[i].guest, "iso_scan") == 0)
			iso_pair_scenario();
	}
	checksum("after", &after);
	check(after == before && hv_secret_intact(), "hardening.checksum",
	      "hypervisor code, read-only data and secret: 0x%llx before, "
	      "0x%llx after", (unsigned long long)before,
	      (unsigned long long)after);
}
