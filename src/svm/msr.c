/*
 * msr.c - chapter 6: RDMSR and WRMSR exits (APM2 §15.11 "MSR
 * Intercepts"), and the hypervisor's MSR policy.
 *
 * The policy is deny by default: every MSR of the map's ranges exits but
 * those the VMCB holds (STAR, LSTAR, ..., switched by VMLOAD/VMSAVE), so
 * a guest can never reach the host's MTRRs, APIC base or SYSCFG.  Among
 * the intercepted ones the hypervisor emulates:
 *   - EFER, to virtualise it: VMRUN requires EFER.SVME in the guest's
 *     EFER (APM2 §15.5.1), so a guest that clears SVME must not clear the
 *     real bit.  The guest sees a shadow holding what it wrote; SVM is
 *     hidden from it (CPUID), so setting SVME is refused like any
 *     reserved bit;
 *   - the VMCB-held MSRs a guest's MSR list asks to intercept
 *     (guest_abi.h), against the VMCB's save area;
 *   - two MSRs outside the map's ranges, which always exit: HV_MSR_ID
 *     and HV_MSR_SCRATCH.
 * Everything else, VM_CR and VM_HSAVE_PA included (the SVM MSRs of a
 * processor the guest is told has no SVM), raises #GP(0).
 */
#include "vcpu.h"
#include "guest_abi.h"
#include "msrpm.h"
#include "guest.h"
#include "svm.h"
#include "ghcb_abi.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "lib/format.h"

/* A read or write of an MSR the VMCB's save area holds. */
static uint64_t *vmcb_msr(struct vmcb_save *s, uint32_t msr)
{
	switch (msr) {
	case MSR_STAR: return &s->star;
	case MSR_LSTAR: return &s->lstar;
	case MSR_CSTAR: return &s->cstar;
	case MSR_SFMASK: return &s->sfmask;
	case MSR_FS_BASE: return &s->fs.base;
	case MSR_GS_BASE: return &s->gs.base;
	case MSR_KERNEL_GS_BASE: return &s->kernel_gs_base;
	case MSR_SYSENTER_CS: return &s->sysenter_cs;
	case MSR_SYSENTER_ESP: return &s->sysenter_esp;
	case MSR_SYSENTER_EIP: return &s->sysenter_eip;
	default: return 0;
	}
}

/*
 * A WRMSR of an address MSR must hold a canonical address (48-bit: bits
 * 63:47 all equal), or it raises #GP; a non-canonical value must never
 * reach the real MSR through VMLOAD.
 */
static int canonical_ok(uint32_t msr, uint64_t val)
{
	int64_t top = (int64_t)val >> 47;

	if (msr == MSR_STAR || msr == MSR_SFMASK || msr == MSR_SYSENTER_CS)
		return 1;
	return top == 0 || top == -1;
}

/* The EFER bits a guest may change: SCE and NXE. */
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_NXE)

/* WRMSR EFER: 0 if accepted, -1 for #GP. */
static int write_efer(struct vcpu *v, uint64_t value)
{
	if ((value ^ v->efer) & ~EFER_GUEST_WRITABLE)
		return -1;
	if (value & ~vcpu_check_env.efer_allowed)
		return -1;              /* e.g. NXE on a processor without NX */
	v->efer = value;
	v->vmcb->save.efer = value | EFER_SVME;
	return 0;
}

int msr_emulate(struct vcpu *v, uint32_t msr, int write, uint64_t *val)
{
	uint64_t *field = vmcb_msr(&v->vmcb->save, msr);

	if (msr == MSR_EFER) {
		if (write)
			return write_efer(v, *val);
		*val = v->efer;
		return 0;
	}
	if (field) {
		if (write && !canonical_ok(msr, *val))
			return -1;
		if (write)
			*field = *val;
		else
			*val = *field;
		return 0;
	}
	if (msr == HV_MSR_ID && !write) {
		*val = HV_MSR_ID_VALUE;
		return 0;
	}
	if (msr == HV_MSR_SCRATCH) {
		if (write)
			v->msr_scratch = *val;
		else
			*val = v->msr_scratch;
		return 0;
	}
	if (msr == MSR_GHCB && (v->policy & HV_POLICY_GHCB)) {
		/* Chapter 15: the hardware's part.  Under SEV-ES the guest's
		 * GHCB MSR is in its encrypted state, and VMGEXIT copies it to
		 * the VMCB's GHCB GPA field; VMRUN loads the answer back. */
		if (write)
			v->vmcb->control.ghcb_gpa = *val;
		else
			*val = v->vmcb->control.ghcb_gpa;
		return 0;
	}
	return -1;      /* VM_CR, VM_HSAVE_PA, HV_MSR_ID writes, unknown */
}

void handle_msr(struct vcpu *v)
{
	const struct exit_decode *x = &v->x;
	uint64_t val = x->msr.value;

	if (x->kind != DEC_MSR ||
	    msr_emulate(v, x->msr.msr, x->msr.write, &val) < 0) {
		vcpu_inject_exception(v, 13, 0);
		return;
	}
	if (!x->msr.write) {
		*vcpu_gpr(v, 0) = (uint32_t)val;
		*vcpu_gpr(v, 2) = val >> 32;
	}
	vcpu_skip(v);
}

/*
 * Deny by default: every MSR of the three ranges exits, except those the
 * VMCB already holds for the guest (VMLOAD and VMSAVE switch them), which
 * pass through.  Then the guest's list adds intercepts.
 */
int msr_policy_load(struct vcpu *v, const uint32_t *list, char *err,
		    size_t n)
{
	static const uint32_t first[] = { 0, 0xc0000000u, 0xc0010000u };
	static const uint32_t swapped[] = {
		MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_FS_BASE,
		MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_SYSENTER_CS,
		MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
	};
	unsigned i, m;

	v->msrpm = pages_alloc(MSRPM_BYTES / PAGE_SIZE);
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		for (m = 0; m < MSRPM_RANGE_MSRS; m++)
			msrpm_set(v->msrpm, first[i] + m,
				  MSRPM_READ | MSRPM_WRITE, 1);
	for (i = 0; i < sizeof(swapped) / sizeof(swapped[0]); i++)
		msrpm_set(v->msrpm, swapped[i], MSRPM_READ | MSRPM_WRITE, 0);
	for (; list && list[1]; list += 2) {
		if (msrpm_set(v->msrpm, list[0], list[1] & (MSRPM_READ |
				MSRPM_WRITE), 1) < 0) {
			ksnprintf(err, n, "MSR 0x%x is outside the permission "
				  "map's ranges (it always exits)", list[0]);
			return -1;
		}
	}
	v->vmcb->control.msrpm_base_pa = hpa_of(v->msrpm);
	v->vmcb->control.intercept_misc1 |= SVM_MISC1_MSR_PROT;
	v->efer = v->vmcb->save.efer & ~EFER_SVME;
	return 0;
}
