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
	lea	rdmsr_apic_base(%rip), %rdi
	mov	$1, %esi
	call	is_gp0_at
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
	lea	wrmsr_mtrr_def_type(%rip), %rdi
	mov	$2, %esi
	call	is_gp0_at
	and	%eax, %r12d
	jz	2f
	PASS	msg_ok
	jmp	3f
2:	FAIL	msg_bad
3:	pop	%r12
	pop	%rbx
	ret

/* #GP(0) at RIP %rdi as caught event number %rsi?  EAX = 1 or 0. */
is_gp0_at:
	xor	%eax, %eax
	cmp	rt_exc_count(%rip), %rsi
	jne	1f
	cmpq	$13, rt_exc_vector(%rip)
	jne	1f
	cmpq	$0, rt_exc_error(%rip)
	jne	1f
	cmp	rt_exc_rip(%rip), %rdi
	jne	1f
	inc	%eax
1:	ret
