// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: DRM accel driver for the aiaccel inference accelerator.
 *
 * The device is a platform device whose parent provides its registers as a
 * regmap (the hardware model does; a silicon integration would hand over a
 * regmap-mmio instead) and which carries one interrupt line.
 */

#include <linux/bitfield.h>
#include <linux/devcoredump.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/aiaccel_accel.h>

#include <kunit/visibility.h>

#include "aiaccel_ctx.h"
#include "aiaccel_debugfs.h"
#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_job.h"
#include "aiaccel_mmu.h"
#include "aiaccel_pm.h"
#include "aiaccel_regs.h"
#include "aiaccel_stats.h"
#include "aiaccel_sysfs.h"

static int queue_depth_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, AIACCEL_RING_SIZE_MAX / 2);
}

static const struct kernel_param_ops queue_depth_ops = {
	.set = queue_depth_set,
	.get = param_get_uint,
};

/* Visible to KUnit, which probes devices of its own with other values. */
VISIBLE_IF_KUNIT unsigned int aiaccel_queue_depth = 128;
EXPORT_SYMBOL_IF_KUNIT(aiaccel_queue_depth);
module_param_cb(queue_depth, &queue_depth_ops, &aiaccel_queue_depth, 0644);
MODULE_PARM_DESC(queue_depth,
		 "Jobs in flight per engine queue, 1-2048 (default 128); read at probe");

VISIBLE_IF_KUNIT unsigned int aiaccel_job_timeout_ms = 5000;
EXPORT_SYMBOL_IF_KUNIT(aiaccel_job_timeout_ms);
module_param_named(job_timeout_ms, aiaccel_job_timeout_ms, uint, 0644);
MODULE_PARM_DESC(job_timeout_ms,
		 "Reset an engine whose job made no progress for this long, ms (default 5000); read at probe");

VISIBLE_IF_KUNIT unsigned int aiaccel_job_max_ms = 120000;
EXPORT_SYMBOL_IF_KUNIT(aiaccel_job_max_ms);
module_param_named(job_max_ms, aiaccel_job_max_ms, uint, 0644);
MODULE_PARM_DESC(job_max_ms,
		 "Fail a job still running after this long on an engine, ms; 0: no limit (default 120000); read at probe");

/*
 * The driver's debug messages are dynamic debug callsites of a class each
 * (enum aiaccel_dbg_class); "debug" turns the classes on by bit, bit 0 for
 * AIACCEL_DBG_EVENT, as drm.debug does for DRM's categories.  Without
 * dynamic debug it is the same bitmap, checked at each message.
 */
#if IS_ENABLED(CONFIG_DYNAMIC_DEBUG_CORE)
DECLARE_DYNDBG_CLASSMAP(aiaccel_dbg_classes, DD_CLASS_TYPE_DISJOINT_BITS,
			AIACCEL_DBG_EVENT, "AIACCEL_DBG_EVENT");

static unsigned long aiaccel_debug;
static struct ddebug_class_param aiaccel_debug_param = {
	.bits = &aiaccel_debug,
	.flags = "p",
	.map = &aiaccel_dbg_classes,
};
module_param_cb(debug, &param_ops_dyndbg_classes, &aiaccel_debug_param, 0644);
#else
unsigned long aiaccel_debug;
module_param_named(debug, aiaccel_debug, ulong, 0644);
#endif
MODULE_PARM_DESC(debug, "Debug message classes, a bitmask: 0x1 device events (power, faults, job errors)");

/* Interrupt causes the driver handles. */
#define AIACCEL_IRQ_HANDLED	(AIACCEL_IRQ_QUEUE_DONE_ALL | AIACCEL_IRQ_QUEUE_ERROR_ALL | \
				 AIACCEL_IRQ_MMU_FAULT | AIACCEL_IRQ_GLOBAL_ERROR)

static int aiaccel_ioctl_get_info(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct drm_aiaccel_get_info *args = data;
	struct drm_aiaccel_info info;
	int ret;

	if (args->flags) {
		drm_dbg_driver(drm, "GET_INFO: flags 0x%x must be zero\n", args->flags);
		return -EINVAL;
	}

	aiaccel_hw_to_uapi_info(&adev->hw, &info);
	info.queue_depth = adev->queue_depth;
	info.mem_used = atomic64_read(&adev->mem_used);
	info.state = aiaccel_wedged(adev) ? DRM_AIACCEL_STATE_WEDGED : 0;
	if (adev->coherent)
		info.capabilities |= DRM_AIACCEL_CAP_COHERENT;
	info.job_timeout_ms = adev->job_timeout_ms;
	info.job_max_ms = adev->job_max_ms;
	info.bo_flags = AIACCEL_BO_FLAGS;
	info.submit_flags = AIACCEL_SUBMIT_FLAGS;
	info.max_submit_bos = AIACCEL_MAX_SUBMIT_BOS;
	info.max_submit_syncs = AIACCEL_MAX_SUBMIT_SYNCS;
	info.max_cs_size = AIACCEL_MAX_CS_SIZE;
	info.max_bo_size = AIACCEL_BO_MAX_SIZE;

	if (args->info_size) {
		ret = copy_struct_to_user(u64_to_user_ptr(args->info_ptr),
					  args->info_size, &info, sizeof(info), NULL);
		if (ret)
			return ret;
	}
	args->info_size = sizeof(info);
	return 0;
}

/**
 * aiaccel_file_account() - A file gained or lost a buffer.
 * @afile: The file.
 * @delta: Bytes gained (positive) or lost (negative).
 */
void aiaccel_file_account(struct aiaccel_file *afile, s64 delta)
{
	guard(spinlock)(&afile->mem_lock);
	afile->mem += delta;
	afile->mem_peak = max(afile->mem_peak, afile->mem);
}

/*
 * TLB invalidation for the address spaces; nothing to do once unplugged,
 * nor while the device is powered off or going off (system sleep): the
 * TLBs lose their contents with the power (hardware.rst, "Power and
 * clocks"), and the registers must not be written then.
 */
static void aiaccel_invalidate_tlb(void *data)
{
	struct aiaccel_device *adev = data;
	struct device *dev = adev->drm.dev;
	int idx;

	if (!drm_dev_enter(&adev->drm, &idx))
		return;
	if (pm_runtime_get_if_active(dev) > 0) {
		/* Completes before the write returns (hardware.rst, Device MMU). */
		regmap_write(adev->regs, AIACCEL_REG_MMU_TLB_INVALIDATE, 1);
		pm_runtime_put_autosuspend(dev);
	}
	drm_dev_exit(idx);
}

static int aiaccel_open(struct drm_device *drm, struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct aiaccel_file *afile;

	afile = kzalloc_obj(*afile);
	if (!afile)
		return -ENOMEM;
	afile->adev = adev;
	spin_lock_init(&afile->mem_lock);
	afile->vm = aiaccel_vm_create(drm->dev, aiaccel_invalidate_tlb, adev);
	if (IS_ERR(afile->vm)) {
		int ret = PTR_ERR(afile->vm);

		kfree(afile);
		return ret;
	}
	afile->ctx = aiaccel_ctx_create(adev, afile->vm);
	if (IS_ERR(afile->ctx)) {
		int ret = PTR_ERR(afile->ctx);

		aiaccel_vm_put(afile->vm);
		kfree(afile);
		return ret;
	}
	file->driver_priv = afile;
	return 0;
}

static void aiaccel_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct aiaccel_file *afile = file->driver_priv;

	/* Handles are gone; jobs still running hold the context and the VM. */
	aiaccel_ctx_close(afile->ctx);
	aiaccel_vm_put(afile->vm);
	kfree(afile);
}

static const struct drm_ioctl_desc aiaccel_ioctls[] = {
	DRM_IOCTL_DEF_DRV(AIACCEL_GET_INFO, aiaccel_ioctl_get_info, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_BO_CREATE, aiaccel_ioctl_bo_create, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_BO_INFO, aiaccel_ioctl_bo_info, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_SUBMIT, aiaccel_ioctl_submit, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_WAIT, aiaccel_ioctl_wait, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_GET_STATS, aiaccel_ioctl_get_stats, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_POWER, aiaccel_ioctl_power, 0),
	DRM_IOCTL_DEF_DRV(AIACCEL_BO_CREATE_USERPTR, aiaccel_ioctl_bo_create_userptr, 0),
};

/* DRM_ACCEL_FOPS has no fdinfo hook; add it. */
static const struct file_operations aiaccel_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver aiaccel_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = aiaccel_open,
	.postclose = aiaccel_postclose,
	.gem_create_object = aiaccel_gem_create_object,
	/* Foreign buffers keep the sg table mapped for us at import. */
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.show_fdinfo = aiaccel_show_fdinfo,
	.ioctls = aiaccel_ioctls,
	.num_ioctls = ARRAY_SIZE(aiaccel_ioctls),
	.fops = &aiaccel_fops,
	.name = "aiaccel",
	.desc = "aiaccel inference accelerator",
	.major = 1,
	.minor = 1,
};

static void aiaccel_handle_mmu_fault(struct aiaccel_device *adev)
{
	u32 fault;
	u64 addr;

	if (regmap_read(adev->regs, AIACCEL_REG_MMU_FAULT_STATUS, &fault) ||
	    aiaccel_hw_read_u64(adev->regs, AIACCEL_REG_MMU_FAULT_ADDR_LO, &addr))
		return;
	aiaccel_dbg_event(adev, "MMU fault: engine %lu %s %s at 0x%llx\n",
			  FIELD_GET(AIACCEL_MMU_FAULT_ENGINE, fault),
			  fault & AIACCEL_MMU_FAULT_WRITE ? "write" : "read",
			  fault & AIACCEL_MMU_FAULT_PERMISSION ? "denied" : "unmapped", addr);
	regmap_write(adev->regs, AIACCEL_REG_MMU_FAULT_STATUS, 1);
}

/*
 * Everything is handled in hard IRQ context: retiring a job is reading two
 * registers and signalling fences, and a thread would add a wake-up and a
 * context switch to every job's round trip.  The registers are MMIO-like
 * (a fast_io regmap), so reading them here is fine.
 */
static irqreturn_t aiaccel_irq(int irq, void *data)
{
	struct aiaccel_device *adev = data;
	u32 status, gerr;

	if (regmap_read(adev->regs, AIACCEL_REG_IRQ_STATUS, &status) || !status)
		return IRQ_NONE;
	/* Causes raised while we look are latched, and re-assert the line at re-arm. */
	regmap_write(adev->regs, AIACCEL_REG_IRQ_MASK, 0);
	do {
		regmap_write(adev->regs, AIACCEL_REG_IRQ_STATUS, status);

		if (status & (AIACCEL_IRQ_QUEUE_DONE_ALL | AIACCEL_IRQ_QUEUE_ERROR_ALL))
			aiaccel_queues_irq(adev, status);
		if (status & AIACCEL_IRQ_MMU_FAULT)
			aiaccel_handle_mmu_fault(adev);
		if ((status & AIACCEL_IRQ_GLOBAL_ERROR) &&
		    !regmap_read(adev->regs, AIACCEL_REG_GLOBAL_ERROR, &gerr)) {
			drm_err_ratelimited(&adev->drm, "device error 0x%x\n", gerr);
			regmap_write(adev->regs, AIACCEL_REG_GLOBAL_ERROR, gerr);
		}
	} while (!regmap_read(adev->regs, AIACCEL_REG_IRQ_STATUS, &status) && status);
	/* Not if interrupts were turned off meanwhile: see aiaccel_irq_enable(). */
	guard(spinlock)(&adev->irq_lock);
	if (adev->irq_on)
		regmap_write(adev->regs, AIACCEL_REG_IRQ_MASK, AIACCEL_IRQ_HANDLED);
	return IRQ_HANDLED;
}

/**
 * aiaccel_irq_enable() - Turn the device's interrupts on or off.
 * @adev: The device, powered.
 * @on: On or off.
 *
 * Off, no handler runs any more when this returns, and none re-arms the
 * mask behind our back.
 */
void aiaccel_irq_enable(struct aiaccel_device *adev, bool on)
{
	scoped_guard(spinlock_irqsave, &adev->irq_lock) {
		adev->irq_on = on;
		regmap_write(adev->regs, AIACCEL_REG_IRQ_MASK, on ? AIACCEL_IRQ_HANDLED : 0);
	}
	if (!on && adev->irq > 0)
		synchronize_irq(adev->irq);
}

static int aiaccel_hw_init(struct aiaccel_device *adev)
{
	int ret;

	ret = regmap_write(adev->regs, AIACCEL_REG_RESET, AIACCEL_RESET_KEY);
	if (ret)
		return ret;
	aiaccel_irq_enable(adev, true);
	return 0;
}

static int aiaccel_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct aiaccel_device *adev;
	struct regmap *regs;
	int ret;

	regs = dev->parent ? dev_get_regmap(dev->parent, NULL) : NULL;
	if (!regs)
		return dev_err_probe(dev, -ENODEV, "parent provides no registers\n");

	adev = devm_drm_dev_alloc(dev, &aiaccel_drm_driver, struct aiaccel_device, drm);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	adev->regs = regs;
	adev->queue_depth = READ_ONCE(aiaccel_queue_depth);
	adev->job_timeout_ms = max(READ_ONCE(aiaccel_job_timeout_ms), 1U);
	adev->job_max_ms = READ_ONCE(aiaccel_job_max_ms);
	spin_lock_init(&adev->irq_lock);
	spin_lock_init(&adev->quarantine_lock);
	INIT_LIST_HEAD(&adev->quarantine);
	platform_set_drvdata(pdev, adev);
	ret = drmm_mutex_init(&adev->drm, &adev->power_lock);
	if (ret)
		return ret;
	ret = drmm_mutex_init(&adev->drm, &adev->reset_lock);
	if (ret)
		return ret;

	ret = aiaccel_hw_probe_info(regs, &adev->hw);
	if (ret)
		return dev_err_probe(dev, ret, "not a supported aiaccel device\n");

	/* Page-table entries hold 52-bit addresses. */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(52));
	if (ret)
		return dev_err_probe(dev, ret, "no usable DMA configuration\n");
	/* The device MMU maps page by page: any segment length will do. */
	dma_set_max_seg_size(dev, UINT_MAX);
	adev->coherent = dev_is_dma_coherent(dev);

	adev->irq = platform_get_irq(pdev, 0);
	if (adev->irq < 0)
		return adev->irq;

	ret = aiaccel_hw_init(adev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot reset the device\n");

	ret = aiaccel_queues_init(adev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot set up the engine queues\n");

	ret = aiaccel_pm_init(adev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable runtime PM\n");
	aiaccel_debugfs_init(adev);

	ret = devm_request_irq(dev, adev->irq, aiaccel_irq, 0, dev_name(dev), adev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request interrupt\n");

	ret = drm_dev_register(&adev->drm, 0);
	if (ret)
		return ret;

	drm_info(&adev->drm, "aiaccel %lu.%lu.%lu: %u engines, %u DMA channels, %llu MiB\n",
		 FIELD_GET(AIACCEL_VERSION_MAJOR, adev->hw.hw_version),
		 FIELD_GET(AIACCEL_VERSION_MINOR, adev->hw.hw_version),
		 FIELD_GET(AIACCEL_VERSION_PATCH, adev->hw.hw_version),
		 adev->hw.num_engines, adev->hw.num_dma_channels,
		 adev->hw.mem_size >> 20);
	return 0;
}

/*
 * Unplugged, the device file stays usable for what needs no device (closing,
 * unmapping, dma-buf release), ioctls fail with -ENODEV, and every job ends
 * with -ENODEV: those in the rings at once, the queued ones as the
 * schedulers, which outlive the device until the last file is closed,
 * reach them.
 */
static void aiaccel_remove(struct platform_device *pdev)
{
	struct aiaccel_device *adev = platform_get_drvdata(pdev);

	drm_dev_unplug(&adev->drm);
	aiaccel_queues_unplug(adev);
	aiaccel_pm_fini(adev);
	/* A dump nobody read describes a device that is no more. */
	dev_coredump_put(&pdev->dev);
}

static const struct platform_device_id aiaccel_ids[] = {
	{ .name = "aiaccel" },
	{ }
};
MODULE_DEVICE_TABLE(platform, aiaccel_ids);

static struct platform_driver aiaccel_driver = {
	.probe = aiaccel_probe,
	.remove = aiaccel_remove,
	.id_table = aiaccel_ids,
	.driver = {
		.name = "aiaccel",
		.pm = pm_ptr(&aiaccel_pm_ops),
		.dev_groups = aiaccel_dev_groups,
	},
};
module_platform_driver(aiaccel_driver);

MODULE_DESCRIPTION("DRM accel driver for the aiaccel inference accelerator");
MODULE_LICENSE("GPL");
