/*
 * vintr_window.S - chapter 10: the hypervisor waits for the interrupt
 * window (VINTR, exit 64h) to inject an external interrupt.
 *
 * With RFLAGS.IF = 0 the guest raises external interrupt WIN_VECTOR at
 * the hypervisor's interrupt controller (HC_RAISE_IRQ).  The hypervisor
 * cannot inject it now: an INTR in EVENTINJ is delivered at VMRUN
 * whatever IF says (APM2 §15.20).  So it opens the window: a dummy V_IRQ
 * that ignores V_TPR, plus the VINTR intercept (APM2 §15.21.6).  The
 * processor exits with VINTR the moment it would take that virtual
 * interrupt: after STI and the one instruction in its shadow, with RIP
 * at window_rip.  There the hypervisor closes the window and injects the
 * interrupt; the guest's handler sees it once, returning to window_rip.
 */
#include "guest.h"

#define WIN_VECTOR      0x77

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "raise.ret"
k_before:	.asciz "before_sti.count"
k_vec:		.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_before:	.asciz "nothing arrived while RFLAGS.IF = 0"
m_ok:		.asciz "the interrupt arrived once, where the window opened"
m_bad:		.asciz "interrupt: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	cli
	CATCH	window_rip
	mov	$WIN_VECTOR, %edi
	HYPERCALL HC_RAISE_IRQ
GUEST_LABEL(raised)
	REPORT	k_ret, %rax
	CHECK	k_before, rt_exc_count(%rip), 0, m_before
	sti
GUEST_LABEL(in_shadow)
	nop
GUEST_LABEL(window_rip)
	cli
	movq	$0, rt_resume(%rip)
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT window_rip, 1, WIN_VECTOR
	VERDICT	m_ok, m_bad
	ret
