// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: power management.
 *
 * Runtime PM with autosuspend: every job holds a runtime-PM reference from
 * run_job until its hardware fence signals, so the device powers off only
 * when no job is on an engine, and the first job after that powers it
 * back on.  Powering off loses the switchable power domain (queues, MMU,
 * clock level: hardware.rst, "Power and clocks"); with all queues idle the
 * only state to restore is the ring configuration and the clock level.
 *
 * System suspend stops feeding the engines, waits for the jobs on them,
 * powers off; resume powers on and lets the schedulers go on with the
 * queued jobs.  Engine recovery (the scheduler's timeout handler) and
 * system sleep exclude each other through adev->reset_lock: recovery
 * leaves a sleeping device alone.
 *
 * Interrupts are off while the device is powered off: no handler reads
 * the registers of a powered-off domain.
 *
 * Power modes (DRM_IOCTL_AIACCEL_POWER, sysfs power_mode) choose the
 * clock level and whether the device may power off when idle:
 * PERFORMANCE holds a runtime-PM reference of its own, so the
 * administrator's power/control stays what the administrator wrote.
 */

#include <linux/pm_runtime.h>
#include <linux/regmap.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/aiaccel_accel.h>

#include <kunit/visibility.h>

#include "aiaccel_drv.h"
#include "aiaccel_pm.h"
#include "aiaccel_trace.h"

#define AIACCEL_AUTOSUSPEND_MS	50

/**
 * aiaccel_pm_clock_level() - Clock level a power mode runs at.
 * @mode: &enum drm_aiaccel_power_mode.
 * @levels: Clock levels the device has.
 *
 * Return: the level, 0 (slowest) to @levels - 1 (full speed).
 */
u32 aiaccel_pm_clock_level(u32 mode, u32 levels)
{
	return mode == DRM_AIACCEL_POWER_LOW ? 0 : levels - 1;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_pm_clock_level);

/**
 * aiaccel_pm_mode_valid() - Is @mode a power mode?
 * @mode: Value from userspace.
 *
 * Return: true if it is one of &enum drm_aiaccel_power_mode.
 */
VISIBLE_IF_KUNIT bool aiaccel_pm_mode_valid(u32 mode)
{
	return mode <= DRM_AIACCEL_POWER_LOW;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_pm_mode_valid);

static u32 clock_mhz(struct aiaccel_device *adev, u32 mode)
{
	u32 level = aiaccel_pm_clock_level(mode, adev->hw.clock_levels);

	return adev->hw.max_clock_mhz >> (adev->hw.clock_levels - 1 - level);
}

static void power_on(struct aiaccel_device *adev)
{
	regmap_write(adev->regs, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_ON);
	regmap_write(adev->regs, AIACCEL_REG_CLOCK_LEVEL,
		     aiaccel_pm_clock_level(adev->power_mode, adev->hw.clock_levels));
	aiaccel_queues_restore(adev);
	aiaccel_irq_enable(adev, true);
}

static int aiaccel_runtime_suspend(struct device *dev)
{
	struct aiaccel_device *adev = dev_get_drvdata(dev);

	/* No job holds a reference: every queue is idle. */
	aiaccel_irq_enable(adev, false);
	regmap_write(adev->regs, AIACCEL_REG_POWER_CTRL, AIACCEL_POWER_OFF);
	trace_aiaccel_power(false, adev->power_mode);
	aiaccel_dbg_event(adev, "powered off\n");
	return 0;
}

static int aiaccel_runtime_resume(struct device *dev)
{
	struct aiaccel_device *adev = dev_get_drvdata(dev);

	power_on(adev);
	trace_aiaccel_power(true, adev->power_mode);
	aiaccel_dbg_event(adev, "powered on\n");
	return 0;
}

static int aiaccel_system_suspend(struct device *dev)
{
	struct aiaccel_device *adev = dev_get_drvdata(dev);
	int ret;

	ret = aiaccel_queues_quiesce(adev);
	if (ret) {
		aiaccel_queues_resume(adev);
		return ret;
	}
	scoped_guard(mutex, &adev->reset_lock) {
		ret = pm_runtime_force_suspend(dev);
		adev->sleeping = !ret;
	}
	if (ret)
		aiaccel_queues_resume(adev);
	return ret;
}

static int aiaccel_system_resume(struct device *dev)
{
	struct aiaccel_device *adev = dev_get_drvdata(dev);
	int ret;

	scoped_guard(mutex, &adev->reset_lock) {
		ret = pm_runtime_force_resume(dev);
		adev->sleeping = false;
	}
	aiaccel_queues_resume(adev);
	return ret;
}

const struct dev_pm_ops aiaccel_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(aiaccel_system_suspend, aiaccel_system_resume)
	RUNTIME_PM_OPS(aiaccel_runtime_suspend, aiaccel_runtime_resume, NULL)
};

/**
 * aiaccel_pm_set_mode() - Switch power mode.
 * @adev: The device.
 * @mode: A valid &enum drm_aiaccel_power_mode.
 *
 * Return: 0 or a negative errno from runtime PM.
 */
int aiaccel_pm_set_mode(struct aiaccel_device *adev, u32 mode)
{
	struct device *dev = adev->drm.dev;
	int ret;

	u32 old;

	guard(mutex)(&adev->power_lock);
	old = adev->power_mode;
	if (mode == old)
		return 0;

	/* Apply the clock now if powered; power_on() applies it otherwise. */
	ret = pm_runtime_resume_and_get(dev);
	if (ret)
		return ret;
	adev->power_mode = mode;
	regmap_write(adev->regs, AIACCEL_REG_CLOCK_LEVEL,
		     aiaccel_pm_clock_level(mode, adev->hw.clock_levels));
	/* PERFORMANCE keeps the reference just taken: the device stays on. */
	if (mode != DRM_AIACCEL_POWER_PERFORMANCE) {
		if (old == DRM_AIACCEL_POWER_PERFORMANCE)
			pm_runtime_put_noidle(dev);
		pm_runtime_put_autosuspend(dev);
	}
	aiaccel_dbg_event(adev, "power mode %u, %u MHz\n", mode, clock_mhz(adev, mode));
	return 0;
}

/**
 * aiaccel_pm_init() - Enable runtime PM on a device that is powered on.
 * @adev: The device, with its queues set up.
 *
 * Return: 0 or a negative errno.
 */
int aiaccel_pm_init(struct aiaccel_device *adev)
{
	struct device *dev = adev->drm.dev;

	adev->power_mode = DRM_AIACCEL_POWER_AUTO;
	adev->probe_ns = ktime_get_ns();
	pm_runtime_set_autosuspend_delay(dev, AIACCEL_AUTOSUSPEND_MS);
	pm_runtime_use_autosuspend(dev);
	return devm_pm_runtime_set_active_enabled(dev);
}

/**
 * aiaccel_pm_fini() - The device is going away: interrupts off, power off.
 * @adev: The device, with every job ended (aiaccel_queues_unplug()).
 */
void aiaccel_pm_fini(struct aiaccel_device *adev)
{
	struct device *dev = adev->drm.dev;

	/* IRQ_MASK is always on: fine whether the device is powered or not. */
	aiaccel_irq_enable(adev, false);
	scoped_guard(mutex, &adev->power_lock)
		if (adev->power_mode == DRM_AIACCEL_POWER_PERFORMANCE)
			pm_runtime_put_noidle(dev);
	/* Now rather than after the autosuspend delay: runtime PM ends with the device. */
	pm_runtime_suspend(dev);
}

/**
 * aiaccel_pm_residency() - Time spent powered and powered off since probe.
 * @adev: The device.
 * @active_ns: Receives the powered time.
 * @suspended_ns: Receives the powered-off time.
 */
void aiaccel_pm_residency(struct aiaccel_device *adev, u64 *active_ns, u64 *suspended_ns)
{
	u64 total = ktime_get_ns() - adev->probe_ns;

	*suspended_ns = IS_ENABLED(CONFIG_PM) ? pm_runtime_suspended_time(adev->drm.dev) : 0;
	*active_ns = total - min(*suspended_ns, total);
}

/**
 * aiaccel_pm_get() - Hold the device powered for a job.
 * @adev: The device.
 *
 * Return: 0 or a negative errno.
 */
int aiaccel_pm_get(struct aiaccel_device *adev)
{
	return pm_runtime_resume_and_get(adev->drm.dev);
}

/**
 * aiaccel_pm_put() - A job is off the engine; may be called in atomic context.
 * @adev: The device.
 */
void aiaccel_pm_put(struct aiaccel_device *adev)
{
	pm_runtime_mark_last_busy(adev->drm.dev);
	pm_runtime_put_autosuspend(adev->drm.dev);
}

int aiaccel_ioctl_power(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct drm_aiaccel_power *args = data;
	struct device *dev = drm->dev;
	int ret;

	if (args->flags & ~DRM_AIACCEL_POWER_SET)
		return -EINVAL;
	if (args->flags & DRM_AIACCEL_POWER_SET) {
		if (!aiaccel_pm_mode_valid(args->mode))
			return -EINVAL;
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		ret = aiaccel_pm_set_mode(adev, args->mode);
		if (ret)
			return ret;
	}
	args->mode = READ_ONCE(adev->power_mode);
	args->clock_mhz = clock_mhz(adev, args->mode);
	args->powered = !pm_runtime_suspended(dev);
	aiaccel_pm_residency(adev, &args->active_ns, &args->suspended_ns);
	return 0;
}
