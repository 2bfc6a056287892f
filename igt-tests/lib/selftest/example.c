// SPDX-License-Identifier: MIT
/*
 * The shape of an aiaccel IGT test, kept trivial: a fixture, a described
 * subtest and a subtest with dynamic subtests.  Builds against the compat
 * library and against real IGT 2.5.
 */
#include "igt.h"

IGT_TEST_DESCRIPTION("Example of an IGT test built with the compat library.");

int igt_main()
{
	int fd = -1;

	igt_fixture() {
		fd = open("/dev/null", O_RDONLY);
		igt_require_fd(fd);
	}

	igt_describe("Check that arithmetic still works.");
	igt_subtest("basic")
		igt_assert_eq(1 + 1, 2);

	igt_describe("One dynamic subtest per item.");
	igt_subtest_with_dynamic("per-item") {
		static const char *const items[] = { "alpha", "beta" };

		for (size_t i = 0; i < ARRAY_SIZE(items); i++)
			igt_dynamic_f("item-%s", items[i])
				igt_assert(strlen(items[i]) > 0);
	}

	igt_fixture()
		close(fd);
}
