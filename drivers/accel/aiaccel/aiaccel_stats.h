/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: job counters, GET_STATS and fdinfo.
 */
#ifndef __AIACCEL_STATS_H__
#define __AIACCEL_STATS_H__

#include <linux/atomic.h>

#include "aiaccel_regs.h"

struct drm_device;
struct drm_file;
struct drm_printer;

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

void aiaccel_stats_count_outcome(struct aiaccel_stats *stats, int status);
int aiaccel_ioctl_get_stats(struct drm_device *drm, void *data, struct drm_file *file);
void aiaccel_show_fdinfo(struct drm_printer *p, struct drm_file *file);

#endif /* __AIACCEL_STATS_H__ */
