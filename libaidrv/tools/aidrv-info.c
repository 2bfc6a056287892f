// SPDX-License-Identifier: MIT
/*
 * aidrv-info: describe every aiaccel device, like clinfo does for OpenCL.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"

static const struct {
	uint64_t bit;
	const char *name;
} caps[] = {
	{ DRM_AIACCEL_CAP_MMU, "mmu" },
	{ DRM_AIACCEL_CAP_ISA_INT8, "isa-int8" },
	{ DRM_AIACCEL_CAP_PERFCNT, "perf-counters" },
	{ DRM_AIACCEL_CAP_CLOCK_LEVELS, "clock-levels" },
	{ DRM_AIACCEL_CAP_WATCHDOG, "watchdog" },
};

static void print_device(unsigned int index, struct aidrv_device *dev,
			 const struct drm_aiaccel_info *info)
{
	int major = 0, minor = 0, patch = 0;
	size_t i;

	aidrv_driver_version(dev, &major, &minor, &patch);
	printf("Device %u: %s\n", index, aidrv_path(dev));
	printf("  Driver              aiaccel %d.%d.%d\n", major, minor, patch);
	printf("  Device ID           0x%08x\n", info->device_id);
	printf("  Hardware version    %u.%u.%u\n", info->hw_version >> 24,
	       (info->hw_version >> 16) & 0xff, info->hw_version & 0xffff);
	printf("  Instance            %u\n", info->instance);
	printf("  Capabilities       ");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (info->capabilities & caps[i].bit)
			printf(" %s", caps[i].name);
	printf("\n");
	printf("  Compute engines     %u\n", info->num_engines);
	printf("  DMA channels        %u\n", info->num_dma_channels);
	printf("  Queue depth         %u jobs per engine\n", info->queue_depth);
	printf("  ISA version         %u\n", info->isa_version);
	printf("  Memory              %llu MiB (%llu bytes in use)\n",
	       (unsigned long long)(info->mem_size >> 20),
	       (unsigned long long)info->mem_used);
	printf("  Address space       %u bits, %u-byte pages\n", info->va_bits,
	       info->page_size);
	printf("  Clock               %u MHz max, %u levels\n", info->max_clock_mhz,
	       info->clock_levels);
	printf("  Job limits          reset after %u ms without progress, ",
	       info->job_timeout_ms);
	if (info->job_max_ms)
		printf("fail after %u ms\n", info->job_max_ms);
	else
		printf("no run-time limit\n");
	printf("  State               %s\n", info->state & DRM_AIACCEL_STATE_WEDGED ?
	       "wedged: jobs fail until the device is bound again" : "working");
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: aidrv-info [-d PATH]\n"
		"Describe every aiaccel accelerator, or only the node at PATH.\n"
		"\n"
		"  -d, --device PATH   describe only this device node\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 if at least one device was described, 1 if there\n"
		"is none or one could not be queried, 2 on usage errors.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	unsigned int index;
	int c, n, status = 0;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	n = path ? 1 : aidrv_count_devices();
	if (n < 0 && n != -ENOENT) {
		fprintf(stderr, "aidrv-info: %s: %s\n", AIDRV_ACCEL_DIR, aidrv_strerror(n));
		return 1;
	}
	if (n <= 0) {
		fprintf(stderr, "aidrv-info: no aiaccel device found\n");
		return 1;
	}

	for (index = 0; index < (unsigned int)n; index++) {
		struct drm_aiaccel_info info;
		struct aidrv_device *dev;
		int err;

		err = path ? aidrv_open_path(path, &dev) : aidrv_open_index(index, &dev);
		if (err) {
			fprintf(stderr, "aidrv-info: %s: %s\n", path ? path : "device",
				aidrv_strerror(err));
			status = 1;
			continue;
		}
		err = aidrv_get_info(dev, &info);
		if (err) {
			fprintf(stderr, "aidrv-info: %s: GET_INFO: %s\n", aidrv_path(dev),
				aidrv_strerror(err));
			status = 1;
		} else {
			if (index)
				printf("\n");
			print_device(index, dev, &info);
		}
		aidrv_close(dev);
	}
	return status;
}
