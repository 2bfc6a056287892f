// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim: test hooks in debugfs.
 *
 * /sys/kernel/debug/aiaccel_sim/<instance>/ lets tests provoke what real
 * hardware does rarely; no register reaches these, and the driver knows
 * nothing of them.
 */

#include <linux/debugfs.h>

#include "aiaccel_sim.h"
#include "aiaccel_sim_debugfs.h"

static int clock_divider_get(void *data, u64 *val)
{
	struct aiaccel_sim *sim = data;

	*val = atomic_read(&sim->hooks.clock_divider);
	return 0;
}

static int clock_divider_set(void *data, u64 val)
{
	struct aiaccel_sim *sim = data;

	if (val < 1 || val > AIACCEL_SIM_MAX_CLOCK_DIVIDER)
		return -EINVAL;
	atomic_set(&sim->hooks.clock_divider, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(clock_divider_fops, clock_divider_get, clock_divider_set, "%llu\n");

/**
 * aiaccel_sim_debugfs_init() - Create the test hooks of one chip.
 * @sim: The chip.
 * @root: The module's debugfs directory.
 *
 * Return: the chip's directory, to be removed with debugfs_remove_recursive().
 */
struct dentry *aiaccel_sim_debugfs_init(struct aiaccel_sim *sim, struct dentry *root)
{
	struct aiaccel_sim_hooks *hooks = &sim->hooks;
	char name[16];
	struct dentry *dir;

	snprintf(name, sizeof(name), "%u", sim->cfg.instance);
	dir = debugfs_create_dir(name, root);
	debugfs_create_atomic_t("hang_next_job", 0600, dir, &hooks->hang_next_job);
	debugfs_create_atomic_t("fault_next_access", 0600, dir, &hooks->fault_next_access);
	debugfs_create_atomic_t("error_next_job", 0600, dir, &hooks->error_next_job);
	debugfs_create_file_unsafe("clock_divider", 0600, dir, sim, &clock_divider_fops);
	debugfs_create_atomic_t("refuse_reset", 0600, dir, &hooks->refuse_reset);
	debugfs_create_atomic_t("lose_next_irq", 0600, dir, &hooks->lose_next_irq);
	return dir;
}
