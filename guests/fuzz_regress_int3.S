/*
 * fuzz_regress_int3.S - chapter 17: a case of the instruction fuzzer,
 * minimised: INT3 in a guest that intercepts both INTn and #BP.
 *
 * INT3 (CCh) raises #BP, an exception (APM3 "INT3"; APM2 §15.12: the
 * exception intercept, exit 43h).  The INTn intercept (exit 75h) is for
 * INT n, CDh (APM2 §15.9).  QEMU 7.2 takes INT3 for an INT n when the
 * INTn intercept is set and exits with 75h at the CCh
 * (tests/deviations.py: qemu-int3-exits-as-intn); Bochs exits with 43h.
 * The hypervisor of chapter 5 took 75h to mean a CDh and stopped the
 * guest when it found none ("INTn exit, but no INT n"): fuzz=insn found
 * it in every mode.  Now the INTn handler delivers #BP for CCh (and #OF
 * for INTO, CEh) as the processor would have (src/svm/intercepts.c:
 * handle_intn), so the guest sees #BP after its INT3 on both emulators.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_INTN)
GUEST_EXCEPTIONS(1 << 3)

GUEST_FUNC(guest_main)
	push	%rbx
	CATCH	1f
GUEST_LABEL(int3_insn)
	int3
GUEST_LABEL(after_int3)
	movq	$0, rt_resume(%rip)
1:	CAUGHT_AT after_int3, 1, 3
	mov	%rax, %rbx
	EXPECT	"int3.bp", %rbx, 1, \
		"INT3: one #BP, returning after the INT3"
	pop	%rbx
	ret
