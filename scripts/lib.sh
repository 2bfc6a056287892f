# SPDX-License-Identifier: GPL-2.0
# Common helpers for the aiaccel build and test scripts. Sourced, not run.

set -euo pipefail

AIACCEL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AIACCEL_CACHE=${AIACCEL_CACHE:-$HOME/.cache/aiaccel}
KVER=${KVER:-7.3}
BUILD_DIR=${BUILD_DIR:-$AIACCEL_TOP/build}
RESULTS_DIR=$BUILD_DIR/results
JOBS=${JOBS:-$(nproc)}

mkdir -p "$AIACCEL_CACHE"

log() { printf '[aiaccel] %s\n' "$*" >&2; }
die() { printf '[aiaccel] error: %s\n' "$*" >&2; exit 1; }

# need_pkgs PKG...: install the Debian packages that are missing (as root).
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (run as root): ${missing[*]}"
	log "installing ${missing[*]}"
	# The lists may be absent on a fresh machine; refresh only when needed.
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

# stamp_ok NAME KEY: true if the cached step NAME was done with inputs KEY.
stamp_ok() { [ -f "$AIACCEL_CACHE/stamps/$1" ] && [ "$(cat "$AIACCEL_CACHE/stamps/$1")" = "$2" ]; }
stamp_set() { mkdir -p "$AIACCEL_CACHE/stamps"; printf '%s' "$2" >"$AIACCEL_CACHE/stamps/$1"; }

# hash_files FILE...: one checksum over the contents of the given files.
hash_files() { cat "$@" | sha256sum | cut -c1-16; }

# Where this repository's kernel files go in a Linux tree, "REPO TREE"
# pairs (a directory or a file): scripts/overlay.sh links them there and
# scripts/patch-series.sh writes the patch series that adds them.  Inside
# drivers/accel/aiaccel, "tests" is a link to kunit/.
KERNEL_PLACES=(
	"drivers/accel/aiaccel drivers/accel/aiaccel"
	"include/uapi/drm/aiaccel_accel.h include/uapi/drm/aiaccel_accel.h"
	"include/uapi/drm/aiaccel_isa.h include/uapi/drm/aiaccel_isa.h"
	"Documentation/accel/aiaccel Documentation/accel/aiaccel"
	"Documentation/ABI/testing/sysfs-driver-aiaccel Documentation/ABI/testing/sysfs-driver-aiaccel"
)
# The lines that hook the driver into drivers/accel/ and the docs into
# Documentation/accel/index.rst, with the patterns of their neighbours.
ACCEL_KCONFIG_LINE='source "drivers/accel/aiaccel/Kconfig"'
ACCEL_KCONFIG_PAT='^source "drivers/accel/'
ACCEL_MAKEFILE_LINE='obj-$(CONFIG_DRM_ACCEL_AIACCEL)		+= aiaccel/'
ACCEL_MAKEFILE_PAT='^obj-\$\(CONFIG_DRM_ACCEL_'
ACCEL_DOC_LINE='   aiaccel/index'
ACCEL_DOC_PAT='^   [a-z0-9_-]+/index$'

# kernel_files: every tracked file of KERNEL_PLACES as "REPO_PATH
# TREE_PATH", links to directories followed.
kernel_files() {
	local p repo tree mode f target g
	for p in "${KERNEL_PLACES[@]}"; do
		read -r repo tree <<<"$p"
		while read -r mode _ _ f; do
			if [ "$mode" = 120000 ] && [ -d "$AIACCEL_TOP/$f" ]; then
				target=$(realpath --relative-to="$AIACCEL_TOP" "$AIACCEL_TOP/$f")
				while read -r g; do
					echo "$g $tree${f#"$repo"}${g#"$target"}"
				done < <(git -C "$AIACCEL_TOP" ls-files -- "$target")
			else
				echo "$f $tree${f#"$repo"}"
			fi
		done < <(git -C "$AIACCEL_TOP" ls-files -s -- "$repo")
	done
}

# insert_sorted FILE LINE PATTERN: add LINE before the first line matching
# PATTERN that sorts after it (or after the last match), unless present.
insert_sorted() {
	local file=$1 line=$2 pattern=$3
	grep -qxF "$line" "$file" && return 0
	awk -v new="$line" -v pat="$pattern" '
		{ lines[NR] = $0; if ($0 ~ pat) last = NR }
		END {
			for (i = 1; i <= NR; i++) {
				if (!done && lines[i] ~ pat && lines[i] > new) { print new; done = 1 }
				print lines[i]
				if (!done && i == last) { print new; done = 1 }
			}
		}' "$file" >"$file.aiaccel.tmp"
	# Keep a missing newline at the end missing (drivers/accel/Makefile).
	[ -z "$(tail -c1 "$file")" ] || truncate -s -1 "$file.aiaccel.tmp"
	mv "$file.aiaccel.tmp" "$file"
}
