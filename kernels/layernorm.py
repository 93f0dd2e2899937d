"""LayerNorm over the last dimension: the fused kernel as an autograd Function, and its PyTorch twin.

kernels.layer_norm(x, weight, bias, eps) has torch.nn.functional.layer_norm's semantics over the
last dim, for any leading shape. It runs the extension's kernel (csrc/layernorm_cpu.cpp on the
CPU, csrc/layernorm.cu on a GPU) when the extension is built, else layer_norm_reference.

Covers: fp32/fp64 (CPU; bf16/fp16 too, as scalar loops), fp32/bf16/fp16 (CUDA) inputs with
fp32 statistics (fp64 for fp64), any row count, any width. float64 CUDA tensors (and any other
CUDA dtype) run layer_norm_reference, as F.layer_norm would take them. The CUDA kernel keeps a
row in registers, without spilling, up to 16384 wide forward and 8192 backward when the width
allows 16-byte loads (a multiple of 4 fp32 / 8 16-bit elements, aligned rows), else 4096 wide;
wider rows go to ATen's LayerNorm kernels inside the extension. A weight or bias
of another dtype than x is cast to x's dtype first (autograd carries the gradient back through
the cast). The kernels' dweight/dbias are deterministic: the same input on the same machine
gives the same bits.
Does not cover: weight=None / bias=None (phi-1 always has both), normalising over several dims,
double backward.
"""
import torch

from kernels.build import extension


def layer_norm_reference(x, weight, bias, eps=1e-5):
    """The plain PyTorch twin: the same maths as the kernels, step by step (fp32 statistics)."""
    xf = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
    mean = xf.mean(dim=-1, keepdim=True)
    var = (xf - mean).pow(2).mean(dim=-1, keepdim=True)  # biased variance, as LayerNorm uses
    xhat = (xf - mean) * torch.rsqrt(var + eps)
    return (xhat * weight.to(xf.dtype) + bias.to(xf.dtype)).to(x.dtype)


class LayerNormFunction(torch.autograd.Function):
    """Forward saves (x, weight, mean, rstd); backward recomputes xhat from them instead of
    storing it, which costs nothing extra in memory traffic (x is read anyway) and saves a tensor."""

    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        ext = extension()
        x2d = x.reshape(-1, x.shape[-1]).contiguous()  # (rows, N)
        y, mean, rstd = ext.layer_norm_fwd(x2d, weight.contiguous(), bias.contiguous(), float(eps))
        ctx.save_for_backward(x2d, weight, mean, rstd)
        ctx.x_shape = x.shape
        return y.view(x.shape)

    @staticmethod
    @torch.autograd.function.once_differentiable  # no double backward: an error, not a silent 0
    def backward(ctx, dy):
        x2d, weight, mean, rstd = ctx.saved_tensors
        dy2d = dy.reshape(x2d.shape).contiguous()  # (rows, N)
        dx, dweight, dbias = extension().layer_norm_bwd(dy2d, x2d, weight.contiguous(), mean, rstd)
        return dx.view(ctx.x_shape), dweight, dbias, None


def layer_norm(x, weight, bias, eps=1e-5):
    """torch.nn.functional.layer_norm(x, (x.shape[-1],), weight, bias, eps), fused when built."""
    if weight is None or bias is None:
        raise TypeError("kernels.layer_norm needs both weight and bias tensors")
    if weight.shape != x.shape[-1:] or bias.shape != x.shape[-1:]:
        raise ValueError(f"kernels.layer_norm: weight {tuple(weight.shape)} and bias {tuple(bias.shape)} "
                         f"must both be ({x.shape[-1]},) for x of shape {tuple(x.shape)}")
    ext = extension()
    if ext is None or (x.is_cuda and not ext.with_cuda()):  # e.g. an ahead-of-time CPU-only build
        return layer_norm_reference(x, weight, bias, eps)
    if x.device.type not in ("cpu", "cuda") or \
            (x.is_cuda and x.dtype not in (torch.float32, torch.bfloat16, torch.float16)):
        return layer_norm_reference(x, weight, bias, eps)  # e.g. float64 on a GPU: no kernel for it
    return LayerNormFunction.apply(x, weight.to(x.dtype), bias.to(x.dtype), eps)
