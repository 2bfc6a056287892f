// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim_ops: the op kernels of the aiaccel hardware model.
 *
 * These compute what the engines of the chip would compute, as fast as the
 * CPU reasonably allows, and bit-exact with the reference implementation
 * (libaidrv/ref/aiaccel_ref.c); KUnit checks that.  They work on
 * contiguous buffers the engine has fetched through the device MMU (its
 * "SRAM"), in the order aiaccel_sim_op_tensors() lists the tensors.
 *
 * How they are fast:
 *
 * - GEMM and CONV2D share one matrix-multiply core.  Zero points are
 *   hoisted out of the inner loop: with a' = a - za and w' = w - zw,
 *
 *	sum_k a'w' = sum_k aw - zw * sum_k a - za * sum_k w + K * za * zw
 *
 *   in int32 arithmetic modulo 2^32 (kept in u32, so wrapping is defined),
 *   which leaves one multiply-add per MAC.  The weight sums are computed
 *   once per op, the input sums once per row.  The core computes 2 rows by
 *   4 output channels at a time in registers.
 * - CONV2D lowers each output pixel to a row of length K = k_h * k_w * in_c
 *   (im2col), two pixels at a time, filling taps outside the input with
 *   the input zero point, which contributes exactly 0 to the sum.  A pixel
 *   whose window is a contiguous run of the input (1x1 filters, and 1xN
 *   filters without horizontal dilation) is used in place.
 * - DWCONV2D, pooling: per output pixel the valid taps are found once and
 *   the channels, contiguous in NHWC, form the inner loop.
 * - ADD requantises each input through a 256-entry table.
 * - Requantisation is an inline function whose shifts and rounding
 *   constants are prepared outside the loops over elements.
 */

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/compiler.h>
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
/* Channels per block of on-stack accumulators (DWCONV2D, pooling). */
#define SIM_CHUNK	64U

/* What a tensor is to its op; execute() finds its buffers by role. */
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
 */
struct sim_layout {
	unsigned int n;
	struct aiaccel_sim_tensor t[AIACCEL_SIM_OP_MAX_TENSORS];
	u8 role[AIACCEL_SIM_OP_MAX_TENSORS];
	u64 macs;
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
 * An output may overlap what its op reads only where an engine streaming
 * the tensors through a local memory smaller than they are gets the
 * result of reading everything first: ADD's and ACTIVATION's output may
 * overlap their inputs if those all start on the same side of it (the
 * engine then streams away from the overlap), and ACTIVATION's table,
 * loaded whole before anything is written, may overlap anything.
 */
static int sim_layout_overlap(u16 opcode, const struct sim_layout *l)
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
	return below && above ? -EINVAL : 0;
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
 * checked by aiaccel_sim_op_execute().
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
 * aiaccel_sim_op_scratch_size() - Working memory an op needs.
 * @hdr: A valid op.
 *
 * GEMM needs 4 bytes per output channel, CONV2D 4 bytes per output channel
 * plus twice k_h * k_w * in_c, ADD 2 KiB, the others nothing.
 *
 * Return: the size of the scratch buffer aiaccel_sim_op_execute() needs
 * for this op; 0 if none, or if the op is invalid.
 */
size_t aiaccel_sim_op_scratch_size(const struct aiaccel_op_header *hdr)
{
	const union aiaccel_sim_op *op = (const void *)hdr;
	size_t k;

	if (aiaccel_sim_op_validate(hdr))
		return 0;

	switch (hdr->opcode) {
	case AIACCEL_OP_GEMM:
		/* the sum of each weight row */
		return (size_t)op->gemm.n * sizeof(u32);
	case AIACCEL_OP_CONV2D:
		/* weight row sums, then two im2col rows */
		k = (size_t)op->conv2d.k_h * op->conv2d.k_w * op->conv2d.in_c;
		return (size_t)op->conv2d.out_c * sizeof(u32) + 2 * k;
	case AIACCEL_OP_ADD:
		/* two 256-entry tables */
		return 2 * 256 * sizeof(s32);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_scratch_size);

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

static int sim_check_quant(const struct aiaccel_requant *quant, u32 n)
{
	u32 i;

	for (i = 0; quant && i < n; i++)
		if (!sim_rq_ok(&quant[i]))
			return -EINVAL;
	return 0;
}

/* Requantise, add the zero point and clamp. */
static inline s8 sim_out(u32 acc, const struct sim_rq *rq, s32 zp,
			 s32 act_min, s32 act_max)
{
	return clamp_t(s64, (s64)sim_rq((s32)acc, rq) + zp, act_min, act_max);
}

/* ------------------------------------------------------------------------
 * Matrix-multiply core of GEMM and CONV2D
 */

/**
 * struct sim_mm - out[i][j] = requant(bias[j] + sum_p (a_i[p] - a_zp) *
 *	(w[j][p] - w_zp)) for rows a_i supplied by the caller.
 * @w: Weights, [n][k].
 * @n: Output channels.
 * @k: Row length.
 * @wsum: Sum of each weight row, [n].
 * @bias: [n], or NULL.
 * @quant: Per-channel scales [n], or NULL to use @rq.
 * @rq: The per-tensor scale.
 * @a_zp: Zero point of the rows.
 * @w_zp: Zero point of the weights.
 * @kzz: k * a_zp * w_zp, modulo 2^32.
 * @out_zp: Output zero point.
 * @act_min: Output clamp.
 * @act_max: Output clamp.
 */
struct sim_mm {
	const s8 *w;
	u32 n;
	u32 k;
	const u32 *wsum;
	const s32 *bias;
	const struct aiaccel_requant *quant;
	struct sim_rq rq;
	s32 a_zp;
	s32 w_zp;
	u32 kzz;
	s32 out_zp;
	s32 act_min;
	s32 act_max;
};

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

static void sim_mm_init(struct sim_mm *mm, const s8 *w, u32 n, u32 k,
			u32 *wsum, const s32 *bias,
			const struct aiaccel_requant *quant,
			const struct aiaccel_requant *requant,
			s32 a_zp, s32 w_zp, s32 out_zp, s32 act_min,
			s32 act_max)
{
	u32 j;

	for (j = 0; j < n; j++)
		wsum[j] = sim_sum(w + (size_t)j * k, k);

	mm->w = w;
	mm->n = n;
	mm->k = k;
	mm->wsum = wsum;
	mm->bias = bias;
	mm->quant = quant;
	/* with per-channel scales, @requant is not validated: leave it */
	if (!quant)
		sim_rq_prep(&mm->rq, requant);
	mm->a_zp = a_zp;
	mm->w_zp = w_zp;
	mm->kzz = k * (u32)a_zp * (u32)w_zp;
	mm->out_zp = out_zp;
	mm->act_min = act_min;
	mm->act_max = act_max;
}

/* Output rows o[r][0..n) of input rows a[r][0..k), for r < @rows (1 or 2). */
static void sim_mm_rows(const struct sim_mm *mm, const s8 *const a[2],
			s8 *const o[2], unsigned int rows)
{
	u32 k = mm->k, n = mm->n;
	u32 asum[2], d[2][4];
	unsigned int r, c, cols;
	const s8 *w;
	struct sim_rq chan_rq;
	const struct sim_rq *rq = &mm->rq;
	u32 acc, j;

	/* -w_zp * sum_p a[p] + K * a_zp * w_zp, per row */
	for (r = 0; r < rows; r++)
		asum[r] = mm->kzz - (u32)mm->w_zp * sim_sum(a[r], k);

	for (j = 0; j < n; j += cols) {
		cols = min(4U, n - j);
		w = mm->w + (size_t)j * k;
		if (cols == 4 && rows == 2) {
			sim_dot_2x4(a[0], a[1], w, k, d);
		} else if (cols == 4) {
			sim_dot_1x4(a[0], w, k, d[0]);
		} else {
			for (r = 0; r < rows; r++)
				for (c = 0; c < cols; c++)
					d[r][c] = sim_dot_1x1(a[r],
							      w + (size_t)c * k,
							      k);
		}

		for (c = 0; c < cols; c++) {
			if (mm->quant) {
				sim_rq_prep(&chan_rq, &mm->quant[j + c]);
				rq = &chan_rq;
			}
			/* bias - a_zp * sum_p w[p] */
			acc = (mm->bias ? mm->bias[j + c] : 0) -
			      (u32)mm->a_zp * mm->wsum[j + c];
			for (r = 0; r < rows; r++)
				o[r][j + c] = sim_out(d[r][c] + asum[r] + acc,
						      rq, mm->out_zp,
						      mm->act_min, mm->act_max);
		}
	}
}

static int sim_gemm(const struct aiaccel_op_gemm *op, void *const *buf,
		    void *scratch)
{
	u32 flags = op->hdr.flags;
	const s8 *in = buf[SIM_IN];
	s8 *out = buf[SIM_OUT];
	const s8 *a[2];
	s8 *o[2];
	struct sim_mm mm;
	unsigned int rows;
	u32 i;

	if (sim_check_quant(buf[SIM_QUANT], op->n))
		return -EINVAL;

	sim_mm_init(&mm, buf[SIM_WEIGHTS], op->n, op->k, scratch,
		    (flags & AIACCEL_OP_F_BIAS) ? buf[SIM_BIAS] : NULL,
		    buf[SIM_QUANT], &op->requant, op->input_zp, op->weight_zp,
		    op->output_zp, op->act_min, op->act_max);

	for (i = 0; i < op->m; i += rows) {
		rows = min(2U, op->m - i);
		a[0] = in + (size_t)i * op->k;
		a[1] = a[0] + op->k;
		o[0] = out + (size_t)i * op->n;
		o[1] = o[0] + op->n;
		sim_mm_rows(&mm, a, o, rows);
	}
	return 0;
}

/*
 * The im2col row of output pixel (b, oy, ox): its k_h * k_w * in_c input
 * values in filter order, the input zero point where a tap falls outside
 * the input.  Returns a pointer into the input when the window is a
 * contiguous run of it, else builds the row in @col.
 */
static const s8 *sim_conv_row(const struct aiaccel_op_conv2d *op,
			      const s8 *in, u32 b, u32 oy, u32 ox, s8 *col)
{
	s64 y0 = (s64)oy * op->stride_h - op->pad_top;
	s64 x0 = (s64)ox * op->stride_w - op->pad_left;
	size_t c = op->in_c;
	s64 y, x;
	u32 ky, kx;
	s8 *dst = col;

	if (op->k_h == 1 && (op->k_w == 1 || op->dilation_w == 1) &&
	    y0 >= 0 && y0 < op->in_h && x0 >= 0 && x0 + op->k_w <= op->in_w)
		return in + (((size_t)b * op->in_h + (size_t)y0) * op->in_w +
			     (size_t)x0) * c;

	for (ky = 0; ky < op->k_h; ky++) {
		y = y0 + (s64)ky * op->dilation_h;
		for (kx = 0; kx < op->k_w; kx++, dst += c) {
			x = x0 + (s64)kx * op->dilation_w;
			if (y < 0 || y >= op->in_h || x < 0 || x >= op->in_w)
				memset(dst, op->input_zp, c);
			else
				memcpy(dst, in + (((size_t)b * op->in_h +
						   (size_t)y) * op->in_w +
						  (size_t)x) * c, c);
		}
	}
	return col;
}

static int sim_conv2d(const struct aiaccel_op_conv2d *op, void *const *buf,
		      void *scratch)
{
	u32 flags = op->hdr.flags;
	u32 k = op->k_h * op->k_w * op->in_c;
	u32 npix = op->batch * op->out_h * op->out_w;
	const s8 *in = buf[SIM_IN];
	s8 *out = buf[SIM_OUT];
	s8 *col = (s8 *)scratch + (size_t)op->out_c * sizeof(u32);
	unsigned int r, rows;
	const s8 *a[2];
	s8 *o[2];
	struct sim_mm mm;
	u32 p, q;

	if (sim_check_quant(buf[SIM_QUANT], op->out_c))
		return -EINVAL;

	sim_mm_init(&mm, buf[SIM_WEIGHTS], op->out_c, k, scratch,
		    (flags & AIACCEL_OP_F_BIAS) ? buf[SIM_BIAS] : NULL,
		    buf[SIM_QUANT], &op->requant, op->input_zp, op->filter_zp,
		    op->output_zp, op->act_min, op->act_max);

	for (p = 0; p < npix; p += rows) {
		rows = min(2U, npix - p);
		for (r = 0; r < rows; r++) {
			q = (p + r) / op->out_w;
			a[r] = sim_conv_row(op, in, q / op->out_h,
					    q % op->out_h, (p + r) % op->out_w,
					    col + (size_t)r * k);
			o[r] = out + (size_t)(p + r) * op->out_c;
		}
		sim_mm_rows(&mm, a, o, rows);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Depthwise convolution
 */

/* Output channels [c0, c0 + nc) of output pixel (b, oy, ox). */
static noinline_for_stack void
sim_dwconv_pixel(const struct aiaccel_op_conv2d *op, void *const *buf,
		 u32 b, u32 oy, u32 ox, u32 c0, u32 nc, s8 *out)
{
	const struct aiaccel_requant *quant = buf[SIM_QUANT];
	const s32 *bias = buf[SIM_BIAS];
	const s8 *in = buf[SIM_IN];
	const s8 *filter = buf[SIM_WEIGHTS];
	u32 mult = op->out_c / op->in_c;
	s64 y0 = (s64)oy * op->stride_h - op->pad_top;
	s64 x0 = (s64)ox * op->stride_w - op->pad_left;
	u32 acc[SIM_CHUNK];
	struct sim_rq rq;
	const s8 *a, *f;
	u32 ky, kx, c, ic, m;
	s64 y, x;
	s32 av;

	for (c = 0; c < nc; c++)
		acc[c] = (op->hdr.flags & AIACCEL_OP_F_BIAS) ? bias[c0 + c] : 0;

	for (ky = 0; ky < op->k_h; ky++) {
		y = y0 + (s64)ky * op->dilation_h;
		if (y < 0 || y >= op->in_h)
			continue;
		for (kx = 0; kx < op->k_w; kx++) {
			x = x0 + (s64)kx * op->dilation_w;
			if (x < 0 || x >= op->in_w)
				continue;
			a = in + (((size_t)b * op->in_h + (size_t)y) *
				  op->in_w + (size_t)x) * op->in_c;
			f = filter + ((size_t)ky * op->k_w + kx) * op->out_c + c0;
			if (mult == 1) {
				a += c0;
				for (c = 0; c < nc; c++)
					acc[c] += (a[c] - op->input_zp) *
						  (f[c] - op->filter_zp);
				continue;
			}
			/* output channel c0 + c reads input channel ic */
			ic = c0 / mult;
			m = c0 % mult;
			av = a[ic] - op->input_zp;
			for (c = 0; c < nc; c++) {
				acc[c] += av * (f[c] - op->filter_zp);
				if (++m == mult && c + 1 < nc) {
					m = 0;
					av = a[++ic] - op->input_zp;
				}
			}
		}
	}

	for (c = 0; c < nc; c++) {
		sim_rq_prep(&rq, quant ? &quant[c0 + c] : &op->requant);
		out[c] = sim_out(acc[c], &rq, op->output_zp, op->act_min,
				 op->act_max);
	}
}

static int sim_dwconv2d(const struct aiaccel_op_conv2d *op, void *const *buf)
{
	s8 *out = buf[SIM_OUT];
	u32 b, oy, ox, c0, nc;

	if (sim_check_quant(buf[SIM_QUANT], op->out_c))
		return -EINVAL;

	for (b = 0; b < op->batch; b++) {
		for (oy = 0; oy < op->out_h; oy++) {
			for (ox = 0; ox < op->out_w; ox++, out += op->out_c) {
				for (c0 = 0; c0 < op->out_c; c0 += nc) {
					nc = min(SIM_CHUNK, op->out_c - c0);
					sim_dwconv_pixel(op, buf, b, oy, ox,
							 c0, nc, out + c0);
				}
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Pooling
 */

/*
 * The taps [*lo, *hi) of a window starting at input position @start
 * (possibly negative) with @k taps that fall inside [0, @size).
 */
static void sim_pool_range(s64 start, u32 k, u32 size, u32 *lo, u32 *hi)
{
	s64 l = max_t(s64, 0, -start);
	s64 h = min_t(s64, k, (s64)size - start);

	*lo = l;
	*hi = h > l ? h : l;
}

static noinline_for_stack void
sim_pool_pixel(const struct aiaccel_op_pool *op, bool is_max, const s8 *in,
	       u32 b, u32 oy, u32 ox, s8 *out)
{
	s64 y0 = (s64)oy * op->stride_h - op->pad_top;
	s64 x0 = (s64)ox * op->stride_w - op->pad_left;
	u32 ky0, ky1, kx0, kx1, ky, kx, c, c0, nc;
	s32 acc[SIM_CHUNK];
	s32 count, sum, half;
	const s8 *row;
	s64 v;

	sim_pool_range(y0, op->k_h, op->in_h, &ky0, &ky1);
	sim_pool_range(x0, op->k_w, op->in_w, &kx0, &kx1);
	/* at most in_h * in_w < 2^28 taps */
	count = (ky1 - ky0) * (kx1 - kx0);
	half = count / 2;

	for (c0 = 0; c0 < op->channels; c0 += nc) {
		nc = min(SIM_CHUNK, op->channels - c0);
		for (c = 0; c < nc; c++)
			acc[c] = is_max ? S8_MIN : 0;

		for (ky = ky0; ky < ky1; ky++) {
			for (kx = kx0; kx < kx1; kx++) {
				row = in + (((size_t)b * op->in_h +
					     (size_t)(y0 + ky)) * op->in_w +
					    (size_t)(x0 + kx)) * op->channels +
				      c0;
				if (is_max) {
					for (c = 0; c < nc; c++)
						acc[c] = max_t(s32, acc[c],
							       row[c]);
				} else {
					/* int32 sum, wrapping */
					for (c = 0; c < nc; c++)
						acc[c] = (u32)acc[c] + row[c];
				}
			}
		}

		for (c = 0; c < nc; c++) {
			sum = acc[c];
			if (is_max)
				v = sum;
			else if (!count)
				v = 0;
			else
				v = div_s64((s64)sum + (sum < 0 ? -half : half),
					    count);
			out[c0 + c] = clamp_t(s64, v, op->act_min, op->act_max);
		}
	}
}

static int sim_pool(const struct aiaccel_op_pool *op, void *const *buf)
{
	bool is_max = op->hdr.opcode == AIACCEL_OP_MAXPOOL;
	s8 *out = buf[SIM_OUT];
	u32 b, oy, ox;

	for (b = 0; b < op->batch; b++)
		for (oy = 0; oy < op->out_h; oy++)
			for (ox = 0; ox < op->out_w; ox++, out += op->channels)
				sim_pool_pixel(op, is_max, buf[SIM_IN],
					       b, oy, ox, out);
	return 0;
}

/* ------------------------------------------------------------------------
 * Element-wise ops
 */

static int sim_add(const struct aiaccel_op_add *op, void *const *buf,
		   void *scratch)
{
	const s8 *in1 = buf[SIM_IN], *in2 = buf[SIM_IN2];
	s8 *out = buf[SIM_OUT];
	s32 *t1 = scratch, *t2 = t1 + 256;
	struct sim_rq rq1, rq2, rqo;
	s64 sum;
	int v;
	u32 i;

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

	for (i = 0; i < op->count; i++) {
		sum = (s64)t1[in1[i] + 128] + t2[in2[i] + 128];
		sum = clamp_t(s64, sum, S32_MIN, S32_MAX);
		out[i] = sim_out((u32)sum, &rqo, op->output_zp, op->act_min,
				 op->act_max);
	}
	return 0;
}

static int sim_activation(const struct aiaccel_op_activation *op,
			  void *const *buf)
{
	const s8 *in = buf[SIM_IN], *lut = buf[SIM_LUT];
	s8 *out = buf[SIM_OUT];
	u32 i;

	if (op->mode == AIACCEL_ACT_LUT) {
		for (i = 0; i < op->count; i++)
			out[i] = lut[in[i] + 128];
	} else {
		for (i = 0; i < op->count; i++)
			out[i] = clamp_t(s32, in[i], op->act_min, op->act_max);
	}
	return 0;
}

/**
 * aiaccel_sim_op_execute() - Execute an op on fetched tensors.
 * @hdr: The op.
 * @bufs: One buffer per tensor of aiaccel_sim_op_tensors(), in that
 *	order, each at least 8-byte aligned and of the tensor's size; the
 *	read tensors hold their contents, the written one receives the
 *	result.  The written buffer must not overlap the others.
 * @nbufs: Entries in @bufs; must equal the number of tensors.
 * @scratch: aiaccel_sim_op_scratch_size() bytes, 8-byte aligned (may be
 *	NULL if that is 0).
 *
 * Does not sleep.  On error nothing has been written.
 *
 * Return: 0, or -EINVAL if the op is invalid, @nbufs is wrong, or a
 * per-channel requantisation entry is out of range.
 */
int aiaccel_sim_op_execute(const struct aiaccel_op_header *hdr,
			   void *const *bufs, unsigned int nbufs,
			   void *scratch)
{
	const union aiaccel_sim_op *op = (const void *)hdr;
	void *buf[SIM_NR_ROLES] = { NULL };
	struct sim_layout l;
	unsigned int i;
	int ret;

	ret = sim_layout(hdr, &l);
	if (ret)
		return ret;
	if (nbufs != l.n)
		return -EINVAL;
	for (i = 0; i < l.n; i++)
		buf[l.role[i]] = bufs[i];

	switch (hdr->opcode) {
	case AIACCEL_OP_DMA_COPY:
		memcpy(buf[SIM_OUT], buf[SIM_IN], op->dma_copy.size);
		return 0;
	case AIACCEL_OP_GEMM:
		return sim_gemm(&op->gemm, buf, scratch);
	case AIACCEL_OP_CONV2D:
		return sim_conv2d(&op->conv2d, buf, scratch);
	case AIACCEL_OP_DWCONV2D:
		return sim_dwconv2d(&op->conv2d, buf);
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		return sim_pool(&op->pool, buf);
	case AIACCEL_OP_ADD:
		return sim_add(&op->add, buf, scratch);
	case AIACCEL_OP_ACTIVATION:
		return sim_activation(&op->activation, buf);
	}
	return 0;	/* NOP */
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_op_execute);
