"""The model, hidden tests."""
import math

import torch
import torch.nn.functional as F

import phi1
from course.tests.helpers import assert_close, phi_pair


def test_logits_match_transformers_partial_rotary_batch():
    for shape in [(333, 120, 5, 257, 3, 0.5, 500.0), (301, 48, 4, 100, 2, 0.34, 10000.0)]:
        vocab, width, heads, inner, layers, factor, theta = shape
        hf, ours = phi_pair(vocab, width, heads, inner, layers, factor, theta, seed=11)
        ids = torch.randint(0, vocab, (3, 23), generator=torch.Generator().manual_seed(11))
        with torch.no_grad():
            assert_close(ours(ids)[0], hf(ids).logits, 1e-4, f"logits vs transformers, shape {shape}")


def test_attention_with_cache_shaped_queries(monkeypatch):
    torch.manual_seed(12)
    B, H, Tq, Tk, D = 2, 3, 3, 10, 8
    q = torch.randn(B, H, Tq, D, dtype=torch.float64)
    k, v = torch.randn(B, H, Tk, D, dtype=torch.float64), torch.randn(B, H, Tk, D, dtype=torch.float64)
    # the newest Tq of Tk positions: query i sees keys 0 .. Tk - Tq + i
    mask = torch.ones(Tq, Tk, dtype=torch.bool).tril(Tk - Tq)
    s = (q @ k.transpose(-2, -1) / math.sqrt(D)).masked_fill(~mask, float("-inf"))
    want = torch.softmax(s, -1) @ v
    monkeypatch.setattr(F, "scaled_dot_product_attention", lambda *a, **kw: (_ for _ in ()).throw(
        AssertionError("impl='naive' must not call F.scaled_dot_product_attention")))
    assert_close(phi1.attention(q, k, v, "naive"), want, 1e-5, "attention of the last Tq queries (softmax in fp32)")
    # a single query (decoding) sees every key
    want1 = torch.softmax(q[:, :, -1:] @ k.transpose(-2, -1) / math.sqrt(D), -1) @ v
    assert_close(phi1.attention(q[:, :, -1:], k, v, "naive"), want1, 1e-5, "one decoding query")
