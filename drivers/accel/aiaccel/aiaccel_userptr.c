// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: buffers of user memory (DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR).
 *
 * The caller's pages are pinned long term and wrapped in a dma-buf of our
 * own, which is then imported like any foreign dma-buf: the buffer gets a
 * GEM object, a handle and a mapping in the file's address space through
 * the same paths as a camera frame, and jobs use it the same way.  The
 * dma-buf owns the pins: its release, once the GEM object (and so every
 * job and every exported fd) is done with it, unpins the pages and gives
 * back what was counted against the creator's RLIMIT_MEMLOCK.
 *
 * Pins are counted in mm->pinned_vm, as RDMA and io_uring count theirs,
 * against RLIMIT_MEMLOCK unless the caller has CAP_IPC_LOCK.  The count
 * belongs to the creating process's mm, which the dma-buf keeps
 * (mmgrab()) for as long as the pins exist.
 */

#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/aiaccel_accel.h>

#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_mmu.h"

/* The dma-buf core's exports for exporters. */
MODULE_IMPORT_NS("DMA_BUF");

/**
 * struct aiaccel_userptr - The pinned pages behind a user-memory buffer.
 * @pages: The pages, pinned with FOLL_LONGTERM.
 * @npages: Number of @pages.
 * @writable: Pinned for writing (not DEVICE_READ_ONLY): dirty on unpin.
 * @mm: The creator's mm, whose pinned_vm counts @npages.
 */
struct aiaccel_userptr {
	struct page **pages;
	unsigned long npages;
	bool writable;
	struct mm_struct *mm;
};

/* Each attachment gets an sg table of its own, mapped for its device. */
static struct sg_table *aiaccel_userptr_map(struct dma_buf_attachment *attach,
					    enum dma_data_direction dir)
{
	struct aiaccel_userptr *up = attach->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc_obj(*sgt);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages(sgt, up->pages, up->npages, 0,
					up->npages << PAGE_SHIFT, GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(attach->dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void aiaccel_userptr_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
				  enum dma_data_direction dir)
{
	dma_unmap_sgtable(attach->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

/* For importers that read the buffer with the CPU (e.g. a KMS driver). */
static int aiaccel_userptr_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct aiaccel_userptr *up = dmabuf->priv;
	void *vaddr;

	vaddr = vmap(up->pages, up->npages, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void aiaccel_userptr_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	vunmap(map->vaddr);
}

static void aiaccel_userptr_release(struct dma_buf *dmabuf)
{
	struct aiaccel_userptr *up = dmabuf->priv;

	unpin_user_pages_dirty_lock(up->pages, up->npages, up->writable);
	atomic64_sub(up->npages, &up->mm->pinned_vm);
	mmdrop(up->mm);
	kvfree(up->pages);
	kfree(up);
}

static const struct dma_buf_ops aiaccel_userptr_dmabuf_ops = {
	.map_dma_buf = aiaccel_userptr_map,
	.unmap_dma_buf = aiaccel_userptr_unmap,
	.vmap = aiaccel_userptr_vmap,
	.vunmap = aiaccel_userptr_vunmap,
	.release = aiaccel_userptr_release,
};

/**
 * aiaccel_userptr_is() - Is a buffer made of user memory?
 * @obj: The GEM object.
 *
 * Return: true for a buffer of DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR.
 */
bool aiaccel_userptr_is(struct drm_gem_object *obj)
{
	return drm_gem_is_imported(obj) &&
	       obj->import_attach->dmabuf->ops == &aiaccel_userptr_dmabuf_ops;
}

/* Count @npages against the caller's RLIMIT_MEMLOCK, as RDMA does. */
static int account_pinned(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	u64 pinned;

	pinned = atomic64_add_return(npages, &mm->pinned_vm);
	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

/* Pin the range and wrap it in a dma-buf that owns the pins. */
static struct dma_buf *userptr_dmabuf(struct drm_device *drm, unsigned long start,
				      unsigned long npages, bool writable)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct mm_struct *mm = current->mm;
	struct aiaccel_userptr *up;
	struct dma_buf *dmabuf;
	long pinned;
	int ret;

	ret = account_pinned(mm, npages);
	if (ret) {
		drm_dbg_driver(drm, "BO_CREATE_USERPTR: %lu pages past RLIMIT_MEMLOCK\n",
			       npages);
		return ERR_PTR(ret);
	}
	up = kzalloc_obj(*up);
	if (!up) {
		ret = -ENOMEM;
		goto err_unaccount;
	}
	/* Up to 2^27 pointers for the largest range: may well not be there. */
	up->pages = kvmalloc_objs(*up->pages, npages, GFP_KERNEL | __GFP_NOWARN);
	if (!up->pages) {
		ret = -ENOMEM;
		goto err_free;
	}

	pinned = pin_user_pages_fast(start, (int)npages,
				     FOLL_LONGTERM | (writable ? FOLL_WRITE : 0), up->pages);
	if (pinned != npages) {
		drm_dbg_driver(drm, "BO_CREATE_USERPTR: pinned %ld of %lu pages\n",
			       pinned, npages);
		if (pinned > 0)
			unpin_user_pages(up->pages, pinned);
		/* Else part of the range is unmapped or cannot be pinned. */
		ret = pinned == -ENOMEM ? -ENOMEM : -EFAULT;
		goto err_free;
	}
	up->npages = npages;
	up->writable = writable;
	mmgrab(mm);
	up->mm = mm;

	exp_info.ops = &aiaccel_userptr_dmabuf_ops;
	exp_info.size = npages << PAGE_SHIFT;
	exp_info.flags = O_RDWR | O_CLOEXEC;
	exp_info.priv = up;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_unpin;
	}
	return dmabuf;

err_unpin:
	mmdrop(mm);
	unpin_user_pages(up->pages, npages);
err_free:
	kvfree(up->pages);
	kfree(up);
err_unaccount:
	atomic64_sub(npages, &mm->pinned_vm);
	return ERR_PTR(ret);
}

int aiaccel_ioctl_bo_create_userptr(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_aiaccel_bo_create_userptr *args = data;
	struct drm_gem_object *obj;
	struct dma_buf *dmabuf;
	int ret;

	if (args->flags & ~DRM_AIACCEL_BO_DEVICE_READ_ONLY || args->pad) {
		drm_dbg_driver(drm, "BO_CREATE_USERPTR: bad flags 0x%x or pad\n", args->flags);
		return -EINVAL;
	}
	/* The caller's mapping is cached: only a coherent device shares it. */
	if (!to_aiaccel(drm)->coherent) {
		drm_dbg_driver(drm, "BO_CREATE_USERPTR: device is not DMA-coherent\n");
		return -EOPNOTSUPP;
	}
	if (!args->user_ptr || !PAGE_ALIGNED(args->user_ptr) ||
	    !args->size || !PAGE_ALIGNED(args->size) ||
	    args->size > AIACCEL_VA_END - AIACCEL_VA_START) {
		drm_dbg_driver(drm, "BO_CREATE_USERPTR: bad range 0x%llx + %llu\n",
			       args->user_ptr, args->size);
		return -EINVAL;
	}
	if (!access_ok(u64_to_user_ptr(args->user_ptr), args->size))
		return -EFAULT;

	dmabuf = userptr_dmabuf(drm, args->user_ptr, args->size >> PAGE_SHIFT,
				!(args->flags & DRM_AIACCEL_BO_DEVICE_READ_ONLY));
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	/* Not one of our GEM exports: imported through the attach path. */
	obj = drm_gem_prime_import(drm, dmabuf);
	if (IS_ERR(obj)) {
		dma_buf_put(dmabuf);
		return PTR_ERR(obj);
	}
	/*
	 * As DRM_IOCTL_PRIME_FD_TO_HANDLE leaves an import: our reference
	 * goes to the handles, dropped with the last one, and an mmap() of
	 * the object reaches the dma-buf (which refuses it).
	 */
	obj->dma_buf = dmabuf;
	/* Read by aiaccel_gem_open() when the handle maps the buffer. */
	to_aiaccel_bo(obj)->flags = args->flags;

	ret = drm_gem_handle_create(file, obj, &args->handle);
	if (!ret)
		ret = aiaccel_gem_handle_va(file, obj, &args->va);
	drm_gem_object_put(obj);
	return ret;
}
