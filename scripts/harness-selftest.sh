#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# harness-selftest.sh: the gates of "make check" must be able to fail.
# Feeds scripts/summary.py made-up results (a failing IGT subtest, a
# dmesg-warn, a missing suite, a failed sleep stage, a failed ONNX
# conformance case) and the kernel-log
# pattern list typical reports, and checks each is caught.  Prints
# "N passed, N failed".

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/guest/splat-re.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() {	# check NAME EXPECTED-STATUS CMD...
	local name=$1 want=$2 got
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	if { [ "$want" = 0 ] && [ "$got" -eq 0 ]; } || { [ "$want" != 0 ] && [ "$got" -ne 0 ]; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name (exit $got, wanted $want)"
		cat "$tmp/out"
	fi
}

# results DIR IGT-RESULT: a results tree where every suite passed but IGT
# reports IGT-RESULT for one subtest.
results() {
	mkdir -p "$1/igt" "$1/guest"
	echo "5 0" >"$1/kunit.counts"
	echo "0 1" >"$1/guest/dmesg.counts"	# failed passed
	echo "1 0" >"$1/guest/sleep.counts"
	cat >"$1/igt/results.json" <<EOF
{"tests": {"igt@a@ok": {"result": "pass"}, "igt@a@b": {"result": "$2"},
           "igt@a@c": {"result": "skip"}}}
EOF
}

summary() { /usr/bin/python3 "$top/scripts/summary.py" "$@"; }

results "$tmp/ok" pass
check "all passing" 0 summary "$tmp/ok" kunit,igt,dmesg,sleep
cp "$tmp/out" "$tmp/ok.out"
check "total line sums the suites" 0 grep -qx '9 passed, 0 failed' "$tmp/ok.out"
for r in fail crash timeout incomplete dmesg-warn dmesg-fail abort; do
	results "$tmp/$r" "$r"
	check "IGT $r fails the run" 1 summary "$tmp/$r" kunit,igt,dmesg,sleep
done
check "a missing suite fails the run" 1 summary "$tmp/ok" kunit,igt,lint
echo "1 0" >"$tmp/ok/guest/dmesg.counts"
check "a kernel-log report fails the run" 1 summary "$tmp/ok" kunit,dmesg
echo "0 1" >"$tmp/ok/guest/sleep.counts"
check "a failed sleep stage fails the run" 1 summary "$tmp/ok" kunit,sleep
echo '{"tests": {}}' >"$tmp/ok/igt/results.json"
check "no IGT subtest at all fails the run" 1 summary "$tmp/ok" igt
echo "7 0 6 1 26" >"$tmp/ok/onnx.counts"	# passed failed exact onestep skipped
check "ONNX conformance counts" 0 summary "$tmp/ok" kunit,onnx
cp "$tmp/out" "$tmp/onnx.out"
check "ONNX passes are summed" 0 grep -qx '12 passed, 0 failed' "$tmp/onnx.out"
echo "6 1 6 0 26" >"$tmp/ok/onnx.counts"
check "a failed ONNX case fails the run" 1 summary "$tmp/ok" kunit,onnx
rm "$tmp/ok/onnx.counts"
check "missing ONNX results fail the run" 1 summary "$tmp/ok" onnx
check "missing Python binding results fail the run" 1 summary "$tmp/ok" python

echo "30 0" >"$tmp/ok/series.counts"
check "patch series counts" 0 summary "$tmp/ok" kunit,series
echo "29 1" >"$tmp/ok/series.counts"
check "a failed patch series check fails the run" 1 summary "$tmp/ok" kunit,series
rm "$tmp/ok/series.counts"
check "missing patch series results fail the run" 1 summary "$tmp/ok" series

# The series' Kbuild staging (patch-series-stage.py): a module is linked
# only once all its objects exist, an object is listed only with its
# source, a Kconfig entry comes with its module.
drv=drivers/accel/aiaccel
stage() { /usr/bin/python3 "$top/scripts/patch-series-stage.py" "$tmp/tree" \
	"$top/$drv/Makefile" "$top/$drv/Kconfig"; }
mkdir -p "$tmp/tree/$drv/sim"
touch "$tmp/tree/$drv/aiaccel_drv.c"
stage
check "a prefix lists its objects" 0 grep -qx $'\taiaccel_drv.o' "$tmp/tree/$drv/Makefile"
check "a prefix lists no object it lacks" 1 grep -q aiaccel_job.o "$tmp/tree/$drv/Makefile"
check "an incomplete module is not linked" 1 grep -q '+= aiaccel\.o' "$tmp/tree/$drv/Makefile"
check "the driver's Kconfig entry comes first" 0 grep -qx 'config DRM_ACCEL_AIACCEL' "$tmp/tree/$drv/Kconfig"
check "the model's entry waits for the model" 1 grep -q AIACCEL_SIM "$tmp/tree/$drv/Kconfig"
for o in $(sed -n 's/^\t\([a-z_/]*\)\.o.*/\1/p' "$top/$drv/Makefile"); do
	touch "$tmp/tree/$drv/$o.c"
done
stage
check "a complete module is linked" 0 grep -q '+= aiaccel\.o' "$tmp/tree/$drv/Makefile"
check "the model too" 0 grep -q '+= aiaccel_sim\.o' "$tmp/tree/$drv/Makefile"
check "the model's Kconfig entry with it" 0 grep -qx 'config DRM_ACCEL_AIACCEL_SIM' "$tmp/tree/$drv/Kconfig"
check "the complete Makefile is the repository's" 0 \
	diff <(grep -v '^obj-.*tests/' "$top/$drv/Makefile") "$tmp/tree/$drv/Makefile"

# Reports the kernel-log gate must catch, and lines it must let through.
while IFS= read -r line; do
	check "caught: $line" 0 grep -qE "$SPLAT_RE" <<<"$line"
done <<'EOF'
[   12.345678] WARNING: CPU: 1 PID: 77 at drivers/accel/aiaccel/aiaccel_job.c:300 run_job+0x1/0x2 [aiaccel]
[    5.000000] BUG: KASAN: slab-use-after-free in aiaccel_done_cb+0x10/0x20
[    7.100000] WARNING: possible circular locking dependency detected
[    8.000000] kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
[    9.000000] ODEBUG: free active (active state 0) object: 0000 object type: timer_list
[   10.000000] INFO: task kworker/0:1:12 blocked for more than 120 seconds.
[   11.000000] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580
[   12.000000] Oops: general protection fault, probably for non-canonical address
EOF
while IFS= read -r line; do
	check "let through: $line" 1 grep -qE "$SPLAT_RE" <<<"$line"
done <<'EOF'
[   81.449780] [drm] Initialized aiaccel 1.0.0 for aiaccel.0 on minor 0
[   93.379468] [IGT] aiaccel_power: starting subtest query-and-invalid
[  104.007743] PM: suspend exit
EOF

# aiaccel errors: only those a test declared (igt_emit_ignore_dmesg_regex)
# pass; the others, and any outside a declaring subtest, are reported.
unexpected() { unexpected_errors | grep -q 'unexpected aiaccel error'; }
check "an undeclared driver error is caught" 0 unexpected <<'EOF'
<14>[   20.000000] [IGT] aiaccel_submit: starting subtest basic
<3>[   20.100000] aiaccel aiaccel.0: [drm] *ERROR* device error 0x4
EOF
check "a declared driver error passes" 1 unexpected <<'EOF'
<14>[   20.000000] [IGT] aiaccel_submit_recovery: starting subtest wedged
<14>[   20.000100] [IGT] add ignored dmesg regex: does not come out of reset
<3>[   20.100000] aiaccel aiaccel.0: [drm] *ERROR* engine 0 does not come out of reset: device wedged
EOF
check "a declaration ends with its subtest" 0 unexpected <<'EOF'
<14>[   20.000100] [IGT] add ignored dmesg regex: does not come out of reset
<14>[   21.000000] [IGT] aiaccel_submit_recovery: starting subtest next
<3>[   21.100000] aiaccel aiaccel.0: [drm] *ERROR* engine 0 does not come out of reset: device wedged
EOF
check "another declaration does not cover it" 0 unexpected <<'EOF'
<14>[   20.000100] [IGT] add ignored dmesg regex: num_devices must be
<3>[   20.100000] aiaccel aiaccel.0: [drm] *ERROR* device error 0x4
EOF
check "info and other drivers' errors pass" 1 unexpected <<'EOF'
<6>[   20.100000] aiaccel aiaccel.0: [drm] engine 0: job 3 made no progress in 1000 ms, resetting the engine
<3>[   20.200000] vgem: something else
EOF

# The patch series check counts only warnings about our files, and must
# tell them apart under a cache path that has "aiaccel" in it.
. "$top/scripts/series-ours.sh"
ours_says() { printf '%s\n' "$1" >"$tmp/build.log"; [ -n "$(ours "$tmp/build.log")" ]; }
c=/root/.cache/aiaccel/series/linux
check "series: a W=1 warning in our file counts" 0 \
	ours_says "$c/drivers/accel/aiaccel/aiaccel_job.c:10:5: warning: no previous prototype for 'f'"
check "series: a warning in a DRM helper does not" 1 \
	ours_says "$c/drivers/gpu/drm/drm_gem_shmem_helper.c:10:5: warning: no previous prototype for 'f'"
check "series: nor one in another accel chapter" 1 \
	ours_says "$c/Documentation/accel/rocket/index.rst:5: WARNING: Title underline too short."
check "series: our chapter's does" 0 \
	ours_says "$c/Documentation/accel/aiaccel/uapi.rst:5: WARNING: Title underline too short."
check "series: the uAPI header test's does" 0 \
	ours_says "./usr/include/drm/aiaccel_accel.h:40:1: error: unknown type name 'u32'"
check "series: modpost's about our module does" 0 \
	ours_says 'ERROR: modpost: "drm_foo" [drivers/accel/aiaccel/aiaccel.ko] undefined!'
check "series: the hook into drivers/accel does" 0 \
	ours_says "$c/drivers/accel/Kconfig:30: warning: ignoring unsupported character"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
