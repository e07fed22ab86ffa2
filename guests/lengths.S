/*
 * lengths.S - chapter 5: how long was the intercepted instruction?
 *
 * After an instruction intercept the hypervisor usually resumes the
 * guest after the instruction.  With NRIPS (CPUID 8000_000Ah EDX[3])
 * the processor saves that address in the VMCB's NRIP (APM2 §15.7.1
 * "State Saved on Exit"); without it the hypervisor must read the
 * guest's code and decode it, prefixes and all (APM3 §1.2 "Instruction
 * Prefixes").  Getting the length wrong by one byte resumes the guest
 * in the middle of an instruction.
 *
 * Each instruction below sits between len_<name> and len_<name>_end, so
 * the test knows its length from the symbols:
 *   cpuid_rexw   48 0F A2               CPUID with REX.W (3)
 *   cpuid_seg    2E 3E 26 64 65 0F A2   five segment overrides (7)
 *   cpuid_osize  66 0F A2               operand-size prefix (3)
 *   cpuid_max    13 x 2E, 0F A2         the longest legal length (15)
 *   rdtsc_rex    49 0F 31               RDTSC with REX (3)
 *   invlpg_sib   64 43 0F 01 BC 88 d32  FS:, REX, ModRM, SIB, disp32 (10)
 *   invlpg_rip   3E 40 0F 01 3D d32     DS:, REX, RIP-relative (9)
 *   int          CD 30                  INT 30h, caught (2)
 * The guest checks each result (the CPUID signature, a TSC at or above
 * HV_TSC_BASE, the INT's vector and return RIP) and that it got here.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)
GUEST_MISC1(SVM_MISC1_RDTSC | SVM_MISC1_INVLPG | SVM_MISC1_INTN)

	.section .rodata
k_sig:		.asciz "cpuid.signatures"
k_tsc:		.asciz "tsc"
k_vec:		.asciz "int.vector"
k_rip:		.asciz "int.rip"
m_sig:		.asciz "four prefixed CPUIDs returned the hypervisor signature"
m_nosig:	.asciz "a prefixed CPUID returned a wrong signature"
m_tsc:		.asciz "RDTSC with REX returned a TSC at or above HV_TSC_BASE"
m_notsc:	.asciz "RDTSC with REX returned a TSC below HV_TSC_BASE"
m_int:		.asciz "INT 30h returned to the instruction after it"
m_noint:	.asciz "INT 30h: wrong vector or return RIP"

	.data
	.balign	8
GUEST_LABEL(len_target)
	.quad	0

/* CPUID 4000_0000h; count the signatures in %r12. */
.macro SIG_CHECK
	cmp	$HV_CPUID_SIG_EBX, %ebx
	jne	91f
	cmp	$HV_CPUID_SIG_ECX, %ecx
	jne	91f
	cmp	$HV_CPUID_SIG_EDX, %edx
	jne	91f
	inc	%r12
91:
.endm

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	xor	%r12d, %r12d

	mov	$0x40000000, %eax
GUEST_LABEL(len_cpuid_rexw)
	.byte	0x48, 0x0f, 0xa2
GUEST_LABEL(len_cpuid_rexw_end)
	SIG_CHECK

	mov	$0x40000000, %eax
GUEST_LABEL(len_cpuid_seg)
	.byte	0x2e, 0x3e, 0x26, 0x64, 0x65, 0x0f, 0xa2
GUEST_LABEL(len_cpuid_seg_end)
	SIG_CHECK

	mov	$0x40000000, %eax
GUEST_LABEL(len_cpuid_osize)
	.byte	0x66, 0x0f, 0xa2
GUEST_LABEL(len_cpuid_osize_end)
	SIG_CHECK

	mov	$0x40000000, %eax
GUEST_LABEL(len_cpuid_max)
	.fill	13, 1, 0x2e
	.byte	0x0f, 0xa2
GUEST_LABEL(len_cpuid_max_end)
	SIG_CHECK

GUEST_LABEL(len_rdtsc_rex)
	.byte	0x49, 0x0f, 0x31
GUEST_LABEL(len_rdtsc_rex_end)
	shl	$32, %rdx
	mov	%eax, %eax
	or	%rdx, %rax
	mov	%rax, %r13

	lea	len_target(%rip), %r8
	mov	$3, %r9d
GUEST_LABEL(len_invlpg_sib)
	.byte	0x64, 0x43
	.byte	0x0f, 0x01, 0xbc, 0x88          /* [r8 + r9*4 + disp32] */
	.long	0x1000
GUEST_LABEL(len_invlpg_sib_end)

GUEST_LABEL(len_invlpg_rip)
	.byte	0x3e, 0x40
	invlpg	len_target(%rip)
GUEST_LABEL(len_invlpg_rip_end)

	CATCH	len_int_end
GUEST_LABEL(len_int)
	int	$0x30
GUEST_LABEL(len_int_end)
	movq	$0, rt_resume(%rip)

	/* Everything came back: now judge the results. */
	REPORT	k_sig, %r12
	REPORT	k_tsc, %r13
	mov	rt_exc_vector(%rip), %rbx
	REPORT	k_vec, %rbx
	mov	rt_exc_rip(%rip), %rbx
	REPORT	k_rip, %rbx
	cmp	$4, %r12
	VERDICT_IF e, m_sig, m_nosig
	movabs	$HV_TSC_BASE, %rax
	cmp	%rax, %r13
	jb	3f
	PASS	m_tsc
	jmp	4f
3:	FAIL	m_notsc
4:	cmpq	$0x30, rt_exc_vector(%rip)
	jne	5f
	lea	len_int_end(%rip), %rax
	cmp	%rax, rt_exc_rip(%rip)
	jne	5f
	PASS	m_int
	jmp	6f
5:	FAIL	m_noint
6:	pop	%r13
	pop	%r12
	pop	%rbx
	ret
