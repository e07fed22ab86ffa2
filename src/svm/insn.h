/**
 * @file
 * insn.h - just enough of an x86 instruction decoder for a hypervisor
 * without decode assists.
 *
 * Without NRIPS the hypervisor must know how long an intercepted
 * instruction is to step over it; without decode assists it must read
 * the instruction to learn which register a MOV to or from CRn/DRn
 * names, which vector an INTn has, or which address INVLPG flushes.
 * Neither QEMU TCG nor Bochs has decode assists, and QEMU has no NRIPS.
 *
 * The decoder knows the legacy prefixes (66, 67, F0, F2, F3 and the
 * segment overrides), REX, and the instructions svmlab intercepts: the
 * one-byte opcodes HLT, PUSHF, POPF, INT3, INT n, INTO, ICEBP, IRET, IN,
 * OUT, INS, OUTS and UD2's neighbours, and the 0F map's CPUID, RDTSC,
 * RDTSCP, RDPMC, RDMSR, WRMSR, INVD, WBINVD, MOV CR/DR, CLTS, UD2, the
 * 0F 00 and 0F 01 groups (descriptor tables, LMSW, INVLPG, MONITOR,
 * MWAIT, XSETBV, the SVM instructions).  For MMIO emulation (chapter
 * 14) it also knows the memory forms of MOV: 88/89 (store a register),
 * 8A/8B (load a register) and C6/C7 with reg 0 (store an immediate).
 * Their register-only forms (mod 3) and the other members of the C6/C7
 * group are refused: they cannot fault on an MMIO page.  Anything else
 * is refused, so a hypervisor never steps over an instruction it did
 * not understand.
 */
#ifndef SVMLAB_SVM_INSN_H
#define SVMLAB_SVM_INSN_H

#include <stdint.h>

/** The longest x86 instruction. */
#define INSN_MAX_LEN    15

/** No segment override prefix. */
#define INSN_SEG_NONE   0xff

/** One decoded instruction. */
struct insn {
	uint8_t len;            /**< bytes, prefixes included */
	uint8_t mode;           /**< 16, 32 or 64: the code size decoded for */
	uint8_t opsize;         /**< operand size in bytes: 2, 4 or 8 */
	uint8_t adsize;         /**< address size in bytes: 2, 4 or 8 */
	uint8_t rex;            /**< the REX byte (40h-4Fh), or 0 */
	uint8_t rep;            /**< F3 prefix seen */
	uint8_t repne;          /**< F2 prefix seen */
	uint8_t lock;           /**< F0 prefix seen */
	uint8_t seg;            /**< segment override 0-5 (ES CS SS DS FS GS) */
	uint8_t twobyte;        /**< opcode is in the 0F map */
	uint8_t opcode;         /**< the opcode byte (after 0F if twobyte) */
	uint8_t has_modrm;      /**< a ModRM byte follows the opcode */
	uint8_t modrm;          /**< the ModRM byte */
	uint8_t mod;            /**< ModRM.mod */
	uint8_t reg;            /**< ModRM.reg, extended by REX.R (0-15) */
	uint8_t rm;             /**< ModRM.rm, extended by REX.B (0-15) */
	uint8_t has_sib;        /**< a SIB byte follows ModRM */
	uint8_t sib;            /**< the SIB byte */
	uint8_t disp_size;      /**< displacement bytes: 0, 1, 2 or 4 */
	uint8_t imm_size;       /**< immediate bytes: 0, 1, 2 or 4 */
	uint8_t rip_relative;   /**< 64-bit mode, mod 0, rm 5: disp(%rip) */
	int32_t disp;           /**< the displacement, sign-extended */
	/**
	 * The immediate, zero-extended.  C7 has an imm16 with 16-bit
	 * operands and an imm32 otherwise; with REX.W the CPU sign-extends
	 * that imm32 to 64 bits, which is left to the user (mmio.c).
	 */
	uint32_t imm;
};

/**
 * Decode the instruction at @p buf (@p avail readable bytes) in code of
 * size @p mode (16, 32 or 64).  Returns 0 and fills @p out, or -1 if the
 * bytes are not an instruction the decoder knows or are cut short.
 */
int insn_decode(const uint8_t *buf, unsigned avail, unsigned mode,
		struct insn *out);

/**
 * The effective address of the memory operand of @p in, given the
 * guest's 16 GPRs in the usual order (RAX RCX RDX RBX RSP RBP RSI RDI
 * R8-R15) and the address of the next instruction (for RIP-relative
 * operands).  Truncated to the address size.  Only for in->mod != 3.
 */
uint64_t insn_ea(const struct insn *in, const uint64_t gpr[16],
		 uint64_t next_rip);

#endif /* SVMLAB_SVM_INSN_H */
