/*
 * traps.S - one entry stub per interrupt vector, and the common path.
 *
 * The CPU pushes an error code for some exceptions only (APM2 §8.4
 * "Error Codes"); the stub for the others pushes a 0, so that every
 * frame has the same shape (struct trap_frame in trap.h).
 */
	.text

/* Vectors that push an error code: 8 10 11 12 13 14 17 21 29 30. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 \
		      || (v) == 21 || (v) == 29 || (v) == 30)

	.macro stub v
	.balign 16
trap_stub_\v:
	.if !HAS_ERROR(\v)
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.altmacro
	.macro stubs from, to
	stub \from
	.if \to - \from
	stubs %(\from + 1), \to
	.endif
	.endm

	stubs 0, 63
	stubs 64, 127
	stubs 128, 191
	stubs 192, 255

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp          /* vector and error code */
	iretq

/* The stubs' addresses, for idt_init. */
	.macro stub_addr v
	.quad trap_stub_\v
	.endm
	.macro stub_addrs from, to
	stub_addr \from
	.if \to - \from
	stub_addrs %(\from + 1), \to
	.endif
	.endm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	stub_addrs 0, 63
	stub_addrs 64, 127
	stub_addrs 128, 191
	stub_addrs 192, 255
