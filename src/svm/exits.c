/*
 * exits.c - the table of APM2 Appendix C "SVM Intercept Exit Codes".
 *
 * One entry per code, sorted by code as an unsigned 64-bit number.  The
 * CRn and DRn ranges come from macros, one entry per register; every
 * other entry is written out.  No library calls: the file is built both
 * into the freestanding kernel and into the host unit tests.
 */
#include <stddef.h>
#include "svm/exits.h"

/* Exit codes 0h-3Fh: MOV from/to CRn and DRn (APM2 §15.9). */
#define CR_READ(n)  { 0x000 + (n), "CR" #n "_READ", \
		      "read of CR" #n " (MOV from CR" #n ")" }
#define CR_WRITE(n) { 0x010 + (n), "CR" #n "_WRITE", \
		      "write of CR" #n " (MOV to CR" #n "), before it happens" }
#define DR_READ(n)  { 0x020 + (n), "DR" #n "_READ", \
		      "read of DR" #n " (MOV from DR" #n ")" }
#define DR_WRITE(n) { 0x030 + (n), "DR" #n "_WRITE", \
		      "write of DR" #n " (MOV to DR" #n ")" }
/* Exit codes 90h-9Fh: SEV-ES control-register write traps. */
#define CR_TRAP(n)  { 0x090 + (n), "CR" #n "_WRITE_TRAP", \
		      "write of CR" #n " after it completed (SEV-ES); " \
		      "EXITINFO1 = new value" }

#define FOUR(m, a, b, c, d) m(a), m(b), m(c), m(d)
#define SIXTEEN(m) FOUR(m, 0, 1, 2, 3), FOUR(m, 4, 5, 6, 7), \
		   FOUR(m, 8, 9, 10, 11), FOUR(m, 12, 13, 14, 15)

#define NEG(n) ((uint64_t)0 - (n))

const struct svm_exit_info svm_exit_table[] = {
	/* 0h-Fh: the CR0 intercept also catches SMSW; see §15.9. */
	{ 0x000, "CR0_READ", "read of CR0 (MOV from CR0, SMSW)" },
	CR_READ(1), CR_READ(2), CR_READ(3),
	FOUR(CR_READ, 4, 5, 6, 7), FOUR(CR_READ, 8, 9, 10, 11),
	FOUR(CR_READ, 12, 13, 14, 15),
	/* 10h-1Fh: the CR0 intercept also catches LMSW and CLTS. */
	{ 0x010, "CR0_WRITE",
	  "write of CR0 (MOV to CR0, LMSW, CLTS), before it happens" },
	CR_WRITE(1), CR_WRITE(2), CR_WRITE(3),
	FOUR(CR_WRITE, 4, 5, 6, 7), FOUR(CR_WRITE, 8, 9, 10, 11),
	FOUR(CR_WRITE, 12, 13, 14, 15),
	SIXTEEN(DR_READ),
	SIXTEEN(DR_WRITE),
	/* 40h-5Fh: exception vectors 0-31 (§15.12). */
	{ 0x040, "EXCP0", "exception #DE, divide error" },
	{ 0x041, "EXCP1", "exception #DB, debug (INT1/ICEBP exits as ICEBP)" },
	{ 0x042, "EXCP2",
	  "vector 2, NMI: not an exception intercept, use the NMI intercept" },
	{ 0x043, "EXCP3", "exception #BP, breakpoint (INT3); RIP is the INT3" },
	{ 0x044, "EXCP4", "exception #OF, overflow (INTO)" },
	{ 0x045, "EXCP5", "exception #BR, BOUND range exceeded" },
	{ 0x046, "EXCP6", "exception #UD, invalid opcode" },
	{ 0x047, "EXCP7", "exception #NM, device not available" },
	{ 0x048, "EXCP8", "exception #DF, double fault" },
	{ 0x049, "EXCP9",
	  "vector 9, reserved (coprocessor segment overrun): not implemented" },
	{ 0x04a, "EXCP10", "exception #TS, invalid TSS" },
	{ 0x04b, "EXCP11",
	  "exception #NP, segment not present; EXITINFO1 = error code" },
	{ 0x04c, "EXCP12",
	  "exception #SS, stack fault; EXITINFO1 = error code" },
	{ 0x04d, "EXCP13",
	  "exception #GP, general protection; EXITINFO1 = error code" },
	{ 0x04e, "EXCP14", "exception #PF, page fault; EXITINFO1 = error code, "
	  "EXITINFO2 = faulting address" },
	{ 0x04f, "EXCP15", "vector 15, reserved" },
	{ 0x050, "EXCP16", "exception #MF, x87 floating-point error" },
	{ 0x051, "EXCP17",
	  "exception #AC, alignment check; EXITINFO1 = error code" },
	{ 0x052, "EXCP18", "exception #MC, machine check" },
	{ 0x053, "EXCP19", "exception #XF, SIMD floating-point exception" },
	{ 0x054, "EXCP20", "vector 20, reserved" },
	{ 0x055, "EXCP21",
	  "exception #CP, control protection; EXITINFO1 = error code" },
	{ 0x056, "EXCP22", "vector 22, reserved" },
	{ 0x057, "EXCP23", "vector 23, reserved" },
	{ 0x058, "EXCP24", "vector 24, reserved" },
	{ 0x059, "EXCP25", "vector 25, reserved" },
	{ 0x05a, "EXCP26", "vector 26, reserved" },
	{ 0x05b, "EXCP27", "vector 27, reserved" },
	{ 0x05c, "EXCP28",
	  "exception #HV, hypervisor injection (SEV-SNP restricted "
	  "injection)" },
	{ 0x05d, "EXCP29", "exception #VC, VMM communication (SEV-ES)" },
	{ 0x05e, "EXCP30",
	  "exception #SX, security exception; EXITINFO1 = error code" },
	{ 0x05f, "EXCP31", "vector 31, reserved" },
	/* 60h-7Fh: intercept_misc1 bit n (§15.9, §15.13, §15.14). */
	{ 0x060, "INTR", "physical maskable interrupt (INTR)" },
	{ 0x061, "NMI", "physical NMI" },
	{ 0x062, "SMI", "SMI; EXITINFO1 bit 0 = 1 if it came from outside" },
	{ 0x063, "INIT", "INIT signal" },
	{ 0x064, "VINTR", "the guest is about to take a virtual interrupt" },
	{ 0x065, "CR0_SEL_WRITE",
	  "MOV to CR0 or LMSW changing a CR0 bit other than TS or MP" },
	{ 0x066, "IDTR_READ", "SIDT" },
	{ 0x067, "GDTR_READ", "SGDT" },
	{ 0x068, "LDTR_READ", "SLDT" },
	{ 0x069, "TR_READ", "STR" },
	{ 0x06a, "IDTR_WRITE", "LIDT" },
	{ 0x06b, "GDTR_WRITE", "LGDT" },
	{ 0x06c, "LDTR_WRITE", "LLDT" },
	{ 0x06d, "TR_WRITE", "LTR" },
	{ 0x06e, "RDTSC", "RDTSC" },
	{ 0x06f, "RDPMC", "RDPMC" },
	{ 0x070, "PUSHF", "PUSHF" },
	{ 0x071, "POPF", "POPF" },
	{ 0x072, "CPUID", "CPUID" },
	{ 0x073, "RSM", "RSM" },
	{ 0x074, "IRET", "IRET" },
	{ 0x075, "SWINT", "software interrupt INTn; EXITINFO1 = n with "
	  "decode assists" },
	{ 0x076, "INVD", "INVD" },
	{ 0x077, "PAUSE", "PAUSE, once the pause filter count has run out" },
	{ 0x078, "HLT", "HLT" },
	{ 0x079, "INVLPG", "INVLPG; EXITINFO1 = linear address with decode "
	  "assists" },
	{ 0x07a, "INVLPGA", "INVLPGA" },
	{ 0x07b, "IOIO", "IN, OUT, INS or OUTS on an intercepted port; "
	  "EXITINFO1 = decode, EXITINFO2 = next RIP" },
	{ 0x07c, "MSR", "RDMSR (EXITINFO1 = 0) or WRMSR (EXITINFO1 = 1) of an "
	  "intercepted MSR" },
	{ 0x07d, "TASK_SWITCH", "task switch; EXITINFO1 bits 15:0 = the new "
	  "TSS selector" },
	{ 0x07e, "FERR_FREEZE",
	  "processor frozen by FERR (legacy x87 error handling)" },
	{ 0x07f, "SHUTDOWN", "a shutdown condition, such as a triple fault" },
	/* 80h-8Fh: intercept_misc2 bits 0-15. */
	{ 0x080, "VMRUN", "VMRUN" },
	{ 0x081, "VMMCALL", "VMMCALL" },
	{ 0x082, "VMLOAD", "VMLOAD" },
	{ 0x083, "VMSAVE", "VMSAVE" },
	{ 0x084, "STGI", "STGI" },
	{ 0x085, "CLGI", "CLGI" },
	{ 0x086, "SKINIT", "SKINIT" },
	{ 0x087, "RDTSCP", "RDTSCP" },
	{ 0x088, "ICEBP", "ICEBP (INT1, opcode F1h)" },
	{ 0x089, "WBINVD", "WBINVD or WBNOINVD" },
	{ 0x08a, "MONITOR", "MONITOR or MONITORX" },
	{ 0x08b, "MWAIT", "MWAIT or MWAITX (unconditional intercept)" },
	{ 0x08c, "MWAIT_CONDITIONAL",
	  "MWAIT or MWAITX while the monitor hardware is armed" },
	{ 0x08d, "XSETBV", "XSETBV" },
	{ 0x08e, "RDPRU", "RDPRU" },
	{ 0x08f, "EFER_WRITE_TRAP", "write of EFER after it completed "
	  "(SEV-ES); EXITINFO1 = new value" },
	/* 90h-9Fh: intercept_misc2 bits 16-31. */
	SIXTEEN(CR_TRAP),
	/* A0h-A6h: intercept_misc3 bit n. */
	{ 0x0a0, "INVLPGB", "INVLPGB" },
	{ 0x0a1, "INVLPGB_ILLEGAL", "INVLPGB with illegal operands" },
	{ 0x0a2, "INVPCID", "INVPCID" },
	{ 0x0a3, "MCOMMIT", "MCOMMIT" },
	{ 0x0a4, "TLBSYNC", "TLBSYNC" },
	{ 0x0a5, "BUSLOCK", "bus lock with the bus lock threshold counter "
	  "at zero" },
	{ 0x0a6, "IDLE_HLT", "HLT while no virtual interrupt is pending" },
	/* 400h-403h: nested paging, AVIC, SEV-ES. */
	{ 0x400, "NPF", "nested page fault; EXITINFO1 = error code, "
	  "EXITINFO2 = guest physical address" },
	{ 0x401, "AVIC_INCOMPLETE_IPI",
	  "AVIC could not deliver an IPI to every target" },
	{ 0x402, "AVIC_NOACCEL",
	  "guest access to a vAPIC register that AVIC does not accelerate" },
	{ 0x403, "VMGEXIT", "VMGEXIT: an SEV-ES guest calls the hypervisor" },
	/* Negative: VMRUN failed; last in unsigned order, -4 first. */
	{ NEG(4), "INVALID_PMC",
	  "VMRUN found invalid performance-counter state in an SEV-ES VMSA" },
	{ NEG(3), "IDLE_REQUIRED", "VMRUN of an SMT-protected SEV-SNP guest "
	  "while the sibling thread was not idle" },
	{ NEG(2), "BUSY", "VMRUN of an SEV-SNP VMSA whose BUSY bit is set" },
	{ NEG(1), "INVALID",
	  "VMRUN found an illegal guest state or control field" },
};

const unsigned svm_exit_table_count =
	sizeof(svm_exit_table) / sizeof(svm_exit_table[0]);

/* The entry for @code, by binary search of the sorted table, or NULL. */
static const struct svm_exit_info *svm_exit_lookup(uint64_t code)
{
	unsigned lo = 0, hi = svm_exit_table_count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (svm_exit_table[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < svm_exit_table_count && svm_exit_table[lo].code == code)
		return &svm_exit_table[lo];
	return NULL;
}

const char *svm_exit_name(uint64_t code)
{
	const struct svm_exit_info *e = svm_exit_lookup(code);

	return e ? e->name : "UNKNOWN";
}

const char *svm_exit_meaning(uint64_t code)
{
	const struct svm_exit_info *e = svm_exit_lookup(code);

	return e ? e->meaning : "";
}
