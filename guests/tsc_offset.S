/*
 * tsc_offset.S - chapter 5: RDTSC without an intercept, under TSC_OFFSET.
 *
 * APM2 §15.5.1 "Basic Operation" and the VMCB's TSC_OFFSET (050h): while
 * the guest runs, the processor adds TSC_OFFSET to every TSC value the
 * guest reads (RDTSC, RDTSCP, RDMSR of the TSC) without any exit.  The
 * chapter-5 hypervisor sets the offset so that the guest's clock starts
 * near HV_TSC_BASE (guest_abi.h).  The guest reads the TSC twice
 * (tsc_N .. tsc_N_end) and checks the values are at or above
 * HV_TSC_BASE and increasing; the test checks there was no RDTSC exit.
 */
#include "guest.h"
#include "tsc_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

TSC_GUEST tsc, 0
