/*
 * eii_stack_exception.S - chapter 11: a #PF intercept while the
 * processor delivers an exception whose stack page is not present.
 *
 * The guest asks the hypervisor to take away the page that holds its
 * stack (HC_PAGE_OUT with RDI = RSP: the 2 MiB page 600000h-7FFFFFh
 * loses its P bit, and the hypervisor sets the #PF intercept).  The next
 * instruction is a UD2.  Delivering the #UD pushes the interrupt frame
 * onto the missing stack, so the delivery itself faults: #PF, which the
 * hypervisor intercepts (exit 4Eh).  APM2 §15.7.2: the exit happened
 * during delivery, so EXITINTINFO holds the #UD (V, TYPE 3, vector 6, no
 * error code) and RIP is still the UD2.  The hypervisor pages the stack
 * in and injects the #UD again; the guest's handler sees exactly one #UD
 * returning to the UD2, as if the page had been there all along.
 *
 * Between the VMMCALL and the UD2 nothing touches the stack: the first
 * access to the missing page is the delivery's first push.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_rsp:		.asciz "stack.rsp"
k_ret:		.asciz "page_out.ret"
k_vec:		.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_ret:		.asciz "HC_PAGE_OUT took the stack page away"
m_ok:		.asciz "#UD arrived once, returning to the UD2"
m_bad:		.asciz "#UD: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	push	%rbx
	REPORT	k_rsp, %rsp             /* the RSP the delivery starts from */
	CATCH	1f
	mov	%rsp, %rdi
	HYPERCALL HC_PAGE_OUT
GUEST_LABEL(ud2_insn)
	ud2                             /* #UD -> push -> #PF (intercepted) */
	movq	$0, rt_resume(%rip)
1:	mov	%rax, %rbx              /* HC_PAGE_OUT's return value */
	CHECK	k_ret, %rbx, HC_OK, m_ret
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT ud2_insn, 1, 6
	VERDICT	m_ok, m_bad
	pop	%rbx
	ret
