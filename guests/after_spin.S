/*
 * after_spin.S - chapter 10: the guest after the runaway still runs.
 *
 * spin_sti (and, on request, spin_cli) was stopped by the watchdog in the
 * middle of its loop.  This guest checks that the next guest starts
 * clean: it runs a short loop with interrupts enabled, takes no
 * interrupt it did not ask for, and finishes well inside the watchdog's
 * time (Bochs runs a few million instructions per simulated second).
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_count:	.asciz "exc.count"
msg_ok:		.asciz "the guest after the runaway ran, and saw no stray event"
msg_bad:	.asciz "an event reached the guest after the runaway"

GUEST_FUNC(guest_main)
	sti
	mov	$1000, %ecx
1:	dec	%ecx
	jnz	1b
	cli
	REPORT	k_count, rt_exc_count(%rip)
	cmpq	$0, rt_exc_count(%rip)
	VERDICT_IF e, msg_ok, msg_bad
	ret
