// SPDX-License-Identifier: MIT
/*
 * cs_test: libaidrv's command-stream builder (src/cmdstream.c), on the
 * host: every op's encoding, the validation of each op family, growth,
 * the 1 MiB limit, reset, and the error returns.  Built with the ISA
 * reference, under ASan and UBSan.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"
#include "aiaccel_ref.h"

static int passed, failed;

static void check_eq(const char *what, int line, long long got, long long want)
{
	if (got == want) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL line %d: %s: got %lld, want %lld\n", line, what, got, want);
}

#define CHECK_EQ(got, want)	check_eq(#got, __LINE__, (long long)(got), (long long)(want))

/* The op at byte offset off of the stream. */
static const struct aiaccel_op_header *op_at(const struct aidrv_cs *cs, size_t off)
{
	return (const void *)((const char *)aidrv_cs_data(cs) + off);
}

/* Every op of the stream is valid by the reference and the ops fill it. */
static void check_stream_valid(const struct aidrv_cs *cs)
{
	size_t off = 0;
	unsigned int n = 0;

	while (off < aidrv_cs_size(cs)) {
		const struct aiaccel_op_header *hdr = op_at(cs, off);

		CHECK_EQ(aiaccel_ref_validate(hdr), 0);
		off += hdr->size;
		n++;
	}
	CHECK_EQ(off, aidrv_cs_size(cs));
	CHECK_EQ(n, aidrv_cs_count(cs));
}

static struct aiaccel_op_gemm valid_gemm(void)
{
	struct aiaccel_op_gemm g = {
		.input = 0x100000, .weights = 0x200000, .bias = 0x300000,
		.output = 0x400000, .quant = 0x500000,
		.m = 2, .n = 3, .k = 4,
		.input_zp = -1, .weight_zp = 2, .output_zp = 3,
		.requant = { 1 << 30, -3 },
		.act_min = -100, .act_max = 100,
	};

	return g;
}

static struct aiaccel_op_conv2d valid_conv(void)
{
	struct aiaccel_op_conv2d c = {
		.input = 0x100000, .filter = 0x200000, .output = 0x300000,
		.batch = 1, .in_h = 5, .in_w = 5, .in_c = 3,
		.out_h = 3, .out_w = 3, .out_c = 6,
		.k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1,
		.dilation_h = 1, .dilation_w = 1,
		.requant = { 1 << 30, 0 },
		.act_min = -128, .act_max = 127,
	};

	return c;
}

static struct aiaccel_op_pool valid_pool(void)
{
	struct aiaccel_op_pool p = {
		.input = 0x100000, .output = 0x200000,
		.batch = 1, .in_h = 4, .in_w = 4, .channels = 2,
		.out_h = 2, .out_w = 2, .k_h = 2, .k_w = 2,
		.stride_h = 2, .stride_w = 2, .pad_top = 1, .pad_left = 1,
		.act_min = -128, .act_max = 127,
	};

	return p;
}

static struct aiaccel_op_add valid_add(void)
{
	struct aiaccel_op_add a = {
		.input1 = 0x100000, .input2 = 0x200000, .output = 0x300000,
		.count = 64, .input1_zp = 1, .input2_zp = -1, .output_zp = 0,
		.left_shift = 20,
		.input1_scale = { 1 << 30, -1 }, .input2_scale = { 1 << 30, -1 },
		.output_scale = { 0x7fffffff, -18 },
		.act_min = -128, .act_max = 127,
	};

	return a;
}

static struct aiaccel_op_activation valid_act(void)
{
	struct aiaccel_op_activation a = {
		.input = 0x100000, .output = 0x100000, .lut = 0x200000,
		.count = 100, .mode = AIACCEL_ACT_LUT, .act_min = -128, .act_max = 127,
	};

	return a;
}

static void test_create_destroy(void)
{
	struct aidrv_cs *cs = NULL;

	CHECK_EQ(aidrv_cs_create(NULL), -EINVAL);
	CHECK_EQ(aidrv_cs_create(&cs), 0);
	CHECK_EQ(cs != NULL, 1);
	CHECK_EQ(aidrv_cs_size(cs), 0);
	CHECK_EQ(aidrv_cs_count(cs), 0);
	aidrv_cs_free(cs);
	aidrv_cs_free(NULL);
	aidrv_cs_reset(NULL);
	CHECK_EQ(aidrv_cs_size(NULL), 0);
	CHECK_EQ(aidrv_cs_count(NULL), 0);
}

/* Each typed appender: header filled in, fields copied, index returned. */
static void test_encodings(void)
{
	struct aiaccel_op_gemm g = valid_gemm();
	struct aiaccel_op_conv2d c = valid_conv();
	struct aiaccel_op_pool p = valid_pool();
	struct aiaccel_op_add a = valid_add();
	struct aiaccel_op_activation act = valid_act();
	const struct aiaccel_op_dma_copy *dc;
	const struct aiaccel_op_gemm *og;
	struct aidrv_cs *cs;
	size_t off = 0;

	if (aidrv_cs_create(&cs)) {
		CHECK_EQ(1, 0);
		return;
	}

	CHECK_EQ(aidrv_cs_nop(cs), 0);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_NOP);
	CHECK_EQ(op_at(cs, off)->size, 8);
	CHECK_EQ(op_at(cs, off)->flags, 0);
	off += 8;

	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x2000000, 0x1000000, 1000), 1);
	dc = (const void *)op_at(cs, off);
	CHECK_EQ(dc->hdr.opcode, AIACCEL_OP_DMA_COPY);
	CHECK_EQ(dc->hdr.size, 32);
	CHECK_EQ(dc->src, 0x1000000);
	CHECK_EQ(dc->dst, 0x2000000);
	CHECK_EQ(dc->size, 1000);
	off += 32;

	/* Whatever the caller left in opcode and size is overwritten. */
	g.hdr.opcode = 0x7777;
	g.hdr.size = 3;
	g.hdr.flags = AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), 2);
	og = (const void *)op_at(cs, off);
	CHECK_EQ(og->hdr.opcode, AIACCEL_OP_GEMM);
	CHECK_EQ(og->hdr.size, 88);
	CHECK_EQ(og->hdr.flags, AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL);
	g.hdr = og->hdr;
	CHECK_EQ(memcmp(og, &g, sizeof(g)), 0);
	off += 88;

	CHECK_EQ(aidrv_cs_conv2d(cs, &c), 3);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_CONV2D);
	CHECK_EQ(op_at(cs, off)->size, 136);
	off += 136;
	CHECK_EQ(aidrv_cs_dwconv2d(cs, &c), 4);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_DWCONV2D);
	CHECK_EQ(op_at(cs, off)->size, 136);
	off += 136;
	CHECK_EQ(aidrv_cs_maxpool(cs, &p), 5);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_MAXPOOL);
	CHECK_EQ(op_at(cs, off)->size, 80);
	off += 80;
	CHECK_EQ(aidrv_cs_avgpool(cs, &p), 6);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_AVGPOOL);
	CHECK_EQ(op_at(cs, off)->size, 80);
	off += 80;
	CHECK_EQ(aidrv_cs_add(cs, &a), 7);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_ADD);
	CHECK_EQ(op_at(cs, off)->size, 88);
	CHECK_EQ(memcmp((const char *)op_at(cs, off) + 8, (const char *)&a + 8, 80), 0);
	off += 88;
	CHECK_EQ(aidrv_cs_activation(cs, &act), 8);
	CHECK_EQ(op_at(cs, off)->opcode, AIACCEL_OP_ACTIVATION);
	CHECK_EQ(op_at(cs, off)->size, 48);
	off += 48;

	CHECK_EQ(aidrv_cs_size(cs), off);
	CHECK_EQ(aidrv_cs_count(cs), 9);
	check_stream_valid(cs);
	aidrv_cs_free(cs);
}

/*
 * Invalid ops of every family are refused with -EINVAL and leave the
 * stream as it was.
 */
static void test_validation(void)
{
	struct aiaccel_op_gemm g;
	struct aiaccel_op_conv2d c;
	struct aiaccel_op_pool p;
	struct aiaccel_op_add a;
	struct aiaccel_op_activation act;
	struct aidrv_cs *cs;

	if (aidrv_cs_create(&cs)) {
		CHECK_EQ(1, 0);
		return;
	}
	CHECK_EQ(aidrv_cs_nop(cs), 0);

	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x2000, 0x1000, 0), -EINVAL);
	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x1800, 0x1000, 0x1000), -EINVAL);	/* overlap */
	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x1000, 0x1800, 0x1000), -EINVAL);
	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x20000000, 0x1000, (1u << 28) + 1), -EINVAL);
	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x20000000, 0x1000, 1u << 28), 1);

	g = valid_gemm();
	g.m = 0;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), -EINVAL);
	g = valid_gemm();
	g.input_zp = 128;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), -EINVAL);
	g = valid_gemm();
	g.act_min = 5;
	g.act_max = 4;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), -EINVAL);
	g = valid_gemm();
	g.hdr.flags = 1u << 2;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), -EINVAL);
	g = valid_gemm();
	g.requant.multiplier = (1 << 30) - 1;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), -EINVAL);
	/* ...but the per-tensor scale is ignored with PER_CHANNEL. */
	g.hdr.flags = AIACCEL_OP_F_PER_CHANNEL;
	CHECK_EQ(aidrv_cs_gemm(cs, &g), 2);
	g = valid_gemm();
	g.m = 1u << 20;
	g.k = 1u << 9;	/* input m*k = 2^29 bytes, over the tensor limit */
	CHECK_EQ(aidrv_cs_gemm(cs, &g), -EINVAL);

	c = valid_conv();
	c.dilation_w = 0;
	CHECK_EQ(aidrv_cs_conv2d(cs, &c), -EINVAL);
	c = valid_conv();
	c.out_c = 4;	/* not a multiple of in_c: fine for CONV2D only */
	CHECK_EQ(aidrv_cs_conv2d(cs, &c), 3);
	CHECK_EQ(aidrv_cs_dwconv2d(cs, &c), -EINVAL);

	p = valid_pool();
	p.pad_top = p.k_h;
	CHECK_EQ(aidrv_cs_maxpool(cs, &p), -EINVAL);
	p = valid_pool();
	p.stride_w = 0;
	CHECK_EQ(aidrv_cs_avgpool(cs, &p), -EINVAL);
	p = valid_pool();
	p.hdr.flags = AIACCEL_OP_F_BIAS;	/* pooling takes no flag */
	CHECK_EQ(aidrv_cs_maxpool(cs, &p), -EINVAL);

	a = valid_add();
	a.pad = 1;
	CHECK_EQ(aidrv_cs_add(cs, &a), -EINVAL);
	a = valid_add();
	a.left_shift = 21;
	CHECK_EQ(aidrv_cs_add(cs, &a), -EINVAL);
	a = valid_add();
	a.output_scale.shift = 31;
	CHECK_EQ(aidrv_cs_add(cs, &a), -EINVAL);

	act = valid_act();
	act.mode = 2;
	CHECK_EQ(aidrv_cs_activation(cs, &act), -EINVAL);
	act = valid_act();
	act.count = 0;
	CHECK_EQ(aidrv_cs_activation(cs, &act), -EINVAL);
	act = valid_act();
	act.act_max = 128;	/* checked in LUT mode too */
	CHECK_EQ(aidrv_cs_activation(cs, &act), -EINVAL);

	CHECK_EQ(aidrv_cs_count(cs), 4);
	CHECK_EQ(aidrv_cs_size(cs), 8 + 32 + 88 + 136);
	check_stream_valid(cs);

	CHECK_EQ(aidrv_cs_gemm(NULL, &g), -EINVAL);
	CHECK_EQ(aidrv_cs_gemm(cs, NULL), -EINVAL);
	CHECK_EQ(aidrv_cs_nop(NULL), -EINVAL);
	aidrv_cs_free(cs);
}

/* aidrv_cs_append() checks headers; aidrv_cs_append_raw() does not. */
static void test_append(void)
{
	struct aiaccel_op_gemm g = valid_gemm();
	struct aiaccel_op_header bogus = { .opcode = 0x42, .size = 8 };
	uint64_t words[5] = { 0 };
	struct aidrv_cs *cs;

	if (aidrv_cs_create(&cs)) {
		CHECK_EQ(1, 0);
		return;
	}
	g.hdr.opcode = AIACCEL_OP_GEMM;
	g.hdr.size = sizeof(g);
	CHECK_EQ(aidrv_cs_append(cs, &g), 0);
	g.hdr.size = sizeof(g) + 8;
	CHECK_EQ(aidrv_cs_append(cs, &g), -EINVAL);
	g.hdr.opcode = AIACCEL_OP_CONV2D;
	g.hdr.size = sizeof(g);
	CHECK_EQ(aidrv_cs_append(cs, &g), -EINVAL);
	CHECK_EQ(aidrv_cs_append(cs, &bogus), -EINVAL);
	CHECK_EQ(aidrv_cs_append(cs, NULL), -EINVAL);

	CHECK_EQ(aidrv_cs_append_raw(cs, &bogus, sizeof(bogus)), 1);
	CHECK_EQ(aidrv_cs_append_raw(cs, words, 12), -EINVAL);
	CHECK_EQ(aidrv_cs_append_raw(cs, words, 0), -EINVAL);
	CHECK_EQ(aidrv_cs_append_raw(cs, NULL, 8), -EINVAL);
	CHECK_EQ(aidrv_cs_append_raw(cs, words, sizeof(words)), 2);
	CHECK_EQ(aidrv_cs_size(cs), 88 + 8 + 40);
	CHECK_EQ(op_at(cs, 88)->opcode, 0x42);
	aidrv_cs_free(cs);
}

/* Growth keeps every op intact; the stream stops at exactly 1 MiB. */
static void test_growth_and_limit(void)
{
	const unsigned int n = AIDRV_CS_MAX_SIZE / 32;
	unsigned int i, bad = 0;
	struct aidrv_cs *cs;

	if (aidrv_cs_create(&cs)) {
		CHECK_EQ(1, 0);
		return;
	}
	for (i = 0; i < n; i++)
		if (aidrv_cs_dma_copy(cs, 0x100000000ull + i * 0x1000ull, 0x1000ull * (i + 1),
				      i % 4096 + 1) != (int)i)
			bad++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(aidrv_cs_size(cs), AIDRV_CS_MAX_SIZE);
	for (i = 0; i < n; i++) {
		const struct aiaccel_op_dma_copy *op = (const void *)op_at(cs, i * 32ull);

		if (op->hdr.opcode != AIACCEL_OP_DMA_COPY || op->src != 0x1000ull * (i + 1) ||
		    op->dst != 0x100000000ull + i * 0x1000ull || op->size != i % 4096 + 1)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(aidrv_cs_nop(cs), -E2BIG);
	CHECK_EQ(aidrv_cs_size(cs), AIDRV_CS_MAX_SIZE);
	CHECK_EQ(aidrv_cs_count(cs), n);

	/* Reset keeps nothing but the memory. */
	aidrv_cs_reset(cs);
	CHECK_EQ(aidrv_cs_size(cs), 0);
	CHECK_EQ(aidrv_cs_count(cs), 0);
	CHECK_EQ(aidrv_cs_nop(cs), 0);

	/* A 32-byte op does not fit the last 24 bytes; an 8-byte one does. */
	aidrv_cs_reset(cs);
	for (i = 0; i < AIDRV_CS_MAX_SIZE / 8 - 3; i++)
		if (aidrv_cs_nop(cs) < 0)
			bad++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(aidrv_cs_dma_copy(cs, 0x2000, 0x1000, 8), -E2BIG);
	CHECK_EQ(aidrv_cs_nop(cs), (int)(AIDRV_CS_MAX_SIZE / 8 - 3));
	CHECK_EQ(aidrv_cs_size(cs), AIDRV_CS_MAX_SIZE - 16);
	aidrv_cs_free(cs);
}

int main(void)
{
	test_create_destroy();
	test_encodings();
	test_validation();
	test_append();
	test_growth_and_limit();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
