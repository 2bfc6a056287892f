/* SPDX-License-Identifier: MIT */
/* libaidrv: what the library's files share, not part of the API. */
#ifndef AIDRV_INTERNAL_H
#define AIDRV_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <xf86drm.h>

#define AIDRV_PATH_MAX 64
/* Buckets of a device's buffer table, a power of two. */
#define AIDRV_BO_BUCKETS 256

struct aidrv_bo;

/*
 * bo_lock protects bo_table and every buffer's refs, map and map_count.
 * The table holds every buffer of the device by GEM handle, so that an
 * import which the kernel answers with a handle we already have returns
 * the same struct aidrv_bo instead of a second owner of the handle.
 */
struct aidrv_device {
	int fd;
	char *path;
	pthread_mutex_t bo_lock;
	struct aidrv_bo *bo_table[AIDRV_BO_BUCKETS];
};

struct aidrv_bo {
	struct aidrv_device *dev;
	struct aidrv_bo *next;		/* bucket chain */
	unsigned int refs;		/* aidrv_bo_create/import calls not yet freed */
	uint32_t handle;
	uint32_t flags;			/* DRM_AIACCEL_BO_* */
	uint32_t info_flags;		/* DRM_AIACCEL_BO_INFO_* */
	uint64_t size;
	uint64_t va;
	uint64_t mmap_offset;
	void *map;			/* CPU mapping, if map_count */
	unsigned int map_count;
};

/* drmIoctl (restarts on EINTR/EAGAIN) with the errno as return value. */
static inline int aidrv_ioctl(struct aidrv_device *dev, unsigned long request, void *arg)
{
	return drmIoctl(dev->fd, request, arg) ? -errno : 0;
}

#endif /* AIDRV_INTERNAL_H */
