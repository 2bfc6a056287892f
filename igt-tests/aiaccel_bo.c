// SPDX-License-Identifier: MIT
/*
 * aiaccel_bo: buffer objects: BO_CREATE, BO_INFO, GEM_CLOSE, mmap, the
 * memory budget.
 */

#include <sys/mman.h>

#include "igt.h"
#include "aiaccel_test.h"

IGT_TEST_DESCRIPTION("aiaccel buffer objects.");

static int bo_create(int fd, uint64_t size, uint32_t flags, struct drm_aiaccel_bo_create *out)
{
	struct drm_aiaccel_bo_create args = { .size = size, .flags = flags };

	if (igt_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args))
		return -errno;
	if (out)
		*out = args;
	return 0;
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args) ? -errno : 0;
}

static uint64_t mem_used(int fd)
{
	struct drm_aiaccel_info info;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	return info.mem_used;
}

int igt_main()
{
	int fd = -1;

	igt_fixture()
		fd = aiaccel_open(0);

	igt_describe("Create, map with the CPU, write, read back, close.");
	igt_subtest("create-mmap-close") {
		struct drm_aiaccel_bo_create bo;
		uint64_t before = mem_used(fd);
		uint32_t *p;
		unsigned int i;

		igt_assert_eq(bo_create(fd, 3 * 4096 + 1, 0, &bo), 0);
		igt_assert_eq_u64(bo.size, 4 * 4096);
		igt_assert(bo.handle);
		igt_assert(bo.va >= (1 << 20));
		igt_assert_eq_u64(bo.va % 4096, 0);
		igt_assert_eq_u64(mem_used(fd), before + bo.size);

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

		igt_assert_eq(gem_close(fd, bo.handle), 0);
		igt_assert_eq_u64(mem_used(fd), before);
		igt_assert_eq(gem_close(fd, bo.handle), -EINVAL);
	}

	igt_describe("BO_INFO reports what BO_CREATE returned.");
	igt_subtest("info") {
		struct drm_aiaccel_bo_create bo;
		struct drm_aiaccel_bo_info info = { 0 };

		igt_assert_eq(bo_create(fd, 8192, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &bo), 0);
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
		igt_assert_eq(gem_close(fd, bo.handle), 0);
	}

	igt_describe("Size 0, unknown flags and non-zero pad are -EINVAL.");
	igt_subtest("create-invalid") {
		struct drm_aiaccel_bo_create args = { .size = 4096 };
		int bit;

		igt_assert_eq(bo_create(fd, 0, 0, NULL), -EINVAL);
		for (bit = 1; bit < 32; bit++)
			igt_assert_eq(bo_create(fd, 4096, 1u << bit, NULL), -EINVAL);
		args.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args, EINVAL);
		igt_assert_eq(bo_create(fd, 1ull << 40, 0, NULL), -EINVAL);
		igt_assert_eq(bo_create(fd, ~0ull, 0, NULL), -EINVAL);
	}

	igt_describe("Past the device memory budget: -ENOMEM, and nothing leaks.");
	igt_subtest("budget") {
		struct drm_aiaccel_info info;
		struct drm_aiaccel_bo_create bo;
		uint64_t before = mem_used(fd);

		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		igt_assert_eq(bo_create(fd, info.mem_size - before + 4096, 0, NULL), -ENOMEM);
		igt_assert_eq_u64(mem_used(fd), before);
		igt_assert_eq(bo_create(fd, 1ull << 20, 0, &bo), 0);
		igt_assert_eq(gem_close(fd, bo.handle), 0);
		igt_assert_eq_u64(mem_used(fd), before);
	}

	igt_fixture()
		close(fd);
}
