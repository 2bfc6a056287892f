// SPDX-License-Identifier: MIT
/*
 * test_device: finding, opening and querying devices, against the real
 * driver (run in the guest by run-guest-tests.sh).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aidrv.h"

static void test_count(void **state)
{
	(void)state;
	assert_true(aidrv_count_devices() >= 1);
}

static void test_open_index(void **state)
{
	struct aidrv_device *dev = NULL;
	int n = aidrv_count_devices();

	(void)state;
	assert_int_equal(aidrv_open_index(0, &dev), 0);
	assert_non_null(dev);
	assert_true(aidrv_fd(dev) >= 0);
	assert_int_equal(strncmp(aidrv_path(dev), "/dev/accel/accel", 16), 0);
	aidrv_close(dev);

	dev = NULL;
	assert_int_equal(aidrv_open_index((unsigned int)n, &dev), -ENODEV);
	assert_null(dev);
	assert_int_equal(aidrv_open_index(256, &dev), -EINVAL);
	assert_int_equal(aidrv_open_index(0, NULL), -EINVAL);
	aidrv_close(NULL);
}

static void test_open_path(void **state)
{
	struct aidrv_device *dev = NULL, *dev2 = NULL;

	(void)state;
	assert_int_equal(aidrv_open_index(0, &dev), 0);
	assert_int_equal(aidrv_open_path(aidrv_path(dev), &dev2), 0);
	assert_string_equal(aidrv_path(dev2), aidrv_path(dev));
	assert_int_not_equal(aidrv_fd(dev2), aidrv_fd(dev));
	aidrv_close(dev2);
	aidrv_close(dev);

	assert_int_equal(aidrv_open_path("/dev/null", &dev), -ENODEV);
	assert_int_equal(aidrv_open_path("/dev/accel/no-such-node", &dev), -ENOENT);
	assert_int_equal(aidrv_open_path(NULL, &dev), -EINVAL);
	assert_int_equal(aidrv_open_path("/dev/null", NULL), -EINVAL);
}

static void test_info(void **state)
{
	struct aidrv_device *dev;
	struct drm_aiaccel_info info;
	int major = -1, minor = -1, patch = -1;

	(void)state;
	assert_int_equal(aidrv_open_index(0, &dev), 0);
	assert_int_equal(aidrv_get_info(dev, &info), 0);
	assert_int_equal(info.device_id, 0xa1ac0001);
	assert_int_equal(info.page_size, 4096);
	assert_int_equal(info.va_bits, 39);
	assert_true(info.mem_size > 0);
	assert_true(info.mem_used <= info.mem_size);
	assert_true(info.num_engines >= 1 && info.num_engines <= 4);
	assert_int_equal(aidrv_get_info(dev, NULL), -EINVAL);
	assert_int_equal(aidrv_get_info(NULL, &info), -EINVAL);

	assert_int_equal(aidrv_driver_version(dev, &major, &minor, &patch), 0);
	assert_int_equal(major, 1);
	assert_true(minor >= 0 && patch >= 0);
	assert_int_equal(aidrv_driver_version(dev, NULL, NULL, NULL), 0);
	assert_int_equal(aidrv_driver_version(NULL, &major, NULL, NULL), -EINVAL);
	aidrv_close(dev);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(aidrv_strerror(-ENOMEM), strerror(ENOMEM));
	assert_string_equal(aidrv_strerror(ENODEV), strerror(ENODEV));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_open_index),
		cmocka_unit_test(test_open_path),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
