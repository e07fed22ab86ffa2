/*
 * mmio_dev.c - chapter 14: memory-mapped I/O, emulated (APM2 §15.25.6
 * for the #NPF that starts it; AMD64 APM vol 3 for the MOV encodings).
 *
 * The device's page (HV_MMIO_BASE) is deliberately absent from every
 * nested page table, so a guest access to it ends in #NPF.  Neither QEMU
 * nor Bochs has decode assists (the VMCB's guest instruction bytes), so
 * the hypervisor fetches the instruction itself, walking the guest's
 * page tables (gwalk.c), decodes it (insn.c, mmio.c), performs the
 * access on the device and steps over the instruction.  Anything but a
 * MOV the decoder knows stops the guest with the bytes it found.
 *
 * A guest-physical address that is neither RAM nor the device is "no
 * memory": as on a real bus with nothing behind an address, a read
 * returns all ones and a write goes nowhere.  This is also what a guest
 * gets when it tries to reach the hypervisor's memory: the isolation
 * test (guests/iso_scan.S) checks that knowing a host-physical address
 * gives a guest nothing.
 */
#include "vcpu.h"
#include "mmio.h"
#include "seg.h"
#include "dev/console.h"
#include "kernel/trace.h"
#include "lib/format.h"
#include "lib/string.h"
#include "kernel/lab.h"

extern char __kernel_start[], __extable_end[];

/* The secret the isolation test looks for (guest_abi.h). */
static uint64_t hv_secret[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

void hv_secret_init(void)
{
	unsigned i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		hv_secret[i] = HV_SECRET_MASKED ^ HV_SECRET_KEY;
}

uint64_t hc_hv_address(struct vcpu *v)
{
	if (!hc_allowed(v, HV_POLICY_MMIO, "hv_address", 14))
		return HC_OK;
	return hpa_of(hv_secret);
}

/* FNV-1a, 64 bits, over [p, p + n). */
static uint64_t fnv1a(uint64_t h, const uint8_t *p, uint64_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t hv_checksum(void)
{
	uint64_t h = 0xcbf29ce484222325ull;

	/* The kernel's code and read-only data, and the secret page. */
	h = fnv1a(h, (const uint8_t *)__kernel_start,
		  (uint64_t)(__extable_end - __kernel_start));
	return fnv1a(h, (const uint8_t *)hv_secret, sizeof(hv_secret));
}

int hv_secret_intact(void)
{
	unsigned i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (hv_secret[i] != (HV_SECRET_MASKED ^ HV_SECRET_KEY))
			return 0;
	return 1;
}

/* The register at @p off, for the trace. */
static const char *reg_name(uint64_t off)
{
	switch (off & ~7ull) {
	case HV_MMIO_ID: return "id";
	case HV_MMIO_STATUS: return "status";
	case HV_MMIO_DATA: return "data";
	case HV_MMIO_ADDR: return "addr";
	default: return "unassigned";
	}
}

/* A read of @p size bytes at @p off; all ones where nothing is. */
static uint64_t dev_read(struct vcpu *v, uint64_t off, unsigned size)
{
	uint64_t reg, shift = (off & 7) * 8;

	switch (off & ~7ull) {
	case HV_MMIO_ID: reg = HV_MMIO_ID_VALUE; break;
	case HV_MMIO_STATUS: reg = v->mmio.accesses; break;
	case HV_MMIO_DATA: reg = v->mmio.data; break;
	case HV_MMIO_ADDR: reg = v->mmio.addr; break;
	default: reg = ~0ull; break;
	}
	reg >>= shift;
	return size == 8 ? reg : reg & ((1ull << (size * 8)) - 1);
}

/* A write of @p size bytes of @p value at @p off. */
static void dev_write(struct vcpu *v, uint64_t off, unsigned size,
		      uint64_t value)
{
	uint64_t shift = (off & 7) * 8;
	uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1);
	uint64_t *reg = 0;

	if ((off & ~7ull) == HV_MMIO_DATA)
		reg = &v->mmio.data;
	else if ((off & ~7ull) == HV_MMIO_ADDR)
		reg = &v->mmio.addr;
	if (reg)
		*reg = (*reg & ~(mask << shift)) | ((value & mask) << shift);
}


/* The bytes at RIP, for a diagnostic. */
static void insn_bytes(struct vcpu *v, char *buf, size_t n)
{
	uint8_t b[INSN_MAX_LEN];
	unsigned got = vcpu_read_guest(v, v->vmcb->save.cs.base +
				       v->vmcb->save.rip, b, 8), i;
	size_t len = 0;

	buf[0] = 0;
	for (i = 0; i < got && len + 4 < n; i++)
		len += (size_t)ksnprintf(buf + len, n - len, "%s%02x",
					 i ? " " : "", b[i]);
}

/*
 * The access the instruction at RIP makes: fetched through the guest's
 * page tables, decoded, and checked against what EXITINFO1 says.
 * Returns NULL, or why it cannot be emulated.
 */
static const char *decode_access(struct vcpu *v, struct npf_info f,
				 struct insn *in, struct mmio_op *op)
{
	const char *why = 0;

	/* LAB 14 BEGIN decode_access: fetch, decode, check against EXITINFO1 */
	if (vcpu_fetch_insn(v, in) < 0)
		return "unreadable, or not a MOV the decoder knows "
		       "(88 89 8A 8B C6 C7)";
	if (mmio_op_from_insn(in, op, &why) < 0)
		return why;
	if (op->write != f.write)
		return "its direction is not what EXITINFO1 says";
	return 0;
	/* LAB 14 END */
}

int mmio_dev_access(struct vcpu *v, uint64_t g, int write, unsigned size,
		    uint64_t *value, unsigned len)
{
	int device = g >= HV_MMIO_BASE && g < HV_MMIO_BASE + PAGE_SIZE;
	uint64_t off = g - HV_MMIO_BASE;

	if (device && (off & 7) + size > 8)
		return -1;
	if (write) {
		if (device)
			dev_write(v, off, size, *value);
	} else {
		*value = device ? dev_read(v, off, size) :
			 size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	}
	if (device)
		v->mmio.accesses++;
	else
		v->npf_void++;
	if (!vcpu_trace_exits)
		return 0;
	trace_begin("mmio");
	trace_str("guest", v->name);
	trace_u64("gpa", g);
	trace_str("target", device ? reg_name(off) : "void");
	trace_bool("write", write);
	trace_u64("size", size);
	trace_u64("value", *value);
	trace_u64("len", len);
	trace_end();
	return 0;
}

void mmio_npf(struct vcpu *v, uint64_t g, struct npf_info f)
{
	struct insn in;
	struct mmio_op op;
	const char *why;
	char bytes[40];
	uint64_t value = 0, *reg;

	if (f.fetch || f.walk) {
		vcpu_stop(v, "#NPF at guest-physical 0x%llx: %s there is no "
			  "memory", (unsigned long long)g, f.fetch ?
			  "an instruction fetch, but" : "a page-table walk, but");
		return;
	}
	why = decode_access(v, f, &in, &op);
	if (why) {
		insn_bytes(v, bytes, sizeof(bytes));
		vcpu_stop(v, "cannot emulate MMIO at 0x%llx, RIP 0x%llx, "
			  "bytes %s: %s",
			  (unsigned long long)g,
			  (unsigned long long)v->vmcb->save.rip, bytes, why);
		return;
	}
	reg = vcpu_gpr(v, op.reg);      /* AH-BH: op.reg is RAX-RBX */
	if (op.write)
		value = mmio_store_value(&op, *reg);
	if (mmio_dev_access(v, g, op.write, op.size, &value, in.len) < 0) {
		vcpu_stop(v, "MMIO access of %u bytes at offset 0x%llx crosses "
			  "a register boundary", op.size,
			  (unsigned long long)(g - HV_MMIO_BASE));
		return;
	}
	if (!op.write)
		*reg = mmio_load_merge(&op, *reg, value);
	/* Step over it: NRIP is not defined for #NPF, so use the length. */
	v->vmcb->control.int_state &= ~INT_STATE_SHADOW;
	v->vmcb->save.rip += in.len;
}
