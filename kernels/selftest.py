"""Correctness checks of the compiled kernels without pytest (for a GPU machine that lacks it).

    python -m kernels.selftest            # CUDA checks when a GPU is visible, else the CPU kernels

The same comparisons as tests/test_kernels_layernorm.py (a smaller set of shapes), plus a coarse
check of kernels.attention: each kernel's forward and gradients against float64 PyTorch on the CPU,
with the tolerance per dtype explained in the test file (for LayerNorm: 1e-5 for fp32, times sqrt(rows)
for the weight grads; two units in the last place of bf16/fp16). Prints one line per check and
exits with status 1 if any fails, or if the extension is not built.
"""
import math
import sys

import torch
import torch.nn.functional as F

import kernels

LN_TOL = {torch.float64: 1e-10, torch.float32: 1e-5, torch.bfloat16: 2 * 2**-8, torch.float16: 2 * 2**-11}
# Attention: P is rounded to 16 bits before P @ V on tensor cores, and T terms are summed,
# so allow a few bf16/fp16 units relative to the largest value.
ATTN_TOL = {torch.float64: 1e-10, torch.float32: 1e-4, torch.bfloat16: 3e-2, torch.float16: 5e-3}


def max_rel_diff(got, want):
    """max |got - want| / max(1, max |want|), in float64."""
    got, want = got.double().cpu(), want.double().cpu()
    return ((got - want).abs().max() / max(1.0, want.abs().max().item())).item() if want.numel() else 0.0


def check_layernorm(shape, dtype, device):
    g = torch.Generator().manual_seed(sum(shape))
    N = shape[-1]
    x = (torch.randn(shape, generator=g, dtype=torch.float64) * 3 + 1.5).to(dtype)
    w = (1 + 0.5 * torch.randn(N, generator=g, dtype=torch.float64)).to(dtype)
    b = (0.5 * torch.randn(N, generator=g, dtype=torch.float64)).to(dtype)
    dy = torch.randn(shape, generator=g, dtype=torch.float64).to(dtype)
    ref = [t.double().requires_grad_() for t in (x, w, b)]
    y_ref = F.layer_norm(ref[0], (N,), ref[1], ref[2], 1e-5)
    y_ref.backward(dy.double())
    dev = [t.to(device).requires_grad_() for t in (x, w, b)]
    y = kernels.layer_norm(*dev, 1e-5)
    y.backward(dy.to(device))
    rows = math.prod(shape[:-1])
    worst = []
    for name, got, want, scale in (("y", y, y_ref, 1), ("dx", dev[0].grad, ref[0].grad, 1),
                                   ("dweight", dev[1].grad, ref[1].grad, rows), ("dbias", dev[2].grad, ref[2].grad, rows)):
        tol = LN_TOL[dtype] * (math.sqrt(scale) if dtype in (torch.float32, torch.float64) else 1)
        worst.append((max_rel_diff(got, want) / tol, name))
    # determinism: a second run gives the same bits
    dev2 = [t.to(device).requires_grad_() for t in (x, w, b)]
    kernels.layer_norm(*dev2, 1e-5).backward(dy.to(device))
    same = all(torch.equal(a.grad, c.grad) for a, c in zip(dev, dev2))
    ratio, name = max(worst)
    return ratio <= 1 and same, f"worst {name} at {ratio:.2f} of tolerance; repeat run bitwise equal: {same}"


def check_attention(shape, dtype, device, version=1):
    g = torch.Generator().manual_seed(sum(shape))
    q, k, v, do = (torch.randn(shape, generator=g, dtype=torch.float64).to(dtype) for _ in range(4))
    ref = [t.double().requires_grad_() for t in (q, k, v)]
    o_ref = F.scaled_dot_product_attention(*ref, is_causal=True)
    o_ref.backward(do.double())
    dev = [t.to(device).requires_grad_() for t in (q, k, v)]
    o = kernels.attention(*dev, causal=True, version=version)
    o.backward(do.to(device))
    worst = max((max_rel_diff(got, want) / ATTN_TOL[dtype], name) for name, got, want in
                (("o", o, o_ref), ("dq", dev[0].grad, ref[0].grad), ("dk", dev[1].grad, ref[1].grad),
                 ("dv", dev[2].grad, ref[2].grad)))
    return worst[0] <= 1, f"worst {worst[1]} at {worst[0]:.2f} of tolerance"


def main():
    if not kernels.available():
        print(f"FAIL: the extension is not in use: {kernels.backend()}")
        return 1
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not kernels.extension().with_cuda():
        print("FAIL: a GPU is visible but the extension was built without CUDA")
        return 1
    print(f"kernels.backend() = {kernels.backend()}; checking on {device}")
    ln_dtypes = [torch.float32, torch.bfloat16, torch.float16] if device == "cuda" else [torch.float64, torch.float32]
    ln_shapes = [(3, 5), (2, 3, 17), (257, 1024), (4096, 2048), (5, 4097), (4, 4104), (3, 5001)]
    at_dtypes = [torch.bfloat16, torch.float16] if device == "cuda" else [torch.float64]
    at_shapes = [(1, 2, 100, 64), (2, 4, 256, 64)] if device == "cuda" else [(1, 2, 70, 16)]
    checks = [("layer_norm", check_layernorm, s, d) for d in ln_dtypes for s in ln_shapes]
    versions = (1, 2) if device == "cuda" else (1,)  # the CPU kernel is the same for every version
    checks = [(op, fn, s, d, {}) for op, fn, s, d in checks]
    checks += [(f"attention v{ver}", check_attention, s, d, {"version": ver})
               for ver in versions for d in at_dtypes for s in at_shapes]
    failed = 0
    for op, fn, shape, dtype, kw in checks:
        try:
            ok, detail = fn(shape, dtype, device, **kw)
        except Exception as err:  # report and go on: one broken case should not hide the others
            ok, detail = False, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {op} {tuple(shape)} {str(dtype).replace('torch.', '')}: {detail}")
    print(f"{len(checks) - failed}/{len(checks)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
