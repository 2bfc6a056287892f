/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel_sim_ops: the op kernels of the aiaccel hardware model.
 *
 * The engine executes one command-stream op at a time:
 *
 *	aiaccel_sim_op_size(hdr.opcode)     how many bytes to fetch for the op
 *	aiaccel_sim_op_validate(op)         -EINVAL: AIACCEL_ERR_INVALID_OP
 *	aiaccel_sim_op_tensors(op, t, max)  what it reads and writes, and where
 *	aiaccel_sim_op_run(op, port, sram)  execute it, streaming the tensors
 *	                                    through the engine's local memory
 *	aiaccel_sim_op_cost(op, &cost)      perf counters: MACs, bytes, cycles
 *
 * aiaccel_sim_op_run() reaches memory and reports progress only through
 * the &struct aiaccel_sim_port the engine gives it, and holds nothing but
 * the local memory ("SRAM") of a fixed size the engine owns, whatever the
 * sizes of the tensors: it splits each op into tiles and each tile into
 * work units, and the port may stop the op at any unit boundary.
 *
 * The kernels are bit-exact with the reference implementation
 * (the KUnit suites' aiaccel_ref.c); the semantics are specified in
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

/** AIACCEL_SIM_SRAM_SIZE - Local memory of each engine of the chip. */
#define AIACCEL_SIM_SRAM_SIZE		(256 * 1024)

/**
 * AIACCEL_SIM_ENGINE_MEM_MAX - Most kernel memory an engine holds to
 * execute jobs, whatever they do: its local memory.
 */
#define AIACCEL_SIM_ENGINE_MEM_MAX	AIACCEL_SIM_SRAM_SIZE

/** AIACCEL_SIM_SRAM_MIN - Least local memory aiaccel_sim_op_run() accepts. */
#define AIACCEL_SIM_SRAM_MIN		(4 * 1024)

/**
 * AIACCEL_SIM_UNIT_WORK - Most work in one work unit.  Work is counted as
 * 1 per multiply-accumulate and per byte loaded, stored or filled,
 * %AIACCEL_SIM_WORK_OUT per output element requantised or pooled,
 * %AIACCEL_SIM_WORK_REQ per memory request and %AIACCEL_SIM_WORK_PAGE
 * per page of a tensor checked before the op starts.
 */
#define AIACCEL_SIM_UNIT_WORK		8192U
#define AIACCEL_SIM_WORK_OUT		16U
#define AIACCEL_SIM_WORK_REQ		64U
#define AIACCEL_SIM_WORK_PAGE		256U

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

/**
 * struct aiaccel_sim_port - How an executing op reaches memory.
 * @probe: Check that bytes [@off, @off + @len) of tensor @t (an index
 *	into the list of aiaccel_sim_op_tensors()) can be accessed the way
 *	the op accesses it (written if it is the output); may be NULL.
 * @read: Read bytes [@off, @off + @len) of tensor @t into @buf.
 * @write: Write @len bytes at @buf to tensor @t at offset @off.
 * @unit: A work unit retired; @last if it is the op's last one.  Every op
 *	retires at least one unit, and none has more than
 *	%AIACCEL_SIM_UNIT_WORK of work.
 *
 * Each callback returns 0 or a negative errno, which stops the op and is
 * what aiaccel_sim_op_run() returns.  @len is at most
 * %AIACCEL_SIM_UNIT_WORK for @read and @write.  The callbacks may sleep.
 */
struct aiaccel_sim_port {
	int (*probe)(struct aiaccel_sim_port *port, unsigned int t, u64 off,
		     u64 len);
	int (*read)(struct aiaccel_sim_port *port, unsigned int t, u64 off,
		    void *buf, size_t len);
	int (*write)(struct aiaccel_sim_port *port, unsigned int t, u64 off,
		     const void *buf, size_t len);
	int (*unit)(struct aiaccel_sim_port *port, bool last);
};

unsigned int aiaccel_sim_op_size(u16 opcode);
int aiaccel_sim_op_validate(const struct aiaccel_op_header *hdr);
int aiaccel_sim_op_tensors(const struct aiaccel_op_header *hdr,
			   struct aiaccel_sim_tensor *t, unsigned int max);
int aiaccel_sim_op_run(const struct aiaccel_op_header *hdr,
		       struct aiaccel_sim_port *port, void *sram,
		       size_t sram_size);
int aiaccel_sim_op_execute(const struct aiaccel_op_header *hdr,
			   void *const *bufs, unsigned int nbufs,
			   void *sram, size_t sram_size);
int aiaccel_sim_op_cost(const struct aiaccel_op_header *hdr,
			struct aiaccel_sim_cost *cost);

#if IS_ENABLED(CONFIG_KUNIT)
s32 aiaccel_sim_requant(s32 x, s32 multiplier, s32 shift);
#endif

#endif /* __AIACCEL_SIM_OPS_H__ */
