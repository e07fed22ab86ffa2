/*
 * cr3.S - chapter 8: MOV from and to CR3, both intercepted.
 *
 * With the CR3 read and write intercepts (VMCB 000h bits 3 and 19) a
 * MOV from CR3 exits with code 3h and a MOV to CR3 with code 13h (APM2
 * §15.9).  The hypervisor decodes the MOV to find the GPR, returns the
 * VMCB's CR3 or checks and stores the new one.  A stored CR3 must really
 * become the guest's page-table root, so the guest proves it:
 *   1. it reads CR3 and writes the same value back;
 *   2. it copies its PML4 into a page of its own and adds entry 1 =
 *      entry 0, so that 80_0000_0000h + x aliases x; it switches CR3 to
 *      the copy, reads CR3 back and reads its marker through the alias;
 *   3. it switches back to the original tables; now the alias is not
 *      mapped, and reading it (under CATCH) faults with #PF, CR2 = alias.
 */
#include "guest.h"

#define ALIAS   0x8000000000            /* PML4 entry 1 */

GUEST_MODE(GUEST_MODE_LONG)
GUEST_CR(SVM_INTERCEPT_CR(3), SVM_INTERCEPT_CR(3))

	.section .rodata
k_initial:	.asciz "cr3.initial"
k_copy:		.asciz "cr3.copy"
k_read_copy:	.asciz "cr3.read_copy"
k_alias:	.asciz "cr3.alias_value"
k_final:	.asciz "cr3.final"
k_vector:	.asciz "exc.vector"
k_cr2:		.asciz "exc.cr2"
k_count:	.asciz "exc.count"
msg_ok:		.asciz "CR3 writes switched the page tables"
msg_bad:	.asciz "a CR3 write did not take effect"

	.data
	.balign	8
	.globl	marker
marker:	.quad	0x0C3C3C3C3C3C3C3C

	.bss
	.balign	4096
pml4_copy:
	.skip	4096

GUEST_FUNC(guest_main)
	push	%rbx
GUEST_LABEL(read_initial)
	mov	%cr3, %rcx                      /* exit 3h, gpr 1 */
GUEST_LABEL(write_same)
	mov	%rcx, %cr3                      /* exit 13h, gpr 1 */

	/* The copy: PML4 entries 0-511, then entry 1 = entry 0. */
	mov	%rcx, %rsi
	and	$~0xfff, %rsi
	lea	pml4_copy(%rip), %rdi
	xor	%eax, %eax
1:	mov	(%rsi,%rax,8), %rdx
	mov	%rdx, (%rdi,%rax,8)
	inc	%eax
	cmp	$512, %eax
	jb	1b
	mov	(%rdi), %rdx
	mov	%rdx, 8(%rdi)
	mov	%rdi, %r8
GUEST_LABEL(write_copy)
	mov	%r8, %cr3                       /* exit 13h, gpr 8 */
GUEST_LABEL(read_copy)
	mov	%cr3, %rdx                      /* exit 3h, gpr 2 */
	lea	marker(%rip), %rax
	movabs	$ALIAS, %rbx
	add	%rax, %rbx                      /* the marker's alias */
	mov	(%rbx), %r12                    /* mapped only by the copy */
	mov	%rcx, %r15
GUEST_LABEL(write_back)
	mov	%r15, %cr3                      /* exit 13h, gpr 15 */
	CATCH	2f
GUEST_LABEL(alias_read)
	mov	(%rbx), %rax                    /* #PF: the alias is gone */
	movq	$0, rt_resume(%rip)
2:
GUEST_LABEL(read_final)
	mov	%cr3, %r13                      /* exit 3h, gpr 13 */
	REPORT	k_initial, %rcx
	mov	%rcx, %r14                      /* REPORT clobbers RSI, RDI */
	REPORT	k_copy, %r8
	REPORT	k_read_copy, %rdx
	REPORT	k_alias, %r12
	REPORT	k_final, %r13
	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_cr2, rt_exc_cr2(%rip)
	REPORT	k_count, rt_exc_count(%rip)
	cmp	%r8, %rdx
	jne	3f
	cmp	%r14, %r13
	jne	3f
	cmp	marker(%rip), %r12
	jne	3f
	cmpq	$1, rt_exc_count(%rip)
	jne	3f
	cmpq	$14, rt_exc_vector(%rip)
	jne	3f
	cmp	rt_exc_cr2(%rip), %rbx
3:	VERDICT_IF e, msg_ok, msg_bad    /* every jne 3f: ZF clear */
	pop	%rbx
	ret
