/*
 * exc_ud.S - chapter 8: an intercepted #UD, reflected to the guest.
 *
 * The guest asks for the #UD exception intercept (VMCB 008h bit 6).
 * UD2 (0F 0B) raises #UD, a fault: exit 46h with RIP = the UD2 (APM2
 * §15.12).  The hypervisor reflects it (EVENTINJ type 3, vector 6, no
 * error code, RIP unchanged) and the guest's handler sees vector 6 with
 * return RIP = the UD2.  (A hypervisor that intercepts #UD could emulate
 * the instruction instead; svmlab only reflects.)
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(6))

	.section .rodata
k_vector:	.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
msg_ok:		.asciz "the handler saw #UD at the UD2"
msg_bad:	.asciz "the handler did not see #UD at the UD2"

GUEST_FUNC(guest_main)
	CATCH	1f
GUEST_LABEL(ud2_insn)
	ud2                                     /* #UD: a fault */
	movq	$0, rt_resume(%rip)
1:	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT ud2_insn, 1, 6
	VERDICT	msg_ok, msg_bad
	ret
