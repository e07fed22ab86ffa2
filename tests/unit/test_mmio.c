/*
 * test_mmio.c - host tests of the MOV decoding behind MMIO emulation
 * and of the register rules of mmio.c (chapter 14).
 *
 * Every row below was encoded by hand from the one-byte opcode map
 * (APM3 appendix A, table A-1) and the ModRM/SIB tables (APM3 §1.4
 * "ModRM and SIB Bytes"), and its expected values worked out from the
 * same tables, not from the code under test:
 *
 *   88 /r  store r8        89 /r  store r16/32/64
 *   8A /r  load r8         8B /r  load r16/32/64
 *   C6 /0  store imm8      C7 /0  store imm16/imm32 (imm32 sign-extended
 *                                 to 64 bits with REX.W)
 *
 *   ModRM = mod (7:6) | reg (5:3) | rm (2:0); REX = 0100WRXB.
 *   Byte register numbers 4-7 are AH CH DH BH without REX and
 *   SPL BPL SIL DIL with any REX (APM1 §3.1.2 "Byte Registers").
 *
 * A row is one instruction: its bytes, the code size it runs in, its
 * length, and the MMIO access it must become.
 */
#include <stdlib.h>
#include "unit.h"
#include "svm/insn.h"
#include "svm/mmio.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
       R8, R9, R10, R11, R12, R13, R14, R15 };

/* One accepted instruction and the access it makes. */
struct row {
	int line;
	unsigned mode;                  /* 64, 32 or 16 */
	unsigned n;                     /* bytes in b */
	uint8_t b[INSN_MAX_LEN + 1];
	unsigned len;                   /* the instruction's length */
	unsigned write, size, reg, high8, has_imm;
	uint64_t imm;
};

#define NBYTES(...) ((unsigned)sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* A load from the device into a register. */
#define LOAD(mode, len, size, reg, high8, ...) \
	{ __LINE__, mode, NBYTES(__VA_ARGS__), { __VA_ARGS__ }, \
	  len, 0, size, reg, high8, 0, 0 }
/* A store of a register to the device. */
#define STORE(mode, len, size, reg, high8, ...) \
	{ __LINE__, mode, NBYTES(__VA_ARGS__), { __VA_ARGS__ }, \
	  len, 1, size, reg, high8, 0, 0 }
/* A store of an immediate. */
#define STIMM(mode, len, size, imm, ...) \
	{ __LINE__, mode, NBYTES(__VA_ARGS__), { __VA_ARGS__ }, \
	  len, 1, size, 0, 0, 1, imm }

static const struct row rows[] = {
	/* ---- 64-bit mode: stores of a register (88, 89) ---- */
	/* mov %eax,(%rax): ModRM 00 = mod 0, reg 0, rm 0 */
	STORE(64, 2, 4, RAX, 0, 0x89, 0x00),
	/* mov %rcx,(%rax): REX.W; ModRM 08 = reg 1 */
	STORE(64, 3, 8, RCX, 0, 0x48, 0x89, 0x08),
	/* mov %dx,(%rax): 66; ModRM 10 = reg 2 */
	STORE(64, 3, 2, RDX, 0, 0x66, 0x89, 0x10),
	/* mov %bl,(%rax): ModRM 18 = reg 3 */
	STORE(64, 2, 1, RBX, 0, 0x88, 0x18),
	/* mov %ah,(%rax): ModRM 20 = reg 4, no REX: AH = RAX[15:8] */
	STORE(64, 2, 1, RAX, 1, 0x88, 0x20),
	/* mov %bh,(%rbx): ModRM 3B = reg 7, rm 3: BH = RBX[15:8] */
	STORE(64, 2, 1, RBX, 1, 0x88, 0x3b),
	/* mov %spl,(%rax): a bare REX 40 turns reg 4 into SPL */
	STORE(64, 3, 1, RSP, 0, 0x40, 0x88, 0x20),
	/* mov %dil,(%rsi): REX 40, ModRM 3E = reg 7 (DIL), rm 6 */
	STORE(64, 3, 1, RDI, 0, 0x40, 0x88, 0x3e),
	/* mov %spl,(%r15): REX.B; ModRM 27 = reg 4, rm 7+8.  Any REX: SPL */
	STORE(64, 3, 1, RSP, 0, 0x41, 0x88, 0x27),
	/* mov %r8d,(%rax): REX.R extends reg 0 to 8 */
	STORE(64, 3, 4, R8, 0, 0x44, 0x89, 0x00),
	/* mov %r15b,(%rax): REX.R, ModRM 38 = reg 7 -> 15 */
	STORE(64, 3, 1, R15, 0, 0x44, 0x88, 0x38),
	/* mov %r13,(%rax): REX.WR, ModRM 28 = reg 5 -> 13 */
	STORE(64, 3, 8, R13, 0, 0x4c, 0x89, 0x28),
	/* mov %ecx,(%eax): 67 (32-bit address) changes nothing else */
	STORE(64, 3, 4, RCX, 0, 0x67, 0x89, 0x08),

	/* ---- 64-bit mode: loads into a register (8A, 8B) ---- */
	/* mov (%rbx),%eax: ModRM 03 = reg 0, rm 3 */
	LOAD(64, 2, 4, RAX, 0, 0x8b, 0x03),
	/* mov (%rbx),%r15: REX.WR, ModRM 3B = reg 7 -> 15 */
	LOAD(64, 3, 8, R15, 0, 0x4c, 0x8b, 0x3b),
	/* mov (%rax),%ah: ModRM 20 = reg 4, no REX */
	LOAD(64, 2, 1, RAX, 1, 0x8a, 0x20),
	/* mov (%rax),%spl: the same with REX 40 */
	LOAD(64, 3, 1, RSP, 0, 0x40, 0x8a, 0x20),
	/* mov (%rsi),%cl: ModRM 0E = reg 1, rm 6 */
	LOAD(64, 2, 1, RCX, 0, 0x8a, 0x0e),
	/* mov (%rsi),%cx */
	LOAD(64, 3, 2, RCX, 0, 0x66, 0x8b, 0x0e),
	/* mov 0x10(%rip),%rax: ModRM 05 = mod 0, rm 5: disp32, RIP */
	LOAD(64, 7, 8, RAX, 0, 0x48, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00),
	/* mov 0x8(%rsp),%eax: ModRM 44 = mod 1, rm 4 (SIB); SIB 24 = RSP */
	LOAD(64, 4, 4, RAX, 0, 0x8b, 0x44, 0x24, 0x08),
	/* mov (%rax,%r9,4),%eax: REX.X; SIB 88 = scale 4, index 1+8, base 0 */
	LOAD(64, 4, 4, RAX, 0, 0x42, 0x8b, 0x04, 0x88),
	/* mov 0x1000(%rax,%rcx,8),%eax: ModRM 84 = mod 2 (disp32), SIB C8 */
	LOAD(64, 7, 4, RAX, 0, 0x8b, 0x84, 0xc8, 0x00, 0x10, 0x00, 0x00),
	/* mov 0xfffffffffe0b0000,%eax: SIB 25 = no index, no base, disp32 */
	LOAD(64, 7, 4, RAX, 0, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x0b, 0xfe),
	/* mov -4(%rax),%eax: ModRM 40 = mod 1, disp8 FC */
	LOAD(64, 3, 4, RAX, 0, 0x8b, 0x40, 0xfc),
	/* mov 0xfee00000(%rax),%edx: ModRM 90 = mod 2, reg 2, rm 0 */
	LOAD(64, 6, 4, RDX, 0, 0x8b, 0x90, 0x00, 0x00, 0xe0, 0xfe),
	/* mov %gs:0x0,%rax: 65 48 8B 04 25 disp32 */
	LOAD(64, 9, 8, RAX, 0, 0x65, 0x48, 0x8b, 0x04, 0x25,
	     0x00, 0x00, 0x00, 0x00),

	/* ---- 64-bit mode: stores of an immediate (C6 /0, C7 /0) ---- */
	/* movb $0x5a,(%rax) */
	STIMM(64, 3, 1, 0x5a, 0xc6, 0x00, 0x5a),
	/* movb $0xff,4(%rax): ModRM 40 + disp8, then imm8 */
	STIMM(64, 4, 1, 0xff, 0xc6, 0x40, 0x04, 0xff),
	/* movl $0x12345678,(%rax) */
	STIMM(64, 6, 4, 0x12345678, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
	/* movw $0x1234,(%rax): 66 makes the immediate 2 bytes */
	STIMM(64, 5, 2, 0x1234, 0x66, 0xc7, 0x00, 0x34, 0x12),
	/* movq $-1,(%rax): imm32 FFFFFFFF sign-extended */
	STIMM(64, 7, 8, 0xffffffffffffffffull,
	      0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	/* movq $-0x80000000,(%rax) */
	STIMM(64, 7, 8, 0xffffffff80000000ull,
	      0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80),
	/* movq $0x7fffffff,(%rax): positive, upper half stays 0 */
	STIMM(64, 7, 8, 0x7fffffff, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f),
	/* movl $0xdeadbeef,0x8(%rsp): 32 bits, no sign extension */
	STIMM(64, 8, 4, 0xdeadbeef,
	      0xc7, 0x44, 0x24, 0x08, 0xef, 0xbe, 0xad, 0xde),
	/* movl $0x1,-0x10(%rip): disp32 then imm32 */
	STIMM(64, 10, 4, 1, 0xc7, 0x05, 0xf0, 0xff, 0xff, 0xff,
	      0x01, 0x00, 0x00, 0x00),
	/* movq $0x0,(%r12): REX.WB, SIB 24 with base 4+8 */
	STIMM(64, 8, 8, 0, 0x49, 0xc7, 0x04, 0x24, 0x00, 0x00, 0x00, 0x00),
	/* movl $0x1,0x300(%rax): mod 2, disp32 then imm32 */
	STIMM(64, 10, 4, 1, 0xc7, 0x80, 0x00, 0x03, 0x00, 0x00,
	      0x01, 0x00, 0x00, 0x00),
	/* REX.R with C7: reg is an opcode extension, REX.R is ignored */
	STIMM(64, 7, 4, 1, 0x44, 0xc7, 0x00, 0x01, 0x00, 0x00, 0x00),
	/* movw $0xabcd,%cs:2(%rax): segment and operand-size prefixes */
	STIMM(64, 7, 2, 0xabcd, 0x2e, 0x66, 0xc7, 0x40, 0x02, 0xcd, 0xab),
	/* 4 prefixes + C7 84 SIB disp32 imm32 = 15 bytes, the limit */
	STIMM(64, 15, 4, 0x2a, 0x2e, 0x2e, 0x2e, 0x2e, 0xc7, 0x84, 0x88,
	      0x00, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00),

	/* ---- 32-bit code: no REX, 40-47 are INC ---- */
	/* mov %eax,(%ebx) */
	STORE(32, 2, 4, RAX, 0, 0x89, 0x03),
	/* mov 0xfec00000,%cx: mod 0 rm 5 is an absolute disp32 here */
	LOAD(32, 7, 2, RCX, 0, 0x66, 0x8b, 0x0d, 0x00, 0x00, 0xc0, 0xfe),
	/* mov %ah,(%esp): SIB 24; byte register 4 is AH in 32-bit code */
	STORE(32, 3, 1, RAX, 1, 0x88, 0x24, 0x24),
	/* movl $0x1,0xfec00000 */
	STIMM(32, 10, 4, 1, 0xc7, 0x05, 0x00, 0x00, 0xc0, 0xfe,
	      0x01, 0x00, 0x00, 0x00),
	/* mov (%bx),%eax: 67 selects 16-bit addressing, rm 7 = [bx] */
	LOAD(32, 3, 4, RAX, 0, 0x67, 0x8b, 0x07),
	/* movw $0x55aa,(%eax): 66 gives an imm16 in 32-bit code too */
	STIMM(32, 5, 2, 0x55aa, 0x66, 0xc7, 0x00, 0xaa, 0x55),

	/* ---- 16-bit code: 16-bit operands and addresses by default ---- */
	/* mov (%bx),%ax: rm 7 = [bx], no displacement */
	LOAD(16, 2, 2, RAX, 0, 0x8b, 0x07),
	/* mov (%bx),%eax: 66 gives 32-bit operands */
	LOAD(16, 3, 4, RAX, 0, 0x66, 0x8b, 0x07),
	/* movw $0x1234,0x1000: mod 0 rm 6 = disp16; imm16 */
	STIMM(16, 6, 2, 0x1234, 0xc7, 0x06, 0x00, 0x10, 0x34, 0x12),
	/* movl $0x12345678,0x1000: 66 makes the immediate 4 bytes */
	STIMM(16, 9, 4, 0x12345678, 0x66, 0xc7, 0x06, 0x00, 0x10,
	      0x78, 0x56, 0x34, 0x12),
	/* mov %ah,2(%bx): ModRM 67 = mod 1, reg 4, rm 7 + disp8 */
	STORE(16, 3, 1, RAX, 1, 0x88, 0x67, 0x02),
	/* mov -2(%bp),%cl: ModRM 4E = mod 1, reg 1, rm 6 = [bp+disp8] */
	LOAD(16, 3, 1, RCX, 0, 0x8a, 0x4e, 0xfe),
	/* mov %edx,(%eax): 66 and 67 in 16-bit code */
	STORE(16, 4, 4, RDX, 0, 0x66, 0x67, 0x89, 0x10),
};

/*
 * Decode @n bytes from a heap buffer of exactly @n bytes, so that
 * AddressSanitizer catches a read past them.
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

/* Decode and describe the MMIO access: 0, or -1 from either step. */
static int op_of(const uint8_t *b, unsigned n, unsigned mode,
		 struct insn *in, struct mmio_op *op, const char **why)
{
	*why = "decoder refused";
	if (decode(in, mode, b, n) != 0)
		return -1;
	memset(op, 0xcc, sizeof(*op));
	return mmio_op_from_insn(in, op, why);
}

static void check_row(const struct row *r)
{
	uint8_t padded[INSN_MAX_LEN + 8];
	struct mmio_op op;
	struct insn in, p;
	const char *why;

	if (r->n != r->len) {
		unit_fail(__FILE__, r->line, "row has %u bytes, len %u",
			  r->n, r->len);
		return;
	}
	if (op_of(r->b, r->n, r->mode, &in, &op, &why) != 0) {
		unit_fail(__FILE__, r->line, "refused: %s", why);
		return;
	}
	if (in.len != r->len)
		unit_fail(__FILE__, r->line, "len %u, want %u", in.len, r->len);
	if (op.write != r->write || op.size != r->size || op.reg != r->reg ||
	    op.high8 != r->high8 || op.has_imm != r->has_imm ||
	    op.imm != r->imm)
		unit_fail(__FILE__, r->line,
			  "write %u size %u reg %u high8 %u has_imm %u imm %llx, "
			  "want %u %u %u %u %u %llx", op.write, op.size, op.reg,
			  op.high8, op.has_imm, (unsigned long long)op.imm,
			  r->write, r->size, r->reg, r->high8, r->has_imm,
			  (unsigned long long)r->imm);
	/* The length comes from the bytes, not from how many there are. */
	memcpy(padded, r->b, r->n);
	memset(padded + r->n, 0x90, sizeof(padded) - r->n);
	if (decode(&p, r->mode, padded, sizeof(padded)) != 0 ||
	    p.len != r->len || p.imm != in.imm || p.disp != in.disp)
		unit_fail(__FILE__, r->line,
			  "decodes differently with bytes after it");
	/* One byte short is refused. */
	if (decode(&p, r->mode, r->b, r->n - 1) == 0)
		unit_fail(__FILE__, r->line, "accepted one byte short");
}

/* Every row of the table decodes to its access, at its length. */
TEST(mov_table)
{
	unsigned i;

	EXPECT_TRUE(sizeof(rows) / sizeof(rows[0]) >= 30);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
}

/* ---- what MMIO emulation refuses ---- */

struct reject {
	int line;
	unsigned mode;
	unsigned n;
	uint8_t b[INSN_MAX_LEN + 2];
	const char *why;        /* mmio's reason, or NULL: any refusal */
};

#define REJECT(mode, why, ...) \
	{ __LINE__, mode, NBYTES(__VA_ARGS__), { __VA_ARGS__ }, why }

static const struct reject rejects[] = {
	REJECT(64, NULL, 0xa4),                         /* movsb */
	REJECT(64, NULL, 0xa5),                         /* movsl */
	REJECT(64, NULL, 0xf3, 0xa5),                   /* rep movsl */
	REJECT(64, NULL, 0x8e, 0x18),                   /* mov (%rax),%ds */
	REJECT(64, NULL, 0x8c, 0x18),                   /* mov %ds,(%rax) */
	REJECT(64, NULL, 0x01, 0x00),                   /* add %eax,(%rax) */
	REJECT(64, NULL, 0xc6, 0x08, 0x12),             /* C6 /1 */
	REJECT(64, NULL, 0xc7, 0x48, 0x04, 0x01, 0x00, 0x00, 0x00), /* C7 /1 */
	REJECT(64, NULL, 0xc7, 0x38, 0x01, 0x00, 0x00, 0x00),       /* C7 /7 */
	REJECT(64, NULL, 0xc7, 0xf8, 0x00, 0x00, 0x00, 0x00),       /* xbegin */
	REJECT(64, "LOCK prefix", 0xf0, 0x89, 0x00),    /* lock mov */
	REJECT(64, "REP prefix", 0xf3, 0x89, 0x00),
	REJECT(64, "REP prefix", 0xf2, 0x8b, 0x00),
	REJECT(64, NULL, 0x89, 0xc0),                   /* mov %eax,%eax */
	REJECT(64, NULL, 0x8a, 0xc4),                   /* mov %ah,%al */
	REJECT(64, NULL, 0xc6, 0xc0, 0x01),             /* mov $1,%al */
	REJECT(64, NULL, 0x48, 0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00),
	REJECT(64, NULL, 0x8b, 0x04),                   /* SIB missing */
	REJECT(64, NULL, 0x8b, 0x80, 0x00, 0x10),       /* disp32 short */
	REJECT(64, NULL, 0xc7, 0x00, 0x78, 0x56),       /* imm32 short */
	REJECT(64, NULL, 0x66, 0xc7, 0x00, 0x34),       /* imm16 short */
	REJECT(64, NULL, 0xc6, 0x00),                   /* imm8 missing */
	REJECT(64, NULL, 0x89),                         /* ModRM missing */
	REJECT(64, NULL, 0x0f, 0x10, 0x00),             /* movups */
	REJECT(64, NULL, 0xff, 0x30),                   /* push (%rax) */
	REJECT(64, NULL, 0xa1, 0x00, 0x00, 0xe0, 0xfe,
	       0x00, 0x00, 0x00, 0x00),                 /* movabs moffs */
	/* In 32-bit code 40h is INC EAX, not a REX prefix. */
	REJECT(32, NULL, 0x40, 0x89, 0x00),
	/* 5 prefixes + 11 bytes = 16: over the limit. */
	REJECT(64, NULL, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0xc7, 0x84, 0x88,
	       0x00, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00),
};

/* None of these becomes an MMIO access. */
TEST(refused_instructions)
{
	struct mmio_op op;
	struct insn in;
	const char *why;
	unsigned i;

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject *r = &rejects[i];

		if (op_of(r->b, r->n, r->mode, &in, &op, &why) == 0) {
			unit_fail(__FILE__, r->line, "accepted");
			continue;
		}
		if (r->why && strcmp(why, r->why) != 0)
			unit_fail(__FILE__, r->line, "reason \"%s\", want \"%s\"",
				  why, r->why);
	}
}

/*
 * mmio_op_from_insn refuses on its own too, for an insn that did not
 * come from the decoder: a register operand (mod 3), another opcode,
 * the 0F map, C6/C7 with reg != 0.
 */
TEST(mmio_refuses_what_the_decoder_would_not_produce)
{
	struct mmio_op op;
	struct insn in;
	const char *why = NULL;

	memset(&in, 0, sizeof(in));
	in.mode = 64;
	in.opsize = 4;
	in.adsize = 8;
	in.has_modrm = 1;
	in.opcode = 0x89;
	in.modrm = 0xc0;                /* mov %eax,%eax */
	in.mod = 3;
	EXPECT_EQ(mmio_op_from_insn(&in, &op, &why), -1);
	EXPECT_STREQ(why, "register destination, no memory operand");

	in.modrm = 0x00;
	in.mod = 0;
	EXPECT_EQ(mmio_op_from_insn(&in, &op, &why), 0);
	in.opcode = 0x01;               /* add */
	EXPECT_EQ(mmio_op_from_insn(&in, &op, &why), -1);
	EXPECT_STREQ(why, "not a MOV");
	in.opcode = 0x89;
	in.twobyte = 1;                 /* 0F 89 is JNS */
	EXPECT_EQ(mmio_op_from_insn(&in, &op, &why), -1);
	EXPECT_STREQ(why, "not a MOV");
	in.twobyte = 0;
	in.opcode = 0xc7;
	in.modrm = 0x08;                /* C7 /1 */
	in.reg = 1;
	EXPECT_EQ(mmio_op_from_insn(&in, &op, &why), -1);
	/* A caller that does not want the reason may pass NULL. */
	EXPECT_EQ(mmio_op_from_insn(&in, &op, NULL), -1);
}

/* ---- decoder details the MMIO path relies on ---- */

/*
 * The decoder itself refuses what is not a memory MOV: C6/C7 with
 * reg != 0 (undefined or XABORT/XBEGIN, of other lengths) and the
 * register-only forms (mod 3), which never touch memory and so never
 * exit on an MMIO page.
 */
TEST(infra_decoder_refuses_non_mov_group_11_and_mod_3)
{
	static const uint8_t c6_1[] = { 0xc6, 0x08, 0x12 };
	static const uint8_t c7_4[] = { 0xc7, 0x20, 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t xabort[] = { 0xc6, 0xf8, 0x00 };
	static const uint8_t mov_rr[] = { 0x89, 0xc0 };
	static const uint8_t mov_ri[] = { 0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00 };
	struct insn in;

	EXPECT_EQ(decode(&in, 64, c6_1, sizeof(c6_1)), -1);
	EXPECT_EQ(decode(&in, 64, c7_4, sizeof(c7_4)), -1);
	EXPECT_EQ(decode(&in, 64, xabort, sizeof(xabort)), -1);
	EXPECT_EQ(decode(&in, 64, mov_rr, sizeof(mov_rr)), -1);
	EXPECT_EQ(decode(&in, 64, mov_ri, sizeof(mov_ri)), -1);
}

/* imm_size: C6 1, C7 4, C7 with 66 2, C7 with REX.W still 4; 88-8B 0. */
TEST(infra_mov_immediate_sizes)
{
	struct insn in;

	EXPECT_EQ(decode(&in, 64, (const uint8_t[]){ 0xc6, 0x00, 0x01 }, 3), 0);
	EXPECT_EQ(in.imm_size, 1);
	EXPECT_EQ(decode(&in, 64, (const uint8_t[]){ 0xc7, 0x00, 1, 0, 0, 0 },
			 6), 0);
	EXPECT_EQ(in.imm_size, 4);
	EXPECT_EQ(decode(&in, 64, (const uint8_t[]){ 0x66, 0xc7, 0x00, 1, 0 },
			 5), 0);
	EXPECT_EQ(in.imm_size, 2);
	EXPECT_EQ(decode(&in, 64,
			 (const uint8_t[]){ 0x48, 0xc7, 0x00, 1, 0, 0, 0 }, 7),
		  0);
	EXPECT_EQ(in.imm_size, 4);
	EXPECT_EQ(in.opsize, 8);
	EXPECT_EQ(decode(&in, 64, (const uint8_t[]){ 0x89, 0x00 }, 2), 0);
	EXPECT_EQ(in.imm_size, 0);
	EXPECT_EQ(in.has_modrm, 1);
	/* 16-bit code: imm16 by default, imm32 with 66. */
	EXPECT_EQ(decode(&in, 16, (const uint8_t[]){ 0xc7, 0x07, 1, 0 }, 4), 0);
	EXPECT_EQ(in.imm_size, 2);
}

/*
 * The address of the access: a RIP-relative store with an immediate is
 * relative to the end of the whole instruction, immediate included.
 * movl $1,-0x10(%rip) at 0x1000 is 10 bytes, so it writes 0x100a - 0x10.
 */
TEST(infra_rip_relative_store_counts_the_immediate)
{
	static const uint8_t b[] = { 0xc7, 0x05, 0xf0, 0xff, 0xff, 0xff,
				     0x01, 0x00, 0x00, 0x00 };
	uint64_t gpr[16] = { 0 };
	struct insn in;

	EXPECT_EQ(decode(&in, 64, b, sizeof(b)), 0);
	EXPECT_EQ(in.rip_relative, 1);
	EXPECT_EQ(in.disp, -0x10);
	EXPECT_EQ(insn_ea(&in, gpr, 0x1000 + in.len), 0xffa);
}

/* The address of a SIB + disp8 load: 8(%rsp) with RSP = 0xfee00300. */
TEST(infra_sib_load_address)
{
	uint64_t gpr[16] = { 0 };
	struct insn in;

	gpr[RSP] = 0xfee00300;
	EXPECT_EQ(decode(&in, 64, (const uint8_t[]){ 0x8b, 0x44, 0x24, 0x08 },
			 4), 0);
	EXPECT_EQ(insn_ea(&in, gpr, 0), 0xfee00308);
	/* 16-bit: mov (%bx),%ax with BX = 0x1234 reads 0x1234. */
	gpr[RBX] = 0xabcd1234;
	EXPECT_EQ(decode(&in, 16, (const uint8_t[]){ 0x8b, 0x07 }, 2), 0);
	EXPECT_EQ(insn_ea(&in, gpr, 0), 0x1234);
}

/* ---- mmio_store_value ---- */

/* Decode @b in 64-bit mode into an op (the test fails if refused). */
static struct mmio_op op64(const uint8_t *b, unsigned n)
{
	struct mmio_op op;
	struct insn in;
	const char *why;

	memset(&op, 0, sizeof(op));
	if (op_of(b, n, 64, &in, &op, &why) != 0)
		unit_fail(__FILE__, __LINE__, "refused: %s", why);
	return op;
}

#define OP64(...) op64((const uint8_t[]){ __VA_ARGS__ }, NBYTES(__VA_ARGS__))

#define REGVAL 0x1122334455667788ull

/* A store writes the register's low bytes, bits 15:8 for AH, or imm. */
TEST(store_value)
{
	struct mmio_op op;

	op = OP64(0x88, 0x18);                          /* %bl */
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x88);
	op = OP64(0x88, 0x20);                          /* %ah */
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x77);
	op = OP64(0x40, 0x88, 0x20);                    /* %spl */
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x88);
	op = OP64(0x66, 0x89, 0x10);                    /* %dx */
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x7788);
	op = OP64(0x89, 0x00);                          /* %eax */
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x55667788);
	op = OP64(0x48, 0x89, 0x08);                    /* %rcx */
	EXPECT_EQ(mmio_store_value(&op, REGVAL), REGVAL);
	/* An immediate store ignores the register value. */
	op = OP64(0xc6, 0x00, 0x5a);
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x5a);
	op = OP64(0x66, 0xc7, 0x00, 0x34, 0x12);
	EXPECT_EQ(mmio_store_value(&op, REGVAL), 0x1234);
	op = OP64(0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff);
	EXPECT_EQ(mmio_store_value(&op, 0), 0xfffffffffffffffeull);
}

/* ---- mmio_load_merge ---- */

/* An 8-bit load into a low byte keeps bits 63:8. */
TEST(load_merge_low8_keeps_upper_56_bits)
{
	struct mmio_op op = OP64(0x8a, 0x0e);           /* (%rsi),%cl */

	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0xab), 0x11223344556677abull);
	/* Only the low byte of the device's value counts. */
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0xffffab), 0x11223344556677abull);
	op = OP64(0x40, 0x8a, 0x20);                    /* (%rax),%spl */
	EXPECT_EQ(op.reg, RSP);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0x00), 0x1122334455667700ull);
}

/* A load into AH/CH/DH/BH replaces bits 15:8 only. */
TEST(load_merge_high8)
{
	struct mmio_op op = OP64(0x8a, 0x20);           /* (%rax),%ah */

	EXPECT_EQ(op.high8, 1);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0xab), 0x112233445566ab88ull);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0x1ab), 0x112233445566ab88ull);
	EXPECT_EQ(mmio_load_merge(&op, 0, 0xff), 0xff00);
}

/* A 16-bit load keeps bits 63:16. */
TEST(load_merge_16_keeps_upper_48_bits)
{
	struct mmio_op op = OP64(0x66, 0x8b, 0x0e);     /* (%rsi),%cx */

	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0xabcd), 0x112233445566abcdull);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0x9abcd), 0x112233445566abcdull);
}

/* A 32-bit load zero-extends: bits 63:32 become 0. */
TEST(load_merge_32_zero_extends)
{
	struct mmio_op op = OP64(0x8b, 0x03);           /* (%rbx),%eax */

	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0xdeadbeef), 0xdeadbeef);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0x1deadbeefull), 0xdeadbeef);
	EXPECT_EQ(mmio_load_merge(&op, ~0ull, 0), 0);
}

/* A 64-bit load replaces the whole register. */
TEST(load_merge_64_replaces)
{
	struct mmio_op op = OP64(0x4c, 0x8b, 0x3b);     /* (%rbx),%r15 */

	EXPECT_EQ(op.reg, R15);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0xcafef00d12345678ull),
		  0xcafef00d12345678ull);
	EXPECT_EQ(mmio_load_merge(&op, REGVAL, 0), 0);
}
