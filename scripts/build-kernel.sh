#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [bench]: build the guest's test kernel (tinyconfig +
# guest/kernel.config, driver and model as modules) in
# $AIACCEL_CACHE/kbuild-x86 and stage the bzImage and the modules in
# $BUILD_DIR/guest.  Incremental: make decides what to rebuild.
#
# "bench" builds the benchmark kernel instead: the same, with
# guest/kernel-bench.config on top turning the debugging options off (a
# KASAN, lockdep and kmemleak kernel measures its own bookkeeping, not the
# driver), in kbuild-x86-bench, staged in $BUILD_DIR/guest-bench.

. "$(dirname "$0")/lib.sh"

need_pkgs gcc make flex bison bc libelf-dev libssl-dev cpio kmod
ksrc=$("$AIACCEL_TOP/scripts/overlay.sh")
variant=${1:-}
case $variant in
"") fragments=("$AIACCEL_TOP/guest/kernel.config") ;;
bench) fragments=("$AIACCEL_TOP/guest/kernel.config" "$AIACCEL_TOP/guest/kernel-bench.config") ;;
*) die "usage: build-kernel.sh [bench]" ;;
esac
suffix=${variant:+-$variant}
kbuild=${AIACCEL_KBUILD:-$AIACCEL_CACHE/kbuild-x86}$suffix
stage=$BUILD_DIR/guest$suffix
mkdir -p "$kbuild" "$stage"

kmake() { make -C "$ksrc" O="$kbuild" ARCH=x86_64 -j"$JOBS" "$@"; }

# One build at a time in a build tree.
exec 9>"$kbuild.lock"
flock 9

# Configure only when the fragment changed: tinyconfig rewrites .config.
cfgkey=$(hash_files "${fragments[@]}")
if ! stamp_ok "kbuild-x86$suffix-config" "$cfgkey" || [ ! -f "$kbuild/.config" ]; then
	log "configuring the ${variant:-test} kernel"
	kmake -s tinyconfig >/dev/null
	"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$kbuild" "$kbuild/.config" \
		"${fragments[@]}" >/dev/null
	kmake -s olddefconfig >/dev/null
	# What the fragments ask for, a later fragment overriding an earlier one.
	declare -A want=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*) want[${line%%=*}]=${line#*=} ;;
		esac
	done < <(cat "${fragments[@]}")
	bad=0
	for opt in "${!want[@]}"; do
		if [ "${want[$opt]}" = n ]; then
			if grep -q "^$opt=" "$kbuild/.config"; then
				log "config: $opt should be off"; bad=1
			fi
		elif ! grep -qxF "$opt=${want[$opt]}" "$kbuild/.config"; then
			log "config: wanted $opt=${want[$opt]}, got $(grep "^$opt=" "$kbuild/.config" || echo unset)"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] || die "${fragments[*]##*/} do not apply cleanly"
	stamp_set "kbuild-x86$suffix-config" "$cfgkey"
fi

log "building the ${variant:-test} kernel"
kmake -s bzImage modules
krel=$(kmake -s kernelrelease)
rm -rf "$stage/modules.new"
kmake -s INSTALL_MOD_PATH="$stage/modules.new" INSTALL_MOD_STRIP=1 modules_install >/dev/null
rm -rf "$stage/modules"
mv "$stage/modules.new" "$stage/modules"
cp "$kbuild/arch/x86/boot/bzImage" "$stage/bzImage"
echo "$krel" >"$stage/kernelrelease"
log "${variant:-test} kernel $krel ready in $stage"
