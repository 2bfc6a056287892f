/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Register map and in-memory formats of the aiaccel inference accelerator.
 *
 * This is the hardware side of the contract: what software may write, what
 * the device does with it.  It is shared by the driver and by the hardware
 * model (aiaccel_sim), and is described in prose in
 * Documentation/accel/aiaccel/hardware.rst; the two must agree.
 *
 * All registers are 32 bits wide and 32-bit aligned.  64-bit quantities are
 * split into _LO/_HI pairs; reading a _LO half latches the matching _HI half,
 * so LO-then-HI reads are consistent.  In-memory structures are little endian.
 */
#ifndef __AIACCEL_REGS_H__
#define __AIACCEL_REGS_H__

#include <linux/types.h>

#ifdef __KERNEL__
#include <linux/bits.h>
#else
/* Userspace tests include this header to read registers through debugfs. */
#define BIT(n)			(1U << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define GENMASK(h, l)		(((~0U) >> (31 - (h))) & ~((1U << (l)) - 1))
#define GENMASK_ULL(h, l)	(((~0ULL) >> (63 - (h))) & ~((1ULL << (l)) - 1))
#endif

/* --- Identification (read-only) ------------------------------------------ */

#define AIACCEL_REG_ID			0x000
#define   AIACCEL_ID_VENDOR		GENMASK(31, 16)
#define   AIACCEL_ID_PRODUCT		GENMASK(15, 0)
#define   AIACCEL_ID_VALUE		0xa1ac0001
#define AIACCEL_REG_VERSION		0x004
#define   AIACCEL_VERSION_MAJOR		GENMASK(31, 24)
#define   AIACCEL_VERSION_MINOR		GENMASK(23, 16)
#define   AIACCEL_VERSION_PATCH		GENMASK(15, 0)
#define AIACCEL_REG_CAPS		0x008
#define   AIACCEL_CAPS_MMU		BIT(0)
#define   AIACCEL_CAPS_ISA_INT8		BIT(1)
#define   AIACCEL_CAPS_PERFCNT		BIT(2)
#define   AIACCEL_CAPS_CLOCK_LEVELS	BIT(3)
#define   AIACCEL_CAPS_WATCHDOG		BIT(4)
#define AIACCEL_REG_CONFIG		0x00c
#define   AIACCEL_CONFIG_ENGINES	GENMASK(3, 0)
#define   AIACCEL_CONFIG_DMA_CHANNELS	GENMASK(7, 4)
#define   AIACCEL_CONFIG_VA_BITS	GENMASK(15, 8)
#define   AIACCEL_CONFIG_PT_LEVELS	GENMASK(19, 16)
#define   AIACCEL_CONFIG_CLOCK_LEVELS	GENMASK(23, 20)
#define AIACCEL_REG_MEM_SIZE_LO		0x010
#define AIACCEL_REG_MEM_SIZE_HI		0x014
#define AIACCEL_REG_MAX_CLOCK_MHZ	0x018
#define AIACCEL_REG_INSTANCE		0x01c
#define AIACCEL_REG_ISA_VERSION		0x020

/* --- Global control ------------------------------------------------------- */

/* Read/write with no side effects: lets software check the register path. */
#define AIACCEL_REG_SCRATCH		0x024
/* Write AIACCEL_RESET_KEY: reset the whole device to its reset values. */
#define AIACCEL_REG_RESET		0x030
#define   AIACCEL_RESET_KEY		0x5e7a11ed

/* --- Interrupts ------------------------------------------------------------ */

/* Pending interrupt causes; write 1 to clear (W1C). */
#define AIACCEL_REG_IRQ_STATUS		0x040
/* 1 = cause enabled.  The line is asserted while STATUS & MASK != 0. */
#define AIACCEL_REG_IRQ_MASK		0x044
#define   AIACCEL_IRQ_QUEUE_DONE(q)	BIT(q)
#define   AIACCEL_IRQ_QUEUE_DONE_ALL	GENMASK(3, 0)
#define   AIACCEL_IRQ_QUEUE_ERROR(q)	BIT(8 + (q))
#define   AIACCEL_IRQ_QUEUE_ERROR_ALL	GENMASK(11, 8)
#define   AIACCEL_IRQ_MMU_FAULT		BIT(16)
#define   AIACCEL_IRQ_GLOBAL_ERROR	BIT(17)

/* --- Power and clocks ------------------------------------------------------ */

#define AIACCEL_REG_POWER_CTRL		0x050
#define AIACCEL_REG_POWER_STATUS	0x054
#define   AIACCEL_POWER_OFF		0
#define   AIACCEL_POWER_ON		1
/* 0 (slowest) .. CONFIG.CLOCK_LEVELS - 1 (full speed). */
#define AIACCEL_REG_CLOCK_LEVEL		0x058
/* Current engine clock in MHz (read-only). */
#define AIACCEL_REG_CLOCK_MHZ		0x05c
/* Device-wide error causes, W1C. */
#define AIACCEL_REG_GLOBAL_ERROR	0x060
#define   AIACCEL_GERR_DOORBELL_OFF	BIT(0)
#define   AIACCEL_GERR_BAD_RING_CONFIG	BIT(1)
#define   AIACCEL_GERR_WRITE_OFF	BIT(2)

/* --- Device MMU ------------------------------------------------------------ */

/* Write 1: drop every cached translation on every engine. */
#define AIACCEL_REG_MMU_TLB_INVALIDATE	0x084
/* Latched first fault; write any value to clear and re-arm. */
#define AIACCEL_REG_MMU_FAULT_STATUS	0x088
#define   AIACCEL_MMU_FAULT_VALID	BIT(0)
#define   AIACCEL_MMU_FAULT_WRITE	BIT(1)
#define   AIACCEL_MMU_FAULT_PERMISSION	BIT(2)
#define   AIACCEL_MMU_FAULT_ENGINE	GENMASK(7, 4)
#define   AIACCEL_MMU_FAULT_LEVEL	GENMASK(11, 8)
#define AIACCEL_REG_MMU_FAULT_ADDR_LO	0x090
#define AIACCEL_REG_MMU_FAULT_ADDR_HI	0x094

/* --- Performance counters (device-wide, free-running, 64 bit) ------------- */

#define AIACCEL_REG_PERF_CYCLES_LO	0x0c0
#define AIACCEL_REG_PERF_CYCLES_HI	0x0c4
#define AIACCEL_REG_PERF_MACS_LO	0x0c8
#define AIACCEL_REG_PERF_MACS_HI	0x0cc
#define AIACCEL_REG_PERF_BYTES_LO	0x0d0
#define AIACCEL_REG_PERF_BYTES_HI	0x0d4
#define AIACCEL_REG_PERF_JOBS_LO	0x0d8
#define AIACCEL_REG_PERF_JOBS_HI	0x0dc
/* Write 1: zero all performance counters. */
#define AIACCEL_REG_PERF_CLEAR		0x0e0

/* --- Queues: one ring and one compute engine each ------------------------- */

#define AIACCEL_MAX_QUEUES		4
#define AIACCEL_QUEUE_BASE(q)		(0x100 + (q) * 0x80)

#define AIACCEL_Q_CTRL			0x00
#define   AIACCEL_Q_CTRL_ENABLE		BIT(0)
/* Write 1: reset this engine; reads back 0. */
#define   AIACCEL_Q_CTRL_RESET		BIT(1)
#define AIACCEL_Q_STATUS		0x04
#define   AIACCEL_Q_STATUS_ENABLED	BIT(0)
#define   AIACCEL_Q_STATUS_BUSY		BIT(1)
#define   AIACCEL_Q_STATUS_HALTED	BIT(2)
/* Ring registers are writable only while the queue is disabled. */
#define AIACCEL_Q_RING_BASE_LO		0x08
#define AIACCEL_Q_RING_BASE_HI		0x0c
#define AIACCEL_Q_RING_SIZE		0x10
#define   AIACCEL_RING_SIZE_MIN		4
#define   AIACCEL_RING_SIZE_MAX		4096
#define AIACCEL_Q_RING_HEAD		0x14
#define AIACCEL_Q_RING_TAIL		0x18
#define AIACCEL_Q_DOORBELL		0x1c
#define AIACCEL_Q_DONE_SEQNO		0x20
/* Error of the last failed job; write any value to clear and resume. */
#define AIACCEL_Q_ERR_STATUS		0x24
#define   AIACCEL_Q_ERR_CODE		GENMASK(7, 0)
#define   AIACCEL_Q_ERR_OP_INDEX	GENMASK(31, 16)
#define AIACCEL_Q_ERR_SEQNO		0x28
/* Work units retired by this engine, free-running: proof of forward progress. */
#define AIACCEL_Q_PROGRESS		0x2c
#define AIACCEL_Q_BUSY_CYCLES_LO	0x30
#define AIACCEL_Q_BUSY_CYCLES_HI	0x34
#define AIACCEL_Q_JOBS_DONE		0x38
/* Abort a job running longer than this many ms; 0 disables. */
#define AIACCEL_Q_WATCHDOG_MS		0x3c

#define AIACCEL_REG_MAX			(AIACCEL_QUEUE_BASE(AIACCEL_MAX_QUEUES) - 4)

/* Job error codes (AIACCEL_Q_ERR_CODE). */
enum aiaccel_job_error {
	AIACCEL_ERR_NONE = 0,
	AIACCEL_ERR_INVALID_OP = 1,	/* unknown opcode, bad size or field */
	AIACCEL_ERR_MMU_FAULT = 2,	/* see MMU_FAULT_* */
	AIACCEL_ERR_WATCHDOG = 3,	/* ran past Q_WATCHDOG_MS */
	AIACCEL_ERR_BAD_ENTRY = 4,	/* malformed ring entry */
	AIACCEL_ERR_BUS = 5,		/* DMA address not backed by memory */
	AIACCEL_ERR_INJECTED = 6,	/* test hook */
};

/* --- Ring entry: one job, 64 bytes in DMA memory -------------------------- */

#define AIACCEL_RING_ENTRY_IRQ		BIT(0)	/* raise QUEUE_DONE when retired */

struct aiaccel_ring_entry {
	__le32 seqno;
	__le32 flags;
	__le64 pt_root;		/* DMA address of the level-0 page table */
	__le64 cs_addr;		/* device VA of the command stream */
	__le32 cs_size;		/* bytes, multiple of 8 */
	__le32 reserved0;	/* must be zero */
	/* Written back by the device when it retires the entry: */
	__le64 wb_cycles;	/* engine cycles the job took */
	__le32 wb_status;	/* Q_ERR_STATUS value for this job, 0 = success */
	__le32 wb_reserved;
	__le64 reserved[2];	/* must be zero */
};

/* --- Device page tables ---------------------------------------------------- */

#define AIACCEL_PAGE_SHIFT		12
#define AIACCEL_PAGE_SIZE		BIT(AIACCEL_PAGE_SHIFT)
#define AIACCEL_PT_LEVELS		3
#define AIACCEL_PT_ENTRIES		512
#define AIACCEL_VA_BITS			39

#define AIACCEL_PTE_VALID		BIT_ULL(0)
#define AIACCEL_PTE_READ		BIT_ULL(1)
#define AIACCEL_PTE_WRITE		BIT_ULL(2)
#define AIACCEL_PTE_ADDR		GENMASK_ULL(51, 12)

#endif /* __AIACCEL_REGS_H__ */
