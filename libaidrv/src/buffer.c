// SPDX-License-Identifier: MIT
/*
 * libaidrv: buffers: creation (device memory or the caller's), CPU
 * mapping, dma-buf export and import.
 *
 * The kernel gives a file one GEM handle per buffer, whatever the number
 * of imports, so the device keeps a table of its buffers by handle and an
 * import that comes back with a known handle returns the known buffer,
 * with a reference count.  The table lock is held across the import
 * ioctl and across GEM_CLOSE, so that a handle being closed by one thread
 * cannot be handed to another by a concurrent import.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "aidrv.h"
#include "internal.h"

static struct aidrv_bo **bucket(struct aidrv_device *dev, uint32_t handle)
{
	return &dev->bo_table[handle & (AIDRV_BO_BUCKETS - 1)];
}

/* Under bo_lock. */
static struct aidrv_bo *table_find(struct aidrv_device *dev, uint32_t handle)
{
	struct aidrv_bo *bo;

	for (bo = *bucket(dev, handle); bo; bo = bo->next)
		if (bo->handle == handle)
			return bo;
	return NULL;
}

/* Under bo_lock. */
static void table_add(struct aidrv_bo *bo)
{
	struct aidrv_bo **head = bucket(bo->dev, bo->handle);

	bo->next = *head;
	*head = bo;
}

/* Under bo_lock. */
static void table_del(struct aidrv_bo *bo)
{
	struct aidrv_bo **p;

	for (p = bucket(bo->dev, bo->handle); *p; p = &(*p)->next) {
		if (*p == bo) {
			*p = bo->next;
			return;
		}
	}
}

static void gem_close(struct aidrv_device *dev, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &args);
}

/* A new buffer of @handle, in the table; 0, or -ENOMEM (handle closed). */
static int bo_new(struct aidrv_device *dev, uint32_t handle, struct aidrv_bo **out)
{
	struct aidrv_bo *bo = calloc(1, sizeof(*bo));

	if (!bo) {
		gem_close(dev, handle);
		return -ENOMEM;
	}
	bo->dev = dev;
	bo->refs = 1;
	bo->handle = handle;
	*out = bo;
	return 0;
}

static void bo_publish(struct aidrv_bo *bo)
{
	pthread_mutex_lock(&bo->dev->bo_lock);
	table_add(bo);
	pthread_mutex_unlock(&bo->dev->bo_lock);
}

int aidrv_bo_create(struct aidrv_device *dev, uint64_t size, uint32_t flags,
		    struct aidrv_bo **out)
{
	struct drm_aiaccel_bo_create args = { .size = size, .flags = flags };
	struct aidrv_bo *bo;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !out)
		return -EINVAL;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_BO_CREATE, &args);
	if (!ret)
		ret = bo_new(dev, args.handle, &bo);
	if (ret)
		return ret;
	bo->flags = flags;
	bo->size = args.size;
	bo->va = args.va;
	bo->mmap_offset = args.mmap_offset;
	bo_publish(bo);
	*out = bo;
	return 0;
}

int aidrv_bo_create_userptr(struct aidrv_device *dev, void *ptr, uint64_t size,
			    uint32_t flags, struct aidrv_bo **out)
{
	struct drm_aiaccel_bo_create_userptr args = {
		.user_ptr = (uintptr_t)ptr,
		.size = size,
		.flags = flags,
	};
	struct aidrv_bo *bo;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !out)
		return -EINVAL;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &args);
	/* Drivers before 1.1 do not know the ioctl number: DRM says -EINVAL. */
	if (ret == -EINVAL) {
		int major = 0, minor = 0;

		if (!aidrv_device_driver_version(dev, &major, &minor, NULL) &&
		    major == 1 && minor < 1)
			ret = -ENOTTY;
	}
	if (!ret)
		ret = bo_new(dev, args.handle, &bo);
	if (ret)
		return ret;
	bo->flags = flags;
	bo->info_flags = DRM_AIACCEL_BO_INFO_USERPTR;
	bo->size = size;
	bo->va = args.va;
	bo->user_ptr = ptr;
	bo_publish(bo);
	*out = bo;
	return 0;
}

struct aidrv_bo *aidrv_bo_ref(struct aidrv_bo *bo)
{
	pthread_mutex_lock(&bo->dev->bo_lock);
	bo->refs++;
	pthread_mutex_unlock(&bo->dev->bo_lock);
	return bo;
}

void aidrv_bo_free(struct aidrv_bo *bo)
{
	struct aidrv_device *dev;

	if (!bo)
		return;
	dev = bo->dev;
	pthread_mutex_lock(&dev->bo_lock);
	if (--bo->refs) {
		pthread_mutex_unlock(&dev->bo_lock);
		return;
	}
	table_del(bo);
	if (bo->map_count && !bo->user_ptr)
		munmap(bo->map, bo->size);
	gem_close(dev, bo->handle);
	pthread_mutex_unlock(&dev->bo_lock);
	free(bo);
}

int aidrv_bo_map(struct aidrv_bo *bo, void **ptr)
{
	int ret = 0;

	if (!bo || !ptr)
		return -EINVAL;
	pthread_mutex_lock(&bo->dev->bo_lock);
	if (!bo->map_count && bo->user_ptr) {
		/* User memory is mapped already, where it came from. */
		bo->map = bo->user_ptr;
	} else if (!bo->map_count) {
		void *map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
				 bo->dev->fd, (off_t)bo->mmap_offset);

		if (map == MAP_FAILED)
			ret = -errno;
		else
			bo->map = map;
	}
	if (!ret) {
		bo->map_count++;
		*ptr = bo->map;
	}
	pthread_mutex_unlock(&bo->dev->bo_lock);
	return ret;
}

int aidrv_bo_unmap(struct aidrv_bo *bo)
{
	int ret = 0;

	if (!bo)
		return -EINVAL;
	pthread_mutex_lock(&bo->dev->bo_lock);
	if (!bo->map_count) {
		ret = -EINVAL;
	} else if (!--bo->map_count) {
		if (!bo->user_ptr)
			munmap(bo->map, bo->size);
		bo->map = NULL;
	}
	pthread_mutex_unlock(&bo->dev->bo_lock);
	return ret;
}

uint64_t aidrv_bo_size(const struct aidrv_bo *bo)
{
	return bo ? bo->size : 0;
}

uint64_t aidrv_bo_va(const struct aidrv_bo *bo)
{
	return bo ? bo->va : 0;
}

uint32_t aidrv_bo_handle(const struct aidrv_bo *bo)
{
	return bo ? bo->handle : 0;
}

uint32_t aidrv_bo_flags(const struct aidrv_bo *bo)
{
	return bo ? bo->flags : 0;
}

uint32_t aidrv_bo_info_flags(const struct aidrv_bo *bo)
{
	return bo ? bo->info_flags : 0;
}

struct aidrv_device *aidrv_bo_device(const struct aidrv_bo *bo)
{
	return bo ? bo->dev : NULL;
}

int aidrv_bo_export(struct aidrv_bo *bo, int *fd)
{
	int prime_fd = -1;

	if (!bo || !fd)
		return -EINVAL;
	if (drmPrimeHandleToFD(bo->dev->fd, bo->handle, DRM_CLOEXEC | DRM_RDWR, &prime_fd))
		return -errno;
	*fd = prime_fd;
	return 0;
}

int aidrv_bo_import(struct aidrv_device *dev, int fd, struct aidrv_bo **out)
{
	struct drm_aiaccel_bo_info info = { 0 };
	struct aidrv_bo *bo;
	uint32_t handle;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !out)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;

	pthread_mutex_lock(&dev->bo_lock);
	if (drmPrimeFDToHandle(dev->fd, fd, &handle)) {
		ret = -errno;
		goto out;
	}
	bo = table_find(dev, handle);
	if (bo) {
		bo->refs++;
		*out = bo;
		ret = 0;
		goto out;
	}

	info.handle = handle;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_BO_INFO, &info);
	bo = ret ? NULL : calloc(1, sizeof(*bo));
	if (!bo) {
		gem_close(dev, handle);
		ret = ret ? ret : -ENOMEM;
		goto out;
	}
	bo->dev = dev;
	bo->refs = 1;
	bo->handle = handle;
	bo->flags = info.flags;
	bo->info_flags = info.info_flags;
	bo->size = info.size;
	bo->va = info.va;
	bo->mmap_offset = info.mmap_offset;
	table_add(bo);
	*out = bo;
out:
	pthread_mutex_unlock(&dev->bo_lock);
	return ret;
}
