/*
 * test_tlb_model.c - a software model of a tagged TLB that checks the
 * ASID allocator and the TLB_CONTROL policy of asid.c (chapter 12).
 *
 * Why a model: QEMU and Bochs flush their TLB on every VMRUN and #VMEXIT,
 * so in the emulators a hypervisor that forgets a flush still runs every
 * guest correctly.  On hardware the TLB keeps entries across world
 * switches, tagged with the ASID each was filled under (APM2 §15.16
 * "TLB Control"), and a forgotten flush lets a guest use a translation
 * that is stale, or that belongs to another guest.  This file plays the
 * hardware's part and drives asid.c exactly as the kernel's tlb.c does.
 *
 * The model TLB has TLB_ENTRIES entries {valid, asid, page, frame,
 * global}, plus, for the check only, the guest that filled the entry and
 * the version of the mapping it was filled from.  It follows §15.16:
 *
 *   - a lookup matches the page and the ASID of the running guest (a
 *     global entry is tagged with its ASID too; "global" only keeps it
 *     through a flush of non-global entries);
 *   - a miss fills an entry from the guest's current mapping;
 *   - VMRUN first flushes as TLB_CONTROL says (§15.16.1): 0 nothing,
 *     1 every entry of every ASID, 3 every entry of the guest's ASID,
 *     7 the guest's non-global entries;
 *   - INVLPGA page, ASID (§15.16.2) drops that page for that ASID,
 *     global or not;
 *   - before the first VMRUN it holds entries nobody can vouch for.
 *
 * Each guest has NPAGES virtual pages, every fourth one global (the G
 * bit, as a kernel's pages are in every address space); each mapping
 * has a frame and a version, bumped whenever the mapping changes.  A
 * lookup that hits checks the entry: filled by this guest from the
 * current version, or a violation ("g1 saw g0's translation", "g0 saw a
 * stale translation").
 *
 * A schedule is an array of steps (run a guest, the running guest
 * touches a page, the hypervisor changes one or many of a guest's
 * mappings, the guest's MOV CR3, a guest replaced by a new one), drawn
 * from a seeded xorshift generator, so any schedule replays exactly.
 * One CPU: every step but a touch is an exit, and after it no guest runs
 * until the next VMRUN; a touch or MOV CR3 of a guest that is not running
 * does nothing, so deleting steps always leaves a schedule that replays.
 * Small nasid= caps make the allocator roll over often.
 *
 * The real policy must survive every schedule.  Broken policies (no
 * flush on a rollover, no INVLPGA, the MOV CR3 ignored, 7 where 3 is
 * due) must be caught; the failing schedule is shrunk step by step to a
 * minimal one, printed, and replayed with the real policy, which passes
 * it: the flush the broken policy left out is exactly what mattered.
 */
#include <inttypes.h>
#include <stdarg.h>
#include "unit.h"
#include "svm/asid.h"
#include "svm/vmcb.h"

#define MODEL_SEED   0x5eed0c12a51d7b1bull
#define TLB_ENTRIES  64
#define NPAGES       16
#define HOT_PAGES    6          /* touched three times in four */
#define MAX_GUESTS   8
#define MIN_GUESTS   3
#define MAX_STEPS    500
#define NSCHEDULES   2000
#define CPU_NASID    64         /* what CPUID would say; nasid= caps it */
#define OWNER_BOOT   (-1)       /* entries left from before the first VMRUN */

/* ------------------------------------------------------------------ */
/* The random generator: xorshift64, seeded per schedule.              */
/* ------------------------------------------------------------------ */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return r->s = x;
}

static unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

/* Schedule @index's own stream: mix the index in, never zero. */
static void rng_seed(struct rng *r, uint64_t index)
{
	uint64_t z = MODEL_SEED + index * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	r->s = z ? z : 1;
}

/* ------------------------------------------------------------------ */
/* Schedules                                                           */
/* ------------------------------------------------------------------ */

enum op {
	OP_RUN,         /* VMRUN guest slot */
	OP_TOUCH,       /* the running guest slot touches page arg */
	OP_CHANGE,      /* hypervisor changes page arg of slot */
	OP_CHANGE_MANY, /* hypervisor changes pages in mask arg of slot */
	OP_MOV_CR3,     /* the running guest slot's MOV CR3 exits */
	OP_REPLACE,     /* the guest in slot ends, a new one takes it */
};

struct step {
	uint8_t op;
	uint8_t slot;
	uint8_t npt;    /* OP_CHANGE_MANY: a nested-paging change */
	uint16_t arg;
};

struct schedule {
	unsigned index;         /* its number in the run, for the seed */
	uint32_t cap;           /* nasid= */
	int fba;                /* FlushByAsid */
	unsigned nguests;
	unsigned n;
	struct step s[MAX_STEPS];
};

/*
 * Draw schedule @index.  The caps cycle through 2..6 and FlushByAsid
 * alternates every five schedules, so every pair is tried.  Touches
 * follow a VMRUN; every other step is an exit, after which no guest
 * runs until the next VMRUN.
 */
static void generate(struct schedule *s, unsigned index)
{
	struct rng r;
	int cur = -1;
	unsigned i;

	rng_seed(&r, index);
	s->index = index;
	s->cap = 2 + index % 5;
	s->fba = (index / 5) % 2;
	s->nguests = MIN_GUESTS + rng_below(&r, MAX_GUESTS - MIN_GUESTS + 1);
	s->n = MAX_STEPS;
	for (i = 0; i < MAX_STEPS; i++) {
		struct step *st = &s->s[i];
		unsigned x = rng_below(&r, 100);

		memset(st, 0, sizeof(*st));
		if (cur < 0 || x < 10) {
			st->op = OP_RUN;
			st->slot = (uint8_t)rng_below(&r, s->nguests);
			cur = st->slot;
			continue;
		}
		if (x < 72) {
			/* Mostly a small working set, so entries get reused. */
			st->op = OP_TOUCH;
			st->slot = (uint8_t)cur;
			st->arg = (uint16_t)rng_below(&r, rng_below(&r, 4) ?
							  HOT_PAGES : NPAGES);
			continue;
		}
		if (x < 82) {
			st->op = OP_CHANGE;
			st->slot = (uint8_t)rng_below(&r, s->nguests);
			st->arg = (uint16_t)rng_below(&r, NPAGES);
		} else if (x < 86) {
			st->op = OP_CHANGE_MANY;
			st->slot = (uint8_t)rng_below(&r, s->nguests);
			st->arg = (uint16_t)rng_next(&r);
			st->arg |= (uint16_t)(1u << rng_below(&r, NPAGES));
			st->npt = (uint8_t)rng_below(&r, 2);
		} else if (x < 95) {
			st->op = OP_MOV_CR3;
			st->slot = (uint8_t)cur;
		} else {
			st->op = OP_REPLACE;
			st->slot = (uint8_t)rng_below(&r, s->nguests);
		}
		cur = -1;
	}
}

/* ------------------------------------------------------------------ */
/* The model: TLB, guests, and the policies under test                 */
/* ------------------------------------------------------------------ */

enum policy {
	REAL,                   /* asid.c as it is */
	NO_ROLLOVER_FLUSH,      /* TLB_CONTROL 0 when a generation starts */
	NO_INVLPGA,             /* one changed page: INVLPGA left out */
	IGNORE_MOV_CR3,         /* TLB_NEED_NONGLOBAL never recorded */
	LOCAL_FOR_GUEST,        /* 7 where 3 is due: globals survive */
};

static const char *const policy_names[] = {
	"real policy", "no flush on rollover", "no INVLPGA after a page change",
	"ignore the guest's MOV CR3", "flush non-global only (7 for 3)",
};

enum verdict {
	OK,
	SAW_OTHER,              /* another guest's (or boot's) translation */
	SAW_STALE,              /* its own, from an older mapping */
	BAD_VMRUN,              /* an ASID or TLB_CONTROL the CPU refuses */
};

struct entry {
	int valid;
	uint32_t asid;
	uint32_t page;
	uint32_t frame;
	int global;
	/* for the check only: */
	int owner;              /* guest id, or OWNER_BOOT */
	uint32_t version;
	uint64_t run;           /* the VMRUN it was filled in */
};

struct mapping {
	uint32_t frame;
	uint32_t version;
	int global;
};

struct guest {
	int id;
	struct asid_guest a;
	struct mapping pt[NPAGES];
};

struct stats {
	uint64_t schedules, steps, vmruns, tlb[8];
	uint64_t rollovers, stale, new_asid, first;
	uint64_t invlpga, invlpga_not_needed, needs;
	uint64_t hits, hits_across_vmrun, global_hits, fills, violations;
	uint64_t miscounted;    /* the allocator's rollovers disagree */
	uint32_t run_asid[8];   /* the first VMRUNs' ASIDs ... */
	uint8_t run_tlb[8];     /* ... and TLB_CONTROL values */
};

struct world {
	struct asid_cpu cpu;
	struct entry tlb[TLB_ENTRIES];
	unsigned victim;        /* round-robin replacement */
	struct guest g[MAX_GUESTS];
	int next_id;
	int cur;                /* running slot, -1 between VMRUNs */
	uint32_t cur_asid;
	uint64_t run;           /* VMRUNs so far */
	uint64_t rollovers;     /* decisions with TLB_WHY_ROLLOVER */
	enum policy policy;
	struct stats *st;
	int verbose;
	unsigned line;          /* verbose: number of the next printed step */
	enum verdict verdict;
};

/* A frame number that shows its guest, page and version when printed. */
static uint32_t frame_of(int id, unsigned page, uint32_t version)
{
	return 0x1000u * (uint32_t)(id + 1) + 0x10u * page + (version & 0xf);
}

static void mapping_bump(struct guest *g, unsigned page)
{
	struct mapping *m = &g->pt[page];

	m->version++;
	m->frame = frame_of(g->id, page, m->version);
}

/* A new guest in @slot: no ASID yet, its own page table. */
static void guest_start(struct world *w, unsigned slot)
{
	struct guest *g = &w->g[slot];
	unsigned p;

	memset(g, 0, sizeof(*g));
	g->id = w->next_id++;
	for (p = 0; p < NPAGES; p++) {
		/* Like a kernel's half: the same pages global everywhere. */
		g->pt[p].global = p % 4 == 0;
		g->pt[p].version = 0;
		g->pt[p].frame = frame_of(g->id, p, 0);
	}
}

static void world_init(struct world *w, const struct schedule *s,
		       enum policy policy, struct stats *st, int verbose)
{
	unsigned i;

	memset(w, 0, sizeof(*w));
	asid_cpu_init(&w->cpu, CPU_NASID, s->cap, s->fba);
	w->cur = -1;
	w->policy = policy;
	w->st = st;
	w->verbose = verbose;
	w->line = 1;
	/*
	 * Leftovers from before the first VMRUN (firmware, an earlier
	 * kernel): tagged with ASIDs the guests will get.
	 */
	for (i = 0; i < 16; i++) {
		struct entry *e = &w->tlb[i];

		e->valid = 1;
		e->asid = 1 + i % (w->cpu.nasid - 1);
		e->page = (i * 5) % NPAGES;
		e->frame = 0xbad000 + i * 0x10;
		e->global = i & 1;
		e->owner = OWNER_BOOT;
	}
	for (i = 0; i < s->nguests; i++)
		guest_start(w, i);
}

/* §15.16.1: the flush VMRUN performs before it enters the guest. */
static void tlb_control(struct world *w, uint8_t ctl, uint32_t asid)
{
	unsigned i;

	for (i = 0; i < TLB_ENTRIES; i++) {
		struct entry *e = &w->tlb[i];

		if (ctl == 1 ||
		    (ctl == 3 && e->asid == asid) ||
		    (ctl == 7 && e->asid == asid && !e->global))
			e->valid = 0;
	}
}

/* §15.16.2: INVLPGA drops one page of one ASID, global or not. */
static void tlb_invlpga(struct world *w, uint32_t page, uint32_t asid)
{
	unsigned i;

	for (i = 0; i < TLB_ENTRIES; i++)
		if (w->tlb[i].asid == asid && w->tlb[i].page == page)
			w->tlb[i].valid = 0;
}

static struct entry *tlb_lookup(struct world *w, uint32_t page)
{
	unsigned i;

	for (i = 0; i < TLB_ENTRIES; i++) {
		struct entry *e = &w->tlb[i];

		if (e->valid && e->asid == w->cur_asid && e->page == page)
			return e;
	}
	return 0;
}

/* A free entry if there is one, else the next in round-robin order. */
static struct entry *tlb_victim(struct world *w)
{
	unsigned i;

	for (i = 0; i < TLB_ENTRIES; i++)
		if (!w->tlb[i].valid)
			return &w->tlb[i];
	w->victim = (w->victim + 1) % TLB_ENTRIES;
	return &w->tlb[w->victim];
}

/* Verbose replay: one numbered line per step. */
static void say(struct world *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct world *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->verbose)
		return;
	printf("    %2u. ", w->line++);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Count an event when the replay keeps statistics. */
#define COUNT(w, field) do {                                            \
	if ((w)->st)                                                    \
		(w)->st->field++;                                       \
} while (0)

static void do_run(struct world *w, unsigned slot)
{
	struct guest *g = &w->g[slot];
	struct asid_decision d = asid_prepare(&w->cpu, &g->a);
	uint8_t ctl = d.tlb_control;
	char why[80];
	const char *broken = "";

	if (w->policy == NO_ROLLOVER_FLUSH && (d.why & TLB_WHY_ROLLOVER)) {
		ctl = TLB_CONTROL_DO_NOTHING;
		broken = "  BROKEN: the real policy flushes";
	}
	if (w->policy == LOCAL_FOR_GUEST && ctl == TLB_CONTROL_FLUSH_ASID) {
		ctl = TLB_CONTROL_FLUSH_ASID_LOCAL;
		broken = "  BROKEN: the real policy flushes with 3";
	}
	w->rollovers += !!(d.why & TLB_WHY_ROLLOVER);
	if (w->st && w->st->vmruns < 8) {
		w->st->run_asid[w->st->vmruns] = d.asid;
		w->st->run_tlb[w->st->vmruns] = ctl;
	}
	if (w->st) {
		w->st->vmruns++;
		w->st->tlb[ctl & 7]++;
		w->st->rollovers += !!(d.why & TLB_WHY_ROLLOVER);
		w->st->stale += !!(d.why & TLB_WHY_STALE);
		w->st->new_asid += !!(d.why & TLB_WHY_NEW_ASID);
		w->st->first += !!(d.why & TLB_WHY_FIRST);
	}
	tlb_why_names(d.why, why, sizeof(why));
	if (!why[0])
		strcpy(why, "keeps its ASID");
	say(w, "run g%d -> asid %u gen %" PRIu64 " tlb %u (%s)%s", g->id,
	    d.asid, d.gen, ctl, why, broken);

	/* What a CPU refuses or leaves undefined is a failure too. */
	if (d.asid == 0 || d.asid >= w->cpu.nasid ||
	    !(ctl == 0 || ctl == 1 || ctl == 3 || ctl == 7) ||
	    (!w->cpu.flush_by_asid && (ctl == 3 || ctl == 7))) {
		say(w, "VIOLATION: asid %u, TLB_CONTROL %u on this CPU",
		    d.asid, ctl);
		w->verdict = BAD_VMRUN;
		return;
	}
	tlb_control(w, ctl, d.asid);
	w->cur = (int)slot;
	w->cur_asid = d.asid;
	w->run++;
}

static void do_touch(struct world *w, unsigned slot, unsigned page)
{
	struct guest *g = &w->g[slot];
	struct mapping *m = &g->pt[page];
	struct entry *e;

	if (w->cur != (int)slot)
		return;                 /* not running: nothing to touch */
	e = tlb_lookup(w, page);
	if (!e) {
		e = tlb_victim(w);
		e->valid = 1;
		e->asid = w->cur_asid;
		e->page = page;
		e->frame = m->frame;
		e->global = m->global;
		e->owner = g->id;
		e->version = m->version;
		e->run = w->run;
		COUNT(w, fills);
		say(w, "g%d touches page %u: miss, fills asid %u -> frame "
		    "0x%x%s", g->id, page, w->cur_asid, m->frame,
		    m->global ? " (global)" : "");
		return;
	}
	if (e->owner != g->id) {
		if (e->owner == OWNER_BOOT)
			say(w, "g%d touches page %u: HIT asid %u frame 0x%x "
			    "left from before boot -> VIOLATION", g->id,
			    page, e->asid, e->frame);
		else
			say(w, "g%d touches page %u: HIT asid %u frame 0x%x "
			    "filled by g%d -> VIOLATION: g%d saw g%d's "
			    "translation", g->id, page, e->asid, e->frame,
			    e->owner, g->id, e->owner);
		w->verdict = SAW_OTHER;
		return;
	}
	if (e->version != m->version || e->frame != m->frame) {
		say(w, "g%d touches page %u: HIT asid %u frame 0x%x, but "
		    "page %u maps frame 0x%x now -> VIOLATION: g%d saw a "
		    "stale translation of page %u", g->id, page, e->asid,
		    e->frame, page, m->frame, g->id, page);
		w->verdict = SAW_STALE;
		return;
	}
	if (w->st) {
		w->st->hits++;
		w->st->hits_across_vmrun += e->run < w->run;
		w->st->global_hits += !!e->global;
	}
	say(w, "g%d touches page %u: hit asid %u frame 0x%x%s", g->id, page,
	    e->asid, e->frame, e->run < w->run ? " (kept across VMRUN)" : "");
}

static void do_change(struct world *w, unsigned slot, unsigned page)
{
	struct guest *g = &w->g[slot];
	int needed;

	w->cur = -1;
	mapping_bump(g, page);
	needed = asid_page_changed(&w->cpu, &g->a);
	if (!needed) {
		COUNT(w, invlpga_not_needed);
		say(w, "hypervisor changes g%d's page %u -> frame 0x%x; no "
		    "current ASID, no INVLPGA", g->id, page,
		    g->pt[page].frame);
		return;
	}
	if (w->policy == NO_INVLPGA) {
		say(w, "hypervisor changes g%d's page %u -> frame 0x%x  "
		    "BROKEN: no INVLPGA(page %u, asid %u)", g->id, page,
		    g->pt[page].frame, page, g->a.asid);
		return;
	}
	tlb_invlpga(w, page, g->a.asid);
	COUNT(w, invlpga);
	say(w, "hypervisor changes g%d's page %u -> frame 0x%x; "
	    "INVLPGA(page %u, asid %u)", g->id, page, g->pt[page].frame,
	    page, g->a.asid);
}

static void do_change_many(struct world *w, unsigned slot, unsigned mask,
			   int npt)
{
	struct guest *g = &w->g[slot];
	unsigned p;
	char list[NPAGES * 4] = "";
	size_t len = 0;

	w->cur = -1;
	for (p = 0; p < NPAGES; p++)
		if (mask & (1u << p)) {
			mapping_bump(g, p);
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						" %u", p);
		}
	asid_need(&g->a, npt ? TLB_NEED_NPT : TLB_NEED_GUEST);
	COUNT(w, needs);
	say(w, "hypervisor changes g%d's page%s%s -> need %s", g->id,
	    mask & (mask - 1) ? "s" : "", list, npt ? "npt" : "guest");
}

static void do_mov_cr3(struct world *w, unsigned slot)
{
	struct guest *g = &w->g[slot];
	unsigned p;

	if (w->cur != (int)slot)
		return;
	w->cur = -1;
	/* A new address space: every non-global translation may differ. */
	for (p = 0; p < NPAGES; p++)
		if (!g->pt[p].global)
			mapping_bump(g, p);
	if (w->policy == IGNORE_MOV_CR3) {
		say(w, "g%d's MOV CR3 exits; its non-global pages change  "
		    "BROKEN: need nonglobal not recorded", g->id);
		return;
	}
	asid_need(&g->a, TLB_NEED_NONGLOBAL);
	COUNT(w, needs);
	say(w, "g%d's MOV CR3 exits; its non-global pages change -> need "
	    "nonglobal", g->id);
}

static void do_replace(struct world *w, unsigned slot)
{
	int old = w->g[slot].id;

	w->cur = -1;
	guest_start(w, slot);
	say(w, "g%d ends; g%d starts in its place, no ASID yet", old,
	    w->g[slot].id);
}

/*
 * Replay @n steps of @s under @policy until the first violation.
 * Returns the verdict; *at is the violating step.
 */
static enum verdict replay(const struct schedule *s, const struct step *steps,
			   unsigned n, enum policy policy, struct stats *st,
			   int verbose, unsigned *at)
{
	struct world w;
	unsigned i;

	world_init(&w, s, policy, st, verbose);
	for (i = 0; i < n && w.verdict == OK; i++) {
		const struct step *p = &steps[i];

		switch (p->op) {
		case OP_RUN:
			do_run(&w, p->slot);
			break;
		case OP_TOUCH:
			do_touch(&w, p->slot, p->arg);
			break;
		case OP_CHANGE:
			do_change(&w, p->slot, p->arg);
			break;
		case OP_CHANGE_MANY:
			do_change_many(&w, p->slot, p->arg, p->npt);
			break;
		case OP_MOV_CR3:
			do_mov_cr3(&w, p->slot);
			break;
		case OP_REPLACE:
			do_replace(&w, p->slot);
			break;
		}
		if (w.verdict != OK && at)
			*at = i;
	}
	if (st) {
		st->schedules++;
		st->steps += i;
		st->violations += w.verdict != OK;
		/* The allocator's count must agree with the decisions. */
		st->miscounted += w.cpu.rollovers != w.rollovers;
	}
	return w.verdict;
}

/* ------------------------------------------------------------------ */
/* The tests                                                           */
/* ------------------------------------------------------------------ */

TEST(random_schedules_never_leak)
{
	static struct schedule s;
	struct stats st;
	unsigned i, first_bad = ~0u, bad_at = 0, at = 0;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < NSCHEDULES; i++) {
		generate(&s, i);
		if (replay(&s, s.s, s.n, REAL, &st, 0, &at) != OK &&
		    first_bad == ~0u) {
			first_bad = i;
			bad_at = at;
		}
	}
	printf("tlb model: %" PRIu64 " schedules, %" PRIu64 " steps, seed "
	       "0x%llx, %" PRIu64 " rollovers, %" PRIu64 " stale "
	       "re-assignments, %" PRIu64 " INVLPGA, %" PRIu64 "/%" PRIu64
	       "/%" PRIu64 "/%" PRIu64 " VMRUNs with TLB_CONTROL 0/1/3/7, "
	       "%" PRIu64 " violations\n", st.schedules, st.steps,
	       (unsigned long long)MODEL_SEED, st.rollovers, st.stale,
	       st.invlpga, st.tlb[0], st.tlb[1], st.tlb[3], st.tlb[7],
	       st.violations);
	printf("tlb model: %" PRIu64 " VMRUNs, %" PRIu64 " new ASIDs, %"
	       PRIu64 " flush needs, %" PRIu64 " hits (%" PRIu64 " on entries"
	       " kept across a VMRUN, %" PRIu64 " global), %" PRIu64
	       " fills, %" PRIu64 " page changes needing no INVLPGA\n",
	       st.vmruns, st.new_asid, st.needs, st.hits,
	       st.hits_across_vmrun, st.global_hits, st.fills,
	       st.invlpga_not_needed);
	if (first_bad != ~0u) {
		generate(&s, first_bad);
		printf("first leaking schedule: #%u, step %u:\n", first_bad,
		       bad_at + 1);
		replay(&s, s.s, bad_at + 1, REAL, 0, 1, 0);
	}
	EXPECT_EQ(st.violations, 0);
	EXPECT_EQ(st.miscounted, 0);
	EXPECT_EQ(st.schedules, NSCHEDULES);
	EXPECT_EQ(st.steps, (uint64_t)NSCHEDULES * MAX_STEPS);
	/* Not vacuous: every mechanism was exercised, and often. */
	EXPECT_TRUE(st.rollovers > 100);
	EXPECT_TRUE(st.stale > 100);
	EXPECT_TRUE(st.invlpga > 100);
	EXPECT_TRUE(st.invlpga_not_needed > 0);
	EXPECT_TRUE(st.tlb[0] > 100);
	EXPECT_TRUE(st.tlb[1] > 100);
	EXPECT_TRUE(st.tlb[3] > 100);
	EXPECT_TRUE(st.tlb[7] > 100);
	EXPECT_EQ(st.first, NSCHEDULES);
	EXPECT_TRUE(st.hits_across_vmrun > 1000);
	EXPECT_TRUE(st.global_hits > 100);
}

/*
 * Shrink the failing @steps (*n of them) of @s under @policy: keep
 * deleting single steps while the replay still ends in @want.
 */
static void shrink(const struct schedule *s, struct step *steps, unsigned *n,
		   enum policy policy, enum verdict want)
{
	static struct step tmp[MAX_STEPS];
	unsigned i, at = 0;
	int changed;

	if (replay(s, steps, *n, policy, 0, 0, &at) != want)
		return;
	*n = at + 1;                    /* nothing after the violation */
	do {
		changed = 0;
		for (i = 0; i < *n; ) {
			memcpy(tmp, steps, i * sizeof(*tmp));
			memcpy(tmp + i, steps + i + 1,
			       (*n - i - 1) * sizeof(*tmp));
			if (replay(s, tmp, *n - 1, policy, 0, 0, &at) ==
			    want) {
				memcpy(steps, tmp, (at + 1) * sizeof(*tmp));
				*n = at + 1;
				changed = 1;
			} else {
				i++;
			}
		}
	} while (changed);
}

/*
 * Make the shrunk schedule easier to read, keeping every change that
 * still fails the same way: fewer pages in each "change many", and the
 * guests renumbered g0, g1, ... in the order they first appear.
 */
static void simplify(struct schedule *s, struct step *steps, unsigned *n,
		     enum policy policy, enum verdict want)
{
	static struct schedule c;
	static struct step tmp[MAX_STEPS];
	int map[MAX_GUESTS];
	unsigned i, bit, used = 0, at = 0;

	for (i = 0; i < *n; i++) {
		if (steps[i].op != OP_CHANGE_MANY)
			continue;
		for (bit = 0; bit < NPAGES; bit++) {
			uint16_t old = steps[i].arg;

			if (!(old & (1u << bit)) || old == (1u << bit))
				continue;
			steps[i].arg = (uint16_t)(old & ~(1u << bit));
			if (replay(s, steps, *n, policy, 0, 0, &at) != want ||
			    at != *n - 1)
				steps[i].arg = old;
		}
	}

	for (i = 0; i < MAX_GUESTS; i++)
		map[i] = -1;
	for (i = 0; i < *n; i++)
		if (map[steps[i].slot] < 0)
			map[steps[i].slot] = (int)used++;
	c = *s;
	c.nguests = used ? used : 1;
	for (i = 0; i < *n; i++) {
		tmp[i] = steps[i];
		tmp[i].slot = (uint8_t)map[steps[i].slot];
	}
	if (replay(&c, tmp, *n, policy, 0, 0, &at) == want && at == *n - 1) {
		*s = c;
		memcpy(steps, tmp, *n * sizeof(*tmp));
	}
	shrink(s, steps, n, policy, want);
}

/*
 * Search the schedules (those with FlushByAsid @fba, or all if @fba is
 * -1) for one that @policy fails with @want, shrink it, print it, and
 * check that the real policy passes the same steps.  Returns the
 * minimal length, 0 if nothing was found.
 */
static unsigned catch_broken(enum policy policy, enum verdict want, int fba)
{
	static struct schedule s;
	static struct step steps[MAX_STEPS];
	unsigned i, n, at = 0, found_at;

	for (i = 0; i < NSCHEDULES; i++) {
		generate(&s, i);
		if ((fba < 0 || s.fba == fba) &&
		    replay(&s, s.s, s.n, policy, 0, 0, &at) == want)
			break;
	}
	if (i == NSCHEDULES) {
		printf("%s: no schedule of %u caught it\n",
		       policy_names[policy], NSCHEDULES);
		return 0;
	}
	found_at = at;
	memcpy(steps, s.s, sizeof(steps));
	n = s.n;
	shrink(&s, steps, &n, policy, want);
	simplify(&s, steps, &n, policy, want);
	printf("counterexample (%s), nasid=%u, FlushByAsid %s: schedule #%u "
	       "fails at step %u of %u; shrunk to %u steps:\n",
	       policy_names[policy], s.cap, s.fba ? "yes" : "no", i,
	       found_at + 1, MAX_STEPS, n);
	EXPECT_EQ(replay(&s, steps, n, policy, 0, 1, 0), want);
	printf("  the same %u steps with the real policy:\n", n);
	EXPECT_EQ(replay(&s, steps, n, REAL, 0, 1, 0), OK);
	printf("  -> no violation\n");
	return n;
}

TEST(broken_no_flush_on_rollover_is_caught)
{
	unsigned n = catch_broken(NO_ROLLOVER_FLUSH, SAW_OTHER, -1);

	EXPECT_TRUE(n > 0);
}

TEST(broken_no_invlpga_is_caught)
{
	unsigned n = catch_broken(NO_INVLPGA, SAW_STALE, -1);

	EXPECT_TRUE(n > 0);
}

TEST(broken_ignoring_mov_cr3_is_caught)
{
	/* With FlushByAsid, where the real policy's answer is 7. */
	unsigned n = catch_broken(IGNORE_MOV_CR3, SAW_STALE, 1);

	EXPECT_TRUE(n > 0);
}

TEST(broken_local_flush_for_a_guest_change_is_caught)
{
	/* Only a CPU with FlushByAsid has 7. */
	unsigned n = catch_broken(LOCAL_FOR_GUEST, SAW_STALE, 1);

	EXPECT_TRUE(n > 0);
}

TEST(a_fresh_asid_needs_no_flush)
{
	/*
	 * g0 fills four pages under ASID 1; g1 gets ASID 2 with TLB_CONTROL
	 * 0 and misses on the same pages (nothing tagged 2 exists); g0
	 * comes back and hits its entries, kept across both VMRUNs.
	 */
	static struct schedule s;
	static const struct step steps[] = {
		{ OP_RUN, 0, 0, 0 },
		{ OP_TOUCH, 0, 0, 0 }, { OP_TOUCH, 0, 0, 1 },
		{ OP_TOUCH, 0, 0, 2 }, { OP_TOUCH, 0, 0, 3 },
		{ OP_RUN, 1, 0, 0 },
		{ OP_TOUCH, 1, 0, 0 }, { OP_TOUCH, 1, 0, 1 },
		{ OP_TOUCH, 1, 0, 2 }, { OP_TOUCH, 1, 0, 3 },
		{ OP_RUN, 0, 0, 0 },
		{ OP_TOUCH, 0, 0, 0 }, { OP_TOUCH, 0, 0, 1 },
		{ OP_TOUCH, 0, 0, 2 }, { OP_TOUCH, 0, 0, 3 },
	};
	struct stats st;
	int fba;

	for (fba = 0; fba <= 1; fba++) {
		memset(&s, 0, sizeof(s));
		s.cap = 4;
		s.fba = fba;
		s.nguests = 2;
		memset(&st, 0, sizeof(st));
		if (fba)
			printf("a fresh ASID, FlushByAsid yes:\n");
		EXPECT_EQ(replay(&s, steps, sizeof(steps) / sizeof(steps[0]),
				 REAL, &st, fba, 0), OK);
		EXPECT_EQ(st.vmruns, 3);
		EXPECT_EQ(st.tlb[1], 1);        /* the first VMRUN only */
		EXPECT_EQ(st.tlb[0], 2);
		EXPECT_EQ(st.fills, 8);         /* g1 missed on every page */
		EXPECT_EQ(st.hits, 4);
		EXPECT_EQ(st.hits_across_vmrun, 4);
		/* g1: a fresh ASID 2, no flush; g0 keeps ASID 1. */
		EXPECT_EQ(st.run_asid[0], 1);
		EXPECT_EQ(st.run_tlb[0], 1);
		EXPECT_EQ(st.run_asid[1], 2);
		EXPECT_EQ(st.run_tlb[1], 0);
		EXPECT_EQ(st.run_asid[2], 1);
		EXPECT_EQ(st.run_tlb[2], 0);
	}
}

TEST(model_flushes_follow_15_16)
{
	/*
	 * The model's own check, through the allocator: g0 fills a global
	 * page (0, as p % 4 == 0) and a non-global one (1), then its MOV
	 * CR3 (7 with FlushByAsid) must keep page 0 and drop page 1, and a
	 * hypervisor change of both (3) must drop both.
	 */
	static struct schedule s;
	static const struct step steps[] = {
		{ OP_RUN, 0, 0, 0 },
		{ OP_TOUCH, 0, 0, 0 }, { OP_TOUCH, 0, 0, 1 },
		{ OP_MOV_CR3, 0, 0, 0 },
		{ OP_RUN, 0, 0, 0 },
		{ OP_TOUCH, 0, 0, 0 },          /* hit: global, kept by 7 */
		{ OP_TOUCH, 0, 0, 1 },          /* miss: dropped by 7 */
		{ OP_CHANGE_MANY, 0, 0, 3 },
		{ OP_RUN, 0, 0, 0 },
		{ OP_TOUCH, 0, 0, 0 },          /* miss: dropped by 3 */
		{ OP_TOUCH, 0, 0, 1 },          /* miss */
		{ OP_CHANGE, 0, 0, 0 },         /* INVLPGA page 0 */
		{ OP_RUN, 0, 0, 0 },
		{ OP_TOUCH, 0, 0, 0 },          /* miss: INVLPGA took it */
		{ OP_TOUCH, 0, 0, 1 },          /* hit */
	};
	struct stats st;

	memset(&s, 0, sizeof(s));
	s.cap = 4;
	s.fba = 1;
	s.nguests = 1;
	memset(&st, 0, sizeof(st));
	EXPECT_EQ(replay(&s, steps, sizeof(steps) / sizeof(steps[0]), REAL,
			 &st, 0, 0), OK);
	EXPECT_EQ(st.tlb[1], 1);
	EXPECT_EQ(st.tlb[7], 1);
	EXPECT_EQ(st.tlb[3], 1);
	EXPECT_EQ(st.tlb[0], 1);
	EXPECT_EQ(st.invlpga, 1);
	EXPECT_EQ(st.fills, 6);
	EXPECT_EQ(st.hits, 2);
	EXPECT_EQ(st.global_hits, 1);
}
