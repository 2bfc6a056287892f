# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest's plan scripts.  Sourced.

AIACCEL=/aiaccel
# The host's build directory (BUILD_DIR), wherever it lives.
BUILD=/aiaccel-build

# stamp MESSAGE: log a step with the guest's uptime.
stamp() {
	echo "[guest $(cut -d' ' -f1 /proc/uptime)] $*"
}

# load_driver [SIM_PARAMS...]: (re)load the model and the driver, the
# driver with $AIACCEL_DRIVER_PARAMS.
load_driver() {
	stamp "loading aiaccel_sim $*"
	modprobe -r aiaccel aiaccel_sim 2>/dev/null
	modprobe aiaccel_sim "$@" || return 1
	stamp "loading aiaccel"
	modprobe aiaccel ${AIACCEL_DRIVER_PARAMS:-} || return 1
	stamp "driver loaded"
	udevadm settle 2>/dev/null
	local i
	for i in $(seq 50); do
		[ -e /dev/accel/accel0 ] && return 0
		sleep 0.1
	done
	echo "no /dev/accel/accel0 after loading the driver"
	return 1
}

unload_driver() {
	modprobe -r aiaccel aiaccel_sim
}

kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
	return 0
}

source "$(dirname "${BASH_SOURCE[0]}")/splat-re.sh"

# dmesg_gate: scan for leaks, then fail if the kernel log holds a report
# or an aiaccel error no test asked for.
dmesg_gate() {
	local leaks=/sys/kernel/debug/kmemleak
	stamp "scanning for leaks"
	if [ -w $leaks ]; then
		# Objects must look unreferenced over two scans to be reported.
		echo scan >$leaks
		sleep 1
		echo scan >$leaks
		cat $leaks >/results/kmemleak.txt
	fi
	dmesg >/results/dmesg.txt
	grep -E "$SPLAT_RE" /results/dmesg.txt >/results/splats.txt
	dmesg -r | unexpected_errors >>/results/splats.txt
	if [ -s /results/kmemleak.txt ] || [ -s /results/splats.txt ]; then
		echo "kernel log gate: FAIL"
		head -n 40 /results/splats.txt /results/kmemleak.txt
		echo "1 0" >/results/dmesg.counts	# failed passed
		return 1
	fi
	echo "kernel log gate: clean"
	echo "0 1" >/results/dmesg.counts
	return 0
}
