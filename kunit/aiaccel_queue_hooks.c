// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test hooks of aiaccel_queue.c for the KUnit suites: included at the end
 * of that file, and only when the suites are built, so that they reach its
 * static helpers while a production build contains none of them.
 */

#include "aiaccel_kunit_hooks.h"

/**
 * aiaccel_queue_set_seqno() - Move an idle queue's seqnos to @seqno.
 * @q: The queue; no job of it may be in the ring.
 * @seqno: The new last emitted and last retired seqno.
 *
 * For KUnit, which runs jobs across the device's 32-bit seqno wrap (and
 * the driver's 64-bit seqno past 2^32) without 2^32 jobs first.  The queue
 * is disabled and reprogrammed where it stands, with Q_DONE_SEQNO holding
 * the low bits of @seqno, as after an engine reset.
 *
 * Return: 0, -EBUSY if a job is in the ring, or an errno from powering up.
 */
int aiaccel_queue_set_seqno(struct aiaccel_queue *q, u64 seqno)
{
	int ret;

	ret = aiaccel_pm_get(q->adev);
	if (ret)
		return ret;
	scoped_guard(spinlock_irqsave, &q->lock) {
		if (list_empty(&q->pending)) {
			q->emitted = seqno;
			q->retired = seqno;
			/* Q_DONE_SEQNO is writable only while the queue is disabled. */
			regmap_write(q->adev->regs, q_reg(q, AIACCEL_Q_CTRL), 0);
			queue_program_locked(q, q->tail, lower_32_bits(seqno));
		} else {
			ret = -EBUSY;
		}
	}
	aiaccel_pm_put(q->adev);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_queue_set_seqno);
