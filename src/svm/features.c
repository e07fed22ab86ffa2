/*
 * features.c - names of the CPUID Fn8000_000A_EDX feature bits.
 *
 * Bit positions and names follow the APM (Volume 2 §15 and Volume 3
 * "CPUID Fn8000_000A_EDX SVM Feature Identification").
 */
#include "svm.h"

const struct svm_feature svm_features[] = {
	{ 0, "NP", "nested paging" },
	{ 1, "LbrVirt", "LBR virtualization" },
	{ 2, "SVML", "SVM lock: SVMDIS can be unlocked with a key" },
	{ 3, "NRIPS", "next sequential RIP saved in the VMCB on #VMEXIT" },
	{ 4, "TscRateMsr", "MSR-based TSC rate control" },
	{ 5, "VmcbClean", "VMCB clean bits" },
	{ 6, "FlushByAsid", "TLB_CONTROL may flush one ASID (3 and 7)" },
	{ 7, "DecodeAssists", "decode assists for intercepted instructions" },
	{ 10, "PauseFilter", "PAUSE intercept filter count" },
	{ 12, "PauseFilterThreshold", "PAUSE filter cycle threshold" },
	{ 13, "AVIC", "advanced virtual interrupt controller" },
	{ 15, "VMSAVEvirt", "virtualized VMSAVE and VMLOAD" },
	{ 16, "VGIF", "virtualized global interrupt flag" },
	{ 17, "GMET", "guest mode execute trap" },
	{ 18, "x2AVIC", "AVIC in x2APIC mode" },
	{ 19, "SSSCheck", "supervisor shadow stack restrictions" },
	{ 20, "SpecCtrl", "SPEC_CTRL virtualization" },
	{ 21, "ROGPT", "read-only guest page tables" },
	{ 23, "HOST_MCE_OVERRIDE", "host #MC while in the guest" },
	{ 24, "TlbiCtl", "INVLPGB/TLBSYNC intercept control" },
	{ 25, "VNMI", "virtual NMI" },
	{ 26, "IbsVirt", "IBS virtualization" },
	{ 27, "ExtLvtAvicAccessChg", "extended LVT AVIC access change" },
	{ 28, "NestedVirtVmcbAddrChk", "guest VMCB address check" },
	{ 29, "BusLockThreshold", "bus lock threshold" },
};

const unsigned svm_feature_count =
	sizeof(svm_features) / sizeof(svm_features[0]);
