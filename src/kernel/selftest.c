/*
 * selftest.c - raise host exceptions on request (fault= option).
 */
#include <stdint.h>
#include "selftest.h"
#include "lib/string.h"

/* Above the 4 GiB that entry.S maps, and canonical: reading it is #PF. */
#define UNMAPPED_ADDR   0x0000100000000000ull
/* Bits 63:48 differ from bit 47: any access is #GP (APM2 §5.3.1). */
#define NONCANON_ADDR   0x8000000000000000ull

int selftest_fault(const char *kind)
{
	if (strcmp(kind, "de") == 0)
		/* DIV in asm: the compiler may turn 1/x into a compare. */
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx"
				 : : "a"(1), "d"(0) : "ecx");
	else if (strcmp(kind, "ud") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(kind, "bp") == 0)
		__asm__ volatile("int3");
	else if (strcmp(kind, "gp") == 0)
		(void)*(volatile int *)(uintptr_t)NONCANON_ADDR;
	else if (strcmp(kind, "pf") == 0)
		(void)*(volatile int *)(uintptr_t)UNMAPPED_ADDR;
	else
		return -1;
	return 0;
}
