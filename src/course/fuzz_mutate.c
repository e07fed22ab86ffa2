/*
 * fuzz_mutate.c - what fuzz=vmcb does to a valid VMCB (see fuzz_mutate.h).
 *
 * The bits and values below are the ones APM2 §15.5.1 "Basic Operation"
 * ("Canonicalization and Consistency Checks") talks about, drawn far
 * more often than chance would draw them: the MBZ halves of CR0, DR6 and
 * DR7, CR3's and CR4's and EFER's MBZ bits (APM2 §3.1.2, §3.1.3,
 * §3.1.7), the long-mode combinations of EFER.LME, CR0.PG, CR4.PAE and
 * CS.L/CS.D, the VMRUN intercept, the two permission maps at the top of
 * the physical address space (§15.10.1, §15.11), event injection
 * (§15.20), ASID 0, and G_PAT under nested paging (§15.25.4).  Legal
 * neighbours of each (a defined CR4 bit, a map that just fits, a
 * vector that is an exception) come too, so that some cases stay valid
 * and an emulator that refuses too much shows it.
 */
#include "fuzz_mutate.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "lib/format.h"

/* splitmix64's increment and the mixing constants of its output. */
#define SPLITMIX_GAMMA  0x9e3779b97f4a7c15ull
#define SPLITMIX_MUL1   0xbf58476d1ce4e5b9ull
#define SPLITMIX_MUL2   0x94d049bb133111ebull
/* Spreads the seed over the state before the case index is added. */
#define SEED_MUL        0xd1b54a32d192ed03ull

void fuzz_rng_seed(struct fuzz_rng *r, uint64_t seed, uint64_t index)
{
	r->state = seed * SEED_MUL + index * SPLITMIX_GAMMA;
	(void)fuzz_rng_next(r);
}

uint64_t fuzz_rng_next(struct fuzz_rng *r)
{
	uint64_t z = (r->state += SPLITMIX_GAMMA);

	z = (z ^ (z >> 30)) * SPLITMIX_MUL1;
	z = (z ^ (z >> 27)) * SPLITMIX_MUL2;
	return z ^ (z >> 31);
}

unsigned fuzz_rng_below(struct fuzz_rng *r, unsigned n)
{
	return (unsigned)(((fuzz_rng_next(r) >> 32) * n) >> 32);
}

/* A number from @p lo to @p hi inclusive. */
static unsigned between(struct fuzz_rng *r, unsigned lo, unsigned hi)
{
	return lo + fuzz_rng_below(r, hi - lo + 1);
}

/* One of the @p n values in @p list. */
static unsigned one_of(struct fuzz_rng *r, const uint8_t *list, unsigned n)
{
	return list[fuzz_rng_below(r, n)];
}

#define ONE_OF(r, list) one_of((r), (list), sizeof(list))

unsigned fuzz_phys_width(const struct vmcb_check_env *env)
{
	if (env->maxphyaddr == 0 || env->maxphyaddr > 52)
		return 52;
	return env->maxphyaddr;
}

/* ------------------------------------------------------------------ */
/* Bits worth setting or clearing, field by field                      */
/* ------------------------------------------------------------------ */

/* CR0 bits 28:19, 17 and 15:6 are reserved, not MBZ (APM2 §3.1.1). */
static const uint8_t cr0_low_reserved[] = {
	6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 20, 21, 22, 23, 24, 25,
	26, 27, 28,
};
/* Defined CR0 bits a guest may have either way: EM TS MP NE AM. */
static const uint8_t cr0_defined[] = { 1, 2, 3, 5, 18 };
/* Defined CR0 bits to clear: PG first; never PE (fuzz_hazard). */
static const uint8_t cr0_clearable[] = { 31, 31, 16, 5, 4, 1 };
/* EFER bits that are defined on some processor (APM2 §3.1.7). */
static const uint8_t efer_optional[] = { 0, 11, 13, 14, 15 };
/* EFER bits 7:1 and 9 are reserved on every processor. */
static const uint8_t efer_reserved_low[] = { 1, 2, 3, 4, 5, 6, 7, 9 };
/* EFER bits to clear: SVME above all, LME and LMA (long mode). */
static const uint8_t efer_clearable[] = { 12, 12, 12, 8, 10, 0, 11 };
/* CR3's low bits: PWT, PCD and the reserved bits around them. */
static const uint8_t cr3_low[] = { 0, 1, 2, 3, 4, 5, 7, 11 };

/* A bit of @p allowed (a bit mask below 2^32), or bit 0 if it is 0. */
static unsigned bit_of(struct fuzz_rng *r, uint64_t allowed)
{
	unsigned pick, b, n = 0;

	for (b = 0; b < 64; b++)
		n += (allowed >> b) & 1;
	if (!n)
		return 0;
	pick = fuzz_rng_below(r, n);
	for (b = 0; b < 64; b++)
		if ((allowed & (1ull << b)) && pick-- == 0)
			return b;
	return 0;
}

static uint64_t draw_cr0_set(struct fuzz_rng *r)
{
	switch (fuzz_rng_below(r, 8)) {
	case 0: case 1: return 29;                      /* NW */
	case 2: return 30;                              /* CD */
	case 3: case 4: return between(r, 32, 63);      /* MBZ half */
	case 5: return ONE_OF(r, cr0_low_reserved);
	default: return ONE_OF(r, cr0_defined);
	}
}

/*
 * CR3: a must-be-zero bit (at or above MAXPHYADDR in long mode, 63:32
 * outside it), a legal high bit (a table above RAM: the walk faults),
 * or a low bit.  A bit from MAXPHYADDR to 47 comes with nested paging
 * (fuzz_case_draw adds it), bits 48 to 51 never: see fuzz_hazard.
 */
static uint64_t draw_cr3_set(struct fuzz_rng *r, unsigned width)
{
	switch (fuzz_rng_below(r, 8)) {
	case 0: case 1: case 2:
		return width < FUZZ_NPT_GPA_BITS ?
		       between(r, width, FUZZ_NPT_GPA_BITS - 1) : 52;
	case 3: case 4:
		return between(r, 52, 63);      /* MBZ in every width */
	case 5: case 6:                 /* legal in long mode */
		return width > 32 ? between(r, 32, width - 1) : 32;
	default:
		return ONE_OF(r, cr3_low);
	}
}

/* CR4: bits this processor lacks, the MBZ half, or a defined bit. */
static uint64_t draw_cr4_set(struct fuzz_rng *r,
			     const struct vmcb_check_env *env)
{
	uint64_t lacking = ~env->cr4_allowed & 0xffffffffull;
	uint64_t defined = env->cr4_allowed & ~CR4_PAE & 0xffffffffull;

	switch (fuzz_rng_below(r, 10)) {
	case 0: case 1: case 2: case 3: case 4:
		return bit_of(r, lacking);
	case 5: case 6:
		return between(r, 32, 63);
	default:
		return bit_of(r, defined);
	}
}

static uint64_t draw_efer_set(struct fuzz_rng *r)
{
	switch (fuzz_rng_below(r, 8)) {
	case 0: case 1: return ONE_OF(r, efer_reserved_low);
	case 2: return between(r, 16, 31);
	case 3: return between(r, 32, 63);
	default: return ONE_OF(r, efer_optional);
	}
}

/* DR6 and DR7: the MBZ half more often than the defined low half. */
static uint64_t draw_dr_bit(struct fuzz_rng *r)
{
	return fuzz_rng_below(r, 5) < 3 ? between(r, 32, 63)
					: between(r, 0, 31);
}

/*
 * A permission map base: a high bit (at or above MAXPHYADDR: illegal),
 * or an address well inside the space (legal), with random low bits,
 * which VMRUN ignores.
 */
static uint64_t draw_map_base(struct fuzz_rng *r, unsigned width)
{
	uint64_t low = fuzz_rng_next(r) & 0xfffull;

	if (fuzz_rng_below(r, 2))
		return (1ull << between(r, width, 63)) | low;
	return (fuzz_rng_next(r) & ((1ull << (width - 1)) - 1)) | low;
}

/*
 * A map base just under the top: 1 to 4 pages below 2^MAXPHYADDR.  The
 * MSRPM (2 pages) fits from 2 pages down, the IOPM (3 pages) from 3.
 */
static uint64_t draw_map_top(struct fuzz_rng *r)
{
	uint64_t low = fuzz_rng_below(r, 4) ? 0 : fuzz_rng_next(r) & 0xfffull;

	return (uint64_t)between(r, 1, 4) * 0x1000u | low;
}

/*
 * EVENTINJ (APM2 §15.20): VECTOR 7:0, TYPE 10:8, EV 11, V 31, ERRORCODE
 * 63:32.  Mostly V set; TYPE often reserved (1, 5-7); exceptions with
 * vector 2 or above 31, and with every exception vector, among them
 * those that no exception uses yet and #BR/#OF.
 */
static uint64_t draw_eventinj(struct fuzz_rng *r)
{
	static const uint8_t types[] = { 0, 2, 3, 3, 3, 4, 1, 5, 6, 7 };
	uint64_t type = ONE_OF(r, types), vector, ev;

	if (type == 3) {
		switch (fuzz_rng_below(r, 6)) {
		case 0: vector = 2; break;
		case 1: vector = between(r, 32, 255); break;
		case 2: vector = between(r, 20, 31); break;
		default: vector = between(r, 0, 31); break;
		}
	} else {
		vector = fuzz_rng_below(r, 256);
	}
	ev = fuzz_rng_below(r, 2) ? SVM_EVTINJ_EV : 0;
	ev |= fuzz_rng_below(r, 8) ? 0 : fuzz_rng_next(r) & 0x7ffff000ull;
	return (fuzz_rng_below(r, 16) ? SVM_EVTINJ_VALID : 0) |
	       type << SVM_EVTINJ_TYPE_SHIFT | vector | ev |
	       (fuzz_rng_next(r) & 0xffffffff00000000ull);
}

static uint64_t draw_asid(struct fuzz_rng *r)
{
	switch (fuzz_rng_below(r, 4)) {
	case 0: case 1: return 0;
	case 2: return between(r, 1, 63);
	default: return fuzz_rng_next(r) & 0xffffffffull;
	}
}

/* A PAT entry value: a reserved type (2, 3, 8-255) or a legal one. */
static uint64_t draw_gpat(struct fuzz_rng *r)
{
	static const uint8_t types[] = { 2, 3, 2, 3, 0, 1, 4, 5, 6, 7 };
	uint64_t entry = fuzz_rng_below(r, 8), value;

	value = fuzz_rng_below(r, 3) ? ONE_OF(r, types) : between(r, 8, 255);
	return entry << 8 | value;
}

/* ------------------------------------------------------------------ */
/* Drawing a mutation and a case                                       */
/* ------------------------------------------------------------------ */

/* How often each operation is drawn, out of the sum of the column. */
static const uint8_t op_weight[FUZZ_OP_COUNT] = {
	[FUZZ_EFER_SET] = 7,    [FUZZ_EFER_CLEAR] = 6,
	[FUZZ_CR0_SET] = 8,     [FUZZ_CR0_CLEAR] = 5,
	[FUZZ_CR3_SET] = 7,     [FUZZ_CR4_SET] = 8,
	[FUZZ_CR4_CLEAR] = 3,   [FUZZ_DR6_SET] = 5,
	[FUZZ_DR7_SET] = 5,     [FUZZ_CS_SET] = 4,
	[FUZZ_CS_CLEAR] = 2,    [FUZZ_MISC1_SET] = 3,
	[FUZZ_MISC2_CLEAR] = 4, [FUZZ_MSRPM] = 3,
	[FUZZ_MSRPM_TOP] = 4,   [FUZZ_IOPM] = 3,
	[FUZZ_IOPM_TOP] = 4,    [FUZZ_EVENTINJ] = 9,
	[FUZZ_ASID] = 4,        [FUZZ_TLB] = 2,
	[FUZZ_NP] = 3,          [FUZZ_GPAT] = 5,
};

static uint32_t draw_op(struct fuzz_rng *r)
{
	unsigned total = 0, pick, op;

	for (op = 0; op < FUZZ_OP_COUNT; op++)
		total += op_weight[op];
	pick = fuzz_rng_below(r, total);
	for (op = 0; pick >= op_weight[op]; op++)
		pick -= op_weight[op];
	return op;
}

void fuzz_mut_draw(struct fuzz_mut *m, struct fuzz_rng *r,
		   const struct vmcb_check_env *env)
{
	static const uint8_t misc1_maps[] = { 27, 28 };   /* IOIO, MSR */
	static const uint8_t misc2_bits[] = { 0, 0, 0, 1 }; /* VMRUN */
	static const uint8_t tlb_values[] = { 0, 1, 3, 7 };
	static const uint8_t cs_set[] = { 10, 10, 10, 8, 11 }; /* D, AVL, G */
	static const uint8_t cr4_clear[] = { 5, 5, 5, 7, 9 }; /* PAE... */
	unsigned width = fuzz_phys_width(env);

	m->op = draw_op(r);
	switch (m->op) {
	case FUZZ_EFER_SET: m->arg = draw_efer_set(r); break;
	case FUZZ_EFER_CLEAR: m->arg = ONE_OF(r, efer_clearable); break;
	case FUZZ_CR0_SET: m->arg = draw_cr0_set(r); break;
	case FUZZ_CR0_CLEAR: m->arg = ONE_OF(r, cr0_clearable); break;
	case FUZZ_CR3_SET: m->arg = draw_cr3_set(r, width); break;
	case FUZZ_CR4_SET: m->arg = draw_cr4_set(r, env); break;
	case FUZZ_CR4_CLEAR: m->arg = ONE_OF(r, cr4_clear); break;
	case FUZZ_DR6_SET:
	case FUZZ_DR7_SET: m->arg = draw_dr_bit(r); break;
	case FUZZ_CS_SET: m->arg = ONE_OF(r, cs_set); break;
	case FUZZ_CS_CLEAR: m->arg = 9; break;             /* L */
	case FUZZ_MISC1_SET: m->arg = ONE_OF(r, misc1_maps); break;
	case FUZZ_MISC2_CLEAR: m->arg = ONE_OF(r, misc2_bits); break;
	case FUZZ_MSRPM:
	case FUZZ_IOPM: m->arg = draw_map_base(r, width); break;
	case FUZZ_MSRPM_TOP:
	case FUZZ_IOPM_TOP: m->arg = draw_map_top(r); break;
	case FUZZ_EVENTINJ: m->arg = draw_eventinj(r); break;
	case FUZZ_ASID: m->arg = draw_asid(r); break;
	case FUZZ_TLB: m->arg = ONE_OF(r, tlb_values); break;
	case FUZZ_NP: m->arg = 1; break;
	default: m->arg = draw_gpat(r); break;
	}
}

/* Does @p m point CR3 at or above 2^MAXPHYADDR (bits below 52)? */
static int cr3_far(const struct fuzz_mut *m, unsigned width)
{
	return m->op == FUZZ_CR3_SET && m->arg >= width && m->arg < 52;
}

void fuzz_case_draw(struct fuzz_case *c, uint64_t seed, uint64_t index,
		    const struct vmcb_check_env *env)
{
	struct fuzz_rng r;
	unsigned i, size, width = fuzz_phys_width(env);
	int far = 0, np = 0;

	fuzz_rng_seed(&r, seed, index);
	size = fuzz_rng_below(&r, 20);
	/* 1 in half the cases; 2 in a quarter; then 3, 4, 5 and 6. */
	c->n = size < 10 ? 1 : size < 15 ? 2 : size < 18 ? 3 :
	       (unsigned)between(&r, 4, FUZZ_MUTS_MAX);
	for (i = 0; i < c->n; i++) {
		fuzz_mut_draw(&c->mut[i], &r, env);
		far |= cr3_far(&c->mut[i], width);
		np |= c->mut[i].op == FUZZ_NP;
	}
	if (!far || np)
		return;
	/* A CR3 above MAXPHYADDR is walked through the nested page table,
	 * which ends in #NPF, never in host memory (fuzz_hazard). */
	if (c->n == FUZZ_MUTS_MAX)
		c->n--;
	c->mut[c->n].op = FUZZ_NP;
	c->mut[c->n].arg = 1;
	c->n++;
}

/* ------------------------------------------------------------------ */
/* Applying and printing                                               */
/* ------------------------------------------------------------------ */

/* 2^MAXPHYADDR less the page part of @p arg, plus its low 12 bits. */
static uint64_t below_top(uint64_t arg, const struct vmcb_check_env *env)
{
	return ((1ull << fuzz_phys_width(env)) - (arg & ~0xfffull)) |
	       (arg & 0xfffull);
}

void fuzz_mut_apply(struct vmcb *v, const struct fuzz_mut *m,
		    const struct vmcb_check_env *env)
{
	struct vmcb_control *c = &v->control;
	struct vmcb_save *s = &v->save;
	uint64_t bit = 1ull << (m->arg & 63);
	unsigned shift;

	switch (m->op) {
	case FUZZ_EFER_SET: s->efer |= bit; break;
	case FUZZ_EFER_CLEAR: s->efer &= ~bit; break;
	case FUZZ_CR0_SET: s->cr0 |= bit; break;
	case FUZZ_CR0_CLEAR: s->cr0 &= ~(bit & ~CR0_PE); break;
	case FUZZ_CR3_SET: s->cr3 |= bit; break;
	case FUZZ_CR4_SET: s->cr4 |= bit; break;
	case FUZZ_CR4_CLEAR: s->cr4 &= ~bit; break;
	case FUZZ_DR6_SET: s->dr6 |= bit; break;
	case FUZZ_DR7_SET: s->dr7 |= bit; break;
	case FUZZ_CS_SET: s->cs.attrib |= (uint16_t)(bit & 0xfff); break;
	case FUZZ_CS_CLEAR: s->cs.attrib &= (uint16_t)~bit; break;
	case FUZZ_MISC1_SET: c->intercept_misc1 |= (uint32_t)bit; break;
	case FUZZ_MISC2_CLEAR: c->intercept_misc2 &= ~(uint32_t)bit; break;
	case FUZZ_MSRPM: c->msrpm_base_pa = m->arg; break;
	case FUZZ_MSRPM_TOP: c->msrpm_base_pa = below_top(m->arg, env); break;
	case FUZZ_IOPM: c->iopm_base_pa = m->arg; break;
	case FUZZ_IOPM_TOP: c->iopm_base_pa = below_top(m->arg, env); break;
	case FUZZ_EVENTINJ: c->event_inj = m->arg; break;
	case FUZZ_ASID: c->asid = (uint32_t)m->arg; break;
	case FUZZ_TLB: c->tlb_control = (uint8_t)m->arg; break;
	case FUZZ_NP: c->nested_ctl |= NESTED_CTL_NP_ENABLE; break;
	case FUZZ_GPAT:
		shift = 8 * (unsigned)((m->arg >> 8) & 7);
		s->g_pat = (s->g_pat & ~(0xffull << shift)) |
			   (m->arg & 0xff) << shift;
		break;
	default: break;
	}
}

void fuzz_case_apply(struct vmcb *v, const struct fuzz_case *c,
		     const struct vmcb_check_env *env)
{
	unsigned i;

	for (i = 0; i < c->n && i < FUZZ_MUTS_MAX; i++)
		fuzz_mut_apply(v, &c->mut[i], env);
}

/* How each operation is written; a bit operation adds "bitN". */
static const char *const op_names[FUZZ_OP_COUNT] = {
	[FUZZ_EFER_SET] = "efer|=",     [FUZZ_EFER_CLEAR] = "efer&=~",
	[FUZZ_CR0_SET] = "cr0|=",       [FUZZ_CR0_CLEAR] = "cr0&=~",
	[FUZZ_CR3_SET] = "cr3|=",       [FUZZ_CR4_SET] = "cr4|=",
	[FUZZ_CR4_CLEAR] = "cr4&=~",    [FUZZ_DR6_SET] = "dr6|=",
	[FUZZ_DR7_SET] = "dr7|=",       [FUZZ_CS_SET] = "cs.attrib|=",
	[FUZZ_CS_CLEAR] = "cs.attrib&=~", [FUZZ_MISC1_SET] = "misc1|=",
	[FUZZ_MISC2_CLEAR] = "misc2&=~", [FUZZ_MSRPM] = "msrpm=",
	[FUZZ_MSRPM_TOP] = "msrpm=top-", [FUZZ_IOPM] = "iopm=",
	[FUZZ_IOPM_TOP] = "iopm=top-",  [FUZZ_EVENTINJ] = "eventinj=",
	[FUZZ_ASID] = "asid=",          [FUZZ_TLB] = "tlb_control=",
	[FUZZ_NP] = "np_enable=",       [FUZZ_GPAT] = "g_pat.pa",
};

const char *fuzz_op_name(uint32_t op)
{
	return op < FUZZ_OP_COUNT ? op_names[op] : "?";
}

/* The operations whose argument is a bit number. */
static int is_bit_op(uint32_t op)
{
	return op <= FUZZ_MISC2_CLEAR;
}

int fuzz_mut_format(char *buf, size_t n, const struct fuzz_mut *m)
{
	unsigned long long arg = (unsigned long long)m->arg;

	if (is_bit_op(m->op))
		return ksnprintf(buf, n, "%sbit%llu", fuzz_op_name(m->op),
				 arg & 63);
	if (m->op == FUZZ_GPAT)
		return ksnprintf(buf, n, "%s%llu=0x%llx", fuzz_op_name(m->op),
				 (arg >> 8) & 7, arg & 0xff);
	if ((m->op == FUZZ_MSRPM_TOP || m->op == FUZZ_IOPM_TOP) &&
	    (arg & 0xfff))
		return ksnprintf(buf, n, "%s0x%llx+0x%llx", fuzz_op_name(m->op),
				 arg & ~0xfffull, arg & 0xfff);
	if (m->op == FUZZ_NP || m->op == FUZZ_TLB || m->op == FUZZ_ASID)
		return ksnprintf(buf, n, "%s%llu", fuzz_op_name(m->op), arg);
	return ksnprintf(buf, n, "%s0x%llx", fuzz_op_name(m->op), arg);
}

int fuzz_hazard(const struct vmcb *v, const struct vmcb_check_env *env)
{
	const struct vmcb_save *s = &v->save;
	int long_mode = (s->efer & EFER_LMA) ||
			((s->efer & EFER_LME) && (s->cr0 & CR0_PG));
	unsigned width = fuzz_phys_width(env);
	uint64_t far = width < 52 ? (1ull << 52) - (1ull << width) : 0;
	uint64_t beyond_npt = (1ull << 52) - (1ull << FUZZ_NPT_GPA_BITS);
	int nested = (v->control.nested_ctl & NESTED_CTL_NP_ENABLE) != 0;

	if (long_mode && !(s->cr0 & CR0_PE))
		return 1;
	return (s->cr3 & far) && (!nested || (s->cr3 & beyond_npt));
}
