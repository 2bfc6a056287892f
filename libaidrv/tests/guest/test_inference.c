// SPDX-License-Identifier: MIT
/*
 * test_inference: the device executor (aidrv_inference_*,
 * aidrv_inference_run_once()) against the real driver, run in the guest by
 * run-guest-tests.sh.  The demo network (demo/digits.aimodel) runs on its
 * test set through the accelerator in several batch sizes (1, one that
 * does not divide the set, a typical one, the whole set in one job),
 * double- and single-buffered, and through one reused executor; every
 * output byte must equal the CPU executor's, and the accuracy and output
 * hash demo/digits.expected records.  Then bad arguments, a job that
 * fails, and an executor freed while one of its jobs hangs: its device
 * memory must all come back.
 *
 * Then the zero-copy path (aidrv_binding_*): the model bound to buffers
 * created on the device, to user memory and to dma-bufs imported from
 * another file, run asynchronously, behind a sync_file in-fence (a
 * sw_sync fence the test signals), pipelined over two bindings; outputs
 * again equal to the CPU executor's, and the bad arguments.
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
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

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
	aidrv_model_input(f->model, &f->in, sizeof(f->in));
	aidrv_model_output(f->model, &f->out, sizeof(f->out));
	if (f->set->image_size != f->in.size)
		return -1;
	n = (size_t)f->set->count * f->out.size;
	f->ref = malloc(n);
	f->got = malloc(n);
	if (!f->ref || !f->got)
		return -1;
	if (aidrv_model_run_cpu(f->model, f->set->images, f->set->count, f->ref))
		return -1;
	return aidrv_device_open_index(0, &f->dev) ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	aidrv_device_close(f->dev);
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

/* aidrv_inference_run_once(): one batch, and more than one (256 per job). */
static void test_oneshot(void **state)
{
	struct fixture *f = *state;

	memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
	assert_int_equal(aidrv_inference_run_once(f->dev, f->model, f->set->images, 3,
					     f->got, RUN_TIMEOUT), 0);
	assert_same_as_cpu(f, f->got, 3);
	memset(f->got, 0x5a, (size_t)f->set->count * f->out.size);
	assert_int_equal(aidrv_inference_run_once(f->dev, f->model, f->set->images,
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
	/*
	 * Within the ISA's limit, past the device's memory budget: the
	 * buffers of aidrv_inference_run() are made at its first call.
	 */
	assert_int_equal(aidrv_inference_create(f->dev, f->model, max, 0, &inf), 0);
	assert_int_equal(aidrv_inference_run(inf, img, 1, f->got, SEC), -ENOMEM);
	aidrv_inference_free(inf);

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

	assert_int_equal(aidrv_inference_run_once(NULL, f->model, img, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run_once(f->dev, NULL, img, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run_once(f->dev, f->model, NULL, 1, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run_once(f->dev, f->model, img, 0, f->got, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run_once(f->dev, f->model, img, 1, NULL, SEC), -EINVAL);
	assert_int_equal(aidrv_inference_run_once(f->dev, f->model, img, 1, f->got, -5), -EINVAL);
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
 * the engine and failed the job.  The device's count is device-wide:
 * buffers of earlier tests' jobs may still be on their way out when it is
 * first read, so it may end lower, never higher.  (valgrind checks the host side.)  On a
 * device handle of its own: a hang bans the file.
 */
static void test_free_midway(void **state)
{
	struct fixture *f = *state;
	struct drm_aiaccel_stats st0, st;
	struct aidrv_inference *inf;
	struct aidrv_device *dev;
	int64_t t0;

	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_device_get_stats(dev, &st0, sizeof(st0)), 0);
	assert_int_equal(aidrv_inference_create(dev, f->model, 8, 0, &inf), 0);
	assert_int_equal(aidrv_device_get_stats(dev, &st, sizeof(st)), 0);
	assert_true(st.file_mem_used > st0.file_mem_used);

	arm_hook("hang_next_job");
	t0 = aidrv_now_ns();
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 64, f->got,
					     200 * MSEC), -ETIME);
	assert_true(aidrv_now_ns() - t0 >= 200 * MSEC);
	aidrv_inference_free(inf);

	assert_int_equal(aidrv_device_get_stats(dev, &st, sizeof(st)), 0);
	assert_int_equal(st.file_mem_used, st0.file_mem_used);
	t0 = aidrv_now_ns();
	while (st.mem_used > st0.mem_used && aidrv_now_ns() - t0 < 60 * SEC) {
		usleep(50000);
		assert_int_equal(aidrv_device_get_stats(dev, &st, sizeof(st)), 0);
	}
	assert_true(st.mem_used <= st0.mem_used);
	assert_true(st.file_jobs_timed_out > st0.file_jobs_timed_out);
	aidrv_device_close(dev);
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

	assert_int_equal(aidrv_device_open_index(0, &dev), 0);
	assert_int_equal(aidrv_inference_create(dev, f->model, 8,
						AIDRV_INFERENCE_SINGLE_BUFFER, &inf), 0);
	arm_hook("hang_next_job");
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 8, f->got,
					     100 * MSEC), -ETIME);
	assert_int_equal(aidrv_inference_run(inf, f->set->images, 8, f->got,
					     RUN_TIMEOUT), -ECANCELED);
	aidrv_inference_free(inf);
	aidrv_device_close(dev);
}


/*
 * Bindings.
 */

#define BIND_BATCH	16

/* A sw_sync timeline (debugfs), for in-fences the test signals itself. */
struct sw_sync_create_fence_data {
	uint32_t value;
	char name[32];
	int32_t fence;
};

#define SW_SYNC_IOC_CREATE_FENCE	_IOWR('W', 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC			_IOW('W', 1, uint32_t)

/* Run a bound job on images [first, first + BIND_BATCH) and check it. */
static void bind_run_check(struct fixture *f, struct aidrv_binding *b, void *in_map,
			   const void *out_map, uint32_t first)
{
	struct aidrv_job *job;

	memcpy(in_map, f->set->images + (size_t)first * f->in.size,
	       (size_t)BIND_BATCH * f->in.size);
	assert_int_equal(aidrv_binding_submit(b, NULL, &job), 0);
	assert_int_equal(aidrv_job_wait(job, RUN_TIMEOUT, 0), 0);
	assert_int_equal(aidrv_job_status(job), 0);
	aidrv_job_free(job);
	assert_memory_equal(out_map, f->ref + (size_t)first * f->out.size,
			    (size_t)BIND_BATCH * f->out.size);
}

static struct aidrv_bind bind_desc(struct aidrv_bo *in, uint64_t in_off, struct aidrv_bo *out,
				   uint64_t out_off)
{
	return (struct aidrv_bind){
		.size = sizeof(struct aidrv_bind),
		.batch = BIND_BATCH,
		.input = in,
		.input_offset = in_off,
		.output = out,
		.output_offset = out_off,
	};
}

/* Buffers created on the device, the tensors at offsets in them. */
static void test_binding_created(void **state)
{
	struct fixture *f = *state;
	struct aidrv_inference *inf;
	struct aidrv_binding *b;
	struct aidrv_bo *in, *out;
	struct aidrv_bind d;
	uint8_t *im, *om;

	assert_int_equal(aidrv_inference_create(f->dev, f->model, BIND_BATCH, 0, &inf), 0);
	assert_int_equal(aidrv_bo_create(f->dev, 4096 + BIND_BATCH * f->in.size, 0, &in), 0);
	assert_int_equal(aidrv_bo_create(f->dev, 256 + BIND_BATCH * f->out.size, 0, &out), 0);
	assert_int_equal(aidrv_bo_map(in, (void **)&im), 0);
	assert_int_equal(aidrv_bo_map(out, (void **)&om), 0);
	d = bind_desc(in, 4096, out, 200);
	assert_int_equal(aidrv_binding_create(inf, &d, &b), 0);
	/* The binding holds its own references: the caller may drop its. */
	bind_run_check(f, b, im + 4096, om + 200, 0);
	bind_run_check(f, b, im + 4096, om + 200, 3 * BIND_BATCH);
	aidrv_binding_free(b);
	aidrv_bo_unmap(in);
	aidrv_bo_unmap(out);
	aidrv_bo_free(in);
	aidrv_bo_free(out);
	aidrv_inference_free(inf);
}

/* The caller's own memory, through aidrv_bo_create_userptr(). */
static void test_binding_userptr(void **state)
{
	struct fixture *f = *state;
	size_t in_len = ((size_t)BIND_BATCH * f->in.size + 4095) & ~4095ul;
	size_t out_len = ((size_t)BIND_BATCH * f->out.size + 4095) & ~4095ul;
	struct aidrv_inference *inf;
	struct aidrv_binding *b;
	struct aidrv_bo *in, *out;
	struct aidrv_bind d;
	uint8_t *im, *om;
	void *map;

	im = mmap(NULL, in_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	om = mmap(NULL, out_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(im != MAP_FAILED && om != MAP_FAILED);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, BIND_BATCH, 0, &inf), 0);
	assert_int_equal(aidrv_bo_create_userptr(f->dev, im, in_len,
						 DRM_AIACCEL_BO_DEVICE_READ_ONLY, &in), 0);
	assert_int_equal(aidrv_bo_create_userptr(f->dev, om, out_len, 0, &out), 0);
	assert_int_equal(aidrv_bo_info_flags(in), DRM_AIACCEL_BO_INFO_USERPTR);
	assert_int_equal(aidrv_bo_flags(in), DRM_AIACCEL_BO_DEVICE_READ_ONLY);
	assert_int_equal(aidrv_bo_size(out), out_len);
	/* The CPU mapping of user memory is the memory itself. */
	assert_int_equal(aidrv_bo_map(out, &map), 0);
	assert_ptr_equal(map, om);
	assert_int_equal(aidrv_bo_unmap(out), 0);
	d = bind_desc(in, 0, out, 0);
	assert_int_equal(aidrv_binding_create(inf, &d, &b), 0);
	bind_run_check(f, b, im, om, BIND_BATCH);
	aidrv_binding_free(b);
	aidrv_bo_free(in);
	aidrv_bo_free(out);
	aidrv_inference_free(inf);
	munmap(im, in_len);
	munmap(om, out_len);

	/* Misaligned or unmapped memory is refused. */
	assert_int_equal(aidrv_bo_create_userptr(f->dev, (void *)4097, 4096, 0, &in), -EINVAL);
	assert_null(in);
	assert_int_equal(aidrv_bo_create_userptr(f->dev, im, in_len, 0, &in), -EFAULT);
}

/* dma-bufs another file exported: imported, bound, used in place. */
static void test_binding_imported(void **state)
{
	struct fixture *f = *state;
	struct aidrv_bo *in0, *out0, *in, *out;
	struct aidrv_inference *inf;
	struct aidrv_device *other;
	struct aidrv_binding *b;
	struct aidrv_bind d;
	uint8_t *im, *om;
	int fd;

	assert_int_equal(aidrv_device_open_index(0, &other), 0);
	assert_int_equal(aidrv_bo_create(other, BIND_BATCH * f->in.size, 0, &in0), 0);
	assert_int_equal(aidrv_bo_create(other, BIND_BATCH * f->out.size, 0, &out0), 0);
	assert_int_equal(aidrv_bo_export(in0, &fd), 0);
	assert_int_equal(aidrv_bo_import(f->dev, fd, &in), 0);
	close(fd);
	assert_int_equal(aidrv_bo_export(out0, &fd), 0);
	assert_int_equal(aidrv_bo_import(f->dev, fd, &out), 0);
	close(fd);
	assert_int_equal(aidrv_bo_info_flags(in), 0);	/* same device: not foreign */
	assert_int_equal(aidrv_bo_map(in0, (void **)&im), 0);
	assert_int_equal(aidrv_bo_map(out0, (void **)&om), 0);

	assert_int_equal(aidrv_inference_create(f->dev, f->model, BIND_BATCH, 0, &inf), 0);
	d = bind_desc(in, 0, out, 0);
	assert_int_equal(aidrv_binding_create(inf, &d, &b), 0);
	/* Written and read through the exporter's mappings only. */
	bind_run_check(f, b, im, om, 5 * BIND_BATCH);
	aidrv_binding_free(b);
	aidrv_inference_free(inf);
	aidrv_bo_free(in);
	aidrv_bo_free(out);
	aidrv_bo_unmap(in0);
	aidrv_bo_unmap(out0);
	aidrv_bo_free(in0);
	aidrv_bo_free(out0);
	aidrv_device_close(other);
}

/*
 * Asynchronous: a job behind a sw_sync in-fence does not run before the
 * fence signals; its completion comes back as a sync_file and as a
 * timeline point.
 */
static void test_binding_fences(void **state)
{
	struct fixture *f = *state;
	struct sw_sync_create_fence_data fence = { .value = 1, .name = "test" };
	struct aidrv_inference *inf;
	struct aidrv_binding *b;
	struct aidrv_bo *in, *out;
	struct aidrv_job *job, *next;
	struct aidrv_submit s;
	struct aidrv_sync point;
	struct aidrv_bind d;
	uint32_t one = 1, timeline;
	struct pollfd pfd;
	uint8_t *im, *om;
	int tl, out_fd;

	tl = open("/sys/kernel/debug/sync/sw_sync", O_RDWR | O_CLOEXEC);
	if (tl < 0)
		skip();
	assert_int_equal(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, &fence), 0);

	assert_int_equal(aidrv_inference_create(f->dev, f->model, BIND_BATCH, 0, &inf), 0);
	assert_int_equal(aidrv_bo_create(f->dev, BIND_BATCH * f->in.size, 0, &in), 0);
	assert_int_equal(aidrv_bo_create(f->dev, BIND_BATCH * f->out.size, 0, &out), 0);
	assert_int_equal(aidrv_bo_map(in, (void **)&im), 0);
	assert_int_equal(aidrv_bo_map(out, (void **)&om), 0);
	memcpy(im, f->set->images + 7 * BIND_BATCH * f->in.size, BIND_BATCH * f->in.size);
	memset(om, 0x5a, BIND_BATCH * f->out.size);
	d = bind_desc(in, 0, out, 0);
	assert_int_equal(aidrv_binding_create(inf, &d, &b), 0);
	assert_int_equal(aidrv_syncobj_create(f->dev, 0, &timeline), 0);

	aidrv_submit_init(&s, sizeof(s));
	s.in_fence_fd = fence.fence;
	point = (struct aidrv_sync){ .handle = timeline, .point = 5 };
	s.out_syncs = &point;
	s.out_sync_count = 1;
	assert_int_equal(aidrv_binding_submit(b, &s, &job), 0);
	/* The submit took the fence: the caller's fd may go. */
	close(fence.fence);
	assert_int_equal(aidrv_job_sync_file(job, &out_fd), 0);
	/*
	 * The binding's next job, without implicit sync and without fences
	 * of its own, still comes after: it shares the buffers in between.
	 */
	aidrv_submit_init(&s, sizeof(s));
	s.flags = DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC;
	assert_int_equal(aidrv_binding_submit(b, &s, &next), 0);

	/* Held by the fence. */
	usleep(300000);
	assert_int_equal(aidrv_job_status(job), -EINPROGRESS);
	assert_int_equal(aidrv_job_status(next), -EINPROGRESS);
	assert_int_equal(aidrv_syncobj_wait(f->dev, timeline, 5, 0, 0), -ETIME);
	pfd = (struct pollfd){ .fd = out_fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 0), 0);
	assert_int_equal((uint8_t)om[0], 0x5a);

	assert_int_equal(ioctl(tl, SW_SYNC_IOC_INC, &one), 0);
	assert_int_equal(poll(&pfd, 1, (int)(RUN_TIMEOUT / MSEC)), 1);
	assert_int_equal(aidrv_job_wait(job, 0, 0), 0);
	assert_int_equal(aidrv_job_status(job), 0);
	assert_int_equal(aidrv_syncobj_wait(f->dev, timeline, 5, RUN_TIMEOUT, 0), 0);
	assert_int_equal(aidrv_job_wait(next, RUN_TIMEOUT, 0), 0);
	assert_int_equal(aidrv_job_status(next), 0);
	aidrv_job_free(next);
	assert_memory_equal(om, f->ref + (size_t)7 * BIND_BATCH * f->out.size,
			    (size_t)BIND_BATCH * f->out.size);

	close(out_fd);
	aidrv_job_free(job);
	aidrv_syncobj_free(f->dev, timeline);
	aidrv_binding_free(b);
	aidrv_bo_unmap(in);
	aidrv_bo_unmap(out);
	aidrv_bo_free(in);
	aidrv_bo_free(out);
	aidrv_inference_free(inf);
	close(tl);
}

/*
 * Two bindings over the halves of one input and one output buffer, every
 * job queued before any is waited for: the whole test set, no copy.
 */
static void test_binding_pipelined(void **state)
{
	struct fixture *f = *state;
	uint32_t nb = f->set->count / BIND_BATCH, i;
	struct aidrv_binding *b[2];
	struct aidrv_inference *inf;
	struct aidrv_bo *in, *out;
	struct aidrv_job **jobs;
	uint8_t *im, *om;

	jobs = calloc(nb, sizeof(*jobs));
	assert_non_null(jobs);
	assert_int_equal(aidrv_inference_create(f->dev, f->model, BIND_BATCH, 0, &inf), 0);
	assert_int_equal(aidrv_bo_create(f->dev, (uint64_t)nb * BIND_BATCH * f->in.size, 0, &in),
			 0);
	assert_int_equal(aidrv_bo_create(f->dev, (uint64_t)nb * BIND_BATCH * f->out.size, 0,
					 &out), 0);
	assert_int_equal(aidrv_bo_map(in, (void **)&im), 0);
	assert_int_equal(aidrv_bo_map(out, (void **)&om), 0);
	memcpy(im, f->set->images, (size_t)nb * BIND_BATCH * f->in.size);
	/* Binding i runs batch j from its own offsets: one binding per batch. */
	for (i = 0; i < nb; i++) {
		struct aidrv_bind d = bind_desc(in, (uint64_t)i * BIND_BATCH * f->in.size, out,
						(uint64_t)i * BIND_BATCH * f->out.size);
		struct aidrv_binding *one;

		assert_int_equal(aidrv_binding_create(inf, &d, &one), 0);
		assert_int_equal(aidrv_binding_submit(one, NULL, &jobs[i]), 0);
		/* Freeing a binding with its job queued is safe. */
		aidrv_binding_free(one);
	}
	for (i = 0; i < nb; i++) {
		assert_int_equal(aidrv_job_wait(jobs[i], RUN_TIMEOUT, 0), 0);
		assert_int_equal(aidrv_job_status(jobs[i]), 0);
		aidrv_job_free(jobs[i]);
	}
	assert_memory_equal(om, f->ref, (size_t)nb * BIND_BATCH * f->out.size);

	/* Bad arguments. */
	{
		struct aidrv_bind d = bind_desc(in, 0, out, 0);
		struct aidrv_submit s;
		struct aidrv_device *other;
		struct aidrv_bo *foreign;

		d.batch = 0;
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		assert_null(b[0]);
		d.batch = BIND_BATCH + 1;
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		d = bind_desc(in, aidrv_bo_size(in) - 1, out, 0);
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		d = bind_desc(in, 0, in, 10);	/* overlapping tensors */
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		d = bind_desc(in, 0, NULL, 0);
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		d = bind_desc(in, 0, out, 0);
		d.size = sizeof(d) - 8;
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		assert_int_equal(aidrv_device_open_index(0, &other), 0);
		assert_int_equal(aidrv_bo_create(other, aidrv_bo_size(in), 0, &foreign), 0);
		d = bind_desc(foreign, 0, out, 0);
		assert_int_equal(aidrv_binding_create(inf, &d, &b[0]), -EINVAL);
		aidrv_bo_free(foreign);
		aidrv_device_close(other);

		d = bind_desc(in, 0, out, 0);
		assert_int_equal(aidrv_binding_create(inf, &d, &b[1]), 0);
		aidrv_submit_init(&s, sizeof(s));
		s.cs_size = 8;
		assert_int_equal(aidrv_binding_submit(b[1], &s, NULL), -EINVAL);
		aidrv_binding_free(b[1]);
	}
	aidrv_bo_unmap(in);
	aidrv_bo_unmap(out);
	aidrv_bo_free(in);
	aidrv_bo_free(out);
	aidrv_inference_free(inf);
	free(jobs);
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
		cmocka_unit_test(test_binding_created),
		cmocka_unit_test(test_binding_userptr),
		cmocka_unit_test(test_binding_imported),
		cmocka_unit_test(test_binding_fences),
		cmocka_unit_test(test_binding_pipelined),
	};

	return cmocka_run_group_tests_name("inference", tests, setup, teardown);
}
