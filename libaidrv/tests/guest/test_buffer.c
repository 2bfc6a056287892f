// SPDX-License-Identifier: MIT
/*
 * test_buffer: the buffer API against the real driver (run in the guest
 * by run-guest-tests.sh): create, map, write, read, free; export and
 * import, within a device handle, across two handles, and of a foreign
 * dma-buf (system dma-heap); the error returns.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#include <cmocka.h>

#include "aidrv.h"

#define PAGE 4096u

static int setup(void **state)
{
	struct aidrv_device *dev;

	if (aidrv_device_open_index(0, &dev))
		return -1;
	*state = dev;
	return 0;
}

static int teardown(void **state)
{
	aidrv_device_close(*state);
	return 0;
}

static uint64_t mem_used(struct aidrv_device *dev)
{
	struct drm_aiaccel_info info;

	assert_int_equal(aidrv_device_get_info(dev, &info, sizeof(info)), 0);
	return info.mem_used;
}

static void fill(void *p, size_t size, uint32_t seed)
{
	uint32_t *w = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		w[i] = seed * 2654435761u + (uint32_t)i;
}

static void check(const void *p, size_t size, uint32_t seed)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		if (w[i] != seed * 2654435761u + (uint32_t)i)
			fail_msg("word %zu is 0x%08x, expected 0x%08x", i, w[i],
				 seed * 2654435761u + (uint32_t)i);
}

/* True if [p, p + size) is mapped in this process. */
static int is_mapped(void *p, size_t size)
{
	unsigned char vec[16];

	return mincore(p, size < sizeof(vec) * PAGE ? size : sizeof(vec) * PAGE, vec) == 0;
}

static void test_create_map_free(void **state)
{
	struct aidrv_device *dev = *state;
	uint64_t before = mem_used(dev);
	struct aidrv_bo *bo;
	uint8_t *p, *q;
	size_t i;

	assert_int_equal(aidrv_bo_create(dev, 3 * PAGE + 1, 0, &bo), 0);
	assert_int_equal(aidrv_bo_size(bo), 4 * PAGE);
	assert_true(aidrv_bo_va(bo) >= 1u << 20);
	assert_int_equal(aidrv_bo_va(bo) % PAGE, 0);
	assert_int_not_equal(aidrv_bo_handle(bo), 0);
	assert_int_equal(aidrv_bo_flags(bo), 0);
	assert_int_equal(aidrv_bo_info_flags(bo), 0);
	assert_int_equal(mem_used(dev), before + 4 * PAGE);

	assert_int_equal(aidrv_bo_map(bo, (void **)&p), 0);
	for (i = 0; i < 4 * PAGE; i++)
		if (p[i])
			fail_msg("byte %zu of a new buffer is %u", i, p[i]);
	fill(p, 4 * PAGE, 1);
	assert_int_equal(aidrv_bo_unmap(bo), 0);
	assert_false(is_mapped(p, 4 * PAGE));
	assert_int_equal(aidrv_bo_map(bo, (void **)&q), 0);
	check(q, 4 * PAGE, 1);
	assert_int_equal(aidrv_bo_unmap(bo), 0);

	aidrv_bo_free(bo);
	assert_int_equal(mem_used(dev), before);
	aidrv_bo_free(NULL);
}

static void test_create_errors(void **state)
{
	struct aidrv_device *dev = *state;
	struct drm_aiaccel_info info;
	struct aidrv_bo *bo = NULL;

	assert_int_equal(aidrv_device_get_info(dev, &info, sizeof(info)), 0);
	assert_int_equal(aidrv_bo_create(dev, 0, 0, &bo), -EINVAL);
	assert_int_equal(aidrv_bo_create(dev, PAGE, 1u << 31, &bo), -EINVAL);
	assert_int_equal(aidrv_bo_create(dev, 1ull << 40, 0, &bo), -EINVAL);
	assert_int_equal(aidrv_bo_create(dev, info.mem_size - info.mem_used + PAGE, 0, &bo),
			 -ENOMEM);
	assert_int_equal(aidrv_bo_create(NULL, PAGE, 0, &bo), -EINVAL);
	assert_int_equal(aidrv_bo_create(dev, PAGE, 0, NULL), -EINVAL);
	assert_null(bo);
	assert_int_equal(mem_used(dev), info.mem_used);
}

static void test_read_only_flag(void **state)
{
	struct aidrv_device *dev = *state;
	struct aidrv_bo *bo;
	uint32_t *p;

	assert_int_equal(aidrv_bo_create(dev, PAGE, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &bo), 0);
	assert_int_equal(aidrv_bo_flags(bo), DRM_AIACCEL_BO_DEVICE_READ_ONLY);
	/* Read-only for the device; the CPU may still write. */
	assert_int_equal(aidrv_bo_map(bo, (void **)&p), 0);
	p[0] = 0x12345678;
	assert_int_equal(p[0], 0x12345678);
	aidrv_bo_free(bo);
}

static void test_map_counting(void **state)
{
	struct aidrv_device *dev = *state;
	struct aidrv_bo *bo;
	void *p, *q;

	assert_int_equal(aidrv_bo_create(dev, 2 * PAGE, 0, &bo), 0);
	assert_int_equal(aidrv_bo_unmap(bo), -EINVAL);
	assert_int_equal(aidrv_bo_map(bo, &p), 0);
	assert_int_equal(aidrv_bo_map(bo, &q), 0);
	assert_ptr_equal(p, q);
	assert_int_equal(aidrv_bo_unmap(bo), 0);
	assert_true(is_mapped(p, 2 * PAGE));
	assert_int_equal(aidrv_bo_unmap(bo), 0);
	assert_false(is_mapped(p, 2 * PAGE));
	assert_int_equal(aidrv_bo_unmap(bo), -EINVAL);

	/* Freeing a mapped buffer unmaps it. */
	assert_int_equal(aidrv_bo_map(bo, &p), 0);
	aidrv_bo_free(bo);
	assert_false(is_mapped(p, 2 * PAGE));

	assert_int_equal(aidrv_bo_map(NULL, &p), -EINVAL);
	assert_int_equal(aidrv_bo_unmap(NULL), -EINVAL);
}

/* Export, import on the same handle: the same buffer, counted twice. */
static void test_export_import_self(void **state)
{
	struct aidrv_device *dev = *state;
	uint64_t before = mem_used(dev);
	struct aidrv_bo *bo, *again;
	int fd, flags;
	void *p;

	assert_int_equal(aidrv_bo_create(dev, 8 * PAGE, 0, &bo), 0);
	assert_int_equal(aidrv_bo_export(bo, &fd), 0);
	assert_true(fd >= 0);
	flags = fcntl(fd, F_GETFL);
	assert_int_equal(flags & O_ACCMODE, O_RDWR);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	assert_int_equal(aidrv_bo_import(dev, fd, &again), 0);
	assert_ptr_equal(again, bo);
	assert_int_equal(aidrv_bo_info_flags(again), 0);
	assert_int_equal(mem_used(dev), before + 8 * PAGE);

	/* One free leaves a working buffer, the second one frees it. */
	aidrv_bo_free(again);
	assert_int_equal(aidrv_bo_map(bo, &p), 0);
	fill(p, 8 * PAGE, 2);
	check(p, 8 * PAGE, 2);
	aidrv_bo_free(bo);
	/* The dma-buf still holds the memory. */
	assert_int_equal(mem_used(dev), before + 8 * PAGE);
	close(fd);
	assert_int_equal(mem_used(dev), before);
}

/* Export from one device handle, import on another (another file). */
static void test_export_import_two_handles(void **state)
{
	struct aidrv_device *dev = *state, *dev2;
	struct aidrv_bo *bo, *bo2;
	uint64_t before = mem_used(dev);
	void *p, *p2;
	int fd;

	assert_int_equal(aidrv_device_open_index(0, &dev2), 0);
	assert_int_equal(aidrv_bo_create(dev, 16 * PAGE, 0, &bo), 0);
	assert_int_equal(aidrv_bo_map(bo, &p), 0);
	fill(p, 16 * PAGE, 3);

	assert_int_equal(aidrv_bo_export(bo, &fd), 0);
	assert_int_equal(aidrv_bo_import(dev2, fd, &bo2), 0);
	close(fd);
	assert_ptr_not_equal(bo2, bo);
	assert_int_equal(aidrv_bo_size(bo2), 16 * PAGE);
	assert_true(aidrv_bo_va(bo2) >= 1u << 20);
	assert_int_equal(aidrv_bo_info_flags(bo2), 0);
	assert_int_equal(mem_used(dev), before + 16 * PAGE);

	assert_int_equal(aidrv_bo_map(bo2, &p2), 0);
	check(p2, 16 * PAGE, 3);
	fill(p2, 16 * PAGE, 4);
	check(p, 16 * PAGE, 4);

	aidrv_bo_free(bo);
	check(p2, 16 * PAGE, 4);
	aidrv_bo_free(bo2);
	assert_int_equal(mem_used(dev), before);
	aidrv_device_close(dev2);
}

/* A buffer of the system dma-heap: imported, not charged, shared. */
static void test_import_foreign(void **state)
{
	struct dma_heap_allocation_data alloc = {
		.len = 64 * PAGE,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	struct aidrv_device *dev = *state;
	uint64_t before = mem_used(dev);
	struct aidrv_bo *bo, *again;
	void *m, *p;
	int heap, fd2;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	assert_true(heap >= 0);
	assert_int_equal(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc), 0);
	close(heap);
	m = mmap(NULL, alloc.len, PROT_READ | PROT_WRITE, MAP_SHARED, (int)alloc.fd, 0);
	assert_true(m != MAP_FAILED);
	fill(m, alloc.len, 5);

	assert_int_equal(aidrv_bo_import(dev, (int)alloc.fd, &bo), 0);
	assert_int_equal(aidrv_bo_info_flags(bo), DRM_AIACCEL_BO_INFO_IMPORTED);
	assert_int_equal(aidrv_bo_size(bo), alloc.len);
	assert_int_equal(aidrv_bo_flags(bo), 0);
	assert_int_equal(mem_used(dev), before);
	assert_int_equal(aidrv_bo_import(dev, (int)alloc.fd, &again), 0);
	assert_ptr_equal(again, bo);
	aidrv_bo_free(again);

	assert_int_equal(aidrv_bo_map(bo, &p), 0);
	check(p, alloc.len, 5);
	fill(p, alloc.len, 6);
	check(m, alloc.len, 6);

	/* Its export is the heap's dma-buf again. */
	assert_int_equal(aidrv_bo_export(bo, &fd2), 0);
	assert_true(fd2 >= 0);
	close(fd2);

	aidrv_bo_free(bo);
	munmap(m, alloc.len);
	close((int)alloc.fd);
	assert_int_equal(mem_used(dev), before);
}

static void test_import_errors(void **state)
{
	struct aidrv_device *dev = *state;
	struct aidrv_bo *bo = NULL;
	int memfd, fd;

	assert_int_equal(aidrv_bo_import(dev, -1, &bo), -EBADF);
	memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	assert_true(memfd >= 0);
	assert_int_equal(aidrv_bo_import(dev, memfd, &bo), -EINVAL);
	close(memfd);
	assert_int_equal(aidrv_bo_import(dev, memfd, &bo), -EBADF);
	assert_int_equal(aidrv_bo_import(dev, aidrv_device_fd(dev), &bo), -EINVAL);
	assert_int_equal(aidrv_bo_import(NULL, 0, &bo), -EINVAL);
	assert_int_equal(aidrv_bo_import(dev, 0, NULL), -EINVAL);
	assert_null(bo);
	assert_int_equal(aidrv_bo_export(NULL, &fd), -EINVAL);
}

/* Many buffers in the handle table: each export comes back as itself. */
static void test_many_self_imports(void **state)
{
	enum { N = 300 };
	struct aidrv_device *dev = *state;
	uint64_t before = mem_used(dev);
	struct aidrv_bo *bo[N], *again;
	int i, fd;

	for (i = 0; i < N; i++)
		assert_int_equal(aidrv_bo_create(dev, PAGE, 0, &bo[i]), 0);
	for (i = N - 1; i >= 0; i--) {
		assert_int_equal(aidrv_bo_export(bo[i], &fd), 0);
		assert_int_equal(aidrv_bo_import(dev, fd, &again), 0);
		close(fd);
		assert_ptr_equal(again, bo[i]);
	}
	for (i = 0; i < N; i++) {
		aidrv_bo_free(bo[i]);
		aidrv_bo_free(bo[i]);
	}
	assert_int_equal(mem_used(dev), before);
}

struct churn_arg {
	struct aidrv_device *dev;
	struct aidrv_bo *bo;
	int fd;
	int errors;
};

static void *churn_imports(void *p)
{
	struct churn_arg *arg = p;
	int i;

	for (i = 0; i < 200; i++) {
		struct aidrv_bo *bo;

		if (aidrv_bo_import(arg->dev, arg->fd, &bo) || bo != arg->bo)
			arg->errors++;
		else
			aidrv_bo_free(bo);
	}
	return NULL;
}

/* Threads importing and freeing one buffer all get the one struct. */
static void test_threaded_imports(void **state)
{
	struct aidrv_device *dev = *state;
	uint64_t before = mem_used(dev);
	struct churn_arg arg[2];
	pthread_t threads[2];
	struct aidrv_bo *bo;
	void *p;
	int i, fd;

	assert_int_equal(aidrv_bo_create(dev, PAGE, 0, &bo), 0);
	assert_int_equal(aidrv_bo_export(bo, &fd), 0);
	for (i = 0; i < 2; i++) {
		arg[i] = (struct churn_arg){ .dev = dev, .bo = bo, .fd = fd };
		assert_int_equal(pthread_create(&threads[i], NULL, churn_imports, &arg[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(arg[i].errors, 0);
	}
	/* Still exactly one reference: the buffer works, one free ends it. */
	assert_int_equal(aidrv_bo_map(bo, &p), 0);
	assert_int_equal(aidrv_bo_unmap(bo), 0);
	aidrv_bo_free(bo);
	close(fd);
	assert_int_equal(mem_used(dev), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_map_free),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_read_only_flag),
		cmocka_unit_test(test_map_counting),
		cmocka_unit_test(test_export_import_self),
		cmocka_unit_test(test_export_import_two_handles),
		cmocka_unit_test(test_import_foreign),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_many_self_imports),
		cmocka_unit_test(test_threaded_imports),
	};

	return cmocka_run_group_tests_name("buffer", tests, setup, teardown);
}
