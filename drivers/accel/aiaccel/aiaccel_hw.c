// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: reading the device's identity and configuration registers.
 */

#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/regmap.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include <drm/aiaccel_accel.h>

#include "aiaccel_hw.h"
#include "aiaccel_regs.h"

/**
 * aiaccel_hw_read_u64() - Read a 64-bit register pair.
 * @regs: Device registers.
 * @lo: Offset of the _LO half; the _HI half follows it.
 * @val: Where to store the value.
 *
 * Reading _LO latches _HI in the device; the bulk read keeps another
 * regmap user from slipping in between the two halves.
 *
 * Return: 0 or a negative errno from regmap.
 */
int aiaccel_hw_read_u64(struct regmap *regs, unsigned int lo, u64 *val)
{
	u32 half[2];
	int ret;

	ret = regmap_bulk_read(regs, lo, half, 2);
	if (ret)
		return ret;
	*val = (u64)half[1] << 32 | half[0];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_hw_read_u64);

/**
 * aiaccel_hw_probe_info() - Identify the device and read its configuration.
 * @regs: Device registers.
 * @hw: Filled with what the registers say.
 *
 * Return: 0; -ENODEV if the ID register does not name an aiaccel, or the
 * configuration is one this driver cannot drive; or a regmap error.
 */
int aiaccel_hw_probe_info(struct regmap *regs, struct aiaccel_hw_info *hw)
{
	u32 config;
	int ret;

	memset(hw, 0, sizeof(*hw));

	ret = regmap_read(regs, AIACCEL_REG_ID, &hw->device_id);
	if (ret)
		return ret;
	if (hw->device_id != AIACCEL_ID_VALUE)
		return -ENODEV;

	ret = regmap_read(regs, AIACCEL_REG_VERSION, &hw->hw_version);
	if (!ret)
		ret = regmap_read(regs, AIACCEL_REG_CAPS, &hw->caps);
	if (!ret)
		ret = regmap_read(regs, AIACCEL_REG_CONFIG, &config);
	if (!ret)
		ret = aiaccel_hw_read_u64(regs, AIACCEL_REG_MEM_SIZE_LO, &hw->mem_size);
	if (!ret)
		ret = regmap_read(regs, AIACCEL_REG_MAX_CLOCK_MHZ, &hw->max_clock_mhz);
	if (!ret)
		ret = regmap_read(regs, AIACCEL_REG_INSTANCE, &hw->instance);
	if (!ret)
		ret = regmap_read(regs, AIACCEL_REG_ISA_VERSION, &hw->isa_version);
	if (ret)
		return ret;

	hw->num_engines = FIELD_GET(AIACCEL_CONFIG_ENGINES, config);
	hw->num_dma_channels = FIELD_GET(AIACCEL_CONFIG_DMA_CHANNELS, config);
	hw->va_bits = FIELD_GET(AIACCEL_CONFIG_VA_BITS, config);
	hw->pt_levels = FIELD_GET(AIACCEL_CONFIG_PT_LEVELS, config);
	hw->clock_levels = FIELD_GET(AIACCEL_CONFIG_CLOCK_LEVELS, config);

	/* This driver speaks version 1 of the programming model. */
	if (FIELD_GET(AIACCEL_VERSION_MAJOR, hw->hw_version) != 1 ||
	    !hw->num_engines || hw->num_engines > AIACCEL_MAX_QUEUES ||
	    hw->va_bits != AIACCEL_VA_BITS || hw->pt_levels != AIACCEL_PT_LEVELS ||
	    !hw->clock_levels || !hw->mem_size)
		return -ENODEV;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_hw_probe_info);

/**
 * aiaccel_hw_to_uapi_info() - Translate hardware facts into GET_INFO's form.
 * @hw: What the registers said.
 * @info: The uAPI struct; fields that are not hardware facts (queue depth,
 *	memory in use) are left for the caller.
 */
void aiaccel_hw_to_uapi_info(const struct aiaccel_hw_info *hw,
			     struct drm_aiaccel_info *info)
{
	static const struct {
		u32 hw;
		u64 uapi;
	} caps[] = {
		{ AIACCEL_CAPS_MMU, DRM_AIACCEL_CAP_MMU },
		{ AIACCEL_CAPS_ISA_INT8, DRM_AIACCEL_CAP_ISA_INT8 },
		{ AIACCEL_CAPS_PERFCNT, DRM_AIACCEL_CAP_PERFCNT },
		{ AIACCEL_CAPS_CLOCK_LEVELS, DRM_AIACCEL_CAP_CLOCK_LEVELS },
		{ AIACCEL_CAPS_WATCHDOG, DRM_AIACCEL_CAP_WATCHDOG },
	};
	unsigned int i;

	memset(info, 0, sizeof(*info));
	info->device_id = hw->device_id;
	info->hw_version = hw->hw_version;
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (hw->caps & caps[i].hw)
			info->capabilities |= caps[i].uapi;
	info->num_engines = hw->num_engines;
	info->num_dma_channels = hw->num_dma_channels;
	info->mem_size = hw->mem_size;
	info->isa_version = hw->isa_version;
	info->va_bits = hw->va_bits;
	info->page_size = AIACCEL_PAGE_SIZE;
	info->max_clock_mhz = hw->max_clock_mhz;
	info->clock_levels = hw->clock_levels;
	info->instance = hw->instance;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_hw_to_uapi_info);
