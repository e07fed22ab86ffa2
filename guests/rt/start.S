/*
 * start.S - the runtime every long-mode guest is linked with.
 *
 * It provides what a guest needs of its own: the image header that the
 * loader reads, a GDT, an IDT whose handlers report unexpected
 * exceptions through the hypercall ABI, and the entry point that calls
 * guest_main and then says HC_DONE.  The loader starts the guest in
 * 64-bit mode with CS/DS from this GDT, RSP at the top of its stack and
 * CR3 on page tables that map the guest's window (src/svm/guest.c).
 */
#include "guest.h"

	/* Intercepts a guest did not ask for: none (weak, so 0). */
#include "header.h"

	GUEST_HEADER guest_gdt, guest_idt, (guest_gdt_end - guest_gdt - 1), \
		(256 * 16 - 1), GUEST_SEL_CODE, GUEST_SEL_DATA

	.section .rodata
	.balign	8
	/* Null, 64-bit code (L=1), flat data: the loader reads them. */
guest_gdt:
	.quad	0
	.quad	0x00AF9B000000FFFF
	.quad	0x00CF93000000FFFF
guest_gdt_end:
msg_exception:
	.asciz	"unexpected exception in the guest"
key_vector:
	.asciz	"exception.vector"
key_rip:
	.asciz	"exception.rip"

	.data
	.balign	8
	/* CATCH (guest.h): where to resume, and what was caught. */
	.globl	rt_resume, rt_exc_vector, rt_exc_error, rt_exc_rip
	.globl	rt_exc_cr2, rt_exc_count
rt_resume:	.quad	0
rt_exc_vector:	.quad	0
rt_exc_error:	.quad	0
rt_exc_rip:	.quad	0
rt_exc_cr2:	.quad	0
rt_exc_count:	.quad	0
rt_frame:	.quad	0                       /* the frame to return with */

	.bss
	.balign	16
	.globl	guest_idt
guest_idt:
	.skip	256 * 16

	.text
	.code64
	.globl	_start
_start:
	call	idt_fill
	call	guest_main
	mov	$HC_DONE, %eax
	.globl	rt_done_vmmcall
rt_done_vmmcall:                        /* tests look this address up */
	vmmcall
	ud2                     /* HC_DONE never returns */

/* Point all 256 IDT vectors at the stubs below (interrupt gates, DPL 0). */
idt_fill:
	lea	guest_idt(%rip), %rdi
	lea	exc_stubs(%rip), %rsi
	xor	%ecx, %ecx
1:	call	write_gate
	add	$16, %rdi
	add	$16, %rsi
	inc	%ecx
	cmp	$256, %ecx
	jb	1b
	ret

/* Write a 64-bit interrupt gate (P, DPL 0) for handler RSI at RDI; RAX. */
write_gate:
	mov	%rsi, %rax
	mov	%ax, (%rdi)                     /* offset 15:0 */
	movw	$GUEST_SEL_CODE, 2(%rdi)
	movw	$0x8E00, 4(%rdi)                /* P, DPL 0, type E */
	shr	$16, %rax
	mov	%ax, 6(%rdi)                    /* offset 31:16 */
	shr	$16, %rax
	mov	%eax, 8(%rdi)                   /* offset 63:32 */
	movl	$0, 12(%rdi)
	ret

/*
 * One 16-byte stub per vector: push the vector and go to the common
 * handler.  Where the CPU pushed an error code (vectors 8, 10-14, 17,
 * 21, 29, 30 when delivered as exceptions), the frame has one more word.
 */
	.balign	16
exc_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	push	$vec
	jmp	exc_common
	.set	vec, vec + 1
	.endr

/*
 * After the pushes below the stack holds: rcx rbx rax vector [error]
 * rip cs rflags rsp ss.  A caught event (CATCH) is recorded and the
 * guest resumes at rt_resume; any other fails the guest after
 * reporting the vector and the return RIP.
 */
exc_common:
	push	%rax
	push	%rbx
	push	%rcx
	mov	24(%rsp), %rbx                  /* vector */
	xor	%ecx, %ecx                      /* error code, if any */
	lea	32(%rsp), %rax                  /* -> error code or RIP */
	cmp	$32, %rbx
	jae	1f
	mov	$0x60227D00, %ecx
	bt	%ebx, %ecx
	mov	$0, %ecx
	jnc	1f
	mov	(%rax), %rcx
	add	$8, %rax                        /* -> RIP */
1:	cmpq	$0, rt_resume(%rip)
	je	unexpected
	mov	%rbx, rt_exc_vector(%rip)
	mov	%rcx, rt_exc_error(%rip)
	mov	(%rax), %rcx
	mov	%rcx, rt_exc_rip(%rip)
	cmp	$14, %rbx
	jne	2f
	mov	%cr2, %rcx
	mov	%rcx, rt_exc_cr2(%rip)
2:	incq	rt_exc_count(%rip)
	mov	rt_resume(%rip), %rcx
	mov	%rcx, (%rax)                    /* resume there */
	andq	$~0x100, 16(%rax)               /* RFLAGS.TF off */
	movq	$0, rt_resume(%rip)
	mov	%rax, rt_frame(%rip)
	pop	%rcx
	pop	%rbx
	pop	%rax
	mov	rt_frame(%rip), %rsp            /* drop vector and error */
	iretq

unexpected:
	mov	(%rax), %r12                    /* the return RIP */
	REPORT	key_vector, %rbx
	REPORT	key_rip, %r12
	FAIL	msg_exception
	HYPERCALL HC_DONE
	ud2

/*
 * The helpers guest.h documents (CAUGHT_AT, VERDICT, CHECK, CANARIES).
 * SysV functions: RBX, RBP, R12-R15 are kept.
 */

/* rt_caught_at(rip, n, vector, error or -1): EAX = 1 or 0; only RAX. */
	.globl	rt_caught_at
rt_caught_at:
	xor	%eax, %eax
	cmp	rt_exc_count(%rip), %rsi
	jne	1f
	cmp	rt_exc_vector(%rip), %rdx
	jne	1f
	cmp	rt_exc_rip(%rip), %rdi
	jne	1f
	cmp	$-1, %rcx
	je	2f
	cmp	rt_exc_error(%rip), %rcx
	jne	1f
2:	inc	%eax
1:	ret

/*
 * rt_set_gate(vector = RDI, handler = RSI): point IDT vector RDI at the
 * guest's own handler (a 64-bit interrupt gate, DPL 0), instead of the
 * runtime's stub.  Clobbers RAX, RDI and the flags.
 */
	.globl	rt_set_gate
rt_set_gate:
	shl	$4, %rdi
	lea	guest_idt(%rip), %rax
	add	%rax, %rdi
	jmp	write_gate

/* rt_verdict(EAX ok, RDI pass message, RSI fail message). */
	.globl	rt_verdict
rt_verdict:
	test	%eax, %eax
	jz	1f
	HYPERCALL HC_PASS
	ret
1:	mov	%rsi, %rdi
	HYPERCALL HC_FAIL
	ret

/* rt_check(key, value, want, msg): report, then PASS/FAIL value == want. */
	.globl	rt_check
rt_check:
	push	%rdx
	push	%rsi
	push	%rcx
	HYPERCALL HC_REPORT
	pop	%rdi
	pop	%rsi
	pop	%rdx
	xor	%eax, %eax
	cmp	%rdx, %rsi
	sete	%al
	mov	%rdi, %rsi
	jmp	rt_verdict

/* rt_canaries_kept: EAX = 1 if RAX, RCX, RDX hold CANARY_*, else 0. */
	.globl	rt_canaries_kept
rt_canaries_kept:
	movabs	$CANARY_RAX, %rsi
	cmp	%rsi, %rax
	jne	1f
	movabs	$CANARY_RCX, %rsi
	cmp	%rsi, %rcx
	jne	1f
	movabs	$CANARY_RDX, %rsi
	cmp	%rsi, %rdx
	jne	1f
	mov	$1, %eax
	ret
1:	xor	%eax, %eax
	ret
