/*
 * inj_nmi.S - chapter 9: an NMI injected through EVENTINJ.
 *
 * TYPE 2 is the NMI (APM2 §15.20).  It is delivered through IDT vector
 * 2 and pushes no error code; "if TYPE is 2 (NMI), the VECTOR field is
 * ignored", so the guest asks twice: once with vector 2, once with
 * vector 0, and both times its handler must see vector 2.  Delivering
 * an NMI blocks further NMIs until the handler's IRET (APM2 §8.2.3);
 * the runtime's handler ends with IRETQ, so the first NMI is over when
 * the guest asks for the second.  Each return RIP is the instruction
 * after its VMMCALL.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "nmi.vector"
k_rip:		.asciz "nmi.rip"
k_ret0:		.asciz "inject0.ret"
k_vec0:		.asciz "nmi0.vector"
k_rip0:		.asciz "nmi0.rip"
k_count:	.asciz "exc.count"
m_ok:		.asciz "the NMI arrived at vector 2, returning after the VMMCALL"
m_bad:		.asciz "NMI: wrong vector, return RIP or count"
m_ok0:		.asciz "TYPE 2 with vector 0 arrived at vector 2 too"
m_bad0:		.asciz "TYPE 2 with vector 0: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	CATCH	1f
	INJECT	EV(2, 2)                        /* TYPE 2: NMI */
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)
1:	REPORT	k_ret, %rax
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	CAUGHT_AT after_call, 1, 2
	VERDICT	m_ok, m_bad

	CATCH	2f
	INJECT	EV(2, 0)                        /* the vector is ignored */
GUEST_LABEL(after_call0)
	movq	$0, rt_resume(%rip)
2:	REPORT	k_ret0, %rax
	REPORT	k_vec0, rt_exc_vector(%rip)
	REPORT	k_rip0, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call0, 2, 2
	VERDICT	m_ok0, m_bad0
	ret
