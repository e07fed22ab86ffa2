/*
 * ch04_vmrun.c - chapter 4: the first VMRUN (APM2 §15.5 "VMRUN
 * Instruction", §15.6 "#VMEXIT") and the consistency checks of §15.5.1.
 *
 * First the guests: one that halts, one that makes every hypercall, one
 * that reports what it sees, and one whose exit has no handler.  Then
 * one VMRUN per consistency check: the hlt guest's VMCB is broken in
 * exactly one way, the software checker must name that rule, and the
 * processor should answer VMEXIT_INVALID.  Whether it does is reported,
 * not judged here: where an emulator runs such a guest anyway, the test
 * suite pins that as a deviation (tests/deviations.py).
 */
#include "chapters.h"
#include "arch/cr.h"
#include "arch/gdt.h"
#include "arch/x86.h"
#include "arch/msr.h"
#include "dev/console.h"
#include "kernel/course.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "lib/format.h"
#include "svm/exits.h"
#include "svm/guest.h"

static void no_svme(struct vmcb *v) { v->save.efer &= ~EFER_SVME; }
static void nw_no_cd(struct vmcb *v) { v->save.cr0 |= CR0_NW; }
static void cr0_high(struct vmcb *v) { v->save.cr0 |= 1ull << 32; }
static void cr3_mbz(struct vmcb *v) { v->save.cr3 |= 1ull << 52; }
static void cr4_mbz(struct vmcb *v) { v->save.cr4 |= 1ull << 31; }
static void dr6_high(struct vmcb *v) { v->save.dr6 |= 1ull << 32; }
static void dr7_high(struct vmcb *v) { v->save.dr7 |= 1ull << 32; }
static void efer_mbz(struct vmcb *v) { v->save.efer |= 1ull << 63; }
static void no_pae(struct vmcb *v) { v->save.cr4 &= ~CR4_PAE; }
static void no_pe(struct vmcb *v) { v->save.cr0 &= ~CR0_PE; }
static void cs_l_d(struct vmcb *v) { v->save.cs.attrib |= SEG_ATTR_DB; }
static void asid0(struct vmcb *v) { v->control.asid = 0; }

static void no_vmrun(struct vmcb *v)
{
	v->control.intercept_misc2 &= ~SVM_MISC2_VMRUN;
}

/* A map whose last byte lies at or above 2^MAXPHYADDR. */
static uint64_t too_high(void)
{
	return (1ull << vcpu_check_env.maxphyaddr) - 0x1000;
}

static void msrpm_high(struct vmcb *v)
{
	v->control.intercept_misc1 |= SVM_MISC1_MSR_PROT;
	v->control.msrpm_base_pa = too_high();
}

static void iopm_high(struct vmcb *v)
{
	v->control.intercept_misc1 |= SVM_MISC1_IOIO_PROT;
	v->control.iopm_base_pa = too_high();
}

static void inj_type1(struct vmcb *v)
{
	v->control.event_inj = SVM_EVTINJ_VALID | (1ull << 8) | 32;
}

static void inj_nmi_as_exc(struct vmcb *v)
{
	v->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCEPTION | 2;
}

static void gpat_bad(struct vmcb *v)
{
	v->control.nested_ctl |= NESTED_CTL_NP_ENABLE;
	v->save.g_pat = 0x0007040600070402ull;  /* PA0 = 2, reserved */
}

/*
 * EFER.LME/LMA on a processor without long mode cannot be provoked
 * here: every SVM processor model has long mode.  The host unit tests
 * cover that rule.
 */
static const struct vmrun_case cases[] = {
	{ "invalid.efer_svme", VMCB_RULE_EFER_SVME, no_svme, 0 },
	{ "invalid.cr0_cd_nw", VMCB_RULE_CR0_CD_NW, nw_no_cd, 0 },
	{ "invalid.cr0_high", VMCB_RULE_CR0_HIGH, cr0_high, 0 },
	{ "invalid.cr3_mbz", VMCB_RULE_CR3_MBZ, cr3_mbz, 0 },
	{ "invalid.cr4_mbz", VMCB_RULE_CR4_MBZ, cr4_mbz, 0 },
	{ "invalid.dr6_high", VMCB_RULE_DR6_HIGH, dr6_high, 0 },
	{ "invalid.dr7_high", VMCB_RULE_DR7_HIGH, dr7_high, 0 },
	{ "invalid.efer_mbz", VMCB_RULE_EFER_MBZ, efer_mbz, 0 },
	{ "invalid.lme_pg_no_pae", VMCB_RULE_LME_PG_NO_PAE, no_pae, 0 },
	{ "invalid.lme_pg_no_pe", VMCB_RULE_LME_PG_NO_PE, no_pe, 1 },
	{ "invalid.cs_l_and_d", VMCB_RULE_CS_L_AND_D, cs_l_d, 0 },
	{ "invalid.vmrun_intercept", VMCB_RULE_VMRUN_INTERCEPT, no_vmrun, 0 },
	{ "invalid.msrpm_base", VMCB_RULE_MSRPM_BASE, msrpm_high, 0 },
	{ "invalid.iopm_base", VMCB_RULE_IOPM_BASE, iopm_high, 0 },
	{ "invalid.event_inj_type", VMCB_RULE_EVENT_INJ, inj_type1, 0 },
	{ "invalid.event_inj_nmi_vector", VMCB_RULE_EVENT_INJ,
	  inj_nmi_as_exc, 0 },
	{ "invalid.asid_zero", VMCB_RULE_ASID_ZERO, asid0, 0 },
	{ "invalid.gpat", VMCB_RULE_GPAT, gpat_bad, 0 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

const char *const ch04_guests[] = {
	"hlt", "hypercall", "report", "unhandled",
	"invalid.efer_svme", "invalid.cr0_cd_nw", "invalid.cr0_high",
	"invalid.cr3_mbz", "invalid.cr4_mbz", "invalid.dr6_high",
	"invalid.dr7_high", "invalid.efer_mbz", "invalid.lme_pg_no_pae",
	"invalid.lme_pg_no_pe", "invalid.cs_l_and_d",
	"invalid.vmrun_intercept", "invalid.msrpm_base", "invalid.iopm_base",
	"invalid.event_inj_type", "invalid.event_inj_nmi_vector",
	"invalid.asid_zero", "invalid.gpat", 0,
};

_Static_assert(sizeof(ch04_guests) / sizeof(ch04_guests[0]) == NCASES + 5,
	       "every VMRUN case is listed in ch04_guests");

static void trace_case(const struct vmrun_case *k, const struct vcpu *v,
		       uint32_t mask)
{
	unsigned r;

	trace_begin("vmrun_case");
	trace_str("case", k->name);
	trace_str("rule", vmcb_rule_id(k->rule));
	trace_arr_begin("checker");
	for (r = 0; r < VMCB_RULE_COUNT; r++)
		if (mask & (1u << r))
			trace_str(0, vmcb_rule_id(r));
	trace_arr_end();
	trace_u64("code", v->first_exit);
	trace_str("name", svm_exit_name(svm_exit_code_normalize(
				 v->first_exit)));
	trace_u64("exits", v->exits);
	trace_end();
}

void course_vmrun_case(const struct vmrun_case *k)
{
	const struct guest_image *img = guest_find("hlt");
	struct vcpu v;
	uint32_t mask;
	char err[120];
	int invalid;

	if (!course_guest_selected(k->name))
		return;
	if (k->on_request && !course_on_request(k->name))
		return;
	kprintf("\n  -- %s: %s --\n", k->name, vmcb_rules[k->rule].apm);
	vcpu_init(&v, k->name);
	if (!img || guest_load(&v, img, err, sizeof(err)) < 0) {
		check(0, k->name, "the hlt guest did not load");
		return;
	}
	k->mutate(v.vmcb);
	mask = vmcb_check_mask(v.vmcb, &vcpu_check_env);
	check(mask == 1u << k->rule, k->name, "the checker names %s%s",
	      vmcb_rule_id(k->rule), mask == 1u << k->rule ? " and only it"
	      : ": NO (see the rules listed above)");
	v.max_exits = 8;
	vcpu_run(&v);
	invalid = svm_exit_code_normalize(v.first_exit) == SVM_EXIT_INVALID;
	kprintf("  VMRUN: %s (the APM requires VMEXIT_INVALID)\n",
		invalid ? "VMEXIT_INVALID" : "the guest ran");
	trace_case(k, &v, mask);
}

/*
 * After guests ran, TR must be the host's again: VMLOAD gave the CPU the
 * guest's TR, and only the world switch's final VMLOAD of the host's
 * state brings back the TSS whose IST stacks #DF, NMI and #MC need.
 */
static void check_host_tr(void)
{
	struct vmcb *v = page_alloc();
	struct vmcb_seg want = { 0 };
	uint16_t sel = str();

	course_host_tr(&want);
	vmsave(hpa_of(v));
	check(sel == SEL_TSS && v->save.tr.base == want.base &&
	      v->save.tr.limit == want.limit, "vmrun.host_tr",
	      "after the guests, TR is sel=0x%x base=0x%llx limit=0x%x; "
	      "the host's is sel=0x%x base=0x%llx limit=0x%x", sel,
	      (unsigned long long)v->save.tr.base, v->save.tr.limit,
	      SEL_TSS, (unsigned long long)want.base, want.limit);
}

void ch04_vmrun_run(void)
{
	unsigned i;

	course_run_guest("hlt");
	course_run_guest("hypercall");
	course_run_guest("report");
	course_run_guest("unhandled");
	check_host_tr();
	for (i = 0; i < NCASES; i++)
		course_vmrun_case(&cases[i]);
}
