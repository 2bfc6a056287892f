#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Sum the results of every suite of "make check" into one line.

Each suite leaves its counts under build/results; a suite whose results are
missing counts as one failure, so a crash cannot look like a pass.  Prints a
line per suite, then "N passed, N failed"; exits 1 if anything failed.
"""

import json
import os
import sys

results = sys.argv[1] if len(sys.argv) > 1 else "build/results"
suites = sys.argv[2].split(",") if len(sys.argv) > 2 else []

# igt_runner result names that count as failures; "skip" and "notrun"
# count as neither.
IGT_FAIL = {"fail", "crash", "timeout", "incomplete", "dmesg-fail",
            "dmesg-warn", "warn", "abort"}


def counts_file(name):
    """A file holding "passed failed"."""
    path = os.path.join(results, name)
    with open(path) as f:
        passed, failed = f.read().split()[:2]
    return int(passed), int(failed), ""


def igt():
    path = os.path.join(results, "igt", "results.json")
    with open(path) as f:
        data = json.load(f)
    passed = failed = skipped = 0
    bad = []
    for name, test in data.get("tests", {}).items():
        result = test.get("result")
        if result == "pass":
            passed += 1
        elif result in IGT_FAIL:
            failed += 1
            bad.append(f"{name}: {result}")
        else:
            skipped += 1
    if passed + failed == 0:
        failed = 1
        bad.append("no IGT subtest ran")
    note = f", {skipped} skipped" if skipped else ""
    if bad:
        note += "\n      " + "\n      ".join(bad)
    return passed, failed, note


def dmesg():
    path = os.path.join(results, "guest", "dmesg.counts")
    with open(path) as f:
        failed, passed = f.read().split()[:2]
    return int(passed), int(failed), ""


def onnx():
    """scripts/onnx-conformance.py compare: passed failed exact onestep skipped."""
    path = os.path.join(results, "onnx.counts")
    with open(path) as f:
        passed, failed, exact, onestep, skipped = (int(x) for x in f.read().split()[:5])
    return passed, failed, (f" ({exact} exact, {onestep} within one step, "
                            f"{skipped} skipped: see onnx-report.txt)")


def distro():
    """The distribution stage (scripts/distro-check.sh): its checks, on the
    host and in the guest ("PASS|FAIL name" lines), and the IGT subtests
    run on Debian's kernel (guest/igt-run.sh's "result name [reason]")."""
    base = os.path.join(results, "distro")
    passed = failed = skipped = 0
    bad = []
    lines = []
    with open(os.path.join(base, "checks.txt")) as f:
        lines += f.read().splitlines()
    guest = os.path.join(base, "guest", "checks.txt")
    if os.path.exists(guest):
        with open(guest) as f:
            lines += f.read().splitlines()
    for line in lines:
        verdict, _, name = line.partition(" ")
        if verdict == "PASS":
            passed += 1
        else:
            failed += 1
            bad.append(name)
    igt_pass = 0
    try:
        with open(os.path.join(base, "guest", "igt", "results.txt")) as f:
            for line in f.read().splitlines():
                result, _, rest = line.partition(" ")
                name = rest.split(" ")[0]
                if result == "pass":
                    igt_pass += 1
                elif result == "skip":
                    skipped += 1
                else:
                    failed += 1
                    bad.append(f"{name}: {result}")
    except OSError:
        pass
    if igt_pass == 0:
        failed += 1
        bad.append("no IGT subtest passed on Debian's kernel")
    passed += igt_pass
    note = f", {skipped} skipped" if skipped else ""
    if bad:
        note += "\n      " + "\n      ".join(bad)
    return passed, failed, note


SUITES = {
    "kunit": ("KUnit", lambda: counts_file("kunit.counts")),
    "host": ("host tests", lambda: counts_file("host.counts")),
    "series": ("patch series (Linux 7.3)", lambda: counts_file("series.counts")),
    "lint": ("kernel lint", lambda: counts_file("lint.counts")),
    "igt": ("IGT (guest)", igt),
    "lib": ("library tests (guest)",
            lambda: counts_file(os.path.join("guest", "libaidrv.counts"))),
    "onnx": ("ONNX conformance (guest)", onnx),
    "python": ("Python binding (guest)",
               lambda: counts_file(os.path.join("guest", "python.counts"))),
    "dmesg": ("kernel log gate (guest)", dmesg),
    "sleep": ("system suspend stage (guest)",
              lambda: counts_file(os.path.join("guest", "sleep.counts"))),
    "distro": ("Debian packages (distro)", distro),
}

total_pass = total_fail = 0
for key in suites:
    label, fn = SUITES[key]
    try:
        passed, failed, note = fn()
    except (OSError, ValueError, json.JSONDecodeError) as e:
        passed, failed, note = 0, 1, f" (no results: {e})"
    total_pass += passed
    total_fail += failed
    print(f"  {label:26} {passed:5} passed, {failed:3} failed{note}")

print(f"{total_pass} passed, {total_fail} failed")
sys.exit(1 if total_fail else 0)
