/**
 * @file
 * msr.h - architectural MSR numbers and the fault-tolerant accessors.
 *
 * Numbers are from APM2 Appendix A "MSR Cross-Reference"; the SVM MSRs
 * (VM_CR, VM_HSAVE_PA) are in APM2 §15.30 "SVM Related MSRs".
 */
#ifndef SVMLAB_ARCH_MSR_H
#define SVMLAB_ARCH_MSR_H

#include <stdint.h>

/** Extended Feature Enable Register (APM2 §3.1.7). */
#define MSR_EFER        0xC0000080u
/** SYSCALL target CS/SS selectors and 32-bit target (APM2 §6.1.1). */
#define MSR_STAR        0xC0000081u
/** SYSCALL 64-bit target RIP. */
#define MSR_LSTAR       0xC0000082u
/** SYSCALL target RIP in compatibility mode. */
#define MSR_CSTAR       0xC0000083u
/** SYSCALL RFLAGS mask. */
#define MSR_SFMASK      0xC0000084u
/** FS.base in 64-bit mode. */
#define MSR_FS_BASE     0xC0000100u
/** GS.base in 64-bit mode. */
#define MSR_GS_BASE     0xC0000101u
/** The value SWAPGS exchanges with GS.base. */
#define MSR_KERNEL_GS_BASE 0xC0000102u
/** SYSENTER target CS. */
#define MSR_SYSENTER_CS  0x174u
/** SYSENTER target ESP. */
#define MSR_SYSENTER_ESP 0x175u
/** SYSENTER target EIP. */
#define MSR_SYSENTER_EIP 0x176u
/** EFER.SCE: SYSCALL/SYSRET enable. */
#define EFER_SCE        (1ull << 0)
/** EFER.LME: long mode enable. */
#define EFER_LME        (1ull << 8)
/** EFER.LMA: long mode active (read-only status). */
#define EFER_LMA        (1ull << 10)
/** EFER.NXE: no-execute enable. */
#define EFER_NXE        (1ull << 11)
/** EFER.SVME: secure virtual machine enable (APM2 §15.4). */
#define EFER_SVME       (1ull << 12)

/**
 * Read MSR @p msr without faulting.
 * Returns 0 and stores the value in @p *value, or returns -1 (and leaves
 * @p *value alone) if RDMSR raised #GP, e.g. because the MSR does not
 * exist on this CPU model.  Implemented in msr_safe.S with an entry in
 * the exception fix-up table (see trap.c: extable_fixup).
 */
int rdmsr_safe(uint32_t msr, uint64_t *value);

/**
 * Write MSR @p msr without faulting.
 * Returns 0 on success or -1 if WRMSR raised #GP.
 */
int wrmsr_safe(uint32_t msr, uint64_t value);

#endif /* SVMLAB_ARCH_MSR_H */
