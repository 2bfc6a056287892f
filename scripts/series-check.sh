#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series-check.sh: the patch series (scripts/patch-series.sh) against
# pristine Linux, each check one test:
#   - every patch applies with "git am", without whitespace errors (a
#     blank line at the end of a file, say), to a copy of the pristine
#     tree (scripts/kernel-pristine.sh) reset to its one commit;
#   - after every patch, on x86_64 and on arm64 with 64K pages (cross
#     compiled), the driver, the model and the KUnit suites build as
#     modules with W=1 and sparse (C=1), warning-free: each module from the
#     patch that completes it, with modpost; the files of a module still
#     incomplete each on its own; and on x86_64 the uAPI headers compile
#     standalone (UAPI_HEADER_TEST);
#   - checkpatch.pl --strict on every patch;
#   - scripts/kernel-doc -Wall on every C file the series touches;
#   - "make htmldocs SPHINXDIRS=accel" with no warning about our files;
#   - get_maintainer.pl names the aiaccel entry for every patch.
# The trees are small configs (allnoconfig and what the driver needs),
# built once and cached in $AIACCEL_CACHE/series.  Output: $RESULTS_DIR/series.log and
# series.counts ("passed failed").  Ends with "N passed, N failed".

. "$(dirname "$0")/lib.sh"

need_pkgs git gcc make flex bison bc libelf-dev libssl-dev perl python3 \
	gcc-aarch64-linux-gnu python3-sphinx python3-sphinx-rtd-theme python3-yaml \
	python3-ply python3-git
# The kernel's Python scripts (checkpatch's spdxcheck.py, kernel-doc,
# Sphinx) run "python3" from PATH: Debian's, which has those packages.
export PATH=/usr/bin:$PATH
sparse=$("$AIACCEL_TOP/scripts/sparse.sh")
pristine=$("$AIACCEL_TOP/scripts/kernel-pristine.sh")
cache=$AIACCEL_CACHE/series
src=$cache/linux
patches=$BUILD_DIR/patches
mkdir -p "$RESULTS_DIR" "$cache"
exec 8>"$cache.lock"
flock 8
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# "git am" commits: a committer, whatever the machine's git configuration.
export GIT_COMMITTER_NAME=aiaccel GIT_COMMITTER_EMAIL=aiaccel@localhost
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "series: $1: ok"; }
bad() {
	fail=$((fail + 1))
	echo "series: $1: FAILED"
	[ -s "$out" ] && head -n 40 "$out" | sed 's/^/    /'
	return 0
}
. "$AIACCEL_TOP/scripts/series-ours.sh"

"$AIACCEL_TOP/scripts/patch-series.sh" "$patches" >/dev/null
mapfile -t series < <(ls "$patches"/[0-9]*.patch | grep -v /0000-)

# The tree: a clone of the pristine repository, back to its commit.
# (Cloned with --shared: if the pristine repository was made again, the
# clone's objects are gone with the old one.)
git -C "$src" cat-file -e 'pristine^{tree}' 2>/dev/null || rm -rf "$src"
if [ ! -d "$src/.git" ]; then
	log "series: cloning the pristine tree"
	git clone -q --shared "$pristine" "$src"
fi
git -C "$src" am --abort >/dev/null 2>&1 || true
git -C "$src" checkout -q -f --detach pristine
git -C "$src" clean -q -fdx
[ -z "$(git -C "$src" status --porcelain)" ] || die "$src is not pristine"

# Configurations: allnoconfig plus what the driver needs and what makes
# its optional code compile (debugfs, PM, trace events).
base_config="MODULES MODULE_UNLOAD DRM DRM_ACCEL DEBUG_FS PM SUSPEND FTRACE ENABLE_DEFAULT_TRACERS"
drv_config="DRM_ACCEL_AIACCEL DRM_ACCEL_AIACCEL_SIM DRM_ACCEL_AIACCEL_KUNIT_TEST"
arches="x86_64 arm64"
# kmake ARCH ARGS...: make in ARCH's build tree.
kmake() {
	local arch=$1
	shift
	local cross=
	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu-
	make -s -C "$src" O="$cache/build-$arch" ARCH="$arch" CROSS_COMPILE="$cross" \
		-j"$JOBS" "$@"
}
set_config() {	# set_config ARCH: the configuration, with ours where they exist
	local arch=$1 c=$cache/build-$arch/.config s
	for s in $base_config $drv_config; do
		"$src/scripts/config" --file "$c" --enable "$s"
	done
	for s in $drv_config; do
		"$src/scripts/config" --file "$c" --module "$s"
	done
	"$src/scripts/config" --file "$c" --module KUNIT
	if [ "$arch" = x86_64 ]; then
		"$src/scripts/config" --file "$c" --enable 64BIT --enable HEADERS_INSTALL \
			--enable UAPI_HEADER_TEST
	else
		"$src/scripts/config" --file "$c" --enable ARM64_64K_PAGES
	fi
	kmake "$arch" olddefconfig
}
# Each tree is built once with the whole series (vmlinux, with what our
# modules select built in), so that modpost checks every module against
# the kernel's exports; the prefixes then build modules only.
key="$(git -C "$src" rev-parse pristine) $base_config $(gcc --version | head -n1)"
# What our Kconfig selects is built into vmlinux: the trees depend on it.
key+=" $(aarch64-linux-gnu-gcc --version | head -n1) tree-1"
key+=" $(grep -h '^[[:space:]]*select' "$AIACCEL_TOP/drivers/accel/aiaccel/Kconfig" | sort | sha256sum | cut -c1-16)"
for arch in $arches; do
	b=$cache/build-$arch
	stamp_ok "series-$arch" "$key" && [ -f "$b/vmlinux.o" ] && continue
	log "series: building the $arch tree (once)"
	git -C "$src" am -q "${series[@]}" ||
		die "the series does not apply (git am in $src)"
	rm -rf "$b"
	mkdir -p "$b"
	{ kmake "$arch" allnoconfig && set_config "$arch" &&
		kmake "$arch" vmlinux modules_prepare; } >"$b.log" 2>&1 ||
		die "building the $arch tree failed: see $b.log"
	stamp_set "series-$arch" "$key"
	git -C "$src" checkout -q -f --detach pristine
	git -C "$src" clean -q -fdx
done

# A prefix's build: the modules that are complete, each .c file of the
# incomplete ones on its own, everything with W=1, C=1 and -Werror.
build_prefix() {
	local arch=$1 drv=$src/drivers/accel/aiaccel b=$cache/build-$arch rc=0 m
	set_config "$arch" >"$out" 2>&1 || return 1
	# Every module the staged Makefile builds must be configured.
	for m in $(sed -n 's/^obj-\$(CONFIG_\(\w*\)).*/\1/p' "$drv/Makefile" "$drv/tests/Makefile" 2>/dev/null); do
		grep -qx "CONFIG_$m=m" "$b/.config" || { echo "CONFIG_$m is not =m" >>"$out"; rc=1; }
	done
	# W=1 also applies to the DRM modules ours select; only warnings
	# about our files count (ours()), so no -Werror.
	local flags=(W=1 C=1 CHECK="$sparse")
	kmake "$arch" "${flags[@]}" modules >>"$out" 2>&1 || rc=1
	# The objects no module links yet (see the .mod files), on their own.
	local singles=() f
	for f in $(cd "$src" && git ls-files 'drivers/accel/aiaccel/*.c'); do
		local o=${f%.c}.o
		# A file another one #includes (as xe_bo.c includes
		# tests/xe_bo.c) is built with it, never alone.
		grep -rqsF --include='*.c' "#include \"${f#drivers/accel/aiaccel/}\"" \
			"$src/drivers/accel/aiaccel" && continue
		cat "$b"/drivers/accel/aiaccel/*.mod "$b"/drivers/accel/aiaccel/tests/*.mod \
			2>/dev/null | grep -qxF "$o" || singles+=("$o")
	done
	if [ ${#singles[@]} -gt 0 ]; then
		kmake "$arch" "${flags[@]}" "${singles[@]}" >>"$out" 2>&1 || rc=1
	fi
	# And every module the Makefiles now link exists.
	for m in $(sed -n 's/^obj-\$(CONFIG_\w*) *+= *\(\w*\)\.o$/\1/p' "$drv/Makefile" 2>/dev/null); do
		[ -f "$b/drivers/accel/aiaccel/$m.ko" ] || { echo "no $m.ko" >>"$out"; rc=1; }
	done
	if [ -f "$drv/tests/Makefile" ] && [ ! -f "$b/drivers/accel/aiaccel/tests/aiaccel_kunit.ko" ]; then
		echo "no aiaccel_kunit.ko" >>"$out"
		rc=1
	fi
	if [ "$arch" = x86_64 ]; then
		kmake "$arch" usr/ >>"$out" 2>&1 || rc=1
	fi
	[ "$rc" -eq 0 ] && [ -z "$(ours "$out")" ]
}

log "series: ${#series[@]} patches"
# Modules and their member lists (.mod) of an earlier run would look
# built; within a run they only grow, patch after patch.
for arch in $arches; do
	[ -d "$cache/build-$arch/drivers/accel/aiaccel" ] &&
		find "$cache/build-$arch/drivers/accel/aiaccel" \( -name '*.mod' -o -name '*.ko' \) -delete
done
applied=0
for p in "${series[@]}"; do
	name=$(basename "$p" .patch)
	if git -C "$src" am -q --whitespace=error-all "$p" >"$out" 2>&1; then
		ok "$name: git am"
		applied=$((applied + 1))
	else
		bad "$name: git am"
		git -C "$src" am --abort >/dev/null 2>&1 || true
		break
	fi
	for arch in $arches; do
		if build_prefix "$arch"; then
			ok "$name: build $arch"
		else
			ours "$out" >"$out.ours"
			[ -s "$out.ours" ] && mv "$out.ours" "$out"
			bad "$name: build $arch"
		fi
		rm -f "$out.ours"
	done
	if "$src/scripts/checkpatch.pl" --strict --quiet --show-types --root="$src" \
		--ignore FILE_PATH_CHANGES "$p" >"$out" 2>&1; then
		ok "$name: checkpatch --strict"
	else
		bad "$name: checkpatch --strict"
	fi
done

if [ "$applied" -eq "${#series[@]}" ]; then
	# kernel-doc on every C file the series adds or changes.
	mapfile -t cfiles < <(cd "$src" && git diff --name-only pristine HEAD -- '*.c' '*.h')
	if (cd "$src" && scripts/kernel-doc -Wall -none "${cfiles[@]}") >"$out" 2>&1 &&
		! grep -qiE 'warning|error' "$out"; then
		ok "kernel-doc -Wall (${#cfiles[@]} files)"
	else
		bad "kernel-doc -Wall (${#cfiles[@]} files)"
	fi

	# The accel chapter, with the header's kernel-doc pulled in.
	rm -rf "$cache/htmldocs"
	if make -s -C "$src" O="$cache/htmldocs" SPHINXDIRS=accel \
		PYTHON3=/usr/bin/python3 SPHINXBUILD=/usr/bin/sphinx-build \
		htmldocs >"$out" 2>&1 && [ -z "$(ours "$out")" ] &&
		[ -f "$cache/htmldocs/Documentation/output/accel/aiaccel/uapi.html" ]; then
		ok "htmldocs SPHINXDIRS=accel"
	else
		ours "$out" >"$out.ours"
		[ -s "$out.ours" ] && mv "$out.ours" "$out"
		bad "htmldocs SPHINXDIRS=accel"
	fi
	rm -f "$out.ours"

	# Every patch reaches the entry's maintainer and list (but the one
	# that adds the entry, which is the MAINTAINERS file's own).
	maint=$(sed -n 's/^M:\t//p' "$AIACCEL_TOP/MAINTAINERS" | head -n1)
	: >"$out"
	for p in "${series[@]}"; do
		[ "$(sed -n 's|^+++ b/||p' "$p" | sort -u)" = MAINTAINERS ] && continue
		(cd "$src" && scripts/get_maintainer.pl --no-rolestats --no-git \
			--no-git-fallback "$p") >"$out.gm" 2>&1
		if ! grep -qF "$maint" "$out.gm" || ! grep -q dri-devel@lists.freedesktop.org "$out.gm"; then
			{ echo "$(basename "$p"):"; cat "$out.gm"; } >>"$out"
		fi
	done
	rm -f "$out.gm"
	if [ ! -s "$out" ]; then
		ok "get_maintainer.pl (${#series[@]} patches)"
	else
		bad "get_maintainer.pl (${#series[@]} patches)"
	fi
fi

echo "$pass $fail" >"$RESULTS_DIR/series.counts"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
