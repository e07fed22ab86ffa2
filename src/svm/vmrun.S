/*
 * vmrun.S - the world switch (APM2 §15.5 "VMRUN Instruction", §15.5.2
 * "VMSAVE and VMLOAD Instructions", §15.17 "Global Interrupt Flag").
 *
 * void svm_world_switch(struct guest_regs *regs, hpa_t vmcb_pa,
 *                       hpa_t host_pa)
 *
 * What VMRUN does by itself: it saves the host's RIP, RSP, RAX, RFLAGS,
 * CR0/CR3/CR4, EFER, GDTR/IDTR and ES/CS/SS/DS to the host save area
 * (VM_HSAVE_PA) and loads the guest's from the VMCB; #VMEXIT does the
 * reverse.  What it leaves to us:
 *   - the other 14 GPRs: loaded from *regs before VMRUN and stored back
 *     after #VMEXIT;
 *   - the "hidden" state of FS, GS, TR, LDTR and the SYSCALL/SYSENTER/
 *     KernelGsBase MSRs: VMLOAD loads the guest's from the VMCB, VMSAVE
 *     stores it back, and the host's own copy is kept at host_pa.  The
 *     host needs its TR back: its TSS holds the IST stacks that #DF,
 *     NMI and #MC run on.
 *
 * Why CLGI/STGI around all of it: with GIF clear, the processor holds
 * interrupts, NMIs and SMIs until STGI (APM2 §15.17).  Between VMLOAD
 * and VMRUN, and between #VMEXIT and the host's VMLOAD, the host runs
 * with the guest's TR and segment state loaded; an NMI taken there
 * would use the guest's TSS.  VMRUN sets GIF for the guest and #VMEXIT
 * clears it again, so the host sees no event until the final STGI.
 */
#include "asm-offsets.h"
#include "kernel/lab.h"

	.text
	.code64
	.globl	svm_world_switch
	.type	svm_world_switch, @function
svm_world_switch:
	/* The SysV callee-saved registers: the guest will clobber them. */
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi                    /* 8(%rsp): regs, after VMRUN */
	push	%rdx                    /* 0(%rsp): host_pa */

	/* LAB 4 BEGIN svm_world_switch: the world switch around VMRUN */
	clgi
	sti                     /* held by GIF = 0; not next to VMRUN */
	mov	%rdx, %rax
	vmsave	%rax                    /* host FS/GS/TR/LDTR and MSRs */

	mov	%rsi, %rax              /* RAX = VMCB physical address */
	mov	GREGS_RBX(%rdi), %rbx
	mov	GREGS_RCX(%rdi), %rcx
	mov	GREGS_RDX(%rdi), %rdx
	mov	GREGS_RSI(%rdi), %rsi
	mov	GREGS_RBP(%rdi), %rbp
	mov	GREGS_R8(%rdi), %r8
	mov	GREGS_R9(%rdi), %r9
	mov	GREGS_R10(%rdi), %r10
	mov	GREGS_R11(%rdi), %r11
	mov	GREGS_R12(%rdi), %r12
	mov	GREGS_R13(%rdi), %r13
	mov	GREGS_R14(%rdi), %r14
	mov	GREGS_R15(%rdi), %r15
	mov	GREGS_RDI(%rdi), %rdi   /* last: it held the pointer */

	vmload	%rax
	vmrun	%rax                    /* the guest runs until #VMEXIT */
	/*
	 * Bochs 2.7 may deliver a single-step trap that the guest had
	 * pending (its RFLAGS.TF, and an instruction that exited) to the
	 * host, right here after #VMEXIT.  Not the host's: the fix-up table
	 * (trap.c: extable_fixup) resumes the #DB where it hit (chapter 17,
	 * guests/fuzz_regress_tf.S).  VMSAVE itself cannot fault here.
	 */
9:	vmsave	%rax
	.pushsection .extable, "a"
	.quad	9b, 9b
	.popsection

	/* RAX and RSP are the host's again; all else is the guest's. */
	push	%rdi                    /* the guest's RDI */
	mov	16(%rsp), %rdi          /* regs */
	mov	%rbx, GREGS_RBX(%rdi)
	mov	%rcx, GREGS_RCX(%rdi)
	mov	%rdx, GREGS_RDX(%rdi)
	mov	%rsi, GREGS_RSI(%rdi)
	mov	%rbp, GREGS_RBP(%rdi)
	mov	%r8, GREGS_R8(%rdi)
	mov	%r9, GREGS_R9(%rdi)
	mov	%r10, GREGS_R10(%rdi)
	mov	%r11, GREGS_R11(%rdi)
	mov	%r12, GREGS_R12(%rdi)
	mov	%r13, GREGS_R13(%rdi)
	mov	%r14, GREGS_R14(%rdi)
	mov	%r15, GREGS_R15(%rdi)
	pop	%rax
	mov	%rax, GREGS_RDI(%rdi)

	mov	(%rsp), %rax            /* host_pa */
	vmload	%rax                    /* the host's TR, FS, GS, ... */
	stgi                            /* a pending IRQ is taken here */
	/* LAB 4 END */
	cli

	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size	svm_world_switch, . - svm_world_switch
