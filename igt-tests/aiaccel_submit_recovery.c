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

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <linux/sync_file.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_vgem.h"
#include "aiaccel_ref.h"

IGT_TEST_DESCRIPTION("aiaccel: hangs, resets, killed submitters and unloading.");

#define MSEC (1000000ll)
#define SEC (1000000000ll)

/*
 * job_timeout_ms for the hang tests: short, but long enough that a test
 * stalled by a loaded host for a while still sees the job hung before the
 * reset.
 */
#define HANG_TIMEOUT_MS 1000

static int copy_job_submit(struct aiaccel_copy_job *j, uint32_t engine, uint64_t tag,
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
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	aiaccel_submit_engine(&args, engine);
	args.event_data = tag;
	if (out_syncobj) {
		args.out_syncs = (uintptr_t)&out;
		args.out_sync_count = 1;
	}
	return aiaccel_submit_raw(j->fd, &args);
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
	struct aiaccel_copy_job hung, queued;
	struct aiaccel_gate gate;
	struct drm_aiaccel_event_job ev;
	struct timespec start = {};
	uint32_t s = aiaccel_syncobj(fd);
	uint64_t took;

	aiaccel_copy_job_new(fd, &hung, 1);
	aiaccel_copy_job_new(fd, &queued, 2);
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
	igt_assert(!aiaccel_copy_job_done(&hung));

	/* The file is banned: its queued job is cancelled... */
	aiaccel_gate_open(&gate);
	igt_assert_eq(aiaccel_read_event(fd, &ev, 10 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0x2);
	igt_assert_eq(ev.status, -ECANCELED);
	igt_assert(!aiaccel_copy_job_done(&queued));
	/* ...and so is any new one. */
	igt_assert_eq(copy_job_submit(&queued, AIACCEL_ENGINE_ANY, 0x3, NULL, 0),
		      -ECANCELED);

	aiaccel_gate_free(&gate);
	aiaccel_copy_job_free(&queued);
	aiaccel_copy_job_free(&hung);
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
	struct aiaccel_copy_job hung, behind[3], other, fresh;
	struct drm_aiaccel_event_job ev, hung_ev;
	bool seen[3] = { false }, other_seen = false;
	uint64_t other_done = 0;
	int i;

	track_fd(fda);
	track_fd(fdb);

	igt_assert_eq(aiaccel_get_info(fda, &info), 0);
	aiaccel_copy_job_new(fda, &hung, 10);
	for (i = 0; i < 3; i++)
		aiaccel_copy_job_new(fdb, &behind[i], 11 + i);
	aiaccel_copy_job_new(fdb, &other, 14);

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
		igt_assert(aiaccel_copy_job_done(&behind[i]));
	}
	if (info.num_engines > 1) {
		igt_assert(other_seen && aiaccel_copy_job_done(&other));
		igt_info("the job on engine 1 completed %s the reset of engine 0\n",
			 other_done < hung_ev.done_ns ? "before" : "after");
	}

	/* A is banned, B and a new file are not. */
	igt_assert_eq(copy_job_submit(&hung, 0, 0xd, NULL, 0), -ECANCELED);
	memset(behind[0].y.map, 0, 4096);
	igt_assert_eq(copy_job_submit(&behind[0], 0, 0xe, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fdb, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(aiaccel_copy_job_done(&behind[0]));
	fdc = track_fd(aiaccel_open(0));
	aiaccel_copy_job_new(fdc, &fresh, 15);
	igt_assert_eq(copy_job_submit(&fresh, 0, 0xf, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fdc, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(aiaccel_copy_job_done(&fresh));

	aiaccel_copy_job_free(&fresh);
	aiaccel_copy_job_free(&other);
	for (i = 0; i < 3; i++)
		aiaccel_copy_job_free(&behind[i]);
	aiaccel_copy_job_free(&hung);
	close_fd(fdc);
	close_fd(fdb);
	close_fd(fda);
}

/* --- The devcoredump of a hang ---------------------------------------------- */

/*
 * The data file of the unread devcoredump of aiaccel device @dev (e.g.
 * "aiaccel.0"), into @path; false if there is none.
 */
static bool coredump_path(const char *dev, char *path, size_t len)
{
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir("/sys/class/devcoredump");

	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char link[PATH_MAX], target[PATH_MAX];
		ssize_t n;

		if (strncmp(d->d_name, "devcd", 5))
			continue;
		snprintf(link, sizeof(link), "/sys/class/devcoredump/%s/failing_device",
			 d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strcmp(strrchr(target, '/') + 1, dev))
			continue;
		snprintf(path, len, "/sys/class/devcoredump/%s/data", d->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

/*
 * Discard the device's unread dump, if any: one at a time is kept.  The
 * kernel removes it from a workqueue: wait until it is gone.
 */
static void coredump_dismiss(const char *dev)
{
	char path[PATH_MAX];
	int i;

	if (coredump_path(dev, path, sizeof(path)))
		igt_assert_eq(aiaccel_file_write(path, "1"), 0);
	for (i = 0; i < 500 && coredump_path(dev, path, sizeof(path)); i++)
		usleep(10 * 1000);
	igt_assert_f(!coredump_path(dev, path, sizeof(path)), "%s stays after dismissal\n", path);
}

/* Read the whole dump into a NUL-terminated heap buffer. */
static char *coredump_read(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	igt_assert(buf && fd >= 0);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			igt_assert(buf);
		}
	}
	igt_assert_eq((int)n, 0);
	close(fd);
	buf[len] = 0;
	return buf;
}

/*
 * A hang leaves a devcoredump: the device's registers, the engine's ring
 * with the guilty entry at HEAD, and the guilty job's command stream byte
 * for byte; aidrv-coredump decodes it.
 */
static void test_hang_coredump(unsigned int instance)
{
	int fd = track_fd(aiaccel_open(0));
	char dev[64], parent[64], path[PATH_MAX], expect[256], *dump, *cs;
	struct drm_aiaccel_event_job ev;
	const char *tools = getenv("AIACCEL_TOOLS");
	struct aiaccel_copy_job hung;
	uint32_t i;

	igt_assert(aiaccel_device_names(aiaccel_fd_minor(fd), dev, parent, sizeof(dev)));
	coredump_dismiss(dev);
	aiaccel_copy_job_new(fd, &hung, 60);
	hang_next_job(instance);
	igt_assert_eq(copy_job_submit(&hung, 0, 0x1, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, -ETIMEDOUT);
	igt_assert_f(coredump_path(dev, path, sizeof(path)), "no devcoredump of %s\n", dev);

	dump = coredump_read(path);
	igt_assert_f(!strncmp(dump, "AIACCEL DEVCOREDUMP 1\n", 22), "header: %.40s\n", dump);
	igt_assert(strstr(dump, "\nreason: hang\n"));
	igt_assert(strstr(dump, "\nengine: 0\n"));
	snprintf(expect, sizeof(expect), "\njob_pid: %d\n", (int)getpid());
	igt_assert_f(strstr(dump, expect), "no \"%s\" in the dump\n", expect + 1);
	igt_assert(strstr(dump, "\n0x000 0xa1ac0001\n"));
	/* The guilty entry at HEAD points at the command stream. */
	snprintf(expect, sizeof(expect), "cs_addr 0x%llx cs_size %u ",
		 (unsigned long long)hung.cs.buf.va, hung.cs.used);
	igt_assert_f(strstr(dump, expect), "no ring entry with \"%s\"\n", expect);
	/* The command stream, whole, in hex. */
	snprintf(expect, sizeof(expect), "[cs]\nva 0x%llx size %u captured %u\n00000 ",
		 (unsigned long long)hung.cs.buf.va, hung.cs.used, hung.cs.used);
	cs = strstr(dump, expect);
	igt_assert_f(cs, "no \"%s\"\n", expect);
	cs += strlen(expect);
	for (i = 0; i < hung.cs.used; i++) {
		char byte[3];

		snprintf(byte, sizeof(byte), "%02x", ((uint8_t *)hung.cs.buf.map)[i]);
		igt_assert_f(!strncmp(cs + 2 * i, byte, 2), "command stream byte %u differs\n", i);
	}
	igt_assert(strstr(dump, "\n[end]\n"));
	free(dump);

	/* The decoder reads it and names the op. */
	if (tools) {
		char cmd[PATH_MAX + 64];

		snprintf(cmd, sizeof(cmd), "%s/aidrv-coredump %s | grep -q 'DMA_COPY.*4096 bytes'",
			 tools, path);
		igt_assert_eq(system(cmd), 0);
	} else {
		igt_info("AIACCEL_TOOLS not set: the decoder is not run\n");
	}
	coredump_dismiss(dev);
	aiaccel_copy_job_free(&hung);
	close_fd(fd);
}

/* --- A device that does not come out of reset ------------------------------ */

/* Kernel uevents, as udev gets them. */
static int uevent_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	igt_require_f(s >= 0, "no uevent socket: %s\n", strerror(errno));
	igt_assert_eq(bind(s, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return s;
}

/*
 * Wait up to @rel_ns for a change uevent of accel minor @minor carrying
 * @key; true if it came.
 */
static bool uevent_wait(int s, int minor, const char *key, int64_t rel_ns)
{
	char buf[4096], devname[32];
	int64_t deadline = aiaccel_deadline(rel_ns);

	snprintf(devname, sizeof(devname), "DEVNAME=accel/accel%d", minor);
	for (;;) {
		int64_t left = deadline - aiaccel_deadline(0);
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		bool change = false, ours = false, has_key = false;
		ssize_t n;
		char *p;

		if (left <= 0 || poll(&pfd, 1, left / MSEC) != 1)
			return false;
		n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = 0;
		/* "ACTION@DEVPATH", then NUL-separated KEY=VALUE pairs. */
		for (p = buf; p < buf + n; p += strlen(p) + 1) {
			change |= !strcmp(p, "ACTION=change");
			ours |= !strcmp(p, devname);
			has_key |= !strcmp(p, key);
		}
		if (change && ours && has_key)
			return true;
	}
}

static uint64_t device_state(int fd)
{
	struct drm_aiaccel_info info;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	return info.state;
}

static int sysfs_wedged(int fd)
{
	char path[128], val[8];

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/wedged",
		 aiaccel_fd_minor(fd));
	igt_assert_eq(aiaccel_file_read(path, val, sizeof(val)), 0);
	return atoi(val);
}

/*
 * A hung job on an engine that refuses to reset: the device is wedged.
 * Every job in the rings and behind them fails with -EIO, and so does
 * every SUBMIT, from any file; GET_INFO and sysfs say so, and a
 * WEDGED=rebind uevent comes on the accel minor.  Unbinding and binding
 * the device (its documented recovery) brings it back.
 */
static void test_wedged(unsigned int instance)
{
	int fda = track_fd(aiaccel_open(0)), fdb = track_fd(aiaccel_open(0));
	int minor = aiaccel_fd_minor(fda), s = uevent_socket();
	struct aiaccel_copy_job hung, behind, gated, other;
	struct drm_aiaccel_event_job ev;
	struct aiaccel_gate gate;

	/* The wedge is this test's doing: igt_runner and the gate expect it. */
	igt_emit_ignore_dmesg_regex("does not come out of reset: device wedged");
	aiaccel_copy_job_new(fda, &hung, 40);
	aiaccel_copy_job_new(fda, &behind, 41);
	aiaccel_copy_job_new(fda, &gated, 42);
	aiaccel_copy_job_new(fdb, &other, 43);
	aiaccel_gate_new(fda, &gate);
	igt_assert_eq(device_state(fda), 0);
	igt_assert_eq(sysfs_wedged(fda), 0);

	igt_require(aiaccel_sim_hook(instance, "refuse_reset", 1));
	hang_next_job(instance);
	igt_assert_eq(copy_job_submit(&hung, 0, 0x1, NULL, 0), 0);
	igt_assert_eq(copy_job_submit(&behind, 0, 0x2, NULL, 0), 0);
	igt_assert_eq(copy_job_submit(&gated, 0, 0x3, &gate, 0), 0);

	igt_assert_f(uevent_wait(s, minor, "WEDGED=rebind", 30 * SEC),
		     "no WEDGED=rebind uevent on accel%d\n", minor);
	igt_assert_eq(aiaccel_read_event(fda, &ev, 10 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0x1);
	igt_assert_eq(ev.status, -EIO);
	igt_assert_eq(aiaccel_read_event(fda, &ev, 10 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0x2);
	igt_assert_eq(ev.status, -EIO);
	igt_assert(!aiaccel_copy_job_done(&hung) && !aiaccel_copy_job_done(&behind));

	igt_assert_eq(device_state(fda), DRM_AIACCEL_STATE_WEDGED);
	igt_assert_eq(sysfs_wedged(fda), 1);
	/* New work from any file fails at once... */
	igt_assert_eq(copy_job_submit(&other, 1, 0x4, NULL, 0), -EIO);
	/* ...and what waited for a dependency fails when it would have run. */
	aiaccel_gate_open(&gate);
	igt_assert_eq(aiaccel_read_event(fda, &ev, 10 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, 0x3);
	igt_assert_eq(ev.status, -EIO);

	aiaccel_gate_free(&gate);
	aiaccel_copy_job_free(&other);
	aiaccel_copy_job_free(&gated);
	aiaccel_copy_job_free(&behind);
	aiaccel_copy_job_free(&hung);
	close_fd(fdb);
	close_fd(fda);
	close(s);

	/* The documented recovery: unbind, bind. */
	igt_assert(aiaccel_sim_hook(instance, "refuse_reset", 0));
	igt_assert_eq(aiaccel_rebind_with(NULL, NULL), 0);
	fda = track_fd(aiaccel_open(0));
	igt_assert_eq(device_state(fda), 0);
	igt_assert_eq(sysfs_wedged(fda), 0);
	aiaccel_copy_job_new(fda, &other, 44);
	igt_assert_eq(copy_job_submit(&other, 0, 0x5, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fda, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(aiaccel_copy_job_done(&other));
	aiaccel_copy_job_free(&other);
	close_fd(fda);
}

/* --- A job running past job_max_ms -------------------------------------------- */

#define MAX_MS 2000
#define MAX_MS_STR "2000"

/*
 * @nops GEMMs of 16 x 16 x 64 in one job, on @engine: many small ops, so
 * that Q_PROGRESS moves well within job_timeout_ms even on a slowed engine.
 */
static int long_job_submit(int fd, struct aiaccel_buf *bufs, struct aiaccel_cs *cs,
			   unsigned int nops, uint32_t engine, uint64_t tag)
{
	struct drm_aiaccel_submit_bo bos[3];
	struct drm_aiaccel_submit args;
	unsigned int i;

	aiaccel_buf_new(fd, 16 * 64, 0, &bufs[0]);
	aiaccel_buf_new(fd, 16 * 64, 0, &bufs[1]);
	aiaccel_buf_new(fd, 16 * 16, 0, &bufs[2]);
	aiaccel_cs_new(fd, nops * sizeof(struct aiaccel_op_gemm), cs);
	for (i = 0; i < nops; i++) {
		struct aiaccel_op_gemm *op = aiaccel_cs_emit(cs, AIACCEL_OP_GEMM, 0, sizeof(*op));

		op->input = bufs[0].va;
		op->weights = bufs[1].va;
		op->output = bufs[2].va;
		op->m = 16;
		op->n = 16;
		op->k = 64;
		op->requant.multiplier = 1 << 30;
		op->requant.shift = -8;
		op->act_min = -128;
		op->act_max = 127;
	}
	bos[0] = aiaccel_bo_use(bufs[0].handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[1] = aiaccel_bo_use(bufs[1].handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[2] = aiaccel_bo_use(bufs[2].handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
	aiaccel_submit_init(&args, cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = 3;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	aiaccel_submit_engine(&args, engine);
	args.event_data = tag;
	return aiaccel_submit_raw(fd, &args);
}

static void long_job_free(int fd, struct aiaccel_buf *bufs, struct aiaccel_cs *cs)
{
	aiaccel_buf_free(fd, &cs->buf);
	aiaccel_buf_free(fd, &bufs[0]);
	aiaccel_buf_free(fd, &bufs[1]);
	aiaccel_buf_free(fd, &bufs[2]);
}

static unsigned int sysfs_resets(int fd)
{
	char path[128], val[16];

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/resets",
		 aiaccel_fd_minor(fd));
	igt_assert_eq(aiaccel_file_read(path, val, sizeof(val)), 0);
	return atoi(val);
}

/*
 * A job that keeps progressing but runs longer than job_max_ms fails with
 * -ETIMEDOUT, by the engine's own watchdog, without a reset; a job of
 * another file behind it on the same engine runs, and the first file is
 * not banned.  With job_timeout_ms shorter than the job, this is also a
 * slow job that the timeout handler must not take for a hung one.
 */
static void test_job_max_time(unsigned int instance)
{
	int fda = track_fd(aiaccel_open(0)), fdb = track_fd(aiaccel_open(0));
	struct drm_aiaccel_info info;
	struct aiaccel_buf bufs[3];
	struct aiaccel_cs cs;
	struct drm_aiaccel_event_job ev;
	struct aiaccel_copy_job small;
	struct timespec start = {};
	unsigned int resets;
	uint64_t took;

	igt_assert_eq(aiaccel_get_info(fda, &info), 0);
	igt_assert_eq_u32(info.job_max_ms, MAX_MS);
	resets = sysfs_resets(fda);
	aiaccel_copy_job_new(fdb, &small, 50);
	/* Slow enough that the job cannot finish in MAX_MS, progressing all along. */
	igt_require(aiaccel_sim_hook(instance, "clock_divider", 64));
	igt_gettime(&start);
	igt_assert_eq(long_job_submit(fda, bufs, &cs, 4096, 0, 0x1), 0);
	igt_assert_eq(copy_job_submit(&small, 0, 0x2, NULL, 0), 0);

	igt_assert_eq(aiaccel_read_event(fda, &ev, 60 * SEC), 0);
	took = igt_nsec_elapsed(&start);
	igt_info("the long job ended after %llu ms, status %d\n",
		 (unsigned long long)(took / MSEC), ev.status);
	/* The engine's watchdog, not a reset for want of progress. */
	igt_assert_eq(sysfs_resets(fda), resets);
	igt_assert_eq(ev.status, -ETIMEDOUT);
	igt_assert_lte_u64(MAX_MS * MSEC, took);
	aiaccel_sim_hook(instance, "clock_divider", 1);

	igt_assert_eq(aiaccel_read_event(fdb, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(aiaccel_copy_job_done(&small));
	/* No ban either. */
	long_job_free(fda, bufs, &cs);
	igt_assert_eq(long_job_submit(fda, bufs, &cs, 1, 0, 0x3), 0);
	igt_assert_eq(aiaccel_read_event(fda, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	long_job_free(fda, bufs, &cs);

	aiaccel_copy_job_free(&small);
	close_fd(fdb);
	close_fd(fda);
}

/* --- One long op --------------------------------------------------------------- */

/*
 * A valid job made of one GEMM of @n^3 (seconds of work in the model, in
 * a single op): the engine keeps reporting progress inside the op, so it
 * is not taken for hung; it completes with the reference's result, and a
 * job of another file queued behind it on the same engine completes
 * after it.  No reset.  Returns how long the op took.
 */
static uint64_t test_long_op(uint32_t n)
{
	int fda = track_fd(aiaccel_open(0)), fdb = track_fd(aiaccel_open(0));
	struct aiaccel_buf in, w, out;
	struct drm_aiaccel_event_job ev;
	struct drm_aiaccel_submit_bo bos[3];
	struct drm_aiaccel_submit args;
	struct aiaccel_op_gemm *op;
	struct aiaccel_cs cs;
	struct aiaccel_copy_job small;
	struct timespec start = {};
	struct aiaccel_rng r;
	unsigned int resets;
	int8_t *expect;
	uint64_t took;

	resets = sysfs_resets(fda);
	aiaccel_buf_new(fda, n * n, 0, &in);
	aiaccel_buf_new(fda, n * n, 0, &w);
	aiaccel_buf_new(fda, n * n, 0, &out);
	aiaccel_rng_seed(&r, 70);
	aiaccel_rng_fill(&r, in.map, in.size);
	aiaccel_rng_fill(&r, w.map, w.size);
	aiaccel_cs_new(fda, 4096, &cs);
	op = aiaccel_cs_emit(&cs, AIACCEL_OP_GEMM, 0, sizeof(*op));
	op->input = in.va;
	op->weights = w.va;
	op->output = out.va;
	op->m = n;
	op->n = n;
	op->k = n;
	op->requant.multiplier = 1 << 30;
	op->requant.shift = -12;
	op->act_min = -128;
	op->act_max = 127;
	bos[0] = aiaccel_bo_use(in.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[1] = aiaccel_bo_use(w.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	bos[2] = aiaccel_bo_use(out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
	aiaccel_submit_init(&args, &cs);
	args.bos = (uintptr_t)bos;
	args.bo_count = 3;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	aiaccel_submit_engine(&args, 0);
	args.event_data = 0x1;
	aiaccel_copy_job_new(fdb, &small, 71);

	igt_gettime(&start);
	igt_assert_eq(aiaccel_submit_raw(fda, &args), 0);
	igt_assert_eq(copy_job_submit(&small, 0, 0x2, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(fda, &ev, 120 * SEC), 0);
	took = igt_nsec_elapsed(&start);
	igt_info("one %ux%ux%u GEMM took %llu ms (job_timeout_ms %d)\n", n, n, n,
		 (unsigned long long)(took / MSEC), HANG_TIMEOUT_MS);
	igt_assert_eq(ev.status, 0);
	igt_assert_eq(sysfs_resets(fda), resets);

	igt_assert_eq(aiaccel_read_event(fdb, &ev, 30 * SEC), 0);
	igt_assert_eq(ev.status, 0);
	igt_assert(aiaccel_copy_job_done(&small));

	expect = malloc(out.size);
	igt_assert(expect);
	igt_assert_eq(aiaccel_ref_gemm(op, in.map, w.map, NULL, NULL, expect), 0);
	igt_assert(!memcmp(expect, out.map, n * n));
	free(expect);

	aiaccel_copy_job_free(&small);
	aiaccel_buf_free(fda, &cs.buf);
	aiaccel_buf_free(fda, &out);
	aiaccel_buf_free(fda, &w);
	aiaccel_buf_free(fda, &in);
	close_fd(fdb);
	close_fd(fda);
	return took;
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

/* Run @j on engine 0 and check it succeeded, through its event. */
static void run_copy_job(struct aiaccel_copy_job *j, uint64_t tag)
{
	struct drm_aiaccel_event_job ev;

	igt_assert_eq(copy_job_submit(j, 0, tag, NULL, 0), 0);
	igt_assert_eq(aiaccel_read_event(j->fd, &ev, 30 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, tag);
	igt_assert_eq(ev.status, 0);
	igt_assert(aiaccel_copy_job_done(j));
}

/*
 * A job whose interrupt is lost completes all the same, successfully, once
 * the timeout handler finds it done: debugfs counts it, nothing is reset,
 * and the next job's interrupt comes as usual.
 */
static void test_lost_interrupt(unsigned int instance)
{
	int fd = track_fd(aiaccel_open(0));
	long missed = aiaccel_missed_interrupts(fd);
	unsigned int resets;
	struct aiaccel_copy_job a, b;

	igt_require_f(missed >= 0, "needs debugfs (root): accel/<device>/rings\n");
	/* Before any buffer: a skip must leave no mapping behind. */
	aiaccel_require_sim_hook(instance, "lose_next_irq", 0);
	resets = sysfs_resets(fd);
	aiaccel_copy_job_new(fd, &a, 1);
	aiaccel_copy_job_new(fd, &b, 2);
	igt_assert(aiaccel_sim_hook(instance, "lose_next_irq", 1));
	run_copy_job(&a, 0x1);
	igt_assert_eq(aiaccel_missed_interrupts(fd), missed + 1);
	igt_assert_eq(sysfs_resets(fd), resets);

	run_copy_job(&b, 0x2);
	igt_assert_eq(aiaccel_missed_interrupts(fd), missed + 1);
	aiaccel_copy_job_free(&a);
	aiaccel_copy_job_free(&b);
	close_fd(fd);
}

int igt_main()
{
	unsigned int instance = 0;

	igt_fixture()
		instance = device_instance();

	igt_subtest_group() {
		char timeout[32] = "", max_ms[32] = "";

		igt_fixture() {
			char ms[16];

			aiaccel_require_root("rebinds the device with other parameters");
			igt_require_f(aiaccel_param_get("job_timeout_ms", timeout,
							sizeof(timeout)) == 0,
				      "no aiaccel module parameters in sysfs\n");
			igt_assert_eq(aiaccel_param_get("job_max_ms", max_ms, sizeof(max_ms)), 0);
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

		igt_describe("One op running several times job_timeout_ms is progress, not a hang: "
			     "it completes right, and another file's job behind it runs.");
		igt_subtest("long-op-not-hung") {
			uint32_t n;

			/*
			 * Long enough to meet the timeout handler twice, or the
			 * test proves nothing: larger on a faster host.
			 */
			for (n = 768; n <= 3072; n = n * 5 / 4) {
				close_leftovers();
				if (test_long_op(n) > 2 * HANG_TIMEOUT_MS * MSEC)
					break;
			}
			igt_assert_f(n <= 3072, "no op ran for 2 * job_timeout_ms\n");
		}

		igt_describe("A job whose interrupt is lost succeeds once the timeout handler "
			     "finds it done; debugfs counts the lost interrupt; no reset.");
		igt_subtest("lost-interrupt") {
			close_leftovers();
			test_lost_interrupt(instance);
		}

		igt_describe("A hang leaves a devcoredump with the registers, the ring and the "
			     "guilty command stream; aidrv-coredump decodes it.");
		igt_subtest("hang-coredump") {
			close_leftovers();
			test_hang_coredump(instance);
		}

		igt_describe("An engine that does not come out of reset wedges the device: every "
			     "job fails with -EIO, GET_INFO, sysfs and a WEDGED=rebind uevent say "
			     "so, and rebinding recovers it.");
		igt_subtest("wedged") {
			close_leftovers();
			test_wedged(instance);
		}

		igt_describe("A job still running (and progressing) after job_max_ms fails with "
			     "-ETIMEDOUT alone, by the engine's watchdog: no reset, no ban, the "
			     "next file's job behind it runs.");
		igt_subtest("job-max-time") {
			close_leftovers();
			igt_assert_eq(aiaccel_rebind_with("job_max_ms", MAX_MS_STR), 0);
			test_job_max_time(instance);
			close_leftovers();
			igt_assert_eq(aiaccel_rebind_with("job_max_ms", max_ms), 0);
		}

		igt_fixture() {
			close_leftovers();
			igt_assert_eq(aiaccel_param_set("job_max_ms", max_ms), 0);
			igt_assert_eq(aiaccel_rebind_with("job_timeout_ms", timeout), 0);
		}
	}

	igt_describe("A process killed with -9 while its jobs run leaves nothing behind: "
		     "the modules unload and reload cleanly and the device then works.");
	igt_subtest("kill-9-then-unload") {
		struct drm_aiaccel_event_job ev;
		struct aiaccel_copy_job j;
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
		aiaccel_copy_job_new(fd, &j, 30);
		igt_assert_eq(copy_job_submit(&j, AIACCEL_ENGINE_ANY, 0x99, NULL, 0), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 30 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		igt_assert(aiaccel_copy_job_done(&j));
		aiaccel_copy_job_free(&j);
		close_fd(fd);
	}

	/* Whatever failed above: leave the model at full speed, resetting. */
	igt_fixture() {
		aiaccel_sim_hook(instance, "clock_divider", 1);
		aiaccel_sim_hook(instance, "refuse_reset", 0);
	}
}
