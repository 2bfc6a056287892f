# SPDX-License-Identifier: MIT
"""The .aimodel writer and the ISA arithmetic helpers, against libaidrv's
loader and the examples isa.rst works out by hand."""

import unittest

import numpy as np

from aiaccel import aidrv, aimodel as am


class TestArithmetic(unittest.TestCase):

    def test_mbqm_matches_isa_examples(self):
        # isa.rst, "Requantisation": x, M, s -> MBQM.
        table = [(3, 1 << 30, 0, 2), (-3, 1 << 30, 0, -1),
                 (-6, 1 << 30, -1, -2), (63, 1 << 30, -6, 1),
                 (1000, 1 << 30, -6, 8), (3, 1 << 30, 30, 1 << 30),
                 ((1 << 31) - 1, (1 << 31) - 1, 30, (1 << 31) - 2),
                 (-(1 << 31), (1 << 31) - 1, 30, -(1 << 31) + 1),
                 (-(1 << 31), 1 << 30, -31, -1), (12345, 0, 7, 0)]
        for x, m, s, want in table:
            self.assertEqual(am.mbqm(x, m, s), want, (x, m, s))

    def test_quantize_multiplier(self):
        self.assertEqual(am.quantize_multiplier(0.5), (1 << 30, 0))
        self.assertEqual(am.quantize_multiplier(1.0), (1 << 30, 1))
        self.assertEqual(am.quantize_multiplier(0.0), (0, 0))
        for real in (1e-5, 0.0072, 0.3, 0.999999, 3.5, 1234.5):
            m, s = am.quantize_multiplier(real)
            self.assertTrue(1 << 30 <= m < 1 << 31)
            self.assertAlmostEqual(am.scale_value(m, s) / real, 1.0, places=8)


class TestWriter(unittest.TestCase):

    def gemm_model(self, zp_out=3):
        w = am.ModelWriter()
        x = w.tensor((4,), -5, 0.5)
        y = w.tensor((2,), zp_out, 0.25)
        w.layer(am.OP_GEMM, x, y, weights=bytes([1, 2, 3, 4, 0xFF, 0, 0, 1]),
                bias=[10, -20], quant=[am.quantize_multiplier(0.5)] * 2)
        return w, x, y

    def test_loads_and_runs(self):
        w, x, y = self.gemm_model()
        m = aidrv.Model(w.tobytes(x, y))
        self.assertEqual(m.input.dims, (4,))
        self.assertEqual(m.output.zero_point, 3)
        self.assertEqual(m.layers()[0]["op"], "GEMM")
        out = m.run_cpu(np.array([[-5, -4, -3, -2]], np.int8))
        # acc0 = 10 + 0*1 + 1*2 + 2*3 + 3*4 = 30 -> 15 + 3; acc1 = -20 + (-1)*0
        # + ... = -20 + 0 + 0 + 0 + 3*1 = -17 -> -8.5 -> -8 (MBQM) + 3.
        self.assertEqual(out.tolist(), [[18, -5]])

    def test_loader_rejects_a_corrupt_file(self):
        w, x, y = self.gemm_model()
        raw = bytearray(w.tobytes(x, y))
        raw[-1] ^= 1
        with self.assertRaises(aidrv.AidrvError) as cm:
            aidrv.Model(bytes(raw))
        self.assertIn("checksum", str(cm.exception))

    def test_dataset_round_trip(self):
        imgs = np.arange(-6, 6, dtype=np.int8)
        raw = am.dataset_bytes(imgs.tobytes(), 3, 4, bytes([0, 2, 1]), 3)
        ds = aidrv.Dataset(raw)
        self.assertEqual(ds.images.tolist(), imgs.reshape(3, 4).tolist())
        self.assertEqual(ds.labels.tolist(), [0, 2, 1])
        with self.assertRaises(ValueError):
            am.dataset_bytes(imgs.tobytes(), 3, 4, bytes([0, 3, 1]), 3)


if __name__ == "__main__":
    unittest.main()
