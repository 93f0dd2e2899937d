"""Causal attention: tiled FlashAttention-2-style kernels as an autograd Function, and its twin.

kernels.attention(q, k, v, causal=True, version=None) has the layout and semantics of
torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal): q, k, v and the
output are (B, H, T, D), the scale is 1/sqrt(D), causal row i sees keys 0..i. It is differentiable.

The CUDA kernels form a ladder, as in llm.c's dev/cuda (docs/flash_attention.md explains both):
  version 1  csrc/attention.cu     wmma tensor cores, scores through shared memory; the readable one
  version 2  csrc/attention_v2.cu  FlashAttention-2's design: mma.sync with S and P in registers,
                                   cp.async double buffering, 128-row query tiles
`version=None` picks DEFAULT_VERSION: the fastest version that has passed on a GPU. No version has
run on a GPU yet (they are compiled and emulated on a CPU only), so it is version 1 until
bench/gpu.sh says otherwise.

What runs (chosen per call, from the tensors):
  * CPU float32/float64, any D: csrc/attention_cpu.cpp (the tiled algorithm as plain loops; the
    same for every version).
  * CUDA float16/bfloat16, D in {32, 64, 128} (phi-1 uses 64), sm_80 or newer, and a card whose
    per-block shared memory (cudaDevAttrMaxSharedMemoryPerBlockOptin) holds the version's tiles:
    the chosen CUDA kernel (tensor cores, fp32 accumulation), when the extension has CUDA.
  * anything else (another dtype or head dim, q/k/v of different lengths, no extension, a card
    too small): attention_reference, after one line on stderr the first time that case is met.
    The check runs before the forward, so a backward never fails half way.
Not covered: dropout on the attention weights (phi-1's released config has 0.0), attention masks
other than causal, q and k of different lengths in the kernels (SDPA-style decoding with a KV cache
stays on F.scaled_dot_product_attention in phi1.py).
"""
import math
import sys

import torch

from kernels.build import extension


def attention_reference(q, k, v, causal=True):
    """The plain PyTorch twin: softmax(q k^T / sqrt(D) + causal mask) v, the (T, T) scores in full.

    16-bit inputs are computed in fp32 (as phi-1's reference implementation runs its softmax),
    and the result is cast back to q's dtype.
    """
    D, Tq, Tk = q.shape[-1], q.shape[-2], k.shape[-2]
    up = lambda t: t.float() if t.dtype in (torch.float16, torch.bfloat16) else t
    s = (up(q) @ up(k).transpose(-2, -1)) * (1.0 / math.sqrt(D))  # (B, H, Tq, Tk)
    if causal:
        # row i sees keys 0..i: SDPA's is_causal (the top-left-aligned triangle when Tq != Tk)
        hidden = torch.ones(Tq, Tk, dtype=torch.bool, device=q.device).triu(1)
        s = s.masked_fill(hidden, float("-inf"))
    return (torch.softmax(s, dim=-1) @ up(v)).to(q.dtype)  # (B, H, Tq, D)


def _ready(t):
    """Contiguous, and 16-byte aligned: the CUDA kernel moves 8 16-bit values per load."""
    t = t.contiguous()
    return t if t.data_ptr() % 16 == 0 else t.clone()


DEFAULT_VERSION = 1  # the fastest version that passed bench/gpu.sh on a GPU (none has run yet)
VERSIONS = (1, 2)


class AttentionFunction(torch.autograd.Function):
    """Forward keeps (q, k, v, o, lse) for the backward: lse (B, H, T) is all it needs to recompute
    the softmax tile by tile, so no (T, T) tensor is stored between the passes."""

    @staticmethod
    def forward(ctx, q, k, v, causal, version):
        q, k, v = _ready(q), _ready(k), _ready(v)
        scale = 1.0 / math.sqrt(q.shape[-1])
        o, lse = extension().attention_fwd(q, k, v, causal, scale, version)
        ctx.save_for_backward(q, k, v, o, lse)
        ctx.causal, ctx.scale, ctx.version = causal, scale, version
        return o

    @staticmethod
    @torch.autograd.function.once_differentiable  # no double backward: say so instead of a wrong 0
    def backward(ctx, do):
        q, k, v, o, lse = ctx.saved_tensors
        dq, dk, dv = extension().attention_bwd(_ready(do), q, k, v, o, lse, ctx.causal, ctx.scale,
                                               ctx.version)
        return dq, dk, dv, None, None


_noticed = set()  # the unsupported cases already reported on stderr
_cuda_checked = {}  # (device index, version, head dim) -> why the CUDA kernel cannot run, or None


def _why_no_kernel(ext, q, k, v, version):
    """None when a compiled kernel handles these tensors, else the reason in a few words."""
    if ext is None:
        return "the extension is not built"
    if k.shape != q.shape or v.shape != q.shape:
        return "q, k, v of different shapes"
    if q.numel() == 0:
        return "empty tensors"
    D = q.shape[-1]
    if q.is_cuda:
        if not ext.with_cuda():
            return "the extension was built without CUDA"
        if q.dtype not in (torch.float16, torch.bfloat16):
            return f"CUDA kernel takes float16/bfloat16, got {q.dtype}"
        if D not in (32, 64, 128):
            return f"CUDA kernel takes head dim 32, 64 or 128, got {D}"
        if q.shape[0] * q.shape[1] > 65535:
            return "CUDA kernel takes B*H <= 65535 (one grid row per head)"
        # compute capability and the card's shared memory per block against the version's tiles
        key = (q.device.index, version, D)
        if key not in _cuda_checked:
            _cuda_checked[key] = ext.attention_cuda_check(q, version) or None
        return _cuda_checked[key]
    if q.device.type != "cpu":
        return f"no kernel for device {q.device.type}"
    if q.dtype not in (torch.float32, torch.float64):
        return f"CPU kernel takes float32/float64, got {q.dtype}"
    return None


def attention(q, k, v, causal=True, version=None):
    """F.scaled_dot_product_attention(q, k, v, is_causal=causal) for (B, H, T, D) tensors, tiled.

    version: which CUDA kernel (1 or 2; None: DEFAULT_VERSION). CPU tensors run the C++ loops
    whatever the version."""
    version = DEFAULT_VERSION if version is None else version
    if isinstance(version, bool) or version not in VERSIONS:
        raise ValueError(f"kernels.attention: version must be one of {VERSIONS}, got {version!r}")
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4:
        raise ValueError(f"kernels.attention: q, k, v must be (B, H, T, D), got shapes "
                         f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if not (q.dtype == k.dtype == v.dtype) or not (q.device == k.device == v.device):
        raise ValueError(f"kernels.attention: q, k, v must share dtype and device, got "
                         f"{q.dtype}/{k.dtype}/{v.dtype} on {q.device}/{k.device}/{v.device}")
    ext = extension()
    why = _why_no_kernel(ext, q, k, v, version)
    if why is None:
        return AttentionFunction.apply(q, k, v, bool(causal), version)
    if ext is not None and why not in _noticed:  # no extension at all was reported by build.py
        _noticed.add(why)
        print(f"phi1: kernels.attention runs attention_reference ({why})", file=sys.stderr)
    return attention_reference(q, k, v, causal)
