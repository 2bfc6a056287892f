// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: contexts.
 *
 * Each open file has a context: its address space, its scheduler entities
 * (per priority, and per engine or "any engine", made on first use), its
 * counters, and whether one of its jobs hung an engine.  Jobs hold a
 * reference, so a context outlives the file while its jobs run.
 */

#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/aiaccel_accel.h>

#include "aiaccel_ctx.h"
#include "aiaccel_drv.h"
#include "aiaccel_mmu.h"
#include "aiaccel_queue.h"

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
	/* First the retired jobs' time: a job retiring meanwhile is not counted twice. */
	u64 busy = atomic64_read(&ctx->stats.busy_ns[engine]);

	return busy + aiaccel_queue_running_ns(&ctx->adev->queues[engine], ctx);
}

/**
 * aiaccel_ctx_count_outcome() - Count a finished job of a context, on the
 * device and on the context.
 * @ctx: The context.
 * @status: The job's finished-fence error.
 *
 * Called before the job's finished fence signals: a waiter may return as
 * soon as that fence reads signalled, before the fence's callbacks have
 * run, and must find the job counted (struct drm_aiaccel_stats).
 */
void aiaccel_ctx_count_outcome(struct aiaccel_ctx *ctx, int status)
{
	aiaccel_stats_count_outcome(&ctx->adev->stats, status);
	aiaccel_stats_count_outcome(&ctx->stats, status);
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

/**
 * aiaccel_ctx_get() - Take a reference to a context.
 * @ctx: The context.
 */
void aiaccel_ctx_get(struct aiaccel_ctx *ctx)
{
	kref_get(&ctx->refcount);
}

/**
 * aiaccel_ctx_put() - Drop a reference to a context.
 * @ctx: The context.
 */
void aiaccel_ctx_put(struct aiaccel_ctx *ctx)
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

/**
 * aiaccel_ctx_entity() - The context's entity for a priority and engine.
 * @ctx: The context.
 * @prio: The scheduler priority.
 * @engine: An engine number, or %AIACCEL_ENGINE_ANY.
 *
 * Created on first use.
 *
 * Return: the entity or an ERR_PTR().
 */
struct drm_sched_entity *aiaccel_ctx_entity(struct aiaccel_ctx *ctx,
					    enum drm_sched_priority prio, u32 engine)
{
	struct aiaccel_device *adev = ctx->adev;
	bool any = engine == AIACCEL_ENGINE_ANY;
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
