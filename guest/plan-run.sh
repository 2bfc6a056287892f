#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make run": load the driver and show every device.
source /aiaccel/guest/lib.sh

load_driver num_devices="${AIACCEL_NUM_DEVICES:-2}" || exit 1
ls -l /dev/accel/
"$BUILD/libaidrv/aidrv-info"
