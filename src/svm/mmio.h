/**
 * @file
 * mmio.h - chapter 14: from a decoded MOV to one MMIO access, and back
 * into the guest's register (APM2 §15.25.6 "Nested versus Guest Page
 * Faults, Fault Ordering"; APM3 "MOV" and appendix A "Opcode and
 * Operand Encodings").
 *
 * A guest reaches an emulated device by an ordinary load or store to a
 * guest-physical page that the nested page table leaves not present.
 * The #NPF exit gives the faulting guest-physical address (EXITINFO2),
 * but neither QEMU TCG nor Bochs has decode assists, so the instruction
 * bytes are not in the VMCB: the hypervisor fetches and decodes them
 * itself (insn.h) and turns the MOV into a device access described by
 * struct mmio_op.  After the device answers a load, mmio_load_merge
 * writes the answer into the register with the x86 rules for partial
 * register writes.  Only MOV is emulated; anything else (MOVS, ADD to
 * memory, SSE moves, LOCKed instructions) is refused, and the caller
 * reports the guest instead of guessing.
 *
 * Pure C, no hardware access: the kernel and the host unit tests
 * (tests/unit/test_mmio.c) run the same code.
 */
#ifndef SVMLAB_SVM_MMIO_H
#define SVMLAB_SVM_MMIO_H

#include <stdint.h>
#include "insn.h"

/** One MMIO access, as a MOV instruction asks for it. */
struct mmio_op {
	uint8_t write;    /**< 1: store to the device, 0: load from it */
	uint8_t size;     /**< 1, 2, 4 or 8 bytes */
	/**
	 * GPR number 0-15 (RAX RCX RDX RBX RSP RBP RSI RDI R8-R15) of the
	 * register operand; 0 for an immediate store.
	 */
	uint8_t reg;
	/**
	 * The register is AH, CH, DH or BH: bits 15:8 of GPR @c reg
	 * (an 8-bit operand, no REX prefix, ModRM.reg 4-7, so @c reg is
	 * ModRM.reg - 4).
	 */
	uint8_t high8;
	uint8_t has_imm;  /**< a store of an immediate, not of a register */
	/**
	 * The immediate of a store, masked to @c size bytes; C7 with REX.W
	 * has its imm32 sign-extended to 64 bits first.
	 */
	uint64_t imm;
};

/**
 * Describe the MMIO access that the decoded instruction @p in makes.
 * Returns 0 and fills @p op, or -1 for an instruction svmlab does not
 * emulate, with a short reason in @p why ("not a MOV", "register
 * destination, no memory operand", "LOCK prefix", "REP prefix", ...).
 * @p why may be NULL.
 */
int mmio_op_from_insn(const struct insn *in, struct mmio_op *op,
		      const char **why);

/**
 * The value a store writes to the device: the immediate, or the low
 * @c size bytes of the register's value @p regval, or its bits 15:8 for
 * AH/CH/DH/BH.
 */
uint64_t mmio_store_value(const struct mmio_op *op, uint64_t regval);

/**
 * The register's new value after a load of @p value from the device,
 * given its value @p old before.  8-bit and 16-bit loads replace only
 * their bytes (bits 15:8 for AH/CH/DH/BH) and keep the rest; a 32-bit
 * load zero-extends to 64 bits; a 64-bit load replaces the register.
 */
uint64_t mmio_load_merge(const struct mmio_op *op, uint64_t old,
			 uint64_t value);

#endif /* SVMLAB_SVM_MMIO_H */
