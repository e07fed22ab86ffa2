/*
 * npt_demand.S - chapter 13: demand paging.
 *
 * The loader backs only the image, the stack and the page tables; the
 * rest of the guest's RAM is not mapped in the nested page table.  The
 * guest touches 16 pages of its window it never used, 12 KiB apart,
 * reading the even ones first and writing the odd ones.  Each first
 * touch is an #NPF with P = 0 that the hypervisor answers by mapping a
 * zeroed page, and the instruction runs again: the guest sees only
 * zeros where it read and its own values where it wrote.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define FIRST  0x500000
#define STRIDE 0x3000
#define PAGES  16

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	xor	%r12d, %r12d                    /* non-zero reads */
	mov	$FIRST, %rbx
	xor	%ecx, %ecx
1:	test	$1, %ecx
	jnz	2f
	or	(%rbx), %r12                    /* even: read first */
	jmp	3f
2:	mov	%rcx, (%rbx)                    /* odd: write first */
	cmp	%rcx, (%rbx)
	je	3f
	or	$1, %r12
3:	add	$STRIDE, %rbx
	inc	%ecx
	cmp	$PAGES, %ecx
	jb	1b
	test	%r12, %r12
	VERDICT_IF z, msg_ok, msg_bad
	mov	$HC_NPF_DEMAND, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_demand, %rax
	mov	$HC_NPF_COUNT, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_npf, %rax
	pop	%r12
	pop	%rbx
	ret

	.section .rodata
key_demand:	.asciz	"demand_pages"
key_npf:	.asciz	"npf_exits"
msg_ok:		.asciz	"demand paging: zeros where I read, my values where I wrote"
msg_bad:	.asciz	"demand paging: memory is not what it should be"
