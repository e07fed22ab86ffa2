/*
 * ch13_npt.c - chapter 13: nested paging (APM2 §15.25).  The NPT builder
 * is src/svm/npt.c, each guest's guest-physical space and the #NPF
 * handler src/svm/nested.c, the loader's modes src/svm/guest.c.
 *
 * Every guest of this chapter runs in its own guest-physical space:
 * its RAM is host pages the hypervisor picked, mapped at guest-physical
 * [0, 8 MiB); nothing of the hypervisor is mapped.  The guests cover each
 * mode a guest may start in, then one #NPF kind each.
 */
#include "chapters.h"
#include "dev/console.h"
#include "kernel/results.h"
#include "svm/svm.h"

const char *const ch13_guests[] = {
	"real_npt", "pm32_flat", "pm32_paged", "npt_long", "npt_demand",
	"npt_dirty", "npt_nx", "npt_rsv", "npt_walk", 0
};

/* Nested paging needs CPUID 8000_000Ah EDX bit 0 (NP). */
int nested_paging_available(void)
{
	if (svm_host_caps.features & SVM_FEAT_NP)
		return 1;
	kprintf("  this CPU has no nested paging (CPUID 8000_000Ah EDX "
		"bit 0): the chapter's guests cannot run\n");
	return 0;
}

void ch13_npt_run(void)
{
	if (nested_paging_available())
		course_run_guests(ch13_guests);
}
