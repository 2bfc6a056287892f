#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make run": load the driver, show every device, then run the demo: the
# digits network on its whole held-out test set, through the accelerator
# in batches, every output compared with the CPU reference and the
# accuracy and output hash with what demo/train_digits.py recorded.
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
