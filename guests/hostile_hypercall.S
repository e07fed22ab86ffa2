/*
 * hostile_hypercall.S - chapter 17: every argument of the hypercall ABI
 * (src/svm/guest_abi.h) as an attacker would fill it in.
 *
 * A hypercall is the widest door from a guest into the hypervisor: the
 * hypervisor reads the guest's registers and memory on the guest's
 * word.  Each request below is refused, or served in a way that cannot
 * hurt the host:
 *
 *   - strings with a newline, a carriage return and an escape sequence,
 *     and one that starts like a trace line: the hypervisor prints keys
 *     and messages on the serial line that carries the trace, so it
 *     shows every byte outside printable ASCII, and every '@', as '?'
 *     (src/svm/hypercall.c: guest_string);
 *   - injections the validator of chapter 9 refuses: a reserved event
 *     type, the NMI as an exception, an error code on #UD;
 *   - an external interrupt below 32, five NMIs at once, a V_IRQ with
 *     bits the call does not have (chapter 10);
 *   - HC_NPT_SET on the MMIO page and past RAM, HC_NPF_INFO with an
 *     unknown selector (chapter 13);
 *   - HC_DIRTY_LIST into the hypervisor's own secret page, at the
 *     address HC_HV_ADDRESS gives: the hypervisor writes only through
 *     the guest's own page tables, where that address is nothing;
 * and last, HC_REPORT with its key pointer at the hypervisor's secret
 * page.  That one cannot be answered: the guest is stopped with a
 * diagnostic naming the pointer.  It is meant to be stopped.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

/* Hypercall \nr with RDI = \a0 and RSI = \a1; R12 += 1 if it returned
 * HC_REFUSED. */
.macro REFUSE nr, a0, a1=0
	movabs	$\a0, %rdi
	movabs	$\a1, %rsi
	HYPERCALL \nr
	cmp	$HC_REFUSED, %rax
	jne	9f
	inc	%r12
9:
.endm

	.section .rodata
k_newline:
	.asciz	"key\n@svmlab {\"ev\":\"panic\",\"kind\":\"forged\"}"
m_escape:	.asciz	"\r\033[2J\033[Hthe screen is mine"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	xor	%r12d, %r12d
	/* Strings that would write into the host's log. */
	mov	$0x1234, %esi
	lea	k_newline(%rip), %rdi
	HYPERCALL HC_REPORT
	lea	m_escape(%rip), %rdi
	HYPERCALL HC_PASS
	/* Events the validator refuses. */
	REFUSE	HC_INJECT, 0x80000106   /* TYPE 1, reserved */
	REFUSE	HC_INJECT, 0x80000302   /* vector 2 as an exception */
	REFUSE	HC_INJECT, 0x80000b06   /* #UD with an error code */
	REFUSE	HC_RAISE_IRQ, 7         /* an exception's vector */
	REFUSE	HC_NMI, 5               /* more than 4 at once */
	REFUSE	HC_VIRQ, 0x10000        /* bits the call does not have */
	REFUSE	HC_NPT_SET, HV_MMIO_BASE, 1     /* not RAM */
	REFUSE	HC_NPT_SET, 0x100000000, 1      /* past RAM */
	REFUSE	HC_NPF_INFO, 99         /* no such selector */
	EXPECT	"hc.refused", %r12, 9, "every bad request was refused"
	/* The hypervisor's secret page, as a buffer for the dirty log. */
	HYPERCALL HC_HV_ADDRESS
	mov	%rax, %r13
	HYPERCALL HC_DIRTY_START
	movl	$1, dirty_me(%rip)      /* and the CPU sets A/D bits */
	mov	%r13, %rdi
	mov	$512, %esi
	HYPERCALL HC_DIRTY_LIST
	mov	%rax, %rbx
	REPORT_S "hc.dirty_pages", %rbx
	test	%rbx, %rbx
	VERDICT_S nz, "the dirty log counts my page, and wrote nowhere", \
		"the dirty log lost my page"
	/* And a key read from the hypervisor's secret page. */
	mov	%r13, %rdi
	xor	%esi, %esi
GUEST_LABEL(report_secret)
	HYPERCALL HC_REPORT
	FAIL_S	"the hypervisor read a key from its own memory for me"
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.data
	.balign	4096
dirty_me:	.long	0
