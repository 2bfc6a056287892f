/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel_sim_ops: the op kernels of the aiaccel hardware model.
 *
 * The engine executes one command-stream op at a time:
 *
 *	aiaccel_sim_op_size(hdr.opcode)     how many bytes to fetch for the op
 *	aiaccel_sim_op_validate(op)         -EINVAL: AIACCEL_ERR_INVALID_OP
 *	aiaccel_sim_op_tensors(op, t, max)  what to read and write, and where
 *	aiaccel_sim_op_scratch_size(op)     working memory execute() needs
 *	(fetch every tensor through the MMU into a contiguous buffer)
 *	aiaccel_sim_op_execute(op, bufs, n, scratch)
 *	(write the buffers of the is_write tensors back through the MMU)
 *	aiaccel_sim_op_cost(op, &cost)      perf counters: MACs, bytes, cycles
 *
 * The kernels are bit-exact with the reference implementation
 * (libaidrv/ref/aiaccel_ref.c); the semantics are specified in
 * Documentation/accel/aiaccel/isa.rst.
 */
#ifndef __AIACCEL_SIM_OPS_H__
#define __AIACCEL_SIM_OPS_H__

#include <linux/bits.h>
#include <linux/types.h>
#include <drm/aiaccel_isa.h>

/** AIACCEL_SIM_MAX_TENSOR_BYTES - Largest tensor an op may name. */
#define AIACCEL_SIM_MAX_TENSOR_BYTES	BIT_ULL(28)

/** AIACCEL_SIM_OP_MAX_TENSORS - Most tensors any op reads and writes. */
#define AIACCEL_SIM_OP_MAX_TENSORS	5

/**
 * union aiaccel_sim_op - Storage large enough for any op.
 * @hdr: The header every op starts with.
 * @nop: %AIACCEL_OP_NOP.
 * @dma_copy: %AIACCEL_OP_DMA_COPY.
 * @gemm: %AIACCEL_OP_GEMM.
 * @conv2d: %AIACCEL_OP_CONV2D and %AIACCEL_OP_DWCONV2D.
 * @pool: %AIACCEL_OP_MAXPOOL and %AIACCEL_OP_AVGPOOL.
 * @add: %AIACCEL_OP_ADD.
 * @activation: %AIACCEL_OP_ACTIVATION.
 */
union aiaccel_sim_op {
	struct aiaccel_op_header hdr;
	struct aiaccel_op_nop nop;
	struct aiaccel_op_dma_copy dma_copy;
	struct aiaccel_op_gemm gemm;
	struct aiaccel_op_conv2d conv2d;
	struct aiaccel_op_pool pool;
	struct aiaccel_op_add add;
	struct aiaccel_op_activation activation;
};

/**
 * struct aiaccel_sim_tensor - A tensor an op reads or writes.
 * @va: Device virtual address of its first byte.
 * @size: Length in bytes, 1..%AIACCEL_SIM_MAX_TENSOR_BYTES.
 * @is_write: The op writes it (and reads nothing from it); otherwise
 *	the op only reads it.
 */
struct aiaccel_sim_tensor {
	u64 va;
	u64 size;
	bool is_write;
};

/**
 * struct aiaccel_sim_cost - What an op adds to the performance counters.
 * @macs: Nominal multiply-accumulates.
 * @bytes: Bytes of all the tensors it reads and writes.
 * @cycles: 16 + DIV_ROUND_UP(@macs, 256) + DIV_ROUND_UP(@bytes, 64).
 */
struct aiaccel_sim_cost {
	u64 macs;
	u64 bytes;
	u64 cycles;
};

unsigned int aiaccel_sim_op_size(u16 opcode);
int aiaccel_sim_op_validate(const struct aiaccel_op_header *hdr);
int aiaccel_sim_op_tensors(const struct aiaccel_op_header *hdr,
			   struct aiaccel_sim_tensor *t, unsigned int max);
size_t aiaccel_sim_op_scratch_size(const struct aiaccel_op_header *hdr);
int aiaccel_sim_op_execute(const struct aiaccel_op_header *hdr,
			   void *const *bufs, unsigned int nbufs,
			   void *scratch);
int aiaccel_sim_op_cost(const struct aiaccel_op_header *hdr,
			struct aiaccel_sim_cost *cost);

#if IS_ENABLED(CONFIG_KUNIT)
s32 aiaccel_sim_requant(s32 x, s32 multiplier, s32 shift);
#endif

#endif /* __AIACCEL_SIM_OPS_H__ */
