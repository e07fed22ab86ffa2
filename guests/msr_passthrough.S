/*
 * msr_passthrough.S - chapter 6: an MSR whose bits are both clear.
 *
 * APM2 §15.11: with both bits of an MSR clear, RDMSR and WRMSR run in
 * the guest without an exit.  STAR (C000_0081h) is such an MSR here.
 * It is also part of the state VMLOAD and VMSAVE move (§15.5.2), so the
 * value the guest wrote reaches the VMCB's save area when the
 * hypervisor VMSAVEs the guest after an exit; the kernel reports that
 * VMCB field after the guest (msr_passthrough.vmcb.star).  The guest
 * checks that it reads back what it wrote.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_written:	.asciz "star.written"
k_read:		.asciz "star.read"
msg_ok:		.asciz "RDMSR STAR returned what WRMSR wrote"
msg_bad:	.asciz "RDMSR STAR returned another value"

	/* SYSRET CS base 1Bh, SYSCALL CS base 08h, legacy EIP 1234_5678h. */
	.set	STAR_HI, 0x001b0008
	.set	STAR_LO, 0x12345678

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$0xc0000081, %ecx
	mov	$STAR_LO, %eax
	mov	$STAR_HI, %edx
GUEST_LABEL(wrmsr_star)
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
GUEST_LABEL(rdmsr_star)
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	movabs	$(STAR_HI << 32) | STAR_LO, %rax
	REPORT	k_written, %rax
	REPORT	k_read, %rbx
	movabs	$(STAR_HI << 32) | STAR_LO, %rax
	cmp	%rax, %rbx
	VERDICT_IF e, msg_ok, msg_bad
	pop	%rbx
	ret
