/**
 * @file
 * chapters.h - the run function of each chapter, listed in course.c.
 */
#ifndef SVMLAB_COURSE_CHAPTERS_H
#define SVMLAB_COURSE_CHAPTERS_H

#include <stdint.h>
#include "boot/bootinfo.h"
#include "svm/vmcb_check.h"

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
 * One broken VMCB: the case name, the rule it breaks, the breakage.  A
 * case marked on_request asks for a state no processor can be in (long
 * mode without protected mode); hardware refuses it, but an emulator
 * that lets it through may crash, taking the whole run with it.  Such a
 * case runs only when guest= names it.
 */
struct vmrun_case {
	const char *name;               /**< as guest= names it */
	enum vmcb_rule rule;            /**< the one rule it breaks */
	void (*mutate)(struct vmcb *v); /**< breaks the hlt guest's VMCB */
	int on_request;                 /**< runs only when named */
};

/**
 * Break the hlt guest's VMCB one way (chapter 4): the checker must name
 * exactly that rule; then VMRUN, which should give VMEXIT_INVALID.
 * Traced as a vmrun_case event, judged by the tests.
 */
void course_vmrun_case(const struct vmrun_case *k);

/** Chapter 5: instruction intercepts, one guest per exit. */
void ch05_instructions_run(void);
/** Chapter 5's guests. */
extern const char *const ch05_guests[];

/** Chapter 6: the MSR permission map. */
void ch06_msrpm_run(void);
/** Chapter 6's guests. */
extern const char *const ch06_guests[];

/** Chapter 7: the I/O permission map. */
void ch07_iopm_run(void);
/** Chapter 7's guests. */
extern const char *const ch07_guests[];

/** Chapter 8: CR, DR and exception intercepts. */
void ch08_crdr_run(void);
/** Chapter 8's guests. */
extern const char *const ch08_guests[];

/** Chapter 9: event injection. */
void ch09_inject_run(void);
/** Chapter 9's guests and VMRUN cases. */
extern const char *const ch09_guests[];

/** Chapter 10: virtual interrupts, windows, NMIs and the watchdog. */
void ch10_interrupts_run(void);
/** Chapter 10's guests. */
extern const char *const ch10_guests[];

/** Chapter 11: EXITINTINFO and re-injection. */
void ch11_exitintinfo_run(void);
/** Chapter 11's guests. */
extern const char *const ch11_guests[];

/** Chapter 12: ASIDs, TLB control and several guests at once. */
void ch12_asid_run(void);
/** Chapter 12's guests. */
extern const char *const ch12_guests[];

/** Chapter 13: nested paging; guests in every mode. */
void ch13_npt_run(void);
/** Chapter 13's guests. */
extern const char *const ch13_guests[];

/** Chapter 14: MMIO emulation and the isolation test. */
void ch14_mmio_run(void);
/** Chapter 14's guests. */
extern const char *const ch14_guests[];

/** Chapter 15: the SEV-ES GHCB, modelled. */
void ch15_ghcb_run(void);
/** Chapter 15's guests. */
extern const char *const ch15_guests[];

/** Chapter 16: measuring exits, each kind against the floor. */
void ch16_bench_run(void);
/** Chapter 16's guests. */
extern const char *const ch16_guests[];

/** Chapter 17: hostile guests, each contained. */
void ch17_hardening_run(void);
/** Chapter 17's guests. */
extern const char *const ch17_guests[];

struct options;

/**
 * fuzz=: check seed= and cases= (and the fuzzer's name); 0, or -1 after
 * saying what is allowed.
 */
int fuzz_validate(const struct options *o);

/** fuzz=vmcb|insn: run that fuzzer instead of the course. */
void fuzz_run(const struct options *o);

struct vcpu;

/**
 * Run guest @p name in the current chapter under the chapter's policy:
 * load it, run it to its end, record the result (the image header says
 * whether it is meant to pass or to be stopped).  Skipped when guest=
 * names another guest.
 */
void course_run_guest(const char *name);

/**
 * The same, then call @p after (may be NULL) with the guest's vcpu, for
 * checks of what the guest left in its VMCB.
 */
void course_run_guest_then(const char *name, void (*after)(struct vcpu *));

/**
 * Load guest @p name as course_run_guest does, but let @p run drive it
 * instead of the exit loop (chapter 16's floor); @p run leaves the vcpu
 * done or stopped, and the result is recorded as usual.
 */
void course_run_guest_by(const char *name, void (*run)(struct vcpu *));

/**
 * Run the guests of a NULL-terminated list together, each with its own
 * VMCB and memory, under the round-robin scheduler (chapter 12); record
 * each one's result as course_run_guest would.
 */
void course_run_together(const char *const *names);

/**
 * Run guest @p name even when guest= names another one: a probe whose
 * result the chapter's other guests depend on (chapter 15's vc_probe).
 */
void course_run_probe(const char *name);

/** The same, driven by @p run (chapter 16's floor, which every figure of
 *  the chapter is relative to). */
void course_run_probe_by(const char *name, void (*run)(struct vcpu *));

/** The same, with @p after called as course_run_guest_then does
 *  (chapter 17's canary, which every hostile guest is checked with). */
void course_run_probe_then(const char *name, void (*after)(struct vcpu *));

/** Run every guest of a NULL-terminated list, in order. */
void course_run_guests(const char *const *names);

/** A host-side report of the current chapter: key and a number. */
void course_report(const char *key, uint64_t value);

#endif /* SVMLAB_COURSE_CHAPTERS_H */
