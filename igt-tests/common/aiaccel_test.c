// SPDX-License-Identifier: MIT
/*
 * Helpers shared by the aiaccel IGT tests.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt.h"
#include "aiaccel_test.h"

static bool is_aiaccel(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret;

	if (!v)
		return false;
	ret = v->name && !strcmp(v->name, "aiaccel");
	drmFreeVersion(v);
	return ret;
}

int aiaccel_open_minor(int minor)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/accel/accel%d", minor);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int aiaccel_nodes(int *minors, int max)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir("/dev/accel");
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < max) {
		int minor, fd;

		if (sscanf(d->d_name, "accel%d", &minor) != 1)
			continue;
		fd = aiaccel_open_minor(minor);
		if (fd < 0)
			continue;
		if (is_aiaccel(fd))
			minors[n++] = minor;
		close(fd);
	}
	closedir(dir);
	qsort(minors, n, sizeof(*minors), cmp_int);
	return n;
}

int aiaccel_open(int n)
{
	int minors[AIACCEL_MAX_NODES];
	int count = aiaccel_nodes(minors, AIACCEL_MAX_NODES);
	int fd;

	igt_require_f(n < count, "no aiaccel device %d (found %d)\n", n, count);
	fd = aiaccel_open_minor(minors[n]);
	igt_assert_f(fd >= 0, "open accel%d: %s\n", minors[n], strerror(-fd));
	return fd;
}

int aiaccel_get_info(int fd, struct drm_aiaccel_info *info)
{
	struct drm_aiaccel_get_info args = {
		.info_ptr = (uintptr_t)info,
		.info_size = sizeof(*info),
	};

	memset(info, 0, sizeof(*info));
	return igt_ioctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args) ? -errno : 0;
}

int aiaccel_fd_minor(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	return minor(st.st_rdev);
}

bool aiaccel_device_names(int minor, char *dev, char *parent, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", minor);
	if (!realpath(link, real))
		return false;
	snprintf(dev, len, "%s", basename(real));
	snprintf(parent, len, "%s", basename(dirname(real)));
	return true;
}

bool aiaccel_read_reg(int minor, unsigned int reg, uint32_t *val)
{
	char dev[128], parent[128], path[PATH_MAX], line[128];
	bool found = false;
	FILE *f;

	if (!aiaccel_device_names(minor, dev, parent, sizeof(dev)))
		return false;
	/* regmap names its debugfs directory "<device>-<config name>". */
	snprintf(path, sizeof(path), "/sys/kernel/debug/regmap/%s-aiaccel/registers", parent);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned int off, v;

		if (sscanf(line, "%x: %x", &off, &v) == 2 && off == reg) {
			*val = v;
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

int aiaccel_reload(const char *sim_params)
{
	char cmd[256];
	int ret;

	ret = system("modprobe -r aiaccel aiaccel_sim");
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "modprobe aiaccel_sim %s", sim_params ? sim_params : "");
	ret = system(cmd);
	if (ret)
		return ret;
	return system("modprobe aiaccel");
}
