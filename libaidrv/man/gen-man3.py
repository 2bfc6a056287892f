#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Section-3 man pages of libaidrv, made from the comments of aidrv.h.

    gen-man3.py [--check-map libaidrv.map] aidrv.h OUTDIR

Every function declared in the header must have a kernel-doc comment
naming it, with a short description, every parameter described, and
(unless it returns void) a "Return:" section; the script fails otherwise,
so a public function cannot ship without its page.  It writes one page
per function (OUTDIR/<function>.3) and libaidrv.3: the conventions (the
header's opening comment), the sections with their functions, and every
documented struct and macro.  With --check-map, every symbol the version
script exports must be a documented function, and every function must be
exported.

Standard library only: it runs with any python3.
"""

import os
import re
import sys

VERSION_RE = re.compile(r"#define AIDRV_VERSION_(MAJOR|MINOR|MICRO)\s+(\d+)")


def fail(msg):
    sys.stderr.write(f"gen-man3.py: {msg}\n")
    sys.exit(1)


def strip_comment(block):
    """The lines of a /** ... */ block without the leading ' * '."""
    lines = block.split("\n")
    out = []
    for ln in lines[1:-1]:
        ln = ln.strip()
        if ln.startswith("* "):
            out.append(ln[2:])
        elif ln.startswith("*\t"):
            out.append(ln[1:])
        elif ln == "*":
            out.append("")
        else:
            out.append(ln.lstrip("*").lstrip())
    return out


def parse_doc(lines):
    """(name, short, params {name: text}, body paragraphs, return text)."""
    m = re.match(r"^(?:(struct|union|enum)\s+)?([A-Za-z_][A-Za-z0-9_]*)(\(\))?\s+-\s+(.*)$",
                 lines[0]) if lines else None
    if not m:
        return None
    kind, name, short = m.group(1), m.group(2), m.group(4)
    i = 1
    # The short description may continue until the first blank or @ line.
    while i < len(lines) and lines[i] and not lines[i].startswith("@"):
        short += " " + lines[i].strip()
        i += 1
    params = {}
    order = []
    cur = None
    while i < len(lines) and (lines[i].startswith("@") or (cur and lines[i].startswith("\t"))
                              or (cur and lines[i].startswith(" "))):
        pm = re.match(r"^@([A-Za-z_][A-Za-z0-9_.]*):\s*(.*)$", lines[i])
        if pm:
            cur = pm.group(1)
            params[cur] = pm.group(2)
            order.append(cur)
        else:
            params[cur] += " " + lines[i].strip()
        i += 1
    body = []
    ret = None
    para = []
    in_ret = False
    for ln in lines[i:]:
        rm = re.match(r"^Return:\s*(.*)$", ln)
        if rm:
            if para:
                body.append(para)
                para = []
            in_ret = True
            ret = rm.group(1)
            continue
        if in_ret:
            if ln == "":
                in_ret = False
                continue
            ret += " " + ln.strip()
            continue
        if ln == "":
            if para:
                body.append(para)
                para = []
        else:
            para.append(ln)
    if para:
        body.append(para)
    return {"kind": kind, "name": name, "short": short, "params": params,
            "order": order, "body": body, "ret": ret}


def parse_header(text):
    """Documented items, function prototypes, and sections, in order."""
    items = []
    pos = 0
    section = None
    sections = []
    token = re.compile(r"/\*\*.*?\*/|/\*\n \* [A-Z][^\n]*\n \* =+\n.*?\*/", re.S)
    for m in token.finditer(text):
        block = m.group(0)
        if not block.startswith("/**"):
            title = block.split("\n")[1][3:].strip()
            section = {"title": title, "text": strip_comment(block)[2:], "funcs": []}
            sections.append(section)
            continue
        doc = parse_doc(strip_comment(block))
        if not doc:
            continue
        after = text[m.end():]
        decl = after.split(";", 1)[0].strip() if after else ""
        if doc["kind"] in ("struct", "union"):
            body = after.split("};", 1)[0] + "};"
            doc["decl"] = body.strip()
        elif doc["kind"] is None and re.match(r"^#define\s", decl):
            doc["kind"] = "macro"
            doc["decl"] = after.strip().split("\n/**", 1)[0].split("\n\n", 1)[0]
        elif doc["kind"] is None and re.search(r"\b" + re.escape(doc["name"]) + r"\s*\(", decl):
            doc["kind"] = "function"
            doc["decl"] = re.sub(r"\s+", " ", decl) + ";"
            if section is not None:
                section["funcs"].append(doc["name"])
        else:
            doc["kind"] = doc["kind"] or "other"
            doc["decl"] = decl
        doc["section"] = section["title"] if section else "Versions"
        items.append(doc)
    return items, sections


def declared_functions(text):
    """Names of every function the header declares (outside comments)."""
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    code = re.sub(r"#define[^\n]*(\\\n[^\n]*)*", "", code)
    return set(re.findall(r"\b(aidrv_[a-z0-9_]+)\s*\([^;{]*\)\s*;", code))


def man_escape(s):
    s = s.replace("\\", "\\\\").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", s, flags=re.M)


def inline(s):
    """Kernel-doc markup to man markup: @param, %CONST, func()."""
    s = man_escape(s)
    s = re.sub(r"@([A-Za-z_][A-Za-z0-9_>.\\-]*)", r"\\fI\1\\fP", s)
    s = re.sub(r"%([A-Z_][A-Z0-9_]*)", r"\\fB\1\\fP", s)
    s = re.sub(r"&(struct|enum|union) ([a-z_0-9.]+)", r"\\fB\1 \2\\fP", s)
    s = re.sub(r"\b(aidrv_[a-z0-9_]+)\(\)", r"\\fB\1\\fP()", s)
    return s


def page_head(name, short, version):
    return (f'.TH {name.upper()} 3 "" "libaidrv {version}" "libaidrv Manual"\n'
            f".SH NAME\n{man_escape(name)} \\- {inline(short)}\n")


def paragraphs(paras):
    out = ""
    for p in paras:
        if all(ln.startswith("\t") for ln in p):
            out += ".PP\n.nf\n.RS\n" + "\n".join(man_escape(ln[1:]) for ln in p) + "\n.RE\n.fi\n"
        elif p[0].startswith(" - ") or p[0].startswith("- "):
            items = []
            for ln in p:
                if ln.lstrip().startswith("- "):
                    items.append(ln.lstrip()[2:])
                else:
                    items[-1] += " " + ln.strip()
            for it in items:
                out += ".IP \\(bu 2\n" + inline(it) + "\n"
        else:
            out += ".PP\n" + inline(" ".join(ln.strip() for ln in p)) + "\n"
    return out


def function_page(doc, related, version):
    out = page_head(doc["name"], doc["short"], version)
    out += ".SH SYNOPSIS\n.nf\n.B #include <aidrv.h>\n.PP\n"
    out += ".BI \"" + man_escape(doc["decl"]).replace('"', '\\"') + "\"\n.fi\n"
    out += ".PP\nCompile and link with \\fI$(pkg\\-config \\-\\-cflags \\-\\-libs libaidrv)\\fP.\n"
    if doc["order"]:
        out += ".SH ARGUMENTS\n"
        for p in doc["order"]:
            out += f".TP\n.I {man_escape(p)}\n{inline(doc['params'][p])}\n"
    if doc["body"]:
        out += ".SH DESCRIPTION\n" + paragraphs(doc["body"])
    if doc["ret"]:
        out += ".SH RETURN VALUE\n" + inline(doc["ret"]) + "\n"
    out += ".SH SEE ALSO\n"
    refs = ["libaidrv(3)"] + [f"{r}(3)" for r in related if r != doc["name"]]
    out += ",\n".join(f".BR {r.split('(')[0]} ({r.split('(')[1]}" for r in refs) + "\n"
    return out


def overview_page(items, sections, intro, version):
    out = page_head("libaidrv", "userspace library for aiaccel AI inference accelerators",
                    version)
    out += ".SH SYNOPSIS\n.nf\n.B #include <aidrv.h>\n.fi\n"
    out += ".PP\nCompile and link with \\fI$(pkg\\-config \\-\\-cflags \\-\\-libs libaidrv)\\fP.\n"
    out += ".SH DESCRIPTION\n" + paragraphs(intro)
    for sec in sections:
        out += f".SS {man_escape(sec['title'])}\n" + paragraphs(
            [p for p in split_paras(sec["text"])])
        for f in sec["funcs"]:
            doc = next(d for d in items if d["name"] == f and d["kind"] == "function")
            out += f".TP\n.BR {f} (3)\n{inline(doc['short'])}\n"
    out += ".SH TYPES AND CONSTANTS\n"
    for d in items:
        if d["kind"] not in ("struct", "union", "macro"):
            continue
        title = (d["kind"] + " " if d["kind"] != "macro" else "") + d["name"]
        out += f".SS {man_escape(title)}\n.PP\n{inline(d['short'])}\n"
        if d["kind"] != "macro":
            out += ".PP\n.nf\n.RS\n" + man_escape(d["decl"]) + "\n.RE\n.fi\n"
        for p in d["order"]:
            out += f".TP\n.I {man_escape(p)}\n{inline(d['params'][p])}\n"
        if d["body"]:
            out += paragraphs(d["body"])
    out += (".SH SEE ALSO\n.BR aidrv\\-info (1),\n.BR aidrv\\-run (1),\n"
            ".BR aidrv\\-top (1);\nDocumentation/accel/aiaccel/libaidrv.rst "
            "(the map, and the ABI policy).\n")
    return out


def split_paras(lines):
    paras, cur = [], []
    for ln in lines:
        if ln == "":
            if cur:
                paras.append(cur)
                cur = []
        else:
            cur.append(ln)
    if cur:
        paras.append(cur)
    return paras


def main(argv):
    mapfile = None
    if len(argv) > 1 and argv[1] == "--check-map":
        mapfile = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        fail("usage: gen-man3.py [--check-map MAP] aidrv.h OUTDIR")
    header, outdir = argv[1], argv[2]
    text = open(header).read()
    version = ".".join(dict(VERSION_RE.findall(text))[k] for k in ("MAJOR", "MINOR", "MICRO"))
    items, sections = parse_header(text)
    funcs = {d["name"]: d for d in items if d["kind"] == "function"}

    errors = []
    for name in sorted(declared_functions(text)):
        if name not in funcs:
            errors.append(f"{name}: declared without a kernel-doc comment")
    for d in funcs.values():
        args = re.search(r"\((.*)\)", d["decl"]).group(1)
        names = [] if args.strip() == "void" else [
            re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^]]*\])?$", a.strip()).group(1)
            for a in args.split(",")]
        for n in names:
            if n not in d["params"]:
                errors.append(f"{d['name']}: parameter {n} not described")
        for n in d["params"]:
            if n not in names:
                errors.append(f"{d['name']}: @{n} is not a parameter")
        if not d["decl"].startswith("void ") and not d["ret"]:
            errors.append(f"{d['name']}: no Return: section")
    if mapfile:
        exported = set(re.findall(r"^\s*(aidrv_[a-z0-9_]+);", open(mapfile).read(), re.M))
        for n in sorted(exported - set(funcs)):
            errors.append(f"{n}: exported by {mapfile} but not a documented function")
        for n in sorted(set(funcs) - exported):
            errors.append(f"{n}: documented but not exported by {mapfile}")
    if errors:
        fail("\n  ".join(["aidrv.h is not fully documented:"] + errors))

    intro_block = next(b for b in re.findall(r"/\*.*?\*/", text, re.S)
                       if b.startswith("/*\n * libaidrv - "))
    intro = split_paras(strip_comment(intro_block)[2:])
    os.makedirs(outdir, exist_ok=True)
    for sec in sections:
        for f in sec["funcs"]:
            with open(os.path.join(outdir, f + ".3"), "w") as fh:
                fh.write(function_page(funcs[f], sec["funcs"], version))
    with open(os.path.join(outdir, "libaidrv.3"), "w") as fh:
        fh.write(overview_page(items, sections, intro, version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
