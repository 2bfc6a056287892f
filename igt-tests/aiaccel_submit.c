// SPDX-License-Identifier: MIT
/*
 * aiaccel_submit: running jobs: SUBMIT, WAIT, syncobjs (binary and
 * timeline), implicit sync with a foreign exporter (vgem), completion
 * events, failing jobs and concurrency.  Every result computed by the
 * device is compared bit for bit with the ISA reference (libaidrv/ref).
 *
 * Invalid SUBMIT arguments are in aiaccel_submit_invalid; hangs and killed
 * submitters (which need module reloads) in aiaccel_submit_recovery; queues
 * filled past their depth and floods of short jobs (which rebind the device
 * with a smaller queue_depth) in aiaccel_submit_stress.
 *
 * Many tests hold jobs back with a "gate" (aiaccel_vgem.h): a vgem buffer
 * carrying an unsignalled write fence, which a job lists for reading.
 * While the gate is closed, a test can check that what must wait does
 * wait; without a gate such checks could not fail.
 */

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/sync_file.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_vgem.h"
#include "aiaccel_ref.h"

IGT_TEST_DESCRIPTION("aiaccel job submission.");

#define MSEC (1000000ll)
#define SEC (1000000000ll)

/* How long a test waits for something that must not happen. */
#define QUIET_NS (250 * MSEC)

/* --- An arena: one buffer holding every tensor of a job --------------------
 *
 * The buffer is filled with random bytes and a CPU copy of it, "expect",
 * is kept.  Each op appended to a command stream is also computed by the
 * reference on expect, at the same offsets, so after the job the whole
 * buffer must equal expect: outputs bit for bit (intermediate ones of a
 * chain too), and every byte no op writes untouched.  Tensors sit at
 * unaligned offsets with random gaps between them (the ISA puts no
 * alignment requirement on tensors).
 */

struct tensor_note {
	uint64_t off, size;
	const char *what;
};

struct arena {
	int fd;
	struct aiaccel_rng *rng;
	struct aiaccel_buf buf;
	uint8_t *expect;
	uint64_t used;
	struct tensor_note notes[128];
	unsigned int nr_notes;
};

static void arena_new(int fd, struct arena *a, uint64_t size, struct aiaccel_rng *rng)
{
	memset(a, 0, sizeof(*a));
	a->fd = fd;
	a->rng = rng;
	aiaccel_buf_new(fd, size, 0, &a->buf);
	a->expect = malloc(a->buf.size);
	igt_assert(a->expect);
	aiaccel_rng_fill(rng, a->buf.map, a->buf.size);
	memcpy(a->expect, a->buf.map, a->buf.size);
}

static void arena_free(struct arena *a)
{
	aiaccel_buf_free(a->fd, &a->buf);
	free(a->expect);
	a->expect = NULL;
}

/* @size bytes of random content at an odd-ish offset. */
static uint64_t arena_alloc(struct arena *a, uint64_t size, const char *what)
{
	uint64_t off = a->used + 1 + aiaccel_rng_u32(a->rng) % 13;

	igt_assert_f(off + size <= a->buf.size, "arena of %llu bytes too small\n",
		     (unsigned long long)a->buf.size);
	a->used = off + size;
	if (a->nr_notes < ARRAY_SIZE(a->notes))
		a->notes[a->nr_notes++] = (struct tensor_note){ off, size, what };
	return off;
}

static void *arena_exp(struct arena *a, uint64_t off)
{
	return a->expect + off;
}

static uint64_t arena_va(struct arena *a, uint64_t off)
{
	return a->buf.va + off;
}

/* Write @n bytes at @off in both the buffer and expect. */
static void arena_set(struct arena *a, uint64_t off, const void *data, size_t n)
{
	memcpy((uint8_t *)a->buf.map + off, data, n);
	memcpy(a->expect + off, data, n);
}

/* The buffer must equal expect; names the tensor of the first difference. */
static void arena_check(struct arena *a)
{
	const uint8_t *got = a->buf.map;
	uint64_t i, bad = 0, first = ~0ull;
	unsigned int t;

	for (i = 0; i < a->buf.size; i++) {
		if (got[i] != a->expect[i]) {
			if (first == ~0ull)
				first = i;
			bad++;
		}
	}
	if (!bad)
		return;
	for (t = 0; t < a->nr_notes; t++) {
		const struct tensor_note *n = &a->notes[t];

		if (first >= n->off && first < n->off + n->size) {
			igt_assert_f(false, "%llu bytes differ; first: byte %llu of %s "
				     "(%llu bytes): device 0x%02x, reference 0x%02x\n",
				     (unsigned long long)bad,
				     (unsigned long long)(first - n->off), n->what,
				     (unsigned long long)n->size, got[first], a->expect[first]);
		}
	}
	igt_assert_f(false, "%llu bytes differ; first at arena offset %llu, outside any "
		     "tensor: device 0x%02x, expected 0x%02x\n", (unsigned long long)bad,
		     (unsigned long long)first, got[first], a->expect[first]);
}

/* Submit @cs using the arena, wait for its event, compare. */
static void arena_run(struct arena *a, struct aiaccel_cs *cs, uint32_t engine)
{
	struct drm_aiaccel_submit_bo bo = aiaccel_bo_use(a->buf.handle,
		DRM_AIACCEL_SUBMIT_BO_READ | DRM_AIACCEL_SUBMIT_BO_WRITE);
	struct drm_aiaccel_event_job ev;
	struct drm_aiaccel_submit args;
	uint64_t tag = ((uint64_t)aiaccel_rng_u32(a->rng) << 32) | aiaccel_rng_u32(a->rng);

	aiaccel_submit_init(&args, cs);
	args.bos = (uintptr_t)&bo;
	args.bo_count = 1;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	aiaccel_submit_engine(&args, engine);
	args.event_data = tag;
	igt_assert_eq(aiaccel_submit_raw(a->fd, &args), 0);
	igt_assert_eq(aiaccel_read_event(a->fd, &ev, 120 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, tag);
	igt_assert_f(ev.status == 0, "job failed: %d (%s)\n", ev.status, strerror(-ev.status));
	if (engine != AIACCEL_ENGINE_ANY)
		igt_assert_eq_u32(ev.engine, engine);
	arena_check(a);
}

/* --- Random parameters ---------------------------------------------------- */

static int32_t rand_zp(struct aiaccel_rng *r)
{
	return aiaccel_rng_range(r, -128, 127);
}

/* A per-tensor scale that is invalid: ignored with PER_CHANNEL. */
static const struct aiaccel_requant bogus_scale = { .multiplier = 5, .shift = 99 };

/* An address nothing is mapped at: ignored tensors point there. */
#define UNMAPPED_VA 0x7f00000000ull

/* Per-channel bias (int32) in the arena; *ref gets an aligned copy. */
static uint64_t arena_bias(struct arena *a, uint32_t n, int32_t **ref)
{
	int32_t *b = malloc(n * sizeof(*b));
	uint64_t off = arena_alloc(a, n * sizeof(*b), "bias");
	uint32_t i;

	igt_assert(b);
	for (i = 0; i < n; i++)
		b[i] = aiaccel_rng_range(a->rng, -(1 << 15), 1 << 15);
	/* The accumulation wraps around in int32: make one channel wrap. */
	b[0] = INT32_MAX - aiaccel_rng_range(a->rng, 0, 1000);
	arena_set(a, off, b, n * sizeof(*b));
	*ref = b;
	return off;
}

/* Per-channel scales in the arena; *ref gets an aligned copy. */
static uint64_t arena_quant(struct arena *a, uint32_t n, uint64_t terms,
			    struct aiaccel_requant **ref)
{
	struct aiaccel_requant *q = malloc(n * sizeof(*q));
	uint64_t off = arena_alloc(a, n * sizeof(*q), "quant");
	uint32_t i;

	igt_assert(q);
	for (i = 0; i < n; i++) {
		q[i] = aiaccel_rand_scale(a->rng, terms);
		if (aiaccel_rng_u32(a->rng) % 8 == 0)
			q[i].multiplier = 0;	/* a valid scale: output = zero point */
	}
	arena_set(a, off, q, n * sizeof(*q));
	*ref = q;
	return off;
}

/* --- Ops: append to a command stream and compute into expect ------------- */

static void op_copy(struct arena *a, struct aiaccel_cs *cs, uint64_t src, uint64_t dst,
		    uint64_t size)
{
	struct aiaccel_op_dma_copy *op = aiaccel_cs_emit(cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*op));

	op->src = arena_va(a, src);
	op->dst = arena_va(a, dst);
	op->size = size;
	igt_assert_eq(aiaccel_ref_dma_copy(op, arena_exp(a, src), arena_exp(a, dst)), 0);
}

static void op_gemm(struct arena *a, struct aiaccel_cs *cs, uint64_t in, uint64_t out,
		    uint32_t m, uint32_t n, uint32_t k, uint32_t flags)
{
	struct aiaccel_rng *r = a->rng;
	uint64_t w = arena_alloc(a, (uint64_t)n * k, "gemm weights");
	struct aiaccel_requant *quant = NULL;
	int32_t *bias = NULL;
	struct aiaccel_op_gemm *op;
	uint64_t bias_off = 0, quant_off = 0;

	if (flags & AIACCEL_OP_F_BIAS)
		bias_off = arena_bias(a, n, &bias);
	if (flags & AIACCEL_OP_F_PER_CHANNEL)
		quant_off = arena_quant(a, n, k, &quant);

	op = aiaccel_cs_emit(cs, AIACCEL_OP_GEMM, flags, sizeof(*op));
	op->input = arena_va(a, in);
	op->weights = arena_va(a, w);
	/* Without their flag, bias and quant are not accessed. */
	op->bias = bias ? arena_va(a, bias_off) : UNMAPPED_VA;
	op->quant = quant ? arena_va(a, quant_off) : UNMAPPED_VA;
	op->output = arena_va(a, out);
	op->m = m;
	op->n = n;
	op->k = k;
	op->input_zp = rand_zp(r);
	op->weight_zp = rand_zp(r);
	op->output_zp = rand_zp(r);
	op->requant = quant ? bogus_scale : aiaccel_rand_scale(r, k);
	aiaccel_rand_act(r, &op->act_min, &op->act_max);
	igt_assert_eq(aiaccel_ref_gemm(op, arena_exp(a, in), arena_exp(a, w), bias, quant,
				       arena_exp(a, out)), 0);
	free(bias);
	free(quant);
}

struct conv_shape {
	uint32_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
	uint32_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
};

static uint64_t conv_in_size(const struct conv_shape *s)
{
	return (uint64_t)s->batch * s->in_h * s->in_w * s->in_c;
}

static uint64_t conv_out_size(const struct conv_shape *s)
{
	return (uint64_t)s->batch * s->out_h * s->out_w * s->out_c;
}

/* Output size of a convolution padded by @pad on both sides (at least 1). */
static uint32_t conv_dim(uint32_t in, uint32_t k, uint32_t stride, uint32_t dil, uint32_t pad)
{
	int64_t span = (int64_t)in + 2 * pad - (int64_t)dil * (k - 1) - 1;

	return span < 0 ? 1 : span / stride + 1;
}

static void op_conv(struct arena *a, struct aiaccel_cs *cs, uint16_t opcode, uint64_t in,
		    uint64_t out, const struct conv_shape *s, uint32_t flags)
{
	struct aiaccel_rng *r = a->rng;
	bool dw = opcode == AIACCEL_OP_DWCONV2D;
	uint64_t taps = (uint64_t)s->k_h * s->k_w;
	uint64_t filter_size = dw ? taps * s->out_c : taps * s->in_c * s->out_c;
	uint64_t filter = arena_alloc(a, filter_size, dw ? "dwconv filter" : "conv filter");
	struct aiaccel_requant *quant = NULL;
	struct aiaccel_op_conv2d *op;
	uint64_t terms = dw ? taps : taps * s->in_c;
	uint64_t bias_off = 0, quant_off = 0;
	int32_t *bias = NULL;
	int ret;

	if (flags & AIACCEL_OP_F_BIAS)
		bias_off = arena_bias(a, s->out_c, &bias);
	if (flags & AIACCEL_OP_F_PER_CHANNEL)
		quant_off = arena_quant(a, s->out_c, terms, &quant);

	op = aiaccel_cs_emit(cs, opcode, flags, sizeof(*op));
	op->input = arena_va(a, in);
	op->filter = arena_va(a, filter);
	op->bias = bias ? arena_va(a, bias_off) : UNMAPPED_VA;
	op->quant = quant ? arena_va(a, quant_off) : UNMAPPED_VA;
	op->output = arena_va(a, out);
	op->batch = s->batch;
	op->in_h = s->in_h;
	op->in_w = s->in_w;
	op->in_c = s->in_c;
	op->out_h = s->out_h;
	op->out_w = s->out_w;
	op->out_c = s->out_c;
	op->k_h = s->k_h;
	op->k_w = s->k_w;
	op->stride_h = s->stride_h;
	op->stride_w = s->stride_w;
	op->dilation_h = s->dil_h;
	op->dilation_w = s->dil_w;
	op->pad_top = s->pad_top;
	op->pad_left = s->pad_left;
	op->input_zp = rand_zp(r);
	op->filter_zp = rand_zp(r);
	op->output_zp = rand_zp(r);
	op->requant = quant ? bogus_scale : aiaccel_rand_scale(r, terms);
	aiaccel_rand_act(r, &op->act_min, &op->act_max);
	if (dw)
		ret = aiaccel_ref_dwconv2d(op, arena_exp(a, in), arena_exp(a, filter), bias, quant,
					   arena_exp(a, out));
	else
		ret = aiaccel_ref_conv2d(op, arena_exp(a, in), arena_exp(a, filter), bias, quant,
					 arena_exp(a, out));
	igt_assert_eq(ret, 0);
	free(bias);
	free(quant);
}

struct pool_shape {
	uint32_t batch, in_h, in_w, channels, out_h, out_w;
	uint32_t k_h, k_w, stride_h, stride_w, pad_top, pad_left;
};

static void op_pool(struct arena *a, struct aiaccel_cs *cs, uint16_t opcode, uint64_t in,
		    uint64_t out, const struct pool_shape *s)
{
	struct aiaccel_op_pool *op = aiaccel_cs_emit(cs, opcode, 0, sizeof(*op));
	int ret;

	op->input = arena_va(a, in);
	op->output = arena_va(a, out);
	op->batch = s->batch;
	op->in_h = s->in_h;
	op->in_w = s->in_w;
	op->channels = s->channels;
	op->out_h = s->out_h;
	op->out_w = s->out_w;
	op->k_h = s->k_h;
	op->k_w = s->k_w;
	op->stride_h = s->stride_h;
	op->stride_w = s->stride_w;
	op->pad_top = s->pad_top;
	op->pad_left = s->pad_left;
	aiaccel_rand_act(a->rng, &op->act_min, &op->act_max);
	if (opcode == AIACCEL_OP_MAXPOOL)
		ret = aiaccel_ref_maxpool(op, arena_exp(a, in), arena_exp(a, out));
	else
		ret = aiaccel_ref_avgpool(op, arena_exp(a, in), arena_exp(a, out));
	igt_assert_eq(ret, 0);
}

static void op_add(struct arena *a, struct aiaccel_cs *cs, uint64_t in1, uint64_t in2,
		   uint64_t out, uint32_t count)
{
	struct aiaccel_rng *r = a->rng;
	struct aiaccel_op_add *op = aiaccel_cs_emit(cs, AIACCEL_OP_ADD, 0, sizeof(*op));
	int32_t shift;

	op->input1 = arena_va(a, in1);
	op->input2 = arena_va(a, in2);
	op->output = arena_va(a, out);
	op->count = count;
	op->input1_zp = rand_zp(r);
	op->input2_zp = rand_zp(r);
	op->output_zp = rand_zp(r);
	op->left_shift = aiaccel_rng_range(r, 0, 20);
	/* As TFLite: inputs to a common scale (<= 1), then down to the output's. */
	op->input1_scale.multiplier = aiaccel_rng_range(r, 1 << 30, INT32_MAX);
	op->input1_scale.shift = aiaccel_rng_range(r, -3, 0);
	op->input2_scale.multiplier = aiaccel_rng_range(r, 1 << 30, INT32_MAX);
	op->input2_scale.shift = aiaccel_rng_range(r, -3, 0);
	shift = -op->left_shift + aiaccel_rng_range(r, -2, 1);
	op->output_scale.multiplier = aiaccel_rng_range(r, 1 << 30, INT32_MAX);
	op->output_scale.shift = shift < -31 ? -31 : shift;
	aiaccel_rand_act(r, &op->act_min, &op->act_max);
	igt_assert_eq(aiaccel_ref_add(op, arena_exp(a, in1), arena_exp(a, in2),
				      arena_exp(a, out)), 0);
}

static void op_act(struct arena *a, struct aiaccel_cs *cs, uint64_t in, uint64_t out,
		   uint32_t count, uint32_t mode)
{
	struct aiaccel_op_activation *op;
	uint64_t lut = 0;

	if (mode == AIACCEL_ACT_LUT)
		lut = arena_alloc(a, 256, "lut");
	op = aiaccel_cs_emit(cs, AIACCEL_OP_ACTIVATION, 0, sizeof(*op));
	op->input = arena_va(a, in);
	op->output = arena_va(a, out);
	op->lut = mode == AIACCEL_ACT_LUT ? arena_va(a, lut) : UNMAPPED_VA;
	op->count = count;
	op->mode = mode;
	/* Validated in both modes; LUT mode does not clamp. */
	aiaccel_rand_act(a->rng, &op->act_min, &op->act_max);
	igt_assert_eq(aiaccel_ref_activation(op, arena_exp(a, in),
					     mode == AIACCEL_ACT_LUT ? arena_exp(a, lut) : NULL,
					     arena_exp(a, out)), 0);
}

/* --- Random cases of each op ---------------------------------------------- */

static uint32_t rnd(struct aiaccel_rng *r, uint32_t lo, uint32_t hi)
{
	return aiaccel_rng_range(r, lo, hi);
}

static void case_gemm(struct arena *a, struct aiaccel_cs *cs, uint32_t flags)
{
	struct aiaccel_rng *r = a->rng;
	uint32_t m = rnd(r, 1, 12), n = rnd(r, 1, 40), k = rnd(r, 1, 300);
	uint64_t in = arena_alloc(a, (uint64_t)m * k, "gemm input");
	uint64_t out = arena_alloc(a, (uint64_t)m * n, "gemm output");

	op_gemm(a, cs, in, out, m, n, k, flags);
}

/* isa.rst's worked example: k = 70000, the sum wraps; the output is 61. */
static void case_gemm_wrap(struct arena *a, struct aiaccel_cs *cs, uint64_t *out)
{
	struct aiaccel_op_gemm *op;
	uint64_t in = arena_alloc(a, 70000, "wrap input");
	uint64_t w = arena_alloc(a, 70000, "wrap weights");
	uint8_t *v = malloc(70000);

	igt_assert(v);
	memset(v, 0x80, 70000);	/* -128 */
	arena_set(a, in, v, 70000);
	arena_set(a, w, v, 70000);
	free(v);
	*out = arena_alloc(a, 1, "wrap output");
	op = aiaccel_cs_emit(cs, AIACCEL_OP_GEMM, 0, sizeof(*op));
	op->input = arena_va(a, in);
	op->weights = arena_va(a, w);
	op->bias = op->quant = UNMAPPED_VA;
	op->output = arena_va(a, *out);
	op->m = op->n = 1;
	op->k = 70000;
	op->input_zp = op->weight_zp = 127;
	op->requant = (struct aiaccel_requant){ 1 << 30, -21 };
	op->act_min = -128;
	op->act_max = 127;
	igt_assert_eq(aiaccel_ref_gemm(op, arena_exp(a, in), arena_exp(a, w), NULL, NULL,
				       arena_exp(a, *out)), 0);
	igt_assert_eq(*(int8_t *)arena_exp(a, *out), 61);
}

enum conv_kind { CONV_PLAIN, CONV_STRIDE_PAD_DIL, CONV_OUTSIDE };

static void case_conv(struct arena *a, struct aiaccel_cs *cs, uint16_t opcode,
		      enum conv_kind kind, uint32_t mult, uint32_t flags)
{
	struct aiaccel_rng *r = a->rng;
	struct conv_shape s = {
		.batch = rnd(r, 1, 2),
		.in_h = rnd(r, 3, 9),
		.in_w = rnd(r, 3, 9),
		.in_c = rnd(r, 1, 6),
		.k_h = rnd(r, 1, 3),
		.k_w = rnd(r, 1, 3),
		.stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1,
	};

	s.out_c = opcode == AIACCEL_OP_DWCONV2D ? s.in_c * mult : rnd(r, 1, 8);
	if (kind != CONV_PLAIN) {
		s.stride_h = rnd(r, 1, 3);
		s.stride_w = rnd(r, 1, 3);
		s.dil_h = rnd(r, 1, 2);
		s.dil_w = rnd(r, 1, 2);
		s.pad_top = rnd(r, 0, 2);
		s.pad_left = rnd(r, 0, 2);
	}
	s.out_h = conv_dim(s.in_h, s.k_h, s.stride_h, s.dil_h, s.pad_top);
	s.out_w = conv_dim(s.in_w, s.k_w, s.stride_w, s.dil_w, s.pad_left);
	if (kind == CONV_OUTSIDE) {
		/* Windows past the input: the last ones see only padding. */
		s.out_h += rnd(r, 1, 3);
		s.out_w += rnd(r, 1, 3);
		s.pad_top += s.k_h * s.dil_h;	/* the first row of windows too */
	}
	{
		uint64_t in = arena_alloc(a, conv_in_size(&s), "conv input");
		uint64_t out = arena_alloc(a, conv_out_size(&s), "conv output");

		op_conv(a, cs, opcode, in, out, &s, flags);
	}
}

static void case_pool(struct arena *a, struct aiaccel_cs *cs, uint16_t opcode, bool huge_window)
{
	struct aiaccel_rng *r = a->rng;
	struct pool_shape s = {
		.batch = rnd(r, 1, 2),
		.in_h = rnd(r, 2, 9),
		.in_w = rnd(r, 2, 9),
		.channels = rnd(r, 1, 8),
		.k_h = rnd(r, 1, 4),
		.k_w = rnd(r, 1, 4),
		.stride_h = rnd(r, 1, 3),
		.stride_w = rnd(r, 1, 3),
	};
	uint64_t in, out;

	if (huge_window) {
		/* Windows far larger than the input, up to 2^32 - 1 (isa.rst). */
		s.k_h = aiaccel_rng_u32(r) % 2 ? 0xffffffffu : s.in_h + rnd(r, 1, 1000);
		s.k_w = aiaccel_rng_u32(r) % 2 ? 0xffffffffu : s.in_w + rnd(r, 1, 1000);
	}
	s.pad_top = rnd(r, 0, s.k_h - 1 < 2 ? s.k_h - 1 : 2);
	s.pad_left = rnd(r, 0, s.k_w - 1 < 2 ? s.k_w - 1 : 2);
	s.out_h = s.in_h + s.pad_top >= s.k_h ? (s.in_h + s.pad_top - s.k_h) / s.stride_h + 1 : 1;
	s.out_w = s.in_w + s.pad_left >= s.k_w ? (s.in_w + s.pad_left - s.k_w) / s.stride_w + 1 : 1;
	/* And one more: windows that run off the bottom/right edge. */
	s.out_h += rnd(r, 0, 1);
	s.out_w += rnd(r, 0, 1);
	in = arena_alloc(a, (uint64_t)s.batch * s.in_h * s.in_w * s.channels, "pool input");
	out = arena_alloc(a, (uint64_t)s.batch * s.out_h * s.out_w * s.channels, "pool output");
	op_pool(a, cs, opcode, in, out, &s);
}

static void case_add(struct arena *a, struct aiaccel_cs *cs, bool in_place)
{
	uint32_t count = rnd(a->rng, 1, 5000);
	uint64_t in1 = arena_alloc(a, count, "add input1");
	uint64_t in2 = arena_alloc(a, count, "add input2");
	uint64_t out = in_place ? in1 : arena_alloc(a, count, "add output");

	op_add(a, cs, in1, in2, out, count);
}

static void case_act(struct arena *a, struct aiaccel_cs *cs, uint32_t mode, bool in_place)
{
	uint32_t count = rnd(a->rng, 1, 5000);
	uint64_t in = arena_alloc(a, count, "activation input");
	uint64_t out = in_place ? in : arena_alloc(a, count, "activation output");

	op_act(a, cs, in, out, count, mode);
}

static void case_copy(struct arena *a, struct aiaccel_cs *cs, uint64_t size)
{
	uint64_t src = arena_alloc(a, size, "copy source");
	uint64_t dst = arena_alloc(a, size, "copy destination");

	op_copy(a, cs, src, dst, size);
}

/*
 * A small network in one command stream, each op reading what the one
 * before wrote: conv2d -> dwconv2d -> pool -> gemm -> add -> activation
 * (in place) -> dma_copy.
 */
static void case_chain(struct arena *a, struct aiaccel_cs *cs, bool variant)
{
	struct conv_shape c1 = {
		.batch = 1, .in_h = 8, .in_w = 8, .in_c = 3, .out_h = 8, .out_w = 8, .out_c = 8,
		.k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1,
		.pad_top = 1, .pad_left = 1,
	};
	struct conv_shape c2 = {
		.batch = 1, .in_h = 8, .in_w = 8, .in_c = 8, .out_h = 4, .out_w = 4, .out_c = 16,
		.k_h = 3, .k_w = 3, .stride_h = 2, .stride_w = 2, .dil_h = 1, .dil_w = 1,
		.pad_top = 1, .pad_left = 1,
	};
	struct pool_shape p = {
		.batch = 1, .in_h = 4, .in_w = 4, .channels = 16, .out_h = 2, .out_w = 2,
		.k_h = 2, .k_w = 2, .stride_h = 2, .stride_w = 2,
	};
	uint64_t x = arena_alloc(a, conv_in_size(&c1), "chain input");
	uint64_t t1 = arena_alloc(a, conv_out_size(&c1), "chain conv2d output");
	uint64_t t2 = arena_alloc(a, conv_out_size(&c2), "chain dwconv2d output");
	uint64_t t3 = arena_alloc(a, 64, "chain pool output");
	uint64_t t4 = arena_alloc(a, 32, "chain gemm output");
	uint64_t y = arena_alloc(a, 32, "chain residual");
	uint64_t t5 = arena_alloc(a, 32, "chain add output");
	uint64_t fin = arena_alloc(a, 32, "chain result");

	if (variant) {
		c2.dil_h = c2.dil_w = 2;
		c2.pad_top = c2.pad_left = 2;
	}
	op_conv(a, cs, AIACCEL_OP_CONV2D, x, t1, &c1,
		AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS);
	op_conv(a, cs, AIACCEL_OP_DWCONV2D, t1, t2, &c2, variant ? AIACCEL_OP_F_BIAS : 0);
	op_pool(a, cs, variant ? AIACCEL_OP_AVGPOOL : AIACCEL_OP_MAXPOOL, t2, t3, &p);
	op_gemm(a, cs, t3, t4, 1, 32, 64, variant ? AIACCEL_OP_F_PER_CHANNEL : AIACCEL_OP_F_BIAS);
	op_add(a, cs, t4, y, t5, 32);
	op_act(a, cs, t5, t5, 32, variant ? AIACCEL_ACT_CLAMP : AIACCEL_ACT_LUT);
	op_copy(a, cs, t5, fin, 32);
}

/* --- Helpers for the sync tests --------------------------------------------- */

/* Three buffers: x (random), y and z (zero); copies x -> y -> z. */
struct relay {
	int fd;
	struct aiaccel_buf x, y, z;
	struct aiaccel_cs xy, yz;
};

#define RELAY_SIZE 8192

static void relay_new(int fd, struct relay *rl, unsigned int seed)
{
	struct aiaccel_rng r;

	rl->fd = fd;
	aiaccel_rng_seed(&r, seed);
	aiaccel_buf_new(fd, RELAY_SIZE, 0, &rl->x);
	aiaccel_buf_new(fd, RELAY_SIZE, 0, &rl->y);
	aiaccel_buf_new(fd, RELAY_SIZE, 0, &rl->z);
	aiaccel_rng_fill(&r, rl->x.map, RELAY_SIZE);
	aiaccel_cs_copy(fd, &rl->xy, rl->x.va, rl->y.va, RELAY_SIZE);
	aiaccel_cs_copy(fd, &rl->yz, rl->y.va, rl->z.va, RELAY_SIZE);
}

static void relay_free(struct relay *rl)
{
	aiaccel_buf_free(rl->fd, &rl->xy.buf);
	aiaccel_buf_free(rl->fd, &rl->yz.buf);
	aiaccel_buf_free(rl->fd, &rl->x);
	aiaccel_buf_free(rl->fd, &rl->y);
	aiaccel_buf_free(rl->fd, &rl->z);
}

static bool buf_is_zero(const struct aiaccel_buf *b, uint64_t size)
{
	const uint8_t *p = b->map;
	uint64_t i;

	for (i = 0; i < size; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Submit a copy job: @cs with its source read and destination written,
 * optionally behind @gate, with the given syncs; 0 or -errno.
 */
static int submit_copy(int fd, struct aiaccel_cs *cs, uint32_t src, uint32_t dst,
		       const struct aiaccel_gate *gate, uint32_t flags, uint32_t engine,
		       const struct drm_aiaccel_sync *in, uint32_t nin,
		       const struct drm_aiaccel_sync *out, uint32_t nout, uint64_t event_data)
{
	struct drm_aiaccel_submit_bo bos[3] = {
		aiaccel_bo_use(src, DRM_AIACCEL_SUBMIT_BO_READ),
		aiaccel_bo_use(dst, DRM_AIACCEL_SUBMIT_BO_WRITE),
	};
	struct drm_aiaccel_submit args;

	if (gate)
		bos[2] = aiaccel_bo_use(gate->handle, DRM_AIACCEL_SUBMIT_BO_READ);
	aiaccel_submit_init(&args, cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = gate ? 3 : 2;
	args.flags = flags;
	aiaccel_submit_engine(&args, engine);
	args.in_syncs = (uintptr_t)in;
	args.in_sync_count = nin;
	args.out_syncs = (uintptr_t)out;
	args.out_sync_count = nout;
	args.event_data = event_data;
	return aiaccel_submit_raw(fd, &args);
}

static uint64_t syncobj_payload(int fd, uint32_t handle)
{
	uint64_t point = ~0ull;

	igt_assert_eq(drmSyncobjQuery(fd, &handle, &point, 1), 0);
	return point;
}

/* Status of a signalled syncobj's fence, through a sync_file. */
static int syncobj_status(int fd, uint32_t handle)
{
	struct sync_file_info info = { 0 };
	int sf;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, handle, &sf), 0);
	igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	close(sf);
	return info.status;	/* 1 signalled, 0 active, < 0 error */
}

/* --- Failing jobs ----------------------------------------------------------- */

enum job_error {
	ERR_INVALID_OP,		/* an op fails validation: -EINVAL */
	ERR_UNKNOWN_OPCODE,	/* -EINVAL */
	ERR_UNMAPPED,		/* writes past the end of its buffer: -EFAULT */
	ERR_READ_ONLY,		/* writes a DEVICE_READ_ONLY buffer: -EFAULT */
	ERR_HOOK_FAULT,		/* the model's fault_next_access: -EFAULT */
	ERR_HOOK_ERROR,		/* the model's error_next_job: -EIO */
};

static const struct {
	const char *name;
	int err;
} job_errors[] = {
	[ERR_INVALID_OP] = { "invalid-op", -EINVAL },
	[ERR_UNKNOWN_OPCODE] = { "unknown-opcode", -EINVAL },
	[ERR_UNMAPPED] = { "mmu-fault-unmapped", -EFAULT },
	[ERR_READ_ONLY] = { "mmu-fault-read-only", -EFAULT },
	[ERR_HOOK_FAULT] = { "injected-mmu-fault", -EFAULT },
	[ERR_HOOK_ERROR] = { "injected-error", -EIO },
};

/*
 * fd1 submits a job that fails, on engine 0: a DMA_COPY that works, the
 * failing op, another DMA_COPY.  fd2 then submits a good job behind it on
 * the same engine, and fd1 another.  The failing job reports its errno in
 * its event and in its out-syncobj's fence; the ops before the failing one
 * have run, the ones after have not; the other jobs are unaffected.
 */
static void test_job_error(int fd1, int fd2, unsigned int instance, enum job_error kind)
{
	struct aiaccel_buf src, before, after, ro;
	struct relay rl2, rl1;
	struct aiaccel_cs cs;
	struct aiaccel_op_dma_copy *c;
	struct drm_aiaccel_submit_bo bos[4];
	struct drm_aiaccel_event_job ev;
	struct drm_aiaccel_submit args;
	uint32_t s = aiaccel_syncobj(fd1);
	struct drm_aiaccel_sync out = aiaccel_sync(s, 0, 0);
	struct aiaccel_rng r;

	aiaccel_rng_seed(&r, 100 + kind);
	aiaccel_buf_new(fd1, 4096, 0, &src);
	aiaccel_buf_new(fd1, 4096, 0, &before);
	aiaccel_buf_new(fd1, 4096, 0, &after);
	aiaccel_buf_new(fd1, 4096, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &ro);
	aiaccel_rng_fill(&r, src.map, 4096);

	aiaccel_cs_new(fd1, 4096, &cs);
	c = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*c));
	c->src = src.va;
	c->dst = before.va;
	c->size = 4096;
	switch (kind) {
	case ERR_INVALID_OP: {
		struct aiaccel_op_gemm *g = aiaccel_cs_emit(&cs, AIACCEL_OP_GEMM, 0, sizeof(*g));

		g->input = g->weights = src.va;
		g->output = after.va;
		g->m = 0;	/* invalid */
		g->n = g->k = 1;
		g->requant.multiplier = 1 << 30;
		g->act_min = -128;
		g->act_max = 127;
		break;
	}
	case ERR_UNKNOWN_OPCODE:
		aiaccel_cs_emit(&cs, 0x7f, 0, 8);
		break;
	case ERR_UNMAPPED:
		/* The page after a buffer is never mapped (design.rst). */
		c = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*c));
		c->src = src.va;
		c->dst = after.va + 4096 - 8;
		c->size = 16;
		break;
	case ERR_READ_ONLY:
		c = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*c));
		c->src = src.va;
		c->dst = ro.va;
		c->size = 64;
		break;
	case ERR_HOOK_FAULT:
	case ERR_HOOK_ERROR:
		break;
	}
	c = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*c));
	c->src = src.va;
	c->dst = after.va;
	c->size = 4096;

	relay_new(fd2, &rl2, 7);
	relay_new(fd1, &rl1, 8);

	bos[0] = aiaccel_bo_use(src.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[1] = aiaccel_bo_use(before.handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
	bos[2] = aiaccel_bo_use(after.handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
	bos[3] = aiaccel_bo_use(ro.handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
	aiaccel_submit_init(&args, &cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = 4;
	args.out_syncs = (uintptr_t)&out;
	args.out_sync_count = 1;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	aiaccel_submit_engine(&args, 0);
	args.event_data = 0xbad0 + kind;

	/* The hooks act on the next job (access) of any engine: ours. */
	if (kind == ERR_HOOK_FAULT)
		aiaccel_require_sim_hook(instance, "fault_next_access", 1);
	if (kind == ERR_HOOK_ERROR)
		aiaccel_require_sim_hook(instance, "error_next_job", 1);
	igt_assert_eq(aiaccel_submit_raw(fd1, &args), 0);
	/* Another file's job right behind it on the same engine. */
	igt_assert_eq(submit_copy(fd2, &rl2.xy, rl2.x.handle, rl2.y.handle, NULL,
				  DRM_AIACCEL_SUBMIT_EVENT, 0, NULL, 0, NULL, 0, 2), 0);

	igt_assert_eq(aiaccel_read_event(fd1, &ev, 30 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0xbad0 + kind);
	igt_assert_f(ev.status == job_errors[kind].err, "status %d, expected %d\n",
		     ev.status, job_errors[kind].err);
	igt_assert_eq_u32(ev.engine, 0);
	igt_assert_eq(aiaccel_syncobj_wait(fd1, s, 0, 10 * SEC), 0);
	igt_assert_eq(syncobj_status(fd1, s), job_errors[kind].err);

	/* The failing op wrote nothing, nothing after it ran. */
	if (kind == ERR_HOOK_ERROR || kind == ERR_HOOK_FAULT)
		igt_assert(buf_is_zero(&before, 4096));	/* failed before (at) its first op */
	else
		igt_assert_eq(memcmp(before.map, src.map, 4096), 0);
	igt_assert(buf_is_zero(&after, 4096));
	igt_assert(buf_is_zero(&ro, 4096));

	/* The other file's job, and this file's next one, are fine. */
	igt_assert_eq(aiaccel_read_event(fd2, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert_eq_u64(ev.user_data, 2);
	igt_assert_eq(memcmp(rl2.y.map, rl2.x.map, RELAY_SIZE), 0);
	igt_assert_eq(submit_copy(fd1, &rl1.xy, rl1.x.handle, rl1.y.handle, NULL,
				  DRM_AIACCEL_SUBMIT_EVENT, 0, NULL, 0, NULL, 0, 3), 0);
	igt_assert_eq(aiaccel_read_event(fd1, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert_eq(memcmp(rl1.y.map, rl1.x.map, RELAY_SIZE), 0);

	relay_free(&rl1);
	relay_free(&rl2);
	aiaccel_buf_free(fd1, &cs.buf);
	aiaccel_buf_free(fd1, &ro);
	aiaccel_buf_free(fd1, &after);
	aiaccel_buf_free(fd1, &before);
	aiaccel_buf_free(fd1, &src);
	drmSyncobjDestroy(fd1, s);
}

/* --- Concurrency ------------------------------------------------------------ */

/* One process: rounds of 4 jobs in flight, each a random GEMM + ADD chain. */
static void submitter(unsigned int seed, int rounds)
{
	int fd = aiaccel_open(0);
	struct aiaccel_rng r;
	int round, j;

	aiaccel_rng_seed(&r, seed);
	for (round = 0; round < rounds; round++) {
		struct arena a[4];
		struct aiaccel_cs cs[4];

		for (j = 0; j < 4; j++) {
			struct drm_aiaccel_submit_bo bo;
			struct drm_aiaccel_submit args;
			uint32_t m = rnd(&r, 1, 8), n = rnd(&r, 1, 32), k = rnd(&r, 1, 200);
			uint64_t in, t, y, out;

			arena_new(fd, &a[j], 64 * 1024, &r);
			aiaccel_cs_new(fd, 4096, &cs[j]);
			in = arena_alloc(&a[j], (uint64_t)m * k, "input");
			t = arena_alloc(&a[j], (uint64_t)m * n, "gemm output");
			y = arena_alloc(&a[j], (uint64_t)m * n, "residual");
			out = arena_alloc(&a[j], (uint64_t)m * n, "output");
			op_gemm(&a[j], &cs[j], in, t, m, n, k, AIACCEL_OP_F_BIAS);
			op_add(&a[j], &cs[j], t, y, out, m * n);

			bo = aiaccel_bo_use(a[j].buf.handle, DRM_AIACCEL_SUBMIT_BO_READ |
							     DRM_AIACCEL_SUBMIT_BO_WRITE);
			aiaccel_submit_init(&args, &cs[j]);
			args.bos = (uintptr_t)&bo;
			args.bo_count = 1;
			args.flags = DRM_AIACCEL_SUBMIT_EVENT;
			args.event_data = j;
			igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
		}
		for (j = 0; j < 4; j++) {
			struct drm_aiaccel_event_job ev;

			igt_assert_eq(aiaccel_read_event(fd, &ev, 60 * SEC), 0);
			igt_assert_eq(ev.status, 0);
			igt_assert_lt(ev.user_data, 4);
		}
		for (j = 0; j < 4; j++) {
			arena_check(&a[j]);
			arena_free(&a[j]);
			aiaccel_buf_free(fd, &cs[j].buf);
		}
	}
	close(fd);
}

/* --- The tests ---------------------------------------------------------------- */

int igt_main()
{
	struct drm_aiaccel_info info;
	int fd = -1, fd2 = -1;

	igt_fixture() {
		fd = aiaccel_open(0);
		fd2 = aiaccel_open(0);
		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	}

	igt_describe("An empty job signals its out-syncobj.");
	igt_subtest("nop-empty") {
		struct aiaccel_cs cs;
		uint32_t s = aiaccel_syncobj(fd);
		struct drm_aiaccel_sync out = { .handle = s };

		aiaccel_cs_new(fd, 4096, &cs);
		igt_assert(!aiaccel_syncobj_signaled(fd, s, 0));
		igt_assert_eq(aiaccel_submit(fd, &cs, NULL, 0, NULL, 0, &out, 1, 0, 0), 0);
		igt_assert_eq(aiaccel_syncobj_wait(fd, s, 0, 10 * SEC), 0);
		igt_assert_eq(syncobj_status(fd, s), 1);
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
		igt_assert_lt(ev.engine, info.num_engines);
		igt_assert(ev.done_ns >= ev.submit_ns);
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("Each engine, chosen explicitly, runs the job; every priority runs.");
	igt_subtest("engines-and-priorities") {
		struct drm_aiaccel_event_job ev;
		struct drm_aiaccel_submit args;
		struct aiaccel_cs cs;
		uint32_t e, p;

		aiaccel_require_cap(CAP_SYS_NICE, "submits at DRM_AIACCEL_PRIORITY_HIGH");
		aiaccel_cs_new(fd, 4096, &cs);
		aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
		for (e = 0; e < info.num_engines; e++) {
			for (p = 0; p <= DRM_AIACCEL_PRIORITY_HIGH; p++) {
				aiaccel_submit_init(&args, &cs);
				args.priority = p;
				args.flags = DRM_AIACCEL_SUBMIT_EVENT;
				aiaccel_submit_engine(&args, e);
				args.event_data = e << 8 | p;
				igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
				igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
				igt_assert_eq(ev.status, 0);
				igt_assert_eq_u64(ev.user_data, e << 8 | p);
				igt_assert_eq_u32(ev.engine, e);
			}
		}
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("Every ISA op computed by the device equals the reference bit for bit "
		     "(random shapes and data, fixed seeds), and writes nothing else.");
	igt_subtest_with_dynamic("ops-reference") {
		static const struct {
			const char *name;
			int op;
			uint32_t arg;
		} cases[] = {
			{ "dma-copy", AIACCEL_OP_DMA_COPY, 0 },
			{ "gemm-per-tensor", AIACCEL_OP_GEMM, 0 },
			{ "gemm-per-tensor-bias", AIACCEL_OP_GEMM, AIACCEL_OP_F_BIAS },
			{ "gemm-per-channel", AIACCEL_OP_GEMM, AIACCEL_OP_F_PER_CHANNEL },
			{ "gemm-per-channel-bias", AIACCEL_OP_GEMM,
			  AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS },
			{ "gemm-wrap-around", -1, 0 },
			{ "conv2d", AIACCEL_OP_CONV2D, CONV_PLAIN },
			{ "conv2d-stride-pad-dilation", AIACCEL_OP_CONV2D, CONV_STRIDE_PAD_DIL },
			{ "conv2d-windows-outside", AIACCEL_OP_CONV2D, CONV_OUTSIDE },
			{ "dwconv2d", AIACCEL_OP_DWCONV2D, CONV_PLAIN },
			{ "dwconv2d-multiplier-stride-pad-dilation", AIACCEL_OP_DWCONV2D,
			  CONV_STRIDE_PAD_DIL },
			{ "maxpool", AIACCEL_OP_MAXPOOL, 0 },
			{ "maxpool-huge-window", AIACCEL_OP_MAXPOOL, 1 },
			{ "avgpool", AIACCEL_OP_AVGPOOL, 0 },
			{ "avgpool-huge-window", AIACCEL_OP_AVGPOOL, 1 },
			{ "add", AIACCEL_OP_ADD, 0 },
			{ "add-in-place", AIACCEL_OP_ADD, 1 },
			{ "activation-clamp", AIACCEL_OP_ACTIVATION, AIACCEL_ACT_CLAMP },
			{ "activation-lut", AIACCEL_OP_ACTIVATION, AIACCEL_ACT_LUT },
			{ "activation-in-place", AIACCEL_OP_ACTIVATION, 2 },
		};
		unsigned int c;

		for (c = 0; c < ARRAY_SIZE(cases); c++) {
			igt_dynamic(cases[c].name) {
				static const uint64_t copy_sizes[] = {
					1, 7, 64, 4096 + 13, 3 * 4096 + 1, 70001,
				};
				struct aiaccel_rng r;
				struct arena a;
				struct aiaccel_cs cs;
				uint64_t wrap_out = 0;
				int i;

				aiaccel_rng_seed(&r, 1000 + c);
				arena_new(fd, &a, 512 * 1024, &r);
				aiaccel_cs_new(fd, 8192, &cs);
				for (i = 0; i < 6; i++) {
					switch (cases[c].op) {
					case AIACCEL_OP_DMA_COPY:
						case_copy(&a, &cs, copy_sizes[i]);
						break;
					case AIACCEL_OP_GEMM:
						case_gemm(&a, &cs, cases[c].arg);
						break;
					case -1:
						if (!i)
							case_gemm_wrap(&a, &cs, &wrap_out);
						else
							case_gemm(&a, &cs, i % 2 ? AIACCEL_OP_F_BIAS : 0);
						break;
					case AIACCEL_OP_CONV2D:
						case_conv(&a, &cs, AIACCEL_OP_CONV2D, cases[c].arg, 1,
							  i % 4);
						break;
					case AIACCEL_OP_DWCONV2D:
						case_conv(&a, &cs, AIACCEL_OP_DWCONV2D, cases[c].arg,
							  cases[c].arg == CONV_PLAIN ? 1 : 2 + i % 2,
							  i % 4);
						break;
					case AIACCEL_OP_MAXPOOL:
					case AIACCEL_OP_AVGPOOL:
						case_pool(&a, &cs, cases[c].op, cases[c].arg);
						break;
					case AIACCEL_OP_ADD:
						case_add(&a, &cs, cases[c].arg);
						break;
					case AIACCEL_OP_ACTIVATION:
						if (cases[c].arg == 2)
							case_act(&a, &cs, i % 2, true);
						else
							case_act(&a, &cs, cases[c].arg, false);
						break;
					}
				}
				/* Alternate engines: each computes the same. */
				arena_run(&a, &cs, c % info.num_engines);
				if (wrap_out)
					igt_assert_eq(((int8_t *)a.buf.map)[wrap_out], 61);
				aiaccel_buf_free(fd, &cs.buf);
				arena_free(&a);
			}
		}
	}

	igt_describe("Ops chained in one command stream, each reading the previous one's "
		     "output, equal the reference chain bit for bit.");
	igt_subtest("ops-chain") {
		int v;

		for (v = 0; v < 2; v++) {
			struct aiaccel_rng r;
			struct arena a;
			struct aiaccel_cs cs;

			aiaccel_rng_seed(&r, 77 + v);
			arena_new(fd, &a, 64 * 1024, &r);
			aiaccel_cs_new(fd, 4096, &cs);
			case_chain(&a, &cs, v);
			arena_run(&a, &cs, AIACCEL_ENGINE_ANY);
			aiaccel_buf_free(fd, &cs.buf);
			arena_free(&a);
		}
	}

	igt_describe("A chain of jobs on different engines through binary syncobjs runs "
		     "in order; nothing runs before the first job's dependency is met.");
	igt_subtest("syncobj-binary-chain") {
		struct aiaccel_gate gate;
		struct relay rl;
		struct aiaccel_buf w;
		struct aiaccel_cs zw;
		struct drm_aiaccel_event_job ev;
		uint32_t s1 = aiaccel_syncobj(fd), s2 = aiaccel_syncobj(fd);
		uint32_t s3 = aiaccel_syncobj(fd);
		struct drm_aiaccel_sync o1 = aiaccel_sync(s1, 0, 0), o2 = aiaccel_sync(s2, 0, 0);
		struct drm_aiaccel_sync o3 = aiaccel_sync(s3, 0, 0);
		uint32_t e1 = info.num_engines > 1 ? 1 : 0;

		aiaccel_gate_new(fd, &gate);
		relay_new(fd, &rl, 11);
		aiaccel_buf_new(fd, RELAY_SIZE, 0, &w);
		aiaccel_cs_copy(fd, &zw, rl.z.va, w.va, RELAY_SIZE);

		/* x -> y behind the gate, y -> z after s1, z -> w after s2. */
		igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, &gate, 0, 0,
					  NULL, 0, &o1, 1, 0), 0);
		igt_assert_eq(submit_copy(fd, &rl.yz, rl.y.handle, rl.z.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC, e1, &o1, 1, &o2, 1, 0),
			      0);
		igt_assert_eq(submit_copy(fd, &zw, rl.z.handle, w.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC |
					  DRM_AIACCEL_SUBMIT_EVENT, AIACCEL_ENGINE_ANY,
					  &o2, 1, &o3, 1, 42), 0);

		igt_assert(aiaccel_no_event(fd, QUIET_NS));
		igt_assert(!aiaccel_syncobj_signaled(fd, s1, 0));
		igt_assert(!aiaccel_syncobj_signaled(fd, s2, 0));
		igt_assert(!aiaccel_syncobj_signaled(fd, s3, 0));
		igt_assert(buf_is_zero(&w, RELAY_SIZE));

		aiaccel_gate_open(&gate);
		igt_assert_eq(aiaccel_syncobj_wait(fd, s3, 0, 30 * SEC), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		igt_assert_eq_u64(ev.user_data, 42);
		igt_assert(aiaccel_syncobj_signaled(fd, s1, 0));
		igt_assert(aiaccel_syncobj_signaled(fd, s2, 0));
		igt_assert_eq(memcmp(w.map, rl.x.map, RELAY_SIZE), 0);

		aiaccel_buf_free(fd, &zw.buf);
		aiaccel_buf_free(fd, &w);
		relay_free(&rl);
		aiaccel_gate_free(&gate);
		drmSyncobjDestroy(fd, s1);
		drmSyncobjDestroy(fd, s2);
		drmSyncobjDestroy(fd, s3);
	}

	igt_describe("A chain of jobs through the points of one timeline syncobj.");
	igt_subtest("syncobj-timeline-chain") {
		struct aiaccel_gate gate;
		struct relay rl;
		struct aiaccel_buf w;
		struct aiaccel_cs zw;
		uint32_t t = aiaccel_syncobj(fd);
		struct drm_aiaccel_sync p1 = aiaccel_sync(t, 0, 1), p2 = aiaccel_sync(t, 0, 2);
		struct drm_aiaccel_sync p3 = aiaccel_sync(t, 0, 3);
		uint32_t e1 = info.num_engines > 1 ? 1 : 0;

		aiaccel_gate_new(fd, &gate);
		relay_new(fd, &rl, 12);
		aiaccel_buf_new(fd, RELAY_SIZE, 0, &w);
		aiaccel_cs_copy(fd, &zw, rl.z.va, w.va, RELAY_SIZE);

		igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, &gate, 0, 0,
					  NULL, 0, &p1, 1, 0), 0);
		igt_assert_eq(submit_copy(fd, &rl.yz, rl.y.handle, rl.z.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC, e1, &p1, 1, &p2, 1, 0),
			      0);
		igt_assert_eq(submit_copy(fd, &zw, rl.z.handle, w.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC, AIACCEL_ENGINE_ANY,
					  &p2, 1, &p3, 1, 0), 0);

		usleep(QUIET_NS / 1000);
		igt_assert_eq_u64(syncobj_payload(fd, t), 0);
		igt_assert(buf_is_zero(&w, RELAY_SIZE));

		aiaccel_gate_open(&gate);
		igt_assert_eq(aiaccel_syncobj_wait(fd, t, 3, 30 * SEC), 0);
		igt_assert_eq_u64(syncobj_payload(fd, t), 3);
		igt_assert_eq(memcmp(w.map, rl.x.map, RELAY_SIZE), 0);

		aiaccel_buf_free(fd, &zw.buf);
		aiaccel_buf_free(fd, &w);
		relay_free(&rl);
		aiaccel_gate_free(&gate);
		drmSyncobjDestroy(fd, t);
	}

	igt_describe("Timeline points above 2^32 are used in full: with point 10 signalled, "
		     "a job waiting for point 2^32 + 5 waits for that point's job.");
	igt_subtest("syncobj-timeline-64bit-points") {
		const uint64_t big = (1ull << 32) + 5;
		struct aiaccel_gate gate;
		struct relay rl;
		uint32_t t = aiaccel_syncobj(fd), t2 = aiaccel_syncobj(fd);
		uint64_t ten = 10;
		struct drm_aiaccel_sync a_out = aiaccel_sync(t, 0, big);
		struct drm_aiaccel_sync b_in = aiaccel_sync(t, 0, big);
		struct drm_aiaccel_sync b_out = aiaccel_sync(t2, 0, big + 2);

		aiaccel_gate_new(fd, &gate);
		relay_new(fd, &rl, 13);
		igt_assert_eq(drmSyncobjTimelineSignal(fd, &t, &ten, 1), 0);
		igt_assert_eq_u64(syncobj_payload(fd, t), 10);

		igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, &gate, 0, 0,
					  NULL, 0, &a_out, 1, 0), 0);
		igt_assert_eq(submit_copy(fd, &rl.yz, rl.y.handle, rl.z.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC, AIACCEL_ENGINE_ANY,
					  &b_in, 1, &b_out, 1, 0), 0);

		/* Truncated to 32 bits, the point would be 5 <= 10: signalled. */
		usleep(QUIET_NS / 1000);
		igt_assert(!aiaccel_syncobj_signaled(fd, t2, big + 2));
		igt_assert_eq_u64(syncobj_payload(fd, t2), 0);
		igt_assert(aiaccel_syncobj_signaled(fd, t, 10));
		igt_assert(!aiaccel_syncobj_signaled(fd, t, big));
		igt_assert(buf_is_zero(&rl.z, RELAY_SIZE));

		aiaccel_gate_open(&gate);
		igt_assert_eq(aiaccel_syncobj_wait(fd, t2, big + 2, 30 * SEC), 0);
		igt_assert_eq_u64(syncobj_payload(fd, t), big);
		igt_assert_eq_u64(syncobj_payload(fd, t2), big + 2);
		igt_assert_eq(memcmp(rl.z.map, rl.x.map, RELAY_SIZE), 0);

		relay_free(&rl);
		aiaccel_gate_free(&gate);
		drmSyncobjDestroy(fd, t);
		drmSyncobjDestroy(fd, t2);
	}

	igt_describe("Wait-before-signal: with WAIT_FOR_SUBMIT, SUBMIT waits for another "
		     "process to submit the job that adds the timeline point, and the job "
		     "then runs after it; without the flag the point is -EINVAL.");
	igt_subtest("syncobj-wait-before-signal") {
		struct relay rl;
		uint32_t t = aiaccel_syncobj(fd), s = aiaccel_syncobj(fd);
		struct drm_aiaccel_sync in = aiaccel_sync(t, 0, 7);
		struct drm_aiaccel_sync out = aiaccel_sync(s, 0, 0);
		struct timespec start = {};
		uint64_t waited;

		relay_new(fd, &rl, 14);
		igt_assert_eq(submit_copy(fd, &rl.yz, rl.y.handle, rl.z.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC, AIACCEL_ENGINE_ANY,
					  &in, 1, &out, 1, 0), -EINVAL);

		igt_fork(child, 1) {
			/* Same file (inherited fd): same syncobj handles. */
			struct drm_aiaccel_sync point = aiaccel_sync(t, 0, 7);

			usleep(500 * 1000);
			igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, NULL, 0,
						  AIACCEL_ENGINE_ANY, NULL, 0, &point, 1, 0), 0);
		}
		in.flags = DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT;
		igt_gettime(&start);
		igt_assert_eq(submit_copy(fd, &rl.yz, rl.y.handle, rl.z.handle, NULL,
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC, AIACCEL_ENGINE_ANY,
					  &in, 1, &out, 1, 0), 0);
		waited = igt_nsec_elapsed(&start);
		igt_waitchildren();
		igt_assert_f(waited > 300 * MSEC, "SUBMIT returned after %llu ms\n",
			     (unsigned long long)(waited / MSEC));
		igt_assert_eq(aiaccel_syncobj_wait(fd, s, 0, 30 * SEC), 0);
		igt_assert_eq(memcmp(rl.z.map, rl.x.map, RELAY_SIZE), 0);

		relay_free(&rl);
		drmSyncobjDestroy(fd, t);
		drmSyncobjDestroy(fd, s);
	}

	igt_describe("WAIT_FOR_SUBMIT on a point nobody submits: -ETIME after 5 s.");
	igt_subtest("syncobj-wait-for-submit-timeout") {
		struct relay rl;
		uint32_t t = aiaccel_syncobj(fd);
		struct drm_aiaccel_sync in = aiaccel_sync(t, DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT, 3);
		struct timespec start = {};

		relay_new(fd, &rl, 15);
		igt_gettime(&start);
		igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, NULL, 0,
					  AIACCEL_ENGINE_ANY, &in, 1, NULL, 0, 0), -ETIME);
		igt_assert_lt_u64(4 * SEC, igt_nsec_elapsed(&start));
		igt_assert(buf_is_zero(&rl.y, RELAY_SIZE));
		relay_free(&rl);
		drmSyncobjDestroy(fd, t);
	}

	igt_describe("Completion events carry the submit's user value and arrive, through "
		     "poll() and read(), in submission order on one engine; jobs without "
		     "SUBMIT_EVENT send none.");
	igt_subtest("events-poll-read") {
		static const uint64_t tags[] = {
			0, 1, 0xffffffffffffffffull, 0x8000000000000000ull, 0x0123456789abcdefull,
			0xdeadbeef00000000ull, 42, 0xfffffffeull,
		};
		struct drm_aiaccel_event_job ev;
		struct drm_aiaccel_submit args;
		struct aiaccel_cs cs;
		uint64_t last = 0;
		unsigned int i;

		aiaccel_cs_new(fd, 4096, &cs);
		for (i = 0; i < 4; i++)
			aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
		igt_assert(aiaccel_no_event(fd, 0));
		for (i = 0; i < ARRAY_SIZE(tags); i++) {
			aiaccel_submit_init(&args, &cs);
			args.flags = DRM_AIACCEL_SUBMIT_EVENT;
			aiaccel_submit_engine(&args, 0);
			args.event_data = tags[i];
			igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
			/* One without an event in between. */
			args.flags = 0;
			args.event_data = 0x5555;
			igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
		}
		for (i = 0; i < ARRAY_SIZE(tags); i++) {
			igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
			igt_assert_eq_u64(ev.user_data, tags[i]);
			igt_assert_eq(ev.status, 0);
			igt_assert_eq_u32(ev.engine, 0);
			igt_assert(ev.submit_ns <= ev.done_ns);
			igt_assert(ev.done_ns >= last);
			last = ev.done_ns;
		}
		igt_assert(aiaccel_no_event(fd, QUIET_NS));
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("Implicit sync: a job reading a vgem buffer with an unsignalled vgem "
		     "write fence does not run until VGEM_FENCE_SIGNAL, then reads the "
		     "data written before it.");
	igt_subtest("implicit-sync-vgem") {
		int vfd = aiaccel_vgem_open();
		struct aiaccel_vgem_bo vbo;
		struct drm_aiaccel_bo_info bi = { 0 };
		struct drm_aiaccel_event_job ev;
		struct aiaccel_buf out;
		struct aiaccel_cs cs;
		struct aiaccel_rng r;
		uint32_t fence;

		aiaccel_vgem_bo_new(vfd, 8192, &vbo);
		bi.handle = aiaccel_vgem_import(vfd, vbo.handle, fd);
		do_ioctl(fd, DRM_IOCTL_AIACCEL_BO_INFO, &bi);
		igt_assert(bi.info_flags & DRM_AIACCEL_BO_INFO_IMPORTED);
		aiaccel_buf_new(fd, 8192, 0, &out);
		aiaccel_cs_copy(fd, &cs, bi.va, out.va, 8192);

		/* "The GPU" is writing the buffer: the data is there before the fence. */
		aiaccel_rng_seed(&r, 21);
		aiaccel_rng_fill(&r, vbo.map, 8192);
		fence = aiaccel_vgem_fence_attach(vfd, vbo.handle, true);
		igt_assert_eq(submit_copy(fd, &cs, bi.handle, out.handle, NULL,
					  DRM_AIACCEL_SUBMIT_EVENT, AIACCEL_ENGINE_ANY,
					  NULL, 0, NULL, 0, 0x77), 0);

		igt_assert_eq(aiaccel_wait_buf(fd, out.handle, 0, QUIET_NS), -ETIMEDOUT);
		igt_assert(aiaccel_no_event(fd, QUIET_NS));
		igt_assert(buf_is_zero(&out, 8192));

		igt_assert_eq(aiaccel_vgem_fence_signal(vfd, fence), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		igt_assert_eq_u64(ev.user_data, 0x77);
		igt_assert_eq(aiaccel_wait_buf(fd, out.handle, 0, 0), 0);
		igt_assert_eq(memcmp(out.map, vbo.map, 8192), 0);

		aiaccel_buf_free(fd, &cs.buf);
		aiaccel_buf_free(fd, &out);
		aiaccel_buf_free(fd, &(struct aiaccel_buf){ .handle = bi.handle });
		aiaccel_vgem_bo_free(vfd, &vbo);
		close(vfd);
	}

	igt_describe("With SUBMIT_NO_IMPLICIT_SYNC the same job runs without waiting for "
		     "the vgem fence; a vgem write fence cannot be attached until it is done.");
	igt_subtest("no-implicit-sync-vgem") {
		int vfd = aiaccel_vgem_open();
		struct aiaccel_vgem_bo vbo;
		struct drm_aiaccel_bo_info bi = { 0 };
		struct drm_aiaccel_event_job ev;
		struct aiaccel_buf out;
		struct aiaccel_cs cs;
		struct aiaccel_rng r;
		uint32_t fence;

		aiaccel_vgem_bo_new(vfd, 8192, &vbo);
		aiaccel_rng_seed(&r, 22);
		aiaccel_rng_fill(&r, vbo.map, 8192);
		bi.handle = aiaccel_vgem_import(vfd, vbo.handle, fd);
		do_ioctl(fd, DRM_IOCTL_AIACCEL_BO_INFO, &bi);
		aiaccel_buf_new(fd, 8192, 0, &out);
		aiaccel_cs_copy(fd, &cs, bi.va, out.va, 8192);

		fence = aiaccel_vgem_fence_attach(vfd, vbo.handle, true);
		igt_assert_eq(submit_copy(fd, &cs, bi.handle, out.handle, NULL,
					  DRM_AIACCEL_SUBMIT_EVENT |
					  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC,
					  AIACCEL_ENGINE_ANY, NULL, 0, NULL, 0, 0x78), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		igt_assert_eq(memcmp(out.map, vbo.map, 8192), 0);
		/* The vgem fence is still pending: WAIT on the import sees it. */
		igt_assert_eq(aiaccel_wait_buf(fd, bi.handle, 0, 0), -ETIMEDOUT);
		igt_assert_eq(aiaccel_vgem_fence_signal(vfd, fence), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, bi.handle, 0, 10 * SEC), 0);

		aiaccel_buf_free(fd, &cs.buf);
		aiaccel_buf_free(fd, &out);
		aiaccel_buf_free(fd, &(struct aiaccel_buf){ .handle = bi.handle });
		aiaccel_vgem_bo_free(vfd, &vbo);
		close(vfd);
	}

	igt_describe("A failing job reports the documented errno in its event and its "
		     "out-syncobj's fence (op error -EINVAL, MMU fault -EFAULT, injected "
		     "error -EIO); other files' jobs behind it, and its own next ones, run.");
	igt_subtest_with_dynamic("job-errors") {
		unsigned int k;

		for (k = 0; k < ARRAY_SIZE(job_errors); k++)
			igt_dynamic(job_errors[k].name)
				test_job_error(fd, fd2, info.instance, k);
	}

	igt_describe("Two processes submit concurrently; every result is right.");
	igt_subtest("two-processes") {
		igt_fork(child, 2)
			submitter(500 + child, 5);
		igt_waitchildren();
	}

	igt_describe("WAIT returns once the writer is done; unknown handle -ENOENT, "
		     "unknown flags -EINVAL.");
	igt_subtest("wait-idle") {
		struct aiaccel_buf buf;

		aiaccel_buf_new(fd, 4096, 0, &buf);
		igt_assert_eq(aiaccel_wait_buf(fd, buf.handle, 0, 0), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, buf.handle, DRM_AIACCEL_WAIT_WRITERS, SEC), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, 0xdead, 0, 0), -ENOENT);
		igt_assert_eq(aiaccel_wait_buf(fd, buf.handle, 0x2, 0), -EINVAL);
		aiaccel_buf_free(fd, &buf);
	}

	igt_describe("WAIT with and without WAIT_WRITERS: a buffer a pending job only "
		     "reads is idle for writers but not for readers.");
	igt_subtest("wait-readers-writers") {
		struct aiaccel_gate gate;
		struct relay rl;

		aiaccel_gate_new(fd, &gate);
		relay_new(fd, &rl, 16);
		igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, &gate, 0,
					  AIACCEL_ENGINE_ANY, NULL, 0, NULL, 0, 0), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, rl.x.handle, DRM_AIACCEL_WAIT_WRITERS, 0), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, rl.x.handle, 0, 0), -ETIMEDOUT);
		igt_assert_eq(aiaccel_wait_buf(fd, rl.y.handle, DRM_AIACCEL_WAIT_WRITERS,
					       100 * MSEC), -ETIMEDOUT);
		aiaccel_gate_open(&gate);
		igt_assert_eq(aiaccel_wait_buf(fd, rl.y.handle, DRM_AIACCEL_WAIT_WRITERS,
					       30 * SEC), 0);
		igt_assert_eq(aiaccel_wait_buf(fd, rl.x.handle, 0, 0), 0);
		igt_assert_eq(memcmp(rl.y.map, rl.x.map, RELAY_SIZE), 0);
		relay_free(&rl);
		aiaccel_gate_free(&gate);
	}

	igt_describe("WAIT's absolute deadline holds: -ETIMEDOUT never comes before it, "
		     "whatever the phase of the kernel's timer tick.");
	igt_subtest("wait-deadline-not-early") {
		struct aiaccel_gate gate;
		struct relay rl;
		int i, early = 0;

		aiaccel_gate_new(fd, &gate);
		relay_new(fd, &rl, 17);
		igt_assert_eq(submit_copy(fd, &rl.xy, rl.x.handle, rl.y.handle, &gate, 0,
					  AIACCEL_ENGINE_ANY, NULL, 0, NULL, 0, 0), 0);
		/* Deadlines at every phase of a 4 ms (HZ=250) or 10 ms tick. */
		for (i = 0; i < 40; i++) {
			int64_t deadline = aiaccel_deadline(20 * MSEC + i * 257 * 1000);
			struct drm_aiaccel_wait w = {
				.handle = rl.y.handle,
				.flags = DRM_AIACCEL_WAIT_WRITERS,
				.timeout_ns = deadline,
			};

			igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_AIACCEL_WAIT, &w), -1);
			igt_assert_eq(errno, ETIMEDOUT);
			if (aiaccel_deadline(0) < deadline) {
				igt_warn("WAIT %d returned %lld us before its deadline\n", i,
					 (long long)(deadline - aiaccel_deadline(0)) / 1000);
				early++;
			}
		}
		igt_assert_eq(early, 0);
		igt_assert(aiaccel_gate_held(&gate));
		aiaccel_gate_open(&gate);
		igt_assert_eq(aiaccel_wait_buf(fd, rl.y.handle, DRM_AIACCEL_WAIT_WRITERS,
					       30 * SEC), 0);
		relay_free(&rl);
		aiaccel_gate_free(&gate);
	}

	igt_fixture() {
		close(fd2);
		close(fd);
	}
}
