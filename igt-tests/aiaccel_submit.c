// SPDX-License-Identifier: MIT
/*
 * aiaccel_submit: running jobs: SUBMIT, WAIT, syncobjs, events, errors.
 */

#include <sys/wait.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_ref.h"

IGT_TEST_DESCRIPTION("aiaccel job submission.");

#define SEC (1000000000ll)

static void fill_random(void *p, size_t n, unsigned int seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = seed >> 16;
	}
}

/* A GEMM of m x k by n x k in fresh buffers, checked against the reference. */
static void run_gemm(int fd, uint32_t m, uint32_t n, uint32_t k, bool per_channel)
{
	struct aiaccel_buf in, w, bias, quant, out;
	struct aiaccel_op_gemm *op;
	struct aiaccel_cs cs;
	struct drm_aiaccel_submit_bo bos[5];
	struct drm_aiaccel_event_job ev;
	struct aiaccel_requant *q;
	int8_t *expect;
	uint32_t i;

	aiaccel_buf_new(fd, m * k, 0, &in);
	aiaccel_buf_new(fd, n * k, 0, &w);
	aiaccel_buf_new(fd, n * 4, 0, &bias);
	aiaccel_buf_new(fd, n * sizeof(*q), 0, &quant);
	aiaccel_buf_new(fd, m * n, 0, &out);
	fill_random(in.map, m * k, 1);
	fill_random(w.map, n * k, 2);
	fill_random(bias.map, n * 4, 3);
	for (i = 0; i < n; i++)
		((int32_t *)bias.map)[i] >>= 12;
	q = quant.map;
	for (i = 0; i < n; i++) {
		q[i].multiplier = (1 << 30) + i * 7919;
		q[i].shift = -7 - (int32_t)(i % 4);
	}

	aiaccel_cs_new(fd, 4096, &cs);
	op = aiaccel_cs_emit(&cs, AIACCEL_OP_GEMM,
			     AIACCEL_OP_F_BIAS | (per_channel ? AIACCEL_OP_F_PER_CHANNEL : 0),
			     sizeof(*op));
	op->input = in.va;
	op->weights = w.va;
	op->bias = bias.va;
	op->quant = quant.va;
	op->output = out.va;
	op->m = m;
	op->n = n;
	op->k = k;
	op->input_zp = -5;
	op->weight_zp = 0;
	op->output_zp = 3;
	op->requant.multiplier = 1518500250;
	op->requant.shift = -9;
	op->act_min = -128;
	op->act_max = 127;

	bos[0] = (struct drm_aiaccel_submit_bo){ in.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ w.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[2] = (struct drm_aiaccel_submit_bo){ bias.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[3] = (struct drm_aiaccel_submit_bo){ quant.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[4] = (struct drm_aiaccel_submit_bo){ out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	igt_assert_eq(aiaccel_submit(fd, &cs, bos, 5, NULL, 0, NULL, 0,
				     DRM_AIACCEL_SUBMIT_EVENT, 0x1234), 0);
	igt_assert_eq(aiaccel_read_event(fd, &ev, 60 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert_eq_u64(ev.user_data, 0x1234);

	expect = malloc(m * n);
	igt_assert(expect);
	igt_assert_eq(aiaccel_ref_gemm(op, in.map, w.map, bias.map, per_channel ? q : NULL,
				       expect), 0);
	igt_assert_eq(memcmp(out.map, expect, m * n), 0);
	free(expect);

	aiaccel_buf_free(fd, &cs.buf);
	aiaccel_buf_free(fd, &out);
	aiaccel_buf_free(fd, &quant);
	aiaccel_buf_free(fd, &bias);
	aiaccel_buf_free(fd, &w);
	aiaccel_buf_free(fd, &in);
}

int igt_main()
{
	int fd = -1;

	igt_fixture()
		fd = aiaccel_open(0);

	igt_describe("An empty job signals its out-syncobj.");
	igt_subtest("nop-empty") {
		struct aiaccel_cs cs;
		uint32_t s = aiaccel_syncobj(fd);
		struct drm_aiaccel_sync out = { .handle = s };

		aiaccel_cs_new(fd, 4096, &cs);
		igt_assert_eq(aiaccel_submit(fd, &cs, NULL, 0, NULL, 0, &out, 1, 0, 0), 0);
		igt_assert_eq(aiaccel_syncobj_wait(fd, s, 0, 10 * SEC), 0);
		drmSyncobjDestroy(fd, s);
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("A job of NOP ops completes with status 0 and the user value.");
	igt_subtest("nop-ops-event") {
		struct drm_aiaccel_event_job ev;
		struct aiaccel_cs cs;
		int i;

		aiaccel_cs_new(fd, 4096, &cs);
		for (i = 0; i < 16; i++)
			aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
		igt_assert_eq(aiaccel_submit(fd, &cs, NULL, 0, NULL, 0, NULL, 0,
					     DRM_AIACCEL_SUBMIT_EVENT, 0xfeedface12345678ull), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		igt_assert_eq_u64(ev.user_data, 0xfeedface12345678ull);
		igt_assert_lt(ev.engine, 4);
		igt_assert(ev.done_ns >= ev.submit_ns);
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("GEMM computed by the device equals the reference bit for bit.");
	igt_subtest("gemm-reference") {
		run_gemm(fd, 17, 33, 65, false);
		run_gemm(fd, 8, 64, 300, true);
	}

	igt_describe("WAIT returns once the writer is done, and times out on a hung one.");
	igt_subtest("wait-idle") {
		struct aiaccel_buf buf;

		aiaccel_buf_new(fd, 4096, 0, &buf);
		igt_assert_eq(aiaccel_wait_buf(fd, buf.handle, 0, 0), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, buf.handle, DRM_AIACCEL_WAIT_WRITERS, SEC), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, 0xdead, 0, 0), -ENOENT);
		igt_assert_eq(aiaccel_wait_buf(fd, buf.handle, 0x2, 0), -EINVAL);
		aiaccel_buf_free(fd, &buf);
	}

	igt_fixture()
		close(fd);
}
