/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aiaccel: devcoredump of a hang.
 */
#ifndef __AIACCEL_COREDUMP_H__
#define __AIACCEL_COREDUMP_H__

#include <linux/sched.h>
#include <linux/types.h>

struct aiaccel_mapping;
struct aiaccel_queue;

/* The first line of a dump is "AIACCEL DEVCOREDUMP <version>". */
#define AIACCEL_COREDUMP_VERSION	1

/**
 * struct aiaccel_coredump_job - What a dump tells of the guilty job.
 * @seqno: Its 64-bit seqno on the engine.
 * @cs_va: Device VA of its command stream.
 * @cs_size: Bytes of command stream.
 * @cs_mapping: Mapping of the buffer holding the command stream, or NULL.
 * @client_id: DRM client id of the file that submitted it.
 * @pid: Thread group of the submitter.
 * @comm: Its name.
 */
struct aiaccel_coredump_job {
	u64 seqno;
	u64 cs_va;
	u32 cs_size;
	struct aiaccel_mapping *cs_mapping;
	u64 client_id;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

void aiaccel_coredump_hang(struct aiaccel_queue *q, const struct aiaccel_coredump_job *cj);

#endif /* __AIACCEL_COREDUMP_H__ */
