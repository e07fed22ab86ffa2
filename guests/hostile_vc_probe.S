/*
 * hostile_vc_probe.S - chapter 17: a guest lies to a measurement that
 * every later guest depends on.
 *
 * HC_VC_PROBE (chapter 15) measures how this processor delivers #VC
 * through EVENTINJ: the guest asks for a #VC, and its handler asks
 * again first thing; the hypervisor takes the difference of the two
 * RSPs as the bytes the delivery pushed, 48 with the error code or 40
 * without, and from then on delivers every #VC of every model SEV-ES
 * guest accordingly (src/svm/vc.c).  The measurement uses the guest's
 * RSP, which the guest controls.  This guest measures the truth on its
 * own, then moves RSP before the second call so that the hypervisor
 * computes the other answer.  A hypervisor that believed it would
 * deliver #VC wrongly to chapter 15's ghcb_vc, which the chapter runs
 * right after this guest: its handler would take the RIP for the error
 * code and fail.
 *
 * The hardened hypervisor keeps the first measurement of the boot: the
 * processor does not change, and a later guest cannot re-decide it for
 * everyone (src/svm/vc.c: hc_vc_probe).  The guest reports the truth
 * (vc_lie.true) and its lie (vc_lie.claimed); it abandons the #VC frame
 * and goes on from the stack it saved, so it does not depend on either.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
	push	%rbx
	push	%rbp
	SET_GATE GHCB_VC_VECTOR, lie_handler
	mov	%rsp, %rbp
	and	$-16, %rsp                      /* the CPU aligns nothing */
	mov	%rsp, probe_rsp(%rip)
	xor	%edi, %edi
	HYPERCALL HC_VC_PROBE                   /* #VC as I resume */
	FAIL_S	"no #VC after HC_VC_PROBE"
	jmp	2f

	/* Back from the handler, on the stack saved above. */
1:	mov	%rbp, %rsp
	sti
	mov	vc_true(%rip), %rbx
	REPORT_S "vc_lie.true", %rbx
	mov	vc_claimed(%rip), %rbx
	REPORT_S "vc_lie.claimed", %rbx
	mov	vc_true(%rip), %rax
	cmp	vc_claimed(%rip), %rax
	VERDICT_S ne, "I claimed a frame the processor did not push", \
		"my claim was the truth"
2:	mov	%rbp, %rsp
	pop	%rbp
	pop	%rbx
	ret

/*
 * The #VC handler: what was pushed (48 or 40), then the other number,
 * by moving RSP before HC_VC_PROBE with RDI = 1.
 */
lie_handler:
	mov	probe_rsp(%rip), %rax
	sub	%rsp, %rax
	mov	%rax, vc_true(%rip)
	mov	$88, %ecx                       /* 48 <-> 40 */
	sub	%rax, %rcx
	mov	%rcx, vc_claimed(%rip)
	mov	probe_rsp(%rip), %rsp
	sub	%rcx, %rsp
	mov	$1, %edi
	HYPERCALL HC_VC_PROBE
	mov	probe_rsp(%rip), %rsp
	jmp	1b

	.data
	.balign	8
probe_rsp:	.quad	0
vc_true:	.quad	0
vc_claimed:	.quad	0
