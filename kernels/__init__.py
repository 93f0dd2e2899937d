"""phi1's custom kernels, each with a plain PyTorch twin chosen once per process.

    import kernels
    y = kernels.layer_norm(x, weight, bias, eps=1e-5)   # F.layer_norm over the last dim
    o = kernels.attention(q, k, v, causal=True)          # F.scaled_dot_product_attention, (B, H, T, D)
    o = kernels.attention(q, k, v, version=2)            # the CUDA kernel ladder: 1 (default) or 2
    kernels.backend()   # "cuda+cpu", "cpu", or "torch (extension not built: <reason>)"

Both ops are differentiable (torch.autograd.Function). They run the extension compiled from
kernels/csrc/ (C++ for CPU tensors, CUDA for GPU tensors; see kernels/build.py for how and when
it is built). Without a compiler, or if the build fails, they run layer_norm_reference /
attention_reference after one line on stderr; PHI1_NO_KERNELS=1 picks the twins on purpose.
The tests hold each kernel against its twin and against float64 PyTorch.
"""
from kernels.attention import attention, attention_reference
from kernels.build import backend, extension
from kernels.layernorm import layer_norm, layer_norm_reference


def available():
    """True when the compiled extension is in use (False: the PyTorch twins run)."""
    return extension() is not None


__all__ = ["attention", "attention_reference", "available", "backend", "layer_norm",
           "layer_norm_reference"]
