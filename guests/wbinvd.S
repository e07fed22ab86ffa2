/*
 * wbinvd.S - chapter 5: WBINVD intercepted (exit 89h).
 *
 * APM2 §15.9 "Instruction Intercepts": WBINVD writes back and flushes
 * every cache of the real machine, which is slow and affects the host;
 * a hypervisor without assigned devices can ignore it.  Its intercept is
 * bit 9 of vector 4; the hypervisor steps over the two-byte 0F 09.
 *
 * The guest executes one WBINVD between wbinvd_insn and wbinvd_end with
 * canary values in RAX, RCX and RDX and checks that it came back right
 * after the instruction with the registers untouched.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC2(SVM_MISC2_WBINVD)

	.section .rodata
m_ok:		.asciz "WBINVD was stepped over; RAX, RCX, RDX kept"
m_bad:		.asciz "a register changed across WBINVD"

GUEST_FUNC(guest_main)
	CANARIES
GUEST_LABEL(wbinvd_insn)
	wbinvd
GUEST_LABEL(wbinvd_end)
	call	rt_canaries_kept
	VERDICT	m_ok, m_bad
	ret
