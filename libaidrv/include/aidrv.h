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
/* ------------------------------------------------------------------------
 * Models
 *
 * A quantised network in the file format of
 * Documentation/accel/aiaccel/model-format.rst: activation tensors, and
 * layers that map one to one onto ISA ops (isa.rst) with their weights,
 * biases and scales.  A loaded model is immutable; it may be used from
 * several threads at once.
 *
 * The same description drives every executor: aidrv_model_layer_op()
 * turns layer i into the exact ISA op the engines execute, given where the
 * model's data blob and each tensor live (device VAs for the device, host
 * pointers for the CPU).  aidrv_model_run_cpu() runs those ops through the
 * reference implementation (libaidrv/ref), so a device running the stream
 * of aidrv_model_stream() must produce the same bytes.
 *
 *	struct aidrv_model *m;
 *	char err[256];
 *
 *	if (aidrv_model_load_file("digits.aimodel", &m, err, sizeof(err)))
 *		fprintf(stderr, "%s\n", err);
 *	else
 *		aidrv_model_run_cpu(m, images, n, logits), aidrv_model_free(m);
 */

/** AIDRV_MODEL_MAGIC - First 8 bytes of a model file. */
#define AIDRV_MODEL_MAGIC "AIACCMDL"
/** AIDRV_MODEL_VERSION - The model format version this library reads. */
#define AIDRV_MODEL_VERSION 1
/** AIDRV_MODEL_MAX_SIZE - Largest model file accepted, in bytes. */
#define AIDRV_MODEL_MAX_SIZE (1u << 30)
/** AIDRV_MODEL_MAX_TENSORS - Largest tensor count of a model. */
#define AIDRV_MODEL_MAX_TENSORS 4096
/** AIDRV_MODEL_MAX_LAYERS - Largest layer count of a model. */
#define AIDRV_MODEL_MAX_LAYERS 4096
/** AIDRV_MODEL_MAX_RANK - Dimensions of a tensor, not counting the batch. */
#define AIDRV_MODEL_MAX_RANK 3
/** AIDRV_DATASET_MAGIC - First 8 bytes of a data set file (with its NUL). */
#define AIDRV_DATASET_MAGIC "AIACCDS"
/** AIDRV_DATASET_VERSION - The data set format version this library reads. */
#define AIDRV_DATASET_VERSION 1

/** A loaded, validated model. */
struct aidrv_model;

/**
 * struct aidrv_model_tensor - An activation tensor of a model, per image.
 * @index: Index of the tensor in the model.
 * @rank: Number of dimensions, 1 to %AIDRV_MODEL_MAX_RANK.
 * @dims: The dimensions ([h][w][c] for images), @rank of them; the rest 0.
 * @size: Bytes of one image's tensor: the product of @dims, at most 2^28.
 * @zero_point: int8 value that represents 0.0.
 * @scale: Real value of one step, @scale.multiplier * 2^(@scale.shift - 31).
 *
 * Tensors hold int8 values; a batch of n images is n * @size bytes, the
 * images one after the other.
 */
struct aidrv_model_tensor {
	uint32_t index;
	uint32_t rank;
	uint32_t dims[AIDRV_MODEL_MAX_RANK];
	uint32_t size;
	int32_t zero_point;
	struct aiaccel_requant scale;
};

/**
 * struct aidrv_model_layer - A layer of a model.
 * @opcode: The ISA op it runs, %AIACCEL_OP_GEMM .. %AIACCEL_OP_ACTIVATION.
 * @flags: The op's %AIACCEL_OP_F_* flags.
 * @input: Index of the input tensor.
 * @input2: Index of the second input tensor (ADD only; else 0).
 * @output: Index of the output tensor.
 * @weights_size: Bytes of int8 constants (weights, filter or LUT), or 0.
 * @bias_size: Bytes of int32 biases, or 0.
 * @quant_size: Bytes of per-channel scales, or 0.
 * @macs: Multiply-accumulates per image, by the ISA's cost model.
 */
struct aidrv_model_layer {
	uint16_t opcode;
	uint32_t flags;
	uint32_t input;
	uint32_t input2;
	uint32_t output;
	uint32_t weights_size;
	uint32_t bias_size;
	uint32_t quant_size;
	uint64_t macs;
};

/**
 * union aidrv_model_op - One ISA op as it appears in a command stream.
 * @hdr: The header; @hdr.opcode says which member is valid and
 *	@hdr.size how many bytes of the op there are.
 * @gemm: %AIACCEL_OP_GEMM.
 * @conv: %AIACCEL_OP_CONV2D and %AIACCEL_OP_DWCONV2D.
 * @pool: %AIACCEL_OP_MAXPOOL and %AIACCEL_OP_AVGPOOL.
 * @add: %AIACCEL_OP_ADD.
 * @act: %AIACCEL_OP_ACTIVATION.
 */
union aidrv_model_op {
	struct aiaccel_op_header hdr;
	struct aiaccel_op_gemm gemm;
	struct aiaccel_op_conv2d conv;
	struct aiaccel_op_pool pool;
	struct aiaccel_op_add add;
	struct aiaccel_op_activation act;
};

/**
 * struct aidrv_model_addrs - Where an executor keeps a model's memory.
 * @data: Address of a copy of the model's data blob (aidrv_model_data()),
 *	unchanged: weights, biases and scales are read from it at their
 *	offsets, in the blob's little-endian layout.
 * @tensors: Address of each tensor, indexed by tensor index
 *	(aidrv_model_num_tensors() entries); tensor i needs
 *	batch * size bytes there.  Different tensors must not overlap.
 *
 * For the device, addresses are device VAs; for the CPU, host pointers
 * converted to uint64_t.
 */
struct aidrv_model_addrs {
	uint64_t data;
	const uint64_t *tensors;
};

/**
 * struct aidrv_dataset - A labelled set of int8 images (a test set).
 * @count: Number of images, at least 1.
 * @image_size: Bytes per image, at least 1.
 * @num_classes: Number of classes; every label is below it.
 * @images: @count images of @image_size bytes, one after the other.
 * @labels: @count labels.
 */
struct aidrv_dataset {
	uint32_t count;
	uint32_t image_size;
	uint32_t num_classes;
	const int8_t *images;
	const uint8_t *labels;
};

/**
 * aidrv_model_load_mem() - Parse and validate a model held in memory.
 * @buf: The model file's bytes; not referenced after the call.
 * @size: Bytes at @buf.
 * @model: Set to the new model on success, to NULL on failure.
 * @err: Optional buffer for a one-line description of the failure (which
 *	field of which layer is wrong, and why); may be NULL.
 * @err_size: Size of @err; the message is truncated to fit and always
 *	NUL-terminated when @err_size > 0.
 *
 * Every field is checked against model-format.rst: sizes, offsets and
 * counts against the buffer, the checksum, shapes against each other and
 * every op against the ISA's validation rules.
 *
 * Return: 0; -EINVAL if the buffer is not a valid model (or an argument is
 * NULL); -ENOMEM.
 */
int aidrv_model_load_mem(const void *buf, size_t size, struct aidrv_model **model,
			 char *err, size_t err_size);

/**
 * aidrv_model_load_file() - Read, parse and validate a model file.
 * @path: The file.
 * @model: Set to the new model on success, to NULL on failure.
 * @err: Optional buffer for a description of the failure, as for
 *	aidrv_model_load_mem().
 * @err_size: Size of @err.
 *
 * Return: 0; the negative errno of open() or read() (-ENOENT, -EACCES,
 * -EISDIR, -EIO...); or as aidrv_model_load_mem().
 */
int aidrv_model_load_file(const char *path, struct aidrv_model **model,
			  char *err, size_t err_size);

/**
 * aidrv_model_free() - Free a model.
 * @model: The model; NULL is ignored.
 */
void aidrv_model_free(struct aidrv_model *model);

/**
 * aidrv_model_num_tensors() - Number of tensors of a model.
 * @model: The model.
 *
 * Return: The count, at least 2.
 */
unsigned int aidrv_model_num_tensors(const struct aidrv_model *model);

/**
 * aidrv_model_num_layers() - Number of layers of a model.
 * @model: The model.
 *
 * Return: The count, at least 1.
 */
unsigned int aidrv_model_num_layers(const struct aidrv_model *model);

/**
 * aidrv_model_tensor() - Describe a tensor.
 * @model: The model.
 * @index: Tensor index, below aidrv_model_num_tensors().
 * @tensor: Filled in.
 *
 * Return: 0 or -EINVAL (bad index or NULL argument).
 */
int aidrv_model_tensor(const struct aidrv_model *model, unsigned int index,
		       struct aidrv_model_tensor *tensor);

/**
 * aidrv_model_input() - Describe the model's input tensor.
 * @model: The model.
 * @tensor: Filled in.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_input(const struct aidrv_model *model,
		      struct aidrv_model_tensor *tensor);

/**
 * aidrv_model_output() - Describe the model's output tensor.
 * @model: The model.
 * @tensor: Filled in.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_output(const struct aidrv_model *model,
		       struct aidrv_model_tensor *tensor);

/**
 * aidrv_model_layer() - Describe a layer.
 * @model: The model.
 * @index: Layer index, below aidrv_model_num_layers(); layers run in
 *	index order.
 * @layer: Filled in.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_layer(const struct aidrv_model *model, unsigned int index,
		      struct aidrv_model_layer *layer);

/**
 * aidrv_model_data() - The model's data blob: weights, biases, scales.
 * @model: The model.
 * @size: Set to the blob's size in bytes (may be 0); may be NULL.
 *
 * An executor copies the blob, as is, to memory its engines can read and
 * passes that address as &aidrv_model_addrs.data.
 *
 * Return: The blob, valid until aidrv_model_free(); 8-byte aligned.
 */
const void *aidrv_model_data(const struct aidrv_model *model, size_t *size);

/**
 * aidrv_model_max_batch() - Largest batch the model can run in one go.
 * @model: The model.
 *
 * The ISA limits every tensor an op touches to 2^28 bytes; the largest
 * tensor of the model, times the batch, must fit.
 *
 * Return: The largest valid batch, at least 1.
 */
uint32_t aidrv_model_max_batch(const struct aidrv_model *model);

/**
 * aidrv_model_layer_op() - The ISA op that runs a layer.
 * @model: The model.
 * @index: Layer index.
 * @batch: Images per run, 1 .. aidrv_model_max_batch().
 * @addrs: Where the data blob and the tensors are.
 * @op: Filled in with the complete op (header included); @op->hdr.size
 *	bytes of it form the op in a command stream.
 *
 * This is the one mapping from layers to ops: the CPU executor and device
 * executors both use it, so they run identical ops.
 *
 * Return: 0; -EINVAL for a bad argument; -E2BIG if @batch is too large.
 */
int aidrv_model_layer_op(const struct aidrv_model *model, unsigned int index,
			 uint32_t batch, const struct aidrv_model_addrs *addrs,
			 union aidrv_model_op *op);

/**
 * aidrv_model_stream() - The command stream that runs the whole model.
 * @model: The model.
 * @batch: Images per run, 1 .. aidrv_model_max_batch().
 * @addrs: Where the data blob and the tensors are.
 * @buf: Where to write the stream; NULL to ask for its size only.
 * @size: Bytes at @buf.
 *
 * The stream is the ops of aidrv_model_layer_op() for every layer, in
 * order, one after the other, ready to be placed in device memory at any
 * 8-byte aligned address and submitted.
 *
 * Return: The size of the stream in bytes (a multiple of 8); -ENOSPC if
 * @buf is not NULL and @size is smaller than that; -EINVAL or -E2BIG as
 * aidrv_model_layer_op().
 */
int aidrv_model_stream(const struct aidrv_model *model, uint32_t batch,
		       const struct aidrv_model_addrs *addrs, void *buf,
		       size_t size);

/**
 * aidrv_model_run_cpu() - Run a model on the CPU, with the reference ops.
 * @model: The model.
 * @input: @batch images of the input tensor's size, one after the other.
 * @batch: Number of images, 1 .. aidrv_model_max_batch().
 * @output: Room for @batch results of the output tensor's size.
 *
 * Executes the ops of aidrv_model_layer_op() with the reference
 * implementation of the ISA (libaidrv/ref): the results a device must
 * reproduce bit for bit.
 *
 * Return: 0; -EINVAL for a bad argument; -E2BIG if @batch is too large;
 * -ENOMEM.
 */
int aidrv_model_run_cpu(const struct aidrv_model *model, const int8_t *input,
			uint32_t batch, int8_t *output);

/**
 * aidrv_model_op_name() - Name of an ISA opcode.
 * @opcode: An %AIACCEL_OP_* value.
 *
 * Return: "GEMM", "CONV2D", ... or "?" for an unknown opcode.
 */
const char *aidrv_model_op_name(uint16_t opcode);

/**
 * aidrv_argmax_s8() - Index of the largest of n int8 values.
 * @values: The values, e.g. the logits of one image.
 * @n: How many; 0 returns 0.
 *
 * Return: The index of the first maximum (ties go to the lowest index).
 */
unsigned int aidrv_argmax_s8(const int8_t *values, unsigned int n);

/**
 * aidrv_dataset_load_mem() - Parse and validate a data set in memory.
 * @buf: The data set file's bytes (model-format.rst, "Data set files");
 *	not referenced after the call.
 * @size: Bytes at @buf.
 * @set: Set to the new data set on success, to NULL on failure.
 * @err: Optional buffer for a description of the failure.
 * @err_size: Size of @err.
 *
 * Return: 0; -EINVAL if the buffer is not a valid data set; -ENOMEM.
 */
int aidrv_dataset_load_mem(const void *buf, size_t size,
			   struct aidrv_dataset **set, char *err,
			   size_t err_size);

/**
 * aidrv_dataset_load_file() - Read, parse and validate a data set file.
 * @path: The file.
 * @set: Set to the new data set on success, to NULL on failure.
 * @err: Optional buffer for a description of the failure.
 * @err_size: Size of @err.
 *
 * Return: 0; the negative errno of open() or read(); or as
 * aidrv_dataset_load_mem().
 */
int aidrv_dataset_load_file(const char *path, struct aidrv_dataset **set,
			    char *err, size_t err_size);

/**
 * aidrv_dataset_free() - Free a data set.
 * @set: The data set; NULL is ignored.
 */
void aidrv_dataset_free(struct aidrv_dataset *set);

/* ------------------------------------------------------------------------
 * Inference
 *
 * The device executor of models: a struct aidrv_inference binds a loaded
 * model to a device for a maximum batch, and runs any number of images
 * through the accelerator, in batches, with the ops of
 * aidrv_model_stream() (the ones aidrv_model_run_cpu() runs), so its
 * outputs equal the CPU executor's byte for byte.
 *
 * Binding allocates, once: a device-read-only buffer holding a copy of
 * the model's data section; and, per buffer set, one buffer per activation
 * tensor sized for the batch and one for the command stream.  By default
 * there is a buffer set per engine (at least two, at most four), each
 * running its jobs on an engine of its own: batch i + 1 is copied in and
 * submitted while batch i runs, and the engines run batches side by side.
 * With %AIDRV_INFERENCE_SINGLE_BUFFER there is one buffer set, and batches
 * run one after the other on any engine.  Every job lists every buffer
 * with the access the model's layers make (read, write or both).
 *
 *	struct aidrv_inference *inf;
 *
 *	ret = aidrv_inference_create(dev, model, 64, 0, &inf);
 *	if (!ret) {
 *		ret = aidrv_inference_run(inf, images, 1000, logits, 10 * AIDRV_NSEC_PER_SEC);
 *		aidrv_inference_free(inf);
 *	}
 *
 * The model and the device must outlive the executor.  An executor may be
 * used by one thread at a time; executors of one device may run in
 * parallel.
 */

/** A model bound to a device, with its buffers. */
struct aidrv_inference;

/** AIDRV_INFERENCE_SINGLE_BUFFER - One buffer set: no overlap of batches. */
#define AIDRV_INFERENCE_SINGLE_BUFFER	(1U << 0)
/** AIDRV_INFERENCE_FLAGS - Every flag aidrv_inference_create() knows. */
#define AIDRV_INFERENCE_FLAGS		AIDRV_INFERENCE_SINGLE_BUFFER

/**
 * aidrv_inference_create() - Bind a model to a device.
 * @dev: The device.
 * @model: A loaded model; it must stay loaded until aidrv_inference_free().
 * @max_batch: Most images per job, 1 .. aidrv_model_max_batch(); each
 *	buffer set holds this many images of every tensor.
 * @flags: 0 or %AIDRV_INFERENCE_SINGLE_BUFFER.
 * @inf: Set to the new executor on success, to NULL on failure.
 *
 * Return: 0; -EINVAL for a NULL argument, a @max_batch of 0 or unknown
 * @flags; -E2BIG if @max_batch is above aidrv_model_max_batch() (or the
 * model's command stream is larger than %DRM_AIACCEL_MAX_CS_SIZE); or the
 * error of aidrv_get_info(), aidrv_bo_create() or aidrv_bo_map(): -ENOMEM
 * past the device memory budget, -ENOSPC when the address space is full.
 */
int aidrv_inference_create(struct aidrv_device *dev, const struct aidrv_model *model,
			   uint32_t max_batch, uint32_t flags,
			   struct aidrv_inference **inf);

/**
 * aidrv_inference_run() - Run images through the model on the device.
 * @inf: The executor.
 * @input: @count images of the model input's size, one after the other.
 * @count: Number of images, at least 1; split into jobs of at most the
 *	executor's max_batch images.
 * @output: Room for @count results of the model output's size, written
 *	in the order of the images.
 * @timeout_ns: How long the whole call may wait for the device, relative
 *	to now; %AIDRV_TIMEOUT_INFINITE waits for ever (a hung job still
 *	ends: the driver's watchdog fails it with -ETIMEDOUT).
 *
 * Synchronous: returns once every job is done.  On failure, @output holds
 * the results of some batches and not others.
 *
 * Return: 0; -EINVAL for a NULL argument, a @count of 0 or a negative
 * @timeout_ns; -ETIME if the deadline passed first (the jobs still
 * running are waited for by the next run, their outputs dropped; freeing
 * the executor is safe); -EINTR; the error of aidrv_job_submit(); or the
 * error a job failed with, as aidrv_job_status() gives it (-EFAULT,
 * -ETIMEDOUT, -EIO, -ECANCELED...).
 */
int aidrv_inference_run(struct aidrv_inference *inf, const int8_t *input,
			uint32_t count, int8_t *output, int64_t timeout_ns);

/**
 * aidrv_inference_max_batch() - The executor's max_batch (0 for NULL).
 * @inf: The executor.
 */
uint32_t aidrv_inference_max_batch(const struct aidrv_inference *inf);

/**
 * aidrv_inference_free() - Free an executor and its buffers.
 * @inf: The executor; NULL is ignored.
 *
 * Jobs still running (after an -ETIME) keep what they use until they end.
 */
void aidrv_inference_free(struct aidrv_inference *inf);

/**
 * aidrv_run_inference() - Run a loaded model on the device, in one call.
 * @dev: The device.
 * @model: A loaded model.
 * @input: @count images of the model input's size.
 * @count: Number of images, at least 1.
 * @output: Room for @count results of the model output's size.
 * @timeout_ns: As for aidrv_inference_run().
 *
 * Binds the model (aidrv_inference_create(), batches of at most 256
 * images, double-buffered when there is more than one batch), runs it
 * (aidrv_inference_run()) and unbinds it: the original design's
 * ai_run_inference().  To run a model many times, keep an executor
 * instead: binding allocates and copies the weights each time.
 *
 * Return: 0, or an error of aidrv_inference_create() or
 * aidrv_inference_run().
 */
int aidrv_run_inference(struct aidrv_device *dev, const struct aidrv_model *model,
			const int8_t *input, uint32_t count, int8_t *output,
			int64_t timeout_ns);

#ifdef __cplusplus
}
#endif

#endif /* AIDRV_H */
