#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check tools/syzkaller/dev_aiaccel.txt against the uAPI headers.

syzkaller is not packaged in Debian and its syz-sysgen cannot run here, so
this checks mechanically what a wrong description would get wrong, with
the C compiler as the judge of the headers:

- every DRM_IOCTL_AIACCEL_* of the header has a syscall in the description,
  with a pointer of the ioctl's direction to a struct of the ioctl's size;
- every described struct has the members of its C struct, in order, at the
  C offsets, and the C size (layout computed as syzkaller does: natural
  alignment, no packing);
- every "*_stride const[N]" equals the size of the elements it strides;
- every flag set holds exactly the header constants its "# uapi-flags:"
  annotation names, and ORs to the header's mask where one is given;
- every constant of the headers (but the ioctl command numbers and the ISA
  revision) is used somewhere in the description;
- every identifier the description uses is defined in it, in the headers,
  or in the syzkaller descriptions it builds on (listed below);
- dev_aiaccel.txt.const holds exactly the values of the constants the
  description uses, as the C compiler computes them for x86-64.

  scripts/check-syzkaller.py             check; exit 1 on any mismatch
  scripts/check-syzkaller.py --selftest  and check that the check catches
                                         mutations of the description and
                                         the headers (make check runs this)
  scripts/check-syzkaller.py --write     regenerate dev_aiaccel.txt.const
"""

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import mutation_selftest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESC = os.path.join(TOP, "tools/syzkaller/dev_aiaccel.txt")
UAPI = os.path.join(TOP, "include/uapi")
HEADER_NAMES = ["drm/aiaccel_accel.h", "drm/aiaccel_isa.h"]

# Defined by the syzkaller descriptions this one builds on: name -> the
# base type whose size it has (None: not a data type).
EXTERNAL = {
    "fd": "int32",                # sys.txt
    "fd_dri": "fd",               # dev_dri.txt
    "drm_gem_handle": "int32",    # dev_dri.txt
    "drm_syncobj": "int32",       # dev_dri.txt
    "drm_syncpoint": "int64",     # dev_dri.txt (a type alias)
    "fd_memfd": "fd",             # sys.txt
    "vma": "intptr",              # builtin
    "vma64": "int64",             # builtin
    "open_flags": None,           # sys.txt, flag sets
    "mmap_prot": None,
    "mmap_flags": None,
}
# C structs of other headers the description uses, with their members.
EXTERNAL_STRUCTS = {"drm_event": ["type", "length"]}   # drm.h
# Constants that are not aiaccel's, and where they come from.
SYSTEM_CONSTS = {"AT_FDCWD": "<fcntl.h>"}
BUILTIN = {"int8", "int16", "int32", "int64", "intptr", "const", "flags", "len",
           "bytesize", "ptr", "ptr64", "array", "string", "in", "out", "inout",
           "opt", "parent", "buffer"}
INT_SIZES = {"int8": 1, "int16": 2, "int32": 4, "int64": 8, "intptr": 8}

errors = []


def err(msg):
    errors.append(msg)


# --- The headers ---------------------------------------------------------------

def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def parse_headers(uapi):
    defines, enums, structs, ioctls = {}, {}, {}, {}
    for path in (os.path.join(uapi, h) for h in HEADER_NAMES):
        raw = open(path).read()
        text = strip_c_comments(raw)
        text = re.sub(r"\\\n", " ", text)
        for m in re.finditer(r"^#define\s+(\w+)(?:[ \t]+(.*))?$", text, re.M):
            name, body = m.group(1), (m.group(2) or "").strip()
            if name.startswith("__") and name.endswith("_H__"):
                continue
            defines[name] = body
            io = re.match(r"DRM_IO(W|R|WR)\s*\(\s*DRM_COMMAND_BASE\s*\+\s*(\w+)\s*,\s*"
                          r"struct\s+(\w+)\s*\)", body)
            if io:
                ioctls[name] = ({"W": "in", "R": "out", "WR": "inout"}[io.group(1)],
                                io.group(3), io.group(2))
        for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\}\s*;", text, re.S):
            enums[m.group(1)] = re.findall(r"(\w+)\s*(?:=[^,}]*)?,?", m.group(2))
        for m in re.finditer(r"struct\s+(\w+)\s*\{(.*?)\}\s*;", text, re.S):
            members = []
            for decl in m.group(2).split(";"):
                decl = decl.strip()
                if not decl:
                    continue
                d = re.match(r"(?:struct\s+\w+|__[us]\d+)\s+(\w+)\s*(\[[^\]]*\])?$", decl)
                if not d:
                    err("%s: cannot parse member '%s' of struct %s" %
                        (os.path.basename(path), decl, m.group(1)))
                    continue
                members.append(d.group(1))
            structs[m.group(1)] = members
    return defines, enums, structs, ioctls


# --- The description ------------------------------------------------------------

class Item:
    def __init__(self, kind, name, body, notes, line):
        self.kind, self.name, self.body, self.notes, self.line = kind, name, body, notes, line


def parse_desc(path):
    """Top-level items; '# uapi-*' comments just before an item are its notes."""
    items, notes = [], []
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line, lineno = lines[i], i + 1
        i += 1
        s = line.strip()
        if not s:
            notes = []
            continue
        if s.startswith("#"):
            m = re.match(r"#\s*(uapi-\w+):\s*(.*)$", s)
            if m:
                notes.append((m.group(1), m.group(2).strip()))
            continue
        s = re.sub(r"\s+#.*$", "", s)
        m = re.match(r"(\w+(?:\$\w+)?)\s*([{\[])$", s)
        if m:   # struct or union, to the closing line
            body, close = [], "}" if m.group(2) == "{" else "]"
            while i < len(lines) and not lines[i].strip().startswith(close):
                f = re.sub(r"#.*$", "", lines[i]).strip()
                if f:
                    body.append((f, i + 1))
                i += 1
            attrs = lines[i].strip()[1:].strip() if i < len(lines) else ""
            i += 1
            items.append(Item("struct" if close == "}" else "union", m.group(1),
                              (body, attrs), notes, lineno))
        elif s.startswith("include ") or s.startswith("incdir "):
            pass
        elif s.startswith("resource "):
            m = re.match(r"resource\s+(\w+)\[(\w+)\](?:\s*:\s*(.*))?$", s)
            items.append(Item("resource", m.group(1), (m.group(2), m.group(3)), notes, lineno))
        elif s.startswith("type "):
            m = re.match(r"type\s+(\w+)\s+(.*)$", s)
            items.append(Item("type", m.group(1), m.group(2), notes, lineno))
        elif re.match(r"\w+(\$\w+)?\(", s):
            m = re.match(r"(\w+)(?:\$(\w+))?\((.*)\)\s*(\w*)$", s)
            items.append(Item("syscall", m.group(1), (m.group(2), m.group(3), m.group(4)),
                              notes, lineno))
        elif "=" in s:
            name, values = s.split("=", 1)
            items.append(Item("flags", name.strip(),
                              [v.strip() for v in values.split(",")], notes, lineno))
        else:
            err("dev_aiaccel.txt:%d: cannot parse '%s'" % (lineno, s))
        notes = []
    return items


def split_args(s):
    """'a, b[c, d], e' -> ['a', 'b[c, d]', 'e']"""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def parse_type(s):
    """'ptr64[in, array[x]]' -> ('ptr64', ['in', 'array[x]'])"""
    s = s.strip()
    m = re.match(r"([\w$]+)(?:\[(.*)\])?$", s)
    if not m:
        return s, []
    return m.group(1), split_args(m.group(2)) if m.group(2) is not None else []


def field_parts(line):
    """'name\ttype\t(dir)' -> (name, type)"""
    line = re.sub(r"\s*\((in|out|inout)\)\s*$", "", line)
    name, typ = line.split(None, 1)
    return name, typ.strip()


# --- Layout ----------------------------------------------------------------------

class Layout:
    def __init__(self, items, values):
        self.items = {it.name: it for it in items if it.kind in ("struct", "union", "type",
                                                                  "resource")}
        self.values = values
        self.cache = {}

    def num(self, s):
        s = s.strip()
        if re.match(r"-?(0x[0-9a-fA-F]+|\d+)$", s):
            return int(s, 0)
        if s in self.values:
            return self.values[s]
        raise KeyError(s)

    def size_align(self, typ):
        name, args = parse_type(typ)
        if name in INT_SIZES:
            return INT_SIZES[name], INT_SIZES[name]
        if name in ("ptr", "ptr64"):
            return 8, 8
        if name in ("const", "flags", "len", "bytesize"):
            return self.size_align(args[1])
        if name == "array":
            if len(args) != 2:
                raise ValueError("array without a fixed size: %s" % typ)
            size, align = self.size_align(args[0])
            return size * self.num(args[1]), align
        if name in EXTERNAL and EXTERNAL[name]:
            return self.size_align(EXTERNAL[name])
        it = self.items.get(name)
        if it is None:
            raise KeyError(name)
        if it.kind == "resource":
            return self.size_align(it.body[0])
        if it.kind == "type":
            return self.size_align(it.body)
        if it.kind == "struct":
            return self.struct(name)[:2]
        raise ValueError("%s has no fixed size" % name)

    def struct(self, name):
        if name in self.cache:
            return self.cache[name]
        it = self.items[name]
        fields, attrs = it.body
        if attrs:
            raise ValueError("struct %s: attributes %s are not handled here" % (name, attrs))
        off, maxalign, layout = 0, 1, []
        for f, _ in fields:
            fname, ftype = field_parts(f)
            size, align = self.size_align(ftype)
            off = (off + align - 1) // align * align
            layout.append((fname, off, size, ftype))
            off += size
            maxalign = max(maxalign, align)
        size = (off + maxalign - 1) // maxalign * maxalign
        self.cache[name] = (size, maxalign, layout)
        return self.cache[name]


# --- The C compiler's answers ------------------------------------------------------

def c_flags(uapi):
    try:
        drm = shlex.split(subprocess.run(["pkg-config", "--cflags", "libdrm"],
                                         capture_output=True, text=True,
                                         check=True).stdout)
    except (OSError, subprocess.CalledProcessError):
        drm = ["-I/usr/include/libdrm"]
    return ["-I" + uapi] + drm


def c_query(uapi, exprs):
    """Evaluate each C expression (as unsigned 64-bit) with the headers."""
    src = ["#include <stdio.h>", "#include <stddef.h>", "#include <fcntl.h>",
           "#include <sys/syscall.h>", "#include <drm/aiaccel_accel.h>",
           "#include <drm/aiaccel_isa.h>", "int main(void)", "{"]
    for e in exprs:
        src.append('\tprintf("%%llu\\n", (unsigned long long)(%s));' % e)
    src += ["\treturn 0;", "}"]
    with tempfile.TemporaryDirectory() as tmp:
        c, exe = os.path.join(tmp, "q.c"), os.path.join(tmp, "q")
        open(c, "w").write("\n".join(src) + "\n")
        cc = os.environ.get("CC", "cc")
        r = subprocess.run([cc, "-std=gnu11", "-Wall", "-Werror", "-o", exe, c] + c_flags(uapi),
                           capture_output=True, text=True)
        if r.returncode:
            err("the C compiler rejects the queries (a member or constant the headers "
                "lack?):\n" + "\n".join(r.stderr.splitlines()[:6]))
            return None
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout.split()
    return dict(zip(exprs, (int(v) for v in out)))


def check(desc, uapi, write=False):
    """The errors of description @desc against the headers under @uapi."""
    del errors[:]
    const_path = desc + ".const"
    defines, enums, cstructs, ioctls = parse_headers(uapi)
    for name, members in EXTERNAL_STRUCTS.items():
        cstructs.setdefault(name, members)
    enum_consts = {c: e for e, cs in enums.items() for c in cs}
    header_consts = set(defines) | set(enum_consts)
    items = parse_desc(desc)
    by_name = {}
    for it in items:
        if it.kind != "syscall":
            if it.name in by_name:
                err("dev_aiaccel.txt:%d: %s defined twice" % (it.line, it.name))
            by_name[it.name] = it
    syscalls = [it for it in items if it.kind == "syscall"]

    # Every identifier used, and which of them are constants.
    used_consts, used_names = set(), set()

    def walk(typ):
        name, args = parse_type(typ)
        used_names.add(name)
        if name == "const":
            if not re.match(r"-?(0x[0-9a-fA-F]+|\d+)$", args[0]):
                used_consts.add(args[0])
            args = args[1:]
        elif name == "flags":
            used_names.add(args[0])
            args = args[1:]
        elif name in ("len", "bytesize"):
            args = args[1:]     # a field or parent name
        elif name == "array" and len(args) == 2:
            if not re.match(r"-?(0x[0-9a-fA-F]+|\d+)(:\d+)?$", args[1]):
                used_consts.add(args[1])
            args = args[:1]
        elif name in ("ptr", "ptr64"):
            args = args[1:]
        elif name == "string":
            args = []
        for a in args:
            if not re.match(r"-?(0x[0-9a-fA-F]+|\d+)(:-?(0x[0-9a-fA-F]+|\d+))?$", a):
                walk(a)

    for it in items:
        if it.kind in ("struct", "union"):
            for f, _ in it.body[0]:
                walk(field_parts(f)[1])
        elif it.kind == "type":
            walk(it.body)
        elif it.kind == "resource":
            used_names.add(it.body[0])
        elif it.kind == "flags":
            for v in it.body:
                if not re.match(r"-?(0x[0-9a-fA-F]+|\d+)$", v):
                    used_consts.add(v)
        elif it.kind == "syscall":
            for a in split_args(it.body[1]):
                walk(a.split(None, 1)[1])
            if it.body[2]:
                used_names.add(it.body[2])
    for n in sorted(used_names - BUILTIN - set(by_name) - set(EXTERNAL)):
        if n not in header_consts:
            err("dev_aiaccel.txt: '%s' is defined neither here, nor in the headers, nor in "
                "the syzkaller descriptions check-syzkaller.py knows of" % n)
    for c in sorted(used_consts):
        if c not in header_consts and c not in SYSTEM_CONSTS:
            err("dev_aiaccel.txt: constant %s is in neither header" % c)

    # The C compiler: constant values, ioctl numbers, sizes and offsets.
    nr = sorted({"__NR_" + s.name for s in syscalls if not s.name.startswith("syz_")})
    consts = sorted(c for c in used_consts | set(ioctls)) + sorted(set(SYSTEM_CONSTS) & used_consts)
    consts = sorted(set(consts))
    exprs = list(consts) + nr
    for name, members in cstructs.items():
        exprs.append("sizeof(struct %s)" % name)
        exprs += ["offsetof(struct %s, %s)" % (name, m) for m in members]
    for name, (_, _, cmd) in ioctls.items():
        exprs.append(cmd)
    exprs += sorted(c for c in header_consts if c not in exprs)
    values = c_query(uapi, exprs)
    if values is None:
        return list(errors)

    layout = Layout(items, values)

    # Ioctls: described, with the right direction and size.
    for name, (direction, cstruct, _) in sorted(ioctls.items()):
        found = [s for s in syscalls if s.name == "ioctl" and
                 re.search(r"cmd\s+const\[%s\]" % name, s.body[1])]
        if not found:
            err("ioctl %s is not described" % name)
        for s in found:
            arg = split_args(s.body[1])[2].split(None, 1)[1]
            pname, pargs = parse_type(arg)
            if pname not in ("ptr", "ptr64") or pargs[0] != direction:
                err("dev_aiaccel.txt:%d: %s takes ptr[%s, ...], the header says %s" %
                    (s.line, name, pargs[0] if pargs else "?", direction))
                continue
            try:
                size = layout.size_align(pargs[1])[0]
            except (KeyError, ValueError) as e:
                err("dev_aiaccel.txt:%d: %s: %s" % (s.line, name, e))
                continue
            want = values["sizeof(struct %s)" % cstruct]
            if size != want:
                err("dev_aiaccel.txt:%d: %s's argument %s is %d bytes, struct %s is %d" %
                    (s.line, name, pargs[1], size, cstruct, want))

    # Structs: the C members, at the C offsets, the C size.
    described = set()
    for it in items:
        if it.kind != "struct":
            continue
        note = dict(it.notes).get("uapi-struct")
        cname = note or it.name.split("$")[0]
        if cname not in cstructs:
            err("dev_aiaccel.txt:%d: struct %s: no struct %s in the headers (name it with "
                "'# uapi-struct:' if it has another name)" % (it.line, it.name, cname))
            continue
        described.add(cname)
        try:
            size, _, fields = layout.struct(it.name)
        except (KeyError, ValueError) as e:
            err("dev_aiaccel.txt:%d: struct %s: %s" % (it.line, it.name, e))
            continue
        names = [f[0] for f in fields]
        if names != cstructs[cname]:
            err("dev_aiaccel.txt:%d: %s has members %s; struct %s has %s" %
                (it.line, it.name, names, cname, cstructs[cname]))
            continue
        for fname, off, fsize, ftype in fields:
            coff = values["offsetof(struct %s, %s)" % (cname, fname)]
            if off != coff:
                err("dev_aiaccel.txt:%d: %s.%s at offset %d, C puts it at %d" %
                    (it.line, it.name, fname, off, coff))
            m = re.match(r"(\w+)_stride$", fname)
            t, a = parse_type(ftype)
            if m and t == "const":
                ptr = [f for f in fields if f[0] == m.group(1) + "s"]
                if ptr:
                    elem = parse_type(parse_type(ptr[0][3])[1][1])[1][0]
                    if int(a[0], 0) != layout.size_align(elem)[0]:
                        err("dev_aiaccel.txt:%d: %s.%s is %s, %s elements are %d bytes" %
                            (it.line, it.name, fname, a[0], elem, layout.size_align(elem)[0]))
        if size != values["sizeof(struct %s)" % cname]:
            err("dev_aiaccel.txt:%d: %s is %d bytes, struct %s is %d" %
                (it.line, it.name, size, cname, values["sizeof(struct %s)" % cname]))
    for cname in sorted(set(cstructs) - described - set(EXTERNAL_STRUCTS)):
        err("struct %s of the headers is not described" % cname)

    # Flag sets: the annotated header constants, their OR the mask.
    commands = {cmd for (_, _, cmd) in ioctls.values()}
    in_flags = set()
    for it in items:
        if it.kind != "flags":
            continue
        note = dict(it.notes).get("uapi-flags")
        if note is None:
            err("dev_aiaccel.txt:%d: flag set %s has no '# uapi-flags:' line" %
                (it.line, it.name))
            continue
        want, mask = set(), None
        for tok in note.split():
            neg = tok.startswith("!")
            tok = tok.lstrip("!")
            if tok.startswith("mask="):
                mask = tok[5:]
                continue
            if tok.startswith("enum:"):
                sel = set(enums.get(tok[5:], []))
                if not sel:
                    err("dev_aiaccel.txt:%d: no enum %s" % (it.line, tok[5:]))
            else:
                sel = {c for c in header_consts - commands if fnmatch.fnmatchcase(c, tok)}
            want = want - sel if neg else want | sel
        want -= {mask} if mask else set()
        names = {v for v in it.body if not re.match(r"-?(0x[0-9a-fA-F]+|\d+)$", v)}
        in_flags |= names
        if names != want:
            err("dev_aiaccel.txt:%d: flag set %s: missing %s, not in the header group %s" %
                (it.line, it.name, sorted(want - names) or "none", sorted(names - want) or "none"))
        if mask:
            acc = 0
            for v in names:
                acc |= values[v]
            if mask not in values or acc != values[mask]:
                err("dev_aiaccel.txt:%d: flag set %s ORs to 0x%x, %s is 0x%x" %
                    (it.line, it.name, acc, mask, values.get(mask, -1)))

    # Coverage: every constant of the headers is used.
    for c in sorted(header_consts):
        if c in ioctls or c in commands or c in used_consts or c in in_flags:
            continue
        if c == "AIACCEL_ISA_VERSION":
            continue    # the ISA revision: a fact GET_INFO reports
        err("constant %s of the headers is not in the description" % c)

    # The .const file.
    lines = ["# Generated by scripts/check-syzkaller.py from the headers with the C",
             "# compiler, for x86-64 only; syz-extract regenerates it for every arch",
             "# (tools/syzkaller/README.rst).",
             "arches = amd64"]
    for c in sorted(set(consts) | set(used_consts) | set(nr)):
        if c in values:
            lines.append("%s = %d" % (c, values[c]))
    text = "\n".join(lines) + "\n"
    if write:
        open(const_path, "w").write(text)
        print("check-syzkaller: wrote %s" % os.path.relpath(const_path, TOP))
    elif not os.path.exists(const_path) or open(const_path).read() != text:
        err("%s differs from the headers' values: scripts/check-syzkaller.py --write" %
            os.path.basename(const_path))
    check.summary = "%d ioctls, %d structs, %d flag sets" % (
        len(ioctls), len(described), sum(1 for it in items if it.kind == "flags"))
    return list(errors)


# Mutations the check must catch: (what, file, old text, new text, expected
# error).  The file is the description or a header (under drm/).
MUTATIONS = [
    ("a stride of the wrong size", "desc", "in_sync_stride\tconst[16, int32]",
     "in_sync_stride\tconst[8, int32]", "in_sync_stride is 8"),
    ("two members swapped", "desc", "\tsize\t\tint64\t(out)\n\tva\t\taiaccel_va\t(out)",
     "\tva\t\taiaccel_va\t(out)\n\tsize\t\tint64\t(out)", "has members"),
    ("a member of the wrong width", "desc", "\tinstance\t\tint32", "\tinstance\t\tint64",
     "at offset"),
    ("a flag missing from its set", "desc", ", DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC,", ",",
     "missing ['DRM_AIACCEL_SUBMIT_NO_IMPLICIT_SYNC']"),
    ("an ioctl of the wrong direction", "desc",
     "const[DRM_IOCTL_AIACCEL_GET_INFO], arg ptr[inout,",
     "const[DRM_IOCTL_AIACCEL_GET_INFO], arg ptr[in,", "the header says inout"),
    ("an ioctl not described", "desc",
     "ioctl$DRM_IOCTL_AIACCEL_WAIT(fd fd_aiaccel, cmd const[DRM_IOCTL_AIACCEL_WAIT], "
     "arg ptr[in, drm_aiaccel_wait])\n", "", "DRM_IOCTL_AIACCEL_WAIT is not described"),
    ("a misspelt constant", "desc", "const[AIACCEL_OP_GEMM, int16]",
     "const[AIACCEL_OP_GEM, int16]", "AIACCEL_OP_GEM is in neither header"),
    ("a new flag in the header", "drm/aiaccel_accel.h",
     "#define DRM_AIACCEL_SUBMIT_ENGINE\t\t(1U << 2)\n",
     "#define DRM_AIACCEL_SUBMIT_ENGINE\t\t(1U << 2)\n#define DRM_AIACCEL_SUBMIT_LATE (1U << 3)\n",
     "missing ['DRM_AIACCEL_SUBMIT_LATE']"),
    ("a new member in the header", "drm/aiaccel_accel.h",
     "\t__u64 suspended_ns;\n", "\t__u64 suspended_ns;\n\t__u64 energy_uj;\n",
     "has members"),
    ("a renumbered ioctl", "drm/aiaccel_accel.h", "#define DRM_AIACCEL_WAIT\t\t0x04",
     "#define DRM_AIACCEL_WAIT\t\t0x08", ".const differs"),
    ("a new ioctl", "drm/aiaccel_accel.h", "#if defined(__cplusplus)\n}",
     "#define DRM_IOCTL_AIACCEL_RESET DRM_IO(DRM_COMMAND_BASE + 0x09)\n"
     "#define DRM_IOCTL_AIACCEL_NEW DRM_IOW(DRM_COMMAND_BASE + 0x08, struct drm_aiaccel_wait)\n"
     "#if defined(__cplusplus)\n}", "DRM_IOCTL_AIACCEL_NEW is not described"),
]


def selftest():
    """Each mutation of a copy of the description or headers is caught."""
    def copy(tmp):
        paths = {"desc": os.path.join(tmp, "dev_aiaccel.txt"), "uapi": os.path.join(tmp, "uapi")}
        os.makedirs(os.path.join(paths["uapi"], "drm"))
        for h in HEADER_NAMES:
            paths[h] = os.path.join(paths["uapi"], h)
            shutil.copy(os.path.join(UAPI, h), paths[h])
        shutil.copy(DESC, paths["desc"])
        shutil.copy(DESC + ".const", paths["desc"] + ".const")
        return paths

    return mutation_selftest.run(MUTATIONS, copy,
                                 lambda paths: check(paths["desc"], paths["uapi"]))


def main():
    args = sys.argv[1:]
    errs = check(DESC, UAPI, write="--write" in args)
    for e in errs:
        print("check-syzkaller: " + e)
    passed, failed = (0, 1) if errs else (1, 0)
    if not errs:
        print("check-syzkaller: %s match the headers" % check.summary)
    if "--selftest" in args:
        p, f = selftest()
        print("check-syzkaller: %d of %d mutations of the description and headers caught" %
              (p, p + f))
        passed, failed = passed + p, failed + f
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
