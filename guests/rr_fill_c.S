/*
 * rr_fill_c.S - chapter 12: like rr_fill_a, and between filling and
 * checking it runs INVLPG and toggles CR4.PGE, both intercepted.
 *
 * INVLPG of a page: the hypervisor runs INVLPGA for that address and the
 * guest's ASID (APM2 §15.16.2), traced as an invlpga event.  Toggling
 * CR4.PGE flushes every translation of the guest, global ones too (APM2
 * §5.5.2): emulated, it needs TLB_CONTROL 3 (this ASID) with
 * FlushByAsid, else 1.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_INVLPG)
GUEST_CR(0, SVM_INTERCEPT_CR(4))

#define RR_SEED 0x5A5A5A5A12345678
.macro RR_EXTRA
	lea	buf(%rip), %rax
GUEST_LABEL(invlpg_buf)
	invlpg	(%rax)                  /* exit 79h: INVLPGA */
	mov	%cr4, %rax
	xor	$0x80, %rax             /* CR4.PGE */
GUEST_LABEL(toggle_pge)
	mov	%rax, %cr4              /* exit 14h: emulated */
	xor	$0x80, %rax
	mov	%rax, %cr4              /* and back */
.endm
#include "rr_fill.h"
