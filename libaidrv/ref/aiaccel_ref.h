/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * aiaccel_ref: the reference implementation of the aiaccel command-stream
 * ISA (include/uapi/drm/aiaccel_isa.h, Documentation/accel/aiaccel/isa.rst).
 *
 * Written for clarity, not speed: every op is the formula of the
 * specification as naive loops over contiguous host buffers.  The hardware
 * model's fast kernels (drivers/accel/aiaccel/sim/aiaccel_sim_ops.c) are
 * checked against it bit for bit.
 *
 * The same source builds in userspace (C11, no libc) and in the kernel
 * (a KUnit file #includes aiaccel_ref.c; within one module only one file
 * may do so, the others include this header).
 *
 * All ops return 0 or -EINVAL.  Output buffers must not overlap inputs,
 * except that the element-wise ops (ADD, ACTIVATION) accept an output
 * identical to an input.
 */
#ifndef __AIACCEL_REF_H__
#define __AIACCEL_REF_H__

#include <linux/types.h>

#ifdef __KERNEL__
#include <drm/aiaccel_isa.h>
#else
#include <drm/aiaccel_isa.h>
#endif

/** AIACCEL_REF_MAX_TENSOR_BYTES - Largest tensor an op may name. */
#define AIACCEL_REF_MAX_TENSOR_BYTES	0x10000000ULL	/* 2^28 */

/**
 * aiaccel_ref_requant() - MultiplyByQuantizedMultiplier.
 * @x: Value to scale.
 * @multiplier: 0 or in [2^30, 2^31 - 1].
 * @shift: In [-31, 30].
 *
 * Return: @x * @multiplier * 2^(@shift - 31), rounded as TFLite does.
 * The arguments must be in range (aiaccel_ref_validate() checks them).
 */
__s32 aiaccel_ref_requant(__s32 x, __s32 multiplier, __s32 shift);

/**
 * aiaccel_ref_validate() - Check an op against the validation rules.
 * @op: Header of the op; @op->size bytes must be readable.
 *
 * Return: 0 if the op is valid, -EINVAL if not.
 */
int aiaccel_ref_validate(const struct aiaccel_op_header *op);

/**
 * aiaccel_ref_dma_copy() - DMA_COPY: copy op->size bytes.
 * @op: The op.
 * @src: Source bytes.
 * @dst: Destination bytes.
 *
 * Return: 0 or -EINVAL.
 */
int aiaccel_ref_dma_copy(const struct aiaccel_op_dma_copy *op, const __u8 *src,
			 __u8 *dst);

/**
 * aiaccel_ref_gemm() - GEMM (fully connected).
 * @op: The op.
 * @input: [m][k].
 * @weights: [n][k].
 * @bias: [n]; read only with AIACCEL_OP_F_BIAS.
 * @quant: [n]; read only with AIACCEL_OP_F_PER_CHANNEL.
 * @output: [m][n].
 *
 * Return: 0, or -EINVAL for an invalid op or per-channel scale (the
 * output is then untouched).
 */
int aiaccel_ref_gemm(const struct aiaccel_op_gemm *op, const __s8 *input,
		     const __s8 *weights, const __s32 *bias,
		     const struct aiaccel_requant *quant, __s8 *output);

/**
 * aiaccel_ref_conv2d() - CONV2D.
 * @op: The op.
 * @input: [batch][in_h][in_w][in_c].
 * @filter: [out_c][k_h][k_w][in_c].
 * @bias: [out_c]; read only with AIACCEL_OP_F_BIAS.
 * @quant: [out_c]; read only with AIACCEL_OP_F_PER_CHANNEL.
 * @output: [batch][out_h][out_w][out_c].
 *
 * Return: as aiaccel_ref_gemm().
 */
int aiaccel_ref_conv2d(const struct aiaccel_op_conv2d *op, const __s8 *input,
		       const __s8 *filter, const __s32 *bias,
		       const struct aiaccel_requant *quant, __s8 *output);

/**
 * aiaccel_ref_dwconv2d() - DWCONV2D.
 * @op: The op.
 * @input: [batch][in_h][in_w][in_c].
 * @filter: [k_h][k_w][out_c].
 * @bias: [out_c]; read only with AIACCEL_OP_F_BIAS.
 * @quant: [out_c]; read only with AIACCEL_OP_F_PER_CHANNEL.
 * @output: [batch][out_h][out_w][out_c].
 *
 * Return: as aiaccel_ref_gemm().
 */
int aiaccel_ref_dwconv2d(const struct aiaccel_op_conv2d *op, const __s8 *input,
			 const __s8 *filter, const __s32 *bias, const struct aiaccel_requant *quant,
			 __s8 *output);

/**
 * aiaccel_ref_maxpool() - MAXPOOL.
 * @op: The op.
 * @input: [batch][in_h][in_w][channels].
 * @output: [batch][out_h][out_w][channels].
 *
 * Return: 0 or -EINVAL.
 */
int aiaccel_ref_maxpool(const struct aiaccel_op_pool *op, const __s8 *input,
			__s8 *output);

/**
 * aiaccel_ref_avgpool() - AVGPOOL.
 * @op: The op.
 * @input: [batch][in_h][in_w][channels].
 * @output: [batch][out_h][out_w][channels].
 *
 * Return: 0 or -EINVAL.
 */
int aiaccel_ref_avgpool(const struct aiaccel_op_pool *op, const __s8 *input,
			__s8 *output);

/**
 * aiaccel_ref_add() - ADD.
 * @op: The op.
 * @input1: [count].
 * @input2: [count].
 * @output: [count]; may be @input1 or @input2.
 *
 * Return: 0 or -EINVAL.
 */
int aiaccel_ref_add(const struct aiaccel_op_add *op, const __s8 *input1,
		    const __s8 *input2, __s8 *output);

/**
 * aiaccel_ref_activation() - ACTIVATION.
 * @op: The op.
 * @input: [count].
 * @lut: [256]; read only in AIACCEL_ACT_LUT mode.
 * @output: [count]; may be @input.
 *
 * Return: 0 or -EINVAL.
 */
int aiaccel_ref_activation(const struct aiaccel_op_activation *op,
			   const __s8 *input, const __s8 *lut, __s8 *output);

#endif /* __AIACCEL_REF_H__ */
