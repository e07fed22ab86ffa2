/*
 * tsc_guest.h - the body shared by the chapter-5 guests rdtsc.S and
 * tsc_offset.S.
 *
 * TSC_GUEST prefix, poison
 *
 * defines a whole guest: guest_main reads the TSC twice, each RDTSC
 * between the global labels <prefix>_N and <prefix>_N_end (N = 1, 2),
 * reports the two values (tsc.1, tsc.2) and checks that both are at or
 * above HV_TSC_BASE (guest_abi.h) and that the second is after the
 * first.  With poison 1, RAX and RDX are all ones before each RDTSC, so
 * that a hypervisor which forgot to write them is seen.
 *
 * Include after guest.h; the .S file still names its own mode
 * (GUEST_MODE) and intercepts, if any.
 */
#ifndef SVMLAB_TSC_GUEST_H
#define SVMLAB_TSC_GUEST_H

/* One RDTSC between \label and \label_end; the 64-bit value in \reg. */
.macro TSC_READ label, reg, poison
	.if	\poison
	mov	$-1, %rax               /* the hypervisor must overwrite */
	mov	$-1, %rdx
	.endif
GUEST_LABEL(\label)
	rdtsc
GUEST_LABEL(\label\()_end)
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, \reg
.endm

.macro TSC_GUEST prefix, poison
	.section .rodata
k_tsc1:		.asciz "tsc.1"
k_tsc2:		.asciz "tsc.2"
m_ok:		.asciz "two TSC reads at or above HV_TSC_BASE, increasing"
m_low:		.asciz "a TSC read is below HV_TSC_BASE"
m_back:		.asciz "the second TSC read is not after the first"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	TSC_READ \prefix\()_1, %rbx, \poison
	TSC_READ \prefix\()_2, %r12, \poison
	REPORT	k_tsc1, %rbx
	REPORT	k_tsc2, %r12
	movabs	$HV_TSC_BASE, %rax
	cmp	%rax, %rbx
	jb	1f
	cmp	%rbx, %r12
	jbe	2f
	PASS	m_ok
	jmp	3f
1:	FAIL	m_low
	jmp	3f
2:	FAIL	m_back
3:	pop	%r12
	pop	%rbx
	ret
.endm

#endif
