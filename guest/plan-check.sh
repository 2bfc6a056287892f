#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make check", guest part: IGT tests through igt_runner, then the library
# tests, then the ONNX conformance cases (guest/onnx-stage.sh; the host
# compares their outputs) and the Python binding's tests.  Counts go to /results/*.counts.
source /aiaccel/guest/lib.sh

load_driver || exit 1

rm -rf /results/igt
# Tests of the tools (aidrv-top) find them here.
export AIACCEL_TOOLS=$BUILD/libaidrv
# igt_runner exits 0 even when subtests fail: the host reads results.json.
# AIACCEL_FILTER (GUEST_FILTER on the host) narrows the run to matching tests.
# The system-suspend subtest runs apart, last: see guest/sleep-stage.sh.
source /aiaccel/guest/sleep-stage.sh
igt_runner --overwrite --multiple-mode --piglit-style-dmesg --dmesg-warn-level=4 \
	--per-test-timeout 600 ${AIACCEL_FILTER:+-t "$AIACCEL_FILTER"} -x "$SLEEP_EXCLUDE" \
	"$BUILD/igt" /results/igt || echo "igt_runner exited with $?"

if [ -x "$BUILD/libaidrv/tests/run-guest-tests.sh" ]; then
	"$BUILD/libaidrv/tests/run-guest-tests.sh" /results/libaidrv
fi

source /aiaccel/guest/onnx-stage.sh
onnx_stage

# The Python binding of libaidrv against the driver.
stamp "python binding tests"
PYTHONDONTWRITEBYTECODE=1 AIDRV_LIBRARY=$BUILD/libaidrv/libaidrv.so.1 \
	AIACCEL_FASHION_TESTSET=$BUILD/demo/fashion-test.bin \
	python3 /aiaccel/python/tests/run.py guest /results/python.counts >/results/python.log 2>&1
grep -E '^(FAIL|ERROR):|passed, .* failed$' /results/python.log

unload_driver || { echo "cannot unload the driver"; exit 1; }
exit 0
