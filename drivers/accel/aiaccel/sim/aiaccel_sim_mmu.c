// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim: the chip's view of memory.
 *
 * The chip reaches memory by DMA address only: rings and page tables
 * directly, everything a job names through the device MMU.  A DMA address
 * is turned into a page the way a bus would find RAM behind it; an address
 * with no RAM behind it is a bus error.  The MMU walks the three-level
 * page tables of Documentation/accel/aiaccel/hardware.rst and caches leaf
 * translations in a small per-engine TLB.
 */

#include <linux/bitfield.h>
#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include "aiaccel_sim.h"

static phys_addr_t sim_dma_to_phys(struct aiaccel_sim *sim, u64 addr)
{
	return sim->dma_dev ? dma_to_phys(sim->dma_dev, addr) : addr;
}

static int sim_dma_access(struct aiaccel_sim *sim, u64 addr, void *buf,
			  size_t len, bool write)
{
	while (len) {
		phys_addr_t phys = sim_dma_to_phys(sim, addr);
		size_t off = offset_in_page(phys);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - off);
		unsigned long pfn = PHYS_PFN(phys);
		void *vaddr;

		if (!pfn_valid(pfn))
			return -EIO;
		vaddr = kmap_local_page(pfn_to_page(pfn));
		if (write)
			memcpy(vaddr + off, buf, chunk);
		else
			memcpy(buf, vaddr + off, chunk);
		kunmap_local(vaddr);

		addr += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * aiaccel_sim_dma_read() - Read memory by DMA address, as the chip does.
 * @sim: The chip.
 * @addr: DMA address.
 * @buf: Destination.
 * @len: Bytes.
 *
 * Return: 0, or -EIO if part of the range is not backed by memory.
 */
int aiaccel_sim_dma_read(struct aiaccel_sim *sim, u64 addr, void *buf, size_t len)
{
	return sim_dma_access(sim, addr, buf, len, false);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_dma_read);

/**
 * aiaccel_sim_dma_write() - Write memory by DMA address, as the chip does.
 * @sim: The chip.
 * @addr: DMA address.
 * @buf: Source.
 * @len: Bytes.
 *
 * Return: 0, or -EIO if part of the range is not backed by memory.
 */
int aiaccel_sim_dma_write(struct aiaccel_sim *sim, u64 addr, const void *buf, size_t len)
{
	return sim_dma_access(sim, addr, (void *)buf, len, true);
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_dma_write);

/* Latch the first fault since software last cleared MMU_FAULT_STATUS. */
static void sim_mmu_fault(struct aiaccel_sim_engine *eng, u64 va, bool write,
			  bool permission, unsigned int level)
{
	struct aiaccel_sim *sim = eng->sim;

	guard(spinlock_irqsave)(&sim->lock);
	if (sim->mmu_fault_status & AIACCEL_MMU_FAULT_VALID)
		return;
	sim->mmu_fault_status = AIACCEL_MMU_FAULT_VALID |
				(write ? AIACCEL_MMU_FAULT_WRITE : 0) |
				(permission ? AIACCEL_MMU_FAULT_PERMISSION : 0) |
				FIELD_PREP(AIACCEL_MMU_FAULT_ENGINE, eng->index) |
				FIELD_PREP(AIACCEL_MMU_FAULT_LEVEL, level);
	sim->mmu_fault_addr = va;
	sim->irq_status |= AIACCEL_IRQ_MMU_FAULT;
	aiaccel_sim_update_irq(sim);
}

/* Bytes from @va to the end of its device page. */
static size_t sim_page_left(u64 va)
{
	return AIACCEL_PAGE_SIZE - (va & (AIACCEL_PAGE_SIZE - 1));
}

static unsigned int sim_pt_index(u64 va, unsigned int level)
{
	unsigned int shift = AIACCEL_PAGE_SHIFT + 9 * (AIACCEL_PT_LEVELS - 1 - level);

	return (va >> shift) & (AIACCEL_PT_ENTRIES - 1);
}

/*
 * Translate one access.  Returns 0 with the DMA address of the byte at
 * @va, -EFAULT on a fault (latched in the MMU registers), -EIO if a page
 * table is not in memory.
 */
static int sim_translate(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			 bool write, u64 *dma)
{
	struct aiaccel_sim *sim = eng->sim;
	u64 vpn = va >> AIACCEL_PAGE_SHIFT;
	struct aiaccel_sim_tlb_entry *tlb = &eng->tlb[vpn % AIACCEL_SIM_TLB_ENTRIES];
	int epoch = atomic_read(&sim->tlb_epoch);
	u64 table = root, pte = 0;
	unsigned int level;
	int ret;

	if (atomic_add_unless(&sim->hooks.fault_next_access, -1, 0)) {
		sim_mmu_fault(eng, va, write, false, 0);
		return -EFAULT;
	}

	if (eng->tlb_epoch != epoch) {
		memset(eng->tlb, 0, sizeof(eng->tlb));
		eng->tlb_epoch = epoch;
	}

	if (va >> AIACCEL_VA_BITS) {
		sim_mmu_fault(eng, va, write, false, 0);
		return -EFAULT;
	}

	if (tlb->pte && tlb->root == root && tlb->vpn == vpn) {
		pte = tlb->pte;
	} else {
		for (level = 0; level < AIACCEL_PT_LEVELS; level++) {
			__le64 raw;

			ret = aiaccel_sim_dma_read(sim, table + 8 * sim_pt_index(va, level),
						   &raw, sizeof(raw));
			if (ret)
				return ret;
			pte = le64_to_cpu(raw);
			if (!(pte & AIACCEL_PTE_VALID)) {
				sim_mmu_fault(eng, va, write, false, level);
				return -EFAULT;
			}
			table = pte & AIACCEL_PTE_ADDR;
		}
		tlb->root = root;
		tlb->vpn = vpn;
		tlb->pte = pte;
	}

	if (!(pte & (write ? AIACCEL_PTE_WRITE : AIACCEL_PTE_READ))) {
		sim_mmu_fault(eng, va, write, true, AIACCEL_PT_LEVELS);
		return -EFAULT;
	}
	*dma = (pte & AIACCEL_PTE_ADDR) | (va & (AIACCEL_PAGE_SIZE - 1));
	return 0;
}

/**
 * aiaccel_sim_va_read() - Read from a job's address space.
 * @eng: Engine doing the access (for its TLB and the fault report).
 * @root: Page-table root of the job.
 * @va: Device VA.
 * @buf: Destination.
 * @len: Bytes.
 * @fault_va: Set to the faulting VA on -EFAULT.
 *
 * Return: 0; -EFAULT on an MMU fault; -EIO on a bus error.
 */
int aiaccel_sim_va_read(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			void *buf, size_t len, u64 *fault_va)
{
	while (len) {
		size_t chunk = min_t(size_t, len, sim_page_left(va));
		u64 dma;
		int ret;

		ret = sim_translate(eng, root, va, false, &dma);
		if (!ret)
			ret = aiaccel_sim_dma_read(eng->sim, dma, buf, chunk);
		if (ret) {
			*fault_va = va;
			return ret;
		}
		va += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_va_read);

/**
 * aiaccel_sim_va_probe() - Check that a job may access a range of its
 *	address space.
 * @eng: Engine doing the access.
 * @root: Page-table root of the job.
 * @va: Device VA.
 * @len: Bytes.
 * @write: Check for writing (otherwise reading).
 * @fault_va: Set to the faulting VA on -EFAULT or -EIO.
 *
 * Translates every page of the range as an access would, latching the
 * first fault, and checks that each page is backed by memory; so an
 * access of the range that follows, with no change to the page tables in
 * between, cannot fail.
 *
 * Return: 0; -EFAULT on an MMU fault; -EIO on a bus error.
 */
int aiaccel_sim_va_probe(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			 u64 len, bool write, u64 *fault_va)
{
	while (len) {
		u64 chunk = min_t(u64, len, sim_page_left(va));
		u64 dma;
		int ret;

		ret = sim_translate(eng, root, va, write, &dma);
		if (!ret && !pfn_valid(PHYS_PFN(sim_dma_to_phys(eng->sim, dma))))
			ret = -EIO;
		if (ret) {
			*fault_va = va;
			return ret;
		}
		va += chunk;
		len -= chunk;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_va_probe);

/**
 * aiaccel_sim_va_write() - Write to a job's address space, all or nothing.
 * @eng: Engine doing the access.
 * @root: Page-table root of the job.
 * @va: Device VA.
 * @buf: Source.
 * @len: Bytes.
 * @fault_va: Set to the faulting VA on -EFAULT.
 *
 * Every page of the range is translated before any byte is written, so a
 * write that faults changes nothing.
 *
 * Return: 0; -EFAULT on an MMU fault; -EIO on a bus error.
 */
int aiaccel_sim_va_write(struct aiaccel_sim_engine *eng, u64 root, u64 va,
			 const void *buf, size_t len, u64 *fault_va)
{
	u64 page, end = va + len, dma;
	int ret;

	if (!len)
		return 0;
	for (page = va; page < end; page = (page | (AIACCEL_PAGE_SIZE - 1)) + 1) {
		ret = sim_translate(eng, root, page, true, &dma);
		if (ret) {
			*fault_va = page;
			return ret;
		}
	}
	while (len) {
		size_t chunk = min_t(size_t, len, sim_page_left(va));

		ret = sim_translate(eng, root, va, true, &dma);
		if (!ret)
			ret = aiaccel_sim_dma_write(eng->sim, dma, buf, chunk);
		if (ret) {
			*fault_va = va;
			return ret;
		}
		va += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_va_write);
