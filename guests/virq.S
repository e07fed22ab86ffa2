/*
 * virq.S - chapter 10: a virtual interrupt (V_IRQ) waits for RFLAGS.IF.
 *
 * The guest asks for a virtual interrupt with HC_VIRQ: the hypervisor
 * sets V_IRQ, V_INTR_VECTOR = VIRQ_VECTOR and V_INTR_PRIO = VIRQ_PRIO in
 * the VMCB's int_ctl (APM2 §15.21.4).  The processor itself delivers it
 * through the guest's IDT, without an exit, once the guest can take an
 * interrupt: RFLAGS.IF = 1 and no interrupt shadow.
 *
 * With IF = 0 the guest runs a few instructions (and a REPORT, whose exit
 * shows V_IRQ still set): nothing arrives.  Then STI; the NOP after it
 * runs in the STI shadow, and the interrupt is taken before the
 * instruction at after_shadow, which is the RIP its frame holds.  The
 * processor clears V_IRQ as it takes the interrupt.
 */
#include "guest.h"

#define VIRQ_VECTOR     0x5a
#define VIRQ_PRIO       5

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_ret:		.asciz "virq.ret"
k_masked:	.asciz "masked.count"
k_vec:		.asciz "exc.vector"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
m_masked:	.asciz "no virtual interrupt while RFLAGS.IF = 0"
m_ok:		.asciz "the virtual interrupt arrived once, after the STI shadow"
m_bad:		.asciz "virtual interrupt: wrong vector, return RIP or count"

GUEST_FUNC(guest_main)
	cli
	CATCH	after_shadow
	mov	$(VIRQ_VECTOR | (VIRQ_PRIO << HC_VIRQ_PRIO_SHIFT)), %edi
	HYPERCALL HC_VIRQ
GUEST_LABEL(virq_set)
	REPORT	k_ret, %rax
	/* IF = 0: V_IRQ is pending, but it must not be taken. */
	nop
	nop
	pause
	nop
GUEST_LABEL(masked)
	CHECK	k_masked, rt_exc_count(%rip), 0, m_masked
	sti
GUEST_LABEL(in_shadow)
	nop
GUEST_LABEL(after_shadow)
	cli
	movq	$0, rt_resume(%rip)
	REPORT	k_vec, rt_exc_vector(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	CAUGHT_AT after_shadow, 1, VIRQ_VECTOR
	VERDICT	m_ok, m_bad
	ret
