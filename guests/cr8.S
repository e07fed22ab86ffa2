/*
 * cr8.S - chapter 8: CR8, the task-priority register of 64-bit mode.
 *
 * With the CR8 read and write intercepts (VMCB 000h bits 8 and 24) a MOV
 * from CR8 exits with code 8h and a MOV to CR8 with code 18h (APM2
 * §15.9).  CR8 needs REX.R in its encoding (44 0F 22 C0 is MOV CR8,RAX),
 * so the decoder must tell REX.R (the CR) from REX.B (the GPR).  The
 * hypervisor keeps the guest's CR8 in V_TPR (VMCB 060h, bits 3:0, APM2
 * §15.21.4); CR8 bits 63:4 are reserved, so writing 16 is refused with
 * #GP(0) and CR8 keeps its value.
 *
 * The guest writes 5, reads it back into RBX, writes 16 (under CATCH),
 * reads CR8 into R12 (45 0F 20 C4: REX.R and REX.B), and writes 0 from R9.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_CR(SVM_INTERCEPT_CR(8), SVM_INTERCEPT_CR(8))

	.section .rodata
k_read:		.asciz "cr8.read"
k_after:	.asciz "cr8.after_bad"
k_final:	.asciz "cr8.final"
k_vector:	.asciz "exc.vector"
k_error:	.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
msg_ok:		.asciz "CR8 read back 5 and refused 16 with #GP(0)"
msg_bad:	.asciz "CR8 did not behave"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$5, %eax
GUEST_LABEL(write_5)
	mov	%rax, %cr8                      /* exit 18h, gpr 0 */
GUEST_LABEL(read_5)
	mov	%cr8, %rbx                      /* exit 8h, gpr 3 */
	mov	$16, %ecx
	CATCH	1f
GUEST_LABEL(write_16)
	mov	%rcx, %cr8                      /* exit 18h, gpr 1 -> #GP(0) */
	movq	$0, rt_resume(%rip)
1:
GUEST_LABEL(read_after)
	mov	%cr8, %r12                      /* exit 8h, gpr 12 */
	xor	%r9d, %r9d
GUEST_LABEL(write_0)
	mov	%r9, %cr8                       /* exit 18h, gpr 9 */
GUEST_LABEL(read_final)
	mov	%cr8, %r13                      /* exit 8h, gpr 13 */
	REPORT	k_read, %rbx
	REPORT	k_after, %r12
	REPORT	k_final, %r13
	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_error, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	xor	%eax, %eax
	cmp	$5, %rbx
	jne	2f
	cmp	$5, %r12
	jne	2f
	test	%r13, %r13
	jne	2f
	CAUGHT_AT write_16, 1, 13, 0
2:	VERDICT	msg_ok, msg_bad
	pop	%rbx
	ret
