// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the driver's reading of the device registers and their
 * translation into DRM_IOCTL_AIACCEL_GET_INFO, against the hardware model.
 */

#include <linux/bitfield.h>
#include <linux/regmap.h>
#include <linux/sizes.h>

#include <kunit/device.h>
#include <kunit/test.h>

#include <drm/aiaccel_accel.h>

#include "aiaccel_hw.h"
#include "sim/aiaccel_sim.h"

/* A chip whose identification registers can be overridden. */
struct hw_test_chip {
	struct aiaccel_sim sim;
	bool override;
	unsigned int override_reg;
	u32 override_val;
};

static int hw_test_read(void *context, unsigned int reg, unsigned int *val)
{
	struct hw_test_chip *chip = context;

	if (chip->override && reg == chip->override_reg) {
		*val = chip->override_val;
		return 0;
	}
	return aiaccel_sim_reg_read(&chip->sim, reg, val);
}

static const struct regmap_config hw_test_regmap_config = {
	.reg_bits = 32,
	.reg_stride = 4,
	.val_bits = 32,
	.max_register = AIACCEL_REG_MAX,
	.reg_read = hw_test_read,
	.reg_write = aiaccel_sim_reg_write,
	.fast_io = true,
};

static struct regmap *hw_test_chip(struct kunit *test, const struct aiaccel_sim_config *cfg,
				   struct hw_test_chip **out)
{
	struct device *dev = kunit_device_register(test, "aiaccel-hw-test");
	struct hw_test_chip *chip;
	struct regmap *map;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	chip = kunit_kzalloc(test, sizeof(*chip), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, chip);
	KUNIT_ASSERT_EQ(test, aiaccel_sim_init(&chip->sim, cfg), 0);
	map = devm_regmap_init(dev, NULL, chip, &hw_test_regmap_config);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);
	if (out)
		*out = chip;
	return map;
}

static void hw_probe_info_reads_registers(struct kunit *test)
{
	static const struct aiaccel_sim_config cfg = {
		.instance = 2, .num_engines = 3, .num_dma_channels = 7,
		.mem_size = 5ULL * SZ_1G + SZ_4K, .max_clock_mhz = 1200,
	};
	struct regmap *map = hw_test_chip(test, &cfg, NULL);
	struct aiaccel_hw_info hw;

	KUNIT_ASSERT_EQ(test, aiaccel_hw_probe_info(map, &hw), 0);
	KUNIT_EXPECT_EQ(test, hw.device_id, AIACCEL_ID_VALUE);
	KUNIT_EXPECT_EQ(test, u32_get_bits(hw.hw_version, AIACCEL_VERSION_MAJOR), 1);
	KUNIT_EXPECT_EQ(test, hw.num_engines, 3);
	KUNIT_EXPECT_EQ(test, hw.num_dma_channels, 7);
	KUNIT_EXPECT_EQ(test, hw.mem_size, 5ULL * SZ_1G + SZ_4K);
	KUNIT_EXPECT_EQ(test, hw.max_clock_mhz, 1200);
	KUNIT_EXPECT_EQ(test, hw.instance, 2);
	KUNIT_EXPECT_EQ(test, hw.va_bits, AIACCEL_VA_BITS);
	KUNIT_EXPECT_EQ(test, hw.pt_levels, AIACCEL_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, hw.clock_levels, AIACCEL_SIM_CLOCK_LEVELS);
	KUNIT_EXPECT_EQ(test, hw.isa_version, 1);
}

static void hw_uapi_info_translation(struct kunit *test)
{
	static const struct aiaccel_sim_config cfg = {
		.instance = 1, .num_engines = 4, .num_dma_channels = 2,
		.mem_size = SZ_256M, .max_clock_mhz = 1000,
	};
	struct regmap *map = hw_test_chip(test, &cfg, NULL);
	struct drm_aiaccel_info info;
	struct aiaccel_hw_info hw;

	KUNIT_ASSERT_EQ(test, aiaccel_hw_probe_info(map, &hw), 0);
	memset(&info, 0xa5, sizeof(info));
	aiaccel_hw_to_uapi_info(&hw, &info);

	KUNIT_EXPECT_EQ(test, info.device_id, AIACCEL_ID_VALUE);
	KUNIT_EXPECT_EQ(test, info.hw_version, hw.hw_version);
	KUNIT_EXPECT_EQ(test, info.capabilities,
			DRM_AIACCEL_CAP_MMU | DRM_AIACCEL_CAP_ISA_INT8 |
			DRM_AIACCEL_CAP_PERFCNT | DRM_AIACCEL_CAP_CLOCK_LEVELS |
			DRM_AIACCEL_CAP_WATCHDOG);
	KUNIT_EXPECT_EQ(test, info.num_engines, 4);
	KUNIT_EXPECT_EQ(test, info.num_dma_channels, 2);
	KUNIT_EXPECT_EQ(test, info.mem_size, SZ_256M);
	KUNIT_EXPECT_EQ(test, info.page_size, SZ_4K);
	KUNIT_EXPECT_EQ(test, info.va_bits, AIACCEL_VA_BITS);
	KUNIT_EXPECT_EQ(test, info.max_clock_mhz, 1000);
	KUNIT_EXPECT_EQ(test, info.clock_levels, AIACCEL_SIM_CLOCK_LEVELS);
	KUNIT_EXPECT_EQ(test, info.instance, 1);
	KUNIT_EXPECT_EQ(test, info.isa_version, 1);
	/* Not hardware facts: left zero for the caller, padding cleared. */
	KUNIT_EXPECT_EQ(test, info.queue_depth, 0);
	KUNIT_EXPECT_EQ(test, info.mem_used, 0);
	KUNIT_EXPECT_EQ(test, info.pad, 0);
}

static void hw_caps_bits_map_one_to_one(struct kunit *test)
{
	struct aiaccel_hw_info hw = { .caps = AIACCEL_CAPS_PERFCNT };
	struct drm_aiaccel_info info;

	aiaccel_hw_to_uapi_info(&hw, &info);
	KUNIT_EXPECT_EQ(test, info.capabilities, DRM_AIACCEL_CAP_PERFCNT);
	hw.caps = AIACCEL_CAPS_WATCHDOG | BIT(31);	/* unknown bits dropped */
	aiaccel_hw_to_uapi_info(&hw, &info);
	KUNIT_EXPECT_EQ(test, info.capabilities, DRM_AIACCEL_CAP_WATCHDOG);
}

static void hw_rejects_foreign_devices(struct kunit *test)
{
	static const struct aiaccel_sim_config cfg = {
		.num_engines = 1, .num_dma_channels = 1,
		.mem_size = SZ_1M, .max_clock_mhz = 100,
	};
	struct hw_test_chip *chip;
	struct regmap *map = hw_test_chip(test, &cfg, &chip);
	struct aiaccel_hw_info hw;

	chip->override = true;
	chip->override_reg = AIACCEL_REG_ID;
	chip->override_val = 0x10de0001;
	KUNIT_EXPECT_EQ(test, aiaccel_hw_probe_info(map, &hw), -ENODEV);

	/* A version 2 programming model is not one this driver speaks. */
	chip->override_reg = AIACCEL_REG_VERSION;
	chip->override_val = FIELD_PREP(AIACCEL_VERSION_MAJOR, 2);
	KUNIT_EXPECT_EQ(test, aiaccel_hw_probe_info(map, &hw), -ENODEV);

	/* Nor a configuration with no engines. */
	chip->override_reg = AIACCEL_REG_CONFIG;
	chip->override_val = FIELD_PREP(AIACCEL_CONFIG_VA_BITS, AIACCEL_VA_BITS) |
			     FIELD_PREP(AIACCEL_CONFIG_PT_LEVELS, AIACCEL_PT_LEVELS) |
			     FIELD_PREP(AIACCEL_CONFIG_CLOCK_LEVELS, 4);
	KUNIT_EXPECT_EQ(test, aiaccel_hw_probe_info(map, &hw), -ENODEV);

	chip->override = false;
	KUNIT_EXPECT_EQ(test, aiaccel_hw_probe_info(map, &hw), 0);
}

static struct kunit_case hw_cases[] = {
	KUNIT_CASE(hw_probe_info_reads_registers),
	KUNIT_CASE(hw_uapi_info_translation),
	KUNIT_CASE(hw_caps_bits_map_one_to_one),
	KUNIT_CASE(hw_rejects_foreign_devices),
	{}
};

static struct kunit_suite hw_suite = {
	.name = "aiaccel_hw",
	.test_cases = hw_cases,
};

kunit_test_suite(hw_suite);
