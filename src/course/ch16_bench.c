/*
 * ch16_bench.c - chapter 16: measuring exits.
 *
 * Each guest repeats one exit kind N times and times the loop with
 * RDTSC (guests/bench_*.S, guests/include/bench_guest.h); it reports
 * bench.iters, bench.cycles, bench.guest_insns and bench.exits.  The
 * floor is timed here: ch16_floor.S runs the bench_floor guest through
 * the shortest round trip there is.  tools/bench.py boots this chapter
 * in each emulator's deterministic mode and turns the reports into the
 * table, the JSON and the plot of `make bench`.
 */
#include "chapters.h"
#include "kernel/course.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "svm/vcpu.h"

/* Round trips of the floor loop. */
#define FLOOR_ROUND_TRIPS 1000

const char *const ch16_guests[] = {
	"bench_floor", "bench_cpuid", "bench_vmmcall", "bench_rdmsr",
	"bench_wrmsr", "bench_out", "bench_in", "bench_hlt",
	"bench_exception", "bench_npf", "bench_mmio_read",
	"bench_mmio_write", "bench_vmgexit", 0
};

/* ch16_floor.S */
uint64_t bench_floor_loop(hpa_t vmcb_pa, struct vmcb *vmcb, uint64_t n);

/*
 * Drive bench_floor through FLOOR_ROUND_TRIPS bare round trips, timed
 * from the host; report as the timed guests do.  The guest's one other
 * instruction per round trip is its JMP.
 */
static void floor_run(struct vcpu *v)
{
	uint64_t t0, t1, done;

	/* Its start-up code runs under the full world switch, which keeps
	 * the host's registers, up to the first VMMCALL. */
	tlb_before_vmrun(v);            /* its ASID, as for any first VMRUN */
	vcpu_world_switch(v);
	vcpu_count_exits(v, v->vmcb->control.exit_code, 1);
	if (v->vmcb->control.exit_code != SVM_EXIT_VMMCALL) {
		vcpu_stop(v, "floor: first exit 0x%llx, not VMMCALL",
			  (unsigned long long)v->vmcb->control.exit_code);
		return;
	}
	v->vmcb->save.rip += 3;
	t0 = rdtsc();
	done = bench_floor_loop(v->vmcb_pa, v->vmcb, FLOOR_ROUND_TRIPS);
	t1 = rdtsc();
	vcpu_count_exits(v, SVM_EXIT_VMMCALL, (unsigned)done);
	if (done != FLOOR_ROUND_TRIPS) {
		vcpu_stop(v, "floor: exit 0x%llx after %llu round trips, "
			  "not VMMCALL",
			  (unsigned long long)v->vmcb->control.exit_code,
			  (unsigned long long)done);
		return;
	}
	vcpu_report(v, "bench.iters", done);
	vcpu_report(v, "bench.cycles", t1 - t0);
	vcpu_report(v, "bench.guest_insns", 1);
	vcpu_report(v, "bench.exits", 1);
	v->state = VCPU_DONE;
}

/*
 * The chapter measures: unless the command line says otherwise, its
 * guests run with the exit trace and the VMCB check off, and the rest of
 * the course gets both back afterwards.
 */
void ch16_bench_run(void)
{
	int trace = vcpu_trace_exits, check = vcpu_check_before_vmrun;
	const char *const *g;

	if (!course_trace_given)
		vcpu_trace_exits = 0;
	if (!course_vmcbcheck_given)
		vcpu_check_before_vmrun = 0;
	course_report("bench.trace", vcpu_trace_exits);
	course_report("bench.vmcbcheck", vcpu_check_before_vmrun);
	/* The floor runs even when guest= names one bench guest: every
	 * figure of the chapter is relative to it. */
	course_run_probe_by(ch16_guests[0], floor_run);
	for (g = ch16_guests + 1; *g; g++)
		course_run_guest(*g);
	vcpu_trace_exits = trace;
	vcpu_check_before_vmrun = check;
}
