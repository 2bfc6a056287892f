// SPDX-License-Identifier: MIT
/*
 * aiaccel_bo: buffer objects: BO_CREATE, BO_INFO, GEM_CLOSE, mmap, the
 * memory budget, and what one open file may do with another's buffers.
 *
 * Documentation/accel/aiaccel/uapi.rst lists the error codes checked here.
 */

#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "igt.h"
#include "aiaccel_test.h"

IGT_TEST_DESCRIPTION("aiaccel buffer objects.");

#define PAGE		4096ull
#define SZ_1M		(1ull << 20)
/* The device VA space: [1 MiB, 2^39) (design.rst). */
#define VA_START	SZ_1M
#define VA_END		(1ull << 39)
#define MANY_BUFFERS	10000
#define MANY_PROCS	2
/* The budget exhaust-and-recover reloads the model with, in MiB. */
#define EXHAUST_MB	"16"

static uint64_t mem_size(int fd)
{
	struct drm_aiaccel_info info;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	return info.mem_size;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_int_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void check_sizes(int fd)
{
	static const struct {
		uint64_t in, out;
	} sizes[] = {
		{ 1, PAGE },
		{ PAGE - 1, PAGE },
		{ PAGE, PAGE },
		{ PAGE + 1, 2 * PAGE },
		{ 65535, 65536 },
		{ SZ_1M + 1, SZ_1M + PAGE },
	};
	uint64_t before = aiaccel_mem_used(fd);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct drm_aiaccel_bo_create bo;
		struct drm_aiaccel_bo_info info;
		uint8_t *p;

		igt_assert_eq(aiaccel_bo_create(fd, sizes[i].in, 0, &bo), 0);
		igt_assert_eq_u64(bo.size, sizes[i].out);
		igt_assert_eq_u64(aiaccel_mem_used(fd), before + sizes[i].out);
		igt_assert_eq(aiaccel_bo_info(fd, bo.handle, &info), 0);
		igt_assert_eq_u64(info.size, sizes[i].out);

		/* The whole rounded size is mapped; one page more is not. */
		p = aiaccel_bo_mmap(fd, bo.mmap_offset, bo.size, PROT_READ | PROT_WRITE);
		p[bo.size - 1] = 0xa5;
		igt_assert_eq(p[0], 0);
		munmap(p, bo.size);
		igt_assert(mmap(NULL, bo.size + PAGE, PROT_READ, MAP_SHARED, fd,
				bo.mmap_offset) == MAP_FAILED);
		igt_assert_eq(errno, EINVAL);

		igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	}
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

static void check_absurd_sizes(int fd)
{
	uint64_t before = aiaccel_mem_used(fd);
	uint64_t budget = mem_size(fd);
	struct drm_aiaccel_info info;

	/* GET_INFO's max_bo_size is what the address space holds. */
	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	igt_assert_eq_u64(info.max_bo_size, VA_END - VA_START);
	igt_assert_eq(aiaccel_bo_create(fd, info.max_bo_size + 1, 0, NULL), -EINVAL);

	/* Larger than the device address space: can never exist, -EINVAL. */
	igt_assert_eq(aiaccel_bo_create(fd, VA_END - VA_START + 1, 0, NULL), -EINVAL);
	igt_assert_eq(aiaccel_bo_create(fd, VA_END, 0, NULL), -EINVAL);
	igt_assert_eq(aiaccel_bo_create(fd, 1ull << 63, 0, NULL), -EINVAL);
	/* Would wrap when rounded up to a page. */
	igt_assert_eq(aiaccel_bo_create(fd, ~0ull - PAGE + 2, 0, NULL), -EINVAL);
	igt_assert_eq(aiaccel_bo_create(fd, ~0ull, 0, NULL), -EINVAL);

	/* Fits the address space but not the budget: -ENOMEM. */
	igt_assert_lt_u64(budget, VA_END - VA_START);
	igt_assert_eq(aiaccel_bo_create(fd, VA_END - VA_START, 0, NULL), -ENOMEM);
	igt_assert_eq(aiaccel_bo_create(fd, budget + 1, 0, NULL), -ENOMEM);
	igt_assert_eq(aiaccel_bo_create(fd, budget - before + 1, 0, NULL), -ENOMEM);

	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

static void check_unknown_handles(int fd)
{
	struct drm_aiaccel_bo_create bo;
	struct drm_aiaccel_bo_info info;

	igt_assert_eq(aiaccel_gem_close(fd, 0), -EINVAL);
	igt_assert_eq(aiaccel_gem_close(fd, 0xdead), -EINVAL);
	igt_assert_eq(aiaccel_bo_info(fd, 0, &info), -ENOENT);
	igt_assert_eq(aiaccel_bo_info(fd, 0xdead, &info), -ENOENT);
	igt_assert_eq(aiaccel_prime_export(fd, 0xdead, DRM_CLOEXEC), -ENOENT);

	/* A closed handle is unknown too. */
	igt_assert_eq(aiaccel_bo_create(fd, PAGE, 0, &bo), 0);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), -EINVAL);
	igt_assert_eq(aiaccel_bo_info(fd, bo.handle, &info), -ENOENT);
	igt_assert_eq(aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC), -ENOENT);
}

/*
 * Handles and mmap offsets belong to the file that created them: another
 * file of the same device cannot use them, and its own handle with the
 * same number is another buffer.
 */
static void check_handles_per_file(int fd)
{
	struct drm_aiaccel_bo_create a, b;
	struct drm_aiaccel_bo_info info;
	uint64_t before = aiaccel_mem_used(fd);
	void *pa, *pb;
	int fd2;

	igt_assert_eq(aiaccel_bo_create(fd, 2 * PAGE, 0, &a), 0);
	pa = aiaccel_bo_mmap(fd, a.mmap_offset, a.size, PROT_READ | PROT_WRITE);
	aiaccel_pattern_fill(pa, a.size, 1);

	fd2 = aiaccel_open(0);
	igt_assert_eq(aiaccel_bo_info(fd2, a.handle, &info), -ENOENT);
	igt_assert_eq(aiaccel_gem_close(fd2, a.handle), -EINVAL);
	igt_assert_eq(aiaccel_prime_export(fd2, a.handle, DRM_CLOEXEC), -ENOENT);
	igt_assert(mmap(NULL, a.size, PROT_READ, MAP_SHARED, fd2, a.mmap_offset) == MAP_FAILED);
	igt_assert_eq(errno, EACCES);

	/* The new file numbers its handles from scratch. */
	igt_assert_eq(aiaccel_bo_create(fd2, 3 * PAGE, 0, &b), 0);
	igt_debug("handle %u in the first file, %u in the second\n", a.handle, b.handle);
	igt_assert_eq(aiaccel_bo_info(fd2, b.handle, &info), 0);
	igt_assert_eq_u64(info.size, 3 * PAGE);
	pb = aiaccel_bo_mmap(fd2, b.mmap_offset, b.size, PROT_READ | PROT_WRITE);
	aiaccel_pattern_fill(pb, b.size, 2);

	/* Closing the second file takes only its own buffers. */
	munmap(pb, b.size);
	close(fd2);
	igt_assert_eq(aiaccel_bo_info(fd, a.handle, &info), 0);
	igt_assert_eq_u64(info.size, 2 * PAGE);
	aiaccel_pattern_check(pa, a.size, 1);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + a.size);

	munmap(pa, a.size);
	igt_assert_eq(aiaccel_gem_close(fd, a.handle), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

/*
 * Closing a file frees its buffers.  A CPU mapping made through the file
 * keeps the whole file open (the mapping holds a reference to it), so
 * then every buffer of the file stays until munmap.
 */
static void check_file_close_frees(int fd)
{
	struct drm_aiaccel_bo_create bo[3];
	uint64_t before = aiaccel_mem_used(fd), total = (1 + 2 + 3) * 64 * 1024;
	void *p;
	int fd2, i;

	fd2 = aiaccel_open(0);
	for (i = 0; i < 3; i++)
		igt_assert_eq(aiaccel_bo_create(fd2, (i + 1) * 64 * 1024, 0, &bo[i]), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + total);
	close(fd2);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);

	fd2 = aiaccel_open(0);
	for (i = 0; i < 3; i++)
		igt_assert_eq(aiaccel_bo_create(fd2, (i + 1) * 64 * 1024, 0, &bo[i]), 0);
	p = aiaccel_bo_mmap(fd2, bo[1].mmap_offset, bo[1].size, PROT_READ | PROT_WRITE);
	aiaccel_pattern_fill(p, bo[1].size, 3);
	close(fd2);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + total);
	aiaccel_pattern_check(p, bo[1].size, 3);
	munmap(p, bo[1].size);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

/* GEM_CLOSE with a CPU mapping left: the mapping stays usable and the
 * memory charged until munmap. */
static void check_mmap_outlives_handle(int fd)
{
	struct drm_aiaccel_bo_create bo;
	uint64_t before = aiaccel_mem_used(fd);
	void *p;

	igt_assert_eq(aiaccel_bo_create(fd, 16 * PAGE, 0, &bo), 0);
	p = aiaccel_bo_mmap(fd, bo.mmap_offset, bo.size, PROT_READ | PROT_WRITE);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	aiaccel_pattern_fill(p, bo.size, 4);
	aiaccel_pattern_check(p, bo.size, 4);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);
	munmap(p, bo.size);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

static void check_mmap_invalid(int fd)
{
	struct drm_aiaccel_bo_create bo;
	void *p;

	igt_assert_eq(aiaccel_bo_create(fd, 4 * PAGE, 0, &bo), 0);

	/* Private (copy-on-write) mappings of a buffer make no sense. */
	p = mmap(NULL, bo.size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, bo.mmap_offset);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);
	/* Longer than the buffer. */
	p = mmap(NULL, bo.size + PAGE, PROT_READ, MAP_SHARED, fd, bo.mmap_offset);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);
	/* Not at the start of a buffer, or at no buffer at all. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, bo.mmap_offset + PAGE);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);
	/* A prefix of the buffer is fine. */
	p = aiaccel_bo_mmap(fd, bo.mmap_offset, PAGE, PROT_READ);
	munmap(p, PAGE);

	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	/* The offset dies with the buffer. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, bo.mmap_offset);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);
}

/*
 * Fill the budget to the last page, check that nothing more fits (in this
 * file or another), then that freed memory can be used again.
 */
static void check_exhaust_and_recover(int fd)
{
	uint64_t before = aiaccel_mem_used(fd), budget = mem_size(fd);
	unsigned int max = budget / SZ_1M + 2, n = 0, i;
	struct drm_aiaccel_bo_create bo, rest;
	uint32_t *handles;
	int fd2, ret;

	handles = calloc(max, sizeof(*handles));
	igt_assert(handles);
	while ((ret = aiaccel_bo_create(fd, SZ_1M, 0, &bo)) == 0) {
		igt_assert_lt(n, max);
		handles[n++] = bo.handle;
	}
	igt_assert_eq(ret, -ENOMEM);
	igt_info("%u buffers of 1 MiB fit next to %llu bytes in use\n", n,
		 (unsigned long long)before);
	igt_assert_eq_u64(n, (budget - before) / SZ_1M);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + n * SZ_1M);

	/* The last partial megabyte, if any, then not one page more. */
	rest.handle = 0;
	if (budget - aiaccel_mem_used(fd))
		igt_assert_eq(aiaccel_bo_create(fd, budget - aiaccel_mem_used(fd), 0, &rest), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), budget);
	igt_assert_eq(aiaccel_bo_create(fd, PAGE, 0, NULL), -ENOMEM);
	fd2 = aiaccel_open(0);
	igt_assert_eq(aiaccel_bo_create(fd2, PAGE, 0, NULL), -ENOMEM);

	/* A freed megabyte is usable again, by either file, and only once. */
	igt_assert_lt(0, n);
	igt_assert_eq(aiaccel_gem_close(fd, handles[n / 2]), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), budget - SZ_1M);
	igt_assert_eq(aiaccel_bo_create(fd2, SZ_1M, 0, &bo), 0);
	igt_assert_eq(aiaccel_bo_create(fd, PAGE, 0, NULL), -ENOMEM);
	close(fd2);
	igt_assert_eq(aiaccel_bo_create(fd, SZ_1M, 0, &bo), 0);
	handles[n / 2] = bo.handle;

	for (i = 0; i < n; i++)
		igt_assert_eq(aiaccel_gem_close(fd, handles[i]), 0);
	if (rest.handle)
		igt_assert_eq(aiaccel_gem_close(fd, rest.handle), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
	free(handles);

	/* All of it is back. */
	igt_assert_eq(aiaccel_bo_create(fd, budget - before, 0, &bo), 0);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

/*
 * Many small buffers, from MANY_PROCS processes at once (each with its
 * own file, so its own handles and address space): distinct handles,
 * distinct VAs each followed by an unmapped guard page, exact accounting
 * with all of them alive, all freed (in another order).  The processes
 * only share the work: a buffer costs milliseconds in the debug guest.
 */
static void many_buffers_child(unsigned int n, int ready_fd, int go_fd)
{
	struct drm_aiaccel_bo_create *bo;
	uint64_t *va;
	uint32_t *handles;
	struct timespec t;
	unsigned int i;
	char c;
	int fd;

	fd = aiaccel_open(0);
	bo = calloc(n, sizeof(*bo));
	va = calloc(n, sizeof(*va));
	handles = calloc(n, sizeof(*handles));
	igt_assert(bo && va && handles);

	igt_gettime(&t);
	for (i = 0; i < n; i++) {
		igt_assert_eq(aiaccel_bo_create(fd, PAGE, 0, &bo[i]), 0);
		va[i] = bo[i].va;
		handles[i] = bo[i].handle;
	}
	igt_info("%u buffers created in %.3f s\n", n, igt_nsec_elapsed(&t) / 1e9);

	qsort(va, n, sizeof(*va), cmp_u64);
	qsort(handles, n, sizeof(*handles), cmp_int_u32);
	for (i = 0; i < n; i++) {
		igt_assert_lte_u64(VA_START, va[i]);
		igt_assert_lte_u64(va[i] + PAGE, VA_END);
		igt_assert_eq_u64(va[i] % PAGE, 0);
		if (i) {
			igt_assert_f(va[i] - va[i - 1] >= 2 * PAGE,
				     "VAs 0x%llx and 0x%llx leave no guard page\n",
				     (unsigned long long)va[i - 1], (unsigned long long)va[i]);
			igt_assert_neq_u32(handles[i], handles[i - 1]);
		}
	}

	/* Each is its own memory: tag a sample and read the tags back. */
	for (i = 0; i < n; i += 499) {
		uint32_t *p = aiaccel_bo_mmap(fd, bo[i].mmap_offset, PAGE, PROT_READ | PROT_WRITE);

		igt_assert_eq_u32(p[0], 0);
		p[0] = i + 1;
		munmap(p, PAGE);
	}
	for (i = 0; i < n; i += 499) {
		uint32_t *p = aiaccel_bo_mmap(fd, bo[i].mmap_offset, PAGE, PROT_READ);

		igt_assert_eq_u32(p[0], i + 1);
		munmap(p, PAGE);
	}

	/* Everything is alive: let the parent count, wait for its go. */
	igt_assert_eq(write(ready_fd, "r", 1), 1);
	igt_assert_eq(read(go_fd, &c, 1), 0);

	/* Odd ones first, then even ones backwards. */
	igt_gettime(&t);
	for (i = 1; i < n; i += 2)
		igt_assert_eq(aiaccel_gem_close(fd, bo[i].handle), 0);
	for (i = n - 2 + n % 2; (int)i >= 0; i -= 2)
		igt_assert_eq(aiaccel_gem_close(fd, bo[i].handle), 0);
	igt_info("%u buffers closed in %.3f s\n", n, igt_nsec_elapsed(&t) / 1e9);
	igt_assert_eq(aiaccel_gem_close(fd, bo[0].handle), -EINVAL);

	close(fd);
	free(handles);
	free(va);
	free(bo);
}

static void check_many_buffers(int fd)
{
	struct drm_aiaccel_info info = { 0 };
	uint64_t before = aiaccel_mem_used(fd);
	int ready[MANY_PROCS][2], go[2], i, j, got = 0, ret = -1;

	igt_assert_eq(pipe(go), 0);
	for (i = 0; i < MANY_PROCS; i++)
		igt_assert_eq(pipe(ready[i]), 0);

	igt_fork(child, MANY_PROCS) {
		close(go[1]);
		for (j = 0; j < MANY_PROCS; j++) {
			close(ready[j][0]);
			if (j != child)
				close(ready[j][1]);
		}
		many_buffers_child(MANY_BUFFERS / MANY_PROCS, ready[child][1], go[0]);
	}
	close(go[0]);
	for (i = 0; i < MANY_PROCS; i++)
		close(ready[i][1]);

	/* A child that dies early closes its pipe: no ready byte from it. */
	for (i = 0; i < MANY_PROCS; i++) {
		struct pollfd pfd = { .fd = ready[i][0], .events = POLLIN };
		char c;

		if (poll(&pfd, 1, 500 * 1000) == 1 && read(ready[i][0], &c, 1) == 1)
			got++;
	}
	if (got == MANY_PROCS)
		ret = aiaccel_get_info(fd, &info);
	/* Release the children before any assertion here can end the subtest. */
	close(go[1]);
	for (i = 0; i < MANY_PROCS; i++)
		close(ready[i][0]);
	igt_waitchildren();

	igt_assert_eq(got, MANY_PROCS);
	igt_assert_eq(ret, 0);
	igt_assert_eq_u64(info.mem_used, before + MANY_BUFFERS * PAGE);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

int igt_main()
{
	bool reloaded = false;
	int fd = -1;

	igt_fixture()
		fd = aiaccel_open(0);

	igt_describe("Create, map with the CPU, write, read back, close.");
	igt_subtest("create-mmap-close") {
		struct drm_aiaccel_bo_create bo;
		uint64_t before = aiaccel_mem_used(fd);
		uint32_t *p;
		unsigned int i;

		igt_assert_eq(aiaccel_bo_create(fd, 3 * 4096 + 1, 0, &bo), 0);
		igt_assert_eq_u64(bo.size, 4 * 4096);
		igt_assert(bo.handle);
		igt_assert(bo.va >= (1 << 20));
		igt_assert_eq_u64(bo.va % 4096, 0);
		igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);

		p = mmap(NULL, bo.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, bo.mmap_offset);
		igt_assert(p != MAP_FAILED);
		for (i = 0; i < bo.size / 4; i++)
			igt_assert_eq_u32(p[i], 0);
		for (i = 0; i < bo.size / 4; i++)
			p[i] = i * 2654435761u;
		munmap(p, bo.size);
		p = mmap(NULL, bo.size, PROT_READ, MAP_SHARED, fd, bo.mmap_offset);
		igt_assert(p != MAP_FAILED);
		for (i = 0; i < bo.size / 4; i++)
			igt_assert_eq_u32(p[i], i * 2654435761u);
		munmap(p, bo.size);

		igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
		igt_assert_eq_u64(aiaccel_mem_used(fd), before);
		igt_assert_eq(aiaccel_gem_close(fd, bo.handle), -EINVAL);
	}

	igt_describe("BO_INFO reports what BO_CREATE returned.");
	igt_subtest("info") {
		struct drm_aiaccel_bo_create bo;
		struct drm_aiaccel_bo_info info = { 0 };

		igt_assert_eq(aiaccel_bo_create(fd, 8192, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &bo), 0);
		info.handle = bo.handle;
		do_ioctl(fd, DRM_IOCTL_AIACCEL_BO_INFO, &info);
		igt_assert_eq_u64(info.size, bo.size);
		igt_assert_eq_u64(info.va, bo.va);
		igt_assert_eq_u64(info.mmap_offset, bo.mmap_offset);
		igt_assert_eq_u32(info.flags, DRM_AIACCEL_BO_DEVICE_READ_ONLY);
		igt_assert_eq_u32(info.info_flags, 0);
		info.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_BO_INFO, &info, EINVAL);
		info.pad = 0;
		info.handle = 0xdead;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_BO_INFO, &info, ENOENT);
		igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	}

	igt_describe("Size 0, flags GET_INFO's bo_flags lacks and non-zero pad are "
		     "-EINVAL; each flag of bo_flags is accepted.");
	igt_subtest("create-invalid") {
		struct drm_aiaccel_bo_create args = { .size = 4096 }, ok;
		struct drm_aiaccel_info info;
		int bit;

		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		/* This driver knows every flag of this header, and no other. */
		igt_assert_eq_u32(info.bo_flags, DRM_AIACCEL_BO_DEVICE_READ_ONLY);
		igt_assert_eq(aiaccel_bo_create(fd, 0, 0, NULL), -EINVAL);
		for (bit = 0; bit < 32; bit++) {
			if (info.bo_flags & 1u << bit) {
				igt_assert_eq(aiaccel_bo_create(fd, 4096, 1u << bit, &ok), 0);
				igt_assert_eq(aiaccel_gem_close(fd, ok.handle), 0);
				continue;
			}
			igt_assert_eq(aiaccel_bo_create(fd, 4096, 1u << bit, NULL), -EINVAL);
		}
		args.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args, EINVAL);
		igt_assert_eq(aiaccel_bo_create(fd, 1ull << 40, 0, NULL), -EINVAL);
		igt_assert_eq(aiaccel_bo_create(fd, ~0ull, 0, NULL), -EINVAL);
	}

	igt_describe("Sizes are rounded up to whole pages, all of which can be mapped.");
	igt_subtest("create-sizes")
		check_sizes(fd);

	igt_describe("Sizes past the device address space (GET_INFO's max_bo_size) are "
		     "-EINVAL; sizes that fit it but not the memory budget are -ENOMEM.");
	igt_subtest("create-absurd")
		check_absurd_sizes(fd);

	igt_describe("Past the device memory budget: -ENOMEM, and nothing leaks.");
	igt_subtest("budget") {
		struct drm_aiaccel_info info;
		struct drm_aiaccel_bo_create bo;
		uint64_t before = aiaccel_mem_used(fd);

		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		igt_assert_eq(aiaccel_bo_create(fd, info.mem_size - before + 4096, 0, NULL), -ENOMEM);
		igt_assert_eq_u64(aiaccel_mem_used(fd), before);
		igt_assert_eq(aiaccel_bo_create(fd, 1ull << 20, 0, &bo), 0);
		igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
		igt_assert_eq_u64(aiaccel_mem_used(fd), before);
	}

	igt_describe("Unknown or closed handles: GEM_CLOSE -EINVAL, BO_INFO and "
		     "PRIME export -ENOENT.");
	igt_subtest("unknown-handle")
		check_unknown_handles(fd);

	igt_describe("Handles and mmap offsets of one file mean nothing in another.");
	igt_subtest("handles-per-file")
		check_handles_per_file(fd);

	igt_describe("Closing a file frees its buffers, at once or, if one is "
		     "mapped, at munmap.");
	igt_subtest("file-close-frees")
		check_file_close_frees(fd);

	igt_describe("A CPU mapping keeps its buffer after GEM_CLOSE, until munmap.");
	igt_subtest("mmap-outlives-handle")
		check_mmap_outlives_handle(fd);

	igt_describe("Private, oversized and misplaced mmaps fail with -EINVAL.");
	igt_subtest("mmap-invalid")
		check_mmap_invalid(fd);

	igt_describe("10000 small buffers from two processes: distinct handles and "
		     "guarded VAs, exact accounting, all freed.");
	igt_subtest("many-buffers")
		check_many_buffers(fd);

	igt_fixture() {
		close(fd);
		fd = -1;
	}

	/*
	 * Pinning is the cost of a buffer (every page is allocated and mapped
	 * for the device at creation), so exhaustion runs with a small budget.
	 */
	igt_describe("With a " EXHAUST_MB " MiB budget (reloads the driver): fill it "
		     "exactly, fail past it, recover after freeing.");
	igt_subtest("exhaust-and-recover") {
		igt_assert_eq(aiaccel_reload("mem_size_mb=" EXHAUST_MB), 0);
		reloaded = true;
		fd = aiaccel_open(0);
		igt_assert_eq_u64(mem_size(fd), strtoull(EXHAUST_MB, NULL, 0) << 20);
		check_exhaust_and_recover(fd);
		close(fd);
		fd = -1;
		igt_assert_eq(aiaccel_reload(NULL), 0);
		reloaded = false;
	}

	/* Whatever happened above, leave the default configuration loaded. */
	igt_fixture() {
		if (fd >= 0)
			close(fd);
		if (reloaded)
			igt_assert_eq(aiaccel_reload(NULL), 0);
	}
}
