// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: a devcoredump of a hang.
 *
 * When the timeout handler finds an engine hung, before it resets it, the
 * state that explains the hang goes to /sys/class/devcoredump/devcdN/data:
 * the registers, the engine's ring from HEAD to TAIL, and the guilty job's
 * command stream (at most AIACCEL_COREDUMP_CS_MAX bytes).  The format is a
 * versioned text, documented in Documentation/accel/aiaccel/coredump.rst
 * and decoded by libaidrv's aidrv-coredump.
 */

#include <linux/bitfield.h>
#include <linux/devcoredump.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/regmap.h>
#include <linux/scatterlist.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "aiaccel_coredump.h"
#include "aiaccel_drv.h"
#include "aiaccel_gem.h"

/* Most bytes of the guilty job's command stream a dump holds. */
#define AIACCEL_COREDUMP_CS_MAX		SZ_64K
/* Most ring entries a dump holds, from HEAD on. */
#define AIACCEL_COREDUMP_RING_MAX	64
/* Command-stream bytes per line of hex. */
#define AIACCEL_COREDUMP_CS_LINE	32

/* Registers, the ring and the header fit in this; the hex of the CS comes on top. */
#define AIACCEL_COREDUMP_FIXED		SZ_32K

/**
 * struct aiaccel_dump - A dump being written.
 * @buf: vmalloc'ed, handed to devcoredump.
 * @size: Its size.
 * @len: Bytes written.
 */
struct aiaccel_dump {
	char *buf;
	size_t size;
	size_t len;
};

static __printf(2, 3) void dump_printf(struct aiaccel_dump *d, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	d->len += vscnprintf(d->buf + d->len, d->size - d->len, fmt, args);
	va_end(args);
}

static void dump_registers(struct aiaccel_dump *d, struct aiaccel_device *adev)
{
	unsigned int reg, q;
	u32 val;

	dump_printf(d, "[registers]\n");
	for (reg = 0; reg <= AIACCEL_REG_PERF_CLEAR; reg += 4)
		if (!regmap_read(adev->regs, reg, &val))
			dump_printf(d, "0x%03x 0x%08x\n", reg, val);
	for (q = 0; q < adev->hw.num_engines; q++)
		for (reg = AIACCEL_QUEUE_BASE(q);
		     reg <= AIACCEL_QUEUE_BASE(q) + AIACCEL_Q_WATCHDOG_MS; reg += 4)
			if (!regmap_read(adev->regs, reg, &val))
				dump_printf(d, "0x%03x 0x%08x\n", reg, val);
}

static void dump_ring(struct aiaccel_dump *d, struct aiaccel_queue *q)
{
	u32 head = 0, i, n;

	guard(spinlock_irqsave)(&q->lock);
	regmap_read(q->adev->regs, AIACCEL_QUEUE_BASE(q->index) + AIACCEL_Q_RING_HEAD, &head);
	n = min(q->tail - head, (u32)AIACCEL_COREDUMP_RING_MAX);
	dump_printf(d, "[ring]\n");
	dump_printf(d, "size %u head %u tail %u emitted %llu retired %llu\n",
		    q->ring_size, head, q->tail, q->emitted, q->retired);
	for (i = 0; i < n; i++) {
		u32 idx = (head + i) & (q->ring_size - 1);
		struct aiaccel_ring_entry *e = &q->ring[idx];

		dump_printf(d, "entry %u seqno %u flags 0x%x pt_root 0x%llx ",
			    idx, le32_to_cpu(e->seqno), le32_to_cpu(e->flags),
			    le64_to_cpu(e->pt_root));
		dump_printf(d, "cs_addr 0x%llx cs_size %u wb_status 0x%x wb_cycles %llu\n",
			    le64_to_cpu(e->cs_addr), le32_to_cpu(e->cs_size),
			    le32_to_cpu(e->wb_status), le64_to_cpu(e->wb_cycles));
	}
}

/*
 * The command stream, read from the buffer's pinned pages: no lock is
 * taken, the timeout handler must not wait for a reservation.  An
 * imported buffer's pages may not be CPU pages: not captured.
 */
static size_t copy_cs(const struct aiaccel_coredump_job *cj, u8 *to, size_t len)
{
	struct drm_gem_shmem_object *shmem = &cj->cs_mapping->bo->base;
	u64 off = cj->cs_va - aiaccel_mapping_va(cj->cs_mapping);
	struct sg_page_iter piter;
	size_t done = 0;

	if (drm_gem_is_imported(&shmem->base) || !shmem->sgt)
		return 0;
	for_each_sgtable_page(shmem->sgt, &piter, off >> PAGE_SHIFT) {
		size_t in_page = offset_in_page(off + done);
		size_t n = min(len - done, PAGE_SIZE - in_page);
		void *p = kmap_local_page(sg_page_iter_page(&piter));

		memcpy(to + done, p + in_page, n);
		kunmap_local(p);
		done += n;
		if (done == len)
			break;
	}
	return done;
}

static void dump_cs(struct aiaccel_dump *d, const struct aiaccel_coredump_job *cj, u8 *cs)
{
	size_t len = min_t(size_t, cj->cs_size, AIACCEL_COREDUMP_CS_MAX), got, i;

	got = cj->cs_mapping ? copy_cs(cj, cs, len) : 0;
	dump_printf(d, "[cs]\n");
	dump_printf(d, "va 0x%llx size %u captured %zu\n", cj->cs_va, cj->cs_size, got);
	for (i = 0; i < got; i += AIACCEL_COREDUMP_CS_LINE)
		dump_printf(d, "%05zx %*phN\n", i,
			    (int)min_t(size_t, got - i, AIACCEL_COREDUMP_CS_LINE), cs + i);
}

/**
 * aiaccel_coredump_hang() - Write a devcoredump of a hung engine.
 * @q: The engine's queue, with the device held awake.
 * @cj: The guilty job.
 *
 * Best effort: if memory is short, or a dump of the device is still
 * unread, nothing is written.
 */
void aiaccel_coredump_hang(struct aiaccel_queue *q, const struct aiaccel_coredump_job *cj)
{
	struct aiaccel_device *adev = q->adev;
	size_t cs_len = min_t(size_t, cj->cs_size, AIACCEL_COREDUMP_CS_MAX);
	/* "xxxxx " and two hex digits a byte, a newline a line. */
	size_t hex = cs_len * 2 + DIV_ROUND_UP(cs_len, AIACCEL_COREDUMP_CS_LINE) * 7;
	struct aiaccel_dump d = { .size = AIACCEL_COREDUMP_FIXED + hex };
	u8 *cs;

	if (!IS_ENABLED(CONFIG_DEV_COREDUMP))
		return;

	/* As panfrost: no reclaim or retries from the reset path. */
	d.buf = __vmalloc(d.size, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
	cs = kvmalloc(max_t(size_t, cs_len, 1), GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
	if (!d.buf || !cs) {
		drm_dbg_driver(&adev->drm, "no memory for a coredump of engine %u\n", q->index);
		vfree(d.buf);
		kvfree(cs);
		return;
	}

	dump_printf(&d, "AIACCEL DEVCOREDUMP %d\n", AIACCEL_COREDUMP_VERSION);
	dump_printf(&d, "reason: hang\n");
	dump_printf(&d, "device: %s\n", dev_name(adev->drm.dev));
	dump_printf(&d, "instance: %u\n", adev->hw.instance);
	dump_printf(&d, "hw_version: %lu.%lu.%lu\n",
		    FIELD_GET(AIACCEL_VERSION_MAJOR, adev->hw.hw_version),
		    FIELD_GET(AIACCEL_VERSION_MINOR, adev->hw.hw_version),
		    FIELD_GET(AIACCEL_VERSION_PATCH, adev->hw.hw_version));
	dump_printf(&d, "time_ns: %llu\n", ktime_get_real_ns());
	dump_printf(&d, "job_timeout_ms: %u\n", adev->job_timeout_ms);
	dump_printf(&d, "engine: %u\n", q->index);
	dump_printf(&d, "job_seqno: %llu\n", cj->seqno);
	dump_printf(&d, "job_client_id: %llu\n", cj->client_id);
	dump_printf(&d, "job_pid: %d\n", cj->pid);
	dump_printf(&d, "job_comm: %s\n", cj->comm);
	dump_registers(&d, adev);
	dump_ring(&d, q);
	dump_cs(&d, cj, cs);
	dump_printf(&d, "[end]\n");
	kvfree(cs);

	/* devcoredump owns the buffer now, and vfree()s it. */
	dev_coredumpv(adev->drm.dev, d.buf, d.len, GFP_KERNEL);
}
