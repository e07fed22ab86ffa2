/*
 * ch02_detect.c - chapter 2: detecting and enabling SVM (APM2 §15.4).
 *
 * The chapter prints what CPUID and VM_CR say, names every feature bit,
 * and then enables SVM through svm_setup, checking that EFER.SVME and
 * VM_HSAVE_PA read back as written.  On a CPU without SVM, svm_setup
 * refuses and the run ends with the "no-svm" status.
 */
#include "chapters.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "dev/console.h"
#include "svm/svm.h"

static void print_features(uint32_t edx)
{
	unsigned i;

	kprintf("  features:");
	for (i = 0; i < svm_feature_count; i++)
		if (edx & (1u << svm_features[i].bit))
			kprintf(" %s", svm_features[i].name);
	kprintf("%s\n", edx ? "" : " (none)");
	for (i = 0; i < svm_feature_count; i++)
		kprintf("    bit %2u %-22s %s  %s\n", svm_features[i].bit,
			svm_features[i].name,
			edx & (1u << svm_features[i].bit) ? "yes" : " no",
			svm_features[i].meaning);
}

static void report_caps(const struct svm_caps *c)
{
	unsigned i;

	kprintf("CPUID 8000_0001h ECX=0x%08x: SVM %s\n", c->ext_ecx,
		c->ext_ecx & CPUID_EXT_ECX_SVM ? "present" : "absent");
	kprintf("CPUID 8000_000Ah: revision %u, %u ASIDs, EDX=0x%08x\n",
		c->revision, c->nasid, c->features);
	print_features(c->features);
	if (c->vm_cr_ok)
		kprintf("VM_CR=0x%llx: SVMDIS=%u LOCK=%u\n",
			(unsigned long long)c->vm_cr,
			(unsigned)!!(c->vm_cr & VM_CR_SVMDIS),
			(unsigned)!!(c->vm_cr & VM_CR_LOCK));
	else
		kprintf("VM_CR: RDMSR raised #GP (MSR not implemented)\n");

	trace_begin("report");
	trace_u64("ch", 2);
	trace_str("key", "svm.features");
	trace_obj_begin("value");
	trace_bool("svm", !!(c->ext_ecx & CPUID_EXT_ECX_SVM));
	trace_u64("revision", c->revision);
	trace_u64("nasid", c->nasid);
	trace_u64("edx", c->features);
	trace_arr_begin("features");
	for (i = 0; i < svm_feature_count; i++)
		if (c->features & (1u << svm_features[i].bit))
			trace_str(0, svm_features[i].name);
	trace_arr_end();
	trace_bool("vm_cr_readable", c->vm_cr_ok);
	trace_u64("vm_cr", c->vm_cr);
	trace_obj_end();
	trace_end();
}

/*
 * MSRs whose RDMSR must raise #GP: 1FFFh, the top of the first MSR
 * range, which no processor implements (APM3 "RDMSR"), and 802h, an
 * x2APIC register, while the local APIC is not in x2APIC mode.
 * rdmsr_safe turns the #GP into -1 through the fix-up table: the same
 * path that reads VM_CR safely.
 */
static const uint32_t faulting_msrs[] = { 0x00001FFFu, 0x00000802u };

static void report_faulting_msrs(void)
{
	unsigned i;

	trace_begin("report");
	trace_u64("ch", 2);
	trace_str("key", "msr.faulting");
	trace_arr_begin("value");
	for (i = 0; i < sizeof(faulting_msrs) / sizeof(faulting_msrs[0]);
	     i++) {
		uint64_t value = 0;
		int faulted = rdmsr_safe(faulting_msrs[i], &value) < 0;

		trace_obj_begin(0);
		trace_u64("msr", faulting_msrs[i]);
		trace_bool("faulted", faulted);
		trace_u64("value", value);
		trace_obj_end();
	}
	trace_arr_end();
	trace_end();
}

/*
 * APM2 §15.30.4: writing VM_HSAVE_PA with a value that is not 4 KiB
 * aligned raises #GP.  wrmsr_safe reports the #GP; if the write was
 * accepted instead, the good value is put back.
 */
static void report_misaligned_hsave(uint64_t hsave)
{
	int faulted = wrmsr_safe(MSR_VM_HSAVE_PA, hsave | 0x800) < 0;

	if (!faulted)
		wrmsr(MSR_VM_HSAVE_PA, hsave);
	kprintf("WRMSR VM_HSAVE_PA=0x%llx (misaligned): %s\n",
		(unsigned long long)(hsave | 0x800),
		faulted ? "#GP, recovered by the fix-up table" : "accepted");
	trace_begin("report");
	trace_u64("ch", 2);
	trace_str("key", "msr.hsave_misaligned");
	trace_obj_begin("value");
	trace_bool("faulted", faulted);
	trace_obj_end();
	trace_end();
}

void ch02_detect_run(void)
{
	struct svm_caps caps;
	enum svm_verdict v;
	uint64_t efer, hsave;

	svm_probe(&caps);
	report_caps(&caps);
	report_faulting_msrs();
	v = svm_assess(&caps);
	check(v == SVM_USABLE, "svm.usable", "%s", svm_verdict_text(v));
	if (svm_setup() < 0) {
		check(0, "svm.enable", "EFER.SVME or VM_HSAVE_PA did not "
		      "read back as written");
		return;
	}
	efer = rdmsr(MSR_EFER);
	hsave = rdmsr(MSR_VM_HSAVE_PA);
	check(!!(efer & EFER_SVME), "svm.efer_svme",
	      "EFER=0x%llx, SVME (bit 12) %s", (unsigned long long)efer,
	      efer & EFER_SVME ? "set" : "clear");
	check(hsave != 0 && !(hsave & 0xFFF), "svm.hsave_pa",
	      "VM_HSAVE_PA=0x%llx is a non-zero 4 KiB-aligned page",
	      (unsigned long long)hsave);
	report_misaligned_hsave(hsave);
	check(rdmsr(MSR_VM_HSAVE_PA) == hsave, "svm.hsave_pa_kept",
	      "VM_HSAVE_PA still 0x%llx after the misaligned write",
	      (unsigned long long)hsave);
}
