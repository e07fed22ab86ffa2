/*
 * fault_vs_softint.S - chapter 9: where an injected event returns to.
 *
 * An injected event returns to the RIP in the VMCB (APM2 §15.20), so
 * the hypervisor decides the return address by where it leaves RIP:
 *
 *  - a fault returns to the faulting instruction, to run it again once
 *    the handler fixed the cause.  The #UD intercept (exit 46h) reports
 *    RIP = the UD2 (APM2 §15.12); the hypervisor reflects #UD without
 *    moving RIP, and the handler's return RIP is the UD2 (ud2_insn).
 *  - a software interrupt returns after the INTn: the instruction has
 *    completed.  The INTn intercept (exit 75h) also reports RIP = the
 *    INT (APM2 §15.9); the hypervisor steps over the two bytes CD 31
 *    and injects TYPE 4 vector 31h there, and the handler's return RIP
 *    is the next instruction (int_end).
 *
 * Both in one guest, so the difference is the only difference.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_INTN)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(6))

	.section .rodata
k_ud_vec:	.asciz "fault.vector"
k_ud_rip:	.asciz "fault.rip"
k_int_vec:	.asciz "int.vector"
k_int_rip:	.asciz "int.rip"
k_count:	.asciz "exc.count"
m_ud_ok:	.asciz "#UD returns to the UD2: a fault restarts"
m_ud_bad:	.asciz "#UD: wrong vector, return RIP or count"
m_int_ok:	.asciz "INT 31h returns after the INT: software interrupt"
m_int_bad:	.asciz "INT 31h: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	CATCH	1f
GUEST_LABEL(ud2_insn)
	ud2                                     /* #UD: intercepted, reflected */
1:	REPORT	k_ud_vec, rt_exc_vector(%rip)
	REPORT	k_ud_rip, rt_exc_rip(%rip)
	CAUGHT_AT ud2_insn, 1, 6
	VERDICT	m_ud_ok, m_ud_bad

	CATCH	int_end
GUEST_LABEL(int_insn)
	int	$0x31                           /* INTn: intercepted, injected */
GUEST_LABEL(int_end)
	movq	$0, rt_resume(%rip)
	REPORT	k_int_vec, rt_exc_vector(%rip)
	REPORT	k_int_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT int_end, 2, 0x31
	VERDICT	m_int_ok, m_int_bad
	ret
