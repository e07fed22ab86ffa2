/*
 * pushf_popf.S - chapter 5: PUSHF (exit 70h) and POPF (exit 71h).
 *
 * APM2 §15.9 "Instruction Intercepts": with these intercepts the
 * hypervisor performs the instruction for the guest: PUSHF stores the
 * guest's RFLAGS (from the VMCB) at RSP - 8 and lowers RSP; POPF loads
 * RFLAGS from the stack and raises RSP.  It must do what APM3 PUSHF and
 * POPF do: the pushed image has bit 1 set and RF and VM clear, and the
 * value popped reaches the guest's real flags.
 *
 * pushf_1  PUSHF: RSP drops by 8, the image has bit 1 set, RF/VM clear
 * popf_1   POPF of that image with DF and CF set: checked by SETC, by
 *          the direction of LODSB, and by a second PUSHF (pushf_2)
 * popf_2   POPF of the first image: DF and CF clear again
 *
 * Both intercepts are on, so every read of RFLAGS here goes through the
 * hypervisor; SETC and LODSB are the guest's independent witnesses.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_PUSHF | SVM_MISC1_POPF)

#define RFLAGS_CF  (1 << 0)
#define RFLAGS_DF  (1 << 10)

	.section .rodata
k_f1:		.asciz "flags.1"
k_f2:		.asciz "flags.2"
k_cf:		.asciz "cf.after_popf"
k_df:		.asciz "df.after_popf"
m_push:		.asciz "PUSHF stored RFLAGS at RSP - 8 with bit 1 set, RF/VM clear"
m_nopush:	.asciz "PUSHF: wrong RSP or image"
m_pop:		.asciz "POPF set CF and DF (SETC, LODSB and PUSHF agree)"
m_nopop:	.asciz "POPF did not set CF and DF"
m_back:		.asciz "POPF of the first image cleared CF and DF again"
m_noback:	.asciz "POPF of the first image did not restore CF and DF"

	.data
string:	.byte	0x11, 0x22, 0x33

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15

	/* PUSHF: the image, and where it went. */
	mov	%rsp, %r8
GUEST_LABEL(pushf_1)
	pushfq
GUEST_LABEL(pushf_1_end)
	lea	8(%rsp), %r9
	pop	%rbx                            /* flags.1 */
	cmp	%r8, %r9
	jne	1f
	bt	$1, %rbx
	jnc	1f
	test	$0x30000, %rbx                  /* RF (16), VM (17) */
	jnz	1f
	PASS	m_push
	jmp	2f
1:	FAIL	m_nopush
2:
	/* POPF with CF and DF set; RSP must come back up. */
	mov	%rbx, %rax
	or	$(RFLAGS_CF | RFLAGS_DF), %rax
	push	%rax
	mov	%rsp, %r8
GUEST_LABEL(popf_1)
	popfq
GUEST_LABEL(popf_1_end)
	setc	%r13b                           /* witness 1: CF */
	lea	string+1(%rip), %rsi
	lodsb                                   /* witness 2: DF */
	lea	8(%r8), %r9
	mov	%rsp, %r10
GUEST_LABEL(pushf_2)
	pushfq
GUEST_LABEL(pushf_2_end)
	pop	%r12                            /* flags.2 */
	movzbl	%r13b, %r13d
	lea	string(%rip), %rdx
	xor	%r14d, %r14d                    /* df.after_popf */
	cmp	%rdx, %rsi
	sete	%r14b
	mov	%rbx, %rax
	or	$(RFLAGS_CF | RFLAGS_DF), %rax
	cmp	%rax, %r12
	jne	3f
	cmp	%r9, %r10
	jne	3f
	test	%r13, %r13
	jz	3f
	test	%r14, %r14
	jz	3f
	mov	$1, %r15d
	jmp	4f
3:	xor	%r15d, %r15d
4:
	/* POPF of the first image: CF and DF clear again. */
	push	%rbx
GUEST_LABEL(popf_2)
	popfq
GUEST_LABEL(popf_2_end)
	setc	%r8b
	lea	string+1(%rip), %rsi
	lodsb
	lea	string+2(%rip), %rdx
	xor	%r9d, %r9d
	cmp	%rdx, %rsi
	sete	%r9b
	cld                                     /* in any case, for REPORT */

	REPORT	k_f1, %rbx
	REPORT	k_f2, %r12
	REPORT	k_cf, %r13
	REPORT	k_df, %r14
	test	%r15, %r15
	jz	5f
	PASS	m_pop
	jmp	6f
5:	FAIL	m_nopop
6:	test	%r8b, %r8b
	jnz	7f
	test	%r9, %r9
	jz	7f
	PASS	m_back
	jmp	8f
7:	FAIL	m_noback
8:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
