/*
 * bench_rdmsr.S - chapter 16: the cost of an intercepted RDMSR.
 *
 * HV_MSR_SCRATCH (4000_0001h) lies outside the three ranges of the MSR
 * permission map, so RDMSR of it always exits (7Ch, EXITINFO1 = 0; APM2
 * §15.11 "MSR Intercepts"), whatever the map says: no MSR_INTERCEPT
 * entry is needed, nor accepted (msr_policy_load refuses an MSR the map
 * cannot hold; guests/msr_outside.S is the chapter-6 guest of this
 * case).  The hypervisor emulates it as a scratch register
 * (src/svm/msr.c: msr_emulate) and steps over the RDMSR.
 *
 * Check: the last RDMSR of the loop returned the value the guest wrote
 * first.  BENCH_BEGIN's RDTSC left a TSC value in EDX:EAX, so a RDMSR
 * that did not write them would show.
 */
#include "bench_guest.h"

#define N       1000
#define VALUE_HI        0x5ca1ab1e
#define VALUE_LO        0x0ddba11

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HV_MSR_SCRATCH, %ecx           /* kept by RDMSR */
	mov	$VALUE_LO, %eax
	mov	$VALUE_HI, %edx
	wrmsr
	mov	$BENCH_WARMUP, %r14d
1:	rdmsr
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the RDMSR: DEC, JNZ = 2
	 * instructions; 1 exit (MSR, 7Ch).  After it, two MOVs keep the
	 * last value from BENCH_END's RDTSC.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:
GUEST_LABEL(bench_rdmsr_exit)
	rdmsr
	dec	%r14d
	jnz	1b
	mov	%eax, %ebx
	mov	%edx, %ebp
	BENCH_END

	cmp	$VALUE_LO, %ebx
	sete	%al
	cmp	$VALUE_HI, %ebp
	sete	%dl
	and	%dl, %al                        /* AL = 1: both halves */
	BENCH_DONE nz, N, 2, 1, \
		"RDMSR HV_MSR_SCRATCH returned the value written", \
		"RDMSR HV_MSR_SCRATCH returned another value"
	BENCH_LEAVE
