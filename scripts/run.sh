#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: "make run".  Builds what is missing, boots the guest, loads the
# driver and runs the demo plan (guest/plan-run.sh), showing its output.

. "$(dirname "$0")/lib.sh"

"$AIACCEL_TOP/scripts/build-all.sh" run
exec "$AIACCEL_TOP/scripts/run-guest.sh" run
