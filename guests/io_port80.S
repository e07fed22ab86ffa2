/*
 * io_port80.S - chapter 7: a port passed through and a console.
 *
 * APM2 §15.10: the hypervisor chooses per port.  It clears the map's bit
 * of port 80h (the POST-code port, harmless), so OUT 80h runs in the
 * guest without an exit.  COM1 (3F8h-3FFh) stays intercepted and
 * emulated: the guest polls the line status register (3FDh) until the
 * transmitter is empty (bit 5; the hypervisor always answers 60h) and
 * writes "hello from the guest\n" to the data port 3F8h one byte at a
 * time.  Each OUT exits (7Bh); the hypervisor collects the bytes and
 * prints the line, as a guest_console event, at the newline.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.set	COM1, 0x3f8
	.set	COM1_LSR, COM1 + 5
	.set	LSR_THRE, 1 << 5

	.section .rodata
GUEST_LABEL(hello)
	.asciz	"hello from the guest\n"
k_lsr:	.asciz "com1.lsr"
k_n:	.asciz "com1.bytes"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	mov	$0x06, %al
	IO	out_80, out %al, $0x80          /* passed through: no exit */
	lea	hello(%rip), %rbx
1:	movzbl	(%rbx), %eax
	test	%al, %al
	jz	3f
2:	mov	$COM1_LSR, %edx
	IO	lsr_in, in %dx, %al
	movzbl	%al, %r12d                     /* the last LSR value */
	test	$LSR_THRE, %al
	jz	2b
	movzbl	(%rbx), %eax
	mov	$COM1, %edx
	IO	com_out, out %al, %dx
	inc	%rbx
	jmp	1b
3:	REPORT	k_lsr, %r12
	lea	hello(%rip), %rax
	sub	%rax, %rbx
	REPORT	k_n, %rbx
	pop	%r12
	pop	%rbx
	ret
