# SPDX-License-Identifier: MIT
"""The binding's ctypes structures against the C headers they mirror:
the compiler prints every member's offset, the binding must agree, so a
change to the uAPI or to aidrv.h cannot silently break the binding."""

import ctypes
import os
import subprocess
import tempfile
import unittest

from aiaccel import aidrv

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# binding structure -> the C type it mirrors
STRUCTS = {
    aidrv.DrmInfo: "struct drm_aiaccel_info",
    aidrv.DrmStats: "struct drm_aiaccel_stats",
    aidrv._Tensor: "struct aidrv_model_tensor",
    aidrv._Layer: "struct aidrv_model_layer",
    aidrv._Dataset: "struct aidrv_dataset",
    aidrv._Requant: "struct aiaccel_requant",
}


def c_layout():
    lines = ['#include <stddef.h>', '#include <stdio.h>', '#include "aidrv.h"',
             "int main(void) {"]
    for cls, ctype in STRUCTS.items():
        lines.append(f'printf("{ctype} __sizeof__ %zu\\n", sizeof({ctype}));')
        for name, _ in cls._fields_:
            lines.append(f'printf("{ctype} {name} %zu\\n", offsetof({ctype}, {name}));')
    lines.append("return 0; }")
    cflags = subprocess.run(["pkg-config", "--cflags", "libdrm"], capture_output=True,
                            text=True, check=True).stdout.split()
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "l.c"), os.path.join(tmp, "l")
        with open(src, "w") as f:
            f.write("\n".join(lines))
        subprocess.run(["cc", "-std=c11", "-o", exe, src,
                        "-I" + os.path.join(TOP, "libaidrv", "include"),
                        "-I" + os.path.join(TOP, "include", "uapi")] + cflags, check=True)
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return {tuple(ln.rsplit(" ", 2)[:2]): int(ln.rsplit(" ", 1)[1])
            for ln in out.splitlines()}


class TestLayout(unittest.TestCase):

    def test_structures_match_the_headers(self):
        c = c_layout()
        for cls, ctype in STRUCTS.items():
            self.assertEqual(ctypes.sizeof(cls), c[(ctype, "__sizeof__")], ctype)
            for name, _ in cls._fields_:
                self.assertEqual(getattr(cls, name).offset, c[(ctype, name)],
                                 f"{ctype}.{name}")


if __name__ == "__main__":
    unittest.main()
