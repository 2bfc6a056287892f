#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the distribution guest (scripts/distro-check.sh): Debian's own
# kernel, booted with its own initramfs from the Debian trixie root in
# which the aiaccel packages were installed and DKMS built the modules.
# Loads the modules DKMS installed and runs what a user of the packages
# runs, as the unprivileged user "tester" (in the render group):
# aidrv-info, the demo, a program built against libaidrv-dev, and the IGT
# tests (guest/igt-run.sh).  The subtests that skipped as the user, for
# want of root (reloading the driver, the model's debugfs hooks, sysfs
# writes, privileged priorities and power modes, other drivers' nodes),
# run again as root; the ones that need the test kernel's debugging or
# fault-injection options skip there too, with their reason.
#
# Each check is a line "PASS|FAIL NAME" in /results/checks.txt; the IGT
# results are in /results/igt/results.txt (igt-run.sh's format, the user's
# and root's runs merged, root's lines marked "as root").

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8
umask 022

# initramfs-tools moved /dev, /proc, /sys and /run into the root.
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mountpoint -q /run || mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
p9=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $p9,cache=loose,ro aiaccel /aiaccel
mount -t 9p -o $p9,cache=loose,ro build /aiaccel-build
mount -t 9p -o $p9 results /results

exec > >(tee -a /results/guest.log) 2>&1
tee_pid=$!

USER_NAME=tester
# GUEST_FILTER on the host narrows the IGT run, as in the test kernel's guest.
for arg in $(cat /proc/cmdline); do
	case $arg in
	aiaccel_guest.filter=*) export AIACCEL_FILTER=${arg#aiaccel_guest.filter=} ;;
	esac
done
CHECKS=/results/checks.txt
: >"$CHECKS"
stamp() { echo "[distro $(cut -d' ' -f1 /proc/uptime)] $*"; }

# check NAME CMD...: run CMD, its output into the log, and record it.
check() {
	local name=$1
	shift
	stamp "check: $name"
	if "$@"; then
		echo "PASS $name" >>"$CHECKS"
		return 0
	fi
	echo "FAIL $name" >>"$CHECKS"
	stamp "FAILED: $name"
	return 1
}

# as_user CMD...: run CMD as the unprivileged user, with a clean
# environment (PATH without the sbin directories) and its groups.
as_user() {
	setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups --reset-env -- "$@"
}

# The node's group and mode, as udev set them.
node_is() {	# node_is NODE "GROUP MODE"
	local got
	got=$(stat -c '%G %a' "$1")
	echo "$1: $got"
	[ "$got" = "$2" ]
}

# A user outside the render group cannot open the node.
not_for_others() {
	! setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- aidrv-info
}

# What modprobe loaded is what DKMS installed for this kernel: the only
# file of that name, under updates/dkms, and the running module has its
# build ID.
dkms_modules() {
	local m file
	for m in aiaccel aiaccel_sim; do
		file=$(modinfo -F filename "$m") || return 1
		echo "$m: $file"
		[[ $file =~ ^(/usr)?/lib/modules/"$(uname -r)"/updates/dkms/"$m"\.ko ]] || return 1
		[ "$(find "/lib/modules/$(uname -r)/" -name "$m.ko*" | wc -l)" = 1 ] || return 1
		case $file in
		*.xz) xz -dc "$file" ;;
		*.zst) zstd -qdc "$file" ;;
		*.gz) gzip -dc "$file" ;;
		*) cat "$file" ;;
		esac >"/tmp/$m.ko" || return 1
		objcopy -O binary --only-section=.note.gnu.build-id "/tmp/$m.ko" "/tmp/$m.id" &&
			cmp "/tmp/$m.id" "/sys/module/$m/notes/.note.gnu.build-id" || return 1
	done
}

wait_nodes() {
	local _
	for _ in $(seq 100); do
		[ -e /dev/accel/accel0 ] && [ -e /dev/accel/accel1 ] && break
		sleep 0.1
	done
	udevadm settle
	ls -l /dev/accel
	[ -e /dev/accel/accel0 ] && [ -e /dev/accel/accel1 ]
}

demo() {
	local d=/usr/share/aidrv-tools/demo
	as_user aidrv-run --check --batch 64 --expected "$d/digits.expected" \
		"$d/digits.aimodel" "$d/digits-test.bin"
}

hello() {
	local d=/usr/share/aidrv-tools/demo
	as_user /usr/local/bin/aidrv-hello "$d/digits.aimodel" "$d/digits-test.bin"
}

# The Python binding from its package: the demo network through it, equal
# to the CPU reference, with the accuracy the demo records.
python_binding() {
	local d=/usr/share/aidrv-tools/demo
	as_user python3 -c "
import numpy as np
from aiaccel import aidrv
model = aidrv.Model.load('$d/digits.aimodel')
data = aidrv.Dataset.load('$d/digits-test.bin')
with aidrv.Device() as dev, aidrv.Inference(dev, model, 64) as inf:
    out = inf.run(data.images)
np.testing.assert_array_equal(out, model.run_cpu(data.images))
print(f'{int((out.argmax(1) == data.labels).sum())}/{len(data.labels)} right, bit-exact')
"
}

# The IGT tests: all of them as the user, then again as root those that
# skipped.  The system-suspend subtest is left to the test kernel's
# guest: this guest's root is on 9p, which does not survive a suspend.
igt() {
	local bin=/aiaccel-build/igt
	source /aiaccel/guest/sleep-stage.sh
	mkdir -p /tmp/igt-user /tmp/igt-root /results/igt
	chown "$USER_NAME" /tmp/igt-user
	as_user env ${AIACCEL_FILTER:+AIACCEL_FILTER="$AIACCEL_FILTER"} AIACCEL_TOOLS=/usr/bin \
		/aiaccel/guest/igt-run.sh "$bin" /tmp/igt-user
	awk '$1 == "skip" { split($2, n, "@"); print "igt@" n[2] "@" n[3] }' \
		/tmp/igt-user/results.txt | sort -u | grep -Ev "$SLEEP_EXCLUDE" >/tmp/igt-root.list
	if [ -s /tmp/igt-root.list ]; then
		stamp "IGT: again as root: $(wc -l </tmp/igt-root.list) subtests"
		IGT_RUN_ONLY=/tmp/igt-root.list AIACCEL_TOOLS=/usr/bin \
			/aiaccel/guest/igt-run.sh "$bin" /tmp/igt-root
	fi
	# Root's result replaces the user's skip of the same subtest.
	awk 'FNR == NR { split($2, n, "@"); again["igt@" n[2] "@" n[3]] = 1
			 $0 = $0 " (as root)"; root[++r] = $0; next }
	     { split($2, n, "@"); if (!again["igt@" n[2] "@" n[3]]) print }
	     END { for (i = 1; i <= r; i++) print root[i] }' \
		/tmp/igt-root/results.txt /tmp/igt-user/results.txt >/results/igt/results.txt 2>/dev/null ||
		cp /tmp/igt-user/results.txt /results/igt/results.txt
	sed -i "/^skip igt@$SLEEP_TEST@$SLEEP_SUBTEST /s/\$/ (not retried as root: a suspend would lose the 9p root; the test kernel's sleep stage runs it)/" \
		/results/igt/results.txt
	cp /tmp/igt-user/*.log /results/igt/ 2>/dev/null
	for f in /tmp/igt-root/*.log; do
		[ -f "$f" ] && cp "$f" "/results/igt/$(basename "$f" .log)-root.log"
	done
	# The run itself counts: every test binary listed its subtests.
	! grep -q '^crash igt@[^@]*$' /results/igt/results.txt
}

splats() {
	source /aiaccel/guest/splat-re.sh
	dmesg >/results/dmesg.txt
	! grep -E "$SPLAT_RE" /results/dmesg.txt
}

stamp "aiaccel distribution guest: kernel $(uname -r), $(nproc) CPUs"
# udev as on the installed system: it applies the package's rule to the
# nodes as the driver creates them.
/usr/lib/systemd/systemd-udevd --daemon

# Every check runs even when an earlier one failed: each counts.
check "modprobe aiaccel_sim num_devices=2" modprobe aiaccel_sim num_devices=2
check "modprobe aiaccel" modprobe aiaccel
check "the loaded modules are the ones DKMS installed" dkms_modules
check "two devices appear" wait_nodes
check "udev: /dev/accel/accel0 is render's, mode 0660" node_is /dev/accel/accel0 "render 660"
check "a user outside render cannot open it" not_for_others
check "aidrv-info (as $USER_NAME)" as_user aidrv-info
check "the demo: digits network, bit-exact (as $USER_NAME)" demo
check "aidrv-hello built with pkg-config (as $USER_NAME)" hello
check "the Python binding runs the demo, bit-exact (as $USER_NAME)" python_binding
check "IGT tests ran" igt
check "kernel log: no WARN, BUG or oops" splats
check "modprobe -r aiaccel aiaccel_sim" modprobe -r aiaccel aiaccel_sim

stamp "distribution guest done"
touch /results/done
exec >/dev/console 2>&1
wait "$tee_pid"
sync
umount /results
echo b >/proc/sysrq-trigger
