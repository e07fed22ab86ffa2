/*
 * iso_a.S - chapter 14: one of two guests run side by side, each
 * hunting for the other's data in its own memory.  Its pattern is
 * A1A1A1A1A1A1A1A1, the other's (iso_b) B2B2B2B2B2B2B2B2; the body,
 * and why neither finds the other, is in guests/include/iso_pair.h.
 */
#include "guest.h"

GUEST_MODE(GUEST_MODE_LONG)

#define ISO_OWN(x)      ISO_A_##x
#define ISO_OTHER(x)    ISO_B_##x
#include "iso_pair.h"
