/*
 * iso_pair.h - chapter 14: the body of iso_a and iso_b, two guests run
 * together round-robin, each looking for the other's data (APM2 §15.25
 * "Nested Paging").
 *
 * Each guest has a pattern of its own, a qword repeated: A1A1...A1 for
 * iso_a, B2B2...B2 for iso_b.  Neither image holds either pattern: both
 * are computed at run time from a masked value and a key (below), and
 * kept in registers only (R12 its own, R13 the other's).  The guest
 *
 *   1. fills 1 MiB at guest-physical 0x500000 with its own pattern, on
 *      the loader's page tables, then yields, so the other fills too;
 *   2. scans its window 0x400000-0x800000 for both patterns, and yields;
 *   3. builds page tables of its own that map all of its RAM, 0-8 MiB,
 *      scans that for both patterns, and yields;
 *   4. checks that its 1 MiB still holds its pattern and nothing else.
 *
 * Both guests use the same guest-physical addresses for everything, so
 * a hypervisor that backed both with the same host pages, or let one
 * keep the other's translations, would show up as the other's pattern
 * in a scan or as a changed buffer.  With nested paging each guest's
 * addresses go through its own nested page table to its own host pages:
 * the other's pattern is nowhere in its view.  Its own pattern is found
 * exactly where it wrote it (131072 qwords), which shows that the scan
 * sees memory at all.
 *
 * The including file defines ISO_OWN(x) and ISO_OTHER(x), which paste
 * MASKED or KEY onto the name of its own and the other's pattern.
 */
#ifndef SVMLAB_ISO_PAIR_H
#define SVMLAB_ISO_PAIR_H

/* A1A1A1A1A1A1A1A1 and B2B2B2B2B2B2B2B2, each split in two halves. */
#define ISO_A_MASKED    0x9dffde30a3157749
#define ISO_A_KEY       0x3c5e7f9102b4d6e8
#define ISO_B_MASKED    0xdffd99baab5177c8
#define ISO_B_KEY       0x6d4f2b0819e3c57a

#define ISO_BUF         0x500000        /* the guest's 1 MiB */
#define ISO_BUF_SIZE    0x100000
#define ISO_LARGE       0x200000        /* a 2 MiB page */
#define ISO_PDE_2M      0x83            /* P, RW, PS */

	.section .rodata
k_window_own:	.asciz	"window_own"
k_window_other:	.asciz	"window_other"
k_ram_own:	.asciz	"ram_own"
k_ram_other:	.asciz	"ram_other"
k_other:	.asciz	"other_matches"
k_own_bad:	.asciz	"own_changed"
k_intact:	.asciz	"own_intact"
k_yields:	.asciz	"yields_ok"
m_layout:	.asciz	"my image reaches into the buffer at 0x500000"
m_other:	.asciz	"the other guest's pattern is nowhere in my memory"
m_other_bad:	.asciz	"I found the other guest's pattern"
m_intact:	.asciz	"my 1 MiB still holds only my pattern"
m_intact_bad:	.asciz	"my 1 MiB changed while the other guest ran"
m_own:		.asciz	"my pattern is exactly where I wrote it, 131072 times"
m_own_bad:	.asciz	"my pattern is not where I wrote it, or elsewhere too"
m_yields:	.asciz	"every yield returned HC_OK"
m_yields_bad:	.asciz	"a yield did not return HC_OK"

	.bss
	.balign	4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096

	.text
/*
 * scan(RDI = start, RSI = end): RAX = qwords in [start, end) equal to
 * the other's pattern (R13), RDX = equal to my own (R12).  Every access
 * is a plain MOV into a register.  Clobbers RCX and RDI.
 */
scan:
	xor	%eax, %eax
	xor	%edx, %edx
1:	mov	(%rdi), %rcx
	cmp	%r13, %rcx
	jne	2f
	inc	%rax
2:	cmp	%r12, %rcx
	jne	3f
	inc	%rdx
3:	add	$8, %rdi
	cmp	%rsi, %rdi
	jb	1b
	ret

/* Give the other guest its turn; R15 counts yields that returned OK. */
yield:
	HYPERCALL HC_YIELD
	test	%rax, %rax                      /* HC_OK */
	jnz	1f
	inc	%r15
1:	ret

GUEST_FUNC(guest_main)
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	xor	%r15d, %r15d
	/* The two patterns, in registers only. */
	movabs	$ISO_OWN(MASKED), %r12
	movabs	$ISO_OWN(KEY), %rax
	xor	%rax, %r12
	movabs	$ISO_OTHER(MASKED), %r13
	movabs	$ISO_OTHER(KEY), %rax
	xor	%rax, %r13
	/* The buffer must be free RAM, above my image and its .bss. */
	lea	__guest_end(%rip), %rax
	cmp	$ISO_BUF, %rax
	jbe	1f
	FAIL	m_layout
	jmp	9f

	/* 1. Fill my 1 MiB, then let the other fill its own. */
1:	mov	$ISO_BUF, %edi
	mov	$ISO_BUF_SIZE / 8, %ecx
2:	mov	%r12, (%rdi)
	add	$8, %rdi
	dec	%ecx
	jnz	2b
	call	yield

	/* 2. My window, on the loader's page tables. */
	mov	$GUEST_WINDOW_BASE, %edi
	mov	$GUEST_WINDOW_BASE + GUEST_WINDOW_SIZE, %esi
	call	scan
	mov	%rax, %r14                      /* other's, in the window */
	mov	%rdx, %rbx
	REPORT	k_window_own, %rbx
	REPORT	k_window_other, %r14
	call	yield

	/* 3. All my RAM, 0-8 MiB, identity-mapped by my own tables. */
	lea	pml4(%rip), %rdi
	lea	pdpt(%rip), %rax
	or	$3, %rax                        /* P, RW */
	mov	%rax, (%rdi)                    /* PML4[0] */
	lea	pd(%rip), %rax
	or	$3, %rax
	mov	%rax, pdpt(%rip)                /* PDPT[0]: 0-1 GiB */
	lea	pd(%rip), %rdx
	xor	%ecx, %ecx
3:	mov	%rcx, %rax
	shl	$21, %rax
	or	$ISO_PDE_2M, %rax
	mov	%rax, (%rdx,%rcx,8)             /* PD[i]: i * 2 MiB */
	inc	%ecx
	cmp	$GUEST_RAM_SIZE / ISO_LARGE, %ecx
	jb	3b
	mov	%rdi, %cr3
	xor	%edi, %edi
	mov	$GUEST_RAM_SIZE, %esi
	call	scan
	add	%rax, %r14                      /* other's, in all */
	mov	%rax, %rbp
	mov	%rdx, %rbx
	REPORT	k_ram_own, %rbx
	REPORT	k_ram_other, %rbp
	call	yield

	/* 4. My buffer: qwords that are no longer my pattern (RBP). */
	xor	%ebp, %ebp
	mov	$ISO_BUF, %edi
	mov	$ISO_BUF_SIZE / 8, %ecx
4:	mov	(%rdi), %rax
	cmp	%r12, %rax
	je	5f
	inc	%rbp
5:	add	$8, %rdi
	dec	%ecx
	jnz	4b

	REPORT	k_other, %r14
	test	%r14, %r14
	VERDICT_IF z, m_other, m_other_bad
	REPORT	k_own_bad, %rbp
	xor	%eax, %eax
	test	%rbp, %rbp
	sete	%al
	mov	%rax, %rbp
	REPORT	k_intact, %rbp
	cmp	$1, %rbp
	VERDICT_IF e, m_intact, m_intact_bad
	cmp	$ISO_BUF_SIZE / 8, %rbx
	VERDICT_IF e, m_own, m_own_bad
	REPORT	k_yields, %r15
	cmp	$3, %r15
	VERDICT_IF e, m_yields, m_yields_bad
9:	xor	%r12d, %r12d                    /* forget both patterns */
	xor	%r13d, %r13d
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

#endif /* SVMLAB_ISO_PAIR_H */
