/*
 * fuzz_insn.c - fuzz=insn: random instructions run as guest code under
 * the whole hypervisor, in each guest mode (chapter 17; the lesson is
 * chapters/17-hardening/README.md).
 *
 * A case is a short string of bytes: random bytes mixed with the
 * encodings of instructions that exit (a dictionary, so that the rare
 * three-byte opcodes show up as often as the hypervisor's handlers
 * deserve), and random values for the general registers, drawn half the
 * time from numbers that matter to the hypervisor (MSR and port numbers,
 * hypercall numbers, the MMIO page, its own RAM).  Each case runs once in
 * each of three modes: real mode, 32-bit protected mode without paging,
 * and long mode, all under nested paging with chapter 17's policy, every
 * exception and every instruction the hypervisor has a handler for
 * intercepted, a short watchdog and an exit limit.  Its bytes are
 * followed by a sled of NOPs and HC_DONE; every exception vector of the
 * guest leads to HC_DONE too.  So a case ends in one of two ways:
 *
 *   done      the guest reached HC_DONE: through the sled, or after an
 *             exception the hypervisor reflected into it;
 *   stopped   the hypervisor stopped it, with a reason: the watchdog, the
 *             exit limit, an exit it does not handle, a request it
 *             cannot serve, ...
 *
 * What must never happen: a host exception (the run would end in a
 * panic, without the summary), a hang (the harness's timeout), or a
 * change to the host's state, which hardening_host_changed checks after
 * every case (chapter 17's containment check).
 *
 * The modes share one 8 MiB of guest RAM, mapped in each mode's nested
 * page table.  The pages the harness builds (descriptor tables, page
 * tables, handlers, the code and stack pages) are restored before every
 * case; the rest of RAM keeps what earlier cases wrote, so a case is
 * reproduced by running the same seed up to it.  Nothing is allocated
 * per case: the hypervisor never frees memory (kernel/palloc.c), and a
 * fuzzer that loaded a guest per case would run out of it.
 */
#include "chapters.h"
#include "fuzz.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/course.h"
#include "kernel/panic.h"
#include "kernel/results.h"
#include "kernel/trace.h"
#include "lib/format.h"
#include "lib/string.h"
#include "svm/exits.h"
#include "svm/guest.h"
#include "svm/seg.h"
#include "svm/svm.h"
#include "svm/vcpu.h"

/* chapter 17 (ch17_hardening.c) */
void hardening_baseline(void);
const char *hardening_host_changed(void);

/* ---- the guest's memory ------------------------------------------------ */

/*
 * Guest-physical layout, the same in every mode (real mode reaches the
 * first MiB; everything the harness builds lies in the first 128 KiB).
 *
 *   00000  real-mode interrupt vector table
 *   01000  GDT: null, 64-bit code, data, 64-bit TSS (2 slots), 32-bit code
 *   02000  64-bit IDT: 256 trap gates to the handler, IST 1
 *   03000  32-bit IDT: 256 trap gates to the handler
 *   04000  64-bit TSS (RSP0 and IST1 at 06000h); at 04100h a 32-bit TSS
 *          (SS0:ESP0 = 10h:06000h)
 *   05000  the exception stack (IST1), its top at 06000h
 *   08000  PML4, 09000 PDPT, 0A000 PD of 0-1 GiB, 0B000 PD of the MMIO GiB
 *   0C000  the handlers: HC_DONE (64-bit at +0, 32-bit at +10h, 16-bit at +20h)
 *   10000  the case's code, then the sled
 *   1E000  the stack, its top at 1F000h (real mode: SS:SP = 1000:F000)
 *   20000  a data page some registers point at
 */
#define FZ_IVT          0x00000
#define FZ_GDT          0x01000
#define FZ_IDT64        0x02000
#define FZ_IDT32        0x03000
#define FZ_TSS          0x04000
#define FZ_TSS32        0x04100
#define FZ_IST_TOP      0x06000
#define FZ_PML4         0x08000
#define FZ_PDPT         0x09000
#define FZ_PD_LOW       0x0A000
#define FZ_PD_MMIO      0x0B000
#define FZ_HANDLER      0x0C000
#define FZ_CODE         0x10000
#define FZ_STACK_TOP    0x1F000
#define FZ_DATA         0x20000
#define FZ_HARNESS_END  0x21000         /* restored before every case */
#define FZ_REAL_SEG     0x1000          /* CS = DS = SS = 1000h */
#define FZ_RAM          GUEST_RAM_SIZE

/* GDT selectors. */
#define SEL_CODE64      0x08
#define SEL_DATA        0x10
#define SEL_TSS64       0x18
#define SEL_CODE32      0x28

/* Paging-structure bits (APM2 §5.3.3). */
#define PTE_P           (1ull << 0)
#define PTE_RW          (1ull << 1)
#define PTE_PCD         (1ull << 4)
#define PTE_PS          (1ull << 7)

/* ---- the intercepts ----------------------------------------------------- */

/*
 * Everything the hypervisor has a handler for, and a few it has none
 * for (RSM, task switches, FERR_FREEZE, LTR): those exits must stop the
 * guest cleanly.  Every exception but NMI's vector (an NMI is an
 * intercept of its own).  Reads and writes of CR0, CR3, CR4 and CR8,
 * and of every DR.
 *
 * LTR is intercepted so that no case ever runs with a null TR: QEMU 7.2
 * loads a null selector into TR where the APM raises #GP(0), and aborts
 * the whole emulator ("qemu: fatal: invalid tss") at the next exception
 * that needs the TSS, as every exception of the long-mode harness does
 * (IST 1).  guests/fuzz_regress_ltr.S keeps that case, found by this
 * fuzzer (tests/deviations.py: qemu-ltr-null-selector).
 */
#define FZ_MISC1 (GUEST_BASE_MISC1 | SVM_MISC1_CPUID | SVM_MISC1_INVLPGA | \
		  SVM_MISC1_RDTSC | SVM_MISC1_RDPMC | SVM_MISC1_PUSHF |   \
		  SVM_MISC1_POPF | SVM_MISC1_RSM | SVM_MISC1_IRET |       \
		  SVM_MISC1_INTN | SVM_MISC1_INVD | SVM_MISC1_PAUSE |     \
		  SVM_MISC1_INVLPG | SVM_MISC1_TASK_SWITCH |              \
		  SVM_MISC1_FERR_FREEZE | SVM_MISC1_TR_WRITE)
#define FZ_MISC2 (GUEST_BASE_MISC2 | SVM_MISC2_VMLOAD | SVM_MISC2_VMSAVE | \
		  SVM_MISC2_STGI | SVM_MISC2_CLGI | SVM_MISC2_SKINIT |    \
		  SVM_MISC2_RDTSCP | SVM_MISC2_ICEBP | SVM_MISC2_WBINVD | \
		  SVM_MISC2_MONITOR | SVM_MISC2_MWAIT | SVM_MISC2_XSETBV)
#define FZ_EXCEPTIONS   (~0u & ~(1u << 2))
#define FZ_CRS          ((1u << 0) | (1u << 3) | (1u << 4) | (1u << 8))
#define FZ_DRS          0xffu

/* A line every so many cases. */
#define FZ_PROGRESS     100

/* Per case: the watchdog (times 4 under nested paging) and exits. */
#define FZ_WATCHDOG_MS  1
#define FZ_MAX_EXITS    200

/* ---- the cases ---------------------------------------------------------- */

/* Longest string of bytes a case runs, before the sled. */
#define FZ_CODE_MAX     64
/* NOPs between a case's bytes and HC_DONE. */
#define FZ_SLED         16

/** One case: its bytes and its registers (RAX-R15 in vcpu_gpr order). */
struct fuzz_case {
	uint8_t code[FZ_CODE_MAX];
	unsigned len;
	uint64_t gpr[16];
};

/* splitmix64: a PRNG of 64 bits of state, enough for a fuzzer. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A number below @p n. */
static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(next(s) % n);
}

/*
 * The dictionary: instructions that exit, or that change what the next
 * exit means (CR, DR, segment and flag changes).  Length first.
 */
static const uint8_t dict[][5] = {
	{ 2, 0x0f, 0xa2 },              /* CPUID */
	{ 3, 0x0f, 0x01, 0xd9 },        /* VMMCALL */
	{ 4, 0xf3, 0x0f, 0x01, 0xd9 },  /* VMGEXIT */
	{ 1, 0xf4 },                    /* HLT */
	{ 2, 0x0f, 0x32 },              /* RDMSR */
	{ 2, 0x0f, 0x30 },              /* WRMSR */
	{ 1, 0xec }, { 1, 0xed },       /* IN AL/EAX, DX */
	{ 1, 0xee }, { 1, 0xef },       /* OUT DX, AL/EAX */
	{ 2, 0xe4, 0x21 },              /* IN AL, 21h */
	{ 2, 0xe6, 0xf4 },              /* OUT F4h, AL */
	{ 2, 0xf3, 0x6c },              /* REP INSB */
	{ 2, 0xf3, 0x6e },              /* REP OUTSB */
	{ 2, 0xf3, 0x6d },              /* REP INSD */
	{ 1, 0x6c }, { 1, 0x6e },       /* INSB, OUTSB */
	{ 2, 0xcd, 0x80 },              /* INT 80h */
	{ 2, 0xcd, 0x03 },              /* INT 3 (two bytes) */
	{ 1, 0xcc },                    /* INT3 */
	{ 1, 0xce },                    /* INTO */
	{ 1, 0xf1 },                    /* ICEBP */
	{ 2, 0x0f, 0x0b },              /* UD2 */
	{ 2, 0x0f, 0x31 },              /* RDTSC */
	{ 3, 0x0f, 0x01, 0xf9 },        /* RDTSCP */
	{ 2, 0x0f, 0x33 },              /* RDPMC */
	{ 2, 0x0f, 0x08 },              /* INVD */
	{ 2, 0x0f, 0x09 },              /* WBINVD */
	{ 2, 0xf3, 0x90 },              /* PAUSE */
	{ 3, 0x0f, 0x01, 0xc8 },        /* MONITOR */
	{ 3, 0x0f, 0x01, 0xc9 },        /* MWAIT */
	{ 3, 0x0f, 0x01, 0xd1 },        /* XSETBV */
	{ 3, 0x0f, 0x01, 0x38 },        /* INVLPG [RAX] */
	{ 1, 0x9c }, { 1, 0x9d },       /* PUSHF, POPF */
	{ 1, 0xcf },                    /* IRET */
	{ 3, 0x0f, 0x01, 0xd8 },        /* VMRUN */
	{ 3, 0x0f, 0x01, 0xda },        /* VMLOAD */
	{ 3, 0x0f, 0x01, 0xdb },        /* VMSAVE */
	{ 3, 0x0f, 0x01, 0xdc },        /* STGI */
	{ 3, 0x0f, 0x01, 0xdd },        /* CLGI */
	{ 3, 0x0f, 0x01, 0xde },        /* SKINIT */
	{ 3, 0x0f, 0x01, 0xdf },        /* INVLPGA */
	{ 3, 0x0f, 0x20, 0xc0 },        /* MOV EAX, CR0 */
	{ 3, 0x0f, 0x22, 0xc0 },        /* MOV CR0, EAX */
	{ 3, 0x0f, 0x22, 0xd8 },        /* MOV CR3, EAX */
	{ 3, 0x0f, 0x22, 0xe0 },        /* MOV CR4, EAX */
	{ 3, 0x0f, 0x20, 0xe1 },        /* MOV ECX, CR4 */
	{ 4, 0x44, 0x0f, 0x22, 0xc0 },  /* MOV CR8, EAX */
	{ 3, 0x0f, 0x21, 0xf8 },        /* MOV EAX, DR7 */
	{ 3, 0x0f, 0x23, 0xc1 },        /* MOV DR0, ECX */
	{ 3, 0x0f, 0x23, 0xfa },        /* MOV DR7, EDX */
	{ 3, 0x0f, 0x01, 0x10 },        /* LGDT [RAX] */
	{ 3, 0x0f, 0x01, 0x18 },        /* LIDT [RAX] */
	{ 3, 0x0f, 0x00, 0x18 },        /* LTR [RAX] */
	{ 2, 0x8e, 0xd0 },              /* MOV SS, EAX */
	{ 2, 0x8e, 0xd8 },              /* MOV DS, EAX */
	{ 1, 0xfb },                    /* STI */
	{ 2, 0x0f, 0xaa },              /* RSM */
	{ 2, 0x0f, 0x05 },              /* SYSCALL */
	{ 2, 0x0f, 0x34 },              /* SYSENTER */
	{ 2, 0x8b, 0x00 },              /* MOV EAX, [RAX]: MMIO if RAX is */
	{ 2, 0x89, 0x08 },              /* MOV [RAX], ECX */
	{ 3, 0xc6, 0x00, 0x5a },        /* MOV BYTE [RAX], 5Ah */
	{ 2, 0xff, 0xe0 },              /* JMP RAX */
	{ 2, 0xeb, 0xfe },              /* JMP $: the watchdog's */
};

#define NDICT (sizeof(dict) / sizeof(dict[0]))

/* Values a register gets half the time: what the hypervisor looks at. */
static const uint64_t interesting[] = {
	0, 1, 2, 3, 0xf, 0x10, 0x80, 0xff, 0xffff, 0xffffffffull,
	~0ull, 1ull << 32, 1ull << 40, 0x8000000000000000ull,
	FZ_DATA, FZ_DATA + 0xff8, FZ_CODE, FZ_STACK_TOP - 0x100, FZ_GDT,
	FZ_PML4, FZ_RAM - 8, FZ_RAM, HV_MMIO_BASE, HV_MMIO_BASE + HV_MMIO_DATA,
	HV_MMIO_BASE + 0xffc,
	0xc0000080, 0xc0000081, 0xc0000100, HV_MSR_ID, HV_MSR_SCRATCH,
	0xc0010130, 0xc0010117, 0xc0010114, 0x1b, 0x10, 0x174, 0x277,
	0x3f8, 0x3fd, 0x20, 0x21, 0x40, 0x43, 0x70, 0x92, 0xcf9, 0xf4,
	HV_DEV_DATA, HV_DEV_ID, HV_DEV_FIFO, 0x80, 0x604, 0xb004,
	HC_DONE, HC_REPORT, HC_PASS, HC_INJECT, HC_RAISE_IRQ, HC_NMI,
	HC_VIRQ, HC_PAGE_OUT, HC_YIELD, HC_NPT_SET, HC_NPF_INFO,
	HC_DIRTY_START, HC_DIRTY_LIST, HC_HV_ADDRESS, HC_VC_PROBE, 17,
	0x80000b0d, 0x80000306, 0x80000020, 0x202, 0x200000,
};

#define NINTERESTING (sizeof(interesting) / sizeof(interesting[0]))

/*
 * No CLI.  A guest spinning with RFLAGS.IF = 0 never exits on Bochs 2.7,
 * which holds the watchdog's interrupt until the guest's IF is 1 despite
 * V_INTR_MASKING (tests/deviations.py: bochs-vintr-masking-guest-if-
 * holds-intr): one such case would hang the run.  So random bytes never
 * hold CLI, the gates are trap gates, which leave IF alone, and guest
 * RAM is filled with 8Eh bytes (FZ_FILL): popped as RFLAGS, 8E8Eh has IF
 * and not TF; run as code, at any alignment, 8E 8E is MOV CS, r/m16,
 * #UD in every mode, so a jump into RAM ends at once instead of sliding
 * through megabytes of ADDs (what zeros decode to).  TF is kept rare on
 * purpose: Bochs 2.7 delivers a guest's pending single-step trap to the
 * host after #VMEXIT (guests/fuzz_regress_tf.S).  A case can still clear
 * IF (PUSH 0; POPF): the summary counts the watchdog stops with IF = 0,
 * each of which would hang Bochs.
 */
#define FZ_CLI          0xfa
#define FZ_STI          0xfb
#define FZ_FILL         0x8e

/* Case @p n of the run seeded @p seed: the same every time. */
static void make_case(uint64_t seed, unsigned n, struct fuzz_case *k)
{
	uint64_t s = seed * 0x100000001b3ull + n;
	unsigned chunks = 1 + below(&s, 8), i, j;

	k->len = 0;
	for (i = 0; i < chunks; i++) {
		if (below(&s, 2)) {
			const uint8_t *d = dict[below(&s, NDICT)];

			if (k->len + d[0] > FZ_CODE_MAX)
				break;
			memcpy(k->code + k->len, d + 1, d[0]);
			k->len += d[0];
		} else {
			unsigned len = 1 + below(&s, 6);

			for (j = 0; j < len && k->len < FZ_CODE_MAX; j++) {
				uint8_t b = (uint8_t)next(&s);

				k->code[k->len++] = b == FZ_CLI ? FZ_STI : b;
			}
		}
	}
	for (i = 0; i < 16; i++)
		k->gpr[i] = below(&s, 2) ? interesting[below(&s, NINTERESTING)]
					 : next(&s);
	/* RSP: mostly a stack that works, now and then anything. */
	k->gpr[4] = below(&s, 8) ? FZ_STACK_TOP : next(&s);
}

/* ---- the modes ---------------------------------------------------------- */

/** One guest mode: its vcpu and what a case starts from. */
struct fuzz_mode {
	const char *name;               /* as the summary says it */
	const char *vcpu_name;          /* as its vcpu's messages say it */
	uint32_t mode;                  /* GUEST_MODE_* */
	struct vcpu v;                  /* the vcpu every case runs on */
	struct vcpu start;              /* v as it is before a case */
	struct vmcb *vmcb_start;        /* the VMCB before a case */
	unsigned runs, done, stopped;   /* cases run, and how they ended */
	unsigned done_exception;        /* done in the exception handler */
	unsigned rebuilt;               /* nested page tables rebuilt */
};

static struct fuzz_mode modes[] = {
	{ .name = "real", .vcpu_name = "fuzz.real",
	  .mode = GUEST_MODE_REAL },
	{ .name = "prot32", .vcpu_name = "fuzz.prot32",
	  .mode = GUEST_MODE_PROT32 },
	{ .name = "long", .vcpu_name = "fuzz.long", .mode = GUEST_MODE_LONG },
};

#define NMODES (sizeof(modes) / sizeof(modes[0]))

static uint8_t *ram;                    /* the 8 MiB of guest RAM */
static uint8_t *harness;                /* the harness pages, as built */

/* The HC_DONE sequences: long and 32-bit mode, then real mode. */
static const uint8_t done_32[] = {
	0xb8, HC_DONE, 0, 0, 0,         /* MOV EAX, HC_DONE */
	0x0f, 0x01, 0xd9,               /* VMMCALL */
	0xeb, 0xf6,                     /* JMP back to the MOV */
};
static const uint8_t done_16[] = {
	0x66, 0xb8, HC_DONE, 0, 0, 0,   /* MOV EAX, HC_DONE */
	0x0f, 0x01, 0xd9,               /* VMMCALL */
	0xeb, 0xf5,                     /* JMP back to the MOV */
};

#define HANDLER_64      (FZ_HANDLER + 0x00)
#define HANDLER_32      (FZ_HANDLER + 0x10)
#define HANDLER_16      (FZ_HANDLER + 0x20)

static void put64(uint8_t *m, uint64_t at, uint64_t v)
{
	memcpy(m + at, &v, 8);
}

/*
 * The harness pages, built once in @p m: descriptor tables, the TSS,
 * page tables, the interrupt vector table and the handlers.  Every
 * vector goes to a handler that makes HC_DONE, through a trap gate (so
 * RFLAGS.IF stays as it was) and, in long mode, on a stack of its own
 * (IST 1), so that a case's garbage RSP cannot turn delivery into #DF.
 */
static void build_harness(uint8_t *m)
{
	unsigned i;

	/* The tables (00000h-0BFFFh) start as zeros, the rest as RAM. */
	memset(m, 0, FZ_HANDLER);
	memset(m + FZ_HANDLER, FZ_FILL, FZ_HARNESS_END - FZ_HANDLER);
	put64(m, FZ_GDT + SEL_CODE64, 0x00AF9B000000FFFFull);
	put64(m, FZ_GDT + SEL_DATA, 0x00CF93000000FFFFull);
	put64(m, FZ_GDT + SEL_TSS64, 0x00008B0000000067ull |
	      ((uint64_t)FZ_TSS << 16));
	put64(m, FZ_GDT + SEL_CODE32, 0x00CF9B000000FFFFull);
	for (i = 0; i < 256; i++) {
		uint8_t *g64 = m + FZ_IDT64 + 16 * i;
		uint8_t *g32 = m + FZ_IDT32 + 8 * i;
		uint8_t *ivt = m + FZ_IVT + 4 * i;

		g64[0] = (uint8_t)HANDLER_64;
		g64[1] = (uint8_t)(HANDLER_64 >> 8);
		g64[2] = SEL_CODE64;
		g64[4] = 1;                     /* IST 1 */
		g64[5] = 0x8f;                  /* P, DPL 0, 64-bit trap gate */
		g32[0] = (uint8_t)HANDLER_32;
		g32[1] = (uint8_t)(HANDLER_32 >> 8);
		g32[2] = SEL_CODE32;
		g32[5] = 0x8f;                  /* P, DPL 0, 32-bit trap gate */
		ivt[0] = (uint8_t)HANDLER_16;   /* 0000:C020 */
		ivt[1] = (uint8_t)(HANDLER_16 >> 8);
	}
	put64(m, FZ_TSS + 0x04, FZ_IST_TOP);    /* RSP0 */
	put64(m, FZ_TSS + 0x24, FZ_IST_TOP);    /* IST1 */
	put64(m, FZ_TSS32 + 0x04, FZ_IST_TOP | ((uint64_t)SEL_DATA << 32));
	put64(m, FZ_PML4, FZ_PDPT | PTE_P | PTE_RW);
	put64(m, FZ_PDPT, FZ_PD_LOW | PTE_P | PTE_RW);
	put64(m, FZ_PDPT + 8 * ((HV_MMIO_BASE >> 30) & 511),
	      FZ_PD_MMIO | PTE_P | PTE_RW);
	for (i = 0; i < FZ_RAM / 0x200000; i++)
		put64(m, FZ_PD_LOW + 8 * i, i * 0x200000ull | PTE_P | PTE_RW |
		      PTE_PS);
	put64(m, FZ_PD_MMIO + 8 * ((HV_MMIO_BASE >> 21) & 511),
	      HV_MMIO_BASE | PTE_P | PTE_RW | PTE_PCD | PTE_PS);
	memcpy(m + HANDLER_64, done_32, sizeof(done_32));
	memcpy(m + HANDLER_32, done_32, sizeof(done_32));
	memcpy(m + HANDLER_16, done_16, sizeof(done_16));
}

/* Map the 8 MiB of RAM in @p v's nested page table, 2 MiB at a time. */
static void map_ram(struct vcpu *v)
{
	uint64_t a;

	if (nested_init(v) < 0)
		panic("fuzz=insn: no memory for a nested page table");
	for (a = 0; a < FZ_RAM; a += NPT_2M)
		if (npt_map(&v->npt, gpa(a), hpa_of(ram) + a, NPT_2M,
			    NPT_RWX) < 0)
			panic("fuzz=insn: cannot map guest RAM");
}

/* A segment register from a descriptor of the harness's GDT. */
static void seg(struct vmcb_seg *s, uint16_t sel)
{
	uint64_t d;

	memcpy(&d, harness + FZ_GDT + sel, 8);
	vmcb_seg_from_desc(s, sel, d);
}

/* Real mode: every segment 1000h, IP 0, SP F000h. */
static void real_state(struct vmcb_save *s)
{
	struct vmcb_seg *segs[] = { &s->cs, &s->ds, &s->es, &s->ss, &s->fs,
				    &s->gs };
	unsigned i;

	for (i = 0; i < 6; i++) {
		segs[i]->selector = FZ_REAL_SEG;
		segs[i]->base = FZ_REAL_SEG << 4;
		segs[i]->limit = 0xffff;
		segs[i]->attrib = SEG_ATTR_P | SEG_ATTR_S | (i ? 0x3 : 0xb);
	}
	s->tr.attrib = SEG_ATTR_P | 0x3;        /* busy 16-bit TSS */
	s->tr.limit = 0xffff;
	s->ldtr.attrib = SEG_ATTR_P | 0x2;
	s->ldtr.limit = 0xffff;
	s->gdtr.limit = 0xffff;
	s->idtr.base = FZ_IVT;
	s->idtr.limit = 0x3ff;
	s->cr0 = CR0_ET;
	s->efer = EFER_SVME;
	s->rip = FZ_CODE - (FZ_REAL_SEG << 4);
}

/* 32-bit protected mode, flat, no paging; long mode on the harness's tables. */
static void protected_state(struct vmcb_save *s, int longmode)
{
	seg(&s->cs, longmode ? SEL_CODE64 : SEL_CODE32);
	seg(&s->ds, SEL_DATA);
	seg(&s->es, SEL_DATA);
	seg(&s->ss, SEL_DATA);
	seg(&s->fs, SEL_DATA);
	seg(&s->gs, SEL_DATA);
	/*
	 * TR: the 64-bit TSS, busy, as after LTR.  The 32-bit one is marked
	 * available: QEMU 7.2 keeps the type LTR found in its TR and aborts
	 * at a 32-bit stack switch (from CPL 3, or from virtual-8086 mode,
	 * reached by an IRET) when TR says busy ("qemu: fatal: invalid tss
	 * type"; tests/deviations.py: qemu-tss32-busy-tr-aborts, shown by
	 * guests/fuzz_regress_tss32.S); Bochs takes either.
	 */
	s->tr.selector = SEL_TSS64;
	s->tr.base = longmode ? FZ_TSS : FZ_TSS32;
	s->tr.limit = 0x67;
	s->tr.attrib = SEG_ATTR_P | (longmode ? 0xb : 0x9);
	s->gdtr.base = FZ_GDT;
	s->gdtr.limit = 0x2f;
	s->idtr.base = longmode ? FZ_IDT64 : FZ_IDT32;
	s->idtr.limit = longmode ? 0xfff : 0x7ff;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	s->efer = EFER_SVME;
	if (longmode) {
		s->cr0 |= CR0_WP | CR0_PG;
		s->cr3 = FZ_PML4;
		s->cr4 = CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
	}
	s->rip = FZ_CODE;
}

/* The policy of chapter 17, the course's last: everything. */
static unsigned hardening_policy(void)
{
	unsigned i;

	for (i = 0; i < course_chapter_count; i++)
		if (strcmp(course_chapters[i].slug, "hardening") == 0)
			return course_chapters[i].policy;
	panic("fuzz=insn: no chapter \"hardening\" in this build");
}

/* Set up mode @p f once: its vcpu, VMCB, maps and nested page table. */
static void mode_init(struct fuzz_mode *f)
{
	struct vcpu *v = &f->v;
	struct vmcb_control *c;
	struct vmcb_save *s;
	char err[120];

	vcpu_init(v, f->vcpu_name);
	v->policy = hardening_policy();
	map_ram(v);
	v->guest_lo = 0;
	v->guest_hi = FZ_RAM;
	c = &v->vmcb->control;
	s = &v->vmcb->save;
	c->intercept_misc1 = FZ_MISC1;
	c->intercept_misc2 = FZ_MISC2;
	c->intercept_exceptions = FZ_EXCEPTIONS;
	c->intercept_cr_read = FZ_CRS;
	c->intercept_cr_write = FZ_CRS;
	c->intercept_dr_read = FZ_DRS;
	c->intercept_dr_write = FZ_DRS;
	c->int_ctl = INT_CTL_V_INTR_MASKING;
	c->asid = 1;
	c->tsc_offset = HV_TSC_BASE - rdtsc();
	v->own_misc1 = FZ_MISC1;
	v->own_exceptions = FZ_EXCEPTIONS;
	if (f->mode == GUEST_MODE_REAL)
		real_state(s);
	else
		protected_state(s, f->mode == GUEST_MODE_LONG);
	s->cpl = 0;
	s->rflags = RFLAGS_FIXED1 | RFLAGS_IF;
	s->dr6 = DR6_FIXED1;
	s->dr7 = DR7_FIXED1;
	s->g_pat = 0x0007040600070406ull;       /* PAT at reset */
	if (msr_policy_load(v, 0, err, sizeof(err)) < 0 ||
	    io_policy_load(v, 0, err, sizeof(err)) < 0)
		panic("fuzz=insn: %s", err);
	f->vmcb_start = page_alloc();
	memcpy(f->vmcb_start, v->vmcb, PAGE_SIZE);
	f->start = *v;
}

/*
 * HC_DIRTY_START and HC_NPT_SET change the nested page table, and a
 * page they took away is mapped anew on its next touch.  Such a case
 * gets a new table for the next: the old one's pages are not reused.
 */
static int npt_changed(const struct vcpu *v)
{
	unsigned i;

	if (v->dirty_on || v->npf_demand)
		return 1;
	for (i = 0; i < VCPU_WATCH_MAX; i++)
		if (v->watch[i].used)
			return 1;
	return 0;
}

static void npt_rebuild(struct fuzz_mode *f)
{
	map_ram(&f->v);
	f->start.npt = f->v.npt;
	f->vmcb_start->control.nested_cr3 = f->v.npt.root;
	f->rebuilt++;
}

/* ---- what the run saw --------------------------------------------------- */

/* Exits of every case, by code, in order of first appearance. */
#define FZ_CODES 64
static struct exit_stat seen[FZ_CODES];
static unsigned seen_other;

static void count_exits(const struct vcpu *v)
{
	unsigned i, j;

	for (i = 0; i < VCPU_EXIT_KINDS && v->exit_stats[i].count; i++) {
		for (j = 0; j < FZ_CODES; j++) {
			if (seen[j].count && seen[j].code !=
			    v->exit_stats[i].code)
				continue;
			seen[j].code = v->exit_stats[i].code;
			seen[j].count += v->exit_stats[i].count;
			break;
		}
		if (j == FZ_CODES)
			seen_other += v->exit_stats[i].count;
	}
	seen_other += v->exit_other;
}

/*
 * Why a case was stopped, in a word: the hypervisor's reasons grouped by
 * what stopped it.  The first reason of a kind not listed is printed.
 */
enum stop_kind {
	STOP_WATCHDOG, STOP_EXIT_LIMIT, STOP_SHUTDOWN, STOP_TRIPLE_FAULT,
	STOP_INVALID, STOP_UNHANDLED, STOP_HYPERCALL, STOP_INJECTION,
	STOP_MMIO, STOP_NPF, STOP_STRING_IO, STOP_GHCB, STOP_DECODE,
	STOP_STACK, STOP_OTHER, STOP_KINDS
};

static const char *const stop_names[STOP_KINDS] = {
	"watchdog", "exit_limit", "shutdown", "triple_fault",
	"vmexit_invalid", "unhandled_exit", "hypercall", "injection", "mmio",
	"npf", "string_io", "ghcb", "decode", "stack", "other",
};

/* A phrase of the hypervisor's stop reasons, and its kind. */
static const struct {
	const char *phrase;
	enum stop_kind kind;
} stop_phrases[] = {
	{ "watchdog", STOP_WATCHDOG },
	{ "runaway", STOP_EXIT_LIMIT },
	{ "shutdown", STOP_SHUTDOWN },
	{ "triple fault", STOP_TRIPLE_FAULT },
	{ "VMEXIT_INVALID", STOP_INVALID },
	{ "unhandled exit", STOP_UNHANDLED },
	{ "hypercall", STOP_HYPERCALL },
	{ "MMIO", STOP_MMIO },
	{ "decode", STOP_DECODE },              /* before "inject": re-inject */
	{ "inject", STOP_INJECTION },
	{ "reflect", STOP_INJECTION },
	{ "#NPF", STOP_NPF },
	{ "INS:", STOP_STRING_IO },
	{ "OUTS:", STOP_STRING_IO },
	{ "VMGEXIT", STOP_GHCB },
	{ "GHCB", STOP_GHCB },
	{ "terminated", STOP_GHCB },
	{ "step over", STOP_DECODE },
	{ "INTn", STOP_DECODE },
	{ "PUSHF", STOP_STACK },
	{ "POPF", STOP_STACK },
};

#define NPHRASES (sizeof(stop_phrases) / sizeof(stop_phrases[0]))

static unsigned stops[STOP_KINDS];
static unsigned stopped_if0;            /* watchdog stops with IF = 0 */

/*
 * FNV-1a over every run's case number, mode and ending (done, or the
 * kind of stop): equal runs give equal digests.  On Bochs, whose timer
 * counts instructions, a seed always gives the same one, and so on QEMU
 * in deterministic mode (-icount, as the tests and make fuzz run it);
 * in real time QEMU's watchdog follows the host's clock, and so may a
 * few endings.
 */
static uint64_t digest = 0xcbf29ce484222325ull;

static void digest_add(uint64_t x)
{
	unsigned i;

	for (i = 0; i < 8; i++, x >>= 8) {
		digest ^= x & 0xff;
		digest *= 0x100000001b3ull;
	}
}

static int has(const char *s, const char *part)
{
	size_t n = strlen(part);

	for (; *s; s++)
		if (strncmp(s, part, n) == 0)
			return 1;
	return 0;
}

static enum stop_kind stop_kind(const char *reason)
{
	unsigned i;

	for (i = 0; i < NPHRASES; i++)
		if (has(reason, stop_phrases[i].phrase))
			return stop_phrases[i].kind;
	return STOP_OTHER;
}

/* ---- running a case ----------------------------------------------------- */

/*
 * In 32-bit protected mode, IRET (CFh) at CPL 0 enters virtual-8086
 * mode if the EFLAGS it pops has VM set, and Bochs 2.7 cannot leave a
 * virtual-8086 guest through #VMEXIT: it panics ("VM is set in long
 * mode") and the simulation ends (tests/deviations.py:
 * bochs-v86-vmexit-panics, shown by guests/fuzz_regress_v86.S).  Every
 * CFh of a 32-bit case becomes a NOP; in real mode and long mode IRET
 * cannot reach virtual-8086 mode.
 */
static void no_iret(uint8_t *code, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++)
		if (code[i] == 0xcf)
			code[i] = 0x90;
}

/* The registers of @p k, cut to 32 bits outside long mode. */
static void load_registers(struct vcpu *v, const struct fuzz_case *k,
			   uint32_t mode)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		uint64_t x = k->gpr[i];

		if (mode != GUEST_MODE_LONG)
			x = (uint32_t)x;
		if (i == 4 && mode == GUEST_MODE_REAL && x == FZ_STACK_TOP)
			x = FZ_STACK_TOP - (FZ_REAL_SEG << 4);
		*vcpu_gpr(v, i) = x;
	}
}

/*
 * Run case @p k in mode @p f: fresh harness pages, the case's bytes and
 * the sled, the vcpu and VMCB as set up (the ASID and its TLB state
 * carry over: it is the same guest), the case's registers.
 */
static void run_case(struct fuzz_mode *f, const struct fuzz_case *k,
		     unsigned n)
{
	struct vcpu *v = &f->v;
	struct asid_guest tlb = v->tlb;
	uint64_t asid = v->vmcb->control.asid;
	const uint8_t *done = f->mode == GUEST_MODE_REAL ? done_16 : done_32;
	unsigned done_len = f->mode == GUEST_MODE_REAL ? sizeof(done_16) :
			    sizeof(done_32);
	const char *host;

	memcpy(ram, harness, FZ_HARNESS_END);
	memcpy(ram + FZ_CODE, k->code, k->len);
	if (f->mode == GUEST_MODE_PROT32)
		no_iret(ram + FZ_CODE, k->len);
	memset(ram + FZ_CODE + k->len, 0x90, FZ_SLED);
	memcpy(ram + FZ_CODE + k->len + FZ_SLED, done, done_len);
	*v = f->start;
	memcpy(v->vmcb, f->vmcb_start, PAGE_SIZE);
	v->tlb = tlb;
	v->vmcb->control.asid = asid;
	vcpu_tlb_need(v, TLB_NEED_GUEST);       /* its page tables are new */
	load_registers(v, k, f->mode);
	v->max_exits = FZ_MAX_EXITS;
	vcpu_run(v);

	f->runs++;
	count_exits(v);
	digest_add(((uint64_t)n << 16) | (f->mode << 8) |
		   (v->state == VCPU_DONE ? 0xff :
		    (unsigned)stop_kind(v->stop_reason)));
	if (v->state == VCPU_DONE) {
		uint64_t at = v->vmcb->save.cs.base + v->vmcb->save.rip;

		f->done++;
		if (at >= FZ_HANDLER && at < FZ_HANDLER + PAGE_SIZE)
			f->done_exception++;
	} else {
		enum stop_kind kind = stop_kind(v->stop_reason);

		f->stopped++;
		if (!stops[kind]++ && kind == STOP_OTHER)
			kprintf("  fuzz: case %u (%s): a new kind of stop: "
				"%s\n", n, f->name, v->stop_reason);
		if (kind == STOP_WATCHDOG &&
		    !(v->vmcb->save.rflags & RFLAGS_IF) && !stopped_if0++)
			kprintf("  fuzz: case %u (%s): the watchdog stopped "
				"it with RFLAGS.IF = 0 (it would hang Bochs "
				"2.7)\n", n, f->name);
	}
	if (npt_changed(v))
		npt_rebuild(f);
	/* LAB 17 is in hardening_host_changed: the containment check. */
	host = hardening_host_changed();
	if (host)
		panic("fuzz=insn: case %u in %s mode changed the host's %s",
		      n, f->name, host);
}

/* ---- the summary -------------------------------------------------------- */

/* An exit code's name, or its number where it has none: one key each. */
static const char *code_name(uint64_t code)
{
	static char buf[24];
	const char *name = svm_exit_name(code);

	if (strcmp(name, "UNKNOWN"))
		return name;
	ksnprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)code);
	return buf;
}

static void summary(uint64_t seed, unsigned cases, uint64_t before,
		    uint64_t after, uint64_t tsc)
{
	unsigned i;

	kprintf("\nfuzz=insn seed=%llu: %u cases, each in %u modes\n",
		(unsigned long long)seed, cases, (unsigned)NMODES);
	for (i = 0; i < NMODES; i++)
		kprintf("  %-7s %u runs: %u done (%u after an exception), %u "
			"stopped; nested page table rebuilt %u times\n",
			modes[i].name, modes[i].runs, modes[i].done,
			modes[i].done_exception, modes[i].stopped,
			modes[i].rebuilt);
	kprintf("  exits by code:");
	for (i = 0; i < FZ_CODES && seen[i].count; i++)
		kprintf(" %s %u", code_name(seen[i].code), seen[i].count);
	kprintf("\n  stops by reason:");
	for (i = 0; i < STOP_KINDS; i++)
		if (stops[i])
			kprintf(" %s %u", stop_names[i], stops[i]);
	kprintf("\n  watchdog stops with RFLAGS.IF = 0: %u\n", stopped_if0);
	kprintf("  host crashes 0; host state intact after every case; "
		"hypervisor checksum 0x%llx before, 0x%llx after\n",
		(unsigned long long)before, (unsigned long long)after);

	trace_begin("fuzz_summary");
	trace_str("fuzzer", "insn");
	trace_u64("seed", seed);
	trace_u64("cases", cases);
	trace_obj_begin("modes");
	for (i = 0; i < NMODES; i++) {
		trace_obj_begin(modes[i].name);
		trace_u64("runs", modes[i].runs);
		trace_u64("done", modes[i].done);
		trace_u64("done_exception", modes[i].done_exception);
		trace_u64("stopped", modes[i].stopped);
		trace_u64("npt_rebuilt", modes[i].rebuilt);
		trace_obj_end();
	}
	trace_obj_end();
	trace_obj_begin("exits");
	for (i = 0; i < FZ_CODES && seen[i].count; i++)
		trace_u64(code_name(seen[i].code), seen[i].count);
	trace_obj_end();
	trace_u64("exits_other", seen_other);
	trace_obj_begin("stops");
	for (i = 0; i < STOP_KINDS; i++)
		if (stops[i])
			trace_u64(stop_names[i], stops[i]);
	trace_obj_end();
	trace_u64("watchdog", stops[STOP_WATCHDOG]);
	trace_u64("watchdog_if0", stopped_if0);
	trace_u64("host_crashes", 0);
	trace_bool("host_intact", before == after);
	trace_u64("digest", digest);
	trace_u64("tsc", tsc);
	/* The VMCB fuzzer's members (tests/svmtrace.py): not this one's. */
	trace_null("corpus");
	trace_null("run");
	trace_null("excluded");
	trace_null("agree");
	trace_null("disagree");
	trace_null("agree_ran");
	trace_null("agree_invalid");
	trace_null("refused");
	trace_null("ran");
	trace_null("named");
	trace_null("ran_by_rule");
	trace_null("refused_by_op");
	trace_null("env");
	trace_end();
}

void fuzz_insn_run(uint64_t seed, unsigned cases)
{
	unsigned saved_watchdog = vcpu_watchdog_ms;
	int saved_trace = vcpu_trace_exits;
	uint64_t before, after, t0;
	struct fuzz_case k;
	unsigned n, i;

	ram = pages_alloc_aligned(FZ_RAM / PAGE_SIZE, NPT_2M);
	memset(ram, FZ_FILL, FZ_RAM);
	harness = pages_alloc(FZ_HARNESS_END / PAGE_SIZE);
	build_harness(harness);
	for (i = 0; i < NMODES; i++)
		mode_init(&modes[i]);
	hv_secret_init();
	hardening_baseline();
	before = hv_checksum();
	/* Thousands of runs: one line per exit would bury the summary. */
	vcpu_trace_exits = 0;
	vcpu_watchdog_ms = FZ_WATCHDOG_MS;
	t0 = rdtsc();
	for (n = 0; n < cases; n++) {
		/* Where a run that ends in a host crash got to. */
		if (n && n % FZ_PROGRESS == 0)
			kprintf("  fuzz: %u cases run\n", n);
		make_case(seed, n, &k);
		for (i = 0; i < NMODES; i++)
			run_case(&modes[i], &k, n);
	}
	vcpu_watchdog_ms = saved_watchdog;
	vcpu_trace_exits = saved_trace;
	after = hv_checksum();
	summary(seed, cases, before, after, rdtsc() - t0);
	check(before == after && hv_secret_intact(), "fuzz_insn.host_intact",
	      "%u cases in %u modes; hypervisor code, read-only data and "
	      "secret 0x%llx before, 0x%llx after", cases, (unsigned)NMODES,
	      (unsigned long long)before, (unsigned long long)after);
}
