/**
 * @file
 * decode.h - one decode per exit type (APM2 §15.7 "Instruction
 * Intercepts", §15.10, §15.11, §15.12 and Appendix C).
 *
 * Each #VMEXIT is decoded once, right after it happens, into a struct
 * exit_decode.  The trace prints the decoded fields and the handler
 * uses the same struct, so what a student reads in the trace is what the
 * hypervisor acted on.
 */
#ifndef SVMLAB_SVM_DECODE_H
#define SVMLAB_SVM_DECODE_H

#include <stdint.h>
#include "insn.h"

/** IOIO EXITINFO1, decoded (APM2 Figure 15-2). */
struct ioio {
	uint16_t port;          /**< bits 31:16 */
	uint8_t in;             /**< bit 0: 1 = IN/INS, 0 = OUT/OUTS */
	uint8_t str;            /**< bit 2: INS or OUTS */
	uint8_t rep;            /**< bit 3: a REP prefix */
	uint8_t size;           /**< bits 6:4: operand size 1, 2 or 4; 0 if none set */
	uint8_t asize;          /**< bits 9:7: address size 16/32/64; 0 if none set */
	uint8_t seg;            /**< bits 12:10: segment of a string source */
};

/**
 * Decode IOIO EXITINFO1.  Returns 0, or -1 if the size field does not
 * name exactly one size.
 */
int ioio_decode(uint64_t info1, struct ioio *out);

/** Which decode an exit got. */
enum decode_kind {
	DEC_NONE,       /**< nothing beyond the exit code */
	DEC_INSN,       /**< an instruction intercept: its bytes were decoded */
	DEC_CPUID,      /**< leaf and subleaf */
	DEC_MSR,        /**< RDMSR/WRMSR */
	DEC_IOIO,       /**< IN/OUT/INS/OUTS */
	DEC_CRDR,       /**< MOV to or from CRn/DRn */
	DEC_EXCP,       /**< an exception intercept */
};

/** How the GPR of a MOV CR/DR was learned. */
enum crdr_source {
	CRDR_ASSIST,    /**< EXITINFO1 bit 63 and 3:0 (decode assists) */
	CRDR_INSN,      /**< the hypervisor decoded the instruction */
	CRDR_UNKNOWN,   /**< not a MOV: CLTS, LMSW, or undecodable */
};

/** One exit, decoded. */
struct exit_decode {
	uint64_t code;                  /**< normalized exit code */
	enum decode_kind kind;          /**< which members below are valid */
	int have_insn;                  /**< insn holds the intercepted instruction */
	struct insn insn;               /**< the instruction at RIP */
	uint64_t addr;                  /**< INVLPG: the address it names */
	union {
		struct {
			uint32_t leaf;          /**< EAX */
			uint32_t subleaf;       /**< ECX */
		} cpuid;                        /**< DEC_CPUID */
		struct {
			uint32_t msr;           /**< ECX */
			int write;              /**< EXITINFO1 = 1 */
			uint64_t value;         /**< EDX:EAX of a WRMSR */
		} msr;                          /**< DEC_MSR */
		struct {
			struct ioio io;         /**< EXITINFO1 */
			uint64_t next_rip;      /**< EXITINFO2 */
		} ioio;                         /**< DEC_IOIO */
		struct {
			int dr;                 /**< 0: CRn, 1: DRn */
			int n;                  /**< the register number */
			int write;              /**< MOV to the register */
			int gpr;                /**< GPR number 0-15, or -1 */
			enum crdr_source src;   /**< how gpr was learned */
		} crdr;                         /**< DEC_CRDR */
		struct {
			int vector;             /**< exit code - 40h */
			int has_error;          /**< the vector pushes an error code */
			uint32_t error;         /**< EXITINFO1 */
			uint64_t cr2;           /**< EXITINFO2 of #PF */
		} excp;                         /**< DEC_EXCP */
	};
};

/** Does exception @p vector push an error code (APM2 §8.2)? */
int exception_has_error(int vector);

#endif /* SVMLAB_SVM_DECODE_H */
