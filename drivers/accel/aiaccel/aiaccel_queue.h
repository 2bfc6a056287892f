/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: engine queues: rings, hardware fences, schedulers, resets.
 */
#ifndef __AIACCEL_QUEUE_H__
#define __AIACCEL_QUEUE_H__

#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include <drm/gpu_scheduler.h>

#include "aiaccel_regs.h"

struct aiaccel_ctx;
struct aiaccel_device;

/**
 * struct aiaccel_fence - Hardware fence: signalled when the engine retires
 * the job's ring entry.
 * @base: The fence; its seqno is the queue's 64-bit seqno.
 * @link: In queue->pending (under queue->lock).
 * @ctx: Context the job's time is charged to (alive while unsignalled).
 * @ring_index: Where in the ring the job's entry is.
 * @start_ns: When the engine started the job; 0 while jobs ahead of it run.
 * @quarantine: Signalled while an engine may still be running the job (a
 *	reset that did not take): its buffers must outlive the job.
 */
struct aiaccel_fence {
	struct dma_fence base;
	struct list_head link;
	struct aiaccel_ctx *ctx;
	u32 ring_index;
	u64 start_ns;
	bool quarantine;
};

/**
 * struct aiaccel_queue - One engine, its ring and its scheduler.
 * @adev: The device.
 * @index: Engine number.
 * @name: The scheduler's name, which its fences report as their timeline.
 * @sched: Scheduler feeding the ring; credit limit = queue_depth.
 * @fence_context: dma_fence context of the hardware fences.
 * @fence_lock: Lock of the hardware fences.
 * @lock: Protects @pending, @emitted, @retired, @tail, the ring memory
 *	and the queue's registers.
 * @pending: Hardware fences of jobs in the ring, in seqno order.
 * @emitted: Seqno of the last job written to the ring (64 bit; the
 *	device sees the low 32 bits).
 * @retired: Seqno of the last job the device retired.
 * @ring: Ring entries, in coherent DMA memory.
 * @ring_dma: DMA address of @ring.
 * @ring_size: Entries in the ring, a power of two >= queue_depth.
 * @tail: Producer index (free-running).
 * @last_progress: Q_PROGRESS when the timeout handler last looked.
 * @last_retire_ns: When the engine last retired a job, i.e. started the
 *	next one if it had one (under @lock).
 * @resets: Engine resets done for hung jobs.
 * @irqs_missed: Jobs the timeout handler found finished on the engine
 *	but not retired: their interrupt never came (under @lock).
 */
struct aiaccel_queue {
	struct aiaccel_device *adev;
	unsigned int index;
	char name[24];
	struct drm_gpu_scheduler sched;
	u64 fence_context;
	spinlock_t fence_lock; /* see kernel-doc */
	spinlock_t lock; /* see kernel-doc */
	struct list_head pending;
	u64 emitted;
	u64 retired;
	struct aiaccel_ring_entry *ring;
	dma_addr_t ring_dma;
	u32 ring_size;
	u32 tail;
	u32 last_progress;
	u64 last_retire_ns;
	unsigned int resets;
	unsigned int irqs_missed;
};

int aiaccel_queues_init(struct aiaccel_device *adev);
void aiaccel_queues_unplug(struct aiaccel_device *adev);
void aiaccel_queues_restore(struct aiaccel_device *adev);
int aiaccel_queues_quiesce(struct aiaccel_device *adev);
void aiaccel_queues_resume(struct aiaccel_device *adev);
void aiaccel_queues_irq(struct aiaccel_device *adev, u32 status);
void aiaccel_queues_fail(struct aiaccel_device *adev, int error, bool quarantine);
u64 aiaccel_queue_running_ns(struct aiaccel_queue *q, struct aiaccel_ctx *ctx);

#if IS_ENABLED(CONFIG_KUNIT)
u64 aiaccel_seqno_extend(u64 last, u64 emitted, u32 hw);
int aiaccel_errno_of(u32 err_code);
u64 aiaccel_job_busy_ns(u64 start_ns, u64 last_retire_ns, u64 now_ns);
#endif

#endif /* __AIACCEL_QUEUE_H__ */
