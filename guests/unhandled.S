/*
 * unhandled.S - chapter 4: an exit the hypervisor has no handler for.
 *
 * The guest asks for the IDTR-read intercept (intercept_misc1 bit 6)
 * and executes SIDT.  The exit (66h, IDTR_READ) reaches the dispatch
 * table, which has no entry for it: the hypervisor stops this guest
 * with a diagnostic naming the exit, EXITINFO1/2 and the guest RIP, and
 * the run goes on with the next guest.  The image header says the guest
 * is meant to end that way, so the stop counts as expected.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(1 << 6)             /* SVM_MISC1_IDTR_READ */
GUEST_EXPECT_STOP

	.section .rodata
msg:	.asciz "the guest ran past an unhandled exit"

	.bss
idtr:	.skip	10

GUEST_FUNC(guest_main)
GUEST_LABEL(sidt_insn)
	sidt	idtr(%rip)
	FAIL	msg
	ret
