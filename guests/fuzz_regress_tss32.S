/*
 * fuzz_regress_tss32.S - chapter 17: the instruction fuzzer's 32-bit
 * stack switch that ended QEMU itself, minimised.
 *
 * An interrupt from CPL 3 to a CPL-0 handler switches stacks: the
 * processor reads SS0:ESP0 from the TSS that TR's hidden base points at
 * and pushes SS, ESP, EFLAGS, CS and EIP there (APM2 §8.7 "Legacy
 * Protected-Mode Interrupt Control Transfers").  What TR holds after LTR
 * is a busy TSS, type Bh for a 32-bit one (APM2 §12.2 "Task-Management
 * Resources": LTR marks the descriptor busy), and that is what svmlab's
 * loader gives every 32-bit guest in its VMCB (src/svm/guest.c:
 * init_gdt_segments): TR base 0, limit 67h, type Bh.  QEMU 7.2 accepts
 * only an available type there, and at the stack switch aborts ("qemu:
 * fatal: invalid tss type", tests/deviations.py:
 * qemu-tss32-busy-tr-aborts): the emulator, hence the host and every
 * guest after this one, is gone.  fuzz=insn met it in 32-bit protected
 * mode, where its harness now marks its TR available.
 *
 * The guest writes its TSS where the loader's TR says it is (linear 0:
 * no paging, so guest-physical 0), loads a GDT with CPL-3 code and
 * data, points INT 80h at a handler through a DPL-3 interrupt gate,
 * IRETs to CPL 3 and executes INT 80h there.  The handler runs on
 * SS0:ESP0 of the TSS: it reports the ESP it landed on (ESP0 less the
 * five dwords of the frame), its SS (SS0) and the frame's CS and ESP
 * (CPL 3's), and the guest goes on at CPL 0.
 * It runs only on request (guest=fuzz_regress_tss32, or ondemand=on).
 */
#define GUEST_BITS 32
#include "guest.h"

GUEST_MODE(GUEST_MODE_PROT32)
	.globl	guest_flags
	.set	guest_flags, GUEST_FLAG_ON_REQUEST

#define TSS_BASE        0x0             /* the loader's TR base */
#define TSS_ESP0        0x04            /* the 32-bit TSS: ESP0, SS0 */
#define TSS_SS0         0x08
#define SEL_CODE0       0x08            /* as the runtime's GDT */
#define SEL_DATA0       0x10
#define SEL_CODE3       0x1b            /* 18h, RPL 3 */
#define SEL_DATA3       0x23            /* 20h, RPL 3 */
#define VEC_INT         0x80
#define FRAME_BYTES     20              /* EIP, CS, EFLAGS, ESP, SS */
#define EFLAGS_CPL3     0x2             /* bit 1 only: IF = 0, IOPL 0 */

GUEST_FUNC(guest_main)
	push	%ebx
	push	%ebp
	lgdt	gdtr

	/* The TSS at TR's base: SS0:ESP0, the stack of a change to CPL 0. */
	movl	$ring0_top, TSS_BASE + TSS_ESP0
	movl	$SEL_DATA0, TSS_BASE + TSS_SS0
	mov	TSS_BASE + TSS_ESP0, %ebx
	REPORT	key_esp0, %ebx

	/* INT 80h: a 32-bit interrupt gate of DPL 3, so CPL 3 may use it. */
	sidt	idtr
	mov	idtr + 2, %eax
	add	$VEC_INT * 8, %eax
	mov	$ring0_entry, %edx
	mov	%dx, (%eax)                     /* offset 15:0 */
	movw	$SEL_CODE0, 2(%eax)
	movw	$0xEE00, 4(%eax)                /* P, DPL 3, 32-bit gate */
	shr	$16, %edx
	mov	%dx, 6(%eax)                    /* offset 31:16 */

	/* To CPL 3: IRET pops EIP, CS, EFLAGS, then ESP and SS. */
	mov	%esp, ring0_esp
	push	$SEL_DATA3
	push	$ring3_top
	push	$EFLAGS_CPL3
	push	$SEL_CODE3
	push	$ring3
GUEST_LABEL(iret_to_cpl3)
	iret

ring3:
GUEST_LABEL(int_insn)
	int	$VEC_INT
	jmp	.                               /* never comes back */

/*
 * CPL 0 again, on the stack the TSS named.  DS and ES were cleared by
 * the IRET to CPL 3 (their DPL 0 is below it): registers only until
 * they are loaded again.
 */
ring0_entry:
	mov	%esp, %eax
	mov	%ss, %ecx
	mov	4(%esp), %edx                   /* the frame's CS */
	mov	12(%esp), %esi                  /* the frame's ESP */
	mov	$SEL_DATA0, %ebx
	mov	%bx, %ds
	mov	%bx, %es
	mov	%bx, %fs
	mov	%bx, %gs
	mov	ring0_esp, %esp                 /* back on guest_main's stack */
	mov	%eax, %ebx
	mov	%ecx, %ebp
	mov	%edx, got_cs3
	mov	%esi, got_esp3
	REPORT	key_esp, %ebx
	REPORT	key_ss, %ebp
	mov	got_cs3, %eax
	REPORT	key_cs3, %eax
	mov	got_esp3, %eax
	REPORT	key_esp3, %eax
	cmp	$ring0_top - FRAME_BYTES, %ebx
	jne	1f
	cmp	$SEL_DATA0, %ebp
1:	VERDICT_IF32 e, msg_ok, msg_bad
	pop	%ebp
	pop	%ebx
	ret

	.section .rodata
key_esp0:	.asciz	"tss32.esp0"
key_esp:	.asciz	"tss32.esp"
key_ss:		.asciz	"tss32.ss"
key_cs3:	.asciz	"tss32.cs3"
key_esp3:	.asciz	"tss32.esp3"
msg_ok:		.asciz	"INT 80h from CPL 3 ran on SS0:ESP0 of the busy TSS"
msg_bad:	.asciz	"INT 80h from CPL 3 did not run on SS0:ESP0 of the TSS"

	.data
	.balign	8
gdt:	.quad	0
	.quad	0x00CF9B000000FFFF              /* SEL_CODE0 */
	.quad	0x00CF93000000FFFF              /* SEL_DATA0 */
	.quad	0x00CFFB000000FFFF              /* SEL_CODE3: DPL 3 */
	.quad	0x00CFF3000000FFFF              /* SEL_DATA3: DPL 3 */
gdt_end:
	.balign	8
	.word	0
gdtr:	.word	gdt_end - gdt - 1
	.long	gdt
	.balign	8
	.word	0
idtr:	.word	0
	.long	0
ring0_esp:	.long	0
got_cs3:	.long	0
got_esp3:	.long	0

	.bss
	.balign	16
	.skip	512
GUEST_LABEL(ring3_top)
	.skip	512
GUEST_LABEL(ring0_top)
