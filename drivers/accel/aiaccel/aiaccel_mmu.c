// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: device address spaces.
 *
 * Each open file has its own address space: a drm_mm allocator for device
 * VAs and the three-level page tables of the device MMU (see
 * Documentation/accel/aiaccel/hardware.rst) in DMA-coherent memory.  A
 * buffer is mapped at a VA of its own with an unmapped guard page after
 * it, so running off its end faults instead of reaching the next buffer.
 */

#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "aiaccel_mmu.h"
#include "aiaccel_regs.h"

/**
 * struct aiaccel_pt - One page of page table.
 * @entries: CPU view of the 512 entries.
 * @dma: Its DMA address, what the parent entry points to.
 * @used: Valid entries.
 * @child: Next-level tables (levels 0 and 1 only).
 */
struct aiaccel_pt {
	__le64 *entries;
	dma_addr_t dma;
	unsigned int used;
	struct aiaccel_pt *child[];
};

static struct aiaccel_pt *pt_alloc(struct device *dev, unsigned int level)
{
	unsigned int nchild = level < AIACCEL_PT_LEVELS - 1 ? AIACCEL_PT_ENTRIES : 0;
	struct aiaccel_pt *pt;

	pt = kzalloc_flex(*pt, child, nchild);
	if (!pt)
		return NULL;
	pt->entries = dma_alloc_coherent(dev, AIACCEL_PAGE_SIZE, &pt->dma, GFP_KERNEL);
	if (!pt->entries) {
		kfree(pt);
		return NULL;
	}
	return pt;
}

static void pt_free(struct device *dev, struct aiaccel_pt *pt, unsigned int level)
{
	unsigned int i;

	if (!pt)
		return;
	if (level < AIACCEL_PT_LEVELS - 1)
		for (i = 0; i < AIACCEL_PT_ENTRIES; i++)
			pt_free(dev, pt->child[i], level + 1);
	dma_free_coherent(dev, AIACCEL_PAGE_SIZE, pt->entries, pt->dma);
	kfree(pt);
}

static unsigned int pt_index(u64 va, unsigned int level)
{
	return (va >> (AIACCEL_PAGE_SHIFT + 9 * (AIACCEL_PT_LEVELS - 1 - level))) &
	       (AIACCEL_PT_ENTRIES - 1);
}

/* The leaf table covering @va, created on the way if @create. */
static struct aiaccel_pt *pt_leaf(struct aiaccel_vm *vm, u64 va, bool create)
{
	struct aiaccel_pt *pt = vm->root;
	unsigned int level;

	for (level = 0; level < AIACCEL_PT_LEVELS - 1; level++) {
		unsigned int i = pt_index(va, level);

		if (!pt->child[i]) {
			if (!create)
				return NULL;
			pt->child[i] = pt_alloc(vm->dev, level + 1);
			if (!pt->child[i])
				return NULL;
			WRITE_ONCE(pt->entries[i],
				   cpu_to_le64((pt->child[i]->dma & AIACCEL_PTE_ADDR) |
					       AIACCEL_PTE_VALID));
			pt->used++;
		}
		pt = pt->child[i];
	}
	return pt;
}

/**
 * aiaccel_vm_create_range() - Create an empty address space handing out
 * VAs in [@start, @end).
 * @dev: Device whose DMA addresses the page tables use.
 * @invalidate: Invalidates the device TLB after entries are cleared.
 * @data: Argument of @invalidate.
 * @start: First VA, page aligned.
 * @end: End of the range, page aligned, at most %AIACCEL_VA_END.
 *
 * Return: the address space with one reference, or an ERR_PTR().
 */
VISIBLE_IF_KUNIT struct aiaccel_vm *
aiaccel_vm_create_range(struct device *dev, aiaccel_tlb_invalidate_t invalidate,
			void *data, u64 start, u64 end)
{
	struct aiaccel_vm *vm;

	vm = kzalloc_obj(*vm);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->root = pt_alloc(dev, 0);
	if (!vm->root) {
		kfree(vm);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&vm->refcount);
	vm->dev = dev;
	vm->invalidate = invalidate;
	vm->invalidate_data = data;
	mutex_init(&vm->lock);
	vm->start = start;
	vm->end = end;
	drm_mm_init(&vm->mm, start, end - start);
	return vm;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_create_range);

/**
 * aiaccel_vm_create() - Create an empty device address space.
 * @dev: Device whose DMA addresses the page tables use.
 * @invalidate: Invalidates the device TLB after entries are cleared.
 * @data: Argument of @invalidate.
 *
 * Return: the address space with one reference, or an ERR_PTR().
 */
struct aiaccel_vm *aiaccel_vm_create(struct device *dev, aiaccel_tlb_invalidate_t invalidate,
				     void *data)
{
	return aiaccel_vm_create_range(dev, invalidate, data, AIACCEL_VA_START, AIACCEL_VA_END);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_create);

static void aiaccel_vm_release(struct kref *kref)
{
	struct aiaccel_vm *vm = container_of(kref, struct aiaccel_vm, refcount);

	/* Every mapping holds a reference: none can be left. */
	drm_mm_takedown(&vm->mm);
	pt_free(vm->dev, vm->root, 0);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/**
 * aiaccel_vm_put() - Drop a reference to an address space.
 * @vm: The address space, or NULL.
 */
void aiaccel_vm_put(struct aiaccel_vm *vm)
{
	if (vm)
		kref_put(&vm->refcount, aiaccel_vm_release);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_put);

/**
 * aiaccel_vm_get() - Take a reference to an address space.
 * @vm: The address space.
 *
 * Return: @vm.
 */
struct aiaccel_vm *aiaccel_vm_get(struct aiaccel_vm *vm)
{
	kref_get(&vm->refcount);
	return vm;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_get);

/**
 * aiaccel_vm_root() - DMA address of the level-0 table, for ring entries.
 * @vm: The address space.
 *
 * Return: the address.
 */
dma_addr_t aiaccel_vm_root(const struct aiaccel_vm *vm)
{
	return vm->root->dma;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_root);

/* Clear the PTEs of [va, va + size); the caller holds vm->lock. */
static void vm_clear(struct aiaccel_vm *vm, u64 va, u64 size)
{
	struct aiaccel_pt *leaf = NULL;
	u64 end = va + size;

	while (va < end) {
		unsigned int i = pt_index(va, AIACCEL_PT_LEVELS - 1);

		if (!leaf || !i)
			leaf = pt_leaf(vm, va, false);

		if (leaf && leaf->entries[i]) {
			WRITE_ONCE(leaf->entries[i], 0);
			leaf->used--;
		}
		va += AIACCEL_PAGE_SIZE;
	}
}

/* Map the device page at @va to @addr; the caller holds vm->lock. */
static int vm_set_pte(struct aiaccel_vm *vm, struct aiaccel_pt **leaf, u64 va,
		      dma_addr_t addr, u64 flags)
{
	unsigned int i = pt_index(va, AIACCEL_PT_LEVELS - 1);

	/* One walk from the root per leaf table, not per page. */
	if (!*leaf || !i) {
		*leaf = pt_leaf(vm, va, true);
		if (!*leaf)
			return -ENOMEM;
	}
	WRITE_ONCE((*leaf)->entries[i], cpu_to_le64((addr & AIACCEL_PTE_ADDR) | flags));
	(*leaf)->used++;
	return 0;
}

/**
 * aiaccel_vm_map() - Give a buffer a VA and map its pages there.
 * @vm: The address space.
 * @sgt: The buffer's pages, DMA-mapped for the device.
 * @size: Bytes to map, a multiple of the page size, at most what @sgt holds.
 * @writable: Map for reading and writing rather than reading only.
 * @node: Receives the VA range (size + a guard page); must be zeroed.
 *
 * The device's pages are %AIACCEL_PAGE_SIZE (4 KiB) whatever the CPU's
 * page size: each DMA segment, one or more CPU pages of 4, 16 or 64 KiB,
 * takes as many device pages as it holds.
 *
 * Return: 0; -ENOSPC if the address space is full; -EINVAL if a DMA
 * segment is not device-page aligned; -ENOMEM.
 */
int aiaccel_vm_map(struct aiaccel_vm *vm, struct sg_table *sgt, u64 size,
		   bool writable, struct drm_mm_node *node)
{
	u64 flags = AIACCEL_PTE_VALID | AIACCEL_PTE_READ | (writable ? AIACCEL_PTE_WRITE : 0);
	struct aiaccel_pt *leaf = NULL;
	struct scatterlist *sg;
	u64 va, mapped = 0;
	unsigned int n;
	int ret;

	if (!size || !IS_ALIGNED(size, AIACCEL_PAGE_SIZE))
		return -EINVAL;

	guard(mutex)(&vm->lock);
	ret = drm_mm_insert_node_in_range(&vm->mm, node, size + AIACCEL_GUARD_SIZE,
					  AIACCEL_PAGE_SIZE, 0, vm->start, vm->end,
					  DRM_MM_INSERT_BEST);
	if (ret)
		return ret;

	va = node->start;
	for_each_sgtable_dma_sg(sgt, sg, n) {
		dma_addr_t addr = sg_dma_address(sg);
		u64 len = sg_dma_len(sg), off;

		if (mapped == size)
			break;
		if (!IS_ALIGNED(addr, AIACCEL_PAGE_SIZE) || !IS_ALIGNED(len, AIACCEL_PAGE_SIZE)) {
			ret = -EINVAL;
			goto err_clear;
		}
		for (off = 0; off < len && mapped < size; off += AIACCEL_PAGE_SIZE) {
			ret = vm_set_pte(vm, &leaf, va + mapped, addr + off, flags);
			if (ret)
				goto err_clear;
			mapped += AIACCEL_PAGE_SIZE;
		}
	}
	if (mapped != size) {
		ret = -EINVAL;
		goto err_clear;
	}
	return 0;

err_clear:
	vm_clear(vm, va, mapped);
	drm_mm_remove_node(node);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_map);

/**
 * aiaccel_vm_unmap() - Unmap a buffer and give its VA range back.
 * @vm: The address space.
 * @node: The range aiaccel_vm_map() filled.
 *
 * The device forgets its cached translations before the range can be
 * handed out again.
 */
void aiaccel_vm_unmap(struct aiaccel_vm *vm, struct drm_mm_node *node)
{
	guard(mutex)(&vm->lock);
	vm_clear(vm, node->start, node->size - AIACCEL_GUARD_SIZE);
	vm->invalidate(vm->invalidate_data);
	drm_mm_remove_node(node);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_vm_unmap);
