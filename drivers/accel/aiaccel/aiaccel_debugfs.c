// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: debugfs, under /sys/kernel/debug/accel/<device>/.
 *
 * The register file has its own dump through regmap, in
 * /sys/kernel/debug/regmap/<parent>-aiaccel/registers.
 */

#include <linux/debugfs.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "aiaccel_ctx.h"
#include "aiaccel_debugfs.h"
#include "aiaccel_drv.h"
#include "aiaccel_gem.h"
#include "aiaccel_mmu.h"

static struct aiaccel_device *seq_adev(struct seq_file *m)
{
	struct drm_debugfs_entry *entry = m->private;

	return to_aiaccel(entry->dev);
}

static int print_buffer(int handle, void *ptr, void *data)
{
	struct drm_gem_object *obj = ptr;
	struct seq_file *m = data;

	seq_printf(m, "  handle %5d  size %10zu  flags 0x%x%s%s\n", handle, obj->size,
		   to_aiaccel_bo(obj)->flags, drm_gem_is_imported(obj) ? "  imported" : "",
		   to_aiaccel_bo(obj)->base.sgt ? "  resident" : "");
	return 0;
}

/* Every file's buffers. */
static int buffers_show(struct seq_file *m, void *data)
{
	struct aiaccel_device *adev = seq_adev(m);
	struct drm_file *file;

	guard(mutex)(&adev->drm.filelist_mutex);
	list_for_each_entry(file, &adev->drm.filelist, lhead) {
		seq_printf(m, "client %llu:\n", file->client_id);
		spin_lock(&file->table_lock);
		idr_for_each(&file->object_idr, print_buffer, m);
		spin_unlock(&file->table_lock);
	}
	seq_printf(m, "device memory: %llu of %llu bytes used, peak %llu\n",
		   atomic64_read(&adev->mem_used), adev->hw.mem_size,
		   atomic64_read(&adev->mem_peak));
	return 0;
}

/* Every file's scheduling context. */
static int contexts_show(struct seq_file *m, void *data)
{
	struct aiaccel_device *adev = seq_adev(m);
	struct drm_file *file;

	guard(mutex)(&adev->drm.filelist_mutex);
	list_for_each_entry(file, &adev->drm.filelist, lhead) {
		struct aiaccel_file *afile = file->driver_priv;
		struct aiaccel_stats *s = &afile->ctx->stats;

		seq_printf(m, "client %llu: submitted %lld completed %lld failed %lld timed out %lld%s; memory %llu (peak %llu)\n",
			   file->client_id, atomic64_read(&s->jobs_submitted),
			   atomic64_read(&s->jobs_completed), atomic64_read(&s->jobs_failed),
			   atomic64_read(&s->jobs_timed_out),
			   atomic_read(&afile->ctx->guilty) ? ", banned" : "",
			   afile->mem, afile->mem_peak);
	}
	return 0;
}

/* Software and (if powered) hardware view of each ring. */
static int rings_show(struct seq_file *m, void *data)
{
	struct aiaccel_device *adev = seq_adev(m);
	bool powered = pm_runtime_get_if_active(adev->drm.dev) > 0;
	unsigned int i;

	for (i = 0; i < adev->hw.num_engines; i++) {
		struct aiaccel_queue *q = &adev->queues[i];
		u32 head = 0, status = 0, done = 0;
		unsigned int pending = 0;
		struct list_head *pos;

		scoped_guard(spinlock_irqsave, &q->lock) {
			list_for_each(pos, &q->pending)
				pending++;
			seq_printf(m, "engine %u: ring %u entries at %pad, tail %u, emitted %llu, retired %llu, %u in flight, %u resets, %u interrupts missed\n",
				   i, q->ring_size, &q->ring_dma, q->tail, q->emitted, q->retired,
				   pending, q->resets, q->irqs_missed);
		}
		if (!powered)
			continue;
		regmap_read(adev->regs, AIACCEL_QUEUE_BASE(i) + AIACCEL_Q_RING_HEAD, &head);
		regmap_read(adev->regs, AIACCEL_QUEUE_BASE(i) + AIACCEL_Q_DONE_SEQNO, &done);
		regmap_read(adev->regs, AIACCEL_QUEUE_BASE(i) + AIACCEL_Q_STATUS, &status);
		seq_printf(m, "  hardware: head %u, done seqno %u, status 0x%x\n",
			   head, done, status);
	}
	if (powered)
		pm_runtime_put_autosuspend(adev->drm.dev);
	else
		seq_puts(m, "device powered off\n");
	return 0;
}

static int reset_counter_show(struct seq_file *m, void *data)
{
	struct aiaccel_device *adev = seq_adev(m);
	unsigned int i, n = 0;

	for (i = 0; i < adev->hw.num_engines; i++)
		n += READ_ONCE(adev->queues[i].resets);
	seq_printf(m, "%u\n", n);
	return 0;
}

static const struct drm_debugfs_info aiaccel_debugfs_files[] = {
	{ "buffers", buffers_show, 0 },
	{ "contexts", contexts_show, 0 },
	{ "rings", rings_show, 0 },
	{ "reset_counter", reset_counter_show, 0 },
};

/**
 * aiaccel_debugfs_init() - Add the driver's debugfs files.
 * @adev: The device, allocated (its debugfs directory exists).
 *
 * &drm_driver.debugfs_init is not called for accel devices, hence this.
 */
void aiaccel_debugfs_init(struct aiaccel_device *adev)
{
	drm_debugfs_add_files(&adev->drm, aiaccel_debugfs_files,
			      ARRAY_SIZE(aiaccel_debugfs_files));
}
