/**
 * @file
 * exits.h - the SVM exit codes by name (APM2 Appendix C "SVM Intercept
 * Exit Codes").
 *
 * #VMEXIT stores one of these codes in EXITCODE (vmcb_control.exit_code,
 * 070h); a VMRUN that fails stores a negative one.  exits.c lists every
 * code of Appendix C once, so that the trace, a panic message and the
 * generated docs/vmcb.md print "HLT" instead of 78h.  The code is
 * freestanding: the kernel and the host unit tests link the same file.
 */
#ifndef SVMLAB_SVM_EXITS_H
#define SVMLAB_SVM_EXITS_H

#include <stdint.h>

/** One exit code of APM2 Appendix C. */
struct svm_exit_info {
	uint64_t code;          /**< EXITCODE; -1 to -4 as 64-bit values */
	const char *name;       /**< the APM symbol minus "VMEXIT_" */
	const char *meaning;    /**< what made the guest exit, one line */
};

/**
 * Every code of Appendix C, once, in ascending order of the unsigned
 * 64-bit code, so the negative codes -4 to -1 come last.
 */
extern const struct svm_exit_info svm_exit_table[];

/** The number of entries in svm_exit_table. */
extern const unsigned svm_exit_table_count;

/**
 * The name of exit code @p code: "HLT", "CR3_READ", "EXCP14", "INVALID"
 * and so on, or "UNKNOWN" for a code that Appendix C does not define.
 * The code is compared as a full 64-bit value; pass a code read from an
 * emulator through svm_exit_code_normalize first.
 */
const char *svm_exit_name(uint64_t code);

/**
 * A one-line description of exit code @p code, or "" for a code that
 * Appendix C does not define.
 */
const char *svm_exit_meaning(uint64_t code);

/**
 * @p raw with a negative code that was stored in 32 bits sign-extended:
 * 0000_0000_FFFF_FFFCh to 0000_0000_FFFF_FFFFh become -4 to -1.  Any
 * other value comes back unchanged.  QEMU's TCG writes VMEXIT_INVALID
 * as 0000_0000_FFFF_FFFFh, a real processor as FFFF_FFFF_FFFF_FFFFh.
 */
static inline uint64_t svm_exit_code_normalize(uint64_t raw)
{
	/* -4..-1 stored as 32-bit values: FFFF_FFFCh..FFFF_FFFFh. */
	if (raw >= 0xfffffffcull && raw <= 0xffffffffull)
		return raw | 0xffffffff00000000ull;
	return raw;
}

#endif /* SVMLAB_SVM_EXITS_H */
