/*
 * exit.c - the exit loop: VMRUN, trace the #VMEXIT, dispatch it
 * (APM2 §15.6 "#VMEXIT", Appendix C "SVM Intercept Exit Codes").
 */
#include <stdarg.h>
#include "vcpu.h"
#include "exits.h"
#include "svm.h"
#include "arch/x86.h"
#include "arch/lapic.h"
#include "kernel/panic.h"
#include "dev/console.h"
#include "kernel/trace.h"
#include "lib/format.h"
#include "lib/string.h"

int vcpu_check_before_vmrun = 1;
int vcpu_trace_exits = 1;
struct vmcb_check_env vcpu_check_env;
static int env_ready;
static hpa_t host_save_pa;

static exit_handler_fn handle_hlt, handle_shutdown;

/*
 * The dispatch table, indexed by exit code.  An exit without an entry
 * stops the guest with a diagnostic; later chapters add entries.
 */
static exit_handler_fn *const exit_handlers[] = {
	/* chapter 4 */
	[SVM_EXIT_HLT] = handle_hlt,
	[SVM_EXIT_SHUTDOWN] = handle_shutdown,
	[SVM_EXIT_VMMCALL] = handle_vmmcall,
	/* chapter 5: instructions (intercepts.c) */
	[SVM_EXIT_CPUID] = handle_cpuid,
	[SVM_EXIT_RDTSC] = handle_rdtsc,
	[SVM_EXIT_RDTSCP] = handle_rdtscp,
	[SVM_EXIT_RDPMC] = handle_rdpmc,
	[SVM_EXIT_INVD] = handle_step_over,
	[SVM_EXIT_WBINVD] = handle_step_over,
	[SVM_EXIT_PAUSE] = handle_step_over,
	[SVM_EXIT_MONITOR] = handle_step_over,
	[SVM_EXIT_MWAIT] = handle_step_over,
	[SVM_EXIT_XSETBV] = handle_xsetbv,
	[SVM_EXIT_INVLPG] = handle_invlpg,
	[SVM_EXIT_PUSHF] = handle_pushf,
	[SVM_EXIT_POPF] = handle_popf,
	[SVM_EXIT_SWINT] = handle_intn,
	[SVM_EXIT_IRET] = handle_iret,
	[SVM_EXIT_ICEBP] = handle_icebp,
	[SVM_EXIT_VMRUN] = handle_svm_insn,
	[SVM_EXIT_VMLOAD] = handle_svm_insn,
	[SVM_EXIT_VMSAVE] = handle_svm_insn,
	[SVM_EXIT_STGI] = handle_svm_insn,
	[SVM_EXIT_CLGI] = handle_svm_insn,
	[SVM_EXIT_SKINIT] = handle_svm_insn,
	[SVM_EXIT_INVLPGA] = handle_svm_insn,
	/* chapter 6: msr.c; chapter 7: io.c */
	[SVM_EXIT_MSR] = handle_msr,
	[SVM_EXIT_IOIO] = handle_ioio,
	/* chapter 8: crdr.c */
	[SVM_EXIT_READ_CR0 ... SVM_EXIT_READ_CR0 + 15] = handle_cr,
	[SVM_EXIT_WRITE_CR0 ... SVM_EXIT_WRITE_CR0 + 15] = handle_cr,
	[SVM_EXIT_CR0_SEL_WRITE] = handle_cr,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR0 + 15] = handle_dr,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR0 + 15] = handle_dr,
	[SVM_EXIT_EXCP_BASE ... SVM_EXIT_EXCP_BASE + 31] = handle_exception,
	/* chapter 10: events.c */
	[SVM_EXIT_INTR] = handle_intr,
	[SVM_EXIT_NMI] = handle_nmi,
	[SVM_EXIT_VINTR] = handle_vintr,
	/* chapters 13-14: nested.c, mmio_dev.c */
	[SVM_EXIT_NPF] = handle_npf,
};

#define NHANDLERS (sizeof(exit_handlers) / sizeof(exit_handlers[0]))

void vcpu_env_init(void)
{
	struct cpuid_regs zero = { 0 }, l1, l7 = zero, e1, e8 = zero;
	uint32_t max = cpuid(0, 0).eax;
	uint32_t max_ext = cpuid(0x80000000u, 0).eax;
	const char *why;

	l1 = cpuid(1, 0);
	if (max >= 7)
		l7 = cpuid(7, 0);
	e1 = cpuid(0x80000001u, 0);
	if (max_ext >= 0x80000008u)
		e8 = cpuid(0x80000008u, 0);
	vmcb_check_env_from_cpuid(&vcpu_check_env, &l1, &l7, &e1, &e8,
				  svm_host_caps.features);
	env_ready = 1;
	/* The watchdog's clock (chapter 10); without it a guest could hang
	 * the run, so no guest runs without it. */
	if (lapic_init(&why) < 0)
		panic("no host timer for the watchdog: %s", why);
	kprintf("  host timer: LAPIC, %u counts/ms; watchdog %u ms\n",
		lapic_counts_per_ms(), vcpu_watchdog_ms);
}

void vcpu_init(struct vcpu *v, const char *name)
{
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->vmcb = page_alloc();
	v->vmcb_pa = hpa_of(v->vmcb);
	v->max_exits = 10000;
	v->nrips = !!(svm_host_caps.features & SVM_FEAT_NRIPS);
	if (!host_save_pa)
		host_save_pa = hpa_of(page_alloc());
	if (!env_ready)
		vcpu_env_init();
}

void vcpu_stop(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(v->stop_reason, sizeof(v->stop_reason), fmt, ap);
	va_end(ap);
	v->state = VCPU_STOPPED;
	kprintf("  guest %s stopped: %s\n", v->name, v->stop_reason);
}

/* HLT (exit 78h): nothing to wait for yet; resume after it. */
static void handle_hlt(struct vcpu *v)
{
	vcpu_skip_insn(v, 1);
}

/* SHUTDOWN (7Fh): the guest triple-faulted; its state is undefined. */
static void handle_shutdown(struct vcpu *v)
{
	vcpu_stop(v, "shutdown (triple fault) at RIP 0x%llx",
		  (unsigned long long)v->vmcb->save.rip);
}

/* Run the checker; print and trace what it finds. */
static void check_vmcb(struct vcpu *v)
{
	struct vmcb_violation viol[VMCB_RULE_COUNT];
	unsigned i, n;

	n = vmcb_check(v->vmcb, &vcpu_check_env, viol, VMCB_RULE_COUNT);
	v->rules = 0;
	if (!n)
		return;
	kprintf("  VMCB check before VMRUN: %u rule(s) of APM2 15.5.1 "
		"broken\n", n);
	for (i = 0; i < n && i < VMCB_RULE_COUNT; i++) {
		v->rules |= 1u << viol[i].rule;
		kprintf("    %s: %s\n", vmcb_rule_id(viol[i].rule),
			viol[i].detail);
	}
	trace_begin("vmcb_check");
	trace_str("guest", v->name);
	trace_arr_begin("rules");
	for (i = 0; i < n && i < VMCB_RULE_COUNT; i++)
		trace_str(0, vmcb_rule_id(viol[i].rule));
	trace_arr_end();
	trace_end();
}

/* The names of the rules in @p mask, space-separated, into @p buf. */
static void rule_names(uint32_t mask, char *buf, size_t n)
{
	unsigned r;
	size_t len = 0;

	buf[0] = 0;
	for (r = 0; r < VMCB_RULE_COUNT && len + 1 < n; r++)
		if (mask & (1u << r))
			len += (size_t)ksnprintf(buf + len, n - len, "%s%s",
						 len ? " " : "",
						 vmcb_rule_id(r));
}

/* VMEXIT_INVALID: VMRUN refused the VMCB; name the rules it breaks. */
static void exit_invalid(struct vcpu *v)
{
	char names[120];

	if (!vcpu_check_before_vmrun) {
		vcpu_stop(v, "VMEXIT_INVALID: VMRUN refused the VMCB (boot "
			  "with vmcbcheck=on to see which rules it breaks)");
		return;
	}
	rule_names(v->rules, names, sizeof(names));
	if (v->rules)
		vcpu_stop(v, "VMEXIT_INVALID: the VMCB breaks %s", names);
	else
		vcpu_stop(v, "VMEXIT_INVALID, yet the checker found no "
			  "broken rule");
}

/*
 * Count one exit of @p code in @p v's statistics.  A guest tends to
 * exit the same way again: the slot of the last exit is tried first.
 */
static void count_exit(struct vcpu *v, uint64_t code)
{
	struct exit_stat *s = &v->exit_stats[v->last_stat];
	unsigned i;

	if (s->count && s->code == code) {
		s->count++;
		return;
	}
	for (i = 0; i < VCPU_EXIT_KINDS; i++) {
		s = &v->exit_stats[i];
		if (s->count && s->code != code)
			continue;
		s->code = code;
		s->count++;
		v->last_stat = i;
		return;
	}
	v->exit_other++;
}

void vcpu_count_exits(struct vcpu *v, uint64_t code, unsigned n)
{
	code = svm_exit_code_normalize(code);
	while (n--) {
		v->exits++;
		count_exit(v, code);
	}
}

void vcpu_trace_exit_stats(const struct vcpu *v)
{
	unsigned i;

	trace_begin("exit_stats");
	trace_str("guest", v->name);
	trace_u64("total", v->exits);
	trace_obj_begin("codes");
	for (i = 0; i < VCPU_EXIT_KINDS && v->exit_stats[i].count; i++)
		trace_u64(svm_exit_name(v->exit_stats[i].code),
			  v->exit_stats[i].count);
	trace_obj_end();
	trace_u64("other", v->exit_other);
	trace_end();
}

/* One trace line and one text line per #VMEXIT. */
static void trace_exit(struct vcpu *v, uint64_t code)
{
	const struct vmcb_control *c = &v->vmcb->control;
	const struct vmcb_save *s = &v->vmcb->save;

	kprintf("  exit %u: %s (0x%llx) rip=0x%llx nrip=0x%llx "
		"info1=0x%llx info2=0x%llx\n", v->exits, svm_exit_name(code),
		(unsigned long long)c->exit_code, (unsigned long long)s->rip,
		(unsigned long long)c->next_rip,
		(unsigned long long)c->exit_info_1,
		(unsigned long long)c->exit_info_2);
	trace_begin("exit");
	trace_str("guest", v->name);
	trace_u64("n", v->exits);
	trace_u64("code", c->exit_code);
	trace_str("name", svm_exit_name(code));
	trace_u64("rip", s->rip);
	trace_u64("nrip", c->next_rip);
	trace_u64("info1", c->exit_info_1);
	trace_u64("info2", c->exit_info_2);
	trace_u64("intinfo", c->exit_int_info);
	trace_u64("intctl", c->int_ctl);
	trace_u64("intstate", c->int_state);
	trace_u64("asid", c->asid);
	trace_u64("gen", v->tlb.gen);
	trace_u64("tlb", c->tlb_control);
	if (code == SVM_EXIT_VMMCALL && !v->sev_es)
		trace_u64("rax", s->rax);       /* not a model SEV-ES guest's */
	exit_trace_decode(v);
	trace_end();
}

/* Trace the exit and hand it to its handler. */
static void dispatch(struct vcpu *v)
{
	const struct vmcb_control *c = &v->vmcb->control;
	uint64_t code = svm_exit_code_normalize(c->exit_code);

	if (v->exits == 1)
		v->first_exit = c->exit_code;
	count_exit(v, code);
	exit_decode(v, code);
	if (vcpu_trace_exits)
		trace_exit(v, code);
	if (code == SVM_EXIT_INVALID) {
		exit_invalid(v);
		return;
	}
	if (v->sev_es && code != SVM_EXIT_VMMCALL && vc_intercept(v))
		return;                 /* chapter 15: #VC, not a handler */
	if (code < NHANDLERS && exit_handlers[code]) {
		exit_handlers[code](v);
		return;
	}
	vcpu_stop(v, "unhandled exit %s (0x%llx): EXITINFO1=0x%llx "
		  "EXITINFO2=0x%llx at RIP 0x%llx", svm_exit_name(code),
		  (unsigned long long)c->exit_code,
		  (unsigned long long)c->exit_info_1,
		  (unsigned long long)c->exit_info_2,
		  (unsigned long long)v->vmcb->save.rip);
}

void vcpu_world_switch(struct vcpu *v)
{
	svm_world_switch(&v->regs, v->vmcb_pa, host_save_pa);
}

void vcpu_run_slice(struct vcpu *v)
{
	v->yield = SCHED_RUN;
	while (v->state == VCPU_RUNNING && v->yield == SCHED_RUN) {
		events_before_vmrun(v);
		if (v->state != VCPU_RUNNING)
			break;
		tlb_before_vmrun(v);
		if (vcpu_check_before_vmrun)
			check_vmcb(v);
		/* The timer (watchdog, time slice) counts the guest's time
		 * only: it runs from just before VMRUN to just after #VMEXIT,
		 * not while the hypervisor handles an exit or prints. */
		if (v->timer_left)
			lapic_timer_start(v->timer_left);
		svm_world_switch(&v->regs, v->vmcb_pa, host_save_pa);
		if (v->timer_left)
			v->timer_left = lapic_timer_pause();
		v->exits++;
		events_after_exit(v);
		dispatch(v);
		/* The timer may fire just as some other exit happens: the
		 * host takes its interrupt at STGI and no INTR exit follows.
		 * A one-shot timer will not fire again, so act on it now. */
		if (v->state == VCPU_RUNNING && v->yield == SCHED_RUN &&
		    lapic_timer_shots != v->watchdog_shots)
			handle_intr(v);
		if (v->state == VCPU_RUNNING && v->exits >= v->max_exits)
			vcpu_stop(v, "%u exits without finishing (runaway "
				  "guest)", v->exits);
	}
}

void vcpu_run(struct vcpu *v)
{
	events_run_begin(v);
	vcpu_run_slice(v);
	events_run_end(v);
}
