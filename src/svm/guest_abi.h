/**
 * @file
 * guest_abi.h - what a guest and the hypervisor agree on.
 *
 * Included by the kernel and by the guests (guests/, assembly and C), so
 * it holds only preprocessor constants outside the C-only part.
 *
 * The hypercall ABI.  A guest calls the hypervisor with VMMCALL
 * (0F 01 D9), which the hypervisor always intercepts (exit 81h).
 *
 *     RAX  hypercall number (HC_*)        RDI, RSI  arguments
 *     on return RAX = 0 (HC_OK), or the hypervisor stops the guest
 *
 *     HC_DONE    0  the guest has finished; it never resumes
 *     HC_REPORT  1  RDI = key (NUL-terminated string, < 64 bytes),
 *                   RSI = a 64-bit value: the tests compare it
 *     HC_PASS    2  RDI = message: one of the guest's own checks passed
 *     HC_FAIL    3  RDI = message: one of the guest's own checks failed
 *
 * Pointers are guest-virtual addresses inside the guest's window (below);
 * the hypervisor refuses a pointer outside it.  A guest that is not in
 * 64-bit mode (chapter 13's real-mode and 32-bit guests) passes 32-bit
 * linear addresses in EDI and 32-bit values in ESI; the hypervisor
 * ignores the upper halves.  Before nested paging the
 * guest's physical addresses are host-physical: its window's own memory,
 * which is the window itself until chapter 12 runs several guests, each
 * with 4 MiB of its own that its page tables map at the window.
 *
 * The guest image.  A guest is linked at GUEST_WINDOW_BASE and starts
 * with a struct guest_header (offsets GH_*), written by guests/rt.
 */
#ifndef SVMLAB_SVM_GUEST_ABI_H
#define SVMLAB_SVM_GUEST_ABI_H

/** Hypercall: the guest has finished. */
#define HC_DONE         0
/** Hypercall: report RSI under the key string at RDI. */
#define HC_REPORT       1
/** Hypercall: a guest check passed; RDI = message. */
#define HC_PASS         2
/** Hypercall: a guest check failed; RDI = message. */
#define HC_FAIL         3
/**
 * Hypercall (ch. 9): inject the event in RDI, in the EVENTINJ format
 * (VMCB 0A8h), as the guest resumes after the VMMCALL; for #PF, RSI is
 * the CR2 to load.  Returns HC_REFUSED if the validator refuses it.
 */
#define HC_INJECT       4
/**
 * Hypercall (ch. 10): raise external interrupt vector RDI (32-255) at
 * the hypervisor's interrupt controller; it is injected as soon as the
 * guest can take it (RFLAGS.IF = 1 and no interrupt shadow).
 */
#define HC_RAISE_IRQ    5
/** Hypercall (ch. 10): raise RDI NMIs (1-4), one per NMI window. */
#define HC_NMI          6
/**
 * Hypercall (ch. 10): set V_IRQ with V_INTR_VECTOR = RDI bits 7:0,
 * V_INTR_PRIO = bits 11:8 and V_IGN_TPR = bit 12; RDI = 0 clears V_IRQ.
 */
#define HC_VIRQ         7
/**
 * Hypercall (ch. 11): the hypervisor takes away the page that maps RDI
 * (clears P in the guest's paging entry for it) and pages it in again
 * on the first touch, with the #PF intercept, unseen by the guest.
 */
#define HC_PAGE_OUT     8
/**
 * Hypercall (ch. 12): give the CPU to the next guest; this one resumes
 * after the VMMCALL at its next turn.
 */
#define HC_YIELD        9
/** Hypercall (ch. 12): how many times the timer has preempted this guest. */
#define HC_PREEMPTED    10
/**
 * Hypercall (ch. 13): change the nested page-table entry of the guest
 * RAM page at guest-physical RDI to protection RSI (NPT_R 1, NPT_W 2,
 * NPT_X 4, NPT_RSV 8: src/svm/npt.h; 0 unmaps it).  The page is then
 * watched: the first #NPF on it is recorded (HC_NPF_INFO) and the page
 * gets its old protection back, so the faulting access completes.
 * Returns HC_REFUSED if RDI is not a mapped page of the guest's RAM.
 */
#define HC_NPT_SET      11
/**
 * Hypercall (ch. 13): what the hypervisor saw of #NPF so far, selected
 * by RDI (HC_NPF_*): returned in RAX.
 */
#define HC_NPF_INFO     12
/**
 * Hypercall (ch. 13): a dirty-tracking checkpoint: every RAM page of the
 * guest is write-protected in the nested page table and the dirty log
 * is emptied; a write fault then logs the page and makes it writable.
 */
#define HC_DIRTY_START  13
/**
 * Hypercall (ch. 13): copy the dirty log (guest-physical page addresses,
 * ascending, 8 bytes each) to the buffer at RDI, at most RSI entries;
 * returns the number of dirty pages (which may exceed RSI).
 */
#define HC_DIRTY_LIST   14
/**
 * Hypercall (ch. 14, the isolation test): the host-physical address of
 * the hypervisor's secret page, as an attacker who had learned it would
 * know it.  Knowing an address must not be enough to reach it.
 */
#define HC_HV_ADDRESS   15
/**
 * Hypercall (ch. 15): measure how this processor delivers #VC.  RDI = 0:
 * as the guest resumes, inject #VC (vector 29) through EVENTINJ with
 * error code HC_VC_PROBE_ERROR and EV set.  RDI = 1, from the guest's #VC
 * handler first thing: returns the bytes the delivery pushed, 48 with
 * the error code (APM2 §15.20) or 40 without it; the hypervisor then
 * delivers every #VC of the chapter accordingly (ghcb_vc.c).
 */
#define HC_VC_PROBE     16
/** The error code HC_VC_PROBE injects: SVM_EXIT_IOIO, as an IN would. */
#define HC_VC_PROBE_ERROR 0x7b
/** @name HC_NPF_INFO selectors (RDI) */
/** @{ */
#define HC_NPF_LAST_INFO1  0    /**< EXITINFO1 of the last watched-page #NPF */
#define HC_NPF_LAST_GPA    1    /**< EXITINFO2 (the guest-physical address) */
#define HC_NPF_COUNT       2    /**< #NPF exits of this guest so far */
#define HC_NPF_DEMAND      3    /**< pages mapped on first touch so far */
#define HC_NPF_VOID        4    /**< accesses to no memory (ch. 14) so far */
/** @} */
/** Return value of a hypercall that succeeded. */
#define HC_OK           0
/** Return value of a request the hypervisor refused (and traced why). */
#define HC_REFUSED      1
/** @name HC_VIRQ argument fields */
/** @{ */
#define HC_VIRQ_PRIO_SHIFT  8           /**< V_INTR_PRIO, bits 11:8 */
#define HC_VIRQ_IGN_TPR     (1 << 12)   /**< V_IGN_TPR */
/** @} */
/** Longest key or message a hypercall may pass, with its NUL. */
#define HC_STRING_MAX   64

/** Guest-physical (and, before nested paging, host) base of a guest. */
#define GUEST_WINDOW_BASE  0x400000
/** Size of the window: image, stack and the guest's page tables. */
#define GUEST_WINDOW_SIZE  0x400000
/**
 * The loader's page tables take the window's top 4 pages (PML4, PDPT,
 * the directory of the first GiB and, under nested paging, one for the
 * MMIO device's GiB)...
 */
#define GUEST_PT_BYTES     0x4000
/** ...and the stack the 64 KiB below them. */
#define GUEST_STACK_BYTES  0x10000

/**
 * @name Guest modes (GH_MODE)
 * Before nested paging every guest runs in long mode; from chapter 13 a
 * guest may start in any of these (guest.c sets the VMCB accordingly).
 */
/** @{ */
/** 64-bit long mode, on page tables the loader builds in guest memory. */
#define GUEST_MODE_LONG    64
/** Real mode: CR0.PE = 0, linked at GUEST_REAL_BASE (guests/guest16.ld). */
#define GUEST_MODE_REAL    16
/** 32-bit protected mode with flat segments and CR0.PG = 0. */
#define GUEST_MODE_PROT32  32
/** 32-bit protected mode with 32-bit paging (4 KiB pages, no PAE). */
#define GUEST_MODE_PAGED32 33
/** @} */
/** Where a real-mode guest is linked and loaded: segment 1000h. */
#define GUEST_REAL_BASE    0x10000
/**
 * With nested paging (ch. 13), a guest's RAM: guest-physical addresses
 * [0, GUEST_RAM_SIZE).  Its image, stack and page tables are mapped when
 * it is loaded; any other RAM page when the guest first touches it.
 */
#define GUEST_RAM_SIZE     0x800000

/** Header flag: the guest is meant to be stopped by the hypervisor. */
#define GUEST_FLAG_EXPECT_STOP  (1 << 0)
/**
 * Header flag: on one emulator the guest brings the simulation down, or
 * cannot finish (an emulator bug, pinned in tests/deviations.py), so it
 * runs only on request: guest= names it, or ondemand=on.
 */
#define GUEST_FLAG_ON_REQUEST   (1 << 1)
/**
 * Header flag (ch. 15): the guest is a model SEV-ES guest.  Its CPUID,
 * IN/OUT and RDMSR/WRMSR exits are not handled by the hypervisor, which
 * may not read its registers: it gets #VC and asks through the GHCB.
 */
#define GUEST_FLAG_SEV_ES       (1 << 2)

/** The first 8 bytes of every guest image. */
#define GUEST_MAGIC_STR    "SVMLABG1"

/** The guest runtime's code and data selectors. */
#define GUEST_SEL_CODE     0x08
/** The guest runtime's data selector. */
#define GUEST_SEL_DATA     0x10

/* Offsets in struct guest_header, for guests/rt/start.S. */
#define GH_MAGIC        0x00    /**< header offset: magic */
#define GH_MODE         0x08    /**< header offset: mode */
#define GH_FLAGS        0x0c    /**< header offset: flags */
#define GH_LOAD         0x10    /**< header offset: link address */
#define GH_ENTRY        0x18    /**< header offset: entry point */
#define GH_MEM_END      0x20    /**< header offset: end incl. bss */
#define GH_GDT          0x28    /**< header offset: GDT address */
#define GH_IDT          0x30    /**< header offset: IDT address */
#define GH_GDT_LIMIT    0x38    /**< header offset: GDT limit */
#define GH_IDT_LIMIT    0x3a    /**< header offset: IDT limit */
#define GH_CS           0x3c    /**< header offset: code selector */
#define GH_DS           0x3e    /**< header offset: data selector */
#define GH_MISC1        0x40    /**< header offset: extra misc1 intercepts */
#define GH_MISC2        0x44    /**< header offset: extra misc2 intercepts */
#define GH_EXCEPTIONS   0x48    /**< header offset: exception intercepts */
#define GH_CR           0x4c    /**< header offset: CR read/write intercepts */
#define GH_DR           0x50    /**< header offset: DR read/write intercepts */
#define GH_MSRS         0x58    /**< header offset: MSR intercept list */
#define GH_IOS          0x60    /**< header offset: I/O intercept list */
#define GH_SIZE         0x68    /**< size of the header */

/*
 * The MSR intercept list (GH_MSRS): pairs of 32-bit words {msr, access},
 * access a mask of GUEST_MSR_READ and GUEST_MSR_WRITE, ended by a pair
 * whose access is 0.  The loader sets those bits in the guest's MSR
 * permission map (chapter 6), on top of the hypervisor's own policy.
 */
#define GUEST_MSR_READ  1       /**< intercept RDMSR of this MSR */
#define GUEST_MSR_WRITE 2       /**< intercept WRMSR of this MSR */
/*
 * The I/O intercept list (GH_IOS): pairs of 32-bit words {first port,
 * count}, ended by a count of 0.  Ports up to 10002h are allowed: the
 * bits past FFFFh are the map's extra bits (chapter 7).  A count with
 * GUEST_IO_PASS set clears the bits instead: those ports pass through.
 */
#define GUEST_IO_PASS   0x80000000      /**< count flag: pass through */

/*
 * What the hypervisor shows a guest (chapters 5-7).  Tests compare a
 * guest's reports with these.
 */
/** CPUID 4000_0000h: EAX = the highest hypervisor leaf... */
#define HV_CPUID_LEAF_MAX   0x40000001
/** ...and EBX, ECX, EDX = "svmlabsvmlab", little-endian: "svml"... */
#define HV_CPUID_SIG_EBX    0x6c6d7673
#define HV_CPUID_SIG_ECX    0x76736261  /**< ..."absv"... */
#define HV_CPUID_SIG_EDX    0x62616c6d  /**< ..."mlab" */
/** CPUID 4000_0001h EAX: the feature bits of this hypervisor. */
#define HV_CPUID_FEATURES   0x1         /* bit 0: the VMMCALL ABI */
/** The guest's TSC starts near this value (TSC_OFFSET, chapter 5). */
#define HV_TSC_BASE         0x1000000000000
/** RDTSCP (intercepted) returns this TSC_AUX in ECX. */
#define HV_TSC_AUX          0x5356
/** RDPMC (intercepted): counters 0-3 exist and read as 0. */
#define HV_PMC_COUNT        4
/** A read-only MSR outside the MSRPM's ranges: reads HV_MSR_ID_VALUE. */
#define HV_MSR_ID           0x40000000
#define HV_MSR_ID_VALUE     0x62616c6d7673  /**< "svmlab", little-endian */
/** A read-write MSR outside the ranges: a scratch register. */
#define HV_MSR_SCRATCH      0x40000001
/** The emulated I/O device (chapter 7): a 4-byte data register... */
#define HV_DEV_DATA         0x5a0
/** ...a 4-byte read-only identity register reading HV_DEV_ID_VALUE... */
#define HV_DEV_ID           0x5a4
#define HV_DEV_ID_VALUE     0x4c4d5653  /**< "SVML", little-endian */
/** ...and a byte FIFO of HV_DEV_FIFO_SIZE bytes (reads pop, writes push). */
#define HV_DEV_FIFO         0x5a8
#define HV_DEV_FIFO_SIZE    64          /**< bytes the FIFO holds */

/*
 * The MMIO device (chapter 14): one page of registers at a guest-physical
 * address the nested page table never maps, so every access is an #NPF
 * that the hypervisor decodes and emulates.  Registers are 8 bytes wide
 * and may be accessed with 1, 2, 4 or 8 bytes inside one register.
 */
/** Guest-physical address of the device's page (never in an NPT). */
#define HV_MMIO_BASE        0xC0000000
#define HV_MMIO_ID          0x00        /**< read-only: HV_MMIO_ID_VALUE */
#define HV_MMIO_ID_VALUE    0x4f494d4d4c4d5653 /**< "SVMLMMIO", little-endian */
#define HV_MMIO_STATUS      0x08        /**< read-only: accesses before this one */
#define HV_MMIO_DATA        0x10        /**< read-write data register */
#define HV_MMIO_ADDR        0x18        /**< read-write: an address the device never uses (no DMA) */
#define HV_MMIO_REGS        0x20        /**< bytes of registers; the rest of the page reads all ones */
/**
 * The secret the hypervisor keeps in its own memory (chapter 14's
 * isolation test), repeated over one page.  A guest searching for it
 * must compute it, so that its own image never holds it:
 * HV_SECRET = HV_SECRET_MASKED ^ HV_SECRET_KEY.
 */
#define HV_SECRET_MASKED    0x1a2b3c4d5e6f7081
/** The key that unmasks HV_SECRET_MASKED. */
#define HV_SECRET_KEY       0x4c3e2f1d0a9b8c7d

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/** The header at the start of every guest image (guests/rt/start.S). */
struct __attribute__((packed)) guest_header {
	char magic[8];          /**< GUEST_MAGIC_STR */
	uint32_t mode;          /**< GUEST_MODE_* declared by the guest */
	uint32_t flags;         /**< GUEST_FLAG_* */
	uint64_t load;          /**< link address: GUEST_WINDOW_BASE */
	uint64_t entry;         /**< first instruction */
	uint64_t mem_end;       /**< end of the image in memory, with bss */
	uint64_t gdt;           /**< the guest's own GDT */
	uint64_t idt;           /**< the guest's own IDT (filled at start) */
	uint16_t gdt_limit;     /**< GDTR limit */
	uint16_t idt_limit;     /**< IDTR limit */
	uint16_t cs;            /**< code selector to start with */
	uint16_t ds;            /**< data selector for DS ES SS FS GS */
	uint32_t misc1;         /**< intercept_misc1 bits the guest wants */
	uint32_t misc2;         /**< intercept_misc2 bits the guest wants */
	uint32_t exceptions;    /**< exception intercepts the guest wants */
	uint32_t cr;            /**< CRn read bits 15:0, write bits 31:16 */
	uint32_t dr;            /**< DRn read bits 15:0, write bits 31:16 */
	uint32_t reserved;      /**< 0 */
	uint64_t msrs;          /**< MSR intercept list, or 0 */
	uint64_t ios;           /**< I/O intercept list, or 0 */
};

/** @cond */
_Static_assert(offsetof(struct guest_header, mode) == GH_MODE, "GH_MODE");
_Static_assert(offsetof(struct guest_header, entry) == GH_ENTRY,
	       "GH_ENTRY");
_Static_assert(offsetof(struct guest_header, gdt_limit) == GH_GDT_LIMIT,
	       "GH_GDT_LIMIT");
_Static_assert(offsetof(struct guest_header, misc1) == GH_MISC1,
	       "GH_MISC1");
_Static_assert(offsetof(struct guest_header, exceptions) == GH_EXCEPTIONS,
	       "GH_EXCEPTIONS");
_Static_assert(offsetof(struct guest_header, cr) == GH_CR, "GH_CR");
_Static_assert(offsetof(struct guest_header, dr) == GH_DR, "GH_DR");
_Static_assert(offsetof(struct guest_header, msrs) == GH_MSRS, "GH_MSRS");
_Static_assert(offsetof(struct guest_header, ios) == GH_IOS, "GH_IOS");
_Static_assert(sizeof(struct guest_header) == GH_SIZE, "GH_SIZE");
/** @endcond */
#endif

#endif /* SVMLAB_SVM_GUEST_ABI_H */
