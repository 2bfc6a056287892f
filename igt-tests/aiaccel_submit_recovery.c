// SPDX-License-Identifier: MIT
/*
 * aiaccel_submit_recovery: jobs that hang the device, submitters killed
 * with jobs in flight, and unloading the driver and the model afterwards.
 *
 * The hang tests lower job_timeout_ms to 1 s by rebinding the device
 * with the new module parameter, and put the old value back afterwards; the
 * kill test reloads both modules.  No subtest keeps a device file open
 * across either.
 */

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/sync_file.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_vgem.h"

IGT_TEST_DESCRIPTION("aiaccel: hangs, resets, killed submitters and unloading.");

#define MSEC (1000000ll)
#define SEC (1000000000ll)

/*
 * job_timeout_ms for the hang tests: short, but long enough that a test
 * stalled by a loaded host for a while still sees the job hung before the
 * reset.
 */
#define HANG_TIMEOUT_MS 1000

/* x (random) -> y copies in one file. */
struct copy_job {
	int fd;
	struct aiaccel_buf x, y;
	struct aiaccel_cs cs;
};

static void copy_job_new(int fd, struct copy_job *j, unsigned int seed)
{
	struct aiaccel_rng r;

	j->fd = fd;
	aiaccel_rng_seed(&r, seed);
	aiaccel_buf_new(fd, 4096, 0, &j->x);
	aiaccel_buf_new(fd, 4096, 0, &j->y);
	aiaccel_rng_fill(&r, j->x.map, 4096);
	aiaccel_cs_copy(fd, &j->cs, j->x.va, j->y.va, 4096);
}

static void copy_job_free(struct copy_job *j)
{
	aiaccel_buf_free(j->fd, &j->cs.buf);
	aiaccel_buf_free(j->fd, &j->x);
	aiaccel_buf_free(j->fd, &j->y);
}

static int copy_job_submit(struct copy_job *j, uint32_t engine, uint64_t tag,
			   const struct aiaccel_gate *gate, uint32_t out_syncobj)
{
	struct drm_aiaccel_submit_bo bos[3] = {
		aiaccel_bo_use(j->x.handle, DRM_AIACCEL_SUBMIT_BO_READ),
		aiaccel_bo_use(j->y.handle, DRM_AIACCEL_SUBMIT_BO_WRITE),
	};
	struct drm_aiaccel_sync out = aiaccel_sync(out_syncobj, 0, 0);
	struct drm_aiaccel_submit args;

	if (gate)
		bos[2] = aiaccel_bo_use(gate->handle, DRM_AIACCEL_SUBMIT_BO_READ);
	aiaccel_submit_init(&args, &j->cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = gate ? 3 : 2;
	args.engine = engine;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	args.event_data = tag;
	if (out_syncobj) {
		args.out_syncs = (uintptr_t)&out;
		args.out_sync_count = 1;
	}
	return aiaccel_submit_raw(j->fd, &args);
}

static bool copied(const struct copy_job *j)
{
	return !memcmp(j->x.map, j->y.map, 4096);
}

static int syncobj_status(int fd, uint32_t handle)
{
	struct sync_file_info info = { 0 };
	int sf;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, handle, &sf), 0);
	igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	close(sf);
	return info.status;
}

static unsigned int device_instance(void)
{
	struct drm_aiaccel_info info;
	int fd = aiaccel_open(0);

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	close(fd);
	return info.instance;
}

/*
 * Files the subtests open.  A failed subtest leaves its files open (IGT
 * jumps out of it), and an open file keeps the device from being rebound
 * and the modules from being unloaded: the next subtest closes them.
 */
static int tracked[8];
static unsigned int nr_tracked;

static int track_fd(int fd)
{
	igt_assert(nr_tracked < ARRAY_SIZE(tracked));
	tracked[nr_tracked++] = fd;
	return fd;
}

static void close_fd(int fd)
{
	unsigned int i;

	for (i = 0; i < nr_tracked; i++) {
		if (tracked[i] == fd) {
			tracked[i] = tracked[--nr_tracked];
			break;
		}
	}
	close(fd);
}

static void close_leftovers(void)
{
	while (nr_tracked)
		close(tracked[--nr_tracked]);
}

/* Make the next job hang; the hook must exist. */
static void hang_next_job(unsigned int instance)
{
	aiaccel_require_sim_hook(instance, "hang_next_job", 1);
}

/*
 * A hung job, alone: WAIT on its output times out, then succeeds once the
 * engine has been reset; the job's event and out-syncobj say -ETIMEDOUT;
 * its file's job still queued behind a gate is cancelled (-ECANCELED) and
 * every later SUBMIT from that file fails with -ECANCELED.
 */
static void test_hang_wait(unsigned int instance)
{
	int fd = track_fd(aiaccel_open(0));
	struct copy_job hung, queued;
	struct aiaccel_gate gate;
	struct drm_aiaccel_event_job ev;
	struct timespec start = {};
	uint32_t s = aiaccel_syncobj(fd);
	uint64_t took;

	copy_job_new(fd, &hung, 1);
	copy_job_new(fd, &queued, 2);
	aiaccel_gate_new(fd, &gate);

	hang_next_job(instance);
	igt_gettime(&start);
	igt_assert_eq(copy_job_submit(&hung, 0, 0x1, NULL, s), 0);
	igt_assert_eq(copy_job_submit(&queued, 0, 0x2, &gate, 0), 0);

	/* Hung: a short WAIT times out and nothing is written. */
	igt_assert_eq(aiaccel_wait_buf(fd, hung.y.handle, 0, 100 * MSEC), -ETIMEDOUT);
	igt_assert(!aiaccel_syncobj_signaled(fd, s, 0));
	/* After the timeout the engine is reset and the job completes. */
	igt_assert_eq(aiaccel_wait_buf(fd, hung.y.handle, 0, 30 * SEC), 0);
	took = igt_nsec_elapsed(&start);
	igt_info("hung job completed after %llu ms\n", (unsigned long long)(took / MSEC));
	igt_assert_lt_u64(HANG_TIMEOUT_MS * MSEC, took);

	igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0x1);
	igt_assert_eq(ev.status, -ETIMEDOUT);
	igt_assert_eq_u32(ev.engine, 0);
	igt_assert_eq(aiaccel_syncobj_wait(fd, s, 0, 0), 0);
	igt_assert_eq(syncobj_status(fd, s), -ETIMEDOUT);
	igt_assert(!copied(&hung));

	/* The file is banned: its queued job is cancelled... */
	aiaccel_gate_open(&gate);
	igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0x2);
	igt_assert_eq(ev.status, -ECANCELED);
	igt_assert(!copied(&queued));
	/* ...and so is any new one. */
	igt_assert_eq(copy_job_submit(&queued, DRM_AIACCEL_ENGINE_ANY, 0x3, NULL, 0),
		      -ECANCELED);

	aiaccel_gate_free(&gate);
	copy_job_free(&queued);
	copy_job_free(&hung);
	drmSyncobjDestroy(fd, s);
	close_fd(fd);
}

/*
 * A hung job of file A on engine 0, with file B's jobs queued behind it on
 * the same engine and one on the other engine: B's jobs all complete with
 * status 0 and the right data (those on engine 0 in order, after the hung
 * one), a new file works, A is banned.  Whether the job on the other
 * engine finished before the reset depends on timing, so it is only
 * reported.
 */
static void test_hang_others_run(unsigned int instance)
{
	int fda = aiaccel_open(0), fdb = aiaccel_open(0), fdc;
	struct drm_aiaccel_info info;
	struct copy_job hung, behind[3], other, fresh;
	struct drm_aiaccel_event_job ev, hung_ev;
	bool seen[3] = { false }, other_seen = false;
	uint64_t other_done = 0;
	int i;

	track_fd(fda);
	track_fd(fdb);

	igt_assert_eq(aiaccel_get_info(fda, &info), 0);
	copy_job_new(fda, &hung, 10);
	for (i = 0; i < 3; i++)
		copy_job_new(fdb, &behind[i], 11 + i);
	copy_job_new(fdb, &other, 14);

	hang_next_job(instance);
	igt_assert_eq(copy_job_submit(&hung, 0, 0xa, NULL, 0), 0);
	igt_assert_eq(aiaccel_wait_buf(fda, hung.y.handle, 0, 100 * MSEC), -ETIMEDOUT);
	/* Behind it in engine 0's ring, before the timeout. */
	for (i = 0; i < 3; i++)
		igt_assert_eq(copy_job_submit(&behind[i], 0, 0xb0 + i, NULL, 0), 0);
	if (info.num_engines > 1)
		igt_assert_eq(copy_job_submit(&other, 1, 0xc, NULL, 0), 0);

	igt_assert_eq(aiaccel_read_event(fda, &hung_ev, 30 * SEC), 0);
	igt_assert_eq(hung_ev.status, -ETIMEDOUT);

	for (i = 0; i < 3 + (info.num_engines > 1); i++) {
		igt_assert_eq(aiaccel_read_event(fdb, &ev, 30 * SEC), 0);
		igt_assert_f(ev.status == 0, "job 0x%llx of the other file: status %d\n",
			     (unsigned long long)ev.user_data, ev.status);
		if (ev.user_data == 0xc) {
			igt_assert_eq_u32(ev.engine, 1);
			other_seen = true;
			other_done = ev.done_ns;
			continue;
		}
		igt_assert(ev.user_data >= 0xb0 && ev.user_data < 0xb3);
		/* In order, on engine 0. */
		igt_assert_eq_u32(ev.engine, 0);
		for (int j = 0; j < (int)(ev.user_data - 0xb0); j++)
			igt_assert(seen[j]);
		seen[ev.user_data - 0xb0] = true;
		igt_assert(ev.done_ns >= hung_ev.done_ns);
	}
	for (i = 0; i < 3; i++) {
		igt_assert(seen[i]);
		igt_assert(copied(&behind[i]));
	}
	if (info.num_engines > 1) {
		igt_assert(other_seen && copied(&other));
		igt_info("the job on engine 1 completed %s the reset of engine 0\n",
			 other_done < hung_ev.done_ns ? "before" : "after");
	}

	/* A is banned, B and a new file are not. */
	igt_assert_eq(copy_job_submit(&hung, 0, 0xd, NULL, 0), -ECANCELED);
	memset(behind[0].y.map, 0, 4096);
	igt_assert_eq(copy_job_submit(&behind[0], 0, 0xe, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fdb, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(copied(&behind[0]));
	fdc = track_fd(aiaccel_open(0));
	copy_job_new(fdc, &fresh, 15);
	igt_assert_eq(copy_job_submit(&fresh, 0, 0xf, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fdc, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(copied(&fresh));

	copy_job_free(&fresh);
	copy_job_free(&other);
	for (i = 0; i < 3; i++)
		copy_job_free(&behind[i]);
	copy_job_free(&hung);
	close_fd(fdc);
	close_fd(fdb);
	close_fd(fda);
}

/* --- kill -9 with jobs in flight ----------------------------------------------- */

#define KILL_JOBS 48

/*
 * The child: plain C, no IGT assertions (it is killed, not joined).
 * Submits KILL_JOBS jobs of a few GEMMs each with events and out-syncobjs,
 * tells the parent, and waits to be killed.  Exits non-zero on error.
 */
static void __attribute__((noreturn)) slow_submitter(int minor, int ready)
{
	struct drm_aiaccel_bo_create in = { .size = 64 * 256 }, w = { .size = 64 * 256 };
	struct drm_aiaccel_bo_create out = { .size = 64 * 64 }, cs = { .size = 4096 };
	struct drm_aiaccel_submit_bo bos[4];
	struct aiaccel_op_gemm *op;
	uint32_t syncobj;
	char *map;
	int fd, i;

	fd = aiaccel_open_minor(minor);
	if (fd < 0)
		_exit(10);
	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &in) ||
	    drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &w) ||
	    drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &out) ||
	    drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &cs))
		_exit(11);
	map = mmap(NULL, cs.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, cs.mmap_offset);
	if (map == MAP_FAILED)
		_exit(12);
	/* Four 64 x 64 x 256 GEMMs per job. */
	for (i = 0; i < 4; i++) {
		op = (void *)(map + i * sizeof(*op));
		memset(op, 0, sizeof(*op));
		op->hdr.opcode = AIACCEL_OP_GEMM;
		op->hdr.size = sizeof(*op);
		op->input = in.va;
		op->weights = w.va;
		op->output = out.va;
		op->m = 64;
		op->n = 64;
		op->k = 256;
		op->requant.multiplier = 1 << 30;
		op->requant.shift = -8;
		op->act_min = -128;
		op->act_max = 127;
	}
	if (drmSyncobjCreate(fd, 0, &syncobj))
		_exit(13);
	bos[0] = aiaccel_bo_use(in.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[1] = aiaccel_bo_use(w.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[2] = aiaccel_bo_use(out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
	bos[3] = aiaccel_bo_use(cs.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	for (i = 0; i < KILL_JOBS; i++) {
		struct drm_aiaccel_sync sync = aiaccel_sync(syncobj, 0, i + 1);
		struct drm_aiaccel_submit args = {
			.cs_handle = cs.handle,
			.cs_size = 4 * sizeof(*op),
			.flags = DRM_AIACCEL_SUBMIT_EVENT | DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC,
			.bos = (uintptr_t)bos,
			.bo_count = 4,
			.bo_stride = sizeof(bos[0]),
			.out_syncs = (uintptr_t)&sync,
			.out_sync_count = 1,
			.out_sync_stride = sizeof(sync),
			.engine = DRM_AIACCEL_ENGINE_ANY,
			.event_data = i,
		};

		/* A timeline: the point of each job, so both engines are used. */
		if (drmIoctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, &args))
			_exit(14);
	}
	if (write(ready, "r", 1) != 1)
		_exit(15);
	for (;;)
		pause();
}

/*
 * Jobs retired device-wide (completed or failed), from GET_STATS: the
 * queue registers would not do, they read zero while the device is
 * runtime-suspended and start from zero at every power-up.
 */
static uint64_t jobs_retired(int fd)
{
	struct drm_aiaccel_stats st = { 0 };
	struct drm_aiaccel_get_stats args = {
		.stats_ptr = (uintptr_t)&st,
		.stats_size = sizeof(st),
	};

	do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_STATS, &args);
	return st.jobs_completed + st.jobs_failed;
}

int igt_main()
{
	unsigned int instance = 0;

	igt_fixture()
		instance = device_instance();

	igt_subtest_group() {
		char timeout[32] = "";

		igt_fixture() {
			char ms[16];

			igt_require_f(aiaccel_param_get("job_timeout_ms", timeout,
							sizeof(timeout)) == 0,
				      "no aiaccel module parameters in sysfs\n");
			snprintf(ms, sizeof(ms), "%d", HANG_TIMEOUT_MS);
			igt_assert_eq(aiaccel_rebind_with("job_timeout_ms", ms), 0);
		}

		igt_describe("WAIT returns -ETIMEDOUT on a hung job and 0 after the reset; "
			     "the job fails with -ETIMEDOUT; its file is banned: its queued "
			     "job is cancelled and later SUBMITs fail with -ECANCELED.");
		igt_subtest("hang-wait-and-ban") {
			close_leftovers();
			test_hang_wait(instance);
		}

		igt_describe("A hung job of one file does not hold up other files: their "
			     "jobs behind it on its engine complete (in order, after the "
			     "reset), their job on another engine completes at once.");
		igt_subtest("hang-other-contexts-run") {
			close_leftovers();
			test_hang_others_run(instance);
		}

		igt_fixture() {
			close_leftovers();
			igt_assert_eq(aiaccel_rebind_with("job_timeout_ms", timeout), 0);
		}
	}

	igt_describe("A process killed with -9 while its jobs run leaves nothing behind: "
		     "the modules unload and reload cleanly and the device then works.");
	igt_subtest("kill-9-then-unload") {
		struct drm_aiaccel_event_job ev;
		struct copy_job j;
		int p[2], status, minor, fd;
		uint64_t done_before, done_after;
		struct pollfd pfd;
		pid_t pid;
		char c;

		close_leftovers();
		fd = track_fd(aiaccel_open(0));
		minor = aiaccel_fd_minor(fd);
		/* Slow the engines down so the jobs are still running at the kill. */
		aiaccel_require_sim_hook(instance, "clock_divider", 32);
		done_before = jobs_retired(fd);

		igt_assert_eq(pipe(p), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (!pid) {
			close(fd);
			close(p[0]);
			slow_submitter(minor, p[1]);
		}
		close(p[1]);
		pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
		igt_assert_f(poll(&pfd, 1, 120 * 1000) == 1, "the child never got ready\n");
		if (read(p[0], &c, 1) != 1) {
			waitpid(pid, &status, 0);
			igt_assert_f(false, "child failed: exit status %d\n",
				     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
		close(p[0]);
		usleep(200 * 1000);
		/* Some jobs must still be queued or running, or the test tests nothing. */
		done_after = jobs_retired(fd);
		close_fd(fd);
		igt_info("%llu of %u jobs done at the kill\n",
			 (unsigned long long)(done_after - done_before), KILL_JOBS);
		igt_assert_lt_u64(done_after - done_before, KILL_JOBS);
		igt_assert_eq(kill(pid, SIGKILL), 0);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		/* With the jobs still on the engines: unload, reload. */
		igt_assert_eq(aiaccel_reload_with(NULL, NULL), 0);

		fd = track_fd(aiaccel_open(0));
		copy_job_new(fd, &j, 30);
		igt_assert_eq(copy_job_submit(&j, DRM_AIACCEL_ENGINE_ANY, 0x99, NULL, 0), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		igt_assert(copied(&j));
		copy_job_free(&j);
		close_fd(fd);
	}

	/* Whatever failed above: leave the model at full speed. */
	igt_fixture()
		aiaccel_sim_hook(instance, "clock_divider", 1);
}
