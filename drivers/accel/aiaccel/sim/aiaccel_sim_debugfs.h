/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __AIACCEL_SIM_DEBUGFS_H__
#define __AIACCEL_SIM_DEBUGFS_H__

struct aiaccel_sim;
struct dentry;

struct dentry *aiaccel_sim_debugfs_init(struct aiaccel_sim *sim, struct dentry *root);

#endif /* __AIACCEL_SIM_DEBUGFS_H__ */
