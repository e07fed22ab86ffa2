/**
 * @file
 * ghcb.h - chapter 15: the GHCB page as a C struct, its valid bitmap,
 * and the pure rules of the GHCB protocol (AMD's GHCB specification,
 * publication 56421, "GHCB Layout" and "GHCB MSR Protocol"; APM2 §15.35
 * "Encrypted State (SEV-ES)", §15.35.7 "GHCB").
 *
 * Under SEV-ES the hypervisor cannot read the guest's registers, so the
 * guest copies what one request needs into a page it shares with the
 * hypervisor (the GHCB), marks each field it filled in the valid
 * bitmap, and leaves with VMGEXIT.  The hypervisor must use only fields
 * whose valid bit is set, answers in the same page, and marks what it
 * wrote.  The layout copies the SEV-ES save area (the VMSA): a register
 * sits in the GHCB at the offset the VMSA keeps it at, and valid bit n
 * stands for the quadword at offset 8 * n, so the bitmap covers
 * 000h-3FFh; the fields from 400h on have no valid bit.
 *
 * The constants (offsets, MSR-protocol codes, error reasons) are in
 * ghcb_abi.h, which the guests' assembly includes too.  This header adds
 * what only C needs: struct ghcb, asserted against every offset of
 * ghcb_abi.h at compile time, and the functions of ghcb.c, which use no
 * hardware and no kernel service, so the kernel and the host unit tests
 * (tests/unit/test_ghcb.c) run the same code.  docs/ghcb.md is generated
 * from this file by tools/gen_ghcb_md.py.
 *
 * How a field is documented.  Every member of struct ghcb has a Doxygen
 * block directly above it, in one fixed form that tools/gen_ghcb_md.py
 * checks and turns into docs/ghcb.md:
 *
 * @verbatim
     <offset>h: <meaning: what the field holds, in and out>
     - writer: guest | hypervisor | both
   @endverbatim
 *
 * where the offset is the one the compiler gives (the generator fails on
 * a mismatch).  Reserved space is named rsvd_<offset>, sized by
 * arithmetic, and has a one-line block "<first>h-<last>h: reserved ...".
 * - writer: "guest" means the guest fills the field in for a request and
 *   the hypervisor only reads it; "hypervisor" means only the answer
 *   writes it; "both" means the guest writes it for some requests and
 *   the hypervisor for others, or a request's input is replaced by its
 *   result.
 */
#ifndef SVMLAB_SVM_GHCB_H
#define SVMLAB_SVM_GHCB_H

#include <stddef.h>
#include <stdint.h>
#include "ghcb_abi.h"

/** The GHCB page (GHCB specification, "GHCB Layout"). */
struct ghcb {
	/**
	 * 000h-0CAh: reserved (in the VMSA: the segment registers and
	 * more).
	 */
	uint8_t rsvd_000[0x0cb - 0x000];
	/**
	 * 0CBh: the guest's current privilege level, 0-3, one byte.  A
	 * hypercall (VMMCALL) needs it, as the hypervisor cannot read the
	 * encrypted CS or CPL of the guest.
	 * - writer: guest
	 */
	uint8_t cpl;
	/** 0CCh-13Fh: reserved. */
	uint8_t rsvd_0cc[0x140 - 0x0cc];
	/**
	 * 140h: XSS, the supervisor state-component bitmap, which CPUID
	 * 0Dh (extended state sizes) depends on.
	 * - writer: guest
	 */
	uint64_t xss;
	/** 148h-15Fh: reserved. */
	uint8_t rsvd_148[0x160 - 0x148];
	/**
	 * 160h: DR7; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t dr7;
	/** 168h-177h: reserved. */
	uint8_t rsvd_168[0x178 - 0x168];
	/**
	 * 178h: RIP.  Not needed by any request of this model: the #VC
	 * handler advances RIP itself.
	 * - writer: guest
	 */
	uint64_t rip;
	/** 180h-1D7h: reserved. */
	uint8_t rsvd_180[0x1d8 - 0x180];
	/**
	 * 1D8h: RSP; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t rsp;
	/** 1E0h-1F7h: reserved. */
	uint8_t rsvd_1e0[0x1f8 - 0x1e0];
	/**
	 * 1F8h: RAX.  In: the CPUID function, the data of OUT, the low
	 * half of a WRMSR value, the hypercall number.  Out: CPUID's EAX,
	 * the data of IN (merged into the old RAX by operand size), the
	 * low half of a RDMSR value, the hypercall's result.
	 * - writer: both
	 */
	uint64_t rax;
	/** 200h-307h: reserved. */
	uint8_t rsvd_200[0x308 - 0x200];
	/**
	 * 308h: RCX.  In: the CPUID subfunction, the MSR number of RDMSR
	 * or WRMSR.  Out: CPUID's ECX.
	 * - writer: both
	 */
	uint64_t rcx;
	/**
	 * 310h: RDX.  In: the high half of a WRMSR value.  Out: CPUID's
	 * EDX, the high half of a RDMSR value.
	 * - writer: both
	 */
	uint64_t rdx;
	/**
	 * 318h: RBX.  Out: CPUID's EBX.
	 * - writer: hypervisor
	 */
	uint64_t rbx;
	/** 320h-327h: reserved (RSP is at 1D8h). */
	uint8_t rsvd_320[0x328 - 0x320];
	/**
	 * 328h: RBP; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t rbp;
	/**
	 * 330h: RSI.  In: the hypercall's second argument.
	 * - writer: guest
	 */
	uint64_t rsi;
	/**
	 * 338h: RDI.  In: the hypercall's first argument.
	 * - writer: guest
	 */
	uint64_t rdi;
	/**
	 * 340h: R8; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r8;
	/**
	 * 348h: R9; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r9;
	/**
	 * 350h: R10; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r10;
	/**
	 * 358h: R11; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r11;
	/**
	 * 360h: R12; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r12;
	/**
	 * 368h: R13; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r13;
	/**
	 * 370h: R14; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r14;
	/**
	 * 378h: R15; no request of this model needs it.
	 * - writer: guest
	 */
	uint64_t r15;
	/** 380h-38Fh: reserved. */
	uint8_t rsvd_380[0x390 - 0x380];
	/**
	 * 390h: SW_EXITCODE, the request: an SVM exit code (CPUID 72h, IOIO
	 * 7Bh, MSR 7Ch, VMMCALL 81h) or a GHCB-only code (MMIO read
	 * 8000_0001h, MMIO write 8000_0002h).
	 * - writer: guest
	 */
	uint64_t sw_exit_code;
	/**
	 * 398h: SW_EXITINFO1.  In: the request's EXITINFO1, as the
	 * intercept would have stored it (the IOIO decode, 0 = RDMSR and
	 * 1 = WRMSR, the MMIO address).  Out: the answer (GHCB_RESP_*):
	 * 0 done, 1 an exception for the guest, 2 a malformed request.
	 * - writer: both
	 */
	uint64_t sw_exit_info1;
	/**
	 * 3A0h: SW_EXITINFO2.  In: the request's EXITINFO2 (the MMIO
	 * length).  Out: 0 when done, the exception in EVENTINJ format
	 * with answer 1, the reason (GHCB_ERR_*) with answer 2.
	 * - writer: both
	 */
	uint64_t sw_exit_info2;
	/**
	 * 3A8h: SW_SCRATCH, the guest-physical address of a data buffer:
	 * the bytes of MMIO and string I/O.  This model accepts only a
	 * buffer inside this GHCB's shared buffer.
	 * - writer: guest
	 */
	uint64_t sw_scratch;
	/** 3B0h-3E7h: reserved. */
	uint8_t rsvd_3b0[0x3e8 - 0x3b0];
	/**
	 * 3E8h: XCR0, the enabled state components, which CPUID 0Dh
	 * depends on.
	 * - writer: guest
	 */
	uint64_t xcr0;
	/**
	 * 3F0h: the valid bitmap, 128 bits: bit n set means the quadword
	 * at offset 8 * n holds a value (bit n is bit n % 64 of element
	 * n / 64).  The guest marks its inputs; the hypervisor clears the
	 * whole bitmap before it answers and marks its outputs.
	 * - writer: both
	 */
	uint64_t valid_bitmap[2];
	/**
	 * 400h: the guest-physical address of a buffer of x87 state, for
	 * protocol version 2 (unused by this model; no valid bit).
	 * - writer: guest
	 */
	uint64_t x87_state_gpa;
	/** 408h-7FFh: reserved. */
	uint8_t rsvd_408[0x800 - 0x408];
	/**
	 * 800h: the shared buffer, 2032 bytes (800h-FEFh) where
	 * SW_SCRATCH may point: the data of an MMIO or string I/O request,
	 * in either direction.
	 * - writer: both
	 */
	uint8_t shared_buffer[GHCB_SHARED_BUFFER_SIZE];
	/** FF0h-FF9h: reserved. */
	uint8_t rsvd_ff0[0xffa - 0xff0];
	/**
	 * FFAh: the protocol version the guest uses for this request; this
	 * hypervisor speaks 1 and 2 (GHCB_PROTOCOL_MIN, GHCB_PROTOCOL_MAX).
	 * - writer: guest
	 */
	uint16_t protocol_version;
	/**
	 * FFCh: the GHCB usage; 0 is the standard layout above, and this
	 * model accepts nothing else.
	 * - writer: guest
	 */
	uint32_t usage;
} __attribute__((packed));

/** Assert that a member of struct ghcb sits at the ghcb_abi.h offset. */
#define GHCB_FIELD_AT(f, off) \
	_Static_assert(offsetof(struct ghcb, f) == (off), \
		       "ghcb." #f " at " #off)
/** Assert the size of a member of struct ghcb. */
#define GHCB_FIELD_SIZE(f, size) \
	_Static_assert(sizeof(((struct ghcb *)0)->f) == (size), \
		       "ghcb." #f " is " #size " bytes")

/** @cond */
GHCB_FIELD_AT(cpl, GHCB_CPL);
GHCB_FIELD_AT(xss, GHCB_XSS);
GHCB_FIELD_AT(dr7, GHCB_DR7);
GHCB_FIELD_AT(rip, GHCB_RIP);
GHCB_FIELD_AT(rsp, GHCB_RSP);
GHCB_FIELD_AT(rax, GHCB_RAX);
GHCB_FIELD_AT(rcx, GHCB_RCX);
GHCB_FIELD_AT(rdx, GHCB_RDX);
GHCB_FIELD_AT(rbx, GHCB_RBX);
GHCB_FIELD_AT(rbp, GHCB_RBP);
GHCB_FIELD_AT(rsi, GHCB_RSI);
GHCB_FIELD_AT(rdi, GHCB_RDI);
GHCB_FIELD_AT(r8, GHCB_R8);
GHCB_FIELD_AT(r9, GHCB_R9);
GHCB_FIELD_AT(r10, GHCB_R10);
GHCB_FIELD_AT(r11, GHCB_R11);
GHCB_FIELD_AT(r12, GHCB_R12);
GHCB_FIELD_AT(r13, GHCB_R13);
GHCB_FIELD_AT(r14, GHCB_R14);
GHCB_FIELD_AT(r15, GHCB_R15);
GHCB_FIELD_AT(sw_exit_code, GHCB_SW_EXIT_CODE);
GHCB_FIELD_AT(sw_exit_info1, GHCB_SW_EXIT_INFO1);
GHCB_FIELD_AT(sw_exit_info2, GHCB_SW_EXIT_INFO2);
GHCB_FIELD_AT(sw_scratch, GHCB_SW_SCRATCH);
GHCB_FIELD_AT(xcr0, GHCB_XCR0);
GHCB_FIELD_AT(valid_bitmap, GHCB_VALID_BITMAP);
GHCB_FIELD_AT(x87_state_gpa, GHCB_X87_STATE_GPA);
GHCB_FIELD_AT(shared_buffer, GHCB_SHARED_BUFFER);
GHCB_FIELD_AT(protocol_version, GHCB_PROTOCOL_VERSION);
GHCB_FIELD_AT(usage, GHCB_USAGE);
GHCB_FIELD_SIZE(cpl, 1);
GHCB_FIELD_SIZE(valid_bitmap, 16);
GHCB_FIELD_SIZE(shared_buffer, 0x7f0);
GHCB_FIELD_SIZE(protocol_version, 2);
GHCB_FIELD_SIZE(usage, 4);
_Static_assert(GHCB_SHARED_BUFFER + GHCB_SHARED_BUFFER_SIZE == 0xff0,
	       "the shared buffer ends at FF0h");
_Static_assert(GHCB_VALID_BITMAP + 16 == GHCB_SAVE_AREA_SIZE,
	       "the valid bitmap is the last thing it covers");
_Static_assert(sizeof(struct ghcb) == GHCB_SIZE, "a GHCB is one page");
/** @endcond */

/* ---- the valid bitmap ---------------------------------------------- */

/**
 * The valid bit of the field at offset @p off: one bit per quadword, so
 * the one-byte CPL at 0CBh has bit 25, the bit of 0C8h-0CFh.
 */
static inline unsigned ghcb_valid_bit(unsigned off)
{
	return off / 8;
}

/**
 * Mark the field at offset @p off valid.  Offsets from 400h on
 * (GHCB_SAVE_AREA_SIZE) have no valid bit and are ignored.
 */
void ghcb_valid_set(struct ghcb *g, unsigned off);
/** 1 if the field at offset @p off is marked valid, else 0 (also 0 for
 *  an offset from 400h on, which has no valid bit). */
int ghcb_valid_test(const struct ghcb *g, unsigned off);
/** Clear all 128 valid bits. */
void ghcb_valid_clear(struct ghcb *g);

/**
 * The accessor: read the field at offset @p off (the one-byte CPL, or a
 * quadword) into *@p out, only if it is marked valid.  Returns 0, or -1
 * without touching *@p out: a hypervisor that asks for a field the guest
 * did not give has a bug (vmgexit.c reports it).
 */
int ghcb_get(const struct ghcb *g, unsigned off, uint64_t *out);
/** Write @p val to the field at offset @p off and mark it valid. */
void ghcb_put(struct ghcb *g, unsigned off, uint64_t val);

/* ---- what a request needs ------------------------------------------ */

/** The fields a request must have marked valid, by offset. */
struct ghcb_need {
	unsigned n;             /**< entries used in @c off */
	uint16_t off[8];        /**< GHCB_* offsets, in checking order */
};

/**
 * Fill @p need with every field the request (@p code, @p info1) needs:
 * always GHCB_SW_EXIT_CODE, GHCB_SW_EXIT_INFO1 and GHCB_SW_EXIT_INFO2,
 * in that order, then the request's own inputs:
 *
 * - CPUID (72h): RAX, RCX.
 * - IOIO (7Bh): string I/O (EXITINFO1 bit 2) SW_SCRATCH; otherwise OUT
 *   RAX, and IN nothing more.
 * - MSR (7Ch): RCX, and for WRMSR (@p info1 == 1) RAX, RDX.
 * - VMMCALL (81h): RAX, CPL, RDI, RSI.
 * - MMIO read and write (8000_0001h, 8000_0002h): SW_SCRATCH.
 *
 * @return 0, or -1 for an exit code the model does not handle; @p need
 * then holds only the three fields every request needs.
 */
int ghcb_request_needs(uint64_t code, uint64_t info1, struct ghcb_need *need);

/**
 * The offset of the first field of @p need whose valid bit is clear in
 * @p g, or -1 when every one is set.
 */
int ghcb_first_missing(const struct ghcb *g, const struct ghcb_need *need);

/**
 * The name of the struct ghcb member that starts at @p off ("rax",
 * "sw_exit_code", "cpl", "valid_bitmap", "shared_buffer", ...), for the
 * trace; NULL for reserved space and for an offset inside a field.
 */
const char *ghcb_field_name(unsigned off);

/* ---- IOIO ---------------------------------------------------------- */

/**
 * The operand size of an IOIO request from EXITINFO1's SZ8, SZ16 and
 * SZ32 bits (4, 5, 6; APM2 §15.10.2 "IN and OUT Behavior"): 1, 2 or 4,
 * or 0 unless exactly one of them is set.
 */
unsigned ghcb_io_size(uint64_t info1);
/** The data bits of an access: FFh, FFFFh, FFFF_FFFFh for @p size 1, 2,
 *  4; 0 for any other size. */
uint64_t ghcb_io_mask(unsigned size);
/**
 * RAX after an IN of @p size bytes that read @p value, when RAX was
 * @p old: an 8-bit or 16-bit IN writes AL or AX and keeps the other bits
 * of @p old; a 32-bit IN writes EAX, which zero-extends into RAX.  Any
 * other size leaves @p old as it was.
 */
uint64_t ghcb_io_merge(uint64_t old, uint64_t value, unsigned size);

/**
 * Does [@p scratch, @p scratch + @p len) lie inside the shared buffer
 * (800h-FEFh) of the GHCB at guest-physical @p ghcb_gpa?  0 for an empty
 * range; sums that would pass 2^64 are refused, never wrapped.
 */
int ghcb_scratch_ok(uint64_t ghcb_gpa, uint64_t scratch, uint64_t len);

/* ---- the MSR protocol (GHCB_MSR_* in ghcb_abi.h) ------------------- */

/** GHCBInfo, bits 11:0 of an MSR-protocol word; 0 means a GHCB GPA. */
static inline unsigned ghcb_msr_info(uint64_t v)
{
	return v & GHCB_MSR_INFO_MASK;
}

/**
 * The SEV-information response: the highest protocol version @p max at
 * 63:48, the lowest @p min at 47:32, the C-bit position @p cbit at 31:24.
 */
uint64_t ghcb_msr_sev_info(unsigned max, unsigned min, unsigned cbit);
/** A CPUID request: function @p fn at 63:32, register @p reg (0 EAX,
 *  1 EBX, 2 ECX, 3 EDX) at 31:30. */
uint64_t ghcb_msr_cpuid_req(uint32_t fn, unsigned reg);
/** The CPUID function of a request, bits 63:32. */
uint32_t ghcb_msr_cpuid_fn(uint64_t req);
/** The register a CPUID request asks for, bits 31:30. */
unsigned ghcb_msr_cpuid_reg(uint64_t req);
/** 1 if the reserved bits 29:12 of a CPUID request are zero (GHCBInfo
 *  is not checked). */
int ghcb_msr_cpuid_req_ok(uint64_t req);
/** A CPUID response: @p value at 63:32, @p reg at 31:30. */
uint64_t ghcb_msr_cpuid_resp(uint32_t value, unsigned reg);
/** The response to a GHCB GPA registration: page number @p gfn at
 *  63:12, or GHCB_MSR_REG_GPA_FAIL for a refusal. */
uint64_t ghcb_msr_reg_gpa_resp(uint64_t gfn);
/** The hypervisor-features response: the bitmap @p features at 63:12. */
uint64_t ghcb_msr_hv_ft_resp(uint64_t features);
/** The reason set of a termination request, bits 15:12. */
unsigned ghcb_msr_term_set(uint64_t req);
/** The reason code of a termination request, bits 23:16. */
unsigned ghcb_msr_term_code(uint64_t req);

/* ---- names for the trace ------------------------------------------- */

/** "sev_info", "cpuid", "reg_gpa", "hv_features", "terminate" for the
 *  request codes; NULL for anything else (responses included). */
const char *ghcb_msr_req_name(unsigned info);
/** "cpuid", "ioio", "msr", "vmmcall", "mmio_read", "mmio_write" for the
 *  requests this model handles; NULL for any other exit code. */
const char *ghcb_exit_name(uint64_t code);
/** "not_registered", "invalid_usage", "invalid_scratch_area",
 *  "missing_input", "invalid_input", "invalid_event" for GHCB_ERR_*;
 *  NULL otherwise. */
const char *ghcb_err_name(unsigned reason);

#endif /* SVMLAB_SVM_GHCB_H */
