#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ONNX's own node tests on the device: the conformance stage of make check.

  onnx-conformance.py prepare OUT
      Import every node test of Debian's libonnx-testdata that has an
      int8 or uint8 tensor (the quantised ops, and the other ops' int8 and
      uint8 cases): model.onnx with every graph input but the first bound
      to its test_data_set_* value (weights, scales and zero points are
      inputs there), into OUT/<case>/model.aimodel and the first input,
      in the device's layout, into OUT/<case>/input.bin.  OUT/cases.txt
      lists what the guest runs (guest/onnx-stage.sh), OUT/skips.txt the
      cases the importer refused, with its reason.

  onnx-conformance.py compare OUT GUEST_OUT RESULTS
      After the guest: every case must have run on the device bit-exact
      with libaidrv's CPU reference (aidrv-run --check), and its outputs,
      converted back to ONNX's layout and type, must equal output_0.pb; or
      differ by one step only where ONNX's float rounding and the ISA's
      fixed-point requantisation are documented to differ (onnx.rst),
      which is checked element by element from the exact accumulator.
      Writes RESULTS/onnx.counts and RESULTS/onnx-report.txt.

A case the importer refuses must be in SKIPS below with the reason it
cannot be expressed, and a case in SKIPS must be refused: either surprise
fails the stage, so the skip list is reviewed, never grown silently.
"""

import glob
import os
import sys

import numpy as np

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "python"))
import onnx  # noqa: E402
from aiaccel import aimodel, onnx_import  # noqa: E402

NODE_TESTS = "/usr/share/libonnx-testdata/data/node"

INT32_OUT = ("its output is int32: the ISA writes int8 tensors only, every "
             "MAC op ends in the int8 output stage (an op flag that stores "
             "the int32 accumulators would express it)")
HOST_CONV = ("a float <-> int8 conversion and nothing else: the device has "
             "no float tensors; the importer does it on the host at a "
             "model's edges")
PER_AXIS = ("per-axis quantisation of a float tensor: a float <-> int8 "
            "conversion (host-side), and the ISA has one zero point per "
            "activation tensor")
DYNAMIC = ("computes its scale and zero point from the data at run time; "
           "the ISA's scales are fixed in the model, and it has three "
           "outputs (a model has one)")
INT_ARITH = ("plain integer arithmetic (wrapping, unscaled), not a "
             "quantised op: the ISA's only element-wise op of two tensors "
             "is a saturating quantised ADD, and a model has one input "
             "tensor and no constant tensors")

SKIPS = {
    "test_basic_convinteger": INT32_OUT,
    "test_convinteger_with_padding": INT32_OUT,
    "test_convinteger_without_padding": INT32_OUT,
    "test_matmulinteger": INT32_OUT,
    "test_quantizelinear": HOST_CONV,
    "test_dequantizelinear": HOST_CONV,
    "test_quantizelinear_axis": PER_AXIS,
    "test_dequantizelinear_axis": PER_AXIS,
    "test_dynamicquantizelinear": DYNAMIC,
    "test_dynamicquantizelinear_expanded": DYNAMIC,
    "test_dynamicquantizelinear_max_adjusted": DYNAMIC,
    "test_dynamicquantizelinear_max_adjusted_expanded": DYNAMIC,
    "test_dynamicquantizelinear_min_adjusted": DYNAMIC,
    "test_dynamicquantizelinear_min_adjusted_expanded": DYNAMIC,
}
for _op in ("add_uint8", "sub_uint8", "mul_uint8", "div_uint8", "mod_uint8",
            "mod_mixed_sign_int8", "bitshift_left_uint8",
            "bitshift_right_uint8", "max_int8", "max_uint8", "min_int8",
            "min_uint8"):
    SKIPS["test_" + _op] = INT_ARITH

INT8_TYPES = {onnx.TensorProto.INT8, onnx.TensorProto.UINT8}


def node_cases():
    """Every node test with an int8 or uint8 graph input or output."""
    out = []
    for d in sorted(glob.glob(os.path.join(NODE_TESTS, "test_*"))):
        m = onnx.load(os.path.join(d, "model.onnx"))
        types = {v.type.tensor_type.elem_type
                 for v in list(m.graph.input) + list(m.graph.output)}
        if types & INT8_TYPES:
            out.append((os.path.basename(d), d, m))
    return out


def data_sets(d):
    for ds in sorted(glob.glob(os.path.join(d, "test_data_set_*"))):
        ins = [onnx_import.load_tensor(f)
               for f in sorted(glob.glob(os.path.join(ds, "input_*.pb")))]
        outs = [onnx_import.load_tensor(f)
                for f in sorted(glob.glob(os.path.join(ds, "output_*.pb")))]
        yield os.path.basename(ds), ins, outs


def import_case(m, ins):
    """The node test's model with its inputs but the first bound."""
    names = [i.name for i in m.graph.input]
    bind = {}
    for k, (name, arr) in enumerate(ins[1:], 1):
        bind[name or names[k]] = arr
    return onnx_import.import_model(m, bind)


def prepare(out):
    os.makedirs(out, exist_ok=True)
    for f in glob.glob(os.path.join(out, "*")):
        if os.path.isdir(f):
            for g in glob.glob(os.path.join(f, "*")):
                os.unlink(g)
            os.rmdir(f)
        else:
            os.unlink(f)
    cases, skips, errors = [], [], []
    for name, d, m in node_cases():
        for ds, ins, outs in data_sets(d):
            cid = f"{name}.{ds}"
            try:
                res = import_case(m, ins)
            except onnx_import.UnsupportedModel as e:
                if name in SKIPS:
                    skips.append((cid, SKIPS[name], str(e)))
                else:
                    errors.append((cid, f"the importer refused it: {e}"))
                continue
            if name in SKIPS:
                errors.append((cid, "imported, but SKIPS says it cannot be: "
                               "run it and take it off the list"))
                continue
            cdir = os.path.join(out, cid)
            os.makedirs(cdir)
            with open(os.path.join(cdir, "model.aimodel"), "wb") as f:
                f.write(res.data)
            x = res.to_device(ins[0][1])
            with open(os.path.join(cdir, "input.bin"), "wb") as f:
                f.write(x.tobytes())
            cases.append((cid, len(x)))
    with open(os.path.join(out, "cases.txt"), "w") as f:
        for cid, n in cases:
            f.write(f"{cid} {cid}/model.aimodel {cid}/input.bin {n}\n")
    with open(os.path.join(out, "skips.txt"), "w") as f:
        for cid, why, msg in skips:
            f.write(f"{cid}\t{why}\t{msg}\n")
    with open(os.path.join(out, "errors.txt"), "w") as f:
        for cid, msg in errors:
            f.write(f"{cid}\t{msg}\n")
    print(f"ONNX conformance: {len(cases)} cases to run, {len(skips)} "
          f"skipped, {len(errors)} errors ({out})")
    for cid, msg in errors:
        print(f"  {cid}: {msg}")
    return 0


# -- explaining one-step differences ---------------------------------------


def _conv_acc(x, w, zx, zw, at):
    """int64 accumulators of a 2-D NCHW convolution, padding with zx."""
    n, c, h, wd = x.shape
    oc, icg, kh, kw = w.shape
    sh, sw = at.get("strides", [1, 1])
    dh, dw = at.get("dilations", [1, 1])
    pt, pl, pb, pr = at.get("pads", [0, 0, 0, 0])
    group = at.get("group", 1)
    xp = np.full((n, c, h + pt + pb, wd + pl + pr), zx, np.int64)
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    oh = (h + pt + pb - (kh - 1) * dh - 1) // sh + 1
    ow = (wd + pl + pr - (kw - 1) * dw - 1) // sw + 1
    acc = np.zeros((n, oc, oh, ow), np.int64)
    per = oc // group
    for o in range(oc):
        g = o // per
        for ky in range(kh):
            for kx in range(kw):
                patch = xp[:, g * icg:(g + 1) * icg,
                           ky * dh:ky * dh + (oh - 1) * sh + 1:sh,
                           kx * dw:kx * dw + (ow - 1) * sw + 1:sw]
                acc[:, o] += np.einsum("nchw,c->nhw", patch - zx,
                                       w[o, :, ky, kx].astype(np.int64) - zw)
    return acc


def explain(m, ins, expected, got):
    """For each element where got and expected differ by one step, whether
    that is the documented difference: ONNX rounds the exact real value
    acc * scale (half to even), the ISA computes MBQM(acc, M, s) with its
    two roundings; both are re-derived here from the exact accumulator.
    Returns a boolean array (False where not explained)."""
    ok = np.zeros(expected.shape, bool)
    if len(m.graph.node) != 1:
        return ok
    node = m.graph.node[0]
    v = {name: arr for name, arr in ins}
    names = list(node.input)
    at = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}

    def val(i):
        return np.asarray(v[names[i]])

    if node.op_type == "QLinearMatMul":
        a, b = val(0).astype(np.int64), val(3).astype(np.int64)
        acc = np.matmul(a - int(val(2).reshape(-1)[0]),
                        b - val(5).reshape(-1).astype(np.int64))
        sx, sw = float(val(1).reshape(-1)[0]), val(4).reshape(-1).astype(np.float64)
        sy, zy = float(val(6).reshape(-1)[0]), int(val(7).reshape(-1)[0])
        scale = np.broadcast_to(sx * sw / sy, acc.shape)
    elif node.op_type == "QLinearConv":
        x, w = val(0).astype(np.int64), val(3).astype(np.int64)
        zw = val(5).reshape(-1).astype(np.int64)
        if zw.size != 1:
            return ok
        acc = _conv_acc(x, w, int(val(2).reshape(-1)[0]), int(zw[0]), at)
        if len(names) > 8 and names[8]:
            acc = acc + val(8).astype(np.int64).reshape(1, -1, 1, 1)
        sx = float(val(1).reshape(-1)[0])
        sw = val(4).reshape(-1).astype(np.float64)
        sy, zy = float(val(6).reshape(-1)[0]), int(val(7).reshape(-1)[0])
        scale = np.broadcast_to((sx * sw / sy).reshape(1, -1, 1, 1), acc.shape)
    else:
        return ok
    lo, hi = (0, 255) if expected.dtype == np.uint8 else (-128, 127)
    for idx in zip(*np.nonzero(expected.astype(np.int64) != got.astype(np.int64))):
        e, g = int(expected[idx]), int(got[idx])
        if abs(e - g) != 1:
            continue
        a, s = int(acc[idx]), float(scale[idx])
        mult, shift = aimodel.quantize_multiplier(s)
        onnx_val = min(max(int(np.rint(a * s)) + zy, lo), hi)
        dev_val = min(max(aimodel.mbqm(a, mult, shift) + zy, lo), hi)
        ok[idx] = onnx_val == e and dev_val == g
    return ok


def compare(out, guest, results):
    lines, failed = [], []
    exact = onestep = 0
    cases = []
    path = os.path.join(out, "cases.txt")
    if os.path.exists(path):
        with open(path) as f:
            cases = [ln.split()[0] for ln in f if ln.strip()]
    by_name = {}
    for name, d, m in node_cases():
        by_name[name] = (d, m)
    for cid in cases:
        name, ds = cid.rsplit(".", 1)
        d, m = by_name[name]
        ins = [onnx_import.load_tensor(f) for f in
               sorted(glob.glob(os.path.join(d, ds, "input_*.pb")))]
        _, expected = onnx_import.load_tensor(os.path.join(d, ds, "output_0.pb"))
        rc_path = os.path.join(guest, f"{cid}.rc")
        out_path = os.path.join(guest, f"{cid}.out")
        if not os.path.exists(rc_path) or not os.path.exists(out_path):
            failed.append((cid, "did not run in the guest"))
            continue
        with open(rc_path) as f:
            rc = f.read().strip()
        if rc != "0":
            failed.append((cid, f"aidrv-run --check exited {rc}: the device "
                           f"failed or differs from the CPU reference "
                           f"(see {cid}.log)"))
            continue
        res = import_case(m, ins)
        y = np.fromfile(out_path, np.int8)
        got = res.from_device(y, ins[0][1].shape[:res.batch_rank])
        if got.shape != expected.shape or got.dtype != expected.dtype:
            failed.append((cid, f"output {got.dtype}{list(got.shape)}, ONNX "
                           f"expects {expected.dtype}{list(expected.shape)}"))
            continue
        diff = got.astype(np.int64) - expected.astype(np.int64)
        if not diff.any():
            exact += 1
            lines.append(f"  pass  {cid}: {expected.size} outputs equal")
            continue
        ok = explain(m, ins, expected, got)
        bad = (diff != 0) & ~ok
        if bad.any():
            i = tuple(int(k) for k in np.argwhere(bad)[0])
            failed.append((cid, f"{int(bad.sum())} of {diff.size} outputs "
                           f"differ unexplained; first at {list(i)}: device "
                           f"{got[i]}, ONNX {expected[i]}"))
            continue
        onestep += 1
        lines.append(f"  pass  {cid}: {int((diff != 0).sum())} of {diff.size} "
                     "outputs one step off, each the documented rounding "
                     "difference")
    errors = []
    epath = os.path.join(out, "errors.txt")
    if os.path.exists(epath):
        with open(epath) as f:
            errors = [ln.rstrip("\n").split("\t", 1) for ln in f if ln.strip()]
    failed += [(c, m) for c, m in errors]
    skips = []
    spath = os.path.join(out, "skips.txt")
    if os.path.exists(spath):
        with open(spath) as f:
            skips = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
    if not cases and not skips:
        failed.append(("(all)", "no cases were prepared"))
    passed = exact + onestep
    report = [f"ONNX conformance ({NODE_TESTS}, int8/uint8 node tests): "
              f"{passed} passed ({exact} exact, {onestep} within one step), "
              f"{len(failed)} failed, {len(skips)} skipped"]
    report += lines
    report += [f"  FAIL  {c}: {msg}" for c, msg in failed]
    by_reason = {}
    for cid, why, msg in skips:
        by_reason.setdefault(why, []).append(cid.rsplit(".", 1)[0])
    for why, names in by_reason.items():
        report.append(f"  skip  {', '.join(names)}:\n          {why}")
    text = "\n".join(report) + "\n"
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "onnx-report.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(results, "onnx.counts"), "w") as f:
        f.write(f"{passed} {len(failed)} {exact} {onestep} {len(skips)}\n")
    sys.stdout.write(text)
    return 1 if failed else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "prepare":
        return prepare(sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[1] == "compare":
        return compare(sys.argv[2], sys.argv[3], sys.argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
