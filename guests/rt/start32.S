/*
 * start32.S - the runtime of a 32-bit protected-mode guest (chapter 13:
 * GUEST_MODE_PROT32 and GUEST_MODE_PAGED32; file names pm32_*.S... see
 * the Makefile: guests named npt_prot32* and npt_paged32* link with it).
 *
 * The header the loader reads, a GDT with flat 32-bit code and data, an
 * IDT of 32-bit interrupt gates whose handlers report the vector and
 * fail the guest, and the entry point: call guest_main, then HC_DONE.
 * The loader starts it with CR0.PE set and, for GUEST_MODE_PAGED32, with
 * CR0.PG and CR3 on its own 32-bit page tables (src/svm/guest.c).
 */
#define GUEST_BITS 32
#include "guest.h"

#include "header.h"

	GUEST_HEADER guest_gdt, guest_idt, (guest_gdt_end - guest_gdt - 1), \
		(256 * 8 - 1), GUEST_SEL_CODE, GUEST_SEL_DATA

	.section .rodata
	.balign	8
	/* Null, flat 32-bit code (D=1), flat data: the loader reads them. */
guest_gdt:
	.quad	0
	.quad	0x00CF9B000000FFFF
	.quad	0x00CF93000000FFFF
guest_gdt_end:
msg_exception:
	.asciz	"unexpected exception in the guest"
key_vector:
	.asciz	"exception.vector"

	.bss
	.balign	8
guest_idt:
	.skip	256 * 8

	.text
	.code32
	.globl	_start
_start:
	call	idt_fill
	call	guest_main
	mov	$HC_DONE, %eax
	vmmcall
	ud2

/* All 256 vectors to the stubs below: 32-bit interrupt gates, DPL 0. */
idt_fill:
	mov	$guest_idt, %edi
	mov	$exc_stubs, %esi
	xor	%ecx, %ecx
1:	mov	%esi, %eax
	mov	%ax, (%edi)                     /* offset 15:0 */
	movw	$GUEST_SEL_CODE, 2(%edi)
	movw	$0x8E00, 4(%edi)                /* P, DPL 0, 32-bit gate */
	shr	$16, %eax
	mov	%ax, 6(%edi)                    /* offset 31:16 */
	add	$8, %edi
	add	$16, %esi
	inc	%ecx
	cmp	$256, %ecx
	jb	1b
	ret

	.balign	16
exc_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	push	$vec
	jmp	exc_common
	.set	vec, vec + 1
	.endr

/* Any exception is unexpected here: report its vector and fail. */
exc_common:
	pop	%ebx
	REPORT	key_vector, %ebx
	FAIL	msg_exception
	HYPERCALL HC_DONE
	ud2
