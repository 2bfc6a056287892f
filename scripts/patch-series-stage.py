#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Stage the driver's Kbuild and Kconfig for one prefix of the patch series.

    patch-series-stage.py TREE FINAL_MAKEFILE FINAL_KCONFIG

TREE is the kernel tree as far as the series has come; the driver's
Makefile and Kconfig there are rewritten from their final versions
(this repository's) keeping only what the files present can build:

- an object in a "name-y := \\" list is kept once its source is there;
- "obj-$(CONFIG_X) += name.o" once every object of name-y is there, so a
  module is linked only when complete and every prefix links and passes
  modpost; "obj-$(CONFIG_X) += dir/" once dir/Makefile is there;
- a per-object line (CFLAGS_obj, KASAN_SANITIZE_obj) with its object;
- a comment block goes with the line it stands above;
- the driver's own Kconfig entry (the first) with its first file, so
  that drivers/accel descends into the directory and each file compiles
  on its own until the module is complete; the entry of X with its obj-
  line; the others with the first.

Neither file is written when nothing of it is left.
"""

import os
import re
import sys

tree, final_makefile, final_kconfig = sys.argv[1:4]
drvdir = os.path.join(tree, "drivers", "accel", "aiaccel")


def have_source(obj):
    base = os.path.join(drvdir, obj[:-2])
    return os.path.exists(base + ".c") or os.path.exists(base + ".S")


def parse_lists(lines):
    """name-y lists: {name: [objects]}."""
    lists, cur = {}, None
    for line in lines:
        m = re.match(r"^([\w-]+)-y\s*[:+]?=\s*(.*?)\s*(\\?)$", line)
        if m:
            cur = m.group(1)
            lists.setdefault(cur, []).extend(m.group(2).split())
            if not m.group(3):
                cur = None
            continue
        if cur:
            body = line.rstrip("\\").split()
            lists[cur].extend(body)
            if not line.rstrip().endswith("\\"):
                cur = None
    return lists


def keep_line(line, lists):
    """True, False, or None for a line that depends on nothing."""
    m = re.match(r"^obj-\$\(CONFIG_(\w+)\)\s*\+=\s*(\S+)$", line)
    if m:
        target = m.group(2)
        if target.endswith("/"):
            return os.path.exists(os.path.join(drvdir, target, "Makefile"))
        name = target[:-2]
        if name in lists:
            return bool(lists[name]) and all(have_source(o) for o in lists[name])
        return have_source(target)
    m = re.match(r"^(?:CFLAGS|CFLAGS_REMOVE|AFLAGS|KASAN_SANITIZE|KCSAN_SANITIZE|"
                 r"UBSAN_SANITIZE|OBJECT_FILES_NON_STANDARD)_(\S+\.o)\s*:?=", line)
    if m:
        return have_source(m.group(1))
    return None


def stage_makefile(text):
    lines = text.splitlines()
    lists = parse_lists(lines)
    out, comments, cur = [], [], None
    for line in lines:
        if line.startswith("#"):
            comments.append(line)
            continue
        m = re.match(r"^([\w-]+)-y\s*:=\s*\\$", line)
        if m:
            objs = [o for o in lists[m.group(1)] if have_source(o)]
            cur = m.group(1)
            if objs:
                out += comments
                out.append(line)
            comments = []
            continue
        if cur:
            obj = line.strip().rstrip("\\").strip()
            if obj and have_source(obj):
                out.append("\t" + obj + " \\")
            if not line.rstrip().endswith("\\"):
                cur = None
                if out and out[-1].endswith(" \\") and out[-1].startswith("\t"):
                    out[-1] = out[-1][:-2]
            continue
        keep = keep_line(line, lists)
        if keep is False:
            comments = []
            continue
        out += comments
        comments = []
        out.append(line)
    out += comments
    # A list whose header was kept with no members cannot happen (see
    # above); squeeze the blank lines dropped lines leave behind.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip("\n") + "\n")
    return text, lists


def stage_kconfig(text, obj_syms, started):
    """The first entry (the driver's) once the driver has a file, so that
    drivers/accel/Makefile descends into it and each file builds on its
    own; an entry with an obj- line with that line; the others with the
    first."""
    head, entries, cur = [], [], None
    for line in text.splitlines():
        m = re.match(r"^(?:menu)?config (\w+)", line)
        if m:
            cur = [m.group(1), [line]]
            entries.append(cur)
        elif cur:
            cur[1].append(line)
        else:
            head.append(line)
    if not started:
        return None
    first = entries[0][0]
    kept = [e for e in entries if e[0] == first or e[0] in obj_syms["kept"] or
            e[0] not in obj_syms["all"]]
    if not kept:
        return None
    body = []
    for sym, lines in kept:
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        body.append("\n".join(lines))
    return "\n".join(head).rstrip("\n") + "\n\n" + "\n\n".join(body) + "\n"


def main():
    with open(final_makefile) as f:
        final = f.read()
    staged, lists = stage_makefile(final)
    syms_all, syms_kept = set(), set()
    for line in final.splitlines():
        m = re.match(r"^obj-\$\(CONFIG_(\w+)\)", line)
        if m:
            syms_all.add(m.group(1))
    for line in staged.splitlines():
        m = re.match(r"^obj-\$\(CONFIG_(\w+)\)", line)
        if m:
            syms_kept.add(m.group(1))
    mk = os.path.join(drvdir, "Makefile")
    started = any(have_source(o) for objs in lists.values() for o in objs)
    if started:
        with open(mk, "w") as f:
            f.write(staged)
    elif os.path.exists(mk):
        os.unlink(mk)

    with open(final_kconfig) as f:
        kconfig = stage_kconfig(f.read(), {"all": syms_all, "kept": syms_kept}, started)
    kc = os.path.join(drvdir, "Kconfig")
    if kconfig:
        with open(kc, "w") as f:
            f.write(kconfig)
    elif os.path.exists(kc):
        os.unlink(kc)


main()
