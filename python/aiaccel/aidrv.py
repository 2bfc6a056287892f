# SPDX-License-Identifier: MIT
"""Python binding of libaidrv: devices, models, inference, statistics.

A thin ctypes layer over the installed shared library (libaidrv.so.1),
with numpy arrays in and out.  Every call is the libaidrv call of the
same name (libaidrv/include/aidrv.h); a negative errno becomes an
AidrvError carrying it.

    import numpy as np
    from aiaccel import aidrv

    model = aidrv.Model.load("demo/digits.aimodel")
    with aidrv.Device() as dev:
        with aidrv.Inference(dev, model, max_batch=64) as inf:
            logits = inf.run(images)        # int8 [n, 10]
        print(dev.stats()["file_jobs_completed"])

Images are int8 arrays shaped [n, *model.input.dims] (or anything that
reshapes to it): already quantised with the input tensor's zero point and
scale, in the model's layout (NHWC for images).  The library is found
through $AIDRV_LIBRARY, else as libaidrv.so.1 on the loader's path.
"""

import ctypes
import ctypes.util
import errno
import os

import numpy as np

__all__ = ["AidrvError", "Device", "Model", "Tensor", "Inference",
           "Dataset", "library", "TIMEOUT_INFINITE", "INFERENCE_SINGLE_BUFFER"]

TIMEOUT_INFINITE = -1
INFERENCE_SINGLE_BUFFER = 1 << 0
MAX_RANK = 3
MAX_ENGINES = 4        # DRM_AIACCEL_MAX_ENGINES


class AidrvError(OSError):
    """A libaidrv call failed: .errno is the (positive) errno."""

    def __init__(self, err, what, detail=None):
        msg = f"{what}: {os.strerror(err)}"
        if detail:
            msg = f"{what}: {detail}"
        super().__init__(err, msg)


class _Requant(ctypes.Structure):
    _fields_ = [("multiplier", ctypes.c_int32), ("shift", ctypes.c_int32)]


class _Tensor(ctypes.Structure):
    _fields_ = [("index", ctypes.c_uint32), ("rank", ctypes.c_uint32),
                ("dims", ctypes.c_uint32 * MAX_RANK), ("size", ctypes.c_uint32),
                ("zero_point", ctypes.c_int32), ("scale", _Requant)]


class _Layer(ctypes.Structure):
    _fields_ = [("opcode", ctypes.c_uint16), ("flags", ctypes.c_uint32),
                ("input", ctypes.c_uint32), ("input2", ctypes.c_uint32),
                ("output", ctypes.c_uint32), ("weights_size", ctypes.c_uint32),
                ("bias_size", ctypes.c_uint32), ("quant_size", ctypes.c_uint32),
                ("macs", ctypes.c_uint64)]


class _Dataset(ctypes.Structure):
    _fields_ = [("count", ctypes.c_uint32), ("image_size", ctypes.c_uint32),
                ("num_classes", ctypes.c_uint32),
                ("images", ctypes.POINTER(ctypes.c_int8)),
                ("labels", ctypes.POINTER(ctypes.c_uint8))]


# struct drm_aiaccel_info and struct drm_aiaccel_stats, as in
# include/uapi/drm/aiaccel_accel.h (python/tests checks the layout
# against the header with the C compiler).
_U32, _U64 = ctypes.c_uint32, ctypes.c_uint64


class DrmInfo(ctypes.Structure):
    _fields_ = [("device_id", _U32), ("hw_version", _U32),
                ("capabilities", _U64), ("num_engines", _U32),
                ("num_dma_channels", _U32), ("mem_size", _U64),
                ("mem_used", _U64), ("queue_depth", _U32),
                ("isa_version", _U32), ("va_bits", _U32),
                ("page_size", _U32), ("max_clock_mhz", _U32),
                ("clock_levels", _U32), ("instance", _U32), ("pad", _U32),
                ("state", _U64), ("job_timeout_ms", _U32), ("job_max_ms", _U32),
                ("bo_flags", _U32), ("submit_flags", _U32),
                ("max_submit_bos", _U32), ("max_submit_syncs", _U32),
                ("max_cs_size", _U64), ("max_bo_size", _U64)]


class DrmStats(ctypes.Structure):
    _fields_ = [("jobs_submitted", _U64), ("jobs_completed", _U64),
                ("jobs_failed", _U64), ("jobs_timed_out", _U64),
                ("engine_busy_ns", _U64 * MAX_ENGINES),
                ("engine_cycles", _U64 * MAX_ENGINES),
                ("macs", _U64), ("bytes_moved", _U64), ("mem_used", _U64),
                ("mem_peak", _U64), ("resets", _U64),
                ("file_jobs_submitted", _U64), ("file_jobs_completed", _U64),
                ("file_jobs_failed", _U64), ("file_jobs_timed_out", _U64),
                ("file_engine_busy_ns", _U64 * MAX_ENGINES),
                ("file_engine_cycles", _U64 * MAX_ENGINES),
                ("file_mem_used", _U64), ("file_mem_peak", _U64)]


def _as_dict(st):
    out = {}
    for name, _ in st._fields_:
        v = getattr(st, name)
        out[name] = list(v) if isinstance(v, ctypes.Array) else v
    out.pop("pad", None)
    return out


_lib = None
_P = ctypes.c_void_p
_PP = ctypes.POINTER(ctypes.c_void_p)
_I8P = ctypes.POINTER(ctypes.c_int8)

_PROTOS = {
    "aidrv_version": (ctypes.c_uint, []),
    "aidrv_version_string": (ctypes.c_char_p, []),
    "aidrv_device_count": (ctypes.c_int, []),
    "aidrv_device_open_index": (ctypes.c_int, [ctypes.c_uint, _PP]),
    "aidrv_device_open_path": (ctypes.c_int, [ctypes.c_char_p, _PP]),
    "aidrv_device_open_fd": (ctypes.c_int, [ctypes.c_int, _PP]),
    "aidrv_device_close": (None, [_P]),
    "aidrv_device_path": (ctypes.c_char_p, [_P]),
    "aidrv_strerror": (ctypes.c_char_p, [ctypes.c_int]),
    "aidrv_device_get_info": (ctypes.c_int, [_P, ctypes.POINTER(DrmInfo),
                                             ctypes.c_size_t]),
    "aidrv_device_get_stats": (ctypes.c_int, [_P, ctypes.POINTER(DrmStats),
                                              ctypes.c_size_t]),
    "aidrv_model_load_mem": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t,
                                            _PP, ctypes.c_char_p,
                                            ctypes.c_size_t]),
    "aidrv_model_free": (None, [_P]),
    "aidrv_model_num_tensors": (ctypes.c_uint, [_P]),
    "aidrv_model_num_layers": (ctypes.c_uint, [_P]),
    "aidrv_model_tensor": (ctypes.c_int, [_P, ctypes.c_uint,
                                          ctypes.POINTER(_Tensor),
                                          ctypes.c_size_t]),
    "aidrv_model_input": (ctypes.c_int, [_P, ctypes.POINTER(_Tensor),
                                         ctypes.c_size_t]),
    "aidrv_model_output": (ctypes.c_int, [_P, ctypes.POINTER(_Tensor),
                                          ctypes.c_size_t]),
    "aidrv_model_layer": (ctypes.c_int, [_P, ctypes.c_uint,
                                         ctypes.POINTER(_Layer),
                                         ctypes.c_size_t]),
    "aidrv_model_max_batch": (ctypes.c_uint32, [_P]),
    "aidrv_model_run_cpu": (ctypes.c_int, [_P, _I8P, ctypes.c_uint32, _I8P]),
    "aidrv_model_op_name": (ctypes.c_char_p, [ctypes.c_uint16]),
    "aidrv_dataset_load_mem": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t,
                                              _PP, ctypes.c_char_p,
                                              ctypes.c_size_t]),
    "aidrv_dataset_free": (None, [_P]),
    "aidrv_inference_create": (ctypes.c_int, [_P, _P, ctypes.c_uint32,
                                              ctypes.c_uint32, _PP]),
    "aidrv_inference_run": (ctypes.c_int, [_P, _I8P, ctypes.c_uint32, _I8P,
                                           ctypes.c_int64]),
    "aidrv_inference_max_batch": (ctypes.c_uint32, [_P]),
    "aidrv_inference_free": (None, [_P]),
}


def version():
    """The version of the libaidrv loaded, as a string ("1.0.0")."""
    return library().aidrv_version_string().decode()


def library():
    """The loaded libaidrv (ctypes.CDLL), loading it on first use."""
    global _lib
    if _lib is not None:
        return _lib
    path = os.environ.get("AIDRV_LIBRARY")
    if not path:
        path = ctypes.util.find_library("aidrv") or "libaidrv.so.1"
    lib = ctypes.CDLL(path, use_errno=True)
    for name, (res, args) in _PROTOS.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    _lib = lib
    return lib


def _check(ret, what, detail=None):
    if ret < 0:
        raise AidrvError(-ret, what, detail)
    return ret


def _i8p(arr):
    return arr.ctypes.data_as(_I8P)


class _Owned:
    """A libaidrv object the wrapper frees with the call named _FREE, on
    close(), at the end of a with block, or when collected."""

    _FREE = None
    _h = None

    def close(self):
        if self._h:
            getattr(library(), self._FREE)(self._h)
            self._h = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if self._h:
            self.close()


class Device(_Owned):
    """An open aiaccel device: Device() is the first, Device(index=n) the
    n-th, Device(path="/dev/accel/accel1") that node."""

    _FREE = "aidrv_device_close"

    def __init__(self, index=0, path=None, fd=None):
        lib = library()
        self._h = ctypes.c_void_p()
        if fd is not None:
            _check(lib.aidrv_device_open_fd(fd, ctypes.byref(self._h)), f"fd {fd}")
        elif path is not None:
            _check(lib.aidrv_device_open_path(os.fsencode(path), ctypes.byref(self._h)),
                   str(path))
        else:
            _check(lib.aidrv_device_open_index(index, ctypes.byref(self._h)),
                   f"aiaccel device {index}")

    @staticmethod
    def count():
        """Number of aiaccel devices present."""
        return _check(library().aidrv_device_count(), "counting devices")

    @property
    def handle(self):
        if not self._h:
            raise ValueError("device is closed")
        return self._h

    @property
    def path(self):
        return library().aidrv_device_path(self.handle).decode()

    def info(self):
        """DRM_IOCTL_AIACCEL_GET_INFO as a dict."""
        info = DrmInfo()
        _check(library().aidrv_device_get_info(self.handle, ctypes.byref(info),
                                               ctypes.sizeof(info)), "get_info")
        return _as_dict(info)

    def stats(self):
        """DRM_IOCTL_AIACCEL_GET_STATS as a dict (per-engine lists)."""
        st = DrmStats()
        _check(library().aidrv_device_get_stats(self.handle, ctypes.byref(st),
                                                ctypes.sizeof(st)), "get_stats")
        return _as_dict(st)



class Tensor:
    """An activation tensor of a model, per image."""

    def __init__(self, t):
        self.index = t.index
        self.dims = tuple(t.dims[i] for i in range(t.rank))
        self.size = t.size
        self.zero_point = t.zero_point
        self.scale_fixed = (t.scale.multiplier, t.scale.shift)
        self.scale = t.scale.multiplier * 2.0 ** (t.scale.shift - 31)

    def quantize(self, x):
        """Float values to this tensor's int8 steps (round half to even,
        saturating), as ONNX's QuantizeLinear does."""
        q = np.rint(np.asarray(x, dtype=np.float64) / self.scale) + self.zero_point
        return np.clip(q, -128, 127).astype(np.int8)

    def dequantize(self, q):
        """int8 steps of this tensor to float values."""
        return (np.asarray(q, dtype=np.float64) - self.zero_point) * self.scale

    def __repr__(self):
        return (f"Tensor(index={self.index}, dims={self.dims}, "
                f"zero_point={self.zero_point}, scale={self.scale:.6g})")


class Model(_Owned):
    """A loaded, validated model (the .aimodel format)."""

    _FREE = "aidrv_model_free"

    def __init__(self, raw):
        lib = library()
        raw = bytes(raw)
        self._h = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        _check(lib.aidrv_model_load_mem(raw, len(raw), ctypes.byref(self._h),
                                        err, len(err)),
               "loading the model", err.value.decode() or None)
        t = _Tensor()
        lib.aidrv_model_input(self._h, ctypes.byref(t), ctypes.sizeof(t))
        self.input = Tensor(t)
        lib.aidrv_model_output(self._h, ctypes.byref(t), ctypes.sizeof(t))
        self.output = Tensor(t)

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            return cls(f.read())

    @property
    def handle(self):
        return self._h

    @property
    def num_layers(self):
        return library().aidrv_model_num_layers(self._h)

    @property
    def num_tensors(self):
        return library().aidrv_model_num_tensors(self._h)

    @property
    def max_batch(self):
        return library().aidrv_model_max_batch(self._h)

    def tensor(self, index):
        t = _Tensor()
        _check(library().aidrv_model_tensor(self._h, index, ctypes.byref(t),
                                            ctypes.sizeof(t)),
               f"tensor {index}")
        return Tensor(t)

    def layers(self):
        """Each layer as a dict: op name, tensors, blob sizes, MACs."""
        lib = library()
        out = []
        for i in range(self.num_layers):
            ly = _Layer()
            _check(lib.aidrv_model_layer(self._h, i, ctypes.byref(ly), ctypes.sizeof(ly)),
                   f"layer {i}")
            out.append({"op": lib.aidrv_model_op_name(ly.opcode).decode(),
                        "flags": ly.flags, "input": ly.input,
                        "input2": ly.input2, "output": ly.output,
                        "weights_size": ly.weights_size,
                        "bias_size": ly.bias_size, "quant_size": ly.quant_size,
                        "macs": ly.macs})
        return out

    def images(self, x):
        """x as a C-contiguous int8 array of whole input images, [n, size]."""
        a = np.ascontiguousarray(x, dtype=np.int8)
        if a.size == 0 or a.size % self.input.size:
            raise ValueError(f"{a.size} values are not a whole number of "
                             f"{self.input.size}-byte images")
        return a.reshape(-1, self.input.size)

    def _outputs(self, n):
        return np.empty((n, self.output.size), dtype=np.int8)

    def shaped(self, out):
        return out.reshape((out.shape[0],) + self.output.dims)

    def run_cpu(self, x):
        """Run images on the CPU reference executor (libaidrv/ref)."""
        a = self.images(x)
        out = self._outputs(a.shape[0])
        mb = self.max_batch
        for i in range(0, a.shape[0], mb):
            n = min(mb, a.shape[0] - i)
            _check(library().aidrv_model_run_cpu(self._h, _i8p(a[i:]), n,
                                                 _i8p(out[i:])), "run_cpu")
        return self.shaped(out)



class Inference(_Owned):
    """A model bound to a device for batches of up to max_batch images."""

    _FREE = "aidrv_inference_free"

    def __init__(self, device, model, max_batch=64, single_buffer=False):
        self.device = device    # both must outlive the executor
        self.model = model
        self._h = ctypes.c_void_p()
        flags = INFERENCE_SINGLE_BUFFER if single_buffer else 0
        _check(library().aidrv_inference_create(device.handle, model.handle,
                                                max_batch, flags,
                                                ctypes.byref(self._h)),
               "binding the model to the device")

    @property
    def max_batch(self):
        return library().aidrv_inference_max_batch(self._h)

    def run(self, x, timeout_s=60.0):
        """Run images on the device; returns int8 [n, *output.dims]."""
        a = self.model.images(x)
        out = self.model._outputs(a.shape[0])
        timeout = TIMEOUT_INFINITE if timeout_s is None else int(timeout_s * 1e9)
        _check(library().aidrv_inference_run(self._h, _i8p(a), a.shape[0],
                                             _i8p(out), timeout),
               "running on the device")
        return self.model.shaped(out)



class Dataset:
    """A labelled data set file: .images int8 [count, image_size], .labels."""

    def __init__(self, raw):
        lib = library()
        raw = bytes(raw)
        h = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        _check(lib.aidrv_dataset_load_mem(raw, len(raw), ctypes.byref(h), err,
                                          len(err)),
               "loading the data set", err.value.decode() or None)
        try:
            ds = ctypes.cast(h, ctypes.POINTER(_Dataset)).contents
            n, size = ds.count, ds.image_size
            self.num_classes = ds.num_classes
            self.images = np.ctypeslib.as_array(ds.images, (n, size)).copy()
            self.labels = np.ctypeslib.as_array(ds.labels, (n,)).copy()
        finally:
            lib.aidrv_dataset_free(h)

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            return cls(f.read())


def strerror(err):
    """libaidrv's message for a negative errno."""
    return library().aidrv_strerror(-abs(err)).decode()


# Keep errno importable from here for callers that match on it.
ENOENT, EINVAL, E2BIG = errno.ENOENT, errno.EINVAL, errno.E2BIG
