#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# version.sh: print the project's version, MAJOR.MINOR.MICRO.  Its one
# source is libaidrv's public header (AIDRV_VERSION_*); the library's
# SONAME, its pkg-config file and the Debian packages all take it from
# there.
set -eu
h=$(cd "$(dirname "$0")/.." && pwd)/libaidrv/include/aidrv.h
part() { sed -n "s/^#define AIDRV_VERSION_$1[[:space:]]*\([0-9]*\).*/\1/p" "$h"; }
echo "$(part MAJOR).$(part MINOR).$(part MICRO)"
