/*
 * rdtsc.S - chapter 5: RDTSC intercepted (exit 6Eh).
 *
 * APM2 §15.9 "Instruction Intercepts": with the RDTSC intercept set,
 * RDTSC exits and the hypervisor supplies EDX:EAX itself; svmlab
 * returns the host TSC plus the guest's TSC_OFFSET, so the guest sees
 * the same clock as without the intercept (tsc_offset.S), only slower.
 * The guest reads the TSC twice (each RDTSC between rdtsc_N and
 * rdtsc_N_end) and checks that both values are at or above HV_TSC_BASE
 * (guest_abi.h) and that the clock went forward.
 */
#include "guest.h"
#include "tsc_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_RDTSC)

TSC_GUEST rdtsc, 1
