// SPDX-License-Identifier: MIT
/*
 * libaidrv: quantised models (Documentation/accel/aiaccel/model-format.rst).
 *
 * The loader treats a model file as hostile: every count, offset and size
 * is checked against the bytes actually present, in 64-bit arithmetic,
 * before anything is read through it, and every layer is checked against
 * its tensors and against the ISA's own validation (aiaccel_ref_validate())
 * before the model is handed out.  A loaded model can therefore always be
 * turned into valid ops, and the executors need no further checks beyond
 * the batch size.
 *
 * aidrv_model_layer_op() is the only place that knows how a layer becomes
 * an ISA op; the CPU executor runs its ops through the reference
 * implementation (libaidrv/ref), a device executor writes the same ops
 * into a command stream (aidrv_model_stream()).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aidrv.h"
#include "internal.h"
#include "../ref/aiaccel_ref.h"

/*
 * The data blob is used in place, as the ISA's little-endian int32 biases
 * and scales; so is every op struct.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libaidrv's model executor assumes a little-endian host"
#endif

/* File layout, version 1. */
#define HDR_SIZE	64
#define TENSOR_SIZE	32
#define LAYER_SIZE	128
#define DS_HDR_SIZE	32
#define CRC_OFFSET	24	/* of the model header's crc32 */
#define DS_CRC_OFFSET	28	/* of the data set header's crc32 */

#define MAX_TENSOR_BYTES	AIACCEL_REF_MAX_TENSOR_BYTES	/* 2^28 */

struct model_tensor {
	uint32_t rank;
	uint32_t dims[AIDRV_MODEL_MAX_RANK];
	uint32_t size;		/* per image */
	int32_t zp;
	struct aiaccel_requant scale;
};

/* A layer record, decoded; field names as in model-format.rst. */
struct model_layer {
	uint16_t op;
	uint32_t flags;
	uint32_t input, input2, output;
	uint32_t mode;
	uint32_t weights_off, weights_size;
	uint32_t bias_off, bias_size;
	uint32_t quant_off, quant_size;
	uint32_t k_h, k_w;
	uint32_t stride_h, stride_w;
	uint32_t dilation_h, dilation_w;
	uint32_t pad_top, pad_left, pad_bottom, pad_right;
	int32_t weight_zp;
	int32_t act_min, act_max;
	int32_t left_shift;
	struct aiaccel_requant requant[3];
	uint64_t macs;		/* per image */
};

struct aidrv_model {
	uint32_t num_tensors;
	uint32_t num_layers;
	uint32_t input;
	uint32_t output;
	uint32_t max_batch;
	struct model_tensor *tensors;
	struct model_layer *layers;
	uint8_t *data;
	size_t data_size;
};

/* -------------------------------------------------------------------------
 * Little helpers
 */

/* Where a loader reports what is wrong. */
struct perr {
	char *buf;
	size_t size;
};

static int __attribute__((format(printf, 3, 4)))
report(struct perr *e, int ret, const char *fmt, ...)
{
	va_list ap;

	if (e->buf && e->size) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->size, fmt, ap);
		va_end(ap);
	}
	return ret;
}

#define bad(e, ...)	report((e), -EINVAL, __VA_ARGS__)

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int32_t get_s32(const uint8_t *p)
{
	uint32_t v = get_u32(p);

	/* Two's complement without implementation-defined conversions. */
	return v <= INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) + INT32_MIN;
}

static uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* CRC-32 (IEEE 802.3, as zlib's crc32()) with a table built per call. */
struct crc32_table {
	uint32_t t[256];
};

static void crc32_init(struct crc32_table *tab)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		tab->t[i] = c;
	}
}

static uint32_t crc32_update(const struct crc32_table *tab, uint32_t crc,
			     const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = tab->t[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The CRC of @buf with its 4-byte checksum field at @at taken as zero. */
static uint32_t crc32_without(const uint8_t *buf, size_t size, size_t at)
{
	static const uint8_t zero[4];
	struct crc32_table tab;
	uint32_t crc;

	crc32_init(&tab);
	crc = crc32_update(&tab, 0, buf, at);
	crc = crc32_update(&tab, crc, zero, 4);
	return crc32_update(&tab, crc, buf + at + 4, size - at - 4);
}

static bool zp_ok(int32_t zp)
{
	return zp >= -128 && zp <= 127;
}

static bool act_ok(int32_t lo, int32_t hi)
{
	return lo >= -128 && hi <= 127 && lo <= hi;
}

static bool requant_ok(const struct aiaccel_requant *q)
{
	return (q->multiplier == 0 || q->multiplier >= (1 << 30)) &&
	       q->shift >= -31 && q->shift <= 30;
}

static bool requant_zero(const struct aiaccel_requant *q)
{
	return q->multiplier == 0 && q->shift == 0;
}

/* a * b * c, or UINT64_MAX if more than 2^28 (no overflow: see ref_size_ok) */
static uint64_t bytes3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t p = a;

	if (p > MAX_TENSOR_BYTES)
		return UINT64_MAX;
	p *= b;
	if (p > MAX_TENSOR_BYTES)
		return UINT64_MAX;
	p *= c;
	return p > MAX_TENSOR_BYTES ? UINT64_MAX : p;
}

/*
 * Read a whole file, at most @max bytes, into a malloc()ed buffer.
 * Returns 0, a negative errno of the system calls, or -EINVAL if the file
 * is larger than @max.
 */
static int read_file(const char *path, size_t max, uint8_t **out, size_t *len,
		     struct perr *e)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = NULL, *nbuf;
	struct stat st;
	ssize_t r;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return report(e, ret, "%s: %s", path, strerror(-ret));
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto fail;
	}
	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				ret = -ENOMEM;
				goto fail;
			}
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			close(fd);
			free(buf);
			return bad(e, "%s: larger than %zu bytes", path, max);
		}
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;

fail:
	close(fd);
	free(buf);
	return report(e, ret, "%s: %s", path, strerror(-ret));
}

/* -------------------------------------------------------------------------
 * Header and tensors
 */

const char *aidrv_model_op_name(uint16_t opcode)
{
	switch (opcode) {
	case AIACCEL_OP_NOP:		return "NOP";
	case AIACCEL_OP_DMA_COPY:	return "DMA_COPY";
	case AIACCEL_OP_GEMM:		return "GEMM";
	case AIACCEL_OP_CONV2D:		return "CONV2D";
	case AIACCEL_OP_DWCONV2D:	return "DWCONV2D";
	case AIACCEL_OP_MAXPOOL:	return "MAXPOOL";
	case AIACCEL_OP_AVGPOOL:	return "AVGPOOL";
	case AIACCEL_OP_ADD:		return "ADD";
	case AIACCEL_OP_ACTIVATION:	return "ACTIVATION";
	default:			return "?";
	}
}

struct section {
	const char *name;
	uint64_t off, size;
};

/* The sections must lie in the file, aligned, and not overlap. */
static int check_sections(struct section *s, unsigned int n, uint64_t file_size,
			  struct perr *e)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (s[i].off % 8)
			return bad(e, "%s at offset %llu is not 8-byte aligned",
				   s[i].name, (unsigned long long)s[i].off);
		if (s[i].off > file_size || s[i].size > file_size - s[i].off)
			return bad(e, "%s (offset %llu, %llu bytes) extends past the end of the %llu-byte file",
				   s[i].name, (unsigned long long)s[i].off,
				   (unsigned long long)s[i].size,
				   (unsigned long long)file_size);
	}
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (!s[i].size || !s[j].size)
				continue;
			if (s[i].off < s[j].off + s[j].size &&
			    s[j].off < s[i].off + s[i].size)
				return bad(e, "%s and %s overlap", s[i].name, s[j].name);
		}
	}
	return 0;
}

static int parse_tensor(const uint8_t *p, unsigned int i, struct model_tensor *t,
			struct perr *e)
{
	uint64_t size = 1;
	unsigned int d;

	t->rank = get_u32(p);
	if (t->rank < 1 || t->rank > AIDRV_MODEL_MAX_RANK)
		return bad(e, "tensor %u: rank %u is not in [1, %u]", i, t->rank,
			   AIDRV_MODEL_MAX_RANK);
	for (d = 0; d < AIDRV_MODEL_MAX_RANK; d++) {
		t->dims[d] = get_u32(p + 4 + 4 * d);
		if (d >= t->rank) {
			if (t->dims[d])
				return bad(e, "tensor %u: dimension %u is %u beyond rank %u, must be 0",
					   i, d, t->dims[d], t->rank);
			continue;
		}
		if (!t->dims[d])
			return bad(e, "tensor %u: dimension %u is 0", i, d);
		size = bytes3(size, t->dims[d], 1);
		if (size == UINT64_MAX)
			return bad(e, "tensor %u: larger than 2^28 bytes per image", i);
	}
	t->size = (uint32_t)size;
	t->zp = get_s32(p + 16);
	if (!zp_ok(t->zp))
		return bad(e, "tensor %u: zero point %d is not in [-128, 127]", i, t->zp);
	t->scale.multiplier = get_s32(p + 20);
	t->scale.shift = get_s32(p + 24);
	if (t->scale.multiplier < (1 << 30) || !requant_ok(&t->scale))
		return bad(e, "tensor %u: scale (%d, %d) is not a positive multiplier in [2^30, 2^31) with a shift in [-31, 30]",
			   i, t->scale.multiplier, t->scale.shift);
	if (get_u32(p + 28))
		return bad(e, "tensor %u: reserved field is not 0", i);
	return 0;
}

/* -------------------------------------------------------------------------
 * Layers
 */

static void decode_layer(const uint8_t *p, struct model_layer *l)
{
	unsigned int i;

	l->op = get_u16(p);
	l->flags = get_u32(p + 4);
	l->input = get_u32(p + 8);
	l->input2 = get_u32(p + 12);
	l->output = get_u32(p + 16);
	l->mode = get_u32(p + 20);
	l->weights_off = get_u32(p + 24);
	l->weights_size = get_u32(p + 28);
	l->bias_off = get_u32(p + 32);
	l->bias_size = get_u32(p + 36);
	l->quant_off = get_u32(p + 40);
	l->quant_size = get_u32(p + 44);
	l->k_h = get_u32(p + 48);
	l->k_w = get_u32(p + 52);
	l->stride_h = get_u32(p + 56);
	l->stride_w = get_u32(p + 60);
	l->dilation_h = get_u32(p + 64);
	l->dilation_w = get_u32(p + 68);
	l->pad_top = get_u32(p + 72);
	l->pad_left = get_u32(p + 76);
	l->pad_bottom = get_u32(p + 80);
	l->pad_right = get_u32(p + 84);
	l->weight_zp = get_s32(p + 88);
	l->act_min = get_s32(p + 92);
	l->act_max = get_s32(p + 96);
	l->left_shift = get_s32(p + 100);
	for (i = 0; i < 3; i++) {
		l->requant[i].multiplier = get_s32(p + 104 + 8 * i);
		l->requant[i].shift = get_s32(p + 108 + 8 * i);
	}
}

/* Which optional fields a layer type uses (all others must be 0). */
enum {
	U_INPUT2	= 1 << 0,
	U_MODE		= 1 << 1,
	U_WEIGHTS	= 1 << 2,
	U_BIAS		= 1 << 3,	/* with AIACCEL_OP_F_BIAS */
	U_QUANT		= 1 << 4,	/* with AIACCEL_OP_F_PER_CHANNEL */
	U_WINDOW	= 1 << 5,	/* k, stride, pad */
	U_DILATION	= 1 << 6,
	U_WEIGHT_ZP	= 1 << 7,
	U_LEFT_SHIFT	= 1 << 8,
	U_REQUANT0	= 1 << 9,	/* without AIACCEL_OP_F_PER_CHANNEL */
	U_REQUANT12	= 1 << 10,
	U_FLAGS		= 1 << 11,
};

static unsigned int layer_uses(const struct model_layer *l)
{
	unsigned int u = 0;

	switch (l->op) {
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D:
		u |= U_WINDOW | U_DILATION;
		/* fall through */
	case AIACCEL_OP_GEMM:
		u |= U_FLAGS | U_WEIGHTS | U_WEIGHT_ZP;
		if (l->flags & AIACCEL_OP_F_BIAS)
			u |= U_BIAS;
		u |= (l->flags & AIACCEL_OP_F_PER_CHANNEL) ? U_QUANT : U_REQUANT0;
		return u;
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		return U_WINDOW;
	case AIACCEL_OP_ADD:
		return U_INPUT2 | U_LEFT_SHIFT | U_REQUANT0 | U_REQUANT12;
	case AIACCEL_OP_ACTIVATION:
		return U_MODE | (l->mode == AIACCEL_ACT_LUT ? U_WEIGHTS : 0);
	default:
		return 0;
	}
}

/* Fields the layer's type does not use must be zero. */
static int check_unused(const struct model_layer *l, unsigned int i,
			unsigned int u, struct perr *e)
{
	const char *op = aidrv_model_op_name(l->op);

#define UNUSED(cond, field)						\
	do {								\
		if ((cond) && l->field)					\
			return bad(e, "layer %u (%s): " #field " is %lld, must be 0 for this layer", \
				   i, op, (long long)l->field);		\
	} while (0)

	UNUSED(!(u & U_FLAGS), flags);
	UNUSED(!(u & U_INPUT2), input2);
	UNUSED(!(u & U_MODE), mode);
	UNUSED(!(u & U_WEIGHTS), weights_off);
	UNUSED(!(u & U_WEIGHTS), weights_size);
	UNUSED(!(u & U_BIAS), bias_off);
	UNUSED(!(u & U_BIAS), bias_size);
	UNUSED(!(u & U_QUANT), quant_off);
	UNUSED(!(u & U_QUANT), quant_size);
	UNUSED(!(u & U_WINDOW), k_h);
	UNUSED(!(u & U_WINDOW), k_w);
	UNUSED(!(u & U_WINDOW), stride_h);
	UNUSED(!(u & U_WINDOW), stride_w);
	UNUSED(!(u & U_WINDOW), pad_top);
	UNUSED(!(u & U_WINDOW), pad_left);
	UNUSED(!(u & U_WINDOW), pad_bottom);
	UNUSED(!(u & U_WINDOW), pad_right);
	UNUSED(!(u & U_DILATION), dilation_h);
	UNUSED(!(u & U_DILATION), dilation_w);
	UNUSED(!(u & U_WEIGHT_ZP), weight_zp);
	UNUSED(!(u & U_LEFT_SHIFT), left_shift);
#undef UNUSED
	if (!(u & U_REQUANT0) && !requant_zero(&l->requant[0]))
		return bad(e, "layer %u (%s): requant[0] must be 0 for this layer", i, op);
	if (!(u & U_REQUANT12) &&
	    (!requant_zero(&l->requant[1]) || !requant_zero(&l->requant[2])))
		return bad(e, "layer %u (%s): requant[1] and requant[2] must be 0 for this layer",
			   i, op);
	return 0;
}

/* A blob of the data section, for the overlap check. */
struct blob {
	uint32_t off, size;
	unsigned int layer;
	const char *name;
};

static int check_blob(const struct aidrv_model *m, unsigned int i,
		      const char *name, uint32_t off, uint32_t size,
		      uint64_t want, unsigned int align, struct blob *blobs,
		      unsigned int *nblobs, struct perr *e)
{
	const char *op = aidrv_model_op_name(m->layers[i].op);

	if (size != want)
		return bad(e, "layer %u (%s): %s blob is %u bytes, its shapes need %llu",
			   i, op, name, size, (unsigned long long)want);
	if (off % align)
		return bad(e, "layer %u (%s): %s blob offset %u is not %u-byte aligned",
			   i, op, name, off, align);
	if (off > m->data_size || size > m->data_size - off)
		return bad(e, "layer %u (%s): %s blob (offset %u, %u bytes) extends past the %zu-byte data section",
			   i, op, name, off, size, m->data_size);
	blobs[*nblobs] = (struct blob){ off, size, i, name };
	(*nblobs)++;
	return 0;
}

static int blob_cmp(const void *a, const void *b)
{
	const struct blob *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

/*
 * Output size of a window walk: (in + pad_a + pad_b - eff_k) / stride + 1,
 * with eff_k = (k - 1) * dilation + 1; every pad below eff_k, so that no
 * window lies entirely in the padding.  All values are u32, so the u64
 * arithmetic cannot overflow.
 */
static int check_window(unsigned int i, const char *op, const char *axis,
			uint64_t in, uint64_t out, uint64_t k, uint64_t stride,
			uint64_t dilation, uint64_t pad_a, uint64_t pad_b,
			struct perr *e)
{
	uint64_t eff, span;

	if (!k || !stride || !dilation)
		return bad(e, "layer %u (%s): kernel, stride and dilation (%s) must be >= 1",
			   i, op, axis);
	eff = (k - 1) * dilation + 1;
	if (pad_a >= eff || pad_b >= eff)
		return bad(e, "layer %u (%s): padding (%s) %llu/%llu is not below the window's extent %llu",
			   i, op, axis, (unsigned long long)pad_a,
			   (unsigned long long)pad_b, (unsigned long long)eff);
	span = in + pad_a + pad_b;
	if (span < eff)
		return bad(e, "layer %u (%s): window (%s) of %llu is larger than the padded input %llu",
			   i, op, axis, (unsigned long long)eff,
			   (unsigned long long)span);
	if (out != (span - eff) / stride + 1)
		return bad(e, "layer %u (%s): output %s is %llu, the window walk gives %llu",
			   i, op, axis, (unsigned long long)out,
			   (unsigned long long)((span - eff) / stride + 1));
	return 0;
}

static bool same_shape(const struct model_tensor *a, const struct model_tensor *b)
{
	return a->rank == b->rank && !memcmp(a->dims, b->dims, sizeof(a->dims));
}

static bool same_quant(const struct model_tensor *a, const struct model_tensor *b)
{
	return a->zp == b->zp && a->scale.multiplier == b->scale.multiplier &&
	       a->scale.shift == b->scale.shift;
}

/* Check a layer's shapes and parameters; record its blobs and MACs. */
static int check_layer(struct aidrv_model *m, unsigned int i, struct blob *blobs,
		       unsigned int *nblobs, struct perr *e)
{
	struct model_layer *l = &m->layers[i];
	const char *op = aidrv_model_op_name(l->op);
	const struct model_tensor *in, *in2, *out;
	unsigned int u = layer_uses(l);
	uint64_t n = 0, k = 0, wsize = 0, c;
	int ret;

	if (!u)
		return bad(e, "layer %u: opcode 0x%x is not a layer type", i, l->op);
	ret = check_unused(l, i, u, e);
	if (ret)
		return ret;
	if (l->flags & ~(uint32_t)(AIACCEL_OP_F_PER_CHANNEL | AIACCEL_OP_F_BIAS))
		return bad(e, "layer %u (%s): unknown flags 0x%x", i, op, l->flags);
	/* parse_model() has checked the tensor indices. */
	in = &m->tensors[l->input];
	in2 = &m->tensors[l->input2];
	out = &m->tensors[l->output];
	if (!act_ok(l->act_min, l->act_max))
		return bad(e, "layer %u (%s): activation range [%d, %d] is not within [-128, 127]",
			   i, op, l->act_min, l->act_max);
	if (!zp_ok(l->weight_zp))
		return bad(e, "layer %u (%s): weight zero point %d is not in [-128, 127]",
			   i, op, l->weight_zp);

	switch (l->op) {
	case AIACCEL_OP_GEMM:
		if (out->rank != 1)
			return bad(e, "layer %u (%s): output tensor %u must have rank 1",
				   i, op, l->output);
		n = out->dims[0];
		k = in->size;
		wsize = n * k;	/* both <= 2^28 */
		if (wsize > MAX_TENSOR_BYTES)
			return bad(e, "layer %u (%s): weights larger than 2^28 bytes", i, op);
		l->macs = n * k;
		break;
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D:
		if (in->rank != 3 || out->rank != 3)
			return bad(e, "layer %u (%s): input and output must have rank 3 (h, w, c)",
				   i, op);
		n = out->dims[2];
		ret = check_window(i, op, "height", in->dims[0], out->dims[0], l->k_h,
				   l->stride_h, l->dilation_h, l->pad_top, l->pad_bottom, e);
		if (!ret)
			ret = check_window(i, op, "width", in->dims[1], out->dims[1], l->k_w,
					   l->stride_w, l->dilation_w, l->pad_left,
					   l->pad_right, e);
		if (ret)
			return ret;
		if (l->op == AIACCEL_OP_DWCONV2D) {
			if (n % in->dims[2])
				return bad(e, "layer %u (%s): %llu output channels are not a multiple of %u input channels",
					   i, op, (unsigned long long)n, in->dims[2]);
			wsize = bytes3(l->k_h, l->k_w, n);
			c = 1;
		} else {
			wsize = bytes3(n, l->k_h, l->k_w);
			if (wsize != UINT64_MAX)
				wsize = bytes3(wsize, in->dims[2], 1);
			c = in->dims[2];
		}
		if (wsize == UINT64_MAX)
			return bad(e, "layer %u (%s): filter larger than 2^28 bytes", i, op);
		l->macs = (uint64_t)out->size * l->k_h * l->k_w * c;
		break;
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		if (in->rank != 3 || out->rank != 3)
			return bad(e, "layer %u (%s): input and output must have rank 3 (h, w, c)",
				   i, op);
		if (in->dims[2] != out->dims[2])
			return bad(e, "layer %u (%s): %u input channels but %u output channels",
				   i, op, in->dims[2], out->dims[2]);
		ret = check_window(i, op, "height", in->dims[0], out->dims[0], l->k_h,
				   l->stride_h, 1, l->pad_top, l->pad_bottom, e);
		if (!ret)
			ret = check_window(i, op, "width", in->dims[1], out->dims[1], l->k_w,
					   l->stride_w, 1, l->pad_left, l->pad_right, e);
		if (ret)
			return ret;
		if (!same_quant(in, out))
			return bad(e, "layer %u (%s): input and output must share scale and zero point",
				   i, op);
		break;
	case AIACCEL_OP_ADD:
		if (!same_shape(in, in2) || !same_shape(in, out))
			return bad(e, "layer %u (%s): inputs and output must have the same shape",
				   i, op);
		if (l->left_shift < 0 || l->left_shift > 20)
			return bad(e, "layer %u (%s): left shift %d is not in [0, 20]",
				   i, op, l->left_shift);
		break;
	case AIACCEL_OP_ACTIVATION:
		if (!same_shape(in, out))
			return bad(e, "layer %u (%s): input and output must have the same shape",
				   i, op);
		if (l->mode == AIACCEL_ACT_LUT)
			wsize = 256;
		else if (l->mode == AIACCEL_ACT_CLAMP && !same_quant(in, out))
			return bad(e, "layer %u (%s): a clamp's input and output must share scale and zero point",
				   i, op);
		else if (l->mode != AIACCEL_ACT_CLAMP)
			return bad(e, "layer %u (%s): unknown mode %u", i, op, l->mode);
		break;
	}

	if (u & U_REQUANT0 && !requant_ok(&l->requant[0]))
		return bad(e, "layer %u (%s): scale (%d, %d) is not a valid ISA scale",
			   i, op, l->requant[0].multiplier, l->requant[0].shift);
	if (u & U_REQUANT12 &&
	    (!requant_ok(&l->requant[1]) || !requant_ok(&l->requant[2])))
		return bad(e, "layer %u (%s): input2 or output scale is not a valid ISA scale",
			   i, op);
	if (u & U_WEIGHTS) {
		ret = check_blob(m, i, l->op == AIACCEL_OP_ACTIVATION ? "lut" : "weights",
				 l->weights_off, l->weights_size, wsize, 1, blobs, nblobs, e);
		if (ret)
			return ret;
	}
	if (u & U_BIAS) {
		ret = check_blob(m, i, "bias", l->bias_off, l->bias_size, 4 * n, 4,
				 blobs, nblobs, e);
		if (ret)
			return ret;
	}
	if (u & U_QUANT) {
		const struct aiaccel_requant *q;
		uint64_t j;

		ret = check_blob(m, i, "quant", l->quant_off, l->quant_size, 8 * n, 4,
				 blobs, nblobs, e);
		if (ret)
			return ret;
		q = (const void *)(m->data + l->quant_off);
		for (j = 0; j < n; j++)
			if (!requant_ok(&q[j]))
				return bad(e, "layer %u (%s): per-channel scale %llu (%d, %d) is not a valid ISA scale",
					   i, op, (unsigned long long)j,
					   q[j].multiplier, q[j].shift);
	}
	return 0;
}

/* -------------------------------------------------------------------------
 * The mapping from layers to ops
 */

static uint64_t tensor_bytes(const struct aidrv_model *m, uint32_t t)
{
	return m->tensors[t].size;
}

/* Fill @op for layer @l; the caller has checked every argument. */
static void build_op(const struct aidrv_model *m, const struct model_layer *l,
		     uint32_t batch, const struct aidrv_model_addrs *a,
		     union aidrv_model_op *op)
{
	const struct model_tensor *in = &m->tensors[l->input];
	const struct model_tensor *out = &m->tensors[l->output];
	uint64_t weights = l->weights_size ? a->data + l->weights_off : 0;
	uint64_t bias = l->bias_size ? a->data + l->bias_off : 0;
	uint64_t quant = l->quant_size ? a->data + l->quant_off : 0;

	memset(op, 0, sizeof(*op));
	op->hdr.opcode = l->op;
	op->hdr.flags = l->flags;

	switch (l->op) {
	case AIACCEL_OP_GEMM: {
		struct aiaccel_op_gemm *g = &op->gemm;

		g->hdr.size = sizeof(*g);
		g->input = a->tensors[l->input];
		g->weights = weights;
		g->bias = bias;
		g->output = a->tensors[l->output];
		g->quant = quant;
		g->m = batch;
		g->n = out->dims[0];
		g->k = in->size;
		g->input_zp = in->zp;
		g->weight_zp = l->weight_zp;
		g->output_zp = out->zp;
		g->requant = l->requant[0];
		g->act_min = l->act_min;
		g->act_max = l->act_max;
		break;
	}
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D: {
		struct aiaccel_op_conv2d *c = &op->conv;

		c->hdr.size = sizeof(*c);
		c->input = a->tensors[l->input];
		c->filter = weights;
		c->bias = bias;
		c->output = a->tensors[l->output];
		c->quant = quant;
		c->batch = batch;
		c->in_h = in->dims[0];
		c->in_w = in->dims[1];
		c->in_c = in->dims[2];
		c->out_h = out->dims[0];
		c->out_w = out->dims[1];
		c->out_c = out->dims[2];
		c->k_h = l->k_h;
		c->k_w = l->k_w;
		c->stride_h = l->stride_h;
		c->stride_w = l->stride_w;
		c->dilation_h = l->dilation_h;
		c->dilation_w = l->dilation_w;
		c->pad_top = l->pad_top;
		c->pad_left = l->pad_left;
		c->input_zp = in->zp;
		c->filter_zp = l->weight_zp;
		c->output_zp = out->zp;
		c->requant = l->requant[0];
		c->act_min = l->act_min;
		c->act_max = l->act_max;
		break;
	}
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL: {
		struct aiaccel_op_pool *p = &op->pool;

		p->hdr.size = sizeof(*p);
		p->input = a->tensors[l->input];
		p->output = a->tensors[l->output];
		p->batch = batch;
		p->in_h = in->dims[0];
		p->in_w = in->dims[1];
		p->channels = in->dims[2];
		p->out_h = out->dims[0];
		p->out_w = out->dims[1];
		p->k_h = l->k_h;
		p->k_w = l->k_w;
		p->stride_h = l->stride_h;
		p->stride_w = l->stride_w;
		p->pad_top = l->pad_top;
		p->pad_left = l->pad_left;
		p->act_min = l->act_min;
		p->act_max = l->act_max;
		break;
	}
	case AIACCEL_OP_ADD: {
		struct aiaccel_op_add *d = &op->add;

		d->hdr.size = sizeof(*d);
		d->input1 = a->tensors[l->input];
		d->input2 = a->tensors[l->input2];
		d->output = a->tensors[l->output];
		d->count = (uint32_t)((uint64_t)batch * in->size);
		d->input1_zp = in->zp;
		d->input2_zp = m->tensors[l->input2].zp;
		d->output_zp = out->zp;
		d->left_shift = l->left_shift;
		d->input1_scale = l->requant[0];
		d->input2_scale = l->requant[1];
		d->output_scale = l->requant[2];
		d->act_min = l->act_min;
		d->act_max = l->act_max;
		break;
	}
	case AIACCEL_OP_ACTIVATION: {
		struct aiaccel_op_activation *t = &op->act;

		t->hdr.size = sizeof(*t);
		t->input = a->tensors[l->input];
		t->output = a->tensors[l->output];
		t->lut = weights;
		t->count = (uint32_t)((uint64_t)batch * in->size);
		t->mode = l->mode;
		t->act_min = l->act_min;
		t->act_max = l->act_max;
		break;
	}
	}
}

static int check_batch(const struct aidrv_model *m, uint32_t batch)
{
	if (!batch)
		return -EINVAL;
	return batch > m->max_batch ? -E2BIG : 0;
}

int aidrv_model_layer_op(const struct aidrv_model *m, unsigned int index,
			 uint32_t batch, const struct aidrv_model_addrs *addrs,
			 union aidrv_model_op *op, size_t op_size)
{
	struct aidrv_model_addrs a;
	union aidrv_model_op mine;
	int ret;

	if (!m || !addrs || !op || index >= m->num_layers)
		return -EINVAL;
	ret = aidrv_copy_in(&a, sizeof(a), addrs, sizeof(a));
	if (ret)
		return ret;
	if (!a.tensors)
		return -EINVAL;
	ret = check_batch(m, batch);
	if (ret)
		return ret;
	build_op(m, &m->layers[index], batch, &a, &mine);
	if (mine.hdr.size > op_size)
		return -ENOSPC;
	aidrv_copy_out(op, op_size, &mine, sizeof(mine));
	return 0;
}

int aidrv_model_stream(const struct aidrv_model *m, uint32_t batch,
		       const struct aidrv_model_addrs *addrs, void *buf,
		       size_t size)
{
	struct aidrv_model_addrs a;
	union aidrv_model_op op;
	size_t total = 0;
	unsigned int i;
	int ret;

	if (!m || !addrs)
		return -EINVAL;
	ret = aidrv_copy_in(&a, sizeof(a), addrs, sizeof(a));
	if (ret)
		return ret;
	if (!a.tensors)
		return -EINVAL;
	ret = check_batch(m, batch);
	if (ret)
		return ret;
	for (i = 0; i < m->num_layers; i++) {
		build_op(m, &m->layers[i], batch, &a, &op);
		if (buf && total + op.hdr.size <= size)
			memcpy((uint8_t *)buf + total, &op, op.hdr.size);
		total += op.hdr.size;
	}
	/* At most 4096 ops of at most 136 bytes: fits an int. */
	if (buf && total > size)
		return -ENOSPC;
	return (int)total;
}

/* -------------------------------------------------------------------------
 * Loading
 */

static int parse_model(const uint8_t *b, size_t size, struct aidrv_model *m,
		       struct perr *e)
{
	uint32_t tensors_off, layers_off, data_off, data_size, crc;
	struct section sec[4];
	struct blob *blobs = NULL;
	unsigned int i, nblobs = 0;
	uint64_t file_size, max_tensor = 1;
	union aidrv_model_op op;
	struct aidrv_model_addrs addrs;
	uint64_t *zero_addrs = NULL;
	bool *written = NULL;
	int ret;

	if (size > AIDRV_MODEL_MAX_SIZE)
		return bad(e, "model of %zu bytes is larger than the limit of %u",
			   size, AIDRV_MODEL_MAX_SIZE);
	if (size < HDR_SIZE)
		return bad(e, "truncated: %zu bytes, the header alone is %u", size,
			   HDR_SIZE);
	if (memcmp(b, AIDRV_MODEL_MAGIC, 8))
		return bad(e, "not an aiaccel model (bad magic)");
	if (get_u32(b + 8) != AIDRV_MODEL_VERSION)
		return bad(e, "unsupported model format version %u (this library reads %u)",
			   get_u32(b + 8), AIDRV_MODEL_VERSION);
	if (get_u32(b + 12) != HDR_SIZE)
		return bad(e, "header size %u, version %u headers are %u bytes",
			   get_u32(b + 12), AIDRV_MODEL_VERSION, HDR_SIZE);
	file_size = get_u64(b + 16);
	if (file_size != size)
		return bad(e, "%s: the header says %llu bytes, there are %zu",
			   file_size > size ? "truncated" : "trailing data",
			   (unsigned long long)file_size, size);
	crc = crc32_without(b, size, CRC_OFFSET);
	if (get_u32(b + CRC_OFFSET) != crc)
		return bad(e, "checksum mismatch: header 0x%08x, contents 0x%08x",
			   get_u32(b + CRC_OFFSET), crc);

	m->num_tensors = get_u32(b + 28);
	m->num_layers = get_u32(b + 32);
	m->input = get_u32(b + 36);
	m->output = get_u32(b + 40);
	tensors_off = get_u32(b + 44);
	layers_off = get_u32(b + 48);
	data_off = get_u32(b + 52);
	data_size = get_u32(b + 56);
	if (get_u32(b + 60))
		return bad(e, "reserved header field is not 0");
	if (m->num_tensors < 2 || m->num_tensors > AIDRV_MODEL_MAX_TENSORS)
		return bad(e, "tensor count %u is not in [2, %u]", m->num_tensors,
			   AIDRV_MODEL_MAX_TENSORS);
	if (m->num_layers < 1 || m->num_layers > AIDRV_MODEL_MAX_LAYERS)
		return bad(e, "layer count %u is not in [1, %u]", m->num_layers,
			   AIDRV_MODEL_MAX_LAYERS);
	if (m->input >= m->num_tensors || m->output >= m->num_tensors ||
	    m->input == m->output)
		return bad(e, "input tensor %u and output tensor %u must be different tensors below %u",
			   m->input, m->output, m->num_tensors);

	sec[0] = (struct section){ "header", 0, HDR_SIZE };
	sec[1] = (struct section){ "tensor table", tensors_off,
				   (uint64_t)m->num_tensors * TENSOR_SIZE };
	sec[2] = (struct section){ "layer table", layers_off,
				   (uint64_t)m->num_layers * LAYER_SIZE };
	sec[3] = (struct section){ "data section", data_off, data_size };
	ret = check_sections(sec, 4, size, e);
	if (ret)
		return ret;
	/* One canonical layout: no byte of the file is unaccounted for. */
	if (sec[1].off != HDR_SIZE || sec[2].off != sec[1].off + sec[1].size ||
	    sec[3].off != sec[2].off + sec[2].size ||
	    sec[3].off + sec[3].size != size)
		return bad(e, "sections are not header, tensor table, layer table, data section, back to back to the end of the file");

	m->tensors = calloc(m->num_tensors, sizeof(*m->tensors));
	m->layers = calloc(m->num_layers, sizeof(*m->layers));
	/* The data blob is copied to its own (aligned) allocation. */
	m->data_size = data_size;
	m->data = malloc(data_size ? data_size : 1);
	blobs = calloc(3 * (size_t)m->num_layers, sizeof(*blobs));
	written = calloc(m->num_tensors, sizeof(*written));
	zero_addrs = calloc(m->num_tensors, sizeof(*zero_addrs));
	if (!m->tensors || !m->layers || !m->data || !blobs || !written ||
	    !zero_addrs) {
		ret = report(e, -ENOMEM, "out of memory");
		goto out;
	}
	memcpy(m->data, b + data_off, data_size);

	for (i = 0; i < m->num_tensors; i++) {
		ret = parse_tensor(b + tensors_off + (size_t)i * TENSOR_SIZE, i,
				   &m->tensors[i], e);
		if (ret)
			goto out;
		if (m->tensors[i].size > max_tensor)
			max_tensor = m->tensors[i].size;
	}
	m->max_batch = (uint32_t)(MAX_TENSOR_BYTES / max_tensor);

	/* Layers: each reads tensors already computed, writes a new one. */
	written[m->input] = true;
	for (i = 0; i < m->num_layers; i++) {
		struct model_layer *l = &m->layers[i];

		decode_layer(b + layers_off + (size_t)i * LAYER_SIZE, l);
		if (l->input >= m->num_tensors || l->output >= m->num_tensors ||
		    l->input2 >= m->num_tensors) {
			ret = bad(e, "layer %u (%s): tensor index out of range (%u tensors)",
				  i, aidrv_model_op_name(l->op), m->num_tensors);
			goto out;
		}
		if (!written[l->input] ||
		    (l->op == AIACCEL_OP_ADD && !written[l->input2])) {
			ret = bad(e, "layer %u (%s): reads tensor %u before any layer wrote it",
				  i, aidrv_model_op_name(l->op),
				  written[l->input] ? l->input2 : l->input);
			goto out;
		}
		if (written[l->output]) {
			ret = bad(e, "layer %u (%s): writes tensor %u, which %s",
				  i, aidrv_model_op_name(l->op), l->output,
				  l->output == m->input ? "is the model's input" :
				  "an earlier layer wrote");
			goto out;
		}
		ret = check_layer(m, i, blobs, &nblobs, e);
		if (ret)
			goto out;
		written[l->output] = true;
	}
	for (i = 0; i < m->num_tensors; i++) {
		if (!written[i]) {
			ret = bad(e, "tensor %u is never written by a layer", i);
			goto out;
		}
	}

	/* Blobs must not overlap one another. */
	qsort(blobs, nblobs, sizeof(*blobs), blob_cmp);
	for (i = 1; i < nblobs; i++) {
		if ((uint64_t)blobs[i - 1].off + blobs[i - 1].size > blobs[i].off) {
			ret = bad(e, "the %s blob of layer %u overlaps the %s blob of layer %u",
				  blobs[i - 1].name, blobs[i - 1].layer,
				  blobs[i].name, blobs[i].layer);
			goto out;
		}
	}

	/*
	 * Belt and braces: every layer, as the op it becomes, passes the
	 * ISA's own validation (addresses do not matter to it).
	 */
	addrs.size = sizeof(addrs);
	addrs.data = 0;
	addrs.tensors = zero_addrs;
	for (i = 0; i < m->num_layers; i++) {
		build_op(m, &m->layers[i], 1, &addrs, &op);
		if (aiaccel_ref_validate(&op.hdr)) {
			ret = bad(e, "layer %u (%s): not a valid ISA op",
				  i, aidrv_model_op_name(m->layers[i].op));
			goto out;
		}
	}
	ret = 0;
out:
	free(zero_addrs);
	free(written);
	free(blobs);
	return ret;
}

void aidrv_model_free(struct aidrv_model *m)
{
	if (!m)
		return;
	free(m->tensors);
	free(m->layers);
	free(m->data);
	free(m);
}

int aidrv_model_load_mem(const void *buf, size_t size, struct aidrv_model **out,
			 char *err, size_t err_size)
{
	struct perr e = { err, err_size };
	struct aidrv_model *m;
	int ret;

	if (out)
		*out = NULL;
	if (err && err_size)
		err[0] = '\0';
	if (!out || (!buf && size))
		return bad(&e, "invalid argument");
	m = calloc(1, sizeof(*m));
	if (!m)
		return report(&e, -ENOMEM, "out of memory");
	ret = parse_model(buf ? buf : "", size, m, &e);
	if (ret) {
		aidrv_model_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

/*
 * Read @path whole and hand it to @load_mem (a *_load_mem() function, whose
 * result goes to @out); a failure's message gets the file name in front.
 */
static int load_file(const char *path, void *out, char *err, size_t err_size,
		     int (*load_mem)(const void *buf, size_t size, void *out,
				     char *err, size_t err_size))
{
	struct perr e = { err, err_size };
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	if (!path || !out)
		return bad(&e, "invalid argument");
	ret = read_file(path, AIDRV_MODEL_MAX_SIZE, &buf, &len, &e);
	if (ret)
		return ret;
	ret = load_mem(buf, len, out, err, err_size);
	free(buf);
	if (ret && err && err_size) {
		/* Prefix the file name, as read errors have it. */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, err_size, "%s: %s", path, msg);
	}
	return ret;
}

static int model_load_mem(const void *buf, size_t size, void *out, char *err,
			  size_t err_size)
{
	return aidrv_model_load_mem(buf, size, out, err, err_size);
}

int aidrv_model_load_file(const char *path, struct aidrv_model **out,
			  char *err, size_t err_size)
{
	if (out)
		*out = NULL;
	return load_file(path, out, err, err_size, model_load_mem);
}

/* -------------------------------------------------------------------------
 * Accessors
 */

unsigned int aidrv_model_num_tensors(const struct aidrv_model *m)
{
	return m ? m->num_tensors : 0;
}

unsigned int aidrv_model_num_layers(const struct aidrv_model *m)
{
	return m ? m->num_layers : 0;
}

int aidrv_model_tensor(const struct aidrv_model *m, unsigned int index,
		       struct aidrv_model_tensor *out, size_t size)
{
	const struct model_tensor *s;
	struct aidrv_model_tensor t = { 0 };

	if (!m || !out || index >= m->num_tensors)
		return -EINVAL;
	s = &m->tensors[index];
	t.index = index;
	t.rank = s->rank;
	memcpy(t.dims, s->dims, sizeof(t.dims));
	t.size = s->size;
	t.zero_point = s->zp;
	t.scale = s->scale;
	aidrv_copy_out(out, size, &t, sizeof(t));
	return 0;
}

int aidrv_model_input(const struct aidrv_model *m, struct aidrv_model_tensor *t, size_t size)
{
	return m ? aidrv_model_tensor(m, m->input, t, size) : -EINVAL;
}

int aidrv_model_output(const struct aidrv_model *m, struct aidrv_model_tensor *t, size_t size)
{
	return m ? aidrv_model_tensor(m, m->output, t, size) : -EINVAL;
}

int aidrv_model_layer(const struct aidrv_model *m, unsigned int index,
		      struct aidrv_model_layer *out, size_t size)
{
	const struct model_layer *l;
	struct aidrv_model_layer ly = { 0 };

	if (!m || !out || index >= m->num_layers)
		return -EINVAL;
	l = &m->layers[index];
	ly.opcode = l->op;
	ly.flags = l->flags;
	ly.input = l->input;
	ly.input2 = l->input2;
	ly.output = l->output;
	ly.weights_size = l->weights_size;
	ly.bias_size = l->bias_size;
	ly.quant_size = l->quant_size;
	ly.macs = l->macs;
	aidrv_copy_out(out, size, &ly, sizeof(ly));
	return 0;
}

const void *aidrv_model_data(const struct aidrv_model *m, size_t *size)
{
	if (size)
		*size = m ? m->data_size : 0;
	return m ? m->data : NULL;
}

uint32_t aidrv_model_max_batch(const struct aidrv_model *m)
{
	return m ? m->max_batch : 0;
}

unsigned int aidrv_argmax_s8(const int8_t *v, unsigned int n)
{
	unsigned int i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

/* -------------------------------------------------------------------------
 * The CPU executor
 */

#define S8P(a)	((__s8 *)(uintptr_t)(a))
#define S32P(a)	((const __s32 *)(uintptr_t)(a))
#define RQP(a)	((const struct aiaccel_requant *)(uintptr_t)(a))

/* Execute one op whose addresses are host pointers, with the reference. */
static int run_op_ref(const union aidrv_model_op *op)
{
	switch (op->hdr.opcode) {
	case AIACCEL_OP_GEMM:
		return aiaccel_ref_gemm(&op->gemm, S8P(op->gemm.input),
					S8P(op->gemm.weights), S32P(op->gemm.bias),
					RQP(op->gemm.quant), S8P(op->gemm.output));
	case AIACCEL_OP_CONV2D:
		return aiaccel_ref_conv2d(&op->conv, S8P(op->conv.input),
					  S8P(op->conv.filter), S32P(op->conv.bias),
					  RQP(op->conv.quant), S8P(op->conv.output));
	case AIACCEL_OP_DWCONV2D:
		return aiaccel_ref_dwconv2d(&op->conv, S8P(op->conv.input),
					    S8P(op->conv.filter), S32P(op->conv.bias),
					    RQP(op->conv.quant), S8P(op->conv.output));
	case AIACCEL_OP_MAXPOOL:
		return aiaccel_ref_maxpool(&op->pool, S8P(op->pool.input),
					   S8P(op->pool.output));
	case AIACCEL_OP_AVGPOOL:
		return aiaccel_ref_avgpool(&op->pool, S8P(op->pool.input),
					   S8P(op->pool.output));
	case AIACCEL_OP_ADD:
		return aiaccel_ref_add(&op->add, S8P(op->add.input1),
				       S8P(op->add.input2), S8P(op->add.output));
	case AIACCEL_OP_ACTIVATION:
		return aiaccel_ref_activation(&op->act, S8P(op->act.input),
					      S8P(op->act.lut), S8P(op->act.output));
	default:
		return -EINVAL;
	}
}

int aidrv_model_run_cpu(const struct aidrv_model *m, const int8_t *input,
			uint32_t batch, int8_t *output)
{
	struct aidrv_model_addrs addrs;
	union aidrv_model_op op;
	uint64_t *tensors, total = 0;
	int8_t *arena = NULL;
	unsigned int i;
	int ret;

	if (!m || !input || !output)
		return -EINVAL;
	ret = check_batch(m, batch);
	if (ret)
		return ret;

	/* Every intermediate tensor gets its own batch-sized buffer. */
	for (i = 0; i < m->num_tensors; i++)
		if (i != m->input && i != m->output)
			total += batch * tensor_bytes(m, i);	/* < 2^28 * 2^12 */
	tensors = calloc(m->num_tensors, sizeof(*tensors));
	if (total && total <= SIZE_MAX)
		arena = malloc((size_t)total);
	if (!tensors || (total && !arena)) {
		ret = -ENOMEM;
		goto out;
	}
	total = 0;
	for (i = 0; i < m->num_tensors; i++) {
		if (i == m->input) {
			tensors[i] = (uintptr_t)input;
		} else if (i == m->output) {
			tensors[i] = (uintptr_t)output;
		} else {
			tensors[i] = (uintptr_t)(arena + total);
			total += batch * tensor_bytes(m, i);
		}
	}
	addrs.size = sizeof(addrs);
	addrs.data = (uintptr_t)m->data;
	addrs.tensors = tensors;

	for (i = 0; i < m->num_layers; i++) {
		build_op(m, &m->layers[i], batch, &addrs, &op);
		ret = run_op_ref(&op);
		if (ret)
			break;
	}
out:
	free(arena);
	free(tensors);
	return ret;
}

/* -------------------------------------------------------------------------
 * Data sets
 */

int aidrv_dataset_load_mem(const void *buf, size_t size,
			   struct aidrv_dataset **out, char *err,
			   size_t err_size)
{
	struct perr e = { err, err_size };
	const uint8_t *b = buf;
	struct aidrv_dataset *set;
	uint64_t count, image_size, want;
	uint32_t classes, crc, i;
	uint8_t *mem;

	if (out)
		*out = NULL;
	if (err && err_size)
		err[0] = '\0';
	if (!out || (!buf && size))
		return bad(&e, "invalid argument");
	if (size < DS_HDR_SIZE)
		return bad(&e, "truncated: %zu bytes, the header alone is %u",
			   size, DS_HDR_SIZE);
	if (memcmp(b, AIDRV_DATASET_MAGIC, 8))
		return bad(&e, "not an aiaccel data set (bad magic)");
	if (get_u32(b + 8) != AIDRV_DATASET_VERSION)
		return bad(&e, "unsupported data set version %u (this library reads %u)",
			   get_u32(b + 8), AIDRV_DATASET_VERSION);
	if (get_u32(b + 12) != DS_HDR_SIZE)
		return bad(&e, "header size %u, version %u headers are %u bytes",
			   get_u32(b + 12), AIDRV_DATASET_VERSION, DS_HDR_SIZE);
	count = get_u32(b + 16);
	image_size = get_u32(b + 20);
	classes = get_u32(b + 24);
	if (!count || !image_size || classes < 1 || classes > 256)
		return bad(&e, "count %llu, image size %llu and classes %u must be >= 1 (classes <= 256)",
			   (unsigned long long)count, (unsigned long long)image_size,
			   classes);
	/* Both factors are below 2^32: the product fits 64 bits. */
	want = DS_HDR_SIZE + count * (image_size + 1);
	if (want != size)
		return bad(&e, "%s: %llu images of %llu bytes need %llu bytes, there are %zu",
			   want > size ? "truncated" : "trailing data",
			   (unsigned long long)count, (unsigned long long)image_size,
			   (unsigned long long)want, size);
	crc = crc32_without(b, size, DS_CRC_OFFSET);
	if (get_u32(b + DS_CRC_OFFSET) != crc)
		return bad(&e, "checksum mismatch: header 0x%08x, contents 0x%08x",
			   get_u32(b + DS_CRC_OFFSET), crc);
	for (i = 0; i < count; i++) {
		uint8_t label = b[DS_HDR_SIZE + count * image_size + i];

		if (label >= classes)
			return bad(&e, "image %u: label %u is not below %u classes",
				   i, label, classes);
	}

	/* One allocation: the struct, then images and labels. */
	set = malloc(sizeof(*set) + size - DS_HDR_SIZE);
	if (!set)
		return report(&e, -ENOMEM, "out of memory");
	mem = (uint8_t *)(set + 1);
	memcpy(mem, b + DS_HDR_SIZE, size - DS_HDR_SIZE);
	set->count = (uint32_t)count;
	set->image_size = (uint32_t)image_size;
	set->num_classes = classes;
	set->images = (const int8_t *)mem;
	set->labels = mem + count * image_size;
	*out = set;
	return 0;
}

static int dataset_load_mem(const void *buf, size_t size, void *out, char *err,
			    size_t err_size)
{
	return aidrv_dataset_load_mem(buf, size, out, err, err_size);
}

int aidrv_dataset_load_file(const char *path, struct aidrv_dataset **out,
			    char *err, size_t err_size)
{
	if (out)
		*out = NULL;
	return load_file(path, out, err, err_size, dataset_load_mem);
}

void aidrv_dataset_free(struct aidrv_dataset *set)
{
	free(set);
}
