#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train, quantise and export the aiaccel digits demo network.

A small convolutional network is trained in plain numpy on the 8x8
handwritten digits that scikit-learn ships (sklearn.datasets.load_digits),
quantised to int8 exactly as the aiaccel ISA computes
(Documentation/accel/aiaccel/isa.rst: int8 tensors, int32 accumulation,
per-channel weight scales, TFLite-style requantisation with a fixed-point
multiplier and shift), checked with an integer simulation of those ops
written here from the specification, and written out as:

  digits.aimodel     the network (Documentation/accel/aiaccel/model-format.rst)
  digits-test.bin    the held-out test set, images int8 + labels (same doc)
  digits.expected    what the integer simulation computed on that test set;
                     libaidrv's host tests check that the C reference
                     executor computes exactly the same

Network (NHWC, per image):

  input     8x8x1   int8, x = pixel / 16, scale 1/240, zero point -128
  conv2d    3x3, 8 filters, stride 1, SAME padding, ReLU   -> 8x8x8
  maxpool   2x2, stride 2                                   -> 4x4x8
  gemm      128 -> 32, ReLU   (the 4x4x8 tensor read as 128 values)
  gemm      32 -> 10          -> int8 logits; the class is their argmax

Needs python3-numpy and python3-sklearn from Debian (the script installs
nothing; "make -C demo model" installs them and runs it):

  apt-get install python3-numpy python3-sklearn
  /usr/bin/python3 demo/train_digits.py [--out DIR]

Everything is seeded: the same numpy and scikit-learn versions on the same
machine produce the same files.
"""

import argparse
import math
import os
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
from aiaccel.aimodel import (  # noqa: E402
    INT32_MAX, INT32_MIN, OP_CONV2D, OP_GEMM, OP_MAXPOOL, ModelWriter,
    fnv1a64, quantize_multiplier, write_dataset)

SEED = 20261127

# ---------------------------------------------------------------------------
# Float network


def im2col_3x3_same(x):
    """(N, H, W, C) -> (N, H, W, 9 * C), taps in (ky, kx, c) order."""
    n, h, w, c = x.shape
    xp = np.zeros((n, h + 2, w + 2, c), dtype=x.dtype)
    xp[:, 1:h + 1, 1:w + 1, :] = x
    cols = [xp[:, ky:ky + h, kx:kx + w, :] for ky in range(3) for kx in range(3)]
    return np.concatenate(cols, axis=3)


class Net:
    """conv3x3(8) + ReLU -> maxpool 2x2 -> fc(32) + ReLU -> fc(10)."""

    def __init__(self, rng, conv_c=8, hidden=32):
        self.conv_c = conv_c
        # Filters as the ISA stores them: [out_c][k_h][k_w][in_c].
        self.w1 = rng.normal(0, math.sqrt(2 / 9), (conv_c, 3, 3, 1))
        self.b1 = np.zeros(conv_c)
        k = 4 * 4 * conv_c
        self.w2 = rng.normal(0, math.sqrt(2 / k), (hidden, k))
        self.b2 = np.zeros(hidden)
        self.w3 = rng.normal(0, math.sqrt(1 / hidden), (10, hidden))
        self.b3 = np.zeros(10)

    def params(self):
        return [self.w1, self.b1, self.w2, self.b2, self.w3, self.b3]

    def forward(self, x):
        """x: (N, 8, 8, 1) floats.  Returns logits and a cache for backward."""
        n = x.shape[0]
        cols = im2col_3x3_same(x)                          # (N,8,8,9)
        z1 = cols @ self.w1.reshape(self.conv_c, -1).T + self.b1
        a1 = np.maximum(z1, 0)                             # (N,8,8,C)
        win = a1.reshape(n, 4, 2, 4, 2, self.conv_c)
        p1 = win.max(axis=(2, 4))                          # (N,4,4,C)
        f = p1.reshape(n, -1)                              # NHWC flatten
        z2 = f @ self.w2.T + self.b2
        a2 = np.maximum(z2, 0)
        z3 = a2 @ self.w3.T + self.b3
        return z3, (cols, z1, a1, win, p1, f, z2, a2)

    def backward(self, cache, dz3):
        cols, z1, a1, win, p1, f, z2, a2 = cache
        n = dz3.shape[0]
        gw3 = dz3.T @ a2
        gb3 = dz3.sum(0)
        da2 = dz3 @ self.w3
        dz2 = da2 * (z2 > 0)
        gw2 = dz2.T @ f
        gb2 = dz2.sum(0)
        dp1 = (dz2 @ self.w2).reshape(p1.shape)
        mask = win == p1[:, :, None, :, None, :]
        da1 = (mask * dp1[:, :, None, :, None, :]).reshape(a1.shape)
        dz1 = da1 * (z1 > 0)
        gw1 = (dz1.reshape(-1, self.conv_c).T @ cols.reshape(-1, cols.shape[3]))
        gb1 = dz1.reshape(-1, self.conv_c).sum(0)
        del n
        return [gw1.reshape(self.w1.shape), gb1, gw2, gb2, gw3, gb3]


def softmax_xent(logits, y):
    z = logits - logits.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
    d = p
    d[np.arange(len(y)), y] -= 1
    return loss, d / len(y)


def train(net, x, y, rng, epochs=60, batch=32, lr=3e-3, wd=1e-4):
    """Adam with a cosine learning-rate decay and a little weight decay."""
    params = net.params()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    step = 0
    steps = epochs * ((len(x) + batch - 1) // batch)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total = 0.0
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            logits, cache = net.forward(x[idx])
            loss, d = softmax_xent(logits, y[idx])
            total += loss * len(idx)
            grads = net.backward(cache, d)
            step += 1
            rate = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
            for p, g, mi, vi in zip(params, grads, m, v):
                g = g + wd * p
                mi *= 0.9
                mi += 0.1 * g
                vi *= 0.999
                vi += 0.001 * g * g
                mh = mi / (1 - 0.9 ** step)
                vh = vi / (1 - 0.999 ** step)
                p -= rate * mh / (np.sqrt(vh) + 1e-8)
        if epoch % 10 == 9 or epoch == epochs - 1:
            print(f"  epoch {epoch + 1:3d}: loss {total / len(x):.4f}")


# ---------------------------------------------------------------------------
# Quantisation, as TFLite does it


def quantize_weights_per_channel(w):
    """Symmetric int8 weights, one scale per output channel (axis 0)."""
    flat = w.reshape(w.shape[0], -1)
    scale = np.abs(flat).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(flat / scale[:, None]), -127, 127).astype(np.int64)
    return q.reshape(w.shape), scale


def quantize_bias(b, scale):
    q = np.round(b / scale).astype(np.int64)
    return np.clip(q, INT32_MIN, INT32_MAX)


def activation_params(lo, hi):
    """Asymmetric uint8-range-in-int8 parameters for a real range."""
    lo = min(lo, 0.0)
    hi = max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(round(-128 - lo / scale), -128, 127))
    return scale, zp


# ---------------------------------------------------------------------------
# Integer simulation of the ISA (isa.rst), vectorised over int64 arrays


def wrap_int32(v):
    return ((v + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def c_div_pow2(v, n):
    """C division of int64 values by 2^n: truncates toward zero."""
    return np.where(v >= 0, v >> n, -((-v) >> n))


def mbqm(x, mult, shift):
    """MultiplyByQuantizedMultiplier, exactly as isa.rst spells it out.

    x: int64 array of int32 values; mult, shift: scalars or arrays that
    broadcast against x.
    """
    x = np.asarray(x, dtype=np.int64)
    mult = np.asarray(mult, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    x1 = np.clip(x << left, INT32_MIN, INT32_MAX)
    p = x1 * mult
    nudge = np.where(p >= 0, 1 << 30, 1 - (1 << 30))
    r = c_div_pow2(p + nudge, 31)
    mask = (np.int64(1) << right) - 1
    rem = r & mask
    threshold = (mask >> 1) + (r < 0)
    rounded = (r >> right) + (rem > threshold)
    return np.where(right == 0, r, rounded)


def output_stage(acc, quant, out_zp, act_min, act_max):
    mult = np.array([q[0] for q in quant], dtype=np.int64)
    shift = np.array([q[1] for q in quant], dtype=np.int64)
    v = mbqm(wrap_int32(acc), mult, shift) + out_zp
    return np.clip(v, act_min, act_max)


def int_conv3x3_same(x, in_zp, w, bias, quant, out_zp, act_min, act_max):
    """CONV2D with k 3x3, stride 1, pad_top = pad_left = 1, out = in size.

    Taps outside the input contribute nothing: pad with the input zero
    point, so that (pad - in_zp) is 0.
    """
    n, h, wd, c = x.shape
    xp = np.full((n, h + 2, wd + 2, c), in_zp, dtype=np.int64)
    xp[:, 1:h + 1, 1:wd + 1, :] = x
    cols = np.concatenate([xp[:, ky:ky + h, kx:kx + wd, :]
                           for ky in range(3) for kx in range(3)], axis=3)
    acc = (cols - in_zp) @ w.reshape(w.shape[0], -1).T + bias
    return output_stage(acc, quant, out_zp, act_min, act_max)


def int_maxpool_2x2(x, act_min, act_max):
    n, h, w, c = x.shape
    v = x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))
    return np.clip(v, act_min, act_max)


def int_gemm(x, in_zp, w, bias, quant, out_zp, act_min, act_max):
    acc = (x.reshape(x.shape[0], -1) - in_zp) @ w.T + bias
    return output_stage(acc, quant, out_zp, act_min, act_max)


# ---------------------------------------------------------------------------
# The quantised model


class QModel:
    """Integer parameters of every layer plus the tensors between them."""

    def __init__(self, net, calib_x):
        _, cache = net.forward(calib_x)
        _, _, a1, _, _, _, _, a2 = cache
        logits, _ = net.forward(calib_x)

        self.in_scale, self.in_zp = 1.0 / 240.0, -128
        s1, zp1 = activation_params(0.0, float(a1.max()))
        s2, zp2 = activation_params(0.0, float(a2.max()))
        s3, zp3 = activation_params(float(logits.min()), float(logits.max()))
        self.act = [(s1, zp1), (s2, zp2), (s3, zp3)]

        self.w1, ws1 = quantize_weights_per_channel(net.w1)
        self.b1 = quantize_bias(net.b1, self.in_scale * ws1)
        self.q1 = [quantize_multiplier(self.in_scale * s / s1) for s in ws1]

        self.w2, ws2 = quantize_weights_per_channel(net.w2)
        self.b2 = quantize_bias(net.b2, s1 * ws2)
        self.q2 = [quantize_multiplier(s1 * s / s2) for s in ws2]

        self.w3, ws3 = quantize_weights_per_channel(net.w3)
        self.b3 = quantize_bias(net.b3, s2 * ws3)
        self.q3 = [quantize_multiplier(s2 * s / s3) for s in ws3]

    def quantize_input(self, pixels):
        """Pixels 0..16 -> int8: x = p / 16, q = x / (1/240) - 128 = 15p - 128."""
        return (15 * pixels.astype(np.int64) - 128).reshape(-1, 8, 8, 1)

    def run(self, q_in):
        """The integer network; returns int8 logits (as int64)."""
        (s1, zp1), (s2, zp2), (s3, zp3) = self.act
        t1 = int_conv3x3_same(q_in, self.in_zp, self.w1, self.b1, self.q1,
                              zp1, zp1, 127)
        t2 = int_maxpool_2x2(t1, -128, 127)
        t3 = int_gemm(t2, zp1, self.w2, self.b2, self.q2, zp2, zp2, 127)
        return int_gemm(t3, zp2, self.w3, self.b3, self.q3, zp3, -128, 127)


# ---------------------------------------------------------------------------
# Files


def write_model(qm, path):
    (s1, zp1), (s2, zp2), (s3, zp3) = qm.act
    conv_c = qm.w1.shape[0]
    hidden = qm.w2.shape[0]
    w = ModelWriter()
    t_in = w.tensor((8, 8, 1), qm.in_zp, qm.in_scale)
    t_conv = w.tensor((8, 8, conv_c), zp1, s1)
    t_pool = w.tensor((4, 4, conv_c), zp1, s1)
    t_fc1 = w.tensor((hidden,), zp2, s2)
    t_out = w.tensor((10,), zp3, s3)

    def int8(a):
        return a.astype(np.int8).tobytes()

    w.layer(OP_CONV2D, t_in, t_conv, weights=int8(qm.w1), bias=qm.b1,
            quant=qm.q1, k=(3, 3), stride=(1, 1), dilation=(1, 1),
            pad=(1, 1, 1, 1), act=(zp1, 127))
    w.layer(OP_MAXPOOL, t_conv, t_pool, k=(2, 2), stride=(2, 2),
            act=(-128, 127))
    w.layer(OP_GEMM, t_pool, t_fc1, weights=int8(qm.w2), bias=qm.b2,
            quant=qm.q2, act=(zp2, 127))
    w.layer(OP_GEMM, t_fc1, t_out, weights=int8(qm.w3), bias=qm.b3,
            quant=qm.q3, act=(-128, 127))
    return w.write(path, t_in, t_out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                    help="output directory (default: the script's)")
    ap.add_argument("--epochs", type=int, default=60)
    args = ap.parse_args()

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.2, random_state=SEED % 2**32,
        stratify=digits.target)
    print(f"digits: {len(x_train)} training, {len(x_test)} held-out test images")

    rng = np.random.default_rng(SEED)
    net = Net(rng)
    xf_train = (x_train / 16.0).reshape(-1, 8, 8, 1)
    xf_test = (x_test / 16.0).reshape(-1, 8, 8, 1)
    print("training (float):")
    train(net, xf_train, y_train, rng, epochs=args.epochs)
    float_acc = (net.forward(xf_test)[0].argmax(1) == y_test).mean()
    print(f"float accuracy on the test set: {100 * float_acc:.2f}%")

    qm = QModel(net, xf_train)
    q_test = qm.quantize_input(x_test)
    logits = qm.run(q_test)
    assert logits.min() >= -128 and logits.max() <= 127
    pred = logits.argmax(1)     # first maximum on ties, as the C side
    correct = int((pred == y_test).sum())
    int_acc = correct / len(y_test)
    train_acc = (qm.run(qm.quantize_input(x_train)).argmax(1) == y_train).mean()
    print(f"int8 accuracy (integer simulation): test {100 * int_acc:.2f}% "
          f"({correct}/{len(y_test)}), training {100 * train_acc:.2f}%")
    if int_acc < 0.90:
        print("error: the quantised network is not accurate enough",
              file=sys.stderr)
        return 1

    model_path = os.path.join(args.out, "digits.aimodel")
    test_path = os.path.join(args.out, "digits-test.bin")
    exp_path = os.path.join(args.out, "digits.expected")
    msize = write_model(qm, model_path)
    tsize = write_dataset(test_path, q_test.astype(np.int8).tobytes(),
                          len(y_test), 64, y_test.astype(np.uint8).tobytes(),
                          10)
    out_bytes = logits.astype(np.int8).tobytes()
    with open(exp_path, "w") as f:
        f.write("# Written by demo/train_digits.py: its integer simulation of\n"
                "# digits.aimodel on digits-test.bin.  libaidrv's host tests\n"
                "# check that aidrv_model_run_cpu() computes the same.\n")
        f.write(f"images {len(y_test)}\n")
        f.write(f"correct {correct}\n")
        f.write(f"outputs_fnv1a64 0x{fnv1a64(out_bytes):016x}\n")
    print(f"wrote {model_path} ({msize} bytes), {test_path} ({tsize} bytes), "
          f"{exp_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
