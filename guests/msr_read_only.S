/*
 * msr_read_only.S - chapter 6: the MSR permission map intercepts reads
 * of one MSR and lets its writes through.
 *
 * APM2 §15.11: each MSR of the map's three ranges has two bits, the even
 * one for RDMSR and the odd one for WRMSR.  This guest sets only the
 * read bit of SFMASK (C000_0084h).  Its WRMSR runs in the guest without
 * an exit; its RDMSR exits (7Ch, EXITINFO1 = 0) and the hypervisor
 * answers from the VMCB's SFMASK, which VMSAVE stored after the exit.
 * The guest checks that it reads back what it wrote.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_MSRS
	MSR_INTERCEPT 0xc0000084, GUEST_MSR_READ
GUEST_MSRS_END

	.section .rodata
k_written:	.asciz "sfmask.written"
k_read:		.asciz "sfmask.read"
msg_ok:		.asciz "RDMSR SFMASK returned what WRMSR wrote"
msg_bad:	.asciz "RDMSR SFMASK returned another value"

	/* RFLAGS bits SYSCALL would clear: TF IF DF AC (bits 63:32 MBZ). */
	.set	SFMASK_VALUE, 0x00040700

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$0xc0000084, %ecx
	mov	$SFMASK_VALUE, %eax
	xor	%edx, %edx
GUEST_LABEL(wrmsr_sfmask)
	wrmsr                           /* write bit clear: no exit */
	mov	$SFMASK_VALUE, %ebx
	REPORT	k_written, %rbx
	mov	$0xc0000084, %ecx
	xor	%eax, %eax
	mov	$-1, %edx               /* so that a stale EDX would show */
GUEST_LABEL(rdmsr_sfmask)
	rdmsr                           /* read bit set: exit 7Ch */
GUEST_LABEL(rdmsr_sfmask_end)
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	REPORT	k_read, %rbx
	cmp	$SFMASK_VALUE, %rbx
	VERDICT_IF e, msg_ok, msg_bad
	pop	%rbx
	ret
