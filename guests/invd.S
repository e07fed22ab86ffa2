/*
 * invd.S - chapter 5: INVD intercepted (exit 76h).
 *
 * APM2 §15.9 "Instruction Intercepts": INVD would throw away every dirty
 * cache line of the real machine, which no guest may do; the hypervisor
 * intercepts it and does nothing (a guest only needs its own view to be
 * coherent).  The hypervisor steps over the two-byte 0F 08 with NRIP or
 * with the length it decoded.  The guest sets the WBINVD intercept as
 * well, so that a processor checking the wrong bit for INVD shows up as
 * a WBINVD exit (89h) at the INVD instead of no exit at all.
 *
 * The guest executes one INVD between invd_insn and invd_end with canary
 * values in RAX, RCX and RDX and checks that it came back right after
 * the instruction with the registers untouched.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_INVD)
/* WBINVD too: a CPU that confused the two would exit 89h, not 76h. */
GUEST_MISC2(SVM_MISC2_WBINVD)

	.section .rodata
m_ok:		.asciz "INVD was stepped over; RAX, RCX, RDX kept"
m_bad:		.asciz "a register changed across INVD"

GUEST_FUNC(guest_main)
	CANARIES
GUEST_LABEL(invd_insn)
	invd
GUEST_LABEL(invd_end)
	call	rt_canaries_kept
	VERDICT	m_ok, m_bad
	ret
