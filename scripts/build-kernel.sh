#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh: build the guest's test kernel (tinyconfig + guest/kernel.config,
# driver and model as modules) in $AIACCEL_CACHE/kbuild-x86 and stage the
# bzImage and the modules in $BUILD_DIR/guest.  Incremental: make decides
# what to rebuild.

. "$(dirname "$0")/lib.sh"

need_pkgs gcc make flex bison bc libelf-dev libssl-dev cpio kmod
ksrc=$("$AIACCEL_TOP/scripts/overlay.sh")
kbuild=${AIACCEL_KBUILD:-$AIACCEL_CACHE/kbuild-x86}
fragment=$AIACCEL_TOP/guest/kernel.config
stage=$BUILD_DIR/guest
mkdir -p "$kbuild" "$stage"

kmake() { make -C "$ksrc" O="$kbuild" ARCH=x86_64 -j"$JOBS" "$@"; }

# One build at a time in a build tree.
exec 9>"$kbuild.lock"
flock 9

# Configure only when the fragment changed: tinyconfig rewrites .config.
cfgkey=$(hash_files "$fragment")
if ! stamp_ok kbuild-x86-config "$cfgkey" || [ ! -f "$kbuild/.config" ]; then
	log "configuring the test kernel"
	kmake -s tinyconfig >/dev/null
	"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$kbuild" "$kbuild/.config" "$fragment" >/dev/null
	kmake -s olddefconfig >/dev/null
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n)
			opt=${line%%=*}
			if grep -q "^$opt=" "$kbuild/.config"; then
				log "config: $opt should be off"; bad=1
			fi ;;
		CONFIG_*)
			if ! grep -qxF "$line" "$kbuild/.config"; then
				log "config: wanted $line, got $(grep "^${line%%=*}=" "$kbuild/.config" || echo unset)"
				bad=1
			fi ;;
		esac
	done <"$fragment"
	[ "$bad" -eq 0 ] || die "guest/kernel.config does not apply cleanly"
	stamp_set kbuild-x86-config "$cfgkey"
fi

log "building the test kernel"
kmake -s bzImage modules
krel=$(kmake -s kernelrelease)
rm -rf "$stage/modules.new"
kmake -s INSTALL_MOD_PATH="$stage/modules.new" INSTALL_MOD_STRIP=1 modules_install >/dev/null
rm -rf "$stage/modules"
mv "$stage/modules.new" "$stage/modules"
cp "$kbuild/arch/x86/boot/bzImage" "$stage/bzImage"
echo "$krel" >"$stage/kernelrelease"
log "test kernel $krel ready in $stage"
