// SPDX-License-Identifier: MIT
/*
 * libaidrv: jobs, waits and syncobjs.
 *
 * A job gets a binary syncobj of its own, added to its out-syncs, which
 * the job's completion (the drm_sched "finished" fence) signals.  Waiting
 * on a job is waiting on that syncobj; the job's outcome is the fence's
 * status, read through a sync_file exported from the syncobj
 * (SYNC_IOC_FILE_INFO: 1 signalled, 0 pending, < 0 the error it was
 * signalled with).  So neither waiting nor the status depend on the
 * device fd's event queue, which belongs to the application.  The status
 * is cached once known, atomically, so that several threads may wait on
 * and query one job.
 *
 * An in-fence sync_file is imported into a syncobj made for the submit
 * and destroyed after it: the kernel takes syncobjs only, and the job
 * keeps the fence itself.
 *
 * A command stream given as a struct aidrv_cs is copied into a fresh
 * read-only buffer whose handle is closed right after SUBMIT: the job's
 * reference keeps it mapped until the job ends.
 */

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "aidrv.h"
#include "internal.h"

/* Submits with at most this many buffers or out-syncs use the stack. */
#define ONSTACK	16

struct aidrv_job {
	struct aidrv_device *dev;
	uint32_t syncobj;
	atomic_int status;	/* the outcome, once done is set */
	atomic_int done;
};

/* The library's struct aidrv_sync is the kernel's, passed through as is. */
_Static_assert(sizeof(struct aidrv_sync) == sizeof(struct drm_aiaccel_sync) &&
	       offsetof(struct aidrv_sync, handle) == offsetof(struct drm_aiaccel_sync, handle) &&
	       offsetof(struct aidrv_sync, flags) == offsetof(struct drm_aiaccel_sync, flags) &&
	       offsetof(struct aidrv_sync, point) == offsetof(struct drm_aiaccel_sync, point),
	       "struct aidrv_sync must match struct drm_aiaccel_sync");

/* Every member of struct aidrv_submit exists since 1.0. */
#define SUBMIT_SIZE_1_0	sizeof(struct aidrv_submit)

int64_t aidrv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t aidrv_deadline(int64_t timeout_ns, uint32_t flags)
{
	int64_t now;

	if (flags & AIDRV_WAIT_ABSOLUTE || timeout_ns == AIDRV_TIMEOUT_INFINITE)
		return timeout_ns;
	if (timeout_ns <= 0)
		return 0;
	now = aidrv_now_ns();
	return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
}

void aidrv_submit_init(struct aidrv_submit *s, size_t size)
{
	if (!s || size < SUBMIT_SIZE_1_0)
		return;
	memset(s, 0, size);
	s->size = size;
	s->in_fence_fd = -1;
}

int aidrv_cs_upload(const struct aidrv_cs *cs, struct aidrv_device *dev, struct aidrv_bo **out)
{
	struct aidrv_bo *bo;
	void *map;
	int ret;

	if (out)
		*out = NULL;
	if (!cs || !dev || !out)
		return -EINVAL;
	if (!aidrv_cs_size(cs))
		return -ENODATA;
	ret = aidrv_bo_create(dev, aidrv_cs_size(cs), DRM_AIACCEL_BO_DEVICE_READ_ONLY, &bo);
	if (ret)
		return ret;
	ret = aidrv_bo_map(bo, &map);
	if (ret) {
		aidrv_bo_free(bo);
		return ret;
	}
	memcpy(map, aidrv_cs_data(cs), aidrv_cs_size(cs));
	aidrv_bo_unmap(bo);
	*out = bo;
	return 0;
}

int aidrv_job_submit(struct aidrv_device *dev, const struct aidrv_submit *sub,
		     struct aidrv_job **out)
{
	struct drm_aiaccel_submit_bo bos_stack[ONSTACK], *bos = bos_stack;
	struct drm_aiaccel_sync outs_stack[ONSTACK], *outs = outs_stack;
	struct drm_aiaccel_sync ins_stack[ONSTACK], *ins = ins_stack;
	struct drm_aiaccel_submit args = { 0 };
	struct aidrv_bo *cs_bo = NULL;
	struct aidrv_job *job = NULL;
	uint32_t fence_syncobj = 0;
	unsigned int i, nin, nout;
	struct aidrv_submit s;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !sub)
		return -EINVAL;
	ret = aidrv_copy_in(&s, sizeof(s), sub, SUBMIT_SIZE_1_0);
	if (ret)
		return ret;
	if ((s.bo_count && !s.bos) || (s.in_sync_count && !s.in_syncs) ||
	    (s.out_sync_count && !s.out_syncs))
		return -EINVAL;
	if (s.bo_count > dev->max_submit_bos || s.in_sync_count > dev->max_submit_syncs ||
	    s.out_sync_count > dev->max_submit_syncs)
		return -EINVAL;
	nin = s.in_sync_count + (s.in_fence_fd >= 0 ? 1 : 0);
	nout = s.out_sync_count + (out ? 1 : 0);
	if (nin > dev->max_submit_syncs || nout > dev->max_submit_syncs)
		return -EINVAL;

	/* The command stream: uploaded from the builder, or the caller's. */
	if (s.cs) {
		if (aidrv_cs_size(s.cs)) {
			ret = aidrv_cs_upload(s.cs, dev, &cs_bo);
			if (ret)
				return ret;
			args.cs_handle = aidrv_bo_handle(cs_bo);
			args.cs_size = aidrv_cs_size(s.cs);
		} else {
			/* An empty job still needs a buffer to name. */
			ret = aidrv_bo_create(dev, 1, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &cs_bo);
			if (ret)
				return ret;
			args.cs_handle = aidrv_bo_handle(cs_bo);
		}
	} else if (s.cs_bo) {
		if (s.cs_bo->dev != dev)
			return -EINVAL;
		args.cs_handle = aidrv_bo_handle(s.cs_bo);
		args.cs_offset = s.cs_offset;
		args.cs_size = s.cs_size;
	} else {
		return -EINVAL;
	}

	if (s.bo_count > ONSTACK)
		bos = calloc(s.bo_count, sizeof(*bos));
	if (nout > ONSTACK)
		outs = calloc(nout, sizeof(*outs));
	if (nin > ONSTACK)
		ins = calloc(nin, sizeof(*ins));
	if (out)
		job = calloc(1, sizeof(*job));
	if (!bos || !outs || !ins || (out && !job)) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < s.bo_count; i++) {
		if (!s.bos[i].bo || s.bos[i].bo->dev != dev) {
			ret = -EINVAL;
			goto err;
		}
		bos[i].handle = aidrv_bo_handle(s.bos[i].bo);
		bos[i].flags = s.bos[i].flags;
	}
	if (s.in_sync_count)
		memcpy(ins, s.in_syncs, s.in_sync_count * sizeof(*ins));
	if (s.in_fence_fd >= 0) {
		if (drmSyncobjCreate(dev->fd, 0, &fence_syncobj)) {
			ret = -errno;
			goto err;
		}
		if (drmSyncobjImportSyncFile(dev->fd, fence_syncobj, s.in_fence_fd)) {
			ret = -errno;
			goto err;
		}
		ins[s.in_sync_count] = (struct drm_aiaccel_sync){ .handle = fence_syncobj };
	}
	if (s.out_sync_count)
		memcpy(outs, s.out_syncs, s.out_sync_count * sizeof(*outs));
	if (job) {
		job->dev = dev;
		if (drmSyncobjCreate(dev->fd, 0, &job->syncobj)) {
			ret = -errno;
			goto err;
		}
		outs[s.out_sync_count] = (struct drm_aiaccel_sync){ .handle = job->syncobj };
	}

	args.flags = s.flags;
	args.bos = (uintptr_t)bos;
	args.bo_count = s.bo_count;
	args.bo_stride = sizeof(*bos);
	args.in_syncs = (uintptr_t)ins;
	args.in_sync_count = nin;
	args.in_sync_stride = sizeof(*ins);
	args.out_syncs = (uintptr_t)outs;
	args.out_sync_count = nout;
	args.out_sync_stride = sizeof(*outs);
	args.engine = s.engine;
	args.priority = s.priority;
	args.event_data = s.event_data;
	ret = aidrv_ioctl(dev, DRM_IOCTL_AIACCEL_SUBMIT, &args);
	if (ret)
		goto err;

	if (out)
		*out = job;
	job = NULL;
err:
	if (job) {
		if (job->syncobj)
			drmSyncobjDestroy(dev->fd, job->syncobj);
		free(job);
	}
	/* A submitted job holds its in-fence itself. */
	if (fence_syncobj)
		drmSyncobjDestroy(dev->fd, fence_syncobj);
	if (bos != bos_stack)
		free(bos);
	if (outs != outs_stack)
		free(outs);
	if (ins != ins_stack)
		free(ins);
	/* ...and the command-stream buffer. */
	aidrv_bo_free(cs_bo);
	return ret;
}

/*
 * Query the job's fence: 0 and *status 1 signalled, 0 pending, < 0 the
 * error it was signalled with; or the negative errno of the query.
 */
static int fence_status(struct aidrv_job *job, int *status)
{
	struct sync_file_info info = { .num_fences = 0 };
	int fd, ret;

	if (drmSyncobjExportSyncFile(job->dev->fd, job->syncobj, &fd))
		return -errno;
	ret = ioctl(fd, SYNC_IOC_FILE_INFO, &info) ? -errno : 0;
	close(fd);
	*status = info.status;
	return ret;
}

int aidrv_job_status(struct aidrv_job *job)
{
	int ret, status = 0;

	if (!job)
		return -EINVAL;
	if (atomic_load_explicit(&job->done, memory_order_acquire))
		return atomic_load_explicit(&job->status, memory_order_relaxed);
	ret = fence_status(job, &status);
	if (ret)
		return ret;
	if (status == 0)
		return -EINPROGRESS;
	/* Threads racing here store the same value. */
	status = status > 0 ? 0 : status;
	atomic_store_explicit(&job->status, status, memory_order_relaxed);
	atomic_store_explicit(&job->done, 1, memory_order_release);
	return status;
}

int aidrv_job_wait(struct aidrv_job *job, int64_t timeout_ns, uint32_t flags)
{
	int ret;

	if (!job || flags & ~AIDRV_WAIT_ABSOLUTE)
		return -EINVAL;
	if (atomic_load_explicit(&job->done, memory_order_acquire))
		return 0;
	ret = aidrv_syncobj_wait(job->dev, job->syncobj, 0, timeout_ns, flags);
	if (ret)
		return ret;
	/* Cache the outcome while the fence is certainly there. */
	aidrv_job_status(job);
	return 0;
}

uint32_t aidrv_job_syncobj(const struct aidrv_job *job)
{
	return job ? job->syncobj : 0;
}

int aidrv_job_sync_file(struct aidrv_job *job, int *fd)
{
	if (!job || !fd)
		return -EINVAL;
	return aidrv_syncobj_export_sync_file(job->dev, job->syncobj, fd);
}

void aidrv_job_free(struct aidrv_job *job)
{
	if (!job)
		return;
	drmSyncobjDestroy(job->dev->fd, job->syncobj);
	free(job);
}

int aidrv_job_run(struct aidrv_device *dev, const struct aidrv_submit *s, int64_t timeout_ns)
{
	struct aidrv_job *job;
	int ret;

	ret = aidrv_job_submit(dev, s, &job);
	if (ret)
		return ret;
	ret = aidrv_job_wait(job, timeout_ns, 0);
	if (!ret)
		ret = aidrv_job_status(job);
	aidrv_job_free(job);
	return ret;
}

int aidrv_bo_wait(struct aidrv_bo *bo, uint32_t wait_flags, int64_t timeout_ns, uint32_t flags)
{
	struct drm_aiaccel_wait args = { 0 };
	int ret;

	if (!bo || flags & ~AIDRV_WAIT_ABSOLUTE)
		return -EINVAL;
	args.handle = aidrv_bo_handle(bo);
	args.flags = wait_flags;
	args.timeout_ns = aidrv_deadline(timeout_ns, flags);
	ret = aidrv_ioctl(bo->dev, DRM_IOCTL_AIACCEL_WAIT, &args);
	return ret == -ETIMEDOUT ? -ETIME : ret;
}

/*
 * Syncobjs.
 */

int aidrv_syncobj_create(struct aidrv_device *dev, uint32_t flags, uint32_t *handle)
{
	if (!dev || !handle)
		return -EINVAL;
	return drmSyncobjCreate(dev->fd, flags, handle) ? -errno : 0;
}

int aidrv_syncobj_free(struct aidrv_device *dev, uint32_t handle)
{
	if (!dev)
		return -EINVAL;
	return drmSyncobjDestroy(dev->fd, handle) ? -errno : 0;
}

int aidrv_syncobj_wait(struct aidrv_device *dev, uint32_t handle, uint64_t point,
		       int64_t timeout_ns, uint32_t flags)
{
	int64_t abs = aidrv_deadline(timeout_ns, flags);
	int ret;

	if (!dev || flags & ~AIDRV_WAIT_ABSOLUTE)
		return -EINVAL;
	do {
		if (point)
			ret = drmSyncobjTimelineWait(dev->fd, &handle, &point, 1, abs,
						     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
						     NULL);
		else
			ret = drmSyncobjWait(dev->fd, &handle, 1, abs,
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
		/* libdrm returns -errno here, or -1 on older versions. */
		if (ret == -1)
			ret = -errno;
		/*
		 * The kernel turns the deadline into timer ticks and may give
		 * up to a tick early: wait on until the deadline has passed.
		 */
	} while (ret == -ETIME && abs && aidrv_now_ns() < abs);
	return ret;
}

int aidrv_syncobj_signal(struct aidrv_device *dev, uint32_t handle, uint64_t point)
{
	int ret;

	if (!dev)
		return -EINVAL;
	if (point)
		ret = drmSyncobjTimelineSignal(dev->fd, &handle, &point, 1);
	else
		ret = drmSyncobjSignal(dev->fd, &handle, 1);
	return ret ? -errno : 0;
}

int aidrv_syncobj_query(struct aidrv_device *dev, uint32_t handle, uint64_t *point)
{
	if (!dev || !point)
		return -EINVAL;
	/* The kernel writes it through a pointer valgrind does not follow. */
	*point = 0;
	return drmSyncobjQuery(dev->fd, &handle, point, 1) ? -errno : 0;
}

int aidrv_syncobj_import_sync_file(struct aidrv_device *dev, uint32_t handle, int fd)
{
	if (!dev)
		return -EINVAL;
	return drmSyncobjImportSyncFile(dev->fd, handle, fd) ? -errno : 0;
}

int aidrv_syncobj_export_sync_file(struct aidrv_device *dev, uint32_t handle, int *fd)
{
	if (!dev || !fd)
		return -EINVAL;
	return drmSyncobjExportSyncFile(dev->fd, handle, fd) ? -errno : 0;
}
