#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh: "make deb".  Builds the Debian packages aiaccel-dkms, libaidrv1,
# libaidrv-dev and aidrv-tools into $BUILD_DIR/deb with dpkg-buildpackage,
# then checks them with lintian (the findings in $BUILD_DIR/deb/lintian.txt).
#
# The packaging lives in packaging/debian; it is built in a copy of the
# tree (the files git knows, plus new ones it does not ignore) with that
# directory as debian/, and a debian/changelog written from scripts/version.sh, the
# one place the version is kept.
#
# Exit status: 0, 1 if the packages did not build, 2 if lintian reported
# an error or a warning.

. "$(dirname "$0")/lib.sh"

need_pkgs dpkg-dev debhelper dh-dkms libdrm-dev pkg-config libcmocka-dev lintian

version=$("$AIACCEL_TOP/scripts/version.sh")
out=$BUILD_DIR/deb
src=$out/src/aiaccel-$version
rm -rf "$out"
mkdir -p "$src"

cd "$AIACCEL_TOP" || exit 1
if git rev-parse --git-dir >/dev/null 2>&1; then
	commit=$(git rev-parse --short=12 HEAD)
	git diff --quiet HEAD 2>/dev/null || commit="$commit plus local changes"
	date=$(git log -1 --format=%aD)
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$src" -xf -
else
	commit="an unknown commit"
	date=$(date -R)
	tar --exclude=./build -cf - . | tar -C "$src" -xf -
fi
cp -a "$src/packaging/debian" "$src/debian"
sed -e "s|@VERSION@|$version|" -e "s|@COMMIT@|$commit|" -e "s|@DATE@|$date|" \
	"$src/packaging/debian/changelog.in" >"$src/debian/changelog"
rm "$src/debian/changelog.in"

log "building the Debian packages ($version) into ${out#"$AIACCEL_TOP"/}"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -j"$JOBS") >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed: see $out/build.log"
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"

# Every tag lintian has, down to pedantic: an error or a warning fails.
changes=$(ls "$out"/*.changes)
lintian --info --display-info --pedantic --tag-display-limit 0 "$changes" \
	>"$out/lintian.txt" 2>&1 || true
if grep -q '^[EW]: ' "$out/lintian.txt"; then
	log "lintian:"
	grep '^[EWIP]: ' "$out/lintian.txt" >&2
	exit 2
fi
log "lintian: no errors or warnings ($(grep -c '^[IP]: ' "$out/lintian.txt" || true) notes)"
ls "$out"/*.deb
