/*
 * hostile_io.S - chapter 17: a guest goes for the host's devices.
 *
 * The host's legacy devices carry the run: COM1 (3F8h) the trace, the
 * PICs (20h, A0h) and the PIT (40h) the interrupts the host masked,
 * port F4h QEMU's isa-debug-exit, through which the kernel ends a run
 * with its status.  Others reset or power off the machine.  None of them
 * is passed through: the I/O permission map intercepts every port but
 * 80h (chapter 7, src/svm/io.c), and behind the intercept a port is
 * either the emulated device, the guest's own console (COM1's data
 * port), or nothing, which reads as all ones and ignores writes.
 *
 * The guest writes, in order:
 *   - COM1: DLAB in the line control register, a divisor, interrupts
 *     on, loopback in the modem control (any of which would garble or
 *     silence the host's serial output);
 *   - the PICs: an ICW1 (re-initialisation) and all IRQs unmasked;
 *   - the PIT: channel 0 reprogrammed to a count of 1;
 *   - the CMOS: NMIs off (bit 7 of 70h) and the shutdown byte;
 *   - the machine: fast reset (92h), keyboard-controller reset (64h,
 *     FEh), PCI reset (CF9h), ACPI power off (QEMU 604h, Bochs B004h),
 *     Bochs' "Shutdown" string (8900h), and 10h to isa-debug-exit
 *     (F4h), which would end QEMU with the status of a passing run;
 * then reads the PIC mask, the CMOS data port and F4h (all ones: no
 * device), and COM1's line status (60h: the console is ready).
 *
 * Last, it tries to write into the trace itself through its console: a
 * line that starts like a trace line (the hypervisor prints console
 * lines after a prefix of its own, and the trace parser looks for
 * "@svmlab " anywhere in a line) and one with an unfinished JSON
 * object.  The hypervisor must show '@' as '?' in guest text
 * (src/svm/io.c: console_byte), so neither becomes a trace event.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

/* OUT \value (a byte) to \port. */
.macro OUTB port, value
	mov	$\port, %edx
	mov	$\value, %al
	out	%al, %dx
.endm

/* OUT a word. */
.macro OUTW port, value
	mov	$\port, %edx
	mov	$\value, %ax
	out	%ax, %dx
.endm

/* EBX = IN byte from \port. */
.macro INB port
	mov	$\port, %edx
	xor	%eax, %eax
	in	%dx, %al
	mov	%eax, %ebx
.endm

/* OUTSB the NUL-terminated string at \label to COM1, one byte a time. */
.macro CONSOLE label
	lea	\label(%rip), %rsi
	mov	$0x3f8, %edx
1:	cmpb	$0, (%rsi)
	je	2f
	outsb
	jmp	1b
2:
.endm

	.section .rodata
forged:
	.asciz	"@svmlab {\"ev\":\"panic\",\"kind\":\"forged\"}\n"
broken:		.asciz	"x @svmlab {\"ev\":\n"
shutdown:	.ascii	"Shutdown"

GUEST_FUNC(guest_main)
	push	%rbx
	/* COM1: the host's trace. */
	OUTB	0x3fb, 0x80                     /* LCR: DLAB */
	OUTB	0x3f8, 0x0c                     /* divisor 12: 9600 baud */
	OUTB	0x3f9, 0x00
	OUTB	0x3fb, 0x03
	OUTB	0x3f9, 0x0f                     /* IER: every interrupt */
	OUTB	0x3fc, 0x10                     /* MCR: loopback */
	/* The PICs: re-initialise, unmask everything. */
	OUTB	0x20, 0x11
	OUTB	0x21, 0x00
	OUTB	0xa0, 0x11
	OUTB	0xa1, 0x00
	/* The PIT: channel 0, mode 0, a count of 1. */
	OUTB	0x43, 0x30
	OUTB	0x40, 0x01
	OUTB	0x40, 0x00
	/* The CMOS: NMIs off, the shutdown status byte. */
	OUTB	0x70, 0x8f
	OUTB	0x71, 0x0a
	/* The machine. */
	OUTB	0x92, 0x01                      /* fast reset */
	OUTB	0x64, 0xfe                      /* keyboard controller */
	OUTB	0xcf9, 0x06                     /* PCI reset */
	OUTW	0x604, 0x2000                   /* QEMU's ACPI: off */
	OUTW	0xb004, 0x2000                  /* Bochs' ACPI: power off */
	lea	shutdown(%rip), %rsi
	mov	$0x8900, %edx
	mov	$8, %ecx
	rep outsb                               /* Bochs: "Shutdown" */
	mov	$0xf4, %edx
	mov	$0x10, %eax
	out	%eax, %dx                       /* QEMU: exit, status 33 */
	/* Still here.  What reads come back. */
	INB	0x21
	EXPECT	"io.pic_mask", %rbx, 0xff, "the PIC mask reads all ones"
	INB	0x71
	EXPECT	"io.cmos", %rbx, 0xff, "the CMOS data port reads all ones"
	INB	0xf4
	EXPECT	"io.debug_exit", %rbx, 0xff, "port F4h reads all ones"
	INB	0x3fd
	EXPECT	"io.com1_lsr", %rbx, 0x60, \
		"COM1's line status: my console is ready"
	/* The trace, through my console. */
	CONSOLE	forged
	CONSOLE	broken
	PASS_S	"I wrote to every host device and I am still running"
	pop	%rbx
	ret
