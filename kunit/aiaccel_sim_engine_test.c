// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the hardware model's engines, MMU and rings, driven through
 * registers and memory exactly as a driver would, with page tables,
 * rings and command streams built here.
 */

#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kunit/test.h>

#include <drm/aiaccel_isa.h>

#include "aiaccel_kunit_ops.h"
#include "sim/aiaccel_sim.h"
#include "sim/aiaccel_sim_ops.h"
#include "aiaccel_ref.h"

#define ENG_MAX_PAGES	256
#define ENG_MAX_BUFS	32

struct eng_test {
	struct aiaccel_sim sim;
	struct page *pages[ENG_MAX_PAGES];
	unsigned int npages;
	u64 root;
	struct aiaccel_ring_entry *ring[AIACCEL_MAX_QUEUES];
	u32 ring_size[AIACCEL_MAX_QUEUES];
	u32 tail[AIACCEL_MAX_QUEUES];
	int raised;
	void *bufs[ENG_MAX_BUFS];
	unsigned int nbufs;
};

static const struct aiaccel_sim_config eng_cfg = {
	.num_engines = 2, .num_dma_channels = 1,
	.mem_size = SZ_64M, .max_clock_mhz = 1000,
};

/* A zeroed page the chip can reach; its "DMA address" is its physical one. */
static struct page *eng_page(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct page *p;

	KUNIT_ASSERT_LT(test, t->npages, ENG_MAX_PAGES);
	p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	t->pages[t->npages++] = p;
	return p;
}

static u64 *pt_slot(struct kunit *test, u64 va, unsigned int level_stop)
{
	struct eng_test *t = test->priv;
	u64 table = t->root;
	unsigned int level;

	for (level = 0;; level++) {
		unsigned int shift = AIACCEL_PAGE_SHIFT + 9 * (AIACCEL_PT_LEVELS - 1 - level);
		u64 *entries = phys_to_virt(table);
		u64 *slot = &entries[(va >> shift) & (AIACCEL_PT_ENTRIES - 1)];

		if (level == level_stop)
			return slot;
		if (!(*slot & AIACCEL_PTE_VALID))
			*slot = page_to_phys(eng_page(test)) | AIACCEL_PTE_VALID;
		table = *slot & AIACCEL_PTE_ADDR;
	}
}

/* Map a page at @va with @flags (READ/WRITE) and return its kernel address. */
static void *eng_map(struct kunit *test, u64 va, u64 flags)
{
	struct page *p = eng_page(test);

	*pt_slot(test, va, AIACCEL_PT_LEVELS - 1) = page_to_phys(p) | AIACCEL_PTE_VALID | flags;
	return page_address(p);
}

/*
 * @size bytes at @va (page aligned) mapped with @flags; returns the kernel
 * address of the zeroed memory behind them.  With @backing, only that
 * many pages back the range, each mapped again and again: for ops too
 * large to hold whose results do not matter.
 */
static void *eng_map_buf(struct kunit *test, u64 va, size_t size, u64 flags,
			 size_t backing)
{
	struct eng_test *t = test->priv;
	size_t mem = backing ? backing * PAGE_SIZE : PAGE_ALIGN(size);
	size_t off;
	u8 *buf;

	KUNIT_ASSERT_LT(test, t->nbufs, ENG_MAX_BUFS);
	buf = vzalloc(mem);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	t->bufs[t->nbufs++] = buf;
	for (off = 0; off < size; off += PAGE_SIZE)
		*pt_slot(test, va + off, AIACCEL_PT_LEVELS - 1) =
			page_to_phys(vmalloc_to_page(buf + off % mem)) |
			AIACCEL_PTE_VALID | flags;
	return buf;
}

static u32 rd(struct kunit *test, unsigned int reg)
{
	struct eng_test *t = test->priv;
	unsigned int val;

	KUNIT_ASSERT_EQ(test, aiaccel_sim_reg_read(&t->sim, reg, &val), 0);
	return val;
}

static void wr(struct kunit *test, unsigned int reg, u32 val)
{
	struct eng_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, aiaccel_sim_reg_write(&t->sim, reg, val), 0);
}

static void count_raise(void *ctx)
{
	struct eng_test *t = ctx;

	t->raised++;
}

static void eng_free_ring(struct eng_test *t, unsigned int q);

/* A fresh ring for queue @q (which must be idle), enabled. */
static void eng_ring(struct kunit *test, unsigned int q, u32 size)
{
	struct eng_test *t = test->priv;
	unsigned int qb = AIACCEL_QUEUE_BASE(q);
	struct page *p;

	eng_free_ring(t, q);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(size * 64));
	KUNIT_ASSERT_NOT_NULL(test, p);
	t->ring[q] = page_address(p);
	t->ring_size[q] = size;
	t->tail[q] = 0;
	wr(test, qb + AIACCEL_Q_RING_BASE_LO, lower_32_bits(page_to_phys(p)));
	wr(test, qb + AIACCEL_Q_RING_BASE_HI, upper_32_bits(page_to_phys(p)));
	wr(test, qb + AIACCEL_Q_RING_SIZE, size);
	wr(test, qb + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_ENABLE);
}

static void eng_free_ring(struct eng_test *t, unsigned int q)
{
	if (t->ring[q])
		free_pages((unsigned long)t->ring[q], get_order(t->ring_size[q] * 64));
	t->ring[q] = NULL;
}

static void eng_submit(struct kunit *test, unsigned int q, u64 cs, u32 cs_size, u32 seqno)
{
	struct eng_test *t = test->priv;
	struct aiaccel_ring_entry *e = &t->ring[q][t->tail[q] % t->ring_size[q]];

	memset(e, 0, sizeof(*e));
	e->seqno = cpu_to_le32(seqno);
	e->flags = cpu_to_le32(AIACCEL_RING_ENTRY_IRQ);
	e->pt_root = cpu_to_le64(t->root);
	e->cs_addr = cpu_to_le64(cs);
	e->cs_size = cpu_to_le32(cs_size);
	t->tail[q]++;
	wr(test, AIACCEL_QUEUE_BASE(q) + AIACCEL_Q_RING_TAIL, t->tail[q]);
	wr(test, AIACCEL_QUEUE_BASE(q) + AIACCEL_Q_DOORBELL, 1);
}

/* Wait until queue @q has retired everything submitted, or 5 s. */
static bool eng_wait_idle(struct kunit *test, unsigned int q)
{
	struct eng_test *t = test->priv;
	int i;

	for (i = 0; i < 5000; i++) {
		if (rd(test, AIACCEL_QUEUE_BASE(q) + AIACCEL_Q_RING_HEAD) == t->tail[q])
			return true;
		usleep_range(500, 1000);
	}
	return false;
}

static int eng_init(struct kunit *test)
{
	struct eng_test *t;

	t = kzalloc_obj(*t);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;
	KUNIT_ASSERT_EQ(test, aiaccel_sim_init(&t->sim, &eng_cfg), 0);
	t->sim.raise_irq = count_raise;
	t->sim.irq_ctx = t;
	t->root = page_to_phys(eng_page(test));
	KUNIT_ASSERT_EQ(test, aiaccel_sim_start(&t->sim), 0);
	wr(test, AIACCEL_REG_IRQ_MASK, ~0u);
	return 0;
}

static void eng_exit(struct kunit *test)
{
	struct eng_test *t = test->priv;
	unsigned int i;

	aiaccel_sim_stop(&t->sim);
	for (i = 0; i < AIACCEL_MAX_QUEUES; i++)
		eng_free_ring(t, i);
	for (i = 0; i < t->npages; i++)
		__free_page(t->pages[i]);
	for (i = 0; i < t->nbufs; i++)
		vfree(t->bufs[i]);
	kfree(t);
}

/* A GEMM whose tensors each live on their own page. */
#define CS_VA		0x10000000ULL
#define IN_VA		0x10001000ULL
#define W_VA		0x10002000ULL
#define OUT_VA		0x10003000ULL

static void engine_gemm_matches_reference(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct aiaccel_op_gemm *op = eng_map(test, CS_VA, AIACCEL_PTE_READ);
	s8 *in = eng_map(test, IN_VA, AIACCEL_PTE_READ);
	s8 *w = eng_map(test, W_VA, AIACCEL_PTE_READ);
	s8 *out = eng_map(test, OUT_VA, AIACCEL_PTE_READ | AIACCEL_PTE_WRITE);
	s8 expect[16 * 24];
	u64 macs0 = 0;

	aiaccel_test_gemm_op(op, IN_VA, W_VA, OUT_VA, 16, 24, 40);
	get_random_bytes(in, 16 * 40);
	get_random_bytes(w, 24 * 40);
	KUNIT_ASSERT_EQ(test, aiaccel_ref_gemm(op, in, w, NULL, NULL, expect), 0);

	eng_ring(test, 0, 16);
	eng_submit(test, 0, CS_VA, sizeof(*op), 77);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));

	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_DONE_SEQNO), 77);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_ERR_STATUS), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, expect, sizeof(expect)), 0);
	KUNIT_EXPECT_TRUE(test, rd(test, AIACCEL_REG_IRQ_STATUS) & AIACCEL_IRQ_QUEUE_DONE(0));
	KUNIT_EXPECT_GE(test, t->raised, 1);

	/* Counters: exactly this op's cost. */
	macs0 = rd(test, AIACCEL_REG_PERF_MACS_LO);
	macs0 |= (u64)rd(test, AIACCEL_REG_PERF_MACS_HI) << 32;
	KUNIT_EXPECT_EQ(test, macs0, 16ULL * 24 * 40);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_BYTES_LO),
			16 * 40 + 24 * 40 + 16 * 24);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_CYCLES_LO),
			16 + DIV_ROUND_UP(16 * 24 * 40, 256) +
			DIV_ROUND_UP(16 * 40 + 24 * 40 + 16 * 24, 64));
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_JOBS_LO), 1);
	/* At least one work unit, and one per AIACCEL_SIM_UNIT_WORK MACs. */
	KUNIT_EXPECT_GE(test, rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_PROGRESS),
			max(1U, 16 * 24 * 40 / AIACCEL_SIM_UNIT_WORK));
	/* The entry says what the job cost and that it succeeded. */
	KUNIT_EXPECT_EQ(test, le64_to_cpu(t->ring[0][0].wb_cycles),
			(u64)rd(test, AIACCEL_REG_PERF_CYCLES_LO));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->ring[0][0].wb_status), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_JOBS_DONE), 1);
}

/* Run a GEMM whose output page has @out_flags; return Q_ERR_STATUS. */
static u32 eng_run_gemm_with_output(struct kunit *test, u64 out_flags, s8 **outp)
{
	struct aiaccel_op_gemm *op = eng_map(test, CS_VA, AIACCEL_PTE_READ);

	eng_map(test, IN_VA, AIACCEL_PTE_READ);
	eng_map(test, W_VA, AIACCEL_PTE_READ);
	*outp = out_flags ? eng_map(test, OUT_VA, out_flags) : NULL;
	aiaccel_test_gemm_op(op, IN_VA, W_VA, OUT_VA, 4, 4, 4);
	eng_ring(test, 1, 4);
	eng_submit(test, 1, CS_VA, sizeof(*op), 5);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 1));
	return rd(test, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_ERR_STATUS);
}

static void engine_unmapped_access_faults(struct kunit *test)
{
	u32 err, fault;
	s8 *out;

	err = eng_run_gemm_with_output(test, 0, &out);
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_CODE), AIACCEL_ERR_MMU_FAULT);
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_OP_INDEX), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_ERR_SEQNO), 5);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(((struct eng_test *)test->priv)->ring[1][0].wb_status),
			err);
	/* The failed job is retired all the same. */
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_DONE_SEQNO), 5);

	fault = rd(test, AIACCEL_REG_MMU_FAULT_STATUS);
	KUNIT_EXPECT_TRUE(test, fault & AIACCEL_MMU_FAULT_VALID);
	KUNIT_EXPECT_TRUE(test, fault & AIACCEL_MMU_FAULT_WRITE);
	KUNIT_EXPECT_FALSE(test, fault & AIACCEL_MMU_FAULT_PERMISSION);
	KUNIT_EXPECT_EQ(test, u32_get_bits(fault, AIACCEL_MMU_FAULT_ENGINE), 1);
	KUNIT_EXPECT_EQ(test, u32_get_bits(fault, AIACCEL_MMU_FAULT_LEVEL), 2);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MMU_FAULT_ADDR_LO), lower_32_bits(OUT_VA));
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MMU_FAULT_ADDR_HI), 0);
	KUNIT_EXPECT_TRUE(test, rd(test, AIACCEL_REG_IRQ_STATUS) & AIACCEL_IRQ_MMU_FAULT);
	KUNIT_EXPECT_TRUE(test, rd(test, AIACCEL_REG_IRQ_STATUS) & AIACCEL_IRQ_QUEUE_ERROR(1));

	/* Clearing re-arms the latch. */
	wr(test, AIACCEL_REG_MMU_FAULT_STATUS, 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MMU_FAULT_STATUS), 0);
}

static void engine_read_only_write_faults(struct kunit *test)
{
	u32 err, fault;
	s8 *out;
	int i;

	err = eng_run_gemm_with_output(test, AIACCEL_PTE_READ, &out);
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_CODE), AIACCEL_ERR_MMU_FAULT);
	fault = rd(test, AIACCEL_REG_MMU_FAULT_STATUS);
	KUNIT_EXPECT_TRUE(test, fault & AIACCEL_MMU_FAULT_PERMISSION);
	KUNIT_EXPECT_TRUE(test, fault & AIACCEL_MMU_FAULT_WRITE);
	KUNIT_EXPECT_EQ(test, u32_get_bits(fault, AIACCEL_MMU_FAULT_LEVEL), AIACCEL_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MMU_FAULT_ADDR_LO), lower_32_bits(OUT_VA));
	/* The failing op wrote nothing. */
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, out[i], 0);
}

static void engine_va_past_39_bits_faults(struct kunit *test)
{
	struct eng_test *t = test->priv;
	u64 bad = 1ULL << AIACCEL_VA_BITS;
	u8 byte;
	u64 fault_va = 0;

	KUNIT_EXPECT_EQ(test, aiaccel_sim_va_read(&t->sim.engines[0], t->root, bad, &byte, 1,
						  &fault_va), -EFAULT);
	KUNIT_EXPECT_EQ(test, fault_va, bad);
	KUNIT_EXPECT_EQ(test, u32_get_bits(rd(test, AIACCEL_REG_MMU_FAULT_STATUS),
					   AIACCEL_MMU_FAULT_LEVEL), 0);
}

static void engine_ring_wraps_around(struct kunit *test)
{
	u32 q = AIACCEL_QUEUE_BASE(0);
	int i;

	/* Empty jobs through a 4-entry ring, more than twice round. */
	eng_ring(test, 0, 4);
	for (i = 1; i <= 11; i++) {
		eng_submit(test, 0, 0, 0, 1000 + i);
		if (i % 3 == 0)
			KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	}
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_HEAD), 11);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 1011);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_JOBS_DONE), 11);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_GLOBAL_ERROR), 0);
}

static void engine_bad_ring_config_is_reported(struct kunit *test)
{
	u32 q = AIACCEL_QUEUE_BASE(0);

	eng_ring(test, 0, 4);
	/* More entries pending than the ring holds. */
	wr(test, q + AIACCEL_Q_RING_TAIL, 9);
	wr(test, q + AIACCEL_Q_DOORBELL, 1);
	msleep(20);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_GLOBAL_ERROR), AIACCEL_GERR_BAD_RING_CONFIG);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_HEAD), 0);
}

static void engine_error_halts_until_cleared(struct kunit *test)
{
	struct aiaccel_op_header *bad = eng_map(test, CS_VA, AIACCEL_PTE_READ);
	u32 q = AIACCEL_QUEUE_BASE(0);
	int i;

	bad->opcode = 0x7f;	/* no such op */
	bad->size = 8;
	eng_ring(test, 0, 8);
	eng_submit(test, 0, CS_VA, 8, 1);
	eng_submit(test, 0, 0, 0, 2);
	for (i = 0; i < 1000 && !rd(test, q + AIACCEL_Q_ERR_STATUS); i++)
		usleep_range(500, 1000);

	KUNIT_EXPECT_EQ(test, u32_get_bits(rd(test, q + AIACCEL_Q_ERR_STATUS), AIACCEL_Q_ERR_CODE),
			AIACCEL_ERR_INVALID_OP);
	msleep(20);
	/* Halted: the second job waits. */
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 1);
	KUNIT_EXPECT_TRUE(test, rd(test, q + AIACCEL_Q_STATUS) & AIACCEL_Q_STATUS_HALTED);

	wr(test, q + AIACCEL_Q_ERR_STATUS, 1);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 2);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_ERR_STATUS), 0);
}

static void engine_bad_entry(struct kunit *test)
{
	struct eng_test *t = test->priv;
	u32 q = AIACCEL_QUEUE_BASE(0);

	eng_ring(test, 0, 4);
	t->ring[0][0].reserved[1] = cpu_to_le64(1);
	t->ring[0][0].seqno = cpu_to_le32(3);
	t->tail[0] = 1;
	wr(test, q + AIACCEL_Q_RING_TAIL, 1);
	wr(test, q + AIACCEL_Q_DOORBELL, 1);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	KUNIT_EXPECT_EQ(test, u32_get_bits(rd(test, q + AIACCEL_Q_ERR_STATUS), AIACCEL_Q_ERR_CODE),
			AIACCEL_ERR_BAD_ENTRY);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_ERR_SEQNO), 3);
}

static void engine_reset_clears_state(struct kunit *test)
{
	struct eng_test *t = test->priv;
	u32 q = AIACCEL_QUEUE_BASE(1);
	int i;

	atomic_set(&t->sim.hooks.hang_next_job, 1);
	eng_ring(test, 1, 8);
	eng_submit(test, 1, 0, 0, 9);
	for (i = 0; i < 1000 && !(rd(test, q + AIACCEL_Q_STATUS) & AIACCEL_Q_STATUS_BUSY); i++)
		usleep_range(500, 1000);
	KUNIT_EXPECT_TRUE(test, rd(test, q + AIACCEL_Q_STATUS) & AIACCEL_Q_STATUS_BUSY);
	msleep(20);
	/* Hung: no progress, nothing retired. */
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_HEAD), 0);

	wr(test, q + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_RESET);
	/* The reset is done when the engine stops touching memory. */
	for (i = 0; i < 1000 && rd(test, q + AIACCEL_Q_STATUS); i++)
		usleep_range(500, 1000);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_STATUS), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_BASE_LO), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_TAIL), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 0);
	KUNIT_EXPECT_FALSE(test, rd(test, AIACCEL_REG_IRQ_STATUS) &
			   (AIACCEL_IRQ_QUEUE_DONE(1) | AIACCEL_IRQ_QUEUE_ERROR(1)));

	/* Reprogrammed, the same entry runs again, this time to the end. */
	eng_free_ring(t, 1);
	eng_ring(test, 1, 8);
	eng_submit(test, 1, 0, 0, 9);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 1));
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 9);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_ERR_STATUS), 0);
}

static void engine_watchdog_aborts_hung_job(struct kunit *test)
{
	struct eng_test *t = test->priv;
	u32 q = AIACCEL_QUEUE_BASE(0);

	atomic_set(&t->sim.hooks.hang_next_job, 1);
	wr(test, q + AIACCEL_Q_WATCHDOG_MS, 30);
	eng_ring(test, 0, 4);
	eng_submit(test, 0, 0, 0, 4);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	KUNIT_EXPECT_EQ(test, u32_get_bits(rd(test, q + AIACCEL_Q_ERR_STATUS), AIACCEL_Q_ERR_CODE),
			AIACCEL_ERR_WATCHDOG);
}

static void engine_injected_error(struct kunit *test)
{
	struct eng_test *t = test->priv;
	u32 q = AIACCEL_QUEUE_BASE(0);

	atomic_set(&t->sim.hooks.error_next_job, 1);
	eng_ring(test, 0, 4);
	eng_submit(test, 0, 0, 0, 6);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	KUNIT_EXPECT_EQ(test, u32_get_bits(rd(test, q + AIACCEL_Q_ERR_STATUS), AIACCEL_Q_ERR_CODE),
			AIACCEL_ERR_INJECTED);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->sim.hooks.error_next_job), 0);
}

static void engine_power_off_rejects_work(struct kunit *test)
{
	u32 q = AIACCEL_QUEUE_BASE(0);

	eng_ring(test, 0, 4);
	wr(test, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_OFF);
	wr(test, q + AIACCEL_Q_RING_TAIL, 1);
	wr(test, q + AIACCEL_Q_DOORBELL, 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_GLOBAL_ERROR),
			AIACCEL_GERR_WRITE_OFF | AIACCEL_GERR_DOORBELL_OFF);
	KUNIT_EXPECT_TRUE(test, rd(test, AIACCEL_REG_IRQ_STATUS) & AIACCEL_IRQ_GLOBAL_ERROR);

	wr(test, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_ON);
	msleep(20);
	/* Nothing ran, and the queue lost its configuration. */
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_JOBS_LO), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_CTRL), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_SIZE), 0);
}

static void engine_tlb_needs_invalidation(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct aiaccel_sim_engine *eng = &t->sim.engines[0];
	u8 *a = eng_map(test, IN_VA, AIACCEL_PTE_READ);
	struct page *b = eng_page(test);
	u64 fault_va;
	u8 byte;

	a[0] = 0xaa;
	((u8 *)page_address(b))[0] = 0xbb;
	KUNIT_ASSERT_EQ(test, aiaccel_sim_va_read(eng, t->root, IN_VA, &byte, 1, &fault_va), 0);
	KUNIT_EXPECT_EQ(test, byte, 0xaa);

	/* Remap without invalidating: the TLB still has the old page. */
	*pt_slot(test, IN_VA, AIACCEL_PT_LEVELS - 1) =
		page_to_phys(b) | AIACCEL_PTE_VALID | AIACCEL_PTE_READ;
	KUNIT_ASSERT_EQ(test, aiaccel_sim_va_read(eng, t->root, IN_VA, &byte, 1, &fault_va), 0);
	KUNIT_EXPECT_EQ(test, byte, 0xaa);

	wr(test, AIACCEL_REG_MMU_TLB_INVALIDATE, 1);
	KUNIT_ASSERT_EQ(test, aiaccel_sim_va_read(eng, t->root, IN_VA, &byte, 1, &fault_va), 0);
	KUNIT_EXPECT_EQ(test, byte, 0xbb);

	/* Unmapped and invalidated: a fault at the exact address. */
	*pt_slot(test, IN_VA, AIACCEL_PT_LEVELS - 1) = 0;
	wr(test, AIACCEL_REG_MMU_TLB_INVALIDATE, 1);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_va_read(eng, t->root, IN_VA + 5, &byte, 1, &fault_va),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, fault_va, IN_VA + 5);
}

static void engine_dma_copy_across_pages(struct kunit *test)
{
	struct aiaccel_op_dma_copy *op = eng_map(test, CS_VA, AIACCEL_PTE_READ);
	u8 *src[2], *dst[2];
	u32 q = AIACCEL_QUEUE_BASE(0);
	int i;

	src[0] = eng_map(test, 0x20000000, AIACCEL_PTE_READ);
	src[1] = eng_map(test, 0x20001000, AIACCEL_PTE_READ);
	dst[0] = eng_map(test, 0x30000000, AIACCEL_PTE_READ | AIACCEL_PTE_WRITE);
	dst[1] = eng_map(test, 0x30001000, AIACCEL_PTE_READ | AIACCEL_PTE_WRITE);
	for (i = 0; i < 2; i++)
		get_random_bytes(src[i], PAGE_SIZE);
	op->hdr.opcode = AIACCEL_OP_DMA_COPY;
	op->hdr.size = sizeof(*op);
	op->src = 0x20000100;
	op->dst = 0x30000200;
	op->size = 5000;

	eng_ring(test, 0, 4);
	eng_submit(test, 0, CS_VA, sizeof(*op), 1);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	KUNIT_ASSERT_EQ(test, rd(test, q + AIACCEL_Q_ERR_STATUS), 0);
	for (i = 0; i < 5000; i++) {
		u32 s = 0x100 + i, d = 0x200 + i;

		if (src[s / PAGE_SIZE][s % PAGE_SIZE] != dst[d / PAGE_SIZE][d % PAGE_SIZE]) {
			KUNIT_FAIL(test, "byte %d differs", i);
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, dst[0][0x1ff], 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_BYTES_LO), 10000);
}

/* ------------------------------------------------------------------------
 * Ops larger than the engine's local memory
 */

#define BIG_CS		0x40000000ULL
/* Tensors of a job, 1 GiB apart: none overlaps another. */
#define BIG_VA(i)	(0x80000000ULL + (u64)(i) * SZ_1G)

static void eng_fill(s8 *p, size_t size)
{
	get_random_bytes(p, size);
}

/* Per-channel scales, valid, around 2^@shift. */
static void eng_fill_quant(struct aiaccel_requant *q, u32 n, s32 shift)
{
	u32 i;

	for (i = 0; i < n; i++) {
		q[i].multiplier = (1 << 30) + (get_random_u32() >> 2);
		q[i].shift = shift - (s32)(get_random_u32() % 3);
	}
}

static u64 eng_reg64(struct kunit *test, unsigned int lo)
{
	u64 v = rd(test, lo);

	return v | (u64)rd(test, lo + 4) << 32;
}

static void eng_expect_out(struct kunit *test, const s8 *got, const s8 *want,
			   size_t size, const char *what)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (got[i] != want[i]) {
			KUNIT_FAIL(test, "%s: byte %zu of %zu: model %d, reference %d",
				   what, i, size, got[i], want[i]);
			return;
		}
	}
}

/*
 * One job of ops each far larger than the engine's local memory, with
 * shapes that cross its tiles in every dimension and element-wise ops in
 * place and overlapping: every output equals the reference's, and the
 * engine holds no more memory than its bound all along.
 */
static void engine_big_ops_bounded_memory(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct aiaccel_sim_engine *eng = &t->sim.engines[0];
	u32 q = AIACCEL_QUEUE_BASE(0);
	u8 *cs = eng_map_buf(test, BIG_CS, 2 * PAGE_SIZE, AIACCEL_PTE_READ, 0);
	struct aiaccel_op_gemm *gemm = (void *)cs;
	struct aiaccel_op_conv2d *conv = (void *)(gemm + 1);
	struct aiaccel_op_conv2d *dw = conv + 1;
	struct aiaccel_op_pool *pool = (void *)(dw + 1);
	struct aiaccel_op_add *add = (void *)(pool + 1);
	struct aiaccel_op_activation *act = (void *)(add + 1);
	struct aiaccel_op_dma_copy *copy = (void *)(act + 1);
	const u32 rw = AIACCEL_PTE_READ | AIACCEL_PTE_WRITE;
	const u32 m = 300, n = 500, k = 1500;
	const u32 add_count = 600000, act_count = 500000, act_shift = 4096;
	const u32 copy_size = 1536 * 1024;
	s8 *in, *w, *out, *bias, *quant, *cin, *cw, *cout, *dwin, *dwf, *dwout;
	s8 *pout, *a1, *a2, *lut, *abuf, *src, *dst, *want, *want_add, *want_act;
	u64 work = 0, progress;
	size_t max_mem = 0;
	int i;

	/* GEMM: 3 x 4 tiles of rows and output channels, 3 row slices */
	aiaccel_test_gemm_op(gemm, BIG_VA(0), BIG_VA(1), BIG_VA(2), m, n, k);
	gemm->hdr.flags = AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL;
	gemm->bias = BIG_VA(3);
	gemm->quant = BIG_VA(4);
	in = eng_map_buf(test, BIG_VA(0), m * k, AIACCEL_PTE_READ, 0);
	w = eng_map_buf(test, BIG_VA(1), n * k, AIACCEL_PTE_READ, 0);
	out = eng_map_buf(test, BIG_VA(2), m * n, rw, 0);
	bias = eng_map_buf(test, BIG_VA(3), n * 4, AIACCEL_PTE_READ, 0);
	quant = eng_map_buf(test, BIG_VA(4), n * 8, AIACCEL_PTE_READ, 0);
	eng_fill(in, m * k);
	eng_fill(w, n * k);
	for (i = 0; i < n; i++)
		((s32 *)bias)[i] = (s32)(get_random_u32() % 200001) - 100000;
	eng_fill_quant((void *)quant, n, -12);
	work += (u64)m * n * k;

	/* CONV2D 3x3, padding 1: rows of 576, 160 output channels */
	memset(conv, 0, sizeof(*conv));
	conv->hdr = (struct aiaccel_op_header){ AIACCEL_OP_CONV2D, sizeof(*conv), 0 };
	conv->input = BIG_VA(5);
	conv->filter = BIG_VA(6);
	conv->output = BIG_VA(7);
	conv->batch = 2;
	conv->in_h = 40;
	conv->in_w = 40;
	conv->in_c = 64;
	conv->out_h = 40;
	conv->out_w = 40;
	conv->out_c = 160;
	conv->k_h = 3;
	conv->k_w = 3;
	conv->stride_h = 1;
	conv->stride_w = 1;
	conv->dilation_h = 1;
	conv->dilation_w = 1;
	conv->pad_top = 1;
	conv->pad_left = 1;
	conv->input_zp = 7;
	conv->filter_zp = -3;
	conv->output_zp = 2;
	conv->requant = (struct aiaccel_requant){ 1518500250, -12 };
	conv->act_min = -128;
	conv->act_max = 127;
	cin = eng_map_buf(test, BIG_VA(5), 2 * 40 * 40 * 64, AIACCEL_PTE_READ, 0);
	cw = eng_map_buf(test, BIG_VA(6), 160 * 9 * 64, AIACCEL_PTE_READ, 0);
	cout = eng_map_buf(test, BIG_VA(7), 2 * 40 * 40 * 160, rw, 0);
	eng_fill(cin, 2 * 40 * 40 * 64);
	eng_fill(cw, 160 * 9 * 64);
	work += 2ULL * 40 * 40 * 160 * 576;

	/* DWCONV2D 3x3, stride 2, depth multiplier 2: one pass of 256 */
	*dw = *conv;
	dw->hdr.opcode = AIACCEL_OP_DWCONV2D;
	dw->input = BIG_VA(8);
	dw->filter = BIG_VA(9);
	dw->output = BIG_VA(10);
	dw->batch = 1;
	dw->in_h = 64;
	dw->in_w = 64;
	dw->in_c = 128;
	dw->out_h = 32;
	dw->out_w = 32;
	dw->out_c = 256;
	dw->stride_h = 2;
	dw->stride_w = 2;
	dw->requant.shift = -7;
	dwin = eng_map_buf(test, BIG_VA(8), 64 * 64 * 128, AIACCEL_PTE_READ, 0);
	eng_fill(dwin, 64 * 64 * 128);
	dwf = eng_map_buf(test, BIG_VA(9), 9 * 256, AIACCEL_PTE_READ, 0);
	eng_fill(dwf, 9 * 256);
	dwout = eng_map_buf(test, BIG_VA(10), 32 * 32 * 256, rw, 0);
	work += 32ULL * 32 * 256 * 9;

	/* MAXPOOL 3x3, stride 2, of the depthwise input */
	memset(pool, 0, sizeof(*pool));
	pool->hdr = (struct aiaccel_op_header){ AIACCEL_OP_MAXPOOL, sizeof(*pool), 0 };
	pool->input = BIG_VA(8);
	pool->output = BIG_VA(11);
	pool->batch = 1;
	pool->in_h = 64;
	pool->in_w = 64;
	pool->channels = 128;
	pool->out_h = 32;
	pool->out_w = 32;
	pool->k_h = 3;
	pool->k_w = 3;
	pool->stride_h = 2;
	pool->stride_w = 2;
	pool->pad_top = 1;
	pool->pad_left = 1;
	pool->act_min = -100;
	pool->act_max = 100;
	pout = eng_map_buf(test, BIG_VA(11), 32 * 32 * 128, rw, 0);

	/* ADD in place */
	memset(add, 0, sizeof(*add));
	add->hdr = (struct aiaccel_op_header){ AIACCEL_OP_ADD, sizeof(*add), 0 };
	add->input1 = BIG_VA(12);
	add->input2 = BIG_VA(13);
	add->output = BIG_VA(12);
	add->count = add_count;
	add->input1_zp = 3;
	add->input2_zp = -9;
	add->output_zp = 1;
	add->left_shift = 20;
	add->input1_scale = (struct aiaccel_requant){ 1 << 30, -20 };
	add->input2_scale = (struct aiaccel_requant){ 1518500250, -21 };
	add->output_scale = (struct aiaccel_requant){ 1 << 30, 0 };
	add->act_min = -128;
	add->act_max = 127;
	a1 = eng_map_buf(test, BIG_VA(12), add_count, rw, 0);
	a2 = eng_map_buf(test, BIG_VA(13), add_count, AIACCEL_PTE_READ, 0);
	eng_fill(a1, add_count);
	eng_fill(a2, add_count);

	/* ACTIVATION through a table, the output act_shift bytes above the input */
	memset(act, 0, sizeof(*act));
	act->hdr = (struct aiaccel_op_header){ AIACCEL_OP_ACTIVATION, sizeof(*act), 0 };
	act->input = BIG_VA(14);
	act->output = BIG_VA(14) + act_shift;
	act->lut = BIG_VA(15);
	act->count = act_count;
	act->mode = AIACCEL_ACT_LUT;
	act->act_min = -128;
	act->act_max = 127;
	abuf = eng_map_buf(test, BIG_VA(14), act_count + act_shift, rw, 0);
	lut = eng_map_buf(test, BIG_VA(15), 256, AIACCEL_PTE_READ, 0);
	eng_fill(abuf, act_count + act_shift);
	eng_fill(lut, 256);

	/* DMA_COPY */
	memset(copy, 0, sizeof(*copy));
	copy->hdr = (struct aiaccel_op_header){ AIACCEL_OP_DMA_COPY, sizeof(*copy), 0 };
	copy->src = BIG_VA(16) + 5;
	copy->dst = BIG_VA(17) + 11;
	copy->size = copy_size;
	src = eng_map_buf(test, BIG_VA(16), copy_size + 5, AIACCEL_PTE_READ, 0);
	dst = eng_map_buf(test, BIG_VA(17), copy_size + 11, rw, 0);
	eng_fill(src, copy_size + 5);

	/* The references of the ops that change their inputs, first. */
	want = kvmalloc(copy_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	want_add = kvmalloc(add_count, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want_add);
	want_act = kvmalloc(act_count, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want_act);
	KUNIT_ASSERT_EQ(test, aiaccel_ref_add(add, a1, a2, want_add), 0);
	KUNIT_ASSERT_EQ(test, aiaccel_ref_activation(act, abuf, lut, want_act), 0);

	eng_ring(test, 0, 4);
	eng_submit(test, 0, BIG_CS, (u8 *)(copy + 1) - cs, 1);
	for (i = 0; i < 60000 && rd(test, q + AIACCEL_Q_RING_HEAD) != 1; i++) {
		max_mem = max(max_mem, READ_ONCE(eng->mem_bytes));
		usleep_range(500, 1000);
	}
	max_mem = max(max_mem, READ_ONCE(eng->mem_bytes));
	KUNIT_ASSERT_EQ(test, rd(test, q + AIACCEL_Q_RING_HEAD), 1);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_ERR_STATUS), 0);
	KUNIT_EXPECT_LE(test, max_mem, AIACCEL_SIM_ENGINE_MEM_MAX);
	KUNIT_EXPECT_GT(test, max_mem, 0);
	progress = rd(test, q + AIACCEL_Q_PROGRESS);
	KUNIT_EXPECT_GE(test, progress, div_u64(work, AIACCEL_SIM_UNIT_WORK));
	kunit_info(test, "7 ops, %llu MACs: Q_PROGRESS %llu, engine memory %zu bytes\n",
		   work, progress, max_mem);

	KUNIT_ASSERT_EQ(test, aiaccel_ref_gemm(gemm, in, w, (void *)bias, (void *)quant,
					       want), 0);
	eng_expect_out(test, out, want, m * n, "gemm");
	KUNIT_ASSERT_EQ(test, aiaccel_ref_conv2d(conv, cin, cw, NULL, NULL, want), 0);
	eng_expect_out(test, cout, want, 2 * 40 * 40 * 160, "conv2d");
	KUNIT_ASSERT_EQ(test, aiaccel_ref_dwconv2d(dw, dwin, dwf, NULL, NULL, want), 0);
	eng_expect_out(test, dwout, want, 32 * 32 * 256, "dwconv2d");
	KUNIT_ASSERT_EQ(test, aiaccel_ref_maxpool(pool, dwin, want), 0);
	eng_expect_out(test, pout, want, 32 * 32 * 128, "maxpool");
	eng_expect_out(test, a1, want_add, add_count, "add in place");
	eng_expect_out(test, abuf + act_shift, want_act, act_count,
		       "activation over its input");
	KUNIT_ASSERT_EQ(test, aiaccel_ref_dma_copy(copy, (u8 *)src + 5, (u8 *)want), 0);
	eng_expect_out(test, dst + 11, want, copy_size, "dma_copy");
	kvfree(want_act);
	kvfree(want_add);
	kvfree(want);
}

/* Run the one-op job at BIG_CS on engine 0 to its end; its Q_ERR_STATUS. */
static u32 eng_run_big(struct kunit *test, u32 cs_size)
{
	eng_ring(test, 0, 4);
	eng_submit(test, 0, BIG_CS, cs_size, 1);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	return rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_ERR_STATUS);
}

static bool eng_all(const s8 *p, size_t size, s8 v)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * An op that fails writes nothing, even when it streams its tensors: a
 * page missing in the middle of the weights of a GEMM larger than the
 * local memory faults before any output is written, and so does a bad
 * per-channel scale at the end of its table.
 */
static void engine_failing_big_op_writes_nothing(struct kunit *test)
{
	u8 *cs = eng_map_buf(test, BIG_CS, PAGE_SIZE, AIACCEL_PTE_READ, 0);
	struct aiaccel_op_gemm *op = (void *)cs;
	const u32 m = 64, n = 64, k = 20000;
	u64 hole = BIG_VA(1) + 150 * PAGE_SIZE;
	struct aiaccel_requant *quant;
	u32 err, fault;
	s8 *out;

	aiaccel_test_gemm_op(op, BIG_VA(0), BIG_VA(1), BIG_VA(2), m, n, k);
	eng_map_buf(test, BIG_VA(0), m * k, AIACCEL_PTE_READ, 0);
	eng_map_buf(test, BIG_VA(1), n * k, AIACCEL_PTE_READ, 0);
	out = eng_map_buf(test, BIG_VA(2), m * n, AIACCEL_PTE_READ | AIACCEL_PTE_WRITE, 0);
	memset(out, 0x5a, m * n);
	*pt_slot(test, hole, AIACCEL_PT_LEVELS - 1) = 0;

	err = eng_run_big(test, sizeof(*op));
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_CODE), AIACCEL_ERR_MMU_FAULT);
	fault = rd(test, AIACCEL_REG_MMU_FAULT_STATUS);
	KUNIT_EXPECT_FALSE(test, fault & AIACCEL_MMU_FAULT_WRITE);
	KUNIT_EXPECT_EQ(test, eng_reg64(test, AIACCEL_REG_MMU_FAULT_ADDR_LO), hole);
	KUNIT_EXPECT_TRUE(test, eng_all(out, m * n, 0x5a));
	KUNIT_EXPECT_EQ(test, eng_reg64(test, AIACCEL_REG_PERF_MACS_LO), 0);

	/* Mapped again; now the last of 3000 per-channel scales is bad. */
	eng_map_buf(test, hole, PAGE_SIZE, AIACCEL_PTE_READ, 0);
	wr(test, AIACCEL_REG_MMU_TLB_INVALIDATE, 1);
	wr(test, AIACCEL_REG_MMU_FAULT_STATUS, 1);
	wr(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_RESET);
	op->n = 3000;
	op->k = 100;
	op->hdr.flags = AIACCEL_OP_F_PER_CHANNEL;
	op->quant = BIG_VA(3);
	out = eng_map_buf(test, BIG_VA(4), m * 3000, AIACCEL_PTE_READ | AIACCEL_PTE_WRITE, 0);
	op->output = BIG_VA(4);
	memset(out, 0x5a, m * op->n);
	quant = eng_map_buf(test, BIG_VA(3), 3000 * sizeof(*quant), AIACCEL_PTE_READ, 0);
	eng_fill_quant(quant, 3000, -10);
	quant[2999].shift = 31;
	err = eng_run_big(test, sizeof(*op));
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_CODE), AIACCEL_ERR_INVALID_OP);
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_OP_INDEX), 0);
	KUNIT_EXPECT_TRUE(test, eng_all(out, m * 3000, 0x5a));
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MMU_FAULT_STATUS), 0);
}

/* Element-wise ops overlapping their inputs from both sides are invalid. */
static void engine_overlap_both_sides_is_invalid(struct kunit *test)
{
	u8 *cs = eng_map_buf(test, BIG_CS, PAGE_SIZE, AIACCEL_PTE_READ, 0);
	struct aiaccel_op_add *op = (void *)cs;
	unsigned int i;
	s8 *buf;
	u32 err;

	buf = eng_map_buf(test, BIG_VA(0), 3 * PAGE_SIZE, AIACCEL_PTE_READ | AIACCEL_PTE_WRITE, 0);
	/* A page at a time: sparse finds 3 pages of 64 KiB too long for one memset(). */
	for (i = 0; i < 3; i++)
		memset(buf + i * PAGE_SIZE, 0x5a, PAGE_SIZE);
	op->hdr = (struct aiaccel_op_header){ AIACCEL_OP_ADD, sizeof(*op), 0 };
	op->input1 = BIG_VA(0);
	op->output = BIG_VA(0) + 100;
	op->input2 = BIG_VA(0) + 200;
	op->count = 5000;
	op->input1_scale = (struct aiaccel_requant){ 1 << 30, -1 };
	op->input2_scale = op->input1_scale;
	op->output_scale = op->input1_scale;
	op->act_min = -128;
	op->act_max = 127;
	err = eng_run_big(test, sizeof(*op));
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_CODE), AIACCEL_ERR_INVALID_OP);
	KUNIT_EXPECT_TRUE(test, eng_all(buf, 3 * PAGE_SIZE, 0x5a));
}

/*
 * A GEMM of @dim cubed on engine 0, after @nops NOPs, each tensor backed
 * by 16 pages: minutes of work whose results do not matter.
 */
static void eng_submit_huge_gemm(struct kunit *test, u32 dim, unsigned int nops)
{
	u8 *cs = eng_map_buf(test, BIG_CS, PAGE_SIZE, AIACCEL_PTE_READ, 0);
	struct aiaccel_op_nop *nop = (void *)cs;
	struct aiaccel_op_gemm *op = (void *)(nop + nops);
	unsigned int i;

	for (i = 0; i < nops; i++)
		nop[i].hdr = (struct aiaccel_op_header){ AIACCEL_OP_NOP, sizeof(*nop), 0 };
	aiaccel_test_gemm_op(op, BIG_VA(0), BIG_VA(1), BIG_VA(2), dim, dim, dim);
	eng_fill(eng_map_buf(test, BIG_VA(0), (size_t)dim * dim, AIACCEL_PTE_READ, 16),
		 16 * PAGE_SIZE);
	eng_fill(eng_map_buf(test, BIG_VA(1), (size_t)dim * dim, AIACCEL_PTE_READ, 16),
		 16 * PAGE_SIZE);
	eng_map_buf(test, BIG_VA(2), (size_t)dim * dim,
		    AIACCEL_PTE_READ | AIACCEL_PTE_WRITE, 16);
	eng_ring(test, 0, 4);
	eng_submit(test, 0, BIG_CS, nops * sizeof(*nop) + sizeof(*op), 1);
}

#define HUGE_DIM	4096

static bool eng_active(struct aiaccel_sim *sim, unsigned int q)
{
	guard(spinlock_irqsave)(&sim->lock);
	return sim->engines[q].active;
}

/* Wait for engine 0 to have been executing a job for 100 ms. */
static void eng_wait_running(struct kunit *test)
{
	struct eng_test *t = test->priv;
	int i;

	for (i = 0; i < 5000 && !eng_active(&t->sim, 0); i++)
		usleep_range(500, 1000);
	KUNIT_ASSERT_TRUE(test, eng_active(&t->sim, 0));
	msleep(100);
}

/*
 * Time from now until engine 0 stops touching memory (Q_STATUS.BUSY, or
 * the state behind it while powered off), in microseconds; -1 if it has
 * not after a second.
 */
static s64 eng_time_to_idle(struct kunit *test)
{
	struct eng_test *t = test->priv;
	ktime_t start = ktime_get();

	while (eng_active(&t->sim, 0)) {
		if (ktime_ms_delta(ktime_get(), start) > 1000)
			return -1;
		usleep_range(20, 50);
	}
	return ktime_us_delta(ktime_get(), start);
}

/*
 * A reset, or a power-off, in the middle of one op that would run for
 * tens of seconds: the engine stops touching memory at once, within one
 * work unit (a second is the bound here), and retires nothing.
 */
static void engine_reset_aborts_long_op(struct kunit *test)
{
	u32 q = AIACCEL_QUEUE_BASE(0);
	s64 us;

	eng_submit_huge_gemm(test, HUGE_DIM, 0);
	eng_wait_running(test);
	KUNIT_EXPECT_TRUE(test, rd(test, q + AIACCEL_Q_STATUS) & AIACCEL_Q_STATUS_BUSY);

	wr(test, q + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_RESET);
	us = eng_time_to_idle(test);
	KUNIT_EXPECT_GE(test, us, 0);
	KUNIT_EXPECT_FALSE(test, rd(test, q + AIACCEL_Q_STATUS) & AIACCEL_Q_STATUS_BUSY);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_HEAD), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_JOBS_LO), 0);
	/* Nor does Q_PROGRESS move again, from the reset value. */
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_PROGRESS), 0);
	kunit_info(test, "engine reset inside a %u^3 GEMM: idle after %lld us\n",
		   HUGE_DIM, us);

	/* The same job again, and a power-off in its middle. */
	eng_ring(test, 0, 4);
	eng_submit(test, 0, BIG_CS, sizeof(struct aiaccel_op_gemm), 2);
	eng_wait_running(test);
	wr(test, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_OFF);
	us = eng_time_to_idle(test);
	KUNIT_EXPECT_GE(test, us, 0);
	wr(test, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_ON);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_STATUS), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_JOBS_LO), 0);
	kunit_info(test, "power-off inside a %u^3 GEMM: idle after %lld us\n",
		   HUGE_DIM, us);
}

/* The watchdog fires inside one long op, which is named in the error. */
static void engine_watchdog_inside_op(struct kunit *test)
{
	u32 q = AIACCEL_QUEUE_BASE(0), err;
	ktime_t start = ktime_get();

	wr(test, q + AIACCEL_Q_WATCHDOG_MS, 200);
	eng_submit_huge_gemm(test, HUGE_DIM, 2);
	KUNIT_ASSERT_TRUE(test, eng_wait_idle(test, 0));
	err = rd(test, q + AIACCEL_Q_ERR_STATUS);
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_CODE), AIACCEL_ERR_WATCHDOG);
	KUNIT_EXPECT_EQ(test, u32_get_bits(err, AIACCEL_Q_ERR_OP_INDEX), 2);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 1);
	/* The failing op adds nothing to the counters; its units moved Q_PROGRESS. */
	KUNIT_EXPECT_EQ(test, eng_reg64(test, AIACCEL_REG_PERF_MACS_LO), 0);
	KUNIT_EXPECT_GT(test, rd(test, q + AIACCEL_Q_PROGRESS), 2);
	kunit_info(test, "watchdog of 200 ms: job failed after %lld ms\n",
		   ktime_ms_delta(ktime_get(), start));
}

/* Wait up to @ms for Q_PROGRESS of engine 0 to pass @than. */
static bool eng_progress_past(struct kunit *test, u32 than, unsigned int ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), ms);

	do {
		if (rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_PROGRESS) > than)
			return true;
		usleep_range(100, 200);
	} while (ktime_before(ktime_get(), end));
	return false;
}

/*
 * Q_PROGRESS moves all through one long op, at full speed and at the
 * slowest clock with the clock divider hook at 64 (512 times slower),
 * and a reset still ends the op at once while it is stretched.
 */
static void engine_progress_inside_op(struct kunit *test)
{
	struct eng_test *t = test->priv;
	u32 q = AIACCEL_QUEUE_BASE(0), last, now, moves = 0;
	ktime_t start, moved;
	s64 max_gap = 0;
	int i;

	eng_submit_huge_gemm(test, HUGE_DIM, 0);
	KUNIT_ASSERT_TRUE(test, eng_progress_past(test, 0, 5000));
	for (i = 0; i < 5; i++) {
		last = rd(test, q + AIACCEL_Q_PROGRESS);
		KUNIT_EXPECT_TRUE(test, eng_progress_past(test, last, 1000));
	}
	/* The time of a work unit at full speed bounds the abort latency. */
	last = rd(test, q + AIACCEL_Q_PROGRESS);
	start = ktime_get();
	msleep(200);
	now = rd(test, q + AIACCEL_Q_PROGRESS);
	kunit_info(test, "full speed: %u units in %lld ms, %lld ns per unit\n", now - last,
		   ktime_ms_delta(ktime_get(), start),
		   div_s64(ktime_to_ns(ktime_sub(ktime_get(), start)), max(now - last, 1U)));

	wr(test, AIACCEL_REG_CLOCK_LEVEL, 0);
	atomic_set(&t->sim.hooks.clock_divider, AIACCEL_SIM_MAX_CLOCK_DIVIDER);
	msleep(50);
	last = rd(test, q + AIACCEL_Q_PROGRESS);
	start = ktime_get();
	moved = start;
	while (ktime_ms_delta(ktime_get(), start) < 1500) {
		usleep_range(500, 1000);
		now = rd(test, q + AIACCEL_Q_PROGRESS);
		if (now == last)
			continue;
		max_gap = max(max_gap, ktime_ms_delta(ktime_get(), moved));
		moves += now - last;
		last = now;
		moved = ktime_get();
	}
	max_gap = max(max_gap, ktime_ms_delta(ktime_get(), moved));
	KUNIT_EXPECT_GT(test, moves, 0);
	KUNIT_EXPECT_LT(test, max_gap, 1000);
	kunit_info(test, "clock level 0, divider 64: %u units in 1.5 s, Q_PROGRESS still every %lld ms at most\n",
		   moves, max_gap);

	wr(test, q + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_RESET);
	KUNIT_EXPECT_GE(test, eng_time_to_idle(test), 0);
	atomic_set(&t->sim.hooks.clock_divider, 1);
}

static struct kunit_case eng_cases[] = {
	KUNIT_CASE(engine_gemm_matches_reference),
	KUNIT_CASE(engine_unmapped_access_faults),
	KUNIT_CASE(engine_read_only_write_faults),
	KUNIT_CASE(engine_va_past_39_bits_faults),
	KUNIT_CASE(engine_ring_wraps_around),
	KUNIT_CASE(engine_bad_ring_config_is_reported),
	KUNIT_CASE(engine_error_halts_until_cleared),
	KUNIT_CASE(engine_bad_entry),
	KUNIT_CASE(engine_reset_clears_state),
	KUNIT_CASE(engine_watchdog_aborts_hung_job),
	KUNIT_CASE(engine_injected_error),
	KUNIT_CASE(engine_power_off_rejects_work),
	KUNIT_CASE(engine_tlb_needs_invalidation),
	KUNIT_CASE(engine_dma_copy_across_pages),
	KUNIT_CASE(engine_big_ops_bounded_memory),
	KUNIT_CASE(engine_failing_big_op_writes_nothing),
	KUNIT_CASE(engine_overlap_both_sides_is_invalid),
	KUNIT_CASE(engine_reset_aborts_long_op),
	KUNIT_CASE(engine_watchdog_inside_op),
	KUNIT_CASE(engine_progress_inside_op),
	{}
};

static struct kunit_suite eng_suite = {
	.name = "aiaccel_sim_engine",
	.init = eng_init,
	.exit = eng_exit,
	.test_cases = eng_cases,
};

kunit_test_suite(eng_suite);
