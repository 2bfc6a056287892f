# SPDX-License-Identifier: MIT
"""Import quantised ONNX graphs into aiaccel models (.aimodel).

Documentation/accel/aiaccel/onnx.rst describes what is imported and how;
in short:

* QOperator form: QLinearConv, QLinearMatMul, QLinearAdd (com.microsoft),
  and MatMulInteger / ConvInteger when their int32 result is requantised
  (Cast to float, Mul by constant scales, Add of constant biases, then
  QuantizeLinear);
* QDQ form: DequantizeLinear -> Conv / Gemm / MatMul / Add / MaxPool /
  AveragePool / GlobalAveragePool [-> Relu / Clip] -> QuantizeLinear;
  Relu / Clip alone between a DequantizeLinear and a QuantizeLinear;
* shape ops on quantised tensors: Reshape, Flatten, Squeeze, Unsqueeze,
  Transpose (as long as the consumer can read the result: a GEMM reads
  any order, its weights are permuted instead), Identity, and Clip and
  MaxPool on plain int8 / uint8 tensors;
* constants: initializers, Constant, ConstantOfShape, and Cast, Reshape,
  Transpose, Squeeze, Unsqueeze, Concat, Flatten of constants are folded.

uint8 tensors become int8 tensors holding the value minus 128, with the
zero point minus 128, which is exact; float scales become the ISA's
multiplier and shift.  A float graph input quantised by a QuantizeLinear
makes that QuantizeLinear's output the model's input, and a
DequantizeLinear at the graph output makes its input the model's output:
the caller quantises and dequantises on the host (ImportedModel does it).

Anything that cannot be mapped exactly raises UnsupportedModel naming the
node, its op type and why.  The result is never a silently different
model; where the device's arithmetic is known to differ from ONNX's
float arithmetic (the fixed-point requantisation, ties), onnx.rst says
so.
"""

import math

import numpy as np
import onnx
from onnx import helper, numpy_helper

from . import aimodel as am

__all__ = ["UnsupportedModel", "ImportedModel", "import_model",
           "import_file", "load_tensor"]

U8, I8 = "uint8", "int8"
_ONNX_INT = {onnx.TensorProto.UINT8: U8, onnx.TensorProto.INT8: I8}
_NP_INT = {np.dtype(np.uint8): U8, np.dtype(np.int8): I8}


class UnsupportedModel(ValueError):
    """The graph cannot be mapped onto the ISA; names the node and why."""

    def __init__(self, node, reason):
        if node is None:
            msg = reason
        else:
            name = node.name or (node.output[0] if node.output else "?")
            dom = f"{node.domain}." if node.domain not in ("", "ai.onnx") else ""
            msg = f"node '{name}' ({dom}{node.op_type}): {reason}"
        super().__init__(msg)
        self.node_name = node.name if node is not None else None
        self.op_type = node.op_type if node is not None else None
        self.reason = reason


def load_tensor(path):
    """A TensorProto file (test_data_set_*/input_0.pb) as (name, array)."""
    tp = onnx.TensorProto()
    with open(path, "rb") as f:
        tp.ParseFromString(f.read())
    return tp.name, numpy_helper.to_array(tp)


# ---------------------------------------------------------------------------
# Values flowing through the graph


class DevTensor:
    """An int8 activation tensor of the model being built."""

    def __init__(self, dims, dtype, name):
        self.dims = tuple(int(d) for d in dims)
        self.dtype = dtype          # what ONNX calls it: uint8 or int8
        self.name = name
        self.zp = None              # int8 domain, once known
        self.scale = None           # float, once known
        self.index = None
        self.written = False        # by a layer (the input is not)

    @property
    def size(self):
        return int(np.prod(self.dims))

    def set_quant(self, node, zp, scale, what):
        """Record the (int8-domain) zero point and scale the graph reads
        this tensor with; every reader must agree."""
        if zp is not None:
            if self.zp is not None and self.zp != zp:
                raise UnsupportedModel(node, f"{what} '{self.name}' is read with "
                                       f"zero point {_show_zp(zp, self.dtype)}, "
                                       f"but was given {_show_zp(self.zp, self.dtype)}")
            self.zp = zp
        if scale is not None:
            if self.scale is not None and not _same_scale(self.scale, scale):
                raise UnsupportedModel(node, f"{what} '{self.name}' is read with "
                                       f"scale {scale:.9g}, but was given "
                                       f"{self.scale:.9g}")
            self.scale = scale


def _show_zp(zp, dtype):
    return zp + 128 if dtype == U8 else zp


def _same_scale(a, b):
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))


class QVal:
    """A quantised integer tensor on the device, seen with an ONNX shape.

    order[i] is where element i of an image, in ONNX's row-major order,
    lives in the device tensor (NHWC for images, so it differs from i).
    """

    def __init__(self, t, shape, order):
        self.t = t
        self.shape = tuple(shape)
        self.order = order


class DQVal:
    """The float view DequantizeLinear gives of a QVal."""

    def __init__(self, q):
        self.q = q


class FloatInput:
    """The float graph input, before its QuantizeLinear."""

    def __init__(self, name, shape):
        self.name = name
        self.shape = tuple(shape)


class ConstDQ:
    """DequantizeLinear of constant integers (weights, biases)."""

    def __init__(self, q, scale, zp, axis, dtype):
        self.q = q
        self.scale = scale
        self.zp = zp
        self.axis = axis
        self.dtype = dtype


class Pending:
    """A float result that exists on the device only once quantised.

    kind "mac": a GEMM/CONV2D/DWCONV2D accumulator acc; its real value is
    acc * s[c] + b[c] per output channel c (domain "int32" until a Cast
    to float).  kind "add": an ADD of two quantised tensors.  kind "same":
    a pool or clamp of the quantised tensor src, which the device computes
    on the quantised values directly, so the result must be quantised
    with src's scale and zero point.  lo and hi are real clamp bounds
    (Relu, Clip).
    """

    def __init__(self, kind, node, shape, order, dims, emit, nchan=1,
                 chan_axis=None, domain="float", src=None):
        self.kind = kind
        self.node = node
        self.shape = tuple(shape)
        self.order = order
        self.dims = dims
        self.emit = emit
        self.nchan = nchan
        self.chan_axis = chan_axis
        self.domain = domain
        self.src = src
        self.s = np.ones(nchan)
        self.b = np.zeros(nchan)
        self.bias_int = None    # exact int32 biases, when they are
        self.lo = -math.inf
        self.hi = math.inf
        self.users = 0


def _nhwc_order(c, h, w):
    """order for an ONNX [c][h][w] image stored [h][w][c]."""
    ci, hi, wi = np.meshgrid(np.arange(c), np.arange(h), np.arange(w),
                             indexing="ij")
    return ((hi * w + wi) * c + ci).reshape(-1)


def _rhe(x):
    """Round half to even, as ONNX's QuantizeLinear."""
    return np.rint(x)


# ---------------------------------------------------------------------------
# The importer


class _Importer:

    def __init__(self, model, bindings, batch_rank):
        self.model = model
        self.graph = model.graph
        self.bindings = dict(bindings or {})
        self.forced_batch_rank = batch_rank
        self.vals = {}          # ONNX value name -> value
        self.tensors = []       # DevTensor, in creation order
        self.layers = []        # (node, op, inp, inp2, out, kwargs)
        self.notes = []
        self.model_input = None
        self.input_float = None
        self.model_output = None
        self.users = {}
        for node in self.graph.node:
            for name in node.input:
                if name:
                    self.users[name] = self.users.get(name, 0) + 1
        for o in self.graph.output:
            self.users[o.name] = self.users.get(o.name, 0) + 1

    # -- helpers ----------------------------------------------------------

    def new_tensor(self, dims, dtype, name):
        t = DevTensor(dims, dtype, name)
        self.tensors.append(t)
        return t

    def get(self, node, i):
        """The value of input i of node, or None if it is absent."""
        if i >= len(node.input) or not node.input[i]:
            return None
        name = node.input[i]
        if name not in self.vals:
            raise UnsupportedModel(node, f"input '{name}' is not produced by "
                                   "any node before it")
        return self.vals[name]

    def const(self, node, i, what, default=None):
        v = self.get(node, i)
        if v is None:
            if default is not None:
                return default
            raise UnsupportedModel(node, f"{what} (input {i}) is missing")
        if not isinstance(v, np.ndarray):
            raise UnsupportedModel(node, f"{what} (input '{node.input[i]}') must "
                                   "be a constant (an initializer, a Constant, "
                                   "or a bound graph input)")
        return v

    def scalar_quant(self, node, i_scale, i_zp, what):
        """A per-tensor (scale, zero point, dtype) from two const inputs."""
        scale = self.const(node, i_scale, f"{what} scale")
        zp = self.get(node, i_zp)
        if zp is None:
            zp = np.zeros((), np.uint8)
        elif not isinstance(zp, np.ndarray):
            raise UnsupportedModel(node, f"{what} zero point must be a constant")
        if scale.size != 1 or zp.size != 1:
            raise UnsupportedModel(node, f"{what} has {max(scale.size, zp.size)} "
                                   "scales or zero points: per-axis quantisation "
                                   "of activations is not supported (the ISA "
                                   "has one zero point and scale per tensor)")
        dtype = _NP_INT.get(zp.dtype)
        if dtype is None:
            raise UnsupportedModel(node, f"{what} zero point is {zp.dtype}: only "
                                   "int8 and uint8 map onto the ISA")
        s = float(scale.reshape(-1)[0])
        if not s > 0 or not math.isfinite(s):
            raise UnsupportedModel(node, f"{what} scale {s} is not a positive number")
        z = int(zp.reshape(-1)[0])
        return s, (z - 128 if dtype == U8 else z), dtype

    def qval(self, node, i, what):
        v = self.get(node, i)
        if not isinstance(v, QVal):
            raise UnsupportedModel(node, f"{what} '{node.input[i]}' must be a "
                                   f"quantised int8/uint8 tensor, it is "
                                   f"{_describe(v)}")
        return v

    def batch_shape(self, shape):
        return shape[:self.batch_rank]

    def image_shape(self, shape):
        return shape[self.batch_rank:]

    def check_batch(self, node, a, b):
        if len(a) < self.batch_rank or len(b) < self.batch_rank or \
                any(x is not None and y is not None and x != y
                    for x, y in zip(a[:self.batch_rank], b[:self.batch_rank])):
            raise UnsupportedModel(node, f"shapes {list(a)} and {list(b)} do not "
                                   f"share the batch dimensions")

    def image_qval(self, node, q, what):
        """Check q is an image [C][H][W] the device holds as [H][W][C]."""
        shape = self.image_shape(q.shape)
        if len(shape) != 3 or self.batch_rank != 1:
            raise UnsupportedModel(node, f"{what} has shape {list(q.shape)}: "
                                   "only 2-D images [N, C, H, W] are supported")
        c, h, w = shape
        if q.t.dims != (h, w, c) or not np.array_equal(q.order, _nhwc_order(c, h, w)):
            raise UnsupportedModel(node, f"{what} is not laid out as the image "
                                   f"[{c}, {h}, {w}] it is read as: a Reshape "
                                   "or Transpose before it does not fold")
        return c, h, w

    def new_qval(self, shape, dtype, name, image=False):
        """A fresh device tensor for an ONNX shape; images go NHWC."""
        img = self.image_shape(shape)
        if image:
            c, h, w = img
            t = self.new_tensor((h, w, c), dtype, name)
            return QVal(t, shape, _nhwc_order(c, h, w))
        size = int(np.prod(img)) if img else 1
        dims = tuple(img) if 1 <= len(img) <= am.MAX_RANK else (size,)
        t = self.new_tensor(dims, dtype, name)
        return QVal(t, shape, np.arange(size))

    def add_layer(self, node, op, inp, out, inp2=None, **kw):
        out.written = True
        self.layers.append((node, op, inp, inp2, out, kw))

    # -- the walk ---------------------------------------------------------

    def run(self):
        g = self.graph
        init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
        for name, arr in self.bindings.items():
            init[name] = np.asarray(arr)
        self.vals.update(init)
        runtime = [i for i in g.input if i.name not in init]
        if len(runtime) != 1:
            names = ", ".join(i.name for i in runtime) or "none"
            raise UnsupportedModel(None, f"the graph has {len(runtime)} run-time "
                                   f"inputs ({names}); a model has exactly one "
                                   "input tensor: give the others as initializers "
                                   "or bind them to constants")
        if len(g.output) != 1:
            raise UnsupportedModel(None, f"the graph has {len(g.output)} outputs; "
                                   "a model has exactly one output tensor")
        self.setup_input(runtime[0])
        for node in g.node:
            self.visit(node)
        self.finish_output(g.output[0])

    def setup_input(self, vi):
        tt = vi.type.tensor_type
        shape = []
        for i, d in enumerate(tt.shape.dim):
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            else:
                shape.append(None)
        if not shape:
            raise UnsupportedModel(None, f"input '{vi.name}' is a scalar: the "
                                   "first dimension must be the batch")
        self.batch_rank = self.choose_batch_rank(vi.name, len(shape))
        img = shape[self.batch_rank:]
        if any(d is None for d in img):
            raise UnsupportedModel(None, f"input '{vi.name}' has shape {shape}: "
                                   "only the batch dimension may be dynamic")
        elem = tt.elem_type
        self.input_name = vi.name
        if elem == onnx.TensorProto.FLOAT:
            self.vals[vi.name] = FloatInput(vi.name, shape)
            return
        dtype = _ONNX_INT.get(elem)
        if dtype is None:
            raise UnsupportedModel(None, f"input '{vi.name}' is of ONNX type "
                                   f"{onnx.TensorProto.DataType.Name(elem)}: "
                                   "the device takes int8 / uint8 tensors (or "
                                   "a float input that a QuantizeLinear "
                                   "quantises)")
        q = self.new_qval(shape, dtype, vi.name, image=len(img) == 3)
        self.vals[vi.name] = q
        self.model_input = q

    def choose_batch_rank(self, name, rank):
        """Leading dimensions that count images: 1, except for a graph
        whose input goes (through quantisation) straight into a MatMul
        of higher rank, where every row is an image."""
        if self.forced_batch_rank is not None:
            return self.forced_batch_rank
        if rank < 3:
            return 1
        names = {name}
        for node in self.graph.node:
            if not any(i in names for i in node.input):
                continue
            if node.op_type in ("QuantizeLinear", "DequantizeLinear", "Cast"):
                names.add(node.output[0])
            elif node.op_type in ("MatMul", "QLinearMatMul", "MatMulInteger") \
                    and node.input[0] in names:
                return rank - 1
        return 1

    def visit(self, node):
        op = node.op_type
        if node.domain not in ("", "ai.onnx"):
            if node.domain == "com.microsoft" and op == "QLinearAdd":
                return self.qlinear_add(node)
            raise UnsupportedModel(node, f"operator domain '{node.domain}' is "
                                   "not supported")
        inputs = [self.vals.get(n) if n else None for n in node.input]
        present = [v for v in inputs if v is not None]
        if op == "Constant":
            return self.set_out(node, self.constant_attr(node))
        if present and all(isinstance(v, np.ndarray) for v in present) and \
                op in _FOLD:
            return self.set_out(node, _FOLD[op](self, node, inputs))
        handler = getattr(self, "op_" + op, None)
        if handler is None:
            raise UnsupportedModel(node, _unsupported_reason(op, inputs))
        handler(node)

    def set_out(self, node, v):
        self.vals[node.output[0]] = v

    def constant_attr(self, node):
        for a in node.attribute:
            if a.name == "value":
                return numpy_helper.to_array(a.t)
            if a.name in ("value_float", "value_int"):
                return np.array(helper.get_attribute_value(a))
            if a.name in ("value_floats", "value_ints"):
                return np.array(helper.get_attribute_value(a))
        raise UnsupportedModel(node, "only tensor and numeric constants are supported")

    # -- quantisation boundary ---------------------------------------------

    def op_QuantizeLinear(self, node):
        v = self.get(node, 0)
        scale, zp, dtype = self.scalar_quant(node, 1, 2, "output")
        if any(a.name == "axis" for a in node.attribute) and \
                self.const(node, 1, "scale").size > 1:
            raise UnsupportedModel(node, "per-axis quantisation of activations "
                                   "is not supported")
        if isinstance(v, FloatInput):
            if v.name != self.input_name or self.model_input is not None:
                raise UnsupportedModel(node, "a float graph input may be "
                                       "quantised once only")
            img = self.image_shape(v.shape)
            q = self.new_qval(v.shape, dtype, node.output[0], image=len(img) == 3)
            q.t.set_quant(node, zp, scale, "input")
            self.model_input = q
            self.input_float = (scale, zp, dtype)
            self.notes.append(f"input '{v.name}' is float: the model takes it "
                              f"quantised as {dtype} with scale {scale:.9g} and "
                              f"zero point {_show_zp(zp, dtype)} (done on the host)")
            return self.set_out(node, q)
        if isinstance(v, DQVal):
            src = v.q
            if src.t.dtype == dtype and src.t.zp == zp and \
                    src.t.scale is not None and _same_scale(src.t.scale, scale):
                return self.set_out(node, src)
            raise UnsupportedModel(node, "requantises a tensor to another scale "
                                   "or zero point with no operation in between; "
                                   "the ISA requantises only at the end of an "
                                   "op")
        if isinstance(v, Pending):
            return self.set_out(node, self.materialise(node, v, scale, zp, dtype))
        raise UnsupportedModel(node, f"quantises {_describe(v)}")

    def materialise(self, node, p, scale, zp, dtype):
        """Quantise a pending result: emit its layer(s)."""
        if p.domain != "float":
            raise UnsupportedModel(node, "quantises an int32 accumulator "
                                   "directly; Cast it to float and scale it first")
        q = QVal(self.new_tensor(p.dims, dtype, node.output[0]), p.shape, p.order)
        q.t.set_quant(node, zp, scale, "output")
        act_min = -128 if p.lo == -math.inf else \
            int(np.clip(_rhe(p.lo / scale) + zp, -128, 127))
        act_max = 127 if p.hi == math.inf else \
            int(np.clip(_rhe(p.hi / scale) + zp, -128, 127))
        if act_min > act_max:
            raise UnsupportedModel(node, "the clamp before it is empty")
        if p.kind == "same":
            s = p.src.t
            if s.zp != zp or s.scale is None or not _same_scale(s.scale, scale) \
                    or s.dtype != dtype:
                raise UnsupportedModel(p.node, "its output is quantised with "
                                       "another scale or zero point than its "
                                       "input; the device's pools and clamps "
                                       "keep the input's")
            p.emit(q.t, act_min, act_max)
        elif p.kind == "add":
            p.emit(q.t, scale, zp, act_min, act_max)
        else:
            mults = [p.s[c] / scale for c in range(p.nchan)]
            quant = [self.multiplier(p.node, m) for m in mults]
            bias = self.bias_ints(p)
            p.emit(q.t, quant, bias, act_min, act_max)
        return q

    def multiplier(self, node, real):
        m, s = am.quantize_multiplier(real)
        if m == 0 or real >= 2.0 ** 31:
            raise UnsupportedModel(node, f"requantisation scale {real:.6g} is "
                                   "outside what the ISA can express "
                                   "(2^-32 .. 2^31)")
        return m, s

    def bias_ints(self, p):
        if p.bias_int is not None and not np.any(p.b):
            return p.bias_int
        q = _rhe(p.b / p.s)
        exact = np.abs(q - p.b / p.s) <= 1e-3
        if p.bias_int is not None:
            q = q + p.bias_int
        if np.any(np.abs(q) > am.INT32_MAX):
            raise UnsupportedModel(p.node, "a bias does not fit int32 at the "
                                   "accumulator's scale")
        if not np.all(exact):
            self.notes.append(f"node '{p.node.name}': float bias rounded to the "
                              "accumulator's scale (input scale * weight scale), "
                              "as integer runtimes do")
        if not np.any(q) and p.bias_int is None:
            return None
        return [int(x) for x in q]

    def op_DequantizeLinear(self, node):
        v = self.get(node, 0)
        if isinstance(v, np.ndarray):
            scale = self.const(node, 1, "scale")
            zp = self.get(node, 2)
            if zp is None:
                zp = np.zeros(scale.shape, v.dtype)
            axis = 1
            for a in node.attribute:
                if a.name == "axis":
                    axis = helper.get_attribute_value(a)
            if axis < 0:
                axis += v.ndim
            dtype = _NP_INT.get(v.dtype, "int32" if v.dtype == np.int32 else None)
            if dtype is None:
                raise UnsupportedModel(node, f"dequantises {v.dtype} constants")
            return self.set_out(node, ConstDQ(v, np.asarray(scale, np.float64),
                                              np.asarray(zp).astype(np.int64),
                                              axis if scale.size > 1 else None,
                                              dtype))
        q = self.qval(node, 0, "input")
        scale, zp, dtype = self.scalar_quant(node, 1, 2, "input")
        if dtype != q.t.dtype:
            raise UnsupportedModel(node, f"dequantises a {q.t.dtype} tensor with "
                                   f"a {dtype} zero point")
        q.t.set_quant(node, zp, scale, "tensor")
        self.set_out(node, DQVal(q))

    # -- QOperator ops -------------------------------------------------------

    def op_QLinearConv(self, node):
        x = self.qval(node, 0, "x")
        sx, zx, dx = self.scalar_quant(node, 1, 2, "x")
        self.check_dtype(node, x, dx, "x")
        x.t.set_quant(node, zx, sx, "x")
        w = self.qweights(node, self.const(node, 3, "w"), self.const(node, 4, "w_scale"),
                          self.const(node, 5, "w_zero_point"), 0)
        sy, zy, dy = self.scalar_quant(node, 6, 7, "y")
        b = self.get(node, 8)
        p = self.conv_pending(node, x, w, sx)
        if b is not None:
            b = self.const(node, 8, "B")
            p.bias_int = np.asarray(b, np.int64).reshape(-1)
        self.set_out(node, self.materialise(node, p, sy, zy, dy))

    def op_QLinearMatMul(self, node):
        a = self.qval(node, 0, "a")
        sa, za, da = self.scalar_quant(node, 1, 2, "a")
        self.check_dtype(node, a, da, "a")
        a.t.set_quant(node, za, sa, "a")
        b = self.const(node, 3, "b")
        w = self.qweights(node, self.matmul_b(node, b), self.const(node, 4, "b_scale"),
                          self.const(node, 5, "b_zero_point"), 1)
        sy, zy, dy = self.scalar_quant(node, 6, 7, "y")
        p = self.gemm_pending(node, a, w, sa)
        self.set_out(node, self.materialise(node, p, sy, zy, dy))

    def op_MatMulInteger(self, node):
        a = self.qval(node, 0, "A")
        za = self.zero_point_input(node, 2, a)
        a.t.set_quant(node, za, None, "A")
        b = self.const(node, 1, "B")
        bzp = self.get(node, 3)
        if bzp is None:
            bzp = np.zeros((), b.dtype)
        w = self.qweights(node, self.matmul_b(node, b), None, bzp, 1)
        p = self.gemm_pending(node, a, w, 1.0)
        p.domain = "int32"
        self.set_out(node, p)

    def op_ConvInteger(self, node):
        x = self.qval(node, 0, "x")
        zx = self.zero_point_input(node, 2, x)
        x.t.set_quant(node, zx, None, "x")
        wzp = self.get(node, 3)
        wv = self.const(node, 1, "w")
        if wzp is None:
            wzp = np.zeros((), wv.dtype)
        w = self.qweights(node, wv, None, wzp, 0)
        p = self.conv_pending(node, x, w, 1.0)
        p.domain = "int32"
        self.set_out(node, p)

    def zero_point_input(self, node, i, q):
        zp = self.get(node, i)
        if zp is None:
            return -128 if q.t.dtype == U8 else 0
        zp = self.const(node, i, "zero point")
        if zp.size != 1:
            raise UnsupportedModel(node, "per-row zero points of the input are "
                                   "not supported")
        if _NP_INT.get(zp.dtype) != q.t.dtype:
            raise UnsupportedModel(node, "zero point and input types differ")
        z = int(zp.reshape(-1)[0])
        return z - 128 if q.t.dtype == U8 else z

    def qlinear_add(self, node):
        a = self.qval(node, 0, "A")
        sa, za, da = self.scalar_quant(node, 1, 2, "A")
        b = self.qval(node, 3, "B")
        sb, zb, db = self.scalar_quant(node, 4, 5, "B")
        sc, zc, dc = self.scalar_quant(node, 6, 7, "C")
        self.check_dtype(node, a, da, "A")
        self.check_dtype(node, b, db, "B")
        a.t.set_quant(node, za, sa, "A")
        b.t.set_quant(node, zb, sb, "B")
        p = self.add_pending(node, a, b)
        self.set_out(node, self.materialise(node, p, sc, zc, dc))

    def check_dtype(self, node, q, dtype, what):
        if q.t.dtype != dtype:
            raise UnsupportedModel(node, f"{what} is {q.t.dtype} but its zero "
                                   f"point is {dtype}")

    # -- weights -----------------------------------------------------------

    def matmul_b(self, node, b):
        """B [K, N] of a MatMul, or batched B whose slices are all equal."""
        if b.ndim > 2:
            first = b.reshape((-1,) + b.shape[-2:])
            if not all(np.array_equal(first[0], s) for s in first[1:]):
                raise UnsupportedModel(node, f"B has shape {list(b.shape)} with "
                                       "different matrices per batch: a GEMM "
                                       "has one weight matrix")
            b = first[0]
        if b.ndim != 2:
            raise UnsupportedModel(node, f"B has shape {list(b.shape)}: a 2-D "
                                   "matrix is needed")
        return b

    def qweights(self, node, w, scale, zp, axis):
        """Integer weights -> (int8 weights, weight zp, per-channel scales).

        axis is the output-channel axis of w.  Per-channel zero points must
        be equal, or fold into the weights exactly.
        """
        dtype = _NP_INT.get(w.dtype)
        if dtype is None:
            raise UnsupportedModel(node, f"weights are {w.dtype}: int8 or uint8 "
                                   "weights are needed")
        nchan = w.shape[axis]
        zp = np.asarray(zp)
        if zp.dtype in _NP_INT and _NP_INT[zp.dtype] != dtype:
            raise UnsupportedModel(node, "weight and weight zero point types differ")
        w8 = w.astype(np.int64) - (128 if dtype == U8 else 0)
        z8 = zp.astype(np.int64).reshape(-1) - (128 if dtype == U8 else 0)
        if z8.size not in (1, nchan):
            raise UnsupportedModel(node, f"{z8.size} weight zero points for "
                                   f"{nchan} output channels")
        if z8.size > 1 and np.all(z8 == z8[0]):
            z8 = z8[:1]
        if z8.size == 1:
            wzp = int(z8[0])
        else:
            shape = [1] * w.ndim
            shape[axis] = nchan
            folded = w8 - z8.reshape(shape)
            if folded.min() < -128 or folded.max() > 127:
                raise UnsupportedModel(node, "per-channel weight zero points "
                                       "differ and the weights minus their zero "
                                       "points do not fit int8 (the ISA has one "
                                       "weight zero point per op)")
            w8, wzp = folded, 0
        if scale is None:
            ws = np.ones(nchan)
        else:
            ws = np.asarray(scale, np.float64).reshape(-1)
            if ws.size == 1:
                ws = np.full(nchan, ws[0])
            if ws.size != nchan:
                raise UnsupportedModel(node, f"{ws.size} weight scales for "
                                       f"{nchan} output channels")
            if np.any(ws <= 0):
                raise UnsupportedModel(node, "a weight scale is not positive")
        return w8, wzp, ws

    def dq_weights(self, node, v, axis, what):
        if isinstance(v, ConstDQ):
            if v.dtype not in (U8, I8):
                raise UnsupportedModel(node, f"{what} are {v.dtype}")
            if v.axis is not None and v.axis != axis:
                raise UnsupportedModel(node, f"{what} are quantised along axis "
                                       f"{v.axis}, not the output channels' ({axis})")
            return self.qweights(node, v.q, v.scale, v.zp.astype(
                np.uint8 if v.dtype == U8 else np.int8), axis)
        if isinstance(v, np.ndarray):
            raise UnsupportedModel(node, f"{what} are float constants: the model "
                                   "is not quantised (weights must come through "
                                   "DequantizeLinear)")
        raise UnsupportedModel(node, f"{what} are {_describe(v)}, not constants")

    def dq_bias(self, node, v, p):
        """Add a bias, float or DequantizeLinear'd int32, to a pending MAC."""
        if v is None:
            return
        if isinstance(v, ConstDQ):
            if v.dtype != "int32" or np.any(v.zp):
                raise UnsupportedModel(node, "the bias must be int32 with zero "
                                       "point 0")
            q = v.q.astype(np.int64).reshape(-1)
            sb = np.broadcast_to(v.scale.reshape(-1), q.shape).astype(np.float64)
            ratio = sb / p.s
            if np.all(np.abs(ratio - 1) <= 1e-6):
                exact = _rhe(q * ratio)
                p.bias_int = exact.astype(np.int64)
                if np.any(exact != q):
                    self.notes.append(f"node '{node.name}': bias scale differs "
                                      "from input scale * weight scale by float "
                                      "rounding; biases rescaled")
                return
            p.b = p.b + q * sb
            return
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            b = np.asarray(v, np.float64).reshape(-1)
            if b.size == 1:
                b = np.full(p.nchan, b[0])
            if b.size != p.nchan:
                raise UnsupportedModel(node, f"{b.size} biases for {p.nchan} "
                                       "output channels")
            p.b = p.b + b
            return
        raise UnsupportedModel(node, f"the bias is {_describe(v)}")

    # -- MAC ops -------------------------------------------------------------

    def conv_attrs(self, node, c, h, w, kh, kw):
        at = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        strides = list(at.get("strides", [1, 1]))
        dil = list(at.get("dilations", [1, 1]))
        pads = list(at.get("pads", [0, 0, 0, 0]))
        auto = at.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if len(strides) != 2 or len(dil) != 2 or len(pads) != 4:
            raise UnsupportedModel(node, "only 2-D windows are supported")
        eff_h = (kh - 1) * dil[0] + 1
        eff_w = (kw - 1) * dil[1] + 1
        if auto in ("SAME_UPPER", "SAME_LOWER"):
            pads = []
            for size, s, eff in ((h, strides[0], eff_h), (w, strides[1], eff_w)):
                out = -(-size // s)
                total = max((out - 1) * s + eff - size, 0)
                small = total // 2
                pads.append((small, total - small) if auto == "SAME_UPPER"
                            else (total - small, small))
            pads = [pads[0][0], pads[1][0], pads[0][1], pads[1][1]]
        elif auto == "VALID":
            pads = [0, 0, 0, 0]
        elif auto != "NOTSET":
            raise UnsupportedModel(node, f"auto_pad {auto}")
        top, left, bottom, right = pads
        oh = (h + top + bottom - eff_h) // strides[0] + 1
        ow = (w + left + right - eff_w) // strides[1] + 1
        if h + top + bottom < eff_h or w + left + right < eff_w:
            raise UnsupportedModel(node, "the window is larger than the padded input")
        if top >= eff_h or bottom >= eff_h or left >= eff_w or right >= eff_w:
            raise UnsupportedModel(node, f"padding {pads} is as large as the "
                                   "window: windows entirely in the padding are "
                                   "not supported by the model format")
        return dict(k=(kh, kw), stride=tuple(strides), dilation=tuple(dil),
                    pad=(top, left, bottom, right)), oh, ow, at

    def conv_pending(self, node, x, wq, sx):
        w8, wzp, ws = wq
        c, h, w = self.image_qval(node, x, "the input")
        if w8.ndim != 4:
            raise UnsupportedModel(node, f"weights of shape {list(w8.shape)}: only "
                                   "2-D convolutions are supported")
        oc, icg, kh, kw = w8.shape
        win, oh, ow, at = self.conv_attrs(node, c, h, w, kh, kw)
        if "kernel_shape" in at and list(at["kernel_shape"]) != [kh, kw]:
            raise UnsupportedModel(node, "kernel_shape differs from the weights")
        group = at.get("group", 1)
        if group == 1 and icg == c:
            op = am.OP_CONV2D
            filt = w8.transpose(0, 2, 3, 1)                 # [oc][kh][kw][ic]
        elif group == c and icg == 1 and oc % c == 0:
            op = am.OP_DWCONV2D
            filt = w8[:, 0].transpose(1, 2, 0)              # [kh][kw][oc]
        else:
            raise UnsupportedModel(node, f"a convolution with {group} groups of "
                                   f"{c} channels: the ISA has full (1 group) and "
                                   "depthwise (a group per channel) convolutions")
        self.check_int8(node, filt, "weights")
        shape = self.batch_shape(x.shape) + (oc, oh, ow)

        def emit(out, quant, bias, act_min, act_max):
            self.add_layer(node, op, x.t, out, weights=filt.astype(np.int8).tobytes(),
                           bias=bias, quant=quant, weight_zp=wzp,
                           act=(act_min, act_max), **win)

        p = Pending("mac", node, shape, _nhwc_order(oc, oh, ow), (oh, ow, oc),
                    emit, nchan=oc, chan_axis=1)
        p.s = sx * ws
        return p

    def gemm_pending(self, node, a, wq, sa):
        """a [.., K] times weights [K, N] (wq from qweights with axis 1)."""
        w8, wzp, ws = wq
        img = self.image_shape(a.shape)
        k = int(np.prod(img)) if img else 1
        if w8.shape[0] != k or (len(img) != 1 and len(img) > 0):
            raise UnsupportedModel(node, f"multiplies an input of shape "
                                   f"{list(a.shape)} by a [{w8.shape[0]}, "
                                   f"{w8.shape[1]}] matrix: each image must be a "
                                   "row of K values")
        n = w8.shape[1]
        # Device weights [n][k], columns in the device order of a's elements.
        weights = np.zeros((n, k), np.int64)
        weights[:, a.order] = w8.T
        self.check_int8(node, weights, "weights")
        shape = self.batch_shape(a.shape) + (n,)

        def emit(out, quant, bias, act_min, act_max):
            self.add_layer(node, am.OP_GEMM, a.t, out,
                           weights=weights.astype(np.int8).tobytes(), bias=bias,
                           quant=quant, weight_zp=wzp, act=(act_min, act_max))

        p = Pending("mac", node, shape, np.arange(n), (n,), emit, nchan=n,
                    chan_axis=len(shape) - 1)
        p.s = sa * ws
        return p

    def check_int8(self, node, w, what):
        if w.size and (w.min() < -128 or w.max() > 127):
            raise UnsupportedModel(node, f"{what} do not fit int8")

    # -- QDQ compute ops -----------------------------------------------------

    def dq_input(self, node, i, what):
        v = self.get(node, i)
        if isinstance(v, DQVal):
            return v.q
        raise UnsupportedModel(node, f"{what} '{node.input[i]}' is "
                               f"{_describe(v)}; the device computes on "
                               "quantised tensors (a DequantizeLinear output)")

    def op_Conv(self, node):
        x = self.dq_input(node, 0, "input")
        w = self.dq_weights(node, self.get(node, 1), 0, "weights")
        p = self.conv_pending(node, x, w, x.t.scale)
        self.dq_bias(node, self.get(node, 2), p)
        self.set_out(node, p)

    def op_Gemm(self, node):
        at = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if at.get("transA", 0):
            raise UnsupportedModel(node, "transA=1: the input must be [M, K]")
        if at.get("alpha", 1.0) != 1.0 or (len(node.input) > 2 and
                                            at.get("beta", 1.0) != 1.0):
            raise UnsupportedModel(node, "alpha and beta other than 1")
        a = self.dq_input(node, 0, "A")
        v = self.get(node, 1)
        axis = 0 if at.get("transB", 0) else 1
        w8, wzp, ws = self.dq_weights(node, v, axis, "weights")
        if w8.ndim != 2:
            raise UnsupportedModel(node, "B must be a matrix")
        if axis == 0:
            w8 = w8.T
        p = self.gemm_pending(node, a, (w8, wzp, ws), a.t.scale)
        self.dq_bias(node, self.get(node, 2), p)
        self.set_out(node, p)

    def op_MatMul(self, node):
        a = self.dq_input(node, 0, "A")
        v = self.get(node, 1)
        if isinstance(v, ConstDQ):
            if v.axis is not None and v.axis != v.q.ndim - 1:
                raise UnsupportedModel(node, f"B is quantised along axis "
                                       f"{v.axis}, not its columns")
            v = ConstDQ(self.matmul_b(node, v.q), v.scale, v.zp,
                        None if v.axis is None else 1, v.dtype)
        w = self.dq_weights(node, v, 1, "B")
        self.set_out(node, self.gemm_pending(node, a, w, a.t.scale))

    def op_Add(self, node):
        x, y = self.get(node, 0), self.get(node, 1)
        if isinstance(x, Pending) and x.kind == "mac" and isinstance(
                y, (np.ndarray, ConstDQ)):
            return self.pending_add_const(node, x, y)
        if isinstance(y, Pending) and y.kind == "mac" and isinstance(
                x, (np.ndarray, ConstDQ)):
            return self.pending_add_const(node, y, x)
        if isinstance(x, DQVal) and isinstance(y, DQVal):
            return self.set_out(node, self.add_pending(node, x.q, y.q))
        raise UnsupportedModel(node, _unsupported_reason("Add", [x, y]))

    def pending_add_const(self, node, p, c):
        self.take(node, p)
        if isinstance(c, ConstDQ):
            if c.dtype != "int32":
                raise UnsupportedModel(node, "adds a non-int32 quantised constant")
            c = (c.q.astype(np.float64) - c.zp) * c.scale
        c = np.asarray(c, np.float64)
        vec = self.channel_vector(node, p, c, "added constant")
        p.b = p.b + vec
        self.set_out(node, p)

    def op_Mul(self, node):
        x, y = self.get(node, 0), self.get(node, 1)
        if isinstance(y, Pending) and isinstance(x, np.ndarray):
            x, y = y, x
        if isinstance(x, Pending) and x.kind == "mac" and isinstance(y, np.ndarray):
            self.take(node, x)
            vec = self.channel_vector(node, x, np.asarray(y, np.float64), "factor")
            if np.any(vec <= 0):
                raise UnsupportedModel(node, "multiplies by a factor that is not "
                                       "positive")
            x.s = x.s * vec
            x.b = x.b * vec
            return self.set_out(node, x)
        raise UnsupportedModel(node, _unsupported_reason("Mul", [x, y]))

    def channel_vector(self, node, p, c, what):
        """A constant that broadcasts against p as one value per channel."""
        if p.domain != "float":
            raise UnsupportedModel(node, f"the {what} applies to an int32 "
                                   "accumulator not yet Cast to float")
        r = len(p.shape)
        if c.ndim > r:
            raise UnsupportedModel(node, f"the {what} has more dimensions than "
                                   "the tensor")
        c = c.reshape((1,) * (r - c.ndim) + c.shape)
        vals = np.moveaxis(c, p.chan_axis, 0).reshape(c.shape[p.chan_axis], -1)
        if not np.all(vals == vals[:, :1]):
            raise UnsupportedModel(node, f"the {what} varies along other axes "
                                   "than the output channels")
        vec = vals[:, 0]
        if vec.size == 1:
            vec = np.full(p.nchan, vec[0])
        if vec.size != p.nchan:
            raise UnsupportedModel(node, f"the {what} has {vec.size} values for "
                                   f"{p.nchan} channels")
        return vec

    def op_Cast(self, node):
        v = self.get(node, 0)
        to = helper.get_attribute_value(node.attribute[0])
        if isinstance(v, Pending) and v.domain == "int32" and \
                to == onnx.TensorProto.FLOAT:
            self.take(node, v)
            v.domain = "float"
            return self.set_out(node, v)
        if isinstance(v, QVal) and _ONNX_INT.get(to) == v.t.dtype:
            return self.set_out(node, v)
        raise UnsupportedModel(node, f"casts {_describe(v)} to "
                               f"{onnx.TensorProto.DataType.Name(to)}")

    def add_pending(self, node, a, b):
        ia, ib = self.image_shape(a.shape), self.image_shape(b.shape)
        if tuple(ia) != tuple(ib) or a.t.dims != b.t.dims or \
                not np.array_equal(a.order, b.order):
            raise UnsupportedModel(node, f"adds tensors of shapes {list(a.shape)} "
                                   f"and {list(b.shape)}: the ISA's ADD needs two "
                                   "tensors of the same shape and layout (no "
                                   "broadcasting)")
        self.check_batch(node, a.shape, b.shape)
        if a.t.scale is None or b.t.scale is None:
            raise UnsupportedModel(node, "adds tensors without scales")

        def emit(out, scale, zp, act_min, act_max):
            left = 20
            twice = 2 * max(a.t.scale, b.t.scale)
            s1 = self.multiplier(node, a.t.scale / twice)
            s2 = self.multiplier(node, b.t.scale / twice)
            so = self.multiplier(node, twice / ((1 << left) * scale))
            self.add_layer(node, am.OP_ADD, a.t, out, inp2=b.t, left_shift=left,
                           requant=(s1, s2, so), act=(act_min, act_max))

        return Pending("add", node, a.shape, a.order, a.t.dims, emit)

    # -- pools and activations -----------------------------------------------

    def pool(self, node, q, kind):
        c, h, w = self.image_qval(node, q, "the input")
        at = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if kind == "global":
            k = (h, w)
            win, oh, ow = dict(k=k, stride=(1, 1), pad=(0, 0, 0, 0)), 1, 1
            op = am.OP_AVGPOOL
        else:
            k = tuple(at.get("kernel_shape", []))
            if len(k) != 2:
                raise UnsupportedModel(node, "only 2-D pooling is supported")
            if any(d != 1 for d in at.get("dilations", [1, 1])):
                raise UnsupportedModel(node, "dilated pooling: the ISA's pools "
                                       "have no dilation")
            if at.get("ceil_mode", 0):
                raise UnsupportedModel(node, "ceil_mode=1")
            if at.get("storage_order", 0):
                raise UnsupportedModel(node, "storage_order=1")
            if len(node.output) > 1 and node.output[1]:
                raise UnsupportedModel(node, "the Indices output")
            w_, oh, ow, _ = self.conv_attrs(node, c, h, w, k[0], k[1])
            win = dict(k=w_["k"], stride=w_["stride"], pad=w_["pad"])
            if kind == "avg":
                op = am.OP_AVGPOOL
                if at.get("count_include_pad", 0) and any(win["pad"]):
                    raise UnsupportedModel(node, "count_include_pad=1 with "
                                           "padding: the ISA averages the "
                                           "valid taps only")
            else:
                op = am.OP_MAXPOOL
            if win["pad"][0] >= k[0] or win["pad"][1] >= k[1] or \
                    win["pad"][2] >= k[0] or win["pad"][3] >= k[1]:
                raise UnsupportedModel(node, "padding as large as the window")
        shape = self.batch_shape(q.shape) + (c, oh, ow)

        def emit(out, act_min, act_max):
            self.add_layer(node, op, q.t, out, act=(act_min, act_max), **win)

        return Pending("same", node, shape, _nhwc_order(c, oh, ow), (oh, ow, c),
                       emit, src=q)

    def op_MaxPool(self, node):
        v = self.get(node, 0)
        if isinstance(v, QVal):          # on plain integers: same values
            p = self.pool(node, v, "max")
            out = self.new_qval(p.shape, v.t.dtype, node.output[0], image=True)
            out.t.zp, out.t.scale = v.t.zp, v.t.scale
            out.t.tie = v.t
            p.emit(out.t, -128, 127)
            return self.set_out(node, out)
        self.set_out(node, self.pool(node, self.dq_input(node, 0, "input"), "max"))

    def op_AveragePool(self, node):
        self.set_out(node, self.pool(node, self.dq_input(node, 0, "input"), "avg"))

    def op_GlobalAveragePool(self, node):
        self.set_out(node, self.pool(node, self.dq_input(node, 0, "input"), "global"))

    def clamp_bounds(self, node):
        if node.op_type == "Relu":
            return 0.0, math.inf
        lo, hi = -math.inf, math.inf
        at = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if "min" in at:
            lo = at["min"]
        if "max" in at:
            hi = at["max"]
        mn = self.get(node, 1)
        mx = self.get(node, 2)
        for v, i in ((mn, 1), (mx, 2)):
            if v is not None and not isinstance(v, np.ndarray):
                raise UnsupportedModel(node, "Clip bounds must be constants")
        if mn is not None:
            lo = float(mn.reshape(-1)[0])
        if mx is not None:
            hi = float(mx.reshape(-1)[0])
        return lo, hi

    def op_Relu(self, node):
        self.activation(node)

    def op_Clip(self, node):
        self.activation(node)

    def activation(self, node):
        v = self.get(node, 0)
        lo, hi = self.clamp_bounds(node)
        if isinstance(v, Pending) and v.kind in ("mac", "add", "same"):
            self.take(node, v)
            v.lo, v.hi = max(v.lo, lo), min(v.hi, hi)
            return self.set_out(node, v)
        if isinstance(v, DQVal):
            q = v.q

            def emit(out, act_min, act_max):
                self.add_layer(node, am.OP_ACTIVATION, q.t, out, mode=am.ACT_CLAMP,
                               act=(act_min, act_max))

            p = Pending("same", node, q.shape, q.order, q.t.dims, emit, src=q)
            p.lo, p.hi = lo, hi
            return self.set_out(node, p)
        if isinstance(v, QVal):          # Clip of plain integers
            shift = 128 if v.t.dtype == U8 else 0
            amin = -128 if lo == -math.inf else int(math.ceil(lo)) - shift
            amax = 127 if hi == math.inf else int(math.floor(hi)) - shift
            amin, amax = max(amin, -128), min(amax, 127)
            if node.op_type == "Relu":
                raise UnsupportedModel(node, "Relu on an integer tensor without "
                                       "quantisation")
            if amin > amax:
                raise UnsupportedModel(node, "min is above max")
            out = QVal(self.new_tensor(v.t.dims, v.t.dtype, node.output[0]),
                       v.shape, v.order)
            out.t.zp, out.t.scale = v.t.zp, v.t.scale
            out.t.tie = v.t
            self.add_layer(node, am.OP_ACTIVATION, v.t, out.t, mode=am.ACT_CLAMP,
                           act=(amin, amax))
            return self.set_out(node, out)
        raise UnsupportedModel(node, f"applies to {_describe(v)}")

    def take(self, node, p):
        """A pending result may feed exactly one node on its way to the
        QuantizeLinear that puts it on the device."""
        p.users += 1
        src = None
        for name in node.input:
            if self.vals.get(name) is p:
                src = name
        if self.users.get(src, 0) > 1:
            raise UnsupportedModel(node, f"the float result '{src}' is used by "
                                   f"{self.users[src]} nodes; the device holds "
                                   "only quantised tensors, so each float result "
                                   "must go to one QuantizeLinear")

    # -- shape ops -----------------------------------------------------------

    def view_source(self, node, v, verb):
        """The QVal under v (a QVal or its DQVal) that a shape op views."""
        q = v.q if isinstance(v, DQVal) else v
        if not isinstance(q, QVal):
            raise UnsupportedModel(node, f"{verb} {_describe(v)}")
        return q

    def reshaped(self, node, v, new_shape):
        """v (QVal or DQVal) seen with another ONNX shape, same data."""
        q = self.view_source(node, v, "reshapes")
        bs = self.batch_shape(q.shape)
        new_shape = tuple(new_shape)
        if len(new_shape) < self.batch_rank or \
                any(a is not None and b != -1 and b != 0 and a != b
                    for a, b in zip(bs, new_shape[:self.batch_rank])):
            raise UnsupportedModel(node, f"reshapes {list(q.shape)} to "
                                   f"{list(new_shape)}: the batch dimensions must "
                                   "stay in front, unchanged")
        img = [int(d) for d in new_shape[self.batch_rank:]]
        size = len(q.order)
        if -1 in img:
            rest = int(np.prod([d for d in img if d != -1])) or 1
            img[img.index(-1)] = size // rest
        if int(np.prod(img)) != size:
            raise UnsupportedModel(node, f"reshapes {list(q.shape)} to "
                                   f"{list(new_shape)}")
        out = QVal(q.t, tuple(bs) + tuple(img), q.order)
        return DQVal(out) if isinstance(v, DQVal) else out

    def op_Reshape(self, node):
        v = self.get(node, 0)
        shape = self.const(node, 1, "shape").astype(np.int64).tolist()
        q = v.q if isinstance(v, DQVal) else v
        if isinstance(q, QVal):
            shape = [q.shape[i] if d == 0 and i < len(q.shape) else d
                     for i, d in enumerate(shape)]
        self.set_out(node, self.reshaped(node, v, shape))

    def op_Flatten(self, node):
        v = self.get(node, 0)
        q = self.view_source(node, v, "flattens")
        axis = 1
        for a in node.attribute:
            if a.name == "axis":
                axis = helper.get_attribute_value(a)
        if axis < 0:
            axis += len(q.shape)
        if axis != self.batch_rank:
            raise UnsupportedModel(node, f"axis={axis}: only flattening each "
                                   "image (axis = the batch rank) is supported")
        self.set_out(node, self.reshaped(node, v, self.batch_shape(q.shape) + (-1,)))

    def op_Identity(self, node):
        self.set_out(node, self.get(node, 0))

    def squeeze_axes(self, node):
        axes = None
        for a in node.attribute:
            if a.name == "axes":
                axes = list(helper.get_attribute_value(a))
        if len(node.input) > 1 and node.input[1]:
            axes = self.const(node, 1, "axes").astype(np.int64).tolist()
        return axes

    def op_Squeeze(self, node):
        v = self.get(node, 0)
        q = self.view_source(node, v, "squeezes")
        axes = self.squeeze_axes(node)
        r = len(q.shape)
        axes = [a + r if a < 0 else a for a in (axes if axes is not None else
                [i for i, d in enumerate(q.shape) if d == 1])]
        shape = [d for i, d in enumerate(q.shape) if i not in axes]
        self.set_out(node, self.reshaped(node, v, shape))

    def op_Unsqueeze(self, node):
        v = self.get(node, 0)
        q = self.view_source(node, v, "unsqueezes")
        axes = self.squeeze_axes(node) or []
        r = len(q.shape) + len(axes)
        axes = sorted(a + r if a < 0 else a for a in axes)
        shape = list(q.shape)
        for a in axes:
            shape.insert(a, 1)
        self.set_out(node, self.reshaped(node, v, shape))

    def op_Transpose(self, node):
        v = self.get(node, 0)
        q = self.view_source(node, v, "transposes")
        perm = None
        for a in node.attribute:
            if a.name == "perm":
                perm = list(helper.get_attribute_value(a))
        r = len(q.shape)
        if perm is None:
            perm = list(range(r))[::-1]
        br = self.batch_rank
        if perm[:br] != list(range(br)):
            raise UnsupportedModel(node, f"perm {perm} moves the batch dimension")
        img = self.image_shape(q.shape)
        iperm = [p - br for p in perm[br:]]
        idx = np.arange(len(q.order)).reshape(img).transpose(iperm).reshape(-1)
        out = QVal(q.t, self.batch_shape(q.shape) + tuple(img[p] for p in iperm),
                   q.order[idx])
        self.set_out(node, DQVal(out) if isinstance(v, DQVal) else out)

    # -- the end -------------------------------------------------------------

    def finish_output(self, vi):
        if self.model_input is None:
            raise UnsupportedModel(None, f"the float input '{self.input_name}' "
                                   "is never quantised")
        v = self.vals.get(vi.name)
        deq = False
        if isinstance(v, DQVal):
            v, deq = v.q, True
        if isinstance(v, Pending):
            if v.domain == "int32":
                raise UnsupportedModel(v.node, f"its int32 result '{vi.name}' is "
                                       "the graph output; the ISA writes int8 "
                                       "tensors only (its accumulators are "
                                       "requantised to int8 at the end of every "
                                       "op)")
            raise UnsupportedModel(v.node, f"its float result '{vi.name}' is the "
                                   "graph output and is never quantised; the "
                                   "device writes int8 tensors only")
        if not isinstance(v, QVal):
            raise UnsupportedModel(None, f"the graph output '{vi.name}' is "
                                   f"{_describe(v)}")
        if not v.t.written:
            raise UnsupportedModel(None, f"the graph computes nothing on the "
                                   f"device: its output '{vi.name}' is its "
                                   "input, converted on the host at most "
                                   "(QuantizeLinear / DequantizeLinear alone "
                                   "are host-side conversions)")
        self.model_output = v
        self.output_dequantize = deq
        if deq:
            self.notes.append(f"output '{vi.name}' is float: the model's output "
                              f"is the DequantizeLinear's {v.t.dtype} input, "
                              f"dequantised on the host with scale "
                              f"{v.t.scale:.9g} and zero point "
                              f"{_show_zp(v.t.zp, v.t.dtype)}")

    def write(self):
        w = am.ModelWriter()
        # A plain-integer pool or clamp keeps its input's zero point and
        # scale: tied tensors share whatever either was given.
        changed = True
        while changed:
            changed = False
            for t in self.tensors:
                base = getattr(t, "tie", None)
                if base is None:
                    continue
                for a, b in ((t, base), (base, t)):
                    if a.zp is None and b.zp is not None:
                        a.zp, changed = b.zp, True
                    if a.scale is None and b.scale is not None:
                        a.scale, changed = b.scale, True
                if t.zp != base.zp or (t.scale is not None and base.scale is not None
                                       and not _same_scale(t.scale, base.scale)):
                    raise UnsupportedModel(None, f"'{t.name}' and '{base.name}' "
                                           "hold the same values but are read "
                                           "with different quantisations")
        for t in self.tensors:
            if t.zp is None:
                t.zp = -128 if t.dtype == U8 else 0
            if t.scale is None:
                t.scale = 1.0
        used = {self.model_input.t, self.model_output.t}
        for (_, _, inp, inp2, out, _) in self.layers:
            used.update(x for x in (inp, inp2, out) if x is not None)
        for t in self.tensors:
            if t in used:
                t.index = w.tensor(t.dims, t.zp, t.scale)
        for node, op, inp, inp2, out, kw in self.layers:
            w.layer(op, inp.index, out.index,
                    inp2=inp2.index if inp2 is not None else 0, **kw)
        return w.tobytes(self.model_input.t.index, self.model_output.t.index)


def _describe(v):
    if v is None:
        return "absent"
    if isinstance(v, np.ndarray):
        return f"a constant ({v.dtype})"
    if isinstance(v, FloatInput):
        return "the float graph input (not yet quantised)"
    if isinstance(v, DQVal):
        return "a dequantised (float) tensor"
    if isinstance(v, QVal):
        return f"a {v.t.dtype} tensor"
    if isinstance(v, ConstDQ):
        return "dequantised constants"
    if isinstance(v, Pending):
        return f"an unquantised {v.domain} result of {v.node.op_type}"
    return type(v).__name__


_INT_ARITH = {"Add", "Sub", "Mul", "Div", "Mod", "BitShift", "Max", "Min",
              "Pow", "Neg", "Abs"}


def _unsupported_reason(op, inputs):
    kinds = [v for v in inputs if v is not None]
    if op in _INT_ARITH and any(isinstance(v, QVal) for v in kinds):
        return ("integer arithmetic on int8/uint8 tensors (wrapping, "
                "unscaled) is not a quantised op: the ISA's only element-wise "
                "op of two tensors is a saturating quantised ADD of two "
                "same-shape tensors with scales, and it has no "
                "constant tensors")
    if any(isinstance(v, (FloatInput, DQVal, Pending)) for v in kinds):
        return ("is not supported on float tensors: the device computes int8 "
                "ops only; see Documentation/accel/aiaccel/onnx.rst for the "
                "patterns that are imported")
    return "not supported; see Documentation/accel/aiaccel/onnx.rst"


def _fold_cast(imp, node, inputs):
    to = helper.get_attribute_value(node.attribute[0])
    return inputs[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])


def _fold_reshape(imp, node, inputs):
    shape = [int(d) for d in inputs[1]]
    shape = [inputs[0].shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return inputs[0].reshape(shape)


def _fold_transpose(imp, node, inputs):
    perm = None
    for a in node.attribute:
        if a.name == "perm":
            perm = list(helper.get_attribute_value(a))
    return inputs[0].transpose(perm)


def _fold_squeeze(imp, node, inputs):
    axes = imp.squeeze_axes(node)
    return np.squeeze(inputs[0], axis=tuple(axes) if axes else None)


def _fold_unsqueeze(imp, node, inputs):
    out = inputs[0]
    axes = imp.squeeze_axes(node)
    r = out.ndim + len(axes)
    for a in sorted(x + r if x < 0 else x for x in axes):
        out = np.expand_dims(out, a)
    return out


def _fold_concat(imp, node, inputs):
    axis = [helper.get_attribute_value(a) for a in node.attribute
            if a.name == "axis"][0]
    return np.concatenate([v for v in inputs if v is not None], axis=axis)


def _fold_const_of_shape(imp, node, inputs):
    value = np.zeros(1, np.float32)
    for a in node.attribute:
        if a.name == "value":
            value = numpy_helper.to_array(a.t)
    return np.full([int(d) for d in inputs[0]], value.reshape(-1)[0], value.dtype)


def _fold_flatten(imp, node, inputs):
    axis = 1
    for a in node.attribute:
        if a.name == "axis":
            axis = helper.get_attribute_value(a)
    x = inputs[0]
    return x.reshape(int(np.prod(x.shape[:axis])), -1)


_FOLD = {
    "Cast": _fold_cast,
    "Identity": lambda imp, node, inputs: inputs[0],
    "Reshape": _fold_reshape,
    "Transpose": _fold_transpose,
    "Squeeze": _fold_squeeze,
    "Unsqueeze": _fold_unsqueeze,
    "Concat": _fold_concat,
    "ConstantOfShape": _fold_const_of_shape,
    "Flatten": _fold_flatten,
}


# ---------------------------------------------------------------------------
# Results


class ImportedModel:
    """An imported model: .data is the .aimodel file's bytes.

    .input and .output describe the graph's input and output: their ONNX
    names, shapes, dtypes, the device tensors' dims, the element order and
    (for float ends) the quantisation done on the host; to_device() and
    from_device() convert arrays between the two.
    """

    def __init__(self, imp):
        self.data = imp.write()
        self.notes = imp.notes
        self.batch_rank = imp.batch_rank
        qi, qo = imp.model_input, imp.model_output
        self.input = _End(imp.input_name, qi, imp.input_float is not None)
        self.input.role = "quantised"
        self.output = _End(imp.graph.output[0].name, qo, imp.output_dequantize)
        self.output.role = "dequantised"
        self.layers = [(n.name or n.output[0], n.op_type, am.OP_NAMES[op])
                       for n, op, *_ in imp.layers]

    def to_device(self, x):
        """An input array of the ONNX graph -> int8 [images, size]."""
        e = self.input
        x = np.asarray(x)
        if e.is_float:
            q = _rhe(x.astype(np.float32) / np.float32(e.scale)) + \
                _show_zp(e.zp, e.dtype)
            lo, hi = (0, 255) if e.dtype == U8 else (-128, 127)
            x = np.clip(q, lo, hi)
        x = x.astype(np.int64) - (128 if e.dtype == U8 else 0)
        flat = x.reshape(-1, len(e.order))
        dev = np.empty_like(flat)
        dev[:, e.order] = flat
        return dev.astype(np.int8)

    def from_device(self, y, batch_shape):
        """int8 [images, size] from the device -> the ONNX graph's output
        array (float if the graph dequantises it)."""
        e = self.output
        y = np.asarray(y, np.int64).reshape(-1, len(e.order))[:, e.order]
        shape = tuple(batch_shape) + tuple(e.image_shape)
        if e.is_float:
            return ((y - e.zp) * np.float32(e.scale)).astype(np.float32).reshape(shape)
        if e.dtype == U8:
            return (y + 128).astype(np.uint8).reshape(shape)
        return y.astype(np.int8).reshape(shape)

    def summary(self):
        lines = [f"input  '{self.input.name}': {self.input.describe()}",
                 f"output '{self.output.name}': {self.output.describe()}"]
        for name, op, dev in self.layers:
            lines.append(f"  {op:18} {name} -> {dev}")
        return lines


class _End:
    def __init__(self, name, q, is_float):
        self.name = name
        self.dims = q.t.dims
        self.order = q.order
        self.onnx_shape = q.shape
        self.dtype = q.t.dtype
        self.zp = q.t.zp
        self.scale = q.t.scale
        self.is_float = is_float
        self.image_shape = None

    def describe(self):
        kind = self.dtype
        if self.is_float:
            kind = f"float, {self.role} on the host"
        return (f"{kind}; device tensor {list(self.dims)} int8, zero point "
                f"{self.zp}, scale {self.scale:.9g}")


def import_model(model, bindings=None, batch_rank=None):
    """Import an onnx.ModelProto; returns an ImportedModel.

    bindings: {graph input name: array} turns those inputs into constants
    (ONNX's node tests pass weights and scales as inputs).
    """
    imp = _Importer(model, bindings, batch_rank)
    imp.run()
    res = ImportedModel(imp)
    br = imp.batch_rank
    res.input.image_shape = imp.model_input.shape[br:]
    res.output.image_shape = imp.model_output.shape[br:]
    return res


def import_file(path, bindings=None, batch_rank=None):
    return import_model(onnx.load(path), bindings, batch_rank)
