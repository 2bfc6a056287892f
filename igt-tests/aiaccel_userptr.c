// SPDX-License-Identifier: MIT
/*
 * aiaccel_userptr: buffers of the caller's own memory
 * (DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR): anonymous and file-backed memory
 * used by jobs, results checked bit for bit against the ISA reference;
 * read-only memory; unmapping and forking while a job holds the buffer;
 * the RLIMIT_MEMLOCK accounting; and the argument checks.
 *
 * Documentation/accel/aiaccel/uapi.rst ("User memory") describes what is
 * checked here.
 */

#include <inttypes.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_ref.h"
#include "aiaccel_vgem.h"

IGT_TEST_DESCRIPTION("aiaccel buffers of user memory.");

#define PAGE		4096ull
#define TIMEOUT_NS	(10 * 1000000000ll)

/* The GEMM a test runs: [M][K] x [N][K] -> [M][N], all in one range. */
#define M		32
#define N		48
#define K		80
#define IN_OFF		0
#define W_OFF		(4 * PAGE)
#define OUT_OFF		(8 * PAGE)
#define RANGE		(12 * PAGE)

static int bo_create_userptr(int fd, void *ptr, uint64_t size, uint32_t flags,
			     struct drm_aiaccel_bo_create_userptr *out)
{
	struct drm_aiaccel_bo_create_userptr args = {
		.user_ptr = (uintptr_t)ptr,
		.size = size,
		.flags = flags,
	};
	int ret;

	ret = igt_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &args) ? -errno : 0;
	if (!ret && out)
		*out = args;
	return ret;
}

static int userptr_raw(int fd, struct drm_aiaccel_bo_create_userptr *args)
{
	return igt_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, args) ? -errno : 0;
}

/* The VmPin line of /proc/self/status, in bytes. */
static uint64_t vm_pinned(void)
{
	char line[256];
	uint64_t kb = ~0ull;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %" SCNu64 " kB", &kb) == 1)
			break;
	fclose(f);
	igt_assert_f(kb != ~0ull, "no VmPin in /proc/self/status\n");
	return kb * 1024;
}

static void *map_anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/* Inputs and weights of the GEMM, seeded; the output area poisoned. */
static void gemm_fill(uint8_t *base, uint64_t seed)
{
	struct aiaccel_rng rng;

	aiaccel_rng_seed(&rng, seed);
	aiaccel_rng_fill(&rng, base + IN_OFF, M * K);
	aiaccel_rng_fill(&rng, base + W_OFF, N * K);
	memset(base + OUT_OFF, 0x5a, M * N);
}

static struct aiaccel_op_gemm gemm_op(uint64_t va)
{
	return (struct aiaccel_op_gemm){
		.hdr = { AIACCEL_OP_GEMM, sizeof(struct aiaccel_op_gemm), 0 },
		.input = va + IN_OFF,
		.weights = va + W_OFF,
		.output = va + OUT_OFF,
		.m = M, .n = N, .k = K,
		.input_zp = 3,
		.weight_zp = -2,
		.output_zp = 5,
		.requant = { 1 << 30, -9 },
		.act_min = -128,
		.act_max = 127,
	};
}

/* What the GEMM must write, from the inputs at @base. */
static void gemm_expect(const uint8_t *base, int8_t *expect)
{
	struct aiaccel_op_gemm op = gemm_op(0);

	igt_assert_eq(aiaccel_ref_gemm(&op, (const int8_t *)base + IN_OFF,
				       (const int8_t *)base + W_OFF, NULL, NULL, expect), 0);
}

/*
 * Queue the GEMM on buffer @handle at @va; with a gate, behind it.  The
 * job signals @syncobj.
 */
static void gemm_submit(int fd, struct aiaccel_cs *cs, uint32_t handle, uint64_t va,
			uint32_t bo_flags, const struct aiaccel_gate *gate, uint32_t syncobj)
{
	struct drm_aiaccel_submit_bo bos[2] = {
		aiaccel_bo_use(handle, bo_flags),
	};
	struct drm_aiaccel_sync out = aiaccel_sync(syncobj, 0, 0);
	struct aiaccel_op_gemm *op;

	aiaccel_cs_new(fd, 4096, cs);
	op = aiaccel_cs_emit(cs, AIACCEL_OP_GEMM, 0, sizeof(*op));
	*op = gemm_op(va);
	if (gate)
		bos[1] = aiaccel_bo_use(gate->handle, DRM_AIACCEL_SUBMIT_BO_READ);
	igt_assert_eq(aiaccel_submit(fd, cs, bos, gate ? 2 : 1, NULL, 0, &out, 1, 0, 0), 0);
}

/* The job's outcome, once done: 0 or its error. */
static int job_status(int fd, uint32_t syncobj)
{
	int ret;

	igt_assert_eq(aiaccel_syncobj_wait(fd, syncobj, 0, TIMEOUT_NS), 0);
	ret = aiaccel_syncobj_status(fd, syncobj);
	igt_assert_neq(ret, 0);
	return ret < 0 ? ret : 0;
}

/*
 * Wait for VmPin to read @bytes: the last user of a buffer may be a job
 * whose clean-up (and the dma-buf's release) runs in a worker just after
 * its fence signals.
 */
static void assert_pinned(uint64_t bytes)
{
	int64_t end = aiaccel_deadline(5000000000ll);
	uint64_t now;

	while ((now = vm_pinned()) != bytes && aiaccel_deadline(0) < end)
		usleep(1000);
	igt_assert_f(now == bytes, "VmPin is %" PRIu64 " bytes, expected %" PRIu64 "\n",
		     now, bytes);
}

/* Run the GEMM on the range at @base (buffer @handle) and check it. */
static void gemm_run_check(int fd, uint8_t *base, uint32_t handle, uint64_t va, uint64_t seed)
{
	int8_t expect[M * N];
	struct aiaccel_cs cs;
	uint32_t done = aiaccel_syncobj(fd);

	gemm_fill(base, seed);
	gemm_expect(base, expect);
	gemm_submit(fd, &cs, handle, va, DRM_AIACCEL_SUBMIT_BO_READ | DRM_AIACCEL_SUBMIT_BO_WRITE,
		    NULL, done);
	igt_assert_eq(job_status(fd, done), 0);
	igt_assert_f(!memcmp(base + OUT_OFF, expect, sizeof(expect)),
		     "the job's output in user memory differs from the reference\n");
	aiaccel_buf_free(fd, &cs.buf);
	drmSyncobjDestroy(fd, done);
}

static void check_invalid(int fd)
{
	uint8_t *p = map_anon(4 * PAGE);
	struct drm_aiaccel_bo_create_userptr args;
	struct drm_aiaccel_bo_info info;
	void *m;

	/* Unknown flags, non-zero pad. */
	igt_assert_eq(bo_create_userptr(fd, p, PAGE, 1u << 31, NULL), -EINVAL);
	igt_assert_eq(bo_create_userptr(fd, p, PAGE, DRM_AIACCEL_BO_DEVICE_READ_ONLY << 1, NULL),
		      -EINVAL);
	args = (struct drm_aiaccel_bo_create_userptr){
		.user_ptr = (uintptr_t)p, .size = PAGE, .pad = 1,
	};
	igt_assert_eq(userptr_raw(fd, &args), -EINVAL);
	/* Null, unaligned, empty, huge. */
	igt_assert_eq(bo_create_userptr(fd, NULL, PAGE, 0, NULL), -EINVAL);
	igt_assert_eq(bo_create_userptr(fd, p + 8, PAGE, 0, NULL), -EINVAL);
	igt_assert_eq(bo_create_userptr(fd, p, PAGE + 8, 0, NULL), -EINVAL);
	igt_assert_eq(bo_create_userptr(fd, p, 0, 0, NULL), -EINVAL);
	igt_assert_eq(bo_create_userptr(fd, p, 1ull << 40, 0, NULL), -EINVAL);
	/* Not (all) mapped; wrapping; the kernel's half. */
	igt_assert_eq(munmap(p + 3 * PAGE, PAGE), 0);
	igt_assert_eq(bo_create_userptr(fd, p, 4 * PAGE, 0, NULL), -EFAULT);
	igt_assert_eq(bo_create_userptr(fd, (void *)(uintptr_t)(0ull - PAGE), 2 * PAGE, 0, NULL),
		      -EFAULT);
	igt_assert_eq(bo_create_userptr(fd, (void *)(uintptr_t)0xffff800000000000ull, PAGE, 0,
					NULL), -EFAULT);
	/* Nothing stays pinned after a failure. */
	assert_pinned(0);

	/* A good one: BO_INFO says what it is; mmap() through the device refuses. */
	igt_assert_eq(bo_create_userptr(fd, p, 3 * PAGE, 0, &args), 0);
	igt_assert_eq(aiaccel_bo_info(fd, args.handle, &info), 0);
	igt_assert_eq_u32(info.info_flags, DRM_AIACCEL_BO_INFO_USERPTR);
	igt_assert_eq_u32(info.flags, 0);
	igt_assert_eq_u64(info.size, 3 * PAGE);
	igt_assert_eq_u64(info.va, args.va);
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
	igt_assert(m == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);
	igt_assert_eq(aiaccel_gem_close(fd, args.handle), 0);
	munmap(p, 3 * PAGE);
}

static void check_anonymous(int fd)
{
	uint64_t mem_before = aiaccel_mem_used(fd), pinned_before = vm_pinned();
	struct drm_aiaccel_bo_create_userptr bo;
	uint8_t *p = map_anon(RANGE);
	int fd2;

	igt_assert_eq(bo_create_userptr(fd, p, RANGE, 0, &bo), 0);
	assert_pinned(pinned_before + RANGE);
	/* User memory is not device memory: the budget is untouched. */
	igt_assert_eq_u64(aiaccel_mem_used(fd), mem_before);
	igt_assert(bo.va >= (1ull << 20));

	gemm_run_check(fd, p, bo.handle, bo.va, 1);
	/* The same pages, new data: the device sees the CPU's writes. */
	gemm_run_check(fd, p, bo.handle, bo.va, 2);

	/* A second file maps the same pages at its own VA. */
	fd2 = aiaccel_open(0);
	{
		struct drm_aiaccel_bo_create_userptr bo2;

		igt_assert_eq(bo_create_userptr(fd2, p, RANGE, 0, &bo2), 0);
		assert_pinned(pinned_before + 2 * RANGE);
		gemm_run_check(fd2, p, bo2.handle, bo2.va, 3);
	}
	/* Closing the file releases its buffers and their pins. */
	close(fd2);
	assert_pinned(pinned_before + RANGE);

	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	assert_pinned(pinned_before);
	munmap(p, RANGE);
}

static void check_file_backed(int fd)
{
	struct drm_aiaccel_bo_create_userptr bo;
	int8_t expect[M * N], got[M * N];
	uint8_t *p;
	int memfd;

	memfd = memfd_create("aiaccel-userptr", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, RANGE), 0);
	p = mmap(NULL, RANGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	igt_assert(p != MAP_FAILED);

	igt_assert_eq(bo_create_userptr(fd, p, RANGE, 0, &bo), 0);
	gemm_run_check(fd, p, bo.handle, bo.va, 4);
	/* The job wrote the file: read it back through the fd. */
	gemm_expect(p, expect);
	igt_assert_eq(pread(memfd, got, sizeof(got), OUT_OFF), (ssize_t)sizeof(got));
	igt_assert(!memcmp(got, expect, sizeof(got)));

	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	munmap(p, RANGE);
	close(memfd);
}

static void check_read_only(int fd)
{
	struct drm_aiaccel_bo_create_userptr ro, out;
	int8_t expect[M * N];
	struct aiaccel_cs cs;
	uint32_t done;
	uint8_t *w, *r, *o;
	int memfd;

	/* The inputs, written through one mapping, read through a PROT_READ one. */
	memfd = memfd_create("aiaccel-userptr-ro", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, RANGE), 0);
	w = mmap(NULL, RANGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	r = mmap(NULL, RANGE, PROT_READ, MAP_SHARED, memfd, 0);
	igt_assert(w != MAP_FAILED && r != MAP_FAILED);
	gemm_fill(w, 5);
	gemm_expect(w, expect);

	/* Read-only memory cannot become a buffer the device may write... */
	igt_assert_eq(bo_create_userptr(fd, r, RANGE, 0, NULL), -EFAULT);
	assert_pinned(0);
	/* ...but can be a device-read-only one. */
	igt_assert_eq(bo_create_userptr(fd, r, RANGE, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &ro), 0);

	/* A job writing it faults and writes nothing. */
	done = aiaccel_syncobj(fd);
	gemm_submit(fd, &cs, ro.handle, ro.va,
		    DRM_AIACCEL_SUBMIT_BO_READ | DRM_AIACCEL_SUBMIT_BO_WRITE, NULL, done);
	igt_assert_eq(job_status(fd, done), -EFAULT);
	igt_assert_eq(r[OUT_OFF], 0x5a);
	aiaccel_buf_free(fd, &cs.buf);

	/* A job reading it and writing elsewhere works. */
	o = map_anon(RANGE);
	igt_assert_eq(bo_create_userptr(fd, o, RANGE, 0, &out), 0);
	aiaccel_cs_new(fd, 4096, &cs);
	{
		struct drm_aiaccel_submit_bo bos[] = {
			aiaccel_bo_use(ro.handle, DRM_AIACCEL_SUBMIT_BO_READ),
			aiaccel_bo_use(out.handle, DRM_AIACCEL_SUBMIT_BO_WRITE),
		};
		struct drm_aiaccel_sync sync = aiaccel_sync(done, 0, 0);
		struct aiaccel_op_gemm *op = aiaccel_cs_emit(&cs, AIACCEL_OP_GEMM, 0, sizeof(*op));

		*op = gemm_op(ro.va);
		op->output = out.va;
		igt_assert_eq(aiaccel_submit(fd, &cs, bos, 2, NULL, 0, &sync, 1, 0, 0), 0);
	}
	igt_assert_eq(job_status(fd, done), 0);
	igt_assert(!memcmp(o, expect, sizeof(expect)));

	aiaccel_buf_free(fd, &cs.buf);
	drmSyncobjDestroy(fd, done);
	igt_assert_eq(aiaccel_gem_close(fd, ro.handle), 0);
	igt_assert_eq(aiaccel_gem_close(fd, out.handle), 0);
	assert_pinned(0);
	munmap(o, RANGE);
	munmap(w, RANGE);
	munmap(r, RANGE);
	close(memfd);
}

/*
 * A job holds the buffer (queued behind a gate) while the range is
 * unmapped: it still runs on the pinned pages, which a second mapping of
 * the same memfd shows; the pins go when the buffer does.
 */
static void check_munmap(int fd)
{
	struct drm_aiaccel_bo_create_userptr bo;
	struct aiaccel_gate gate;
	int8_t expect[M * N];
	struct aiaccel_cs cs;
	uint8_t *p, *view;
	uint32_t done;
	int memfd;

	memfd = memfd_create("aiaccel-userptr-unmap", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, RANGE), 0);
	p = mmap(NULL, RANGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	view = mmap(NULL, RANGE, PROT_READ, MAP_SHARED, memfd, 0);
	igt_assert(p != MAP_FAILED && view != MAP_FAILED);
	gemm_fill(p, 6);
	gemm_expect(p, expect);
	igt_assert_eq(bo_create_userptr(fd, p, RANGE, 0, &bo), 0);

	aiaccel_gate_new(fd, &gate);
	done = aiaccel_syncobj(fd);
	gemm_submit(fd, &cs, bo.handle, bo.va,
		    DRM_AIACCEL_SUBMIT_BO_READ | DRM_AIACCEL_SUBMIT_BO_WRITE, &gate, done);
	/* Unmap the range and close the handle under the queued job. */
	igt_assert_eq(munmap(p, RANGE), 0);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	igt_assert(aiaccel_gate_held(&gate));
	igt_assert(!aiaccel_syncobj_signaled(fd, done, 0));
	assert_pinned(RANGE);
	aiaccel_gate_open(&gate);

	igt_assert_eq(job_status(fd, done), 0);
	igt_assert_f(!memcmp(view + OUT_OFF, expect, sizeof(expect)),
		     "the job's output did not reach the unmapped pages\n");
	aiaccel_buf_free(fd, &cs.buf);
	aiaccel_gate_free(&gate);
	drmSyncobjDestroy(fd, done);
	/* The job was the buffer's last user; its end unpinned the pages. */
	assert_pinned(0);
	munmap(view, RANGE);
	close(memfd);
}

/*
 * The process forks while a job holds its anonymous buffer: the parent
 * keeps the pinned pages (the child gets copies), so the job's output
 * lands in the parent's memory whatever the child does with its copy.
 */
static void check_fork(int fd)
{
	struct drm_aiaccel_bo_create_userptr bo;
	struct aiaccel_gate gate;
	int8_t expect[M * N];
	struct aiaccel_cs cs;
	uint8_t *p = map_anon(RANGE);
	uint32_t done;
	int status;
	pid_t pid;

	gemm_fill(p, 7);
	gemm_expect(p, expect);
	igt_assert_eq(bo_create_userptr(fd, p, RANGE, 0, &bo), 0);
	aiaccel_gate_new(fd, &gate);
	done = aiaccel_syncobj(fd);
	gemm_submit(fd, &cs, bo.handle, bo.va,
		    DRM_AIACCEL_SUBMIT_BO_READ | DRM_AIACCEL_SUBMIT_BO_WRITE, &gate, done);

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		/* The child's copy: what the parent had at fork, its own now. */
		int ok = p[OUT_OFF] == 0x5a && vm_pinned() == 0;

		memset(p, 0xee, RANGE);
		_exit(ok ? 0 : 1);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the child did not see its own unpinned copy\n");
	igt_assert(aiaccel_gate_held(&gate));
	aiaccel_gate_open(&gate);

	igt_assert_eq(job_status(fd, done), 0);
	igt_assert_f(!memcmp(p + OUT_OFF, expect, sizeof(expect)),
		     "after fork, the job's output is not in the parent's memory\n");
	/* And the parent's pages are still the buffer's. */
	gemm_run_check(fd, p, bo.handle, bo.va, 8);

	aiaccel_buf_free(fd, &cs.buf);
	aiaccel_gate_free(&gate);
	drmSyncobjDestroy(fd, done);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	munmap(p, RANGE);
}

/* Drop CAP_IPC_LOCK from the effective set (no libcap in the guest). */
static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	igt_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	igt_assert_eq(syscall(SYS_capset, &hdr, data), 0);
}

/*
 * RLIMIT_MEMLOCK: without CAP_IPC_LOCK, the pins of a process stay within
 * it; freeing a buffer gives its share back.  In a child, which has the
 * device open through the parent's fd.
 */
static void check_limit(int fd)
{
	igt_fork(child, 1) {
		struct drm_aiaccel_bo_create_userptr a, b;
		uint8_t *p = map_anon(32 * PAGE);
		struct rlimit lim;

		drop_ipc_lock();
		/* Lower the soft limit only: a user may not raise the hard one. */
		igt_assert_eq(getrlimit(RLIMIT_MEMLOCK, &lim), 0);
		igt_assert_f(lim.rlim_max >= 16 * PAGE, "RLIMIT_MEMLOCK's hard limit is %llu\n",
			     (unsigned long long)lim.rlim_max);
		lim.rlim_cur = 16 * PAGE;
		igt_assert_eq(setrlimit(RLIMIT_MEMLOCK, &lim), 0);
		assert_pinned(0);

		igt_assert_eq(bo_create_userptr(fd, p, 12 * PAGE, 0, &a), 0);
		/* 12 + 5 pages is past 16: refused, nothing left pinned. */
		igt_assert_eq(bo_create_userptr(fd, p + 12 * PAGE, 5 * PAGE, 0, NULL), -ENOMEM);
		assert_pinned(12 * PAGE);
		/* 12 + 4 is exactly the limit. */
		igt_assert_eq(bo_create_userptr(fd, p + 12 * PAGE, 4 * PAGE, 0, &b), 0);
		assert_pinned(16 * PAGE);
		igt_assert_eq(bo_create_userptr(fd, p + 16 * PAGE, PAGE, 0, NULL), -ENOMEM);
		/* A buffer of it still works, up to the limit. */
		gemm_run_check(fd, p, a.handle, a.va, 9);

		igt_assert_eq(aiaccel_gem_close(fd, a.handle), 0);
		assert_pinned(4 * PAGE);
		igt_assert_eq(bo_create_userptr(fd, p + 16 * PAGE, 12 * PAGE, 0, &a), 0);
		igt_assert_eq(aiaccel_gem_close(fd, a.handle), 0);
		igt_assert_eq(aiaccel_gem_close(fd, b.handle), 0);
		assert_pinned(0);
		munmap(p, 32 * PAGE);
	}
	igt_waitchildren();
}

int igt_main()
{
	int fd = -1;

	igt_fixture() {
		fd = aiaccel_open(0);
		igt_require_f(vm_pinned() == 0, "something else holds pinned pages\n");
	}

	igt_describe("Argument checks: flags, pad, alignment, size, unmapped and "
		     "kernel ranges; BO_INFO reports USERPTR; no mmap() through the device.");
	igt_subtest("invalid")
		check_invalid(fd);

	igt_describe("Anonymous memory as a buffer: a GEMM on it bit-exact with the "
		     "reference, VmPin accounting, no device budget, two files.");
	igt_subtest("anonymous")
		check_anonymous(fd);

	igt_describe("A shared memfd mapping as a buffer: the job's output is in the file.");
	igt_subtest("file-backed")
		check_file_backed(fd);

	igt_describe("PROT_READ memory: refused for a writable buffer, accepted "
		     "device-read-only, where a job writing it faults.");
	igt_subtest("read-only")
		check_read_only(fd);

	igt_describe("munmap() and GEM_CLOSE while a queued job holds the buffer: the "
		     "job still runs on the pinned pages, unpinned when it ends.");
	igt_subtest("munmap-while-queued")
		check_munmap(fd);

	igt_describe("fork() while a queued job holds anonymous memory: the parent "
		     "keeps the pinned pages and gets the job's output.");
	igt_subtest("fork-while-queued")
		check_fork(fd);

	igt_describe("RLIMIT_MEMLOCK without CAP_IPC_LOCK: refused past it, given "
		     "back on free.");
	igt_subtest("memlock-limit")
		check_limit(fd);

	igt_fixture() {
		close(fd);
	}
}
