// SPDX-License-Identifier: MIT
/*
 * aidrv-top: which processes use the aiaccel accelerators, how much of each
 * engine and how much memory, refreshed like top(1).
 *
 * Everything comes from the kernel's standard interfaces, so it needs no
 * privilege beyond reading other processes' /proc/PID/fdinfo: the DRM
 * usage-stats keys (Documentation/gpu/drm-usage-stats.rst) of every open
 * aiaccel file, and the device's sysfs attributes.  gputop and nvtop skip
 * accel nodes (their own major number); this tool reads only them.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "aidrv.h"
#include "tool.h"

#define MAX_ENGINES	16
#define MAX_DEVICES	64

/* One open aiaccel file (a DRM client), as its fdinfo describes it. */
struct client {
	unsigned long long id;		/* drm-client-id: unique per open() */
	int pid;
	char comm[32];
	int minor;			/* accel minor: /dev/accel/accel<minor> */
	unsigned int engines;
	uint64_t busy_ns[MAX_ENGINES];	/* drm-engine-computeN */
	uint64_t cycles[MAX_ENGINES];	/* drm-cycles-computeN */
	uint64_t mem_total;		/* drm-total-memory */
	uint64_t mem_resident;		/* drm-resident-memory */
};

struct sample {
	struct client *clients;
	size_t count, cap;
	struct timespec when;
};

struct device {
	int minor;
	char power_state[16], power_mode[16];
	unsigned long long mem_size, mem_used;
	unsigned int engines;
};

static uint64_t parse_value(const char *s)
{
	/* "123 ns", "4096", "16 KiB": memory keys may carry a unit. */
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	while (*end == ' ')
		end++;
	if (!strncmp(end, "KiB", 3))
		v <<= 10;
	else if (!strncmp(end, "MiB", 3))
		v <<= 20;
	else if (!strncmp(end, "GiB", 3))
		v <<= 30;
	return v;
}

/* Parse one fdinfo file; true if it is an aiaccel DRM client. */
static bool read_fdinfo(const char *path, struct client *c)
{
	char line[256];
	bool ours = false, have_id = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *val = strchr(line, ':');
		unsigned int e;

		if (!val)
			continue;
		*val++ = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
		if (!strcmp(line, "drm-driver")) {
			ours = !strncmp(val, "aiaccel", 7) && isspace((unsigned char)val[7]);
		} else if (!strcmp(line, "drm-client-id")) {
			c->id = strtoull(val, NULL, 10);
			have_id = true;
		} else if (sscanf(line, "drm-engine-compute%u", &e) == 1 && e < MAX_ENGINES) {
			c->busy_ns[e] = parse_value(val);
			if (e + 1 > c->engines)
				c->engines = e + 1;
		} else if (sscanf(line, "drm-cycles-compute%u", &e) == 1 && e < MAX_ENGINES) {
			c->cycles[e] = parse_value(val);
		} else if (!strcmp(line, "drm-total-memory")) {
			c->mem_total = parse_value(val);
		} else if (!strcmp(line, "drm-resident-memory")) {
			c->mem_resident = parse_value(val);
		}
	}
	fclose(f);
	return ours && have_id;
}

static void read_comm(int pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f || !fgets(comm, (int)len, f))
		snprintf(comm, len, "?");
	else
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

static int add_client(struct sample *s, const struct client *c)
{
	size_t i;

	/* Several fds (dup, fork) can share one open file: count it once. */
	for (i = 0; i < s->count; i++)
		if (s->clients[i].id == c->id)
			return 0;
	if (s->count == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct client *n = realloc(s->clients, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->clients = n;
		s->cap = cap;
	}
	s->clients[s->count++] = *c;
	return 0;
}

/* Only the clients (and the device) of this accel minor; -1: every one. */
static int only_minor = -1;

static int take_sample(struct sample *s)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	int ret = 0;

	if (!proc)
		return -errno;
	s->count = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	while (!ret && (p = readdir(proc))) {
		char path[PATH_MAX];
		struct dirent *fd;
		DIR *fds;
		int pid;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		pid = atoi(p->d_name);
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
		fds = opendir(path);
		if (!fds)
			continue;	/* gone, or not ours to read */
		while (!ret && (fd = readdir(fds))) {
			struct client c = { .pid = pid, .minor = -1 };
			struct stat st;

			if (!isdigit((unsigned char)fd->d_name[0]))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, fd->d_name);
			/* Cheap filter first: only character devices. */
			if (stat(path, &st) || !S_ISCHR(st.st_mode))
				continue;
			c.minor = (int)minor(st.st_rdev);
			if (only_minor >= 0 && c.minor != only_minor)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd->d_name);
			if (!read_fdinfo(path, &c))
				continue;
			read_comm(pid, c.comm, sizeof(c.comm));
			ret = add_client(s, &c);
		}
		closedir(fds);
	}
	closedir(proc);
	return ret;
}

static bool read_attr(int minor, const char *attr, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/%s", minor, attr);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* The accel devices bound to the aiaccel driver. */
static int find_devices(struct device *devs, int max)
{
	DIR *d = opendir("/sys/class/accel");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char path[PATH_MAX], target[PATH_MAX], buf[64];
		struct device *dev = &devs[n];
		const char *drv;
		ssize_t len;

		if (sscanf(e->d_name, "accel%d", &dev->minor) != 1 ||
		    (only_minor >= 0 && dev->minor != only_minor))
			continue;
		snprintf(path, sizeof(path), "/sys/class/accel/%s/device/driver", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		drv = strrchr(target, '/');
		if (!drv || strcmp(drv + 1, "aiaccel"))
			continue;
		if (!read_attr(dev->minor, "power_state", dev->power_state,
			       sizeof(dev->power_state)))
			snprintf(dev->power_state, sizeof(dev->power_state), "?");
		if (!read_attr(dev->minor, "power_mode", dev->power_mode,
			       sizeof(dev->power_mode)))
			snprintf(dev->power_mode, sizeof(dev->power_mode), "?");
		dev->mem_size = read_attr(dev->minor, "mem_size", buf, sizeof(buf)) ?
				strtoull(buf, NULL, 10) : 0;
		dev->mem_used = read_attr(dev->minor, "mem_used", buf, sizeof(buf)) ?
				strtoull(buf, NULL, 10) : 0;
		dev->engines = read_attr(dev->minor, "num_engines", buf, sizeof(buf)) ?
			       (unsigned int)strtoul(buf, NULL, 10) : 0;
		n++;
	}
	closedir(d);
	return n;
}

static const struct client *find_client(const struct sample *s, unsigned long long id)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		if (s->clients[i].id == id)
			return &s->clients[i];
	return NULL;
}

static double elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e9 + (b->tv_nsec - a->tv_nsec);
}

static void print_screen(const struct sample *prev, const struct sample *cur, bool clear)
{
	struct device devs[MAX_DEVICES];
	double wall = elapsed_ns(&prev->when, &cur->when);
	int ndev = find_devices(devs, MAX_DEVICES), i;
	size_t c;

	if (clear)
		fputs("\033[H\033[2J", stdout);
	for (i = 0; i < ndev; i++) {
		printf("accel%d: %u engines, power %s (mode %s), memory %llu/%llu MiB\n",
		       devs[i].minor, devs[i].engines, devs[i].power_state, devs[i].power_mode,
		       devs[i].mem_used >> 20, devs[i].mem_size >> 20);
	}
	if (!ndev)
		printf("no aiaccel device\n");
	printf("\n%7s %-16s %-7s %10s %10s  %s\n", "PID", "COMMAND", "DEVICE",
	       "MEM KiB", "RES KiB", "ENGINE USE (%)");
	for (c = 0; c < cur->count; c++) {
		const struct client *now = &cur->clients[c];
		const struct client *before = find_client(prev, now->id);
		unsigned int e;

		printf("%7d %-16.16s accel%-2d %10" PRIu64 " %10" PRIu64 " ", now->pid,
		       now->comm, now->minor, now->mem_total >> 10, now->mem_resident >> 10);
		for (e = 0; e < now->engines; e++) {
			uint64_t was = before ? before->busy_ns[e] : now->busy_ns[e];
			double pct = wall > 0 && now->busy_ns[e] >= was ?
				     100.0 * (double)(now->busy_ns[e] - was) / wall : 0;

			printf(" compute%u %5.1f", e, pct > 100 ? 100 : pct);
		}
		printf("\n");
	}
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: aidrv-top [-d DEV] [-s SECONDS] [-n COUNT] [-1]\n"
		"Show per-process engine use and memory of aiaccel accelerators.\n"
		"\n"
		"  -d, --device DEV       only this device: a node path (/dev/accel/accel1)\n"
		"                         or an index among aiaccel devices (0, 1...)\n"
		"  -s, --delay SECONDS    time between refreshes (default 1; 0.1 to 3600)\n"
		"  -n, --iterations N     stop after N refreshes (default: until killed)\n"
		"  -1, --once             one refresh, no screen clearing (for scripts)\n"
		"  -h, --help             this text\n"
		"\n"
		"Engine use is the share of wall time each engine spent on the process's\n"
		"jobs between two samples, from the drm-engine-* keys of its fdinfo.\n"
		"Processes of other users are shown only to root.\n"
		"\n"
		"Exit status: 0 on success, 2 on usage errors, 3 if DEV names no\n"
		"aiaccel device, 4 on other errors.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "delay", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "once", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample a = { 0 }, b = { 0 }, *prev = &a, *cur = &b, *tmp;
	double delay = 1.0;
	long iterations = -1;
	bool clear = isatty(STDOUT_FILENO);
	const char *device = NULL;
	int opt, ret = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "d:s:n:1h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 's':
			delay = strtod(optarg, &end);
			if (*end || delay < 0.1 || delay > 3600) {
				fprintf(stderr, "aidrv-top: bad delay '%s'\n", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'n':
			iterations = strtol(optarg, &end, 10);
			if (*end || iterations < 1) {
				fprintf(stderr, "aidrv-top: bad count '%s'\n", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case '1':
			iterations = 1;
			clear = false;
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
	if (device) {
		ret = tool_device_minor("aidrv-top", device, &only_minor);
		if (ret)
			return ret;
	}

	ret = take_sample(prev);
	while (!ret && iterations) {
		struct timespec ts = {
			.tv_sec = (time_t)delay,
			.tv_nsec = (long)((delay - (time_t)delay) * 1e9),
		};

		nanosleep(&ts, NULL);
		ret = take_sample(cur);
		if (ret)
			break;
		print_screen(prev, cur, clear);
		tmp = prev;
		prev = cur;
		cur = tmp;
		if (iterations > 0)
			iterations--;
	}
	free(a.clients);
	free(b.clients);
	if (ret) {
		fprintf(stderr, "aidrv-top: %s\n", strerror(-ret));
		return TOOL_EXIT_ERROR;
	}
	return 0;
}
