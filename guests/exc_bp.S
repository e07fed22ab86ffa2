/*
 * exc_bp.S - chapter 8: an intercepted #BP, reflected with RIP advanced.
 *
 * The guest asks for the #BP exception intercept (VMCB 008h bit 3).
 * INT3 (CC) raises #BP, a trap, and exits with code 43h; the saved RIP
 * is that of the INT3 itself and NRIP the next instruction (APM2 §15.12
 * "Exception Intercepts", §15.7.1).  An injected exception (EVENTINJ
 * type 3) pushes the RIP it is injected at as the return address, so to
 * reflect #BP as the CPU would have delivered it the hypervisor must
 * first move RIP past the INT3 (APM2 §15.20).  The guest's handler must
 * see vector 3 and the return RIP after the INT3, exactly as without a
 * hypervisor.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(3))

	.section .rodata
k_vector:	.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
msg_ok:		.asciz "the handler saw #BP after the INT3"
msg_bad:	.asciz "the handler did not see #BP after the INT3"

GUEST_FUNC(guest_main)
	CATCH	1f
GUEST_LABEL(int3_insn)
	int3                                    /* CC: #BP, a trap */
GUEST_LABEL(after_int3)
	nop
	movq	$0, rt_resume(%rip)
1:	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_int3, 1, 3
	VERDICT	msg_ok, msg_bad
	ret
