/*
 * exc_ac.S - chapter 8: an intercepted #AC, which needs CPL 3.
 *
 * Alignment checking raises #AC(0) for a misaligned data access only
 * when CR0.AM = 1, RFLAGS.AC = 1 and CPL = 3 (APM2 §8.2.17).  The guest
 * asks for the #AC exception intercept (VMCB 008h bit 17): exit 51h,
 * EXITINFO1 = the error code 0, RIP = the faulting load (a fault); the
 * hypervisor reflects it (APM2 §15.12, §15.20).
 *
 * The guest starts at CPL 0, so it first builds a ring-3 world of its own:
 *   - a GDT: the runtime's three entries (same selectors 08h and 10h, so
 *     CS and the IDT stay valid), user data 18h and 64-bit user code 20h
 *     (DPL 3), and a 64-bit TSS at 28h whose RSP0 is a stack of its own:
 *     an event taken at CPL 3 switches to it (APM2 §12.2.5); LGDT, LTR;
 *   - the U/S bit in every present entry of its page tables (PML4, PDPT,
 *     PD), then a CR3 reload to drop the old translations;
 *   - CR0.AM = 1, and IDT vector 80h as an interrupt gate with DPL 3, the
 *     way back to CPL 0 (all the runtime's gates are DPL 0).
 * IRETQ with CS 23h, SS 1Bh and RFLAGS.AC = 1 enters CPL 3 at user_code,
 * which reads 4 bytes at an odd address under CATCH.  The #AC is
 * delivered at CPL 0 on the RSP0 stack; the runtime's handler records it
 * and IRETQs to the CATCH label with the frame's CS and SS, so
 * user_resume runs at CPL 3 again.  From there the guest makes one
 * hypercall (VMMCALL is intercepted at any CPL; the hypervisor reads the
 * key string through the guest's addresses, not through its U bits) and
 * then INT 80h takes it back to CPL 0, to the stack guest_main had, with
 * its segments reloaded, AC and AM cleared.  guest_main then reports
 * what the handler saw and returns.  If no #AC comes, the load completes
 * and the guest reports the loaded value instead.
 */
#include "guest.h"

#define SEL_UDATA       0x18
#define SEL_UCODE       0x20
#define SEL_TSS         0x28
#define CR0_AM          (1 << 18)
#define RFLAGS_AC       (1 << 18)
#define VEC_RING0       0x80
#define PTE_P           1
#define PTE_US          4

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXCEPTIONS(SVM_INTERCEPT_EXC(17))

	.section .rodata
k_user_cs:	.asciz "user.cs"
k_resume_cs:	.asciz "resume.cs"
k_vector:	.asciz "exc.vector"
k_error:	.asciz "exc.error"
k_rip:		.asciz "exc.rip"
k_count:	.asciz "exc.count"
k_loaded:	.asciz "ac.loaded"
msg_ring:	.asciz "ran at CPL 3 and came back to CPL 0"
msg_ring_bad:	.asciz "did not run at CPL 3"
msg_ac:		.asciz "the handler saw #AC(0) at the misaligned load"
msg_ac_bad:	.asciz "the exception was not #AC(0) at the misaligned load"

	.data
	.balign	8
ac_gdt:
	.quad	0
	.quad	0x00AF9B000000FFFF              /* 08h: code, 64-bit, DPL 0 */
	.quad	0x00CF93000000FFFF              /* 10h: data, DPL 0 */
	.quad	0x00CFF3000000FFFF              /* 18h: data, DPL 3 */
	.quad	0x00AFFB000000FFFF              /* 20h: code, 64-bit, DPL 3 */
	.quad	0, 0                            /* 28h: TSS, filled in */
ac_gdt_end:
	.balign	8
	.word	0, 0, 0
ac_gdtr:
	.word	ac_gdt_end - ac_gdt - 1
	.quad	ac_gdt
	.balign	8
ac_buf:	.byte	0, 1, 2, 3, 4, 5, 6, 7
ac_loaded:	.quad	-1               /* the load's value, if it completed */
user_cs:	.quad	0
saved_rsp:	.quad	0
saved_cr0:	.quad	0

	.bss
	.balign	16
tss:	.skip	104
	.balign	16
	.skip	4096
ring0_stack_top:
	.skip	4096
user_stack_top:

GUEST_FUNC(guest_main)
	push	%rbx
	push	%rbp

	/* The TSS: RSP0, no I/O bitmap; its descriptor in the GDT. */
	lea	tss(%rip), %rax
	lea	ring0_stack_top(%rip), %rcx
	mov	%rcx, 4(%rax)                   /* RSP0 */
	movw	$104, 102(%rax)                 /* I/O map base = limit + 1 */
	mov	%eax, %edx
	and	$0xffffff, %edx                 /* base 23:0 -> bits 39:16 */
	shl	$16, %rdx
	or	$0x67, %rdx                     /* limit */
	mov	%eax, %ecx
	shr	$24, %ecx                       /* base 31:24 -> bits 63:56 */
	shl	$56, %rcx
	or	%rcx, %rdx
	movabs	$0x0000890000000000, %rcx       /* P, DPL 0, type 9 */
	or	%rcx, %rdx
	mov	%rdx, ac_gdt + SEL_TSS(%rip)
	shr	$32, %rax
	mov	%rax, ac_gdt + SEL_TSS + 8(%rip)  /* base 63:32 */
	lgdt	ac_gdtr(%rip)
	mov	$SEL_TSS, %eax
	ltr	%ax

	/* U/S in every present entry of the three tables, then flush. */
	mov	%cr3, %rdi
	movabs	$0x000FFFFFFFFFF000, %rbp
	and	%rbp, %rdi                      /* PML4 */
	call	set_user
	mov	(%rdi), %rdi
	and	%rbp, %rdi                      /* PDPT */
	call	set_user
	mov	(%rdi), %rdi
	and	%rbp, %rdi                      /* PD */
	call	set_user
	mov	%cr3, %rax
	mov	%rax, %cr3

	/* IDT vector 80h: interrupt gate, DPL 3, to back_to_ring0. */
	lea	guest_idt + VEC_RING0 * 16(%rip), %rdi
	lea	back_to_ring0(%rip), %rax
	mov	%ax, (%rdi)
	movw	$GUEST_SEL_CODE, 2(%rdi)
	movw	$0xEE00, 4(%rdi)                /* P, DPL 3, type E */
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)

	mov	%cr0, %rax
	mov	%rax, saved_cr0(%rip)
	or	$CR0_AM, %rax
	mov	%rax, %cr0
	mov	%rsp, saved_rsp(%rip)

	/* IRETQ to CPL 3 with RFLAGS.AC set. */
	lea	user_stack_top(%rip), %rax
	push	$SEL_UDATA | 3                  /* SS */
	push	%rax                            /* RSP */
	push	$RFLAGS_AC | 2                  /* RFLAGS */
	push	$SEL_UCODE | 3                  /* CS */
	lea	user_code(%rip), %rax
	push	%rax                            /* RIP */
	iretq

/* Back at CPL 0 (after INT 80h): the old stack and segments, AC/AM off. */
ring0_again:
	mov	user_cs(%rip), %rbx
	REPORT	k_user_cs, %rbx
	REPORT	k_count, rt_exc_count(%rip)
	REPORT	k_vector, rt_exc_vector(%rip)
	REPORT	k_error, rt_exc_error(%rip)
	REPORT	k_rip, rt_exc_rip(%rip)
	REPORT	k_loaded, ac_loaded(%rip)
	cmp	$SEL_UCODE | 3, %rbx
	jne	2f
	PASS	msg_ring
	cmpq	$0, rt_exc_count(%rip)
	je	3f                              /* no #AC: the test judges */
	cmpq	$1, rt_exc_count(%rip)
	jne	1f
	cmpq	$17, rt_exc_vector(%rip)
	jne	1f
	cmpq	$0, rt_exc_error(%rip)
	jne	1f
	lea	ac_load(%rip), %rax
	cmp	rt_exc_rip(%rip), %rax
	jne	1f
	PASS	msg_ac
	jmp	3f
1:	FAIL	msg_ac_bad
	jmp	3f
2:	FAIL	msg_ring_bad
3:	pop	%rbp
	pop	%rbx
	ret

/* Set U/S in the present entries of the table at %rdi (512 entries). */
set_user:
	xor	%ecx, %ecx
1:	testq	$PTE_P, (%rdi,%rcx,8)
	jz	2f
	orq	$PTE_US, (%rdi,%rcx,8)
2:	inc	%ecx
	cmp	$512, %ecx
	jb	1b
	ret

/* CPL 3 from here to the INT 80h. */
GUEST_LABEL(user_code)
	mov	%cs, %eax
	mov	%rax, user_cs(%rip)
	lea	ac_buf(%rip), %rbx
	CATCH	user_resume
GUEST_LABEL(ac_load)
	mov	1(%rbx), %eax                   /* misaligned: #AC(0) */
GUEST_LABEL(ac_after)
	mov	%rax, ac_loaded(%rip)
	movq	$0, rt_resume(%rip)
GUEST_LABEL(user_resume)
	mov	%cs, %eax
	REPORT	k_resume_cs, %rax               /* VMMCALL at CPL 3 */
GUEST_LABEL(int80_insn)
	int	$VEC_RING0
	ud2

/* INT 80h from CPL 3 lands here at CPL 0, on the TSS's RSP0 stack. */
back_to_ring0:
	mov	saved_rsp(%rip), %rsp
	mov	$GUEST_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	push	$2
	popfq                                   /* AC off */
	mov	saved_cr0(%rip), %rax
	mov	%rax, %cr0                      /* AM off */
	jmp	ring0_again
