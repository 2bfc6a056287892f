// SPDX-License-Identifier: MIT
/*
 * aidrv-run: run a model on every image of a data set (or of a raw file of
 * images) on an aiaccel device, or on the CPU reference, and print the
 * accuracy, the throughput and the device's per-job statistics; with
 * --check, compare every output byte with the CPU reference executor.
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

#define PROG "aidrv-run"
#define DEFAULT_BATCH 64
#define DEFAULT_TIMEOUT_S 60

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
		"  -d, --device PATH      device node (default: the first aiaccel device)\n"
		"  -i, --index N          the N-th aiaccel device\n"
		"  -b, --batch N          images per job (default %d, at most the model's\n"
		"                         max batch)\n"
		"  -n, --count N          only the first N images\n"
		"  -1, --single-buffer    one set of buffers: no overlap of batches\n"
		"  -t, --timeout SEC      give up waiting for the device after SEC seconds\n"
		"                         (default %d)\n"
		"  -c, --cpu              run on the CPU reference executor, not a device\n"
		"  -C, --check            also run the CPU reference and compare every\n"
		"                         output byte (\"bit-exact: yes\")\n"
		"  -e, --expected FILE    compare with FILE's \"images\", \"correct\" and\n"
		"                         \"outputs_fnv1a64\" lines (demo/digits.expected)\n"
		"  -r, --raw              DATASET is a raw file of int8 images, no labels\n"
		"  -o, --outputs          print every image's class and outputs\n"
		"  -q, --quiet            print only the result lines\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 on success, 1 on an error, a mismatch with the CPU\n"
		"reference or with --expected, 2 on bad usage.\n",
		DEFAULT_BATCH, DEFAULT_TIMEOUT_S);
}

struct opts {
	const char *device;
	long index;
	bool has_index;
	uint32_t batch;
	uint32_t count;
	bool single;
	double timeout_s;
	bool cpu, check, raw, outputs, quiet;
	const char *expected;
	const char *model_path, *data_path;
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
	unsigned long images, correct;
	unsigned long long hash;
	bool has_images, has_correct, has_hash;
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
		else if (sscanf(line, "outputs_fnv1a64 %llx", &e->hash) == 1)
			e->has_hash = true;
	}
	fclose(f);
	if (!e->has_images && !e->has_correct && !e->has_hash) {
		fprintf(stderr, PROG ": %s: no \"images\", \"correct\" or \"outputs_fnv1a64\" line\n",
			path);
		return -1;
	}
	return 0;
}

static int open_device(const struct opts *o, struct aidrv_device **dev)
{
	int ret;

	if (o->device) {
		ret = aidrv_open_path(o->device, dev);
		if (ret)
			fprintf(stderr, PROG ": %s: %s\n", o->device, aidrv_strerror(ret));
	} else {
		ret = aidrv_open_index((unsigned int)o->index, dev);
		if (ret == -ENODEV || ret == -ENOENT)
			fprintf(stderr, PROG ": no aiaccel device %ld\n", o->index);
		else if (ret)
			fprintf(stderr, PROG ": aiaccel device %ld: %s\n", o->index,
				aidrv_strerror(ret));
	}
	return ret;
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

static int run_cpu(const struct aidrv_model *m, const struct input *in,
		   uint32_t batch, int8_t *out, uint32_t out_size, int64_t *ns)
{
	struct aidrv_model_tensor t;
	uint32_t done, n;
	int64_t start;
	int ret = 0;

	aidrv_model_input(m, &t);
	start = aidrv_now_ns();
	for (done = 0; done < in->count && !ret; done += n) {
		n = in->count - done < batch ? in->count - done : batch;
		ret = aidrv_model_run_cpu(m, in->images + (size_t)done * t.size, n,
					  out + (size_t)done * out_size);
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
		   uint32_t out_size)
{
	size_t i, n = (size_t)count * out_size, diff = 0, first = 0;

	for (i = 0; i < n; i++) {
		if (dev[i] != cpu[i]) {
			if (!diff)
				first = i;
			diff++;
		}
	}
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

static int check_expected(const char *path, const struct input *in, uint32_t correct,
			  const int8_t *out, uint32_t out_size)
{
	struct expected e;
	uint64_t hash = fnv1a64(out, (size_t)in->count * out_size);
	int bad = 0;

	if (read_expected(path, &e))
		return 1;
	if (e.has_images && e.images != in->count) {
		printf("expected: %lu images, ran %u\n", e.images, in->count);
		bad = 1;
	}
	if (e.has_correct && (!in->labels || e.correct != correct)) {
		printf("expected: %lu correct, got %u\n", e.correct, correct);
		bad = 1;
	}
	if (e.has_hash && e.hash != hash) {
		printf("expected: outputs fnv1a64 0x%016llx, got 0x%016" PRIx64 "\n",
		       e.hash, hash);
		bad = 1;
	}
	if (!bad)
		printf("expected (%s): match\n", path);
	return bad;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "index", required_argument, NULL, 'i' },
		{ "batch", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'n' },
		{ "single-buffer", no_argument, NULL, '1' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cpu", no_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "expected", required_argument, NULL, 'e' },
		{ "raw", no_argument, NULL, 'r' },
		{ "outputs", no_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t v;
	char *end;
	int opt;

	memset(o, 0, sizeof(*o));
	o->timeout_s = DEFAULT_TIMEOUT_S;
	while ((opt = getopt_long(argc, argv, "d:i:b:n:1t:cCe:roqh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 'i':
			if (parse_u32(optarg, 0, &v) || v > INT_MAX) {
				fprintf(stderr, PROG ": bad device index '%s'\n", optarg);
				return 2;
			}
			o->index = v;
			o->has_index = true;
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
		case 'r':
			o->raw = true;
			break;
		case 'o':
			o->outputs = true;
			break;
		case 'q':
			o->quiet = true;
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
	if (o->cpu && (o->device || o->has_index || o->single || o->check)) {
		fprintf(stderr, PROG ": --cpu runs no device: -d, -i, -1 and --check do not apply\n");
		return 2;
	}
	if (o->device && o->has_index) {
		fprintf(stderr, PROG ": -d and -i are exclusive\n");
		return 2;
	}
	o->model_path = argv[optind];
	o->data_path = argv[optind + 1];
	return -1;
}

int main(int argc, char **argv)
{
	struct drm_aiaccel_stats before, after;
	struct aidrv_model_tensor tin, tout;
	struct drm_aiaccel_info info;
	struct aidrv_inference *inf = NULL;
	struct aidrv_device *dev = NULL;
	struct aidrv_model *m = NULL;
	struct input in = { 0 };
	int8_t *out = NULL, *ref = NULL;
	int64_t start, bind_ns = 0, run_ns = 0, cpu_ns = 0;
	uint32_t batch, correct = 0;
	struct opts o;
	char err[512];
	int ret, rc = 1;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	ret = aidrv_model_load_file(o.model_path, &m, err, sizeof(err));
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err[0] ? err : aidrv_strerror(ret));
		return 1;
	}
	aidrv_model_input(m, &tin);
	aidrv_model_output(m, &tout);
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
	out = malloc((size_t)in.count * tout.size);
	if (o.check)
		ref = malloc((size_t)in.count * tout.size);
	if (!out || (o.check && !ref)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}

	if (!o.quiet) {
		size_t wsize;

		aidrv_model_data(m, &wsize);
		printf("model: %s: %u layers, %u tensors, %u -> %u bytes per image, %zu bytes of weights\n",
		       o.model_path, aidrv_model_num_layers(m), aidrv_model_num_tensors(m),
		       tin.size, tout.size, wsize);
		printf("input: %s: %u images%s\n", o.data_path, in.count,
		       in.labels ? ", labelled" : "");
	}

	if (o.cpu) {
		if (run_cpu(m, &in, batch, out, tout.size, &run_ns))
			goto out;
		printf("cpu reference: %u images in %.3f s: %.1f images/s (batch %u)\n",
		       in.count, secs(run_ns), in.count / secs(run_ns > 0 ? run_ns : 1), batch);
	} else {
		if (open_device(&o, &dev))
			goto out;
		ret = aidrv_get_info(dev, &info);
		if (!ret)
			ret = aidrv_get_stats(dev, &before);
		if (ret) {
			fprintf(stderr, PROG ": %s: %s\n", aidrv_path(dev), aidrv_strerror(ret));
			goto out;
		}
		if (!o.quiet)
			printf("device: %s: %u engines, %u MHz, %" PRIu64 " MiB\n",
			       aidrv_path(dev), info.num_engines, info.max_clock_mhz,
			       (uint64_t)(info.mem_size >> 20));

		start = aidrv_now_ns();
		ret = aidrv_inference_create(dev, m, batch,
					     o.single ? AIDRV_INFERENCE_SINGLE_BUFFER : 0, &inf);
		bind_ns = aidrv_now_ns() - start;
		if (ret) {
			fprintf(stderr, PROG ": binding the model to %s: %s\n",
				aidrv_path(dev), aidrv_strerror(ret));
			goto out;
		}
		start = aidrv_now_ns();
		ret = aidrv_inference_run(inf, in.images, in.count, out,
					  (int64_t)(o.timeout_s * 1e9));
		run_ns = aidrv_now_ns() - start;
		if (ret) {
			fprintf(stderr, PROG ": running on %s: %s\n", aidrv_path(dev),
				aidrv_strerror(ret));
			goto out;
		}
		ret = aidrv_get_stats(dev, &after);
		if (ret) {
			fprintf(stderr, PROG ": %s: %s\n", aidrv_path(dev), aidrv_strerror(ret));
			goto out;
		}
		printf("device: %u images in %.3f s: %.1f images/s (batch %u, %s, %u jobs; bind %.3f s)\n",
		       in.count, secs(run_ns), in.count / secs(run_ns > 0 ? run_ns : 1), batch,
		       o.single ? "single-buffered" : "double-buffered",
		       (in.count + batch - 1) / batch, secs(bind_ns));
		if (!o.quiet)
			print_stats(&before, &after, info.num_engines, run_ns);
	}

	if (o.outputs)
		print_outputs(&in, out, tout.size);
	if (in.labels) {
		correct = accuracy(&in, out, tout.size);
		printf("accuracy: %u/%u correct (%.2f%%)\n", correct, in.count,
		       100.0 * correct / in.count);
	}
	if (!o.quiet)
		printf("outputs: fnv1a64 0x%016" PRIx64 "\n",
		       fnv1a64(out, (size_t)in.count * tout.size));

	rc = 0;
	if (o.check) {
		if (run_cpu(m, &in, batch, ref, tout.size, &cpu_ns)) {
			rc = 1;
			goto out;
		}
		printf("cpu reference: %u images in %.3f s: %.1f images/s\n", in.count,
		       secs(cpu_ns), in.count / secs(cpu_ns > 0 ? cpu_ns : 1));
		rc |= compare(out, ref, in.count, tout.size);
	}
	if (o.expected)
		rc |= check_expected(o.expected, &in, correct, out, tout.size);

out:
	aidrv_inference_free(inf);
	aidrv_close(dev);
	free(ref);
	free(out);
	free(in.raw);
	aidrv_dataset_free(in.set);
	aidrv_model_free(m);
	return rc;
}
