/*
 * asid.c - chapter 12: the ASID allocator with generations and the
 * TLB_CONTROL policy table (APM2 §15.16 "TLB Control").  See asid.h.
 */
#include "asid.h"
#include "vmcb.h"
#include "lib/format.h"
#include "kernel/lab.h"

void asid_cpu_init(struct asid_cpu *c, uint32_t cpu_nasid, uint32_t cap,
		   int flush_by_asid)
{
	c->nasid = cap && cap < cpu_nasid ? cap : cpu_nasid;
	if (c->nasid < 2)
		c->nasid = 2;           /* ASID 1 at least: 0 is the host's */
	c->next = 1;
	c->gen = 1;
	c->flush_by_asid = flush_by_asid;
	c->fresh = 1;
	c->rollovers = 0;
}

void asid_need(struct asid_guest *g, uint32_t need)
{
	g->need |= need & TLB_NEED_MASK;
}

int asid_page_changed(const struct asid_cpu *c, const struct asid_guest *g)
{
	/* LAB 12 BEGIN asid_page_changed: does the guest hold a current ASID? */
	return g->gen != 0 && g->gen == c->gen;
	/* LAB 12 END */
}

struct asid_decision asid_prepare(struct asid_cpu *c, struct asid_guest *g)
{
	struct asid_decision d;
	uint32_t why = g->need;

	/* LAB 12 BEGIN asid_prepare: a current ASID, a new generation when none is left */
	if (g->gen != c->gen) {
		if (g->gen)
			why |= TLB_WHY_STALE;
		if (c->next >= c->nasid) {
			/* No number left: start over, flushing everything. */
			c->gen++;
			c->next = 1;
			c->rollovers++;
			why |= TLB_WHY_ROLLOVER;
		}
		g->asid = c->next++;
		g->gen = c->gen;
		/* Nothing is tagged with a number fresh in this generation. */
		why = (why & ~TLB_NEED_MASK) | TLB_WHY_NEW_ASID;
	}
	/* LAB 12 END */
	if (c->fresh) {
		why |= TLB_WHY_FIRST;
		c->fresh = 0;
	}
	g->need = 0;
	d.asid = g->asid;
	d.gen = g->gen;
	d.why = why;
	d.tlb_control = tlb_policy(why, c->flush_by_asid);
	return d;
}

uint8_t tlb_policy(uint32_t why, int flush_by_asid)
{
	/* LAB 12 BEGIN tlb_policy: the flush each reason needs, gated on FlushByAsid */
	if (why & (TLB_WHY_ROLLOVER | TLB_WHY_FIRST))
		return TLB_CONTROL_FLUSH_ALL;
	if (why & (TLB_NEED_GUEST | TLB_NEED_NPT))
		return flush_by_asid ? TLB_CONTROL_FLUSH_ASID
				     : TLB_CONTROL_FLUSH_ALL;
	if (why & TLB_NEED_NONGLOBAL)
		return flush_by_asid ? TLB_CONTROL_FLUSH_ASID_LOCAL
				     : TLB_CONTROL_FLUSH_ALL;
	return TLB_CONTROL_DO_NOTHING;
	/* LAB 12 END */
}

static const char *const why_names[] = {
	"guest", "nonglobal", "npt", 0, "new_asid", "stale", "rollover",
	"first",
};

void tlb_why_names(uint32_t why, char *buf, unsigned n)
{
	unsigned bit, len = 0;

	buf[0] = 0;
	for (bit = 0; bit < sizeof(why_names) / sizeof(why_names[0]); bit++)
		if ((why & (1u << bit)) && why_names[bit] && len + 1 < n)
			len += (unsigned)ksnprintf(buf + len, n - len, "%s%s",
						   len ? " " : "",
						   why_names[bit]);
}
