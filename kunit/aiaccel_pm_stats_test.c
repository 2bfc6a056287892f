// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the pure parts of power management and accounting: which clock
 * level each power mode runs at, which modes userspace may ask for, how
 * much engine time a job is charged, and how a finished job is counted.
 */

#include <kunit/test.h>

#include <drm/aiaccel_accel.h>

#include "aiaccel_pm.h"
#include "aiaccel_queue.h"
#include "aiaccel_stats.h"

static void pm_modes_map_to_clock_levels(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aiaccel_pm_clock_level(DRM_AIACCEL_POWER_AUTO, 4), 3);
	KUNIT_EXPECT_EQ(test, aiaccel_pm_clock_level(DRM_AIACCEL_POWER_PERFORMANCE, 4), 3);
	KUNIT_EXPECT_EQ(test, aiaccel_pm_clock_level(DRM_AIACCEL_POWER_LOW, 4), 0);
	/* A device with one clock level runs every mode at it. */
	KUNIT_EXPECT_EQ(test, aiaccel_pm_clock_level(DRM_AIACCEL_POWER_AUTO, 1), 0);
	KUNIT_EXPECT_EQ(test, aiaccel_pm_clock_level(DRM_AIACCEL_POWER_LOW, 1), 0);
}

static void pm_mode_validity(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, aiaccel_pm_mode_valid(DRM_AIACCEL_POWER_AUTO));
	KUNIT_EXPECT_TRUE(test, aiaccel_pm_mode_valid(DRM_AIACCEL_POWER_PERFORMANCE));
	KUNIT_EXPECT_TRUE(test, aiaccel_pm_mode_valid(DRM_AIACCEL_POWER_LOW));
	KUNIT_EXPECT_FALSE(test, aiaccel_pm_mode_valid(DRM_AIACCEL_POWER_LOW + 1));
	KUNIT_EXPECT_FALSE(test, aiaccel_pm_mode_valid(~0u));
}

static void busy_time_of_a_job(struct kunit *test)
{
	/* Started on an idle engine at 1000, left at 1500. */
	KUNIT_EXPECT_EQ(test, aiaccel_job_busy_ns(1000, 400, 1500), 500);
	/* Queued behind another: starts when that one left, at 1200. */
	KUNIT_EXPECT_EQ(test, aiaccel_job_busy_ns(0, 1200, 1500), 300);
	/* First job ever and no start known: nothing to charge. */
	KUNIT_EXPECT_EQ(test, aiaccel_job_busy_ns(0, 0, 1500), 0);
	/* A start read on another CPU slightly ahead: never negative. */
	KUNIT_EXPECT_EQ(test, aiaccel_job_busy_ns(1510, 0, 1500), 0);
}

static void outcomes_are_counted(struct kunit *test)
{
	struct aiaccel_stats stats = {};

	aiaccel_stats_count_outcome(&stats, 0);
	aiaccel_stats_count_outcome(&stats, 0);
	aiaccel_stats_count_outcome(&stats, -EFAULT);
	aiaccel_stats_count_outcome(&stats, -ETIMEDOUT);
	aiaccel_stats_count_outcome(&stats, -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic64_read(&stats.jobs_completed), 2);
	/* Timed-out jobs are failed jobs too. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&stats.jobs_failed), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&stats.jobs_timed_out), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&stats.jobs_submitted), 0);
}

static struct kunit_case pm_stats_cases[] = {
	KUNIT_CASE(pm_modes_map_to_clock_levels),
	KUNIT_CASE(pm_mode_validity),
	KUNIT_CASE(busy_time_of_a_job),
	KUNIT_CASE(outcomes_are_counted),
	{}
};

static struct kunit_suite pm_stats_suite = {
	.name = "aiaccel_pm_stats",
	.test_cases = pm_stats_cases,
};

kunit_test_suite(pm_stats_suite);
