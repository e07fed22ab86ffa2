/**
 * @file
 * cmdline.h - the kernel command line: which chapter or guest to run.
 *
 * Options are words separated by spaces.  Multiboot1 loaders (QEMU's
 * -kernel, GRUB's multiboot) put the kernel image's name first; see
 * cmdline_args.  The options, documented in README.md:
 *
 *     chapter=N|SLUG   run one chapter (default: the whole course)
 *     guest=NAME       run one guest
 *     vmcbcheck=on|off run the VMCB checker before every VMRUN (on)
 *     ondemand=on|off  also run the guests and cases that run only on
 *                      request, because they may bring an emulator down
 *                      (off)
 *     watchdog=MS      stop a guest that runs longer (500)
 *     nasid=N          use at most N ASIDs from chapter 12 on (the CPU's)
 *     trace=on|off     trace every exit (on); off for measuring (chapter 16)
 *     fuzz=vmcb|insn   run a fuzzer instead of the course
 *     seed=N cases=N   the fuzzer's seed and number of cases
 *     fault=KIND       self-test: raise a host exception (de ud bp gp pf)
 *     faultat=GUEST    ... not at boot but as GUEST starts (chapter 17)
 *
 * The parser only splits and recognises; course.c checks that a chapter
 * or guest exists and says which do.  Pure C: host unit tests run it.
 */
#ifndef SVMLAB_KERNEL_CMDLINE_H
#define SVMLAB_KERNEL_CMDLINE_H

#include <stddef.h>

/** Longest option value kept. */
#define CMDLINE_VALUE_MAX 32

/** The parsed command line; an empty string means "not given". */
struct options {
	char chapter[CMDLINE_VALUE_MAX];        /**< chapter=, number or slug */
	char guest[CMDLINE_VALUE_MAX];          /**< guest= */
	char fault[CMDLINE_VALUE_MAX];          /**< fault= */
	char vmcbcheck[CMDLINE_VALUE_MAX];      /**< vmcbcheck= on or off */
	char ondemand[CMDLINE_VALUE_MAX];       /**< ondemand= on or off */
	char watchdog[CMDLINE_VALUE_MAX];       /**< watchdog= milliseconds */
	char nasid[CMDLINE_VALUE_MAX];          /**< nasid= cap on ASIDs */
	char trace[CMDLINE_VALUE_MAX];          /**< trace= on or off */
	char fuzz[CMDLINE_VALUE_MAX];           /**< fuzz= vmcb or insn */
	char seed[CMDLINE_VALUE_MAX];           /**< seed= the fuzzer's seed */
	char cases[CMDLINE_VALUE_MAX];          /**< cases= fuzz cases to run */
	char faultat[CMDLINE_VALUE_MAX];        /**< faultat= guest to fault in */
};

/** The help text listing every option, for error messages. */
extern const char cmdline_help[];

/**
 * The options part of the loader's command line: after the first word
 * when @p image_name_first (a Multiboot1 boot), else all of @p line.
 */
const char *cmdline_args(const char *line, int image_name_first);

/**
 * Parse @p line into @p o.  Returns 0, or -1 with a message in @p err
 * (at most @p errlen bytes) naming the word that was not understood.
 */
int cmdline_parse(const char *line, struct options *o, char *err,
		  size_t errlen);

#endif /* SVMLAB_KERNEL_CMDLINE_H */
