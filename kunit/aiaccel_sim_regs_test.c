// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the hardware model's register file, through its regmap callbacks
 * and through a real regmap built on them.
 */

#include <linux/bitfield.h>
#include <linux/regmap.h>
#include <linux/sizes.h>

#include <kunit/device.h>
#include <kunit/test.h>

#include "sim/aiaccel_sim.h"

static const struct aiaccel_sim_config test_cfg = {
	.instance = 3,
	.num_engines = 2,
	.num_dma_channels = 5,
	.mem_size = 6ULL * SZ_1G,	/* needs both halves of MEM_SIZE */
	.max_clock_mhz = 800,
};

static int sim_regs_init(struct kunit *test)
{
	struct aiaccel_sim *sim;

	sim = kunit_kzalloc(test, sizeof(*sim), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sim);
	KUNIT_ASSERT_EQ(test, aiaccel_sim_init(sim, &test_cfg), 0);
	test->priv = sim;
	return 0;
}

static u32 rd(struct kunit *test, unsigned int reg)
{
	unsigned int val = 0xdeadbeef;

	KUNIT_ASSERT_EQ(test, aiaccel_sim_reg_read(test->priv, reg, &val), 0);
	return val;
}

static void wr(struct kunit *test, unsigned int reg, u32 val)
{
	KUNIT_ASSERT_EQ(test, aiaccel_sim_reg_write(test->priv, reg, val), 0);
}

static void sim_regs_identification(struct kunit *test)
{
	u32 config = rd(test, AIACCEL_REG_CONFIG);

	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_ID), AIACCEL_ID_VALUE);
	KUNIT_EXPECT_EQ(test, u32_get_bits(rd(test, AIACCEL_REG_VERSION), AIACCEL_VERSION_MAJOR),
			1);
	KUNIT_EXPECT_TRUE(test, rd(test, AIACCEL_REG_CAPS) & AIACCEL_CAPS_MMU);
	KUNIT_EXPECT_TRUE(test, rd(test, AIACCEL_REG_CAPS) & AIACCEL_CAPS_ISA_INT8);
	KUNIT_EXPECT_EQ(test, u32_get_bits(config, AIACCEL_CONFIG_ENGINES), 2);
	KUNIT_EXPECT_EQ(test, u32_get_bits(config, AIACCEL_CONFIG_DMA_CHANNELS), 5);
	KUNIT_EXPECT_EQ(test, u32_get_bits(config, AIACCEL_CONFIG_VA_BITS), AIACCEL_VA_BITS);
	KUNIT_EXPECT_EQ(test, u32_get_bits(config, AIACCEL_CONFIG_PT_LEVELS), AIACCEL_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, u32_get_bits(config, AIACCEL_CONFIG_CLOCK_LEVELS),
			AIACCEL_SIM_CLOCK_LEVELS);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MEM_SIZE_LO), lower_32_bits(6ULL * SZ_1G));
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MEM_SIZE_HI), upper_32_bits(6ULL * SZ_1G));
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_MAX_CLOCK_MHZ), 800);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_CLOCK_MHZ), 800);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_INSTANCE), 3);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_ISA_VERSION), 1);
}

static void sim_regs_read_only_ignore_writes(struct kunit *test)
{
	static const unsigned int ro[] = {
		AIACCEL_REG_ID, AIACCEL_REG_VERSION, AIACCEL_REG_CAPS,
		AIACCEL_REG_CONFIG, AIACCEL_REG_MEM_SIZE_LO, AIACCEL_REG_MEM_SIZE_HI,
		AIACCEL_REG_MAX_CLOCK_MHZ, AIACCEL_REG_INSTANCE,
		AIACCEL_REG_ISA_VERSION, AIACCEL_REG_CLOCK_MHZ,
		AIACCEL_REG_POWER_STATUS, AIACCEL_REG_PERF_CYCLES_LO,
		AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_STATUS,
		AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_PROGRESS,
		AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_JOBS_DONE,
	};
	u32 before[ARRAY_SIZE(ro)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		/* Re-read the _LO half first so a _HI read sees a fresh latch. */
		if (ro[i] == AIACCEL_REG_MEM_SIZE_HI)
			rd(test, AIACCEL_REG_MEM_SIZE_LO);
		before[i] = rd(test, ro[i]);
	}
	for (i = 0; i < ARRAY_SIZE(ro); i++)
		wr(test, ro[i], ~before[i]);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		if (ro[i] == AIACCEL_REG_MEM_SIZE_HI)
			rd(test, AIACCEL_REG_MEM_SIZE_LO);
		KUNIT_EXPECT_EQ_MSG(test, rd(test, ro[i]), before[i], "reg 0x%03x", ro[i]);
	}
}

static void sim_regs_scratch_and_holes(struct kunit *test)
{
	wr(test, AIACCEL_REG_SCRATCH, 0x12345678);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_SCRATCH), 0x12345678);

	/* An unimplemented offset inside the file: reads zero, ignores writes. */
	wr(test, 0x0a0, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, 0x0a0), 0);
	/* Queue 3 does not exist on a two-engine chip. */
	wr(test, AIACCEL_QUEUE_BASE(3) + AIACCEL_Q_RING_SIZE, 64);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(3) + AIACCEL_Q_RING_SIZE), 0);
}

static void sim_regs_out_of_range(struct kunit *test)
{
	unsigned int val;

	KUNIT_EXPECT_EQ(test, aiaccel_sim_reg_read(test->priv, AIACCEL_REG_MAX + 4, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_reg_write(test->priv, AIACCEL_REG_MAX + 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_reg_read(test->priv, 0x7fffffff, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_reg_read(test->priv, AIACCEL_REG_SCRATCH + 2, &val),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_reg_write(test->priv, AIACCEL_REG_SCRATCH + 1, 1),
			-EINVAL);
}

static int raised;

static void count_raise(void *ctx)
{
	raised++;
}

static void sim_regs_irq_w1c_and_edges(struct kunit *test)
{
	struct aiaccel_sim *sim = test->priv;

	raised = 0;
	sim->raise_irq = count_raise;

	/* A cause that is masked does not assert the line. */
	scoped_guard(spinlock_irqsave, &sim->lock)
		sim->irq_status = AIACCEL_IRQ_GLOBAL_ERROR;
	wr(test, AIACCEL_REG_IRQ_MASK, AIACCEL_IRQ_MMU_FAULT);
	KUNIT_EXPECT_EQ(test, raised, 0);

	/* Unmasking a pending cause is a rising edge. */
	wr(test, AIACCEL_REG_IRQ_MASK, AIACCEL_IRQ_MMU_FAULT | AIACCEL_IRQ_GLOBAL_ERROR);
	KUNIT_EXPECT_EQ(test, raised, 1);
	/* Re-writing the mask while the line is high is not another edge. */
	wr(test, AIACCEL_REG_IRQ_MASK, AIACCEL_IRQ_MMU_FAULT | AIACCEL_IRQ_GLOBAL_ERROR);
	KUNIT_EXPECT_EQ(test, raised, 1);

	/* Write-1-to-clear: clearing another bit leaves the cause pending. */
	wr(test, AIACCEL_REG_IRQ_STATUS, AIACCEL_IRQ_MMU_FAULT);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_IRQ_STATUS), AIACCEL_IRQ_GLOBAL_ERROR);
	wr(test, AIACCEL_REG_IRQ_STATUS, AIACCEL_IRQ_GLOBAL_ERROR);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_IRQ_STATUS), 0);

	/* Mask everything (what the driver's hard handler does), then re-arm. */
	wr(test, AIACCEL_REG_IRQ_MASK, 0);
	scoped_guard(spinlock_irqsave, &sim->lock)
		sim->irq_status = AIACCEL_IRQ_MMU_FAULT;
	KUNIT_EXPECT_EQ(test, raised, 1);
	wr(test, AIACCEL_REG_IRQ_MASK, AIACCEL_IRQ_MMU_FAULT);
	KUNIT_EXPECT_EQ(test, raised, 2);
}

static void sim_regs_ring_writable_only_when_disabled(struct kunit *test)
{
	unsigned int q = AIACCEL_QUEUE_BASE(1);

	wr(test, q + AIACCEL_Q_RING_BASE_LO, 0x1000);
	wr(test, q + AIACCEL_Q_RING_BASE_HI, 0x2);
	wr(test, q + AIACCEL_Q_RING_SIZE, 64);
	wr(test, q + AIACCEL_Q_DONE_SEQNO, 41);
	wr(test, q + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_STATUS) & AIACCEL_Q_STATUS_ENABLED,
			AIACCEL_Q_STATUS_ENABLED);

	wr(test, q + AIACCEL_Q_RING_BASE_LO, 0x5000);
	wr(test, q + AIACCEL_Q_RING_SIZE, 8);
	wr(test, q + AIACCEL_Q_DONE_SEQNO, 7);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_BASE_LO), 0x1000);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_BASE_HI), 0x2);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_SIZE), 64);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 41);

	/* Engine reset: every queue register back to zero, the other queue kept. */
	wr(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_WATCHDOG_MS, 100);
	wr(test, q + AIACCEL_Q_CTRL, AIACCEL_Q_CTRL_RESET);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_CTRL), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_BASE_LO), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_DONE_SEQNO), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_WATCHDOG_MS), 100);
}

static void sim_regs_device_reset(struct kunit *test)
{
	wr(test, AIACCEL_REG_SCRATCH, 5);
	wr(test, AIACCEL_REG_IRQ_MASK, 0xff);
	wr(test, AIACCEL_REG_CLOCK_LEVEL, 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_CLOCK_MHZ), 200);
	wr(test, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_RING_SIZE, 16);

	/* Only the key resets. */
	wr(test, AIACCEL_REG_RESET, 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_SCRATCH), 5);

	wr(test, AIACCEL_REG_RESET, AIACCEL_RESET_KEY);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_SCRATCH), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_IRQ_MASK), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_CLOCK_LEVEL), AIACCEL_SIM_CLOCK_LEVELS - 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_POWER_STATUS), AIACCEL_POWER_ON);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_RING_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_ID), AIACCEL_ID_VALUE);
}

static void sim_regs_power_domains(struct kunit *test)
{
	unsigned int q = AIACCEL_QUEUE_BASE(0);
	struct aiaccel_sim *sim = test->priv;

	wr(test, AIACCEL_REG_SCRATCH, 7);
	wr(test, AIACCEL_REG_IRQ_MASK, AIACCEL_IRQ_GLOBAL_ERROR);
	wr(test, AIACCEL_REG_CLOCK_LEVEL, 2);
	wr(test, q + AIACCEL_Q_RING_SIZE, 64);
	wr(test, q + AIACCEL_Q_WATCHDOG_MS, 100);
	scoped_guard(spinlock_irqsave, &sim->lock)
		sim->perf_jobs = 9;

	wr(test, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_OFF);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_POWER_STATUS), AIACCEL_POWER_OFF);
	/* The switchable domain reads as zero and ignores writes... */
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_CLOCK_MHZ), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_GLOBAL_ERROR), 0);
	wr(test, q + AIACCEL_Q_WATCHDOG_MS, 5);
	/* ...and says so: software wrote to a powered-off register. */
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_GLOBAL_ERROR), AIACCEL_GERR_WRITE_OFF);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_IRQ_STATUS), AIACCEL_IRQ_GLOBAL_ERROR);
	wr(test, AIACCEL_REG_GLOBAL_ERROR, AIACCEL_GERR_WRITE_OFF);
	wr(test, AIACCEL_REG_IRQ_STATUS, AIACCEL_IRQ_GLOBAL_ERROR);
	/* ...while the always-on domain keeps working. */
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_ID), AIACCEL_ID_VALUE);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_SCRATCH), 7);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_PERF_JOBS_LO), 9);

	/* A doorbell is refused and says so. */
	wr(test, q + AIACCEL_Q_DOORBELL, 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_GLOBAL_ERROR), AIACCEL_GERR_DOORBELL_OFF);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_IRQ_STATUS), AIACCEL_IRQ_GLOBAL_ERROR);

	/* Power-on finds the switchable domain at its reset values. */
	wr(test, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_ON);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_RING_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rd(test, q + AIACCEL_Q_WATCHDOG_MS), 0);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_CLOCK_LEVEL), AIACCEL_SIM_CLOCK_LEVELS - 1);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_SCRATCH), 7);
	KUNIT_EXPECT_EQ(test, rd(test, AIACCEL_REG_IRQ_MASK), AIACCEL_IRQ_GLOBAL_ERROR);
}

static const struct regmap_config test_regmap_config = {
	.reg_bits = 32,
	.reg_stride = 4,
	.val_bits = 32,
	.max_register = AIACCEL_REG_MAX,
	.reg_read = aiaccel_sim_reg_read,
	.reg_write = aiaccel_sim_reg_write,
	.fast_io = true,
};

static void sim_regs_through_regmap(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "aiaccel-regs-test");
	struct regmap *map;
	unsigned int val;
	u32 pair[2];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	map = devm_regmap_init(dev, NULL, test->priv, &test_regmap_config);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);

	KUNIT_EXPECT_EQ(test, regmap_read(map, AIACCEL_REG_ID, &val), 0);
	KUNIT_EXPECT_EQ(test, val, AIACCEL_ID_VALUE);
	KUNIT_EXPECT_EQ(test, regmap_bulk_read(map, AIACCEL_REG_MEM_SIZE_LO, pair, 2), 0);
	KUNIT_EXPECT_EQ(test, (u64)pair[1] << 32 | pair[0], 6ULL * SZ_1G);

	/* Past the end of the register file, or not on a register boundary. */
	KUNIT_EXPECT_LT(test, regmap_read(map, AIACCEL_REG_MAX + 4, &val), 0);
	KUNIT_EXPECT_LT(test, regmap_write(map, AIACCEL_REG_MAX + 4, 1), 0);
	KUNIT_EXPECT_LT(test, regmap_read(map, AIACCEL_REG_ID + 2, &val), 0);
}

static struct kunit_case sim_regs_cases[] = {
	KUNIT_CASE(sim_regs_identification),
	KUNIT_CASE(sim_regs_read_only_ignore_writes),
	KUNIT_CASE(sim_regs_scratch_and_holes),
	KUNIT_CASE(sim_regs_out_of_range),
	KUNIT_CASE(sim_regs_irq_w1c_and_edges),
	KUNIT_CASE(sim_regs_ring_writable_only_when_disabled),
	KUNIT_CASE(sim_regs_device_reset),
	KUNIT_CASE(sim_regs_power_domains),
	KUNIT_CASE(sim_regs_through_regmap),
	{}
};

static struct kunit_suite sim_regs_suite = {
	.name = "aiaccel_sim_regs",
	.init = sim_regs_init,
	.test_cases = sim_regs_cases,
};

kunit_test_suite(sim_regs_suite);
