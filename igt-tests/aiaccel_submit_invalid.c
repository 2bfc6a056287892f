// SPDX-License-Identifier: MIT
/*
 * aiaccel_submit_invalid: every invalid SUBMIT and WAIT argument gets the
 * errno include/uapi/drm/aiaccel_accel.h documents, and leaves no trace.
 *
 * Each case starts from a valid SUBMIT (a NOP job with one buffer, an
 * in-syncobj, an out-syncobj and an event) and changes one thing.  After a
 * failed SUBMIT the out-syncobj must still have no fence and no event may
 * come; at the end of each subtest the valid SUBMIT itself must work, and
 * its event must be the first one read (a failed SUBMIT that queued a job
 * anyway would show up first).  kmemleak, at the end of the run, checks
 * the error paths free what they allocated.
 */

#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"

IGT_TEST_DESCRIPTION("aiaccel: invalid SUBMIT and WAIT arguments.");

#define SEC (1000000000ll)
#define VALID_TAG 0x600dull

struct base {
	int fd;
	struct aiaccel_cs cs;
	struct aiaccel_buf buf;
	uint32_t in_syncobj, out_syncobj;
	struct drm_aiaccel_submit_bo bo;
	struct drm_aiaccel_sync in, out;
};

static void base_new(int fd, struct base *b)
{
	b->fd = fd;
	aiaccel_cs_new(fd, 8192, &b->cs);
	aiaccel_cs_emit(&b->cs, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	aiaccel_buf_new(fd, 4096, 0, &b->buf);
	b->in_syncobj = aiaccel_syncobj(fd);
	/* A signalled in-sync: the valid job has one and need not wait. */
	igt_assert_eq(drmSyncobjSignal(fd, &b->in_syncobj, 1), 0);
	b->out_syncobj = aiaccel_syncobj(fd);
	b->bo = aiaccel_bo_use(b->buf.handle, DRM_AIACCEL_SUBMIT_BO_READ |
				DRM_AIACCEL_SUBMIT_BO_WRITE);
	b->in = aiaccel_sync(b->in_syncobj, 0, 0);
	b->out = aiaccel_sync(b->out_syncobj, 0, 0);
}

static void base_free(struct base *b)
{
	drmSyncobjDestroy(b->fd, b->in_syncobj);
	drmSyncobjDestroy(b->fd, b->out_syncobj);
	aiaccel_buf_free(b->fd, &b->buf);
	aiaccel_buf_free(b->fd, &b->cs.buf);
}

/* The valid SUBMIT of @b, to be changed by a case. */
static struct drm_aiaccel_submit base_args(struct base *b)
{
	struct drm_aiaccel_submit args;

	aiaccel_submit_init(&args, &b->cs);
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	args.bos = (uintptr_t)&b->bo;
	args.bo_count = 1;
	args.in_syncs = (uintptr_t)&b->in;
	args.in_sync_count = 1;
	args.out_syncs = (uintptr_t)&b->out;
	args.out_sync_count = 1;
	args.event_data = 0xbad;
	return args;
}

/* SUBMIT fails with @err and leaves nothing behind. */
#define expect_err(b, args, err) do { \
	struct drm_aiaccel_submit __a = (args); \
	int __ret = aiaccel_submit_raw((b)->fd, &__a); \
	igt_assert_f(__ret == (err), "SUBMIT: %d (%s), expected %d (%s)\n", \
		     __ret, strerror(-__ret), (err), strerror(-(err))); \
	igt_assert(!aiaccel_syncobj_signaled((b)->fd, (b)->out_syncobj, 0)); \
	igt_assert(aiaccel_no_event((b)->fd, 0)); \
} while (0)

/* SUBMIT works; its event (the next one) says so. */
static void expect_ok(struct base *b, struct drm_aiaccel_submit args)
{
	struct drm_aiaccel_event_job ev;
	int ret;

	args.flags |= DRM_AIACCEL_SUBMIT_EVENT;
	args.event_data = VALID_TAG;
	ret = aiaccel_submit_raw(b->fd, &args);
	igt_assert_f(ret == 0, "SUBMIT: %d (%s), expected success\n", ret, strerror(-ret));
	igt_assert_eq(aiaccel_read_event(b->fd, &ev, 30 * SEC), 0);
	igt_assert_eq_u64(ev.user_data, VALID_TAG);
	igt_assert_eq(ev.status, 0);
	/* Unsignal the out-syncobj for the next error case. */
	igt_assert_eq(drmSyncobjReset(b->fd, &b->out_syncobj, 1), 0);
}

/* A page of address space with nothing mapped: reads there fault. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(munmap(p, 4096), 0);
	return p;
}

static void drop_cap_sys_nice(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	igt_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	data[CAP_TO_INDEX(CAP_SYS_NICE)].effective &= ~CAP_TO_MASK(CAP_SYS_NICE);
	data[CAP_TO_INDEX(CAP_SYS_NICE)].permitted &= ~CAP_TO_MASK(CAP_SYS_NICE);
	igt_assert_eq(syscall(SYS_capset, &hdr, data), 0);
}

int igt_main()
{
	struct drm_aiaccel_info info;
	struct base b;
	int fd = -1;

	igt_fixture() {
		fd = aiaccel_open(0);
		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		base_new(fd, &b);
	}

	igt_describe("The starting point of every case is a valid SUBMIT.");
	igt_subtest("valid-base")
		expect_ok(&b, base_args(&b));

	igt_describe("Every SUBMIT flag bit GET_INFO's submit_flags lacks, and any bit of "
		     "either reserved word, is -EINVAL; all of submit_flags at once is fine.");
	igt_subtest("flags-and-reserved") {
		struct drm_aiaccel_submit a;
		int bit;

		for (bit = 0; bit < 32; bit++) {
			if ((1u << bit) & info.submit_flags)
				continue;
			a = base_args(&b);
			a.flags |= 1u << bit;
			expect_err(&b, a, -EINVAL);
		}
		for (bit = 0; bit < 64; bit++) {
			a = base_args(&b);
			a.reserved[0] = 1ull << bit;
			expect_err(&b, a, -EINVAL);
			a = base_args(&b);
			a.reserved[1] = 1ull << bit;
			expect_err(&b, a, -EINVAL);
		}
		a = base_args(&b);
		/* This driver knows every flag of this header, and no other. */
		igt_assert_eq_u32(info.submit_flags, DRM_AIACCEL_SUBMIT_EVENT |
				  DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC | DRM_AIACCEL_SUBMIT_ENGINE);
		a.flags = info.submit_flags;
		expect_ok(&b, a);
	}

	igt_describe("With SUBMIT_ENGINE, an engine the device does not have is -EINVAL "
		     "and each engine it has runs the job; without it, any engine but 0 "
		     "is -EINVAL.");
	igt_subtest("engine") {
		static const uint32_t bad[] = { 4, 5, 0x7fffffff, 0xfffffffe, 0x80000000,
						0xffffffff };
		struct drm_aiaccel_event_job ev;
		struct drm_aiaccel_submit a;
		unsigned int i;

		a = base_args(&b);
		a.flags |= DRM_AIACCEL_SUBMIT_ENGINE;
		a.engine = info.num_engines;
		expect_err(&b, a, -EINVAL);
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			if (bad[i] < info.num_engines)
				continue;
			a.engine = bad[i];
			expect_err(&b, a, -EINVAL);
		}
		for (i = 0; i < info.num_engines; i++) {
			a.engine = i;
			expect_ok(&b, a);
		}

		a = base_args(&b);
		for (i = 1; i < info.num_engines; i++) {
			a.engine = i;
			expect_err(&b, a, -EINVAL);
		}
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			a.engine = bad[i];
			expect_err(&b, a, -EINVAL);
		}
		a.engine = 0;
		expect_ok(&b, a);

		/* Pinned, the event reports the engine asked for. */
		for (i = 0; i < info.num_engines; i++) {
			a = base_args(&b);
			a.bo_count = a.in_sync_count = a.out_sync_count = 0;
			a.flags |= DRM_AIACCEL_SUBMIT_ENGINE;
			a.engine = i;
			igt_assert_eq(aiaccel_submit_raw(b.fd, &a), 0);
			igt_assert_eq(aiaccel_read_event(b.fd, &ev, 30 * SEC), 0);
			igt_assert_eq(ev.status, 0);
			igt_assert_eq_u32(ev.engine, i);
		}
	}

	igt_describe("A SUBMIT with every field zero but its command stream (and the "
		     "event asked for, to see it) runs without CAP_SYS_NICE, at normal "
		     "priority, on an engine of the driver's choice.");
	igt_subtest("zeroed") {
		igt_fork(child, 1) {
			struct drm_aiaccel_event_job ev;
			struct drm_aiaccel_submit a;

			drop_cap_sys_nice();
			memset(&a, 0, sizeof(a));
			a.cs_handle = b.cs.buf.handle;
			a.cs_size = b.cs.used;
			a.flags = DRM_AIACCEL_SUBMIT_EVENT;
			a.event_data = VALID_TAG;
			igt_assert_eq(aiaccel_submit_raw(b.fd, &a), 0);
			igt_assert_eq(aiaccel_read_event(b.fd, &ev, 30 * SEC), 0);
			igt_assert_eq_u64(ev.user_data, VALID_TAG);
			igt_assert_eq(ev.status, 0);
			igt_assert_lt_u32(ev.engine, info.num_engines);
			/* HIGH is what needs the capability; zero is not HIGH. */
			a.priority = DRM_AIACCEL_PRIORITY_HIGH;
			igt_assert_eq(aiaccel_submit_raw(b.fd, &a), -EPERM);
		}
		igt_waitchildren();
	}

	igt_describe("An unknown priority is -EINVAL; HIGH without CAP_SYS_NICE is -EPERM.");
	igt_subtest("priority") {
		static const uint32_t bad[] = { 3, 4, 0x100, 0x7fffffff, 0xffffffff };
		struct drm_aiaccel_submit a;
		unsigned int i;

		aiaccel_require_cap(CAP_SYS_NICE, "submits at DRM_AIACCEL_PRIORITY_HIGH");
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			a = base_args(&b);
			a.priority = bad[i];
			expect_err(&b, a, -EINVAL);
		}
		for (i = 0; i <= DRM_AIACCEL_PRIORITY_HIGH; i++) {
			a = base_args(&b);
			a.priority = i;
			expect_ok(&b, a);
		}
		/* Drop the capability in a child (same file). */
		igt_fork(child, 1) {
			drop_cap_sys_nice();
			a = base_args(&b);
			a.priority = DRM_AIACCEL_PRIORITY_HIGH;
			expect_err(&b, a, -EPERM);
			a.priority = DRM_AIACCEL_PRIORITY_NORMAL;
			expect_ok(&b, a);
		}
		igt_waitchildren();
	}

	igt_describe("A listed buffer with no flag or an unknown flag is -EINVAL; a buffer "
		     "listed several times is fine.");
	igt_subtest("bo-flags") {
		struct drm_aiaccel_submit_bo bos[3];
		struct drm_aiaccel_submit a;
		int bit;

		a = base_args(&b);
		a.bos = (uintptr_t)bos;
		a.bo_count = 1;
		bos[0] = aiaccel_bo_use(b.buf.handle, 0);
		expect_err(&b, a, -EINVAL);
		for (bit = 2; bit < 32; bit++) {
			bos[0].flags = 1u << bit;
			expect_err(&b, a, -EINVAL);
			bos[0].flags = DRM_AIACCEL_SUBMIT_BO_READ | 1u << bit;
			expect_err(&b, a, -EINVAL);
		}
		/* A bad entry after good ones. */
		bos[0] = aiaccel_bo_use(b.buf.handle, DRM_AIACCEL_SUBMIT_BO_READ);
		bos[1] = aiaccel_bo_use(b.cs.buf.handle, DRM_AIACCEL_SUBMIT_BO_READ);
		bos[2] = aiaccel_bo_use(b.buf.handle, 0);
		a.bo_count = 3;
		expect_err(&b, a, -EINVAL);

		bos[2] = aiaccel_bo_use(b.buf.handle, DRM_AIACCEL_SUBMIT_BO_WRITE);
		expect_ok(&b, a);
		a.bo_count = 1;
		bos[0].flags = DRM_AIACCEL_SUBMIT_BO_WRITE;
		expect_ok(&b, a);
	}

	igt_describe("Element strides: smaller than the struct -EINVAL; larger with "
		     "non-zero bytes past the struct -EINVAL; larger with zeros fine.");
	igt_subtest("strides") {
		uint8_t bo_mem[2][64] = { 0 }, in_mem[2][64] = { 0 }, out_mem[2][64] = { 0 };
		const size_t bo_sz = sizeof(struct drm_aiaccel_submit_bo);
		const size_t sync_sz = sizeof(struct drm_aiaccel_sync);
		struct drm_aiaccel_submit a;
		unsigned int stride, i;

		/* Too small. */
		for (stride = 0; stride < bo_sz; stride++) {
			a = base_args(&b);
			a.bo_stride = stride;
			expect_err(&b, a, -EINVAL);
		}
		for (stride = 0; stride < sync_sz; stride++) {
			a = base_args(&b);
			a.in_sync_stride = stride;
			expect_err(&b, a, -EINVAL);
			a = base_args(&b);
			a.out_sync_stride = stride;
			expect_err(&b, a, -EINVAL);
		}

		/* Two elements each, 64-byte strides: the tails must be zero. */
		memcpy(bo_mem[0], &b.bo, bo_sz);
		memcpy(bo_mem[1], &b.bo, bo_sz);
		memcpy(in_mem[0], &b.in, sync_sz);
		memcpy(in_mem[1], &b.in, sync_sz);
		memcpy(out_mem[0], &b.out, sync_sz);
		memcpy(out_mem[1], &b.out, sync_sz);
		a = base_args(&b);
		a.bos = (uintptr_t)bo_mem;
		a.bo_count = 2;
		a.bo_stride = 64;
		a.in_syncs = (uintptr_t)in_mem;
		a.in_sync_count = 2;
		a.in_sync_stride = 64;
		a.out_syncs = (uintptr_t)out_mem;
		a.out_sync_count = 2;
		a.out_sync_stride = 64;
		for (i = 0; i < 2; i++) {
			unsigned int off;

			for (off = bo_sz; off < 64; off += 3) {
				bo_mem[i][off] = 1;
				expect_err(&b, a, -EINVAL);
				bo_mem[i][off] = 0;
			}
			for (off = sync_sz; off < 64; off += 3) {
				in_mem[i][off] = 0x80;
				expect_err(&b, a, -EINVAL);
				in_mem[i][off] = 0;
				out_mem[i][off] = 0x80;
				expect_err(&b, a, -EINVAL);
				out_mem[i][off] = 0;
			}
		}
		expect_ok(&b, a);

		/* A page-sized stride with zeros is fine too. */
		{
			uint8_t *big = calloc(2, 4096);

			igt_assert(big);
			memcpy(big, &b.bo, bo_sz);
			memcpy(big + 4096, &b.bo, bo_sz);
			a = base_args(&b);
			a.bos = (uintptr_t)big;
			a.bo_count = 2;
			a.bo_stride = 4096;
			expect_ok(&b, a);
			big[4096 + 4095] = 1;
			expect_err(&b, a, -EINVAL);
			free(big);
		}
	}

	igt_describe("Arrays longer than GET_INFO's max_submit_bos / max_submit_syncs are "
		     "-EINVAL; arrays of exactly the maximum are fine; empty arrays are not "
		     "read.");
	igt_subtest("array-counts") {
		struct drm_aiaccel_submit_bo *bos;
		struct drm_aiaccel_sync *ins, *outs;
		struct drm_aiaccel_submit a;
		unsigned int i;

		igt_assert(info.max_submit_bos >= 1 && info.max_submit_syncs >= 1);
		bos = calloc(info.max_submit_bos + 1, sizeof(*bos));
		ins = calloc(info.max_submit_syncs + 1, sizeof(*ins));
		outs = calloc(info.max_submit_syncs + 1, sizeof(*outs));
		igt_assert(bos && ins && outs);
		for (i = 0; i <= info.max_submit_bos; i++)
			bos[i] = b.bo;
		for (i = 0; i <= info.max_submit_syncs; i++) {
			ins[i] = b.in;
			outs[i] = b.out;
		}

		a = base_args(&b);
		a.bos = (uintptr_t)bos;
		a.bo_count = info.max_submit_bos + 1;
		expect_err(&b, a, -EINVAL);
		a.bo_count = 0xffffffff;
		expect_err(&b, a, -EINVAL);
		a = base_args(&b);
		a.in_syncs = (uintptr_t)ins;
		a.in_sync_count = info.max_submit_syncs + 1;
		expect_err(&b, a, -EINVAL);
		a.in_sync_count = 0xffffffff;
		expect_err(&b, a, -EINVAL);
		a = base_args(&b);
		a.out_syncs = (uintptr_t)outs;
		a.out_sync_count = info.max_submit_syncs + 1;
		expect_err(&b, a, -EINVAL);
		a.out_sync_count = 0xffffffff;
		expect_err(&b, a, -EINVAL);

		/* The maxima, all at once (the same buffer and syncobjs, repeated). */
		a = base_args(&b);
		a.bos = (uintptr_t)bos;
		a.bo_count = info.max_submit_bos;
		a.in_syncs = (uintptr_t)ins;
		a.in_sync_count = info.max_submit_syncs;
		a.out_syncs = (uintptr_t)outs;
		a.out_sync_count = info.max_submit_syncs;
		expect_ok(&b, a);

		/* Empty arrays: pointer and stride are not looked at. */
		a = base_args(&b);
		a.bos = a.in_syncs = a.out_syncs = (uintptr_t)unmapped_page();
		a.bo_count = a.in_sync_count = a.out_sync_count = 0;
		a.bo_stride = a.in_sync_stride = a.out_sync_stride = 0;
		expect_ok(&b, a);

		free(outs);
		free(ins);
		free(bos);
	}

	igt_describe("Unreadable arrays (null, unmapped, kernel addresses, an array "
		     "running into an unmapped page) and an unreadable argument are -EFAULT.");
	igt_subtest("bad-pointers") {
		const uint64_t bad[] = {
			0, 8, (uintptr_t)unmapped_page(), 0xffff800000000000ull, ~0ull - 7,
		};
		struct drm_aiaccel_submit a;
		uint8_t *two;
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			a = base_args(&b);
			a.bos = bad[i];
			expect_err(&b, a, -EFAULT);
			a = base_args(&b);
			a.in_syncs = bad[i];
			expect_err(&b, a, -EFAULT);
			a = base_args(&b);
			a.out_syncs = bad[i];
			expect_err(&b, a, -EFAULT);
		}

		/* Two elements; the second crosses into an unmapped page. */
		two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		igt_assert(two != MAP_FAILED);
		igt_assert_eq(munmap(two + 4096, 4096), 0);
		a = base_args(&b);
		memcpy(two + 4096 - 12, &b.bo, sizeof(b.bo));
		memcpy(two + 4096 - 4, &b.bo, 4);	/* half of the second */
		a.bos = (uintptr_t)(two + 4096 - 12);
		a.bo_count = 2;
		expect_err(&b, a, -EFAULT);
		a = base_args(&b);
		memcpy(two + 4096 - 24, &b.out, sizeof(b.out));
		a.out_syncs = (uintptr_t)(two + 4096 - 24);
		a.out_sync_count = 2;
		expect_err(&b, a, -EFAULT);
		a = base_args(&b);
		memcpy(two + 4096 - 24, &b.in, sizeof(b.in));
		a.in_syncs = (uintptr_t)(two + 4096 - 24);
		a.in_sync_count = 2;
		expect_err(&b, a, -EFAULT);
		munmap(two, 4096);

		/* The ioctl argument itself. */
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, unmapped_page()), -1);
		igt_assert_eq(errno, EFAULT);
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_AIACCEL_SUBMIT, NULL), -1);
		igt_assert_eq(errno, EFAULT);
		igt_assert(aiaccel_no_event(fd, 0));
		expect_ok(&b, base_args(&b));
	}

	igt_describe("The command stream: offset or size not a multiple of 8, larger than "
		     "GET_INFO's max_cs_size, or not inside its buffer is -EINVAL; an "
		     "empty stream at the very end of its buffer is fine.");
	igt_subtest("cs-bounds") {
		const uint64_t size = b.cs.buf.size;	/* 8192 */
		const struct { uint64_t off, len; } bad[] = {
			{ 4, 8 }, { 1, 0 }, { 0, 4 }, { 0, 12 }, { 8, 1 },
			{ 0, size + 8 }, { 8, size }, { size, 8 }, { size + 8, 0 },
			{ 0, info.max_cs_size + 8 }, { 0, 1ull << 32 },
			{ 1ull << 63, 8 }, { ~7ull, 8 }, { 8, ~7ull }, { ~7ull, ~7ull },
		};
		const struct { uint64_t off, len; } good[] = {
			{ 0, 0 }, { 0, 8 }, { size - 8, 8 }, { size, 0 }, { 8, size - 8 },
		};
		struct drm_aiaccel_submit a;
		unsigned int i;

		/* The whole buffer is valid NOPs. */
		memset(b.cs.buf.map, 0, size);
		for (i = 0; i < size / 8; i++)
			((struct aiaccel_op_header *)b.cs.buf.map)[i].size = 8;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			a = base_args(&b);
			a.cs_offset = bad[i].off;
			a.cs_size = bad[i].len;
			igt_debug("cs_offset %llu cs_size %llu\n",
				  (unsigned long long)bad[i].off, (unsigned long long)bad[i].len);
			expect_err(&b, a, -EINVAL);
		}
		for (i = 0; i < ARRAY_SIZE(good); i++) {
			a = base_args(&b);
			a.cs_offset = good[i].off;
			a.cs_size = good[i].len;
			expect_ok(&b, a);
		}
	}

	igt_describe("A command stream of GET_INFO's max_cs_size bytes runs; 8 bytes more, "
		     "inside the same buffer, is -EINVAL.");
	igt_subtest("cs-size-limit") {
		struct drm_aiaccel_submit a;
		struct aiaccel_buf big;
		uint64_t i;

		igt_assert(info.max_cs_size >= 8 && info.max_cs_size % 8 == 0);
		aiaccel_buf_new(fd, info.max_cs_size + 8, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &big);
		memset(big.map, 0, info.max_cs_size + 8);
		for (i = 0; i < (info.max_cs_size + 8) / 8; i++)
			((struct aiaccel_op_header *)big.map)[i].size = 8;
		a = base_args(&b);
		a.cs_handle = big.handle;
		a.cs_size = info.max_cs_size + 8;
		expect_err(&b, a, -EINVAL);
		a.cs_size = info.max_cs_size;
		expect_ok(&b, a);
		aiaccel_buf_free(fd, &big);
	}

	igt_describe("Unknown handles: command-stream buffer, listed buffer, in- and "
		     "out-syncobj, and handles valid only in another file, are -ENOENT.");
	igt_subtest("unknown-handles") {
		int other = aiaccel_open(0);
		struct aiaccel_buf obuf;
		uint32_t osync = aiaccel_syncobj(other);
		uint32_t unknown[] = { 0, 0xdead, 0xffffffff, 0 };
		struct drm_aiaccel_submit_bo bo;
		struct drm_aiaccel_sync sync;
		struct drm_aiaccel_submit a;
		unsigned int i;

		aiaccel_buf_new(other, 4096, 0, &obuf);
		/* A handle of the other file that does not exist in ours. */
		unknown[3] = obuf.handle + 1000;
		for (i = 0; i < ARRAY_SIZE(unknown); i++) {
			a = base_args(&b);
			a.cs_handle = unknown[i];
			expect_err(&b, a, -ENOENT);

			a = base_args(&b);
			bo = aiaccel_bo_use(unknown[i], DRM_AIACCEL_SUBMIT_BO_READ);
			a.bos = (uintptr_t)&bo;
			expect_err(&b, a, -ENOENT);

			a = base_args(&b);
			sync = aiaccel_sync(unknown[i], 0, 0);
			a.in_syncs = (uintptr_t)&sync;
			expect_err(&b, a, -ENOENT);

			a = base_args(&b);
			a.out_syncs = (uintptr_t)&sync;
			expect_err(&b, a, -ENOENT);
		}
		/* Handles of the other file, if ours has no such number. */
		if (obuf.handle != b.buf.handle && obuf.handle != b.cs.buf.handle) {
			a = base_args(&b);
			bo = aiaccel_bo_use(obuf.handle, DRM_AIACCEL_SUBMIT_BO_READ);
			a.bos = (uintptr_t)&bo;
			expect_err(&b, a, -ENOENT);
		}
		if (osync != b.in_syncobj && osync != b.out_syncobj) {
			a = base_args(&b);
			sync = aiaccel_sync(osync, 0, 0);
			a.in_syncs = (uintptr_t)&sync;
			expect_err(&b, a, -ENOENT);
		}
		aiaccel_buf_free(other, &obuf);
		drmSyncobjDestroy(other, osync);
		close(other);
		expect_ok(&b, base_args(&b));
	}

	igt_describe("In-sync flags other than WAIT_FOR_SUBMIT, and any out-sync flag, "
		     "are -EINVAL.");
	igt_subtest("sync-flags") {
		struct drm_aiaccel_sync sync;
		struct drm_aiaccel_submit a;
		int bit;

		for (bit = 0; bit < 32; bit++) {
			a = base_args(&b);
			sync = b.out;
			sync.flags = 1u << bit;
			a.out_syncs = (uintptr_t)&sync;
			expect_err(&b, a, -EINVAL);
			if ((1u << bit) == DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT)
				continue;
			a = base_args(&b);
			sync = b.in;
			sync.flags = 1u << bit;
			a.in_syncs = (uintptr_t)&sync;
			expect_err(&b, a, -EINVAL);
		}
		/* WAIT_FOR_SUBMIT on an in-sync that has its fence already. */
		a = base_args(&b);
		sync = b.in;
		sync.flags = DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT;
		a.in_syncs = (uintptr_t)&sync;
		expect_ok(&b, a);
	}

	igt_describe("An in-sync with nothing submitted for it (a binary syncobj without a "
		     "fence, a timeline point past the last) is -EINVAL without "
		     "WAIT_FOR_SUBMIT.");
	igt_subtest("in-sync-not-submitted") {
		uint32_t empty = aiaccel_syncobj(fd), t = aiaccel_syncobj(fd);
		const uint64_t points[] = { 6, 1ull << 32, (1ull << 32) + 5, ~0ull };
		struct drm_aiaccel_sync sync;
		struct drm_aiaccel_submit a;
		uint64_t five = 5;
		unsigned int i;

		a = base_args(&b);
		sync = aiaccel_sync(empty, 0, 0);
		a.in_syncs = (uintptr_t)&sync;
		expect_err(&b, a, -EINVAL);
		sync.point = 1;
		expect_err(&b, a, -EINVAL);

		igt_assert_eq(drmSyncobjTimelineSignal(fd, &t, &five, 1), 0);
		for (i = 0; i < ARRAY_SIZE(points); i++) {
			sync = aiaccel_sync(t, 0, points[i]);
			expect_err(&b, a, -EINVAL);
		}
		/* Points up to the last one are fine. */
		sync = aiaccel_sync(t, 0, 5);
		expect_ok(&b, a);
		sync = aiaccel_sync(t, 0, 1);
		expect_ok(&b, a);
		drmSyncobjDestroy(fd, empty);
		drmSyncobjDestroy(fd, t);
	}

	igt_describe("WAIT: unknown flags -EINVAL, unknown handle -ENOENT; a deadline in "
		     "the past only polls.");
	igt_subtest("wait-invalid") {
		struct drm_aiaccel_wait w = { .handle = b.buf.handle };
		int bit;

		for (bit = 0; bit < 32; bit++) {
			if ((1u << bit) == DRM_AIACCEL_WAIT_WRITERS)
				continue;
			w.flags = 1u << bit;
			do_ioctl_err(fd, DRM_IOCTL_AIACCEL_WAIT, &w, EINVAL);
		}
		w.flags = 0;
		w.handle = 0;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_WAIT, &w, ENOENT);
		w.handle = 0xdead;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_WAIT, &w, ENOENT);
		w.handle = b.in_syncobj;	/* a syncobj handle is no buffer handle */
		if (w.handle != b.buf.handle && w.handle != b.cs.buf.handle)
			do_ioctl_err(fd, DRM_IOCTL_AIACCEL_WAIT, &w, ENOENT);
		w.handle = b.buf.handle;
		w.timeout_ns = -1;
		do_ioctl(fd, DRM_IOCTL_AIACCEL_WAIT, &w);
		w.timeout_ns = INT64_MIN;
		do_ioctl(fd, DRM_IOCTL_AIACCEL_WAIT, &w);
		w.timeout_ns = INT64_MAX;
		do_ioctl(fd, DRM_IOCTL_AIACCEL_WAIT, &w);
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_AIACCEL_WAIT, unmapped_page()), -1);
		igt_assert_eq(errno, EFAULT);
	}

	igt_fixture() {
		base_free(&b);
		close(fd);
	}
}
