/*
 * bench_guest.h - what the chapter-16 microbenchmarks share.
 *
 * A bench guest (guests/bench_*.S) repeats one kind of exit N times in a
 * tight loop and times the loop with the guest's own TSC.  RDTSC is not
 * intercepted (src/svm/guest.c: apply_policy sets TSC_OFFSET only), so
 * the reads themselves cost no exit; the guest sees the host's TSC plus
 * the VMCB's TSC_OFFSET (050h), which ticks on while the hypervisor
 * handles an exit: the difference is the whole round trip, guest, world
 * switch and hypervisor together.
 *
 * Every bench has the same shape:
 *
 *     GUEST_FUNC(guest_main)
 *         BENCH_ENTER                  (saves RBX, RBP, R12-R15)
 *         ...set up; BENCH_WARMUP times the operation, untimed...
 *         mov     $N, %r14d
 *         BENCH_BEGIN                  (TSC -> R13:R12)
 *     1:  <the exiting instruction and its own loop>
 *         dec     %r14d
 *         jnz     1b
 *         BENCH_END                    (R12 = TSC difference)
 *         ...check that the operation worked, flags set...
 *         BENCH_DONE cc, N, INSNS, EXITS, "ok message", "bad message"
 *         BENCH_LEAVE
 *
 * Register use: R12, R13 hold the first TSC read and then the result,
 * R14D counts the iterations down; RBX, RBP and R15 are the guest's own.
 * None of them is touched by an exit handler, an injected event's
 * delivery or the guest's IRETQ.
 *
 * The timed region is everything between the two RDTSCs: the two MOVs
 * of BENCH_BEGIN, N iterations of the loop, and whatever a guest must
 * save of its last result before BENCH_END's RDTSC overwrites EDX:EAX
 * (its comment says so).  That fixed part is not in bench.guest_insns,
 * which counts per iteration.
 *
 * Reports (BENCH_DONE), only if the guest's check passed:
 *     bench.iters        N
 *     bench.cycles       the TSC difference over the whole loop
 *     bench.guest_insns  guest instructions per iteration besides the
 *                        exiting one: the loop's own, a handler's with
 *                        its IRETQ, the stores that build a request, and
 *                        an exiting instruction that the guest runs
 *                        again after the exit (a faulting MOV, #NPF)
 *     bench.exits        #VMEXITs per iteration
 * then PASS.  A guest whose check fails says FAIL and reports no
 * numbers: a broken path has no cost to measure.
 */
#ifndef SVMLAB_BENCH_GUEST_H
#define SVMLAB_BENCH_GUEST_H

#include "guest.h"

/* Untimed repetitions before the loop: first-time effects go there. */
#define BENCH_WARMUP    4

/* Keep the callee-saved registers the bench uses; BENCH_LEAVE returns. */
.macro BENCH_ENTER
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro BENCH_LEAVE
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
.endm

/*
 * The first TSC read, into R13:R12.  No LFENCE: every iteration of the
 * loop is a #VMEXIT and a VMRUN, which the processor does not overlap
 * with the instructions around them, so at most the few instructions
 * between the RDTSC and the first exit can run out of order, against
 * thousands of cycles per exit.
 */
.macro BENCH_BEGIN
	rdtsc
	mov	%eax, %r12d
	mov	%edx, %r13d
.endm

/* The second TSC read; R12 = cycles since BENCH_BEGIN.  Clobbers RAX, RDX. */
.macro BENCH_END
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	shl	$32, %r13
	or	%r13, %r12
	sub	%r12, %rax
	mov	%rax, %r12
.endm

/* A NUL-terminated string in .rodata at \label (a key or a message). */
.macro BENCH_STRING label, text
	.pushsection .rodata
\label:	.asciz	"\text"
	.if	. - \label > HC_STRING_MAX
	.error	"a key or message longer than HC_STRING_MAX - 1 characters"
	.endif
	.popsection
.endm

/*
 * If condition \cc holds in the flags (the guest's check passed):
 * report the four bench values and PASS \ok.  Else FAIL \bad, with no
 * numbers.  \iters, \insns and \exits are constants; the cycles are R12.
 */
.macro BENCH_DONE cc, iters, insns, exits, ok, bad
	BENCH_STRING .Lbk_iters\@, "bench.iters"
	BENCH_STRING .Lbk_cycles\@, "bench.cycles"
	BENCH_STRING .Lbk_insns\@, "bench.guest_insns"
	BENCH_STRING .Lbk_exits\@, "bench.exits"
	BENCH_STRING .Lbm_ok\@, "\ok"
	BENCH_STRING .Lbm_bad\@, "\bad"
	j\cc	.Lb_ok\@
	FAIL	.Lbm_bad\@
	jmp	.Lb_end\@
.Lb_ok\@:
	REPORT	.Lbk_iters\@, $\iters
	REPORT	.Lbk_cycles\@, %r12
	REPORT	.Lbk_insns\@, $\insns
	REPORT	.Lbk_exits\@, $\exits
	PASS	.Lbm_ok\@
.Lb_end\@:
.endm

#endif /* SVMLAB_BENCH_GUEST_H */
