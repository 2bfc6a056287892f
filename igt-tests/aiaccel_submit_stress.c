// SPDX-License-Identifier: MIT
/*
 * aiaccel_submit_stress: more jobs than the rings hold, and many short
 * jobs.
 *
 * queue-4x-depth-in-order queues four times queue_depth jobs, so that
 * most of them wait in the scheduler for ring space (the credit limit),
 * and checks they all run, in order.  The short-jobs tests make jobs
 * complete (and the scheduler free them) while their SUBMIT ioctl is still
 * returning: a driver that touches a job after pushing it to the scheduler
 * reads freed memory there, KASAN reports it and the kernel-log gate fails
 * the run.  jobs-freed-while-signalled runs enough of them that the
 * scheduler frees jobs while their finished fences' callbacks still run
 * (aiaccel_soak found that one).
 *
 * The device is rebound with queue_depth=16 for these tests (and with the
 * value it had afterwards), so that 4 x queue_depth jobs stay few enough for a
 * debug kernel under emulation.  No subtest keeps a file open across the
 * rebinds.  This binary runs last among the submission tests (igt_runner
 * goes in name order): a kernel oops would leave the device unusable for
 * whatever followed.
 */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_vgem.h"

IGT_TEST_DESCRIPTION("aiaccel: queues filled past their depth, short jobs completing under "
		     "their SUBMIT.");

#define MSEC (1000000ll)
#define SEC (1000000000ll)

/* How long a test waits for something that must not happen. */
#define QUIET_NS (250 * MSEC)

/* The queue depth these tests run with. */
#define STRESS_QUEUE_DEPTH "16"

static uint64_t syncobj_payload(int fd, uint32_t handle)
{
	uint64_t point = ~0ull;

	igt_assert_eq(drmSyncobjQuery(fd, &handle, &point, 1), 0);
	return point;
}

/*
 * 4 x queue_depth one-byte copies from one file, all queued behind a
 * closed gate: job i copies d[i] to d[i + 1], with no implicit sync, so
 * only the order the jobs run in carries d[0] through to d[n] (a job run
 * before its predecessor copies a zero).  Each job adds point i + 1 to a
 * timeline; every 8th asks for an event (the DRM core holds at most 4 KiB
 * of unread events per file: SUBMIT fails with -ENOMEM past that).
 */
static void test_queue_order(uint32_t engine)
{
	int fd = aiaccel_open(0);
	struct drm_aiaccel_info info;
	struct aiaccel_buf d;
	struct aiaccel_cs cs;
	struct aiaccel_gate gate;
	uint32_t t = aiaccel_syncobj(fd);
	uint64_t last_done = 0;
	uint32_t n, i, events = 0;
	uint8_t *p;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	igt_assert_eq_u32(info.queue_depth, atoi(STRESS_QUEUE_DEPTH));
	n = 4 * info.queue_depth;

	aiaccel_gate_new(fd, &gate);
	aiaccel_buf_new(fd, n + 1, 0, &d);
	p = d.map;
	p[0] = 0x5a;
	/* One command-stream buffer, one 32-byte copy per job. */
	aiaccel_cs_new(fd, n * sizeof(struct aiaccel_op_dma_copy), &cs);
	for (i = 0; i < n; i++) {
		struct aiaccel_op_dma_copy *c = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0,
								sizeof(*c));

		c->src = d.va + i;
		c->dst = d.va + i + 1;
		c->size = 1;
	}

	for (i = 0; i < n; i++) {
		struct drm_aiaccel_submit_bo bos[2] = {
			aiaccel_bo_use(d.handle, DRM_AIACCEL_SUBMIT_BO_READ |
						 DRM_AIACCEL_SUBMIT_BO_WRITE),
			aiaccel_bo_use(gate.handle, DRM_AIACCEL_SUBMIT_BO_READ),
		};
		struct drm_aiaccel_sync out = aiaccel_sync(t, 0, i + 1);
		struct drm_aiaccel_submit args;

		aiaccel_submit_init(&args, &cs);
		args.cs_offset = i * sizeof(struct aiaccel_op_dma_copy);
		args.cs_size = sizeof(struct aiaccel_op_dma_copy);
		args.bos = (uintptr_t)bos;
		args.bo_count = i ? 1 : 2;
		args.flags = i ? DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC : 0;
		if (i % 8 == 7) {
			args.flags |= DRM_AIACCEL_SUBMIT_EVENT;
			args.event_data = i;
		}
		aiaccel_submit_engine(&args, engine);
		args.out_syncs = (uintptr_t)&out;
		args.out_sync_count = 1;
		igt_assert_f(aiaccel_submit_raw(fd, &args) == 0, "SUBMIT %u of %u: %s\n", i, n,
			     strerror(errno));
	}

	/* Everything is queued behind the gate; nothing has run. */
	igt_assert(aiaccel_no_event(fd, QUIET_NS));
	igt_assert_eq_u64(syncobj_payload(fd, t), 0);
	igt_assert_eq(p[1], 0);
	igt_assert_f(aiaccel_gate_held(&gate),
		     "queueing %u jobs took longer than vgem's fence timeout: the checks "
		     "above prove nothing\n", n);

	aiaccel_gate_open(&gate);
	igt_assert_eq(aiaccel_syncobj_wait(fd, t, n, 120 * SEC), 0);
	igt_assert_eq_u64(syncobj_payload(fd, t), n);
	for (i = 7; i < n; i += 8) {
		struct drm_aiaccel_event_job ev;

		igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
		igt_assert_f(ev.user_data == i, "event %u arrived as event %u\n",
			     (unsigned int)ev.user_data, i);
		igt_assert_eq(ev.status, 0);
		if (engine != AIACCEL_ENGINE_ANY)
			igt_assert_eq_u32(ev.engine, engine);
		igt_assert(ev.done_ns >= last_done);
		last_done = ev.done_ns;
		events++;
	}
	igt_assert_eq(events, n / 8);
	igt_assert(aiaccel_no_event(fd, 0));
	for (i = 0; i <= n; i++)
		igt_assert_f(p[i] == 0x5a, "d[%u] = 0x%02x: job %u ran before job %u\n",
			     i, p[i], i - 1, i > 1 ? i - 2 : 0);

	aiaccel_buf_free(fd, &cs.buf);
	aiaccel_buf_free(fd, &d);
	aiaccel_gate_free(&gate);
	drmSyncobjDestroy(fd, t);
	close(fd);
}

/*
 * A real-time "hog" sharing CPU 0 with the submitter: every millisecond it
 * wakes up and spins for 2 ms.  Its wakeups preempt the submitter at random
 * points of its SUBMIT ioctl (a SCHED_FIFO wakeup preempts a normal task
 * even in the kernel), while the other CPU runs the job to its end and
 * frees it.  Without it, a submitter is stalled mid-ioctl only when the
 * host happens to deschedule its vCPU.
 */
struct hog {
	pthread_t thread;
	atomic_bool stop;
};

static void *hog_main(void *arg)
{
	struct hog *hog = arg;
	struct timespec nap = { .tv_nsec = 1000000 };
	/* Ends by itself too, should the subtest fail before hog_stop(). */
	int64_t end = aiaccel_deadline(120 * SEC);

	while (!atomic_load(&hog->stop) && aiaccel_deadline(0) < end) {
		int64_t until;

		clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL);
		until = aiaccel_deadline(2000000);
		while (aiaccel_deadline(0) < until)
			;
	}
	return NULL;
}

/* Pin the caller to CPU 0 and start a hog there; false if impossible. */
static bool hog_start(struct hog *hog)
{
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	cpu_set_t cpu0;
	bool ok;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return false;
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		return false;
	atomic_init(&hog->stop, false);
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	pthread_attr_setaffinity_np(&attr, sizeof(cpu0), &cpu0);
	ok = pthread_create(&hog->thread, &attr, hog_main, hog) == 0;
	pthread_attr_destroy(&attr);
	return ok;
}

static void hog_stop(struct hog *hog)
{
	cpu_set_t all;
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);

	atomic_store(&hog->stop, true);
	pthread_join(hog->thread, NULL);
	CPU_ZERO(&all);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
}

/* @n NOP jobs with two out-syncobjs and an event each, @batch in flight. */
static void flood(unsigned int n, unsigned int batch)
{
	int fd = aiaccel_open(0);
	struct drm_aiaccel_info info;
	struct aiaccel_cs cs;
	uint32_t s = aiaccel_syncobj(fd), t = aiaccel_syncobj(fd);
	unsigned int i, j, engines, done = 0;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	engines = info.num_engines;
	aiaccel_cs_new(fd, 4096, &cs);
	aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	for (i = 0; i < n; i += batch) {
		for (j = i; j < i + batch && j < n; j++) {
			struct drm_aiaccel_sync out[2] = {
				aiaccel_sync(s, 0, 0), aiaccel_sync(t, 0, j + 1),
			};
			struct drm_aiaccel_submit args;

			aiaccel_submit_init(&args, &cs);
			/* Empty jobs and one-NOP jobs; each engine, and any. */
			args.cs_size = j % 2 ? cs.used : 0;
			args.flags = DRM_AIACCEL_SUBMIT_EVENT;
			aiaccel_submit_engine(&args, j % (engines + 1) == engines ?
					      AIACCEL_ENGINE_ANY : j % (engines + 1));
			args.event_data = j;
			args.out_syncs = (uintptr_t)out;
			args.out_sync_count = 2;
			igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
		}
		for (; done < j; done++) {
			struct drm_aiaccel_event_job ev;

			igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
			igt_assert_eq(ev.status, 0);
			igt_assert_lt_u64(ev.user_data, n);
		}
	}
	igt_assert_eq(aiaccel_syncobj_wait(fd, t, n, 30 * SEC), 0);
	igt_assert_eq_u64(syncobj_payload(fd, t), n);
	igt_assert_eq(aiaccel_syncobj_wait(fd, s, 0, 30 * SEC), 0);
	igt_assert(aiaccel_no_event(fd, 0));
	aiaccel_buf_free(fd, &cs.buf);
	drmSyncobjDestroy(fd, s);
	drmSyncobjDestroy(fd, t);
	close(fd);
}

/*
 * One job listing GET_INFO's max_submit_bos distinct buffers: SUBMIT holds
 * all their reservation locks at once, which must stay within what
 * lockdep can track (the kernel-log gate catches its warning).
 */
static void max_distinct_buffers(void)
{
	int fd = aiaccel_open(0);
	struct drm_aiaccel_submit_bo *bos;
	struct drm_aiaccel_submit args;
	struct drm_aiaccel_info info;
	struct drm_aiaccel_sync out;
	struct aiaccel_cs cs;
	uint32_t s = aiaccel_syncobj(fd);
	unsigned int i;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	igt_assert(info.max_submit_bos >= 1);
	bos = calloc(info.max_submit_bos, sizeof(*bos));
	igt_assert(bos);
	for (i = 0; i < info.max_submit_bos; i++) {
		struct drm_aiaccel_bo_create c = { .size = 4096 };

		do_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &c);
		bos[i].handle = c.handle;
		bos[i].flags = i % 2 ? DRM_AIACCEL_SUBMIT_BO_WRITE : DRM_AIACCEL_SUBMIT_BO_READ;
	}
	aiaccel_cs_new(fd, 4096, &cs);
	aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	out = aiaccel_sync(s, 0, 0);
	aiaccel_submit_init(&args, &cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = info.max_submit_bos;
	args.bo_stride = sizeof(*bos);
	args.out_syncs = (uintptr_t)&out;
	args.out_sync_count = 1;
	igt_assert_eq(aiaccel_submit_raw(fd, &args), 0);
	igt_assert_eq(aiaccel_syncobj_wait(fd, s, 0, 60 * SEC), 0);
	/* One more than the maximum is refused. */
	args.bo_count = info.max_submit_bos + 1;
	igt_assert_eq(aiaccel_submit_raw(fd, &args), -EINVAL);
	aiaccel_buf_free(fd, &cs.buf);
	drmSyncobjDestroy(fd, s);
	free(bos);
	close(fd);	/* closes the buffers too */
}

int igt_main()
{
	char depth[32] = "";

	igt_subtest_group() {
		igt_fixture() {
			igt_require_f(aiaccel_param_get("queue_depth", depth, sizeof(depth)) == 0,
				      "no aiaccel module parameters in sysfs\n");
			igt_assert_eq(aiaccel_rebind_with("queue_depth", STRESS_QUEUE_DEPTH), 0);
		}

		igt_describe("4 x queue_depth jobs queued at once all complete, in submission "
			     "order: on one engine, and within one file's any-engine queue "
			     "(an entity moves to another engine only once its last job is "
			     "done).");
		igt_subtest_with_dynamic("queue-4x-depth-in-order") {
			igt_dynamic("engine0")
				test_queue_order(0);
			igt_dynamic("any-engine")
				test_queue_order(AIACCEL_ENGINE_ANY);
		}

		igt_describe("100 short jobs with out-syncobjs and events, one at a time, "
			     "the submitter preempted at random points by a real-time "
			     "thread: each may complete, and be freed, before its SUBMIT "
			     "returns.");
		igt_subtest("short-jobs-one-by-one-preempted") {
			struct hog hog;

			igt_require_f(hog_start(&hog), "needs 2 CPUs and SCHED_FIFO\n");
			flood(100, 1);
			hog_stop(&hog);
		}

		igt_describe("200 short jobs from two processes at once, 16 in flight each.");
		igt_subtest("short-jobs-two-processes") {
			igt_fork(child, 2)
				flood(100, 16);
			igt_waitchildren();
		}

		igt_describe("Short jobs with events from two processes, 64 in flight, every "
			     "fence made slow to run its callbacks once signalled: the "
			     "scheduler's free worker frees jobs whose finished fences read "
			     "signalled while those fences' callbacks still run; nothing of a "
			     "job may be in them (KASAN).");
		igt_subtest("jobs-freed-while-signalled") {
			bool slow = aiaccel_slow_fence_signal_begin();

			igt_fork(child, 2)
				flood(slow ? 1000 : 2000, 64);
			igt_waitchildren();
			aiaccel_slow_fence_signal_end(slow);
		}

		igt_describe("One job listing GET_INFO's max_submit_bos distinct buffers runs, "
			     "with the kernel log clean; one more is -EINVAL.");
		igt_subtest("max-distinct-buffers")
			max_distinct_buffers();

		igt_fixture()
			igt_assert_eq(aiaccel_rebind_with("queue_depth", depth), 0);
	}
}
