/*
 * test_insn.c - host tests of the instruction decoder (chapter 5).
 *
 * Without NRIPS (QEMU has none) the hypervisor must know how long an
 * intercepted instruction is to step over it, and without decode assists
 * (neither QEMU nor Bochs has them) it must read the instruction to learn
 * which GPR a MOV CR/DR names, which vector an INT n raises or which
 * address INVLPG flushes (APM2 §15.7.1 "State Saved on Exit" and
 * "Decode Assists").  Every byte sequence below was assembled by hand
 * from the x86 encoding (APM3 §1 "Instruction Encoding") and checked
 * with GNU as and objdump.  The shape of an instruction is
 *
 *     legacy prefixes (66 67 F0 F2 F3 2E 36 3E 26 64 65), REX (40h-4Fh,
 *     64-bit mode only, last before the opcode), opcode (0F xx for the
 *     two-byte map), ModRM (mod 7:6, reg 5:3, rm 2:0), SIB (scale 7:6,
 *     index 5:3, base 2:0), displacement, immediate
 *
 * and no instruction is longer than 15 bytes.
 */
#include <stdlib.h>
#include "unit.h"
#include "svm/insn.h"

/* A byte list and its length, for the helpers below. */
#define B(...) (const uint8_t[]){ __VA_ARGS__ }, \
	(unsigned)sizeof((const uint8_t[]){ __VA_ARGS__ })

/* GPR numbers in insn_ea's gpr[] (and in ModRM/SIB): RAX RCX RDX RBX ... */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
       R8, R9, R10, R11, R12, R13, R14, R15 };

/*
 * Decode @n bytes from a heap buffer of exactly @n bytes, so AddressSanitizer
 * catches a read past @avail.  The output starts as garbage.
 */
static int decode(struct insn *in, unsigned mode, const uint8_t *b, unsigned n)
{
	uint8_t *buf = malloc(n ? n : 1);
	int r;

	memcpy(buf, b, n);
	memset(in, 0xcc, sizeof(*in));
	r = insn_decode(buf, n, mode, in);
	free(buf);
	return r;
}

/*
 * Expect the @n bytes to be one whole instruction the decoder knows: it
 * decodes with len = @n and mode = @mode, and decodes the same when more
 * bytes follow it (the length comes from the bytes, not from @avail).
 */
static void check_insn(int line, struct insn *in, unsigned mode,
		       const uint8_t *b, unsigned n)
{
	uint8_t padded[INSN_MAX_LEN + 8];
	struct insn p;

	if (decode(in, mode, b, n) != 0) {
		unit_fail(__FILE__, line, "%u-byte instruction %02x %02x... refused",
			  n, b[0], n > 1 ? b[1] : 0);
		return;
	}
	if (in->len != n)
		unit_fail(__FILE__, line, "len %u, want %u", in->len, n);
	if (in->mode != mode)
		unit_fail(__FILE__, line, "mode %u, want %u", in->mode, mode);
	memcpy(padded, b, n);
	memset(padded + n, 0xff, sizeof(padded) - n);
	if (decode(&p, mode, padded, sizeof(padded)) != 0 || p.len != in->len ||
	    p.opcode != in->opcode || p.modrm != in->modrm ||
	    p.disp != in->disp || p.imm != in->imm || p.reg != in->reg ||
	    p.rm != in->rm)
		unit_fail(__FILE__, line, "decodes differently with bytes after it");
}

#define EXPECT_INSN(in, mode, ...) \
	check_insn(__LINE__, &(in), (mode), B(__VA_ARGS__))

/* Expect the bytes to be refused. */
#define EXPECT_REFUSED(mode, ...) do {                                  \
	struct insn r_;                                                 \
	EXPECT_EQ(decode(&r_, (mode), B(__VA_ARGS__)), -1);             \
} while (0)

/* ---- lengths and opcodes: instructions without a ModRM byte ---- */

/* CPUID is 0F A2: two bytes, the 0F map, no ModRM; 64-bit defaults. */
TEST(cpuid_is_two_bytes)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0xa2);
	EXPECT_EQ(in.twobyte, 1);
	EXPECT_EQ(in.opcode, 0xa2);
	EXPECT_EQ(in.has_modrm, 0);
	EXPECT_EQ(in.rex, 0);
	EXPECT_EQ(in.rep, 0);
	EXPECT_EQ(in.repne, 0);
	EXPECT_EQ(in.lock, 0);
	EXPECT_EQ(in.seg, INSN_SEG_NONE);
	EXPECT_EQ(in.disp_size, 0);
	EXPECT_EQ(in.imm_size, 0);
	EXPECT_EQ(in.opsize, 4);        /* 64-bit mode: 32-bit operands */
	EXPECT_EQ(in.adsize, 8);        /* and 64-bit addresses */
}

/* A REX prefix (48h = REX.W) before CPUID: three bytes, opsize 8. */
TEST(rex_w_cpuid_is_three_bytes)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x48, 0x0f, 0xa2);
	EXPECT_EQ(in.rex, 0x48);
	EXPECT_EQ(in.opsize, 8);
	EXPECT_EQ(in.opcode, 0xa2);
	EXPECT_EQ(in.twobyte, 1);
}

/* Two segment prefixes (CS, DS) count in the length: 2E 3E 0F A2 is 4. */
TEST(segment_prefixes_count_in_the_length)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x2e, 0x3e, 0x0f, 0xa2);
	EXPECT_EQ(in.opcode, 0xa2);
}

/*
 * The 0F-map instructions without operands are all two bytes:
 * WRMSR 0F 30, RDTSC 0F 31, RDMSR 0F 32, RDPMC 0F 33, INVD 0F 08,
 * WBINVD 0F 09, CLTS 0F 06, UD2 0F 0B.
 */
TEST(two_byte_opcodes_without_modrm)
{
	static const uint8_t ops[] = { 0x30, 0x31, 0x32, 0x33, 0x08, 0x09,
				       0x06, 0x0b };
	struct insn in;
	unsigned i;

	for (i = 0; i < sizeof(ops); i++) {
		uint8_t b[2] = { 0x0f, ops[i] };

		EXPECT_EQ(decode(&in, 64, b, 2), 0);
		EXPECT_EQ(in.len, 2);
		EXPECT_EQ(in.twobyte, 1);
		EXPECT_EQ(in.opcode, ops[i]);
		EXPECT_EQ(in.has_modrm, 0);
	}
}

/* RDTSC 0F 31 by itself, as the TSC exits will see it. */
TEST(rdtsc_is_0f_31)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x31);
	EXPECT_EQ(in.opcode, 0x31);
}

/* RDMSR 0F 32 and WRMSR 0F 30: two bytes, the MSR is in ECX. */
TEST(rdmsr_and_wrmsr)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x32);
	EXPECT_EQ(in.opcode, 0x32);
	EXPECT_INSN(in, 64, 0x0f, 0x30);
	EXPECT_EQ(in.opcode, 0x30);
}

/* One-byte HLT F4. */
TEST(hlt_is_one_byte)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xf4);
	EXPECT_EQ(in.twobyte, 0);
	EXPECT_EQ(in.opcode, 0xf4);
	EXPECT_EQ(in.has_modrm, 0);
}

/* PUSHF 9C and POPF 9D are one byte; 66 9C is PUSHFW, operand size 2. */
TEST(pushf_popf_and_pushfw)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x9c);
	EXPECT_EQ(in.opcode, 0x9c);
	EXPECT_INSN(in, 64, 0x9d);
	EXPECT_EQ(in.opcode, 0x9d);
	EXPECT_INSN(in, 64, 0x66, 0x9c);
	EXPECT_EQ(in.opcode, 0x9c);
	EXPECT_EQ(in.opsize, 2);
}

/* PAUSE is F3 90 (REP NOP): two bytes with the REP flag. */
TEST(pause_is_f3_90_with_rep)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xf3, 0x90);
	EXPECT_EQ(in.rep, 1);
	EXPECT_EQ(in.repne, 0);
	EXPECT_EQ(in.opcode, 0x90);
	EXPECT_EQ(in.twobyte, 0);
}

/* INT3 CC is one byte and has no immediate (the vector 3 is implied). */
TEST(int3_is_cc_without_immediate)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xcc);
	EXPECT_EQ(in.opcode, 0xcc);
	EXPECT_EQ(in.imm_size, 0);
}

/* INT n is CD ib: CD 30 is two bytes with an 8-bit immediate 30h. */
TEST(int_n_has_an_imm8)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xcd, 0x30);
	EXPECT_EQ(in.opcode, 0xcd);
	EXPECT_EQ(in.imm_size, 1);
	EXPECT_EQ(in.imm, 0x30);
}

/* The immediate is zero-extended: INT FFh gives imm FFh, not -1. */
TEST(int_ff_immediate_is_zero_extended)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xcd, 0xff);
	EXPECT_EQ(in.imm, 0xff);
}

/* ICEBP (INT1) F1 is one byte. */
TEST(icebp_is_f1)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xf1);
	EXPECT_EQ(in.opcode, 0xf1);
}

/* INTO CE is one byte (valid outside 64-bit mode). */
TEST(into_is_ce_in_32_bit_mode)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0xce);
	EXPECT_EQ(in.opcode, 0xce);
}

/* INTO is invalid in 64-bit mode (#UD, APM3 "INTO"): refused there. */
TEST(into_is_refused_in_64_bit_mode)
{
	EXPECT_REFUSED(64, 0xce);
}

/* IRETQ is REX.W IRET: 48 CF, operand size 8; plain CF is IRETD. */
TEST(iretq_is_48_cf)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x48, 0xcf);
	EXPECT_EQ(in.opcode, 0xcf);
	EXPECT_EQ(in.opsize, 8);
	EXPECT_EQ(in.rex, 0x48);
	EXPECT_INSN(in, 64, 0xcf);
	EXPECT_EQ(in.opsize, 4);
	EXPECT_INSN(in, 64, 0x66, 0xcf);
	EXPECT_EQ(in.opsize, 2);
}

/* REX.W wins over 66h: 66 48 CF is IRETQ (APM3 §1.2.7 "REX Prefixes"). */
TEST(rex_w_overrides_the_66_prefix)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x66, 0x48, 0xcf);
	EXPECT_EQ(in.opsize, 8);
}

/*
 * A REX prefix is only a REX prefix right before the opcode: in
 * 48 66 CF the 66 follows it, so the REX is ignored and this is IRETW
 * (APM3 §1.2.7 "REX Prefixes").
 */
TEST(rex_before_a_legacy_prefix_is_ignored)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x48, 0x66, 0xcf);
	EXPECT_EQ(in.opsize, 2);
}

/* ---- port I/O ---- */

/*
 * IN and OUT with an 8-bit port: E4 ib (in al), E5 ib (in eax),
 * E6 ib (out al), E7 ib (out eax), two bytes, the port the immediate.
 */
TEST(in_out_imm8_port_is_the_immediate)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xe4, 0x80);
	EXPECT_EQ(in.opcode, 0xe4);
	EXPECT_EQ(in.imm_size, 1);
	EXPECT_EQ(in.imm, 0x80);
	EXPECT_INSN(in, 64, 0xe5, 0x71);
	EXPECT_EQ(in.imm, 0x71);
	EXPECT_EQ(in.opsize, 4);
	EXPECT_INSN(in, 64, 0xe6, 0x80);
	EXPECT_EQ(in.opcode, 0xe6);
	EXPECT_EQ(in.imm, 0x80);
	EXPECT_INSN(in, 64, 0xe7, 0xff);
	EXPECT_EQ(in.imm, 0xff);
}

/* IN and OUT through DX: EC, ED, EE, EF are one byte, no immediate. */
TEST(in_out_dx_are_one_byte)
{
	static const uint8_t ops[] = { 0xec, 0xed, 0xee, 0xef };
	struct insn in;
	unsigned i;

	for (i = 0; i < sizeof(ops); i++) {
		EXPECT_EQ(decode(&in, 64, &ops[i], 1), 0);
		EXPECT_EQ(in.len, 1);
		EXPECT_EQ(in.opcode, ops[i]);
		EXPECT_EQ(in.imm_size, 0);
	}
}

/* 66 ED is "in (%dx),%ax": operand size 2; ED alone is 4 in 64-bit mode. */
TEST(in_ax_dx_has_operand_size_2)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xed);
	EXPECT_EQ(in.opsize, 4);
	EXPECT_INSN(in, 64, 0x66, 0xed);
	EXPECT_EQ(in.opsize, 2);
	EXPECT_EQ(in.opcode, 0xed);
}

/* INSB 6C, INSD 6D, OUTSB 6E, OUTSD 6F are one byte. */
TEST(ins_outs_are_one_byte)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x6c);
	EXPECT_EQ(in.opcode, 0x6c);
	EXPECT_EQ(in.rep, 0);
	EXPECT_INSN(in, 64, 0x6d);
	EXPECT_INSN(in, 64, 0x6e);
	EXPECT_INSN(in, 64, 0x6f);
	EXPECT_EQ(in.opcode, 0x6f);
	EXPECT_EQ(in.opsize, 4);
}

/* REP INSB is F3 6C: two bytes, the REP flag set. */
TEST(rep_insb)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xf3, 0x6c);
	EXPECT_EQ(in.rep, 1);
	EXPECT_EQ(in.opcode, 0x6c);
}

/* REP OUTSW in either prefix order: F3 66 6F and 66 F3 6F, opsize 2. */
TEST(rep_outsw_in_either_prefix_order)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xf3, 0x66, 0x6f);
	EXPECT_EQ(in.rep, 1);
	EXPECT_EQ(in.opsize, 2);
	EXPECT_EQ(in.opcode, 0x6f);
	EXPECT_INSN(in, 64, 0x66, 0xf3, 0x6f);
	EXPECT_EQ(in.rep, 1);
	EXPECT_EQ(in.opsize, 2);
}

/* F2 (REPNE) is recorded apart from F3. */
TEST(repne_prefix_is_recorded)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0xf2, 0x6e);
	EXPECT_EQ(in.repne, 1);
	EXPECT_EQ(in.rep, 0);
}

/* ---- the 0F 01 group: ModRM with mod 3 selects the instruction ---- */

/* RDTSCP is 0F 01 F9: ModRM F9 = mod 3, reg 7, rm 1. */
TEST(rdtscp_is_0f_01_f9)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xf9);
	EXPECT_EQ(in.twobyte, 1);
	EXPECT_EQ(in.opcode, 0x01);
	EXPECT_EQ(in.has_modrm, 1);
	EXPECT_EQ(in.modrm, 0xf9);
	EXPECT_EQ(in.mod, 3);
	EXPECT_EQ(in.reg, 7);
	EXPECT_EQ(in.rm, 1);
	EXPECT_EQ(in.disp_size, 0);
}

/* MONITOR 0F 01 C8 and MWAIT 0F 01 C9: mod 3, reg 1, rm 0 / 1. */
TEST(monitor_and_mwait)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xc8);
	EXPECT_EQ(in.modrm, 0xc8);
	EXPECT_EQ(in.reg, 1);
	EXPECT_EQ(in.rm, 0);
	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xc9);
	EXPECT_EQ(in.modrm, 0xc9);
	EXPECT_EQ(in.rm, 1);
}

/* XSETBV is 0F 01 D1: mod 3, reg 2, rm 1. */
TEST(xsetbv_is_0f_01_d1)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xd1);
	EXPECT_EQ(in.modrm, 0xd1);
	EXPECT_EQ(in.reg, 2);
	EXPECT_EQ(in.rm, 1);
}

/*
 * The SVM instructions are 0F 01 D8-DF (APM3 "VMRUN" ... "INVLPGA"):
 * VMRUN D8, VMMCALL D9, VMLOAD DA, VMSAVE DB, STGI DC, CLGI DD,
 * SKINIT DE, INVLPGA DF - mod 3, reg 3, rm 0-7, three bytes each.
 */
TEST(svm_instructions_are_0f_01_d8_to_df)
{
	struct insn in;
	unsigned rm;

	for (rm = 0; rm < 8; rm++) {
		uint8_t b[3] = { 0x0f, 0x01, (uint8_t)(0xd8 + rm) };

		EXPECT_EQ(decode(&in, 64, b, 3), 0);
		EXPECT_EQ(in.len, 3);
		EXPECT_EQ(in.opcode, 0x01);
		EXPECT_EQ(in.modrm, 0xd8 + rm);
		EXPECT_EQ(in.mod, 3);
		EXPECT_EQ(in.reg, 3);
		EXPECT_EQ(in.rm, rm);
	}
}

/* VMMCALL 0F 01 D9 and VMRUN 0F 01 D8 on their own, as the guests use them. */
TEST(vmmcall_and_vmrun)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xd9);
	EXPECT_EQ(in.modrm, 0xd9);
	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xd8);
	EXPECT_EQ(in.modrm, 0xd8);
	EXPECT_INSN(in, 32, 0x0f, 0x01, 0xd9);
	EXPECT_INSN(in, 16, 0x0f, 0x01, 0xd9);
}

/* LMSW is 0F 01 /6: register form 0F 01 F0 (%ax) and F1 (%cx). */
TEST(lmsw_register_form)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xf0);
	EXPECT_EQ(in.mod, 3);
	EXPECT_EQ(in.reg, 6);
	EXPECT_EQ(in.rm, RAX);
	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xf1);
	EXPECT_EQ(in.reg, 6);
	EXPECT_EQ(in.rm, RCX);
}

/* LMSW's memory form 0F 01 30 is "lmsw (%rax)": mod 0, reg 6, rm 0. */
TEST(lmsw_memory_form)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x30);
	EXPECT_EQ(in.mod, 0);
	EXPECT_EQ(in.reg, 6);
	EXPECT_EQ(in.rm, RAX);
}

/*
 * The descriptor-table forms of 0F 01 take a memory operand like any
 * ModRM: SGDT (%rax) 0F 01 00 (3 bytes), LIDT 8(%rbx) 0F 01 5B 08 (4).
 */
TEST(descriptor_table_group_0f_01)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x00);
	EXPECT_EQ(in.reg, 0);
	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x5b, 0x08);
	EXPECT_EQ(in.reg, 3);
	EXPECT_EQ(in.rm, RBX);
	EXPECT_EQ(in.disp, 8);
	EXPECT_EQ(in.disp_size, 1);
}

/*
 * The 0F 00 group: SLDT %ax 66 0F 00 C0 (4 bytes), LTR %ax 0F 00 D8
 * (reg 3), LLDT (%rax) 0F 00 10 (reg 2).
 */
TEST(group_0f_00)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x66, 0x0f, 0x00, 0xc0);
	EXPECT_EQ(in.opcode, 0x00);
	EXPECT_EQ(in.twobyte, 1);
	EXPECT_EQ(in.reg, 0);
	EXPECT_INSN(in, 64, 0x0f, 0x00, 0xd8);
	EXPECT_EQ(in.reg, 3);
	EXPECT_INSN(in, 64, 0x0f, 0x00, 0x10);
	EXPECT_EQ(in.reg, 2);
	EXPECT_EQ(in.mod, 0);
}

/* ---- MOV CR / MOV DR: reg names the CR/DR, rm the GPR ---- */

/* mov %cr0,%rax is 0F 20 C0: reg 0 (CR0), rm 0 (RAX). */
TEST(mov_from_cr0_to_rax)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x20, 0xc0);
	EXPECT_EQ(in.opcode, 0x20);
	EXPECT_EQ(in.twobyte, 1);
	EXPECT_EQ(in.has_modrm, 1);
	EXPECT_EQ(in.reg, 0);
	EXPECT_EQ(in.rm, RAX);
}

/* mov %cr0,%r9 is 41 0F 20 C1: REX.B extends rm 1 to 9. */
TEST(mov_from_cr0_to_r9_uses_rex_b)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x20, 0xc1);
	EXPECT_EQ(in.rex, 0x41);
	EXPECT_EQ(in.reg, 0);
	EXPECT_EQ(in.rm, R9);
}

/* mov %rax,%cr8 is 44 0F 22 C0: REX.R extends reg 0 to 8 (CR8 = TPR). */
TEST(mov_rax_to_cr8_uses_rex_r)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x44, 0x0f, 0x22, 0xc0);
	EXPECT_EQ(in.opcode, 0x22);
	EXPECT_EQ(in.reg, 8);
	EXPECT_EQ(in.rm, RAX);
}

/* mov %r10,%cr4 is 41 0F 22 E2: ModRM E2 = reg 4, rm 2, REX.B -> 10. */
TEST(mov_r10_to_cr4)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x22, 0xe2);
	EXPECT_EQ(in.reg, 4);
	EXPECT_EQ(in.rm, R10);
}

/*
 * MOV CR has no memory form: the mod field is ignored and the operand
 * is always a register (APM3 "MOV CRn").  0F 20 00 is mov %cr0,%rax and
 * 0F 22 5D (mod 1, rm 5) is mov %rbp,%cr3 - three bytes, no displacement.
 */
TEST(mov_cr_ignores_mod)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x20, 0x00);
	EXPECT_EQ(in.reg, 0);
	EXPECT_EQ(in.rm, RAX);
	EXPECT_EQ(in.disp_size, 0);
	EXPECT_INSN(in, 64, 0x0f, 0x22, 0x5d);
	EXPECT_EQ(in.reg, 3);
	EXPECT_EQ(in.rm, RBP);
	EXPECT_EQ(in.disp_size, 0);
	EXPECT_EQ(in.rip_relative, 0);
}

/*
 * AMD's alternative encoding of CR8 outside 64-bit mode: LOCK MOV CR0
 * (F0 0F 20 C0, "mov %cr8,%eax") reaches CR8 (APM3 "MOV CRn", CPUID
 * AltMovCr8).  The decoder keeps reg 0 and reports the LOCK prefix, so
 * the CR/DR decode must turn lock + reg 0 into CR8.
 */
TEST(lock_mov_cr0_reports_the_lock_prefix)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0xf0, 0x0f, 0x20, 0xc0);
	EXPECT_EQ(in.lock, 1);
	EXPECT_EQ(in.reg, 0);
	EXPECT_EQ(in.opcode, 0x20);
}

/* mov %dr7,%rax 0F 21 F8 (reg 7, rm 0); mov %rbx,%dr6 0F 23 F3 (6, 3). */
TEST(mov_dr)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x21, 0xf8);
	EXPECT_EQ(in.opcode, 0x21);
	EXPECT_EQ(in.reg, 7);
	EXPECT_EQ(in.rm, RAX);
	EXPECT_INSN(in, 64, 0x0f, 0x23, 0xf3);
	EXPECT_EQ(in.opcode, 0x23);
	EXPECT_EQ(in.reg, 6);
	EXPECT_EQ(in.rm, RBX);
}

/* mov %dr0,%r15 41 0F 21 C7; mov %r11,%dr3 41 0F 23 DB (REX.B). */
TEST(mov_dr_with_extended_gprs)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x21, 0xc7);
	EXPECT_EQ(in.reg, 0);
	EXPECT_EQ(in.rm, R15);
	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x23, 0xdb);
	EXPECT_EQ(in.reg, 3);
	EXPECT_EQ(in.rm, R11);
}

/* MOV CR in 32-bit code: 0F 22 D8 is mov %eax,%cr3, same shape. */
TEST(mov_cr_in_32_bit_mode)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0x0f, 0x22, 0xd8);
	EXPECT_EQ(in.reg, 3);
	EXPECT_EQ(in.rm, RAX);
}

/* CLTS is 0F 06, two bytes. */
TEST(clts_is_0f_06)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x06);
	EXPECT_EQ(in.opcode, 0x06);
	EXPECT_EQ(in.has_modrm, 0);
}

/* ---- INVLPG (0F 01 /7) and every ModRM shape of its operand ---- */

/* invlpg (%rax): 0F 01 38 - mod 0, reg 7, rm 0, no displacement. */
TEST(invlpg_register_indirect)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x38);
	EXPECT_EQ(in.mod, 0);
	EXPECT_EQ(in.reg, 7);
	EXPECT_EQ(in.rm, RAX);
	EXPECT_EQ(in.has_sib, 0);
	EXPECT_EQ(in.disp_size, 0);
	EXPECT_EQ(in.rip_relative, 0);
}

/* invlpg 0x10(%rax): 0F 01 78 10 - mod 1, an 8-bit displacement. */
TEST(invlpg_disp8)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x78, 0x10);
	EXPECT_EQ(in.mod, 1);
	EXPECT_EQ(in.disp_size, 1);
	EXPECT_EQ(in.disp, 0x10);
}

/* invlpg -0x10(%rax): 0F 01 78 F0 - the disp8 is sign-extended. */
TEST(invlpg_negative_disp8_is_sign_extended)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x78, 0xf0);
	EXPECT_EQ(in.disp, -0x10);
}

/* invlpg 0x12345678(%rax): 0F 01 B8 78 56 34 12 - mod 2, disp32, 7 bytes. */
TEST(invlpg_disp32)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0xb8, 0x78, 0x56, 0x34, 0x12);
	EXPECT_EQ(in.mod, 2);
	EXPECT_EQ(in.disp_size, 4);
	EXPECT_EQ(in.disp, 0x12345678);
}

/* invlpg (%rax,%rbx,4): 0F 01 3C 98 - rm 4 means a SIB byte follows. */
TEST(invlpg_sib)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x3c, 0x98);
	EXPECT_EQ(in.rm, 4);
	EXPECT_EQ(in.has_sib, 1);
	EXPECT_EQ(in.sib, 0x98);
	EXPECT_EQ(in.disp_size, 0);
}

/* invlpg 0x10(%rsp): 0F 01 7C 24 10 - RSP as a base always needs a SIB. */
TEST(invlpg_rsp_base_with_disp8)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x7c, 0x24, 0x10);
	EXPECT_EQ(in.has_sib, 1);
	EXPECT_EQ(in.sib, 0x24);
	EXPECT_EQ(in.disp, 0x10);
}

/*
 * invlpg 0x12345678: 0F 01 3C 25 78 56 34 12 - SIB base 5 with mod 0
 * means no base and a disp32 (8 bytes).
 */
TEST(invlpg_sib_no_base_disp32)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x3c, 0x25, 0x78, 0x56, 0x34, 0x12);
	EXPECT_EQ(in.has_sib, 1);
	EXPECT_EQ(in.sib, 0x25);
	EXPECT_EQ(in.disp_size, 4);
	EXPECT_EQ(in.disp, 0x12345678);
	EXPECT_EQ(in.rip_relative, 0);
}

/*
 * invlpg 0x12345678(%rip): 0F 01 3D 78 56 34 12 - in 64-bit mode,
 * mod 0 rm 5 is RIP-relative with a disp32 (APM3 §1.7 "RIP-Relative
 * Addressing").
 */
TEST(invlpg_rip_relative)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12);
	EXPECT_EQ(in.rip_relative, 1);
	EXPECT_EQ(in.disp_size, 4);
	EXPECT_EQ(in.disp, 0x12345678);
	EXPECT_EQ(in.has_sib, 0);
}

/* mod 1 rm 5 is not RIP-relative: 0F 01 7D 08 is invlpg 8(%rbp). */
TEST(invlpg_rbp_disp8_is_not_rip_relative)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x0f, 0x01, 0x7d, 0x08);
	EXPECT_EQ(in.rip_relative, 0);
	EXPECT_EQ(in.rm, RBP);
	EXPECT_EQ(in.disp, 8);
}

/* REX.B extends rm: 41 0F 01 38 is invlpg (%r8). */
TEST(invlpg_rex_b_extends_rm)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x01, 0x38);
	EXPECT_EQ(in.rm, R8);
	EXPECT_EQ(in.reg, 7);
}

/* REX.B + REX.X extend base and index: 43 0F 01 3C 98 is (%r8,%r11,4). */
TEST(invlpg_rex_b_and_x_extend_sib)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x43, 0x0f, 0x01, 0x3c, 0x98);
	EXPECT_EQ(in.has_sib, 1);
	EXPECT_EQ(in.rex, 0x43);
}

/*
 * The "no SIB"/"RIP-relative"/"no base" special cases look at the low
 * three bits only, before REX.B: 41 0F 01 3C 24 is (%r12) with a SIB,
 * 41 0F 01 3D is still RIP-relative, 41 0F 01 7D 00 is 0(%r13).
 */
TEST(invlpg_special_cases_ignore_rex_b)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x01, 0x3c, 0x24);
	EXPECT_EQ(in.has_sib, 1);
	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12);
	EXPECT_EQ(in.rip_relative, 1);
	EXPECT_EQ(in.disp, 0x12345678);
	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x01, 0x7d, 0x00);
	EXPECT_EQ(in.rip_relative, 0);
	EXPECT_EQ(in.rm, R13);
	EXPECT_EQ(in.disp_size, 1);
	EXPECT_INSN(in, 64, 0x41, 0x0f, 0x01, 0x3c, 0x25, 0x78, 0x56, 0x34, 0x12);
	EXPECT_EQ(in.disp_size, 4);
}

/* A segment override before INVLPG: 64 0F 01 38 is invlpg %fs:(%rax). */
TEST(invlpg_with_fs_override)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x64, 0x0f, 0x01, 0x38);
	EXPECT_EQ(in.seg, 4);
	EXPECT_INSN(in, 64, 0x65, 0x0f, 0x01, 0x38);
	EXPECT_EQ(in.seg, 5);
}

/* The 67 prefix in 64-bit mode: 67 0F 01 38 is invlpg (%eax), adsize 4. */
TEST(invlpg_with_67_has_address_size_4)
{
	struct insn in;

	EXPECT_INSN(in, 64, 0x67, 0x0f, 0x01, 0x38);
	EXPECT_EQ(in.adsize, 4);
	EXPECT_EQ(in.rm, RAX);
}

/* ---- insn_ea ---- */

/* Decode @b (expecting success) and return its effective address. */
static uint64_t ea_of(int line, unsigned mode, const uint64_t gpr[16],
		      uint64_t next_rip, const uint8_t *b, unsigned n)
{
	struct insn in;

	if (decode(&in, mode, b, n) != 0) {
		unit_fail(__FILE__, line, "decode refused");
		return 0xbadbadbadull;
	}
	if (in.len != n)
		unit_fail(__FILE__, line, "len %u, want %u", in.len, n);
	return insn_ea(&in, gpr, next_rip);
}

#define EA(mode, gpr, next_rip, ...) \
	ea_of(__LINE__, (mode), (gpr), (next_rip), B(__VA_ARGS__))

/* Sixteen distinct GPR values, so a wrong register shows. */
static void fill_gprs(uint64_t g[16])
{
	unsigned i;

	for (i = 0; i < 16; i++)
		g[i] = 0x1111000000000000ull * (i & 1) + 0x100000ull * (i + 1);
}

/* (%rax) is RAX: the full 64 bits in 64-bit mode. */
TEST(ea_register_indirect)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0xffff800000001000ull;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x38), 0xffff800000001000ull);
	g[R8] = 0x123456789000ull;
	EXPECT_EQ(EA(64, g, 0, 0x41, 0x0f, 0x01, 0x38), 0x123456789000ull);
}

/* disp8 is added sign-extended: 0x10(%rax) and -0x10(%rax). */
TEST(ea_disp8_signed)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0x1000;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x78, 0x10), 0x1010);
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x78, 0xf0), 0x0ff0);
}

/* disp32 is added sign-extended: 0x12345678(%rax), -0x80000000(%rax). */
TEST(ea_disp32_signed)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0x100000000ull;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0xb8, 0x78, 0x56, 0x34, 0x12),
		  0x112345678ull);
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0xb8, 0x00, 0x00, 0x00, 0x80),
		  0x80000000ull);
}

/* SIB: base + index << scale, for scales 1, 2, 4 and 8. */
TEST(ea_sib_scales)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0x1000;
	g[RBX] = 0x10;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x18), 0x1010); /* ,1 */
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x58), 0x1020); /* ,2 */
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x98), 0x1040); /* ,4 */
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0xd8), 0x1080); /* ,8 */
}

/* SIB index 4 (without REX.X) means no index, whatever the scale. */
TEST(ea_sib_index_4_is_none)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0x1000;
	g[RSP] = 0x7777;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x20), 0x1000);
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0xe0), 0x1000);
}

/* With REX.X, index 4 is R12: 42 0F 01 3C 20 is (%rax,%r12,1). */
TEST(ea_rex_x_index_4_is_r12)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0x1000;
	g[R12] = 0x234;
	EXPECT_EQ(EA(64, g, 0, 0x42, 0x0f, 0x01, 0x3c, 0x20), 0x1234);
}

/* REX.B and REX.X: 43 0F 01 3C 98 is R8 + R11 * 4. */
TEST(ea_rex_extended_base_and_index)
{
	uint64_t g[16];

	fill_gprs(g);
	g[R8] = 0x10000;
	g[R11] = 0x100;
	EXPECT_EQ(EA(64, g, 0, 0x43, 0x0f, 0x01, 0x3c, 0x98), 0x10400);
}

/* RSP and R12 as bases: 0x10(%rsp) and (%r12). */
TEST(ea_rsp_and_r12_bases)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RSP] = 0x8000;
	g[R12] = 0x9000;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x7c, 0x24, 0x10), 0x8010);
	EXPECT_EQ(EA(64, g, 0, 0x41, 0x0f, 0x01, 0x3c, 0x24), 0x9000);
}

/* RBP and R13 with mod 1: 8(%rbp), 0(%r13) - real bases. */
TEST(ea_rbp_and_r13_with_disp8)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RBP] = 0x5000;
	g[R13] = 0x6000;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x7d, 0x08), 0x5008);
	EXPECT_EQ(EA(64, g, 0, 0x41, 0x0f, 0x01, 0x7d, 0x00), 0x6000);
}

/*
 * SIB base 5 with mod 0 is disp32 with no base (neither RBP nor, with
 * REX.B, R13); the disp32 is sign-extended to 64 bits.
 */
TEST(ea_sib_no_base)
{
	uint64_t g[16];

	fill_gprs(g);
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x25, 0x78, 0x56, 0x34, 0x12),
		  0x12345678);
	EXPECT_EQ(EA(64, g, 0, 0x41, 0x0f, 0x01, 0x3c, 0x25,
		     0x78, 0x56, 0x34, 0x12), 0x12345678);
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x25, 0x00, 0x00, 0x00, 0x80),
		  0xffffffff80000000ull);
}

/* No base but an index: 0F 01 3C 9D 00 01 00 00 is 0x100(,%rbx,4). */
TEST(ea_sib_no_base_with_index)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RBX] = 0x40;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x3c, 0x9d, 0x00, 0x01, 0x00, 0x00),
		  0x200);
}

/* RIP-relative: the address is next_rip + disp32 (RBP is not used). */
TEST(ea_rip_relative_is_next_rip_plus_disp)
{
	uint64_t g[16];

	fill_gprs(g);
	EXPECT_EQ(EA(64, g, 0x401007, 0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12),
		  0x401007 + 0x12345678);
	EXPECT_EQ(EA(64, g, 0xffffffff80001007ull,
		     0x0f, 0x01, 0x3d, 0xf0, 0xff, 0xff, 0xff),
		  0xffffffff80000ff7ull);
	/* REX.B does not make it R13-relative. */
	EXPECT_EQ(EA(64, g, 0x1000, 0x41, 0x0f, 0x01, 0x3d, 0x10, 0, 0, 0),
		  0x1010);
}

/* 64-bit addresses wrap modulo 2^64. */
TEST(ea_wraps_at_64_bits)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0xfffffffffffffff0ull;
	EXPECT_EQ(EA(64, g, 0, 0x0f, 0x01, 0x78, 0x20), 0x10);
}

/* 67 in 64-bit mode: 32-bit addressing, the sum truncated to 32 bits. */
TEST(ea_67_prefix_truncates_to_32_bits)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0xffffffff00001000ull;
	EXPECT_EQ(EA(64, g, 0, 0x67, 0x0f, 0x01, 0x38), 0x1000);
	g[RAX] = 0xfffffff8ull;
	EXPECT_EQ(EA(64, g, 0, 0x67, 0x0f, 0x01, 0x78, 0x10), 0x8);
}

/* ---- 32-bit and 16-bit code ---- */

/* 32-bit code: operands and addresses are 4 bytes by default. */
TEST(mode_32_defaults)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0x0f, 0xa2);
	EXPECT_EQ(in.opsize, 4);
	EXPECT_EQ(in.adsize, 4);
	EXPECT_EQ(in.rex, 0);
}

/* 32-bit code: 66 gives 16-bit operands, 67 16-bit addresses. */
TEST(mode_32_66_and_67_prefixes)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0x66, 0xed);
	EXPECT_EQ(in.opsize, 2);
	EXPECT_EQ(in.adsize, 4);
	EXPECT_INSN(in, 32, 0x67, 0x6c);
	EXPECT_EQ(in.adsize, 2);
	EXPECT_EQ(in.opsize, 4);
}

/* In 32-bit code 48h is DEC EAX, not REX: 48 0F A2 is not one instruction. */
TEST(mode_32_has_no_rex)
{
	EXPECT_REFUSED(32, 0x48, 0x0f, 0xa2);
}

/* In 32-bit code mod 0 rm 5 is an absolute disp32, not RIP-relative. */
TEST(mode_32_rm_5_is_absolute)
{
	struct insn in;
	uint64_t g[16];

	EXPECT_INSN(in, 32, 0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12);
	EXPECT_EQ(in.rip_relative, 0);
	EXPECT_EQ(in.disp_size, 4);
	fill_gprs(g);
	EXPECT_EQ(insn_ea(&in, g, 0x1000), 0x12345678);
}

/* 32-bit code truncates to 32 bits: EAX + 4 * EBX wraps. */
TEST(mode_32_ea_truncates)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RAX] = 0x100001000ull;
	EXPECT_EQ(EA(32, g, 0, 0x0f, 0x01, 0x38), 0x1000);
	g[RAX] = 0xfffffff0ull;
	g[RBX] = 8;
	EXPECT_EQ(EA(32, g, 0, 0x0f, 0x01, 0x3c, 0x98), 0x10);
}

/* Segment overrides in 32-bit code: 26 6E is outsb with ES (seg 0). */
TEST(mode_32_segment_overrides)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0x26, 0x6e);
	EXPECT_EQ(in.seg, 0);
	EXPECT_INSN(in, 32, 0x2e, 0x6e);
	EXPECT_EQ(in.seg, 1);
	EXPECT_INSN(in, 32, 0x36, 0x6e);
	EXPECT_EQ(in.seg, 2);
	EXPECT_INSN(in, 32, 0x3e, 0x6e);
	EXPECT_EQ(in.seg, 3);
	EXPECT_INSN(in, 32, 0x64, 0x6e);
	EXPECT_EQ(in.seg, 4);
	EXPECT_INSN(in, 32, 0x65, 0x6e);
	EXPECT_EQ(in.seg, 5);
	EXPECT_INSN(in, 32, 0x6e);
	EXPECT_EQ(in.seg, INSN_SEG_NONE);
}

/* 16-bit code: operands and addresses are 2 bytes; 66 and 67 give 4. */
TEST(mode_16_defaults_and_prefixes)
{
	struct insn in;

	EXPECT_INSN(in, 16, 0xed);
	EXPECT_EQ(in.opsize, 2);
	EXPECT_EQ(in.adsize, 2);
	EXPECT_INSN(in, 16, 0x66, 0xed);
	EXPECT_EQ(in.opsize, 4);
	EXPECT_INSN(in, 16, 0x67, 0x6c);
	EXPECT_EQ(in.adsize, 4);
}

/*
 * 16-bit addressing has its own ModRM table (APM3 §1.4 "ModRM and SIB
 * Bytes"; no SIB):
 * mod 0 rm 6 is a disp16, 0F 01 3E 34 12 = invlpg 0x1234 (5 bytes);
 * mod 1 rm 2 is [bp+si+disp8], 0F 01 7A FE (4 bytes).
 */
TEST(mode_16_modrm_shapes)
{
	struct insn in;

	EXPECT_INSN(in, 16, 0x0f, 0x01, 0x38);          /* (%bx,%si) */
	EXPECT_EQ(in.has_sib, 0);
	EXPECT_EQ(in.disp_size, 0);
	EXPECT_INSN(in, 16, 0x0f, 0x01, 0x3e, 0x34, 0x12);
	EXPECT_EQ(in.disp_size, 2);
	EXPECT_EQ(in.disp, 0x1234);
	EXPECT_INSN(in, 16, 0x0f, 0x01, 0x7a, 0xfe);
	EXPECT_EQ(in.disp_size, 1);
	EXPECT_EQ(in.disp, -2);
	EXPECT_INSN(in, 16, 0x0f, 0x01, 0xbb, 0x00, 0x10);      /* 0x1000(%bp,%di) */
	EXPECT_EQ(in.disp_size, 2);
	/* A disp16 is sign-extended too: 8000h is -8000h. */
	EXPECT_INSN(in, 16, 0x0f, 0x01, 0x3e, 0x00, 0x80);
	EXPECT_EQ(in.disp, -0x8000);
	/* rm 4 in 16-bit addressing is [si]: no SIB byte follows. */
	EXPECT_INSN(in, 16, 0x0f, 0x01, 0x3c);
	EXPECT_EQ(in.has_sib, 0);
}

/* 67 in 32-bit code selects the same 16-bit table: 67 0F 01 38 is (%bx,%si). */
TEST(mode_32_with_67_uses_16_bit_modrm)
{
	struct insn in;

	EXPECT_INSN(in, 32, 0x67, 0x0f, 0x01, 0x3e, 0x34, 0x12);
	EXPECT_EQ(in.disp_size, 2);
	EXPECT_EQ(in.adsize, 2);
	/* And 67 in 16-bit code selects the 32-bit table, with SIB. */
	EXPECT_INSN(in, 16, 0x67, 0x0f, 0x01, 0x3c, 0x98);
	EXPECT_EQ(in.has_sib, 1);
}

/* 16-bit effective addresses: [bx+si], [bx], [bp+4], [bp+di+1000h], wrapping at 64K. */
TEST(mode_16_effective_addresses)
{
	uint64_t g[16];

	fill_gprs(g);
	g[RBX] = 0x1000;
	g[RSI] = 0x0234;
	g[RDI] = 0x0010;
	g[RBP] = 0x2000;
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0x38), 0x1234);
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0x3f), 0x1000);
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0x7e, 0x04), 0x2004);
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0xbb, 0x00, 0x10), 0x3010);
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0x3e, 0x34, 0x12), 0x1234);
	/* disp16 8000h is -8000h, and the sum is truncated to 16 bits. */
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0x3e, 0x00, 0x80), 0x8000);
	g[RBX] = 0xffff;
	g[RSI] = 2;
	EXPECT_EQ(EA(16, g, 0, 0x0f, 0x01, 0x38), 0x0001);
}

/* ---- refusals ---- */

/* Opcodes outside the list are refused: SYSCALL, MOV, x87, EVEX, RET. */
TEST(unknown_opcodes_are_refused)
{
	EXPECT_REFUSED(64, 0x0f, 0x05);                 /* SYSCALL */
	EXPECT_REFUSED(64, 0x89, 0xc0);                 /* mov %eax,%eax */
	EXPECT_REFUSED(64, 0xd8, 0xc0);                 /* fadd %st(0),%st */
	EXPECT_REFUSED(64, 0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc0); /* EVEX */
	EXPECT_REFUSED(64, 0xc3);                       /* ret */
	EXPECT_REFUSED(64, 0x90);                       /* NOP: only F3 90 is PAUSE */
	EXPECT_REFUSED(64, 0x0f, 0x38, 0x00, 0xc0);     /* pshufb: 0F 38 map */
	EXPECT_REFUSED(64, 0x0f, 0xa3, 0xc0);           /* bt */
}

/* Nothing at all, or only prefixes, is not an instruction. */
TEST(empty_and_prefix_only_are_refused)
{
	struct insn in;
	uint8_t b[1] = { 0x90 };

	EXPECT_EQ(insn_decode(b, 0, 64, &in), -1);
	EXPECT_REFUSED(64, 0x66);
	EXPECT_REFUSED(64, 0x66, 0xf3);
	EXPECT_REFUSED(64, 0x48);
	EXPECT_REFUSED(64, 0x0f);
}

/* A buffer cut short of the instruction's length is refused. */
TEST(cut_short_is_refused)
{
	EXPECT_REFUSED(64, 0x0f, 0x01);                 /* ModRM missing */
	EXPECT_REFUSED(64, 0xcd);                       /* imm8 missing */
	EXPECT_REFUSED(64, 0xe4);                       /* port missing */
	EXPECT_REFUSED(64, 0x0f, 0x01, 0x78);           /* disp8 missing */
	EXPECT_REFUSED(64, 0x0f, 0x01, 0xb8, 0x78, 0x56, 0x34); /* disp32 short */
	EXPECT_REFUSED(64, 0x0f, 0x01, 0x3c);           /* SIB missing */
	EXPECT_REFUSED(64, 0x0f, 0x01, 0x3c, 0x25, 0x78, 0x56, 0x34);
	EXPECT_REFUSED(64, 0x0f, 0x01, 0x3d, 0x78);     /* RIP disp32 short */
	EXPECT_REFUSED(16, 0x0f, 0x01, 0x3e, 0x34);     /* disp16 short */
	EXPECT_REFUSED(64, 0x41, 0x0f, 0x20);           /* MOV CR ModRM */
}

/*
 * No instruction is longer than 15 bytes: 13 prefixes + 0F A2 (15) is
 * accepted, 14 prefixes + 0F A2 (16) is refused.
 */
TEST(fifteen_bytes_is_the_limit)
{
	uint8_t b[20];
	struct insn in;

	memset(b, 0x66, sizeof(b));
	b[13] = 0x0f;
	b[14] = 0xa2;
	EXPECT_EQ(decode(&in, 64, b, 15), 0);
	EXPECT_EQ(in.len, 15);
	memset(b, 0x66, sizeof(b));
	b[14] = 0x0f;
	b[15] = 0xa2;
	EXPECT_EQ(decode(&in, 64, b, 16), -1);
	EXPECT_EQ(decode(&in, 64, b, 20), -1);
}

/* More than 15 bytes of prefixes alone is refused, whatever follows. */
TEST(sixteen_prefixes_are_refused)
{
	uint8_t b[18];
	struct insn in;

	memset(b, 0x2e, sizeof(b));
	b[16] = 0x0f;
	b[17] = 0xa2;
	EXPECT_EQ(decode(&in, 64, b, sizeof(b)), -1);
}

/*
 * The limit counts the whole instruction, displacement included:
 * 7 prefixes + invlpg disp32 with SIB (8) = 15 is accepted, 8 + 8 = 16
 * is refused.
 */
TEST(fifteen_byte_limit_includes_the_displacement)
{
	static const uint8_t tail[8] = { 0x0f, 0x01, 0x3c, 0x25,
					 0x78, 0x56, 0x34, 0x12 };
	uint8_t b[16];
	struct insn in;

	memset(b, 0x66, sizeof(b));
	memcpy(b + 7, tail, 8);
	EXPECT_EQ(decode(&in, 64, b, 15), 0);
	EXPECT_EQ(in.len, 15);
	memcpy(b + 8, tail, 8);
	EXPECT_EQ(decode(&in, 64, b, 16), -1);
}
