/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: jobs, engine queues and their schedulers.
 */
#ifndef __AIACCEL_JOB_H__
#define __AIACCEL_JOB_H__

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include <drm/gpu_scheduler.h>

#include "aiaccel_regs.h"

struct aiaccel_device;
struct aiaccel_vm;
struct drm_device;
struct drm_file;

/**
 * struct aiaccel_stats - Job counters, of the device or of one file.
 * @jobs_submitted: SUBMITs that queued a job.
 * @jobs_completed: Jobs done without error.
 * @jobs_failed: Jobs done with an error (timed out ones included).
 * @jobs_timed_out: Jobs failed by the timeout handler.
 * @busy_ns: Per engine, time the engine spent on the jobs.
 * @cycles: Per engine, cycles the engine reported for the jobs.
 */
struct aiaccel_stats {
	atomic64_t jobs_submitted;
	atomic64_t jobs_completed;
	atomic64_t jobs_failed;
	atomic64_t jobs_timed_out;
	atomic64_t busy_ns[AIACCEL_MAX_QUEUES];
	atomic64_t cycles[AIACCEL_MAX_QUEUES];
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
};

/**
 * struct aiaccel_ctx - Scheduling context of one open file.
 * @refcount: Held by the file and by each of its jobs.
 * @adev: The device.
 * @vm: The file's address space, referenced.
 * @lock: Protects @entities; serialises arming and pushing the
 *	context's jobs (drm_sched wants an entity's jobs pushed in the order
 *	their fences were armed).
 * @entities: Created on first use, per priority and per engine choice
 *	(index num_engines is "any engine").
 * @guilty: Set when a job of this context hung an engine: later jobs
 *	are cancelled and submits fail with -ECANCELED.
 * @stats: The context's job counters.
 */
struct aiaccel_ctx {
	struct kref refcount;
	struct aiaccel_device *adev;
	struct aiaccel_vm *vm;
	struct mutex lock; /* see kernel-doc */
	struct drm_sched_entity *entities[DRM_SCHED_PRIORITY_COUNT][AIACCEL_MAX_QUEUES + 1];
	atomic_t guilty;
	struct aiaccel_stats stats;
};

u64 aiaccel_seqno_extend(u64 last, u64 emitted, u32 hw);
int aiaccel_errno_of(u32 err_code);
u64 aiaccel_job_busy_ns(u64 start_ns, u64 last_retire_ns, u64 now_ns);
void aiaccel_stats_count_outcome(struct aiaccel_stats *stats, int status);

int aiaccel_queues_init(struct aiaccel_device *adev);
void aiaccel_queues_unplug(struct aiaccel_device *adev);
void aiaccel_queues_restore(struct aiaccel_device *adev);
int aiaccel_queues_quiesce(struct aiaccel_device *adev);
void aiaccel_queues_resume(struct aiaccel_device *adev);
void aiaccel_queues_irq(struct aiaccel_device *adev, u32 status);
void aiaccel_queues_fail(struct aiaccel_device *adev, int error, bool quarantine);
void aiaccel_quarantine_release(struct aiaccel_device *adev);
#if IS_ENABLED(CONFIG_KUNIT)
int aiaccel_queue_set_seqno(struct aiaccel_queue *q, u64 seqno);
#endif

struct aiaccel_ctx *aiaccel_ctx_create(struct aiaccel_device *adev, struct aiaccel_vm *vm);
u64 aiaccel_ctx_busy_ns(struct aiaccel_ctx *ctx, unsigned int engine);
void aiaccel_ctx_close(struct aiaccel_ctx *ctx);

int aiaccel_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int aiaccel_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __AIACCEL_JOB_H__ */
