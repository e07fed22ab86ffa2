/*
 * mmio_bad.S - chapter 14: an MMIO access the hypervisor cannot emulate.
 *
 * ADD to memory (01 /r) reads and writes the device in one instruction;
 * the decoder knows only MOV, so the hypervisor stops the guest and
 * names the bytes it found rather than guess.  Meant to be stopped.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

GUEST_FUNC(guest_main)
	mov	$HV_MMIO_BASE, %rbx
	mov	$1, %eax
GUEST_LABEL(bad_add)
	add	%eax, HV_MMIO_DATA(%rbx)        /* 01 43 10 */
	FAIL	msg_resumed
	ret

	.section .rodata
msg_resumed:	.asciz	"the hypervisor stepped over an ADD it cannot emulate"
