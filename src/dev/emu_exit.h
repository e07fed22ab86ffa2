/**
 * @file
 * emu_exit.h - ending the run: make the emulator exit.
 *
 * The kernel ends every run the same way: it prints the summary trace
 * line, then asks the emulator to stop.  The exit status is a hint only;
 * the harness judges a run by its summary line (docs/trace-format.md).
 */
#ifndef SVMLAB_DEV_EMU_EXIT_H
#define SVMLAB_DEV_EMU_EXIT_H

/**
 * Run outcomes.  On QEMU with isa-debug-exit the process exit status is
 * (code << 1) | 1, so PASS exits 33, FAIL 35, NO_SVM 37, BAD_CMDLINE 39
 * and PANIC 41.  Bochs always exits 1 on a shutdown request.
 */
enum run_status {
	RUN_PASS = 0x10,        /**< every check and guest passed */
	RUN_FAIL = 0x11,        /**< at least one check or guest failed */
	RUN_NO_SVM = 0x12,      /**< the CPU cannot run SVM: a clean refusal */
	RUN_BAD_CMDLINE = 0x13, /**< the kernel command line was not understood */
	RUN_PANIC = 0x14,       /**< a host exception or kernel panic */
};

/** The status's name as it appears in the summary ("pass", "no-svm"...). */
const char *run_status_name(enum run_status status);

/** Stop the emulator with @p status.  Never returns. */
void emu_exit(enum run_status status) __attribute__((noreturn));

#endif /* SVMLAB_DEV_EMU_EXIT_H */
