/*
 * nmi_blocking.S - chapter 10: NMIs are blocked until the handler's IRET.
 *
 * After an NMI the processor takes no other NMI until an IRET has
 * completed (APM2 §8.2.4; for a guest, §15.21.10 and the IRET intercept,
 * §15.9).  The guest installs its own NMI handler (vector 2) and asks
 * for two NMIs at once (HC_NMI 2).  The hypervisor injects one, marks
 * NMIs blocked and sets the IRET intercept.  Inside the handler the
 * guest makes a hypercall (REPORT): an exit, and a VMRUN, while the
 * second NMI is pending, which must not deliver it.  The handler's IRET
 * exits before it executes; the hypervisor single-steps it (RFLAGS.TF
 * with the #DB intercept) and, at the #DB after it, knows NMIs are open
 * and injects the second.
 *
 * The handler counts NMIs, keeps its nesting depth and the deepest it
 * saw (1 if the NMIs never nested), and the RIP it returns to.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_in1:		.asciz "nmi1.depth"
k_in2:		.asciz "nmi2.depth"
k_count:	.asciz "nmi.count"
k_max:		.asciz "nmi.max_depth"
k_rip:		.asciz "nmi.rip"
k_ret:		.asciz "nmi.ret"
m_count:	.asciz "two NMIs arrived"
m_depth:	.asciz "the NMIs did not nest"

	.data
	.balign	8
nmi_count:	.quad	0
nmi_depth:	.quad	0
nmi_max:	.quad	0
nmi_rip:	.quad	0

	.text
/*
 * The NMI handler: an interrupt gate, so the frame is RIP CS RFLAGS RSP
 * SS and no error code.  It keeps every register it touches.
 */
nmi_handler:
	push	%rax
	push	%rsi
	push	%rdi
	incq	nmi_depth(%rip)
	mov	nmi_depth(%rip), %rax
	cmp	nmi_max(%rip), %rax
	jbe	1f
	mov	%rax, nmi_max(%rip)
1:	incq	nmi_count(%rip)
	mov	24(%rsp), %rax                  /* the frame's RIP */
	mov	%rax, nmi_rip(%rip)
	/* An exit inside the handler, with the second NMI pending. */
	lea	k_in1(%rip), %rdi
	cmpq	$1, nmi_count(%rip)
	je	2f
	lea	k_in2(%rip), %rdi
2:	mov	nmi_depth(%rip), %rsi
	HYPERCALL HC_REPORT
	decq	nmi_depth(%rip)
	pop	%rdi
	pop	%rsi
	pop	%rax
GUEST_LABEL(nmi_iret)
	iretq

GUEST_FUNC(guest_main)
	SET_GATE 2, nmi_handler
	mov	$2, %edi
	HYPERCALL HC_NMI
GUEST_LABEL(after_nmi_call)
	REPORT	k_ret, %rax
	REPORT	k_rip, nmi_rip(%rip)
	CHECK	k_count, nmi_count(%rip), 2, m_count
	CHECK	k_max, nmi_max(%rip), 1, m_depth
	ret
