// SPDX-License-Identifier: MIT
/*
 * aiaccel_camera: the camera -> accelerator -> display pipeline as users
 * run it, aidrv-camera (libaidrv/tools), on vivid and vkms: every frame
 * displayed (captured by vkms's writeback connector) must equal libaidrv's
 * CPU reference of its camera frame, on the zero-copy path with no CPU
 * copy of pixel data, and on the copying path.
 *
 * AIACCEL_TOOLS names the directory of aidrv-camera; the network is
 * $AIDRV_DEMO_DIR/camera.aimodel (default /aiaccel/demo).  Loads vivid and
 * vkms if they are not loaded, and unloads what it loaded.
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "igt.h"
#include "aiaccel_test.h"

IGT_TEST_DESCRIPTION("The camera pipeline, aidrv-camera, on vivid and vkms.");

#define VIVID_PARAMS	"n_devs=1 node_types=0x1 num_inputs=1 input_types=0 no_error_inj=1"
#define FRAMES		"12"

static const char *tools, *demo;
static int vkms_loaded;

/*
 * Load vkms, in the subtest: its initialisation warns about its own
 * planes ("blend mode not setup", vkms's business), which igt_runner would
 * otherwise count against the subtest.
 */
static void need_vkms(void)
{
	igt_emit_ignore_dmesg_regex("pixel format with alpha exposed but blend mode not setup");
	if (!vkms_loaded)
		vkms_loaded = aiaccel_load_module("vkms", NULL);
	igt_require_f(vkms_loaded >= 0, "cannot load vkms\n");
	if (!vkms_loaded)
		vkms_loaded = 2;	/* there already: not ours to unload */
}

/* Run aidrv-camera with @args; its exit status, its output in @out. */
static int run_camera(const char *args, char *out, size_t len)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s/aidrv-camera -q -n " FRAMES " %s %s/camera.aimodel 2>&1",
		 tools, args, demo);
	igt_info("%s\n", cmd);
	p = popen(cmd, "r");
	igt_assert(p);
	while (n + 1 < len && fgets(out + n, (int)(len - n), p))
		n += strlen(out + n);
	out[n] = '\0';
	status = pclose(p);
	igt_info("%s", out);
	igt_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

int igt_main()
{
	int vivid_loaded = 0;
	char out[4096];

	igt_fixture() {
		tools = getenv("AIACCEL_TOOLS");
		demo = getenv("AIDRV_DEMO_DIR");
		if (!demo || !*demo)
			demo = "/aiaccel/demo";
		igt_require_f(tools, "AIACCEL_TOOLS names the directory of aidrv-camera\n");
		vivid_loaded = aiaccel_load_module("vivid", VIVID_PARAMS);
		igt_require_f(vivid_loaded >= 0, "cannot load vivid\n");
	}

	igt_describe("Zero-copy: frames imported into the accelerator, its output "
		     "imported by the display behind its fence; every displayed frame "
		     "equals the CPU reference, and no pixel was copied by the CPU.");
	igt_subtest("zero-copy") {
		need_vkms();
		igt_assert_eq(run_camera("--check", out, sizeof(out)), 0);
		igt_assert(strstr(out, "pipeline: zero-copy"));
		igt_assert(strstr(out, "frames: " FRAMES " shown"));
		igt_assert(strstr(out, "cpu copies of pixel data: 0.00 per frame (0 bytes"));
		igt_assert(strstr(out, "check: " FRAMES "/" FRAMES " displayed frames equal"));
	}

	igt_describe("The copying path gives the same frames, with three copies each.");
	igt_subtest("copy") {
		need_vkms();
		igt_assert_eq(run_camera("--copy --check", out, sizeof(out)), 0);
		igt_assert(strstr(out, "pipeline: copying"));
		igt_assert(strstr(out, "cpu copies of pixel data: 3.00 per frame"));
		igt_assert(strstr(out, "check: " FRAMES "/" FRAMES " displayed frames equal"));
	}

	igt_fixture() {
		if (vkms_loaded == 1)
			igt_assert_eq(system("modprobe -r vkms"), 0);
		if (vivid_loaded > 0)
			igt_assert_eq(system("modprobe -r vivid"), 0);
	}
}
