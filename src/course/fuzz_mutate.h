/**
 * @file
 * fuzz_mutate.h - the mutations of fuzz=vmcb: a deterministic generator
 * and the small changes it makes to a valid VMCB, aimed at the
 * consistency checks of APM2 §15.5.1 (chapter 4, hardened in chapter 17).
 *
 * A case is a short list of mutations drawn from (seed, case index)
 * alone, so that any case can be drawn again without the ones before it.
 * A mutation is data (an operation and one argument), so that it can be
 * printed, traced and written down as a regression case (the corpus in
 * fuzz_vmcb.c).  Everything here is pure: the host unit tests run it
 * (tests/unit/test_fuzz_mutate.c).
 *
 * Two states are never run, because an emulator does not survive them
 * (fuzz_hazard):
 *  - CR0.PE clear with EFER.LME and CR0.PG set: Bochs 2.7 accepts the
 *    VMCB and stops the whole simulation (the deviation
 *    bochs-vmrun-accepts-lme_pg_no_pe), which is why chapter 4 runs that
 *    case only on request.  The generator never clears CR0.PE.
 *  - CR3 at or above 2^MAXPHYADDR (a bit from MAXPHYADDR to 51) without
 *    nested paging: Bochs 2.7 does not check the guest's CR3, and its
 *    page walk from a table that high may kill the emulator process
 *    (SIGSEGV; the deviation bochs-cr3-above-maxphyaddr-crashes).  With
 *    nested paging the walk goes through the fuzzer's nested page table
 *    and ends in #NPF, so a case that sets such a CR3 bit gets
 *    NP_ENABLE too (fuzz_case_draw), and the bits the nested table
 *    cannot index (48 to 51) are never drawn.
 * The corpus of fuzz_vmcb.c has one case of the second kind that runs
 * only with ondemand=on, to pin the crash.
 */
#ifndef SVMLAB_COURSE_FUZZ_MUTATE_H
#define SVMLAB_COURSE_FUZZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include "svm/vmcb.h"
#include "svm/vmcb_check.h"

/** The generator: splitmix64, one 64-bit word of state. */
struct fuzz_rng {
	uint64_t state;         /**< advanced by a fixed odd constant */
};

/** Seed @p r for case @p index of the run with seed @p seed. */
void fuzz_rng_seed(struct fuzz_rng *r, uint64_t seed, uint64_t index);

/** The next 64 random bits. */
uint64_t fuzz_rng_next(struct fuzz_rng *r);

/** A number from 0 to @p n - 1 (@p n > 0). */
unsigned fuzz_rng_below(struct fuzz_rng *r, unsigned n);

/** What a mutation does; @c arg is its one argument. */
enum fuzz_op {
	FUZZ_EFER_SET,          /**< EFER |= 1 << arg */
	FUZZ_EFER_CLEAR,        /**< EFER &= ~(1 << arg) */
	FUZZ_CR0_SET,           /**< CR0 |= 1 << arg */
	FUZZ_CR0_CLEAR,         /**< CR0 &= ~(1 << arg); never PE (bit 0) */
	FUZZ_CR3_SET,           /**< CR3 |= 1 << arg */
	FUZZ_CR4_SET,           /**< CR4 |= 1 << arg */
	FUZZ_CR4_CLEAR,         /**< CR4 &= ~(1 << arg) */
	FUZZ_DR6_SET,           /**< DR6 |= 1 << arg */
	FUZZ_DR7_SET,           /**< DR7 |= 1 << arg */
	FUZZ_CS_SET,            /**< CS.attrib |= 1 << arg (D: bit 10) */
	FUZZ_CS_CLEAR,          /**< CS.attrib &= ~(1 << arg) (L: bit 9) */
	FUZZ_MISC1_SET,         /**< intercept_misc1 |= 1 << arg */
	FUZZ_MISC2_CLEAR,       /**< intercept_misc2 &= ~(1 << arg) */
	FUZZ_MSRPM,             /**< MSRPM_BASE_PA = arg */
	/** MSRPM_BASE_PA = 2^MAXPHYADDR - (arg & ~0xfff) + (arg & 0xfff) */
	FUZZ_MSRPM_TOP,
	FUZZ_IOPM,              /**< IOPM_BASE_PA = arg */
	FUZZ_IOPM_TOP,          /**< IOPM_BASE_PA, as FUZZ_MSRPM_TOP */
	FUZZ_EVENTINJ,          /**< EVENTINJ = arg */
	FUZZ_ASID,              /**< ASID = arg */
	FUZZ_TLB,               /**< TLB_CONTROL = arg */
	FUZZ_NP,                /**< nested_ctl |= NP_ENABLE */
	FUZZ_GPAT,              /**< G_PAT byte (arg >> 8) = arg & 0xff */
	FUZZ_OP_COUNT           /**< number of operations */
};

/** One mutation. */
struct fuzz_mut {
	uint32_t op;            /**< enum fuzz_op */
	uint64_t arg;           /**< its argument */
};

/**
 * The guest-physical address bits a four-level nested page table
 * translates: CR3 bits from MAXPHYADDR up to here are drawn with nested
 * paging (see the file comment).
 */
#define FUZZ_NPT_GPA_BITS 48

/** The most mutations in one case. */
#define FUZZ_MUTS_MAX 6

/** One case: @c n mutations, applied in order. */
struct fuzz_case {
	unsigned n;                             /**< mutations used */
	struct fuzz_mut mut[FUZZ_MUTS_MAX];     /**< the mutations */
};

/** The operation's name, as the trace spells it ("cr0|="). */
const char *fuzz_op_name(uint32_t op);

/** The physical address width the checker uses: 52 if unknown. */
unsigned fuzz_phys_width(const struct vmcb_check_env *env);

/**
 * Draw one mutation from @p r for a processor like @p env: mostly
 * reserved and must-be-zero bits and the fields §15.5.1 names, with
 * legal values among them so that some cases stay valid.
 */
void fuzz_mut_draw(struct fuzz_mut *m, struct fuzz_rng *r,
		   const struct vmcb_check_env *env);

/**
 * Draw case @p index of the run with seed @p seed: one mutation in half
 * of the cases, two to FUZZ_MUTS_MAX in the rest; a CR3 above
 * MAXPHYADDR brings nested paging with it.  Never a fuzz_hazard.
 */
void fuzz_case_draw(struct fuzz_case *c, uint64_t seed, uint64_t index,
		    const struct vmcb_check_env *env);

/** Apply @p m to @p v (@p env gives MAXPHYADDR for the _TOP forms). */
void fuzz_mut_apply(struct vmcb *v, const struct fuzz_mut *m,
		    const struct vmcb_check_env *env);

/** Apply every mutation of @p c to @p v, in order. */
void fuzz_case_apply(struct vmcb *v, const struct fuzz_case *c,
		     const struct vmcb_check_env *env);

/**
 * Write @p m as text into @p buf ("cr0|=bit29", "eventinj=0x80000305",
 * "msrpm=top-0x2000"); returns what ksnprintf returns.
 */
int fuzz_mut_format(char *buf, size_t n, const struct fuzz_mut *m);

/**
 * Nonzero if an emulator must not be given @p v on a processor like
 * @p env: CR0.PE clear in long mode, or CR3 at or above 2^MAXPHYADDR
 * outside nested paging (see the file comment).
 */
int fuzz_hazard(const struct vmcb *v, const struct vmcb_check_env *env);

#endif /* SVMLAB_COURSE_FUZZ_MUTATE_H */
