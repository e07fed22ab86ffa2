/*
 * vmgexit.c - chapter 15: the hypervisor's side of the GHCB (AMD's GHCB
 * specification, publication 56421; APM2 §15.35 "Encrypted State
 * (SEV-ES)").
 *
 * A VMGEXIT finds the guest's GHCB MSR in the VMCB's GHCB GPA field
 * (0A0h).  If its low 12 bits are not 0 it is a request of the MSR
 * protocol, answered in the same field (msr_protocol).  Otherwise it is
 * the guest-physical address of the guest's GHCB: the request is in that
 * page (ghcb_protocol).
 *
 * The hypervisor reads a GHCB request only through ghcb_in(): a copy of
 * the page taken once, so the guest cannot change it between check and
 * use, and only the fields the guest marked valid.  Reading any other
 * field is a hypervisor bug; ghcb_in() reports it and stops the guest
 * rather than act on a value the guest never gave.  Answers go to the
 * guest's page with their valid bits set (ghcb_out), nothing else.
 */
#include "vcpu.h"
#include "ghcb.h"
#include "guest_abi.h"
#include "arch/x86.h"
#include "dev/console.h"
#include "kernel/lab.h"
#include "kernel/trace.h"
#include "lib/string.h"

/** #GP(0) in the EVENTINJ format: V, EV, type 3 (exception), vector 13. */
#define GHCB_EVENT_GP0  0x80000b0dull

/* VMGEXIT: REP (F3) before VMMCALL (0F 01 D9). */
static const uint8_t vmgexit_insn[4] = { 0xf3, 0x0f, 0x01, 0xd9 };

int vmgexit_at_rip(struct vcpu *v)
{
	uint8_t b[4];

	/* On SEV-ES hardware VMGEXIT has an exit code of its own (403h);
	 * here it exits as VMMCALL, and only its bytes tell them apart.
	 * With NRIP, a 3-byte instruction is a bare VMMCALL: no need to
	 * read the guest's memory on every hypercall (chapter 16). */
	if (v->nrips && v->vmcb->control.next_rip - v->vmcb->save.rip ==
	    sizeof(b) - 1)
		return 0;
	return vcpu_read_guest(v, v->vmcb->save.rip, b, sizeof(b)) ==
	       sizeof(b) && memcmp(b, vmgexit_insn, sizeof(b)) == 0;
}

/* ---- the MSR protocol -------------------------------------------------- */

/* The answer to MSR-protocol request @p req; *why says what went wrong. */
static uint64_t msr_answer(struct vcpu *v, uint64_t req, const char **why)
{
	struct cpuid_regs r;
	uint32_t regs[4];
	uint64_t gfn = req >> 12;

	/* LAB 15 BEGIN msr_answer: the GHCB MSR protocol's answers */
	switch (ghcb_msr_info(req)) {
	case GHCB_MSR_SEV_INFO_REQ:
		return ghcb_msr_sev_info(GHCB_PROTOCOL_MAX, GHCB_PROTOCOL_MIN,
					 GHCB_MODEL_CBIT);
	case GHCB_MSR_CPUID_REQ:
		if (!ghcb_msr_cpuid_req_ok(req)) {
			*why = "reserved bits 29:12 of a CPUID request are set";
			return req;
		}
		r = hv_cpuid(ghcb_msr_cpuid_fn(req), 0);
		regs[0] = r.eax;
		regs[1] = r.ebx;
		regs[2] = r.ecx;
		regs[3] = r.edx;
		return ghcb_msr_cpuid_resp(regs[ghcb_msr_cpuid_reg(req)],
					   ghcb_msr_cpuid_reg(req));
	case GHCB_MSR_REG_GPA_REQ:
		if (gfn >= GUEST_RAM_SIZE / PAGE_SIZE) {
			*why = "refused: not a page of the guest's RAM";
			return ghcb_msr_reg_gpa_resp(GHCB_MSR_REG_GPA_FAIL);
		}
		v->ghcb_registered = 1;
		v->ghcb_gpa = gfn << 12;
		return ghcb_msr_reg_gpa_resp(gfn);
	case GHCB_MSR_HV_FT_REQ:
		return ghcb_msr_hv_ft_resp(GHCB_MODEL_HV_FEATURES);
	default:
		/* The specification defines no answer: leave the MSR as the
		 * guest wrote it, which is never a response code. */
		*why = "unknown request";
		return req;
	}
	/* LAB 15 END */
}

static void msr_protocol(struct vcpu *v, uint64_t req)
{
	const char *name = ghcb_msr_req_name(ghcb_msr_info(req));
	const char *why = "";
	uint64_t resp = req;

	if (ghcb_msr_info(req) == GHCB_MSR_TERM_REQ) {
		trace_begin("ghcb_msr");
		trace_str("guest", v->name);
		trace_u64("req", req);
		trace_str("request", name);
		trace_u64("resp", req);
		trace_str("error", "");
		trace_end();
		vcpu_stop(v, "terminated at its request (GHCB MSR protocol): "
			  "reason set %u, code 0x%x", ghcb_msr_term_set(req),
			  ghcb_msr_term_code(req));
		return;
	}
	resp = msr_answer(v, req, &why);
	v->vmcb->control.ghcb_gpa = resp;
	kprintf("  GHCB MSR protocol: %s 0x%llx -> 0x%llx%s%s\n",
		name ? name : "?", (unsigned long long)req,
		(unsigned long long)resp, *why ? ": " : "", why);
	trace_begin("ghcb_msr");
	trace_str("guest", v->name);
	trace_u64("req", req);
	trace_str("request", name ? name : "unknown");
	trace_u64("resp", resp);
	trace_str("error", why);
	trace_end();
}

/* ---- the GHCB protocol ------------------------------------------------- */

/* One request: the guest's page, and the copy the hypervisor reads. */
struct ghcb_req {
	struct vcpu *v;
	struct ghcb *page;              /* the guest's GHCB: answers go here */
	const struct ghcb *in;          /* the copy taken at VMGEXIT */
	uint64_t gpa;                   /* its guest-physical address */
	uint64_t code, info1, info2;    /* SW_EXITCODE, SW_EXITINFO1/2 */
	uint64_t resp, detail;          /* the SW_EXITINFO1/2 answered */
	int bug;                        /* ghcb_in() was refused */
};

/* One CPU, one request at a time: the copy lives here, not on the stack. */
static struct ghcb ghcb_copy;

/*
 * The accessor: field @p off of the request, if the guest marked it
 * valid.  Anything else is a hypervisor bug, reported and refused.
 */
static uint64_t ghcb_in(struct ghcb_req *q, unsigned off)
{
	uint64_t val = 0;

	if (ghcb_get(q->in, off, &val) == 0)
		return val;
	if (!q->bug) {
		const char *f = ghcb_field_name(off);

		trace_begin("ghcb_bug");
		trace_str("guest", q->v->name);
		trace_str("field", f ? f : "?");
		trace_u64("code", q->code);
		trace_end();
		vcpu_stop(q->v, "hypervisor bug: it read GHCB field %s, which "
			  "the guest did not mark valid", f ? f : "?");
	}
	q->bug = 1;
	return 0;
}

/* An answer: field @p off of the guest's page, marked valid. */
static void ghcb_out(struct ghcb_req *q, unsigned off, uint64_t val)
{
	ghcb_put(q->page, off, val);
}

/*
 * The checks before serving (GHCB specification, "Hypervisor Response
 * Codes"): 0, or the reason a malformed request gets.
 */
static unsigned ghcb_check(struct ghcb_req *q, const char **why)
{
	const struct ghcb *g = q->in;
	struct ghcb_need need;
	int rc, missing;

	/* LAB 15 BEGIN ghcb_check: a request the hypervisor may serve */
	/* What the request is, for the trace, where the guest said so. */
	if (ghcb_valid_test(g, GHCB_SW_EXIT_CODE))
		q->code = ghcb_in(q, GHCB_SW_EXIT_CODE);
	if (ghcb_valid_test(g, GHCB_SW_EXIT_INFO1))
		q->info1 = ghcb_in(q, GHCB_SW_EXIT_INFO1);
	if (!q->v->ghcb_registered || q->gpa != q->v->ghcb_gpa) {
		*why = "this page is not the GHCB the guest registered";
		return GHCB_ERR_NOT_REGISTERED;
	}
	if (g->usage != 0) {
		*why = "GHCB usage is not 0 (the standard layout)";
		return GHCB_ERR_INVALID_USAGE;
	}
	if (g->protocol_version < GHCB_PROTOCOL_MIN ||
	    g->protocol_version > GHCB_PROTOCOL_MAX) {
		*why = "a protocol version this hypervisor does not speak";
		return GHCB_ERR_INVALID_INPUT;
	}
	if (!ghcb_valid_test(g, GHCB_SW_EXIT_CODE) ||
	    !ghcb_valid_test(g, GHCB_SW_EXIT_INFO1)) {
		*why = ghcb_valid_test(g, GHCB_SW_EXIT_CODE) ?
		       "sw_exit_info1 is not marked valid" :
		       "sw_exit_code is not marked valid";
		return GHCB_ERR_MISSING_INPUT;
	}
	rc = ghcb_request_needs(q->code, q->info1, &need);
	missing = ghcb_first_missing(g, &need);
	if (missing >= 0) {
		*why = ghcb_field_name((unsigned)missing);
		return GHCB_ERR_MISSING_INPUT;
	}
	q->info2 = ghcb_in(q, GHCB_SW_EXIT_INFO2);
	if (rc < 0) {
		*why = "an exit code this hypervisor does not serve";
		return GHCB_ERR_INVALID_EVENT;
	}
	if (q->code == SVM_EXIT_IOIO &&
	    ((q->info1 & SVM_EXITINFO1_IOIO_STR) || !ghcb_io_size(q->info1))) {
		*why = "string I/O, or no single operand size";
		return GHCB_ERR_INVALID_INPUT;
	}
	if (q->code == SVM_EXIT_MSR && q->info1 > 1) {
		*why = "SW_EXITINFO1 of an MSR request is 0 or 1";
		return GHCB_ERR_INVALID_INPUT;
	}
	if (q->code == GHCB_EXIT_MMIO_READ || q->code == GHCB_EXIT_MMIO_WRITE) {
		if (q->info2 != 1 && q->info2 != 2 && q->info2 != 4 &&
		    q->info2 != 8) {
			*why = "an MMIO length other than 1, 2, 4 or 8";
			return GHCB_ERR_INVALID_INPUT;
		}
		if (!ghcb_scratch_ok(q->gpa, ghcb_in(q, GHCB_SW_SCRATCH),
				     q->info2)) {
			*why = "the scratch area is not inside the shared buffer";
			return GHCB_ERR_INVALID_SCRATCH_AREA;
		}
		if (q->info1 < HV_MMIO_BASE ||
		    q->info1 + q->info2 > HV_MMIO_BASE + PAGE_SIZE) {
			*why = "not an address of the MMIO device";
			return GHCB_ERR_INVALID_INPUT;
		}
	}
	return 0;
	/* LAB 15 END */
}

/* Where the scratch area of an MMIO request is, in the page and the copy. */
static unsigned scratch_offset(struct ghcb_req *q)
{
	return (unsigned)(ghcb_in(q, GHCB_SW_SCRATCH) - q->gpa);
}

static void serve_cpuid(struct ghcb_req *q)
{
	struct cpuid_regs r = hv_cpuid((uint32_t)ghcb_in(q, GHCB_RAX),
				       (uint32_t)ghcb_in(q, GHCB_RCX));

	ghcb_out(q, GHCB_RAX, r.eax);
	ghcb_out(q, GHCB_RBX, r.ebx);
	ghcb_out(q, GHCB_RCX, r.ecx);
	ghcb_out(q, GHCB_RDX, r.edx);
}

static void serve_ioio(struct ghcb_req *q)
{
	unsigned size = ghcb_io_size(q->info1);
	uint16_t port = (uint16_t)(q->info1 >> SVM_EXITINFO1_IOIO_PORT_SHIFT);
	uint64_t old = 0;
	uint32_t val;

	if (!(q->info1 & SVM_EXITINFO1_IOIO_IN)) {
		io_port_access(q->v, port, size, 0, (uint32_t)(
			       ghcb_in(q, GHCB_RAX) & ghcb_io_mask(size)));
		return;
	}
	val = io_port_access(q->v, port, size, 1, 0);
	/* RAX is optional for IN: the guest merges the answer itself, but
	 * one that gave RAX gets it back with only AL, AX or EAX changed. */
	if (ghcb_valid_test(q->in, GHCB_RAX))
		old = ghcb_in(q, GHCB_RAX);
	ghcb_out(q, GHCB_RAX, ghcb_io_merge(old, val, size));
}

static void serve_msr(struct ghcb_req *q)
{
	uint32_t msr = (uint32_t)ghcb_in(q, GHCB_RCX);
	int write = q->info1 == 1;
	uint64_t val = 0;

	if (write)
		val = (ghcb_in(q, GHCB_RDX) << 32) |
		      (uint32_t)ghcb_in(q, GHCB_RAX);
	if (msr_emulate(q->v, msr, write, &val) < 0) {
		q->resp = GHCB_RESP_EXCEPTION;
		q->detail = GHCB_EVENT_GP0;
		return;
	}
	if (!write) {
		ghcb_out(q, GHCB_RAX, (uint32_t)val);
		ghcb_out(q, GHCB_RDX, val >> 32);
	}
}

static void serve_vmmcall(struct ghcb_req *q)
{
	uint64_t ret;

	q->v->hc.nr = ghcb_in(q, GHCB_RAX);
	q->v->hc.a0 = ghcb_in(q, GHCB_RDI);
	q->v->hc.a1 = ghcb_in(q, GHCB_RSI);
	(void)ghcb_in(q, GHCB_CPL);     /* a real hypervisor checks it */
	if (!q->bug && hypercall_run(q->v, &ret) == 0)
		ghcb_out(q, GHCB_RAX, ret);
}

static void serve_mmio(struct ghcb_req *q)
{
	int write = q->code == GHCB_EXIT_MMIO_WRITE;
	unsigned at = scratch_offset(q), size = (unsigned)q->info2;
	uint64_t val = 0;

	if (write)
		memcpy(&val, (const uint8_t *)q->in + at, size);
	if (mmio_dev_access(q->v, q->info1, write, size, &val, 0) < 0) {
		q->resp = GHCB_RESP_MALFORMED;
		q->detail = GHCB_ERR_INVALID_INPUT;
		return;
	}
	if (!write)
		memcpy((uint8_t *)q->page + at, &val, size);
}

static void serve(struct ghcb_req *q)
{
	switch (q->code) {
	case SVM_EXIT_CPUID: serve_cpuid(q); break;
	case SVM_EXIT_IOIO: serve_ioio(q); break;
	case SVM_EXIT_MSR: serve_msr(q); break;
	case SVM_EXIT_VMMCALL: serve_vmmcall(q); break;
	default: serve_mmio(q); break;
	}
}

static void trace_vmgexit(struct ghcb_req *q, unsigned reason,
			  const char *why)
{
	const char *name = ghcb_exit_name(q->code);
	const char *err = reason ? ghcb_err_name(reason) : "";

	if (!vcpu_trace_exits)
		return;
	kprintf("  VMGEXIT %s (0x%llx) info1=0x%llx info2=0x%llx -> "
		"%llu/0x%llx%s%s\n", name ? name : "?",
		(unsigned long long)q->code, (unsigned long long)q->info1,
		(unsigned long long)q->info2, (unsigned long long)q->resp,
		(unsigned long long)q->detail, reason ? ": " : "",
		reason ? why : "");
	trace_begin("vmgexit");
	trace_str("guest", q->v->name);
	trace_u64("gpa", q->gpa);
	trace_u64("code", q->code);
	trace_str("name", name ? name : "unknown");
	trace_u64("info1", q->info1);
	trace_u64("info2", q->info2);
	trace_u64("resp", q->resp);
	trace_u64("detail", q->detail);
	trace_str("error", err ? err : "");
	trace_str("why", reason ? why : "");
	trace_u64("valid_lo", q->page->valid_bitmap[0]);
	trace_u64("valid_hi", q->page->valid_bitmap[1]);
	trace_end();
}

static void ghcb_protocol(struct vcpu *v, uint64_t at)
{
	struct ghcb_req q = { .v = v, .gpa = at };
	const char *why = "";
	unsigned reason;

	q.page = vcpu_guest_phys(v, gpa(at), GHCB_SIZE);
	if ((at & (PAGE_SIZE - 1)) || !q.page) {
		vcpu_stop(v, "VMGEXIT with GHCB GPA 0x%llx: not a page of "
			  "RAM the guest has used", (unsigned long long)at);
		return;
	}
	memcpy(&ghcb_copy, q.page, sizeof(ghcb_copy));
	q.in = &ghcb_copy;
	reason = ghcb_check(&q, &why);
	/* The answer: the valid bits of what the hypervisor writes, no
	 * others (GHCB specification, "GHCB Protocol"). */
	ghcb_valid_clear(q.page);
	if (reason) {
		q.resp = GHCB_RESP_MALFORMED;
		q.detail = reason;
	} else {
		serve(&q);
	}
	if (v->state == VCPU_RUNNING) {
		ghcb_out(&q, GHCB_SW_EXIT_INFO1, q.resp);
		ghcb_out(&q, GHCB_SW_EXIT_INFO2, q.detail);
	}
	v->vmgexits++;
	trace_vmgexit(&q, reason ? reason : q.resp == GHCB_RESP_MALFORMED ?
		      (unsigned)q.detail : 0, why);
}

void handle_vmgexit(struct vcpu *v)
{
	uint64_t msr = v->vmcb->control.ghcb_gpa;

	/* Resume after it: F3 0F 01 D9, four bytes. */
	vcpu_skip_insn(v, sizeof(vmgexit_insn));
	if (ghcb_msr_info(msr) != GHCB_MSR_GPA)
		msr_protocol(v, msr);
	else
		ghcb_protocol(v, msr);
}
