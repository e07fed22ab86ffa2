/*
 * rr_spin.S - chapter 12: a guest that never yields, so only the timer
 * takes the CPU from it.
 *
 * It runs a xorshift64 chain and, every 8192 steps, asks HC_PREEMPTED
 * how many of its time slices the LAPIC timer has ended (exit 60h, INTR,
 * then the scheduler runs the next guest).  After RR_PREEMPTS it stops
 * spinning.  The other guests ran in between: the check is that the
 * count went up at all, that the chain it computed is the one a spin
 * without interruptions computes (its state survived the switches), and
 * the test finds the preempt events and the other guests' turns in the
 * trace.  The watchdog counts only the slices it ran, so it is not
 * stopped for the time the others took.
 *
 * It spins with RFLAGS.IF = 1.  Under V_INTR_MASKING its IF should mask
 * only virtual interrupts, but Bochs lets it hold off the host's timer
 * too (deviation bochs-vintr-masking-guest-if-holds-intr, chapter 10),
 * and a spin with IF = 0 would never be preempted there.
 */
#include "guest.h"
#include "xorshift.h"

GUEST_MODE(GUEST_MODE_LONG)

#define RR_PREEMPTS 3
#define RR_SEED 0x0F1E2D3C4B5A6978

	.section .rodata
k_preempted:	.asciz "spin.preempted"
k_steps:	.asciz "spin.steps"
m_ok:		.asciz "the timer preempted the spin, and its state survived"
m_bad:		.asciz "the chain after the preemptions is not the one computed again"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	sti
	movabs	$RR_SEED, %r12          /* the chain */
	xor	%r13d, %r13d            /* steps taken */
1:	mov	$8192, %ebx
2:	XORSHIFT %r12, %rdx
	inc	%r13
GUEST_LABEL(spin)
	dec	%ebx
	jnz	2b
	HYPERCALL HC_PREEMPTED
	cmp	$RR_PREEMPTS, %rax
	jb	1b
	cli
	REPORT	k_preempted, %rax
	REPORT	k_steps, %r13
	/* the same number of steps again, without a hypercall between */
	movabs	$RR_SEED, %rax
	mov	%r13, %rcx
3:	XORSHIFT %rax, %rdx
	dec	%rcx
	jnz	3b
	cmp	%rax, %r12
	VERDICT_IF e, m_ok, m_bad
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
