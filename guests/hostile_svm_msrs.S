/*
 * hostile_svm_msrs.S - chapter 17: a guest reaches for the MSRs that
 * control SVM itself.
 *
 * VM_HSAVE_PA (C001_0117h) holds the physical address where VMRUN saves
 * the host's state and #VMEXIT reloads it from (APM2 §15.30.4): a guest
 * that could point it at memory of its own would take over the host at
 * the next #VMEXIT.  VM_CR (C001_0114h) can disable SVM (SVMDIS, bit 4)
 * and lock that choice (LOCK, bit 3) until reset (APM2 §15.30.1).  The
 * hypervisor intercepts every MSR of the permission map's ranges and
 * answers these, as a processor without SVM would (CPUID says so to the
 * guest), with #GP(0) (src/svm/msr.c: msr_emulate).  The same for two
 * other MSRs that would take the host down: APIC_BASE (1Bh: moving or
 * disabling the local APIC would stop the watchdog's timer) and SYSCFG
 * (C001_0010h: memory-type and memory-encryption controls).
 *
 * Each access runs under CATCH and must fault with #GP(0) at its own
 * RDMSR or WRMSR: the guest counts the faults it saw where it expected
 * them.  The chapter then compares the host's VM_HSAVE_PA, VM_CR and
 * APIC base with what they were before.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define MSR_VM_CR       0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define MSR_SYSCFG      0xc0010010
#define MSR_APIC_BASE   0x1b
#define VM_CR_LOCK_DIS  0x18            /* LOCK and SVMDIS */

/*
 * One access that must raise #GP(0): RDMSR (\write = 0) or WRMSR of
 * \value to \msr at label \at.  R12 counts the #GP(0)s seen at \at.
 */
.macro MUST_GP msr, write, value, at
	CATCH	9f
	mov	$\msr, %ecx
	movabs	$\value, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
GUEST_LABEL(\at)
	.if	\write
	wrmsr
	.else
	rdmsr
	.endif
	movq	$0, rt_resume(%rip)
9:	incq	tries(%rip)
	mov	tries(%rip), %rsi
	lea	\at(%rip), %rdi
	mov	$13, %edx
	xor	%ecx, %ecx
	call	rt_caught_at
	add	%rax, %r12
.endm

GUEST_FUNC(guest_main)
	push	%r12
	push	%rbx
	xor	%r12d, %r12d
	MUST_GP	MSR_VM_HSAVE_PA, 0, 0, rd_hsave
	MUST_GP	MSR_VM_HSAVE_PA, 1, 0, wr_hsave_zero
	/* "Save the host's state in my window, where I can rewrite it." */
	MUST_GP	MSR_VM_HSAVE_PA, 1, GUEST_WINDOW_BASE, wr_hsave_mine
	MUST_GP	MSR_VM_CR, 0, 0, rd_vm_cr
	MUST_GP	MSR_VM_CR, 1, VM_CR_LOCK_DIS, wr_vm_cr
	MUST_GP	MSR_APIC_BASE, 1, 0, wr_apic_base
	MUST_GP	MSR_SYSCFG, 1, 0, wr_syscfg
	mov	tries(%rip), %rbx
	EXPECT	"svm_msrs.tries", %rbx, 7, "seven accesses tried"
	EXPECT	"svm_msrs.gp", %r12, 7, \
		"each one raised #GP(0) at its own instruction"
	pop	%rbx
	pop	%r12
	ret

	.data
	.balign	8
tries:		.quad	0
