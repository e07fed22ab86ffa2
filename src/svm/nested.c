/*
 * nested.c - chapter 13: every guest in a guest-physical space of its
 * own (APM2 §15.25 "Nested Paging").
 *
 * With NP_ENABLE set in the VMCB, the processor translates each guest
 * physical address through the nested page table at N_CR3, which the
 * hypervisor owns (npt.c).  The guest keeps CR0, CR3 and its page tables
 * to itself; the hypervisor decides which host pages stand behind its
 * RAM, [0, GUEST_RAM_SIZE).  Nothing else is mapped: not the kernel, not
 * another guest, not host address 0.
 *
 * A missing or forbidden translation ends the guest's run with #NPF
 * (exit 400h).  EXITINFO1 says what the access was (npf_decode) and
 * EXITINFO2 which guest-physical address it touched.  This file answers:
 *
 *   - a page the guest asked to protect (HC_NPT_SET): record the fault
 *     and give the page its protection back ("watched");
 *   - a RAM page not yet mapped: allocate and map it ("demand");
 *   - a write to a page write-protected by dirty tracking: log it and
 *     let the write through ("dirty");
 *   - from chapter 14, anything else goes to mmio_dev.c;
 *   - in chapter 13, anything else stops the guest.
 *
 * Whenever a change takes a permission away, translations the TLB may
 * hold for this guest's ASID are stale: TLB_NEED_NPT asks the policy of
 * chapter 12 for TLB_CONTROL 3 (or 1 without FlushByAsid).  INVLPGA is
 * no use here: it flushes by guest-virtual address, and the hypervisor
 * does not know which virtual addresses map a guest-physical page.
 */
#include "vcpu.h"
#include "gwalk.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "kernel/lab.h"
#include "kernel/panic.h"
#include "kernel/trace.h"
#include "dev/console.h"
#include "lib/format.h"
#include "lib/string.h"

#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

static void *npt_page(void)
{
	return page_alloc();
}

int nested_init(struct vcpu *v)
{
	int err = npt_init(&v->npt, npt_page);

	if (err < 0)
		return err;
	/* NX in nested entries counts only with the host's EFER.NXE. */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	v->nested = 1;
	v->vmcb->control.nested_ctl = NESTED_CTL_NP_ENABLE;
	v->vmcb->control.nested_cr3 = v->npt.root;
	return 0;
}

void *nested_populate(struct vcpu *v, gpa_t g, uint64_t len)
{
	unsigned n = (unsigned)((len + PAGE_SIZE - 1) / PAGE_SIZE), i;
	uint8_t *host = pages_alloc(n);

	for (i = 0; i < n; i++) {
		int err = npt_map(&v->npt, gpa(gpa_raw(g) + i * PAGE_SIZE),
				  hpa_of(host) + i * PAGE_SIZE, NPT_4K,
				  NPT_RWX);

		if (err < 0)
			panic("nested_populate: gpa 0x%llx: %s",
			      (unsigned long long)gpa_raw(g) + i * PAGE_SIZE,
			      npt_strerror(err));
	}
	return host;
}

void *nested_host(const struct vcpu *v, gpa_t g, uint64_t len)
{
	struct npt_leaf leaf;
	uint64_t page_left;

	if (npt_lookup(&v->npt, g, &leaf) < 0 || (leaf.prot & NPT_RSV))
		return 0;
	page_left = leaf.size - (gpa_raw(g) & (leaf.size - 1));
	if (len > page_left)
		return 0;
	return (void *)(uintptr_t)leaf.hpa;
}

/* gwalk's reader: guest-physical memory through the NPT. */
static int read_gpa(void *ctx, uint64_t g, uint64_t *val, unsigned size)
{
	const void *p = nested_host(ctx, gpa(g), size);

	if (!p)
		return -1;
	*val = 0;
	memcpy(val, p, size);
	return 0;
}

int nested_translate(struct vcpu *v, uint64_t gva, gpa_t *out)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct gwalk_cpu c = { s->cr0, s->cr3, s->cr4, s->efer };
	struct gwalk_result r;

	if (gwalk_translate(&c, gva, read_gpa, v, &r) < 0)
		return -1;
	*out = gpa(r.gpa);
	return 0;
}

void *nested_guest_ptr(struct vcpu *v, uint64_t gva, uint64_t len)
{
	uint8_t *first = 0;
	uint64_t off = 0;

	if (!len)
		len = 1;
	/* Page by page: the range must be contiguous in host memory too. */
	while (off < len) {
		uint64_t chunk = PAGE_SIZE - ((gva + off) & (PAGE_SIZE - 1));
		uint8_t *p;
		gpa_t g;

		if (chunk > len - off)
			chunk = len - off;
		if (nested_translate(v, gva + off, &g) < 0)
			return 0;
		p = nested_host(v, g, chunk);
		if (!p || (first && p != first + off))
			return 0;
		if (!first)
			first = p;
		off += chunk;
	}
	return first;
}

/* The watch slot of the page holding @p g, or NULL. */
static struct npt_watch *watch_of(struct vcpu *v, uint64_t g)
{
	unsigned i;

	for (i = 0; i < VCPU_WATCH_MAX; i++)
		if (v->watch[i].used && v->watch[i].gpa == (g & PAGE_MASK))
			return &v->watch[i];
	return 0;
}

/* Apply what an NPT change did to the guest's TLB entries. */
static void npt_changed(struct vcpu *v, int change)
{
	if (change > 0 && (change & NPT_CHANGE_DOWN))
		vcpu_tlb_need(v, TLB_NEED_NPT);
}

/* Set page @p g to @p prot (0: unmap); returns an NPT error or 0. */
static int set_page(struct vcpu *v, uint64_t g, unsigned prot)
{
	int r = prot ? npt_protect(&v->npt, gpa(g), PAGE_SIZE, prot) :
		       npt_unmap(&v->npt, gpa(g), PAGE_SIZE);

	npt_changed(v, r);
	return r < 0 ? r : 0;
}

uint64_t hc_npt_set(struct vcpu *v)
{
	uint64_t g = vcpu_abi_arg(v, v->hc.a0) & PAGE_MASK;
	unsigned prot = (unsigned)vcpu_abi_arg(v, v->hc.a1);
	struct npt_watch *w;
	struct npt_leaf leaf;
	unsigned i;

	if (!hc_allowed(v, HV_POLICY_NPT, "npt_set", 13))
		return HC_OK;
	trace_begin("npt_set");
	trace_str("guest", v->name);
	trace_u64("gpa", g);
	trace_u64("prot", prot);
	if (g >= GUEST_RAM_SIZE || prot > (NPT_RWX | NPT_RSV) ||
	    (prot && !(prot & NPT_R)) ||
	    npt_lookup(&v->npt, gpa(g), &leaf) < 0 ||
	    (!(w = watch_of(v, g)) && v->watch[VCPU_WATCH_MAX - 1].used)) {
		trace_bool("done", 0);
		trace_end();
		return HC_REFUSED;
	}
	if (!w) {
		for (i = 0; v->watch[i].used; i++)
			;
		w = &v->watch[i];
		w->used = 1;
		w->gpa = g;
		w->hpa = leaf.hpa & PAGE_MASK;
		w->prot = leaf.prot;
	}
	trace_bool("done", set_page(v, g, prot) == 0);
	trace_end();
	return HC_OK;
}

uint64_t hc_npf_info(struct vcpu *v)
{
	if (!hc_allowed(v, HV_POLICY_NPT, "npf_info", 13))
		return HC_OK;
	switch (vcpu_abi_arg(v, v->hc.a0)) {
	case HC_NPF_LAST_INFO1: return v->npf_last_info1;
	case HC_NPF_LAST_GPA:   return v->npf_last_gpa;
	case HC_NPF_COUNT:      return v->npf_count;
	case HC_NPF_DEMAND:     return v->npf_demand;
	case HC_NPF_VOID:       return v->npf_void;
	default:                return HC_REFUSED;
	}
}

uint64_t hc_dirty_start(struct vcpu *v)
{
	uint64_t g;
	unsigned pages = 0;
	int change = 0;

	if (!hc_allowed(v, HV_POLICY_NPT, "dirty_start", 13))
		return HC_OK;
	/* LAB 13 BEGIN hc_dirty_start: write-protect every mapped RAM page */
	memset(v->dirty, 0, sizeof(v->dirty));
	for (g = 0; g < GUEST_RAM_SIZE; g += PAGE_SIZE) {
		struct npt_leaf leaf;
		int r;

		if (npt_lookup(&v->npt, gpa(g), &leaf) < 0 || watch_of(v, g))
			continue;
		r = npt_protect(&v->npt, gpa(g), PAGE_SIZE,
				leaf.prot & ~NPT_W);
		if (r > 0)
			change |= r;
		pages++;
	}
	npt_changed(v, change);
	v->dirty_on = 1;
	/* LAB 13 END */
	trace_begin("dirty_start");
	trace_str("guest", v->name);
	trace_u64("pages", pages);
	trace_end();
	return HC_OK;
}

uint64_t hc_dirty_list(struct vcpu *v)
{
	uint64_t buf = vcpu_abi_arg(v, v->hc.a0);
	uint64_t cap = vcpu_abi_arg(v, v->hc.a1), n = 0;
	unsigned i;

	if (!hc_allowed(v, HV_POLICY_NPT, "dirty_list", 13))
		return HC_OK;
	trace_begin("dirty_list");
	trace_str("guest", v->name);
	trace_arr_begin("pages");
	for (i = 0; i < VCPU_RAM_PAGES; i++) {
		uint64_t *slot;

		if (!(v->dirty[i / 64] & (1ull << (i % 64))))
			continue;
		trace_u64(0, (uint64_t)i * PAGE_SIZE);
		if (n < cap) {
			slot = vcpu_guest_ptr(v, buf + n * 8, 8);
			if (slot)
				*slot = (uint64_t)i * PAGE_SIZE;
		}
		n++;
	}
	trace_arr_end();
	trace_u64("count", n);
	trace_end();
	return n;
}

/* Trace one #NPF and what the hypervisor did about it. */
static void trace_npf(struct vcpu *v, uint64_t info1, uint64_t g,
		      const char *action)
{
	struct npt_leaf leaf;
	hpa_t h;
	char flags[48];

	if (!vcpu_trace_exits)
		return;
	h = npt_lookup(&v->npt, gpa(g), &leaf) == 0 ? leaf.hpa : 0;
	npf_format(flags, sizeof(flags), info1);
	kprintf("  #NPF gpa=0x%llx [%s]: %s\n", (unsigned long long)g, flags,
		action);
	trace_begin("npf");
	trace_str("guest", v->name);
	trace_u64("gpa", g);
	trace_u64("info1", info1);
	trace_str("flags", flags);
	trace_str("action", action);
	trace_u64("hpa", h);
	trace_end();
}

/* A RAM page the guest has not touched: give it a zeroed page. */
static void demand_map(struct vcpu *v, uint64_t g, int write)
{
	/* LAB 13 BEGIN demand_map: allocate a page and map it, unseen */
	void *page = page_alloc();
	/* Under dirty tracking a page read first stays write-protected,
	 * so that its first write is seen; a page written first is dirty. */
	unsigned prot = v->dirty_on && !write ? NPT_R | NPT_X : NPT_RWX;
	int err = npt_map(&v->npt, gpa(g & PAGE_MASK), hpa_of(page), NPT_4K,
			  prot);

	if (err < 0) {
		vcpu_stop(v, "cannot map guest-physical 0x%llx: %s",
			  (unsigned long long)g, npt_strerror(err));
		return;
	}
	if (v->dirty_on && write)
		v->dirty[(g / PAGE_SIZE) / 64] |= 1ull << ((g / PAGE_SIZE) % 64);
	v->npf_demand++;
	/* LAB 13 END */
}

/* A write to a page dirty tracking write-protected: log, let through. */
static void dirty_log(struct vcpu *v, uint64_t g)
{
	struct npt_leaf leaf;
	uint64_t page = g / PAGE_SIZE;

	/* LAB 13 BEGIN dirty_log: mark the page dirty and make it writable */
	v->dirty[page / 64] |= 1ull << (page % 64);
	if (npt_lookup(&v->npt, gpa(g & PAGE_MASK), &leaf) == 0)
		npt_changed(v, npt_protect(&v->npt, gpa(g & PAGE_MASK),
					   PAGE_SIZE, leaf.prot | NPT_W));
	/* LAB 13 END */
}

void handle_npf(struct vcpu *v)
{
	uint64_t info1 = v->vmcb->control.exit_info_1;
	uint64_t g = v->vmcb->control.exit_info_2;
	struct npf_info f;
	struct npt_leaf leaf;
	struct npt_watch *w;

	v->npf_count++;
	if (!v->nested) {
		/* Chapter 4's G_PAT case turns NP on with no table at all. */
		vcpu_stop(v, "#NPF at guest-physical 0x%llx (EXITINFO1 0x%llx)"
			  " in a guest that has no nested page table",
			  (unsigned long long)g, (unsigned long long)info1);
		return;
	}
	f = npf_decode(info1);
	if ((w = watch_of(v, g))) {
		/* The guest asked for this one: record it, put it back. */
		v->npf_last_info1 = info1;
		v->npf_last_gpa = g;
		if (npt_lookup(&v->npt, gpa(w->gpa), &leaf) < 0)
			npt_map(&v->npt, gpa(w->gpa), w->hpa, NPT_4K, w->prot);
		else
			set_page(v, w->gpa, w->prot);
		w->used = 0;
		trace_npf(v, info1, g, "watched");
	} else if (npt_lookup(&v->npt, gpa(g), &leaf) == 0 &&
		   !(leaf.prot & NPT_RSV) && (!f.write || (leaf.prot & NPT_W)) &&
		   (!f.fetch || (leaf.prot & NPT_X))) {
		/* The table allows it now: a TLB entry older than a change
		 * that added a permission.  The retry walks the table. */
		trace_npf(v, info1, g, "spurious");
	} else if (!f.present && g < GUEST_RAM_SIZE) {
		demand_map(v, g, f.write);
		trace_npf(v, info1, g, "demand");
	} else if (f.present && f.write && !f.rsv && v->dirty_on &&
		   g < GUEST_RAM_SIZE) {
		dirty_log(v, g);
		trace_npf(v, info1, g, "dirty");
	} else if (v->policy & HV_POLICY_MMIO) {
		trace_npf(v, info1, g, "mmio");
		mmio_npf(v, g, f);
	} else {
		trace_npf(v, info1, g, "stop");
		vcpu_stop(v, "#NPF at guest-physical 0x%llx (EXITINFO1 0x%llx)"
			  ": not the guest's RAM, which is [0, 0x%x)",
			  (unsigned long long)g, (unsigned long long)info1,
			  GUEST_RAM_SIZE);
	}
}
