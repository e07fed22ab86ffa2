/*
 * virq_tpr.S - chapter 10: V_TPR against V_INTR_PRIO, and V_IGN_TPR.
 *
 * With V_INTR_MASKING and no CR8 intercept, the guest's MOV to CR8
 * writes V_TPR (int_ctl bits 3:0) without an exit (APM2 §15.21.2).  A
 * pending virtual interrupt is taken only if its priority V_INTR_PRIO
 * is higher than V_TPR, unless V_IGN_TPR is set (APM2 §15.21.4).
 *
 * Four cases, each: CR8 = tpr, HC_VIRQ with a vector of its own, then
 * STI; NOP with a CATCH at the label after them, and CLI.  The guest
 * reports how many interrupts it took and the vector; the exit of that
 * REPORT shows in int_ctl whether V_IRQ is still pending (the processor
 * clears it when the guest takes the interrupt).  The hypervisor then
 * clears a V_IRQ left pending (HC_VIRQ 0) before the next case.
 *
 *     case  V_TPR  V_INTR_PRIO  V_IGN_TPR  APM2
 *     gt      5        6           0       taken
 *     lt      6        5           0       held
 *     eq      6        6           0       held (not higher)
 *     ign    15        2           1       taken
 *
 * The equal case is where emulators differ: the guest only reports it
 * and leaves the verdict to the tests.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define VEC_GT          0x61
#define VEC_LT          0x52
#define VEC_EQ          0x63
#define VEC_IGN         0x74

	.section .rodata
k_gt_count:	.asciz "gt.count"
k_gt_vec:	.asciz "gt.vector"
k_lt_count:	.asciz "lt.count"
k_eq_count:	.asciz "eq.count"
k_eq_vec:	.asciz "eq.vector"
k_ign_count:	.asciz "ign.count"
k_ign_vec:	.asciz "ign.vector"
k_cr8:		.asciz "cr8.final"
m_gt:		.asciz "V_INTR_PRIO 6 > V_TPR 5: taken"
m_lt:		.asciz "V_INTR_PRIO 5 < V_TPR 6: held"
m_ign:		.asciz "V_IGN_TPR: taken although V_TPR is 15"

/*
 * One case: V_TPR = \tpr through CR8, V_IRQ with \arg (HC_VIRQ), a
 * window of STI; NOP, then RBX = the interrupts taken in it.  The CATCH
 * resumes at \name, the label after the NOP, so the flow is the same
 * whether the interrupt came or not.
 */
.macro VCASE name, tpr, arg
	mov	$\tpr, %eax
	mov	%rax, %cr8
	movq	$0, rt_exc_vector(%rip)
	mov	$\arg, %edi
	HYPERCALL HC_VIRQ
	mov	rt_exc_count(%rip), %rbx
	CATCH	\name
	sti
	nop
GUEST_LABEL(\name)
	cli
	movq	$0, rt_resume(%rip)
	neg	%rbx
	add	rt_exc_count(%rip), %rbx
.endm

/* Clear a V_IRQ that is still pending. */
.macro VIRQ_CLEAR
	xor	%edi, %edi
	HYPERCALL HC_VIRQ
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	cli

	VCASE	case_gt, 5, VEC_GT | (6 << HC_VIRQ_PRIO_SHIFT)
	REPORT	k_gt_vec, rt_exc_vector(%rip)
	CHECK	k_gt_count, %rbx, 1, m_gt
	VIRQ_CLEAR

	VCASE	case_lt, 6, VEC_LT | (5 << HC_VIRQ_PRIO_SHIFT)
	CHECK	k_lt_count, %rbx, 0, m_lt
	VIRQ_CLEAR

	VCASE	case_eq, 6, VEC_EQ | (6 << HC_VIRQ_PRIO_SHIFT)
	REPORT	k_eq_count, %rbx
	REPORT	k_eq_vec, rt_exc_vector(%rip)
	VIRQ_CLEAR

	VCASE	case_ign, 15, VEC_IGN | (2 << HC_VIRQ_PRIO_SHIFT) | HC_VIRQ_IGN_TPR
	REPORT	k_ign_vec, rt_exc_vector(%rip)
	CHECK	k_ign_count, %rbx, 1, m_ign
	VIRQ_CLEAR

	xor	%eax, %eax
	mov	%rax, %cr8
	mov	%cr8, %rbx
	REPORT	k_cr8, %rbx
	pop	%rbx
	ret
