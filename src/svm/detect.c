/*
 * detect.c - probe, assess and enable SVM (APM2 §15.4).
 */
#include "svm.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "kernel/lab.h"

struct svm_caps svm_host_caps;

void svm_probe(struct svm_caps *caps)
{
	struct cpuid_regs r;

	*caps = (struct svm_caps){ 0 };
	/* LAB 2 BEGIN svm_probe: read CPUID 8000_0001h and 8000_000Ah */
	r = cpuid(0x80000000u, 0);
	caps->max_ext_leaf = r.eax;
	if (caps->max_ext_leaf >= CPUID_EXT_FEATURES)
		caps->ext_ecx = cpuid(CPUID_EXT_FEATURES, 0).ecx;
	if (caps->max_ext_leaf >= CPUID_SVM_FEATURES &&
	    (caps->ext_ecx & CPUID_EXT_ECX_SVM)) {
		r = cpuid(CPUID_SVM_FEATURES, 0);
		caps->revision = r.eax & 0xFF;
		caps->nasid = r.ebx;
		caps->features = r.edx;
	}
	/* LAB 2 END */
	/* VM_CR exists only with SVM; on some models RDMSR raises #GP. */
	caps->vm_cr_ok = rdmsr_safe(MSR_VM_CR, &caps->vm_cr) == 0;
	if (!caps->vm_cr_ok)
		caps->vm_cr = 0;
}

int svm_enable(uint64_t hsave_pa)
{
	/* LAB 2 BEGIN svm_enable: set EFER.SVME and program VM_HSAVE_PA */
	uint64_t efer = rdmsr(MSR_EFER);

	/* The host save area must be 4 KiB aligned (APM2 §15.30.4). */
	if (hsave_pa & 0xFFF)
		return -1;
	/*
	 * Why EFER.SVME first: with SVME clear, every SVM instruction is
	 * #UD, and VM_HSAVE_PA is only used by VMRUN (APM2 §15.4).
	 */
	wrmsr(MSR_EFER, efer | EFER_SVME);
	if (!(rdmsr(MSR_EFER) & EFER_SVME))
		return -1;
	wrmsr(MSR_VM_HSAVE_PA, hsave_pa);
	return rdmsr(MSR_VM_HSAVE_PA) == hsave_pa ? 0 : -1;
	/* LAB 2 END */
}
