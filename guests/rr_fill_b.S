/*
 * rr_fill_b.S - chapter 12: like rr_fill_a, and between filling and
 * checking it reloads CR3 with the CR3 write intercept.
 *
 * A MOV to CR3 flushes the guest's non-global translations (APM2 §5.5.2).
 * Once the hypervisor intercepts it and emulates it by storing the VMCB's
 * CR3, nothing flushes them: the hypervisor must ask for it, with
 * TLB_CONTROL 7 (this ASID's non-global entries) where the CPU has
 * FlushByAsid, else 1 (everything).  The test finds that value on the
 * VMRUN after the MOV.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_CR(0, SVM_INTERCEPT_CR(3))

#define RR_SEED 0x1F2E3D4C5B6A7988
.macro RR_EXTRA
	mov	%cr3, %rax
GUEST_LABEL(reload_cr3)
	mov	%rax, %cr3              /* exit 13h: emulated */
.endm
#include "rr_fill.h"
