// SPDX-License-Identifier: MIT
/*
 * Fixtures for the IGT compat library self-test (run.sh): a skipping and a
 * failing fixture scoped by igt_subtest_group(), then a failing top-level
 * fixture.  Uses only the real IGT API, so it also builds with IGT_SRC=.
 */
#include "igt.h"

static volatile int one = 1;

int igt_main()
{
	igt_fixture()
		igt_info("first fixture ran\n");

	igt_subtest("before")
		igt_assert(one);

	igt_describe("Subtests whose fixture skips.");
	igt_subtest_group() {
		igt_fixture()
			igt_require_f(!one, "group fixture skips\n");

		igt_describe("First subtest of the skipping group.");
		igt_subtest("group-skip-a")
			igt_info("not reached\n");

		igt_subtest("group-skip-b")
			igt_info("not reached\n");
	}

	igt_subtest("between")
		igt_assert(one);

	igt_subtest_group() {
		igt_fixture()
			igt_assert_f(!one, "group fixture fails\n");

		igt_subtest("group-fail")
			igt_info("not reached\n");
	}

	igt_subtest("after-groups")
		igt_assert(one);

	igt_fixture()
		igt_assert_f(!one, "top-level fixture fails\n");

	igt_subtest("late-fail-a")
		igt_info("not reached\n");

	igt_subtest_with_dynamic("late-fail-b")
		igt_dynamic("not-reached")
			igt_info("not reached\n");

	igt_fixture()
		igt_info("cleanup fixture ran\n");
}
