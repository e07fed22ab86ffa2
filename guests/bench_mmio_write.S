/*
 * bench_mmio_write.S - chapter 16: the cost of an emulated MMIO store.
 *
 * As bench_mmio_read.S, the other direction: a store to the device page
 * ends in #NPF (exit 400h, EXITINFO1 R/W set; APM2 §15.25 "Nested
 * Paging"), and the hypervisor fetches and decodes the MOV, takes the
 * source register's value into the DATA register and steps over it
 * (src/svm/mmio_dev.c).
 *
 * The loop stores R15 into the 8-byte DATA register: a REX.W MOV
 * (4C 89 7B 10).
 *
 * Check: the warm-up stores one value, the loop another; DATA reads the
 * loop's after it, and STATUS, which counts the accesses before it,
 * went up by exactly one per access: STATUS read, warm-up and loop
 * stores, DATA load, so the second STATUS read is the first + 2 +
 * BENCH_WARMUP + N.
 */
#include "bench_guest.h"

#define N       1000
#define WARM            0x1111111111111111
#define VALUE           0xfedcba9876543210

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HV_MMIO_BASE, %rbx
	mov	HV_MMIO_STATUS(%rbx), %rbp      /* accesses before this one */
	movabs	$WARM, %r15
	mov	$BENCH_WARMUP, %r14d
1:	mov	%r15, HV_MMIO_DATA(%rbx)
	dec	%r14d
	jnz	1b
	movabs	$VALUE, %r15

	/*
	 * The timed loop.  Per iteration, besides the store: DEC, JNZ = 2
	 * instructions; 1 exit (#NPF, 400h).
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:
GUEST_LABEL(bench_mmio_write_exit)
	mov	%r15, HV_MMIO_DATA(%rbx)
	dec	%r14d
	jnz	1b
	BENCH_END

	mov	HV_MMIO_DATA(%rbx), %rsi
	mov	HV_MMIO_STATUS(%rbx), %rcx
	sub	%rbp, %rcx
	cmp	$2 + BENCH_WARMUP + N, %rcx
	sete	%al
	cmp	%r15, %rsi
	sete	%dl
	and	%dl, %al                        /* AL = 1: both hold */
	BENCH_DONE nz, N, 2, 1, \
		"MMIO store: DATA holds the loop's value, one access per MOV", \
		"MMIO store: wrong value, or not one access per MOV"
	BENCH_LEAVE
