/* SPDX-License-Identifier: MIT */
/*
 * What the aidrv-* tools share: exit codes, and naming a device with
 * -d/--device the same way everywhere (a path to a node, or an index
 * among aiaccel devices).
 */
#ifndef AIDRV_TOOL_H
#define AIDRV_TOOL_H

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "aidrv.h"

/*
 * Exit codes, the same for every tool (their man pages list them):
 * 0 success; 1 a wrong result (outputs differ from the reference or the
 * expected figures); 2 bad usage; 3 no device (none found, or the one
 * named cannot be opened: absent, not aiaccel, no permission); 4 any
 * other error (a file unreadable, a job failed, out of memory).
 */
enum {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_WRONG = 1,
	TOOL_EXIT_USAGE = 2,
	TOOL_EXIT_NO_DEVICE = 3,
	TOOL_EXIT_ERROR = 4,
};

/* The help text of -d, for every tool's usage. */
#define TOOL_DEVICE_HELP \
	"  -d, --device DEV       the aiaccel device: a node path (/dev/accel/accel1)\n" \
	"                         or an index among aiaccel devices (0, 1...);\n" \
	"                         default: the first\n"

/* Open the device @name names (NULL: the first); 0 or TOOL_EXIT_NO_DEVICE. */
static inline int tool_open_device(const char *prog, const char *name,
				   struct aidrv_device **dev)
{
	int ret = aidrv_device_open(name, dev);

	if (!ret)
		return TOOL_EXIT_OK;
	if (ret == -ENODEV && (!name || (name[0] >= '0' && name[0] <= '9')))
		fprintf(stderr, "%s: no aiaccel device %s\n", prog, name ? name : "found");
	else
		fprintf(stderr, "%s: %s: %s\n", prog, name ? name : "aiaccel device",
			ret == -ENODEV ? "not an aiaccel device" : aidrv_strerror(ret));
	return TOOL_EXIT_NO_DEVICE;
}

/*
 * The accel minor of the device @name names, without opening it; 0 or
 * TOOL_EXIT_NO_DEVICE.
 */
static inline int tool_device_minor(const char *prog, const char *name, int *minor)
{
	char path[64];
	struct stat st;
	int ret = 0;

	if (!name || (name[0] >= '0' && name[0] <= '9' && !name[strspn(name, "0123456789")])) {
		ret = aidrv_device_node(name ? (unsigned int)atoi(name) : 0, path, sizeof(path));
		name = path;
	}
	if (ret || stat(name, &st) || !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "%s: %s: no such aiaccel device\n", prog,
			ret ? "aiaccel device" : name);
		return TOOL_EXIT_NO_DEVICE;
	}
	*minor = (int)minor(st.st_rdev);
	return TOOL_EXIT_OK;
}

#endif /* AIDRV_TOOL_H */
