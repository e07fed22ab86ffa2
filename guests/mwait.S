/*
 * mwait.S - chapter 5: MWAIT intercepted (exit 8Bh).
 *
 * APM2 §15.9 "Instruction Intercepts": MWAIT would put the physical
 * processor to sleep until the monitored line is written; the
 * unconditional MWAIT intercept (vector 4 bit 11) lets the hypervisor
 * decide instead (bit 12 would intercept only an armed MWAIT, exit
 * 8Ch).  svmlab steps over it, as if a wake-up came at once, which
 * MWAIT allows.  Like MONITOR it exists only if CPUID 1 ECX[3] says so
 * and raises #UD otherwise, before the intercept check: the guest reads
 * the bit and expects either a clean step over mwait_insn (0F 01 C9,
 * EAX = ECX = 0) or #UD there.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC2(SVM_MISC2_MWAIT)

	.section .rodata
k_feat:		.asciz "cpuid.monitor"
k_exc:		.asciz "exception.caught"
m_ok:		.asciz "MWAIT was stepped over"
m_ud:		.asciz "no MWAIT in CPUID, and MWAIT raised #UD"
m_noud:		.asciz "no MWAIT in CPUID, but no #UD at the MWAIT"
m_exc:		.asciz "MWAIT raised an exception although CPUID has it"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	CPUID_BIT 1, %ecx, 3, %r12
	REPORT	k_feat, %r12

	xor	%eax, %eax
	xor	%ecx, %ecx
	CATCH	mwait_end
GUEST_LABEL(mwait_insn)
	mwait	%eax, %ecx
GUEST_LABEL(mwait_end)
	movq	$0, rt_resume(%rip)
	cmpq	$0, rt_exc_count(%rip)
	jne	5f
	test	%r12, %r12
	jz	4f
	PASS	m_ok
	jmp	9f
4:	FAIL	m_noud
	jmp	9f
5:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_exc, %rbx
	test	%r12, %r12
	jnz	6f
	CAUGHT_AT mwait_insn, 1, 6
	VERDICT	m_ud, m_noud
	jmp	9f
6:	FAIL	m_exc
9:	pop	%r12
	pop	%rbx
	ret
