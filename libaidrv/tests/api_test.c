// SPDX-License-Identifier: MIT
/*
 * api_test: libaidrv's public conventions, on the host (no device): the
 * version macros and calls, finding devices through sysfs (a fake sysfs
 * tree with other drivers' nodes), getters given NULL, *out set to NULL
 * on failure, and structs passed with their size (shorter and longer
 * than the library's own).  Under ASan and UBSan.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aidrv.h"
#include "../src/internal.h"

#ifndef DEMO_DIR
#error "DEMO_DIR must name the demo directory"
#endif
#define MODEL_PATH DEMO_DIR "/digits.aimodel"

#define POISON ((void *)(uintptr_t)0x5a5a5a5a)

static void test_version(void **state)
{
	char want[32];

	(void)state;
	assert_int_equal(aidrv_version(), AIDRV_VERSION);
	assert_true(AIDRV_CHECK_VERSION(1, 0, 0));
	assert_false(AIDRV_CHECK_VERSION(AIDRV_VERSION_MAJOR + 1, 0, 0));
	assert_int_equal(AIDRV_VERSION_ENCODE(1, 2, 3), 0x010203);
	snprintf(want, sizeof(want), "%d.%d.%d", AIDRV_VERSION_MAJOR, AIDRV_VERSION_MINOR,
		 AIDRV_VERSION_MICRO);
	assert_string_equal(aidrv_version_string(), want);
}

/* A fake /sys/class/accel: nodes of aiaccel and of other drivers. */
struct tree {
	char root[64];
	char sysfs[128];
};

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

/* accel<minor> whose device is bound to @driver (NULL: to none). */
static void add_node(const struct tree *t, int minor, const char *driver)
{
	char dev[256], link[512], target[512];

	snprintf(dev, sizeof(dev), "%s/devices/dev%d/accel/accel%d", t->root, minor, minor);
	mkdirs(dev);
	snprintf(link, sizeof(link), "%s/accel%d", t->sysfs, minor);
	assert_int_equal(symlink(dev, link), 0);
	if (driver) {
		snprintf(target, sizeof(target), "%s/bus/platform/drivers/%s", t->root, driver);
		mkdirs(target);
		snprintf(link, sizeof(link), "%s/devices/dev%d/driver", t->root, minor);
		assert_int_equal(symlink(target, link), 0);
	}
	/* accelN/device -> the device. */
	snprintf(link, sizeof(link), "%s/device", dev);
	snprintf(target, sizeof(target), "%s/devices/dev%d", t->root, minor);
	assert_int_equal(symlink(target, link), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	snprintf(t->root, sizeof(t->root), "/tmp/aidrv-api-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->sysfs, sizeof(t->sysfs), "%s/class/accel", t->root);
	mkdirs(t->sysfs);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static void test_scan(void **state)
{
	struct tree *t = *state;
	char path[256], tiny[8];

	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", -1, NULL, 0), 0);
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", 0, path, sizeof(path)),
			 -ENODEV);
	add_node(t, 0, "ethosu");
	add_node(t, 1, "aiaccel");
	add_node(t, 2, NULL);		/* no driver bound */
	add_node(t, 10, "aiaccel");
	add_node(t, 3, "aiaccel");
	add_node(t, 4, "aiaccelx");	/* a prefix is not a match */
	/* Not accel nodes at all. */
	snprintf(path, sizeof(path), "%.40s/accelX", t->sysfs);
	mkdirs(path);

	/* Counted and ranked by minor, other drivers' nodes skipped, unopened. */
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", -1, NULL, 0), 3);
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", 0, path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/accel/accel1");
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", 1, path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/accel/accel3");
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", 2, path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/accel/accel10");
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", 3, path, sizeof(path)),
			 -ENODEV);
	assert_int_equal(aidrv_scan_devices(t->sysfs, "/dev/accel", 0, tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
	/* No accel class at all: no device, not an error. */
	assert_int_equal(aidrv_scan_devices("/nonexistent/class/accel", "/dev/accel", -1,
					    NULL, 0), 0);
}

static void test_null_getters(void **state)
{
	size_t size = 1;

	(void)state;
	assert_int_equal(aidrv_device_fd(NULL), -1);
	assert_null(aidrv_device_path(NULL));
	assert_int_equal(aidrv_bo_size(NULL), 0);
	assert_int_equal(aidrv_bo_va(NULL), 0);
	assert_int_equal(aidrv_bo_handle(NULL), 0);
	assert_int_equal(aidrv_bo_flags(NULL), 0);
	assert_int_equal(aidrv_bo_info_flags(NULL), 0);
	assert_null(aidrv_bo_device(NULL));
	assert_int_equal(aidrv_cs_size(NULL), 0);
	assert_int_equal(aidrv_cs_count(NULL), 0);
	assert_null(aidrv_cs_data(NULL));
	assert_int_equal(aidrv_job_syncobj(NULL), 0);
	assert_int_equal(aidrv_job_status(NULL), -EINVAL);
	assert_int_equal(aidrv_model_num_tensors(NULL), 0);
	assert_int_equal(aidrv_model_num_layers(NULL), 0);
	assert_int_equal(aidrv_model_max_batch(NULL), 0);
	assert_null(aidrv_model_data(NULL, &size));
	assert_int_equal(size, 0);
	assert_int_equal(aidrv_inference_max_batch(NULL), 0);
	assert_null(aidrv_inference_model(NULL));
	/* Releasing NULL does nothing. */
	aidrv_device_close(NULL);
	aidrv_bo_free(NULL);
	aidrv_cs_free(NULL);
	aidrv_cs_reset(NULL);
	aidrv_job_free(NULL);
	aidrv_model_free(NULL);
	aidrv_dataset_free(NULL);
	aidrv_inference_free(NULL);
	aidrv_binding_free(NULL);
	/* Calls on a NULL object fail cleanly. */
	assert_int_equal(aidrv_bo_map(NULL, (void **)&size), -EINVAL);
	assert_int_equal(aidrv_bo_unmap(NULL), -EINVAL);
	assert_int_equal(aidrv_job_wait(NULL, 0, 0), -EINVAL);
	assert_int_equal(aidrv_device_get_info(NULL, NULL, 0), -EINVAL);
	assert_int_equal(aidrv_binding_submit(NULL, NULL, NULL), -EINVAL);
}

static void test_out_null_on_failure(void **state)
{
	struct aidrv_device *dev = POISON;
	struct aidrv_model *m = POISON;
	struct aidrv_dataset *set = POISON;
	struct aidrv_inference *inf = POISON;
	struct aidrv_binding *b = POISON;
	struct aidrv_bo *bo = POISON;
	struct aidrv_job *job = POISON;
	int fd;

	(void)state;
	assert_int_equal(aidrv_device_open_path("/nonexistent/accel0", &dev), -ENOENT);
	assert_null(dev);
	dev = POISON;
	assert_int_equal(aidrv_device_open_path("/dev/null", &dev), -ENODEV);
	assert_null(dev);
	dev = POISON;
	assert_int_equal(aidrv_device_open("/nonexistent/accel0", &dev), -ENOENT);
	assert_null(dev);
	dev = POISON;
	assert_int_equal(aidrv_device_open("70000", &dev), -ENODEV);
	assert_null(dev);
	dev = POISON;
	assert_int_equal(aidrv_device_open_fd(-1, &dev), -EBADF);
	assert_null(dev);
	dev = POISON;
	fd = open("/dev/null", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(aidrv_device_open_fd(fd, &dev), -ENODEV);
	assert_null(dev);
	/* The caller's fd is still the caller's. */
	assert_int_equal(fcntl(fd, F_GETFD), 0);
	close(fd);
	assert_int_equal(aidrv_device_node(0, NULL, 0), -EINVAL);

	assert_int_equal(aidrv_model_load_mem("junk", 4, &m, NULL, 0), -EINVAL);
	assert_null(m);
	assert_int_equal(aidrv_dataset_load_mem("junk", 4, &set, NULL, 0), -EINVAL);
	assert_null(set);
	assert_int_equal(aidrv_inference_create(NULL, NULL, 1, 0, &inf), -EINVAL);
	assert_null(inf);
	assert_int_equal(aidrv_binding_create(NULL, NULL, &b), -EINVAL);
	assert_null(b);
	assert_int_equal(aidrv_bo_create(NULL, 4096, 0, &bo), -EINVAL);
	assert_null(bo);
	bo = POISON;
	assert_int_equal(aidrv_bo_create_userptr(NULL, NULL, 4096, 0, &bo), -EINVAL);
	assert_null(bo);
	bo = POISON;
	assert_int_equal(aidrv_bo_import(NULL, 0, &bo), -EINVAL);
	assert_null(bo);
	bo = POISON;
	assert_int_equal(aidrv_cs_upload(NULL, NULL, &bo), -EINVAL);
	assert_null(bo);
	assert_int_equal(aidrv_job_submit(NULL, NULL, &job), -EINVAL);
	assert_null(job);
}

/* A struct filled in writes exactly the caller's size, zeros past ours. */
static void test_sizes_out(void **state)
{
	struct {
		struct aidrv_model_tensor t;
		uint8_t more[16];
	} big;
	uint8_t small[sizeof(struct aidrv_model_tensor) + 8];
	size_t old = offsetof(struct aidrv_model_tensor, zero_point);
	struct aidrv_model_tensor t;
	struct aidrv_model *m;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(aidrv_model_load_file(MODEL_PATH, &m, err, sizeof(err)), 0);
	assert_int_equal(aidrv_model_input(m, &t, sizeof(t)), 0);

	/* An older, shorter struct: its prefix, nothing past it. */
	memset(small, 0xee, sizeof(small));
	assert_int_equal(aidrv_model_input(m, (void *)small, old), 0);
	assert_memory_equal(small, &t, old);
	for (i = old; i < sizeof(small); i++)
		assert_int_equal(small[i], 0xee);

	/* A newer, longer one: members the library does not know are 0. */
	memset(&big, 0xee, sizeof(big));
	assert_int_equal(aidrv_model_input(m, (void *)&big, sizeof(big)), 0);
	assert_memory_equal(&big.t, &t, sizeof(t));
	for (i = 0; i < sizeof(big.more); i++)
		assert_int_equal(big.more[i], 0);
	aidrv_model_free(m);
}

/* A struct read: too short is -EINVAL, unknown non-zero members -E2BIG. */
static void test_sizes_in(void **state)
{
	struct {
		struct aidrv_model_addrs a;
		uint64_t newer;
	} big = { { sizeof(big), 0x100000, NULL }, 0 };
	union aidrv_model_op op;
	uint64_t tensors[16] = { 0 };
	struct aidrv_model_addrs a = { sizeof(a), 0x100000, tensors };
	struct aidrv_model *m;
	struct aidrv_submit s;
	char err[256];
	unsigned int i;

	(void)state;
	assert_int_equal(aidrv_model_load_file(MODEL_PATH, &m, err, sizeof(err)), 0);
	for (i = 0; i < aidrv_model_num_tensors(m); i++)
		tensors[i] = 0x200000 + i * 0x100000;
	assert_true(aidrv_model_stream(m, 1, &a, NULL, 0) > 0);
	big.a.tensors = tensors;
	assert_true(aidrv_model_stream(m, 1, &big.a, NULL, 0) > 0);
	big.newer = 1;
	assert_int_equal(aidrv_model_stream(m, 1, &big.a, NULL, 0), -E2BIG);
	a.size = offsetof(struct aidrv_model_addrs, tensors);
	assert_int_equal(aidrv_model_stream(m, 1, &a, NULL, 0), -EINVAL);
	a.size = sizeof(a);

	/* An op larger than the caller's room is refused, not truncated. */
	assert_int_equal(aidrv_model_layer_op(m, 0, 1, &a, &op, sizeof(op)), 0);
	assert_int_equal(aidrv_model_layer_op(m, 0, 1, &a, &op, op.hdr.size - 1), -ENOSPC);
	aidrv_model_free(m);

	/* aidrv_submit_init() does nothing with a size it cannot fill. */
	memset(&s, 0xee, sizeof(s));
	aidrv_submit_init(&s, sizeof(s) - 1);
	assert_int_equal(((uint8_t *)&s)[0], 0xee);
	aidrv_submit_init(&s, sizeof(s));
	assert_int_equal(s.size, sizeof(s));
	assert_int_equal(s.engine, 0);
	assert_int_equal(s.flags, 0);
	assert_int_equal(s.priority, DRM_AIACCEL_PRIORITY_NORMAL);
	assert_int_equal(s.in_fence_fd, -1);
	assert_null(s.cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test_setup_teardown(test_scan, tree_setup, tree_teardown),
		cmocka_unit_test(test_null_getters),
		cmocka_unit_test(test_out_null_on_failure),
		cmocka_unit_test(test_sizes_out),
		cmocka_unit_test(test_sizes_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
