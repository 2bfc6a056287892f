#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run-guest-tests.sh OUT: run libaidrv's guest test binaries (test_* next
# to this script) against the real driver, as guest/plan-check.sh does:
#
#   "$BUILD/libaidrv/tests/run-guest-tests.sh" /results/libaidrv
#
# Each binary runs plainly, where every cmocka test case counts as one
# test.  The binaries named in $VALGRIND_TESTS (default: test_buffer,
# test_job and test_inference, which between them make every library
# call) run a second
# time under valgrind (--leak-check=full, --error-exitcode=1), which counts as one
# more test per binary that passes only if valgrind found no error or leak
# and every case passed again; valgrind is not run on every binary because
# starting it costs about 30 s in the TCG guest.  A case that skips counts
# as failed: the device must be there.  A binary that dies early fails
# the cases it did not report.
#
# Writes OUT/<binary>.tap, OUT/<binary>.valgrind.{tap,log}, and
# OUT.counts: "PASSED FAILED".  Prints one line per binary and
# "N passed, N failed"; exits 1 if anything failed.

set -u
out=${1:?usage: run-guest-tests.sh OUT}
here=${0%/*}
mkdir -p "$out"
export CMOCKA_MESSAGE_OUTPUT=TAP
valgrind_tests=" ${VALGRIND_TESTS-test_buffer test_job test_inference} "

passed=0 failed=0

# tap_counts FILE RC: "PASSED FAILED" of one TAP run.  Bash builtins
# only: every process started in the guest costs about a second.
tap_counts() {
	local file=$1 rc=$2 plan='' ok=0 bad=0 line
	while IFS= read -r line; do
		case $line in
		1..*) [ -n "$plan" ] || { plan=${line#1..}; plan=${plan%%[!0-9]*}; } ;;
		"not ok "[0-9]*) bad=$((bad + 1)) ;;
		"ok "[0-9]*"# SKIP"*) bad=$((bad + 1)) ;;
		"ok "[0-9]*) ok=$((ok + 1)) ;;
		esac
	done <"$file"
	if [ -n "$plan" ] && [ $((ok + bad)) -lt "$plan" ]; then
		bad=$((plan - ok))
	fi
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	echo "$ok $bad"
}

# show_failures FILE: the failing cases of a TAP file and their messages.
show_failures() {
	local file=$1 line show=0
	while IFS= read -r line; do
		case $line in
		"not ok "*|"ok "*"# SKIP"*) show=1 ;;
		"ok "*) show=0 ;;
		"#"*) ;;
		*) show=0 ;;
		esac
		[ "$show" -eq 1 ] && printf '    %s\n' "$line"
	done <"$file"
	return 0
}

have_valgrind=0
type -P valgrind >/dev/null && have_valgrind=1

for t in "$here"/test_*; do
	[ -x "$t" ] || continue
	name=${t##*/}

	start=$SECONDS
	"$t" >"$out/$name.tap" 2>"$out/$name.stderr"
	read -r p f < <(tap_counts "$out/$name.tap" $?)
	passed=$((passed + p))
	failed=$((failed + f))
	printf '  %-14s %3d passed, %d failed (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
	[ "$f" -eq 0 ] || show_failures "$out/$name.tap"

	case $valgrind_tests in
	*" $name "*) ;;
	*) continue ;;
	esac
	if [ "$have_valgrind" -eq 0 ]; then
		echo "  $name under valgrind: no valgrind"
		failed=$((failed + 1))
		continue
	fi
	start=$SECONDS
	valgrind -q --error-exitcode=1 --leak-check=full --track-fds=no \
		--log-file="$out/$name.valgrind.log" \
		"$t" >"$out/$name.valgrind.tap" 2>/dev/null
	rc=$?
	read -r p f < <(tap_counts "$out/$name.valgrind.tap" $rc)
	if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
		passed=$((passed + 1))
		echo "  $name under valgrind: clean ($((SECONDS - start))s)"
	else
		failed=$((failed + 1))
		echo "  $name under valgrind: FAIL (exit $rc, $f failed cases, $((SECONDS - start))s)"
		show_failures "$out/$name.valgrind.tap"
		echo "    see $out/$name.valgrind.log"
	fi
done

echo "$passed $failed" >"$out.counts"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
