/* SPDX-License-Identifier: MIT */
/* libaidrv: what the library's files share, not part of the API. */
#ifndef AIDRV_INTERNAL_H
#define AIDRV_INTERNAL_H

#include <errno.h>

#include <xf86drm.h>

#define AIDRV_PATH_MAX 64

struct aidrv_device {
	int fd;
	char *path;
};

/* drmIoctl (restarts on EINTR/EAGAIN) with the errno as return value. */
static inline int aidrv_ioctl(struct aidrv_device *dev, unsigned long request, void *arg)
{
	return drmIoctl(dev->fd, request, arg) ? -errno : 0;
}

#endif /* AIDRV_INTERNAL_H */
