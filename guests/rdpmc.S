/*
 * rdpmc.S - chapter 5: RDPMC intercepted (exit 6Fh).
 *
 * APM2 §15.9 "Instruction Intercepts": the intercept is checked after
 * the simple exceptions (a CPL check) but before exceptions that depend
 * on operand values, so RDPMC exits whatever ECX holds and the
 * hypervisor validates the counter number itself.  svmlab offers
 * HV_PMC_COUNT counters (guest_abi.h) that read 0; a higher ECX gets
 * #GP(0) injected, as RDPMC of a counter that does not exist raises on
 * a real processor (APM3 RDPMC).  The guest reads counter 0 at rdpmc_0,
 * then counter HV_PMC_COUNT at rdpmc_bad under CATCH and checks the
 * #GP, its error code and that the fault's RIP is the RDPMC itself.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_RDPMC)

	.section .rodata
k_pmc0:		.asciz "pmc.0"
k_vec:		.asciz "gp.vector"
k_err:		.asciz "gp.error"
k_rip:		.asciz "gp.rip"
m_zero:		.asciz "RDPMC of counter 0 reads 0"
m_nozero:	.asciz "RDPMC of counter 0 did not read 0"
m_gp:		.asciz "RDPMC of counter HV_PMC_COUNT raised #GP(0) at the RDPMC"
m_nogp:		.asciz "RDPMC of counter HV_PMC_COUNT did not raise #GP(0) there"
m_ran:		.asciz "RDPMC of a missing counter ran on"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$-1, %rax               /* the hypervisor must overwrite */
	mov	$-1, %rdx
	xor	%ecx, %ecx
GUEST_LABEL(rdpmc_0)
	rdpmc
GUEST_LABEL(rdpmc_0_end)
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rbx
	REPORT	k_pmc0, %rbx
	test	%rbx, %rbx
	VERDICT_IF z, m_zero, m_nozero
	mov	$HV_PMC_COUNT, %ecx
	CATCH	3f
GUEST_LABEL(rdpmc_bad)
	rdpmc
GUEST_LABEL(rdpmc_bad_end)
	movq	$0, rt_resume(%rip)
	FAIL	m_ran
	jmp	9f
3:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_vec, %rbx
	mov	rt_exc_error(%rip), %rbx
	REPORT	k_err, %rbx
	mov	rt_exc_rip(%rip), %rbx
	REPORT	k_rip, %rbx
	CAUGHT_AT rdpmc_bad, 1, 13, 0
	VERDICT	m_gp, m_nogp
9:	pop	%rbx
	ret
