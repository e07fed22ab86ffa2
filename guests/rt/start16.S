/*
 * start16.S - the runtime of a real-mode guest (chapter 13:
 * GUEST_MODE_REAL; guests named npt_real* link with it and with
 * guests/guest16.ld at GUEST_REAL_BASE).
 *
 * The loader starts it with CR0.PE = 0 and every segment register at
 * GUEST_REAL_BASE >> 4, so an offset in the segment is the address minus
 * GUEST_REAL_BASE (OFF() below).  It has no IDT of its own: the real-mode
 * vector table at address 0 is whatever the guest puts there.
 */
#define GUEST_BITS 16
#include "guest.h"

#include "header.h"

	GUEST_HEADER 0, 0, 0, 0x3ff, \
		(GUEST_REAL_BASE >> 4), (GUEST_REAL_BASE >> 4)

	.text
	.code16
	.globl	_start
_start:
	call	guest_main
	mov	$HC_DONE, %eax
	vmmcall
	ud2
