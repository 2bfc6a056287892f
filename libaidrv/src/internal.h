/* SPDX-License-Identifier: MIT */
/* libaidrv: what the library's files share, not part of the API. */
#ifndef AIDRV_INTERNAL_H
#define AIDRV_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
 * event_lock makes readers of events take turns (aidrv_device_read_event()).
 */
struct aidrv_device {
	int fd;
	char *path;
	pthread_mutex_t bo_lock;
	pthread_mutex_t event_lock;
	struct aidrv_bo *bo_table[AIDRV_BO_BUCKETS];
	/* What SUBMIT accepts, from GET_INFO at open. */
	uint32_t max_submit_bos;
	uint32_t max_submit_syncs;
	uint64_t max_cs_size;
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
	void *user_ptr;			/* user memory (DRM_AIACCEL_BO_INFO_USERPTR) */
	void *map;			/* CPU mapping, if map_count */
	unsigned int map_count;
};

/* drmIoctl (restarts on EINTR/EAGAIN) with the errno as return value. */
static inline int aidrv_ioctl(struct aidrv_device *dev, unsigned long request, void *arg)
{
	return drmIoctl(dev->fd, request, arg) ? -errno : 0;
}

/*
 * Structs the library fills in: write @size bytes at @dst, the first
 * min(@size, @have) from @src and zeros after.
 */
static inline void aidrv_copy_out(void *dst, size_t size, const void *src, size_t have)
{
	memcpy(dst, src, size < have ? size : have);
	if (size > have)
		memset((char *)dst + have, 0, size - have);
}

/*
 * Structs the library reads, whose first member is their size as the
 * caller knows it: copy one into @dst (@dst_size bytes, the library's
 * struct, zeroed first).  -EINVAL if the caller's struct is shorter than
 * @min_size (the library's first version of it), -E2BIG if it is longer
 * than ours and the bytes past ours are not zero.
 */
static inline int aidrv_copy_in(void *dst, size_t dst_size, const void *src, size_t min_size)
{
	size_t size, i;

	memcpy(&size, src, sizeof(size));
	if (size < min_size)
		return -EINVAL;
	for (i = dst_size; i < size; i++)
		if (((const unsigned char *)src)[i])
			return -E2BIG;
	memset(dst, 0, dst_size);
	memcpy(dst, src, size < dst_size ? size : dst_size);
	return 0;
}

/* The absolute CLOCK_MONOTONIC deadline of a timeout, saturating. */
int64_t aidrv_deadline(int64_t timeout_ns, uint32_t flags);

/*
 * Device enumeration through sysfs (device.c), with the directories as
 * arguments so that host tests can give a tree of their own.  With
 * want >= 0, write the node path of the want-th aiaccel device to @path
 * and return 0 (-ENODEV if there are fewer); with want < 0, return the
 * count.
 */
int aidrv_scan_devices(const char *sysfs_dir, const char *dev_dir, int want,
		       char *path, size_t size);

/* One more reference to a buffer (buffer.c); returns @bo. */
struct aidrv_bo *aidrv_bo_ref(struct aidrv_bo *bo);

#endif /* AIDRV_INTERNAL_H */
