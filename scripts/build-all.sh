#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-all.sh [check|run]: everything a guest run needs: the test kernel
# and modules, the guest root, libaidrv and its tools, and (for check) the
# IGT tests and the library's guest tests.

. "$(dirname "$0")/lib.sh"

need_pkgs gcc make pkg-config libdrm-dev libcmocka-dev
"$AIACCEL_TOP/scripts/build-kernel.sh"
"$AIACCEL_TOP/scripts/guest-root.sh" >/dev/null
make -s -C "$AIACCEL_TOP/libaidrv" O="$BUILD_DIR/libaidrv"
if [ "${1:-check}" = check ]; then
	make -s -C "$AIACCEL_TOP/igt-tests" O="$BUILD_DIR/igt"
	if grep -q '^guest-tests:' "$AIACCEL_TOP/libaidrv/Makefile"; then
		make -s -C "$AIACCEL_TOP/libaidrv" O="$BUILD_DIR/libaidrv" guest-tests
	fi
fi
