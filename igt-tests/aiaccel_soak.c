// SPDX-License-Identifier: MIT
/*
 * aiaccel_soak: seeded random sequences of ioctls from several processes
 * at once, every result checked against the contract of the uAPI.
 *
 * AIACCEL_SOAK_PROCS processes (default 4) each open their own file of the
 * device and run AIACCEL_SOAK_STEPS steps (default SOAK_STEPS) of a
 * pseudo-random sequence drawn from AIACCEL_SOAK_SEED (default SOAK_SEED)
 * and their index: buffers created (valid and invalid sizes and flags) of
 * device memory and of the process's own (BO_CREATE_USERPTR), described,
 * closed, mapped and written by the CPU, exported and imported;
 * jobs of DMA copies, GEMMs, ADDs and activations checked against the CPU
 * reference (libaidrv/ref), and jobs that must fail (MMU faults on unmapped
 * or read-only addresses, invalid ops) at a known op; in- and out-syncobjs,
 * binary and timeline, implicit sync and explicit in-syncs, events, WAIT
 * with and without timeouts; GET_INFO, GET_STATS, POWER; syncobj
 * operations; and invalid arguments of every kind.  Two buffers are shared
 * by all processes through dma-bufs: one of the device (created by the
 * parent) and one of vgem.  AIACCEL_SOAK_SECONDS=N instead runs each
 * process for N seconds (the same sequence, cut elsewhere).
 *
 * A process's sequence depends only on the seed and its index, never on
 * timing: its decisions look only at its own bookkeeping, which changes at
 * its own steps (a job is retired when the process waits for it, not when
 * it happens to complete), and every case is built so that its outcome is
 * known in advance.  A failure names the seed, the process and the step,
 * after the kernel's view of the rings and contexts and, for a job, its
 * ops and buffers.  Documentation/accel/aiaccel/testing.rst says how to
 * run it with another seed, longer, or with more processes.
 *
 * What is checked:
 * - every call succeeds or fails with an errno documented for that call
 *   (contract[]: aiaccel's ioctls and job statuses as
 *   include/uapi/drm/aiaccel_accel.h lists them, which
 *   scripts/check-soak-errnos.py compares with the header; the DRM core's
 *   from Documentation/accel/aiaccel/uapi.rst and drm_syncobj.c), and with
 *   the very errno of its case;
 * - every job ends with the status expected of it, in its event and its
 *   out-syncobjs (through a sync_file's status), and a failed job's ops
 *   before the failing one took effect and none after it did;
 * - buffers change only through jobs that write them: after every job, each
 *   buffer equals a shadow copy to which the reference applied the jobs'
 *   ops and the CPU its writes; the constant part of the shared buffers is
 *   never written by anyone;
 * - a failed SUBMIT leaves no trace (no fence in its out-syncobj, no event,
 *   no job counted), a WAIT that returns means the jobs are done, an event
 *   comes only for a job that asked for it;
 * - no job is retired by the scheduler's timeout handler instead of its
 *   interrupt (debugfs "rings", as root): a time limit on the waits would
 *   fail on a busy host;
 * - the file's counters in GET_STATS equal the process's own count of
 *   submitted, completed and failed jobs and of the bytes of buffers it
 *   holds handles to; the device's grow, and at the end equal the sum over
 *   the processes; GET_INFO's mem_used returns to its start value.
 * The kernel-log gate of make check adds KASAN, lockdep and kmemleak.
 */

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "igt.h"
#include "aiaccel_test.h"
#include "aiaccel_job_util.h"
#include "aiaccel_vgem.h"
#include "aiaccel_ref.h"

IGT_TEST_DESCRIPTION("aiaccel: seeded random ioctl sequences from several processes, "
		     "checked against the uAPI's contract.");

#define MSEC (1000000ll)
#define SEC (1000000000ll)

/*
 * Defaults: about two minutes under TCG with the debug kernel on an idle
 * 2-core host (30 s for 9000 steps there; a busy host takes longer).
 */
#define SOAK_SEED	0x5eed0013ull
#define SOAK_STEPS	36000
#define SOAK_PROCS	4
#define SOAK_MAX_PROCS	8

#define MAX_BUFS	14	/* buffer table entries per process */
#define MAX_JOBS	12	/* jobs in flight per process */
#define MAX_JOB_OPS	4
#define MAX_JOB_BUFS	(4 * MAX_JOB_OPS + 4)
#define CS_SLOT		1024	/* command-stream bytes per job */
#define CS_PROBE_SLOT	MAX_JOBS	/* a NOP, for the invalid SUBMITs */
#define MAX_DEAD	8
#define MAX_USER_SYNCS	6
#define MAX_EVQ		64

/* The shared buffers: a constant part, then one region per process. */
#define SHARED_SIZE	(64 << 10)
#define SHARED_CONST	(16 << 10)
#define SHARED_REGION	((SHARED_SIZE - SHARED_CONST) / SOAK_MAX_PROCS)
#define SHARED_PATTERN	0xc0275u

/* Device addresses never mapped: below the VA range (1 MiB), above 39 bits. */
static const uint64_t never_mapped[] = {
	0x1000, 0xff000, 1ull << 39, 0xffffff0000000000ull,
};

/* --- The contract: errnos documented for each call ------------------------ */

enum call {
	CALL_GET_INFO,
	CALL_BO_CREATE,
	CALL_BO_INFO,
	CALL_SUBMIT,
	CALL_WAIT,
	CALL_GET_STATS,
	CALL_POWER,
	CALL_BO_CREATE_USERPTR,
	CALL_JOB_STATUS,
	CALL_GEM_CLOSE,
	CALL_PRIME_HANDLE_TO_FD,
	CALL_PRIME_FD_TO_HANDLE,
	CALL_MMAP,
	CALL_SYNCOBJ_CREATE,
	CALL_SYNCOBJ_DESTROY,
	CALL_SYNCOBJ_WAIT,
	CALL_SYNCOBJ_OP,
	NR_CALLS
};

/*
 * "uapi": exactly the errnos of the call's "Errors:" comment (for
 * JOB_STATUS, of drm_aiaccel_event_job.status) in
 * include/uapi/drm/aiaccel_accel.h; scripts/check-soak-errnos.py fails make
 * check when the two differ.  "drm": the DRM core's, as
 * Documentation/accel/aiaccel/uapi.rst lists them for buffers and
 * drivers/gpu/drm/drm_syncobj.c returns them for syncobjs (ETIME: a wait's
 * deadline passed; EINVAL: a point with no fence yet, unknown flags).
 */
static const struct contract {
	const char *name;
	const char *source;
	int errs[12];	/* zero-terminated */
} contract[NR_CALLS] = {
	[CALL_GET_INFO] = { "GET_INFO", "uapi", { EINVAL, EFAULT } },
	[CALL_BO_CREATE] = { "BO_CREATE", "uapi", { EINVAL, ENOMEM, ENOSPC } },
	[CALL_BO_INFO] = { "BO_INFO", "uapi", { ENOENT, EINVAL } },
	[CALL_SUBMIT] = { "SUBMIT", "uapi", { EINVAL, ENOENT, EFAULT, EPERM, ECANCELED, EIO,
					      ENODEV, ETIME, ENOMEM } },
	[CALL_WAIT] = { "WAIT", "uapi", { ETIMEDOUT, ENOENT, EINVAL, EINTR } },
	[CALL_GET_STATS] = { "GET_STATS", "uapi", { EINVAL, EFAULT } },
	[CALL_POWER] = { "POWER", "uapi", { EINVAL, EPERM } },
	[CALL_BO_CREATE_USERPTR] = { "BO_CREATE_USERPTR", "uapi", { EINVAL, EFAULT, ENOMEM,
								    ENOSPC, EOPNOTSUPP } },
	[CALL_JOB_STATUS] = { "JOB_STATUS", "uapi", { EINVAL, EFAULT, ETIMEDOUT, EIO, ECANCELED,
						      ESRCH, ENODEV } },
	[CALL_GEM_CLOSE] = { "GEM_CLOSE", "drm", { EINVAL } },
	[CALL_PRIME_HANDLE_TO_FD] = { "PRIME_HANDLE_TO_FD", "drm", { EINVAL, ENOENT, ENOMEM } },
	[CALL_PRIME_FD_TO_HANDLE] = { "PRIME_FD_TO_HANDLE", "drm", { EBADF, EINVAL, ENOSPC,
								     ENOMEM } },
	[CALL_MMAP] = { "mmap", "drm", { EINVAL, EACCES, ENOMEM } },
	[CALL_SYNCOBJ_CREATE] = { "SYNCOBJ_CREATE", "drm", { EINVAL, ENOMEM } },
	[CALL_SYNCOBJ_DESTROY] = { "SYNCOBJ_DESTROY", "drm", { EINVAL } },
	[CALL_SYNCOBJ_WAIT] = { "SYNCOBJ_WAIT", "drm", { EINVAL, ENOENT, ETIME, EFAULT } },
	[CALL_SYNCOBJ_OP] = { "SYNCOBJ_OP", "drm", { EINVAL, ENOENT, EFAULT, ENOMEM } },
};

static bool documented(enum call c, int err)
{
	const int *e;

	for (e = contract[c].errs; *e; e++)
		if (*e == err)
			return true;
	return false;
}

/* --- Process state --------------------------------------------------------- */

enum buf_kind { BUF_OWN, BUF_SHARED, BUF_VGEM, BUF_USERPTR };

/*
 * A buffer of the process's file.  A slot lingers after GEM_CLOSE while a
 * CPU mapping or an unretired job still refers to the memory.  A user-memory
 * buffer's mapping is the memory it was made of (anonymous or a memfd's),
 * kept until the slot goes.
 */
struct sbuf {
	bool used;
	uint32_t handle;	/* 0 once closed */
	enum buf_kind kind;
	uint32_t flags;		/* BO_CREATE flags */
	uint64_t size, va, mmap_offset;
	uint8_t *map;		/* CPU mapping of map_len bytes, or NULL */
	uint64_t map_len;
	uint8_t *shadow;	/* what the memory must hold */
	bool own_shadow;	/* shadow is ours to free */
	uint64_t wlo, whi;	/* the CPU (and jobs, unless read-only) write here */
	uint64_t clo, chi;	/* never written by anyone */
	unsigned int busy;	/* unretired jobs listing it */
	bool jobbed;		/* ever listed in a job */
};

/* An op of a job being built: the op in the command stream, its tensors' shadows. */
struct opdesc {
	void *op;
	uint8_t *in1, *in2, *in3, *in4, *out;
	int fail;		/* the errno it must fail with, 0 if valid */
};

struct sjob {
	bool used;
	uint64_t tag;
	int status;		/* expected */
	int bufs[MAX_JOB_BUFS];
	uint32_t bflags[MAX_JOB_BUFS];
	int nbufs;
	uint32_t engine;
	bool event, got_event;
	struct drm_aiaccel_event_job ev;
	uint32_t bin;		/* binary out-syncobj, or 0 */
	uint64_t point;		/* point on the process's timeline, or 0 */
	int64_t t_before, t_after;	/* around the SUBMIT */
	uint64_t seq;		/* submission order */
	uint32_t cs_used;	/* bytes of its command stream */
	bool dead_va;		/* faults on the address of a closed buffer */
};

struct user_sync {
	uint32_t handle;
	bool timeline;
	bool has_fence;		/* binary: a fence is attached */
	uint64_t point;		/* timeline: last point signalled */
};

struct result {
	uint64_t submitted, completed, failed;
	uint64_t steps, calls, failing_calls, failing_jobs;
	double seconds;
	int done;
};

struct shared {
	int dmabuf[2];		/* the device's buffer, vgem's buffer */
	struct result *res;	/* one per process, MAP_SHARED */
};

struct proc {
	int idx;
	uint64_t seed;
	struct aiaccel_rng rng;
	int fd;
	struct drm_aiaccel_info info;
	bool privileged;	/* CAP_SYS_NICE and CAP_SYS_ADMIN */
	unsigned int step;
	const char *op;
	const struct shared *sh;

	struct sbuf bufs[MAX_BUFS];
	struct aiaccel_buf cs;	/* MAX_JOBS + 1 slots of CS_SLOT bytes */
	struct sjob jobs[MAX_JOBS];
	unsigned int njobs;
	uint64_t job_seq;
	uint32_t timeline;
	uint64_t tl_point;	/* last point given to a job */
	struct user_sync usyncs[MAX_USER_SYNCS];
	struct { uint64_t va, size; } dead[MAX_DEAD];
	unsigned int ndead;
	uint8_t *sh_shadow[2];	/* survive closing and re-importing */
	void *noaccess;		/* a PROT_NONE page: copy_{to,from}_user fail */

	struct drm_aiaccel_stats last_stats;
	struct drm_aiaccel_power last_power;
	uint64_t submitted, completed, failed;
	uint64_t calls, failing_calls, failing_jobs;
};

#define soak_assert(p, cond, fmt, ...) \
	igt_assert_f(cond, "process %d, seed %#llx, step %u (%s): " fmt "\n", (p)->idx, \
		     (unsigned long long)(p)->seed, (p)->step, (p)->op, ##__VA_ARGS__)

static void dump_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	igt_info("--- %s\n", path);
	while (fgets(line, sizeof(line), f))
		igt_info("%s", line);
	fclose(f);
}

/* What the kernel says about jobs and fences, for a failure's log. */
static void dump_state(struct proc *p)
{
	static const char *const files[] = { "rings", "contexts" };
	char path[192], dev[64], parent[64];
	unsigned int i;
	int k;

	/* The device's debugfs directory is named after it (dev->unique). */
	for (i = 0; i < ARRAY_SIZE(files) &&
	     aiaccel_device_names(aiaccel_fd_minor(p->fd), dev, parent, sizeof(dev)); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/%s", dev, files[i]);
		dump_file(path);
	}
	dump_file("/sys/kernel/debug/dma_buf/bufinfo");
	for (k = 0; k < MAX_JOBS; k++) {
		const struct sjob *j = &p->jobs[k];

		if (j->used)
			igt_info("process %d: job 0x%llx unretired: engine %d, bin %u, point %llu, "
				 "event %d (got %d), %d buffers\n", p->idx,
				 (unsigned long long)j->tag, (int)j->engine, j->bin,
				 (unsigned long long)j->point, j->event, j->got_event, j->nbufs);
	}
	for (k = 0; k < MAX_BUFS; k++) {
		const struct sbuf *b = &p->bufs[k];

		if (b->used)
			igt_info("process %d: slot %d: handle %u, kind %d, va 0x%llx, %llu bytes, "
				 "busy %u\n", p->idx, k, b->handle, b->kind,
				 (unsigned long long)b->va, (unsigned long long)b->size, b->busy);
	}
}

/* A job's ops (its command-stream slot is its index) and buffers, for a failure's log. */
static void dump_job(struct proc *p, const struct sjob *j)
{
	const uint8_t *cs = (const uint8_t *)p->cs.map + (j - p->jobs) * CS_SLOT;
	uint32_t off = 0;
	int i;

	igt_info("process %d: job 0x%llx, expected status %d, engine %d:\n", p->idx,
		 (unsigned long long)j->tag, j->status, (int)j->engine);
	while (off + sizeof(struct aiaccel_op_header) <= j->cs_used) {
		const struct aiaccel_op_header *h = (const void *)(cs + off);
		const uint64_t *a = (const uint64_t *)(h + 1);

		igt_info("  op 0x%x size %u flags 0x%x: 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx\n",
			 h->opcode, h->size, h->flags,
			 (unsigned long long)(h->size > 8 ? a[0] : 0),
			 (unsigned long long)(h->size > 16 ? a[1] : 0),
			 (unsigned long long)(h->size > 24 ? a[2] : 0),
			 (unsigned long long)(h->size > 32 ? a[3] : 0),
			 (unsigned long long)(h->size > 40 ? a[4] : 0));
		if (!h->size)
			break;
		off += h->size;
	}
	for (i = 0; i < j->nbufs; i++) {
		const struct sbuf *b = &p->bufs[j->bufs[i]];

		igt_info("  buffer slot %d, flags 0x%x: handle %u, kind %d, bo flags 0x%x, "
			 "va 0x%llx, %llu bytes\n", j->bufs[i], j->bflags[i], b->handle, b->kind,
			 b->flags, (unsigned long long)b->va, (unsigned long long)b->size);
	}
	for (i = 0; i < (int)p->ndead; i++)
		igt_info("  dead range 0x%llx + %llu\n", (unsigned long long)p->dead[i].va,
			 (unsigned long long)p->dead[i].size);
}

/* The result of a call: documented for it, and the one expected. */
static void check2(struct proc *p, enum call c, const char *what, int ret, int want, int alt)
{
	p->calls++;
	if (ret)
		p->failing_calls++;
	soak_assert(p, ret == 0 || documented(c, -ret),
		    "%s %s: %d (%s), an errno not documented for it (%s)", contract[c].name,
		    what, ret, strerror(-ret), contract[c].source);
	if (ret != want && ret != alt)
		dump_state(p);
	soak_assert(p, ret == want || ret == alt, "%s %s: %d (%s), expected %d (%s)",
		    contract[c].name, what, ret, strerror(-ret), want, strerror(-want));
}

static void check(struct proc *p, enum call c, const char *what, int ret, int want)
{
	check2(p, c, what, ret, want, want);
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return igt_ioctl(fd, req, arg) ? -errno : 0;
}

static uint32_t rnd(struct proc *p, uint32_t n)
{
	return n ? aiaccel_rng_u32(&p->rng) % n : 0;
}

/* A flag bit that is not in @known (GET_INFO's bo_flags, submit_flags). */
static uint32_t unknown_flag(struct proc *p, uint32_t known)
{
	uint32_t bit;

	do
		bit = 1u << rnd(p, 32);
	while (bit & known);
	return bit;
}

static uint64_t rnd_u64(struct proc *p, uint64_t lo, uint64_t hi)
{
	uint64_t r = ((uint64_t)aiaccel_rng_u32(&p->rng) << 32) | aiaccel_rng_u32(&p->rng);

	return hi - lo == UINT64_MAX ? r : lo + r % (hi - lo + 1);
}

static bool chance(struct proc *p, unsigned int percent)
{
	return rnd(p, 100) < percent;
}

static int32_t rnd_range(struct proc *p, int32_t lo, int32_t hi)
{
	return aiaccel_rng_range(&p->rng, lo, hi);
}

static int64_t now_ns(void)
{
	return aiaccel_deadline(0);
}

/* --- Buffers --------------------------------------------------------------- */

static int buf_slot(struct proc *p)
{
	int i;

	for (i = 0; i < MAX_BUFS; i++)
		if (!p->bufs[i].used)
			return i;
	return -1;
}

static bool buf_live(const struct sbuf *b)
{
	return b->used && b->handle;
}

/* A random live buffer: any, or one jobs may write (@writable); -1 if none. */
static int pick_buf(struct proc *p, bool writable)
{
	int cand[MAX_BUFS], n = 0, i;

	for (i = 0; i < MAX_BUFS; i++) {
		const struct sbuf *b = &p->bufs[i];

		if (!buf_live(b))
			continue;
		if (writable && (b->flags & DRM_AIACCEL_BO_DEVICE_READ_ONLY || b->whi == b->wlo))
			continue;
		cand[n++] = i;
	}
	return n ? cand[rnd(p, n)] : -1;
}

/* A random slot in use (closed ones included), optionally a mapped one. */
static int pick_used(struct proc *p, bool mapped)
{
	int cand[MAX_BUFS], n = 0, i;

	for (i = 0; i < MAX_BUFS; i++)
		if (p->bufs[i].used && (!mapped || p->bufs[i].map))
			cand[n++] = i;
	return n ? cand[rnd(p, n)] : -1;
}

/*
 * A random range of @min..@max bytes of buffer @b: in the part jobs and the
 * CPU write (@write), or anywhere it may be read.
 */
static bool pick_range(struct proc *p, const struct sbuf *b, bool write, uint64_t min,
		       uint64_t max, uint64_t *off, uint64_t *len)
{
	uint64_t lo = b->wlo, hi = b->whi;

	if (!write && b->chi > b->clo && (hi == lo || chance(p, 50))) {
		lo = b->clo;
		hi = b->chi;
	}
	if (hi - lo < min)
		return false;
	*len = rnd_u64(p, min, max < hi - lo ? max : hi - lo);
	*off = lo + rnd_u64(p, 0, hi - lo - *len);
	return true;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Bytes of the buffers the file holds handles to, as GET_STATS must say. */
static uint64_t file_mem(const struct proc *p)
{
	uint64_t sum = p->cs.handle ? p->cs.size : 0;
	int i;

	for (i = 0; i < MAX_BUFS; i++)
		if (buf_live(&p->bufs[i]))
			sum += p->bufs[i].size;
	return sum;
}

static bool handle_live(const struct proc *p, uint32_t handle)
{
	int i;

	if (handle == p->cs.handle)
		return true;
	for (i = 0; i < MAX_BUFS; i++)
		if (buf_live(&p->bufs[i]) && p->bufs[i].handle == handle)
			return true;
	return false;
}

/* A GEM handle the file does not have. */
static uint32_t unknown_handle(struct proc *p)
{
	uint32_t h;

	do
		h = chance(p, 80) ? 1 + rnd(p, 64) : 0x7fff0000u + rnd(p, 0xffff);
	while (handle_live(p, h));
	return h;
}

/*
 * Forget dead addresses a new mapping [va, va + size) reuses.  No job
 * that must fault on a dead address may be queued then (settle_dead()
 * comes before every new mapping): it could read the new buffer.
 */
static void dead_reused(struct proc *p, uint64_t va, uint64_t size)
{
	unsigned int i = 0;
	int k;

	while (i < p->ndead) {
		if (!ranges_overlap(p->dead[i].va, p->dead[i].size, va, size)) {
			i++;
			continue;
		}
		for (k = 0; k < MAX_JOBS; k++)
			soak_assert(p, !p->jobs[k].used || !p->jobs[k].dead_va,
				    "new mapping at 0x%llx reuses dead range 0x%llx + %llu while "
				    "job 0x%llx, built to fault on a dead address, is unretired",
				    (unsigned long long)va, (unsigned long long)p->dead[i].va,
				    (unsigned long long)p->dead[i].size,
				    (unsigned long long)p->jobs[k].tag);
		p->dead[i] = p->dead[--p->ndead];
	}
}

/* The device address [va, va + size) of a new mapping is free in the file. */
static void check_new_va(struct proc *p, int self, uint64_t va, uint64_t size)
{
	int i;

	soak_assert(p, va % p->info.page_size == 0 && va >= (1 << 20) &&
		    va + size <= 1ull << p->info.va_bits,
		    "buffer at VA 0x%llx, size %llu: outside the address space or misaligned",
		    (unsigned long long)va, (unsigned long long)size);
	soak_assert(p, !ranges_overlap(va, size, p->cs.va, p->cs.size),
		    "buffer at VA 0x%llx overlaps the command-stream buffer",
		    (unsigned long long)va);
	for (i = 0; i < MAX_BUFS; i++) {
		const struct sbuf *b = &p->bufs[i];

		if (i == self || !buf_live(b))
			continue;
		soak_assert(p, !ranges_overlap(va, size, b->va, b->size),
			    "buffer at VA 0x%llx+%llu overlaps handle %u at 0x%llx+%llu",
			    (unsigned long long)va, (unsigned long long)size, b->handle,
			    (unsigned long long)b->va, (unsigned long long)b->size);
	}
	dead_reused(p, va, size);
}

static void buf_map(struct proc *p, struct sbuf *b, uint64_t len)
{
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, b->mmap_offset);

	check(p, CALL_MMAP, "of a buffer", map == MAP_FAILED ? -errno : 0, 0);
	b->map = map;
	b->map_len = len;
}

static void buf_release(struct sbuf *b)
{
	if (b->used && !b->handle && !b->busy && (!b->map || b->kind == BUF_USERPTR)) {
		if (b->map)
			munmap(b->map, b->map_len);
		if (b->own_shadow)
			free(b->shadow);
		memset(b, 0, sizeof(*b));
	}
}

static bool mem_busy(const struct proc *p, int bi);

/* The memory equals its shadow (no job may be using it). */
static void buf_verify(struct proc *p, struct sbuf *b, const char *when)
{
	uint64_t ranges[2][2] = { { b->wlo, b->whi }, { b->clo, b->chi } };
	bool temp = false;
	int r;

	soak_assert(p, !mem_busy(p, b - p->bufs), "verifying a busy buffer");
	if (!b->map) {
		soak_assert(p, b->handle, "verifying a closed, unmapped buffer");
		buf_map(p, b, b->size);
		temp = true;
	}
	for (r = 0; r < 2; r++) {
		uint64_t lo = ranges[r][0], hi = ranges[r][1] < b->map_len ? ranges[r][1] : b->map_len;
		uint64_t i;

		if (lo >= hi || !memcmp(b->map + lo, b->shadow + lo, hi - lo))
			continue;
		for (i = lo; b->map[i] == b->shadow[i]; i++)
			;
		soak_assert(p, false,
			    "%s: buffer handle %u (VA 0x%llx, %s, %llu bytes): byte %llu is 0x%02x, "
			    "expected 0x%02x", when, b->handle, (unsigned long long)b->va,
			    (const char *[]){ "own", "shared", "vgem", "user memory" }[b->kind],
			    (unsigned long long)b->size, (unsigned long long)i, b->map[i],
			    b->shadow[i]);
	}
	if (temp) {
		munmap(b->map, b->map_len);
		b->map = NULL;
		b->map_len = 0;
	}
}

/* --- Events and jobs ------------------------------------------------------- */

static struct sjob *job_by_tag(struct proc *p, uint64_t tag)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used && p->jobs[i].tag == tag)
			return &p->jobs[i];
	return NULL;
}

/* Read the events there are (waiting up to @timeout_ns for the first). */
static void events_read(struct proc *p, int64_t timeout_ns)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	char buf[4096];
	ssize_t n, off;

	if (poll(&pfd, 1, timeout_ns / MSEC) <= 0)
		return;
	n = read(p->fd, buf, sizeof(buf));
	soak_assert(p, n > 0, "read() of events: %s", strerror(errno));
	for (off = 0; off < n; off += sizeof(struct drm_aiaccel_event_job)) {
		struct drm_aiaccel_event_job ev;
		struct sjob *j;

		soak_assert(p, n - off >= (ssize_t)sizeof(ev), "a partial event of %zd bytes",
			    n - off);
		memcpy(&ev, buf + off, sizeof(ev));
		soak_assert(p, ev.base.type == DRM_AIACCEL_EVENT_JOB_DONE &&
			    ev.base.length == sizeof(ev), "event type 0x%x length %u",
			    ev.base.type, ev.base.length);
		j = job_by_tag(p, ev.user_data);
		soak_assert(p, j && j->event && !j->got_event,
			    "event for job 0x%llx, which did not ask for one (or got one already)",
			    (unsigned long long)ev.user_data);
		j->ev = ev;
		j->got_event = true;
	}
}

/* The job's status, where its out-fence can be read: a sync_file's status. */
static void check_fence_status(struct proc *p, struct sjob *j)
{
	struct sync_file_info info = { 0 };
	int sf = -1, ret;

	ret = drmSyncobjExportSyncFile(p->fd, j->bin, &sf) ? -errno : 0;
	check(p, CALL_SYNCOBJ_OP, "export sync_file", ret, 0);
	ret = xioctl(sf, SYNC_IOC_FILE_INFO, &info);
	soak_assert(p, ret == 0, "SYNC_IOC_FILE_INFO: %s", strerror(-ret));
	if (info.status != (j->status ? j->status : 1))
		dump_job(p, j);
	soak_assert(p, info.status == (j->status ? j->status : 1),
		    "job 0x%llx: its out-fence's status is %d, expected %d",
		    (unsigned long long)j->tag, info.status, j->status ? j->status : 1);
	close(sf);
}

/* Is a job of a timeline point before @j's unretired? */
static bool earlier_point_pending(const struct proc *p, const struct sjob *j)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used && p->jobs[i].point && p->jobs[i].point < j->point)
			return true;
	return false;
}

/* The unretired job of the lowest timeline point up to @max, or NULL. */
static struct sjob *lowest_point_job(struct proc *p, uint64_t max)
{
	struct sjob *best = NULL;
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used && p->jobs[i].point && p->jobs[i].point <= max &&
		    (!best || p->jobs[i].point < best->point))
			best = &p->jobs[i];
	return best;
}

/*
 * The job is done (something said so: a WAIT, a syncobj, or its event,
 * which is waited for here): check it and forget it.
 */
static void job_retire(struct proc *p, struct sjob *j)
{
	int i;

	if (j->event) {
		int64_t end = aiaccel_deadline(60 * SEC);

		while (!j->got_event && now_ns() < end)
			events_read(p, 1 * SEC);
		soak_assert(p, j->got_event, "job 0x%llx is done, its event did not come",
			    (unsigned long long)j->tag);
		if (j->ev.status != j->status)
			dump_job(p, j);
		check(p, CALL_JOB_STATUS, "in the event", j->ev.status, j->status);
		soak_assert(p, j->engine == AIACCEL_ENGINE_ANY ? j->ev.engine <
			    p->info.num_engines : j->ev.engine == j->engine,
			    "job 0x%llx for engine %d ran on engine %u", (unsigned long long)j->tag,
			    (int)j->engine, j->ev.engine);
		soak_assert(p, (int64_t)j->ev.submit_ns >= j->t_before &&
			    (int64_t)j->ev.submit_ns <= j->t_after &&
			    j->ev.done_ns >= j->ev.submit_ns,
			    "job 0x%llx: submit_ns %llu, done_ns %llu, SUBMIT called at %lld, "
			    "returned at %lld", (unsigned long long)j->tag,
			    (unsigned long long)j->ev.submit_ns,
			    (unsigned long long)j->ev.done_ns, (long long)j->t_before,
			    (long long)j->t_after);
	}
	if (j->bin) {
		/* Drawn whatever the status, so that the sequence stays the same. */
		bool sample = chance(p, 30);

		soak_assert(p, aiaccel_syncobj_signaled(p->fd, j->bin, 0),
			    "job 0x%llx (engine %d, %d buffers) is done but its binary out-syncobj "
			    "is not signalled", (unsigned long long)j->tag, (int)j->engine, j->nbufs);
		/* Every job built to fail, and a sample of the others. */
		if (sample || j->status)
			check_fence_status(p, j);
		check(p, CALL_SYNCOBJ_DESTROY, "of an out-syncobj",
		      drmSyncobjDestroy(p->fd, j->bin) ? -errno : 0, 0);
	}
	/* A timeline point signals once it and every point before it have. */
	if (j->point && !earlier_point_pending(p, j))
		soak_assert(p, aiaccel_syncobj_signaled(p->fd, p->timeline, j->point),
			    "job 0x%llx and those of earlier points are done, but timeline "
			    "point %llu is not signalled", (unsigned long long)j->tag,
			    (unsigned long long)j->point);
	if (j->status)
		p->failed++;
	else
		p->completed++;
	for (i = 0; i < j->nbufs; i++) {
		struct sbuf *b = &p->bufs[j->bufs[i]];

		b->busy--;
		buf_release(b);
	}
	memset(j, 0, sizeof(*j));
	p->njobs--;
}

/* Wait for one job by one of the means it offers, then retire it. */
static void job_wait(struct proc *p, struct sjob *j)
{
	int ways[4], n = 0, ret;

	if (j->bin)
		ways[n++] = 0;
	if (j->point)
		ways[n++] = 1;
	if (j->event)
		ways[n++] = 2;
	ways[n++] = 3;	/* WAIT on the command-stream buffer: every job of the file */
	n = ways[rnd(p, n)];
	igt_debug("[%d] step %u: wait for job 0x%llx by %s\n", p->idx, p->step,
		  (unsigned long long)j->tag,
		  (const char *[]){ "its syncobj", "its point", "its event", "WAIT" }[n]);
	switch (n) {
	case 0:
		ret = aiaccel_syncobj_wait(p->fd, j->bin, 0, 60 * SEC);
		check(p, CALL_SYNCOBJ_WAIT, "for a job's binary out-syncobj", ret, 0);
		break;
	case 1: {
		uint64_t point = j->point;

		/* The point signals with every earlier one: those jobs are done too. */
		ret = aiaccel_syncobj_wait(p->fd, p->timeline, point, 60 * SEC);
		check(p, CALL_SYNCOBJ_WAIT, "for a job's timeline point", ret, 0);
		while ((j = lowest_point_job(p, point)))
			job_retire(p, j);
		j = NULL;
		break;
	}
	case 2:
		break;	/* job_retire() waits for the event */
	default:
		ret = aiaccel_wait_buf(p->fd, p->cs.handle, 0, 60 * SEC);
		check(p, CALL_WAIT, "on the command-stream buffer", ret, 0);
		break;
	}
	if (j)
		job_retire(p, j);
}

/*
 * Before anything that maps a new buffer, whose address the kernel may
 * take from a closed buffer's: the jobs that must fault there have run.
 */
static void settle_dead(struct proc *p)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used && p->jobs[i].dead_va)
			job_wait(p, &p->jobs[i]);
}

static struct sjob *oldest_job(struct proc *p)
{
	struct sjob *best = NULL;
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used && (!best || p->jobs[i].seq < best->seq))
			best = &p->jobs[i];
	return best;
}

/*
 * Does job @j use the memory of buffer @bi (for writing)?  A shared
 * buffer closed while its jobs run and imported again has two slots for
 * one memory (and one reservation): the same shadow says so.
 */
static bool job_uses(const struct proc *p, const struct sjob *j, int bi, bool writers_only)
{
	int i;

	for (i = 0; i < j->nbufs; i++)
		if (p->bufs[j->bufs[i]].shadow == p->bufs[bi].shadow &&
		    (!writers_only || j->bflags[i] & DRM_AIACCEL_SUBMIT_BO_WRITE))
			return true;
	return false;
}

/* Is a job using the memory of buffer @bi unretired? */
static bool mem_busy(const struct proc *p, int bi)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used && job_uses(p, &p->jobs[i], bi, false))
			return true;
	return false;
}

/*
 * Make buffer @bi idle: WAIT on it (when it still has a handle) and retire
 * the jobs using it, which WAIT's return proves done; or wait for each.
 */
static void buf_idle(struct proc *p, int bi)
{
	struct sbuf *b = &p->bufs[bi];
	int i, ret;

	if (!mem_busy(p, bi))
		return;
	if (b->handle && chance(p, 70)) {
		igt_debug("[%d] step %u: WAIT on buffer %u (%u jobs)\n", p->idx, p->step, b->handle,
			  b->busy);
		ret = aiaccel_wait_buf(p->fd, b->handle, 0, 60 * SEC);
		check(p, CALL_WAIT, "on a busy buffer", ret, 0);
		for (i = 0; i < MAX_JOBS; i++)
			if (p->jobs[i].used && job_uses(p, &p->jobs[i], bi, false))
				job_retire(p, &p->jobs[i]);
	} else {
		for (i = 0; i < MAX_JOBS; i++)
			if (p->jobs[i].used && job_uses(p, &p->jobs[i], bi, false))
				job_wait(p, &p->jobs[i]);
	}
	soak_assert(p, !mem_busy(p, bi), "buffer still busy after its jobs were retired");
}

static void retire_all(struct proc *p)
{
	int ret, i;

	ret = aiaccel_wait_buf(p->fd, p->cs.handle, 0, 120 * SEC);
	check(p, CALL_WAIT, "on the command-stream buffer (all jobs)", ret, 0);
	for (i = 0; i < MAX_JOBS; i++)
		if (p->jobs[i].used)
			job_retire(p, &p->jobs[i]);
}

/* --- Building jobs --------------------------------------------------------- */

struct build {
	struct sjob *j;
	uint8_t *cs;		/* the job's slot */
	uint32_t used;
	struct opdesc ops[MAX_JOB_OPS];
	int nops;
	bool deliberate_fail;
};

static void *emit(struct build *bd, uint16_t opcode, uint32_t flags, size_t size)
{
	struct aiaccel_op_header *hdr = (void *)(bd->cs + bd->used);

	igt_assert(bd->used + size <= CS_SLOT && size % 8 == 0);
	memset(hdr, 0, size);
	hdr->opcode = opcode;
	hdr->size = size;
	hdr->flags = flags;
	bd->used += size;
	return hdr;
}

static void use_buf(struct build *bd, int bi, uint32_t flags)
{
	struct sjob *j = bd->j;
	int i;

	for (i = 0; i < j->nbufs; i++)
		if (j->bufs[i] == bi) {
			j->bflags[i] |= flags;
			return;
		}
	igt_assert(j->nbufs < MAX_JOB_BUFS);
	j->bufs[j->nbufs] = bi;
	j->bflags[j->nbufs++] = flags;
}

/* A tensor: a buffer and a range of it. */
struct tensor {
	int bi;
	uint64_t off, len;
};

static bool pick_tensor(struct proc *p, bool write, uint64_t len, struct tensor *t,
			const struct tensor *avoid, int navoid)
{
	int tries, i;

	for (tries = 0; tries < 8; tries++) {
		uint64_t l;

		t->bi = pick_buf(p, write);
		if (t->bi < 0 || !pick_range(p, &p->bufs[t->bi], write, len, len, &t->off, &l))
			continue;
		t->len = l;
		for (i = 0; i < navoid; i++)
			if (avoid[i].bi == t->bi &&
			    ranges_overlap(avoid[i].off, avoid[i].len, t->off, t->len))
				break;
		if (i == navoid)
			return true;
	}
	return false;
}

static uint64_t tva(struct proc *p, const struct tensor *t)
{
	return p->bufs[t->bi].va + t->off;
}

static uint8_t *tshadow(struct proc *p, const struct tensor *t)
{
	return p->bufs[t->bi].shadow + t->off;
}

static struct opdesc *new_op(struct build *bd)
{
	struct opdesc *d = &bd->ops[bd->nops++];

	memset(d, 0, sizeof(*d));
	return d;
}

static bool op_copy(struct proc *p, struct build *bd)
{
	struct tensor t[2];
	uint64_t len = 1 + rnd(p, chance(p, 20) ? 8192 : 512);
	struct aiaccel_op_dma_copy *op;
	struct opdesc *d;

	if (!pick_tensor(p, false, len, &t[0], NULL, 0) ||
	    !pick_tensor(p, true, len, &t[1], t, 1))
		return false;
	op = emit(bd, AIACCEL_OP_DMA_COPY, 0, sizeof(*op));
	op->src = tva(p, &t[0]);
	op->dst = tva(p, &t[1]);
	op->size = len;
	use_buf(bd, t[0].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[1].bi, DRM_AIACCEL_SUBMIT_BO_WRITE);
	d = new_op(bd);
	d->op = op;
	d->in1 = tshadow(p, &t[0]);
	d->out = tshadow(p, &t[1]);
	return true;
}

/*
 * A small GEMM.  With BIAS and PER_CHANNEL its bias and scales are read
 * from whatever the buffers hold: the reference then says whether the op
 * is valid (random scales rarely are, a zeroed buffer's are), and an
 * invalid one fails the job with -EINVAL.
 */
static bool op_gemm(struct proc *p, struct build *bd)
{
	uint32_t m = 1 + rnd(p, 8), n = 1 + rnd(p, 16), k = 1 + rnd(p, 64);
	uint32_t flags = 0;
	struct tensor t[5];
	int nt = 0;
	struct aiaccel_op_gemm *op;
	struct opdesc *d;

	if (chance(p, 25))
		flags |= AIACCEL_OP_F_BIAS;
	if (chance(p, 15))
		flags |= AIACCEL_OP_F_PER_CHANNEL;
	if (!pick_tensor(p, false, (uint64_t)m * k, &t[0], NULL, 0) ||
	    !pick_tensor(p, false, (uint64_t)n * k, &t[1], NULL, 0) ||
	    !pick_tensor(p, false, 4ull * n, &t[2], NULL, 0) ||
	    !pick_tensor(p, false, 8ull * n, &t[3], NULL, 0))
		return false;
	nt = 4;
	if (!pick_tensor(p, true, (uint64_t)m * n, &t[4], t, nt))
		return false;
	op = emit(bd, AIACCEL_OP_GEMM, flags, sizeof(*op));
	op->input = tva(p, &t[0]);
	op->weights = tva(p, &t[1]);
	/* Without their flag, bias and scales are not read: point nowhere. */
	op->bias = flags & AIACCEL_OP_F_BIAS ? tva(p, &t[2]) : never_mapped[0];
	op->quant = flags & AIACCEL_OP_F_PER_CHANNEL ? tva(p, &t[3]) : never_mapped[1];
	op->output = tva(p, &t[4]);
	op->m = m;
	op->n = n;
	op->k = k;
	op->input_zp = rnd_range(p, -128, 127);
	op->weight_zp = rnd_range(p, -128, 127);
	op->output_zp = rnd_range(p, -128, 127);
	op->requant = aiaccel_rand_scale(&p->rng, k);
	aiaccel_rand_act(&p->rng, &op->act_min, &op->act_max);
	use_buf(bd, t[0].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[1].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	if (flags & AIACCEL_OP_F_BIAS)
		use_buf(bd, t[2].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	if (flags & AIACCEL_OP_F_PER_CHANNEL)
		use_buf(bd, t[3].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[4].bi, DRM_AIACCEL_SUBMIT_BO_WRITE);
	d = new_op(bd);
	d->op = op;
	d->in1 = tshadow(p, &t[0]);
	d->in2 = tshadow(p, &t[1]);
	d->in3 = tshadow(p, &t[2]);
	d->in4 = tshadow(p, &t[3]);
	d->out = tshadow(p, &t[4]);
	return true;
}

static bool op_add(struct proc *p, struct build *bd)
{
	uint32_t count = 1 + rnd(p, 512);
	struct tensor t[3];
	struct aiaccel_op_add *op;
	struct opdesc *d;
	int32_t shift;

	if (!pick_tensor(p, false, count, &t[0], NULL, 0) ||
	    !pick_tensor(p, false, count, &t[1], NULL, 0))
		return false;
	/* The output may be one of the inputs, exactly, or apart from both. */
	if (chance(p, 20) && !(p->bufs[t[0].bi].flags & DRM_AIACCEL_BO_DEVICE_READ_ONLY) &&
	    t[0].off >= p->bufs[t[0].bi].wlo && t[0].off + count <= p->bufs[t[0].bi].whi &&
	    !(t[1].bi == t[0].bi && ranges_overlap(t[0].off, count, t[1].off, count) &&
	      t[1].off != t[0].off))
		t[2] = t[0];
	else if (!pick_tensor(p, true, count, &t[2], t, 2))
		return false;
	op = emit(bd, AIACCEL_OP_ADD, 0, sizeof(*op));
	op->input1 = tva(p, &t[0]);
	op->input2 = tva(p, &t[1]);
	op->output = tva(p, &t[2]);
	op->count = count;
	op->input1_zp = rnd_range(p, -128, 127);
	op->input2_zp = rnd_range(p, -128, 127);
	op->output_zp = rnd_range(p, -128, 127);
	op->left_shift = rnd_range(p, 0, 20);
	op->input1_scale.multiplier = rnd_range(p, 1 << 30, INT32_MAX);
	op->input1_scale.shift = rnd_range(p, -3, 0);
	op->input2_scale.multiplier = rnd_range(p, 1 << 30, INT32_MAX);
	op->input2_scale.shift = rnd_range(p, -3, 0);
	shift = -op->left_shift + rnd_range(p, -2, 1);
	op->output_scale.multiplier = rnd_range(p, 1 << 30, INT32_MAX);
	op->output_scale.shift = shift < -31 ? -31 : shift;
	aiaccel_rand_act(&p->rng, &op->act_min, &op->act_max);
	use_buf(bd, t[0].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[1].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[2].bi, DRM_AIACCEL_SUBMIT_BO_WRITE);
	d = new_op(bd);
	d->op = op;
	d->in1 = tshadow(p, &t[0]);
	d->in2 = tshadow(p, &t[1]);
	d->out = tshadow(p, &t[2]);
	return true;
}

static bool op_act(struct proc *p, struct build *bd)
{
	uint32_t count = 1 + rnd(p, 1024), mode = chance(p, 50) ? AIACCEL_ACT_LUT : AIACCEL_ACT_CLAMP;
	struct tensor t[3];
	struct aiaccel_op_activation *op;
	struct opdesc *d;

	if (!pick_tensor(p, false, count, &t[0], NULL, 0) ||
	    !pick_tensor(p, false, 256, &t[1], NULL, 0) ||
	    !pick_tensor(p, true, count, &t[2], t, mode == AIACCEL_ACT_LUT ? 2 : 1))
		return false;
	op = emit(bd, AIACCEL_OP_ACTIVATION, 0, sizeof(*op));
	op->input = tva(p, &t[0]);
	op->lut = mode == AIACCEL_ACT_LUT ? tva(p, &t[1]) : never_mapped[2];
	op->output = tva(p, &t[2]);
	op->count = count;
	op->mode = mode;
	aiaccel_rand_act(&p->rng, &op->act_min, &op->act_max);
	use_buf(bd, t[0].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	if (mode == AIACCEL_ACT_LUT)
		use_buf(bd, t[1].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[2].bi, DRM_AIACCEL_SUBMIT_BO_WRITE);
	d = new_op(bd);
	d->op = op;
	d->in1 = tshadow(p, &t[0]);
	d->in2 = tshadow(p, &t[1]);
	d->out = tshadow(p, &t[2]);
	return true;
}

static bool op_nop(struct proc *p, struct build *bd)
{
	(void)p;
	new_op(bd)->op = emit(bd, AIACCEL_OP_NOP, 0, sizeof(struct aiaccel_op_nop));
	return true;
}

/*
 * A device address nothing of the file is mapped at: one that never is, or
 * one of a closed buffer's (which a new buffer may get: see settle_dead()).
 */
static uint64_t unmapped_va(struct proc *p, struct build *bd, uint64_t len)
{
	if (p->ndead && chance(p, 50)) {
		unsigned int i = rnd(p, p->ndead);

		bd->j->dead_va = true;
		return p->dead[i].va + rnd_u64(p, 0, p->dead[i].size > len ?
					       p->dead[i].size - len : 0);
	}
	return never_mapped[rnd(p, ARRAY_SIZE(never_mapped))];
}

/*
 * An op that must fail: an MMU fault (an unmapped address, or a write to a
 * read-only buffer) or an invalid op (the reference agrees it is invalid).
 * It must write nothing.
 */
static bool op_failing(struct proc *p, struct build *bd)
{
	struct aiaccel_op_dma_copy *op;
	struct tensor t[2];
	uint64_t len = 1 + rnd(p, 256);
	struct opdesc *d;
	int kind = rnd(p, 7), bi, i;

	if (!pick_tensor(p, false, len, &t[0], NULL, 0) ||
	    !pick_tensor(p, true, len, &t[1], t, 1))
		return false;
	op = emit(bd, AIACCEL_OP_DMA_COPY, 0, sizeof(*op));
	op->src = tva(p, &t[0]);
	op->dst = tva(p, &t[1]);
	op->size = len;
	d = new_op(bd);
	d->op = op;
	d->fail = -EINVAL;
	switch (kind) {
	case 0:	/* read from nowhere */
		op->src = unmapped_va(p, bd, len);
		d->fail = -EFAULT;
		break;
	case 1:	/* write to nowhere */
		op->dst = unmapped_va(p, bd, len);
		d->fail = -EFAULT;
		break;
	case 2:	/* write to a read-only buffer */
		for (i = 0, bi = -1; i < MAX_BUFS && bi < 0; i++)
			if (buf_live(&p->bufs[i]) && i != t[0].bi &&
			    p->bufs[i].flags & DRM_AIACCEL_BO_DEVICE_READ_ONLY)
				bi = i;
		if (bi < 0) {
			op->src = unmapped_va(p, bd, len);
			d->fail = -EFAULT;
			break;
		}
		/* Buffers are at least a page: len (<= 256) fits. */
		op->dst = p->bufs[bi].va + rnd_u64(p, 0, p->bufs[bi].size - len);
		t[1].bi = bi;
		d->fail = -EFAULT;
		break;
	case 3:	/* overlapping copy, inside the source's range */
		i = rnd(p, (len + 1) / 2);
		op->dst = op->src + i;
		op->size = len - i;
		break;
	case 4:	/* nothing to copy */
		op->size = 0;
		break;
	case 5:	/* an op flag the op does not take */
		op->hdr.flags = 1u << rnd(p, 32);
		break;
	default: /* a size short of the op's, or an unknown opcode */
		if (chance(p, 50))
			op->hdr.size = 8 * (1 + rnd(p, sizeof(*op) / 8 - 1));
		else
			op->hdr.opcode = 0x20 + rnd(p, 0x7fe0);
		break;
	}
	if (d->fail == -EINVAL)
		soak_assert(p, aiaccel_ref_validate(&op->hdr) == -EINVAL,
			    "the reference takes the invalid op of case %d as valid", kind);
	/* Listed as the job would list them (the device checks, not SUBMIT). */
	use_buf(bd, t[0].bi, DRM_AIACCEL_SUBMIT_BO_READ);
	use_buf(bd, t[1].bi, DRM_AIACCEL_SUBMIT_BO_WRITE);
	return true;
}

/*
 * The reference applies the job's ops to the shadows, up to the first op
 * that fails; returns the job's status.
 */
static int job_apply(struct proc *p, struct build *bd)
{
	int i;

	for (i = 0; i < bd->nops; i++) {
		struct opdesc *d = &bd->ops[i];
		struct aiaccel_op_header *hdr = d->op;
		int ret = 0;

		if (d->fail)
			return d->fail;
		switch (hdr->opcode) {
		case AIACCEL_OP_NOP:
			break;
		case AIACCEL_OP_DMA_COPY:
			ret = aiaccel_ref_dma_copy(d->op, d->in1, d->out);
			break;
		case AIACCEL_OP_GEMM: {
			const struct aiaccel_op_gemm *op = d->op;
			int32_t *bias = malloc(4ull * op->n);
			struct aiaccel_requant *q = malloc(8ull * op->n);

			igt_assert(bias && q);
			memcpy(bias, d->in3, 4ull * op->n);	/* aligned copies */
			memcpy(q, d->in4, 8ull * op->n);
			ret = aiaccel_ref_gemm(op, (void *)d->in1, (void *)d->in2, bias, q,
					       (void *)d->out);
			free(bias);
			free(q);
			soak_assert(p, ret == 0 || op->hdr.flags & AIACCEL_OP_F_PER_CHANNEL,
				    "the reference rejects a GEMM built valid");
			break;
		}
		case AIACCEL_OP_ADD:
			ret = aiaccel_ref_add(d->op, (void *)d->in1, (void *)d->in2, (void *)d->out);
			break;
		case AIACCEL_OP_ACTIVATION:
			ret = aiaccel_ref_activation(d->op, (void *)d->in1, (void *)d->in2,
						     (void *)d->out);
			break;
		default:
			igt_assert(!"unknown op built");
		}
		soak_assert(p, ret == 0 || hdr->opcode == AIACCEL_OP_GEMM,
			    "the reference rejects op 0x%x built valid", hdr->opcode);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- Steps ----------------------------------------------------------------- */

static struct sjob *new_job(struct proc *p, int *slot)
{
	int i;

	if (p->njobs == MAX_JOBS)
		job_wait(p, oldest_job(p));
	for (i = 0; i < MAX_JOBS; i++)
		if (!p->jobs[i].used)
			break;
	igt_assert(i < MAX_JOBS);
	memset(&p->jobs[i], 0, sizeof(p->jobs[i]));
	*slot = i;
	return &p->jobs[i];
}

/* SUBMIT queued the job: account for it, and apply it to the shadows. */
static void job_submitted(struct proc *p, struct build *bd)
{
	struct sjob *j = bd->j;
	int i;

	j->used = true;
	p->njobs++;
	p->submitted++;
	for (i = 0; i < j->nbufs; i++) {
		p->bufs[j->bufs[i]].busy++;
		p->bufs[j->bufs[i]].jobbed = true;
	}
	j->status = job_apply(p, bd);
	if (j->status)
		p->failing_jobs++;
}

/* The array of @n elements at @stride bytes each, zero past each element. */
static void *strided(const void *elems, size_t size, uint32_t n, uint32_t stride)
{
	uint8_t *a = calloc(n ? n : 1, stride);
	uint32_t i;

	igt_assert(a);
	for (i = 0; i < n; i++)
		memcpy(a + (size_t)i * stride, (const uint8_t *)elems + i * size, size);
	return a;
}

static uint32_t rand_stride(struct proc *p, size_t size)
{
	return chance(p, 85) ? size : size + 8 * (1 + rnd(p, 8));
}

/* A job of random valid ops, one of which may be one that must fail. */
static void step_submit(struct proc *p)
{
	struct drm_aiaccel_submit_bo bos[MAX_JOB_BUFS + 2];
	struct drm_aiaccel_sync in[MAX_JOBS + 4], out[2];
	struct drm_aiaccel_submit args;
	uint32_t nin = 0, nout = 0, nbos = 0;
	void *abos, *ain, *aout;
	struct build bd = { 0 };
	bool implicit = true, prio_high;
	int slot, i, nops, fail_at, ret, want;
	struct sjob *j;

	j = new_job(p, &slot);
	bd.j = j;
	bd.cs = (uint8_t *)p->cs.map + slot * CS_SLOT;
	nops = rnd(p, MAX_JOB_OPS + 1);
	fail_at = chance(p, 15) && nops ? (int)rnd(p, nops) : -1;
	for (i = 0; i < nops; i++) {
		bool ok;

		if (i == fail_at) {
			ok = op_failing(p, &bd);
		} else {
			switch (rnd(p, 10)) {
			case 0: case 1: case 2: case 3:
				ok = op_copy(p, &bd);
				break;
			case 4: case 5: case 6:
				ok = op_gemm(p, &bd);
				break;
			case 7:
				ok = op_add(p, &bd);
				break;
			case 8:
				ok = op_act(p, &bd);
				break;
			default:
				ok = op_nop(p, &bd);
				break;
			}
		}
		if (!ok)
			op_nop(p, &bd);
	}

	/* The buffer list: the job's, sometimes an extra one or a duplicate. */
	for (i = 0; i < j->nbufs; i++)
		bos[nbos++] = aiaccel_bo_use(p->bufs[j->bufs[i]].handle, j->bflags[i]);
	if (chance(p, 20) && (i = pick_buf(p, false)) >= 0) {
		bd.j = j;
		use_buf(&bd, i, DRM_AIACCEL_SUBMIT_BO_READ);
		bos[nbos++] = aiaccel_bo_use(p->bufs[i].handle, DRM_AIACCEL_SUBMIT_BO_READ);
	}
	if (chance(p, 10) && nbos)
		bos[nbos] = bos[rnd(p, nbos)], nbos++;

	/*
	 * Without implicit sync, every unretired job this one conflicts with
	 * must be an in-sync (its timeline point or binary syncobj); if one
	 * has neither, implicit sync stays.
	 */
	if (chance(p, 25)) {
		uint64_t maxpoint = 0;
		bool covered = true;

		for (i = 0; i < MAX_JOBS && covered; i++) {
			struct sjob *o = &p->jobs[i];
			bool conflict = false;
			int k;

			if (!o->used)
				continue;
			for (k = 0; k < j->nbufs; k++)
				if (job_uses(p, o, j->bufs[k],
					     !(j->bflags[k] & DRM_AIACCEL_SUBMIT_BO_WRITE)))
					conflict = true;
			if (!conflict)
				continue;
			if (o->point)
				maxpoint = o->point > maxpoint ? o->point : maxpoint;
			else if (o->bin)
				in[nin++] = aiaccel_sync(o->bin, 0, 0);
			else
				covered = false;
		}
		if (covered) {
			implicit = false;
			/* A point signals with every earlier one. */
			if (maxpoint)
				in[nin++] = aiaccel_sync(p->timeline, chance(p, 50) ?
							 DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT : 0, maxpoint);
		} else {
			nin = 0;
		}
	}
	/* In-syncs for their own sake: other jobs, a signalled user syncobj. */
	if (chance(p, 20) && p->njobs > 1) {
		struct sjob *o = &p->jobs[rnd(p, MAX_JOBS)];

		if (o->used && o != j && o->bin)
			in[nin++] = aiaccel_sync(o->bin, 0, 0);
		else if (o->used && o != j && o->point)
			in[nin++] = aiaccel_sync(p->timeline, 0, o->point);
	}
	if (chance(p, 15)) {
		struct user_sync *u = &p->usyncs[rnd(p, MAX_USER_SYNCS)];

		if (u->handle && !u->timeline && u->has_fence)
			in[nin++] = aiaccel_sync(u->handle, 0, 0);
		else if (u->handle && u->timeline && u->point)
			in[nin++] = aiaccel_sync(u->handle, DRM_AIACCEL_SYNC_WAIT_FOR_SUBMIT,
						 1 + rnd_u64(p, 0, u->point - 1));
	}

	/* How it tells it is done: out-syncobjs, an event, or only WAIT. */
	if (chance(p, 50)) {
		j->bin = aiaccel_syncobj(p->fd);
		out[nout++] = aiaccel_sync(j->bin, 0, 0);
	}
	if (chance(p, 40)) {
		j->point = ++p->tl_point;
		out[nout++] = aiaccel_sync(p->timeline, 0, j->point);
	}
	j->event = chance(p, 50);
	j->tag = ((uint64_t)p->idx << 56) | ++p->job_seq;
	j->seq = p->job_seq;
	j->engine = chance(p, 50) ? AIACCEL_ENGINE_ANY : rnd(p, p->info.num_engines);

	aiaccel_submit_init(&args, NULL);
	args.cs_handle = p->cs.handle;
	args.cs_offset = slot * CS_SLOT;
	args.cs_size = bd.used;
	j->cs_used = bd.used;
	args.bo_stride = rand_stride(p, sizeof(bos[0]));
	args.in_sync_stride = rand_stride(p, sizeof(in[0]));
	args.out_sync_stride = rand_stride(p, sizeof(out[0]));
	abos = strided(bos, sizeof(bos[0]), nbos, args.bo_stride);
	ain = strided(in, sizeof(in[0]), nin, args.in_sync_stride);
	aout = strided(out, sizeof(out[0]), nout, args.out_sync_stride);
	args.bos = (uintptr_t)abos;
	args.bo_count = nbos;
	args.in_syncs = (uintptr_t)ain;
	args.in_sync_count = nin;
	args.out_syncs = (uintptr_t)aout;
	args.out_sync_count = nout;
	prio_high = chance(p, 10);
	args.priority = prio_high ? DRM_AIACCEL_PRIORITY_HIGH :
		chance(p, 30) ? DRM_AIACCEL_PRIORITY_LOW : DRM_AIACCEL_PRIORITY_NORMAL;
	args.flags = (j->event ? DRM_AIACCEL_SUBMIT_EVENT : 0) |
		     (implicit ? 0 : DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC);
	aiaccel_submit_engine(&args, j->engine);
	args.event_data = j->tag;
	want = prio_high && !p->privileged ? -EPERM : 0;

	igt_debug("[%d] step %u: job 0x%llx: %d ops (fails at %d), %u bos, %u in, %u out "
		  "(bin %u, point %llu), engine %d, prio %u, flags 0x%x\n", p->idx, p->step,
		  (unsigned long long)j->tag, bd.nops, fail_at, nbos, nin, nout, j->bin,
		  (unsigned long long)j->point, (int)j->engine, args.priority, args.flags);
	for (i = 0; i < (int)nbos; i++)
		igt_debug("[%d]   bo %u flags %u\n", p->idx, bos[i].handle, bos[i].flags);
	j->t_before = now_ns();
	ret = aiaccel_submit_raw(p->fd, &args);
	j->t_after = now_ns();
	free(abos);
	free(ain);
	free(aout);
	check(p, CALL_SUBMIT, "of a job", ret, want);
	if (ret) {
		/* Nothing happened: no fence, no job. */
		if (j->bin) {
			ret = drmSyncobjWait(p->fd, &j->bin, 1, 0, 0, NULL) ? -errno : 0;
			soak_assert(p, ret == -EINVAL,
				    "a failed SUBMIT left a fence in its out-syncobj (wait: %d)", ret);
			drmSyncobjDestroy(p->fd, j->bin);
		}
		if (j->point)
			p->tl_point--;
		p->job_seq--;
		memset(j, 0, sizeof(*j));
		return;
	}
	job_submitted(p, &bd);
}

/*
 * A job behind a vgem buffer with an unsignalled write fence does not run
 * until the fence signals.
 */
static void step_gate(struct proc *p)
{
	struct drm_aiaccel_submit_bo bos[MAX_JOB_BUFS + 1];
	struct drm_aiaccel_bo_info info = { 0 };
	struct drm_aiaccel_submit args;
	struct drm_aiaccel_sync out;
	struct aiaccel_gate gate;
	struct build bd = { 0 };
	struct sjob *j;
	int slot, ret, i;

	/*
	 * The gate's buffer is a new mapping in this file, which may take a
	 * closed buffer's address (the best fit for its one page and guard
	 * page is often a closed buffer's hole): the jobs that must fault
	 * there run first, and the address is no longer dead.
	 */
	settle_dead(p);
	j = new_job(p, &slot);
	bd.j = j;
	bd.cs = (uint8_t *)p->cs.map + slot * CS_SLOT;
	if (!op_copy(p, &bd))
		op_nop(p, &bd);
	aiaccel_gate_new(p->fd, &gate);
	info.handle = gate.handle;
	check(p, CALL_BO_INFO, "of a gate's buffer", xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_INFO, &info), 0);
	check_new_va(p, -1, info.va, info.size);
	bos[0] = aiaccel_bo_use(gate.handle, DRM_AIACCEL_SUBMIT_BO_READ);
	for (i = 0; i < j->nbufs; i++)
		bos[i + 1] = aiaccel_bo_use(p->bufs[j->bufs[i]].handle, j->bflags[i]);
	j->bin = aiaccel_syncobj(p->fd);
	out = aiaccel_sync(j->bin, 0, 0);
	j->event = true;
	j->tag = ((uint64_t)p->idx << 56) | ++p->job_seq;
	j->seq = p->job_seq;
	j->engine = AIACCEL_ENGINE_ANY;
	aiaccel_submit_init(&args, NULL);
	args.cs_handle = p->cs.handle;
	args.cs_offset = slot * CS_SLOT;
	args.cs_size = bd.used;
	args.bos = (uintptr_t)bos;
	args.bo_count = j->nbufs + 1;
	args.out_syncs = (uintptr_t)&out;
	args.out_sync_count = 1;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	args.event_data = j->tag;
	j->t_before = now_ns();
	ret = aiaccel_submit_raw(p->fd, &args);
	j->t_after = now_ns();
	check(p, CALL_SUBMIT, "of a job behind a vgem fence", ret, 0);
	job_submitted(p, &bd);

	usleep(20000);
	events_read(p, 0);
	if (aiaccel_gate_held(&gate))
		soak_assert(p, !aiaccel_syncobj_signaled(p->fd, j->bin, 0) && !j->got_event,
			    "a job behind an unsignalled vgem write fence completed");
	aiaccel_gate_open(&gate);
	/* The job keeps the gate's buffer mapped until it is done. */
	aiaccel_gate_free(&gate);
}

/* SUBMITs with one thing wrong each: the documented errno, and no trace. */
static void step_submit_invalid(struct proc *p)
{
	struct drm_aiaccel_submit_bo bo[3];
	struct drm_aiaccel_sync in[2], out;
	struct drm_aiaccel_submit args;
	uint32_t s = aiaccel_syncobj(p->fd);
	uint8_t big[48] = { 0 };
	int bi = pick_buf(p, false), kind = rnd(p, 22), want = -EINVAL, ret;
	const char *what;

	aiaccel_submit_init(&args, NULL);
	args.cs_handle = p->cs.handle;
	args.cs_offset = CS_PROBE_SLOT * CS_SLOT;
	args.cs_size = sizeof(struct aiaccel_op_nop);
	bo[0] = aiaccel_bo_use(bi >= 0 ? p->bufs[bi].handle : p->cs.handle,
			       DRM_AIACCEL_SUBMIT_BO_READ);
	args.bos = (uintptr_t)bo;
	args.bo_count = 1;
	out = aiaccel_sync(s, 0, 0);
	args.out_syncs = (uintptr_t)&out;
	args.out_sync_count = 1;
	args.flags = DRM_AIACCEL_SUBMIT_EVENT;
	args.event_data = ((uint64_t)p->idx << 56) | 0xbad0000ull | kind;

	switch (kind) {
	case 0:
		what = "with an unknown flag";
		args.flags |= unknown_flag(p, p->info.submit_flags);
		break;
	case 1:
		what = "with a reserved field set";
		args.reserved[rnd(p, 2)] = 1ull << rnd(p, 64);
		break;
	case 2:
		if (chance(p, 50)) {
			what = "for an engine the device lacks";
			aiaccel_submit_engine(&args, p->info.num_engines +
					      rnd(p, 0xfffffffeu - p->info.num_engines));
		} else {
			what = "for an engine without SUBMIT_ENGINE";
			args.engine = 1 + rnd(p, 0xfffffffeu);
		}
		break;
	case 3:
		what = "with an unknown priority";
		args.priority = DRM_AIACCEL_PRIORITY_HIGH + 1 + rnd(p, 1000);
		break;
	case 4:
		what = "with a short element stride";
		switch (rnd(p, 3)) {
		case 0:
			args.bo_stride = rnd(p, sizeof(bo[0]));
			break;
		case 1:
			in[0] = aiaccel_sync(s, 0, 0);
			args.in_syncs = (uintptr_t)in;
			args.in_sync_count = 1;
			args.in_sync_stride = rnd(p, sizeof(in[0]));
			break;
		default:
			args.out_sync_stride = rnd(p, sizeof(out));
			break;
		}
		break;
	case 5:
		what = "with non-zero bytes past an element";
		memcpy(big, &bo[0], sizeof(bo[0]));
		big[sizeof(bo[0]) + rnd(p, sizeof(big) - sizeof(bo[0]))] = 1 + rnd(p, 255);
		args.bos = (uintptr_t)big;
		args.bo_stride = sizeof(big);
		break;
	case 6:
		what = "with too many elements";
		switch (rnd(p, 3)) {
		case 0:
			args.bo_count = p->info.max_submit_bos + 1 + rnd(p, 1000);
			break;
		case 1:
			args.in_sync_count = p->info.max_submit_syncs + 1 + rnd(p, 1000);
			break;
		default:
			args.out_sync_count = p->info.max_submit_syncs + 1 + rnd(p, 1000);
			break;
		}
		break;
	case 7:
		what = "with a misaligned command stream";
		if (chance(p, 50))
			args.cs_offset += 1 + rnd(p, 7);
		else
			args.cs_size += 1 + rnd(p, 7);
		break;
	case 8:
		what = "with a command stream past its buffer";
		if (chance(p, 50)) {
			args.cs_offset = p->cs.size + 8 * rnd(p, 64);
		} else {
			args.cs_offset = 0;
			args.cs_size = p->cs.size + 8 + 8 * rnd(p, 64);
		}
		break;
	case 9:
		what = "with a command stream over the size limit";
		args.cs_size = p->info.max_cs_size + 8 * (1 + rnd(p, 64));
		args.cs_offset = 0;
		break;
	case 10:
		what = "listing a buffer without READ or WRITE";
		bo[0].flags = chance(p, 50) ? 0 : 1u << (2 + rnd(p, 30));
		break;
	case 11:
		what = "listing an unknown buffer";
		bo[1] = aiaccel_bo_use(unknown_handle(p), DRM_AIACCEL_SUBMIT_BO_WRITE);
		args.bo_count = 2;
		want = -ENOENT;
		break;
	case 12:
		what = "of an unknown command-stream buffer";
		args.cs_handle = unknown_handle(p);
		want = -ENOENT;
		break;
	case 13:
		what = "with an unknown in-syncobj";
		in[0] = aiaccel_sync(s + 1000 + rnd(p, 1000), 0, 0);
		args.in_syncs = (uintptr_t)in;
		args.in_sync_count = 1;
		want = -ENOENT;
		break;
	case 14:
		what = "with an unknown out-syncobj";
		out.handle = s + 1000 + rnd(p, 1000);
		want = -ENOENT;
		break;
	case 15:
		what = "with an unreadable array";
		switch (rnd(p, 3)) {
		case 0:
			args.bos = (uintptr_t)p->noaccess;
			break;
		case 1:
			args.in_syncs = (uintptr_t)p->noaccess;
			args.in_sync_count = 1;
			break;
		default:
			args.out_syncs = (uintptr_t)p->noaccess;
			break;
		}
		want = -EFAULT;
		break;
	case 16:
		what = "waiting on a timeline point not submitted";
		in[0] = aiaccel_sync(p->timeline, 0, p->tl_point + 1 + rnd(p, 100));
		args.in_syncs = (uintptr_t)in;
		args.in_sync_count = 1;
		break;
	case 17:
		what = "waiting on a binary syncobj with no fence";
		in[0] = aiaccel_sync(s, 0, 0);
		args.in_syncs = (uintptr_t)in;
		args.in_sync_count = 1;
		break;
	case 18:
		what = "with an unknown in-sync flag";
		in[0] = aiaccel_sync(p->timeline, 1u << (1 + rnd(p, 31)), 0);
		args.in_syncs = (uintptr_t)in;
		args.in_sync_count = 1;
		break;
	case 19:
		what = "with flags on an out-sync";
		out.flags = 1u << rnd(p, 32);
		break;
	case 20:
		what = "at HIGH priority without CAP_SYS_NICE";
		if (p->privileged) {
			what = "with a stride over a page";
			args.bo_stride = 4096 + 8 * (1 + rnd(p, 100));
			break;
		}
		args.priority = DRM_AIACCEL_PRIORITY_HIGH;
		want = -EPERM;
		break;
	default:
		what = "with a bad element stride for an empty array";
		/* Zero elements: the stride is not looked at: valid. */
		args.in_sync_stride = rnd(p, 8);
		args.in_sync_count = 0;
		args.flags = 0;
		want = 0;
		break;
	}
	igt_debug("[%d] step %u: SUBMIT %s\n", p->idx, p->step, what);
	ret = aiaccel_submit_raw(p->fd, &args);
	check(p, CALL_SUBMIT, what, ret, want);
	if (ret) {
		ret = drmSyncobjWait(p->fd, &s, 1, 0, 0, NULL) ? -errno : 0;
		soak_assert(p, ret == -EINVAL,
			    "SUBMIT %s failed but its out-syncobj got a fence (wait: %d)", what, ret);
	} else {
		/* The valid case: a job without event, done once its out-syncobj is. */
		check(p, CALL_SYNCOBJ_WAIT, "for the probe job",
		      aiaccel_syncobj_wait(p->fd, s, 0, 60 * SEC), 0);
		p->submitted++;
		p->completed++;
	}
	check(p, CALL_SYNCOBJ_DESTROY, "of a probe syncobj",
	      drmSyncobjDestroy(p->fd, s) ? -errno : 0, 0);
}

static void step_retire(struct proc *p)
{
	struct sjob *j;
	int bi, ret, i;

	switch (rnd(p, 5)) {
	case 0: case 1:
		if ((j = oldest_job(p)))
			job_wait(p, j);
		break;
	case 2:
		if (p->njobs && (j = &p->jobs[rnd(p, MAX_JOBS)])->used)
			job_wait(p, j);
		break;
	case 3:
		/* WAIT for the writers of a buffer, or everyone: those jobs are done. */
		bi = pick_buf(p, false);
		if (bi < 0)
			break;
		{
			bool writers = chance(p, 50);

			ret = aiaccel_wait_buf(p->fd, p->bufs[bi].handle,
					       writers ? DRM_AIACCEL_WAIT_WRITERS : 0, 60 * SEC);
			check(p, CALL_WAIT, writers ? "for a buffer's writers" : "on a buffer", ret, 0);
			for (i = 0; i < MAX_JOBS; i++)
				if (p->jobs[i].used && job_uses(p, &p->jobs[i], bi, writers))
					job_retire(p, &p->jobs[i]);
		}
		break;
	default:
		/* A WAIT that only polls: done (then the jobs are) or not yet. */
		bi = pick_buf(p, false);
		if (bi < 0)
			break;
		ret = aiaccel_wait_buf(p->fd, p->bufs[bi].handle, 0, chance(p, 50) ? 0 : -SEC);
		check2(p, CALL_WAIT, "that polls", ret, 0, -ETIMEDOUT);
		for (i = 0; !ret && i < MAX_JOBS; i++) {
			j = &p->jobs[i];
			if (j->used && job_uses(p, j, bi, false) && j->bin)
				soak_assert(p, aiaccel_syncobj_signaled(p->fd, j->bin, 0),
					    "WAIT said idle, job 0x%llx's out-syncobj disagrees",
					    (unsigned long long)j->tag);
		}
		break;
	}
}

static void step_bo_create(struct proc *p)
{
	struct drm_aiaccel_bo_create c = { 0 };
	uint64_t as = p->info.max_bo_size;
	int slot = buf_slot(p), ret, want = 0;
	const char *what = "valid";
	struct sbuf *b;

	if (slot < 0 || chance(p, 25)) {
		switch (rnd(p, 6)) {
		case 0:
			what = "of size 0";
			break;
		case 1:
			what = "with an unknown flag";
			c.size = 4096;
			c.flags = unknown_flag(p, p->info.bo_flags);
			break;
		case 2:
			what = "with pad set";
			c.size = 4096;
			c.pad = 1ull << rnd(p, 64);
			break;
		case 3:
			what = "larger than the address space";
			c.size = as + 1 + rnd_u64(p, 0, chance(p, 50) ? 4096 : UINT64_MAX - as - 1);
			break;
		default:
			what = "larger than the memory budget";
			c.size = rnd_u64(p, p->info.mem_size + 1, as);
			want = -ENOMEM;
			break;
		}
		if (want == 0)
			want = -EINVAL;
		ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_CREATE, &c);
		check(p, CALL_BO_CREATE, what, ret, want);
		return;
	}

	c.size = chance(p, 10) ? 1 + rnd(p, 1 << 20) : 1 + rnd(p, 64 << 10);
	c.flags = chance(p, 20) ? DRM_AIACCEL_BO_DEVICE_READ_ONLY : 0;
	settle_dead(p);
	{
		uint64_t asked = c.size;

		ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_CREATE, &c);
		check(p, CALL_BO_CREATE, what, ret, 0);
		soak_assert(p, c.size == ((asked + p->info.page_size - 1) & ~(uint64_t)(p->info.page_size - 1)),
			    "BO_CREATE of %llu bytes made %llu", (unsigned long long)asked,
			    (unsigned long long)c.size);
	}
	soak_assert(p, c.handle && !handle_live(p, c.handle), "BO_CREATE gave handle %u, in use",
		    c.handle);
	soak_assert(p, c.mmap_offset && c.mmap_offset % p->info.page_size == 0,
		    "mmap offset 0x%llx", (unsigned long long)c.mmap_offset);
	check_new_va(p, -1, c.va, c.size);
	b = &p->bufs[slot];
	*b = (struct sbuf){
		.used = true, .handle = c.handle, .kind = BUF_OWN, .flags = c.flags,
		.size = c.size, .va = c.va, .mmap_offset = c.mmap_offset,
		.shadow = calloc(1, c.size), .own_shadow = true, .wlo = 0, .whi = c.size,
	};
	igt_assert(b->shadow);
	igt_debug("[%d] step %u: buffer %u: %llu bytes at 0x%llx%s\n", p->idx, p->step, c.handle,
		  (unsigned long long)c.size, (unsigned long long)c.va,
		  c.flags ? ", device read-only" : "");
}

/* User memory for a buffer: anonymous, or a memfd's pages; -1 on failure. */
static uint8_t *user_mem(struct proc *p, uint64_t size, int prot)
{
	void *m;
	int memfd;

	if (chance(p, 70))
		return mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memfd = memfd_create("aiaccel-soak", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, size), 0);
	m = mmap(NULL, size, prot, MAP_SHARED, memfd, 0);
	close(memfd);
	return m;
}

/* A buffer of the process's own memory, or a BO_CREATE_USERPTR that must fail. */
static void step_userptr(struct proc *p)
{
	struct drm_aiaccel_bo_create_userptr c = { 0 };
	struct drm_aiaccel_bo_info info = { 0 };
	uint64_t page = p->info.page_size;
	int slot = buf_slot(p), ret, want = -EINVAL;
	const char *what;
	uint8_t *mem;
	struct sbuf *b;

	if (slot < 0 || chance(p, 30)) {
		mem = NULL;
		c.user_ptr = (uintptr_t)p->noaccess;
		c.size = page;
		switch (rnd(p, 8)) {
		case 0:
			what = "with an unknown flag";
			c.flags = 1u << (1 + rnd(p, 31));
			break;
		case 1:
			what = "with pad set";
			c.pad = 1ull << rnd(p, 64);
			break;
		case 2:
			what = "at address 0";
			c.user_ptr = 0;
			break;
		case 3:
			what = "at an unaligned address";
			c.user_ptr += 1 + rnd(p, page - 1);
			break;
		case 4:
			what = chance(p, 50) ? "of size 0" : "of an unaligned size";
			c.size = chance(p, 50) ? 0 : page + 8 * (1 + rnd(p, page / 8 - 1));
			break;
		case 5:
			what = "larger than the address space";
			c.size = ((1ull << p->info.va_bits) + page * (1 + rnd(p, 16))) & ~(page - 1);
			break;
		case 6:
			what = "of memory without access";
			want = -EFAULT;
			break;
		default:
			/* Without DEVICE_READ_ONLY the range must be writable. */
			what = "of read-only memory, for writing";
			mem = user_mem(p, page, PROT_READ);
			igt_assert(mem != MAP_FAILED);
			c.user_ptr = (uintptr_t)mem;
			want = -EFAULT;
			break;
		}
		ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &c);
		check(p, CALL_BO_CREATE_USERPTR, what, ret, want);
		if (mem)
			munmap(mem, page);
		return;
	}

	settle_dead(p);
	c.size = page * (1 + rnd(p, chance(p, 10) ? 64 : 16));
	c.flags = chance(p, 20) ? DRM_AIACCEL_BO_DEVICE_READ_ONLY : 0;
	mem = user_mem(p, c.size, PROT_READ | PROT_WRITE);
	igt_assert(mem != MAP_FAILED);
	b = &p->bufs[slot];
	*b = (struct sbuf){
		.used = true, .kind = BUF_USERPTR, .flags = c.flags, .size = c.size,
		.map = mem, .map_len = c.size, .shadow = malloc(c.size), .own_shadow = true,
		.wlo = 0, .whi = c.size,
	};
	igt_assert(b->shadow);
	/* What the memory holds is the buffer's from the start. */
	aiaccel_rng_fill(&p->rng, b->shadow, c.size);
	memcpy(mem, b->shadow, c.size);
	c.user_ptr = (uintptr_t)mem;
	ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_CREATE_USERPTR, &c);
	check(p, CALL_BO_CREATE_USERPTR, "of anonymous or memfd memory", ret, 0);
	soak_assert(p, c.handle && !handle_live(p, c.handle), "BO_CREATE_USERPTR gave handle %u, "
		    "in use", c.handle);
	check_new_va(p, slot, c.va, c.size);
	b->handle = c.handle;
	b->va = c.va;
	info.handle = c.handle;
	check(p, CALL_BO_INFO, "of a user-memory buffer",
	      xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_INFO, &info), 0);
	soak_assert(p, info.size == c.size && info.va == c.va && info.flags == c.flags &&
		    info.info_flags == DRM_AIACCEL_BO_INFO_USERPTR,
		    "BO_INFO of user-memory buffer %u: size %llu va 0x%llx flags 0x%x info 0x%x",
		    c.handle, (unsigned long long)info.size, (unsigned long long)info.va,
		    info.flags, info.info_flags);
	b->mmap_offset = info.mmap_offset;
	igt_debug("[%d] step %u: user-memory buffer %u: %llu bytes at 0x%llx%s\n", p->idx,
		  p->step, c.handle, (unsigned long long)c.size, (unsigned long long)c.va,
		  c.flags ? ", device read-only" : "");
}

static void step_bo_info(struct proc *p)
{
	struct drm_aiaccel_bo_info info = { 0 };
	int bi = pick_buf(p, false), ret;
	const struct sbuf *b;

	if (bi < 0 || chance(p, 30)) {
		if (chance(p, 50) && bi >= 0) {
			info.handle = p->bufs[bi].handle;
			info.pad = 1u << rnd(p, 32);
			ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_INFO, &info);
			check(p, CALL_BO_INFO, "with pad set", ret, -EINVAL);
		} else {
			info.handle = unknown_handle(p);
			ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_INFO, &info);
			check(p, CALL_BO_INFO, "of an unknown handle", ret, -ENOENT);
		}
		return;
	}
	b = &p->bufs[bi];
	info.handle = b->handle;
	ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_INFO, &info);
	check(p, CALL_BO_INFO, "of a buffer", ret, 0);
	soak_assert(p, info.size == b->size && info.va == b->va &&
		    info.mmap_offset == b->mmap_offset && info.flags == b->flags &&
		    info.info_flags == (b->kind == BUF_VGEM ? DRM_AIACCEL_BO_INFO_IMPORTED :
					b->kind == BUF_USERPTR ? DRM_AIACCEL_BO_INFO_USERPTR : 0u),
		    "BO_INFO of handle %u: size %llu va 0x%llx offset 0x%llx flags 0x%x info 0x%x; "
		    "expected %llu 0x%llx 0x%llx 0x%x (kind %d)", b->handle,
		    (unsigned long long)info.size, (unsigned long long)info.va,
		    (unsigned long long)info.mmap_offset, info.flags, info.info_flags,
		    (unsigned long long)b->size, (unsigned long long)b->va,
		    (unsigned long long)b->mmap_offset, b->flags, b->kind);
}

static void step_close(struct proc *p)
{
	int bi = pick_buf(p, false), ret;
	struct sbuf *b;

	if (bi < 0 || chance(p, 15)) {
		uint32_t h = chance(p, 20) ? 0 : unknown_handle(p);

		ret = aiaccel_gem_close(p->fd, h);
		check(p, CALL_GEM_CLOSE, h ? "of an unknown handle" : "of handle 0", ret, -EINVAL);
		return;
	}
	b = &p->bufs[bi];
	ret = aiaccel_gem_close(p->fd, b->handle);
	check(p, CALL_GEM_CLOSE, "of a buffer", ret, 0);
	igt_debug("[%d] step %u: closed buffer %u (busy %u, mapped %d)\n", p->idx, p->step,
		  b->handle, b->busy, !!b->map);
	/*
	 * Its address is unmapped now, unless a job (even retired: jobs are
	 * freed later) held it.  Not so for the parent's shared buffer: closed
	 * while jobs use it and imported again, it gets back the mapping
	 * those jobs hold, which this slot then never saw in a job.
	 */
	if (!b->jobbed && b->kind != BUF_SHARED && p->ndead < MAX_DEAD) {
		p->dead[p->ndead].va = b->va;
		p->dead[p->ndead++].size = b->size;
	}
	b->handle = 0;
	buf_release(b);
}

static void step_map(struct proc *p)
{
	int bi, ret;
	struct sbuf *b;
	void *m;

	if (chance(p, 35)) {
		bi = pick_used(p, true);
		if (bi < 0 || p->bufs[bi].kind == BUF_USERPTR)
			return;
		b = &p->bufs[bi];
		/* A mapping outliving its handle still shows the memory. */
		if (!mem_busy(p, bi) && !b->handle)
			buf_verify(p, b, "through a mapping kept after GEM_CLOSE");
		munmap(b->map, b->map_len);
		b->map = NULL;
		b->map_len = 0;
		buf_release(b);
		return;
	}
	bi = pick_buf(p, false);
	if (bi < 0)
		return;
	b = &p->bufs[bi];
	if (b->kind == BUF_USERPTR) {
		/* Its memory is mapped where it came from, never through the device. */
		m = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, b->mmap_offset);
		ret = m == MAP_FAILED ? -errno : 0;
		if (!ret)
			munmap(m, b->size);
		check(p, CALL_MMAP, "of a user-memory buffer", ret, -EINVAL);
		return;
	}
	if (chance(p, 25)) {
		const char *what;
		int flags = MAP_SHARED, want = -EINVAL;
		uint64_t len = b->size, off = b->mmap_offset;

		switch (rnd(p, 3)) {
		case 0:
			what = "MAP_PRIVATE";
			flags = MAP_PRIVATE;
			break;
		case 1:
			what = "longer than the buffer";
			len += p->info.page_size * (1 + rnd(p, 4));
			break;
		default:
			/* Inside the buffer's own range of offsets: no other buffer's. */
			what = "not at the start of a buffer";
			if (b->kind == BUF_VGEM || b->size <= p->info.page_size)
				return;
			off += p->info.page_size * (1 + rnd(p, b->size / p->info.page_size - 1));
			len = p->info.page_size;
			break;
		}
		if (b->kind == BUF_VGEM && flags == MAP_PRIVATE)
			return;
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, p->fd, off);
		ret = m == MAP_FAILED ? -errno : 0;
		if (!ret)
			munmap(m, len);
		check(p, CALL_MMAP, what, ret, want);
		return;
	}
	if (b->map)
		return;
	/* The whole buffer or a prefix of it. */
	buf_map(p, b, chance(p, 70) ? b->size :
		p->info.page_size * (1 + rnd(p, b->size / p->info.page_size)));
	if (!mem_busy(p, bi))
		buf_verify(p, b, "after mmap");
}

/* The CPU writes a random range (no job may be using the buffer). */
static void step_cpu_write(struct proc *p)
{
	int bi = pick_used(p, false);
	struct sbuf *b;
	uint64_t off, len;

	if (bi < 0 || !p->bufs[bi].handle)
		return;
	b = &p->bufs[bi];
	buf_idle(p, bi);
	if (!pick_range(p, b, true, 1, chance(p, 20) ? b->size : 2048, &off, &len))
		return;
	if (!b->map)
		buf_map(p, b, b->size);
	if (off + len > b->map_len)
		return;
	if (chance(p, 20))
		memset(b->shadow + off, 0, len);	/* zeros: valid per-channel scales */
	else
		aiaccel_rng_fill(&p->rng, b->shadow + off, len);
	memcpy(b->map + off, b->shadow + off, len);
}

static void step_verify(struct proc *p)
{
	int bi = pick_used(p, false);

	if (bi < 0)
		return;
	buf_idle(p, bi);
	if (p->bufs[bi].handle || p->bufs[bi].map)
		buf_verify(p, &p->bufs[bi], "after its jobs");
	buf_release(&p->bufs[bi]);
}

/* Import dma-buf @dmabuf (one of the shared ones, @k) into a new slot. */
static void import_shared(struct proc *p, int k)
{
	int slot = buf_slot(p), ret, i;
	struct drm_aiaccel_bo_info info = { 0 };
	uint32_t handle;
	struct sbuf *b;

	for (i = 0; i < MAX_BUFS; i++)
		if (buf_live(&p->bufs[i]) && p->bufs[i].kind == (k ? BUF_VGEM : BUF_SHARED)) {
			/* Imported already: the same handle again. */
			ret = aiaccel_prime_import(p->fd, p->sh->dmabuf[k], &handle);
			check(p, CALL_PRIME_FD_TO_HANDLE, "of a dma-buf imported before", ret, 0);
			soak_assert(p, handle == p->bufs[i].handle,
				    "importing a dma-buf again gave handle %u, not %u", handle,
				    p->bufs[i].handle);
			return;
		}
	if (slot < 0)
		return;
	settle_dead(p);
	ret = aiaccel_prime_import(p->fd, p->sh->dmabuf[k], &handle);
	check(p, CALL_PRIME_FD_TO_HANDLE, k ? "of vgem's buffer" : "of the parent's buffer", ret, 0);
	soak_assert(p, !handle_live(p, handle), "import gave handle %u, in use", handle);
	info.handle = handle;
	check(p, CALL_BO_INFO, "of an import", xioctl(p->fd, DRM_IOCTL_AIACCEL_BO_INFO, &info), 0);
	soak_assert(p, info.size == SHARED_SIZE && info.flags == 0 &&
		    info.info_flags == (k ? DRM_AIACCEL_BO_INFO_IMPORTED : 0u),
		    "imported buffer: size %llu flags 0x%x info_flags 0x%x",
		    (unsigned long long)info.size, info.flags, info.info_flags);
	check_new_va(p, -1, info.va, info.size);
	b = &p->bufs[slot];
	*b = (struct sbuf){
		.used = true, .handle = handle, .kind = k ? BUF_VGEM : BUF_SHARED,
		.size = info.size, .va = info.va, .mmap_offset = info.mmap_offset,
		.shadow = p->sh_shadow[k],
		.wlo = SHARED_CONST + (uint64_t)p->idx * SHARED_REGION,
		.whi = SHARED_CONST + (uint64_t)(p->idx + 1) * SHARED_REGION,
		.clo = 0, .chi = SHARED_CONST,
	};
}

static void step_prime(struct proc *p)
{
	int bi = pick_buf(p, false), ret, dmabuf;
	uint32_t handle;
	struct sbuf *b;

	switch (rnd(p, 6)) {
	case 0: case 1:
		import_shared(p, rnd(p, 2));
		return;
	case 2:
		ret = aiaccel_prime_export(p->fd, bi >= 0 ? p->bufs[bi].handle : p->cs.handle,
					   DRM_CLOEXEC | (1u << (3 + rnd(p, 16))));
		check(p, CALL_PRIME_HANDLE_TO_FD, "with an unknown flag", ret < 0 ? ret : 0, -EINVAL);
		return;
	case 3:
		ret = aiaccel_prime_export(p->fd, unknown_handle(p), DRM_CLOEXEC | DRM_RDWR);
		check(p, CALL_PRIME_HANDLE_TO_FD, "of an unknown handle", ret < 0 ? ret : 0, -ENOENT);
		return;
	case 4:
		if (chance(p, 50)) {
			ret = aiaccel_prime_import(p->fd, chance(p, 50) ? -1 : 900 + (int)rnd(p, 100),
						   &handle);
			check(p, CALL_PRIME_FD_TO_HANDLE, "of a bad fd", ret, -EBADF);
		} else {
			ret = aiaccel_prime_import(p->fd, p->fd, &handle);
			check(p, CALL_PRIME_FD_TO_HANDLE, "of a non-dma-buf fd", ret, -EINVAL);
		}
		return;
	default:
		break;
	}
	/* Export, import back (the same handle), read through the dma-buf. */
	if (bi < 0)
		return;
	b = &p->bufs[bi];
	dmabuf = aiaccel_prime_export(p->fd, b->handle, DRM_CLOEXEC | DRM_RDWR);
	check(p, CALL_PRIME_HANDLE_TO_FD, "of a buffer", dmabuf < 0 ? dmabuf : 0, 0);
	ret = aiaccel_prime_import(p->fd, dmabuf, &handle);
	check(p, CALL_PRIME_FD_TO_HANDLE, "of its own export", ret, 0);
	soak_assert(p, handle == b->handle, "self-import of handle %u gave %u", b->handle, handle);
	if (b->kind == BUF_USERPTR) {
		/* Its dma-buf has no CPU mapping either. */
		void *m = mmap(NULL, b->size, PROT_READ, MAP_SHARED, dmabuf, 0);

		ret = m == MAP_FAILED ? -errno : 0;
		if (!ret)
			munmap(m, b->size);
		check(p, CALL_MMAP, "of a user-memory buffer's dma-buf", ret, -EINVAL);
	} else if (!mem_busy(p, bi) && chance(p, 50)) {
		uint8_t *m = mmap(NULL, b->size, PROT_READ, MAP_SHARED, dmabuf, 0);

		soak_assert(p, m != MAP_FAILED, "mmap of a dma-buf: %s", strerror(errno));
		aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		soak_assert(p, !memcmp(m + b->wlo, b->shadow + b->wlo, b->whi - b->wlo) &&
			    !memcmp(m + b->clo, b->shadow + b->clo, b->chi - b->clo),
			    "the dma-buf's mapping differs from the buffer's expected contents");
		aiaccel_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		munmap(m, b->size);
	}
	close(dmabuf);
}

static void check_info(struct proc *p, const struct drm_aiaccel_info *i)
{
	struct drm_aiaccel_info a = *i, b = p->info;

	soak_assert(p, i->mem_used <= i->mem_size && i->state == 0,
		    "GET_INFO: mem_used %llu of %llu, state 0x%llx",
		    (unsigned long long)i->mem_used, (unsigned long long)i->mem_size,
		    (unsigned long long)i->state);
	a.mem_used = b.mem_used = 0;
	soak_assert(p, !memcmp(&a, &b, sizeof(a)), "GET_INFO's constant fields changed");
}

static void step_info(struct proc *p)
{
	struct drm_aiaccel_info info;
	struct drm_aiaccel_get_info g = { 0 };
	uint8_t raw[sizeof(info) + 16];
	int ret;

	switch (rnd(p, 5)) {
	case 0:
		g.info_ptr = (uintptr_t)&info;
		g.info_size = sizeof(info);
		g.flags = 1u << rnd(p, 32);
		check(p, CALL_GET_INFO, "with flags", xioctl(p->fd, DRM_IOCTL_AIACCEL_GET_INFO, &g),
		      -EINVAL);
		return;
	case 1:
		g.info_ptr = (uintptr_t)p->noaccess;
		g.info_size = sizeof(info);
		check(p, CALL_GET_INFO, "to an unwritable pointer",
		      xioctl(p->fd, DRM_IOCTL_AIACCEL_GET_INFO, &g), -EFAULT);
		return;
	case 2: {
		/* A caller with an older, shorter struct gets its prefix only. */
		uint32_t asked = rnd(p, sizeof(info) + 16);
		size_t i;

		memset(raw, 0xa5, sizeof(raw));
		g.info_ptr = asked || chance(p, 50) ? (uintptr_t)raw : 0;
		g.info_size = asked;
		ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_GET_INFO, &g);
		check(p, CALL_GET_INFO, "of a prefix", ret, 0);
		soak_assert(p, g.info_size == sizeof(info), "GET_INFO says its size is %u",
			    g.info_size);
		/*
		 * Past the kernel's struct, up to what was asked, zeros (a newer
		 * caller's fields this kernel lacks: copy_struct_to_user()); past
		 * what was asked, nothing.
		 */
		for (i = sizeof(info); i < asked; i++)
			soak_assert(p, raw[i] == 0, "GET_INFO of %u bytes: byte %zu is 0x%02x, not 0",
				    asked, i, raw[i]);
		for (i = asked; i < sizeof(raw); i++)
			soak_assert(p, raw[i] == 0xa5, "GET_INFO of %u bytes wrote byte %zu", asked, i);
		if (asked >= offsetof(struct drm_aiaccel_info, mem_size))
			soak_assert(p, !memcmp(raw, &p->info, offsetof(struct drm_aiaccel_info,
								       mem_size)),
				    "GET_INFO of %u bytes: the prefix differs", asked);
		return;
	}
	default:
		ret = aiaccel_get_info(p->fd, &info);
		check(p, CALL_GET_INFO, "", ret, 0);
		check_info(p, &info);
		return;
	}
}

static void check_stats(struct proc *p, const struct drm_aiaccel_stats *s)
{
	const struct drm_aiaccel_stats *l = &p->last_stats;
	int e;

	soak_assert(p, s->file_jobs_submitted == p->submitted,
		    "GET_STATS: the file submitted %llu jobs, not %llu",
		    (unsigned long long)s->file_jobs_submitted, (unsigned long long)p->submitted);
	soak_assert(p, s->file_jobs_completed >= p->completed && s->file_jobs_failed >= p->failed &&
		    s->file_jobs_completed + s->file_jobs_failed <= s->file_jobs_submitted &&
		    s->file_jobs_timed_out == 0,
		    "GET_STATS: the file's jobs: %llu completed, %llu failed, %llu timed out; "
		    "retired here: %llu completed, %llu failed", (unsigned long long)s->file_jobs_completed,
		    (unsigned long long)s->file_jobs_failed, (unsigned long long)s->file_jobs_timed_out,
		    (unsigned long long)p->completed, (unsigned long long)p->failed);
	soak_assert(p, s->file_mem_used == file_mem(p) && s->file_mem_peak >= s->file_mem_used,
		    "GET_STATS: file_mem_used %llu (peak %llu), the file holds %llu bytes",
		    (unsigned long long)s->file_mem_used, (unsigned long long)s->file_mem_peak,
		    (unsigned long long)file_mem(p));
	soak_assert(p, s->jobs_submitted >= l->jobs_submitted && s->jobs_completed >= l->jobs_completed &&
		    s->jobs_failed >= l->jobs_failed && s->macs >= l->macs &&
		    s->bytes_moved >= l->bytes_moved && s->mem_peak >= l->mem_peak &&
		    s->file_mem_peak >= l->file_mem_peak,
		    "GET_STATS: device counters went back: jobs %llu submitted, %llu completed, "
		    "%llu failed, %llu MACs, %llu bytes, peak %llu, file peak %llu; before: %llu, "
		    "%llu, %llu, %llu, %llu, %llu, %llu", (unsigned long long)s->jobs_submitted,
		    (unsigned long long)s->jobs_completed, (unsigned long long)s->jobs_failed,
		    (unsigned long long)s->macs, (unsigned long long)s->bytes_moved,
		    (unsigned long long)s->mem_peak, (unsigned long long)s->file_mem_peak,
		    (unsigned long long)l->jobs_submitted, (unsigned long long)l->jobs_completed,
		    (unsigned long long)l->jobs_failed, (unsigned long long)l->macs,
		    (unsigned long long)l->bytes_moved, (unsigned long long)l->mem_peak,
		    (unsigned long long)l->file_mem_peak);
	soak_assert(p, s->jobs_timed_out == l->jobs_timed_out && s->resets == l->resets,
		    "GET_STATS: %llu jobs timed out, %llu resets (before: %llu, %llu)",
		    (unsigned long long)s->jobs_timed_out, (unsigned long long)s->resets,
		    (unsigned long long)l->jobs_timed_out, (unsigned long long)l->resets);
	soak_assert(p, s->mem_peak >= s->mem_used,
		    "GET_STATS: device memory %llu bytes, peak %llu",
		    (unsigned long long)s->mem_used, (unsigned long long)s->mem_peak);
	/* Jobs are counted as submitted before they can end. */
	soak_assert(p, s->jobs_completed + s->jobs_failed <= s->jobs_submitted,
		    "GET_STATS: the device's jobs: %llu submitted, %llu completed, %llu failed",
		    (unsigned long long)s->jobs_submitted, (unsigned long long)s->jobs_completed,
		    (unsigned long long)s->jobs_failed);
	for (e = 0; e < DRM_AIACCEL_MAX_ENGINES; e++)
		soak_assert(p, s->engine_busy_ns[e] >= l->engine_busy_ns[e] &&
			    s->engine_cycles[e] >= l->engine_cycles[e] &&
			    s->file_engine_busy_ns[e] >= l->file_engine_busy_ns[e] &&
			    s->file_engine_cycles[e] >= l->file_engine_cycles[e],
			    "GET_STATS: engine %d's counters went back", e);
	p->last_stats = *s;
}

static int get_stats(int fd, struct drm_aiaccel_stats *s)
{
	struct drm_aiaccel_get_stats g = { .stats_ptr = (uintptr_t)s, .stats_size = sizeof(*s) };

	memset(s, 0, sizeof(*s));
	return xioctl(fd, DRM_IOCTL_AIACCEL_GET_STATS, &g);
}

static void step_stats(struct proc *p)
{
	struct drm_aiaccel_stats s;
	struct drm_aiaccel_get_stats g = { 0 };
	int ret;

	switch (rnd(p, 4)) {
	case 0:
		g.stats_ptr = (uintptr_t)&s;
		g.stats_size = sizeof(s);
		g.flags = 1u << rnd(p, 32);
		check(p, CALL_GET_STATS, "with flags",
		      xioctl(p->fd, DRM_IOCTL_AIACCEL_GET_STATS, &g), -EINVAL);
		return;
	case 1:
		g.stats_ptr = (uintptr_t)p->noaccess;
		g.stats_size = sizeof(s);
		check(p, CALL_GET_STATS, "to an unwritable pointer",
		      xioctl(p->fd, DRM_IOCTL_AIACCEL_GET_STATS, &g), -EFAULT);
		return;
	default:
		ret = get_stats(p->fd, &s);
		check(p, CALL_GET_STATS, "", ret, 0);
		check_stats(p, &s);
		return;
	}
}

static void step_power(struct proc *p)
{
	struct drm_aiaccel_power pw = { 0 };
	int ret;

	switch (rnd(p, 6)) {
	case 0:
		pw.flags = 1u << (1 + rnd(p, 31));
		check(p, CALL_POWER, "with an unknown flag",
		      xioctl(p->fd, DRM_IOCTL_AIACCEL_POWER, &pw), -EINVAL);
		return;
	case 1:
		/* One thing wrong at a time: only a privileged caller sees -EINVAL. */
		pw.flags = DRM_AIACCEL_POWER_SET;
		if (p->privileged) {
			pw.mode = DRM_AIACCEL_POWER_LOW + 1 + rnd(p, 1000);
			check(p, CALL_POWER, "SET of an unknown mode",
			      xioctl(p->fd, DRM_IOCTL_AIACCEL_POWER, &pw), -EINVAL);
		} else {
			pw.mode = DRM_AIACCEL_POWER_PERFORMANCE;
			check(p, CALL_POWER, "SET without CAP_SYS_ADMIN",
			      xioctl(p->fd, DRM_IOCTL_AIACCEL_POWER, &pw), -EPERM);
		}
		return;
	case 2:
		if (!p->privileged)
			break;
		/* LOW makes every job 8 times as slow: rarely. */
		pw.flags = DRM_AIACCEL_POWER_SET;
		pw.mode = chance(p, 15) ? DRM_AIACCEL_POWER_LOW :
			chance(p, 50) ? DRM_AIACCEL_POWER_PERFORMANCE : DRM_AIACCEL_POWER_AUTO;
		check(p, CALL_POWER, "SET", xioctl(p->fd, DRM_IOCTL_AIACCEL_POWER, &pw), 0);
		return;
	default:
		break;
	}
	ret = xioctl(p->fd, DRM_IOCTL_AIACCEL_POWER, &pw);
	check(p, CALL_POWER, "query", ret, 0);
	soak_assert(p, pw.mode <= DRM_AIACCEL_POWER_LOW && pw.powered <= 1 &&
		    pw.clock_mhz && pw.clock_mhz <= p->info.max_clock_mhz &&
		    (pw.mode == DRM_AIACCEL_POWER_LOW || pw.clock_mhz == p->info.max_clock_mhz) &&
		    pw.active_ns >= p->last_power.active_ns &&
		    pw.suspended_ns >= p->last_power.suspended_ns,
		    "POWER: mode %u, clock %u MHz (max %u), powered %u, active %llu ns (was %llu), "
		    "suspended %llu ns (was %llu)", pw.mode, pw.clock_mhz, p->info.max_clock_mhz,
		    pw.powered, (unsigned long long)pw.active_ns,
		    (unsigned long long)p->last_power.active_ns,
		    (unsigned long long)pw.suspended_ns,
		    (unsigned long long)p->last_power.suspended_ns);
	p->last_power = pw;
}

/* Syncobjs of the file's own, signalled from userspace; invalid handles. */
static void step_syncobj(struct proc *p)
{
	struct user_sync *u = &p->usyncs[rnd(p, MAX_USER_SYNCS)];
	uint32_t bad = 0x10000 + rnd(p, 0x10000);
	uint64_t point;
	int ret, sf;

	if (!u->handle) {
		uint32_t flags = chance(p, 50) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0;

		if (chance(p, 15)) {
			ret = drmSyncobjCreate(p->fd, 1u << (1 + rnd(p, 31)), &u->handle) ? -errno : 0;
			check(p, CALL_SYNCOBJ_CREATE, "with an unknown flag", ret, -EINVAL);
			u->handle = 0;
			return;
		}
		ret = drmSyncobjCreate(p->fd, flags, &u->handle) ? -errno : 0;
		check(p, CALL_SYNCOBJ_CREATE, "", ret, 0);
		u->timeline = !flags && chance(p, 50);
		u->has_fence = flags;
		u->point = 0;
		return;
	}
	switch (rnd(p, 9)) {
	case 0:
		check(p, CALL_SYNCOBJ_DESTROY, "", drmSyncobjDestroy(p->fd, u->handle) ? -errno : 0, 0);
		memset(u, 0, sizeof(*u));
		return;
	case 1:
		check(p, CALL_SYNCOBJ_DESTROY, "of an unknown handle",
		      drmSyncobjDestroy(p->fd, bad) ? -errno : 0, -EINVAL);
		return;
	case 2:
		ret = aiaccel_syncobj_wait(p->fd, bad, 0, 0);
		check(p, CALL_SYNCOBJ_WAIT, "of an unknown handle", ret, -ENOENT);
		ret = drmSyncobjSignal(p->fd, &bad, 1) ? -errno : 0;
		check(p, CALL_SYNCOBJ_OP, "signal of an unknown handle", ret, -ENOENT);
		return;
	default:
		break;
	}
	if (!u->timeline) {
		switch (rnd(p, 4)) {
		case 0:
			ret = drmSyncobjSignal(p->fd, &u->handle, 1) ? -errno : 0;
			check(p, CALL_SYNCOBJ_OP, "signal", ret, 0);
			u->has_fence = true;
			break;
		case 1:
			ret = drmSyncobjReset(p->fd, &u->handle, 1) ? -errno : 0;
			check(p, CALL_SYNCOBJ_OP, "reset", ret, 0);
			u->has_fence = false;
			break;
		case 2:
			/* Through a sync_file into another syncobj. */
			if (!u->has_fence)
				break;
			ret = drmSyncobjExportSyncFile(p->fd, u->handle, &sf) ? -errno : 0;
			check(p, CALL_SYNCOBJ_OP, "export sync_file", ret, 0);
			{
				uint32_t other = aiaccel_syncobj(p->fd);

				ret = drmSyncobjImportSyncFile(p->fd, other, sf) ? -errno : 0;
				check(p, CALL_SYNCOBJ_OP, "import sync_file", ret, 0);
				soak_assert(p, aiaccel_syncobj_signaled(p->fd, other, 0),
					    "a signalled syncobj's sync_file is not signalled");
				drmSyncobjDestroy(p->fd, other);
			}
			close(sf);
			break;
		default:
			break;
		}
		/* Without a fence a wait is -EINVAL, or -ETIME waiting for submit. */
		ret = aiaccel_syncobj_wait(p->fd, u->handle, 0, 0);
		if (u->has_fence) {
			check(p, CALL_SYNCOBJ_WAIT, "of a signalled syncobj", ret, 0);
		} else {
			check(p, CALL_SYNCOBJ_WAIT, "for submit of an empty syncobj", ret, -ETIME);
			ret = drmSyncobjWait(p->fd, &u->handle, 1, 0, 0, NULL) ? -errno : 0;
			check(p, CALL_SYNCOBJ_WAIT, "of an empty syncobj", ret, -EINVAL);
		}
		return;
	}
	switch (rnd(p, 3)) {
	case 0:
		point = u->point + 1 + rnd(p, 5);
		ret = drmSyncobjTimelineSignal(p->fd, &u->handle, &point, 1) ? -errno : 0;
		check(p, CALL_SYNCOBJ_OP, "timeline signal", ret, 0);
		u->point = point;
		break;
	case 1:
		if (!u->point)
			break;
		/* A point of ours onto the timeline, through transfer. */
		point = u->point + 1;
		ret = drmSyncobjTransfer(p->fd, u->handle, point, u->handle, u->point, 0) ? -errno : 0;
		check(p, CALL_SYNCOBJ_OP, "transfer", ret, 0);
		u->point = point;
		break;
	default:
		break;
	}
	ret = drmSyncobjQuery(p->fd, &u->handle, &point, 1) ? -errno : 0;
	check(p, CALL_SYNCOBJ_OP, "query", ret, 0);
	soak_assert(p, point == u->point, "timeline at %llu, signalled up to %llu",
		    (unsigned long long)point, (unsigned long long)u->point);
	ret = aiaccel_syncobj_wait(p->fd, u->handle, u->point + 1, 0);
	check(p, CALL_SYNCOBJ_WAIT, "for a point not submitted", ret, -ETIME);
}

/* A second file of the device: none of the first file's handles or offsets. */
static void step_other_file(struct proc *p)
{
	int fd2 = aiaccel_open(0), bi = pick_buf(p, false), ret;
	struct drm_aiaccel_bo_info info = { .handle = bi >= 0 ? p->bufs[bi].handle : 1 };
	struct drm_aiaccel_stats s;
	uint32_t handle;

	ret = xioctl(fd2, DRM_IOCTL_AIACCEL_BO_INFO, &info);
	check(p, CALL_BO_INFO, "of another file's handle", ret, -ENOENT);
	if (bi >= 0) {
		void *m = mmap(NULL, p->bufs[bi].size, PROT_READ, MAP_SHARED, fd2,
			       p->bufs[bi].mmap_offset);

		ret = m == MAP_FAILED ? -errno : 0;
		if (!ret)
			munmap(m, p->bufs[bi].size);
		check(p, CALL_MMAP, "of another file's buffer", ret, -EACCES);
	}
	ret = get_stats(fd2, &s);
	check(p, CALL_GET_STATS, "of a new file", ret, 0);
	soak_assert(p, !s.file_jobs_submitted && !s.file_mem_used && !s.file_mem_peak,
		    "a new file's counters are not zero");
	/* The shared buffer, in this file too: a new handle, not charged again. */
	ret = aiaccel_prime_import(fd2, p->sh->dmabuf[0], &handle);
	check(p, CALL_PRIME_FD_TO_HANDLE, "into a second file", ret, 0);
	ret = get_stats(fd2, &s);
	check(p, CALL_GET_STATS, "of the second file", ret, 0);
	soak_assert(p, s.file_mem_used == SHARED_SIZE, "second file holds %llu bytes",
		    (unsigned long long)s.file_mem_used);
	close(fd2);
}

/* --- A process ------------------------------------------------------------- */

static void drop_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	int caps[] = { CAP_SYS_NICE, CAP_SYS_ADMIN };
	unsigned int i;

	igt_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		data[CAP_TO_INDEX(caps[i])].effective &= ~CAP_TO_MASK(caps[i]);
		data[CAP_TO_INDEX(caps[i])].permitted &= ~CAP_TO_MASK(caps[i]);
	}
	igt_assert_eq(syscall(SYS_capset, &hdr, data), 0);
}

static bool has_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	igt_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	return data[CAP_TO_INDEX(CAP_SYS_NICE)].effective & CAP_TO_MASK(CAP_SYS_NICE) &&
	       data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN);
}

static void step(struct proc *p)
{
	static const struct {
		const char *name;
		void (*fn)(struct proc *p);
		unsigned int weight;
	} steps[] = {
		{ "submit", step_submit, 26 },
		{ "retire", step_retire, 12 },
		{ "submit-invalid", step_submit_invalid, 8 },
		{ "bo-create", step_bo_create, 8 },
		{ "userptr", step_userptr, 3 },
		{ "close", step_close, 5 },
		{ "bo-info", step_bo_info, 4 },
		{ "map", step_map, 5 },
		{ "cpu-write", step_cpu_write, 7 },
		{ "verify", step_verify, 7 },
		{ "prime", step_prime, 4 },
		{ "syncobj", step_syncobj, 5 },
		{ "info", step_info, 2 },
		{ "stats", step_stats, 3 },
		{ "power", step_power, 2 },
		{ "gate", step_gate, 1 },
		{ "other-file", step_other_file, 1 },
	};
	unsigned int total = 0, r, i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		total += steps[i].weight;
	r = rnd(p, total);
	for (i = 0; r >= steps[i].weight; i++)
		r -= steps[i].weight;
	p->op = steps[i].name;
	steps[i].fn(p);
	events_read(p, 0);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static void soak_process(int idx, uint64_t seed, uint64_t steps, uint64_t seconds,
			 const struct shared *sh)
{
	struct proc *p = calloc(1, sizeof(*p));
	struct drm_aiaccel_stats s;
	int64_t start = now_ns(), end = start + (int64_t)seconds * SEC;
	uint64_t n;
	int i;

	igt_assert(p);
	p->idx = idx;
	p->seed = seed;
	p->op = "setup";
	aiaccel_rng_seed(&p->rng, seed ^ ((uint64_t)idx << 40));
	p->sh = sh;
	/* The last process runs without CAP_SYS_NICE and CAP_SYS_ADMIN. */
	if (idx == 3)
		drop_caps();
	p->privileged = has_caps();
	p->fd = aiaccel_open(0);
	igt_assert_eq(aiaccel_get_info(p->fd, &p->info), 0);
	p->noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(p->noaccess != MAP_FAILED);
	aiaccel_buf_new(p->fd, (MAX_JOBS + 1) * CS_SLOT, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &p->cs);
	/* The probe slot: a NOP, for the invalid SUBMITs. */
	*(struct aiaccel_op_header *)((uint8_t *)p->cs.map + CS_PROBE_SLOT * CS_SLOT) =
		(struct aiaccel_op_header){ .opcode = AIACCEL_OP_NOP,
					    .size = sizeof(struct aiaccel_op_nop) };
	p->timeline = aiaccel_syncobj(p->fd);
	for (i = 0; i < 2; i++) {
		p->sh_shadow[i] = calloc(1, SHARED_SIZE);
		igt_assert(p->sh_shadow[i]);
		aiaccel_pattern_fill(p->sh_shadow[i], SHARED_CONST, SHARED_PATTERN + i);
		import_shared(p, i);
	}
	igt_assert_eq(get_stats(p->fd, &p->last_stats), 0);
	check_stats(p, &p->last_stats);

	for (n = 0; seconds ? now_ns() < end : n < steps; n++) {
		p->step = n;
		step(p);
	}

	/* Drain: every job retired, every buffer checked, counters exact. */
	p->op = "drain";
	retire_all(p);
	events_read(p, 0);
	soak_assert(p, aiaccel_no_event(p->fd, 0), "an event after the last job was retired");
	for (i = 0; i < MAX_BUFS; i++)
		if (p->bufs[i].used && (p->bufs[i].handle || p->bufs[i].map))
			buf_verify(p, &p->bufs[i], "at the end");
	igt_assert_eq(get_stats(p->fd, &s), 0);
	check_stats(p, &s);
	soak_assert(p, s.file_jobs_completed == p->completed && s.file_jobs_failed == p->failed,
		    "GET_STATS: the file's jobs ended %llu completed, %llu failed; expected %llu, %llu",
		    (unsigned long long)s.file_jobs_completed, (unsigned long long)s.file_jobs_failed,
		    (unsigned long long)p->completed, (unsigned long long)p->failed);
	for (i = 0; i < MAX_BUFS; i++) {
		struct sbuf *b = &p->bufs[i];

		if (!b->used)
			continue;
		if (b->handle)
			check(p, CALL_GEM_CLOSE, "at the end", aiaccel_gem_close(p->fd, b->handle), 0);
		if (b->map)
			munmap(b->map, b->map_len);
		b->handle = 0;
		b->map = NULL;
		buf_release(b);
	}
	aiaccel_buf_free(p->fd, &p->cs);
	for (i = 0; i < MAX_USER_SYNCS; i++)
		if (p->usyncs[i].handle)
			drmSyncobjDestroy(p->fd, p->usyncs[i].handle);
	drmSyncobjDestroy(p->fd, p->timeline);
	igt_assert_eq(get_stats(p->fd, &s), 0);
	soak_assert(p, s.file_mem_used == 0, "the file still holds %llu bytes with no handles",
		    (unsigned long long)s.file_mem_used);
	close(p->fd);

	sh->res[idx] = (struct result){
		.submitted = p->submitted, .completed = p->completed, .failed = p->failed,
		.steps = n, .calls = p->calls, .failing_calls = p->failing_calls,
		.failing_jobs = p->failing_jobs, .seconds = (now_ns() - start) / 1e9, .done = 1,
	};
	igt_info("process %d: %llu steps in %.1f s, %llu checked calls (%llu failing as "
		 "expected), %llu jobs (%llu failed as expected)\n", idx, (unsigned long long)n,
		 sh->res[idx].seconds, (unsigned long long)p->calls,
		 (unsigned long long)p->failing_calls, (unsigned long long)p->submitted,
		 (unsigned long long)p->failed);
	for (i = 0; i < 2; i++)
		free(p->sh_shadow[i]);
	munmap(p->noaccess, 4096);
	free(p);
}

/* GET_INFO's mem_used reaches @want within 10 s (buffers are freed once their jobs are). */
static uint64_t mem_used_settles(int fd, uint64_t want)
{
	int64_t end = aiaccel_deadline(10 * SEC);
	uint64_t used;

	while ((used = aiaccel_mem_used(fd)) != want && now_ns() < end)
		usleep(10000);
	return used;
}

static void soak(void)
{
	uint64_t seed = env_u64("AIACCEL_SOAK_SEED", SOAK_SEED);
	uint64_t steps = env_u64("AIACCEL_SOAK_STEPS", SOAK_STEPS);
	uint64_t seconds = env_u64("AIACCEL_SOAK_SECONDS", 0);
	int nprocs = env_u64("AIACCEL_SOAK_PROCS", SOAK_PROCS);
	struct drm_aiaccel_stats before, after;
	struct drm_aiaccel_power power = { 0 };
	struct aiaccel_vgem_bo vbo;
	struct aiaccel_buf sbuf;
	struct shared sh;
	uint64_t start_used, sum[3] = { 0 };
	long missed;
	int fd, vfd, i;

	igt_require_f(nprocs >= 1 && nprocs <= SOAK_MAX_PROCS, "AIACCEL_SOAK_PROCS: 1..%d\n",
		      SOAK_MAX_PROCS);
	igt_info("seed %#llx (AIACCEL_SOAK_SEED), %d processes (AIACCEL_SOAK_PROCS), "
		 "%llu %s each\n", (unsigned long long)seed, nprocs,
		 (unsigned long long)(seconds ? seconds : steps),
		 seconds ? "seconds (AIACCEL_SOAK_SECONDS)" : "steps (AIACCEL_SOAK_STEPS)");

	fd = aiaccel_open(0);
	vfd = aiaccel_vgem_open();
	igt_assert_eq(xioctl(fd, DRM_IOCTL_AIACCEL_POWER, &power), 0);
	start_used = aiaccel_mem_used(fd);
	igt_assert_eq(get_stats(fd, &before), 0);
	missed = aiaccel_missed_interrupts(fd);
	if (missed < 0)
		igt_info("debugfs rings unreadable: lost interrupts go unnoticed\n");

	/* The shared buffers: constant part filled, the processes' regions zero. */
	aiaccel_buf_new(fd, SHARED_SIZE, 0, &sbuf);
	aiaccel_pattern_fill(sbuf.map, SHARED_CONST, SHARED_PATTERN);
	aiaccel_vgem_bo_new(vfd, SHARED_SIZE, &vbo);
	igt_assert_eq_u64(vbo.size, SHARED_SIZE);
	aiaccel_pattern_fill(vbo.map, SHARED_CONST, SHARED_PATTERN + 1);
	sh.dmabuf[0] = aiaccel_prime_export(fd, sbuf.handle, DRM_CLOEXEC | DRM_RDWR);
	igt_assert_fd(sh.dmabuf[0]);
	igt_assert_eq(drmPrimeHandleToFD(vfd, vbo.handle, DRM_CLOEXEC | DRM_RDWR, &sh.dmabuf[1]), 0);
	sh.res = mmap(NULL, sizeof(*sh.res) * SOAK_MAX_PROCS, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(sh.res != MAP_FAILED);
	memset(sh.res, 0, sizeof(*sh.res) * SOAK_MAX_PROCS);

	igt_fork(child, nprocs)
		soak_process(child, seed, steps, seconds, &sh);
	igt_waitchildren();

	for (i = 0; i < nprocs; i++) {
		igt_assert_f(sh.res[i].done, "process %d did not finish\n", i);
		sum[0] += sh.res[i].submitted;
		sum[1] += sh.res[i].completed;
		sum[2] += sh.res[i].failed;
	}
	/* The constant parts of the shared buffers: nobody wrote them. */
	aiaccel_pattern_check(sbuf.map, SHARED_CONST, SHARED_PATTERN);
	aiaccel_pattern_check(vbo.map, SHARED_CONST, SHARED_PATTERN + 1);

	/* The device's counters moved by the processes' jobs, no more. */
	igt_assert_eq(get_stats(fd, &after), 0);
	igt_assert_eq_u64(after.jobs_submitted - before.jobs_submitted, sum[0]);
	igt_assert_eq_u64(after.jobs_completed - before.jobs_completed, sum[1]);
	igt_assert_eq_u64(after.jobs_failed - before.jobs_failed, sum[2]);
	igt_assert_eq_u64(after.jobs_timed_out, before.jobs_timed_out);
	igt_assert_eq_u64(after.resets, before.resets);
	if (missed >= 0) {
		long now = aiaccel_missed_interrupts(fd);

		igt_assert_f(now == missed, "interrupts missed: %ld before, %ld after "
			     "(debugfs rings)\n", missed, now);
	}

	/* Memory: back to the start once the shared buffer goes too. */
	igt_assert_eq_u64(mem_used_settles(fd, start_used + SHARED_SIZE), start_used + SHARED_SIZE);
	close(sh.dmabuf[0]);
	close(sh.dmabuf[1]);
	aiaccel_buf_free(fd, &sbuf);
	aiaccel_vgem_bo_free(vfd, &vbo);
	igt_assert_eq_u64(mem_used_settles(fd, start_used), start_used);

	power.flags = DRM_AIACCEL_POWER_SET;
	igt_assert_eq(xioctl(fd, DRM_IOCTL_AIACCEL_POWER, &power), 0);
	igt_info("%d processes: %llu jobs (%llu failed as expected)\n", nprocs,
		 (unsigned long long)sum[0], (unsigned long long)sum[2]);
	munmap(sh.res, sizeof(*sh.res) * SOAK_MAX_PROCS);
	close(vfd);
	close(fd);
}

int igt_main()
{
	igt_describe("Seeded random sequences of valid and invalid ioctls, jobs and CPU "
		     "accesses from several processes sharing buffers, every errno, job "
		     "status, buffer byte and counter checked against the uAPI's contract.");
	igt_subtest("random-ioctls")
		soak();
}
