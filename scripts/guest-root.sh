#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-root.sh: print the path of the guest's root filesystem, building it
# first if needed: a Debian forky tree made with mmdebstrap, because IGT's
# igt_runner is packaged for forky only.  Binaries built on this host run
# there unchanged (forky's libc is newer).  Cached, keyed by package list.

. "$(dirname "$0")/lib.sh"

packages=(
	kmod
	igt-gpu-tools
	igt-gpu-tools-tests
	libcmocka0
	valgrind
	# The Python binding of libaidrv (python/aiaccel/aidrv.py) and its
	# tests: ctypes is in the standard library, arrays come from numpy.
	python3-minimal
	python3-numpy
)
bootstrap=$AIACCEL_TOP/guest/bootstrap-init
key=$(cat "$0" "$bootstrap" | sha256sum | cut -c1-12)
root=$AIACCEL_CACHE/guest-root-$key

if [ -f "$root/.aiaccel-complete" ]; then
	echo "$root"
	exit 0
fi

need_pkgs mmdebstrap debian-archive-keyring
uri=$("$AIACCEL_TOP/scripts/apt-foreign.sh" --print-uri)
log "building the guest root (Debian forky, mmdebstrap)"
rm -rf "$root"
# Older roots are superseded.
rm -rf "$AIACCEL_CACHE"/guest-root-*
include=$(IFS=,; echo "${packages[*]}")
mmdebstrap --quiet --mode=root --variant=minbase \
	--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--include="$include" \
	--customize-hook='mkdir -p "$1/usr/lib/modules" "$1/aiaccel" "$1/aiaccel-build" "$1/results"' \
	--customize-hook="install -m 0755 '$bootstrap' \"\$1/sbin/aiaccel-init\"" \
	--customize-hook='rm -rf "$1/var/cache/apt/archives"/*.deb "$1/var/lib/apt/lists"/*' \
	forky "$root" "deb $uri forky main" >&2
touch "$root/.aiaccel-complete"
echo "$root"
