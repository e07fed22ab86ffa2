/*
 * inj_ud.S - chapter 9: #UD injected through EVENTINJ.
 *
 * The guest asks for #UD (TYPE 3, vector 6, no error code) with
 * HC_INJECT.  The hypervisor steps over the VMMCALL and puts the event
 * in EVENTINJ; VMRUN delivers it before the guest's first instruction
 * (APM2 §15.20), pushing the RIP in the VMCB: the instruction after the
 * VMMCALL.  The guest's IDT handler records vector 6, no error code and
 * that return RIP.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_ok:		.asciz "#UD arrived once, returning after the VMMCALL"
m_bad:		.asciz "#UD: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	CATCH	1f
	INJECT	EV(3, 6)
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)
1:	REPORT	k_ret, %rax
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call, 1, 6
	VERDICT	m_ok, m_bad
	ret
