/**
 * @file
 * gdt.h - the host's segments: 64-bit code and data, and the TSS.
 *
 * The selectors match the boot GDT in entry.S, so reloading the GDT does
 * not change CS or SS.  The TSS exists for its interrupt stack table:
 * #DF, NMI and #MC run on their own stack, so that they can be reported
 * even when the kernel stack pointer itself is bad.  (There is no guard
 * page below the boot stack: an overflow is not detected.)
 */
#ifndef SVMLAB_ARCH_GDT_H
#define SVMLAB_ARCH_GDT_H

/** Host 64-bit code segment selector. */
#define SEL_KCODE       0x08
/** Host data segment selector. */
#define SEL_KDATA       0x10
/** Host TSS selector (a 16-byte system descriptor). */
#define SEL_TSS         0x18

/** IST slot used by #DF, NMI and #MC (1-based, as in the IDT gate). */
#define IST_CRITICAL    1

/** Install the GDT with the TSS and load TR. */
void gdt_init(void);

#endif /* SVMLAB_ARCH_GDT_H */
