/*
 * io_sizes.S - chapter 7: IN and OUT of each size, intercepted.
 *
 * APM2 §15.10: with IOIO_PROT set, IN and OUT consult the I/O permission
 * map, one bit per port, and an intercepted one exits with code 7Bh.
 * EXITINFO1 describes the access (Figure 15-2): bit 0 IN, bit 2 string,
 * bit 3 REP, bits 6:4 the operand size (1, 2 or 4 bytes), bits 9:7 the
 * address size, bits 31:16 the port; EXITINFO2 is the RIP of the next
 * instruction, where the hypervisor resumes the guest.
 *
 * The guest talks to the hypervisor's device: HV_DEV_DATA (5A0h-5A3h, a
 * byte-addressable 4-byte register) with the DX forms of each size, and
 * HV_DEV_ID (5A4h, read-only).  The immediate-port forms reach only
 * ports 00h-FFh, so they go to port E0h, where nothing is: IN reads all
 * ones, OUT is dropped.  The guest checks that an 8- or 16-bit IN keeps
 * the rest of RAX and a 32-bit IN zero-extends (APM3 IN), and reports
 * each value.  Each instruction sits between the labels NAME and
 * NAME_end, so EXITINFO2 must be NAME_end.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.set	PATTERN, 0xaaaaaaaaaaaaaaaa
	.set	NO_DEVICE, 0xe0

	.section .rodata
k_inb:		.asciz "data.inb"
k_inw:		.asciz "data.inw"
k_inl:		.asciz "data.inl"
k_mixed:	.asciz "data.mixed"
k_id:		.asciz "id.inl"
k_nb:		.asciz "none.inb"
k_nw:		.asciz "none.inw"
k_nl:		.asciz "none.inl"
m_inb:	.asciz "IN AL from HV_DEV_DATA: low byte, rest of RAX kept"
m_inw:	.asciz "IN AX from HV_DEV_DATA: low word, rest of RAX kept"
m_inl:	.asciz "IN EAX from HV_DEV_DATA: the dword, zero-extended"
m_mixed: .asciz "OUT of a byte at 5A1h and a word at 5A2h land in their bytes"
m_id:	.asciz "IN EAX from HV_DEV_ID reads HV_DEV_ID_VALUE"
m_nb:	.asciz "IN AL from port E0h reads FFh"
m_nw:	.asciz "IN AX from port E0h reads FFFFh"
m_nl:	.asciz "IN EAX from port E0h reads FFFF_FFFFh"

GUEST_FUNC(guest_main)
	/* The data register, through DX, each size. */
	mov	$HV_DEV_DATA, %edx
	mov	$0x44332211, %eax
	IO	out_l_data, out %eax, %dx
	movabs	$PATTERN, %rax
	IO	in_b_data, in %dx, %al
	CHECK	k_inb, %rax, (PATTERN & ~0xff) | 0x11, m_inb
	mov	$HV_DEV_DATA, %edx
	movabs	$PATTERN, %rax
	IO	in_w_data, in %dx, %ax
	CHECK	k_inw, %rax, (PATTERN & ~0xffff) | 0x2211, m_inw
	mov	$HV_DEV_DATA, %edx
	movabs	$PATTERN, %rax
	IO	in_l_data, in %dx, %eax
	CHECK	k_inl, %rax, 0x44332211, m_inl
	mov	$HV_DEV_DATA + 2, %edx
	mov	$0xbeef, %eax
	IO	out_w_data2, out %ax, %dx
	mov	$HV_DEV_DATA + 1, %edx
	mov	$0x99, %eax
	IO	out_b_data1, out %al, %dx
	mov	$HV_DEV_DATA, %edx
	movabs	$PATTERN, %rax
	IO	in_l_mixed, in %dx, %eax
	CHECK	k_mixed, %rax, 0xbeef9911, m_mixed
	/* The identity register. */
	mov	$HV_DEV_ID, %edx
	movabs	$PATTERN, %rax
	IO	in_l_id, in %dx, %eax
	CHECK	k_id, %rax, HV_DEV_ID_VALUE, m_id
	/* The immediate-port forms, at a port with no device. */
	mov	$0x5a, %eax
	IO	out_b_imm, out %al, $NO_DEVICE
	IO	out_w_imm, out %ax, $NO_DEVICE
	IO	out_l_imm, out %eax, $NO_DEVICE
	movabs	$PATTERN, %rax
	IO	in_b_imm, in $NO_DEVICE, %al
	CHECK	k_nb, %rax, PATTERN | 0xff, m_nb
	movabs	$PATTERN, %rax
	IO	in_w_imm, in $NO_DEVICE, %ax
	CHECK	k_nw, %rax, PATTERN | 0xffff, m_nw
	movabs	$PATTERN, %rax
	IO	in_l_imm, in $NO_DEVICE, %eax
	CHECK	k_nl, %rax, 0xffffffff, m_nl
	ret
