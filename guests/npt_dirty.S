/*
 * npt_dirty.S - chapter 13: dirty tracking by write protection.
 *
 * The guest fills 64 pages at 6 MiB, then asks for a checkpoint
 * (HC_DIRTY_START): the hypervisor write-protects every page of its RAM
 * in the nested page table, which takes a permission away, so the next
 * VMRUN flushes the guest's TLB entries.  The guest then writes five of
 * the pages and only reads three others.  Each first write is an #NPF
 * (P = 1, W = 1) that logs the page and makes it writable again, which
 * needs no flush.  HC_DIRTY_LIST returns the log; the guest checks that
 * its five pages are in it and that no other page of the 64 is.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define AREA  0x600000
#define PAGES 64
#define LIST_MAX 256

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	/* Touch every page first (demand paging maps them). */
	mov	$AREA, %rbx
	xor	%ecx, %ecx
1:	mov	%rcx, (%rbx)
	add	$0x1000, %rbx
	inc	%ecx
	cmp	$PAGES, %ecx
	jb	1b
	HYPERCALL HC_DIRTY_START
	/* Writes to pages 3, 5, 17, 40 and 63, at different offsets. */
	movb	$1, AREA + 3 * 0x1000 + 0x10
	movw	$2, AREA + 5 * 0x1000 + 0x800
	movl	$3, AREA + 17 * 0x1000 + 0xffc
	movq	$4, AREA + 40 * 0x1000
	movq	$5, AREA + 63 * 0x1000 + 0x18
	/* Reads only: pages 0, 1 and 2. */
	mov	AREA, %rax
	add	AREA + 0x1000, %rax
	add	AREA + 0x2000, %rax
	lea	list(%rip), %rdi
	mov	$LIST_MAX, %esi
	HYPERCALL HC_DIRTY_LIST
	mov	%rax, %r12                      /* dirty pages in all */
	REPORT	key_count, %r12
	/* r13: a bit per page of the area found in the list. */
	xor	%r13d, %r13d
	lea	list(%rip), %rbx
	xor	%ecx, %ecx
2:	cmp	%r12, %rcx
	jae	4f
	cmp	$LIST_MAX, %ecx
	jae	4f
	mov	(%rbx,%rcx,8), %rax
	sub	$AREA, %rax
	jb	3f
	shr	$12, %rax
	cmp	$PAGES, %rax
	jae	3f
	bts	%rax, %r13
3:	inc	%ecx
	jmp	2b
4:	REPORT	key_area, %r13
	movabs	$(1 << 3) | (1 << 5) | (1 << 17) | (1 << 40) | (1 << 63), %rax
	cmp	%rax, %r13
	VERDICT_IF e, msg_ok, msg_bad
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.section .rodata
key_count:	.asciz	"dirty_pages"
key_area:	.asciz	"dirty_area_bits"
msg_ok:		.asciz	"dirty tracking: exactly the five pages I wrote"
msg_bad:	.asciz	"dirty tracking: the log is not the pages I wrote"

	.bss
	.balign	8
list:	.skip	8 * LIST_MAX
