/*
 * real_npt.S - chapter 13: a real-mode guest (CR0.PE = 0, CR0.PG = 0)
 * under nested paging.
 *
 * With CR0.PG = 0 a linear address is the guest-physical address, and
 * the nested page table still translates it: guest-physical 0 (the
 * real-mode interrupt vector table) is a host page the hypervisor chose,
 * not host address 0.  The guest writes to three 64 KiB segments it has
 * never touched and reads the vector table: four pages the hypervisor
 * maps on first touch, unseen by the guest, which finds zeroed memory
 * where it read and its values where it wrote.
 */
#define GUEST_BITS 16
#include "guest.h"

GUEST_MODE(GUEST_MODE_REAL)

/* Write \value at \seg:0, read it back and compare. */
.macro POKE seg, value
	mov	$\seg, %ax
	mov	%ax, %es
	movl	$\value, %es:0
	cmpl	$\value, %es:0
	jne	bad
.endm

GUEST_FUNC(guest_main)
	mov	%cr0, %eax
	REPORT	key_cr0, %eax
	POKE	0x2000, 0x52454131              /* guest-physical 0x20000 */
	POKE	0x3000, 0x52454132              /* 0x30000 */
	POKE	0x9000, 0x52454133              /* 0x90000 */
	/* The vector table at 0: a fresh page, so all zeros. */
	xor	%ax, %ax
	mov	%ax, %es
	mov	%es:0, %ebx
	or	%es:0x3fc, %ebx
	REPORT	key_ivt, %ebx
	mov	%ds, %ax
	mov	%ax, %es
	test	%ebx, %ebx
	VERDICT_IF32 z, msg_ok, msg_ivt
	mov	$HC_NPF_DEMAND, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_demand, %eax
	ret
bad:
	mov	%ds, %ax
	mov	%ax, %es
	FAIL	msg_bad
	ret

	.section .rodata
key_cr0:	.asciz	"cr0"
key_ivt:	.asciz	"ivt_or"
key_demand:	.asciz	"demand_pages"
msg_ok:		.asciz	"real mode: the vector table page reads as zeros"
msg_ivt:	.asciz	"real mode: the vector table page is not zeroed"
msg_bad:	.asciz	"real mode: a write did not read back"
