/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: power management.
 */
#ifndef __AIACCEL_PM_H__
#define __AIACCEL_PM_H__

#include <linux/pm.h>
#include <linux/types.h>

struct aiaccel_device;
struct drm_device;
struct drm_file;

extern const struct dev_pm_ops aiaccel_pm_ops;

u32 aiaccel_pm_clock_level(u32 mode, u32 levels);
int aiaccel_pm_init(struct aiaccel_device *adev);
void aiaccel_pm_fini(struct aiaccel_device *adev);
int aiaccel_pm_set_mode(struct aiaccel_device *adev, u32 mode);
void aiaccel_pm_residency(struct aiaccel_device *adev, u64 *active_ns, u64 *suspended_ns);
int aiaccel_pm_get(struct aiaccel_device *adev);
void aiaccel_pm_put(struct aiaccel_device *adev);

int aiaccel_ioctl_power(struct drm_device *drm, void *data, struct drm_file *file);

#if IS_ENABLED(CONFIG_KUNIT)
bool aiaccel_pm_mode_valid(u32 mode);
#endif

#endif /* __AIACCEL_PM_H__ */
