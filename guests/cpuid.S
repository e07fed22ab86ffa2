/*
 * cpuid.S - chapter 5: CPUID is always intercepted (exit 72h).
 *
 * APM2 §15.9 "Instruction Intercepts": a hypervisor that intercepts
 * CPUID decides what the guest believes about its processor.  svmlab
 * passes the host's values through except that leaf 1 ECX[31] says "a
 * hypervisor is present", leaves 4000_0000h/4000_0001h describe the
 * hypervisor (guest_abi.h: HV_CPUID_*), 8000_0001h ECX[2] (SVM) is
 * cleared and leaf 8000_000Ah is all zero: the guest cannot run VMRUN,
 * so it must not be told it can.
 *
 * The guest executes the five leaves, each CPUID between two labels
 * (cpuid_<leaf> and cpuid_<leaf>_end: the test computes RIP and length
 * from them), reports the registers and checks the hypervisor bit, the
 * signature, the feature word and the cleared SVM bit itself.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

	.section .rodata
k_1ecx:		.asciz "cpuid.1.ecx"
k_hv_eax:	.asciz "cpuid.40000000.eax"
k_hv_ebx:	.asciz "cpuid.40000000.ebx"
k_hv_ecx:	.asciz "cpuid.40000000.ecx"
k_hv_edx:	.asciz "cpuid.40000000.edx"
k_hvf_eax:	.asciz "cpuid.40000001.eax"
k_ext_ecx:	.asciz "cpuid.80000001.ecx"
k_svm_eax:	.asciz "cpuid.8000000a.eax"
k_svm_ebx:	.asciz "cpuid.8000000a.ebx"
k_svm_edx:	.asciz "cpuid.8000000a.edx"
m_hv:		.asciz "CPUID 1 ECX[31]: a hypervisor is present"
m_nohv:		.asciz "CPUID 1 ECX[31] is clear"
m_sig:		.asciz "CPUID 4000_0000h: max leaf and \"svmlabsvmlab\""
m_nosig:	.asciz "CPUID 4000_0000h: wrong max leaf or signature"
m_feat:		.asciz "CPUID 4000_0001h EAX = HV_CPUID_FEATURES"
m_nofeat:	.asciz "CPUID 4000_0001h EAX is not HV_CPUID_FEATURES"
m_nosvm:	.asciz "CPUID 8000_0001h ECX[2] (SVM) is hidden"
m_svm:		.asciz "CPUID 8000_0001h ECX[2] (SVM) is visible"

GUEST_FUNC(guest_main)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15

	/* Leaf 1: ECX[31] must be set by the hypervisor. */
	mov	$1, %eax
	xor	%ecx, %ecx
GUEST_LABEL(cpuid_1)
	cpuid
GUEST_LABEL(cpuid_1_end)
	mov	%ecx, %r12d
	REPORT	k_1ecx, %r12
	bt	$31, %r12d
	jc	1f
	FAIL	m_nohv
	jmp	2f
1:	PASS	m_hv
2:
	/* Leaf 4000_0000h: the hypervisor's range and signature. */
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
GUEST_LABEL(cpuid_40000000)
	cpuid
GUEST_LABEL(cpuid_40000000_end)
	mov	%eax, %r12d
	mov	%ebx, %r13d
	mov	%ecx, %r14d
	mov	%edx, %r15d
	REPORT	k_hv_eax, %r12
	REPORT	k_hv_ebx, %r13
	REPORT	k_hv_ecx, %r14
	REPORT	k_hv_edx, %r15
	cmp	$HV_CPUID_LEAF_MAX, %r12d
	jne	1f
	cmp	$HV_CPUID_SIG_EBX, %r13d
	jne	1f
	cmp	$HV_CPUID_SIG_ECX, %r14d
	jne	1f
	cmp	$HV_CPUID_SIG_EDX, %r15d
1:	VERDICT_IF e, m_sig, m_nosig
	/* Leaf 4000_0001h: the hypervisor's features. */
	mov	$0x40000001, %eax
	xor	%ecx, %ecx
GUEST_LABEL(cpuid_40000001)
	cpuid
GUEST_LABEL(cpuid_40000001_end)
	mov	%eax, %r12d
	REPORT	k_hvf_eax, %r12
	cmp	$HV_CPUID_FEATURES, %r12d
	VERDICT_IF e, m_feat, m_nofeat
	/* Leaf 8000_0001h: ECX[2] (SVM) must be clear. */
	mov	$0x80000001, %eax
	xor	%ecx, %ecx
GUEST_LABEL(cpuid_80000001)
	cpuid
GUEST_LABEL(cpuid_80000001_end)
	mov	%ecx, %r12d
	REPORT	k_ext_ecx, %r12
	bt	$2, %r12d
	jnc	1f
	FAIL	m_svm
	jmp	2f
1:	PASS	m_nosvm
2:
	/* Leaf 8000_000Ah: the SVM leaf, all zero for the guest. */
	mov	$0x8000000a, %eax
	xor	%ecx, %ecx
GUEST_LABEL(cpuid_8000000a)
	cpuid
GUEST_LABEL(cpuid_8000000a_end)
	mov	%eax, %r12d
	mov	%ebx, %r13d
	mov	%edx, %r15d
	REPORT	k_svm_eax, %r12
	REPORT	k_svm_ebx, %r13
	REPORT	k_svm_edx, %r15

	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
