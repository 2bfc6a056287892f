/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: device address spaces (per-file page tables and VA allocator).
 */
#ifndef __AIACCEL_MMU_H__
#define __AIACCEL_MMU_H__

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include <drm/drm_mm.h>

#include "aiaccel_regs.h"

struct aiaccel_pt;
struct device;
struct sg_table;

/**
 * typedef aiaccel_tlb_invalidate_t - Make the device forget translations.
 * @data: The argument given to aiaccel_vm_create().
 *
 * Returns once the device holds no translation of a cleared entry.
 */
typedef void (*aiaccel_tlb_invalidate_t)(void *data);

/*
 * VAs handed out: the first 1 MiB stays unmapped, so small offsets from a
 * null VA fault.
 */
#define AIACCEL_VA_START	SZ_1M
#define AIACCEL_VA_END		BIT_ULL(AIACCEL_VA_BITS)
#define AIACCEL_GUARD_SIZE	AIACCEL_PAGE_SIZE

/**
 * struct aiaccel_vm - One device address space.
 * @refcount: Held by the owning file and by every mapping in it.
 * @dev: Device the page tables are DMA-mapped for.
 * @invalidate: Invalidates the device TLB.
 * @invalidate_data: Its argument.
 * @lock: Protects @mm and the page tables.
 * @mm: VA allocator.
 * @root: Level-0 page table.
 * @start: First VA handed out.
 * @end: End of the VA range handed out.
 */
struct aiaccel_vm {
	struct kref refcount;
	struct device *dev;
	aiaccel_tlb_invalidate_t invalidate;
	void *invalidate_data;
	struct mutex lock; /* @mm, page tables */
	struct drm_mm mm;
	struct aiaccel_pt *root;
	u64 start;
	u64 end;
};

struct aiaccel_vm *aiaccel_vm_create(struct device *dev, aiaccel_tlb_invalidate_t invalidate,
				     void *data);
struct aiaccel_vm *aiaccel_vm_get(struct aiaccel_vm *vm);
void aiaccel_vm_put(struct aiaccel_vm *vm);
dma_addr_t aiaccel_vm_root(const struct aiaccel_vm *vm);
int aiaccel_vm_map(struct aiaccel_vm *vm, struct sg_table *sgt, u64 size,
		   bool writable, struct drm_mm_node *node);
void aiaccel_vm_unmap(struct aiaccel_vm *vm, struct drm_mm_node *node);

#if IS_ENABLED(CONFIG_KUNIT)
struct aiaccel_vm *aiaccel_vm_create_range(struct device *dev, aiaccel_tlb_invalidate_t invalidate,
					   void *data, u64 start, u64 end);
#endif

#endif /* __AIACCEL_MMU_H__ */
