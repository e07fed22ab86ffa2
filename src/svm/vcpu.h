/**
 * @file
 * vcpu.h - one guest's virtual CPU: its VMCB, its registers, its fate.
 *
 * VMRUN loads and saves only RAX, RSP and RIP of the guest's general
 * registers (they live in the VMCB save area).  The other fourteen are
 * the world switch's job (vmrun.S): it loads them from struct guest_regs
 * before VMRUN and stores them back after #VMEXIT.
 *
 * The exit loop (exit.c) runs a vcpu until the guest says HC_DONE or the
 * hypervisor stops it, traces every exit, and dispatches each through a
 * table indexed by exit code (APM2 Appendix C).
 */
#ifndef SVMLAB_SVM_VCPU_H
#define SVMLAB_SVM_VCPU_H

#include <stdint.h>
#include "vmcb.h"
#include "vmcb_check.h"
#include "decode.h"
#include "asid.h"
#include "npt.h"
#include "guest_abi.h"
#include "kernel/palloc.h"

/** The guest GPRs that VMRUN does not switch (RAX and RSP are in the VMCB). */
struct guest_regs {
	uint64_t rbx;   /**< saved by the world switch */
	uint64_t rcx;   /**< saved by the world switch */
	uint64_t rdx;   /**< saved by the world switch */
	uint64_t rsi;   /**< saved by the world switch */
	uint64_t rdi;   /**< saved by the world switch */
	uint64_t rbp;   /**< saved by the world switch */
	uint64_t r8;    /**< saved by the world switch */
	uint64_t r9;    /**< saved by the world switch */
	uint64_t r10;   /**< saved by the world switch */
	uint64_t r11;   /**< saved by the world switch */
	uint64_t r12;   /**< saved by the world switch */
	uint64_t r13;   /**< saved by the world switch */
	uint64_t r14;   /**< saved by the world switch */
	uint64_t r15;   /**< saved by the world switch */
};

/** How a guest's run is going. */
enum vcpu_state {
	VCPU_RUNNING,   /**< resume it after this exit */
	VCPU_DONE,      /**< it made the HC_DONE hypercall */
	VCPU_STOPPED,   /**< the hypervisor stopped it (see stop_reason) */
};

/**
 * @name Hypervisor policy
 * What the hypervisor does for every guest of a chapter; a chapter has
 * the policy of the chapters before it plus its own (course.c).
 */
/** @{ */
/**
 * Ch. 5: the instruction decoder at every instruction exit, CPUID
 * virtualised, SVM instructions give #UD, the TSC offset.
 */
#define HV_POLICY_CPUID  (1u << 0)
/** Ch. 6: the MSR permission map, EFER virtualised, SVM MSRs hidden. */
#define HV_POLICY_MSRPM  (1u << 1)
/** Ch. 7: the I/O permission map, the emulated device, the console. */
#define HV_POLICY_IOPM   (1u << 2)
/** Ch. 9: injections on request (HC_INJECT), refused as bhyve would. */
#define HV_POLICY_INJECT (1u << 3)
/**
 * Ch. 10: virtual interrupts: pending external interrupts and NMIs are
 * delivered when the guest can take them (the VINTR window, the NMI
 * window after IRET), and V_IRQ on request (HC_VIRQ).
 */
#define HV_POLICY_VINTR  (1u << 4)
/**
 * Ch. 11: the event in EXITINTINFO is delivered again, an exception
 * reflected during delivery follows the double-fault rules, and the
 * hypervisor pages guest memory out and in (HC_PAGE_OUT).
 */
#define HV_POLICY_REINJECT (1u << 5)
/**
 * Ch. 12: ASIDs from the allocator with generations, TLB_CONTROL from
 * the policy table (asid.h), INVLPGA traced, and several guests at once
 * under the round-robin scheduler (HC_YIELD, the timer's time slice).
 */
#define HV_POLICY_ASID   (1u << 6)
/**
 * Ch. 13: nested paging: every guest in its own guest-physical space
 * (nested.c), demand paging, dirty tracking and watched pages on #NPF,
 * guests in real mode and 32-bit protected mode.
 */
#define HV_POLICY_NPT    (1u << 7)
/**
 * Ch. 14: MMIO: an #NPF outside the guest's RAM is emulated: the
 * device's registers (mmio_dev.c), or no memory at all ("void": reads
 * give all ones, writes are dropped), through the instruction decoder.
 */
#define HV_POLICY_MMIO   (1u << 8)
/**
 * Ch. 15: the GHCB model of SEV-ES: the GHCB MSR (C001_0130h) lands in
 * the VMCB's GHCB GPA field, VMGEXIT (F3 0F 01 D9) is served from it
 * (vmgexit.c), and a guest marked GUEST_FLAG_SEV_ES gets #VC instead of
 * having its CPUID, IN/OUT, RDMSR/WRMSR and VMMCALL handled (vc.c).
 */
#define HV_POLICY_GHCB   (1u << 9)
/** @} */

/** Pages of guest RAM (GUEST_RAM_SIZE) that dirty tracking covers. */
#define VCPU_RAM_PAGES (GUEST_RAM_SIZE / PAGE_SIZE)
/** Pages a guest may have watched at once (HC_NPT_SET). */
#define VCPU_WATCH_MAX 4

/** A page the guest asked to protect (HC_NPT_SET): restored on #NPF. */
struct npt_watch {
	uint64_t gpa;                   /**< the guest-physical page */
	hpa_t hpa;                      /**< the host page behind it */
	unsigned prot;                  /**< its protection before */
	uint8_t used;                   /**< this slot is in use */
};

/** What the MMIO device of chapter 14 holds (mmio_dev.c). */
struct mmio_device {
	uint64_t data;                  /**< HV_MMIO_DATA */
	uint64_t addr;                  /**< HV_MMIO_ADDR */
	uint64_t accesses;              /**< HV_MMIO_STATUS: accesses so far */
};

/** Room for a guest's console line (chapter 7, COM1). */
#define VCPU_CONSOLE_MAX 80

/** The emulated I/O device of chapter 7 (io.c). */
struct hv_device {
	uint8_t data[4];                /**< HV_DEV_DATA, byte-addressable */
	uint8_t fifo[HV_DEV_FIFO_SIZE]; /**< HV_DEV_FIFO contents */
	unsigned fifo_head;             /**< index of the oldest byte */
	unsigned fifo_len;              /**< bytes in the FIFO */
};

/**
 * How many distinct exit codes a guest's statistics keep apart.  A guest
 * of the course meets a handful; exits of further codes are counted
 * together (vcpu.exit_other) rather than lost.
 */
#define VCPU_EXIT_KINDS 32

/** The exits of one code so far (the run report, make run). */
struct exit_stat {
	uint64_t code;                  /**< normalised EXITCODE */
	unsigned count;                 /**< its #VMEXITs */
};

/** One guest. */
struct vcpu {
	const char *name;               /**< guest name, as in guest= */
	struct vmcb *vmcb;              /**< its VMCB (one page) */
	hpa_t vmcb_pa;                  /**< the VMCB's physical address */
	struct guest_regs regs;         /**< GPRs outside the VMCB */
	enum vcpu_state state;          /**< running, done or stopped */
	unsigned exits;                 /**< #VMEXITs so far */
	/** #VMEXITs per code, in order of first appearance */
	struct exit_stat exit_stats[VCPU_EXIT_KINDS];
	unsigned exit_other;            /**< exits beyond exit_stats */
	unsigned last_stat;             /**< exit_stats slot of the last exit */
	uint64_t first_exit;            /**< raw exit code of the first exit */
	unsigned max_exits;             /**< stop the guest after this many */
	unsigned fails;                 /**< HC_FAIL calls */
	unsigned passes;                /**< HC_PASS calls */
	int nrips;                      /**< the CPU saves NRIP (CPUID) */
	int expect_stop;                /**< the guest is meant to be stopped */
	char stop_reason[160];          /**< why it was stopped */
	uint32_t rules;                 /**< checker verdict before VMRUN */
	uint64_t guest_lo;              /**< first byte a pointer may name */
	uint64_t guest_hi;              /**< one past the last such byte */
	hpa_t mem_hpa;                  /**< host-physical home of guest_lo */
	unsigned policy;                /**< HV_POLICY_* of its chapter */
	struct exit_decode x;           /**< the current exit, decoded */
	uint8_t *msrpm;                 /**< its MSR permission map, or NULL */
	uint8_t *iopm;                  /**< its I/O permission map, or NULL */
	uint64_t efer;                  /**< the EFER the guest sees (shadow) */
	uint64_t dr[4];                 /**< DR0-DR3 as the guest wrote them */
	uint64_t xcr0;                  /**< XCR0 as the guest set it */
	uint64_t msr_scratch;           /**< HV_MSR_SCRATCH */
	struct hv_device dev;           /**< the emulated I/O device */
	char console[VCPU_CONSOLE_MAX]; /**< the guest's console line so far */
	unsigned console_len;           /**< bytes in console */
	uint8_t flush;                  /**< TLB_CONTROL for the next VMRUN */
	/* chapters 9-11: events (events.c) */
	uint32_t own_misc1;             /**< misc1 intercepts the guest asked for */
	uint32_t own_exceptions;        /**< exception intercepts it asked for */
	uint64_t exitintinfo;           /**< event to deliver again, or 0 */
	uint64_t irq_pending[4];        /**< external interrupts, bit = vector */
	unsigned nmi_pending;           /**< NMIs waiting to be injected */
	uint8_t nmi_blocked;            /**< an NMI handler has not IRETed */
	uint8_t nmi_stepping;           /**< single-stepping that IRET */
	uint8_t window;                 /**< V_IRQ and VINTR set by us */
	uint64_t *paged_out;            /**< paging entry we cleared P in */
	uint64_t paged_out_gva;         /**< first address it maps */
	uint64_t paged_out_size;        /**< bytes it maps */
	uint64_t watchdog_shots;        /**< lapic_timer_shots at the start */
	uint32_t timer_left;            /**< guest time left on its timer, counts */
	uint64_t start_tsc;             /**< TSC when the guest started */
	/* chapter 12: ASIDs and the scheduler (tlb.c, sched.c) */
	struct asid_guest tlb;          /**< its ASID and pending flushes */
	uint32_t tlb_why;               /**< reasons behind the last TLB_CONTROL */
	uint8_t scheduled;              /**< one of several, under sched_run */
	uint8_t yield;                  /**< give the CPU back (SCHED_*) */
	unsigned preemptions;           /**< time slices the timer ended */
	unsigned yields;                /**< HC_YIELD calls */
	uint64_t cpu_counts;            /**< LAPIC timer counts it has run */
	/* chapters 13-14: nested paging and MMIO (nested.c, mmio_dev.c) */
	uint8_t nested;                 /**< it runs under its own NPT */
	uint8_t dirty_on;               /**< dirty tracking since HC_DIRTY_START */
	struct npt npt;                 /**< its nested page table */
	struct npt_watch watch[VCPU_WATCH_MAX]; /**< pages HC_NPT_SET changed */
	uint64_t dirty[VCPU_RAM_PAGES / 64]; /**< pages written since the checkpoint */
	uint64_t npf_count;             /**< #NPF exits */
	uint64_t npf_demand;            /**< pages mapped on first touch */
	uint64_t npf_void;              /**< accesses to no memory */
	uint64_t npf_last_info1;        /**< EXITINFO1 of the last watched #NPF */
	uint64_t npf_last_gpa;          /**< its guest-physical address */
	struct mmio_device mmio;        /**< the chapter 14 device */
	/* the hypercall being served: from the registers, or the GHCB */
	struct {
		uint64_t nr;            /**< RAX: the call (HC_*) */
		uint64_t a0;            /**< RDI: the first argument */
		uint64_t a1;            /**< RSI: the second argument */
	} hc;                           /**< set before a hypercall runs */
	/* chapter 15: the GHCB model (vmgexit.c, vc.c) */
	uint8_t sev_es;                 /**< a model SEV-ES guest: #VC, no register access */
	uint8_t ghcb_registered;        /**< it registered a GHCB page... */
	uint64_t ghcb_gpa;              /**< ...at this guest-physical address */
	unsigned vmgexits;              /**< VMGEXITs served */
	unsigned vcs;                   /**< #VC delivered */
	uint64_t vc_probe_rsp;          /**< HC_VC_PROBE: RSP as #VC was injected */
};

/**
 * The world switch (vmrun.S): CLGI, VMSAVE the host's hidden state to
 * @p host_pa, load the GPRs from @p regs, VMLOAD, VMRUN and VMSAVE the
 * VMCB at @p vmcb_pa, store the GPRs back, VMLOAD the host state, STGI.
 */
void svm_world_switch(struct guest_regs *regs, hpa_t vmcb_pa, hpa_t host_pa);

/** A vcpu with a fresh, zeroed VMCB page. */
void vcpu_init(struct vcpu *v, const char *name);
/**
 * One VMRUN of @p v through the world switch and nothing else: no
 * events, no TLB decision, no dispatch (chapter 16's floor uses it to
 * bring its guest to the first exit).
 */
void vcpu_world_switch(struct vcpu *v);
/**
 * Count @p n exits of @p code that did not go through the exit loop
 * (chapter 16's floor), so that its statistics stay whole.
 */
void vcpu_count_exits(struct vcpu *v, uint64_t code, unsigned n);

/**
 * Trace @p v's exits per code (the `exit_stats` event), once, when the
 * guest has ended: the kernel's own count, which make run's report
 * prints and which the tests compare with the `exit` events.
 */
void vcpu_trace_exit_stats(const struct vcpu *v);

/** Run @p v until it is done or stopped, tracing every exit. */
void vcpu_run(struct vcpu *v);

/**
 * A value under a key, as the guest's HC_REPORT gives it: a console
 * line and a guest_report event (also for values the host measures on
 * the guest's behalf, chapter 16's floor).
 */
void vcpu_report(const struct vcpu *v, const char *key, uint64_t value);

/** Stop the guest with a reason (printf format); the run goes on. */
void vcpu_stop(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Resume after the intercepted instruction of @p len bytes: RIP = NRIP
 * where the CPU saves it (CPUID 8000_000Ah EDX[3] NRIPS), else RIP + len.
 * Inline: every instruction exit ends here (chapter 16).
 */
static inline void vcpu_skip_insn(struct vcpu *v, unsigned len)
{
	/* Past the instruction, an STI or MOV SS shadow has ended. */
	v->vmcb->control.int_state &= ~INT_STATE_SHADOW;
	/* NRIP is only meaningful where CPUID says the CPU writes it. */
	if (v->nrips)
		v->vmcb->save.rip = v->vmcb->control.next_rip;
	else
		v->vmcb->save.rip += len;
}

/** vcpu_skip when neither NRIP nor a decoded length is known. */
void vcpu_skip_unknown(struct vcpu *v);

/**
 * Resume after the intercepted instruction that vcpu->x decoded: NRIP
 * with NRIPS, else RIP + the decoded length.  If neither is known the
 * guest is stopped (a hypervisor must never guess a length).
 */
static inline void vcpu_skip(struct vcpu *v)
{
	if (v->nrips || v->x.have_insn)
		vcpu_skip_insn(v, v->x.insn.len);
	else
		vcpu_skip_unknown(v);
}

/**
 * The guest's GPR number @p n (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP,
 * 6 RSI, 7 RDI, 8-15 R8-R15): RAX and RSP live in the VMCB, the others
 * in struct guest_regs.
 */
uint64_t *vcpu_gpr(struct vcpu *v, unsigned n);

/**
 * A host pointer to @p len bytes of guest memory at guest-virtual
 * address @p gva, or NULL if they are not all inside the guest's window.
 * The loader's page tables map the window linearly onto the guest's
 * memory at mem_hpa (the window itself for one guest at a time; memory
 * of its own for each of several, chapter 12).
 */
void *vcpu_guest_ptr(struct vcpu *v, uint64_t gva, uint64_t len);

/**
 * Inject an event at the next VMRUN through EVENTINJ (APM2 §15.20):
 * @p type is SVM_EVTINJ_TYPE_*, @p err < 0 means no error code.  An
 * event that EVENTINJ cannot carry stops the guest instead.
 */
void vcpu_inject(struct vcpu *v, uint64_t type, unsigned vector, long err);

/** Inject exception @p vector (with error code @p err, or -1). */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, long err);

/**
 * Inject an event given in the EVENTINJ format (event.h), after the
 * validator of chapter 9 (event_refuse) where the policy has it, else
 * the checks VMRUN itself makes.  Returns 0, or -1 with @p why set.
 */
int vcpu_inject_event(struct vcpu *v, uint64_t ev, const char **why);

/**
 * A host pointer to @p len bytes at @p pa in the guest's physical memory
 * (where its page tables point), or NULL if they are not all inside it.
 * Before nested paging, guest-physical addresses are host-physical;
 * under nested paging the NPT says where they are.
 */
void *vcpu_guest_phys(struct vcpu *v, gpa_t pa, uint64_t len);

/**
 * Copy up to @p len bytes at guest-virtual @p gva into @p buf; returns
 * how many could be read (they stop at the first unreadable page).
 */
unsigned vcpu_read_guest(struct vcpu *v, uint64_t gva, void *buf,
			 unsigned len);

/** Decode the instruction at the guest's RIP (decode.c); 0 or -1. */
int vcpu_fetch_insn(struct vcpu *v, struct insn *out);

/** The watchdog: milliseconds a guest may run (watchdog=, ch. 10). */
extern unsigned vcpu_watchdog_ms;

/** @name Chapters 9-11: events (events.c) */
/** @{ */
/** events_before_vmrun's work when something is pending. */
void events_deliver(struct vcpu *v);
/**
 * Before VMRUN: re-inject, or deliver what is pending if it can be.
 * Most exits leave nothing pending: that case is one test, inline
 * (chapter 16 measures it).
 */
static inline void events_before_vmrun(struct vcpu *v)
{
	if (v->exitintinfo | v->nmi_pending | v->irq_pending[0] |
	    v->irq_pending[1] | v->irq_pending[2] | v->irq_pending[3])
		events_deliver(v);
}
/** After #VMEXIT: EVENTINJ is spent; keep EXITINTINFO for re-injection. */
static inline void events_after_exit(struct vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;

	/* An injected event was delivered, or is in EXITINTINFO now. */
	c->event_inj = 0;
	if ((v->policy & HV_POLICY_REINJECT) &&
	    (c->exit_int_info & SVM_EVTINJ_VALID))
		v->exitintinfo = c->exit_int_info;
}
/** Arm the watchdog as a guest's run begins. */
void events_run_begin(struct vcpu *v);
/** Disarm it as the run ends. */
void events_run_end(struct vcpu *v);
/** IRET exit while an NMI handler runs: returns 1 if it was that. */
int events_nmi_iret(struct vcpu *v);
/** #DB exit: returns 1 if it was the step over an NMI handler's IRET. */
int events_nmi_step(struct vcpu *v);
/** #PF exit on a page the hypervisor paged out: page it in, return 1. */
int events_page_in(struct vcpu *v);
/**
 * Reflect exception @p vector (error code @p err or -1) into the guest;
 * if it hit while an event was being delivered (EXITINTINFO), combine
 * the two as the processor would (event_merge).
 */
void events_reflect(struct vcpu *v, unsigned vector, long err);
void handle_intr(struct vcpu *v);   /**< INTR: a physical interrupt */
void handle_nmi(struct vcpu *v);    /**< NMI: a physical NMI */
void handle_vintr(struct vcpu *v);  /**< VINTR: the interrupt window */
/** @name Hypercalls of chapters 9-11 (HC_* in guest_abi.h) */
/** @{ */
uint64_t hc_inject(struct vcpu *v);         /**< HC_INJECT */
uint64_t hc_raise_irq(struct vcpu *v);      /**< HC_RAISE_IRQ */
uint64_t hc_nmi(struct vcpu *v);            /**< HC_NMI */
uint64_t hc_virq(struct vcpu *v);           /**< HC_VIRQ */
uint64_t hc_page_out(struct vcpu *v);       /**< HC_PAGE_OUT */
/** @} */
/** @} */

/**
 * Stop @p v unless its chapter's policy has @p policy: hypercall
 * @p call belongs to chapter @p chapter.  Returns 1 if it may go on.
 */
int hc_allowed(struct vcpu *v, unsigned policy, const char *call,
	       unsigned chapter);

/**
 * Run the hypercall in v->hc (number and arguments, filled by the caller
 * from the guest's registers or from its GHCB).  Returns 0 with its
 * answer in @p ret, or -1 if the guest was stopped (or is done).
 */
int hypercall_run(struct vcpu *v, uint64_t *ret);

/**
 * Copy @p len bytes from @p buf to guest-virtual @p gva; returns how many
 * could be written (they stop at the first page that is not there).
 */
unsigned vcpu_write_guest(struct vcpu *v, uint64_t gva, const void *buf,
			  unsigned len);

/** @name Chapter 15: the GHCB model */
/** @{ */
/** Is the instruction at the guest's RIP VMGEXIT (F3 0F 01 D9)? */
int vmgexit_at_rip(struct vcpu *v);
/** Serve a VMGEXIT: the MSR protocol or a GHCB request (vmgexit.c). */
void handle_vmgexit(struct vcpu *v);
/**
 * For a model SEV-ES guest: if this exit is one its #VC handler must
 * deal with, deliver #VC (vc.c) and return 1; else 0.
 */
int vc_intercept(struct vcpu *v);
/**
 * What HC_VC_PROBE found: 1 if EVENTINJ pushes #VC's error code, 0 if
 * it does not (then vc.c writes the frame itself), -1 before the probe.
 */
extern int vc_pushes_error;
uint64_t hc_vc_probe(struct vcpu *v);   /**< HC_VC_PROBE */
/** The CPUID a guest sees (intercepts.c, chapter 5). */
struct cpuid_regs hv_cpuid(uint32_t leaf, uint32_t subleaf);
/** One emulated MSR access (msr.c, chapter 6): 0, or -1 for #GP(0). */
int msr_emulate(struct vcpu *v, uint32_t msr, int write, uint64_t *val);
/** One access to the chapter-7 device's ports (io.c); the value read. */
uint32_t io_port_access(struct vcpu *v, uint16_t port, unsigned size,
			int in, uint32_t value);
/**
 * One access of @p size bytes at guest-physical @p gpa of the MMIO page
 * (mmio_dev.c, chapter 14), by an instruction of @p len bytes (0 for a
 * GHCB request): a read sets *@p value.  Returns 0, or -1 if it crosses
 * a register.
 */
int mmio_dev_access(struct vcpu *v, uint64_t gpa, int write, unsigned size,
		    uint64_t *value, unsigned len);
/** @} */

/** @name Chapter 12: ASIDs, TLB control and the scheduler */
/** @{ */
/** The ASID state of the (one) CPU, started at the first ch. 12 VMRUN. */
extern struct asid_cpu asid_cpu0;
/** The nasid= cap on the ASIDs the allocator uses (0: no cap). */
extern unsigned tlb_nasid_cap;
/** tlb_before_vmrun's work when the ASID or the TLB must change. */
void tlb_choose(struct vcpu *v);
/**
 * Choose the ASID and TLB_CONTROL of the next VMRUN (traced in exit).
 * The common case, inline (chapter 16): the guest's ASID is of the
 * current generation and nothing changed since its last VMRUN, so
 * nothing is flushed.
 */
static inline void tlb_before_vmrun(struct vcpu *v)
{
	if ((v->policy & HV_POLICY_ASID) && v->tlb.gen &&
	    v->tlb.gen == asid_cpu0.gen && !v->tlb.need && !asid_cpu0.fresh) {
		v->vmcb->control.tlb_control = TLB_CONTROL_DO_NOTHING;
		v->tlb_why = 0;
		return;
	}
	tlb_choose(v);
}
/**
 * The hypervisor changed translations @p v's TLB entries may hold
 * (TLB_NEED_*): before chapter 12 a full flush at the next VMRUN,
 * from chapter 12 on what the policy table says.
 */
void vcpu_tlb_need(struct vcpu *v, uint32_t need);
/**
 * One guest page at @p gva changed: INVLPGA it for the guest's ASID,
 * traced with @p why, unless the guest holds no current ASID.
 */
void vcpu_invlpga(struct vcpu *v, uint64_t gva, const char *why);
/** Why a guest gave the CPU back to the scheduler (vcpu.yield). */
enum { SCHED_RUN, SCHED_YIELD, SCHED_PREEMPT };
/** Time slice of the round-robin scheduler, in milliseconds. */
#define SCHED_SLICE_MS 2
/**
 * Run the @p n guests in @p vs round-robin, each with its own VMCB,
 * until every one is done or stopped.  A guest runs until it yields
 * (HC_YIELD) or its time slice ends (the LAPIC timer); the watchdog
 * counts the time it has run in all its slices.
 */
void sched_run(struct vcpu *const *vs, unsigned n);
/** The timer ended @p v's run: 1 if that was the end of a slice. */
int sched_preempt(struct vcpu *v);
/** Run @p v until it is done, stopped or gives the CPU back. */
void vcpu_run_slice(struct vcpu *v);
uint64_t hc_yield(struct vcpu *v);          /**< HC_YIELD */
uint64_t hc_preempted(struct vcpu *v);      /**< HC_PREEMPTED */
/** @} */

/** @name Chapters 13-14: nested paging and MMIO (nested.c, mmio_dev.c) */
/** @{ */
/**
 * Give @p v a nested page table of its own and turn NP_ENABLE on; its
 * guest-physical space is empty until nested_populate or a #NPF fills
 * it.  Returns 0 or an NPT error (npt.h).
 */
int nested_init(struct vcpu *v);
/**
 * Back [@p g, @p g + @p len) of @p v's guest-physical space with new
 * host pages, contiguous in host memory, mapped read-write-execute with
 * 4 KiB pages.  Returns the host pointer to the first (for the loader).
 */
void *nested_populate(struct vcpu *v, gpa_t g, uint64_t len);
/**
 * The host pointer behind guest-physical @p g, if @p len bytes from it
 * are mapped in the same page; else NULL.
 */
void *nested_host(const struct vcpu *v, gpa_t g, uint64_t len);
/** Translate @p gva through the guest's own paging (gwalk.c); 0 or -1. */
int nested_translate(struct vcpu *v, uint64_t gva, gpa_t *out);
/**
 * vcpu_guest_ptr under nested paging: @p len bytes at guest-virtual
 * @p gva, through the guest's page tables and the NPT, if they are
 * contiguous in host memory; else NULL.
 */
void *nested_guest_ptr(struct vcpu *v, uint64_t gva, uint64_t len);
/**
 * A hypercall argument as the guest meant it: all 64 bits in 64-bit
 * mode, the low 32 in real and 32-bit modes (guest_abi.h).
 */
uint64_t vcpu_abi_arg(const struct vcpu *v, uint64_t reg);
/** 64, 32 or 16: the guest's code size, from CS and EFER.LMA. */
unsigned vcpu_code_bits(const struct vcpu *v);
void handle_npf(struct vcpu *v);            /**< #NPF (400h), nested.c */
/** Ch. 14: an #NPF outside RAM: the device, or no memory (mmio_dev.c). */
void mmio_npf(struct vcpu *v, uint64_t gpa, struct npf_info f);
uint64_t hc_npt_set(struct vcpu *v);        /**< HC_NPT_SET */
uint64_t hc_npf_info(struct vcpu *v);       /**< HC_NPF_INFO */
uint64_t hc_dirty_start(struct vcpu *v);    /**< HC_DIRTY_START */
uint64_t hc_dirty_list(struct vcpu *v);     /**< HC_DIRTY_LIST */
uint64_t hc_hv_address(struct vcpu *v);     /**< HC_HV_ADDRESS */
/** Fill the hypervisor's secret page (chapter 14). */
void hv_secret_init(void);
/** 1 if the secret page still holds only the secret. */
int hv_secret_intact(void);
/** FNV-1a of the kernel's code and read-only data and the secret page. */
uint64_t hv_checksum(void);
/** @} */

/**
 * The watchdog of @p v in milliseconds: watchdog=, four times that for a
 * guest under nested paging (events.c).
 */
unsigned vcpu_watchdog_ms_of(const struct vcpu *v);

/** Run the VMCB checker before every VMRUN (vmcbcheck=on, default). */
extern int vcpu_check_before_vmrun;

/**
 * trace=: one text line and one trace event per #VMEXIT, and the events
 * of handling it (inject, npf, mmio, vmgexit); default on.  Off, an exit
 * prints nothing unless the guest ends or reports (chapter 16).
 */
extern int vcpu_trace_exits;

/** The checker's view of this processor, filled by vcpu_env_init. */
extern struct vmcb_check_env vcpu_check_env;

/** Fill vcpu_check_env from CPUID once. */
void vcpu_env_init(void);

/** Handler of one exit code; it may advance RIP, stop the guest, ... */
typedef void exit_handler_fn(struct vcpu *v);

/** VMMCALL: the hypercall ABI of guest_abi.h (hypercall.c). */
exit_handler_fn handle_vmmcall;

/** @name Chapter 5: instruction intercepts (intercepts.c) */
/** @{ */
exit_handler_fn handle_cpuid;   /**< CPUID, virtualised */
exit_handler_fn handle_rdtsc;   /**< RDTSC: host TSC + TSC_OFFSET */
exit_handler_fn handle_rdtscp;  /**< RDTSCP: the same and HV_TSC_AUX */
exit_handler_fn handle_rdpmc;   /**< RDPMC: counters that read 0 */
exit_handler_fn handle_step_over; /**< INVD WBINVD PAUSE MONITOR MWAIT */
exit_handler_fn handle_xsetbv;  /**< XSETBV: validated and recorded */
exit_handler_fn handle_invlpg;  /**< INVLPG: INVLPGA of the decoded address */
exit_handler_fn handle_pushf;   /**< PUSHF, emulated */
exit_handler_fn handle_popf;    /**< POPF, emulated */
exit_handler_fn handle_intn;    /**< INTn: stepped over and injected */
exit_handler_fn handle_iret;    /**< IRET: the one-shot intercept */
exit_handler_fn handle_icebp;   /**< ICEBP: stepped over, #DB injected */
exit_handler_fn handle_svm_insn; /**< an SVM instruction: #UD */
/** @} */
/** Chapter 6: RDMSR and WRMSR (msr.c). */
exit_handler_fn handle_msr;
/** Chapter 7: IN, OUT, INS and OUTS (io.c). */
exit_handler_fn handle_ioio;
/** @name Chapter 8: CR, DR and exception intercepts (crdr.c) */
/** @{ */
exit_handler_fn handle_cr;        /**< MOV to or from CRn, emulated */
exit_handler_fn handle_dr;        /**< MOV to or from DRn, emulated */
exit_handler_fn handle_exception; /**< an exception, reflected */
/** @} */

/**
 * Decode the exit in v->vmcb, of normalised code @p code, into v->x
 * (decode.c).  The instruction itself is fetched and decoded only when
 * the trace, the step over it (no NRIP) or its handler reads it.
 */
void exit_decode(struct vcpu *v, uint64_t code);

/** Emit the "dec" object of the exit trace event for v->x (decode.c). */
void exit_trace_decode(const struct vcpu *v);

#endif /* SVMLAB_SVM_VCPU_H */
