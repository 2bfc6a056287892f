#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-pristine.sh: print the path of an unmodified Linux $KVER tree, a
# git repository whose one commit (tag "pristine") is the source that
# scripts/kernel-src.sh fetches, unpacked afresh: the tree kernel-src.sh
# gives is changed by scripts/overlay.sh, this one never is.  The patch
# series (scripts/patch-series.sh) is generated against it and applied to
# it (scripts/series-check.sh), which returns it to "pristine" first.

. "$(dirname "$0")/lib.sh"

dest=$AIACCEL_CACHE/linux-$KVER-pristine
if [ -f "$dest/.git/aiaccel-pristine" ]; then
	echo "$dest"
	exit 0
fi

need_pkgs git xz-utils
# kernel-src.sh downloads the package if it is not cached yet.
"$AIACCEL_TOP/scripts/kernel-src.sh" >/dev/null
deb=$(ls "$AIACCEL_CACHE"/dl/linux-source-"$KVER"_*.deb | head -n1)
log "unpacking $(basename "$deb") as a pristine tree"
tmp=$(mktemp -d "$AIACCEL_CACHE/pristine.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" |
	tar -xf - -C "$tmp" --wildcards "./usr/src/linux-source-$KVER.tar.*"
mkdir -p "$tmp/src"
tar -xf "$tmp"/usr/src/linux-source-"$KVER".tar.* -C "$tmp/src"
rm -rf "$dest"
mv "$tmp/src/linux-source-$KVER" "$dest"
# The tarball has no .gitignore'd build products, so everything is source.
git -C "$dest" init -q
git -C "$dest" add -A -f .
git -C "$dest" -c user.name=aiaccel -c user.email=aiaccel@localhost \
	commit -q -m "Linux $KVER ($(basename "$deb" .deb))"
git -C "$dest" tag pristine
touch "$dest/.git/aiaccel-pristine"
echo "$dest"
