/*
 * msr_denied.S - chapter 6: the MSR policy is deny by default.
 *
 * The hypervisor sets both bits of every MSR in the map's three ranges,
 * except the MSRs the VMCB holds for the guest (VMLOAD/VMSAVE switch
 * them).  So an MSR of the host platform, such as APIC_BASE (1Bh) or
 * MTRR_DEF_TYPE (2FFh), exits (7Ch) even though the guest asked for no
 * intercept, and the hypervisor, which emulates neither, injects #GP(0):
 * the guest never reads or changes the real register.  The guest checks
 * each #GP(0) and its RIP.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_apic:		.asciz "apic_base.read.vector"
k_mtrr:		.asciz "mtrr_def_type.write.vector"
msg_ok:		.asciz "APIC_BASE read and MTRR_DEF_TYPE write raised #GP(0)"
msg_bad:	.asciz "a host MSR access did not raise #GP(0) at the instruction"

	.set	MSR_APIC_BASE, 0x1b
	.set	MSR_MTRR_DEF_TYPE, 0x2ff

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	CATCH	1f
	mov	$MSR_APIC_BASE, %ecx
GUEST_LABEL(rdmsr_apic_base)
	rdmsr
	movq	$0, rt_resume(%rip)     /* reached only without a fault */
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_apic, %rbx
	CAUGHT_AT rdmsr_apic_base, 1, 13, 0
	mov	%eax, %r12d

	CATCH	1f
	mov	$MSR_MTRR_DEF_TYPE, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
GUEST_LABEL(wrmsr_mtrr_def_type)
	wrmsr
	movq	$0, rt_resume(%rip)
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_mtrr, %rbx
	CAUGHT_AT wrmsr_mtrr_def_type, 2, 13, 0
	and	%r12d, %eax
	VERDICT	msg_ok, msg_bad
	pop	%r12
	pop	%rbx
	ret
