/*
 * intercepts.c - chapter 5: the instruction intercepts (APM2 §15.9
 * "Instruction Intercepts", Appendix C).
 *
 * Each handler does what the instruction would have done, the way the
 * hypervisor wants the guest to see it, and steps over it (vcpu_skip:
 * NRIP with NRIPS, else the decoded length).  The SVM instructions are
 * not for guests: they raise #UD, as on a processor without SVM.
 */
#include "vcpu.h"
#include "guest_abi.h"
#include "arch/cr.h"
#include "arch/x86.h"
#include "kernel/lab.h"
#include "lib/string.h"

/* CPUID Fn8000_0001 ECX[2]: SVM; Fn0000_0001 ECX[31]: hypervisor. */
#define CPUID_1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_1_ECX_XSAVE       (1u << 26)
#define CPUID_E1_ECX_SVM        (1u << 2)

/**
 * The CPUID a guest sees: the host's, with a hypervisor present, the
 * hypervisor's own leaves at 4000_0000h, and SVM hidden.
 */
static inline struct cpuid_regs cpuid_for_guest(uint32_t leaf,
						uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	/* LAB 5 BEGIN hv_cpuid: what the guest's CPUID returns */
	if ((leaf & 0xf0000000u) == 0x40000000u) {
		/* The hypervisor range: only our two leaves exist. */
		if (leaf == 0x40000000u) {
			r.eax = HV_CPUID_LEAF_MAX;
			r.ebx = HV_CPUID_SIG_EBX;
			r.ecx = HV_CPUID_SIG_ECX;
			r.edx = HV_CPUID_SIG_EDX;
		} else if (leaf == 0x40000001u) {
			r.eax = HV_CPUID_FEATURES;
		}
		return r;
	}
	r = cpuid(leaf, subleaf);
	if (leaf == 1)
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
	if (leaf == 0x80000001u)
		r.ecx &= ~CPUID_E1_ECX_SVM;
	if (leaf == 0x8000000au)
		r.eax = r.ebx = r.ecx = r.edx = 0;
	/* LAB 5 END */
	return r;
}

/* The same, out of line: the GHCB's CPUID request (vmgexit.c). */
struct cpuid_regs hv_cpuid(uint32_t leaf, uint32_t subleaf)
{
	return cpuid_for_guest(leaf, subleaf);
}

/* Write a 32-bit result the way the instruction does: upper half 0. */
static void set32(struct vcpu *v, unsigned gpr, uint32_t value)
{
	*vcpu_gpr(v, gpr) = value;
}

void handle_cpuid(struct vcpu *v)
{
	struct cpuid_regs r = cpuid_for_guest(v->x.cpuid.leaf,
					      v->x.cpuid.subleaf);

	/* As set32 would, without looking the registers up: a hot path
	 * (chapter 16). */
	v->vmcb->save.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip(v);
}

/* The guest's TSC: the host's plus TSC_OFFSET, as the CPU would add. */
static void put_tsc(struct vcpu *v)
{
	uint64_t t = rdtsc() + v->vmcb->control.tsc_offset;

	set32(v, 0, (uint32_t)t);
	set32(v, 2, (uint32_t)(t >> 32));
}

void handle_rdtsc(struct vcpu *v)
{
	put_tsc(v);
	vcpu_skip(v);
}

void handle_rdtscp(struct vcpu *v)
{
	put_tsc(v);
	set32(v, 1, HV_TSC_AUX);
	vcpu_skip(v);
}

/* RDPMC: a PMU with HV_PMC_COUNT counters that never count. */
void handle_rdpmc(struct vcpu *v)
{
	if ((uint32_t)v->regs.rcx >= HV_PMC_COUNT) {
		vcpu_inject_exception(v, 13, 0);
		return;
	}
	set32(v, 0, 0);
	set32(v, 2, 0);
	vcpu_skip(v);
}

/*
 * INVD, WBINVD, PAUSE, MONITOR, MWAIT: nothing the guest could observe
 * needs doing (a guest's INVD must not drop the host's dirty lines, so
 * it becomes WBINVD; MWAIT returns at once, as it may).
 */
void handle_step_over(struct vcpu *v)
{
	if (v->x.code == SVM_EXIT_INVD || v->x.code == SVM_EXIT_WBINVD)
		wbinvd();
	vcpu_skip(v);
}

/*
 * XSETBV: #UD without CR4.OSXSAVE; XCR0 must keep x87 (bit 0), AVX needs
 * SSE, only bits the processor has.  The value is recorded, not loaded:
 * the host never uses XSAVE state, and switching XCR0 around VMRUN would
 * need CR4.OSXSAVE in the host (a later chapter's concern).
 */
void handle_xsetbv(struct vcpu *v)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->vmcb->save.rax;
	uint64_t supported = 0;

	if (!(v->vmcb->save.cr4 & CR4_OSXSAVE)) {
		vcpu_inject_exception(v, 6, -1);
		return;
	}
	if (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE) {
		struct cpuid_regs d = cpuid(0xd, 0);

		supported = ((uint64_t)d.edx << 32) | d.eax;
	}
	if ((uint32_t)v->regs.rcx != 0 || !(value & 1) ||
	    (value & ~supported) || ((value & 4) && !(value & 2))) {
		vcpu_inject_exception(v, 13, 0);
		return;
	}
	v->xcr0 = value;
	vcpu_skip(v);
}

/* INVLPG: flush the guest's page in the guest's ASID only. */
void handle_invlpg(struct vcpu *v)
{
	if (!v->x.have_insn || v->x.insn.mod == 3) {
		vcpu_stop(v, "INVLPG at RIP 0x%llx does not decode",
			  (unsigned long long)v->vmcb->save.rip);
		return;
	}
	vcpu_invlpga(v, v->x.addr, "invlpg");
	vcpu_skip(v);
}

/* The operand size of PUSHF/POPF: 8 in 64-bit mode, 2 with 66h. */
static unsigned stack_size(const struct vcpu *v)
{
	return v->x.have_insn && v->x.insn.opsize == 2 ? 2 : 8;
}

void handle_pushf(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	unsigned n = stack_size(v);
	uint64_t flags = s->rflags & ~(RFLAGS_RF | RFLAGS_VM);
	uint8_t *sp = vcpu_guest_ptr(v, s->rsp - n, n);

	if (!sp) {
		vcpu_stop(v, "PUSHF: the stack at 0x%llx is outside the guest",
			  (unsigned long long)s->rsp);
		return;
	}
	memcpy(sp, &flags, n);
	s->rsp -= n;
	vcpu_skip(v);
}

/* The RFLAGS bits POPF may change at CPL 0 (APM3 POPF). */
#define POPF_MASK (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF |       \
		   RFLAGS_SF | RFLAGS_TF | RFLAGS_IF | RFLAGS_DF |       \
		   RFLAGS_OF | RFLAGS_IOPL_MASK | RFLAGS_NT | RFLAGS_AC | \
		   RFLAGS_ID)

void handle_popf(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	unsigned n = stack_size(v);
	uint64_t value = 0, mask = n == 2 ? POPF_MASK & 0xffff : POPF_MASK;
	const uint8_t *sp = vcpu_guest_ptr(v, s->rsp, n);

	if (!sp) {
		vcpu_stop(v, "POPF: the stack at 0x%llx is outside the guest",
			  (unsigned long long)s->rsp);
		return;
	}
	memcpy(&value, sp, n);
	s->rsp += n;
	s->rflags = ((s->rflags & ~mask & ~RFLAGS_RF) | (value & mask)) |
		    RFLAGS_FIXED1;
	vcpu_skip(v);
}

/*
 * INTn: step over it, then deliver the software interrupt it asked for
 * (EVENTINJ type 4), so the guest's handler returns after the INT.
 */
void handle_intn(struct vcpu *v)
{
	uint8_t op = v->x.have_insn && !v->x.insn.twobyte ?
		     (uint8_t)v->x.insn.opcode : 0;

	/*
	 * INT3 (CCh) and INTO (CEh) raise #BP and #OF, exceptions, not an
	 * INTn exit; QEMU 7.2 exits with 75h for them when this intercept
	 * is set (chapter 17, guests/fuzz_regress_int3.S).  Deliver what
	 * the processor would have: the trap, after the instruction (INTO
	 * only with RFLAGS.OF set), as handle_exception does for #BP.
	 */
	if (op == 0xcc || op == 0xce) {
		vcpu_skip(v);
		if (op == 0xcc || (v->vmcb->save.rflags & RFLAGS_OF))
			events_reflect(v, op == 0xcc ? 3 : 4, -1);
		return;
	}
	if (op != 0xcd) {
		vcpu_stop(v, "INTn exit, but no INT n at RIP 0x%llx",
			  (unsigned long long)v->vmcb->save.rip);
		return;
	}
	vcpu_skip(v);
	/* With NRIPS, a processor may take a software interrupt's return
	 * address from NRIP: make it the RIP we resume at. */
	if (v->nrips)
		v->vmcb->control.next_rip = v->vmcb->save.rip;
	vcpu_inject(v, SVM_EVTINJ_TYPE_SOFT_INT, v->x.insn.imm, -1);
}

/*
 * IRET: the exit comes before the IRET executes.  Noting it and letting
 * it run means clearing the intercept and resuming at the IRET itself
 * (chapter 10 uses this to learn when an NMI handler is done).
 */
void handle_iret(struct vcpu *v)
{
	if (events_nmi_iret(v))
		return;
	v->vmcb->control.intercept_misc1 &= ~SVM_MISC1_IRET;
}

/* ICEBP (F1): the guest's own #DB handler gets the trap. */
void handle_icebp(struct vcpu *v)
{
	vcpu_skip(v);
	vcpu_inject_exception(v, 1, -1);
}

/* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA: #UD, as without SVM. */
void handle_svm_insn(struct vcpu *v)
{
	vcpu_inject_exception(v, 6, -1);
}
