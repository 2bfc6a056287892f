/* SPDX-License-Identifier: MIT */
/*
 * Buffers, command streams and job submission for the aiaccel IGT tests.
 */
#ifndef AIACCEL_JOB_UTIL_H
#define AIACCEL_JOB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/aiaccel_accel.h>
#include <drm/aiaccel_isa.h>

/* A buffer with its CPU mapping. */
struct aiaccel_buf {
	uint32_t handle;
	uint64_t size;
	uint64_t va;
	void *map;
};

/* Create a buffer and map it for the CPU; asserts on failure. */
void aiaccel_buf_new(int fd, uint64_t size, uint32_t flags, struct aiaccel_buf *buf);
/* Unmap and close it. */
void aiaccel_buf_free(int fd, struct aiaccel_buf *buf);

/* A command stream being built in a buffer. */
struct aiaccel_cs {
	struct aiaccel_buf buf;
	uint32_t used;
};

void aiaccel_cs_new(int fd, uint32_t capacity, struct aiaccel_cs *cs);
/* Append an op (its header's size field is filled in); returns it. */
void *aiaccel_cs_emit(struct aiaccel_cs *cs, uint16_t opcode, uint32_t flags, size_t size);

/* Submit the command stream with the given buffers; 0 or -errno. */
int aiaccel_submit(int fd, const struct aiaccel_cs *cs, const struct drm_aiaccel_submit_bo *bos,
		   uint32_t nbos, const struct drm_aiaccel_sync *in, uint32_t nin,
		   const struct drm_aiaccel_sync *out, uint32_t nout, uint32_t flags,
		   uint64_t event_data);

/* DRM_IOCTL_AIACCEL_WAIT with a deadline @rel_ns from now; 0 or -errno. */
int aiaccel_wait_buf(int fd, uint32_t handle, uint32_t flags, int64_t rel_ns);

/* Create a syncobj, asserting; wait on one (binary if point is 0). */
uint32_t aiaccel_syncobj(int fd);
int aiaccel_syncobj_wait(int fd, uint32_t handle, uint64_t point, int64_t rel_ns);

/* Read the next job event within @rel_ns; 0 or -errno (-ETIMEDOUT). */
int aiaccel_read_event(int fd, struct drm_aiaccel_event_job *ev, int64_t rel_ns);

/* Absolute CLOCK_MONOTONIC ns, @rel_ns from now. */
int64_t aiaccel_deadline(int64_t rel_ns);

/* Write a model test hook (/sys/kernel/debug/aiaccel_sim/<inst>/<hook>). */
bool aiaccel_sim_hook(unsigned int instance, const char *hook, unsigned int value);
/* The same, skipping the subtest if the hook cannot be written (no
 * debugfs, or not root). */
void aiaccel_require_sim_hook(unsigned int instance, const char *hook, unsigned int value);

/*
 * A SUBMIT argument with the defaults of aiaccel_submit() (the command
 * stream's used bytes, the current element strides, any engine, normal
 * priority, no arrays), for tests that then change a field or two.
 */
void aiaccel_submit_init(struct drm_aiaccel_submit *args, const struct aiaccel_cs *cs);
/* For aiaccel_submit_engine(): leave the choice of engine to the driver. */
#define AIACCEL_ENGINE_ANY	0xffffffffu
/*
 * Run on @engine (DRM_AIACCEL_SUBMIT_ENGINE), or with AIACCEL_ENGINE_ANY
 * on whichever the driver picks; after the flags are set.
 */
void aiaccel_submit_engine(struct drm_aiaccel_submit *args, uint32_t engine);
/* DRM_IOCTL_AIACCEL_SUBMIT as given; 0 or -errno. */
int aiaccel_submit_raw(int fd, struct drm_aiaccel_submit *args);

static inline struct drm_aiaccel_submit_bo aiaccel_bo_use(uint32_t handle, uint32_t flags)
{
	return (struct drm_aiaccel_submit_bo){ .handle = handle, .flags = flags };
}

static inline struct drm_aiaccel_sync aiaccel_sync(uint32_t handle, uint32_t flags, uint64_t point)
{
	return (struct drm_aiaccel_sync){ .handle = handle, .flags = flags, .point = point };
}

/*
 * Make every fence signal slowly between the moment it reads signalled and
 * its callbacks (a stacktrace trigger on the dma_fence_signaled trace
 * event, which fires there), so that races with that window, rare
 * otherwise, show up.  False if the trigger cannot be set (no tracefs, not
 * root).  aiaccel_slow_fence_signal_end() takes it off, and so does the
 * test's exit.
 */
bool aiaccel_slow_fence_signal_begin(void);
void aiaccel_slow_fence_signal_end(bool slow);

/* Create a command stream holding one DMA_COPY of @size bytes. */
void aiaccel_cs_copy(int fd, struct aiaccel_cs *cs, uint64_t src, uint64_t dst, uint64_t size);

/* A job copying 4 KiB of random bytes from buffer x to buffer y. */
struct aiaccel_copy_job {
	int fd;
	struct aiaccel_buf x, y;
	struct aiaccel_cs cs;
};

/* Buffers and command stream of a copy job; x filled from @seed. */
void aiaccel_copy_job_new(int fd, struct aiaccel_copy_job *j, unsigned int seed);
void aiaccel_copy_job_free(struct aiaccel_copy_job *j);
/* True once y holds x: the copy ran. */
bool aiaccel_copy_job_done(const struct aiaccel_copy_job *j);

/* True if no event is readable within @rel_ns (poll() times out). */
bool aiaccel_no_event(int fd, int64_t rel_ns);

/* Is the (binary, or timeline point) syncobj signalled right now? */
bool aiaccel_syncobj_signaled(int fd, uint32_t handle, uint64_t point);
/*
 * The status of a binary syncobj's fence through a sync_file: 1 signalled
 * without error, 0 pending, or the negative errno it was signalled with.
 */
int aiaccel_syncobj_status(int fd, uint32_t handle);

/*
 * Deterministic test data: xorshift64*, seeded explicitly so a failure is
 * reproducible whatever IGT_SRANDOM says.
 */
struct aiaccel_rng {
	uint64_t s;
};

void aiaccel_rng_seed(struct aiaccel_rng *rng, uint64_t seed);
uint32_t aiaccel_rng_u32(struct aiaccel_rng *rng);
/* Uniform in [lo, hi], both included. */
int32_t aiaccel_rng_range(struct aiaccel_rng *rng, int32_t lo, int32_t hi);
void aiaccel_rng_fill(struct aiaccel_rng *rng, void *p, size_t n);

/* Clamp bounds for an op: the whole int8 range half of the time. */
void aiaccel_rand_act(struct aiaccel_rng *r, int32_t *lo, int32_t *hi);
/*
 * A scale for an accumulator of @terms products of int8 differences: about
 * 1 / (128 * sqrt(terms)), give or take a factor of 4.
 */
struct aiaccel_requant aiaccel_rand_scale(struct aiaccel_rng *r, uint64_t terms);

#endif /* AIACCEL_JOB_UTIL_H */
