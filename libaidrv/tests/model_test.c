// SPDX-License-Identifier: MIT
/*
 * model_test: libaidrv's model loader and CPU reference executor, on the
 * host (cmocka, built with ASan and UBSan).
 *
 *  - the committed demo model (demo/digits.aimodel) on the committed test
 *    set (demo/digits-test.bin) gives exactly what demo/train_digits.py's
 *    integer simulation gave (demo/digits.expected): the same number of
 *    correct answers and the same output bytes;
 *  - a synthetic model using every layer type, with asymmetric shapes,
 *    strides and padding, runs exactly as a hand-written chain of reference
 *    ops with the parameters the format defines;
 *  - malformed files: every truncation, every single bit flip (caught by
 *    the checksum), every bit flip and many hostile values in every field
 *    of the header and the tables with the checksum fixed up (so that the
 *    field checks are reached), random mutations, huge counts, bad magic
 *    and version, specific inconsistencies with their messages, file
 *    errors.  A model that loads must run.
 *
 * Prints "N passed, N failed" last, for scripts/host-tests.sh.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aidrv.h"
#include "../ref/aiaccel_ref.h"

#ifndef DEMO_DIR
#error "build with -DDEMO_DIR=\"path/to/demo\""
#endif

#define MODEL_PATH	DEMO_DIR "/digits.aimodel"
#define TESTSET_PATH	DEMO_DIR "/digits-test.bin"
#define EXPECTED_PATH	DEMO_DIR "/digits.expected"

/* Offsets of the format (model-format.rst), as the tests poke at them. */
#define HDR_SIZE	64
#define TENSOR_SIZE	32
#define LAYER_SIZE	128
#define H_FILE_SIZE	16
#define H_CRC		24
#define H_TENSORS	28
#define H_LAYERS	32
#define H_INPUT		36
#define H_OUTPUT	40
#define H_TENSORS_OFF	44
#define H_LAYERS_OFF	48
#define H_DATA_OFF	52
#define H_DATA_SIZE	56

/* -------------------------------------------------------------------------
 * Helpers
 */

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* zlib's CRC-32, written independently of the library's. */
static uint32_t crc32_bytes(const uint8_t *p, size_t n, size_t skip_at)
{
	uint32_t tab[256], crc = 0xffffffffu, c;
	size_t i;
	int k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
		tab[i] = c;
	}
	for (i = 0; i < n; i++) {
		uint8_t byte = (i >= skip_at && i < skip_at + 4) ? 0 : p[i];

		crc = tab[(crc ^ byte) & 0xff] ^ (crc >> 8);
	}
	return ~crc;
}

static void fix_crc(uint8_t *buf, size_t len)
{
	put32(buf + H_CRC, crc32_bytes(buf, len, H_CRC));
}

static uint64_t fnv1a64(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Deterministic pseudo-random numbers (xorshift64*), state on the stack. */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dull) >> 32);
}

struct demo {
	uint8_t *model;
	size_t model_len;
	struct aidrv_dataset *set;
};

static int demo_setup(void **state)
{
	struct demo *d = calloc(1, sizeof(*d));
	char err[256];

	if (!d)
		return -1;
	d->model = read_all(MODEL_PATH, &d->model_len);
	if (aidrv_dataset_load_file(TESTSET_PATH, &d->set, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = d;
	return 0;
}

static int demo_teardown(void **state)
{
	struct demo *d = *state;

	aidrv_dataset_free(d->set);
	free(d->model);
	free(d);
	return 0;
}

/*
 * Load @buf; the result must be 0 or -EINVAL with a message.  A model that
 * loads must also run (on a few demo images when the input sizes match,
 * else on zeros).  Returns the load result.
 */
static int load_and_run(const uint8_t *buf, size_t len,
			const struct aidrv_dataset *set)
{
	struct aidrv_model_tensor in, out;
	struct aidrv_model *m = (void *)1;
	char err[256];
	int8_t *input, *output;
	uint32_t batch;
	int ret;

	memset(err, 'x', sizeof(err));
	ret = aidrv_model_load_mem(buf, len, &m, err, sizeof(err));
	if (ret) {
		assert_int_equal(ret, -EINVAL);
		assert_null(m);
		assert_true(strlen(err) > 0 && strlen(err) < sizeof(err));
		return ret;
	}
	assert_non_null(m);
	assert_int_equal(aidrv_model_input(m, &in, sizeof(in)), 0);
	assert_int_equal(aidrv_model_output(m, &out, sizeof(out)), 0);
	batch = aidrv_model_max_batch(m) < 3 ? aidrv_model_max_batch(m) : 3;
	input = calloc(batch, in.size);
	output = calloc(batch, out.size);
	assert_non_null(input);
	assert_non_null(output);
	if (set && in.size == set->image_size)
		memcpy(input, set->images, (size_t)batch * in.size);
	assert_int_equal(aidrv_model_run_cpu(m, input, batch, output), 0);
	free(input);
	free(output);
	aidrv_model_free(m);
	return 0;
}

/* -------------------------------------------------------------------------
 * The demo model
 */

static void test_demo_describe(void **state)
{
	struct demo *d = *state;
	static const uint16_t ops[] = { AIACCEL_OP_CONV2D, AIACCEL_OP_MAXPOOL,
					AIACCEL_OP_GEMM, AIACCEL_OP_GEMM };
	struct aidrv_model_tensor t;
	struct aidrv_model_layer l;
	struct aidrv_model *m;
	char err[256];
	unsigned int i;
	size_t data;

	assert_int_equal(aidrv_model_load_file(MODEL_PATH, &m, err, sizeof(err)), 0);
	assert_int_equal(aidrv_model_num_layers(m), 4);
	assert_int_equal(aidrv_model_num_tensors(m), 5);
	assert_int_equal(aidrv_model_input(m, &t, sizeof(t)), 0);
	assert_int_equal(t.rank, 3);
	assert_int_equal(t.dims[0], 8);
	assert_int_equal(t.dims[1], 8);
	assert_int_equal(t.dims[2], 1);
	assert_int_equal(t.size, d->set->image_size);
	assert_int_equal(aidrv_model_output(m, &t, sizeof(t)), 0);
	assert_int_equal(t.rank, 1);
	assert_int_equal(t.size, d->set->num_classes);
	for (i = 0; i < 4; i++) {
		assert_int_equal(aidrv_model_layer(m, i, &l, sizeof(l)), 0);
		assert_int_equal(l.opcode, ops[i]);
	}
	assert_int_equal(aidrv_model_layer(m, 4, &l, sizeof(l)), -EINVAL);
	assert_int_equal(aidrv_model_tensor(m, 5, &t, sizeof(t)), -EINVAL);
	assert_non_null(aidrv_model_data(m, &data));
	assert_true(data > 0 && data < d->model_len);
	assert_int_equal(aidrv_model_max_batch(m), (1u << 28) / 512);
	aidrv_model_free(m);
}

/* Parse demo/digits.expected: "images N", "correct N", "outputs_fnv1a64 0x..". */
static void read_expected(unsigned long *images, unsigned long *correct,
			  unsigned long long *hash)
{
	FILE *f = fopen(EXPECTED_PATH, "r");
	char line[256];
	int found = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		found += sscanf(line, "images %lu", images) == 1;
		found += sscanf(line, "correct %lu", correct) == 1;
		found += sscanf(line, "outputs_fnv1a64 %llx", hash) == 1;
	}
	fclose(f);
	assert_int_equal(found, 3);
}

static void test_demo_accuracy(void **state)
{
	struct demo *d = *state;
	const struct aidrv_dataset *set = d->set;
	unsigned long images, correct_want, n_correct = 0;
	unsigned long long hash;
	struct aidrv_model *m;
	int8_t *all, *some;
	uint32_t i, j, k, n;

	read_expected(&images, &correct_want, &hash);
	assert_int_equal(set->count, images);
	assert_int_equal(aidrv_model_load_mem(d->model, d->model_len, &m, NULL, 0), 0);

	/* The whole test set as one batch. */
	all = malloc((size_t)set->count * 10);
	assert_non_null(all);
	assert_int_equal(aidrv_model_run_cpu(m, set->images, set->count, all), 0);
	for (i = 0; i < set->count; i++)
		n_correct += aidrv_argmax_s8(all + 10 * i, 10) == set->labels[i];
	print_message("CPU reference: %lu/%u correct (%.2f%%), Python said %lu\n",
		      n_correct, set->count, 100.0 * n_correct / set->count,
		      correct_want);
	assert_int_equal(n_correct, correct_want);
	assert_int_equal(fnv1a64(all, (size_t)set->count * 10), hash);

	/* Batches of 7 and of 1 give the same bytes: images are independent. */
	some = malloc((size_t)set->count * 10);
	assert_non_null(some);
	for (k = 0; k < 2; k++) {
		n = k ? 1 : 7;
		memset(some, 0x55, (size_t)set->count * 10);
		for (i = 0; i < set->count; i += j) {
			j = set->count - i < n ? set->count - i : n;
			assert_int_equal(aidrv_model_run_cpu(m, set->images + 64 * i, j,
							     some + 10 * i), 0);
		}
		assert_memory_equal(all, some, (size_t)set->count * 10);
	}
	free(some);
	free(all);
	aidrv_model_free(m);
}

static void test_demo_stream(void **state)
{
	struct demo *d = *state;
	uint64_t tensors[5] = { 0x1000, 0x2000, 0x3000, 0x4000, 0x5000 };
	struct aidrv_model_addrs addrs = { sizeof(addrs), 0x100000, tensors };
	union aidrv_model_op op;
	struct aidrv_model *m;
	uint8_t cs[512];
	unsigned int i;
	size_t off = 0;
	int size;

	assert_int_equal(aidrv_model_load_mem(d->model, d->model_len, &m, NULL, 0), 0);
	size = aidrv_model_stream(m, 16, &addrs, NULL, 0);
	assert_int_equal(size, 136 + 80 + 88 + 88);
	assert_int_equal(aidrv_model_stream(m, 16, &addrs, cs, (size_t)size - 1), -ENOSPC);
	assert_int_equal(aidrv_model_stream(m, 16, &addrs, cs, sizeof(cs)), size);
	for (i = 0; i < 4; i++) {
		const struct aiaccel_op_header *h = (const void *)(cs + off);

		assert_int_equal(aidrv_model_layer_op(m, i, 16, &addrs, &op, sizeof(op)), 0);
		assert_memory_equal(cs + off, &op, op.hdr.size);
		assert_int_equal(aiaccel_ref_validate(h), 0);
		off += h->size;
	}
	assert_int_equal(off, (size_t)size);

	/* The ops name the right memory. */
	assert_int_equal(aidrv_model_layer_op(m, 0, 16, &addrs, &op, sizeof(op)), 0);
	assert_int_equal(op.conv.input, 0x1000);
	assert_int_equal(op.conv.output, 0x2000);
	assert_int_equal(op.conv.batch, 16);
	assert_true(op.conv.filter >= 0x100000);
	assert_int_equal(aidrv_model_layer_op(m, 2, 16, &addrs, &op, sizeof(op)), 0);
	assert_int_equal(op.gemm.m, 16);
	assert_int_equal(op.gemm.k, 128);
	assert_int_equal(op.gemm.n, 32);

	/* Batch limits. */
	assert_int_equal(aidrv_model_layer_op(m, 0, 0, &addrs, &op, sizeof(op)), -EINVAL);
	assert_int_equal(aidrv_model_layer_op(m, 0, aidrv_model_max_batch(m) + 1,
					      &addrs, &op, sizeof(op)), -E2BIG);
	assert_int_equal(aidrv_model_layer_op(m, 0, aidrv_model_max_batch(m),
					      &addrs, &op, sizeof(op)), 0);
	assert_int_equal(aiaccel_ref_validate(&op.hdr), 0);
	assert_int_equal(aidrv_model_stream(m, 0, &addrs, NULL, 0), -EINVAL);
	assert_int_equal(aidrv_model_run_cpu(m, (const int8_t *)cs, 0, (int8_t *)cs), -EINVAL);
	assert_int_equal(aidrv_model_run_cpu(m, (const int8_t *)cs,
					     aidrv_model_max_batch(m) + 1, (int8_t *)cs),
			 -E2BIG);
	aidrv_model_free(m);
}

/* -------------------------------------------------------------------------
 * Malformed demo model
 */

static void test_truncated(void **state)
{
	struct demo *d = *state;
	uint8_t *buf = malloc(d->model_len);
	size_t len;

	assert_non_null(buf);
	for (len = 0; len < d->model_len; len++) {
		/* As cut ... */
		memcpy(buf, d->model, len);
		assert_int_equal(load_and_run(buf, len, NULL), -EINVAL);
		/* ... and with size and checksum made to agree. */
		if (len >= HDR_SIZE) {
			put64(buf + H_FILE_SIZE, len);
			fix_crc(buf, len);
			assert_int_equal(load_and_run(buf, len, NULL), -EINVAL);
		}
	}
	/* Trailing bytes too. */
	free(buf);
	buf = calloc(1, d->model_len + 8);
	assert_non_null(buf);
	memcpy(buf, d->model, d->model_len);
	assert_int_equal(load_and_run(buf, d->model_len + 8, NULL), -EINVAL);
	put64(buf + H_FILE_SIZE, d->model_len + 8);
	fix_crc(buf, d->model_len + 8);
	assert_int_equal(load_and_run(buf, d->model_len + 8, NULL), -EINVAL);
	free(buf);
}

/* Any single bit flip anywhere is caught (by the checksum at least). */
static void test_bitflip_raw(void **state)
{
	struct demo *d = *state;
	uint8_t *buf = malloc(d->model_len);
	size_t i;
	int bit;

	assert_non_null(buf);
	memcpy(buf, d->model, d->model_len);
	for (i = 0; i < d->model_len; i++) {
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			assert_int_equal(load_and_run(buf, d->model_len, NULL), -EINVAL);
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
	free(buf);
}

/*
 * Bit flips with the checksum fixed, everywhere: the field checks must
 * reject or the model must run.  Flips in the header and the tables that
 * still load are counted: only a few fields may take other values.
 */
static void test_bitflip_fixed(void **state)
{
	struct demo *d = *state;
	size_t tables_end = get32(d->model + H_DATA_OFF);
	uint8_t *buf = malloc(d->model_len);
	unsigned int loaded_meta = 0, loaded_data = 0;
	size_t i;
	int bit;

	assert_non_null(buf);
	memcpy(buf, d->model, d->model_len);
	for (i = 0; i < d->model_len; i++) {
		if (i >= H_CRC && i < H_CRC + 4)
			continue;
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			fix_crc(buf, d->model_len);
			if (load_and_run(buf, d->model_len, d->set) == 0)
				*(i < tables_end ? &loaded_meta : &loaded_data) += 1;
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
	print_message("bit flips with a valid checksum that still load: %u in header and tables, %u in data\n",
		      loaded_meta, loaded_data);
	/* Weights and biases may hold any value. */
	assert_true(loaded_data > 4 * 1000);
	free(buf);
}

static const uint32_t hostile[] = {
	0, 1, 2, 3, 4, 7, 8, 9, 10, 31, 32, 63, 64, 127, 128, 255, 256,
	0x7fff, 0x8000, 0xffff, 0x10000, 0xfffffff, 0x10000000, 0x10000001,
	0x3fffffff, 0x40000000, 0x40000001, 0x7fffffff, 0x80000000,
	0x80000001, 0xfffffff8, 0xfffffff0, 0xffffff80, 0xffffff81,
	0xfffffffe, 0xffffffff,
};

/* Every 32-bit field of the header and the tables set to hostile values. */
static void test_fuzz_fields(void **state)
{
	struct demo *d = *state;
	size_t tables_end = get32(d->model + H_DATA_OFF);
	uint8_t *buf = malloc(d->model_len);
	uint32_t extra[6];
	size_t off, k;

	assert_non_null(buf);
	extra[0] = (uint32_t)d->model_len;
	extra[1] = (uint32_t)d->model_len - 1;
	extra[2] = (uint32_t)d->model_len + 1;
	extra[3] = (uint32_t)tables_end;
	extra[4] = get32(d->model + H_DATA_SIZE);
	extra[5] = 5;
	memcpy(buf, d->model, d->model_len);
	for (off = 0; off < tables_end; off += 4) {
		if (off == H_CRC)
			continue;
		for (k = 0; k < sizeof(hostile) / 4 + 6; k++) {
			put32(buf + off, k < sizeof(hostile) / 4 ?
				hostile[k] : extra[k - sizeof(hostile) / 4]);
			fix_crc(buf, d->model_len);
			load_and_run(buf, d->model_len, d->set);
		}
		memcpy(buf + off, d->model + off, 4);
	}
	free(buf);
}

/* Random mutations of 1 to 8 bytes of the header and tables. */
static void test_fuzz_random(void **state)
{
	struct demo *d = *state;
	size_t tables_end = get32(d->model + H_DATA_OFF);
	uint8_t *buf = malloc(d->model_len);
	uint64_t seed = 0x5eed1234abcdull;
	unsigned int iter, n, loaded = 0;

	assert_non_null(buf);
	for (iter = 0; iter < 10000; iter++) {
		memcpy(buf, d->model, d->model_len);
		for (n = 1 + rnd(&seed) % 8; n; n--) {
			size_t at = rnd(&seed) % tables_end;

			buf[at] = (uint8_t)rnd(&seed);
		}
		fix_crc(buf, d->model_len);
		loaded += load_and_run(buf, d->model_len, d->set) == 0;
	}
	print_message("random mutations that still load: %u of 10000\n", loaded);
	free(buf);
}

/* Load a mutated demo model and check the message names the problem. */
static void expect_error(const struct demo *d, size_t off, uint32_t value,
			 const char *what)
{
	uint8_t *buf = malloc(d->model_len);
	struct aidrv_model *m;
	char err[256];
	int ret;

	assert_non_null(buf);
	memcpy(buf, d->model, d->model_len);
	put32(buf + off, value);
	fix_crc(buf, d->model_len);
	ret = aidrv_model_load_mem(buf, d->model_len, &m, err, sizeof(err));
	if (ret != -EINVAL || !strstr(err, what))
		fail_msg("offset %zu = 0x%x: got %d \"%s\", want -EINVAL \"...%s...\"",
			 off, value, ret, err, what);
	assert_null(m);
	free(buf);
}

#define LAYER(i, field)		(HDR_SIZE + 5 * TENSOR_SIZE + (i) * LAYER_SIZE + (field))
#define TENSOR(i, field)	(HDR_SIZE + (i) * TENSOR_SIZE + (field))

static void test_specific_errors(void **state)
{
	const struct demo *d = *state;

	expect_error(d, 0, 0x43434149, "magic");
	expect_error(d, 8, 2, "version");
	expect_error(d, 12, 128, "header size");
	expect_error(d, H_TENSORS, 0xffffffff, "tensor count");
	expect_error(d, H_LAYERS, 0xffffffff, "layer count");
	expect_error(d, H_LAYERS, 0, "layer count");
	expect_error(d, H_LAYERS, 4096, "past the end");
	expect_error(d, H_TENSORS, 4096, "past the end");
	expect_error(d, H_DATA_SIZE, 0xffffffff, "past the end");
	expect_error(d, H_DATA_OFF, 0xfffffff8, "past the end");
	expect_error(d, H_LAYERS_OFF, 0xfffffff8, "past the end");
	expect_error(d, H_TENSORS_OFF, 4, "aligned");
	expect_error(d, H_TENSORS_OFF, 0, "overlap");
	expect_error(d, H_LAYERS_OFF, HDR_SIZE + 8, "overlap");
	expect_error(d, H_INPUT, 4, "must be different");
	expect_error(d, H_OUTPUT, 5, "must be different");
	expect_error(d, 60, 1, "reserved");
	/* Tensors */
	expect_error(d, TENSOR(1, 0), 4, "rank");
	expect_error(d, TENSOR(1, 4), 0, "dimension 0 is 0");
	expect_error(d, TENSOR(1, 4), 0x1000000, "2^28");
	expect_error(d, TENSOR(3, 8), 1, "beyond rank");
	expect_error(d, TENSOR(1, 16), 128, "zero point");
	expect_error(d, TENSOR(1, 20), 0x3fffffff, "scale");
	expect_error(d, TENSOR(1, 24), 31, "scale");
	expect_error(d, TENSOR(1, 28), 1, "reserved");
	/* Shapes that do not fit together */
	expect_error(d, TENSOR(1, 4), 7, "window walk");	/* conv out h */
	expect_error(d, TENSOR(2, 12), 9, "channels");		/* pool c */
	expect_error(d, TENSOR(2, 16), 0, "share scale");	/* pool zp */
	expect_error(d, TENSOR(3, 4), 33, "blob is");		/* fc1 n */
	expect_error(d, TENSOR(4, 0), 2, "dimension 1 is 0");
	/* Graph */
	expect_error(d, LAYER(1, 16), 0, "model's input");
	expect_error(d, LAYER(2, 8), 3, "before any layer wrote");
	expect_error(d, LAYER(3, 16), 3, "an earlier layer wrote");
	expect_error(d, LAYER(2, 8), 5, "out of range");
	/* Layer fields */
	expect_error(d, LAYER(0, 0), AIACCEL_OP_DMA_COPY, "not a layer type");
	expect_error(d, LAYER(0, 0), 0x17, "not a layer type");
	expect_error(d, LAYER(0, 4), 7, "flags");
	expect_error(d, LAYER(1, 4), 1, "flags is 1, must be 0");
	expect_error(d, LAYER(0, 12), 1, "input2");
	expect_error(d, LAYER(0, 48), 5, "window walk");	/* conv k_h */
	expect_error(d, LAYER(0, 56), 0, ">= 1");		/* conv stride */
	expect_error(d, LAYER(0, 72), 3, "padding");		/* conv pad_top */
	expect_error(d, LAYER(1, 64), 1, "dilation_h");		/* pool */
	expect_error(d, LAYER(2, 48), 1, "k_h");		/* gemm */
	expect_error(d, LAYER(0, 88), 200, "weight zero point");
	expect_error(d, LAYER(0, 92), 0xffffff00, "activation range");
	expect_error(d, LAYER(0, 96), 0xffffff00, "activation range");
	expect_error(d, LAYER(0, 104), 0x40000000, "requant[0]");
	expect_error(d, LAYER(1, 112), 1, "requant[1]");
	expect_error(d, LAYER(2, 100), 1, "left_shift");
	/* Blobs */
	expect_error(d, LAYER(0, 28), 71, "blob is 71 bytes");
	expect_error(d, LAYER(0, 36), 0, "blob is 0 bytes");
	expect_error(d, LAYER(0, 32), 2, "aligned");
	expect_error(d, LAYER(3, 24), 0xfffffff0, "past the");
	expect_error(d, LAYER(3, 24), 0, "overlaps");
	/* A per-channel scale: the first of layer 0's quant blob. */
	expect_error(d, get32(d->model + H_DATA_OFF) + get32(d->model + LAYER(0, 40)),
		     0x3fffffff, "per-channel scale 0");
}

static void test_file_errors(void **state)
{
	char path[] = "/tmp/aidrv-model-test-XXXXXX";
	struct aidrv_dataset *set;
	struct aidrv_model *m;
	char err[256];
	int fd;

	(void)state;
	assert_int_equal(aidrv_model_load_file("/nonexistent/x.aimodel", &m, err,
					       sizeof(err)), -ENOENT);
	assert_null(m);
	assert_non_null(strstr(err, "/nonexistent/x.aimodel"));
	assert_int_equal(aidrv_model_load_file("/tmp", &m, err, sizeof(err)), -EISDIR);
	assert_int_equal(aidrv_dataset_load_file("/nonexistent", &set, err, sizeof(err)),
			 -ENOENT);
	assert_null(set);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(aidrv_model_load_file(path, &m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	unlink(path);
	/* Bad arguments; a NULL or tiny error buffer is fine. */
	assert_int_equal(aidrv_model_load_mem(NULL, 10, &m, NULL, 0), -EINVAL);
	assert_int_equal(aidrv_model_load_mem("", 0, NULL, err, 1), -EINVAL);
	assert_int_equal(err[0], '\0');
	assert_int_equal(aidrv_model_load_file(NULL, &m, err, 3), -EINVAL);
	assert_true(strlen(err) == 2);
	aidrv_model_free(NULL);
	aidrv_dataset_free(NULL);
	assert_int_equal(aidrv_model_num_layers(NULL), 0);
	assert_int_equal(aidrv_model_run_cpu(NULL, NULL, 1, NULL), -EINVAL);
}

static void test_dataset(void **state)
{
	struct demo *d = *state;
	struct aidrv_dataset *set;
	uint8_t *file, *buf;
	size_t len, i;
	char err[256];
	int bit;

	file = read_all(TESTSET_PATH, &len);
	assert_int_equal(d->set->count, (len - 32) / 65);
	assert_int_equal(d->set->image_size, 64);
	assert_int_equal(d->set->num_classes, 10);
	buf = malloc(len);
	assert_non_null(buf);
	for (i = 0; i < len; i++) {
		assert_int_equal(aidrv_dataset_load_mem(file, i, &set, err, sizeof(err)),
				 -EINVAL);
		assert_null(set);
	}
	/* Every bit flip of the header and of a few images and labels. */
	memcpy(buf, file, len);
	for (i = 0; i < len; i += i < 200 ? 1 : 97) {
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			assert_int_equal(aidrv_dataset_load_mem(buf, len, &set, err,
								sizeof(err)), -EINVAL);
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
	/* A label out of range, with a valid checksum. */
	buf[len - 1] = 10;
	put32(buf + 28, crc32_bytes(buf, len, 28));
	assert_int_equal(aidrv_dataset_load_mem(buf, len, &set, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "label"));
	/* Huge counts. */
	memcpy(buf, file, len);
	put32(buf + 16, 0xffffffff);
	put32(buf + 20, 0xffffffff);
	put32(buf + 28, crc32_bytes(buf, len, 28));
	assert_int_equal(aidrv_dataset_load_mem(buf, len, &set, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	free(buf);
	free(file);
}

/* -------------------------------------------------------------------------
 * A synthetic model with every layer type
 *
 *   t0 [7][5][2]  --CONV2D 3x2, stride 2x1, pad t1 b1 l1 r0, per-tensor, bias-->
 *   t1 [4][5][4]  --DWCONV2D 3x3, dilation 1x2, pad t1 b1 l2 r2, per-channel-->
 *   t2 [4][5][4]  --ADD t1 + t2-->
 *   t3 [4][5][4]  --ACTIVATION LUT-->
 *   t4 [4][5][4]  --AVGPOOL 2x3, stride 2x2, pad t0 b0 l1 r1-->
 *   t5 [2][3][4]  --MAXPOOL 2x2, stride 1x1, pad t1 b0 l0 r1-->
 *   t6 [2][3][4]  --ACTIVATION CLAMP [-20, 90]-->
 *   t7 [2][3][4]  --GEMM 24 -> 5, per-tensor, no bias-->
 *   t8 [5]
 */

struct synth_tensor {
	uint32_t rank, dims[3];
	int32_t zp;
};

static const struct synth_tensor syn_t[9] = {
	{ 3, { 7, 5, 2 }, -3 }, { 3, { 4, 5, 4 }, 5 }, { 3, { 4, 5, 4 }, -7 },
	{ 3, { 4, 5, 4 }, 2 }, { 3, { 4, 5, 4 }, 0 }, { 3, { 2, 3, 4 }, 0 },
	{ 3, { 2, 3, 4 }, 0 }, { 3, { 2, 3, 4 }, 0 }, { 1, { 5, 0, 0 }, 11 },
};

#define SYN_LAYERS	8
#define SYN_TENSORS	9
#define SYN_WEIGHTS0	(4 * 3 * 2 * 2)
#define SYN_WEIGHTS1	(3 * 3 * 4)
#define SYN_WEIGHTS7	(5 * 24)

struct synth {
	uint8_t file[HDR_SIZE + SYN_TENSORS * TENSOR_SIZE + SYN_LAYERS * LAYER_SIZE + 1024];
	size_t len;
	/* Constants, as the test's independent chain uses them. */
	int8_t w0[SYN_WEIGHTS0], w1[SYN_WEIGHTS1], w7[SYN_WEIGHTS7], lut[256];
	int32_t b0[4], b1[4];
	struct aiaccel_requant q1[4];
};

static void put_layer(uint8_t *rec, const uint32_t *fields, size_t n)
{
	size_t i;

	memset(rec, 0, LAYER_SIZE);
	for (i = 0; i < n; i += 2)
		put32(rec + fields[i], fields[i + 1]);
	/* The opcode is a u16; the u16 after it must stay 0. */
}

static void build_synth(struct synth *s)
{
	uint8_t *p = s->file, *data;
	uint32_t doff = 0, off_w0, off_b0, off_w1, off_b1, off_q1, off_lut, off_w7;
	uint64_t seed = 42;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < SYN_WEIGHTS0; i++)
		s->w0[i] = (int8_t)(rnd(&seed) % 255 - 127);
	for (i = 0; i < SYN_WEIGHTS1; i++)
		s->w1[i] = (int8_t)(rnd(&seed) % 255 - 127);
	for (i = 0; i < SYN_WEIGHTS7; i++)
		s->w7[i] = (int8_t)(rnd(&seed) % 255 - 127);
	for (i = 0; i < 256; i++)
		s->lut[i] = (int8_t)((int)i * 3 / 4 - 100);
	for (i = 0; i < 4; i++) {
		s->b0[i] = (int32_t)(rnd(&seed) % 4001) - 2000;
		s->b1[i] = (int32_t)(rnd(&seed) % 4001) - 2000;
		s->q1[i].multiplier = (int32_t)((1u << 30) + rnd(&seed) % (1u << 30));
		s->q1[i].shift = -7 - (int32_t)i;
	}

	data = p + HDR_SIZE + SYN_TENSORS * TENSOR_SIZE + SYN_LAYERS * LAYER_SIZE;
#define ADD_BLOB(src, size, off)			\
	do {						\
		doff = (doff + 7) & ~7u;		\
		(off) = doff;				\
		memcpy(data + doff, (src), (size));	\
		doff += (size);				\
	} while (0)
	ADD_BLOB(s->w0, SYN_WEIGHTS0, off_w0);
	ADD_BLOB(s->b0, sizeof(s->b0), off_b0);
	ADD_BLOB(s->w1, SYN_WEIGHTS1, off_w1);
	ADD_BLOB(s->b1, sizeof(s->b1), off_b1);
	ADD_BLOB(s->q1, sizeof(s->q1), off_q1);
	ADD_BLOB(s->lut, 256, off_lut);
	ADD_BLOB(s->w7, SYN_WEIGHTS7, off_w7);
#undef ADD_BLOB
	doff = (doff + 7) & ~7u;

	for (i = 0; i < SYN_TENSORS; i++) {
		uint8_t *t = p + HDR_SIZE + i * TENSOR_SIZE;

		put32(t, syn_t[i].rank);
		put32(t + 4, syn_t[i].dims[0]);
		put32(t + 8, syn_t[i].dims[1]);
		put32(t + 12, syn_t[i].dims[2]);
		put32(t + 16, (uint32_t)syn_t[i].zp);
		put32(t + 20, 0x40000000u + i);	/* scale: informative */
		put32(t + 24, (uint32_t)-8);
	}
	/* t4 .. t7 share the quantisation (pooling and clamp need that). */
	for (i = 5; i <= 7; i++)
		put32(p + HDR_SIZE + i * TENSOR_SIZE + 20, 0x40000004u);

	{
		uint8_t *l = p + HDR_SIZE + SYN_TENSORS * TENSOR_SIZE;
		const uint32_t conv[] = {
			0, AIACCEL_OP_CONV2D, 4, AIACCEL_OP_F_BIAS, 8, 0, 16, 1,
			24, off_w0, 28, SYN_WEIGHTS0, 32, off_b0, 36, 16,
			48, 3, 52, 2, 56, 2, 60, 1, 64, 1, 68, 1,
			72, 1, 76, 1, 80, 1, 84, 0, 88, (uint32_t)-2,
			92, (uint32_t)-100, 96, 100, 104, 0x51234567, 108, (uint32_t)-9,
		};
		const uint32_t dw[] = {
			0, AIACCEL_OP_DWCONV2D, 4, AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL,
			8, 1, 16, 2, 24, off_w1, 28, SYN_WEIGHTS1, 32, off_b1, 36, 16,
			40, off_q1, 44, 32, 48, 3, 52, 3, 56, 1, 60, 1, 64, 1, 68, 2,
			72, 1, 76, 2, 80, 1, 84, 2, 88, 3, 92, (uint32_t)-128, 96, 127,
		};
		const uint32_t add[] = {
			0, AIACCEL_OP_ADD, 8, 1, 12, 2, 16, 3, 92, (uint32_t)-128, 96, 127,
			100, 20, 104, 0x60000000, 108, (uint32_t)-1,
			112, 0x48000000, 116, (uint32_t)-1, 120, 0x7fff0000, 124, (uint32_t)-19,
		};
		const uint32_t lut[] = {
			0, AIACCEL_OP_ACTIVATION, 8, 3, 16, 4, 20, AIACCEL_ACT_LUT,
			24, off_lut, 28, 256, 92, (uint32_t)-128, 96, 127,
		};
		const uint32_t avg[] = {
			0, AIACCEL_OP_AVGPOOL, 8, 4, 16, 5, 48, 2, 52, 3, 56, 2, 60, 2,
			72, 0, 76, 1, 80, 0, 84, 1, 92, (uint32_t)-128, 96, 127,
		};
		const uint32_t max[] = {
			0, AIACCEL_OP_MAXPOOL, 8, 5, 16, 6, 48, 2, 52, 2, 56, 1, 60, 1,
			72, 1, 76, 0, 80, 0, 84, 1, 92, (uint32_t)-128, 96, 127,
		};
		const uint32_t clamp[] = {
			0, AIACCEL_OP_ACTIVATION, 8, 6, 16, 7, 20, AIACCEL_ACT_CLAMP,
			92, (uint32_t)-20, 96, 90,
		};
		const uint32_t gemm[] = {
			0, AIACCEL_OP_GEMM, 8, 7, 16, 8, 24, off_w7, 28, SYN_WEIGHTS7,
			88, 1, 92, (uint32_t)-128, 96, 127, 104, 0x45678901, 108, (uint32_t)-8,
		};

		put_layer(l + 0 * LAYER_SIZE, conv, sizeof(conv) / 4);
		put_layer(l + 1 * LAYER_SIZE, dw, sizeof(dw) / 4);
		put_layer(l + 2 * LAYER_SIZE, add, sizeof(add) / 4);
		put_layer(l + 3 * LAYER_SIZE, lut, sizeof(lut) / 4);
		put_layer(l + 4 * LAYER_SIZE, avg, sizeof(avg) / 4);
		put_layer(l + 5 * LAYER_SIZE, max, sizeof(max) / 4);
		put_layer(l + 6 * LAYER_SIZE, clamp, sizeof(clamp) / 4);
		put_layer(l + 7 * LAYER_SIZE, gemm, sizeof(gemm) / 4);
	}

	s->len = (size_t)(data - p) + doff;
	memcpy(p, "AIACCMDL", 8);
	put32(p + 8, 1);
	put32(p + 12, HDR_SIZE);
	put64(p + H_FILE_SIZE, s->len);
	put32(p + H_TENSORS, SYN_TENSORS);
	put32(p + H_LAYERS, SYN_LAYERS);
	put32(p + H_INPUT, 0);
	put32(p + H_OUTPUT, 8);
	put32(p + H_TENSORS_OFF, HDR_SIZE);
	put32(p + H_LAYERS_OFF, HDR_SIZE + SYN_TENSORS * TENSOR_SIZE);
	put32(p + H_DATA_OFF, (uint32_t)(data - p));
	put32(p + H_DATA_SIZE, doff);
	fix_crc(p, s->len);
}

/*
 * The synthetic model, computed by a hand-written chain of reference ops
 * with the op parameters model-format.rst defines for each layer.
 */
static void synth_expected(const struct synth *s, const int8_t *in, uint32_t n,
			   int8_t *out)
{
	size_t img = 4 * 5 * 4, small = 2 * 3 * 4;
	int8_t *t1 = malloc(n * img), *t2 = malloc(n * img), *t3 = malloc(n * img);
	int8_t *t4 = malloc(n * img), *t5 = malloc(n * small);
	int8_t *t6 = malloc(n * small), *t7 = malloc(n * small);
	struct aiaccel_op_conv2d conv = {
		.hdr = { AIACCEL_OP_CONV2D, sizeof(conv), AIACCEL_OP_F_BIAS },
		.batch = n, .in_h = 7, .in_w = 5, .in_c = 2,
		.out_h = 4, .out_w = 5, .out_c = 4, .k_h = 3, .k_w = 2,
		.stride_h = 2, .stride_w = 1, .dilation_h = 1, .dilation_w = 1,
		.pad_top = 1, .pad_left = 1,
		.input_zp = -3, .filter_zp = -2, .output_zp = 5,
		.requant = { 0x51234567, -9 }, .act_min = -100, .act_max = 100,
	};
	struct aiaccel_op_conv2d dw = {
		.hdr = { AIACCEL_OP_DWCONV2D, sizeof(dw),
			 AIACCEL_OP_F_BIAS | AIACCEL_OP_F_PER_CHANNEL },
		.batch = n, .in_h = 4, .in_w = 5, .in_c = 4,
		.out_h = 4, .out_w = 5, .out_c = 4, .k_h = 3, .k_w = 3,
		.stride_h = 1, .stride_w = 1, .dilation_h = 1, .dilation_w = 2,
		.pad_top = 1, .pad_left = 2,
		.input_zp = 5, .filter_zp = 3, .output_zp = -7,
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_add add = {
		.hdr = { AIACCEL_OP_ADD, sizeof(add), 0 },
		.count = n * (uint32_t)img, .input1_zp = 5, .input2_zp = -7,
		.output_zp = 2, .left_shift = 20,
		.input1_scale = { 0x60000000, -1 }, .input2_scale = { 0x48000000, -1 },
		.output_scale = { 0x7fff0000, -19 }, .act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_activation lut = {
		.hdr = { AIACCEL_OP_ACTIVATION, sizeof(lut), 0 },
		.count = n * (uint32_t)img, .mode = AIACCEL_ACT_LUT,
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_pool avg = {
		.hdr = { AIACCEL_OP_AVGPOOL, sizeof(avg), 0 },
		.batch = n, .in_h = 4, .in_w = 5, .channels = 4, .out_h = 2, .out_w = 3,
		.k_h = 2, .k_w = 3, .stride_h = 2, .stride_w = 2, .pad_left = 1,
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_pool max = {
		.hdr = { AIACCEL_OP_MAXPOOL, sizeof(max), 0 },
		.batch = n, .in_h = 2, .in_w = 3, .channels = 4, .out_h = 2, .out_w = 3,
		.k_h = 2, .k_w = 2, .stride_h = 1, .stride_w = 1, .pad_top = 1,
		.act_min = -128, .act_max = 127,
	};
	struct aiaccel_op_activation clamp = {
		.hdr = { AIACCEL_OP_ACTIVATION, sizeof(clamp), 0 },
		.count = n * (uint32_t)small, .mode = AIACCEL_ACT_CLAMP,
		.act_min = -20, .act_max = 90,
	};
	struct aiaccel_op_gemm gemm = {
		.hdr = { AIACCEL_OP_GEMM, sizeof(gemm), 0 },
		.m = n, .n = 5, .k = 24, .input_zp = 0, .weight_zp = 1, .output_zp = 11,
		.requant = { 0x45678901, -8 }, .act_min = -128, .act_max = 127,
	};

	assert_true(t1 && t2 && t3 && t4 && t5 && t6 && t7);
	assert_int_equal(aiaccel_ref_conv2d(&conv, in, s->w0, s->b0, NULL, t1), 0);
	assert_int_equal(aiaccel_ref_dwconv2d(&dw, t1, s->w1, s->b1, s->q1, t2), 0);
	assert_int_equal(aiaccel_ref_add(&add, t1, t2, t3), 0);
	assert_int_equal(aiaccel_ref_activation(&lut, t3, s->lut, t4), 0);
	assert_int_equal(aiaccel_ref_avgpool(&avg, t4, t5), 0);
	assert_int_equal(aiaccel_ref_maxpool(&max, t5, t6), 0);
	assert_int_equal(aiaccel_ref_activation(&clamp, t6, NULL, t7), 0);
	assert_int_equal(aiaccel_ref_gemm(&gemm, t7, s->w7, NULL, NULL, out), 0);
	free(t1);
	free(t2);
	free(t3);
	free(t4);
	free(t5);
	free(t6);
	free(t7);
}

static void test_synthetic_all_ops(void **state)
{
	struct synth *s = malloc(sizeof(*s));
	int8_t in[6 * 70], got[6 * 5], want[6 * 5];
	struct aidrv_model_layer l;
	struct aidrv_model *m;
	uint64_t seed = 7;
	unsigned int i, distinct = 0;
	char err[256];

	(void)state;
	assert_non_null(s);
	build_synth(s);
	if (aidrv_model_load_mem(s->file, s->len, &m, err, sizeof(err)))
		fail_msg("synthetic model: %s", err);
	assert_int_equal(aidrv_model_num_layers(m), SYN_LAYERS);
	assert_int_equal(aidrv_model_layer(m, 2, &l, sizeof(l)), 0);
	assert_int_equal(l.opcode, AIACCEL_OP_ADD);
	assert_int_equal(l.input2, 2);
	assert_int_equal(aidrv_model_layer(m, 0, &l, sizeof(l)), 0);
	assert_int_equal(l.macs, 4 * 5 * 4 * 3 * 2 * 2);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (int8_t)rnd(&seed);
	assert_int_equal(aidrv_model_run_cpu(m, in, 6, got), 0);
	synth_expected(s, in, 6, want);
	assert_memory_equal(got, want, sizeof(got));
	/* Not a degenerate network: the outputs vary. */
	for (i = 1; i < sizeof(got); i++)
		distinct += got[i] != got[0];
	assert_true(distinct > 10);

	/* Every truncation and field mutation of this one too. */
	for (i = 0; i < s->len; i++)
		assert_int_equal(load_and_run(s->file, i, NULL), -EINVAL);
	{
		size_t tables_end = HDR_SIZE + SYN_TENSORS * TENSOR_SIZE +
				    SYN_LAYERS * LAYER_SIZE, off, k;
		uint8_t *buf = malloc(s->len);

		assert_non_null(buf);
		memcpy(buf, s->file, s->len);
		for (off = HDR_SIZE; off < tables_end; off += 4) {
			for (k = 0; k < sizeof(hostile) / 4; k++) {
				put32(buf + off, hostile[k]);
				fix_crc(buf, s->len);
				load_and_run(buf, s->len, NULL);
			}
			memcpy(buf + off, s->file + off, 4);
		}
		free(buf);
	}
	aidrv_model_free(m);
	free(s);
}

int main(void)
{
	const struct CMUnitTest demo_tests[] = {
		cmocka_unit_test(test_demo_describe),
		cmocka_unit_test(test_demo_accuracy),
		cmocka_unit_test(test_demo_stream),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bitflip_raw),
		cmocka_unit_test(test_bitflip_fixed),
		cmocka_unit_test(test_fuzz_fields),
		cmocka_unit_test(test_fuzz_random),
		cmocka_unit_test(test_specific_errors),
		cmocka_unit_test(test_dataset),
	};
	const struct CMUnitTest other_tests[] = {
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_synthetic_all_ops),
	};
	int total = (int)(sizeof(demo_tests) / sizeof(demo_tests[0]) +
			  sizeof(other_tests) / sizeof(other_tests[0]));
	int failed;

	failed = cmocka_run_group_tests_name("model (demo)", demo_tests,
					     demo_setup, demo_teardown);
	failed += cmocka_run_group_tests_name("model (other)", other_tests, NULL, NULL);
	printf("%d passed, %d failed\n", total - failed, failed);
	return failed ? 1 : 0;
}
