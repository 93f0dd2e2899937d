"""The extension's build: CUDA sources compile for sm_80 (A100) and sm_90 (H100) without a GPU.

CI has no GPU, so this is what stands between a typo in a .cu file and a broken GPU run: it builds
the whole extension (C++ and CUDA sources, -DWITH_CUDA) into a temporary directory with nvcc, in a
subprocess so the module it produces is never imported here. It takes a few minutes on 2 cores
(nvcc, two architectures). Skipped, with the reason, when torch is a CPU build or no CUDA toolkit
is found (set CUDA_HOME to the toolkit root when nvcc is not on PATH).
"""
import os
import subprocess
import sys

import pytest

from kernels import build

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MISSING = build.cuda_missing()


def test_sources_cover_every_csrc_file():
    """A new .cpp/.cu dropped into csrc/ is compiled without editing a list."""
    names = {os.path.basename(p) for p in build.sources(with_cuda=True)}
    on_disk = {f for f in os.listdir(build.CSRC) if f.endswith((".cpp", ".cu"))}
    assert names == on_disk and "bindings.cpp" in names and "layernorm.cu" in names
    assert not any(p.endswith(".cu") for p in build.sources(with_cuda=False))


def test_arch_flags():
    assert build.arch_flags(["8.0", "9.0"]) == ["-gencode=arch=compute_80,code=sm_80",
                                                "-gencode=arch=compute_90,code=sm_90"]
    with pytest.raises(ValueError, match="bad CUDA arch"):
        build.arch_flags(["sm_90"])


@pytest.mark.skipif(MISSING is not None, reason=f"cannot compile CUDA here: {MISSING}")
def test_cuda_sources_compile_for_sm80_and_sm90(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "kernels.build", "--cuda", "--arch", "8.0,9.0", "--build-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800)
    log = out.stdout + out.stderr
    errors = [ln for ln in log.splitlines() if "error" in ln.lower()][:20]
    assert out.returncode == 0, "CUDA build failed:\n" + "\n".join(errors or log.splitlines()[-40:])
    assert "backend cuda+cpu" in out.stdout
    assert any(f.endswith(".so") for f in os.listdir(tmp_path))
