/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * Command-stream format of the aiaccel inference accelerator.
 *
 * Userspace builds command streams in device memory and hands their device
 * virtual address to DRM_IOCTL_AIACCEL_SUBMIT; the kernel does not parse
 * them, the device MMU confines them to the submitter's address space.  The
 * exact semantics of every op, to the bit, are specified in
 * Documentation/accel/aiaccel/hardware.rst ("Command-stream ISA").
 *
 * A command stream is a sequence of ops, each starting with a
 * &struct aiaccel_op_header and 8-byte aligned.  All fields are little
 * endian.  Tensors are int8 (weights/activations) or int32 (biases), dense,
 * row-major; image tensors are NHWC.
 */
#ifndef __AIACCEL_ISA_H__
#define __AIACCEL_ISA_H__

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/** AIACCEL_ISA_VERSION - ISA revision described by this header. */
#define AIACCEL_ISA_VERSION	1

/**
 * enum aiaccel_opcode - Operation codes.
 * @AIACCEL_OP_NOP: Do nothing.
 * @AIACCEL_OP_DMA_COPY: Copy bytes between two device VAs on a DMA channel.
 * @AIACCEL_OP_GEMM: Fully-connected layer / matrix multiply.
 * @AIACCEL_OP_CONV2D: 2-D convolution, NHWC.
 * @AIACCEL_OP_DWCONV2D: Depthwise 2-D convolution, NHWC.
 * @AIACCEL_OP_MAXPOOL: Max pooling, NHWC.
 * @AIACCEL_OP_AVGPOOL: Average pooling, NHWC.
 * @AIACCEL_OP_ADD: Element-wise quantised addition.
 * @AIACCEL_OP_ACTIVATION: Element-wise clamp or table lookup.
 */
enum aiaccel_opcode {
	AIACCEL_OP_NOP = 0x00,
	AIACCEL_OP_DMA_COPY = 0x01,
	AIACCEL_OP_GEMM = 0x10,
	AIACCEL_OP_CONV2D = 0x11,
	AIACCEL_OP_DWCONV2D = 0x12,
	AIACCEL_OP_MAXPOOL = 0x13,
	AIACCEL_OP_AVGPOOL = 0x14,
	AIACCEL_OP_ADD = 0x15,
	AIACCEL_OP_ACTIVATION = 0x16,
};

/** AIACCEL_OP_F_PER_CHANNEL - Requantise with per-output-channel scales. */
#define AIACCEL_OP_F_PER_CHANNEL	(1U << 0)
/** AIACCEL_OP_F_BIAS - Add an int32 bias per output channel. */
#define AIACCEL_OP_F_BIAS		(1U << 1)

/**
 * struct aiaccel_op_header - First 8 bytes of every op.
 * @opcode: One of &enum aiaccel_opcode.
 * @size: Size of the whole op in bytes; must equal the op's struct size.
 * @flags: AIACCEL_OP_F_* bits the op accepts; others must be zero.
 */
struct aiaccel_op_header {
	__u16 opcode;
	__u16 size;
	__u32 flags;
};

/**
 * struct aiaccel_requant - A real scale as a Q31 multiplier and a shift.
 * @multiplier: Fixed-point multiplier, 0 or in [2^30, 2^31).
 * @shift: Power-of-two exponent in [-31, 30]; positive shifts left.
 *
 * Scales x by multiplier * 2^(shift - 31) with TFLite's rounding; see
 * hardware.rst for the exact integer sequence.
 */
struct aiaccel_requant {
	__s32 multiplier;
	__s32 shift;
};

/**
 * struct aiaccel_op_nop - No operation.
 * @hdr: Header, opcode %AIACCEL_OP_NOP.
 */
struct aiaccel_op_nop {
	struct aiaccel_op_header hdr;
};

/**
 * struct aiaccel_op_dma_copy - Copy @size bytes from @src to @dst.
 * @hdr: Header, opcode %AIACCEL_OP_DMA_COPY.
 * @src: Source device VA.
 * @dst: Destination device VA.
 * @size: Bytes to copy, at least 1.  Overlapping ranges are invalid.
 */
struct aiaccel_op_dma_copy {
	struct aiaccel_op_header hdr;
	__u64 src;
	__u64 dst;
	__u64 size;
};

/**
 * struct aiaccel_op_gemm - out[m][n] = requant(bias[n] + sum_k
 * (in[m][k] - input_zp) * (w[n][k] - weight_zp)).
 * @hdr: Header, opcode %AIACCEL_OP_GEMM; flags PER_CHANNEL, BIAS.
 * @input: int8 [m][k].
 * @weights: int8 [n][k].
 * @bias: int32 [n]; used only with %AIACCEL_OP_F_BIAS.
 * @output: int8 [m][n].
 * @quant: &struct aiaccel_requant [n]; used only with PER_CHANNEL.
 * @m: Rows of input and output, >= 1.
 * @n: Output channels, >= 1.
 * @k: Reduction length, >= 1.
 * @input_zp: Input zero point, [-128, 127].
 * @weight_zp: Weight zero point, [-128, 127].
 * @output_zp: Output zero point, [-128, 127].
 * @requant: Per-tensor scale, used without PER_CHANNEL.
 * @act_min: Lower clamp of the output, [-128, act_max].
 * @act_max: Upper clamp of the output, [act_min, 127].
 */
struct aiaccel_op_gemm {
	struct aiaccel_op_header hdr;
	__u64 input;
	__u64 weights;
	__u64 bias;
	__u64 output;
	__u64 quant;
	__u32 m;
	__u32 n;
	__u32 k;
	__s32 input_zp;
	__s32 weight_zp;
	__s32 output_zp;
	struct aiaccel_requant requant;
	__s32 act_min;
	__s32 act_max;
};

/**
 * struct aiaccel_op_conv2d - 2-D convolution (also used for depthwise).
 * @hdr: Header, opcode %AIACCEL_OP_CONV2D or %AIACCEL_OP_DWCONV2D;
 *	flags PER_CHANNEL, BIAS.
 * @input: int8 [batch][in_h][in_w][in_c].
 * @filter: CONV2D: int8 [out_c][k_h][k_w][in_c];
 *	DWCONV2D: int8 [k_h][k_w][out_c].
 * @bias: int32 [out_c]; used only with %AIACCEL_OP_F_BIAS.
 * @output: int8 [batch][out_h][out_w][out_c].
 * @quant: &struct aiaccel_requant [out_c]; used only with PER_CHANNEL.
 * @batch: Images, >= 1.
 * @in_h: Input height, >= 1.
 * @in_w: Input width, >= 1.
 * @in_c: Input channels, >= 1.
 * @out_h: Output height, >= 1.
 * @out_w: Output width, >= 1.
 * @out_c: Output channels, >= 1; DWCONV2D: a multiple of @in_c
 *	(out_c / in_c is the depth multiplier).
 * @k_h: Filter height, >= 1.
 * @k_w: Filter width, >= 1.
 * @stride_h: Vertical stride, >= 1.
 * @stride_w: Horizontal stride, >= 1.
 * @dilation_h: Vertical dilation, >= 1.
 * @dilation_w: Horizontal dilation, >= 1.
 * @pad_top: Rows of implicit padding above the input.
 * @pad_left: Columns of implicit padding left of the input.
 * @input_zp: Input zero point, [-128, 127].
 * @filter_zp: Filter zero point, [-128, 127].
 * @output_zp: Output zero point, [-128, 127].
 * @requant: Per-tensor scale, used without PER_CHANNEL.
 * @act_min: Lower clamp of the output, [-128, act_max].
 * @act_max: Upper clamp of the output, [act_min, 127].
 *
 * Input position (y, x) of output (oy, ox) and filter tap (ky, kx) is
 * y = oy * stride_h - pad_top + ky * dilation_h (x likewise); taps that
 * fall outside the input contribute nothing, which is padding with the
 * input zero point.
 */
struct aiaccel_op_conv2d {
	struct aiaccel_op_header hdr;
	__u64 input;
	__u64 filter;
	__u64 bias;
	__u64 output;
	__u64 quant;
	__u32 batch;
	__u32 in_h;
	__u32 in_w;
	__u32 in_c;
	__u32 out_h;
	__u32 out_w;
	__u32 out_c;
	__u32 k_h;
	__u32 k_w;
	__u32 stride_h;
	__u32 stride_w;
	__u32 dilation_h;
	__u32 dilation_w;
	__u32 pad_top;
	__u32 pad_left;
	__s32 input_zp;
	__s32 filter_zp;
	__s32 output_zp;
	struct aiaccel_requant requant;
	__s32 act_min;
	__s32 act_max;
};

/**
 * struct aiaccel_op_pool - Max or average pooling over a window.
 * @hdr: Header, opcode %AIACCEL_OP_MAXPOOL or %AIACCEL_OP_AVGPOOL.
 * @input: int8 [batch][in_h][in_w][channels].
 * @output: int8 [batch][out_h][out_w][channels].
 * @batch: Images, >= 1.
 * @in_h: Input height, >= 1.
 * @in_w: Input width, >= 1.
 * @channels: Channels, >= 1.
 * @out_h: Output height, >= 1.
 * @out_w: Output width, >= 1.
 * @k_h: Window height, >= 1.
 * @k_w: Window width, >= 1.
 * @stride_h: Vertical stride, >= 1.
 * @stride_w: Horizontal stride, >= 1.
 * @pad_top: Rows of padding above the input, < @k_h.
 * @pad_left: Columns of padding left of the input, < @k_w.
 * @act_min: Lower clamp of the output, [-128, act_max].
 * @act_max: Upper clamp of the output, [act_min, 127].
 *
 * Only window positions inside the input take part; input and output share
 * scale and zero point.
 */
struct aiaccel_op_pool {
	struct aiaccel_op_header hdr;
	__u64 input;
	__u64 output;
	__u32 batch;
	__u32 in_h;
	__u32 in_w;
	__u32 channels;
	__u32 out_h;
	__u32 out_w;
	__u32 k_h;
	__u32 k_w;
	__u32 stride_h;
	__u32 stride_w;
	__u32 pad_top;
	__u32 pad_left;
	__s32 act_min;
	__s32 act_max;
};

/**
 * struct aiaccel_op_add - Element-wise add of two quantised tensors.
 * @hdr: Header, opcode %AIACCEL_OP_ADD.
 * @input1: int8 [count].
 * @input2: int8 [count].
 * @output: int8 [count].
 * @count: Elements, >= 1.
 * @input1_zp: Zero point of @input1, [-128, 127].
 * @input2_zp: Zero point of @input2, [-128, 127].
 * @output_zp: Zero point of @output, [-128, 127].
 * @left_shift: Headroom shift applied to both inputs, [0, 20].
 * @input1_scale: Scale of @input1 relative to the common scale.
 * @input2_scale: Scale of @input2 relative to the common scale.
 * @output_scale: Scale from the common scale to @output.
 * @act_min: Lower clamp of the output, [-128, act_max].
 * @act_max: Upper clamp of the output, [act_min, 127].
 * @pad: Must be zero.
 */
struct aiaccel_op_add {
	struct aiaccel_op_header hdr;
	__u64 input1;
	__u64 input2;
	__u64 output;
	__u32 count;
	__s32 input1_zp;
	__s32 input2_zp;
	__s32 output_zp;
	__s32 left_shift;
	struct aiaccel_requant input1_scale;
	struct aiaccel_requant input2_scale;
	struct aiaccel_requant output_scale;
	__s32 act_min;
	__s32 act_max;
	__u32 pad;
};

/**
 * enum aiaccel_act_mode - What %AIACCEL_OP_ACTIVATION computes.
 * @AIACCEL_ACT_CLAMP: out = min(max(in, act_min), act_max).  ReLU is
 *	act_min = zero point, act_max = 127; ReLU6 is act_max = the
 *	quantised value of 6.0.
 * @AIACCEL_ACT_LUT: out = lut[in + 128] with a 256-entry int8 table.
 */
enum aiaccel_act_mode {
	AIACCEL_ACT_CLAMP = 0,
	AIACCEL_ACT_LUT = 1,
};

/**
 * struct aiaccel_op_activation - Element-wise activation.
 * @hdr: Header, opcode %AIACCEL_OP_ACTIVATION.
 * @input: int8 [count].
 * @output: int8 [count]; may equal @input.
 * @lut: int8 [256]; used only in %AIACCEL_ACT_LUT mode.
 * @count: Elements, >= 1.
 * @mode: One of &enum aiaccel_act_mode.
 * @act_min: CLAMP mode lower bound, [-128, act_max].
 * @act_max: CLAMP mode upper bound, [act_min, 127].
 */
struct aiaccel_op_activation {
	struct aiaccel_op_header hdr;
	__u64 input;
	__u64 output;
	__u64 lut;
	__u32 count;
	__u32 mode;
	__s32 act_min;
	__s32 act_max;
};

#if defined(__cplusplus)
}
#endif

#endif /* __AIACCEL_ISA_H__ */
