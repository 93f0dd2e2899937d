"""Causal attention: a tiled FlashAttention-2-style kernel as an autograd Function, and its twin.

kernels.attention(q, k, v, causal=True) has the layout and semantics of
torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal): q, k, v and the
output are (B, H, T, D), the scale is 1/sqrt(D), causal row i sees keys 0..i. It is differentiable.

What runs (chosen per call, from the tensors):
  * CPU float32/float64, any D: csrc/attention_cpu.cpp (the tiled algorithm as plain loops).
  * CUDA float16/bfloat16, D in {32, 64, 128} (phi-1 uses 64), sm_80 or newer: csrc/attention.cu
    (tensor cores, fp32 accumulation), when the extension was built with CUDA.
  * anything else (another dtype or head dim, q/k/v of different lengths, no extension):
    attention_reference, after one line on stderr the first time that case is met.
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


class AttentionFunction(torch.autograd.Function):
    """Forward keeps (q, k, v, o, lse) for the backward: lse (B, H, T) is all it needs to recompute
    the softmax tile by tile, so no (T, T) tensor is stored between the passes."""

    @staticmethod
    def forward(ctx, q, k, v, causal):
        q, k, v = _ready(q), _ready(k), _ready(v)
        scale = 1.0 / math.sqrt(q.shape[-1])
        o, lse = extension().attention_fwd(q, k, v, causal, scale)
        ctx.save_for_backward(q, k, v, o, lse)
        ctx.causal, ctx.scale = causal, scale
        return o

    @staticmethod
    @torch.autograd.function.once_differentiable  # no double backward: say so instead of a wrong 0
    def backward(ctx, do):
        q, k, v, o, lse = ctx.saved_tensors
        dq, dk, dv = extension().attention_bwd(_ready(do), q, k, v, o, lse, ctx.causal, ctx.scale)
        return dq, dk, dv, None


_noticed = set()  # the unsupported cases already reported on stderr


def _why_no_kernel(ext, q, k, v):
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
        if torch.cuda.get_device_capability(q.device)[0] < 8:
            return "CUDA kernel needs sm_80 or newer"
        if q.shape[0] * q.shape[1] > 65535:
            return "CUDA kernel takes B*H <= 65535 (one grid row per head)"
        return None
    if q.device.type != "cpu":
        return f"no kernel for device {q.device.type}"
    if q.dtype not in (torch.float32, torch.float64):
        return f"CPU kernel takes float32/float64, got {q.dtype}"
    return None


def attention(q, k, v, causal=True):
    """F.scaled_dot_product_attention(q, k, v, is_causal=causal) for (B, H, T, D) tensors, tiled."""
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4:
        raise ValueError(f"kernels.attention: q, k, v must be (B, H, T, D), got shapes "
                         f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if not (q.dtype == k.dtype == v.dtype) or not (q.device == k.device == v.device):
        raise ValueError(f"kernels.attention: q, k, v must share dtype and device, got "
                         f"{q.dtype}/{k.dtype}/{v.dtype} on {q.device}/{k.device}/{v.device}")
    ext = extension()
    why = _why_no_kernel(ext, q, k, v)
    if why is None:
        return AttentionFunction.apply(q, k, v, bool(causal))
    if ext is not None and why not in _noticed:  # no extension at all was reported by build.py
        _noticed.add(why)
        print(f"phi1: kernels.attention runs attention_reference ({why})", file=sys.stderr)
    return attention_reference(q, k, v, causal)
