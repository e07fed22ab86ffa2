/*
 * exitinfo.c - decoders of EXITINFO fields that need no vcpu: the IOIO
 * word (APM2 §15.10.2, Figure 15-2) and which exceptions push an error
 * code (APM2 §8.2 "Vectors").
 */
#include "decode.h"
#include "vmcb.h"
#include "kernel/lab.h"

/* The one size in a 3-bit one-hot field, 1 << index, or 0. */
static unsigned one_hot(unsigned field, unsigned unit)
{
	switch (field) {
	case 1: return unit;
	case 2: return unit * 2;
	case 4: return unit * 4;
	default: return 0;
	}
}

int ioio_decode(uint64_t info1, struct ioio *out)
{
	/* LAB 7 BEGIN ioio_decode: the fields of Figure 15-2 */
	out->in = info1 & SVM_EXITINFO1_IOIO_IN ? 1 : 0;
	out->str = info1 & SVM_EXITINFO1_IOIO_STR ? 1 : 0;
	out->rep = info1 & SVM_EXITINFO1_IOIO_REP ? 1 : 0;
	out->size = (uint8_t)one_hot((info1 >> 4) & 7, 1);
	out->asize = (uint8_t)one_hot((info1 >> 7) & 7, 16);
	out->seg = (uint8_t)((info1 & SVM_EXITINFO1_IOIO_SEG_MASK) >>
			     SVM_EXITINFO1_IOIO_SEG_SHIFT);
	out->port = (uint16_t)((info1 & SVM_EXITINFO1_IOIO_PORT_MASK) >>
			       SVM_EXITINFO1_IOIO_PORT_SHIFT);
	return out->size ? 0 : -1;
	/* LAB 7 END */
}

int exception_has_error(int vector)
{
	/* #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21,
	 * #VC 29, #SX 30 */
	return vector >= 0 && vector < 32 && ((0x60227d00u >> vector) & 1);
}
