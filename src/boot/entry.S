/*
 * entry.S - from the boot loader's 32-bit protected mode to long mode.
 *
 * Both Multiboot protocols enter here in 32-bit protected mode with paging
 * off, EAX holding the loader's magic and EBX the physical address of the
 * boot information (Multiboot2 spec §3.3 "I386 machine state").  We:
 *   1. keep EAX and EBX for kmain;
 *   2. check that the CPU has long mode (CPUID 8000_0001h EDX[29]);
 *   3. identity-map the first 4 GiB with 2 MiB pages, so that the kernel,
 *      the guests' memory and the local APIC are all reachable;
 *   4. set CR4.PAE, EFER.LME and CR0.PG: the CPU is now in long mode
 *      (APM2 §14.6 "Enabling and Activating Long Mode");
 *   5. far-jump into a 64-bit code segment and call kmain(magic, info).
 */
#include "multiboot.h"

#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xC0000080
#define EFER_LME        (1 << 8)
#define PTE_P           (1 << 0)
#define PTE_W           (1 << 1)
#define PTE_PS          (1 << 7)
#define GIB_COUNT       4               /* identity-mapped gigabytes */
#define BOOT_STACK_SIZE 16384

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, boot_magic
	movl %ebx, boot_info_pa

	/* Long mode must exist: CPUID 8000_0001h EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* Zero the page-table area: PML4, PDPT and GIB_COUNT page dirs. */
	movl $boot_pml4, %edi
	movl $((2 + GIB_COUNT) * 4096 / 4), %ecx
	xorl %eax, %eax
	rep stosl

	/* PML4[0] -> PDPT, PDPT[i] -> page directory i. */
	movl $boot_pdpt + (PTE_P | PTE_W), boot_pml4
	movl $boot_pd + (PTE_P | PTE_W), %eax
	movl $boot_pdpt, %edi
	movl $GIB_COUNT, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b

	/* Each PD entry maps 2 MiB: entry n covers n * 2 MiB. */
	movl $boot_pd, %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	xorl %edx, %edx                 /* bits 63:32 of the address */
	movl $(GIB_COUNT * 512), %ecx
2:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 2b

	/* PAE on, CR3 at the PML4, EFER.LME on, then paging on. */
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $start64

/* Print a message on COM1 and stop: without long mode we cannot go on. */
no_long_mode:
	movl $no_lm_msg, %esi
3:	lodsb
	testb %al, %al
	jz 5f
	movb %al, %bl
	movw $0x3FD, %dx
4:	inb %dx, %al
	testb $0x20, %al
	jz 4b
	movw $0x3F8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 3b
5:	cli
	hlt
	jmp 5b

	.code64
start64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic, %edi
	movl boot_info_pa, %esi
	call kmain
6:	cli
	hlt
	jmp 6b

	.section .rodata
no_lm_msg:
	.asciz "svmlab: this CPU has no long mode (CPUID 8000_0001h EDX[29])\r\n"

/* A minimal GDT for the jump; gdt_init() installs the real one later. */
	.balign 16
boot_gdt:
	.quad 0                         /* 0x00: null */
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF        /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.data
	.balign 4
	.globl boot_magic, boot_info_pa
boot_magic:
	.long 0
boot_info_pa:
	.long 0

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096 * GIB_COUNT
	.balign 16
	.globl boot_stack_top
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
