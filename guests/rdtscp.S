/*
 * rdtscp.S - chapter 5: RDTSCP intercepted (exit 87h).
 *
 * APM2 §15.9 "Instruction Intercepts": RDTSCP has its own intercept bit
 * (vector 4 bit 7), separate from RDTSC's.  svmlab returns the host TSC
 * plus TSC_OFFSET in EDX:EAX and HV_TSC_AUX (guest_abi.h) in ECX: the
 * TSC_AUX a hypervisor chooses per virtual CPU.  RDTSCP exists only if
 * CPUID 8000_0001h EDX[27] says so; without it the instruction raises
 * #UD, which is checked before any intercept (§15.9), so the guest
 * reads the bit first and expects #UD at rdtscp_insn when it is clear.
 *
 * With RDTSCP the guest checks that no exception came and that the TSC
 * it read starts at HV_TSC_BASE (TSC_OFFSET applies whether the
 * hypervisor or the processor answers), and reports ECX (key "aux")
 * without judging it: HV_TSC_AUX shows that the intercept fired, but
 * QEMU runs RDTSCP without checking the intercept (tests/deviations.py,
 * qemu-rdtscp-not-intercepted), so the test, not the guest, compares it.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC2(SVM_MISC2_RDTSCP)

	.section .rodata
k_feat:		.asciz "cpuid.rdtscp"
k_tsc:		.asciz "tsc"
k_aux:		.asciz "aux"
k_vec:		.asciz "exception.caught"
m_ok:		.asciz "RDTSCP: TSC at or above HV_TSC_BASE (ECX reported)"
m_bad:		.asciz "RDTSCP returned a TSC below HV_TSC_BASE"
m_ud:		.asciz "no RDTSCP in CPUID, and RDTSCP raised #UD"
m_noud:		.asciz "no RDTSCP in CPUID, but no #UD at the RDTSCP"
m_exc:		.asciz "RDTSCP raised an exception although CPUID has it"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	CPUID_BIT 0x80000001, %edx, 27, %r13
	REPORT	k_feat, %r13

	mov	$-1, %rax               /* the hypervisor must overwrite */
	mov	$-1, %rdx
	mov	$-1, %rcx
	CATCH	rdtscp_end
GUEST_LABEL(rdtscp_insn)
	rdtscp
GUEST_LABEL(rdtscp_end)
	movq	$0, rt_resume(%rip)
	cmpq	$0, rt_exc_count(%rip)
	jne	5f
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rbx
	mov	%rcx, %r12
	REPORT	k_tsc, %rbx
	REPORT	k_aux, %r12
	test	%r13, %r13
	jz	4f
	movabs	$HV_TSC_BASE, %rax
	cmp	%rax, %rbx
	jb	1f
	PASS	m_ok
	jmp	9f
1:	FAIL	m_bad
	jmp	9f
4:	FAIL	m_noud
	jmp	9f

	/* An exception was caught at the RDTSCP. */
5:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_vec, %rbx
	test	%r13, %r13
	jnz	6f
	CAUGHT_AT rdtscp_insn, 1, 6
	VERDICT	m_ud, m_noud
	jmp	9f
6:	FAIL	m_exc
9:	pop	%r13
	pop	%r12
	pop	%rbx
	ret
