// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: jobs through the DRM scheduler against the hardware model.
 *
 * Every test registers a model instance of its own, so the driver probes
 * a fresh device with the queue_depth and job_timeout_ms the test wants.
 * It opens files on the device's accel node (mock_drm_getfile()) and
 * drives them through the driver's ioctls exactly as a process would:
 * arguments and arrays live in user memory mapped for the test thread
 * (kunit_vm_mmap()).  The model's test hooks, which a guest reaches
 * through debugfs, are set directly.  What the tests look at is what the
 * driver publishes (fences, their errors, counters) and the model's
 * registers.
 */

#include <linux/delay.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-fence.h>
#include <linux/file.h>
#include <linux/iosys-map.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mman.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <kunit/test.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_syncobj.h>
#include <drm/aiaccel_accel.h>
#include <drm/aiaccel_isa.h>

#include "aiaccel_ctx.h"
#include "aiaccel_drv.h"
#include "aiaccel_kunit_hooks.h"
#include "aiaccel_kunit_ops.h"
#include "aiaccel_ref.h"
#include "sim/aiaccel_sim.h"

/* The module's own model instances are 0-3. */
#define SCHED_SIM_ID		8
/* Long enough never to fire in the tests that do not time out. */
#define SCHED_TIMEOUT_LONG_MS	30000
#define SCHED_TIMEOUT_SHORT_MS	200
/* How long a test waits for a fence before it calls the job lost. */
#define SCHED_WAIT_MS		10000
#define SCHED_MAX_JOBS		16

/* User memory of the test thread: ioctl argument, then the arrays. */
#define SCHED_UBUF_SIZE		(4 * PAGE_SIZE)
#define SCHED_U_ARGS		0
#define SCHED_U_BOS		PAGE_SIZE
#define SCHED_U_IN_SYNCS	(2 * PAGE_SIZE)
#define SCHED_U_OUT_SYNCS	(3 * PAGE_SIZE)

/**
 * struct sched_test - One test's device.
 * @pdev: The model instance.
 * @sim: Its chip.
 * @adev: The driver's device bound to it.
 * @ubuf: User address of the test thread's argument memory.
 */
struct sched_test {
	struct platform_device *pdev;
	struct aiaccel_sim *sim;
	struct aiaccel_device *adev;
	unsigned long ubuf;
};

struct sched_vmap;

/**
 * struct sched_bo - A buffer created through BO_CREATE.
 * @handle: GEM handle in the file that created it.
 * @va: Device VA in that file's address space.
 * @size: Size.
 * @map: CPU address.
 * @vmap: What keeps @map (and a reference to the buffer).
 */
struct sched_bo {
	u32 handle;
	u64 va;
	u64 size;
	void *map;
	struct sched_vmap *vmap;
};

/**
 * struct sched_job - What to submit.
 * @cs: Command-stream buffer (an empty job still names one).
 * @cs_offset: Where in it the command stream starts.
 * @cs_size: Bytes of command stream.
 * @engine: Engine, or %AIACCEL_ENGINE_ANY.
 * @flags: DRM_AIACCEL_SUBMIT_* flags.
 * @bos: Buffers the job uses besides @cs.
 * @bo_count: Entries in @bos.
 * @in_syncobj: Syncobj the job waits for, 0 for none.
 */
struct sched_job {
	const struct sched_bo *cs;
	u32 cs_offset;
	u32 cs_size;
	u32 engine;
	u32 flags;
	const struct drm_aiaccel_submit_bo *bos;
	u32 bo_count;
	u32 in_syncobj;
};

KUNIT_DEFINE_ACTION_WRAPPER(sched_unregister, platform_device_unregister,
			    struct platform_device *);
KUNIT_DEFINE_ACTION_WRAPPER(sched_fence_put, dma_fence_put, struct dma_fence *);

/*
 * A device of the test's own: the driver reads queue_depth and
 * job_timeout_ms when it probes, which the model's registration does.
 */
static struct sched_test *sched_setup(struct kunit *test, u32 queue_depth, u32 timeout_ms)
{
	u32 old_depth = aiaccel_queue_depth, old_timeout = aiaccel_job_timeout_ms;
	struct sched_test *t;
	struct device *child;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);

	aiaccel_queue_depth = queue_depth;
	aiaccel_job_timeout_ms = timeout_ms;
	t->pdev = platform_device_register_simple("aiaccel-sim", SCHED_SIM_ID, NULL, 0);
	aiaccel_queue_depth = old_depth;
	aiaccel_job_timeout_ms = old_timeout;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->pdev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sched_unregister, t->pdev), 0);

	t->sim = aiaccel_sim_of(t->pdev);
	KUNIT_ASSERT_NOT_NULL(test, t->sim);
	child = device_find_any_child(&t->pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, child);
	t->adev = dev_get_drvdata(child);
	put_device(child);
	KUNIT_ASSERT_NOT_NULL_MSG(test, t->adev, "the driver did not bind");
	KUNIT_ASSERT_EQ(test, t->adev->queue_depth, queue_depth);
	KUNIT_ASSERT_EQ(test, t->adev->job_timeout_ms, timeout_ms);

	t->ubuf = kunit_vm_mmap(test, NULL, 0, SCHED_UBUF_SIZE, PROT_READ | PROT_WRITE,
				MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, t->ubuf, 0, "no user memory for the test thread");
	return t;
}

static u32 sched_reg(struct kunit *test, struct sched_test *t, unsigned int reg)
{
	unsigned int val;

	KUNIT_ASSERT_EQ(test, aiaccel_sim_reg_read(t->sim, reg, &val), 0);
	return val;
}

/* Under the queue's lock: the interrupt handler updates it after signalling. */
static u64 sched_retired(struct aiaccel_queue *q)
{
	guard(spinlock_irqsave)(&q->lock);
	return q->retired;
}

static u64 sched_emitted(struct aiaccel_queue *q)
{
	guard(spinlock_irqsave)(&q->lock);
	return q->emitted;
}

/* The last close of the file, in the calling thread, like close(2) would. */
static void sched_close(void *file)
{
	__fput_sync(file);
}

static struct file *sched_open(struct kunit *test, struct sched_test *t)
{
	struct file *file;

	file = mock_drm_getfile(t->adev->drm.accel, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sched_close, file), 0);
	return file;
}

static struct drm_file *sched_drm_file(struct file *file)
{
	return file->private_data;
}

/* An ioctl as a process makes it: the argument in user memory. */
static int sched_ioctl(struct kunit *test, struct sched_test *t, struct file *file,
		       unsigned int cmd, void *arg)
{
	void __user *uarg = (void __user *)(t->ubuf + SCHED_U_ARGS);
	size_t size = _IOC_SIZE(cmd);
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, arg, size), 0);
	ret = file->f_op->unlocked_ioctl(file, cmd, (unsigned long)uarg);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, uarg, size), 0);
	return ret;
}

static void sched_user_copy(struct kunit *test, struct sched_test *t, unsigned long off,
			    const void *src, size_t size)
{
	KUNIT_ASSERT_LE(test, size, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(t->ubuf + off), src, size), 0);
}

/**
 * struct sched_vmap - A CPU mapping of a buffer, undone at the end of the test.
 * @obj: The buffer, referenced.
 * @map: Its mapping.
 */
struct sched_vmap {
	struct drm_gem_object *obj;
	struct iosys_map map;
};

static void sched_vunmap(void *data)
{
	struct sched_vmap *v = data;

	drm_gem_vunmap(v->obj, &v->map);
	drm_gem_object_put(v->obj);
}

static void sched_bo_new(struct kunit *test, struct sched_test *t, struct file *file,
			 u64 size, struct sched_bo *bo)
{
	struct drm_aiaccel_bo_create args = { .size = size };
	struct sched_vmap *v;

	KUNIT_ASSERT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_BO_CREATE, &args), 0);
	bo->handle = args.handle;
	bo->va = args.va;
	bo->size = args.size;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	v->obj = drm_gem_object_lookup(sched_drm_file(file), bo->handle);
	KUNIT_ASSERT_NOT_NULL(test, v->obj);
	if (drm_gem_vmap(v->obj, &v->map)) {
		drm_gem_object_put(v->obj);
		KUNIT_FAIL_AND_ABORT(test, "cannot vmap buffer %u", bo->handle);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sched_vunmap, v), 0);
	bo->map = v->map.vaddr;
	bo->vmap = v;
}

/* Drop the test's CPU mapping and buffer reference now. */
static void sched_bo_unmap(struct kunit *test, struct sched_bo *bo)
{
	kunit_release_action(test, sched_vunmap, bo->vmap);
	bo->map = NULL;
	bo->vmap = NULL;
}

static u32 sched_syncobj_new(struct kunit *test, struct sched_test *t, struct file *file)
{
	struct drm_syncobj_create args = {};

	KUNIT_ASSERT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_SYNCOBJ_CREATE, &args), 0);
	return args.handle;
}

/*
 * SUBMIT @job with a new out-syncobj.  On success *@fence is the job's
 * finished fence, as the syncobj got it, referenced until the test ends.
 */
static int sched_submit(struct kunit *test, struct sched_test *t, struct file *file,
			const struct sched_job *job, struct dma_fence **fence)
{
	struct drm_aiaccel_sync out = { .handle = sched_syncobj_new(test, t, file) };
	struct drm_aiaccel_sync in = { .handle = job->in_syncobj };
	bool any = job->engine == AIACCEL_ENGINE_ANY;
	struct drm_aiaccel_submit args = {
		.cs_handle = job->cs->handle,
		.flags = job->flags | (any ? 0 : DRM_AIACCEL_SUBMIT_ENGINE),
		.cs_offset = job->cs_offset,
		.cs_size = job->cs_size,
		.bos = t->ubuf + SCHED_U_BOS,
		.bo_count = job->bo_count,
		.bo_stride = sizeof(struct drm_aiaccel_submit_bo),
		.in_syncs = t->ubuf + SCHED_U_IN_SYNCS,
		.in_sync_count = job->in_syncobj ? 1 : 0,
		.in_sync_stride = sizeof(in),
		.out_syncs = t->ubuf + SCHED_U_OUT_SYNCS,
		.out_sync_count = 1,
		.out_sync_stride = sizeof(out),
		.engine = any ? 0 : job->engine,
		.priority = DRM_AIACCEL_PRIORITY_NORMAL,
	};
	int ret;

	sched_user_copy(test, t, SCHED_U_BOS, job->bos, job->bo_count * sizeof(*job->bos));
	sched_user_copy(test, t, SCHED_U_IN_SYNCS, &in, sizeof(in));
	sched_user_copy(test, t, SCHED_U_OUT_SYNCS, &out, sizeof(out));
	ret = sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_SUBMIT, &args);
	if (ret)
		return ret;
	KUNIT_ASSERT_EQ(test, drm_syncobj_find_fence(sched_drm_file(file), out.handle, 0, 0,
						     fence), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sched_fence_put, *fence), 0);
	return 0;
}

/* An empty job on @engine; must be accepted. */
static struct dma_fence *sched_submit_nop(struct kunit *test, struct sched_test *t,
					  struct file *file, const struct sched_bo *cs,
					  u32 engine)
{
	struct sched_job job = { .cs = cs, .engine = engine };
	struct dma_fence *fence;

	KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &fence), 0);
	return fence;
}

/*
 * Wait until @fence signals and its callbacks (the driver's counting
 * among them) have run: they run under the fence's lock.
 */
static void sched_wait(struct kunit *test, struct dma_fence *fence)
{
	unsigned long flags;

	KUNIT_ASSERT_GT_MSG(test, dma_fence_wait_timeout(fence, false,
							 msecs_to_jiffies(SCHED_WAIT_MS)), 0,
			    "job lost: not done after %d ms", SCHED_WAIT_MS);
	dma_fence_lock_irqsave(fence, flags);
	dma_fence_unlock_irqrestore(fence, flags);
}

/**
 * struct sched_watch - A callback on a fence.
 * @cb: The callback.
 * @fence: The fence, referenced by the test.
 */
struct sched_watch {
	struct dma_fence_cb cb;
	struct dma_fence *fence;
};

/* At the end of the test: a callback that did not run never will. */
static void sched_unwatch(void *data)
{
	struct sched_watch *w = data;

	dma_fence_remove_callback(w->fence, &w->cb);
}

/* Call @func when @fence signals; @w must live until the test ends. */
static void sched_watch(struct kunit *test, struct sched_watch *w, struct dma_fence *fence,
			dma_fence_func_t func)
{
	w->fence = fence;
	KUNIT_ASSERT_EQ(test, dma_fence_add_callback(fence, &w->cb, func), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sched_unwatch, w), 0);
}

/* --- A fence the test signals, to hold jobs back ------------------------- */

static const char *sched_gate_name(struct dma_fence *fence)
{
	return "aiaccel-kunit-gate";
}

static const struct dma_fence_ops sched_gate_ops = {
	.get_driver_name = sched_gate_name,
	.get_timeline_name = sched_gate_name,
};

static void sched_gate_release(void *data)
{
	struct dma_fence *gate = data;

	/* Whatever happened, let the jobs behind the gate go. */
	dma_fence_signal(gate);
	dma_fence_put(gate);
}

/* A syncobj of @file holding an unsignalled fence; *@gate opens it. */
static u32 sched_gate_new(struct kunit *test, struct sched_test *t, struct file *file,
			  struct dma_fence **gate)
{
	struct drm_syncobj *syncobj;
	struct dma_fence *fence;
	u32 handle;

	fence = kzalloc_obj(*fence);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	dma_fence_init(fence, &sched_gate_ops, NULL, dma_fence_context_alloc(1), 1);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sched_gate_release, fence), 0);

	handle = sched_syncobj_new(test, t, file);
	syncobj = drm_syncobj_find(sched_drm_file(file), handle);
	KUNIT_ASSERT_NOT_NULL(test, syncobj);
	drm_syncobj_replace_fence(syncobj, fence);
	drm_syncobj_put(syncobj);
	*gate = fence;
	return handle;
}

/* --- The order fences signal in ------------------------------------------ */

struct sched_order;

/**
 * struct sched_order_cb - Watches one job's finished fence.
 * @w: On the fence.
 * @order: The record.
 * @index: Submission index of the job.
 */
struct sched_order_cb {
	struct sched_watch w;
	struct sched_order *order;
	unsigned int index;
};

/**
 * struct sched_order - Which jobs signalled, in which order.
 * @q: Queue the jobs run on.
 * @lock: Protects the rest.
 * @count: Jobs signalled so far.
 * @index: Submission index of the @count-th job to signal.
 * @emitted: q->emitted when it signalled.
 * @cbs: One per watched job.
 */
struct sched_order {
	struct aiaccel_queue *q;
	spinlock_t lock; /* see kernel-doc */
	unsigned int count;
	unsigned int index[SCHED_MAX_JOBS];
	u64 emitted[SCHED_MAX_JOBS];
	struct sched_order_cb cbs[SCHED_MAX_JOBS];
};

/*
 * Runs where the job's hardware fence signals: in the interrupt handler,
 * under the queue's lock, so q->emitted cannot move meanwhile.
 */
static void sched_order_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct sched_order_cb *ocb = container_of(cb, struct sched_order_cb, w.cb);
	struct sched_order *o = ocb->order;

	guard(spinlock_irqsave)(&o->lock);
	o->index[o->count] = ocb->index;
	o->emitted[o->count] = o->q->emitted;
	o->count++;
}

static void sched_order_watch(struct kunit *test, struct sched_order *o, unsigned int index,
			      struct dma_fence *fence)
{
	KUNIT_ASSERT_LT(test, index, SCHED_MAX_JOBS);
	o->cbs[index].order = o;
	o->cbs[index].index = index;
	sched_watch(test, &o->cbs[index].w, fence, sched_order_cb);
}

/* --- Command streams ------------------------------------------------------ */

static void sched_dma_copy_op(struct aiaccel_op_dma_copy *op, u64 src, u64 dst, u64 size)
{
	memset(op, 0, sizeof(*op));
	op->hdr.opcode = AIACCEL_OP_DMA_COPY;
	op->hdr.size = sizeof(*op);
	op->src = src;
	op->dst = dst;
	op->size = size;
}

/* --- The tests ------------------------------------------------------------ */

static void sched_nop_job_signals_and_counts(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct aiaccel_queue *q = &t->adev->queues[1];
	struct aiaccel_device *adev = t->adev;
	struct file *file = sched_open(test, t);
	struct aiaccel_ctx *ctx = ((struct aiaccel_file *)sched_drm_file(file)->driver_priv)->ctx;
	struct dma_fence *fence;
	struct sched_bo cs;

	sched_bo_new(test, t, file, PAGE_SIZE, &cs);
	fence = sched_submit_nop(test, t, file, &cs, 1);
	sched_wait(test, fence);

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
	KUNIT_EXPECT_EQ(test, sched_retired(q), 1);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_DONE_SEQNO), 1);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_JOBS_DONE), 1);
	/* Engine 1 it was: engine 0 saw nothing. */
	KUNIT_EXPECT_EQ(test, sched_retired(&adev->queues[0]), 0);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_JOBS_DONE), 0);

	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_submitted), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_completed), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_failed), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->stats.jobs_submitted), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->stats.jobs_completed), 1);

	/* And the next one gets the next seqno. */
	fence = sched_submit_nop(test, t, file, &cs, 1);
	sched_wait(test, fence);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
	KUNIT_EXPECT_EQ(test, sched_retired(q), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_completed), 2);
}

/*
 * A SUBMIT naming only its command stream (every other field zero, not
 * even an out-sync) runs at normal priority on the entity of "any engine";
 * an engine named with DRM_AIACCEL_SUBMIT_ENGINE gets that engine's own.
 */
static void sched_zeroed_submit_is_normal_on_any_engine(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct aiaccel_device *adev = t->adev;
	struct file *file = sched_open(test, t);
	struct aiaccel_ctx *ctx = ((struct aiaccel_file *)sched_drm_file(file)->driver_priv)->ctx;
	unsigned int any = adev->hw.num_engines;
	struct drm_aiaccel_submit args;
	struct sched_bo cs;
	int p, e;

	sched_bo_new(test, t, file, PAGE_SIZE, &cs);
	args = (struct drm_aiaccel_submit){ .cs_handle = cs.handle };
	KUNIT_ASSERT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_SUBMIT, &args), 0);
	for (p = 0; p < DRM_SCHED_PRIORITY_COUNT; p++)
		for (e = 0; e <= any; e++)
			KUNIT_EXPECT_EQ_MSG(test, !!ctx->entities[p][e],
					    p == DRM_SCHED_PRIORITY_NORMAL && e == any,
					    "entity of priority %d, slot %d", p, e);

	/* Without the flag the engine must be zero; with it, that engine. */
	args = (struct drm_aiaccel_submit){ .cs_handle = cs.handle, .engine = 1 };
	KUNIT_EXPECT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_SUBMIT, &args),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, ctx->entities[DRM_SCHED_PRIORITY_NORMAL][1]);
	args.flags = DRM_AIACCEL_SUBMIT_ENGINE;
	KUNIT_EXPECT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_SUBMIT, &args), 0);
	KUNIT_EXPECT_NOT_NULL(test, ctx->entities[DRM_SCHED_PRIORITY_NORMAL][1]);
	args.engine = any;
	KUNIT_EXPECT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_SUBMIT, &args),
			-EINVAL);
	/* LOW is the one asked for. */
	args = (struct drm_aiaccel_submit){ .cs_handle = cs.handle,
					    .priority = DRM_AIACCEL_PRIORITY_LOW };
	KUNIT_EXPECT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_SUBMIT, &args), 0);
	KUNIT_EXPECT_NOT_NULL(test, ctx->entities[DRM_SCHED_PRIORITY_LOW][any]);
}

/* GET_INFO's capabilities, through the ioctl. */
static u64 sched_capabilities(struct kunit *test, struct sched_test *t, struct file *file)
{
	struct drm_aiaccel_get_info args = {
		.info_ptr = t->ubuf + SCHED_U_BOS,
		.info_size = sizeof(struct drm_aiaccel_info),
	};
	struct drm_aiaccel_info info;

	KUNIT_ASSERT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_GET_INFO, &args), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&info, u64_to_user_ptr(args.info_ptr), sizeof(info)),
			0);
	return info.capabilities;
}

/* BO_CREATE, mmap() through @file: is the CPU mapping write-combined? */
static bool sched_bo_mapped_wc(struct kunit *test, struct sched_test *t, struct file *file)
{
	struct drm_aiaccel_bo_create args = { .size = PAGE_SIZE };
	struct vm_area_struct *vma;
	struct drm_gem_object *obj;
	unsigned long addr;
	pgprot_t prot, plain;
	bool wc;

	KUNIT_ASSERT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_BO_CREATE, &args), 0);
	obj = drm_gem_object_lookup(sched_drm_file(file), args.handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	wc = to_drm_gem_shmem_obj(obj)->map_wc;
	drm_gem_object_put(obj);

	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			     args.mmap_offset);
	KUNIT_ASSERT_NE(test, addr, 0);
	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	prot = vma->vm_page_prot;
	plain = vm_get_page_prot(vma->vm_flags);
	mmap_read_unlock(current->mm);
	/* Where the architecture has a write-combined attribute, it is the object's. */
	if (pgprot_val(pgprot_writecombine(plain)) != pgprot_val(plain))
		KUNIT_EXPECT_EQ(test, pgprot_val(prot),
				pgprot_val(wc ? pgprot_writecombine(plain) : plain));
	return wc;
}

/*
 * Coherence is a property of the device: GET_INFO reports what the
 * platform says (dev_is_dma_coherent(), always true on x86), and CPU
 * mappings of buffers follow it: cached on a coherent device;
 * write-combined, and no user-memory buffers, on one that is not.  The
 * second half is the same device with the driver's flag cleared, as it
 * would be on a non-snooping Arm SoC.
 */
static void sched_coherence_is_reported_and_backed(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct aiaccel_device *adev = t->adev;
	struct file *file = sched_open(test, t);
	struct drm_aiaccel_bo_create_userptr up = {
		.user_ptr = t->ubuf + SCHED_U_OUT_SYNCS, .size = PAGE_SIZE,
	};

	KUNIT_EXPECT_EQ(test, adev->coherent, dev_is_dma_coherent(adev->drm.dev));
	if (IS_ENABLED(CONFIG_X86))
		KUNIT_EXPECT_TRUE(test, adev->coherent);
	KUNIT_EXPECT_EQ(test, !!(sched_capabilities(test, t, file) & DRM_AIACCEL_CAP_COHERENT),
			adev->coherent);
	KUNIT_EXPECT_EQ(test, sched_bo_mapped_wc(test, t, file), !adev->coherent);

	adev->coherent = false;
	KUNIT_EXPECT_FALSE(test, sched_capabilities(test, t, file) & DRM_AIACCEL_CAP_COHERENT);
	KUNIT_EXPECT_TRUE(test, sched_bo_mapped_wc(test, t, file));
	KUNIT_EXPECT_EQ(test, sched_ioctl(test, t, file, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &up),
			-EOPNOTSUPP);
	adev->coherent = dev_is_dma_coherent(adev->drm.dev);
}

#define GEMM_M	8
#define GEMM_N	12
#define GEMM_K	40

static void sched_ops_compute_through_the_scheduler(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct file *file = sched_open(test, t);
	struct sched_bo cs, src, dst, in, w, out;
	struct drm_aiaccel_submit_bo bos[5];
	struct aiaccel_op_dma_copy *copy;
	struct aiaccel_op_gemm *gemm;
	s8 expect[GEMM_M * GEMM_N];
	struct dma_fence *fence;
	struct sched_job job;

	sched_bo_new(test, t, file, PAGE_SIZE, &cs);
	sched_bo_new(test, t, file, 3 * PAGE_SIZE, &src);
	sched_bo_new(test, t, file, 3 * PAGE_SIZE, &dst);
	sched_bo_new(test, t, file, PAGE_SIZE, &in);
	sched_bo_new(test, t, file, PAGE_SIZE, &w);
	sched_bo_new(test, t, file, PAGE_SIZE, &out);
	get_random_bytes(src.map, src.size);
	get_random_bytes(in.map, GEMM_M * GEMM_K);
	get_random_bytes(w.map, GEMM_N * GEMM_K);
	memset(out.map, 0x55, out.size);

	/* A copy across page boundaries, then a GEMM. */
	copy = cs.map;
	sched_dma_copy_op(copy, src.va + 100, dst.va + 300, 2 * PAGE_SIZE + 17);
	gemm = (void *)(copy + 1);
	aiaccel_test_gemm_op(gemm, in.va, w.va, out.va, GEMM_M, GEMM_N, GEMM_K);
	KUNIT_ASSERT_EQ(test, aiaccel_ref_gemm(gemm, in.map, w.map, NULL, NULL, expect), 0);

	bos[0] = (struct drm_aiaccel_submit_bo){ src.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ dst.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	bos[2] = (struct drm_aiaccel_submit_bo){ in.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[3] = (struct drm_aiaccel_submit_bo){ w.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[4] = (struct drm_aiaccel_submit_bo){ out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	job = (struct sched_job){
		.cs = &cs, .cs_size = sizeof(*copy) + sizeof(*gemm),
		.engine = AIACCEL_ENGINE_ANY, .bos = bos, .bo_count = ARRAY_SIZE(bos),
	};
	KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &fence), 0);
	sched_wait(test, fence);

	KUNIT_ASSERT_EQ(test, dma_fence_get_status(fence), 1);
	KUNIT_EXPECT_MEMEQ(test, dst.map + 300, src.map + 100, 2 * PAGE_SIZE + 17);
	/* Not a byte more. */
	KUNIT_EXPECT_EQ(test, ((u8 *)dst.map)[299], 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)dst.map)[300 + 2 * PAGE_SIZE + 17], 0);
	KUNIT_EXPECT_MEMEQ(test, out.map, expect, sizeof(expect));
	KUNIT_EXPECT_EQ(test, ((u8 *)out.map)[sizeof(expect)], 0x55);
	/* Both ops retired on the engine the scheduler picked: a work unit or more each. */
	KUNIT_EXPECT_GE(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_PROGRESS) +
			sched_reg(test, t, AIACCEL_QUEUE_BASE(1) + AIACCEL_Q_PROGRESS), 2);
}

#define SLOT_SIZE	16

/*
 * @n jobs on engine 0 of @t, job i copying SLOT_SIZE random bytes into
 * slot i of a buffer, all held back by one gate and then let go at once.
 * Each must succeed, they must signal in submission order, and never
 * more than queue_depth of them may be in the ring.
 */
static void sched_run_slot_jobs(struct kunit *test, struct sched_test *t, struct file *file,
				unsigned int n)
{
	struct aiaccel_queue *q = &t->adev->queues[0];
	struct dma_fence *fences[SCHED_MAX_JOBS], *gate;
	struct drm_aiaccel_submit_bo bos[2];
	struct aiaccel_op_dma_copy *ops;
	struct sched_bo cs, src, dst;
	struct sched_order *o;
	u32 gate_handle;
	unsigned int i;
	u64 base;

	KUNIT_ASSERT_LE(test, n, SCHED_MAX_JOBS);
	o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	o->q = q;
	spin_lock_init(&o->lock);

	sched_bo_new(test, t, file, PAGE_SIZE, &cs);
	sched_bo_new(test, t, file, PAGE_SIZE, &src);
	sched_bo_new(test, t, file, PAGE_SIZE, &dst);
	get_random_bytes(src.map, n * SLOT_SIZE);
	ops = cs.map;
	for (i = 0; i < n; i++)
		sched_dma_copy_op(&ops[i], src.va + i * SLOT_SIZE, dst.va + i * SLOT_SIZE,
				  SLOT_SIZE);
	bos[0] = (struct drm_aiaccel_submit_bo){ src.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ dst.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	gate_handle = sched_gate_new(test, t, file, &gate);

	base = sched_emitted(q);
	for (i = 0; i < n; i++) {
		struct sched_job job = {
			.cs = &cs, .cs_offset = i * sizeof(*ops), .cs_size = sizeof(*ops),
			.engine = 0, .bos = bos, .bo_count = ARRAY_SIZE(bos),
			/* Writers of one buffer: only the gate orders them. */
			.flags = DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC,
			.in_syncobj = gate_handle,
		};

		KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &fences[i]), 0);
		sched_order_watch(test, o, i, fences[i]);
	}
	/* All of them queued in the scheduler, none on the engine yet. */
	msleep(20);
	KUNIT_EXPECT_EQ(test, sched_emitted(q), base);
	KUNIT_EXPECT_EQ(test, o->count, 0);

	dma_fence_signal(gate);
	for (i = 0; i < n; i++) {
		sched_wait(test, fences[i]);
		KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(fences[i]), 1, "job %u", i);
	}

	KUNIT_ASSERT_EQ(test, o->count, n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o->index[i], i, "signal %u out of order", i);
		/* Job i is seqno base + i + 1; the ones written after it: */
		KUNIT_EXPECT_LT_MSG(test, o->emitted[i] - (base + i + 1), (u64)t->adev->queue_depth,
				    "more than queue_depth jobs in the ring");
	}
	KUNIT_EXPECT_EQ(test, sched_retired(q), base + n);
	KUNIT_EXPECT_MEMEQ(test, dst.map, src.map, n * SLOT_SIZE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->adev->stats.jobs_completed), n);
}

static void sched_more_jobs_than_queue_depth(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 2, SCHED_TIMEOUT_LONG_MS);
	struct file *file = sched_open(test, t);

	sched_run_slot_jobs(test, t, file, 12);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_DONE_SEQNO), 12);
}

static void sched_injected_error_fails_one_job(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct aiaccel_device *adev = t->adev;
	struct file *file = sched_open(test, t);
	struct drm_aiaccel_submit_bo bos[3];
	struct sched_bo cs, src, dst1, dst2;
	struct aiaccel_op_dma_copy *ops;
	struct dma_fence *bad, *good;
	struct sched_job job;

	sched_bo_new(test, t, file, PAGE_SIZE, &cs);
	sched_bo_new(test, t, file, PAGE_SIZE, &src);
	sched_bo_new(test, t, file, PAGE_SIZE, &dst1);
	sched_bo_new(test, t, file, PAGE_SIZE, &dst2);
	get_random_bytes(src.map, PAGE_SIZE);
	ops = cs.map;
	sched_dma_copy_op(&ops[0], src.va, dst1.va, PAGE_SIZE);
	sched_dma_copy_op(&ops[1], src.va, dst2.va, PAGE_SIZE);
	bos[0] = (struct drm_aiaccel_submit_bo){ src.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ dst1.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	bos[2] = (struct drm_aiaccel_submit_bo){ dst2.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };

	atomic_set(&t->sim->hooks.error_next_job, 1);
	job = (struct sched_job){
		.cs = &cs, .cs_size = sizeof(*ops), .engine = 0,
		.bos = bos, .bo_count = ARRAY_SIZE(bos),
	};
	KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &bad), 0);
	job.cs_offset = sizeof(*ops);
	KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &good), 0);
	sched_wait(test, bad);
	sched_wait(test, good);

	/* An INJECTED device error is -EIO (aiaccel_errno_of()). */
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(bad), -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(good), 1);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(dst1.map, PAGE_SIZE));
	KUNIT_EXPECT_MEMEQ(test, dst2.map, src.map, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->sim->hooks.error_next_job), 0);
	/* The driver cleared the latched error, so the engine went on. */
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_ERR_STATUS), 0);
	KUNIT_EXPECT_EQ(test, sched_retired(&adev->queues[0]), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_failed), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_completed), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_timed_out), 0);
	KUNIT_EXPECT_EQ(test, adev->queues[0].resets, 0);
}

/**
 * struct sched_busy_cb - Was the engine still busy when a fence signalled?
 * @w: On the fence.
 * @eng: The model's engine.
 * @busy: Q_STATUS.BUSY of @eng at the time.
 */
struct sched_busy_cb {
	struct sched_watch w;
	struct aiaccel_sim_engine *eng;
	bool busy;
};

static void sched_busy_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct sched_busy_cb *bcb = container_of(cb, struct sched_busy_cb, w.cb);

	bcb->busy = READ_ONCE(bcb->eng->active);
}

/*
 * A job that hangs engine 0 of @t, submitted from @guilty, with a job of
 * @innocent right behind it in the ring and one more job of @guilty held
 * back in the scheduler.  The hung job fails with -ETIMEDOUT after the
 * timeout, the engine is reset once, the innocent job completes, the held
 * back one is cancelled and @guilty can submit no more.  The hung job
 * fails only once the engine has let go of it.
 */
static void sched_hang_and_recover(struct kunit *test, struct sched_test *t,
				   struct file *guilty, struct file *innocent)
{
	struct aiaccel_queue *q = &t->adev->queues[0];
	struct dma_fence *hung, *behind, *held, *gate;
	unsigned int resets = q->resets;
	struct sched_busy_cb *bcb;
	struct sched_bo cs_g, cs_i;
	struct sched_job job;
	u64 base = sched_emitted(q);
	ktime_t start;
	s64 ms;
	int i;

	bcb = kunit_kzalloc(test, sizeof(*bcb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bcb);
	bcb->eng = &t->sim->engines[0];
	bcb->busy = true;
	sched_bo_new(test, t, guilty, PAGE_SIZE, &cs_g);
	sched_bo_new(test, t, innocent, PAGE_SIZE, &cs_i);

	atomic_set(&t->sim->hooks.hang_next_job, 1);
	start = ktime_get();
	hung = sched_submit_nop(test, t, guilty, &cs_g, 0);
	sched_watch(test, &bcb->w, hung, sched_busy_cb);
	behind = sched_submit_nop(test, t, innocent, &cs_i, 0);
	job = (struct sched_job){
		.cs = &cs_g, .engine = 0,
		.in_syncobj = sched_gate_new(test, t, guilty, &gate),
	};
	KUNIT_ASSERT_EQ(test, sched_submit(test, t, guilty, &job, &held), 0);
	/* Both in the ring before the timeout strikes. */
	for (i = 0; i < 100 && sched_emitted(q) != base + 2; i++)
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, sched_emitted(q), base + 2);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(hung));

	sched_wait(test, hung);
	ms = ktime_ms_delta(ktime_get(), start);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(hung), -ETIMEDOUT);
	KUNIT_EXPECT_GE(test, ms, (s64)t->adev->job_timeout_ms);
	/* Not much later: the reset is quick. */
	KUNIT_EXPECT_LT(test, ms, (s64)t->adev->job_timeout_ms + 800);
	KUNIT_EXPECT_FALSE_MSG(test, bcb->busy, "the hung job failed with the engine still on it");
	sched_wait(test, behind);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(behind), 1);
	KUNIT_EXPECT_EQ(test, q->resets, resets + 1);
	KUNIT_EXPECT_EQ(test, sched_retired(q), base + 2);

	/* The guilty file's queued job is cancelled when it comes up... */
	dma_fence_signal(gate);
	sched_wait(test, held);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(held), -ECANCELED);
	/* ...and its new ones are refused, as uapi says. */
	job = (struct sched_job){ .cs = &cs_g, .engine = 0 };
	KUNIT_EXPECT_EQ(test, sched_submit(test, t, guilty, &job, &held), -ECANCELED);

	/* The engine works for the others, from where it was. */
	behind = sched_submit_nop(test, t, innocent, &cs_i, 0);
	sched_wait(test, behind);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(behind), 1);
	KUNIT_EXPECT_EQ(test, sched_retired(q), base + 3);
	KUNIT_EXPECT_EQ(test, q->resets, resets + 1);
}

static void sched_hang_is_reset_and_banned(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_SHORT_MS);
	struct file *guilty = sched_open(test, t);
	struct file *innocent = sched_open(test, t);
	struct aiaccel_device *adev = t->adev;

	sched_hang_and_recover(test, t, guilty, innocent);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_DONE_SEQNO), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_submitted), 4);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_timed_out), 1);
	/* The hung job and the cancelled one. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_failed), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_completed), 2);
}

#define SLOW_COPY	(16 * 1024)
#define SLOW_MAX_OPS	4096
#define SLOW_MAX_DIVIDER	4096

/*
 * A job that runs longer than the timeout but keeps retiring ops is not
 * hung.  The job is made long with many ops on an engine slowed down by
 * the model; how long that takes depends on the machine, so it doubles
 * the ops, then the model's clock divider, until the timeout handler has
 * looked at a running job at least once.
 */
static void sched_slow_job_is_not_hung(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_SHORT_MS);
	struct aiaccel_queue *q = &t->adev->queues[0];
	struct file *file = sched_open(test, t);
	struct drm_aiaccel_submit_bo bos[2];
	struct aiaccel_op_dma_copy *ops;
	struct sched_bo cs, src, dst;
	struct dma_fence *fence;
	unsigned int n = 32, divider = 8, i;
	bool looked = false;
	ktime_t start;

	sched_bo_new(test, t, file, SLOW_MAX_OPS * sizeof(*ops), &cs);
	sched_bo_new(test, t, file, SLOW_COPY, &src);
	sched_bo_new(test, t, file, SLOW_COPY, &dst);
	get_random_bytes(src.map, SLOW_COPY);
	ops = cs.map;
	for (i = 0; i < SLOW_MAX_OPS; i++)
		sched_dma_copy_op(&ops[i], src.va, dst.va, SLOW_COPY);
	bos[0] = (struct drm_aiaccel_submit_bo){ src.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ dst.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };

	while (!looked && divider <= SLOW_MAX_DIVIDER) {
		struct sched_job job = {
			.cs = &cs, .cs_size = n * sizeof(*ops), .engine = 0,
			.bos = bos, .bo_count = ARRAY_SIZE(bos),
		};
		/* Only the timeout handler moves it, to Q_PROGRESS. */
		u32 last_progress = READ_ONCE(q->last_progress);

		atomic_set(&t->sim->hooks.clock_divider, divider);
		start = ktime_get();
		KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &fence), 0);
		sched_wait(test, fence);
		KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(fence), 1, "%u ops", n);
		looked = READ_ONCE(q->last_progress) != last_progress;
		kunit_info(test, "%u ops, clock / %u: %lld ms%s\n", n, divider,
			   ktime_ms_delta(ktime_get(), start),
			   looked ? ", the timeout handler looked at it" : "");
		if (n < SLOW_MAX_OPS)
			n *= 2;
		else
			divider *= 2;
	}
	KUNIT_EXPECT_TRUE_MSG(test, looked, "no job ran into the timeout");
	KUNIT_EXPECT_EQ(test, q->resets, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->adev->stats.jobs_timed_out), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->adev->stats.jobs_failed), 0);
	KUNIT_EXPECT_MEMEQ(test, dst.map, src.map, SLOW_COPY);
}

static void sched_seqno_wraps_with_jobs_in_flight(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct file *file = sched_open(test, t);

	/* 12 jobs: seqnos 2^32 - 5 .. 2^32 + 6, several in the ring at the wrap. */
	KUNIT_ASSERT_EQ(test, aiaccel_queue_set_seqno(&t->adev->queues[0], 0xfffffffaULL), 0);
	KUNIT_ASSERT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_DONE_SEQNO),
			0xfffffffa);
	sched_run_slot_jobs(test, t, file, 12);
	KUNIT_EXPECT_EQ(test, sched_retired(&t->adev->queues[0]), 0x100000006ULL);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_DONE_SEQNO), 6);
}

static void sched_seqno_wrap_error_and_hang(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_SHORT_MS);
	struct aiaccel_queue *q = &t->adev->queues[0];
	struct file *guilty = sched_open(test, t);
	struct file *innocent = sched_open(test, t);
	struct dma_fence *bad, *good;
	struct sched_bo cs;

	/* The device fails the job whose 32-bit seqno is 0. */
	KUNIT_ASSERT_EQ(test, aiaccel_queue_set_seqno(q, 0xffffffffULL), 0);
	sched_bo_new(test, t, innocent, PAGE_SIZE, &cs);
	atomic_set(&t->sim->hooks.error_next_job, 1);
	bad = sched_submit_nop(test, t, innocent, &cs, 0);
	good = sched_submit_nop(test, t, innocent, &cs, 0);
	sched_wait(test, bad);
	sched_wait(test, good);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_ERR_SEQNO), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(bad), -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(good), 1);
	KUNIT_EXPECT_EQ(test, sched_retired(q), 0x100000001ULL);

	/* The job at the next wrap hangs: the ring restarts past it. */
	KUNIT_ASSERT_EQ(test, aiaccel_queue_set_seqno(q, 0x1ffffffffULL), 0);
	sched_hang_and_recover(test, t, guilty, innocent);
	KUNIT_EXPECT_EQ(test, sched_retired(q), 0x200000002ULL);
	KUNIT_EXPECT_EQ(test, sched_reg(test, t, AIACCEL_QUEUE_BASE(0) + AIACCEL_Q_DONE_SEQNO), 2);
}

#define CLOSE_JOBS	8
#define CLOSE_OPS	16

static void sched_close_with_jobs_queued_and_running(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 2, SCHED_TIMEOUT_LONG_MS);
	struct aiaccel_device *adev = t->adev;
	struct file *file = sched_open(test, t);
	struct dma_fence *fences[CLOSE_JOBS];
	struct drm_aiaccel_submit_bo bos[2];
	struct aiaccel_op_dma_copy *ops;
	struct sched_bo cs, src, dst;
	unsigned int i, queued;

	sched_bo_new(test, t, file, CLOSE_OPS * sizeof(*ops), &cs);
	sched_bo_new(test, t, file, SLOW_COPY, &src);
	sched_bo_new(test, t, file, SLOW_COPY, &dst);
	ops = cs.map;
	for (i = 0; i < CLOSE_OPS; i++)
		sched_dma_copy_op(&ops[i], src.va, dst.va, SLOW_COPY);
	bos[0] = (struct drm_aiaccel_submit_bo){ src.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ dst.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	/* The test holds no buffer: the jobs alone keep them. */
	sched_bo_unmap(test, &cs);
	sched_bo_unmap(test, &src);
	sched_bo_unmap(test, &dst);
	atomic_set(&t->sim->hooks.clock_divider, 32);

	for (i = 0; i < CLOSE_JOBS; i++) {
		struct sched_job job = {
			.cs = &cs, .cs_size = CLOSE_OPS * sizeof(*ops),
			.engine = AIACCEL_ENGINE_ANY, .bos = bos, .bo_count = ARRAY_SIZE(bos),
			/* Events to a file that will be gone. */
			.flags = DRM_AIACCEL_SUBMIT_EVENT,
		};

		KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &fences[i]), 0);
	}
	for (i = 0, queued = 0; i < CLOSE_JOBS; i++)
		queued += !dma_fence_is_signaled(fences[i]);
	/* Some on the engines, some still in the scheduler behind them. */
	KUNIT_ASSERT_GT_MSG(test, queued, 2 * adev->queue_depth,
			    "jobs too quick: only %u left at the close", queued);

	kunit_release_action(test, sched_close, file);

	for (i = 0; i < CLOSE_JOBS; i++) {
		sched_wait(test, fences[i]);
		/* Closing is not killing: the queued jobs still run. */
		KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(fences[i]), 1, "job %u", i);
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->stats.jobs_completed), CLOSE_JOBS);
	/* The last job freed gives the buffers back. */
	for (i = 0; i < 1000 && atomic64_read(&adev->mem_used); i++)
		usleep_range(5000, 10000);
	KUNIT_EXPECT_EQ(test, atomic64_read(&adev->mem_used), 0);
}

/* The first job a file queued for @engine at normal priority, not yet run. */
static struct drm_sched_job *sched_queued_job(struct kunit *test, struct file *file, u32 engine)
{
	struct aiaccel_file *afile = sched_drm_file(file)->driver_priv;
	struct drm_sched_entity *entity;
	struct spsc_node *node;

	entity = afile->ctx->entities[DRM_SCHED_PRIORITY_NORMAL][engine];
	KUNIT_ASSERT_NOT_NULL(test, entity);
	node = spsc_queue_peek(&entity->job_queue);
	KUNIT_ASSERT_NOT_NULL(test, node);
	return container_of(node, struct drm_sched_job, queue_node);
}

/*
 * The timeout handler can be handed a job that never reached the engine:
 * one whose run_job failed sits at the head of the pending list until it
 * is freed.  It has no hardware fence: the handler must say "not hung"
 * and touch nothing.  The job here is held back by a dependency, so it
 * stays put while the handler looks at it.
 */
static void sched_timeout_of_a_job_not_run(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_LONG_MS);
	struct aiaccel_queue *q = &t->adev->queues[0];
	struct file *file = sched_open(test, t);
	struct aiaccel_file *afile = sched_drm_file(file)->driver_priv;
	struct dma_fence *fence, *gate;
	struct drm_sched_job *sched_job;
	struct sched_bo cs;
	struct sched_job job = { .cs = &cs, .engine = 0 };

	sched_bo_new(test, t, file, PAGE_SIZE, &cs);
	job.in_syncobj = sched_gate_new(test, t, file, &gate);
	KUNIT_ASSERT_EQ(test, sched_submit(test, t, file, &job, &fence), 0);
	sched_job = sched_queued_job(test, file, 0);

	KUNIT_EXPECT_EQ(test, q->sched.ops->timedout_job(sched_job), DRM_GPU_SCHED_STAT_NO_HANG);
	KUNIT_EXPECT_EQ(test, q->resets, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&afile->ctx->guilty), 0);
	KUNIT_EXPECT_FALSE(test, aiaccel_wedged(t->adev));

	/* It runs normally once its dependency signals. */
	dma_fence_signal(gate);
	sched_wait(test, fence);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
}

/*
 * A system suspend while a job hangs: the suspend waits for the engines,
 * the timeout handler resets the hung one meanwhile, and that must not
 * start feeding the engines again: the job queued behind it (queue_depth
 * 1 keeps it in the scheduler) stays queued through the suspend and runs
 * after the resume, instead of being written to a ring about to lose its
 * power.
 */
static void sched_suspend_while_a_job_hangs(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 1, SCHED_TIMEOUT_SHORT_MS);
	struct aiaccel_queue *q = &t->adev->queues[0];
	struct device *dev = t->adev->drm.dev;
	struct file *guilty = sched_open(test, t);
	struct file *innocent = sched_open(test, t);
	struct dma_fence *hung, *queued;
	struct sched_bo cs_g, cs_i;
	u64 base = sched_emitted(q);
	bool idle;
	int i;

	sched_bo_new(test, t, guilty, PAGE_SIZE, &cs_g);
	sched_bo_new(test, t, innocent, PAGE_SIZE, &cs_i);
	atomic_set(&t->sim->hooks.hang_next_job, 1);
	hung = sched_submit_nop(test, t, guilty, &cs_g, 0);
	for (i = 0; i < 100 && sched_emitted(q) != base + 1; i++)
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, sched_emitted(q), base + 1);
	queued = sched_submit_nop(test, t, innocent, &cs_i, 0);

	KUNIT_ASSERT_EQ(test, dev->driver->pm->suspend(dev), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(hung), -ETIMEDOUT);
	KUNIT_EXPECT_FALSE_MSG(test, dma_fence_is_signaled(queued),
			       "a job ran during the suspend, status %d",
			       dma_fence_get_status(queued));
	KUNIT_EXPECT_EQ(test, sched_emitted(q), base + 1);
	scoped_guard(spinlock_irqsave, &q->lock)
		idle = list_empty(&q->pending);
	KUNIT_EXPECT_TRUE(test, idle);
	KUNIT_EXPECT_TRUE(test, pm_runtime_status_suspended(dev));

	KUNIT_ASSERT_EQ(test, dev->driver->pm->resume(dev), 0);
	sched_wait(test, queued);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(queued), 1);
	KUNIT_EXPECT_EQ(test, q->resets, 1);
}

/*
 * An engine that does not come out of reset: nothing is confirmed, so the
 * job's context is not banned, but the device is wedged: the jobs in the
 * ring fail with -EIO, their buffers are kept (an engine may still use
 * them), and new SUBMITs fail with -EIO.
 */
static void sched_refused_reset_wedges(struct kunit *test)
{
	struct sched_test *t = sched_setup(test, 4, SCHED_TIMEOUT_SHORT_MS);
	struct aiaccel_device *adev = t->adev;
	struct file *guilty = sched_open(test, t);
	struct file *innocent = sched_open(test, t);
	struct aiaccel_file *afile = sched_drm_file(guilty)->driver_priv;
	struct dma_fence *hung, *behind, *fence;
	struct sched_bo cs_g, cs_i;
	struct sched_job job = { .cs = &cs_i, .engine = 1 };
	bool kept = false;
	int i;

	sched_bo_new(test, t, guilty, PAGE_SIZE, &cs_g);
	sched_bo_new(test, t, innocent, PAGE_SIZE, &cs_i);
	atomic_set(&t->sim->hooks.refuse_reset, 1);
	atomic_set(&t->sim->hooks.hang_next_job, 1);
	hung = sched_submit_nop(test, t, guilty, &cs_g, 0);
	behind = sched_submit_nop(test, t, innocent, &cs_i, 0);

	sched_wait(test, hung);
	sched_wait(test, behind);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(hung), -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(behind), -EIO);
	KUNIT_EXPECT_TRUE(test, aiaccel_wedged(adev));
	KUNIT_EXPECT_EQ(test, atomic_read(&afile->ctx->guilty), 0);
	KUNIT_EXPECT_EQ(test, sched_submit(test, t, innocent, &job, &fence), -EIO);
	/* Freed by the scheduler soon after: into quarantine, not back. */
	for (i = 0; i < 200 && !kept; i++) {
		scoped_guard(spinlock, &adev->quarantine_lock)
			kept = !list_empty(&adev->quarantine);
		if (!kept)
			usleep_range(1000, 2000);
	}
	KUNIT_EXPECT_TRUE(test, kept);
	/* The device reset at unbind stops the engine and frees them. */
	atomic_set(&t->sim->hooks.refuse_reset, 0);
}

static struct kunit_case sched_cases[] = {
	KUNIT_CASE(sched_nop_job_signals_and_counts),
	KUNIT_CASE(sched_zeroed_submit_is_normal_on_any_engine),
	KUNIT_CASE(sched_coherence_is_reported_and_backed),
	KUNIT_CASE(sched_ops_compute_through_the_scheduler),
	KUNIT_CASE(sched_more_jobs_than_queue_depth),
	KUNIT_CASE(sched_injected_error_fails_one_job),
	KUNIT_CASE(sched_hang_is_reset_and_banned),
	KUNIT_CASE(sched_slow_job_is_not_hung),
	KUNIT_CASE(sched_seqno_wraps_with_jobs_in_flight),
	KUNIT_CASE(sched_seqno_wrap_error_and_hang),
	KUNIT_CASE(sched_close_with_jobs_queued_and_running),
	KUNIT_CASE(sched_timeout_of_a_job_not_run),
	KUNIT_CASE(sched_suspend_while_a_job_hangs),
	KUNIT_CASE(sched_refused_reset_wedges),
	{}
};

static struct kunit_suite sched_suite = {
	.name = "aiaccel_sched",
	.test_cases = sched_cases,
};

kunit_test_suite(sched_suite);
