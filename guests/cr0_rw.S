/*
 * cr0_rw.S - chapter 8: MOV from and to CR0, both intercepted.
 *
 * The guest asks for the CR0 read and write intercepts (VMCB 000h bit 0
 * and bit 16).  Every MOV CR0 then exits before it executes: a read with
 * code 0h, a write with code 10h (APM2 §15.9 "Instruction Intercepts",
 * CR accesses).  Without decode assists EXITINFO1 does not say which GPR
 * the MOV uses, so the hypervisor reads the instruction at RIP, decodes
 * its ModRM (and REX.B for R8-R15) and reads or writes that register of
 * the saved guest state.  A read returns the VMCB's CR0; a write is
 * checked like the CPU would and stored in the VMCB.
 *
 * The guest reads CR0 into R9 (REX.B) and RAX, sets TS from R10, reads it
 * back into RAX, clears TS again from R10 and reads it into RBX; it
 * checks that the reads agree with what it wrote and reports them.
 */
#include "guest.h"

#define CR0_TS  (1 << 3)

GUEST_MODE(GUEST_MODE_LONG)
GUEST_CR(SVM_INTERCEPT_CR(0), SVM_INTERCEPT_CR(0))

	.section .rodata
k_initial:	.asciz "cr0.initial"
k_rax:		.asciz "cr0.rax"
k_set:		.asciz "cr0.ts_set"
k_clear:	.asciz "cr0.ts_clear"
msg_ok:		.asciz "CR0 reads returned what the MOV writes stored"
msg_bad:	.asciz "a CR0 read did not return the value written"

GUEST_FUNC(guest_main)
	push	%rbx
GUEST_LABEL(read_r9)
	mov	%cr0, %r9                       /* 41 0F 20 C1: REX.B, gpr 9 */
GUEST_LABEL(read_rax)
	mov	%cr0, %rax                      /* 0F 20 C0: gpr 0 */
	mov	%rax, %r12
	mov	%r9, %r10
	or	$CR0_TS, %r10
GUEST_LABEL(write_set)
	mov	%r10, %cr0                      /* 41 0F 22 C2: gpr 10 */
GUEST_LABEL(read_set)
	mov	%cr0, %rax                      /* gpr 0 */
	mov	%rax, %r13
	mov	%r9, %r10
GUEST_LABEL(write_clear)
	mov	%r10, %cr0                      /* gpr 10 */
GUEST_LABEL(read_clear)
	mov	%cr0, %rbx                      /* 0F 20 C3: gpr 3 */
GUEST_LABEL(reads_done)
	REPORT	k_initial, %r9
	REPORT	k_rax, %r12
	REPORT	k_set, %r13
	REPORT	k_clear, %rbx
	cmp	%r9, %r12
	jne	1f
	cmp	%r9, %rbx
	jne	1f
	mov	%r9, %rax
	or	$CR0_TS, %rax
	cmp	%rax, %r13
1:	VERDICT_IF e, msg_ok, msg_bad    /* every jne 1f: ZF clear */
	pop	%rbx
	ret
