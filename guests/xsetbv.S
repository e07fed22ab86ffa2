/*
 * xsetbv.S - chapter 5: XSETBV intercepted (exit 8Dh).
 *
 * APM2 §15.9 "Instruction Intercepts": XCR0 is not in the VMCB, so a
 * guest's XSETBV would change the host's extended state; the hypervisor
 * intercepts it (vector 4 bit 13), validates the value like the CPU
 * would (ECX = 0, XCR0[0] set, only bits the host supports) and keeps
 * it in its vCPU, or injects #GP(0).  XSETBV raises #UD unless
 * CR4.OSXSAVE is set, and CR4.OSXSAVE can be set only if CPUID 1 ECX[26]
 * (XSAVE) says so; that #UD comes before the intercept check.
 *
 * The guest reads the bit, sets CR4.OSXSAVE when it may, reads XCR0
 * with XGETBV (which has no intercept), and executes XSETBV(0, x87 |
 * SSE if CPUID 0Dh.0 offers SSE state) at xsetbv_insn: it checks a clean
 * step over, or #UD there without XSAVE.  It then reads XCR0 back and
 * reports it without judging it: after an intercepted XSETBV the real
 * XCR0 is unchanged (svmlab only records the guest's value), after one
 * the processor ran itself it is the value written, which is what QEMU
 * does (tests/deviations.py, qemu-xsetbv-not-intercepted); the test
 * compares.  If the write did reach XCR0 the guest puts the old value
 * back.  Last, XSETBV(0, 0) at xsetbv_bad (XCR0[0] clear) must give
 * #GP(0) at that instruction, from the hypervisor or from the CPU.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC2(SVM_MISC2_XSETBV)

	.section .rodata
k_feat:		.asciz "cpuid.xsave"
k_exc:		.asciz "exception.caught"
k_before:	.asciz "xcr0.before"
k_written:	.asciz "xcr0.written"
k_after:	.asciz "xcr0.after"
k_gp:		.asciz "bad.vector"
k_gperr:	.asciz "bad.error"
k_gprip:	.asciz "bad.rip"
m_ok:		.asciz "XSETBV(0, x87|SSE) was accepted without an exception"
m_ud:		.asciz "no XSAVE in CPUID, and XSETBV raised #UD"
m_noud:		.asciz "no XSAVE in CPUID, but no #UD at the XSETBV"
m_exc:		.asciz "XSETBV(0, x87|SSE) raised an exception although CPUID has XSAVE"
m_gp:		.asciz "XSETBV(0, 0) raised #GP(0) at the XSETBV"
m_nogp:		.asciz "XSETBV(0, 0) did not raise #GP(0) at the XSETBV"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	CPUID_BIT 1, %ecx, 26, %r12
	REPORT	k_feat, %r12
	mov	$1, %r13d               /* XCR0 to write: x87 ... */
	test	%r12, %r12
	jz	1f
	mov	$0xd, %eax
	xor	%ecx, %ecx
	cpuid
	and	$2, %eax                /* ... plus SSE if XCR0 may have it */
	or	%rax, %r13
	mov	%cr4, %rax
	or	$(1 << 18), %rax        /* CR4.OSXSAVE */
GUEST_LABEL(xsetbv_cr4)
	mov	%rax, %cr4
	xor	%ecx, %ecx
	xgetbv
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %r14              /* XCR0 before */
	REPORT	k_before, %r14
	REPORT	k_written, %r13
1:
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	%r13, %rax
	CATCH	xsetbv_end
GUEST_LABEL(xsetbv_insn)
	xsetbv
GUEST_LABEL(xsetbv_end)
	movq	$0, rt_resume(%rip)
	cmpq	$0, rt_exc_count(%rip)
	jne	5f
	test	%r12, %r12
	jz	4f
	PASS	m_ok
	jmp	7f
4:	FAIL	m_noud
	jmp	9f
5:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_exc, %rbx
	test	%r12, %r12
	jnz	6f
	CAUGHT_AT xsetbv_insn, 1, 6
	VERDICT	m_ud, m_noud
	jmp	9f
6:	FAIL	m_exc
	jmp	9f

	/* The observation: what XGETBV reads now.  The test judges it. */
7:	xor	%ecx, %ecx
	xgetbv
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %rbx
	REPORT	k_after, %rbx
	cmp	%r14, %rbx
	je	8f
	/* The write reached the real XCR0 (no intercept): restore it. */
	mov	%r14, %rax
	mov	%r14, %rdx
	shr	$32, %rdx
	xor	%ecx, %ecx
GUEST_LABEL(xsetbv_restore)
	xsetbv

	/* XCR0[0] clear: invalid, the hypervisor (or CPU) must refuse it. */
8:	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%eax, %eax
	CATCH	2f
GUEST_LABEL(xsetbv_bad)
	xsetbv
GUEST_LABEL(xsetbv_bad_end)
	movq	$0, rt_resume(%rip)
	FAIL	m_nogp
	jmp	9f
2:	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_gp, %rbx
	mov	rt_exc_error(%rip), %rbx
	REPORT	k_gperr, %rbx
	mov	rt_exc_rip(%rip), %rbx
	REPORT	k_gprip, %rbx
	CAUGHT_AT xsetbv_bad, 1, 13, 0   /* the first XSETBV was not caught */
	VERDICT	m_gp, m_nogp
9:	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
