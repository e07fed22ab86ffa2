/*
 * pm32_flat.S - chapter 13: a 32-bit protected-mode guest without
 * paging (CR0.PE = 1, CR0.PG = 0) under nested paging.
 *
 * Its linear addresses are guest-physical addresses.  It writes to three
 * pages outside its window and reads one inside it that it never
 * touched: four pages mapped on first touch.
 */
#define GUEST_BITS 32
#include "guest.h"

GUEST_MODE(GUEST_MODE_PROT32)

GUEST_FUNC(guest_main)
	mov	%cr0, %eax
	REPORT	key_cr0, %eax
	movl	$0x11111111, 0x100000
	movl	$0x22222222, 0x200000
	movl	$0x33333333, 0x300ffc           /* the last word of a page */
	mov	0x600000, %ebx                  /* a read first: zeros */
	REPORT	key_read, %ebx
	cmpl	$0x11111111, 0x100000
	jne	1f
	cmpl	$0x22222222, 0x200000
	jne	1f
	cmpl	$0x33333333, 0x300ffc
	jne	1f
	test	%ebx, %ebx
1:	VERDICT_IF32 z, msg_ok, msg_bad
	mov	$HC_NPF_DEMAND, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_demand, %eax
	ret

	.section .rodata
key_cr0:	.asciz	"cr0"
key_read:	.asciz	"untouched_read"
key_demand:	.asciz	"demand_pages"
msg_ok:		.asciz	"32-bit, no paging: writes read back, new pages are zero"
msg_bad:	.asciz	"32-bit, no paging: memory is not what was written"
