/*
 * hypercall.S - chapter 4: every call of the hypercall ABI once.
 *
 * HC_REPORT with a small and a full 64-bit value, HC_PASS, then return
 * (HC_DONE).  Every VMMCALL exits with code 81h; the hypervisor reads
 * RAX from the VMCB and RDI/RSI from the registers the world switch
 * saved, and writes the result back to the VMCB's RAX.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
key_small:	.asciz "hc.small"
key_big:	.asciz "hc.big"
key_ret:	.asciz "hc.ret"
msg_pass:	.asciz "three hypercalls returned HC_OK"
msg_fail:	.asciz "a hypercall returned an error"

GUEST_FUNC(guest_main)
	mov	$42, %rbx
GUEST_LABEL(call_small)
	REPORT	key_small, %rbx
	mov	%rax, %r12                      /* HC_OK expected */
	movabs	$0xFEDCBA9876543210, %rbx
GUEST_LABEL(call_big)
	REPORT	key_big, %rbx
	or	%rax, %r12
	REPORT	key_ret, %r12
	or	%rax, %r12
	jnz	1f
	PASS	msg_pass
	ret
1:	FAIL	msg_fail
	ret
