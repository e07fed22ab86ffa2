/*
 * npt_rsv.S - chapter 13: a reserved bit in a nested page-table entry.
 *
 * The guest asks the hypervisor (HC_NPT_SET with NPT_RSV) to set a
 * reserved bit (bit 51) in the nested entry of one of its pages, then
 * reads the page.  The APM says the walk stops with #NPF, RSV = 1 and
 * P = 1: an entry with a reserved bit set was present.  The page is
 * watched, so the hypervisor clears the bit and the read completes.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define NPT_RWX 7
#define NPT_RSV 8

GUEST_FUNC(guest_main)
	lea	page(%rip), %rdi
	mov	$NPT_RWX | NPT_RSV, %esi
	HYPERCALL HC_NPT_SET
	REPORT	key_set, %rax
	mov	page(%rip), %rbx
	REPORT	key_value, %rbx
	cmp	$0x42, %rbx
	VERDICT_IF e, msg_read, msg_read_bad
	mov	$HC_NPF_LAST_INFO1, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_info1, %rax
	mov	$HC_NPF_LAST_GPA, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_gpa, %rax
	ret

	.section .rodata
key_set:	.asciz	"npt_set"
key_value:	.asciz	"value"
key_info1:	.asciz	"info1"
key_gpa:	.asciz	"gpa"
msg_read:	.asciz	"RSV: the read completed once the bit was cleared"
msg_read_bad:	.asciz	"RSV: the read returned something else"

	.data
	.balign	4096
page:	.quad	0x42
	.balign	4096
