/*
 * npt_nx.S - chapter 13: no-execute in the nested page table.
 *
 * The guest asks the hypervisor (HC_NPT_SET) to take execute permission
 * away from the page holding nx_target, then calls it.  The fetch ends
 * in #NPF with ID = 1 (an instruction fetch) and P = 1 (the page is
 * there; the permission is missing).  The page is watched: the
 * hypervisor records the fault and gives the page its permission back,
 * and the call goes ahead.  The guest then asks what the fault was.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define NPT_R 1
#define NPT_W 2

GUEST_FUNC(guest_main)
	push	%rbx
	lea	nx_target(%rip), %rdi
	mov	$NPT_R | NPT_W, %esi
	HYPERCALL HC_NPT_SET
	REPORT	key_set, %rax
	call	nx_target
	mov	%rax, %rbx
	REPORT	key_ret, %rbx
	cmp	$0x1234, %rbx
	VERDICT_IF e, msg_ran, msg_not_ran
	mov	$HC_NPF_LAST_INFO1, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_info1, %rax
	mov	$HC_NPF_LAST_GPA, %edi
	HYPERCALL HC_NPF_INFO
	mov	%rax, %rbx
	REPORT	key_gpa, %rbx
	lea	nx_target(%rip), %rcx
	cmp	%rcx, %rbx
	VERDICT_IF e, msg_gpa, msg_gpa_bad
	pop	%rbx
	ret

	.section .rodata
key_set:	.asciz	"npt_set"
key_ret:	.asciz	"returned"
key_info1:	.asciz	"info1"
key_gpa:	.asciz	"gpa"
msg_ran:	.asciz	"NX: the function ran once its page was executable again"
msg_not_ran:	.asciz	"NX: the function did not return its value"
msg_gpa:	.asciz	"NX: the fault names my function's address"
msg_gpa_bad:	.asciz	"NX: the fault names another address"

	/* A page of its own, so that nothing else loses execute. */
	.section .text.nx, "ax"
	.balign	4096
GUEST_LABEL(nx_target)
	mov	$0x1234, %eax
	ret
	.balign	4096
