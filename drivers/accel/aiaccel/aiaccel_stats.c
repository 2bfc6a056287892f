// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: what the device and each file have done: GET_STATS and fdinfo.
 *
 * Job counts and busy time are kept as jobs complete (aiaccel_queue.c,
 * aiaccel_job.c);
 * MACs and bytes come from the device's performance counters (always-on
 * domain, readable while the device is powered off).  fdinfo follows
 * Documentation/gpu/drm-usage-stats.rst: one engine key per compute engine
 * ("compute0" ...), with busy time including the job running now.
 */

#include <linux/pm_runtime.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/aiaccel_accel.h>

#include <kunit/visibility.h>

#include "aiaccel_ctx.h"
#include "aiaccel_drv.h"
#include "aiaccel_pm.h"
#include "aiaccel_stats.h"

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

static void copy_counters(const struct aiaccel_stats *s, u64 *submitted, u64 *completed,
			  u64 *failed, u64 *timed_out, u64 *busy_ns, u64 *cycles)
{
	unsigned int i;

	/*
	 * Outcomes first: a job is counted as submitted before it can end,
	 * so however many end meanwhile, no more have ended than were
	 * submitted.
	 */
	*completed = atomic64_read(&s->jobs_completed);
	*failed = atomic64_read(&s->jobs_failed);
	*timed_out = atomic64_read(&s->jobs_timed_out);
	/* Pairs with the ordering of a job's submission before its end. */
	smp_rmb();
	*submitted = atomic64_read(&s->jobs_submitted);
	for (i = 0; i < AIACCEL_MAX_QUEUES; i++) {
		busy_ns[i] = atomic64_read(&s->busy_ns[i]);
		cycles[i] = atomic64_read(&s->cycles[i]);
	}
}

int aiaccel_ioctl_get_stats(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct aiaccel_device *adev = to_aiaccel(drm);
	struct aiaccel_file *afile = file->driver_priv;
	struct drm_aiaccel_get_stats *args = data;
	struct drm_aiaccel_stats st = {};
	unsigned int i;
	int idx, ret;

	if (args->flags)
		return -EINVAL;

	copy_counters(&adev->stats, &st.jobs_submitted, &st.jobs_completed, &st.jobs_failed,
		      &st.jobs_timed_out, st.engine_busy_ns, st.engine_cycles);
	copy_counters(&afile->ctx->stats, &st.file_jobs_submitted, &st.file_jobs_completed,
		      &st.file_jobs_failed, &st.file_jobs_timed_out, st.file_engine_busy_ns,
		      st.file_engine_cycles);
	st.mem_used = atomic64_read(&adev->mem_used);
	/* An allocation raises the peak just after the use. */
	st.mem_peak = max_t(u64, atomic64_read(&adev->mem_peak), st.mem_used);
	for (i = 0; i < adev->hw.num_engines; i++)
		st.resets += READ_ONCE(adev->queues[i].resets);
	scoped_guard(spinlock, &afile->mem_lock) {
		st.file_mem_used = afile->mem;
		st.file_mem_peak = afile->mem_peak;
	}
	if (drm_dev_enter(drm, &idx)) {
		aiaccel_hw_read_u64(adev->regs, AIACCEL_REG_PERF_MACS_LO, &st.macs);
		aiaccel_hw_read_u64(adev->regs, AIACCEL_REG_PERF_BYTES_LO, &st.bytes_moved);
		drm_dev_exit(idx);
	}

	if (args->stats_size) {
		ret = copy_struct_to_user(u64_to_user_ptr(args->stats_ptr), args->stats_size,
					  &st, sizeof(st), NULL);
		if (ret)
			return ret;
	}
	args->stats_size = sizeof(st);
	return 0;
}

/**
 * aiaccel_show_fdinfo() - &drm_driver.show_fdinfo: engine and memory keys.
 * @p: Printer into the fdinfo file.
 * @file: The DRM file.
 */
void aiaccel_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct aiaccel_file *afile = file->driver_priv;
	struct aiaccel_device *adev = afile->adev;
	u32 max_mhz = adev->hw.max_clock_mhz;
	u32 cur_mhz = 0;
	unsigned int i;

	if (!pm_runtime_suspended(adev->drm.dev))
		cur_mhz = max_mhz >> (adev->hw.clock_levels - 1 -
				      aiaccel_pm_clock_level(READ_ONCE(adev->power_mode),
							     adev->hw.clock_levels));
	for (i = 0; i < adev->hw.num_engines; i++) {
		drm_printf(p, "drm-engine-compute%u:\t%llu ns\n", i,
			   aiaccel_ctx_busy_ns(afile->ctx, i));
		drm_printf(p, "drm-cycles-compute%u:\t%llu\n", i,
			   atomic64_read(&afile->ctx->stats.cycles[i]));
		drm_printf(p, "drm-maxfreq-compute%u:\t%u MHz\n", i, max_mhz);
		drm_printf(p, "drm-curfreq-compute%u:\t%u MHz\n", i, cur_mhz);
	}
	drm_show_memory_stats(p, file);
}
