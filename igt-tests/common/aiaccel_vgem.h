/* SPDX-License-Identifier: MIT */
/*
 * vgem for the aiaccel IGT tests: a foreign dma-buf exporter whose buffers
 * carry fences that userspace signals (DRM_IOCTL_VGEM_FENCE_ATTACH/SIGNAL),
 * for implicit-sync tests and as a gate that holds jobs back until the
 * test lets them go.
 */
#ifndef AIACCEL_VGEM_H
#define AIACCEL_VGEM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * libdrm-dev ships no <drm/vgem_drm.h> here (Debian 12's libdrm has no
 * copy of it): the two ioctls and their structs, as in the kernel's
 * include/uapi/drm/vgem_drm.h.
 */
#ifndef DRM_VGEM_FENCE_ATTACH
#define DRM_VGEM_FENCE_ATTACH	0x1
#define DRM_VGEM_FENCE_SIGNAL	0x2

struct drm_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
#define VGEM_FENCE_WRITE	0x1
	uint32_t out_fence;
	uint32_t pad;
};

struct drm_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define DRM_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_FENCE_ATTACH, struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VGEM_FENCE_SIGNAL, struct drm_vgem_fence_signal)
#endif

/* Load vgem if needed and open its node; skips the subtest if impossible. */
int aiaccel_vgem_open(void);

/* A vgem buffer with its CPU mapping. */
struct aiaccel_vgem_bo {
	uint32_t handle;
	uint64_t size;
	void *map;
};

/* Create (a dumb buffer) and map it; asserts. */
void aiaccel_vgem_bo_new(int vfd, uint64_t size, struct aiaccel_vgem_bo *bo);
void aiaccel_vgem_bo_free(int vfd, struct aiaccel_vgem_bo *bo);

/* Attach an unsignalled fence (write or read); returns its id, asserts. */
uint32_t aiaccel_vgem_fence_attach(int vfd, uint32_t handle, bool write);
/* Signal it; 0 or -errno. */
int aiaccel_vgem_fence_signal(int vfd, uint32_t fence);

/* Export a vgem buffer and import it into aiaccel @afd; returns the handle. */
uint32_t aiaccel_vgem_import(int vfd, uint32_t vhandle, int afd);

/*
 * A gate: a vgem buffer imported into an aiaccel file with an unsignalled
 * write fence on it.  A job listing @handle for reading (with implicit
 * sync) does not start before aiaccel_gate_open().  vgem signals its fences
 * by itself after 10 s (VGEM_FENCE_TIMEOUT): open gates well before that,
 * and check aiaccel_gate_held() before concluding from a job not having run.
 */
struct aiaccel_gate {
	int vfd;
	int afd;
	struct aiaccel_vgem_bo vbo;
	uint32_t handle;	/* in afd */
	uint32_t fence;
	bool open;
	int64_t closed_ns;	/* CLOCK_MONOTONIC time the fence was attached */
};

void aiaccel_gate_new(int afd, struct aiaccel_gate *gate);
void aiaccel_gate_open(struct aiaccel_gate *gate);
/*
 * True while the gate is surely still closed: not opened, and younger than
 * vgem's fence timeout (with a margin).
 */
bool aiaccel_gate_held(const struct aiaccel_gate *gate);
/* Opens it if still closed, and frees everything. */
void aiaccel_gate_free(struct aiaccel_gate *gate);

#endif /* AIACCEL_VGEM_H */
