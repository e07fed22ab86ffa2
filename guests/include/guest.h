/*
 * guest.h - what a guest file includes: the hypercall ABI and helpers.
 *
 * A guest is one small file in guests/.  It declares its mode and its
 * extra intercepts, and defines guest_main, which the runtime
 * (guests/rt/start.S) calls after setting up the guest's own IDT.  When
 * guest_main returns, the runtime makes the HC_DONE hypercall.
 *
 * In assembly:
 *
 *     #include "guest.h"
 *     GUEST_MODE(GUEST_MODE_LONG)
 *     GUEST_MISC1(SVM_MISC1_CPUID)        (intercepts: svm/vmcb.h)
 *     GUEST_FUNC(guest_main)
 *         REPORT  key_string, %rbx      (a value under a key)
 *         PASS    message_string
 *         ret
 *
 * The ABI itself is in src/svm/guest_abi.h.
 */
#ifndef SVMLAB_GUEST_H
#define SVMLAB_GUEST_H

#include "svm/guest_abi.h"
#include "svm/vmcb.h"

#ifdef __ASSEMBLER__

/* Declare the guest's mode (GUEST_MODE_LONG): read by the loader. */
#define GUEST_MODE(m)   .globl guest_mode; .set guest_mode, m
/* Ask for extra intercepts on top of the hypervisor's base set. */
#define GUEST_MISC1(bits) .globl guest_misc1; .set guest_misc1, bits
#define GUEST_MISC2(bits) .globl guest_misc2; .set guest_misc2, bits
/* Exception vectors to intercept (bit n: vector n, exit 40h + n). */
#define GUEST_EXCEPTIONS(bits) .globl guest_exceptions; .set guest_exceptions, bits
/* CRn/DRn intercepts: read bits 15:0, write bits 31:16 (as the VMCB). */
#define GUEST_CR(read, write) .globl guest_cr; .set guest_cr, (read) | ((write) << 16)
#define GUEST_DR(read, write) .globl guest_dr; .set guest_dr, (read) | ((write) << 16)
/*
 * MSR intercepts (chapter 6), a list in .rodata:
 *     GUEST_MSRS
 *         MSR_INTERCEPT 0xc0000084, GUEST_MSR_READ
 *     GUEST_MSRS_END
 * and I/O intercepts (chapter 7), the same way with IO_INTERCEPT port,
 * count between GUEST_IOS and GUEST_IOS_END.
 */
#define GUEST_MSRS .pushsection .rodata; .balign 8; .globl guest_msrs; guest_msrs:
#define GUEST_MSRS_END .long 0, 0; .popsection
#define GUEST_IOS .pushsection .rodata; .balign 8; .globl guest_ios; guest_ios:
#define GUEST_IOS_END .long 0, 0; .popsection
.macro MSR_INTERCEPT msr, access
	.long	\msr, \access
.endm
.macro IO_INTERCEPT port, count
	.long	\port, \count
.endm
/* The guest is meant to be stopped by the hypervisor (a demonstration). */
#define GUEST_EXPECT_STOP .globl guest_flags; .set guest_flags, GUEST_FLAG_EXPECT_STOP
/* Both: meant to be stopped, and run only on request (guest_abi.h). */
#define GUEST_EXPECT_STOP_ON_REQUEST .globl guest_flags; \
	.set guest_flags, GUEST_FLAG_EXPECT_STOP | GUEST_FLAG_ON_REQUEST
/* A model SEV-ES guest (chapter 15): #VC instead of handled exits. */
#define GUEST_SEV_ES .globl guest_flags; .set guest_flags, GUEST_FLAG_SEV_ES
/* A global code label, so that tests can find its address. */
#define GUEST_FUNC(name) .text; .globl name; .type name, @function; name:
#define GUEST_LABEL(name) .globl name; name:

/* VMMCALL with RAX = nr: the hypercall instruction. */
.macro HYPERCALL nr
	mov	$\nr, %eax
	vmmcall
.endm

#if defined(GUEST_BITS) && GUEST_BITS != 64
/*
 * Real-mode and 32-bit guests (chapter 13, GUEST_BITS 16 or 32 before
 * the #include): pointers are 32-bit linear addresses in EDI, values
 * 32 bits in ESI (guest_abi.h).  A label's address is its linear
 * address, as the guest is linked where it is loaded.
 */
.macro REPORT key, reg
	mov	\reg, %esi
	mov	$\key, %edi
	HYPERCALL HC_REPORT
.endm
.macro PASS msg
	mov	$\msg, %edi
	HYPERCALL HC_PASS
.endm
.macro FAIL msg
	mov	$\msg, %edi
	HYPERCALL HC_FAIL
.endm
/* PASS \ok if condition \cc holds in the flags, else FAIL \bad. */
.macro VERDICT_IF32 cc, ok, bad
	j\cc	8001f
	FAIL	\bad
	jmp	8002f
8001:	PASS	\ok
8002:
.endm
/* A real-mode guest's offset of label \x in its one segment. */
#define OFF(x) ((x) - GUEST_REAL_BASE)
#if GUEST_BITS == 32
	.code32
#else
	.code16
#endif
#else
/* Report the value in \reg under the key string at label \key. */
.macro REPORT key, reg
	mov	\reg, %rsi
	lea	\key(%rip), %rdi
	HYPERCALL HC_REPORT
.endm

#endif /* GUEST_BITS */

/*
 * Expect an exception: the next exception or interrupt the guest's IDT
 * receives is recorded (rt_exc_vector, rt_exc_error, rt_exc_rip,
 * rt_exc_cr2 for #PF, rt_exc_count += 1) and the guest resumes at label
 * \resume instead of failing.  One CATCH covers one event.  RFLAGS.TF
 * is cleared in the frame, so a single-step trap does not repeat.
 * Clobbers nothing.
 */
.macro CATCH resume
	movq	$\resume, rt_resume(%rip)
.endm

#if !defined(GUEST_BITS) || GUEST_BITS == 64
/* One of the guest's own checks passed or failed: message at \msg. */
.macro PASS msg
	lea	\msg(%rip), %rdi
	HYPERCALL HC_PASS
.endm
.macro FAIL msg
	lea	\msg(%rip), %rdi
	HYPERCALL HC_FAIL
.endm
#endif

/*
 * Helpers of the runtime (guests/rt/start.S).  They are SysV functions:
 * they may clobber RAX, RCX, RDX, RSI, RDI, R8-R11 and the flags, and
 * keep RBX, RBP, R12-R15.  The macros below load their arguments, so a
 * macro clobbers what its routine does.
 */

/*
 * Did CATCH record event number \n (rt_exc_count) as exception \vector
 * with error code \error (-1: do not compare the error code), raised
 * with the return RIP at label \rip?  EAX = 1 if so, else 0.
 * rt_caught_at(rip = RDI, n = RSI, vector = RDX, error = RCX) only
 * clobbers RAX and the flags.
 */
.macro CAUGHT_AT rip, n, vector, error=-1
	lea	\rip(%rip), %rdi
	mov	$\n, %esi
	mov	$\vector, %edx
	mov	$\error, %rcx
	call	rt_caught_at
.endm

/*
 * Point IDT vector \vector at the guest's own \handler (an interrupt
 * gate): rt_set_gate(RDI, RSI) clobbers RAX, RDI, RSI and the flags.
 * The handler ends with IRETQ; it gets no error code from an interrupt.
 */
.macro SET_GATE vector, handler
	mov	$\vector, %edi
	lea	\handler(%rip), %rsi
	call	rt_set_gate
.endm

/*
 * Ask the hypervisor for an event (chapters 9-11): HC_INJECT with the
 * EVENTINJ value \event (and \cr2 for #PF); RAX = HC_OK or HC_REFUSED.
 * Clobbers RAX, RDI, RSI.
 */
.macro INJECT event, cr2=0
	movabs	$\event, %rdi
	movabs	$\cr2, %rsi
	HYPERCALL HC_INJECT
.endm
/* EVENTINJ values for INJECT: TYPE, vector, and error code or none. */
#define EV(type, vector) (0x80000000 | ((type) << 8) | (vector))
#define EV_ERR(type, vector, err) \
	(EV(type, vector) | 0x800 | ((err) << 32))

/* PASS \ok if EAX is not 0, else FAIL \bad: rt_verdict(EAX, RDI, RSI). */
.macro VERDICT ok, bad
	lea	\ok(%rip), %rdi
	lea	\bad(%rip), %rsi
	call	rt_verdict
.endm
/* PASS \ok if condition \cc holds in the flags (e, b, ...), else FAIL \bad. */
.macro VERDICT_IF cc, ok, bad
	set\cc	%al
	movzbl	%al, %eax
	VERDICT	\ok, \bad
.endm

/*
 * Report \reg under \key, then PASS or FAIL \msg as it equals \want:
 * rt_check(key = RDI, value = RSI, want = RDX, msg = RCX).
 */
.macro CHECK key, reg, want, msg
	mov	\reg, %rsi
	lea	\key(%rip), %rdi
	movabs	$\want, %rdx
	lea	\msg(%rip), %rcx
	call	rt_check
.endm

/* One instruction between the global labels \name and \name_end. */
.macro IO name, insn:vararg
GUEST_LABEL(\name)
	\insn
GUEST_LABEL(\name\()_end)
.endm

/* \dst = bit \bit of \reg (%ecx or %edx) of CPUID leaf \leaf, 0 or 1. */
.macro CPUID_BIT leaf, reg, bit, dst
	mov	$\leaf, %eax
	xor	%ecx, %ecx
	cpuid
	bt	$\bit, \reg
	setc	%al
	movzbl	%al, %eax
	mov	%rax, \dst
.endm

/*
 * Canaries: CANARIES loads RAX, RCX and RDX with three known values
 * before an instruction that must keep them; rt_canaries_kept then
 * gives EAX = 1 if all three still hold them, else 0 (clobbers RAX,
 * RSI and the flags).
 */
#define CANARY_RAX 0x1111222233334444
#define CANARY_RCX 0x5555666677778888
#define CANARY_RDX 0x99990000aaaabbbb
.macro CANARIES
	movabs	$CANARY_RAX, %rax
	movabs	$CANARY_RCX, %rcx
	movabs	$CANARY_RDX, %rdx
.endm

#else /* C guests */

#include <stdint.h>

static inline uint64_t hypercall(uint64_t nr, uint64_t a, uint64_t b)
{
	uint64_t ret;

	__asm__ volatile("vmmcall" : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b) : "memory");
	return ret;
}

/* What the runtime recorded of the last caught event (CATCH). */
extern volatile uint64_t rt_resume, rt_exc_vector, rt_exc_error, rt_exc_rip,
	rt_exc_cr2, rt_exc_count;

static inline void report(const char *key, uint64_t value)
{
	hypercall(HC_REPORT, (uint64_t)(uintptr_t)key, value);
}

static inline void guest_check(int ok, const char *message)
{
	hypercall(ok ? HC_PASS : HC_FAIL, (uint64_t)(uintptr_t)message, 0);
}

#endif
#endif /* SVMLAB_GUEST_H */
