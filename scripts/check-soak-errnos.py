#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the soak's errno table against the uAPI header.

igt-tests/aiaccel_soak.c fails any call that returns an errno its table
(contract[]) does not list for that call.  The entries marked "uapi" must
list exactly the errnos include/uapi/drm/aiaccel_accel.h documents: for an
ioctl, those of the "Errors:" paragraph of the comment above its
DRM_IOCTL_AIACCEL_* define; for JOB_STATUS, those of
drm_aiaccel_event_job.status.  So a new errno documented in the header,
or one the soak allows without the header saying so, fails make check.
-ERESTARTSYS is the kernel's, never seen by userspace (a restarted call,
or -EINTR), and not counted.

  scripts/check-soak-errnos.py             check
  scripts/check-soak-errnos.py --selftest  and check that mutations of
                                           the header and table are caught
"""

import os
import re
import shutil
import sys

import mutation_selftest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(TOP, "include/uapi/drm/aiaccel_accel.h")
SOAK = os.path.join(TOP, "igt-tests/aiaccel_soak.c")
KERNEL_ONLY = {"ERESTARTSYS"}


def header_errnos(path):
    """{'SUBMIT': {'EINVAL', ...}, ..., 'JOB_STATUS': {...}}"""
    text = open(path).read()
    out = {}
    for m in re.finditer(r"/\*((?:(?!\*/).)*?)\*/\s*#define\s+DRM_IOCTL_AIACCEL_(\w+)", text,
                         re.S):
        doc = m.group(1)
        i = doc.find("Errors:")
        if i < 0:
            out[m.group(2)] = None
            continue
        out[m.group(2)] = set(re.findall(r"-(E[A-Z]+)", doc[i:])) - KERNEL_ONLY
    m = re.search(r"@status:(.*?)\*/", text, re.S)
    out["JOB_STATUS"] = set(re.findall(r"-(E[A-Z]+)", m.group(1))) - KERNEL_ONLY if m else None
    return out


def soak_errnos(path):
    text = open(path).read()
    out = {}
    for m in re.finditer(r'\[CALL_\w+\]\s*=\s*\{\s*"(\w+)",\s*"uapi",\s*\{([^}]*)\}', text, re.S):
        out[m.group(1)] = set(re.findall(r"E[A-Z]+", m.group(2)))
    return out


def check(header, soak):
    errs = []
    doc, table = header_errnos(header), soak_errnos(soak)
    for name, want in sorted(doc.items()):
        if want is None:
            errs.append("%s: the header documents no errors for it" % name)
        elif name not in table:
            errs.append("%s: no \"uapi\" entry in the soak's contract[]" % name)
        elif table[name] != want:
            errs.append("%s: the soak allows %s, the header documents %s (only in the soak: "
                        "%s; only in the header: %s)" %
                        (name, sorted(table[name]), sorted(want),
                         sorted(table[name] - want) or "none", sorted(want - table[name]) or "none"))
    for name in sorted(set(table) - set(doc)):
        errs.append("%s: a \"uapi\" entry of the soak the header has no ioctl for" % name)
    return errs


MUTATIONS = [
    ("an errno added to the header", "header",
     "-ENODEV once it has gone away;", "-ENODEV once it has gone away; -EBUSY when busy;",
     "only in the header: ['EBUSY']"),
    ("an errno the soak allows alone", "soak",
     '{ "WAIT", "uapi", { ETIMEDOUT,', '{ "WAIT", "uapi", { EAGAIN, ETIMEDOUT,',
     "only in the soak: ['EAGAIN']"),
    ("a job status added to the header", "header",
     "-ENODEV for a job the device\n\t * went away under.",
     "-ENODEV for a job the device\n\t * went away under, -ENOSPC.",
     "JOB_STATUS"),
]


def selftest():
    def copy(tmp):
        paths = {"header": os.path.join(tmp, "h.h"), "soak": os.path.join(tmp, "s.c")}
        shutil.copy(HEADER, paths["header"])
        shutil.copy(SOAK, paths["soak"])
        return paths

    return mutation_selftest.run(MUTATIONS, copy,
                                 lambda paths: check(paths["header"], paths["soak"]))


def main():
    errs = check(HEADER, SOAK)
    for e in errs:
        print("check-soak-errnos: " + e)
    passed, failed = (0, 1) if errs else (1, 0)
    if not errs:
        print("check-soak-errnos: the soak's table has the header's %d errno lists" %
              len(header_errnos(HEADER)))
    if "--selftest" in sys.argv[1:]:
        p, f = selftest()
        print("check-soak-errnos: %d of %d mutations caught" % (p, p + f))
        passed, failed = passed + p, failed + f
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
