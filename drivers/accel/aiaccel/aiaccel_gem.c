// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: buffer objects.
 *
 * Buffers are GEM shmem objects, created here or imported from a dma-buf.
 * Their pages are pinned and DMA-mapped when the first handle is created,
 * and each file holding a handle gets the buffer mapped in its own device
 * address space (struct aiaccel_mapping); a buffer is mapped nowhere else.
 * Jobs take references on the mappings they use, so a buffer closed by
 * userspace while a job runs stays mapped until the job ends.
 *
 * Buffers created here count against the device memory budget (MEM_SIZE);
 * imported ones are the exporter's memory and do not.
 */

#include <linux/dma-buf.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/aiaccel_accel.h>

#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_mmu.h"

static void aiaccel_gem_free(struct drm_gem_object *obj)
{
	struct aiaccel_device *adev = to_aiaccel(obj->dev);
	struct aiaccel_bo *bo = to_aiaccel_bo(obj);

	drm_WARN_ON(obj->dev, !list_empty(&bo->mappings));
	if (bo->charged)
		atomic64_sub(obj->size, &adev->mem_used);
	mutex_destroy(&bo->lock);
	drm_gem_shmem_free(&bo->base);
}

/* Under bo->lock: the mapping of @bo in @vm, if any. */
static struct aiaccel_mapping *find_mapping(struct aiaccel_bo *bo, struct aiaccel_vm *vm)
{
	struct aiaccel_mapping *m;

	lockdep_assert_held(&bo->lock);
	list_for_each_entry(m, &bo->mappings, link)
		if (m->vm == vm)
			return m;
	return NULL;
}

/* A new handle in @file: map the buffer in the file's address space. */
static int aiaccel_gem_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct aiaccel_file *afile = file->driver_priv;
	struct aiaccel_bo *bo = to_aiaccel_bo(obj);
	struct aiaccel_mapping *m;
	struct sg_table *sgt;
	int ret;

	/* Pins and DMA-maps the pages once; takes the reservation lock. */
	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);

	guard(mutex)(&bo->lock);
	m = find_mapping(bo, afile->vm);
	if (m) {
		m->handles++;
		return 0;
	}

	m = kzalloc_obj(*m);
	if (!m)
		return -ENOMEM;
	ret = aiaccel_vm_map(afile->vm, sgt, obj->size,
			     !(bo->flags & DRM_AIACCEL_BO_DEVICE_READ_ONLY), &m->node);
	if (ret) {
		kfree(m);
		return ret;
	}
	kref_init(&m->refcount);
	m->handles = 1;
	m->bo = bo;
	drm_gem_object_get(obj);
	m->vm = aiaccel_vm_get(afile->vm);
	list_add_tail(&m->link, &bo->mappings);
	aiaccel_file_account(afile, obj->size);
	return 0;
}

static void aiaccel_mapping_release(struct kref *kref)
{
	struct aiaccel_mapping *m = container_of(kref, struct aiaccel_mapping, refcount);

	aiaccel_vm_unmap(m->vm, &m->node);
	aiaccel_vm_put(m->vm);
	drm_gem_object_put(&m->bo->base.base);
	kfree(m);
}

/**
 * aiaccel_gem_mapping_put() - Drop a reference to a mapping.
 * @m: The mapping, or NULL.
 *
 * The last reference unmaps the buffer from the address space.
 */
void aiaccel_gem_mapping_put(struct aiaccel_mapping *m)
{
	if (m)
		kref_put(&m->refcount, aiaccel_mapping_release);
}

/**
 * aiaccel_gem_mapping_get() - Find and reference a buffer's mapping.
 * @bo: The buffer.
 * @vm: The address space of the file asking.
 *
 * Return: the mapping with a new reference, or NULL if the file holds no
 * handle to @bo.
 */
struct aiaccel_mapping *aiaccel_gem_mapping_get(struct aiaccel_bo *bo, struct aiaccel_vm *vm)
{
	struct aiaccel_mapping *m;

	guard(mutex)(&bo->lock);
	m = find_mapping(bo, vm);
	if (m)
		kref_get(&m->refcount);
	return m;
}

/* A handle closed in @file: the last one drops the file's mapping. */
static void aiaccel_gem_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct aiaccel_file *afile = file->driver_priv;
	struct aiaccel_bo *bo = to_aiaccel_bo(obj);
	struct aiaccel_mapping *m;

	scoped_guard(mutex, &bo->lock) {
		m = find_mapping(bo, afile->vm);
		if (drm_WARN_ON(obj->dev, !m) || --m->handles)
			return;
		list_del_init(&m->link);
	}
	aiaccel_file_account(afile, -(s64)obj->size);
	aiaccel_gem_mapping_put(m);
}

/* fdinfo: pinned pages are resident (drm_show_memory_stats() finds activity). */
static enum drm_gem_object_status aiaccel_gem_status(struct drm_gem_object *obj)
{
	struct aiaccel_bo *bo = to_aiaccel_bo(obj);

	return READ_ONCE(bo->base.sgt) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

static const struct drm_gem_object_funcs aiaccel_gem_funcs = {
	.free = aiaccel_gem_free,
	.open = aiaccel_gem_open,
	.close = aiaccel_gem_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.status = aiaccel_gem_status,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * aiaccel_gem_create_object() - &drm_driver.gem_create_object hook.
 * @dev: The DRM device.
 * @size: Object size.
 *
 * Used both for buffers created here and for imported ones.
 *
 * Return: the embedded GEM object, or an ERR_PTR().
 */
struct drm_gem_object *aiaccel_gem_create_object(struct drm_device *dev, size_t size)
{
	struct aiaccel_bo *bo;

	bo = kzalloc_obj(*bo);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	/*
	 * A device that snoops the CPU caches sees what a cached mapping
	 * writes; one that does not gets write-combined CPU mappings, so no
	 * cache maintenance is needed around jobs either way.  (Imported
	 * buffers are mapped by their exporter.)
	 */
	bo->base.map_wc = !to_aiaccel(dev)->coherent;
	bo->base.base.funcs = &aiaccel_gem_funcs;
	mutex_init(&bo->lock);
	INIT_LIST_HEAD(&bo->mappings);
	return &bo->base.base;
}

/**
 * aiaccel_gem_handle_va() - The device VA of a buffer @file holds a handle to.
 * @file: The file.
 * @obj: The buffer.
 * @va: Set to the VA of the buffer in the file's address space.
 *
 * Return: 0, or -ENOENT if @file holds no handle to @obj.
 */
int aiaccel_gem_handle_va(struct drm_file *file, struct drm_gem_object *obj, u64 *va)
{
	struct aiaccel_file *afile = file->driver_priv;
	struct aiaccel_mapping *m;

	m = aiaccel_gem_mapping_get(to_aiaccel_bo(obj), afile->vm);
	if (!m)
		return -ENOENT;
	*va = aiaccel_mapping_va(m);
	aiaccel_gem_mapping_put(m);
	return 0;
}

/*
 * Take @size bytes of the device's memory budget, or fail.  The count
 * never goes past the budget, not even for a moment: a request that does
 * not fit must not make another that does fail, nor show in GET_INFO.
 */
static bool mem_reserve(struct aiaccel_device *adev, u64 size)
{
	s64 used = atomic64_read(&adev->mem_used);

	do {
		if (size > adev->hw.mem_size - used)
			return false;
	} while (!atomic64_try_cmpxchg(&adev->mem_used, &used, used + size));
	aiaccel_max64(&adev->mem_peak, used + size);
	return true;
}

int aiaccel_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct drm_aiaccel_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	u64 size;
	int ret;

	if (args->flags & ~AIACCEL_BO_FLAGS || args->pad) {
		drm_dbg_driver(drm, "BO_CREATE: bad flags 0x%x or pad\n", args->flags);
		return -EINVAL;
	}
	if (!args->size || args->size > AIACCEL_BO_MAX_SIZE) {
		drm_dbg_driver(drm, "BO_CREATE: size %llu out of range\n", args->size);
		return -EINVAL;
	}
	size = PAGE_ALIGN(args->size);

	if (!mem_reserve(adev, size))
		return -ENOMEM;
	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem)) {
		atomic64_sub(size, &adev->mem_used);
		/*
		 * shmem reports a failed inode allocation as -ENOSPC, which
		 * here means the caller's address space is full: it is memory.
		 */
		return PTR_ERR(shmem) == -ENOSPC ? -ENOMEM : PTR_ERR(shmem);
	}
	obj = &shmem->base;
	to_aiaccel_bo(obj)->charged = true;
	to_aiaccel_bo(obj)->flags = args->flags;

	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		ret = drm_gem_handle_create(file, obj, &args->handle);
	if (!ret)
		ret = aiaccel_gem_handle_va(file, obj, &args->va);
	if (!ret) {
		args->size = size;
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	}
	/* The handle, if any, holds the object now. */
	drm_gem_object_put(obj);
	return ret;
}

int aiaccel_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_aiaccel_bo_info *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		ret = aiaccel_gem_handle_va(file, obj, &args->va);
	if (!ret) {
		args->size = obj->size;
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
		args->flags = to_aiaccel_bo(obj)->flags;
		if (aiaccel_userptr_is(obj))
			args->info_flags = DRM_AIACCEL_BO_INFO_USERPTR;
		else if (drm_gem_is_imported(obj))
			args->info_flags = DRM_AIACCEL_BO_INFO_IMPORTED;
		else
			args->info_flags = 0;
	}
	drm_gem_object_put(obj);
	return ret;
}
