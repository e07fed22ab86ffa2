/*
 * invlpg.S - chapter 5: INVLPG intercepted (exit 79h).
 *
 * APM2 §15.9 "Instruction Intercepts": with the INVLPG intercept the
 * hypervisor must flush the guest's translation itself (INVLPGA with the
 * guest's ASID, §15.16).  Without decode assists (APM2 "Decode Assists")
 * EXITINFO1 does not give the address: the hypervisor decodes the
 * instruction and computes the effective address from the guest's
 * registers, the displacement and, for a RIP-relative operand, the
 * address of the next instruction.
 *
 * invlpg_sib:   INVLPG disp32(%rbx,%rcx,8)   (ModRM + SIB + disp32)
 * invlpg_rip:   INVLPG invlpg_target(%rip)   (RIP-relative disp32)
 *
 * The guest computes each address with LEA of the same operand and
 * reports it with the base and index registers; the test compares the
 * hypervisor's decoded address with the guest's symbols.  Afterwards
 * the flushed page is written and read back: INVLPG only drops a cached
 * translation, the mapping stays.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_INVLPG)

/* The displacement of the SIB form: larger than 127, so it is 32 bits. */
#define SIB_DISP 0x1230
#define SIB_INDEX 5

	.section .rodata
k_base:		.asciz "sib.base"
k_index:	.asciz "sib.index"
k_ea:		.asciz "sib.ea"
k_ripea:	.asciz "rip.ea"
m_ok:		.asciz "two INVLPGs stepped over; the page still reads back"
m_bad:		.asciz "the flushed page did not read back"

	.data
	.balign	4096
GUEST_LABEL(invlpg_page)
	.skip	SIB_DISP + 8 * SIB_INDEX + 16
	.balign	8
GUEST_LABEL(invlpg_target)
	.quad	0

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	lea	invlpg_page(%rip), %rbx
	mov	$SIB_INDEX, %ecx
	lea	SIB_DISP(%rbx,%rcx,8), %r12
	REPORT	k_base, %rbx
	mov	$SIB_INDEX, %eax
	REPORT	k_index, %rax
	REPORT	k_ea, %r12
	lea	invlpg_target(%rip), %rax
	REPORT	k_ripea, %rax

	lea	invlpg_page(%rip), %rbx
	mov	$SIB_INDEX, %ecx
GUEST_LABEL(invlpg_sib)
	invlpg	SIB_DISP(%rbx,%rcx,8)
GUEST_LABEL(invlpg_sib_end)
GUEST_LABEL(invlpg_rip)
	invlpg	invlpg_target(%rip)
GUEST_LABEL(invlpg_rip_end)

	movabs	$0x0123456789abcdef, %rax
	mov	%rax, invlpg_target(%rip)
	mov	invlpg_target(%rip), %rdx
	cmp	%rax, %rdx
	VERDICT_IF e, m_ok, m_bad
	pop	%r12
	pop	%rbx
	ret
