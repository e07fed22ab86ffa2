/**
 * @file
 * vmcb.h - the Virtual Machine Control Block (APM2 Appendix B).
 *
 * The VMCB is one 4 KiB page: the control area (000h-3FFh, APM2 Table B-1
 * "VMCB Layout, Control Area") tells VMRUN what to intercept and reports
 * why the guest exited; the state save area (400h-FFFh, Table B-2
 * "VMCB Layout, State Save Area") holds the guest's registers.  Table B-2
 * counts its offsets from the start of the save area; this file counts
 * every offset from the start of the VMCB, so EFER is at 4D0h here and
 * at 0D0h in Table B-2.
 *
 * Offsets are written in APM notation (058h) next to every field and are
 * asserted at compile time below the structures.  Reserved space is named
 * by its offset and sized by arithmetic, so a miscounted gap cannot hide.
 * No bitfields: multi-bit fields have NAME_SHIFT/NAME_MASK constants.
 *
 * How a field is documented.  Every member of struct vmcb_control,
 * vmcb_seg and vmcb_save has a Doxygen block directly above it, in one
 * fixed form that tools/gen_vmcb_md.py turns into docs/vmcb.md and that
 * tests/test_reference.py checks:
 *
 * @verbatim
     <meaning: one to three sentences; the bit layout of a multi-bit word>
     - writer: hypervisor | processor | both [(remark)]
     - clean: I | IOPM | ASID | TPR | NP | CRx | DRx | DT | SEG | CR2 |
       LBR | AVIC | CET | none [(remark)]
     - apm: APM2 §15.x "Title" [; further citations]
   @endverbatim
 *
 * followed by the member and its offset in a plain comment, 058h from the
 * start of the VMCB (+2 from the start of a struct vmcb_seg).  A bullet
 * may continue on the next line.  A reserved range has a one-line
 * comment that starts with "Reserved" instead.
 *
 * - writer: "hypervisor" means software fills the field in before VMRUN
 *   and the processor only reads it; "processor" means the processor
 *   stores it (at #VMEXIT unless the remark says otherwise) and software
 *   only reads it; "both" means VMRUN (or VMLOAD) reads it and #VMEXIT
 *   (or VMSAVE) stores the guest's current value back.
 * - clean: the bit of the VMCB clean field (0C0h, APM2 §15.15.3 "VMCB
 *   Clean Field") that lets VMRUN use a cached copy of the field; the
 *   hypervisor must clear that bit whenever it changes the field.  "none"
 *   means no clean bit covers the field: VMRUN reads it from memory on
 *   every run, or, as the remark says, does not load it at all.  The
 *   members of struct vmcb_seg say "per segment": struct vmcb_save gives
 *   the bit of each segment register.
 * - apm: sections of APM2, chapter 15, by number and title, or a table of
 *   Appendix B; a title without a number where numbering differs between
 *   revisions.
 */
#ifndef SVMLAB_SVM_VMCB_H
#define SVMLAB_SVM_VMCB_H

#include "svm_const.h"

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Control area (APM2 Table B-1)                                       */
/* ------------------------------------------------------------------ */

/** The VMCB control area, 000h-3FFh (APM2 Table B-1). */
struct __attribute__((packed)) vmcb_control {
	/**
	 * Intercepts of CR reads: bit n makes MOV from CRn (and SMSW, for
	 * CR0) exit with code 0h + n, CRn_READ.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"
	 */
	uint16_t intercept_cr_read;     /* 000h */
	/**
	 * Intercepts of CR writes: bit n makes MOV to CRn (and LMSW and
	 * CLTS, for CR0) exit with code 10h + n, CRn_WRITE, before the
	 * register changes.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"
	 */
	uint16_t intercept_cr_write;    /* 002h */
	/**
	 * Intercepts of DR reads: bit n makes MOV from DRn exit with code
	 * 20h + n, DRn_READ.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"
	 */
	uint16_t intercept_dr_read;     /* 004h */
	/**
	 * Intercepts of DR writes: bit n makes MOV to DRn exit with code
	 * 30h + n, DRn_WRITE.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"
	 */
	uint16_t intercept_dr_write;    /* 006h */
	/**
	 * Intercepts of exceptions: bit n makes exception vector n exit with
	 * code 40h + n, EXCPn, before it is delivered, with its error code
	 * in EXITINFO1.  External interrupts and INTn never match these bits.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.12 "Exception Intercepts"
	 */
	uint32_t intercept_exceptions;  /* 008h */
	/**
	 * Intercept vector 3: interrupts, descriptor-table accesses and
	 * instructions (SVM_MISC1_*); bit n makes the event exit with code
	 * 60h + n, from INTR (bit 0) to SHUTDOWN (bit 31).
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"; APM2 §15.13
	 *   "Interrupt Intercepts"; APM2 §15.14 "Miscellaneous Intercepts"
	 */
	uint32_t intercept_misc1;       /* 00Ch */
	/**
	 * Intercept vector 4 (SVM_MISC2_*): bits 15:0 intercept the SVM and
	 * other instructions with exit code 80h + n; bits 31:16 are the
	 * SEV-ES write traps of CR0-CR15, exit code 90h + (n - 16).
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"; APM2 §15.35.10
	 *   "Control Register Write Traps"
	 */
	uint32_t intercept_misc2;       /* 010h */
	/**
	 * Intercept vector 5 (SVM_MISC3_*): INVLPGB, INVPCID, MCOMMIT,
	 * TLBSYNC, bus locks and idle HLT; bit n exits with code A0h + n.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.9 "Instruction Intercepts"; APM2 §15.14.5
	 *   "Bus Lock Threshold"
	 */
	uint32_t intercept_misc3;       /* 014h */
	/** Reserved, 018h-03Bh: must be zero. */
	uint8_t  reserved_0x018[0x03c - 0x018];
	/**
	 * PAUSE filter threshold, in cycles: with advanced pause filtering,
	 * a PAUSE that comes later than this after the previous one reloads
	 * the counter from pause_filter_count; 0 selects plain counting.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.14.4 "Pause Intercept Filtering"
	 */
	uint16_t pause_filter_thresh;   /* 03Ch */
	/**
	 * PAUSE filter count: VMRUN copies it into an internal counter that
	 * each guest PAUSE decrements, and the PAUSE intercept fires only
	 * once the counter goes below zero (0: every PAUSE exits).
	 * - writer: hypervisor (the processor never writes the field back)
	 * - clean: I
	 * - apm: APM2 §15.14.4 "Pause Intercept Filtering"
	 */
	uint16_t pause_filter_count;    /* 03Eh */
	/**
	 * Physical address of the 12 KiB I/O permission map, one bit per
	 * port (1 = intercept), consulted when IOIO_PROT is set.  VMRUN
	 * ignores bits 11:0; a map reaching past the largest physical
	 * address makes VMRUN fail with VMEXIT_INVALID.
	 * - writer: hypervisor
	 * - clean: IOPM
	 * - apm: APM2 §15.10.1 "I/O Permissions Map"
	 */
	uint64_t iopm_base_pa;          /* 040h */
	/**
	 * Physical address of the 8 KiB MSR permission map, two bits per
	 * MSR (read, then write; 1 = intercept), consulted when MSR_PROT is
	 * set.  VMRUN ignores bits 11:0.
	 * - writer: hypervisor
	 * - clean: IOPM
	 * - apm: APM2 §15.11 "MSR Intercepts"
	 */
	uint64_t msrpm_base_pa;         /* 048h */
	/**
	 * Added to the TSC whenever the guest reads it (RDTSC, RDTSCP, RDMSR
	 * of the TSC); a guest write of the TSC can be emulated by changing
	 * this offset instead of the TSC.
	 * - writer: hypervisor
	 * - clean: I
	 * - apm: APM2 §15.5.1 "Basic Operation"; APM2 §15.30.5
	 *   "TSC Ratio MSR"
	 */
	uint64_t tsc_offset;            /* 050h */
	/**
	 * Guest ASID, bits 31:0 of the quadword at 058h: tags the guest's
	 * TLB entries.  0 belongs to the host and makes VMRUN fail with
	 * VMEXIT_INVALID; CPUID Fn8000_000A_EBX gives the number of ASIDs.
	 * - writer: hypervisor
	 * - clean: ASID
	 * - apm: APM2 §15.16 "TLB Control"
	 */
	uint32_t asid;                  /* 058h */
	/**
	 * TLB_CONTROL, bits 39:32 of the quadword at 058h: the flush VMRUN
	 * performs before it enters the guest, one of TLB_CONTROL_*.  VMRUN
	 * never changes the field, so a request stays until software resets
	 * it.
	 * - writer: hypervisor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.16.1 "TLB Flush"
	 */
	uint8_t  tlb_control;           /* 05Ch */
	/** Reserved, 05Dh-05Fh: must be zero. */
	uint8_t  reserved_0x05d[0x060 - 0x05d];
	/**
	 * Virtual interrupt control (INT_CTL_*): bits 7:0 V_TPR (3:0 used),
	 * 8 V_IRQ, 9 V_GIF, 11 V_NMI, 12 V_NMI_MASK, 19:16 V_INTR_PRIO,
	 * 20 V_IGN_TPR, 24 V_INTR_MASKING, 25 V_GIF_ENABLE, 26 V_NMI_ENABLE,
	 * 30 x2AVIC enable, 31 AVIC enable, 39:32 V_INTR_VECTOR.
	 * - writer: both (#VMEXIT stores V_TPR, V_IRQ, V_GIF, V_NMI and
	 *   V_NMI_MASK; only the hypervisor writes the other bits)
	 * - clean: TPR
	 * - apm: APM2 §15.21.4 "Injecting Virtual (INTR) Interrupts";
	 *   APM2 §15.21.10 "NMI Virtualization"; APM2 §15.33.2
	 *   "Virtual GIF"; APM2 §15.29.4 "VMCB Changes for AVIC"
	 */
	uint64_t int_ctl;               /* 060h */
	/**
	 * Interrupt state: bit 0 INTERRUPT_SHADOW, set while the guest is in
	 * the shadow of STI or MOV SS (no interrupt is taken); bit 1
	 * GUEST_INTERRUPT_MASK, the guest's RFLAGS.IF.
	 * - writer: both (VMRUN loads and #VMEXIT stores bit 0; bit 1 is
	 *   stored at #VMEXIT and ignored by VMRUN)
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.21.5 "Interrupt Shadows"
	 */
	uint64_t int_state;             /* 068h */
	/**
	 * EXITCODE: why the guest exited, a code of APM2 Appendix C
	 * (SVM_EXIT_*, named by src/svm/exits.h).  The negative codes report
	 * a VMRUN that failed, e.g. -1 VMEXIT_INVALID for an illegal state.
	 * - writer: processor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.6 "#VMEXIT"; APM2 §15.7.1 "State Saved on Exit"
	 */
	uint64_t exit_code;             /* 070h */
	/**
	 * EXITINFO1: detail of the exit, e.g. the IOIO decode, 0 or 1 for
	 * RDMSR or WRMSR, an exception's error code or the nested page fault
	 * error code (SVM_EXITINFO1_*); undefined for exits that define none.
	 * - writer: processor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.7.1 "State Saved on Exit"
	 */
	uint64_t exit_info_1;           /* 078h */
	/**
	 * EXITINFO2: further detail, e.g. the faulting address of an
	 * intercepted #PF, the guest physical address of a nested page fault
	 * or the next RIP of an IOIO exit.
	 * - writer: processor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.7.1 "State Saved on Exit"
	 */
	uint64_t exit_info_2;           /* 080h */
	/**
	 * EXITINTINFO: the event the guest was delivering through its IDT
	 * when the exit hit, in the EVENTINJ format (SVM_EVTINJ_*) with bit
	 * 31 V set; the hypervisor re-injects it to finish the delivery.
	 * - writer: processor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.7.2 "Intercepts During IDT Interrupt Delivery"
	 */
	uint64_t exit_int_info;         /* 088h */
	/**
	 * Enables (NESTED_CTL_*): bit 0 NP_ENABLE (nested paging), 1 SEV,
	 * 2 SEV-ES, 3 GMET, 4 supervisor shadow stack checks, 5 VTE, 6
	 * read-only guest page tables, 7 INVLPGB and TLBSYNC in the guest.
	 * - writer: hypervisor
	 * - clean: NP (the APM names only N_CR3 and G_PAT; KVM counts
	 *   NP_ENABLE as NP state too, so clear NP when this word changes)
	 * - apm: APM2 §15.25.3 "Enabling Nested Paging"; APM2 §15.34.3
	 *   "Enabling SEV"; APM2 §15.35.2 "Enabling SEV-ES"
	 */
	uint64_t nested_ctl;            /* 090h */
	/**
	 * AVIC: the guest physical address of the guest's local APIC page
	 * (V_APIC_BAR, bits 51:0; FEE0_0000h after reset); guest accesses
	 * to it go to the backing page.
	 * - writer: hypervisor
	 * - clean: AVIC
	 * - apm: APM2 §15.29.4 "VMCB Changes for AVIC"
	 */
	uint64_t avic_apic_bar;         /* 098h */
	/**
	 * SEV-ES: the guest physical address of the GHCB, i.e. the guest's
	 * GHCB MSR (C001_0130h), which VMRUN loads and #VMEXIT stores.
	 * - writer: both
	 * - clean: none
	 * - apm: APM2 §15.35.7 "GHCB"
	 */
	uint64_t ghcb_gpa;              /* 0A0h */
	/**
	 * EVENTINJ: an event VMRUN delivers before the first guest
	 * instruction (SVM_EVTINJ_*): bits 7:0 VECTOR, 10:8 TYPE, 11 EV,
	 * 31 V, 63:32 ERRORCODE.  An event impossible in the guest's mode
	 * makes VMRUN fail with VMEXIT_INVALID.
	 * - writer: hypervisor (set it before every VMRUN, with V clear when
	 *   there is nothing to inject)
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.20 "Event Injection"
	 */
	uint64_t event_inj;             /* 0A8h */
	/**
	 * N_CR3: the CR3 of the nested page table, which maps guest physical
	 * to system physical addresses while NP_ENABLE is set.
	 * - writer: hypervisor (#VMEXIT does not store it)
	 * - clean: NP
	 * - apm: APM2 §15.25.4 "Nested Paging and VMRUN/#VMEXIT"
	 */
	uint64_t nested_cr3;            /* 0B0h */
	/**
	 * Virtualization extensions (VIRT_EXT_*): bit 0 LBR virtualization
	 * (VMRUN and #VMEXIT swap DBGCTL and the LBR MSRs), bit 1
	 * virtualized VMSAVE and VMLOAD, bit 2 IBS virtualization.
	 * - writer: hypervisor
	 * - clean: none (no clean bit names this word)
	 * - apm: APM2 §15.23.1 "Hardware Acceleration for LBR
	 *   Virtualization"; APM2 §15.33.1 "VMSAVE and VMLOAD
	 *   Virtualization"
	 */
	uint64_t virt_ext;              /* 0B8h */
	/**
	 * VMCB clean bits (VMCB_CLEAN_*): a set bit tells VMRUN that the
	 * fields of its group have not changed since this VMCB last ran on
	 * this CPU, so a cached copy may be used.  A hint: a clear bit
	 * always forces a reload, a set bit may be ignored.
	 * - writer: hypervisor
	 * - clean: none
	 * - apm: APM2 §15.15.3 "VMCB Clean Field"
	 */
	uint32_t clean;                 /* 0C0h */
	/** Reserved, 0C4h-0C7h: must be zero. */
	uint8_t  reserved_0x0c4[0x0c8 - 0x0c4];
	/**
	 * nRIP, the next sequential RIP: stored at #VMEXIT for instruction,
	 * MSR and IOIO intercepts and for INT3, INTO and BOUND (0 for other
	 * exits) when CPUID Fn8000_000A_EDX bit 3 (NRIPS) is set; VMRUN
	 * uses it as the return address of an injected software interrupt.
	 * - writer: both
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.7.1 "State Saved on Exit"; APM2 §15.20
	 *   "Event Injection"
	 */
	uint64_t next_rip;              /* 0C8h */
	/**
	 * Number of guest instruction bytes fetched (bits 3:0, 0 = none)
	 * for a nested page fault or an intercepted #PF on a data access,
	 * with decode assists; other exits set it to 0.
	 * - writer: processor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.8.4 "Nested and Intercepted #PF"
	 */
	uint8_t  insn_len;              /* 0D0h */
	/**
	 * The guest instruction bytes at CS:RIP for that fault, up to 15;
	 * never stored for an SEV-ES guest.
	 * - writer: processor
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.8.4 "Nested and Intercepted #PF"
	 */
	uint8_t  insn_bytes[15];        /* 0D1h */
	/**
	 * AVIC: the host physical address of this vCPU's virtual APIC
	 * backing page (4 KiB aligned, bits 51:12).
	 * - writer: hypervisor
	 * - clean: AVIC
	 * - apm: APM2 §15.29.4 "VMCB Changes for AVIC"
	 */
	uint64_t avic_backing_page;     /* 0E0h */
	/** Reserved, 0E8h-0EFh: must be zero. */
	uint8_t  reserved_0x0e8[0x0f0 - 0x0e8];
	/**
	 * AVIC: the host physical address of the VM's logical APIC ID table
	 * (4 KiB aligned, bits 51:12).
	 * - writer: hypervisor
	 * - clean: AVIC
	 * - apm: APM2 §15.29.4 "VMCB Changes for AVIC"
	 */
	uint64_t avic_logical_id;       /* 0F0h */
	/**
	 * AVIC: bits 51:12 are the host physical address of the VM's
	 * physical APIC ID table; the low bits are AVIC_PHYSICAL_MAX_INDEX,
	 * the index of its last valid entry (bits 7:0 for xAVIC, 11:0 with
	 * x2AVIC).
	 * - writer: hypervisor
	 * - clean: AVIC
	 * - apm: APM2 §15.29.4 "VMCB Changes for AVIC"
	 */
	uint64_t avic_physical_id;      /* 0F8h */
	/** Reserved, 100h-107h: must be zero. */
	uint8_t  reserved_0x100[0x108 - 0x100];
	/**
	 * SEV-ES: the host physical address of the VM save area (VMSA), the
	 * encrypted page that holds this guest's state instead of 400h-FFFh.
	 * - writer: hypervisor
	 * - clean: none
	 * - apm: APM2 §15.35.8 "VMRUN"
	 */
	uint64_t vmsa_pa;               /* 108h */
	/** Reserved, 110h-11Fh (SEV-ES VMGEXIT parameters in newer APMs). */
	uint8_t  reserved_0x110[0x120 - 0x110];
	/**
	 * Bus lock threshold counter: each guest bus lock decrements it; at
	 * 0 the lock is not performed and the guest exits with BUSLOCK (A5h)
	 * if that intercept is set.
	 * - writer: both (#VMEXIT stores the current count)
	 * - clean: none
	 * - apm: APM2 §15.14.5 "Bus Lock Threshold"
	 */
	uint16_t bus_lock_counter;      /* 120h */
	/** Reserved, 122h-137h: must be zero. */
	uint8_t  reserved_0x122[0x138 - 0x122];
	/**
	 * SEV-SNP: bit 63 enables the mask, bits 61:0 allow the SEV_FEATURES
	 * bits of the same numbers; VMRUN fails with VMEXIT_INVALID if the
	 * VMSA enables a feature the mask does not allow.
	 * - writer: hypervisor
	 * - clean: none
	 * - apm: APM2 §15.36.20 "Allowed SEV Features"
	 */
	uint64_t allowed_sev_features;  /* 138h */
	/**
	 * SEV-SNP: the guest's SEV_FEATURES, stored at #VMEXIT while the
	 * allowed-features mask is enabled.
	 * - writer: processor
	 * - clean: none
	 * - apm: APM2 §15.36.20 "Allowed SEV Features"
	 */
	uint64_t guest_sev_features;    /* 140h */
	/** Reserved, 148h-3DFh: must be zero. */
	uint8_t  reserved_0x148[0x3e0 - 0x148];
	/**
	 * Reserved for the host: 32 bytes the processor neither reads nor
	 * writes, free for the hypervisor's own use.
	 * - writer: hypervisor
	 * - clean: none (the processor ignores it)
	 * - apm: APM2 Table B-1 "VMCB Layout, Control Area"
	 */
	uint8_t  reserved_sw[0x400 - 0x3e0]; /* 3E0h */
};

/* ------------------------------------------------------------------ */
/* State save area (APM2 Table B-2)                                    */
/* ------------------------------------------------------------------ */

/**
 * A segment register in the save area: 16 bytes (APM2 §15.5.1 "Basic
 * Operation", "Segment State in the VMCB").  The member of struct
 * vmcb_save says who writes it and which clean bit covers it.
 */
struct __attribute__((packed)) vmcb_seg {
	/**
	 * The selector.
	 * - writer: both
	 * - clean: per segment (see struct vmcb_save)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint16_t selector;      /* +0 */
	/**
	 * The attributes in the packed 12-bit form (SEG_ATTR_*): bits 7:0
	 * are descriptor bits 47:40 (type, S, DPL, P), bits 11:8 descriptor
	 * bits 55:52 (AVL, L, D/B, G).  P = 0 marks a null segment.
	 * - writer: both
	 * - clean: per segment (see struct vmcb_save)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint16_t attrib;        /* +2: packed 12-bit form, see SEG_ATTR_* */
	/**
	 * The limit in bytes, already scaled by G: FFFF_FFFFh for a flat
	 * 4 GiB segment, not the 20-bit descriptor value.
	 * - writer: both
	 * - clean: per segment (see struct vmcb_save)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint32_t limit;         /* +4: expanded byte limit */
	/**
	 * The base address; VMRUN and #VMEXIT make it canonical.
	 * - writer: both
	 * - clean: per segment (see struct vmcb_save)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t base;          /* +8 */
};

/** The VMCB state save area, 400h-FFFh (offsets are from the VMCB). */
struct __attribute__((packed)) vmcb_save {
	/**
	 * ES, hidden part included.
	 * - writer: both
	 * - clean: SEG
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	struct vmcb_seg es;             /* 400h */
	/**
	 * CS: its L and D bits pick 64-bit, 32-bit or 16-bit code, so the
	 * attributes must be in the packed form; the CPL comes from cpl,
	 * not from CS.DPL.
	 * - writer: both
	 * - clean: SEG
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	struct vmcb_seg cs;             /* 410h */
	/**
	 * SS, hidden part included.
	 * - writer: both
	 * - clean: SEG
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	struct vmcb_seg ss;             /* 420h */
	/**
	 * DS, hidden part included.
	 * - writer: both
	 * - clean: SEG
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	struct vmcb_seg ds;             /* 430h */
	/**
	 * FS, hidden part included: VMLOAD and VMSAVE state, which VMRUN
	 * and #VMEXIT leave alone.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	struct vmcb_seg fs;             /* 440h */
	/**
	 * GS, hidden part included: VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	struct vmcb_seg gs;             /* 450h */
	/**
	 * GDTR: only base and limit are used.
	 * - writer: both
	 * - clean: DT
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	struct vmcb_seg gdtr;           /* 460h */
	/**
	 * LDTR, hidden part included: VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	struct vmcb_seg ldtr;           /* 470h */
	/**
	 * IDTR: only base and limit are used.
	 * - writer: both
	 * - clean: DT
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	struct vmcb_seg idtr;           /* 480h */
	/**
	 * TR, hidden part included: VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	struct vmcb_seg tr;             /* 490h */
	/** Reserved, 4A0h-4C9h: must be zero. */
	uint8_t  reserved_0x4a0[0x4ca - 0x4a0];
	/**
	 * SEV-SNP: the virtual machine privilege level of a VMSA (0 is the
	 * most privileged); meaningful only in an SEV-SNP VMSA.
	 * - writer: hypervisor
	 * - clean: none
	 * - apm: APM2 §15.36.7 "Virtual Machine Privilege Levels"
	 */
	uint8_t  vmpl;                  /* 4CAh */
	/**
	 * The guest's current privilege level, used instead of CS.DPL;
	 * VMRUN forces 0 in real mode and 3 in virtual-8086 mode.
	 * - writer: both
	 * - clean: SEG
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint8_t  cpl;                   /* 4CBh */
	/** Reserved, 4CCh-4CFh: must be zero. */
	uint8_t  reserved_0x4cc[0x4d0 - 0x4cc];
	/**
	 * Guest EFER.  SVME must be set and the MBZ bits clear, or VMRUN
	 * fails with VMEXIT_INVALID.
	 * - writer: both
	 * - clean: CRx
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t efer;                  /* 4D0h */
	/** Reserved, 4D8h-547h: must be zero. */
	uint8_t  reserved_0x4d8[0x548 - 0x4d8];
	/**
	 * Guest CR4.  Changing its paging bits does not flush the TLB: use
	 * tlb_control.
	 * - writer: both
	 * - clean: CRx
	 * - apm: APM2 §15.5.1 "Basic Operation"; APM2 §15.16 "TLB Control"
	 */
	uint64_t cr4;                   /* 548h */
	/**
	 * Guest CR3: with nested paging the guest's own page-table base, a
	 * guest physical address; without, the shadow page table.
	 * - writer: both
	 * - clean: CRx
	 * - apm: APM2 §15.5.1 "Basic Operation"; APM2 §15.25.2
	 *   "Replicated State"
	 */
	uint64_t cr3;                   /* 550h */
	/**
	 * Guest CR0.  Bits 63:32 must be zero and CD = 0 with NW = 1 is
	 * illegal; PE = 0 with PG = 1 (paged real mode) is allowed.
	 * - writer: both
	 * - clean: CRx
	 * - apm: APM2 §15.5.1 "Basic Operation"; APM2 §15.19
	 *   "Paged Real Mode"
	 */
	uint64_t cr0;                   /* 558h */
	/**
	 * Guest DR7; bits 63:32 must be zero.
	 * - writer: both
	 * - clean: DRx
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t dr7;                   /* 560h */
	/**
	 * Guest DR6; bits 63:32 must be zero.
	 * - writer: both
	 * - clean: DRx
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t dr6;                   /* 568h */
	/**
	 * Guest RFLAGS.  TF set here traps after the first guest
	 * instruction; RF suppresses that instruction's breakpoint.
	 * - writer: both
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t rflags;                /* 570h */
	/**
	 * Guest RIP: where VMRUN starts the guest, and where it was at
	 * #VMEXIT (the intercepted instruction, or the next one after a
	 * trap).
	 * - writer: both
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.5.1 "Basic Operation"; APM2 §15.7.1
	 *   "State Saved on Exit"
	 */
	uint64_t rip;                   /* 578h */
	/** Reserved, 580h-5D7h: must be zero. */
	uint8_t  reserved_0x580[0x5d8 - 0x580];
	/**
	 * Guest RSP.
	 * - writer: both
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t rsp;                   /* 5D8h */
	/**
	 * Guest S_CET MSR (supervisor CET controls); set reserved bits make
	 * VMRUN fail with VMEXIT_INVALID.
	 * - writer: both
	 * - clean: CET
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t s_cet;                 /* 5E0h */
	/**
	 * Guest shadow stack pointer; VMRUN and #VMEXIT make it canonical.
	 * - writer: both
	 * - clean: CET
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t ssp;                   /* 5E8h */
	/**
	 * Guest ISST_ADDR MSR, the interrupt shadow stack table address;
	 * VMRUN and #VMEXIT make it canonical.
	 * - writer: both
	 * - clean: CET
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t isst_addr;             /* 5F0h */
	/**
	 * Guest RAX.  The host's RAX holds the VMCB address during VMRUN,
	 * so the guest's value lives here.
	 * - writer: both
	 * - clean: none (explicitly never cached)
	 * - apm: APM2 §15.5.1 "Basic Operation"
	 */
	uint64_t rax;                   /* 5F8h */
	/**
	 * Guest STAR MSR (SYSCALL selectors): VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t star;                  /* 600h */
	/**
	 * Guest LSTAR MSR (64-bit SYSCALL target): VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t lstar;                 /* 608h */
	/**
	 * Guest CSTAR MSR (compatibility-mode SYSCALL target): VMLOAD and
	 * VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t cstar;                 /* 610h */
	/**
	 * Guest SFMASK MSR (RFLAGS bits SYSCALL clears): VMLOAD and VMSAVE
	 * state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t sfmask;                /* 618h */
	/**
	 * Guest KernelGSbase MSR (SWAPGS): VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t kernel_gs_base;        /* 620h */
	/**
	 * Guest SYSENTER_CS MSR: VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t sysenter_cs;           /* 628h */
	/**
	 * Guest SYSENTER_ESP MSR: VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t sysenter_esp;          /* 630h */
	/**
	 * Guest SYSENTER_EIP MSR: VMLOAD and VMSAVE state.
	 * - writer: both (VMLOAD reads it, VMSAVE stores it)
	 * - clean: none (VMRUN does not load it)
	 * - apm: APM2 §15.5.2 "VMSAVE and VMLOAD Instructions"
	 */
	uint64_t sysenter_eip;          /* 638h */
	/**
	 * Guest CR2.  An intercepted #PF does not write it; the faulting
	 * address is in EXITINFO2 instead.
	 * - writer: both
	 * - clean: CR2
	 * - apm: APM2 §15.5.1 "Basic Operation"; APM2 §15.12
	 *   "Exception Intercepts"
	 */
	uint64_t cr2;                   /* 640h */
	/** Reserved, 648h-667h: must be zero. */
	uint8_t  reserved_0x648[0x668 - 0x648];
	/**
	 * Guest PAT MSR, used only with nested paging, where it combines
	 * with the memory types of the nested page table.
	 * - writer: both
	 * - clean: NP
	 * - apm: APM2 §15.25.4 "Nested Paging and VMRUN/#VMEXIT"
	 */
	uint64_t g_pat;                 /* 668h */
	/**
	 * Guest DebugCtl MSR, swapped by VMRUN and #VMEXIT only with LBR
	 * virtualization (VIRT_EXT_LBR_VIRT).
	 * - writer: both
	 * - clean: LBR
	 * - apm: APM2 §15.23.1 "Hardware Acceleration for LBR
	 *   Virtualization"
	 */
	uint64_t dbgctl;                /* 670h */
	/**
	 * Guest LastBranchFromIP MSR (LBR virtualization).
	 * - writer: both
	 * - clean: LBR
	 * - apm: APM2 §15.23.1 "Hardware Acceleration for LBR
	 *   Virtualization"
	 */
	uint64_t br_from;               /* 678h */
	/**
	 * Guest LastBranchToIP MSR (LBR virtualization).
	 * - writer: both
	 * - clean: LBR
	 * - apm: APM2 §15.23.1 "Hardware Acceleration for LBR
	 *   Virtualization"
	 */
	uint64_t br_to;                 /* 680h */
	/**
	 * Guest LastIntFromIP MSR, the source of the last exception or
	 * interrupt (LBR virtualization).
	 * - writer: both
	 * - clean: LBR
	 * - apm: APM2 §15.23.1 "Hardware Acceleration for LBR
	 *   Virtualization"
	 */
	uint64_t last_excp_from;        /* 688h */
	/**
	 * Guest LastIntToIP MSR, the target of the last exception or
	 * interrupt (LBR virtualization).
	 * - writer: both
	 * - clean: LBR
	 * - apm: APM2 §15.23.1 "Hardware Acceleration for LBR
	 *   Virtualization"
	 */
	uint64_t last_excp_to;          /* 690h */
	/** Reserved, 698h-6DFh: must be zero. */
	uint8_t  reserved_0x698[0x6e0 - 0x698];
	/**
	 * Guest SPEC_CTRL MSR, loaded by VMRUN and stored by #VMEXIT when
	 * CPUID Fn8000_000A_EDX bit 20 (SpecCtrl) is set.
	 * - writer: both
	 * - clean: none
	 * - apm: APM2 "SPEC_CTRL Virtualization"
	 */
	uint64_t spec_ctrl;             /* 6E0h */
	/** Reserved, 6E8h-FFFh: must be zero. */
	uint8_t  reserved_0x6e8[0x1000 - 0x6e8];
};

/** The whole VMCB: one 4 KiB-aligned page. */
struct __attribute__((packed)) vmcb {
	struct vmcb_control control;    /**< 000h-3FFh */
	struct vmcb_save save;          /**< 400h-FFFh */
};

/* ------------------------------------------------------------------ */
/* Every offset, asserted                                              */
/* ------------------------------------------------------------------ */

/** Assert at compile time that field @p f of struct @p s is at @p off. */
#define VMCB_FIELD_AT(s, f, off) \
	_Static_assert(offsetof(struct s, f) == (off), #s "." #f " at " #off)

/** @cond */
VMCB_FIELD_AT(vmcb, control.intercept_cr_read, 0x000);
VMCB_FIELD_AT(vmcb, control.intercept_cr_write, 0x002);
VMCB_FIELD_AT(vmcb, control.intercept_dr_read, 0x004);
VMCB_FIELD_AT(vmcb, control.intercept_dr_write, 0x006);
VMCB_FIELD_AT(vmcb, control.intercept_exceptions, 0x008);
VMCB_FIELD_AT(vmcb, control.intercept_misc1, 0x00c);
VMCB_FIELD_AT(vmcb, control.intercept_misc2, 0x010);
VMCB_FIELD_AT(vmcb, control.intercept_misc3, 0x014);
VMCB_FIELD_AT(vmcb, control.reserved_0x018, 0x018);
VMCB_FIELD_AT(vmcb, control.pause_filter_thresh, 0x03c);
VMCB_FIELD_AT(vmcb, control.pause_filter_count, 0x03e);
VMCB_FIELD_AT(vmcb, control.iopm_base_pa, 0x040);
VMCB_FIELD_AT(vmcb, control.msrpm_base_pa, 0x048);
VMCB_FIELD_AT(vmcb, control.tsc_offset, 0x050);
VMCB_FIELD_AT(vmcb, control.asid, 0x058);
VMCB_FIELD_AT(vmcb, control.tlb_control, 0x05c);
VMCB_FIELD_AT(vmcb, control.reserved_0x05d, 0x05d);
VMCB_FIELD_AT(vmcb, control.int_ctl, 0x060);
VMCB_FIELD_AT(vmcb, control.int_state, 0x068);
VMCB_FIELD_AT(vmcb, control.exit_code, 0x070);
VMCB_FIELD_AT(vmcb, control.exit_info_1, 0x078);
VMCB_FIELD_AT(vmcb, control.exit_info_2, 0x080);
VMCB_FIELD_AT(vmcb, control.exit_int_info, 0x088);
VMCB_FIELD_AT(vmcb, control.nested_ctl, 0x090);
VMCB_FIELD_AT(vmcb, control.avic_apic_bar, 0x098);
VMCB_FIELD_AT(vmcb, control.ghcb_gpa, 0x0a0);
VMCB_FIELD_AT(vmcb, control.event_inj, 0x0a8);
VMCB_FIELD_AT(vmcb, control.nested_cr3, 0x0b0);
VMCB_FIELD_AT(vmcb, control.virt_ext, 0x0b8);
VMCB_FIELD_AT(vmcb, control.clean, 0x0c0);
VMCB_FIELD_AT(vmcb, control.reserved_0x0c4, 0x0c4);
VMCB_FIELD_AT(vmcb, control.next_rip, 0x0c8);
VMCB_FIELD_AT(vmcb, control.insn_len, 0x0d0);
VMCB_FIELD_AT(vmcb, control.insn_bytes, 0x0d1);
VMCB_FIELD_AT(vmcb, control.avic_backing_page, 0x0e0);
VMCB_FIELD_AT(vmcb, control.reserved_0x0e8, 0x0e8);
VMCB_FIELD_AT(vmcb, control.avic_logical_id, 0x0f0);
VMCB_FIELD_AT(vmcb, control.avic_physical_id, 0x0f8);
VMCB_FIELD_AT(vmcb, control.reserved_0x100, 0x100);
VMCB_FIELD_AT(vmcb, control.vmsa_pa, 0x108);
VMCB_FIELD_AT(vmcb, control.reserved_0x110, 0x110);
VMCB_FIELD_AT(vmcb, control.bus_lock_counter, 0x120);
VMCB_FIELD_AT(vmcb, control.reserved_0x122, 0x122);
VMCB_FIELD_AT(vmcb, control.allowed_sev_features, 0x138);
VMCB_FIELD_AT(vmcb, control.guest_sev_features, 0x140);
VMCB_FIELD_AT(vmcb, control.reserved_0x148, 0x148);
VMCB_FIELD_AT(vmcb, control.reserved_sw, 0x3e0);

VMCB_FIELD_AT(vmcb_seg, selector, 0x0);
VMCB_FIELD_AT(vmcb_seg, attrib, 0x2);
VMCB_FIELD_AT(vmcb_seg, limit, 0x4);
VMCB_FIELD_AT(vmcb_seg, base, 0x8);

VMCB_FIELD_AT(vmcb, save.es, 0x400);
VMCB_FIELD_AT(vmcb, save.cs, 0x410);
VMCB_FIELD_AT(vmcb, save.ss, 0x420);
VMCB_FIELD_AT(vmcb, save.ds, 0x430);
VMCB_FIELD_AT(vmcb, save.fs, 0x440);
VMCB_FIELD_AT(vmcb, save.gs, 0x450);
VMCB_FIELD_AT(vmcb, save.gdtr, 0x460);
VMCB_FIELD_AT(vmcb, save.ldtr, 0x470);
VMCB_FIELD_AT(vmcb, save.idtr, 0x480);
VMCB_FIELD_AT(vmcb, save.tr, 0x490);
VMCB_FIELD_AT(vmcb, save.reserved_0x4a0, 0x4a0);
VMCB_FIELD_AT(vmcb, save.vmpl, 0x4ca);
VMCB_FIELD_AT(vmcb, save.cpl, 0x4cb);
VMCB_FIELD_AT(vmcb, save.reserved_0x4cc, 0x4cc);
VMCB_FIELD_AT(vmcb, save.efer, 0x4d0);
VMCB_FIELD_AT(vmcb, save.reserved_0x4d8, 0x4d8);
VMCB_FIELD_AT(vmcb, save.cr4, 0x548);
VMCB_FIELD_AT(vmcb, save.cr3, 0x550);
VMCB_FIELD_AT(vmcb, save.cr0, 0x558);
VMCB_FIELD_AT(vmcb, save.dr7, 0x560);
VMCB_FIELD_AT(vmcb, save.dr6, 0x568);
VMCB_FIELD_AT(vmcb, save.rflags, 0x570);
VMCB_FIELD_AT(vmcb, save.rip, 0x578);
VMCB_FIELD_AT(vmcb, save.reserved_0x580, 0x580);
VMCB_FIELD_AT(vmcb, save.rsp, 0x5d8);
VMCB_FIELD_AT(vmcb, save.s_cet, 0x5e0);
VMCB_FIELD_AT(vmcb, save.ssp, 0x5e8);
VMCB_FIELD_AT(vmcb, save.isst_addr, 0x5f0);
VMCB_FIELD_AT(vmcb, save.rax, 0x5f8);
VMCB_FIELD_AT(vmcb, save.star, 0x600);
VMCB_FIELD_AT(vmcb, save.lstar, 0x608);
VMCB_FIELD_AT(vmcb, save.cstar, 0x610);
VMCB_FIELD_AT(vmcb, save.sfmask, 0x618);
VMCB_FIELD_AT(vmcb, save.kernel_gs_base, 0x620);
VMCB_FIELD_AT(vmcb, save.sysenter_cs, 0x628);
VMCB_FIELD_AT(vmcb, save.sysenter_esp, 0x630);
VMCB_FIELD_AT(vmcb, save.sysenter_eip, 0x638);
VMCB_FIELD_AT(vmcb, save.cr2, 0x640);
VMCB_FIELD_AT(vmcb, save.reserved_0x648, 0x648);
VMCB_FIELD_AT(vmcb, save.g_pat, 0x668);
VMCB_FIELD_AT(vmcb, save.dbgctl, 0x670);
VMCB_FIELD_AT(vmcb, save.br_from, 0x678);
VMCB_FIELD_AT(vmcb, save.br_to, 0x680);
VMCB_FIELD_AT(vmcb, save.last_excp_from, 0x688);
VMCB_FIELD_AT(vmcb, save.last_excp_to, 0x690);
VMCB_FIELD_AT(vmcb, save.reserved_0x698, 0x698);
VMCB_FIELD_AT(vmcb, save.spec_ctrl, 0x6e0);
VMCB_FIELD_AT(vmcb, save.reserved_0x6e8, 0x6e8);

_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg is 16 bytes");
_Static_assert(sizeof(struct vmcb_control) == 0x400,
	       "the control area is 000h-3FFh");
_Static_assert(sizeof(struct vmcb_save) == 0xc00,
	       "the save area is 400h-FFFh");
_Static_assert(sizeof(struct vmcb) == 0x1000, "the VMCB is one 4 KiB page");
/** @endcond */

#endif /* __ASSEMBLER__ */

/* ------------------------------------------------------------------ */
/* Intercept vectors (APM2 Table B-1, 000h-017h)                       */
/* ------------------------------------------------------------------ */

/**
 * @name Intercepts of CRn, DRn and exceptions (000h-00Bh)
 * One bit per register or vector; the exit code follows from the bit
 * (APM2 §15.9 "Instruction Intercepts", §15.12 "Exception Intercepts").
 */
/** @{ */
/**
 * Bit of CRn in intercept_cr_read (exit 0h + n, CRn_READ) or
 * intercept_cr_write (exit 10h + n, CRn_WRITE), n = 0-15.
 */
#define SVM_INTERCEPT_CR(n)     (SVM_U(1) << (n))
/**
 * Bit of DRn in intercept_dr_read (exit 20h + n, DRn_READ) or
 * intercept_dr_write (exit 30h + n, DRn_WRITE), n = 0-15.
 */
#define SVM_INTERCEPT_DR(n)     (SVM_U(1) << (n))
/**
 * Bit of exception vector n in intercept_exceptions, n = 0-31: exit
 * 40h + n, EXCPn.  Vectors 2 (NMI) and 9 are not implemented.
 */
#define SVM_INTERCEPT_EXC(n)    (SVM_U(1) << (n))
/** @} */

/**
 * @name intercept_misc1 (00Ch): interrupts, descriptor tables, instructions
 * Bit n set makes the event exit with code 60h + n (APM2 §15.9
 * "Instruction Intercepts", §15.13 "Interrupt Intercepts", §15.14
 * "Miscellaneous Intercepts").
 */
/** @{ */
/** A physical maskable interrupt arrives; exit 60h INTR. */
#define SVM_MISC1_INTR          (SVM_U(1) << 0)
/** A physical NMI arrives; exit 61h NMI. */
#define SVM_MISC1_NMI           (SVM_U(1) << 1)
/** An SMI arrives (ignored once HWCR.SMMLOCK is set); exit 62h SMI. */
#define SVM_MISC1_SMI           (SVM_U(1) << 2)
/** INIT arrives; exit 63h INIT. */
#define SVM_MISC1_INIT          (SVM_U(1) << 3)
/** The guest is about to take a virtual interrupt; exit 64h VINTR. */
#define SVM_MISC1_VINTR         (SVM_U(1) << 4)
/**
 * MOV to CR0 or LMSW changes a bit other than TS and MP; exit 65h
 * CR0_SEL_WRITE.
 */
#define SVM_MISC1_CR0_SEL_WRITE (SVM_U(1) << 5)
/** SIDT; exit 66h IDTR_READ. */
#define SVM_MISC1_IDTR_READ     (SVM_U(1) << 6)
/** SGDT; exit 67h GDTR_READ. */
#define SVM_MISC1_GDTR_READ     (SVM_U(1) << 7)
/** SLDT; exit 68h LDTR_READ. */
#define SVM_MISC1_LDTR_READ     (SVM_U(1) << 8)
/** STR; exit 69h TR_READ. */
#define SVM_MISC1_TR_READ       (SVM_U(1) << 9)
/** LIDT; exit 6Ah IDTR_WRITE. */
#define SVM_MISC1_IDTR_WRITE    (SVM_U(1) << 10)
/** LGDT; exit 6Bh GDTR_WRITE. */
#define SVM_MISC1_GDTR_WRITE    (SVM_U(1) << 11)
/** LLDT; exit 6Ch LDTR_WRITE. */
#define SVM_MISC1_LDTR_WRITE    (SVM_U(1) << 12)
/** LTR; exit 6Dh TR_WRITE. */
#define SVM_MISC1_TR_WRITE      (SVM_U(1) << 13)
/** RDTSC; exit 6Eh RDTSC. */
#define SVM_MISC1_RDTSC         (SVM_U(1) << 14)
/** RDPMC; exit 6Fh RDPMC. */
#define SVM_MISC1_RDPMC         (SVM_U(1) << 15)
/** PUSHF; exit 70h PUSHF. */
#define SVM_MISC1_PUSHF         (SVM_U(1) << 16)
/** POPF; exit 71h POPF. */
#define SVM_MISC1_POPF          (SVM_U(1) << 17)
/** CPUID; exit 72h CPUID. */
#define SVM_MISC1_CPUID         (SVM_U(1) << 18)
/** RSM; exit 73h RSM. */
#define SVM_MISC1_RSM           (SVM_U(1) << 19)
/** IRET; exit 74h IRET. */
#define SVM_MISC1_IRET          (SVM_U(1) << 20)
/** INTn, a software interrupt; exit 75h SWINT. */
#define SVM_MISC1_INTN          (SVM_U(1) << 21)
/** INVD; exit 76h INVD. */
#define SVM_MISC1_INVD          (SVM_U(1) << 22)
/** PAUSE, once the pause filter has run out; exit 77h PAUSE. */
#define SVM_MISC1_PAUSE         (SVM_U(1) << 23)
/** HLT; exit 78h HLT. */
#define SVM_MISC1_HLT           (SVM_U(1) << 24)
/** INVLPG; exit 79h INVLPG. */
#define SVM_MISC1_INVLPG        (SVM_U(1) << 25)
/** INVLPGA; exit 7Ah INVLPGA. */
#define SVM_MISC1_INVLPGA       (SVM_U(1) << 26)
/** IN, OUT, INS, OUTS on a port set in the IOPM; exit 7Bh IOIO. */
#define SVM_MISC1_IOIO_PROT     (SVM_U(1) << 27)
/** RDMSR, WRMSR of an MSR set in (or outside) the MSRPM; exit 7Ch MSR. */
#define SVM_MISC1_MSR_PROT      (SVM_U(1) << 28)
/** A task switch; exit 7Dh TASK_SWITCH. */
#define SVM_MISC1_TASK_SWITCH   (SVM_U(1) << 29)
/** The processor freezes on FERR; exit 7Eh FERR_FREEZE. */
#define SVM_MISC1_FERR_FREEZE   (SVM_U(1) << 30)
/** A shutdown condition, e.g. a triple fault; exit 7Fh SHUTDOWN. */
#define SVM_MISC1_SHUTDOWN      (SVM_U(1) << 31)
/** @} */

/**
 * @name intercept_misc2 (010h): SVM instructions and write traps
 * Bit n set makes the instruction exit with code 80h + n; bits 16-31 are
 * the CRn write traps, exit 90h + n (APM2 §15.9 "Instruction
 * Intercepts", §15.35.10 "Control Register Write Traps").
 */
/** @{ */
/**
 * VMRUN; exit 80h VMRUN.  Must be set: VMRUN fails with VMEXIT_INVALID
 * when it is clear.
 */
#define SVM_MISC2_VMRUN         (SVM_U(1) << 0)
/** VMMCALL; exit 81h VMMCALL (not intercepted, it raises #UD). */
#define SVM_MISC2_VMMCALL       (SVM_U(1) << 1)
/** VMLOAD; exit 82h VMLOAD. */
#define SVM_MISC2_VMLOAD        (SVM_U(1) << 2)
/** VMSAVE; exit 83h VMSAVE. */
#define SVM_MISC2_VMSAVE        (SVM_U(1) << 3)
/** STGI; exit 84h STGI. */
#define SVM_MISC2_STGI          (SVM_U(1) << 4)
/** CLGI; exit 85h CLGI. */
#define SVM_MISC2_CLGI          (SVM_U(1) << 5)
/** SKINIT; exit 86h SKINIT. */
#define SVM_MISC2_SKINIT        (SVM_U(1) << 6)
/** RDTSCP; exit 87h RDTSCP. */
#define SVM_MISC2_RDTSCP        (SVM_U(1) << 7)
/** ICEBP (INT1, opcode F1h); exit 88h ICEBP. */
#define SVM_MISC2_ICEBP         (SVM_U(1) << 8)
/** WBINVD and WBNOINVD; exit 89h WBINVD. */
#define SVM_MISC2_WBINVD        (SVM_U(1) << 9)
/** MONITOR and MONITORX; exit 8Ah MONITOR. */
#define SVM_MISC2_MONITOR       (SVM_U(1) << 10)
/** MWAIT and MWAITX, always; exit 8Bh MWAIT. */
#define SVM_MISC2_MWAIT         (SVM_U(1) << 11)
/**
 * MWAIT and MWAITX while the monitor is armed; exit 8Ch
 * MWAIT_CONDITIONAL.
 */
#define SVM_MISC2_MWAIT_COND    (SVM_U(1) << 12)
/** XSETBV; exit 8Dh XSETBV. */
#define SVM_MISC2_XSETBV        (SVM_U(1) << 13)
/** RDPRU; exit 8Eh RDPRU. */
#define SVM_MISC2_RDPRU         (SVM_U(1) << 14)
/** A write of EFER, after it completed (SEV-ES); exit 8Fh EFER_WRITE_TRAP. */
#define SVM_MISC2_EFER_WRITE    (SVM_U(1) << 15)
/**
 * Bit 16 + n: a write of CRn, after it completed, with the new value in
 * EXITINFO1 (SEV-ES); exit 90h + n, CRn_WRITE_TRAP.
 */
#define SVM_MISC2_CR_WRITE_TRAP(n) (SVM_U(1) << (16 + (n)))
/** @} */

/**
 * @name intercept_misc3 (014h): TLB instructions, bus locks, idle HLT
 * Bit n set makes the event exit with code A0h + n (APM2 §15.9
 * "Instruction Intercepts", §15.14.5 "Bus Lock Threshold").
 */
/** @{ */
/** Every INVLPGB; exit A0h INVLPGB. */
#define SVM_MISC3_INVLPGB       (SVM_U(1) << 0)
/** Only INVLPGB with illegal operands; exit A1h INVLPGB_ILLEGAL. */
#define SVM_MISC3_INVLPGB_ILLEGAL (SVM_U(1) << 1)
/** INVPCID; exit A2h INVPCID. */
#define SVM_MISC3_INVPCID       (SVM_U(1) << 2)
/** MCOMMIT; exit A3h MCOMMIT. */
#define SVM_MISC3_MCOMMIT       (SVM_U(1) << 3)
/** TLBSYNC; exit A4h TLBSYNC. */
#define SVM_MISC3_TLBSYNC       (SVM_U(1) << 4)
/** A bus lock with bus_lock_counter at 0; exit A5h BUSLOCK. */
#define SVM_MISC3_BUSLOCK       (SVM_U(1) << 5)
/** HLT while no virtual interrupt is pending; exit A6h IDLE_HLT. */
#define SVM_MISC3_IDLE_HLT      (SVM_U(1) << 6)
/** @} */

/* ------------------------------------------------------------------ */
/* TLB_CONTROL (05Ch), APM2 §15.16.1 "TLB Flush"                       */
/* ------------------------------------------------------------------ */

/**
 * @name TLB_CONTROL (05Ch): the flush VMRUN performs
 * APM2 §15.16.1 "TLB Flush", Table 15-9; the other encodings are
 * reserved.  Values 3 and 7 need CPUID Fn8000_000A_EDX bit 6
 * (FlushByAsid).
 */
/** @{ */
/** 00h: no flush. */
#define TLB_CONTROL_DO_NOTHING          0
/**
 * 01h: flush the whole TLB, every ASID, global entries included; meant
 * for processors without FlushByAsid.
 */
#define TLB_CONTROL_FLUSH_ALL           1
/** 03h: flush this guest's (this ASID's) TLB entries. */
#define TLB_CONTROL_FLUSH_ASID          3
/** 07h: flush this guest's non-global TLB entries. */
#define TLB_CONTROL_FLUSH_ASID_LOCAL    7
/** @} */

/* ------------------------------------------------------------------ */
/* int_ctl (060h): virtual interrupt control                           */
/* ------------------------------------------------------------------ */

/**
 * @name int_ctl (060h): virtual interrupt control
 * APM2 §15.21 "Interrupt and Local APIC Support", §15.33.2 "Virtual
 * GIF", §15.29.4 "VMCB Changes for AVIC".
 */
/** @{ */
/** V_TPR, bits 7:0: the guest's virtual TPR (CR8); only 3:0 are used. */
#define INT_CTL_V_TPR_MASK              SVM_ULL(0xff)
/**
 * V_IRQ, bit 8: a virtual INTR is pending; the processor clears it when
 * the guest takes the interrupt.
 */
#define INT_CTL_V_IRQ                   (SVM_ULL(1) << 8)
/** V_GIF, bit 9: the virtual GIF (1: virtual interrupts may be taken). */
#define INT_CTL_V_GIF                   (SVM_ULL(1) << 9)
/** V_NMI, bit 11: a virtual NMI is pending (NMI virtualization). */
#define INT_CTL_V_NMI_PENDING           (SVM_ULL(1) << 11)
/** V_NMI_MASK, bit 12: virtual NMIs are blocked until the guest IRETs. */
#define INT_CTL_V_NMI_BLOCKING          (SVM_ULL(1) << 12)
/** Shift of V_INTR_PRIO. */
#define INT_CTL_V_INTR_PRIO_SHIFT       16
/** V_INTR_PRIO, bits 19:16: priority of the pending virtual interrupt. */
#define INT_CTL_V_INTR_PRIO_MASK        (SVM_ULL(0xf) << 16)
/** V_IGN_TPR, bit 20: the pending virtual interrupt ignores V_TPR. */
#define INT_CTL_V_IGN_TPR               (SVM_ULL(1) << 20)
/**
 * V_INTR_MASKING, bit 24: the guest's RFLAGS.IF and CR8 then mask only
 * virtual interrupts; the host's RFLAGS.IF masks the physical ones.
 */
#define INT_CTL_V_INTR_MASKING          (SVM_ULL(1) << 24)
/** V_GIF_ENABLE, bit 25: STGI and CLGI in the guest set and clear V_GIF. */
#define INT_CTL_V_GIF_ENABLE            (SVM_ULL(1) << 25)
/** V_NMI_ENABLE, bit 26: NMI virtualization; needs the NMI intercept. */
#define INT_CTL_V_NMI_ENABLE            (SVM_ULL(1) << 26)
/** Bit 30: x2AVIC, AVIC for the x2APIC MSR interface (needs bit 31). */
#define INT_CTL_X2AVIC_ENABLE           (SVM_ULL(1) << 30)
/** Bit 31: AVIC for this vCPU; needs nested paging. */
#define INT_CTL_AVIC_ENABLE             (SVM_ULL(1) << 31)
/** Shift of V_INTR_VECTOR. */
#define INT_CTL_V_INTR_VECTOR_SHIFT     32
/** V_INTR_VECTOR, bits 39:32: vector of the pending virtual interrupt. */
#define INT_CTL_V_INTR_VECTOR_MASK      (SVM_ULL(0xff) << 32)
/** @} */

/**
 * @name int_state (068h)
 * APM2 §15.21.5 "Interrupt Shadows".
 */
/** @{ */
/** INTERRUPT_SHADOW, bit 0: the guest is in an interrupt shadow. */
#define INT_STATE_SHADOW                (SVM_ULL(1) << 0)
/** GUEST_INTERRUPT_MASK, bit 1: the guest's RFLAGS.IF at #VMEXIT. */
#define INT_STATE_GUEST_MASK            (SVM_ULL(1) << 1)
/** @} */

/**
 * @name nested_ctl (090h)
 * APM2 §15.25 "Nested Paging", §15.34 "Secure Encrypted
 * Virtualization", §15.35 "Encrypted State (SEV-ES)".
 */
/** @{ */
/** NP_ENABLE, bit 0: nested paging through nested_cr3. */
#define NESTED_CTL_NP_ENABLE            (SVM_ULL(1) << 0)
/** Bit 1: SEV, guest memory encrypted with the key of its ASID. */
#define NESTED_CTL_SEV_ENABLE           (SVM_ULL(1) << 1)
/** Bit 2: SEV-ES, guest registers encrypted too (needs SEV, LBR virt). */
#define NESTED_CTL_SEV_ES_ENABLE        (SVM_ULL(1) << 2)
/**
 * Bit 3: GMET, guest mode execute trap: a supervisor fetch from a user
 * (U/S = 1) nested page causes a nested page fault.
 */
#define NESTED_CTL_GMET                 (SVM_ULL(1) << 3)
/** Bit 4: supervisor shadow stack checks in the nested page table. */
#define NESTED_CTL_SSS_CHECK            (SVM_ULL(1) << 4)
/** Bit 5: VTE, every guest access uses the guest key (SEV, not SEV-ES). */
#define NESTED_CTL_VTE                  (SVM_ULL(1) << 5)
/**
 * Bit 6: read-only guest page tables; a guest page-table walk is a
 * write at the nested level only when it sets an accessed or dirty bit.
 */
#define NESTED_CTL_ROGPT                (SVM_ULL(1) << 6)
/** Bit 7: INVLPGB and TLBSYNC allowed in the guest (else #UD). */
#define NESTED_CTL_INVLPGB_TLBSYNC      (SVM_ULL(1) << 7)
/** @} */

/**
 * @name virt_ext (0B8h)
 * APM2 §15.23.1 "Hardware Acceleration for LBR Virtualization",
 * §15.33.1 "VMSAVE and VMLOAD Virtualization".
 */
/** @{ */
/** Bit 0: LBR virtualization; VMRUN and #VMEXIT swap DBGCTL and LBRs. */
#define VIRT_EXT_LBR_VIRT               (SVM_ULL(1) << 0)
/** Bit 1: VMSAVE and VMLOAD run in the guest on guest physical addresses. */
#define VIRT_EXT_VMSAVE_VMLOAD          (SVM_ULL(1) << 1)
/** Bit 2: IBS virtualization (Instruction-Based Sampling). */
#define VIRT_EXT_IBS_VIRT               (SVM_ULL(1) << 2)
/** @} */

/* ------------------------------------------------------------------ */
/* VMCB clean bits (0C0h), APM2 §15.15.3                               */
/* ------------------------------------------------------------------ */

/**
 * @name VMCB clean bits (0C0h)
 * Bit set: VMRUN may use its cached copy of the fields listed.  Bits
 * 31:13 are reserved; the hypervisor writes 0 to the whole word for a
 * new VMCB, after moving it and after running it on another CPU (APM2
 * §15.15 "VMCB State Caching", §15.15.3 "VMCB Clean Field").
 */
/** @{ */
/** I: the intercept vectors, TSC_OFFSET and the pause filter. */
#define VMCB_CLEAN_I                    (SVM_U(1) << 0)
/** IOPM: IOPM_BASE_PA and MSRPM_BASE_PA. */
#define VMCB_CLEAN_IOPM                 (SVM_U(1) << 1)
/** ASID: the guest ASID. */
#define VMCB_CLEAN_ASID                 (SVM_U(1) << 2)
/**
 * TPR: int_ctl (060h-067h): V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR,
 * V_INTR_MASKING and V_INTR_VECTOR.
 */
#define VMCB_CLEAN_TPR                  (SVM_U(1) << 3)
/** NP: N_CR3 and G_PAT. */
#define VMCB_CLEAN_NP                   (SVM_U(1) << 4)
/** CRx: CR0, CR3, CR4 and EFER. */
#define VMCB_CLEAN_CRX                  (SVM_U(1) << 5)
/** DRx: DR6 and DR7. */
#define VMCB_CLEAN_DRX                  (SVM_U(1) << 6)
/** DT: base and limit of GDTR and IDTR. */
#define VMCB_CLEAN_DT                   (SVM_U(1) << 7)
/** SEG: CS, DS, SS and ES (selector, base, limit, attributes) and CPL. */
#define VMCB_CLEAN_SEG                  (SVM_U(1) << 8)
/** CR2: CR2. */
#define VMCB_CLEAN_CR2                  (SVM_U(1) << 9)
/** LBR: DBGCTL, BR_FROM, BR_TO, LASTEXCPFROM and LASTEXCPTO. */
#define VMCB_CLEAN_LBR                  (SVM_U(1) << 10)
/**
 * AVIC: the AVIC APIC_BAR, backing page, logical table and physical
 * table pointers.
 */
#define VMCB_CLEAN_AVIC                 (SVM_U(1) << 11)
/** CET: S_CET, SSP and ISST_ADDR. */
#define VMCB_CLEAN_CET                  (SVM_U(1) << 12)
/** @} */

/* ------------------------------------------------------------------ */
/* EVENTINJ (0A8h) and EXITINTINFO (088h), APM2 §15.20 and §15.7.2     */
/* ------------------------------------------------------------------ */

/**
 * @name EVENTINJ (0A8h) and EXITINTINFO (088h)
 * Both use one format (APM2 §15.20 "Event Injection", Figure 15-5, and
 * §15.7.2 "Intercepts During IDT Interrupt Delivery", Figure 15-1):
 * @verbatim
    63                    32 31 30            12 11 10    8 7         0
   +------------------------+--+----------------+--+-------+-----------+
   |       ERRORCODE        |V |    reserved    |EV| TYPE  |  VECTOR   |
   +------------------------+--+----------------+--+-------+-----------+
   @endverbatim
 * INT1 (ICEBP), INT3 and INTO are reported with TYPE 3, exception; only
 * INTn has TYPE 4.
 */
/** @{ */
/** VECTOR, bits 7:0: the IDT vector (ignored for TYPE 2, NMI). */
#define SVM_EVTINJ_VECTOR_MASK          SVM_ULL(0xff)
/** Shift of TYPE. */
#define SVM_EVTINJ_TYPE_SHIFT           8
/** TYPE, bits 10:8: the kind of event; 1, 5, 6 and 7 are reserved. */
#define SVM_EVTINJ_TYPE_MASK            (SVM_ULL(7) << 8)
/** TYPE 0: an external or virtual interrupt (INTR). */
#define SVM_EVTINJ_TYPE_INTR            (SVM_ULL(0) << 8)
/** TYPE 2: an NMI. */
#define SVM_EVTINJ_TYPE_NMI             (SVM_ULL(2) << 8)
/**
 * TYPE 3: an exception, fault or trap; injecting vector 2 (NMI) or a
 * vector that is no exception makes VMRUN fail with VMEXIT_INVALID.
 */
#define SVM_EVTINJ_TYPE_EXCEPTION       (SVM_ULL(3) << 8)
/** TYPE 4: a software interrupt (INTn); needs next_rip (NRIPS). */
#define SVM_EVTINJ_TYPE_SOFT_INT        (SVM_ULL(4) << 8)
/** EV, bit 11: the event pushes ERRORCODE. */
#define SVM_EVTINJ_EV                   (SVM_ULL(1) << 11)
/** V, bit 31: the field holds an event. */
#define SVM_EVTINJ_VALID                (SVM_ULL(1) << 31)
/** ERRORCODE, bits 63:32: the error code pushed when EV is set. */
#define SVM_EVTINJ_ERR_SHIFT            32
/** @} */

/* ------------------------------------------------------------------ */
/* Segment attributes: the packed 12-bit form, APM2 §15.5.1 "Basic    */
/* Operation" ("Segment State in the VMCB")                           */
/* ------------------------------------------------------------------ */

/**
 * @name Segment attributes (vmcb_seg.attrib)
 * The VMCB keeps two pieces of the descriptor's high dword and drops the
 * limit nibble between them: attrib bits 7:0 are descriptor bits 47:40,
 * attrib bits 11:8 are descriptor bits 55:52 (APM2 §15.5.1 "Basic
 * Operation", "Segment State in the VMCB").
 * @verbatim
   descriptor  63    56 55 54 53 52 51   48 47 46 45 44 43  40 39    32
   (8 bytes)  +--------+--+--+--+--+-------+--+-----+--+------+--------+
              |base hi |G |DB|L |AV|lim hi |P | DPL |S | type |base mid|
              +--------+--+--+--+--+-------+--+-----+--+------+--------+
                        \___________/       \__________________/
                         bits 55:52            bits 47:40
                              |                     |
                              v                     v
   attrib                11 10  9  8        7  6  5  4  3    0
   (12 bits)            +--+--+--+--+      +--+-----+--+------+
                        |G |DB|L |AV|      |P | DPL |S | type |
                        +--+--+--+--+      +--+-----+--+------+
   @endverbatim
 * attrib = ((desc >> 40) & 0x0FF) | ((desc >> 44) & 0xF00).  Storing the
 * raw bits 55:40 instead is silently wrong: the 64-bit code descriptor
 * 0020_9A00_0000_0000h gives 209Ah, whose bits 11:8 hold the limit
 * nibble (0), so L = D = 0 and the guest runs 16-bit code; its packed
 * form is 029Ah.  Null segments have attrib 0 (P = 0).
 */
/** @{ */
/** Type, bits 3:0 (descriptor 43:40): accessed, R/W, C/E, code. */
#define SEG_ATTR_TYPE_MASK              SVM_U(0x000f)
/** S, bit 4: 1 for a code or data segment, 0 for a system one. */
#define SEG_ATTR_S                      (SVM_U(1) << 4)
/** Shift of DPL. */
#define SEG_ATTR_DPL_SHIFT              5
/** DPL, bits 6:5: descriptor privilege level. */
#define SEG_ATTR_DPL_MASK               (SVM_U(3) << 5)
/** P, bit 7: present; 0 marks a null segment. */
#define SEG_ATTR_P                      (SVM_U(1) << 7)
/** AVL, bit 8: available to software. */
#define SEG_ATTR_AVL                    (SVM_U(1) << 8)
/** L, bit 9: a 64-bit code segment (CS in long mode). */
#define SEG_ATTR_L                      (SVM_U(1) << 9)
/** D/B, bit 10: 32-bit default operand size, or a 32-bit stack. */
#define SEG_ATTR_DB                     (SVM_U(1) << 10)
/** G, bit 11: the descriptor's limit counts 4 KiB pages. */
#define SEG_ATTR_G                      (SVM_U(1) << 11)
/** @} */

/* ------------------------------------------------------------------ */
/* EXITINFO1 and EXITINFO2 decodes                                     */
/* ------------------------------------------------------------------ */

/**
 * @name EXITINFO1 of an IOIO exit (7Bh)
 * APM2 §15.10.2 "IN and OUT Behavior", Figure 15-2; EXITINFO2 holds the
 * RIP of the next instruction.
 */
/** @{ */
/** TYPE, bit 0: 1 for IN or INS, 0 for OUT or OUTS. */
#define SVM_EXITINFO1_IOIO_IN           (SVM_ULL(1) << 0)
/** STR, bit 2: a string instruction (INS, OUTS). */
#define SVM_EXITINFO1_IOIO_STR          (SVM_ULL(1) << 2)
/** REP, bit 3: with a REP prefix. */
#define SVM_EXITINFO1_IOIO_REP          (SVM_ULL(1) << 3)
/** SZ8, bit 4: 8-bit operand. */
#define SVM_EXITINFO1_IOIO_SZ8          (SVM_ULL(1) << 4)
/** SZ16, bit 5: 16-bit operand. */
#define SVM_EXITINFO1_IOIO_SZ16         (SVM_ULL(1) << 5)
/** SZ32, bit 6: 32-bit operand. */
#define SVM_EXITINFO1_IOIO_SZ32         (SVM_ULL(1) << 6)
/** A16, bit 7: 16-bit address size. */
#define SVM_EXITINFO1_IOIO_A16          (SVM_ULL(1) << 7)
/** A32, bit 8: 32-bit address size. */
#define SVM_EXITINFO1_IOIO_A32          (SVM_ULL(1) << 8)
/** A64, bit 9: 64-bit address size. */
#define SVM_EXITINFO1_IOIO_A64          (SVM_ULL(1) << 9)
/** Shift of SEG. */
#define SVM_EXITINFO1_IOIO_SEG_SHIFT    10
/** SEG, bits 12:10: effective segment of OUTS (0 = ES, 3 = DS). */
#define SVM_EXITINFO1_IOIO_SEG_MASK     (SVM_ULL(7) << 10)
/** Shift of PORT. */
#define SVM_EXITINFO1_IOIO_PORT_SHIFT   16
/** PORT, bits 31:16: the I/O port. */
#define SVM_EXITINFO1_IOIO_PORT_MASK    (SVM_ULL(0xffff) << 16)
/** @} */

/**
 * @name EXITINFO1 of MSR, CR and DR exits
 * APM2 §15.11 "MSR Intercepts"; APM2 §15.8.1 "MOV CRx/DRx Intercepts"
 * (decode assists).
 */
/** @{ */
/** MSR exit (7Ch): EXITINFO1 is 1 for WRMSR, 0 for RDMSR. */
#define SVM_EXITINFO1_MSR_WRITE         SVM_ULL(1)
/**
 * CR exits: bit 63 set when the instruction was MOV CRn (not LMSW, CLTS
 * or SMSW).
 */
#define SVM_EXITINFO1_CR_MOV            (SVM_ULL(1) << 63)
/** CR and DR exits: bits 3:0, the GPR operand of the MOV. */
#define SVM_EXITINFO1_GPR_MASK          SVM_ULL(0xf)
/** @} */

/**
 * @name EXITINFO1 of a nested page fault (400h)
 * The #PF-like error code; EXITINFO2 holds the guest physical address
 * (APM2 §15.25.6 "Nested versus Guest Page Faults, Fault Ordering").
 */
/** @{ */
/** P, bit 0: the nested page was present (a protection fault). */
#define SVM_EXITINFO1_NPF_P             (SVM_ULL(1) << 0)
/** RW, bit 1: a write; guest page-table walks count as writes. */
#define SVM_EXITINFO1_NPF_RW            (SVM_ULL(1) << 1)
/** US, bit 2: a user access; nested walks count as user accesses. */
#define SVM_EXITINFO1_NPF_US            (SVM_ULL(1) << 2)
/** RSV, bit 3: a reserved bit was set in a nested page-table entry. */
#define SVM_EXITINFO1_NPF_RSV           (SVM_ULL(1) << 3)
/** ID, bit 4: an instruction fetch. */
#define SVM_EXITINFO1_NPF_ID            (SVM_ULL(1) << 4)
/** SS, bit 6: a shadow stack access. */
#define SVM_EXITINFO1_NPF_SS            (SVM_ULL(1) << 6)
/** Bit 32: the fault hit the final guest physical address. */
#define SVM_EXITINFO1_NPF_FINAL         (SVM_ULL(1) << 32)
/** Bit 33: the fault hit a guest page-table access. */
#define SVM_EXITINFO1_NPF_GUEST_PT      (SVM_ULL(1) << 33)
/** @} */

/**
 * @name EXITINFO2 of a task switch (7Dh)
 * EXITINFO1 bits 15:0 hold the new TSS selector, EXITINFO2 bits 31:0 the
 * error code to push (APM2 §15.14.1 "Task Switch Intercept").
 */
/** @{ */
/** Bit 36: the task switch comes from an IRET. */
#define SVM_EXITINFO2_TS_IRET           (SVM_ULL(1) << 36)
/** Bit 38: the task switch comes from a far JMP. */
#define SVM_EXITINFO2_TS_JMP            (SVM_ULL(1) << 38)
/** Bit 44: the task switch pushes an error code. */
#define SVM_EXITINFO2_TS_HAS_ERR        (SVM_ULL(1) << 44)
/** @} */

/* ------------------------------------------------------------------ */
/* Exit codes (APM2 Appendix C "SVM Intercept Exit Codes")             */
/* ------------------------------------------------------------------ */

/**
 * @name Exit codes (EXITCODE, 070h)
 * A few codes by name; src/svm/exits.h has every code of APM2 Appendix
 * C "SVM Intercept Exit Codes" with its name and meaning.
 */
/** @{ */
#define SVM_EXIT_READ_CR0               0x000 /**< + n: CRn_READ */
#define SVM_EXIT_WRITE_CR0              0x010 /**< + n: CRn_WRITE */
#define SVM_EXIT_READ_DR0               0x020 /**< + n: DRn_READ */
#define SVM_EXIT_WRITE_DR0              0x030 /**< + n: DRn_WRITE */
#define SVM_EXIT_EXCP_BASE              0x040 /**< + n: EXCPn, vector n */
#define SVM_EXIT_INTR                   0x060 /**< physical INTR */
#define SVM_EXIT_NMI                    0x061 /**< physical NMI */
#define SVM_EXIT_SMI                    0x062 /**< SMI */
#define SVM_EXIT_INIT                   0x063 /**< INIT */
#define SVM_EXIT_VINTR                  0x064 /**< virtual interrupt */
#define SVM_EXIT_CR0_SEL_WRITE          0x065 /**< selective CR0 write */
#define SVM_EXIT_IDTR_READ              0x066 /**< SIDT */
#define SVM_EXIT_GDTR_READ              0x067 /**< SGDT */
#define SVM_EXIT_LDTR_READ              0x068 /**< SLDT */
#define SVM_EXIT_TR_READ                0x069 /**< STR */
#define SVM_EXIT_IDTR_WRITE             0x06a /**< LIDT */
#define SVM_EXIT_GDTR_WRITE             0x06b /**< LGDT */
#define SVM_EXIT_LDTR_WRITE             0x06c /**< LLDT */
#define SVM_EXIT_TR_WRITE               0x06d /**< LTR */
#define SVM_EXIT_RDTSC                  0x06e /**< RDTSC */
#define SVM_EXIT_RDPMC                  0x06f /**< RDPMC */
#define SVM_EXIT_PUSHF                  0x070 /**< PUSHF */
#define SVM_EXIT_POPF                   0x071 /**< POPF */
#define SVM_EXIT_CPUID                  0x072 /**< CPUID */
#define SVM_EXIT_RSM                    0x073 /**< RSM */
#define SVM_EXIT_IRET                   0x074 /**< IRET */
#define SVM_EXIT_SWINT                  0x075 /**< INTn */
#define SVM_EXIT_INVD                   0x076 /**< INVD */
#define SVM_EXIT_PAUSE                  0x077 /**< PAUSE */
#define SVM_EXIT_HLT                    0x078 /**< HLT */
#define SVM_EXIT_INVLPG                 0x079 /**< INVLPG */
#define SVM_EXIT_INVLPGA                0x07a /**< INVLPGA */
#define SVM_EXIT_IOIO                   0x07b /**< IN, OUT, INS, OUTS */
#define SVM_EXIT_MSR                    0x07c /**< RDMSR, WRMSR */
#define SVM_EXIT_TASK_SWITCH            0x07d /**< task switch */
#define SVM_EXIT_FERR_FREEZE            0x07e /**< FERR freeze */
#define SVM_EXIT_SHUTDOWN               0x07f /**< shutdown */
#define SVM_EXIT_VMRUN                  0x080 /**< VMRUN */
#define SVM_EXIT_VMMCALL                0x081 /**< VMMCALL */
#define SVM_EXIT_VMLOAD                 0x082 /**< VMLOAD */
#define SVM_EXIT_VMSAVE                 0x083 /**< VMSAVE */
#define SVM_EXIT_STGI                   0x084 /**< STGI */
#define SVM_EXIT_CLGI                   0x085 /**< CLGI */
#define SVM_EXIT_SKINIT                 0x086 /**< SKINIT */
#define SVM_EXIT_RDTSCP                 0x087 /**< RDTSCP */
#define SVM_EXIT_ICEBP                  0x088 /**< ICEBP (INT1) */
#define SVM_EXIT_WBINVD                 0x089 /**< WBINVD, WBNOINVD */
#define SVM_EXIT_MONITOR                0x08a /**< MONITOR, MONITORX */
#define SVM_EXIT_MWAIT                  0x08b /**< MWAIT, MWAITX */
#define SVM_EXIT_MWAIT_COND             0x08c /**< MWAIT_CONDITIONAL */
#define SVM_EXIT_XSETBV                 0x08d /**< XSETBV */
#define SVM_EXIT_RDPRU                  0x08e /**< RDPRU */
#define SVM_EXIT_EFER_WRITE_TRAP        0x08f /**< EFER write trap */
#define SVM_EXIT_CR0_WRITE_TRAP         0x090 /**< + n: CRn_WRITE_TRAP */
#define SVM_EXIT_INVLPGB                0x0a0 /**< INVLPGB */
#define SVM_EXIT_INVLPGB_ILLEGAL        0x0a1 /**< illegal INVLPGB */
#define SVM_EXIT_INVPCID                0x0a2 /**< INVPCID */
#define SVM_EXIT_MCOMMIT                0x0a3 /**< MCOMMIT */
#define SVM_EXIT_TLBSYNC                0x0a4 /**< TLBSYNC */
#define SVM_EXIT_BUSLOCK                0x0a5 /**< bus lock threshold */
#define SVM_EXIT_IDLE_HLT               0x0a6 /**< HLT when idle */
#define SVM_EXIT_NPF                    0x400 /**< nested page fault */
#define SVM_EXIT_AVIC_INCOMPLETE_IPI    0x401 /**< AVIC IPI incomplete */
#define SVM_EXIT_AVIC_UNACCELERATED     0x402 /**< AVIC_NOACCEL */
#define SVM_EXIT_VMGEXIT                0x403 /**< VMGEXIT (SEV-ES) */
#define SVM_EXIT_INVALID                ((uint64_t)-1) /**< bad state */
#define SVM_EXIT_BUSY                   ((uint64_t)-2) /**< VMSA busy */
#define SVM_EXIT_IDLE_REQUIRED          ((uint64_t)-3) /**< sibling busy */
#define SVM_EXIT_INVALID_PMC            ((uint64_t)-4) /**< bad PMC state */
/** @} */

#endif /* SVMLAB_SVM_VMCB_H */
