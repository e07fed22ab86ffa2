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
	CATCH	intn_end
GUEST_LABEL(intn_insn)
	int	$0x30
GUEST_LABEL(intn_end)
	movq	$0, rt_resume(%rip)
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT intn_end, 1, 0x30
	VERDICT	m_ok, m_bad
	ret
