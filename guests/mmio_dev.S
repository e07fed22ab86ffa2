/*
 * mmio_dev.S - chapter 14: the MMIO device, emulated.
 *
 * The device's registers sit at guest-physical HV_MMIO_BASE, which the
 * loader's page tables map (uncached) but the nested page table never
 * does.  Each MOV below ends in #NPF; the hypervisor reads the
 * instruction through the guest's page tables, decodes it, performs
 * the access on the device and steps over it.  The accesses cover loads
 * of 8, 4, 2 and 1 bytes, a load into AH, REX registers, and stores of
 * registers and of immediates (C6, C7, C7 with REX.W sign-extending).
 *
 *     +00h ID      read-only  "SVMLMMIO"
 *     +08h STATUS  read-only  accesses before this one
 *     +10h DATA    read-write
 *     +18h ADDR    read-write (an address the device never uses)
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	$HV_MMIO_BASE, %rbx
	/* 1: an 8-byte load of ID (48 8B 03). */
GUEST_LABEL(ld8)
	mov	HV_MMIO_ID(%rbx), %r12
	REPORT	key_id, %r12
	movabs	$HV_MMIO_ID_VALUE, %rax
	cmp	%rax, %r12
	VERDICT_IF e, msg_id, msg_id_bad
	/* 2: a 4-byte load zero-extends: RCX's upper half goes. */
	movabs	$0xdeadbeefdeadbeef, %rcx
	mov	HV_MMIO_ID(%rbx), %ecx
	mov	%rcx, %r12
	REPORT	key_ld4, %r12
	/* 3: a 2-byte load keeps RDX bits 63:16. */
	movabs	$0x1111111111111111, %rdx
	mov	HV_MMIO_ID + 4(%rbx), %dx
	mov	%rdx, %r12
	REPORT	key_ld2, %r12
	/* 4: a 1-byte load into R8B (REX.R) keeps R8 bits 63:8. */
	movabs	$0x2222222222222222, %r8
	mov	HV_MMIO_ID + 7(%rbx), %r8b
	mov	%r8, %r12
	REPORT	key_ld1, %r12
	/* 5: a 1-byte load into AH: bits 15:8 of RAX. */
	movabs	$0x3333333333333333, %rax
	mov	HV_MMIO_ID + 1(%rbx), %ah
	mov	%rax, %r12
	REPORT	key_ldah, %r12
	/* 6-9: stores of immediates and registers build DATA. */
	movq	$-2, HV_MMIO_DATA(%rbx)         /* 48 C7: sign-extended */
	movb	$0x5a, HV_MMIO_DATA(%rbx)       /* C6 */
	movw	$0x1234, HV_MMIO_DATA + 2(%rbx) /* 66 C7 */
	mov	$0x89abcdef, %r9d
	mov	%r9d, HV_MMIO_DATA + 4(%rbx)    /* 44 89 */
	mov	HV_MMIO_DATA(%rbx), %r12
	REPORT	key_data, %r12
	movabs	$0x89abcdef1234ff5a, %rax
	cmp	%rax, %r12
	VERDICT_IF e, msg_data, msg_data_bad
	/* 10-11: a 64-bit register out and back (REX.W and REX.R). */
	movabs	$0x0123456789abcdef, %r15
	mov	%r15, HV_MMIO_DATA(%rbx)
	mov	HV_MMIO_DATA(%rbx), %r14
	cmp	%r15, %r14
	VERDICT_IF e, msg_r15, msg_r15_bad
	/* 12: STATUS counts the accesses before it: 12. */
	mov	HV_MMIO_STATUS(%rbx), %r13
	REPORT	key_status, %r13
	/* 13: a register the device does not have reads all ones. */
	mov	0x800(%rbx), %r13
	REPORT	key_unassigned, %r13
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.section .rodata
key_id:		.asciz	"id"
key_ld4:	.asciz	"load4"
key_ld2:	.asciz	"load2"
key_ld1:	.asciz	"load1_r8b"
key_ldah:	.asciz	"load1_ah"
key_data:	.asciz	"data"
key_status:	.asciz	"status"
key_unassigned:	.asciz	"unassigned"
msg_id:		.asciz	"MMIO: the ID register reads SVMLMMIO"
msg_id_bad:	.asciz	"MMIO: the ID register reads something else"
msg_data:	.asciz	"MMIO: byte, word, dword and qword stores built DATA"
msg_data_bad:	.asciz	"MMIO: DATA is not what the stores built"
msg_r15:	.asciz	"MMIO: R15 went out and came back"
msg_r15_bad:	.asciz	"MMIO: R15 did not come back"
