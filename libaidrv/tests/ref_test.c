// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * ref_test: the reference implementation (libaidrv/ref) against vectors
 * worked out by hand.  Every expected value below has its derivation next
 * to it; none was produced by running code.
 *
 * Notation: MBQM(x, M, s) is the requantisation of isa.rst; SRDHM(x, M) =
 * (x * M + nudge) / 2^31 its first step, which for M = 2^30 is x / 2
 * rounded half towards +infinity; RDBPOT(r, n) its second step, r / 2^n
 * rounded half away from zero.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../ref/aiaccel_ref.h"

#define Q30	0x40000000	/* 2^30 */
#define S32MAX	0x7fffffff
#define S32MIN	(-S32MAX - 1)

static int passed, failed;

static void check_eq(const char *what, long long got, long long want)
{
	if (got == want) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: got %lld, want %lld\n", what, got, want);
}

/* Evaluates each argument once: @got may be a call with side effects. */
#define CHECK_EQ(got, want)	check_eq(#got, (got), (want))

static void check_bytes(const char *what, const __s8 *got, const __s8 *want,
			unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (got[i] != want[i]) {
			printf("FAIL %s: byte %u: got %d, want %d\n", what, i,
			       got[i], want[i]);
			failed++;
			return;
		}
	}
	passed++;
}

static void test_requant(void)
{
	/* M = 2^30, s = 0: SRDHM alone, x / 2 rounded half up */
	CHECK_EQ(aiaccel_ref_requant(0, Q30, 0), 0);
	CHECK_EQ(aiaccel_ref_requant(1, Q30, 0), 1);	/* 0.5 -> 1 */
	CHECK_EQ(aiaccel_ref_requant(-1, Q30, 0), 0);	/* -0.5 -> 0 */
	CHECK_EQ(aiaccel_ref_requant(2, Q30, 0), 1);
	CHECK_EQ(aiaccel_ref_requant(-2, Q30, 0), -1);
	CHECK_EQ(aiaccel_ref_requant(3, Q30, 0), 2);	/* 1.5 -> 2 */
	CHECK_EQ(aiaccel_ref_requant(-3, Q30, 0), -1);	/* -1.5 -> -1 */
	CHECK_EQ(aiaccel_ref_requant(100, Q30, 0), 50);
	/* (2^31 - 1) * 2^30 + 2^30 = 2^61; / 2^31 = 2^30 */
	CHECK_EQ(aiaccel_ref_requant(S32MAX, Q30, 0), 1073741824);
	/* (-2^61 + 1 - 2^30) / 2^31 = -2^30 - 0.49..., truncated */
	CHECK_EQ(aiaccel_ref_requant(S32MIN, Q30, 0), -1073741824);

	/* M = 0 gives 0 whatever the shift */
	CHECK_EQ(aiaccel_ref_requant(S32MAX, 0, 30), 0);
	CHECK_EQ(aiaccel_ref_requant(S32MIN, 0, -31), 0);

	/* s = -1: x / 4 */
	CHECK_EQ(aiaccel_ref_requant(4, Q30, -1), 1);	/* SRDHM 2, 2/2 = 1 */
	CHECK_EQ(aiaccel_ref_requant(6, Q30, -1), 2);	/* 3 / 2 = 1.5 -> 2 */
	/* SRDHM(-6) = (-7 * 2^30 + 1) / 2^31 -> -3; -3 / 2 = -1.5 -> -2 */
	CHECK_EQ(aiaccel_ref_requant(-6, Q30, -1), -2);
	/* SRDHM(-2) = -1; -1 / 2 = -0.5 -> -1 (rem 1, threshold 1) */
	CHECK_EQ(aiaccel_ref_requant(-2, Q30, -1), -1);
	CHECK_EQ(aiaccel_ref_requant(2, Q30, -1), 1);	/* 0.5 -> 1 */
	/* SRDHM(-5) = (-6 * 2^30 + 1) / 2^31 -> -2; -2 / 2 = -1 */
	CHECK_EQ(aiaccel_ref_requant(-5, Q30, -1), -1);
	/* double rounding: SRDHM(-3) = -1, then -0.5 -> -1 */
	CHECK_EQ(aiaccel_ref_requant(-3, Q30, -1), -1);

	/* s = 1 with M = 2^30 is the identity */
	CHECK_EQ(aiaccel_ref_requant(7, Q30, 1), 7);
	CHECK_EQ(aiaccel_ref_requant(-7, Q30, 1), -7);
	/* 2 * 2^30 saturates to 2^31 - 1 first, then halves to 2^30 */
	CHECK_EQ(aiaccel_ref_requant(Q30, Q30, 1), 1073741824);
	/* x1 = 2^30; 2^60 / 2^31 = 2^29, + 0.5 truncated */
	CHECK_EQ(aiaccel_ref_requant(1, Q30, 30), 536870912);
	/* 3 * 2^30 saturates to 2^31 - 1 -> 2^30 */
	CHECK_EQ(aiaccel_ref_requant(3, Q30, 30), 1073741824);
	/* (2^31 - 1)^2 + 2^30 = 2^62 - 2^32 + 1 + 2^30; / 2^31 = 2^31 - 2 */
	CHECK_EQ(aiaccel_ref_requant(S32MAX, S32MAX, 30), 2147483646);
	/* -2^31 (2^31 - 1) + 1 - 2^30; / 2^31 = -2^31 + 0.5..., -> -2^31 + 1 */
	CHECK_EQ(aiaccel_ref_requant(S32MIN, S32MAX, 30), -2147483647);

	/* s = -31 */
	/* SRDHM = 2^31 - 2 (above); / 2^31 = 0.99... -> 1 */
	CHECK_EQ(aiaccel_ref_requant(S32MAX, S32MAX, -31), 1);
	/* SRDHM = -2^31 + 1; rem 1, threshold 2^30: floor -1 stays */
	CHECK_EQ(aiaccel_ref_requant(S32MIN, S32MAX, -31), -1);
	/* SRDHM = 2^29: 0.25 -> 0 */
	CHECK_EQ(aiaccel_ref_requant(Q30, Q30, -31), 0);
	/* SRDHM = -2^30: -0.5 -> -1 (rem 2^30, threshold 2^30) */
	CHECK_EQ(aiaccel_ref_requant(S32MIN, Q30, -31), -1);
	/* SRDHM = 2^30: 0.5 -> 1 */
	CHECK_EQ(aiaccel_ref_requant(S32MAX, Q30, -31), 1);

	/* scale 2^-7 as TFLite encodes it: M = 2^30, s = -6 */
	/* 1000 / 128 = 7.8125: SRDHM 500, rem 500 & 63 = 52 > 31 -> 8 */
	CHECK_EQ(aiaccel_ref_requant(1000, Q30, -6), 8);
	/* SRDHM -500; -500 >> 6 = -8, rem 12, threshold 32 -> -8 */
	CHECK_EQ(aiaccel_ref_requant(-1000, Q30, -6), -8);
	/* 64 / 128 = 0.5 -> 1; -64 / 128 = -0.5 -> -1 */
	CHECK_EQ(aiaccel_ref_requant(64, Q30, -6), 1);
	CHECK_EQ(aiaccel_ref_requant(-64, Q30, -6), -1);
	/*
	 * Double rounding: 63 / 128 = 0.49 but SRDHM(63) = 31.5 -> 32 and
	 * 32 / 64 = 0.5 -> 1, as in TFLite.
	 */
	CHECK_EQ(aiaccel_ref_requant(63, Q30, -6), 1);
	CHECK_EQ(aiaccel_ref_requant(62, Q30, -6), 0);	/* 31, 31/64 -> 0 */

	/* scale 0.75: M = 3 * 2^29 */
	CHECK_EQ(aiaccel_ref_requant(100, 3 * (1 << 29), 0), 75);
	CHECK_EQ(aiaccel_ref_requant(101, 3 * (1 << 29), 0), 76); /* 75.75 */
	CHECK_EQ(aiaccel_ref_requant(-101, 3 * (1 << 29), 0), -76);
	CHECK_EQ(aiaccel_ref_requant(-2, 3 * (1 << 29), 0), -1); /* -1.5 */
	CHECK_EQ(aiaccel_ref_requant(2, 3 * (1 << 29), 0), 2);	/* 1.5 */
}

/* An op header for @type with @opcode. */
#define HDR(type, opc)	{ .opcode = (opc), .size = sizeof(type), .flags = 0 }

static void test_gemm(void)
{
	/*
	 * input - 1 = [[0, 1, 2], [-2, -1, 3]]; weights [[1, 0, -1],
	 * [2, 2, 2]]: sums [[-2, 6], [-5, 0]]; + bias [10, -3] =
	 * [[8, 3], [5, -3]]; / 2 (half up) = [[4, 2], [3, -1]]; - 5.
	 */
	static const __s8 in[] = { 1, 2, 3, -1, 0, 4 };
	static const __s8 w[] = { 1, 0, -1, 2, 2, 2 };
	static const __s32 bias[] = { 10, -3 };
	static const __s8 want[] = { -1, -3, -2, -6 };
	static const __s8 want_clamped[] = { -1, -3, -2, -4 };
	/* per channel: identity, then / 4: 3/4 -> 1, -3/4 -> -1 */
	static const struct aiaccel_requant pc[] = { { Q30, 1 }, { Q30, -1 } };
	static const __s8 want_pc[] = { 8, 1, 5, -1 };
	static const struct aiaccel_requant pc_bad[] = { { Q30, 1 }, { 5, 0 } };
	struct aiaccel_op_gemm op = {
		.hdr = HDR(struct aiaccel_op_gemm, AIACCEL_OP_GEMM),
		.m = 2, .n = 2, .k = 3,
		.input_zp = 1, .weight_zp = 0, .output_zp = -5,
		.requant = { Q30, 0 }, .act_min = -128, .act_max = 127,
	};
	__s8 out[4];

	op.hdr.flags = AIACCEL_OP_F_BIAS;
	CHECK_EQ(aiaccel_ref_gemm(&op, in, w, bias, NULL, out), 0);
	check_bytes("gemm", out, want, 4);

	op.act_min = -4;
	CHECK_EQ(aiaccel_ref_gemm(&op, in, w, bias, NULL, out), 0);
	check_bytes("gemm clamped", out, want_clamped, 4);

	op.act_min = -128;
	op.output_zp = 0;
	op.hdr.flags |= AIACCEL_OP_F_PER_CHANNEL;
	CHECK_EQ(aiaccel_ref_gemm(&op, in, w, bias, pc, out), 0);
	check_bytes("gemm per channel", out, want_pc, 4);

	memset(out, 0x11, sizeof(out));
	CHECK_EQ(aiaccel_ref_gemm(&op, in, w, bias, pc_bad, out), -EINVAL);
	CHECK_EQ(out[0] == 0x11 && out[3] == 0x11, 1);

	/* wrong opcode for the function */
	op.hdr.opcode = AIACCEL_OP_ADD;
	CHECK_EQ(aiaccel_ref_gemm(&op, in, w, bias, pc, out), -EINVAL);
}

/*
 * 70000 products (-128 - 127) * (-128 - 127) = 65025 sum to 4551750000,
 * which wraps to 4551750000 - 2^32 = 256782704.  MBQM(., 2^30, -21):
 * SRDHM halves it exactly to 128391352; / 2^21 = 61.22 -> 61.
 */
static __s8 big_in[70000], big_w[70000];

static void test_gemm_wrap(void)
{
	struct aiaccel_op_gemm op = {
		.hdr = HDR(struct aiaccel_op_gemm, AIACCEL_OP_GEMM),
		.m = 1, .n = 1, .k = 70000,
		.input_zp = 127, .weight_zp = 127, .output_zp = 0,
		.requant = { Q30, -21 }, .act_min = -128, .act_max = 127,
	};
	__s8 out = 0;

	memset(big_in, -128, sizeof(big_in));
	memset(big_w, -128, sizeof(big_w));
	CHECK_EQ(aiaccel_ref_gemm(&op, big_in, big_w, NULL, NULL, &out), 0);
	CHECK_EQ(out, 61);
}

static void test_conv(void)
{
	/* 3x3 input 1..9, filter [[1, 0], [0, -1]], stride 2, pad 1 */
	static const __s8 in[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const __s8 f[] = { 1, 0, 0, -1 };
	/*
	 * (0,0): only tap (1,1) on in[0][0]: -1.  (0,1): taps (1,0), (1,1)
	 * on in[0][1], in[0][2]: 0 - 3.  (1,0): taps (0,1), (1,1) on
	 * in[1][0], in[2][0]: 0 - 7.  (1,1): 5 - 9.
	 */
	static const __s8 want[] = { -1, -3, -7, -4 };
	/* input_zp 2: padded taps add 0, valid ones use in - 2 */
	static const __s8 want_zp[] = { 1, -1, -5, -4 };
	/* 1x5 input, 1x2 filter of ones, dilation 3: x, x + 3 */
	static const __s8 row[] = { 1, 2, 3, 4, 5 };
	static const __s8 ones[] = { 1, 1 };
	static const __s8 want_dil[] = { 5, 7, 3 };	/* 1+4, 2+5, 3 */
	struct aiaccel_op_conv2d op = {
		.hdr = HDR(struct aiaccel_op_conv2d, AIACCEL_OP_CONV2D),
		.batch = 1, .in_h = 3, .in_w = 3, .in_c = 1,
		.out_h = 2, .out_w = 2, .out_c = 1, .k_h = 2, .k_w = 2,
		.stride_h = 2, .stride_w = 2, .dilation_h = 1, .dilation_w = 1,
		.pad_top = 1, .pad_left = 1,
		.requant = { Q30, 1 }, .act_min = -128, .act_max = 127,
	};
	__s8 out[4];

	CHECK_EQ(aiaccel_ref_conv2d(&op, in, f, NULL, NULL, out), 0);
	check_bytes("conv", out, want, 4);
	op.input_zp = 2;
	CHECK_EQ(aiaccel_ref_conv2d(&op, in, f, NULL, NULL, out), 0);
	check_bytes("conv input_zp", out, want_zp, 4);

	/* every window outside the input: only the bias remains */
	op.pad_top = 100;
	op.hdr.flags = AIACCEL_OP_F_BIAS;
	{
		static const __s32 bias[] = { -20 };
		static const __s8 want_bias[] = { -20, -20, -20, -20 };

		CHECK_EQ(aiaccel_ref_conv2d(&op, in, f, bias, NULL, out), 0);
		check_bytes("conv outside", out, want_bias, 4);
	}

	op.hdr.flags = 0;
	op.input_zp = 0;
	op.pad_top = 0;
	op.pad_left = 0;
	op.in_h = 1;
	op.in_w = 5;
	op.k_h = 1;
	op.k_w = 2;
	op.stride_h = 1;
	op.stride_w = 1;
	op.dilation_w = 3;
	op.out_h = 1;
	op.out_w = 3;
	CHECK_EQ(aiaccel_ref_conv2d(&op, row, ones, NULL, NULL, out), 0);
	check_bytes("conv dilation", out, want_dil, 3);
}

static void test_dwconv(void)
{
	/*
	 * 1x2 input of 2 channels [[1, 2], [3, 4]], multiplier 2, 1x2 filter
	 * [kx][oc]: [1, -1, 2, 0], [0, 1, 1, 1].  oc0 = 1*1 + 3*0 = 1,
	 * oc1 = 1*-1 + 3*1 = 2, oc2 = 2*2 + 4*1 = 8, oc3 = 2*0 + 4*1 = 4;
	 * + bias [0, 0, -8, 100] = [1, 2, 0, 104], clamped to 100.
	 */
	static const __s8 in[] = { 1, 2, 3, 4 };
	static const __s8 f[] = { 1, -1, 2, 0, 0, 1, 1, 1 };
	static const __s32 bias[] = { 0, 0, -8, 100 };
	static const __s8 want[] = { 1, 2, 0, 100 };
	struct aiaccel_op_conv2d op = {
		.hdr = HDR(struct aiaccel_op_conv2d, AIACCEL_OP_DWCONV2D),
		.batch = 1, .in_h = 1, .in_w = 2, .in_c = 2,
		.out_h = 1, .out_w = 1, .out_c = 4, .k_h = 1, .k_w = 2,
		.stride_h = 1, .stride_w = 1, .dilation_h = 1, .dilation_w = 1,
		.requant = { Q30, 1 }, .act_min = -128, .act_max = 100,
	};
	__s8 out[4];

	op.hdr.flags = AIACCEL_OP_F_BIAS;
	CHECK_EQ(aiaccel_ref_dwconv2d(&op, in, f, bias, NULL, out), 0);
	check_bytes("dwconv", out, want, 4);
	/* CONV2D's function refuses a DWCONV2D op */
	CHECK_EQ(aiaccel_ref_conv2d(&op, in, f, bias, NULL, out), -EINVAL);
	op.out_c = 3;
	CHECK_EQ(aiaccel_ref_dwconv2d(&op, in, f, bias, NULL, out), -EINVAL);
}

static void test_pool(void)
{
	/*
	 * Input [[1, -4], [7, 3]], 2x2 window, stride 1, padding 1 on top
	 * and left, 4x3 output: output (oy, ox) covers rows oy-1..oy and
	 * columns ox-1..ox; row 3 covers rows 2..3, all outside.
	 */
	static const __s8 in[] = { 1, -4, 7, 3 };
	static const __s8 want_max[] = {
		1, 1, -4,
		7, 7, 3,
		7, 7, 3,
		-100, -100, -100,	/* -128 with no tap, clamped */
	};
	/*
	 * avg: (0,1) -3/2 -> (-3-1)/2 = -2; (1,1) 7/4 -> (7+2)/4 = 2;
	 * (1,2) -1/2 -> (-1-1)/2 = -1; (1,0) 8/2 = 4; (2,1) 10/2 = 5;
	 * no tap: 0.
	 */
	static const __s8 want_avg[] = {
		1, -2, -4,
		4, 2, -1,
		7, 5, 3,
		0, 0, 0,
	};
	struct aiaccel_op_pool op = {
		.hdr = HDR(struct aiaccel_op_pool, AIACCEL_OP_MAXPOOL),
		.batch = 1, .in_h = 2, .in_w = 2, .channels = 1,
		.out_h = 4, .out_w = 3, .k_h = 2, .k_w = 2,
		.stride_h = 1, .stride_w = 1, .pad_top = 1, .pad_left = 1,
		.act_min = -100, .act_max = 127,
	};
	__s8 out[12];

	CHECK_EQ(aiaccel_ref_maxpool(&op, in, out), 0);
	check_bytes("maxpool", out, want_max, 12);
	op.hdr.opcode = AIACCEL_OP_AVGPOOL;
	op.act_min = -128;
	CHECK_EQ(aiaccel_ref_avgpool(&op, in, out), 0);
	check_bytes("avgpool", out, want_avg, 12);
	CHECK_EQ(aiaccel_ref_maxpool(&op, in, out), -EINVAL);

	/* a window of 2^31 rows: only the 2 input rows count */
	op.k_h = 0x80000000;
	op.pad_top = 0x7ffffffe;
	op.out_h = 1;
	op.out_w = 1;
	op.stride_h = 0x7fffffff;
	op.pad_left = 0;
	op.k_w = 2;
	/* y0 = -(2^31 - 2): taps 2^31 - 2 and 2^31 - 1 are rows 0 and 1 */
	CHECK_EQ(aiaccel_ref_avgpool(&op, in, out), 0);
	CHECK_EQ(out[0], 2);	/* (1 - 4 + 7 + 3) = 7, (7 + 2) / 4 = 2 */
}

static void test_add(void)
{
	static const __s8 a[] = { 10, -10, 127, -128 };
	static const __s8 b[] = { 5, 5, 127, -128 };
	/* identity scales: the plain sum, saturated to int8 */
	static const __s8 want[] = { 15, -5, 127, -128 };
	/*
	 * input1_zp 10, left_shift 20, input scales 2^30 * 2^(-20-31):
	 * s1 = (a - 10) / 2 = [0, -10, 58.5 -> 59, -69];
	 * s2 = b / 2 = [2.5 -> 3, 3, 63.5 -> 64, -64];
	 * sum [3, -7, 123, -133]; + output_zp -3 = [0, -10, 120, -136].
	 */
	static const __s8 want2[] = { 0, -10, 120, -128 };
	struct aiaccel_op_add op = {
		.hdr = HDR(struct aiaccel_op_add, AIACCEL_OP_ADD),
		.count = 4,
		.input1_scale = { Q30, 1 }, .input2_scale = { Q30, 1 },
		.output_scale = { Q30, 1 }, .act_min = -128, .act_max = 127,
	};
	__s8 out[4], in1[4];

	CHECK_EQ(aiaccel_ref_add(&op, a, b, out), 0);
	check_bytes("add", out, want, 4);

	op.input1_zp = 10;
	op.output_zp = -3;
	op.left_shift = 20;
	op.input1_scale.shift = -20;
	op.input2_scale.shift = -20;
	CHECK_EQ(aiaccel_ref_add(&op, a, b, out), 0);
	check_bytes("add scaled", out, want2, 4);

	/* in place */
	memcpy(in1, a, sizeof(in1));
	CHECK_EQ(aiaccel_ref_add(&op, in1, b, in1), 0);
	check_bytes("add in place", in1, want2, 4);

	/*
	 * Saturation of the sum: (127 + 128) * 2^20 * 2^30 saturates x1 to
	 * 2^31 - 1, SRDHM with 2^31 - 1 gives 2^31 - 2 for both inputs; the
	 * sum saturates to 2^31 - 1; MBQM(2^31 - 1, 2^30, -31) = 1.
	 */
	op.input1_zp = -128;
	op.input2_zp = -128;
	op.output_zp = 0;
	op.input1_scale.multiplier = S32MAX;
	op.input1_scale.shift = 30;
	op.input2_scale = op.input1_scale;
	op.output_scale.shift = -31;
	op.count = 1;
	CHECK_EQ(aiaccel_ref_add(&op, &a[2], &b[2], out), 0);
	CHECK_EQ(out[0], 1);
}

static void test_activation(void)
{
	static const __s8 in[] = { -128, -1, 0, 5, 127 };
	static const __s8 want_clamp[] = { -1, -1, 0, 5, 5 };
	/* lut[i] = 127 - i, so lut[in + 128] = -1 - in */
	static const __s8 want_lut[] = { 127, 0, -1, -6, -128 };
	struct aiaccel_op_activation op = {
		.hdr = HDR(struct aiaccel_op_activation, AIACCEL_OP_ACTIVATION),
		.count = 5, .mode = AIACCEL_ACT_CLAMP,
		.act_min = -1, .act_max = 5,
	};
	__s8 lut[256], out[5];
	int i;

	for (i = 0; i < 256; i++)
		lut[i] = (__s8)(127 - i);
	CHECK_EQ(aiaccel_ref_activation(&op, in, NULL, out), 0);
	check_bytes("clamp", out, want_clamp, 5);
	op.mode = AIACCEL_ACT_LUT;
	CHECK_EQ(aiaccel_ref_activation(&op, in, lut, out), 0);
	check_bytes("lut", out, want_lut, 5);
	memcpy(out, in, sizeof(out));
	CHECK_EQ(aiaccel_ref_activation(&op, out, lut, out), 0);
	check_bytes("lut in place", out, want_lut, 5);
}

static void test_dma_copy(void)
{
	static const __u8 src[5] = { 1, 2, 3, 4, 5 };
	struct aiaccel_op_dma_copy op = {
		.hdr = HDR(struct aiaccel_op_dma_copy, AIACCEL_OP_DMA_COPY),
		.src = 0x1000, .dst = 0x1005, .size = 5,
	};
	__u8 dst[5] = { 0 };

	CHECK_EQ(aiaccel_ref_dma_copy(&op, src, dst), 0);
	check_bytes("dma_copy", (const __s8 *)dst, (const __s8 *)src, 5);
	op.dst = 0x1004;	/* overlaps by one byte */
	CHECK_EQ(aiaccel_ref_dma_copy(&op, src, dst), -EINVAL);
}

static void test_validate(void)
{
	struct aiaccel_op_nop nop = { HDR(struct aiaccel_op_nop, AIACCEL_OP_NOP) };
	struct aiaccel_op_gemm g = {
		.hdr = HDR(struct aiaccel_op_gemm, AIACCEL_OP_GEMM),
		.m = 1, .n = 1, .k = 1, .requant = { Q30, 0 },
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_pool p = {
		.hdr = HDR(struct aiaccel_op_pool, AIACCEL_OP_AVGPOOL),
		.batch = 1, .in_h = 1, .in_w = 1, .channels = 1,
		.out_h = 1, .out_w = 1, .k_h = 3, .k_w = 3,
		.stride_h = 1, .stride_w = 1, .pad_top = 2, .pad_left = 2,
		.act_min = 0, .act_max = 0,
	};
	struct aiaccel_op_gemm g2;
	struct aiaccel_op_pool p2;

	CHECK_EQ(aiaccel_ref_validate(&nop.hdr), 0);
	nop.hdr.flags = 2;
	CHECK_EQ(aiaccel_ref_validate(&nop.hdr), -EINVAL);

	CHECK_EQ(aiaccel_ref_validate(&g.hdr), 0);
	g2 = g;
	g2.hdr.size = 80;
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), -EINVAL);
	g2 = g;
	g2.hdr.flags = 4;
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), -EINVAL);
	g2 = g;
	g2.requant.multiplier = Q30 - 1;
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), -EINVAL);
	g2.hdr.flags = AIACCEL_OP_F_PER_CHANNEL;	/* now unused */
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), 0);
	g2 = g;
	g2.m = 1 << 14;
	g2.n = 1 << 14;
	g2.k = 1 << 14;		/* each tensor exactly 2^28 bytes */
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), 0);
	g2.k++;
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), -EINVAL);
	g2 = g;
	g2.weight_zp = 128;
	CHECK_EQ(aiaccel_ref_validate(&g2.hdr), -EINVAL);

	CHECK_EQ(aiaccel_ref_validate(&p.hdr), 0);
	p2 = p;
	p2.pad_left = 3;
	CHECK_EQ(aiaccel_ref_validate(&p2.hdr), -EINVAL);
	p2 = p;
	p2.act_min = 1;
	CHECK_EQ(aiaccel_ref_validate(&p2.hdr), -EINVAL);
	p2 = p;
	p2.hdr.opcode = 0x17;
	CHECK_EQ(aiaccel_ref_validate(&p2.hdr), -EINVAL);
}

int main(void)
{
	test_requant();
	test_gemm();
	test_gemm_wrap();
	test_conv();
	test_dwconv();
	test_pool();
	test_add();
	test_activation();
	test_dma_copy();
	test_validate();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
