// SPDX-License-Identifier: MIT
/*
 * test_device: finding, opening and querying devices, against the real
 * driver (run in the guest by run-guest-tests.sh): enumeration from sysfs
 * (that it needs no permission on the nodes), opening from an fd, structs
 * of other sizes than the library's, and completion events read by
 * several threads at once.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include <xf86drm.h>

#include "aidrv.h"

static void test_count(void **state)
{
	(void)state;
	assert_true(aidrv_device_count() >= 1);
}

static void test_open_index(void **state)
{
	struct aidrv_device *dev = NULL;
	int n = aidrv_device_count();

	(void)state;
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_non_null(dev);
	assert_true(aidrv_device_fd(dev) >= 0);
	assert_int_equal(strncmp(aidrv_device_path(dev), "/dev/accel/accel", 16), 0);
	aidrv_device_close(dev);

	dev = NULL;
	assert_int_equal(aidrv_device_open_index((unsigned int)n, &dev), -ENODEV);
	assert_null(dev);
	assert_int_equal(aidrv_device_open_index(256, &dev), -ENODEV);
	assert_int_equal(aidrv_device_open_index(0, NULL), -EINVAL);
	aidrv_device_close(NULL);
}

static void test_open_path(void **state)
{
	struct aidrv_device *dev = NULL, *dev2 = NULL;

	(void)state;
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_device_open_path(aidrv_device_path(dev), &dev2), 0);
	assert_string_equal(aidrv_device_path(dev2), aidrv_device_path(dev));
	assert_int_not_equal(aidrv_device_fd(dev2), aidrv_device_fd(dev));
	aidrv_device_close(dev2);
	aidrv_device_close(dev);

	assert_int_equal(aidrv_device_open_path("/dev/null", &dev), -ENODEV);
	assert_int_equal(aidrv_device_open_path("/dev/accel/no-such-node", &dev), -ENOENT);
	assert_int_equal(aidrv_device_open_path(NULL, &dev), -EINVAL);
	assert_int_equal(aidrv_device_open_path("/dev/null", NULL), -EINVAL);
}

static void test_info(void **state)
{
	struct aidrv_device *dev;
	struct drm_aiaccel_info info;
	int major = -1, minor = -1, patch = -1;

	(void)state;
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_device_get_info(dev, &info, sizeof(info)), 0);
	assert_int_equal(info.device_id, 0xa1ac0001);
	assert_int_equal(info.page_size, 4096);
	assert_int_equal(info.va_bits, 39);
	assert_true(info.mem_size > 0);
	assert_true(info.mem_used <= info.mem_size);
	assert_true(info.num_engines >= 1 && info.num_engines <= 4);
	assert_int_equal(aidrv_device_get_info(dev, NULL, 0), -EINVAL);
	assert_int_equal(aidrv_device_get_info(NULL, &info, sizeof(info)), -EINVAL);

	assert_int_equal(aidrv_device_driver_version(dev, &major, &minor, &patch), 0);
	assert_int_equal(major, 1);
	assert_true(minor >= 0 && patch >= 0);
	assert_int_equal(aidrv_device_driver_version(dev, NULL, NULL, NULL), 0);
	assert_int_equal(aidrv_device_driver_version(NULL, &major, NULL, NULL), -EINVAL);
	aidrv_device_close(dev);
}


/* The nodes the kernel says are aiaccel's: /sys/class/accel/accelN/device/driver. */
static int kernel_count(void)
{
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir("/sys/class/accel");

	assert_non_null(dir);
	while ((d = readdir(dir))) {
		char link[300], target[300];
		ssize_t len;

		if (strncmp(d->d_name, "accel", 5))
			continue;
		snprintf(link, sizeof(link), "/sys/class/accel/%s/device/driver", d->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		n += !strcmp(strrchr(target, '/') + 1, "aiaccel");
	}
	closedir(dir);
	return n;
}

static void test_enumeration(void **state)
{
	char path[64], prev[64] = "";
	int i, n = aidrv_device_count();

	(void)state;
	assert_int_equal(n, kernel_count());
	for (i = 0; i < n; i++) {
		struct aidrv_device *dev;

		assert_int_equal(aidrv_device_node((unsigned int)i, path, sizeof(path)), 0);
		assert_int_equal(strncmp(path, "/dev/accel/accel", 16), 0);
		assert_true(strcmp(path, prev) != 0);
		snprintf(prev, sizeof(prev), "%s", path);
		assert_int_equal(aidrv_device_open_index((unsigned int)i, &dev), 0);
		assert_string_equal(aidrv_device_path(dev), path);
		aidrv_device_close(dev);
	}
	assert_int_equal(aidrv_device_node((unsigned int)n, path, sizeof(path)), -ENODEV);
	assert_int_equal(aidrv_device_node(0, path, 4), -ENAMETOOLONG);
}

/* Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (no libcap in the guest). */
static void drop_dac(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	assert_int_equal(syscall(SYS_capget, &hdr, data), 0);
	data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	assert_int_equal(syscall(SYS_capset, &hdr, data), 0);
}

/*
 * A node the caller may not open is still found, and opening it says
 * why: -EACCES, not "no device".
 */
static void test_no_permission(void **state)
{
	char path[64];
	struct stat st;
	int status, n = aidrv_device_count();
	pid_t pid;

	(void)state;
	assert_int_equal(aidrv_device_node(0, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(chmod(path, 0), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct aidrv_device *dev = (void *)1;

		drop_dac();
		/* exit codes name the first check that failed */
		if (aidrv_device_count() != n)
			_exit(1);
		if (aidrv_device_open_index(0, &dev) != -EACCES || dev)
			_exit(2);
		if (aidrv_device_open(NULL, &dev) != -EACCES)
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(path, st.st_mode & 07777), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_open(void **state)
{
	struct aidrv_device *dev, *dev2;

	(void)state;
	assert_int_equal(aidrv_device_open(NULL, &dev), 0);
	assert_int_equal(aidrv_device_open("0", &dev2), 0);
	assert_string_equal(aidrv_device_path(dev), aidrv_device_path(dev2));
	aidrv_device_close(dev2);
	assert_int_equal(aidrv_device_open(aidrv_device_path(dev), &dev2), 0);
	aidrv_device_close(dev2);
	aidrv_device_close(dev);
	assert_int_equal(aidrv_device_open("999", &dev), -ENODEV);
	assert_null(dev);
}

/* A handle made from an fd shares the fd's open file: its buffers too. */
static void test_open_fd(void **state)
{
	struct drm_aiaccel_bo_info info = { 0 };
	struct aidrv_device *dev, *shared;
	struct aidrv_bo *bo;
	int fd;

	(void)state;
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	fd = aidrv_device_fd(dev);
	assert_int_equal(aidrv_device_open_fd(fd, &shared), 0);
	assert_string_equal(aidrv_device_path(shared), aidrv_device_path(dev));
	assert_int_not_equal(aidrv_device_fd(shared), fd);
	assert_true(fcntl(aidrv_device_fd(shared), F_GETFD) & FD_CLOEXEC);

	assert_int_equal(aidrv_bo_create(dev, 4096, 0, &bo), 0);
	info.handle = aidrv_bo_handle(bo);
	assert_int_equal(drmIoctl(aidrv_device_fd(shared), DRM_IOCTL_AIACCEL_BO_INFO, &info), 0);
	assert_int_equal(info.va, aidrv_bo_va(bo));
	aidrv_bo_free(bo);
	/* Closing one handle leaves the other working. */
	aidrv_device_close(shared);
	assert_int_equal(aidrv_device_get_info(dev, &(struct drm_aiaccel_info){ 0 },
					       sizeof(struct drm_aiaccel_info)), 0);
	aidrv_device_close(dev);
}

/* GET_INFO with an older (shorter) and a newer (longer) struct. */
static void test_info_sizes(void **state)
{
	size_t old = offsetof(struct drm_aiaccel_info, state);
	struct drm_aiaccel_info info;
	uint8_t buf[sizeof(info) + 32];
	struct aidrv_device *dev;
	size_t i;

	(void)state;
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_device_get_info(dev, &info, sizeof(info)), 0);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(aidrv_device_get_info(dev, (void *)buf, old), 0);
	assert_memory_equal(buf, &info, offsetof(struct drm_aiaccel_info, mem_used));
	for (i = old; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(aidrv_device_get_info(dev, (void *)buf, sizeof(buf)), 0);
	for (i = sizeof(info); i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	aidrv_device_close(dev);
}

/*
 * Events: several threads read the events of one handle; each must get
 * an event or -ETIME by its deadline, never block past it because
 * another took the event it had seen coming.
 */
#define READERS	4

struct reader {
	struct aidrv_device *dev;
	int ret;
	int64_t took_ns;
	uint64_t data;
};

static void *read_one(void *arg)
{
	struct reader *r = arg;
	struct drm_aiaccel_event_job ev;
	int64_t t0 = aidrv_now_ns();

	r->ret = aidrv_device_read_event(r->dev, &ev, sizeof(ev), 3 * AIDRV_NSEC_PER_SEC, 0);
	r->took_ns = aidrv_now_ns() - t0;
	r->data = ev.user_data;
	return NULL;
}

static void test_event_readers(void **state)
{
	struct reader r[READERS];
	pthread_t t[READERS];
	struct aidrv_device *dev;
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	int i, got = 0;

	(void)state;
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_true(aidrv_cs_nop(cs) >= 0);
	for (i = 0; i < READERS; i++) {
		r[i] = (struct reader){ .dev = dev };
		assert_int_equal(pthread_create(&t[i], NULL, read_one, &r[i]), 0);
	}
	/* Two events for four readers, once they are all waiting. */
	usleep(200000);
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	s.flags = DRM_AIACCEL_SUBMIT_EVENT;
	s.event_data = 41;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), 0);
	s.event_data = 42;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), 0);
	for (i = 0; i < READERS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		if (r[i].ret == 0) {
			assert_true(r[i].data == 41 || r[i].data == 42);
			got++;
		} else {
			assert_int_equal(r[i].ret, -ETIME);
		}
		/* 3 s deadline: no reader may take much longer. */
		assert_true(r[i].took_ns < 5 * AIDRV_NSEC_PER_SEC);
	}
	assert_int_equal(got, 2);
	aidrv_cs_free(cs);
	aidrv_device_close(dev);
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
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_no_permission),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_open_fd),
		cmocka_unit_test(test_info_sizes),
		cmocka_unit_test(test_event_readers),
	};

	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
