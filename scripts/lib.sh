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
