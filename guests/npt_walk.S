/*
 * npt_walk.S - chapter 13: a nested fault during the guest's own page
 * walk (EXITINFO1 bit 33).
 *
 * The guest asks the hypervisor to unmap, in the nested page table, the
 * page holding its own page directory (the loader's, at the top of the
 * window).  Taking a mapping away flushes its TLB entries at the next
 * VMRUN, so the very next access (the fetch after VMMCALL) walks the
 * guest's tables, and reading the directory entry faults: bit 33 set,
 * bit 32 clear, EXITINFO2 the directory's guest-physical address.  The
 * page is watched, so the hypervisor maps it again and the guest runs.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	/* CR3 -> PML4; the PDPT and the directory follow it (guest.c). */
	mov	%cr3, %rdi
	add	$0x2000, %rdi
	mov	%rdi, %rbx
	REPORT	key_pd, %rbx
	mov	%rbx, %rdi
	xor	%esi, %esi                      /* unmap */
	HYPERCALL HC_NPT_SET
	REPORT	key_set, %rax
	mov	$HC_NPF_LAST_INFO1, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_info1, %rax
	mov	$HC_NPF_LAST_GPA, %edi
	HYPERCALL HC_NPF_INFO
	mov	%rax, %r12
	REPORT	key_gpa, %r12
	and	$~0xfff, %r12
	cmp	%rbx, %r12
	VERDICT_IF e, msg_gpa, msg_gpa_bad
	pop	%r12
	pop	%rbx
	ret

	.section .rodata
key_pd:		.asciz	"pd"
key_set:	.asciz	"npt_set"
key_info1:	.asciz	"info1"
key_gpa:	.asciz	"gpa"
msg_gpa:	.asciz	"walk: the fault was on my page directory"
msg_gpa_bad:	.asciz	"walk: the fault was somewhere else"
