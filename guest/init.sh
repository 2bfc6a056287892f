#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the aiaccel test guest.  Mounts what the tests need, runs the
# plan named on the kernel command line (aiaccel.plan=check|run|...),
# checks the kernel log for splats, writes everything to /results and
# powers the machine off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
umask 022

t0=$(cut -d' ' -f1 /proc/uptime)
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /root
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro build /aiaccel-build

plan=check
for arg in $(cat /proc/cmdline); do
	case $arg in
	aiaccel_guest.plan=*) plan=${arg#aiaccel_guest.plan=} ;;
	aiaccel_guest.filter=*) export AIACCEL_FILTER=${arg#aiaccel_guest.filter=} ;;
	aiaccel_guest.stage=*) stage=${arg#aiaccel_guest.stage=} ;;
	# GUEST_ENV on the host: variables for the tests (AIACCEL_* only).
	aiaccel_guest.env=AIACCEL_*=*) export "${arg#aiaccel_guest.env=}" ;;
	esac
done
# The modules of the kernel that booted: the test kernel's (guest) or the
# benchmark kernel's (guest-bench), see scripts/build-kernel.sh.
mount --bind "/aiaccel-build/${stage:-guest}/modules/lib/modules" /usr/lib/modules

# Everything the guest prints also lands in the results share.
exec > >(tee -a /results/guest.log) 2>&1
tee_pid=$!

echo "aiaccel guest: kernel $(uname -r), plan '$plan', $(nproc) CPUs, init at ${t0}s"

source /aiaccel/guest/lib.sh

# Leaks from boot are not ours; start counting now.
stamp "clearing kmemleak"
kmemleak_clear
stamp "running plan $plan"

status=0
if [ -x "/aiaccel/guest/plan-$plan.sh" ]; then
	"/aiaccel/guest/plan-$plan.sh" || status=$?
else
	echo "unknown plan '$plan'"
	status=2
fi

dmesg_gate || status=1
echo "$status" >/results/status
echo "aiaccel guest: plan '$plan' finished with status $status"
exec >/dev/console 2>&1
wait "$tee_pid"
sync
umount /results

# The system-suspend test comes last: 9p does not survive it (see
# guest/sleep-stage.sh).  One compound command, parsed whole before it
# runs, so that bash need not read this script again after the resume.
source /aiaccel/guest/sleep-stage.sh
{
	if [ "$plan" = check ] && sleep_stage_wanted; then
		if sleep_stage_prepare; then
			sleep_stage_run
		else
			echo "aiaccel-sleep: result fail (could not prepare)"
		fi
	fi
	# The reset drops what the UART has not sent yet: closing our last
	# descriptors of the console waits for it to drain (closing_wait).
	exec </dev/null >/dev/null 2>&1
	echo b >/proc/sysrq-trigger
}
