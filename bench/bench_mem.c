// SPDX-License-Identifier: MIT
/*
 * bench_mem: figures for aiaccel's memory paths, never pass/fail.
 *
 *  (a) buffer churn: create + mmap + touch every page + munmap + close, per
 *      second, for aiaccel BOs and for vgem dumb buffers of the same size,
 *      with the time of each step and the time ratio aiaccel/vgem
 *      (goal: at most 1.2);
 *  (b) zero-copy import: DRM_IOCTL_PRIME_FD_TO_HANDLE + BO_INFO of a 64 MiB
 *      dma-buf from vgem (kept mapped by its producer) and from the system
 *      dma-heap, against a memcpy() of 64 MiB (goal: at most 0.05 of the
 *      memcpy).
 *
 * Usage: bench_mem [-t SECONDS] [-d /dev/accel/accelN]
 * Needs an aiaccel device and vgem (modprobe vgem); the dma-heap part is
 * left out when /dev/dma_heap/system is missing.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <xf86drm.h>

#include <drm/aiaccel_accel.h>

#define PAGE		4096u
#define IMPORT_SIZE	(64u << 20)

static double min_seconds = 2.0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_mem: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Open the first node under dir whose name starts with prefix and whose
 * DRM driver is driver; -1 if none. */
static int open_driver(const char *dir, const char *prefix, const char *driver)
{
	struct dirent *d;
	int ret = -1;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return -1;
	while (ret < 0 && (d = readdir(dp))) {
		char path[512];
		drmVersionPtr v;
		int fd;

		if (strncmp(d->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && v->name && !strcmp(v->name, driver))
			ret = fd;
		else
			close(fd);
		if (v)
			drmFreeVersion(v);
	}
	closedir(dp);
	return ret;
}

/* The steps of one buffer's life, in seconds, summed over iterations. */
struct churn {
	double create, map, touch, unmap, destroy;
	unsigned long n;
};

static double churn_total(const struct churn *c)
{
	return c->create + c->map + c->touch + c->unmap + c->destroy;
}

static void touch_pages(volatile uint8_t *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i += PAGE)
		p[i] = (uint8_t)i + 1;
}

/* Add one round's step times; t[] are the times around the five steps. */
static void churn_add(struct churn *c, const double t[6])
{
	c->create += t[1] - t[0];
	c->map += t[2] - t[1];
	c->touch += t[3] - t[2];
	c->unmap += t[4] - t[3];
	c->destroy += t[5] - t[4];
	c->n++;
}

static void aiaccel_churn_one(int fd, size_t size, struct churn *c)
{
	struct drm_aiaccel_bo_create create = { .size = size };
	struct drm_gem_close close_args = { 0 };
	double t[6];
	void *p;

	t[0] = now();
	if (drmIoctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE, &create))
		die("DRM_IOCTL_AIACCEL_BO_CREATE");
	t[1] = now();
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, create.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap of an aiaccel buffer");
	t[2] = now();
	touch_pages(p, size);
	t[3] = now();
	munmap(p, size);
	t[4] = now();
	close_args.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &close_args))
		die("DRM_IOCTL_GEM_CLOSE");
	t[5] = now();
	churn_add(c, t);
}

static void vgem_churn_one(int fd, size_t size, struct churn *c)
{
	struct drm_mode_create_dumb create = {
		.width = 1024, .height = size / 4096, .bpp = 32,
	};
	struct drm_mode_map_dumb map = { 0 };
	struct drm_mode_destroy_dumb destroy = { 0 };
	double t[6];
	void *p;

	t[0] = now();
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		die("DRM_IOCTL_MODE_CREATE_DUMB");
	t[1] = now();
	map.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		die("DRM_IOCTL_MODE_MAP_DUMB");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
	if (p == MAP_FAILED)
		die("mmap of a vgem buffer");
	t[2] = now();
	touch_pages(p, size);
	t[3] = now();
	munmap(p, size);
	t[4] = now();
	destroy.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy))
		die("DRM_IOCTL_MODE_DESTROY_DUMB");
	t[5] = now();
	churn_add(c, t);
}

/*
 * Untimed warm-up rounds, then aiaccel and vgem rounds in turn, so that
 * whatever else the machine does slows both alike, for at least
 * min_seconds and 5 rounds each.
 */
static void run_churn(int accel, int vgem, size_t size, struct churn *a, struct churn *v)
{
	struct churn warm = { 0 };
	double start;
	int i;

	for (i = 0; i < 2; i++) {
		aiaccel_churn_one(accel, size, &warm);
		vgem_churn_one(vgem, size, &warm);
	}
	memset(a, 0, sizeof(*a));
	memset(v, 0, sizeof(*v));
	start = now();
	while (a->n < 5 || now() - start < min_seconds) {
		aiaccel_churn_one(accel, size, a);
		vgem_churn_one(vgem, size, v);
	}
}

static void print_churn(const char *name, const struct churn *c)
{
	double per = churn_total(c) / c->n;

	printf("  %-8s %8.1f buffers/s  %9.1f us each: create %.1f, map %.1f, "
	       "touch %.1f, unmap %.1f, free %.1f (%lu rounds)\n",
	       name, 1 / per, per * 1e6, c->create / c->n * 1e6, c->map / c->n * 1e6,
	       c->touch / c->n * 1e6, c->unmap / c->n * 1e6, c->destroy / c->n * 1e6, c->n);
}

static void bench_churn(int accel, int vgem)
{
	static const size_t sizes[] = { 4096, 1u << 20 };
	unsigned int i;

	printf("(a) buffer churn: create + mmap + touch every page + munmap + free\n");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct churn a, v;
		double ratio;

		run_churn(accel, vgem, sizes[i], &a, &v);
		printf(" %zu KiB buffers:\n", sizes[i] >> 10);
		print_churn("aiaccel", &a);
		print_churn("vgem", &v);
		ratio = (churn_total(&a) / a.n) / (churn_total(&v) / v.n);
		printf("  time ratio aiaccel/vgem: %.2f (goal <= 1.2)\n", ratio);
		printf("  result churn_%zuk_aiaccel_per_s=%.1f churn_%zuk_vgem_per_s=%.1f "
		       "churn_%zuk_ratio=%.3f\n", sizes[i] >> 10, a.n / churn_total(&a),
		       sizes[i] >> 10, v.n / churn_total(&v), sizes[i] >> 10, ratio);
	}
}

#define ROUNDS 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
	qsort(t, n, sizeof(t[0]), cmp_double);
	return t[n / 2];
}

/* One memcpy() of IMPORT_SIZE between touched buffers. */
static double time_memcpy(uint8_t *dst, const uint8_t *src)
{
	double t0 = now(), t;

	memcpy(dst, src, IMPORT_SIZE);
	t = now() - t0;
	/* Keep the copy from being optimised away. */
	if (dst[IMPORT_SIZE / 2] != src[IMPORT_SIZE / 2])
		abort();
	return t;
}

/* One import of dmabuf into aiaccel (FD_TO_HANDLE + BO_INFO); the handle
 * is closed after, so every round is a fresh import. */
static double time_import(int accel, int dmabuf)
{
	struct drm_aiaccel_bo_info info = { 0 };
	struct drm_gem_close close_args = { 0 };
	uint32_t handle;
	double t0 = now(), t;

	if (drmPrimeFDToHandle(accel, dmabuf, &handle))
		die("DRM_IOCTL_PRIME_FD_TO_HANDLE");
	info.handle = handle;
	if (drmIoctl(accel, DRM_IOCTL_AIACCEL_BO_INFO, &info))
		die("DRM_IOCTL_AIACCEL_BO_INFO");
	t = now() - t0;
	if (info.size != IMPORT_SIZE || !(info.info_flags & DRM_AIACCEL_BO_INFO_IMPORTED)) {
		fprintf(stderr, "bench_mem: import gave %llu bytes, flags 0x%x\n",
			(unsigned long long)info.size, info.info_flags);
		exit(1);
	}
	close_args.handle = handle;
	if (drmIoctl(accel, DRM_IOCTL_GEM_CLOSE, &close_args))
		die("DRM_IOCTL_GEM_CLOSE");
	return t;
}

/*
 * A 64 MiB vgem buffer, its pages made resident, as a dma-buf.  *@mapping stays
 * mapped, as a producer's buffer is while a consumer imports it: vgem
 * holds the pages of a mapped buffer, and once the last mapping goes it
 * lets go of them and must look each of the 16384 up again in its shmem
 * file at every import, which is vgem's cost, not the importer's.
 */
static int vgem_dmabuf(int vgem, uint32_t *handle, void **mapping)
{
	struct drm_mode_create_dumb create = {
		.width = 1024, .height = IMPORT_SIZE / 4096, .bpp = 32,
	};
	struct drm_mode_map_dumb map = { 0 };
	int fd;
	void *p;

	if (drmIoctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		die("DRM_IOCTL_MODE_CREATE_DUMB (64 MiB)");
	map.handle = create.handle;
	if (drmIoctl(vgem, DRM_IOCTL_MODE_MAP_DUMB, &map))
		die("DRM_IOCTL_MODE_MAP_DUMB");
	p = mmap(NULL, IMPORT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vgem, map.offset);
	if (p == MAP_FAILED)
		die("mmap of the vgem buffer");
	touch_pages(p, IMPORT_SIZE);
	if (drmPrimeHandleToFD(vgem, create.handle, DRM_CLOEXEC | DRM_RDWR, &fd))
		die("DRM_IOCTL_PRIME_HANDLE_TO_FD on vgem");
	*handle = create.handle;
	*mapping = p;
	return fd;
}

static int heap_dmabuf(void)
{
	struct dma_heap_allocation_data alloc = {
		.len = IMPORT_SIZE,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -1;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc))
		die("DMA_HEAP_IOCTL_ALLOC (64 MiB)");
	close(heap);
	return alloc.fd;
}

/* memcpy and the imports in turn, ROUNDS times; medians. */
static void bench_imports(int accel, int vgem)
{
	struct drm_mode_destroy_dumb destroy = { 0 };
	double copy[ROUNDS], from_vgem[ROUNDS], from_heap[ROUNDS], c, t;
	uint8_t *src, *dst;
	int vfd, hfd, i;
	void *vmap;

	printf("(b) importing a 64 MiB dma-buf (FD_TO_HANDLE + BO_INFO) vs memcpy of 64 MiB\n");
	src = malloc(IMPORT_SIZE);
	dst = malloc(IMPORT_SIZE);
	if (!src || !dst)
		die("malloc");
	memset(src, 0x5a, IMPORT_SIZE);
	memset(dst, 0, IMPORT_SIZE);
	vfd = vgem_dmabuf(vgem, &destroy.handle, &vmap);
	hfd = heap_dmabuf();

	for (i = 0; i < ROUNDS; i++) {
		copy[i] = time_memcpy(dst, src);
		from_vgem[i] = time_import(accel, vfd);
		if (hfd >= 0)
			from_heap[i] = time_import(accel, hfd);
	}

	c = median(copy, ROUNDS);
	printf("  memcpy      %10.3f ms\n", c * 1e3);
	t = median(from_vgem, ROUNDS);
	printf("  from vgem   %10.3f ms  ratio to memcpy %.4f (goal <= 0.05)\n", t * 1e3, t / c);
	printf("  result import_vgem_ms=%.3f import_vgem_ratio=%.4f\n", t * 1e3, t / c);
	if (hfd < 0) {
		printf("  from dma-heap: no /dev/dma_heap/system\n");
	} else {
		t = median(from_heap, ROUNDS);
		printf("  from heap   %10.3f ms  ratio to memcpy %.4f (goal <= 0.05)\n",
		       t * 1e3, t / c);
		printf("  result import_heap_ms=%.3f import_heap_ratio=%.4f\n", t * 1e3, t / c);
		close(hfd);
	}
	printf("  result memcpy_64m_ms=%.3f\n", c * 1e3);

	munmap(vmap, IMPORT_SIZE);
	close(vfd);
	drmIoctl(vgem, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	free(src);
	free(dst);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int accel, vgem, opt;

	while ((opt = getopt(argc, argv, "t:d:h")) != -1) {
		switch (opt) {
		case 't':
			min_seconds = atof(optarg);
			break;
		case 'd':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_mem [-t SECONDS] [-d /dev/accel/accelN]\n");
			return opt == 'h' ? 0 : 2;
		}
	}

	accel = path ? open(path, O_RDWR | O_CLOEXEC) : open_driver("/dev/accel", "accel", "aiaccel");
	if (accel < 0) {
		fprintf(stderr, "bench_mem: no aiaccel device\n");
		return 1;
	}
	vgem = open_driver("/dev/dri", "card", "vgem");
	if (vgem < 0) {
		fprintf(stderr, "bench_mem: no vgem device (modprobe vgem)\n");
		return 1;
	}

	printf("bench_mem: figures, not pass/fail; at least %.1f s per churn figure, "
	       "medians of %d imports; aiaccel and its reference run in turn\n",
	       min_seconds, ROUNDS);
	bench_churn(accel, vgem);
	bench_imports(accel, vgem);
	close(vgem);
	close(accel);
	return 0;
}
