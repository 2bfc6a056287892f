#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# igt-run.sh TESTDIR OUTDIR: run the IGT tests of TESTDIR (the binaries
# its test-list.txt names) where igt_runner is not available: Debian
# trixie, the distribution guest's userspace, does not package it (only
# forky does, see DESIGN.md).  It does what igt_runner does by default,
# through the binaries' own protocol: one process per subtest,
# "BINARY --run-subtest NAME", read back from its exit status (0 pass,
# 77 skip, 98 fail) and, for subtests with dynamic subtests, from the
# "Dynamic subtest NAME: RESULT" lines it prints.
#
# Writes OUTDIR/results.txt, a line per subtest (a line per dynamic
# subtest for those that have them):
#   RESULT igt@BINARY@SUBTEST[@DYNAMIC][ REASON]
# RESULT is pass, fail, skip, timeout or crash; REASON, for skips, is the
# requirement the subtest gave.  OUTDIR/BINARY@SUBTEST.log keeps each
# subtest's output.  AIACCEL_FILTER, an extended regular expression,
# narrows the run to the igt@BINARY@SUBTEST names it matches; IGT_RUN_ONLY,
# a file of such names, one a line, to those.
# IGT_RUN_TIMEOUT (seconds, default 600) kills a subtest that runs longer.

set -u
testdir=${1:?usage: igt-run.sh TESTDIR OUTDIR}
outdir=${2:?usage: igt-run.sh TESTDIR OUTDIR}
timeout_s=${IGT_RUN_TIMEOUT:-600}
mkdir -p "$outdir"
results=$outdir/results.txt
: >"$results"
export IGT_PLAIN_OUTPUT=1

# The reason of a skip: the line after "Requirement:" if the test wrote
# one (igt_require_f), else the requirement itself.
skip_reason() {
	awk '/^Requirement: / { req = substr($0, 14); getline detail
		print (detail != "" && detail !~ /^Last errno/) ? detail : req; exit }' "$1"
}

# The dynamic subtests in a subtest's output: "RESULT NAME[ REASON]".
dynamic_results() {
	awk '/^Starting dynamic subtest: / { reason = "" }
	     /^Requirement: / { req = substr($0, 14); getline detail
		reason = (detail != "" && detail !~ /^Last errno/) ? detail : req }
	     /^Dynamic subtest [^:]*: [A-Z]+/ {
		name = $3; sub(/:$/, "", name)
		if ($4 == "SUCCESS") print "pass " name
		else if ($4 == "SKIP") print "skip " name " " reason
		else print "fail " name }' "$1"
}

run_subtest() {	# run_subtest BINARY SUBTEST
	local bin=$1 sub=$2 name=igt@$1@$2 log=$outdir/$1@$2.log rc result dyn
	echo "Starting igt@$bin@$sub" >&2
	timeout -k 5 "$timeout_s" "$testdir/$bin" --run-subtest "$sub" >"$log" 2>&1
	rc=$?
	case $rc in
	0) result=pass ;;
	77) result=skip ;;
	98) result=fail ;;
	124 | 137) result=timeout ;;
	*) result=crash ;;
	esac
	dyn=$(dynamic_results "$log")
	if [ -n "$dyn" ]; then
		while read -r res d reason; do
			echo "$res $name@$d${reason:+ $reason}"
		done <<<"$dyn" >>"$results"
		# A dynamic subtest that never reported (a crash, a timeout)
		# fails its parent.
		case $result in
		timeout | crash) echo "$result $name" >>"$results" ;;
		esac
	elif [ "$result" = skip ]; then
		echo "skip $name $(skip_reason "$log")" >>"$results"
	else
		echo "$result $name" >>"$results"
	fi
	echo "$result igt@$bin@$sub (exit $rc)" >&2
}

tests=$(sed -n '/^TESTLIST$/,/^END TESTLIST$/p' "$testdir/test-list.txt" | sed '1d;$d')
for bin in $tests; do
	subs=$("$testdir/$bin" --list-subtests) || {
		echo "crash igt@$bin (--list-subtests exited with $?)" >>"$results"
		continue
	}
	for sub in $subs; do
		if [ -n "${AIACCEL_FILTER:-}" ] &&
		   ! grep -Eq -- "$AIACCEL_FILTER" <<<"igt@$bin@$sub"; then
			continue
		fi
		if [ -n "${IGT_RUN_ONLY:-}" ] &&
		   ! grep -qxF -- "igt@$bin@$sub" "$IGT_RUN_ONLY"; then
			continue
		fi
		run_subtest "$bin" "$sub"
	done
done
awk '{ n[$1]++ } END { printf "igt-run: %d pass, %d fail, %d skip, %d timeout, %d crash\n",
	n["pass"], n["fail"], n["skip"], n["timeout"], n["crash"] }' "$results" >&2
