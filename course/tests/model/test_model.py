"""The model, visible tests: each part against an independent reference (transformers' Phi, or
the math written out in float64), then the whole model's logits against transformers'."""
import math

import pytest
import torch
import torch.nn.functional as F

import phi1
from course.tests.helpers import assert_close, phi_pair


def reference_rotary(x, pos, rotary_dim, theta):
    """GPT-NeoX rotate-half rotary embedding on the first rotary_dim dims, float64, from its definition:
    pairs (i, i + R/2) rotate by angle pos * theta^(-2i/R)."""
    x = x.double()
    R = rotary_dim
    i = torch.arange(R // 2, dtype=torch.float64)
    ang = pos.double()[:, None] * theta ** (-2 * i / R)          # (T, R/2)
    c, s = ang.cos(), ang.sin()
    a, b = x[..., : R // 2], x[..., R // 2:R]
    return torch.cat([a * c - b * s, b * c + a * s, x[..., R:]], dim=-1)


def test_rotary_matches_transformers():
    from transformers.models.phi.modeling_phi import apply_rotary_pos_emb

    torch.manual_seed(1)
    B, H, T, D, R = 2, 3, 7, 16, 8
    q, k = torch.randn(B, H, T, D), torch.randn(B, H, T, D)
    pos = torch.arange(T)
    cos, sin = phi1.rotary_cos_sin(pos[None], R, 10000.0)
    cos, sin = cos[:, None], sin[:, None]                          # (1, 1, T, R)
    hq, hk = apply_rotary_pos_emb(q[..., :R], k[..., :R], cos[:, 0], sin[:, 0])  # it adds the head dim itself
    assert_close(phi1.apply_rotary(q, cos, sin)[..., :R], hq, 1e-5, "rotated q vs transformers")
    assert_close(phi1.apply_rotary(k, cos, sin)[..., :R], hk, 1e-5, "rotated k vs transformers")
    assert_close(phi1.apply_rotary(q, cos, sin), reference_rotary(q, pos, R, 10000.0), 1e-5, "rotary (pass-through dims too)")


def reference_attention(q, k, v, mask):
    """softmax(q k^T / sqrt(D) masked) v, float64, written out."""
    q, k, v = q.double(), k.double(), v.double()
    s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    s = s.masked_fill(~mask, float("-inf"))
    return torch.softmax(s, dim=-1) @ v


def no_sdpa(*a, **kw):
    raise AssertionError("impl='naive' must be the explicit math, not F.scaled_dot_product_attention")


def test_attention_explicit_math_float64(monkeypatch):
    torch.manual_seed(2)
    B, H, T, D = 2, 2, 9, 8
    q, k, v = (torch.randn(B, H, T, D, dtype=torch.float64) for _ in range(3))
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    monkeypatch.setattr(F, "scaled_dot_product_attention", no_sdpa)
    got = phi1.attention(q, k, v, "naive")
    assert_close(got, reference_attention(q, k, v, causal), 1e-5, "causal attention (softmax in fp32)")
    # an explicit mask (B, 1, T, T): a padded first column in row 1, still causal
    mask = causal[None, None].repeat(B, 1, 1, 1)
    mask[1, :, 1:, 0] = False
    got = phi1.attention(q, k, v, "naive", mask=mask)
    assert_close(got, reference_attention(q, k, v, mask), 1e-5, "attention with a padding mask (softmax in fp32)")


def test_mlp_is_gelu_new():
    from transformers.activations import ACT2FN

    torch.manual_seed(3)
    cfg = phi1.PhiConfig(n_embd=24, n_inner=40, n_head=2, n_layer=1, vocab_size=64)
    mlp = phi1.MLP(cfg).double()
    with torch.no_grad():
        for p in mlp.parameters():
            p.copy_(torch.randn_like(p))
    x = torch.randn(3, 5, 24, dtype=torch.float64) * 2
    h = x @ mlp.fc1.weight.T + mlp.fc1.bias
    want = ACT2FN["gelu_new"](h) @ mlp.fc2.weight.T + mlp.fc2.bias
    assert_close(mlp(x), want, 1e-10, "MLP vs fc2(gelu_new(fc1(x))), transformers' gelu_new, float64")


class Times(torch.nn.Module):
    """A stand-in branch: y = c * x**p, whatever else it is passed."""

    def __init__(self, c, p):
        super().__init__()
        self.c, self.p = c, p

    def forward(self, x, *args, **kw):
        return self.c * x ** self.p


def test_block_matches_transformers():
    # the wiring on its own: attention and MLP replaced by known functions
    torch.manual_seed(4)
    cfg = phi1.PhiConfig(n_embd=16, n_inner=32, n_head=2, n_layer=1, vocab_size=64, resid_pdrop=0.0)
    block = phi1.Block(cfg).double().eval()
    block.self_attn, block.mlp = Times(2.0, 1), Times(0.5, 2)
    with torch.no_grad():
        block.input_layernorm.weight.copy_(torch.rand(16) + 0.5)
        block.input_layernorm.bias.copy_(torch.randn(16))
    x = torch.randn(2, 5, 16, dtype=torch.float64)
    h = F.layer_norm(x, (16,), block.input_layernorm.weight, block.input_layernorm.bias, cfg.layer_norm_eps)
    want = x + 2.0 * h + 0.5 * h ** 2     # parallel: both branches read LN(x), both join the residual
    got = block(x, None, None)
    assert_close(got, want, 1e-10, "Block = x + attn(LN(x)) + mlp(LN(x))")
    # and a real one-layer model against transformers' decoder layer
    hf, ours = phi_pair(layers=1, factor=1.0, seed=5)
    ids = torch.randint(0, 300, (1, 11))
    with torch.no_grad():
        assert_close(ours(ids)[0], hf(ids).logits, 1e-4, "one-layer logits vs transformers")


@pytest.mark.parametrize("attn_impl", ["naive", "sdpa"])
def test_logits_match_transformers(attn_impl):
    hf, ours = phi_pair(attn_impl=attn_impl, seed=6)
    ids = torch.randint(0, 300, (2, 17), generator=torch.Generator().manual_seed(6))
    with torch.no_grad():
        assert_close(ours(ids)[0], hf(ids).logits, 1e-4, f"logits vs transformers ({attn_impl})")
