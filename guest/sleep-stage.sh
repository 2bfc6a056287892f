# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest's init: the system-suspend test, run last.
#
# A system suspend resets the virtio devices, and the 9p transport has no
# restore callback: every 9p mount, the root included, hangs for good after
# the resume.  So the test runs from a copy in tmpfs (chroot), after the
# results share is unmounted, and everything after the resume uses shell
# builtins only.  The verdict goes to the serial console, which survives:
# the host reads it from there (scripts/run-guest.sh).

SLEEP_ROOT=/tmp/sleep-root
SLEEP_TEST=aiaccel_power
SLEEP_SUBTEST=suspend-resume-with-jobs

# The IGT run leaves this subtest out: it is the sleep stage's.
SLEEP_EXCLUDE="^igt@$SLEEP_TEST@$SLEEP_SUBTEST\$"

# sleep_stage_wanted: with a filter, only when the filter names the test.
sleep_stage_wanted() {
	[ -x "$BUILD/igt/$SLEEP_TEST" ] || return 1
	[ -z "$AIACCEL_FILTER" ] && return 0
	[[ "igt@$SLEEP_TEST@$SLEEP_SUBTEST" =~ $AIACCEL_FILTER ]]
}

# sleep_stage_prepare: copy the test and its libraries to tmpfs, load the
# driver.  May use 9p: runs before the suspend.
sleep_stage_prepare() {
	local bin=$BUILD/igt/$SLEEP_TEST lib d

	rm -rf "$SLEEP_ROOT"
	mkdir -p "$SLEEP_ROOT"/{proc,sys,dev,tmp}
	cp "$bin" "$SLEEP_ROOT/"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		cp --parents -L "$lib" "$SLEEP_ROOT/" || return 1
	done
	for d in proc sys dev; do
		mount --rbind "/$d" "$SLEEP_ROOT/$d" || return 1
	done
	load_driver || return 1
	kmemleak_clear
	sync
}

# sleep_stage_run: run the subtest and scan for leaks.  Builtins only, but
# for the chroot, which is exec'd before the suspend.  Prints the verdict
# line the host looks for.
sleep_stage_run() {
	local rc line leaks=0

	echo "aiaccel-sleep: begin"
	chroot "$SLEEP_ROOT" "/$SLEEP_TEST" --run-subtest "$SLEEP_SUBTEST"
	rc=$?
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		echo scan >/sys/kernel/debug/kmemleak
		while IFS= read -r line; do
			echo "aiaccel-sleep: $line"
			leaks=1
		done </sys/kernel/debug/kmemleak
	fi
	if [ "$rc" -eq 0 ] && [ "$leaks" -eq 0 ]; then
		echo "aiaccel-sleep: result pass"
	elif [ "$rc" -eq 77 ]; then
		echo "aiaccel-sleep: result skip"
	else
		echo "aiaccel-sleep: result fail (test exit $rc, leaks $leaks)"
	fi
	echo "aiaccel-sleep: end"
}
