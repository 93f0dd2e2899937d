"""Tests of kernels.attention: the tiled attention kernels against float64 naive attention.

Three layers, from what runs everywhere to what needs a GPU:
  * the C++ CPU kernel (kernels/csrc/attention_cpu.cpp) in float64 and float32, forward and
    backward, called directly and through the autograd Function, and the PyTorch twin;
  * the CUDA kernels' device code (kernels/csrc/attention.cu), compiled with g++ on top of
    kernels/csrc/attention_emu.h and run on the CPU in fp16 and bf16 (what that covers and what it
    does not is written in attention_emu.h);
  * the CUDA kernels on a GPU (skipped without one; bench/gpu.sh runs them).
The reference everywhere: softmax(q k^T / sqrt(D) + causal mask) v in float64, and its gradients
from autograd. Shapes cover T = 1, T not a multiple of the 64-row tile, several tiles, several
batches and heads, head dims 32, 64, 128 (and odd ones on the CPU), causal and not.
"""
import math
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import kernels
from kernels.attention import attention_reference
from kernels.build import extension

CSRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kernels", "csrc")

# (B, H, T, D): one row; T below, across and at tile edges (tiles are 64 rows); the three CUDA
# head dims. The CPU kernel takes any D, so two odd ones are added there.
SHAPES = [(1, 1, 1, 64), (2, 3, 37, 64), (1, 2, 130, 32), (2, 2, 65, 128), (1, 1, 128, 64)]
CPU_ONLY_SHAPES = [(1, 1, 200, 24), (2, 1, 64, 8)]


def scores(q, k, causal):
    """q k^T / sqrt(D), -inf where row i would see a key j > i."""
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        T = q.shape[-2]
        hidden = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1)
        s = s.masked_fill(hidden, float("-inf"))
    return s


def naive(q, k, v, causal):
    """softmax(q k^T / sqrt(D) + mask) v, written out: the float64 reference."""
    return torch.softmax(scores(q, k, causal), dim=-1) @ v


def reference(q, k, v, dout, causal):
    """o, lse, dq, dk, dv of naive attention in float64, for inputs of any dtype."""
    q, k, v = (t.detach().double().requires_grad_() for t in (q, k, v))
    o = naive(q, k, v, causal)
    dq, dk, dv = torch.autograd.grad(o, (q, k, v), dout.double())
    lse = torch.logsumexp(scores(q.detach(), k.detach(), causal), dim=-1)
    return {"o": o.detach(), "lse": lse, "dq": dq, "dk": dk, "dv": dv}


def assert_close(name, got, want, atol):
    """Fail with the max difference and the first few mismatching values."""
    got, want = got.detach().double().cpu(), want.detach().double().cpu().reshape(got.shape)
    diff = (got - want).abs()
    bad = (diff > atol) | ~torch.isfinite(got)
    if bad.any():
        idx = bad.nonzero()[:5].tolist()
        rows = ", ".join(f"{tuple(i)}: got {got[tuple(i)].item():.6g} "
                         f"want {want[tuple(i)].item():.6g}" for i in idx)
        pytest.fail(f"{name}: max |diff| {diff.max().item():.3g} > {atol:.3g} "
                    f"({int(bad.sum())} of {bad.numel()} values); first: {rows}")


def random_qkv(shape, dtype, device="cpu", seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g, dtype=torch.float64).to(device=device, dtype=dtype)
            for _ in range(4)]  # q, k, v, dout


# ----------------------------------------------------------------------------------------------
# the C++ CPU kernel

@pytest.fixture(scope="module")
def ext():
    """The compiled extension, shared by every test in this file (one build per session)."""
    if os.environ.get("PHI1_NO_KERNELS", "") not in ("", "0"):
        pytest.skip("PHI1_NO_KERNELS is set")
    if shutil.which("c++") is None and shutil.which("g++") is None:
        pytest.skip("no C++ compiler: the extension cannot be built here")
    e = extension()
    if e is None:  # a compiler is there, so a failed build is a bug
        pytest.fail(f"the kernels extension did not build: {kernels.backend()}")
    return e


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
@pytest.mark.parametrize("shape", SHAPES + CPU_ONLY_SHAPES, ids=str)
def test_cpu_kernel_float64(ext, shape, causal):
    # float64 in, float64 accumulation: the only differences from the reference are the order of
    # the sums and the online softmax's rescaling, a few ulps of values of size ~1-10
    # (measured ~2e-15); 1e-11 leaves room while any indexing or masking error is >= 1e-3.
    q, k, v, dout = random_qkv(shape, torch.float64)
    scale = 1.0 / math.sqrt(shape[-1])
    o, lse = ext.attention_fwd(q, k, v, causal, scale)
    dq, dk, dv = ext.attention_bwd(dout, q, k, v, o, lse, causal, scale)
    want = reference(q, k, v, dout, causal)
    for name, got in [("o", o), ("lse", lse), ("dq", dq), ("dk", dk), ("dv", dv)]:
        assert_close(name, got, want[name], 1e-11)


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
@pytest.mark.parametrize("shape", [(2, 3, 37, 64), (1, 2, 130, 32), (2, 2, 65, 128)], ids=str)
def test_cpu_kernel_float32(ext, shape, causal):
    # float32 accumulation (as on the GPU): eps 6e-8 per operation, sums of up to 130 terms of
    # size ~1 in S, P V, dP and dS: a few 1e-6 (measured <= 2e-6); tolerance 2e-5.
    q, k, v, dout = random_qkv(shape, torch.float32)
    scale = 1.0 / math.sqrt(shape[-1])
    o, lse = ext.attention_fwd(q, k, v, causal, scale)
    assert o.dtype == torch.float32 and lse.dtype == torch.float32 and lse.shape == shape[:3]
    dq, dk, dv = ext.attention_bwd(dout, q, k, v, o, lse, causal, scale)
    want = reference(q, k, v, dout, causal)
    for name, got in [("o", o), ("lse", lse), ("dq", dq), ("dk", dk), ("dv", dv)]:
        assert_close(name, got, want[name], 2e-5)


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_autograd_function_matches_sdpa(ext, causal):
    # kernels.attention end to end (autograd Function, non-contiguous inputs made contiguous)
    # against PyTorch's own scaled_dot_product_attention, in float64.
    B, H, T, D = 2, 3, 77, 32
    g = torch.Generator().manual_seed(1)
    leaves = [torch.randn(B, T, H, D, generator=g, dtype=torch.float64, requires_grad=True)
              for _ in range(3)]
    q, k, v = (t.transpose(1, 2) for t in leaves)  # (B, H, T, D) views, as phi1.py makes them
    assert not q.is_contiguous()
    o = kernels.attention(q, k, v, causal=causal)
    want = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    assert o.shape == (B, H, T, D) and o.dtype == torch.float64
    assert_close("o", o, want, 1e-11)
    dout = torch.randn(o.shape, generator=g, dtype=torch.float64)
    got = torch.autograd.grad(o, leaves, dout)
    exp = torch.autograd.grad(want, leaves, dout)
    for name, a, b in zip(["dq", "dk", "dv"], got, exp):
        assert_close(name, a, b, 1e-11)


def test_gradcheck(ext):
    # finite differences, independent of any reference implementation
    g = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(1, 2, 11, 8, generator=g, dtype=torch.float64, requires_grad=True)
               for _ in range(3))
    assert torch.autograd.gradcheck(lambda a, b, c: kernels.attention(a, b, c, causal=True),
                                    (q, k, v))


def test_backward_is_deterministic(ext):
    q, k, v, dout = random_qkv((2, 2, 150, 64), torch.float32, seed=3)
    scale = 1 / 8
    o, lse = ext.attention_fwd(q, k, v, True, scale)
    first = ext.attention_bwd(dout, q, k, v, o, lse, True, scale)
    second = ext.attention_bwd(dout, q, k, v, o, lse, True, scale)
    for a, b in zip(first, second):
        assert torch.equal(a, b)


def test_entry_points_reject_bad_input(ext):
    q = torch.randn(1, 2, 10, 16)
    with pytest.raises(RuntimeError, match="same shape"):
        ext.attention_fwd(q, q[:, :, :5].contiguous(), q, True, 0.25)
    with pytest.raises(RuntimeError, match="contiguous"):
        ext.attention_fwd(q.transpose(2, 3), q.transpose(2, 3), q.transpose(2, 3), True, 0.25)
    with pytest.raises(RuntimeError, match="float32 or float64"):
        h = q.half()
        ext.attention_fwd(h, h, h, True, 0.25)
    with pytest.raises(ValueError, match=r"\(B, H, T, D\)"):
        kernels.attention(q[0], q[0], q[0])
    with pytest.raises(ValueError, match="share dtype"):
        kernels.attention(q, q.double(), q)


def test_unsupported_cases_fall_back_to_the_twin(ext, capfd):
    # bf16 on the CPU has no kernel: the twin runs (fp32 softmax), with one line on stderr
    q, k, v, _ = random_qkv((1, 2, 20, 16), torch.bfloat16, seed=4)
    o = kernels.attention(q, k, v)
    assert o.dtype == torch.bfloat16
    assert "attention_reference" in capfd.readouterr().err
    want = naive(q.double(), k.double(), v.double(), True)
    # the only error left is rounding the fp32 result to bf16: half an ulp, 2^-8 relative
    assert_close("o (bf16 twin)", o, want, 2 * 2 ** -8 * want.abs().max().item())
    # T = 0: what SDPA returns, an empty (B, H, 0, D) tensor
    e = torch.randn(2, 3, 0, 16)
    assert kernels.attention(e, e, e).shape == (2, 3, 0, 16)


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_reference_twin_matches_sdpa(causal):
    # the twin is what runs without the extension, so it is held to SDPA too (no extension needed)
    q, k, v, _ = random_qkv((2, 3, 45, 32), torch.float64, seed=5)
    assert_close("attention_reference", attention_reference(q, k, v, causal),
                 F.scaled_dot_product_attention(q, k, v, is_causal=causal), 1e-12)
    # T_q != T_k: the twin follows SDPA's top-left-aligned causal mask
    assert_close("attention_reference (Tq < Tk)", attention_reference(q[:, :, :7], k, v, causal),
                 F.scaled_dot_product_attention(q[:, :, :7], k, v, is_causal=causal), 1e-12)


# ----------------------------------------------------------------------------------------------
# the CUDA kernels' device code, emulated on the CPU

EMU_CASES = [  # (dtype, B, H, T, D, causal)
    ("half", 1, 1, 1, 64, True), ("bf16", 2, 3, 37, 64, True), ("half", 1, 2, 130, 32, True),
    ("bf16", 2, 2, 65, 128, True), ("half", 1, 1, 200, 64, True), ("bf16", 1, 1, 128, 128, True),
    ("half", 1, 1, 130, 64, False), ("bf16", 1, 2, 37, 32, False),
]
EPS = {"half": 2.0 ** -10, "bf16": 2.0 ** -7}  # machine epsilon of fp16 / bf16


@pytest.fixture(scope="module")
def emu_binary(tmp_path_factory):
    """attention.cu's device code + attention_emu.h, built once with g++ -std=c++20."""
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("no g++ to build the CUDA emulation")
    major = int(subprocess.run([gxx, "-dumpversion"], capture_output=True, text=True).stdout
                .split(".")[0] or 0)
    if major < 12:
        pytest.skip(f"the CUDA emulation needs g++ >= 12 (C++20 <barrier>, _Float16), "
                    f"found {major}")
    src = open(os.path.join(CSRC, "attention.cu")).read()
    start, end = src.index("// ---- device code"), src.index("// ---- host side")
    d = tmp_path_factory.mktemp("attention_emu")
    program = d / "attention_emu.cpp"
    program.write_text('#include "attention_emu.h"\n' + src[start:end] +
                       '\n#define PHI1_EMU_RUNNER\n#include "attention_emu.h"\n')
    exe = d / "attention_emu"
    r = subprocess.run([gxx, "-std=c++20", "-O1", "-pthread", "-Wno-unknown-pragmas", "-I", CSRC,
                        str(program), "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, f"the emulated CUDA source does not compile:\n{r.stderr[-3000:]}"
    return exe


@pytest.mark.parametrize("case", EMU_CASES,
                         ids=lambda c: f"{c[0]}-{c[1:5]}-{'causal' if c[5] else 'full'}")
def test_cuda_device_code_emulated(emu_binary, tmp_path, case):
    # The inputs are rounded to the 16-bit type first, so the reference sees exactly what the
    # kernel sees. What remains: P and dS rounded to 16 bits before their tensor-core matmuls
    # (as FlashAttention-2 does), the outputs rounded to 16 bits, fp32 sums. Each is a relative
    # error of <= eps/2 on its term; tolerance 2 eps of the largest |value| (measured <= eps/2).
    dtype, B, H, T, D, causal = case
    tdt = torch.float16 if dtype == "half" else torch.bfloat16
    q, k, v, dout = (t.to(tdt).float() for t in random_qkv((B, H, T, D), torch.float64, seed=6))
    for name, t in zip(["q", "k", "v", "dout"], (q, k, v, dout)):
        t.numpy().tofile(tmp_path / f"{name}.f32")
    r = subprocess.run([str(emu_binary), dtype, str(B), str(H), str(T), str(D), str(int(causal)),
                        str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"emulated kernels failed: {r.stderr.strip()}"
    want = reference(q, k, v, dout, causal)
    for name in ["o", "lse", "dq", "dk", "dv"]:
        got = torch.from_numpy(np.fromfile(tmp_path / f"{name}.f32", dtype=np.float32))
        scale = 1.0 if name == "lse" else want[name].abs().max().item()  # lse is kept in fp32
        atol = (1e-5 if name == "lse" else 2 * EPS[dtype]) * max(scale, 1.0)
        assert_close(f"{name} ({dtype})", got.view(want[name].shape), want[name], atol)


# ----------------------------------------------------------------------------------------------
# the CUDA kernels on a GPU

needs_gpu = pytest.mark.skipif(not torch.cuda.is_available(),
                               reason="needs a CUDA GPU (bench/gpu.sh runs these on one)")


@needs_gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["half", "bf16"])
@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
@pytest.mark.parametrize("shape", SHAPES + [(1, 4, 1000, 64), (4, 8, 512, 64)], ids=str)
def test_cuda_kernel(ext, shape, causal, dtype):
    # Same tolerance and reasoning as the emulated test; and the kernel's error may not exceed
    # twice that of F.scaled_dot_product_attention in the same dtype (FlashAttention's own test).
    if not ext.with_cuda():
        pytest.fail("a GPU is present but the extension was built without CUDA")
    q, k, v, dout = (t.to(dtype).requires_grad_()
                     for t in random_qkv(shape, torch.float64, "cuda", seed=7))
    o = kernels.attention(q, k, v, causal=causal)
    got = dict(zip(["dq", "dk", "dv"], torch.autograd.grad(o, (q, k, v), dout)), o=o)
    o_sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    sdpa = dict(zip(["dq", "dk", "dv"], torch.autograd.grad(o_sdpa, (q, k, v), dout)), o=o_sdpa)
    want = reference(q, k, v, dout, causal)
    eps = 2.0 ** -10 if dtype == torch.float16 else 2.0 ** -7
    for name in ["o", "dq", "dk", "dv"]:
        top = max(want[name].abs().max().item(), 1.0)
        assert_close(name, got[name], want[name], 2 * eps * top)
        err = (got[name].double() - want[name]).abs().max().item()
        err_sdpa = (sdpa[name].double() - want[name]).abs().max().item()
        assert err <= 2 * err_sdpa + eps * top / 4, \
            f"{name}: error {err:.3g}, more than twice SDPA's {err_sdpa:.3g}"


@needs_gpu
def test_cuda_lse_and_determinism(ext):
    q, k, v, dout = (t.to(torch.bfloat16)
                     for t in random_qkv((2, 4, 300, 64), torch.float64, "cuda", seed=8))
    o, lse = ext.attention_fwd(q, k, v, True, 0.125)
    assert lse.dtype == torch.float32
    assert_close("lse", lse, reference(q, k, v, dout, True)["lse"], 1e-3)
    first = ext.attention_bwd(dout, q, k, v, o, lse, True, 0.125)
    second = ext.attention_bwd(dout, q, k, v, o, lse, True, 0.125)
    for a, b in zip(first, second):
        assert torch.equal(a, b), "the backward is meant to be bitwise reproducible (no atomics)"
