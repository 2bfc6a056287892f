// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: jobs, SUBMIT and WAIT.
 *
 * SUBMIT builds a job from a command stream and the buffers it uses, with
 * in-syncobjs and implicit (dma_resv) dependencies, pushes it to an entity
 * of the file's context, and publishes its completion on out-syncobjs, on
 * the buffers and, if asked, as a DRM event.  The engine queues run it
 * (aiaccel_queue.c).  See Documentation/accel/aiaccel/design.rst.
 */

#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>
#include <drm/drm_utils.h>
#include <drm/aiaccel_accel.h>

#include "aiaccel_ctx.h"
#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_job.h"
#include "aiaccel_mmu.h"
#include "aiaccel_queue.h"
#include "aiaccel_stats.h"
#include "aiaccel_trace.h"

/**
 * struct aiaccel_event - A completion event, for jobs that ask for one.
 * @base: DRM's pending event; first, so DRM can free the whole struct.
 * @event: What read() returns.
 * @done_cb: On the job's finished fence: sends the event.  It is the
 *	event's, not the job's: the scheduler may free the job as soon as
 *	that fence reads signalled, before its callbacks have run.
 * @drm: The device, to send it.
 */
struct aiaccel_event {
	struct drm_pending_event base;
	struct drm_aiaccel_event_job event;
	struct dma_fence_cb done_cb;
	struct drm_device *drm;
};

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

/**
 * aiaccel_job_set_engine() - Tell the job's completion event, if any,
 * which engine runs it.
 * @job: The job, in run_job: its event is not sent before run_job returns.
 * @engine: The engine.
 */
void aiaccel_job_set_engine(struct aiaccel_job *job, unsigned int engine)
{
	if (job->event)
		job->event->event.engine = engine;
}

/**
 * aiaccel_job_free() - The scheduler's free_job: the job is done with.
 * @sched_job: The job, its finished fence signalled.
 */
void aiaccel_job_free(struct drm_sched_job *sched_job)
{
	struct aiaccel_job *job = to_aiaccel_job(sched_job);
	/* Before the release, which may keep the job in quarantine. */
	struct aiaccel_ctx *ctx = job->ctx;

	/*
	 * Never run: its entity was killed with its file, and nobody waits
	 * for it through that file.
	 */
	if (!job->ran)
		aiaccel_ctx_count_outcome(ctx, sched_job->s_fence->finished.error);
	drm_sched_job_cleanup(sched_job);
	aiaccel_job_release(job);
	aiaccel_ctx_put(ctx);
}

/* --- SUBMIT --------------------------------------------------------------- */

/*
 * Copy @count elements of @stride bytes into @ksize-byte kernel structs,
 * in an array with room for @spare more.  NULL if both are 0.
 */
static void *copy_array(u64 uptr, u32 count, u32 spare, u32 stride, size_t ksize)
{
	void *array;
	u32 i;
	int ret;

	if (!count && !spare)
		return NULL;
	if (count && (stride < ksize || stride > PAGE_SIZE))
		return ERR_PTR(-EINVAL);
	array = kvcalloc(count + spare, ksize, GFP_KERNEL);
	if (!array)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < count; i++) {
		ret = copy_struct_from_user(array + i * ksize, ksize,
					    u64_to_user_ptr(uptr + (u64)i * stride), stride);
		if (ret) {
			kvfree(array);
			/* -E2BIG: non-zero bytes past what this kernel knows. */
			return ERR_PTR(ret == -E2BIG ? -EINVAL : ret);
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

	if (!outs)
		return;
	for (i = 0; i < count; i++) {
		if (outs[i].syncobj)
			drm_syncobj_put(outs[i].syncobj);
		dma_fence_chain_free(outs[i].chain);
	}
	kvfree(outs);
}

/* A job's finished fence signalled: send its event. */
static void aiaccel_event_done_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct aiaccel_event *e = container_of(cb, struct aiaccel_event, done_cb);
	struct drm_device *drm = e->drm;
	ktime_t now = ktime_get();
	unsigned long flags;

	e->event.status = fence->error;
	e->event.done_ns = ktime_to_ns(now);
	/* Frees the event instead if the file has been closed meanwhile. */
	spin_lock_irqsave(&drm->event_lock, flags);
	drm_send_event_timestamp_locked(drm, &e->base, now);
	spin_unlock_irqrestore(&drm->event_lock, flags);
}

static int submit_validate(struct aiaccel_device *adev, struct drm_aiaccel_submit *args)
{
	if (args->flags & ~AIACCEL_SUBMIT_FLAGS || args->reserved[0] || args->reserved[1])
		return -EINVAL;
	if (args->flags & DRM_AIACCEL_SUBMIT_ENGINE ?
	    args->engine >= adev->hw.num_engines : args->engine)
		return -EINVAL;
	if (args->priority > DRM_AIACCEL_PRIORITY_HIGH)
		return -EINVAL;
	if (args->bo_count > AIACCEL_MAX_SUBMIT_BOS ||
	    args->in_sync_count > AIACCEL_MAX_SUBMIT_SYNCS ||
	    args->out_sync_count > AIACCEL_MAX_SUBMIT_SYNCS)
		return -EINVAL;
	if (!IS_ALIGNED(args->cs_offset, 8) || !IS_ALIGNED(args->cs_size, 8) ||
	    args->cs_size > AIACCEL_MAX_CS_SIZE)
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
 * The fences of the in-syncs, looked up before the job exists.
 * WAIT_FOR_SUBMIT may sleep here for up to 5 s: the caller must hold no
 * lock, drm_dev_enter()'s SRCU read lock included (drm_syncobj_find_fence()
 * asserts it with lockdep).  That ordering, the WAIT_FOR_SUBMIT flag and
 * the 64-bit point are why drm_sched_job_add_syncobj_dependency() (a
 * 32-bit point, no flags, a job to add to) does not fit here.
 */
static struct dma_fence **submit_in_fences(struct drm_file *file,
					   const struct drm_aiaccel_submit *args)
{
	u32 count = args->in_sync_count, i;
	struct drm_aiaccel_sync *ins;
	struct dma_fence **fences;
	int ret = 0;

	ins = copy_array(args->in_syncs, count, 0, args->in_sync_stride, sizeof(*ins));
	if (IS_ERR_OR_NULL(ins))
		return ERR_CAST(ins);
	fences = kvcalloc(count, sizeof(*fences), GFP_KERNEL);
	if (!fences) {
		kvfree(ins);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < count; i++) {
		if (ins[i].flags & ~DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT) {
			ret = -EINVAL;
			break;
		}
		ret = drm_syncobj_find_fence(file, ins[i].handle, ins[i].point,
					     ins[i].flags & DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT ?
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0,
					     &fences[i]);
		if (ret) {
			fences[i] = NULL;
			break;
		}
	}
	kvfree(ins);
	if (ret) {
		put_fences(fences, count);
		return ERR_PTR(ret);
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
						 const struct drm_aiaccel_submit *args)
{
	u32 count = args->out_sync_count, i;
	struct drm_aiaccel_sync *outs;
	struct aiaccel_out_sync *res;
	int ret = 0;

	outs = copy_array(args->out_syncs, count, 0, args->out_sync_stride, sizeof(*outs));
	if (IS_ERR_OR_NULL(outs))
		return ERR_CAST(outs);
	res = kvcalloc(count, sizeof(*res), GFP_KERNEL);
	if (!res) {
		kvfree(outs);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < count; i++) {
		if (outs[i].flags) {
			ret = -EINVAL;
			break;
		}
		res[i].syncobj = drm_syncobj_find(file, outs[i].handle);
		if (!res[i].syncobj) {
			ret = -ENOENT;
			break;
		}
		res[i].point = outs[i].point;
		if (res[i].point) {
			res[i].chain = dma_fence_chain_alloc();
			if (!res[i].chain) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	kvfree(outs);
	if (ret) {
		put_out_syncs(res, count);
		return ERR_PTR(ret);
	}
	return res;
}

/* Put the job's finished fence in the out-syncobjs; uses up their chain nodes. */
static void publish_out_syncs(struct aiaccel_out_sync *outs, u32 count, struct dma_fence *done)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (outs[i].point) {
			drm_syncobj_add_point(outs[i].syncobj, outs[i].chain, done, outs[i].point);
			outs[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(outs[i].syncobj, done);
		}
	}
}

static int submit_event(struct drm_device *drm, struct drm_file *file,
			struct aiaccel_job *job, const struct drm_aiaccel_submit *args)
{
	struct aiaccel_event *e;
	int ret;

	e = kzalloc_obj(*e);
	if (!e)
		return -ENOMEM;
	e->drm = drm;
	e->event.base.type = DRM_AIACCEL_EVENT_JOB_DONE;
	e->event.base.length = sizeof(e->event);
	e->event.engine = ~0U;
	e->event.user_data = args->event_data;
	e->event.submit_ns = ktime_get_ns();
	ret = drm_event_reserve_init(drm, file, &e->base, &e->event.base);
	if (ret) {
		kfree(e);
		return ret;
	}
	job->event = e;
	return 0;
}

/* Undo a job that was not pushed; initialised for the scheduler once it has a context. */
static void submit_abort(struct drm_device *drm, struct aiaccel_job *job)
{
	struct aiaccel_ctx *ctx = job->ctx;

	if (job->event)
		drm_event_cancel_free(drm, &job->event->base);
	job->event = NULL;
	if (ctx)
		drm_sched_job_cleanup(&job->base);
	aiaccel_job_release(job);
	if (ctx)
		aiaccel_ctx_put(ctx);
}

/*
 * The buffer list, plus the command stream's buffer as a reader, sorted
 * by handle with duplicates merged; *@countp is its length.
 */
static struct drm_aiaccel_submit_bo *submit_bo_list(const struct drm_aiaccel_submit *args,
						    u32 *countp)
{
	struct drm_aiaccel_submit_bo *bos;
	u32 n = args->bo_count, i;

	bos = copy_array(args->bos, n, 1, args->bo_stride, sizeof(*bos));
	if (IS_ERR(bos))
		return bos;
	for (i = 0; i < n; i++) {
		if (!bos[i].flags || bos[i].flags & ~(DRM_AIACCEL_SUBMIT_BO_READ |
						      DRM_AIACCEL_SUBMIT_BO_WRITE)) {
			kvfree(bos);
			return ERR_PTR(-EINVAL);
		}
	}
	bos[n].handle = args->cs_handle;
	bos[n].flags = DRM_AIACCEL_SUBMIT_BO_READ;
	*countp = merge_bos(bos, n + 1);
	return bos;
}

/* A job not yet initialised for the scheduler, and who submits it. */
static struct aiaccel_job *submit_job_alloc(struct drm_file *file)
{
	struct aiaccel_job *job;

	job = kzalloc_obj(*job);
	if (!job)
		return ERR_PTR(-ENOMEM);
	job->hw_fence = kzalloc_obj(*job->hw_fence);
	if (!job->hw_fence) {
		kfree(job);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&job->hw_fence->link);
	job->client_id = file->client_id;
	job->pid = task_tgid_nr(current);
	get_task_comm(job->comm, current);
	return job;
}

/* The command stream must lie inside its buffer. */
static int submit_cs(struct aiaccel_job *job, const struct drm_aiaccel_submit *args,
		     const struct drm_aiaccel_submit_bo *bos, struct drm_gem_object **objs,
		     u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (bos[i].handle != args->cs_handle)
			continue;
		if (args->cs_offset > objs[i]->size ||
		    args->cs_size > objs[i]->size - args->cs_offset)
			return -EINVAL;
		job->cs_va = aiaccel_mapping_va(job->mappings[i]) + args->cs_offset;
		job->cs_size = args->cs_size;
	}
	return 0;
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
	if (job->event &&
	    dma_fence_add_callback(done, &job->event->done_cb, aiaccel_event_done_cb)) {
		aiaccel_event_done_cb(done, &job->event->done_cb);
		job->event = NULL;
	}
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

/* Under drm_dev_enter(): build the job, push it, publish its fence. */
static int submit_job(struct drm_device *drm, struct drm_file *file,
		      const struct drm_aiaccel_submit *args, struct dma_fence **in_fences)
{
	struct aiaccel_file *afile = file->driver_priv;
	struct aiaccel_ctx *ctx = afile->ctx;
	struct aiaccel_out_sync *out_syncs = NULL;
	struct drm_gem_object **objs = NULL;
	struct drm_aiaccel_submit_bo *bos;
	struct drm_sched_entity *entity;
	struct aiaccel_job *job;
	struct dma_fence *done;
	u32 nbos = 0, engine;
	int ret;

	engine = args->flags & DRM_AIACCEL_SUBMIT_ENGINE ? args->engine : AIACCEL_ENGINE_ANY;
	entity = aiaccel_ctx_entity(ctx, submit_priority(args->priority), engine);
	if (IS_ERR(entity))
		return PTR_ERR(entity);
	bos = submit_bo_list(args, &nbos);
	if (IS_ERR(bos))
		return PTR_ERR(bos);
	job = submit_job_alloc(file);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto out;
	}

	ret = submit_lookup_bos(file, job, bos, nbos, &objs);
	if (!ret)
		ret = submit_cs(job, args, bos, objs, nbos);
	if (!ret) {
		out_syncs = submit_out_syncs(file, args);
		if (IS_ERR(out_syncs)) {
			ret = PTR_ERR(out_syncs);
			out_syncs = NULL;
		}
	}
	if (!ret)
		ret = drm_sched_job_init(&job->base, entity, 1, ctx, file->client_id);
	if (ret) {
		submit_abort(drm, job);
		goto out;
	}
	job->ctx = ctx;
	aiaccel_ctx_get(ctx);

	ret = submit_in_syncs(job, in_fences, args->in_sync_count);
	if (!ret && args->flags & DRM_AIACCEL_SUBMIT_EVENT)
		ret = submit_event(drm, file, job, args);
	/* Pushed, the job may complete and be freed at any time: keep the fence. */
	if (!ret)
		ret = submit_push(job, objs, bos, nbos,
				  !(args->flags & DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC), &done);
	if (ret) {
		submit_abort(drm, job);
		goto out;
	}
	trace_aiaccel_job_submit(file->client_id, engine, args->priority,
				 args->cs_size, nbos);
	publish_out_syncs(out_syncs, args->out_sync_count, done);
	dma_fence_put(done);
out:
	put_objs(objs, nbos);
	put_out_syncs(out_syncs, args->out_sync_count);
	kvfree(bos);
	return ret;
}

int aiaccel_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct aiaccel_file *afile = file->driver_priv;
	struct drm_aiaccel_submit *args = data;
	struct dma_fence **in_fences;
	int ret, idx;

	ret = submit_validate(adev, args);
	if (ret) {
		drm_dbg_driver(drm, "SUBMIT: invalid arguments\n");
		return ret;
	}
	if (args->priority == DRM_AIACCEL_PRIORITY_HIGH && !capable(CAP_SYS_NICE))
		return -EPERM;
	if (atomic_read(&afile->ctx->guilty))
		return -ECANCELED;
	if (aiaccel_wedged(adev))
		return -EIO;

	/* In-syncs first, outside drm_dev_enter(): see submit_in_fences(). */
	in_fences = submit_in_fences(file, args);
	if (IS_ERR(in_fences))
		return PTR_ERR(in_fences);
	if (drm_dev_enter(drm, &idx)) {
		ret = submit_job(drm, file, args, in_fences);
		drm_dev_exit(idx);
	} else {
		ret = -ENODEV;
	}
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
