/*
 * hostile_efer.S - chapter 17: a guest tries to turn SVM off under the
 * hypervisor's feet by clearing EFER.SVME.
 *
 * VMRUN refuses a guest whose EFER lacks SVME (APM2 §15.5.1, "EFER.SVME
 * is zero": VMEXIT_INVALID), so a hypervisor that let a guest's WRMSR
 * reach the VMCB's EFER unchecked would lose the guest at the next
 * VMRUN, and one that let it reach the host's EFER would lose SVM
 * itself: the next VMRUN would raise #UD in the host.  Chapter 6's
 * answer: EFER is intercepted both ways (src/svm/msr.c: write_efer),
 * the guest sees a shadow without SVME, and the VMCB keeps SVME
 * whatever the guest writes.
 *
 * The guest writes its EFER with SVME clear three ways (what it read,
 * that value with bit 12 cleared explicitly, and with NXE toggled on
 * top), then makes ten exits in a row: had SVME gone from the VMCB, the
 * first VMRUN after the WRMSR would have failed.  Writing EFER = 0
 * (LME and LMA cleared while paging is on) must raise #GP(0) and change
 * nothing.  The chapter checks the VMCB's EFER after the guest, and the
 * host's (src/course/ch17_hardening.c: contained).
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define MSR_EFER        0xc0000080
#define EFER_SVME       (1 << 12)
#define EFER_NXE        (1 << 11)

/* EDX:EAX = \reg, ECX = EFER, WRMSR at label \at. */
.macro WRITE_EFER reg, at
	mov	\reg, %rax
	mov	\reg, %rdx
	shr	$32, %rdx
	mov	$MSR_EFER, %ecx
GUEST_LABEL(\at)
	wrmsr
.endm

/* \reg = EFER. */
.macro READ_EFER reg
	mov	$MSR_EFER, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, \reg
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	READ_EFER %r12
	REPORT_S "efer.before", %r12
	mov	%r12, %rax
	and	$EFER_SVME, %eax
	VERDICT_S z, "EFER reads without SVME: SVM is hidden", \
		"EFER shows SVME to the guest"

	/* 1. What it read: SVME is already clear in the guest's view. */
	WRITE_EFER %r12, wr_as_read
	/* 2. SVME cleared on purpose. */
	mov	%r12, %r13
	and	$~EFER_SVME, %r13
	WRITE_EFER %r13, wr_svme_clear
	/* 3. And NXE toggled with it, then back. */
	xor	$EFER_NXE, %r13
	WRITE_EFER %r13, wr_nxe
	xor	$EFER_NXE, %r13
	WRITE_EFER %r13, wr_nxe_back

	/* Ten exits: each one is a VMRUN that needs SVME in the VMCB. */
	xor	%ebx, %ebx
1:	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	cmp	$HV_CPUID_SIG_EBX, %ebx
	jne	2f
	xor	%ebx, %ebx
	incl	exits_ok(%rip)
	cmpl	$10, exits_ok(%rip)
	jb	1b
2:	mov	exits_ok(%rip), %ebx
	EXPECT	"efer.exits_after", %rbx, 10, \
		"ten exits after clearing SVME: every VMRUN worked"

	/* 4. EFER = 0: LME/LMA off with paging on, #GP(0) (APM2 §14.6). */
	CATCH	3f
	xor	%ebx, %ebx
	WRITE_EFER %rbx, wr_zero
	movq	$0, rt_resume(%rip)
3:	CAUGHT_AT wr_zero, 1, 13, 0
	mov	%rax, %rbx
	EXPECT	"efer.zero_gp", %rbx, 1, \
		"EFER = 0 raised #GP(0) at the WRMSR"

	READ_EFER %rbx
	REPORT_S "efer.after", %rbx
	cmp	%r12, %rbx
	VERDICT_S e, "EFER still reads what it read first", \
		"EFER changed after the refused write"
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.data
exits_ok:	.long	0
