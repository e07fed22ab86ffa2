/*
 * event.c - the EVENTINJ / EXITINTINFO format, the injection validator
 * and the double-fault rules (APM2 §15.20, §15.7.2, §8.2.9).
 */
#include "event.h"
#include "decode.h"
#include "vmcb.h"
#include "kernel/lab.h"
#include "lib/format.h"

#define VEC_NMI         2
#define VEC_DF          8

uint64_t event_encode(unsigned type, unsigned vector, long error)
{
	uint64_t ev;

	ev = SVM_EVTINJ_VALID | ((uint64_t)(type & 7) << SVM_EVTINJ_TYPE_SHIFT) |
	     (vector & SVM_EVTINJ_VECTOR_MASK);
	if (error >= 0)
		ev |= SVM_EVTINJ_EV |
		      ((uint64_t)(uint32_t)error << SVM_EVTINJ_ERR_SHIFT);
	return ev;
}

struct event event_decode(uint64_t ev)
{
	struct event e;

	e.valid = !!(ev & SVM_EVTINJ_VALID);
	e.type = (unsigned)((ev & SVM_EVTINJ_TYPE_MASK) >>
			    SVM_EVTINJ_TYPE_SHIFT);
	e.vector = (unsigned)(ev & SVM_EVTINJ_VECTOR_MASK);
	e.has_error = !!(ev & SVM_EVTINJ_EV);
	e.error = (uint32_t)(ev >> SVM_EVTINJ_ERR_SHIFT);
	return e;
}

const char *event_type_name(unsigned type)
{
	switch (type) {
	case EVENT_INTR: return "intr";
	case EVENT_NMI: return "nmi";
	case EVENT_EXCEPTION: return "exception";
	case EVENT_SOFT_INT: return "soft-int";
	default: return "reserved";
	}
}

static const char *const mnemonics[32] = {
	"#DE", "#DB", "#2", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#9", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XF", "#20", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

void event_describe(uint64_t ev, char *buf, size_t n)
{
	struct event e = event_decode(ev);

	if (!e.valid)
		ksnprintf(buf, n, "none");
	else if (e.type == EVENT_EXCEPTION && e.vector < 32 && e.has_error)
		ksnprintf(buf, n, "%s(0x%x)", mnemonics[e.vector], e.error);
	else if (e.type == EVENT_EXCEPTION && e.vector < 32)
		ksnprintf(buf, n, "%s", mnemonics[e.vector]);
	else if (e.type == EVENT_NMI)
		ksnprintf(buf, n, "NMI");
	else if (e.type == EVENT_INTR)
		ksnprintf(buf, n, "INTR 0x%x", e.vector);
	else if (e.type == EVENT_SOFT_INT)
		ksnprintf(buf, n, "INT 0x%x", e.vector);
	else
		ksnprintf(buf, n, "TYPE %u vector 0x%x", e.type, e.vector);
}

const char *event_refuse(uint64_t ev, int protected_mode, uint64_t pending)
{
	struct event e = event_decode(ev);

	/* LAB 9 BEGIN event_refuse: what must never reach EVENTINJ */
	if (!e.valid)
		return "V (bit 31) is clear: that injects nothing";
	if (pending & SVM_EVTINJ_VALID)
		return "EVENTINJ already holds an event; a second one would "
		       "overwrite it and the first would be lost";
	if (ev & EVENT_RESERVED_BITS)
		return "bits 30:12 of EVENTINJ are reserved";
	switch (e.type) {
	case EVENT_INTR:
	case EVENT_NMI:
	case EVENT_SOFT_INT:
		if (e.has_error)
			return "only an exception (TYPE 3) pushes an error code";
		return NULL;
	case EVENT_EXCEPTION:
		break;
	default:
		return "TYPE 1, 5, 6 and 7 are reserved: VMRUN would fail "
		       "with VMEXIT_INVALID";
	}
	if (e.vector == VEC_NMI)
		return "vector 2 is the NMI: inject it as TYPE 2, not as an "
		       "exception";
	if (e.vector > 31)
		return "an exception has a vector from 0 to 31";
	if (e.has_error && !protected_mode)
		return "in real mode no exception pushes an error code";
	if (protected_mode && e.has_error != exception_has_error(
			(int)e.vector))
		return e.has_error ? "this exception has no error code: "
				     "clear EV" :
				     "this exception pushes an error code: "
				     "set EV";
	return NULL;
	/* LAB 9 END */
}

enum exception_class event_class(uint64_t ev)
{
	struct event e = event_decode(ev);

	/* LAB 11 BEGIN event_class: benign, contributory, #PF or #DF */
	if (!e.valid || e.type != EVENT_EXCEPTION)
		return EXC_BENIGN;
	switch (e.vector) {
	case 0: case 10: case 11: case 12: case 13:
		return EXC_CONTRIBUTORY;
	case 14:
		return EXC_PAGE_FAULT;
	case VEC_DF:
		return EXC_DOUBLE_FAULT;
	default:
		return EXC_BENIGN;
	}
	/* LAB 11 END */
}

enum merge_result event_merge(uint64_t first, uint64_t second)
{
	enum exception_class a = event_class(first);
	enum exception_class b = event_class(second);

	/* LAB 11 BEGIN event_merge: the double-fault rules of Table 8-7 */
	if (b == EXC_BENIGN || b == EXC_DOUBLE_FAULT)
		return MERGE_SECOND;
	if (a == EXC_DOUBLE_FAULT)
		return MERGE_SHUTDOWN;
	if (a == EXC_CONTRIBUTORY && b == EXC_CONTRIBUTORY)
		return MERGE_DOUBLE_FAULT;
	if (a == EXC_PAGE_FAULT)
		return MERGE_DOUBLE_FAULT;
	return MERGE_SECOND;
	/* LAB 11 END */
}
