/*
 * inj_refused.S - chapter 9: injections a careful hypervisor refuses.
 *
 * VMRUN itself refuses only a few EVENTINJ values with VMEXIT_INVALID
 * (APM2 §15.20: a reserved TYPE, TYPE 3 with vector 2, a vector that is
 * not an exception's); the badinj.* VMRUN cases of this chapter try
 * them.  Others it accepts and delivers as they are, to a guest that
 * cannot handle them: an #UD with an error code makes the handler pop
 * the return RIP as an error code; a #GP without one makes it pop RIP
 * as CS.  So the hypervisor checks more before it writes EVENTINJ
 * (src/svm/event.c: event_refuse, after bhyve's svm_eventinject), and
 * HC_INJECT answers HC_REFUSED with the reason in the trace.
 *
 * The guest asks for seven illegal events, one after the other; each
 * must come back HC_REFUSED (RAX = 1) with no event delivered:
 *     TYPE 1 (reserved), TYPE 3 vector 2 (the NMI is TYPE 2),
 *     TYPE 3 vector 32 (not an exception), #UD with EV set,
 *     #GP without EV, an NMI with EV, bits 30:12 (reserved) set.
 * Then a legal #UD, which is accepted and arrives once.  The label
 * after each VMMCALL (refused_*, after_legal) is where the guest was
 * when the hypervisor decided.
 */
#include "guest.h"

#define BAD_TYPE1       EV(1, 0x20)
#define BAD_NMI_EXC     EV(3, 2)
#define BAD_VECTOR32    EV(3, 32)
#define BAD_UD_EV       EV_ERR(3, 6, 0)
#define BAD_GP_NO_EV    EV(3, 13)
#define BAD_NMI_EV      EV_ERR(2, 2, 0)
#define BAD_RESERVED    (EV(3, 6) | 0x1000)     /* bit 12 */

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_type1:	.asciz "ret.type1"
k_nmi_exc:	.asciz "ret.nmi_as_exception"
k_vec32:	.asciz "ret.vector32"
k_ud_ev:	.asciz "ret.ud_with_error"
k_gp_no_ev:	.asciz "ret.gp_without_error"
k_nmi_ev:	.asciz "ret.nmi_with_error"
k_reserved:	.asciz "ret.reserved_bits"
k_count:	.asciz "refused.count"
k_legal:	.asciz "ret.legal"
k_vec:		.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_total:	.asciz "exc.count"
m_type1:	.asciz "TYPE 1 refused"
m_nmi_exc:	.asciz "TYPE 3 vector 2 refused"
m_vec32:	.asciz "TYPE 3 vector 32 refused"
m_ud_ev:	.asciz "#UD with an error code refused"
m_gp_no_ev:	.asciz "#GP without an error code refused"
m_nmi_ev:	.asciz "NMI with an error code refused"
m_reserved:	.asciz "reserved bits 30:12 refused"
m_none:		.asciz "no refused event reached the guest"
m_legal:	.asciz "the legal #UD was accepted"
m_ok:		.asciz "the legal #UD arrived once, after the VMMCALL"
m_bad:		.asciz "the legal #UD: wrong vector, return RIP or count"

/*
 * Ask for \event; RAX must come back HC_REFUSED.  Should the event be
 * delivered after all, the runtime records it (CATCH) and resumes at
 * the same place, and refused.count below says so.
 */
.macro REFUSED event, label, key, msg
	CATCH	9f
	INJECT	\event
GUEST_LABEL(\label)
9:	movq	$0, rt_resume(%rip)
	CHECK	\key, %rax, HC_REFUSED, \msg
.endm

GUEST_FUNC(guest_main)
	REFUSED	BAD_TYPE1, refused_type1, k_type1, m_type1
	REFUSED	BAD_NMI_EXC, refused_nmi_exc, k_nmi_exc, m_nmi_exc
	REFUSED	BAD_VECTOR32, refused_vector32, k_vec32, m_vec32
	REFUSED	BAD_UD_EV, refused_ud_ev, k_ud_ev, m_ud_ev
	REFUSED	BAD_GP_NO_EV, refused_gp_no_ev, k_gp_no_ev, m_gp_no_ev
	REFUSED	BAD_NMI_EV, refused_nmi_ev, k_nmi_ev, m_nmi_ev
	REFUSED	BAD_RESERVED, refused_reserved, k_reserved, m_reserved
	CHECK	k_count, rt_exc_count(%rip), 0, m_none

	CATCH	1f
	INJECT	EV(3, 6)                        /* #UD: legal */
GUEST_LABEL(after_legal)
	movq	$0, rt_resume(%rip)
1:	CHECK	k_legal, %rax, HC_OK, m_legal
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_total, rt_exc_count(%rip)
	CAUGHT_AT after_legal, 1, 6
	VERDICT	m_ok, m_bad
	ret
