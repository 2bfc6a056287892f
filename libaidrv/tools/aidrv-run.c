// SPDX-License-Identifier: MIT
/*
 * aidrv-run: run a model on every image of a data set (or of a raw file of
 * images) on an aiaccel device, or on the CPU reference, and print the
 * accuracy, the throughput and the device's per-job statistics; with
 * --check, compare every output byte with the CPU reference executor;
 * with --agree, compare the classes with another model's; with --bench,
 * time repeated runs and print latency percentiles; with --json, print
 * all of it as one JSON object; with --progress, report progress on
 * standard error while it runs.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"
#include "tool.h"

#define PROG "aidrv-run"
#define DEFAULT_BATCH 64
#define DEFAULT_TIMEOUT_S 60
#define DEFAULT_WARMUP 2
#define DEFAULT_REPEAT 10

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [OPTIONS] MODEL DATASET\n"
		"\n"
		"Run MODEL (an .aimodel file) on every image of DATASET (a data set\n"
		"file, see Documentation/accel/aiaccel/model-format.rst) on an aiaccel\n"
		"device, in batches, and print the accuracy against the labels, the\n"
		"images per second and the device's statistics for the jobs.\n"
		"\n"
		TOOL_DEVICE_HELP
		"  -b, --batch N          images per job (default %d, at most the model's\n"
		"                         max batch)\n"
		"  -n, --count N          only the first N images\n"
		"  -1, --single-buffer    one set of buffers: no overlap of batches\n"
		"  -t, --timeout SEC      give up waiting for the device after SEC seconds\n"
		"                         (default %d)\n"
		"  -c, --cpu              run on the CPU reference executor, not a device\n"
		"  -C, --check            also run the CPU reference and compare every\n"
		"                         output byte (\"bit-exact: yes\")\n"
		"  -e, --expected FILE    compare with FILE's \"images\", \"correct\",\n"
		"                         \"agreement\" and \"outputs_fnv1a64\" lines\n"
		"                         (demo/digits.expected)\n"
		"  -a, --agree FILE       FILE holds another model's class for each image,\n"
		"                         one byte each: print how many classes agree\n"
		"  -w, --write-outputs FILE  write every output byte to FILE\n"
		"  -B, --bench            time --repeat runs of the images after --warmup\n"
		"                         runs: latency percentiles and images/s\n"
		"      --warmup N         untimed runs before the timed ones (default %d)\n"
		"      --repeat N         timed runs (default %d)\n"
		"  -j, --json             print the results as one JSON object\n"
		"  -r, --raw              DATASET is a raw file of int8 images, no labels\n"
		"  -o, --outputs          print every image's class and outputs\n"
		"  -q, --quiet            print only the result lines\n"
		"  -p, --progress         report images done and images/s on standard\n"
		"                         error, twice a second, while running\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 on success; 1 on a wrong result: an output differing\n"
		"from the CPU reference, a mismatch with --expected, or repeated runs\n"
		"giving different outputs; 2 on bad usage; 3 if there is no device (or\n"
		"DEV cannot be opened); 4 on any other error (unreadable files, a job\n"
		"that failed).\n",
		DEFAULT_BATCH, DEFAULT_TIMEOUT_S, DEFAULT_WARMUP, DEFAULT_REPEAT);
}

struct opts {
	const char *device;
	uint32_t batch;
	uint32_t count;
	bool single;
	double timeout_s;
	bool cpu, check, raw, outputs, quiet, bench, json, progress;
	uint32_t warmup, repeat;
	const char *expected, *agree_path, *write_path;
	const char *model_path, *data_path;
};

/* Latency of repeated runs (--bench), in nanoseconds. */
struct bench {
	uint32_t runs, images;
	int64_t min, p50, p90, p99, max, total;
	bool stable;			/* every run wrote the same outputs */
};

/* Everything a run found, for the human and the JSON reports. */
struct report {
	uint32_t images, batch, out_size;
	bool has_labels, has_agree, checked, bit_exact;
	uint32_t correct, agree;
	size_t differ;
	uint64_t hash;
	int64_t run_ns, cpu_ns, bind_ns;
	bool has_stats;
	struct drm_aiaccel_stats before, after;
	struct drm_aiaccel_info info;
	struct bench bench;
	int expected_rc;		/* -1: no --expected */
};

/* The images, from a data set or a raw file. */
struct input {
	struct aidrv_dataset *set;	/* NULL for raw input */
	int8_t *raw;
	uint32_t count;
	const int8_t *images;
	const uint8_t *labels;		/* NULL without labels */
};

static int parse_u32(const char *s, uint32_t min, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
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

static int load_raw(const char *path, uint32_t image_size, struct input *in)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		goto err_errno;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto err_errno_close;
	if (size == 0 || size % image_size) {
		fprintf(stderr, PROG ": %s: %ld bytes is not a whole number of %u-byte images\n",
			path, size, image_size);
		fclose(f);
		return -EINVAL;
	}
	if ((unsigned long)size / image_size > UINT32_MAX) {
		fprintf(stderr, PROG ": %s: too many images\n", path);
		fclose(f);
		return -EINVAL;
	}
	in->raw = malloc((size_t)size);
	if (!in->raw) {
		fclose(f);
		fprintf(stderr, PROG ": out of memory\n");
		return -ENOMEM;
	}
	if (fread(in->raw, 1, (size_t)size, f) != (size_t)size)
		goto err_errno_close;
	fclose(f);
	in->count = (uint32_t)(size / image_size);
	in->images = in->raw;
	return 0;

err_errno_close:
	fclose(f);
err_errno:
	fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
	return -(errno ? errno : EIO);
}

static int load_input(const struct opts *o, const struct aidrv_model_tensor *t,
		      struct input *in)
{
	char err[512];
	int ret;

	if (o->raw)
		return load_raw(o->data_path, t->size, in);
	ret = aidrv_dataset_load_file(o->data_path, &in->set, err, sizeof(err));
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err);
		return ret;
	}
	if (in->set->image_size != t->size) {
		fprintf(stderr, PROG ": %s: images of %u bytes, the model takes %u\n",
			o->data_path, in->set->image_size, t->size);
		return -EINVAL;
	}
	in->count = in->set->count;
	in->images = in->set->images;
	in->labels = in->set->labels;
	return 0;
}

/* The "images", "correct" and "outputs_fnv1a64" lines of an expected file. */
struct expected {
	unsigned long images, correct, agreement;
	unsigned long long hash;
	bool has_images, has_correct, has_agreement, has_hash;
};

static int read_expected(const char *path, struct expected *e)
{
	char line[256];
	FILE *f = fopen(path, "r");

	memset(e, 0, sizeof(*e));
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "images %lu", &e->images) == 1)
			e->has_images = true;
		else if (sscanf(line, "correct %lu", &e->correct) == 1)
			e->has_correct = true;
		else if (sscanf(line, "agreement %lu", &e->agreement) == 1)
			e->has_agreement = true;
		else if (sscanf(line, "outputs_fnv1a64 %llx", &e->hash) == 1)
			e->has_hash = true;
	}
	fclose(f);
	if (!e->has_images && !e->has_correct && !e->has_agreement && !e->has_hash) {
		fprintf(stderr, PROG ": %s: no \"images\", \"correct\", \"agreement\" or \"outputs_fnv1a64\" line\n",
			path);
		return -1;
	}
	return 0;
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/*
 * --progress: images done of the total, and the rate so far, on standard
 * error, at most twice a second and once at the end.
 */
struct progress {
	bool on;
	uint32_t total;
	int64_t start, last;
};

static void progress(struct progress *p, uint32_t done)
{
	int64_t now;

	if (!p || !p->on)
		return;
	now = aidrv_now_ns();
	if (done < p->total && now - p->last < 500000000)
		return;
	p->last = now;
	fprintf(stderr, "\r" PROG ": %u/%u images (%.0f%%), %.1f images/s%s", done, p->total,
		100.0 * done / p->total, now > p->start ? done / secs(now - p->start) : 0.0,
		done == p->total ? "\n" : "");
	fflush(stderr);
}

static int run_cpu(const struct aidrv_model *m, const struct input *in,
		   uint32_t batch, int8_t *out, uint32_t out_size, int64_t *ns,
		   struct progress *p)
{
	struct aidrv_model_tensor t;
	uint32_t done, n;
	int64_t start;
	int ret = 0;

	aidrv_model_input(m, &t, sizeof(t));
	start = aidrv_now_ns();
	for (done = 0; done < in->count && !ret; done += n) {
		n = in->count - done < batch ? in->count - done : batch;
		ret = aidrv_model_run_cpu(m, in->images + (size_t)done * t.size, n,
					  out + (size_t)done * out_size);
		if (!ret)
			progress(p, done + n);
	}
	*ns = aidrv_now_ns() - start;
	if (ret)
		fprintf(stderr, PROG ": cpu reference: %s\n", aidrv_strerror(ret));
	return ret;
}

static uint64_t sum4(const __u64 *v)
{
	return v[0] + v[1] + v[2] + v[3];
}

static void print_stats(const struct drm_aiaccel_stats *a,
			const struct drm_aiaccel_stats *b, unsigned int engines,
			int64_t wall_ns)
{
	uint64_t busy = sum4(b->file_engine_busy_ns) - sum4(a->file_engine_busy_ns);
	unsigned int e;

	printf("jobs: %" PRIu64 " submitted, %" PRIu64 " completed, %" PRIu64 " failed\n",
	       (uint64_t)(b->file_jobs_submitted - a->file_jobs_submitted),
	       (uint64_t)(b->file_jobs_completed - a->file_jobs_completed),
	       (uint64_t)(b->file_jobs_failed - a->file_jobs_failed));
	printf("engine busy: %.3f ms (", busy / 1e6);
	for (e = 0; e < engines && e < DRM_AIACCEL_MAX_ENGINES; e++)
		printf("%sengine%u %.3f ms", e ? ", " : "", e,
		       (b->file_engine_busy_ns[e] - a->file_engine_busy_ns[e]) / 1e6);
	printf("), %.0f%% of the wall time per engine on average\n",
	       wall_ns > 0 && engines ? 100.0 * busy / engines / wall_ns : 0.0);
	printf("device counters: %" PRIu64 " MACs, %" PRIu64 " bytes moved, %" PRIu64
	       " cycles\n", (uint64_t)(b->macs - a->macs),
	       (uint64_t)(b->bytes_moved - a->bytes_moved),
	       (uint64_t)(sum4(b->file_engine_cycles) - sum4(a->file_engine_cycles)));
}

/* Compare device and CPU outputs; prints the verdict; 0 if equal. */
static int compare(const int8_t *dev, const int8_t *cpu, uint32_t count,
		   uint32_t out_size, bool print, struct report *r)
{
	size_t i, n = (size_t)count * out_size, diff = 0, first = 0;

	for (i = 0; i < n; i++) {
		if (dev[i] != cpu[i]) {
			if (!diff)
				first = i;
			diff++;
		}
	}
	r->checked = true;
	r->bit_exact = !diff;
	r->differ = diff;
	if (!print)
		return diff ? 1 : 0;
	if (!diff) {
		printf("bit-exact: yes (%zu outputs)\n", n);
		return 0;
	}
	printf("bit-exact: NO: %zu of %zu outputs differ; first: image %zu, output %zu: device %d, cpu %d\n",
	       diff, n, first / out_size, first % out_size, dev[first], cpu[first]);
	return 1;
}

static uint32_t accuracy(const struct input *in, const int8_t *out, uint32_t out_size)
{
	uint32_t i, correct = 0;

	for (i = 0; i < in->count; i++)
		correct += aidrv_argmax_s8(out + (size_t)i * out_size, out_size) ==
			   in->labels[i];
	return correct;
}

static void print_outputs(const struct input *in, const int8_t *out, uint32_t out_size)
{
	uint32_t i, j;

	for (i = 0; i < in->count; i++) {
		const int8_t *o = out + (size_t)i * out_size;

		printf("image %u:", i);
		if (in->labels)
			printf(" label %u", in->labels[i]);
		printf(" class %u outputs", aidrv_argmax_s8(o, out_size));
		for (j = 0; j < out_size; j++)
			printf(" %d", o[j]);
		printf("\n");
	}
}

/* Mismatches go to standard output, or to standard error under --json. */
static int check_expected(const char *path, const struct report *r, bool json)
{
	FILE *f = json ? stderr : stdout;
	struct expected e;
	int bad = 0;

	if (read_expected(path, &e))
		return TOOL_EXIT_ERROR;
	if (e.has_images && e.images != r->images) {
		fprintf(f, "expected: %lu images, ran %u\n", e.images, r->images);
		bad = 1;
	}
	if (e.has_correct && (!r->has_labels || e.correct != r->correct)) {
		fprintf(f, "expected: %lu correct, got %u\n", e.correct, r->correct);
		bad = 1;
	}
	if (e.has_agreement && (!r->has_agree || e.agreement != r->agree)) {
		fprintf(f, "expected: agreement %lu, got %u%s\n", e.agreement, r->agree,
			r->has_agree ? "" : " (no --agree file)");
		bad = 1;
	}
	if (e.has_hash && e.hash != r->hash) {
		fprintf(f, "expected: outputs fnv1a64 0x%016llx, got 0x%016" PRIx64 "\n",
			e.hash, r->hash);
		bad = 1;
	}
	if (!bad && !json)
		printf("expected (%s): match\n", path);
	return bad;
}

/* The reference classes of --agree: one byte per image. */
static int count_agreement(const char *path, const int8_t *out, uint32_t count,
			   uint32_t out_size, uint32_t *agree)
{
	FILE *f = fopen(path, "rb");
	uint8_t *ref;
	long size;
	uint32_t i;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if ((unsigned long)size < count) {
		fprintf(stderr, PROG ": %s: %ld classes for %u images\n", path, size, count);
		fclose(f);
		return -1;
	}
	ref = malloc(count);
	if (!ref || fread(ref, 1, count, f) != count) {
		fprintf(stderr, PROG ": %s: %s\n", path, ref ? "short read" : "out of memory");
		free(ref);
		fclose(f);
		return -1;
	}
	fclose(f);
	*agree = 0;
	for (i = 0; i < count; i++)
		*agree += aidrv_argmax_s8(out + (size_t)i * out_size, out_size) == ref[i];
	free(ref);
	return 0;
}

static int write_outputs(const char *path, const int8_t *out, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(out, 1, n, f) == n;
	if (fclose(f) || !ok) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p of n sorted samples. */
static int64_t percentile(const int64_t *v, uint32_t n, unsigned int p)
{
	uint64_t rank = ((uint64_t)p * n + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

/* One run of every image, on the device or the CPU. */
struct runner {
	struct aidrv_inference *inf;	/* NULL: the CPU reference */
	const struct aidrv_model *model;
	const struct input *in;
	uint32_t batch;
	int64_t timeout_ns;
	bool progress;
};

/* With --progress, the device runs this many batches per call. */
#define PROGRESS_BATCHES 8

static int run_once(const struct runner *r, int8_t *out, int64_t *ns)
{
	struct progress p = { .on = r->progress, .total = r->in->count };
	struct aidrv_model_tensor tin, tout;
	uint32_t done, n, chunk;
	int ret = 0;

	aidrv_model_input(r->model, &tin, sizeof(tin));
	aidrv_model_output(r->model, &tout, sizeof(tout));
	p.start = p.last = aidrv_now_ns();
	if (!r->inf)
		return run_cpu(r->model, r->in, r->batch, out, tout.size, ns, &p);
	/* Chunks of several batches keep the engines' overlap within each. */
	chunk = r->progress ? r->batch * PROGRESS_BATCHES : r->in->count;
	for (done = 0; done < r->in->count && !ret; done += n) {
		n = r->in->count - done < chunk ? r->in->count - done : chunk;
		ret = aidrv_inference_run(r->inf, r->in->images + (size_t)done * tin.size, n,
					  out + (size_t)done * tout.size, r->timeout_ns);
		if (!ret)
			progress(&p, done + n);
	}
	*ns = aidrv_now_ns() - p.start;
	return ret;
}

/*
 * --bench: warmup untimed runs, then repeat timed ones.  Every run must
 * write the outputs of the first: a device that answers differently from
 * one run to the next is broken, however fast.
 */
static int run_bench(const struct runner *r, const struct opts *o, const int8_t *first,
		     size_t out_bytes, struct bench *b)
{
	int8_t *out = malloc(out_bytes);
	int64_t *ns = calloc(o->repeat, sizeof(*ns));
	uint32_t i;
	int ret = 0;

	if (!out || !ns) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	memset(b, 0, sizeof(*b));
	b->stable = true;
	for (i = 0; i < o->warmup + o->repeat; i++) {
		int64_t t;

		ret = run_once(r, out, &t);
		if (ret) {
			fprintf(stderr, PROG ": benchmark run %u: %s\n", i, aidrv_strerror(ret));
			goto out;
		}
		if (memcmp(out, first, out_bytes))
			b->stable = false;
		if (i >= o->warmup)
			ns[i - o->warmup] = t;
	}
	qsort(ns, o->repeat, sizeof(*ns), cmp_i64);
	b->runs = o->repeat;
	b->images = r->in->count;
	b->min = ns[0];
	b->max = ns[o->repeat - 1];
	b->p50 = percentile(ns, o->repeat, 50);
	b->p90 = percentile(ns, o->repeat, 90);
	b->p99 = percentile(ns, o->repeat, 99);
	for (i = 0; i < o->repeat; i++)
		b->total += ns[i];
out:
	free(ns);
	free(out);
	return ret;
}

static void print_bench(const struct bench *b, const char *what)
{
	printf("bench (%s): %u runs of %u images: latency ms min %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f mean %.3f; %.1f images/s\n",
	       what, b->runs, b->images, b->min / 1e6, b->p50 / 1e6, b->p90 / 1e6,
	       b->p99 / 1e6, b->max / 1e6, (double)b->total / b->runs / 1e6,
	       b->total > 0 ? (double)b->images * b->runs / secs(b->total) : 0.0);
	if (!b->stable)
		printf("bench: outputs differ between runs\n");
}

/* A JSON string: the paths come from the command line. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_u64s(const char *name, const __u64 *a, const __u64 *b, unsigned int n)
{
	unsigned int i;

	printf(", \"%s\": [", name);
	for (i = 0; i < n; i++)
		printf("%s%" PRIu64, i ? ", " : "", (uint64_t)(b[i] - a[i]));
	printf("]");
}

static void print_json(const struct opts *o, const struct report *r, const char *device)
{
	printf("{\"model\": ");
	json_str(o->model_path);
	printf(", \"input\": ");
	json_str(o->data_path);
	printf(", \"executor\": ");
	if (device)
		json_str(device);
	else
		printf("\"cpu\"");
	printf(", \"images\": %u, \"batch\": %u, \"output_size\": %u",
	       r->images, r->batch, r->out_size);
	printf(", \"seconds\": %.6f, \"images_per_s\": %.3f", secs(r->run_ns),
	       r->run_ns > 0 ? r->images / secs(r->run_ns) : 0.0);
	if (device)
		printf(", \"bind_seconds\": %.6f", secs(r->bind_ns));
	if (r->has_labels)
		printf(", \"correct\": %u, \"accuracy\": %.6f", r->correct,
		       (double)r->correct / r->images);
	if (r->has_agree)
		printf(", \"agreement\": %u, \"agreement_ratio\": %.6f", r->agree,
		       (double)r->agree / r->images);
	printf(", \"outputs_fnv1a64\": \"0x%016" PRIx64 "\"", r->hash);
	if (r->checked)
		printf(", \"cpu_seconds\": %.6f, \"bit_exact\": %s, \"outputs_differing\": %zu",
		       secs(r->cpu_ns), r->bit_exact ? "true" : "false", r->differ);
	if (r->expected_rc >= 0)
		printf(", \"expected_match\": %s", r->expected_rc ? "false" : "true");
	if (r->has_stats) {
		const struct drm_aiaccel_stats *a = &r->before, *b = &r->after;
		unsigned int n = r->info.num_engines < DRM_AIACCEL_MAX_ENGINES ?
				 r->info.num_engines : DRM_AIACCEL_MAX_ENGINES;

		printf(", \"stats\": {\"jobs_submitted\": %" PRIu64 ", \"jobs_completed\": %" PRIu64
		       ", \"jobs_failed\": %" PRIu64 ", \"macs\": %" PRIu64 ", \"bytes_moved\": %" PRIu64,
		       (uint64_t)(b->file_jobs_submitted - a->file_jobs_submitted),
		       (uint64_t)(b->file_jobs_completed - a->file_jobs_completed),
		       (uint64_t)(b->file_jobs_failed - a->file_jobs_failed),
		       (uint64_t)(b->macs - a->macs), (uint64_t)(b->bytes_moved - a->bytes_moved));
		json_u64s("engine_busy_ns", a->file_engine_busy_ns, b->file_engine_busy_ns, n);
		json_u64s("engine_cycles", a->file_engine_cycles, b->file_engine_cycles, n);
		printf("}");
	}
	if (r->bench.runs) {
		const struct bench *b = &r->bench;

		printf(", \"bench\": {\"warmup\": %u, \"runs\": %u, \"images_per_run\": %u, "
		       "\"latency_ms\": {\"min\": %.6f, \"p50\": %.6f, \"p90\": %.6f, "
		       "\"p99\": %.6f, \"max\": %.6f, \"mean\": %.6f}, \"images_per_s\": %.3f, "
		       "\"stable\": %s}",
		       o->warmup, b->runs, b->images, b->min / 1e6, b->p50 / 1e6, b->p90 / 1e6,
		       b->p99 / 1e6, b->max / 1e6, (double)b->total / b->runs / 1e6,
		       b->total > 0 ? (double)b->images * b->runs / secs(b->total) : 0.0,
		       b->stable ? "true" : "false");
	}
	printf("}\n");
}

enum { OPT_WARMUP = 0x100, OPT_REPEAT };

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "batch", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'n' },
		{ "single-buffer", no_argument, NULL, '1' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cpu", no_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "expected", required_argument, NULL, 'e' },
		{ "agree", required_argument, NULL, 'a' },
		{ "write-outputs", required_argument, NULL, 'w' },
		{ "bench", no_argument, NULL, 'B' },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "outputs", no_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	memset(o, 0, sizeof(*o));
	o->timeout_s = DEFAULT_TIMEOUT_S;
	o->warmup = DEFAULT_WARMUP;
	o->repeat = DEFAULT_REPEAT;
	while ((opt = getopt_long(argc, argv, "d:b:n:1t:cCe:a:w:Bjroqph", lopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 'b':
			if (parse_u32(optarg, 1, &o->batch)) {
				fprintf(stderr, PROG ": bad batch '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_u32(optarg, 1, &o->count)) {
				fprintf(stderr, PROG ": bad count '%s'\n", optarg);
				return 2;
			}
			break;
		case '1':
			o->single = true;
			break;
		case 't':
			errno = 0;
			o->timeout_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->timeout_s > 0) ||
			    o->timeout_s > 1e9) {
				fprintf(stderr, PROG ": bad timeout '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			o->cpu = true;
			break;
		case 'C':
			o->check = true;
			break;
		case 'e':
			o->expected = optarg;
			break;
		case 'a':
			o->agree_path = optarg;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case 'B':
			o->bench = true;
			break;
		case OPT_WARMUP:
			if (parse_u32(optarg, 0, &o->warmup) || o->warmup > 1000000) {
				fprintf(stderr, PROG ": bad warmup '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_REPEAT:
			if (parse_u32(optarg, 1, &o->repeat) || o->repeat > 1000000) {
				fprintf(stderr, PROG ": bad repeat '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'r':
			o->raw = true;
			break;
		case 'o':
			o->outputs = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'p':
			o->progress = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (o->cpu && (o->device || o->single || o->check)) {
		fprintf(stderr, PROG ": --cpu runs no device: -d, -1 and --check do not apply\n");
		return 2;
	}
	if (o->json && o->outputs) {
		fprintf(stderr, PROG ": --json and --outputs are exclusive\n");
		return 2;
	}
	/* JSON owns standard output. */
	if (o->json)
		o->quiet = true;
	o->model_path = argv[optind];
	o->data_path = argv[optind + 1];
	return -1;
}

int main(int argc, char **argv)
{
	struct aidrv_model_tensor tin, tout;
	struct aidrv_inference *inf = NULL;
	struct aidrv_device *dev = NULL;
	struct aidrv_model *m = NULL;
	struct input in = { 0 };
	struct report rep = { .expected_rc = -1 };
	struct runner runner = { 0 };
	int8_t *out = NULL, *ref = NULL;
	int64_t start;
	uint32_t batch;
	size_t out_bytes;
	struct opts o;
	char err[512];
	int ret, rc = TOOL_EXIT_ERROR;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	ret = aidrv_model_load_file(o.model_path, &m, err, sizeof(err));
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err[0] ? err : aidrv_strerror(ret));
		return TOOL_EXIT_ERROR;
	}
	aidrv_model_input(m, &tin, sizeof(tin));
	aidrv_model_output(m, &tout, sizeof(tout));
	if (load_input(&o, &tin, &in))
		goto out;
	if (o.count && o.count < in.count)
		in.count = o.count;
	batch = o.batch ? o.batch : DEFAULT_BATCH;
	if (batch > in.count)
		batch = in.count;
	if (batch > aidrv_model_max_batch(m)) {
		if (o.batch) {
			fprintf(stderr, PROG ": batch %u is above the model's max batch %u\n",
				batch, aidrv_model_max_batch(m));
			rc = 2;
			goto out;
		}
		batch = aidrv_model_max_batch(m);
	}
	out_bytes = (size_t)in.count * tout.size;
	out = malloc(out_bytes);
	if (o.check)
		ref = malloc(out_bytes);
	if (!out || (o.check && !ref)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	rep.images = in.count;
	rep.batch = batch;
	rep.out_size = tout.size;
	rep.has_labels = in.labels;

	if (!o.quiet) {
		size_t wsize;

		aidrv_model_data(m, &wsize);
		printf("model: %s: %u layers, %u tensors, %u -> %u bytes per image, %zu bytes of weights\n",
		       o.model_path, aidrv_model_num_layers(m), aidrv_model_num_tensors(m),
		       tin.size, tout.size, wsize);
		printf("input: %s: %u images%s\n", o.data_path, in.count,
		       in.labels ? ", labelled" : "");
	}

	runner.model = m;
	runner.in = &in;
	runner.batch = batch;
	runner.timeout_ns = (int64_t)(o.timeout_s * 1e9);
	if (o.cpu) {
		runner.progress = o.progress;
		if (run_once(&runner, out, &rep.run_ns))
			goto out;
		if (!o.json)
			printf("cpu reference: %u images in %.3f s: %.1f images/s (batch %u)\n",
			       in.count, secs(rep.run_ns),
			       in.count / secs(rep.run_ns > 0 ? rep.run_ns : 1), batch);
	} else {
		rc = tool_open_device(PROG, o.device, &dev);
		if (rc)
			goto out;
		rc = TOOL_EXIT_ERROR;
		ret = aidrv_device_get_info(dev, &rep.info, sizeof(rep.info));
		if (!ret)
			ret = aidrv_device_get_stats(dev, &rep.before, sizeof(rep.before));
		if (ret) {
			fprintf(stderr, PROG ": %s: %s\n", aidrv_device_path(dev), aidrv_strerror(ret));
			goto out;
		}
		if (!o.quiet)
			printf("device: %s: %u engines, %u MHz, %" PRIu64 " MiB\n",
			       aidrv_device_path(dev), rep.info.num_engines, rep.info.max_clock_mhz,
			       (uint64_t)(rep.info.mem_size >> 20));

		start = aidrv_now_ns();
		ret = aidrv_inference_create(dev, m, batch,
					     o.single ? AIDRV_INFERENCE_SINGLE_BUFFER : 0, &inf);
		rep.bind_ns = aidrv_now_ns() - start;
		if (ret) {
			fprintf(stderr, PROG ": binding the model to %s: %s\n",
				aidrv_device_path(dev), aidrv_strerror(ret));
			goto out;
		}
		runner.inf = inf;
		runner.progress = o.progress;
		ret = run_once(&runner, out, &rep.run_ns);
		runner.progress = false;
		if (ret) {
			fprintf(stderr, PROG ": running on %s: %s\n", aidrv_device_path(dev),
				aidrv_strerror(ret));
			goto out;
		}
		ret = aidrv_device_get_stats(dev, &rep.after, sizeof(rep.after));
		if (ret) {
			fprintf(stderr, PROG ": %s: %s\n", aidrv_device_path(dev), aidrv_strerror(ret));
			goto out;
		}
		rep.has_stats = true;
		if (!o.json)
			printf("device: %u images in %.3f s: %.1f images/s (batch %u, %s, %u jobs; bind %.3f s)\n",
			       in.count, secs(rep.run_ns),
			       in.count / secs(rep.run_ns > 0 ? rep.run_ns : 1), batch,
			       o.single ? "single-buffered" : "double-buffered",
			       (in.count + batch - 1) / batch, secs(rep.bind_ns));
		if (!o.quiet)
			print_stats(&rep.before, &rep.after, rep.info.num_engines, rep.run_ns);
	}

	if (o.outputs)
		print_outputs(&in, out, tout.size);
	rep.hash = fnv1a64(out, out_bytes);
	if (in.labels) {
		rep.correct = accuracy(&in, out, tout.size);
		if (!o.json)
			printf("accuracy: %u/%u correct (%.2f%%)\n", rep.correct, in.count,
			       100.0 * rep.correct / in.count);
	}
	if (o.agree_path) {
		if (count_agreement(o.agree_path, out, in.count, tout.size, &rep.agree))
			goto out;
		rep.has_agree = true;
		if (!o.json)
			printf("agreement: %u/%u classes equal to %s (%.2f%%)\n", rep.agree,
			       in.count, o.agree_path, 100.0 * rep.agree / in.count);
	}
	if (!o.quiet)
		printf("outputs: fnv1a64 0x%016" PRIx64 "\n", rep.hash);
	if (o.write_path && write_outputs(o.write_path, out, out_bytes))
		goto out;

	rc = TOOL_EXIT_OK;
	if (o.check) {
		if (run_cpu(m, &in, batch, ref, tout.size, &rep.cpu_ns, NULL))
			goto out_rc;
		if (!o.json)
			printf("cpu reference: %u images in %.3f s: %.1f images/s\n", in.count,
			       secs(rep.cpu_ns), in.count / secs(rep.cpu_ns > 0 ? rep.cpu_ns : 1));
		if (compare(out, ref, in.count, tout.size, !o.json, &rep))
			rc = TOOL_EXIT_WRONG;
	}
	if (o.bench) {
		if (run_bench(&runner, &o, out, out_bytes, &rep.bench))
			goto out_rc;
		if (!o.json)
			print_bench(&rep.bench, o.cpu ? "cpu reference" : "device");
		if (!rep.bench.stable)
			rc = TOOL_EXIT_WRONG;
	}
	if (o.expected) {
		rep.expected_rc = check_expected(o.expected, &rep, o.json);
		if (rep.expected_rc > rc)
			rc = rep.expected_rc;
	}
	if (o.json)
		print_json(&o, &rep, dev ? aidrv_device_path(dev) : NULL);
	goto out;

out_rc:
	rc = TOOL_EXIT_ERROR;
out:
	aidrv_inference_free(inf);
	aidrv_device_close(dev);
	free(ref);
	free(out);
	free(in.raw);
	aidrv_dataset_free(in.set);
	aidrv_model_free(m);
	return rc;
}
