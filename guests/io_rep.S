/*
 * io_rep.S - chapter 7: REP OUTS and REP INS, one exit for all of it.
 *
 * APM2 §15.10.2: a REP string port instruction exits with EXITINFO1.REP
 * set (bit 3) before its first iteration; the hypervisor performs all
 * RCX iterations through guest memory, leaves RCX = 0 and RSI/RDI past
 * the buffer, and resumes at EXITINFO2, the next instruction.  The
 * guest sends 16 bytes to HV_DEV_FIFO with REP OUTSB and reads them back
 * with REP INSB.  Then, with DF = 1, REP OUTSB of 4 bytes walks its
 * buffer downwards (APM3 OUTS: RSI decrements), so the FIFO receives
 * them reversed; REP INSB with DF = 0 reads them in that order.  The
 * guest checks bytes, RCX and the pointers, then that the FIFO is empty
 * (IN reads FFh).
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_rcx_out:	.asciz "rep.outs.rcx"
k_rsi:		.asciz "rep.outs.rsi.delta"
k_rcx_in:	.asciz "rep.ins.rcx"
k_rdi:		.asciz "rep.ins.rdi.delta"
k_lo:		.asciz "rep.in.lo"
k_hi:		.asciz "rep.in.hi"
k_down_rsi:	.asciz "down.rsi.delta"
k_down_rcx:	.asciz "down.rcx"
k_down:		.asciz "down.in"
k_empty:	.asciz "fifo.empty"
m_rcx_out: .asciz "REP OUTSB ended with RCX = 0"
m_rsi:	.asciz "REP OUTSB advanced RSI by 16"
m_rcx_in: .asciz "REP INSB ended with RCX = 0"
m_rdi:	.asciz "REP INSB advanced RDI by 16"
m_lo:	.asciz "REP INSB read bytes 0-7 as REP OUTSB wrote them"
m_hi:	.asciz "REP INSB read bytes 8-15 as REP OUTSB wrote them"
m_down_rsi: .asciz "REP OUTSB with DF = 1 moved RSI down by 4"
m_down_rcx: .asciz "REP OUTSB with DF = 1 ended with RCX = 0"
m_down:	.asciz "REP OUTSB with DF = 1 sent the bytes in reverse"
m_empty: .asciz "the FIFO is empty afterwards: IN AL reads FFh"

	.data
	.balign	8
GUEST_LABEL(src16)
	.quad	0x0706050403020100, 0x0f0e0d0c0b0a0908
	.set	SRC_LO, 0x0706050403020100
	.set	SRC_HI, 0x0f0e0d0c0b0a0908
	.bss
	.balign	8
GUEST_LABEL(dst16)
	.skip	16
GUEST_LABEL(dst4)
	.skip	8

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	cld
	/* 16 bytes out, upwards. */
	lea	src16(%rip), %rsi
	mov	$16, %ecx
	mov	$HV_DEV_FIFO, %edx
	IO	rep_outs, rep outsb
	mov	%rcx, %r12
	lea	src16(%rip), %rax
	mov	%rsi, %rbx
	sub	%rax, %rbx
	CHECK	k_rcx_out, %r12, 0, m_rcx_out
	CHECK	k_rsi, %rbx, 16, m_rsi
	/* 16 bytes in. */
	lea	dst16(%rip), %rdi
	mov	$16, %ecx
	mov	$HV_DEV_FIFO, %edx
	IO	rep_ins, rep insb
	mov	%rcx, %r12
	lea	dst16(%rip), %rax
	mov	%rdi, %rbx
	sub	%rax, %rbx
	CHECK	k_rcx_in, %r12, 0, m_rcx_in
	CHECK	k_rdi, %rbx, 16, m_rdi
	mov	dst16(%rip), %rbx
	CHECK	k_lo, %rbx, SRC_LO, m_lo
	mov	dst16 + 8(%rip), %rbx
	CHECK	k_hi, %rbx, SRC_HI, m_hi
	/* 4 bytes out with DF = 1, from src16 + 3 down to src16. */
	lea	src16 + 3(%rip), %rsi
	mov	$4, %ecx
	mov	$HV_DEV_FIFO, %edx
	std
	IO	rep_outs_down, rep outsb
	cld
	mov	%rcx, %r12
	lea	src16 + 3(%rip), %rbx
	sub	%rsi, %rbx
	CHECK	k_down_rsi, %rbx, 4, m_down_rsi
	CHECK	k_down_rcx, %r12, 0, m_down_rcx
	lea	dst4(%rip), %rdi
	mov	$4, %ecx
	mov	$HV_DEV_FIFO, %edx
	IO	rep_ins_4, rep insb
	mov	dst4(%rip), %rbx
	CHECK	k_down, %rbx, 0x00010203, m_down
	/* Nothing left. */
	mov	$HV_DEV_FIFO, %edx
	xor	%eax, %eax
	IO	in_empty, in %dx, %al
	movzbl	%al, %ebx
	CHECK	k_empty, %rbx, 0xff, m_empty
	pop	%r12
	pop	%rbx
	ret
