/**
 * @file
 * trap.h - exceptions and interrupts taken by the host.
 *
 * Every vector enters through a stub in traps.S that pushes the same
 * frame; trap_dispatch receives it.  An exception the host did not
 * expect is fatal: it prints a register dump and ends the run with the
 * "panic" status.  The one exception that is expected is a fault at an
 * instruction listed in the fix-up table (see msr.h: rdmsr_safe).
 */
#ifndef SVMLAB_ARCH_TRAP_H
#define SVMLAB_ARCH_TRAP_H

#include <stdint.h>

/** The registers as the stubs in traps.S push them, lowest address first. */
struct trap_frame {
	uint64_t r15;           /**< general-purpose registers... */
	uint64_t r14;           /**< ... */
	uint64_t r13;           /**< ... */
	uint64_t r12;           /**< ... */
	uint64_t r11;           /**< ... */
	uint64_t r10;           /**< ... */
	uint64_t r9;            /**< ... */
	uint64_t r8;            /**< ... */
	uint64_t rbp;           /**< ... */
	uint64_t rdi;           /**< ... */
	uint64_t rsi;           /**< ... */
	uint64_t rdx;           /**< ... */
	uint64_t rcx;           /**< ... */
	uint64_t rbx;           /**< ... */
	uint64_t rax;           /**< ... general-purpose registers */
	uint64_t vector;        /**< pushed by the stub */
	uint64_t error_code;    /**< by the CPU, or 0 pushed by the stub */
	uint64_t rip;           /**< interrupt stack frame, by the CPU... */
	uint64_t cs;            /**< ... */
	uint64_t rflags;        /**< ... */
	uint64_t rsp;           /**< ... */
	uint64_t ss;            /**< ... interrupt stack frame */
};

/** Build the IDT with a gate for every vector and load it. */
void idt_init(void);

/** Called by traps.S for every vector, with the saved frame. */
void trap_dispatch(struct trap_frame *tf);

/** The mnemonic of exception @p vector ("#PF"), or "INT" above 31. */
const char *exception_name(unsigned vector);

#endif /* SVMLAB_ARCH_TRAP_H */
