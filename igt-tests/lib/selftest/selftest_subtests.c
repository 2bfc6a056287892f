// SPDX-License-Identifier: MIT
/*
 * Subtest outcomes for the IGT compat library self-test (run.sh).
 * Uses only the real IGT API, so it also builds with IGT_SRC=.
 */
#include <signal.h>
#include <sys/stat.h>
#include <xf86drm.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of the IGT API: every way a subtest can end.");

static volatile int one = 1;	/* not a constant, so no warnings */

int igt_main()
{
	int null_fd = -1;

	igt_fixture() {
		null_fd = open("/dev/null", O_RDWR);
		igt_assert_fd(null_fd);
	}

	igt_describe("A subtest that passes.");
	igt_subtest("pass") {
		igt_info("info from pass\n");
		igt_debug("debug from pass\n");
		igt_assert(one == 1);
		igt_assert_eq(one, 1);
		igt_assert_neq(one, 2);
		igt_assert_lt(one, 2);
		igt_assert_lte(one, 1);
		igt_assert_eq_u32(one, 1u);
		igt_assert_eq_u64((uint64_t)one << 40, 1ull << 40);
		igt_assert_eq_s64(-(int64_t)one, -1);
		igt_require(one);
		igt_skip_on(!one);
	}

	igt_subtest("fail-assert") {
		igt_debug("debug before the failure\n");
		igt_assert_eq(one, 2);
		igt_info("not reached\n");
	}

	igt_subtest("fail-assert-f") {
		errno = EBUSY;
		igt_assert_f(one == 2, "one is %d\n", one);
	}

	igt_subtest("fail-explicit")
		igt_fail(IGT_EXIT_FAILURE);

	igt_subtest("skip-require") {
		igt_require(one == 2);
		igt_info("not reached\n");
	}

	igt_subtest("skip-explicit")
		igt_skip("skipping on purpose\n");

	igt_subtest("skip-on-f")
		igt_skip_on_f(one == 1, "one is %d\n", one);

	igt_describe("Dynamic subtests: one passes, one fails, one skips.");
	igt_subtest_with_dynamic("dynamic-mixed") {
		igt_dynamic("dyn-pass")
			igt_assert(one);
		igt_dynamic("dyn-fail")
			igt_assert_eq(one, 0);
		igt_dynamic("dyn-skip")
			igt_require(!one);
	}

	igt_subtest_with_dynamic("dynamic-all-skip") {
		igt_dynamic("dyn-skip-a")
			igt_require(!one);
		igt_dynamic("dyn-skip-b")
			igt_skip("not this one either\n");
	}

	igt_subtest_with_dynamic("dynamic-pass") {
		for (int i = 0; i < 3; i++)
			igt_dynamic_f("dyn-%d", i)
				igt_assert_lt(i, 3);
	}

	igt_subtest_with_dynamic("dynamic-none") {
		if (!one)
			igt_dynamic("never")
				igt_assert(0);
	}

	igt_subtest_with_dynamic_f("dynamic-f-%d", 1) {
		igt_require(one);
		igt_dynamic_f("dyn-f-%s", "x")
			igt_assert(one);
	}

	for (int i = 1; i <= 2; i++) {
		igt_subtest_f("subtest-f-%d", i)
			igt_assert_lte(i, 2);
	}

	igt_subtest("fork-pass") {
		igt_fork(child, 3) {
			igt_assert(child >= 0 && child < 3);
			igt_info("child %d ran\n", child);
		}
		igt_waitchildren();
	}

	igt_subtest("fork-fail") {
		igt_fork(child, 2) {
			igt_assert_f(child != 1, "child %d fails\n", child);
		}
		igt_waitchildren();
	}

	igt_subtest("ioctl-err") {
		struct drm_version v = { 0 };

		/* /dev/null is no DRM device: the ioctl fails with ENOTTY */
		do_ioctl_err(null_fd, DRM_IOCTL_VERSION, &v, ENOTTY);
		igt_assert_eq(errno, 0);
	}

	igt_subtest("ioctl-fail") {
		struct drm_version v = { 0 };

		do_ioctl(null_fd, DRM_IOCTL_VERSION, &v);
	}

	igt_subtest("crash")
		raise(SIGSEGV);

	igt_subtest("warn")
		igt_warn("a warning\n");

	igt_subtest("last")
		igt_assert(one);

	igt_fixture()
		close(null_fd);
}
