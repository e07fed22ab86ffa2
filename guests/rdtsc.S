/*
 * rdtsc.S - chapter 5: RDTSC intercepted (exit 6Eh).
 *
 * APM2 §15.9 "Instruction Intercepts": with the RDTSC intercept set,
 * RDTSC exits and the hypervisor supplies EDX:EAX itself; svmlab
 * returns the host TSC plus the guest's TSC_OFFSET, so the guest sees
 * the same clock as without the intercept (tsc_offset.S), only slower.
 * The guest reads the TSC twice (each RDTSC between rdtsc_N and
 * rdtsc_N_end) and checks that both values are at or above HV_TSC_BASE
 * (guest_abi.h) and that the clock went forward.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_RDTSC)

	.section .rodata
k_tsc1:		.asciz "tsc.1"
k_tsc2:		.asciz "tsc.2"
m_ok:		.asciz "two TSC reads at or above HV_TSC_BASE, increasing"
m_low:		.asciz "a TSC read is below HV_TSC_BASE"
m_back:		.asciz "the second TSC read is not after the first"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	mov	$-1, %rax               /* the hypervisor must overwrite */
	mov	$-1, %rdx
GUEST_LABEL(rdtsc_1)
	rdtsc
GUEST_LABEL(rdtsc_1_end)
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rbx
	mov	$-1, %rax
	mov	$-1, %rdx
GUEST_LABEL(rdtsc_2)
	rdtsc
GUEST_LABEL(rdtsc_2_end)
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %r12
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
