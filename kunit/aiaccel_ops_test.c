// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite aiaccel_sim_ops: the op kernels of the aiaccel hardware
 * model (drivers/accel/aiaccel/sim/aiaccel_sim_ops.c) against the reference
 * implementation (aiaccel_ref.c), bit for bit, over random shapes and
 * quantisation parameters and over hand-picked corners; and the validation
 * rules, tensor lists and cost model.
 *
 * Deterministic: each case seeds its own PRNG (splitmix64) with a fixed
 * value, and a mismatch names the case and iteration, so it reproduces.
 * The file also builds in userspace with a small stand-in for the KUnit
 * API, to run under the sanitizers.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Only one file of the module may include aiaccel_ref.c; others the .h. */
#include "aiaccel_ref.c"
#include "sim/aiaccel_sim_ops.h"

#define OPS_MAX		AIACCEL_SIM_OP_MAX_TENSORS
#define OPS_MAC_FLAGS	(AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS)
#define OPS_Q30		((s32)BIT(30))
/* Distinct device VAs, one per tensor slot; tensors are found by VA. */
#define OPS_VA(i)	(0x100000000ULL * ((i) + 1))
/* What the output buffers hold before an op runs. */
#define OPS_POISON	0xa5
/* Bytes past the end of the local memory that must stay untouched. */
#define OPS_GUARD	256

/* ------------------------------------------------------------------------
 * Deterministic random numbers (splitmix64)
 */

struct ops_rng {
	u64 state;
};

static u32 ops_u32(struct ops_rng *r)
{
	u64 z;

	r->state += 0x9e3779b97f4a7c15ULL;
	z = r->state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) >> 32;
}

/* Uniform in [lo, hi]. */
static s32 ops_range(struct ops_rng *r, s32 lo, s32 hi)
{
	u32 span = (u32)hi - (u32)lo + 1;
	u32 v = ops_u32(r);

	return span ? (s32)((u32)lo + v % span) : (s32)v;
}

/* True once in @n times. */
static bool ops_one_in(struct ops_rng *r, u32 n)
{
	return ops_u32(r) % n == 0;
}

static s32 ops_zp(struct ops_rng *r)
{
	switch (ops_u32(r) % 8) {
	case 0:
		return -128;
	case 1:
		return 127;
	}
	return ops_range(r, -128, 127);
}

static void ops_act(struct ops_rng *r, s32 *act_min, s32 *act_max)
{
	*act_min = -128;
	*act_max = 127;
	if (ops_one_in(r, 4)) {
		*act_min = ops_range(r, -128, 127);
		*act_max = ops_range(r, *act_min, 127);
	}
}

/*
 * A valid scale, mostly near 2^@shift so that outputs spread over the int8
 * range, sometimes at the edges of the encoding.
 */
static void ops_requant(struct ops_rng *r, struct aiaccel_requant *q,
			s32 shift)
{
	switch (ops_u32(r) % 16) {
	case 0:
		q->multiplier = 0;
		break;
	case 1:
		q->multiplier = OPS_Q30;
		break;
	case 2:
		q->multiplier = S32_MAX;
		break;
	default:
		q->multiplier = ops_range(r, OPS_Q30, S32_MAX);
	}
	switch (ops_u32(r) % 16) {
	case 0:
		q->shift = -31;
		break;
	case 1:
		q->shift = 30;
		break;
	case 2:
		q->shift = ops_range(r, -31, 30);
		break;
	default:
		q->shift = clamp_t(s32, shift + ops_range(r, -2, 2), -31, 30);
	}
}

/* Shift that maps a K-term sum of int8 products roughly onto int8. */
static s32 ops_mac_shift(u64 k)
{
	s32 log2 = 0;

	while (k >>= 1)
		log2++;
	return -6 - log2 / 2;
}

/* ------------------------------------------------------------------------
 * Running one op on both implementations
 */

/**
 * struct ops_case - An op, its tensors and their buffers.
 * @op: The op.
 * @n: Its tensor count; the output is the last tensor.
 * @t: Its tensors as the model lists them.
 * @buf: One buffer per tensor: the model's.
 * @ref_out: The reference's output buffer.
 * @sram: The model's local memory, followed by %OPS_GUARD guard bytes.
 * @sram_size: Its size.
 */
struct ops_case {
	union aiaccel_sim_op op;
	int n;
	struct aiaccel_sim_tensor t[OPS_MAX];
	void *buf[OPS_MAX];
	void *ref_out;
	u8 *sram;
	size_t sram_size;
};

static void ops_free(struct ops_case *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		kvfree(c->buf[i]);
	kvfree(c->ref_out);
	kvfree(c->sram);
	c->n = 0;
	c->ref_out = NULL;
	c->sram = NULL;
}

/* The buffer of the tensor at @va, or NULL if the op does not use one. */
static void *ops_buf(struct ops_case *c, u64 va)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->t[i].va == va)
			return c->buf[i];
	return NULL;
}

/* Random int8 data: mostly uniform, sometimes at the extremes. */
static void ops_fill(struct ops_rng *r, s8 *p, u64 size)
{
	u32 mode = ops_u32(r) % 10;
	u64 i;

	for (i = 0; i < size; i++) {
		switch (mode) {
		case 0:
			p[i] = -128;
			break;
		case 1:
			p[i] = 127;
			break;
		case 2:
			p[i] = ops_one_in(r, 2) ? -128 : 127;
			break;
		default:
			p[i] = (s8)ops_u32(r);
		}
	}
}

/*
 * Ask the model for the op's tensors and allocate them: inputs random,
 * output (and the reference's copy of it) poisoned; and the local memory,
 * of c->sram_size bytes (the engine's if 0), guarded.
 */
static void ops_alloc(struct kunit *test, struct ops_case *c,
		      struct ops_rng *r)
{
	int i, n;

	n = aiaccel_sim_op_tensors(&c->op.hdr, c->t, OPS_MAX);
	KUNIT_ASSERT_EQ(test, n > 0, true);
	for (i = 0; i < n; i++) {
		c->buf[i] = kvmalloc(c->t[i].size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c->buf[i]);
		c->n = i + 1;
		/* only the last tensor is written */
		KUNIT_EXPECT_EQ(test, c->t[i].is_write, i == n - 1);
		if (c->t[i].is_write)
			memset(c->buf[i], OPS_POISON, c->t[i].size);
		else
			ops_fill(r, c->buf[i], c->t[i].size);
	}
	c->ref_out = kvmalloc(c->t[n - 1].size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->ref_out);
	memset(c->ref_out, OPS_POISON, c->t[n - 1].size);
	if (!c->sram_size)
		c->sram_size = AIACCEL_SIM_SRAM_SIZE;
	c->sram = kvmalloc(c->sram_size + OPS_GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->sram);
	memset(c->sram + c->sram_size, OPS_POISON, OPS_GUARD);
}

/* The op stayed within its local memory. */
static bool ops_guard_ok(struct kunit *test, struct ops_case *c,
			 unsigned int iter)
{
	unsigned int i;

	for (i = 0; i < OPS_GUARD; i++) {
		if (c->sram[c->sram_size + i] != OPS_POISON) {
			KUNIT_FAIL(test, "iteration %u: local memory of %zu written at +%u",
				   iter, c->sram_size, i);
			return false;
		}
	}
	return true;
}

/* Bias and per-channel scales of a GEMM, CONV2D or DWCONV2D. */
static void ops_fill_channels(struct ops_case *c, struct ops_rng *r,
			      u64 bias_va, u64 quant_va, u32 channels, u64 k)
{
	struct aiaccel_requant *quant = ops_buf(c, quant_va);
	s32 *bias = ops_buf(c, bias_va);
	s32 mag = ops_range(r, 0, 24);
	u32 i;

	for (i = 0; bias && i < channels; i++)
		bias[i] = ops_one_in(r, 4) ? (s32)ops_u32(r) :
			  ops_range(r, -(1 << mag), 1 << mag);
	for (i = 0; quant && i < channels; i++)
		ops_requant(r, &quant[i], ops_mac_shift(k));
}

static int ops_ref_run(struct ops_case *c)
{
	const union aiaccel_sim_op *op = &c->op;
	void *out = c->ref_out;

	switch (op->hdr.opcode) {
	case AIACCEL_OP_DMA_COPY:
		return aiaccel_ref_dma_copy(&op->dma_copy,
					    ops_buf(c, op->dma_copy.src), out);
	case AIACCEL_OP_GEMM:
		return aiaccel_ref_gemm(&op->gemm, ops_buf(c, op->gemm.input),
					ops_buf(c, op->gemm.weights),
					ops_buf(c, op->gemm.bias),
					ops_buf(c, op->gemm.quant), out);
	case AIACCEL_OP_CONV2D:
		return aiaccel_ref_conv2d(&op->conv2d,
					  ops_buf(c, op->conv2d.input),
					  ops_buf(c, op->conv2d.filter),
					  ops_buf(c, op->conv2d.bias),
					  ops_buf(c, op->conv2d.quant), out);
	case AIACCEL_OP_DWCONV2D:
		return aiaccel_ref_dwconv2d(&op->conv2d,
					    ops_buf(c, op->conv2d.input),
					    ops_buf(c, op->conv2d.filter),
					    ops_buf(c, op->conv2d.bias),
					    ops_buf(c, op->conv2d.quant), out);
	case AIACCEL_OP_MAXPOOL:
		return aiaccel_ref_maxpool(&op->pool,
					   ops_buf(c, op->pool.input), out);
	case AIACCEL_OP_AVGPOOL:
		return aiaccel_ref_avgpool(&op->pool,
					   ops_buf(c, op->pool.input), out);
	case AIACCEL_OP_ADD:
		return aiaccel_ref_add(&op->add, ops_buf(c, op->add.input1),
				       ops_buf(c, op->add.input2), out);
	case AIACCEL_OP_ACTIVATION:
		return aiaccel_ref_activation(&op->activation,
					      ops_buf(c, op->activation.input),
					      ops_buf(c, op->activation.lut),
					      out);
	}
	return -EINVAL;
}

static void ops_describe(struct kunit *test, const union aiaccel_sim_op *op)
{
	const struct aiaccel_op_conv2d *cv = &op->conv2d;
	const struct aiaccel_op_pool *pl = &op->pool;

	switch (op->hdr.opcode) {
	case AIACCEL_OP_GEMM:
		kunit_info(test, "gemm flags %u m %u n %u k %u zp %d %d %d rq %d %d act %d %d\n",
			   op->hdr.flags, op->gemm.m, op->gemm.n, op->gemm.k,
			   op->gemm.input_zp, op->gemm.weight_zp,
			   op->gemm.output_zp, op->gemm.requant.multiplier,
			   op->gemm.requant.shift, op->gemm.act_min,
			   op->gemm.act_max);
		break;
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D:
		kunit_info(test, "conv op %u flags %u in %ux%ux%ux%u out %ux%ux%u k %ux%u s %u,%u d %u,%u pad %u,%u zp %d %d %d\n",
			   op->hdr.opcode, op->hdr.flags, cv->batch, cv->in_h,
			   cv->in_w, cv->in_c, cv->out_h, cv->out_w, cv->out_c,
			   cv->k_h, cv->k_w, cv->stride_h, cv->stride_w,
			   cv->dilation_h, cv->dilation_w, cv->pad_top,
			   cv->pad_left, cv->input_zp, cv->filter_zp,
			   cv->output_zp);
		break;
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		kunit_info(test, "pool op %u in %ux%ux%ux%u out %ux%u k %ux%u s %u,%u pad %u,%u act %d %d\n",
			   op->hdr.opcode, pl->batch, pl->in_h, pl->in_w,
			   pl->channels, pl->out_h, pl->out_w, pl->k_h,
			   pl->k_w, pl->stride_h, pl->stride_w, pl->pad_top,
			   pl->pad_left, pl->act_min, pl->act_max);
		break;
	default:
		kunit_info(test, "op %u\n", op->hdr.opcode);
	}
}

/*
 * Run the op on the model and on the reference; true if both return the
 * same and write the same bytes.
 */
static bool ops_run(struct kunit *test, struct ops_case *c, unsigned int iter)
{
	u64 size = c->t[c->n - 1].size, i;
	const s8 *sim = c->buf[c->n - 1];
	const s8 *ref = c->ref_out;
	int sim_ret, ref_ret;

	sim_ret = aiaccel_sim_op_execute(&c->op.hdr, c->buf, c->n, c->sram,
					 c->sram_size);
	ref_ret = ops_ref_run(c);
	if (!ops_guard_ok(test, c, iter)) {
		ops_describe(test, &c->op);
		return false;
	}
	if (sim_ret != ref_ret) {
		KUNIT_FAIL(test, "iteration %u: model returned %d, reference %d (local memory %zu)",
			   iter, sim_ret, ref_ret, c->sram_size);
		ops_describe(test, &c->op);
		return false;
	}
	for (i = 0; i < size; i++) {
		if (sim[i] != ref[i]) {
			KUNIT_FAIL(test,
				   "iteration %u: output byte %llu of %llu: model %d, reference %d (local memory %zu)",
				   iter, (unsigned long long)i,
				   (unsigned long long)size, sim[i], ref[i],
				   c->sram_size);
			ops_describe(test, &c->op);
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Random ops
 */

static void ops_gen_gemm(struct ops_rng *r, union aiaccel_sim_op *u)
{
	struct aiaccel_op_gemm *op = &u->gemm;

	memset(u, 0, sizeof(*u));
	op->hdr.opcode = AIACCEL_OP_GEMM;
	op->hdr.size = sizeof(*op);
	op->hdr.flags = ops_u32(r) & OPS_MAC_FLAGS;
	op->input = OPS_VA(0);
	op->weights = OPS_VA(1);
	op->bias = OPS_VA(2);
	op->quant = OPS_VA(3);
	op->output = OPS_VA(4);
	op->m = ops_range(r, 1, 9);
	op->n = ops_range(r, 1, 37);
	op->k = ops_one_in(r, 8) ? 1 : ops_range(r, 1, 300);
	op->input_zp = ops_zp(r);
	op->weight_zp = ops_zp(r);
	op->output_zp = ops_zp(r);
	ops_requant(r, &op->requant, ops_mac_shift(op->k));
	ops_act(r, &op->act_min, &op->act_max);
}

/*
 * Output size for input @in, window extent @ext, @pad on both sides and
 * @stride, capped at 9.
 */
static u32 ops_natural(u32 in, u32 ext, u32 pad, u32 stride)
{
	s64 span = (s64)in + 2 * (s64)pad - ext;

	if (span < 0)
		return 1;
	return min_t(u64, div_u64(span, stride) + 1, 9);
}

/*
 * A random CONV2D or DWCONV2D.  @profile: 0 general, 1 pointwise (1x1),
 * 2 row filters (1xN, the model's in-place path), 3 extreme geometry:
 * padding, strides and dilations larger than the input, windows that miss
 * the input entirely.
 */
static void ops_gen_conv(struct ops_rng *r, union aiaccel_sim_op *u,
			 bool dw, int profile)
{
	struct aiaccel_op_conv2d *op = &u->conv2d;
	u32 ext_h, ext_w;

	memset(u, 0, sizeof(*u));
	op->hdr.opcode = dw ? AIACCEL_OP_DWCONV2D : AIACCEL_OP_CONV2D;
	op->hdr.size = sizeof(*op);
	op->hdr.flags = ops_u32(r) & OPS_MAC_FLAGS;
	op->input = OPS_VA(0);
	op->filter = OPS_VA(1);
	op->bias = OPS_VA(2);
	op->quant = OPS_VA(3);
	op->output = OPS_VA(4);
	op->batch = ops_range(r, 1, 2);
	op->in_h = ops_range(r, 1, 9);
	op->in_w = ops_range(r, 1, 9);
	op->in_c = ops_range(r, 1, dw && ops_one_in(r, 3) ? 70 : 12);
	op->out_c = dw ? op->in_c * ops_range(r, 1, 4) : ops_range(r, 1, 12);
	op->k_h = ops_range(r, 1, 4);
	op->k_w = ops_range(r, 1, 4);
	op->stride_h = ops_one_in(r, 2) ? 1 : ops_range(r, 1, 3);
	op->stride_w = ops_one_in(r, 2) ? 1 : ops_range(r, 1, 3);
	op->dilation_h = ops_one_in(r, 2) ? 1 : ops_range(r, 1, 3);
	op->dilation_w = ops_one_in(r, 2) ? 1 : ops_range(r, 1, 3);
	op->pad_top = ops_range(r, 0, op->k_h);
	op->pad_left = ops_range(r, 0, op->k_w);

	switch (profile) {
	case 1:
		op->k_h = 1;
		op->k_w = 1;
		op->pad_top = ops_one_in(r, 4);
		op->pad_left = ops_one_in(r, 4);
		op->in_c = ops_range(r, 1, 64);
		break;
	case 2:
		op->k_h = 1;
		op->dilation_w = ops_one_in(r, 4) ? 2 : 1;
		op->pad_top = ops_one_in(r, 4);
		break;
	case 3:
		op->stride_h = ops_range(r, 1, 20);
		op->stride_w = ops_range(r, 1, 20);
		op->dilation_h = ops_range(r, 1, 20);
		op->dilation_w = ops_range(r, 1, 20);
		op->pad_top = ops_one_in(r, 2) ? ops_range(r, 0, 40) : 100000;
		op->pad_left = ops_one_in(r, 2) ? ops_range(r, 0, 40) : U32_MAX;
		break;
	}

	ext_h = (op->k_h - 1) * op->dilation_h + 1;
	ext_w = (op->k_w - 1) * op->dilation_w + 1;
	op->out_h = ops_natural(op->in_h, ext_h, op->pad_top, op->stride_h);
	op->out_h = min(9U, op->out_h + ops_range(r, 0, 2));
	op->out_w = ops_natural(op->in_w, ext_w, op->pad_left, op->stride_w);
	op->out_w = min(9U, op->out_w + ops_range(r, 0, 2));
	op->input_zp = ops_zp(r);
	op->filter_zp = ops_zp(r);
	op->output_zp = ops_zp(r);
	ops_requant(r, &op->requant,
		    ops_mac_shift((u64)op->k_h * op->k_w * (dw ? 1 : op->in_c)));
	ops_act(r, &op->act_min, &op->act_max);
}

static void ops_gen_pool(struct ops_rng *r, union aiaccel_sim_op *u)
{
	struct aiaccel_op_pool *op = &u->pool;

	memset(u, 0, sizeof(*u));
	op->hdr.opcode = ops_one_in(r, 2) ? AIACCEL_OP_MAXPOOL :
					    AIACCEL_OP_AVGPOOL;
	op->hdr.size = sizeof(*op);
	op->input = OPS_VA(0);
	op->output = OPS_VA(1);
	op->batch = ops_range(r, 1, 2);
	op->in_h = ops_range(r, 1, 9);
	op->in_w = ops_range(r, 1, 9);
	op->channels = ops_range(r, 1, ops_one_in(r, 3) ? 150 : 8);
	op->k_h = ops_range(r, 1, 5);
	op->k_w = ops_range(r, 1, 5);
	op->stride_h = ops_range(r, 1, 3);
	op->stride_w = ops_range(r, 1, 3);
	if (ops_one_in(r, 8)) {
		/* windows far larger than the input */
		op->k_h = ops_range(r, 1, 1000000);
		op->k_w = ops_range(r, 1, 1000000);
		op->stride_h = ops_range(r, 1, 1000);
		op->stride_w = ops_range(r, 1, 1000);
	}
	op->pad_top = ops_range(r, 0, op->k_h - 1);
	op->pad_left = ops_range(r, 0, op->k_w - 1);
	op->out_h = ops_range(r, 1, 8);
	op->out_w = ops_range(r, 1, 8);
	ops_act(r, &op->act_min, &op->act_max);
}

/*
 * A random ADD.  @big: input scales that push the rescaled inputs and their
 * sum into saturation, and an output scale small enough to show it.
 */
static void ops_gen_add(struct ops_rng *r, union aiaccel_sim_op *u, bool big)
{
	struct aiaccel_op_add *op = &u->add;

	memset(u, 0, sizeof(*u));
	op->hdr.opcode = AIACCEL_OP_ADD;
	op->hdr.size = sizeof(*op);
	op->input1 = OPS_VA(0);
	op->input2 = OPS_VA(1);
	op->output = OPS_VA(2);
	op->count = ops_range(r, 1, 2000);
	op->input1_zp = ops_zp(r);
	op->input2_zp = ops_zp(r);
	op->output_zp = ops_zp(r);
	op->left_shift = ops_one_in(r, 2) ? 20 : ops_range(r, 0, 20);
	ops_requant(r, &op->input1_scale, -op->left_shift - 1);
	ops_requant(r, &op->input2_scale, -op->left_shift - 1);
	ops_requant(r, &op->output_scale, 1);
	if (big) {
		op->input1_scale.shift = ops_range(r, 0, 30);
		op->input2_scale.shift = ops_range(r, 0, 30);
		op->output_scale.shift = ops_range(r, -31, -24);
	}
	ops_act(r, &op->act_min, &op->act_max);
}

static void ops_gen_activation(struct ops_rng *r, union aiaccel_sim_op *u)
{
	struct aiaccel_op_activation *op = &u->activation;

	memset(u, 0, sizeof(*u));
	op->hdr.opcode = AIACCEL_OP_ACTIVATION;
	op->hdr.size = sizeof(*op);
	op->input = OPS_VA(0);
	op->lut = OPS_VA(1);
	op->output = OPS_VA(2);
	op->count = ops_range(r, 1, 3000);
	op->mode = ops_one_in(r, 2) ? AIACCEL_ACT_LUT : AIACCEL_ACT_CLAMP;
	ops_act(r, &op->act_min, &op->act_max);
}

/*
 * Shapes that cross the tiles of the engine's local memory in every
 * dimension: more rows, output channels and row length than one tile
 * holds, in odd sizes.
 */
static void ops_gen_gemm_big(struct ops_rng *r, union aiaccel_sim_op *u,
			     int v)
{
	struct aiaccel_op_gemm *op = &u->gemm;

	ops_gen_gemm(r, u);
	op->m = ops_range(r, 1, 300);
	op->n = ops_range(r, 1, 300);
	op->k = ops_range(r, 1, 2600);
	ops_requant(r, &op->requant, ops_mac_shift(op->k));
}

/*
 * A CONV2D (@v 0) or DWCONV2D (@v 1) with many channels (im2col rows
 * longer than a slice, more output channels than a tile or a pass),
 * windows from 1 to 12 taps a side and padding and strides that put tile
 * edges at the image borders.
 */
static void ops_gen_conv_big(struct ops_rng *r, union aiaccel_sim_op *u,
			     int v)
{
	struct aiaccel_op_conv2d *op = &u->conv2d;
	bool dw = v;
	u32 ext_h, ext_w;

	ops_gen_conv(r, u, dw, 0);
	op->in_h = ops_range(r, 1, 14);
	op->in_w = ops_range(r, 1, 14);
	op->in_c = ops_range(r, 1, dw ? 300 : 160);
	op->out_c = dw ? op->in_c * ops_range(r, 1, 3) : ops_range(r, 1, 200);
	op->k_h = ops_range(r, 1, ops_one_in(r, 4) ? 12 : 3);
	op->k_w = ops_range(r, 1, ops_one_in(r, 4) ? 12 : 3);
	op->stride_h = ops_range(r, 1, 3);
	op->stride_w = ops_range(r, 1, 3);
	op->dilation_h = ops_range(r, 1, 2);
	op->dilation_w = ops_range(r, 1, 2);
	op->pad_top = ops_range(r, 0, op->k_h);
	op->pad_left = ops_range(r, 0, op->k_w);
	ext_h = (op->k_h - 1) * op->dilation_h + 1;
	ext_w = (op->k_w - 1) * op->dilation_w + 1;
	op->out_h = ops_natural(op->in_h, ext_h, op->pad_top, op->stride_h) +
		    ops_range(r, 0, 4);
	op->out_w = ops_natural(op->in_w, ext_w, op->pad_left, op->stride_w) +
		    ops_range(r, 0, 4);
	if (!dw && (u64)op->k_h * op->k_w * op->in_c > 2000)
		op->in_c = max(1U, 2000U / (op->k_h * op->k_w));
	ops_requant(r, &op->requant,
		    ops_mac_shift((u64)op->k_h * op->k_w * (dw ? 1 : op->in_c)));
}

/* Pooling over more channels than a pass, windows across many requests. */
static void ops_gen_pool_big(struct ops_rng *r, union aiaccel_sim_op *u,
			     int v)
{
	struct aiaccel_op_pool *op = &u->pool;

	ops_gen_pool(r, u);
	op->in_h = ops_range(r, 1, 12);
	op->in_w = ops_range(r, 1, 12);
	op->channels = ops_range(r, 1, 1500);
	op->k_h = ops_range(r, 1, 12);
	op->k_w = ops_range(r, 1, 12);
	op->stride_h = ops_range(r, 1, 4);
	op->stride_w = ops_range(r, 1, 4);
	op->pad_top = ops_range(r, 0, op->k_h - 1);
	op->pad_left = ops_range(r, 0, op->k_w - 1);
	op->out_h = ops_range(r, 1, 12);
	op->out_w = ops_range(r, 1, 12);
}

/* Element-wise ops over many chunks: ADD (@v 0) or ACTIVATION (@v 1). */
static void ops_gen_elementwise_big(struct ops_rng *r,
				    union aiaccel_sim_op *u, int v)
{
	if (v) {
		ops_gen_activation(r, u);
		u->activation.count = ops_range(r, 1, 30000);
	} else {
		ops_gen_add(r, u, false);
		u->add.count = ops_range(r, 1, 30000);
	}
}

/*
 * The local memory of iteration @iter: the engine's, the least there may
 * be, or a size in between, so that ops cross tile boundaries in every
 * dimension and tiles come in every size.
 */
static size_t ops_sram_size(struct ops_rng *r, unsigned int iter)
{
	switch (iter % 3) {
	case 0:
		return AIACCEL_SIM_SRAM_SIZE;
	case 1:
		return AIACCEL_SIM_SRAM_MIN;
	}
	return AIACCEL_SIM_SRAM_MIN + ops_range(r, 1, 60000);
}

/*
 * Generate, allocate, run and compare @iters random ops of one kind, in
 * local memories of the sizes of ops_sram_size().
 */
static void ops_random(struct kunit *test, u64 seed, unsigned int iters,
		       void (*gen)(struct ops_rng *r, union aiaccel_sim_op *u,
				   int variant),
		       int variant)
{
	struct ops_rng r = { .state = seed };
	struct ops_rng sr = { .state = ~seed };
	struct ops_case c = { };
	const struct aiaccel_op_conv2d *cv = &c.op.conv2d;
	unsigned int iter;
	bool ok;

	for (iter = 0; iter < iters; iter++) {
		gen(&r, &c.op, variant);
		KUNIT_ASSERT_EQ(test, aiaccel_sim_op_validate(&c.op.hdr), 0);
		KUNIT_ASSERT_EQ(test, aiaccel_ref_validate(&c.op.hdr), 0);
		c.sram_size = ops_sram_size(&sr, iter);
		ops_alloc(test, &c, &r);
		switch (c.op.hdr.opcode) {
		case AIACCEL_OP_GEMM:
			ops_fill_channels(&c, &r, c.op.gemm.bias, c.op.gemm.quant,
					  c.op.gemm.n, c.op.gemm.k);
			break;
		case AIACCEL_OP_CONV2D:
		case AIACCEL_OP_DWCONV2D:
			ops_fill_channels(&c, &r, cv->bias, cv->quant, cv->out_c,
					  (u64)cv->k_h * cv->k_w *
					  (cv->hdr.opcode == AIACCEL_OP_CONV2D ?
					   cv->in_c : 1));
			break;
		}
		ok = ops_run(test, &c, iter);
		ops_free(&c);
		if (!ok)
			return;
	}
}

static void ops_gen_gemm_v(struct ops_rng *r, union aiaccel_sim_op *u, int v)
{
	ops_gen_gemm(r, u);
}

static void ops_gen_conv_v(struct ops_rng *r, union aiaccel_sim_op *u, int v)
{
	ops_gen_conv(r, u, false, v);
}

static void ops_gen_dwconv_v(struct ops_rng *r, union aiaccel_sim_op *u,
			     int v)
{
	ops_gen_conv(r, u, true, v);
}

static void ops_gen_pool_v(struct ops_rng *r, union aiaccel_sim_op *u, int v)
{
	ops_gen_pool(r, u);
}

static void ops_gen_add_v(struct ops_rng *r, union aiaccel_sim_op *u, int v)
{
	ops_gen_add(r, u, v);
}

static void ops_gen_activation_v(struct ops_rng *r, union aiaccel_sim_op *u,
				 int v)
{
	ops_gen_activation(r, u);
}

/* ------------------------------------------------------------------------
 * Test cases
 */

static void ops_test_requant_edges(struct kunit *test)
{
	static const s32 xs[] = {
		S32_MIN, S32_MIN + 1, -OPS_Q30 - 1, -OPS_Q30, -65536, -255,
		-3, -2, -1, 0, 1, 2, 3, 255, 65535, OPS_Q30, S32_MAX - 1,
		S32_MAX,
	};
	static const s32 ms[] = {
		0, OPS_Q30, OPS_Q30 + 1, 1518500250, S32_MAX - 1, S32_MAX,
	};
	unsigned int i, j;
	s32 shift, ref, sim;

	/* a few values worked out by hand (see ref_test.c) */
	KUNIT_EXPECT_EQ(test, aiaccel_ref_requant(3, OPS_Q30, 0), 2);
	KUNIT_EXPECT_EQ(test, aiaccel_ref_requant(-3, OPS_Q30, 0), -1);
	KUNIT_EXPECT_EQ(test, aiaccel_ref_requant(-6, OPS_Q30, -1), -2);
	KUNIT_EXPECT_EQ(test, aiaccel_ref_requant(S32_MIN, S32_MAX, 30),
			-2147483647);
	KUNIT_EXPECT_EQ(test, aiaccel_ref_requant(S32_MIN, OPS_Q30, -31), -1);

	for (i = 0; i < ARRAY_SIZE(xs); i++) {
		for (j = 0; j < ARRAY_SIZE(ms); j++) {
			for (shift = -31; shift <= 30; shift++) {
				ref = aiaccel_ref_requant(xs[i], ms[j], shift);
				sim = aiaccel_sim_requant(xs[i], ms[j], shift);
				KUNIT_EXPECT_EQ_MSG(test, sim, ref,
						    "x %d m %d shift %d",
						    xs[i], ms[j], shift);
				if (sim != ref)
					return;
			}
		}
	}
}

static void ops_test_requant_random(struct kunit *test)
{
	struct ops_rng r = { .state = 1 };
	s32 x, m, shift, ref, sim;
	unsigned int i;

	for (i = 0; i < 1000000; i++) {
		x = (s32)ops_u32(&r);
		if (ops_one_in(&r, 2))	/* small values round more often */
			x >>= ops_range(&r, 0, 31);
		m = ops_one_in(&r, 64) ? 0 : ops_range(&r, OPS_Q30, S32_MAX);
		shift = ops_range(&r, -31, 30);
		ref = aiaccel_ref_requant(x, m, shift);
		sim = aiaccel_sim_requant(x, m, shift);
		KUNIT_EXPECT_EQ_MSG(test, sim, ref, "x %d m %d shift %d",
				    x, m, shift);
		if (sim != ref)
			return;
	}
}

static void ops_test_gemm(struct kunit *test)
{
	ops_random(test, 0x6e11, 3000, ops_gen_gemm_v, 0);
}

/*
 * K large enough that the int32 accumulator wraps: 70000 products of
 * (-128 - 127) * (-128 - 127) = 65025 sum to 4551750000, which is
 * 256782704 modulo 2^32; 256782704 * 2^-22 = 61.2 rounds to 61.
 */
static void ops_test_gemm_wrap(struct kunit *test)
{
	struct ops_rng r = { .state = 2 };
	struct ops_case c = { };
	struct aiaccel_op_gemm *op = &c.op.gemm;
	s8 *out;

	op->hdr.opcode = AIACCEL_OP_GEMM;
	op->hdr.size = sizeof(*op);
	op->input = OPS_VA(0);
	op->weights = OPS_VA(1);
	op->output = OPS_VA(4);
	op->m = 3;
	op->n = 5;
	op->k = 70000;
	op->input_zp = 127;
	op->weight_zp = 127;
	op->requant.multiplier = OPS_Q30;
	op->requant.shift = -21;
	op->act_min = -128;
	op->act_max = 127;
	ops_alloc(test, &c, &r);
	memset(c.buf[0], -128, (size_t)op->m * op->k);
	memset(c.buf[1], -128, (size_t)op->n * op->k);
	if (ops_run(test, &c, 0)) {
		out = c.buf[c.n - 1];
		KUNIT_EXPECT_EQ(test, out[0], 61);
		KUNIT_EXPECT_EQ(test, out[14], 61);
	}
	ops_free(&c);

	/* and random data at that length */
	ops_gen_gemm(&r, &c.op);
	op->m = 2;
	op->n = 6;
	op->k = 40000;
	ops_alloc(test, &c, &r);
	ops_fill_channels(&c, &r, op->bias, op->quant, op->n, op->k);
	ops_run(test, &c, 1);
	ops_free(&c);
}

static void ops_test_conv2d(struct kunit *test)
{
	ops_random(test, 0xc0, 2000, ops_gen_conv_v, 0);
}

static void ops_test_conv2d_pointwise(struct kunit *test)
{
	ops_random(test, 0xc1, 800, ops_gen_conv_v, 1);
}

static void ops_test_conv2d_rows(struct kunit *test)
{
	ops_random(test, 0xc2, 800, ops_gen_conv_v, 2);
}

static void ops_test_conv2d_extreme(struct kunit *test)
{
	ops_random(test, 0xc3, 800, ops_gen_conv_v, 3);
}

static void ops_test_dwconv2d(struct kunit *test)
{
	ops_random(test, 0xd0, 2000, ops_gen_dwconv_v, 0);
}

static void ops_test_dwconv2d_extreme(struct kunit *test)
{
	ops_random(test, 0xd3, 800, ops_gen_dwconv_v, 3);
}

static void ops_test_pool(struct kunit *test)
{
	ops_random(test, 0x9001, 3000, ops_gen_pool_v, 0);
}

static void ops_test_add(struct kunit *test)
{
	ops_random(test, 0xadd, 2000, ops_gen_add_v, 0);
	ops_random(test, 0xadd2, 800, ops_gen_add_v, 1);
}

/*
 * The sum of the rescaled inputs saturates to exactly S32_MAX and S32_MIN:
 * (127 + 128) * 2^20 and (-128 - 127) * 2^20 scaled by (2^31 - 1) * 2^-1
 * saturate at the left shift, the doubling multiply gives +-(2^31 - 2)
 * (+-2^31 rounded), the sums saturate, and MBQM(S32_MAX, 2^30, -31) =
 * 0.5 -> 1, MBQM(S32_MIN, 2^30, -31) = -0.5 -> -1.  One less in magnitude
 * would round to 0.
 */
static void ops_test_add_saturation(struct kunit *test)
{
	static const struct {
		s8 in;
		s32 zp;
		s8 want;
	} cases[] = {
		{ 127, -128, 1 },	/* 255 * 2^20 twice: S32_MAX */
		{ -128, 127, -1 },	/* -255 * 2^20 twice: S32_MIN */
	};
	struct ops_rng r = { .state = 3 };
	struct ops_case c = { };
	struct aiaccel_op_add *op = &c.op.add;
	unsigned int i;
	s8 *out;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ops_gen_add(&r, &c.op, false);
		op->count = 1;
		op->input1_zp = cases[i].zp;
		op->input2_zp = cases[i].zp;
		op->output_zp = 0;
		op->left_shift = 20;
		op->input1_scale.multiplier = S32_MAX;
		op->input1_scale.shift = 30;
		op->input2_scale = op->input1_scale;
		op->output_scale.multiplier = OPS_Q30;
		op->output_scale.shift = -31;
		op->act_min = -128;
		op->act_max = 127;
		ops_alloc(test, &c, &r);
		*(s8 *)c.buf[0] = cases[i].in;
		*(s8 *)c.buf[1] = cases[i].in;
		if (ops_run(test, &c, i)) {
			out = c.buf[2];
			KUNIT_EXPECT_EQ(test, out[0], cases[i].want);
		}
		ops_free(&c);
	}
}

static void ops_test_activation(struct kunit *test)
{
	struct ops_rng r = { .state = 0xac7 };
	struct ops_case c = { };
	unsigned int iter;
	s8 *inplace;
	u64 count;

	ops_random(test, 0xac7, 1000, ops_gen_activation_v, 0);

	/* the reference also works in place */
	for (iter = 0; iter < 20; iter++) {
		ops_gen_activation(&r, &c.op);
		ops_alloc(test, &c, &r);
		count = c.op.activation.count;
		inplace = kvmalloc(count, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, inplace);
		memcpy(inplace, c.buf[0], count);
		KUNIT_EXPECT_EQ(test, aiaccel_ref_activation(&c.op.activation,
							     inplace,
							     c.n == 3 ? c.buf[1] : NULL,
							     inplace), 0);
		ops_run(test, &c, iter);
		KUNIT_EXPECT_EQ(test, memcmp(inplace, c.ref_out, count), 0);
		kvfree(inplace);
		ops_free(&c);
	}
}

/*
 * Shapes larger than the tiles of the engine's local memory, in every
 * dimension, at its size and at the least (ops_random()).
 */
static void ops_test_gemm_tiles(struct kunit *test)
{
	ops_random(test, 0x711e, 30, ops_gen_gemm_big, 0);
}

static void ops_test_conv2d_tiles(struct kunit *test)
{
	ops_random(test, 0xc7, 45, ops_gen_conv_big, 0);
}

static void ops_test_dwconv2d_tiles(struct kunit *test)
{
	ops_random(test, 0xd7, 60, ops_gen_conv_big, 1);
}

static void ops_test_pool_tiles(struct kunit *test)
{
	ops_random(test, 0x9007, 60, ops_gen_pool_big, 0);
}

static void ops_test_elementwise_tiles(struct kunit *test)
{
	ops_random(test, 0xadd7, 45, ops_gen_elementwise_big, 0);
	ops_random(test, 0xac77, 45, ops_gen_elementwise_big, 1);
}

static void ops_test_dma_copy(struct kunit *test)
{
	struct ops_rng r = { .state = 0xd3a };
	struct ops_case c = { };
	unsigned int iter;

	for (iter = 0; iter < 50; iter++) {
		memset(&c.op, 0, sizeof(c.op));
		c.op.hdr.opcode = AIACCEL_OP_DMA_COPY;
		c.op.hdr.size = sizeof(c.op.dma_copy);
		c.op.dma_copy.size = ops_range(&r, 1, 5000);
		c.op.dma_copy.src = OPS_VA(0) + ops_range(&r, 0, 4095);
		c.op.dma_copy.dst = c.op.dma_copy.src +
				    (ops_one_in(&r, 2) ? c.op.dma_copy.size :
				     OPS_VA(0));
		if (ops_one_in(&r, 2))	/* dst below src */
			swap(c.op.dma_copy.src, c.op.dma_copy.dst);
		ops_alloc(test, &c, &r);
		if (!ops_run(test, &c, iter))
			iter = 50;
		else
			KUNIT_EXPECT_EQ(test, memcmp(c.buf[0], c.buf[1],
						     c.op.dma_copy.size), 0);
		ops_free(&c);
	}
}

/*
 * A per-channel scale out of range fails the op in execute() on both
 * implementations, before anything is written.
 */
static void ops_test_per_channel_invalid(struct kunit *test)
{
	static const struct aiaccel_requant bad[] = {
		{ OPS_Q30 - 1, 0 }, { -1, 0 }, { S32_MIN, 0 }, { 1, -3 },
		{ OPS_Q30, 31 }, { OPS_Q30, -32 }, { 0, S32_MIN },
	};
	struct ops_rng r = { .state = 0xbad };
	struct ops_case c = { };
	struct aiaccel_requant *quant;
	unsigned int i, kind, channels, at;
	u64 size, j;
	const u8 *out;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (kind = 0; kind < 3; kind++) {
			if (kind == 0)
				ops_gen_gemm(&r, &c.op);
			else
				ops_gen_conv(&r, &c.op, kind == 2, 0);
			c.op.hdr.flags |= AIACCEL_OP_F_PER_CHANNEL;
			channels = kind ? c.op.conv2d.out_c : c.op.gemm.n;
			ops_alloc(test, &c, &r);
			quant = ops_buf(&c, kind ? c.op.conv2d.quant :
						   c.op.gemm.quant);
			for (j = 0; j < channels; j++)
				ops_requant(&r, &quant[j], -10);
			at = ops_range(&r, 0, channels - 1);
			quant[at] = bad[i];

			KUNIT_EXPECT_EQ(test, aiaccel_sim_op_execute(&c.op.hdr, c.buf,
								     c.n, c.sram,
								     c.sram_size),
					-EINVAL);
			KUNIT_EXPECT_EQ(test, ops_ref_run(&c), -EINVAL);
			out = c.buf[c.n - 1];
			size = c.t[c.n - 1].size;
			for (j = 0; j < size; j++)
				if (out[j] != OPS_POISON ||
				    ((u8 *)c.ref_out)[j] != OPS_POISON)
					break;
			KUNIT_EXPECT_EQ_MSG(test, j, size,
					    "output written, bad entry %u kind %u",
					    i, kind);
			ops_free(&c);
		}
	}
}

/* ------------------------------------------------------------------------
 * Validation, tensor lists and costs
 */

static const union aiaccel_sim_op ops_nop = { .nop = {
		.hdr = { AIACCEL_OP_NOP, sizeof(struct aiaccel_op_nop), 0 },
} };

static const union aiaccel_sim_op ops_dma = { .dma_copy = {
		.hdr = { AIACCEL_OP_DMA_COPY, sizeof(struct aiaccel_op_dma_copy), 0 },
		.src = 0x10000000, .dst = 0x40000000, .size = 1000,
} };

static const union aiaccel_sim_op ops_gemm = { .gemm = {
		.hdr = { AIACCEL_OP_GEMM, sizeof(struct aiaccel_op_gemm), 0 },
		.input = OPS_VA(0), .weights = OPS_VA(1), .bias = OPS_VA(2),
		.output = OPS_VA(4), .quant = OPS_VA(3),
		.m = 2, .n = 3, .k = 4,
		.requant = { OPS_Q30, -3 }, .act_min = -128, .act_max = 127,
} };

static const union aiaccel_sim_op ops_conv = { .conv2d = {
		.hdr = { AIACCEL_OP_CONV2D, sizeof(struct aiaccel_op_conv2d), 0 },
		.input = OPS_VA(0), .filter = OPS_VA(1), .bias = OPS_VA(2),
		.output = OPS_VA(4), .quant = OPS_VA(3),
		.batch = 1, .in_h = 5, .in_w = 5, .in_c = 3,
		.out_h = 3, .out_w = 3, .out_c = 4, .k_h = 3, .k_w = 3,
		.stride_h = 1, .stride_w = 1, .dilation_h = 1, .dilation_w = 1,
		.requant = { OPS_Q30, -3 }, .act_min = -128, .act_max = 127,
} };

static const union aiaccel_sim_op ops_dw = { .conv2d = {
		.hdr = { AIACCEL_OP_DWCONV2D, sizeof(struct aiaccel_op_conv2d), 0 },
		.input = OPS_VA(0), .filter = OPS_VA(1), .bias = OPS_VA(2),
		.output = OPS_VA(4), .quant = OPS_VA(3),
		.batch = 1, .in_h = 4, .in_w = 4, .in_c = 2,
		.out_h = 2, .out_w = 2, .out_c = 4, .k_h = 3, .k_w = 3,
		.stride_h = 1, .stride_w = 1, .dilation_h = 1, .dilation_w = 1,
		.requant = { OPS_Q30, -3 }, .act_min = -128, .act_max = 127,
} };

static const union aiaccel_sim_op ops_pool = { .pool = {
		.hdr = { AIACCEL_OP_MAXPOOL, sizeof(struct aiaccel_op_pool), 0 },
		.input = OPS_VA(0), .output = OPS_VA(1),
		.batch = 1, .in_h = 4, .in_w = 4, .channels = 3,
		.out_h = 2, .out_w = 2, .k_h = 2, .k_w = 2,
		.stride_h = 2, .stride_w = 2, .act_min = -128, .act_max = 127,
} };

static const union aiaccel_sim_op ops_add = { .add = {
		.hdr = { AIACCEL_OP_ADD, sizeof(struct aiaccel_op_add), 0 },
		.input1 = OPS_VA(0), .input2 = OPS_VA(1), .output = OPS_VA(2),
		.count = 100, .left_shift = 20,
		.input1_scale = { OPS_Q30, -21 }, .input2_scale = { OPS_Q30, -21 },
		.output_scale = { OPS_Q30, 1 }, .act_min = -128, .act_max = 127,
} };

static const union aiaccel_sim_op ops_activation = { .activation = {
		.hdr = { AIACCEL_OP_ACTIVATION, sizeof(struct aiaccel_op_activation), 0 },
		.input = OPS_VA(0), .output = OPS_VA(2), .lut = OPS_VA(1),
		.count = 100, .mode = AIACCEL_ACT_LUT, .act_min = -128, .act_max = 127,
} };

/* Both implementations must reject @u, and the model's every entry point. */
static void ops_expect_invalid(struct kunit *test,
			       const union aiaccel_sim_op *u, const char *what)
{
	struct aiaccel_sim_tensor t[OPS_MAX];
	struct aiaccel_sim_cost cost;
	void *bufs[OPS_MAX] = { };

	KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_validate(&u->hdr), -EINVAL,
			    "model accepts %s", what);
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_ref_validate(&u->hdr), -EINVAL,
			    "reference accepts %s", what);
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_tensors(&u->hdr, t, OPS_MAX),
			    -EINVAL, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_cost(&u->hdr, &cost),
			    -EINVAL, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_execute(&u->hdr, bufs, 0, NULL, 0),
			    -EINVAL, "%s", what);
}

static void ops_expect_valid(struct kunit *test,
			     const union aiaccel_sim_op *u, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_validate(&u->hdr), 0,
			    "model rejects %s", what);
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_ref_validate(&u->hdr), 0,
			    "reference rejects %s", what);
}

/* Change one field of a valid base op and expect it to be (in)valid. */
#define OPS_CHECK(fn, base, field, value)				\
	do {								\
		union aiaccel_sim_op u = (base);			\
									\
		u.field = (value);					\
		fn(test, &u, #field " = " #value);			\
	} while (0)
#define OPS_BAD(base, field, value) \
	OPS_CHECK(ops_expect_invalid, base, field, value)
#define OPS_OK(base, field, value) \
	OPS_CHECK(ops_expect_valid, base, field, value)

/* The same with two fields. */
#define OPS_CHECK2(fn, base, f1, v1, f2, v2)				\
	do {								\
		union aiaccel_sim_op u = (base);			\
									\
		u.f1 = (v1);						\
		u.f2 = (v2);						\
		fn(test, &u, #f1 " = " #v1 ", " #f2 " = " #v2);		\
	} while (0)
#define OPS_BAD2(base, f1, v1, f2, v2) \
	OPS_CHECK2(ops_expect_invalid, base, f1, v1, f2, v2)
#define OPS_OK2(base, f1, v1, f2, v2) \
	OPS_CHECK2(ops_expect_valid, base, f1, v1, f2, v2)

static void ops_test_validate_common(struct kunit *test)
{
	OPS_OK(ops_nop, nop.hdr.flags, 0);
	OPS_BAD(ops_nop, nop.hdr.flags, 1);
	OPS_BAD(ops_nop, nop.hdr.size, 16);
	OPS_BAD(ops_nop, nop.hdr.size, 0);
	OPS_BAD(ops_nop, nop.hdr.opcode, 0x02);
	OPS_BAD(ops_nop, nop.hdr.opcode, 0x17);
	OPS_BAD(ops_nop, nop.hdr.opcode, 0xffff);
	/* a header of another op's size */
	OPS_BAD(ops_gemm, gemm.hdr.size, sizeof(struct aiaccel_op_add) + 8);
	OPS_BAD(ops_gemm, gemm.hdr.size, sizeof(struct aiaccel_op_gemm) - 8);
	OPS_BAD(ops_conv, conv2d.hdr.size, sizeof(struct aiaccel_op_pool));
	OPS_BAD(ops_pool, pool.hdr.opcode, AIACCEL_OP_GEMM);

	OPS_OK(ops_dma, dma_copy.size, 1);
	OPS_OK(ops_dma, dma_copy.size, 1ULL << 28);
	OPS_OK(ops_dma, dma_copy.dst, 0x10000000 + 1000);
	OPS_OK(ops_dma, dma_copy.dst, 0x10000000 - 1000);
	OPS_OK(ops_dma, dma_copy.dst, U64_MAX - 999);
	OPS_OK(ops_dma, dma_copy.src, 0);
	OPS_BAD(ops_dma, dma_copy.size, 0);
	OPS_BAD(ops_dma, dma_copy.size, (1ULL << 28) + 1);
	OPS_BAD(ops_dma, dma_copy.size, U64_MAX);
	OPS_BAD(ops_dma, dma_copy.dst, 0x10000000);
	OPS_BAD(ops_dma, dma_copy.dst, 0x10000000 + 999);
	OPS_BAD(ops_dma, dma_copy.dst, 0x10000000 - 999);
	OPS_BAD(ops_dma, dma_copy.src, 0x40000000 + 999);
	OPS_BAD(ops_dma, dma_copy.hdr.flags, AIACCEL_OP_F_BIAS);

	OPS_OK(ops_add, add.left_shift, 0);
	OPS_OK(ops_add, add.count, 1 << 28);
	OPS_BAD(ops_add, add.count, 0);
	OPS_BAD(ops_add, add.count, (1 << 28) + 1);
	OPS_BAD(ops_add, add.count, U32_MAX);
	OPS_BAD(ops_add, add.left_shift, -1);
	OPS_BAD(ops_add, add.left_shift, 21);
	OPS_BAD(ops_add, add.pad, 1);
	OPS_BAD(ops_add, add.hdr.flags, 4);
	OPS_BAD(ops_add, add.input1_zp, -129);
	OPS_BAD(ops_add, add.input2_zp, 128);
	OPS_BAD(ops_add, add.output_zp, S32_MIN);
	OPS_BAD(ops_add, add.input1_scale.multiplier, OPS_Q30 - 1);
	OPS_BAD(ops_add, add.input2_scale.multiplier, -1);
	OPS_BAD(ops_add, add.output_scale.shift, 31);
	OPS_BAD(ops_add, add.input1_scale.shift, -32);
	OPS_BAD(ops_add, add.act_min, -129);
	OPS_BAD(ops_add, add.act_max, 128);
	OPS_OK(ops_add, add.act_min, 127);
	OPS_OK(ops_add, add.act_max, -128);
	OPS_BAD2(ops_add, add.act_min, 5, add.act_max, 4);

	OPS_OK(ops_activation, activation.mode, AIACCEL_ACT_CLAMP);
	OPS_BAD(ops_activation, activation.mode, 2);
	OPS_BAD(ops_activation, activation.count, 0);
	OPS_BAD(ops_activation, activation.count, (1 << 28) + 1);
	OPS_BAD(ops_activation, activation.hdr.flags, AIACCEL_OP_F_PER_CHANNEL);
	/* the clamp bounds are checked in LUT mode too */
	OPS_BAD(ops_activation, activation.act_min, 1000);
	OPS_BAD(ops_activation, activation.act_max, -129);
	OPS_BAD2(ops_activation, activation.act_min, 0, activation.act_max, -1);

	OPS_OK(ops_pool, pool.pad_top, 1);
	OPS_OK(ops_pool, pool.k_h, U32_MAX);
	OPS_BAD(ops_pool, pool.pad_top, 2);
	OPS_BAD(ops_pool, pool.pad_left, 2);
	OPS_BAD(ops_pool, pool.batch, 0);
	OPS_BAD(ops_pool, pool.in_h, 0);
	OPS_BAD(ops_pool, pool.in_w, 0);
	OPS_BAD(ops_pool, pool.channels, 0);
	OPS_BAD(ops_pool, pool.out_h, 0);
	OPS_BAD(ops_pool, pool.out_w, 0);
	OPS_BAD(ops_pool, pool.k_h, 0);
	OPS_BAD(ops_pool, pool.k_w, 0);
	OPS_BAD(ops_pool, pool.stride_h, 0);
	OPS_BAD(ops_pool, pool.stride_w, 0);
	OPS_BAD(ops_pool, pool.act_min, -129);
	OPS_BAD2(ops_pool, pool.act_min, 1, pool.act_max, 0);
	OPS_BAD(ops_pool, pool.hdr.flags, AIACCEL_OP_F_BIAS);
	OPS_BAD(ops_pool, pool.channels, (1 << 24) + 1);
	OPS_BAD(ops_pool, pool.out_h, 1 << 27);
	OPS_BAD(ops_pool, pool.in_w, U32_MAX);
}

static void ops_test_validate_mac(struct kunit *test)
{
	OPS_OK(ops_gemm, gemm.hdr.flags, OPS_MAC_FLAGS);
	OPS_BAD(ops_gemm, gemm.hdr.flags, 4);
	OPS_BAD(ops_gemm, gemm.hdr.flags, 1U << 31);
	OPS_BAD(ops_gemm, gemm.m, 0);
	OPS_BAD(ops_gemm, gemm.n, 0);
	OPS_BAD(ops_gemm, gemm.k, 0);
	OPS_BAD(ops_gemm, gemm.input_zp, 128);
	OPS_BAD(ops_gemm, gemm.weight_zp, -129);
	OPS_BAD(ops_gemm, gemm.output_zp, S32_MAX);
	OPS_OK(ops_gemm, gemm.output_zp, -128);
	OPS_BAD(ops_gemm, gemm.act_min, -129);
	OPS_BAD(ops_gemm, gemm.act_max, 128);
	OPS_BAD2(ops_gemm, gemm.act_min, 10, gemm.act_max, 9);
	OPS_OK2(ops_gemm, gemm.act_min, 10, gemm.act_max, 10);
	OPS_OK(ops_gemm, gemm.requant.multiplier, 0);
	OPS_OK(ops_gemm, gemm.requant.multiplier, S32_MAX);
	OPS_OK(ops_gemm, gemm.requant.shift, -31);
	OPS_OK(ops_gemm, gemm.requant.shift, 30);
	OPS_BAD(ops_gemm, gemm.requant.multiplier, 1);
	OPS_BAD(ops_gemm, gemm.requant.multiplier, OPS_Q30 - 1);
	OPS_BAD(ops_gemm, gemm.requant.multiplier, S32_MIN);
	OPS_BAD(ops_gemm, gemm.requant.shift, 31);
	OPS_BAD(ops_gemm, gemm.requant.shift, -32);
	/* with per-channel scales the per-tensor one is not used */
	{
		union aiaccel_sim_op u = ops_gemm;

		u.gemm.hdr.flags = AIACCEL_OP_F_PER_CHANNEL;
		u.gemm.requant.multiplier = -5;
		u.gemm.requant.shift = 99;
		ops_expect_valid(test, &u, "per-channel, bad per-tensor scale");
	}
	/* tensor sizes: exactly 2^28 is fine, more is not */
	{
		union aiaccel_sim_op u = ops_gemm;

		u.gemm.m = 1 << 14;
		u.gemm.n = 1 << 14;
		u.gemm.k = 1 << 14;
		ops_expect_valid(test, &u, "gemm 2^14 cubed");
		u.gemm.k++;
		ops_expect_invalid(test, &u, "gemm input > 2^28");
		u.gemm.k = 1;
		u.gemm.m = 1;
		u.gemm.n = (1 << 28) + 1;
		ops_expect_invalid(test, &u, "gemm weights > 2^28");
		u.gemm.n = 1 << 26;
		u.gemm.hdr.flags = AIACCEL_OP_F_BIAS;
		ops_expect_valid(test, &u, "gemm bias of 2^28 bytes");
		u.gemm.n++;
		ops_expect_invalid(test, &u, "gemm bias > 2^28");
		u.gemm.hdr.flags = 0;
		ops_expect_valid(test, &u, "gemm n = 2^26 + 1 without bias");
		u.gemm.hdr.flags = AIACCEL_OP_F_PER_CHANNEL;
		u.gemm.n = 1 << 25;
		ops_expect_valid(test, &u, "gemm quant of 2^28 bytes");
		u.gemm.n++;
		ops_expect_invalid(test, &u, "gemm quant > 2^28");
		u.gemm.n = U32_MAX;
		u.gemm.m = U32_MAX;
		u.gemm.k = U32_MAX;
		ops_expect_invalid(test, &u, "gemm all U32_MAX");
	}

	OPS_OK(ops_conv, conv2d.hdr.flags, OPS_MAC_FLAGS);
	OPS_OK(ops_conv, conv2d.pad_top, U32_MAX);
	OPS_OK(ops_conv, conv2d.pad_left, U32_MAX);
	OPS_OK(ops_conv, conv2d.out_c, 5);
	OPS_BAD(ops_conv, conv2d.hdr.flags, 8);
	OPS_BAD(ops_conv, conv2d.batch, 0);
	OPS_BAD(ops_conv, conv2d.in_h, 0);
	OPS_BAD(ops_conv, conv2d.in_w, 0);
	OPS_BAD(ops_conv, conv2d.in_c, 0);
	OPS_BAD(ops_conv, conv2d.out_h, 0);
	OPS_BAD(ops_conv, conv2d.out_w, 0);
	OPS_BAD(ops_conv, conv2d.out_c, 0);
	OPS_BAD(ops_conv, conv2d.k_h, 0);
	OPS_BAD(ops_conv, conv2d.k_w, 0);
	OPS_BAD(ops_conv, conv2d.stride_h, 0);
	OPS_BAD(ops_conv, conv2d.stride_w, 0);
	OPS_BAD(ops_conv, conv2d.dilation_h, 0);
	OPS_BAD(ops_conv, conv2d.dilation_w, 0);
	OPS_BAD(ops_conv, conv2d.input_zp, -200);
	OPS_BAD(ops_conv, conv2d.filter_zp, 128);
	OPS_BAD(ops_conv, conv2d.output_zp, 300);
	OPS_BAD(ops_conv, conv2d.act_max, 200);
	OPS_BAD2(ops_conv, conv2d.act_min, -5, conv2d.act_max, -6);
	OPS_BAD(ops_conv, conv2d.requant.multiplier, -OPS_Q30);
	OPS_BAD(ops_conv, conv2d.requant.shift, 64);
	OPS_BAD(ops_conv, conv2d.in_c, 1 << 24);
	OPS_BAD(ops_conv, conv2d.out_h, 1 << 25);
	OPS_BAD(ops_conv, conv2d.k_w, 1 << 25);
	OPS_BAD(ops_conv, conv2d.batch, U32_MAX);

	OPS_OK(ops_dw, conv2d.out_c, 2);
	OPS_OK(ops_dw, conv2d.out_c, 6);
	OPS_OK(ops_dw, conv2d.in_c, 1);
	OPS_BAD(ops_dw, conv2d.out_c, 3);
	OPS_BAD(ops_dw, conv2d.out_c, 1);
	OPS_BAD(ops_dw, conv2d.in_c, 0);
	OPS_BAD(ops_dw, conv2d.k_h, 0);
	OPS_BAD(ops_dw, conv2d.dilation_w, 0);
	OPS_BAD(ops_dw, conv2d.filter_zp, -129);
	OPS_BAD(ops_dw, conv2d.hdr.flags, 4);
	/* the depthwise filter is k_h * k_w * out_c: 2^22 * 2^4 * 4 */
	OPS_OK2(ops_dw, conv2d.k_h, 1 << 22, conv2d.k_w, 1 << 4);
	OPS_BAD2(ops_dw, conv2d.k_h, (1 << 22) + 1, conv2d.k_w, 1 << 4);
	/* ... while CONV2D's has another factor in_c = 2 */
	{
		union aiaccel_sim_op u = ops_dw;

		u.conv2d.k_h = 1 << 22;
		u.conv2d.k_w = 1 << 4;
		u.hdr.opcode = AIACCEL_OP_CONV2D;
		ops_expect_invalid(test, &u, "conv2d filter 2^29");
	}
}

/*
 * Outputs overlapping inputs: allowed only where streaming through the
 * local memory gives the result of reading every input first.  The
 * reference leaves this to its callers, so only the model is asked.
 */
static void ops_expect_overlap(struct kunit *test, const union aiaccel_sim_op *u,
			       int want, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_validate(&u->hdr), want, "%s", what);
}

#define OPS_OVERLAP(base, field, value, want)				\
	do {								\
		union aiaccel_sim_op u = (base);			\
									\
		u.field = (value);					\
		ops_expect_overlap(test, &u, want, #field " = " #value);\
	} while (0)

static void ops_test_validate_overlap(struct kunit *test)
{
	union aiaccel_sim_op b;

	/* MAC ops and pooling: no overlap, by a single byte */
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(0), -EINVAL);
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(0) + 7, -EINVAL);
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(0) + 8, 0);
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(0) - 5, -EINVAL);
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(0) - 6, 0);
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(1) + 11, -EINVAL);
	/* bias and quant only when their flag makes the op read them */
	OPS_OVERLAP(ops_gemm, gemm.output, OPS_VA(2), 0);
	b = ops_gemm;
	b.gemm.hdr.flags = AIACCEL_OP_F_BIAS;
	OPS_OVERLAP(b, gemm.output, OPS_VA(2) + 8, -EINVAL);
	b.gemm.hdr.flags = AIACCEL_OP_F_PER_CHANNEL;
	OPS_OVERLAP(b, gemm.output, OPS_VA(3) + 20, -EINVAL);
	OPS_OVERLAP(ops_conv, conv2d.output, OPS_VA(0) + 74, -EINVAL);
	OPS_OVERLAP(ops_conv, conv2d.output, OPS_VA(1), -EINVAL);
	OPS_OVERLAP(ops_dw, conv2d.output, OPS_VA(0), -EINVAL);
	OPS_OVERLAP(ops_dw, conv2d.output, OPS_VA(1) - 15, -EINVAL);
	OPS_OVERLAP(ops_dw, conv2d.output, OPS_VA(1) - 16, 0);
	OPS_OVERLAP(ops_pool, pool.output, OPS_VA(0), -EINVAL);
	OPS_OVERLAP(ops_pool, pool.output, OPS_VA(0) + 47, -EINVAL);
	OPS_OVERLAP(ops_pool, pool.output, OPS_VA(0) + 48, 0);
	/* inputs may overlap each other */
	OPS_OVERLAP(ops_gemm, gemm.weights, OPS_VA(0), 0);
	OPS_OVERLAP(ops_add, add.input2, OPS_VA(0) + 1, 0);

	/* element-wise ops: in place, or inputs all on one side */
	OPS_OVERLAP(ops_add, add.output, OPS_VA(0), 0);
	OPS_OVERLAP(ops_add, add.output, OPS_VA(0) + 50, 0);
	OPS_OVERLAP(ops_add, add.output, OPS_VA(0) - 50, 0);
	OPS_OVERLAP(ops_add, add.output, OPS_VA(1) + 99, 0);
	b = ops_add;
	b.add.input2 = OPS_VA(0);
	OPS_OVERLAP(b, add.output, OPS_VA(0), 0);
	OPS_OVERLAP(b, add.output, OPS_VA(0) + 1, 0);
	b.add.input2 = OPS_VA(0) + 100;
	OPS_OVERLAP(b, add.output, OPS_VA(0) + 50, -EINVAL);
	OPS_OVERLAP(b, add.output, OPS_VA(0) + 100, 0);
	OPS_OVERLAP(b, add.output, OPS_VA(0), 0);
	OPS_OVERLAP(ops_activation, activation.output, OPS_VA(0), 0);
	OPS_OVERLAP(ops_activation, activation.output, OPS_VA(0) + 3, 0);
	OPS_OVERLAP(ops_activation, activation.output, OPS_VA(0) - 3, 0);
	/* the table is loaded whole before anything is written */
	OPS_OVERLAP(ops_activation, activation.output, OPS_VA(1) + 1, 0);
	b = ops_activation;
	b.activation.lut = OPS_VA(0) + 10;
	OPS_OVERLAP(b, activation.output, OPS_VA(0) + 5, 0);
	/* copies: no overlap at all (ops_test_validate_common) */
}

/* ------------------------------------------------------------------------
 * What an op does through its port
 */

/**
 * struct ops_port - A port over the buffers of an &struct ops_case that
 *	watches the op.
 * @port: The port.
 * @c: The case.
 * @probed: Bytes of each tensor probed so far, from its start.
 * @units: Work units retired.
 * @lasts: Of which marked last.
 * @unit_bytes: Bytes read and written in the current unit.
 * @max_unit_bytes: Most bytes read and written in one unit.
 * @stop_at: Stop the op at this unit (0: never).
 * @after_stop: Accesses after the op was stopped, or after its last unit.
 * @early: Accesses to a tensor before every input was probed, or writes
 *	before the output was.
 */
struct ops_port {
	struct aiaccel_sim_port port;
	struct ops_case *c;
	u64 probed[OPS_MAX];
	unsigned int units;
	unsigned int lasts;
	u64 unit_bytes;
	u64 max_unit_bytes;
	unsigned int stop_at;
	unsigned int after_stop;
	unsigned int early;
};

static bool ops_port_stopped(struct ops_port *p)
{
	return p->lasts || (p->stop_at && p->units >= p->stop_at);
}

static int ops_port_probe(struct aiaccel_sim_port *port, unsigned int t,
			  u64 off, u64 len)
{
	struct ops_port *p = container_of(port, struct ops_port, port);
	unsigned int i;

	/* in tensor order, each from its start to its end */
	for (i = 0; i < t; i++)
		if (p->probed[i] != p->c->t[i].size)
			p->early++;
	if (off != p->probed[t])
		p->early++;
	p->probed[t] = off + len;
	return 0;
}

static void ops_port_access(struct ops_port *p, unsigned int t, size_t len,
			    bool write)
{
	int i, last = write ? p->c->n : p->c->n - 1;

	for (i = 0; i < last; i++)
		if (p->probed[i] != p->c->t[i].size)
			p->early++;
	if (ops_port_stopped(p))
		p->after_stop++;
	p->unit_bytes += len;
}

static int ops_port_read(struct aiaccel_sim_port *port, unsigned int t,
			 u64 off, void *buf, size_t len)
{
	struct ops_port *p = container_of(port, struct ops_port, port);

	ops_port_access(p, t, len, false);
	memcpy(buf, (u8 *)p->c->buf[t] + off, len);
	return 0;
}

static int ops_port_write(struct aiaccel_sim_port *port, unsigned int t,
			  u64 off, const void *buf, size_t len)
{
	struct ops_port *p = container_of(port, struct ops_port, port);

	ops_port_access(p, t, len, true);
	memcpy((u8 *)p->c->buf[t] + off, buf, len);
	return 0;
}

static int ops_port_unit(struct aiaccel_sim_port *port, bool last)
{
	struct ops_port *p = container_of(port, struct ops_port, port);

	if (ops_port_stopped(p))
		p->after_stop++;
	p->units++;
	p->lasts += last;
	p->max_unit_bytes = max(p->max_unit_bytes, p->unit_bytes);
	p->unit_bytes = 0;
	return p->stop_at && p->units == p->stop_at ? -ECANCELED : 0;
}

static int ops_port_run(struct ops_port *p, struct ops_case *c)
{
	*p = (struct ops_port){
		.port = {
			.probe = ops_port_probe,
			.read = ops_port_read,
			.write = ops_port_write,
			.unit = ops_port_unit,
		},
		.c = c,
		.stop_at = p->stop_at,
	};
	return aiaccel_sim_op_run(&c->op.hdr, &p->port, c->sram, c->sram_size);
}

/*
 * Work units: at least one per op, one more per AIACCEL_SIM_UNIT_WORK
 * MACs at most, never more bytes than that in one; every tensor probed
 * before any is accessed; nothing after the last unit.
 */
static void ops_test_units(struct kunit *test)
{
	struct ops_rng r = { .state = 0x0717 };
	struct ops_port p = { };
	struct ops_case c = { };
	u64 macs;

	c.op = ops_nop;
	c.sram_size = AIACCEL_SIM_SRAM_MIN;
	c.sram = kvmalloc(c.sram_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c.sram);
	KUNIT_EXPECT_EQ(test, ops_port_run(&p, &c), 0);
	KUNIT_EXPECT_EQ(test, p.units, 1);
	KUNIT_EXPECT_EQ(test, p.lasts, 1);
	ops_free(&c);
	c.sram_size = 0;

	ops_gen_gemm(&r, &c.op);
	c.op.gemm.m = 200;
	c.op.gemm.n = 150;
	c.op.gemm.k = 1700;
	c.op.hdr.flags = OPS_MAC_FLAGS;
	macs = (u64)200 * 150 * 1700;
	ops_alloc(test, &c, &r);
	ops_fill_channels(&c, &r, c.op.gemm.bias, c.op.gemm.quant, 150, 1700);
	KUNIT_EXPECT_EQ(test, ops_port_run(&p, &c), 0);
	KUNIT_EXPECT_EQ(test, ops_ref_run(&c), 0);
	KUNIT_EXPECT_MEMEQ(test, c.buf[c.n - 1], c.ref_out, 200 * 150);
	KUNIT_EXPECT_GE(test, p.units, div_u64(macs, AIACCEL_SIM_UNIT_WORK));
	KUNIT_EXPECT_LE(test, p.max_unit_bytes, AIACCEL_SIM_UNIT_WORK);
	KUNIT_EXPECT_EQ(test, p.lasts, 1);
	KUNIT_EXPECT_EQ(test, p.early, 0);
	KUNIT_EXPECT_EQ(test, p.after_stop, 0);
	kunit_info(test, "gemm 200x150x1700: %u units, at most %llu bytes in one\n",
		   p.units, (unsigned long long)p.max_unit_bytes);

	/* Stopped at a unit: the op returns the port's error, does no more. */
	p.stop_at = p.units / 2;
	KUNIT_EXPECT_EQ(test, ops_port_run(&p, &c), -ECANCELED);
	KUNIT_EXPECT_EQ(test, p.units, p.stop_at);
	KUNIT_EXPECT_EQ(test, p.after_stop, 0);
	KUNIT_EXPECT_EQ(test, p.lasts, 0);
	ops_free(&c);
}

struct ops_cost_case {
	const char *name;
	const void *op;
	int tensors;
	u64 macs, bytes, cycles;
};

static const struct ops_cost_case ops_cost_cases[] = {
	{ "nop", &ops_nop, 0, 0, 0, 16 },
	/* 2000 bytes: 16 + 32 */
	{ "dma", &ops_dma, 2, 0, 2000, 48 },
	/* 8 + 12 + 6 bytes, 24 macs: 16 + 1 + 1 */
	{ "gemm", &ops_gemm, 3, 24, 26, 18 },
	/* 3*3*4 * 3*3*3 = 972 macs, 75 + 108 + 36 bytes: 16 + 4 + 4 */
	{ "conv", &ops_conv, 3, 972, 219, 24 },
	/* 2*2*4 * 3*3 = 144 macs, 32 + 36 + 16 bytes: 16 + 1 + 2 */
	{ "dwconv", &ops_dw, 3, 144, 84, 19 },
	/* 48 + 12 bytes */
	{ "pool", &ops_pool, 2, 0, 60, 17 },
	/* 300 bytes */
	{ "add", &ops_add, 3, 0, 300, 21 },
	/* 100 + 256 + 100 bytes */
	{ "lut", &ops_activation, 3, 0, 456, 24 },
};

static void ops_test_tensors_cost(struct kunit *test)
{
	union aiaccel_sim_op gemm = ops_gemm;
	union aiaccel_sim_op big = ops_gemm;
	union aiaccel_sim_op act = ops_activation;
	const struct ops_cost_case *cc;
	struct aiaccel_sim_tensor t[OPS_MAX];
	struct aiaccel_sim_cost cost;
	void *bufs[OPS_MAX] = { };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops_cost_cases); i++) {
		cc = &ops_cost_cases[i];
		KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_tensors(cc->op, t, OPS_MAX),
				    cc->tensors, "%s", cc->name);
		KUNIT_EXPECT_EQ_MSG(test, aiaccel_sim_op_cost(cc->op, &cost), 0,
				    "%s", cc->name);
		KUNIT_EXPECT_EQ_MSG(test, cost.macs, cc->macs, "%s", cc->name);
		KUNIT_EXPECT_EQ_MSG(test, cost.bytes, cc->bytes, "%s", cc->name);
		KUNIT_EXPECT_EQ_MSG(test, cost.cycles, cc->cycles, "%s", cc->name);
	}

	/* GEMM with bias and per-channel scales: order, VAs, sizes */
	gemm.hdr.flags = AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL;
	KUNIT_ASSERT_EQ(test, aiaccel_sim_op_tensors(&gemm.hdr, t, OPS_MAX), 5);
	KUNIT_EXPECT_EQ(test, t[0].va, OPS_VA(0));
	KUNIT_EXPECT_EQ(test, t[0].size, 8);
	KUNIT_EXPECT_EQ(test, t[1].va, OPS_VA(1));
	KUNIT_EXPECT_EQ(test, t[1].size, 12);
	KUNIT_EXPECT_EQ(test, t[2].va, OPS_VA(2));
	KUNIT_EXPECT_EQ(test, t[2].size, 12);
	KUNIT_EXPECT_EQ(test, t[3].va, OPS_VA(3));
	KUNIT_EXPECT_EQ(test, t[3].size, 24);
	KUNIT_EXPECT_EQ(test, t[4].va, OPS_VA(4));
	KUNIT_EXPECT_EQ(test, t[4].size, 6);
	KUNIT_EXPECT_EQ(test, t[4].is_write, true);
	KUNIT_EXPECT_EQ(test, t[0].is_write || t[1].is_write || t[2].is_write ||
			t[3].is_write, false);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_op_cost(&gemm.hdr, &cost), 0);
	KUNIT_EXPECT_EQ(test, cost.bytes, 62);
	KUNIT_EXPECT_EQ(test, cost.cycles, 18);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_op_tensors(&gemm.hdr, t, 4), -ENOSPC);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_op_execute(&gemm.hdr, bufs, 4, NULL, 0),
			-EINVAL);

	/* activation in CLAMP mode reads no table */
	act.activation.mode = AIACCEL_ACT_CLAMP;
	KUNIT_EXPECT_EQ(test, aiaccel_sim_op_tensors(&act.hdr, t, OPS_MAX), 2);
	KUNIT_EXPECT_EQ(test, aiaccel_sim_op_cost(&act.hdr, &cost), 0);
	KUNIT_EXPECT_EQ(test, cost.cycles, 16 + 4);

	/*
	 * The largest GEMM: 2^42 macs and 3 * 2^28 bytes, so
	 * 16 + 2^34 + 3 * 2^22 cycles.
	 */
	big.gemm.m = 1 << 14;
	big.gemm.n = 1 << 14;
	big.gemm.k = 1 << 14;
	KUNIT_EXPECT_EQ(test, aiaccel_sim_op_cost(&big.hdr, &cost), 0);
	KUNIT_EXPECT_EQ(test, cost.macs, 1ULL << 42);
	KUNIT_EXPECT_EQ(test, cost.bytes, 3ULL << 28);
	KUNIT_EXPECT_EQ(test, cost.cycles, 17192452112ULL);
}

static struct kunit_case aiaccel_sim_ops_cases[] = {
	KUNIT_CASE(ops_test_requant_edges),
	KUNIT_CASE(ops_test_requant_random),
	KUNIT_CASE(ops_test_gemm),
	KUNIT_CASE(ops_test_gemm_wrap),
	KUNIT_CASE(ops_test_conv2d),
	KUNIT_CASE(ops_test_conv2d_pointwise),
	KUNIT_CASE(ops_test_conv2d_rows),
	KUNIT_CASE(ops_test_conv2d_extreme),
	KUNIT_CASE(ops_test_dwconv2d),
	KUNIT_CASE(ops_test_dwconv2d_extreme),
	KUNIT_CASE(ops_test_pool),
	KUNIT_CASE(ops_test_add),
	KUNIT_CASE(ops_test_add_saturation),
	KUNIT_CASE(ops_test_activation),
	KUNIT_CASE(ops_test_gemm_tiles),
	KUNIT_CASE(ops_test_conv2d_tiles),
	KUNIT_CASE(ops_test_dwconv2d_tiles),
	KUNIT_CASE(ops_test_pool_tiles),
	KUNIT_CASE(ops_test_elementwise_tiles),
	KUNIT_CASE(ops_test_dma_copy),
	KUNIT_CASE(ops_test_per_channel_invalid),
	KUNIT_CASE(ops_test_units),
	KUNIT_CASE(ops_test_validate_common),
	KUNIT_CASE(ops_test_validate_mac),
	KUNIT_CASE(ops_test_validate_overlap),
	KUNIT_CASE(ops_test_tensors_cost),
	{}
};

static struct kunit_suite aiaccel_sim_ops_suite = {
	.name = "aiaccel_sim_ops",
	.test_cases = aiaccel_sim_ops_cases,
};

kunit_test_suite(aiaccel_sim_ops_suite);
