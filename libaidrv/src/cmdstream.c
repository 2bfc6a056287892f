// SPDX-License-Identifier: MIT
/*
 * libaidrv: command-stream builder.
 *
 * A command stream is built in host memory, op by op, and copied into a
 * device buffer when a job is submitted (job.c).  This file needs no
 * device: it is tested on the host (libaidrv/tests/cs_test.c).
 *
 * The typed appenders fill in each op's header and check the op with the
 * ISA reference's validator (libaidrv/ref), so that an op the device
 * would reject with INVALID_OP is refused here with -EINVAL instead.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"
#include "aiaccel_ref.h"

/* First allocation; the buffer then doubles up to the ISA's limit. */
#define CS_INITIAL	512u

struct aidrv_cs {
	uint8_t *buf;
	size_t used;
	size_t capacity;
	unsigned int count;
};

int aidrv_cs_create(struct aidrv_cs **out)
{
	struct aidrv_cs *cs;

	if (!out)
		return -EINVAL;
	*out = NULL;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	*out = cs;
	return 0;
}

void aidrv_cs_free(struct aidrv_cs *cs)
{
	if (!cs)
		return;
	free(cs->buf);
	free(cs);
}

void aidrv_cs_reset(struct aidrv_cs *cs)
{
	if (!cs)
		return;
	cs->used = 0;
	cs->count = 0;
}

size_t aidrv_cs_size(const struct aidrv_cs *cs)
{
	return cs ? cs->used : 0;
}

unsigned int aidrv_cs_count(const struct aidrv_cs *cs)
{
	return cs ? cs->count : 0;
}

const void *aidrv_cs_data(const struct aidrv_cs *cs)
{
	return cs && cs->used ? cs->buf : NULL;
}

/* Make room for size more bytes: -E2BIG past the ISA's limit. */
static int cs_reserve(struct aidrv_cs *cs, size_t size)
{
	size_t want = cs->used + size, cap;
	uint8_t *buf;

	if (size > AIDRV_CS_MAX_SIZE || want > AIDRV_CS_MAX_SIZE)
		return -E2BIG;
	if (want <= cs->capacity)
		return 0;
	cap = cs->capacity ? cs->capacity : CS_INITIAL;
	while (cap < want)
		cap *= 2;
	if (cap > AIDRV_CS_MAX_SIZE)
		cap = AIDRV_CS_MAX_SIZE;
	buf = realloc(cs->buf, cap);
	if (!buf)
		return -ENOMEM;
	cs->buf = buf;
	cs->capacity = cap;
	return 0;
}

/* Copy size bytes of op to the end; returns the op's index. */
static int cs_push(struct aidrv_cs *cs, const void *op, size_t size)
{
	int ret = cs_reserve(cs, size);

	if (ret)
		return ret;
	memcpy(cs->buf + cs->used, op, size);
	cs->used += size;
	return (int)cs->count++;
}

int aidrv_cs_append_raw(struct aidrv_cs *cs, const void *op, size_t size)
{
	if (!cs || !op || !size || size % 8)
		return -EINVAL;
	return cs_push(cs, op, size);
}

/* The size of each opcode's op structure; 0 for reserved opcodes. */
static size_t op_size(uint16_t opcode)
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
	default:
		return 0;
	}
}

int aidrv_cs_append(struct aidrv_cs *cs, const void *op)
{
	const struct aiaccel_op_header *hdr = op;

	if (!cs || !op)
		return -EINVAL;
	if (!op_size(hdr->opcode) || hdr->size != op_size(hdr->opcode))
		return -EINVAL;
	if (aiaccel_ref_validate(hdr))
		return -EINVAL;
	return cs_push(cs, op, hdr->size);
}

/*
 * Copy a typed op of size bytes, give it its opcode and size (keeping the
 * caller's flags), validate and append it.
 */
static int cs_typed(struct aidrv_cs *cs, const void *op, uint16_t opcode, size_t size)
{
	/* Large enough for any op; 8-byte aligned like the ops' u64s. */
	uint64_t tmp[(sizeof(struct aiaccel_op_conv2d) + 7) / 8];
	struct aiaccel_op_header *hdr = (struct aiaccel_op_header *)tmp;

	if (!cs || !op || size > sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, op, size);
	hdr->opcode = opcode;
	hdr->size = (uint16_t)size;
	return aidrv_cs_append(cs, tmp);
}

int aidrv_cs_nop(struct aidrv_cs *cs)
{
	struct aiaccel_op_nop op = { { 0 } };

	return cs_typed(cs, &op, AIACCEL_OP_NOP, sizeof(op));
}

int aidrv_cs_dma_copy(struct aidrv_cs *cs, uint64_t dst, uint64_t src, uint64_t size)
{
	struct aiaccel_op_dma_copy op = { .src = src, .dst = dst, .size = size };

	return cs_typed(cs, &op, AIACCEL_OP_DMA_COPY, sizeof(op));
}

int aidrv_cs_gemm(struct aidrv_cs *cs, const struct aiaccel_op_gemm *op)
{
	return cs_typed(cs, op, AIACCEL_OP_GEMM, sizeof(*op));
}

int aidrv_cs_conv2d(struct aidrv_cs *cs, const struct aiaccel_op_conv2d *op)
{
	return cs_typed(cs, op, AIACCEL_OP_CONV2D, sizeof(*op));
}

int aidrv_cs_dwconv2d(struct aidrv_cs *cs, const struct aiaccel_op_conv2d *op)
{
	return cs_typed(cs, op, AIACCEL_OP_DWCONV2D, sizeof(*op));
}

int aidrv_cs_maxpool(struct aidrv_cs *cs, const struct aiaccel_op_pool *op)
{
	return cs_typed(cs, op, AIACCEL_OP_MAXPOOL, sizeof(*op));
}

int aidrv_cs_avgpool(struct aidrv_cs *cs, const struct aiaccel_op_pool *op)
{
	return cs_typed(cs, op, AIACCEL_OP_AVGPOOL, sizeof(*op));
}

int aidrv_cs_add(struct aidrv_cs *cs, const struct aiaccel_op_add *op)
{
	return cs_typed(cs, op, AIACCEL_OP_ADD, sizeof(*op));
}

int aidrv_cs_activation(struct aidrv_cs *cs, const struct aiaccel_op_activation *op)
{
	return cs_typed(cs, op, AIACCEL_OP_ACTIVATION, sizeof(*op));
}
