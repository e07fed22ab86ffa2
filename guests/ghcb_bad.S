/*
 * ghcb_bad.S - chapter 15: malformed GHCB requests, each refused alone.
 *
 * The GHCB is memory the guest writes while the hypervisor reads it, so
 * the hypervisor must check everything in it before it acts (GHCB
 * specification, AMD pub. 56421, "Invoking VMGEXIT" and the table
 * of SW_EXITINFO2 reasons).  A request it cannot take is answered with
 * SW_EXITINFO1 = 2 and a reason in SW_EXITINFO2, and the guest goes on:
 * nothing is stopped, nothing half done.  In the order the hypervisor
 * checks (src/svm/vmgexit.c):
 *
 *   a page never registered            1 NOT_REGISTERED, written there
 *   usage not 0                        2 INVALID_USAGE
 *   protocol version not 1 or 2        5 INVALID_INPUT
 *   a needed field not marked valid    4 MISSING_INPUT
 *   MMIO scratch outside 800h-FEFh     3 INVALID_SCRATCH_AREA
 *   MMIO length not 1, 2, 4 or 8       5 INVALID_INPUT
 *
 * The scratch check covers two ways out of the shared buffer: a range
 * that starts inside and runs past its end (FECh + 8), and one inside
 * the page but in the save area (100h), where a hypervisor that only
 * checked "same page" would scribble over the guest's register fields.
 * After all of them one good CPUID request shows the hypervisor and the
 * GHCB are fine.
 *
 * Reports, per request P: bad.P.info1 and bad.P.info2; also
 * bad.unregistered.valid_hi and bad.unregistered.mine.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define HV_LEAF         0x40000000
#define MARK            0x5151515151515151

/* Start a request in the GHCB at \base: exit code and EXITINFOs. */
.macro REQ code, info1, info2, version=GHCB_PROTOCOL_MAX, usage=0, base=%rbx
	GHCB_BEGIN \base, \version, \usage
	GHCB_SET \base, GHCB_SW_EXIT_CODE, \code
	GHCB_SET \base, GHCB_SW_EXIT_INFO1, \info1
	GHCB_SET \base, GHCB_SW_EXIT_INFO2, \info2
.endm

/* A whole CPUID request for leaf 4000_0000h. */
.macro CPUID_REQ version=GHCB_PROTOCOL_MAX, usage=0, base=%rbx
	REQ	SVM_EXIT_CPUID, 0, 0, \version, \usage, \base
	GHCB_SET \base, GHCB_RAX, HV_LEAF
	GHCB_SET \base, GHCB_RCX, 0
.endm

/* VMGEXIT with the GHCB at \base. */
.macro SEND base=%rbx
	mov	\base, %rdi
	call	ghcb_call
.endm

/* The answer in \base must be 2 (malformed) with reason \why. */
.macro REFUSED p, what, why, base=%rbx
	EXPECT	"bad.\p\().info1", GHCB_SW_EXIT_INFO1(\base), \
		GHCB_RESP_MALFORMED, "\what: refused (SW_EXITINFO1 2)"
	EXPECT	"bad.\p\().info2", GHCB_SW_EXIT_INFO2(\base), \why, \
		"\what: the reason in SW_EXITINFO2"
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	lea	ghcb_page(%rip), %rbx
	lea	ghcb_other(%rip), %r12

	GHCB_REGISTER %rbx
	VERDICT_S e, "GHCB: my page is registered", \
		"GHCB: registering my page failed"

	/* CPUID without RCX marked valid. */
	REQ	SVM_EXIT_CPUID, 0, 0
	GHCB_SET %rbx, GHCB_RAX, HV_LEAF
	movq	$0, GHCB_RCX(%rbx)              /* a value, but not valid */
	SEND
	REFUSED	missing, "CPUID without RCX valid", GHCB_ERR_MISSING_INPUT

	/*
	 * A good request from another page, never registered.  The answer
	 * goes into that page; mine must not be touched.
	 */
	movabs	$MARK, %rax
	mov	%rax, GHCB_SW_EXIT_INFO1(%rbx)
	CPUID_REQ base=%r12
	SEND	%r12
	REFUSED	unregistered, "GHCB on an unregistered page", \
		GHCB_ERR_NOT_REGISTERED, %r12
	REPORT_S "bad.unregistered.valid_hi", GHCB_VALID_BITMAP + 8(%r12)
	GHCB_VALID_IS %r12, 0, GHCB_V_ANSWER_HI
	VERDICT_S e, "unregistered page: only SW_EXITINFO1/2 are valid", \
		"unregistered page: the valid bitmap is not SW_EXITINFO1/2"
	EXPECT	"bad.unregistered.mine", GHCB_SW_EXIT_INFO1(%rbx), MARK, \
		"unregistered page: my registered page was not touched"

	/* MMIO read whose 8 bytes run past the buffer's end (FF0h). */
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + HV_MMIO_ID, 8
	lea	GHCB_SHARED_BUFFER + GHCB_SHARED_BUFFER_SIZE - 4(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	REFUSED	scratch_end, "MMIO scratch past the buffer end", \
		GHCB_ERR_INVALID_SCRATCH_AREA

	/* MMIO read into the save area: in the page, not in the buffer. */
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + HV_MMIO_ID, 8
	lea	0x100(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	REFUSED	scratch_inside, "MMIO scratch in the save area", \
		GHCB_ERR_INVALID_SCRATCH_AREA

	/* MMIO read of 3 bytes: no such access. */
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + HV_MMIO_ID, 3
	lea	GHCB_SHARED_BUFFER(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	REFUSED	length, "MMIO read of 3 bytes", GHCB_ERR_INVALID_INPUT

	/* Protocol versions this hypervisor does not speak: 3 and 0. */
	CPUID_REQ version=3
	SEND
	REFUSED	version3, "GHCB protocol version 3", GHCB_ERR_INVALID_INPUT
	CPUID_REQ version=0
	SEND
	REFUSED	version0, "GHCB protocol version 0", GHCB_ERR_INVALID_INPUT

	/* A layout other than the standard one. */
	CPUID_REQ usage=1
	SEND
	REFUSED	usage, "GHCB usage 1", GHCB_ERR_INVALID_USAGE

	/* And the GHCB still works. */
	CPUID_REQ
	SEND
	EXPECT	"bad.after.info1", GHCB_SW_EXIT_INFO1(%rbx), GHCB_RESP_OK, \
		"GHCB after the refusals: a good CPUID request succeeds"
	EXPECT	"bad.after.ebx", GHCB_RBX(%rbx), HV_CPUID_SIG_EBX, \
		"GHCB after the refusals: CPUID EBX is svml"

	pop	%r12
	pop	%rbx
	ret

	GHCB_RUNTIME

	/* The second page: never registered. */
	.bss
	.balign	GHCB_SIZE
ghcb_other:
	.skip	GHCB_SIZE
