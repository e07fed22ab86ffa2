/**
 * @file
 * chapters.h - the run function of each chapter, listed in course.c.
 */
#ifndef SVMLAB_COURSE_CHAPTERS_H
#define SVMLAB_COURSE_CHAPTERS_H

#include "boot/bootinfo.h"

/** The boot information, parsed once in kmain. */
extern struct boot_info boot_info;

/** Chapter 1: report how we booted, the command line and memory map. */
void ch01_boot_run(void);

/** Chapter 2: detect SVM, report its features, enable it. */
void ch02_detect_run(void);

/** Chapter 3: the VMCB as the processor reads and writes it. */
void ch03_vmcb_run(void);

struct vmcb_seg;

/**
 * The host's TR as a VMCB segment, converted by seg.c from the host's
 * own TSS descriptor (chapter 3; chapter 4 compares it after guests).
 */
void course_host_tr(struct vmcb_seg *s);

/** Chapter 4: the first guests, and one VMRUN per consistency check. */
void ch04_vmrun_run(void);

/** Chapter 4's guests and VMRUN cases, as guest= accepts them. */
extern const char *const ch04_guests[];

/**
 * Run guest @p name in the current chapter: load it, run it to its end,
 * record the result.  @p expected is how it should end.  Skipped when
 * guest= names another guest.
 */
void course_run_guest(const char *name);

#endif /* SVMLAB_COURSE_CHAPTERS_H */
