/*
 * ghcb_guest.h - what the chapter-15 guests share: VMGEXIT, the GHCB
 * MSR and the GHCB page itself.
 *
 * Under SEV-ES a guest talks to the hypervisor in two ways (GHCB
 * specification, AMD pub. 56421, "GHCB MSR Protocol" and "GHCB
 * Protocol"; APM2 §15.35 "Encrypted State (SEV-ES)"):
 *
 *   - the MSR protocol: the guest writes a request into the GHCB MSR
 *     (C001_0130h), leaves with VMGEXIT, and reads the answer back from
 *     the same MSR.  Bits 11:0 (GHCBInfo) say which request it is.
 *   - the GHCB protocol: the MSR holds the address of a page the guest
 *     shares with the hypervisor (bits 11:0 zero).  The guest fills in
 *     the fields a request needs, marks each one in the valid bitmap
 *     (bit n for the quadword at offset 8 * n), and leaves with VMGEXIT;
 *     the hypervisor answers in the page, marking what it wrote.
 *
 * In an assembly guest:
 *
 *     #include "ghcb_guest.h"
 *         lea     ghcb_page(%rip), %rbx
 *         GHCB_BEGIN %rbx                     (empty bitmap, version 2)
 *         GHCB_SET   %rbx, GHCB_RAX, 0x40000000
 *         ...
 *         mov     %rbx, %rdi
 *         call    ghcb_call                   (RAX = SW_EXITINFO1)
 *     ...
 *     GHCB_RUNTIME                            (once, at the end)
 *
 * GHCB_RUNTIME emits the routines below and the page ghcb_page (4 KiB,
 * page-aligned in .bss).  Chapter 15 maps a guest's addresses one to one
 * onto guest-physical ones, so ghcb_page's address is also its GPA.
 */
#ifndef SVMLAB_GHCB_GUEST_H
#define SVMLAB_GHCB_GUEST_H

#include "guest.h"
#include "svm/ghcb_abi.h"

/*
 * The valid bitmap (GHCB offset 3F0h, 16 bytes): the field at offset
 * off is quadword off / 8, so its bit is in byte GHCB_VBYTE(off) under
 * mask GHCB_VMASK(off).  A field narrower than 8 bytes (CPL at 0CBh)
 * shares its quadword's bit.  GHCB_VLO and GHCB_VHI give the field's bit
 * in the bitmap's low (quadwords 0-63) or high (64-127) 64-bit half, and
 * 0 in the other half, so whole answers can be compared at once.
 */
#define GHCB_VBYTE(off) (GHCB_VALID_BITMAP + (off) / 64)
#define GHCB_VMASK(off) (1 << (((off) / 8) & 7))
#define GHCB_VLO(off)   ((1 - (off) / 0x200) << (((off) / 8) & 63))
#define GHCB_VHI(off)   (((off) / 0x200) << (((off) / 8) & 63))

/* What every answer marks valid: SW_EXITINFO1 and SW_EXITINFO2. */
#define GHCB_V_ANSWER_HI \
	(GHCB_VHI(GHCB_SW_EXIT_INFO1) | GHCB_VHI(GHCB_SW_EXIT_INFO2))
/* An answer that also carries RAX (IN, VMMCALL). */
#define GHCB_V_RAX_LO   GHCB_VLO(GHCB_RAX)
/* An answer that also carries RDX (RDMSR, with RAX). */
#define GHCB_V_RDX_HI   GHCB_VHI(GHCB_RDX)
/* The CPUID answer: RAX, RBX, RCX and RDX. */
#define GHCB_V_CPUID_HI (GHCB_V_ANSWER_HI | GHCB_VHI(GHCB_RBX) | \
			 GHCB_VHI(GHCB_RCX) | GHCB_VHI(GHCB_RDX))

/*
 * VMGEXIT is VMMCALL with a REP prefix (F3 0F 01 D9).  Outside SEV-ES it
 * exits as a plain VMMCALL (81h); the hypervisor sees the F3 at RIP and
 * takes it as VMGEXIT (src/svm/vmgexit.c; docs/ghcb.md).  Written as bytes
 * so that no assembler drops or reorders the prefix.
 */
.macro VMGEXIT
	.byte	0xf3, 0x0f, 0x01, 0xd9
.endm

/*
 * Register the GHCB page at \base with the MSR protocol (012h, through
 * ghcb_msr), then compare the answer with the response that names the
 * page: ZF set if the hypervisor accepted it.
 */
.macro GHCB_REGISTER base
	lea	GHCB_MSR_REG_GPA_REQ(\base), %rdi
	call	ghcb_msr
	lea	GHCB_MSR_REG_GPA_RESP(\base), %rdx
	cmp	%rdx, %rax
.endm

/*
 * Start a request in the GHCB at \base: an empty valid bitmap, the
 * protocol version and the usage (0, the standard layout).  The old
 * values of the fields stay, but without their valid bits they are not
 * part of the request.
 */
.macro GHCB_BEGIN base, version=GHCB_PROTOCOL_MAX, usage=0
	movq	$0, GHCB_VALID_BITMAP(\base)
	movq	$0, GHCB_VALID_BITMAP + 8(\base)
	movw	$\version, GHCB_PROTOCOL_VERSION(\base)
	movl	$\usage, GHCB_USAGE(\base)
.endm

/* Mark the field at offset \field valid (its quadword's bit). */
.macro GHCB_MARK base, field
	orb	$GHCB_VMASK(\field), GHCB_VBYTE(\field)(\base)
.endm

/* Clear the valid bit of the field at \field. */
.macro GHCB_UNMARK base, field
	andb	$~GHCB_VMASK(\field) & 0xff, GHCB_VBYTE(\field)(\base)
.endm

/* Field \field = the 64-bit constant \value, marked valid; clobbers R11. */
.macro GHCB_SET base, field, value
	movabs	$\value, %r11
	mov	%r11, \field(\base)
	GHCB_MARK \base, \field
.endm

/* Field \field = register \reg (64-bit), marked valid. */
.macro GHCB_SETR base, field, reg
	mov	\reg, \field(\base)
	GHCB_MARK \base, \field
.endm

/* ZF = 0 if the field at \field is marked valid, ZF = 1 if not. */
.macro GHCB_TEST base, field
	testb	$GHCB_VMASK(\field), GHCB_VBYTE(\field)(\base)
.endm

/*
 * ZF = 1 if the valid bitmap is exactly \lo (quadwords 0-63) and \hi
 * (64-127): after an answer, the fields the hypervisor wrote and no
 * other.  Clobbers R11.
 */
.macro GHCB_VALID_IS base, lo, hi
	movabs	$\lo, %r11
	cmp	%r11, GHCB_VALID_BITMAP(\base)
	jne	.Lgv\@
	movabs	$\hi, %r11
	cmp	%r11, GHCB_VALID_BITMAP + 8(\base)
.Lgv\@:
.endm

/*
 * Like guest.h's REPORT, CHECK and VERDICT_IF, with the key and the
 * messages written in place as strings:
 *     EXPECT "ghcb.info1", %rax, 0, "the request succeeded"
 * reports the value and passes or fails the one message as it equals
 * \want (a constant from the spec, never an observed value).  They
 * clobber what the runtime's helpers do: RAX, RCX, RDX, RSI, RDI,
 * R8-R11.  A string longer than the hypercall ABI takes (HC_STRING_MAX
 * with its NUL) is an assembly error, not a guest stopped at run time.
 */
.macro STRING_FITS start
	.if	. - \start > HC_STRING_MAX
	.error	"a key or message longer than HC_STRING_MAX - 1 characters"
	.endif
.endm

/* A string in .rodata at label, checked against HC_STRING_MAX. */
.macro RO_STRING label, text
	.pushsection .rodata
\label:	.asciz	"\text"
	STRING_FITS \label
	.popsection
.endm

.macro REPORT_S key, reg
	RO_STRING .Lrk\@, "\key"
	REPORT	.Lrk\@, \reg
.endm

.macro EXPECT key, reg, want, msg
	RO_STRING .Lek\@, "\key"
	RO_STRING .Lem\@, "\msg"
	CHECK	.Lek\@, \reg, \want, .Lem\@
.endm

.macro VERDICT_S cc, ok, bad
	RO_STRING .Lvo\@, "\ok"
	RO_STRING .Lvb\@, "\bad"
	VERDICT_IF \cc, .Lvo\@, .Lvb\@
.endm

.macro PASS_S msg
	RO_STRING .Lps\@, "\msg"
	PASS	.Lps\@
.endm

.macro FAIL_S msg
	RO_STRING .Lfs\@, "\msg"
	FAIL	.Lfs\@
.endm

/*
 * The routines, emitted once per guest by GHCB_RUNTIME.
 *
 * ghcb_msr(RDI = request) -> RAX = answer: the MSR protocol.  WRMSR the
 *     request into MSR_GHCB, VMGEXIT, RDMSR the answer.  Clobbers RAX,
 *     RCX, RDX.
 * ghcb_call(RDI = GHCB page) -> RAX = SW_EXITINFO1: the GHCB protocol.
 *     MSR_GHCB = the page's GPA (an MSR-protocol request in between
 *     would have left another value there), VMGEXIT.  The answer is in
 *     the page.  Clobbers RAX, RCX, RDX.
 * ghcb_page: the guest's GHCB, one page-aligned page of .bss.
 */
.macro GHCB_RUNTIME
	.text
	.globl	ghcb_msr, ghcb_call
ghcb_msr:
	mov	%rdi, %rax
	mov	%rdi, %rdx
	shr	$32, %rdx
	mov	$MSR_GHCB, %ecx
	wrmsr
	VMGEXIT
	mov	$MSR_GHCB, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	ret

ghcb_call:
	mov	%rdi, %rax
	mov	%rdi, %rdx
	shr	$32, %rdx
	mov	$MSR_GHCB, %ecx
	wrmsr
	VMGEXIT
	mov	GHCB_SW_EXIT_INFO1(%rdi), %rax
	ret

	.bss
	.balign	GHCB_SIZE
	.globl	ghcb_page
ghcb_page:
	.skip	GHCB_SIZE
	.text
.endm

#endif /* SVMLAB_GHCB_GUEST_H */
