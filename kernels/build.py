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
    python -m kernels.build --cuda --arch 8.0,9.0 --build-dir /tmp/k --ptxas
        # the same, and a table of each kernel's registers, spills and static shared memory as
        # ptxas reports them (-Xptxas -v): the figures in the kernel headers come from it
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


def build(with_cuda=None, archs=None, build_dir=None, verbose=False, ptxas_verbose=False):
    """Compile (or reuse) the extension just in time and return the loaded module.

    with_cuda: None = decide (CUDA toolkit + CUDA torch + a visible GPU); True = require the CUDA
    sources (raises RuntimeError when that is impossible). archs: compute capabilities for nvcc;
    None = torch's choice (TORCH_CUDA_ARCH_LIST, else the visible GPUs). build_dir: None = torch's
    extension cache. ptxas_verbose: ptxas prints each kernel's resources (seen with verbose).
    Raises on a compile error.
    """
    if with_cuda is None:
        with_cuda = cuda_missing() is None and torch.cuda.is_available()
    elif with_cuda and cuda_missing():
        raise RuntimeError(f"cannot compile the CUDA sources: {cuda_missing()}")
    cpp_extension = _cpp_extension()
    defines = ["-DWITH_CUDA"] if with_cuda else []
    extra_cuda = CUDA_FLAGS + defines + (arch_flags(archs) if archs else [])
    if ptxas_verbose:
        extra_cuda = extra_cuda + ["-Xptxas=-v"]
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


# ----------------------------------------------------------------------------------------------
# ptxas resource reports

def _short_name(mangled):
    """'attention_v2_fwd_kernel<__half, 64>' from a mangled kernel name (c++filt when present)."""
    name = mangled
    if shutil.which("c++filt"):
        out = subprocess.run(["c++filt", mangled], capture_output=True, text=True)
        name = out.stdout.strip() or mangled
    name = re.sub(r"^void ", "", name)
    name = name.replace("(anonymous namespace)::", "")
    depth, end = 0, len(name)
    for i, ch in enumerate(name):  # cut the parameter list: the first '(' outside template brackets
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "(" and depth == 0:
            end = i
            break
    return name[:end]


def parse_ptxas(log):
    """Each kernel's resources from nvcc -Xptxas -v output: a list of dicts with kernel, arch,
    registers, spill_stores, spill_loads, stack (bytes), smem (static shared memory, bytes)."""
    rows, cur = [], None
    for line in log.splitlines():
        m = re.search(r"Compiling entry function '([^']+)' for '(sm_\d+a?)'", line)
        if m:
            cur = {"kernel": _short_name(m.group(1)), "arch": m.group(2), "registers": None,
                   "spill_stores": 0, "spill_loads": 0, "stack": 0, "smem": 0}
            rows.append(cur)
            continue
        if cur is None:
            continue
        m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m:
            cur["stack"], cur["spill_stores"], cur["spill_loads"] = map(int, m.groups())
        m = re.search(r"Used (\d+) registers", line)
        if m:
            cur["registers"] = int(m.group(1))
            s = re.search(r"(\d+) bytes smem", line)
            cur["smem"] = int(s.group(1)) if s else 0
    return rows


def ptxas_table(rows):
    """The rows of parse_ptxas as a markdown table, sorted by kernel then arch."""
    lines = ["| kernel | arch | registers | spill stores/loads (bytes) | stack (bytes) | static smem (bytes) |",
             "|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["kernel"], r["arch"])):
        lines.append(f"| {r['kernel']} | {r['arch']} | {r['registers']} | {r['spill_stores']}/"
                     f"{r['spill_loads']} | {r['stack']} | {r['smem']} |")
    return "\n".join(lines)


def _build_capturing_stdout(**kwargs):
    """build(**kwargs) with everything written to file descriptor 1 (ninja's and nvcc's output)
    captured; returns (module, text). The text is also echoed."""
    with tempfile.TemporaryFile(mode="w+") as f:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(f.fileno(), 1)
        try:
            ext = build(**kwargs)
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            f.seek(0)
            text = f.read()
            print(text, end="")
    return ext, text


def main(argv=None):
    p = argparse.ArgumentParser(description="Build phi1's kernel extension and report the backend.")
    p.add_argument("--cuda", action="store_true", help="require the CUDA sources (fail if impossible)")
    p.add_argument("--arch", default=None, help="comma-separated compute capabilities, e.g. 8.0,9.0")
    p.add_argument("--build-dir", default=None, help="build here instead of torch's extension cache")
    p.add_argument("--ptxas", action="store_true",
                   help="also print each CUDA kernel's registers, spills and shared memory (ptxas -v); "
                        "needs --cuda and --build-dir (its CUDA objects are rebuilt)")
    args = p.parse_args(argv)
    archs = [a for a in args.arch.split(",") if a] if args.arch else None
    if args.ptxas and not (args.cuda and args.build_dir):
        print("kernels.build: --ptxas needs --cuda and --build-dir", file=sys.stderr)
        return 1
    try:
        if args.ptxas:
            for old in glob.glob(os.path.join(args.build_dir, "*.cuda.o")):
                os.remove(old)  # ptxas only reports what it compiles
            ext, log = _build_capturing_stdout(with_cuda=True, archs=archs, build_dir=args.build_dir,
                                               verbose=True, ptxas_verbose=True)
        else:
            ext = build(with_cuda=True if args.cuda else None, archs=archs,
                        build_dir=args.build_dir, verbose=True)
    except (RuntimeError, ValueError, OSError) as err:
        print(f"kernels.build: {_first_line(err)}", file=sys.stderr)
        return 1
    if args.ptxas:
        print("\nptxas resources (python -m kernels.build --ptxas):\n")
        print(ptxas_table(parse_ptxas(log)))
    print(f"built {ext.__file__}: backend {'cuda+cpu' if ext.with_cuda() else 'cpu'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
