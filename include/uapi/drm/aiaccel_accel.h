/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * Userspace interface of the aiaccel DRM accel driver.
 *
 * The device node is /dev/accel/accelN.  Besides the ioctls below, the
 * generic DRM ioctls that make sense on an accel node work on it:
 * DRM_IOCTL_VERSION (name "aiaccel"), DRM_IOCTL_GET_CAP.
 *
 * Conventions: every struct is 64-bit aligned and padded, pointers are
 * passed as __u64, every field documented as "must be zero" is checked and
 * a non-zero value fails with -EINVAL, so that it can be given a meaning
 * later.
 */
#ifndef __AIACCEL_ACCEL_H__
#define __AIACCEL_ACCEL_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_AIACCEL_GET_INFO		0x00
#define DRM_AIACCEL_BO_CREATE		0x01
#define DRM_AIACCEL_BO_INFO		0x02

/**
 * DRM_AIACCEL_CAP_MMU - The device translates every access through
 * per-context page tables; buffers are addressed by device VA.
 */
#define DRM_AIACCEL_CAP_MMU		(1ULL << 0)
/** DRM_AIACCEL_CAP_ISA_INT8 - The device runs the int8 command-stream ISA. */
#define DRM_AIACCEL_CAP_ISA_INT8	(1ULL << 1)
/** DRM_AIACCEL_CAP_PERFCNT - Cycle, MAC and byte counters are available. */
#define DRM_AIACCEL_CAP_PERFCNT		(1ULL << 2)
/** DRM_AIACCEL_CAP_CLOCK_LEVELS - The engine clock can be scaled. */
#define DRM_AIACCEL_CAP_CLOCK_LEVELS	(1ULL << 3)
/** DRM_AIACCEL_CAP_WATCHDOG - The engines abort jobs that run too long. */
#define DRM_AIACCEL_CAP_WATCHDOG	(1ULL << 4)

/**
 * struct drm_aiaccel_info - Description of one aiaccel device.
 *
 * Filled by %DRM_IOCTL_AIACCEL_GET_INFO.  New members are only ever added at
 * the end; a caller with an older, shorter copy of this struct gets the
 * prefix it knows about.
 */
struct drm_aiaccel_info {
	/** @device_id: Identification register: vendor << 16 | product. */
	__u32 device_id;
	/** @hw_version: Hardware revision: major << 24 | minor << 16 | patch. */
	__u32 hw_version;
	/** @capabilities: Mask of DRM_AIACCEL_CAP_* bits. */
	__u64 capabilities;
	/** @num_engines: Compute engines, each with its own job queue. */
	__u32 num_engines;
	/** @num_dma_channels: DMA channels shared by the engines. */
	__u32 num_dma_channels;
	/** @mem_size: Device memory budget in bytes. */
	__u64 mem_size;
	/** @mem_used: Bytes of the budget currently allocated, device-wide. */
	__u64 mem_used;
	/** @queue_depth: Jobs each engine queue accepts in flight. */
	__u32 queue_depth;
	/** @isa_version: Version of the command-stream ISA. */
	__u32 isa_version;
	/** @va_bits: Width of the device virtual address space. */
	__u32 va_bits;
	/** @page_size: Device MMU page size in bytes. */
	__u32 page_size;
	/** @max_clock_mhz: Engine clock at the highest clock level. */
	__u32 max_clock_mhz;
	/** @clock_levels: Number of engine clock levels. */
	__u32 clock_levels;
	/** @instance: Instance number of this device on its bus. */
	__u32 instance;
	/** @pad: Always zero. */
	__u32 pad;
};

/**
 * struct drm_aiaccel_get_info - Argument of %DRM_IOCTL_AIACCEL_GET_INFO.
 *
 * The kernel copies at most @info_size bytes of &struct drm_aiaccel_info to
 * @info_ptr and sets @info_size to the size of its own copy, so a caller can
 * learn the current size by passing 0 with a null pointer.
 */
struct drm_aiaccel_get_info {
	/** @info_ptr: User pointer to a &struct drm_aiaccel_info. */
	__u64 info_ptr;
	/**
	 * @info_size: In: size of the buffer at @info_ptr.
	 * Out: sizeof(struct drm_aiaccel_info) as known to the kernel.
	 */
	__u32 info_size;
	/** @flags: Must be zero. */
	__u32 flags;
};

/*
 * DRM_IOCTL_AIACCEL_GET_INFO - Describe the device.
 *
 * Errors: -EINVAL if @flags is not zero; -EFAULT if @info_ptr cannot be
 * written.
 */
#define DRM_IOCTL_AIACCEL_GET_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AIACCEL_GET_INFO, struct drm_aiaccel_get_info)

/**
 * DRM_AIACCEL_BO_DEVICE_READ_ONLY - The device may read the buffer but not
 * write it: a job writing it fails with an MMU fault.  For weights and
 * command streams.  The CPU mapping is unaffected.
 */
#define DRM_AIACCEL_BO_DEVICE_READ_ONLY	(1U << 0)
/** DRM_AIACCEL_BO_FLAGS - Every flag BO_CREATE knows. */
#define DRM_AIACCEL_BO_FLAGS		DRM_AIACCEL_BO_DEVICE_READ_ONLY

/**
 * struct drm_aiaccel_bo_create - Argument of %DRM_IOCTL_AIACCEL_BO_CREATE.
 *
 * Creates a buffer in device memory, maps it in the caller's device address
 * space and returns a GEM handle to it.  Free it with DRM_IOCTL_GEM_CLOSE;
 * export and import it with DRM_IOCTL_PRIME_HANDLE_TO_FD/FD_TO_HANDLE.
 * Memory is zeroed and CPU-coherent with the device: no cache maintenance
 * is needed around jobs.
 */
struct drm_aiaccel_bo_create {
	/**
	 * @size: In: bytes, at least 1, rounded up to the page size.
	 * Out: the rounded size.
	 */
	__u64 size;
	/** @flags: In: DRM_AIACCEL_BO_* flags. */
	__u32 flags;
	/** @handle: Out: GEM handle. */
	__u32 handle;
	/** @va: Out: device virtual address in the caller's address space. */
	__u64 va;
	/** @mmap_offset: Out: offset to pass to mmap() on the device fd. */
	__u64 mmap_offset;
	/** @pad: Must be zero. */
	__u64 pad;
};

/** DRM_AIACCEL_BO_INFO_IMPORTED - The buffer was imported from a dma-buf. */
#define DRM_AIACCEL_BO_INFO_IMPORTED	(1U << 0)

/**
 * struct drm_aiaccel_bo_info - Argument of %DRM_IOCTL_AIACCEL_BO_INFO.
 *
 * Describes a buffer the caller holds a handle to, e.g. one just imported
 * with DRM_IOCTL_PRIME_FD_TO_HANDLE.
 */
struct drm_aiaccel_bo_info {
	/** @handle: In: GEM handle. */
	__u32 handle;
	/** @pad: Must be zero. */
	__u32 pad;
	/** @size: Out: size in bytes. */
	__u64 size;
	/** @va: Out: device virtual address in the caller's address space. */
	__u64 va;
	/** @mmap_offset: Out: offset to pass to mmap() on the device fd. */
	__u64 mmap_offset;
	/** @flags: Out: DRM_AIACCEL_BO_* flags it was created with. */
	__u32 flags;
	/** @info_flags: Out: DRM_AIACCEL_BO_INFO_* facts. */
	__u32 info_flags;
};

/*
 * DRM_IOCTL_AIACCEL_BO_CREATE - Create a buffer.
 *
 * Errors: -EINVAL for unknown flags, non-zero pad, size 0 or larger than
 * the device address space; -ENOMEM if the device memory budget
 * (drm_aiaccel_info.mem_size - mem_used) cannot hold it or the system is
 * out of memory; -ENOSPC if the caller's address space is full.
 */
#define DRM_IOCTL_AIACCEL_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AIACCEL_BO_CREATE, struct drm_aiaccel_bo_create)

/*
 * DRM_IOCTL_AIACCEL_BO_INFO - Describe a buffer.
 *
 * Errors: -ENOENT for an unknown handle; -EINVAL for non-zero pad.
 */
#define DRM_IOCTL_AIACCEL_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AIACCEL_BO_INFO, struct drm_aiaccel_bo_info)

#if defined(__cplusplus)
}
#endif

#endif /* __AIACCEL_ACCEL_H__ */
