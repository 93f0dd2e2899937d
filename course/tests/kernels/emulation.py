"""Build and run attention.cu's device code on the CPU through kernels/csrc/attention_emu.h
(version 1's kernels), for the kernels assignment: the student's CUDA is graded with no GPU.

    python course/tests/kernels/emulation.py      # build (or reuse) .build/attention_emu_v1, exit 1 on a compile error

The program is attention_emu.h's two halves around attention.cu's device code (from
"// ---- device code" to "// ---- host side"), compiled with g++ -std=c++20; its usage line is in
attention_emu.h. The binary is cached under the tree's .build/, keyed by a hash of its source.
"""
import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CSRC = os.path.join(ROOT, "kernels", "csrc")


def program():
    with open(os.path.join(CSRC, "attention.cu"), encoding="utf-8") as f:
        src = f.read()
    device = src[src.index("// ---- device code"):src.index("// ---- host side")]
    return ('#define PHI1_EMU_VERSION 1\n#include "attention_emu.h"\n' + device +
            '\n#define PHI1_EMU_RUNNER\n#include "attention_emu.h"\n')


def build():
    """Path of the emulation binary, compiled if its source changed; raises RuntimeError with the
    compiler's errors."""
    gxx = shutil.which("g++")
    if gxx is None:
        raise RuntimeError("no g++: the CUDA emulation needs g++ >= 12")
    text = program()
    with open(os.path.join(CSRC, "attention_emu.h"), encoding="utf-8") as f:
        key = hashlib.sha1((text + f.read()).encode()).hexdigest()[:12]
    d = os.path.join(ROOT, ".build", "emulation")
    exe = os.path.join(d, f"attention_emu_v1_{key}")
    if os.path.exists(exe):
        return exe
    os.makedirs(d, exist_ok=True)
    src = exe + ".cpp"
    with open(src, "w") as f:
        f.write(text)
    flags = ["-std=c++20", "-O1", "-pthread", "-fno-strict-aliasing", "-Wno-unknown-pragmas"]
    r = subprocess.run([gxx, *flags, "-I", CSRC, src, "-o", exe + ".tmp"], capture_output=True, text=True)
    if r.returncode != 0:
        errors = [ln for ln in r.stderr.splitlines() if "error" in ln] or r.stderr.splitlines()
        raise RuntimeError("attention.cu's device code does not compile in the emulation:\n" + "\n".join(errors[:20]))
    os.replace(exe + ".tmp", exe)
    return exe


def run(exe, directory, dtype, shape, causal, inputs, arch="sm_90", timeout=240):
    """Write q, k, v, dout (float32, already rounded to dtype), run the emulated kernels; returns
    {o, lse} as float64 tensors. Raises AssertionError with the program's message when it fails."""
    for name, t in zip(["q", "k", "v", "dout"], inputs):
        t.float().numpy().tofile(os.path.join(directory, f"{name}.f32"))
    B, H, T, D = shape
    r = subprocess.run([exe, arch, dtype, str(B), str(H), str(T), str(D), str(int(causal)), str(directory)],
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"the emulated kernels failed (exit {r.returncode}): {r.stderr.strip()[-1500:]}"
    out = {}
    for name in ["o", "lse"]:
        flat = torch.from_numpy(np.fromfile(os.path.join(directory, f"{name}.f32"), dtype=np.float32))
        out[name] = flat.double().view(shape[:3] if name == "lse" else shape)
    return out


if __name__ == "__main__":
    try:
        print(build())
    except RuntimeError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
