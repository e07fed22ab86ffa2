/*
 * bench_wrmsr.S - chapter 16: the cost of an intercepted WRMSR.
 *
 * As bench_rdmsr.S, the other direction: WRMSR of HV_MSR_SCRATCH always
 * exits (7Ch, EXITINFO1 = 1; APM2 §15.11 "MSR Intercepts"), as the MSR
 * is outside the permission map's ranges, and the hypervisor stores
 * EDX:EAX in its scratch register (src/svm/msr.c: msr_emulate).
 *
 * Check: the warm-up writes one value, the loop another; RDMSR after
 * the loop must return the loop's.
 */
#include "bench_guest.h"

#define N       1000
#define WARM_HI         0x11111111
#define WARM_LO         0x22222222
#define VALUE_HI        0xc0ffee00
#define VALUE_LO        0x0badcafe

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HV_MSR_SCRATCH, %ecx           /* kept by WRMSR */
	mov	$WARM_LO, %eax
	mov	$WARM_HI, %edx
	mov	$BENCH_WARMUP, %r14d
1:	wrmsr
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the WRMSR: DEC, JNZ = 2
	 * instructions; 1 exit (MSR, 7Ch).  Before it, two MOVs load the
	 * value again, as BENCH_BEGIN's RDTSC took EDX:EAX.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
	mov	$VALUE_LO, %eax
	mov	$VALUE_HI, %edx
1:
GUEST_LABEL(bench_wrmsr_exit)
	wrmsr
	dec	%r14d
	jnz	1b
	BENCH_END

	mov	$HV_MSR_SCRATCH, %ecx
	rdmsr
	cmp	$VALUE_LO, %eax
	sete	%al
	cmp	$VALUE_HI, %edx
	sete	%dl
	and	%dl, %al                        /* AL = 1: both halves */
	BENCH_DONE nz, N, 2, 1, \
		"WRMSR HV_MSR_SCRATCH: RDMSR reads the loop's value", \
		"WRMSR HV_MSR_SCRATCH: RDMSR reads another value"
	BENCH_LEAVE
