/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel_sim: internal state of the aiaccel hardware model.
 *
 * The model is split in two: the "chip" (struct aiaccel_sim: register file,
 * engines, MMU) which knows nothing about the platform device it sits on,
 * and the platform glue in aiaccel_sim_main.c that gives it a regmap, an
 * interrupt line and DMA.  KUnit drives the chip directly.
 */
#ifndef __AIACCEL_SIM_H__
#define __AIACCEL_SIM_H__

#include <linux/atomic.h>
#include <linux/semaphore.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "../aiaccel_regs.h"

struct device;
struct platform_device;
struct task_struct;

#define AIACCEL_SIM_VERSION_MAJOR	1
#define AIACCEL_SIM_VERSION_MINOR	0
#define AIACCEL_SIM_VERSION_PATCH	0
#define AIACCEL_SIM_CLOCK_LEVELS	4
#define AIACCEL_SIM_MAX_DMA_CHANNELS	8
#define AIACCEL_SIM_TLB_ENTRIES		64
#define AIACCEL_SIM_MAX_CS_SIZE		SZ_1M
#define AIACCEL_SIM_MAX_CLOCK_DIVIDER	64

/**
 * struct aiaccel_sim_config - What a given chip instance is built with.
 * @instance: Instance number, reported in the INSTANCE register.
 * @num_engines: Compute engines (and job queues), 1..AIACCEL_MAX_QUEUES.
 * @num_dma_channels: DMA channels shared by the engines, 1..8.
 * @mem_size: Device memory budget in bytes (MEM_SIZE register).
 * @max_clock_mhz: Engine clock at the top clock level.
 */
struct aiaccel_sim_config {
	u32 instance;
	u32 num_engines;
	u32 num_dma_channels;
	u64 mem_size;
	u32 max_clock_mhz;
};

/**
 * struct aiaccel_sim_tlb_entry - One cached leaf translation.
 * @root: Page-table root the translation belongs to.
 * @vpn: Virtual page number.
 * @pte: The leaf entry.
 */
struct aiaccel_sim_tlb_entry {
	u64 root;
	u64 vpn;
	u64 pte;
};

/**
 * struct aiaccel_sim_engine - The execution side of one compute engine.
 * @sim: The chip it belongs to.
 * @index: Engine (and queue) number.
 * @thread: The kthread executing jobs.
 * @wq: Where @thread sleeps; woken by doorbells, resets and power changes.
 * @kick: A doorbell arrived since @thread last looked (under sim->lock).
 * @generation: Bumped when the running job must be abandoned (reset,
 *	power-off); a job only retires if it is unchanged (under sim->lock).
 * @active: @thread is executing a job and may touch memory: Q_STATUS.BUSY
 *	(under sim->lock).
 * @tlb: Cached translations; used by @thread only.
 * @tlb_epoch: Value of sim->tlb_epoch when @tlb was last valid.
 * @sram: Local memory every op streams its tensors through,
 *	AIACCEL_SIM_SRAM_SIZE bytes, allocated when the engine starts.
 * @mem_bytes: Kernel memory the engine holds for executing jobs; never
 *	more than AIACCEL_SIM_ENGINE_MEM_MAX (KUnit checks it).
 */
struct aiaccel_sim_engine {
	struct aiaccel_sim *sim;
	unsigned int index;
	struct task_struct *thread;
	wait_queue_head_t wq;
	bool kick;
	u32 generation;
	bool active;
	struct aiaccel_sim_tlb_entry tlb[AIACCEL_SIM_TLB_ENTRIES];
	int tlb_epoch;
	void *sram;
	size_t mem_bytes;
};

/**
 * struct aiaccel_sim_hooks - Test hooks, reached through debugfs only.
 * @hang_next_job: The next job an engine starts makes no progress.
 * @fault_next_access: The next translation faults as unmapped.
 * @error_next_job: The next job fails with AIACCEL_ERR_INJECTED.
 * @clock_divider: Extra slow-down of every engine, 1..64.
 * @refuse_reset: While set, engine resets (Q_CTRL.RESET) do nothing: the
 *	engine keeps running (or hanging on) its job, as a broken chip would.
 *	The device reset (RESET register) still works.
 * @lose_next_irq: The next time the interrupt line should rise, it does
 *	not: the edge is lost, the causes stay latched in IRQ_STATUS until
 *	the next edge delivers them.
 */
struct aiaccel_sim_hooks {
	atomic_t hang_next_job;
	atomic_t fault_next_access;
	atomic_t error_next_job;
	atomic_t clock_divider;
	atomic_t refuse_reset;
	atomic_t lose_next_irq;
};

/**
 * struct aiaccel_sim_queue - Register state of one queue and its engine.
 * @ctrl: Q_CTRL (ENABLE bit only; RESET is self-clearing).
 * @ring_base: Ring DMA address.
 * @ring_size: Ring entries.
 * @head: Next entry the engine consumes (free-running).
 * @tail: Producer index written by software (free-running).
 * @done_seqno: Seqno of the last retired job.
 * @err_status: Latched job error (code and op index); 0 if none.
 * @err_seqno: Seqno of the job that failed.
 * @progress: Work units retired, free-running.
 * @busy_cycles: Cycles spent executing jobs.
 * @jobs_done: Jobs retired.
 * @watchdog_ms: Job time limit, 0 = off.
 * @bad_config: The ring configuration was found invalid; nothing runs
 *	until it is reprogrammed.
 */
struct aiaccel_sim_queue {
	u32 ctrl;
	u64 ring_base;
	u32 ring_size;
	u32 head;
	u32 tail;
	u32 done_seqno;
	u32 err_status;
	u32 err_seqno;
	u32 progress;
	u64 busy_cycles;
	u32 jobs_done;
	u32 watchdog_ms;
	bool bad_config;
};

/**
 * struct aiaccel_sim - One instance of the accelerator.
 * @cfg: Build-time configuration.
 * @lock: Protects the register file; taken with interrupts disabled
 *	because the interrupt path reads registers from hard-IRQ context.
 * @scratch: SCRATCH register.
 * @irq_status: Pending interrupt causes.
 * @irq_mask: Enabled interrupt causes.
 * @irq_line: Level of the interrupt output (STATUS & MASK != 0).
 * @raise_irq: Called, under @lock, on each rising edge of @irq_line.
 * @irq_ctx: Argument of @raise_irq.
 * @power: POWER_CTRL/POWER_STATUS.
 * @clock_level: CLOCK_LEVEL.
 * @global_error: GLOBAL_ERROR causes.
 * @mmu_fault_status: Latched MMU fault.
 * @mmu_fault_addr: Faulting device VA.
 * @perf_cycles: Cycles counter.
 * @perf_macs: Multiply-accumulate counter.
 * @perf_bytes: Bytes-moved counter.
 * @perf_jobs: Jobs-retired counter.
 * @hi_latch: High halves latched by reads of the matching _LO registers.
 * @queues: Per-queue state.
 * @engines: Per-engine execution state.
 * @dma_dev: Device whose DMA addresses the chip receives; NULL means DMA
 *	addresses are physical addresses (KUnit).
 * @dma_channels: Free DMA channels.
 * @tlb_epoch: Bumped by MMU_TLB_INVALIDATE, power-off and reset.
 * @hooks: Test hooks.
 * @running: Engine threads exist.
 */
struct aiaccel_sim {
	struct aiaccel_sim_config cfg;
	spinlock_t lock; /* the register file, irqsave */

	u32 scratch;
	u32 irq_status;
	u32 irq_mask;
	bool irq_line;
	void (*raise_irq)(void *ctx);
	void *irq_ctx;
	u32 power;
	u32 clock_level;
	u32 global_error;
	u32 mmu_fault_status;
	u64 mmu_fault_addr;
	u64 perf_cycles;
	u64 perf_macs;
	u64 perf_bytes;
	u64 perf_jobs;
	u32 hi_latch[AIACCEL_REG_MAX / 4 + 1];
	struct aiaccel_sim_queue queues[AIACCEL_MAX_QUEUES];
	struct aiaccel_sim_engine engines[AIACCEL_MAX_QUEUES];
	struct device *dma_dev;
	struct semaphore dma_channels;
	atomic_t tlb_epoch;
	struct aiaccel_sim_hooks hooks;
	bool running;
};

/* aiaccel_sim_regs.c: the register file */
int aiaccel_sim_init(struct aiaccel_sim *sim, const struct aiaccel_sim_config *cfg);
void aiaccel_sim_reset(struct aiaccel_sim *sim);
int aiaccel_sim_reg_read(void *context, unsigned int reg, unsigned int *val);
int aiaccel_sim_reg_write(void *context, unsigned int reg, unsigned int val);
void aiaccel_sim_update_irq(struct aiaccel_sim *sim);
bool aiaccel_sim_powered(const struct aiaccel_sim *sim);

/* aiaccel_sim_engine.c: engines executing rings */
int aiaccel_sim_start(struct aiaccel_sim *sim);
void aiaccel_sim_stop(struct aiaccel_sim *sim);
void aiaccel_sim_engine_kick(struct aiaccel_sim *sim, unsigned int q);
void aiaccel_sim_engine_abort(struct aiaccel_sim *sim, unsigned int q);

/* aiaccel_sim_main.c: the platform devices */
#if IS_ENABLED(CONFIG_KUNIT)
struct aiaccel_sim *aiaccel_sim_of(struct platform_device *pdev);
#endif

/* aiaccel_sim_mmu.c: memory access by DMA address and by device VA */
int aiaccel_sim_dma_read(struct aiaccel_sim *sim, u64 addr, void *buf, size_t len);
int aiaccel_sim_dma_write(struct aiaccel_sim *sim, u64 addr, const void *buf, size_t len);
int aiaccel_sim_va_read(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			void *buf, size_t len, u64 *fault_va);
int aiaccel_sim_va_write(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			 const void *buf, size_t len, u64 *fault_va);
int aiaccel_sim_va_probe(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			 u64 len, bool write, u64 *fault_va);

#endif /* __AIACCEL_SIM_H__ */
