/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: what the driver knows about the hardware, read from its
 * registers.  Everything the driver does to the device goes through the
 * regmap; see Documentation/accel/aiaccel/hardware.rst.
 */
#ifndef __AIACCEL_HW_H__
#define __AIACCEL_HW_H__

#include <linux/types.h>

struct drm_aiaccel_info;
struct regmap;

/**
 * struct aiaccel_hw_info - Fixed properties of one device.
 * @device_id: ID register.
 * @hw_version: VERSION register.
 * @caps: CAPS register (AIACCEL_CAPS_*).
 * @num_engines: Compute engines / job queues.
 * @num_dma_channels: Shared DMA channels.
 * @va_bits: Device virtual address width.
 * @pt_levels: Page-table levels.
 * @clock_levels: Engine clock levels.
 * @mem_size: Memory budget in bytes.
 * @max_clock_mhz: Clock at the top level.
 * @instance: INSTANCE register.
 * @isa_version: ISA_VERSION register.
 */
struct aiaccel_hw_info {
	u32 device_id;
	u32 hw_version;
	u32 caps;
	u32 num_engines;
	u32 num_dma_channels;
	u32 va_bits;
	u32 pt_levels;
	u32 clock_levels;
	u64 mem_size;
	u32 max_clock_mhz;
	u32 instance;
	u32 isa_version;
};

int aiaccel_hw_read_u64(struct regmap *regs, unsigned int lo, u64 *val);
int aiaccel_hw_probe_info(struct regmap *regs, struct aiaccel_hw_info *hw);
void aiaccel_hw_to_uapi_info(const struct aiaccel_hw_info *hw,
			     struct drm_aiaccel_info *info);

#endif /* __AIACCEL_HW_H__ */
