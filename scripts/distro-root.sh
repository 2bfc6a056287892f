#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# distro-root.sh: print the path of the distribution stage's Debian root,
# building it first if needed (scripts/distro-check.sh uses it).  It is a
# Debian trixie system as a user of the packages has it: trixie with
# trixie-backports in its sources, gcc-14, dkms, udev, and Debian's own
# Linux 7.3 kernel and headers from backports, installed with the apt
# command README.md gives.  Its initramfs (Debian's initramfs-tools) can
# mount a 9p root, so that QEMU boots the tree itself, and it has an
# unprivileged user "tester" in the render group.
#
# The archive is the one the host's apt uses (scripts/apt-foreign.sh).
# Cached in $AIACCEL_CACHE, keyed by this script; the distribution stage
# never writes into it (it mounts an overlay on it).

. "$(dirname "$0")/lib.sh"

# Debian's kernel: the packages name its ABI.
DISTRO_KVER=7.3.4+deb13-amd64

packages=(
	dkms
	gcc
	libc6-dev
	make
	kmod
	udev
	initramfs-tools
	openssl
	libdrm2
	libdrm-dev
	pkgconf
	# What python3-aiaccel depends on, there before the install so that
	# the purge leaves the root as it found it.
	python3-numpy
)
key=$(sha256sum "$0" | cut -c1-12)
root=$AIACCEL_CACHE/distro-root-$key

if [ -f "$root/.aiaccel-complete" ]; then
	echo "$root"
	exit 0
fi

need_pkgs mmdebstrap debian-archive-keyring
uri=$("$AIACCEL_TOP/scripts/apt-foreign.sh" --print-uri)
log "building the distribution root (Debian trixie + backports, Linux $DISTRO_KVER)"
rm -rf "$AIACCEL_CACHE"/distro-root-*
tmp=$root.tmp
include=$(IFS=,; echo "${packages[*]}")
# initramfs-tools: the virtio 9p transport and 9p itself (Debian builds
# them as modules), and only the modules listed, which keeps the image
# small and quick to make.  Written before the kernel's postinst makes
# the image.
initramfs_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"
echo MODULES=list >"$1/etc/initramfs-tools/conf.d/aiaccel-9p-root"
printf "%s\n" 9pnet_virtio 9p >"$1/usr/share/initramfs-tools/modules.d/aiaccel-9p-root"'
# dpkg need not sync every file of a throw-away tree.
mmdebstrap --quiet --mode=root --variant=minbase --dpkgopt=force-unsafe-io \
	--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--include="$include" \
	--setup-hook="$initramfs_hook" \
	--customize-hook="chroot \"\$1\" apt-get install -y -q -t trixie-backports \
		linux-image-$DISTRO_KVER linux-headers-$DISTRO_KVER" \
	--customize-hook='chroot "$1" useradd --create-home --groups render tester' \
	--customize-hook='mkdir -p "$1/aiaccel" "$1/aiaccel-build" "$1/results"' \
	trixie "$tmp" "deb $uri trixie main" "deb $uri trixie-backports main" >&2
[ -f "$tmp/boot/vmlinuz-$DISTRO_KVER" ] && [ -f "$tmp/boot/initrd.img-$DISTRO_KVER" ] ||
	die "the distribution root has no kernel or initramfs for $DISTRO_KVER"
touch "$tmp/.aiaccel-complete"
mv "$tmp" "$root"
echo "$root"
