"""Kernels, hidden tests."""
import torch
import torch.nn.functional as F

from course.tests.helpers import assert_close
from course.tests.kernels.test_kernels import check_emulated, ref_attention


def test_odd_shapes():
    import kernels
    from kernels import build

    assert build.extension() is not None, "the kernels extension did not build"
    g = torch.Generator().manual_seed(9)
    for rows, n in [(130, 7), (3, 1031)]:  # widths that are not a multiple of 8; many rows (chunks)
        x = torch.randn(rows, n, generator=g, dtype=torch.float64).requires_grad_()
        w = torch.randn(n, generator=g, dtype=torch.float64).requires_grad_()
        b = torch.randn(n, generator=g, dtype=torch.float64).requires_grad_()
        y = kernels.layer_norm(x, w, b, 1e-5)
        assert_close(y, F.layer_norm(x, (n,), w, b, 1e-5), 1e-10, f"LayerNorm ({rows}x{n})")
        dy = torch.randn(rows, n, generator=g, dtype=torch.float64)
        for name, a, r in zip(("dx", "dw", "db"), torch.autograd.grad(y, (x, w, b), dy),
                              torch.autograd.grad(F.layer_norm(x, (n,), w, b, 1e-5), (x, w, b), dy)):
            assert_close(a, r, 1e-9, f"LayerNorm {name} ({rows}x{n})")
    for T in (1, 64, 65, 129):
        q, k, v = (torch.randn(1, 1, T, 16, generator=g, dtype=torch.float64) for _ in range(3))
        assert_close(kernels.attention(q, k, v, causal=True), ref_attention(q, k, v, True)[0], 1e-10, f"attention T={T}")


def test_attention_cuda_emulated_odd_lengths(tmp_path):
    for dtype, shape, causal in [("bf16", (2, 1, 1, 64), True), ("half", (1, 1, 130, 32), True),
                                 ("bf16", (1, 1, 65, 128), False)]:
        check_emulated(tmp_path, dtype, shape, causal, seed=10)
