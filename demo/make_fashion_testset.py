#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write the Fashion-MNIST test set as the demo network's data set file.

    make_fashion_testset.py OUT.bin

Reads the 10,000 test images and labels of Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist) and writes them in the data set format
of Documentation/accel/aiaccel/model-format.rst, quantised for
demo/fashion.aimodel: its input is PyTorch's QuantStub output for
pixel / 255, which is uint8 pixel exactly (train_fashion.py checks that
before it writes the model), so the device's int8 value is pixel - 128.
Images are 28x28x1 (NHWC with one channel is the IDX file's order).

Standard library only: make run needs neither numpy nor PyTorch.
"""

import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
from aiaccel.aimodel import write_dataset  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path, magic):
    with gzip.open(path) as f:
        raw = f.read()
    got, n = struct.unpack(">II", raw[:8])
    if got != magic:
        raise ValueError(f"{path}: not an IDX file of magic {magic}")
    return n, raw


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    n, raw = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"), 2051)
    rows, cols = struct.unpack(">II", raw[8:16])
    images = raw[16:]
    nl, labels = read_idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz"), 2049)
    labels = labels[8:]
    if nl != n or len(images) != n * rows * cols or len(labels) != n:
        raise ValueError("images and labels do not match")
    # int8 pixel - 128 is uint8 pixel with its top bit flipped.
    flip = bytes(i ^ 0x80 for i in range(256))
    out = sys.argv[1]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    size = write_dataset(out, images.translate(flip), n, rows * cols, labels, 10)
    print(f"{out}: {n} images of {rows}x{cols}, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
