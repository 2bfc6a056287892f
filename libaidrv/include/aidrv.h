/* SPDX-License-Identifier: MIT */
/*
 * libaidrv - userspace library for aiaccel AI inference accelerators.
 *
 * A thin, documented layer over the aiaccel uAPI
 * (<drm/aiaccel_accel.h>), built on libdrm.  Conventions:
 *
 *  - Every function that can fail returns 0 (or a non-negative count) on
 *    success and a negative errno on failure; none aborts or prints.
 *  - Objects are opaque and created by aidrv_*_open()/..._create(), freed
 *    by the matching close/destroy; the library keeps no global state.
 *  - A device handle may be used from several threads for calls that only
 *    issue ioctls; closing it while in use is the caller's bug.
 *
 * Quick start:
 *
 *	struct aidrv_device *dev;
 *	struct drm_aiaccel_info info;
 *
 *	if (aidrv_open_index(0, &dev) == 0) {
 *		aidrv_get_info(dev, &info);
 *		printf("%u engines\n", info.num_engines);
 *		aidrv_close(dev);
 *	}
 */
#ifndef AIDRV_H
#define AIDRV_H

#include <stddef.h>
#include <stdint.h>

#include <drm/aiaccel_accel.h>
#include <drm/aiaccel_isa.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Directory holding accel device nodes. */
#define AIDRV_ACCEL_DIR "/dev/accel"
/** DRM driver name of aiaccel devices (DRM_IOCTL_VERSION). */
#define AIDRV_DRIVER_NAME "aiaccel"

/** An open aiaccel device. */
struct aidrv_device;

/**
 * aidrv_count_devices() - Number of aiaccel devices on the system.
 *
 * Scans /dev/accel/accel* in minor order and counts the nodes whose DRM
 * driver is "aiaccel" (other accel drivers' nodes are skipped).
 * Returns the count, or a negative errno if the directory cannot be read
 * (-ENOENT when no accel node exists at all).
 */
int aidrv_count_devices(void);

/**
 * aidrv_open_index() - Open the index-th aiaccel device (0-based, in
 * minor order, counting only aiaccel nodes).
 *
 * Returns 0 and sets *dev, -ENODEV if there is no such device, or the
 * errno of open() (e.g. -EACCES without permission on the node).
 */
int aidrv_open_index(unsigned int index, struct aidrv_device **dev);

/**
 * aidrv_open_path() - Open the device node at path.
 *
 * Returns 0 and sets *dev; -ENODEV if the node is not an aiaccel device;
 * or the errno of open().
 */
int aidrv_open_path(const char *path, struct aidrv_device **dev);

/** aidrv_close() - Close a device; NULL is ignored. */
void aidrv_close(struct aidrv_device *dev);

/** aidrv_fd() - The device's file descriptor, for poll() or raw ioctls. */
int aidrv_fd(const struct aidrv_device *dev);

/** aidrv_path() - The device node the handle was opened from. */
const char *aidrv_path(const struct aidrv_device *dev);

/**
 * aidrv_get_info() - Query the device (DRM_IOCTL_AIACCEL_GET_INFO).
 *
 * Fills *info; returns 0 or a negative errno.
 */
int aidrv_get_info(struct aidrv_device *dev, struct drm_aiaccel_info *info);

/**
 * aidrv_driver_version() - The kernel driver's version, as reported by
 * DRM_IOCTL_VERSION: writes major, minor and patch level.
 */
int aidrv_driver_version(struct aidrv_device *dev, int *major, int *minor,
			 int *patch);

/** aidrv_strerror() - Describe a negative errno returned by the library. */
const char *aidrv_strerror(int err);

/* ------------------------------------------------------------------------
 * Models
 *
 * A quantised network in the file format of
 * Documentation/accel/aiaccel/model-format.rst: activation tensors, and
 * layers that map one to one onto ISA ops (isa.rst) with their weights,
 * biases and scales.  A loaded model is immutable; it may be used from
 * several threads at once.
 *
 * The same description drives every executor: aidrv_model_layer_op()
 * turns layer i into the exact ISA op the engines execute, given where the
 * model's data blob and each tensor live (device VAs for the device, host
 * pointers for the CPU).  aidrv_model_run_cpu() runs those ops through the
 * reference implementation (libaidrv/ref), so a device running the stream
 * of aidrv_model_stream() must produce the same bytes.
 *
 *	struct aidrv_model *m;
 *	char err[256];
 *
 *	if (aidrv_model_load_file("digits.aimodel", &m, err, sizeof(err)))
 *		fprintf(stderr, "%s\n", err);
 *	else
 *		aidrv_model_run_cpu(m, images, n, logits), aidrv_model_free(m);
 */

/** AIDRV_MODEL_MAGIC - First 8 bytes of a model file. */
#define AIDRV_MODEL_MAGIC "AIACCMDL"
/** AIDRV_MODEL_VERSION - The model format version this library reads. */
#define AIDRV_MODEL_VERSION 1
/** AIDRV_MODEL_MAX_SIZE - Largest model file accepted, in bytes. */
#define AIDRV_MODEL_MAX_SIZE (1u << 30)
/** AIDRV_MODEL_MAX_TENSORS - Largest tensor count of a model. */
#define AIDRV_MODEL_MAX_TENSORS 4096
/** AIDRV_MODEL_MAX_LAYERS - Largest layer count of a model. */
#define AIDRV_MODEL_MAX_LAYERS 4096
/** AIDRV_MODEL_MAX_RANK - Dimensions of a tensor, not counting the batch. */
#define AIDRV_MODEL_MAX_RANK 3
/** AIDRV_DATASET_MAGIC - First 8 bytes of a data set file (with its NUL). */
#define AIDRV_DATASET_MAGIC "AIACCDS"
/** AIDRV_DATASET_VERSION - The data set format version this library reads. */
#define AIDRV_DATASET_VERSION 1

/** A loaded, validated model. */
struct aidrv_model;

/**
 * struct aidrv_model_tensor - An activation tensor of a model, per image.
 * @index: Index of the tensor in the model.
 * @rank: Number of dimensions, 1 to %AIDRV_MODEL_MAX_RANK.
 * @dims: The dimensions ([h][w][c] for images), @rank of them; the rest 0.
 * @size: Bytes of one image's tensor: the product of @dims, at most 2^28.
 * @zero_point: int8 value that represents 0.0.
 * @scale: Real value of one step, @scale.multiplier * 2^(@scale.shift - 31).
 *
 * Tensors hold int8 values; a batch of n images is n * @size bytes, the
 * images one after the other.
 */
struct aidrv_model_tensor {
	uint32_t index;
	uint32_t rank;
	uint32_t dims[AIDRV_MODEL_MAX_RANK];
	uint32_t size;
	int32_t zero_point;
	struct aiaccel_requant scale;
};

/**
 * struct aidrv_model_layer - A layer of a model.
 * @opcode: The ISA op it runs, %AIACCEL_OP_GEMM .. %AIACCEL_OP_ACTIVATION.
 * @flags: The op's %AIACCEL_OP_F_* flags.
 * @input: Index of the input tensor.
 * @input2: Index of the second input tensor (ADD only; else 0).
 * @output: Index of the output tensor.
 * @weights_size: Bytes of int8 constants (weights, filter or LUT), or 0.
 * @bias_size: Bytes of int32 biases, or 0.
 * @quant_size: Bytes of per-channel scales, or 0.
 * @macs: Multiply-accumulates per image, by the ISA's cost model.
 */
struct aidrv_model_layer {
	uint16_t opcode;
	uint32_t flags;
	uint32_t input;
	uint32_t input2;
	uint32_t output;
	uint32_t weights_size;
	uint32_t bias_size;
	uint32_t quant_size;
	uint64_t macs;
};

/**
 * union aidrv_model_op - One ISA op as it appears in a command stream.
 * @hdr: The header; @hdr.opcode says which member is valid and
 *	@hdr.size how many bytes of the op there are.
 * @gemm: %AIACCEL_OP_GEMM.
 * @conv: %AIACCEL_OP_CONV2D and %AIACCEL_OP_DWCONV2D.
 * @pool: %AIACCEL_OP_MAXPOOL and %AIACCEL_OP_AVGPOOL.
 * @add: %AIACCEL_OP_ADD.
 * @act: %AIACCEL_OP_ACTIVATION.
 */
union aidrv_model_op {
	struct aiaccel_op_header hdr;
	struct aiaccel_op_gemm gemm;
	struct aiaccel_op_conv2d conv;
	struct aiaccel_op_pool pool;
	struct aiaccel_op_add add;
	struct aiaccel_op_activation act;
};

/**
 * struct aidrv_model_addrs - Where an executor keeps a model's memory.
 * @data: Address of a copy of the model's data blob (aidrv_model_data()),
 *	unchanged: weights, biases and scales are read from it at their
 *	offsets, in the blob's little-endian layout.
 * @tensors: Address of each tensor, indexed by tensor index
 *	(aidrv_model_num_tensors() entries); tensor i needs
 *	batch * size bytes there.  Different tensors must not overlap.
 *
 * For the device, addresses are device VAs; for the CPU, host pointers
 * converted to uint64_t.
 */
struct aidrv_model_addrs {
	uint64_t data;
	const uint64_t *tensors;
};

/**
 * struct aidrv_dataset - A labelled set of int8 images (a test set).
 * @count: Number of images, at least 1.
 * @image_size: Bytes per image, at least 1.
 * @num_classes: Number of classes; every label is below it.
 * @images: @count images of @image_size bytes, one after the other.
 * @labels: @count labels.
 */
struct aidrv_dataset {
	uint32_t count;
	uint32_t image_size;
	uint32_t num_classes;
	const int8_t *images;
	const uint8_t *labels;
};

/**
 * aidrv_model_load_mem() - Parse and validate a model held in memory.
 * @buf: The model file's bytes; not referenced after the call.
 * @size: Bytes at @buf.
 * @model: Set to the new model on success, to NULL on failure.
 * @err: Optional buffer for a one-line description of the failure (which
 *	field of which layer is wrong, and why); may be NULL.
 * @err_size: Size of @err; the message is truncated to fit and always
 *	NUL-terminated when @err_size > 0.
 *
 * Every field is checked against model-format.rst: sizes, offsets and
 * counts against the buffer, the checksum, shapes against each other and
 * every op against the ISA's validation rules.
 *
 * Return: 0; -EINVAL if the buffer is not a valid model (or an argument is
 * NULL); -ENOMEM.
 */
int aidrv_model_load_mem(const void *buf, size_t size, struct aidrv_model **model,
			 char *err, size_t err_size);

/**
 * aidrv_model_load_file() - Read, parse and validate a model file.
 * @path: The file.
 * @model: Set to the new model on success, to NULL on failure.
 * @err: Optional buffer for a description of the failure, as for
 *	aidrv_model_load_mem().
 * @err_size: Size of @err.
 *
 * Return: 0; the negative errno of open() or read() (-ENOENT, -EACCES,
 * -EISDIR, -EIO...); or as aidrv_model_load_mem().
 */
int aidrv_model_load_file(const char *path, struct aidrv_model **model,
			  char *err, size_t err_size);

/**
 * aidrv_model_free() - Free a model.
 * @model: The model; NULL is ignored.
 */
void aidrv_model_free(struct aidrv_model *model);

/**
 * aidrv_model_num_tensors() - Number of tensors of a model.
 * @model: The model.
 *
 * Return: The count, at least 2.
 */
unsigned int aidrv_model_num_tensors(const struct aidrv_model *model);

/**
 * aidrv_model_num_layers() - Number of layers of a model.
 * @model: The model.
 *
 * Return: The count, at least 1.
 */
unsigned int aidrv_model_num_layers(const struct aidrv_model *model);

/**
 * aidrv_model_tensor() - Describe a tensor.
 * @model: The model.
 * @index: Tensor index, below aidrv_model_num_tensors().
 * @tensor: Filled in.
 *
 * Return: 0 or -EINVAL (bad index or NULL argument).
 */
int aidrv_model_tensor(const struct aidrv_model *model, unsigned int index,
		       struct aidrv_model_tensor *tensor);

/**
 * aidrv_model_input() - Describe the model's input tensor.
 * @model: The model.
 * @tensor: Filled in.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_input(const struct aidrv_model *model,
		      struct aidrv_model_tensor *tensor);

/**
 * aidrv_model_output() - Describe the model's output tensor.
 * @model: The model.
 * @tensor: Filled in.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_output(const struct aidrv_model *model,
		       struct aidrv_model_tensor *tensor);

/**
 * aidrv_model_layer() - Describe a layer.
 * @model: The model.
 * @index: Layer index, below aidrv_model_num_layers(); layers run in
 *	index order.
 * @layer: Filled in.
 *
 * Return: 0 or -EINVAL.
 */
int aidrv_model_layer(const struct aidrv_model *model, unsigned int index,
		      struct aidrv_model_layer *layer);

/**
 * aidrv_model_data() - The model's data blob: weights, biases, scales.
 * @model: The model.
 * @size: Set to the blob's size in bytes (may be 0); may be NULL.
 *
 * An executor copies the blob, as is, to memory its engines can read and
 * passes that address as &aidrv_model_addrs.data.
 *
 * Return: The blob, valid until aidrv_model_free(); 8-byte aligned.
 */
const void *aidrv_model_data(const struct aidrv_model *model, size_t *size);

/**
 * aidrv_model_max_batch() - Largest batch the model can run in one go.
 * @model: The model.
 *
 * The ISA limits every tensor an op touches to 2^28 bytes; the largest
 * tensor of the model, times the batch, must fit.
 *
 * Return: The largest valid batch, at least 1.
 */
uint32_t aidrv_model_max_batch(const struct aidrv_model *model);

/**
 * aidrv_model_layer_op() - The ISA op that runs a layer.
 * @model: The model.
 * @index: Layer index.
 * @batch: Images per run, 1 .. aidrv_model_max_batch().
 * @addrs: Where the data blob and the tensors are.
 * @op: Filled in with the complete op (header included); @op->hdr.size
 *	bytes of it form the op in a command stream.
 *
 * This is the one mapping from layers to ops: the CPU executor and device
 * executors both use it, so they run identical ops.
 *
 * Return: 0; -EINVAL for a bad argument; -E2BIG if @batch is too large.
 */
int aidrv_model_layer_op(const struct aidrv_model *model, unsigned int index,
			 uint32_t batch, const struct aidrv_model_addrs *addrs,
			 union aidrv_model_op *op);

/**
 * aidrv_model_stream() - The command stream that runs the whole model.
 * @model: The model.
 * @batch: Images per run, 1 .. aidrv_model_max_batch().
 * @addrs: Where the data blob and the tensors are.
 * @buf: Where to write the stream; NULL to ask for its size only.
 * @size: Bytes at @buf.
 *
 * The stream is the ops of aidrv_model_layer_op() for every layer, in
 * order, one after the other, ready to be placed in device memory at any
 * 8-byte aligned address and submitted.
 *
 * Return: The size of the stream in bytes (a multiple of 8); -ENOSPC if
 * @buf is not NULL and @size is smaller than that; -EINVAL or -E2BIG as
 * aidrv_model_layer_op().
 */
int aidrv_model_stream(const struct aidrv_model *model, uint32_t batch,
		       const struct aidrv_model_addrs *addrs, void *buf,
		       size_t size);

/**
 * aidrv_model_run_cpu() - Run a model on the CPU, with the reference ops.
 * @model: The model.
 * @input: @batch images of the input tensor's size, one after the other.
 * @batch: Number of images, 1 .. aidrv_model_max_batch().
 * @output: Room for @batch results of the output tensor's size.
 *
 * Executes the ops of aidrv_model_layer_op() with the reference
 * implementation of the ISA (libaidrv/ref): the results a device must
 * reproduce bit for bit.
 *
 * Return: 0; -EINVAL for a bad argument; -E2BIG if @batch is too large;
 * -ENOMEM.
 */
int aidrv_model_run_cpu(const struct aidrv_model *model, const int8_t *input,
			uint32_t batch, int8_t *output);

/**
 * aidrv_model_op_name() - Name of an ISA opcode.
 * @opcode: An %AIACCEL_OP_* value.
 *
 * Return: "GEMM", "CONV2D", ... or "?" for an unknown opcode.
 */
const char *aidrv_model_op_name(uint16_t opcode);

/**
 * aidrv_argmax_s8() - Index of the largest of n int8 values.
 * @values: The values, e.g. the logits of one image.
 * @n: How many; 0 returns 0.
 *
 * Return: The index of the first maximum (ties go to the lowest index).
 */
unsigned int aidrv_argmax_s8(const int8_t *values, unsigned int n);

/**
 * aidrv_dataset_load_mem() - Parse and validate a data set in memory.
 * @buf: The data set file's bytes (model-format.rst, "Data set files");
 *	not referenced after the call.
 * @size: Bytes at @buf.
 * @set: Set to the new data set on success, to NULL on failure.
 * @err: Optional buffer for a description of the failure.
 * @err_size: Size of @err.
 *
 * Return: 0; -EINVAL if the buffer is not a valid data set; -ENOMEM.
 */
int aidrv_dataset_load_mem(const void *buf, size_t size,
			   struct aidrv_dataset **set, char *err,
			   size_t err_size);

/**
 * aidrv_dataset_load_file() - Read, parse and validate a data set file.
 * @path: The file.
 * @set: Set to the new data set on success, to NULL on failure.
 * @err: Optional buffer for a description of the failure.
 * @err_size: Size of @err.
 *
 * Return: 0; the negative errno of open() or read(); or as
 * aidrv_dataset_load_mem().
 */
int aidrv_dataset_load_file(const char *path, struct aidrv_dataset **set,
			    char *err, size_t err_size);

/**
 * aidrv_dataset_free() - Free a data set.
 * @set: The data set; NULL is ignored.
 */
void aidrv_dataset_free(struct aidrv_dataset *set);

#ifdef __cplusplus
}
#endif

#endif /* AIDRV_H */
