/*
 * fuzz_regress_v86.S - chapter 17: the instruction fuzzer's #VMEXIT
 * from virtual-8086 mode that ended Bochs itself, minimised.
 *
 * In 32-bit protected mode an IRET at CPL 0 whose popped EFLAGS has VM
 * set enters virtual-8086 mode: it pops EIP, CS, EFLAGS, ESP, SS, ES,
 * DS, FS and GS (APM3 "IRET").  The intercepts do not care which mode
 * the guest is in: CPUID still exits (72h), and #VMEXIT saves RFLAGS,
 * VM included, with CS, CPL 3 and the rest in the VMCB (APM2 §15.6
 * "#VMEXIT"); the next VMRUN loads them back and the guest goes on in
 * virtual-8086 mode (§15.5.1: VMRUN forces CPL 3 there).  Bochs 2.7
 * cannot leave such a guest: at the #VMEXIT it loads the host's EFER,
 * LMA set, while the guest's VM is still set, and stops the whole
 * simulation ("VM is set in long mode", tests/deviations.py:
 * bochs-v86-vmexit-panics), the host and every guest after this one
 * gone.  fuzz=insn met it as an IRET of a random frame; its 32-bit
 * cases now have no IRET.
 *
 * The guest copies its 16-bit code below 1 MiB, where virtual-8086 mode
 * can reach, and IRETs to it.  There it runs CPUID of the hypervisor's
 * leaf (an exit from virtual-8086 mode, and a VMRUN back into it),
 * checks and reports what the hypervisor answered, and ends with
 * HC_DONE from virtual-8086 mode, so that the last #VMEXIT's state stays
 * in the VMCB for chapter 17 to read (src/course/ch17_hardening.c:
 * v86_after).  Nothing it runs there depends on IOPL (no CLI, STI,
 * PUSHF, POPF, INT n or IRET), so IOPL 0 will do.
 * It runs only on request (guest=fuzz_regress_v86, or ondemand=on).
 */
#define GUEST_BITS 32
#include "guest.h"

GUEST_MODE(GUEST_MODE_PROT32)
	.globl	guest_flags
	.set	guest_flags, GUEST_FLAG_ON_REQUEST

#define V86_SEG         0x0800          /* CS, SS, DS, ES, FS and GS */
#define V86_BASE        0x8000          /* V86_SEG * 16: the code's copy */
#define V86_SP          0xfff0
#define EFLAGS_VM       (1 << 17)
#define EFLAGS_V86      (EFLAGS_VM | 0x2)       /* IF = 0, IOPL 0 */
#define HV_LEAF         0x40000000      /* the hypervisor's CPUID leaf */

GUEST_FUNC(guest_main)
	/* The 16-bit code, copied where V86_SEG:0 points. */
	mov	$v86_code, %esi
	mov	$V86_BASE, %edi
	mov	$v86_end - v86_code, %ecx
	cld
	rep movsb

	/* IRET to virtual-8086 mode: EIP, CS, EFLAGS with VM, ESP, SS,
	 * then ES, DS, FS, GS, all of them real-mode style. */
	push	$V86_SEG                        /* GS */
	push	$V86_SEG                        /* FS */
	push	$V86_SEG                        /* DS */
	push	$V86_SEG                        /* ES */
	push	$V86_SEG                        /* SS */
	push	$V86_SP
	push	$EFLAGS_V86
	push	$V86_SEG                        /* CS */
	push	$0                              /* EIP: v86_code's copy */
GUEST_LABEL(iret_to_v86)
	iret

/*
 * Virtual-8086 mode, at V86_SEG:0.  Nothing here is position-dependent:
 * the jumps are relative, and the strings' 32-bit addresses are what
 * the hypervisor reads (guest_abi.h: pointers are linear addresses).
 */
	.code16
GUEST_LABEL(v86_code)
	mov	$HV_LEAF, %eax
	xor	%ecx, %ecx
GUEST_LABEL(v86_cpuid)
	cpuid
	mov	%eax, %ebx
	REPORT	key_cpuid, %ebx
	cmp	$HV_CPUID_LEAF_MAX, %ebx
	VERDICT_IF32 e, msg_ok, msg_bad
	mov	$HC_DONE, %eax
GUEST_LABEL(v86_done)
	vmmcall                                 /* the last #VMEXIT */
	jmp	.                               /* it never resumes */
v86_end:
	.code32

	.section .rodata
key_cpuid:	.asciz	"v86.cpuid"
msg_ok:		.asciz	"CPUID in virtual-8086 mode exited and came back"
msg_bad:	.asciz	"CPUID in virtual-8086 mode: not the hypervisor's answer"
