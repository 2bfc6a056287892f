/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: GET_STATS and fdinfo.
 */
#ifndef __AIACCEL_STATS_H__
#define __AIACCEL_STATS_H__

struct drm_device;
struct drm_file;
struct drm_printer;

int aiaccel_ioctl_get_stats(struct drm_device *drm, void *data, struct drm_file *file);
void aiaccel_show_fdinfo(struct drm_printer *p, struct drm_file *file);

#endif /* __AIACCEL_STATS_H__ */
