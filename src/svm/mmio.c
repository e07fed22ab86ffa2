/*
 * mmio.c - chapter 14: the MMIO access a decoded MOV makes (mmio.h).
 *
 * The facts used, from the one-byte opcode map (AMD APM volume 3,
 * appendix A, table A-1, and the "MOV" page of chapter 3):
 *
 *  - 88, 89, 8A and 8B form one block of MOVs with a ModRM operand.
 *    Opcode bit 0 picks the width: 0 is a byte, 1 is the full operand
 *    size (16, 32 or 64 bits by the 66 prefix, REX.W and the code
 *    size).  Opcode bit 1 picks the direction: 0 stores ModRM.reg into
 *    the r/m operand, 1 loads the r/m operand into ModRM.reg.
 *  - C6 and C7 are group 11: with ModRM.reg 0 they store an immediate
 *    into the r/m operand, a byte for C6 and a full-width value for
 *    C7.  C7's immediate is 16 bits with a 16-bit operand size and 32
 *    bits otherwise; with REX.W the CPU sign-extends those 32 bits to
 *    64, as there is no 64-bit immediate form.
 *  - Byte registers (APM1 §3.1.2 "64-Bit-Mode Registers", APM3 §1.2.7
 *    "REX Prefixes"): numbers 0-3 are AL CL DL BL either way.  Numbers 4-7
 *    are AH CH DH BH, bits 15:8 of RAX RCX RDX RBX, when the
 *    instruction has no REX prefix, and SPL BPL SIL DIL, the low bytes
 *    of RSP RBP RSI RDI, when it has any REX prefix, even a bare 40h.
 *    With REX.R the numbers 8-15 are R8B-R15B.
 *  - LOCK on a MOV is #UD, and a REP prefix has no meaning for it: a
 *    guest that executes one has a bug or is probing, so svmlab refuses
 *    rather than guessing.
 *
 * Writing a register follows the 64-bit mode rules (APM1 §3.1.2,
 * "Zero-Extension of 32-Bit Results"): an 8-bit or 16-bit result
 * replaces only those bits, a 32-bit result clears bits 63:32, a 64-bit
 * result replaces all of them.  Outside 64-bit mode the upper half is
 * undefined after a 32-bit write, so zero-extending there is allowed.
 */
#include "mmio.h"
#include "kernel/lab.h"

/* All ones in the low @size bytes. */
static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Refuse with reason @r (if the caller wants one). */
static int refuse(const char **why, const char *r)
{
	if (why)
		*why = r;
	return -1;
}

int mmio_op_from_insn(const struct insn *in, struct mmio_op *op,
		      const char **why)
{
	/* LAB 14 BEGIN mmio_op_from_insn: which MOV, which size, which register */
	uint8_t opc = in->opcode;
	unsigned reg = in->reg;
	int imm = opc == 0xc6 || opc == 0xc7;

	if (in->twobyte || !in->has_modrm ||
	    !((opc >= 0x88 && opc <= 0x8b) || imm))
		return refuse(why, "not a MOV");
	if (imm && ((in->modrm >> 3) & 7) != 0)
		return refuse(why, "not a MOV (C6/C7 with reg != 0)");
	if (in->mod == 3)
		return refuse(why, "register destination, no memory operand");
	if (in->lock)
		return refuse(why, "LOCK prefix");
	if (in->rep || in->repne)
		return refuse(why, "REP prefix");
	/* Opcode bit 0: byte or full size; bit 1 of 88-8B: a load. */
	op->size = opc & 1 ? in->opsize : 1;
	op->write = imm || !(opc & 2);
	op->has_imm = (uint8_t)imm;
	op->high8 = 0;
	op->reg = 0;
	op->imm = 0;
	if (imm) {
		/* REX.W: the imm32 stands for its 64-bit sign extension. */
		op->imm = op->size == 8 ? (uint64_t)(int64_t)(int32_t)in->imm
					: in->imm;
		op->imm &= size_mask(op->size);
	} else if (op->size == 1 && !in->rex && reg >= 4 && reg <= 7) {
		op->high8 = 1;          /* AH CH DH BH: no REX */
		op->reg = (uint8_t)(reg - 4);
	} else {
		op->reg = (uint8_t)reg;
	}
	if (why)
		*why = "";
	return 0;
	/* LAB 14 END */
}

uint64_t mmio_store_value(const struct mmio_op *op, uint64_t regval)
{
	if (op->has_imm)
		return op->imm & size_mask(op->size);
	if (op->high8)
		return (regval >> 8) & 0xff;
	return regval & size_mask(op->size);
}

uint64_t mmio_load_merge(const struct mmio_op *op, uint64_t old,
			 uint64_t value)
{
	/* LAB 14 BEGIN mmio_load_merge: the register after a partial load */
	if (op->high8)
		return (old & ~0xff00ull) | ((value & 0xff) << 8);
	switch (op->size) {
	case 1:
		return (old & ~0xffull) | (value & 0xff);
	case 2:
		return (old & ~0xffffull) | (value & 0xffff);
	case 4:
		return value & 0xffffffffull;   /* clears bits 63:32 */
	default:
		return value;
	}
	/* LAB 14 END */
}
