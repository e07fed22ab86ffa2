/*
 * tlb.c - chapter 12 in the kernel: the allocator and the policy table
 * of asid.c applied to every VMRUN, and INVLPGA for one changed page
 * (APM2 §15.16 "TLB Control", §15.16.2 "Invalidate Page, Alternate
 * ASID").
 *
 * Before chapter 12 every guest runs with ASID 1 and a handler that
 * changes translations asks for a full flush (TLB_CONTROL 1) at the next
 * VMRUN.  From chapter 12 on the allocator gives each guest its own ASID
 * and the table chooses the smallest flush that is still correct.
 *
 * Neither emulator keeps TLB entries across a world switch (QEMU and
 * Bochs flush on VMRUN and #VMEXIT), so a wrong choice here would go
 * unnoticed by every guest.  The trace shows each choice, and the host
 * model (tests/unit/test_tlb_model.c) shows what hardware would do.
 */
#include "vcpu.h"
#include "svm.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/trace.h"

struct asid_cpu asid_cpu0;
unsigned tlb_nasid_cap;
static int asid_started;

/* Start the allocator from CPUID 8000_000Ah and the nasid= cap. */
static void asid_start(void)
{
	uint32_t n = svm_host_caps.nasid;
	int fba = !!(svm_host_caps.features & SVM_FEAT_FLUSHBYASID);

	asid_cpu_init(&asid_cpu0, n, tlb_nasid_cap, fba);
	asid_started = 1;
	kprintf("  ASIDs: 1..%u of the CPU's %u%s; FlushByAsid %s\n",
		asid_cpu0.nasid - 1, n, asid_cpu0.nasid < n ? " (nasid=)" : "",
		fba ? "yes: TLB_CONTROL 0, 1, 3, 7" : "no: TLB_CONTROL 0, 1");
	trace_begin("asid_cpu");
	trace_u64("nasid", asid_cpu0.nasid);
	trace_u64("cpu_nasid", n);
	trace_bool("flush_by_asid", fba);
	trace_end();
}

void tlb_choose(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	struct asid_decision d;
	char why[64];

	if (!(v->policy & HV_POLICY_ASID)) {
		/* A flush a handler asked for applies to this VMRUN only. */
		c->tlb_control = v->flush;
		v->flush = TLB_CONTROL_DO_NOTHING;
		return;
	}
	if (!asid_started)
		asid_start();
	d = asid_prepare(&asid_cpu0, &v->tlb);
	c->asid = d.asid;
	c->tlb_control = d.tlb_control;
	v->tlb_why = d.why;
	if (!(d.why & TLB_WHY_NEW_ASID))
		return;
	tlb_why_names(d.why, why, sizeof(why));
	kprintf("  ASID %u (generation %llu) for %s: %s, TLB_CONTROL %u\n",
		d.asid, (unsigned long long)d.gen, v->name, why,
		d.tlb_control);
	trace_begin("asid");
	trace_str("guest", v->name);
	trace_u64("asid", d.asid);
	trace_u64("gen", d.gen);
	trace_str("why", why);
	trace_u64("tlb", d.tlb_control);
	trace_end();
}

void vcpu_tlb_need(struct vcpu *v, uint32_t need)
{
	if (v->policy & HV_POLICY_ASID)
		asid_need(&v->tlb, need);
	else
		v->flush = TLB_CONTROL_FLUSH_ALL;
}

void vcpu_invlpga(struct vcpu *v, uint64_t gva, const char *why)
{
	uint32_t asid = v->vmcb->control.asid;
	int needed = !(v->policy & HV_POLICY_ASID) ||
		     asid_page_changed(&asid_cpu0, &v->tlb);

	if (needed)
		invlpga(gva, asid);
	trace_begin("invlpga");
	trace_str("guest", v->name);
	trace_u64("asid", asid);
	trace_u64("gva", gva);
	trace_str("why", why);
	trace_bool("done", needed);
	trace_end();
}
