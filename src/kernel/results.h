/**
 * @file
 * results.h - what passed and what failed, and the run's summary.
 *
 * Chapters record host-side checks with check(); guests (from chapter 4)
 * record their end with results_guest_end().  Every run ends in
 * results_finish(), which prints the summary as readable text and as the
 * "summary" trace event, then stops the emulator.  Nothing is lost: a
 * chapter that was cut short by a panic or a lab TODO is reported as
 * "aborted", and chapters that never ran as "skipped".
 */
#ifndef SVMLAB_KERNEL_RESULTS_H
#define SVMLAB_KERNEL_RESULTS_H

#include "dev/emu_exit.h"

struct chapter;

/** How a guest ended (from chapter 4 on). */
enum guest_result {
	GUEST_PASS,     /**< reported pass and finished */
	GUEST_FAIL,     /**< reported fail, or a check on its exits failed */
	GUEST_STOPPED,  /**< stopped by the hypervisor, with a reason */
};

/** The chapter running now, or NULL between chapters. */
const struct chapter *results_chapter(void);

/** Chapter @p c starts: print its heading and its trace event. */
void results_chapter_begin(const struct chapter *c);

/** The current chapter ends: print its tally and its trace event. */
void results_chapter_end(void);

/**
 * Record one host-side check of the current chapter.  @p name is a
 * stable dotted identifier that tests refer to ("svm.efer_svme");
 * @p fmt describes what was checked and what was seen.
 */
void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Record how guest @p name ended; @p reason is "" unless stopped.  A
 * guest that ends as @p expected counts as passed in its chapter (a
 * demonstration guest may be meant to be stopped); any other ending
 * fails the chapter and the run.
 */
void results_guest_end(const char *name, enum guest_result r,
		       enum guest_result expected, const char *reason);

/**
 * Guest @p name has started (its guest_start event): until its
 * results_guest_end, a panic records it as stopped by the panic, so
 * that the summary still accounts for it.
 */
void results_guest_begin(const char *name);

/** RUN_PASS if nothing failed so far, else RUN_FAIL. */
enum run_status results_status(void);

/** Print the summary and stop the emulator with @p status. */
void results_finish(enum run_status status) __attribute__((noreturn));

#endif /* SVMLAB_KERNEL_RESULTS_H */
