/*
 * tsc_offset.S - chapter 5: RDTSC without an intercept, under TSC_OFFSET.
 *
 * APM2 §15.5.1 "Basic Operation" and the VMCB's TSC_OFFSET (050h): while
 * the guest runs, the processor adds TSC_OFFSET to every TSC value the
 * guest reads (RDTSC, RDTSCP, RDMSR of the TSC) without any exit.  The
 * chapter-5 hypervisor sets the offset so that the guest's clock starts
 * near HV_TSC_BASE (guest_abi.h).  The guest reads the TSC twice
 * (tsc_N .. tsc_N_end) and checks the values are at or above
 * HV_TSC_BASE and increasing; the test checks there was no RDTSC exit.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_tsc1:		.asciz "tsc.1"
k_tsc2:		.asciz "tsc.2"
m_ok:		.asciz "two TSC reads at or above HV_TSC_BASE, increasing"
m_low:		.asciz "a TSC read is below HV_TSC_BASE"
m_back:		.asciz "the second TSC read is not after the first"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
GUEST_LABEL(tsc_1)
	rdtsc
GUEST_LABEL(tsc_1_end)
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rbx
GUEST_LABEL(tsc_2)
	rdtsc
GUEST_LABEL(tsc_2_end)
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
