"""Fused LayerNorm (kernels/csrc/layernorm*.{cpp,cu}) against float64 PyTorch.

The CPU kernel is compiled and run everywhere (the first run compiles the extension into torch's
extension cache, about a minute and a half on 2 cores); the CUDA tests need a GPU.

Tolerances, and why they are that size:
  * float64: 1e-10. Same formulas as PyTorch, only the summation order differs, so the error is a
    few ulps (1e-16) times the row width or row count.
  * float32: 1e-5 relative to the largest magnitude, for y and dx (normalised values of order 1,
    fp32 epsilon 6e-8 grown by sums over up to ~4k elements). dweight/dbias add M rows each, so
    their bound grows with sqrt(M) (independent rounding errors): 1e-5 * sqrt(M).
  * bfloat16 / float16: the result is rounded to the output type, so at least one unit in the last
    place of the largest value: bf16 epsilon 2^-8 = 3.9e-3, fp16 epsilon 2^-11 = 4.9e-4, times 2
    (the input was rounded to that type too, before the fp32 computation), relative to the largest
    magnitude. dweight/dbias are summed in fp32 and rounded once, so the same bound holds.
"""
import importlib.util
import math
import os
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

import kernels
from kernels.build import build, extension
from kernels.layernorm import LayerNormFunction, layer_norm_reference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUDA = torch.cuda.is_available()

# Widths: tiny, odd, phi-1-small (1024), phi-1 (2048), around the register-resident limits.
SHAPES = [(1, 1), (3, 5), (7, 33), (2, 3, 17), (64, 1024), (16, 2048), (5, 4097), (9, 1, 255)]


@pytest.fixture(scope="module")
def ext():
    """The compiled extension, built once for this module (a compile error fails the test)."""
    if os.environ.get("PHI1_NO_KERNELS", "") not in ("", "0"):
        pytest.skip("PHI1_NO_KERNELS is set: the extension is not used")
    module = extension()
    return module if module is not None else build()  # build() raises with the compiler's error


def assert_close(name, got, want, tol):
    """Max abs difference <= tol * max(1, max|want|); on failure, show where it differs."""
    got, want = got.double().cpu(), want.double().cpu()
    assert got.shape == want.shape, f"{name}: shape {tuple(got.shape)} != {tuple(want.shape)}"
    diff = (got - want).abs()
    bound = tol * max(1.0, want.abs().max().item())
    if diff.max().item() > bound:
        idx = torch.nonzero(diff.flatten() > bound).flatten()[:5]
        pairs = ", ".join(f"[{i}] {got.flatten()[i]:.6g} vs {want.flatten()[i]:.6g}" for i in idx.tolist())
        pytest.fail(f"{name}: max |diff| {diff.max().item():.3g} > {bound:.3g}; first mismatches: {pairs}")


def make(shape, dtype, device="cpu", seed=0):
    """x with a non-zero mean and scale (so mean subtraction matters), weight and bias near 1 and 0."""
    g = torch.Generator().manual_seed(seed)
    N = shape[-1]
    x = (torch.randn(shape, generator=g, dtype=torch.float64) * 3 + 1.5).to(dtype).to(device)
    w = (1 + 0.5 * torch.randn(N, generator=g, dtype=torch.float64)).to(dtype).to(device)
    b = (0.5 * torch.randn(N, generator=g, dtype=torch.float64)).to(dtype).to(device)
    dy = torch.randn(shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    return x, w, b, dy


def float64_truth(x, w, b, dy, eps=1e-5):
    """y, dx, dweight, dbias from torch.nn.functional.layer_norm in float64 on the CPU."""
    x, w, b = (t.detach().double().cpu().requires_grad_() for t in (x, w, b))
    y = F.layer_norm(x, (x.shape[-1],), w, b, eps)
    y.backward(dy.double().cpu())
    return y.detach(), x.grad, w.grad, b.grad


def run_fused(x, w, b, dy, eps=1e-5):
    x, w, b = (t.detach().clone().requires_grad_() for t in (x, w, b))
    y = kernels.layer_norm(x, w, b, eps)
    y.backward(dy)
    return y.detach(), x.grad, w.grad, b.grad


# ------------------------------------------------------------------------------------------------
# CPU kernel (runs in CI)

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype,tol", [(torch.float64, 1e-10), (torch.float32, 1e-5)])
def test_cpu_forward_backward_match_float64(ext, shape, dtype, tol):
    x, w, b, dy = make(shape, dtype, seed=sum(shape))
    want = float64_truth(x, w, b, dy)
    got = run_fused(x, w, b, dy)
    rows = math.prod(shape[:-1])
    for name, g, t, scale in zip(("y", "dx", "dweight", "dbias"), got, want, (1, 1, rows, rows)):
        assert g.dtype == dtype, f"{name} came back as {g.dtype}"
        assert_close(f"{name} {dtype} {shape}", g, t, tol * math.sqrt(scale))


@pytest.mark.parametrize("dtype,tol", [(torch.bfloat16, 2 * 2**-8), (torch.float16, 2 * 2**-11)])
def test_cpu_half_precision_inputs(ext, dtype, tol):
    x, w, b, dy = make((37, 1024), dtype, seed=3)
    got = run_fused(x, w, b, dy)
    want = float64_truth(x, w, b, dy)  # from the same rounded inputs
    for name, g, t in zip(("y", "dx", "dweight", "dbias"), got, want):
        assert_close(f"{name} {dtype}", g, t, tol)


def test_cpu_statistics_are_mean_and_rstd(ext):
    x, w, b, _ = make((11, 300), torch.float64, seed=5)
    y, mean, rstd = ext.layer_norm_fwd(x, w, b, 1e-5)
    assert mean.dtype == rstd.dtype == torch.float64 and mean.shape == (11,)
    assert_close("mean", mean, x.mean(-1), 1e-12)
    assert_close("rstd", rstd, 1 / torch.sqrt(x.var(-1, unbiased=False) + 1e-5), 1e-12)
    _, mean32, _ = ext.layer_norm_fwd(x.float(), w.float(), b.float(), 1e-5)
    assert mean32.dtype == torch.float32, "statistics of fp32 input must be fp32"


def test_cpu_eps_is_used(ext):
    """A constant row has variance 0: y = bias exactly and rstd = 1/sqrt(eps)."""
    x = torch.full((2, 8), 3.0, dtype=torch.float64)
    w, b = torch.ones(8, dtype=torch.float64), torch.arange(8, dtype=torch.float64)
    for eps in (1e-5, 0.25):
        y, _, rstd = ext.layer_norm_fwd(x, w, b, eps)
        assert torch.equal(y, b.expand(2, 8)) and torch.allclose(rstd, torch.tensor(eps).rsqrt().double())


def test_cpu_gradcheck(ext):
    """Finite differences against the analytic backward, in float64 (independent of PyTorch's formula)."""
    x, w, b, _ = make((4, 13), torch.float64, seed=7)
    inputs = tuple(t.requires_grad_() for t in (x, w, b))
    assert torch.autograd.gradcheck(lambda x, w, b: LayerNormFunction.apply(x, w, b, 1e-5), inputs)


def test_cpu_weight_grads_are_deterministic_across_thread_counts(ext):
    """dweight/dbias chunks are fixed by the row count, not the thread count: same bits with 1 or 2 threads."""
    x, w, b, dy = make((999, 257), torch.float32, seed=11)
    threads = torch.get_num_threads()
    try:
        results = []
        for n in (1, 2):
            torch.set_num_threads(n)
            y, mean, rstd = ext.layer_norm_fwd(x, w, b, 1e-5)
            results.append(ext.layer_norm_bwd(dy, x, w, mean, rstd))
    finally:
        torch.set_num_threads(threads)
    for name, a, c in zip(("dx", "dweight", "dbias"), *results):
        assert torch.equal(a, c), f"{name} differs between 1 and 2 threads"


def test_cpu_zero_rows(ext):
    x, w, b, dy = make((0, 16), torch.float32)
    y, dx, dw, db = run_fused(x, w, b, dy)
    assert y.shape == (0, 16) and dx.shape == (0, 16)
    assert torch.equal(dw, torch.zeros(16)) and torch.equal(db, torch.zeros(16))


def test_bad_inputs_raise_clear_errors(ext):
    x, w, b, _ = make((4, 8), torch.float32)
    with pytest.raises(RuntimeError, match="must be 2-D"):
        ext.layer_norm_fwd(x.view(2, 2, 8), w, b, 1e-5)
    with pytest.raises(RuntimeError, match="weight must have shape"):
        ext.layer_norm_fwd(x, w[:4], b, 1e-5)
    with pytest.raises(RuntimeError, match="differs from x dtype"):
        ext.layer_norm_fwd(x, w.double(), b, 1e-5)
    with pytest.raises(RuntimeError, match="contiguous"):
        ext.layer_norm_fwd(x.t(), torch.ones(4), torch.zeros(4), 1e-5)
    with pytest.raises(RuntimeError, match="mean and rstd"):
        ext.layer_norm_bwd(x, x, w, torch.zeros(4, dtype=torch.float64), torch.zeros(4))
    with pytest.raises(TypeError, match="needs both weight and bias"):
        kernels.layer_norm(x, w, None)
    with pytest.raises(ValueError, match="must both be"):
        kernels.layer_norm(x, w[:4], b[:4])


def test_tensors_no_kernel_takes_run_the_twin(ext):
    """A device the extension has no kernel for (here "meta", shapes only) goes to the twin, the
    same branch float64 CUDA tensors take, instead of reaching the extension and raising."""
    x, w, b = (t.to("meta") for t in make((4, 16), torch.float64)[:3])
    y = kernels.layer_norm(x, w, b)
    assert y.device.type == "meta" and y.shape == (4, 16) and y.dtype == torch.float64


def test_mixed_dtype_weight_is_cast(ext):
    """An fp32 weight with fp64 x (the autocast-like case) is cast to x's dtype; its grad keeps fp32."""
    x, w, b, dy = make((6, 40), torch.float64, seed=2)
    w32, b32 = w.float().requires_grad_(), b.float().requires_grad_()
    y = kernels.layer_norm(x, w32, b32)
    y.backward(dy)
    assert y.dtype == torch.float64 and w32.grad.dtype == torch.float32
    _, _, dw, db = float64_truth(x, w.float(), b.float(), dy)
    assert_close("dweight", w32.grad, dw, 1e-5 * math.sqrt(6))


# ------------------------------------------------------------------------------------------------
# The PyTorch twin and the fallback (no extension needed)

@pytest.mark.parametrize("dtype,tol", [(torch.float64, 1e-12), (torch.bfloat16, 2 * 2**-8)])
def test_reference_twin_matches_torch(dtype, tol):
    x, w, b, _ = make((5, 3, 77), dtype, seed=13)
    want = F.layer_norm(x.double(), (77,), w.double(), b.double(), 1e-5)
    assert_close(f"layer_norm_reference {dtype}", layer_norm_reference(x, w, b), want, tol)


def run_python(code, **env):
    full_env = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=300)


CHECK_FALLBACK = """
import torch, torch.nn.functional as F, kernels
x = torch.randn(4, 33, dtype=torch.float64, requires_grad=True)
w = torch.randn(33, dtype=torch.float64); b = torch.randn(33, dtype=torch.float64)
y = kernels.layer_norm(x, w, b)
y.sum().backward()
assert torch.allclose(y, F.layer_norm(x, (33,), w, b)), "fallback result is wrong"
assert x.grad is not None
print(kernels.backend(), kernels.available())
"""


def test_no_kernels_env_forces_the_twin_silently():
    out = run_python(CHECK_FALLBACK, PHI1_NO_KERNELS="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "torch (extension not built: PHI1_NO_KERNELS is set) False"
    assert "phi1:" not in out.stderr


@pytest.mark.skipif(importlib.util.find_spec("kernels._C") is not None,
                    reason="an ahead-of-time build (kernels._C) is installed and would be used")
def test_failed_build_falls_back_with_one_line_notice(tmp_path):
    """A broken compiler (CXX points at `false`) in a fresh cache: phi1 still runs, and says why once."""
    out = run_python(CHECK_FALLBACK, CXX="false", TORCH_EXTENSIONS_DIR=str(tmp_path), PHI1_NO_KERNELS="0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("torch (extension not built: ") and out.stdout.strip().endswith("False")
    notices = [ln for ln in out.stderr.splitlines() if ln.startswith("phi1: kernels extension not built")]
    assert len(notices) == 1, f"expected one notice line, stderr was:\n{out.stderr}"


# ------------------------------------------------------------------------------------------------
# CUDA kernel (needs a GPU; the compile itself is checked without one in test_kernels_build.py)

needs_cuda = pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU (the CUDA sources are only compiled here)")

# Width 4097 is odd (scalar loads), 4104 a multiple of 8 (16-byte loads, 2+ chunks),
# 5001 odd and past the register-resident limit for odd widths (ATen's kernel takes over);
# 8200 and 16384: the forward in registers, the backward (past 8192) in ATen's kernel.
CUDA_SHAPES = [(1, 1), (3, 5), (7, 33), (2, 3, 17), (257, 1024), (64, 2048), (5, 4097), (4, 4104),
               (3, 5001), (3, 8200), (2, 16384), (2, 20000)]
CUDA_TOL = {torch.float32: 1e-5, torch.bfloat16: 2 * 2**-8, torch.float16: 2 * 2**-11}


@needs_cuda
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("shape", CUDA_SHAPES)
def test_cuda_forward_backward_match_float64(ext, shape, dtype):
    assert ext.with_cuda(), "a GPU is visible but the extension was built without CUDA"
    x, w, b, dy = make(shape, dtype, device="cuda", seed=sum(shape))
    want = float64_truth(x, w, b, dy)
    got = run_fused(x, w, b, dy)
    rows = math.prod(shape[:-1])
    for name, g, t, scale in zip(("y", "dx", "dweight", "dbias"), got, want, (1, 1, rows, rows)):
        assert g.dtype == dtype and g.is_cuda, f"{name}: {g.dtype} on {g.device}"
        tol = CUDA_TOL[dtype] * (math.sqrt(scale) if dtype == torch.float32 else 1)
        assert_close(f"{name} {dtype} {shape}", g, t, tol)


@needs_cuda
def test_cuda_float64_falls_back_to_the_twin(ext):
    """F.layer_norm takes float64 CUDA tensors, so kernels.layer_norm must too (the twin runs)."""
    x, w, b, dy = make((5, 300), torch.float64, device="cuda", seed=8)
    y, dx, dw, db = run_fused(x, w, b, dy)
    want = float64_truth(x, w, b, dy)
    for name, g, t in zip(("y", "dx", "dweight", "dbias"), (y, dx, dw, db), want):
        assert g.dtype == torch.float64 and g.is_cuda
        assert_close(f"{name} float64 CUDA", g, t, 1e-10)


@needs_cuda
def test_cuda_statistics_and_many_rows(ext):
    """Enough rows that the backward uses many row groups and the partial-sum reduction is long."""
    x, w, b, dy = make((20000, 2048), torch.bfloat16, device="cuda", seed=1)
    y, mean, rstd = ext.layer_norm_fwd(x.view(-1, 2048), w, b, 1e-5)
    xd = x.double()
    assert mean.dtype == torch.float32
    assert_close("mean", mean, xd.mean(-1), 1e-5)
    assert_close("rstd", rstd, 1 / torch.sqrt(xd.var(-1, unbiased=False) + 1e-5), 1e-5)
    got = run_fused(x, w, b, dy)
    want = float64_truth(x, w, b, dy)
    for name, g, t in zip(("y", "dx", "dweight", "dbias"), got, want):
        assert_close(f"{name} bf16 (20000, 2048)", g, t, CUDA_TOL[torch.bfloat16])


@needs_cuda
def test_cuda_backward_is_deterministic(ext):
    x, w, b, dy = make((4096, 2048), torch.bfloat16, device="cuda", seed=4)
    first = run_fused(x, w, b, dy)
    for _ in range(3):
        for name, a, c in zip(("y", "dx", "dweight", "dbias"), first, run_fused(x, w, b, dy)):
            assert torch.equal(a, c), f"{name} changed between identical runs"


@needs_cuda
def test_cuda_unaligned_rows_use_the_scalar_path(ext):
    """A view starting one element in is not 16-byte aligned: the kernel must fall back to VEC = 1."""
    x, w, b, dy = make((8, 2049), torch.bfloat16, device="cuda", seed=6)
    xs, dys = x[:, 1:].contiguous(), dy[:, 1:].contiguous()
    flat = torch.empty(8 * 2048 + 1, dtype=torch.bfloat16, device="cuda")
    flat[1:].copy_(xs.flatten())
    x_unaligned = flat[1:].view(8, 2048)  # contiguous, but 2 bytes past an aligned address
    got = run_fused(x_unaligned, w[1:].contiguous(), b[1:].contiguous(), dys)
    want = float64_truth(xs, w[1:], b[1:], dys)
    for name, g, t in zip(("y", "dx", "dweight", "dbias"), got, want):
        assert_close(f"{name} unaligned", g, t, CUDA_TOL[torch.bfloat16])
