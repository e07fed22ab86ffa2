/*
 * inj_intr.S - chapter 9: EVENTINJ ignores RFLAGS.IF.
 *
 * TYPE 0 is an external interrupt (APM2 §15.20).  The guest clears
 * RFLAGS.IF, then asks for INTR 40h.  A real interrupt would wait until
 * the guest sets IF again; an injected one does not: VMRUN makes the
 * guest take it "unconditionally before executing the first guest
 * instruction" (§15.20), whatever IF says.  Checking that the guest can
 * take an interrupt is the hypervisor's job (chapter 10 does it);
 * HC_INJECT does not, to show this.
 *
 * The guest reports IF before the injection (0), in the RFLAGS image the
 * delivery pushed (the IF the guest had: 0), and after the handler's
 * IRETQ (0 again).  Its own handler for vector 40h reads the pushed
 * RFLAGS and goes on to the runtime's stub, which records the event.
 * The return RIP is after the VMMCALL (after_call).
 */
#include "guest.h"

#define RFLAGS_IF       (1 << 9)

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "intr.vector"
k_rip:		.asciz "intr.rip"
k_count:	.asciz "intr.count"
k_if_before:	.asciz "if.before"
k_if_frame:	.asciz "if.frame"
k_if_after:	.asciz "if.after"
m_ok:		.asciz "INTR 40h arrived with IF=0, returning after the VMMCALL"
m_bad:		.asciz "INTR 40h: wrong vector, return RIP or count"
m_if_ok:	.asciz "IF was 0 before, in the frame and after: EVENTINJ ignores IF"
m_if_bad:	.asciz "IF was not 0 around the injected interrupt"

	.data
	.balign	8
frame_rflags:	.quad	-1

	.text
/*
 * Vector 40h: note the RFLAGS image the delivery pushed, then go on to
 * the runtime's stub for 40h, which records the event (CATCH).
 */
intr_handler:
	push	%rax
	mov	24(%rsp), %rax                  /* rax, rip, cs, rflags */
	mov	%rax, frame_rflags(%rip)
	pop	%rax
	jmp	*stub_40(%rip)

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	pushfq                                  /* restored at the end */
	/* Put the handler in front of the runtime's stub for 40h. */
	lea	guest_idt + 0x40 * 16(%rip), %rax
	movzwl	(%rax), %ecx
	movzwl	6(%rax), %edx
	shl	$16, %rdx
	or	%rdx, %rcx
	mov	8(%rax), %edx
	shl	$32, %rdx
	or	%rdx, %rcx                      /* the gate's offset */
	mov	%rcx, stub_40(%rip)
	SET_GATE 0x40, intr_handler
	cli
	pushfq
	pop	%rbx
	and	$RFLAGS_IF, %ebx                /* IF before: 0 */
	CATCH	1f
	INJECT	EV(0, 0x40)                     /* TYPE 0: INTR 40h */
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)
1:	pushfq
	pop	%r12
	and	$RFLAGS_IF, %r12d               /* IF after the IRETQ */
	REPORT	k_ret, %rax
	REPORT	k_if_before, %rbx
	mov	frame_rflags(%rip), %rax
	and	$RFLAGS_IF, %eax
	REPORT	k_if_frame, %rax
	REPORT	k_if_after, %r12
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call, 1, 0x40
	VERDICT	m_ok, m_bad
	mov	frame_rflags(%rip), %rax
	and	$RFLAGS_IF, %eax
	or	%rbx, %rax
	or	%r12, %rax
	VERDICT_IF z, m_if_ok, m_if_bad         /* all three 0 */
	popfq
	pop	%r12
	pop	%rbx
	ret

	.data
	.balign	8
stub_40:	.quad	0
