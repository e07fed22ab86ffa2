/*
 * crdr.c - chapter 8: CR and DR intercepts (APM2 §15.9 "Instruction
 * Intercepts"), and exception intercepts (§15.12).
 *
 * A MOV to or from CRn/DRn names a GPR.  With decode assists the
 * processor puts its number in EXITINFO1; without them (QEMU, Bochs) the
 * hypervisor reads the MOV itself (decode.c).  Writes are checked the
 * way the processor would check them, so a guest cannot use the
 * hypervisor to load a value that would make the next VMRUN fail.
 */
#include "vcpu.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "kernel/lab.h"

/* The bits of DR6 and DR7 that always read 0 (APM2 §13.1.1). */
#define DR6_FIXED0      (1ull << 12)
#define DR7_FIXED0      0xd800ull       /* bits 11, 12, 14, 15 */

/* The value the guest reads from CRn. */
static int cr_read(struct vcpu *v, int n, uint64_t *val)
{
	struct vmcb_save *s = &v->vmcb->save;

	switch (n) {
	case 0: *val = s->cr0; return 0;
	case 2: *val = s->cr2; return 0;
	case 3: *val = s->cr3; return 0;
	case 4: *val = s->cr4; return 0;
	case 8: *val = v->vmcb->control.int_ctl & 0xf; return 0;
	default: return -1;
	}
}

/* CR0: the checks of MOV CR0 (APM2 §3.1.1, MOV(CRn) in APM3). */
static int cr0_ok(const struct vcpu *v, uint64_t val)
{
	const struct vmcb_save *s = &v->vmcb->save;

	if (val >> 32)
		return 0;
	if ((val & CR0_NW) && !(val & CR0_CD))
		return 0;
	if ((val & CR0_PG) && !(val & CR0_PE))
		return 0;
	/* Paging cannot be turned off in 64-bit mode. */
	if ((s->efer & EFER_LMA) && !(val & CR0_PG))
		return 0;
	return 1;
}

/* CR4: only bits this processor defines; PAE stays on in long mode. */
static int cr4_ok(const struct vcpu *v, uint64_t val)
{
	if (val & ~vcpu_check_env.cr4_allowed)
		return 0;
	return !((v->vmcb->save.efer & EFER_LMA) && !(val & CR4_PAE));
}

/* CR3: no bit at or above MAXPHYADDR (PCIDE is never set here). */
static int cr3_ok(uint64_t val)
{
	return !(val >> vcpu_check_env.maxphyaddr);
}

/* Store @p val in CRn: 0, or -1 for #GP(0). */
static int cr_write(struct vcpu *v, int n, uint64_t val)
{
	struct vmcb_save *s = &v->vmcb->save;

	/* LAB 8 BEGIN cr_write: check like the processor, then store */
	switch (n) {
	case 0:
		if (!cr0_ok(v, val))
			return -1;
		if ((val ^ s->cr0) & (CR0_PG | CR0_WP | CR0_CD))
			vcpu_tlb_need(v, TLB_NEED_GUEST);
		s->cr0 = val;
		return 0;
	case 2:
		s->cr2 = val;
		return 0;
	case 3:
		if (!cr3_ok(val))
			return -1;
		/* A new CR3 in the VMCB does not flush this ASID's TLB;
		 * MOV CR3 flushes the non-global entries. */
		vcpu_tlb_need(v, TLB_NEED_NONGLOBAL);
		s->cr3 = val;
		return 0;
	case 4:
		if (!cr4_ok(v, val))
			return -1;
		if ((val ^ s->cr4) & (CR4_PGE | CR4_PAE | CR4_PSE))
			vcpu_tlb_need(v, TLB_NEED_GUEST);
		s->cr4 = val;
		return 0;
	case 8:
		if (val > 15)
			return -1;
		v->vmcb->control.int_ctl =
			(v->vmcb->control.int_ctl & ~0xfull) | val;
		return 0;
	default:
		return -1;
	}
	/* LAB 8 END */
}

/* The GPR of a MOV CR/DR, or stop the guest if it is not known. */
static uint64_t *mov_gpr(struct vcpu *v)
{
	if (v->x.kind != DEC_CRDR || v->x.crdr.gpr < 0) {
		vcpu_stop(v, "%s%d %s at RIP 0x%llx: not a MOV the hypervisor "
			  "can decode", v->x.crdr.dr ? "DR" : "CR",
			  v->x.crdr.n, v->x.crdr.write ? "write" : "read",
			  (unsigned long long)v->vmcb->save.rip);
		return 0;
	}
	return vcpu_gpr(v, (unsigned)v->x.crdr.gpr);
}

void handle_cr(struct vcpu *v)
{
	uint64_t *gpr = mov_gpr(v), val;

	if (!gpr)
		return;
	if (v->x.crdr.write) {
		if (cr_write(v, v->x.crdr.n, *gpr) < 0) {
			vcpu_inject_exception(v, 13, 0);
			return;
		}
	} else {
		if (cr_read(v, v->x.crdr.n, &val) < 0) {
			vcpu_inject_exception(v, 6, -1);
			return;
		}
		*gpr = val;
	}
	vcpu_skip(v);
}

/* DRn as the guest sees it; DR4/DR5 are DR6/DR7 while CR4.DE = 0. */
static uint64_t *dr_slot(struct vcpu *v, int n)
{
	if (n == 4 || n == 5) {
		if (v->vmcb->save.cr4 & CR4_DE)
			return 0;
		n += 2;
	}
	if (n < 4)
		return &v->dr[n];
	if (n == 6)
		return &v->vmcb->save.dr6;
	if (n == 7)
		return &v->vmcb->save.dr7;
	return 0;
}

void handle_dr(struct vcpu *v)
{
	uint64_t *gpr = mov_gpr(v), *slot;
	int n = v->x.crdr.n;

	if (!gpr)
		return;
	slot = dr_slot(v, n);
	if (!slot) {
		vcpu_inject_exception(v, 6, -1);        /* DR4/5 with DE, DR8+ */
		return;
	}
	if (!v->x.crdr.write) {
		*gpr = *slot;
	} else if ((n >= 4) && (*gpr >> 32)) {
		vcpu_inject_exception(v, 13, 0);        /* DR6/7 bits 63:32 */
		return;
	} else if (n >= 4) {
		/* DR6 and DR7 keep their fixed bits (APM2 §13.1.1). */
		*slot = slot == &v->vmcb->save.dr6 ?
			(*gpr | DR6_FIXED1) & ~DR6_FIXED0 :
			(*gpr | DR7_FIXED1) & ~DR7_FIXED0;
	} else {
		*slot = *gpr;
	}
	vcpu_skip(v);
}

/*
 * An intercepted exception is reflected: the guest's own handler gets
 * it, with its error code and, for #PF, CR2.  #BP from INT3 is a trap:
 * the exit reports the INT3's own RIP, so step over it first, or the
 * guest would return to the INT3 forever.
 */
void handle_exception(struct vcpu *v)
{
	const struct exit_decode *x = &v->x;
	int vec = x->excp.vector;

	/* Chapters 10 and 11: exceptions the hypervisor caused itself. */
	if (vec == 1 && events_nmi_step(v))
		return;
	if (vec == 14 && events_page_in(v))
		return;
	/* LAB 8 BEGIN handle_exception: reflect it into the guest */
	if (vec == 14)
		v->vmcb->save.cr2 = x->excp.cr2;
	if (vec == 3 && x->have_insn && !x->insn.twobyte &&
	    x->insn.opcode == 0xcc)
		v->vmcb->save.rip += x->insn.len;
	events_reflect(v, (unsigned)vec,
		       x->excp.has_error ? (long)x->excp.error : -1);
	/* LAB 8 END */
}
