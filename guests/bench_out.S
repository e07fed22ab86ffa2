/*
 * bench_out.S - chapter 16: the cost of an intercepted OUT.
 *
 * Every port exits under the hypervisor's I/O policy but port 80h
 * (src/svm/io.c: io_policy_load); an OUT exits with code 7Bh and
 * EXITINFO1 describing the access (APM2 §15.10 "I/O Intercepts").  The
 * hypervisor writes the 4 bytes into the svmlab device's data register,
 * HV_DEV_DATA (5A0h-5A3h), and resumes at EXITINFO2.
 *
 * Check: the warm-up writes one value, the loop another; IN of
 * HV_DEV_DATA after the loop must read the loop's.
 */
#include "bench_guest.h"

#define N       1000
#define WARM            0x5a5a5a5a
#define VALUE           0x13579bdf

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	BENCH_ENTER
	mov	$HV_DEV_DATA, %edx
	mov	$WARM, %eax
	mov	$BENCH_WARMUP, %r14d
1:	out	%eax, %dx
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the OUT: DEC, JNZ = 2
	 * instructions; 1 exit (IOIO, 7Bh).  Before it, two MOVs load the
	 * port and the value again, as BENCH_BEGIN's RDTSC took EDX:EAX.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
	mov	$HV_DEV_DATA, %edx
	mov	$VALUE, %eax
1:
GUEST_LABEL(bench_out_exit)
	out	%eax, %dx
	dec	%r14d
	jnz	1b
	BENCH_END

	mov	$HV_DEV_DATA, %edx
	in	%dx, %eax
	cmp	$VALUE, %eax
	BENCH_DONE e, N, 2, 1, \
		"OUT HV_DEV_DATA: the register holds the loop's value", \
		"OUT HV_DEV_DATA: the register holds another value"
	BENCH_LEAVE
