// SPDX-License-Identifier: MIT
/*
 * Helpers shared by the aiaccel IGT tests.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt.h"
#include "aiaccel_test.h"

static bool is_aiaccel(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret;

	if (!v)
		return false;
	ret = v->name && !strcmp(v->name, "aiaccel");
	drmFreeVersion(v);
	return ret;
}

int aiaccel_open_minor(int minor)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/accel/accel%d", minor);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int aiaccel_nodes(int *minors, int max)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir("/dev/accel");
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < max) {
		int minor, fd;

		if (sscanf(d->d_name, "accel%d", &minor) != 1)
			continue;
		fd = aiaccel_open_minor(minor);
		if (fd < 0)
			continue;
		if (is_aiaccel(fd))
			minors[n++] = minor;
		close(fd);
	}
	closedir(dir);
	qsort(minors, n, sizeof(*minors), cmp_int);
	return n;
}

int aiaccel_open(int n)
{
	int minors[AIACCEL_MAX_NODES];
	int count = aiaccel_nodes(minors, AIACCEL_MAX_NODES);
	int fd;

	igt_require_f(n < count, "no aiaccel device %d (found %d)\n", n, count);
	fd = aiaccel_open_minor(minors[n]);
	igt_assert_f(fd >= 0, "open accel%d: %s\n", minors[n], strerror(-fd));
	return fd;
}

int aiaccel_get_info(int fd, struct drm_aiaccel_info *info)
{
	struct drm_aiaccel_get_info args = {
		.info_ptr = (uintptr_t)info,
		.info_size = sizeof(*info),
	};

	memset(info, 0, sizeof(*info));
	return igt_ioctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args) ? -errno : 0;
}

int aiaccel_fd_minor(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	return minor(st.st_rdev);
}

bool aiaccel_device_names(int minor, char *dev, char *parent, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];

	snprintf(link, sizeof(link), "/sys/class/accel/accel%d/device", minor);
	if (!realpath(link, real))
		return false;
	snprintf(dev, len, "%s", basename(real));
	snprintf(parent, len, "%s", basename(dirname(real)));
	return true;
}

long aiaccel_missed_interrupts(int fd)
{
	char path[PATH_MAX], dev[128], parent[128], line[256];
	unsigned int missed;
	long sum = 0;
	FILE *f;

	if (!aiaccel_device_names(aiaccel_fd_minor(fd), dev, parent, sizeof(dev)))
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/rings", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *at = strstr(line, " resets, ");

		if (at && sscanf(at, " resets, %u interrupts missed", &missed) == 1)
			sum += missed;
	}
	fclose(f);
	return sum;
}

bool aiaccel_read_reg(int minor, unsigned int reg, uint32_t *val)
{
	char dev[128], parent[128];

	if (!aiaccel_device_names(minor, dev, parent, sizeof(dev)))
		return false;
	return aiaccel_read_sim_reg(parent, reg, val);
}

bool aiaccel_read_sim_reg(const char *sim, unsigned int reg, uint32_t *val)
{
	char path[PATH_MAX], line[128];
	bool found = false;
	FILE *f;

	/* regmap names its debugfs directory "<device>-<config name>". */
	snprintf(path, sizeof(path), "/sys/kernel/debug/regmap/%s-aiaccel/registers", sim);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned int off, v;

		if (sscanf(line, "%x: %x", &off, &v) == 2 && off == reg) {
			*val = v;
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

int aiaccel_reload(const char *sim_params)
{
	char cmd[256];
	int ret;

	aiaccel_require_root("reloads the aiaccel modules");
	ret = system("modprobe -r aiaccel aiaccel_sim");
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "modprobe aiaccel_sim %s", sim_params ? sim_params : "");
	ret = system(cmd);
	if (ret)
		return ret;
	return system("modprobe aiaccel");
}

/* ==== Memory tests (aiaccel_bo, aiaccel_prime): begin ==== */

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/dma-buf.h>

int aiaccel_bo_create(int fd, uint64_t size, uint32_t flags, struct drm_aiaccel_bo_create *out)
{
	struct drm_aiaccel_bo_create args = { .size = size, .flags = flags };

	if (igt_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &args))
		return -errno;
	if (out)
		*out = args;
	return 0;
}

int aiaccel_bo_info(int fd, uint32_t handle, struct drm_aiaccel_bo_info *out)
{
	struct drm_aiaccel_bo_info args = { .handle = handle };

	if (igt_ioctl(fd, DRM_IOCTL_AIACCEL_BO_INFO, &args))
		return -errno;
	*out = args;
	return 0;
}

int aiaccel_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args) ? -errno : 0;
}

uint64_t aiaccel_mem_used(int fd)
{
	struct drm_aiaccel_info info;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	return info.mem_used;
}

void *aiaccel_bo_mmap(int fd, uint64_t mmap_offset, uint64_t size, int prot)
{
	void *ptr = mmap(NULL, size, prot, MAP_SHARED, fd, mmap_offset);

	igt_assert_f(ptr != MAP_FAILED, "mmap of %llu bytes at offset 0x%llx: %s\n",
		     (unsigned long long)size, (unsigned long long)mmap_offset,
		     strerror(errno));
	return ptr;
}

int aiaccel_prime_export(int fd, uint32_t handle, uint32_t flags)
{
	struct drm_prime_handle args = { .handle = handle, .flags = flags, .fd = -1 };

	if (igt_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args))
		return -errno;
	return args.fd;
}

int aiaccel_prime_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle args = { .fd = dmabuf };

	if (igt_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

int aiaccel_dmabuf_sync(int dmabuf, uint64_t flags)
{
	struct dma_buf_sync args = { .flags = flags };

	return igt_ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &args) ? -errno : 0;
}

bool aiaccel_same_file(int fd1, int fd2)
{
	struct stat a, b;

	igt_assert_eq(fstat(fd1, &a), 0);
	igt_assert_eq(fstat(fd2, &b), 0);
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static uint32_t pattern_word(uint32_t seed, size_t i)
{
	uint32_t x = seed * 0x9e3779b9u ^ (uint32_t)i * 2654435761u ^ (uint32_t)(i >> 32);

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x;
}

void aiaccel_pattern_fill(void *ptr, size_t size, uint32_t seed)
{
	uint32_t *p = ptr;
	size_t i;

	igt_assert_eq_u64(size % 4, 0);
	for (i = 0; i < size / 4; i++)
		p[i] = pattern_word(seed, i);
}

void aiaccel_pattern_check(const void *ptr, size_t size, uint32_t seed)
{
	const uint32_t *p = ptr;
	size_t i;

	igt_assert_eq_u64(size % 4, 0);
	for (i = 0; i < size / 4; i++)
		igt_assert_f(p[i] == pattern_word(seed, i),
			     "pattern %#x: word at offset %zu is 0x%08x, expected 0x%08x\n",
			     seed, i * 4, p[i], pattern_word(seed, i));
}

int aiaccel_load_module(const char *module, const char *params)
{
	char path[128], cmd[256];

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	if (access(path, F_OK) == 0)
		return 0;
	if (geteuid() != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "modprobe %s %s", module, params ? params : "");
	return system(cmd) == 0 ? 1 : -1;
}

int aiaccel_drm_open_driver(const char *name)
{
	struct dirent *d;
	DIR *dir;
	int ret = -ENODEV;

	dir = opendir("/dev/dri");
	if (!dir)
		return -ENODEV;
	while ((d = readdir(dir))) {
		char path[PATH_MAX];
		drmVersionPtr v;
		int fd;

		if (strncmp(d->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", d->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			/* A node we may not open may be the one. */
			if (errno == EACCES)
				ret = -EACCES;
			continue;
		}
		v = drmGetVersion(fd);
		if (v && v->name && !strcmp(v->name, name)) {
			drmFreeVersion(v);
			ret = fd;
			break;
		}
		if (v)
			drmFreeVersion(v);
		close(fd);
	}
	closedir(dir);
	return ret;
}

int aiaccel_dumb_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_mode_create_dumb args = {
		.width = 1024,
		.height = size / 4096,
		.bpp = 32,
	};

	if (size % 4096 || !args.height)
		return -EINVAL;
	if (igt_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &args))
		return -errno;
	igt_assert_eq_u64(args.size, size);
	*handle = args.handle;
	return 0;
}

int aiaccel_dumb_map(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_mode_map_dumb args = { .handle = handle };

	if (igt_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &args))
		return -errno;
	*offset = args.offset;
	return 0;
}

int aiaccel_dumb_destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb args = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &args) ? -errno : 0;
}

/* ==== Memory tests (aiaccel_bo, aiaccel_prime): end ==== */

/* ==== Job-submission tests (aiaccel_submit*): begin ==== */

int aiaccel_reload_with(const char *sim_params, const char *drv_params)
{
	char cmd[256];
	int ret;

	aiaccel_require_root("reloads the aiaccel modules");
	ret = system("modprobe -r aiaccel aiaccel_sim");
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "modprobe aiaccel_sim %s", sim_params ? sim_params : "");
	ret = system(cmd);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "modprobe aiaccel %s", drv_params ? drv_params : "");
	return system(cmd);
}

int aiaccel_file_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

int aiaccel_file_read(const char *path, char *value, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, value, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (value[n - 1] == '\n' || value[n - 1] == ' '))
		n--;
	value[n] = '\0';
	return 0;
}

int aiaccel_param_get(const char *param, char *value, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/aiaccel/parameters/%s", param);
	return aiaccel_file_read(path, value, len);
}

int aiaccel_param_set(const char *param, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/aiaccel/parameters/%s", param);
	return aiaccel_file_write(path, value);
}

int aiaccel_rebind_with(const char *param, const char *value)
{
	const char *drv = "/sys/bus/platform/drivers/aiaccel";
	char names[AIACCEL_MAX_NODES][NAME_MAX + 1], path[PATH_MAX];
	struct dirent *d;
	int n = 0, i, err;
	DIR *dir;

	aiaccel_require_root("rebinds the aiaccel devices");
	if (param) {
		err = aiaccel_param_set(param, value);
		if (err)
			return err;
	}
	dir = opendir(drv);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && n < AIACCEL_MAX_NODES) {
		/* The bound devices are the links named after them: aiaccel.<id>. */
		if (strncmp(d->d_name, "aiaccel.", 8))
			continue;
		snprintf(names[n++], sizeof(names[0]), "%s", d->d_name);
	}
	closedir(dir);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/unbind", drv);
		err = aiaccel_file_write(path, names[i]);
		if (err)
			return err;
		snprintf(path, sizeof(path), "%s/bind", drv);
		err = aiaccel_file_write(path, names[i]);
		if (err)
			return err;
	}
	return n ? 0 : -ENODEV;
}

/* ==== Job-submission tests (aiaccel_submit*): end ==== */

/* ==== Privileges: begin ==== */

bool aiaccel_has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/* ==== Privileges: end ==== */
