#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-all.sh [check|run]: everything a guest run needs: the test kernel
# and modules, the guest root, libaidrv and its tools, the Fashion-MNIST
# test set, and (for check) the IGT tests, the library's guest tests and
# the ONNX conformance cases.

. "$(dirname "$0")/lib.sh"

need_pkgs gcc make pkg-config libdrm-dev libcmocka-dev
"$AIACCEL_TOP/scripts/build-kernel.sh"
"$AIACCEL_TOP/scripts/guest-root.sh" >/dev/null
make -s -C "$AIACCEL_TOP/libaidrv" O="$BUILD_DIR/libaidrv"
# The Fashion-MNIST demo's test set, from Debian's package.
need_pkgs dataset-fashion-mnist
fashion=$BUILD_DIR/demo/fashion-test.bin
if [ ! -f "$fashion" ] || [ "$AIACCEL_TOP/demo/make_fashion_testset.py" -nt "$fashion" ]; then
	/usr/bin/python3 "$AIACCEL_TOP/demo/make_fashion_testset.py" "$fashion" >&2
fi
if [ "${1:-check}" = check ]; then
	make -s -C "$AIACCEL_TOP/igt-tests" O="$BUILD_DIR/igt"
	if grep -q '^guest-tests:' "$AIACCEL_TOP/libaidrv/Makefile"; then
		make -s -C "$AIACCEL_TOP/libaidrv" O="$BUILD_DIR/libaidrv" guest-tests
	fi
	# ONNX's node tests, imported for the guest's conformance stage.  A
	# failure here is counted by "onnx-conformance.py compare", not fatal
	# to the other suites.
	need_pkgs python3-onnx python3-numpy libonnx-testdata
	/usr/bin/python3 "$AIACCEL_TOP/scripts/onnx-conformance.py" prepare \
		"$BUILD_DIR/onnx-conformance" >&2 || log "preparing the ONNX conformance cases failed"
fi
