/*
 * spin_cli.S - chapter 10: a runaway guest, stopped by the watchdog.
 *
 * The guest turns interrupts off and spins forever, counting in RBX.
 * Nothing it does exits.  Every guest runs with V_INTR_MASKING set and
 * the INTR intercept (APM2 §15.21.1): its RFLAGS.IF masks only virtual
 * interrupts, so the host's LAPIC timer, armed for watchdog=MS
 * milliseconds as the guest starts, still ends its run with exit 60h.
 * The hypervisor then stops it; it is meant to be stopped.
 *
 * Runs only on request (guest=spin_cli, or ondemand=on): Bochs 2.7 holds
 * the physical interrupt while the guest's IF is 0 despite
 * V_INTR_MASKING, so the whole run hangs (deviation
 * bochs-vintr-masking-guest-if-holds-intr).
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP_ON_REQUEST

GUEST_FUNC(guest_main)
	cli
	xor	%ebx, %ebx
GUEST_LABEL(spin)
	inc	%rbx
	jmp	spin
GUEST_LABEL(spin_end)                   /* the loop is spin..spin_end */
