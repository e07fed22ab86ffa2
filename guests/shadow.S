/*
 * shadow.S - chapter 10: the interrupt shadow in the VMCB (int_state).
 *
 * After STI (with IF = 0 before it) and after MOV SS, the processor
 * takes no interrupt before the next instruction has completed: the
 * interrupt shadow (APM2 §15.21.5).  An exit in that instruction records
 * the shadow in bit 0 of the VMCB's int_state (068h), and VMRUN loads it
 * back, so a hypervisor that resumes at the same instruction keeps it.
 * One that steps over the instruction clears it (vcpu_skip).
 *
 * With the CPUID intercept: CPUID right after STI exits with the shadow
 * set; a second CPUID, IF already 1, without; CPUID after MOV SS with
 * it.  STI; HLT: the HLT exit has the shadow set too.  And a CPUID that
 * is the first instruction after a VMRUN (the guest resumes from a
 * hypercall) has no shadow: VMRUN loaded int_state = 0.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_CPUID)

	.section .rodata
m_start:	.asciz "the guest runs with the CPUID intercept"
m_done:		.asciz "ran through the shadowed instructions"

GUEST_FUNC(guest_main)
	push	%rbx
	cli
	/*
	 * The first instruction after a VMRUN: VMRUN loads the shadow from
	 * int_state, which is 0 here, so there is none.  (The host's own
	 * STI is kept away from its VMRUN, src/svm/vmrun.S: QEMU would let
	 * the host's STI shadow cover this instruction.)
	 */
	PASS	m_start
GUEST_LABEL(first_cpuid)
	cpuid
	xor	%eax, %eax
	sti
GUEST_LABEL(sti_cpuid)
	cpuid                           /* in the STI shadow */
	xor	%eax, %eax
GUEST_LABEL(plain_cpuid)
	cpuid                           /* IF = 1 already: no shadow */
	mov	%ss, %cx
	xor	%eax, %eax
	mov	%cx, %ss
GUEST_LABEL(movss_cpuid)
	cpuid                           /* in the MOV SS shadow */
	cli
	sti
GUEST_LABEL(sti_hlt)
	hlt                             /* in the STI shadow */
GUEST_LABEL(after_hlt)
	cli
	pop	%rbx
	PASS	m_done
	ret
