/*
 * triple_fault.S - chapter 8: a triple fault is a SHUTDOWN exit.
 *
 * The guest loads an IDT whose limit is 0 and executes UD2.  Delivering
 * #UD needs IDT entry 6, which is past the limit: #GP.  Delivering that
 * #GP fails the same way, a contributory fault during a contributory
 * fault: #DF (APM2 §8.2.9).  Delivering #DF fails too, and a fault
 * while delivering #DF is a triple fault: the processor enters the
 * shutdown state.  On bare metal that ends in a reset of the machine;
 * with the SHUTDOWN intercept (VMCB 00Ch bit 31, part of svmlab's base
 * set and asked for here as well) it is a #VMEXIT with code 7Fh instead
 * (APM2 §15.14 "Miscellaneous Intercepts"), and only the guest is lost.
 * The VMCB's guest state is undefined after a SHUTDOWN exit, so the
 * hypervisor stops this guest (the header says that is expected) and
 * the run goes on with the next one.  None of the guest's exceptions is
 * intercepted: the whole cascade happens inside the guest.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_SHUTDOWN)
GUEST_EXPECT_STOP_ON_REQUEST

	.section .rodata
	.balign	8
empty_idtr:
	.word	0                               /* limit 0: no usable entry */
	.quad	0
msg:	.asciz	"the guest survived a triple fault"

GUEST_FUNC(guest_main)
GUEST_LABEL(lidt_insn)
	lidt	empty_idtr(%rip)
GUEST_LABEL(ud2_insn)
	ud2                                     /* #UD -> #GP -> #DF -> shutdown */
	FAIL	msg
	ret
