/*
 * inj_pf.S - chapter 9: #PF injected with an error code and a CR2.
 *
 * EVENTINJ has no field for CR2: injecting #PF delivers the vector and
 * the error code, and the handler reads the faulting address from CR2,
 * which VMRUN loads from the VMCB's save area (APM2 §15.20, §15.5.1).
 * So a hypervisor that injects #PF writes the VMCB's CR2 too; HC_INJECT
 * takes it as its second argument (RSI).
 *
 * Error code 6 = W/R (bit 1) | U/S (bit 2): a user-mode write to a
 * not-present page (APM2 §8.4.2).  Nothing here touched PF_ADDR; the
 * guest never faulted, it is only told it did.  The guest checks the
 * vector, the error code and the return RIP (after_call); CR2 it only
 * reports, with the CR2 it had before, because Bochs does not load CR2
 * at VMRUN (deviation bochs-vmrun-ignores-cr2): the test judges it.
 */
#include "guest.h"

#define PF_ERROR        6
#define PF_ADDR         0x00007fffdeadb000

GUEST_MODE(GUEST_MODE_LONG)
	.globl	pf_addr                         /* for the tests (nm) */
	.set	pf_addr, PF_ADDR

	.section .rodata
k_ret:		.asciz "inject.ret"
k_vec:		.asciz "exc.vector"
k_err:		.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_cr2:		.asciz "exc.cr2"
k_before:	.asciz "cr2.before"
k_count:	.asciz "exc.count"
m_ok:		.asciz "#PF(6) arrived once, returning after the VMMCALL"
m_bad:		.asciz "#PF: wrong vector, error code, return RIP or count"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	%cr2, %rbx                      /* not intercepted here */
	CATCH	1f
	INJECT	EV_ERR(3, 14, PF_ERROR), PF_ADDR
GUEST_LABEL(after_call)
	movq	$0, rt_resume(%rip)
1:	REPORT	k_ret, %rax
	REPORT	k_before, %rbx
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_err, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_cr2, rt_exc_cr2(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_call, 1, 14, PF_ERROR
	VERDICT	m_ok, m_bad
	pop	%rbx
	ret
