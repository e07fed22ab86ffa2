/*
 * inj_softint.S - chapter 9: a software interrupt injected (TYPE 4).
 *
 * TYPE 4 is the software interrupt, the event an INTn instruction makes
 * (APM2 §15.20).  Injected, it goes through IDT vector 30h like INT 30h
 * would, without an error code, and returns to the RIP in the VMCB: the
 * instruction after the VMMCALL (after_call).  For a real INTn that
 * address is the next instruction, so a hypervisor injecting one steps
 * RIP over the INTn first (chapter 5's intn).  Unlike an exception, a
 * software interrupt checks the gate's DPL against CPL; the runtime's
 * gates have DPL 0 and the guest runs at CPL 0, so it passes.  With
 * NRIPS the processor may take the return address from NEXT_RIP
 * instead, so the hypervisor makes it the same RIP.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "int.vector"
k_rip:		.asciz "int.rip"
k_count:	.asciz "int.count"
m_ok:		.asciz "INT 30h arrived once, returning after the VMMCALL"
m_bad:		.asciz "INT 30h: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	CATCH	1f
	INJECT	EV(4, 0x30)                     /* TYPE 4: INT 30h */
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)
1:	REPORT	k_ret, %rax
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call, 1, 0x30
	VERDICT	m_ok, m_bad
	ret
