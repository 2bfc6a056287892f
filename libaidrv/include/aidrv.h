/* SPDX-License-Identifier: MIT */
/*
 * libaidrv - userspace library for aiaccel AI inference accelerators.
 *
 * A thin, documented layer over the aiaccel uAPI
 * (<drm/aiaccel_accel.h>), built on libdrm.  Conventions:
 *
 *  - Every function that can fail returns 0 (or a non-negative count) on
 *    success and a negative errno on failure; none aborts or prints.
 *  - Objects are opaque and created by aidrv_*_open()/..._create(), freed
 *    by the matching close/destroy; the library keeps no global state.
 *  - A device handle may be used from several threads for calls that only
 *    issue ioctls; closing it while in use is the caller's bug.
 *
 * Quick start:
 *
 *	struct aidrv_device *dev;
 *	struct drm_aiaccel_info info;
 *
 *	if (aidrv_open_index(0, &dev) == 0) {
 *		aidrv_get_info(dev, &info);
 *		printf("%u engines\n", info.num_engines);
 *		aidrv_close(dev);
 *	}
 */
#ifndef AIDRV_H
#define AIDRV_H

#include <stddef.h>
#include <stdint.h>

#include <drm/aiaccel_accel.h>
#include <drm/aiaccel_isa.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Directory holding accel device nodes. */
#define AIDRV_ACCEL_DIR "/dev/accel"
/** DRM driver name of aiaccel devices (DRM_IOCTL_VERSION). */
#define AIDRV_DRIVER_NAME "aiaccel"

/** An open aiaccel device. */
struct aidrv_device;

/**
 * aidrv_count_devices() - Number of aiaccel devices on the system.
 *
 * Scans /dev/accel/accel* in minor order and counts the nodes whose DRM
 * driver is "aiaccel" (other accel drivers' nodes are skipped).
 * Returns the count, or a negative errno if the directory cannot be read
 * (-ENOENT when no accel node exists at all).
 */
int aidrv_count_devices(void);

/**
 * aidrv_open_index() - Open the index-th aiaccel device (0-based, in
 * minor order, counting only aiaccel nodes).
 *
 * Returns 0 and sets *dev, -ENODEV if there is no such device, or the
 * errno of open() (e.g. -EACCES without permission on the node).
 */
int aidrv_open_index(unsigned int index, struct aidrv_device **dev);

/**
 * aidrv_open_path() - Open the device node at path.
 *
 * Returns 0 and sets *dev; -ENODEV if the node is not an aiaccel device;
 * or the errno of open().
 */
int aidrv_open_path(const char *path, struct aidrv_device **dev);

/** aidrv_close() - Close a device; NULL is ignored. */
void aidrv_close(struct aidrv_device *dev);

/** aidrv_fd() - The device's file descriptor, for poll() or raw ioctls. */
int aidrv_fd(const struct aidrv_device *dev);

/** aidrv_path() - The device node the handle was opened from. */
const char *aidrv_path(const struct aidrv_device *dev);

/**
 * aidrv_get_info() - Query the device (DRM_IOCTL_AIACCEL_GET_INFO).
 *
 * Fills *info; returns 0 or a negative errno.
 */
int aidrv_get_info(struct aidrv_device *dev, struct drm_aiaccel_info *info);

/**
 * aidrv_driver_version() - The kernel driver's version, as reported by
 * DRM_IOCTL_VERSION: writes major, minor and patch level.
 */
int aidrv_driver_version(struct aidrv_device *dev, int *major, int *minor,
			 int *patch);

/** aidrv_strerror() - Describe a negative errno returned by the library. */
const char *aidrv_strerror(int err);

/*
 * Buffers
 * =======
 *
 * A buffer is device memory a job can address: created on a device, or
 * imported from a dma-buf another driver (or another device) exported.
 * Each buffer has a device virtual address in its device handle's address
 * space, and can be mapped for the CPU; the memory is coherent between
 * CPU and device, so no cache maintenance is needed around jobs.
 *
 * Created buffers count against the device memory budget
 * (drm_aiaccel_info.mem_size) until freed; imported ones are the
 * exporter's memory and do not.  Free every buffer of a device before
 * closing the device.  Buffer calls may be made from several threads.
 */

/** A buffer on one aiaccel device. */
struct aidrv_bo;

/**
 * aidrv_bo_create() - Create a zeroed buffer (DRM_IOCTL_AIACCEL_BO_CREATE).
 *
 * size is rounded up to the page size (see aidrv_bo_size()); flags are
 * DRM_AIACCEL_BO_* flags.  Returns 0 and sets *bo; -EINVAL for a size of
 * 0 or larger than the device address space, or unknown flags; -ENOMEM
 * past the device memory budget or when the system is out of memory;
 * -ENOSPC if the device address space is full.
 */
int aidrv_bo_create(struct aidrv_device *dev, uint64_t size, uint32_t flags,
		    struct aidrv_bo **bo);

/**
 * aidrv_bo_free() - Drop a reference to a buffer; NULL is ignored.
 *
 * The last reference unmaps the CPU mapping, if any, and closes the GEM
 * handle.  The memory itself lives on while anything else still uses it:
 * a dma-buf exported from it, another file's handle, a job.
 */
void aidrv_bo_free(struct aidrv_bo *bo);

/**
 * aidrv_bo_map() - Map the whole buffer for the CPU, readable and
 * writable, shared with the device.
 *
 * Mappings are counted: every call returns the same address in *ptr and
 * needs its own aidrv_bo_unmap().  Returns 0, or the errno of mmap().
 * An imported buffer is mapped through its exporter; bracket CPU access
 * with DMA_BUF_IOCTL_SYNC on a dma-buf fd of it when the exporter is not
 * coherent.
 */
int aidrv_bo_map(struct aidrv_bo *bo, void **ptr);

/**
 * aidrv_bo_unmap() - Undo one aidrv_bo_map(); the last one unmaps.
 *
 * Returns 0, or -EINVAL if the buffer is not mapped.
 */
int aidrv_bo_unmap(struct aidrv_bo *bo);

/** aidrv_bo_size() - Size in bytes: the requested size rounded up to pages. */
uint64_t aidrv_bo_size(const struct aidrv_bo *bo);

/** aidrv_bo_va() - Device virtual address, in the device handle's address space. */
uint64_t aidrv_bo_va(const struct aidrv_bo *bo);

/** aidrv_bo_handle() - GEM handle, for raw ioctls on aidrv_fd(). */
uint32_t aidrv_bo_handle(const struct aidrv_bo *bo);

/** aidrv_bo_flags() - The DRM_AIACCEL_BO_* flags the buffer was created with. */
uint32_t aidrv_bo_flags(const struct aidrv_bo *bo);

/** aidrv_bo_is_imported() - 1 if the buffer is another device's memory, else 0. */
int aidrv_bo_is_imported(const struct aidrv_bo *bo);

/**
 * aidrv_bo_export() - Export as a dma-buf (DRM_IOCTL_PRIME_HANDLE_TO_FD),
 * opened O_RDWR | O_CLOEXEC.
 *
 * Returns 0 and sets *fd, which the caller closes; exporting a buffer
 * again gives another fd of the same dma-buf.  Errors are the ioctl's.
 */
int aidrv_bo_export(struct aidrv_bo *bo, int *fd);

/**
 * aidrv_bo_import() - Import a dma-buf (DRM_IOCTL_PRIME_FD_TO_HANDLE).
 *
 * fd stays open and the caller's.  A dma-buf this device already knows (a
 * buffer of dev exported, or imported before) gives that same struct
 * aidrv_bo with one more reference; each reference is dropped with
 * aidrv_bo_free().  Returns 0 and sets *bo; -EBADF if fd is not open;
 * -EINVAL if it is not a dma-buf; or the importer's error (e.g. -ENOMEM,
 * -ENOSPC).
 */
int aidrv_bo_import(struct aidrv_device *dev, int fd, struct aidrv_bo **bo);

/*
 * Command streams
 * ===============
 *
 * A job runs a command stream: a sequence of ops of the int8 ISA
 * (<drm/aiaccel_isa.h>, Documentation/accel/aiaccel/isa.rst) naming
 * tensors by device VA (aidrv_bo_va() plus an offset).  A struct aidrv_cs
 * builds one in host memory and grows as needed, up to
 * DRM_AIACCEL_MAX_CS_SIZE (1 MiB); it is copied to the device at submit,
 * so it may be reset and reused, or submitted again, at once.
 *
 * Each typed appender takes the op's struct, fills in hdr.opcode and
 * hdr.size, keeps hdr.flags (AIACCEL_OP_F_* for GEMM and the convolutions,
 * else 0) and checks the op against the ISA's validation rules.  They
 * return the op's index in the stream (>= 0), -EINVAL for an op the device
 * would reject as invalid, -E2BIG past 1 MiB, -ENOMEM.
 *
 *	struct aiaccel_op_gemm g = { .input = aidrv_bo_va(in), ..., .m = 4 };
 *	aidrv_cs_gemm(cs, &g);
 */

/** A command stream being built. */
struct aidrv_cs;

/** aidrv_cs_create() - A new, empty command stream in *cs. */
int aidrv_cs_create(struct aidrv_cs **cs);
/** aidrv_cs_destroy() - Free it; NULL is ignored. */
void aidrv_cs_destroy(struct aidrv_cs *cs);
/** aidrv_cs_reset() - Empty it, keeping its memory. */
void aidrv_cs_reset(struct aidrv_cs *cs);
/** aidrv_cs_size() - Bytes of ops so far (a multiple of 8). */
size_t aidrv_cs_size(const struct aidrv_cs *cs);
/** aidrv_cs_count() - Ops so far. */
unsigned int aidrv_cs_count(const struct aidrv_cs *cs);
/** aidrv_cs_data() - The ops, aidrv_cs_size() bytes; valid until the next append. */
const void *aidrv_cs_data(const struct aidrv_cs *cs);

/** aidrv_cs_nop() - An op that does nothing (8 bytes). */
int aidrv_cs_nop(struct aidrv_cs *cs);
/** aidrv_cs_dma_copy() - Copy size bytes from VA src to VA dst (no overlap). */
int aidrv_cs_dma_copy(struct aidrv_cs *cs, uint64_t dst, uint64_t src, uint64_t size);
/* The compute ops: the op's struct, its hdr.opcode and hdr.size ignored. */
int aidrv_cs_gemm(struct aidrv_cs *cs, const struct aiaccel_op_gemm *op);
int aidrv_cs_conv2d(struct aidrv_cs *cs, const struct aiaccel_op_conv2d *op);
int aidrv_cs_dwconv2d(struct aidrv_cs *cs, const struct aiaccel_op_conv2d *op);
int aidrv_cs_maxpool(struct aidrv_cs *cs, const struct aiaccel_op_pool *op);
int aidrv_cs_avgpool(struct aidrv_cs *cs, const struct aiaccel_op_pool *op);
int aidrv_cs_add(struct aidrv_cs *cs, const struct aiaccel_op_add *op);
int aidrv_cs_activation(struct aidrv_cs *cs, const struct aiaccel_op_activation *op);

/**
 * aidrv_cs_append() - Append any op whose header is complete (opcode,
 * size, flags), validated like the typed appenders.
 */
int aidrv_cs_append(struct aidrv_cs *cs, const void *op);

/**
 * aidrv_cs_append_raw() - Append size bytes (a non-zero multiple of 8)
 * unchecked: for testing how the device handles malformed ops.
 */
int aidrv_cs_append_raw(struct aidrv_cs *cs, const void *op, size_t size);

/**
 * aidrv_cs_upload() - Copy the stream into a new device-read-only buffer
 * (*bo, freed with aidrv_bo_free()), to submit it many times without a
 * copy each time (struct aidrv_submit.cs_bo).  -ENODATA if it is empty.
 */
int aidrv_cs_upload(const struct aidrv_cs *cs, struct aidrv_device *dev,
		    struct aidrv_bo **bo);

/*
 * Jobs
 * ====
 *
 * A job runs one command stream on an engine, asynchronously.  It lists
 * every buffer its ops touch, each as read and/or written: listing keeps
 * the buffers mapped while the job runs and orders the job after earlier
 * users of them (implicit sync, unless DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC).
 * Explicit dependencies are syncobjs (below): in-syncs the job waits for,
 * out-syncs it signals, binary (point 0) or timeline points.
 *
 *	struct aidrv_job_bo bos[] = {
 *		{ in, DRM_AIACCEL_SUBMIT_BO_READ }, { out, DRM_AIACCEL_SUBMIT_BO_WRITE },
 *	};
 *	struct aidrv_submit s;
 *
 *	aidrv_submit_init(&s, cs);
 *	s.bos = bos;
 *	s.bo_count = 2;
 *	ret = aidrv_run(dev, &s, 5 * AIDRV_NSEC_PER_SEC);  // or aidrv_job_submit()
 *
 * Timeouts are in nanoseconds, relative to now unless flags has
 * AIDRV_WAIT_ABSOLUTE (then a CLOCK_MONOTONIC time, see aidrv_now_ns());
 * 0 only polls; AIDRV_TIMEOUT_INFINITE waits for ever.  A wait whose
 * deadline passes returns -ETIME, never -ETIMEDOUT, which is the error of
 * a job that hung its engine and was reset.
 */

#define AIDRV_NSEC_PER_SEC	1000000000LL
/** AIDRV_TIMEOUT_INFINITE - Wait without a deadline. */
#define AIDRV_TIMEOUT_INFINITE	INT64_MAX
/** AIDRV_WAIT_ABSOLUTE - The timeout is an absolute CLOCK_MONOTONIC time. */
#define AIDRV_WAIT_ABSOLUTE	(1U << 0)

/** aidrv_now_ns() - CLOCK_MONOTONIC now, in ns, for absolute deadlines. */
int64_t aidrv_now_ns(void);

/** A submitted job. */
struct aidrv_job;

/** A buffer a job uses: flags are DRM_AIACCEL_SUBMIT_BO_READ and/or _WRITE. */
struct aidrv_job_bo {
	struct aidrv_bo *bo;
	uint32_t flags;
};

/**
 * struct aidrv_submit - What to run; start from aidrv_submit_init().
 * @cs: The ops, copied to the device at submit; or NULL and then
 *	@cs_bo: a buffer holding them (aidrv_cs_upload()), at @cs_offset
 *	(a multiple of 8), @cs_size bytes.
 * @bos, @bo_count: Buffers the ops touch (the command stream's own
 *	buffer need not be listed).
 * @in_syncs, @in_sync_count: Syncobjs (handle, point) to wait for; flags
 *	DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT waits for a point not yet submitted.
 * @out_syncs, @out_sync_count: Syncobjs (handle, point) to signal; flags 0.
 * @engine: Engine index, or DRM_AIACCEL_ENGINE_ANY (the default).
 * @priority: enum drm_aiaccel_priority; NORMAL by default, HIGH needs
 *	CAP_SYS_NICE.
 * @flags: DRM_AIACCEL_SUBMIT_EVENT (send a completion event, see
 *	aidrv_event_read()), DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC.
 * @event_data: Copied into the completion event.
 */
struct aidrv_submit {
	const struct aidrv_cs *cs;
	struct aidrv_bo *cs_bo;
	uint64_t cs_offset;
	uint64_t cs_size;
	const struct aidrv_job_bo *bos;
	unsigned int bo_count;
	const struct drm_aiaccel_sync *in_syncs;
	unsigned int in_sync_count;
	const struct drm_aiaccel_sync *out_syncs;
	unsigned int out_sync_count;
	uint32_t engine;
	uint32_t priority;
	uint32_t flags;
	uint64_t event_data;
};

/** aidrv_submit_init() - Zero *s, set @cs, any engine, normal priority. */
void aidrv_submit_init(struct aidrv_submit *s, const struct aidrv_cs *cs);

/**
 * aidrv_job_submit() - Queue a job (DRM_IOCTL_AIACCEL_SUBMIT) and return
 * at once.  With job non-NULL, *job tracks it (free it with
 * aidrv_job_free()); with job NULL it is fire and forget.  Returns 0, or
 * the ioctl's error: -EINVAL (bad flags, engine, priority, a buffer of
 * another device, a timeline point not submitted yet), -ENOENT (unknown
 * syncobj), -EPERM (HIGH priority), -ECANCELED (this file was banned after
 * one of its jobs hung), -ENOMEM.
 */
int aidrv_job_submit(struct aidrv_device *dev, const struct aidrv_submit *s,
		     struct aidrv_job **job);

/**
 * aidrv_job_wait() - Wait until the job is done (successfully or not).
 * Returns 0 once it is, -ETIME if the deadline passed first, -EINTR.
 */
int aidrv_job_wait(struct aidrv_job *job, int64_t timeout_ns, uint32_t flags);

/**
 * aidrv_job_status() - The job's outcome, without waiting: 0 done and
 * successful, -EINPROGRESS not done yet, or the negative errno it failed
 * with: -EINVAL (an invalid op), -EFAULT (an MMU fault: a VA outside
 * the caller's buffers, or a write to a read-only one), -ETIMEDOUT (it
 * hung its engine, or ran past the watchdog), -EIO (a bus or injected
 * error), -ECANCELED (cancelled after another job of the file hung),
 * -ENODEV (device gone).
 */
int aidrv_job_status(struct aidrv_job *job);

/**
 * aidrv_job_syncobj() - The binary syncobj the job signals when done, to
 * use as another job's in-sync; it lives until aidrv_job_free().
 */
uint32_t aidrv_job_syncobj(const struct aidrv_job *job);

/** aidrv_job_free() - Forget the job (it runs on); NULL is ignored. */
void aidrv_job_free(struct aidrv_job *job);

/**
 * aidrv_run() - Submit, wait, free: returns the job's status (0 or its
 * error), a submit error, or -ETIME (the job then still runs).
 */
int aidrv_run(struct aidrv_device *dev, const struct aidrv_submit *s, int64_t timeout_ns);

/**
 * aidrv_bo_wait() - Wait until no job (of any file or device) uses the
 * buffer (DRM_IOCTL_AIACCEL_WAIT); with wait_flags DRM_AIACCEL_WAIT_WRITERS
 * only until none writes it.  Returns 0, -ETIME, -EINTR.
 */
int aidrv_bo_wait(struct aidrv_bo *bo, uint32_t wait_flags, int64_t timeout_ns,
		  uint32_t flags);

/*
 * Syncobjs
 * ========
 *
 * DRM sync objects of the device fd, by handle.  A binary syncobj holds
 * one fence (point 0); a timeline syncobj a sequence of points, each
 * signalled in order.
 */

/** aidrv_syncobj_create() - flags: 0 or DRM_SYNCOBJ_CREATE_SIGNALED. */
int aidrv_syncobj_create(struct aidrv_device *dev, uint32_t flags, uint32_t *handle);
int aidrv_syncobj_destroy(struct aidrv_device *dev, uint32_t handle);

/**
 * aidrv_syncobj_wait() - Wait until point (0: the binary fence) is
 * submitted and signalled.  Returns 0, -ETIME, -EINVAL, -ENOENT.
 */
int aidrv_syncobj_wait(struct aidrv_device *dev, uint32_t handle, uint64_t point,
		       int64_t timeout_ns, uint32_t flags);

/** aidrv_syncobj_signal() - Signal point (0: the binary fence) from the CPU. */
int aidrv_syncobj_signal(struct aidrv_device *dev, uint32_t handle, uint64_t point);

/** aidrv_syncobj_query() - The last signalled point of a timeline. */
int aidrv_syncobj_query(struct aidrv_device *dev, uint32_t handle, uint64_t *point);

/*
 * Events, statistics, power
 * =========================
 */

/**
 * aidrv_event_read() - Read the next completion event of a job submitted
 * with DRM_AIACCEL_SUBMIT_EVENT on this device handle (poll() on
 * aidrv_fd() reports POLLIN when one is ready).  ev->user_data is the
 * submit's event_data, ev->status 0 or the job's error.  Returns 0,
 * -ETIME, or -EPROTO for something that is not such an event.
 */
int aidrv_event_read(struct aidrv_device *dev, struct drm_aiaccel_event_job *ev,
		     int64_t timeout_ns, uint32_t flags);

/**
 * aidrv_get_stats() - Device-wide and this handle's counters
 * (DRM_IOCTL_AIACCEL_GET_STATS): jobs, engine busy time and cycles, MACs,
 * bytes, memory.  Members the kernel does not know read as 0.
 */
int aidrv_get_stats(struct aidrv_device *dev, struct drm_aiaccel_stats *stats);

/**
 * aidrv_power_get() - The power mode, clock, and whether the device is
 * powered now (it powers off by itself when idle, unless in PERFORMANCE
 * mode).
 */
int aidrv_power_get(struct aidrv_device *dev, struct drm_aiaccel_power *power);

/**
 * aidrv_power_set() - Set the device-wide power mode (enum
 * drm_aiaccel_power_mode).  -EPERM without CAP_SYS_ADMIN, -EINVAL.
 */
int aidrv_power_set(struct aidrv_device *dev, uint32_t mode);

#ifdef __cplusplus
}
#endif

#endif /* AIDRV_H */
