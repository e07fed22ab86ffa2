/*
 * fuzz_regress_ltr.S - chapter 17: the instruction fuzzer's case that
 * ended QEMU itself, minimised.
 *
 * LTR with a null selector must raise #GP(0) (APM3 "LTR": "the source
 * selector is a null selector").  QEMU 7.2 loads it instead: TR becomes
 * not present, and the next event that needs the TSS (an IST stack, a
 * privilege change) makes QEMU abort with "qemu: fatal: invalid tss"
 * (tests/deviations.py: qemu-ltr-null-selector): the emulator, hence
 * the host and every guest after this one, is gone.  fuzz=insn met it
 * as LTR [RAX] with a zero at RAX followed by any exception, which its
 * long-mode harness delivers on IST 1; the fuzzer now intercepts LTR.
 *
 * The guest builds a GDT with a 64-bit TSS and a TSS whose IST 1 is a
 * stack of its own, loads both, and points #UD at a handler on IST 1:
 *   1. UD2: the handler runs on IST 1 (both emulators);
 *   2. LTR of selector 0 under CATCH: #GP(0) at the LTR (Bochs);
 *   3. UD2 again: the handler on IST 1 once more, TR being what it was
 *      (Bochs); QEMU ends the simulation here.
 * It runs only on request (guest=fuzz_regress_ltr, or ondemand=on):
 * the chapter's default run must not lose the rest of its guests to an
 * emulator bug.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
	.globl	guest_flags
	.set	guest_flags, GUEST_FLAG_ON_REQUEST

#define SEL_TSS         0x18
#define VEC_UD          6

/* #UD on IST 1: count it, go on at ist_resume. */
ist_handler:
	incq	ist_hits(%rip)
	push	%rax
	mov	ist_resume(%rip), %rax
	mov	%rax, 8(%rsp)                   /* the frame's RIP */
	pop	%rax
	iretq

GUEST_FUNC(guest_main)
	push	%rbx
	/* The TSS descriptor: limit 67h, base tss, type 9 (available). */
	lea	tss(%rip), %rax
	mov	%rax, %rdx
	and	$0xffff, %edx
	shl	$16, %rdx
	or	$0x67, %rdx                     /* limit 15:0, base 15:0 */
	mov	%rax, %rcx
	shr	$16, %rcx
	and	$0xff, %ecx
	shl	$32, %rcx
	or	%rcx, %rdx                      /* base 23:16 */
	movabs	$0x0000890000000000, %rcx       /* P, type 9 */
	or	%rcx, %rdx
	mov	%rax, %rcx
	shr	$24, %rcx
	and	$0xff, %ecx
	shl	$56, %rcx
	or	%rcx, %rdx                      /* base 31:24 */
	mov	%rdx, gdt + SEL_TSS(%rip)
	shr	$32, %rax
	mov	%eax, gdt + SEL_TSS + 8(%rip)   /* base 63:32 */
	lea	ist_top(%rip), %rax
	mov	%rax, tss + 0x24(%rip)          /* IST1 */
	lea	gdt(%rip), %rax
	mov	%rax, gdtr + 2(%rip)
	lgdt	gdtr(%rip)
	mov	$SEL_TSS, %ax
	ltr	%ax
	SET_GATE VEC_UD, ist_handler
	movb	$1, guest_idt + VEC_UD * 16 + 4(%rip)   /* IST 1 */

	/* 1. #UD on IST 1. */
	lea	1f(%rip), %rax
	mov	%rax, ist_resume(%rip)
	ud2
1:	mov	ist_hits(%rip), %rbx
	EXPECT	"ltr.ist_before", %rbx, 1, "#UD ran on IST 1"

	/* 2. LTR of a null selector: #GP(0). */
	CATCH	2f
	xor	%eax, %eax
GUEST_LABEL(ltr_null)
	ltr	%ax
	movq	$0, rt_resume(%rip)
2:	CAUGHT_AT ltr_null, 1, 13, 0
	mov	%rax, %rbx
	EXPECT	"ltr.null_gp", %rbx, 1, "LTR of a null selector: #GP(0)"

	/* 3. #UD on IST 1 again: TR must still be mine. */
	lea	3f(%rip), %rax
	mov	%rax, ist_resume(%rip)
GUEST_LABEL(ud_after)
	ud2
3:	mov	ist_hits(%rip), %rbx
	EXPECT	"ltr.ist_after", %rbx, 2, "#UD ran on IST 1 again"
	pop	%rbx
	ret

	.data
	.balign	16
gdt:	.quad	0
	.quad	0x00AF9B000000FFFF              /* GUEST_SEL_CODE */
	.quad	0x00CF93000000FFFF              /* GUEST_SEL_DATA */
	.quad	0, 0                            /* SEL_TSS, 16 bytes */
gdt_end:
	.balign	8
	.word	0
gdtr:	.word	gdt_end - gdt - 1
	.quad	0
	.balign	8
ist_resume:	.quad	0
ist_hits:	.quad	0
	.balign	16
tss:	.skip	0x68

	.bss
	.balign	16
	.skip	1024
ist_top:
