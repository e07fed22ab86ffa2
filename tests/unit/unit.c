/*
 * unit.c - the host test runner's main, and the host's lab_todo.
 *
 *   test_x --list      print the test names, one per line
 *   test_x NAME...     run the named tests
 *   test_x             run every test
 * Prints "PASS name" or "FAIL name: why" per test; exits 1 on a failure.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "unit.h"
#include "kernel/lab.h"

#define MAX_TESTS 256

static struct { const char *name; void (*fn)(void); } tests[MAX_TESTS];
static int ntests, failures_in_test;

void unit_register(const char *name, void (*fn)(void))
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "unit: more than %d tests\n", MAX_TESTS);
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	failures_in_test++;
}

/* In a lab tree the stripped functions call this: fail loudly. */
void lab_todo(unsigned chapter, const char *function, const char *file)
{
	printf("TODO (lab %u): write %s() in %s\n", chapter, function, file);
	fflush(stdout);
	exit(3);
}

static int run(int i)
{
	failures_in_test = 0;
	tests[i].fn();
	printf("%s %s\n", failures_in_test ? "FAIL" : "PASS", tests[i].name);
	return failures_in_test != 0;
}

int main(int argc, char **argv)
{
	int i, a, failed = 0;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < ntests; i++)
			puts(tests[i].name);
		return 0;
	}
	if (argc == 1) {
		for (i = 0; i < ntests; i++)
			failed |= run(i);
		return failed;
	}
	for (a = 1; a < argc; a++) {
		for (i = 0; i < ntests && strcmp(tests[i].name, argv[a]); i++)
			;
		if (i == ntests) {
			printf("FAIL %s: no such test\n", argv[a]);
			failed = 1;
			continue;
		}
		failed |= run(i);
	}
	return failed;
}
