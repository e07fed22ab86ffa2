/*
 * ch16_floor.S - chapter 16: the floor, the cheapest round trip there is.
 *
 * uint64_t bench_floor_loop(hpa_t vmcb_pa, struct vmcb *vmcb, uint64_t n)
 *
 * Runs the bench_floor guest, whose code is `1: vmmcall; jmp 1b`, for n
 * round trips and returns how many it made (n, unless an exit other
 * than VMMCALL ended the loop early; its code is then in the VMCB).
 * The guest must already sit at that VMMCALL, its start-up code done
 * under the full world switch: until then it uses every register.
 *
 * What one round trip is, and why nothing more can go:
 *   vmrun   the world switch into the guest; the guest's VMMCALL is
 *           intercepted (APM2 §15.9: the VMMCALL intercept must be set
 *           or VMRUN refuses the VMCB), and #VMEXIT brings us back;
 *   cmpq    an exit must be looked at: a hypervisor that resumes a
 *           guest without knowing why it stopped is not one;
 *   jne
 *   addq    past the 3-byte VMMCALL.  This CPU may not save NRIP
 *           (QEMU does not), so the length is the one we know;
 *   dec/jnz the count.
 * Everything the full exit path does and this one does not is a choice
 * the floor may skip only because its guest is this one:
 *   - no VMSAVE/VMLOAD: the guest never touches FS, GS, TR, LDTR or the
 *     SYSCALL MSRs, so the host's stay loaded on both sides;
 *   - no GPR save and restore: VMMCALL and JMP change no register, and
 *     VMRUN itself swaps RAX, RSP and RIP;
 *   - GIF stays clear from the CLGI to the final STGI: no interrupt can
 *     arrive in between, so no watchdog, no time slice, no event
 *     injection, no TLB decision, no trace.
 */
#include "asm-offsets.h"
#include "kernel/lab.h"
#include "svm/vmcb.h"

	.text
	.code64
	.globl	bench_floor_loop
	.type	bench_floor_loop, @function
bench_floor_loop:
	mov	%rdx, %rcx              /* round trips left */
	/* LAB 16 BEGIN bench_floor_loop: the shortest VMRUN round trip */
	clgi
	mov	%rdi, %rax              /* RAX = the VMCB's physical address */
	test	%rcx, %rcx
	jz	2f
	.globl	bench_floor_vmrun
bench_floor_vmrun:
1:	vmrun	%rax
	cmpq	$SVM_EXIT_VMMCALL, VMCB_EXIT_CODE(%rsi)
	jne	2f
	addq	$3, VMCB_SAVE_RIP(%rsi)
	dec	%rcx
	jnz	1b
2:	stgi
	/* LAB 16 END */
	mov	%rdx, %rax
	sub	%rcx, %rax              /* round trips made */
	ret
	.size	bench_floor_loop, . - bench_floor_loop
