/*
 * vc_probe.S - chapter 15: how does this processor deliver #VC?
 *
 * #VC, the VMM communication exception, is vector 29 (APM2 §8.2 and §15.35.5).
 * The hardware raises it in an SEV-ES guest for an exit the hypervisor
 * may not see the registers of, and pushes an error code: the exit code
 * (APM2 §15.35; GHCB specification, AMD pub. 56421).  Neither QEMU
 * nor Bochs has SEV-ES, so svmlab injects #VC itself, through EVENTINJ
 * with EV set and the error code in bits 63:32 (APM2 §15.20).  Whether
 * an emulator really pushes that error code for vector 29 is what this
 * guest measures: §15.20 says EV decides, but an emulator may decide
 * from its own table of vectors that have one, and 29 may be missing.
 *
 * The guest aligns RSP to 16 bytes itself, so that the processor's own
 * alignment before pushing a 64-bit frame (APM2 §8.9.3) adds nothing,
 * and asks for the event: HC_VC_PROBE with RDI = 0 injects #VC with
 * error code HC_VC_PROBE_ERROR (7Bh) as the guest resumes after the
 * VMMCALL.  The handler's first act is HC_VC_PROBE with RDI = 1: the
 * hypervisor compares the two RSPs and says how many bytes the delivery
 * pushed, 48 (error code, RIP, CS, RFLAGS, RSP, SS) or 40 (no error
 * code), and delivers every later #VC of the chapter to match.  The
 * guest measures the same difference on its own and checks that the
 * frame is consistent: with 48 bytes the top word is 7Bh and the RIP
 * under it is the label after the VMMCALL; with 40 the top word is that
 * RIP.  Either is a pass: the tests pin which one each emulator gives.
 *
 * Reports: vc.frame_bytes (the hypervisor's answer), vc.stack_bytes
 * (the guest's own measurement), vc.error (the top word at entry,
 * whatever it is), vc.rip (the RIP in the frame), vc.handler_runs (1).
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define FRAME_WITH_ERROR        48      /* error code + 5 words */
#define FRAME_WITHOUT_ERROR     40      /* RIP, CS, RFLAGS, RSP, SS */

GUEST_FUNC(guest_main)
	push	%rbx
	push	%rbp
	push	%r12
	SET_GATE GHCB_VC_VECTOR, vc_handler
	mov	%rsp, %rbp                      /* the old RSP, to go back */
	and	$-16, %rsp
	mov	%rsp, probe_rsp(%rip)
	xor	%edi, %edi
	HYPERCALL HC_VC_PROBE                   /* #VC comes as I resume */
GUEST_LABEL(vc_probe_ret)
	mov	%rsp, back_rsp(%rip)            /* IRETQ restored it? */
	mov	%rbp, %rsp

	REPORT_S "vc.frame_bytes", vc_frame_bytes(%rip)
	REPORT_S "vc.stack_bytes", vc_stack_bytes(%rip)
	REPORT_S "vc.error", vc_top(%rip)
	REPORT_S "vc.rip", vc_rip(%rip)
	EXPECT	"vc.handler_runs", vc_count(%rip), 1, \
		"#VC: the handler ran once"

	/* The hypervisor and the guest measured the same frame. */
	mov	vc_frame_bytes(%rip), %rax
	cmp	vc_stack_bytes(%rip), %rax
	VERDICT_S e, "#VC: the hypervisor counts the bytes I see pushed", \
		"#VC: the hypervisor counts other bytes than I see pushed"
	/* The RIP in the frame is the instruction after the VMMCALL. */
	lea	vc_probe_ret(%rip), %rax
	cmp	vc_rip(%rip), %rax
	VERDICT_S e, "#VC: the frame returns after the VMMCALL", \
		"#VC: the frame returns elsewhere"
	/* IRETQ brought back the RSP the #VC interrupted. */
	mov	probe_rsp(%rip), %rax
	cmp	back_rsp(%rip), %rax
	VERDICT_S e, "#VC: IRETQ restored the interrupted RSP", \
		"#VC: RSP after IRETQ is not the interrupted one"

	/* Which frame: with the error code 7Bh on top, or without one. */
	mov	vc_stack_bytes(%rip), %rax
	cmp	$FRAME_WITH_ERROR, %rax
	je	1f
	cmp	$FRAME_WITHOUT_ERROR, %rax
	je	2f
	FAIL_S	"#VC: the frame is neither 48 nor 40 bytes"
	jmp	9f
1:	cmpq	$HC_VC_PROBE_ERROR, vc_top(%rip)
	VERDICT_S e, "#VC delivered with its error code 7Bh (48-byte frame)", \
		"#VC: 48-byte frame but the error code is not 7Bh"
	jmp	9f
2:	lea	vc_probe_ret(%rip), %rax
	cmp	vc_top(%rip), %rax
	VERDICT_S e, "#VC delivered without an error code (40-byte frame)", \
		"#VC: 40-byte frame but the RIP is not on top"
9:	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

/*
 * The #VC handler.  Before anything touches the stack, ask the
 * hypervisor what it measured; HYPERCALL clobbers RAX and RDI, which
 * the interrupted code does not need here.  Pushes below the frame are
 * harmless after that.
 */
vc_handler:
	mov	$1, %edi
	HYPERCALL HC_VC_PROBE
	push	%rcx
	push	%rdx
	incq	vc_count(%rip)
	mov	%rax, vc_frame_bytes(%rip)
	lea	16(%rsp), %rcx                  /* RSP at entry: the frame */
	mov	probe_rsp(%rip), %rdx
	sub	%rcx, %rdx                      /* bytes pushed, as I see */
	mov	%rdx, vc_stack_bytes(%rip)
	mov	(%rcx), %rax
	mov	%rax, vc_top(%rip)
	cmp	$FRAME_WITH_ERROR, %rdx
	je	1f
	cmp	$FRAME_WITHOUT_ERROR, %rdx
	je	2f
	/* A frame I cannot return through: say so and stop. */
	REPORT_S "vc.stack_bytes", %rdx
	FAIL_S	"#VC: a frame of unexpected size, cannot return"
	HYPERCALL HC_DONE
	ud2
1:	mov	8(%rcx), %rax                   /* RIP under the error code */
	mov	%rax, vc_rip(%rip)
	pop	%rdx
	pop	%rcx
	add	$8, %rsp                        /* drop the error code */
	iretq
2:	mov	%rax, vc_rip(%rip)              /* RIP on top */
	pop	%rdx
	pop	%rcx
	iretq

	.data
	.balign	8
probe_rsp:	.quad	0
back_rsp:	.quad	0
vc_count:	.quad	0
vc_frame_bytes:	.quad	0
vc_stack_bytes:	.quad	0
vc_top:		.quad	0
vc_rip:		.quad	0
