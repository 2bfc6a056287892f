// SPDX-License-Identifier: MIT
/*
 * test_job: the job API against the real driver (run in the guest by
 * run-guest-tests.sh): command streams built with aidrv_cs_*() run on the
 * device and checked bit for bit against the ISA reference (a GEMM, a
 * convolution chain, every other op in one stream); a timeline syncobj
 * chain; completion events; waits with relative, absolute and zero
 * timeouts, on a job that hangs its engine; failing jobs; statistics and
 * power.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aidrv.h"
#include "aiaccel_ref.h"

#define SEC	AIDRV_NSEC_PER_SEC
#define MSEC	1000000LL
/* Generous: the guest is an emulated machine with debugging kernels. */
#define JOB_TIMEOUT	(60 * SEC)

struct buf {
	struct aidrv_bo *bo;
	void *map;
	uint64_t va;
};

static void buf_new(struct aidrv_device *dev, size_t size, uint32_t flags, struct buf *b)
{
	assert_int_equal(aidrv_bo_create(dev, size, flags, &b->bo), 0);
	assert_int_equal(aidrv_bo_map(b->bo, &b->map), 0);
	b->va = aidrv_bo_va(b->bo);
}

static void buf_free(struct buf *b)
{
	aidrv_bo_free(b->bo);	/* unmaps too */
	memset(b, 0, sizeof(*b));
}

static void fill_random(void *p, size_t n, uint32_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

static void assert_bytes_equal(const void *got, const void *want, size_t n)
{
	const int8_t *g = got, *w = want;
	size_t i;

	for (i = 0; i < n; i++)
		if (g[i] != w[i])
			fail_msg("byte %zu of %zu: device %d, reference %d", i, n, g[i], w[i]);
}

static int setup(void **state)
{
	struct aidrv_device *dev;

	if (aidrv_device_open_index(0, &dev))
		return -1;
	*state = dev;
	return 0;
}

static int teardown(void **state)
{
	aidrv_device_close(*state);
	return 0;
}

/* A fully-connected layer with bias and per-channel scales. */
static void test_gemm(void **state)
{
	enum { M = 7, N = 24, K = 67 };
	struct aidrv_device *dev = *state;
	struct buf in, w, bias, quant, out;
	struct aiaccel_op_gemm op = { 0 };
	struct aiaccel_requant *q;
	struct aidrv_submit s;
	struct aidrv_job *job;
	struct aidrv_cs *cs;
	int8_t expect[M * N];
	int32_t *b;
	int i;

	buf_new(dev, M * K, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &in);
	buf_new(dev, N * K, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &w);
	buf_new(dev, N * 4, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &bias);
	buf_new(dev, N * sizeof(*q), DRM_AIACCEL_BO_DEVICE_READ_ONLY, &quant);
	buf_new(dev, M * N, 0, &out);
	fill_random(in.map, M * K, 1);
	fill_random(w.map, N * K, 2);
	b = bias.map;
	q = quant.map;
	for (i = 0; i < N; i++) {
		b[i] = (i * 7919) % 20000 - 10000;
		q[i].multiplier = (1 << 30) + i * 40503;
		q[i].shift = -6 - i % 5;
	}
	memset(out.map, 0x55, M * N);

	op.hdr.flags = AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL;
	op.input = in.va;
	op.weights = w.va;
	op.bias = bias.va;
	op.quant = quant.va;
	op.output = out.va;
	op.m = M;
	op.n = N;
	op.k = K;
	op.input_zp = -3;
	op.weight_zp = 1;
	op.output_zp = 5;
	op.act_min = -120;
	op.act_max = 110;
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_gemm(cs, &op), 0);

	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	s.bos = (struct aidrv_job_bo[]){
		{ in.bo, DRM_AIACCEL_SUBMIT_BO_READ },
		{ w.bo, DRM_AIACCEL_SUBMIT_BO_READ },
		{ bias.bo, DRM_AIACCEL_SUBMIT_BO_READ },
		{ quant.bo, DRM_AIACCEL_SUBMIT_BO_READ },
		{ out.bo, DRM_AIACCEL_SUBMIT_BO_WRITE },
	};
	s.bo_count = 5;
	assert_int_equal(aidrv_job_submit(dev, &s, &job), 0);
	/* The stream was copied: the builder can be reused at once. */
	aidrv_cs_free(cs);
	assert_int_equal(aidrv_job_wait(job, JOB_TIMEOUT, 0), 0);
	assert_int_equal(aidrv_job_status(job), 0);
	aidrv_job_free(job);

	op.hdr.opcode = AIACCEL_OP_GEMM;
	op.hdr.size = sizeof(op);
	assert_int_equal(aiaccel_ref_gemm(&op, in.map, w.map, bias.map, quant.map, expect), 0);
	assert_bytes_equal(out.map, expect, sizeof(expect));

	buf_free(&in);
	buf_free(&w);
	buf_free(&bias);
	buf_free(&quant);
	buf_free(&out);
}

/* A conv2d (stride, padding, dilation) then a ReLU in place, one stream. */
static void test_conv2d_relu(void **state)
{
	struct aidrv_device *dev = *state;
	struct aiaccel_op_conv2d conv = {
		.batch = 2, .in_h = 9, .in_w = 8, .in_c = 5,
		.out_h = 4, .out_w = 4, .out_c = 6,
		.k_h = 3, .k_w = 2, .stride_h = 2, .stride_w = 2,
		.dilation_h = 1, .dilation_w = 2, .pad_top = 1, .pad_left = 1,
		.input_zp = 4, .filter_zp = -2, .output_zp = -7,
		.requant = { 1518500250, -8 },
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_activation relu = {
		.mode = AIACCEL_ACT_CLAMP, .act_min = -7, .act_max = 127,
	};
	const size_t in_size = 2 * 9 * 8 * 5, f_size = 6 * 3 * 2 * 5, out_size = 2 * 4 * 4 * 6;
	struct buf in, filter, out;
	struct aidrv_job_bo bos[3];
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	int8_t expect[2 * 4 * 4 * 6];

	buf_new(dev, in_size, 0, &in);
	buf_new(dev, f_size, 0, &filter);
	buf_new(dev, out_size, 0, &out);
	fill_random(in.map, in_size, 3);
	fill_random(filter.map, f_size, 4);

	conv.input = in.va;
	conv.filter = filter.va;
	conv.output = out.va;
	relu.input = out.va;
	relu.output = out.va;
	relu.count = out_size;
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_conv2d(cs, &conv), 0);
	assert_int_equal(aidrv_cs_activation(cs, &relu), 1);

	bos[0] = (struct aidrv_job_bo){ in.bo, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct aidrv_job_bo){ filter.bo, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[2] = (struct aidrv_job_bo){ out.bo, DRM_AIACCEL_SUBMIT_BO_READ |
					DRM_AIACCEL_SUBMIT_BO_WRITE };
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	s.bos = bos;
	s.bo_count = 3;
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), 0);
	aidrv_cs_free(cs);

	conv.hdr.opcode = AIACCEL_OP_CONV2D;
	conv.hdr.size = sizeof(conv);
	relu.hdr.opcode = AIACCEL_OP_ACTIVATION;
	relu.hdr.size = sizeof(relu);
	assert_int_equal(aiaccel_ref_conv2d(&conv, in.map, filter.map, NULL, NULL, expect), 0);
	assert_int_equal(aiaccel_ref_activation(&relu, expect, NULL, expect), 0);
	assert_bytes_equal(out.map, expect, out_size);

	buf_free(&in);
	buf_free(&filter);
	buf_free(&out);
}

/*
 * The other ops, each on its own slice of one source buffer and into its
 * own slice of one destination buffer, all in one stream.
 */
static void test_other_ops(void **state)
{
	enum { SRC = 4096, DST = 4096 };
	struct aidrv_device *dev = *state;
	struct aiaccel_op_dma_copy copy = { .size = 100 };
	struct aiaccel_op_conv2d dw = {
		.batch = 1, .in_h = 5, .in_w = 5, .in_c = 3, .out_h = 5, .out_w = 5,
		.out_c = 6, .k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1,
		.dilation_h = 1, .dilation_w = 1, .pad_top = 1, .pad_left = 1,
		.input_zp = -1, .filter_zp = 3, .output_zp = 2,
		.requant = { 1 << 30, -5 }, .act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_pool pool = {
		.batch = 1, .in_h = 6, .in_w = 7, .channels = 3, .out_h = 3, .out_w = 4,
		.k_h = 3, .k_w = 3, .stride_h = 2, .stride_w = 2, .pad_top = 1,
		.pad_left = 1, .act_min = -100, .act_max = 100,
	};
	struct aiaccel_op_add add = {
		.count = 200, .input1_zp = 3, .input2_zp = -4, .output_zp = 1,
		.left_shift = 20, .input1_scale = { 1 << 30, -1 },
		.input2_scale = { 1500000000, -1 }, .output_scale = { 1 << 30, -19 },
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_activation lut = { .count = 300, .mode = AIACCEL_ACT_LUT,
					     .act_min = -128, .act_max = 127 };
	/* Offsets in src (s_*) and dst (d_*). */
	const size_t s_copy = 0, s_dw_in = 128, s_dw_f = 256, s_pool = 384, s_add1 = 512,
		     s_add2 = 768, s_lut_in = 1024, s_lut = 1536;
	const size_t d_copy = 0, d_dw = 128, d_max = 512, d_avg = 640, d_add = 768,
		     d_lut = 1024;
	struct aidrv_job_bo bos[2];
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	struct buf src, dst;
	int8_t *S, *expect;

	buf_new(dev, SRC, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &src);
	buf_new(dev, DST, 0, &dst);
	fill_random(src.map, SRC, 5);
	S = src.map;
	expect = calloc(1, DST);
	assert_non_null(expect);

	copy.src = src.va + s_copy;
	copy.dst = dst.va + d_copy;
	dw.input = src.va + s_dw_in;
	dw.filter = src.va + s_dw_f;
	dw.output = dst.va + d_dw;
	pool.input = src.va + s_pool;
	pool.output = dst.va + d_max;
	add.input1 = src.va + s_add1;
	add.input2 = src.va + s_add2;
	add.output = dst.va + d_add;
	lut.input = src.va + s_lut_in;
	lut.lut = src.va + s_lut;
	lut.output = dst.va + d_lut;

	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_nop(cs), 0);
	assert_int_equal(aidrv_cs_dma_copy(cs, copy.dst, copy.src, copy.size), 1);
	assert_int_equal(aidrv_cs_dwconv2d(cs, &dw), 2);
	assert_int_equal(aidrv_cs_maxpool(cs, &pool), 3);
	pool.output = dst.va + d_avg;
	assert_int_equal(aidrv_cs_avgpool(cs, &pool), 4);
	assert_int_equal(aidrv_cs_add(cs, &add), 5);
	assert_int_equal(aidrv_cs_activation(cs, &lut), 6);

	bos[0] = (struct aidrv_job_bo){ src.bo, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct aidrv_job_bo){ dst.bo, DRM_AIACCEL_SUBMIT_BO_WRITE };
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	s.bos = bos;
	s.bo_count = 2;
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), 0);
	aidrv_cs_free(cs);

	copy.hdr = (struct aiaccel_op_header){ AIACCEL_OP_DMA_COPY, sizeof(copy), 0 };
	dw.hdr = (struct aiaccel_op_header){ AIACCEL_OP_DWCONV2D, sizeof(dw), 0 };
	pool.hdr = (struct aiaccel_op_header){ AIACCEL_OP_MAXPOOL, sizeof(pool), 0 };
	add.hdr = (struct aiaccel_op_header){ AIACCEL_OP_ADD, sizeof(add), 0 };
	lut.hdr = (struct aiaccel_op_header){ AIACCEL_OP_ACTIVATION, sizeof(lut), 0 };
	assert_int_equal(aiaccel_ref_dma_copy(&copy, (uint8_t *)S + s_copy,
					      (uint8_t *)expect + d_copy), 0);
	assert_int_equal(aiaccel_ref_dwconv2d(&dw, S + s_dw_in, S + s_dw_f, NULL, NULL,
					      expect + d_dw), 0);
	assert_int_equal(aiaccel_ref_maxpool(&pool, S + s_pool, expect + d_max), 0);
	pool.hdr.opcode = AIACCEL_OP_AVGPOOL;
	assert_int_equal(aiaccel_ref_avgpool(&pool, S + s_pool, expect + d_avg), 0);
	assert_int_equal(aiaccel_ref_add(&add, S + s_add1, S + s_add2, expect + d_add), 0);
	assert_int_equal(aiaccel_ref_activation(&lut, S + s_lut_in, S + s_lut, expect + d_lut), 0);
	assert_bytes_equal(dst.map, expect, DST);

	free(expect);
	buf_free(&src);
	buf_free(&dst);
}

/*
 * Three copies A -> B -> C -> D ordered only by a timeline syncobj (no
 * implicit sync): job i waits for point i and signals point i + 1.  The
 * first copy is the largest, so a job that did not wait would copy stale
 * data.  A fourth job waits for the third through its own syncobj.
 */
static void test_syncobj_chain(void **state)
{
	const size_t size = 1 << 20;
	struct aidrv_device *dev = *state;
	struct buf b[5];
	struct aidrv_job *job[4];
	struct aidrv_job_bo bos[2];
	struct aidrv_sync in, out;
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	uint32_t timeline;
	uint64_t point;
	int i;

	for (i = 0; i < 5; i++)
		buf_new(dev, size, 0, &b[i]);
	fill_random(b[0].map, size, 6);
	assert_int_equal(aidrv_syncobj_create(dev, 0, &timeline), 0);
	assert_int_equal(aidrv_cs_create(&cs), 0);

	for (i = 0; i < 4; i++) {
		aidrv_cs_reset(cs);
		/* The first job copies the buffer in 1 KiB pieces: slower. */
		if (i == 0) {
			size_t off;

			for (off = 0; off < size; off += 1024)
				assert_true(aidrv_cs_dma_copy(cs, b[1].va + off, b[0].va + off,
							      1024) >= 0);
		} else {
			assert_int_equal(aidrv_cs_dma_copy(cs, b[i + 1].va, b[i].va, size), 0);
		}
		bos[0] = (struct aidrv_job_bo){ b[i].bo, DRM_AIACCEL_SUBMIT_BO_READ };
		bos[1] = (struct aidrv_job_bo){ b[i + 1].bo, DRM_AIACCEL_SUBMIT_BO_WRITE };
		aidrv_submit_init(&s, sizeof(s));
		s.cs = cs;
		s.bos = bos;
		s.bo_count = 2;
		s.flags = DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC;
		if (i > 0 && i < 3) {
			in = (struct aidrv_sync){ .handle = timeline, .point = i };
			s.in_syncs = &in;
			s.in_sync_count = 1;
		} else if (i == 3) {
			in = (struct aidrv_sync){ .handle = aidrv_job_syncobj(job[2]) };
			s.in_syncs = &in;
			s.in_sync_count = 1;
		}
		if (i < 3) {
			out = (struct aidrv_sync){ .handle = timeline, .point = i + 1 };
			s.out_syncs = &out;
			s.out_sync_count = 1;
		}
		assert_int_equal(aidrv_job_submit(dev, &s, &job[i]), 0);
	}
	aidrv_cs_free(cs);

	assert_int_equal(aidrv_syncobj_wait(dev, timeline, 3, JOB_TIMEOUT, 0), 0);
	assert_int_equal(aidrv_syncobj_query(dev, timeline, &point), 0);
	assert_int_equal(point, 3);
	assert_int_equal(aidrv_job_wait(job[3], JOB_TIMEOUT, 0), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(aidrv_job_status(job[i]), 0);
		aidrv_job_free(job[i]);
	}
	for (i = 1; i < 5; i++)
		if (memcmp(b[i].map, b[0].map, size))
			fail_msg("buffer %d differs from the source", i);

	assert_int_equal(aidrv_syncobj_free(dev, timeline), 0);
	assert_int_equal(aidrv_syncobj_free(dev, timeline), -EINVAL);
	for (i = 0; i < 5; i++)
		buf_free(&b[i]);
}

/* A syncobj signalled from the CPU, and the binary wait. */
static void test_syncobj_cpu(void **state)
{
	struct aidrv_device *dev = *state;
	uint32_t h, t;
	uint64_t point = 99;

	assert_int_equal(aidrv_syncobj_create(dev, 0, &h), 0);
	assert_int_equal(aidrv_syncobj_wait(dev, h, 0, 0, 0), -ETIME);
	assert_int_equal(aidrv_syncobj_signal(dev, h, 0), 0);
	assert_int_equal(aidrv_syncobj_wait(dev, h, 0, 0, 0), 0);
	assert_int_equal(aidrv_syncobj_free(dev, h), 0);

	assert_int_equal(aidrv_syncobj_create(dev, DRM_SYNCOBJ_CREATE_SIGNALED, &h), 0);
	assert_int_equal(aidrv_syncobj_wait(dev, h, 0, 0, 0), 0);
	assert_int_equal(aidrv_syncobj_free(dev, h), 0);

	assert_int_equal(aidrv_syncobj_create(dev, 0, &t), 0);
	assert_int_equal(aidrv_syncobj_query(dev, t, &point), 0);
	assert_int_equal(point, 0);
	assert_int_equal(aidrv_syncobj_signal(dev, t, 5), 0);
	assert_int_equal(aidrv_syncobj_query(dev, t, &point), 0);
	assert_int_equal(point, 5);
	assert_int_equal(aidrv_syncobj_wait(dev, t, 5, 0, 0), 0);
	assert_int_equal(aidrv_syncobj_wait(dev, t, 6, 10 * MSEC, 0), -ETIME);
	assert_int_equal(aidrv_syncobj_free(dev, t), 0);

	assert_int_equal(aidrv_syncobj_wait(dev, 0xdead, 0, 0, 0), -ENOENT);
	assert_int_equal(aidrv_syncobj_create(NULL, 0, &h), -EINVAL);
	assert_int_equal(aidrv_syncobj_create(dev, 0, NULL), -EINVAL);
}

/* Completion events carry the submit's data, the engine and the times. */
static void test_events(void **state)
{
	struct aidrv_device *dev = *state;
	struct drm_aiaccel_event_job ev;
	struct drm_aiaccel_info info;
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	int64_t before;
	int i, seen = 0;

	assert_int_equal(aidrv_device_get_info(dev, &info, sizeof(info)), 0);
	assert_int_equal(aidrv_device_read_event(dev, &ev, sizeof(ev), 0, 0), -ETIME);
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_nop(cs), 0);
	before = aidrv_now_ns();
	for (i = 0; i < 3; i++) {
		aidrv_submit_init(&s, sizeof(s));
		s.cs = cs;
		s.flags = DRM_AIACCEL_SUBMIT_EVENT;
		s.event_data = 0xabc000 + i;
		assert_int_equal(aidrv_job_submit(dev, &s, NULL), 0);
	}
	aidrv_cs_free(cs);
	for (i = 0; i < 3; i++) {
		assert_int_equal(aidrv_device_read_event(dev, &ev, sizeof(ev), JOB_TIMEOUT, 0), 0);
		assert_true(ev.user_data >= 0xabc000 && ev.user_data < 0xabc003);
		seen |= 1 << (ev.user_data - 0xabc000);
		assert_int_equal(ev.status, 0);
		assert_true(ev.engine < info.num_engines);
		assert_true((int64_t)ev.submit_ns >= before);
		assert_true(ev.done_ns >= ev.submit_ns);
	}
	assert_int_equal(seen, 7);
	assert_int_equal(aidrv_device_read_event(dev, &ev, sizeof(ev), 0, 0), -ETIME);
	assert_int_equal(aidrv_device_read_event(dev, NULL, 0, 0, 0), -EINVAL);
}

/*
 * Timeouts: a job that hangs its engine (the model's hang_next_job hook)
 * is waited for with a relative, an absolute and a zero timeout, which
 * all expire; the driver then resets the engine after its job timeout and
 * fails the job with -ETIMEDOUT, and bans the file.  On a device handle
 * of its own, so that the ban hits nothing else.
 */
static void test_timeout(void **state)
{
	struct aidrv_device *dev;
	struct aidrv_submit s;
	struct aidrv_job *job;
	struct aidrv_cs *cs;
	int64_t t0;
	FILE *hook;

	(void)state;
	hook = fopen("/sys/kernel/debug/aiaccel_sim/0/hang_next_job", "w");
	if (!hook)
		skip();
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_nop(cs), 0);
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;

	assert_true(fprintf(hook, "1\n") > 0);
	assert_int_equal(fclose(hook), 0);
	assert_int_equal(aidrv_job_submit(dev, &s, &job), 0);

	t0 = aidrv_now_ns();
	assert_int_equal(aidrv_job_wait(job, 0, 0), -ETIME);
	assert_int_equal(aidrv_job_wait(job, 100 * MSEC, 0), -ETIME);
	assert_true(aidrv_now_ns() - t0 >= 100 * MSEC);
	t0 = aidrv_now_ns();
	assert_int_equal(aidrv_job_wait(job, t0 + 100 * MSEC, AIDRV_WAIT_ABSOLUTE), -ETIME);
	assert_true(aidrv_now_ns() - t0 >= 100 * MSEC);
	assert_int_equal(aidrv_job_status(job), -EINPROGRESS);
	assert_int_equal(aidrv_job_wait(job, 0, 1u << 5), -EINVAL);

	assert_int_equal(aidrv_job_wait(job, JOB_TIMEOUT, 0), 0);
	assert_int_equal(aidrv_job_status(job), -ETIMEDOUT);
	aidrv_job_free(job);
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -ECANCELED);

	aidrv_cs_free(cs);
	aidrv_device_close(dev);
}

/* Jobs that fail, and submits the driver or the library refuse. */
static void test_errors(void **state)
{
	struct aidrv_device *dev = *state, *dev2;
	struct aiaccel_op_header bogus = { .opcode = 0x42, .size = 8 };
	struct aidrv_job_bo bo_arg;
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	struct buf ro, other;

	buf_new(dev, 4096, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &ro);
	assert_int_equal(aidrv_cs_create(&cs), 0);

	/* An op the device does not know: -EINVAL from the job. */
	assert_int_equal(aidrv_cs_append_raw(cs, &bogus, sizeof(bogus)), 0);
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), -EINVAL);

	/* Writing a device-read-only buffer: an MMU fault, -EFAULT. */
	aidrv_cs_reset(cs);
	assert_int_equal(aidrv_cs_dma_copy(cs, ro.va + 2048, ro.va, 64), 0);
	bo_arg = (struct aidrv_job_bo){ ro.bo, DRM_AIACCEL_SUBMIT_BO_READ |
					DRM_AIACCEL_SUBMIT_BO_WRITE };
	s.bos = &bo_arg;
	s.bo_count = 1;
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), -EFAULT);

	/* Refused at submit. */
	s.engine = 7;
	s.flags = DRM_AIACCEL_SUBMIT_ENGINE;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	/* Without the flag, the engine must be 0. */
	s.engine = 1;
	s.flags = 0;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	s.engine = 0;
	s.priority = 3;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	s.priority = DRM_AIACCEL_PRIORITY_NORMAL;
	s.flags = 1u << 7;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	s.flags = 0;
	bo_arg.flags = 0;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	bo_arg.flags = DRM_AIACCEL_SUBMIT_BO_READ;
	s.bos = NULL;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	s.bos = &bo_arg;
	s.in_syncs = &(struct aidrv_sync){ .handle = 0xdead };
	s.in_sync_count = 1;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -ENOENT);
	s.in_syncs = NULL;
	s.in_sync_count = 0;
	s.cs = NULL;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	assert_int_equal(aidrv_job_submit(NULL, &s, NULL), -EINVAL);
	assert_int_equal(aidrv_job_submit(dev, NULL, NULL), -EINVAL);

	/* A buffer of another device handle is not this one's. */
	assert_int_equal(aidrv_device_open_index(0, &dev2), 0);
	buf_new(dev2, 4096, 0, &other);
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	bo_arg = (struct aidrv_job_bo){ other.bo, DRM_AIACCEL_SUBMIT_BO_READ };
	s.bos = &bo_arg;
	s.bo_count = 1;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	buf_free(&other);
	aidrv_device_close(dev2);

	/* The empty stream is an empty job. */
	aidrv_cs_reset(cs);
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), 0);

	aidrv_cs_free(cs);
	buf_free(&ro);
}

/* One uploaded stream submitted several times; and aidrv_bo_wait(). */
static void test_upload_reuse(void **state)
{
	struct aidrv_device *dev = *state;
	struct aidrv_job *job[3];
	struct aidrv_job_bo bos[2];
	struct aidrv_submit s;
	struct aidrv_bo *cs_bo;
	struct aidrv_cs *cs;
	struct buf a, b;
	int i;

	buf_new(dev, 8192, 0, &a);
	buf_new(dev, 8192, 0, &b);
	fill_random(a.map, 8192, 7);
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_upload(cs, dev, &cs_bo), -ENODATA);
	assert_int_equal(aidrv_cs_dma_copy(cs, b.va, a.va, 8192), 0);
	assert_int_equal(aidrv_cs_upload(cs, dev, &cs_bo), 0);
	assert_int_equal(aidrv_bo_flags(cs_bo), DRM_AIACCEL_BO_DEVICE_READ_ONLY);

	bos[0] = (struct aidrv_job_bo){ a.bo, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct aidrv_job_bo){ b.bo, DRM_AIACCEL_SUBMIT_BO_WRITE };
	aidrv_submit_init(&s, sizeof(s));
	s.cs_bo = cs_bo;
	s.cs_size = aidrv_cs_size(cs);
	s.bos = bos;
	s.bo_count = 2;
	for (i = 0; i < 3; i++)
		assert_int_equal(aidrv_job_submit(dev, &s, &job[i]), 0);
	/* Implicit sync orders the writers of b: the last one done, all done. */
	assert_int_equal(aidrv_bo_wait(b.bo, 0, JOB_TIMEOUT, 0), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(aidrv_job_status(job[i]), 0);
		aidrv_job_free(job[i]);
	}
	assert_memory_equal(b.map, a.map, 8192);
	assert_int_equal(aidrv_bo_wait(b.bo, DRM_AIACCEL_WAIT_WRITERS, 0, 0), 0);

	s.cs_offset = 4;
	assert_int_equal(aidrv_job_submit(dev, &s, NULL), -EINVAL);
	assert_int_equal(aidrv_bo_wait(NULL, 0, 0, 0), -EINVAL);

	aidrv_bo_free(cs_bo);
	aidrv_cs_free(cs);
	buf_free(&a);
	buf_free(&b);
}

/* GET_STATS counts this handle's jobs and the device's MACs. */
static void test_stats(void **state)
{
	struct aidrv_device *dev;
	struct drm_aiaccel_stats before, after;
	struct aiaccel_op_gemm op = {
		.m = 4, .n = 8, .k = 16, .requant = { 1 << 30, -4 },
		.act_min = -128, .act_max = 127,
	};
	struct aidrv_job_bo bos[2];
	struct aidrv_submit s;
	struct aidrv_cs *cs;
	struct buf in, out;

	(void)state;
	/* A fresh handle: its own counters start at zero. */
	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	buf_new(dev, 4096, 0, &in);
	buf_new(dev, 4096, 0, &out);
	op.input = in.va;
	op.weights = in.va + 1024;
	op.output = out.va;
	assert_int_equal(aidrv_cs_create(&cs), 0);
	assert_int_equal(aidrv_cs_gemm(cs, &op), 0);
	bos[0] = (struct aidrv_job_bo){ in.bo, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct aidrv_job_bo){ out.bo, DRM_AIACCEL_SUBMIT_BO_WRITE };
	aidrv_submit_init(&s, sizeof(s));
	s.cs = cs;
	s.bos = bos;
	s.bo_count = 2;

	assert_int_equal(aidrv_device_get_stats(dev, &before, sizeof(before)), 0);
	assert_int_equal(before.file_jobs_submitted, 0);
	assert_int_equal(before.file_mem_used, 8192);
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), 0);
	assert_int_equal(aidrv_job_run(dev, &s, JOB_TIMEOUT), 0);
	assert_int_equal(aidrv_device_get_stats(dev, &after, sizeof(after)), 0);
	assert_int_equal(after.file_jobs_submitted, 2);
	assert_int_equal(after.file_jobs_completed, 2);
	assert_int_equal(after.file_jobs_failed, 0);
	assert_true(after.jobs_completed >= before.jobs_completed + 2);
	assert_true(after.macs >= before.macs + 2 * 4 * 8 * 16);
	assert_true(after.file_engine_cycles[0] + after.file_engine_cycles[1] +
		    after.file_engine_cycles[2] + after.file_engine_cycles[3] > 0);
	assert_int_equal(aidrv_device_get_stats(dev, NULL, 0), -EINVAL);

	aidrv_cs_free(cs);
	buf_free(&in);
	buf_free(&out);
	aidrv_device_close(dev);
}

/*
 * The power mode: PERFORMANCE keeps the device powered; back in AUTO it
 * powers off by itself once idle (50 ms of autosuspend delay).
 */
static void test_power(void **state)
{
	struct aidrv_device *dev = *state;
	struct drm_aiaccel_power p;
	int64_t t0;

	assert_int_equal(aidrv_device_get_power(dev, &p, sizeof(p)), 0);
	assert_int_equal(p.mode, DRM_AIACCEL_POWER_AUTO);
	assert_true(p.clock_mhz > 0);

	assert_int_equal(aidrv_device_set_power(dev, DRM_AIACCEL_POWER_PERFORMANCE), 0);
	assert_int_equal(aidrv_device_get_power(dev, &p, sizeof(p)), 0);
	assert_int_equal(p.mode, DRM_AIACCEL_POWER_PERFORMANCE);
	assert_int_equal(p.powered, 1);

	assert_int_equal(aidrv_device_set_power(dev, DRM_AIACCEL_POWER_AUTO), 0);
	t0 = aidrv_now_ns();
	do {
		assert_int_equal(aidrv_device_get_power(dev, &p, sizeof(p)), 0);
		if (!p.powered)
			break;
		usleep(20000);
	} while (aidrv_now_ns() - t0 < 10 * SEC);
	assert_int_equal(p.mode, DRM_AIACCEL_POWER_AUTO);
	assert_int_equal(p.powered, 0);
	assert_true(p.suspended_ns > 0);

	assert_int_equal(aidrv_device_set_power(dev, 17), -EINVAL);
	assert_int_equal(aidrv_device_get_power(dev, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemm),
		cmocka_unit_test(test_conv2d_relu),
		cmocka_unit_test(test_other_ops),
		cmocka_unit_test(test_syncobj_chain),
		cmocka_unit_test(test_syncobj_cpu),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_upload_reuse),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_timeout),
	};

	return cmocka_run_group_tests_name("job", tests, setup, teardown);
}
