/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the aiaccel IGT tests.  IGT's own drm_open_driver()
 * does not look at /dev/accel, so these open accel nodes themselves and
 * recognise aiaccel by DRM_IOCTL_VERSION.
 */
#ifndef AIACCEL_TEST_H
#define AIACCEL_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <linux/capability.h>

#include <drm/aiaccel_accel.h>

#define AIACCEL_MAX_NODES 64

/* Minors of the aiaccel accel nodes, ascending; returns how many. */
int aiaccel_nodes(int *minors, int max);

/* Open the n-th aiaccel node (skips the subtest if there is none). */
int aiaccel_open(int n);

/* Open /dev/accel/accel<minor>; -errno on failure. */
int aiaccel_open_minor(int minor);

/* DRM_IOCTL_AIACCEL_GET_INFO into *info; 0 or -errno. */
int aiaccel_get_info(int fd, struct drm_aiaccel_info *info);

/* The accel minor of an open aiaccel fd. */
int aiaccel_fd_minor(int fd);

/* Name of the platform device of an accel minor, e.g. "aiaccel.0", and of
 * its parent, the model instance ("aiaccel-sim.0"); false if unknown. */
bool aiaccel_device_names(int minor, char *dev, char *parent, size_t len);

/*
 * Jobs of @fd's device the driver's timeout handler found finished but
 * not retired, their interrupt lost (debugfs "rings"); -1 if unreadable.
 */
long aiaccel_missed_interrupts(int fd);

/* Read register reg of the device at accel minor through the parent's
 * regmap debugfs dump; false if unavailable. */
bool aiaccel_read_reg(int minor, unsigned int reg, uint32_t *val);
/* The same for a model instance by name ("aiaccel-sim.0"), whether a
 * driver is bound to it or not. */
bool aiaccel_read_sim_reg(const char *sim, unsigned int reg, uint32_t *val);

/* Reload the model and the driver with model parameters (e.g.
 * "num_devices=4"); 0 or the failing command's exit status. */
int aiaccel_reload(const char *sim_params);

/* ==== Memory tests (aiaccel_bo, aiaccel_prime): begin ==== */

/*
 * Buffers.  The calls return 0 (or a file descriptor) or -errno, so that
 * tests can check exact error codes; aiaccel_mem_used() asserts.
 */

/* DRM_IOCTL_AIACCEL_BO_CREATE; fills *out (may be NULL) on success. */
int aiaccel_bo_create(int fd, uint64_t size, uint32_t flags,
		      struct drm_aiaccel_bo_create *out);

/* DRM_IOCTL_AIACCEL_BO_INFO of handle into *out. */
int aiaccel_bo_info(int fd, uint32_t handle, struct drm_aiaccel_bo_info *out);

/* DRM_IOCTL_GEM_CLOSE. */
int aiaccel_gem_close(int fd, uint32_t handle);

/* GET_INFO's mem_used. */
uint64_t aiaccel_mem_used(int fd);

/* mmap() of a buffer's mmap offset, MAP_SHARED; asserts that it works. */
void *aiaccel_bo_mmap(int fd, uint64_t mmap_offset, uint64_t size, int prot);

/*
 * dma-buf sharing.  These names avoid IGT's own prime_*() helpers so the
 * tests also build against a real IGT tree.
 */

/* DRM_IOCTL_PRIME_HANDLE_TO_FD with flags; the dma-buf fd or -errno. */
int aiaccel_prime_export(int fd, uint32_t handle, uint32_t flags);

/* DRM_IOCTL_PRIME_FD_TO_HANDLE; 0 and *handle, or -errno. */
int aiaccel_prime_import(int fd, int dmabuf, uint32_t *handle);

/* DMA_BUF_IOCTL_SYNC with flags (DMA_BUF_SYNC_*); 0 or -errno. */
int aiaccel_dmabuf_sync(int dmabuf, uint64_t flags);

/* True if the two descriptors refer to the same open file (dma-buf). */
bool aiaccel_same_file(int fd1, int fd2);

/* A position-dependent 32-bit pattern: fill, and check (asserting, and
 * naming the first differing offset). */
void aiaccel_pattern_fill(void *ptr, size_t size, uint32_t seed);
void aiaccel_pattern_check(const void *ptr, size_t size, uint32_t seed);

/*
 * Other drivers.
 */

/* modprobe module with params unless /sys/module/<module> exists:
 * 1 if it was loaded here, 0 if it was loaded already, -1 on failure
 * (without trying when not root). */
int aiaccel_load_module(const char *module, const char *params);

/* Open the /dev/dri/card* node of the DRM driver called name; -ENODEV if
 * there is none, -EACCES if it may be one we may not open, or -errno. */
int aiaccel_drm_open_driver(const char *name);

/* Dumb buffers (DRM_IOCTL_MODE_*_DUMB), on vgem: a size-byte buffer as
 * 4096-byte rows of 32-bit pixels (size a multiple of 4096). */
int aiaccel_dumb_create(int fd, uint64_t size, uint32_t *handle);
int aiaccel_dumb_map(int fd, uint32_t handle, uint64_t *offset);
int aiaccel_dumb_destroy(int fd, uint32_t handle);

/* ==== Memory tests (aiaccel_bo, aiaccel_prime): end ==== */

/* ==== Job-submission tests (aiaccel_submit*): begin ==== */

/* aiaccel_reload() with driver parameters too (e.g. "job_timeout_ms=300"):
 * every parameter not named gets its default again.  No file of the device
 * may be open (the driver cannot be unloaded then). */
int aiaccel_reload_with(const char *sim_params, const char *drv_params);

/* Write @value to a sysfs or debugfs file; 0 or -errno. */
int aiaccel_file_write(const char *path, const char *value);
/* Read a sysfs or debugfs file into @value (at most @len - 1 bytes), without
 * trailing newline or spaces; 0 or -errno. */
int aiaccel_file_read(const char *path, char *value, size_t len);

/* The current value of a parameter of the loaded aiaccel module, without
 * the trailing newline; 0 or -errno. */
int aiaccel_param_get(const char *param, char *value, size_t len);

/* Set a parameter of the loaded aiaccel module (read at the next probe). */
int aiaccel_param_set(const char *param, const char *value);

/*
 * Set a parameter of the loaded aiaccel module (sysfs; NULL: none) and
 * unbind and rebind every aiaccel device, so that probe reads it again:
 * a driver-parameter change (e.g. job_timeout_ms) without the cost of
 * reloading the modules.  No file of the devices may be open (unbinding
 * would unplug them under it).  0 or -errno.
 */
int aiaccel_rebind_with(const char *param, const char *value);

/* ==== Job-submission tests (aiaccel_submit*): end ==== */

/* ==== Privileges: begin ==== */

/*
 * A user in the render group may do everything the device node allows; the
 * rest skips with what it needs.  The distribution stage runs the tests as
 * such a user first (guest/distro-init.sh).
 */

/* True if the calling thread has capability cap in its effective set. */
bool aiaccel_has_cap(int cap);

/* Skip unless the test runs as root: what says what needs it. */
#define aiaccel_require_root(what) \
	igt_require_f(geteuid() == 0, "needs root: %s\n", (what))

/* Skip unless the caller has capability cap (CAP_SYS_NICE, ...). */
#define aiaccel_require_cap(cap, what) \
	igt_require_f(aiaccel_has_cap(cap), "needs " #cap ": %s\n", (what))

/* ==== Privileges: end ==== */

#endif /* AIACCEL_TEST_H */
