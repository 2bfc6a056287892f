// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: sysfs attributes of the device, documented in
 * Documentation/ABI/testing/sysfs-driver-aiaccel.
 */

#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/pm_runtime.h>
#include <linux/sysfs.h>

#include <drm/aiaccel_accel.h>

#include "aiaccel_drv.h"
#include "aiaccel_pm.h"
#include "aiaccel_sysfs.h"

static const char *const power_mode_names[] = {
	[DRM_AIACCEL_POWER_AUTO] = "auto",
	[DRM_AIACCEL_POWER_PERFORMANCE] = "performance",
	[DRM_AIACCEL_POWER_LOW] = "low",
};

static struct aiaccel_device *dev_adev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t hw_version_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	u32 v = dev_adev(dev)->hw.hw_version;

	return sysfs_emit(buf, "%lu.%lu.%lu\n", FIELD_GET(AIACCEL_VERSION_MAJOR, v),
			  FIELD_GET(AIACCEL_VERSION_MINOR, v), FIELD_GET(AIACCEL_VERSION_PATCH, v));
}
static DEVICE_ATTR_RO(hw_version);

static ssize_t num_engines_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_adev(dev)->hw.num_engines);
}
static DEVICE_ATTR_RO(num_engines);

static ssize_t queue_depth_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_adev(dev)->queue_depth);
}
static DEVICE_ATTR_RO(queue_depth);

static ssize_t mem_size_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", dev_adev(dev)->hw.mem_size);
}
static DEVICE_ATTR_RO(mem_size);

static ssize_t mem_used_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", atomic64_read(&dev_adev(dev)->mem_used));
}
static DEVICE_ATTR_RO(mem_used);

static ssize_t engine_busy_us_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	struct aiaccel_device *adev = dev_adev(dev);
	unsigned int i;
	int len = 0;

	for (i = 0; i < adev->hw.num_engines; i++)
		len += sysfs_emit_at(buf, len, "%s%llu", i ? " " : "",
				     div_u64(atomic64_read(&adev->stats.busy_ns[i]), 1000));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(engine_busy_us);

static ssize_t resets_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct aiaccel_device *adev = dev_adev(dev);
	unsigned int i, n = 0;

	for (i = 0; i < adev->hw.num_engines; i++)
		n += READ_ONCE(adev->queues[i].resets);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(resets);

static ssize_t wedged_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", aiaccel_wedged(dev_adev(dev)));
}
static DEVICE_ATTR_RO(wedged);

static ssize_t power_state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", pm_runtime_suspended(dev) ? "off" : "on");
}
static DEVICE_ATTR_RO(power_state);

static ssize_t power_mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", power_mode_names[READ_ONCE(dev_adev(dev)->power_mode)]);
}

static ssize_t power_mode_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	int mode = sysfs_match_string(power_mode_names, buf);
	int ret;

	if (mode < 0)
		return -EINVAL;
	ret = aiaccel_pm_set_mode(dev_adev(dev), mode);
	return ret ?: count;
}
static DEVICE_ATTR_RW(power_mode);

static struct attribute *aiaccel_attrs[] = {
	&dev_attr_hw_version.attr,
	&dev_attr_num_engines.attr,
	&dev_attr_queue_depth.attr,
	&dev_attr_mem_size.attr,
	&dev_attr_mem_used.attr,
	&dev_attr_engine_busy_us.attr,
	&dev_attr_resets.attr,
	&dev_attr_wedged.attr,
	&dev_attr_power_state.attr,
	&dev_attr_power_mode.attr,
	NULL
};

static const struct attribute_group aiaccel_group = {
	.attrs = aiaccel_attrs,
};

const struct attribute_group *aiaccel_dev_groups[] = {
	&aiaccel_group,
	NULL
};
