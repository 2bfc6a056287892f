// SPDX-License-Identifier: MIT
/*
 * bench_model: int8 GEMM throughput of the hardware model (aiaccel_sim)
 * against the userspace reference of the same op (libaidrv/ref, built
 * -O2), on the same data, in the same guest.  Every device result is
 * compared with the reference bit for bit; a mismatch fails the program.
 *
 * The model's figure includes the whole job path (submit, schedule, ring,
 * page-table walks, completion); the reference is the bare loop.
 */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include <drm/aiaccel_accel.h>
#include <drm/aiaccel_isa.h>

#include "aiaccel_ref.h"

#define NSEC	1000000000ll

struct buf {
	uint32_t handle;
	uint64_t size, va;
	void *map;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static int buf_new(int fd, uint64_t size, uint32_t flags, struct buf *b)
{
	struct drm_aiaccel_bo_create args = { .size = size, .flags = flags };

	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args))
		return -errno;
	b->handle = args.handle;
	b->size = args.size;
	b->va = args.va;
	b->map = mmap(NULL, args.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, args.mmap_offset);
	if (b->map == MAP_FAILED) {
		struct drm_gem_close cl = { .handle = b->handle };

		drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
		return -errno;
	}
	return 0;
}

static void buf_free(int fd, struct buf *b)
{
	struct drm_gem_close cl = { .handle = b->handle };

	munmap(b->map, b->size);
	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
}

/* One GEMM job: submit with an out-syncobj and wait for it. */
static int run_job(int fd, const struct buf *cs, uint32_t cs_size, const struct buf *in,
		   const struct buf *w, const struct buf *out, uint32_t syncobj)
{
	struct drm_aiaccel_submit_bo bos[] = {
		{ .handle = in->handle, .flags = DRM_AIACCEL_SUBMIT_BO_READ },
		{ .handle = w->handle, .flags = DRM_AIACCEL_SUBMIT_BO_READ },
		{ .handle = out->handle, .flags = DRM_AIACCEL_SUBMIT_BO_WRITE },
	};
	struct drm_aiaccel_sync done = { .handle = syncobj };
	struct drm_aiaccel_submit args = {
		.cs_handle = cs->handle, .cs_size = cs_size,
		.bos = (uintptr_t)bos, .bo_count = 3, .bo_stride = sizeof(bos[0]),
		.out_syncs = (uintptr_t)&done, .out_sync_count = 1,
		.out_sync_stride = sizeof(done),
		.engine = DRM_AIACCEL_ENGINE_ANY, .priority = DRM_AIACCEL_PRIORITY_NORMAL,
	};

	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, &args))
		return -errno;
	if (drmSyncobjWait(fd, &syncobj, 1, now_ns() + 600 * NSEC, 0, NULL))
		return -errno;
	return 0;
}

static int bench_gemm(int fd, uint32_t dim, int reps)
{
	uint64_t macs = (uint64_t)dim * dim * dim;
	struct buf cs, in, w, out;
	struct aiaccel_op_gemm *op;
	int8_t *ref_out;
	int64_t t0, dev_ns, ref_ns;
	uint32_t syncobj;
	int ret, i;
	size_t j;

	ret = buf_new(fd, 4096, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &cs);
	if (ret)
		return ret;
	ret = buf_new(fd, (uint64_t)dim * dim, 0, &in);
	if (!ret)
		ret = buf_new(fd, (uint64_t)dim * dim, 0, &w);
	if (!ret)
		ret = buf_new(fd, (uint64_t)dim * dim, 0, &out);
	if (ret)
		return ret;
	ref_out = malloc((size_t)dim * dim);
	if (!ref_out)
		return -ENOMEM;
	srand(dim);
	for (j = 0; j < (size_t)dim * dim; j++) {
		((int8_t *)in.map)[j] = (int8_t)(rand() & 0xff);
		((int8_t *)w.map)[j] = (int8_t)(rand() & 0xff);
	}

	op = cs.map;
	memset(op, 0, sizeof(*op));
	op->hdr.opcode = AIACCEL_OP_GEMM;
	op->hdr.size = sizeof(*op);
	op->input = in.va;
	op->weights = w.va;
	op->output = out.va;
	op->m = dim;
	op->n = dim;
	op->k = dim;
	op->input_zp = 3;
	op->weight_zp = -2;
	op->output_zp = 5;
	/* About 1/(dim * 64): keeps most outputs off the clamps. */
	op->requant.multiplier = 1 << 30;
	op->requant.shift = -(int)(__builtin_ctz(dim) + 5);
	op->act_min = -128;
	op->act_max = 127;

	if (drmSyncobjCreate(fd, 0, &syncobj))
		return -errno;
	/* Warm up (powers the device on, faults the pages in), then time. */
	ret = run_job(fd, &cs, sizeof(*op), &in, &w, &out, syncobj);
	t0 = now_ns();
	for (i = 0; !ret && i < reps; i++)
		ret = run_job(fd, &cs, sizeof(*op), &in, &w, &out, syncobj);
	dev_ns = now_ns() - t0;
	if (ret) {
		fprintf(stderr, "bench_model: GEMM %u^3 job failed: %s\n", dim, strerror(-ret));
		return ret;
	}

	t0 = now_ns();
	for (i = 0; i < reps; i++) {
		ret = aiaccel_ref_gemm(op, in.map, w.map, NULL, NULL, ref_out);
		if (ret)
			return ret;
	}
	ref_ns = now_ns() - t0;

	if (memcmp(ref_out, out.map, (size_t)dim * dim)) {
		fprintf(stderr, "bench_model: GEMM %u^3: device output differs from the reference\n",
			dim);
		return -EIO;
	}

	printf("gemm %4ux%ux%-4u  reps %2d  model %8.1f MMAC/s  reference -O2 %8.1f MMAC/s"
	       "  model/reference time %.2fx  (bit-exact)\n",
	       dim, dim, dim, reps, (double)macs * reps / dev_ns * 1e3,
	       (double)macs * reps / ref_ns * 1e3, (double)dev_ns / ref_ns);
	drmSyncobjDestroy(fd, syncobj);
	free(ref_out);
	buf_free(fd, &out);
	buf_free(fd, &w);
	buf_free(fd, &in);
	buf_free(fd, &cs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/accel/accel0";
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bench_model: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("# bench_model: int8 GEMM, hardware model vs userspace reference\n");
	ret = bench_gemm(fd, 256, 8);
	if (!ret)
		ret = bench_gemm(fd, 1024, 1);
	close(fd);
	return ret ? 1 : 0;
}
