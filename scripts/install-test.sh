#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-test.sh: libaidrv as a user gets it.  "make install" with DESTDIR
# lays out the library (SONAME, symbol versions), header, uAPI headers,
# pkg-config file, tools, man pages and udev rule; installed under a
# prefix, an example program outside the tree builds with nothing but
# pkg-config, shared and static, and runs.  Prints "N passed, N failed".

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() {	# check NAME CMD...
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		tail -n 20 "$tmp/out"
	fi
}

d=$tmp/destdir
ver=$("$top/scripts/version.sh")
check "make install DESTDIR=" make -s -C "$top/libaidrv" O="$tmp/build" \
	install PREFIX=/usr DESTDIR="$d"
for f in usr/lib/libaidrv.so.$ver usr/lib/libaidrv.so.1 usr/lib/libaidrv.so \
	usr/lib/libaidrv.a usr/lib/pkgconfig/libaidrv.pc usr/include/aidrv.h \
	usr/include/libaidrv/drm/aiaccel_accel.h usr/include/libaidrv/drm/aiaccel_isa.h \
	usr/share/man/man3/libaidrv.3 \
	usr/bin/aidrv-info usr/bin/aidrv-top usr/share/man/man1/aidrv-info.1 \
	usr/share/man/man1/aidrv-top.1 usr/lib/udev/rules.d/70-aiaccel.rules; do
	check "installed $f" test -e "$d/$f"
done
# The kernel's uAPI headers (linux-libc-dev) own include/drm.
check "nothing installed in include/drm" test ! -e "$d/usr/include/drm"
missing=
for sym in $(sed -n 's/^[[:space:]]*\(aidrv_[a-z0-9_]*\);.*/\1/p' "$top/libaidrv/libaidrv.map"); do
	[ -e "$d/usr/share/man/man3/$sym.3" ] || missing="$missing $sym"
done
check "a man page for every exported function" test -z "$missing"
[ -z "$missing" ] || echo "no man page:$missing"
check "nothing but what belongs there" \
	bash -c "! find '$d' -type f \\( -name '*.d' -o -name '*.o' \\) | grep -q ."
check "SONAME libaidrv.so.1" \
	bash -c "readelf -d '$d/usr/lib/libaidrv.so.$ver' | grep -q 'SONAME.*libaidrv.so.1'"
check "symbols versioned AIDRV_1.0" \
	bash -c "readelf --dyn-syms -W '$d/usr/lib/libaidrv.so.$ver' | grep -q 'aidrv_device_open_index@@AIDRV_1.0'"
check "the reference's symbols stay private" \
	bash -c "! readelf --dyn-syms -W '$d/usr/lib/libaidrv.so.$ver' | grep -q aiaccel_ref_"
check "pkg-config finds it in DESTDIR" \
	env PKG_CONFIG_PATH="$d/usr/lib/pkgconfig" pkg-config --exists --print-errors libaidrv
check "udev rule gives the nodes to render" \
	grep -q 'GROUP="render"' "$d/usr/lib/udev/rules.d/70-aiaccel.rules"
if udevadm verify --help >/dev/null 2>&1; then
	check "udev rule syntax" udevadm verify "$d/usr/lib/udev/rules.d/70-aiaccel.rules"
fi

p=$tmp/prefix
check "make install PREFIX=" make -s -C "$top/libaidrv" O="$tmp/build" install PREFIX="$p"
export PKG_CONFIG_PATH=$p/lib/pkgconfig
mkdir -p "$tmp/user"
cp "$top/libaidrv/examples/aidrv-hello.c" "$tmp/user/"
cd "$tmp/user" || exit 1
check "example builds with pkg-config" bash -c \
	'cc -std=c11 -Wall -Wextra -Werror aidrv-hello.c $(pkg-config --cflags --libs libaidrv) -o hello'
# Another aiaccel_accel.h in include/drm (the kernel's, some day) is not
# the one the library's header gets.
mkdir -p "$p/include/drm"
echo '#error the uAPI header of include/drm was used' >"$p/include/drm/aiaccel_accel.h"
check "the library's uAPI headers win over include/drm" bash -c \
	'cc -std=c11 -Wall -Werror aidrv-hello.c $(pkg-config --cflags --libs libaidrv) -o hello2'
rm -rf "$p/include/drm"
check "example runs the demo model" bash -c \
	"LD_LIBRARY_PATH='$p/lib' ./hello '$top/demo/digits.aimodel' '$top/demo/digits-test.bin' |
	 grep -q 'image 0: label [0-9], predicted [0-9]'"
check "example links statically with pkg-config --static" bash -c \
	'cc -std=c11 aidrv-hello.c $(pkg-config --cflags libaidrv) -o hello-static \
	 -Wl,-Bstatic $(pkg-config --libs-only-l --static libaidrv | sed "s/-ldrm//;s/-pthread//") \
	 -Wl,-Bdynamic -L'"$p"'/lib -ldrm -pthread &&
	 ! ldd hello-static | grep -q libaidrv && ./hello-static '"'$top/demo/digits.aimodel' '$top/demo/digits-test.bin'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
