"""Build and load phi1's kernel extension: one pybind11 module from the sources in kernels/csrc/.

Two ways to get it, both with torch.utils.cpp_extension and ninja:
  * just in time (the default): the first call to kernels.layer_norm / kernels.attention compiles
    the module into torch's extension cache (~/.cache/torch_extensions, or $TORCH_EXTENSIONS_DIR)
    and later runs reuse it; a source edit triggers a rebuild.
  * ahead of time: `PHI1_BUILD_KERNELS=1 pip install -e . --no-build-isolation` builds
    `kernels._C` (see setup.py), which is then preferred.

What gets compiled: the C++ CPU sources (csrc/*.cpp) always; the CUDA sources (csrc/*.cu, with
-DWITH_CUDA) when torch is a CUDA build and a CUDA toolkit (nvcc + headers) is found. The just-in-
time build also wants a visible GPU before it spends minutes in nvcc for kernels it could not run.

If anything is missing or the build fails, extension() returns None and prints ONE line saying
why; kernels/ then runs the plain PyTorch twins. PHI1_NO_KERNELS=1 forces that fallback.

    python -m kernels.build                      # build (or reuse) verbosely, print the backend
    python -m kernels.build --cuda --arch 8.0,9.0 --build-dir /tmp/k   # compile-check the CUDA code
"""
import argparse
import glob
import importlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings

import torch

CSRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "csrc")
CPU_FLAGS = ["-O3"]
CUDA_FLAGS = ["-O3", "-lineinfo"]  # -lineinfo: profilers map stalls back to source lines


def sources(with_cuda):
    """Every .cpp in csrc/ (bindings + the CPU kernels), plus every .cu when building with CUDA."""
    files = sorted(glob.glob(os.path.join(CSRC, "*.cpp")))
    if with_cuda:
        files += sorted(glob.glob(os.path.join(CSRC, "*.cu")))
    return files


def cuda_home():
    """The CUDA toolkit root (has bin/nvcc and include/cuda_runtime.h), or None.

    Order: $CUDA_HOME / $CUDA_PATH, then the nvcc on PATH. torch guesses the root as the parent
    of nvcc's directory, which is wrong when that nvcc is a wrapper script (e.g. /usr/local/bin/nvcc
    exec-ing the real one); `nvcc -dryrun` prints the real root as TOP=..., so we ask it.
    """
    def ok(root):
        return root and os.path.isfile(os.path.join(root, "include", "cuda_runtime.h")) and \
            os.path.isfile(os.path.join(root, "bin", "nvcc"))

    for var in ("CUDA_HOME", "CUDA_PATH"):
        if ok(os.environ.get(var)):
            return os.environ[var]
    nvcc = shutil.which("nvcc")
    if nvcc is None:
        return None
    root = os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))
    if ok(root):
        return root
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.cu")
        open(empty, "w").close()
        try:
            out = subprocess.run([nvcc, "-dryrun", "-c", empty, "-o", os.path.join(tmp, "e.o")],
                                 capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
    m = re.search(r"^#\$ TOP=(.+)$", out.stdout + out.stderr, re.M)
    root = os.path.realpath(m.group(1).strip()) if m else None  # TOP is <root>/bin/..
    return root if ok(root) else None


def cuda_missing():
    """Why the CUDA sources cannot be compiled here, or None when they can."""
    if torch.version.cuda is None:
        return "torch is a CPU-only build"
    if cuda_home() is None:
        return "no CUDA toolkit found (set CUDA_HOME to the directory holding bin/nvcc)"
    return None


def _cpp_extension():
    """torch.utils.cpp_extension, imported with CUDA_HOME pointing at the toolkit we found.

    The module reads CUDA_HOME once, at import; when it was imported earlier with a wrong guess
    we correct its global (its functions read it at call time).
    """
    home = cuda_home() if torch.version.cuda is not None else None
    if home and "CUDA_HOME" not in os.environ:
        os.environ["CUDA_HOME"] = home
    # Silence the import-time "No CUDA runtime is found" log line on machines without a GPU.
    logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
    from torch.utils import cpp_extension
    if home:
        cpp_extension.CUDA_HOME = home
    return cpp_extension


def arch_flags(archs):
    """nvcc -gencode flags for compute capabilities like ["8.0", "9.0"] (sm_80 = A100, sm_90 = H100)."""
    flags = []
    for a in archs:
        cc = a.replace(".", "")
        if not cc.isdigit():
            raise ValueError(f"bad CUDA arch {a!r}: expected a compute capability like 9.0")
        flags.append(f"-gencode=arch=compute_{cc},code=sm_{cc}")
    return flags


def build(with_cuda=None, archs=None, build_dir=None, verbose=False):
    """Compile (or reuse) the extension just in time and return the loaded module.

    with_cuda: None = decide (CUDA toolkit + CUDA torch + a visible GPU); True = require the CUDA
    sources (raises RuntimeError when that is impossible). archs: compute capabilities for nvcc;
    None = torch's choice (TORCH_CUDA_ARCH_LIST, else the visible GPUs). build_dir: None = torch's
    extension cache. Raises on a compile error.
    """
    if with_cuda is None:
        with_cuda = cuda_missing() is None and torch.cuda.is_available()
    elif with_cuda and cuda_missing():
        raise RuntimeError(f"cannot compile the CUDA sources: {cuda_missing()}")
    cpp_extension = _cpp_extension()
    defines = ["-DWITH_CUDA"] if with_cuda else []
    extra_cuda = CUDA_FLAGS + defines + (arch_flags(archs) if archs else [])
    if build_dir is not None:
        os.makedirs(build_dir, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # compiler-version chatter; real errors still raise
        return cpp_extension.load(
            name="phi1_kernels_cuda" if with_cuda else "phi1_kernels_cpu",
            sources=sources(with_cuda),
            extra_cflags=CPU_FLAGS + defines,
            extra_cuda_cflags=extra_cuda if with_cuda else None,
            extra_include_paths=[CSRC],
            build_directory=build_dir,
            with_cuda=with_cuda,
            verbose=verbose,
        )


# ----------------------------------------------------------------------------------------------
# Loading once per process, with the fallback

_ext = None
_why_not = None  # the reason the extension is not used, once we tried
_tried = False


def _first_line(err):
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    for ln in lines:  # the compiler's first error is more telling than ninja's summary
        if "error" in ln.lower() and "ninja" not in ln.lower():
            return ln[:200]
    return (lines[0] if lines else type(err).__name__)[:200]


def extension():
    """The compiled module (ahead-of-time kernels._C first, else just in time), or None.

    The first call decides; a None comes with one line on stderr saying why, and the callers use
    their PyTorch twins.
    """
    global _ext, _why_not, _tried
    if _tried:
        return _ext
    _tried = True
    if os.environ.get("PHI1_NO_KERNELS", "") not in ("", "0"):
        _why_not = "PHI1_NO_KERNELS is set"
        return None  # asked for explicitly: no notice needed
    try:
        _ext = importlib.import_module("kernels._C")
    except ImportError:
        try:
            _ext = build()
        except Exception as err:  # no compiler, failed compile, broken toolchain: never crash phi1
            _why_not = _first_line(err)
            print(f"phi1: kernels extension not built ({_why_not}); using the PyTorch reference "
                  f"(`python -m kernels.build` shows the compiler output)", file=sys.stderr)
    return _ext


def backend():
    """What runs kernels.layer_norm / kernels.attention: "cuda+cpu", "cpu" or "torch (...)"."""
    ext = extension()
    if ext is None:
        return f"torch (extension not built: {_why_not})"
    return "cuda+cpu" if ext.with_cuda() else "cpu"


def main(argv=None):
    p = argparse.ArgumentParser(description="Build phi1's kernel extension and report the backend.")
    p.add_argument("--cuda", action="store_true", help="require the CUDA sources (fail if impossible)")
    p.add_argument("--arch", default=None, help="comma-separated compute capabilities, e.g. 8.0,9.0")
    p.add_argument("--build-dir", default=None, help="build here instead of torch's extension cache")
    args = p.parse_args(argv)
    archs = [a for a in args.arch.split(",") if a] if args.arch else None
    try:
        ext = build(with_cuda=True if args.cuda else None, archs=archs, build_dir=args.build_dir,
                    verbose=True)
    except (RuntimeError, ValueError, OSError) as err:
        print(f"kernels.build: {_first_line(err)}", file=sys.stderr)
        return 1
    print(f"built {ext.__file__}: backend {'cuda+cpu' if ext.with_cuda() else 'cpu'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
