#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh: run the aiaccel KUnit suites with kunit.py on UML.
# Output: $RESULTS_DIR/kunit.log (kunit.py's output) and kunit.counts
# ("passed failed").  Exits non-zero if any test did not pass.

. "$(dirname "$0")/lib.sh"

need_pkgs gcc make flex bison bc libelf-dev python3
ksrc=$("$AIACCEL_TOP/scripts/overlay.sh")
build=${AIACCEL_KUNIT_BUILD:-$AIACCEL_CACHE/kunit-build}
mkdir -p "$RESULTS_DIR" "$build"
log=$RESULTS_DIR/kunit.log
exec 9>"$build.lock"
flock 9

set +e
python3 "$ksrc/tools/testing/kunit/kunit.py" run \
	--kunitconfig="$AIACCEL_TOP/kunit/.kunitconfig" \
	--build_dir="$build" --jobs="$JOBS" --timeout=600 \
	${KUNIT_FILTER:+"$KUNIT_FILTER"} 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# "Testing complete. Ran N tests: passed: P, failed: F, crashed: C, skipped: S, errors: E"
summary=$(grep -a 'Testing complete\. Ran' "$log" | tail -n1 || true)
ran=$(sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p' <<<"$summary")
passed=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
skipped=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$summary")
ran=${ran:-0} passed=${passed:-0} skipped=${skipped:-0}
failed=$((ran - passed - skipped))
# A build failure or a crash before any result is one failure, not zero.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
fi
# So is a kernel report (lockdep, WARN, BUG) while the suites ran.
if grep -a -E 'WARNING:|BUG:|circular locking|possible recursive locking|INFO: trying to register non-static key' \
	"$build/test.log" >"$RESULTS_DIR/kunit-splats.txt"; then
	log "KUnit: the kernel reported problems:"
	head -n 20 "$RESULTS_DIR/kunit-splats.txt" >&2
	failed=$((failed + 1))
fi
echo "$passed $failed" >"$RESULTS_DIR/kunit.counts"
log "KUnit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
