/**
 * @file
 * vmcb_check.h - a software VMRUN: which consistency checks does a VMCB
 * fail? (chapter 4)
 *
 * Before it runs a guest, VMRUN checks the guest state it has just
 * loaded and refuses illegal combinations with #VMEXIT(VMEXIT_INVALID):
 * APM2 §15.5.1 "Basic Operation", paragraph "Canonicalization and
 * Consistency Checks".  The hardware only says "invalid"; this checker
 * says which rules, by name, and what it saw.  It covers the rules of
 * that list that concern a plain (non-SEV, non-CET) guest, the event
 * injection rules of APM2 §15.20 "Event Injection", and the G_PAT rule
 * of APM2 §15.25.4 "Nested Paging and VMRUN/#VMEXIT".
 *
 * Whether a bit is "MBZ" depends on the processor (a CR4 bit it does not
 * implement is MBZ), so every check takes a struct vmcb_check_env built
 * from CPUID by vmcb_check_env_from_cpuid.  Everything here is pure: the
 * host unit tests feed it VMCBs that no emulator would accept.
 */
#ifndef SVMLAB_SVM_VMCB_CHECK_H
#define SVMLAB_SVM_VMCB_CHECK_H

#include <stdint.h>
#include "arch/x86.h"
#include "vmcb.h"

/** One consistency check of APM2 §15.5.1, in the APM's order. */
enum vmcb_rule {
	VMCB_RULE_EFER_SVME,    /**< EFER.SVME is zero */
	VMCB_RULE_CR0_CD_NW,    /**< CR0.CD is zero and CR0.NW is set */
	VMCB_RULE_CR0_HIGH,     /**< CR0[63:32] are not zero */
	VMCB_RULE_CR3_MBZ,      /**< any MBZ bit of CR3 is set */
	VMCB_RULE_CR4_MBZ,      /**< any MBZ bit of CR4 is set */
	VMCB_RULE_DR6_HIGH,     /**< DR6[63:32] are not zero */
	VMCB_RULE_DR7_HIGH,     /**< DR7[63:32] are not zero */
	VMCB_RULE_EFER_MBZ,     /**< any MBZ bit of EFER is set */
	/** EFER.LMA or EFER.LME is set and the processor has no long mode */
	VMCB_RULE_EFER_LM_UNSUPPORTED,
	VMCB_RULE_LME_PG_NO_PAE, /**< EFER.LME and CR0.PG set, CR4.PAE clear */
	VMCB_RULE_LME_PG_NO_PE, /**< EFER.LME and CR0.PG set, CR0.PE clear */
	/** EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set */
	VMCB_RULE_CS_L_AND_D,
	VMCB_RULE_VMRUN_INTERCEPT, /**< the VMRUN intercept bit is clear */
	/** the MSR permission map (8 KiB) reaches 2^MAXPHYADDR or beyond */
	VMCB_RULE_MSRPM_BASE,
	/** the I/O permission map (12 KiB) reaches 2^MAXPHYADDR or beyond */
	VMCB_RULE_IOPM_BASE,
	VMCB_RULE_EVENT_INJ,    /**< illegal event injection (§15.20) */
	VMCB_RULE_ASID_ZERO,    /**< ASID is zero */
	/** nested paging on and G_PAT holds a reserved memory type */
	VMCB_RULE_GPAT,
	VMCB_RULE_COUNT         /**< number of rules */
};

/** What a rule is called and what the APM says about it. */
struct vmcb_rule_info {
	/** Stable lower-case name used in traces and tests ("efer_svme"). */
	const char *id;
	/** The rule in the APM's terms (a paraphrase, with its section). */
	const char *apm;
};

/** Every rule's name and wording, indexed by enum vmcb_rule. */
extern const struct vmcb_rule_info vmcb_rules[VMCB_RULE_COUNT];

/** What the processor supports, as far as the checks care (CPUID). */
struct vmcb_check_env {
	/** CPUID 8000_0008h EAX[7:0]; 0 (unknown) is taken as 52 */
	unsigned maxphyaddr;
	int long_mode;          /**< CPUID 8000_0001h EDX[29] (LM) */
	uint64_t cr4_allowed;   /**< CR4 bits this processor defines */
	uint64_t efer_allowed;  /**< EFER bits this processor defines */
	uint32_t svm_features;  /**< CPUID 8000_000Ah EDX */
};

/**
 * Fill @p env from CPUID leaves, without executing CPUID: @p leaf1 is
 * leaf 1, @p leaf7_0 leaf 7 subleaf 0, @p ext1 leaf 8000_0001h, @p ext8
 * leaf 8000_0008h and @p svm_edx is EDX of leaf 8000_000Ah.  Pass
 * zeroed registers for a leaf the processor lacks.
 *
 * CR4: bits 10:0 always; UMIP, LA57, FSGSBASE, PCIDE, OSXSAVE, SMEP,
 * SMAP, PKE and CET when CPUID reports the feature.  EFER: SCE, LME, LMA
 * and SVME always; NXE, FFXSR and TCE when reported; LMSLE unless
 * 8000_0008h EBX[20] (EferLmsleUnsupported) is set.
 */
void vmcb_check_env_from_cpuid(struct vmcb_check_env *env,
			       const struct cpuid_regs *leaf1,
			       const struct cpuid_regs *leaf7_0,
			       const struct cpuid_regs *ext1,
			       const struct cpuid_regs *ext8,
			       uint32_t svm_edx);

/** One violated rule and what was seen, e.g. "EFER=0x500: SVME clear". */
struct vmcb_violation {
	enum vmcb_rule rule;    /**< which rule */
	char detail[96];        /**< the values that break it (terminated) */
};

/**
 * Evaluate every rule on @p v for a processor described by @p env.
 * Returns how many rules are violated; each rule counts once, and the
 * first @p max of them are stored in @p out in enum order (@p out may be
 * NULL when @p max is 0).  The count may exceed @p max.
 */
unsigned vmcb_check(const struct vmcb *v, const struct vmcb_check_env *env,
		    struct vmcb_violation *out, unsigned max);

/** The violated rules of @p v as a bit mask: bit (1u << rule). */
uint32_t vmcb_check_mask(const struct vmcb *v,
			 const struct vmcb_check_env *env);

/**
 * Would VMRUN accept EVENTINJ value @p event_inj (APM2 §15.20)?  Returns
 * 1 if so; otherwise 0, and stores the reason in @p *why (if @p why is
 * not NULL).  An event with V (bit 31) clear is always accepted.
 */
int svm_eventinj_valid(uint64_t event_inj, const char **why);

/** The stable name of rule @p r ("efer_svme"), or "?" if out of range. */
const char *vmcb_rule_id(enum vmcb_rule r);

#endif /* SVMLAB_SVM_VMCB_CHECK_H */
