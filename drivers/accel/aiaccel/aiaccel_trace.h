/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel tracepoints: jobs through their life, engine resets, power.
 *
 *   echo 1 > /sys/kernel/tracing/events/aiaccel/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM aiaccel

#if !defined(__AIACCEL_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __AIACCEL_TRACE_H__

#include <linux/tracepoint.h>

TRACE_EVENT(aiaccel_job_submit,
	    TP_PROTO(u64 client, u32 engine, u32 priority, u32 cs_size, u32 nbos),
	    TP_ARGS(client, engine, priority, cs_size, nbos),
	    TP_STRUCT__entry(__field(u64, client)
			     __field(u32, engine)
			     __field(u32, priority)
			     __field(u32, cs_size)
			     __field(u32, nbos)),
	    TP_fast_assign(__entry->client = client;
			   __entry->engine = engine;
			   __entry->priority = priority;
			   __entry->cs_size = cs_size;
			   __entry->nbos = nbos;),
	    TP_printk("client=%llu engine=%d priority=%u cs_size=%u bos=%u",
		      __entry->client, (int)__entry->engine, __entry->priority,
		      __entry->cs_size, __entry->nbos));

TRACE_EVENT(aiaccel_job_run,
	    TP_PROTO(u32 engine, u64 seqno, u64 cs_va),
	    TP_ARGS(engine, seqno, cs_va),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u64, seqno)
			     __field(u64, cs_va)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->seqno = seqno;
			   __entry->cs_va = cs_va;),
	    TP_printk("engine=%u seqno=%llu cs_va=0x%llx",
		      __entry->engine, __entry->seqno, __entry->cs_va));

TRACE_EVENT(aiaccel_job_done,
	    TP_PROTO(u32 engine, u64 seqno, int error, u64 busy_ns, u64 cycles),
	    TP_ARGS(engine, seqno, error, busy_ns, cycles),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u64, seqno)
			     __field(int, error)
			     __field(u64, busy_ns)
			     __field(u64, cycles)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->seqno = seqno;
			   __entry->error = error;
			   __entry->busy_ns = busy_ns;
			   __entry->cycles = cycles;),
	    TP_printk("engine=%u seqno=%llu error=%d busy_ns=%llu cycles=%llu",
		      __entry->engine, __entry->seqno, __entry->error,
		      __entry->busy_ns, __entry->cycles));

TRACE_EVENT(aiaccel_job_error,
	    TP_PROTO(u32 engine, u32 hw_seqno, u32 code, u32 op_index),
	    TP_ARGS(engine, hw_seqno, code, op_index),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, hw_seqno)
			     __field(u32, code)
			     __field(u32, op_index)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->hw_seqno = hw_seqno;
			   __entry->code = code;
			   __entry->op_index = op_index;),
	    TP_printk("engine=%u seqno=%u code=%u op=%u", __entry->engine,
		      __entry->hw_seqno, __entry->code, __entry->op_index));

TRACE_EVENT(aiaccel_engine_reset,
	    TP_PROTO(u32 engine, u64 guilty_seqno),
	    TP_ARGS(engine, guilty_seqno),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u64, guilty_seqno)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->guilty_seqno = guilty_seqno;),
	    TP_printk("engine=%u guilty_seqno=%llu", __entry->engine,
		      __entry->guilty_seqno));

TRACE_EVENT(aiaccel_power,
	    TP_PROTO(bool on, u32 mode),
	    TP_ARGS(on, mode),
	    TP_STRUCT__entry(__field(bool, on)
			     __field(u32, mode)),
	    TP_fast_assign(__entry->on = on;
			   __entry->mode = mode;),
	    TP_printk("%s mode=%u", __entry->on ? "on" : "off", __entry->mode));

#endif /* __AIACCEL_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE aiaccel_trace
#include <trace/define_trace.h>
