/*
 * ch12_asid.c - chapter 12: ASIDs and TLB control (APM2 §15.16), and the
 * first chapter with several guests at once.  The allocator and the
 * policy table are in src/svm/asid.c, their use at every VMRUN in
 * src/svm/tlb.c, the scheduler in src/svm/sched.c.
 *
 * The guests run together, round-robin, each with its own VMCB, its own
 * memory and its own ASID.  Boot with nasid=4 and five guests share three
 * ASIDs: the allocator starts a new generation every three assignments.
 */
#include "chapters.h"

const char *const ch12_guests[] = {
	"rr_fill_a", "rr_fill_b", "rr_fill_c", "rr_spin", "rr_pager", 0
};

void ch12_asid_run(void)
{
	course_run_together(ch12_guests);
}
