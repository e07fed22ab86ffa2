/*
 * pause.S - chapter 5: PAUSE intercepted (exit 77h).
 *
 * APM2 §15.9 and §15.14.4 "Pause Intercept Filtering": PAUSE (F3 90, a
 * prefixed NOP) marks a spin loop; a hypervisor intercepts it to give
 * the physical CPU to someone else.  With a pause filter count of 0 the
 * first PAUSE already exits.  The hypervisor steps over both bytes; a
 * hypervisor that stepped over one byte would land on the NOP, which
 * would hide the mistake, so the test checks the decoded length.
 *
 * The guest executes one PAUSE between pause_insn and pause_end with
 * canary values in RAX, RCX and RDX and checks that it came back right
 * after the instruction with the registers untouched.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_PAUSE)

	.section .rodata
m_ok:		.asciz "PAUSE was stepped over; RAX, RCX, RDX kept"
m_bad:		.asciz "a register changed across PAUSE"

GUEST_FUNC(guest_main)
	CANARIES
GUEST_LABEL(pause_insn)
	pause
GUEST_LABEL(pause_end)
	call	rt_canaries_kept
	VERDICT	m_ok, m_bad
	ret
