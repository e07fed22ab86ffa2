/**
 * @file
 * course.h - the chapters of the course and how a run walks them.
 *
 * Each chapter has a number, a slug (its directory name under
 * chapters/ without the number) and a run function.  The default run
 * walks every chapter in order; chapter= on the command line picks one.
 * Chapters after 2 need SVM enabled: if chapter 2 did not run in this
 * boot, course_run enables SVM first (svm_setup).
 */
#ifndef SVMLAB_KERNEL_COURSE_H
#define SVMLAB_KERNEL_COURSE_H

#include "cmdline.h"

/** Room in the results table; raise it when chapters are added. */
#define COURSE_MAX_CHAPTERS 20

/** One chapter of the course. */
struct chapter {
	unsigned index;         /**< position in course_chapters[] */
	unsigned num;           /**< chapter number, as in chapters/NN-slug */
	const char *slug;       /**< short name, as in chapters/NN-slug */
	const char *title;      /**< heading printed when it starts */
	int needs_svm;          /**< SVM must be enabled before it runs */
	void (*run)(void);      /**< records checks and runs guests */
	const char *const *guests; /**< its guests, NULL-terminated, or NULL */
	unsigned policy;        /**< HV_POLICY_* its guests run under */
};

/** guest= on the command line, or "" to run every guest. */
extern const char *course_only_guest;

/** ondemand=on: run the guests and cases marked "on request" too. */
extern int course_ondemand;

/**
 * faultat= and fault=: the guest in whose run the host raises the
 * exception fault= names (chapter 17's "nothing lost"), or "".
 */
extern const char *course_fault_at;
/** The kind of that exception (selftest.h), "pf" if fault= is empty. */
extern const char *course_fault_kind;

/**
 * trace= was given on the command line: chapter 16, which measures with
 * the exit trace off, then keeps what was asked for.
 */
extern int course_trace_given;
/** vmcbcheck= was given: the same for the VMCB check (chapter 16). */
extern int course_vmcbcheck_given;

/** Should the chapter run guest @p name (guest= selects one)? */
int course_guest_selected(const char *name);

/**
 * Should a guest or case that runs only on request run now?  Yes when
 * guest= names it or ondemand=on; else it prints why it is skipped.
 */
int course_on_request(const char *name);

/** The chapters, in course order. */
extern const struct chapter course_chapters[];
/** Number of entries in course_chapters. */
extern const unsigned course_chapter_count;

/**
 * Check the command line's chapter= and guest= values against what
 * exists.  Returns 0, or -1 after printing what exists.
 */
int course_validate(const struct options *o);

/** Run the selected chapters (all by default). */
void course_run(const struct options *o);

#endif /* SVMLAB_KERNEL_COURSE_H */
