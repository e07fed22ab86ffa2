/**
 * @file
 * svm.h - detecting and enabling SVM (APM2 §15.4 "Enabling SVM").
 *
 * The order the APM prescribes:
 *   1. CPUID Fn8000_0001_ECX[SVM] (bit 2) says the processor has SVM;
 *   2. VM_CR.SVMDIS (MSR C001_0114h bit 4) says whether firmware
 *      disabled it; if so, CPUID Fn8000_000A_EDX[SVML] tells whether it
 *      can be unlocked with a key or only in the BIOS setup;
 *   3. software sets EFER.SVME (bit 12) to make the SVM instructions
 *      legal, and writes VM_HSAVE_PA (MSR C001_0117h) with the physical
 *      address of a 4 KiB page where VMRUN saves host state.
 * CPUID Fn8000_000A also reports the SVM revision (EAX[7:0]), the number
 * of ASIDs (EBX) and the optional features (EDX), named in svm_features.
 */
#ifndef SVMLAB_SVM_SVM_H
#define SVMLAB_SVM_SVM_H

#include <stdint.h>

/** CPUID leaf with the extended feature flags. */
#define CPUID_EXT_FEATURES      0x80000001u
/** Fn8000_0001_ECX bit 2: the processor implements SVM. */
#define CPUID_EXT_ECX_SVM       (1u << 2)
/** CPUID leaf with the SVM revision, ASID count and feature flags. */
#define CPUID_SVM_FEATURES      0x8000000Au

/** VM_CR: controls global aspects of SVM (APM2 §15.30.1). */
#define MSR_VM_CR               0xC0010114u
/** VM_CR.DPD: disable external debug-port access. */
#define VM_CR_DPD               (1ull << 0)
/** VM_CR.R_INIT: intercept INIT and convert it to #SX. */
#define VM_CR_R_INIT            (1ull << 1)
/** VM_CR.DIS_A20M: disable A20 masking. */
#define VM_CR_DIS_A20M          (1ull << 2)
/** VM_CR.LOCK: SVMDIS is read-only (locked by firmware). */
#define VM_CR_LOCK              (1ull << 3)
/** VM_CR.SVMDIS: EFER.SVME cannot be set. */
#define VM_CR_SVMDIS            (1ull << 4)
/** VM_HSAVE_PA: physical address of the host save area (§15.30.4). */
#define MSR_VM_HSAVE_PA         0xC0010117u

/* CPUID Fn8000_000A_EDX feature bits (APM2 §15.2, APM3 CPUID appendix). */
#define SVM_FEAT_NP             (1u << 0)  /**< nested paging */
#define SVM_FEAT_LBRVIRT        (1u << 1)  /**< LBR virtualization */
#define SVM_FEAT_SVML           (1u << 2)  /**< SVM lock (key unlock) */
#define SVM_FEAT_NRIPS          (1u << 3)  /**< next-RIP saved on #VMEXIT */
#define SVM_FEAT_TSCRATEMSR     (1u << 4)  /**< TSC ratio MSR */
#define SVM_FEAT_VMCBCLEAN      (1u << 5)  /**< VMCB clean bits */
#define SVM_FEAT_FLUSHBYASID    (1u << 6)  /**< TLB_CONTROL 3 and 7 */
#define SVM_FEAT_DECODEASSISTS  (1u << 7)  /**< decode assists */
#define SVM_FEAT_PAUSEFILTER    (1u << 10) /**< PAUSE intercept filter */
#define SVM_FEAT_PFTHRESHOLD    (1u << 12) /**< PAUSE filter threshold */
#define SVM_FEAT_AVIC           (1u << 13) /**< advanced virtual APIC */
#define SVM_FEAT_VMSAVEVIRT     (1u << 15) /**< virtual VMSAVE/VMLOAD */
#define SVM_FEAT_VGIF           (1u << 16) /**< virtual GIF */
#define SVM_FEAT_GMET           (1u << 17) /**< guest mode execute trap */
#define SVM_FEAT_VNMI           (1u << 25) /**< virtual NMI */
#define SVM_FEAT_VMCBADDRCHK    (1u << 28) /**< VMCB address check */

/** What CPUID and VM_CR say about SVM on this processor. */
struct svm_caps {
	uint32_t max_ext_leaf;  /**< CPUID 8000_0000h EAX */
	uint32_t ext_ecx;       /**< CPUID 8000_0001h ECX */
	uint32_t revision;      /**< CPUID 8000_000Ah EAX[7:0] */
	uint32_t nasid;         /**< CPUID 8000_000Ah EBX: number of ASIDs */
	uint32_t features;      /**< CPUID 8000_000Ah EDX */
	int vm_cr_ok;           /**< RDMSR VM_CR succeeded (no #GP) */
	uint64_t vm_cr;         /**< VM_CR, or 0 if it could not be read */
};

/** The APM §15.4 decision: may this processor run SVM? */
enum svm_verdict {
	SVM_USABLE,             /**< SVM present and not disabled */
	SVM_ABSENT,             /**< CPUID says there is no SVM */
	SVM_DISABLED_BIOS,      /**< SVMDIS set, no key unlock (SVML=0) */
	SVM_DISABLED_KEY,       /**< SVMDIS set, unlockable with a key */
};

/** One named CPUID Fn8000_000A_EDX feature bit. */
struct svm_feature {
	unsigned bit;           /**< bit position in EDX */
	const char *name;       /**< the APM's short name ("NRIPS") */
	const char *meaning;    /**< one line of explanation */
};

/** Every EDX feature bit the APM names, in bit order. */
extern const struct svm_feature svm_features[];
/** Number of entries in svm_features. */
extern const unsigned svm_feature_count;

/** Read CPUID and VM_CR into @p caps (VM_CR is read with rdmsr_safe). */
void svm_probe(struct svm_caps *caps);

/** Decide from @p caps whether SVM is usable, as APM2 §15.4 describes. */
enum svm_verdict svm_assess(const struct svm_caps *caps);

/** A sentence that explains @p v to the user. */
const char *svm_verdict_text(enum svm_verdict v);

/**
 * Set EFER.SVME and program VM_HSAVE_PA with @p hsave_pa (4 KiB aligned).
 * Returns 0, or -1 if either did not read back as written.
 */
int svm_enable(uint64_t hsave_pa);

/** The capabilities found by the last svm_setup, for later chapters. */
extern struct svm_caps svm_host_caps;

/**
 * Probe, assess and enable SVM once per boot.  Returns 0 when SVM is
 * enabled.  On a processor that cannot run SVM it says so and ends the
 * run with the "no-svm" status.
 */
int svm_setup(void);

#endif /* SVMLAB_SVM_SVM_H */
