/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __AIACCEL_DEBUGFS_H__
#define __AIACCEL_DEBUGFS_H__

struct aiaccel_device;

void aiaccel_debugfs_init(struct aiaccel_device *adev);

#endif /* __AIACCEL_DEBUGFS_H__ */
