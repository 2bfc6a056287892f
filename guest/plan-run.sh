#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make run": load the driver, show every device, then run the demos: the
# digits network on its whole held-out test set, then the Fashion-MNIST
# network (PyTorch -> ONNX -> aidrv-compile) on the 10,000 test images,
# through the accelerator in batches, every output compared with the CPU
# reference and the accuracy, agreement with PyTorch's int8 model and
# output hash with what the training scripts recorded.
source /aiaccel/guest/lib.sh

load_driver num_devices="${AIACCEL_NUM_DEVICES:-2}" || exit 1
ls -l /dev/accel/
"$BUILD/libaidrv/aidrv-info" || exit 1

stamp "demo: digits network on the accelerator"
echo "(the accelerator is aiaccel_sim in a debug kernel under emulation: its"
echo " images/s measure the model, not silicon, and may trail the CPU's)"
if ! "$BUILD/libaidrv/aidrv-run" --check --batch 64 \
	--expected "$AIACCEL/demo/digits.expected" \
	"$AIACCEL/demo/digits.aimodel" "$AIACCEL/demo/digits-test.bin"; then
	echo "demo: FAIL"
	exit 1
fi
echo "demo: PASS"

stamp "demo: Fashion-MNIST network on the accelerator"
echo "(trained and quantised by PyTorch, exported to ONNX, imported by"
echo " aidrv-compile: demo/train_fashion.py; agreement counts the images whose"
echo " class equals the one PyTorch's own int8 model gives)"
if ! "$BUILD/libaidrv/aidrv-run" --check --batch 64 \
	--agree "$AIACCEL/demo/fashion-torch.bin" \
	--expected "$AIACCEL/demo/fashion.expected" \
	"$AIACCEL/demo/fashion.aimodel" "$BUILD/demo/fashion-test.bin"; then
	echo "fashion demo: FAIL"
	exit 1
fi
echo "fashion demo: PASS"
