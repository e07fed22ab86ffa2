/*
 * dr.S - chapter 8: MOV from and to DR0-DR7, all intercepted.
 *
 * With all DR read and write intercepts (VMCB 004h: bits 7:0 reads,
 * 23:16 writes) MOV from DRn exits with code 20h + n and MOV to DRn with
 * 30h + n (APM2 §15.9).  The hypervisor decodes the MOV for the GPR.  It
 * keeps DR0-DR3 in a per-guest shadow (the VMCB has no field for them),
 * DR6 and DR7 in the VMCB, and, as the CPU does while CR4.DE = 0
 * (APM2 §13.1.1.2), treats DR4 and DR5 as aliases of DR6 and DR7.
 *
 * Each of the 16 codes exits once, each MOV with another GPR: writes of
 * DR0-DR3, DR6 and DR7; reads of DR0-DR3, then of DR4 and DR5 (which
 * must return the DR6 and DR7 just written); writes of DR4 and DR5;
 * reads of DR6 and DR7 (which must return what went through DR4/DR5).
 * No breakpoint is ever enabled: DR7 only gets LE/GE (bits 8, 9) and
 * its fixed bit 10.  DR6 values keep the bits that read as one.
 */
#include "guest.h"

#define V_DR0   0x00007FFF11110000
#define V_DR1   0x0000000022220001
#define V_DR2   0xFFFF800033330002
#define V_DR3   0x0000000044440003
#define V_DR6   0xFFFF0FF1              /* B0 */
#define V_DR7   0x00000700              /* LE, GE, bit 10 */
#define V_DR4   0xFFFF0FF2              /* B1, written through DR4 */
#define V_DR5   0x00000400              /* written through DR5 */

GUEST_MODE(GUEST_MODE_LONG)
GUEST_DR(0xff, 0xff)

	.section .rodata
k_dr0:	.asciz "dr0"
k_dr1:	.asciz "dr1"
k_dr2:	.asciz "dr2"
k_dr3:	.asciz "dr3"
k_dr4:	.asciz "dr4"
k_dr5:	.asciz "dr5"
k_dr6:	.asciz "dr6"
k_dr7:	.asciz "dr7"
msg_ok:	.asciz "DR0-DR7 read back what was written, DR4/DR5 alias DR6/DR7"
msg_bad:.asciz "a debug register did not read back what was written"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%rbp
	movabs	$V_DR0, %rax
	movabs	$V_DR1, %rcx
	movabs	$V_DR2, %rdx
	movabs	$V_DR3, %r11
	mov	$V_DR6, %ebx
	mov	$V_DR7, %esi
	mov	$V_DR4, %r14d
	mov	$V_DR5, %edi
GUEST_LABEL(write_dr0)
	mov	%rax, %db0                      /* exit 30h, gpr 0 */
GUEST_LABEL(write_dr1)
	mov	%rcx, %db1                      /* exit 31h, gpr 1 */
GUEST_LABEL(write_dr2)
	mov	%rdx, %db2                      /* exit 32h, gpr 2 */
GUEST_LABEL(write_dr3)
	mov	%r11, %db3                      /* exit 33h, gpr 11 */
GUEST_LABEL(write_dr6)
	mov	%rbx, %db6                      /* exit 36h, gpr 3 */
GUEST_LABEL(write_dr7)
	mov	%rsi, %db7                      /* exit 37h, gpr 6 */
GUEST_LABEL(read_dr0)
	mov	%db0, %r8                       /* exit 20h, gpr 8 */
GUEST_LABEL(read_dr1)
	mov	%db1, %r9                       /* exit 21h, gpr 9 */
GUEST_LABEL(read_dr2)
	mov	%db2, %r10                      /* exit 22h, gpr 10 */
GUEST_LABEL(read_dr3)
	mov	%db3, %r12                      /* exit 23h, gpr 12 */
GUEST_LABEL(read_dr4)
	mov	%db4, %r13                      /* exit 24h, gpr 13: = DR6 */
GUEST_LABEL(read_dr5)
	mov	%db5, %r15                      /* exit 25h, gpr 15: = DR7 */
GUEST_LABEL(write_dr4)
	mov	%r14, %db4                      /* exit 34h, gpr 14: DR6 */
GUEST_LABEL(write_dr5)
	mov	%rdi, %db5                      /* exit 35h, gpr 7: DR7 */
GUEST_LABEL(read_dr6)
	mov	%db6, %rbp                      /* exit 26h, gpr 5 */
GUEST_LABEL(read_dr7)
	mov	%db7, %rax                      /* exit 27h, gpr 0 */
GUEST_LABEL(reads_done)
	mov	%rax, %r14
	REPORT	k_dr0, %r8
	REPORT	k_dr1, %r9
	REPORT	k_dr2, %r10
	REPORT	k_dr3, %r12
	REPORT	k_dr4, %r13
	REPORT	k_dr5, %r15
	REPORT	k_dr6, %rbp
	REPORT	k_dr7, %r14
	movabs	$V_DR0, %rax
	cmp	%rax, %r8
	jne	1f
	movabs	$V_DR1, %rax
	cmp	%rax, %r9
	jne	1f
	movabs	$V_DR2, %rax
	cmp	%rax, %r10
	jne	1f
	movabs	$V_DR3, %rax
	cmp	%rax, %r12
	jne	1f
	mov	$V_DR6, %eax
	cmp	%rax, %r13
	jne	1f
	cmp	$V_DR7, %r15
	jne	1f
	mov	$V_DR4, %eax
	cmp	%rax, %rbp
	jne	1f
	cmp	$V_DR5, %r14
1:	VERDICT_IF e, msg_ok, msg_bad
	pop	%rbp
	pop	%rbx
	ret
