/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: driver-wide definitions.
 */
#ifndef __AIACCEL_DRV_H__
#define __AIACCEL_DRV_H__

#include <linux/atomic.h>
#include <linux/spinlock.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "aiaccel_hw.h"

struct aiaccel_vm;
struct regmap;

/**
 * struct aiaccel_device - One aiaccel accelerator.
 * @drm: The DRM device; its parent is the platform device.
 * @regs: The device's registers.
 * @irq: Interrupt line.
 * @hw: Fixed properties read from the registers at probe.
 * @queue_depth: Jobs each engine queue takes in flight (module parameter
 *	at probe time).
 * @mem_used: Bytes of the memory budget held by buffers created here.
 */
struct aiaccel_device {
	struct drm_device drm;
	struct regmap *regs;
	int irq;
	struct aiaccel_hw_info hw;
	u32 queue_depth;
	atomic64_t mem_used;
};

/**
 * struct aiaccel_file - What one open file of the device owns.
 * @adev: The device.
 * @vm: Its device address space.
 * @mem_lock: Protects @mem and @mem_peak.
 * @mem: Bytes of the buffers this file holds handles to.
 * @mem_peak: Highest @mem seen.
 */
struct aiaccel_file {
	struct aiaccel_device *adev;
	struct aiaccel_vm *vm;
	spinlock_t mem_lock; /* @mem, @mem_peak */
	u64 mem;
	u64 mem_peak;
};

void aiaccel_file_account(struct aiaccel_file *afile, s64 delta);

static inline struct aiaccel_device *to_aiaccel(struct drm_device *drm)
{
	return container_of(drm, struct aiaccel_device, drm);
}

extern bool aiaccel_debug;

__printf(2, 3)
void aiaccel_event(struct aiaccel_device *adev, const char *fmt, ...);

#endif /* __AIACCEL_DRV_H__ */
