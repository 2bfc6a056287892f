# SPDX-License-Identifier: MIT
"""aiaccel's Python modules.

aimodel      write .aimodel and data set files (standard library only)
aidrv        ctypes binding of libaidrv, numpy in and out
onnx_import  quantised ONNX -> .aimodel (python3-onnx), behind aidrv-compile
"""
