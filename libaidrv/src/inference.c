// SPDX-License-Identifier: MIT
/*
 * libaidrv: the device executor of models (aidrv_inference_*) and its
 * zero-copy bindings (aidrv_binding_*).
 *
 * An executor binds a loaded model to a device for a maximum batch:
 *
 *  - the model's data section, copied once into a device-read-only
 *    buffer shared by every job;
 *  - for aidrv_inference_run(), made at its first call, "slots", one per
 *    engine (two to four; one if single-buffered), each
 *    a set of buffers, one per activation tensor sized for the batch, and
 *    a device-read-only buffer holding the command stream
 *    aidrv_model_stream() builds with those buffers' device VAs (rebuilt
 *    in place when a batch of another size comes).
 *
 * A run splits the images into batches, given to the slots in turn: batch
 * i + 1 is copied in and submitted while batch i runs, so the CPU's copies
 * and the engines overlap, and each slot's jobs go to its own engine so
 * that the engines run batches side by side.  A slot is only reused once
 * its previous job is done and its outputs copied out.  Jobs
 * list every buffer they touch with the access the model's layers make,
 * so the kernel keeps them mapped and orders them after other users.
 *
 * A binding is one more such set of buffers, except that the input and
 * output tensors are the caller's buffers (at an offset): its command
 * stream is written once, and each aidrv_binding_submit() is one
 * SUBMIT with the caller's dependencies.  Nothing is copied and nothing
 * waits.  A binding's jobs share its buffers in between, so each waits
 * for the one before through a syncobj of the binding's (implicit sync
 * would order them too, but the caller may turn it off).
 *
 * The ops are those of aidrv_model_layer_op(), exactly as the CPU
 * executor runs them: nothing here derives an op parameter.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"
#include "internal.h"

#define SLOTS_MAX	4
/* aidrv_inference_run_once()'s batch: enough to keep an engine busy per job. */
#define ONESHOT_BATCH	256

struct inference_slot {
	struct aidrv_bo **tensors;	/* per tensor index */
	void *in_map, *out_map;
	struct aidrv_bo *cs_bo;
	void *cs_map;
	uint32_t cs_batch;		/* batch the stream is built for, 0: none */
	uint64_t cs_size;
	struct aidrv_job_bo *job_bos;	/* data (if any) and every tensor */
	unsigned int job_bo_count;
	uint32_t engine;		/* where its jobs run, if pinned */
	bool pinned;			/* to @engine; else any engine */
	/* The job in flight in this slot, if any. */
	struct aidrv_job *job;
	int8_t *dst;			/* where its outputs go; NULL: discard */
	uint32_t n;			/* its images */
};

struct aidrv_inference {
	struct aidrv_device *dev;
	const struct aidrv_model *model;
	uint32_t max_batch;
	unsigned int num_tensors;
	unsigned int nslots;		/* slots made, 0 until the first run */
	unsigned int want_slots;
	unsigned int next;		/* slot of the next batch */
	struct aidrv_model_tensor in, out;
	struct aidrv_bo *data_bo;
	uint32_t *access;		/* DRM_AIACCEL_SUBMIT_BO_* per tensor */
	uint64_t *vas;			/* scratch: tensor VAs of one slot */
	struct inference_slot slot[SLOTS_MAX];
};

struct aidrv_binding {
	struct aidrv_inference *inf;
	struct aidrv_bo **tensors;	/* per tensor index, referenced */
	struct aidrv_bo *cs_bo;
	uint64_t cs_size;
	struct aidrv_job_bo *job_bos;
	unsigned int job_bo_count;
	uint32_t order;			/* syncobj: the binding's last job */
};

/* Device access of each tensor by the model's layers. */
static int tensor_access(const struct aidrv_model *m, uint32_t *access)
{
	struct aidrv_model_layer l;
	unsigned int i;
	int ret;

	for (i = 0; i < aidrv_model_num_layers(m); i++) {
		ret = aidrv_model_layer(m, i, &l, sizeof(l));
		if (ret)
			return ret;
		access[l.input] |= DRM_AIACCEL_SUBMIT_BO_READ;
		if (l.opcode == AIACCEL_OP_ADD)
			access[l.input2] |= DRM_AIACCEL_SUBMIT_BO_READ;
		access[l.output] |= DRM_AIACCEL_SUBMIT_BO_WRITE;
	}
	return 0;
}

static void slot_fini(struct inference_slot *s, unsigned int num_tensors)
{
	unsigned int i;

	/*
	 * A job still in flight (its wait timed out) holds its own
	 * references to the buffers; forgetting it is safe.
	 */
	aidrv_job_free(s->job);
	s->job = NULL;
	if (s->tensors)
		for (i = 0; i < num_tensors; i++)
			aidrv_bo_free(s->tensors[i]);	/* unmaps too */
	aidrv_bo_free(s->cs_bo);
	free(s->tensors);
	free(s->job_bos);
	memset(s, 0, sizeof(*s));
}

static int slot_init(struct aidrv_inference *inf, struct inference_slot *s)
{
	const uint32_t *access = inf->access;
	const struct aidrv_model *m = inf->model;
	struct aidrv_model_addrs addrs;
	struct aidrv_model_tensor t;
	unsigned int i, nb = 0;
	void *map;
	int ret;

	s->tensors = calloc(inf->num_tensors, sizeof(*s->tensors));
	s->job_bos = calloc(inf->num_tensors + 1, sizeof(*s->job_bos));
	if (!s->tensors || !s->job_bos)
		return -ENOMEM;
	if (inf->data_bo)
		s->job_bos[nb++] = (struct aidrv_job_bo){ inf->data_bo,
							  DRM_AIACCEL_SUBMIT_BO_READ };
	for (i = 0; i < inf->num_tensors; i++) {
		ret = aidrv_model_tensor(m, i, &t, sizeof(t));
		if (ret)
			return ret;
		/* t.size * max_batch <= 2^28: aidrv_model_max_batch(). */
		ret = aidrv_bo_create(inf->dev, (uint64_t)t.size * inf->max_batch,
				      access[i] & DRM_AIACCEL_SUBMIT_BO_WRITE ?
				      0 : DRM_AIACCEL_BO_DEVICE_READ_ONLY,
				      &s->tensors[i]);
		if (ret)
			return ret;
		inf->vas[i] = aidrv_bo_va(s->tensors[i]);
		s->job_bos[nb++] = (struct aidrv_job_bo){ s->tensors[i], access[i] };
		if (i == inf->in.index || i == inf->out.index) {
			ret = aidrv_bo_map(s->tensors[i], &map);
			if (ret)
				return ret;
			if (i == inf->in.index)
				s->in_map = map;
			else
				s->out_map = map;
		}
	}
	s->job_bo_count = nb;

	/* The stream's size does not depend on the batch. */
	addrs.size = sizeof(addrs);
	addrs.data = inf->data_bo ? aidrv_bo_va(inf->data_bo) : 0;
	addrs.tensors = inf->vas;
	ret = aidrv_model_stream(m, inf->max_batch, &addrs, NULL, 0);
	if (ret < 0)
		return ret;
	if (ret == 0 || (unsigned int)ret > inf->dev->max_cs_size)
		return -E2BIG;
	s->cs_size = (uint64_t)ret;
	ret = aidrv_bo_create(inf->dev, s->cs_size, DRM_AIACCEL_BO_DEVICE_READ_ONLY,
			      &s->cs_bo);
	if (ret)
		return ret;
	return aidrv_bo_map(s->cs_bo, &s->cs_map);
}

/* Write the slot's command stream for a batch of n, if not there yet. */
static int slot_stream(struct aidrv_inference *inf, struct inference_slot *s,
		       uint32_t n)
{
	struct aidrv_model_addrs addrs;
	unsigned int i;
	int ret;

	if (s->cs_batch == n)
		return 0;
	for (i = 0; i < inf->num_tensors; i++)
		inf->vas[i] = aidrv_bo_va(s->tensors[i]);
	addrs.size = sizeof(addrs);
	addrs.data = inf->data_bo ? aidrv_bo_va(inf->data_bo) : 0;
	addrs.tensors = inf->vas;
	/* No job of this slot is in flight: the buffer is free to rewrite. */
	s->cs_batch = 0;
	ret = aidrv_model_stream(inf->model, n, &addrs, s->cs_map, s->cs_size);
	if (ret < 0)
		return ret;
	if ((uint64_t)ret != s->cs_size)
		return -EIO;	/* cannot happen: sizes are batch-independent */
	s->cs_batch = n;
	return 0;
}

int aidrv_inference_create(struct aidrv_device *dev, const struct aidrv_model *model,
			   uint32_t max_batch, uint32_t flags,
			   struct aidrv_inference **out)
{
	struct drm_aiaccel_info info;
	struct aidrv_inference *inf;
	const void *data;
	size_t data_size;
	unsigned int i;
	void *map;
	int ret;

	if (out)
		*out = NULL;
	if (!dev || !model || !out || !max_batch || (flags & ~AIDRV_INFERENCE_FLAGS))
		return -EINVAL;
	if (max_batch > aidrv_model_max_batch(model))
		return -E2BIG;

	inf = calloc(1, sizeof(*inf));
	if (!inf)
		return -ENOMEM;
	inf->dev = dev;
	inf->model = model;
	inf->max_batch = max_batch;
	inf->num_tensors = aidrv_model_num_tensors(model);
	ret = aidrv_device_get_info(dev, &info, sizeof(info));
	if (ret)
		goto err;
	/*
	 * A slot per engine, at least two.  A job for "any engine" goes to
	 * the engine its submitter's queue is on while that queue has jobs
	 * (drm_sched picks another only for an idle queue), so batches in
	 * flight together would all run on one engine: each slot gets an
	 * engine of its own instead.
	 */
	if (flags & AIDRV_INFERENCE_SINGLE_BUFFER)
		inf->want_slots = 1;
	else
		inf->want_slots = info.num_engines < 2 ? 2 :
				  info.num_engines > SLOTS_MAX ? SLOTS_MAX : info.num_engines;
	for (i = 0; i < inf->want_slots; i++) {
		inf->slot[i].pinned = inf->want_slots > 1 && info.num_engines > 1;
		inf->slot[i].engine = inf->slot[i].pinned ? i % info.num_engines : 0;
	}
	ret = aidrv_model_input(model, &inf->in, sizeof(inf->in));
	if (!ret)
		ret = aidrv_model_output(model, &inf->out, sizeof(inf->out));
	if (ret)
		goto err;
	inf->vas = calloc(inf->num_tensors, sizeof(*inf->vas));
	inf->access = calloc(inf->num_tensors, sizeof(*inf->access));
	if (!inf->vas || !inf->access) {
		ret = -ENOMEM;
		goto err;
	}
	ret = tensor_access(model, inf->access);
	if (ret)
		goto err;

	/* The data section, as is, once for every slot and binding. */
	data = aidrv_model_data(model, &data_size);
	if (data_size) {
		ret = aidrv_bo_create(dev, data_size, DRM_AIACCEL_BO_DEVICE_READ_ONLY,
				      &inf->data_bo);
		if (ret)
			goto err;
		ret = aidrv_bo_map(inf->data_bo, &map);
		if (ret)
			goto err;
		memcpy(map, data, data_size);
		aidrv_bo_unmap(inf->data_bo);
	}
	*out = inf;
	return 0;

err:
	aidrv_inference_free(inf);
	return ret;
}

void aidrv_inference_free(struct aidrv_inference *inf)
{
	unsigned int i;

	if (!inf)
		return;
	for (i = 0; i < SLOTS_MAX; i++)
		slot_fini(&inf->slot[i], inf->num_tensors);
	aidrv_bo_free(inf->data_bo);
	free(inf->vas);
	free(inf->access);
	free(inf);
}

uint32_t aidrv_inference_max_batch(const struct aidrv_inference *inf)
{
	return inf ? inf->max_batch : 0;
}

const struct aidrv_model *aidrv_inference_model(const struct aidrv_inference *inf)
{
	return inf ? inf->model : NULL;
}

/*
 * Wait for the slot's job and collect it: copy its outputs out (unless
 * discarded) and forget it.  Returns 0 or the job's error; -ETIME (or
 * -EINTR) leaves the job in the slot, its outputs to be discarded.
 */
static int slot_finish(struct aidrv_inference *inf, struct inference_slot *s,
		       int64_t deadline)
{
	int ret;

	if (!s->job)
		return 0;
	ret = aidrv_job_wait(s->job, deadline, AIDRV_WAIT_ABSOLUTE);
	if (ret) {
		s->dst = NULL;
		return ret;
	}
	ret = aidrv_job_status(s->job);
	if (!ret && s->dst)
		memcpy(s->dst, s->out_map, (size_t)s->n * inf->out.size);
	aidrv_job_free(s->job);
	s->job = NULL;
	s->dst = NULL;
	return ret;
}

static int slot_submit(struct aidrv_inference *inf, struct inference_slot *s,
		       const int8_t *input, uint32_t n, int8_t *dst)
{
	struct aidrv_submit sub;
	int ret;

	ret = slot_stream(inf, s, n);
	if (ret)
		return ret;
	memcpy(s->in_map, input, (size_t)n * inf->in.size);
	aidrv_submit_init(&sub, sizeof(sub));
	sub.cs_bo = s->cs_bo;
	sub.cs_size = s->cs_size;
	sub.bos = s->job_bos;
	sub.bo_count = s->job_bo_count;
	sub.engine = s->engine;
	if (s->pinned)
		sub.flags |= DRM_AIACCEL_SUBMIT_ENGINE;
	ret = aidrv_job_submit(inf->dev, &sub, &s->job);
	if (ret)
		return ret;
	s->dst = dst;
	s->n = n;
	return 0;
}

int aidrv_inference_run(struct aidrv_inference *inf, const int8_t *input,
			uint32_t count, int8_t *output, int64_t timeout_ns)
{
	struct inference_slot *s;
	int64_t deadline, now;
	uint32_t done, n;
	unsigned int i;
	int ret = 0, r;

	if (!inf || !input || !output || !count || timeout_ns < 0)
		return -EINVAL;
	if (timeout_ns == AIDRV_TIMEOUT_INFINITE) {
		deadline = AIDRV_TIMEOUT_INFINITE;
	} else {
		now = aidrv_now_ns();
		deadline = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
	}

	/* The buffer sets, at the first run. */
	for (; inf->nslots < inf->want_slots; inf->nslots++) {
		ret = slot_init(inf, &inf->slot[inf->nslots]);
		if (ret) {
			slot_fini(&inf->slot[inf->nslots], inf->num_tensors);
			return ret;
		}
	}

	/* Jobs an earlier run gave up waiting for must end first. */
	for (i = 0; i < inf->nslots; i++) {
		ret = slot_finish(inf, &inf->slot[i], deadline);
		if (ret == -ETIME || ret == -EINTR)
			return ret;
	}
	ret = 0;

	for (done = 0; done < count; done += n) {
		n = count - done < inf->max_batch ? count - done : inf->max_batch;
		s = &inf->slot[inf->next];
		ret = slot_finish(inf, s, deadline);
		if (ret)
			break;
		ret = slot_submit(inf, s, input + (size_t)done * inf->in.size, n,
				  output + (size_t)done * inf->out.size);
		if (ret)
			break;
		inf->next = (inf->next + 1) % inf->nslots;
	}

	/* Collect the rest in submission order; on error, just wait. */
	for (i = 0; i < inf->nslots; i++) {
		s = &inf->slot[(inf->next + i) % inf->nslots];
		if (ret)
			s->dst = NULL;
		r = slot_finish(inf, s, deadline);
		if (!ret)
			ret = r;
	}
	return ret;
}

int aidrv_inference_run_once(struct aidrv_device *dev, const struct aidrv_model *model,
			     const int8_t *input, uint32_t count, int8_t *output,
			     int64_t timeout_ns)
{
	struct aidrv_inference *inf;
	uint32_t batch;
	int ret;

	if (!dev || !model || !input || !output || !count || timeout_ns < 0)
		return -EINVAL;
	batch = count < ONESHOT_BATCH ? count : ONESHOT_BATCH;
	if (batch > aidrv_model_max_batch(model))
		batch = aidrv_model_max_batch(model);
	ret = aidrv_inference_create(dev, model, batch,
				     count > batch ? 0 : AIDRV_INFERENCE_SINGLE_BUFFER,
				     &inf);
	if (ret)
		return ret;
	ret = aidrv_inference_run(inf, input, count, output, timeout_ns);
	aidrv_inference_free(inf);
	return ret;
}

/*
 * Bindings.
 */

void aidrv_binding_free(struct aidrv_binding *b)
{
	unsigned int i;

	if (!b)
		return;
	/* Ours, and the references taken on the caller's two. */
	for (i = 0; b->tensors && i < b->inf->num_tensors; i++)
		aidrv_bo_free(b->tensors[i]);
	if (b->order)
		aidrv_syncobj_free(b->inf->dev, b->order);
	aidrv_bo_free(b->cs_bo);
	free(b->tensors);
	free(b->job_bos);
	free(b);
}

/* Does [off, off + len) fit in the buffer? */
static bool fits(const struct aidrv_bo *bo, uint64_t off, uint64_t len)
{
	return off <= aidrv_bo_size(bo) && len <= aidrv_bo_size(bo) - off;
}

int aidrv_binding_create(struct aidrv_inference *inf, const struct aidrv_bind *bind,
			 struct aidrv_binding **out)
{
	const struct aidrv_model *m;
	struct aidrv_model_addrs addrs;
	struct aidrv_model_tensor t;
	struct aidrv_binding *b;
	uint64_t in_len, out_len;
	struct aidrv_bind bd;
	unsigned int i, nb = 0;
	void *map;
	int ret;

	if (out)
		*out = NULL;
	if (!inf || !bind || !out)
		return -EINVAL;
	ret = aidrv_copy_in(&bd, sizeof(bd), bind, sizeof(bd));
	if (ret)
		return ret;
	m = inf->model;
	in_len = (uint64_t)bd.batch * inf->in.size;
	out_len = (uint64_t)bd.batch * inf->out.size;
	if (!bd.batch || bd.batch > inf->max_batch || !bd.input || !bd.output ||
	    aidrv_bo_device(bd.input) != inf->dev || aidrv_bo_device(bd.output) != inf->dev ||
	    !fits(bd.input, bd.input_offset, in_len) || !fits(bd.output, bd.output_offset, out_len))
		return -EINVAL;
	if (bd.input == bd.output && bd.input_offset < bd.output_offset + out_len &&
	    bd.output_offset < bd.input_offset + in_len)
		return -EINVAL;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->inf = inf;
	b->tensors = calloc(inf->num_tensors, sizeof(*b->tensors));
	b->job_bos = calloc(inf->num_tensors + 1, sizeof(*b->job_bos));
	if (!b->tensors || !b->job_bos) {
		ret = -ENOMEM;
		goto err;
	}
	if (inf->data_bo)
		b->job_bos[nb++] = (struct aidrv_job_bo){ inf->data_bo,
							  DRM_AIACCEL_SUBMIT_BO_READ };
	for (i = 0; i < inf->num_tensors; i++) {
		if (i == inf->in.index || i == inf->out.index) {
			b->tensors[i] = aidrv_bo_ref(i == inf->in.index ? bd.input : bd.output);
			inf->vas[i] = aidrv_bo_va(b->tensors[i]) +
				      (i == inf->in.index ? bd.input_offset : bd.output_offset);
		} else {
			ret = aidrv_model_tensor(m, i, &t, sizeof(t));
			if (ret)
				goto err;
			ret = aidrv_bo_create(inf->dev, (uint64_t)t.size * bd.batch,
					      inf->access[i] & DRM_AIACCEL_SUBMIT_BO_WRITE ?
					      0 : DRM_AIACCEL_BO_DEVICE_READ_ONLY, &b->tensors[i]);
			if (ret)
				goto err;
			inf->vas[i] = aidrv_bo_va(b->tensors[i]);
		}
		b->job_bos[nb++] = (struct aidrv_job_bo){ b->tensors[i], inf->access[i] };
	}
	b->job_bo_count = nb;

	addrs.size = sizeof(addrs);
	addrs.data = inf->data_bo ? aidrv_bo_va(inf->data_bo) : 0;
	addrs.tensors = inf->vas;
	ret = aidrv_model_stream(m, bd.batch, &addrs, NULL, 0);
	if (ret < 0)
		goto err;
	if (ret == 0 || (unsigned int)ret > inf->dev->max_cs_size) {
		ret = -E2BIG;
		goto err;
	}
	b->cs_size = (uint64_t)ret;
	ret = aidrv_bo_create(inf->dev, b->cs_size, DRM_AIACCEL_BO_DEVICE_READ_ONLY, &b->cs_bo);
	if (!ret)
		ret = aidrv_bo_map(b->cs_bo, &map);
	if (ret)
		goto err;
	ret = aidrv_model_stream(m, bd.batch, &addrs, map, b->cs_size);
	aidrv_bo_unmap(b->cs_bo);
	if (ret < 0)
		goto err;
	/* Signalled: the first job waits for nothing of the binding's. */
	ret = aidrv_syncobj_create(inf->dev, DRM_SYNCOBJ_CREATE_SIGNALED, &b->order);
	if (ret)
		goto err;
	*out = b;
	return 0;

err:
	aidrv_binding_free(b);
	return ret;
}

int aidrv_binding_submit(struct aidrv_binding *b, const struct aidrv_submit *s,
			 struct aidrv_job **job)
{
	struct aidrv_sync *syncs = NULL;
	struct aidrv_submit sub;
	unsigned int nin, nout;
	int ret;

	if (job)
		*job = NULL;
	if (!b)
		return -EINVAL;
	if (s) {
		ret = aidrv_copy_in(&sub, sizeof(sub), s, sizeof(sub));
		if (ret)
			return ret;
		if (sub.cs || sub.cs_bo || sub.cs_offset || sub.cs_size || sub.bos || sub.bo_count ||
		    (sub.in_sync_count && !sub.in_syncs) || (sub.out_sync_count && !sub.out_syncs) ||
		    sub.in_sync_count >= b->inf->dev->max_submit_syncs ||
		    sub.out_sync_count >= b->inf->dev->max_submit_syncs)
			return -EINVAL;
	} else {
		aidrv_submit_init(&sub, sizeof(sub));
	}
	/* After the binding's last job, and the next one's to wait for. */
	nin = sub.in_sync_count + 1;
	nout = sub.out_sync_count + 1;
	syncs = calloc(nin + nout, sizeof(*syncs));
	if (!syncs)
		return -ENOMEM;
	if (sub.in_sync_count)
		memcpy(syncs, sub.in_syncs, sub.in_sync_count * sizeof(*syncs));
	syncs[nin - 1] = (struct aidrv_sync){ .handle = b->order };
	if (sub.out_sync_count)
		memcpy(syncs + nin, sub.out_syncs, sub.out_sync_count * sizeof(*syncs));
	syncs[nin + nout - 1] = (struct aidrv_sync){ .handle = b->order };
	sub.in_syncs = syncs;
	sub.in_sync_count = nin;
	sub.out_syncs = syncs + nin;
	sub.out_sync_count = nout;
	sub.cs_bo = b->cs_bo;
	sub.cs_size = b->cs_size;
	sub.bos = b->job_bos;
	sub.bo_count = b->job_bo_count;
	ret = aidrv_job_submit(b->inf->dev, &sub, job);
	free(syncs);
	return ret;
}
