/*
 * rr_pager.S - chapter 12: the hypervisor changes one page of this
 * guest's translations while other guests run.
 *
 * HC_PAGE_OUT (chapter 11) clears P in the guest's paging entry for its
 * stack.  The hypervisor changed a translation the guest's TLB entries
 * may hold, so it flushes that one page for that one ASID with INVLPGA
 * (APM2 §15.16.2), traced as an invlpga event with the guest's ASID.
 * The guest then yields; when its turn comes the first push faults
 * (#PF, intercepted) and the hypervisor pages the stack in again, unseen
 * by the guest.  A value it pushed before is still there after.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define RR_MARK 0x7A6B5C4D3E2F1001

	.section .rodata
k_out:		.asciz "pager.page_out"
k_yield:	.asciz "pager.yield"
k_mark:		.asciz "pager.mark"
m_ok:		.asciz "the stack came back with the value pushed before"
m_bad:		.asciz "the stack lost what was pushed before"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	movabs	$RR_MARK, %rax
	push	%rax
	mov	%rsp, %rdi
	HYPERCALL HC_PAGE_OUT
	mov	%rax, %rbx
	HYPERCALL HC_YIELD
	mov	%rax, %r12
GUEST_LABEL(touch)
	pop	%rax                    /* #PF: paged in again */
	mov	%rax, %rdx
	push	%rdx
	REPORT	k_out, %rbx
	REPORT	k_yield, %r12
	pop	%rdx
	REPORT	k_mark, %rdx
	movabs	$RR_MARK, %rax
	cmp	%rax, %rdx
	VERDICT_IF e, m_ok, m_bad
	pop	%r12
	pop	%rbx
	ret
