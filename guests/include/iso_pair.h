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
 *   2. searches its window, 0x400000-0x800000, for the other's pattern,
 *      still on the loader's tables, and yields;
 *   3. builds page tables of its own that map all of its RAM, 0-8 MiB,
 *      searches the rest of it, 0-4 MiB, through them, and yields;
 *   4. checks that its 1 MiB still holds its pattern, every qword.
 *
 * Both guests use the same guest-physical addresses for everything, so
 * a hypervisor that backed both with the same host pages, or let one
 * keep the other's translations, would show up as the other's pattern
 * in a search or as a changed buffer.  With nested paging each guest's
 * addresses go through its own nested page table to its own host pages:
 * the other's pattern is nowhere in its view.  As a control, the same
 * search for its own pattern from the window's start stops at 0x500000,
 * where it put it: the search does see what is there.
 *
 * The searches use REPNE SCASQ and the fill REP STOSQ: every address is
 * the guest's own RAM, and on Bochs (4 million instructions a simulated
 * second) a loop of several instructions per qword would not cover 8 MiB
 * within the watchdog's 500 ms; a string instruction counts one per
 * qword.  Each qword of RAM is searched once: the window in step 2, the
 * rest in step 3.
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
k_window_other:	.asciz	"window_other"
k_low_other:	.asciz	"low_other"
k_other:	.asciz	"other_matches"
k_bytes:	.asciz	"searched_bytes"
k_own_first:	.asciz	"own_first"
k_own_bad:	.asciz	"own_changed"
k_intact:	.asciz	"own_intact"
k_yields:	.asciz	"yields_ok"
m_layout:	.asciz	"my image reaches into the buffer at 0x500000"
m_other:	.asciz	"the other guest's pattern is nowhere in my RAM"
m_other_bad:	.asciz	"I found the other guest's pattern"
m_bytes:	.asciz	"I searched all 8 MiB of my RAM"
m_bytes_bad:	.asciz	"I did not search all of my RAM"
m_own:		.asciz	"the same search finds my pattern where I put it"
m_own_bad:	.asciz	"the search does not find my own pattern"
m_intact:	.asciz	"my 1 MiB still holds only my pattern"
m_intact_bad:	.asciz	"my 1 MiB changed while the other guest ran"
m_yields:	.asciz	"every yield returned HC_OK"
m_yields_bad:	.asciz	"a yield did not return HC_OK"

	.bss
	.balign	4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096

	.text
/*
 * count(RAX = value, RDI = start, RCX = qwords): RDX = how many of the
 * qwords from RDI on equal RAX.  RDI ends past the last one compared.
 * REPNE SCASQ compares RAX with the qword at RDI and steps on until one
 * is equal or RCX runs out; after a match it goes on from there.
 */
count:
	xor	%edx, %edx
	test	%rcx, %rcx
	jz	2f
1:	repne scasq
	jne	2f                              /* ran out, no match */
	inc	%rdx
	test	%rcx, %rcx
	jnz	1b
2:	ret

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
	cld
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
1:	mov	%r12, %rax
	mov	$ISO_BUF, %edi
	mov	$ISO_BUF_SIZE / 8, %ecx
	rep stosq
	call	yield

	/* 2. My window, on the loader's page tables. */
	mov	%r13, %rax
	mov	$GUEST_WINDOW_BASE, %edi
	mov	$GUEST_WINDOW_SIZE / 8, %ecx
	call	count
	mov	%rdx, %r14                      /* the other's, so far */
	mov	%rdi, %rbx
	sub	$GUEST_WINDOW_BASE, %rbx        /* bytes searched, so far */
	REPORT	k_window_other, %r14
	/* The control: my own pattern, first found at the buffer. */
	mov	%r12, %rax
	mov	$GUEST_WINDOW_BASE, %edi
	mov	$GUEST_WINDOW_SIZE / 8, %ecx
	repne scasq
	mov	$-1, %rbp
	jne	2f
	lea	-8(%rdi), %rbp                  /* where it stopped */
2:	REPORT	k_own_first, %rbp
	cmp	$ISO_BUF, %rbp
	VERDICT_IF e, m_own, m_own_bad
	call	yield

	/* 3. The rest of my RAM, 0-4 MiB, through my own tables. */
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
	mov	%r13, %rax
	xor	%edi, %edi
	mov	$GUEST_WINDOW_BASE / 8, %ecx
	call	count
	add	%rdi, %rbx                      /* bytes searched, in all */
	mov	%rdx, %rbp
	add	%rdx, %r14                      /* the other's, in all */
	REPORT	k_low_other, %rbp
	call	yield

	/* 4. My buffer: qwords that are no longer my pattern (RBP). */
	xor	%ebp, %ebp
	mov	%r12, %rax
	mov	$ISO_BUF, %edi
	mov	$ISO_BUF_SIZE / 8, %ecx
4:	repe scasq
	je	5f                              /* ran out, all equal */
	inc	%rbp
	test	%rcx, %rcx
	jnz	4b
5:
	REPORT	k_bytes, %rbx
	cmp	$GUEST_RAM_SIZE, %rbx
	VERDICT_IF e, m_bytes, m_bytes_bad
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
