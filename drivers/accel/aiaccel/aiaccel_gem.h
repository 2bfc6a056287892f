/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: buffer objects.
 */
#ifndef __AIACCEL_GEM_H__
#define __AIACCEL_GEM_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/aiaccel_accel.h>

#include "aiaccel_mmu.h"

/* What BO_CREATE accepts, reported by GET_INFO (struct drm_aiaccel_info). */
#define AIACCEL_BO_FLAGS	DRM_AIACCEL_BO_DEVICE_READ_ONLY
#define AIACCEL_BO_MAX_SIZE	(AIACCEL_VA_END - AIACCEL_VA_START)

struct aiaccel_vm;
struct drm_device;
struct drm_file;

/**
 * struct aiaccel_bo - A buffer object: GEM shmem pages plus their device
 * mappings, one per address space of a file that holds a handle.
 * @base: The shmem object.
 * @flags: DRM_AIACCEL_BO_* creation flags.
 * @charged: Counts against the device memory budget (created here, not
 *	imported).
 * @lock: Protects @mappings.
 * @mappings: &struct aiaccel_mapping list.
 */
struct aiaccel_bo {
	struct drm_gem_shmem_object base;
	u32 flags;
	bool charged;
	struct mutex lock; /* @mappings */
	struct list_head mappings;
};

/**
 * struct aiaccel_mapping - A buffer mapped in one address space.
 * @refcount: One for the handles of the file that owns @vm, one per job
 *	using the mapping; the last put unmaps.
 * @handles: Handles the owning file holds (under bo->lock).
 * @link: In bo->mappings while handles exist (under bo->lock).
 * @bo: The buffer, referenced.
 * @vm: The address space, referenced.
 * @node: The VA range, including the guard page.
 */
struct aiaccel_mapping {
	struct kref refcount;
	unsigned int handles;
	struct list_head link;
	struct aiaccel_bo *bo;
	struct aiaccel_vm *vm;
	struct drm_mm_node node;
};

static inline struct aiaccel_bo *to_aiaccel_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct aiaccel_bo, base);
}

static inline u64 aiaccel_mapping_va(const struct aiaccel_mapping *m)
{
	return m->node.start;
}

struct drm_gem_object *aiaccel_gem_create_object(struct drm_device *dev, size_t size);
struct aiaccel_mapping *aiaccel_gem_mapping_get(struct aiaccel_bo *bo, struct aiaccel_vm *vm);
void aiaccel_gem_mapping_put(struct aiaccel_mapping *m);
int aiaccel_gem_handle_va(struct drm_file *file, struct drm_gem_object *obj, u64 *va);
bool aiaccel_userptr_is(struct drm_gem_object *obj);

int aiaccel_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file);
int aiaccel_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file);
int aiaccel_ioctl_bo_create_userptr(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __AIACCEL_GEM_H__ */
