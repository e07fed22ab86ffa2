/*
 * msr_outside.S - chapter 6: MSRs outside the map's three ranges.
 *
 * APM2 §15.11: the map covers MSRs 0000_0000h-0000_1FFFh,
 * C000_0000h-C000_1FFFh and C001_0000h-C001_1FFFh; RDMSR or WRMSR of
 * any other MSR always exits (7Ch), whatever the map says.  The guest's
 * MSR list is empty, yet every access below exits and the hypervisor
 * decides:
 *   - HV_MSR_ID (4000_0000h) reads HV_MSR_ID_VALUE; writing it is #GP(0);
 *   - HV_MSR_SCRATCH (4000_0001h) reads back what was written;
 *   - C000_2000h, the first MSR past the second range, is unknown: #GP(0).
 * The guest checks each value and that each #GP(0) came from the
 * instruction itself (a fault: the return RIP is the WRMSR or RDMSR).
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_id:		.asciz "id.read"
k_scratch:	.asciz "scratch.read"
k_id_wr:	.asciz "id.write.vector"
k_past:		.asciz "past.read.vector"
msg_id:		.asciz "HV_MSR_ID reads HV_MSR_ID_VALUE"
msg_id_bad:	.asciz "HV_MSR_ID read another value"
msg_scr:	.asciz "HV_MSR_SCRATCH reads back what was written"
msg_scr_bad:	.asciz "HV_MSR_SCRATCH read another value"
msg_id_wr:	.asciz "WRMSR HV_MSR_ID raised #GP(0) at the WRMSR"
msg_id_wr_bad:	.asciz "WRMSR HV_MSR_ID did not raise #GP(0) at the WRMSR"
msg_past:	.asciz "RDMSR C000_2000h raised #GP(0) at the RDMSR"
msg_past_bad:	.asciz "RDMSR C000_2000h did not raise #GP(0) at the RDMSR"

	.set	SCRATCH_HI, 0x01234567
	.set	SCRATCH_LO, 0x89abcdef
	.set	MSR_PAST_RANGE_2, 0xc0002000

GUEST_FUNC(guest_main)
	push	%rbx
	/* 1. RDMSR HV_MSR_ID: not in the map, so it exits. */
	mov	$HV_MSR_ID, %ecx
GUEST_LABEL(rdmsr_id)
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	REPORT	k_id, %rbx
	movabs	$HV_MSR_ID_VALUE, %rax
	cmp	%rax, %rbx
	VERDICT_IF e, msg_id, msg_id_bad
	/* 2. WRMSR then RDMSR HV_MSR_SCRATCH, a full 64-bit value. */
	mov	$HV_MSR_SCRATCH, %ecx
	mov	$SCRATCH_LO, %eax
	mov	$SCRATCH_HI, %edx
GUEST_LABEL(wrmsr_scratch)
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
GUEST_LABEL(rdmsr_scratch)
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	REPORT	k_scratch, %rbx
	movabs	$(SCRATCH_HI << 32) | SCRATCH_LO, %rax
	cmp	%rax, %rbx
	VERDICT_IF e, msg_scr, msg_scr_bad
	/* 3. WRMSR HV_MSR_ID: read-only, so #GP(0). */
	CATCH	1f
	mov	$HV_MSR_ID, %ecx
	mov	$1, %eax
	xor	%edx, %edx
GUEST_LABEL(wrmsr_id)
	wrmsr
	movq	$0, rt_resume(%rip)     /* no fault: cancel the CATCH */
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_id_wr, %rbx
	CAUGHT_AT wrmsr_id, 1, 13, 0
	VERDICT	msg_id_wr, msg_id_wr_bad
	/* 4. RDMSR C000_2000h: outside the ranges and unknown: #GP(0). */
	CATCH	1f
	mov	$MSR_PAST_RANGE_2, %ecx
GUEST_LABEL(rdmsr_past)
	rdmsr
	movq	$0, rt_resume(%rip)
1:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_past, %rbx
	CAUGHT_AT rdmsr_past, 2, 13, 0
	VERDICT	msg_past, msg_past_bad
	pop	%rbx
	ret
