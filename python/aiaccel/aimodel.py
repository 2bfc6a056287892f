# SPDX-License-Identifier: MIT
"""Write aiaccel model (.aimodel) and data set files.

The formats are specified in Documentation/accel/aiaccel/model-format.rst;
libaidrv's loader (libaidrv/src/model.c) is their reader and checks every
rule, so a file this module writes wrongly is rejected there, not run.

This is the one writer both the digits demo (demo/train_digits.py) and
the ONNX importer (aiaccel.onnx_import, aidrv-compile) use.  It needs
nothing outside Python's standard library: weights are given as bytes (or
anything bytes() accepts, such as a numpy int8 array), biases and scales
as sequences of integers.

    w = ModelWriter()
    x = w.tensor((8, 8, 1), zero_point=-128, scale=1 / 240)
    y = w.tensor((10,), zero_point=3, scale=0.1)
    w.layer(OP_GEMM, x, y, weights=..., bias=[...], quant=[...])
    w.write("net.aimodel", input=x, output=y)
"""

import math
import struct
import zlib

# Model file format, version 1.
MODEL_MAGIC = b"AIACCMDL"
MODEL_VERSION = 1
HEADER_SIZE = 64
TENSOR_SIZE = 32
LAYER_SIZE = 128
MAX_RANK = 3
MAX_TENSORS = 4096
MAX_LAYERS = 4096
MAX_TENSOR_BYTES = 1 << 28

# Data set file format, version 1.
DATASET_MAGIC = b"AIACCDS\0"
DATASET_VERSION = 1
DATASET_HEADER_SIZE = 32

# ISA opcodes, flags and activation modes (include/uapi/drm/aiaccel_isa.h).
OP_GEMM = 0x10
OP_CONV2D = 0x11
OP_DWCONV2D = 0x12
OP_MAXPOOL = 0x13
OP_AVGPOOL = 0x14
OP_ADD = 0x15
OP_ACTIVATION = 0x16
F_PER_CHANNEL = 1 << 0
F_BIAS = 1 << 1
ACT_CLAMP = 0
ACT_LUT = 1

OP_NAMES = {
    OP_GEMM: "GEMM", OP_CONV2D: "CONV2D", OP_DWCONV2D: "DWCONV2D",
    OP_MAXPOOL: "MAXPOOL", OP_AVGPOOL: "AVGPOOL", OP_ADD: "ADD",
    OP_ACTIVATION: "ACTIVATION",
}

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def quantize_multiplier(real):
    """A positive real scale as the ISA's (multiplier, shift) pair.

    TFLite's QuantizeMultiplier: real = q * 2^shift with q in [0.5, 1),
    multiplier = round(q * 2^31) (half away from zero), so that real ~=
    multiplier * 2^(shift - 31) with multiplier in [2^30, 2^31).  A scale
    too small for the ISA (below 2^-32) becomes (0, 0), which scales
    everything to 0; one too large saturates to the largest scale.
    """
    if real <= 0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(math.floor(q * (1 << 31) + 0.5))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return q_fixed, shift


def scale_value(mult, shift):
    """The real number a (multiplier, shift) pair stands for."""
    return math.ldexp(mult, shift - 31)


def mbqm(x, mult, shift):
    """The ISA's MultiplyByQuantizedMultiplier on one int32, exactly as
    isa.rst ("Requantisation") spells it out, in Python integers."""
    left, right = max(shift, 0), max(-shift, 0)
    x1 = min(max(x << left, INT32_MIN), INT32_MAX)
    p = x1 * mult
    nudge = (1 << 30) if p >= 0 else 1 - (1 << 30)
    q = p + nudge
    r = q >> 31 if q >= 0 else -((-q) >> 31)       # C division by 2^31
    if right == 0:
        return r
    mask = (1 << right) - 1
    threshold = (mask >> 1) + (1 if r < 0 else 0)
    return (r >> right) + (1 if (r & mask) > threshold else 0)


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def fnv1a64(data):
    """FNV-1a, 64 bits: the output hash aidrv-run prints and checks."""
    h = 0xCBF29CE484222325
    for b in bytes(data):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def _int32s(values):
    values = [int(v) for v in values]
    for v in values:
        if not INT32_MIN <= v <= INT32_MAX:
            raise ValueError(f"int32 value {v} out of range")
    return struct.pack(f"<{len(values)}i", *values)


def _scales(quant):
    return b"".join(struct.pack("<ii", int(m), int(s)) for m, s in quant)


class ModelWriter:
    """Collects tensors, layers and blobs and lays out a model file.

    Blobs are placed in the data section in the order the layers add them
    (weights, bias, scales), each 8-byte aligned.  The writer checks only
    what it needs to lay the file out; libaidrv's loader checks the rest.
    """

    def __init__(self):
        self.tensors = []       # packed records
        self.tensor_info = []   # (dims, zero_point, scale)
        self.layers = []        # packed records
        self.data = bytearray()

    def tensor(self, dims, zero_point, scale):
        """Add an int8 activation tensor; returns its index.

        dims: per image, 1 to 3 of them ([h][w][c] for images); scale: the
        real value of one step (a positive float) or a (mult, shift) pair.
        """
        dims = [int(d) for d in dims]
        if not 1 <= len(dims) <= MAX_RANK or min(dims) < 1:
            raise ValueError(f"bad tensor dimensions {dims}")
        if isinstance(scale, tuple):
            mult, shift = scale
        else:
            mult, shift = quantize_multiplier(scale)
        d = dims + [0] * (MAX_RANK - len(dims))
        self.tensors.append(struct.pack("<4I3iI", len(dims), d[0], d[1], d[2],
                                        int(zero_point), mult, shift, 0))
        self.tensor_info.append((tuple(dims), int(zero_point), (mult, shift)))
        return len(self.tensors) - 1

    def blob(self, raw):
        """Append raw bytes to the data section: (offset, size)."""
        raw = bytes(raw)
        if not raw:
            return 0, 0
        while len(self.data) % 8:
            self.data.append(0)
        off = len(self.data)
        self.data += raw
        return off, len(raw)

    def layer(self, op, inp, out, *, inp2=0, flags=0, mode=0, weights=None,
              bias=None, quant=None, k=(0, 0), stride=(0, 0),
              dilation=(0, 0), pad=(0, 0, 0, 0), weight_zp=0,
              act=(-128, 127), left_shift=0,
              requant=((0, 0), (0, 0), (0, 0))):
        """Add a layer (one ISA op); returns its index.

        weights: int8 bytes (GEMM weights, CONV2D/DWCONV2D filter, LUT);
        bias: int32 values, one per output channel (sets F_BIAS);
        quant: (mult, shift) per output channel (sets F_PER_CHANNEL);
        pad: (top, left, bottom, right); requant: up to three scales.
        """
        wblob = self.blob(weights) if weights is not None else (0, 0)
        bblob = (0, 0)
        qblob = (0, 0)
        if bias is not None:
            bblob = self.blob(_int32s(bias))
            flags |= F_BIAS
        if quant is not None:
            qblob = self.blob(_scales(quant))
            flags |= F_PER_CHANNEL
        rq = list(requant) + [(0, 0)] * (3 - len(requant))
        rec = struct.pack(
            "<HHIIIII" "6I" "10I" "4i" "6i",
            op, 0, flags, inp, inp2, out, mode,
            wblob[0], wblob[1], bblob[0], bblob[1], qblob[0], qblob[1],
            k[0], k[1], stride[0], stride[1], dilation[0], dilation[1],
            pad[0], pad[1], pad[2], pad[3],
            int(weight_zp), int(act[0]), int(act[1]), int(left_shift),
            rq[0][0], rq[0][1], rq[1][0], rq[1][1], rq[2][0], rq[2][1])
        assert len(rec) == LAYER_SIZE
        self.layers.append(rec)
        return len(self.layers) - 1

    def tobytes(self, input, output):
        """The whole file, with input and output tensor indices."""
        if not 2 <= len(self.tensors) <= MAX_TENSORS:
            raise ValueError(f"{len(self.tensors)} tensors")
        if not 1 <= len(self.layers) <= MAX_LAYERS:
            raise ValueError(f"{len(self.layers)} layers")
        data = bytes(self.data) + bytes(-len(self.data) % 8)
        tensors_off = HEADER_SIZE
        layers_off = tensors_off + TENSOR_SIZE * len(self.tensors)
        data_off = layers_off + LAYER_SIZE * len(self.layers)
        size = data_off + len(data)

        def header(crc):
            return MODEL_MAGIC + struct.pack(
                "<IIQIIIIIIIIII", MODEL_VERSION, HEADER_SIZE, size, crc,
                len(self.tensors), len(self.layers), input, output,
                tensors_off, layers_off, data_off, len(data), 0)

        body = b"".join(self.tensors) + b"".join(self.layers) + data
        out = header(crc32(header(0) + body)) + body
        assert len(out) == size
        return out

    def write(self, path, input, output):
        """Write the file; returns its size."""
        raw = self.tobytes(input, output)
        with open(path, "wb") as f:
            f.write(raw)
        return len(raw)


def dataset_bytes(images, count, image_size, labels, num_classes):
    """A data set file: count int8 images of image_size bytes and labels.

    images: count * image_size bytes (int8 values as bytes, or anything
    bytes() accepts); labels: count values below num_classes.
    """
    images = bytes(images)
    labels = bytes(labels)
    if len(images) != count * image_size or len(labels) != count:
        raise ValueError("images or labels do not match count and image_size")
    if not 1 <= num_classes <= 256 or (labels and max(labels) >= num_classes):
        raise ValueError("labels must be below num_classes (1 .. 256)")

    def header(crc):
        return DATASET_MAGIC + struct.pack(
            "<IIIIII", DATASET_VERSION, DATASET_HEADER_SIZE, count,
            image_size, num_classes, crc)

    body = images + labels
    return header(crc32(header(0) + body)) + body


def write_dataset(path, images, count, image_size, labels, num_classes):
    """Write a data set file (see dataset_bytes()); returns its size."""
    raw = dataset_bytes(images, count, image_size, labels, num_classes)
    with open(path, "wb") as f:
        f.write(raw)
    return len(raw)
