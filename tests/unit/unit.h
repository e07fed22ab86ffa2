/*
 * unit.h - a minimal C test runner for the host unit tests.
 *
 * A test file defines tests with TEST(name) { ... } and checks with the
 * EXPECT_* macros.  The runner (unit.c) lists the tests (--list), runs
 * one by name, or runs them all.  tests/test_unit.py makes each TEST one
 * pytest item, so a failing host test shows up by name.
 */
#ifndef SVMLAB_UNIT_H
#define SVMLAB_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/** Register test @p fn under @p name (called by TEST's constructor). */
void unit_register(const char *name, void (*fn)(void));
/** Record a failed expectation of the running test. */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Define a test function and register it before main runs. */
#define TEST(name)                                                      \
	static void test_##name(void);                                  \
	__attribute__((constructor)) static void register_##name(void)  \
	{ unit_register(#name, test_##name); }                          \
	static void test_##name(void)

/** Expect two integers to be equal. */
#define EXPECT_EQ(a, b) do {                                            \
	long long a_ = (long long)(a);                                  \
	long long b_ = (long long)(b);                                  \
	if (a_ != b_)                                                   \
		unit_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", \
			  #a, #b, (unsigned long long)a_,             \
			  (unsigned long long)b_);                      \
} while (0)

/** Expect a condition to hold. */
#define EXPECT_TRUE(c) do {                                             \
	if (!(c))                                                       \
		unit_fail(__FILE__, __LINE__, "expected %s", #c);       \
} while (0)

/** Expect two C strings to be equal. */
#define EXPECT_STREQ(a, b) do {                                         \
	const char *a_ = (a), *b_ = (b);                                \
	if (strcmp(a_, b_) != 0)                                        \
		unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
			  #a, #b, a_, b_);                              \
} while (0)

#endif /* SVMLAB_UNIT_H */
