/*
 * pm32_paged.S - chapter 13: a 32-bit protected-mode guest with its own
 * 32-bit paging (CR0.PG = 1, CR4.PAE = 0) under nested paging.
 *
 * The loader built it a page directory and one page table mapping its
 * 4 MiB window (src/svm/guest.c, map_window32); CR3 holds their
 * guest-physical address.  Two levels of translation now happen on each
 * access: the guest's tables (linear to guest-physical), each entry of
 * which is itself read through the nested table (guest-physical to
 * host-physical).  The guest reads its own page-directory entry, then
 * touches two pages it never used.
 */
#define GUEST_BITS 32
#include "guest.h"

GUEST_MODE(GUEST_MODE_PAGED32)

GUEST_FUNC(guest_main)
	mov	%cr0, %eax
	REPORT	key_cr0, %eax
	mov	%cr3, %ebx
	REPORT	key_cr3, %ebx
	mov	%cr4, %eax
	REPORT	key_cr4, %eax
	/* The directory entry for the window (index 1: 4 MiB / 4 MiB). */
	mov	4(%ebx), %eax
	REPORT	key_pde, %eax
	movl	$0x44444444, 0x500000
	mov	0x6ff000, %ecx                  /* a read first: zeros */
	cmpl	$0x44444444, 0x500000
	jne	1f
	test	%ecx, %ecx
1:	VERDICT_IF32 z, msg_ok, msg_bad
	mov	$HC_NPF_DEMAND, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_demand, %eax
	ret

	.section .rodata
key_cr0:	.asciz	"cr0"
key_cr3:	.asciz	"cr3"
key_cr4:	.asciz	"cr4"
key_pde:	.asciz	"pde1"
key_demand:	.asciz	"demand_pages"
msg_ok:		.asciz	"32-bit paging: writes read back, new pages are zero"
msg_bad:	.asciz	"32-bit paging: memory is not what was written"
