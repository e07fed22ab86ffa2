/**
 * @file
 * panic.h - fatal errors in the host: dump, summarise, stop.
 *
 * A panic is never silent and never hangs: it prints what happened
 * (readable and as a "panic" trace event), then the run's summary with
 * status "panic", then stops the emulator.
 */
#ifndef SVMLAB_KERNEL_PANIC_H
#define SVMLAB_KERNEL_PANIC_H

#include "arch/trap.h"

/** Stop the run because the host took exception @p tf. */
void panic_trap(struct trap_frame *tf) __attribute__((noreturn));

/** Stop the run with a message (a kernel bug or impossible state). */
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif /* SVMLAB_KERNEL_PANIC_H */
