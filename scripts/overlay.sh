#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh: make the Linux tree build aiaccel in-tree, and print its path.
#
# The tree's drivers/accel/aiaccel becomes a symlink to this repository's
# driver, the two uAPI headers are linked into include/uapi/drm, and
# drivers/accel/{Kconfig,Makefile} get one line each, in alphabetical
# order.  Running it again changes nothing.

. "$(dirname "$0")/lib.sh"

ksrc=$("$AIACCEL_TOP/scripts/kernel-src.sh")

ln -sfn "$AIACCEL_TOP/drivers/accel/aiaccel" "$ksrc/drivers/accel/aiaccel"
for h in aiaccel_accel.h aiaccel_isa.h; do
	ln -sfn "$AIACCEL_TOP/include/uapi/drm/$h" "$ksrc/include/uapi/drm/$h"
done

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
	mv "$file.aiaccel.tmp" "$file"
}

insert_sorted "$ksrc/drivers/accel/Kconfig" 'source "drivers/accel/aiaccel/Kconfig"' '^source "drivers/accel/'
insert_sorted "$ksrc/drivers/accel/Makefile" 'obj-$(CONFIG_DRM_ACCEL_AIACCEL)		+= aiaccel/' '^obj-\$\(CONFIG_DRM_ACCEL_'
echo "$ksrc"
