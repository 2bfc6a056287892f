/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver functions that exist for the KUnit suites only.  They are built
 * into the driver, from the files beside this one that the driver's
 * sources include when CONFIG_DRM_ACCEL_AIACCEL_KUNIT_TEST is set, and
 * exported to the suites' module in the EXPORTED_FOR_KUNIT_TESTING
 * namespace.
 */
#ifndef __AIACCEL_KUNIT_HOOKS_H__
#define __AIACCEL_KUNIT_HOOKS_H__

#include <linux/types.h>

struct aiaccel_queue;

int aiaccel_queue_set_seqno(struct aiaccel_queue *q, u64 seqno);

#endif /* __AIACCEL_KUNIT_HOOKS_H__ */
