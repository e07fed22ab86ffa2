/*
 * hlt.S - chapter 4: the smallest guest.  It executes HLT three times
 * and returns, so the runtime makes the HC_DONE hypercall.
 *
 * HLT is always intercepted (exit 78h): the hypervisor advances RIP past
 * the one-byte instruction (with NRIP where the CPU saves it) and
 * resumes.  Expected exits: HLT at hlt_1, hlt_2, hlt_3, then VMMCALL.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

GUEST_FUNC(guest_main)
GUEST_LABEL(hlt_1)
	hlt
GUEST_LABEL(hlt_2)
	hlt
GUEST_LABEL(hlt_3)
	hlt
	ret
