/*
 * sched.c - chapter 12: several guests, each with its own VMCB, on one
 * CPU, round-robin.
 *
 * A guest runs until it gives the CPU back: HC_YIELD, or the end of its
 * time slice.  The slice is SCHED_SLICE_MS of the guest's own time on the
 * LAPIC timer of chapter 10, which the exit loop runs only while the
 * guest runs (exit.c); with the INTR intercept its interrupt ends the
 * guest's run (exit 60h) whatever the guest does with RFLAGS.IF.  The
 * watchdog then counts the time a guest has run in all its slices, so a
 * guest that waits for its turn is not charged for the others.
 *
 * Each switch to another guest is a VMRUN of another VMCB, with another
 * ASID from the allocator (tlb.c): the first time, after a new
 * generation, or never again while the generation lasts.
 */
#include "vcpu.h"
#include "arch/lapic.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/lab.h"
#include "kernel/trace.h"

int sched_preempt(struct vcpu *v)
{
	uint64_t limit = (uint64_t)vcpu_watchdog_ms_of(v) *
			 lapic_counts_per_ms();
	uint64_t slice = lapic_ms_to_counts(SCHED_SLICE_MS);

	if (!v->scheduled)
		return 0;               /* one guest alone: the watchdog's shot */
	/* LAB 12 BEGIN sched_preempt: end the slice, unless the watchdog's time is up */
	if (v->cpu_counts + slice >= limit)
		return 0;               /* the watchdog decides */
	v->yield = SCHED_PREEMPT;
	v->preemptions++;
	trace_begin("preempt");
	trace_str("guest", v->name);
	trace_u64("n", v->preemptions);
	trace_u64("rip", v->vmcb->save.rip);
	trace_u64("exit", v->vmcb->control.exit_code);
	trace_end();
	return 1;
	/* LAB 12 END */
}

uint64_t hc_yield(struct vcpu *v)
{
	if (!hc_allowed(v, HV_POLICY_ASID, "HC_YIELD", 12))
		return HC_REFUSED;
	/* A guest that runs alone has nobody to give the CPU to.  Ending
	 * its run here would leave it neither done nor stopped, a run
	 * without a reason (chapter 17, guests/hostile_yield.S). */
	if (!v->scheduled)
		return HC_OK;
	v->yield = SCHED_YIELD;
	v->yields++;
	return HC_OK;
}

uint64_t hc_preempted(struct vcpu *v)
{
	if (!hc_allowed(v, HV_POLICY_ASID, "HC_PREEMPTED", 12))
		return HC_REFUSED;
	return v->preemptions;
}

/* One turn of @p v: arm its slice, run it, charge it the time used. */
static void run_turn(struct vcpu *v, unsigned turn)
{
	uint32_t slice = lapic_ms_to_counts(SCHED_SLICE_MS);

	trace_begin("sched");
	trace_str("guest", v->name);
	trace_u64("turn", turn);
	trace_end();
	/* The exit loop runs the timer while the guest runs (exit.c): what
	 * is left of the slice when the turn ends is what it did not use. */
	v->watchdog_shots = lapic_timer_shots;
	v->timer_left = slice;
	vcpu_run_slice(v);
	if (lapic_timer_shots != v->watchdog_shots)
		v->timer_left = 0;
	v->cpu_counts += slice - (v->timer_left < slice ? v->timer_left
							: slice);
	v->timer_left = 0;
}

void sched_run(struct vcpu *const *vs, unsigned n)
{
	unsigned i, live = 0, turn = 0;

	for (i = 0; i < n; i++) {
		vs[i]->scheduled = 1;
		vs[i]->start_tsc = rdtsc();
		live += vs[i]->state == VCPU_RUNNING;
	}
	for (i = 0; live; i = (i + 1) % n) {
		struct vcpu *v = vs[i];

		if (v->state != VCPU_RUNNING)
			continue;
		run_turn(v, ++turn);
		if (v->state != VCPU_RUNNING)
			live--;
	}
}
