/*
 * msr_svm_hidden.S - chapter 6: the SVM MSRs are hidden from the guest.
 *
 * The hypervisor tells the guest that it has no SVM (CPUID 8000_0001h
 * ECX[2] clear, chapter 5), so the MSRs that only SVM has must behave as
 * on such a processor: RDMSR or WRMSR of an unimplemented MSR is #GP(0)
 * (APM3 RDMSR, WRMSR).  VM_CR (C001_0114h) and VM_HSAVE_PA (C001_0117h)
 * lie in the map's third range; the hypervisor sets both of their bits
 * (APM2 §15.11), so every access exits (7Ch) and it injects #GP(0).
 * Passing VM_HSAVE_PA through would let the guest move the host's save
 * area (§15.30.4).  The guest checks each #GP(0) and its RIP.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_cr_rd:	.asciz "vm_cr.read.vector"
k_cr_wr:	.asciz "vm_cr.write.vector"
k_hs_rd:	.asciz "hsave.read.vector"
k_hs_wr:	.asciz "hsave.write.vector"
msg_cr_rd:	.asciz "RDMSR VM_CR raised #GP(0)"
msg_cr_rd_bad:	.asciz "RDMSR VM_CR did not raise #GP(0) at the RDMSR"
msg_cr_wr:	.asciz "WRMSR VM_CR raised #GP(0)"
msg_cr_wr_bad:	.asciz "WRMSR VM_CR did not raise #GP(0) at the WRMSR"
msg_hs_rd:	.asciz "RDMSR VM_HSAVE_PA raised #GP(0)"
msg_hs_rd_bad:	.asciz "RDMSR VM_HSAVE_PA did not raise #GP(0) at the RDMSR"
msg_hs_wr:	.asciz "WRMSR VM_HSAVE_PA raised #GP(0)"
msg_hs_wr_bad:	.asciz "WRMSR VM_HSAVE_PA did not raise #GP(0) at the WRMSR"

	.set	MSR_VM_CR, 0xc0010114
	.set	MSR_VM_HSAVE_PA, 0xc0010117

/* One access under CATCH, then the check of #GP(0) number \n at \insn. */
.macro EXPECT_GP insn, n, key, ok, bad
	movq	$0, rt_resume(%rip)     /* reached only without a fault */
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	\key, %rbx
	CAUGHT_AT \insn, \n, 13, 0
	VERDICT	\ok, \bad
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	CATCH	1f
	mov	$MSR_VM_CR, %ecx
GUEST_LABEL(rdmsr_vm_cr)
	rdmsr
	EXPECT_GP rdmsr_vm_cr, 1, k_cr_rd, msg_cr_rd, msg_cr_rd_bad

	CATCH	1f
	mov	$MSR_VM_CR, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
GUEST_LABEL(wrmsr_vm_cr)
	wrmsr
	EXPECT_GP wrmsr_vm_cr, 2, k_cr_wr, msg_cr_wr, msg_cr_wr_bad

	CATCH	1f
	mov	$MSR_VM_HSAVE_PA, %ecx
GUEST_LABEL(rdmsr_hsave)
	rdmsr
	EXPECT_GP rdmsr_hsave, 3, k_hs_rd, msg_hs_rd, msg_hs_rd_bad

	/* A page-aligned address in the guest's own window. */
	CATCH	1f
	mov	$MSR_VM_HSAVE_PA, %ecx
	mov	$0x500000, %eax
	xor	%edx, %edx
GUEST_LABEL(wrmsr_hsave)
	wrmsr
	EXPECT_GP wrmsr_hsave, 4, k_hs_wr, msg_hs_wr, msg_hs_wr_bad
	pop	%rbx
	ret
