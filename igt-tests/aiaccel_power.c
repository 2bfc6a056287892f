// SPDX-License-Identifier: MIT
/*
 * aiaccel_power: power modes, runtime PM (autosuspend), system
 * suspend/resume with jobs queued.
 */

#include <sys/wait.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_ref.h"
#include "../drivers/accel/aiaccel/aiaccel_regs.h"

IGT_TEST_DESCRIPTION("aiaccel power management.");

#define SEC (1000000000ll)

static int power(int fd, uint32_t flags, uint32_t mode, struct drm_aiaccel_power *out)
{
	struct drm_aiaccel_power args = { .flags = flags, .mode = mode };

	if (igt_ioctl(fd, DRM_IOCTL_AIACCEL_POWER, &args))
		return -errno;
	if (out)
		*out = args;
	return 0;
}

static void sysfs_read(int fd, const char *attr, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/%s",
		 aiaccel_fd_minor(fd), attr);
	f = fopen(path, "r");
	igt_assert_f(f, "%s\n", path);
	igt_assert(fgets(buf, len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static int sysfs_write(int fd, const char *attr, const char *val)
{
	char path[128];
	int sfd, ret = 0;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/%s",
		 aiaccel_fd_minor(fd), attr);
	igt_require_f(access(path, W_OK) == 0, "needs write access to %s (root): %s\n",
		      path, strerror(errno));
	sfd = open(path, O_WRONLY);
	igt_assert(sfd >= 0);
	if (write(sfd, val, strlen(val)) < 0)
		ret = -errno;
	close(sfd);
	return ret;
}

static bool powered(int fd)
{
	char buf[16];

	sysfs_read(fd, "power_state", buf, sizeof(buf));
	return !strcmp(buf, "on");
}

/* Wait (5 s at most) for the device to runtime-suspend. */
static bool wait_powered_off(int fd)
{
	int i;

	for (i = 0; i < 50 && powered(fd); i++)
		usleep(100000);
	return !powered(fd);
}

/* A GEMM job in fresh buffers; returns the engine busy time it took. */
struct gemm_job {
	struct aiaccel_buf in, w, out;
	struct aiaccel_cs cs;
	struct aiaccel_op_gemm *op;
};

static void gemm_job_new(int fd, struct gemm_job *g, uint32_t m, uint32_t n, uint32_t k,
			 unsigned int seed)
{
	uint8_t *p;
	uint32_t i;

	aiaccel_buf_new(fd, m * k, 0, &g->in);
	aiaccel_buf_new(fd, n * k, 0, &g->w);
	aiaccel_buf_new(fd, m * n, 0, &g->out);
	for (p = g->in.map, i = 0; i < m * k; i++)
		p[i] = (i * 31 + seed) & 0xff;
	for (p = g->w.map, i = 0; i < n * k; i++)
		p[i] = (i * 17 + seed * 7) & 0xff;
	aiaccel_cs_new(fd, 4096, &g->cs);
	g->op = aiaccel_cs_emit(&g->cs, AIACCEL_OP_GEMM, 0, sizeof(*g->op));
	g->op->input = g->in.va;
	g->op->weights = g->w.va;
	g->op->output = g->out.va;
	g->op->m = m;
	g->op->n = n;
	g->op->k = k;
	g->op->input_zp = 1;
	g->op->requant.multiplier = 1 << 30;
	g->op->requant.shift = -10;
	g->op->act_min = -128;
	g->op->act_max = 127;
}

static int gemm_job_submit(int fd, struct gemm_job *g, uint64_t data)
{
	struct drm_aiaccel_submit_bo bos[3] = {
		{ g->in.handle, DRM_AIACCEL_SUBMIT_BO_READ },
		{ g->w.handle, DRM_AIACCEL_SUBMIT_BO_READ },
		{ g->out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE },
	};

	return aiaccel_submit(fd, &g->cs, bos, 3, NULL, 0, NULL, 0,
			      DRM_AIACCEL_SUBMIT_EVENT, data);
}

static void gemm_job_check(struct gemm_job *g)
{
	size_t size = g->op->m * g->op->n;
	int8_t *expect = malloc(size);

	igt_assert(expect);
	igt_assert_eq(aiaccel_ref_gemm(g->op, g->in.map, g->w.map, NULL, NULL, expect), 0);
	igt_assert_eq(memcmp(expect, g->out.map, size), 0);
	free(expect);
}

static void gemm_job_free(int fd, struct gemm_job *g)
{
	aiaccel_buf_free(fd, &g->cs.buf);
	aiaccel_buf_free(fd, &g->out);
	aiaccel_buf_free(fd, &g->w);
	aiaccel_buf_free(fd, &g->in);
}

static uint64_t busy_ns(int fd)
{
	struct drm_aiaccel_stats st;
	struct drm_aiaccel_get_stats args = {
		.stats_ptr = (uintptr_t)&st, .stats_size = sizeof(st),
	};

	do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_STATS, &args);
	return st.file_engine_busy_ns[0] + st.file_engine_busy_ns[1] +
	       st.file_engine_busy_ns[2] + st.file_engine_busy_ns[3];
}

/* Engine time of @n GEMMs in mode @mode. */
static uint64_t timed_gemms(int fd, uint32_t mode, int n)
{
	struct drm_aiaccel_event_job ev;
	struct gemm_job g;
	uint64_t before;
	int i;

	igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, mode, NULL), 0);
	/* Enough MACs that the engine's work, which the clock slows, dominates. */
	gemm_job_new(fd, &g, 64, 64, 1024, 3);
	before = busy_ns(fd);
	for (i = 0; i < n; i++) {
		igt_assert_eq(gemm_job_submit(fd, &g, i), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 120 * SEC), 0);
		igt_assert_eq(ev.status, 0);
	}
	gemm_job_check(&g);
	gemm_job_free(fd, &g);
	return busy_ns(fd) - before;
}

#define DEBUG_PARAM "/sys/module/aiaccel/parameters/debug"

/* The "debug" module parameter, a bitmask ("0x1" read back as 1). */
static unsigned long debug_param(void)
{
	char buf[32] = "";
	FILE *f = fopen(DEBUG_PARAM, "r");

	igt_assert_f(f, "%s: %s\n", DEBUG_PARAM, strerror(errno));
	igt_assert(fgets(buf, sizeof(buf), f));
	fclose(f);
	return strtoul(buf, NULL, 0);
}

static void set_debug_param(unsigned long val)
{
	FILE *f = fopen(DEBUG_PARAM, "w");

	igt_assert_f(f, "%s: %s\n", DEBUG_PARAM, strerror(errno));
	fprintf(f, "%lu", val);
	igt_assert_eq(fclose(f), 0);
	igt_assert_eq(debug_param(), val);
}

/* /dev/kmsg, positioned after the records already in the log. */
static int kmsg_open(void)
{
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	igt_assert_f(kfd >= 0, "/dev/kmsg: %s\n", strerror(errno));
	igt_assert(lseek(kfd, 0, SEEK_END) >= 0);
	return kfd;
}

/*
 * The log level (0-7) of the first record logged since kmsg_open() (or the
 * last call) that contains @text, or -1 if there is none.  Reads to the end.
 */
static int kmsg_find(int kfd, const char *text)
{
	char rec[8192];
	int level = -1;
	ssize_t n;

	for (;;) {
		n = read(kfd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten while we read: go on */
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		igt_assert_f(n > 0, "/dev/kmsg: %s\n", strerror(errno));
		rec[n] = 0;
		/* "<prio>,<seq>,<usec>,<flags>;<message>" */
		if (level < 0 && strstr(rec, text))
			level = atoi(rec) & 7;
	}
	return level;
}

/*
 * The dynamic debug flags of the driver's callsite whose format starts with
 * @format, from the control file: "p" when it prints, "_" when not.  Empty
 * when the kernel has no dynamic debug.
 */
static void dyndbg_flags(const char *format, char *flags, size_t len)
{
	char line[512], *p;
	FILE *f = fopen("/proc/dynamic_debug/control", "r");

	*flags = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "[aiaccel]") || !strstr(line, format))
			continue;
		p = strstr(line, " =");
		igt_assert_f(p, "%s", line);
		p += 2;
		snprintf(flags, len, "%.*s", (int)strcspn(p, " "), p);
		igt_assert_f(strstr(line, "class:AIACCEL_DBG_EVENT"), "%s", line);
		break;
	}
	fclose(f);
	igt_assert_f(*flags, "no callsite \"%s\" of aiaccel in the dynamic debug control\n",
		     format);
}

int igt_main()
{
	int fd = -1;

	igt_fixture()
		fd = aiaccel_open(0);

	igt_describe("The default mode is auto at full clock; bad flags and modes are -EINVAL.");
	igt_subtest("query-and-invalid") {
		struct drm_aiaccel_power p;
		struct drm_aiaccel_info info;

		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		igt_assert_eq(power(fd, 0, 0, &p), 0);
		igt_assert_eq_u32(p.mode, DRM_AIACCEL_POWER_AUTO);
		igt_assert_eq_u32(p.clock_mhz, info.max_clock_mhz);
		igt_assert_eq(power(fd, 2, 0, NULL), -EINVAL);
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, 3, NULL), -EINVAL);
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, ~0u, NULL), -EINVAL);
		igt_assert_eq(sysfs_write(fd, "power_mode", "turbo"), -EINVAL);
	}

	igt_describe("Changing the mode needs CAP_SYS_ADMIN; querying does not.");
	igt_subtest("set-needs-cap") {
		igt_fork(child, 1) {
			/*
			 * An unprivileged user keeps the open fd but no
			 * capability: root becomes nobody, a user is one.
			 */
			if (geteuid() == 0)
				igt_assert_eq(setresuid(65534, 65534, 65534), 0);
			igt_assert(!aiaccel_has_cap(CAP_SYS_ADMIN));
			igt_assert_eq(power(fd, 0, 0, NULL), 0);
			igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET,
					    DRM_AIACCEL_POWER_LOW, NULL), -EPERM);
		}
		igt_waitchildren();
	}

	igt_describe("The low-power mode slows the clock and jobs take longer at the engine.");
	igt_subtest("low-power-is-slower") {
		struct drm_aiaccel_power p;
		struct drm_aiaccel_info info;
		uint64_t fast, slow;

		aiaccel_require_cap(CAP_SYS_ADMIN, "sets the power mode");
		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		fast = timed_gemms(fd, DRM_AIACCEL_POWER_PERFORMANCE, 4);
		slow = timed_gemms(fd, DRM_AIACCEL_POWER_LOW, 4);
		igt_assert_eq(power(fd, 0, 0, &p), 0);
		igt_assert_eq_u32(p.clock_mhz, info.max_clock_mhz >> (info.clock_levels - 1));
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_AUTO, NULL), 0);
		igt_info("engine time: performance %llu us, low %llu us\n",
			 (unsigned long long)fast / 1000, (unsigned long long)slow / 1000);
		/* The model runs 8 times slower at the bottom level. */
		igt_assert_f(slow > 3 * fast, "low %llu ns vs performance %llu ns\n",
			     (unsigned long long)slow, (unsigned long long)fast);
	}

	igt_describe("debug=1 turns the driver's event messages on, at debug level, through "
		     "dynamic debug; debug=0 turns them off.");
	igt_subtest("debug-param-events") {
		const char *msg = "power mode 2,";
		unsigned long old;
		char flags[16];
		int kfd, level;

		aiaccel_require_cap(CAP_SYS_ADMIN, "sets the power mode");
		igt_require_f(access(DEBUG_PARAM, W_OK) == 0, "needs write access to %s: %s\n",
			      DEBUG_PARAM, strerror(errno));
		old = debug_param();
		kfd = kmsg_open();

		set_debug_param(1);
		dyndbg_flags("power mode %u", flags, sizeof(flags));
		igt_assert_f(!*flags || strchr(flags, 'p'), "flags %s with debug=1\n", flags);
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_LOW, NULL), 0);
		level = kmsg_find(kfd, msg);
		igt_assert_f(level >= 0, "no \"%s\" in the kernel log with debug=1\n", msg);
		igt_assert_eq(level, 7);	/* KERN_DEBUG */
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_AUTO, NULL), 0);

		set_debug_param(0);
		dyndbg_flags("power mode %u", flags, sizeof(flags));
		igt_assert_f(!*flags || !strchr(flags, 'p'), "flags %s with debug=0\n", flags);
		kmsg_find(kfd, msg);	/* skip what was logged before */
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_LOW, NULL), 0);
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_AUTO, NULL), 0);
		level = kmsg_find(kfd, "power mode ");
		igt_assert_f(level < 0, "a power mode message in the kernel log with debug=0\n");

		close(kfd);
		set_debug_param(old);
	}

	igt_describe("Idle in auto mode the device powers off; a job powers it on and runs.");
	igt_subtest("autosuspend") {
		struct drm_aiaccel_event_job ev;
		struct drm_aiaccel_power p0, p1;
		struct gemm_job g;
		int i;

		aiaccel_require_cap(CAP_SYS_ADMIN, "sets the power mode");
		igt_assert_eq(power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_AUTO, NULL), 0);
		gemm_job_new(fd, &g, 8, 8, 8, 1);
		for (i = 0; i < 50 && powered(fd); i++)
			usleep(100000);
		igt_assert(!powered(fd));
		igt_assert_eq(power(fd, 0, 0, &p0), 0);
		igt_assert_eq_u32(p0.powered, 0);

		igt_assert_eq(gemm_job_submit(fd, &g, 1), 0);
		igt_assert_eq(aiaccel_read_event(fd, &ev, 60 * SEC), 0);
		igt_assert_eq(ev.status, 0);
		gemm_job_check(&g);

		for (i = 0; i < 50 && powered(fd); i++)
			usleep(100000);
		igt_assert(!powered(fd));
		igt_assert_eq(power(fd, 0, 0, &p1), 0);
		igt_assert(p1.suspended_ns > p0.suspended_ns);
		igt_assert(p1.active_ns > p0.active_ns);
		gemm_job_free(fd, &g);
	}

	igt_describe("The performance mode keeps the device on while idle.");
	igt_subtest("performance-stays-on") {
		char buf[32];

		igt_assert_eq(sysfs_write(fd, "power_mode", "performance"), 0);
		sysfs_read(fd, "power_mode", buf, sizeof(buf));
		igt_assert_eq(strcmp(buf, "performance"), 0);
		usleep(500000);
		igt_assert(powered(fd));
		igt_assert_eq(sysfs_write(fd, "power_mode", "auto"), 0);
	}

	igt_describe("The performance mode holds the device on with a reference of its own: "
		     "the administrator's power/control is left as written, both ways.");
	igt_subtest("performance-respects-power-control") {
		char control[16];

		sysfs_read(fd, "power/control", control, sizeof(control));
		igt_assert_eq(strcmp(control, "auto"), 0);

		/* An administrator allowing runtime PM does not end PERFORMANCE... */
		igt_assert_eq(sysfs_write(fd, "power_mode", "performance"), 0);
		sysfs_read(fd, "power/control", control, sizeof(control));
		igt_assert_f(!strcmp(control, "auto"),
			     "setting the mode changed power/control to %s\n", control);
		igt_assert_eq(sysfs_write(fd, "power/control", "auto"), 0);
		usleep(500000);
		igt_assert(powered(fd));

		/* ...and AUTO does not undo an administrator's "on". */
		igt_assert_eq(sysfs_write(fd, "power/control", "on"), 0);
		igt_assert_eq(sysfs_write(fd, "power_mode", "auto"), 0);
		sysfs_read(fd, "power/control", control, sizeof(control));
		igt_assert_f(!strcmp(control, "on"),
			     "leaving PERFORMANCE changed power/control to %s\n", control);
		usleep(500000);
		igt_assert(powered(fd));

		/* Back to the administrator's "auto": now the device may go off. */
		igt_assert_eq(sysfs_write(fd, "power/control", "auto"), 0);
		igt_assert(wait_powered_off(fd));
	}

	igt_describe("Closing a buffer while the device is powered off writes no register "
		     "(the TLB went with the power): GLOBAL_ERROR stays clear.");
	igt_subtest("unmap-while-suspended") {
		struct drm_aiaccel_bo_create bo;
		uint32_t gerr = ~0u;
		int minor = aiaccel_fd_minor(fd);

		igt_require(aiaccel_read_reg(minor, AIACCEL_REG_GLOBAL_ERROR, &gerr));
		igt_assert_eq_u32(gerr, 0);
		igt_assert_eq(aiaccel_bo_create(fd, 1 << 20, 0, &bo), 0);
		igt_assert(wait_powered_off(fd));
		igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
		igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_GLOBAL_ERROR, &gerr));
		igt_assert_f(!gerr, "GLOBAL_ERROR 0x%x after an unmap while powered off\n", gerr);
		igt_assert(!powered(fd));
	}

	igt_describe("Jobs queued across a system suspend (pm_test=devices) all complete right.");
	igt_subtest("suspend-resume-with-jobs") {
		const int n = 12;
		struct gemm_job g[12];
		struct drm_aiaccel_event_job ev;
		int i, done = 0;
		FILE *f;

		igt_require_f(access("/sys/power/pm_test", W_OK) == 0,
			      "needs write access to /sys/power/pm_test (root, "
			      "CONFIG_PM_DEBUG): %s\n", strerror(errno));
		for (i = 0; i < n; i++)
			gemm_job_new(fd, &g[i], 32, 32, 256, i);
		/* Slow the engines so jobs are still queued when the suspend starts. */
		aiaccel_require_sim_hook(0, "clock_divider", 16);
		for (i = 0; i < n; i++)
			igt_assert_eq(gemm_job_submit(fd, &g[i], i), 0);

		f = fopen("/sys/power/pm_test", "w");
		igt_assert(f);
		fputs("devices", f);
		igt_assert_eq(fclose(f), 0);
		f = fopen("/sys/power/state", "w");
		igt_assert(f);
		fputs("freeze", f);
		igt_assert_eq(fclose(f), 0);
		f = fopen("/sys/power/pm_test", "w");
		igt_assert(f);
		fputs("none", f);
		fclose(f);
		aiaccel_sim_hook(0, "clock_divider", 1);

		for (i = 0; i < n; i++) {
			igt_assert_eq(aiaccel_read_event(fd, &ev, 120 * SEC), 0);
			igt_assert_eq(ev.status, 0);
			done++;
		}
		igt_assert_eq(done, n);
		for (i = 0; i < n; i++) {
			gemm_job_check(&g[i]);
			gemm_job_free(fd, &g[i]);
		}
	}

	igt_fixture() {
		power(fd, DRM_AIACCEL_POWER_SET, DRM_AIACCEL_POWER_AUTO, NULL);
		close(fd);
	}
}
