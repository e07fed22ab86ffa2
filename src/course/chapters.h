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

#endif /* SVMLAB_COURSE_CHAPTERS_H */
