// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim_ops: the op kernels of the aiaccel hardware model.
 *
 * These compute what the engines of the chip would compute, as fast as the
 * CPU reasonably allows, and bit-exact with the reference implementation
 * (the KUnit suites' aiaccel_ref.c); KUnit checks that.  Like an engine with a
 * fixed local memory ("SRAM"), they stream the tensors through it: an op
 * is cut into tiles that fit, loaded and stored through the port the
 * engine provides (its view of device memory through the MMU), and the
 * work into units of at most AIACCEL_SIM_UNIT_WORK, at whose boundaries
 * the engine counts progress, stretches time for a slow clock and may
 * stop the op.  Nothing but the local memory is used, whatever the
 * tensor sizes.
 *
 * How they are fast:
 *
 * - GEMM and CONV2D share one matrix-multiply core working on tiles of
 *   up to 128 rows by 128 output channels, summed over slices of the row
 *   length.  Zero points are hoisted out of the inner loop (see struct
 *   sim_mm), which leaves one multiply-add per MAC; the weight sums are
 *   computed as the weights are loaded, the row sums as the rows are.  The
 *   core computes 2 rows by 4 output channels at a time in registers.
 *   Weights whose whole rows fit in a tile stay in the local memory for
 *   every row tile.
 * - CONV2D lowers each output pixel to a row of length K = k_h * k_w * in_c
 *   (im2col), filling taps outside the input with the input zero point,
 *   which contributes exactly 0 to the sum, and loading taps that are
 *   contiguous in the input in one request.
 * - DWCONV2D, pooling: per output pixel the valid taps are found once and
 *   the channels, contiguous in NHWC, form the inner loop; DWCONV2D keeps
 *   the filter of a pass of channels in the local memory when it fits.
 * - ADD requantises each input through a 256-entry table.
 * - Requantisation is an inline function whose shifts and rounding
 *   constants are prepared outside the loops over elements.
 */

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/types.h>

#include "aiaccel_sim_ops.h"

#define SIM_MAC_FLAGS	(AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS)
/* 2^30, signed: it is added to signed 64-bit products */
#define SIM_Q30		((s64)BIT_ULL(30))

/* What a tensor is to its op; the kernels find the tensors by role. */
enum sim_role {
	SIM_IN,		/* input, input1, DMA source */
	SIM_IN2,	/* input2 */
	SIM_WEIGHTS,	/* weights, filter */
	SIM_BIAS,
	SIM_QUANT,
	SIM_LUT,
	SIM_OUT,	/* output, DMA destination */
	SIM_NR_ROLES
};

/**
 * struct sim_layout - A validated op's tensors and work.
 * @n: Entries in @t and @role.
 * @t: Tensors, in the order the engine fetches them (outputs last).
 * @role: &enum sim_role of each tensor.
 * @macs: Nominal multiply-accumulates.
 * @backward: The output overlaps an input that starts below it: an
 *	element-wise op streams from the last element to the first.
 */
struct sim_layout {
	unsigned int n;
	struct aiaccel_sim_tensor t[AIACCEL_SIM_OP_MAX_TENSORS];
	u8 role[AIACCEL_SIM_OP_MAX_TENSORS];
	u64 macs;
	bool backward;
};

/* ------------------------------------------------------------------------
 * Validation and tensor lists
 */

static bool sim_zp_ok(s32 zp)
{
	return zp >= S8_MIN && zp <= S8_MAX;
}

static bool sim_act_ok(s32 act_min, s32 act_max)
{
	return act_min >= S8_MIN && act_min <= act_max && act_max <= S8_MAX;
}

static bool sim_rq_ok(const struct aiaccel_requant *q)
{
	if (q->multiplier != 0 && q->multiplier < (s32)SIM_Q30)
		return false;
	return q->shift >= -31 && q->shift <= 30;
}

/*
 * Append a tensor of a * b * c * d bytes at @va; false if that overflows
 * or passes the tensor size limit.
 */
static bool sim_tensor(struct sim_layout *l, enum sim_role role, u64 va,
		       u64 a, u64 b, u64 c, u64 d, bool is_write)
{
	struct aiaccel_sim_tensor *t = &l->t[l->n];
	u64 size;

	if (check_mul_overflow(a, b, &size) ||
	    check_mul_overflow(size, c, &size) ||
	    check_mul_overflow(size, d, &size))
		return false;
	if (!size || size > AIACCEL_SIM_MAX_TENSOR_BYTES)
		return false;

	t->va = va;
	t->size = size;
	t->is_write = is_write;
	l->role[l->n++] = role;
	return true;
}

static int sim_layout_dma_copy(const struct aiaccel_op_dma_copy *op,
			       struct sim_layout *l)
{
	u64 lo = min(op->src, op->dst);
	u64 hi = max(op->src, op->dst);

	if (op->hdr.flags)
		return -EINVAL;
	if (hi - lo < op->size)		/* the two ranges overlap */
		return -EINVAL;
	if (!sim_tensor(l, SIM_IN, op->src, op->size, 1, 1, 1, false) ||
	    !sim_tensor(l, SIM_OUT, op->dst, op->size, 1, 1, 1, true))
		return -EINVAL;
	return 0;
}

static int sim_layout_gemm(const struct aiaccel_op_gemm *op,
			   struct sim_layout *l)
{
	u32 flags = op->hdr.flags;

	if (flags & ~SIM_MAC_FLAGS)
		return -EINVAL;
	if (!op->m || !op->n || !op->k)
		return -EINVAL;
	if (!sim_zp_ok(op->input_zp) || !sim_zp_ok(op->weight_zp) ||
	    !sim_zp_ok(op->output_zp) || !sim_act_ok(op->act_min, op->act_max))
		return -EINVAL;
	if (!(flags & AIACCEL_OP_F_PER_CHANNEL) && !sim_rq_ok(&op->requant))
		return -EINVAL;

	if (!sim_tensor(l, SIM_IN, op->input, op->m, op->k, 1, 1, false) ||
	    !sim_tensor(l, SIM_WEIGHTS, op->weights, op->n, op->k, 1, 1, false))
		return -EINVAL;
	if ((flags & AIACCEL_OP_F_BIAS) &&
	    !sim_tensor(l, SIM_BIAS, op->bias, op->n, sizeof(s32), 1, 1, false))
		return -EINVAL;
	if ((flags & AIACCEL_OP_F_PER_CHANNEL) &&
	    !sim_tensor(l, SIM_QUANT, op->quant, op->n,
			sizeof(struct aiaccel_requant), 1, 1, false))
		return -EINVAL;
	if (!sim_tensor(l, SIM_OUT, op->output, op->m, op->n, 1, 1, true))
		return -EINVAL;

	l->macs = (u64)op->m * op->n * op->k;
	return 0;
}

static int sim_layout_conv(const struct aiaccel_op_conv2d *op,
			   struct sim_layout *l)
{
	bool dw = op->hdr.opcode == AIACCEL_OP_DWCONV2D;
	u32 flags = op->hdr.flags;
	u64 filter_in_c = dw ? 1 : op->in_c;

	if (flags & ~SIM_MAC_FLAGS)
		return -EINVAL;
	if (!op->batch || !op->in_h || !op->in_w || !op->in_c ||
	    !op->out_h || !op->out_w || !op->out_c || !op->k_h || !op->k_w ||
	    !op->stride_h || !op->stride_w ||
	    !op->dilation_h || !op->dilation_w)
		return -EINVAL;
	if (dw && op->out_c % op->in_c)
		return -EINVAL;
	if (!sim_zp_ok(op->input_zp) || !sim_zp_ok(op->filter_zp) ||
	    !sim_zp_ok(op->output_zp) || !sim_act_ok(op->act_min, op->act_max))
		return -EINVAL;
	if (!(flags & AIACCEL_OP_F_PER_CHANNEL) && !sim_rq_ok(&op->requant))
		return -EINVAL;

	if (!sim_tensor(l, SIM_IN, op->input,
			op->batch, op->in_h, op->in_w, op->in_c, false) ||
	    !sim_tensor(l, SIM_WEIGHTS, op->filter,
			op->out_c, op->k_h, op->k_w, filter_in_c, false))
		return -EINVAL;
	if ((flags & AIACCEL_OP_F_BIAS) &&
	    !sim_tensor(l, SIM_BIAS, op->bias, op->out_c, sizeof(s32), 1, 1,
			false))
		return -EINVAL;
	if ((flags & AIACCEL_OP_F_PER_CHANNEL) &&
	    !sim_tensor(l, SIM_QUANT, op->quant, op->out_c,
			sizeof(struct aiaccel_requant), 1, 1, false))
		return -EINVAL;
	if (!sim_tensor(l, SIM_OUT, op->output,
			op->batch, op->out_h, op->out_w, op->out_c, true))
		return -EINVAL;

	/* output elements * filter taps per output: both below 2^28 */
	l->macs = l->t[l->n - 1].size * op->k_h * op->k_w * filter_in_c;
	return 0;
}

static int sim_layout_pool(const struct aiaccel_op_pool *op,
			   struct sim_layout *l)
{
	if (op->hdr.flags)
		return -EINVAL;
	if (!op->batch || !op->in_h || !op->in_w || !op->channels ||
	    !op->out_h || !op->out_w || !op->k_h || !op->k_w ||
	    !op->stride_h || !op->stride_w)
		return -EINVAL;
	if (op->pad_top >= op->k_h || op->pad_left >= op->k_w ||
	    !sim_act_ok(op->act_min, op->act_max))
		return -EINVAL;
	if (!sim_tensor(l, SIM_IN, op->input,
			op->batch, op->in_h, op->in_w, op->channels, false) ||
	    !sim_tensor(l, SIM_OUT, op->output,
			op->batch, op->out_h, op->out_w, op->channels, true))
		return -EINVAL;
	return 0;
}

static int sim_layout_add(const struct aiaccel_op_add *op,
			  struct sim_layout *l)
{
	if (op->hdr.flags || op->pad)
		return -EINVAL;
	if (!sim_zp_ok(op->input1_zp) || !sim_zp_ok(op->input2_zp) ||
	    !sim_zp_ok(op->output_zp) || !sim_act_ok(op->act_min, op->act_max))
		return -EINVAL;
	if (op->left_shift < 0 || op->left_shift > 20)
		return -EINVAL;
	if (!sim_rq_ok(&op->input1_scale) || !sim_rq_ok(&op->input2_scale) ||
	    !sim_rq_ok(&op->output_scale))
		return -EINVAL;
	if (!sim_tensor(l, SIM_IN, op->input1, op->count, 1, 1, 1, false) ||
	    !sim_tensor(l, SIM_IN2, op->input2, op->count, 1, 1, 1, false) ||
	    !sim_tensor(l, SIM_OUT, op->output, op->count, 1, 1, 1, true))
		return -EINVAL;
	return 0;
}

static int sim_layout_activation(const struct aiaccel_op_activation *op,
				 struct sim_layout *l)
{
	if (op->hdr.flags || !sim_act_ok(op->act_min, op->act_max))
		return -EINVAL;
	if (op->mode != AIACCEL_ACT_CLAMP && op->mode != AIACCEL_ACT_LUT)
		return -EINVAL;
	if (!sim_tensor(l, SIM_IN, op->input, op->count, 1, 1, 1, false))
		return -EINVAL;
	if (op->mode == AIACCEL_ACT_LUT &&
	    !sim_tensor(l, SIM_LUT, op->lut, 256, 1, 1, 1, false))
		return -EINVAL;
	if (!sim_tensor(l, SIM_OUT, op->output, op->count, 1, 1, 1, true))
		return -EINVAL;
	return 0;
}

/* Do [a, a + a_size) and [b, b + b_size) overlap, as integer intervals? */
static bool sim_overlap(u64 a, u64 a_size, u64 b, u64 b_size)
{
	return a <= b ? b - a < a_size : a - b < b_size;
}

/*
 * The engine streams tensors through its local memory, so an output may
 * overlap what its op reads only where streaming gives the result of
 * reading everything first: ADD's and ACTIVATION's output may overlap
 * their inputs if those all start on the same side of it (the engine then
 * streams away from the overlap), and ACTIVATION's table, loaded whole
 * before anything is written, may overlap anything.
 */
static int sim_layout_overlap(u16 opcode, struct sim_layout *l)
{
	const struct aiaccel_sim_tensor *out = &l->t[l->n - 1];
	bool elementwise = opcode == AIACCEL_OP_ADD ||
			   opcode == AIACCEL_OP_ACTIVATION;
	bool below = false, above = false;
	unsigned int i;

	for (i = 0; i + 1 < l->n; i++) {
		if (l->role[i] == SIM_LUT ||
		    !sim_overlap(l->t[i].va, l->t[i].size, out->va, out->size))
			continue;
		if (!elementwise)
			return -EINVAL;
		below |= l->t[i].va < out->va;
		above |= l->t[i].va > out->va;
	}
	if (below && above)
		return -EINVAL;
	l->backward = below;
	return 0;
}

static int sim_layout_op(const struct aiaccel_op_header *hdr,
			 struct sim_layout *l)
{
	const union aiaccel_sim_op *op = (const void *)hdr;

	switch (hdr->opcode) {
	case AIACCEL_OP_NOP:
		return hdr->flags ? -EINVAL : 0;
	case AIACCEL_OP_DMA_COPY:
		return sim_layout_dma_copy(&op->dma_copy, l);
	case AIACCEL_OP_GEMM:
		return sim_layout_gemm(&op->gemm, l);
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D:
		return sim_layout_conv(&op->conv2d, l);
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		return sim_layout_pool(&op->pool, l);
	case AIACCEL_OP_ADD:
		return sim_layout_add(&op->add, l);
	case AIACCEL_OP_ACTIVATION:
		return sim_layout_activation(&op->activation, l);
	}
	return -EINVAL;
}

/* Validate the op at @hdr and describe its tensors in @l. */
static int sim_layout(const struct aiaccel_op_header *hdr,
		      struct sim_layout *l)
{
	unsigned int size = aiaccel_sim_op_size(hdr->opcode);
	int ret;

	l->n = 0;
	l->macs = 0;
	l->backward = false;
	if (!size || hdr->size != size)
		return -EINVAL;
	ret = sim_layout_op(hdr, l);
	if (ret || !l->n)
		return ret;
	return sim_layout_overlap(hdr->opcode, l);
}

/**
 * aiaccel_sim_op_size() - Size of an op's structure.
 * @opcode: An &enum aiaccel_opcode value.
 *
 * The engine reads an op's header first and then the whole op; a header
 * whose size differs from this is invalid.
 *
 * Return: the size in bytes, or 0 for an unknown opcode.
 */
unsigned int aiaccel_sim_op_size(u16 opcode)
{
	switch (opcode) {
	case AIACCEL_OP_NOP:
		return sizeof(struct aiaccel_op_nop);
	case AIACCEL_OP_DMA_COPY:
		return sizeof(struct aiaccel_op_dma_copy);
	case AIACCEL_OP_GEMM:
		return sizeof(struct aiaccel_op_gemm);
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D:
		return sizeof(struct aiaccel_op_conv2d);
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		return sizeof(struct aiaccel_op_pool);
	case AIACCEL_OP_ADD:
		return sizeof(struct aiaccel_op_add);
	case AIACCEL_OP_ACTIVATION:
		return sizeof(struct aiaccel_op_activation);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_size);

/**
 * aiaccel_sim_op_validate() - Check an op against the ISA's rules.
 * @hdr: The op; @hdr->size bytes must be readable.
 *
 * Per-channel requantisation entries live in device memory and are
 * checked by aiaccel_sim_op_run().
 *
 * Return: 0 if the op is valid, -EINVAL if not.
 */
int aiaccel_sim_op_validate(const struct aiaccel_op_header *hdr)
{
	struct sim_layout l;

	return sim_layout(hdr, &l);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_validate);

/**
 * aiaccel_sim_op_tensors() - The tensors an op reads and writes.
 * @hdr: The op.
 * @t: Filled with the tensors, in this order (optional ones only when
 *	their flag or mode is set; the written tensor is always last):
 *	DMA_COPY: src, dst.
 *	GEMM: input, weights, [bias], [quant], output.
 *	CONV2D, DWCONV2D: input, filter, [bias], [quant], output.
 *	MAXPOOL, AVGPOOL: input, output.
 *	ADD: input1, input2, output.
 *	ACTIVATION: input, [lut], output.
 *	NOP: none.
 * @max: Entries available at @t; %AIACCEL_SIM_OP_MAX_TENSORS always do.
 *
 * Return: the number of tensors, -EINVAL for an invalid op, -ENOSPC if
 * @max is too small.
 */
int aiaccel_sim_op_tensors(const struct aiaccel_op_header *hdr,
			   struct aiaccel_sim_tensor *t, unsigned int max)
{
	struct sim_layout l;
	int ret;

	ret = sim_layout(hdr, &l);
	if (ret)
		return ret;
	if (l.n > max)
		return -ENOSPC;
	memcpy(t, l.t, l.n * sizeof(*t));
	return l.n;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_tensors);

/**
 * aiaccel_sim_op_cost() - Deterministic cost of an op.
 * @hdr: The op.
 * @cost: Filled in: @cost->macs (GEMM m*n*k; CONV2D batch*out_h*out_w*
 *	out_c*k_h*k_w*in_c; DWCONV2D batch*out_h*out_w*out_c*k_h*k_w;
 *	others 0), @cost->bytes (sum of the sizes of the tensors of
 *	aiaccel_sim_op_tensors()) and @cost->cycles (16 + macs / 256 +
 *	bytes / 64, both divisions rounding up).
 *
 * Return: 0, or -EINVAL for an invalid op.
 */
int aiaccel_sim_op_cost(const struct aiaccel_op_header *hdr,
			struct aiaccel_sim_cost *cost)
{
	struct sim_layout l;
	unsigned int i;
	int ret;

	ret = sim_layout(hdr, &l);
	if (ret)
		return ret;

	cost->macs = l.macs;
	cost->bytes = 0;
	for (i = 0; i < l.n; i++)
		cost->bytes += l.t[i].size;
	cost->cycles = 16 + DIV_ROUND_UP(cost->macs, 256) +
		       DIV_ROUND_UP(cost->bytes, 64);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_cost);

/* ------------------------------------------------------------------------
 * Requantisation
 */

/**
 * struct sim_rq - A requantisation scale prepared for fast application.
 * @lmul: 2^left.
 * @mult: The Q31 multiplier.
 * @right: Right shift, 0..31.
 * @round_pos: Rounding addend for non-negative values: 2^(right-1), or 0.
 * @round_neg: Rounding addend for negative values: 2^(right-1) - 1, or 0.
 */
struct sim_rq {
	s64 lmul;
	s64 mult;
	u32 right;
	s64 round_pos;
	s64 round_neg;
};

static inline void sim_rq_prep(struct sim_rq *rq,
			       const struct aiaccel_requant *q)
{
	rq->lmul = q->shift > 0 ? 1LL << q->shift : 1;
	rq->mult = q->multiplier;
	rq->right = q->shift < 0 ? -q->shift : 0;
	rq->round_pos = rq->right ? 1LL << (rq->right - 1) : 0;
	rq->round_neg = rq->right ? rq->round_pos - 1 : 0;
}

/*
 * MultiplyByQuantizedMultiplier.  The doubling high multiply rounds p / 2^31
 * half up, which is floor((p + 2^30) / 2^31); the division by 2^right
 * rounds half away from zero, which is floor((v + 2^(right-1)) / 2^right)
 * for v >= 0 and floor((v + 2^(right-1) - 1) / 2^right) for v < 0.  Right
 * shifts of signed values are arithmetic, i.e. floor divisions.
 */
static inline s32 sim_rq(s32 x, const struct sim_rq *rq)
{
	s64 v = clamp_t(s64, x * rq->lmul, S32_MIN, S32_MAX);

	v = (v * rq->mult + SIM_Q30) >> 31;
	v += v < 0 ? rq->round_neg : rq->round_pos;
	return v >> rq->right;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * aiaccel_sim_requant() - The model's requantisation, for KUnit.
 * @x: Value.
 * @multiplier: 0 or in [2^30, 2^31 - 1].
 * @shift: In [-31, 30].
 *
 * Return: MultiplyByQuantizedMultiplier(@x, @multiplier, @shift).
 */
s32 aiaccel_sim_requant(s32 x, s32 multiplier, s32 shift)
{
	struct aiaccel_requant q = { .multiplier = multiplier, .shift = shift };
	struct sim_rq rq;

	sim_rq_prep(&rq, &q);
	return sim_rq(x, &rq);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_requant);
#endif

/* Requantise, add the zero point and clamp. */
static inline s8 sim_out(u32 acc, const struct sim_rq *rq, s32 zp,
			 s32 act_min, s32 act_max)
{
	return clamp_t(s64, (s64)sim_rq((s32)acc, rq) + zp, act_min, act_max);
}

/* ------------------------------------------------------------------------
 * Dot products
 */

static u32 sim_sum(const s8 *a, u32 k)
{
	u32 s = 0;
	u32 p;

	for (p = 0; p < k; p++)
		s += a[p];
	return s;
}

static u32 sim_dot_1x1(const s8 *a, const s8 *w, u32 k)
{
	u32 d = 0;
	u32 p;

	for (p = 0; p < k; p++)
		d += a[p] * w[p];
	return d;
}

/* d[c] = a . w_c for the four rows of @w (stride @k) */
static void sim_dot_1x4(const s8 *a, const s8 *w, u32 k, u32 d[4])
{
	const s8 *w0 = w, *w1 = w + k, *w2 = w1 + k, *w3 = w2 + k;
	u32 d0 = 0, d1 = 0, d2 = 0, d3 = 0;
	u32 p;

	for (p = 0; p < k; p++) {
		s32 x = a[p];

		d0 += x * w0[p];
		d1 += x * w1[p];
		d2 += x * w2[p];
		d3 += x * w3[p];
	}
	d[0] = d0;
	d[1] = d1;
	d[2] = d2;
	d[3] = d3;
}

/* d[r][c] = a_r . w_c for two rows a_r and the four rows of @w */
static void sim_dot_2x4(const s8 *a0, const s8 *a1, const s8 *w, u32 k,
			u32 d[2][4])
{
	const s8 *w0 = w, *w1 = w + k, *w2 = w1 + k, *w3 = w2 + k;
	u32 d00 = 0, d01 = 0, d02 = 0, d03 = 0;
	u32 d10 = 0, d11 = 0, d12 = 0, d13 = 0;
	u32 p;

	for (p = 0; p < k; p++) {
		s32 x0 = a0[p], x1 = a1[p];
		s32 y0 = w0[p], y1 = w1[p], y2 = w2[p], y3 = w3[p];

		d00 += x0 * y0;
		d01 += x0 * y1;
		d02 += x0 * y2;
		d03 += x0 * y3;
		d10 += x1 * y0;
		d11 += x1 * y1;
		d12 += x1 * y2;
		d13 += x1 * y3;
	}
	d[0][0] = d00;
	d[0][1] = d01;
	d[0][2] = d02;
	d[0][3] = d03;
	d[1][0] = d10;
	d[1][1] = d11;
	d[1][2] = d12;
	d[1][3] = d13;
}

/* ------------------------------------------------------------------------
 * Streaming through the local memory
 */

/* Largest memory request, in bytes. */
#define SIM_XFER	4096U
/* Tensor bytes checked per step before an op starts: 16 pages. */
#define SIM_PROBE	(16 * 4096U)
/* Tile limits of the matrix-multiply core: rows, output channels, depth. */
#define SIM_MM_MT	128U
#define SIM_MM_MT_MIN	16U
#define SIM_MM_NT	128U
#define SIM_MM_KT	(AIACCEL_SIM_UNIT_WORK / 8)
/* Channels per pass: DWCONV2D, pooling. */
#define SIM_DW_NC	256U
#define SIM_POOL_NC	(AIACCEL_SIM_UNIT_WORK / AIACCEL_SIM_WORK_OUT)
/* Elements per chunk: ADD, ACTIVATION. */
#define SIM_ADD_CHUNK	(AIACCEL_SIM_UNIT_WORK / AIACCEL_SIM_WORK_OUT)
#define SIM_ACT_CHUNK	SIM_XFER

/**
 * struct sim_exec - An op executing.
 * @op: The op.
 * @l: Its layout.
 * @tensor: Index in @l.t of the tensor of each role, or -1.
 * @port: Where its memory is.
 * @sram: The local memory.
 * @sram_size: Its size.
 * @used: Bytes of @sram allocated to the op, from the start.
 * @work: Work done in the current work unit.
 */
struct sim_exec {
	const union aiaccel_sim_op *op;
	struct sim_layout l;
	s8 tensor[SIM_NR_ROLES];
	struct aiaccel_sim_port *port;
	u8 *sram;
	size_t sram_size;
	size_t used;
	u32 work;
};

/* Bytes a buffer of @size takes in the local memory: 64-byte aligned. */
static size_t sim_sz(size_t size)
{
	return (size + 63) & ~(size_t)63;
}

/* Local memory not yet allocated. */
static size_t sim_avail(const struct sim_exec *x)
{
	return x->sram_size - x->used;
}

/* Allocate @size bytes of local memory; the planners make sure it fits. */
static void *sim_take(struct sim_exec *x, size_t size)
{
	void *p = x->sram + x->used;

	if (sim_sz(size) > sim_avail(x))
		return NULL;
	x->used += sim_sz(size);
	return p;
}

/*
 * Account @w (at most AIACCEL_SIM_UNIT_WORK) of work about to be done,
 * retiring the current work unit first if @w does not fit in it.
 */
static int sim_work(struct sim_exec *x, u32 w)
{
	int ret;

	if (x->work && x->work + w > AIACCEL_SIM_UNIT_WORK) {
		ret = x->port->unit(x->port, false);
		if (ret)
			return ret;
		x->work = 0;
	}
	x->work += w;
	return 0;
}

/* Read bytes [@off, @off + @len) of the tensor of @role into @buf. */
static int sim_load(struct sim_exec *x, enum sim_role role, u64 off,
		    void *buf, size_t len)
{
	size_t chunk;
	int ret;

	for (; len; off += chunk, buf += chunk, len -= chunk) {
		chunk = min_t(size_t, len, SIM_XFER);
		ret = sim_work(x, AIACCEL_SIM_WORK_REQ + chunk);
		if (!ret)
			ret = x->port->read(x->port, x->tensor[role], off, buf,
					    chunk);
		if (ret)
			return ret;
	}
	return 0;
}

/* Write @len bytes from @buf to the output at offset @off. */
static int sim_store(struct sim_exec *x, u64 off, const void *buf, size_t len)
{
	size_t chunk;
	int ret;

	for (; len; off += chunk, buf += chunk, len -= chunk) {
		chunk = min_t(size_t, len, SIM_XFER);
		ret = sim_work(x, AIACCEL_SIM_WORK_REQ + chunk);
		if (!ret)
			ret = x->port->write(x->port, x->tensor[SIM_OUT], off,
					     buf, chunk);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Output bytes produced in order and written in requests of up to
 * @size bytes: runs of consecutive offsets are gathered in @buf.
 */
struct sim_writer {
	s8 *buf;
	size_t size;
	size_t len;
	u64 off;
};

static int sim_writer_init(struct sim_exec *x, struct sim_writer *wr,
			   size_t size)
{
	wr->buf = sim_take(x, size);
	wr->size = size;
	wr->len = 0;
	wr->off = 0;
	return wr->buf ? 0 : -EINVAL;
}

static int sim_writer_flush(struct sim_exec *x, struct sim_writer *wr)
{
	int ret = sim_store(x, wr->off, wr->buf, wr->len);

	wr->len = 0;
	return ret;
}

/* Where to put the @len (at most wr->size) output bytes at offset @off. */
static int sim_writer_get(struct sim_exec *x, struct sim_writer *wr, u64 off,
			  size_t len, s8 **p)
{
	int ret;

	if (wr->len && (off != wr->off + wr->len || wr->len + len > wr->size)) {
		ret = sim_writer_flush(x, wr);
		if (ret)
			return ret;
	}
	if (!wr->len)
		wr->off = off;
	*p = wr->buf + wr->len;
	wr->len += len;
	return 0;
}

/* Check that every byte of tensor @i can be accessed. */
static int sim_probe(struct sim_exec *x, unsigned int i)
{
	u64 size = x->l.t[i].size, off, chunk;
	int ret;

	for (off = 0; off < size; off += chunk) {
		chunk = min_t(u64, size - off, SIM_PROBE);
		ret = sim_work(x, AIACCEL_SIM_WORK_PAGE * (chunk / 4096 + 1));
		if (!ret && x->port->probe)
			ret = x->port->probe(x->port, i, off, chunk);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every per-channel scale must be valid before the op writes anything. */
static int sim_check_quant(struct sim_exec *x)
{
	const struct aiaccel_requant *q;
	u64 size, off;
	size_t chunk, i;
	int ret;

	if (x->tensor[SIM_QUANT] < 0)
		return 0;
	size = x->l.t[x->tensor[SIM_QUANT]].size;
	q = sim_take(x, SIM_XFER);
	if (!q)
		return -EINVAL;
	for (off = 0; off < size; off += chunk) {
		chunk = min_t(u64, size - off, SIM_XFER);
		ret = sim_load(x, SIM_QUANT, off, (void *)q, chunk);
		if (ret)
			return ret;
		for (i = 0; i < chunk / sizeof(*q); i++)
			if (!sim_rq_ok(&q[i]))
				return -EINVAL;
	}
	x->used = 0;
	return 0;
}

/* Image @b, row @oy and column @ox of pixel @p of images of @h x @w. */
static void sim_pixel(u32 p, u32 h, u32 w, u32 *b, u32 *oy, u32 *ox)
{
	u32 q = p / w;

	*ox = p % w;
	*oy = q % h;
	*b = q / h;
}

/*
 * The taps [*lo, *hi) of a window of @k taps @dil apart, starting at input
 * position @start (possibly negative), that fall inside [0, @size).
 */
static void sim_taps(s64 start, u32 dil, u32 k, u32 size, u32 *lo, u32 *hi)
{
	s64 l = start >= 0 ? 0 : div64_u64((u64)-start + dil - 1, dil);
	s64 h = (s64)size - start;

	h = h <= 0 ? 0 : div64_u64((u64)h + dil - 1, dil);
	h = min_t(s64, h, k);
	l = min_t(s64, l, k);
	*lo = l;
	*hi = h > l ? h : l;
}

/* ------------------------------------------------------------------------
 * Matrix-multiply core of GEMM and CONV2D
 */

/**
 * struct sim_mm - out[i][j] = requant(bias[j] + sum_p (a_i[p] - a_zp) *
 *	(w[j][p] - w_zp)), in tiles of @mt rows by @nt output channels, each
 *	summed over slices of @kt of the row length.
 * @m: Rows.
 * @n: Output channels.
 * @k: Row length.
 * @a_zp: Zero point of the rows.
 * @w_zp: Zero point of the weights.
 * @out_zp: Output zero point.
 * @act_min: Output clamp.
 * @act_max: Output clamp.
 * @kzz: k * a_zp * w_zp, modulo 2^32.
 * @rq: The per-tensor scale, prepared.
 * @load_a: Fill @a with slice [k0, k0 + nk) of rows [i0, i0 + ni).
 * @mt: Rows per tile.
 * @nt: Output channels per tile.
 * @kt: Row length per slice.
 * @a: Rows of the tile, [mt][kt] (row stride: the slice length).
 * @w: Weights of the tile, [nt][kt] (row stride: the slice length).
 * @acc: Sums of products, [mt][nt] (row stride: the tile's width).
 * @asum: Sum of each row, [mt].
 * @wsum: Sum of each weight row, [nt].
 * @bias: Biases of the tile's output channels, [nt].
 * @quant: Their per-channel scales, [nt], or NULL.
 * @chan_rq: The scales, prepared, [nt].
 * @out: Outputs of the tile, [mt][nt] (row stride: the tile's width).
 *
 * Zero points are hoisted out of the inner loop: with a' = a - a_zp and
 * w' = w - w_zp,
 *
 *	sum_p a'w' = sum_p aw - w_zp * sum_p a - a_zp * sum_p w + k * a_zp * w_zp
 *
 * in int32 arithmetic modulo 2^32 (kept in u32, so wrapping is defined),
 * which leaves one multiply-add per MAC; sums modulo 2^32 do not depend
 * on the order of their terms, so slicing the rows changes nothing.
 */
struct sim_mm {
	u32 m;
	u32 n;
	u32 k;
	s32 a_zp;
	s32 w_zp;
	s32 out_zp;
	s32 act_min;
	s32 act_max;
	u32 kzz;
	struct sim_rq rq;
	int (*load_a)(struct sim_exec *x, struct sim_mm *mm, u32 i0, u32 ni,
		      u32 k0, u32 nk);
	u32 mt;
	u32 nt;
	u32 kt;
	s8 *a;
	s8 *w;
	u32 *acc;
	u32 *asum;
	u32 *wsum;
	s32 *bias;
	struct aiaccel_requant *quant;
	struct sim_rq *chan_rq;
	s8 *out;
};

/* Local memory for tiles of @mt x @nt x @kt. */
static size_t sim_mm_size(u32 mt, u32 nt, u32 kt)
{
	return sim_sz((size_t)mt * kt) + sim_sz((size_t)nt * kt) +
	       sim_sz((size_t)mt * nt * sizeof(u32)) + sim_sz((size_t)mt * nt) +
	       sim_sz(mt * sizeof(u32)) + 2 * sim_sz(nt * sizeof(u32)) +
	       sim_sz(nt * sizeof(struct aiaccel_requant)) +
	       sim_sz(nt * sizeof(struct sim_rq));
}

/*
 * The tile size that splits @len into the fewest parts of at most @max,
 * as equal as possible, rounded up to a multiple of @align if that stays
 * within @max.
 */
static u32 sim_split(u32 len, u32 max, u32 align)
{
	u32 parts = DIV_ROUND_UP(len, max);
	u32 size = DIV_ROUND_UP(len, parts);

	if (parts > 1 && max % align == 0)
		size = min(max, DIV_ROUND_UP(size, align) * align);
	return size;
}

/* Choose the tile sizes and allocate the tiles. */
static int sim_mm_plan(struct sim_exec *x, struct sim_mm *mm)
{
	u32 mt = min(mm->m, SIM_MM_MT), nt = min(mm->n, SIM_MM_NT);
	u32 kt = min(mm->k, SIM_MM_KT);

	/*
	 * Fewer rows first: a whole row length in one slice keeps the
	 * weights loaded for every row tile.
	 */
	while (sim_mm_size(mt, nt, kt) > sim_avail(x)) {
		if (mt == 1 && nt == 1 && kt == 1)
			return -EINVAL;
		if (mt > SIM_MM_MT_MIN)
			mt = DIV_ROUND_UP(mt, 2);
		else if (kt >= nt && kt >= mt && kt > 1)
			kt = DIV_ROUND_UP(kt, 2);
		else if (nt >= mt && nt > 1)
			nt = DIV_ROUND_UP(nt, 2);
		else
			mt = DIV_ROUND_UP(mt, 2);
	}
	mm->mt = sim_split(mm->m, mt, 2);
	mm->nt = sim_split(mm->n, nt, 4);
	mm->kt = sim_split(mm->k, kt, 1);

	mm->a = sim_take(x, (size_t)mm->mt * mm->kt);
	mm->w = sim_take(x, (size_t)mm->nt * mm->kt);
	mm->acc = sim_take(x, (size_t)mm->mt * mm->nt * sizeof(u32));
	mm->out = sim_take(x, (size_t)mm->mt * mm->nt);
	mm->asum = sim_take(x, mm->mt * sizeof(u32));
	mm->wsum = sim_take(x, mm->nt * sizeof(u32));
	mm->bias = sim_take(x, mm->nt * sizeof(u32));
	mm->quant = sim_take(x, mm->nt * sizeof(struct aiaccel_requant));
	mm->chan_rq = sim_take(x, mm->nt * sizeof(struct sim_rq));
	if (!mm->chan_rq)
		return -EINVAL;
	if (x->tensor[SIM_QUANT] < 0)
		mm->quant = NULL;
	return 0;
}

/*
 * Load slice [k0, k0 + nk) of rows [i0, i0 + ni) of the [rows][len]
 * tensor of @role into @dst, and add (or, for the first slice, set) each
 * row's sum in @sum.
 */
static int sim_mm_load_rows(struct sim_exec *x, enum sim_role role, u32 len,
			    u32 i0, u32 ni, u32 k0, u32 nk, s8 *dst, u32 *sum)
{
	u32 i;
	int ret;

	if (nk == len) {
		/* whole rows: one run of memory */
		ret = sim_load(x, role, (u64)i0 * len, dst, (size_t)ni * nk);
		if (ret)
			return ret;
	}
	for (i = 0; i < ni; i++, dst += nk) {
		if (nk != len) {
			ret = sim_load(x, role, (u64)(i0 + i) * len + k0, dst,
				       nk);
			if (ret)
				return ret;
		}
		ret = sim_work(x, nk);
		if (ret)
			return ret;
		sum[i] = (k0 ? sum[i] : 0) + sim_sum(dst, nk);
	}
	return 0;
}

static int sim_gemm_load_a(struct sim_exec *x, struct sim_mm *mm, u32 i0,
			   u32 ni, u32 k0, u32 nk)
{
	return sim_mm_load_rows(x, SIM_IN, mm->k, i0, ni, k0, nk, mm->a,
				mm->asum);
}

/* acc (+)= a . w for the tile's @ni x @nj outputs over a slice of @nk. */
static int sim_mm_tile(struct sim_exec *x, struct sim_mm *mm, u32 ni, u32 nj,
		       u32 nk, bool first)
{
	unsigned int r, c, rows, cols;
	const s8 *a0, *a1, *w;
	u32 d[2][4], *acc;
	u32 i, j;
	int ret;

	for (i = 0; i < ni; i += rows) {
		rows = min(2U, ni - i);
		a0 = mm->a + (size_t)i * nk;
		a1 = a0 + nk;
		for (j = 0; j < nj; j += cols) {
			cols = min(4U, nj - j);
			ret = sim_work(x, max(rows * cols * nk, 64U));
			if (ret)
				return ret;
			w = mm->w + (size_t)j * nk;
			if (cols == 4 && rows == 2) {
				sim_dot_2x4(a0, a1, w, nk, d);
			} else if (cols == 4) {
				sim_dot_1x4(a0, w, nk, d[0]);
			} else {
				for (r = 0; r < rows; r++)
					for (c = 0; c < cols; c++)
						d[r][c] = sim_dot_1x1(r ? a1 : a0,
								      w + (size_t)c * nk,
								      nk);
			}
			acc = mm->acc + (size_t)i * nj + j;
			for (r = 0; r < rows; r++)
				for (c = 0; c < cols; c++)
					acc[r * nj + c] = (first ? 0 : acc[r * nj + c]) +
							  d[r][c];
		}
	}
	return 0;
}

/* Requantise the tile's outputs into mm->out. */
static int sim_mm_epilogue(struct sim_exec *x, struct sim_mm *mm, u32 ni,
			   u32 nj, bool has_bias)
{
	const struct sim_rq *rq = &mm->rq;
	u32 i, j, row, chan;
	const u32 *acc;
	s8 *out;
	int ret;

	for (i = 0; i < ni; i++) {
		ret = sim_work(x, nj * AIACCEL_SIM_WORK_OUT);
		if (ret)
			return ret;
		/* -w_zp * sum_p a[p] + K * a_zp * w_zp */
		row = mm->kzz - (u32)mm->w_zp * mm->asum[i];
		acc = mm->acc + (size_t)i * nj;
		out = mm->out + (size_t)i * nj;
		for (j = 0; j < nj; j++) {
			if (mm->quant)
				rq = &mm->chan_rq[j];
			/* bias - a_zp * sum_p w[p] */
			chan = (has_bias ? mm->bias[j] : 0) -
			       (u32)mm->a_zp * mm->wsum[j];
			out[j] = sim_out(acc[j] + row + chan, rq, mm->out_zp,
					 mm->act_min, mm->act_max);
		}
	}
	return 0;
}

static int sim_mm_run(struct sim_exec *x, struct sim_mm *mm, bool has_bias)
{
	u32 i0, j0, k0, ni, nj, nk, i;
	bool w_ready;
	int ret;

	for (j0 = 0; j0 < mm->n; j0 += nj) {
		nj = min(mm->nt, mm->n - j0);
		if (has_bias) {
			ret = sim_load(x, SIM_BIAS, (u64)j0 * sizeof(s32),
				       mm->bias, nj * sizeof(s32));
			if (ret)
				return ret;
		}
		if (mm->quant) {
			ret = sim_load(x, SIM_QUANT,
				       (u64)j0 * sizeof(*mm->quant), mm->quant,
				       nj * sizeof(*mm->quant));
			if (ret)
				return ret;
			for (i = 0; i < nj; i++)
				sim_rq_prep(&mm->chan_rq[i], &mm->quant[i]);
		}
		/* With a single slice, the weights stay for every row tile. */
		w_ready = false;
		for (i0 = 0; i0 < mm->m; i0 += ni) {
			ni = min(mm->mt, mm->m - i0);
			for (k0 = 0; k0 < mm->k; k0 += nk) {
				nk = min(mm->kt, mm->k - k0);
				if (!w_ready) {
					ret = sim_mm_load_rows(x, SIM_WEIGHTS,
							       mm->k, j0, nj,
							       k0, nk, mm->w,
							       mm->wsum);
					if (ret)
						return ret;
					w_ready = nk == mm->k;
				}
				ret = mm->load_a(x, mm, i0, ni, k0, nk);
				if (!ret)
					ret = sim_mm_tile(x, mm, ni, nj, nk,
							  !k0);
				if (ret)
					return ret;
			}
			ret = sim_mm_epilogue(x, mm, ni, nj, has_bias);
			if (ret)
				return ret;
			if (nj == mm->n) {
				ret = sim_store(x, (u64)i0 * mm->n, mm->out,
						(size_t)ni * nj);
				if (ret)
					return ret;
				continue;
			}
			for (i = 0; i < ni; i++) {
				ret = sim_store(x, (u64)(i0 + i) * mm->n + j0,
						mm->out + (size_t)i * nj, nj);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

static void sim_mm_init(struct sim_mm *mm, u32 m, u32 n, u32 k, s32 a_zp,
			s32 w_zp, s32 out_zp, s32 act_min, s32 act_max,
			const struct aiaccel_requant *requant, bool per_channel)
{
	mm->m = m;
	mm->n = n;
	mm->k = k;
	mm->a_zp = a_zp;
	mm->w_zp = w_zp;
	mm->out_zp = out_zp;
	mm->act_min = act_min;
	mm->act_max = act_max;
	mm->kzz = k * (u32)a_zp * (u32)w_zp;
	/* with per-channel scales, @requant is not validated: leave it */
	if (!per_channel)
		sim_rq_prep(&mm->rq, requant);
}

static int sim_gemm(struct sim_exec *x)
{
	const struct aiaccel_op_gemm *op = &x->op->gemm;
	struct sim_mm mm;
	int ret;

	sim_mm_init(&mm, op->m, op->n, op->k, op->input_zp, op->weight_zp,
		    op->output_zp, op->act_min, op->act_max, &op->requant,
		    op->hdr.flags & AIACCEL_OP_F_PER_CHANNEL);
	mm.load_a = sim_gemm_load_a;
	ret = sim_mm_plan(x, &mm);
	if (ret)
		return ret;
	return sim_mm_run(x, &mm, op->hdr.flags & AIACCEL_OP_F_BIAS);
}

/*
 * Entries [k0, k0 + nk) of the im2col row of output pixel (b, oy, ox):
 * its k_h * k_w * in_c input values in filter order, the input zero point
 * where a tap falls outside the input (which contributes exactly 0 to the
 * sum).  Taps next to each other in the input are loaded in one request.
 */
static int sim_conv_gather(struct sim_exec *x, u32 b, u32 oy, u32 ox, u32 k0,
			   u32 nk, s8 *dst)
{
	const struct aiaccel_op_conv2d *op = &x->op->conv2d;
	s64 y0 = (s64)oy * op->stride_h - op->pad_top;
	s64 x0 = (s64)ox * op->stride_w - op->pad_left;
	u64 p = k0, end = (u64)k0 + nk, tap, len, taps;
	u32 c, ky, kx;
	s64 y, xx;
	int ret;

	for (; p < end; p += len, dst += len) {
		tap = div_u64(p, op->in_c);
		c = p - tap * op->in_c;
		ky = div_u64(tap, op->k_w);
		kx = tap - (u64)ky * op->k_w;
		y = y0 + (s64)ky * op->dilation_h;
		xx = x0 + (s64)kx * op->dilation_w;
		if (y < 0 || y >= op->in_h) {
			/* the rest of this filter row */
			len = min(end - p, (u64)(op->k_w - kx) * op->in_c - c);
		} else if (xx < 0 || xx >= op->in_w) {
			len = min_t(u64, end - p, op->in_c - c);
		} else {
			taps = op->dilation_w == 1 ?
			       min_t(u64, op->k_w - kx, op->in_w - xx) : 1;
			len = min(end - p, taps * op->in_c - c);
			ret = sim_load(x, SIM_IN,
				       (((u64)b * op->in_h + y) * op->in_w + xx) *
				       op->in_c + c, dst, len);
			if (ret)
				return ret;
			continue;
		}
		ret = sim_work(x, len);
		if (ret)
			return ret;
		memset(dst, op->input_zp, len);
	}
	return 0;
}

static int sim_conv_load_a(struct sim_exec *x, struct sim_mm *mm, u32 i0,
			   u32 ni, u32 k0, u32 nk)
{
	const struct aiaccel_op_conv2d *op = &x->op->conv2d;
	u32 i, b, oy, ox;
	s8 *row;
	int ret;

	for (i = 0; i < ni; i++) {
		sim_pixel(i0 + i, op->out_h, op->out_w, &b, &oy, &ox);
		row = mm->a + (size_t)i * nk;
		ret = sim_conv_gather(x, b, oy, ox, k0, nk, row);
		if (!ret)
			ret = sim_work(x, nk);
		if (ret)
			return ret;
		mm->asum[i] = (k0 ? mm->asum[i] : 0) + sim_sum(row, nk);
	}
	return 0;
}

/* CONV2D is a GEMM of the im2col rows of the output pixels by the filter. */
static int sim_conv2d(struct sim_exec *x)
{
	const struct aiaccel_op_conv2d *op = &x->op->conv2d;
	struct sim_mm mm;
	int ret;

	sim_mm_init(&mm, op->batch * op->out_h * op->out_w, op->out_c,
		    op->k_h * op->k_w * op->in_c, op->input_zp, op->filter_zp,
		    op->output_zp, op->act_min, op->act_max, &op->requant,
		    op->hdr.flags & AIACCEL_OP_F_PER_CHANNEL);
	mm.load_a = sim_conv_load_a;
	ret = sim_mm_plan(x, &mm);
	if (ret)
		return ret;
	return sim_mm_run(x, &mm, op->hdr.flags & AIACCEL_OP_F_BIAS);
}

/* ------------------------------------------------------------------------
 * Depthwise convolution
 */

/**
 * struct sim_dw - DWCONV2D, a pass of @nc output channels at a time.
 * @nc: Output channels per pass.
 * @taps: Filter taps held in local memory: all of them, or 1 (each
 *	tap's filter values are then loaded as the tap is used).
 * @bias: Biases of the pass, [nc].
 * @quant: Per-channel scales of the pass, [nc].
 * @acc: Accumulators of one output pixel, [nc].
 * @in: Input channels of one tap, [nc + 1].
 * @filter: Filter of the pass, [taps][nc].
 * @wr: Where the outputs go.
 */
struct sim_dw {
	u32 nc;
	u64 taps;
	s32 *bias;
	struct aiaccel_requant *quant;
	u32 *acc;
	s8 *in;
	s8 *filter;
	struct sim_writer wr;
};

static size_t sim_dw_size(u32 nc)
{
	return 2 * sim_sz(nc * sizeof(u32)) +
	       sim_sz(nc * sizeof(struct aiaccel_requant)) + sim_sz(nc + 1) +
	       sim_sz(max(nc, 512U));
}

static int sim_dw_plan(struct sim_exec *x, struct sim_dw *dw)
{
	const struct aiaccel_op_conv2d *op = &x->op->conv2d;
	u64 ntaps = (u64)op->k_h * op->k_w;
	u32 nc = min(op->out_c, SIM_DW_NC);
	size_t left;

	while (sim_dw_size(nc) + sim_sz(nc) > sim_avail(x) && nc > 1)
		nc = DIV_ROUND_UP(nc, 2);
	dw->nc = sim_split(op->out_c, nc, 1);
	left = (sim_avail(x) - sim_dw_size(dw->nc)) & ~(size_t)63;
	dw->taps = ntaps * dw->nc <= left ? ntaps : 1;
	dw->bias = sim_take(x, dw->nc * sizeof(u32));
	dw->acc = sim_take(x, dw->nc * sizeof(u32));
	dw->quant = sim_take(x, dw->nc * sizeof(struct aiaccel_requant));
	dw->in = sim_take(x, dw->nc + 1);
	dw->filter = sim_take(x, dw->taps * dw->nc);
	if (!dw->filter)
		return -EINVAL;
	return sim_writer_init(x, &dw->wr, max(dw->nc, 512U));
}

/*
 * Load the filter values of channels [c0, c0 + nc) of taps [t0, t0 + n)
 * into @dst, [n][nc].
 */
static int sim_dw_load_filter(struct sim_exec *x, u64 t0, u64 n, u32 c0,
			      u32 nc, s8 *dst)
{
	u32 out_c = x->op->conv2d.out_c;
	u64 t;
	int ret;

	if (nc == out_c)
		return sim_load(x, SIM_WEIGHTS, t0 * out_c, dst, n * nc);
	for (t = 0; t < n; t++) {
		ret = sim_load(x, SIM_WEIGHTS, (t0 + t) * out_c + c0,
			       dst + t * nc, nc);
		if (ret)
			return ret;
	}
	return 0;
}

/* Output channels [c0, c0 + nc) of output pixel @p. */
static int sim_dw_pixel(struct sim_exec *x, struct sim_dw *dw, u32 p, u32 c0,
			u32 nc)
{
	const struct aiaccel_op_conv2d *op = &x->op->conv2d;
	u32 mult = op->out_c / op->in_c, ic0 = c0 / mult;
	u32 nic = (c0 + nc - 1) / mult - ic0 + 1;
	u32 b, oy, ox, ky0, ky1, kx0, kx1, ky, kx, c, ic, m;
	s64 y0, x0;
	const s8 *a, *f;
	struct sim_rq rq;
	s64 y, xx;
	u64 tap;
	s32 av;
	s8 *out;
	int ret;

	sim_pixel(p, op->out_h, op->out_w, &b, &oy, &ox);
	y0 = (s64)oy * op->stride_h - op->pad_top;
	x0 = (s64)ox * op->stride_w - op->pad_left;
	for (c = 0; c < nc; c++)
		dw->acc[c] = (op->hdr.flags & AIACCEL_OP_F_BIAS) ? dw->bias[c] : 0;

	sim_taps(y0, op->dilation_h, op->k_h, op->in_h, &ky0, &ky1);
	sim_taps(x0, op->dilation_w, op->k_w, op->in_w, &kx0, &kx1);
	for (ky = ky0; ky < ky1; ky++) {
		y = y0 + (s64)ky * op->dilation_h;
		for (kx = kx0; kx < kx1; kx++) {
			xx = x0 + (s64)kx * op->dilation_w;
			tap = (u64)ky * op->k_w + kx;
			ret = sim_load(x, SIM_IN,
				       (((u64)b * op->in_h + y) * op->in_w + xx) *
				       op->in_c + ic0, dw->in, nic);
			if (!ret && dw->taps == 1)
				ret = sim_dw_load_filter(x, tap, 1, c0, nc,
							 dw->filter);
			if (!ret)
				ret = sim_work(x, nc);
			if (ret)
				return ret;
			a = dw->in;
			f = dw->filter + (dw->taps == 1 ? 0 : tap * nc);
			if (mult == 1) {
				for (c = 0; c < nc; c++)
					dw->acc[c] += (a[c] - op->input_zp) *
						      (f[c] - op->filter_zp);
				continue;
			}
			/* output channel c0 + c reads input channel ic0 + ic */
			ic = 0;
			m = c0 % mult;
			av = a[0] - op->input_zp;
			for (c = 0; c < nc; c++) {
				dw->acc[c] += av * (f[c] - op->filter_zp);
				if (++m == mult && c + 1 < nc) {
					m = 0;
					av = a[++ic] - op->input_zp;
				}
			}
		}
	}

	ret = sim_work(x, nc * AIACCEL_SIM_WORK_OUT);
	if (!ret)
		ret = sim_writer_get(x, &dw->wr, (u64)p * op->out_c + c0, nc,
				     &out);
	if (ret)
		return ret;
	for (c = 0; c < nc; c++) {
		sim_rq_prep(&rq, x->tensor[SIM_QUANT] >= 0 ? &dw->quant[c] :
							     &op->requant);
		out[c] = sim_out(dw->acc[c], &rq, op->output_zp, op->act_min,
				 op->act_max);
	}
	return 0;
}

static int sim_dwconv2d(struct sim_exec *x)
{
	const struct aiaccel_op_conv2d *op = &x->op->conv2d;
	u32 npix = op->batch * op->out_h * op->out_w, p, c0, nc;
	struct sim_dw dw;
	int ret;

	ret = sim_dw_plan(x, &dw);
	if (ret)
		return ret;
	for (c0 = 0; c0 < op->out_c; c0 += nc) {
		nc = min(dw.nc, op->out_c - c0);
		if (op->hdr.flags & AIACCEL_OP_F_BIAS)
			ret = sim_load(x, SIM_BIAS, (u64)c0 * sizeof(s32),
				       dw.bias, nc * sizeof(s32));
		if (!ret && x->tensor[SIM_QUANT] >= 0)
			ret = sim_load(x, SIM_QUANT,
				       (u64)c0 * sizeof(*dw.quant), dw.quant,
				       nc * sizeof(*dw.quant));
		if (!ret && dw.taps > 1)
			ret = sim_dw_load_filter(x, 0, dw.taps, c0, nc,
						 dw.filter);
		for (p = 0; !ret && p < npix; p++)
			ret = sim_dw_pixel(x, &dw, p, c0, nc);
		if (ret)
			return ret;
	}
	return sim_writer_flush(x, &dw.wr);
}

/* ------------------------------------------------------------------------
 * Pooling
 */

/**
 * struct sim_pool - Pooling, a pass of @nc channels at a time.
 * @nc: Channels per pass.
 * @acc: Accumulators of one output pixel, [nc].
 * @in: Input of some taps, [@in_size].
 * @in_size: At least @nc.
 * @wr: Where the outputs go.
 */
struct sim_pool {
	u32 nc;
	s32 *acc;
	s8 *in;
	size_t in_size;
	struct sim_writer wr;
};

static int sim_pool_plan(struct sim_exec *x, struct sim_pool *pl)
{
	const struct aiaccel_op_pool *op = &x->op->pool;
	u32 nc = min(op->channels, SIM_POOL_NC);
	size_t left;

	/* accumulators, input and output requests of at least nc bytes */
	while (sim_sz(nc * sizeof(s32)) + 2 * sim_sz(nc) > sim_avail(x) &&
	       nc > 1)
		nc = DIV_ROUND_UP(nc, 2);
	pl->nc = sim_split(op->channels, nc, 1);
	left = sim_avail(x) - sim_sz(pl->nc * sizeof(s32));
	pl->in_size = max_t(size_t, pl->nc, min_t(size_t, SIM_XFER, left / 2) &
			    ~(size_t)63);
	pl->acc = sim_take(x, pl->nc * sizeof(s32));
	pl->in = sim_take(x, pl->in_size);
	if (!pl->in)
		return -EINVAL;
	return sim_writer_init(x, &pl->wr, pl->in_size);
}

/* Fold @n taps of @nc channels each, at @in, into the accumulators. */
static void sim_pool_fold(s32 *acc, const s8 *in, u32 n, u32 nc, bool is_max)
{
	u32 t, c;

	for (t = 0; t < n; t++, in += nc) {
		if (is_max) {
			for (c = 0; c < nc; c++)
				acc[c] = max_t(s32, acc[c], in[c]);
		} else {
			/* int32 sum, wrapping */
			for (c = 0; c < nc; c++)
				acc[c] = (u32)acc[c] + in[c];
		}
	}
}

/* Channels [c0, c0 + nc) of output pixel @p. */
static int sim_pool_pixel(struct sim_exec *x, struct sim_pool *pl, u32 p,
			  u32 c0, u32 nc)
{
	const struct aiaccel_op_pool *op = &x->op->pool;
	bool is_max = op->hdr.opcode == AIACCEL_OP_MAXPOOL;
	/* whole pixels per request when a pass has every channel */
	u32 per_req = nc == op->channels ? pl->in_size / nc : 1;
	u32 b, oy, ox, ky0, ky1, kx0, kx1, ky, kx, n, c;
	s32 count, sum, half;
	s64 y0, x0, v;
	u64 row;
	s8 *out;
	int ret;

	sim_pixel(p, op->out_h, op->out_w, &b, &oy, &ox);
	y0 = (s64)oy * op->stride_h - op->pad_top;
	x0 = (s64)ox * op->stride_w - op->pad_left;

	sim_taps(y0, 1, op->k_h, op->in_h, &ky0, &ky1);
	sim_taps(x0, 1, op->k_w, op->in_w, &kx0, &kx1);
	/* at most in_h * in_w < 2^28 taps */
	count = (ky1 - ky0) * (kx1 - kx0);
	half = count / 2;

	for (c = 0; c < nc; c++)
		pl->acc[c] = is_max ? S8_MIN : 0;
	for (ky = ky0; ky < ky1; ky++) {
		row = ((u64)b * op->in_h + (u64)(y0 + ky)) * op->in_w;
		for (kx = kx0; kx < kx1; kx += n) {
			n = min(per_req, kx1 - kx);
			ret = sim_load(x, SIM_IN,
				       (row + (u64)(x0 + kx)) * op->channels + c0,
				       pl->in, (size_t)n * nc);
			if (!ret)
				ret = sim_work(x, n * nc);
			if (ret)
				return ret;
			sim_pool_fold(pl->acc, pl->in, n, nc, is_max);
		}
	}

	ret = sim_work(x, nc * AIACCEL_SIM_WORK_OUT);
	if (!ret)
		ret = sim_writer_get(x, &pl->wr, (u64)p * op->channels + c0,
				     nc, &out);
	if (ret)
		return ret;
	for (c = 0; c < nc; c++) {
		sum = pl->acc[c];
		if (is_max)
			v = sum;
		else if (!count)
			v = 0;
		else
			v = div_s64((s64)sum + (sum < 0 ? -half : half), count);
		out[c] = clamp_t(s64, v, op->act_min, op->act_max);
	}
	return 0;
}

static int sim_pool(struct sim_exec *x)
{
	const struct aiaccel_op_pool *op = &x->op->pool;
	u32 npix = op->batch * op->out_h * op->out_w, p, c0, nc;
	struct sim_pool pl;
	int ret;

	ret = sim_pool_plan(x, &pl);
	for (c0 = 0; !ret && c0 < op->channels; c0 += nc) {
		nc = min(pl.nc, op->channels - c0);
		for (p = 0; !ret && p < npix; p++)
			ret = sim_pool_pixel(x, &pl, p, c0, nc);
	}
	if (ret)
		return ret;
	return sim_writer_flush(x, &pl.wr);
}

/* ------------------------------------------------------------------------
 * Element-wise ops and copies
 */

/*
 * The chunk [*start, *start + *len) of @count elements of at most @chunk
 * that comes after @done elements: from the first element on, or from the
 * last one down if the op streams backward.
 */
static void sim_chunk(const struct sim_exec *x, u64 count, u64 done, u32 chunk,
		      u64 *start, u32 *len)
{
	*len = min_t(u64, count - done, chunk);
	*start = x->l.backward ? count - done - *len : done;
}

static int sim_add(struct sim_exec *x)
{
	const struct aiaccel_op_add *op = &x->op->add;
	struct sim_rq rq1, rq2, rqo;
	s32 *t1, *t2;
	s8 *in1, *in2;
	u64 done, start;
	u32 i, len, chunk;
	s64 sum;
	int ret;
	int v;

	t1 = sim_take(x, 2 * 256 * sizeof(s32));
	chunk = min_t(size_t, SIM_ADD_CHUNK, (sim_avail(x) / 2) & ~(size_t)63);
	in1 = sim_take(x, chunk);
	in2 = sim_take(x, chunk);
	if (!t1 || !in2)
		return -EINVAL;
	t2 = t1 + 256;

	/* the rescaled value of every possible input, for both inputs */
	sim_rq_prep(&rq1, &op->input1_scale);
	sim_rq_prep(&rq2, &op->input2_scale);
	sim_rq_prep(&rqo, &op->output_scale);
	for (v = S8_MIN; v <= S8_MAX; v++) {
		t1[v + 128] = sim_rq((v - op->input1_zp) * (1 << op->left_shift),
				     &rq1);
		t2[v + 128] = sim_rq((v - op->input2_zp) * (1 << op->left_shift),
				     &rq2);
	}

	for (done = 0; done < op->count; done += len) {
		sim_chunk(x, op->count, done, chunk, &start, &len);
		ret = sim_load(x, SIM_IN, start, in1, len);
		if (!ret)
			ret = sim_load(x, SIM_IN2, start, in2, len);
		if (!ret)
			ret = sim_work(x, len * AIACCEL_SIM_WORK_OUT);
		if (ret)
			return ret;
		for (i = 0; i < len; i++) {
			sum = (s64)t1[in1[i] + 128] + t2[in2[i] + 128];
			sum = clamp_t(s64, sum, S32_MIN, S32_MAX);
			in1[i] = sim_out((u32)sum, &rqo, op->output_zp,
					 op->act_min, op->act_max);
		}
		ret = sim_store(x, start, in1, len);
		if (ret)
			return ret;
	}
	return 0;
}

static int sim_activation(struct sim_exec *x)
{
	const struct aiaccel_op_activation *op = &x->op->activation;
	bool lut_mode = op->mode == AIACCEL_ACT_LUT;
	s8 *lut = NULL, *buf;
	u64 done, start;
	u32 i, len, chunk;
	int ret;

	if (lut_mode) {
		lut = sim_take(x, 256);
		if (!lut)
			return -EINVAL;
		ret = sim_load(x, SIM_LUT, 0, lut, 256);
		if (ret)
			return ret;
	}
	chunk = min_t(size_t, SIM_ACT_CHUNK, sim_avail(x) & ~(size_t)63);
	buf = sim_take(x, chunk);
	if (!buf)
		return -EINVAL;

	for (done = 0; done < op->count; done += len) {
		sim_chunk(x, op->count, done, chunk, &start, &len);
		ret = sim_load(x, SIM_IN, start, buf, len);
		if (!ret)
			ret = sim_work(x, len);
		if (ret)
			return ret;
		if (lut_mode) {
			for (i = 0; i < len; i++)
				buf[i] = lut[buf[i] + 128];
		} else {
			for (i = 0; i < len; i++)
				buf[i] = clamp_t(s32, buf[i], op->act_min,
						 op->act_max);
		}
		ret = sim_store(x, start, buf, len);
		if (ret)
			return ret;
	}
	return 0;
}

static int sim_dma_copy(struct sim_exec *x)
{
	u64 size = x->op->dma_copy.size, off;
	u8 *buf = sim_take(x, SIM_XFER);
	u32 len;
	int ret;

	if (!buf)
		return -EINVAL;
	for (off = 0; off < size; off += len) {
		len = min_t(u64, size - off, SIM_XFER);
		ret = sim_load(x, SIM_IN, off, buf, len);
		if (!ret)
			ret = sim_store(x, off, buf, len);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Execution
 */

/**
 * aiaccel_sim_op_run() - Execute an op.
 * @hdr: The op.
 * @port: Where its tensors are, and what it reports its progress to.
 * @sram: The engine's local memory, 8-byte aligned.
 * @sram_size: Its size, at least %AIACCEL_SIM_SRAM_MIN bytes.
 *
 * The op holds nothing but @sram, whatever the sizes of its tensors.  It
 * first probes every tensor it reads, in the order of
 * aiaccel_sim_op_tensors(), checks every per-channel scale and probes its
 * output, so an op that fails for any of these reasons writes nothing;
 * then it computes, in tiles.  An output that overlaps an input the way
 * aiaccel_sim_op_validate() allows is computed as if every input were
 * read first.
 *
 * Return: 0; -EINVAL if the op is invalid (a per-channel scale included),
 * or @sram_size too small; or the error of a @port callback, which may
 * come after part of the output has been written only if it is one of
 * @port->read, @port->write and @port->unit.
 */
int aiaccel_sim_op_run(const struct aiaccel_op_header *hdr,
		       struct aiaccel_sim_port *port, void *sram,
		       size_t sram_size)
{
	struct sim_exec x = {
		.op = (const void *)hdr,
		.port = port,
		.sram = sram,
		.sram_size = sram_size,
	};
	unsigned int i;
	int ret;

	ret = sim_layout(hdr, &x.l);
	if (ret)
		return ret;
	if (sram_size < AIACCEL_SIM_SRAM_MIN)
		return -EINVAL;
	for (i = 0; i < SIM_NR_ROLES; i++)
		x.tensor[i] = -1;
	for (i = 0; i < x.l.n; i++)
		x.tensor[x.l.role[i]] = i;

	for (i = 0; i + 1 < x.l.n; i++) {
		ret = sim_probe(&x, i);
		if (ret)
			return ret;
	}
	ret = sim_check_quant(&x);
	if (!ret && x.l.n)
		ret = sim_probe(&x, x.l.n - 1);
	if (ret)
		return ret;

	switch (hdr->opcode) {
	case AIACCEL_OP_DMA_COPY:
		ret = sim_dma_copy(&x);
		break;
	case AIACCEL_OP_GEMM:
		ret = sim_gemm(&x);
		break;
	case AIACCEL_OP_CONV2D:
		ret = sim_conv2d(&x);
		break;
	case AIACCEL_OP_DWCONV2D:
		ret = sim_dwconv2d(&x);
		break;
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		ret = sim_pool(&x);
		break;
	case AIACCEL_OP_ADD:
		ret = sim_add(&x);
		break;
	case AIACCEL_OP_ACTIVATION:
		ret = sim_activation(&x);
		break;
	}
	if (ret)
		return ret;
	return port->unit(port, true);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_run);

/* The port of aiaccel_sim_op_execute(): one buffer per tensor. */
struct sim_buf_port {
	struct aiaccel_sim_port port;
	void *const *bufs;
};

static int sim_buf_read(struct aiaccel_sim_port *port, unsigned int t,
			u64 off, void *buf, size_t len)
{
	struct sim_buf_port *p = container_of(port, struct sim_buf_port, port);

	memcpy(buf, p->bufs[t] + off, len);
	return 0;
}

static int sim_buf_write(struct aiaccel_sim_port *port, unsigned int t,
			 u64 off, const void *buf, size_t len)
{
	struct sim_buf_port *p = container_of(port, struct sim_buf_port, port);

	memcpy(p->bufs[t] + off, buf, len);
	return 0;
}

static int sim_buf_unit(struct aiaccel_sim_port *port, bool last)
{
	return 0;
}

/**
 * aiaccel_sim_op_execute() - Execute an op on tensors in buffers.
 * @hdr: The op.
 * @bufs: One buffer per tensor of aiaccel_sim_op_tensors(), in that
 *	order, each of the tensor's size; the read tensors hold their
 *	contents, the written one receives the result.
 * @nbufs: Entries in @bufs; must equal the number of tensors.
 * @sram: Local memory for aiaccel_sim_op_run().
 * @sram_size: Its size.
 *
 * aiaccel_sim_op_run() with the tensors' bytes in @bufs instead of device
 * memory.  On error nothing has been written.
 *
 * Return: 0, or -EINVAL if the op is invalid, @nbufs is wrong, a
 * per-channel requantisation entry is out of range or @sram_size too small.
 */
int aiaccel_sim_op_execute(const struct aiaccel_op_header *hdr,
			   void *const *bufs, unsigned int nbufs,
			   void *sram, size_t sram_size)
{
	struct sim_buf_port p = {
		.port = {
			.read = sim_buf_read,
			.write = sim_buf_write,
			.unit = sim_buf_unit,
		},
		.bufs = bufs,
	};
	struct sim_layout l;
	int ret;

	ret = sim_layout(hdr, &l);
	if (ret)
		return ret;
	if (nbufs != l.n)
		return -EINVAL;
	return aiaccel_sim_op_run(hdr, &p.port, sram, sram_size);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_execute);
