/*
 * iopm.c - the I/O permission map (APM2 §15.10 "I/O Intercepts").
 */
#include "iopm.h"
#include "kernel/lab.h"

int iopm_set(uint8_t *map, uint32_t first, uint32_t count, int on)
{
	/* LAB 7 BEGIN iopm_set: one bit per port, bit p of the map for port p */
	uint32_t p;

	if (count == 0 || first >= IOPM_LAST_BIT ||
	    count > IOPM_LAST_BIT - first)
		return -1;
	for (p = first; p < first + count; p++) {
		if (on)
			map[p / 8] |= (uint8_t)(1u << (p % 8));
		else
			map[p / 8] &= (uint8_t)~(1u << (p % 8));
	}
	return 0;
	/* LAB 7 END */
}

int iopm_intercepted(const uint8_t *map, uint16_t port, unsigned size)
{
	/* LAB 7 BEGIN iopm_intercepted: every bit the access covers */
	uint32_t p;

	/* The processor checks the bit of every byte the access touches. */
	for (p = port; p < (uint32_t)port + size; p++)
		if (map[p / 8] & (1u << (p % 8)))
			return 1;
	return 0;
	/* LAB 7 END */
}
