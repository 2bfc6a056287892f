#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-src.sh: print the path of a Linux $KVER source tree, fetching it
# first if needed.  KERNEL_SRC=/path uses an existing tree instead; otherwise
# Debian's linux-source-$KVER is downloaded from trixie-backports with a
# private apt configuration and unpacked once into $AIACCEL_CACHE.

. "$(dirname "$0")/lib.sh"

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -f "$KERNEL_SRC/Makefile" ] || die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree"
	echo "$KERNEL_SRC"
	exit 0
fi

dest=$AIACCEL_CACHE/linux-$KVER
if [ -f "$dest/.aiaccel-unpacked" ]; then
	echo "$dest"
	exit 0
fi

need_pkgs xz-utils ca-certificates
dl=$AIACCEL_CACHE/dl
mkdir -p "$dl"
deb=$(ls "$dl"/linux-source-"$KVER"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	log "downloading linux-source-$KVER (trixie-backports)"
	(cd "$dl" && "$AIACCEL_TOP/scripts/apt-foreign.sh" trixie-backports \
		apt-get -qq download "linux-source-$KVER") >&2
	deb=$(ls "$dl"/linux-source-"$KVER"_*.deb | head -n1)
fi

log "unpacking $(basename "$deb")"
tmp=$(mktemp -d "$AIACCEL_CACHE/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/deb"
tarball=$(ls "$tmp"/deb/usr/src/linux-source-"$KVER".tar.* | head -n1)
rm -rf "$dest"
mkdir -p "$tmp/src"
tar -xf "$tarball" -C "$tmp/src"
mv "$tmp/src/linux-source-$KVER" "$dest"
touch "$dest/.aiaccel-unpacked"
echo "$dest"
