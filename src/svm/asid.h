/**
 * @file
 * asid.h - chapter 12: ASIDs, generations and the TLB_CONTROL policy
 * (APM2 §15.16 "TLB Control", §15.16.1 "TLB Flush").
 *
 * The processor tags every TLB entry a guest creates with the guest's
 * ASID (VMCB 058h), so entries of different guests can share the TLB
 * and a world switch need not flush it.  The hypervisor's duties are
 * two: never let two guests run with the same ASID while entries of one
 * may remain, and flush a guest's entries whenever it changed what they
 * cache.
 *
 * The allocator hands out ASIDs 1..nasid-1 of one CPU in order.  When
 * none is left it starts a new generation: ASID numbering starts over
 * and the next VMRUN flushes the whole TLB (TLB_CONTROL 1), so every
 * number is clean again.  A guest remembers the generation of its ASID;
 * one from an older generation may now belong to someone else, so the
 * guest gets a new one before it runs.  Within a generation no number is
 * handed out twice, which is why a fresh ASID needs no flush of its own.
 *
 * The policy table (tlb_policy) turns the reasons for a flush into the
 * TLB_CONTROL value: 3 (this ASID) and 7 (this ASID, non-global) only
 * where CPUID 8000_000Ah EDX[6] FlushByAsid says the CPU has them,
 * otherwise the only safe stand-in, 1 (everything).  One changed page
 * needs neither: the hypervisor runs INVLPGA for that page and ASID.
 *
 * Pure C, no hardware access: the kernel (tlb.c) and the host TLB model
 * (tests/unit/test_tlb_model.c) run the same code.
 */
#ifndef SVMLAB_SVM_ASID_H
#define SVMLAB_SVM_ASID_H

#include <stdint.h>

/** @name Reasons for a flush (asid_decision.why, asid_guest.need) */
/** @{ */
/** The hypervisor changed the guest's translations, global ones too. */
#define TLB_NEED_GUEST     (1u << 0)
/** The guest's non-global translations are void (an emulated MOV CR3). */
#define TLB_NEED_NONGLOBAL (1u << 1)
/** The nested page table changed (chapter 13). */
#define TLB_NEED_NPT       (1u << 2)
/** Reasons that concern only the guest's own ASID. */
#define TLB_NEED_MASK      (TLB_NEED_GUEST | TLB_NEED_NONGLOBAL | TLB_NEED_NPT)
/** The guest got a new ASID in the current generation. */
#define TLB_WHY_NEW_ASID   (1u << 4)
/** Its ASID was from an older generation (it is being re-assigned). */
#define TLB_WHY_STALE      (1u << 5)
/** No ASID was left: a new generation started. */
#define TLB_WHY_ROLLOVER   (1u << 6)
/** The first VMRUN on this CPU: whatever the TLB holds is unknown. */
#define TLB_WHY_FIRST      (1u << 7)
/** @} */

/** The ASID state of one CPU (the course runs on one: asid_cpu0). */
struct asid_cpu {
	uint32_t nasid;         /**< ASIDs 1..nasid-1 are handed out */
	uint32_t next;          /**< the next ASID to hand out */
	uint64_t gen;           /**< the current generation, from 1 */
	int flush_by_asid;      /**< TLB_CONTROL 3 and 7 exist */
	int fresh;              /**< no VMRUN yet: flush everything first */
	uint64_t rollovers;     /**< generations started after the first */
};

/** The ASID state of one guest. */
struct asid_guest {
	uint32_t asid;          /**< its ASID, valid in generation gen */
	uint64_t gen;           /**< 0: it never had one */
	uint32_t need;          /**< TLB_NEED_* since its last VMRUN */
};

/** What the next VMRUN of a guest must carry. */
struct asid_decision {
	uint32_t asid;          /**< VMCB ASID */
	uint64_t gen;           /**< its generation */
	uint8_t tlb_control;    /**< VMCB TLB_CONTROL */
	uint32_t why;           /**< TLB_NEED_* and TLB_WHY_* behind it */
};

/**
 * Start @p c: @p cpu_nasid from CPUID 8000_000Ah EBX, capped at @p cap
 * when @p cap is not 0 (the nasid= option; at least 2, one usable ASID).
 */
void asid_cpu_init(struct asid_cpu *c, uint32_t cpu_nasid, uint32_t cap,
		   int flush_by_asid);

/** Record that @p g's translations need flushing (TLB_NEED_* @p need). */
void asid_need(struct asid_guest *g, uint32_t need);

/**
 * The hypervisor changed the guest mapping of one page of @p g.  Returns
 * 1 if INVLPGA must flush it now (for g->asid), 0 if no entry tagged for
 * @p g can exist: it has no ASID of the current generation yet, and the
 * one it will get was flushed when the generation began.
 */
int asid_page_changed(const struct asid_cpu *c, const struct asid_guest *g);

/**
 * Before VMRUN of @p g: give it an ASID of the current generation (a
 * new one, and a new generation if none is left) and choose TLB_CONTROL
 * for what it needs.  Clears g->need.
 */
struct asid_decision asid_prepare(struct asid_cpu *c, struct asid_guest *g);

/**
 * The policy table: the TLB_CONTROL value for the reasons @p why (only
 * TLB_NEED_* and TLB_WHY_ROLLOVER and TLB_WHY_FIRST call for a flush).
 */
uint8_t tlb_policy(uint32_t why, int flush_by_asid);

/** The names of the bits of @p why, space-separated, into @p buf. */
void tlb_why_names(uint32_t why, char *buf, unsigned n);

#endif /* SVMLAB_SVM_ASID_H */
