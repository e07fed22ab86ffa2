/*
 * ud_guest.h - the body shared by the chapter-5 guests ud_*.S.
 *
 * UD_GUEST name, "MNEMONIC", insn...
 *
 * defines a whole guest: guest_main executes the instruction insn... (a
 * mnemonic, or `.byte ...` for one the assembler does not know) at the
 * global label ud_<name>_insn, followed by ud_<name>_end, under CATCH.
 * Before it RAX points at a 4 KiB-aligned scratch page and ECX is 1, so
 * that an operand (VMRUN/VMLOAD/VMSAVE/SKINIT's address, INVLPGA's
 * address and ASID) cannot be the cause of the exception.
 *
 * The hypervisor must answer with #UD, a fault (RIP left at the
 * instruction).  The guest reports what its IDT handler saw (ud.vector,
 * ud.rip, ud.count) and checks exactly one #UD at ud_<name>_insn; it
 * fails if the instruction ran on without an exception.
 *
 * Include after guest.h; the .S file still names its own mode
 * (GUEST_MODE) and intercepts, if any.
 */
#ifndef SVMLAB_UD_GUEST_H
#define SVMLAB_UD_GUEST_H

.macro UD_GUEST name, mnemonic, insn:vararg
	.section .rodata
ud_k_vec:	.asciz "ud.vector"
ud_k_rip:	.asciz "ud.rip"
ud_k_count:	.asciz "ud.count"
ud_m_ok:	.asciz "\mnemonic raised #UD at the instruction"
ud_m_bad:	.asciz "\mnemonic did not raise #UD at the instruction"
ud_m_ran:	.asciz "\mnemonic ran on without an exception"

	.bss
	.balign	4096
ud_scratch_page:
	.skip	4096

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	lea	ud_scratch_page(%rip), %rax     /* a valid, aligned page */
	mov	$1, %ecx                        /* INVLPGA: ASID 1 */
	CATCH	1f
GUEST_LABEL(ud_\name\()_insn)
	\insn
GUEST_LABEL(ud_\name\()_end)
	movq	$0, rt_resume(%rip)
	FAIL	ud_m_ran
	jmp	3f
1:	mov	rt_exc_vector(%rip), %rbx
	mov	rt_exc_rip(%rip), %r12
	mov	rt_exc_count(%rip), %r13
	REPORT	ud_k_vec, %rbx
	REPORT	ud_k_rip, %r12
	REPORT	ud_k_count, %r13
	CAUGHT_AT ud_\name\()_insn, 1, 6      /* one #UD, a fault */
	VERDICT	ud_m_ok, ud_m_bad
3:	pop	%r13
	pop	%r12
	pop	%rbx
	ret
.endm

#endif
