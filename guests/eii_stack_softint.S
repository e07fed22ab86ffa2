/*
 * eii_stack_softint.S - chapter 11: the same fault while the processor
 * delivers a software interrupt (INT 41h, not intercepted).
 *
 * As in eii_stack_exception, the guest has its stack page taken away
 * (HC_PAGE_OUT) and its next instruction needs the stack: INT 41h (CD
 * 41).  The push of the frame faults; the #PF intercept exits (4Eh) with
 * EXITINTINFO = the INT 41h (V, TYPE 4 "software interrupt", vector 41h)
 * and RIP at the INT, because a fault during the delivery of INTn
 * restarts the instruction (APM2 §15.7.2).  The frame of a software
 * interrupt returns after the INT, so the hypervisor steps RIP over the
 * two-byte instruction before it injects TYPE 4 again (APM2 §15.20).
 * The guest's handler sees vector 41h once, returning after the INT.
 *
 * The guest checks that exactly one event reached its IDT and reports
 * which one and where it returns to: Bochs 2.7 fills EXITINTINFO wrongly
 * for a software interrupt (deviation bochs-exitintinfo-softint-stale),
 * so the vector and the RIP are judged by tests/test_ch11_exitintinfo.py
 * against the deviation table.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_rsp:		.asciz "stack.rsp"
k_ret:		.asciz "page_out.ret"
k_vec:		.asciz "int.vector"
k_rip:		.asciz "int.rip"
k_count:	.asciz "int.count"
m_ret:		.asciz "HC_PAGE_OUT took the stack page away"
m_once:		.asciz "exactly one event reached the IDT"

GUEST_FUNC(guest_main)
	push	%rbx
	REPORT	k_rsp, %rsp             /* the RSP the delivery starts from */
	CATCH	int_end
	mov	%rsp, %rdi
	HYPERCALL HC_PAGE_OUT
	mov	%rax, %rbx              /* HC_PAGE_OUT's return value */
GUEST_LABEL(int_insn)
	int	$0x41                   /* push -> #PF (intercepted) */
GUEST_LABEL(int_end)
	movq	$0, rt_resume(%rip)
	CHECK	k_ret, %rbx, HC_OK, m_ret
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	CHECK	k_count, rt_exc_count(%rip), 1, m_once
	pop	%rbx
	ret
