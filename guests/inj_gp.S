/*
 * inj_gp.S - chapter 9: #GP injected with an error code.
 *
 * #GP (vector 13) is a fault that pushes an error code (APM2 §8.2.14).
 * An injected exception carries its error code in EVENTINJ itself:
 * EV (bit 11) says "push one", ERRORCODE (bits 63:32) is its value
 * (APM2 §15.20).  The processor pushes it as it would for a #GP it
 * raised, below the return RIP, and the handler must pop it before
 * IRET: the runtime's stub knows vector 13 has one.
 *
 * The value is the hypervisor's choice; 1234h here, a value no real
 * #GP would push for this guest (it looks like a selector error code:
 * index 246h, TI = 1), so it is plainly the injected one.  The return
 * RIP is after the VMMCALL (label after_call): an injected fault
 * returns to the RIP in the VMCB, wherever the hypervisor left it.
 */
#include "guest.h"

#define GP_ERROR        0x1234

GUEST_MODE(GUEST_MODE_LONG)
	.globl	gp_error                        /* for the tests (nm) */
	.set	gp_error, GP_ERROR

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "exc.vector"
k_err:		.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_ok:		.asciz "#GP(0x1234) arrived once, returning after the VMMCALL"
m_bad:		.asciz "#GP: wrong vector, error code, return RIP or count"

GUEST_FUNC(guest_main)
	CATCH	1f
	INJECT	EV_ERR(3, 13, GP_ERROR)         /* TYPE 3, EV, #GP(1234h) */
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)
1:	REPORT	k_ret, %rax
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_err, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call, 1, 13, GP_ERROR
	VERDICT	m_ok, m_bad
	ret
