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
#include "tool.h"

static const struct {
	uint64_t bit;
	const char *name;
} caps[] = {
	{ DRM_AIACCEL_CAP_MMU, "mmu" },
	{ DRM_AIACCEL_CAP_ISA_INT8, "isa-int8" },
	{ DRM_AIACCEL_CAP_PERFCNT, "perf-counters" },
	{ DRM_AIACCEL_CAP_CLOCK_LEVELS, "clock-levels" },
	{ DRM_AIACCEL_CAP_WATCHDOG, "watchdog" },
	{ DRM_AIACCEL_CAP_COHERENT, "coherent" },
};

static void print_device(int index, struct aidrv_device *dev,
			 const struct drm_aiaccel_info *info)
{
	int major = 0, minor = 0, patch = 0;
	size_t i;

	aidrv_device_driver_version(dev, &major, &minor, &patch);
	if (index >= 0)
		printf("Device %d: %s\n", index, aidrv_device_path(dev));
	else
		printf("Device: %s\n", aidrv_device_path(dev));
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

/* A JSON object of one device; strings here need no escaping but the path. */
static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_device_json(int index, struct aidrv_device *dev,
			      const struct drm_aiaccel_info *info)
{
	int major = 0, minor = 0, patch = 0;
	size_t i;
	int first = 1;

	aidrv_device_driver_version(dev, &major, &minor, &patch);
	if (index >= 0)
		printf("    {\n      \"index\": %d,\n      \"path\": ", index);
	else
		printf("    {\n      \"index\": null,\n      \"path\": ");
	print_json_string(aidrv_device_path(dev));
	printf(",\n      \"driver_version\": \"%d.%d.%d\",\n", major, minor, patch);
	printf("      \"device_id\": %u,\n", info->device_id);
	printf("      \"hw_version\": \"%u.%u.%u\",\n", info->hw_version >> 24,
	       (info->hw_version >> 16) & 0xff, info->hw_version & 0xffff);
	printf("      \"instance\": %u,\n      \"capabilities\": [", info->instance);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (!(info->capabilities & caps[i].bit))
			continue;
		printf("%s\"%s\"", first ? "" : ", ", caps[i].name);
		first = 0;
	}
	printf("],\n");
	printf("      \"num_engines\": %u,\n", info->num_engines);
	printf("      \"num_dma_channels\": %u,\n", info->num_dma_channels);
	printf("      \"queue_depth\": %u,\n", info->queue_depth);
	printf("      \"isa_version\": %u,\n", info->isa_version);
	printf("      \"mem_size\": %llu,\n", (unsigned long long)info->mem_size);
	printf("      \"mem_used\": %llu,\n", (unsigned long long)info->mem_used);
	printf("      \"va_bits\": %u,\n", info->va_bits);
	printf("      \"page_size\": %u,\n", info->page_size);
	printf("      \"max_clock_mhz\": %u,\n", info->max_clock_mhz);
	printf("      \"clock_levels\": %u,\n", info->clock_levels);
	printf("      \"job_timeout_ms\": %u,\n", info->job_timeout_ms);
	printf("      \"job_max_ms\": %u,\n", info->job_max_ms);
	printf("      \"wedged\": %s\n    }", info->state & DRM_AIACCEL_STATE_WEDGED ?
	       "true" : "false");
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: aidrv-info [-d DEV] [-j]\n"
		"Describe every aiaccel accelerator, or only the one DEV names.\n"
		"\n"
		TOOL_DEVICE_HELP
		"  -j, --json             one JSON object: {\"library\": ..., \"devices\": [...]}\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit status: 0 if at least one device was described, 2 on usage\n"
		"errors, 3 if there is no device (or DEV cannot be opened), 4 if a\n"
		"device could not be queried.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	unsigned int index, shown = 0;
	int c, n, json = 0, status = TOOL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			name = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return TOOL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}

	n = name ? 1 : aidrv_device_count();
	if (n < 0) {
		fprintf(stderr, "aidrv-info: %s: %s\n", AIDRV_SYSFS_ACCEL_DIR, aidrv_strerror(n));
		return TOOL_EXIT_ERROR;
	}
	if (n == 0) {
		fprintf(stderr, "aidrv-info: no aiaccel device found\n");
		return TOOL_EXIT_NO_DEVICE;
	}

	if (json)
		printf("{\n  \"library\": \"%s\",\n  \"devices\": [\n", aidrv_version_string());
	for (index = 0; index < (unsigned int)n; index++) {
		struct drm_aiaccel_info info;
		struct aidrv_device *dev;
		char num[16];
		int err;

		snprintf(num, sizeof(num), "%u", index);
		err = tool_open_device("aidrv-info", name ? name : num, &dev);
		if (err) {
			status = err;
			continue;
		}
		err = aidrv_device_get_info(dev, &info, sizeof(info));
		if (err) {
			fprintf(stderr, "aidrv-info: %s: GET_INFO: %s\n", aidrv_device_path(dev),
				aidrv_strerror(err));
			if (!status)
				status = TOOL_EXIT_ERROR;
		} else if (json) {
			printf("%s", shown ? ",\n" : "");
			print_device_json(name ? -1 : (int)index, dev, &info);
			shown++;
		} else {
			if (shown++)
				printf("\n");
			print_device(name ? -1 : (int)index, dev, &info);
		}
		aidrv_device_close(dev);
	}
	if (json)
		printf("%s  ]\n}\n", shown ? "\n" : "");
	return status;
}
