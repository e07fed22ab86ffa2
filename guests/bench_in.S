/*
 * bench_in.S - chapter 16: the cost of an intercepted IN.
 *
 * IN from HV_DEV_ID, the svmlab device's read-only identity register
 * (5A4h): exit 7Bh with EXITINFO1 bit 0 (IN) set (APM2 §15.10 "I/O
 * Intercepts"); the hypervisor puts HV_DEV_ID_VALUE in EAX and resumes
 * at EXITINFO2.  The identity register rather than the data register,
 * so that the value checked is a constant of guest_abi.h, not one the
 * guest itself put there.
 *
 * Check: EAX after the last IN is HV_DEV_ID_VALUE.  BENCH_BEGIN's RDTSC
 * left a TSC value in EAX, so an IN that did not write it would show.
 */
#include "bench_guest.h"

#define N       1000

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HV_DEV_ID, %edx
	mov	$BENCH_WARMUP, %r14d
1:	in	%dx, %eax
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the IN: DEC, JNZ = 2
	 * instructions; 1 exit (IOIO, 7Bh).  Before it, one MOV loads the
	 * port again (BENCH_BEGIN's RDTSC took EDX); after it, one MOV
	 * keeps the last value from BENCH_END's RDTSC.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
	mov	$HV_DEV_ID, %edx
1:
GUEST_LABEL(bench_in_exit)
	in	%dx, %eax
	dec	%r14d
	jnz	1b
	mov	%eax, %ebx
	BENCH_END

	cmp	$HV_DEV_ID_VALUE, %ebx
	BENCH_DONE e, N, 2, 1, \
		"IN HV_DEV_ID read HV_DEV_ID_VALUE", \
		"IN HV_DEV_ID read another value"
	BENCH_LEAVE
