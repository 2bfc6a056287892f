// SPDX-License-Identifier: MIT
/*
 * Buffers, command streams and job submission for the aiaccel IGT tests.
 */

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/sync_file.h>

#include "igt.h"
#include "aiaccel_job_util.h"
#include "aiaccel_test.h"

void aiaccel_buf_new(int fd, uint64_t size, uint32_t flags, struct aiaccel_buf *buf)
{
	struct drm_aiaccel_bo_create args = { .size = size, .flags = flags };

	do_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args);
	buf->handle = args.handle;
	buf->size = args.size;
	buf->va = args.va;
	buf->map = mmap(NULL, args.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			args.mmap_offset);
	igt_assert(buf->map != MAP_FAILED);
}

void aiaccel_buf_free(int fd, struct aiaccel_buf *buf)
{
	struct drm_gem_close args = { .handle = buf->handle };

	if (buf->map)
		munmap(buf->map, buf->size);
	if (buf->handle)
		do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
	memset(buf, 0, sizeof(*buf));
}

void aiaccel_cs_new(int fd, uint32_t capacity, struct aiaccel_cs *cs)
{
	aiaccel_buf_new(fd, capacity, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &cs->buf);
	cs->used = 0;
}

void *aiaccel_cs_emit(struct aiaccel_cs *cs, uint16_t opcode, uint32_t flags, size_t size)
{
	struct aiaccel_op_header *hdr = (void *)((char *)cs->buf.map + cs->used);

	igt_assert(size % 8 == 0 && cs->used + size <= cs->buf.size);
	memset(hdr, 0, size);
	hdr->opcode = opcode;
	hdr->size = size;
	hdr->flags = flags;
	cs->used += size;
	return hdr;
}

int aiaccel_submit(int fd, const struct aiaccel_cs *cs, const struct drm_aiaccel_submit_bo *bos,
		   uint32_t nbos, const struct drm_aiaccel_sync *in, uint32_t nin,
		   const struct drm_aiaccel_sync *out, uint32_t nout, uint32_t flags,
		   uint64_t event_data)
{
	struct drm_aiaccel_submit args = {
		.cs_handle = cs->buf.handle,
		.cs_size = cs->used,
		.flags = flags,
		.bos = (uintptr_t)bos,
		.bo_count = nbos,
		.bo_stride = sizeof(*bos),
		.in_syncs = (uintptr_t)in,
		.in_sync_count = nin,
		.in_sync_stride = sizeof(*in),
		.out_syncs = (uintptr_t)out,
		.out_sync_count = nout,
		.out_sync_stride = sizeof(*out),
		.priority = DRM_AIACCEL_PRIORITY_NORMAL,
		.event_data = event_data,
	};

	return igt_ioctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, &args) ? -errno : 0;
}

int64_t aiaccel_deadline(int64_t rel_ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec + rel_ns;
}

int aiaccel_wait_buf(int fd, uint32_t handle, uint32_t flags, int64_t rel_ns)
{
	struct drm_aiaccel_wait args = {
		.handle = handle,
		.flags = flags,
		.timeout_ns = aiaccel_deadline(rel_ns),
	};

	return igt_ioctl(fd, DRM_IOCTL_AIACCEL_WAIT, &args) ? -errno : 0;
}

uint32_t aiaccel_syncobj(int fd)
{
	uint32_t handle;

	igt_assert_eq(drmSyncobjCreate(fd, 0, &handle), 0);
	return handle;
}

int aiaccel_syncobj_wait(int fd, uint32_t handle, uint64_t point, int64_t rel_ns)
{
	int ret;

	if (point)
		ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, aiaccel_deadline(rel_ns),
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	else
		ret = drmSyncobjWait(fd, &handle, 1, aiaccel_deadline(rel_ns),
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	return ret ? -errno : 0;
}

int aiaccel_read_event(int fd, struct drm_aiaccel_event_job *ev, int64_t rel_ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ret;

	ret = poll(&pfd, 1, rel_ns / 1000000);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	n = read(fd, ev, sizeof(*ev));
	if (n < 0)
		return -errno;
	igt_assert_eq((int)n, (int)sizeof(*ev));
	igt_assert_eq_u32(ev->base.type, DRM_AIACCEL_EVENT_JOB_DONE);
	igt_assert_eq_u32(ev->base.length, sizeof(*ev));
	return 0;
}

bool aiaccel_sim_hook(unsigned int instance, const char *hook, unsigned int value)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/kernel/debug/aiaccel_sim/%u/%s", instance, hook);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fprintf(f, "%u\n", value) > 0;
	return fclose(f) == 0 && ok;
}

void aiaccel_require_sim_hook(unsigned int instance, const char *hook, unsigned int value)
{
	igt_require_f(aiaccel_sim_hook(instance, hook, value),
		      "needs the model's test hook /sys/kernel/debug/aiaccel_sim/%u/%s "
		      "(debugfs, root): %s\n", instance, hook, strerror(errno));
}

void aiaccel_submit_init(struct drm_aiaccel_submit *args, const struct aiaccel_cs *cs)
{
	*args = (struct drm_aiaccel_submit){
		.cs_handle = cs ? cs->buf.handle : 0,
		.cs_size = cs ? cs->used : 0,
		.bo_stride = sizeof(struct drm_aiaccel_submit_bo),
		.in_sync_stride = sizeof(struct drm_aiaccel_sync),
		.out_sync_stride = sizeof(struct drm_aiaccel_sync),
		.priority = DRM_AIACCEL_PRIORITY_NORMAL,
	};
}

void aiaccel_submit_engine(struct drm_aiaccel_submit *args, uint32_t engine)
{
	if (engine == AIACCEL_ENGINE_ANY) {
		args->flags &= ~DRM_AIACCEL_SUBMIT_ENGINE;
		args->engine = 0;
	} else {
		args->flags |= DRM_AIACCEL_SUBMIT_ENGINE;
		args->engine = engine;
	}
}

int aiaccel_submit_raw(int fd, struct drm_aiaccel_submit *args)
{
	return igt_ioctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, args) ? -errno : 0;
}

void aiaccel_cs_copy(int fd, struct aiaccel_cs *cs, uint64_t src, uint64_t dst, uint64_t size)
{
	struct aiaccel_op_dma_copy *op;

	aiaccel_cs_new(fd, 4096, cs);
	op = aiaccel_cs_emit(cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*op));
	op->src = src;
	op->dst = dst;
	op->size = size;
}

void aiaccel_copy_job_new(int fd, struct aiaccel_copy_job *j, unsigned int seed)
{
	struct aiaccel_rng r;

	j->fd = fd;
	aiaccel_rng_seed(&r, seed);
	aiaccel_buf_new(fd, 4096, 0, &j->x);
	aiaccel_buf_new(fd, 4096, 0, &j->y);
	aiaccel_rng_fill(&r, j->x.map, 4096);
	aiaccel_cs_copy(fd, &j->cs, j->x.va, j->y.va, 4096);
}

void aiaccel_copy_job_free(struct aiaccel_copy_job *j)
{
	aiaccel_buf_free(j->fd, &j->cs.buf);
	aiaccel_buf_free(j->fd, &j->x);
	aiaccel_buf_free(j->fd, &j->y);
}

bool aiaccel_copy_job_done(const struct aiaccel_copy_job *j)
{
	return !memcmp(j->x.map, j->y.map, 4096);
}

bool aiaccel_no_event(int fd, int64_t rel_ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, rel_ns / 1000000) == 0;
}

bool aiaccel_syncobj_signaled(int fd, uint32_t handle, uint64_t point)
{
	return aiaccel_syncobj_wait(fd, handle, point, 0) == 0;
}

int aiaccel_syncobj_status(int fd, uint32_t handle)
{
	struct sync_file_info info = { 0 };
	int sf;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, handle, &sf), 0);
	igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	close(sf);
	return info.status;
}

void aiaccel_rng_seed(struct aiaccel_rng *rng, uint64_t seed)
{
	rng->s = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	if (!rng->s)
		rng->s = 1;
}

uint32_t aiaccel_rng_u32(struct aiaccel_rng *rng)
{
	rng->s ^= rng->s >> 12;
	rng->s ^= rng->s << 25;
	rng->s ^= rng->s >> 27;
	return (rng->s * 0x2545f4914f6cdd1dull) >> 32;
}

int32_t aiaccel_rng_range(struct aiaccel_rng *rng, int32_t lo, int32_t hi)
{
	uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;

	return (int32_t)(lo + (int64_t)(aiaccel_rng_u32(rng) % span));
}

void aiaccel_rng_fill(struct aiaccel_rng *rng, void *p, size_t n)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = aiaccel_rng_u32(rng) >> 24;
}

void aiaccel_rand_act(struct aiaccel_rng *r, int32_t *lo, int32_t *hi)
{
	if (aiaccel_rng_u32(r) % 2) {
		*lo = -128;
		*hi = 127;
		return;
	}
	*lo = aiaccel_rng_range(r, -128, 20);
	*hi = aiaccel_rng_range(r, *lo, 127);
}

/*
 * A scale for an accumulator of @terms products of int8 differences: about
 * 1 / (128 * sqrt(terms)), give or take a factor of 4, so that outputs
 * spread over the int8 range and some saturate.
 */
struct aiaccel_requant aiaccel_rand_scale(struct aiaccel_rng *r, uint64_t terms)
{
	int l = 0;

	while ((1ull << (2 * l)) < terms)
		l++;
	return (struct aiaccel_requant){
		.multiplier = aiaccel_rng_range(r, 1 << 30, INT32_MAX),
		.shift = -(8 + l) + aiaccel_rng_range(r, -2, 1),
	};
}

#define FENCE_SIGNALED_TRIGGER "/sys/kernel/tracing/events/dma_fence/dma_fence_signaled/trigger"

static void slow_fence_signal_off(int sig)
{
	(void)sig;
	aiaccel_file_write(FENCE_SIGNALED_TRIGGER, "!stacktrace");
}

bool aiaccel_slow_fence_signal_begin(void)
{
	if (aiaccel_file_write(FENCE_SIGNALED_TRIGGER, "stacktrace")) {
		igt_info("no tracefs trigger: fences signal at their own speed\n");
		return false;
	}
	igt_install_exit_handler(slow_fence_signal_off);
	return true;
}

void aiaccel_slow_fence_signal_end(bool slow)
{
	if (slow)
		slow_fence_signal_off(0);
}
