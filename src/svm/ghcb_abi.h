/**
 * @file
 * ghcb_abi.h - the GHCB as guest and hypervisor agree on it (chapter 15).
 *
 * The Guest-Hypervisor Communication Block of SEV-ES (AMD's GHCB
 * specification, publication 56421, and APM2 §15.35 "Encrypted State
 * (SEV-ES)").  Under SEV-ES the hypervisor cannot read the guest's
 * registers: they are encrypted in the VMSA.  The guest copies what a
 * request needs into a 4 KiB page it shares with the hypervisor, marks
 * each field it filled in the valid bitmap, and leaves with VMGEXIT.
 * The hypervisor answers in the same page.
 *
 * Only preprocessor constants: the guests (assembly) include this file,
 * and src/svm/ghcb.h declares the C struct on top of it, asserting every
 * offset below against the struct at compile time.
 *
 * Neither QEMU nor Bochs implements SEV-ES: svmlab models the protocol on
 * a guest whose memory is not encrypted (chapters/15-ghcb/README.md).
 */
#ifndef SVMLAB_SVM_GHCB_ABI_H
#define SVMLAB_SVM_GHCB_ABI_H

#include "svm_const.h"

/** The GHCB MSR (SEV_ES_GHCB, C001_0130h): a GPA or an MSR-protocol word. */
#define MSR_GHCB                0xC0010130

/** The size of a GHCB: one page. */
#define GHCB_SIZE               0x1000

/**
 * @name GHCB field offsets (GHCB specification, "GHCB Layout")
 * The save-area fields sit where the VMSA (the SEV-ES save area, APM2
 * Table B-4) keeps the same register; the valid bitmap has one bit per
 * 8-byte quadword of the save area: bit (offset / 8).
 */
/** @{ */
#define GHCB_CPL                0x0cb   /**< CPL of the guest (1 byte) */
#define GHCB_XSS                0x140   /**< XSS, for CPUID 0Dh */
#define GHCB_DR7                0x160   /**< DR7 */
#define GHCB_RIP                0x178   /**< RIP */
#define GHCB_RSP                0x1d8   /**< RSP */
#define GHCB_RAX                0x1f8   /**< RAX */
#define GHCB_RCX                0x308   /**< RCX */
#define GHCB_RDX                0x310   /**< RDX */
#define GHCB_RBX                0x318   /**< RBX */
#define GHCB_RBP                0x328   /**< RBP */
#define GHCB_RSI                0x330   /**< RSI */
#define GHCB_RDI                0x338   /**< RDI */
#define GHCB_R8                 0x340   /**< R8 */
#define GHCB_R9                 0x348   /**< R9 */
#define GHCB_R10                0x350   /**< R10 */
#define GHCB_R11                0x358   /**< R11 */
#define GHCB_R12                0x360   /**< R12 */
#define GHCB_R13                0x368   /**< R13 */
#define GHCB_R14                0x370   /**< R14 */
#define GHCB_R15                0x378   /**< R15 */
#define GHCB_SW_EXIT_CODE       0x390   /**< the request: an exit code */
#define GHCB_SW_EXIT_INFO1      0x398   /**< its EXITINFO1; the result */
#define GHCB_SW_EXIT_INFO2      0x3a0   /**< its EXITINFO2; error detail */
#define GHCB_SW_SCRATCH         0x3a8   /**< GPA of a data buffer */
#define GHCB_XCR0               0x3e8   /**< XCR0, for CPUID 0Dh */
#define GHCB_VALID_BITMAP       0x3f0   /**< 16 bytes: which fields are set */
#define GHCB_X87_STATE_GPA      0x400   /**< protocol version 2 */
#define GHCB_SHARED_BUFFER      0x800   /**< 2032 bytes for request data */
#define GHCB_SHARED_BUFFER_SIZE 0x7f0   /**< 800h-FEFh */
#define GHCB_PROTOCOL_VERSION   0xffa   /**< 2 bytes: the version in use */
#define GHCB_USAGE              0xffc   /**< 4 bytes: 0 is the standard layout */
/** @} */
/** Bytes of the save area the valid bitmap covers: quadwords 0-127. */
#define GHCB_SAVE_AREA_SIZE     0x400

/** @name The protocol versions this hypervisor speaks */
/** @{ */
#define GHCB_PROTOCOL_MIN       1       /**< the oldest version served */
#define GHCB_PROTOCOL_MAX       2       /**< the newest version served */
/** @} */

/**
 * @name The GHCB MSR protocol
 * GHCBData[63:12] and GHCBInfo[11:0]: a request the guest writes to
 * MSR_GHCB before VMGEXIT, answered in the same MSR.  A GHCBInfo of 0 is
 * not a request: the MSR then holds the GHCB's page address.
 */
/** @{ */
#define GHCB_MSR_INFO_MASK      0xfff   /**< GHCBInfo, bits 11:0 */
#define GHCB_MSR_GPA            0x000   /**< the MSR holds the GHCB GPA */
#define GHCB_MSR_SEV_INFO_RESP  0x001   /**< [63:48] max, [47:32] min, [31:24] C-bit */
#define GHCB_MSR_SEV_INFO_REQ   0x002   /**< which versions do you speak? */
#define GHCB_MSR_CPUID_REQ      0x004   /**< [63:32] function, [31:30] register */
#define GHCB_MSR_CPUID_RESP     0x005   /**< [63:32] value, [31:30] register */
#define GHCB_MSR_REG_GPA_REQ    0x012   /**< [63:12] the GHCB's page number */
#define GHCB_MSR_REG_GPA_RESP   0x013   /**< [63:12] that number, or all ones */
#define GHCB_MSR_HV_FT_REQ      0x080   /**< which features do you have? */
#define GHCB_MSR_HV_FT_RESP     0x081   /**< [63:12] the feature bitmap */
#define GHCB_MSR_TERM_REQ       0x100   /**< [15:12] reason set, [23:16] code */
/** CPUID request: the register selected, bits 31:30. */
#define GHCB_MSR_CPUID_REG_SHIFT 30
/** The page number of a refused registration: GHCBData all ones. */
#define GHCB_MSR_REG_GPA_FAIL   SVM_ULL(0xfffffffffffff)
/** Termination request: reason set at 15:12, reason code at 23:16. */
#define GHCB_MSR_TERM_SET_SHIFT 12      /**< the reason set, bits 15:12 */
#define GHCB_MSR_TERM_CODE_SHIFT 16     /**< the reason code, bits 23:16 */
/**
 * The C-bit position this model reports in SEV information: 0, as no
 * page of the guest is encrypted (a real SEV processor reports CPUID
 * 8000_001Fh EBX[5:0], e.g. 51).
 */
#define GHCB_MODEL_CBIT         0
/** Hypervisor features this model offers (bit 0 would be SEV-SNP): none. */
#define GHCB_MODEL_HV_FEATURES  0
/** @} */

/**
 * @name Software exit codes of the GHCB protocol
 * SW_EXITCODE is an SVM exit code (CPUID 72h, IOIO 7Bh, MSR 7Ch,
 * VMMCALL 81h: vmcb.h) or one of the codes that exist only here.
 */
/** @{ */
#define GHCB_EXIT_MMIO_READ     SVM_ULL(0x80000001) /**< read EXITINFO2 bytes at EXITINFO1 into SW_SCRATCH */
#define GHCB_EXIT_MMIO_WRITE    SVM_ULL(0x80000002) /**< write EXITINFO2 bytes at SW_SCRATCH to EXITINFO1 */
#define GHCB_EXIT_UNSUPPORTED   SVM_ULL(0x8000ffff) /**< the guest met an exit it cannot handle (not served here) */
/** @} */

/**
 * @name The hypervisor's answer, SW_EXITINFO1[31:0]
 * 0: done; 1: an exception for the guest, SW_EXITINFO2 holds it in the
 * EVENTINJ format; 2: the request was malformed, SW_EXITINFO2 says how.
 */
/** @{ */
#define GHCB_RESP_OK            0       /**< served */
#define GHCB_RESP_EXCEPTION     1       /**< raise the event in SW_EXITINFO2 */
#define GHCB_RESP_MALFORMED     2       /**< refused: the reason in SW_EXITINFO2 */
/** @} */

/** @name Why a request was malformed (SW_EXITINFO2 with GHCB_RESP_MALFORMED) */
/** @{ */
#define GHCB_ERR_NOT_REGISTERED       1 /**< not the GHCB the guest registered */
#define GHCB_ERR_INVALID_USAGE        2 /**< GHCB usage is not 0 */
#define GHCB_ERR_INVALID_SCRATCH_AREA 3 /**< SW_SCRATCH outside the shared buffer */
#define GHCB_ERR_MISSING_INPUT        4 /**< a needed field's valid bit is clear */
#define GHCB_ERR_INVALID_INPUT        5 /**< a value the request cannot take */
#define GHCB_ERR_INVALID_EVENT        6 /**< an exit code this hypervisor does not handle */
/** @} */

/** #VC, the VMM communication exception (APM2 §8.2, §15.35.5): vector 29. */
#define GHCB_VC_VECTOR          29

#endif /* SVMLAB_SVM_GHCB_ABI_H */
