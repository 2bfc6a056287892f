// SPDX-License-Identifier: MIT
/*
 * aiaccel_prime: sharing buffers through dma-buf (PRIME).
 *
 * aiaccel as exporter (to itself, to another file, to vgem, to a second
 * aiaccel device) and as importer of every exporter it is meant to work
 * with: vgem (the GPU-like exporter IGT uses), udmabuf (memfd pages), the
 * system dma-heap and vivid (a V4L2 camera exporting its frames with
 * VIDIOC_EXPBUF).  Each round trip checks the contents both ways, and
 * that an import is zero-copy: what the exporter writes after the import
 * is what aiaccel's mapping reads.
 *
 * Loads vgem and vivid if they are not loaded, and unloads what it loaded.
 * The last subtest reloads aiaccel with two devices, then with the
 * default configuration.
 */

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <linux/videodev2.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"

IGT_TEST_DESCRIPTION("aiaccel buffers shared through dma-buf.");

#define PAGE		4096ull
#define SZ_1M		(1ull << 20)
#define RW		(PROT_READ | PROT_WRITE)
#define MSEC		1000000ll

/*
 * vgem's fence ioctls (include/uapi/drm/vgem_drm.h, which libdrm does not
 * ship), under local names so as not to clash with a real IGT tree's.
 */
struct local_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct local_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define LOCAL_VGEM_FENCE_WRITE		0x1
#define LOCAL_IOCTL_VGEM_FENCE_ATTACH	DRM_IOWR(DRM_COMMAND_BASE + 0x1, \
						 struct local_vgem_fence_attach)
#define LOCAL_IOCTL_VGEM_FENCE_SIGNAL	DRM_IOW(DRM_COMMAND_BASE + 0x2, \
						struct local_vgem_fence_signal)

/* What an import must look like in the importing file. */
static void check_imported(int fd, uint32_t handle, uint64_t size,
			   struct drm_aiaccel_bo_info *info)
{
	igt_assert_eq(aiaccel_bo_info(fd, handle, info), 0);
	igt_assert_eq_u64(info->size, size);
	igt_assert_eq_u32(info->info_flags, DRM_AIACCEL_BO_INFO_IMPORTED);
	igt_assert_eq_u32(info->flags, 0);
	igt_assert_lte_u64(1ull << 20, info->va);
	igt_assert_eq_u64(info->va % PAGE, 0);
}

/* Compare through two mappings: what a writes b reads, and back. */
static void check_both_ways(void *a, int a_dmabuf, void *b, int b_dmabuf,
			    size_t size, uint32_t seed)
{
	if (a_dmabuf >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(a_dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE), 0);
	aiaccel_pattern_fill(a, size, seed);
	if (a_dmabuf >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(a_dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE), 0);
	if (b_dmabuf >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(b_dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW), 0);
	aiaccel_pattern_check(b, size, seed);
	aiaccel_pattern_fill(b, size, seed + 1);
	if (b_dmabuf >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(b_dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW), 0);
	if (a_dmabuf >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(a_dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), 0);
	aiaccel_pattern_check(a, size, seed + 1);
	if (a_dmabuf >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(a_dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ), 0);
}

/* DMA_BUF_IOCTL_SYNC, unless sync_fd is -1. */
static void sync_if(int sync_fd, uint64_t flags)
{
	if (sync_fd >= 0)
		igt_assert_eq(aiaccel_dmabuf_sync(sync_fd, flags), 0);
}

/*
 * Import a foreign dma-buf of size bytes whose contents the exporter
 * mapped at exp: check the import, both ways through aiaccel's own
 * mapping, and that importing costs no budget.  CPU access is bracketed
 * with DMA_BUF_IOCTL_SYNC on sync_fd (the dma-buf, or -1 for none).
 */
static void check_foreign_import(int fd, int dmabuf, int sync_fd, void *exp,
				 uint64_t size, uint32_t seed)
{
	struct drm_aiaccel_bo_info info;
	uint64_t before = aiaccel_mem_used(fd);
	uint32_t handle, again;
	void *p;
	int fd2;

	sync_if(sync_fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	aiaccel_pattern_fill(exp, size, seed);
	sync_if(sync_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	igt_assert_eq(aiaccel_prime_import(fd, dmabuf, &handle), 0);
	check_imported(fd, handle, size, &info);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);

	/* Importing the same dma-buf again gives the same handle. */
	igt_assert_eq(aiaccel_prime_import(fd, dmabuf, &again), 0);
	igt_assert_eq_u32(again, handle);

	/* Re-exporting an import gives the original dma-buf back. */
	fd2 = aiaccel_prime_export(fd, handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(fd2);
	igt_assert(aiaccel_same_file(fd2, dmabuf));
	close(fd2);

	p = aiaccel_bo_mmap(fd, info.mmap_offset, size, RW);
	sync_if(sync_fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	aiaccel_pattern_check(p, size, seed);
	sync_if(sync_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	/* aiaccel writes, the exporter reads; and the reverse. */
	check_both_ways(p, sync_fd, exp, sync_fd, size, seed + 1);

	munmap(p, size);
	igt_assert_eq(aiaccel_gem_close(fd, handle), 0);
	igt_assert_eq(aiaccel_gem_close(fd, handle), -EINVAL);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

static void check_invalid(int fd)
{
	struct drm_aiaccel_bo_create bo;
	uint32_t handle;
	int memfd;

	igt_assert_eq(aiaccel_bo_create(fd, PAGE, 0, &bo), 0);
	igt_assert_eq(aiaccel_prime_export(fd, bo.handle, O_NONBLOCK), -EINVAL);
	igt_assert_eq(aiaccel_prime_export(fd, bo.handle, ~0u), -EINVAL);
	igt_assert_eq(aiaccel_prime_export(fd, 0, DRM_CLOEXEC), -ENOENT);
	igt_assert_eq(aiaccel_prime_export(fd, bo.handle + 1000, DRM_CLOEXEC), -ENOENT);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);

	igt_assert_eq(aiaccel_prime_import(fd, -1, &handle), -EBADF);
	memfd = memfd_create("aiaccel-not-a-dmabuf", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(aiaccel_prime_import(fd, memfd, &handle), -EINVAL);
	close(memfd);
	igt_assert_eq(aiaccel_prime_import(fd, memfd, &handle), -EBADF);
	igt_assert_eq(aiaccel_prime_import(fd, fd, &handle), -EINVAL);
}

/*
 * Export, then import into the same file: the same handle, the same
 * object (not an import), no new charge.  The dma-buf keeps the buffer
 * alive after its last handle is closed, and importing it again brings it
 * back with its contents.
 */
static void check_self_import(int fd)
{
	struct drm_aiaccel_bo_create bo;
	struct drm_aiaccel_bo_info info;
	uint64_t before = aiaccel_mem_used(fd);
	uint32_t handle;
	int dmabuf, dmabuf2;
	void *p;

	igt_assert_eq(aiaccel_bo_create(fd, 8 * PAGE, 0, &bo), 0);
	p = aiaccel_bo_mmap(fd, bo.mmap_offset, bo.size, RW);
	aiaccel_pattern_fill(p, bo.size, 0x100);
	munmap(p, bo.size);

	dmabuf = aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);
	igt_assert(fcntl(dmabuf, F_GETFD) & FD_CLOEXEC);
	dmabuf2 = aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf2);
	igt_assert(aiaccel_same_file(dmabuf, dmabuf2));
	close(dmabuf2);

	igt_assert_eq(aiaccel_prime_import(fd, dmabuf, &handle), 0);
	igt_assert_eq_u32(handle, bo.handle);
	igt_assert_eq(aiaccel_bo_info(fd, handle, &info), 0);
	igt_assert_eq_u32(info.info_flags, 0);
	igt_assert_eq_u64(info.va, bo.va);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);

	/* The dma-buf holds the buffer, and its charge, without handles. */
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	igt_assert_eq(aiaccel_bo_info(fd, bo.handle, &info), -ENOENT);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);
	igt_assert_eq(aiaccel_prime_import(fd, dmabuf, &handle), 0);
	igt_assert_eq(aiaccel_bo_info(fd, handle, &info), 0);
	igt_assert_eq_u64(info.size, bo.size);
	igt_assert_eq_u32(info.info_flags, 0);
	p = aiaccel_bo_mmap(fd, info.mmap_offset, info.size, PROT_READ);
	aiaccel_pattern_check(p, info.size, 0x100);
	munmap(p, info.size);

	igt_assert_eq(aiaccel_gem_close(fd, handle), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);
	close(dmabuf);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

/* CPU access through the exported dma-buf, bracketed by DMA_BUF_IOCTL_SYNC. */
static void check_export_mmap_sync(int fd)
{
	struct drm_aiaccel_bo_create bo;
	int dmabuf;
	void *p, *q;

	igt_assert_eq(aiaccel_bo_create(fd, 16 * PAGE, 0, &bo), 0);
	dmabuf = aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);
	p = mmap(NULL, bo.size, RW, MAP_SHARED, dmabuf, 0);
	igt_assert(p != MAP_FAILED);
	q = aiaccel_bo_mmap(fd, bo.mmap_offset, bo.size, RW);

	check_both_ways(p, dmabuf, q, -1, bo.size, 0x200);

	/* Invalid SYNC requests. */
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START), -EINVAL);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END), -EINVAL);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_RW | 1u << 3), -EINVAL);

	/* The dma-buf is exactly as long as the buffer. */
	igt_assert(mmap(NULL, bo.size + PAGE, PROT_READ, MAP_SHARED, dmabuf, 0) == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);

	munmap(q, bo.size);
	munmap(p, bo.size);
	close(dmabuf);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
}

/*
 * An export without DRM_RDWR cannot be mapped writable.  The dma-buf is
 * made by the first export and later exports return it, so the first
 * export's access mode is the buffer's for good.
 */
static void check_export_read_only(int fd)
{
	struct drm_aiaccel_bo_create bo;
	int dmabuf, dmabuf2;
	void *p, *q;

	igt_assert_eq(aiaccel_bo_create(fd, 4 * PAGE, 0, &bo), 0);
	q = aiaccel_bo_mmap(fd, bo.mmap_offset, bo.size, RW);
	aiaccel_pattern_fill(q, bo.size, 0x300);

	dmabuf = aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC);
	igt_assert_fd(dmabuf);
	igt_assert(mmap(NULL, bo.size, RW, MAP_SHARED, dmabuf, 0) == MAP_FAILED);
	igt_assert_eq(errno, EACCES);
	p = mmap(NULL, bo.size, PROT_READ, MAP_SHARED, dmabuf, 0);
	igt_assert(p != MAP_FAILED);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), 0);
	aiaccel_pattern_check(p, bo.size, 0x300);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ), 0);
	munmap(p, bo.size);

	dmabuf2 = aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf2);
	igt_assert(aiaccel_same_file(dmabuf, dmabuf2));
	igt_assert(mmap(NULL, bo.size, RW, MAP_SHARED, dmabuf2, 0) == MAP_FAILED);
	igt_assert_eq(errno, EACCES);

	close(dmabuf2);
	close(dmabuf);
	munmap(q, bo.size);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
}

/*
 * Export from one file, import into another file of the same device: the
 * same buffer (same contents, not an import, charged once) at a VA of the
 * importing file's own address space.
 */
static void check_second_file(void)
{
	struct drm_aiaccel_bo_create a, x;
	struct drm_aiaccel_bo_info info;
	int fda, fdb, dmabuf;
	uint64_t before;
	uint32_t hb;
	void *pa, *pb;

	fda = aiaccel_open(0);
	fdb = aiaccel_open(0);
	before = aiaccel_mem_used(fda);

	/* Occupy the bottom of B's address space first. */
	igt_assert_eq(aiaccel_bo_create(fdb, PAGE, 0, &x), 0);
	igt_assert_eq(aiaccel_bo_create(fda, 16 * PAGE, 0, &a), 0);
	igt_debug("A's buffer at 0x%llx, B's own at 0x%llx\n",
		  (unsigned long long)a.va, (unsigned long long)x.va);
	pa = aiaccel_bo_mmap(fda, a.mmap_offset, a.size, RW);
	aiaccel_pattern_fill(pa, a.size, 0x400);

	dmabuf = aiaccel_prime_export(fda, a.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);
	igt_assert_eq(aiaccel_prime_import(fdb, dmabuf, &hb), 0);
	close(dmabuf);
	igt_assert_eq(aiaccel_bo_info(fdb, hb, &info), 0);
	igt_assert_eq_u64(info.size, a.size);
	igt_assert_eq_u32(info.info_flags, 0);
	/* Mapped in B's own space: clear of B's buffer and its guard page. */
	igt_assert_f(info.va >= x.va + 2 * PAGE || info.va + info.size + PAGE <= x.va,
		     "imported at 0x%llx, over B's buffer at 0x%llx\n",
		     (unsigned long long)info.va, (unsigned long long)x.va);
	igt_assert_eq_u64(aiaccel_mem_used(fda), before + x.size + a.size);

	pb = aiaccel_bo_mmap(fdb, info.mmap_offset, info.size, RW);
	check_both_ways(pa, -1, pb, -1, a.size, 0x401);

	/* A lets go; B keeps the buffer and its contents. */
	munmap(pa, a.size);
	igt_assert_eq(aiaccel_gem_close(fda, a.handle), 0);
	close(fda);
	aiaccel_pattern_check(pb, a.size, 0x402);
	igt_assert_eq_u64(aiaccel_mem_used(fdb), before + x.size + a.size);
	munmap(pb, info.size);
	igt_assert_eq(aiaccel_gem_close(fdb, hb), 0);
	igt_assert_eq(aiaccel_gem_close(fdb, x.handle), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fdb), before);
	close(fdb);
}

/* A vgem dumb buffer imported into aiaccel. */
static void check_vgem_import(int fd, int vgem)
{
	const uint64_t size = 64 * PAGE;
	uint32_t vh;
	uint64_t off;
	void *v;
	int dmabuf;

	igt_assert_eq(aiaccel_dumb_create(vgem, size, &vh), 0);
	igt_assert_eq(aiaccel_dumb_map(vgem, vh, &off), 0);
	v = mmap(NULL, size, RW, MAP_SHARED, vgem, off);
	igt_assert(v != MAP_FAILED);
	dmabuf = aiaccel_prime_export(vgem, vh, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);

	check_foreign_import(fd, dmabuf, dmabuf, v, size, 0x500);

	close(dmabuf);
	munmap(v, size);
	igt_assert_eq(aiaccel_dumb_destroy(vgem, vh), 0);
}

/*
 * An aiaccel buffer imported into vgem: vgem's handle re-exports the same
 * dma-buf, whose mapping sees aiaccel's contents both ways, and which
 * imports back into aiaccel as the original handle.
 */
static void check_vgem_export(int fd, int vgem)
{
	struct drm_aiaccel_bo_create bo;
	uint64_t before = aiaccel_mem_used(fd);
	uint32_t vh, vh2, back;
	int dmabuf, dmabuf2;
	void *p, *q;

	igt_assert_eq(aiaccel_bo_create(fd, 32 * PAGE, 0, &bo), 0);
	p = aiaccel_bo_mmap(fd, bo.mmap_offset, bo.size, RW);
	aiaccel_pattern_fill(p, bo.size, 0x600);

	dmabuf = aiaccel_prime_export(fd, bo.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);
	igt_assert_eq(aiaccel_prime_import(vgem, dmabuf, &vh), 0);
	igt_assert_eq(aiaccel_prime_import(vgem, dmabuf, &vh2), 0);
	igt_assert_eq_u32(vh2, vh);
	close(dmabuf);

	dmabuf2 = aiaccel_prime_export(vgem, vh, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf2);
	q = mmap(NULL, bo.size, RW, MAP_SHARED, dmabuf2, 0);
	igt_assert(q != MAP_FAILED);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf2, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), 0);
	aiaccel_pattern_check(q, bo.size, 0x600);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf2, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ), 0);
	check_both_ways(q, dmabuf2, p, -1, bo.size, 0x601);

	/* Back from vgem: aiaccel recognises its own buffer. */
	igt_assert_eq(aiaccel_prime_import(fd, dmabuf2, &back), 0);
	igt_assert_eq_u32(back, bo.handle);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);

	/* vgem's reference keeps the buffer after aiaccel closes its handle. */
	munmap(p, bo.size);
	igt_assert_eq(aiaccel_gem_close(fd, bo.handle), 0);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf2, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), 0);
	aiaccel_pattern_check(q, bo.size, 0x602);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf2, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ), 0);
	munmap(q, bo.size);
	close(dmabuf2);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before + bo.size);
	igt_assert_eq(aiaccel_gem_close(vgem, vh), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

/* One DMA_COPY job from src_va to dst_va, with a completion event. */
static void submit_copy(int fd, uint64_t dst_va, uint32_t dst, uint64_t src_va,
			uint32_t src, uint64_t size, uint64_t tag)
{
	struct drm_aiaccel_submit_bo bos[2] = {
		{ src, DRM_AIACCEL_SUBMIT_BO_READ },
		{ dst, DRM_AIACCEL_SUBMIT_BO_WRITE },
	};
	struct aiaccel_op_dma_copy *op;
	struct aiaccel_cs cs;

	aiaccel_cs_new(fd, PAGE, &cs);
	op = aiaccel_cs_emit(&cs, AIACCEL_OP_DMA_COPY, 0, sizeof(*op));
	op->src = src_va;
	op->dst = dst_va;
	op->size = size;
	igt_assert_eq(aiaccel_submit(fd, &cs, bos, 2, NULL, 0, NULL, 0,
				     DRM_AIACCEL_SUBMIT_EVENT, tag), 0);
	/* The job holds the command stream's buffer. */
	aiaccel_buf_free(fd, &cs.buf);
}

static void expect_job_done(int fd, uint64_t tag)
{
	struct drm_aiaccel_event_job ev;

	igt_assert_eq(aiaccel_read_event(fd, &ev, 30000 * MSEC), 0);
	igt_assert_eq_u64(ev.user_data, tag);
	igt_assert_eq(ev.status, 0);
}

/*
 * The device reads and writes a vgem buffer in place, and honours the
 * fences vgem puts on it: a job reading the import waits for vgem's write
 * fence, a job writing it for vgem's read fence.  Each job is held back
 * for a second by the fence; what the CPU writes into the vgem buffer in
 * that second is what the device must copy, so a job that ran early
 * (ignoring the fence) or on a copy of the pages (not zero-copy) fails
 * the check.  CPU access goes without DMA_BUF_IOCTL_SYNC, which would
 * itself wait for the fences (vgem's memory is coherent on x86).
 */
static void check_vgem_fences(int fd, int vgem)
{
	const uint64_t size = 16 * PAGE;
	struct local_vgem_fence_attach attach = { 0 };
	struct local_vgem_fence_signal signal = { 0 };
	struct drm_aiaccel_bo_info info;
	struct aiaccel_buf own;
	uint32_t vh, handle;
	uint64_t off;
	int dmabuf;
	void *v;

	igt_assert_eq(aiaccel_dumb_create(vgem, size, &vh), 0);
	igt_assert_eq(aiaccel_dumb_map(vgem, vh, &off), 0);
	v = mmap(NULL, size, RW, MAP_SHARED, vgem, off);
	igt_assert(v != MAP_FAILED);
	dmabuf = aiaccel_prime_export(vgem, vh, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);
	igt_assert_eq(aiaccel_prime_import(fd, dmabuf, &handle), 0);
	check_imported(fd, handle, size, &info);
	aiaccel_buf_new(fd, size, 0, &own);

	/* vgem is writing: a reader waits for it. */
	aiaccel_pattern_fill(v, size, 0xb00);
	attach.handle = vh;
	attach.flags = LOCAL_VGEM_FENCE_WRITE;
	do_ioctl(vgem, LOCAL_IOCTL_VGEM_FENCE_ATTACH, &attach);
	submit_copy(fd, own.va, own.handle, info.va, handle, size, 1);
	igt_assert_eq(aiaccel_wait_buf(fd, own.handle, 0, 1000 * MSEC), -ETIMEDOUT);
	aiaccel_pattern_fill(v, size, 0xb01);
	signal.fence = attach.out_fence;
	do_ioctl(vgem, LOCAL_IOCTL_VGEM_FENCE_SIGNAL, &signal);
	expect_job_done(fd, 1);
	aiaccel_pattern_check(own.map, size, 0xb01);

	/* vgem is reading: a writer waits for it. */
	aiaccel_pattern_fill(own.map, size, 0xb02);
	attach.flags = 0;
	do_ioctl(vgem, LOCAL_IOCTL_VGEM_FENCE_ATTACH, &attach);
	submit_copy(fd, info.va, handle, own.va, own.handle, size, 2);
	igt_assert_eq(aiaccel_wait_buf(fd, handle, 0, 1000 * MSEC), -ETIMEDOUT);
	aiaccel_pattern_check(v, size, 0xb01);
	aiaccel_pattern_fill(own.map, size, 0xb03);
	signal.fence = attach.out_fence;
	do_ioctl(vgem, LOCAL_IOCTL_VGEM_FENCE_SIGNAL, &signal);
	expect_job_done(fd, 2);
	aiaccel_pattern_check(v, size, 0xb03);

	aiaccel_buf_free(fd, &own);
	igt_assert_eq(aiaccel_gem_close(fd, handle), 0);
	close(dmabuf);
	munmap(v, size);
	igt_assert_eq(aiaccel_dumb_destroy(vgem, vh), 0);
}

/* An import keeps the exporter's memory after the exporter let go of it. */
static void check_import_outlives_exporter(int fd)
{
	const uint64_t size = 16 * PAGE;
	struct drm_aiaccel_bo_info info;
	uint32_t vh, handle;
	uint64_t off;
	int vgem, dmabuf;
	void *v, *p;

	vgem = aiaccel_drm_open_driver("vgem");
	igt_require_f(vgem >= 0, "no vgem device: %s\n", strerror(-vgem));
	igt_assert_eq(aiaccel_dumb_create(vgem, size, &vh), 0);
	igt_assert_eq(aiaccel_dumb_map(vgem, vh, &off), 0);
	v = mmap(NULL, size, RW, MAP_SHARED, vgem, off);
	igt_assert(v != MAP_FAILED);
	aiaccel_pattern_fill(v, size, 0x700);
	dmabuf = aiaccel_prime_export(vgem, vh, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);
	igt_assert_eq(aiaccel_prime_import(fd, dmabuf, &handle), 0);

	close(dmabuf);
	munmap(v, size);
	igt_assert_eq(aiaccel_dumb_destroy(vgem, vh), 0);
	close(vgem);

	check_imported(fd, handle, size, &info);
	p = aiaccel_bo_mmap(fd, info.mmap_offset, size, PROT_READ);
	aiaccel_pattern_check(p, size, 0x700);
	munmap(p, size);
	igt_assert_eq(aiaccel_gem_close(fd, handle), 0);
}

/* udmabuf: memfd pages as a dma-buf. */
static void check_udmabuf(int fd)
{
	const uint64_t size = SZ_1M;
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
	int dev, memfd, dmabuf;
	void *m;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	igt_require_f(dev >= 0, "no /dev/udmabuf: %s\n", strerror(errno));
	memfd = memfd_create("aiaccel-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, size), 0);
	igt_assert_eq(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	m = mmap(NULL, size, RW, MAP_SHARED, memfd, 0);
	igt_assert(m != MAP_FAILED);

	create.memfd = memfd;
	dmabuf = ioctl(dev, UDMABUF_CREATE, &create);
	igt_assert_f(dmabuf >= 0, "UDMABUF_CREATE: %s\n", strerror(errno));
	/*
	 * No DMA_BUF_IOCTL_SYNC here: the pages are ordinary cached memory,
	 * and udmabuf's CPU-access hooks DMA-map them for its misc device,
	 * which trips CONFIG_DMA_API_DEBUG (segments longer than the misc
	 * device's 64 KiB limit; later syncs in another direction than the
	 * first one's).  Those are udmabuf's, not aiaccel's.
	 */
	check_foreign_import(fd, dmabuf, -1, m, size, 0x800);

	close(dmabuf);
	munmap(m, size);
	close(memfd);
	close(dev);
}

/* The system dma-heap; the size mixes large and single-page chunks. */
static void check_dma_heap(int fd)
{
	struct dma_heap_allocation_data alloc = {
		.len = 2 * SZ_1M + 3 * PAGE,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;
	void *m;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	igt_require_f(heap >= 0, "no system dma-heap: %s\n", strerror(errno));
	do_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc);
	close(heap);
	m = mmap(NULL, alloc.len, RW, MAP_SHARED, alloc.fd, 0);
	igt_assert(m != MAP_FAILED);

	check_foreign_import(fd, alloc.fd, alloc.fd, m, alloc.len, 0x900);

	munmap(m, alloc.len);
	close(alloc.fd);
}

/*
 * vivid.  Loaded (if it is not) with two capture-only instances, one per
 * vb2 allocator, each with a single webcam input.
 */
#define VIVID_PARAMS	"n_devs=2 node_types=0x1,0x1 num_inputs=1,1 input_types=0,0 " \
			"allocators=0,1 no_error_inj=1"
#define VIVID_BUFFERS	3
#define FRAME_W		320
#define FRAME_H		180

struct vivid_node {
	char path[PATH_MAX];
	char allocator[16];
};

/* The vivid capture nodes, named by their vb2 allocator. */
static int vivid_nodes(struct vivid_node *nodes, int max)
{
	static const char *const names[] = { "vmalloc", "dma-contig" };
	unsigned int alloc[16] = { 0 };
	struct dirent *d;
	char line[256];
	DIR *dir;
	FILE *f;
	int n = 0;

	f = fopen("/sys/module/vivid/parameters/allocators", "r");
	if (f) {
		if (fgets(line, sizeof(line), f)) {
			char *s = line;
			int i;

			for (i = 0; i < 16 && *s; i++) {
				alloc[i] = strtoul(s, &s, 0);
				if (*s != ',')
					break;
				s++;
			}
		}
		fclose(f);
	}

	dir = opendir("/sys/class/video4linux");
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < max) {
		char path[PATH_MAX];
		unsigned int inst;

		if (strncmp(d->d_name, "video", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/class/video4linux/%s/name", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) &&
		    sscanf(line, "vivid-%u-vid-cap", &inst) == 1 && inst < 16) {
			snprintf(nodes[n].path, sizeof(nodes[n].path), "/dev/%s", d->d_name);
			snprintf(nodes[n].allocator, sizeof(nodes[n].allocator), "%s",
				 alloc[inst] < 2 ? names[alloc[inst]] : "other");
			n++;
		}
		fclose(f);
	}
	closedir(dir);
	return n;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return igt_ioctl(fd, req, arg) ? -errno : 0;
}

/*
 * Capture one frame with MMAP buffers exported through VIDIOC_EXPBUF,
 * import the frame's dma-buf into aiaccel and compare aiaccel's mapping
 * with V4L2's own, both ways.  The import then outlives the capture
 * device.
 */
static void check_vivid_frame(int fd, const char *node)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = {
		.count = VIVID_BUFFERS,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	int dmabuf[VIVID_BUFFERS], input = 0, v4l, distinct = 0;
	struct drm_aiaccel_bo_info info;
	uint64_t before = aiaccel_mem_used(fd);
	struct v4l2_buffer buf;
	struct pollfd pfd;
	bool seen[256] = { false };
	uint8_t *frame, *p, *copy;
	uint32_t handle, length;
	unsigned int i, n;

	v4l = open(node, O_RDWR | O_CLOEXEC);
	igt_assert_f(v4l >= 0, "%s: %s\n", node, strerror(errno));
	igt_assert_eq(xioctl(v4l, VIDIOC_S_INPUT, &input), 0);
	fmt.fmt.pix.width = FRAME_W;
	fmt.fmt.pix.height = FRAME_H;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	igt_assert_eq(xioctl(v4l, VIDIOC_S_FMT, &fmt), 0);
	igt_assert_eq_u32(fmt.fmt.pix.width, FRAME_W);
	igt_assert_eq_u32(fmt.fmt.pix.height, FRAME_H);
	igt_assert_eq_u32(fmt.fmt.pix.pixelformat, V4L2_PIX_FMT_YUYV);
	igt_info("%s: %ux%u YUYV, %u bytes per frame\n", node, fmt.fmt.pix.width,
		 fmt.fmt.pix.height, fmt.fmt.pix.sizeimage);

	igt_assert_eq(xioctl(v4l, VIDIOC_REQBUFS, &req), 0);
	igt_assert_lte(2, req.count);
	n = req.count < VIVID_BUFFERS ? req.count : VIVID_BUFFERS;
	for (i = 0; i < n; i++) {
		struct v4l2_exportbuffer exp = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.index = i,
			.flags = O_RDWR | O_CLOEXEC,
		};

		igt_assert_eq(xioctl(v4l, VIDIOC_EXPBUF, &exp), 0);
		dmabuf[i] = exp.fd;
		memset(&buf, 0, sizeof(buf));
		buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		buf.memory = V4L2_MEMORY_MMAP;
		buf.index = i;
		igt_assert_eq(xioctl(v4l, VIDIOC_QBUF, &buf), 0);
	}
	igt_assert_eq(xioctl(v4l, VIDIOC_STREAMON, &type), 0);
	pfd.fd = v4l;
	pfd.events = POLLIN;
	igt_assert_f(poll(&pfd, 1, 30000) == 1, "no frame from %s in 30 s\n", node);
	memset(&buf, 0, sizeof(buf));
	buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	buf.memory = V4L2_MEMORY_MMAP;
	igt_assert_eq(xioctl(v4l, VIDIOC_DQBUF, &buf), 0);
	igt_assert_lt(buf.index, n);
	igt_assert_eq_u32(buf.bytesused, fmt.fmt.pix.sizeimage);
	length = buf.length;
	igt_assert_lte(buf.bytesused, length);
	igt_assert_eq(xioctl(v4l, VIDIOC_STREAMOFF, &type), 0);

	frame = mmap(NULL, length, RW, MAP_SHARED, v4l, buf.m.offset);
	igt_assert(frame != MAP_FAILED);
	/* A real picture (colour bars), not an untouched buffer. */
	for (i = 0; i < buf.bytesused; i++)
		if (!seen[frame[i]]) {
			seen[frame[i]] = true;
			distinct++;
		}
	igt_assert_lte(8, distinct);

	igt_assert_eq(aiaccel_prime_import(fd, dmabuf[buf.index], &handle), 0);
	igt_assert_eq(aiaccel_bo_info(fd, handle, &info), 0);
	igt_assert_eq_u32(info.info_flags, DRM_AIACCEL_BO_INFO_IMPORTED);
	igt_assert_eq_u64(info.size, (length + PAGE - 1) & ~(PAGE - 1));
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);

	p = aiaccel_bo_mmap(fd, info.mmap_offset, info.size, RW);
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf[buf.index], DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW), 0);
	igt_assert_f(!memcmp(p, frame, buf.bytesused),
		     "the frame through aiaccel differs from the frame through V4L2\n");
	/* Both ways: what aiaccel writes, V4L2's mapping reads. */
	copy = malloc(buf.bytesused);
	igt_assert(copy);
	memcpy(copy, frame, buf.bytesused);
	for (i = 0; i < buf.bytesused; i++)
		p[i] = ~copy[i];
	igt_assert_eq(aiaccel_dmabuf_sync(dmabuf[buf.index], DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW), 0);
	for (i = 0; i < buf.bytesused; i++)
		igt_assert_eq(frame[i], (uint8_t)~copy[i]);
	memcpy(frame, copy, buf.bytesused);

	/* Close the capture device: the import keeps the frame. */
	munmap(frame, length);
	for (i = 0; i < n; i++)
		close(dmabuf[i]);
	close(v4l);
	igt_assert_f(!memcmp(p, copy, buf.bytesused),
		     "the frame changed after the capture device was closed\n");

	free(copy);
	munmap(p, info.size);
	igt_assert_eq(aiaccel_gem_close(fd, handle), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd), before);
}

/*
 * Two aiaccel devices: the second imports the first's buffer as a foreign
 * dma-buf, through the first's dma-buf map operation.
 */
static void check_second_device(void)
{
	struct drm_aiaccel_bo_create bo;
	struct drm_aiaccel_bo_info info;
	uint64_t before0, before1;
	uint32_t h1, back;
	int fd0, fd1, dmabuf, dmabuf2;
	void *p0, *p1;

	igt_assert_eq(aiaccel_reload("num_devices=2"), 0);
	fd0 = aiaccel_open(0);
	fd1 = aiaccel_open(1);
	before0 = aiaccel_mem_used(fd0);
	before1 = aiaccel_mem_used(fd1);

	igt_assert_eq(aiaccel_bo_create(fd0, SZ_1M + 5 * PAGE, 0, &bo), 0);
	p0 = aiaccel_bo_mmap(fd0, bo.mmap_offset, bo.size, RW);
	aiaccel_pattern_fill(p0, bo.size, 0xa00);
	dmabuf = aiaccel_prime_export(fd0, bo.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf);

	igt_assert_eq(aiaccel_prime_import(fd1, dmabuf, &h1), 0);
	check_imported(fd1, h1, bo.size, &info);
	igt_assert_eq_u64(aiaccel_mem_used(fd1), before1);
	igt_assert_eq_u64(aiaccel_mem_used(fd0), before0 + bo.size);

	p1 = aiaccel_bo_mmap(fd1, info.mmap_offset, info.size, RW);
	aiaccel_pattern_check(p1, bo.size, 0xa00);
	check_both_ways(p1, dmabuf, p0, -1, bo.size, 0xa01);

	/* Re-exported by the second device, it comes home as the original. */
	dmabuf2 = aiaccel_prime_export(fd1, h1, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(dmabuf2);
	igt_assert(aiaccel_same_file(dmabuf, dmabuf2));
	igt_assert_eq(aiaccel_prime_import(fd0, dmabuf2, &back), 0);
	igt_assert_eq_u32(back, bo.handle);
	close(dmabuf2);
	close(dmabuf);

	/* The exporter's handle goes first; the importer still has it all. */
	munmap(p0, bo.size);
	igt_assert_eq(aiaccel_gem_close(fd0, bo.handle), 0);
	aiaccel_pattern_check(p1, bo.size, 0xa02);
	igt_assert_eq_u64(aiaccel_mem_used(fd0), before0 + bo.size);
	munmap(p1, info.size);
	igt_assert_eq(aiaccel_gem_close(fd1, h1), 0);
	igt_assert_eq_u64(aiaccel_mem_used(fd0), before0);
	igt_assert_eq_u64(aiaccel_mem_used(fd1), before1);

	close(fd1);
	close(fd0);
	igt_assert_eq(aiaccel_reload(NULL), 0);
}

int igt_main()
{
	int fd = -1, vgem = -1;
	int vgem_loaded = 0, vivid_loaded = 0;

	igt_fixture() {
		fd = aiaccel_open(0);
		vgem_loaded = aiaccel_load_module("vgem", NULL);
		vgem = aiaccel_drm_open_driver("vgem");
	}

	igt_describe("Bad export flags, unknown handles and fds that are not "
		     "dma-bufs fail with the documented errors.");
	igt_subtest("invalid")
		check_invalid(fd);

	igt_describe("Importing its own export gives a file the same handle; the "
		     "dma-buf keeps the buffer alive without handles.");
	igt_subtest("self-import")
		check_self_import(fd);

	igt_describe("CPU access of an exported buffer through the dma-buf, "
		     "bracketed by DMA_BUF_IOCTL_SYNC.");
	igt_subtest("export-mmap-sync")
		check_export_mmap_sync(fd);

	igt_describe("An export without DRM_RDWR cannot be mapped for writing.");
	igt_subtest("export-read-only")
		check_export_read_only(fd);

	igt_describe("Export to another file of the same device: same buffer, "
		     "that file's own VA, charged once.");
	igt_subtest("second-file")
		check_second_file();

	igt_describe("Import a vgem dumb buffer: contents both ways, zero-copy, "
		     "not charged.");
	igt_subtest("vgem-import") {
		igt_require_f(vgem >= 0, "no vgem device: %s\n", strerror(-vgem));
		check_vgem_import(fd, vgem);
	}

	igt_describe("Export to vgem: vgem's import shares the contents and "
		     "comes back to aiaccel as the original handle.");
	igt_subtest("vgem-export") {
		igt_require_f(vgem >= 0, "no vgem device: %s\n", strerror(-vgem));
		check_vgem_export(fd, vgem);
	}

	igt_describe("Jobs read and write a vgem buffer in place and wait for "
		     "vgem's fences on it (implicit sync across drivers).");
	igt_subtest("vgem-fences") {
		igt_require_f(vgem >= 0, "no vgem device: %s\n", strerror(-vgem));
		check_vgem_fences(fd, vgem);
	}

	igt_describe("An import keeps the exporter's memory after the exporter "
		     "closed everything.");
	igt_subtest("import-outlives-exporter")
		check_import_outlives_exporter(fd);

	igt_describe("Import a udmabuf made from a sealed memfd.");
	igt_subtest("udmabuf-import")
		check_udmabuf(fd);

	igt_describe("Import a buffer of the system dma-heap.");
	igt_subtest("dma-heap-import")
		check_dma_heap(fd);

	igt_describe("Import a vivid camera frame (VIDIOC_EXPBUF): aiaccel's "
		     "mapping holds the frame V4L2's mapping holds, for each vb2 "
		     "allocator.");
	igt_subtest_with_dynamic("vivid-import") {
		struct vivid_node nodes[8];
		int i, n;

		if (!vivid_loaded)
			vivid_loaded = aiaccel_load_module("vivid", VIVID_PARAMS);
		igt_require_f(vivid_loaded >= 0, "cannot load vivid%s\n",
			      geteuid() ? " (needs root)" : "");
		n = vivid_nodes(nodes, ARRAY_SIZE(nodes));
		igt_require_f(n > 0, "no vivid capture node\n");
		for (i = 0; i < n; i++)
			igt_dynamic_f("%s", nodes[i].allocator)
				check_vivid_frame(fd, nodes[i].path);
	}

	igt_fixture() {
		if (vgem >= 0)
			close(vgem);
		close(fd);
		if (vgem_loaded > 0)
			igt_assert_eq(system("modprobe -r vgem"), 0);
		if (vivid_loaded > 0)
			igt_assert_eq(system("modprobe -r vivid"), 0);
	}

	igt_describe("Export to a second aiaccel device, which imports it as a "
		     "foreign buffer; reloads the driver.");
	igt_subtest("second-device")
		check_second_device();
}
