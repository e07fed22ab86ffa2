/*
 * ch06_msrpm.c - chapter 6: the MSR permission map (APM2 §15.11).  The
 * map is built by src/svm/msrpm.c, the exits handled by src/svm/msr.c.
 *
 * Two guests leave something in the VMCB that the host reports after
 * they ran: the STAR that a pass-through WRMSR wrote (VMSAVE stored it
 * in the save area, no exit involved), and the real EFER behind the
 * shadow the efer guest played with (SVME must still be set).
 */
#include "chapters.h"
#include "svm/vcpu.h"

const char *const ch06_guests[] = {
	"msr_read_only", "msr_write_only", "msr_passthrough", "msr_outside",
	"efer", "msr_svm_hidden", "msr_denied", 0
};

static void after_passthrough(struct vcpu *v)
{
	course_report("msr_passthrough.vmcb.star", v->vmcb->save.star);
}

static void after_efer(struct vcpu *v)
{
	course_report("efer.vmcb", v->vmcb->save.efer);
	course_report("efer.shadow", v->efer);
}

void ch06_msrpm_run(void)
{
	course_run_guest("msr_read_only");
	course_run_guest("msr_write_only");
	course_run_guest_then("msr_passthrough", after_passthrough);
	course_run_guest("msr_outside");
	course_run_guest_then("efer", after_efer);
	course_run_guest("msr_svm_hidden");
	course_run_guest("msr_denied");
}
