/*
 * iret.S - chapter 5: IRET intercepted (exit 74h), once.
 *
 * APM2 §15.9 "Instruction Intercepts": the IRET intercept fires before
 * the IRET executes, with RIP at the IRET.  Hypervisors use it to learn
 * when the guest leaves an NMI handler (IRET ends NMI blocking; APM2
 * §15.21 "Interrupt and Local APIC Support"), not to emulate IRET:
 * svmlab clears the intercept and resumes at the same RIP, so the IRET
 * then executes natively; a second IRET does not exit.
 *
 * The guest builds an IRETQ frame itself (SS, RSP, RFLAGS, CS, RIP) and
 * executes IRETQ at iret_1 (48 CF), which must continue at iret_1_end
 * with RSP back where it was; then the same again at iret_2, which must
 * not exit.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_IRET)

	.section .rodata
m_ok1:		.asciz "IRETQ 1 (intercepted) reached its target with RSP restored"
m_ok2:		.asciz "IRETQ 2 reached its target with RSP restored"
m_bad:		.asciz "an IRETQ came back with the wrong RSP"

/* Push an IRETQ frame that returns to \target with the current RSP. */
.macro IRET_FRAME target
	mov	%rsp, %rbx
	mov	%ss, %eax
	push	%rax                            /* SS */
	push	%rbx                            /* RSP */
	pushfq                                  /* RFLAGS */
	push	$GUEST_SEL_CODE                 /* CS */
	lea	\target(%rip), %rax
	push	%rax                            /* RIP */
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	IRET_FRAME iret_1_end
GUEST_LABEL(iret_1)
	iretq
GUEST_LABEL(iret_1_end)
	cmp	%rbx, %rsp
	jne	1f
	PASS	m_ok1
	IRET_FRAME iret_2_end
GUEST_LABEL(iret_2)
	iretq
GUEST_LABEL(iret_2_end)
	cmp	%rbx, %rsp
	jne	1f
	PASS	m_ok2
	pop	%rbx
	ret
1:	mov	%rbx, %rsp
	FAIL	m_bad
	pop	%rbx
	ret
