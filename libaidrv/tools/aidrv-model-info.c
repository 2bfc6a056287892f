// SPDX-License-Identifier: MIT
/*
 * aidrv-model-info: validate a model file and describe its tensors and
 * layers; with a data set, also run it on the CPU reference and print the
 * accuracy.  Needs no device.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidrv.h"
#include "tool.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: aidrv-model-info [-h|--help] MODEL [DATASET]\n"
		"\n"
		"Check MODEL (Documentation/accel/aiaccel/model-format.rst) and print\n"
		"its tensors and layers.  With DATASET, run every image through the\n"
		"CPU reference executor and print the accuracy.\n"
		"\n"
		"Exit status: 0 on success, 2 on bad usage, 4 if a file is unreadable\n"
		"or invalid (the exit codes of every aidrv tool).\n");
}

static void print_tensor(const struct aidrv_model_tensor *t, const char *role)
{
	unsigned int d;

	printf("  t%-3u [", t->index);
	for (d = 0; d < t->rank; d++)
		printf("%s%u", d ? "x" : "", t->dims[d]);
	printf("] %u bytes, zero point %d, scale %d * 2^(%d - 31)%s\n", t->size,
	       t->zero_point, t->scale.multiplier, t->scale.shift, role);
}

static int run_dataset(const struct aidrv_model *m, const char *path)
{
	struct aidrv_model_tensor in, out;
	struct aidrv_dataset *set;
	char err[512];
	uint32_t batch, i, n, correct = 0;
	int8_t *logits;
	int ret;

	ret = aidrv_dataset_load_file(path, &set, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "aidrv-model-info: %s\n", err);
		return TOOL_EXIT_ERROR;
	}
	aidrv_model_input(m, &in, sizeof(in));
	aidrv_model_output(m, &out, sizeof(out));
	if (set->image_size != in.size) {
		fprintf(stderr, "aidrv-model-info: %s: images of %u bytes, the model takes %u\n",
			path, set->image_size, in.size);
		aidrv_dataset_free(set);
		return TOOL_EXIT_ERROR;
	}
	batch = set->count;
	if (batch > aidrv_model_max_batch(m))
		batch = aidrv_model_max_batch(m);
	logits = malloc((size_t)batch * out.size);
	if (!logits) {
		aidrv_dataset_free(set);
		return TOOL_EXIT_ERROR;
	}
	for (i = 0; i < set->count; i += n) {
		n = set->count - i < batch ? set->count - i : batch;
		ret = aidrv_model_run_cpu(m, set->images + (size_t)i * in.size, n, logits);
		if (ret)
			break;
		for (uint32_t j = 0; j < n; j++)
			correct += aidrv_argmax_s8(logits + (size_t)j * out.size,
						   out.size) == set->labels[i + j];
	}
	if (ret)
		fprintf(stderr, "aidrv-model-info: run: %s\n", strerror(-ret));
	else
		printf("cpu reference: %u/%u correct (%.2f%%)\n", correct, set->count,
		       100.0 * correct / set->count);
	free(logits);
	aidrv_dataset_free(set);
	return ret ? TOOL_EXIT_ERROR : 0;
}

int main(int argc, char **argv)
{
	struct aidrv_model_tensor t;
	struct aidrv_model_layer l;
	struct aidrv_model *m;
	char err[512];
	unsigned int i;
	size_t data;
	int opt, ret;

	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	if (argc - optind < 1 || argc - optind > 2) {
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}

	ret = aidrv_model_load_file(argv[optind], &m, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "aidrv-model-info: %s\n", err);
		return TOOL_EXIT_ERROR;
	}
	aidrv_model_data(m, &data);
	printf("%s: %u tensors, %u layers, %zu bytes of weights, max batch %u\n",
	       argv[optind], aidrv_model_num_tensors(m), aidrv_model_num_layers(m),
	       data, aidrv_model_max_batch(m));
	printf("tensors:\n");
	for (i = 0; i < aidrv_model_num_tensors(m); i++) {
		struct aidrv_model_tensor in, out;

		aidrv_model_tensor(m, i, &t, sizeof(t));
		aidrv_model_input(m, &in, sizeof(in));
		aidrv_model_output(m, &out, sizeof(out));
		print_tensor(&t, i == in.index ? " (input)" :
				 i == out.index ? " (output)" : "");
	}
	printf("layers:\n");
	for (i = 0; i < aidrv_model_num_layers(m); i++) {
		aidrv_model_layer(m, i, &l, sizeof(l));
		printf("  %-3u %-10s t%u", i, aidrv_model_op_name(l.opcode), l.input);
		if (l.opcode == AIACCEL_OP_ADD)
			printf(" + t%u", l.input2);
		printf(" -> t%u", l.output);
		if (l.flags & AIACCEL_OP_F_PER_CHANNEL)
			printf(", per-channel");
		if (l.flags & AIACCEL_OP_F_BIAS)
			printf(", bias");
		if (l.weights_size)
			printf(", %u bytes of weights", l.weights_size);
		if (l.macs)
			printf(", %llu MACs/image", (unsigned long long)l.macs);
		printf("\n");
	}
	ret = argc - optind == 2 ? run_dataset(m, argv[optind + 1]) : 0;
	aidrv_model_free(m);
	return ret;
}
