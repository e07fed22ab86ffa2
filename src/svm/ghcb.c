/*
 * ghcb.c - the pure rules of the GHCB protocol of ghcb.h (GHCB
 * specification, AMD publication 56421, "GHCB Layout" and "GHCB MSR
 * Protocol"; APM2 §15.35 "Encrypted State (SEV-ES)").
 *
 * Nothing here touches hardware or guest memory: the hypervisor hands in
 * a struct ghcb (its view of the guest's page) or an MSR value, and the
 * host unit tests do the same with literals.
 *
 * The MSR protocol packs a request or response into the 64-bit GHCB MSR:
 * GHCBInfo in bits 11:0 says what it is, GHCBData in bits 63:12 carries
 * the data, each code with its own layout (ghcb_abi.h).
 */
#include "ghcb.h"
#include "vmcb.h"
#include "kernel/lab.h"

#define BITS_29_12      0x3ffff000ull   /* must be zero in a CPUID request */
#define GHCB_DATA_MASK  0xfffffffffffffull      /* GHCBData, 52 bits */

/* ---- the valid bitmap ---------------------------------------------- */

void ghcb_valid_set(struct ghcb *g, unsigned off)
{
	unsigned bit = ghcb_valid_bit(off);

	if (off >= GHCB_SAVE_AREA_SIZE)
		return;         /* 400h and up: no valid bit */
	g->valid_bitmap[bit / 64] |= 1ull << (bit % 64);
}

int ghcb_valid_test(const struct ghcb *g, unsigned off)
{
	unsigned bit = ghcb_valid_bit(off);

	if (off >= GHCB_SAVE_AREA_SIZE)
		return 0;
	return (g->valid_bitmap[bit / 64] >> (bit % 64)) & 1;
}

void ghcb_valid_clear(struct ghcb *g)
{
	g->valid_bitmap[0] = 0;
	g->valid_bitmap[1] = 0;
}

/* The bytes of the field at @p off: CPL is the save area's one byte. */
static unsigned field_size(unsigned off)
{
	return off == GHCB_CPL ? 1 : 8;
}

int ghcb_get(const struct ghcb *g, unsigned off, uint64_t *out)
{
	const uint8_t *p = (const uint8_t *)g + off;
	uint64_t v = 0;
	unsigned i;

	if (off + field_size(off) > GHCB_SAVE_AREA_SIZE ||
	    !ghcb_valid_test(g, off))
		return -1;
	for (i = 0; i < field_size(off); i++)
		v |= (uint64_t)p[i] << (8 * i);
	*out = v;
	return 0;
}

void ghcb_put(struct ghcb *g, unsigned off, uint64_t val)
{
	uint8_t *p = (uint8_t *)g + off;
	unsigned i;

	if (off + field_size(off) > GHCB_SAVE_AREA_SIZE)
		return;
	for (i = 0; i < field_size(off); i++)
		p[i] = (uint8_t)(val >> (8 * i));
	ghcb_valid_set(g, off);
}

/* ---- what a request needs ------------------------------------------ */

int ghcb_request_needs(uint64_t code, uint64_t info1, struct ghcb_need *need)
{
	/* LAB 15 BEGIN ghcb_request_needs: the fields each request needs */
	unsigned n = 0;
	int ret = 0;

	/* Every request names itself and carries its two EXITINFOs. */
	need->off[n++] = GHCB_SW_EXIT_CODE;
	need->off[n++] = GHCB_SW_EXIT_INFO1;
	need->off[n++] = GHCB_SW_EXIT_INFO2;
	switch (code) {
	case SVM_EXIT_CPUID:
		need->off[n++] = GHCB_RAX;      /* function */
		need->off[n++] = GHCB_RCX;      /* subfunction */
		break;
	case SVM_EXIT_IOIO:
		if (info1 & SVM_EXITINFO1_IOIO_STR)
			need->off[n++] = GHCB_SW_SCRATCH;   /* the bytes */
		else if (!(info1 & SVM_EXITINFO1_IOIO_IN))
			need->off[n++] = GHCB_RAX;  /* OUT's data */
		/* IN: RAX is only merged into, so it may be missing. */
		break;
	case SVM_EXIT_MSR:
		need->off[n++] = GHCB_RCX;      /* the MSR number */
		if (info1 == 1) {               /* WRMSR: EDX:EAX */
			need->off[n++] = GHCB_RAX;
			need->off[n++] = GHCB_RDX;
		}
		break;
	case SVM_EXIT_VMMCALL:
		need->off[n++] = GHCB_RAX;      /* the hypercall */
		need->off[n++] = GHCB_CPL;
		need->off[n++] = GHCB_RDI;      /* its arguments */
		need->off[n++] = GHCB_RSI;
		break;
	case GHCB_EXIT_MMIO_READ:
	case GHCB_EXIT_MMIO_WRITE:
		need->off[n++] = GHCB_SW_SCRATCH;   /* the bytes */
		break;
	default:
		ret = -1;
		break;
	}
	need->n = n;
	return ret;
	/* LAB 15 END */
}

int ghcb_first_missing(const struct ghcb *g, const struct ghcb_need *need)
{
	unsigned i;

	for (i = 0; i < need->n && i < sizeof(need->off) / sizeof(need->off[0]);
	     i++)
		if (!ghcb_valid_test(g, need->off[i]))
			return need->off[i];
	return -1;
}

/* One struct ghcb member: where it starts and what it is called. */
struct field {
	uint16_t off;
	const char *name;
};

static const struct field fields[] = {
	{ GHCB_CPL, "cpl" },
	{ GHCB_XSS, "xss" },
	{ GHCB_DR7, "dr7" },
	{ GHCB_RIP, "rip" },
	{ GHCB_RSP, "rsp" },
	{ GHCB_RAX, "rax" },
	{ GHCB_RCX, "rcx" },
	{ GHCB_RDX, "rdx" },
	{ GHCB_RBX, "rbx" },
	{ GHCB_RBP, "rbp" },
	{ GHCB_RSI, "rsi" },
	{ GHCB_RDI, "rdi" },
	{ GHCB_R8, "r8" },
	{ GHCB_R9, "r9" },
	{ GHCB_R10, "r10" },
	{ GHCB_R11, "r11" },
	{ GHCB_R12, "r12" },
	{ GHCB_R13, "r13" },
	{ GHCB_R14, "r14" },
	{ GHCB_R15, "r15" },
	{ GHCB_SW_EXIT_CODE, "sw_exit_code" },
	{ GHCB_SW_EXIT_INFO1, "sw_exit_info1" },
	{ GHCB_SW_EXIT_INFO2, "sw_exit_info2" },
	{ GHCB_SW_SCRATCH, "sw_scratch" },
	{ GHCB_XCR0, "xcr0" },
	{ GHCB_VALID_BITMAP, "valid_bitmap" },
	{ GHCB_X87_STATE_GPA, "x87_state_gpa" },
	{ GHCB_SHARED_BUFFER, "shared_buffer" },
	{ GHCB_PROTOCOL_VERSION, "protocol_version" },
	{ GHCB_USAGE, "usage" },
};

const char *ghcb_field_name(unsigned off)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].off == off)
			return fields[i].name;
	return NULL;
}

/* ---- IOIO ---------------------------------------------------------- */

unsigned ghcb_io_size(uint64_t info1)
{
	const uint64_t sz = SVM_EXITINFO1_IOIO_SZ8 | SVM_EXITINFO1_IOIO_SZ16 |
			    SVM_EXITINFO1_IOIO_SZ32;

	switch (info1 & sz) {
	case SVM_EXITINFO1_IOIO_SZ8:
		return 1;
	case SVM_EXITINFO1_IOIO_SZ16:
		return 2;
	case SVM_EXITINFO1_IOIO_SZ32:
		return 4;
	default:
		return 0;       /* none, or two at once */
	}
}

uint64_t ghcb_io_mask(unsigned size)
{
	switch (size) {
	case 1:
		return 0xff;
	case 2:
		return 0xffff;
	case 4:
		return 0xffffffffull;
	default:
		return 0;
	}
}

uint64_t ghcb_io_merge(uint64_t old, uint64_t value, unsigned size)
{
	/* LAB 15 BEGIN ghcb_io_merge: the x86 rules for a partial register */
	switch (size) {
	case 1:         /* IN AL: bits 63:8 stay */
		return (old & ~0xffull) | (value & 0xff);
	case 2:         /* IN AX: bits 63:16 stay */
		return (old & ~0xffffull) | (value & 0xffff);
	case 4:         /* IN EAX: a 32-bit write clears bits 63:32 */
		return value & 0xffffffffull;
	default:
		return old;
	}
	/* LAB 15 END */
}

int ghcb_scratch_ok(uint64_t ghcb_gpa, uint64_t scratch, uint64_t len)
{
	uint64_t start, off;

	/* The buffer's last byte, GHCB + FEFh, must have an address. */
	if (len == 0 ||
	    ghcb_gpa > UINT64_MAX - (GHCB_SHARED_BUFFER +
				     GHCB_SHARED_BUFFER_SIZE - 1))
		return 0;
	start = ghcb_gpa + GHCB_SHARED_BUFFER;
	if (scratch < start)
		return 0;
	/*
	 * Compare offsets into the buffer, never scratch + len, which can
	 * wrap past 2^64 and look small.
	 */
	off = scratch - start;
	return off < GHCB_SHARED_BUFFER_SIZE &&
	       len <= GHCB_SHARED_BUFFER_SIZE - off;
}

/* ---- the MSR protocol ---------------------------------------------- */

uint64_t ghcb_msr_sev_info(unsigned max, unsigned min, unsigned cbit)
{
	return (uint64_t)(max & 0xffff) << 48 | (uint64_t)(min & 0xffff) << 32 |
	       (uint64_t)(cbit & 0xff) << 24 | GHCB_MSR_SEV_INFO_RESP;
}

uint64_t ghcb_msr_cpuid_req(uint32_t fn, unsigned reg)
{
	return (uint64_t)fn << 32 |
	       (uint64_t)(reg & 3) << GHCB_MSR_CPUID_REG_SHIFT |
	       GHCB_MSR_CPUID_REQ;
}

uint32_t ghcb_msr_cpuid_fn(uint64_t req)
{
	return (uint32_t)(req >> 32);
}

unsigned ghcb_msr_cpuid_reg(uint64_t req)
{
	return (req >> GHCB_MSR_CPUID_REG_SHIFT) & 3;
}

int ghcb_msr_cpuid_req_ok(uint64_t req)
{
	return (req & BITS_29_12) == 0;
}

uint64_t ghcb_msr_cpuid_resp(uint32_t value, unsigned reg)
{
	return (uint64_t)value << 32 |
	       (uint64_t)(reg & 3) << GHCB_MSR_CPUID_REG_SHIFT |
	       GHCB_MSR_CPUID_RESP;
}

uint64_t ghcb_msr_reg_gpa_resp(uint64_t gfn)
{
	return (gfn & GHCB_DATA_MASK) << 12 | GHCB_MSR_REG_GPA_RESP;
}

uint64_t ghcb_msr_hv_ft_resp(uint64_t features)
{
	return (features & GHCB_DATA_MASK) << 12 | GHCB_MSR_HV_FT_RESP;
}

unsigned ghcb_msr_term_set(uint64_t req)
{
	return (req >> GHCB_MSR_TERM_SET_SHIFT) & 0xf;
}

unsigned ghcb_msr_term_code(uint64_t req)
{
	return (req >> GHCB_MSR_TERM_CODE_SHIFT) & 0xff;
}

/* ---- names for the trace ------------------------------------------- */

const char *ghcb_msr_req_name(unsigned info)
{
	switch (info) {
	case GHCB_MSR_SEV_INFO_REQ:
		return "sev_info";
	case GHCB_MSR_CPUID_REQ:
		return "cpuid";
	case GHCB_MSR_REG_GPA_REQ:
		return "reg_gpa";
	case GHCB_MSR_HV_FT_REQ:
		return "hv_features";
	case GHCB_MSR_TERM_REQ:
		return "terminate";
	default:
		return NULL;
	}
}

const char *ghcb_exit_name(uint64_t code)
{
	switch (code) {
	case SVM_EXIT_CPUID:
		return "cpuid";
	case SVM_EXIT_IOIO:
		return "ioio";
	case SVM_EXIT_MSR:
		return "msr";
	case SVM_EXIT_VMMCALL:
		return "vmmcall";
	case GHCB_EXIT_MMIO_READ:
		return "mmio_read";
	case GHCB_EXIT_MMIO_WRITE:
		return "mmio_write";
	default:
		return NULL;
	}
}

const char *ghcb_err_name(unsigned reason)
{
	switch (reason) {
	case GHCB_ERR_NOT_REGISTERED:
		return "not_registered";
	case GHCB_ERR_INVALID_USAGE:
		return "invalid_usage";
	case GHCB_ERR_INVALID_SCRATCH_AREA:
		return "invalid_scratch_area";
	case GHCB_ERR_MISSING_INPUT:
		return "missing_input";
	case GHCB_ERR_INVALID_INPUT:
		return "invalid_input";
	case GHCB_ERR_INVALID_EVENT:
		return "invalid_event";
	default:
		return NULL;
	}
}
