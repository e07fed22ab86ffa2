/*
 * hlt_wakeup.S - chapter 10: STI; HLT with an interrupt pending.
 *
 * The classic way to wait for an interrupt without a race is STI; HLT:
 * HLT runs in the STI shadow, so no interrupt can slip in between the
 * two and leave HLT waiting forever (APM2 §15.21.5).  Here the guest has
 * raised WAKE_VECTOR with RFLAGS.IF = 0 (HC_RAISE_IRQ), so the
 * hypervisor holds it with the interrupt window open.  The shadow keeps
 * the window shut over HLT, and the HLT intercept exits first, with the
 * interrupt shadow set in the VMCB.  The hypervisor steps over HLT (that
 * ends the shadow) and, IF being 1 now, injects the interrupt: the
 * handler returns to the instruction after HLT.

 */
#include "guest.h"

#define WAKE_VECTOR     0x66

GUEST_MODE(GUEST_MODE_LONG)
	.section .rodata
k_vec:		.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_ok:		.asciz "the interrupt woke the HLT, returning after it"
m_bad:		.asciz "wake-up: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	cli
	CATCH	woke
	mov	$WAKE_VECTOR, %edi
	HYPERCALL HC_RAISE_IRQ
GUEST_LABEL(raised)
	sti
GUEST_LABEL(halt)
	hlt
GUEST_LABEL(woke)
	cli
	movq	$0, rt_resume(%rip)
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT woke, 1, WAKE_VECTOR
	VERDICT	m_ok, m_bad
	ret
