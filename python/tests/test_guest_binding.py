# SPDX-License-Identifier: MIT
"""The Python binding against the real driver, in the test guest:
python/tests/run.py guest, from guest/plan-check.sh, with $AIDRV_LIBRARY
the build tree's libaidrv, $AIACCEL_FASHION_TESTSET the Fashion-MNIST
test set file (demo/make_fashion_testset.py) and $AIACCEL_TOOLS the
directory of aidrv-run, whose benchmark mode is tested here too."""

import errno
import json
import os
import subprocess
import unittest

import numpy as np

from aiaccel import aidrv

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(TOP, "demo")


class TestDevice(unittest.TestCase):

    def test_open_info_stats(self):
        self.assertGreaterEqual(aidrv.Device.count(), 1)
        with aidrv.Device() as dev:
            self.assertTrue(dev.path.startswith("/dev/accel/accel"))
            info = dev.info()
            self.assertGreaterEqual(info["num_engines"], 1)
            self.assertEqual(info["isa_version"], 1)
            st = dev.stats()
            self.assertEqual(len(st["file_engine_busy_ns"]), aidrv.MAX_ENGINES)
            self.assertEqual(st["file_jobs_submitted"], 0)
        with self.assertRaises(ValueError):
            dev.info()

    def test_version_and_open_fd(self):
        major, minor, micro = (int(x) for x in aidrv.version().split("."))
        self.assertEqual(major, 1)
        with aidrv.Device() as dev:
            fd = os.open(dev.path, os.O_RDWR)
            try:
                with aidrv.Device(fd=fd) as shared:
                    self.assertEqual(shared.path, dev.path)
                    self.assertEqual(shared.info()["device_id"], dev.info()["device_id"])
            finally:
                os.close(fd)
        with self.assertRaises(aidrv.AidrvError) as cm:
            aidrv.Device(fd=0 if not os.isatty(0) else 1000)
        self.assertIn(cm.exception.errno, (errno.ENODEV, errno.EBADF))

    def test_errors_carry_errno(self):
        with self.assertRaises(aidrv.AidrvError) as cm:
            aidrv.Device(path="/dev/accel/no-such-node")
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        with self.assertRaises(aidrv.AidrvError) as cm:
            aidrv.Model(b"AIACCMDL" + bytes(100))
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        self.assertIn("loading the model", str(cm.exception))


class TestInference(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.model = aidrv.Model.load(os.path.join(DEMO, "digits.aimodel"))
        cls.data = aidrv.Dataset.load(os.path.join(DEMO, "digits-test.bin"))

    def test_digits_on_the_device_equal_the_cpu_reference(self):
        cpu = self.model.run_cpu(self.data.images)
        with aidrv.Device() as dev, aidrv.Inference(dev, self.model, 64) as inf:
            before = dev.stats()
            out = inf.run(self.data.images)
            after = dev.stats()
        self.assertEqual(out.shape, (len(self.data.labels), 10))
        self.assertEqual(out.dtype, np.int8)
        np.testing.assert_array_equal(out, cpu)
        self.assertEqual(int((out.argmax(1) == self.data.labels).sum()), 350)
        jobs = -(-len(self.data.labels) // 64)
        self.assertEqual(after["file_jobs_completed"] - before["file_jobs_completed"], jobs)
        self.assertEqual(after["file_jobs_failed"], before["file_jobs_failed"])
        macs = sum(ly["macs"] for ly in self.model.layers()) * len(self.data.labels)
        self.assertGreaterEqual(after["macs"] - before["macs"], macs)

    def test_images_take_the_model_shape(self):
        with aidrv.Device() as dev, aidrv.Inference(dev, self.model, 8) as inf:
            self.assertEqual(inf.max_batch, 8)
            one = inf.run(self.data.images[:3].reshape(3, 8, 8, 1))
            np.testing.assert_array_equal(one, self.model.run_cpu(self.data.images[:3]))
            with self.assertRaises(ValueError):
                inf.run(np.zeros(65, np.int8))

    def test_batch_above_the_model_limit(self):
        with aidrv.Device() as dev:
            with self.assertRaises(aidrv.AidrvError) as cm:
                aidrv.Inference(dev, self.model, self.model.max_batch + 1)
            self.assertEqual(cm.exception.errno, errno.E2BIG)

    def test_fashion_network(self):
        path = os.environ.get("AIACCEL_FASHION_TESTSET")
        self.assertTrue(path and os.path.exists(path), "no Fashion-MNIST test set")
        model = aidrv.Model.load(os.path.join(DEMO, "fashion.aimodel"))
        data = aidrv.Dataset.load(path)
        images = data.images[:256]
        self.assertEqual(model.input.dims, (28, 28, 1))
        with aidrv.Device() as dev, aidrv.Inference(dev, model, 64) as inf:
            out = inf.run(images)
        np.testing.assert_array_equal(out, model.run_cpu(images))
        logits = model.output.dequantize(out)
        self.assertGreater((logits.argmax(1) == data.labels[:256]).mean(), 0.8)


class TestAidrvRunBench(unittest.TestCase):
    """aidrv-run's benchmark mode and JSON report, through the device.
    Figures are not judged: only that they are there and consistent."""

    def test_bench_json(self):
        tool = os.path.join(os.environ.get("AIACCEL_TOOLS", ""), "aidrv-run")
        out = subprocess.run([tool, "--bench", "--json", "--warmup", "1", "--repeat", "5",
                              "-n", "64", "-b", "32", "--check",
                              "-e", os.path.join(DEMO, "digits.expected"),
                              os.path.join(DEMO, "digits.aimodel"),
                              os.path.join(DEMO, "digits-test.bin")],
                             capture_output=True, text=True, timeout=600)
        # 64 of the 360 images: the expected file's counts do not match.
        self.assertEqual(out.returncode, 1, out.stderr)
        r = json.loads(out.stdout)
        self.assertEqual((r["images"], r["batch"], r["output_size"]), (64, 32, 10))
        self.assertTrue(r["executor"].startswith("/dev/accel/"))
        self.assertTrue(r["bit_exact"])
        self.assertFalse(r["expected_match"])
        self.assertEqual(r["stats"]["jobs_completed"], 2)
        b = r["bench"]
        self.assertEqual((b["warmup"], b["runs"], b["images_per_run"]), (1, 5, 64))
        self.assertTrue(b["stable"])
        lat = b["latency_ms"]
        self.assertTrue(0 < lat["min"] <= lat["p50"] <= lat["p90"] <= lat["p99"]
                        <= lat["max"])
        self.assertGreater(b["images_per_s"], 0)


if __name__ == "__main__":
    unittest.main()
