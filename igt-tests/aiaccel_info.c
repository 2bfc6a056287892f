// SPDX-License-Identifier: MIT
/*
 * aiaccel_info: the device node, DRM_IOCTL_VERSION and
 * DRM_IOCTL_AIACCEL_GET_INFO.
 */

#include <sys/mman.h>
#include <sys/wait.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "../drivers/accel/aiaccel/aiaccel_regs.h"

IGT_TEST_DESCRIPTION("aiaccel device node, version and GET_INFO.");

static void check_matches_registers(int fd)
{
	struct drm_aiaccel_info info;
	int minor = aiaccel_fd_minor(fd);
	uint32_t id, version, caps, config, mem_lo, mem_hi, clock, instance, isa;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	igt_require_f(aiaccel_read_reg(minor, AIACCEL_REG_ID, &id),
		      "needs the regmap debugfs of accel%d (debugfs, root)\n", minor);
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_VERSION, &version));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_CAPS, &caps));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_CONFIG, &config));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_MEM_SIZE_LO, &mem_lo));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_MEM_SIZE_HI, &mem_hi));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_MAX_CLOCK_MHZ, &clock));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_INSTANCE, &instance));
	igt_assert(aiaccel_read_reg(minor, AIACCEL_REG_ISA_VERSION, &isa));

	igt_assert_eq_u32(info.device_id, id);
	igt_assert_eq_u32(info.hw_version, version);
	igt_assert_eq_u32(info.num_engines, config & 0xf);
	igt_assert_eq_u32(info.num_dma_channels, (config >> 4) & 0xf);
	igt_assert_eq_u32(info.va_bits, (config >> 8) & 0xff);
	igt_assert_eq_u32(info.clock_levels, (config >> 20) & 0xf);
	igt_assert_eq_u64(info.mem_size, (uint64_t)mem_hi << 32 | mem_lo);
	igt_assert_eq_u32(info.max_clock_mhz, clock);
	igt_assert_eq_u32(info.instance, instance);
	igt_assert_eq_u32(info.isa_version, isa);
	/* The capability bits are the register's, renumbered one to one. */
	igt_assert_eq(!!(info.capabilities & DRM_AIACCEL_CAP_MMU), !!(caps & AIACCEL_CAPS_MMU));
	igt_assert_eq(!!(info.capabilities & DRM_AIACCEL_CAP_ISA_INT8),
		      !!(caps & AIACCEL_CAPS_ISA_INT8));
	igt_assert_eq(!!(info.capabilities & DRM_AIACCEL_CAP_PERFCNT),
		      !!(caps & AIACCEL_CAPS_PERFCNT));
	igt_assert_eq(!!(info.capabilities & DRM_AIACCEL_CAP_CLOCK_LEVELS),
		      !!(caps & AIACCEL_CAPS_CLOCK_LEVELS));
	igt_assert_eq(!!(info.capabilities & DRM_AIACCEL_CAP_WATCHDOG),
		      !!(caps & AIACCEL_CAPS_WATCHDOG));
	igt_assert_eq_u32(info.page_size, 4096);
	igt_assert_eq_u32(info.pad, 0);
}

/*
 * Coherence is the platform's, not a register's: x86 is DMA-coherent, so
 * the bit is set there, and then user-memory buffers are available.
 */
static void check_coherent(int fd)
{
	struct drm_aiaccel_info info;
	struct drm_aiaccel_bo_create_userptr up = { .size = 4096 };
	void *mem;

	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
#if defined(__x86_64__) || defined(__i386__)
	igt_assert(info.capabilities & DRM_AIACCEL_CAP_COHERENT);
#endif
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(mem != MAP_FAILED);
	up.user_ptr = (uintptr_t)mem;
	if (info.capabilities & DRM_AIACCEL_CAP_COHERENT) {
		do_ioctl(fd, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &up);
		igt_assert_eq(aiaccel_gem_close(fd, up.handle), 0);
	} else {
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &up, EOPNOTSUPP);
	}
	munmap(mem, 4096);
}

static void check_queue_depth(int fd)
{
	struct drm_aiaccel_info info;
	unsigned int param;
	FILE *f;

	f = fopen("/sys/module/aiaccel/parameters/queue_depth", "r");
	igt_require(f);
	igt_assert_eq(fscanf(f, "%u", &param), 1);
	fclose(f);
	igt_assert_eq(aiaccel_get_info(fd, &info), 0);
	igt_assert_eq_u32(info.queue_depth, param);
}

int igt_main()
{
	int fd = -1;

	igt_fixture()
		fd = aiaccel_open(0);

	igt_describe("DRM_IOCTL_VERSION on the accel node names the aiaccel driver.");
	igt_subtest("version") {
		drmVersionPtr v = drmGetVersion(fd);

		igt_assert(v);
		igt_assert_eq(strcmp(v->name, "aiaccel"), 0);
		igt_assert_eq(v->version_major, 1);
		drmFreeVersion(v);
	}

	igt_describe("GET_INFO reports what the device's registers say.");
	igt_subtest("info-matches-registers")
		check_matches_registers(fd);

	igt_describe("GET_INFO reports DRM_AIACCEL_CAP_COHERENT on x86, and user-memory "
		     "buffers exist exactly when it does.");
	igt_subtest("info-coherent")
		check_coherent(fd);

	igt_describe("GET_INFO reports the queue_depth module parameter.");
	igt_subtest("info-queue-depth")
		check_queue_depth(fd);

	igt_describe("GET_INFO reports usable limits: at least one buffer and sync per "
		     "SUBMIT, a command stream of whole 8-byte ops, buffers of whole pages.");
	igt_subtest("info-limits") {
		struct drm_aiaccel_info info;

		igt_assert_eq(aiaccel_get_info(fd, &info), 0);
		igt_assert_lte(1, info.max_submit_bos);
		igt_assert_lte(1, info.max_submit_syncs);
		igt_assert_lte_u64(8, info.max_cs_size);
		igt_assert_eq_u64(info.max_cs_size % 8, 0);
		igt_assert_lte_u64(info.page_size, info.max_bo_size);
		igt_assert_eq_u64(info.max_bo_size % info.page_size, 0);
		igt_assert(info.bo_flags & DRM_AIACCEL_BO_DEVICE_READ_ONLY);
		igt_assert(info.submit_flags & DRM_AIACCEL_SUBMIT_ENGINE);
	}

	igt_describe("A size query returns the kernel's struct size and copies nothing.");
	igt_subtest("info-size-query") {
		struct drm_aiaccel_get_info args = { 0 };

		do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args);
		igt_assert_eq_u32(args.info_size, sizeof(struct drm_aiaccel_info));
	}

	igt_describe("A shorter struct gets the prefix; a longer one a zeroed tail.");
	igt_subtest("info-short-and-long") {
		struct drm_aiaccel_info full;
		uint8_t buf[sizeof(full) + 64];
		struct drm_aiaccel_get_info args = { .info_ptr = (uintptr_t)buf };
		size_t i;

		igt_assert_eq(aiaccel_get_info(fd, &full), 0);

		memset(buf, 0xa5, sizeof(buf));
		args.info_size = 8;
		do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args);
		igt_assert_eq(memcmp(buf, &full, 8), 0);
		for (i = 8; i < sizeof(buf); i++)
			igt_assert_eq(buf[i], 0xa5);

		memset(buf, 0xa5, sizeof(buf));
		args.info_size = sizeof(buf);
		do_ioctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args);
		igt_assert_eq_u32(args.info_size, sizeof(full));
		igt_assert_eq(memcmp(buf, &full, sizeof(full)), 0);
		for (i = sizeof(full); i < sizeof(buf); i++)
			igt_assert_eq(buf[i], 0);
	}

	igt_describe("Every bit of the flags field is reserved: -EINVAL.");
	igt_subtest("info-flags-reserved") {
		struct drm_aiaccel_info info;
		struct drm_aiaccel_get_info args = {
			.info_ptr = (uintptr_t)&info,
			.info_size = sizeof(info),
		};
		int bit;

		for (bit = 0; bit < 32; bit++) {
			args.flags = 1u << bit;
			do_ioctl_err(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args, EINVAL);
		}
	}

	igt_describe("Unwritable info pointers and argument pointers give -EFAULT.");
	igt_subtest("info-bad-pointer") {
		struct drm_aiaccel_get_info args = {
			.info_size = sizeof(struct drm_aiaccel_info),
		};
		void *ro;

		args.info_ptr = 0;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args, EFAULT);
		args.info_ptr = 8;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args, EFAULT);

		ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(ro != MAP_FAILED);
		args.info_ptr = (uintptr_t)ro;
		do_ioctl_err(fd, DRM_IOCTL_AIACCEL_GET_INFO, &args, EFAULT);
		munmap(ro, 4096);

		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_AIACCEL_GET_INFO, (void *)8), -1);
		igt_assert_eq(errno, EFAULT);
	}

	igt_describe("An ioctl number past the driver's table is rejected.");
	igt_subtest("unknown-ioctl") {
		struct drm_aiaccel_get_info args = { 0 };

		igt_assert_eq(igt_ioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + 0x3f,
						     struct drm_aiaccel_get_info), &args), -1);
		igt_assert(errno == EINVAL || errno == ENOTTY);
	}

	igt_describe("Many processes open the device and query it at once.");
	igt_subtest("many-processes") {
		igt_fork(child, 16) {
			int i;

			for (i = 0; i < 20; i++) {
				struct drm_aiaccel_info info;
				int cfd = aiaccel_open(0);

				igt_assert_eq(aiaccel_get_info(cfd, &info), 0);
				igt_assert_eq_u32(info.device_id, 0xa1ac0001);
				close(cfd);
			}
		}
		igt_waitchildren();
	}

	igt_fixture()
		close(fd);
}
