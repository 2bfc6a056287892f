// SPDX-License-Identifier: MIT
/*
 * libaidrv: finding, opening and querying aiaccel devices.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "aidrv.h"
#include "internal.h"

/* True if fd is a DRM node whose driver is aiaccel. */
static int is_aiaccel(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ret;

	if (!v)
		return 0;
	ret = v->name && strcmp(v->name, AIDRV_DRIVER_NAME) == 0;
	drmFreeVersion(v);
	return ret;
}

int aidrv_open_path(const char *path, struct aidrv_device **out)
{
	struct aidrv_device *dev;
	int fd;

	if (!path || !out)
		return -EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!is_aiaccel(fd)) {
		close(fd);
		return -ENODEV;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		close(fd);
		return -ENOMEM;
	}
	dev->fd = fd;
	dev->path = strdup(path);
	if (!dev->path) {
		close(fd);
		free(dev);
		return -ENOMEM;
	}
	pthread_mutex_init(&dev->bo_lock, NULL);
	*out = dev;
	return 0;
}

void aidrv_close(struct aidrv_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	pthread_mutex_destroy(&dev->bo_lock);
	free(dev->path);
	free(dev);
}

int aidrv_fd(const struct aidrv_device *dev)
{
	return dev->fd;
}

const char *aidrv_path(const struct aidrv_device *dev)
{
	return dev->path;
}

/* accelN nodes in minor order. */
static int accel_minor(const struct dirent *d)
{
	char *end;
	long n;

	if (strncmp(d->d_name, "accel", 5) != 0)
		return -1;
	n = strtol(d->d_name + 5, &end, 10);
	if (end == d->d_name + 5 || *end || n < 0)
		return -1;
	return (int)n;
}

static int accel_filter(const struct dirent *d)
{
	return accel_minor(d) >= 0;
}

static int accel_compare(const struct dirent **a, const struct dirent **b)
{
	return accel_minor(*a) - accel_minor(*b);
}

/*
 * Walk the aiaccel nodes in minor order.  With want >= 0, open the want-th
 * one into *out; otherwise count them.  Nodes we may not open are skipped
 * when counting but reported when they are the one asked for.
 */
static int walk_devices(int want, struct aidrv_device **out)
{
	struct dirent **names;
	int n, i, found = 0, ret = -ENODEV;

	n = scandir(AIDRV_ACCEL_DIR, &names, accel_filter, accel_compare);
	if (n < 0)
		return -errno;

	for (i = 0; i < n; i++) {
		char path[AIDRV_PATH_MAX];
		struct aidrv_device *dev;
		int err;

		snprintf(path, sizeof(path), "%s/accel%d", AIDRV_ACCEL_DIR,
			 accel_minor(names[i]));
		err = aidrv_open_path(path, &dev);
		if (err == -ENODEV)
			continue;
		if (err) {
			/* Unreadable node: cannot tell whose it is. */
			if (want >= 0 && found == want) {
				ret = err;
				break;
			}
			continue;
		}
		if (want >= 0 && found == want) {
			*out = dev;
			ret = 0;
			break;
		}
		aidrv_close(dev);
		found++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return want >= 0 ? ret : found;
}

int aidrv_count_devices(void)
{
	return walk_devices(-1, NULL);
}

int aidrv_open_index(unsigned int index, struct aidrv_device **out)
{
	if (!out || index > 255)
		return -EINVAL;
	return walk_devices((int)index, out);
}

int aidrv_get_info(struct aidrv_device *dev, struct drm_aiaccel_info *info)
{
	struct drm_aiaccel_get_info args = {
		.info_ptr = (uintptr_t)info,
		.info_size = sizeof(*info),
	};

	if (!dev || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	return aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_GET_INFO, &args);
}

int aidrv_driver_version(struct aidrv_device *dev, int *major, int *minor, int *patch)
{
	drmVersionPtr v;

	if (!dev)
		return -EINVAL;
	v = drmGetVersion(dev->fd);
	if (!v)
		return -errno ? -errno : -EIO;
	if (major)
		*major = v->version_major;
	if (minor)
		*minor = v->version_minor;
	if (patch)
		*patch = v->version_patchlevel;
	drmFreeVersion(v);
	return 0;
}

const char *aidrv_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}
