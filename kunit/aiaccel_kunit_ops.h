/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ops shared by the KUnit suites that run command streams.
 */
#ifndef __AIACCEL_KUNIT_OPS_H__
#define __AIACCEL_KUNIT_OPS_H__

#include <linux/string.h>
#include <linux/types.h>

#include <drm/aiaccel_isa.h>

/*
 * An m x n x k GEMM from the VAs @in and @w to @out, with non-zero zero
 * points and a requantisation (about 0.707) that keeps most outputs off
 * the clamps: what the reference must match bit for bit.
 */
static inline void aiaccel_test_gemm_op(struct aiaccel_op_gemm *op, u64 in, u64 w, u64 out,
					u32 m, u32 n, u32 k)
{
	memset(op, 0, sizeof(*op));
	op->hdr.opcode = AIACCEL_OP_GEMM;
	op->hdr.size = sizeof(*op);
	op->input = in;
	op->weights = w;
	op->output = out;
	op->m = m;
	op->n = n;
	op->k = k;
	op->input_zp = -3;
	op->weight_zp = 2;
	op->output_zp = 5;
	op->requant.multiplier = 1518500250;
	op->requant.shift = -6;
	op->act_min = -128;
	op->act_max = 127;
}

#endif /* __AIACCEL_KUNIT_OPS_H__ */
