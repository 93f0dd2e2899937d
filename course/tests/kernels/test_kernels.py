"""Kernels, visible tests: the C++ LayerNorm and attention twins (through the compiled extension,
never the PyTorch fallback) against float64 PyTorch, and attention.cu's forward kernel run on the
CPU through the CUDA emulation against float64 attention."""
import math

import pytest
import torch
import torch.nn.functional as F

from course.tests.helpers import assert_close
from course.tests.kernels import emulation


@pytest.fixture(scope="module")
def kernels():
    import kernels
    from kernels import build

    if build.extension() is None:
        pytest.fail(f"the kernels extension did not build: {build.backend()}")
    return kernels


def ref_attention(q, k, v, causal):
    q, k, v = q.double(), k.double(), v.double()
    s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if causal:
        T = q.size(-2)
        s = s.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(s, -1) @ v, torch.logsumexp(s, -1)


def test_layernorm_forward_float64(kernels):
    g = torch.Generator().manual_seed(0)
    for rows, n in [(4, 64), (7, 100), (1, 3)]:
        x = torch.randn(rows, n, generator=g, dtype=torch.float64) * 3 + 1
        w, b = torch.randn(n, generator=g, dtype=torch.float64), torch.randn(n, generator=g, dtype=torch.float64)
        assert_close(kernels.layer_norm(x, w, b, 1e-5), F.layer_norm(x, (n,), w, b, 1e-5), 1e-10,
                     f"LayerNorm forward ({rows}x{n}, float64)")
        x32, w32, b32 = x.float(), w.float(), b.float()
        assert_close(kernels.layer_norm(x32, w32, b32, 1e-5), F.layer_norm(x, (n,), w, b, 1e-5), 1e-5,
                     f"LayerNorm forward ({rows}x{n}, float32)")


def test_layernorm_backward_float64(kernels):
    g = torch.Generator().manual_seed(1)
    for rows, n in [(5, 64), (70, 33)]:
        x = (torch.randn(rows, n, generator=g, dtype=torch.float64) * 2).requires_grad_()
        w = torch.randn(n, generator=g, dtype=torch.float64).requires_grad_()
        b = torch.randn(n, generator=g, dtype=torch.float64).requires_grad_()
        dy = torch.randn(rows, n, generator=g, dtype=torch.float64)
        got = torch.autograd.grad(kernels.layer_norm(x, w, b, 1e-5), (x, w, b), dy)
        want = torch.autograd.grad(F.layer_norm(x, (n,), w, b, 1e-5), (x, w, b), dy)
        for name, a, r in zip(("dx", "dweight", "dbias"), got, want):
            assert_close(a, r, 1e-9, f"LayerNorm backward {name} ({rows}x{n}, float64)")


def test_attention_cpu_forward_float64(kernels):
    g = torch.Generator().manual_seed(2)
    for B, H, T, D, causal in [(1, 2, 5, 8, True), (2, 1, 70, 16, True), (1, 1, 130, 8, False)]:
        q, k, v = (torch.randn(B, H, T, D, generator=g, dtype=torch.float64) for _ in range(3))
        got = kernels.attention(q, k, v, causal=causal)
        want, _ = ref_attention(q, k, v, causal)
        assert_close(got, want, 1e-10, f"attention forward (B={B} H={H} T={T} D={D} causal={causal})")


EPS = {"half": 2.0 ** -10, "bf16": 2.0 ** -7}


def rounded(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    tdt = torch.float16 if dtype == "half" else torch.bfloat16
    return [torch.randn(shape, generator=g).to(tdt).float() for _ in range(4)]


def check_emulated(tmp_path, dtype, shape, causal, seed):
    exe = emulation.build()
    inputs = rounded(shape, dtype, seed)
    got = emulation.run(exe, str(tmp_path), dtype, shape, causal, inputs)
    want_o, want_lse = ref_attention(*inputs[:3], causal)
    # 16-bit P before the P V matmul and a 16-bit output: 2 eps of the largest |o|
    assert_close(got["o"], want_o, 2 * EPS[dtype] * max(1.0, want_o.abs().max().item()), f"o ({dtype}, {shape})")
    assert_close(got["lse"], want_lse, 1e-5, f"lse ({dtype}, {shape})")


def test_attention_cuda_forward_emulated(tmp_path):
    for dtype, shape, causal in [("half", (1, 2, 37, 64), True), ("bf16", (1, 1, 70, 32), False)]:
        check_emulated(tmp_path, dtype, shape, causal, seed=3)
