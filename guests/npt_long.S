/*
 * npt_long.S - chapter 13: a long-mode guest on page tables it builds
 * itself, under nested paging.
 *
 * It writes a PML4, a PDPT and a page directory in its own memory: the
 * window 4-8 MiB mapped at the same addresses with 2 MiB pages, and an
 * alias of the whole window at 1 GiB.  It loads CR3 with their
 * guest-physical address (no CR3 intercept: the guest owns CR3 under
 * nested paging), then writes through the alias and reads through the
 * window, and touches an untouched page through the alias.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define ALIAS 0x40000000

GUEST_FUNC(guest_main)
	lea	pml4(%rip), %rdi
	lea	pdpt(%rip), %rax
	or	$3, %rax                        /* P, RW */
	mov	%rax, (%rdi)                    /* PML4[0] -> PDPT */
	lea	pd(%rip), %rax
	or	$3, %rax
	mov	%rax, pdpt(%rip)                /* PDPT[0]: 0-1 GiB */
	mov	%rax, pdpt+8(%rip)              /* PDPT[1]: the alias */
	/* PD[2], PD[3]: 4 MiB and 6 MiB, 2 MiB pages (PS). */
	movq	$0x400000 | 0x83, pd+16(%rip)
	movq	$0x600000 | 0x83, pd+24(%rip)
	mov	%rdi, %cr3
	mov	%cr3, %rbx
	REPORT	key_cr3, %rbx
	lea	pml4(%rip), %rax
	cmp	%rax, %rbx
	VERDICT_IF e, msg_cr3, msg_cr3_bad
	/* Through the alias at 1 GiB + 4 MiB, read back at 4 MiB. */
	lea	cell(%rip), %rax
	movabs	$0x5a5aa5a5f00dfeed, %rcx
	mov	%rcx, ALIAS(%rax)
	cmp	%rcx, (%rax)
	VERDICT_IF e, msg_alias, msg_alias_bad
	/* An untouched page, first through the alias. */
	mov	$ALIAS + 0x6f0000, %rax
	movq	$7, (%rax)
	mov	0x6f0000, %rbx
	REPORT	key_touched, %rbx
	mov	$HC_NPF_DEMAND, %edi
	HYPERCALL HC_NPF_INFO
	REPORT	key_demand, %rax
	ret

	.section .rodata
key_cr3:	.asciz	"cr3"
key_touched:	.asciz	"touched"
key_demand:	.asciz	"demand_pages"
msg_cr3:	.asciz	"long mode: CR3 holds my own PML4"
msg_cr3_bad:	.asciz	"long mode: CR3 is not my PML4"
msg_alias:	.asciz	"long mode: a write through my alias reads back"
msg_alias_bad:	.asciz	"long mode: the alias does not reach the same memory"

	.data
cell:	.quad	0

	.bss
	.balign	4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096
