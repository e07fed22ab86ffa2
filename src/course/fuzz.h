/**
 * @file
 * fuzz.h - the fuzzers that fuzz= runs instead of the course (the
 * hardening work of chapter 17): each takes a seed and a case count,
 * never crashes the host and ends with a summary.
 */
#ifndef SVMLAB_COURSE_FUZZ_H
#define SVMLAB_COURSE_FUZZ_H

#include <stdint.h>

/** seed= when none is given. */
#define FUZZ_SEED_DEFAULT 1
/** cases= when none is given: the CI-sized run. */
#define FUZZ_CASES_DEFAULT 2000
/** The most cases= accepts. */
#define FUZZ_CASES_MAX 10000000

/**
 * fuzz=vmcb: mutate a valid VMCB @p cases times from @p seed; compare
 * the checker's verdict with VMRUN's (fuzz_vmcb.c).
 */
void fuzz_vmcb_run(uint64_t seed, unsigned cases);

/**
 * fuzz=insn: run @p cases random byte sequences from @p seed as guest
 * code in each guest mode (fuzz_insn.c).
 */
void fuzz_insn_run(uint64_t seed, unsigned cases);

#endif /* SVMLAB_COURSE_FUZZ_H */
