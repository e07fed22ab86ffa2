/*
 * msrpm.c - the MSR permission map (APM2 §15.11 "MSR Intercepts").
 */
#include "msrpm.h"
#include "kernel/lab.h"

/* The three ranges: first MSR, and the map byte where its bits start. */
static const struct {
	uint32_t first;
	unsigned byte;
} ranges[] = {
	{ 0x00000000, 0x0000 },
	{ 0xc0000000, 0x0800 },
	{ 0xc0010000, 0x1000 },
};


int msrpm_index(uint32_t msr, int write, unsigned *byte, unsigned *bit)
{
	/* LAB 6 BEGIN msrpm_index: find the range, then 2 bits per MSR */
	unsigned i, pos;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (msr - ranges[i].first >= MSRPM_RANGE_MSRS)
			continue;
		pos = (msr - ranges[i].first) * 2 + (write ? 1 : 0);
		*byte = ranges[i].byte + pos / 8;
		*bit = pos % 8;
		return 0;
	}
	return -1;
	/* LAB 6 END */
}

int msrpm_set(uint8_t *map, uint32_t msr, unsigned access, int on)
{
	unsigned byte, bit, w;

	if (msrpm_index(msr, 0, &byte, &bit) < 0)
		return -1;
	for (w = 0; w < 2; w++) {
		if (!(access & (w ? MSRPM_WRITE : MSRPM_READ)))
			continue;
		msrpm_index(msr, (int)w, &byte, &bit);
		if (on)
			map[byte] |= (uint8_t)(1u << bit);
		else
			map[byte] &= (uint8_t)~(1u << bit);
	}
	return 0;
}

int msrpm_intercepted(const uint8_t *map, uint32_t msr, int write)
{
	unsigned byte, bit;

	if (msrpm_index(msr, write, &byte, &bit) < 0)
		return 1;
	return (map[byte] >> bit) & 1;
}
