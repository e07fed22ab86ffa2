/*
 * asm-offsets.c - structure offsets for the assembly files.
 *
 * Not linked into the kernel: the Makefile compiles it to assembly and
 * turns each "@@ASMOFF NAME VALUE" line into "#define NAME VALUE" in
 * build/gen/asm-offsets.h.  The C structs stay the single source of
 * truth; no offset is written by hand in a .S file.
 */
#include <stddef.h>
#include "svm/vcpu.h"
#include "svm/vmcb.h"

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"@@ASMOFF " #sym " %c0\"" : : "i"(val))
#define OFFSET(sym, s, f) DEFINE(sym, offsetof(struct s, f))

void asm_offsets(void);

void asm_offsets(void)
{
	OFFSET(GREGS_RBX, guest_regs, rbx);
	OFFSET(GREGS_RCX, guest_regs, rcx);
	OFFSET(GREGS_RDX, guest_regs, rdx);
	OFFSET(GREGS_RSI, guest_regs, rsi);
	OFFSET(GREGS_RDI, guest_regs, rdi);
	OFFSET(GREGS_RBP, guest_regs, rbp);
	OFFSET(GREGS_R8, guest_regs, r8);
	OFFSET(GREGS_R9, guest_regs, r9);
	OFFSET(GREGS_R10, guest_regs, r10);
	OFFSET(GREGS_R11, guest_regs, r11);
	OFFSET(GREGS_R12, guest_regs, r12);
	OFFSET(GREGS_R13, guest_regs, r13);
	OFFSET(GREGS_R14, guest_regs, r14);
	OFFSET(GREGS_R15, guest_regs, r15);
	DEFINE(GREGS_SIZE, sizeof(struct guest_regs));
	OFFSET(VMCB_EXIT_CODE, vmcb, control.exit_code);
	OFFSET(VMCB_SAVE_RAX, vmcb, save.rax);
	OFFSET(VMCB_SAVE_RSP, vmcb, save.rsp);
	OFFSET(VMCB_SAVE_RIP, vmcb, save.rip);
}
