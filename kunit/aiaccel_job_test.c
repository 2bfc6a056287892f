// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the pure parts of the driver's job path: widening the device's
 * 32-bit seqnos across wrap-around, and the errno of each device error.
 */

#include <linux/limits.h>

#include <kunit/test.h>

#include <drm/aiaccel_accel.h>

#include "aiaccel_queue.h"

static void seqno_extend_simple(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(0, 5, 3), 3);
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(3, 5, 5), 5);
	/* Nothing new retired. */
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(5, 9, 5), 5);
}

static void seqno_extend_wraps(struct kunit *test)
{
	u64 last = 0xfffffffeULL, emitted = 0x100000003ULL;

	/* The device's counter wrapped past zero; the driver's did not. */
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(last, emitted, 0xffffffff), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(last, emitted, 0), 0x100000000ULL);
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(last, emitted, 3), 0x100000003ULL);
	/* Far beyond 2^32, many times round. */
	last = 0x7ffffffffffffff0ULL;
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(last, last + 0x20, 0x5),
			0x8000000000000005ULL);
}

static void seqno_extend_rejects_stale_and_future(struct kunit *test)
{
	/* A value behind the last retired one (a stale or reset register). */
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(100, 110, 90), 100);
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(100, 110, 0), 100);
	/* A value past what was emitted. */
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(100, 110, 111), 100);
	KUNIT_EXPECT_EQ(test, aiaccel_seqno_extend(100, 110, U32_MAX), 100);
}

static void errno_of_device_errors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_NONE), 0);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_INVALID_OP), -EINVAL);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_MMU_FAULT), -EFAULT);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_WATCHDOG), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_BAD_ENTRY), -EIO);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_BUS), -EIO);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(AIACCEL_ERR_INJECTED), -EIO);
	KUNIT_EXPECT_EQ(test, aiaccel_errno_of(200), -EIO);
}

static void uapi_structs_are_padded(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_submit) % 8, 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_submit_bo), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_sync), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_wait), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_event_job), 40);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_bo_create) % 8, 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_bo_info) % 8, 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_info) % 8, 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct drm_aiaccel_get_info), 16);
}

static struct kunit_case job_cases[] = {
	KUNIT_CASE(seqno_extend_simple),
	KUNIT_CASE(seqno_extend_wraps),
	KUNIT_CASE(seqno_extend_rejects_stale_and_future),
	KUNIT_CASE(errno_of_device_errors),
	KUNIT_CASE(uapi_structs_are_padded),
	{}
};

static struct kunit_suite job_suite = {
	.name = "aiaccel_job",
	.test_cases = job_cases,
};

kunit_test_suite(job_suite);
