/*
 * icebp.S - chapter 5: ICEBP intercepted (exit 88h).
 *
 * ICEBP (opcode F1, also called INT1) raises #DB as a trap: the handler
 * sees the RIP after the one-byte instruction.  APM2 §15.9 "Instruction
 * Intercepts" gives it its own intercept (vector 4 bit 8), distinct from
 * the #DB exception intercept (§15.12).  svmlab steps over the F1 and
 * injects #DB (vector 1) with RIP already advanced, which is what the
 * guest would have seen without the intercept.
 *
 * The guest executes F1 at icebp_insn under CATCH and reports the
 * vector, return RIP and count its IDT handler saw; it checks itself
 * only that exactly one exception arrived.  Which one, and where, is the
 * test's to judge: the APM says #DB returning to icebp_end, but QEMU
 * raises #UD at the F1 and never exits (tests/deviations.py,
 * qemu-icebp-ud), so the guest must not be the judge of that point.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC2(SVM_MISC2_ICEBP)

	.section .rodata
k_vec:		.asciz "icebp.vector"
k_rip:		.asciz "icebp.rip"
k_count:	.asciz "icebp.count"
m_one:		.asciz "ICEBP: exactly one exception reached the IDT"
m_bad:		.asciz "ICEBP: not exactly one exception"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	CATCH	icebp_catch
GUEST_LABEL(icebp_insn)
	.byte	0xf1
GUEST_LABEL(icebp_end)
	nop                                     /* the APM resumes here */
GUEST_LABEL(icebp_catch)
	movq	$0, rt_resume(%rip)
	mov	rt_exc_vector(%rip), %rbx
	mov	rt_exc_rip(%rip), %r12
	mov	rt_exc_count(%rip), %r13
	/* The observation: the test compares it with the APM (#DB at
	 * icebp_end) or with the emulator's recorded deviation. */
	REPORT	k_vec, %rbx
	REPORT	k_rip, %r12
	REPORT	k_count, %r13
	cmp	$1, %r13
	VERDICT_IF e, m_one, m_bad
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
