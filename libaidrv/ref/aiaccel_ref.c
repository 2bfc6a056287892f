// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * aiaccel_ref: reference implementation of the aiaccel ISA.
 *
 * Each function below is the specification (Documentation/accel/aiaccel/
 * isa.rst) transcribed as plainly as possible.  Speed does not matter here;
 * being obviously right does.  Rules followed so that this file builds both
 * in userspace and in the kernel:
 *
 * - only __s8/__s32/__s64/__u8/__u32/__u64 from <linux/types.h>;
 * - no libc, no allocation, no floating point, no VLAs;
 * - int32 arithmetic that may wrap is done on __u32 and converted back
 *   with ref_s32(), so there is no signed overflow;
 * - 64-bit division by a variable only through REF_DIV_S64().
 */

#include <linux/errno.h>
#include <linux/types.h>

#ifdef __KERNEL__
#include <linux/math64.h>
#define REF_DIV_S64(n, d)	div_s64((n), (d))
#else
#define REF_DIV_S64(n, d)	((n) / (d))
#endif

#include "aiaccel_ref.h"

#define REF_S32_MAX	((__s64)0x7fffffff)
#define REF_S32_MIN	(-REF_S32_MAX - 1)
#define REF_MAX_BYTES	AIACCEL_REF_MAX_TENSOR_BYTES

/* -------------------------------------------------------------------------
 * Arithmetic helpers
 */

/* The int32 whose two's complement bit pattern is @v. */
static __s32 ref_s32(__u32 v)
{
	if (v <= 0x7fffffffu)
		return (__s32)v;
	return (__s32)(v - 0x80000000u) + (__s32)REF_S32_MIN;
}

static __s64 ref_saturate_s32(__s64 v)
{
	if (v > REF_S32_MAX)
		return REF_S32_MAX;
	if (v < REF_S32_MIN)
		return REF_S32_MIN;
	return v;
}

static __s64 ref_clamp(__s64 v, __s64 lo, __s64 hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

__s32 aiaccel_ref_requant(__s32 x, __s32 multiplier, __s32 shift)
{
	__s32 left = shift > 0 ? shift : 0;
	__s32 right = shift > 0 ? 0 : -shift;
	__s64 x1, p, nudge, r, mask, rem, threshold;

	/* x1 = saturate_int32(x * 2^left) */
	x1 = ref_saturate_s32((__s64)x * ((__s64)1 << left));

	/* SaturatingRoundingDoublingHighMul(x1, multiplier) */
	p = x1 * multiplier;
	nudge = p >= 0 ? ((__s64)1 << 30) : 1 - ((__s64)1 << 30);
	r = (p + nudge) / ((__s64)1 << 31);	/* truncates toward zero */

	if (right == 0)
		return (__s32)r;

	/* RoundingDivideByPOT(r, right) */
	mask = ((__s64)1 << right) - 1;
	rem = r & mask;
	threshold = (mask >> 1) + (r < 0 ? 1 : 0);
	return (__s32)((r >> right) + (rem > threshold ? 1 : 0));
}

/*
 * Output stage of GEMM, CONV2D and DWCONV2D: requantise the int32
 * accumulator (held as its bit pattern in a __u32), add the output zero
 * point and clamp.
 */
static __s8 ref_output(__u32 acc, const struct aiaccel_requant *q,
		       __s32 output_zp, __s32 act_min, __s32 act_max)
{
	__s64 v;

	v = (__s64)aiaccel_ref_requant(ref_s32(acc), q->multiplier, q->shift);
	v += output_zp;
	return (__s8)ref_clamp(v, act_min, act_max);
}

/* -------------------------------------------------------------------------
 * Validation
 */

static int ref_zp_ok(__s32 zp)
{
	return zp >= -128 && zp <= 127;
}

static int ref_act_ok(__s32 act_min, __s32 act_max)
{
	return act_min >= -128 && act_max <= 127 && act_min <= act_max;
}

static int ref_requant_ok(const struct aiaccel_requant *q)
{
	int mult_ok = q->multiplier == 0 || q->multiplier >= (1 << 30);

	return mult_ok && q->shift >= -31 && q->shift <= 30;
}

/*
 * Is a * b * c * d <= REF_MAX_BYTES?  Every factor is at least 1, so the
 * running product only grows; stopping as soon as it passes the limit
 * keeps it below 2^28 * 2^32, far from overflowing 64 bits.
 */
static int ref_size_ok(__u64 a, __u64 b, __u64 c, __u64 d)
{
	__u64 p = a;

	if (p > REF_MAX_BYTES)
		return 0;
	p *= b;
	if (p > REF_MAX_BYTES)
		return 0;
	p *= c;
	if (p > REF_MAX_BYTES)
		return 0;
	p *= d;
	return p <= REF_MAX_BYTES;
}

static int ref_validate_dma_copy(const struct aiaccel_op_dma_copy *op)
{
	__u64 distance;

	if (op->hdr.flags)
		return 0;
	if (op->size == 0 || op->size > REF_MAX_BYTES)
		return 0;
	/* [src, src + size) and [dst, dst + size) must not overlap. */
	distance = op->src <= op->dst ? op->dst - op->src : op->src - op->dst;
	return distance >= op->size;
}

static int ref_validate_gemm(const struct aiaccel_op_gemm *op)
{
	__u32 flags = op->hdr.flags;

	if (flags & ~(AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS))
		return 0;
	if (op->m == 0 || op->n == 0 || op->k == 0)
		return 0;
	if (!ref_zp_ok(op->input_zp) || !ref_zp_ok(op->weight_zp) ||
	    !ref_zp_ok(op->output_zp))
		return 0;
	if (!ref_act_ok(op->act_min, op->act_max))
		return 0;
	if (!(flags & AIACCEL_OP_F_PER_CHANNEL) &&
	    !ref_requant_ok(&op->requant))
		return 0;
	if (!ref_size_ok(op->m, op->k, 1, 1) ||
	    !ref_size_ok(op->n, op->k, 1, 1) ||
	    !ref_size_ok(op->m, op->n, 1, 1))
		return 0;
	if ((flags & AIACCEL_OP_F_BIAS) && !ref_size_ok(op->n, 4, 1, 1))
		return 0;
	if ((flags & AIACCEL_OP_F_PER_CHANNEL) &&
	    !ref_size_ok(op->n, sizeof(struct aiaccel_requant), 1, 1))
		return 0;
	return 1;
}

static int ref_validate_conv(const struct aiaccel_op_conv2d *op, int depthwise)
{
	__u32 flags = op->hdr.flags;

	if (flags & ~(AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS))
		return 0;
	if (op->batch == 0 || op->in_h == 0 || op->in_w == 0 ||
	    op->in_c == 0 || op->out_h == 0 || op->out_w == 0 ||
	    op->out_c == 0 || op->k_h == 0 || op->k_w == 0 ||
	    op->stride_h == 0 || op->stride_w == 0 ||
	    op->dilation_h == 0 || op->dilation_w == 0)
		return 0;
	if (depthwise && op->out_c % op->in_c != 0)
		return 0;
	if (!ref_zp_ok(op->input_zp) || !ref_zp_ok(op->filter_zp) ||
	    !ref_zp_ok(op->output_zp))
		return 0;
	if (!ref_act_ok(op->act_min, op->act_max))
		return 0;
	if (!(flags & AIACCEL_OP_F_PER_CHANNEL) &&
	    !ref_requant_ok(&op->requant))
		return 0;
	if (!ref_size_ok(op->batch, op->in_h, op->in_w, op->in_c) ||
	    !ref_size_ok(op->batch, op->out_h, op->out_w, op->out_c))
		return 0;
	if (depthwise && !ref_size_ok(op->k_h, op->k_w, op->out_c, 1))
		return 0;
	if (!depthwise && !ref_size_ok(op->out_c, op->k_h, op->k_w, op->in_c))
		return 0;
	if ((flags & AIACCEL_OP_F_BIAS) && !ref_size_ok(op->out_c, 4, 1, 1))
		return 0;
	if ((flags & AIACCEL_OP_F_PER_CHANNEL) &&
	    !ref_size_ok(op->out_c, sizeof(struct aiaccel_requant), 1, 1))
		return 0;
	return 1;
}

static int ref_validate_pool(const struct aiaccel_op_pool *op)
{
	if (op->hdr.flags)
		return 0;
	if (op->batch == 0 || op->in_h == 0 || op->in_w == 0 ||
	    op->channels == 0 || op->out_h == 0 || op->out_w == 0 ||
	    op->k_h == 0 || op->k_w == 0 ||
	    op->stride_h == 0 || op->stride_w == 0)
		return 0;
	if (op->pad_top >= op->k_h || op->pad_left >= op->k_w)
		return 0;
	if (!ref_act_ok(op->act_min, op->act_max))
		return 0;
	return ref_size_ok(op->batch, op->in_h, op->in_w, op->channels) &&
	       ref_size_ok(op->batch, op->out_h, op->out_w, op->channels);
}

static int ref_validate_add(const struct aiaccel_op_add *op)
{
	if (op->hdr.flags)
		return 0;
	if (op->count == 0 || !ref_size_ok(op->count, 1, 1, 1))
		return 0;
	if (!ref_zp_ok(op->input1_zp) || !ref_zp_ok(op->input2_zp) ||
	    !ref_zp_ok(op->output_zp))
		return 0;
	if (op->left_shift < 0 || op->left_shift > 20 || op->pad != 0)
		return 0;
	if (!ref_requant_ok(&op->input1_scale) ||
	    !ref_requant_ok(&op->input2_scale) ||
	    !ref_requant_ok(&op->output_scale))
		return 0;
	return ref_act_ok(op->act_min, op->act_max);
}

static int ref_validate_activation(const struct aiaccel_op_activation *op)
{
	if (op->hdr.flags)
		return 0;
	if (op->count == 0 || !ref_size_ok(op->count, 1, 1, 1))
		return 0;
	if (op->mode != AIACCEL_ACT_CLAMP && op->mode != AIACCEL_ACT_LUT)
		return 0;
	/* act_min/act_max must be valid in both modes. */
	return ref_act_ok(op->act_min, op->act_max);
}

static int ref_valid(const struct aiaccel_op_header *op)
{
	switch (op->opcode) {
	case AIACCEL_OP_NOP:
		return op->size == sizeof(struct aiaccel_op_nop) &&
		       op->flags == 0;
	case AIACCEL_OP_DMA_COPY:
		return op->size == sizeof(struct aiaccel_op_dma_copy) &&
		       ref_validate_dma_copy((const struct aiaccel_op_dma_copy *)op);
	case AIACCEL_OP_GEMM:
		return op->size == sizeof(struct aiaccel_op_gemm) &&
		       ref_validate_gemm((const struct aiaccel_op_gemm *)op);
	case AIACCEL_OP_CONV2D:
		return op->size == sizeof(struct aiaccel_op_conv2d) &&
		       ref_validate_conv((const struct aiaccel_op_conv2d *)op, 0);
	case AIACCEL_OP_DWCONV2D:
		return op->size == sizeof(struct aiaccel_op_conv2d) &&
		       ref_validate_conv((const struct aiaccel_op_conv2d *)op, 1);
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		return op->size == sizeof(struct aiaccel_op_pool) &&
		       ref_validate_pool((const struct aiaccel_op_pool *)op);
	case AIACCEL_OP_ADD:
		return op->size == sizeof(struct aiaccel_op_add) &&
		       ref_validate_add((const struct aiaccel_op_add *)op);
	case AIACCEL_OP_ACTIVATION:
		return op->size == sizeof(struct aiaccel_op_activation) &&
		       ref_validate_activation((const struct aiaccel_op_activation *)op);
	default:
		return 0;
	}
}

int aiaccel_ref_validate(const struct aiaccel_op_header *op)
{
	return ref_valid(op) ? 0 : -EINVAL;
}

/* Is @op a valid op with opcode @opcode? */
static int ref_check(const struct aiaccel_op_header *op, __u16 opcode)
{
	return op->opcode == opcode && ref_valid(op);
}

/* -------------------------------------------------------------------------
 * Ops
 */

int aiaccel_ref_dma_copy(const struct aiaccel_op_dma_copy *op, const __u8 *src,
			 __u8 *dst)
{
	__u64 i;

	if (!ref_check(&op->hdr, AIACCEL_OP_DMA_COPY))
		return -EINVAL;
	for (i = 0; i < op->size; i++)
		dst[i] = src[i];
	return 0;
}

/*
 * The requantisation parameters of output channel @c: quant[c] with
 * PER_CHANNEL, else the op's per-tensor requant.
 */
static const struct aiaccel_requant *
ref_channel_requant(__u32 flags, const struct aiaccel_requant *per_tensor,
		    const struct aiaccel_requant *quant, __u32 c)
{
	if (flags & AIACCEL_OP_F_PER_CHANNEL)
		return &quant[c];
	return per_tensor;
}

/* With PER_CHANNEL, every one of the @channels entries must be valid. */
static int ref_channels_ok(__u32 flags, const struct aiaccel_requant *quant,
			   __u32 channels)
{
	__u32 c;

	if (!(flags & AIACCEL_OP_F_PER_CHANNEL))
		return 1;
	for (c = 0; c < channels; c++)
		if (!ref_requant_ok(&quant[c]))
			return 0;
	return 1;
}

int aiaccel_ref_gemm(const struct aiaccel_op_gemm *op, const __s8 *input,
		     const __s8 *weights, const __s32 *bias,
		     const struct aiaccel_requant *quant, __s8 *output)
{
	__u32 flags = op->hdr.flags;
	const struct aiaccel_requant *q;
	__u64 m, n, k;
	__u32 acc;
	__s32 a, w;

	if (!ref_check(&op->hdr, AIACCEL_OP_GEMM))
		return -EINVAL;
	if (!ref_channels_ok(flags, quant, op->n))
		return -EINVAL;

	for (m = 0; m < op->m; m++) {
		for (n = 0; n < op->n; n++) {
			q = ref_channel_requant(flags, &op->requant, quant,
						(__u32)n);
			acc = (flags & AIACCEL_OP_F_BIAS) ? (__u32)bias[n] : 0;
			for (k = 0; k < op->k; k++) {
				a = input[m * op->k + k] - op->input_zp;
				w = weights[n * op->k + k] - op->weight_zp;
				acc += (__u32)(a * w);
			}
			output[m * op->n + n] = ref_output(acc, q, op->output_zp,
							   op->act_min,
							   op->act_max);
		}
	}
	return 0;
}

/*
 * CONV2D and DWCONV2D: the int32 accumulator of output (b, oy, ox, oc).
 * Input position of tap (ky, kx): y = oy * stride_h - pad_top +
 * ky * dilation_h, likewise x; taps outside the input are skipped.
 */
static __u32 ref_conv_acc(const struct aiaccel_op_conv2d *op, int depthwise,
			  const __s8 *input, const __s8 *filter, __u32 acc,
			  __u64 b, __u64 oy, __u64 ox, __u64 oc)
{
	__u32 mult = op->out_c / op->in_c;	/* depth multiplier */
	__u64 ky, kx, ic, pixel;
	__s64 y, x;
	__s32 a, w;

	for (ky = 0; ky < op->k_h; ky++) {
		y = (__s64)(oy * op->stride_h) - op->pad_top +
		    (__s64)(ky * op->dilation_h);
		if (y < 0 || y >= op->in_h)
			continue;
		for (kx = 0; kx < op->k_w; kx++) {
			x = (__s64)(ox * op->stride_w) - op->pad_left +
			    (__s64)(kx * op->dilation_w);
			if (x < 0 || x >= op->in_w)
				continue;
			/* Offset of input[b][y][x][0]. */
			pixel = ((b * op->in_h + (__u64)y) * op->in_w +
				 (__u64)x) * op->in_c;
			if (depthwise) {
				a = input[pixel + (__u32)oc / mult] - op->input_zp;
				w = filter[(ky * op->k_w + kx) * op->out_c + oc] -
				    op->filter_zp;
				acc += (__u32)(a * w);
				continue;
			}
			for (ic = 0; ic < op->in_c; ic++) {
				a = input[pixel + ic] - op->input_zp;
				w = filter[((oc * op->k_h + ky) * op->k_w + kx) *
					   op->in_c + ic] - op->filter_zp;
				acc += (__u32)(a * w);
			}
		}
	}
	return acc;
}

static int ref_conv(const struct aiaccel_op_conv2d *op, int depthwise,
		    const __s8 *input, const __s8 *filter, const __s32 *bias,
		    const struct aiaccel_requant *quant, __s8 *output)
{
	__u32 flags = op->hdr.flags;
	const struct aiaccel_requant *q;
	__u64 b, oy, ox, oc, idx;
	__u32 acc;

	if (!ref_channels_ok(flags, quant, op->out_c))
		return -EINVAL;

	idx = 0;	/* output[b][oy][ox][oc], in memory order */
	for (b = 0; b < op->batch; b++) {
		for (oy = 0; oy < op->out_h; oy++) {
			for (ox = 0; ox < op->out_w; ox++) {
				for (oc = 0; oc < op->out_c; oc++, idx++) {
					q = ref_channel_requant(flags,
								&op->requant,
								quant, (__u32)oc);
					acc = (flags & AIACCEL_OP_F_BIAS) ?
					      (__u32)bias[oc] : 0;
					acc = ref_conv_acc(op, depthwise, input,
							   filter, acc,
							   b, oy, ox, oc);
					output[idx] = ref_output(acc, q,
								 op->output_zp,
								 op->act_min,
								 op->act_max);
				}
			}
		}
	}
	return 0;
}

int aiaccel_ref_conv2d(const struct aiaccel_op_conv2d *op, const __s8 *input,
		       const __s8 *filter, const __s32 *bias,
		       const struct aiaccel_requant *quant, __s8 *output)
{
	if (!ref_check(&op->hdr, AIACCEL_OP_CONV2D))
		return -EINVAL;
	return ref_conv(op, 0, input, filter, bias, quant, output);
}

int aiaccel_ref_dwconv2d(const struct aiaccel_op_conv2d *op, const __s8 *input,
			 const __s8 *filter, const __s32 *bias, const struct aiaccel_requant *quant,
			 __s8 *output)
{
	if (!ref_check(&op->hdr, AIACCEL_OP_DWCONV2D))
		return -EINVAL;
	return ref_conv(op, 1, input, filter, bias, quant, output);
}

/*
 * MAXPOOL and AVGPOOL: output (b, oy, ox, c) before the clamp.  Tap
 * (ky, kx) reads y = oy * stride_h - pad_top + ky (no dilation), likewise
 * x.  The window may be far larger than the input, so instead of visiting
 * every tap the loops start at the first tap inside the input and stop at
 * the first one past its end.
 */
static __s64 ref_pool_value(const struct aiaccel_op_pool *op, int is_max,
			    const __s8 *input,
			    __u64 b, __u64 oy, __u64 ox, __u64 c)
{
	__s64 y0 = (__s64)(oy * op->stride_h) - op->pad_top;
	__s64 x0 = (__s64)(ox * op->stride_w) - op->pad_left;
	__s32 max = -128, count = 0;
	__u32 sum = 0;		/* int32 bit pattern: the sum wraps */
	__s64 ky, kx;
	__u64 idx;
	__s32 sum32;
	__s8 v;

	for (ky = y0 < 0 ? -y0 : 0; ky < op->k_h && y0 + ky < op->in_h; ky++) {
		for (kx = x0 < 0 ? -x0 : 0;
		     kx < op->k_w && x0 + kx < op->in_w; kx++) {
			idx = ((b * op->in_h + (__u64)(y0 + ky)) * op->in_w +
			       (__u64)(x0 + kx)) * op->channels + c;
			v = input[idx];
			if (v > max)
				max = v;
			sum += (__u32)(__s32)v;
			count++;
		}
	}

	if (is_max)
		return max;	/* -128 when no tap is valid */
	if (count == 0)
		return 0;
	sum32 = ref_s32(sum);
	if (sum32 >= 0)
		return REF_DIV_S64((__s64)sum32 + count / 2, count);
	return REF_DIV_S64((__s64)sum32 - count / 2, count);
}

static int ref_pool(const struct aiaccel_op_pool *op, int is_max,
		    const __s8 *input, __s8 *output)
{
	__u64 b, oy, ox, c, idx;
	__s64 value;

	idx = 0;	/* output[b][oy][ox][c], in memory order */
	for (b = 0; b < op->batch; b++) {
		for (oy = 0; oy < op->out_h; oy++) {
			for (ox = 0; ox < op->out_w; ox++) {
				for (c = 0; c < op->channels; c++, idx++) {
					value = ref_pool_value(op, is_max, input,
							       b, oy, ox, c);
					output[idx] = (__s8)ref_clamp(value,
								      op->act_min,
								      op->act_max);
				}
			}
		}
	}
	return 0;
}

int aiaccel_ref_maxpool(const struct aiaccel_op_pool *op, const __s8 *input,
			__s8 *output)
{
	if (!ref_check(&op->hdr, AIACCEL_OP_MAXPOOL))
		return -EINVAL;
	return ref_pool(op, 1, input, output);
}

int aiaccel_ref_avgpool(const struct aiaccel_op_pool *op, const __s8 *input,
			__s8 *output)
{
	if (!ref_check(&op->hdr, AIACCEL_OP_AVGPOOL))
		return -EINVAL;
	return ref_pool(op, 0, input, output);
}

int aiaccel_ref_add(const struct aiaccel_op_add *op, const __s8 *input1,
		    const __s8 *input2, __s8 *output)
{
	const struct aiaccel_requant *q1 = &op->input1_scale;
	const struct aiaccel_requant *q2 = &op->input2_scale;
	const struct aiaccel_requant *qo = &op->output_scale;
	__s32 v1, v2, s1, s2, sum;
	__s64 out;
	__u32 i;

	if (!ref_check(&op->hdr, AIACCEL_OP_ADD))
		return -EINVAL;

	for (i = 0; i < op->count; i++) {
		/* |in - zp| <= 255 and left_shift <= 20: no overflow. */
		v1 = (input1[i] - op->input1_zp) * (1 << op->left_shift);
		v2 = (input2[i] - op->input2_zp) * (1 << op->left_shift);
		s1 = aiaccel_ref_requant(v1, q1->multiplier, q1->shift);
		s2 = aiaccel_ref_requant(v2, q2->multiplier, q2->shift);
		sum = (__s32)ref_saturate_s32((__s64)s1 + s2);
		out = (__s64)aiaccel_ref_requant(sum, qo->multiplier, qo->shift) +
		      op->output_zp;
		output[i] = (__s8)ref_clamp(out, op->act_min, op->act_max);
	}
	return 0;
}

int aiaccel_ref_activation(const struct aiaccel_op_activation *op,
			   const __s8 *input, const __s8 *lut, __s8 *output)
{
	__u32 i;

	if (!ref_check(&op->hdr, AIACCEL_OP_ACTIVATION))
		return -EINVAL;

	for (i = 0; i < op->count; i++) {
		if (op->mode == AIACCEL_ACT_LUT)
			output[i] = lut[input[i] + 128];
		else
			output[i] = (__s8)ref_clamp(input[i], op->act_min,
						    op->act_max);
	}
	return 0;
}
