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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aidrv.h>

#include "aiaccel_ref.h"

/* A GEMM can take minutes on an emulated CPU with KASAN. */
#define JOB_TIMEOUT	(600 * AIDRV_NSEC_PER_SEC)

struct buf {
	struct aidrv_bo *bo;
	void *map;
};

static int buf_new(struct aidrv_device *dev, uint64_t size, struct buf *b)
{
	int ret = aidrv_bo_create(dev, size, 0, &b->bo);

	if (ret)
		return ret;
	ret = aidrv_bo_map(b->bo, &b->map);
	if (ret)
		aidrv_bo_free(b->bo);
	return ret;
}

static int bench_gemm(struct aidrv_device *dev, uint32_t dim, int reps)
{
	uint64_t macs = (uint64_t)dim * dim * dim;
	struct aiaccel_op_gemm op = {
		.hdr = { .opcode = AIACCEL_OP_GEMM, .size = sizeof(op) },
		.m = dim, .n = dim, .k = dim,
		.input_zp = 3, .weight_zp = -2, .output_zp = 5,
		/* About 1/(dim * 64): keeps most outputs off the clamps. */
		.requant = { .multiplier = 1 << 30, .shift = -(int)(__builtin_ctz(dim) + 5) },
		.act_min = -128, .act_max = 127,
	};
	struct buf in = { 0 }, w = { 0 }, out = { 0 };
	struct aidrv_bo *cs_bo = NULL;
	struct aidrv_cs *cs = NULL;
	struct aidrv_submit s;
	int8_t *ref_out = NULL;
	int64_t t0, dev_ns, ref_ns;
	int ret, i;
	size_t j;

	ret = buf_new(dev, (uint64_t)dim * dim, &in);
	if (!ret)
		ret = buf_new(dev, (uint64_t)dim * dim, &w);
	if (!ret)
		ret = buf_new(dev, (uint64_t)dim * dim, &out);
	ref_out = malloc((size_t)dim * dim);
	if (!ret && !ref_out)
		ret = -ENOMEM;
	if (ret)
		goto out;
	srand(dim);
	for (j = 0; j < (size_t)dim * dim; j++) {
		((int8_t *)in.map)[j] = (int8_t)(rand() & 0xff);
		((int8_t *)w.map)[j] = (int8_t)(rand() & 0xff);
	}
	op.input = aidrv_bo_va(in.bo);
	op.weights = aidrv_bo_va(w.bo);
	op.output = aidrv_bo_va(out.bo);

	/* Uploaded once, as the command stream was a buffer of its own before. */
	ret = aidrv_cs_create(&cs);
	if (!ret)
		ret = aidrv_cs_gemm(cs, &op);
	if (!ret)
		ret = aidrv_cs_upload(cs, dev, &cs_bo);
	if (ret)
		goto out;
	{
		const struct aidrv_job_bo bos[] = {
			{ in.bo, DRM_AIACCEL_SUBMIT_BO_READ },
			{ w.bo, DRM_AIACCEL_SUBMIT_BO_READ },
			{ out.bo, DRM_AIACCEL_SUBMIT_BO_WRITE },
		};

		aidrv_submit_init(&s, sizeof(s));
		s.cs_bo = cs_bo;
		s.cs_size = aidrv_cs_size(cs);
		s.bos = bos;
		s.bo_count = 3;
		/* Warm up (powers the device on, faults the pages in), then time. */
		ret = aidrv_job_run(dev, &s, JOB_TIMEOUT);
		t0 = aidrv_now_ns();
		for (i = 0; !ret && i < reps; i++)
			ret = aidrv_job_run(dev, &s, JOB_TIMEOUT);
		dev_ns = aidrv_now_ns() - t0;
	}
	if (ret) {
		fprintf(stderr, "bench_model: GEMM %u^3 job failed: %s\n", dim, strerror(-ret));
		goto out;
	}

	t0 = aidrv_now_ns();
	for (i = 0; !ret && i < reps; i++)
		ret = aiaccel_ref_gemm(&op, in.map, w.map, NULL, NULL, ref_out);
	ref_ns = aidrv_now_ns() - t0;
	if (ret)
		goto out;

	if (memcmp(ref_out, out.map, (size_t)dim * dim)) {
		fprintf(stderr, "bench_model: GEMM %u^3: device output differs from the reference\n",
			dim);
		ret = -EIO;
		goto out;
	}

	printf("gemm %4ux%ux%-4u  reps %2d  model %8.1f MMAC/s  reference -O2 %8.1f MMAC/s"
	       "  model/reference time %.2fx  (bit-exact)\n",
	       dim, dim, dim, reps, (double)macs * reps / dev_ns * 1e3,
	       (double)macs * reps / ref_ns * 1e3, (double)dev_ns / ref_ns);
out:
	aidrv_bo_free(cs_bo);
	aidrv_cs_free(cs);
	free(ref_out);
	aidrv_bo_free(out.bo);
	aidrv_bo_free(w.bo);
	aidrv_bo_free(in.bo);
	return ret;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/accel/accel0";
	struct aidrv_device *dev;
	int ret;

	ret = aidrv_device_open_path(path, &dev);
	if (ret) {
		fprintf(stderr, "bench_model: %s: %s\n", path, strerror(-ret));
		return 1;
	}
	printf("# bench_model: int8 GEMM, hardware model vs userspace reference\n");
	ret = bench_gemm(dev, 256, 8);
	if (!ret)
		ret = bench_gemm(dev, 1024, 1);
	aidrv_device_close(dev);
	return ret ? 1 : 0;
}
