/*
 * msr_write_only.S - chapter 6: the MSR permission map intercepts writes
 * of one MSR and lets its reads through.
 *
 * APM2 §15.11: the odd bit of an MSR's pair intercepts WRMSR.  This
 * guest sets only the write bit of LSTAR (C000_0082h).  Its WRMSR exits
 * (7Ch, EXITINFO1 = 1, the value in EDX:EAX); the hypervisor stores the
 * value in the VMCB's LSTAR, which VMLOAD puts in the real MSR before
 * the next VMRUN.  The RDMSR that follows does not exit and reads the
 * real MSR: the guest checks that it is the value it wrote.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_MSRS
	MSR_INTERCEPT 0xc0000082, GUEST_MSR_WRITE
GUEST_MSRS_END

	.section .rodata
k_written:	.asciz "lstar.written"
k_read:		.asciz "lstar.read"
msg_ok:		.asciz "RDMSR LSTAR returned what the intercepted WRMSR wrote"
msg_bad:	.asciz "RDMSR LSTAR returned another value"

	/* A canonical 64-bit address, both halves non-zero. */
	.set	LSTAR_HI, 0xffff8000
	.set	LSTAR_LO, 0x12345678

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$0xc0000082, %ecx
	mov	$LSTAR_LO, %eax
	mov	$LSTAR_HI, %edx
GUEST_LABEL(wrmsr_lstar)
	wrmsr                           /* write bit set: exit 7Ch */
GUEST_LABEL(wrmsr_lstar_end)
	movabs	$(LSTAR_HI << 32) | LSTAR_LO, %rbx
	REPORT	k_written, %rbx
	mov	$0xc0000082, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
GUEST_LABEL(rdmsr_lstar)
	rdmsr                           /* read bit clear: no exit */
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	REPORT	k_read, %rbx
	movabs	$(LSTAR_HI << 32) | LSTAR_LO, %rax
	cmp	%rax, %rbx
	VERDICT_IF e, msg_ok, msg_bad
	pop	%rbx
	ret
