// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the driver's device address spaces (VA allocator and page-table
 * builder), checked by walking what it builds with the hardware model's
 * own MMU: what the driver maps is what the chip sees.
 */

#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/regmap.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <kunit/device.h>
#include <kunit/test.h>

#include "aiaccel_mmu.h"
#include "sim/aiaccel_sim.h"

#define MMU_TEST_PAGES	8

struct mmu_test {
	struct aiaccel_sim sim;
	struct device *dev;
	struct regmap *regs;
	struct aiaccel_vm *vm;
	struct page *pages[MMU_TEST_PAGES];
	struct sg_table sgt;
};

static const struct aiaccel_sim_config mmu_cfg = {
	.num_engines = 1, .num_dma_channels = 1,
	.mem_size = SZ_16M, .max_clock_mhz = 100,
};

static const struct regmap_config mmu_regmap_config = {
	.reg_bits = 32,
	.reg_stride = 4,
	.val_bits = 32,
	.max_register = AIACCEL_REG_MAX,
	.reg_read = aiaccel_sim_reg_read,
	.reg_write = aiaccel_sim_reg_write,
	.fast_io = true,
};

static void mmu_test_invalidate(void *data)
{
	struct mmu_test *t = data;

	regmap_write(t->regs, AIACCEL_REG_MMU_TLB_INVALIDATE, 1);
}

static int mmu_test_init(struct kunit *test)
{
	struct mmu_test *t;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;

	KUNIT_ASSERT_EQ(test, aiaccel_sim_init(&t->sim, &mmu_cfg), 0);
	KUNIT_ASSERT_EQ(test, aiaccel_sim_start(&t->sim), 0);
	t->dev = kunit_device_register(test, "aiaccel-mmu-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->dev);
	t->dev->coherent_dma_mask = DMA_BIT_MASK(52);
	t->dev->dma_mask = &t->dev->coherent_dma_mask;
	t->regs = devm_regmap_init(t->dev, NULL, &t->sim, &mmu_regmap_config);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->regs);

	for (i = 0; i < MMU_TEST_PAGES; i++) {
		t->pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->pages[i]);
		memset(page_address(t->pages[i]), 0x10 + i, PAGE_SIZE);
	}
	KUNIT_ASSERT_EQ(test, sg_alloc_table_from_pages(&t->sgt, t->pages, MMU_TEST_PAGES, 0,
							MMU_TEST_PAGES * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, dma_map_sgtable(t->dev, &t->sgt, DMA_BIDIRECTIONAL, 0), 0);
	return 0;
}

static void mmu_test_exit(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	unsigned int i;

	aiaccel_vm_put(t->vm);
	dma_unmap_sgtable(t->dev, &t->sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(&t->sgt);
	for (i = 0; i < MMU_TEST_PAGES; i++)
		if (t->pages[i])
			__free_page(t->pages[i]);
	aiaccel_sim_stop(&t->sim);
}

/* Read one byte at @va the way the chip would; returns -EFAULT on a fault. */
static int chip_read(struct mmu_test *t, u64 va, u8 *byte)
{
	u64 fault_va;

	return aiaccel_sim_va_read(&t->sim.engines[0], aiaccel_vm_root(t->vm), va, byte, 1,
				   &fault_va);
}

static int chip_write(struct mmu_test *t, u64 va, u8 byte)
{
	u64 fault_va;

	return aiaccel_sim_va_write(&t->sim.engines[0], aiaccel_vm_root(t->vm), va, &byte, 1,
				    &fault_va);
}

static void mmu_map_is_what_the_chip_sees(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node node = {};
	unsigned int i;
	u8 byte;

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, MMU_TEST_PAGES * PAGE_SIZE, true,
					     &node), 0);
	KUNIT_EXPECT_GE(test, node.start, AIACCEL_VA_START);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(node.start, PAGE_SIZE));

	for (i = 0; i < MMU_TEST_PAGES; i++) {
		KUNIT_ASSERT_EQ(test, chip_read(t, node.start + i * PAGE_SIZE + 7, &byte), 0);
		KUNIT_EXPECT_EQ(test, byte, 0x10 + i);
	}
	/* Writable mapping: the chip's write lands in the page. */
	KUNIT_EXPECT_EQ(test, chip_write(t, node.start + PAGE_SIZE + 1, 0xee), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(t->pages[1]))[1], 0xee);

	/* The guard page after the buffer faults. */
	KUNIT_EXPECT_EQ(test, chip_read(t, node.start + MMU_TEST_PAGES * PAGE_SIZE, &byte),
			-EFAULT);
	aiaccel_vm_unmap(t->vm, &node);
}

static void mmu_read_only_mapping(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node node = {};
	u8 byte;

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, PAGE_SIZE, false, &node), 0);
	KUNIT_EXPECT_EQ(test, chip_read(t, node.start, &byte), 0);
	KUNIT_EXPECT_EQ(test, chip_write(t, node.start, 1), -EFAULT);
	aiaccel_vm_unmap(t->vm, &node);
}

static void mmu_unmap_invalidates(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node node = {};
	u64 va;
	u8 byte;

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 2 * PAGE_SIZE, true, &node), 0);
	va = node.start;
	/* Warm the chip's TLB, then unmap: the chip must not keep seeing it. */
	KUNIT_ASSERT_EQ(test, chip_read(t, va, &byte), 0);
	aiaccel_vm_unmap(t->vm, &node);
	KUNIT_EXPECT_EQ(test, chip_read(t, va, &byte), -EFAULT);
	KUNIT_EXPECT_EQ(test, chip_read(t, va + PAGE_SIZE, &byte), -EFAULT);
}

static void mmu_buffers_do_not_touch(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node a = {}, b = {};

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 3 * PAGE_SIZE, true, &a), 0);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 3 * PAGE_SIZE, true, &b), 0);
	/* Each range carries its guard page: at least one unmapped page between. */
	if (a.start < b.start)
		KUNIT_EXPECT_GE(test, b.start, a.start + 4 * PAGE_SIZE);
	else
		KUNIT_EXPECT_GE(test, a.start, b.start + 4 * PAGE_SIZE);
	aiaccel_vm_unmap(t->vm, &a);
	aiaccel_vm_unmap(t->vm, &b);
}

static void mmu_exhaustion_and_reuse(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node n[3] = {};
	u8 byte;

	/* Room for exactly two 2-page buffers with their guard pages. */
	t->vm = aiaccel_vm_create_range(t->dev, mmu_test_invalidate, t, SZ_1M,
					SZ_1M + 6 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 2 * PAGE_SIZE, true, &n[0]), 0);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 2 * PAGE_SIZE, true, &n[1]), 0);
	KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, PAGE_SIZE, true, &n[2]), -ENOSPC);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&n[2]));

	/* Freed space is reused, and maps the new pages. */
	aiaccel_vm_unmap(t->vm, &n[0]);
	KUNIT_ASSERT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, PAGE_SIZE, true, &n[2]), 0);
	KUNIT_ASSERT_EQ(test, chip_read(t, n[2].start, &byte), 0);
	KUNIT_EXPECT_EQ(test, byte, 0x10);
	aiaccel_vm_unmap(t->vm, &n[1]);
	aiaccel_vm_unmap(t->vm, &n[2]);
}

static void mmu_rejects_bad_sizes(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node node = {};

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 0, true, &node), -EINVAL);
	KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, 100, true, &node), -EINVAL);
	/* More than the pages behind it: refused, nothing left allocated. */
	KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &t->sgt, (MMU_TEST_PAGES + 1) * PAGE_SIZE,
					     true, &node), -EINVAL);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&node));
	KUNIT_EXPECT_TRUE(test, drm_mm_clean(&t->vm->mm));
}

/*
 * A kernel with 16 or 64 KiB pages hands the driver DMA segments of that
 * size: each must take as many 4 KiB device pages as it holds, in order.
 * Built here from one high-order allocation per segment, the shape such a
 * kernel's shmem gives.
 */
static void mmu_maps_large_cpu_pages(struct kunit *test)
{
	static const unsigned int seg_sizes[] = { SZ_16K, SZ_64K };
	struct mmu_test *t = test->priv;
	unsigned int s, k;

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);

	for (s = 0; s < ARRAY_SIZE(seg_sizes); s++) {
		unsigned int seg = seg_sizes[s], order = get_order(seg);
		unsigned int dev_pages = 2 * seg / AIACCEL_PAGE_SIZE;
		struct page *pages[2] = {};
		struct drm_mm_node node = {};
		struct scatterlist *sg;
		struct sg_table sgt;
		unsigned int i;
		u8 byte;

		for (i = 0; i < 2; i++) {
			pages[i] = alloc_pages(GFP_KERNEL, order);
			KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		}
		/* Device page k holds byte k at its offset 3. */
		for (k = 0; k < dev_pages; k++) {
			u8 *p = page_address(pages[k * AIACCEL_PAGE_SIZE / seg]);

			p[k * AIACCEL_PAGE_SIZE % seg + 3] = k;
		}
		KUNIT_ASSERT_EQ(test, sg_alloc_table(&sgt, 2, GFP_KERNEL), 0);
		for_each_sgtable_sg(&sgt, sg, i)
			sg_set_page(sg, pages[i], seg, 0);
		KUNIT_ASSERT_EQ(test, dma_map_sgtable(t->dev, &sgt, DMA_BIDIRECTIONAL, 0), 0);

		KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &sgt, 2 * seg, true, &node), 0);
		for (k = 0; k < dev_pages && drm_mm_node_allocated(&node); k++) {
			KUNIT_EXPECT_EQ(test, chip_read(t, node.start + k * AIACCEL_PAGE_SIZE + 3,
							&byte), 0);
			KUNIT_EXPECT_EQ_MSG(test, byte, k, "%u KiB pages, device page %u",
					    seg / SZ_1K, k);
		}
		/* Mapping fewer bytes than the segments hold stops inside one. */
		if (drm_mm_node_allocated(&node))
			aiaccel_vm_unmap(t->vm, &node);
		KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &sgt, seg + AIACCEL_PAGE_SIZE, true,
						     &node), 0);
		if (drm_mm_node_allocated(&node)) {
			KUNIT_EXPECT_EQ(test, chip_read(t, node.start + seg + 3, &byte), 0);
			KUNIT_EXPECT_EQ(test, byte, seg / AIACCEL_PAGE_SIZE);
			KUNIT_EXPECT_EQ(test, chip_read(t, node.start + seg + AIACCEL_PAGE_SIZE,
							&byte), -EFAULT);
			aiaccel_vm_unmap(t->vm, &node);
		}

		dma_unmap_sgtable(t->dev, &sgt, DMA_BIDIRECTIONAL, 0);
		sg_free_table(&sgt);
		for (i = 0; i < 2; i++)
			__free_pages(pages[i], order);
	}
}

/* A segment the device cannot address in whole pages is refused. */
static void mmu_rejects_unaligned_segment(struct kunit *test)
{
	struct mmu_test *t = test->priv;
	struct drm_mm_node node = {};
	struct sg_table sgt;

	t->vm = aiaccel_vm_create(t->dev, mmu_test_invalidate, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, sg_alloc_table(&sgt, 1, GFP_KERNEL), 0);
	sg_set_page(sgt.sgl, t->pages[0], AIACCEL_PAGE_SIZE, 512);
	KUNIT_ASSERT_EQ(test, dma_map_sgtable(t->dev, &sgt, DMA_BIDIRECTIONAL, 0), 0);
	KUNIT_EXPECT_EQ(test, aiaccel_vm_map(t->vm, &sgt, AIACCEL_PAGE_SIZE, true, &node),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, drm_mm_node_allocated(&node));
	KUNIT_EXPECT_TRUE(test, drm_mm_clean(&t->vm->mm));
	dma_unmap_sgtable(t->dev, &sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(&sgt);
}

static struct kunit_case mmu_cases[] = {
	KUNIT_CASE(mmu_map_is_what_the_chip_sees),
	KUNIT_CASE(mmu_read_only_mapping),
	KUNIT_CASE(mmu_unmap_invalidates),
	KUNIT_CASE(mmu_buffers_do_not_touch),
	KUNIT_CASE(mmu_exhaustion_and_reuse),
	KUNIT_CASE(mmu_rejects_bad_sizes),
	KUNIT_CASE(mmu_maps_large_cpu_pages),
	KUNIT_CASE(mmu_rejects_unaligned_segment),
	{}
};

static struct kunit_suite mmu_suite = {
	.name = "aiaccel_mmu",
	.init = mmu_test_init,
	.exit = mmu_test_exit,
	.test_cases = mmu_cases,
};

kunit_test_suite(mmu_suite);
