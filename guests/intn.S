/*
 * intn.S - chapter 5: INT n intercepted (exit 75h, SWINT).
 *
 * APM2 §15.9 "Instruction Intercepts": INTn exits before the interrupt
 * is delivered, with RIP at the INT.  To let it happen after all, the
 * hypervisor injects it as a software interrupt (EVENTINJ type 4,
 * §15.20 "Event Injection") with RIP advanced past the instruction: a
 * software interrupt's return address is the next instruction, and the
 * processor pushes the RIP it resumes at.  Without decode assists the
 * hypervisor reads the vector from the instruction's second byte.
 *
 * The guest executes INT 30h (CD 30) at intn_insn under CATCH and checks
 * that its own IDT handler received vector 30h exactly once with the
 * return RIP intn_end, the address after the two-byte INT.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_INTN)

	.section .rodata
k_vec:		.asciz "int.vector"
k_rip:		.asciz "int.rip"
k_count:	.asciz "int.count"
m_ok:		.asciz "INT 30h reached the guest's IDT once, returning after the INT"
m_bad:		.asciz "INT 30h: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	CATCH	intn_end
GUEST_LABEL(intn_insn)
	int	$0x30
GUEST_LABEL(intn_end)
	movq	$0, rt_resume(%rip)
	mov	rt_exc_vector(%rip), %rbx
	mov	rt_exc_rip(%rip), %r12
	mov	rt_exc_count(%rip), %r13
	REPORT	k_vec, %rbx
	REPORT	k_rip, %r12
	REPORT	k_count, %r13
	cmp	$0x30, %rbx
	jne	1f
	lea	intn_end(%rip), %rax
	cmp	%rax, %r12
	jne	1f
	cmp	$1, %r13
	jne	1f
	PASS	m_ok
	jmp	2f
1:	FAIL	m_bad
2:	pop	%r13
	pop	%r12
	pop	%rbx
	ret
