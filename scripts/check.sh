#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: "make check".  Runs every suite even when an earlier one fails,
# then sums them: KUnit (UML), host-side tests, the patch series against
# pristine Linux (applied and built patch by patch), in the guest the IGT
# tests, the library tests, the ONNX conformance cases, the Python
# binding's tests and the kernel-log gate, and last the distribution stage
# (the Debian packages on Debian's own kernel).  Ends with one line "N
# passed, N failed"; exits non-zero if anything failed or did not run.

. "$(dirname "$0")/lib.sh"

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
start=$(date +%s)
suites=kunit,host,series,lint,igt,dmesg,sleep
# The library's guest suite counts once it exists.
grep -q '^guest-tests:' "$AIACCEL_TOP/libaidrv/Makefile" && suites=kunit,host,series,lint,igt,lib,dmesg,sleep
suites=${suites/,dmesg/,onnx,python,dmesg}
suites+=,distro

log "== KUnit"
"$AIACCEL_TOP/scripts/kunit.sh" >/dev/null || true
tail -n 3 "$RESULTS_DIR/kunit.log" | sed 's/^/  /'

log "== host tests"
"$AIACCEL_TOP/scripts/host-tests.sh" || true

log "== patch series (pristine Linux $KVER: git am, builds, checkpatch, docs)"
"$AIACCEL_TOP/scripts/series-check.sh" >"$RESULTS_DIR/series.log" 2>&1 || true
grep -E 'FAILED|passed,' "$RESULTS_DIR/series.log" | sed 's/^/  /' || true

log "== guest tests"
if "$AIACCEL_TOP/scripts/build-all.sh" check; then
	log "== kernel lint (checkpatch, sparse, W=1)"
	# A lint failure is counted, not fatal: the guest suites still run.
	"$AIACCEL_TOP/scripts/lint.sh" | tee "$RESULTS_DIR/lint.log" | sed 's/^/  /' || true
	tail -n 1 "$RESULTS_DIR/lint.log" | awk '/passed/ { print $1, $3 }' >"$RESULTS_DIR/lint.counts"

	"$AIACCEL_TOP/scripts/run-guest.sh" check >/dev/null || true
	if [ -f "$RESULTS_DIR/guest/igt/results.json" ]; then
		mkdir -p "$RESULTS_DIR/igt"
		cp "$RESULTS_DIR/guest/igt/results.json" "$RESULTS_DIR/igt/results.json"
	fi
	tail -n 5 "$RESULTS_DIR/guest-console.log" | sed 's/^/  /'

	log "== ONNX conformance (outputs from the guest against ONNX's)"
	/usr/bin/python3 "$AIACCEL_TOP/scripts/onnx-conformance.py" compare \
		"$BUILD_DIR/onnx-conformance" "$RESULTS_DIR/guest/onnx" "$RESULTS_DIR" |
		sed 's/^/  /' || true
else
	log "building for the guest failed"
fi

log "== distribution stage (Debian trixie, DKMS, Debian's 7.3 kernel)"
"$AIACCEL_TOP/scripts/distro-check.sh" || true

log "== summary ($(( $(date +%s) - start ))s)"
set +e
/usr/bin/python3 "$AIACCEL_TOP/scripts/summary.py" "$RESULTS_DIR" "$suites" |
	tee "$RESULTS_DIR/summary.txt"
exit "${PIPESTATUS[0]}"
