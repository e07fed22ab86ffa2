/*
 * inj_bp.S - chapter 9: #BP injected through EVENTINJ.
 *
 * #BP is vector 3, an exception (EVENTINJ TYPE 3), a trap without an
 * error code (APM2 §8.2.4).  The guest asks for it with HC_INJECT; the
 * hypervisor steps over the VMMCALL first, so when VMRUN delivers the
 * event (APM2 §15.20) the return RIP it pushes is the instruction after
 * the VMMCALL, label after_call.  That is what an INT3 there would have
 * pushed too: the trap's return address is the next instruction.  The
 * guest's IDT handler records vector 3, no error code, that RIP, and
 * one event.
 *
 * Injected as TYPE 3 the event is an exception, not a software
 * interrupt: no DPL check of the gate, no INTn intercept.  (TYPE 4
 * vector 3 would be the INT3-as-INTn form; chapter 5's intn shows that
 * type.)
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "exc.vector"
k_err:		.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_ok:		.asciz "#BP arrived once, returning after the VMMCALL"
m_bad:		.asciz "#BP: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	CATCH	1f
	INJECT	EV(3, 3)                        /* TYPE 3, vector 3: #BP */
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)             /* nothing came: disarm */
1:	REPORT	k_ret, %rax
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_err, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call, 1, 3
	VERDICT	m_ok, m_bad
	ret
