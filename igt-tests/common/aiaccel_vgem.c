// SPDX-License-Identifier: MIT
/*
 * vgem helpers for the aiaccel IGT tests.
 */

#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_vgem.h"

int aiaccel_vgem_open(void)
{
	int fd, i;

	fd = aiaccel_drm_open_driver("vgem");
	if (fd < 0 && aiaccel_load_module("vgem", NULL) > 0) {
		/* devtmpfs creates the node; give it a moment. */
		for (i = 0; i < 50 && fd < 0; i++) {
			fd = aiaccel_drm_open_driver("vgem");
			if (fd < 0)
				usleep(20000);
		}
	}
	igt_require_f(fd >= 0, "no vgem device (CONFIG_DRM_VGEM): %s\n", strerror(-fd));
	return fd;
}

void aiaccel_vgem_bo_new(int vfd, uint64_t size, struct aiaccel_vgem_bo *bo)
{
	struct drm_mode_create_dumb create = {
		.width = 1024,
		.bpp = 32,
		.height = (size + 4095) / 4096,
	};
	struct drm_mode_map_dumb map = { 0 };

	do_ioctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	bo->handle = create.handle;
	bo->size = create.size;
	map.handle = create.handle;
	do_ioctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	bo->map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, map.offset);
	igt_assert(bo->map != MAP_FAILED);
}

void aiaccel_vgem_bo_free(int vfd, struct aiaccel_vgem_bo *bo)
{
	struct drm_gem_close close_args = { .handle = bo->handle };

	if (bo->map)
		munmap(bo->map, bo->size);
	if (bo->handle)
		do_ioctl(vfd, DRM_IOCTL_GEM_CLOSE, &close_args);
	memset(bo, 0, sizeof(*bo));
}

uint32_t aiaccel_vgem_fence_attach(int vfd, uint32_t handle, bool write)
{
	struct drm_vgem_fence_attach args = {
		.handle = handle,
		.flags = write ? VGEM_FENCE_WRITE : 0,
	};

	do_ioctl(vfd, DRM_IOCTL_VGEM_FENCE_ATTACH, &args);
	return args.out_fence;
}

int aiaccel_vgem_fence_signal(int vfd, uint32_t fence)
{
	struct drm_vgem_fence_signal args = { .fence = fence };

	return igt_ioctl(vfd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &args) ? -errno : 0;
}

uint32_t aiaccel_vgem_import(int vfd, uint32_t vhandle, int afd)
{
	uint32_t handle;
	int dmabuf;

	igt_assert_eq(drmPrimeHandleToFD(vfd, vhandle, DRM_CLOEXEC | DRM_RDWR, &dmabuf), 0);
	igt_assert_eq(drmPrimeFDToHandle(afd, dmabuf, &handle), 0);
	close(dmabuf);
	return handle;
}

static int64_t gate_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

void aiaccel_gate_new(int afd, struct aiaccel_gate *gate)
{
	memset(gate, 0, sizeof(*gate));
	gate->vfd = aiaccel_vgem_open();
	gate->afd = afd;
	aiaccel_vgem_bo_new(gate->vfd, 4096, &gate->vbo);
	gate->handle = aiaccel_vgem_import(gate->vfd, gate->vbo.handle, afd);
	gate->fence = aiaccel_vgem_fence_attach(gate->vfd, gate->vbo.handle, true);
	gate->closed_ns = gate_now_ns();
}

bool aiaccel_gate_held(const struct aiaccel_gate *gate)
{
	/* vgem signals a fence 10 s after it was attached. */
	return !gate->open && gate_now_ns() - gate->closed_ns < 8000000000ll;
}

void aiaccel_gate_open(struct aiaccel_gate *gate)
{
	if (gate->open)
		return;
	igt_assert_eq(aiaccel_vgem_fence_signal(gate->vfd, gate->fence), 0);
	gate->open = true;
}

void aiaccel_gate_free(struct aiaccel_gate *gate)
{
	struct drm_gem_close close_args = { .handle = gate->handle };

	if (gate->vfd <= 0)
		return;
	if (!gate->open)
		aiaccel_vgem_fence_signal(gate->vfd, gate->fence);
	if (gate->handle)
		igt_ioctl(gate->afd, DRM_IOCTL_GEM_CLOSE, &close_args);
	aiaccel_vgem_bo_free(gate->vfd, &gate->vbo);
	close(gate->vfd);
	memset(gate, 0, sizeof(*gate));
}
