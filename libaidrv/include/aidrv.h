/* SPDX-License-Identifier: MIT */
/*
 * libaidrv - userspace library for aiaccel AI inference accelerators.
 *
 * A thin, documented layer over the aiaccel uAPI
 * (<drm/aiaccel_accel.h>), built on libdrm.  Conventions:
 *
 *  - Every function that can fail returns 0 (or a non-negative count) on
 *    success and a negative errno on failure; none aborts or prints.
 *  - Objects are opaque and created by aidrv_*_open()/..._create(), freed
 *    by the matching close/destroy; the library keeps no global state.
 *  - A device handle may be used from several threads for calls that only
 *    issue ioctls; closing it while in use is the caller's bug.
 *
 * Quick start:
 *
 *	struct aidrv_device *dev;
 *	struct drm_aiaccel_info info;
 *
 *	if (aidrv_open_index(0, &dev) == 0) {
 *		aidrv_get_info(dev, &info);
 *		printf("%u engines\n", info.num_engines);
 *		aidrv_close(dev);
 *	}
 */
#ifndef AIDRV_H
#define AIDRV_H

#include <stddef.h>
#include <stdint.h>

#include <drm/aiaccel_accel.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Directory holding accel device nodes. */
#define AIDRV_ACCEL_DIR "/dev/accel"
/** DRM driver name of aiaccel devices (DRM_IOCTL_VERSION). */
#define AIDRV_DRIVER_NAME "aiaccel"

/** An open aiaccel device. */
struct aidrv_device;

/**
 * aidrv_count_devices() - Number of aiaccel devices on the system.
 *
 * Scans /dev/accel/accel* in minor order and counts the nodes whose DRM
 * driver is "aiaccel" (other accel drivers' nodes are skipped).
 * Returns the count, or a negative errno if the directory cannot be read
 * (-ENOENT when no accel node exists at all).
 */
int aidrv_count_devices(void);

/**
 * aidrv_open_index() - Open the index-th aiaccel device (0-based, in
 * minor order, counting only aiaccel nodes).
 *
 * Returns 0 and sets *dev, -ENODEV if there is no such device, or the
 * errno of open() (e.g. -EACCES without permission on the node).
 */
int aidrv_open_index(unsigned int index, struct aidrv_device **dev);

/**
 * aidrv_open_path() - Open the device node at path.
 *
 * Returns 0 and sets *dev; -ENODEV if the node is not an aiaccel device;
 * or the errno of open().
 */
int aidrv_open_path(const char *path, struct aidrv_device **dev);

/** aidrv_close() - Close a device; NULL is ignored. */
void aidrv_close(struct aidrv_device *dev);

/** aidrv_fd() - The device's file descriptor, for poll() or raw ioctls. */
int aidrv_fd(const struct aidrv_device *dev);

/** aidrv_path() - The device node the handle was opened from. */
const char *aidrv_path(const struct aidrv_device *dev);

/**
 * aidrv_get_info() - Query the device (DRM_IOCTL_AIACCEL_GET_INFO).
 *
 * Fills *info; returns 0 or a negative errno.
 */
int aidrv_get_info(struct aidrv_device *dev, struct drm_aiaccel_info *info);

/**
 * aidrv_driver_version() - The kernel driver's version, as reported by
 * DRM_IOCTL_VERSION: writes major, minor and patch level.
 */
int aidrv_driver_version(struct aidrv_device *dev, int *major, int *minor,
			 int *patch);

/** aidrv_strerror() - Describe a negative errno returned by the library. */
const char *aidrv_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* AIDRV_H */
