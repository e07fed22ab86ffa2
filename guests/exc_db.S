/*
 * exc_db.S - chapter 8: an intercepted single-step #DB, reflected.
 *
 * The guest asks for the #DB exception intercept (VMCB 008h bit 1).  It
 * sets RFLAGS.TF with PUSHF/POPF (not intercepted here).  The instruction
 * after the POPF runs with TF set, and after it completes the processor
 * raises the single-step trap: #DB with DR6.BS (bit 14) set (APM2
 * §13.1.1.3 "Debug-Status Register").  The intercept exits with code
 * 41h (APM2 §15.12); a trap's saved RIP is the next instruction.  The
 * hypervisor reflects it, and the guest's handler sees vector 1 and
 * return RIP = after the stepped instruction (the runtime clears TF in
 * the frame).  The exception has happened when the intercept exits, so
 * DR6 already records it (KVM reflects #DB with the VMCB's DR6 for that
 * reason); the guest reads DR6 (DR accesses are not intercepted here)
 * and reports it, before and after.
 */
#include "guest.h"

#define DR6_BS  (1 << 14)

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(1))

	.section .rodata
k_vector:	.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
k_dr6:		.asciz "dr6"
k_dr6_before:	.asciz "dr6.before"
msg_ok:		.asciz "the handler saw #DB after the stepped instruction"
msg_bad:	.asciz "the handler did not see the single-step #DB"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	%db6, %rbx
	CATCH	1f
	pushfq
	orq	$0x100, (%rsp)                  /* TF */
	popfq
GUEST_LABEL(stepped_insn)
	mov	$0x5a, %eax                     /* runs with TF: then #DB */
GUEST_LABEL(after_step)
	nop
	movq	$0, rt_resume(%rip)
1:	mov	%db6, %rcx
	mov	%rcx, %r12
	REPORT	k_dr6_before, %rbx
	REPORT	k_dr6, %r12
	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_step, 1, 1
	VERDICT	msg_ok, msg_bad
	pop	%rbx
	ret
