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
#define DRM_AIACCEL_SUBMIT		0x03
#define DRM_AIACCEL_WAIT		0x04
#define DRM_AIACCEL_GET_STATS		0x05
#define DRM_AIACCEL_POWER		0x06

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
 * DRM_AIACCEL_CAP_COHERENT - The device's memory accesses are coherent with
 * the CPU caches (the platform says so: dev_is_dma_coherent()).  CPU
 * mappings of buffers (mmap() of &drm_aiaccel_bo_create.mmap_offset, and
 * of their dma-bufs) are then cached, and
 * %DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR is available.  Without it, CPU
 * mappings of buffers are write-combined (uncached: fast to write
 * sequentially, slow to read), and BO_CREATE_USERPTR fails with
 * -EOPNOTSUPP.  Either way no cache maintenance is needed around jobs.
 */
#define DRM_AIACCEL_CAP_COHERENT	(1ULL << 5)

/**
 * struct drm_aiaccel_info - Description of one aiaccel device.
 *
 * Filled by %DRM_IOCTL_AIACCEL_GET_INFO.  New members are only ever added at
 * the end; a caller with an older, shorter copy of this struct gets the
 * prefix it knows about.  The flags and limits SUBMIT and BO_CREATE accept
 * are reported here rather than fixed by this header: they may differ
 * between devices and driver versions.
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
	/** @state: Mask of DRM_AIACCEL_STATE_* bits. */
	__u64 state;
	/**
	 * @job_timeout_ms: A job whose engine makes no progress for this
	 * long is reset and fails with -ETIMEDOUT.
	 */
	__u32 job_timeout_ms;
	/**
	 * @job_max_ms: A job still running after this long on an engine
	 * fails with -ETIMEDOUT, however well it progresses; 0 for no limit.
	 */
	__u32 job_max_ms;
	/**
	 * @bo_flags: The DRM_AIACCEL_BO_* flags %DRM_IOCTL_AIACCEL_BO_CREATE
	 * accepts; any other bit is -EINVAL.
	 */
	__u32 bo_flags;
	/**
	 * @submit_flags: The DRM_AIACCEL_SUBMIT_* flags
	 * %DRM_IOCTL_AIACCEL_SUBMIT accepts in &drm_aiaccel_submit.flags;
	 * any other bit is -EINVAL.
	 */
	__u32 submit_flags;
	/**
	 * @max_submit_bos: Most buffers one SUBMIT may list
	 * (&drm_aiaccel_submit.bo_count); more is -EINVAL.
	 */
	__u32 max_submit_bos;
	/**
	 * @max_submit_syncs: Most in-syncs, and most out-syncs, one SUBMIT
	 * may pass (&drm_aiaccel_submit.in_sync_count, .out_sync_count);
	 * more is -EINVAL.
	 */
	__u32 max_submit_syncs;
	/**
	 * @max_cs_size: Largest command stream one SUBMIT may run, in bytes
	 * (&drm_aiaccel_submit.cs_size); larger is -EINVAL.
	 */
	__u64 max_cs_size;
	/**
	 * @max_bo_size: Largest size %DRM_IOCTL_AIACCEL_BO_CREATE accepts,
	 * in bytes: what the device address space can hold.  Larger is
	 * -EINVAL; up to it, a size the memory budget (@mem_size) cannot
	 * hold is -ENOMEM.
	 */
	__u64 max_bo_size;
};

/**
 * DRM_AIACCEL_STATE_WEDGED - An engine did not come out of reset.  Every
 * job fails with -EIO until the device is unbound and bound again (a
 * WEDGED=rebind uevent said so).
 */
#define DRM_AIACCEL_STATE_WEDGED	(1ULL << 0)

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

/**
 * struct drm_aiaccel_bo_create - Argument of %DRM_IOCTL_AIACCEL_BO_CREATE.
 *
 * Creates a buffer in device memory, maps it in the caller's device address
 * space and returns a GEM handle to it.  Free it with DRM_IOCTL_GEM_CLOSE;
 * export and import it with DRM_IOCTL_PRIME_HANDLE_TO_FD/FD_TO_HANDLE.
 * Memory is zeroed.  What the CPU writes through a mapping of the buffer is
 * what a job submitted afterwards reads, and what a job wrote is what the
 * CPU reads once the job is done: no cache maintenance is needed around
 * jobs.  The mapping is cached on a device with %DRM_AIACCEL_CAP_COHERENT
 * and write-combined on one without.
 */
struct drm_aiaccel_bo_create {
	/**
	 * @size: In: bytes, at least 1, rounded up to the page size.
	 * Out: the rounded size.
	 */
	__u64 size;
	/**
	 * @flags: In: DRM_AIACCEL_BO_* flags, among those of
	 * &drm_aiaccel_info.bo_flags.
	 */
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
 * Errors: -EINVAL for unknown flags (not in drm_aiaccel_info.bo_flags),
 * non-zero pad, size 0 or larger than drm_aiaccel_info.max_bo_size (what
 * the device address space holds); -ENOMEM if the device memory budget
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

/** DRM_AIACCEL_SUBMIT_BO_READ - The job reads the buffer. */
#define DRM_AIACCEL_SUBMIT_BO_READ	(1U << 0)
/** DRM_AIACCEL_SUBMIT_BO_WRITE - The job writes the buffer. */
#define DRM_AIACCEL_SUBMIT_BO_WRITE	(1U << 1)

/**
 * struct drm_aiaccel_submit_bo - A buffer a job uses.
 *
 * Listing a buffer keeps it mapped while the job runs (even if userspace
 * closes its handle) and, unless the job opts out, orders the job after
 * earlier jobs and dma-buf users: a reader waits for writers, a writer for
 * everyone.  A job may access only buffers mapped in the submitter's
 * address space; listing every buffer it touches is what keeps them
 * mapped.
 */
struct drm_aiaccel_submit_bo {
	/** @handle: GEM handle. */
	__u32 handle;
	/** @flags: DRM_AIACCEL_SUBMIT_BO_READ and/or _WRITE; not zero. */
	__u32 flags;
};

/**
 * DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT - For an in-sync whose timeline point
 * (or binary fence) has not been submitted yet: block in the ioctl until
 * it is, up to 5 s, instead of failing with -EINVAL.
 */
#define DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT	(1U << 0)

/**
 * struct drm_aiaccel_sync - A syncobj a job waits on or signals.
 */
struct drm_aiaccel_sync {
	/** @handle: Syncobj handle (DRM_IOCTL_SYNCOBJ_CREATE). */
	__u32 handle;
	/** @flags: DRM_AIACCEL_SYNC_* for in-syncs; zero for out-syncs. */
	__u32 flags;
	/**
	 * @point: Timeline point, the full 64 bits; 0 for a binary syncobj.
	 * For an out-sync, the point the job's completion is added at.
	 */
	__u64 point;
};

/** DRM_AIACCEL_SUBMIT_EVENT - Send a &struct drm_aiaccel_event_job when done. */
#define DRM_AIACCEL_SUBMIT_EVENT		(1U << 0)
/**
 * DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC - Do not wait for the listed buffers'
 * other users; in-syncs are the only dependencies.  The job's completion is
 * still published on its buffers, so others wait for it.
 */
#define DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC	(1U << 1)
/**
 * DRM_AIACCEL_SUBMIT_ENGINE - Run the job on engine @engine of
 * &struct drm_aiaccel_submit.  Without it the driver picks the least busy
 * engine and @engine must be zero.
 */
#define DRM_AIACCEL_SUBMIT_ENGINE		(1U << 2)

/**
 * enum drm_aiaccel_priority - Scheduling priority of a job.
 * @DRM_AIACCEL_PRIORITY_NORMAL: The default: a zeroed submit runs at it.
 * @DRM_AIACCEL_PRIORITY_LOW: Background work: runs when no NORMAL or HIGH
 *	job of the engine is ready.
 * @DRM_AIACCEL_PRIORITY_HIGH: Runs before NORMAL and LOW jobs; needs
 *	CAP_SYS_NICE.
 */
enum drm_aiaccel_priority {
	DRM_AIACCEL_PRIORITY_NORMAL = 0,
	DRM_AIACCEL_PRIORITY_LOW = 1,
	DRM_AIACCEL_PRIORITY_HIGH = 2,
};

/**
 * struct drm_aiaccel_submit - Argument of %DRM_IOCTL_AIACCEL_SUBMIT.
 *
 * Queues one job: the command stream at @cs_offset in buffer @cs_handle
 * runs on an engine in the submitter's address space once every in-sync
 * has signalled and (unless NO_IMPLICIT_SYNC) the listed buffers' earlier
 * users are done.  The command-stream format is
 * include/uapi/drm/aiaccel_isa.h.  A submit with only @cs_handle and
 * @cs_size set (the rest zero) runs at normal priority on the least busy
 * engine.
 *
 * Arrays are passed as a user pointer, a count and the size of one
 * element (@bo_stride, @in_sync_stride, @out_sync_stride): an element
 * smaller than the struct this header defines is -EINVAL, a larger one
 * must have zeros past it, so the element structs can grow.
 */
struct drm_aiaccel_submit {
	/** @cs_handle: Buffer holding the command stream; the job reads it. */
	__u32 cs_handle;
	/**
	 * @flags: DRM_AIACCEL_SUBMIT_* flags, among those of
	 * &drm_aiaccel_info.submit_flags.
	 */
	__u32 flags;
	/** @cs_offset: Offset of the command stream, a multiple of 8. */
	__u64 cs_offset;
	/**
	 * @cs_size: Bytes of command stream: a multiple of 8, at most
	 * &drm_aiaccel_info.max_cs_size, inside the buffer; 0 runs an empty
	 * job.
	 */
	__u64 cs_size;
	/** @bos: User pointer to @bo_count &struct drm_aiaccel_submit_bo. */
	__u64 bos;
	/** @bo_count: Buffers listed, at most &drm_aiaccel_info.max_submit_bos. */
	__u32 bo_count;
	/** @bo_stride: sizeof(struct drm_aiaccel_submit_bo) as the caller knows it. */
	__u32 bo_stride;
	/** @in_syncs: User pointer to @in_sync_count &struct drm_aiaccel_sync. */
	__u64 in_syncs;
	/** @in_sync_count: At most &drm_aiaccel_info.max_submit_syncs. */
	__u32 in_sync_count;
	/** @in_sync_stride: sizeof(struct drm_aiaccel_sync) as the caller knows it. */
	__u32 in_sync_stride;
	/** @out_syncs: User pointer to @out_sync_count &struct drm_aiaccel_sync. */
	__u64 out_syncs;
	/** @out_sync_count: At most &drm_aiaccel_info.max_submit_syncs. */
	__u32 out_sync_count;
	/** @out_sync_stride: sizeof(struct drm_aiaccel_sync) as the caller knows it. */
	__u32 out_sync_stride;
	/**
	 * @engine: With %DRM_AIACCEL_SUBMIT_ENGINE, the engine to run on,
	 * below &drm_aiaccel_info.num_engines; without it, must be zero and
	 * the driver picks the least busy engine.
	 */
	__u32 engine;
	/** @priority: One of &enum drm_aiaccel_priority; 0 is NORMAL. */
	__u32 priority;
	/** @event_data: Copied into the completion event (SUBMIT_EVENT). */
	__u64 event_data;
	/** @reserved: Must be zero. */
	__u64 reserved[2];
};

/**
 * DRM_AIACCEL_WAIT_WRITERS - Wait only for jobs writing the buffer (it is
 * then safe to read); by default WAIT waits for readers and writers (it is
 * then safe to write).
 */
#define DRM_AIACCEL_WAIT_WRITERS	(1U << 0)

/**
 * struct drm_aiaccel_wait - Argument of %DRM_IOCTL_AIACCEL_WAIT.
 *
 * Waits until the jobs (of any file, and dma-buf users) using a buffer are
 * done.  The timeout is absolute, so a restarted call waits no longer.
 */
struct drm_aiaccel_wait {
	/** @handle: GEM handle. */
	__u32 handle;
	/** @flags: DRM_AIACCEL_WAIT_* flags. */
	__u32 flags;
	/**
	 * @timeout_ns: Absolute CLOCK_MONOTONIC deadline in ns; 0 (or any
	 * time in the past) only polls.
	 */
	__s64 timeout_ns;
};

/** DRM_AIACCEL_EVENT_JOB_DONE - Type of &struct drm_aiaccel_event_job. */
#define DRM_AIACCEL_EVENT_JOB_DONE	0x80000001

/**
 * struct drm_aiaccel_event_job - Read from the device fd when a job that
 * asked for it (DRM_AIACCEL_SUBMIT_EVENT) is done; poll() reports POLLIN.
 */
struct drm_aiaccel_event_job {
	/** @base: Type %DRM_AIACCEL_EVENT_JOB_DONE, length of this struct. */
	struct drm_event base;
	/** @user_data: The submit's @event_data. */
	__u64 user_data;
	/**
	 * @status: 0, or the negative errno the job failed with, which is
	 * also the error of its out-fences: -EINVAL for an op the device
	 * rejected, -EFAULT for an MMU fault, -ETIMEDOUT for a job that hung
	 * and was reset or ran longer than &drm_aiaccel_info.job_max_ms,
	 * -EIO for any other device error and for every job of a wedged
	 * device, -ECANCELED for a job of a banned file that never ran,
	 * -ESRCH for a job dropped when its file was closed before it ran
	 * (also when the device had gone away), -ENODEV for a job the device
	 * went away under.
	 */
	__s32 status;
	/** @engine: Engine that ran the job; ~0 if it never ran. */
	__u32 engine;
	/** @submit_ns: CLOCK_MONOTONIC time of the SUBMIT ioctl. */
	__u64 submit_ns;
	/** @done_ns: CLOCK_MONOTONIC time the job completed. */
	__u64 done_ns;
};

/*
 * DRM_IOCTL_AIACCEL_SUBMIT - Queue a job.
 *
 * Errors: -EINVAL for unknown flags (not in drm_aiaccel_info.submit_flags)
 * or priority, non-zero reserved fields, an engine the device does not
 * have (with %DRM_AIACCEL_SUBMIT_ENGINE), a non-zero engine without
 * %DRM_AIACCEL_SUBMIT_ENGINE, a bad stride, a count over its
 * drm_aiaccel_info limit (max_submit_bos, max_submit_syncs), a command
 * stream larger than drm_aiaccel_info.max_cs_size, outside its buffer or
 * misaligned, a buffer listed without READ or WRITE, an in-sync point not
 * yet submitted (without WAIT_FOR_SUBMIT); -ENOENT for an unknown buffer
 * or syncobj handle; -EFAULT for an unreadable array; -EPERM for HIGH
 * priority without CAP_SYS_NICE; -ECANCELED once the file has been banned
 * for a job that hung the device; -EIO once the device is wedged
 * (%DRM_AIACCEL_STATE_WEDGED); -ENODEV once it has gone away; -ETIME if
 * WAIT_FOR_SUBMIT waited 5 s in vain; -ENOMEM.
 */
#define DRM_IOCTL_AIACCEL_SUBMIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_AIACCEL_SUBMIT, struct drm_aiaccel_submit)

/*
 * DRM_IOCTL_AIACCEL_WAIT - Wait for a buffer to be idle.
 *
 * Errors: -ETIMEDOUT when the deadline passes first; -ENOENT for an unknown
 * handle; -EINVAL for unknown flags; -EINTR/-ERESTARTSYS on a signal (the
 * call restarts with the same deadline).
 */
#define DRM_IOCTL_AIACCEL_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_AIACCEL_WAIT, struct drm_aiaccel_wait)

/** DRM_AIACCEL_MAX_ENGINES - Size of the per-engine arrays below. */
#define DRM_AIACCEL_MAX_ENGINES		4

/**
 * struct drm_aiaccel_stats - Counters of the device and of the caller's file.
 *
 * Filled by %DRM_IOCTL_AIACCEL_GET_STATS.  Counters only grow (but the
 * memory ones).  A job is counted as completed, failed or timed out when
 * its fence signals, so a caller that waited for its jobs sees them
 * counted.  New members are only ever added at the end.
 */
struct drm_aiaccel_stats {
	/** @jobs_submitted: Jobs queued by SUBMIT, device-wide. */
	__u64 jobs_submitted;
	/** @jobs_completed: Jobs that finished without error. */
	__u64 jobs_completed;
	/** @jobs_failed: Jobs that finished with an error, timed out ones included. */
	__u64 jobs_failed;
	/** @jobs_timed_out: Jobs failed because they hung their engine. */
	__u64 jobs_timed_out;
	/** @engine_busy_ns: Per engine, time spent running jobs. */
	__u64 engine_busy_ns[DRM_AIACCEL_MAX_ENGINES];
	/** @engine_cycles: Per engine, cycles the engine reported for jobs. */
	__u64 engine_cycles[DRM_AIACCEL_MAX_ENGINES];
	/** @macs: Multiply-accumulates performed (performance counter). */
	__u64 macs;
	/** @bytes_moved: Bytes read and written by ops (performance counter). */
	__u64 bytes_moved;
	/** @mem_used: Bytes of device memory allocated now. */
	__u64 mem_used;
	/** @mem_peak: Most bytes of device memory ever allocated at once. */
	__u64 mem_peak;
	/** @resets: Engine resets after hung jobs. */
	__u64 resets;
	/** @file_jobs_submitted: Like @jobs_submitted, for the calling file. */
	__u64 file_jobs_submitted;
	/** @file_jobs_completed: Like @jobs_completed, for the calling file. */
	__u64 file_jobs_completed;
	/** @file_jobs_failed: Like @jobs_failed, for the calling file. */
	__u64 file_jobs_failed;
	/** @file_jobs_timed_out: Like @jobs_timed_out, for the calling file. */
	__u64 file_jobs_timed_out;
	/** @file_engine_busy_ns: Like @engine_busy_ns, for the calling file. */
	__u64 file_engine_busy_ns[DRM_AIACCEL_MAX_ENGINES];
	/** @file_engine_cycles: Like @engine_cycles, for the calling file. */
	__u64 file_engine_cycles[DRM_AIACCEL_MAX_ENGINES];
	/** @file_mem_used: Bytes of the buffers the calling file holds handles to. */
	__u64 file_mem_used;
	/** @file_mem_peak: Highest @file_mem_used of the calling file. */
	__u64 file_mem_peak;
};

/**
 * struct drm_aiaccel_get_stats - Argument of %DRM_IOCTL_AIACCEL_GET_STATS.
 *
 * Same size protocol as &struct drm_aiaccel_get_info.
 */
struct drm_aiaccel_get_stats {
	/** @stats_ptr: User pointer to a &struct drm_aiaccel_stats. */
	__u64 stats_ptr;
	/**
	 * @stats_size: In: size of the buffer at @stats_ptr.
	 * Out: sizeof(struct drm_aiaccel_stats) as known to the kernel.
	 */
	__u32 stats_size;
	/** @flags: Must be zero. */
	__u32 flags;
};

/*
 * DRM_IOCTL_AIACCEL_GET_STATS - Read the counters.
 *
 * Errors: -EINVAL if @flags is not zero; -EFAULT if @stats_ptr cannot be
 * written.
 */
#define DRM_IOCTL_AIACCEL_GET_STATS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AIACCEL_GET_STATS, struct drm_aiaccel_get_stats)

/**
 * enum drm_aiaccel_power_mode - How the device trades speed for power.
 * @DRM_AIACCEL_POWER_AUTO: Full clock; powered off when idle (runtime PM
 *	autosuspend), powered on by the next job.  The default.
 * @DRM_AIACCEL_POWER_PERFORMANCE: Full clock; never powered off, so jobs
 *	never wait for a power-up.
 * @DRM_AIACCEL_POWER_LOW: Slowest clock (jobs take 8 times as long at the
 *	engines); powered off when idle.
 */
enum drm_aiaccel_power_mode {
	DRM_AIACCEL_POWER_AUTO = 0,
	DRM_AIACCEL_POWER_PERFORMANCE = 1,
	DRM_AIACCEL_POWER_LOW = 2,
};

/** DRM_AIACCEL_POWER_SET - Change the mode (needs CAP_SYS_ADMIN). */
#define DRM_AIACCEL_POWER_SET		(1U << 0)

/**
 * struct drm_aiaccel_power - Argument of %DRM_IOCTL_AIACCEL_POWER: query,
 * and with %DRM_AIACCEL_POWER_SET change, the device's power mode.
 *
 * The mode is device-wide; it is also in sysfs (power_mode).
 */
struct drm_aiaccel_power {
	/** @flags: In: 0 to query, %DRM_AIACCEL_POWER_SET to change. */
	__u32 flags;
	/** @mode: In (SET): the new &enum drm_aiaccel_power_mode; out: the mode. */
	__u32 mode;
	/** @clock_mhz: Out: the engine clock of the mode. */
	__u32 clock_mhz;
	/** @powered: Out: 1 if the device is powered now, 0 if suspended. */
	__u32 powered;
	/** @active_ns: Out: time spent powered since the driver bound. */
	__u64 active_ns;
	/** @suspended_ns: Out: time spent powered off since the driver bound. */
	__u64 suspended_ns;
};

/*
 * DRM_IOCTL_AIACCEL_POWER - Query or set the power mode.
 *
 * Errors: -EINVAL for unknown flags or mode; -EPERM for SET without
 * CAP_SYS_ADMIN.
 */
#define DRM_IOCTL_AIACCEL_POWER \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AIACCEL_POWER, struct drm_aiaccel_power)

#define DRM_AIACCEL_BO_CREATE_USERPTR	0x07

/**
 * DRM_AIACCEL_BO_INFO_USERPTR - The buffer is the caller's own memory
 * (%DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR).
 */
#define DRM_AIACCEL_BO_INFO_USERPTR	(1U << 1)

/**
 * struct drm_aiaccel_bo_create_userptr - Argument of
 * %DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR.
 *
 * Turns a page-aligned range of the caller's memory into a buffer: the
 * pages are pinned (long term: they stay in place, in RAM, until the
 * buffer is freed), mapped in the caller's device address space, and a
 * GEM handle to them is returned.  Jobs list the handle like any other
 * buffer; the device and the CPU share the memory coherently, which is why
 * only a device with %DRM_AIACCEL_CAP_COHERENT offers this ioctl (the
 * caller's own mapping of the memory is cached).  Free the
 * buffer with DRM_IOCTL_GEM_CLOSE; the pages are unpinned once no job
 * uses them any more.
 *
 * The range may be anonymous memory, or a shared mapping of a file that
 * needs no write-back tracking (shmem: a memfd, tmpfs); other file
 * mappings can only be pinned for a device-read-only buffer.  It may be
 * unmapped, or the process may fork, while the buffer exists: the pinned
 * pages stay the buffer's (after a fork the child gets a copy of private
 * memory, the parent keeps the pages the device sees), and unmapping only
 * takes them out of the CPU's view.  The buffer cannot be mapped through
 * the device fd (its memory is already mapped where it came from).
 *
 * Pinned pages count towards the caller's RLIMIT_MEMLOCK, in the same
 * count as other long-term pins (the VmPin line of /proc/PID/status),
 * unless the caller has CAP_IPC_LOCK.  The count is held by the process
 * that created the buffer until the buffer's memory is released.
 *
 * Present since driver version 1.1 (DRM_IOCTL_VERSION).
 */
struct drm_aiaccel_bo_create_userptr {
	/** @user_ptr: In: start of the range, page-aligned, not 0. */
	__u64 user_ptr;
	/** @size: In: bytes, a non-zero multiple of the page size. */
	__u64 size;
	/**
	 * @flags: In: 0 or %DRM_AIACCEL_BO_DEVICE_READ_ONLY; with it the
	 * range only needs to be readable, and a job writing the buffer
	 * fails with an MMU fault.
	 */
	__u32 flags;
	/** @handle: Out: GEM handle. */
	__u32 handle;
	/** @va: Out: device virtual address in the caller's address space. */
	__u64 va;
	/** @pad: Must be zero. */
	__u64 pad;
};

/*
 * DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR - Make a buffer of user memory.
 *
 * Errors: -EOPNOTSUPP on a device without %DRM_AIACCEL_CAP_COHERENT;
 * -EINVAL for unknown flags, non-zero pad, a zero or unaligned
 * @user_ptr or @size, or a size larger than the device address space;
 * -EFAULT if part of the range is not mapped, not writable (without
 * DEVICE_READ_ONLY), or cannot be pinned long term (I/O memory, a file
 * mapping that tracks writes); -ENOMEM past RLIMIT_MEMLOCK or when the
 * system is out of memory; -ENOSPC if the caller's address space is full.
 */
#define DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AIACCEL_BO_CREATE_USERPTR, \
		 struct drm_aiaccel_bo_create_userptr)

#if defined(__cplusplus)
}
#endif

#endif /* __AIACCEL_ACCEL_H__ */
