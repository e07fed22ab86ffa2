/**
 * @file
 * x86.h - one short inline wrapper per x86 instruction the kernel uses.
 *
 * Each wrapper is the instruction and nothing else, so that C code reads
 * like the APM's pseudo-code.  Register and MSR numbers are in the
 * headers that own them (msr.h, and the SVM headers for SVM MSRs).
 */
#ifndef SVMLAB_ARCH_X86_H
#define SVMLAB_ARCH_X86_H

#include <stdint.h>

/** Result of the CPUID instruction: the four output registers. */
struct cpuid_regs {
	uint32_t eax;   /**< output EAX */
	uint32_t ebx;   /**< output EBX */
	uint32_t ecx;   /**< output ECX */
	uint32_t edx;   /**< output EDX */
};

/** Execute CPUID for @p leaf and @p subleaf. */
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/** Read model-specific register @p msr (faults if it does not exist). */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

/** Write @p value to model-specific register @p msr. */
static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 : : "c"(msr), "a"((uint32_t)value),
			     "d"((uint32_t)(value >> 32)));
}

/** Write a byte to I/O port @p port. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/** Write a 16-bit word to I/O port @p port. */
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

/** Write a 32-bit doubleword to I/O port @p port. */
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/** Read a byte from I/O port @p port. */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/** Read control register CR0. */
static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/** Read control register CR2, the last page-fault address. */
static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/** Read control register CR3, the page-table base. */
static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/** Read control register CR4. */
static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/** Read RFLAGS. */
static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/** Load the GDT register from a 10-byte pseudo-descriptor. */
static inline void lgdt(const void *desc)
{
	__asm__ volatile("lgdt (%0)" : : "r"(desc) : "memory");
}

/** Load the IDT register from a 10-byte pseudo-descriptor. */
static inline void lidt(const void *desc)
{
	__asm__ volatile("lidt (%0)" : : "r"(desc) : "memory");
}

/** Load the task register with the TSS selector @p sel. */
static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

/** Clear RFLAGS.IF: mask maskable interrupts. */
static inline void cli(void)
{
	__asm__ volatile("cli");
}

/** Halt until the next interrupt. */
static inline void hlt(void)
{
	__asm__ volatile("hlt");
}

/** Pause hint for spin loops. */
static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
}

/** The GDTR as SGDT stores it. */
struct __attribute__((packed)) desc_ptr {
	uint16_t limit;         /**< table size - 1 */
	uint64_t base;          /**< linear address of the table */
};

/** Store the GDTR. */
static inline struct desc_ptr sgdt(void)
{
	struct desc_ptr p;

	__asm__ volatile("sgdt %0" : "=m"(p));
	return p;
}

/** Store the TR selector. */
static inline uint16_t str(void)
{
	uint16_t sel;

	__asm__ volatile("str %0" : "=r"(sel));
	return sel;
}

/** VMSAVE: FS, GS, TR, LDTR and syscall MSRs into the VMCB at @p pa. */
static inline void vmsave(uint64_t pa)
{
	__asm__ volatile("vmsave %%rax" : : "a"(pa) : "memory");
}

/** VMLOAD: FS, GS, TR, LDTR and syscall MSRs from the VMCB at @p pa. */
static inline void vmload(uint64_t pa)
{
	__asm__ volatile("vmload %%rax" : : "a"(pa) : "memory");
}

/** The time-stamp counter. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/** INVLPGA: flush the TLB entry of @p va tagged with @p asid. */
static inline void invlpga(uint64_t va, uint32_t asid)
{
	__asm__ volatile("invlpga %%rax, %%ecx" : : "a"(va), "c"(asid)
			 : "memory");
}

/** Write back and invalidate the caches. */
static inline void wbinvd(void)
{
	__asm__ volatile("wbinvd" : : : "memory");
}

#endif /* SVMLAB_ARCH_X86_H */
