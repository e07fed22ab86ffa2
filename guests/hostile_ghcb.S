/*
 * hostile_ghcb.S - chapter 17: GHCB requests aimed at the host.
 *
 * Under SEV-ES the guest chooses the page the hypervisor reads requests
 * from and writes answers to: the GHCB MSR holds its guest-physical
 * address (chapter 15).  Every number in it is the guest's, so the
 * hypervisor must never write through it without checking that it is a
 * page of the guest's own RAM, mapped now (src/svm/vmgexit.c:
 * ghcb_protocol).  Before that, requests that would reach the host's
 * devices and MSRs through the GHCB instead of an instruction:
 *
 *   - IOIO OUT of 10h to port F4h (QEMU's isa-debug-exit) and of FEh to
 *     port 64h (keyboard-controller reset): served by the same device
 *     model as an OUT instruction, where nothing is behind those ports;
 *   - MSR write of VM_HSAVE_PA: the answer is 1 with #GP(0), as the
 *     instruction would have had;
 *   - MMIO read at the device page's end plus one: not the device,
 *     refused as INVALID_INPUT.
 *
 * Last, the GHCB MSR gets the host-physical address of the hypervisor's
 * secret page (HC_HV_ADDRESS) and the guest makes a request there.  The
 * number means nothing in the guest's own address space but a page of
 * its RAM it has never used: there is no GHCB to read and nowhere to
 * answer, and the guest is stopped.  It is meant to be stopped; the
 * chapter checks that the secret page is intact.
 */
#include "ghcb_guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_EXPECT_STOP

#define MSR_VM_HSAVE_PA 0xc0010117
#define IOIO_OUT8(port) (((port) << 16) | (1 << 4))     /* SZ8, OUT */

/* One request in the GHCB at RBX: exit code and the two EXITINFOs. */
.macro REQ code, info1, info2
	GHCB_BEGIN %rbx
	GHCB_SET %rbx, GHCB_SW_EXIT_CODE, \code
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO1, \info1
	GHCB_SET %rbx, GHCB_SW_EXIT_INFO2, \info2
.endm

.macro SEND
	mov	%rbx, %rdi
	call	ghcb_call
	mov	%rax, %r12
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	lea	ghcb_page(%rip), %rbx
	GHCB_REGISTER %rbx
	VERDICT_S e, "GHCB: my page is registered", \
		"GHCB: registering my page failed"

	REQ	SVM_EXIT_IOIO, IOIO_OUT8(0xf4), 0
	GHCB_SET %rbx, GHCB_RAX, 0x10
	SEND
	EXPECT	"ghcb.out_f4", %r12, GHCB_RESP_OK, \
		"GHCB OUT to F4h: served, and nothing is there"
	REQ	SVM_EXIT_IOIO, IOIO_OUT8(0x64), 0
	GHCB_SET %rbx, GHCB_RAX, 0xfe
	SEND
	EXPECT	"ghcb.out_64", %r12, GHCB_RESP_OK, \
		"GHCB OUT to 64h: served, and nothing is there"
	REQ	SVM_EXIT_MSR, 1, 0
	GHCB_SET %rbx, GHCB_RCX, MSR_VM_HSAVE_PA
	GHCB_SET %rbx, GHCB_RAX, 0
	GHCB_SET %rbx, GHCB_RDX, 0
	SEND
	EXPECT	"ghcb.hsave", %r12, GHCB_RESP_EXCEPTION, \
		"GHCB write of VM_HSAVE_PA: answered with an exception"
	mov	GHCB_SW_EXIT_INFO2(%rbx), %r12
	EXPECT	"ghcb.hsave_event", %r12, 0x80000b0d, \
		"GHCB write of VM_HSAVE_PA: the exception is #GP(0)"
	REQ	GHCB_EXIT_MMIO_READ, HV_MMIO_BASE + 0x1000, 8
	lea	GHCB_SHARED_BUFFER(%rbx), %rax
	GHCB_SETR %rbx, GHCB_SW_SCRATCH, %rax
	SEND
	EXPECT	"ghcb.mmio_off_page", %r12, GHCB_RESP_MALFORMED, \
		"GHCB MMIO read off the device page: refused"

	/* The hypervisor's secret page, as a GHCB. */
	REQ	SVM_EXIT_CPUID, 0, 0            /* a good one, in my page */
	GHCB_SET %rbx, GHCB_RAX, 0
	GHCB_SET %rbx, GHCB_RCX, 0
	HYPERCALL HC_HV_ADDRESS
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_GHCB, %ecx
	wrmsr
GUEST_LABEL(ghcb_at_secret)
	VMGEXIT
	FAIL_S	"the hypervisor took its own secret page for my GHCB"
	pop	%r12
	pop	%rbx
	ret

	GHCB_RUNTIME
