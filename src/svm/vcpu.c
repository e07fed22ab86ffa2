/*
 * vcpu.c - what every exit handler needs: the guest's registers and
 * memory, stepping over an instruction, and injecting an event.
 */
#include "vcpu.h"
#include "vmcb_check.h"
#include "event.h"
#include "kernel/trace.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "seg.h"

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

unsigned vcpu_code_bits(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;

	if ((s->efer & EFER_LMA) && (s->cs.attrib & SEG_ATTR_L))
		return 64;
	if (!(s->cr0 & CR0_PE))
		return 16;
	return s->cs.attrib & SEG_ATTR_DB ? 32 : 16;
}

uint64_t vcpu_abi_arg(const struct vcpu *v, uint64_t reg)
{
	return vcpu_code_bits(v) == 64 ? reg : (uint32_t)reg;
}

void *vcpu_guest_ptr(struct vcpu *v, uint64_t gva, uint64_t len)
{
	if (v->nested)
		return nested_guest_ptr(v, gva, len);
	if (gva < v->guest_lo || gva > v->guest_hi ||
	    len > v->guest_hi - gva)
		return 0;
	/* The loader's page tables map the window linearly (guest.c). */
	return (void *)(uintptr_t)(v->mem_hpa + (gva - v->guest_lo));
}

void *vcpu_guest_phys(struct vcpu *v, gpa_t g, uint64_t len)
{
	uint64_t size = v->guest_hi - v->guest_lo;
	/* Before nested paging a guest-physical address is host-physical:
	 * the one place the two are equated. */
	hpa_t pa = gpa_raw(g);

	if (v->nested)
		return nested_host(v, g, len);
	if (pa < v->mem_hpa || pa - v->mem_hpa > size ||
	    len > size - (pa - v->mem_hpa))
		return 0;
	return (void *)(uintptr_t)pa;
}

void vcpu_skip_unknown(struct vcpu *v)
{
	vcpu_stop(v, "cannot step over the instruction at RIP 0x%llx: "
		  "no NRIP and it does not decode",
		  (unsigned long long)v->vmcb->save.rip);
}

void vcpu_inject(struct vcpu *v, uint64_t type, unsigned vector, long err)
{
	const char *why;

	if (vcpu_inject_event(v, event_encode((unsigned)(type >>
					      SVM_EVTINJ_TYPE_SHIFT), vector,
					      err), &why) < 0)
		vcpu_stop(v, "cannot inject vector %u: %s", vector, why);
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, long err)
{
	/* In real mode no exception pushes an error code (APM2 §8.2): the
	 * #GP(0) of an emulated RDMSR is a plain #GP there (chapter 17). */
	if (!(v->vmcb->save.cr0 & CR0_PE))
		err = -1;
	vcpu_inject(v, SVM_EVTINJ_TYPE_EXCEPTION, vector, err);
}
