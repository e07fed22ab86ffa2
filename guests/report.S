/*
 * report.S - chapter 4: a guest reports what it sees of itself.
 *
 * CPUID is not intercepted in chapter 4, so the guest sees the host
 * processor's CPUID (chapter 5 virtualises it).  It reports the vendor
 * string registers of leaf 0, the signature of leaf 1, its own RIP
 * (taken with call/pop, so it is the address the CPU executed) and its
 * CS, SS and CR0/CR4/EFER as the loader set them up.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ebx:	.asciz "cpuid.0.ebx"
k_edx:	.asciz "cpuid.0.edx"
k_ecx:	.asciz "cpuid.0.ecx"
k_sig:	.asciz "cpuid.1.eax"
k_rip:	.asciz "rip"
k_cs:	.asciz "cs"
k_ss:	.asciz "ss"
k_cr0:	.asciz "cr0"
k_cr4:	.asciz "cr4"
k_efer:	.asciz "efer"

GUEST_FUNC(guest_main)
	push	%rbx
	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%edx, %r12d
	mov	%ecx, %r13d
	REPORT	k_ebx, %rbx
	REPORT	k_edx, %r12
	REPORT	k_ecx, %r13
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%eax, %eax
	REPORT	k_sig, %rax
	call	1f
GUEST_LABEL(rip_probe)
1:	pop	%rbx
	REPORT	k_rip, %rbx
	mov	%cs, %ebx
	REPORT	k_cs, %rbx
	mov	%ss, %ebx
	REPORT	k_ss, %rbx
	mov	%cr0, %rbx
	REPORT	k_cr0, %rbx
	mov	%cr4, %rbx
	REPORT	k_cr4, %rbx
	mov	$0xC0000080, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	REPORT	k_efer, %rdx
	pop	%rbx
	ret
