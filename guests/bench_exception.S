/*
 * bench_exception.S - chapter 16: the cost of a reflected exception.
 *
 * The guest asks for the #UD intercept (VMCB 008h bit 6).  UD2 (0F 0B)
 * raises #UD, a fault, and exits with code 46h and RIP at the UD2
 * (APM2 §15.12 "Exception Intercepts").  The hypervisor reflects it:
 * EVENTINJ type 3, vector 6, no error code (src/svm/crdr.c:
 * handle_exception, src/svm/events.c: events_reflect), and VMRUN
 * delivers it through the guest's IDT (APM2 §15.20 "Event Injection").
 * The guest's own handler steps over the UD2 in the frame, counts the
 * exception and IRETQs.  One iteration is one exit, one injected
 * exception and one handler: the path of any exception a hypervisor
 * intercepts only to look at.
 *
 * #UD rather than #BP: a fault is reflected as it is, while the INT3
 * trap makes the hypervisor decode the instruction to step over it.
 *
 * Check: the handler ran N + BENCH_WARMUP times.  (That each #UD also
 * exited is the hypervisor's exit count to check, 46h N + 4 times: a
 * guest cannot tell a reflected #UD from a native one.)
 */
#include "bench_guest.h"

#define N       1000

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(6))

	.data
	.balign	8
raised:		.quad	0                       /* #UDs handled */

	.text
/* #UD (no error code): resume after the 2-byte UD2, count it. */
ud_handler:
	addq	$2, (%rsp)
	incq	raised(%rip)
	iretq

GUEST_FUNC(guest_main)
	BENCH_ENTER
	SET_GATE 6, ud_handler
	mov	$BENCH_WARMUP, %r14d
1:	ud2
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the UD2: the handler's
	 * ADDQ, INCQ and IRETQ, then DEC, JNZ = 5 instructions; 1 exit
	 * (#UD, 46h): the reflected #UD comes with the VMRUN that resumes
	 * the guest.
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:
GUEST_LABEL(bench_exception_exit)
	ud2
	dec	%r14d
	jnz	1b
	BENCH_END

	cmpq	$N + BENCH_WARMUP, raised(%rip)
	BENCH_DONE e, N, 5, 1, \
		"#UD: reflected and handled once per UD2", \
		"#UD: the handler did not run once per UD2"
	BENCH_LEAVE
