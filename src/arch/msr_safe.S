/*
 * msr_safe.S - RDMSR and WRMSR that report #GP instead of panicking.
 *
 * Some MSRs exist on one emulator and not on another (Bochs may raise
 * #GP for VM_CR).  Each faulting instruction below has an entry in the
 * .extable section: (address of the instruction, address to resume at).
 * The #GP handler looks the faulting RIP up there (trap.c:
 * extable_fixup) and, on a hit, resumes at the recovery label, which
 * returns -1.
 */
	.text

/* int rdmsr_safe(uint32_t msr, uint64_t *value) */
	.globl rdmsr_safe
rdmsr_safe:
	movl %edi, %ecx
1:	rdmsr
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-1, %eax
	ret
	.pushsection .extable, "a"
	.quad 1b, 2b
	.popsection

/* int wrmsr_safe(uint32_t msr, uint64_t value) */
	.globl wrmsr_safe
wrmsr_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
3:	wrmsr
	xorl %eax, %eax
	ret
4:	movl $-1, %eax
	ret
	.pushsection .extable, "a"
	.quad 3b, 4b
	.popsection
