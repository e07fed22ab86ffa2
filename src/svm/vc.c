/*
 * vc.c - chapter 15: #VC, the exception of a guest whose registers the
 * hypervisor cannot see (APM2 §15.35.4 "Types of Exits", §15.35.5 "#VC
 * Exception", §8.2 for vector 29; GHCB specification 56421).
 *
 * On SEV-ES hardware an intercepted CPUID, IN, RDMSR or VMMCALL does not
 * leave the guest: the processor raises #VC inside it, with the exit code
 * as the error code, and the guest's own handler asks the hypervisor
 * through the GHCB.  Neither emulator has SEV-ES, so svmlab plays the
 * processor's part: the exit happens, and the hypervisor turns it into a
 * #VC without looking at the guest's registers (vc_intercept).
 *
 * Delivering it needs one fact about the processor underneath.  EVENTINJ
 * with EV set pushes the error code (APM2 §15.20), but an emulator may
 * push one only for the vectors it believes have one.  HC_VC_PROBE
 * measures it once per boot (the chapter's first guest, vc_probe); if
 * the error code is lost, vc.c writes the exception frame itself, as the
 * processor would have (deliver_frame).
 */
#include "vcpu.h"
#include "ghcb_abi.h"
#include "guest_abi.h"
#include "arch/cr.h"
#include "arch/msr.h"
#include "dev/console.h"
#include "kernel/lab.h"
#include "kernel/trace.h"

int vc_pushes_error = -1;

/* Bytes of a long-mode exception frame: SS, RSP, RFLAGS, CS, RIP... */
#define FRAME_BYTES      40
/* ...and the error code below them. */
#define FRAME_BYTES_ERR  48

uint64_t hc_vc_probe(struct vcpu *v)
{
	uint64_t bytes;
	int kept;

	if (!hc_allowed(v, HV_POLICY_GHCB, "HC_VC_PROBE", 15))
		return HC_REFUSED;
	if (v->hc.a0 == 0) {
		/* The guest resumes after its VMMCALL (handle_vmmcall has
		 * stepped over it), straight into #VC. */
		v->vc_probe_rsp = v->vmcb->save.rsp;
		vcpu_inject(v, SVM_EVTINJ_TYPE_EXCEPTION, GHCB_VC_VECTOR,
			    HC_VC_PROBE_ERROR);
		return HC_OK;
	}
	if (!v->vc_probe_rsp)
		return HC_REFUSED;      /* no #VC was injected */
	/* In long mode the processor aligns RSP to 16 bytes, then pushes
	 * the frame (APM2 §8.9.3 "Interrupt Stack Frame"). */
	bytes = (v->vc_probe_rsp & ~15ull) - v->vmcb->save.rsp;
	v->vc_probe_rsp = 0;
	/*
	 * The measurement rests on the guest's RSP, which the guest
	 * controls.  The processor does not change, so the first answer of
	 * the boot stands: a later guest that moved its RSP cannot re-decide
	 * how every model SEV-ES guest after it gets #VC (chapter 17,
	 * guests/hostile_vc_probe.S).
	 */
	kept = vc_pushes_error >= 0;
	if (!kept && bytes == FRAME_BYTES_ERR)
		vc_pushes_error = 1;
	else if (!kept && bytes == FRAME_BYTES)
		vc_pushes_error = 0;
	kprintf("  #VC through EVENTINJ %s %llu bytes: %s\n", kept ?
		"probed again, said" : "pushed", (unsigned long long)bytes,
		kept ? "the first measurement of this boot stands" :
		vc_pushes_error == 1 ? "the error code is there" :
		vc_pushes_error == 0 ?
		"no error code; #VC will be delivered by writing the frame" :
		"not an exception frame");
	trace_begin("vc_probe");
	trace_str("guest", v->name);
	trace_u64("bytes", bytes);
	trace_bool("pushed", vc_pushes_error == 1);
	trace_bool("kept", kept);
	trace_end();
	return bytes;
}

/*
 * Deliver #VC with error code @p code the way the processor does in
 * 64-bit mode through an interrupt or trap gate of the same privilege
 * (APM2 §8.9 "Long-Mode Interrupt Control Transfers"): align RSP to 16,
 * push SS, RSP, RFLAGS, CS, RIP and the error code, clear TF, NT and RF
 * (and IF for an interrupt gate), jump to the gate's offset.  Only what
 * the model needs: a 64-bit guest at CPL 0, no IST.  Returns NULL, or
 * why it cannot.
 */
static const char *deliver_frame(struct vcpu *v, uint64_t code)
{
	struct vmcb_save *s = &v->vmcb->save;
	uint8_t g[16];
	uint64_t frame[6], rsp, target;
	unsigned type;

	if (vcpu_code_bits(v) != 64 || s->cpl != 0)
		return "the model delivers #VC only to 64-bit code at CPL 0";
	if (s->idtr.limit < GHCB_VC_VECTOR * 16 + 15 ||
	    vcpu_read_guest(v, s->idtr.base + GHCB_VC_VECTOR * 16, g, 16) !=
	    16)
		return "the IDT has no readable entry for vector 29";
	type = g[5] & 0x1f;             /* S = 0 and the type */
	if (!(g[5] & 0x80) || (type != 0xe && type != 0xf))
		return "IDT entry 29 is not a present 64-bit interrupt or "
		       "trap gate";
	if (g[4] & 7)
		return "IDT entry 29 asks for an IST stack";
	if ((uint16_t)(g[2] | g[3] << 8) != s->cs.selector)
		return "IDT entry 29 names another code segment";
	target = (uint64_t)g[0] | (uint64_t)g[1] << 8 |
		 (uint64_t)g[6] << 16 | (uint64_t)g[7] << 24 |
		 (uint64_t)g[8] << 32 | (uint64_t)g[9] << 40 |
		 (uint64_t)g[10] << 48 | (uint64_t)g[11] << 56;
	frame[0] = code;
	frame[1] = s->rip;
	frame[2] = s->cs.selector;
	frame[3] = s->rflags;
	frame[4] = s->rsp;
	frame[5] = s->ss.selector;
	rsp = (s->rsp & ~15ull) - sizeof(frame);
	if (vcpu_write_guest(v, rsp, frame, sizeof(frame)) != sizeof(frame))
		return "its stack is not writable guest memory";
	s->rsp = rsp;
	s->rip = target;
	s->rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF);
	if (type == 0xe)
		s->rflags &= ~RFLAGS_IF;
	return 0;
}

/* Raise #VC(@p code) in the guest, at the instruction that exited. */
static void raise_vc(struct vcpu *v, uint64_t code)
{
	const char *how = vc_pushes_error == 1 ? "eventinj" : "frame";
	const char *why = 0;
	uint64_t rip = v->vmcb->save.rip;       /* before a frame moves it */

	if (vc_pushes_error < 0)
		why = "how this processor delivers #VC is not known (the "
		      "chapter's vc_probe guest measures it)";
	else if (vc_pushes_error == 1)
		vcpu_inject(v, SVM_EVTINJ_TYPE_EXCEPTION, GHCB_VC_VECTOR,
			    (long)code);
	else
		why = deliver_frame(v, code);
	v->vcs++;
	trace_begin("vc");
	trace_str("guest", v->name);
	trace_u64("code", code);
	trace_u64("rip", rip);
	trace_str("how", why ? "none" : how);
	trace_end();
	if (why)
		vcpu_stop(v, "cannot deliver #VC(0x%llx): %s",
			  (unsigned long long)code, why);
}

int vc_intercept(struct vcpu *v)
{
	uint64_t code = v->vmcb->control.exit_code;

	/* LAB 15 BEGIN vc_intercept: which exits become #VC */
	switch (code) {
	case SVM_EXIT_MSR:
		/* The processor's part: the GHCB MSR is the guest's own
		 * register under SEV-ES, never intercepted, so its access
		 * is served as hardware would (msr.c), not as a #VC. */
		if ((uint32_t)v->regs.rcx == MSR_GHCB)
			return 0;
		/* fall through */
	case SVM_EXIT_CPUID:
	case SVM_EXIT_IOIO:
	case SVM_EXIT_VMMCALL:
		raise_vc(v, code);
		return 1;
	default:
		return 0;       /* #NPF, interrupts...: the hypervisor's own */
	}
	/* LAB 15 END */
}
