/*
 * monitor.S - chapter 5: MONITOR intercepted (exit 8Ah).
 *
 * APM2 §15.9 "Instruction Intercepts": MONITOR arms the address-monitor
 * hardware on the line at RAX (ECX extensions, EDX hints); a hypervisor
 * intercepts it (vector 4 bit 10) because the guest's monitor would
 * otherwise watch host-physical memory the guest may not own.  svmlab
 * steps over it.  MONITOR exists only if CPUID 1 ECX[3] says so, and
 * without it raises #UD, which comes before the intercept check
 * (§15.9): the guest reads the bit, reports it and expects either a
 * clean step over monitor_insn (0F 01 C8) or #UD there.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC2(SVM_MISC2_MONITOR)

	.section .rodata
k_feat:		.asciz "cpuid.monitor"
k_addr:		.asciz "monitor.rax"
k_exc:		.asciz "exception.caught"
m_ok:		.asciz "MONITOR was stepped over, RAX kept"
m_ud:		.asciz "no MONITOR in CPUID, and MONITOR raised #UD"
m_noud:		.asciz "no MONITOR in CPUID, but no #UD at the MONITOR"
m_exc:		.asciz "MONITOR raised an exception although CPUID has it"
m_bad:		.asciz "RAX changed across MONITOR"

	.data
	.balign	64
GUEST_LABEL(monitor_line)
	.quad	0

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	CPUID_BIT 1, %ecx, 3, %r12
	REPORT	k_feat, %r12

	lea	monitor_line(%rip), %rax
	REPORT	k_addr, %rax
	lea	monitor_line(%rip), %rax
	xor	%ecx, %ecx
	xor	%edx, %edx
	CATCH	monitor_end
GUEST_LABEL(monitor_insn)
	monitor	%rax, %ecx, %edx
GUEST_LABEL(monitor_end)
	movq	$0, rt_resume(%rip)
	cmpq	$0, rt_exc_count(%rip)
	jne	5f
	test	%r12, %r12
	jz	4f
	lea	monitor_line(%rip), %rbx
	cmp	%rbx, %rax
	jne	1f
	PASS	m_ok
	jmp	9f
1:	FAIL	m_bad
	jmp	9f
4:	FAIL	m_noud
	jmp	9f
5:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_exc, %rbx
	test	%r12, %r12
	jnz	6f
	CAUGHT_AT monitor_insn, 1, 6
	VERDICT	m_ud, m_noud
	jmp	9f
6:	FAIL	m_exc
9:	pop	%r12
	pop	%rbx
	ret
