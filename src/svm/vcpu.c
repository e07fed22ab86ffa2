/*
 * vcpu.c - what every exit handler needs: the guest's registers and
 * memory, stepping over an instruction, and injecting an event.
 */
#include "vcpu.h"
#include "vmcb_check.h"
#include "kernel/trace.h"

uint64_t *vcpu_gpr(struct vcpu *v, unsigned n)
{
	struct guest_regs *r = &v->regs;

	switch (n & 15) {
	case 0: return &v->vmcb->save.rax;
	case 1: return &r->rcx;
	case 2: return &r->rdx;
	case 3: return &r->rbx;
	case 4: return &v->vmcb->save.rsp;
	case 5: return &r->rbp;
	case 6: return &r->rsi;
	case 7: return &r->rdi;
	case 8: return &r->r8;
	case 9: return &r->r9;
	case 10: return &r->r10;
	case 11: return &r->r11;
	case 12: return &r->r12;
	case 13: return &r->r13;
	case 14: return &r->r14;
	default: return &r->r15;
	}
}

void *vcpu_guest_ptr(struct vcpu *v, uint64_t gva, uint64_t len)
{
	if (gva < v->guest_lo || gva > v->guest_hi ||
	    len > v->guest_hi - gva)
		return 0;
	return (void *)(uintptr_t)gva;
}

void vcpu_skip(struct vcpu *v)
{
	if (v->nrips)
		v->vmcb->save.rip = v->vmcb->control.next_rip;
	else if (v->x.have_insn)
		v->vmcb->save.rip += v->x.insn.len;
	else
		vcpu_stop(v, "cannot step over the instruction at RIP 0x%llx: "
			  "no NRIP and it does not decode",
			  (unsigned long long)v->vmcb->save.rip);
}

static const char *type_name(uint64_t type)
{
	switch (type) {
	case SVM_EVTINJ_TYPE_INTR: return "intr";
	case SVM_EVTINJ_TYPE_NMI: return "nmi";
	case SVM_EVTINJ_TYPE_EXCEPTION: return "exception";
	case SVM_EVTINJ_TYPE_SOFT_INT: return "soft-int";
	default: return "reserved";
	}
}

void vcpu_inject(struct vcpu *v, uint64_t type, unsigned vector, long err)
{
	uint64_t ev = SVM_EVTINJ_VALID | type | (vector & 0xff);
	const char *why;

	if (err >= 0)
		ev |= SVM_EVTINJ_EV | ((uint64_t)(uint32_t)err <<
				       SVM_EVTINJ_ERR_SHIFT);
	if (!svm_eventinj_valid(ev, &why)) {
		vcpu_stop(v, "cannot inject vector %u: %s", vector, why);
		return;
	}
	v->vmcb->control.event_inj = ev;
	trace_begin("inject");
	trace_str("guest", v->name);
	trace_str("type", type_name(type));
	trace_u64("vector", vector);
	if (err >= 0)
		trace_u64("error", (uint64_t)(uint32_t)err);
	else
		trace_null("error");
	trace_u64("rip", v->vmcb->save.rip);
	trace_end();
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, long err)
{
	vcpu_inject(v, SVM_EVTINJ_TYPE_EXCEPTION, vector, err);
}
