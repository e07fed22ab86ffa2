/*
 * bench_cpuid.S - chapter 16: the cost of an intercepted CPUID.
 *
 * CPUID is always intercepted (chapter 5, APM2 §15.9 "Instruction
 * Intercepts": exit 72h); the hypervisor answers from hv_cpuid and steps
 * over the instruction.  Leaf 0 is the cheapest leaf to answer: the
 * host's values, passed through.  Each iteration loads EAX and ECX, as
 * any caller of CPUID must, so the loop is what a guest really runs.
 *
 * Check: the loop set ECX = 0 before every CPUID, so a non-zero ECX
 * after it (the vendor string's last four bytes) was written by the
 * hypervisor; it and EBX must equal what the warm-up got.
 */
#include "bench_guest.h"

#define N       1000

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$BENCH_WARMUP, %r14d
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r14d
	jnz	1b
	mov	%ebx, %r15d                     /* leaf 0 EBX, ECX: "Auth", */
	mov	%ecx, %ebp                      /* "cAMD" on an AMD processor */

	/*
	 * The timed loop.  Per iteration, besides the CPUID: XOR, XOR,
	 * DEC, JNZ = 4 instructions; 1 exit (CPUID, 72h).
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:	xor	%eax, %eax                      /* leaf 0 */
	xor	%ecx, %ecx                      /* subleaf 0 */
GUEST_LABEL(bench_cpuid_exit)
	cpuid
	dec	%r14d
	jnz	1b
	BENCH_END

	test	%ecx, %ecx                      /* ECX = 0: not answered */
	setnz	%al
	cmp	%r15d, %ebx
	sete	%dl
	and	%dl, %al
	cmp	%ebp, %ecx
	sete	%dl
	and	%dl, %al                        /* AL = 1: all three hold */
	BENCH_DONE nz, N, 4, 1, \
		"CPUID leaf 0: the hypervisor answered every time", \
		"CPUID leaf 0: EBX or ECX not what the warm-up got"
	BENCH_LEAVE
