/*
 * io_top.S - chapter 7: the top of the port space and the map's extra bits.
 *
 * APM2 §15.10.1: an access of n bytes at port p is intercepted if any of
 * the map's bits p to p + n - 1 is set.  At port FFFFh a word or dword
 * reaches past the last port: it checks bits 10000h-10002h, which is
 * why the map is 12 KiB and not 8.  This guest's I/O list clears only
 * bit FFFFh (IO_INTERCEPT 0xffff, 1 | GUEST_IO_PASS); the hypervisor
 * leaves every other bit set, the extra ones included.  So IN AL at
 * FFFFh runs without an exit, while IN AX and IN EAX at FFFFh exit
 * (7Bh, port FFFFh, size 2 and 4) and read all ones from the
 * hypervisor.  The guest checks the two intercepted values and reports
 * what the emulator's own port FFFFh gave the byte read.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_IOS
	IO_INTERCEPT 0xffff, 1 | GUEST_IO_PASS
GUEST_IOS_END

	.set	PATTERN, 0xaaaaaaaaaaaaaaaa

	.section .rodata
k_b:	.asciz "top.inb"
k_w:	.asciz "top.inw"
k_l:	.asciz "top.inl"
m_w:	.asciz "IN AX at FFFFh exited and read FFFFh"
m_l:	.asciz "IN EAX at FFFFh exited and read FFFF_FFFFh"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$0xffff, %edx
	movabs	$PATTERN, %rax
	IO	top_inb, in %dx, %al            /* bit FFFFh clear: no exit */
	mov	%rax, %rbx
	REPORT	k_b, %rbx
	mov	$0xffff, %edx
	movabs	$PATTERN, %rax
	IO	top_inw, in %dx, %ax            /* bit 10000h set: exit */
	CHECK	k_w, %rax, PATTERN | 0xffff, m_w
	mov	$0xffff, %edx
	movabs	$PATTERN, %rax
	IO	top_inl, in %dx, %eax           /* bits 10000h-10002h: exit */
	CHECK	k_l, %rax, 0xffffffff, m_l
	pop	%rbx
	ret
