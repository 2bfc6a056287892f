#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh: the kernel code's static checks, each one test:
#   checkpatch.pl --strict, sparse (C=2), and a W=1 build of the driver,
#   the model and the KUnit suites, with warnings as errors.
# Needs the configured test-kernel tree (scripts/build-kernel.sh).
# Ends with "N passed, N failed".

. "$(dirname "$0")/lib.sh"

ksrc=$("$AIACCEL_TOP/scripts/overlay.sh")
kbuild=${AIACCEL_KBUILD:-$AIACCEL_CACHE/kbuild-x86}
sparse=$("$AIACCEL_TOP/scripts/sparse.sh")
pass=0 fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

check() {	# check NAME CMD...: passes if CMD succeeds and prints no warning
	local name=$1
	shift
	if "$@" >"$out" 2>&1 && ! grep -E 'warning:|error:' "$out" >/dev/null; then
		pass=$((pass + 1))
		echo "lint: $name: clean"
	else
		fail=$((fail + 1))
		echo "lint: $name: FAILED"
		grep -E -A3 'warning:|error:|WARNING|ERROR|CHECK' "$out" | head -n 40
	fi
}

[ -f "$kbuild/.config" ] || die "no configured test kernel in $kbuild"
exec 9>"$kbuild.lock"
flock 9
check checkpatch "$AIACCEL_TOP/scripts/checkpatch.sh"
# KUnit suites are built too: the x86 tree has no KUnit, so C=2/W=1 cover
# the driver and the model here, and kunit.py builds the suites with -Werror.
touch "$AIACCEL_TOP"/drivers/accel/aiaccel/*.c "$AIACCEL_TOP"/drivers/accel/aiaccel/sim/*.c
check "sparse and W=1" make -s -C "$ksrc" O="$kbuild" ARCH=x86_64 -j"$JOBS" \
	C=1 CHECK="$sparse" W=1 KCFLAGS=-Werror drivers/accel/aiaccel/
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
