/*
 * hostile_yield.S - chapter 17: HC_YIELD from a guest that runs alone.
 *
 * HC_YIELD (chapter 12) gives the CPU to the next guest of the
 * round-robin scheduler: the exit loop returns to sched_run, which picks
 * another.  A guest that runs alone (course_run_guest, not
 * course_run_together) has nobody to give it to, and an exit loop that
 * returned anyway would leave it neither done nor stopped: its run would
 * end with no reason at all.  The hypervisor answers a lone guest's
 * HC_YIELD with HC_OK at once (src/svm/sched.c: hc_yield), and the guest
 * goes on.  It yields five times, asks how often it was preempted
 * (never: it is not scheduled), and finishes.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	xor	%r12d, %r12d
	mov	$5, %ebx
1:	HYPERCALL HC_YIELD
	test	%rax, %rax
	jnz	2f
	inc	%r12
2:	dec	%ebx
	jnz	1b
	EXPECT	"yield.ok", %r12, 5, "five yields returned HC_OK"
	HYPERCALL HC_PREEMPTED
	mov	%rax, %rbx
	EXPECT	"yield.preempted", %rbx, 0, \
		"a lone guest is never preempted"
	pop	%r12
	pop	%rbx
	ret
