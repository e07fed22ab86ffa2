/*
 * ghcb_vc.S - chapter 15: a model SEV-ES guest and its #VC handler.
 *
 * In an SEV-ES guest the hypervisor cannot read or write the guest's
 * registers: they live encrypted in the VMSA.  So an exit that needs
 * them, CPUID, IN/OUT, RDMSR/WRMSR, VMMCALL, is not taken to the
 * hypervisor at all: the processor raises #VC (vector 29) in the guest
 * instead, with the exit code as error code and RIP at the instruction
 * (APM2 §8.2 and §15.35.5 "#VC Exception"; §15.35 "Encrypted State
 * (SEV-ES)"; GHCB specification, AMD pub. 56421).  The guest's handler does what the
 * hypervisor used to do for it: it decodes the instruction, copies only
 * what the request needs into the GHCB, makes the request with VMGEXIT,
 * copies the results back into the interrupted registers and steps
 * over the instruction.  The guest decides what it discloses: for an IN
 * the hypervisor never sees RAX, and the handler itself keeps the bytes
 * an 8- or 16-bit IN must not change.
 *
 * svmlab models this on an unencrypted guest (GUEST_SEV_ES): the
 * hypervisor injects the #VC, and reads the guest's state only through
 * the GHCB.  Only VMGEXIT reaches it directly, and the GHCB MSR never
 * raises #VC (the handler needs it).  Even the lab's hypercalls (REPORT,
 * PASS, FAIL, the runtime's final HC_DONE) arrive here as #VC(81h) and
 * go out as GHCB VMMCALL requests.  So the handler never reports
 * anything itself (that would nest a #VC in the #VC): it counts what
 * went wrong, and the main code reports it.  A #VC it cannot handle, or
 * a hypercall the GHCB cannot carry, leaves it no way to say so but the
 * termination request (MSR protocol 100h, reason set 1, code 01h or
 * 02h): the hypervisor stops the guest with that reason.
 *
 * The handler decodes:
 *   7Bh IOIO    [66] E4/E5 ib, E6/E7 ib (port imm8), EC/ED/EE/EF (port DX)
 *               -> EXITINFO1 = port << 16 | SZ8/16/32 | A64 | IN
 *   72h CPUID   0F A2: EAX, ECX in; EAX..EDX back, zero-extended
 *   7Ch MSR     0F 32 RDMSR (EXITINFO1 0): ECX in; EAX, EDX back
 *               0F 30 WRMSR (EXITINFO1 1): ECX, EAX, EDX in
 *   81h VMMCALL 0F 01 D9: RAX, RDI, RSI and CPL in; RAX back
 *
 * The main code runs nine instructions that each end in one #VC (five
 * IN/OUT, one CPUID, three RDMSR/WRMSR) and checks their results.
 *
 * Reports: vc.in8, vc.in16, vc.in32, vc.in_imm8, vc.cpuid.eax/ebx/ecx/
 * edx, vc.msr_id, vc.msr_id_rdx, vc.scratch, vc.vmmcall.per_report,
 * vc.count (the nine), vc.count.ioio, vc.count.cpuid, vc.count.msr,
 * vc.count.vmmcall (the hypercalls so far), vc.problems; and when there
 * were problems, vc.problem.code/info1/info2 of the last one.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_SEV_ES

#define HV_LEAF         0x40000000
#define PRESET          0x1122334455667788
#define SCRATCH_VALUE   0x0badc0de76543210
#define CANARY          0x5555666677778888
/* A port nothing answers on: reads all ones (chapter 7). */
#define PORT_NONE       0x99
/* The #VCs the main code's nine instructions cause. */
#define VC_IOIO         5
#define VC_CPUID        1
#define VC_MSR          3

/* Termination reasons (set 1, the guest's own) when the handler is stuck. */
#define TERM_SET        1
#define TERM_CANNOT     0x01    /* a #VC it cannot decode or handle */
#define TERM_HYPERCALL  0x02    /* a hypercall the GHCB did not carry */

/* The handler's frame: the GPRs it pushes, then the processor's. */
#define F_RAX   0
#define F_RBX   8
#define F_RCX   16
#define F_RDX   24
#define F_RSI   32
#define F_RDI   40
#define F_ERR   120                     /* the error code: exit code */
#define F_RIP   128
#define F_CS    136

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* First of all: from here on, even a REPORT is a #VC. */
	SET_GATE GHCB_VC_VECTOR, vc_handler

	/* Register the GHCB (MSR protocol 012h): no #VC for this MSR. */
	lea	ghcb_page(%rip), %rbx
	GHCB_REGISTER %rbx
	VERDICT_S e, "#VC guest: my GHCB is registered", \
		"#VC guest: registering my GHCB failed"

	/* A REPORT is one hypercall, so one #VC. */
	mov	vc_count_vmmcall(%rip), %r12
	REPORT_S "vc.count.vmmcall", %r12
	mov	vc_count_vmmcall(%rip), %r13
	sub	%r12, %r13
	EXPECT	"vc.vmmcall.per_report", %r13, 1, \
		"#VC: one for a REPORT, forwarded as a GHCB VMMCALL"

	/* OUT 3Ch to the data register, IN it back into a full RAX. */
	mov	$HV_DEV_DATA, %edx
	mov	$0x3c, %eax
	IO	vc_out8, out %al, (%dx)
	movabs	$PRESET, %rax
	IO	vc_in8, in (%dx), %al
	mov	%rax, %r12
	EXPECT	"vc.in8", %r12, (PRESET & ~0xff) | 0x3c, \
		"#VC IN 8-bit: AL is the byte written, the rest of RAX kept"

	/* IN 16-bit (66 ED): only AX; RCX and RDX kept by the handler. */
	mov	$HV_DEV_ID, %edx
	movabs	$CANARY, %rcx
	movabs	$PRESET, %rax
	IO	vc_in16, in (%dx), %ax
	mov	%rax, %r12
	mov	%rcx, %r13
	mov	%rdx, %r14
	EXPECT	"vc.in16", %r12, \
		(PRESET & ~0xffff) | (HV_DEV_ID_VALUE & 0xffff), \
		"#VC IN 16-bit: AX is the ID low half, the rest of RAX kept"
	movabs	$CANARY, %rax
	cmp	%rax, %r13
	jne	1f
	cmp	$HV_DEV_ID, %r14
1:	VERDICT_S e, "#VC: the handler kept RCX and RDX", \
		"#VC: the handler changed RCX or RDX"

	/* IN 32-bit (ED): zero-extends. */
	mov	$HV_DEV_ID, %edx
	mov	$-1, %rax
	IO	vc_in32, in (%dx), %eax
	mov	%rax, %r12
	EXPECT	"vc.in32", %r12, HV_DEV_ID_VALUE, \
		"#VC IN 32-bit: EAX is the ID, RAX upper half cleared"

	/* IN with an immediate port (E4 ib): nothing there, all ones. */
	xor	%eax, %eax
	IO	vc_in_imm8, in $PORT_NONE, %al
	mov	%rax, %r12
	EXPECT	"vc.in_imm8", %r12, 0xff, \
		"#VC IN 8-bit, immediate port: an empty port reads FFh"

	/* CPUID 4000_0000h; RBX, RDX preset so zero-extension shows. */
	mov	$HV_LEAF, %eax
	xor	%ecx, %ecx
	mov	$-1, %rbx
	mov	$-1, %rdx
	IO	vc_cpuid, cpuid
	mov	%rax, %r12
	mov	%rbx, %r13
	mov	%rcx, %r14
	mov	%rdx, %r15
	EXPECT	"vc.cpuid.eax", %r12, HV_CPUID_LEAF_MAX, \
		"#VC CPUID: EAX is the highest hypervisor leaf"
	EXPECT	"vc.cpuid.ebx", %r13, HV_CPUID_SIG_EBX, "#VC CPUID: EBX is svml"
	EXPECT	"vc.cpuid.ecx", %r14, HV_CPUID_SIG_ECX, "#VC CPUID: ECX is absv"
	EXPECT	"vc.cpuid.edx", %r15, HV_CPUID_SIG_EDX, "#VC CPUID: EDX is mlab"

	/* RDMSR of the read-only ID MSR: EDX:EAX, upper halves cleared. */
	mov	$HV_MSR_ID, %ecx
	mov	$-1, %rax
	mov	$-1, %rdx
	IO	vc_rdmsr_id, rdmsr
	mov	%rdx, %r13
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %r12
	EXPECT	"vc.msr_id", %r12, HV_MSR_ID_VALUE, \
		"#VC RDMSR: EDX:EAX is the ID MSR, RAX upper half cleared"
	EXPECT	"vc.msr_id_rdx", %r13, HV_MSR_ID_VALUE >> 32, \
		"#VC RDMSR: RDX is the high half, upper half cleared"

	/* WRMSR then RDMSR of the scratch MSR: a round trip. */
	mov	$HV_MSR_SCRATCH, %ecx
	mov	$SCRATCH_VALUE & 0xffffffff, %eax
	mov	$SCRATCH_VALUE >> 32, %edx
	IO	vc_wrmsr, wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	mov	$HV_MSR_SCRATCH, %ecx
	IO	vc_rdmsr, rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %r12
	EXPECT	"vc.scratch", %r12, SCRATCH_VALUE, \
		"#VC WRMSR/RDMSR: the scratch MSR reads back the value"

	EXPECT	"vc.count", vc_count(%rip), VC_IOIO + VC_CPUID + VC_MSR, \
		"#VC: one for each of the nine instructions"
	EXPECT	"vc.count.ioio", vc_count_ioio(%rip), VC_IOIO, \
		"#VC: five for IN/OUT"
	EXPECT	"vc.count.cpuid", vc_count_cpuid(%rip), VC_CPUID, \
		"#VC: one for CPUID"
	EXPECT	"vc.count.msr", vc_count_msr(%rip), VC_MSR, \
		"#VC: three for RDMSR/WRMSR"

	/* What the handler could not do (it cannot report it itself). */
	mov	vc_problems(%rip), %r12
	EXPECT	"vc.problems", %r12, 0, \
		"#VC: the hypervisor did every request of the handler"
	test	%r12, %r12
	jz	2f
	REPORT_S "vc.problem.code", vc_problem_code(%rip)
	REPORT_S "vc.problem.info1", vc_problem_info1(%rip)
	REPORT_S "vc.problem.info2", vc_problem_info2(%rip)
2:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

/*
 * The #VC handler.  Frame on entry: [RSP] error code (the exit code),
 * then RIP, CS, RFLAGS, RSP, SS.  Every GPR is saved below it, so the
 * results can be written into the interrupted registers (F_RAX ...).
 * While it runs: RBP = the frame, RBX = the GHCB, R12 = the
 * instruction's address, R13 = its length, R14 = the IOIO EXITINFO1.
 * It must cause no #VC itself: no REPORT, PASS, FAIL or CPUID here;
 * the GHCB MSR and VMGEXIT are all it uses.
 */
vc_handler:
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%r11
	push	%r10
	push	%r9
	push	%r8
	push	%rbp
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rbx
	push	%rax
	mov	%rsp, %rbp
	lea	ghcb_page(%rip), %rbx
	mov	F_RIP(%rbp), %r12
	GHCB_BEGIN %rbx
	mov	F_ERR(%rbp), %rax
	cmp	$SVM_EXIT_VMMCALL, %rax
	je	vch_vmmcall
	incq	vc_count(%rip)
	cmp	$SVM_EXIT_IOIO, %rax
	je	vch_ioio
	cmp	$SVM_EXIT_CPUID, %rax
	je	vch_cpuid
	cmp	$SVM_EXIT_MSR, %rax
	je	vch_msr
	jmp	vc_cannot                       /* no other #VC expected */

/* IN/OUT: decode prefix, opcode and port; size and direction. */
vch_ioio:
	incq	vc_count_ioio(%rip)
	xor	%r13d, %r13d
	mov	$SVM_EXITINFO1_IOIO_SZ32, %r14d
	movzbl	(%r12), %eax
	cmp	$0x66, %al                      /* operand size 16 */
	jne	1f
	mov	$SVM_EXITINFO1_IOIO_SZ16, %r14d
	inc	%r13d
	movzbl	1(%r12), %eax
1:	inc	%r13d                           /* the opcode */
	mov	%eax, %ecx
	and	$0xf4, %ecx                     /* E4-E7 and EC-EF only */
	cmp	$0xe4, %ecx
	jne	vc_cannot
	test	$1, %al                         /* even opcodes: a byte */
	jnz	2f
	mov	$SVM_EXITINFO1_IOIO_SZ8, %r14d
2:	test	$2, %al                         /* E6 E7 EE EF: OUT */
	jnz	3f
	or	$SVM_EXITINFO1_IOIO_IN, %r14d
3:	test	$8, %al                         /* EC-EF: the port is DX */
	jz	4f
	movzwl	F_RDX(%rbp), %ecx
	jmp	5f
4:	movzbl	(%r12,%r13), %ecx               /* E4-E7: imm8 */
	inc	%r13d
5:	shl	$SVM_EXITINFO1_IOIO_PORT_SHIFT, %rcx
	or	%rcx, %r14
	or	$SVM_EXITINFO1_IOIO_A64, %r14
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, SVM_EXIT_IOIO
	GHCB_SETR %rbx, GHCB_SW_EXIT_INFO1, %r14
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, 0
	test	$SVM_EXITINFO1_IOIO_IN, %r14d
	jnz	6f
	mov	F_RAX(%rbp), %rax               /* OUT: the value, only then */
	GHCB_SETR %rbx, GHCB_RAX, %rax
6:	call	vc_send
	jnz	vc_next
	test	$SVM_EXITINFO1_IOIO_IN, %r14d
	jz	vc_next
	GHCB_TEST %rbx, GHCB_RAX
	jz	vc_no_result
	mov	GHCB_RAX(%rbx), %rax
	test	$SVM_EXITINFO1_IOIO_SZ32, %r14d
	jz	7f
	mov	%eax, %eax                      /* 32-bit: zero-extends */
	mov	%rax, F_RAX(%rbp)
	jmp	vc_next
7:	mov	$0xff, %ecx
	test	$SVM_EXITINFO1_IOIO_SZ8, %r14d
	jnz	8f
	mov	$0xffff, %ecx
8:	and	%rcx, %rax                      /* the bytes IN wrote... */
	not	%rcx
	and	F_RAX(%rbp), %rcx               /* ...and the ones it kept */
	or	%rcx, %rax
	mov	%rax, F_RAX(%rbp)
	jmp	vc_next

/* CPUID (0F A2): function in EAX, subfunction in ECX. */
vch_cpuid:
	incq	vc_count_cpuid(%rip)
	cmpw	$0xa20f, (%r12)
	jne	vc_cannot
	mov	$2, %r13d
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, SVM_EXIT_CPUID
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, 0
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, 0
	mov	F_RAX(%rbp), %eax
	GHCB_SETR %rbx, GHCB_RAX, %rax
	mov	F_RCX(%rbp), %eax
	GHCB_SETR %rbx, GHCB_RCX, %rax
	call	vc_send
	jnz	vc_next
	GHCB_TEST %rbx, GHCB_RAX
	jz	vc_no_result
	GHCB_TEST %rbx, GHCB_RBX
	jz	vc_no_result
	GHCB_TEST %rbx, GHCB_RCX
	jz	vc_no_result
	GHCB_TEST %rbx, GHCB_RDX
	jz	vc_no_result
	mov	GHCB_RAX(%rbx), %eax            /* 32-bit: zero-extended */
	mov	%rax, F_RAX(%rbp)
	mov	GHCB_RBX(%rbx), %eax
	mov	%rax, F_RBX(%rbp)
	mov	GHCB_RCX(%rbx), %eax
	mov	%rax, F_RCX(%rbp)
	mov	GHCB_RDX(%rbx), %eax
	mov	%rax, F_RDX(%rbp)
	jmp	vc_next

/* RDMSR (0F 32) and WRMSR (0F 30): the MSR in ECX. */
vch_msr:
	incq	vc_count_msr(%rip)
	mov	$2, %r13d
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, SVM_EXIT_MSR
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, 0
	mov	F_RCX(%rbp), %eax
	GHCB_SETR %rbx, GHCB_RCX, %rax
	cmpw	$0x320f, (%r12)
	je	1f
	cmpw	$0x300f, (%r12)
	jne	vc_cannot
	/* WRMSR: EXITINFO1 = 1, the value in EDX:EAX. */
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, 1
	mov	F_RAX(%rbp), %eax
	GHCB_SETR %rbx, GHCB_RAX, %rax
	mov	F_RDX(%rbp), %eax
	GHCB_SETR %rbx, GHCB_RDX, %rax
	call	vc_send
	jmp	vc_next
	/* RDMSR: EXITINFO1 = 0; EAX and EDX back, zero-extended. */
1:	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, 0
	call	vc_send
	jnz	vc_next
	GHCB_TEST %rbx, GHCB_RAX
	jz	vc_no_result
	GHCB_TEST %rbx, GHCB_RDX
	jz	vc_no_result
	mov	GHCB_RAX(%rbx), %eax
	mov	%rax, F_RAX(%rbp)
	mov	GHCB_RDX(%rbx), %eax
	mov	%rax, F_RDX(%rbp)
	jmp	vc_next

/*
 * VMMCALL (0F 01 D9): the lab's hypercall, forwarded whole.  CPL is
 * that of the code the #VC interrupted: the RPL of its CS in the frame.
 * HC_DONE does not come back: the hypervisor ends the guest.
 */
vch_vmmcall:
	incq	vc_count_vmmcall(%rip)
	cmpw	$0x010f, (%r12)
	jne	vc_cannot
	cmpb	$0xd9, 2(%r12)
	jne	vc_cannot
	mov	$3, %r13d
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, SVM_EXIT_VMMCALL
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, 0
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, 0
	mov	F_RAX(%rbp), %rax
	GHCB_SETR %rbx, GHCB_RAX, %rax
	mov	F_RDI(%rbp), %rax
	GHCB_SETR %rbx, GHCB_RDI, %rax
	mov	F_RSI(%rbp), %rax
	GHCB_SETR %rbx, GHCB_RSI, %rax
	movzwl	F_CS(%rbp), %eax
	and	$3, %eax
	mov	%al, GHCB_CPL(%rbx)
	GHCB_MARK %rbx, GHCB_CPL
	mov	%rbx, %rdi
	call	ghcb_call
	test	%rax, %rax
	jnz	1f
	GHCB_TEST %rbx, GHCB_RAX
	jz	1f
	mov	GHCB_RAX(%rbx), %rax
	mov	%rax, F_RAX(%rbp)
	jmp	vc_next
	/* The guest cannot even report now: ask to be stopped. */
1:	mov	$TERM_HYPERCALL, %edi
	jmp	vc_terminate

/*
 * VMGEXIT with the GHCB at RBX.  ZF = 1 if the hypervisor did it
 * (SW_EXITINFO1 = 0); else the answer is recorded for the main code
 * and ZF = 0: the handler skips the instruction without a result.
 */
vc_send:
	mov	%rbx, %rdi
	call	ghcb_call
	test	%rax, %rax
	jz	1f
	call	vc_record
	or	$1, %eax                        /* ZF = 0 */
1:	ret

/* An answer without a result register marked valid. */
vc_no_result:
	call	vc_record
	/* fall through: step over the instruction anyway */

/* Step over the instruction, restore the registers, drop the error code. */
vc_next:
	add	%r13, F_RIP(%rbp)
	pop	%rax
	pop	%rbx
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
	pop	%rbp
	pop	%r8
	pop	%r9
	pop	%r10
	pop	%r11
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	add	$8, %rsp
	iretq

/* Count a problem and keep the last one's exit code and answer. */
vc_record:
	incq	vc_problems(%rip)
	mov	F_ERR(%rbp), %rax
	mov	%rax, vc_problem_code(%rip)
	mov	GHCB_SW_EXIT_INFO1(%rbx), %rax
	mov	%rax, vc_problem_info1(%rip)
	mov	GHCB_SW_EXIT_INFO2(%rbx), %rax
	mov	%rax, vc_problem_info2(%rip)
	ret

/* A #VC the handler cannot step over. */
vc_cannot:
	mov	$TERM_CANNOT, %edi
/* Termination request (MSR protocol 100h), reason code EDI, set 1. */
vc_terminate:
	shl	$GHCB_MSR_TERM_CODE_SHIFT, %rdi
	or	$(TERM_SET << GHCB_MSR_TERM_SET_SHIFT) | GHCB_MSR_TERM_REQ, %rdi
	call	ghcb_msr
	ud2                                     /* never comes back */

	.data
	.balign	8
vc_count:		.quad	0       /* all but VMMCALL */
vc_count_ioio:		.quad	0
vc_count_cpuid:		.quad	0
vc_count_msr:		.quad	0
vc_count_vmmcall:	.quad	0
vc_problems:		.quad	0
vc_problem_code:	.quad	0
vc_problem_info1:	.quad	0
vc_problem_info2:	.quad	0

	GHCB_RUNTIME
