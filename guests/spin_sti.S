/*
 * spin_sti.S - chapter 10: a runaway guest with interrupts on, stopped by the watchdog.
 *
 * The guest turns interrupts on (STI) and spins forever, counting in RBX.
 * Nothing it does exits.  Every guest runs with V_INTR_MASKING set and
 * the INTR intercept (APM2 §15.21.1): its RFLAGS.IF masks only virtual
 * interrupts; the host's LAPIC timer, armed for watchdog=MS milliseconds
 * as the guest starts, ends its run with exit 60h at the label spin.
 * The hypervisor then stops it; it is meant to be stopped.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

GUEST_FUNC(guest_main)
	sti
	xor	%ebx, %ebx
GUEST_LABEL(spin)
	inc	%rbx
	jmp	spin
GUEST_LABEL(spin_end)                   /* the loop is spin..spin_end */
