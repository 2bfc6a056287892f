#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make bench", guest part: every benchmark program in $BUILD/bench
# (bench_*), one after the other, then the demo networks through
# aidrv-run --bench.  Figures go to /results/bench.txt; they
# are never pass/fail.  The plan fails only if a benchmark cannot run.
source /aiaccel/guest/lib.sh

# A 1024^3 GEMM is one op of a billion MACs: far beyond the default 5 s
# job timeout on an emulated CPU.
AIACCEL_DRIVER_PARAMS="job_timeout_ms=600000" load_driver || exit 1
# bench_mem compares against vgem dumb buffers.
modprobe vgem || { echo "cannot load vgem"; exit 1; }

status=0
{
	echo "# kernel $(uname -r), $(nproc) CPUs, $(uname -m)"
	if [ -e /sys/kernel/debug/kmemleak ]; then
		echo "# the test kernel: KASAN, lockdep, kmemleak and DMA-API debugging on;"
	else
		echo "# the benchmark kernel: the test kernel without its debugging options;"
	fi
	echo "# under QEMU TCG; compare ratios, not absolute figures"
} >/results/bench.txt
found=0
for b in "$BUILD"/bench/bench_*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	name=${b##*/}
	# AIACCEL_FILTER (GUEST_FILTER on the host) picks benchmarks by name.
	[ -z "$AIACCEL_FILTER" ] || [[ $name =~ $AIACCEL_FILTER ]] || continue
	found=1
	stamp "$name"
	echo "## $name" >>/results/bench.txt
	args=()
	# bench_infer: the demo networks, batches of 64.
	[ "$name" = bench_infer ] && args=("$AIACCEL/demo/digits.aimodel" \
		"$AIACCEL/demo/digits-test.bin" "$AIACCEL/demo/fashion.aimodel" \
		"$BUILD/demo/fashion-test.bin")
	if ! "$b" "${args[@]}" >>/results/bench.txt 2>&1; then
		echo "## $name FAILED" >>/results/bench.txt
		status=1
	fi
	stamp "$name done"
done
# The demo networks through aidrv-run's benchmark mode: the latency of
# one 64-image job, and the throughput of the whole test set pipelined.
if [ -z "$AIACCEL_FILTER" ] || [[ aidrv-run =~ $AIACCEL_FILTER ]]; then
	found=1
	echo "## aidrv-run --bench" >>/results/bench.txt
	for net in "digits $AIACCEL/demo/digits-test.bin" "fashion $BUILD/demo/fashion-test.bin"; do
		set -- $net
		stamp "aidrv-run --bench $1"
		for args in "-n 64 -b 64 --repeat 20" "--repeat 3"; do
			echo "### $1: aidrv-run --bench $args" >>/results/bench.txt
			# shellcheck disable=SC2086 # one option per word
			if ! "$BUILD/libaidrv/aidrv-run" -q --bench $args \
				"$AIACCEL/demo/$1.aimodel" "$2" >>/results/bench.txt 2>&1; then
				echo "## aidrv-run --bench $1 FAILED" >>/results/bench.txt
				status=1
			fi
		done
	done
fi
# The camera pipeline (aidrv-camera) without its check, which would
# weigh on the figures: zero-copy, then the copying path.
if [ -z "$AIACCEL_FILTER" ] || [[ aidrv-camera =~ $AIACCEL_FILTER ]]; then
	found=1
	echo "## aidrv-camera" >>/results/bench.txt
	modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0 no_error_inj=1 &&
		modprobe vkms || status=1
	for mode in "" --copy; do
		stamp "aidrv-camera $mode"
		if ! "$BUILD/libaidrv/aidrv-camera" -q -n 120 $mode \
			"$AIACCEL/demo/camera.aimodel" >>/results/bench.txt 2>&1; then
			echo "## aidrv-camera $mode FAILED" >>/results/bench.txt
			status=1
		fi
	done
	modprobe -r vkms vivid
fi
if [ "$found" -eq 0 ]; then
	echo "no benchmark in $BUILD/bench" | tee -a /results/bench.txt
	status=1
fi
cat /results/bench.txt

modprobe -r vgem
unload_driver || { echo "cannot unload the driver"; exit 1; }
exit $status
