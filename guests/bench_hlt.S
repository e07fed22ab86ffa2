/*
 * bench_hlt.S - chapter 16: the cost of HLT woken by an interrupt.
 *
 * HLT is always intercepted (exit 78h).  The hypervisor steps over it
 * and, before the next VMRUN, injects the highest external interrupt
 * it holds for the guest if the guest can take it: RFLAGS.IF = 1 and
 * no interrupt shadow (src/svm/events.c: deliver_irq; APM2 §15.20
 * "Event Injection").  The guest's handler counts it and IRETQs to the
 * instruction after the HLT.  One iteration is thus one exit, one
 * injected interrupt and one handler.
 *
 * The interrupts must be pending before the loop: raising one inside
 * it (HC_RAISE_IRQ) would be a second exit per iteration.  The
 * hypervisor keeps one pending bit per vector, so at most 224 (vectors
 * 20h-FFh) can wait at once: N is 200 here, and the guest raises
 * N + BENCH_WARMUP distinct vectors, FFh downwards, all pointing at the
 * same handler, with RFLAGS.IF = 0 so that none arrives early.  The
 * first HLT of the warm-up runs in the shadow of its STI, as in
 * guests/hlt_wakeup.S, so nothing is taken before it exits; from then
 * on IF stays 1, and each HLT exit takes the next vector, highest
 * first.  An interrupt is only ever injected at a VMRUN, and the only
 * exits of the loop are its HLTs.  The hypervisor finds the highest
 * pending vector by scanning its bitmap from the top of each 64-vector
 * word, so an iteration costs a little more the further its vector
 * lies below the top of its word: bench.cycles is the mean over
 * vectors FBh down to 34h.
 *
 * Check: the handler ran N + BENCH_WARMUP times, and one more HLT after
 * the loop wakes nothing: exactly one interrupt per HLT.
 */
#include "bench_guest.h"

#define N       200
#define VECTORS         (N + BENCH_WARMUP)
#define FIRST_VECTOR    (256 - VECTORS)

GUEST_MODE(GUEST_MODE_LONG)

	.data
	.balign	8
wakes:		.quad	0                       /* interrupts taken */

	.text
/* Every raised vector: count it, return after the HLT. */
wake_handler:
	incq	wakes(%rip)
	iretq

GUEST_FUNC(guest_main)
	BENCH_ENTER
	cli
	xor	%ebp, %ebp                      /* OR of the raises' results */
	mov	$FIRST_VECTOR, %ebx
1:	mov	%ebx, %edi
	lea	wake_handler(%rip), %rsi
	call	rt_set_gate
	mov	%ebx, %edi
	HYPERCALL HC_RAISE_IRQ
	or	%rax, %rbp
	inc	%ebx
	cmp	$256, %ebx
	jb	1b

	mov	$BENCH_WARMUP, %r14d
	sti
1:	hlt
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the HLT: the handler's
	 * INCQ and IRETQ, then DEC, JNZ = 4 instructions; 1 exit (HLT,
	 * 78h): the interrupt comes with the VMRUN that resumes the guest.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:
GUEST_LABEL(bench_hlt_exit)
	hlt
	dec	%r14d
	jnz	1b
	BENCH_END

	hlt                                     /* nothing left to wake it */
	cli
	cmpq	$VECTORS, wakes(%rip)
	sete	%al
	test	%rbp, %rbp                      /* every raise HC_OK */
	sete	%dl
	and	%dl, %al                        /* AL = 1: both hold */
	BENCH_DONE nz, N, 4, 1, \
		"HLT: one injected interrupt woke each HLT", \
		"HLT: the handler did not run once per HLT"
	BENCH_LEAVE
