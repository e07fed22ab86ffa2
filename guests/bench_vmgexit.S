/*
 * bench_vmgexit.S - chapter 16: the cost of a GHCB request.
 *
 * Chapter 15's model of SEV-ES (guests/ghcb_vmgexit.S, src/svm/
 * vmgexit.c; GHCB specification, AMD pub. 56421, "GHCB Protocol"; APM2
 * §15.35 "Encrypted State (SEV-ES)"): the guest writes a request into
 * its GHCB page and leaves with VMGEXIT (F3 0F 01 D9), which exits here
 * as VMMCALL (81h).  The hypervisor recognises the prefix, copies the
 * page, checks the request against the valid bitmap, serves it and
 * answers in the page.  The request is CPUID 4000_0000h, the
 * hypervisor's own leaf, so the answer is a constant of guest_abi.h.
 *
 * Like ghcb_vmgexit.S, the guest is not flagged GUEST_SEV_ES: it makes
 * its requests itself, and reports with plain hypercalls.  Before the
 * loop it registers its page (MSR protocol 012h) and puts the page's
 * GPA in the GHCB MSR (ghcb_call: a WRMSR, then a first VMGEXIT); the
 * MSR keeps it, as no MSR-protocol request follows, so the loop is
 * VMGEXIT alone.  What the hypervisor overwrites must be written again
 * for every request: the valid bitmap (it clears it), RAX and RCX (its
 * answer), SW_EXITINFO1 and 2 (its result).  SW_EXITCODE is written
 * again too, as a guest making one request after another would.
 *
 * Check: the last answer says "served" (SW_EXITINFO1 = 0, SW_EXITINFO2
 * = 0), holds the svmlab leaf in RAX..RDX, and marks exactly the
 * answer's fields valid.  The loop marked the request's fields (RAX,
 * RCX, SW_EXITCODE, SW_EXITINFO1/2) and put the leaf number, not the
 * answer, in RAX: only a new answer passes.
 */
#include "ghcb_guest.h"
#include "bench_guest.h"

#define N       1000
#define HV_LEAF         0x40000000

/* The request's valid bitmap: what the loop marks. */
#define REQ_VALID_LO    GHCB_VLO(GHCB_RAX)
#define REQ_VALID_HI    (GHCB_VHI(GHCB_RCX) | GHCB_VHI(GHCB_SW_EXIT_CODE) | \
			 GHCB_VHI(GHCB_SW_EXIT_INFO1) | \
			 GHCB_VHI(GHCB_SW_EXIT_INFO2))

GUEST_MODE(GUEST_MODE_LONG)

/*
 * One CPUID request in the GHCB at RBX, fields first, then the whole
 * bitmap from R15 (low half) and RBP (high half): 7 stores.
 */
.macro CPUID_REQUEST
	movq	$SVM_EXIT_CPUID, GHCB_SW_EXIT_CODE(%rbx)
	movq	$0, GHCB_SW_EXIT_INFO1(%rbx)
	movq	$0, GHCB_SW_EXIT_INFO2(%rbx)
	movq	$HV_LEAF, GHCB_RAX(%rbx)
	movq	$0, GHCB_RCX(%rbx)
	mov	%r15, GHCB_VALID_BITMAP(%rbx)
	mov	%rbp, GHCB_VALID_BITMAP + 8(%rbx)
.endm

GUEST_FUNC(guest_main)
	BENCH_ENTER
	lea	ghcb_page(%rip), %rbx
	movabs	$REQ_VALID_LO, %r15
	movabs	$REQ_VALID_HI, %rbp
	GHCB_BEGIN %rbx                         /* version and usage */

	/* Register the page (MSR protocol 012h). */
	GHCB_REGISTER %rbx
	jne	9f

	/* The GHCB MSR = the page, with a first request; then warm up. */
	CPUID_REQUEST
	mov	%rbx, %rdi
	call	ghcb_call
	mov	$BENCH_WARMUP, %r14d
1:	CPUID_REQUEST
	VMGEXIT
	dec	%r14d
	jnz	1b

	/*
	 * The timed loop.  Per iteration, besides the VMGEXIT: the 7
	 * stores of CPUID_REQUEST, then DEC, JNZ = 9 instructions;
	 * 1 exit (VMGEXIT, as VMMCALL 81h).
	 */
	mov	$N, %r14d
	BENCH_BEGIN
1:	CPUID_REQUEST
GUEST_LABEL(bench_vmgexit_exit)
	VMGEXIT
	dec	%r14d
	jnz	1b
	BENCH_END

	GHCB_VALID_IS %rbx, GHCB_V_RAX_LO, GHCB_V_CPUID_HI
	sete	%al
	mov	GHCB_SW_EXIT_INFO1(%rbx), %rdx
	or	GHCB_SW_EXIT_INFO2(%rbx), %rdx
	setz	%dl
	and	%dl, %al
	cmpq	$HV_CPUID_LEAF_MAX, GHCB_RAX(%rbx)
	sete	%dl
	and	%dl, %al
	cmpq	$HV_CPUID_SIG_EBX, GHCB_RBX(%rbx)
	sete	%dl
	and	%dl, %al
	cmpq	$HV_CPUID_SIG_ECX, GHCB_RCX(%rbx)
	sete	%dl
	and	%dl, %al
	cmpq	$HV_CPUID_SIG_EDX, GHCB_RDX(%rbx)
	sete	%dl
	and	%dl, %al                        /* AL = 1: all six hold */
	jmp	2f
9:	xor	%eax, %eax                      /* registration refused */
2:	test	%al, %al
	BENCH_DONE nz, N, 9, 1, \
		"VMGEXIT CPUID 4000_0000h: served, the svmlab leaf", \
		"VMGEXIT CPUID 4000_0000h: wrong answer or valid bits"
	BENCH_LEAVE

	GHCB_RUNTIME
