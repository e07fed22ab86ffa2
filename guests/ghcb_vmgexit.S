/*
 * ghcb_vmgexit.S - chapter 15: every kind of GHCB request, made by hand.
 *
 * Under SEV-ES the hypervisor cannot read a guest's registers, so a
 * guest that wants something done asks through its GHCB (GHCB
 * specification, AMD pub. 56421, "GHCB Protocol"; APM2 §15.35
 * "Encrypted State (SEV-ES)"): SW_EXITCODE says what (an SVM exit code,
 * or one of the GHCB's own, such as MMIO read 8000_0001h and write
 * 8000_0002h), SW_EXITINFO1 and SW_EXITINFO2 carry what the hardware
 * would have put in EXITINFO1/2, and the register fields the request
 * needs (RAX, RCX, ...) are copied in and marked in the valid bitmap.
 * The hypervisor answers in the same page: SW_EXITINFO1 = 0 for done, 1
 * for "take this exception" (SW_EXITINFO2 in the EVENTINJ format), 2 for
 * "malformed" (SW_EXITINFO2 the reason), and the result registers,
 * marked valid.
 *
 * Here nothing causes a #VC: the guest makes each request itself.
 *
 *   CPUID 4000_0000h           RAX..RDX = the svmlab leaf
 *   OUT 8-bit HV_DEV_DATA      5Ah into the device's data register
 *   IN 8-bit HV_DEV_DATA       only AL changes: 1122334455667788h -> ..5Ah
 *   IN 16-bit HV_DEV_ID        only AX changes: ..5653h
 *   IN 32-bit HV_DEV_ID        zero-extends: 4C4D5653h
 *   WRMSR/RDMSR HV_MSR_SCRATCH the value comes back in RAX and RDX
 *   RDMSR VM_HSAVE_PA          refused: 1 / #GP(0) = 8000_0B0Dh
 *   MMIO write, read DATA      8 bytes through the shared buffer
 *   MMIO read ID, 8 and 2      "SVMLMMIO"; 2 bytes leave the rest alone
 *   VMMCALL HC_REPORT          the lab's own hypercall, with CPL
 *   RDTSC (6Eh)                not a GHCB request: 2 / INVALID_EVENT
 *
 * The hypervisor clears the whole valid bitmap before it answers and
 * marks what it wrote (SW_EXITINFO1 and 2 always).  So each request also
 * marks RSI, which no answer here writes: the guest checks after each
 * one that the bitmap is exactly the answer's fields.
 *
 * Reports, per request P (vmgexit.cpuid, .out8, .in8, ...): P.info1,
 * P.info2, P.valid_lo, P.valid_hi; the results vmgexit.cpuid.eax/ebx/
 * ecx/edx, vmgexit.in8/in16/in32 (RAX after the IN), vmgexit.rdmsr.rax/
 * rdx, vmgexit.mmio_read.data, vmgexit.mmio_id.data,
 * vmgexit.mmio_id2.data, vmgexit.vmmcall.rax; vmgexit.register; and,
 * sent by the hypervisor for the GHCB VMMCALL, vmgexit.via_ghcb = 600Dh.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define HV_LEAF         0x40000000
#define MSR_VM_HSAVE_PA 0xC0010117      /* APM2 §15.30.4: refused here */
#define GP0_EVENT       0x80000B0D      /* V, EV, type 3 (exception), 13 */
#define SCRATCH_VALUE   0xfeedfacecafef00d
#define MMIO_VALUE      0x0123456789abcdef
#define DECOY           0x5151515151515151
#define IOIO(port, size) (((port) << SVM_EXITINFO1_IOIO_PORT_SHIFT) | \
			  (size) | SVM_EXITINFO1_IOIO_A64)
#define IOIO_IN(port, size) (IOIO(port, size) | SVM_EXITINFO1_IOIO_IN)

/*
 * Start a request in the GHCB at RBX: exit code and both EXITINFOs,
 * plus the decoy RSI (unless \decoy=0), which no answer may keep.
 */
.macro REQ code, info1, info2, decoy=1
	GHCB_BEGIN %rbx
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, \code
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, \info1
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, \info2
	.if	\decoy
	GHCB_SET %rbx, GHCB_RSI, DECOY
	.endif
.endm

/* VMGEXIT with the GHCB at RBX. */
.macro SEND
	mov	%rbx, %rdi
	call	ghcb_call
.endm

/*
 * Check the answer: SW_EXITINFO1/2 as expected, and a valid bitmap of
 * exactly the fields the answer writes (\lo, \hi: ghcb_guest.h).
 */
.macro ANSWER p, what, info1, info2, lo, hi
	EXPECT	"\p\().info1", GHCB_SW_EXIT_INFO1(%rbx), \info1, \
		"\what: SW_EXITINFO1"
	EXPECT	"\p\().info2", GHCB_SW_EXIT_INFO2(%rbx), \info2, \
		"\what: SW_EXITINFO2"
	REPORT_S "\p\().valid_lo", GHCB_VALID_BITMAP(%rbx)
	REPORT_S "\p\().valid_hi", GHCB_VALID_BITMAP + 8(%rbx)
	GHCB_VALID_IS %rbx, \lo, \hi
	VERDICT_S e, "\what: exactly the answer fields valid", \
		"\what: valid bits are not the answer fields"
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	lea	ghcb_page(%rip), %rbx

	/* Register the page (MSR protocol 012h). */
	lea	GHCB_MSR_REG_GPA_REQ(%rbx), %rdi
	call	ghcb_msr
	mov	%rax, %r12
	REPORT_S "vmgexit.register", %r12
	lea	GHCB_MSR_REG_GPA_RESP(%rbx), %rax
	cmp	%rax, %r12
	VERDICT_S e, "GHCB: my page is registered", \
		"GHCB: registering my page failed"

	/* CPUID 4000_0000h: RAX = leaf, RCX = subleaf. */
	REQ	SVM_EXIT_CPUID, 0, 0
	GHCB_SET %rbx, GHCB_RAX, HV_LEAF
	GHCB_SET %rbx, GHCB_RCX, 0
	SEND
	ANSWER	vmgexit.cpuid, "GHCB CPUID", GHCB_RESP_OK, 0, \
		GHCB_V_RAX_LO, GHCB_V_CPUID_HI
	EXPECT	"vmgexit.cpuid.eax", GHCB_RAX(%rbx), HV_CPUID_LEAF_MAX, \
		"GHCB CPUID: EAX is the highest hypervisor leaf"
	EXPECT	"vmgexit.cpuid.ebx", GHCB_RBX(%rbx), HV_CPUID_SIG_EBX, \
		"GHCB CPUID: EBX is svml"
	EXPECT	"vmgexit.cpuid.ecx", GHCB_RCX(%rbx), HV_CPUID_SIG_ECX, \
		"GHCB CPUID: ECX is absv"
	EXPECT	"vmgexit.cpuid.edx", GHCB_RDX(%rbx), HV_CPUID_SIG_EDX, \
		"GHCB CPUID: EDX is mlab"

	/* OUT 8-bit: 5Ah into the device's data register. */
	REQ	SVM_EXIT_IOIO, IOIO(HV_DEV_DATA, SVM_EXITINFO1_IOIO_SZ8), 0
	GHCB_SET %rbx, GHCB_RAX, 0x5a
	SEND
	ANSWER	vmgexit.out8, "GHCB OUT 8-bit", GHCB_RESP_OK, 0, \
		0, GHCB_V_ANSWER_HI

	/* IN 8-bit of it: only AL may change. */
	REQ	SVM_EXIT_IOIO, IOIO_IN(HV_DEV_DATA, SVM_EXITINFO1_IOIO_SZ8), 0
	GHCB_SET %rbx, GHCB_RAX, 0x1122334455667788
	SEND
	ANSWER	vmgexit.in8, "GHCB IN 8-bit", GHCB_RESP_OK, 0, \
		GHCB_V_RAX_LO, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.in8", GHCB_RAX(%rbx), 0x112233445566775a, \
		"GHCB IN 8-bit: AL is the byte written, the rest of RAX kept"

	/* IN 16-bit of the ID register: only AX. */
	REQ	SVM_EXIT_IOIO, IOIO_IN(HV_DEV_ID, SVM_EXITINFO1_IOIO_SZ16), 0
	GHCB_SET %rbx, GHCB_RAX, 0x1122334455667788
	SEND
	ANSWER	vmgexit.in16, "GHCB IN 16-bit", GHCB_RESP_OK, 0, \
		GHCB_V_RAX_LO, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.in16", GHCB_RAX(%rbx), \
		(0x1122334455660000 | (HV_DEV_ID_VALUE & 0xffff)), \
		"GHCB IN 16-bit: AX is the ID low half, the rest of RAX kept"

	/* IN 32-bit of the ID register: zero-extended into RAX. */
	REQ	SVM_EXIT_IOIO, IOIO_IN(HV_DEV_ID, SVM_EXITINFO1_IOIO_SZ32), 0
	GHCB_SET %rbx, GHCB_RAX, 0xffffffffffffffff
	SEND
	ANSWER	vmgexit.in32, "GHCB IN 32-bit", GHCB_RESP_OK, 0, \
		GHCB_V_RAX_LO, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.in32", GHCB_RAX(%rbx), HV_DEV_ID_VALUE, \
		"GHCB IN 32-bit: EAX is the ID, zero-extended"

	/* WRMSR HV_MSR_SCRATCH: EXITINFO1 = 1, RCX, RAX, RDX. */
	REQ	SVM_EXIT_MSR, 1, 0
	GHCB_SET %rbx, GHCB_RCX, HV_MSR_SCRATCH
	GHCB_SET %rbx, GHCB_RAX, SCRATCH_VALUE & 0xffffffff
	GHCB_SET %rbx, GHCB_RDX, SCRATCH_VALUE >> 32
	SEND
	ANSWER	vmgexit.wrmsr, "GHCB WRMSR scratch", GHCB_RESP_OK, 0, \
		0, GHCB_V_ANSWER_HI

	/* RDMSR HV_MSR_SCRATCH: EXITINFO1 = 0, RCX; RAX, RDX back. */
	REQ	SVM_EXIT_MSR, 0, 0
	GHCB_SET %rbx, GHCB_RCX, HV_MSR_SCRATCH
	SEND
	ANSWER	vmgexit.rdmsr, "GHCB RDMSR scratch", GHCB_RESP_OK, 0, \
		GHCB_V_RAX_LO, GHCB_V_ANSWER_HI | GHCB_V_RDX_HI
	EXPECT	"vmgexit.rdmsr.rax", GHCB_RAX(%rbx), \
		SCRATCH_VALUE & 0xffffffff, \
		"GHCB RDMSR scratch: RAX is the low half written"
	EXPECT	"vmgexit.rdmsr.rdx", GHCB_RDX(%rbx), SCRATCH_VALUE >> 32, \
		"GHCB RDMSR scratch: RDX is the high half written"

	/* RDMSR VM_HSAVE_PA: the guest may not; #GP(0) for it to take. */
	REQ	SVM_EXIT_MSR, 0, 0
	GHCB_SET %rbx, GHCB_RCX, MSR_VM_HSAVE_PA
	SEND
	ANSWER	vmgexit.rdmsr_hsave, "GHCB RDMSR VM_HSAVE_PA", \
		GHCB_RESP_EXCEPTION, GP0_EVENT, 0, GHCB_V_ANSWER_HI

	/* MMIO write: 8 bytes from the shared buffer to DATA. */
	movabs	$MMIO_VALUE, %rax
	mov	%rax, GHCB_SHARED_BUFFER(%rbx)
	REQ	GHCB_EXIT_MMIO_WRITE, HV_MMIO_BASE + HV_MMIO_DATA, 8
	lea	GHCB_SHARED_BUFFER(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	ANSWER	vmgexit.mmio_write, "GHCB MMIO write DATA", GHCB_RESP_OK, 0, \
		0, GHCB_V_ANSWER_HI

	/* MMIO read: DATA back, 8 bytes further in the buffer. */
	movq	$0, GHCB_SHARED_BUFFER + 8(%rbx)
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + HV_MMIO_DATA, 8
	lea	GHCB_SHARED_BUFFER + 8(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	ANSWER	vmgexit.mmio_read, "GHCB MMIO read DATA", GHCB_RESP_OK, 0, \
		0, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.mmio_read.data", GHCB_SHARED_BUFFER + 8(%rbx), \
		MMIO_VALUE, "GHCB MMIO read DATA: the 8 bytes written"

	/* MMIO read of ID, 8 bytes. */
	movq	$0, GHCB_SHARED_BUFFER + 16(%rbx)
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + HV_MMIO_ID, 8
	lea	GHCB_SHARED_BUFFER + 16(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	ANSWER	vmgexit.mmio_id, "GHCB MMIO read ID", GHCB_RESP_OK, 0, \
		0, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.mmio_id.data", GHCB_SHARED_BUFFER + 16(%rbx), \
		HV_MMIO_ID_VALUE, "GHCB MMIO read ID: SVMLMMIO"

	/* ...and 2 bytes: only those 2 bytes of the buffer change. */
	movq	$-1, GHCB_SHARED_BUFFER + 24(%rbx)
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + HV_MMIO_ID, 2
	lea	GHCB_SHARED_BUFFER + 24(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	ANSWER	vmgexit.mmio_id2, "GHCB MMIO read 2 bytes", GHCB_RESP_OK, 0, \
		0, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.mmio_id2.data", GHCB_SHARED_BUFFER + 24(%rbx), \
		(0xffffffffffff0000 | (HV_MMIO_ID_VALUE & 0xffff)), \
		"GHCB MMIO read 2 bytes: 2 bytes written, the rest kept"

	/*
	 * VMMCALL through the GHCB: the lab's HC_REPORT with RDI = key,
	 * RSI = value, and CPL (1 byte at 0CBh, its quadword's bit 25),
	 * which the hypervisor needs as a hypercall is for CPL 0 only.
	 */
	REQ	SVM_EXIT_VMMCALL, 0, 0, decoy=0
	GHCB_SET %rbx, GHCB_RAX, HC_REPORT
	lea	key_via_ghcb(%rip), %rax
	GHCB_SETR %rbx, GHCB_RDI, %rax
	GHCB_SET %rbx, GHCB_RSI, 0x600d
	movb	$0, GHCB_CPL(%rbx)
	GHCB_MARK %rbx, GHCB_CPL
	SEND
	ANSWER	vmgexit.vmmcall, "GHCB VMMCALL", GHCB_RESP_OK, 0, \
		GHCB_V_RAX_LO, GHCB_V_ANSWER_HI
	EXPECT	"vmgexit.vmmcall.rax", GHCB_RAX(%rbx), HC_OK, \
		"GHCB VMMCALL: the hypercall returned HC_OK"

	/* RDTSC is not a GHCB request: 2 / INVALID_EVENT. */
	REQ	SVM_EXIT_RDTSC, 0, 0
	SEND
	ANSWER	vmgexit.rdtsc, "GHCB RDTSC request", GHCB_RESP_MALFORMED, \
		GHCB_ERR_INVALID_EVENT, 0, GHCB_V_ANSWER_HI

	pop	%r12
	pop	%rbx
	ret

	.section .rodata
key_via_ghcb:	.asciz	"vmgexit.via_ghcb"

	GHCB_RUNTIME
