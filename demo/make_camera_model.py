#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The camera pipeline's network (aidrv-camera): a pencil-sketch filter.

    make_camera_model.py [--width 320] [--height 240] OUT.aimodel

It takes a camera frame as the camera gives it, W x H pixels of 4 bytes
B, G, R, X (V4L2_PIX_FMT_XBGR32), and makes a frame the display shows as
it is (DRM_FORMAT_XRGB8888, the same byte order): dark lines where the
picture has edges, white elsewhere.  Four layers, each one ISA op:

  1. ACTIVATION (table): the bytes, which are unsigned pixel values, to
     int8 with zero point 128 (x - 128);
  2. DWCONV2D 3x3 on every channel: a Gaussian blur, [1 2 1] x [1 2 1] / 16;
  3. CONV2D 3x3, 4 -> 4 channels: the Laplacian of the luma
     B + 4 G + 2 R on each of B, G and R (divided by 16), nothing on X;
  4. ACTIVATION (table): the Laplacian's magnitude to a pencil stroke,
     255 - min(255, 3 |x|), as bytes again.

Weights are exact small integers, so the model needs no training: its
output, frame by frame, is what libaidrv's CPU reference computes from
the same frame, and the pipeline checks exactly that.  Standard library
only (the aiaccel.aimodel writer).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from aiaccel import aimodel as am  # noqa: E402


def s8(v):
    """An int8 value as the byte that stores it."""
    return v & 0xff


def build(width, height):
    w = am.ModelWriter()
    dims = (height, width, 4)
    # The frame's bytes, read as int8: no real scale of their own.
    raw = w.tensor(dims, zero_point=0, scale=1.0)
    pix = w.tensor(dims, zero_point=-128, scale=1 / 255)
    blur = w.tensor(dims, zero_point=-128, scale=1 / 255)
    edge = w.tensor(dims, zero_point=0, scale=16 / 255)
    out = w.tensor(dims, zero_point=0, scale=1.0)

    # 1. byte b (stored as int8 s, b = s & 0xff) -> b - 128.
    lut_in = bytes(s8((s & 0xff) - 128) for s in range(-128, 128))
    w.layer(am.OP_ACTIVATION, raw, pix, mode=am.ACT_LUT, weights=lut_in)

    # 2. Gaussian blur per channel, sum of weights 16: requant 1/16.
    g = (1, 2, 1)
    dw = bytes(s8(g[ky] * g[kx]) for ky in range(3) for kx in range(3) for _ in range(4))
    w.layer(am.OP_DWCONV2D, pix, blur, weights=dw, k=(3, 3), stride=(1, 1),
            dilation=(1, 1), pad=(1, 1, 1, 1), requant=(am.quantize_multiplier(1 / 16),))

    # 3. Laplacian of luma: [oc][ky][kx][ic].
    lap = ((-1, -1, -1), (-1, 8, -1), (-1, -1, -1))
    luma = (1, 4, 2, 0)            # B, G, R, X
    filt = bytes(s8(lap[ky][kx] * luma[ic] if oc < 3 else 0)
                 for oc in range(4) for ky in range(3) for kx in range(3)
                 for ic in range(4))
    # The accumulator is in steps of 1/255; edge = acc / 16.
    w.layer(am.OP_CONV2D, blur, edge, weights=filt, k=(3, 3), stride=(1, 1),
            dilation=(1, 1), pad=(1, 1, 1, 1), requant=(am.quantize_multiplier(1 / 16),))

    # 4. |x| -> 255 - min(255, 3 |x|), stored as the int8 of that byte.
    lut_out = bytes(s8(255 - min(255, 3 * abs(s))) for s in range(-128, 128))
    w.layer(am.OP_ACTIVATION, edge, out, mode=am.ACT_LUT, weights=lut_out)
    return w, raw, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--width", type=int, default=320)
    ap.add_argument("--height", type=int, default=240)
    ap.add_argument("out")
    args = ap.parse_args()
    w, inp, out = build(args.width, args.height)
    size = w.write(args.out, input=inp, output=out)
    print(f"{args.out}: {size} bytes, {args.width}x{args.height} XRGB8888 in and out")


if __name__ == "__main__":
    main()
