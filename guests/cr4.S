/*
 * cr4.S - chapter 8: MOV from and to CR4, and a write the CPU would refuse.
 *
 * With the CR4 read and write intercepts (VMCB 000h bits 4 and 20) a MOV
 * from CR4 exits with code 4h and a MOV to CR4 with code 14h (APM2
 * §15.9).  Instruction intercepts are checked after the simple
 * exceptions (#UD, #GP for a wrong CPL) but before the exceptions that
 * depend on the operand's value (APM2 §15.9 "Instruction Intercepts"):
 * a MOV that would raise #GP for a reserved bit still exits.  So the
 * hypervisor must make the checks itself: it refuses a reserved bit by
 * injecting #GP(0) and leaves CR4 as it was.
 *
 * The guest reads CR4, sets TSD (bit 2), reads it back, clears it again,
 * reads it back, then (under CATCH) writes CR4 with bit 15 set, a bit
 * that is reserved on every processor, and expects #GP(0) at that MOV.
 */
#include "guest.h"

#define CR4_TSD         (1 << 2)
#define CR4_RESERVED    (1 << 15)

GUEST_MODE(GUEST_MODE_LONG)
GUEST_CR(SVM_INTERCEPT_CR(4), SVM_INTERCEPT_CR(4))

	.section .rodata
k_initial:	.asciz "cr4.initial"
k_set:		.asciz "cr4.tsd_set"
k_clear:	.asciz "cr4.tsd_clear"
k_final:	.asciz "cr4.final"
k_vector:	.asciz "exc.vector"
k_error:	.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
msg_ok:		.asciz "CR4 writes took effect, the reserved bit gave #GP(0)"
msg_bad:	.asciz "a CR4 access did not behave"

GUEST_FUNC(guest_main)
	push	%rbx
GUEST_LABEL(read_initial)
	mov	%cr4, %r11                      /* exit 4h, gpr 11 */
	mov	%r11, %rdx
	or	$CR4_TSD, %rdx
GUEST_LABEL(write_set)
	mov	%rdx, %cr4                      /* exit 14h, gpr 2 */
GUEST_LABEL(read_set)
	mov	%cr4, %r13                      /* exit 4h, gpr 13 */
GUEST_LABEL(write_clear)
	mov	%r11, %cr4                      /* exit 14h, gpr 11 */
GUEST_LABEL(read_clear)
	mov	%cr4, %rbx                      /* exit 4h, gpr 3 */
	mov	%r11, %rcx
	or	$CR4_RESERVED, %rcx
	CATCH	1f
GUEST_LABEL(write_reserved)
	mov	%rcx, %cr4                      /* exit 14h, gpr 1 -> #GP(0) */
	movq	$0, rt_resume(%rip)
1:
GUEST_LABEL(read_final)
	mov	%cr4, %r14                      /* exit 4h, gpr 14 */
	REPORT	k_initial, %r11
	REPORT	k_set, %r13
	REPORT	k_clear, %rbx
	REPORT	k_final, %r14
	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_error, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	xor	%eax, %eax
	mov	%r11, %rcx
	or	$CR4_TSD, %rcx
	cmp	%rcx, %r13
	jne	2f
	cmp	%r11, %rbx
	jne	2f
	cmp	%r11, %r14
	jne	2f
	CAUGHT_AT write_reserved, 1, 13, 0
2:	VERDICT	msg_ok, msg_bad
	pop	%rbx
	ret
