/*
 * events.c - chapters 9-11: events into the guest.
 *
 * Chapter 9 (APM2 §15.20 "Event Injection"): HC_INJECT puts an event in
 * EVENTINJ after the validator (event_refuse) agrees.  EVENTINJ is
 * delivered at VMRUN whatever the guest's RFLAGS.IF says.
 *
 * Chapter 10 (APM2 §15.21 "Interrupt and LDT Handling"): the hypervisor
 * keeps the events it owns pending and delivers each when the guest can
 * take it.  An external interrupt needs RFLAGS.IF = 1 and no interrupt
 * shadow; if the guest cannot take it yet, a dummy V_IRQ with the VINTR
 * intercept makes the processor exit the moment it could (the interrupt
 * window).  An NMI needs the previous NMI's handler to have IRETed: the
 * IRET intercept says it is about to, and one single step over the IRET
 * (RFLAGS.TF with the #DB intercept) says it has.  The watchdog is the
 * LAPIC timer: with V_INTR_MASKING and the INTR intercept, its interrupt
 * ends the guest's run whatever the guest does with RFLAGS.IF.
 *
 * Chapter 11 (APM2 §15.7.2 "Intercepts During IDT Interrupt Delivery"):
 * an exit that hits while the processor delivers an event leaves that
 * event in EXITINTINFO.  Unless a handler takes it, it is injected again
 * before the next VMRUN, so the guest sees it exactly once.  An exception
 * the hypervisor reflects at such a moment is combined with it by the
 * double-fault rules (event_merge).
 */
#include "vcpu.h"
#include "event.h"
#include "arch/cr.h"
#include "arch/lapic.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/lab.h"
#include "kernel/trace.h"
#include "lib/format.h"

unsigned vcpu_watchdog_ms = 500;

#define VEC_DB          1
#define VEC_PF          14
#define DR6_BS          (1ull << 14)    /* single-step */
#define PTE_P           1ull
#define PTE_PS          (1ull << 7)
#define PTE_ADDR        0x000FFFFFFFFFF000ull

static void trace_event(const char *kind, const struct vcpu *v, uint64_t ev)
{
	char desc[32];

	event_describe(ev, desc, sizeof(desc));
	trace_begin(kind);
	trace_str("guest", v->name);
	trace_u64("event", ev);
	trace_str("desc", desc);
	trace_u64("rip", v->vmcb->save.rip);
}

int vcpu_inject_event(struct vcpu *v, uint64_t ev, const char **why)
{
	struct event e = event_decode(ev);
	uint64_t *inj = &v->vmcb->control.event_inj;
	const char *bad = NULL;

	if (v->policy & HV_POLICY_INJECT)
		bad = event_refuse(ev, !!(v->vmcb->save.cr0 & CR0_PE), *inj);
	else if (*inj & SVM_EVTINJ_VALID)
		bad = "EVENTINJ already holds an event";
	else
		svm_eventinj_valid(ev, &bad);   /* sets bad only if VMRUN would refuse */
	if (bad) {
		*why = bad;
		trace_event("inject_refused", v, ev);
		trace_str("reason", bad);
		trace_end();
		return -1;
	}
	*inj = ev;
	if (!vcpu_trace_exits)
		return 0;
	trace_begin("inject");
	trace_str("guest", v->name);
	trace_str("type", event_type_name(e.type));
	trace_u64("vector", e.vector);
	if (e.has_error)
		trace_u64("error", e.error);
	else
		trace_null("error");
	trace_u64("rip", v->vmcb->save.rip);
	trace_end();
	return 0;
}

/* A chapter's hypercall from a guest of an earlier chapter stops it. */
int hc_allowed(struct vcpu *v, unsigned policy, const char *call,
	       unsigned chapter)
{
	if (v->policy & policy)
		return 1;
	vcpu_stop(v, "%s is chapter %u's hypercall", call, chapter);
	return 0;
}

/* Intercept @p bit of @p word off again, unless the guest asked for it. */
static void drop_intercept(uint32_t *word, uint32_t own, uint32_t bit)
{
	*word = (*word & ~bit) | (own & bit);
}

/* ---- chapter 9: injection on request ---------------------------------- */

uint64_t hc_inject(struct vcpu *v)
{
	uint64_t ev = v->hc.a0;
	struct event e = event_decode(ev);
	const char *why;

	if (!hc_allowed(v, HV_POLICY_INJECT, "HC_INJECT", 9))
		return HC_REFUSED;
	if (vcpu_inject_event(v, ev, &why) < 0) {
		kprintf("  injection refused: %s\n", why);
		return HC_REFUSED;
	}
	if (e.type == EVENT_EXCEPTION && e.vector == VEC_PF)
		v->vmcb->save.cr2 = v->hc.a1;
	/* With NRIPS a processor may push NRIP for a software interrupt. */
	if (e.type == EVENT_SOFT_INT && v->nrips)
		v->vmcb->control.next_rip = v->vmcb->save.rip;
	return HC_OK;
}

/* ---- chapter 10: interrupts and NMIs the hypervisor owns -------------- */

uint64_t hc_raise_irq(struct vcpu *v)
{
	uint64_t vec = v->hc.a0;

	if (!hc_allowed(v, HV_POLICY_VINTR, "HC_RAISE_IRQ", 10))
		return HC_REFUSED;
	if (vec < 32 || vec > 255)
		return HC_REFUSED;
	v->irq_pending[vec / 64] |= 1ull << (vec % 64);
	return HC_OK;
}

uint64_t hc_nmi(struct vcpu *v)
{
	uint64_t n = v->hc.a0;

	if (!hc_allowed(v, HV_POLICY_VINTR, "HC_NMI", 10))
		return HC_REFUSED;
	if (n < 1 || n > 4)
		return HC_REFUSED;
	v->nmi_pending += (unsigned)n;
	return HC_OK;
}

uint64_t hc_virq(struct vcpu *v)
{
	uint64_t arg = v->hc.a0;
	uint64_t *ctl = &v->vmcb->control.int_ctl;

	if (!hc_allowed(v, HV_POLICY_VINTR, "HC_VIRQ", 10))
		return HC_REFUSED;
	if (v->window || arg >> 13)
		return HC_REFUSED;
	/* LAB 10 BEGIN hc_virq: V_IRQ, V_INTR_VECTOR, V_INTR_PRIO, V_IGN_TPR */
	*ctl &= ~(INT_CTL_V_IRQ | INT_CTL_V_INTR_VECTOR_MASK |
		  INT_CTL_V_INTR_PRIO_MASK | INT_CTL_V_IGN_TPR);
	if (arg)
		*ctl |= INT_CTL_V_IRQ |
			((arg & 0xff) << INT_CTL_V_INTR_VECTOR_SHIFT) |
			(((arg >> HC_VIRQ_PRIO_SHIFT) & 0xf) <<
			 INT_CTL_V_INTR_PRIO_SHIFT) |
			(arg & HC_VIRQ_IGN_TPR ? INT_CTL_V_IGN_TPR : 0);
	/* LAB 10 END */
	return HC_OK;
}

/* The highest pending external interrupt vector, or -1. */
static int highest_irq(const struct vcpu *v)
{
	int w, b;

	for (w = 3; w >= 0; w--)
		for (b = 63; v->irq_pending[w] && b >= 0; b--)
			if (v->irq_pending[w] & (1ull << b))
				return w * 64 + b;
	return -1;
}

static void trace_window(const struct vcpu *v, int open)
{
	trace_begin("window");
	trace_str("guest", v->name);
	trace_bool("open", open);
	trace_u64("rip", v->vmcb->save.rip);
	trace_end();
}

/*
 * Ask for an exit the moment the guest could take an interrupt: a
 * virtual interrupt that ignores V_TPR, with the VINTR intercept, so it
 * is never taken but its delivery point is reported (exit 64h).
 */
static void open_window(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;

	if (v->window)
		return;
	c->int_ctl |= INT_CTL_V_IRQ | INT_CTL_V_IGN_TPR |
		      INT_CTL_V_INTR_PRIO_MASK;
	c->intercept_misc1 |= SVM_MISC1_VINTR;
	v->window = 1;
	trace_window(v, 1);
}

static void close_window(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;

	if (!v->window)
		return;
	c->int_ctl &= ~(INT_CTL_V_IRQ | INT_CTL_V_IGN_TPR |
			INT_CTL_V_INTR_PRIO_MASK | INT_CTL_V_INTR_VECTOR_MASK);
	drop_intercept(&c->intercept_misc1, v->own_misc1, SVM_MISC1_VINTR);
	v->window = 0;
	trace_window(v, 0);
}

/* Inject the highest pending interrupt if the guest can take it now. */
static void deliver_irq(struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;
	int vec = highest_irq(v);
	const char *why;

	/* LAB 10 BEGIN deliver_irq: inject when the guest can take it, else open the window */
	if (!(s->rflags & RFLAGS_IF) ||
	    (v->vmcb->control.int_state & INT_STATE_SHADOW)) {
		open_window(v);
		return;
	}
	close_window(v);
	v->irq_pending[vec / 64] &= ~(1ull << (vec % 64));
	if (vcpu_inject_event(v, event_encode(EVENT_INTR, (unsigned)vec, -1),
			      &why) < 0)
		vcpu_stop(v, "cannot inject INTR 0x%x: %s", vec, why);
	/* LAB 10 END */
}

/* The window opened: the guest can take an interrupt at this RIP. */
void handle_vintr(struct vcpu *v)
{
	/* LAB 10 BEGIN handle_vintr: close the window; the loop injects */
	close_window(v);
	/* LAB 10 END */
}

static void deliver_nmi(struct vcpu *v)
{
	const char *why;

	/* LAB 10 BEGIN deliver_nmi: one NMI, then blocked until its IRET */
	v->nmi_pending--;
	v->nmi_blocked = 1;
	v->vmcb->control.intercept_misc1 |= SVM_MISC1_IRET;
	if (vcpu_inject_event(v, event_encode(EVENT_NMI, 2, -1), &why) < 0)
		vcpu_stop(v, "cannot inject an NMI: %s", why);
	/* LAB 10 END */
}

static void trace_nmi_window(const struct vcpu *v, const char *phase)
{
	trace_begin("nmi_window");
	trace_str("guest", v->name);
	trace_str("phase", phase);
	trace_u64("rip", v->vmcb->save.rip);
	trace_u64("pending", v->nmi_pending);
	trace_end();
}

int events_nmi_iret(struct vcpu *v)
{
	struct vmcb *vm = v->vmcb;

	if (!v->nmi_blocked || v->nmi_stepping)
		return 0;
	/* LAB 10 BEGIN events_nmi_iret: step over the IRET that ends the NMI handler */
	/*
	 * The exit comes before the IRET.  NMIs stay blocked until it has
	 * completed: single-step it, and the #DB trap after it tells us.
	 */
	vm->save.rflags |= RFLAGS_TF;
	vm->control.intercept_exceptions |= 1u << VEC_DB;
	drop_intercept(&vm->control.intercept_misc1, v->own_misc1,
		       SVM_MISC1_IRET);
	v->nmi_stepping = 1;
	/* LAB 10 END */
	trace_nmi_window(v, "iret");
	return 1;
}

int events_nmi_step(struct vcpu *v)
{
	struct vmcb *vm = v->vmcb;

	if (!v->nmi_stepping)
		return 0;
	/* LAB 10 BEGIN events_nmi_step: the IRET is done; NMIs are open */
	/* The IRET loaded RFLAGS (and TF) from the NMI's frame already. */
	vm->save.dr6 &= ~DR6_BS;
	drop_intercept(&vm->control.intercept_exceptions, v->own_exceptions,
		       1u << VEC_DB);
	v->nmi_stepping = 0;
	v->nmi_blocked = 0;
	/* LAB 10 END */
	trace_nmi_window(v, "open");
	return 1;
}

/* ---- chapter 11: EXITINTINFO ------------------------------------------ */

/* Deliver the interrupted event again. */
static void reinject(struct vcpu *v)
{
	uint64_t ev = v->exitintinfo;
	struct event e = event_decode(ev);
	struct insn in;
	const char *why;

	v->exitintinfo = 0;
	trace_event("reinject", v, ev);
	trace_end();
	/* LAB 11 BEGIN reinject: deliver EXITINTINFO again, once */
	/*
	 * A software interrupt's frame returns after the INTn, but the exit
	 * left RIP at the INTn (a fault in its delivery restarts it): step
	 * over it, as the INTn intercept does (chapter 5).
	 */
	if (e.type == EVENT_SOFT_INT) {
		if (vcpu_fetch_insn(v, &in) < 0) {
			vcpu_stop(v, "cannot re-inject INT 0x%x: no instruction "
				  "decodes at RIP 0x%llx", e.vector,
				  (unsigned long long)v->vmcb->save.rip);
			return;
		}
		v->vmcb->save.rip += in.len;
		if (v->nrips)
			v->vmcb->control.next_rip = v->vmcb->save.rip;
	}
	if (vcpu_inject_event(v, ev & ~EVENT_RESERVED_BITS, &why) < 0)
		vcpu_stop(v, "cannot re-inject EXITINTINFO 0x%llx: %s",
			  (unsigned long long)ev, why);
	/* LAB 11 END */
}

/* An event the hypervisor owns must not be lost: queue it again. */
static void requeue(struct vcpu *v, uint64_t ev)
{
	struct event e = event_decode(ev);

	if (e.type == EVENT_INTR)
		v->irq_pending[e.vector / 64] |= 1ull << (e.vector % 64);
	else if (e.type == EVENT_NMI)
		v->nmi_pending++;
}

void events_reflect(struct vcpu *v, unsigned vector, long err)
{
	/* In real mode no exception pushes an error code (APM2 §8.2), and
	 * EVENTINJ must not carry one (chapter 17's fuzzer found #GP
	 * reflected with its error code into a real-mode guest). */
	int pm = !!(v->vmcb->save.cr0 & CR0_PE);
	uint64_t first = v->exitintinfo;
	uint64_t second = event_encode(EVENT_EXCEPTION, vector,
				       pm ? err : -1);
	enum merge_result m = MERGE_SECOND;
	const char *why;
	static const char *const names[] = { "second", "double-fault",
					     "shutdown" };

	if (first && (v->policy & HV_POLICY_REINJECT)) {
		v->exitintinfo = 0;
		m = event_merge(first, second);
		trace_event("merge", v, first);
		trace_u64("second", second);
		trace_str("result", names[m]);
		trace_end();
		if (m == MERGE_SECOND)
			requeue(v, first);
	}
	if (m == MERGE_SHUTDOWN) {
		vcpu_stop(v, "triple fault: exception %u while delivering "
			  "#DF (the processor would shut down)", vector);
		return;
	}
	if (m == MERGE_DOUBLE_FAULT)
		second = event_encode(EVENT_EXCEPTION, 8, pm ? 0 : -1);
	if (vcpu_inject_event(v, second, &why) < 0)
		vcpu_stop(v, "cannot reflect exception %u: %s", vector, why);
}

/* The guest's paging entry that maps @p gva (4-level), or NULL. */
static uint64_t *leaf_entry(struct vcpu *v, uint64_t gva, uint64_t *size)
{
	uint64_t table = v->vmcb->save.cr3 & PTE_ADDR;
	unsigned level, shift;
	uint64_t *e = 0;

	for (level = 4; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		e = vcpu_guest_phys(v, gpa(table + ((gva >> shift) & 511) * 8),
				    8);
		if (!e || !(*e & PTE_P))
			return 0;
		if (level == 1 || (level <= 3 && (*e & PTE_PS))) {
			*size = 1ull << shift;
			return e;
		}
		table = *e & PTE_ADDR;
	}
	return 0;
}

uint64_t hc_page_out(struct vcpu *v)
{
	uint64_t gva = v->hc.a0, size = 0;
	uint64_t *e;

	if (!hc_allowed(v, HV_POLICY_REINJECT, "HC_PAGE_OUT", 11))
		return HC_REFUSED;
	e = leaf_entry(v, gva, &size);
	if (v->paged_out || !e)
		return HC_REFUSED;
	*e &= ~PTE_P;
	v->paged_out = e;
	v->paged_out_size = size;
	v->paged_out_gva = gva & ~(size - 1);
	v->vmcb->control.intercept_exceptions |= 1u << VEC_PF;
	vcpu_invlpga(v, v->paged_out_gva, "page_out");
	trace_begin("page_out");
	trace_str("guest", v->name);
	trace_u64("gva", v->paged_out_gva);
	trace_u64("size", size);
	trace_end();
	return HC_OK;
}

int events_page_in(struct vcpu *v)
{
	uint64_t cr2 = v->vmcb->control.exit_info_2;

	if (!v->paged_out || cr2 < v->paged_out_gva ||
	    cr2 - v->paged_out_gva >= v->paged_out_size)
		return 0;
	*v->paged_out |= PTE_P;
	v->paged_out = 0;
	drop_intercept(&v->vmcb->control.intercept_exceptions,
		       v->own_exceptions, 1u << VEC_PF);
	/* No INVLPGA: a TLB caches only present translations (APM2 §5.5.1),
	 * so the page's absence left nothing behind to flush. */
	trace_begin("page_in");
	trace_str("guest", v->name);
	trace_u64("gva", v->paged_out_gva);
	trace_u64("cr2", cr2);
	trace_u64("intinfo", v->exitintinfo);
	trace_end();
	/* Resume at the same RIP; EXITINTINFO, if any, is re-injected. */
	return 1;
}

/* ---- every chapter: the loop's hooks and the watchdog ----------------- */

void events_deliver(struct vcpu *v)
{
	if (v->vmcb->control.event_inj & SVM_EVTINJ_VALID)
		return;                 /* a handler injected already */
	if (v->exitintinfo) {
		reinject(v);
		return;
	}
	if (!(v->policy & HV_POLICY_VINTR))
		return;
	if (v->nmi_pending && !v->nmi_blocked) {
		deliver_nmi(v);
		return;
	}
	if (highest_irq(v) >= 0)
		deliver_irq(v);
}

unsigned vcpu_watchdog_ms_of(const struct vcpu *v)
{
	/* Under nested paging every first touch of a page is an exit, and
	 * chapter 14's isolation guests read all 8 MiB of their RAM: four
	 * times the time, so that a busy host does not stop them. */
	return v->nested ? 4 * vcpu_watchdog_ms : vcpu_watchdog_ms;
}

void events_run_begin(struct vcpu *v)
{
	v->watchdog_shots = lapic_timer_shots;
	v->start_tsc = rdtsc();
	/* The exit loop runs the timer while the guest runs (exit.c). */
	v->timer_left = lapic_ms_to_counts(vcpu_watchdog_ms_of(v));
}

void events_run_end(struct vcpu *v)
{
	v->timer_left = 0;
	lapic_timer_stop();
}

/*
 * INTR: the host took the interrupt at the STGI after #VMEXIT (vmrun.S).
 * If it was the watchdog's shot, the guest has run too long.
 */
void handle_intr(struct vcpu *v)
{
	uint64_t ticks = rdtsc() - v->start_tsc;

	/* LAB 10 BEGIN handle_intr: stop the guest whose watchdog fired */
	if (lapic_timer_shots == v->watchdog_shots)
		return;                 /* another interrupt: just resume */
	if (sched_preempt(v))
		return;                 /* chapter 12: the end of a slice */
	trace_begin("watchdog");
	trace_str("guest", v->name);
	trace_u64("ms", vcpu_watchdog_ms_of(v));
	trace_u64("rip", v->vmcb->save.rip);
	trace_u64("tsc", ticks);
	trace_end();
	vcpu_stop(v, "watchdog: still running after %u ms (watchdog=%u) "
		  "at RIP 0x%llx, %u exits", vcpu_watchdog_ms_of(v),
		  vcpu_watchdog_ms, (unsigned long long)v->vmcb->save.rip,
		  v->exits);
	/* LAB 10 END */
}

/* NMI: a physical NMI; the host took it at STGI.  Nothing to do here. */
void handle_nmi(struct vcpu *v)
{
	(void)v;
}
