/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __AIACCEL_SYSFS_H__
#define __AIACCEL_SYSFS_H__

struct attribute_group;

extern const struct attribute_group *aiaccel_dev_groups[];

#endif /* __AIACCEL_SYSFS_H__ */
