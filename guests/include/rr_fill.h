/*
 * rr_fill.h - chapter 12: the body of the rr_fill_* guests, which run
 * together round-robin, each in memory of its own.
 *
 * The including file defines RR_SEED (its own seed) and RR_EXTRA, a
 * macro of what it does between filling and checking (TLB work the
 * hypervisor must answer with the right flush).  The guest fills
 * RR_PAGES pages of its buffer with a xorshift64 sequence from RR_SEED
 * (x ^= x << 13; x ^= x >> 7; x ^= x << 17 before each quadword), yields
 * after every page, then recomputes the sequence and compares.  All
 * rr_fill guests have the same code size, so their buffers sit at the
 * same guest address: a hypervisor that let them share memory, or a TLB
 * that gave one guest another's translation, would show as mismatches.
 * It reports the sum of the quadwords (rr.sum, mod 2^64) and the
 * mismatches (rr.bad); the test computes the sum from the seed.
 */
#ifndef SVMLAB_RR_FILL_H
#define SVMLAB_RR_FILL_H

#include "xorshift.h"

#define RR_PAGES 16

	.section .rodata
k_sum:		.asciz "rr.sum"
k_bad:		.asciz "rr.bad"
k_buf:		.asciz "rr.buf"
k_yield:	.asciz "rr.yield_ret"
m_ok:		.asciz "every quadword of the buffer is still this guest's"
m_bad:		.asciz "the buffer changed while other guests ran"

	.bss
	.balign	4096
buf:	.skip	RR_PAGES * 4096


GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	lea	buf(%rip), %rbx
	REPORT	k_buf, %rbx
	/* fill, one page per turn */
	movabs	$RR_SEED, %rax
	lea	buf(%rip), %rdi
	mov	$RR_PAGES, %r12d
1:	mov	$512, %ecx
2:	XORSHIFT %rax, %rdx
	mov	%rax, (%rdi)
	add	$8, %rdi
	dec	%ecx
	jnz	2b
	mov	%rax, %r13
	mov	%rdi, %rbx
	HYPERCALL HC_YIELD
	mov	%rax, %rsi
	mov	%rbx, %rdi
	mov	%r13, %rax
	test	%rsi, %rsi              /* HC_OK */
	jnz	9f
	dec	%r12d
	jnz	1b
	RR_EXTRA
	/* check: recompute, count mismatches (R12) and sum (R13) */
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	movabs	$RR_SEED, %rax
	lea	buf(%rip), %rdi
	mov	$RR_PAGES * 512, %ecx
3:	XORSHIFT %rax, %rdx
	add	(%rdi), %r13
	cmp	%rax, (%rdi)
	je	4f
	inc	%r12
4:	add	$8, %rdi
	dec	%ecx
	jnz	3b
	REPORT	k_sum, %r13
	REPORT	k_bad, %r12
	test	%r12, %r12
	VERDICT_IF z, m_ok, m_bad
	jmp	10f
9:	REPORT	k_yield, %rsi
	FAIL	m_bad
10:	pop	%r13
	pop	%r12
	pop	%rbx
	ret

#endif /* SVMLAB_RR_FILL_H */
