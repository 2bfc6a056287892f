# SPDX-License-Identifier: MIT
"""The ONNX importer: graphs built here with onnx.helper, imported, run on
libaidrv's CPU reference and compared with an integer simulation written
from isa.rst (exact), or with ONNX's float semantics (within one step
where onnx.rst says they differ); and the errors it must give."""

import importlib.util
import os
import unittest

import numpy as np
from onnx import TensorProto as TP, helper, numpy_helper

from aiaccel import aidrv, aimodel as am, onnx_import as oi

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_spec = importlib.util.spec_from_file_location(
    "onnx_conformance", os.path.join(TOP, "scripts", "onnx-conformance.py"))
conformance = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conformance)

RNG = np.random.default_rng(20261204)


def const(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def f32(x):
    return np.array(x, np.float32)


def model(nodes, inputs, outputs, inits, opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m


def requant(acc, real_scales, zp, lo, hi, axis):
    """The ISA's output stage over an int64 array, per channel on axis."""
    out = np.empty_like(acc)
    for c in range(acc.shape[axis]):
        m, s = am.quantize_multiplier(float(real_scales[c]))
        sl = [slice(None)] * acc.ndim
        sl[axis] = c
        out[tuple(sl)] = np.vectorize(lambda a: am.mbqm(int(a), m, s))(acc[tuple(sl)])
    return np.clip(out + zp, lo, hi)


def run(res, x):
    """Import result and an ONNX-shaped input -> ONNX-shaped output (CPU)."""
    m = aidrv.Model(res.data)
    y = m.run_cpu(res.to_device(x))
    return res.from_device(y.reshape(y.shape[0], -1), np.shape(x)[:res.batch_rank])


class TestQOperator(unittest.TestCase):

    def test_qlinearconv_uint8_per_channel_exact(self):
        x = RNG.integers(0, 256, (2, 3, 6, 5), dtype=np.uint8)
        w = RNG.integers(0, 256, (4, 3, 3, 3), dtype=np.uint8)
        ws = f32([0.002, 0.003, 0.0015, 0.004])
        bias = np.array([100, -250, 0, 3000], np.int32)
        sx, zx, sy, zy = f32(0.02), np.uint8(120), f32(0.15), np.uint8(90)
        zw = np.uint8(130)
        node = helper.make_node("QLinearConv", ["x", "sx", "zx", "w", "ws", "zw",
                                                "sy", "zy", "b"], ["y"],
                                pads=[1, 0, 1, 2], strides=[2, 1])
        m = model([node], [helper.make_tensor_value_info("x", TP.UINT8, [None, 3, 6, 5])],
                  [helper.make_tensor_value_info("y", TP.UINT8, None)],
                  [const("sx", sx), const("zx", zx), const("w", w), const("ws", ws),
                   const("zw", zw), const("sy", sy), const("zy", zy), const("b", bias)])
        res = oi.import_model(m)
        self.assertEqual([op for _, _, op in res.layers], ["CONV2D"])
        got = run(res, x)
        acc = conformance._conv_acc(x.astype(np.int64), w.astype(np.int64), int(zx),
                                    int(zw), {"pads": [1, 0, 1, 2], "strides": [2, 1]})
        acc += bias.reshape(1, -1, 1, 1)
        want = requant(acc, np.float64(sx) * ws.astype(np.float64) / np.float64(sy),
                       int(zy), 0, 255, 1)
        self.assertEqual(got.dtype, np.uint8)
        np.testing.assert_array_equal(got, want)

    def test_qlinearmatmul_uint8_equals_int8_shifted(self):
        a = RNG.integers(0, 256, (5, 7), dtype=np.uint8)
        b = RNG.integers(0, 256, (7, 3), dtype=np.uint8)

        def build(dt, a_zp, b_, b_zp, y_zp):
            node = helper.make_node("QLinearMatMul", ["a", "sa", "za", "b", "sb",
                                                      "zb", "sy", "zy"], ["y"])
            return model([node], [helper.make_tensor_value_info("a", dt, [None, 7])],
                         [helper.make_tensor_value_info("y", dt, None)],
                         [const("sa", f32(0.01)), const("za", a_zp), const("b", b_),
                          const("sb", f32(0.02)), const("zb", b_zp),
                          const("sy", f32(0.05)), const("zy", y_zp)])

        ru = oi.import_model(build(TP.UINT8, np.uint8(100), b, np.uint8(140), np.uint8(7)))
        ri = oi.import_model(build(TP.INT8, np.int8(-28), (b.astype(np.int16) - 128).astype(np.int8),
                                   np.int8(12), np.int8(-121)))
        self.assertEqual(ru.data, ri.data)
        yu = run(ru, a)
        yi = run(ri, (a.astype(np.int16) - 128).astype(np.int8))
        np.testing.assert_array_equal(yu.astype(np.int16) - 128, yi)

    def test_matmulinteger_requantised(self):
        b = RNG.integers(-127, 128, (4, 3), dtype=np.int8)
        nodes = [helper.make_node("MatMulInteger", ["a", "b", "za"], ["acc"]),
                 helper.make_node("Cast", ["acc"], ["accf"], to=TP.FLOAT),
                 helper.make_node("Mul", ["accf", "scale"], ["real"]),
                 helper.make_node("Add", ["real", "bias"], ["biased"]),
                 helper.make_node("QuantizeLinear", ["biased", "sy", "zy"], ["y"])]
        m = model(nodes, [helper.make_tensor_value_info("a", TP.UINT8, [None, 4])],
                  [helper.make_tensor_value_info("y", TP.UINT8, None)],
                  [const("b", b), const("za", np.uint8(128)),
                   const("scale", f32([0.01, 0.02, 0.015])),
                   const("bias", f32([0.5, -0.25, 0.0])),
                   const("sy", f32(0.1)), const("zy", np.uint8(128))])
        res = oi.import_model(m)
        a = RNG.integers(0, 256, (50, 4), dtype=np.uint8)
        got = run(res, a).astype(np.int64)
        acc = (a.astype(np.int64) - 128) @ b.astype(np.int64)
        real = acc * f32([0.01, 0.02, 0.015]).astype(np.float64) + \
            f32([0.5, -0.25, 0.0]).astype(np.float64)
        want = np.clip(np.rint(real / np.float64(f32(0.1))) + 128, 0, 255)
        self.assertLessEqual(np.abs(got - want).max(), 1)
        self.assertGreater((got == want).mean(), 0.9)

    def test_qlinearadd_com_microsoft(self):
        node = helper.make_node("QLinearAdd", ["a", "sa", "za", "a", "sa", "za",
                                               "sc", "zc"], ["y"], domain="com.microsoft")
        g = helper.make_graph([node], "g",
                              [helper.make_tensor_value_info("a", TP.UINT8, [None, 9])],
                              [helper.make_tensor_value_info("y", TP.UINT8, None)],
                              [const("sa", f32(0.05)), const("za", np.uint8(100)),
                               const("sc", f32(0.07)), const("zc", np.uint8(20))])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid("com.microsoft", 1)])
        res = oi.import_model(m)
        self.assertEqual([op for _, _, op in res.layers], ["ADD"])
        a = RNG.integers(0, 256, (30, 9), dtype=np.uint8)
        got = run(res, a).astype(np.int64)
        real = 2 * (a.astype(np.float64) - 100) * np.float64(f32(0.05))
        want = np.clip(np.rint(real / np.float64(f32(0.07))) + 20, 0, 255)
        self.assertLessEqual(np.abs(got - want).max(), 1)
        self.assertGreater((got == want).mean(), 0.95)


def qdq_cnn(c_in=2, h=6, w=6, c1=4, group=1, fc=5):
    """A graph as torch.onnx.export writes one: QDQ, Conv+Relu, MaxPool,
    Flatten, Gemm (transB), float in, float out."""
    wconv = RNG.integers(-127, 128, (c1, c_in // group, 3, 3), dtype=np.int8)
    wconv_s = f32(RNG.uniform(0.002, 0.01, c1))
    s_in, z_in = f32(1 / 255), np.uint8(0)
    s1, z1 = f32(0.05), np.uint8(0)
    bconv = RNG.integers(-500, 500, c1).astype(np.int32)
    k = c1 * (h // 2) * (w // 2)
    wfc = RNG.integers(-127, 128, (fc, k), dtype=np.int8)
    wfc_s = f32(RNG.uniform(0.002, 0.01, fc))
    bfc = RNG.integers(-500, 500, fc).astype(np.int32)
    s2, z2 = f32(0.2), np.uint8(128)
    n = helper.make_node
    nodes = [
        n("QuantizeLinear", ["x", "s_in", "z_in"], ["xq"]),
        n("DequantizeLinear", ["xq", "s_in", "z_in"], ["xd"]),
        n("DequantizeLinear", ["wc", "wc_s", "wc_z"], ["wcd"], axis=0),
        n("DequantizeLinear", ["bc", "bc_s", "bc_z"], ["bcd"], axis=0),
        n("Conv", ["xd", "wcd", "bcd"], ["c"], pads=[1, 1, 1, 1], group=group,
          kernel_shape=[3, 3]),
        n("Relu", ["c"], ["r"]),
        n("QuantizeLinear", ["r", "s1", "z1"], ["rq"]),
        n("DequantizeLinear", ["rq", "s1", "z1"], ["rd"]),
        n("MaxPool", ["rd"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        n("QuantizeLinear", ["p", "s1", "z1"], ["pq"]),
        n("DequantizeLinear", ["pq", "s1", "z1"], ["pd"]),
        n("Flatten", ["pd"], ["f"], axis=1),
        n("QuantizeLinear", ["f", "s1", "z1"], ["fq"]),
        n("DequantizeLinear", ["fq", "s1", "z1"], ["fd"]),
        n("DequantizeLinear", ["wf", "wf_s", "wf_z"], ["wfd"], axis=0),
        n("DequantizeLinear", ["bf", "bf_s", "bf_z"], ["bfd"], axis=0),
        n("Gemm", ["fd", "wfd", "bfd"], ["g"], transB=1),
        n("QuantizeLinear", ["g", "s2", "z2"], ["gq"]),
        n("DequantizeLinear", ["gq", "s2", "z2"], ["y"]),
    ]
    inits = [const("s_in", s_in), const("z_in", z_in), const("wc", wconv),
             const("wc_s", wconv_s), const("wc_z", np.zeros(c1, np.int8)),
             const("bc", bconv), const("bc_s", (s_in * wconv_s).astype(np.float32)),
             const("bc_z", np.zeros(c1, np.int32)), const("s1", s1), const("z1", z1),
             const("wf", wfc), const("wf_s", wfc_s), const("wf_z", np.zeros(fc, np.int8)),
             const("bf", bfc), const("bf_s", (s1 * wfc_s).astype(np.float32)),
             const("bf_z", np.zeros(fc, np.int32)), const("s2", s2), const("z2", z2)]
    m = model(nodes, [helper.make_tensor_value_info("x", TP.FLOAT, ["n", c_in, h, w])],
              [helper.make_tensor_value_info("y", TP.FLOAT, None)], inits)
    p = dict(wconv=wconv, wconv_s=wconv_s, s_in=s_in, s1=s1, bconv=bconv, wfc=wfc,
             wfc_s=wfc_s, bfc=bfc, s2=s2, z2=z2, group=group)
    return m, p


def simulate_cnn(p, x):
    """The integer network, from isa.rst's formulas, in ONNX's NCHW."""
    q = np.clip(np.rint(x.astype(np.float32) / p["s_in"]), 0, 255).astype(np.int64)
    acc = conformance._conv_acc(q, p["wconv"].astype(np.int64), 0, 0,
                                {"pads": [1, 1, 1, 1], "group": p["group"]})
    acc += p["bconv"].reshape(1, -1, 1, 1)
    r = requant(acc, np.float64(p["s_in"]) * p["wconv_s"] / np.float64(p["s1"]),
                0, 0, 255, 1)
    n, c, h, w = r.shape
    pool = r.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    f = pool.reshape(n, -1)
    acc2 = f @ p["wfc"].astype(np.int64).T + p["bfc"]
    return requant(acc2, np.float64(p["s1"]) * p["wfc_s"] / np.float64(p["s2"]),
                   int(p["z2"]), 0, 255, 1)


class TestQDQ(unittest.TestCase):

    def check_cnn(self, **kw):
        m, p = qdq_cnn(**kw)
        res = oi.import_model(m)
        x = RNG.uniform(0, 1, (3, kw.get("c_in", 2), 6, 6)).astype(np.float32)
        got = run(res, x)
        want_q = simulate_cnn(p, x)
        want = ((want_q - int(p["z2"])) * p["s2"]).astype(np.float32)
        np.testing.assert_array_equal(got, want)
        return res

    def test_cnn_exact(self):
        res = self.check_cnn()
        self.assertEqual([op for _, _, op in res.layers],
                         ["CONV2D", "MAXPOOL", "GEMM"])
        self.assertTrue(res.input.is_float and res.output.is_float)

    def test_depthwise_exact(self):
        res = self.check_cnn(c_in=3, c1=6, group=3)
        self.assertEqual(res.layers[0][2], "DWCONV2D")

    def test_qdq_add_within_one_step(self):
        n = helper.make_node
        nodes = [n("DequantizeLinear", ["a", "sa", "za"], ["ad"]),
                 n("Relu", ["ad"], ["ar"]),
                 n("QuantizeLinear", ["ar", "sb", "zb"], ["bq"]),
                 n("DequantizeLinear", ["bq", "sb", "zb"], ["bd"]),
                 n("Add", ["ad", "bd"], ["s"]),
                 n("QuantizeLinear", ["s", "sy", "zy"], ["y"])]
        m = model(nodes, [helper.make_tensor_value_info("a", TP.INT8, [None, 16])],
                  [helper.make_tensor_value_info("y", TP.INT8, None)],
                  [const("sa", f32(0.1)), const("za", np.int8(-3)),
                   const("sb", f32(0.1)), const("zb", np.int8(-3)),
                   const("sy", f32(0.17)), const("zy", np.int8(5))])
        # Relu with another scale than its input's is refused ...
        with self.assertRaises(oi.UnsupportedModel):
            oi.import_model(model(nodes[:3], m.graph.input, [helper.make_tensor_value_info(
                "bq", TP.INT8, None)], [const("sa", f32(0.1)), const("za", np.int8(-3)),
                                        const("sb", f32(0.2)), const("zb", np.int8(-3))]))
        res = oi.import_model(m)
        self.assertEqual([op for _, _, op in res.layers], ["ACTIVATION", "ADD"])
        a = RNG.integers(-128, 128, (40, 16), dtype=np.int8)
        got = run(res, a).astype(np.int64)
        af = (a.astype(np.float64) + 3) * np.float64(f32(0.1))
        want = np.clip(np.rint((af + np.maximum(af, 0)) / np.float64(f32(0.17))) + 5,
                       -128, 127)
        self.assertLessEqual(np.abs(got - want).max(), 1)
        self.assertGreater((got == want).mean(), 0.95)

    def test_average_pools(self):
        for op, kw, oh in (("AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2],
                                                pads=[1, 1, 1, 1]), 3),
                           ("GlobalAveragePool", {}, 1)):
            n = helper.make_node
            nodes = [n("DequantizeLinear", ["x", "s", "z"], ["xd"]),
                     n(op, ["xd"], ["p"], **kw),
                     n("QuantizeLinear", ["p", "s", "z"], ["y"])]
            m = model(nodes, [helper.make_tensor_value_info("x", TP.INT8, [None, 3, 5, 5])],
                      [helper.make_tensor_value_info("y", TP.INT8, None)],
                      [const("s", f32(0.1)), const("z", np.int8(-7))])
            res = oi.import_model(m)
            self.assertEqual([op for _, _, op in res.layers], ["AVGPOOL"])
            x = RNG.integers(-128, 128, (4, 3, 5, 5), dtype=np.int8)
            got = run(res, x).astype(np.int64)
            self.assertEqual(got.shape, (4, 3, oh, oh))
            # ONNX: the average of the valid taps (count_include_pad=0) of the
            # dequantised values, requantised half to even.
            xp = np.pad(x.astype(np.float64) + 7, ((0, 0), (0, 0), (1, 1), (1, 1)),
                        constant_values=np.nan)
            if op == "GlobalAveragePool":
                avg = np.nanmean(xp.reshape(4, 3, -1), axis=2).reshape(4, 3, 1, 1)
            else:
                avg = np.stack([np.stack([np.nanmean(xp[:, :, 2 * i:2 * i + 3,
                                                        2 * j:2 * j + 3], axis=(2, 3))
                                          for j in range(3)], -1) for i in range(3)], -2)
            want = np.clip(np.rint(avg) - 7, -128, 127)
            self.assertLessEqual(np.abs(got - want).max(), 1, op)
            tie = np.abs(avg - np.floor(avg) - 0.5) < 1e-9
            np.testing.assert_array_equal(got[~tie], want[~tie])

    def test_fashion_demo_reproduces(self):
        res = oi.import_file(os.path.join(TOP, "demo", "fashion.onnx"))
        with open(os.path.join(TOP, "demo", "fashion.aimodel"), "rb") as f:
            self.assertEqual(res.data, f.read())


class TestErrors(unittest.TestCase):

    def assertRefused(self, m, *words):
        with self.assertRaises(oi.UnsupportedModel) as cm:
            oi.import_model(m)
        for w in words:
            self.assertIn(w, str(cm.exception))
        return cm.exception

    def test_grouped_conv(self):
        m, _ = qdq_cnn(c_in=4, c1=4, group=2)
        e = self.assertRefused(m, "(Conv)", "2 groups")
        self.assertEqual(e.op_type, "Conv")

    def test_float_weights(self):
        m, _ = qdq_cnn()
        g = m.graph
        for node in g.node:
            if node.op_type == "Conv":
                node.input[1] = "wf32"
        g.initializer.append(const("wf32", np.ones((4, 2, 3, 3), np.float32)))
        self.assertRefused(m, "(Conv)", "not quantised")

    def test_int32_output(self):
        node = helper.make_node("MatMulInteger", ["a", "b"], ["y"], name="mm")
        m = model([node], [helper.make_tensor_value_info("a", TP.INT8, [None, 2])],
                  [helper.make_tensor_value_info("y", TP.INT32, None)],
                  [const("b", np.ones((2, 2), np.int8))])
        self.assertRefused(m, "node 'mm' (MatMulInteger)", "int32")

    def test_two_runtime_inputs(self):
        node = helper.make_node("MatMulInteger", ["a", "b"], ["y"])
        m = model([node], [helper.make_tensor_value_info("a", TP.INT8, [None, 2]),
                           helper.make_tensor_value_info("b", TP.INT8, [2, 2])],
                  [helper.make_tensor_value_info("y", TP.INT32, None)], [])
        self.assertRefused(m, "2 run-time inputs", "a, b")

    def test_batched_matmul_with_different_matrices(self):
        b = np.stack([np.ones((4, 3), np.uint8), np.zeros((4, 3), np.uint8)])
        node = helper.make_node("QLinearMatMul", ["a", "sa", "za", "b", "sb", "zb",
                                                  "sy", "zy"], ["y"], name="bmm")
        m = model([node], [helper.make_tensor_value_info("a", TP.UINT8, [2, 2, 4])],
                  [helper.make_tensor_value_info("y", TP.UINT8, None)],
                  [const("sa", f32(0.1)), const("za", np.uint8(0)), const("b", b),
                   const("sb", f32(0.1)), const("zb", np.uint8(0)),
                   const("sy", f32(0.1)), const("zy", np.uint8(0))])
        self.assertRefused(m, "node 'bmm' (QLinearMatMul)", "one weight matrix")

    def test_avgpool_count_include_pad(self):
        n = helper.make_node
        nodes = [n("DequantizeLinear", ["x", "s", "z"], ["xd"]),
                 n("AveragePool", ["xd"], ["p"], name="avg", kernel_shape=[3, 3],
                   pads=[1, 1, 1, 1], count_include_pad=1),
                 n("QuantizeLinear", ["p", "s", "z"], ["y"])]
        m = model(nodes, [helper.make_tensor_value_info("x", TP.INT8, [None, 2, 4, 4])],
                  [helper.make_tensor_value_info("y", TP.INT8, None)],
                  [const("s", f32(0.1)), const("z", np.int8(0))])
        self.assertRefused(m, "node 'avg' (AveragePool)", "count_include_pad")

    def test_transpose_of_batch(self):
        n = helper.make_node
        nodes = [n("Transpose", ["x"], ["t"], perm=[1, 0], name="tr"),
                 n("Clip", ["t"], ["y"])]
        m = model(nodes, [helper.make_tensor_value_info("x", TP.INT8, [None, 4])],
                  [helper.make_tensor_value_info("y", TP.INT8, None)], [])
        self.assertRefused(m, "node 'tr' (Transpose)", "batch")

    def test_requantise_without_op(self):
        n = helper.make_node
        nodes = [n("DequantizeLinear", ["x", "s", "z"], ["xd"]),
                 n("QuantizeLinear", ["xd", "s2", "z"], ["y"], name="rq")]
        m = model(nodes, [helper.make_tensor_value_info("x", TP.INT8, [None, 4])],
                  [helper.make_tensor_value_info("y", TP.INT8, None)],
                  [const("s", f32(0.1)), const("s2", f32(0.2)), const("z", np.int8(0))])
        self.assertRefused(m, "node 'rq' (QuantizeLinear)", "requantises")

    def test_unknown_float_op(self):
        n = helper.make_node
        nodes = [n("DequantizeLinear", ["x", "s", "z"], ["xd"]),
                 n("Sigmoid", ["xd"], ["sg"], name="sig"),
                 n("QuantizeLinear", ["sg", "s", "z"], ["y"])]
        m = model(nodes, [helper.make_tensor_value_info("x", TP.INT8, [None, 4])],
                  [helper.make_tensor_value_info("y", TP.INT8, None)],
                  [const("s", f32(0.1)), const("z", np.int8(0))])
        self.assertRefused(m, "node 'sig' (Sigmoid)")


class TestConformanceChecker(unittest.TestCase):
    """The conformance stage's one-step rule must accept the documented
    rounding difference and nothing else."""

    def test_tie_is_explained_other_differences_are_not(self):
        # acc * scale = 0.5 exactly: ONNX rounds half to even (0), the ISA
        # half up (1).
        a = np.array([[1, 2, 3]], np.uint8)
        b = np.array([[1], [0], [0]], np.uint8)
        node = helper.make_node("QLinearMatMul", ["a", "sa", "za", "b", "sb", "zb",
                                                  "sy", "zy"], ["y"])
        m = model([node], [helper.make_tensor_value_info("a", TP.UINT8, [None, 3])],
                  [helper.make_tensor_value_info("y", TP.UINT8, None)], [])
        ins = [("a", a), ("sa", f32(1.0)), ("za", np.uint8(0)), ("b", b),
               ("sb", f32(1.0)), ("zb", np.uint8(0)), ("sy", f32(2.0)),
               ("zy", np.uint8(10))]
        res = conformance.import_case(m, ins)
        got = run(res, a)
        expected = np.array([[10]], np.uint8)
        self.assertEqual(int(got[0, 0]), 11)
        self.assertTrue(conformance.explain(m, ins, expected, got).all())
        self.assertFalse(conformance.explain(m, ins, np.array([[12]], np.uint8),
                                             got).any())

    def test_stage_fails_on_wrong_or_missing_outputs(self):
        """prepare, outputs from the CPU reference as the guest would write
        them, compare: then one output byte off by two, a failed run, a
        missing run: each must fail the stage."""
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            prep, guest, results = (os.path.join(tmp, d) for d in ("p", "g", "r"))
            os.makedirs(guest)
            quiet = contextlib.redirect_stdout(io.StringIO())
            with quiet:
                conformance.prepare(prep)
            with open(os.path.join(prep, "cases.txt")) as f:
                cases = [ln.split() for ln in f]
            self.assertGreaterEqual(len(cases), 7)
            for cid, model, inp, _ in cases:
                m = aidrv.Model.load(os.path.join(prep, model))
                x = np.fromfile(os.path.join(prep, inp), np.int8)
                m.run_cpu(x).tofile(os.path.join(guest, cid + ".out"))
                with open(os.path.join(guest, cid + ".rc"), "w") as f:
                    f.write("0\n")

            def stage():
                with contextlib.redirect_stdout(io.StringIO()):
                    rc = conformance.compare(prep, guest, results)
                with open(os.path.join(results, "onnx.counts")) as f:
                    return rc, [int(v) for v in f.read().split()]

            rc, counts = stage()
            self.assertEqual((rc, counts[:2], counts[4]), (0, [len(cases), 0], 26))
            victim = os.path.join(guest, "test_qlinearconv.test_data_set_0.out")
            raw = bytearray(open(victim, "rb").read())
            raw[3] = (raw[3] + 2) & 0xFF
            open(victim, "wb").write(bytes(raw))
            rc, counts = stage()
            self.assertEqual((rc, counts[1]), (1, 1))
            os.unlink(victim)
            with open(os.path.join(guest, "test_qlinearmatmul_2D.test_data_set_0.rc"), "w") as f:
                f.write("1\n")
            rc, counts = stage()
            self.assertEqual((rc, counts[0], counts[1]), (1, len(cases) - 2, 2))


if __name__ == "__main__":
    unittest.main()
