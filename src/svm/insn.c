/*
 * insn.c - the instruction decoder of insn.h: prefixes, REX, opcode,
 * ModRM, SIB, displacement and immediate (AMD64 APM volume 3, chapter 1
 * "Instruction Encoding"), for the instructions svmlab intercepts and,
 * from chapter 14, the MOV forms that can touch emulated MMIO (APM3
 * "MOV", opcode map table A-1).
 */
#include "insn.h"
#include "lib/string.h"
#include "kernel/lab.h"

/* What follows an opcode this decoder knows. */
enum {
	OP_NONE = 1,    /* known, nothing follows */
	OP_IMM8,        /* an 8-bit immediate */
	OP_MODRM,       /* a ModRM operand */
	OP_MODRM_REG,   /* ModRM whose mod is ignored: always a register */
	OP_MODRM_MEM,   /* ModRM that must name memory (mod 0-2) */
	OP_MEM_IMM8,    /* memory ModRM with reg 0, then an imm8 */
	OP_MEM_IMMZ,    /* memory ModRM with reg 0, then imm16 or imm32 */
};

/* The one-byte map: opcode -> what follows, 0 if unknown. */
static uint8_t one_byte(uint8_t op)
{
	switch (op) {
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:     /* INS, OUTS */
	case 0x9c: case 0x9d:                           /* PUSHF, POPF */
	case 0xcc: case 0xce: case 0xcf:                /* INT3, INTO, IRET */
	case 0xec: case 0xed: case 0xee: case 0xef:     /* IN/OUT DX */
	case 0xf1: case 0xf4:                           /* ICEBP, HLT */
	case 0x90:                                      /* PAUSE (F3 90) */
		return OP_NONE;
	case 0xcd:                                      /* INT n */
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:     /* IN/OUT imm8 */
		return OP_IMM8;
	/*
	 * MOV between a register and memory, the instructions an MMIO
	 * access is made of (chapter 14).  Only their memory forms: a
	 * register-to-register MOV never exits, so the decoder has no
	 * business stepping over one.
	 */
	case 0x88: case 0x89: case 0x8a: case 0x8b:     /* MOV r/m, r; r, r/m */
		return OP_MODRM_MEM;
	case 0xc6:                                      /* MOV r/m8, imm8 */
		return OP_MEM_IMM8;
	case 0xc7:                                      /* MOV r/m, imm16/32 */
		return OP_MEM_IMMZ;
	default:
		return 0;
	}
}

/* The 0F map. */
static uint8_t two_byte(uint8_t op)
{
	switch (op) {
	case 0x00: case 0x01:                   /* groups 6 and 7 */
		return OP_MODRM;
	case 0x20: case 0x21: case 0x22: case 0x23:     /* MOV CR, DR */
		return OP_MODRM_REG;
	case 0x06: case 0x08: case 0x09: case 0x0b:     /* CLTS INVD WBINVD UD2 */
	case 0x30: case 0x31: case 0x32: case 0x33:     /* WRMSR RDTSC RDMSR RDPMC */
	case 0xa2:                                      /* CPUID */
		return OP_NONE;
	default:
		return 0;
	}
}

/* Read one byte at *pos, or -1 past the end or past 15 bytes. */
static int next(const uint8_t *buf, unsigned avail, unsigned *pos)
{
	if (*pos >= avail || *pos >= INSN_MAX_LEN)
		return -1;
	return buf[(*pos)++];
}

/* Legacy prefixes and REX; leaves *pos at the opcode. */
static int prefixes(const uint8_t *buf, unsigned avail, unsigned *pos,
		    struct insn *in)
{
	int b, opsize16 = 0, adsize_alt = 0;

	for (;;) {
		b = next(buf, avail, pos);
		if (b < 0)
			return -1;
		switch (b) {
		case 0x66: opsize16 = 1; in->rex = 0; continue;
		case 0x67: adsize_alt = 1; in->rex = 0; continue;
		case 0xf0: in->lock = 1; in->rex = 0; continue;
		case 0xf2: in->repne = 1; in->rex = 0; continue;
		case 0xf3: in->rep = 1; in->rex = 0; continue;
		case 0x26: in->seg = 0; in->rex = 0; continue;
		case 0x2e: in->seg = 1; in->rex = 0; continue;
		case 0x36: in->seg = 2; in->rex = 0; continue;
		case 0x3e: in->seg = 3; in->rex = 0; continue;
		case 0x64: in->seg = 4; in->rex = 0; continue;
		case 0x65: in->seg = 5; in->rex = 0; continue;
		}
		/* REX counts only right before the opcode (64-bit mode). */
		if (in->mode == 64 && (b & 0xf0) == 0x40) {
			in->rex = (uint8_t)b;
			continue;
		}
		(*pos)--;
		break;
	}
	if (in->mode == 64) {
		in->opsize = in->rex & 8 ? 8 : opsize16 ? 2 : 4;
		in->adsize = adsize_alt ? 4 : 8;
	} else if (in->mode == 32) {
		in->opsize = opsize16 ? 2 : 4;
		in->adsize = adsize_alt ? 2 : 4;
	} else {
		in->opsize = opsize16 ? 4 : 2;
		in->adsize = adsize_alt ? 4 : 2;
	}
	return 0;
}

/* Read a little-endian value of @p n bytes, sign-extended if @p sx. */
static int take(const uint8_t *buf, unsigned avail, unsigned *pos,
		unsigned n, int sx, uint32_t *out)
{
	uint32_t v = 0;
	unsigned i;
	int b;

	for (i = 0; i < n; i++) {
		b = next(buf, avail, pos);
		if (b < 0)
			return -1;
		v |= (uint32_t)b << (8 * i);
	}
	if (sx && n == 1)
		v = (uint32_t)(int32_t)(int8_t)v;
	else if (sx && n == 2)
		v = (uint32_t)(int32_t)(int16_t)v;
	*out = v;
	return 0;
}

/* ModRM, SIB and displacement of a memory or register operand. */
static int modrm(const uint8_t *buf, unsigned avail, unsigned *pos,
		 struct insn *in, int reg_only)
{
	/* LAB 5 BEGIN decode_modrm: ModRM, SIB and displacement (APM3 1.4) */
	int b = next(buf, avail, pos);
	uint32_t d;
	unsigned rm3;

	if (b < 0)
		return -1;
	in->has_modrm = 1;
	in->modrm = (uint8_t)b;
	in->mod = (uint8_t)(b >> 6);
	in->reg = (uint8_t)(((b >> 3) & 7) | (in->rex & 4 ? 8 : 0));
	rm3 = (unsigned)b & 7;
	in->rm = (uint8_t)(rm3 | (in->rex & 1 ? 8 : 0));
	if (reg_only || in->mod == 3)
		return 0;
	if (in->adsize == 2) {                  /* 16-bit addressing */
		if (in->mod == 2 || (in->mod == 0 && rm3 == 6))
			in->disp_size = 2;
		else if (in->mod == 1)
			in->disp_size = 1;
	} else {
		if (rm3 == 4) {
			b = next(buf, avail, pos);
			if (b < 0)
				return -1;
			in->has_sib = 1;
			in->sib = (uint8_t)b;
		}
		if (in->mod == 1)
			in->disp_size = 1;
		else if (in->mod == 2)
			in->disp_size = 4;
		else if (rm3 == 5) {
			in->disp_size = 4;
			in->rip_relative = in->mode == 64;
		} else if (in->has_sib && (in->sib & 7) == 5)
			in->disp_size = 4;
	}
	if (in->disp_size) {
		if (take(buf, avail, pos, in->disp_size, 1, &d) < 0)
			return -1;
		in->disp = (int32_t)d;
	}
	return 0;
	/* LAB 5 END */
}

int insn_decode(const uint8_t *buf, unsigned avail, unsigned mode,
		struct insn *out)
{
	/* LAB 5 BEGIN insn_decode: prefixes, opcode, then what follows it */
	struct insn in;
	unsigned pos = 0;
	uint8_t what;
	int op;

	memset(&in, 0, sizeof(in));
	in.mode = (uint8_t)mode;
	in.seg = INSN_SEG_NONE;
	if ((mode != 16 && mode != 32 && mode != 64) ||
	    prefixes(buf, avail, &pos, &in) < 0)
		return -1;
	op = next(buf, avail, &pos);
	if (op < 0)
		return -1;
	if (op == 0x0f) {
		in.twobyte = 1;
		op = next(buf, avail, &pos);
		if (op < 0)
			return -1;
		what = two_byte((uint8_t)op);
	} else {
		what = one_byte((uint8_t)op);
		if (op == 0x90 && !in.rep)
			what = 0;               /* only PAUSE, not NOP */
		if (op == 0xce && mode == 64)
			what = 0;               /* INTO is invalid in 64-bit mode */
	}
	in.opcode = (uint8_t)op;
	if (!what)
		return -1;
	if (what != OP_NONE && what != OP_IMM8 &&
	    modrm(buf, avail, &pos, &in, what == OP_MODRM_REG) < 0)
		return -1;
	if ((what == OP_MODRM_MEM || what == OP_MEM_IMM8 ||
	     what == OP_MEM_IMMZ) && in.mod == 3)
		return -1;              /* register form: never exits */
	/*
	 * C6 and C7 are group 11: only reg 0 is MOV.  The reg field is an
	 * opcode extension here, so REX.R does not count.
	 */
	if ((what == OP_MEM_IMM8 || what == OP_MEM_IMMZ) &&
	    ((in.modrm >> 3) & 7) != 0)
		return -1;
	if (what == OP_IMM8 || what == OP_MEM_IMM8)
		in.imm_size = 1;
	else if (what == OP_MEM_IMMZ)   /* imm16 with 16-bit operands */
		in.imm_size = in.opsize == 2 ? 2 : 4;
	if (in.imm_size &&
	    take(buf, avail, &pos, in.imm_size, 0, &in.imm) < 0)
		return -1;
	in.len = (uint8_t)pos;
	*out = in;
	return 0;
	/* LAB 5 END */
}

/* The 16-bit addressing forms: base and index registers per rm. */
static uint64_t ea16(const struct insn *in, const uint64_t gpr[16])
{
	enum { BX = 3, BP = 5, SI = 6, DI = 7 };
	static const int8_t base[8] = { BX, BX, BP, BP, -1, -1, BP, BX };
	static const int8_t index[8] = { SI, DI, SI, DI, SI, DI, -1, -1 };
	unsigned rm = in->rm & 7;
	uint64_t a = (uint64_t)(int64_t)in->disp;

	if (!(in->mod == 0 && rm == 6) && base[rm] >= 0)
		a += gpr[base[rm]];
	if (index[rm] >= 0)
		a += gpr[index[rm]];
	return a & 0xffff;
}

uint64_t insn_ea(const struct insn *in, const uint64_t gpr[16],
		 uint64_t next_rip)
{
	uint64_t a = (uint64_t)(int64_t)in->disp;
	unsigned base, index;

	if (in->adsize == 2)
		return ea16(in, gpr);
	if (in->rip_relative) {
		a += next_rip;
	} else if (in->has_sib) {
		base = (in->sib & 7) | (in->rex & 1 ? 8 : 0);
		index = ((in->sib >> 3) & 7) | (in->rex & 2 ? 8 : 0);
		if (!(in->mod == 0 && (in->sib & 7) == 5))
			a += gpr[base];
		if (index != 4)
			a += gpr[index] << (in->sib >> 6);
	} else if (!(in->mod == 0 && (in->rm & 7) == 5)) {
		a += gpr[in->rm];
	}
	return in->adsize == 4 ? (a & 0xffffffffu) : a;
}
