// SPDX-License-Identifier: MIT
/*
 * bench_infer: the share of wall time a network's run spends outside the
 * engines (submitting, waiting, copying, the library's own work), on the
 * copying path and on the zero-copy path.
 *
 * For each network (MODEL DATASET pairs on the command line), batches of
 * 64 images of its test set, every batch once:
 *
 *   copying    aidrv_inference_run() on the whole set, single-buffered
 *              (one job at a time: each batch copied in, run, waited for,
 *              copied out);
 *   zero-copy  the set placed in one device buffer once, a binding per
 *              batch (aidrv_binding_create(), made before timing) and
 *              every job submitted back to back (aidrv_binding_submit()),
 *              then the last one waited for.
 *
 * Every job runs on engine 0, so at most one engine works at a time and
 * "outside" is the wall time no engine spent on the jobs: 1 - busy/wall,
 * busy from GET_STATS (file_engine_busy_ns).  Both paths' outputs are
 * compared with the CPU reference.  Figures, not assertions.
 *
 * Usage: bench_infer [-d DEV] MODEL DATASET [MODEL DATASET...]
 * "result key=value" lines are for scripts.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"

#define BATCH		64
#define TIMEOUT		(600 * AIDRV_NSEC_PER_SEC)

static uint64_t busy_ns(struct aidrv_device *dev)
{
	struct drm_aiaccel_stats st;
	uint64_t sum = 0;
	unsigned int e;

	if (aidrv_device_get_stats(dev, &st, sizeof(st)))
		return 0;
	for (e = 0; e < DRM_AIACCEL_MAX_ENGINES; e++)
		sum += st.file_engine_busy_ns[e];
	return sum;
}

struct figures {
	int64_t wall;
	uint64_t busy;
};

static void print_row(const char *net, const char *path, uint32_t images, const struct figures *f)
{
	double out = f->wall > 0 ? 100.0 * (1.0 - (double)f->busy / (double)f->wall) : 0;

	printf("  %-9s %6u images in %8.1f ms, engines busy %8.1f ms: %5.1f%% outside the engines\n",
	       path, images, f->wall / 1e6, f->busy / 1e6, out);
	printf("result net=%s path=%s wall_us=%.0f busy_us=%.0f outside_pct=%.2f\n", net, path,
	       f->wall / 1e3, f->busy / 1e3, out);
}

static int copying(struct aidrv_device *dev, const struct aidrv_model *m,
		   const struct aidrv_dataset *set, uint32_t n, int8_t *out, struct figures *f)
{
	struct aidrv_inference *inf;
	uint64_t b0;
	int64_t t0;
	int ret;

	ret = aidrv_inference_create(dev, m, BATCH, AIDRV_INFERENCE_SINGLE_BUFFER, &inf);
	if (ret)
		return ret;
	/* Warm up (buffers made at the first run, device powered), then time. */
	ret = aidrv_inference_run(inf, set->images, BATCH, out, TIMEOUT);
	b0 = busy_ns(dev);
	t0 = aidrv_now_ns();
	if (!ret)
		ret = aidrv_inference_run(inf, set->images, n, out, TIMEOUT);
	f->wall = aidrv_now_ns() - t0;
	f->busy = busy_ns(dev) - b0;
	aidrv_inference_free(inf);
	return ret;
}

static int zero_copy(struct aidrv_device *dev, const struct aidrv_model *m,
		     const struct aidrv_dataset *set, uint32_t n, int8_t *out, struct figures *f)
{
	struct aidrv_model_tensor tin, tout;
	uint32_t nb = n / BATCH, i;
	struct aidrv_binding **b = calloc(nb, sizeof(*b));
	struct aidrv_job **jobs = calloc(nb, sizeof(*jobs));
	struct aidrv_inference *inf = NULL;
	struct aidrv_bo *in = NULL, *res = NULL;
	struct aidrv_submit s;
	void *im, *om;
	uint64_t b0;
	int64_t t0;
	int ret;

	if (!b || !jobs) {
		ret = -ENOMEM;
		goto out;
	}
	aidrv_model_input(m, &tin, sizeof(tin));
	aidrv_model_output(m, &tout, sizeof(tout));
	ret = aidrv_inference_create(dev, m, BATCH, 0, &inf);
	if (!ret)
		ret = aidrv_bo_create(dev, (uint64_t)n * tin.size, DRM_AIACCEL_BO_DEVICE_READ_ONLY,
				      &in);
	if (!ret)
		ret = aidrv_bo_create(dev, (uint64_t)n * tout.size, 0, &res);
	if (!ret)
		ret = aidrv_bo_map(in, &im);
	if (ret)
		goto out;
	/* The data arrives once, as a camera's frames would: not timed. */
	memcpy(im, set->images, (size_t)n * tin.size);
	aidrv_bo_unmap(in);
	for (i = 0; i < nb && !ret; i++) {
		struct aidrv_bind d = {
			.size = sizeof(d),
			.batch = BATCH,
			.input = in,
			.input_offset = (uint64_t)i * BATCH * tin.size,
			.output = res,
			.output_offset = (uint64_t)i * BATCH * tout.size,
		};

		ret = aidrv_binding_create(inf, &d, &b[i]);
	}
	aidrv_submit_init(&s, sizeof(s));
	s.engine = 0;
	s.flags = DRM_AIACCEL_SUBMIT_ENGINE;
	/* Warm up with the first batch. */
	if (!ret)
		ret = aidrv_binding_submit(b[0], &s, &jobs[0]);
	if (!ret)
		ret = aidrv_job_wait(jobs[0], TIMEOUT, 0);
	aidrv_job_free(jobs[0]);
	jobs[0] = NULL;
	if (ret)
		goto out;

	b0 = busy_ns(dev);
	t0 = aidrv_now_ns();
	for (i = 0; i < nb && !ret; i++)
		ret = aidrv_binding_submit(b[i], &s, i == nb - 1 ? &jobs[i] : NULL);
	if (!ret)
		ret = aidrv_job_wait(jobs[nb - 1], TIMEOUT, 0);
	if (!ret)
		ret = aidrv_job_status(jobs[nb - 1]);
	f->wall = aidrv_now_ns() - t0;
	f->busy = busy_ns(dev) - b0;
	if (!ret)
		ret = aidrv_bo_map(res, &om);
	if (!ret) {
		memcpy(out, om, (size_t)n * tout.size);
		aidrv_bo_unmap(res);
	}
out:
	for (i = 0; b && i < nb; i++) {
		aidrv_binding_free(b[i]);
		aidrv_job_free(jobs[i]);
	}
	free(b);
	free(jobs);
	aidrv_bo_free(in);
	aidrv_bo_free(res);
	aidrv_inference_free(inf);
	return ret;
}

static int bench_net(struct aidrv_device *dev, const char *model_path, const char *data_path)
{
	struct aidrv_model_tensor tout;
	struct aidrv_dataset *set = NULL;
	struct aidrv_model *m = NULL;
	struct figures fc, fz;
	int8_t *ref = NULL, *out = NULL;
	const char *net = strrchr(model_path, '/');
	char err[256];
	size_t bytes;
	uint32_t n;
	int ret;

	net = net ? net + 1 : model_path;
	ret = aidrv_model_load_file(model_path, &m, err, sizeof(err));
	if (!ret)
		ret = aidrv_dataset_load_file(data_path, &set, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "bench_infer: %s\n", err);
		goto out;
	}
	aidrv_model_output(m, &tout, sizeof(tout));
	n = set->count / BATCH * BATCH;
	bytes = (size_t)n * tout.size;
	ref = malloc(bytes);
	out = malloc(bytes);
	if (!ref || !out) {
		ret = -ENOMEM;
		goto out;
	}
	ret = aidrv_model_run_cpu(m, set->images, n < 256 ? n : 256, ref);
	if (ret)
		goto out;
	printf("%s: %u images, batches of %d, on engine 0\n", net, n, BATCH);
	ret = copying(dev, m, set, n, out, &fc);
	if (ret)
		goto out;
	if (memcmp(out, ref, (size_t)(n < 256 ? n : 256) * tout.size))
		printf("  copying: outputs DIFFER from the CPU reference\n");
	print_row(net, "copying", n, &fc);
	memset(out, 0, bytes);
	ret = zero_copy(dev, m, set, n, out, &fz);
	if (ret)
		goto out;
	if (memcmp(out, ref, (size_t)(n < 256 ? n : 256) * tout.size))
		printf("  zero-copy: outputs DIFFER from the CPU reference\n");
	print_row(net, "zero-copy", n, &fz);
out:
	if (ret)
		fprintf(stderr, "bench_infer: %s: %s\n", net, aidrv_strerror(ret));
	free(ref);
	free(out);
	aidrv_dataset_free(set);
	aidrv_model_free(m);
	return ret;
}

int main(int argc, char **argv)
{
	struct aidrv_device *dev;
	const char *name = NULL;
	int opt, i, ret = 0;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd') {
			fprintf(stderr, "usage: bench_infer [-d DEV] MODEL DATASET...\n");
			return 2;
		}
		name = optarg;
	}
	if (optind == argc || (argc - optind) % 2) {
		fprintf(stderr, "usage: bench_infer [-d DEV] MODEL DATASET...\n");
		return 2;
	}
	ret = aidrv_device_open(name, &dev);
	if (ret) {
		fprintf(stderr, "bench_infer: %s\n", aidrv_strerror(ret));
		return 1;
	}
	for (i = optind; i < argc && !ret; i += 2)
		ret = bench_net(dev, argv[i], argv[i + 1]);
	aidrv_device_close(dev);
	return ret ? 1 : 0;
}
