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

/** One guest. */
struct vcpu {
	const char *name;               /**< guest name, as in guest= */
	struct vmcb *vmcb;              /**< its VMCB (one page) */
	hpa_t vmcb_pa;                  /**< the VMCB's physical address */
	struct guest_regs regs;         /**< GPRs outside the VMCB */
	enum vcpu_state state;          /**< running, done or stopped */
	unsigned exits;                 /**< #VMEXITs so far */
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
};

/**
 * The world switch (vmrun.S): CLGI, VMSAVE the host's hidden state to
 * @p host_pa, load the GPRs from @p regs, VMLOAD, VMRUN and VMSAVE the
 * VMCB at @p vmcb_pa, store the GPRs back, VMLOAD the host state, STGI.
 */
void svm_world_switch(struct guest_regs *regs, hpa_t vmcb_pa, hpa_t host_pa);

/** A vcpu with a fresh, zeroed VMCB page. */
void vcpu_init(struct vcpu *v, const char *name);

/** Run @p v until it is done or stopped, tracing every exit. */
void vcpu_run(struct vcpu *v);

/** Stop the guest with a reason (printf format); the run goes on. */
void vcpu_stop(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Resume after the intercepted instruction of @p len bytes: RIP = NRIP
 * where the CPU saves it (CPUID 8000_000Ah EDX[3] NRIPS), else RIP + len.
 */
void vcpu_skip_insn(struct vcpu *v, unsigned len);

/** Run the VMCB checker before every VMRUN (vmcbcheck=on, default). */
extern int vcpu_check_before_vmrun;

/** The checker's view of this processor, filled by vcpu_env_init. */
extern struct vmcb_check_env vcpu_check_env;

/** Fill vcpu_check_env from CPUID once. */
void vcpu_env_init(void);

/** Handler of one exit code; it may advance RIP, stop the guest, ... */
typedef void exit_handler_fn(struct vcpu *v);

/** VMMCALL: the hypercall ABI of guest_abi.h (hypercall.c). */
exit_handler_fn handle_vmmcall;

#endif /* SVMLAB_SVM_VCPU_H */
