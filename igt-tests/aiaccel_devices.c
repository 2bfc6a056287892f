// SPDX-License-Identifier: MIT
/*
 * aiaccel_devices: several accelerators, and loading/unloading the model
 * and driver.  Reloads the modules, so it keeps no device open between
 * subtests, and leaves the default configuration loaded when done.
 */

#include "igt.h"
#include "aiaccel_test.h"

IGT_TEST_DESCRIPTION("Multiple aiaccel devices and module reloads.");

static void check_n_devices(int n)
{
	int minors[AIACCEL_MAX_NODES];
	bool seen[4] = { false };
	int count, i;

	count = aiaccel_nodes(minors, AIACCEL_MAX_NODES);
	igt_assert_eq(count, n);
	for (i = 0; i < count; i++) {
		struct drm_aiaccel_info info;
		int fd = aiaccel_open_minor(minors[i]);

		igt_assert_f(fd >= 0, "accel%d: %s\n", minors[i], strerror(-fd));
		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		igt_assert_lt(info.instance, 4);
		igt_assert_f(!seen[info.instance], "instance %u twice\n", info.instance);
		seen[info.instance] = true;
		igt_assert_eq_u32(info.device_id, 0xa1ac0001);
		close(fd);
	}
}

int igt_main()
{
	igt_describe("num_devices=4 gives four working, distinct accel nodes.");
	igt_subtest("four-devices") {
		igt_assert_eq(aiaccel_reload("num_devices=4"), 0);
		check_n_devices(4);
	}

	igt_describe("num_devices outside 1..4 is refused and nothing is created.");
	igt_subtest("num-devices-out-of-range") {
		aiaccel_require_root("reloads the aiaccel modules");
		/* The model says why it refuses to load: that is the test. */
		igt_emit_ignore_dmesg_regex("aiaccel_sim: num_devices must be");
		igt_assert_eq(system("modprobe -r aiaccel aiaccel_sim"), 0);
		igt_assert_neq(system("modprobe aiaccel_sim num_devices=5 2>/dev/null"), 0);
		igt_assert_neq(system("modprobe aiaccel_sim num_devices=0 2>/dev/null"), 0);
		igt_assert_eq(system("modprobe aiaccel"), 0);
		check_n_devices(0);
	}

	igt_describe("Engines and memory come from the model's configuration.");
	igt_subtest("model-configuration") {
		struct drm_aiaccel_info info;
		int fd;

		igt_assert_eq(aiaccel_reload("num_engines=3 num_dma_channels=6 mem_size_mb=64"), 0);
		fd = aiaccel_open(0);
		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		igt_assert_eq_u32(info.num_engines, 3);
		igt_assert_eq_u32(info.num_dma_channels, 6);
		igt_assert_eq_u64(info.mem_size, 64ull << 20);
		close(fd);
	}

	igt_describe("The driver cannot be unloaded while a device is open.");
	igt_subtest("unload-while-open") {
		int fd;

		igt_assert_eq(aiaccel_reload(NULL), 0);
		fd = aiaccel_open(0);
		igt_assert_neq(system("modprobe -r aiaccel 2>/dev/null"), 0);
		close(fd);
		igt_assert_eq(system("modprobe -r aiaccel"), 0);
	}

	igt_describe("Load/unload cycles alternating one and two devices.");
	igt_subtest("reload-cycles") {
		int i;

		for (i = 0; i < 6; i++) {
			igt_assert_eq(aiaccel_reload(i % 2 ? "num_devices=2" : NULL), 0);
			check_n_devices(i % 2 ? 2 : 1);
		}
	}

	igt_fixture()
		igt_assert_eq(aiaccel_reload(NULL), 0);
}
