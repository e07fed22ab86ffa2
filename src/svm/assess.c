/*
 * assess.c - the APM2 §15.4 decision, as a pure function.
 *
 * Kept apart from detect.c, which touches the hardware, so that the
 * host unit tests (tests/unit/test_svm.c) can feed it every combination
 * of CPUID and VM_CR, including the "disabled by firmware" cases that
 * no emulator produces.
 */
#include "svm.h"
#include "kernel/lab.h"

enum svm_verdict svm_assess(const struct svm_caps *caps)
{
	/* LAB 2 BEGIN svm_assess: the APM2 §15.4 decision */
	if (caps->max_ext_leaf < CPUID_EXT_FEATURES ||
	    !(caps->ext_ecx & CPUID_EXT_ECX_SVM))
		return SVM_ABSENT;
	if (!(caps->vm_cr & VM_CR_SVMDIS))
		return SVM_USABLE;
	return (caps->features & SVM_FEAT_SVML) ? SVM_DISABLED_KEY
						 : SVM_DISABLED_BIOS;
	/* LAB 2 END */
}

const char *svm_verdict_text(enum svm_verdict v)
{
	switch (v) {
	case SVM_USABLE:
		return "SVM is available and enabled by firmware";
	case SVM_ABSENT:
		return "this CPU does not support AMD SVM "
		       "(CPUID 8000_0001h ECX bit 2 is clear)";
	case SVM_DISABLED_BIOS:
		return "SVM is disabled by firmware (VM_CR.SVMDIS=1); "
		       "enable it in the BIOS setup";
	case SVM_DISABLED_KEY:
		return "SVM is disabled (VM_CR.SVMDIS=1) but can be "
		       "unlocked with the SVM key (SVML)";
	}
	return "unknown verdict";
}
