#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Run the Python tests: run.py host | guest [COUNTS_FILE]

host: the .aimodel writer, the ONNX importer and the conformance stage's
checker, with libaidrv's CPU reference ($AIDRV_LIBRARY, the build tree's
library); needs python3-onnx and python3-numpy.  guest: the binding
against the real driver (test_guest_*.py); needs python3-numpy only.

Prints each failure, then "N passed, N failed"; writes "PASSED FAILED" to
COUNTS_FILE if given; exits 1 if anything failed.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("host", "guest"):
        print(__doc__, file=sys.stderr)
        return 2
    pattern = "test_guest_*.py" if sys.argv[1] == "guest" else "test_host_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern,
                                                top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.skipped) + \
        len(result.unexpectedSuccesses)
    passed = result.testsRun - failed
    if result.testsRun == 0:
        failed = 1
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(f"{passed} {failed}\n")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
