/*
 * bench_npf.S - chapter 16: the cost of demand paging, one #NPF a page.
 *
 * Under nested paging the loader backs only the guest's image, stack
 * and page tables; any other page of its RAM is mapped on first touch
 * (src/svm/nested.c: demand_map).  The touch ends in #NPF (exit 400h,
 * EXITINFO1 P = 0; APM2 §15.25 "Nested Paging"), the hypervisor
 * allocates a zeroed page, maps it in the nested page table, and the
 * store runs again, now without an exit.
 *
 * Each iteration writes into a page never touched before, so each is a
 * first touch by design: the timed loop walks the N = 256 pages of
 * [500000h, 600000h), the warm-up the BENCH_WARMUP pages from 600000h.
 * Both ranges lie between the image and the stack at the window's top
 * (guest_abi.h: GUEST_WINDOW_*), as in guests/npt_demand.S, and each
 * 2 MiB range already has its nested page-table page (the image's and
 * the stack's), so no iteration pays for a new table page.
 *
 * Check: HC_NPF_INFO counts exactly N + BENCH_WARMUP more #NPF exits
 * and as many demand-mapped pages across the loops; each page holds its
 * own address where it was written and zeros in its second and last
 * quadwords.
 */
#include "bench_guest.h"

#define N       256
#define FIRST           0x500000        /* the timed pages */
#define WARM_FIRST      (FIRST + N * PAGE)
#define PAGE            0x1000

GUEST_MODE(GUEST_MODE_LONG)

/* RAX = HC_NPF_INFO selector \sel. */
.macro NPF_INFO sel
	mov	$\sel, %edi
	HYPERCALL HC_NPF_INFO
.endm

GUEST_FUNC(guest_main)
	BENCH_ENTER
	NPF_INFO HC_NPF_COUNT
	mov	%rax, %r15                      /* #NPF exits before */
	NPF_INFO HC_NPF_DEMAND
	mov	%rax, %rbp                      /* demand pages before */
	mov	$WARM_FIRST, %ebx
	mov	$BENCH_WARMUP, %r14d
1:	mov	%rbx, (%rbx)
	add	$PAGE, %rbx
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration 1 exit (#NPF, 400h) and, besides
	 * the exiting instruction, 4 instructions: the MOV itself a second
	 * time (the #NPF is a fault, so the first MOV completes nothing;
	 * after the exit the guest runs it again, and this time it
	 * completes), then ADD, DEC, JNZ.  The other benches' exiting
	 * instruction never completes in the guest: the hypervisor
	 * emulates it and steps over it.  Before the loop, one MOV loads
	 * the first page.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
	mov	$FIRST, %ebx
1:
GUEST_LABEL(bench_npf_exit)
	mov	%rbx, (%rbx)
	add	$PAGE, %rbx
	dec	%r14d
	jnz	1b
	BENCH_END

	/* The pages: own address first, zeros after (no exit: mapped). */
	xor	%ecx, %ecx                      /* pages that are wrong */
	mov	$FIRST, %ebx
1:	cmp	%rbx, (%rbx)
	setne	%al
	movzbl	%al, %eax
	add	%eax, %ecx
	mov	8(%rbx), %rax
	or	PAGE - 8(%rbx), %rax
	setnz	%al
	movzbl	%al, %eax
	add	%eax, %ecx
	add	$PAGE, %rbx
	cmp	$FIRST + N * PAGE, %ebx
	jb	1b
	mov	%ecx, %r13d
	NPF_INFO HC_NPF_COUNT
	sub	%r15, %rax
	mov	%rax, %r15                      /* #NPF exits of the loops */
	NPF_INFO HC_NPF_DEMAND
	sub	%rbp, %rax                      /* pages mapped by them */
	cmp	$N + BENCH_WARMUP, %rax
	sete	%al
	cmp	$N + BENCH_WARMUP, %r15
	sete	%dl
	and	%dl, %al
	test	%r13d, %r13d
	sete	%dl
	and	%dl, %al                        /* AL = 1: all three hold */
	BENCH_DONE nz, N, 4, 1, \
		"#NPF: one demand-mapped zeroed page per first touch", \
		"#NPF: wrong page count or contents"
	BENCH_LEAVE
