/*
 * ch05_instructions.c - chapter 5: instruction intercepts (APM2 §15.9,
 * Appendix C).  One guest per intercepted instruction; the handlers are
 * in src/svm/intercepts.c, the decode in src/svm/decode.c.
 *
 * From this chapter on, every guest runs with CPUID virtualised, the SVM
 * instructions refused with #UD and its TSC offset (HV_POLICY_CPUID).
 * The host's own CPUID values are reported first, so the tests can check
 * exactly what the virtualisation changed.
 */
#include "chapters.h"
#include "arch/x86.h"

const char *const ch05_guests[] = {
	"cpuid", "rdtsc", "tsc_offset", "rdtscp", "rdpmc", "invd", "wbinvd",
	"pause", "monitor", "mwait", "xsetbv", "invlpg", "pushf_popf", "intn",
	"iret", "icebp", "ud_vmrun", "ud_vmload", "ud_vmsave", "ud_stgi",
	"ud_clgi", "ud_skinit", "ud_invlpga", "lengths", 0
};

void ch05_instructions_run(void)
{
	course_report("host.cpuid.1.ecx", cpuid(1, 0).ecx);
	course_report("host.cpuid.80000001.ecx", cpuid(0x80000001u, 0).ecx);
	course_run_guests(ch05_guests);
}
