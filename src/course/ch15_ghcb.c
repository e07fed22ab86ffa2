/*
 * ch15_ghcb.c - chapter 15: the GHCB of SEV-ES, modelled on a guest
 * whose memory is not encrypted (AMD's GHCB specification, publication
 * 56421; APM2 §15.35 "Encrypted State (SEV-ES)").  Neither QEMU nor
 * Bochs implements SEV-ES; chapters/15-ghcb/README.md says what the
 * model reproduces and what it cannot.
 *
 * The hypervisor's side is in src/svm/vmgexit.c (the MSR protocol and
 * GHCB requests) and src/svm/vc.c (#VC for a model SEV-ES guest); the
 * GHCB's layout and its pure helpers in src/svm/ghcb.[ch].
 *
 * vc_probe runs first, always: it measures how this processor delivers
 * #VC through EVENTINJ, which the #VC guest depends on.
 */
#include "chapters.h"
#include "svm/vcpu.h"
#include "kernel/course.h"

const char *const ch15_guests[] = {
	"vc_probe", "ghcb_msr", "ghcb_term", "ghcb_vmgexit", "ghcb_bad",
	"ghcb_vc", 0
};

int nested_paging_available(void);

/* Does guest= (if given) name one of this chapter's guests? */
static int chapter_selected(void)
{
	const char *const *g;

	for (g = ch15_guests; *g; g++)
		if (course_guest_selected(*g))
			return 1;
	return 0;
}

void ch15_ghcb_run(void)
{
	if (!chapter_selected() || !nested_paging_available())
		return;
	course_run_probe("vc_probe");
	course_run_guests(ch15_guests + 1);
}
