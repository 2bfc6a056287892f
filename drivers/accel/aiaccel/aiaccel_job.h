/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: jobs, SUBMIT and WAIT.
 */
#ifndef __AIACCEL_JOB_H__
#define __AIACCEL_JOB_H__

#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#include <drm/gpu_scheduler.h>
#include <drm/aiaccel_accel.h>

/*
 * What SUBMIT accepts, reported by GET_INFO (struct drm_aiaccel_info).
 * SUBMIT locks every distinct buffer (and the command stream's) at once;
 * lockdep can track at most 2047 locks of one class nested that way, so
 * AIACCEL_MAX_SUBMIT_BOS stays at 1024.
 */
#define AIACCEL_SUBMIT_FLAGS	(DRM_AIACCEL_SUBMIT_EVENT | DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC | \
				 DRM_AIACCEL_SUBMIT_ENGINE)
#define AIACCEL_MAX_SUBMIT_BOS		1024
#define AIACCEL_MAX_SUBMIT_SYNCS	256
#define AIACCEL_MAX_CS_SIZE		SZ_1M

struct aiaccel_ctx;
struct aiaccel_device;
struct aiaccel_event;
struct aiaccel_fence;
struct aiaccel_mapping;
struct drm_device;
struct drm_file;

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
 * @ran: run_job was called: the job's outcome is counted there or where its
 *	hardware fence signals; else (its entity was killed) when it is freed.
 * @event: Completion event if asked for, NULL otherwise.  Once the job is
 *	armed, its callback owns it; run_job may still fill in the engine
 *	(the finished fence, which sends it, signals only after run_job).
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
	bool ran;
	struct aiaccel_event *event;
	struct list_head quarantine_link;
	u64 client_id;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

static inline struct aiaccel_job *to_aiaccel_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct aiaccel_job, base);
}

void aiaccel_job_free(struct drm_sched_job *sched_job);
void aiaccel_job_set_engine(struct aiaccel_job *job, unsigned int engine);
void aiaccel_quarantine_release(struct aiaccel_device *adev);

int aiaccel_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int aiaccel_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __AIACCEL_JOB_H__ */
