// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim: the register file.
 *
 * These are the regmap reg_read/reg_write callbacks of the model: every
 * access the driver makes ends here.  Semantics follow
 * Documentation/accel/aiaccel/hardware.rst: read-only registers ignore
 * writes, unimplemented offsets read as zero and ignore writes, offsets past
 * the register file or not 32-bit aligned are rejected.
 */

#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include "aiaccel_sim.h"

static u32 sim_clock_mhz(const struct aiaccel_sim *sim)
{
	return sim->cfg.max_clock_mhz >> (AIACCEL_SIM_CLOCK_LEVELS - 1 - sim->clock_level);
}

/**
 * aiaccel_sim_update_irq() - Re-evaluate the interrupt output.
 * @sim: The chip, with sim->lock held.
 *
 * Called after IRQ_STATUS or IRQ_MASK changed; signals a rising edge of
 * the level STATUS & MASK != 0.
 */
void aiaccel_sim_update_irq(struct aiaccel_sim *sim)
{
	bool level = sim->irq_status & sim->irq_mask;

	if (level && !sim->irq_line && sim->raise_irq) {
		/* Lost on the way: the line is still low, the next edge brings it. */
		if (atomic_add_unless(&sim->hooks.lose_next_irq, -1, 0))
			return;
		sim->raise_irq(sim->irq_ctx);
	}
	sim->irq_line = level;
}

/**
 * aiaccel_sim_powered() - Is the switchable power domain on?
 * @sim: The chip.
 *
 * Return: true if POWER_STATUS is on.
 */
bool aiaccel_sim_powered(const struct aiaccel_sim *sim)
{
	return sim->power == AIACCEL_POWER_ON;
}

/* Engine reset: abandon its job, forget its translations and registers. */
static void sim_reset_queue(struct aiaccel_sim *sim, unsigned int qi)
{
	if (sim->running && qi < sim->cfg.num_engines)
		aiaccel_sim_engine_abort(sim, qi);
	memset(&sim->queues[qi], 0, sizeof(sim->queues[qi]));
	atomic_inc(&sim->tlb_epoch);
	sim->irq_status &= ~(AIACCEL_IRQ_QUEUE_DONE(qi) | AIACCEL_IRQ_QUEUE_ERROR(qi));
}

/* The switchable power domain returns to its reset values. */
static void sim_reset_switchable(struct aiaccel_sim *sim)
{
	unsigned int i;

	for (i = 0; i < AIACCEL_MAX_QUEUES; i++)
		sim_reset_queue(sim, i);
	sim->clock_level = AIACCEL_SIM_CLOCK_LEVELS - 1;
	sim->mmu_fault_status = 0;
	sim->mmu_fault_addr = 0;
}

static void sim_reset_locked(struct aiaccel_sim *sim)
{
	sim_reset_switchable(sim);
	sim->scratch = 0;
	sim->irq_status = 0;
	sim->irq_mask = 0;
	sim->power = AIACCEL_POWER_ON;
	sim->global_error = 0;
	sim->perf_cycles = 0;
	sim->perf_macs = 0;
	sim->perf_bytes = 0;
	sim->perf_jobs = 0;
	memset(sim->hi_latch, 0, sizeof(sim->hi_latch));
	aiaccel_sim_update_irq(sim);
}

/* Registers that keep working while the switchable domain is off. */
static bool sim_always_on(unsigned int reg)
{
	return reg <= AIACCEL_REG_POWER_STATUS || reg == AIACCEL_REG_GLOBAL_ERROR ||
	       (reg >= AIACCEL_REG_PERF_CYCLES_LO && reg <= AIACCEL_REG_PERF_CLEAR);
}

/**
 * aiaccel_sim_reset() - Put every register back to its reset value.
 * @sim: The chip.
 */
void aiaccel_sim_reset(struct aiaccel_sim *sim)
{
	guard(spinlock_irqsave)(&sim->lock);
	sim_reset_locked(sim);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_reset);

/**
 * aiaccel_sim_init() - Build a chip instance in its reset state.
 * @sim: Storage for the chip, zeroed or not.
 * @cfg: What to build.
 *
 * Return: 0, or -EINVAL if @cfg describes a chip that cannot exist.
 */
int aiaccel_sim_init(struct aiaccel_sim *sim, const struct aiaccel_sim_config *cfg)
{
	if (!cfg->num_engines || cfg->num_engines > AIACCEL_MAX_QUEUES ||
	    !cfg->num_dma_channels || cfg->num_dma_channels > AIACCEL_SIM_MAX_DMA_CHANNELS ||
	    !cfg->mem_size || !cfg->max_clock_mhz)
		return -EINVAL;

	memset(sim, 0, sizeof(*sim));
	sim->cfg = *cfg;
	spin_lock_init(&sim->lock);
	atomic_set(&sim->hooks.clock_divider, 1);
	sim_reset_locked(sim);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_init);

/* Return the low half of a 64-bit register and latch its high half. */
static u32 sim_read64_lo(struct aiaccel_sim *sim, unsigned int reg, u64 val)
{
	sim->hi_latch[reg / 4 + 1] = upper_32_bits(val);
	return lower_32_bits(val);
}

static bool sim_queue_reg(const struct aiaccel_sim *sim, unsigned int reg,
			  unsigned int *qi, unsigned int *off)
{
	if (reg < AIACCEL_QUEUE_BASE(0))
		return false;
	*qi = (reg - AIACCEL_QUEUE_BASE(0)) / 0x80;
	*off = (reg - AIACCEL_QUEUE_BASE(0)) % 0x80;
	return *qi < sim->cfg.num_engines;
}

static u32 sim_queue_read(struct aiaccel_sim *sim, unsigned int qi,
			  unsigned int off, unsigned int reg)
{
	struct aiaccel_sim_queue *q = &sim->queues[qi];

	switch (off) {
	case AIACCEL_Q_CTRL:
		return q->ctrl & AIACCEL_Q_CTRL_ENABLE;
	case AIACCEL_Q_STATUS:
		return (q->ctrl & AIACCEL_Q_CTRL_ENABLE ? AIACCEL_Q_STATUS_ENABLED : 0) |
		       (sim->engines[qi].active ? AIACCEL_Q_STATUS_BUSY : 0) |
		       (q->err_status ? AIACCEL_Q_STATUS_HALTED : 0);
	case AIACCEL_Q_RING_BASE_LO:
		return lower_32_bits(q->ring_base);
	case AIACCEL_Q_RING_BASE_HI:
		return upper_32_bits(q->ring_base);
	case AIACCEL_Q_RING_SIZE:
		return q->ring_size;
	case AIACCEL_Q_RING_HEAD:
		return q->head;
	case AIACCEL_Q_RING_TAIL:
		return q->tail;
	case AIACCEL_Q_DONE_SEQNO:
		return q->done_seqno;
	case AIACCEL_Q_ERR_STATUS:
		return q->err_status;
	case AIACCEL_Q_ERR_SEQNO:
		return q->err_seqno;
	case AIACCEL_Q_PROGRESS:
		return q->progress;
	case AIACCEL_Q_BUSY_CYCLES_LO:
		return sim_read64_lo(sim, reg, q->busy_cycles);
	case AIACCEL_Q_BUSY_CYCLES_HI:
		return sim->hi_latch[reg / 4];
	case AIACCEL_Q_JOBS_DONE:
		return q->jobs_done;
	case AIACCEL_Q_WATCHDOG_MS:
		return q->watchdog_ms;
	default:
		return 0;
	}
}

/**
 * aiaccel_sim_reg_read() - regmap reg_read callback of the model.
 * @context: The &struct aiaccel_sim.
 * @reg: Byte offset of the register.
 * @val: Where to store the value.
 *
 * Return: 0, or -EINVAL for an offset outside the register file.
 */
int aiaccel_sim_reg_read(void *context, unsigned int reg, unsigned int *val)
{
	struct aiaccel_sim *sim = context;
	const struct aiaccel_sim_config *cfg = &sim->cfg;
	unsigned int qi, off;

	if (reg > AIACCEL_REG_MAX || reg % 4)
		return -EINVAL;

	guard(spinlock_irqsave)(&sim->lock);

	if (!aiaccel_sim_powered(sim) && !sim_always_on(reg)) {
		*val = 0;
		return 0;
	}

	if (sim_queue_reg(sim, reg, &qi, &off)) {
		*val = sim_queue_read(sim, qi, off, reg);
		return 0;
	}

	switch (reg) {
	case AIACCEL_REG_ID:
		*val = AIACCEL_ID_VALUE;
		break;
	case AIACCEL_REG_VERSION:
		*val = FIELD_PREP(AIACCEL_VERSION_MAJOR, AIACCEL_SIM_VERSION_MAJOR) |
		       FIELD_PREP(AIACCEL_VERSION_MINOR, AIACCEL_SIM_VERSION_MINOR) |
		       FIELD_PREP(AIACCEL_VERSION_PATCH, AIACCEL_SIM_VERSION_PATCH);
		break;
	case AIACCEL_REG_CAPS:
		*val = AIACCEL_CAPS_MMU | AIACCEL_CAPS_ISA_INT8 | AIACCEL_CAPS_PERFCNT |
		       AIACCEL_CAPS_CLOCK_LEVELS | AIACCEL_CAPS_WATCHDOG;
		break;
	case AIACCEL_REG_CONFIG:
		*val = FIELD_PREP(AIACCEL_CONFIG_ENGINES, cfg->num_engines) |
		       FIELD_PREP(AIACCEL_CONFIG_DMA_CHANNELS, cfg->num_dma_channels) |
		       FIELD_PREP(AIACCEL_CONFIG_VA_BITS, AIACCEL_VA_BITS) |
		       FIELD_PREP(AIACCEL_CONFIG_PT_LEVELS, AIACCEL_PT_LEVELS) |
		       FIELD_PREP(AIACCEL_CONFIG_CLOCK_LEVELS, AIACCEL_SIM_CLOCK_LEVELS);
		break;
	case AIACCEL_REG_MEM_SIZE_LO:
		*val = sim_read64_lo(sim, reg, cfg->mem_size);
		break;
	case AIACCEL_REG_MAX_CLOCK_MHZ:
		*val = cfg->max_clock_mhz;
		break;
	case AIACCEL_REG_INSTANCE:
		*val = cfg->instance;
		break;
	case AIACCEL_REG_ISA_VERSION:
		*val = 1;
		break;
	case AIACCEL_REG_SCRATCH:
		*val = sim->scratch;
		break;
	case AIACCEL_REG_IRQ_STATUS:
		*val = sim->irq_status;
		break;
	case AIACCEL_REG_IRQ_MASK:
		*val = sim->irq_mask;
		break;
	case AIACCEL_REG_POWER_CTRL:
	case AIACCEL_REG_POWER_STATUS:
		*val = sim->power;
		break;
	case AIACCEL_REG_CLOCK_LEVEL:
		*val = sim->clock_level;
		break;
	case AIACCEL_REG_CLOCK_MHZ:
		*val = sim_clock_mhz(sim);
		break;
	case AIACCEL_REG_GLOBAL_ERROR:
		*val = sim->global_error;
		break;
	case AIACCEL_REG_MMU_FAULT_STATUS:
		*val = sim->mmu_fault_status;
		break;
	case AIACCEL_REG_MMU_FAULT_ADDR_LO:
		*val = sim_read64_lo(sim, reg, sim->mmu_fault_addr);
		break;
	case AIACCEL_REG_PERF_CYCLES_LO:
		*val = sim_read64_lo(sim, reg, sim->perf_cycles);
		break;
	case AIACCEL_REG_PERF_MACS_LO:
		*val = sim_read64_lo(sim, reg, sim->perf_macs);
		break;
	case AIACCEL_REG_PERF_BYTES_LO:
		*val = sim_read64_lo(sim, reg, sim->perf_bytes);
		break;
	case AIACCEL_REG_PERF_JOBS_LO:
		*val = sim_read64_lo(sim, reg, sim->perf_jobs);
		break;
	case AIACCEL_REG_MEM_SIZE_HI:
	case AIACCEL_REG_MMU_FAULT_ADDR_HI:
	case AIACCEL_REG_PERF_CYCLES_HI:
	case AIACCEL_REG_PERF_MACS_HI:
	case AIACCEL_REG_PERF_BYTES_HI:
	case AIACCEL_REG_PERF_JOBS_HI:
		*val = sim->hi_latch[reg / 4];
		break;
	default:
		/* Write-only and unimplemented registers read as zero. */
		*val = 0;
		break;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_reg_read);

static void sim_queue_write(struct aiaccel_sim *sim, unsigned int qi,
			    unsigned int off, u32 val)
{
	struct aiaccel_sim_queue *q = &sim->queues[qi];
	bool enabled = q->ctrl & AIACCEL_Q_CTRL_ENABLE;

	switch (off) {
	case AIACCEL_Q_CTRL:
		if (val & AIACCEL_Q_CTRL_RESET) {
			if (atomic_read(&sim->hooks.refuse_reset))
				break;
			sim_reset_queue(sim, qi);
			aiaccel_sim_update_irq(sim);
			break;
		}
		q->ctrl = val & AIACCEL_Q_CTRL_ENABLE;
		if (!enabled && q->ctrl && sim->running)
			aiaccel_sim_engine_kick(sim, qi);
		break;
	case AIACCEL_Q_RING_BASE_LO:
	case AIACCEL_Q_RING_BASE_HI:
	case AIACCEL_Q_RING_SIZE:
	case AIACCEL_Q_RING_HEAD:
		if (enabled)
			break;
		if (off == AIACCEL_Q_RING_BASE_LO)
			q->ring_base = (q->ring_base & GENMASK_ULL(63, 32)) | val;
		else if (off == AIACCEL_Q_RING_BASE_HI)
			q->ring_base = lower_32_bits(q->ring_base) | (u64)val << 32;
		else if (off == AIACCEL_Q_RING_SIZE)
			q->ring_size = val;
		else
			q->head = val;
		/* A reprogrammed ring gets checked afresh. */
		q->bad_config = false;
		break;
	case AIACCEL_Q_RING_TAIL:
		q->tail = val;
		break;
	case AIACCEL_Q_DOORBELL:
		if (sim->running)
			aiaccel_sim_engine_kick(sim, qi);
		break;
	case AIACCEL_Q_DONE_SEQNO:
		if (!enabled)
			q->done_seqno = val;
		break;
	case AIACCEL_Q_ERR_STATUS:
		q->err_status = 0;
		if (sim->running)
			aiaccel_sim_engine_kick(sim, qi);
		break;
	case AIACCEL_Q_WATCHDOG_MS:
		q->watchdog_ms = val;
		break;
	default:
		/* Read-only and unimplemented registers ignore writes. */
		break;
	}
}

/**
 * aiaccel_sim_reg_write() - regmap reg_write callback of the model.
 * @context: The &struct aiaccel_sim.
 * @reg: Byte offset of the register.
 * @val: Value written.
 *
 * Return: 0, or -EINVAL for an offset outside the register file.
 */
int aiaccel_sim_reg_write(void *context, unsigned int reg, unsigned int val)
{
	struct aiaccel_sim *sim = context;
	unsigned int qi, off;

	if (reg > AIACCEL_REG_MAX || reg % 4)
		return -EINVAL;

	guard(spinlock_irqsave)(&sim->lock);

	if (!aiaccel_sim_powered(sim) && !sim_always_on(reg)) {
		/* Writes reaching the powered-off domain are lost, loudly. */
		if (sim_queue_reg(sim, reg, &qi, &off) && off == AIACCEL_Q_DOORBELL)
			sim->global_error |= AIACCEL_GERR_DOORBELL_OFF;
		else
			sim->global_error |= AIACCEL_GERR_WRITE_OFF;
		sim->irq_status |= AIACCEL_IRQ_GLOBAL_ERROR;
		aiaccel_sim_update_irq(sim);
		return 0;
	}

	if (sim_queue_reg(sim, reg, &qi, &off)) {
		sim_queue_write(sim, qi, off, val);
		return 0;
	}

	switch (reg) {
	case AIACCEL_REG_SCRATCH:
		sim->scratch = val;
		break;
	case AIACCEL_REG_RESET:
		if (val == AIACCEL_RESET_KEY)
			sim_reset_locked(sim);
		break;
	case AIACCEL_REG_IRQ_STATUS:
		sim->irq_status &= ~val;
		aiaccel_sim_update_irq(sim);
		break;
	case AIACCEL_REG_IRQ_MASK:
		sim->irq_mask = val;
		aiaccel_sim_update_irq(sim);
		break;
	case AIACCEL_REG_POWER_CTRL:
		if (val == AIACCEL_POWER_OFF && aiaccel_sim_powered(sim))
			sim_reset_switchable(sim);
		if (val == AIACCEL_POWER_OFF || val == AIACCEL_POWER_ON)
			sim->power = val;
		aiaccel_sim_update_irq(sim);
		break;
	case AIACCEL_REG_CLOCK_LEVEL:
		if (val < AIACCEL_SIM_CLOCK_LEVELS)
			sim->clock_level = val;
		break;
	case AIACCEL_REG_GLOBAL_ERROR:
		sim->global_error &= ~val;
		break;
	case AIACCEL_REG_MMU_TLB_INVALIDATE:
		if (val & 1)
			atomic_inc(&sim->tlb_epoch);
		break;
	case AIACCEL_REG_MMU_FAULT_STATUS:
		sim->mmu_fault_status = 0;
		sim->mmu_fault_addr = 0;
		break;
	case AIACCEL_REG_PERF_CLEAR:
		if (val & 1) {
			sim->perf_cycles = 0;
			sim->perf_macs = 0;
			sim->perf_bytes = 0;
			sim->perf_jobs = 0;
		}
		break;
	default:
		/* Read-only and unimplemented registers ignore writes. */
		break;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_reg_write);
