#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train the Fashion-MNIST demo network with PyTorch and import it.

A small CNN is trained with PyTorch on Debian's dataset-fashion-mnist
(60,000 training images), quantised post-training with PyTorch's own
eager-mode quantisation (oneDNN back end: per-channel int8 weights,
uint8 activations, histogram calibration), exported with
torch.onnx.export (QDQ form) and imported by aiaccel's ONNX importer
(python/aiaccel/onnx_import.py, the code behind aidrv-compile):

  fashion.onnx        the quantised network as PyTorch exports it
  fashion.aimodel     what the importer made of it
  fashion-torch.bin   PyTorch's int8 model's class for each of the 10,000
                      test images, one byte each: the reference for the
                      "agreement" figure, so make run needs no PyTorch
  fashion.expected    the imported model's result on the test set through
                      libaidrv's CPU reference: images, correct answers,
                      agreement with PyTorch, hash of all output bytes

Network (PyTorch's NCHW; the device runs it NHWC):

  input     1x28x28   uint8 pixel / 255, quantised by PyTorch's QuantStub
  conv 3x3  8 filters, padding 1, ReLU   -> 8x28x28
  maxpool   2x2                          -> 8x14x14
  conv 3x3  16 filters, padding 1, ReLU  -> 16x14x14
  maxpool   2x2                          -> 16x7x7
  linear    784 -> 64, ReLU
  linear    64 -> 10                     -> the logits; the class is their argmax

Needs python3-torch, python3-onnx, python3-numpy and dataset-fashion-mnist
from Debian, and libaidrv built (for the CPU reference); "make -C demo
fashion" installs and builds them.  Seeded, single-threaded: the same
package versions produce the same files.
"""

import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.ao.quantization as tq
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from aiaccel import aidrv, onnx_import  # noqa: E402
from aiaccel.aimodel import fnv1a64  # noqa: E402

SEED = 20261204
DATA = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
           "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    """An IDX file of Fashion-MNIST: images [n][28][28] or labels [n]."""
    with gzip.open(path) as f:
        raw = f.read()
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, rows, cols)
    if magic == 2049:
        return np.frombuffer(raw, np.uint8, offset=8)
    raise ValueError(f"{path}: not an IDX file")


def load(split):
    images = read_idx(os.path.join(DATA, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA, f"{split}-labels-idx1-ubyte.gz"))
    return images, labels


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(16 * 7 * 7, 64)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.relu3(self.fc1(x))
        return self.dequant(self.fc2(x))


def to_input(images):
    """uint8 [n][28][28] -> the float input PyTorch trains on."""
    return torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)


def predict(net, x, batch=1000):
    with torch.no_grad():
        return torch.cat([net(x[i:i + batch]) for i in range(0, len(x), batch)])


def train(net, x, y, epochs, log):
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    steps = epochs * ((len(x) + 127) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    net.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x))
        total = 0.0
        for i in range(0, len(x), 128):
            idx = order[i:i + 128]
            loss = nn.functional.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        log(f"  epoch {epoch + 1}: loss {total / len(x):.4f}")
    net.eval()


def quantise(net, calib):
    """PyTorch's post-training static quantisation, oneDNN back end."""
    torch.backends.quantized.engine = "onednn"
    net.qconfig = tq.get_default_qconfig("onednn")
    # torch 1.13 cannot export a fused linear + ReLU (quantized::linear_relu)
    # to ONNX: that ReLU stays a ReLU on the quantised tensor.
    tq.fuse_modules(net, [["conv1", "relu1"], ["conv2", "relu2"]], inplace=True)
    tq.prepare(net, inplace=True)
    predict(net, calib)
    tq.convert(net, inplace=True)
    return net


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE, help="output directory")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--state", help="load the float network from this file "
                    "if it exists, else train and save it there")
    args = ap.parse_args()
    t0 = time.time()

    def log(msg):
        print(f"[{time.time() - t0:6.1f}s] {msg}", flush=True)

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    x_train, y_train = load("train")
    x_test, y_test = load("t10k")
    log(f"fashion-mnist: {len(x_train)} training, {len(x_test)} test images")
    xt, yt = to_input(x_train), torch.from_numpy(y_train.astype(np.int64))
    xv = to_input(x_test)

    net = Net()
    if args.state and os.path.exists(args.state):
        net.load_state_dict(torch.load(args.state))
        net.eval()
        log(f"float network from {args.state}")
    else:
        log(f"training ({args.epochs} epochs, float):")
        train(net, xt, yt, args.epochs, log)
        if args.state:
            torch.save(net.state_dict(), args.state)
    float_pred = predict(net, xv).argmax(1).numpy()
    float_correct = int((float_pred == y_test).sum())
    log(f"float accuracy: {float_correct}/{len(y_test)}")

    quantise(net, xt[:2000])
    torch_pred = predict(net, xv).argmax(1).numpy().astype(np.uint8)
    torch_correct = int((torch_pred == y_test).sum())
    log(f"PyTorch int8 accuracy: {torch_correct}/{len(y_test)}")

    onnx_path = os.path.join(args.out, "fashion.onnx")
    torch.onnx.export(net, xv[:1], onnx_path, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "n"}, "logits": {0: "n"}})
    log(f"exported {onnx_path} ({os.path.getsize(onnx_path)} bytes)")

    res = onnx_import.import_file(onnx_path)
    for line in res.summary() + [f"note: {n}" for n in res.notes]:
        log("  " + line)
    # The test set file (make_fashion_testset.py) holds pixel - 128: that
    # is the model's input exactly when PyTorch's input quantisation maps
    # every pixel value p / 255 to uint8 p.
    pixels = (np.arange(28 * 28) % 256).reshape(1, 1, 28, 28)
    q = res.to_device(pixels.astype(np.float32) / np.float32(255.0))
    if not np.array_equal(q.reshape(-1), (pixels.reshape(-1) - 128).astype(np.int8)):
        print("error: the input quantisation is not pixel - 128", file=sys.stderr)
        return 1
    model_path = os.path.join(args.out, "fashion.aimodel")
    with open(model_path, "wb") as f:
        f.write(res.data)

    model = aidrv.Model(res.data)
    images = (x_test.astype(np.int16) - 128).astype(np.int8)
    out = model.run_cpu(images.reshape(len(images), 28, 28, 1))
    pred = out.argmax(1)        # the first maximum, as aidrv_argmax_s8()
    correct = int((pred == y_test).sum())
    agree = int((pred == torch_pred).sum())
    log(f"imported model, CPU reference: {correct}/{len(y_test)} correct, "
        f"agrees with PyTorch int8 on {agree}")

    with open(os.path.join(args.out, "fashion-torch.bin"), "wb") as f:
        f.write(torch_pred.tobytes())
    with open(os.path.join(args.out, "fashion.expected"), "w") as f:
        f.write("# Written by demo/train_fashion.py: fashion.aimodel on the 10,000\n"
                "# Fashion-MNIST test images through libaidrv's CPU reference.\n"
                f"# float accuracy {float_correct}, PyTorch int8 accuracy "
                f"{torch_correct}; torch {torch.__version__}, {args.epochs} epochs,"
                f" seed {SEED}\n")
        f.write(f"images {len(y_test)}\n")
        f.write(f"correct {correct}\n")
        f.write(f"agreement {agree}\n")
        f.write(f"outputs_fnv1a64 0x{fnv1a64(out.tobytes()):016x}\n")
    log(f"wrote {model_path} ({len(res.data)} bytes) and fashion-torch.bin, "
        "fashion.expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
