/*
 * hypercall.c - the VMMCALL ABI of guest_abi.h (exit 81h).
 *
 * RAX (in the VMCB) selects the call, RDI and RSI (saved by the world
 * switch) carry the arguments.  A string argument is copied out of the
 * guest's window; a pointer outside it stops the guest.
 */
#include "vcpu.h"
#include "guest_abi.h"
#include "dev/console.h"
#include "kernel/trace.h"

/* A call returns what the guest finds in RAX (HC_OK, HC_REFUSED). */
typedef uint64_t hypercall_fn(struct vcpu *v);

/*
 * A byte of guest text as the host may print it.  Keys and messages go
 * to the serial line that carries the trace (docs/trace-format.md), and
 * the trace parser takes "@svmlab " anywhere in a line as the start of
 * an event: a guest that could print a newline, or an '@', could write
 * trace events of its own (chapter 17).  Every byte outside printable
 * ASCII, and every '@', is shown as '?' (io.c does the same for the
 * guest's console).
 */
static char printable(char c)
{
	return c >= 0x20 && c < 0x7f && c != '@' ? c : '?';
}

/* Copy the guest string at @p gva into @p buf; -1 if it is not one. */
static int guest_string(struct vcpu *v, uint64_t gva, char *buf)
{
	unsigned i;

	for (i = 0; i < HC_STRING_MAX; i++) {
		const char *c = vcpu_guest_ptr(v, gva + i, 1);

		if (!c)
			return -1;
		if (!*c) {
			buf[i] = 0;
			return 0;
		}
		buf[i] = printable(*c);
	}
	return -1;
}

/* The string argument in RDI, or NULL after stopping the guest. */
static const char *string_arg(struct vcpu *v, char *buf)
{
	if (guest_string(v, vcpu_abi_arg(v, v->hc.a0), buf) == 0)
		return buf;
	vcpu_stop(v, "hypercall %llu: RDI=0x%llx is not a string of fewer "
		  "than %u bytes inside the guest",
		  (unsigned long long)v->hc.nr,
		  (unsigned long long)v->hc.a0, HC_STRING_MAX);
	return 0;
}

static uint64_t hc_done(struct vcpu *v)
{
	v->state = VCPU_DONE;
	return HC_OK;
}

void vcpu_report(const struct vcpu *v, const char *key, uint64_t value)
{
	kprintf("  report %s = %llu (0x%llx)\n", key,
		(unsigned long long)value, (unsigned long long)value);
	trace_begin("guest_report");
	trace_str("guest", v->name);
	trace_str("key", key);
	trace_u64("value", value);
	trace_end();
}

static uint64_t hc_report(struct vcpu *v)
{
	char key[HC_STRING_MAX];

	if (string_arg(v, key))
		vcpu_report(v, key, vcpu_abi_arg(v, v->hc.a1));
	return HC_OK;
}

/* HC_PASS and HC_FAIL: one of the guest's own checks. */
static void guest_verdict(struct vcpu *v, int ok)
{
	char msg[HC_STRING_MAX];

	if (!string_arg(v, msg))
		return;
	if (ok)
		v->passes++;
	else
		v->fails++;
	kprintf("  guest [%s] %s\n", ok ? "PASS" : "FAIL", msg);
	trace_begin("guest_check");
	trace_str("guest", v->name);
	trace_bool("ok", ok);
	trace_str("message", msg);
	trace_end();
}

static uint64_t hc_pass(struct vcpu *v)
{
	guest_verdict(v, 1);
	return HC_OK;
}

static uint64_t hc_fail(struct vcpu *v)
{
	guest_verdict(v, 0);
	return HC_OK;
}

static hypercall_fn *const hypercalls[] = {
	[HC_DONE] = hc_done,
	[HC_REPORT] = hc_report,
	[HC_PASS] = hc_pass,
	[HC_FAIL] = hc_fail,
	/* chapters 9-11: events.c */
	[HC_INJECT] = hc_inject,
	[HC_RAISE_IRQ] = hc_raise_irq,
	[HC_NMI] = hc_nmi,
	[HC_VIRQ] = hc_virq,
	[HC_PAGE_OUT] = hc_page_out,
	/* chapter 12: sched.c */
	[HC_YIELD] = hc_yield,
	[HC_PREEMPTED] = hc_preempted,
	/* chapter 13: nested.c; chapter 14: mmio_dev.c */
	[HC_NPT_SET] = hc_npt_set,
	[HC_NPF_INFO] = hc_npf_info,
	[HC_DIRTY_START] = hc_dirty_start,
	[HC_DIRTY_LIST] = hc_dirty_list,
	[HC_HV_ADDRESS] = hc_hv_address,
	/* chapter 15: vc.c */
	[HC_VC_PROBE] = hc_vc_probe,
};

#define NCALLS (sizeof(hypercalls) / sizeof(hypercalls[0]))

int hypercall_run(struct vcpu *v, uint64_t *ret)
{
	uint64_t nr = v->hc.nr;

	if (nr >= NCALLS || !hypercalls[nr]) {
		vcpu_stop(v, "unknown hypercall %llu in RAX (the ABI has "
			  "0 done, 1 report, 2 pass, 3 fail, 4 inject, "
			  "5 raise_irq, 6 nmi, 7 virq, 8 page_out, 9 yield, "
			  "10 preempted, 11 npt_set, 12 npf_info, "
			  "13 dirty_start, 14 dirty_list, 15 hv_address, "
			  "16 vc_probe)", (unsigned long long)nr);
		return -1;
	}
	*ret = hypercalls[nr](v);
	return v->state == VCPU_RUNNING ? 0 : -1;
}

void handle_vmmcall(struct vcpu *v)
{
	uint64_t ret;

	/* Chapter 15: VMGEXIT is VMMCALL with an F3 prefix, and exits as
	 * VMMCALL in a guest that is not SEV-ES (APM2 §15.35.6). */
	if ((v->policy & HV_POLICY_GHCB) && vmgexit_at_rip(v)) {
		handle_vmgexit(v);
		return;
	}
	if (v->sev_es && vc_intercept(v))
		return;                 /* its registers are not ours to read */
	v->hc.nr = v->vmcb->save.rax;
	v->hc.a0 = v->regs.rdi;
	v->hc.a1 = v->regs.rsi;
	/* Step over the VMMCALL first: an event a call injects returns to
	 * the instruction after it. */
	if (v->hc.nr < NCALLS && hypercalls[v->hc.nr])
		vcpu_skip_insn(v, 3);   /* VMMCALL is 0F 01 D9 */
	if (hypercall_run(v, &ret) == 0)
		v->vmcb->save.rax = ret;
}
