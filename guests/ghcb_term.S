/*
 * ghcb_term.S - chapter 15: a guest asks to be terminated.
 *
 * An SEV-ES guest that finds something it cannot live with (a protocol
 * version it does not speak, a #VC it cannot handle) cannot just stop:
 * a HLT or a triple fault would look like an ordinary exit.  The GHCB
 * MSR protocol has a request for it, 100h "termination request" (GHCB
 * specification, AMD pub. 56421, "GHCB MSR Protocol"): bits 15:12 a
 * reason code set (0 is the specification's own, 1 the guest's), bits
 * 23:16 the reason code in that set.  The hypervisor does not answer;
 * it stops the guest and says why.
 *
 * This guest registers nothing (the request needs no GHCB), reports the
 * word it sends, reason set 1 and code 53h, and sends it with WRMSR +
 * VMGEXIT.  It is meant to be stopped there (GUEST_EXPECT_STOP): the FAIL
 * after the VMGEXIT must never run.
 *
 * Reports: term.request = 0x531100.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

#define TERM_SET        1
#define TERM_CODE       0x53
#define TERM_REQUEST    ((TERM_CODE << GHCB_MSR_TERM_CODE_SHIFT) | \
			 (TERM_SET << GHCB_MSR_TERM_SET_SHIFT) | \
			 GHCB_MSR_TERM_REQ)

GUEST_FUNC(guest_main)
	mov	$TERM_REQUEST, %eax
	REPORT_S "term.request", %rax
	mov	$TERM_REQUEST, %eax
	xor	%edx, %edx
	mov	$MSR_GHCB, %ecx
	wrmsr
GUEST_LABEL(term_vmgexit)
	VMGEXIT
	FAIL_S	"GHCB termination request: the guest was not stopped"
	ret
