/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: the scheduling context of an open file.
 */
#ifndef __AIACCEL_CTX_H__
#define __AIACCEL_CTX_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mutex.h>

#include <drm/gpu_scheduler.h>

#include "aiaccel_regs.h"
#include "aiaccel_stats.h"

struct aiaccel_device;
struct aiaccel_vm;

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

/** AIACCEL_ENGINE_ANY - aiaccel_ctx_entity(): run on the least busy engine. */
#define AIACCEL_ENGINE_ANY	U32_MAX

struct aiaccel_ctx *aiaccel_ctx_create(struct aiaccel_device *adev, struct aiaccel_vm *vm);
void aiaccel_ctx_get(struct aiaccel_ctx *ctx);
void aiaccel_ctx_put(struct aiaccel_ctx *ctx);
void aiaccel_ctx_close(struct aiaccel_ctx *ctx);
struct drm_sched_entity *aiaccel_ctx_entity(struct aiaccel_ctx *ctx,
					    enum drm_sched_priority prio, u32 engine);
u64 aiaccel_ctx_busy_ns(struct aiaccel_ctx *ctx, unsigned int engine);
void aiaccel_ctx_count_outcome(struct aiaccel_ctx *ctx, int status);

#endif /* __AIACCEL_CTX_H__ */
