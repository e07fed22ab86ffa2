/*
 * io_string.S - chapter 7: OUTS and INS, intercepted and emulated.
 *
 * APM2 §15.10.2: a string port instruction that the I/O permission map
 * intercepts exits (7Bh) with EXITINFO1.STR set, the operand size and
 * the address size; the hypervisor performs the access itself, through
 * guest memory: OUTS reads DS:RSI, INS writes ES:RDI, and each advances
 * its pointer by the operand size (DF is clear).  The guest writes 1, 2
 * and 4 bytes to HV_DEV_FIFO with OUTSB, OUTSW and OUTSD, reads them
 * back with INSB, INSW and INSD, and checks the bytes and that RSI and
 * RDI moved by 7.  One more INSB finds the FIFO empty: FFh.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_out:		.asciz "fifo.out"
k_in:		.asciz "fifo.in"
k_rsi:		.asciz "rsi.delta"
k_rdi:		.asciz "rdi.delta"
k_empty:	.asciz "fifo.empty"
m_rsi:	.asciz "OUTSB, OUTSW and OUTSD advanced RSI by 1 + 2 + 4"
m_rdi:	.asciz "INSB, INSW and INSD advanced RDI by 1 + 2 + 4"
m_in:	.asciz "the bytes INS read are the bytes OUTS wrote"
m_empty: .asciz "INSB of the empty FIFO stores FFh"

	.data
	.balign	8
GUEST_LABEL(src_buf)
	.byte	0x11, 0x21, 0x22, 0x41, 0x42, 0x43, 0x44, 0x00
	.set	SRC_QWORD, 0x0044434241222111
	.bss
	.balign	8
GUEST_LABEL(dst_buf)
	.skip	8
GUEST_LABEL(empty_buf)
	.skip	8

GUEST_FUNC(guest_main)
	push	%rbx
	cld
	mov	src_buf(%rip), %rax
	mov	%rax, %rsi
	lea	k_out(%rip), %rdi
	HYPERCALL HC_REPORT
	lea	src_buf(%rip), %rsi
	mov	$HV_DEV_FIFO, %edx
	IO	outs_b, outsb
	IO	outs_w, outsw
	IO	outs_l, outsl
	lea	src_buf(%rip), %rax
	mov	%rsi, %rbx
	sub	%rax, %rbx
	CHECK	k_rsi, %rbx, 7, m_rsi
	lea	dst_buf(%rip), %rdi
	mov	$HV_DEV_FIFO, %edx
	IO	ins_b, insb
	IO	ins_w, insw
	IO	ins_l, insl
	lea	dst_buf(%rip), %rax
	mov	%rdi, %rbx
	sub	%rax, %rbx
	CHECK	k_rdi, %rbx, 7, m_rdi
	mov	dst_buf(%rip), %rbx
	CHECK	k_in, %rbx, SRC_QWORD, m_in
	/* The FIFO is empty now. */
	lea	empty_buf(%rip), %rdi
	mov	$HV_DEV_FIFO, %edx
	IO	ins_empty, insb
	movzbl	empty_buf(%rip), %ebx
	CHECK	k_empty, %rbx, 0xff, m_empty
	pop	%rbx
	ret
