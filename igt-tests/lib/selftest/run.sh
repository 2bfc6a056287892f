#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Host-side self-test of the IGT compat library (igt-tests/lib): runs the
# selftest binaries the way igt_runner does and checks the exact lines and
# exit codes the runner relies on.  Ends with "N passed, N failed" and exits
# non-zero if anything failed.
#
#   igt-tests/lib/selftest/run.sh [BINDIR]
#
# BINDIR holds the built selftest binaries (make -C igt-tests selftest-build
# puts them in igt-tests/build/selftest); without it they are built into a
# temporary directory.  Optional:
#   VALGRIND=0                 skip the leak checks (run when valgrind exists)
#   IGT_RUNNER_CHROOT=<root>   also run the binaries under the real igt_runner
#                              in that root (e.g. a Debian forky root with
#                              igt-gpu-tools) and check its results.json;
#                              needs root (unshare, mount, chroot).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

BIN=${1:-}
if [ -z "$BIN" ]; then
	if ! make -s -C "$HERE/../.." O="$T/build" selftest-build >"$T/make.log" 2>&1; then
		cat "$T/make.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	BIN=$T/build/selftest
fi
BIN=$(cd "$BIN" && pwd)

PASS=0
FAIL=0
CASE=""

ok() { PASS=$((PASS + 1)); }
bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL: [$CASE] $*"
	echo "  --- stdout ---"; sed 's/^/  | /' "$T/out" | head -40
	echo "  --- stderr ---"; sed 's/^/  | /' "$T/err" | head -40
}

# run [VAR=value ...] BINARY [ARGS...]: stdout, stderr, exit code to $T/out,
# $T/err and $RC; IGT_SENTINEL_ON_STDERR is set as igt_runner sets it.
run() {
	local envs=()
	while [[ $# -gt 0 && $1 == *=* ]]; do envs+=("$1"); shift; done
	local bin=$1; shift
	CASE="$bin $*"
	env IGT_SENTINEL_ON_STDERR=1 "${envs[@]}" "$BIN/$bin" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# run without the sentinel variable
run_plain() {
	local bin=$1; shift
	CASE="$bin $* (no IGT_SENTINEL_ON_STDERR)"
	env -u IGT_SENTINEL_ON_STDERR "$BIN/$bin" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

expect_rc() { if [ "$RC" -eq "$1" ]; then ok; else bad "exit code $RC, expected $1"; fi; }
# a whole line, literally, on stdout (or in the file given as $2)
has() { if grep -qxF -- "$1" "${2:-$T/out}"; then ok; else bad "missing line: $1"; fi; }
hasnt() { if grep -qxF -- "$1" "${2:-$T/out}"; then bad "unexpected line: $1"; else ok; fi; }
# a whole line matching an extended regex
has_re() { if grep -qxE -- "$1" "${2:-$T/out}"; then ok; else bad "no line matching: $1"; fi; }
# a substring anywhere
contains() { if grep -qF -- "$1" "${2:-$T/out}"; then ok; else bad "missing text: $1"; fi; }
lacks() { if grep -qF -- "$1" "${2:-$T/out}"; then bad "unexpected text: $1"; else ok; fi; }
empty() { if [ ! -s "$1" ]; then ok; else bad "$(basename "$1") not empty"; fi; }
count_re() {
	local n
	n=$(grep -cE -- "$2" "${3:-$T/out}")
	if [ "$n" -eq "$1" ]; then ok; else bad "$n lines match '$2', expected $1"; fi
}

T3='\([0-9]+\.[0-9]{3}s\)'	# the "(0.123s)" after a result

# result NAME RESULT: the runner's line on stdout and its sentinel on stderr
result() {
	has_re "Subtest $1: $2 $T3"
	has_re "Subtest $1: $2 $T3" "$T/err"
}
dyn_result() {
	has_re "Dynamic subtest $1: $2 $T3"
	has_re "Dynamic subtest $1: $2 $T3" "$T/err"
}
started() {
	has "Starting subtest: $1"
	has "Starting subtest: $1" "$T/err"
}
not_started() { hasnt "Starting subtest: $1"; }

# one_subtest BINARY NAME RESULT RC: igt_runner's usual invocation
one_subtest() {
	run "$1" --run-subtest "$2"
	expect_rc "$4"
	started "$2"
	result "$2" "$3"
	count_re 1 '^Subtest '
	count_re 1 '^Starting subtest: '
	has_re 'IGT-Version: .*'
}

S=selftest_subtests
F=selftest_fixtures
P=selftest_simple
E=example

ALL_S="pass fail-assert fail-assert-f fail-explicit skip-require skip-explicit
skip-on-f dynamic-mixed dynamic-all-skip dynamic-pass dynamic-none dynamic-f-1
subtest-f-1 subtest-f-2 fork-pass fork-fail ioctl-err ioctl-fail crash warn
last"

# --- listing -------------------------------------------------------------
run "$S" --list-subtests
expect_rc 0
printf '%s\n' $ALL_S >"$T/expected"
if cmp -s "$T/expected" "$T/out"; then ok; else bad "--list-subtests output differs"; fi
empty "$T/err"

run "$F" --list-subtests
expect_rc 0
printf '%s\n' before group-skip-a group-skip-b between group-fail after-groups \
	late-fail-a late-fail-b >"$T/expected"
if cmp -s "$T/expected" "$T/out"; then ok; else bad "--list-subtests output differs (fixtures must not run)"; fi
empty "$T/err"

run "$S" --show-testlist
expect_rc 0
has "igt@$S@pass"
has "igt@$S@dynamic-mixed"
count_re 21 "^igt@$S@"

# igt_runner treats exit code 79 from --list-subtests as "no subtests"
run "$P" --list-subtests
expect_rc 79
empty "$T/out"
run "$P" --run-subtest anything
expect_rc 79
run "$P" --show-testlist
expect_rc 0
has "igt@$P"

# --- one subtest at a time, as igt_runner runs them ------------------------
one_subtest "$S" pass SUCCESS 0
has "info from pass"
lacks "debug from pass"
one_subtest "$S" fail-assert FAIL 98
contains "selftest_subtests.c:" "$T/err"
contains "one == 2" "$T/err"
contains "error: 1 != 2" "$T/err"
contains "debug before the failure" "$T/err"	# the log is dumped on failure
lacks "not reached"
one_subtest "$S" fail-assert-f FAIL 98
contains "Last errno: 16" "$T/err"
contains "one is 1" "$T/err"
one_subtest "$S" fail-explicit FAIL 98
one_subtest "$S" skip-require SKIP 77
contains "one == 2"
lacks "not reached"
one_subtest "$S" skip-explicit SKIP 77
has "skipping on purpose"
one_subtest "$S" skip-on-f SKIP 77
contains "one is 1"
one_subtest "$S" subtest-f-1 SUCCESS 0
one_subtest "$S" subtest-f-2 SUCCESS 0
one_subtest "$S" fork-pass SUCCESS 0
has "child 0 ran"; has "child 1 ran"; has "child 2 ran"
one_subtest "$S" fork-fail FAIL 98
contains "child 1 fails" "$T/err"
one_subtest "$S" ioctl-err SUCCESS 0
one_subtest "$S" ioctl-fail FAIL 98
contains "Last errno: 25" "$T/err"
one_subtest "$S" crash CRASH 139
contains "Received signal SIGSEGV." "$T/err"
one_subtest "$S" warn SUCCESS 0
contains "a warning" "$T/err"	# igt_runner turns this pass into "warn"
one_subtest "$S" last SUCCESS 0

# --- dynamic subtests ------------------------------------------------------
one_subtest "$S" dynamic-mixed FAIL 98
has "Starting dynamic subtest: dyn-pass"
has "Starting dynamic subtest: dyn-fail"
has "Starting dynamic subtest: dyn-skip" "$T/err"
dyn_result dyn-pass SUCCESS
dyn_result dyn-fail FAIL
dyn_result dyn-skip SKIP
count_re 3 '^Dynamic subtest '

one_subtest "$S" dynamic-all-skip SKIP 77
dyn_result dyn-skip-a SKIP
dyn_result dyn-skip-b SKIP

one_subtest "$S" dynamic-pass SUCCESS 0
for i in 0 1 2; do dyn_result "dyn-$i" SUCCESS; done

one_subtest "$S" dynamic-none SKIP 77
count_re 0 '^Starting dynamic subtest: '

one_subtest "$S" dynamic-f-1 SUCCESS 0
dyn_result dyn-f-x SUCCESS

# --dynamic-subtest, as igt_runner passes it for igt@bin@sub@dyn entries
run "$S" --run-subtest dynamic-mixed --dynamic-subtest dyn-pass
expect_rc 0
result dynamic-mixed SUCCESS
dyn_result dyn-pass SUCCESS
count_re 1 '^Starting dynamic subtest: '
run "$S" --run-subtest dynamic-mixed --dynamic-subtest dyn-fail
expect_rc 98
result dynamic-mixed FAIL
run "$S" --run-subtest dynamic-mixed --dynamic-subtest dyn-skip
expect_rc 77
result dynamic-mixed SKIP
run "$S" --run-subtest dynamic-mixed --dynamic-subtest 'dyn-p*,dyn-s*'
expect_rc 0
result dynamic-mixed SUCCESS
count_re 2 '^Dynamic subtest '
run "$S" --run-subtest dynamic-mixed --dynamic-subtest nothing
expect_rc 77
result dynamic-mixed SKIP

# --- selection patterns (uwildmat, comma lists, '!') -----------------------
run "$S" --run-subtest 'subtest-f-*'
expect_rc 0
result subtest-f-1 SUCCESS
result subtest-f-2 SUCCESS
count_re 2 '^Subtest '
run "$S" --run-subtest 'pass,skip-require'	# igt_runner's multiple mode
expect_rc 0
result pass SUCCESS
result skip-require SKIP
count_re 2 '^Subtest '
run "$S" --run-subtest 'skip-*'
expect_rc 77
count_re 3 '^Subtest .*: SKIP '
run "$S" --run-subtest '*,!*fail*,!crash,!dynamic-mixed'	# resume-style exclusions
expect_rc 0
count_re 0 '^Subtest .*: (FAIL|CRASH) '
count_re 14 '^Subtest '
run "$S" --run-subtest 'subtest-f-[2-9]'
result subtest-f-2 SUCCESS
count_re 1 '^Subtest '
run "$S" --run-subtest 'subtest-f-[^2]'
result subtest-f-1 SUCCESS
count_re 1 '^Subtest '
run "$S" --run-subtest 'pas?'
result pass SUCCESS
count_re 1 '^Subtest '
run "$S" --run-subtest no-such-subtest
expect_rc 79
count_re 0 '^Starting subtest'
contains "no-such-subtest" "$T/err"
# as in IGT, --list-subtests after --run-subtest does not list
run "$S" --run-subtest pass --list-subtests
expect_rc 0
result pass SUCCESS

# --- the whole binary ------------------------------------------------------
run "$S"
expect_rc 98	# the first failure's code
count_re 21 '^Subtest '
for t in pass subtest-f-1 subtest-f-2 dynamic-pass dynamic-f-1 fork-pass \
	 ioctl-err warn last; do result "$t" SUCCESS; done
for t in fail-assert fail-assert-f fail-explicit dynamic-mixed fork-fail \
	 ioctl-fail; do result "$t" FAIL; done
for t in skip-require skip-explicit skip-on-f dynamic-all-skip dynamic-none; do
	result "$t" SKIP
done
result crash CRASH
if grep -qF $'\x1b' "$T/out"; then bad "escape codes on a pipe"; else ok; fi

# stdout/stderr of a passing subtest: nothing on stderr without the sentinel
run_plain "$S" --run-subtest pass
expect_rc 0
empty "$T/err"
has_re "Subtest pass: SUCCESS $T3"

# --- fixtures --------------------------------------------------------------
run "$F"
expect_rc 98	# a failing fixture makes the run fail, as in IGT
has "first fixture ran"
started before; result before SUCCESS
not_started group-skip-a; has "Subtest group-skip-a: SKIP (0.000s)"
not_started group-skip-b; has "Subtest group-skip-b: SKIP (0.000s)"
contains "group fixture skips"
started between; result between SUCCESS
not_started group-fail; has "Subtest group-fail: FAIL (0.000s)"
contains "group fixture fails" "$T/err"
started after-groups; result after-groups SUCCESS
not_started late-fail-a; has "Subtest late-fail-a: FAIL (0.000s)"
not_started late-fail-b; has "Subtest late-fail-b: FAIL (0.000s)"
contains "top-level fixture fails" "$T/err"
lacks "cleanup fixture ran"
lacks "not reached"
count_re 8 '^Subtest '

run "$F" --run-subtest group-skip-a
expect_rc 98	# fixtures run whatever is selected; two of them fail
has "Subtest group-skip-a: SKIP (0.000s)"
count_re 1 '^Subtest '
count_re 0 '^Starting subtest'
run "$F" --run-subtest late-fail-b
has "Subtest late-fail-b: FAIL (0.000s)"
count_re 0 '^Starting dynamic subtest'

# --- tests without subtests ------------------------------------------------
run "$P"
expect_rc 0
has "mode pass"
has_re "SUCCESS $T3"
empty "$T/err"
run SELFTEST_MODE=fail "$P"
expect_rc 98
has_re "FAIL $T3"
contains "strlen(mode) == 0" "$T/err"
run SELFTEST_MODE=skip "$P"
expect_rc 77
has_re "SKIP $T3"
contains "skipping on purpose"
run SELFTEST_MODE=fork-fail "$P"
expect_rc 98
has_re "FAIL $T3"

# --- the example -----------------------------------------------------------
run "$E" --list-subtests
expect_rc 0
printf 'basic\nper-item\n' >"$T/expected"
if cmp -s "$T/expected" "$T/out"; then ok; else bad "--list-subtests output differs"; fi
run "$E"
expect_rc 0
result basic SUCCESS
result per-item SUCCESS
dyn_result item-alpha SUCCESS
dyn_result item-beta SUCCESS

# --- other options ---------------------------------------------------------
run "$S" --help
expect_rc 0
contains "--run-subtest"
run "$S" --no-such-option
expect_rc 79
contains "--run-subtest" "$T/err"
run "$S" --help-description
expect_rc 0
has "Self-test of the IGT API: every way a subtest can end."
run "$S" --describe
expect_rc 0
has "Self-test of the IGT API: every way a subtest can end."
has_re "SUB pass .*selftest_subtests\.c:[0-9]+:"
has "  A subtest that passes."
has_re "SUB fail-assert .*selftest_subtests\.c:[0-9]+:"
has "  NO DOCUMENTATION!"
run "$S" --describe=dynamic-mixed
expect_rc 0
count_re 1 '^SUB '
has "  Dynamic subtests: one passes, one fails, one skips."
run "$F" --describe
count_re 2 '^  Subtests whose fixture skips\.$'
count_re 1 '^  First subtest of the skipping group\.$'
lacks "first fixture ran"
run "$S" --run-subtest pass --debug
expect_rc 0
has_re '\[[0-9]+\.[0-9]{6}\] \(selftest_subtests:[0-9]+\) DEBUG: debug from pass'
run IGT_LOG_LEVEL=debug "$S" --run-subtest pass
contains "DEBUG: debug from pass"
run "$S" --version
expect_rc 0
has_re 'IGT-Version: .*'

# --- leaks -----------------------------------------------------------------
if [ "${VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
	vg() {
		local bin=$1; shift
		CASE="valgrind $bin $*"
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=42 --trace-children=no \
			"$BIN/$bin" "$@" >"$T/out" 2>"$T/err"
		RC=$?
		if [ "$RC" -ne 42 ] && ! grep -q '^==[0-9]*==' "$T/err"; then ok; else bad "valgrind errors"; fi
	}
	vg "$S" --list-subtests
	vg "$S" --describe
	vg "$S" --run-subtest pass
	vg "$S" --run-subtest fail-assert
	vg "$S" --run-subtest skip-require
	vg "$S" --run-subtest dynamic-mixed
	vg "$S" --run-subtest fork-fail
	vg "$S" --run-subtest 'subtest-f-*,!subtest-f-2' --dynamic-subtest x
	vg "$F"
	SELFTEST_MODE=fail vg "$P"
else
	echo "note: valgrind checks skipped"
fi

# --- the real igt_runner ---------------------------------------------------
if [ -n "${IGT_RUNNER_CHROOT:-}" ]; then
	R=$IGT_RUNNER_CHROOT
	CASE="igt_runner in $R"
	mkdir -p "$T/root/tests"
	cp "$BIN/$S" "$BIN/$F" "$BIN/$P" "$BIN/$E" "$T/root/tests/"
	printf 'TESTLIST\n%s %s %s %s\nEND TESTLIST\n' "$S" "$F" "$P" "$E" \
		>"$T/root/tests/test-list.txt"
	# a private mount namespace: nothing of ours stays in the root
	unshare -m --propagation private sh -c '
		mount --bind "$1/root" "$2/mnt" &&
		mount -t proc proc "$2/proc" &&
		mount --rbind /dev "$2/dev" &&
		mount --rbind /sys "$2/sys" &&
		chroot "$2" igt_runner /mnt/tests /mnt/results' \
		sh "$T" "$R" >"$T/out" 2>"$T/err"
	RC=$?
	expect_rc 0
	J=$T/root/results/results.json
	if [ -f "$J" ]; then
		ok
		cp "$J" "$T/out"
		res() {
			local got
			got=$(jq -r --arg k "$1" '.tests[$k].result // "missing"' "$J")
			if [ "$got" = "$2" ]; then ok; else bad "$1: $got, expected $2"; fi
		}
		res "igt@$S@pass" pass
		res "igt@$S@fail-assert" fail
		res "igt@$S@fail-explicit" fail
		res "igt@$S@skip-require" skip
		res "igt@$S@dynamic-mixed" fail
		res "igt@$S@dynamic-mixed@dyn-pass" pass
		res "igt@$S@dynamic-mixed@dyn-fail" fail
		res "igt@$S@dynamic-mixed@dyn-skip" skip
		res "igt@$S@dynamic-all-skip" skip
		res "igt@$S@dynamic-pass@dyn-2" pass
		res "igt@$S@dynamic-none" skip
		res "igt@$S@subtest-f-2" pass
		res "igt@$S@fork-pass" pass
		res "igt@$S@fork-fail" fail
		res "igt@$S@ioctl-err" pass
		res "igt@$S@crash" crash
		res "igt@$S@warn" warn
		res "igt@$S@last" pass
		res "igt@$F@before" pass
		res "igt@$F@group-skip-a" skip
		res "igt@$F@group-fail" fail
		res "igt@$F@between" pass
		# the failing group fixture's stderr comes before this subtest
		# starts, so resultgen counts it as the subtest's: warn (as
		# with real IGT).  Keep fixtures quiet.
		res "igt@$F@after-groups" warn
		res "igt@$F@late-fail-b" fail
		res "igt@$P" pass
		res "igt@$E@per-item@item-beta" pass
	else
		bad "no results.json"
	fi
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
