/*
 * rr_fill_a.S - chapter 12: a guest that fills its buffer and yields
 * after every page, round-robin with the other chapter 12 guests.
 *
 * It does nothing to its own translations: after its first VMRUN every
 * VMRUN of it should carry TLB_CONTROL 0 until a new generation makes
 * its ASID stale (nasid=).  The body is guests/include/rr_fill.h.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define RR_SEED 0x0123456789ABCDEF
.macro RR_EXTRA
.endm
#include "rr_fill.h"
