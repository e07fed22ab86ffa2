/*
 * fuzz.c - fuzz=vmcb|insn: pick the fuzzer, check seed= and cases=.
 */
#include "chapters.h"
#include "fuzz.h"
#include "kernel/cmdline.h"
#include "kernel/course.h"
#include "kernel/panic.h"
#include "kernel/results.h"
#include "dev/console.h"
#include "lib/string.h"
#include "svm/svm.h"

struct fuzzer {
	const char *name;
	void (*run)(uint64_t seed, unsigned cases);
};

static const struct fuzzer fuzzers[] = {
	{ "vmcb", fuzz_vmcb_run },
	{ "insn", fuzz_insn_run },
};

#define NFUZZERS (sizeof(fuzzers) / sizeof(fuzzers[0]))

/* A decimal number no larger than @p max, or -1. */
static long long parse_num(const char *s, unsigned long long max)
{
	unsigned long long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (unsigned long long)(*s - '0');
		if (n > max)
			return -1;
	}
	return (long long)n;
}

static const struct fuzzer *find_fuzzer(const char *name)
{
	unsigned i;

	for (i = 0; i < NFUZZERS; i++)
		if (strcmp(fuzzers[i].name, name) == 0)
			return &fuzzers[i];
	return 0;
}

int fuzz_validate(const struct options *o)
{
	if (!find_fuzzer(o->fuzz)) {
		kprintf("svmlab: fuzz=%s: the fuzzers are vmcb and insn\n",
			o->fuzz);
		return -1;
	}
	if (o->seed[0] && parse_num(o->seed, 0xffffffffull) < 0) {
		kprintf("svmlab: seed=%s: give a number from 0 to %llu\n",
			o->seed, 0xffffffffull);
		return -1;
	}
	if (o->cases[0] && parse_num(o->cases, FUZZ_CASES_MAX) < 1) {
		kprintf("svmlab: cases=%s: give a number from 1 to %u\n",
			o->cases, FUZZ_CASES_MAX);
		return -1;
	}
	return 0;
}

void fuzz_run(const struct options *o)
{
	const struct fuzzer *f = find_fuzzer(o->fuzz);
	uint64_t seed = o->seed[0] ? (uint64_t)parse_num(o->seed, 0xffffffffull)
				   : FUZZ_SEED_DEFAULT;
	unsigned cases = o->cases[0] ?
		(unsigned)parse_num(o->cases, FUZZ_CASES_MAX) :
		FUZZ_CASES_DEFAULT;

	if (svm_setup() < 0)
		panic("SVM could not be enabled for fuzz=%s", f->name);
	kprintf("\nfuzz=%s seed=%llu cases=%u\n", f->name,
		(unsigned long long)seed, cases);
	f->run(seed, cases);
}
