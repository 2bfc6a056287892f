/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: driver-wide definitions.
 */
#ifndef __AIACCEL_DRV_H__
#define __AIACCEL_DRV_H__

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "aiaccel_hw.h"
#include "aiaccel_queue.h"
#include "aiaccel_stats.h"

struct aiaccel_ctx;
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
 * @job_timeout_ms: A job making no progress for this long is reset.
 * @job_max_ms: Longest a job may run on an engine (the engines' watchdog),
 *	0 for no limit.
 * @coherent: The device's DMA is cache-coherent with the CPU
 *	(dev_is_dma_coherent()): CPU mappings of buffers are cached; else
 *	they are write-combined, so that neither side needs cache maintenance.
 * @irq_lock: Protects @irq_on and IRQ_MASK against the interrupt handler.
 * @irq_on: The driver takes interrupts: the handler re-arms IRQ_MASK.
 * @reset_lock: Serialises engine recovery with system sleep.
 * @sleeping: The device is in system sleep: recovery must not touch it
 *	(under @reset_lock).
 * @wedged: An engine did not come out of reset: no job runs until the
 *	device is bound again.
 * @quarantine_lock: Protects @quarantine.
 * @quarantine: Buffer mappings of jobs an engine may still be using after a
 *	reset that did not take, kept until the device is reset as a whole.
 * @mem_used: Bytes of the memory budget held by buffers created here.
 * @mem_peak: Highest @mem_used seen.
 * @stats: Device-wide job counters.
 * @power_lock: Serialises power mode changes.
 * @power_mode: &enum drm_aiaccel_power_mode; PERFORMANCE holds a
 *	runtime-PM reference.
 * @probe_ns: When the device was bound (for power residency).
 * @queues: One per engine.
 * @scheds: The queues' schedulers, the list entities are created with
 *	(drm_sched keeps the pointer); NULL until that queue is set up.
 */
struct aiaccel_device {
	struct drm_device drm;
	struct regmap *regs;
	int irq;
	struct aiaccel_hw_info hw;
	u32 queue_depth;
	u32 job_timeout_ms;
	u32 job_max_ms;
	bool coherent;
	spinlock_t irq_lock; /* see kernel-doc */
	bool irq_on;
	struct mutex reset_lock; /* see kernel-doc */
	bool sleeping;
	atomic_t wedged;
	spinlock_t quarantine_lock; /* see kernel-doc */
	struct list_head quarantine;
	atomic64_t mem_used;
	atomic64_t mem_peak;
	struct aiaccel_stats stats;
	struct mutex power_lock; /* see kernel-doc */
	u32 power_mode;
	u64 probe_ns;
	struct aiaccel_queue queues[AIACCEL_MAX_QUEUES];
	struct drm_gpu_scheduler *scheds[AIACCEL_MAX_QUEUES];
};

/**
 * struct aiaccel_file - What one open file of the device owns.
 * @adev: The device.
 * @vm: Its device address space.
 * @ctx: Its scheduling context.
 * @mem_lock: Protects @mem and @mem_peak.
 * @mem: Bytes of the buffers this file holds handles to.
 * @mem_peak: Highest @mem seen.
 */
struct aiaccel_file {
	struct aiaccel_device *adev;
	struct aiaccel_vm *vm;
	struct aiaccel_ctx *ctx;
	spinlock_t mem_lock; /* @mem, @mem_peak */
	u64 mem;
	u64 mem_peak;
};

void aiaccel_file_account(struct aiaccel_file *afile, s64 delta);

/* Raise *@peak to @val if it is lower. */
static inline void aiaccel_max64(atomic64_t *peak, u64 val)
{
	s64 old = atomic64_read(peak);

	while ((u64)old < val && !atomic64_try_cmpxchg(peak, &old, val))
		;
}

static inline struct aiaccel_device *to_aiaccel(struct drm_device *drm)
{
	return container_of(drm, struct aiaccel_device, drm);
}

static inline bool aiaccel_wedged(struct aiaccel_device *adev)
{
	return atomic_read(&adev->wedged);
}

void aiaccel_irq_enable(struct aiaccel_device *adev, bool on);
void aiaccel_wedge(struct aiaccel_device *adev, unsigned int engine);

#if IS_ENABLED(CONFIG_KUNIT)
/* Module parameters a probe reads (queue_depth, job_timeout_ms, job_max_ms). */
extern unsigned int aiaccel_queue_depth;
extern unsigned int aiaccel_job_timeout_ms;
extern unsigned int aiaccel_job_max_ms;
#endif

/**
 * enum aiaccel_dbg_class - Classes of the driver's debug messages.
 * @AIACCEL_DBG_EVENT: Device events: power changes, MMU faults, failed jobs.
 *
 * Bit (class - AIACCEL_DBG_EVENT) of the "debug" module parameter turns a
 * class on.  The class ids start after DRM's categories (enum
 * drm_debug_category), which are class ids of the same module when DRM
 * uses dynamic debug.
 */
enum aiaccel_dbg_class {
	AIACCEL_DBG_EVENT = DRM_UT_DRMRES + 1,
};

#if IS_ENABLED(CONFIG_DYNAMIC_DEBUG_CORE)
/*
 * A dev_dbg() of class @cls (the Makefile defines DYNAMIC_DEBUG_MODULE
 * with the core).  The format, the first of the variable arguments, names
 * the callsite and is printed with the rest.
 */
#define aiaccel_dbg(adev, cls, ...)						\
	_dynamic_func_call_cls(cls, __aiaccel_dbg_fmt(__VA_ARGS__),		\
			       __dynamic_dev_dbg, (adev)->drm.dev, __VA_ARGS__)
#define __aiaccel_dbg_fmt(fmt, ...)	fmt
#else
extern unsigned long aiaccel_debug;
#define aiaccel_dbg(adev, cls, fmt, ...)					\
	do {									\
		if (aiaccel_debug & BIT((cls) - AIACCEL_DBG_EVENT))		\
			drm_dev_printk((adev)->drm.dev, KERN_DEBUG, fmt, ##__VA_ARGS__); \
	} while (0)
#endif

#define aiaccel_dbg_event(adev, fmt, ...)					\
	aiaccel_dbg(adev, AIACCEL_DBG_EVENT, fmt, ##__VA_ARGS__)

#endif /* __AIACCEL_DRV_H__ */
