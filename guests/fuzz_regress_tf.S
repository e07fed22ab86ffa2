/*
 * fuzz_regress_tf.S - chapter 17: the instruction fuzzer's case that
 * crashed the host on Bochs, minimised.
 *
 * With RFLAGS.TF set, the processor raises a single-step trap (#DB)
 * after each instruction (APM2 §13.1.4); after a POPF that sets TF,
 * after the instruction following the POPF.  Here that instruction is
 * a store to the MMIO device page, which exits with #NPF before it
 * completes: on hardware nothing is pending then.  Bochs 2.7 keeps the
 * trap pending across #VMEXIT and delivers it to the host, at the
 * instruction after VMRUN (tests/deviations.py:
 * bochs-single-step-trap-after-vmexit): a #DB in the hypervisor,
 * which panicked.  fuzz=insn found it as POPF of a stack word with TF
 * set followed by a store outside RAM.  The world switch now lists
 * that RIP in the fix-up table, so the stray #DB just resumes there
 * (src/svm/vmrun.S).
 *
 * The hypervisor emulates the store and steps over it; the guest then
 * runs its next instruction, a NOP, with TF still set, and gets #DB
 * after it.  (A hypervisor that emulates an instruction should also
 * deliver its single-step trap, at the store itself; this one does not:
 * chapter 17's README.)  The guest checks that it got exactly one #DB
 * and reports where.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define RFLAGS_TF       0x100

GUEST_FUNC(guest_main)
	push	%rbx
	mov	$HV_MMIO_BASE, %ebx
	CATCH	1f
	pushf
	orq	$RFLAGS_TF, (%rsp)
	popf                                    /* TF from here on */
GUEST_LABEL(mmio_store)
	movb	$0x5a, 0x100(%rbx)              /* #NPF: unassigned */
GUEST_LABEL(after_store)
	nop
GUEST_LABEL(after_nop)
	nop
	nop
	movq	$0, rt_resume(%rip)
1:	mov	rt_exc_count(%rip), %rbx
	EXPECT	"tf.db_count", %rbx, 1, "one single-step #DB"
	mov	rt_exc_vector(%rip), %rbx
	EXPECT	"tf.vector", %rbx, 1, "the trap is #DB"
	REPORT_S "tf.rip", rt_exc_rip(%rip)
	pop	%rbx
	ret
