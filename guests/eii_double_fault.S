/*
 * eii_double_fault.S - chapter 11: an exception during the delivery of
 * an exception, which the double-fault rules turn into #DF.
 *
 * The guest intercepts #GP and #NP and clears the P bit of its own IDT
 * gate 13 (byte 5 of the 16-byte gate, bit 7).  A load from a
 * non-canonical address raises #GP(0): exit 4Dh, before any delivery, so
 * EXITINTINFO is 0.  The hypervisor reflects the #GP; delivering it
 * finds gate 13 not present, which raises #NP with a selector error code
 * naming the IDT entry (APM2 §8.4.1: index 13, IDT = 1, EXT = 1 because
 * an event was being delivered): exit 4Bh with EXITINTINFO = the #GP.
 * Reflecting #NP there means combining it with the #GP: both are
 * contributory, so the processor would raise #DF(0) (APM2 §8.2.9,
 * Table 8-7), and that is what the hypervisor injects.  The guest's #DF
 * handler (the runtime's stub) sees vector 8, error code 0, once.
 *
 * Then the gate is restored and a second #GP takes the ordinary way:
 * exit 4Dh, reflected, delivered through gate 13.
 */
#include "guest.h"

#define GATE_GP_ATTR    (13 * 16 + 5)   /* guest_idt offset: P DPL 0 type */
#define NONCANONICAL    0x8000000000000000

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(13) | SVM_INTERCEPT_EXC(11))

	.section .rodata
k_attr:		.asciz "gate13.attr"
k_df_vec:	.asciz "df.vector"
k_df_err:	.asciz "df.error"
k_df_rip:	.asciz "df.rip"
k_gp_vec:	.asciz "gp.vector"
k_gp_err:	.asciz "gp.error"
k_gp_rip:	.asciz "gp.rip"
k_count:	.asciz "exc.count"
m_df_ok:	.asciz "#GP through a not-present gate became one #DF(0)"
m_df_bad:	.asciz "#DF: wrong vector, error code, RIP or count"
m_gp_ok:	.asciz "with the gate restored, #GP(0) reached its handler"
m_gp_bad:	.asciz "#GP after the restore: wrong vector, error, RIP or count"

	.bss
	.balign	8
seen:	.skip	3 * 8                   /* #DF: vector, error, RIP */

GUEST_FUNC(guest_main)
	push	%rbx
	andb	$0x7f, guest_idt + GATE_GP_ATTR(%rip)   /* gate 13: P = 0 */
	movzbl	guest_idt + GATE_GP_ATTR(%rip), %ebx
	REPORT	k_attr, %rbx
	movabs	$NONCANONICAL, %rbx
	CATCH	1f
GUEST_LABEL(gp_insn)
	mov	(%rbx), %rax                    /* #GP(0) -> #NP -> #DF */
	movq	$0, rt_resume(%rip)
1:	orb	$0x80, guest_idt + GATE_GP_ATTR(%rip)   /* gate 13: P = 1 */
	mov	rt_exc_vector(%rip), %rax
	mov	%rax, seen(%rip)
	mov	rt_exc_error(%rip), %rax
	mov	%rax, seen + 8(%rip)
	mov	rt_exc_rip(%rip), %rax
	mov	%rax, seen + 16(%rip)
	REPORT	k_df_vec, seen(%rip)
	REPORT	k_df_err, seen + 8(%rip)
	REPORT	k_df_rip, seen + 16(%rip)
	CAUGHT_AT gp_insn, 1, 8, 0
	VERDICT	m_df_ok, m_df_bad

	CATCH	2f
GUEST_LABEL(gp_again)
	mov	(%rbx), %rax                    /* #GP(0), delivered */
	movq	$0, rt_resume(%rip)
2:	REPORT	k_gp_vec, rt_exc_vector(%rip)
	REPORT	k_gp_err, rt_exc_error(%rip)
	REPORT	k_gp_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT gp_again, 2, 13, 0
	VERDICT	m_gp_ok, m_gp_bad
	pop	%rbx
	ret
