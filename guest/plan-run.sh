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
# 10,000 images: about a minute of an idle host's CPU under TCG, more on
# a busy one; aidrv-run's default 60 s deadline is for interactive use.
if ! "$BUILD/libaidrv/aidrv-run" --check --batch 64 --timeout 900 \
	--agree "$AIACCEL/demo/fashion-torch.bin" \
	--expected "$AIACCEL/demo/fashion.expected" \
	"$AIACCEL/demo/fashion.aimodel" "$BUILD/demo/fashion-test.bin"; then
	echo "fashion demo: FAIL"
	exit 1
fi
echo "fashion demo: PASS"

stamp "demo: camera -> accelerator -> display (vivid, aiaccel, vkms)"
echo "(frames of a virtual camera run through a pencil-sketch network,"
echo " demo/camera.aimodel, and shown on a virtual display; every frame the"
echo " display showed, read back through its writeback connector, is compared"
echo " with the CPU reference of its camera frame.  First without a copy:"
echo " the camera's buffers imported by the accelerator, its output imported"
echo " by the display, the display waiting for the accelerator's fence; then"
echo " the copying path, for comparison)"
modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0 no_error_inj=1 || exit 1
modprobe vkms || exit 1
for mode in "" --copy; do
	if ! "$BUILD/libaidrv/aidrv-camera" --check -n "${AIACCEL_CAMERA_FRAMES:-60}" $mode \
		"$AIACCEL/demo/camera.aimodel"; then
		echo "camera demo${mode:+ ($mode)}: FAIL"
		exit 1
	fi
done
echo "camera demo: PASS"
modprobe -r vkms vivid
