/*
 * ghcb_msr.S - chapter 15: the GHCB MSR protocol, each request once.
 *
 * Before a guest has a GHCB it can still talk to the hypervisor: it
 * writes a request into the GHCB MSR (C001_0130h), leaves with VMGEXIT
 * and reads the answer from the same MSR (GHCB specification, AMD pub.
 * 56421, "GHCB MSR Protocol").  Bits 11:0 name the request,
 * bits 63:12 carry its data, and every answer has its own code:
 *
 *   002h SEV information  -> 001h: [63:48] highest and [47:32] lowest
 *                            protocol version spoken, [31:24] C-bit
 *   004h CPUID            -> 005h: [63:32] the value of the register
 *                            selected by [31:30] (EAX, EBX, ECX, EDX)
 *   012h register a GHCB  -> 013h: [63:12] the page number accepted,
 *                            all ones if refused
 *   080h hypervisor features -> 081h: [63:12] a feature bitmap
 *
 * A request the hypervisor does not know leaves the MSR as written (a
 * request code is never an answer code, so the guest sees its own
 * request back); so does a CPUID request with bits 29:12 set, which the
 * specification reserves.  A refused registration must not undo the
 * accepted one: the guest ends with a GHCB request on the page it
 * registered first.
 *
 * Reports: msr.sev_info, msr.cpuid.eax/ebx/ecx/edx (the whole answers),
 * msr.hv_features, msr.register, msr.register_refused, msr.unknown,
 * msr.cpuid_reserved, and after all that msr.after.info1/ebx.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

/* A CPUID request for register \reg of function \fn, and its answer. */
#define CPUID_REQ(fn, reg) (((fn) << 32) | \
			    ((reg) << GHCB_MSR_CPUID_REG_SHIFT) | \
			    GHCB_MSR_CPUID_REQ)
#define CPUID_RESP(value, reg) (((value) << 32) | \
				((reg) << GHCB_MSR_CPUID_REG_SHIFT) | \
				GHCB_MSR_CPUID_RESP)
#define HV_LEAF         0x40000000
/* A GPA far outside the guest's 8 MiB of RAM. */
#define FAR_GPA         0x10000000

.macro MSR_REQUEST value
	movabs	$\value, %rdi
	call	ghcb_msr
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12

	/* SEV information: versions 1 to 2, C-bit 0 in this model. */
	MSR_REQUEST GHCB_MSR_SEV_INFO_REQ
	EXPECT	"msr.sev_info", %rax, \
		(GHCB_PROTOCOL_MAX << 48) | (GHCB_PROTOCOL_MIN << 32) | \
		(GHCB_MODEL_CBIT << 24) | GHCB_MSR_SEV_INFO_RESP, \
		"MSR protocol: SEV information says versions 1-2, C-bit 0"

	/* CPUID 4000_0000h, one register per request. */
	MSR_REQUEST CPUID_REQ(HV_LEAF, 0)
	EXPECT	"msr.cpuid.eax", %rax, CPUID_RESP(HV_CPUID_LEAF_MAX, 0), \
		"MSR protocol: CPUID 40000000h EAX is the highest leaf"
	MSR_REQUEST CPUID_REQ(HV_LEAF, 1)
	EXPECT	"msr.cpuid.ebx", %rax, CPUID_RESP(HV_CPUID_SIG_EBX, 1), \
		"MSR protocol: CPUID 40000000h EBX is svml"
	MSR_REQUEST CPUID_REQ(HV_LEAF, 2)
	EXPECT	"msr.cpuid.ecx", %rax, CPUID_RESP(HV_CPUID_SIG_ECX, 2), \
		"MSR protocol: CPUID 40000000h ECX is absv"
	MSR_REQUEST CPUID_REQ(HV_LEAF, 3)
	EXPECT	"msr.cpuid.edx", %rax, CPUID_RESP(HV_CPUID_SIG_EDX, 3), \
		"MSR protocol: CPUID 40000000h EDX is mlab"

	/* Hypervisor features: none. */
	MSR_REQUEST GHCB_MSR_HV_FT_REQ
	EXPECT	"msr.hv_features", %rax, \
		(GHCB_MODEL_HV_FEATURES << 12) | GHCB_MSR_HV_FT_RESP, \
		"MSR protocol: no hypervisor features"

	/* Register my GHCB: the answer echoes its page number. */
	lea	ghcb_page(%rip), %rbx
	lea	GHCB_MSR_REG_GPA_REQ(%rbx), %rdi
	call	ghcb_msr
	mov	%rax, %r12
	REPORT_S "msr.register", %r12
	lea	GHCB_MSR_REG_GPA_RESP(%rbx), %rax
	cmp	%rax, %r12
	VERDICT_S e, "MSR protocol: my GHCB page is registered", \
		"MSR protocol: registering my GHCB page failed"

	/* A page that is not guest RAM: refused, data all ones. */
	MSR_REQUEST FAR_GPA | GHCB_MSR_REG_GPA_REQ
	EXPECT	"msr.register_refused", %rax, \
		(GHCB_MSR_REG_GPA_FAIL << 12) | GHCB_MSR_REG_GPA_RESP, \
		"MSR protocol: a GHCB outside my RAM is refused"

	/* An unknown request comes back as written. */
	MSR_REQUEST 0x0ff
	EXPECT	"msr.unknown", %rax, 0x0ff, \
		"MSR protocol: an unknown request is left unanswered"

	/* CPUID with reserved bits 29:12 set: not a request either. */
	MSR_REQUEST CPUID_REQ(HV_LEAF, 1) | (1 << 12)
	EXPECT	"msr.cpuid_reserved", %rax, CPUID_REQ(HV_LEAF, 1) | (1 << 12), \
		"MSR protocol: CPUID with bits 29:12 set is left unanswered"

	/*
	 * The page registered first still works: a GHCB CPUID request on
	 * it (ghcb_call writes its GPA back into the MSR first).
	 */
	GHCB_BEGIN %rbx
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, SVM_EXIT_CPUID
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, 0
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, 0
	GHCB_SET %rbx, GHCB_RAX, HV_LEAF
	GHCB_SET %rbx, GHCB_RCX, 0
	mov	%rbx, %rdi
	call	ghcb_call
	EXPECT	"msr.after.info1", GHCB_SW_EXIT_INFO1(%rbx), GHCB_RESP_OK, \
		"GHCB: the page registered first still answers after a refusal"
	EXPECT	"msr.after.ebx", GHCB_RBX(%rbx), HV_CPUID_SIG_EBX, \
		"GHCB: CPUID through the registered page gives EBX svml"

	pop	%r12
	pop	%rbx
	ret

	GHCB_RUNTIME
