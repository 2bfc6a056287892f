// SPDX-License-Identifier: MIT
/*
 * test_inference: the device executor (aidrv_inference_*,
 * aidrv_run_inference()) against the real driver, run in the guest by
 * run-guest-tests.sh.  The demo network (demo/digits.aimodel) runs on its
 * test set through the accelerator in several batch sizes (1, one that
 * does not divide the set, a typical one, the whole set in one job),
 * double- and single-buffered, and through one reused executor; every
 * output byte must equal the CPU executor's, and the accuracy and output
 * hash demo/digits.expected records.  Then bad arguments, a job that
 * fails, and an executor freed while one of its jobs hangs: its device
 * memory must all come back.
 *
 * The demo files are read from $AIDRV_DEMO_DIR, by default /aiaccel/demo
 * (the repository as the guest mounts it).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aidrv.h"

#define SEC	AIDRV_NSEC_PER_SEC
#define MSEC	1000000LL
/* Generous: the guest is an emulated machine with debugging kernels. */
#define RUN_TIMEOUT	(120 * SEC)
#define SIM_DEBUGFS	"/sys/kernel/debug/aiaccel_sim/0/"

struct fixture {
	struct aidrv_device *dev;
	struct aidrv_model *model;
	struct aidrv_dataset *set;
	struct aidrv_model_tensor in, out;
	int8_t *ref;			/* CPU executor's outputs, whole set */
	int8_t *got;			/* room for the device's */
	unsigned long expect_correct;
	unsigned long long expect_hash;
};

static const char *demo_dir(void)
{
	const char *d = getenv("AIDRV_DEMO_DIR");

	return d && *d ? d : "/aiaccel/demo";
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

static int read_expected(struct fixture *f)
{
	char path[512], line[256];
	int found = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/digits.expected", demo_dir());
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		found += sscanf(line, "correct %lu", &f->expect_correct) == 1;
		found += sscanf(line, "outputs_fnv1a64 %llx", &f->expect_hash) == 1;
	}
	fclose(fp);
	return found == 2 ? 0 : -1;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512], err[512];
	size_t n;

	if (!f)
		return -1;
	*state = f;
	snprintf(path, sizeof(path), "%s/digits.aimodel", demo_dir());
	if (aidrv_model_load_file(path, &f->model, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/digits-test.bin", demo_dir());
	if (aidrv_dataset_load_file(path, &f->set, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (read_expected(f))
		return -1;
	aidrv_model_input(f->model, &f->in);
	aidrv_model_output(f->model, &f->out);
	if (f->set->image_size != f->in.size)
		return -1;
	n = (size_t)f->set->count * f->out.size;
	f->ref = malloc(n);
	f->got = malloc(n);
	if (!f->ref || !f->got)
		return -1;
	if (aidrv_model_run_cpu(f->model, f->set->images, f->set->count, f->ref))
		return -1;
	return aidrv_open_index(0, &f->dev) ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	aidrv_close(f->dev);
	aidrv_model_free(f->model);
	aidrv_dataset_free(f->set);
	free(f->ref);
	free(f->got);
	free(f);
	return 0;
}

/* The first n results of the device equal the CPU executor's, byte for byte. */
static void assert_same_as_cpu(const struct fixture *f, const int8_t *got, uint32_t n)
{
	size_t i, bytes = (size_t)n * f->out.size;

	for (i = 0; i < bytes; i++)
		if (got[i] != f->ref[i])
			fail_msg("image %zu, output %zu: device %d, cpu %d",
				 i / f->out.size, i % f->out.size, got[i], f->ref[i]);
}

/* The whole set's results are those demo/digits.expected records. */
static void assert_expected(const struct fixture *f, const int8_t *got)
{
	uint32_t i, correct = 0;

	for (i = 0; i < f->set->count; i++)
		correct += aidrv_argmax_s8(got + (size_t)i * f->out.size, f->out.size) ==
			   f->set->labels[i];
	assert_int_equal(correct, f->expect_correct);
	assert_int_equal(fnv1a64(got, (size_t)f->set->count * f->out.size),
			 f->expect_hash);
}

/* Run the first count images with a new executor of max_batch batch. */
static void run_batch(struct fixture *f, uint32_t batch, uint32_t flags, uint32_t count)
{
	struct aidrv_inference *inf;

	memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, batch, flags, &inf), 0);
	assert_int_equal(aidrv_inference_max_batch(inf), batch);
	assert_int_equal(aidrv_inference_run(inf, f->set->images, count, f->got,
					     RUN_TIMEOUT), 0);
	aidrv_inference_free(inf);
	assert_same_as_cpu(f, f->got, count);
}

/* One image per job (a prefix of the set: 1 job per image is slow here). */
static void test_batch_1(void **state)
{
	run_batch(*state, 1, 0, 40);
}

/* A batch that does not divide the set: the last job is partial. */
static void test_batch_7(void **state)
{
	struct fixture *f = *state;

	run_batch(f, 7, 0, f->set->count);
	assert_expected(f, f->got);
}

static void test_batch_64(void **state)
{
	struct fixture *f = *state;

	run_batch(f, 64, 0, f->set->count);
	assert_expected(f, f->got);
}

/* The whole set in one job. */
static void test_batch_all(void **state)
{
	struct fixture *f = *state;

	run_batch(f, f->set->count, 0, f->set->count);
	assert_expected(f, f->got);
}

static void test_single_buffer(void **state)
{
	struct fixture *f = *state;

	run_batch(f, 50, AIDRV_INFERENCE_SINGLE_BUFFER, f->set->count);
	assert_expected(f, f->got);
	run_batch(f, 1, AIDRV_INFERENCE_SINGLE_BUFFER, 9);
}

/*
 * One executor, several runs of different sizes: the command stream is
 * rebuilt for a partial batch and back for a full one, and nothing of a
 * run leaks into the next.
 */
static void test_reuse(void **state)
{
	static const uint32_t counts[] = { 100, 5, 32, 1, 360, 33 };
	struct fixture *f = *state;
	struct aidrv_inference *inf;
	unsigned int i;

	assert_int_equal(aidrv_inference_create(f->dev, f->model, 32, 0, &inf), 0);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
		assert_int_equal(aidrv_inference_run(inf, f->set->images, counts[i],
						     f->got, RUN_TIMEOUT), 0);
		assert_same_as_cpu(f, f->got, counts[i]);
		/* Nothing past the count is written. */
		if (counts[i] < f->set->count)
			assert_int_equal(f->got[(size_t)counts[i] * f->out.size], 0x5a);
	}
	aidrv_inference_free(inf);
}

/* aidrv_run_inference(): one batch, and more than one (256 per job). */
static void test_oneshot(void **state)
{
	struct fixture *f = *state;

	memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
	assert_int_equal(aidrv_run_inference(f->dev, f->model, f->set->images, 3,
					     f->got, RUN_TIMEOUT), 0);
	assert_same_as_cpu(f, f->got, 3);
	memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
	assert_int_equal(aidrv_run_inference(f->dev, f->model, f->set->images,
					     f->set->count, f->got,
					     AIDRV_TIMEOUT_INFINITE), 0);
	assert_same_as_cpu(f, f->got, f->set->count);
	assert_expected(f, f->got);
}

static void test_bad_args(void **state)
{
	struct fixture *f = *state;
	struct aidrv_inference *inf = (void *)1;
	const int8_t *img = f->set->images;
	uint32_t max = aidrv_model_max_batch(f->model);

	assert_int_equal(aidrv_inference_create(NULL, f->model, 1, 0, &inf), -EINVAL);
	assert_null(inf);
	assert_int_equal(aidrv_inference_create(f->dev, NULL, 1, 0, &inf), -EINVAL);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, 1, 0, NULL), -EINVAL);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, 0, 0, &inf), -EINVAL);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, 1, 1u << 9, &inf), -EINVAL);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, max + 1, 0, &inf), -E2BIG);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, UINT32_MAX, 0, &inf), -E2BIG);
	assert_null(inf);
	/* Within the ISA's limit, past the device's memory budget. */
	assert_int_equal(aidrv_inference_create(f->dev, f->model, max, 0, &inf), -ENOMEM);
	assert_null(inf);

	assert_int_equal(aidrv_inference_create(f->dev, f->model, 4, 0, &inf), 0);
	assert_int_equal(aidrv_inference_run(NULL, img, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run(inf, NULL, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run(inf, img, 1, NULL, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run(inf, img, 0, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run(inf, img, 1, f->got, -1), -EINVAL);
	/* Still usable after refusing them. */
	assert_int_equal(aidrv_inference_run(inf, img, 6, f->got, RUN_TIMEOUT), 0);
	assert_same_as_cpu(f, f->got, 6);
	aidrv_inference_free(inf);

	assert_int_equal(aidrv_inference_max_batch(NULL), 0);
	aidrv_inference_free(NULL);

	assert_int_equal(aidrv_run_inference(NULL, f->model, img, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_run_inference(f->dev, NULL, img, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_run_inference(f->dev, f->model, NULL, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_run_inference(f->dev, f->model, img, 0, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_run_inference(f->dev, f->model, img, 1, NULL, SEC), -EINVAL);
	assert_int_equal(aidrv_run_inference(f->dev, f->model, img, 1, f->got, -5), -EINVAL);
}

static FILE *sim_hook(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), SIM_DEBUGFS "%s", name);
	return fopen(path, "w");
}

static void arm_hook(const char *name)
{
	FILE *hook = sim_hook(name);

	if (!hook)
		skip();
	assert_true(fprintf(hook, "1\n") > 0);
	assert_int_equal(fclose(hook), 0);
}

/*
 * A job that fails (the model's error_next_job hook: a bus error) fails
 * the run with its error; the executor runs the next one correctly.
 */
static void test_job_error(void **state)
{
	struct fixture *f = *state;
	struct aidrv_inference *inf;

	assert_int_equal(aidrv_inference_create(f->dev, f->model, 16, 0, &inf), 0);
	arm_hook("error_next_job");
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 100, f->got,
					     RUN_TIMEOUT), -EIO);
	memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 100, f->got,
					     RUN_TIMEOUT), 0);
	assert_same_as_cpu(f, f->got, 100);
	aidrv_inference_free(inf);
}

/*
 * Freeing mid-way: the first job hangs its engine (hang_next_job), the
 * run gives up at its deadline with -ETIME, and the executor is freed
 * while that job still runs.  The file's buffers are gone at once; the
 * device's memory comes back to what it was once the driver has reset
 * the engine and failed the job.  (valgrind checks the host side.)  On a
 * device handle of its own: a hang bans the file.
 */
static void test_free_midway(void **state)
{
	struct fixture *f = *state;
	struct drm_aiaccel_stats st0, st;
	struct aidrv_inference *inf;
	struct aidrv_device *dev;
	int64_t t0;

	assert_int_equal(aidrv_open_index(0, &dev), 0);
	assert_int_equal(aidrv_get_stats(dev, &st0), 0);
	assert_int_equal(aidrv_inference_create(dev, f->model, 8, 0, &inf), 0);
	assert_int_equal(aidrv_get_stats(dev, &st), 0);
	assert_true(st.file_mem_used > st0.file_mem_used);
	assert_true(st.mem_used > st0.mem_used);

	arm_hook("hang_next_job");
	t0 = aidrv_now_ns();
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 64, f->got,
					     200 * MSEC), -ETIME);
	assert_true(aidrv_now_ns() - t0 >= 200 * MSEC);
	aidrv_inference_free(inf);

	assert_int_equal(aidrv_get_stats(dev, &st), 0);
	assert_int_equal(st.file_mem_used, st0.file_mem_used);
	t0 = aidrv_now_ns();
	while (st.mem_used != st0.mem_used && aidrv_now_ns() - t0 < 60 * SEC) {
		usleep(50000);
		assert_int_equal(aidrv_get_stats(dev, &st), 0);
	}
	assert_int_equal(st.mem_used, st0.mem_used);
	assert_true(st.file_jobs_timed_out > st0.file_jobs_timed_out);
	aidrv_close(dev);
}

/*
 * The same, but the run after the timeout waits for the hung job first:
 * it ends with the ban the hang earned the file, and the executor is
 * freed after that.
 */
static void test_run_after_timeout(void **state)
{
	struct fixture *f = *state;
	struct aidrv_inference *inf;
	struct aidrv_device *dev;

	assert_int_equal(aidrv_open_index(0, &dev), 0);
	assert_int_equal(aidrv_inference_create(dev, f->model, 8,
						AIDRV_INFERENCE_SINGLE_BUFFER, &inf), 0);
	arm_hook("hang_next_job");
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 8, f->got,
					     100 * MSEC), -ETIME);
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 8, f->got,
					     RUN_TIMEOUT), -ECANCELED);
	aidrv_inference_free(inf);
	aidrv_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_1),
		cmocka_unit_test(test_batch_7),
		cmocka_unit_test(test_batch_64),
		cmocka_unit_test(test_batch_all),
		cmocka_unit_test(test_single_buffer),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_oneshot),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_job_error),
		cmocka_unit_test(test_free_midway),
		cmocka_unit_test(test_run_after_timeout),
	};

	return cmocka_run_group_tests_name("inference", tests, setup, teardown);
}
