/*
 * exc_gp.S - chapter 8: an intercepted #GP with an error code.
 *
 * The guest asks for the #GP exception intercept (VMCB 008h bit 13) and
 * loads DS with selector 1233h: index 246h of the GDT (TI = 0), RPL 3.
 * The guest's GDT has 3 entries, so the index is past its limit and MOV
 * DS raises #GP with a selector error code (APM2 §8.4.1): the selector's
 * index and TI bit, with bits 1:0 being IDT = 0 and EXT = 0 instead of
 * the RPL: 1230h.  The exit is 4Dh with EXITINFO1 = that error code and
 * RIP = the MOV (APM2 §15.12).  The hypervisor reflects it with the same
 * error code (EVENTINJ.EV = 1), and the guest's handler sees #GP(1230h)
 * at the MOV.
 */
#include "guest.h"

#define BAD_SEL         0x1233
#define BAD_SEL_ERROR   0x1230          /* BAD_SEL without its RPL */

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(13))

	.section .rodata
k_vector:	.asciz "exc.vector"
k_error:	.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
k_ds:		.asciz "ds"
msg_ok:		.asciz "the handler saw #GP(1230h) at the MOV DS"
msg_bad:	.asciz "the handler did not see #GP(1230h) at the MOV DS"

GUEST_FUNC(guest_main)
	mov	$BAD_SEL, %eax
	CATCH	1f
GUEST_LABEL(mov_ds)
	mov	%ax, %ds                        /* #GP(1230h): a fault */
	movq	$0, rt_resume(%rip)
1:	mov	%ds, %eax                       /* DS is unchanged */
	movzwl	%ax, %eax
	REPORT	k_ds, %rax
	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_error, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT mov_ds, 1, 13, BAD_SEL_ERROR
	VERDICT	msg_ok, msg_bad
	ret
