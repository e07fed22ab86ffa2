/*
 * bench_floor.S - chapter 16: the floor's guest.
 *
 * The cheapest round trip there is needs a guest that does nothing but
 * exit: `1: vmmcall; jmp 1b`, and nothing else, at guest_main.  This
 * guest is never resumed by the exit loop of src/svm/exit.c: the
 * chapter's host loop (src/course/ch16_floor.S: bench_floor_loop) runs
 * it with VMRUN, checks that it exited with VMMCALL (81h), adds 3 (the
 * length of 0F 01 D9) to the VMCB's RIP, and times the whole loop on
 * the host's TSC.  Each round trip thus runs the VMMCALL and the JMP
 * (bench.guest_insns = 1).  The VMMCALL is never answered as a
 * hypercall, so this guest never returns, reports nothing and never
 * says HC_DONE: the host stops it after its last round trip.  It has no
 * timing of its own; the other bench guests time themselves.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
GUEST_LABEL(bench_floor_vmmcall)
1:	vmmcall
	jmp	1b
