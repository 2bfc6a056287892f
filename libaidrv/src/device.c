// SPDX-License-Identifier: MIT
/*
 * libaidrv: versions, finding and opening aiaccel devices, querying them,
 * and their completion events.
 *
 * Devices are found in sysfs: /sys/class/accel/accelN is an accel node,
 * and its device's driver link names the driver bound to it.  Nothing is
 * opened to find out, so a node of another driver is never touched and a
 * node the caller may not open is still found (opening it then fails with
 * the real reason, -EACCES).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "aidrv.h"
#include "internal.h"

#define STR_(x) #x
#define STR(x) STR_(x)

unsigned int aidrv_version(void)
{
	return AIDRV_VERSION;
}

const char *aidrv_version_string(void)
{
	return STR(AIDRV_VERSION_MAJOR) "." STR(AIDRV_VERSION_MINOR) "."
	       STR(AIDRV_VERSION_MICRO);
}

const char *aidrv_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}

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

/* Make a handle of @fd (which it takes over) opened from @path. */
static int device_new(int fd, const char *path, struct aidrv_device **out)
{
	struct drm_aiaccel_info info = { 0 };
	struct drm_aiaccel_get_info gi = {
		.info_ptr = (uintptr_t)&info,
		.info_size = sizeof(info),
	};
	struct aidrv_device *dev;
	int ret;

	if (!is_aiaccel(fd)) {
		close(fd);
		return -ENODEV;
	}
	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, &gi)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	dev = calloc(1, sizeof(*dev));
	if (dev)
		dev->path = strdup(path);
	if (!dev || !dev->path) {
		free(dev);
		close(fd);
		return -ENOMEM;
	}
	dev->fd = fd;
	dev->max_submit_bos = info.max_submit_bos;
	dev->max_submit_syncs = info.max_submit_syncs;
	dev->max_cs_size = info.max_cs_size;
	pthread_mutex_init(&dev->bo_lock, NULL);
	pthread_mutex_init(&dev->event_lock, NULL);
	*out = dev;
	return 0;
}

int aidrv_device_open_path(const char *path, struct aidrv_device **out)
{
	int fd;

	if (out)
		*out = NULL;
	if (!path || !out)
		return -EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return device_new(fd, path, out);
}

int aidrv_device_open_fd(int fd, struct aidrv_device **out)
{
	char link[64], target[256], path[AIDRV_PATH_MAX];
	struct stat st;
	const char *name;
	ssize_t n;
	int dup_fd;

	if (out)
		*out = NULL;
	if (!out)
		return -EINVAL;
	if (fd < 0 || fstat(fd, &st))
		return -EBADF;
	if (!S_ISCHR(st.st_mode))
		return -ENODEV;
	/* The node's name: /sys/dev/char/MAJ:MIN links to .../accel/accelN. */
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -ENODEV;
	target[n] = '\0';
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	if (strncmp(name, "accel", 5) ||
	    snprintf(path, sizeof(path), "%s/%s", AIDRV_ACCEL_DIR, name) >= (int)sizeof(path))
		return -ENODEV;

	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return -errno;
	return device_new(dup_fd, path, out);
}

void aidrv_device_close(struct aidrv_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	pthread_mutex_destroy(&dev->bo_lock);
	pthread_mutex_destroy(&dev->event_lock);
	free(dev->path);
	free(dev);
}

int aidrv_device_fd(const struct aidrv_device *dev)
{
	return dev ? dev->fd : -1;
}

const char *aidrv_device_path(const struct aidrv_device *dev)
{
	return dev ? dev->path : NULL;
}

/* accelN entries in minor order. */
static int accel_minor(const struct dirent *d)
{
	char *end;
	long n;

	if (strncmp(d->d_name, "accel", 5) != 0)
		return -1;
	n = strtol(d->d_name + 5, &end, 10);
	if (end == d->d_name + 5 || *end || n < 0 || n > 65535)
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

/* Is the driver of <sysfs_dir>/<name>/device aiaccel? */
static int sysfs_is_aiaccel(const char *sysfs_dir, const char *name)
{
	char link[512], target[512];
	const char *driver;
	ssize_t n;

	snprintf(link, sizeof(link), "%s/%s/device/driver", sysfs_dir, name);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	driver = strrchr(target, '/');
	driver = driver ? driver + 1 : target;
	return strcmp(driver, AIDRV_DRIVER_NAME) == 0;
}

int aidrv_scan_devices(const char *sysfs_dir, const char *dev_dir, int want,
		       char *path, size_t size)
{
	struct dirent **names;
	int n, i, found = 0, ret = -ENODEV;

	n = scandir(sysfs_dir, &names, accel_filter, accel_compare);
	if (n < 0)
		/* No accel class: no accel driver loaded, no device. */
		return errno == ENOENT ? (want >= 0 ? -ENODEV : 0) : -errno;

	for (i = 0; i < n; i++) {
		if (!sysfs_is_aiaccel(sysfs_dir, names[i]->d_name))
			continue;
		if (want >= 0 && found == want) {
			ret = snprintf(path, size, "%s/%s", dev_dir, names[i]->d_name)
			      >= (int)size ? -ENAMETOOLONG : 0;
			break;
		}
		found++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return want >= 0 ? ret : found;
}

int aidrv_device_count(void)
{
	return aidrv_scan_devices(AIDRV_SYSFS_ACCEL_DIR, AIDRV_ACCEL_DIR, -1, NULL, 0);
}

int aidrv_device_node(unsigned int index, char *path, size_t size)
{
	if (!path || index > 65535)
		return path ? -ENODEV : -EINVAL;
	return aidrv_scan_devices(AIDRV_SYSFS_ACCEL_DIR, AIDRV_ACCEL_DIR, (int)index,
				  path, size);
}

int aidrv_device_open_index(unsigned int index, struct aidrv_device **out)
{
	char path[AIDRV_PATH_MAX];
	int ret;

	if (out)
		*out = NULL;
	if (!out)
		return -EINVAL;
	ret = aidrv_device_node(index, path, sizeof(path));
	if (ret)
		return ret;
	return aidrv_device_open_path(path, out);
}

int aidrv_device_open(const char *name, struct aidrv_device **out)
{
	unsigned long index;
	char *end;

	if (!name || !*name)
		return aidrv_device_open_index(0, out);
	errno = 0;
	index = strtoul(name, &end, 10);
	if (name[0] >= '0' && name[0] <= '9' && !*end) {
		if (errno || index > 65535) {
			if (out)
				*out = NULL;
			return -ENODEV;
		}
		return aidrv_device_open_index((unsigned int)index, out);
	}
	return aidrv_device_open_path(name, out);
}

int aidrv_device_get_info(struct aidrv_device *dev, struct drm_aiaccel_info *info,
			  size_t size)
{
	struct drm_aiaccel_info mine = { 0 };
	struct drm_aiaccel_get_info args = {
		.info_ptr = (uintptr_t)&mine,
		.info_size = sizeof(mine),
	};
	int ret;

	if (!dev || !info)
		return -EINVAL;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_GET_INFO, &args);
	if (!ret)
		aidrv_copy_out(info, size, &mine, sizeof(mine));
	return ret;
}

int aidrv_device_get_stats(struct aidrv_device *dev, struct drm_aiaccel_stats *stats,
			   size_t size)
{
	struct drm_aiaccel_stats mine = { 0 };
	struct drm_aiaccel_get_stats args = {
		.stats_ptr = (uintptr_t)&mine,
		.stats_size = sizeof(mine),
	};
	int ret;

	if (!dev || !stats)
		return -EINVAL;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_GET_STATS, &args);
	if (!ret)
		aidrv_copy_out(stats, size, &mine, sizeof(mine));
	return ret;
}

int aidrv_device_driver_version(struct aidrv_device *dev, int *major, int *minor, int *patch)
{
	drmVersionPtr v;

	if (!dev)
		return -EINVAL;
	v = drmGetVersion(dev->fd);
	if (!v)
		return errno ? -errno : -EIO;
	if (major)
		*major = v->version_major;
	if (minor)
		*minor = v->version_minor;
	if (patch)
		*patch = v->version_patchlevel;
	drmFreeVersion(v);
	return 0;
}

int aidrv_device_get_power(struct aidrv_device *dev, struct drm_aiaccel_power *power,
			   size_t size)
{
	struct drm_aiaccel_power mine = { 0 };
	int ret;

	if (!dev || !power)
		return -EINVAL;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_POWER, &mine);
	if (!ret)
		aidrv_copy_out(power, size, &mine, sizeof(mine));
	return ret;
}

int aidrv_device_set_power(struct aidrv_device *dev, uint32_t mode)
{
	struct drm_aiaccel_power args = { .flags = DRM_AIACCEL_POWER_SET, .mode = mode };

	if (!dev)
		return -EINVAL;
	return aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_POWER, &args);
}

/* Milliseconds from now until an absolute deadline, for poll(). */
static int deadline_ms(int64_t abs_ns)
{
	int64_t left;

	if (abs_ns == INT64_MAX)
		return -1;
	left = abs_ns - aidrv_now_ns();
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > 1000000000 ? 1000000000 : (int)left;
}

/* Take the event lock by an absolute deadline. */
static int lock_by(pthread_mutex_t *lock, int64_t abs_ns)
{
	struct timespec ts;
	int ret;

	if (abs_ns == INT64_MAX)
		return -pthread_mutex_lock(lock);
	ts.tv_sec = abs_ns / AIDRV_NSEC_PER_SEC;
	ts.tv_nsec = abs_ns % AIDRV_NSEC_PER_SEC;
	ret = pthread_mutex_clocklock(lock, CLOCK_MONOTONIC, &ts);
	return ret == ETIMEDOUT ? -ETIME : -ret;
}

/*
 * The lock makes readers take turns: the one holding it polls, and what
 * poll() announced is still there when it reads, as no other reader of
 * the library can have taken it; so read() does not block, whatever the
 * fd's O_NONBLOCK.  DRM's read() returns as many whole events as fit in
 * the buffer, so the buffer is one event long.
 */
int aidrv_device_read_event(struct aidrv_device *dev, struct drm_aiaccel_event_job *ev,
			    size_t size, int64_t timeout_ns, uint32_t flags)
{
	int64_t abs = aidrv_deadline(timeout_ns, flags);
	struct drm_aiaccel_event_job buf;
	struct pollfd pfd;
	ssize_t n;
	int ret;

	if (!dev || !ev || flags & ~AIDRV_WAIT_ABSOLUTE)
		return -EINVAL;
	ret = lock_by(&dev->event_lock, abs);
	if (ret)
		return ret;
	pfd.fd = dev->fd;
	pfd.events = POLLIN;
	for (;;) {
		pfd.revents = 0;
		ret = poll(&pfd, 1, deadline_ms(abs));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = -errno;
			break;
		}
		if (ret == 0) {
			ret = -ETIME;
			break;
		}
		n = read(dev->fd, &buf, sizeof(buf));
		/* Read outside the library after all, or a signal: poll again. */
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		/* 0: the next event is longer than any this library knows. */
		if ((size_t)n != sizeof(buf) || buf.base.type != DRM_AIACCEL_EVENT_JOB_DONE ||
		    buf.base.length != sizeof(buf)) {
			ret = -EPROTO;
			break;
		}
		aidrv_copy_out(ev, size, &buf, sizeof(buf));
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&dev->event_lock);
	return ret;
}
