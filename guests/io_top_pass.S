/*
 * io_top_pass.S - chapter 7: port FFFFh passed through for every size.
 *
 * APM2 §15.10.1: a 2- or 4-byte access at port FFFFh checks the map's
 * bits FFFFh to 10000h or 10002h; to let it through, the extra bits
 * past FFFFh must be clear too.  This guest's I/O list clears the four
 * bits FFFFh-10002h (IO_INTERCEPT 0xffff, 4 | GUEST_IO_PASS), so IN AL,
 * IN AX and IN EAX at FFFFh all run without an exit and reach the
 * emulator's own port space.  Compare io_top, which clears only bit
 * FFFFh.  The guest reports the three values; only the trace (no IOIO
 * exit) tells whether they were intercepted.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_IOS
	IO_INTERCEPT 0xffff, 4 | GUEST_IO_PASS
GUEST_IOS_END

	.set	PATTERN, 0xaaaaaaaaaaaaaaaa

	.section .rodata
k_b:	.asciz "top.inb"
k_w:	.asciz "top.inw"
k_l:	.asciz "top.inl"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$0xffff, %edx
	movabs	$PATTERN, %rax
	IO	top_inb, in %dx, %al
	mov	%rax, %rbx
	REPORT	k_b, %rbx
	mov	$0xffff, %edx
	movabs	$PATTERN, %rax
	IO	top_inw, in %dx, %ax
	mov	%rax, %rbx
	REPORT	k_w, %rbx
	mov	$0xffff, %edx
	movabs	$PATTERN, %rax
	IO	top_inl, in %dx, %eax
	mov	%rax, %rbx
	REPORT	k_l, %rbx
	pop	%rbx
	ret
