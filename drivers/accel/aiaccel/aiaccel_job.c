// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: jobs.
 *
 * One drm_gpu_scheduler per engine queue; each open file gets scheduler
 * entities (per priority, and per engine or "any engine").  SUBMIT builds
 * a job from a command stream and the buffers it uses, with in-syncobjs
 * and implicit (dma_resv) dependencies, and publishes its completion on
 * out-syncobjs, on the buffers and, if asked, as a DRM event.  run_job
 * writes a ring entry and rings the doorbell; the interrupt handler
 * retires completed seqnos and signals hardware fences; the timeout
 * handler resets a hung engine and lets the innocent jobs behind the
 * guilty one carry on.  See Documentation/accel/aiaccel/design.rst.
 */

#include <linux/bitfield.h>
#include <linux/dma-resv.h>
#include <linux/iopoll.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_syncobj.h>
#include <drm/drm_utils.h>
#include <drm/aiaccel_accel.h>

#include <kunit/visibility.h>

#include "aiaccel_coredump.h"
#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_job.h"
#include "aiaccel_mmu.h"
#include "aiaccel_pm.h"
#include "aiaccel_trace.h"

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
 * struct aiaccel_event - A completion event, for jobs that ask for one.
 * @base: DRM's pending event; first, so DRM can free the whole struct.
 * @event: What read() returns.
 */
struct aiaccel_event {
	struct drm_pending_event base;
	struct drm_aiaccel_event_job event;
};

/**
 * struct aiaccel_job - One submitted job.
 * @base: The scheduler's job.
 * @ctx: Context it was submitted from, referenced.
 * @hw_fence: Allocated at submit, initialised in run_job.
 * @hw_fence_live: run_job initialised @hw_fence: release it with
 *	dma_fence_put(), not kfree().
 * @cs_va: Device VA of the command stream.
 * @cs_size: Its size.
 * @mappings: Mappings of the buffers it uses, referenced.
 * @nr_mappings: Entries in @mappings.
 * @engine: Engine that ran it, ~0 until run.
 * @done_cb: On the finished fence: counts the job, sends @event.  The
 *	scheduler frees a job only after its finished fence has signalled,
 *	so the job outlives its callback.
 * @event: Completion event if asked for, NULL otherwise; DRM's once sent.
 * @quarantine_link: In adev->quarantine once freed, if an engine may
 *	still be using its buffers.
 * @client_id: DRM client id of the submitting file, for coredumps.
 * @pid: Thread group of the submitter, for coredumps.
 * @comm: Its name, for coredumps.
 */
struct aiaccel_job {
	struct drm_sched_job base;
	struct aiaccel_ctx *ctx;
	struct aiaccel_fence *hw_fence;
	bool hw_fence_live;
	u64 cs_va;
	u32 cs_size;
	struct aiaccel_mapping **mappings;
	unsigned int nr_mappings;
	u32 engine;
	struct dma_fence_cb done_cb;
	struct aiaccel_event *event;
	struct list_head quarantine_link;
	u64 client_id;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

static struct aiaccel_job *to_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct aiaccel_job, base);
}

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
u64 aiaccel_seqno_extend(u64 last, u64 emitted, u32 hw)
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
int aiaccel_errno_of(u32 err_code)
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
u64 aiaccel_job_busy_ns(u64 start_ns, u64 last_retire_ns, u64 now_ns)
{
	if (!start_ns)
		start_ns = last_retire_ns ?: now_ns;
	return now_ns - min(start_ns, now_ns);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_job_busy_ns);

/**
 * aiaccel_stats_count_outcome() - Count a finished job.
 * @stats: Counters to move.
 * @status: The job's finished-fence error: 0, -ETIMEDOUT, or another errno.
 */
void aiaccel_stats_count_outcome(struct aiaccel_stats *stats, int status)
{
	if (!status) {
		atomic64_inc(&stats->jobs_completed);
		return;
	}
	atomic64_inc(&stats->jobs_failed);
	if (status == -ETIMEDOUT)
		atomic64_inc(&stats->jobs_timed_out);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_stats_count_outcome);

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
		aiaccel_event(q->adev, "engine %u: job %u failed, error %lu at op %lu\n",
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
	struct aiaccel_job *job = to_job(sched_job);
	struct aiaccel_queue *q = to_queue(sched_job->sched);
	struct aiaccel_fence *f = job->hw_fence;
	struct regmap *regs = q->adev->regs;
	struct aiaccel_ring_entry *e;
	int error = sched_job->s_fence->finished.error;
	int idx;

	/* Cancelled (guilty context) or the device is gone: do not run. */
	if (error)
		return ERR_PTR(error);
	if (!drm_dev_enter(&q->adev->drm, &idx))
		return ERR_PTR(-ENODEV);
	/* Held until the hardware fence signals. */
	error = aiaccel_pm_get(q->adev);
	if (error) {
		drm_dev_exit(idx);
		return ERR_PTR(error);
	}

	scoped_guard(spinlock_irqsave, &q->lock) {
		u64 seqno;

		/* Under the lock: aiaccel_wedge() fails what is in the ring. */
		if (aiaccel_wedged(q->adev)) {
			error = -EIO;
			break;
		}
		job->engine = q->index;
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
		return ERR_PTR(error);
	}

	/* One reference for the scheduler. */
	return dma_fence_get(&f->base);
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

static void aiaccel_free_job(struct drm_sched_job *sched_job);

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
	scoped_guard(spinlock_irqsave, &q->lock)
		queue_retire_locked(q);
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
	aiaccel_free_job(&job->base);
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
	struct aiaccel_job *job = to_job(sched_job);
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

static void aiaccel_job_release(struct aiaccel_job *job)
{
	struct aiaccel_device *adev = job->ctx ? job->ctx->adev : NULL;
	unsigned int i;

	if (job->hw_fence_live && job->hw_fence->quarantine) {
		/* An engine may still be using the buffers: keep them. */
		job->ctx = NULL;
		guard(spinlock)(&adev->quarantine_lock);
		list_add_tail(&job->quarantine_link, &adev->quarantine);
		return;
	}
	for (i = 0; i < job->nr_mappings; i++)
		aiaccel_gem_mapping_put(job->mappings[i]);
	kvfree(job->mappings);
	if (job->hw_fence_live)
		dma_fence_put(&job->hw_fence->base);
	else
		kfree(job->hw_fence);
	kfree(job);
}

/**
 * aiaccel_quarantine_release() - Free the jobs kept for their buffers.
 * @adev: The device, reset as a whole: no engine touches memory.
 */
void aiaccel_quarantine_release(struct aiaccel_device *adev)
{
	struct aiaccel_job *job, *tmp;
	LIST_HEAD(jobs);

	scoped_guard(spinlock, &adev->quarantine_lock)
		list_splice_init(&adev->quarantine, &jobs);
	list_for_each_entry_safe(job, tmp, &jobs, quarantine_link) {
		job->hw_fence->quarantine = false;
		aiaccel_job_release(job);
	}
}

static void aiaccel_ctx_put(struct aiaccel_ctx *ctx);

static void aiaccel_free_job(struct drm_sched_job *sched_job)
{
	struct aiaccel_job *job = to_job(sched_job);
	/* Before the release, which may keep the job in quarantine. */
	struct aiaccel_ctx *ctx = job->ctx;

	drm_sched_job_cleanup(sched_job);
	aiaccel_job_release(job);
	aiaccel_ctx_put(ctx);
}

/* drm_sched_fini(): the job will never complete on the device. */
static void aiaccel_cancel_job(struct drm_sched_job *sched_job)
{
	struct aiaccel_job *job = to_job(sched_job);
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
	.free_job = aiaccel_free_job,
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

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * aiaccel_queue_set_seqno() - Move an idle queue's seqnos to @seqno.
 * @q: The queue; no job of it may be in the ring.
 * @seqno: The new last emitted and last retired seqno.
 *
 * For KUnit, which runs jobs across the device's 32-bit seqno wrap (and
 * the driver's 64-bit seqno past 2^32) without 2^32 jobs first.  The queue
 * is disabled and reprogrammed where it stands, with Q_DONE_SEQNO holding
 * the low bits of @seqno, as after an engine reset.
 *
 * Return: 0, -EBUSY if a job is in the ring, or an errno from powering up.
 */
int aiaccel_queue_set_seqno(struct aiaccel_queue *q, u64 seqno)
{
	int ret;

	ret = aiaccel_pm_get(q->adev);
	if (ret)
		return ret;
	scoped_guard(spinlock_irqsave, &q->lock) {
		if (list_empty(&q->pending)) {
			q->emitted = seqno;
			q->retired = seqno;
			/* Q_DONE_SEQNO is writable only while the queue is disabled. */
			regmap_write(q->adev->regs, q_reg(q, AIACCEL_Q_CTRL), 0);
			queue_program_locked(q, q->tail, lower_32_bits(seqno));
		} else {
			ret = -EBUSY;
		}
	}
	aiaccel_pm_put(q->adev);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_queue_set_seqno);
#endif

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

/* --- Contexts ------------------------------------------------------------- */

/**
 * aiaccel_ctx_busy_ns() - Time engine @engine spent on a context's jobs,
 * including the one it is running now.
 * @ctx: The context.
 * @engine: Engine number.
 *
 * Return: nanoseconds.
 */
u64 aiaccel_ctx_busy_ns(struct aiaccel_ctx *ctx, unsigned int engine)
{
	struct aiaccel_queue *q = &ctx->adev->queues[engine];
	u64 busy = atomic64_read(&ctx->stats.busy_ns[engine]);
	struct aiaccel_fence *f;

	guard(spinlock_irqsave)(&q->lock);
	f = list_first_entry_or_null(&q->pending, struct aiaccel_fence, link);
	if (f && f->ctx == ctx && f->start_ns)
		busy += aiaccel_job_busy_ns(f->start_ns, 0, ktime_get_ns());
	return busy;
}

/**
 * aiaccel_ctx_create() - Create the scheduling context of a new file.
 * @adev: The device.
 * @vm: The file's address space; the context takes a reference.
 *
 * Return: the context or an ERR_PTR().
 */
struct aiaccel_ctx *aiaccel_ctx_create(struct aiaccel_device *adev, struct aiaccel_vm *vm)
{
	struct aiaccel_ctx *ctx;

	ctx = kzalloc_obj(*ctx);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->refcount);
	ctx->adev = adev;
	ctx->vm = aiaccel_vm_get(vm);
	mutex_init(&ctx->lock);
	return ctx;
}

static void aiaccel_ctx_release(struct kref *kref)
{
	struct aiaccel_ctx *ctx = container_of(kref, struct aiaccel_ctx, refcount);

	aiaccel_vm_put(ctx->vm);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
}

static void aiaccel_ctx_put(struct aiaccel_ctx *ctx)
{
	kref_put(&ctx->refcount, aiaccel_ctx_release);
}

/**
 * aiaccel_ctx_close() - The file is closing: tear down its entities.
 * @ctx: The context.
 *
 * Jobs still queued in the entities are flushed to the engines, or killed
 * if the process is exiting or the device is gone (they end with -ESRCH
 * once their dependencies have signalled: closing never waits for a
 * device that is gone); jobs already on an engine keep the context alive
 * until they complete.
 */
void aiaccel_ctx_close(struct aiaccel_ctx *ctx)
{
	bool gone = drm_dev_is_unplugged(&ctx->adev->drm);
	unsigned int p, e;

	for (p = 0; p < DRM_SCHED_PRIORITY_COUNT; p++) {
		for (e = 0; e <= AIACCEL_MAX_QUEUES; e++) {
			if (!ctx->entities[p][e])
				continue;
			if (gone)
				drm_sched_entity_fini(ctx->entities[p][e]);
			else
				drm_sched_entity_destroy(ctx->entities[p][e]);
			kfree(ctx->entities[p][e]);
		}
	}
	aiaccel_ctx_put(ctx);
}

/* The entity for (priority, engine), created on first use. */
static struct drm_sched_entity *ctx_entity(struct aiaccel_ctx *ctx,
					   enum drm_sched_priority prio, u32 engine)
{
	struct aiaccel_device *adev = ctx->adev;
	bool any = engine == DRM_AIACCEL_ENGINE_ANY;
	unsigned int slot = any ? adev->hw.num_engines : engine;
	struct drm_sched_entity *entity;
	int ret;

	guard(mutex)(&ctx->lock);
	if (ctx->entities[prio][slot])
		return ctx->entities[prio][slot];

	entity = kzalloc_obj(*entity);
	if (!entity)
		return ERR_PTR(-ENOMEM);
	/* The scheduler list must outlive the entity: it lives in the device. */
	ret = drm_sched_entity_init(entity, prio, any ? adev->scheds : &adev->scheds[engine],
				    any ? adev->hw.num_engines : 1, &ctx->guilty);
	if (ret) {
		kfree(entity);
		return ERR_PTR(ret);
	}
	ctx->entities[prio][slot] = entity;
	return entity;
}

/* --- SUBMIT --------------------------------------------------------------- */

/* Copy @count elements of @stride bytes into @ksize-byte kernel structs. */
static void *copy_array(u64 uptr, u32 count, u32 stride, size_t ksize, int *err)
{
	void *array;
	u32 i;

	*err = 0;
	if (!count)
		return NULL;
	if (stride < ksize || stride > PAGE_SIZE) {
		*err = -EINVAL;
		return NULL;
	}
	array = kvmalloc_array(count, ksize, GFP_KERNEL);
	if (!array) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		*err = copy_struct_from_user(array + i * ksize, ksize,
					     u64_to_user_ptr(uptr + (u64)i * stride), stride);
		if (*err) {
			/* -E2BIG: non-zero bytes past what this kernel knows. */
			if (*err == -E2BIG)
				*err = -EINVAL;
			kvfree(array);
			return NULL;
		}
	}
	return array;
}

static int cmp_submit_bo(const void *a, const void *b)
{
	const struct drm_aiaccel_submit_bo *x = a, *y = b;

	return (x->handle > y->handle) - (x->handle < y->handle);
}

/* Sort by handle and merge duplicates' flags; returns the new count. */
static u32 merge_bos(struct drm_aiaccel_submit_bo *bos, u32 count)
{
	u32 i, n = 0;

	sort(bos, count, sizeof(*bos), cmp_submit_bo, NULL);
	for (i = 0; i < count; i++) {
		if (n && bos[n - 1].handle == bos[i].handle)
			bos[n - 1].flags |= bos[i].flags;
		else
			bos[n++] = bos[i];
	}
	return n;
}

/**
 * struct aiaccel_out_sync - An out-syncobj and what publishing needs.
 * @syncobj: The syncobj, referenced.
 * @chain: Preallocated chain node for a timeline point.
 * @point: Timeline point, 0 for binary.
 */
struct aiaccel_out_sync {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

static void put_out_syncs(struct aiaccel_out_sync *outs, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (outs[i].syncobj)
			drm_syncobj_put(outs[i].syncobj);
		dma_fence_chain_free(outs[i].chain);
	}
	kvfree(outs);
}

/* The job's finished fence signalled: count it, send its event. */
static void aiaccel_done_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct aiaccel_job *job = container_of(cb, struct aiaccel_job, done_cb);
	struct aiaccel_event *e = job->event;
	struct drm_device *drm = &job->ctx->adev->drm;
	ktime_t now;
	unsigned long flags;

	aiaccel_stats_count_outcome(&job->ctx->adev->stats, fence->error);
	aiaccel_stats_count_outcome(&job->ctx->stats, fence->error);
	if (!e)
		return;
	job->event = NULL;
	now = ktime_get();
	e->event.status = fence->error;
	e->event.engine = READ_ONCE(job->engine);
	e->event.done_ns = ktime_to_ns(now);
	/* Frees the event instead if the file has been closed meanwhile. */
	spin_lock_irqsave(&drm->event_lock, flags);
	drm_send_event_timestamp_locked(drm, &e->base, now);
	spin_unlock_irqrestore(&drm->event_lock, flags);
}

static int submit_validate(struct aiaccel_device *adev, struct drm_aiaccel_submit *args)
{
	if (args->flags & ~DRM_AIACCEL_SUBMIT_FLAGS || args->reserved[0] || args->reserved[1])
		return -EINVAL;
	if (args->engine != DRM_AIACCEL_ENGINE_ANY && args->engine >= adev->hw.num_engines)
		return -EINVAL;
	if (args->priority > DRM_AIACCEL_PRIORITY_HIGH)
		return -EINVAL;
	if (args->bo_count > DRM_AIACCEL_MAX_SUBMIT_BOS ||
	    args->in_sync_count > DRM_AIACCEL_MAX_SUBMIT_SYNCS ||
	    args->out_sync_count > DRM_AIACCEL_MAX_SUBMIT_SYNCS)
		return -EINVAL;
	if (!IS_ALIGNED(args->cs_offset, 8) || !IS_ALIGNED(args->cs_size, 8) ||
	    args->cs_size > DRM_AIACCEL_MAX_CS_SIZE)
		return -EINVAL;
	return 0;
}

static enum drm_sched_priority submit_priority(u32 prio)
{
	switch (prio) {
	case DRM_AIACCEL_PRIORITY_LOW:
		return DRM_SCHED_PRIORITY_LOW;
	case DRM_AIACCEL_PRIORITY_HIGH:
		return DRM_SCHED_PRIORITY_HIGH;
	default:
		return DRM_SCHED_PRIORITY_NORMAL;
	}
}

/* Look up the listed buffers (and the command stream's) and their mappings. */
static int submit_lookup_bos(struct drm_file *file, struct aiaccel_job *job,
			     struct drm_aiaccel_submit_bo *bos, u32 count,
			     struct drm_gem_object ***objsp)
{
	struct aiaccel_file *afile = file->driver_priv;
	struct drm_gem_object **objs;
	u32 i;

	job->mappings = kvcalloc(count, sizeof(*job->mappings), GFP_KERNEL);
	objs = kvcalloc(count, sizeof(*objs), GFP_KERNEL);
	if (!job->mappings || !objs) {
		kvfree(objs);
		return -ENOMEM;
	}
	*objsp = objs;
	for (i = 0; i < count; i++) {
		objs[i] = drm_gem_object_lookup(file, bos[i].handle);
		if (!objs[i])
			return -ENOENT;
		job->mappings[i] = aiaccel_gem_mapping_get(to_aiaccel_bo(objs[i]), afile->vm);
		if (!job->mappings[i])
			return -ENOENT;	/* handle closed under us */
		job->nr_mappings++;
	}
	return 0;
}

static void put_objs(struct drm_gem_object **objs, u32 count)
{
	u32 i;

	if (!objs)
		return;
	for (i = 0; i < count; i++)
		if (objs[i])
			drm_gem_object_put(objs[i]);
	kvfree(objs);
}

static void put_fences(struct dma_fence **fences, u32 count)
{
	u32 i;

	if (!fences)
		return;
	for (i = 0; i < count; i++)
		dma_fence_put(fences[i]);
	kvfree(fences);
}

/*
 * The fences of the in-syncs, looked up with the full 64-bit point (the
 * drm_sched helper takes 32 bits).  WAIT_FOR_SUBMIT may sleep here for up
 * to 5 s: the caller must hold no lock, drm_dev_enter()'s SRCU read lock
 * included (drm_syncobj_find_fence() asserts it with lockdep).
 */
static struct dma_fence **submit_in_fences(struct drm_file *file,
					   const struct drm_aiaccel_sync *ins, u32 count,
					   int *err)
{
	struct dma_fence **fences;
	u32 i;

	*err = 0;
	if (!count)
		return NULL;
	fences = kvcalloc(count, sizeof(*fences), GFP_KERNEL);
	if (!fences) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		if (ins[i].flags & ~DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT) {
			*err = -EINVAL;
			break;
		}
		*err = drm_syncobj_find_fence(file, ins[i].handle, ins[i].point,
					      ins[i].flags & DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT ?
					      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0,
					      &fences[i]);
		if (*err) {
			fences[i] = NULL;
			break;
		}
	}
	if (*err) {
		put_fences(fences, count);
		return NULL;
	}
	return fences;
}

/* Make the in-sync fences dependencies of the job; consumes them. */
static int submit_in_syncs(struct aiaccel_job *job, struct dma_fence **fences, u32 count)
{
	u32 i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = drm_sched_job_add_dependency(&job->base, fences[i]);
		fences[i] = NULL;	/* consumed, even on error */
		if (ret)
			return ret;
	}
	return 0;
}

static struct aiaccel_out_sync *submit_out_syncs(struct drm_file *file,
						 const struct drm_aiaccel_sync *outs, u32 count,
						 int *err)
{
	struct aiaccel_out_sync *res;
	u32 i;

	*err = 0;
	if (!count)
		return NULL;
	res = kvcalloc(count, sizeof(*res), GFP_KERNEL);
	if (!res) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		if (outs[i].flags) {
			*err = -EINVAL;
			break;
		}
		res[i].syncobj = drm_syncobj_find(file, outs[i].handle);
		if (!res[i].syncobj) {
			*err = -ENOENT;
			break;
		}
		res[i].point = outs[i].point;
		if (res[i].point) {
			res[i].chain = dma_fence_chain_alloc();
			if (!res[i].chain) {
				*err = -ENOMEM;
				break;
			}
		}
	}
	if (*err) {
		put_out_syncs(res, count);
		return NULL;
	}
	return res;
}

/*
 * Lock the buffers, add implicit dependencies, arm and push the job.  On
 * success *@donep is a reference to the job's finished fence: once pushed,
 * the job may run, complete and be freed at any time, so the caller must
 * not touch it again.
 */
static int submit_push(struct aiaccel_job *job, struct drm_gem_object **objs,
		       const struct drm_aiaccel_submit_bo *bos, u32 count, bool implicit,
		       struct dma_fence **donep)
{
	/* The file's context outlives the ioctl; the job may not. */
	struct aiaccel_ctx *ctx = job->ctx;
	struct dma_fence *done;
	struct drm_exec exec;
	u32 i;
	int ret = 0;

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, count);
	drm_exec_until_all_locked(&exec) {
		for (i = 0; i < count; i++) {
			ret = drm_exec_prepare_obj(&exec, objs[i], 1);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				goto out;
		}
	}

	for (i = 0; implicit && i < count; i++) {
		bool write = bos[i].flags & DRM_AIACCEL_SUBMIT_BO_WRITE;

		ret = drm_sched_job_add_implicit_dependencies(&job->base, objs[i], write);
		if (ret)
			goto out;
	}

	/*
	 * drm_sched wants arm and push of an entity's jobs under one lock, so
	 * that the entity's queue is in fence-seqno order even when several
	 * threads submit through the same file.
	 */
	mutex_lock(&ctx->lock);
	drm_sched_job_arm(&job->base);
	done = dma_fence_get(&job->base.s_fence->finished);
	for (i = 0; i < count; i++)
		dma_resv_add_fence(objs[i]->resv, done,
				   bos[i].flags & DRM_AIACCEL_SUBMIT_BO_WRITE ?
				   DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ);
	/* Before the push: the job is not ours afterwards. */
	if (dma_fence_add_callback(done, &job->done_cb, aiaccel_done_cb))
		aiaccel_done_cb(done, &job->done_cb);
	/* Counted before it can complete: never fewer submitted than done. */
	atomic64_inc(&ctx->adev->stats.jobs_submitted);
	atomic64_inc(&ctx->stats.jobs_submitted);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->lock);
	*donep = done;
out:
	drm_exec_fini(&exec);
	return ret;
}

int aiaccel_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct aiaccel_file *afile = file->driver_priv;
	struct aiaccel_ctx *ctx = afile->ctx;
	struct drm_aiaccel_submit *args = data;
	struct drm_aiaccel_submit_bo *bos = NULL;
	struct drm_aiaccel_sync *ins, *outs = NULL;
	struct aiaccel_out_sync *out_syncs = NULL;
	struct dma_fence **in_fences;
	struct drm_gem_object **objs = NULL;
	struct drm_sched_entity *entity;
	struct aiaccel_job *job = NULL;
	struct dma_fence *done;
	u32 nbos = 0, i;
	bool armed = false;
	int ret, idx;

	ret = submit_validate(adev, args);
	if (ret) {
		drm_dbg_driver(drm, "SUBMIT: invalid arguments\n");
		return ret;
	}
	if (args->priority == DRM_AIACCEL_PRIORITY_HIGH && !capable(CAP_SYS_NICE))
		return -EPERM;
	if (atomic_read(&ctx->guilty))
		return -ECANCELED;
	if (aiaccel_wedged(adev))
		return -EIO;

	/* In-syncs first, outside drm_dev_enter(): see submit_in_fences(). */
	ins = copy_array(args->in_syncs, args->in_sync_count, args->in_sync_stride,
			 sizeof(*ins), &ret);
	if (ret)
		return ret;
	in_fences = submit_in_fences(file, ins, args->in_sync_count, &ret);
	kvfree(ins);
	if (ret)
		return ret;

	if (!drm_dev_enter(drm, &idx)) {
		ret = -ENODEV;
		goto out_fences;
	}

	entity = ctx_entity(ctx, submit_priority(args->priority), args->engine);
	if (IS_ERR(entity)) {
		ret = PTR_ERR(entity);
		goto out_exit;
	}

	/* The buffer list, plus the command stream's buffer as a reader. */
	bos = copy_array(args->bos, args->bo_count, args->bo_stride, sizeof(*bos), &ret);
	if (ret)
		goto out;
	nbos = args->bo_count;
	{
		struct drm_aiaccel_submit_bo *all;

		all = kvrealloc(bos, (nbos + 1) * sizeof(*bos), GFP_KERNEL);
		if (!all) {
			ret = -ENOMEM;
			goto out;
		}
		bos = all;
	}
	for (i = 0; i < nbos; i++) {
		if (!bos[i].flags || bos[i].flags & ~(DRM_AIACCEL_SUBMIT_BO_READ |
						      DRM_AIACCEL_SUBMIT_BO_WRITE)) {
			ret = -EINVAL;
			goto out;
		}
	}
	bos[nbos].handle = args->cs_handle;
	bos[nbos].flags = DRM_AIACCEL_SUBMIT_BO_READ;
	nbos = merge_bos(bos, nbos + 1);

	outs = copy_array(args->out_syncs, args->out_sync_count, args->out_sync_stride,
			  sizeof(*outs), &ret);
	if (ret)
		goto out;

	job = kzalloc_obj(*job);
	if (!job) {
		ret = -ENOMEM;
		goto out;
	}
	job->engine = ~0U;
	job->client_id = file->client_id;
	job->pid = task_tgid_nr(current);
	get_task_comm(job->comm, current);
	job->hw_fence = kzalloc_obj(*job->hw_fence);
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto out;
	}
	INIT_LIST_HEAD(&job->hw_fence->link);

	ret = submit_lookup_bos(file, job, bos, nbos, &objs);
	if (ret)
		goto out;

	/* The command stream must lie inside its buffer. */
	for (i = 0; i < nbos; i++) {
		if (bos[i].handle != args->cs_handle)
			continue;
		if (args->cs_offset > objs[i]->size ||
		    args->cs_size > objs[i]->size - args->cs_offset) {
			ret = -EINVAL;
			goto out;
		}
		job->cs_va = aiaccel_mapping_va(job->mappings[i]) + args->cs_offset;
		job->cs_size = args->cs_size;
	}

	out_syncs = submit_out_syncs(file, outs, args->out_sync_count, &ret);
	if (ret)
		goto out;

	ret = drm_sched_job_init(&job->base, entity, 1, ctx, file->client_id);
	if (ret)
		goto out;
	job->ctx = ctx;
	kref_get(&ctx->refcount);

	ret = submit_in_syncs(job, in_fences, args->in_sync_count);
	if (ret)
		goto out_cleanup;

	if (args->flags & DRM_AIACCEL_SUBMIT_EVENT) {
		struct aiaccel_event *e = kzalloc_obj(*e);

		if (!e) {
			ret = -ENOMEM;
			goto out_cleanup;
		}
		e->event.base.type = DRM_AIACCEL_EVENT_JOB_DONE;
		e->event.base.length = sizeof(e->event);
		e->event.user_data = args->event_data;
		e->event.submit_ns = ktime_get_ns();
		ret = drm_event_reserve_init(drm, file, &e->base, &e->event.base);
		if (ret) {
			kfree(e);
			goto out_cleanup;
		}
		job->event = e;
	}

	/* Pushed, the job may complete and be freed at any time: keep the fence. */
	ret = submit_push(job, objs, bos, nbos,
			  !(args->flags & DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC), &done);
	if (ret)
		goto out_cleanup;
	armed = true;
	trace_aiaccel_job_submit(file->client_id, args->engine, args->priority,
				 args->cs_size, nbos);

	for (i = 0; i < args->out_sync_count; i++) {
		if (out_syncs[i].point) {
			drm_syncobj_add_point(out_syncs[i].syncobj, out_syncs[i].chain,
					      done, out_syncs[i].point);
			out_syncs[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(out_syncs[i].syncobj, done);
		}
	}
	dma_fence_put(done);
	ret = 0;
	goto out;

out_cleanup:
	if (job->event)
		drm_event_cancel_free(drm, &job->event->base);
	job->event = NULL;
	drm_sched_job_cleanup(&job->base);
	aiaccel_ctx_put(ctx);
out:
	if (job && !armed)
		aiaccel_job_release(job);
	put_objs(objs, nbos);
	if (out_syncs)
		put_out_syncs(out_syncs, args->out_sync_count);
	kvfree(outs);
	kvfree(bos);
out_exit:
	drm_dev_exit(idx);
out_fences:
	put_fences(in_fences, args->in_sync_count);
	return ret;
}

/* --- WAIT ----------------------------------------------------------------- */

int aiaccel_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_aiaccel_wait *args = data;
	enum dma_resv_usage usage;
	struct drm_gem_object *obj;
	unsigned long timeout;
	long ret;

	if (args->flags & ~DRM_AIACCEL_WAIT_WRITERS)
		return -EINVAL;
	usage = args->flags & DRM_AIACCEL_WAIT_WRITERS ? DMA_RESV_USAGE_WRITE :
							 DMA_RESV_USAGE_READ;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	/*
	 * The deadline is absolute and exact: the jiffies it is turned into
	 * may run out up to a tick before it, then wait on.
	 */
	do {
		timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
		if (!timeout)
			ret = dma_resv_test_signaled(obj->resv, usage) ? 1 : 0;
		else
			ret = dma_resv_wait_timeout(obj->resv, usage, true, timeout);
	} while (!ret && timeout && (s64)ktime_get_ns() < args->timeout_ns);
	drm_gem_object_put(obj);

	if (ret < 0)
		return ret;
	return ret ? 0 : -ETIMEDOUT;
}
