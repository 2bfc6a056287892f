// SPDX-License-Identifier: MIT
/*
 * aidrv-hello: the smallest program using an installed libaidrv, built
 * with nothing but pkg-config:
 *
 *	cc aidrv-hello.c $(pkg-config --cflags --libs libaidrv) -o aidrv-hello
 *
 * Lists the aiaccel devices, then classifies the first image of a data
 * set with a model on the CPU reference executor (no device needed).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <aidrv.h>

int main(int argc, char **argv)
{
	struct aidrv_model_tensor out;
	struct aidrv_dataset *set;
	struct aidrv_model *model;
	int8_t *logits;
	char err[256];
	int n, ret;

	n = aidrv_device_count();
	printf("aiaccel devices: %d%s\n", n < 0 ? 0 : n, n < 0 ? " (no accel node)" : "");
	if (argc != 3) {
		fprintf(stderr, "usage: aidrv-hello MODEL DATASET\n");
		return 2;
	}
	ret = aidrv_model_load_file(argv[1], &model, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	ret = aidrv_dataset_load_file(argv[2], &set, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[2], err);
		aidrv_model_free(model);
		return 1;
	}
	aidrv_model_output(model, &out, sizeof(out));
	logits = malloc(out.size);
	ret = logits ? aidrv_model_run_cpu(model, set->images, 1, logits) : -ENOMEM;
	if (!ret)
		printf("image 0: label %u, predicted %u\n", set->labels[0],
		       aidrv_argmax_s8(logits, out.size));
	else
		fprintf(stderr, "run: %s\n", aidrv_strerror(ret));
	free(logits);
	aidrv_dataset_free(set);
	aidrv_model_free(model);
	return ret ? 1 : 0;
}
