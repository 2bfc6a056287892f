// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim: the compute engines.
 *
 * One kthread per engine consumes its ring: fetch the entry by DMA address,
 * run the command stream op by op (each op fetched through the MMU and
 * executed by aiaccel_sim_ops.c, which streams the op's tensors through
 * the MMU and the engine's fixed local memory, tile by tile), retire the
 * entry and raise interrupts as Documentation/accel/aiaccel/hardware.rst
 * says.  At every work-unit boundary inside an op the engine counts
 * progress, stretches time for a slow clock and gives up the op if it was
 * aborted or its watchdog fired.  Register state lives in struct
 * aiaccel_sim under sim->lock; the thread holds the lock only to look at
 * or update registers, never while touching memory.
 */

#include <linux/bitfield.h>
#include <linux/container_of.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include "aiaccel_sim.h"
#include "aiaccel_sim_ops.h"

/* Stretch a slow engine's time by sleeps of at least this long. */
#define SIM_STRETCH_MIN_US	1000
/* ... and at most this long, looking at the watchdog in between. */
#define SIM_STRETCH_MAX_US	10000

/* What the thread saw of its queue when it picked up an entry. */
struct sim_job {
	u32 generation;
	u64 entry_addr;
	u32 watchdog_ms;
	ktime_t start;
	struct aiaccel_ring_entry entry;
	u64 cycles;
	u32 op_index;
};

static bool sim_ring_config_ok(const struct aiaccel_sim_queue *q)
{
	return q->ring_size >= AIACCEL_RING_SIZE_MIN &&
	       q->ring_size <= AIACCEL_RING_SIZE_MAX &&
	       is_power_of_2(q->ring_size) &&
	       q->ring_base && IS_ALIGNED(q->ring_base, 64) &&
	       q->tail - q->head <= q->ring_size;
}

/*
 * Under sim->lock: is there an entry to execute?  Flags a bad ring
 * configuration once, as GLOBAL_ERROR.
 */
static bool sim_queue_runnable(struct aiaccel_sim *sim, struct aiaccel_sim_queue *q)
{
	if (!aiaccel_sim_powered(sim) || !(q->ctrl & AIACCEL_Q_CTRL_ENABLE) ||
	    q->err_status || q->bad_config || q->head == q->tail)
		return false;
	if (!sim_ring_config_ok(q)) {
		q->bad_config = true;
		sim->global_error |= AIACCEL_GERR_BAD_RING_CONFIG;
		sim->irq_status |= AIACCEL_IRQ_GLOBAL_ERROR;
		aiaccel_sim_update_irq(sim);
		return false;
	}
	return true;
}

static bool sim_job_aborted(struct aiaccel_sim_engine *eng, const struct sim_job *job)
{
	return READ_ONCE(eng->generation) != job->generation || kthread_should_stop();
}

static bool sim_job_overdue(const struct sim_job *job)
{
	return job->watchdog_ms &&
	       ktime_ms_delta(ktime_get(), job->start) >= job->watchdog_ms;
}

/*
 * Map an error of the memory or op layer to a job error code; an aborted
 * op (-ECANCELED) is not an error: sim_run_job() sees the abort.
 */
static u32 sim_job_error(int err)
{
	switch (err) {
	case 0:
	case -ECANCELED:
		return 0;
	case -EFAULT:
		return AIACCEL_ERR_MMU_FAULT;
	case -EIO:
		return AIACCEL_ERR_BUS;
	case -ETIMEDOUT:
		return AIACCEL_ERR_WATCHDOG;
	default:
		return AIACCEL_ERR_INVALID_OP;
	}
}

static void sim_add_cost(struct aiaccel_sim *sim, const struct aiaccel_sim_cost *cost)
{
	guard(spinlock_irqsave)(&sim->lock);
	sim->perf_cycles += cost->cycles;
	sim->perf_macs += cost->macs;
	sim->perf_bytes += cost->bytes;
}

/**
 * struct sim_port - The memory and progress of an op an engine executes.
 * @port: What aiaccel_sim_op_run() calls.
 * @eng: The engine.
 * @job: The job the op belongs to.
 * @root: The job's page-table root.
 * @t: The op's tensors.
 * @factor: How many times slower than full speed the engine runs.
 * @mark: When the current work unit started.
 * @debt_us: Time a slower clock still owes, in microseconds.
 */
struct sim_port {
	struct aiaccel_sim_port port;
	struct aiaccel_sim_engine *eng;
	struct sim_job *job;
	u64 root;
	struct aiaccel_sim_tensor t[AIACCEL_SIM_OP_MAX_TENSORS];
	u32 factor;
	ktime_t mark;
	s64 debt_us;
};

static struct sim_port *to_sim_port(struct aiaccel_sim_port *port)
{
	return container_of(port, struct sim_port, port);
}

static int sim_port_probe(struct aiaccel_sim_port *port, unsigned int t,
			  u64 off, u64 len)
{
	struct sim_port *p = to_sim_port(port);
	u64 fault_va;

	return aiaccel_sim_va_probe(p->eng, p->root, p->t[t].va + off, len,
				    p->t[t].is_write, &fault_va);
}

static int sim_port_read(struct aiaccel_sim_port *port, unsigned int t,
			 u64 off, void *buf, size_t len)
{
	struct sim_port *p = to_sim_port(port);
	u64 fault_va;

	return aiaccel_sim_va_read(p->eng, p->root, p->t[t].va + off, buf, len,
				   &fault_va);
}

static int sim_port_write(struct aiaccel_sim_port *port, unsigned int t,
			  u64 off, const void *buf, size_t len)
{
	struct sim_port *p = to_sim_port(port);
	u64 fault_va;

	return aiaccel_sim_va_write(p->eng, p->root, p->t[t].va + off, buf, len,
				    &fault_va);
}

/* 0, or why the job must stop: -ECANCELED aborted, -ETIMEDOUT watchdog. */
static int sim_job_check(struct aiaccel_sim_engine *eng, const struct sim_job *job)
{
	if (sim_job_aborted(eng, job))
		return -ECANCELED;
	if (sim_job_overdue(job))
		return -ETIMEDOUT;
	return 0;
}

/* Under sim->lock: how many times slower than full speed engines run. */
static u32 sim_slowdown(struct aiaccel_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	return (1U << (AIACCEL_SIM_CLOCK_LEVELS - 1 - sim->clock_level)) *
	       atomic_read(&sim->hooks.clock_divider);
}

/* Sleep off the time a slower clock owes, unless the job must stop. */
static int sim_stretch(struct sim_port *p)
{
	struct aiaccel_sim_engine *eng = p->eng;
	s64 step;
	int ret;

	while (p->debt_us > 0) {
		ret = sim_job_check(eng, p->job);
		if (ret)
			return ret;
		step = min_t(s64, p->debt_us, SIM_STRETCH_MAX_US);
		wait_event_interruptible_hrtimeout(eng->wq,
						   sim_job_aborted(eng, p->job),
						   us_to_ktime(step));
		p->debt_us -= step;
	}
	return 0;
}

/*
 * A work unit of the op retired.  A slower clock stretches it: it takes
 * 2^(top - level) times as long as it did at full speed, and
 * clock_divider times that (as the clock was when the unit started); what
 * is owed is slept off once it reaches SIM_STRETCH_MIN_US and at the end
 * of the op, so Q_PROGRESS moves at the slower pace all through a long
 * op.  Then give up if the job is overdue or was abandoned, or count the
 * unit in Q_PROGRESS.
 */
static int sim_port_unit(struct aiaccel_sim_port *port, bool last)
{
	struct sim_port *p = to_sim_port(port);
	struct aiaccel_sim_engine *eng = p->eng;
	struct aiaccel_sim *sim = eng->sim;
	struct sim_job *job = p->job;
	ktime_t now = ktime_get();
	int ret;

	if (p->factor > 1) {
		p->debt_us += ktime_us_delta(now, p->mark) * (p->factor - 1);
		if (p->debt_us >= SIM_STRETCH_MIN_US || last) {
			ret = sim_stretch(p);
			if (ret)
				return ret;
			now = ktime_get();
		}
	}
	if (job->watchdog_ms && ktime_ms_delta(now, job->start) >= job->watchdog_ms)
		return -ETIMEDOUT;
	scoped_guard(spinlock_irqsave, &sim->lock) {
		/* A reset may have come since: its Q_PROGRESS is 0. */
		if (eng->generation != job->generation)
			return -ECANCELED;
		sim->queues[eng->index].progress++;
		p->factor = sim_slowdown(sim);
	}
	/* Time spent letting others run is not the engine's. */
	if (cond_resched())
		now = ktime_get();
	p->mark = now;
	return 0;
}

/*
 * Take a DMA channel for a copy, waiting while all are busy, but not
 * past an abort or the watchdog.
 */
static int sim_dma_channel_get(struct aiaccel_sim_engine *eng, struct sim_job *job)
{
	int ret;

	while (down_timeout(&eng->sim->dma_channels, 1)) {
		ret = sim_job_check(eng, job);
		if (ret)
			return ret;
	}
	return 0;
}

/* Execute one op at @va; returns 0 or a job error code. */
static u32 sim_run_op(struct aiaccel_sim_engine *eng, struct sim_job *job, u64 va,
		      u32 remaining, u32 *op_size)
{
	struct aiaccel_sim *sim = eng->sim;
	struct sim_port p = {
		.port = {
			.probe = sim_port_probe,
			.read = sim_port_read,
			.write = sim_port_write,
			.unit = sim_port_unit,
		},
		.eng = eng,
		.job = job,
		.root = le64_to_cpu(job->entry.pt_root),
		.mark = ktime_get(),
	};
	struct aiaccel_sim_cost cost;
	union aiaccel_sim_op op;
	unsigned int size;
	u64 fault_va;
	int ret;

	ret = aiaccel_sim_va_read(eng, p.root, va, &op.hdr, sizeof(op.hdr), &fault_va);
	if (ret)
		return sim_job_error(ret);
	size = aiaccel_sim_op_size(op.hdr.opcode);
	if (!size || op.hdr.size != size || size > remaining)
		return AIACCEL_ERR_INVALID_OP;
	ret = aiaccel_sim_va_read(eng, p.root, va, &op, size, &fault_va);
	if (ret)
		return sim_job_error(ret);
	if (aiaccel_sim_op_tensors(&op.hdr, p.t, ARRAY_SIZE(p.t)) < 0)
		return AIACCEL_ERR_INVALID_OP;
	*op_size = size;
	scoped_guard(spinlock_irqsave, &sim->lock)
		p.factor = sim_slowdown(sim);

	if (op.hdr.opcode == AIACCEL_OP_DMA_COPY) {
		/* Bulk copies share the device's DMA channels. */
		ret = sim_dma_channel_get(eng, job);
		if (ret)
			return sim_job_error(ret);
		ret = aiaccel_sim_op_run(&op.hdr, &p.port, eng->sram, AIACCEL_SIM_SRAM_SIZE);
		up(&sim->dma_channels);
	} else {
		ret = aiaccel_sim_op_run(&op.hdr, &p.port, eng->sram, AIACCEL_SIM_SRAM_SIZE);
	}
	if (ret)
		return sim_job_error(ret);

	aiaccel_sim_op_cost(&op.hdr, &cost);
	job->cycles += cost.cycles;
	sim_add_cost(sim, &cost);
	return 0;
}

/* The hang hook: make no progress until abandoned or the watchdog fires. */
static u32 sim_hang(struct aiaccel_sim_engine *eng, struct sim_job *job)
{
	for (;;) {
		long timeout = MAX_SCHEDULE_TIMEOUT;

		if (job->watchdog_ms)
			timeout = msecs_to_jiffies(job->watchdog_ms) / 4 + 1;
		wait_event_interruptible_timeout(eng->wq, sim_job_aborted(eng, job), timeout);
		if (sim_job_aborted(eng, job))
			return 0;
		if (sim_job_overdue(job))
			return AIACCEL_ERR_WATCHDOG;
	}
}

static bool sim_entry_ok(const struct aiaccel_ring_entry *e)
{
	u32 cs_size = le32_to_cpu(e->cs_size);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(e->reserved); i++)
		if (e->reserved[i])
			return false;
	return !e->reserved0 && !(le32_to_cpu(e->flags) & ~AIACCEL_RING_ENTRY_IRQ) &&
	       IS_ALIGNED(le64_to_cpu(e->pt_root), AIACCEL_PAGE_SIZE) &&
	       IS_ALIGNED(le64_to_cpu(e->cs_addr), 8) &&
	       IS_ALIGNED(cs_size, 8) && cs_size <= AIACCEL_SIM_MAX_CS_SIZE;
}

/* Run a job's command stream; returns 0 or a job error code. */
static u32 sim_run_job(struct aiaccel_sim_engine *eng, struct sim_job *job)
{
	struct aiaccel_sim *sim = eng->sim;
	u64 cs = le64_to_cpu(job->entry.cs_addr);
	u32 cs_size = le32_to_cpu(job->entry.cs_size);
	u32 off = 0, size;
	u32 err;

	if (!sim_entry_ok(&job->entry))
		return AIACCEL_ERR_BAD_ENTRY;
	if (atomic_add_unless(&sim->hooks.error_next_job, -1, 0))
		return AIACCEL_ERR_INJECTED;
	if (atomic_add_unless(&sim->hooks.hang_next_job, -1, 0))
		return sim_hang(eng, job);

	while (off < cs_size) {
		if (sim_job_aborted(eng, job))
			return 0;
		if (sim_job_overdue(job))
			return AIACCEL_ERR_WATCHDOG;
		err = sim_run_op(eng, job, cs + off, cs_size - off, &size);
		if (err)
			return err;
		off += size;
		job->op_index++;
		cond_resched();
	}
	return 0;
}

static u32 sim_err_status(const struct sim_job *job, u32 err)
{
	if (!err)
		return 0;
	return FIELD_PREP(AIACCEL_Q_ERR_CODE, err) |
	       FIELD_PREP(AIACCEL_Q_ERR_OP_INDEX, min(job->op_index, 0xffffU));
}

/* Write the job's result into its ring entry, before it is retired. */
static void sim_writeback(struct aiaccel_sim_engine *eng, struct sim_job *job, u32 err)
{
	struct {
		__le64 cycles;
		__le32 status;
		__le32 pad;
	} wb = {
		.cycles = cpu_to_le64(job->cycles),
		.status = cpu_to_le32(sim_err_status(job, err)),
	};

	aiaccel_sim_dma_write(eng->sim, job->entry_addr +
			      offsetof(struct aiaccel_ring_entry, wb_cycles), &wb, sizeof(wb));
}

/* Under sim->lock: retire the entry, latch an error, raise interrupts. */
static void sim_retire(struct aiaccel_sim_engine *eng, struct sim_job *job, u32 err)
{
	struct aiaccel_sim *sim = eng->sim;
	struct aiaccel_sim_queue *q = &sim->queues[eng->index];
	u32 seqno = le32_to_cpu(job->entry.seqno);

	if (err) {
		q->err_status = sim_err_status(job, err);
		q->err_seqno = seqno;
		sim->irq_status |= AIACCEL_IRQ_QUEUE_ERROR(eng->index);
	}
	q->done_seqno = seqno;
	q->head++;
	q->jobs_done++;
	q->busy_cycles += job->cycles;
	sim->perf_jobs++;
	if (le32_to_cpu(job->entry.flags) & AIACCEL_RING_ENTRY_IRQ)
		sim->irq_status |= AIACCEL_IRQ_QUEUE_DONE(eng->index);
	aiaccel_sim_update_irq(sim);
}

static int sim_engine_thread(void *data)
{
	struct aiaccel_sim_engine *eng = data;
	struct aiaccel_sim *sim = eng->sim;
	struct aiaccel_sim_queue *q = &sim->queues[eng->index];

	while (!kthread_should_stop()) {
		struct sim_job job = {};
		bool have_job = false;
		u32 err;

		wait_event_interruptible(eng->wq, READ_ONCE(eng->kick) || kthread_should_stop());
		if (kthread_should_stop())
			break;

		scoped_guard(spinlock_irqsave, &sim->lock) {
			eng->kick = false;
			if (sim_queue_runnable(sim, q)) {
				have_job = true;
				eng->active = true;
				job.generation = eng->generation;
				job.watchdog_ms = q->watchdog_ms;
				job.entry_addr = q->ring_base +
					(u64)(q->head & (q->ring_size - 1)) * sizeof(job.entry);
			}
		}
		if (!have_job)
			continue;

		job.start = ktime_get();
		if (aiaccel_sim_dma_read(sim, job.entry_addr, &job.entry, sizeof(job.entry)))
			err = AIACCEL_ERR_BUS;
		else
			err = sim_run_job(eng, &job);
		if (READ_ONCE(eng->generation) == job.generation)
			sim_writeback(eng, &job, err);

		scoped_guard(spinlock_irqsave, &sim->lock) {
			eng->active = false;
			if (eng->generation == job.generation)
				sim_retire(eng, &job, err);
			/* Look for the next entry without waiting for a doorbell. */
			eng->kick = true;
		}
	}
	return 0;
}

/**
 * aiaccel_sim_engine_kick() - A doorbell: make engine @q look at its ring.
 * @sim: The chip.
 * @q: Engine.
 *
 * Called with sim->lock held.
 */
void aiaccel_sim_engine_kick(struct aiaccel_sim *sim, unsigned int q)
{
	struct aiaccel_sim_engine *eng = &sim->engines[q];

	lockdep_assert_held(&sim->lock);
	eng->kick = true;
	wake_up(&eng->wq);
}

/**
 * aiaccel_sim_engine_abort() - Abandon engine @q's running job, if any.
 * @sim: The chip.
 * @q: Engine.
 *
 * The job is not retired; its thread notices at the next work-unit
 * boundary (or at once if stuck or stretching a slow clock's time) and
 * goes back to waiting.  Called with sim->lock held, by reset and
 * power-off.
 */
void aiaccel_sim_engine_abort(struct aiaccel_sim *sim, unsigned int q)
{
	struct aiaccel_sim_engine *eng = &sim->engines[q];

	lockdep_assert_held(&sim->lock);
	WRITE_ONCE(eng->generation, eng->generation + 1);
	wake_up(&eng->wq);
}

/**
 * aiaccel_sim_start() - Start the engines of a chip.
 * @sim: The chip, initialised by aiaccel_sim_init().
 *
 * Each engine gets its local memory, the only memory it allocates to
 * execute jobs, whatever they do.
 *
 * Return: 0 or a negative errno from allocation or kthread creation.
 */
int aiaccel_sim_start(struct aiaccel_sim *sim)
{
	unsigned int i;

	sema_init(&sim->dma_channels, sim->cfg.num_dma_channels);
	for (i = 0; i < sim->cfg.num_engines; i++) {
		struct aiaccel_sim_engine *eng = &sim->engines[i];
		struct task_struct *t;

		eng->sim = sim;
		eng->index = i;
		init_waitqueue_head(&eng->wq);
		eng->sram = kvmalloc(AIACCEL_SIM_SRAM_SIZE, GFP_KERNEL);
		if (!eng->sram) {
			aiaccel_sim_stop(sim);
			return -ENOMEM;
		}
		eng->mem_bytes = AIACCEL_SIM_SRAM_SIZE;
		t = kthread_run(sim_engine_thread, eng, "aiaccel_sim%u/%u",
				sim->cfg.instance, i);
		if (IS_ERR(t)) {
			aiaccel_sim_stop(sim);
			return PTR_ERR(t);
		}
		eng->thread = t;
	}
	sim->running = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_start);

/**
 * aiaccel_sim_stop() - Stop the engines and free their local memories.
 * @sim: The chip.
 *
 * Jobs in progress are abandoned; nothing is retired after this returns.
 */
void aiaccel_sim_stop(struct aiaccel_sim *sim)
{
	unsigned int i;

	for (i = 0; i < sim->cfg.num_engines; i++) {
		struct aiaccel_sim_engine *eng = &sim->engines[i];

		if (eng->thread) {
			scoped_guard(spinlock_irqsave, &sim->lock)
				aiaccel_sim_engine_abort(sim, i);
			kthread_stop(eng->thread);
			eng->thread = NULL;
		}
		kvfree(eng->sram);
		eng->sram = NULL;
		eng->mem_bytes = 0;
	}
	sim->running = false;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_stop);
