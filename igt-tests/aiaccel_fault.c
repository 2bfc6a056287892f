// SPDX-License-Identifier: MIT
/*
 * aiaccel_fault: an allocation failure at any point of an ioctl's path.
 *
 * Each subtest runs one operation over and over, the Nth time with the
 * Nth fault point of the calling thread made to fail (fault injection's
 * /proc/thread-self/fail-nth, with failslab failing sleeping allocations
 * too), until the operation completes without reaching point N.  Every
 * run must either succeed or fail with -ENOMEM, and a failed one must
 * leave nothing behind: no job queued, no fence on the out-syncobj, no
 * event, no handle.  At the end the device must still run a job.
 * kmemleak, at the end of the guest run, checks that the error paths free
 * what they allocated; KASAN and lockdep watch them as they run.
 */

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"

IGT_TEST_DESCRIPTION("aiaccel: allocation failures injected into ioctls.");

#define SEC (1000000000ll)
#define FAILSLAB "/sys/kernel/debug/failslab/"
/* More fault points than any of these paths has: the loop must end. */
#define MAX_POINTS 2000

static int fail_nth = -1;
static char saved_ignore_wait[8], saved_verbose[8];

static void failslab_restore(int sig)
{
	(void)sig;
	if (saved_ignore_wait[0])
		aiaccel_file_write(FAILSLAB "ignore-gfp-wait", saved_ignore_wait);
	if (saved_verbose[0])
		aiaccel_file_write(FAILSLAB "verbose", saved_verbose);
}

/* Make the @n-th fault point of this thread fail; 0 disarms. */
static void fault_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	igt_assert_eq(pwrite(fail_nth, buf, len, 0), len);
}

/* Disarm; was the armed fault injected (reached), rather than left pending? */
static bool fault_disarm(void)
{
	char buf[16] = "";

	igt_assert_lt(0, pread(fail_nth, buf, sizeof(buf) - 1, 0));
	fault_arm(0);
	return atoi(buf) == 0;
}

/*
 * An operation under test: arms fault point @n just before the system
 * call(s) under test, disarms right after (fault_disarm(), into
 * *@injected), then cleans up.  Returns 0 or the -errno of the call.
 */
typedef int (*fault_op_t)(void *data, unsigned int n, bool *injected);

/*
 * Run @op with fault point 1, 2, ... failing until it no longer reaches
 * the armed one; @check, if any, sees each outcome.  Returns the number of points.
 */
static unsigned int fault_walk(fault_op_t op, void (*check)(void *, int), void *data)
{
	unsigned int n;

	for (n = 1; n <= MAX_POINTS; n++) {
		bool injected = false;
		int ret = op(data, n, &injected);

		igt_assert_f(ret == 0 || (injected && ret == -ENOMEM),
			     "fault point %u (%s): %d (%s)\n", n,
			     injected ? "injected" : "not reached", ret, strerror(-ret));
		if (check)
			check(data, ret);
		if (!injected)
			return n - 1;
	}
	igt_assert_f(false, "more than %d fault points\n", MAX_POINTS);
	return 0;
}

/* Device memory in use, device-wide, once buffers being freed are gone. */
static uint64_t mem_used_settled(int fd, uint64_t expect)
{
	uint64_t used;
	int i;

	/* A job lets go of its buffers in drm_sched's free_job worker, a little later. */
	for (i = 0; i < 100 && (used = aiaccel_mem_used(fd)) != expect; i++)
		usleep(50 * 1000);
	return used;
}

/* --- BO_CREATE ---------------------------------------------------------- */

struct create_case {
	int fd;
	uint64_t used;
	struct drm_aiaccel_bo_create args;
};

static int create_op(void *data, unsigned int n, bool *injected)
{
	struct create_case *c = data;
	int ret;

	c->args = (struct drm_aiaccel_bo_create){ .size = 64 * 1024 };
	fault_arm(n);
	ret = igt_ioctl(c->fd, DRM_IOCTL_AIACCEL_BO_CREATE, &c->args) ? -errno : 0;
	*injected = fault_disarm();
	return ret;
}

static void create_check(void *data, int ret)
{
	struct create_case *c = data;

	if (!ret) {
		uint32_t *p = aiaccel_bo_mmap(c->fd, c->args.mmap_offset, c->args.size,
					      PROT_READ | PROT_WRITE);

		p[0] = 0xfa17;
		igt_assert_eq_u32(p[0], 0xfa17);
		munmap(p, c->args.size);
		igt_assert_eq(aiaccel_gem_close(c->fd, c->args.handle), 0);
	}
	/* Whatever happened, the file holds no more memory than before. */
	igt_assert_eq_u64(aiaccel_mem_used(c->fd), c->used);
}

/* --- SUBMIT --------------------------------------------------------------- */

struct submit_case {
	int probe;		/* a file holding nothing, to read mem_used */
	uint64_t used;		/* device memory in use before the run */
	int fd;			/* the run's own file */
	struct aiaccel_cs cs;
	struct aiaccel_buf buf;
	uint32_t in_syncobj, out_syncobj;
	uint64_t tag;
};

/*
 * Each run is a file of its own: a command stream, a buffer, a signalled
 * in-syncobj and a timeline out-syncobj, all closed with the file once the
 * run is checked, after which every buffer of it must be gone.
 */
static int submit_op(void *data, unsigned int n, bool *injected)
{
	struct submit_case *s = data;
	struct drm_aiaccel_submit_bo bo;
	struct drm_aiaccel_sync in, out;
	int ret;

	s->used = aiaccel_mem_used(s->probe);
	s->fd = aiaccel_open(0);
	aiaccel_cs_new(s->fd, 4096, &s->cs);
	aiaccel_cs_emit(&s->cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	aiaccel_buf_new(s->fd, 4096, 0, &s->buf);
	s->in_syncobj = aiaccel_syncobj(s->fd);
	igt_assert_eq(drmSyncobjSignal(s->fd, &s->in_syncobj, 1), 0);
	s->out_syncobj = aiaccel_syncobj(s->fd);
	bo = aiaccel_bo_use(s->buf.handle, DRM_AIACCEL_SUBMIT_BO_READ |
			    DRM_AIACCEL_SUBMIT_BO_WRITE);
	in = aiaccel_sync(s->in_syncobj, 0, 0);
	out = aiaccel_sync(s->out_syncobj, 0, 1);
	s->tag++;

	fault_arm(n);
	ret = aiaccel_submit(s->fd, &s->cs, &bo, 1, &in, 1, &out, 1,
			     DRM_AIACCEL_SUBMIT_EVENT, s->tag);
	*injected = fault_disarm();
	return ret;
}

static void submit_check(void *data, int ret)
{
	struct submit_case *s = data;
	struct drm_aiaccel_event_job ev;
	uint64_t value = 0;

	if (ret) {
		/* Nothing was queued: the point never appears, no event comes. */
		igt_assert_eq(drmSyncobjQuery(s->fd, &s->out_syncobj, &value, 1), 0);
		igt_assert_eq_u64(value, 0);
		igt_assert(aiaccel_no_event(s->fd, SEC / 20));
	} else {
		igt_assert_eq(aiaccel_syncobj_wait(s->fd, s->out_syncobj, 1, 10 * SEC), 0);
		igt_assert_eq(aiaccel_read_event(s->fd, &ev, 10 * SEC), 0);
		igt_assert_eq_u64(ev.user_data, s->tag);
		igt_assert_eq(ev.status, 0);
	}
	aiaccel_buf_free(s->fd, &s->buf);
	aiaccel_buf_free(s->fd, &s->cs.buf);
	close(s->fd);
	/* Nothing of the run is left: no buffer reference kept by an error path. */
	igt_assert_eq_u64(mem_used_settled(s->probe, s->used), s->used);
}

/* --- PRIME export and import ---------------------------------------------- */

struct prime_case {
	int fd, other;
	uint32_t handle;
};

static int prime_op(void *data, unsigned int n, bool *injected)
{
	struct prime_case *p = data;
	uint32_t imported;
	int dmabuf, ret;

	fault_arm(n);
	dmabuf = aiaccel_prime_export(p->fd, p->handle, DRM_CLOEXEC | DRM_RDWR);
	if (dmabuf < 0) {
		*injected = fault_disarm();
		return dmabuf;
	}
	ret = aiaccel_prime_import(p->other, dmabuf, &imported);
	*injected = fault_disarm();
	close(dmabuf);
	if (!ret)
		igt_assert_eq(aiaccel_gem_close(p->other, imported), 0);
	return ret;
}

/* --- open() --------------------------------------------------------------- */

struct open_case {
	int minor;
};

static int open_op(void *data, unsigned int n, bool *injected)
{
	struct open_case *o = data;
	int fd;

	fault_arm(n);
	fd = aiaccel_open_minor(o->minor);
	*injected = fault_disarm();
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Device memory in use, device-wide, as a fresh file sees it. */
static uint64_t device_mem_used(void)
{
	int fd = aiaccel_open(0);
	uint64_t used = aiaccel_mem_used(fd);

	close(fd);
	return used;
}

/*
 * After all that, with the subtest's files closed, the device holds no
 * more memory than before it (a buffer reference leaked by an error path
 * would keep a buffer alive), and a job still runs.
 */
static void device_still_works(uint64_t used_before)
{
	struct submit_case s = { .probe = aiaccel_open(0) };

	igt_assert_eq_u64(mem_used_settled(s.probe, used_before), used_before);
	igt_assert_eq(submit_op(&s, 0, &(bool){ false }), 0);
	submit_check(&s, 0);
	close(s.probe);
}

int igt_main()
{
	igt_fixture() {
		igt_require_f(aiaccel_file_read(FAILSLAB "ignore-gfp-wait", saved_ignore_wait,
						sizeof(saved_ignore_wait)) == 0 &&
			      aiaccel_file_read(FAILSLAB "verbose", saved_verbose,
						sizeof(saved_verbose)) == 0,
			      "needs CONFIG_FAILSLAB and debugfs\n");
		fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
		igt_require_f(fail_nth >= 0, "needs CONFIG_FAULT_INJECTION\n");
		igt_install_exit_handler(failslab_restore);
		/* GFP_KERNEL allocations fail too; no stack dump per failure. */
		igt_assert_eq(aiaccel_file_write(FAILSLAB "ignore-gfp-wait", "N"), 0);
		igt_assert_eq(aiaccel_file_write(FAILSLAB "verbose", "0"), 0);
	}

	igt_describe("BO_CREATE (then mmap and close) with each allocation failing in turn.");
	igt_subtest("bo-create") {
		uint64_t used = device_mem_used();
		struct create_case c = { .fd = aiaccel_open(0) };

		c.used = aiaccel_mem_used(c.fd);
		igt_info("%u fault points\n", fault_walk(create_op, create_check, &c));
		close(c.fd);
		device_still_works(used);
	}

	igt_describe("SUBMIT with a buffer, an in-syncobj, a timeline out-point and an "
		     "event, with each allocation failing in turn: -ENOMEM leaves no "
		     "job, fence or event.");
	igt_subtest("submit") {
		uint64_t used = device_mem_used();
		struct submit_case s = { .probe = aiaccel_open(0) };

		igt_info("%u fault points\n", fault_walk(submit_op, submit_check, &s));
		close(s.probe);
		device_still_works(used);
	}

	igt_describe("PRIME export, then import into another file, with each allocation "
		     "failing in turn: no dma-buf or buffer reference is left behind.");
	igt_subtest("prime") {
		uint64_t used = device_mem_used();
		struct prime_case p = { .fd = aiaccel_open(0), .other = aiaccel_open(0) };
		struct aiaccel_buf buf;

		aiaccel_buf_new(p.fd, 64 * 1024, 0, &buf);
		p.handle = buf.handle;
		igt_info("%u fault points\n", fault_walk(prime_op, NULL, &p));
		aiaccel_buf_free(p.fd, &buf);
		close(p.other);
		close(p.fd);
		device_still_works(used);
	}

	igt_describe("open() and close() of the device node with each allocation failing "
		     "in turn.");
	igt_subtest("open") {
		uint64_t used = device_mem_used();
		int fd = aiaccel_open(0);
		struct open_case o = { .minor = aiaccel_fd_minor(fd) };

		close(fd);
		igt_info("%u fault points\n", fault_walk(open_op, NULL, &o));
		device_still_works(used);
	}

	igt_fixture() {
		failslab_restore(0);
		close(fail_nth);
	}
}
