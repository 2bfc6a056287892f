#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse.sh: print the path of a sparse recent enough for Linux 7.3,
# building it once from Debian forky's source package (bookworm's 0.6.4
# fails the kernel's checker-valid.sh; forky's binary needs a newer libc).

. "$(dirname "$0")/lib.sh"

dest=$AIACCEL_CACHE/sparse
if [ -x "$dest/sparse" ]; then
	echo "$dest/sparse"
	exit 0
fi

need_pkgs gcc make pkg-config libxml2-dev
src=$AIACCEL_CACHE/dl/sparse-src
rm -rf "$src"
mkdir -p "$src"
(cd "$src" && "$AIACCEL_TOP/scripts/apt-foreign.sh" forky apt-get -qq source --download-only sparse) >&2
log "building sparse"
tar -xf "$src"/sparse_*.orig.tar.* -C "$src"
make -s -C "$src"/sparse-* -j"$JOBS" sparse >/dev/null 2>&1
mkdir -p "$dest"
cp "$src"/sparse-*/sparse "$dest/sparse"
rm -rf "$src"
echo "$dest/sparse"
