#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh: checkpatch.pl --strict over the driver, the model, the
# uAPI headers and the KUnit suites.  Exits non-zero on any warning.

. "$(dirname "$0")/lib.sh"

ksrc=$("$AIACCEL_TOP/scripts/kernel-src.sh")
cd "$AIACCEL_TOP"
mapfile -t files < <(find drivers/accel/aiaccel include/uapi/drm kunit \
	-name '*.[ch]' -not -path '*/tests/*' | sort)
"$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "${files[@]}"
log "checkpatch: ${#files[@]} files clean"
