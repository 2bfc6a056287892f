/* SPDX-License-Identifier: MIT */
/*
 * libaidrv - userspace library for aiaccel AI inference accelerators.
 *
 * A thin, documented layer over the aiaccel uAPI (<drm/aiaccel_accel.h>),
 * built on libdrm.  Documentation/accel/aiaccel/libaidrv.rst is the map,
 * and says what may change between versions (the ABI policy); the
 * comment of each call here is its reference, and its man page (section
 * 3, made from these comments).
 *
 * Conventions:
 *
 *  - Names are aidrv_<object>_<verb>.  An object made by
 *    aidrv_<object>_open*() is released by aidrv_<object>_close(), one
 *    made any other way (create, import, load, submit) by
 *    aidrv_<object>_free(); releasing NULL does nothing.
 *  - A call that can fail returns 0 (or a non-negative count) on success
 *    and a negative errno on failure; none aborts or prints.  A call that
 *    makes an object sets *out to it on success and to NULL on failure
 *    (when out itself is not NULL).
 *  - Getters of an object (aidrv_bo_size(), aidrv_device_fd()...) accept
 *    NULL and then return 0, -1 or NULL as they document.
 *  - Structs the library fills in are passed with their size as the
 *    caller knows it (sizeof): the library writes that many bytes, the
 *    members it does not know as zero.  Structs the library reads start
 *    with a size member set the same way (by an _init() call or by hand):
 *    members past it take their defaults, and members the library does
 *    not know must be zero (else -E2BIG).  So structs grow at the end
 *    without breaking programs built against an older or newer header.
 *  - Timeouts are in nanoseconds, relative to now unless the call takes
 *    AIDRV_WAIT_ABSOLUTE (then CLOCK_MONOTONIC, see aidrv_now_ns()); a
 *    wait whose deadline passes returns -ETIME, never -ETIMEDOUT, which
 *    is the error of a job the driver timed out.
 *  - Threads: the library keeps no global state.  Each object's comment
 *    says how it may be shared; in short, devices, buffers, jobs and
 *    models may be used from several threads at once, command streams,
 *    inference executors and bindings by one thread at a time.
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

/*
 * Versions
 * ========
 */

/** AIDRV_VERSION_MAJOR - Incremented when the ABI breaks (a new SONAME). */
#define AIDRV_VERSION_MAJOR	1
/** AIDRV_VERSION_MINOR - Incremented when calls or struct members are added. */
#define AIDRV_VERSION_MINOR	0
/** AIDRV_VERSION_MICRO - Incremented for fixes that change no interface. */
#define AIDRV_VERSION_MICRO	0
/** AIDRV_VERSION_ENCODE - One comparable number of a version. */
#define AIDRV_VERSION_ENCODE(major, minor, micro) \
	(((major) << 16) | ((minor) << 8) | (micro))
/** AIDRV_VERSION - The version of this header, as AIDRV_VERSION_ENCODE(). */
#define AIDRV_VERSION \
	AIDRV_VERSION_ENCODE(AIDRV_VERSION_MAJOR, AIDRV_VERSION_MINOR, AIDRV_VERSION_MICRO)
/** AIDRV_CHECK_VERSION - True if this header is at least the given version. */
#define AIDRV_CHECK_VERSION(major, minor, micro) \
	(AIDRV_VERSION >= AIDRV_VERSION_ENCODE(major, minor, micro))

/**
 * aidrv_version() - The version of the library running.
 *
 * May be newer than the header a program was built with (AIDRV_VERSION),
 * never older in major version.
 *
 * Return: The version, as AIDRV_VERSION_ENCODE() makes it.
 */
unsigned int aidrv_version(void);

/**
 * aidrv_version_string() - The version of the library running, as text.
 *
 * Return: A static string, "1.0.0" for instance.
 */
const char *aidrv_version_string(void);

/**
 * aidrv_strerror() - Describe an error the library returned.
 * @err: A negative errno (a positive one is accepted too).
 *
 * Return: A static string, as strerror() gives it.
 */
const char *aidrv_strerror(int err);

/*
 * Devices
 * =======
 *
 * aiaccel devices are found through sysfs (/sys/class/accel), by the name
 * of the driver bound to each accel node's device, without opening any
 * node: a node another driver owns is never touched, and a node the
 * caller may not open still counts, its open failing with -EACCES.  The
 * index of a device is its rank among aiaccel nodes in minor order.
 *
 * A device handle is an open file of the node: its buffers, address
 * space and events are its own.  It may be used from several threads at
 * once (every call on it either issues one ioctl or takes its own lock);
 * aidrv_device_close() must not race with any other use.
 */

/** AIDRV_ACCEL_DIR - Directory holding accel device nodes. */
#define AIDRV_ACCEL_DIR		"/dev/accel"
/** AIDRV_SYSFS_ACCEL_DIR - Directory of the accel class in sysfs. */
#define AIDRV_SYSFS_ACCEL_DIR	"/sys/class/accel"
/** AIDRV_DRIVER_NAME - Name of the aiaccel driver (DRM and platform). */
#define AIDRV_DRIVER_NAME	"aiaccel"

/** struct aidrv_device - An open aiaccel device (opaque). */
struct aidrv_device;

/**
 * aidrv_device_count() - Number of aiaccel devices on the system.
 *
 * Return: The count (0 when there is none, also when no accel driver is
 * loaded at all), or a negative errno if sysfs cannot be read.
 */
int aidrv_device_count(void);

/**
 * aidrv_device_node() - The device node of an aiaccel device.
 * @index: Index of the device, below aidrv_device_count().
 * @path: Where to write the node's path, e.g. "/dev/accel/accel0".
 * @size: Bytes at @path.
 *
 * Return: 0; -ENODEV if there is no such device; -ENAMETOOLONG if the
 * path does not fit in @size bytes; -EINVAL if @path is NULL.
 */
int aidrv_device_node(unsigned int index, char *path, size_t size);

/**
 * aidrv_device_open_index() - Open an aiaccel device by index.
 * @index: Index of the device, below aidrv_device_count().
 * @dev: Set to the new handle on success, to NULL on failure.
 *
 * Return: 0; -ENODEV if there is no such device; the errno of open()
 * (-EACCES without permission on the node); -EINVAL if @dev is NULL.
 */
int aidrv_device_open_index(unsigned int index, struct aidrv_device **dev);

/**
 * aidrv_device_open_path() - Open the aiaccel device node at a path.
 * @path: The node, e.g. "/dev/accel/accel0".
 * @dev: Set to the new handle on success, to NULL on failure.
 *
 * Return: 0; -ENODEV if the node is not an aiaccel device; the errno of
 * open(); -EINVAL if an argument is NULL.
 */
int aidrv_device_open_path(const char *path, struct aidrv_device **dev);

/**
 * aidrv_device_open() - Open an aiaccel device by name, as tools take it.
 * @name: NULL or "" for the first device; a decimal number for the
 *	device of that index; anything else is a path to a node.
 * @dev: Set to the new handle on success, to NULL on failure.
 *
 * Return: as aidrv_device_open_index() or aidrv_device_open_path().
 */
int aidrv_device_open(const char *name, struct aidrv_device **dev);

/**
 * aidrv_device_open_fd() - Make a handle of an open aiaccel device file.
 * @fd: An open file of an aiaccel node, e.g. one passed by another
 *	process; it stays the caller's.
 * @dev: Set to the new handle on success, to NULL on failure.
 *
 * The handle works on a duplicate of @fd (close-on-exec), so it shares
 * the open file, and with it the buffers, address space and events, with
 * @fd and with whatever else uses that file.
 *
 * Return: 0; -EBADF if @fd is not open; -ENODEV if it is not an aiaccel
 * device; -EINVAL if @dev is NULL; -ENOMEM; -EMFILE.
 */
int aidrv_device_open_fd(int fd, struct aidrv_device **dev);

/**
 * aidrv_device_close() - Close a device handle.
 * @dev: The handle; NULL is ignored.
 *
 * Free every buffer, job, executor and binding made on the handle first.
 */
void aidrv_device_close(struct aidrv_device *dev);

/**
 * aidrv_device_fd() - The file descriptor of a device handle.
 * @dev: The handle.
 *
 * For poll() and raw ioctls; it stays the handle's: do not close it.
 *
 * Return: The fd, or -1 if @dev is NULL.
 */
int aidrv_device_fd(const struct aidrv_device *dev);

/**
 * aidrv_device_path() - The device node a handle is of.
 * @dev: The handle.
 *
 * Return: The path (for aidrv_device_open_fd(), the node the fd is of),
 * valid until aidrv_device_close(); NULL if @dev is NULL.
 */
const char *aidrv_device_path(const struct aidrv_device *dev);

/**
 * aidrv_device_get_info() - Describe the device (DRM_IOCTL_AIACCEL_GET_INFO).
 * @dev: The handle.
 * @info: Filled in.
 * @size: sizeof(*@info) as the caller knows it.
 *
 * Members the kernel does not know read as 0.
 *
 * Return: 0, or the ioctl's negative errno; -EINVAL for a NULL argument.
 */
int aidrv_device_get_info(struct aidrv_device *dev, struct drm_aiaccel_info *info,
			  size_t size);

/**
 * aidrv_device_get_stats() - Device-wide and this handle's counters
 * (DRM_IOCTL_AIACCEL_GET_STATS).
 * @dev: The handle.
 * @stats: Filled in: jobs, engine busy time and cycles, MACs, bytes, memory.
 * @size: sizeof(*@stats) as the caller knows it.
 *
 * Members the kernel does not know read as 0.
 *
 * Return: 0, or the ioctl's negative errno; -EINVAL for a NULL argument.
 */
int aidrv_device_get_stats(struct aidrv_device *dev, struct drm_aiaccel_stats *stats,
			   size_t size);

/**
 * aidrv_device_driver_version() - The kernel driver's version (DRM_IOCTL_VERSION).
 * @dev: The handle.
 * @major: Set to the major version; may be NULL.
 * @minor: Set to the minor version; may be NULL.
 * @patch: Set to the patch level; may be NULL.
 *
 * Return: 0 or a negative errno.
 */
int aidrv_device_driver_version(struct aidrv_device *dev, int *major, int *minor,
				int *patch);

/**
 * aidrv_device_get_power() - The power mode, clock and whether the device
 * is powered now (DRM_IOCTL_AIACCEL_POWER).
 * @dev: The handle.
 * @power: Filled in.
 * @size: sizeof(*@power) as the caller knows it.
 *
 * The device powers off by itself when idle, unless in PERFORMANCE mode.
 *
 * Return: 0, or the ioctl's negative errno; -EINVAL for a NULL argument.
 */
int aidrv_device_get_power(struct aidrv_device *dev, struct drm_aiaccel_power *power,
			   size_t size);

/**
 * aidrv_device_set_power() - Set the device-wide power mode.
 * @dev: The handle.
 * @mode: An &enum drm_aiaccel_power_mode.
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -EINVAL for an unknown mode.
 */
int aidrv_device_set_power(struct aidrv_device *dev, uint32_t mode);

/** AIDRV_WAIT_ABSOLUTE - The timeout is an absolute CLOCK_MONOTONIC time. */
#define AIDRV_WAIT_ABSOLUTE	(1U << 0)
/** AIDRV_NSEC_PER_SEC - Nanoseconds in a second. */
#define AIDRV_NSEC_PER_SEC	1000000000LL
/** AIDRV_TIMEOUT_INFINITE - Wait without a deadline. */
#define AIDRV_TIMEOUT_INFINITE	INT64_MAX

/**
 * aidrv_device_read_event() - Read the next completion event.
 * @dev: The handle.
 * @ev: Filled in with the event of a job submitted on @dev with
 *	DRM_AIACCEL_SUBMIT_EVENT: @ev->user_data is the submit's
 *	event_data, @ev->status 0 or the job's error.
 * @size: sizeof(*@ev) as the caller knows it.
 * @timeout_ns: How long to wait for one.
 * @flags: 0 or %AIDRV_WAIT_ABSOLUTE.
 *
 * Events go to whichever reader comes first.  Readers in several threads
 * take turns (a lock, waited for within the deadline), so none blocks
 * past its deadline because another took the event it had seen coming;
 * poll() on aidrv_device_fd() reports POLLIN while one is ready.  Events
 * of a handle must be read through this call only, or only directly.
 *
 * Return: 0; -ETIME when the deadline passes first; -EPROTO for something
 * that is not such an event; -EINVAL for a bad argument.
 */
int aidrv_device_read_event(struct aidrv_device *dev, struct drm_aiaccel_event_job *ev,
			    size_t size, int64_t timeout_ns, uint32_t flags);

/*
 * Buffers
 * =======
 *
 * A buffer is memory a job can address: created on a device, the
 * caller's own memory, or imported from a dma-buf another driver (or
 * another device) exported.  It has a device virtual address in its
 * device handle's address space, and is coherent between CPU and device:
 * no cache maintenance is needed around jobs.
 *
 * Created buffers count against the device memory budget
 * (drm_aiaccel_info.mem_size) until freed; user memory counts against
 * the process's RLIMIT_MEMLOCK instead, and imported buffers are the
 * exporter's memory.  A struct aidrv_bo is reference-counted (importing a
 * dma-buf the handle already knows gives the same one) and may be used
 * from several threads at once.  Free every buffer of a device before
 * closing the device.
 */

/** struct aidrv_bo - A buffer on one aiaccel device handle (opaque). */
struct aidrv_bo;

/**
 * aidrv_bo_create() - Create a zeroed buffer (DRM_IOCTL_AIACCEL_BO_CREATE).
 * @dev: The handle.
 * @size: Bytes, rounded up to the page size (see aidrv_bo_size()).
 * @flags: DRM_AIACCEL_BO_* flags.
 * @bo: Set to the new buffer on success, to NULL on failure.
 *
 * Return: 0; -EINVAL for a size of 0 or larger than the device address
 * space, or unknown flags; -ENOMEM past the device memory budget or when
 * the system is out of memory; -ENOSPC if the address space is full.
 */
int aidrv_bo_create(struct aidrv_device *dev, uint64_t size, uint32_t flags,
		    struct aidrv_bo **bo);

/**
 * aidrv_bo_create_userptr() - Make a buffer of the caller's memory
 * (DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR).
 * @dev: The handle.
 * @ptr: Start of the memory, page-aligned: anonymous memory, or a shared
 *	mapping of a memfd or tmpfs file.
 * @size: Bytes, a multiple of the page size.
 * @flags: 0, or DRM_AIACCEL_BO_DEVICE_READ_ONLY for memory the device
 *	only reads (then the memory only needs to be readable).
 * @bo: Set to the new buffer on success, to NULL on failure.
 *
 * The pages are pinned until the buffer, and every job using it, are
 * gone; jobs read and write the memory in place.  aidrv_bo_map() gives
 * back @ptr.  Unmapping the memory or forking while the buffer exists is
 * safe: the buffer keeps the pages (see the uAPI header).
 *
 * Return: 0; -EINVAL for an unaligned or zero @ptr or @size, or unknown
 * flags; -EFAULT if the memory is not mapped, not writable without
 * DEVICE_READ_ONLY, or of a kind that cannot be pinned; -ENOMEM past
 * RLIMIT_MEMLOCK (without CAP_IPC_LOCK); -EOPNOTSUPP on a device that is
 * not DMA-coherent (no DRM_AIACCEL_CAP_COHERENT); -ENOTTY with a driver
 * older than 1.1.
 */
int aidrv_bo_create_userptr(struct aidrv_device *dev, void *ptr, uint64_t size,
			    uint32_t flags, struct aidrv_bo **bo);

/**
 * aidrv_bo_import() - Import a dma-buf (DRM_IOCTL_PRIME_FD_TO_HANDLE).
 * @dev: The handle.
 * @fd: The dma-buf; it stays open and the caller's.
 * @bo: Set to the buffer on success, to NULL on failure.
 *
 * A dma-buf the handle already knows (a buffer of @dev exported, or
 * imported before) gives that same struct aidrv_bo with one more
 * reference; each reference is dropped with aidrv_bo_free().
 *
 * Return: 0; -EBADF if @fd is not open; -EINVAL if it is not a dma-buf;
 * or the importer's error (-ENOMEM, -ENOSPC).
 */
int aidrv_bo_import(struct aidrv_device *dev, int fd, struct aidrv_bo **bo);

/**
 * aidrv_bo_free() - Drop a reference to a buffer.
 * @bo: The buffer; NULL is ignored.
 *
 * The last reference unmaps the CPU mapping, if any, and closes the GEM
 * handle.  The memory lives on while anything else still uses it: a
 * dma-buf exported from it, another file's handle, a job.
 */
void aidrv_bo_free(struct aidrv_bo *bo);

/**
 * aidrv_bo_map() - Map the whole buffer for the CPU.
 * @bo: The buffer.
 * @ptr: Set to the address of the mapping, readable and writable and
 *	shared with the device.
 *
 * Mappings are counted: every call gives the same address and needs its
 * own aidrv_bo_unmap().  For user memory the address is the memory's own.
 * An imported buffer is mapped through its exporter; bracket CPU access
 * with DMA_BUF_IOCTL_SYNC on a dma-buf fd of it when the exporter is not
 * coherent.
 *
 * Return: 0, or the errno of mmap(); -EINVAL for a NULL argument.
 */
int aidrv_bo_map(struct aidrv_bo *bo, void **ptr);

/**
 * aidrv_bo_unmap() - Undo one aidrv_bo_map(); the last one unmaps.
 * @bo: The buffer.
 *
 * Return: 0, or -EINVAL if the buffer is not mapped.
 */
int aidrv_bo_unmap(struct aidrv_bo *bo);

/**
 * aidrv_bo_export() - Export as a dma-buf (DRM_IOCTL_PRIME_HANDLE_TO_FD).
 * @bo: The buffer.
 * @fd: Set to a new fd of the dma-buf, O_RDWR and close-on-exec, which
 *	the caller closes.
 *
 * Exporting a buffer again gives another fd of the same dma-buf.
 *
 * Return: 0, or the ioctl's negative errno.
 */
int aidrv_bo_export(struct aidrv_bo *bo, int *fd);

/**
 * aidrv_bo_wait() - Wait until no job uses the buffer (DRM_IOCTL_AIACCEL_WAIT).
 * @bo: The buffer.
 * @wait_flags: 0 to wait for every user (it is then safe to write), or
 *	DRM_AIACCEL_WAIT_WRITERS for writers only (then safe to read).
 * @timeout_ns: How long to wait.
 * @flags: 0 or %AIDRV_WAIT_ABSOLUTE.
 *
 * Jobs of any file or device, and other drivers using a shared buffer,
 * count.
 *
 * Return: 0, -ETIME, -EINTR; -EINVAL for a bad argument.
 */
int aidrv_bo_wait(struct aidrv_bo *bo, uint32_t wait_flags, int64_t timeout_ns,
		  uint32_t flags);

/**
 * aidrv_bo_size() - Size of a buffer.
 * @bo: The buffer.
 *
 * Return: Bytes (the requested size rounded up to pages), 0 for NULL.
 */
uint64_t aidrv_bo_size(const struct aidrv_bo *bo);

/**
 * aidrv_bo_va() - Device virtual address of a buffer.
 * @bo: The buffer.
 *
 * Return: The address in its device handle's address space, 0 for NULL.
 */
uint64_t aidrv_bo_va(const struct aidrv_bo *bo);

/**
 * aidrv_bo_handle() - GEM handle of a buffer, for raw ioctls on aidrv_device_fd().
 * @bo: The buffer.
 *
 * Return: The handle, 0 (never a valid handle) for NULL.
 */
uint32_t aidrv_bo_handle(const struct aidrv_bo *bo);

/**
 * aidrv_bo_flags() - The DRM_AIACCEL_BO_* flags a buffer was made with.
 * @bo: The buffer.
 *
 * Return: The flags, 0 for NULL.
 */
uint32_t aidrv_bo_flags(const struct aidrv_bo *bo);

/**
 * aidrv_bo_info_flags() - What a buffer is: DRM_AIACCEL_BO_INFO_IMPORTED
 * (another driver's or device's memory), DRM_AIACCEL_BO_INFO_USERPTR
 * (the caller's memory), or neither (created on the device).
 * @bo: The buffer.
 *
 * Return: The DRM_AIACCEL_BO_INFO_* flags, 0 for NULL.
 */
uint32_t aidrv_bo_info_flags(const struct aidrv_bo *bo);

/**
 * aidrv_bo_device() - The device handle a buffer belongs to.
 * @bo: The buffer.
 *
 * Return: The handle, NULL for NULL.
 */
struct aidrv_device *aidrv_bo_device(const struct aidrv_bo *bo);

/*
 * Command streams
 * ===============
 *
 * A job runs a command stream: a sequence of ops of the int8 ISA
 * (<drm/aiaccel_isa.h>, Documentation/accel/aiaccel/isa.rst) naming
 * tensors by device VA (aidrv_bo_va() plus an offset).  A struct aidrv_cs
 * builds one in host memory and grows as needed, up to %AIDRV_CS_MAX_SIZE
 * (1 MiB; a device runs up to drm_aiaccel_info.max_cs_size, 1 MiB for
 * aiaccel 1.x); it is copied to the device at submit,
 * so it may be reset and reused, or submitted again, at once.  A command
 * stream is used by one thread at a time.
 *
 * Each typed appender takes the op's struct, fills in hdr.opcode and
 * hdr.size, keeps hdr.flags (AIACCEL_OP_F_* for GEMM and the convolutions,
 * else 0) and checks the op against the ISA's validation rules.  They
 * return the op's index in the stream (>= 0), -EINVAL for an op the
 * device would reject as invalid, -E2BIG past 1 MiB, -ENOMEM.
 */

/**
 * AIDRV_CS_MAX_SIZE - Most bytes a struct aidrv_cs grows to.  The device's
 * own limit is drm_aiaccel_info.max_cs_size (aidrv_device_get_info()).
 */
#define AIDRV_CS_MAX_SIZE	(1u << 20)

/** struct aidrv_cs - A command stream being built (opaque). */
struct aidrv_cs;

/**
 * aidrv_cs_create() - Make an empty command stream.
 * @cs: Set to the new stream on success, to NULL on failure.
 *
 * Return: 0, -EINVAL if @cs is NULL, -ENOMEM.
 */
int aidrv_cs_create(struct aidrv_cs **cs);

/**
 * aidrv_cs_free() - Free a command stream.
 * @cs: The stream; NULL is ignored.
 */
void aidrv_cs_free(struct aidrv_cs *cs);

/**
 * aidrv_cs_reset() - Empty a command stream, keeping its memory.
 * @cs: The stream; NULL is ignored.
 */
void aidrv_cs_reset(struct aidrv_cs *cs);

/**
 * aidrv_cs_size() - Bytes of ops in a command stream.
 * @cs: The stream.
 *
 * Return: The size, a multiple of 8; 0 for NULL.
 */
size_t aidrv_cs_size(const struct aidrv_cs *cs);

/**
 * aidrv_cs_count() - Number of ops in a command stream.
 * @cs: The stream.
 *
 * Return: The count; 0 for NULL.
 */
unsigned int aidrv_cs_count(const struct aidrv_cs *cs);

/**
 * aidrv_cs_data() - The ops of a command stream.
 * @cs: The stream.
 *
 * Return: aidrv_cs_size() bytes of ops, valid until the next append,
 * reset or free; NULL for NULL or an empty stream.
 */
const void *aidrv_cs_data(const struct aidrv_cs *cs);

/**
 * aidrv_cs_nop() - Append an op that does nothing (8 bytes).
 * @cs: The stream.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_nop(struct aidrv_cs *cs);

/**
 * aidrv_cs_dma_copy() - Append a copy between two device VAs.
 * @cs: The stream.
 * @dst: Destination VA.
 * @src: Source VA.
 * @size: Bytes, at least 1; the ranges must not overlap.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_dma_copy(struct aidrv_cs *cs, uint64_t dst, uint64_t src, uint64_t size);

/**
 * aidrv_cs_gemm() - Append a GEMM (fully-connected) op.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_gemm(struct aidrv_cs *cs, const struct aiaccel_op_gemm *op);

/**
 * aidrv_cs_conv2d() - Append a 2-D convolution.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_conv2d(struct aidrv_cs *cs, const struct aiaccel_op_conv2d *op);

/**
 * aidrv_cs_dwconv2d() - Append a depthwise 2-D convolution.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_dwconv2d(struct aidrv_cs *cs, const struct aiaccel_op_conv2d *op);

/**
 * aidrv_cs_maxpool() - Append a max-pooling op.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_maxpool(struct aidrv_cs *cs, const struct aiaccel_op_pool *op);

/**
 * aidrv_cs_avgpool() - Append an average-pooling op.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_avgpool(struct aidrv_cs *cs, const struct aiaccel_op_pool *op);

/**
 * aidrv_cs_add() - Append an element-wise addition.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_add(struct aidrv_cs *cs, const struct aiaccel_op_add *op);

/**
 * aidrv_cs_activation() - Append an element-wise activation.
 * @cs: The stream.
 * @op: The op; its hdr.opcode and hdr.size are ignored.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_activation(struct aidrv_cs *cs, const struct aiaccel_op_activation *op);

/**
 * aidrv_cs_append() - Append any op whose header is complete.
 * @cs: The stream.
 * @op: The op, starting with a &struct aiaccel_op_header whose opcode,
 *	size and flags are set; validated like the typed appenders.
 *
 * Return: The op's index, or a negative errno.
 */
int aidrv_cs_append(struct aidrv_cs *cs, const void *op);

/**
 * aidrv_cs_append_raw() - Append bytes unchecked.
 * @cs: The stream.
 * @op: The bytes.
 * @size: How many: a non-zero multiple of 8.
 *
 * For testing how the device handles malformed ops.
 *
 * Return: The index the bytes would have as an op, or a negative errno.
 */
int aidrv_cs_append_raw(struct aidrv_cs *cs, const void *op, size_t size);

/**
 * aidrv_cs_upload() - Copy a command stream into a new buffer.
 * @cs: The stream.
 * @dev: The device handle.
 * @bo: Set to a new device-read-only buffer holding the ops on success
 *	(freed with aidrv_bo_free()), to NULL on failure.
 *
 * To submit one stream many times without a copy each time
 * (&aidrv_submit.cs_bo).
 *
 * Return: 0; -ENODATA if the stream is empty; or as aidrv_bo_create().
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
 * Explicit dependencies are syncobjs, binary (point 0) or timeline
 * points, and sync_file fds: the job waits for its in-syncs and its
 * in-fence, and signals its out-syncs; aidrv_job_sync_file() gives its
 * completion as a sync_file (for a KMS IN_FENCE_FD, for instance).
 *
 *	struct aidrv_job_bo bos[] = {
 *		{ in, DRM_AIACCEL_SUBMIT_BO_READ }, { out, DRM_AIACCEL_SUBMIT_BO_WRITE },
 *	};
 *	struct aidrv_submit s;
 *
 *	aidrv_submit_init(&s, sizeof(s));
 *	s.cs = cs;
 *	s.bos = bos;
 *	s.bo_count = 2;
 *	ret = aidrv_job_run(dev, &s, 5 * AIDRV_NSEC_PER_SEC);
 *
 * A struct aidrv_job may be waited on and queried from several threads
 * at once; aidrv_job_free() must not race with those.
 */

/** struct aidrv_job - A submitted job (opaque). */
struct aidrv_job;

/**
 * struct aidrv_job_bo - A buffer a job uses.  Never grows.
 * @bo: The buffer, of the submitting device handle.
 * @flags: DRM_AIACCEL_SUBMIT_BO_READ and/or DRM_AIACCEL_SUBMIT_BO_WRITE.
 */
struct aidrv_job_bo {
	struct aidrv_bo *bo;
	uint32_t flags;
};

/**
 * struct aidrv_sync - A syncobj point a job waits for or signals.  Never grows.
 * @handle: Syncobj handle on the job's device handle (aidrv_syncobj_create()).
 * @flags: For in-syncs, DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT to wait (in the
 *	submit, up to 5 s) for a point not submitted yet; 0 for out-syncs.
 * @point: Timeline point, or 0 for a binary syncobj.
 */
struct aidrv_sync {
	uint32_t handle;
	uint32_t flags;
	uint64_t point;
};

/**
 * struct aidrv_submit - What to run; start from aidrv_submit_init().
 * @size: sizeof(struct aidrv_submit) as the caller knows it.
 * @cs: The ops, copied to the device at submit; or NULL, and then
 * @cs_bo: a buffer holding them (aidrv_cs_upload()),
 * @cs_offset: at this offset (a multiple of 8),
 * @cs_size: this many bytes.
 * @bos: Buffers the ops touch (the command stream's own buffer need not
 *	be listed).
 * @bo_count: Entries of @bos.
 * @in_syncs: Syncobj points to wait for.
 * @in_sync_count: Entries of @in_syncs.
 * @out_syncs: Syncobj points to signal.
 * @out_sync_count: Entries of @out_syncs.
 * @engine: With DRM_AIACCEL_SUBMIT_ENGINE in @flags, the engine to run
 *	on; else 0 (the default), and the driver picks the least busy one.
 * @priority: An &enum drm_aiaccel_priority; NORMAL (0) by default, HIGH
 *	needs CAP_SYS_NICE.
 * @flags: DRM_AIACCEL_SUBMIT_EVENT (a completion event for
 *	aidrv_device_read_event()), DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC,
 *	DRM_AIACCEL_SUBMIT_ENGINE (run on @engine).
 * @event_data: Copied into the completion event.
 * @in_fence_fd: A sync_file the job waits for, or -1 (the default); it
 *	stays the caller's.
 */
struct aidrv_submit {
	size_t size;
	const struct aidrv_cs *cs;
	struct aidrv_bo *cs_bo;
	uint64_t cs_offset;
	uint64_t cs_size;
	const struct aidrv_job_bo *bos;
	unsigned int bo_count;
	const struct aidrv_sync *in_syncs;
	unsigned int in_sync_count;
	const struct aidrv_sync *out_syncs;
	unsigned int out_sync_count;
	uint32_t engine;
	uint32_t priority;
	uint32_t flags;
	uint64_t event_data;
	int in_fence_fd;
};

/**
 * aidrv_submit_init() - Set a submit description to its defaults.
 * @s: The description.
 * @size: sizeof(*@s) as the caller knows it.
 *
 * Zeroes @size bytes (any engine, normal priority), sets @s->size and no
 * in-fence.  Nothing happens if @s is NULL or @size is smaller than the
 * first library's struct (1.0).
 */
void aidrv_submit_init(struct aidrv_submit *s, size_t size);

/**
 * aidrv_job_submit() - Queue a job (DRM_IOCTL_AIACCEL_SUBMIT) and return at once.
 * @dev: The device handle.
 * @s: What to run.
 * @job: With @job non-NULL, set to the new job on success (free it with
 *	aidrv_job_free()) and to NULL on failure; with @job NULL the job is
 *	fire and forget.
 *
 * Does not wait for the device: the submit ioctl only queues the job.
 *
 * Return: 0; -EINVAL (bad flags, engine, priority, a buffer of another
 * handle, a timeline point not submitted yet, an unknown @s->size);
 * -E2BIG (members past the library's struct not zero); -ENOENT (unknown
 * syncobj); -EPERM (HIGH priority); -ECANCELED (this file was banned
 * after one of its jobs hung); -EIO (wedged device); -ENODEV (device
 * gone); -EBADF or -EINVAL (a bad in-fence fd); -ENOMEM.
 */
int aidrv_job_submit(struct aidrv_device *dev, const struct aidrv_submit *s,
		     struct aidrv_job **job);

/**
 * aidrv_job_wait() - Wait until a job is done, successfully or not.
 * @job: The job.
 * @timeout_ns: How long to wait.
 * @flags: 0 or %AIDRV_WAIT_ABSOLUTE.
 *
 * Return: 0 once it is done; -ETIME if the deadline passed first; -EINTR;
 * -EINVAL for a bad argument.
 */
int aidrv_job_wait(struct aidrv_job *job, int64_t timeout_ns, uint32_t flags);

/**
 * aidrv_job_status() - The outcome of a job, without waiting.
 * @job: The job.
 *
 * Return: 0 done and successful; -EINPROGRESS not done yet; or the
 * negative errno it failed with: -EINVAL (an invalid op), -EFAULT (an
 * MMU fault: a VA outside the caller's buffers, or a write to a read-only
 * one), -ETIMEDOUT (it hung its engine, or ran past the watchdog), -EIO
 * (a device error), -ECANCELED (cancelled after another job of the file
 * hung), -ENODEV (device gone), -ESRCH (dropped when its file closed).
 */
int aidrv_job_status(struct aidrv_job *job);

/**
 * aidrv_job_syncobj() - The binary syncobj a job signals when done.
 * @job: The job.
 *
 * To use as another job's in-sync; it lives until aidrv_job_free().
 *
 * Return: The syncobj handle; 0 for NULL.
 */
uint32_t aidrv_job_syncobj(const struct aidrv_job *job);

/**
 * aidrv_job_sync_file() - A job's completion as a sync_file.
 * @job: The job.
 * @fd: Set to a new sync_file fd, which the caller closes; it signals
 *	when the job is done, with the job's error if it failed.
 *
 * For other drivers' in-fences: a KMS commit's IN_FENCE_FD, a GPU job.
 *
 * Return: 0, or the negative errno of the export; -EINVAL for NULL.
 */
int aidrv_job_sync_file(struct aidrv_job *job, int *fd);

/**
 * aidrv_job_free() - Forget a job; it runs on.
 * @job: The job; NULL is ignored.
 */
void aidrv_job_free(struct aidrv_job *job);

/**
 * aidrv_job_run() - Submit a job, wait for it and free it.
 * @dev: The device handle.
 * @s: What to run.
 * @timeout_ns: How long to wait, relative.
 *
 * Return: The job's status (0 or its error), a submit error, or -ETIME
 * (the job then still runs).
 */
int aidrv_job_run(struct aidrv_device *dev, const struct aidrv_submit *s,
		  int64_t timeout_ns);

/**
 * aidrv_now_ns() - CLOCK_MONOTONIC now, for absolute deadlines.
 *
 * Return: Nanoseconds.
 */
int64_t aidrv_now_ns(void);

/*
 * Syncobjs
 * ========
 *
 * DRM sync objects of a device handle, by handle.  A binary syncobj holds
 * one fence (point 0); a timeline syncobj a sequence of points, each
 * signalled in order.  These calls are thread-safe.
 */

/**
 * aidrv_syncobj_create() - Create a syncobj.
 * @dev: The device handle.
 * @flags: 0, or DRM_SYNCOBJ_CREATE_SIGNALED for a signalled one.
 * @handle: Set to its handle.
 *
 * Return: 0 or the ioctl's negative errno.
 */
int aidrv_syncobj_create(struct aidrv_device *dev, uint32_t flags, uint32_t *handle);

/**
 * aidrv_syncobj_free() - Destroy a syncobj.
 * @dev: The device handle.
 * @handle: The syncobj.
 *
 * Return: 0 or the ioctl's negative errno (-EINVAL for an unknown handle).
 */
int aidrv_syncobj_free(struct aidrv_device *dev, uint32_t handle);

/**
 * aidrv_syncobj_wait() - Wait until a point is submitted and signalled.
 * @dev: The device handle.
 * @handle: The syncobj.
 * @point: The timeline point, or 0 for the binary fence.
 * @timeout_ns: How long to wait.
 * @flags: 0 or %AIDRV_WAIT_ABSOLUTE.
 *
 * Return: 0, -ETIME, -EINVAL, -ENOENT.
 */
int aidrv_syncobj_wait(struct aidrv_device *dev, uint32_t handle, uint64_t point,
		       int64_t timeout_ns, uint32_t flags);

/**
 * aidrv_syncobj_signal() - Signal a point from the CPU.
 * @dev: The device handle.
 * @handle: The syncobj.
 * @point: The timeline point, or 0 for the binary fence.
 *
 * Return: 0 or the ioctl's negative errno.
 */
int aidrv_syncobj_signal(struct aidrv_device *dev, uint32_t handle, uint64_t point);

/**
 * aidrv_syncobj_query() - The last signalled point of a timeline.
 * @dev: The device handle.
 * @handle: The syncobj.
 * @point: Set to the point.
 *
 * Return: 0 or the ioctl's negative errno.
 */
int aidrv_syncobj_query(struct aidrv_device *dev, uint32_t handle, uint64_t *point);

/**
 * aidrv_syncobj_import_sync_file() - Put a sync_file's fence in a binary syncobj.
 * @dev: The device handle.
 * @handle: The syncobj; its fence is replaced.
 * @fd: The sync_file; it stays the caller's.
 *
 * Return: 0 or the ioctl's negative errno.
 */
int aidrv_syncobj_import_sync_file(struct aidrv_device *dev, uint32_t handle, int fd);

/**
 * aidrv_syncobj_export_sync_file() - A binary syncobj's fence as a sync_file.
 * @dev: The device handle.
 * @handle: The syncobj.
 * @fd: Set to a new sync_file fd, which the caller closes.
 *
 * Return: 0 or the ioctl's negative errno (-EINVAL if it has no fence).
 */
int aidrv_syncobj_export_sync_file(struct aidrv_device *dev, uint32_t handle, int *fd);

/*
 * Models
 * ======
 *
 * A quantised network in the file format of
 * Documentation/accel/aiaccel/model-format.rst: activation tensors, and
 * layers that map one to one onto ISA ops (isa.rst) with their weights,
 * biases and scales.  A loaded model is immutable; it may be used from
 * several threads at once.
 *
 * The same description drives every executor: aidrv_model_layer_op()
 * turns layer i into the exact ISA op the engines execute, given where
 * the model's data blob and each tensor live (device VAs for the device,
 * host pointers for the CPU).  aidrv_model_run_cpu() runs those ops
 * through the reference implementation (libaidrv/ref), so a device
 * running the stream of aidrv_model_stream() must produce the same bytes.
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

/** struct aidrv_model - A loaded, validated model (opaque). */
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
 * @size: sizeof(struct aidrv_model_addrs) as the caller knows it.
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
	size_t size;
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
 *
 * Made by the library only (aidrv_dataset_load_file()); members are only
 * ever added at the end.
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
 * Return: 0; -EINVAL if the buffer is not a valid model (or an argument
 * is NULL); -ENOMEM.
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
 * Return: The count, at least 2; 0 for NULL.
 */
unsigned int aidrv_model_num_tensors(const struct aidrv_model *model);

/**
 * aidrv_model_num_layers() - Number of layers of a model.
 * @model: The model.
 *
 * Return: The count, at least 1; 0 for NULL.
 */
unsigned int aidrv_model_num_layers(const struct aidrv_model *model);

/**
 * aidrv_model_tensor() - Describe a tensor.
 * @model: The model.
 * @index: Tensor index, below aidrv_model_num_tensors().
 * @tensor: Filled in.
 * @size: sizeof(*@tensor) as the caller knows it.
 *
 * Return: 0 or -EINVAL (bad index or NULL argument).
 */
int aidrv_model_tensor(const struct aidrv_model *model, unsigned int index,
		       struct aidrv_model_tensor *tensor, size_t size);

/**
 * aidrv_model_input() - Describe the model's input tensor.
 * @model: The model.
 * @tensor: Filled in.
 * @size: sizeof(*@tensor) as the caller knows it.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_input(const struct aidrv_model *model,
		      struct aidrv_model_tensor *tensor, size_t size);

/**
 * aidrv_model_output() - Describe the model's output tensor.
 * @model: The model.
 * @tensor: Filled in.
 * @size: sizeof(*@tensor) as the caller knows it.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_output(const struct aidrv_model *model,
		       struct aidrv_model_tensor *tensor, size_t size);

/**
 * aidrv_model_layer() - Describe a layer.
 * @model: The model.
 * @index: Layer index, below aidrv_model_num_layers(); layers run in
 *	index order.
 * @layer: Filled in.
 * @size: sizeof(*@layer) as the caller knows it.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_layer(const struct aidrv_model *model, unsigned int index,
		      struct aidrv_model_layer *layer, size_t size);

/**
 * aidrv_model_data() - The model's data blob: weights, biases, scales.
 * @model: The model.
 * @size: Set to the blob's size in bytes (may be 0); may be NULL.
 *
 * An executor copies the blob, as is, to memory its engines can read and
 * passes that address as &aidrv_model_addrs.data.
 *
 * Return: The blob, valid until aidrv_model_free(), 8-byte aligned; NULL
 * for NULL or an empty blob.
 */
const void *aidrv_model_data(const struct aidrv_model *model, size_t *size);

/**
 * aidrv_model_max_batch() - Largest batch the model can run in one go.
 * @model: The model.
 *
 * The ISA limits every tensor an op touches to 2^28 bytes; the largest
 * tensor of the model, times the batch, must fit.
 *
 * Return: The largest valid batch, at least 1; 0 for NULL.
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
 * @op_size: Bytes at @op: sizeof(*@op) as the caller knows it.
 *
 * This is the one mapping from layers to ops: the CPU executor and device
 * executors both use it, so they run identical ops.
 *
 * Return: 0; -EINVAL for a bad argument; -E2BIG if @batch is too large;
 * -ENOSPC if the op is larger than @op_size.
 */
int aidrv_model_layer_op(const struct aidrv_model *model, unsigned int index,
			 uint32_t batch, const struct aidrv_model_addrs *addrs,
			 union aidrv_model_op *op, size_t op_size);

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

/*
 * Inference
 * =========
 *
 * The device executor of models: a struct aidrv_inference binds a loaded
 * model to a device for a maximum batch.  Its outputs equal the CPU
 * executor's byte for byte: its jobs run the ops of aidrv_model_stream().
 * Creating one copies the model's data section once into a
 * device-read-only buffer that every job of it reads.  There are two ways
 * to run it:
 *
 * Copying, simple: aidrv_inference_run() takes images in host memory,
 * copies them in, runs them in batches and copies the results out, and
 * returns when done.  It allocates, at its first call, buffer sets of one
 * buffer per tensor sized for the batch plus a command stream: one set
 * per engine (at least two, at most four), each running its jobs on an
 * engine of its own, so that batch i + 1 is copied in and submitted while
 * batch i runs; one set with %AIDRV_INFERENCE_SINGLE_BUFFER.
 *
 * Zero-copy, asynchronous: a struct aidrv_binding binds the model's input
 * and output tensors to buffers the caller chose (created, user memory,
 * or imported: a camera frame, a display buffer), with its own buffers
 * for the tensors in between and its own command stream, built once.
 * aidrv_binding_submit() queues one job and returns at once, with a job
 * to wait on or whose completion to hand on as a sync_file; it waits for
 * what the caller says (syncobjs, a sync_file) and for the buffers'
 * earlier users.  The CPU never touches the tensors.
 *
 *	struct aidrv_inference *inf;
 *
 *	ret = aidrv_inference_create(dev, model, 64, 0, &inf);
 *	if (!ret) {
 *		ret = aidrv_inference_run(inf, images, 1000, logits, 10 * AIDRV_NSEC_PER_SEC);
 *		aidrv_inference_free(inf);
 *	}
 *
 * The model and the device must outlive the executor, the executor its
 * bindings.  An executor, and each binding, is used by one thread at a
 * time; executors of one device may run in parallel.
 */

/** struct aidrv_inference - A model bound to a device (opaque). */
struct aidrv_inference;

/** AIDRV_INFERENCE_SINGLE_BUFFER - One buffer set: no overlap of batches. */
#define AIDRV_INFERENCE_SINGLE_BUFFER	(1U << 0)
/** AIDRV_INFERENCE_FLAGS - Every flag aidrv_inference_create() knows. */
#define AIDRV_INFERENCE_FLAGS		AIDRV_INFERENCE_SINGLE_BUFFER

/**
 * aidrv_inference_create() - Bind a model to a device.
 * @dev: The device handle.
 * @model: A loaded model; it must stay loaded until aidrv_inference_free().
 * @max_batch: Most images per job, 1 .. aidrv_model_max_batch().
 * @flags: 0 or %AIDRV_INFERENCE_SINGLE_BUFFER.
 * @inf: Set to the new executor on success, to NULL on failure.
 *
 * Return: 0; -EINVAL for a NULL argument, a @max_batch of 0 or unknown
 * @flags; -E2BIG if @max_batch is above aidrv_model_max_batch() (or the
 * model's command stream is larger than the device's
 * drm_aiaccel_info.max_cs_size); or the
 * error of aidrv_device_get_info(), aidrv_bo_create() or aidrv_bo_map():
 * -ENOMEM past the device memory budget, -ENOSPC when the address space
 * is full.
 */
int aidrv_inference_create(struct aidrv_device *dev, const struct aidrv_model *model,
			   uint32_t max_batch, uint32_t flags,
			   struct aidrv_inference **inf);

/**
 * aidrv_inference_run() - Run images through the model, copying them in and out.
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
 * the executor is safe); -EINTR; an error of aidrv_bo_create() the first
 * time; the error of aidrv_job_submit(); or the error a job failed with,
 * as aidrv_job_status() gives it (-EFAULT, -ETIMEDOUT, -EIO, -ECANCELED...).
 */
int aidrv_inference_run(struct aidrv_inference *inf, const int8_t *input,
			uint32_t count, int8_t *output, int64_t timeout_ns);

/**
 * aidrv_inference_max_batch() - The executor's max_batch.
 * @inf: The executor.
 *
 * Return: max_batch; 0 for NULL.
 */
uint32_t aidrv_inference_max_batch(const struct aidrv_inference *inf);

/**
 * aidrv_inference_model() - The model an executor runs.
 * @inf: The executor.
 *
 * Return: The model; NULL for NULL.
 */
const struct aidrv_model *aidrv_inference_model(const struct aidrv_inference *inf);

/**
 * aidrv_inference_free() - Free an executor and its buffers.
 * @inf: The executor; NULL is ignored.
 *
 * Free its bindings first.  Jobs still running (after an -ETIME) keep
 * what they use until they end.
 */
void aidrv_inference_free(struct aidrv_inference *inf);

/**
 * aidrv_inference_run_once() - Run a loaded model on the device, in one call.
 * @dev: The device handle.
 * @model: A loaded model.
 * @input: @count images of the model input's size.
 * @count: Number of images, at least 1.
 * @output: Room for @count results of the model output's size.
 * @timeout_ns: As for aidrv_inference_run().
 *
 * Binds the model (aidrv_inference_create(), batches of at most 256
 * images, double-buffered when there is more than one batch), runs it
 * (aidrv_inference_run()) and frees the executor.  To run a model many
 * times, keep an executor instead: binding copies the weights each time.
 *
 * Return: 0, or an error of aidrv_inference_create() or
 * aidrv_inference_run().
 */
int aidrv_inference_run_once(struct aidrv_device *dev, const struct aidrv_model *model,
			     const int8_t *input, uint32_t count, int8_t *output,
			     int64_t timeout_ns);

/** struct aidrv_binding - A model's input and output bound to buffers (opaque). */
struct aidrv_binding;

/**
 * struct aidrv_bind - Where a binding's tensors are.
 * @size: sizeof(struct aidrv_bind) as the caller knows it.
 * @batch: Images per job, 1 .. the executor's max_batch.
 * @input: Buffer holding the input tensor: @batch images of the model
 *	input's size, from @input_offset.
 * @input_offset: Offset of the tensor in @input.
 * @output: Buffer the output tensor is written to: @batch results of the
 *	model output's size, from @output_offset.
 * @output_offset: Offset of the tensor in @output.
 *
 * The two ranges must not overlap.  The buffers must be of the
 * executor's device handle; they are referenced by the binding.
 */
struct aidrv_bind {
	size_t size;
	uint32_t batch;
	struct aidrv_bo *input;
	uint64_t input_offset;
	struct aidrv_bo *output;
	uint64_t output_offset;
};

/**
 * aidrv_binding_create() - Bind an executor's model to buffers.
 * @inf: The executor.
 * @bind: The buffers.
 * @binding: Set to the new binding on success, to NULL on failure.
 *
 * Allocates the binding's own buffers for the model's other tensors and
 * writes its command stream, once.
 *
 * Return: 0; -EINVAL for a bad argument (a buffer of another handle, a
 * tensor past the end of its buffer, overlapping tensors, a bad batch);
 * -E2BIG (unknown members of @bind not zero); or as aidrv_bo_create().
 */
int aidrv_binding_create(struct aidrv_inference *inf, const struct aidrv_bind *bind,
			 struct aidrv_binding **binding);

/**
 * aidrv_binding_submit() - Queue one run of the model on the bound buffers.
 * @binding: The binding.
 * @s: Dependencies and options, or NULL for none: in-syncs, out-syncs,
 *	@s->in_fence_fd, engine, priority, flags, event_data.  Its command
 *	stream and buffer members must be unset: the binding's are used.
 * @job: As for aidrv_job_submit(): set to the job (aidrv_job_sync_file()
 *	gives its completion as a sync_file), or NULL for fire and forget.
 *
 * Returns without waiting for the device.  The job reads the input
 * buffer and writes the output buffer in place, after their earlier
 * users (unless NO_IMPLICIT_SYNC); jobs of one binding run one after the
 * other in any case (a syncobj of the binding's orders them), as they
 * share the buffers in between.
 *
 * Return: as aidrv_job_submit().
 */
int aidrv_binding_submit(struct aidrv_binding *binding, const struct aidrv_submit *s,
			 struct aidrv_job **job);

/**
 * aidrv_binding_free() - Free a binding.
 * @binding: The binding; NULL is ignored.
 *
 * Jobs still running keep what they use until they end.
 */
void aidrv_binding_free(struct aidrv_binding *binding);

#ifdef __cplusplus
}
#endif

#endif /* AIDRV_H */
