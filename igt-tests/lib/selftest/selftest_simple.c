// SPDX-License-Identifier: MIT
/*
 * A test without subtests (igt_simple_main) for the IGT compat library
 * self-test (run.sh).  SELFTEST_MODE picks the outcome: pass (default),
 * fail, skip or fork-fail.  Uses only the real IGT API.
 */
#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of a test without subtests.");

int igt_simple_main()
{
	const char *mode = getenv("SELFTEST_MODE");

	if (!mode)
		mode = "pass";
	igt_info("mode %s\n", mode);

	if (!strcmp(mode, "fail"))
		igt_assert_eq(strlen(mode), 0);
	if (!strcmp(mode, "skip"))
		igt_require_f(0, "skipping on purpose\n");
	if (!strcmp(mode, "fork-fail")) {
		igt_fork(child, 2)
			igt_assert(child == 0);
		igt_waitchildren();
	}
}
