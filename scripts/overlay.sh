#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh: make the Linux tree build aiaccel in-tree, and print its path.
#
# The tree's drivers/accel/aiaccel becomes a symlink to this repository's
# driver, and so do the uAPI headers and the documentation (KERNEL_PLACES
# in lib.sh); drivers/accel/{Kconfig,Makefile} get one line each, in
# alphabetical order.  Running it again changes nothing.

. "$(dirname "$0")/lib.sh"

ksrc=$("$AIACCEL_TOP/scripts/kernel-src.sh")

# Linked to another checkout before (a worktree sharing this cache): make
# judges by mtime, and this checkout's files may be older than the objects
# built from the other's.  Drop our objects so that they are built again.
prev=$(readlink "$ksrc/drivers/accel/aiaccel" || true)
if [ -n "$prev" ] && [ "$prev" != "$AIACCEL_TOP/drivers/accel/aiaccel" ]; then
	for b in "$AIACCEL_CACHE"/kbuild-x86* "$AIACCEL_CACHE/kunit-build"; do
		[ -d "$b/drivers/accel/aiaccel" ] &&
			find "$b/drivers/accel/aiaccel" \( -name '*.o' -o -name '*.ko' \) -delete
	done
fi

for p in "${KERNEL_PLACES[@]}"; do
	read -r repo tree <<<"$p"
	ln -sfn "$AIACCEL_TOP/$repo" "$ksrc/$tree"
done
insert_sorted "$ksrc/drivers/accel/Kconfig" "$ACCEL_KCONFIG_LINE" "$ACCEL_KCONFIG_PAT"
insert_sorted "$ksrc/drivers/accel/Makefile" "$ACCEL_MAKEFILE_LINE" "$ACCEL_MAKEFILE_PAT"
echo "$ksrc"
