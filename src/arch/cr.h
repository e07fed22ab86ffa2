/**
 * @file
 * cr.h - named bits of CR0, CR4, DR6, DR7 and RFLAGS.
 *
 * Bit positions are from APM2 §3.1 "System-Control Registers" (CR0 in
 * §3.1.1, CR4 in §3.1.3, RFLAGS in §3.1.6) and APM2 §13.1.1 "Debug
 * Registers" (DR6, DR7).  Constants only: the instructions that read and
 * write these registers are in x86.h.
 *
 *   CR0:  31 30 29   18   16    5  4  3  2  1  0
 *         PG CD NW   AM   WP   NE ET TS EM MP PE     (63:32 reserved)
 *
 *   CR4:  23  22  21   20   18      17    16       12   11  10..0
 *         CET PKE SMAP SMEP OSXSAVE PCIDE FSGSBASE LA57 UMIP legacy
 */
#ifndef SVMLAB_ARCH_CR_H
#define SVMLAB_ARCH_CR_H

/* ------------------------------------------------------------------ */
/* CR0 (APM2 §3.1.1)                                                   */
/* ------------------------------------------------------------------ */

/** CR0.PE: protection enable (protected mode). */
#define CR0_PE          (1ull << 0)
/** CR0.MP: monitor coprocessor (WAIT honours TS). */
#define CR0_MP          (1ull << 1)
/** CR0.EM: emulate x87 (x87 instructions raise #NM). */
#define CR0_EM          (1ull << 2)
/** CR0.TS: task switched (lazy FPU state switching). */
#define CR0_TS          (1ull << 3)
/** CR0.ET: extension type; reads as 1 on every AMD64 processor. */
#define CR0_ET          (1ull << 4)
/** CR0.NE: numeric error (native x87 error reporting via #MF). */
#define CR0_NE          (1ull << 5)
/** CR0.WP: write protect (supervisor writes honour read-only pages). */
#define CR0_WP          (1ull << 16)
/** CR0.AM: alignment mask (enables #AC together with RFLAGS.AC). */
#define CR0_AM          (1ull << 18)
/** CR0.NW: not writethrough; setting it with CD clear is illegal. */
#define CR0_NW          (1ull << 29)
/** CR0.CD: cache disable. */
#define CR0_CD          (1ull << 30)
/** CR0.PG: paging enable (requires PE, except under VMRUN). */
#define CR0_PG          (1ull << 31)

/* ------------------------------------------------------------------ */
/* CR4 (APM2 §3.1.3, Figure 3-7)                                       */
/* ------------------------------------------------------------------ */

/** CR4.VME: virtual-8086 mode extensions. */
#define CR4_VME         (1ull << 0)
/** CR4.PVI: protected-mode virtual interrupts. */
#define CR4_PVI         (1ull << 1)
/** CR4.TSD: time-stamp disable (RDTSC only at CPL 0). */
#define CR4_TSD         (1ull << 2)
/** CR4.DE: debugging extensions (I/O breakpoints, DR4/DR5 reserved). */
#define CR4_DE          (1ull << 3)
/** CR4.PSE: page size extensions (4 MiB pages without PAE). */
#define CR4_PSE         (1ull << 4)
/** CR4.PAE: physical-address extension (required by long mode). */
#define CR4_PAE         (1ull << 5)
/** CR4.MCE: machine-check enable. */
#define CR4_MCE         (1ull << 6)
/** CR4.PGE: page-global enable. */
#define CR4_PGE         (1ull << 7)
/** CR4.PCE: RDPMC allowed at any CPL. */
#define CR4_PCE         (1ull << 8)
/** CR4.OSFXSR: the OS uses FXSAVE/FXRSTOR (enables legacy SSE). */
#define CR4_OSFXSR      (1ull << 9)
/** CR4.OSXMMEXCPT: the OS handles unmasked SIMD exceptions (#XF). */
#define CR4_OSXMMEXCPT  (1ull << 10)
/** CR4.UMIP: user-mode instruction prevention (SGDT etc. at CPL 0). */
#define CR4_UMIP        (1ull << 11)
/** CR4.LA57: 5-level paging. */
#define CR4_LA57        (1ull << 12)
/** CR4.FSGSBASE: enable RDFSBASE/WRFSBASE/RDGSBASE/WRGSBASE. */
#define CR4_FSGSBASE    (1ull << 16)
/** CR4.PCIDE: process-context identifiers in CR3[11:0]. */
#define CR4_PCIDE       (1ull << 17)
/** CR4.OSXSAVE: the OS uses XSAVE (enables XGETBV/XSETBV). */
#define CR4_OSXSAVE     (1ull << 18)
/** CR4.SMEP: supervisor-mode execution prevention. */
#define CR4_SMEP        (1ull << 20)
/** CR4.SMAP: supervisor-mode access prevention. */
#define CR4_SMAP        (1ull << 21)
/** CR4.PKE: protection keys for user pages. */
#define CR4_PKE         (1ull << 22)
/** CR4.CET: control-flow enforcement (shadow stacks). */
#define CR4_CET         (1ull << 23)

/* ------------------------------------------------------------------ */
/* DR6 and DR7 (APM2 §13.1.1.3 and §13.1.1.4)                          */
/* ------------------------------------------------------------------ */

/** DR6.Bn: breakpoint condition @p n (0-3) was met. */
#define DR6_B(n)        (1ull << (n))
/** DR6.BD: debug-register access detected (DR7.GD was set). */
#define DR6_BD          (1ull << 13)
/** DR6.BS: single step (RFLAGS.TF). */
#define DR6_BS          (1ull << 14)
/** DR6.BT: task switch to a TSS with the T bit set. */
#define DR6_BT          (1ull << 15)
/** DR6 bits that read as one: 31:16 and 11:4 (its reset value). */
#define DR6_FIXED1      0xffff0ff0ull
/** DR7.Ln: local enable of breakpoint @p n (0-3). */
#define DR7_L(n)        (1ull << (2 * (n)))
/** DR7.Gn: global enable of breakpoint @p n (0-3). */
#define DR7_G(n)        (1ull << (2 * (n) + 1))
/** DR7.LE: local exact breakpoint enable. */
#define DR7_LE          (1ull << 8)
/** DR7.GE: global exact breakpoint enable. */
#define DR7_GE          (1ull << 9)
/** DR7 bit 10 reads as one (DR7's reset value is 400h). */
#define DR7_FIXED1      (1ull << 10)
/** DR7.GD: general detect (MOV DRn raises #DB). */
#define DR7_GD          (1ull << 13)

/* ------------------------------------------------------------------ */
/* RFLAGS (APM2 §3.1.6)                                                */
/* ------------------------------------------------------------------ */

/** RFLAGS.CF: carry flag. */
#define RFLAGS_CF       (1ull << 0)
/** RFLAGS bit 1 is reserved and always reads as one. */
#define RFLAGS_FIXED1   (1ull << 1)
/** RFLAGS.PF: parity flag. */
#define RFLAGS_PF       (1ull << 2)
/** RFLAGS.AF: auxiliary carry flag. */
#define RFLAGS_AF       (1ull << 4)
/** RFLAGS.ZF: zero flag. */
#define RFLAGS_ZF       (1ull << 6)
/** RFLAGS.SF: sign flag. */
#define RFLAGS_SF       (1ull << 7)
/** RFLAGS.TF: trap flag (single step). */
#define RFLAGS_TF       (1ull << 8)
/** RFLAGS.IF: maskable interrupts enabled. */
#define RFLAGS_IF       (1ull << 9)
/** RFLAGS.DF: direction flag. */
#define RFLAGS_DF       (1ull << 10)
/** RFLAGS.OF: overflow flag. */
#define RFLAGS_OF       (1ull << 11)
/** RFLAGS.IOPL: I/O privilege level, bits 13:12. */
#define RFLAGS_IOPL_MASK (3ull << 12)
/** Shift of RFLAGS.IOPL. */
#define RFLAGS_IOPL_SHIFT 12
/** RFLAGS.NT: nested task. */
#define RFLAGS_NT       (1ull << 14)
/** RFLAGS.RF: resume flag (suppresses instruction breakpoints). */
#define RFLAGS_RF       (1ull << 16)
/** RFLAGS.VM: virtual-8086 mode. */
#define RFLAGS_VM       (1ull << 17)
/** RFLAGS.AC: alignment check (with CR0.AM) / SMAP override. */
#define RFLAGS_AC       (1ull << 18)
/** RFLAGS.VIF: virtual interrupt flag. */
#define RFLAGS_VIF      (1ull << 19)
/** RFLAGS.VIP: virtual interrupt pending. */
#define RFLAGS_VIP      (1ull << 20)
/** RFLAGS.ID: CPUID is available if software can toggle this bit. */
#define RFLAGS_ID       (1ull << 21)

#endif /* SVMLAB_ARCH_CR_H */
