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

/* Read register reg of the device at accel minor through the parent's
 * regmap debugfs dump; false if unavailable. */
bool aiaccel_read_reg(int minor, unsigned int reg, uint32_t *val);

/* Reload the model and the driver with model parameters (e.g.
 * "num_devices=4"); 0 or the failing command's exit status. */
int aiaccel_reload(const char *sim_params);

#endif /* AIACCEL_TEST_H */
