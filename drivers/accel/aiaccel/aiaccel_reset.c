// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel: a device that cannot be recovered.
 *
 * An engine that does not come out of reset may still be reading and
 * writing memory: the device is wedged.  Every job in a ring fails with
 * -EIO and its buffers are kept (aiaccel_queues_fail()) until the device
 * is reset as a whole when it is unbound; every later job fails with -EIO
 * too.  Userspace learns it from the job errors, from GET_INFO's state,
 * from the sysfs attribute "wedged" and from a WEDGED uevent naming the
 * way out: unbind and bind the device again (Documentation/gpu/drm-uapi.rst,
 * "Device Wedging").
 */

#include <linux/kobject.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "aiaccel_drv.h"

/*
 * drm_dev_wedged_event() sends its uevent through the primary minor,
 * which an accel device does not have: send the same event through the
 * accel minor.
 */
static void aiaccel_wedged_event(struct aiaccel_device *adev)
{
	char event[] = "WEDGED=rebind";
	char *envp[2] = { event, NULL };

	if (adev->drm.accel)
		kobject_uevent_env(&adev->drm.accel->kdev->kobj, KOBJ_CHANGE, envp);
}

/**
 * aiaccel_wedge() - Declare the device wedged.
 * @adev: The device.
 * @engine: The engine that did not come out of reset.
 */
void aiaccel_wedge(struct aiaccel_device *adev, unsigned int engine)
{
	if (atomic_xchg(&adev->wedged, 1))
		return;
	drm_err(&adev->drm,
		"engine %u does not come out of reset: device wedged, unbind and bind it to recover\n",
		engine);
	aiaccel_queues_fail(adev, -EIO, true);
	aiaccel_wedged_event(adev);
}
