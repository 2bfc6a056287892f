// SPDX-License-Identifier: MIT
/*
 * aiaccel_stats: GET_STATS, fdinfo and the sysfs attributes agree with
 * what was actually done.
 */

#include <inttypes.h>
#include <poll.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"

IGT_TEST_DESCRIPTION("aiaccel statistics: GET_STATS, fdinfo, sysfs.");

#define SEC (1000000000ll)

static void get_stats(int fd, struct drm_aiaccel_stats *st)
{
	struct drm_aiaccel_get_stats args = {
		.stats_ptr = (uintptr_t)st,
		.stats_size = sizeof(*st),
	};

	memset(st, 0, sizeof(*st));
	do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_STATS, &args);
	igt_assert_eq_u32(args.stats_size, sizeof(*st));
}

/*
 * Keep engine 0 busy with jobs of @cs, however fast the host runs them:
 * collect the events of those done and top the queue up to 16 in flight.
 * A fixed batch can end before a sample is taken.
 */
static void feed_engine0(int fd, const struct aiaccel_cs *cs, unsigned int *queued)
{
	struct drm_aiaccel_submit args = {
		.cs_handle = cs->buf.handle, .cs_size = cs->used,
		.flags = DRM_AIACCEL_SUBMIT_EVENT | DRM_AIACCEL_SUBMIT_ENGINE,
		.engine = 0, .priority = DRM_AIACCEL_PRIORITY_NORMAL,
	};
	struct drm_aiaccel_event_job ev;

	while (*queued && !aiaccel_read_event(fd, &ev, 0)) {
		igt_assert_eq(ev.status, 0);
		(*queued)--;
	}
	for (; *queued < 16; (*queued)++)
		do_ioctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, &args);
}

/* Let the jobs feed_engine0() left run at full speed, and collect them. */
static void drain_engine0(int fd, unsigned int *queued)
{
	struct drm_aiaccel_event_job ev;

	aiaccel_sim_hook(0, "clock_divider", 1);
	for (; *queued; (*queued)--) {
		igt_assert_eq(aiaccel_read_event(fd, &ev, 120 * SEC), 0);
		igt_assert_eq(ev.status, 0);
	}
}

static uint64_t sum4(const __u64 *v)
{
	return v[0] + v[1] + v[2] + v[3];
}

/* fdinfo value of @key in bytes or plain units (sizes may carry KiB/MiB). */
static bool fdinfo_value(int fd, const char *key, uint64_t *val)
{
	char path[64], line[256], unit[8];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		int n;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		unit[0] = 0;
		n = sscanf(line + klen + 1, "%llu %7s", &v, unit);
		igt_assert(n >= 1);
		if (!strcmp(unit, "KiB"))
			v <<= 10;
		else if (!strcmp(unit, "MiB"))
			v <<= 20;
		*val = v;
		found = true;
		break;
	}
	fclose(f);
	return found;
}

static bool fdinfo_string(int fd, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		snprintf(out, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
		out[strcspn(out, "\n")] = 0;
		found = true;
		break;
	}
	fclose(f);
	return found;
}

static uint64_t sysfs_u64(int fd, const char *attr)
{
	char path[128];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/%s",
		 aiaccel_fd_minor(fd), attr);
	f = fopen(path, "r");
	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(fscanf(f, "%llu", &v), 1);
	fclose(f);
	return v;
}

/* A GEMM of known shape, and @nops jobs of one NOP op each; all waited for. */
static void known_workload(int fd, uint32_t m, uint32_t n, uint32_t k, int nops)
{
	struct aiaccel_buf in, w, out;
	struct drm_aiaccel_submit_bo bos[3];
	struct drm_aiaccel_event_job ev;
	struct aiaccel_op_gemm *op;
	struct aiaccel_cs cs, nop;
	int i;

	aiaccel_buf_new(fd, m * k, 0, &in);
	aiaccel_buf_new(fd, n * k, 0, &w);
	aiaccel_buf_new(fd, m * n, 0, &out);
	aiaccel_cs_new(fd, 4096, &cs);
	op = aiaccel_cs_emit(&cs, AIACCEL_OP_GEMM, 0, sizeof(*op));
	op->input = in.va;
	op->weights = w.va;
	op->output = out.va;
	op->m = m;
	op->n = n;
	op->k = k;
	op->requant.multiplier = 1 << 30;
	op->requant.shift = -8;
	op->act_min = -128;
	op->act_max = 127;
	bos[0] = (struct drm_aiaccel_submit_bo){ in.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[1] = (struct drm_aiaccel_submit_bo){ w.handle, DRM_AIACCEL_SUBMIT_BO_READ };
	bos[2] = (struct drm_aiaccel_submit_bo){ out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE };
	igt_assert_eq(aiaccel_submit(fd, &cs, bos, 3, NULL, 0, NULL, 0,
				     DRM_AIACCEL_SUBMIT_EVENT, 0), 0);
	igt_assert_eq(aiaccel_read_event(fd, &ev, 60 * SEC), 0);
	igt_assert_eq(ev.status, 0);

	aiaccel_cs_new(fd, 4096, &nop);
	aiaccel_cs_emit(&nop, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	for (i = 0; i < nops; i++)
		igt_assert_eq(aiaccel_submit(fd, &nop, NULL, 0, NULL, 0, NULL, 0,
					     DRM_AIACCEL_SUBMIT_EVENT, i), 0);
	for (i = 0; i < nops; i++) {
		igt_assert_eq(aiaccel_read_event(fd, &ev, 60 * SEC), 0);
		igt_assert_eq(ev.status, 0);
	}
	aiaccel_buf_free(fd, &nop.buf);
	aiaccel_buf_free(fd, &cs.buf);
	aiaccel_buf_free(fd, &out);
	aiaccel_buf_free(fd, &w);
	aiaccel_buf_free(fd, &in);
}

/*
 * Jobs one at a time, alternately valid and failing, each polled for
 * through its out-syncobj without sleeping, then GET_STATS at once: the
 * job must be counted already, as struct drm_aiaccel_stats promises.  A
 * poll can find the fence signalled while the CPU that signals it is still
 * running the fence's callbacks: a driver counting jobs in a callback on
 * that fence is caught there (aiaccel_soak found it), often once
 * aiaccel_slow_fence_signal_begin() widens that window.
 */
static void counted_when_signalled(unsigned int jobs)
{
	int fd = aiaccel_open(0);
	uint32_t s = aiaccel_syncobj(fd);
	struct drm_aiaccel_stats a, b;
	struct aiaccel_cs ok, bad;
	unsigned int i;

	aiaccel_cs_new(fd, 4096, &ok);
	aiaccel_cs_emit(&ok, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	aiaccel_cs_new(fd, 4096, &bad);
	aiaccel_cs_emit(&bad, 0x7f, 0, 8);	/* an unknown opcode: -EINVAL */
	get_stats(fd, &a);
	for (i = 0; i < jobs; i++) {
		struct drm_aiaccel_sync out = aiaccel_sync(s, 0, 0);
		int64_t end = aiaccel_deadline(30 * SEC);

		igt_assert_eq(aiaccel_submit(fd, i % 2 ? &bad : &ok, NULL, 0, NULL, 0, &out, 1,
					     0, 0), 0);
		while (!aiaccel_syncobj_signaled(fd, s, 0))
			igt_assert_f(aiaccel_deadline(0) < end, "job %u did not complete\n", i);
		get_stats(fd, &b);
		igt_assert_f(b.file_jobs_completed - a.file_jobs_completed == i / 2 + 1 &&
			     b.file_jobs_failed - a.file_jobs_failed == (i + 1) / 2,
			     "job %u: its out-syncobj is signalled; the file counts %llu completed "
			     "and %llu failed, expected %u and %u\n", i,
			     (unsigned long long)(b.file_jobs_completed - a.file_jobs_completed),
			     (unsigned long long)(b.file_jobs_failed - a.file_jobs_failed),
			     i / 2 + 1, (i + 1) / 2);
	}
	aiaccel_buf_free(fd, &ok.buf);
	aiaccel_buf_free(fd, &bad.buf);
	drmSyncobjDestroy(fd, s);
	close(fd);
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

int igt_main()
{
	int fd = -1;

	igt_fixture()
		fd = aiaccel_open(0);

	igt_describe("Counters move by exactly the work done: jobs, MACs, bytes, cycles.");
	igt_subtest("known-workload") {
		struct drm_aiaccel_stats a, b;
		const uint32_t m = 16, n = 32, k = 48;
		const int nops = 5;
		uint64_t bytes = m * k + n * k + m * n;
		uint64_t cycles = 16 + div_up((uint64_t)m * n * k, 256) + div_up(bytes, 64) +
				  nops * 16;

		get_stats(fd, &a);
		known_workload(fd, m, n, k, nops);
		get_stats(fd, &b);

		igt_assert_eq_u64(b.file_jobs_submitted - a.file_jobs_submitted, nops + 1);
		igt_assert_eq_u64(b.file_jobs_completed - a.file_jobs_completed, nops + 1);
		igt_assert_eq_u64(b.file_jobs_failed, a.file_jobs_failed);
		igt_assert_eq_u64(b.jobs_completed - a.jobs_completed, nops + 1);
		igt_assert_eq_u64(b.macs - a.macs, (uint64_t)m * n * k);
		igt_assert_eq_u64(b.bytes_moved - a.bytes_moved, bytes);
		igt_assert_eq_u64(sum4(b.engine_cycles) - sum4(a.engine_cycles), cycles);
		igt_assert_eq_u64(sum4(b.file_engine_cycles) - sum4(a.file_engine_cycles), cycles);
		igt_assert(sum4(b.file_engine_busy_ns) > sum4(a.file_engine_busy_ns));
	}

	igt_describe("A job the engine rejects counts as failed, in the file and the device.");
	igt_subtest("failed-job") {
		struct drm_aiaccel_stats a, b;
		struct drm_aiaccel_event_job ev;
		struct aiaccel_op_header *bad;
		struct aiaccel_cs cs;

		aiaccel_cs_new(fd, 4096, &cs);
		bad = aiaccel_cs_emit(&cs, 0x7f, 0, 8);
		(void)bad;
		get_stats(fd, &a);
		igt_assert_eq(aiaccel_submit(fd, &cs, NULL, 0, NULL, 0, NULL, 0,
					     DRM_AIACCEL_SUBMIT_EVENT, 0), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
		igt_assert_eq(ev.status, -EINVAL);
		get_stats(fd, &b);
		igt_assert_eq_u64(b.file_jobs_failed - a.file_jobs_failed, 1);
		igt_assert_eq_u64(b.jobs_failed - a.jobs_failed, 1);
		igt_assert_eq_u64(b.file_jobs_completed, a.file_jobs_completed);
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("A job whose out-syncobj reads signalled is counted in GET_STATS "
		     "already, completed or failed (two processes polling; every fence "
		     "made slow to run its callbacks once signalled).");
	igt_subtest("counted-when-signalled") {
		bool slow = aiaccel_slow_fence_signal_begin();

		counted_when_signalled(1000);
		aiaccel_slow_fence_signal_end(slow);
	}

	igt_describe("Memory counters follow allocations, per file and device-wide.");
	igt_subtest("memory") {
		struct drm_aiaccel_stats a, b, c;
		struct aiaccel_buf x, y;

		get_stats(fd, &a);
		aiaccel_buf_new(fd, 3 * 4096, 0, &x);
		aiaccel_buf_new(fd, 5 * 4096 - 100, 0, &y);
		get_stats(fd, &b);
		igt_assert_eq_u64(b.file_mem_used - a.file_mem_used, 8 * 4096);
		igt_assert_eq_u64(b.mem_used - a.mem_used, 8 * 4096);
		igt_assert(b.file_mem_peak >= b.file_mem_used);
		igt_assert(b.mem_peak >= b.mem_used);
		aiaccel_buf_free(fd, &x);
		aiaccel_buf_free(fd, &y);
		get_stats(fd, &c);
		igt_assert_eq_u64(c.file_mem_used, a.file_mem_used);
		igt_assert_eq_u64(c.file_mem_peak, b.file_mem_peak);
	}

	igt_describe("GET_STATS follows GET_INFO's size protocol and checks flags.");
	igt_subtest("size-and-flags") {
		struct drm_aiaccel_get_stats args = { 0 };
		struct drm_aiaccel_stats st;

		do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_STATS, &args);
		igt_assert_eq_u32(args.stats_size, sizeof(st));
		args.stats_ptr = (uintptr_t)&st;
		args.stats_size = sizeof(st);
		args.flags = 1;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_GET_STATS, &args, EINVAL);
		args.flags = 0;
		args.stats_ptr = 16;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_GET_STATS, &args, EFAULT);
	}

	igt_describe("fdinfo names the driver and reports memory to the page.");
	igt_subtest("fdinfo-memory") {
		uint64_t total0 = 0, total1 = 0, resident1 = 0;
		struct aiaccel_buf x;
		char driver[64];

		igt_assert(fdinfo_string(fd, "drm-driver", driver, sizeof(driver)));
		igt_assert_eq(strcmp(driver, "aiaccel"), 0);
		igt_assert(fdinfo_string(fd, "drm-client-id", driver, sizeof(driver)));
		fdinfo_value(fd, "drm-total-memory", &total0);

		aiaccel_buf_new(fd, 7 * 4096, 0, &x);
		igt_assert(fdinfo_value(fd, "drm-total-memory", &total1));
		igt_assert(fdinfo_value(fd, "drm-resident-memory", &resident1));
		igt_assert_eq_u64(total1 - total0, 7 * 4096);
		igt_assert(resident1 >= 7 * 4096);
		aiaccel_buf_free(fd, &x);
	}

	igt_describe("fdinfo engine busy time grows while a job runs, and cycles match.");
	igt_subtest("fdinfo-busy-grows") {
		struct drm_aiaccel_stats st;
		uint64_t busy0 = 0, busy[3] = { 0 }, cycles = 0;
		unsigned int seen = 0, queued = 0;
		struct aiaccel_cs cs;
		int i;

		aiaccel_require_sim_hook(0, "clock_divider", 64);
		aiaccel_cs_new(fd, 4096, &cs);
		for (i = 0; i < 256; i++)
			aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
		/* Engine 0 only, so one fdinfo key sees it all. */
		fdinfo_value(fd, "drm-engine-compute0", &busy0);
		/* Three samples, each larger than the one before. */
		for (i = 0; i < 200 && seen < 3; i++) {
			uint64_t b = 0;

			feed_engine0(fd, &cs, &queued);
			usleep(50000);
			igt_assert(fdinfo_value(fd, "drm-engine-compute0", &b));
			if (b > (seen ? busy[seen - 1] : busy0))
				busy[seen++] = b;
		}
		drain_engine0(fd, &queued);
		igt_assert_f(seen == 3, "busy %" PRIu64 " -> %" PRIu64 " -> %" PRIu64
			     " -> %" PRIu64 " while the jobs ran\n", busy0, busy[0], busy[1], busy[2]);
		get_stats(fd, &st);
		igt_assert(fdinfo_value(fd, "drm-cycles-compute0", &cycles));
		igt_assert_eq_u64(cycles, st.file_engine_cycles[0]);
		aiaccel_buf_free(fd, &cs.buf);
	}

	igt_describe("sysfs attributes agree with GET_INFO and GET_STATS.");
	igt_describe("aidrv-top --once shows this process, its memory and its engine use.");
	igt_subtest("aidrv-top") {
		const char *tools = getenv("AIACCEL_TOOLS");
		struct aiaccel_buf big;
		struct aiaccel_cs cs;
		char cmd[512], line[512], comm[64];
		unsigned int queued = 0;
		struct pollfd out;
		bool seen = false;
		FILE *top;
		int i;

		igt_require_f(tools, "AIACCEL_TOOLS names the directory of aidrv-top\n");
		aiaccel_require_sim_hook(0, "clock_divider", 64);
		aiaccel_buf_new(fd, 1 << 20, 0, &big);
		aiaccel_cs_new(fd, 4096, &cs);
		for (i = 0; i < 64; i++)
			aiaccel_cs_emit(&cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
		snprintf(cmd, sizeof(cmd), "%s/aidrv-top --once --delay 0.5", tools);
		top = popen(cmd, "r");
		igt_assert(top);
		out = (struct pollfd){ .fd = fileno(top), .events = POLLIN };
		/* It prints once, after its second sample: feed engine 0 until then. */
		do
			feed_engine0(fd, &cs, &queued);
		while (poll(&out, 1, 10) == 0);
		while (fgets(line, sizeof(line), top)) {
			unsigned long long mem, res;
			double use0;
			int pid, minor;

			igt_debug("%s", line);
			if (sscanf(line, "%d %63s accel%d %llu %llu compute0 %lf", &pid, comm,
				   &minor, &mem, &res, &use0) != 6 || pid != getpid())
				continue;
			seen = true;
			igt_assert_eq(minor, aiaccel_fd_minor(fd));
			/* The 1 MiB buffer and the 4 KiB command stream. */
			igt_assert_eq_u64(mem, 1024 + 4);
			igt_assert_f(use0 > 0, "engine 0 use %.1f%%\n", use0);
		}
		igt_assert_eq(pclose(top), 0);
		drain_engine0(fd, &queued);
		igt_assert_f(seen, "aidrv-top did not list pid %d\n", getpid());
		aiaccel_buf_free(fd, &cs.buf);
		aiaccel_buf_free(fd, &big);
	}

	igt_subtest("sysfs") {
		struct drm_aiaccel_info info;
		struct drm_aiaccel_stats st;
		struct aiaccel_buf x;
		char path[128], buf[64];
		FILE *f;

		aiaccel_buf_new(fd, 4096, 0, &x);
		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		get_stats(fd, &st);
		igt_assert_eq_u64(sysfs_u64(fd, "num_engines"), info.num_engines);
		igt_assert_eq_u64(sysfs_u64(fd, "mem_size"), info.mem_size);
		igt_assert_eq_u64(sysfs_u64(fd, "mem_used"), st.mem_used);
		igt_assert_eq_u64(sysfs_u64(fd, "queue_depth"), info.queue_depth);
		igt_assert_eq_u64(sysfs_u64(fd, "resets"), st.resets);
		snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/hw_version",
			 aiaccel_fd_minor(fd));
		f = fopen(path, "r");
		igt_assert(f);
		igt_assert(fgets(buf, sizeof(buf), f));
		fclose(f);
		snprintf(path, sizeof(path), "%u.%u.%u\n", info.hw_version >> 24,
			 (info.hw_version >> 16) & 0xff, info.hw_version & 0xffff);
		igt_assert_eq(strcmp(buf, path), 0);
		aiaccel_buf_free(fd, &x);
	}

	igt_fixture()
		close(fd);
}
