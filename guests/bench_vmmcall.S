/*
 * bench_vmmcall.S - chapter 16: the cost of a hypercall.
 *
 * VMMCALL is always intercepted (exit 81h, APM2 §15.9 "Instruction
 * Intercepts"); the hypervisor reads the call number from the VMCB's
 * RAX, its arguments from the saved RDI and RSI, and returns in RAX.
 * No hypercall of guest_abi.h is a pure no-op, so the loop makes the
 * cheapest one that changes nothing: HC_NPF_INFO with RDI =
 * HC_NPF_COUNT, which only reads how many #NPF exits this guest has had.
 * Under chapter 15's policy the hypervisor also reads the four bytes at
 * RIP first, to tell a VMGEXIT (F3 0F 01 D9) from a plain VMMCALL: that
 * is part of what is measured.
 *
 * Check: the loop makes no #NPF, so the last call returns what the
 * warm-up's did; RAX = HC_NPF_INFO before every call, so a hypervisor
 * that did not answer would leave that (this guest takes no #NPF at
 * all, so the count is never HC_NPF_INFO).
 */
#include "bench_guest.h"

#define N       1000

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HC_NPF_COUNT, %edi             /* kept by every call */
	mov	$BENCH_WARMUP, %r14d
1:	mov	$HC_NPF_INFO, %eax
	vmmcall
	dec	%r14d
	jnz	1b
	mov	%rax, %r15                      /* #NPF exits so far */

	/*
	 * The timed loop.  Per iteration, besides the VMMCALL: MOV, DEC,
	 * JNZ = 3 instructions; 1 exit (VMMCALL, 81h).  After it, one MOV
	 * keeps the last answer from BENCH_END's RDTSC.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:	mov	$HC_NPF_INFO, %eax
GUEST_LABEL(bench_vmmcall_exit)
	vmmcall
	dec	%r14d
	jnz	1b
	mov	%rax, %rbx
	BENCH_END

	cmp	$HC_NPF_INFO, %rbx              /* RAX never answered */
	setne	%al
	cmp	%r15, %rbx
	sete	%dl
	and	%dl, %al                        /* AL = 1: both hold */
	BENCH_DONE nz, N, 3, 1, \
		"VMMCALL HC_NPF_INFO: every call answered, nothing changed", \
		"VMMCALL HC_NPF_INFO: the last answer is not the first one"
	BENCH_LEAVE
