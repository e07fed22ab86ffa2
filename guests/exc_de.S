/*
 * exc_de.S - chapter 8: an intercepted #DE, reflected to the guest.
 *
 * The guest asks for the #DE exception intercept (VMCB 008h bit 0).  A
 * divide by zero then exits with code 40h + 0 before the guest's IDT is
 * consulted (APM2 §15.12 "Exception Intercepts"); the saved RIP is that
 * of the DIV, as #DE is a fault.  The hypervisor has nothing to fix, so
 * it reflects the exception: EVENTINJ with type 3 (exception), vector 0,
 * no error code (APM2 §15.20 "Event Injection"), and the guest's own
 * handler receives it as if there were no hypervisor: vector 0, return
 * RIP = the DIV.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(0))

	.section .rodata
k_vector:	.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
msg_ok:		.asciz "the handler saw #DE at the DIV"
msg_bad:	.asciz "the handler did not see #DE at the DIV"

GUEST_FUNC(guest_main)
	mov	$1, %eax
	xor	%edx, %edx
	xor	%ecx, %ecx
	CATCH	1f
GUEST_LABEL(div_insn)
	div	%rcx                            /* #DE: a fault */
	movq	$0, rt_resume(%rip)
1:	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT div_insn, 1, 0
	VERDICT	msg_ok, msg_bad
	ret
