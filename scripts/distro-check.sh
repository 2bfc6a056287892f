#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# distro-check.sh: the distribution stage of "make check" ("make
# distro-check" alone).  The packages as a Debian user gets them, on
# Debian's own Linux 7.3:
#
#  1. "make deb" builds them; lintian has nothing to say;
#  2. in the Debian trixie root of scripts/distro-root.sh (an overlay on
#     the cached tree, so every run starts from the same system), the
#     commands of README.md's "Install on Debian": apt installs the five
#     packages, DKMS builds both modules against Debian's headers and
#     installs (and signs) them, and the kernel's postinst hook installs
#     them again (AUTOINSTALL); a program builds against libaidrv-dev
#     with pkg-config;
#  3. QEMU boots Debian's linux-image-7.3.4+deb13-amd64 with its own
#     initramfs on that root (guest/distro-init.sh): modprobe loads the
#     DKMS modules, udev gives the nodes to render, and the user "tester"
#     runs aidrv-info, the demo, that program and the IGT tests;
#  4. back in the root, "dpkg -P" removes the packages, "dkms status"
#     shows nothing, and no file is left that was not there before.
#
# Each step is a check, "PASS|FAIL NAME" in $RESULTS_DIR/distro/checks.txt
# (the guest's are in distro/guest/checks.txt, its IGT results in
# distro/guest/igt/results.txt); scripts/summary.py counts them as one
# suite.  The serial console is distro/console.log.  Exit status: 0 if
# every check passed.  DISTRO_TIMEOUT (seconds, default 1800) bounds the
# guest; GUEST_FILTER narrows its IGT run as for the test kernel's guest.

. "$(dirname "$0")/lib.sh"

# Everything mounted here (the overlay, the chroots' /proc, /sys, /dev)
# lives in a mount namespace of its own and goes away with it.
if [ -z "${AIACCEL_DISTRO_NS:-}" ]; then
	need_pkgs mmdebstrap debian-archive-keyring qemu-system-x86 make gcc \
		pkg-config libdrm-dev
	exec unshare --mount --propagation private env AIACCEL_DISTRO_NS=1 "$0" "$@"
fi

out=$RESULTS_DIR/distro
checks=$out/checks.txt
steps=$out/steps.log
rm -rf "$out"
mkdir -p "$out/guest"
: >"$checks"
start=$(date +%s)
version=$("$AIACCEL_TOP/scripts/version.sh")
packages=(aiaccel-dkms libaidrv1 libaidrv-dev aidrv-tools python3-aiaccel)

# check NAME CMD...: run CMD (output to steps.log) and record the result.
check() {
	local name=$1 t0
	shift
	t0=$(date +%s)
	printf '\n== %s\n' "$name" >>"$steps"
	if "$@" >>"$steps" 2>&1; then
		echo "PASS $name" >>"$checks"
		log "distro: $name: ok ($(( $(date +%s) - t0 ))s)"
		return 0
	fi
	echo "FAIL $name" >>"$checks"
	log "distro: $name: FAILED (see ${steps#"$AIACCEL_TOP"/})"
	return 1
}

# in_root CMD...: run CMD in the Debian root, as a system's root would:
# with /proc, /sys and /dev, in a PID namespace that takes any daemon a
# package starts down with it.
in_root() {
	unshare --mount --propagation private --pid --fork --kill-child -- \
		/bin/sh -c 'r=$1; shift
			mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" &&
			mount --rbind /dev "$r/dev" && exec chroot "$r" "$@"' \
		sh "$root" "$@"
}

# The tree's files, but for the ones any apt run or boot changes.
list_files() {
	(cd "$root" && find . -xdev \( -type f -o -type l -o -type d \) -print) |
		grep -Ev '^\./(tmp|var/log|var/cache|var/tmp|run|var/lib/apt/lists)(/|$)|^\./var/lib/dpkg/[^/]*-old$|^\./etc/ld\.so\.cache$|^\./var/lib/dkms/mok\.(key|pub)$' |
		sort
}

finish() {
	local igt=$out/guest/igt/results.txt
	trap - EXIT
	if [ -f "$igt" ]; then
		log "distro: IGT on Debian's kernel: $(grep -c '^pass' "$igt") passed" \
			"($(grep -c '^pass.*(as root)$' "$igt") of them as root)," \
			"$(grep -c '^skip' "$igt") skipped, $(grep -Evc '^(pass|skip)' "$igt") failed"
		{ grep -Ev '^pass' "$igt" || true; } | sed 's/^/  /' >&2
	fi
	log "distro: stage took $(( $(date +%s) - start ))s"
	if grep -q '^FAIL' "$checks" "$out/guest/checks.txt" 2>/dev/null; then
		exit 1
	fi
	# A failed IGT subtest fails "make distro-check" too, not only the
	# summary of "make check".
	if [ -f "$igt" ] && grep -Evq '^(pass|skip)' "$igt"; then
		exit 1
	fi
	exit 0
}

# A stage that stops half-way (set -e) must not look like a pass.
trap 'echo "FAIL the stage ran to its end (it stopped at line $LINENO)" >>"$checks"' EXIT

## 1. The packages.  Without their build-time tests (nocheck): those are
## libaidrv's host tests, which "make check" has run already.
set +e
t0=$(date +%s)
DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" "$AIACCEL_TOP/scripts/deb.sh" >>"$steps" 2>&1
deb_rc=$?
log "distro: make deb took $(( $(date +%s) - t0 ))s"
set -e
debs=()
for p in "${packages[@]}"; do
	debs+=("$(ls "$BUILD_DIR"/deb/"${p}"_"$version"_*.deb 2>/dev/null || true)")
done
check "make deb: the five packages build" test "$deb_rc" -ne 1 -a -f "${debs[0]}" \
	-a -f "${debs[1]}" -a -f "${debs[2]}" -a -f "${debs[3]}" -a -f "${debs[4]}" || finish
check "lintian: no error or warning" test "$deb_rc" -eq 0
cp "$BUILD_DIR/deb/lintian.txt" "$out/" 2>/dev/null || true
# The IGT tests the guest runs, built as for the test kernel's guest.
check "IGT tests build" make -s -C "$AIACCEL_TOP/igt-tests" O="$BUILD_DIR/igt" || finish

## 2. Installed in a Debian trixie system.
base=$("$AIACCEL_TOP/scripts/distro-root.sh" 2>>"$steps") || {
	echo "FAIL Debian trixie root (mmdebstrap)" >>"$checks"
	finish
}
kernel=$(cd "$base/boot" && ls vmlinuz-*)
kver=${kernel#vmlinuz-}
run=$AIACCEL_CACHE/distro-run
rm -rf "$run"
mkdir -p "$run/upper" "$run/work" "$run/root"
root=$run/root
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
list_files >"$out/files-before.txt"

mkdir -p "$root/tmp/deb"
cp "${debs[@]}" "$root/tmp/deb/"
# README.md, "Install on Debian".
check "apt install of the packages; DKMS builds and installs both modules" \
	in_root sh -c 'cd /tmp/deb && apt-get install -y ./*.deb'
cp "$root/var/lib/dkms/aiaccel/$version/build/make.log" "$out/dkms-make.log" 2>/dev/null || true
check "dkms status: aiaccel/$version installed for $kver" \
	in_root sh -c "s=\$(dkms status aiaccel); echo \"\$s\"; [ \"\$s\" = 'aiaccel/$version, $kver, x86_64: installed' ]"
check "modinfo: both modules in updates/dkms, for $kver, signed by DKMS's key" \
	in_root sh -c "for m in aiaccel aiaccel_sim; do
		modinfo -k $kver \$m | grep -E '^(filename|vermagic|signer|sig_key):' || exit 1
		modinfo -k $kver -F filename \$m | grep -q '/updates/dkms/' &&
		modinfo -k $kver -F vermagic \$m | grep -q '^$kver ' &&
		[ -n \"\$(modinfo -k $kver -F signer \$m)\" ] || exit 1
	done"
# What a kernel package's postinst does for a new kernel: AUTOINSTALL.
check "AUTOINSTALL: the kernel's postinst hook installs it again" \
	in_root sh -c "dkms uninstall aiaccel/$version -k $kver &&
		[ \"\$(dkms status aiaccel)\" = 'aiaccel/$version, $kver, x86_64: built' ] &&
		/etc/kernel/postinst.d/dkms $kver &&
		[ \"\$(dkms status aiaccel)\" = 'aiaccel/$version, $kver, x86_64: installed' ] &&
		modinfo -k $kver -F filename aiaccel | grep -q /updates/dkms/"
check "libaidrv-dev: the example builds with pkg-config, shared and static" \
	in_root sh -c 'ex=/usr/share/doc/libaidrv-dev/examples/aidrv-hello.c
		cc -std=c11 -Wall -Wextra -Werror "$ex" $(pkg-config --cflags --libs libaidrv) \
			-o /usr/local/bin/aidrv-hello &&
		cc -std=c11 -Wall -Wextra -Werror "$ex" $(pkg-config --cflags libaidrv) \
			-o /tmp/aidrv-hello-static -Wl,-Bstatic $(pkg-config --static --libs-only-l libaidrv | sed "s/-ldrm//;s/-pthread//") \
			-Wl,-Bdynamic -ldrm -pthread &&
		ldd /usr/local/bin/aidrv-hello | grep -q libaidrv.so.1 &&
		! ldd /tmp/aidrv-hello-static | grep -q libaidrv'
install -m 755 "$AIACCEL_TOP/guest/distro-init.sh" "$root/sbin/aiaccel-distro-init"

## 3. Debian's kernel boots it.
share() {	# share ID PATH TAG [readonly]
	echo "-fsdev local,id=$1,path=$2,security_model=none${4:+,readonly=on}"
	echo "-device virtio-9p-pci,fsdev=$1,mount_tag=$3"
}
cmdline="console=ttyS0 quiet root=aiaccel-root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
cmdline+=" init=/sbin/aiaccel-distro-init panic=-1"
cmdline+="${GUEST_FILTER:+ aiaccel_guest.filter=$GUEST_FILTER}"
timeout_s=${DISTRO_TIMEOUT:-1800}
accel=tcg
[ "${AIACCEL_KVM:-0}" = 1 ] && [ -w /dev/kvm ] && accel=kvm
log "distro: booting Debian's $kver ($accel, timeout ${timeout_s}s)"
guest_start=$(date +%s)
set +e
# shellcheck disable=SC2046 # share() prints one option per line on purpose
timeout --foreground -k 10 "$timeout_s" \
	qemu-system-x86_64 -accel "$accel" -cpu max,la57=off -smp 2 -m 2G \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$root/boot/$kernel" -initrd "$root/boot/initrd.img-$kver" \
	-append "$cmdline" \
	$(share root "$root" aiaccel-root ro) \
	$(share tree "$AIACCEL_TOP" aiaccel ro) \
	$(share build "$BUILD_DIR" build ro) \
	$(share results "$out/guest" results) \
	</dev/null >"$out/console.log" 2>&1
qemu_rc=$?
set -e
log "distro: the guest ran for $(( $(date +%s) - guest_start ))s"
[ "$qemu_rc" -ne 124 ] && [ "$qemu_rc" -ne 137 ] ||
	echo "FAIL the guest finished within ${timeout_s}s" >>"$checks"
[ -f "$out/guest/done" ] ||
	echo "FAIL the guest ran all its checks (qemu exit $qemu_rc)" >>"$checks"
rm -f "$root/sbin/aiaccel-distro-init" "$root/usr/local/bin/aidrv-hello"

## 4. Removed without a trace.
check "dpkg -P removes the packages" in_root dpkg -P python3-aiaccel aidrv-tools libaidrv-dev libaidrv1 aiaccel-dkms
check "dkms status: nothing left" in_root sh -c '[ -z "$(dkms status)" ]'
list_files >"$out/files-after.txt"
check "no file left behind" diff -u "$out/files-before.txt" "$out/files-after.txt"
umount "$root"
finish
