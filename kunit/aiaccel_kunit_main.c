// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module glue of the aiaccel KUnit suites; each suite lives in its own file
 * and registers itself with kunit_test_suite().
 */

#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for the aiaccel driver and hardware model");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
