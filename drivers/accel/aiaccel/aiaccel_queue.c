// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: engine queues.
 *
 * One drm_gpu_scheduler per engine queue.  run_job writes a ring entry and
 * rings the doorbell; the interrupt handler retires completed seqnos and
 * signals hardware fences; the timeout handler resets a hung engine and
 * lets the innocent jobs behind the guilty one carry on.  Power
 * management, failing jobs and unplug act on all the queues at once.  See
 * Documentation/accel/aiaccel/design.rst.
 */

#include <linux/bitfield.h>
#include <linux/iopoll.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include <kunit/visibility.h>

#include "aiaccel_coredump.h"
#include "aiaccel_ctx.h"
#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_job.h"
#include "aiaccel_mmu.h"
#include "aiaccel_pm.h"
#include "aiaccel_queue.h"
#include "aiaccel_trace.h"

static struct aiaccel_queue *to_queue(struct drm_gpu_scheduler *sched)
{
	return container_of(sched, struct aiaccel_queue, sched);
}

static u32 q_reg(const struct aiaccel_queue *q, unsigned int off)
{
	return AIACCEL_QUEUE_BASE(q->index) + off;
}

/* --- Hardware fences ------------------------------------------------------ */

static const char *aiaccel_fence_driver_name(struct dma_fence *fence)
{
	return "aiaccel";
}

static const char *aiaccel_fence_timeline_name(struct dma_fence *fence)
{
	return "aiaccel-engine";
}

static const struct dma_fence_ops aiaccel_fence_ops = {
	.get_driver_name = aiaccel_fence_driver_name,
	.get_timeline_name = aiaccel_fence_timeline_name,
};

/**
 * aiaccel_seqno_extend() - Widen a 32-bit seqno read from the device.
 * @last: Last 64-bit seqno known retired.
 * @emitted: Last 64-bit seqno handed to the device.
 * @hw: The device's 32-bit Q_DONE_SEQNO.
 *
 * The device counts modulo 2^32; the driver never has more than the ring
 * size in flight, so the 64-bit value is the one in (@last, @emitted] with
 * those low bits.
 *
 * Return: the 64-bit seqno, or @last if @hw names nothing in flight.
 */
VISIBLE_IF_KUNIT u64 aiaccel_seqno_extend(u64 last, u64 emitted, u32 hw)
{
	u32 ahead = hw - lower_32_bits(last);

	if (ahead > emitted - last)
		return last;
	return last + ahead;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_seqno_extend);

/**
 * aiaccel_errno_of() - The errno a job fails with for a device error code.
 * @err_code: Q_ERR_STATUS code (enum aiaccel_job_error).
 *
 * Return: a negative errno (the list is at drm_aiaccel_event_job.status in
 * aiaccel_accel.h); 0 for none.
 */
VISIBLE_IF_KUNIT int aiaccel_errno_of(u32 err_code)
{
	switch (err_code) {
	case AIACCEL_ERR_NONE:
		return 0;
	case AIACCEL_ERR_INVALID_OP:
		return -EINVAL;
	case AIACCEL_ERR_MMU_FAULT:
		return -EFAULT;
	case AIACCEL_ERR_WATCHDOG:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_errno_of);

/**
 * aiaccel_job_busy_ns() - Engine time to charge a job that left the engine.
 * @start_ns: When the engine got to it, 0 if not known (jobs ahead of it
 *	ran when it was queued).
 * @last_retire_ns: When the previous job on the engine left, 0 if none.
 * @now_ns: Now.
 *
 * A job with no start time started when its predecessor left.  Clocks
 * read on different CPUs may disagree slightly: never negative.
 *
 * Return: nanoseconds.
 */
VISIBLE_IF_KUNIT u64 aiaccel_job_busy_ns(u64 start_ns, u64 last_retire_ns, u64 now_ns)
{
	if (!start_ns)
		start_ns = last_retire_ns ?: now_ns;
	return now_ns - min(start_ns, now_ns);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_job_busy_ns);

/*
 * Under q->lock: a job left the engine, retired (@error 0 or the device's
 * error) or thrown out by a reset or unplug.  Charge its time and cycles,
 * then signal its fence.
 */
static void queue_fence_done(struct aiaccel_queue *q, struct aiaccel_fence *f, int error)
{
	struct aiaccel_device *adev = q->adev;
	u64 now = ktime_get_ns(), busy, cycles;

	lockdep_assert_held(&q->lock);
	list_del_init(&f->link);
	busy = aiaccel_job_busy_ns(f->start_ns, q->last_retire_ns, now);
	cycles = le64_to_cpu(READ_ONCE(q->ring[f->ring_index].wb_cycles));
	q->last_retire_ns = now;
	/* The next job, if any, started when this one left. */
	if (!list_empty(&q->pending))
		list_first_entry(&q->pending, struct aiaccel_fence, link)->start_ns = now;

	atomic64_add(busy, &adev->stats.busy_ns[q->index]);
	atomic64_add(busy, &f->ctx->stats.busy_ns[q->index]);
	atomic64_add(cycles, &adev->stats.cycles[q->index]);
	atomic64_add(cycles, &f->ctx->stats.cycles[q->index]);
	trace_aiaccel_job_done(q->index, f->base.seqno, error ?: f->base.error, busy, cycles);

	if (error)
		dma_fence_set_error(&f->base, error);
	/* The scheduler signals the finished fence with this fence's error. */
	aiaccel_ctx_count_outcome(f->ctx, f->base.error);
	dma_fence_signal(&f->base);
	dma_fence_put(&f->base);
	/* The job's hold on the power, taken in run_job. */
	aiaccel_pm_put(adev);
}

/* Under q->lock: signal, in order, every pending fence up to @done. */
static void queue_signal_upto(struct aiaccel_queue *q, u64 done)
{
	struct aiaccel_fence *f, *tmp;

	lockdep_assert_held(&q->lock);
	list_for_each_entry_safe(f, tmp, &q->pending, link) {
		if (f->base.seqno > done)
			break;
		queue_fence_done(q, f, 0);
	}
	q->retired = max(q->retired, done);
}

/* Under q->lock: read what the engine retired and failed, signal fences. */
static void queue_retire_locked(struct aiaccel_queue *q)
{
	struct regmap *regs = q->adev->regs;
	struct aiaccel_fence *f;
	u32 done32, err = 0, err_seqno = 0;

	lockdep_assert_held(&q->lock);
	/* DONE first: an error latched after this read belongs to a later job. */
	if (regmap_read(regs, q_reg(q, AIACCEL_Q_DONE_SEQNO), &done32) ||
	    regmap_read(regs, q_reg(q, AIACCEL_Q_ERR_STATUS), &err))
		return;
	if (err) {
		int error = aiaccel_errno_of(FIELD_GET(AIACCEL_Q_ERR_CODE, err));

		regmap_read(regs, q_reg(q, AIACCEL_Q_ERR_SEQNO), &err_seqno);
		list_for_each_entry(f, &q->pending, link) {
			if (lower_32_bits(f->base.seqno) == err_seqno) {
				dma_fence_set_error(&f->base, error);
				break;
			}
		}
		trace_aiaccel_job_error(q->index, err_seqno, FIELD_GET(AIACCEL_Q_ERR_CODE, err),
					FIELD_GET(AIACCEL_Q_ERR_OP_INDEX, err));
		aiaccel_dbg_event(q->adev, "engine %u: job %u failed, error %lu at op %lu\n",
				  q->index, err_seqno, FIELD_GET(AIACCEL_Q_ERR_CODE, err),
				  FIELD_GET(AIACCEL_Q_ERR_OP_INDEX, err));
	}
	queue_signal_upto(q, aiaccel_seqno_extend(q->retired, q->emitted, done32));
	/* The engine halts on an error until told to go on. */
	if (err)
		regmap_write(regs, q_reg(q, AIACCEL_Q_ERR_STATUS), 1);
}

/**
 * aiaccel_queues_irq() - Retire completed jobs of the queues that raised
 * an interrupt.
 * @adev: The device.
 * @status: IRQ_STATUS as acknowledged: QUEUE_DONE and QUEUE_ERROR bits.
 *
 * Called from the interrupt handler, in hard IRQ context.
 */
void aiaccel_queues_irq(struct aiaccel_device *adev, u32 status)
{
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++) {
		struct aiaccel_queue *q = &adev->queues[i];

		if (!(status & (AIACCEL_IRQ_QUEUE_DONE(i) | AIACCEL_IRQ_QUEUE_ERROR(i))))
			continue;
		guard(spinlock_irqsave)(&q->lock);
		queue_retire_locked(q);
	}
}

/* --- Scheduler backend ---------------------------------------------------- */

static struct dma_fence *aiaccel_run_job(struct drm_sched_job *sched_job)
{
	struct aiaccel_job *job = to_aiaccel_job(sched_job);
	struct aiaccel_queue *q = to_queue(sched_job->sched);
	struct aiaccel_fence *f = job->hw_fence;
	struct regmap *regs = q->adev->regs;
	struct aiaccel_ring_entry *e;
	int error = sched_job->s_fence->finished.error;
	int idx;

	/* Counted here if it fails now, else when its hardware fence signals. */
	job->ran = true;
	/* Cancelled (guilty context) or the device is gone: do not run. */
	if (error)
		goto err_count;
	if (!drm_dev_enter(&q->adev->drm, &idx)) {
		error = -ENODEV;
		goto err_count;
	}
	/* Held until the hardware fence signals. */
	error = aiaccel_pm_get(q->adev);
	if (error) {
		drm_dev_exit(idx);
		goto err_count;
	}

	scoped_guard(spinlock_irqsave, &q->lock) {
		u64 seqno;

		/* Under the lock: aiaccel_wedge() fails what is in the ring. */
		if (aiaccel_wedged(q->adev)) {
			error = -EIO;
			break;
		}
		aiaccel_job_set_engine(job, q->index);
		seqno = ++q->emitted;

		dma_fence_init(&f->base, &aiaccel_fence_ops, &q->fence_lock,
			       q->fence_context, seqno);
		job->hw_fence_live = true;
		dma_fence_get(&f->base);	/* for q->pending */
		f->ctx = job->ctx;
		f->ring_index = q->tail & (q->ring_size - 1);
		/* An idle engine starts it now; a busy one when it gets to it. */
		f->start_ns = list_empty(&q->pending) ? ktime_get_ns() : 0;
		list_add_tail(&f->link, &q->pending);

		trace_aiaccel_job_run(q->index, seqno, job->cs_va);
		e = &q->ring[f->ring_index];
		memset(e, 0, sizeof(*e));
		e->seqno = cpu_to_le32(lower_32_bits(seqno));
		e->flags = cpu_to_le32(AIACCEL_RING_ENTRY_IRQ);
		e->pt_root = cpu_to_le64(aiaccel_vm_root(job->ctx->vm));
		e->cs_addr = cpu_to_le64(job->cs_va);
		e->cs_size = cpu_to_le32(job->cs_size);
		q->tail++;
		/* The entry must be in memory before the device looks at TAIL. */
		dma_wmb();
		regmap_write(regs, q_reg(q, AIACCEL_Q_RING_TAIL), q->tail);
		regmap_write(regs, q_reg(q, AIACCEL_Q_DOORBELL), 1);
	}
	drm_dev_exit(idx);
	if (error) {
		aiaccel_pm_put(q->adev);
		goto err_count;
	}

	/* One reference for the scheduler. */
	return dma_fence_get(&f->base);

err_count:
	/* The scheduler signals the finished fence with @error on return. */
	aiaccel_ctx_count_outcome(job->ctx, error);
	return ERR_PTR(error);
}

/* Program a freshly reset (or powered-up) queue with the ring from @head. */
static void queue_program_locked(struct aiaccel_queue *q, u32 head, u32 done_seqno)
{
	struct regmap *regs = q->adev->regs;

	lockdep_assert_held(&q->lock);
	regmap_write(regs, q_reg(q, AIACCEL_Q_RING_BASE_LO), lower_32_bits(q->ring_dma));
	regmap_write(regs, q_reg(q, AIACCEL_Q_RING_BASE_HI), upper_32_bits(q->ring_dma));
	regmap_write(regs, q_reg(q, AIACCEL_Q_RING_SIZE), q->ring_size);
	regmap_write(regs, q_reg(q, AIACCEL_Q_RING_HEAD), head);
	regmap_write(regs, q_reg(q, AIACCEL_Q_DONE_SEQNO), done_seqno);
	regmap_write(regs, q_reg(q, AIACCEL_Q_RING_TAIL), q->tail);
	regmap_write(regs, q_reg(q, AIACCEL_Q_WATCHDOG_MS), q->adev->job_max_ms);
	regmap_write(regs, q_reg(q, AIACCEL_Q_CTRL), AIACCEL_Q_CTRL_ENABLE);
	regmap_write(regs, q_reg(q, AIACCEL_Q_DOORBELL), 1);
}

/*
 * Under q->lock: reset the engine.  The reset zeroes Q_DONE_SEQNO and
 * leaves the queue disabled, which makes it writable: put back the last
 * seqno known retired, so that the interrupt handler, reading it before the
 * queue is reprogrammed, sees nothing new retired (a 0 would read as
 * retired work just below a 2^32 wrap).
 */
static void queue_reset_locked(struct aiaccel_queue *q)
{
	lockdep_assert_held(&q->lock);
	regmap_write(q->adev->regs, q_reg(q, AIACCEL_Q_CTRL), AIACCEL_Q_CTRL_RESET);
	regmap_write(q->adev->regs, q_reg(q, AIACCEL_Q_DONE_SEQNO), lower_32_bits(q->retired));
}

/*
 * Wait until a reset engine no longer touches memory.  Sleeping, without
 * q->lock: letting go of the job takes the engine up to one tile of work
 * (hardware.rst, "Resets"), and a model engine needs this CPU to do it.
 *
 * Return: true once the engine is idle, false if it is still busy after
 * a second.
 */
static bool queue_wait_reset(struct aiaccel_queue *q)
{
	u32 status;

	return !regmap_read_poll_timeout(q->adev->regs, q_reg(q, AIACCEL_Q_STATUS), status,
					 !(status & AIACCEL_Q_STATUS_BUSY), 100, USEC_PER_SEC);
}

/**
 * enum aiaccel_recovery - What resetting a hung engine found.
 * @AIACCEL_RECOVERY_NOT_HUNG: The job completed before the reset.
 * @AIACCEL_RECOVERY_RESET: The engine was reset and let go of the job.
 * @AIACCEL_RECOVERY_FAILED: The engine did not come out of reset.
 */
enum aiaccel_recovery {
	AIACCEL_RECOVERY_NOT_HUNG,
	AIACCEL_RECOVERY_RESET,
	AIACCEL_RECOVERY_FAILED,
};

/*
 * The guilty job is the oldest in the ring, the one at HEAD.  Reset the
 * engine, fail that job once the engine has let go of it, and restart the
 * ring just after it: the jobs behind it, which had not started, run as if
 * nothing had happened.  run_job may write new entries meanwhile (under
 * q->lock); the reprogrammed TAIL covers them.
 */
static enum aiaccel_recovery queue_recover(struct aiaccel_queue *q, struct aiaccel_job *guilty)
{
	struct aiaccel_fence *f = guilty->hw_fence;
	u32 next;

	scoped_guard(spinlock_irqsave, &q->lock) {
		queue_retire_locked(q);
		if (dma_fence_is_signaled(&f->base))
			return AIACCEL_RECOVERY_NOT_HUNG;
		queue_reset_locked(q);
	}
	if (!queue_wait_reset(q))
		return AIACCEL_RECOVERY_FAILED;

	/*
	 * Confirmed: no more jobs from the context that hung the engine.
	 * Banned before its fence signals, which lets its next job go.
	 */
	atomic_set(&guilty->ctx->guilty, 1);
	guard(spinlock_irqsave)(&q->lock);
	trace_aiaccel_engine_reset(q->index, f->base.seqno);
	queue_fence_done(q, f, -ETIMEDOUT);
	q->retired = max(q->retired, f->base.seqno);
	/* Ring index just past the guilty entry, from where it was written. */
	next = q->tail - (u32)(q->emitted - f->base.seqno);
	queue_program_locked(q, next, lower_32_bits(f->base.seqno));
	q->resets++;
	return AIACCEL_RECOVERY_RESET;
}

/*
 * Is @job on the engine?  A job whose run_job failed, or is still running,
 * has no hardware fence yet; one that has completed is not hung either.
 */
static bool job_on_engine(struct aiaccel_queue *q, struct aiaccel_job *job)
{
	guard(spinlock_irqsave)(&q->lock);
	return job->hw_fence_live && !dma_fence_is_signaled(&job->hw_fence->base);
}

/* Before the reset: the state that explains the hang, for a devcoredump. */
static void job_coredump(struct aiaccel_queue *q, struct aiaccel_job *job)
{
	struct aiaccel_coredump_job cj = {
		.seqno = job->hw_fence->base.seqno,
		.cs_va = job->cs_va,
		.cs_size = job->cs_size,
		.client_id = job->client_id,
		.pid = job->pid,
	};
	unsigned int i;

	strscpy(cj.comm, job->comm);
	for (i = 0; i < job->nr_mappings; i++) {
		struct aiaccel_mapping *m = job->mappings[i];
		u64 va = aiaccel_mapping_va(m);

		if (job->cs_va >= va && job->cs_va - va < m->bo->base.base.size)
			cj.cs_mapping = m;
	}
	aiaccel_coredump_hang(q, &cj);
}

/* Under adev->reset_lock, with the device held awake: is @job hung, and if so, recover. */
static enum drm_gpu_sched_stat queue_timedout(struct aiaccel_queue *q, struct aiaccel_job *job)
{
	struct aiaccel_device *adev = q->adev;
	u32 progress;

	/* Completed just now, or the engine is still retiring work: not hung. */
	scoped_guard(spinlock_irqsave, &q->lock) {
		bool retired = dma_fence_is_signaled(&job->hw_fence->base);

		queue_retire_locked(q);
		/*
		 * Finished, yet for job_timeout_ms no interrupt retired it:
		 * counted (debugfs "rings") rather than logged, since one may
		 * race with an interrupt that is just being delivered.
		 */
		if (!retired && dma_fence_is_signaled(&job->hw_fence->base))
			q->irqs_missed++;
	}
	if (regmap_read(adev->regs, q_reg(q, AIACCEL_Q_PROGRESS), &progress))
		progress = q->last_progress;
	if (dma_fence_is_signaled(&job->hw_fence->base) || progress != q->last_progress) {
		q->last_progress = progress;
		return DRM_GPU_SCHED_STAT_NO_HANG;
	}

	drm_info(&adev->drm, "engine %u: job %llu made no progress in %u ms, resetting the engine\n",
		 q->index, job->hw_fence->base.seqno, adev->job_timeout_ms);
	job_coredump(q, job);
	switch (queue_recover(q, job)) {
	case AIACCEL_RECOVERY_NOT_HUNG:
		return DRM_GPU_SCHED_STAT_NO_HANG;
	case AIACCEL_RECOVERY_FAILED:
		aiaccel_wedge(adev, q->index);
		break;
	case AIACCEL_RECOVERY_RESET:
		regmap_read(adev->regs, q_reg(q, AIACCEL_Q_PROGRESS), &q->last_progress);
		break;
	}
	/*
	 * The job's fence has signalled: the scheduler, which took it off its
	 * pending list for us, leaves freeing it to us after a reset.
	 */
	aiaccel_job_free(&job->base);
	return DRM_GPU_SCHED_STAT_RESET;
}

/*
 * The scheduler is not stopped around a reset: the reset concerns only
 * the guilty entry, every other job keeps its place in the ring and its
 * hardware fence, so there is nothing to take back or resubmit (and a
 * drm_sched_start() would restart feeding the engines in the middle of a
 * system suspend).  See design.rst, "Hangs and resets".
 */
static enum drm_gpu_sched_stat aiaccel_timedout_job(struct drm_sched_job *sched_job)
{
	struct aiaccel_job *job = to_aiaccel_job(sched_job);
	struct aiaccel_queue *q = to_queue(sched_job->sched);
	struct aiaccel_device *adev = q->adev;
	struct device *dev = adev->drm.dev;
	enum drm_gpu_sched_stat stat = DRM_GPU_SCHED_STAT_NO_HANG;
	int idx;

	if (!drm_dev_enter(&adev->drm, &idx))
		return DRM_GPU_SCHED_STAT_ENODEV;
	if (!job_on_engine(q, job))
		goto out;

	mutex_lock(&adev->reset_lock);
	/*
	 * A device in system sleep or powered off runs nothing: leave it
	 * alone and look again later.
	 */
	if (!adev->sleeping && pm_runtime_get_if_active(dev) > 0) {
		stat = queue_timedout(q, job);
		pm_runtime_put_autosuspend(dev);
	}
	mutex_unlock(&adev->reset_lock);
out:
	drm_dev_exit(idx);
	return stat;
}

/* drm_sched_fini(): the job will never complete on the device. */
static void aiaccel_cancel_job(struct drm_sched_job *sched_job)
{
	struct aiaccel_job *job = to_aiaccel_job(sched_job);
	struct aiaccel_queue *q = to_queue(sched_job->sched);
	struct aiaccel_fence *f = job->hw_fence;

	guard(spinlock_irqsave)(&q->lock);
	if (!job->hw_fence_live || list_empty(&f->link))
		return;
	queue_fence_done(q, f, -ECANCELED);
}

static const struct drm_sched_backend_ops aiaccel_sched_ops = {
	.run_job = aiaccel_run_job,
	.timedout_job = aiaccel_timedout_job,
	.free_job = aiaccel_job_free,
	.cancel_job = aiaccel_cancel_job,
};

/* --- Queues --------------------------------------------------------------- */

static void aiaccel_queues_fini(struct drm_device *drm, void *data)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++)
		if (adev->scheds[i])
			drm_sched_fini(adev->scheds[i]);
}

/**
 * aiaccel_queues_init() - Set up every engine's ring and scheduler.
 * @adev: The device, reset, with its registers and queue_depth known.
 *
 * Return: 0 or a negative errno.
 */
int aiaccel_queues_init(struct aiaccel_device *adev)
{
	struct device *dev = adev->drm.dev;
	unsigned int i;
	int ret;

	/* First, so that a failure part way tears down the schedulers already made. */
	ret = drmm_add_action_or_reset(&adev->drm, aiaccel_queues_fini, NULL);
	if (ret)
		return ret;

	for (i = 0; i < adev->hw.num_engines; i++) {
		struct aiaccel_queue *q = &adev->queues[i];
		struct drm_sched_init_args args = {
			.ops = &aiaccel_sched_ops,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = adev->queue_depth,
			.timeout = msecs_to_jiffies(adev->job_timeout_ms),
			/* Fences report it as long as they live: not a devm string. */
			.name = q->name,
			.dev = dev,
		};

		snprintf(q->name, sizeof(q->name), "aiaccel%u-e%u", adev->hw.instance, i);
		q->adev = adev;
		q->index = i;
		spin_lock_init(&q->fence_lock);
		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->pending);
		q->fence_context = dma_fence_context_alloc(1);
		q->ring_size = max_t(u32, roundup_pow_of_two(adev->queue_depth),
				     AIACCEL_RING_SIZE_MIN);
		q->ring = dmam_alloc_coherent(dev, q->ring_size * sizeof(*q->ring),
					      &q->ring_dma, GFP_KERNEL);
		if (!q->ring)
			return -ENOMEM;

		ret = drm_sched_init(&q->sched, &args);
		if (ret)
			return ret;
		adev->scheds[i] = &q->sched;
		scoped_guard(spinlock_irqsave, &q->lock)
			queue_program_locked(q, 0, 0);
	}
	return 0;
}

/**
 * aiaccel_queues_restore() - Program the queues of a freshly powered device.
 * @adev: The device; every queue is idle (runtime PM holds it on otherwise).
 */
void aiaccel_queues_restore(struct aiaccel_device *adev)
{
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++) {
		struct aiaccel_queue *q = &adev->queues[i];

		guard(spinlock_irqsave)(&q->lock);
		drm_WARN_ON(&adev->drm, !list_empty(&q->pending));
		queue_program_locked(q, q->tail, lower_32_bits(q->retired));
	}
}

/**
 * aiaccel_queues_quiesce() - Stop feeding the engines and wait for them.
 * @adev: The device.
 *
 * Jobs already on an engine complete (or time out and are reset); queued
 * jobs stay in the schedulers until aiaccel_queues_resume().
 *
 * Return: 0, or -EBUSY if an engine did not go idle.
 */
int aiaccel_queues_quiesce(struct aiaccel_device *adev)
{
	long timeout = msecs_to_jiffies(2 * adev->job_timeout_ms + 1000);
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++)
		drm_sched_wqueue_stop(&adev->queues[i].sched);

	for (i = 0; i < adev->hw.num_engines; i++) {
		struct aiaccel_queue *q = &adev->queues[i];
		struct dma_fence *last = NULL;

		scoped_guard(spinlock_irqsave, &q->lock)
			if (!list_empty(&q->pending))
				last = dma_fence_get(&list_last_entry(&q->pending,
								      struct aiaccel_fence,
								      link)->base);
		if (!last)
			continue;
		timeout = dma_fence_wait_timeout(last, false, timeout);
		dma_fence_put(last);
		if (timeout <= 0)
			return -EBUSY;
	}
	return 0;
}

/**
 * aiaccel_queues_resume() - Feed the engines again after a quiesce.
 * @adev: The device.
 */
void aiaccel_queues_resume(struct aiaccel_device *adev)
{
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++)
		drm_sched_wqueue_start(&adev->queues[i].sched);
}

/**
 * aiaccel_queues_fail() - Fail every job in the rings.
 * @adev: The device.
 * @error: The errno the jobs fail with.
 * @quarantine: The engines may still be running them: keep their buffers
 *	until the device is reset as a whole.
 */
void aiaccel_queues_fail(struct aiaccel_device *adev, int error, bool quarantine)
{
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++) {
		struct aiaccel_queue *q = &adev->queues[i];
		struct aiaccel_fence *f, *tmp;

		guard(spinlock_irqsave)(&q->lock);
		list_for_each_entry_safe(f, tmp, &q->pending, link) {
			f->quarantine |= quarantine;
			queue_fence_done(q, f, error);
		}
	}
}

/* Reset every engine; true once none of them touches memory any more. */
static bool queues_reset_all(struct aiaccel_device *adev)
{
	bool idle = true;
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++)
		scoped_guard(spinlock_irqsave, &adev->queues[i].lock)
			queue_reset_locked(&adev->queues[i]);
	for (i = 0; i < adev->hw.num_engines; i++)
		idle &= queue_wait_reset(&adev->queues[i]);
	return idle;
}

/**
 * aiaccel_queues_unplug() - The device is going away: stop it and end
 * every job.
 * @adev: The device, unplugged (drm_dev_unplug()): run_job no longer
 *	reaches the rings, it fails the jobs it gets with -ENODEV.
 *
 * Resets the engines, then the whole device if an engine does not stop,
 * and fails every job in a ring with -ENODEV.  The schedulers keep
 * running until the last file is closed, so that the jobs still queued
 * in them end (with -ENODEV) as soon as their dependencies allow, and
 * closing a file never waits for a device that is gone.
 */
void aiaccel_queues_unplug(struct aiaccel_device *adev)
{
	struct device *dev = adev->drm.dev;
	bool stopped = false;
	int ret;

	/* Registers only with the device awake. */
	ret = pm_runtime_resume_and_get(dev);
	if (!ret) {
		stopped = queues_reset_all(adev);
		if (!stopped) {
			regmap_write(adev->regs, AIACCEL_REG_RESET, AIACCEL_RESET_KEY);
			stopped = queues_reset_all(adev);
		}
	}
	if (!stopped)
		drm_err(&adev->drm, "engines do not stop: keeping the memory they may use\n");
	aiaccel_queues_fail(adev, -ENODEV, !stopped);
	if (stopped)
		aiaccel_quarantine_release(adev);
	if (!ret)
		pm_runtime_put_noidle(dev);
}

/**
 * aiaccel_queue_running_ns() - How long the engine has been on a context's
 * job.
 * @q: The queue.
 * @ctx: The context.
 *
 * Return: nanoseconds the job at the head of the ring has run if it is
 * one of @ctx's and the engine has started it, else 0.
 */
u64 aiaccel_queue_running_ns(struct aiaccel_queue *q, struct aiaccel_ctx *ctx)
{
	struct aiaccel_fence *f;

	guard(spinlock_irqsave)(&q->lock);
	f = list_first_entry_or_null(&q->pending, struct aiaccel_fence, link);
	if (f && f->ctx == ctx && f->start_ns)
		return aiaccel_job_busy_ns(f->start_ns, 0, ktime_get_ns());
	return 0;
}

/* Test hooks, in the KUnit build only; see tests/aiaccel_queue_hooks.c. */
#if IS_ENABLED(CONFIG_DRM_ACCEL_AIACCEL_KUNIT_TEST)
#include "tests/aiaccel_queue_hooks.c"
#endif
