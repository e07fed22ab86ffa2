/*
 * canary.S - chapter 17: a well-behaved guest that runs after every
 * hostile one and reports values it can predict.
 *
 * A hostile guest that was "contained" must have left nothing behind:
 * not in the hypervisor's state, not in the emulated devices, not in the
 * intercepts the next guest gets.  The canary takes one trip through
 * each path a guest uses to reach the hypervisor and checks the answer
 * against the value the hypervisor promises (src/svm/guest_abi.h):
 *
 *   CPUID     4000_0000h: the leaf count and "svmlabsvmlab" (chapter 5);
 *             8000_0001h: SVM hidden, ECX bit 2 clear
 *   MSR       EFER reads LME | LMA without SVME (chapter 6's shadow);
 *             HV_MSR_ID reads "svmlab"; HV_MSR_SCRATCH keeps a value
 *   I/O       the device's ID port reads "SVML", its data port keeps a
 *             value, its FIFO gives back three bytes in order (ch. 7)
 *   MMIO      the device page's ID, a DATA round trip, and STATUS, the
 *             count of accesses before it: exactly 3 (chapter 14)
 *   RAM       a page it has never touched reads zero and keeps a value
 *             (demand paging under the nested page table, chapter 13)
 *   events    UD2 with the #UD intercept: the exception is reflected
 *             into its own IDT, at the UD2 (chapter 8)
 *   TSC       RDTSC starts near HV_TSC_BASE (TSC_OFFSET, chapter 5)
 *
 * Every value is a CHECK: reported under its key, then PASS or FAIL.
 * The chapter runs the canary once first, then after each hostile
 * guest; tests/test_ch17_hardening.py compares every run's reports with
 * the same constants, read from guest_abi.h.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(1 << 6)                /* #UD: reflected, not lost */

#define MSR_EFER        0xc0000080
#define EFER_LME_LMA    0x500           /* bits 8 and 10 */
#define SCRATCH         0x5ca1ab1e0ddba11
#define DEV_PATTERN     0x600dcafe
#define MMIO_PATTERN    0x0123456789abcdef
#define FRESH_PAGE      0x700000        /* RAM the canary never used */
#define RAM_PATTERN     0xfeedfacecafebeef
#define TSC_SLACK       (1 << 40)       /* hours of guest time at GHz */

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12

	/* CPUID: the hypervisor's leaf and SVM hidden. */
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rbx, %r12
	mov	%rax, %rbx
	EXPECT	"canary.cpuid.max", %rbx, HV_CPUID_LEAF_MAX, \
		"canary: CPUID 4000_0000h EAX is the last leaf"
	EXPECT	"canary.cpuid.sig", %r12, HV_CPUID_SIG_EBX, \
		"canary: CPUID 4000_0000h EBX is svml"
	CPUID_BIT 0x80000001, %ecx, 2, %rbx
	EXPECT	"canary.cpuid.svm", %rbx, 0, \
		"canary: CPUID 8000_0001h hides SVM"

	/* MSRs: the EFER shadow, the hypervisor's two MSRs. */
	mov	$MSR_EFER, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	EXPECT	"canary.efer", %rbx, EFER_LME_LMA, \
		"canary: EFER reads LME and LMA, no SVME"
	mov	$HV_MSR_ID, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	EXPECT	"canary.msr.id", %rbx, HV_MSR_ID_VALUE, \
		"canary: HV_MSR_ID reads svmlab"
	movabs	$SCRATCH, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$HV_MSR_SCRATCH, %ecx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	%rdx, %rbx
	EXPECT	"canary.msr.scratch", %rbx, SCRATCH, \
		"canary: HV_MSR_SCRATCH keeps what was written"

	/* I/O: the device of chapter 7. */
	mov	$HV_DEV_ID, %edx
	in	%dx, %eax
	mov	%eax, %ebx
	EXPECT	"canary.io.id", %rbx, HV_DEV_ID_VALUE, \
		"canary: the device's ID port reads SVML"
	mov	$HV_DEV_DATA, %edx
	mov	$DEV_PATTERN, %eax
	out	%eax, %dx
	xor	%eax, %eax
	in	%dx, %eax
	mov	%eax, %ebx
	EXPECT	"canary.io.data", %rbx, DEV_PATTERN, \
		"canary: the device's data port keeps a value"
	mov	$HV_DEV_FIFO, %edx
	mov	$0x11, %al
	out	%al, %dx
	mov	$0x22, %al
	out	%al, %dx
	mov	$0x33, %al
	out	%al, %dx
	xor	%ebx, %ebx
	mov	$4, %ecx                        /* 11h 22h 33h, then empty */
2:	shl	$8, %ebx
	in	%dx, %al
	mov	%al, %bl
	loop	2b
	EXPECT	"canary.io.fifo", %rbx, 0x112233ff, \
		"canary: the FIFO gives back 11 22 33, then empty"

	/* MMIO: the device page of chapter 14. */
	mov	$HV_MMIO_BASE, %r12d
	mov	HV_MMIO_ID(%r12), %rbx
	EXPECT	"canary.mmio.id", %rbx, HV_MMIO_ID_VALUE, \
		"canary: the MMIO ID register reads SVMLMMIO"
	mov	$HV_MMIO_BASE, %r12d
	movabs	$MMIO_PATTERN, %rax
	mov	%rax, HV_MMIO_DATA(%r12)
	mov	HV_MMIO_DATA(%r12), %rbx
	EXPECT	"canary.mmio.data", %rbx, MMIO_PATTERN, \
		"canary: the MMIO DATA register keeps a value"
	mov	$HV_MMIO_BASE, %r12d
	mov	HV_MMIO_STATUS(%r12), %rbx
	EXPECT	"canary.mmio.status", %rbx, 3, \
		"canary: MMIO STATUS counts my 3 accesses before it"

	/* RAM: a page never touched is zero, and keeps a value. */
	mov	$FRESH_PAGE, %r12d
	mov	(%r12), %rbx
	EXPECT	"canary.ram.fresh", %rbx, 0, \
		"canary: a page I never touched reads zero"
	mov	$FRESH_PAGE, %r12d
	movabs	$RAM_PATTERN, %rax
	mov	%rax, 8(%r12)
	mov	8(%r12), %rbx
	EXPECT	"canary.ram.kept", %rbx, RAM_PATTERN, \
		"canary: RAM keeps what I wrote"

	/* Events: #UD intercepted and reflected at the UD2. */
	CATCH	1f
GUEST_LABEL(canary_ud2)
	ud2
	movq	$0, rt_resume(%rip)
1:	CAUGHT_AT canary_ud2, 1, 6
	mov	%rax, %rbx
	EXPECT	"canary.ud", %rbx, 1, \
		"canary: UD2 gave me one #UD at the UD2"

	/* TSC: the offset still applies. */
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	movabs	$HV_TSC_BASE, %rdx
	sub	%rdx, %rax
	movabs	$TSC_SLACK, %rdx
	cmp	%rdx, %rax
	setb	%al
	movzbl	%al, %ebx
	EXPECT	"canary.tsc", %rbx, 1, \
		"canary: RDTSC starts near HV_TSC_BASE"

	pop	%r12
	pop	%rbx
	ret
