#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-tests.sh: the tests that need no kernel: the IGT compat library's
# protocol self-test, the syzkaller description and the soak's errno table
# against the uAPI header, libaidrv's pure parts, and the Python modules
# (the model writer, the ONNX importer).  Each prints
# "N passed, N failed"; the sum goes to $RESULTS_DIR/host.counts.

. "$(dirname "$0")/lib.sh"

need_pkgs gcc make pkg-config libdrm-dev libcmocka-dev valgrind
mkdir -p "$RESULTS_DIR"
log=$RESULTS_DIR/host-tests.log
: >"$log"
total_pass=0 total_fail=0

run_suite() {	# run_suite NAME CMD...
	local name=$1 out line p f
	shift
	log "host tests: $name"
	set +e
	out=$("$@" 2>&1)
	local rc=$?
	set -e
	printf '%s\n' "$out" >>"$log"
	# A suite may run several binaries, each ending in its own count line.
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" |
		awk '{ p += $1; f += $3 } END { if (NR) print p, f }')
	p=${line% *}
	f=${line#* }
	if [ -z "$line" ]; then
		p=0 f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	printf '  %-26s %5d passed, %3d failed\n' "$name" "$p" "$f"
	[ "$f" -eq 0 ] || printf '%s\n' "$out" | tail -n 20
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

make -s -C "$AIACCEL_TOP/igt-tests" O="$BUILD_DIR/igt-selftest" selftest-build >/dev/null
run_suite "harness gates" "$AIACCEL_TOP/scripts/harness-selftest.sh"
run_suite "install and pkg-config" "$AIACCEL_TOP/scripts/install-test.sh"
run_suite "IGT compat protocol" "$AIACCEL_TOP/igt-tests/lib/selftest/run.sh" "$BUILD_DIR/igt-selftest/selftest"
# The uAPI's machine-readable descriptions against the header, with the C
# compiler: the syzkaller description, and the soak's table of errnos.
run_suite "syzkaller description" /usr/bin/python3 \
	"$AIACCEL_TOP/scripts/check-syzkaller.py" --selftest
run_suite "soak errno table" /usr/bin/python3 \
	"$AIACCEL_TOP/scripts/check-soak-errnos.py" --selftest
if [ -f "$AIACCEL_TOP/libaidrv/tests/Makefile" ]; then
	mkdir -p "$BUILD_DIR/libaidrv-tests"
	run_suite "libaidrv (host)" make -s -C "$AIACCEL_TOP/libaidrv/tests" \
		O="$BUILD_DIR/libaidrv-tests" check
fi

# The .aimodel writer, the ONNX importer and the conformance checker, run
# through libaidrv's CPU reference (the shared library, as the binding
# loads it).
need_pkgs python3-onnx python3-numpy libonnx-testdata
make -s -C "$AIACCEL_TOP/libaidrv" O="$BUILD_DIR/libaidrv" >/dev/null
run_suite "Python (writer, importer)" env PYTHONDONTWRITEBYTECODE=1 \
	AIDRV_LIBRARY="$BUILD_DIR/libaidrv/libaidrv.so.1" \
	/usr/bin/python3 "$AIACCEL_TOP/python/tests/run.py" host

echo "$total_pass $total_fail" >"$RESULTS_DIR/host.counts"
[ "$total_fail" -eq 0 ]
