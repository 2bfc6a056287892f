/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * A userspace stand-in for the part of the KUnit API that
 * kunit/aiaccel_ops_test.c uses, so the suite also runs on the host.
 * kunit_test_suite() registers the suite in kshim_suite; the host test's
 * main() runs it with kshim_run().
 */
#ifndef __AIACCEL_KSHIM_KUNIT_H__
#define __AIACCEL_KSHIM_KUNIT_H__

#include <setjmp.h>
#include <stdio.h>

#include "../kshim.h"

struct kunit {
	const char *name;
	int failures;
	jmp_buf abort;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define kunit_test_suite(s)	struct kunit_suite *kshim_suite = &(s)

#define kunit_info(test, fmt, ...)	printf("    " fmt, ##__VA_ARGS__)

#define KUNIT_FAIL(test, fmt, ...)					\
	do {								\
		printf("    %s:%d: " fmt "\n", __FILE__, __LINE__,	\
		       ##__VA_ARGS__);					\
		(test)->failures++;					\
	} while (0)

#define KSHIM_CHECK(test, ok, text, fatal, fmt, ...)			\
	do {								\
		if (!(ok)) {						\
			KUNIT_FAIL(test, "expected %s " fmt, text,	\
				   ##__VA_ARGS__);			\
			if (fatal)					\
				longjmp((test)->abort, 1);		\
		}							\
	} while (0)

/* Each argument is evaluated once, as in KUnit. */
#define KSHIM_CHECK_EQ(t, a, b, fatal, fmt, ...)			\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
									\
		KSHIM_CHECK(t, _a == _b, #a " == " #b, fatal,		\
			    "(%lld vs %lld) " fmt, _a, _b, ##__VA_ARGS__); \
	} while (0)

#define KSHIM_CHECK_CMP(t, a, op, b)					\
	do {								\
		unsigned long long _a = (a), _b = (b);			\
									\
		KSHIM_CHECK(t, _a op _b, #a " " #op " " #b, 0,		\
			    "(%llu vs %llu)", _a, _b);			\
	} while (0)

#define KUNIT_EXPECT_GE(t, a, b)	KSHIM_CHECK_CMP(t, a, >=, b)
#define KUNIT_EXPECT_LE(t, a, b)	KSHIM_CHECK_CMP(t, a, <=, b)
#define KUNIT_EXPECT_MEMEQ(t, a, b, n) \
	KSHIM_CHECK(t, !memcmp(a, b, n), #a " == " #b, 0, "")

#define KUNIT_EXPECT_EQ_MSG(t, a, b, fmt, ...) \
	KSHIM_CHECK_EQ(t, a, b, 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ(t, a, b)	KSHIM_CHECK_EQ(t, a, b, 0, "")
#define KUNIT_ASSERT_EQ(t, a, b)	KSHIM_CHECK_EQ(t, a, b, 1, "")
#define KUNIT_ASSERT_NOT_NULL(t, p) \
	KSHIM_CHECK(t, (p) != NULL, #p " != NULL", 1, "")

/* Run every case of @suite; returns the number of failed cases. */
static inline int kshim_run_case(struct kunit_case *c)
{
	static struct kunit test;

	memset(&test, 0, sizeof(test));
	test.name = c->name;
	if (!setjmp(test.abort))
		c->run_case(&test);
	else
		test.failures++;
	printf("  %s %s\n", test.failures ? "FAIL" : "ok  ", c->name);
	return test.failures != 0;
}

static inline int kshim_run(struct kunit_suite *suite)
{
	struct kunit_case *c;
	int failed = 0, passed = 0;

	printf("suite %s\n", suite->name);
	for (c = suite->test_cases; c->run_case; c++) {
		if (kshim_run_case(c))
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed;
}

#endif
