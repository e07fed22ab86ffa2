/*
 * bench_mmio_read.S - chapter 16: the cost of an emulated MMIO load.
 *
 * The device page (HV_MMIO_BASE) is in no nested page table, so a load
 * from it ends in #NPF (exit 400h; APM2 §15.25 "Nested Paging").
 * Neither emulator provides decode assists, so the hypervisor walks the
 * guest's page tables to fetch the instruction, decodes the MOV, reads
 * the device register and writes the destination register, and steps
 * over the instruction (src/svm/mmio_dev.c, guests/mmio_dev.S).  This
 * is the most work any exit of the course does per instruction.
 *
 * The loop loads the 8-byte DATA register into R15: a REX.W MOV
 * (4C 8B 7B 10), which the decoder must get right in full.
 *
 * Check: R15 holds the value the guest stored in DATA first, and the
 * device's STATUS register, which counts the accesses before it, went
 * up by exactly one per access: STATUS read, DATA store, warm-up and
 * loop loads, so the second STATUS read is the first + 2 +
 * BENCH_WARMUP + N.
 */
#include "bench_guest.h"

#define N       1000
#define VALUE           0x0123456789abcdef

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HV_MMIO_BASE, %rbx
	mov	HV_MMIO_STATUS(%rbx), %rbp      /* accesses before this one */
	movabs	$VALUE, %rax
	mov	%rax, HV_MMIO_DATA(%rbx)
	mov	$BENCH_WARMUP, %r14d
1:	mov	HV_MMIO_DATA(%rbx), %r15
	dec	%r14d
	jnz	1b
	xor	%r15d, %r15d                    /* the loop must load it */

	/*
	 * The timed loop.  Per iteration, besides the load: DEC, JNZ = 2
	 * instructions; 1 exit (#NPF, 400h).
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:
GUEST_LABEL(bench_mmio_read_exit)
	mov	HV_MMIO_DATA(%rbx), %r15
	dec	%r14d
	jnz	1b
	BENCH_END

	mov	HV_MMIO_STATUS(%rbx), %rcx
	sub	%rbp, %rcx
	cmp	$2 + BENCH_WARMUP + N, %rcx
	sete	%al
	movabs	$VALUE, %rdx
	cmp	%rdx, %r15
	sete	%dl
	and	%dl, %al                        /* AL = 1: both hold */
	BENCH_DONE nz, N, 2, 1, \
		"MMIO load: DATA read back once per MOV", \
		"MMIO load: wrong value, or not one access per MOV"
	BENCH_LEAVE
