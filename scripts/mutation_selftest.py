# SPDX-License-Identifier: GPL-2.0
"""Mutation self-tests of the host-side consistency checkers.

A checker that compares two sources (the uAPI header with a table, say)
proves it can fail: each mutation changes one text in a copy of the
checked files, and the checker must then report the expected error.
"""

import tempfile


def run(mutations, copy, check):
    """Apply each mutation to fresh copies and run the checker on them.

    mutations: (what, target, old, new, expect) tuples: replace the one
        occurrence of old with new in the file named target, and expect an
        error containing expect.
    copy(tmp): copies the checked files into directory tmp, returns
        {target: path}.
    check(paths): the checker on those copies, returns a list of errors.

    Returns (passed, failed); prints what failed.
    """
    passed = failed = 0
    for what, target, old, new, expect in mutations:
        with tempfile.TemporaryDirectory() as tmp:
            paths = copy(tmp)
            path = paths[target]
            with open(path) as f:
                text = f.read()
            if text.count(old) != 1:
                print("selftest: %s: the text to change is not there once" % what)
                failed += 1
                continue
            with open(path, "w") as f:
                f.write(text.replace(old, new))
            errs = check(paths)
        if any(expect in e for e in errs):
            passed += 1
        else:
            print("selftest: %s: not caught (errors: %s)" % (what, errs or "none"))
            failed += 1
    return passed, failed
