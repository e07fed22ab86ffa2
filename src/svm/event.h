/**
 * @file
 * event.h - events in the EVENTINJ / EXITINTINFO format: encode, decode,
 * refuse what must not be injected, and combine two exceptions.
 *
 * EVENTINJ (VMCB 0A8h) and EXITINTINFO (088h) share one 64-bit layout
 * (SVM_EVTINJ_* in vmcb.h, APM2 §15.20 "Event Injection" and §15.7.2
 * "Intercepts During IDT Interrupt Delivery"): VECTOR 7:0, TYPE 10:8,
 * EV 11, V 31, ERRORCODE 63:32.  Everything here is a pure function of
 * its arguments, so the host unit tests (tests/unit/test_event.c) run it
 * as it is; the vcpu side is in events.c.
 */
#ifndef SVMLAB_SVM_EVENT_H
#define SVMLAB_SVM_EVENT_H

#include <stddef.h>
#include <stdint.h>

/** @name TYPE values (the field, not shifted) */
/** @{ */
#define EVENT_INTR      0u      /**< external or virtual interrupt */
#define EVENT_NMI       2u      /**< non-maskable interrupt */
#define EVENT_EXCEPTION 3u      /**< exception (fault or trap) */
#define EVENT_SOFT_INT  4u      /**< software interrupt (INTn) */
/** @} */

/** Bits 30:12 of EVENTINJ are reserved. */
#define EVENT_RESERVED_BITS     0x7FFFF000ull

/** One event, decoded. */
struct event {
	int valid;              /**< V, bit 31 */
	unsigned type;          /**< TYPE, bits 10:8 (EVENT_*) */
	unsigned vector;        /**< VECTOR, bits 7:0 */
	int has_error;          /**< EV, bit 11 */
	uint32_t error;         /**< ERRORCODE, bits 63:32 */
};

/**
 * An event of @p type (EVENT_*) with @p vector; @p error < 0 means no
 * error code (EV clear).  The result has V set.
 */
uint64_t event_encode(unsigned type, unsigned vector, long error);

/** Split an EVENTINJ or EXITINTINFO value into its fields. */
struct event event_decode(uint64_t ev);

/** "intr", "nmi", "exception", "soft-int" or "reserved". */
const char *event_type_name(unsigned type);

/**
 * A short description of @p ev into @p buf: "#PF(0x2)", "NMI",
 * "INTR 0x50", "INT 0x30", or "none" when V is clear.
 */
void event_describe(uint64_t ev, char *buf, size_t n);

/**
 * Why a careful hypervisor refuses to put @p ev in EVENTINJ, or NULL if
 * it may.  A superset of what VMRUN itself refuses (svm_eventinj_valid):
 * also an error code that does not match the vector, an error code in
 * real mode (@p protected_mode = 0), reserved bits, and an event while
 * @p pending (the current EVENTINJ) still holds one.  The model is
 * FreeBSD bhyve's svm_eventinject and vm_inject_exception.
 */
const char *event_refuse(uint64_t ev, int protected_mode, uint64_t pending);

/** The double-fault classes of APM2 §8.2.9 "Double-Fault Exception". */
enum exception_class {
	EXC_BENIGN,             /**< every other exception and interrupt */
	EXC_CONTRIBUTORY,       /**< #DE, #TS, #NP, #SS, #GP */
	EXC_PAGE_FAULT,         /**< #PF */
	EXC_DOUBLE_FAULT,       /**< #DF */
};

/** The class of event @p ev (interrupts of every type are benign). */
enum exception_class event_class(uint64_t ev);

/** What event_merge decided. */
enum merge_result {
	MERGE_SECOND,           /**< deliver the second event */
	MERGE_DOUBLE_FAULT,     /**< deliver #DF with error code 0 instead */
	MERGE_SHUTDOWN,         /**< a fault while delivering #DF: shutdown */
};

/**
 * Exception @p second was raised while the processor delivered @p first
 * (EXITINTINFO): what does the processor do?  APM2 Table 8-7: a
 * contributory exception during a contributory one, or a contributory
 * exception or #PF during a #PF, becomes #DF; either during #DF is a
 * triple fault; anything else is delivered as it is.
 */
enum merge_result event_merge(uint64_t first, uint64_t second);

#endif /* SVMLAB_SVM_EVENT_H */
