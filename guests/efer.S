/*
 * efer.S - chapter 6: EFER behind the MSR permission map.
 *
 * The hypervisor sets both bits of EFER (C000_0080h) in the map
 * (APM2 §15.11), so RDMSR and WRMSR of EFER exit (7Ch).  The guest sees
 * a shadow: the EFER it last wrote, at first the loaded one without
 * SVME, for the hypervisor hides SVM.  The real EFER in the VMCB must
 * keep SVME, or the next VMRUN fails (§15.5.1); the kernel reports it
 * after the guest (efer.vmcb).  The guest checks:
 *   - the first read has LME and LMA and not SVME;
 *   - toggling NXE is accepted and reads back;
 *   - setting SVME raises #GP(0), as on a processor without SVM
 *     (APM2 §3.1.7: setting an unsupported EFER bit is #GP);
 *   - clearing LME while paging is on raises #GP(0) (APM2 §14.6);
 *   - a last read gives what the guest wrote, still without SVME.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_initial:	.asciz "efer.initial"
k_nxe:		.asciz "efer.nxe"
k_final:	.asciz "efer.final"
k_svme:		.asciz "svme.vector"
k_lme:		.asciz "lme.vector"
msg_init:	.asciz "EFER reads with LME and LMA, without SVME"
msg_init_bad:	.asciz "EFER read wrong: SVME set or LME/LMA clear"
msg_nxe:	.asciz "EFER.NXE toggled and read back"
msg_nxe_bad:	.asciz "EFER did not read back after toggling NXE"
msg_svme:	.asciz "setting EFER.SVME raised #GP(0) at the WRMSR"
msg_svme_bad:	.asciz "setting EFER.SVME did not raise #GP(0)"
msg_lme:	.asciz "clearing EFER.LME raised #GP(0) at the WRMSR"
msg_lme_bad:	.asciz "clearing EFER.LME did not raise #GP(0)"
msg_final:	.asciz "EFER still reads what the guest wrote"
msg_final_bad:	.asciz "EFER changed after the refused writes"

	.set	MSR_EFER, 0xc0000080
	.set	EFER_LME, 1 << 8
	.set	EFER_LMA, 1 << 10
	.set	EFER_NXE, 1 << 11
	.set	EFER_SVME, 1 << 12

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	/* 1. The shadow as the hypervisor first shows it. */
	mov	$MSR_EFER, %ecx
GUEST_LABEL(rdmsr_efer_1)
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %r12
	REPORT	k_initial, %r12
	mov	%r12, %rax
	and	$(EFER_LME | EFER_LMA | EFER_SVME), %eax
	cmp	$(EFER_LME | EFER_LMA), %eax
	VERDICT_IF e, msg_init, msg_init_bad
	/* 2. Toggle NXE and read it back. */
	mov	%r12, %r13
	xor	$EFER_NXE, %r13
	mov	$MSR_EFER, %ecx
	mov	%r13d, %eax
	mov	%r13, %rdx
	shr	$32, %rdx
GUEST_LABEL(wrmsr_efer_nxe)
	wrmsr
	mov	$MSR_EFER, %ecx
GUEST_LABEL(rdmsr_efer_2)
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	REPORT	k_nxe, %rbx
	cmp	%r13, %rbx
	VERDICT_IF e, msg_nxe, msg_nxe_bad
	/* 3. Set SVME: #GP(0). */
	CATCH	1f
	mov	%r13, %rax
	or	$EFER_SVME, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_EFER, %ecx
GUEST_LABEL(wrmsr_efer_svme)
	wrmsr
	movq	$0, rt_resume(%rip)     /* no fault: cancel the CATCH */
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_svme, %rbx
	CAUGHT_AT wrmsr_efer_svme, 1, 13, 0
	VERDICT	msg_svme, msg_svme_bad
	/* 4. Clear LME while CR0.PG is set: #GP(0). */
	CATCH	1f
	mov	%r13, %rax
	and	$~EFER_LME, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_EFER, %ecx
GUEST_LABEL(wrmsr_efer_lme)
	wrmsr
	movq	$0, rt_resume(%rip)
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_lme, %rbx
	CAUGHT_AT wrmsr_efer_lme, 2, 13, 0
	VERDICT	msg_lme, msg_lme_bad
	/* 5. The shadow is what step 2 wrote. */
	mov	$MSR_EFER, %ecx
GUEST_LABEL(rdmsr_efer_3)
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	REPORT	k_final, %rbx
	cmp	%r13, %rbx
	VERDICT_IF e, msg_final, msg_final_bad
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
