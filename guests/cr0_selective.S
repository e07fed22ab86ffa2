/*
 * cr0_selective.S - chapter 8: the selective CR0 write intercept.
 *
 * The guest asks for CR0_SEL_WRITE (VMCB 00Ch bit 5) and not for the
 * plain CR0 write intercept.  APM2 §15.9 "Instruction Intercepts": with
 * it, a MOV to CR0 (or LMSW) exits with code 65h only
 * when it changes a bit other than CR0.TS or CR0.MP; changing TS and MP
 * runs on without an exit (a hypervisor that only cares about PE, PG,
 * WP, CD... is spared the lazy-FPU traffic).  CR0 reads are not
 * intercepted here, so the guest reads the real (VMCB) CR0 directly.
 *
 * The guest sets and clears TS and clears and sets MP (no exit), then
 * clears and sets WP, bit 16 (two exits 65h, which the hypervisor decodes
 * and emulates like exit 10h).  It checks each value it reads back.
 */
#include "guest.h"

#define CR0_MP  (1 << 1)
#define CR0_TS  (1 << 3)
#define CR0_WP  (1 << 16)

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_CR0_SEL_WRITE)

	.section .rodata
k_initial:	.asciz "cr0.initial"
k_ts:		.asciz "cr0.ts_set"
k_mp:		.asciz "cr0.mp_clear"
k_wp:		.asciz "cr0.wp_clear"
k_final:	.asciz "cr0.final"
msg_ok:		.asciz "every CR0 write took effect"
msg_bad:	.asciz "a CR0 write did not take effect"

GUEST_FUNC(guest_main)
	push	%rbx
	mov	%cr0, %rbx                      /* the initial CR0 */
	mov	%rbx, %rax
	or	$CR0_TS, %rax
GUEST_LABEL(write_ts_set)
	mov	%rax, %cr0                      /* only TS changes: no exit */
	mov	%cr0, %r12
	mov	%rbx, %rax
GUEST_LABEL(write_ts_clear)
	mov	%rax, %cr0                      /* only TS changes: no exit */
	and	$~CR0_MP, %rax
GUEST_LABEL(write_mp_clear)
	mov	%rax, %cr0                      /* only MP changes: no exit */
	mov	%cr0, %r13
	mov	%rbx, %rax
GUEST_LABEL(write_mp_set)
	mov	%rax, %cr0                      /* only MP changes: no exit */
	mov	%rbx, %rcx
	and	$~CR0_WP, %rcx
GUEST_LABEL(write_wp_clear)
	mov	%rcx, %cr0                      /* WP changes: exit 65h, gpr 1 */
	mov	%cr0, %r14
GUEST_LABEL(write_wp_set)
	mov	%rbx, %cr0                      /* WP changes: exit 65h, gpr 3 */
	mov	%cr0, %r15
	REPORT	k_initial, %rbx
	REPORT	k_ts, %r12
	REPORT	k_mp, %r13
	REPORT	k_wp, %r14
	REPORT	k_final, %r15
	mov	%rbx, %rax
	or	$CR0_TS, %rax
	cmp	%rax, %r12
	jne	1f
	mov	%rbx, %rax
	and	$~CR0_MP, %rax
	cmp	%rax, %r13
	jne	1f
	mov	%rbx, %rax
	and	$~CR0_WP, %rax
	cmp	%rax, %r14
	jne	1f
	cmp	%rbx, %r15
1:	VERDICT_IF e, msg_ok, msg_bad    /* every jne 1f: ZF clear */
	pop	%rbx
	ret
