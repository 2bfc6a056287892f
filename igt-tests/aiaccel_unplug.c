// SPDX-License-Identifier: MIT
/*
 * aiaccel_unplug: a device that goes away under its users.
 *
 * The model plugs accelerators in and pulls them out at run time
 * (/sys/bus/platform/drivers/aiaccel-sim/new_device and del_device), the
 * way a hot-unplugged device goes; unbinding the driver is the other way
 * out.  Whatever the device was doing, every job's fence must end (with
 * -ENODEV unless it completed before), no call may block on the missing
 * device, and the kernel-log gate (KASAN, kmemleak, lockdep) must stay
 * clean, through process exit and module unload.
 *
 * Each subtest leaves instance 0 plugged in and bound, as it found it.
 */

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/sync_file.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "../drivers/accel/aiaccel/aiaccel_regs.h"
#include "aiaccel_job_util.h"
#include "aiaccel_vgem.h"

IGT_TEST_DESCRIPTION("aiaccel: devices removed under load, open files, mappings and waiters.");

#define MSEC (1000000ll)
#define SEC (1000000000ll)

#define SIM_DRV "/sys/bus/platform/drivers/aiaccel-sim"
#define DRV "/sys/bus/platform/drivers/aiaccel"

/* How long a fence may take to end once its device is gone. */
#define GONE_BOUND_NS (5 * SEC)

/* --- Plugging --------------------------------------------------------------- */

static int sim_write(const char *file, unsigned int id)
{
	char path[128], val[16];

	snprintf(path, sizeof(path), SIM_DRV "/%s", file);
	snprintf(val, sizeof(val), "%u", id);
	return aiaccel_file_write(path, val);
}

static void plug(unsigned int id)
{
	igt_assert_eq(sim_write("new_device", id), 0);
}

static void unplug(unsigned int id)
{
	igt_assert_eq(sim_write("del_device", id), 0);
}

static int drv_write(const char *file, unsigned int id)
{
	char val[32];

	snprintf(val, sizeof(val), "aiaccel.%u", id);
	return aiaccel_file_write(file, val);
}

static void unbind(unsigned int id)
{
	igt_assert_eq(drv_write(DRV "/unbind", id), 0);
}

static void bind(unsigned int id)
{
	igt_assert_eq(drv_write(DRV "/bind", id), 0);
}

/*
 * Files the subtests open.  A failed subtest leaves its files open (IGT
 * jumps out of it), and an open file keeps the modules from being
 * unloaded: the next subtest closes them.
 */
static int tracked[16];
static unsigned int nr_tracked;

static int track_fd(int fd)
{
	igt_assert(nr_tracked < ARRAY_SIZE(tracked));
	tracked[nr_tracked++] = fd;
	return fd;
}

static void close_leftovers(void)
{
	while (nr_tracked)
		close(tracked[--nr_tracked]);
}

/* The open file of instance @id, or -ENODEV if it has no node. */
static int open_instance(unsigned int id)
{
	int minors[AIACCEL_MAX_NODES], n, i;

	n = aiaccel_nodes(minors, AIACCEL_MAX_NODES);
	for (i = 0; i < n; i++) {
		struct drm_aiaccel_info info;
		int fd = aiaccel_open_minor(minors[i]);

		if (fd < 0)
			continue;
		if (!aiaccel_get_info(fd, &info) && info.instance == id)
			return fd;
		close(fd);
	}
	return -ENODEV;
}

static int must_open_instance(unsigned int id)
{
	int fd = open_instance(id);

	igt_assert_f(fd >= 0, "instance %u has no node\n", id);
	return track_fd(fd);
}

/* Make sure instance 0 is there and bound again after a failed subtest. */
static void restore_instance0(void)
{
	char path[128];
	int ret = sim_write("new_device", 0);

	if (ret && ret != -EEXIST)
		igt_debug("new_device 0: %s\n", strerror(-ret));
	snprintf(path, sizeof(path), DRV "/aiaccel.0");
	if (access(path, F_OK))
		drv_write(DRV "/bind", 0);
}

/* Every subtest starts from instance 0 plugged in, bound and not open. */
static void begin(void)
{
	close_leftovers();
	restore_instance0();
}

static uint64_t elapsed_since(const struct timespec *start)
{
	struct timespec t = *start;

	return igt_nsec_elapsed(&t);
}

/* --- Work ----------------------------------------------------------------- */

/* The device is gone: unmap, no GEM_CLOSE (it would fail with -ENODEV). */
static void copy_job_unmap(struct aiaccel_copy_job *j)
{
	munmap(j->x.map, j->x.size);
	munmap(j->y.map, j->y.size);
	munmap(j->cs.buf.map, j->cs.buf.size);
}

static int copy_job_submit(struct aiaccel_copy_job *j, uint64_t tag,
			   const struct aiaccel_gate *gate, uint32_t out_syncobj,
			   uint64_t point)
{
	struct drm_aiaccel_submit_bo bos[3] = {
		aiaccel_bo_use(j->x.handle, DRM_AIACCEL_SUBMIT_BO_READ),
		aiaccel_bo_use(j->y.handle, DRM_AIACCEL_SUBMIT_BO_WRITE),
	};
	struct drm_aiaccel_sync out = aiaccel_sync(out_syncobj, 0, point);
	struct drm_aiaccel_submit args;

	if (gate)
		bos[2] = aiaccel_bo_use(gate->handle, DRM_AIACCEL_SUBMIT_BO_READ);
	aiaccel_submit_init(&args, &j->cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = gate ? 3 : 2;
	/*
	 * An event, or an out-syncobj: a file has room for only so many
	 * pending events.
	 */
	if (out_syncobj) {
		args.out_syncs = (uintptr_t)&out;
		args.out_sync_count = 1;
	} else {
		args.flags = DRM_AIACCEL_SUBMIT_EVENT;
		args.event_data = tag;
	}
	return aiaccel_submit_raw(j->fd, &args);
}

/*
 * A job that keeps an engine busy for a while: @nops GEMMs, each a short
 * op, so that a reset or unplug stops it at the next op.
 */
struct slow_job {
	int fd;
	struct aiaccel_buf in, w, out;
	struct aiaccel_cs cs;
};

static void slow_job_new(int fd, struct slow_job *j, unsigned int nops)
{
	unsigned int i;

	j->fd = fd;
	aiaccel_buf_new(fd, 64 * 256, 0, &j->in);
	aiaccel_buf_new(fd, 64 * 256, 0, &j->w);
	aiaccel_buf_new(fd, 64 * 64, 0, &j->out);
	aiaccel_cs_new(fd, nops * sizeof(struct aiaccel_op_gemm), &j->cs);
	for (i = 0; i < nops; i++) {
		struct aiaccel_op_gemm *op = aiaccel_cs_emit(&j->cs, AIACCEL_OP_GEMM, 0, sizeof(*op));

		op->input = j->in.va;
		op->weights = j->w.va;
		op->output = j->out.va;
		op->m = 64;
		op->n = 64;
		op->k = 256;
		op->requant.multiplier = 1 << 30;
		op->requant.shift = -8;
		op->act_min = -128;
		op->act_max = 127;
	}
}

static void slow_job_unmap(struct slow_job *j)
{
	munmap(j->in.map, j->in.size);
	munmap(j->w.map, j->w.size);
	munmap(j->out.map, j->out.size);
	munmap(j->cs.buf.map, j->cs.buf.size);
}

static int slow_job_submit(struct slow_job *j, uint32_t engine, uint64_t tag, uint32_t out_syncobj)
{
	struct drm_aiaccel_submit_bo bos[] = {
		aiaccel_bo_use(j->in.handle, DRM_AIACCEL_SUBMIT_BO_READ),
		aiaccel_bo_use(j->w.handle, DRM_AIACCEL_SUBMIT_BO_READ),
		aiaccel_bo_use(j->out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE),
	};
	struct drm_aiaccel_sync out = aiaccel_sync(out_syncobj, 0, 0);
	struct drm_aiaccel_submit args;

	aiaccel_submit_init(&args, &j->cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = ARRAY_SIZE(bos);
	args.flags = DRM_AIACCEL_SUBMIT_EVENT | DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC;
	aiaccel_submit_engine(&args, engine);
	args.event_data = tag;
	if (out_syncobj) {
		args.out_syncs = (uintptr_t)&out;
		args.out_sync_count = 1;
	}
	return aiaccel_submit_raw(j->fd, &args);
}

/* The status of a sync_file's fence: 0 pending, 1 done, or its error. */
static int sync_file_status(int sf)
{
	struct sync_file_info info = { 0 };

	igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	return info.status;
}

/* Wait up to @rel_ns for a sync_file to signal; true if it did. */
static bool sync_file_wait(int sf, int64_t rel_ns)
{
	struct pollfd pfd = { .fd = sf, .events = POLLIN };

	return poll(&pfd, 1, rel_ns / MSEC) == 1;
}

static int export_sync_file(int fd, uint32_t syncobj)
{
	int sf;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, syncobj, &sf), 0);
	return sf;
}

/* close() must not wait for the device: return how long it took. */
static uint64_t timed_close(int fd)
{
	struct timespec start = {};
	unsigned int i;

	for (i = 0; i < nr_tracked; i++) {
		if (tracked[i] == fd) {
			tracked[i] = tracked[--nr_tracked];
			break;
		}
	}
	igt_gettime(&start);
	igt_assert_eq(close(fd), 0);
	return elapsed_since(&start);
}

/* --- Subtests ------------------------------------------------------------- */

static void test_idle(void)
{
	struct aiaccel_copy_job j;
	int fd;


	unplug(0);
	igt_assert_eq(open_instance(0), -ENODEV);
	igt_assert_eq(sim_write("del_device", 0), -ENOENT);
	plug(0);
	igt_assert_eq(sim_write("new_device", 0), -EEXIST);

	fd = must_open_instance(0);
	aiaccel_copy_job_new(fd, &j, 1);
	igt_assert_eq(copy_job_submit(&j, 1, NULL, 0, 0), 0);
	igt_assert_eq(aiaccel_wait_buf(fd, j.y.handle, 0, 10 * SEC), 0);
	igt_assert(aiaccel_copy_job_done(&j));
	aiaccel_copy_job_free(&j);
	close(fd);
}

static void test_open_fd(void)
{
	struct drm_aiaccel_info info;
	struct aiaccel_copy_job j;
	uint64_t took;
	int fd;


	fd = must_open_instance(0);
	aiaccel_copy_job_new(fd, &j, 2);
	unplug(0);

	/* Every ioctl now fails with -ENODEV... */
	igt_assert_eq(aiaccel_get_info(fd, &info), -ENODEV);
	igt_assert_eq(aiaccel_bo_create(fd, 4096, 0, NULL), -ENODEV);
	igt_assert_eq(copy_job_submit(&j, 1, NULL, 0, 0), -ENODEV);
	/* ...and nothing waits for the device. */
	copy_job_unmap(&j);
	took = timed_close(fd);
	igt_info("close() took %llu us\n", (unsigned long long)(took / 1000));
	igt_assert_lt_u64(took, SEC);
	plug(0);
}

static void test_live_mmap(void)
{
	struct aiaccel_buf buf;
	uint32_t *map, orig;
	int fd;


	fd = must_open_instance(0);
	aiaccel_buf_new(fd, 1 << 20, 0, &buf);
	aiaccel_pattern_fill(buf.map, buf.size, 0x5a);
	unplug(0);

	/* The pages are the buffer's, not the device's: they stay usable. */
	aiaccel_pattern_check(buf.map, buf.size, 0x5a);
	map = buf.map;
	orig = map[17];
	map[17] = 0xdeadbeef;
	igt_assert_eq_u32(map[17], 0xdeadbeef);
	map[17] = orig;
	igt_assert_eq(close(fd), 0);
	/* The mapping outlives the file, as with any DRM driver. */
	aiaccel_pattern_check(buf.map, buf.size, 0x5a);
	igt_assert_eq(munmap(buf.map, buf.size), 0);
	plug(0);
}

#define QUEUED_JOBS 400
#define SLOW_JOBS 4

/*
 * The finding that opened this test: 400 jobs queued (half of them behind
 * a gate), a few running, then the device goes (@del: del_device, else
 * unbind) after @delay_ms.  Every job's fence, each exported as a
 * sync_file, ends: with -ENODEV unless its job completed before, in which
 * case its data is there.  Nothing blocks.  The jobs copy one source
 * buffer into a buffer each, with command streams in one buffer.
 */
static void test_queued_and_running(bool del, unsigned int delay_ms)
{
	static struct aiaccel_buf dst[QUEUED_JOBS];
	static int sf[QUEUED_JOBS];
	struct slow_job slow[SLOW_JOBS];
	struct drm_aiaccel_info info;
	struct aiaccel_buf src;
	struct aiaccel_cs cs;
	struct aiaccel_gate gate;
	struct aiaccel_rng r;
	struct timespec gone = {};
	unsigned int done = 0, failed = 0, i;
	uint32_t syncobj;
	int fd;
	uint64_t took;

	fd = must_open_instance(0);
	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	aiaccel_gate_new(fd, &gate);
	for (i = 0; i < SLOW_JOBS; i++) {
		slow_job_new(fd, &slow[i], 64);
		igt_assert_eq(slow_job_submit(&slow[i], i % info.num_engines, 0x1000 + i, 0), 0);
	}
	aiaccel_buf_new(fd, 4096, 0, &src);
	aiaccel_rng_seed(&r, delay_ms);
	aiaccel_rng_fill(&r, src.map, 4096);
	aiaccel_cs_new(fd, QUEUED_JOBS * sizeof(struct aiaccel_op_dma_copy), &cs);
	syncobj = aiaccel_syncobj(fd);
	for (i = 0; i < QUEUED_JOBS; i++) {
		struct aiaccel_op_dma_copy *op;
		struct drm_aiaccel_submit_bo bos[] = {
			aiaccel_bo_use(src.handle, DRM_AIACCEL_SUBMIT_BO_READ),
			aiaccel_bo_use(0, DRM_AIACCEL_SUBMIT_BO_WRITE),
			aiaccel_bo_use(gate.handle, DRM_AIACCEL_SUBMIT_BO_READ),
		};
		struct drm_aiaccel_sync out = aiaccel_sync(syncobj, 0, 0);
		struct drm_aiaccel_submit args;

		aiaccel_buf_new(fd, 4096, 0, &dst[i]);
		op = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*op));
		op->src = src.va;
		op->dst = dst[i].va;
		op->size = 4096;
		bos[1].handle = dst[i].handle;
		aiaccel_submit_init(&args, &cs);
		args.cs_offset = i * sizeof(*op);
		args.cs_size = sizeof(*op);
		args.bos = (uintptr_t)bos;
		/* Every other job waits behind the gate. */
		args.bo_count = i % 2 ? 3 : 2;
		args.out_syncs = (uintptr_t)&out;
		args.out_sync_count = 1;
		igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
		sf[i] = export_sync_file(fd, syncobj);
	}
	igt_assert(!sync_file_wait(sf[QUEUED_JOBS - 1], 0));

	usleep(delay_ms * 1000);
	igt_gettime(&gone);
	if (del)
		unplug(0);
	else
		unbind(0);
	took = elapsed_since(&gone);
	igt_info("removal took %llu ms\n", (unsigned long long)(took / MSEC));

	/* The gated jobs end once their dependency has signalled: open it. */
	aiaccel_gate_open(&gate);
	for (i = 0; i < QUEUED_JOBS; i++) {
		int status;

		igt_assert_f(sync_file_wait(sf[i], GONE_BOUND_NS),
			     "job %u's fence did not end within %lld s of the removal\n",
			     i, GONE_BOUND_NS / SEC);
		status = sync_file_status(sf[i]);
		close(sf[i]);
		igt_assert_f(status == 1 || status == -ENODEV, "job %u: status %d\n", i, status);
		if (status == 1) {
			/* A job that says it completed did its work. */
			igt_assert(!memcmp(src.map, dst[i].map, 4096));
			done++;
		} else {
			failed++;
		}
	}
	igt_info("%u jobs completed before the removal, %u ended with -ENODEV\n", done, failed);
	/* The gated half could not have run before the removal. */
	igt_assert_lte(QUEUED_JOBS / 2, failed);

	/* The running jobs' events. */
	for (i = 0; i < SLOW_JOBS; i++) {
		struct drm_aiaccel_event_job ev;

		igt_assert_eq(aiaccel_read_event(fd, &ev, GONE_BOUND_NS), 0);
		igt_assert_f(ev.status == 0 || ev.status == -ENODEV,
			     "job 0x%llx: status %d\n", (unsigned long long)ev.user_data,
			     ev.status);
	}
	igt_assert(aiaccel_no_event(fd, 10 * MSEC));

	for (i = 0; i < QUEUED_JOBS; i++)
		munmap(dst[i].map, dst[i].size);
	munmap(src.map, src.size);
	munmap(cs.buf.map, cs.buf.size);
	for (i = 0; i < SLOW_JOBS; i++)
		slow_job_unmap(&slow[i]);
	aiaccel_gate_free(&gate);
	took = timed_close(fd);
	igt_info("close() took %llu ms\n", (unsigned long long)(took / MSEC));
	igt_assert_lt_u64(took, GONE_BOUND_NS);
	if (del)
		plug(0);
	else
		bind(0);
}

/* What a blocked waiter saw: how it returned and when. */
struct waiter {
	int fd;
	int kind;
	uint32_t handle;
	int ret;
	int status;
	struct timespec done;
	pthread_t thread;
};

enum { WAIT_SYNCOBJ, WAIT_BUFFER, WAIT_POLL };

static void *waiter_run(void *data)
{
	struct waiter *w = data;
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
	struct drm_aiaccel_event_job ev;

	switch (w->kind) {
	case WAIT_SYNCOBJ:
		w->ret = drmSyncobjWait(w->fd, &w->handle, 1, INT64_MAX, 0, NULL) ? -errno : 0;
		break;
	case WAIT_BUFFER:
		w->ret = aiaccel_wait_buf(w->fd, w->handle, 0, 60 * SEC);
		break;
	case WAIT_POLL:
		w->ret = poll(&pfd, 1, 60000) == 1 ? 0 : -ETIMEDOUT;
		if (!w->ret && read(w->fd, &ev, sizeof(ev)) == sizeof(ev))
			w->status = ev.status;
		break;
	}
	clock_gettime(CLOCK_MONOTONIC, &w->done);
	return NULL;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * SEC + ts->tv_nsec;
}

/*
 * Threads blocked in a syncobj wait, in WAIT and in poll() on jobs that
 * are running when the device goes: each returns within the bound.
 */
static void test_blocked_waiters(void)
{
	struct waiter w[3] = {
		{ .kind = WAIT_SYNCOBJ }, { .kind = WAIT_BUFFER }, { .kind = WAIT_POLL },
	};
	struct slow_job slow[3];
	struct timespec gone;
	int fd, i;


	fd = must_open_instance(0);
	for (i = 0; i < 3; i++)
		slow_job_new(fd, &slow[i], 256);
	w[0].handle = aiaccel_syncobj(fd);
	igt_assert_eq(slow_job_submit(&slow[0], 0, 0, w[0].handle), 0);
	igt_assert_eq(slow_job_submit(&slow[1], 0, 1, 0), 0);
	w[1].handle = slow[1].out.handle;
	igt_assert_eq(slow_job_submit(&slow[2], 0, 2, 0), 0);
	for (i = 0; i < 3; i++) {
		w[i].fd = fd;
		igt_assert_eq(pthread_create(&w[i].thread, NULL, waiter_run, &w[i]), 0);
	}
	usleep(100 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &gone);
	unplug(0);
	for (i = 0; i < 3; i++) {
		int64_t after;

		igt_assert_eq(pthread_join(w[i].thread, NULL), 0);
		after = ts_ns(&w[i].done) - ts_ns(&gone);
		igt_info("waiter %d returned %d, %lld ms after the removal\n", i, w[i].ret,
			 (long long)(after / MSEC));
		igt_assert_eq(w[i].ret, 0);
		igt_assert_lt_s64(after, GONE_BOUND_NS);
	}
	igt_assert(w[2].status == 0 || w[2].status == -ENODEV);
	for (i = 0; i < 3; i++)
		slow_job_unmap(&slow[i]);
	igt_assert_lt_u64(timed_close(fd), SEC);
	plug(0);
}

/* A buffer of ours that vgem has imported and maps, across the removal. */
static void test_dmabuf_exported(void)
{
	struct drm_prime_handle prime = {};
	struct aiaccel_buf buf;
	uint32_t *vmap;
	int fd, vfd, dmabuf;


	vfd = aiaccel_vgem_open();
	fd = must_open_instance(0);
	aiaccel_buf_new(fd, 1 << 16, 0, &buf);
	aiaccel_pattern_fill(buf.map, buf.size, 7);
	dmabuf = aiaccel_prime_export(fd, buf.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_lte(0, dmabuf);
	prime.fd = dmabuf;
	do_ioctl(vfd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime);
	vmap = mmap(NULL, buf.size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	igt_assert(vmap != MAP_FAILED);

	munmap(buf.map, buf.size);
	igt_assert_lt_u64(timed_close(fd), SEC);
	unplug(0);

	/* vgem and the dma-buf still hold the buffer and its pages. */
	aiaccel_pattern_check(vmap, buf.size, 7);
	munmap(vmap, buf.size);
	close(dmabuf);
	/* The last reference goes with vgem's handle. */
	igt_assert_eq(aiaccel_gem_close(vfd, prime.handle), 0);
	close(vfd);
	plug(0);
}

/* A vgem buffer imported here and used by jobs, across the removal. */
static void test_dmabuf_imported(void)
{
	struct aiaccel_vgem_bo vbo;
	struct slow_job slow;
	struct aiaccel_buf dst;
	struct aiaccel_cs cs;
	uint32_t handle;
	int fd, vfd, i;


	vfd = aiaccel_vgem_open();
	fd = must_open_instance(0);
	aiaccel_vgem_bo_new(vfd, 1 << 16, &vbo);
	aiaccel_pattern_fill(vbo.map, vbo.size, 9);
	handle = aiaccel_vgem_import(vfd, vbo.handle, fd);
	aiaccel_buf_new(fd, 1 << 16, 0, &dst);
	aiaccel_cs_new(fd, 4096, &cs);
	for (i = 0; i < 4; i++) {
		struct aiaccel_op_dma_copy *op = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0,
								 sizeof(*op));
		struct drm_aiaccel_bo_info bi;

		igt_assert_eq(aiaccel_bo_info(fd, handle, &bi), 0);
		op->src = bi.va;
		op->dst = dst.va;
		op->size = vbo.size;
	}
	{
		struct drm_aiaccel_submit_bo bos[] = {
			aiaccel_bo_use(handle, DRM_AIACCEL_SUBMIT_BO_READ),
			aiaccel_bo_use(dst.handle, DRM_AIACCEL_SUBMIT_BO_WRITE),
		};

		igt_assert_eq(aiaccel_submit(fd, &cs, bos, 2, NULL, 0, NULL, 0, 0, 0), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, dst.handle, 0, 10 * SEC), 0);
		aiaccel_pattern_check(dst.map, dst.size, 9);
		/* Once more, left running. */
		slow_job_new(fd, &slow, 128);
		igt_assert_eq(slow_job_submit(&slow, AIACCEL_ENGINE_ANY, 0, 0), 0);
		igt_assert_eq(aiaccel_submit(fd, &cs, bos, 2, NULL, 0, NULL, 0, 0, 0), 0);
	}
	unplug(0);
	igt_assert_eq(aiaccel_wait_buf(fd, dst.handle, 0, 0), -ENODEV);
	slow_job_unmap(&slow);
	munmap(dst.map, dst.size);
	munmap(cs.buf.map, cs.buf.size);
	igt_assert_lt_u64(timed_close(fd), SEC);
	/* vgem's buffer is intact and still its own. */
	aiaccel_pattern_check(vbo.map, vbo.size, 9);
	aiaccel_vgem_bo_free(vfd, &vbo);
	close(vfd);
	plug(0);
}

/*
 * A runtime-suspended device removed: the driver wakes it to stop it, and
 * writes no register of its powered-off domain (the model flags such a
 * write in GLOBAL_ERROR, which the model's own instance keeps after the
 * driver has gone).
 */
static void test_runtime_suspended(void)
{
	char path[128], state[16] = "";
	uint32_t gerr = ~0u;
	int i;


	snprintf(path, sizeof(path), DRV "/aiaccel.0/power_state");
	for (i = 0; i < 100; i++) {
		igt_assert_eq(aiaccel_file_read(path, state, sizeof(state)), 0);
		if (!strcmp(state, "off"))
			break;
		usleep(20 * 1000);
	}
	igt_assert_f(!strcmp(state, "off"), "the device does not runtime-suspend\n");
	unbind(0);
	igt_assert(aiaccel_read_sim_reg("aiaccel-sim.0", AIACCEL_REG_GLOBAL_ERROR, &gerr));
	igt_assert_f(!(gerr & AIACCEL_GERR_WRITE_OFF),
		     "the driver wrote to the powered-off device: GLOBAL_ERROR 0x%x\n", gerr);
	igt_assert_eq_u32(gerr, 0);
	bind(0);
}

/*
 * After an unbind, the interrupt stays masked: a handler running during
 * the teardown must not re-arm it (the model keeps IRQ_MASK).
 */
static void test_unbind_masks_interrupts(void)
{
	uint32_t mask = ~0u;
	struct aiaccel_copy_job j[32];
	int fd, i;


	for (i = 0; i < 8; i++) {
		int k;

		fd = must_open_instance(0);
		for (k = 0; k < 32; k++) {
			aiaccel_copy_job_new(fd, &j[k], k);
			igt_assert_eq(copy_job_submit(&j[k], k, NULL, 0, 0), 0);
		}
		/* Interrupts arrive while the driver goes. */
		unbind(0);
		igt_assert(aiaccel_read_sim_reg("aiaccel-sim.0", AIACCEL_REG_IRQ_MASK, &mask));
		igt_assert_eq_u32(mask, 0);
		for (k = 0; k < 32; k++)
			copy_job_unmap(&j[k]);
		close(fd);
		bind(0);
	}
}

/*
 * For the child processes: a copy job set up without assertions (the
 * device may go at any point); 0 or -errno.
 */
static int child_bo(int fd, struct aiaccel_buf *b)
{
	struct drm_aiaccel_bo_create bo = { .size = 4096 };

	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &bo))
		return -errno;
	b->handle = bo.handle;
	b->size = bo.size;
	b->va = bo.va;
	b->map = mmap(NULL, bo.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, bo.mmap_offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	return 0;
}

static int child_copy_job(int fd, struct aiaccel_copy_job *j, unsigned int seed)
{
	struct aiaccel_op_dma_copy *op;
	struct aiaccel_rng r;
	int ret;

	memset(j, 0, sizeof(*j));
	j->fd = fd;
	ret = child_bo(fd, &j->x) ?: child_bo(fd, &j->y) ?: child_bo(fd, &j->cs.buf);
	if (ret)
		return ret;
	aiaccel_rng_seed(&r, seed);
	aiaccel_rng_fill(&r, j->x.map, 4096);
	op = j->cs.buf.map;
	memset(op, 0, sizeof(*op));
	op->hdr.opcode = AIACCEL_OP_DMA_COPY;
	op->hdr.size = sizeof(*op);
	op->src = j->x.va;
	op->dst = j->y.va;
	op->size = 4096;
	j->cs.used = sizeof(*op);
	return 0;
}

/* Unmap, and close the handles if the device is still there. */
static void child_copy_job_free(struct aiaccel_copy_job *j)
{
	struct aiaccel_buf *b[] = { &j->x, &j->y, &j->cs.buf };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(b); i++) {
		struct drm_gem_close args = { .handle = b[i]->handle };

		if (b[i]->map)
			munmap(b[i]->map, b[i]->size);
		if (b[i]->handle)
			drmIoctl(j->fd, DRM_IOCTL_GEM_CLOSE, &args);
	}
}

/* Run one copy job; 0 if done and right, -ENODEV if the device went, else < 0. */
static int child_run_copy(int fd, unsigned int seed, uint64_t tag)
{
	struct drm_aiaccel_event_job ev;
	struct aiaccel_copy_job j;
	int ret;

	ret = child_copy_job(fd, &j, seed);
	if (!ret)
		ret = copy_job_submit(&j, tag, NULL, 0, 0);
	if (!ret)
		ret = aiaccel_read_event(fd, &ev, 10 * SEC) ?: ev.status;
	if (!ret && !aiaccel_copy_job_done(&j))
		ret = -EILSEQ;
	child_copy_job_free(&j);
	return ret;
}

/*
 * A child of test_one_of_four: submits copies on instance @id and checks
 * each, until the device goes (if @expect_gone) or @secs have passed.
 * Exits 0 if all went as it should.
 */
static void __attribute__((noreturn)) four_child(unsigned int id, bool expect_gone, int secs)
{
	struct timespec start = {};
	unsigned int n = 0, seed = id * 1000;
	bool gone = false;
	int fd = open_instance(id);

	if (fd < 0)
		exit(20);
	igt_gettime(&start);
	while (elapsed_since(&start) < (uint64_t)secs * SEC) {
		int ret = child_run_copy(fd, seed++, n);

		if (ret == -ENODEV) {
			gone = true;
			break;
		}
		if (ret) {
			fprintf(stderr, "instance %u, job %u: %d\n", id, n, ret);
			exit(21);
		}
		n++;
	}
	close(fd);
	igt_info("instance %u: %u jobs, %s\n", id, n, gone ? "gone" : "still there");
	if (!n || gone != expect_gone)
		exit(24);
	exit(0);
}

/* One of four devices removed while all four run jobs: the others carry on. */
static void test_one_of_four(void)
{
	unsigned int id;
	int status, failures = 0;
	pid_t pids[4];


	igt_assert_eq(aiaccel_reload("num_devices=4"), 0);
	for (id = 0; id < 4; id++) {
		pids[id] = fork();
		igt_assert(pids[id] >= 0);
		if (!pids[id])
			four_child(id, id == 2, 6);
	}
	sleep(2);
	unplug(2);
	for (id = 0; id < 4; id++) {
		igt_assert_eq(waitpid(pids[id], &status, 0), pids[id]);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			igt_warn("instance %u's child: status 0x%x\n", id, status);
			failures++;
		}
	}
	igt_assert_eq(failures, 0);
	plug(2);
	igt_assert_eq(aiaccel_reload(NULL), 0);
}

#define CYCLE_ID 7

/*
 * The submitter of test_add_remove_cycles: runs copies on whatever device
 * is instance CYCLE_ID, reopening it each time it comes back, until the
 * parent says stop (SIGTERM).  Any error but the device going is a failure.
 */
static volatile sig_atomic_t cycle_stop;

static void cycle_on_term(int sig)
{
	(void)sig;
	cycle_stop = 1;
}

static void __attribute__((noreturn)) cycle_child(int report)
{
	unsigned int jobs = 0, opens = 0, gone = 0, seed = 1;

	signal(SIGTERM, cycle_on_term);
	while (!cycle_stop) {
		int fd = open_instance(CYCLE_ID);

		if (fd < 0) {
			usleep(1000);
			continue;
		}
		opens++;
		while (!cycle_stop) {
			int ret = child_run_copy(fd, seed++, jobs);

			if (ret == -ENODEV) {
				gone++;
				break;
			}
			if (ret) {
				fprintf(stderr, "job %u: %d\n", jobs, ret);
				exit(31);
			}
			jobs++;
		}
		close(fd);
	}
	dprintf(report, "%u %u %u\n", jobs, opens, gone);
	exit(0);
}

static void test_add_remove_cycles(void)
{
	unsigned int jobs = 0, opens = 0, gone = 0;
	struct aiaccel_rng rng;
	char line[64] = "";
	int p[2], status, i;
	pid_t pid;


	igt_assert_eq(pipe(p), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		close(p[0]);
		cycle_child(p[1]);
	}
	close(p[1]);
	aiaccel_rng_seed(&rng, 20);
	for (i = 0; i < 20; i++) {
		plug(CYCLE_ID);
		usleep(aiaccel_rng_range(&rng, 100, 400) * 1000);
		unplug(CYCLE_ID);
		usleep(aiaccel_rng_range(&rng, 0, 50) * 1000);
	}
	kill(pid, SIGTERM);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status), "submitter: status 0x%x\n",
		     status);
	igt_assert_lt(0, (int)read(p[0], line, sizeof(line) - 1));
	close(p[0]);
	igt_assert_eq(sscanf(line, "%u %u %u", &jobs, &opens, &gone), 3);
	igt_info("20 cycles: %u jobs checked, %u opens, %u removals seen\n", jobs, opens, gone);
	igt_assert_lt(0u, jobs);
	igt_assert_lt(0u, gone);
}

/*
 * Each subtest runs in a child process, so that whatever a failed one
 * leaves behind (files, mappings, sync_files) goes with it and cannot keep
 * the modules loaded or the next subtest short of descriptors.
 */
#define isolated(call) do { \
	begin(); \
	igt_fork(child, 1) \
		call; \
	igt_waitchildren(); \
} while (0)

static void require_vgem(void)
{
	close(aiaccel_vgem_open());
}

int igt_main()
{
	igt_fixture() {
		struct stat st;

		aiaccel_require_root("adds and removes devices, binds and unbinds them");
		igt_require_f(!stat(SIM_DRV "/new_device", &st),
			      "the model cannot add devices at run time\n");
		restore_instance0();
	}

	igt_describe("An idle device goes and comes back, and works again.");
	igt_subtest("idle")
		isolated(test_idle());

	igt_describe("Removed under an open file: ioctls fail with -ENODEV, close() does not wait.");
	igt_subtest("open-fd")
		isolated(test_open_fd());

	igt_describe("A buffer's CPU mapping stays valid across the removal.");
	igt_subtest("live-mmap")
		isolated(test_live_mmap());

	igt_describe("Removed with 400 jobs queued and jobs running: every fence ends, with "
		     "-ENODEV unless its job was done, a sync_file of each included.");
	igt_subtest_with_dynamic("queued-and-running") {
		static const unsigned int delays[] = { 0, 1, 20, 200 };
		unsigned int i;

		require_vgem();
		for (i = 0; i < ARRAY_SIZE(delays); i++) {
			igt_dynamic_f("del-device-%ums", delays[i])
				isolated(test_queued_and_running(true, delays[i]));
			igt_dynamic_f("unbind-%ums", delays[i])
				isolated(test_queued_and_running(false, delays[i]));
		}
	}

	igt_describe("Threads blocked in a syncobj wait, WAIT and poll() all return.");
	igt_subtest("blocked-waiters")
		isolated(test_blocked_waiters());

	igt_describe("A buffer exported to vgem outlives the device.");
	igt_subtest("dmabuf-exported") {
		require_vgem();
		isolated(test_dmabuf_exported());
	}

	igt_describe("A vgem buffer imported and in use is released cleanly.");
	igt_subtest("dmabuf-imported") {
		require_vgem();
		isolated(test_dmabuf_imported());
	}

	igt_describe("A runtime-suspended device is removed without a write to its "
		     "powered-off registers.");
	igt_subtest("runtime-suspended")
		isolated(test_runtime_suspended());

	igt_describe("An unbind with interrupts arriving leaves the interrupt masked.");
	igt_subtest("unbind-masks-interrupts")
		isolated(test_unbind_masks_interrupts());

	igt_describe("One of four devices removed while all four run jobs.");
	igt_subtest("one-of-four")
		isolated(test_one_of_four());

	igt_describe("20 add/remove cycles under a process submitting to the device.");
	igt_subtest("add-remove-cycles")
		isolated(test_add_remove_cycles());

	igt_fixture() {
		restore_instance0();
		/* one-of-four may have left four devices. */
		igt_assert_eq(aiaccel_reload(NULL), 0);
	}
}
