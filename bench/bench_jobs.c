// SPDX-License-Identifier: MIT
/*
 * bench_jobs: what a job costs on aiaccel.
 *
 *   P1  NOP job round trip (SUBMIT with an out-syncobj, then wait on it)
 *       against vgem's minimal fence round trip (VGEM_FENCE_ATTACH,
 *       VGEM_FENCE_SIGNAL, poll() on the buffer's dma-buf), mean us and
 *       ratio (goal <= 3x); and, as a yardstick, a token passed round
 *       three threads, the wake-ups a job's round trip cannot avoid here;
 *       then the same job waited on through its out-syncobj and through its
 *       completion event, taking turns job by job, each split at the
 *       event's done_ns into SUBMIT-to-signal and signal-to-return;
 *   P2  NOP throughput with queue_depth jobs in flight against strictly
 *       sequential jobs, jobs/s and ratio (goal >= 5x);
 *   P3  the same round trip for a job that finds the device runtime-
 *       suspended (after 200 ms idle; autosuspend is 50 ms) against one that
 *       finds it awake, and the ratio: what a power-up costs a job;
 *   P5  SUBMIT ioctl cost against the number of buffers listed (1, 16, 256,
 *       and GET_INFO's max_submit_bos, 1024), us per SUBMIT, and the
 *       least-squares slope.  No more than 1024: a SUBMIT holding 2048 or
 *       more reservation locks overflows lockdep's nesting count (a kernel
 *       warning) on a debug kernel.
 *
 * Figures, not assertions: the program fails only if something cannot be
 * run.  Usage: bench_jobs [-n ITERATIONS] [-p PHASES]: ITERATIONS default
 * 100 (P2 uses 4x that; P1 and P2 take the median of 5 rounds), PHASES the
 * digits of the phases to run (default 1235; "-p 1" to profile the round
 * trip alone).
 * "result key=value" lines are for scripts.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/aiaccel_accel.h>
#include <drm/aiaccel_isa.h>

/* libdrm-dev here ships no vgem_drm.h: the two ioctls, as in the kernel's uAPI. */
struct bench_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct bench_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define BENCH_VGEM_FENCE_WRITE	0x1
#define BENCH_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct bench_vgem_fence_attach)
#define BENCH_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct bench_vgem_fence_signal)

static void die(const char *what)
{
	fprintf(stderr, "bench_jobs: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Open the first node of @dir named @prefix* whose driver is @name; -1 if none. */
static int open_driver(const char *dir, const char *prefix, const char *name)
{
	char path[64];
	int i, fd;

	for (i = 0; i < 64; i++) {
		drmVersionPtr v;
		bool match;

		snprintf(path, sizeof(path), "%s/%s%d", dir, prefix, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		match = v && v->name && !strcmp(v->name, name);
		drmFreeVersion(v);
		if (match)
			return fd;
		close(fd);
	}
	return -1;
}

struct bo {
	uint32_t handle;
	uint64_t va;
	void *map;
	uint64_t size;
};

static void bo_new(int fd, uint64_t size, struct bo *bo, bool map)
{
	struct drm_aiaccel_bo_create args = { .size = size };

	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args))
		die("BO_CREATE");
	bo->handle = args.handle;
	bo->va = args.va;
	bo->size = args.size;
	bo->map = NULL;
	if (map) {
		bo->map = mmap(NULL, args.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			       args.mmap_offset);
		if (bo->map == MAP_FAILED)
			die("mmap");
	}
}

struct ctx {
	int fd;
	struct drm_aiaccel_info info;
	struct bo cs;		/* one NOP op */
};

static int submit(struct ctx *c, uint32_t engine, const struct drm_aiaccel_submit_bo *bos,
		  uint32_t nbos, uint32_t out_syncobj, uint64_t point, uint32_t flags)
{
	struct drm_aiaccel_sync out = { .handle = out_syncobj, .point = point };
	struct drm_aiaccel_submit args = {
		.cs_handle = c->cs.handle,
		.cs_size = sizeof(struct aiaccel_op_nop),
		.flags = flags | DRM_AIACCEL_SUBMIT_ENGINE,
		.bos = (uintptr_t)bos,
		.bo_count = nbos,
		.bo_stride = sizeof(*bos),
		.in_sync_stride = sizeof(struct drm_aiaccel_sync),
		.out_syncs = (uintptr_t)&out,
		.out_sync_count = out_syncobj ? 1 : 0,
		.out_sync_stride = sizeof(out),
		.engine = engine,
		.priority = DRM_AIACCEL_PRIORITY_NORMAL,
	};

	return drmIoctl(c->fd, DRM_IOCTL_AIACCEL_SUBMIT, &args) ? -errno : 0;
}

static void wait_syncobj(int fd, uint32_t handle, uint64_t point)
{
	int ret;

	if (point)
		ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, INT64_MAX,
					     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	else
		ret = drmSyncobjWait(fd, &handle, 1, INT64_MAX, 0, NULL);
	if (ret)
		die("syncobj wait");
}

/* P1: SUBMIT + wait, one NOP at a time. */
static double p1_aiaccel(struct ctx *c, int n)
{
	uint32_t s;
	double t0;
	int i;

	if (drmSyncobjCreate(c->fd, 0, &s))
		die("syncobj create");
	for (i = 0; i < 10; i++) {	/* warm up: entity, caches */
		if (submit(c, 0, NULL, 0, s, 0, 0))
			die("SUBMIT");
		wait_syncobj(c->fd, s, 0);
	}
	t0 = now_us();
	for (i = 0; i < n; i++) {
		if (submit(c, 0, NULL, 0, s, 0, 0))
			die("SUBMIT");
		wait_syncobj(c->fd, s, 0);
	}
	t0 = (now_us() - t0) / n;
	drmSyncobjDestroy(c->fd, s);
	return t0;
}

/* P1 bis: the same round trip through a completion event (poll + read). */
static double p1_aiaccel_event(struct ctx *c, int n)
{
	struct drm_aiaccel_submit args = {
		.cs_handle = c->cs.handle,
		.cs_size = sizeof(struct aiaccel_op_nop),
		.flags = DRM_AIACCEL_SUBMIT_EVENT | DRM_AIACCEL_SUBMIT_ENGINE,
		.bo_stride = sizeof(struct drm_aiaccel_submit_bo),
		.in_sync_stride = sizeof(struct drm_aiaccel_sync),
		.out_sync_stride = sizeof(struct drm_aiaccel_sync),
		.engine = 0,
		.priority = DRM_AIACCEL_PRIORITY_NORMAL,
	};
	struct drm_aiaccel_event_job ev;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	double t0;
	int i;

	t0 = now_us();
	for (i = 0; i < n; i++) {
		if (drmIoctl(c->fd, DRM_IOCTL_AIACCEL_SUBMIT, &args))
			die("SUBMIT");
		if (poll(&pfd, 1, -1) != 1)
			die("poll");
		if (read(c->fd, &ev, sizeof(ev)) != sizeof(ev) || ev.status)
			die("read event");
	}
	return (now_us() - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile of @n figures, nearest rank (sorts them). */
static double percentile(double *t, int n, int pct)
{
	qsort(t, n, sizeof(t[0]), cmp_double);
	return t[(n - 1) * pct / 100];
}

static double median(double *t, int n)
{
	return percentile(t, n, 50);
}

/*
 * P1 split: where a round trip's time goes, for both ways of waiting.
 * Every job asks for an event and signals an out-syncobj, so the kernel
 * does the same work whichever way the caller waits; the two ways take
 * turns, job by job, so they see the same load.  The event's done_ns is
 * when the job's finished fence signalled (CLOCK_MONOTONIC, like
 * now_us()): before it, SUBMIT, the scheduler and the engine; after it,
 * the wake-up of the waiter and its return to userspace.
 */
struct p1_split {
	/* [way][0] median, [way][1] 99th percentile, [way][2] mean, in us */
	double to_done[2][3];
	double to_return[2][3];
	double total[2][3];
};

/* Median, 99th percentile and mean of @n figures (sorts them). */
static void p1_split_stats(double *t, int n, double out[3])
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += t[i];
	out[1] = percentile(t, n, 99);
	out[0] = median(t, n);
	out[2] = sum / n;
}

static void p1_split(struct ctx *c, int n, struct p1_split *out)
{
	double *td[2], *tr[2], *tt[2];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	struct drm_aiaccel_event_job ev;
	uint32_t s;
	int i, way;

	for (way = 0; way < 2; way++) {
		td[way] = calloc(n, sizeof(double));
		tr[way] = calloc(n, sizeof(double));
		tt[way] = calloc(n, sizeof(double));
		if (!td[way] || !tr[way] || !tt[way])
			die("calloc");
	}
	if (drmSyncobjCreate(c->fd, 0, &s))
		die("syncobj create");
	for (i = 0; i < 2 * n; i++) {
		double t0, t1;

		way = i & 1;
		t0 = now_us();
		if (submit(c, 0, NULL, 0, s, 0, DRM_AIACCEL_SUBMIT_EVENT))
			die("SUBMIT");
		if (way == 0)
			wait_syncobj(c->fd, s, 0);
		else if (poll(&pfd, 1, -1) != 1)
			die("poll");
		t1 = now_us();
		/* After the syncobj wait the event is there already. */
		if (read(c->fd, &ev, sizeof(ev)) != sizeof(ev) || ev.status)
			die("read event");
		td[way][i / 2] = ev.done_ns / 1e3 - t0;
		tr[way][i / 2] = t1 - ev.done_ns / 1e3;
		tt[way][i / 2] = t1 - t0;
	}
	drmSyncobjDestroy(c->fd, s);
	for (way = 0; way < 2; way++) {
		p1_split_stats(td[way], n, out->to_done[way]);
		p1_split_stats(tr[way], n, out->to_return[way]);
		p1_split_stats(tt[way], n, out->total[way]);
		free(td[way]);
		free(tr[way]);
		free(tt[way]);
	}
}

/* P1: vgem's minimal fence round trip; < 0 if vgem is not there. */
static double p1_vgem(int n)
{
	struct drm_mode_create_dumb create = { .width = 1024, .height = 1, .bpp = 32 };
	struct pollfd pfd = { .events = POLLOUT };
	int vfd, dmabuf, i;
	double t0;

	vfd = open_driver("/dev/dri", "card", "vgem");
	if (vfd < 0)
		return -1;
	if (drmIoctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		die("vgem CREATE_DUMB");
	if (drmPrimeHandleToFD(vfd, create.handle, DRM_CLOEXEC, &dmabuf))
		die("vgem export");
	pfd.fd = dmabuf;
	t0 = 0;
	for (i = -10; i < n; i++) {
		struct bench_vgem_fence_attach attach = {
			.handle = create.handle,
			.flags = BENCH_VGEM_FENCE_WRITE,
		};
		struct bench_vgem_fence_signal signal = { 0 };

		if (!i)
			t0 = now_us();
		if (drmIoctl(vfd, BENCH_IOCTL_VGEM_FENCE_ATTACH, &attach))
			die("VGEM_FENCE_ATTACH");
		signal.fence = attach.out_fence;
		if (drmIoctl(vfd, BENCH_IOCTL_VGEM_FENCE_SIGNAL, &signal))
			die("VGEM_FENCE_SIGNAL");
		/* POLLOUT: every fence of the buffer (here the write) has signalled. */
		if (poll(&pfd, 1, -1) != 1)
			die("poll dma-buf");
	}
	t0 = (now_us() - t0) / n;
	close(dmabuf);
	close(vfd);
	return t0;
}

/*
 * P1 yardstick: a token passed round three threads, each blocked in read()
 * on its eventfd until the one before writes to it.  That is the fewest
 * wake-ups a job's round trip can take: the submitter hands the job to the
 * scheduler's worker (drm_sched's run_job), the worker rings the engine
 * (the model's thread, as silicon runs on its own), and the engine's
 * interrupt wakes the submitter.  vgem's fence round trip takes none.
 */
#define RELAY_WARMUP 10

struct relay {
	int efd[3];
	int rounds;
};

static struct relay relay;

static void relay_pass(int to)
{
	uint64_t one = 1;

	if (write(relay.efd[to], &one, sizeof(one)) != sizeof(one))
		die("eventfd write");
}

static void relay_take(int at)
{
	uint64_t v;

	if (read(relay.efd[at], &v, sizeof(v)) != sizeof(v))
		die("eventfd read");
}

static void *relay_thread(void *arg)
{
	int at = (int)(intptr_t)arg, i;

	for (i = 0; i < relay.rounds; i++) {
		relay_take(at);
		relay_pass((at + 1) % 3);
	}
	return NULL;
}

/* Mean us of one trip of the token round the three threads. */
static double p1_relay(int n)
{
	pthread_t t[2];
	double t0 = 0;
	int i;

	relay.rounds = n + RELAY_WARMUP;
	for (i = 0; i < 3; i++) {
		relay.efd[i] = eventfd(0, EFD_CLOEXEC);
		if (relay.efd[i] < 0)
			die("eventfd");
	}
	for (i = 0; i < 2; i++) {
		errno = pthread_create(&t[i], NULL, relay_thread, (void *)(intptr_t)(i + 1));
		if (errno)
			die("pthread_create");
	}
	for (i = -RELAY_WARMUP; i < n; i++) {
		if (!i)
			t0 = now_us();
		relay_pass(1);
		relay_take(0);
	}
	t0 = (now_us() - t0) / n;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++)
		close(relay.efd[i]);
	return t0;
}

/* Is the device powered now?  -1 if the POWER ioctl is not there. */
static int powered(struct ctx *c)
{
	struct drm_aiaccel_power args = { 0 };

	if (drmIoctl(c->fd, DRM_IOCTL_AIACCEL_POWER, &args))
		return -1;
	return args.powered;
}

/*
 * P3: mean round trip (us) of @n NOP jobs each submitted after @idle_ms of
 * idleness; *@suspended counts the jobs that found the device powered off.
 */
static double p3_after_idle(struct ctx *c, int n, int idle_ms, int *suspended)
{
	double sum = 0;
	uint32_t s;
	int i;

	if (drmSyncobjCreate(c->fd, 0, &s))
		die("syncobj create");
	*suspended = 0;
	for (i = 0; i < n; i++) {
		double t0;

		usleep(idle_ms * 1000);
		if (powered(c) == 0)
			(*suspended)++;
		t0 = now_us();
		if (submit(c, 0, NULL, 0, s, 0, 0))
			die("SUBMIT");
		wait_syncobj(c->fd, s, 0);
		sum += now_us() - t0;
	}
	drmSyncobjDestroy(c->fd, s);
	return sum / n;
}

/* P2: jobs/s with at most @depth NOPs in flight on engine 0. */
static double p2_rate(struct ctx *c, int n, int depth)
{
	uint32_t t;
	double t0;
	int i;

	if (drmSyncobjCreate(c->fd, 0, &t))
		die("syncobj create");
	t0 = now_us();
	for (i = 0; i < n; i++) {
		if (i >= depth)
			wait_syncobj(c->fd, t, i - depth + 1);
		if (submit(c, 0, NULL, 0, t, i + 1, 0))
			die("SUBMIT");
	}
	wait_syncobj(c->fd, t, n);
	t0 = now_us() - t0;
	drmSyncobjDestroy(c->fd, t);
	return n / (t0 / 1e6);
}

/* P5: mean and minimum us of one SUBMIT listing the first @k of @bos. */
static void p5_cost(struct ctx *c, const struct drm_aiaccel_submit_bo *bos, uint32_t k,
		    int reps, double *mean, double *min)
{
	uint32_t s;
	double sum = 0, best = 1e30;
	int i;

	if (drmSyncobjCreate(c->fd, 0, &s))
		die("syncobj create");
	for (i = -2; i < reps; i++) {
		double t0 = now_us(), dt;

		if (submit(c, 0, bos, k, s, 0, 0))
			die("SUBMIT");
		dt = now_us() - t0;
		/* Let the job finish outside the measurement. */
		wait_syncobj(c->fd, s, 0);
		if (i < 0)
			continue;
		sum += dt;
		if (dt < best)
			best = dt;
	}
	drmSyncobjDestroy(c->fd, s);
	*mean = sum / reps;
	*min = best;
}

/*
 * P1 and P2 run their variants in turn, ROUNDS times, and report medians:
 * wake-up latencies under TCG swing with the host's load, and a round of
 * each variant side by side sees the same load.
 */
#define ROUNDS 5

static void run_p1(struct ctx *c, int n)
{
	double p1[ROUNDS], p1e[ROUNDS], p1v[ROUNDS], p1r[ROUNDS], s, e, v, y;
	struct p1_split split;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		p1[r] = p1_aiaccel(c, n);
		p1e[r] = p1_aiaccel_event(c, n);
		p1v[r] = p1_vgem(n);
		p1r[r] = p1_relay(n);
	}
	s = median(p1, ROUNDS);
	e = median(p1e, ROUNDS);
	v = median(p1v, ROUNDS);
	y = median(p1r, ROUNDS);
	printf("\nP1 round trip of one NOP job (engine 0), median of %d means over %d\n",
	       ROUNDS, n);
	printf("  %-52s %10.1f us\n", "aiaccel SUBMIT + out-syncobj wait", s);
	printf("  %-52s %10.1f us\n", "aiaccel SUBMIT + event poll()/read()", e);
	if (v > 0) {
		printf("  %-52s %10.1f us\n", "vgem FENCE_ATTACH + FENCE_SIGNAL + dma-buf poll()", v);
		printf("  %-52s %10.2fx  (goal <= 3x)\n", "ratio aiaccel / vgem", s / v);
		printf("  result p1_vgem_us=%.1f p1_ratio_to_vgem=%.2f\n", v, s / v);
	} else {
		printf("  vgem: not available (modprobe vgem)\n");
	}
	printf("  %-52s %10.1f us\n", "yardstick: a token round three threads (3 wake-ups)", y);
	printf("  %-52s %10.2fx\n", "ratio aiaccel / yardstick", s / y);
	printf("  result p1_syncobj_us=%.1f p1_event_us=%.1f p1_relay_us=%.1f\n", s, e, y);

	p1_split(c, ROUNDS * n, &split);
	printf("\nP1 split: the same job (event + out-syncobj), the two waits taking turns,\n"
	       "  %d jobs each; median / 99th percentile / mean, us\n", ROUNDS * n);
	printf("  %-28s %-26s %-26s %s\n", "", "SUBMIT to signal", "signal to return",
	       "round trip");
	for (r = 0; r < 2; r++)
		printf("  %-28s %7.1f %8.1f %8.1f  %7.1f %8.1f %8.1f  %7.1f %8.1f %8.1f\n",
		       r ? "poll() and read() the event" : "wait on the out-syncobj",
		       split.to_done[r][0], split.to_done[r][1], split.to_done[r][2],
		       split.to_return[r][0], split.to_return[r][1], split.to_return[r][2],
		       split.total[r][0], split.total[r][1], split.total[r][2]);
	printf("  %-28s", "ratio syncobj / event");
	printf(" %6.2fx %8s %7.2fx ", split.to_done[0][0] / split.to_done[1][0], "",
	       split.to_done[0][2] / split.to_done[1][2]);
	printf(" %6.2fx %8s %7.2fx ", split.to_return[0][0] / split.to_return[1][0], "",
	       split.to_return[0][2] / split.to_return[1][2]);
	printf(" %6.2fx %8s %7.2fx\n", split.total[0][0] / split.total[1][0], "",
	       split.total[0][2] / split.total[1][2]);
	printf("  result p1_split_syncobj_median_us=%.1f p1_split_event_median_us=%.1f "
	       "p1_split_ratio_median=%.2f p1_split_ratio_mean=%.2f\n",
	       split.total[0][0], split.total[1][0], split.total[0][0] / split.total[1][0],
	       split.total[0][2] / split.total[1][2]);
}

static void run_p2(struct ctx *c, int n)
{
	double seq[ROUNDS], pipe[ROUNDS], ratio[ROUNDS], sq, pp, rt;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		seq[r] = p2_rate(c, 4 * n, 1);
		pipe[r] = p2_rate(c, 4 * n, c->info.queue_depth);
		ratio[r] = pipe[r] / seq[r];
	}
	sq = median(seq, ROUNDS);
	pp = median(pipe, ROUNDS);
	rt = median(ratio, ROUNDS);
	printf("\nP2 NOP throughput on engine 0, %d jobs, median of %d rounds\n", 4 * n, ROUNDS);
	printf("  %-52s %10.0f jobs/s\n", "sequential (1 in flight)", sq);
	printf("  %-52s %10.0f jobs/s\n", "pipelined (queue_depth in flight)", pp);
	printf("  %-52s %10.2fx  (goal >= 5x)\n", "ratio pipelined / sequential (per round)", rt);
	printf("  result p2_sequential_per_s=%.0f p2_pipelined_per_s=%.0f p2_ratio=%.2f\n",
	       sq, pp, rt);
}

static void run_p3(struct ctx *c, int n)
{
	int m = n / 10 > 5 ? n / 10 : 5, cold_n, warm_n;
	double cold = p3_after_idle(c, m, 200, &cold_n);
	double warm = p3_after_idle(c, m, 5, &warm_n);

	printf("\nP3 round trip of one NOP job after idling, mean over %d\n", m);
	printf("  %-52s %10.1f us  (%d of %d found it suspended)\n",
	       "after 200 ms idle (autosuspended)", cold, cold_n, m);
	printf("  %-52s %10.1f us  (%d of %d found it suspended)\n",
	       "after 5 ms idle (awake)", warm, warm_n, m);
	printf("  %-52s %10.2fx\n", "ratio suspended / awake", cold / warm);
	printf("  result p3_suspended_us=%.1f p3_awake_us=%.1f p3_ratio=%.2f\n",
	       cold, warm, cold / warm);
}

static void run_p5(struct ctx *c, int n)
{
	const uint32_t max = c->info.max_submit_bos;
	const uint32_t counts[] = { 1, 16, 256, max };
	struct drm_aiaccel_submit_bo *bos;
	double mean[4], min[4];
	double sx = 0, sy = 0, sxx = 0, sxy = 0, slope, icept;
	unsigned int i;

	bos = calloc(max, sizeof(*bos));
	if (!bos)
		die("calloc");
	for (i = 0; i < max; i++) {
		struct bo b;

		bo_new(c->fd, 4096, &b, false);
		bos[i] = (struct drm_aiaccel_submit_bo){ .handle = b.handle,
							 .flags = DRM_AIACCEL_SUBMIT_BO_READ };
	}
	printf("\nP5 SUBMIT ioctl cost against buffers listed (NOP job, READ, implicit sync)\n");
	printf("  %8s %14s %14s\n", "buffers", "mean us", "min us");
	for (i = 0; i < 4; i++) {
		int reps = counts[i] >= max ? n / 8 + 2 : n / 2 + 2;

		p5_cost(c, bos, counts[i], reps, &mean[i], &min[i]);
		printf("  %8u %14.1f %14.1f\n", counts[i], mean[i], min[i]);
		sx += counts[i];
		sy += mean[i];
		sxx += (double)counts[i] * counts[i];
		sxy += counts[i] * mean[i];
	}
	slope = (4 * sxy - sx * sy) / (4 * sxx - sx * sx);
	icept = (sy - slope * sx) / 4;
	printf("  least squares: %.3f us per buffer + %.1f us\n", slope, icept);
	printf("  result p5_us_per_buffer=%.3f p5_base_us=%.1f\n", slope, icept);

	free(bos);
}

int main(int argc, char **argv)
{
	struct drm_aiaccel_get_info gi;
	struct aiaccel_op_nop *nop;
	const char *phases = "1235";
	struct ctx c;
	int n = 100, opt;

	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		if (opt == 'n' && atoi(optarg) > 0) {
			n = atoi(optarg);
		} else if (opt == 'p' && strspn(optarg, "1235") == strlen(optarg)) {
			phases = optarg;
		} else {
			fprintf(stderr, "usage: %s [-n ITERATIONS] [-p PHASES]\n", argv[0]);
			return 2;
		}
	}

	c.fd = open_driver("/dev/accel", "accel", "aiaccel");
	if (c.fd < 0) {
		fprintf(stderr, "bench_jobs: no aiaccel device\n");
		return 1;
	}
	memset(&c.info, 0, sizeof(c.info));
	gi = (struct drm_aiaccel_get_info){ .info_ptr = (uintptr_t)&c.info,
					    .info_size = sizeof(c.info) };
	if (drmIoctl(c.fd, DRM_IOCTL_AIACCEL_GET_INFO, &gi))
		die("GET_INFO");
	bo_new(c.fd, 4096, &c.cs, true);
	nop = c.cs.map;
	nop->hdr = (struct aiaccel_op_header){ .opcode = AIACCEL_OP_NOP, .size = sizeof(*nop) };

	printf("bench_jobs: %u engines, queue_depth %u, %d iterations\n",
	       c.info.num_engines, c.info.queue_depth, n);

	if (strchr(phases, '1'))
		run_p1(&c, n);
	if (strchr(phases, '2'))
		run_p2(&c, n);
	if (strchr(phases, '3'))
		run_p3(&c, n);
	if (strchr(phases, '5'))
		run_p5(&c, n);
	close(c.fd);	/* frees every buffer */
	return 0;
}
