/*
 * decode.c - one decode per exit type (decode.h), used by the trace and
 * by the handlers alike.
 */
#include "vcpu.h"
#include "ghcb_abi.h"
#include "exits.h"
#include "kernel/trace.h"
#include "lib/string.h"

/*
 * Exits caused by an instruction at the saved RIP: the hypervisor may
 * need its length (no NRIPS) or its operands (no decode assists).
 */
static inline int is_instruction_exit(uint64_t code)
{
	if (code <= 0x3f)                       /* MOV CRn/DRn */
		return 1;
	if (code == SVM_EXIT_EXCP_BASE + 3)     /* #BP: INT3 at RIP */
		return 1;
	if (code >= SVM_EXIT_CR0_SEL_WRITE && code <= SVM_EXIT_CPUID)
		return 1;
	if (code >= SVM_EXIT_IRET && code <= SVM_EXIT_MSR)
		return 1;
	return code >= SVM_EXIT_VMRUN && code <= SVM_EXIT_XSETBV;
}

unsigned vcpu_read_guest(struct vcpu *v, uint64_t gva, void *buf,
			 unsigned len)
{
	unsigned done = 0;

	/* A page at a time: each page may live anywhere in host memory. */
	while (done < len) {
		uint64_t at = gva + done;
		unsigned chunk = (unsigned)(PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		const void *p;

		if (chunk > len - done)
			chunk = len - done;
		p = vcpu_guest_ptr(v, at, chunk);
		if (!p)
			break;
		memcpy((uint8_t *)buf + done, p, chunk);
		done += chunk;
	}
	return done;
}

unsigned vcpu_write_guest(struct vcpu *v, uint64_t gva, const void *buf,
			  unsigned len)
{
	unsigned done = 0;

	while (done < len) {
		uint64_t at = gva + done;
		unsigned chunk = (unsigned)(PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		void *p;

		if (chunk > len - done)
			chunk = len - done;
		p = vcpu_guest_ptr(v, at, chunk);
		if (!p)
			break;
		memcpy(p, (const uint8_t *)buf + done, chunk);
		done += chunk;
	}
	return done;
}

int vcpu_fetch_insn(struct vcpu *v, struct insn *out)
{
	uint64_t rip = v->vmcb->save.cs.base + v->vmcb->save.rip;
	uint8_t bytes[INSN_MAX_LEN];
	unsigned n;

	if (vcpu_code_bits(v) != 64)
		rip = (uint32_t)rip;
	n = vcpu_read_guest(v, rip, bytes, sizeof(bytes));
	return n ? insn_decode(bytes, n, vcpu_code_bits(v), out) : -1;
}

/* Fetch and decode the instruction at the guest's RIP. */
static void decode_insn(struct vcpu *v, struct exit_decode *x)
{
	x->have_insn = vcpu_fetch_insn(v, &x->insn) == 0;
}

/* MOV to or from CRn/DRn (and the selective CR0 write). */
static void decode_crdr(struct vcpu *v, struct exit_decode *x)
{
	uint64_t code = x->code, info1 = v->vmcb->control.exit_info_1;
	const struct insn *in = &x->insn;

	x->kind = DEC_CRDR;
	x->crdr.dr = code >= SVM_EXIT_READ_DR0 && code <= 0x3f;
	x->crdr.n = code == SVM_EXIT_CR0_SEL_WRITE ? 0 : (int)(code & 15);
	x->crdr.write = code == SVM_EXIT_CR0_SEL_WRITE || (code & 0x10);
	x->crdr.gpr = -1;
	x->crdr.src = CRDR_UNKNOWN;
	if (info1 & SVM_EXITINFO1_CR_MOV) {
		x->crdr.gpr = (int)(info1 & SVM_EXITINFO1_GPR_MASK);
		x->crdr.src = CRDR_ASSIST;
		return;
	}
	/*
	 * 0F 20/22 MOV CR, 0F 21/23 MOV DR: reg = CRn/DRn, rm = the GPR.
	 * AMD's other encoding of CR8 is LOCK MOV CR0 (F0 0F 20/22 /0).
	 */
	if (x->have_insn && in->twobyte && in->opcode >= 0x20 &&
	    in->opcode <= 0x23 && (in->opcode & 1) == x->crdr.dr &&
	    !!(in->opcode & 2) == x->crdr.write &&
	    (in->lock && !x->crdr.dr && in->reg == 0 ? 8 : in->reg) ==
	    x->crdr.n) {
		x->crdr.gpr = in->rm;
		x->crdr.src = CRDR_INSN;
	}
}

/* The effective address of INVLPG's operand (64-bit flat: no base). */
static uint64_t invlpg_address(struct vcpu *v, const struct insn *in)
{
	uint64_t gpr[16];
	unsigned i;

	for (i = 0; i < 16; i++)
		gpr[i] = *vcpu_gpr(v, i);
	return insn_ea(in, gpr, v->vmcb->save.rip + in->len);
}

/*
 * Fetching and decoding the instruction is the dearest part of an exit
 * (chapter 16): do it only when something reads the result.  The trace
 * prints it, and a CPU without NRIP needs its length to step over it.
 * With NRIP and tracing off, a CPUID or RDMSR exit never touches the
 * guest's memory.
 */
static inline int length_wanted(const struct vcpu *v)
{
	return vcpu_trace_exits || !v->nrips;
}

/*
 * The exits whose handlers also read the instruction's operands: MOV
 * CR/DR without a decode assist, INVLPG's address, PUSHF and POPF's
 * operand size, INT n's vector, INT3.
 */
static inline int needs_operands(uint64_t code)
{
	return code <= 0x3f || code == SVM_EXIT_CR0_SEL_WRITE ||
	       code == SVM_EXIT_INVLPG || code == SVM_EXIT_PUSHF ||
	       code == SVM_EXIT_POPF || code == SVM_EXIT_SWINT ||
	       code == SVM_EXIT_EXCP_BASE + 3;
}

/*
 * The exits that the registers and EXITINFO describe fully (chapter 16
 * takes them first: they are the most frequent): CPUID, RDMSR/WRMSR,
 * IN/OUT.  Their instruction is decoded only for its length, or for a
 * string instruction's address size.
 */
static inline int decode_by_registers(struct vcpu *v, struct exit_decode *x)
{
	const struct vmcb_control *c = &v->vmcb->control;
	int wanted = length_wanted(v);

	switch (x->code) {
	case SVM_EXIT_CPUID:
		x->kind = DEC_CPUID;
		x->cpuid.leaf = (uint32_t)v->vmcb->save.rax;
		x->cpuid.subleaf = (uint32_t)v->regs.rcx;
		break;
	case SVM_EXIT_MSR:
		x->kind = DEC_MSR;
		x->msr.msr = (uint32_t)v->regs.rcx;
		x->msr.write = (c->exit_info_1 & SVM_EXITINFO1_MSR_WRITE) != 0;
		x->msr.value = (v->regs.rdx << 32) |
			       (uint32_t)v->vmcb->save.rax;
		break;
	case SVM_EXIT_IOIO:
		x->kind = DEC_IOIO;
		if (ioio_decode(c->exit_info_1, &x->ioio.io) < 0)
			x->kind = DEC_INSN;     /* the handler will refuse it */
		x->ioio.next_rip = c->exit_info_2;
		wanted |= (c->exit_info_1 & SVM_EXITINFO1_IOIO_STR) != 0;
		break;
	default:
		return 0;
	}
	/* Chapter 4's guests exit only on HLT and VMMCALL, of known length;
	 * the decoder arrives with chapter 5's policy. */
	if (wanted && (v->policy & HV_POLICY_CPUID))
		decode_insn(v, x);
	return 1;
}

void exit_decode(struct vcpu *v, uint64_t code)
{
	struct exit_decode *x = &v->x;
	const struct vmcb_control *c = &v->vmcb->control;

	x->code = code;
	x->kind = DEC_NONE;
	x->have_insn = 0;
	/* Chapter 15: a model SEV-ES guest's registers are not the
	 * hypervisor's to read, not even for the trace. */
	if (v->sev_es && !(x->code == SVM_EXIT_MSR &&
			   (uint32_t)v->regs.rcx == MSR_GHCB))
		return;
	if (decode_by_registers(v, x))
		return;
	if (is_instruction_exit(x->code) && (v->policy & HV_POLICY_CPUID)) {
		x->kind = DEC_INSN;
		if (length_wanted(v) || needs_operands(x->code))
			decode_insn(v, x);
	}
	if (x->code == SVM_EXIT_INVLPG && x->have_insn && x->insn.mod != 3)
		x->addr = invlpg_address(v, &x->insn);
	if (x->code <= 0x3f || x->code == SVM_EXIT_CR0_SEL_WRITE) {
		decode_crdr(v, x);
	} else if (x->code >= SVM_EXIT_EXCP_BASE &&
		   x->code < SVM_EXIT_EXCP_BASE + 32) {
		x->kind = DEC_EXCP;
		x->excp.vector = (int)(x->code - SVM_EXIT_EXCP_BASE);
		x->excp.has_error = exception_has_error(x->excp.vector);
		x->excp.error = (uint32_t)c->exit_info_1;
		x->excp.cr2 = c->exit_info_2;
	}
}

/* The register a MOV CR/DR names, as the trace prints it. */
static void trace_reg(const struct exit_decode *x)
{
	char name[5] = { x->crdr.dr ? 'd' : 'c', 'r', 0, 0, 0 };

	if (x->crdr.n >= 10) {
		name[2] = '1';
		name[3] = (char)('0' + x->crdr.n - 10);
	} else {
		name[2] = (char)('0' + x->crdr.n);
	}
	trace_str("reg", name);
}

void exit_trace_decode(const struct vcpu *v)
{
	const struct exit_decode *x = &v->x;
	const struct insn *in = &x->insn;

	if (x->kind == DEC_NONE && !x->have_insn)
		return;
	trace_obj_begin("dec");
	if (x->have_insn)
		trace_u64("len", in->len);
	switch (x->kind) {
	case DEC_CPUID:
		trace_u64("leaf", x->cpuid.leaf);
		trace_u64("subleaf", x->cpuid.subleaf);
		break;
	case DEC_MSR:
		trace_u64("msr", x->msr.msr);
		trace_bool("write", x->msr.write);
		if (x->msr.write)
			trace_u64("value", x->msr.value);
		break;
	case DEC_IOIO:
		trace_u64("port", x->ioio.io.port);
		trace_bool("in", x->ioio.io.in);
		trace_bool("str", x->ioio.io.str);
		trace_bool("rep", x->ioio.io.rep);
		trace_u64("size", x->ioio.io.size);
		trace_u64("asize", x->ioio.io.asize);
		trace_u64("seg", x->ioio.io.seg);
		trace_u64("next_rip", x->ioio.next_rip);
		break;
	case DEC_CRDR:
		trace_reg(x);
		trace_bool("write", x->crdr.write);
		trace_i64("gpr", x->crdr.gpr);
		trace_str("src", x->crdr.src == CRDR_ASSIST ? "assist" :
			  x->crdr.src == CRDR_INSN ? "insn" : "unknown");
		break;
	case DEC_EXCP:
		trace_u64("vector", (uint64_t)x->excp.vector);
		if (x->excp.has_error)
			trace_u64("error", x->excp.error);
		if (x->excp.vector == 14)
			trace_u64("cr2", x->excp.cr2);
		break;
	default:
		break;
	}
	if (x->have_insn && x->code == SVM_EXIT_SWINT)
		trace_u64("vector", in->imm);
	if (x->have_insn && x->code == SVM_EXIT_INVLPG && in->mod != 3)
		trace_u64("addr", x->addr);
	trace_obj_end();
}
