"""The loss, visible tests: LMHeadCrossEntropy (the chunked cross-entropy over the LM head) against
float64 PyTorch, F.cross_entropy over the full logits and autograd's gradients; predict_only
against the same loss computed over every column with the bias it should set."""
import torch
import torch.nn.functional as F

import phi1
from course.tests.helpers import assert_close


def problem(N=12, D=10, V=37, seed=0, ignore=()):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, D, generator=g)
    w = torch.randn(V, D, generator=g) / D ** 0.5
    b = torch.randn(V, generator=g) * 0.5
    t = torch.randint(0, V, (N,), generator=g)
    t[list(ignore)] = -1
    return x, w, b, t


def reference(x, w, b, t, scale=1.0):
    """(loss, dx, dw, db) in float64 by F.cross_entropy and autograd."""
    x, w, b = (a.detach().double().clone().requires_grad_() for a in (x, w, b))
    loss = F.cross_entropy(x @ w.T + b, t, ignore_index=-1)
    (loss * scale).backward()
    return loss.detach(), x.grad, w.grad, b.grad


def ours(x, w, b, t, scale=1.0):
    x, w, b = (a.detach().clone().requires_grad_() for a in (x, w, b))
    loss = phi1.LMHeadCrossEntropy.apply(x, w, b, t)
    (loss * scale).backward()
    return loss.detach(), x.grad, w.grad, b.grad


def test_loss_matches_float64():
    for seed in range(3):
        x, w, b, t = problem(seed=seed, ignore=[1, 5])
        with torch.no_grad():
            got = phi1.LMHeadCrossEntropy.apply(x, w, b, t)
        assert_close(got, reference(x, w, b, t)[0], 1e-5, f"loss (seed {seed})")


def test_gradients_match_float64():
    x, w, b, t = problem(seed=7, ignore=[0, 3])
    for scale in (1.0, 2.5):  # the incoming gradient scales every gradient
        got, want = ours(x, w, b, t, scale), reference(x, w, b, t, scale)
        for name, g, r in zip(("loss", "dx", "dW", "db"), got, want):
            assert_close(g, r, 1e-5, f"{name} (upstream gradient {scale})")


def test_ignored_targets_and_chunks(monkeypatch):
    monkeypatch.setattr(phi1.LMHeadCrossEntropy, "CHUNK", 5)  # 12 rows = chunks of 5, 5 and 2
    x, w, b, t = problem(seed=3, ignore=[0, 4, 5, 11])
    for name, g, r in zip(("loss", "dx", "dW", "db"), ours(x, w, b, t), reference(x, w, b, t)):
        assert_close(g, r, 1e-5, f"{name} over several chunks, targets -1 ignored")
    # float64 inputs give float64 results to ~1e-12
    x, w, b = x.double(), w.double(), b.double()
    for name, g, r in zip(("loss", "dx", "dW", "db"), ours(x, w, b, t), reference(x, w, b, t)):
        assert_close(g, r, 1e-10, f"{name} in float64")
    # every target ignored: the loss is 0 and so are the gradients (nothing to predict)
    t_none = torch.full_like(t, -1)
    loss, dx, dw, db = ours(x, w, b, t_none)
    assert loss.item() == 0.0 and dx.abs().max() == 0 and dw.abs().max() == 0 and db.abs().max() == 0


def tiny_model(seed=0, vocab=64):
    torch.manual_seed(seed)
    cfg = phi1.PhiConfig(vocab_size=vocab, n_layer=1, n_embd=16, n_inner=32, n_head=2, rotary_dim=4, block_size=16,
                         attn_impl="naive", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    m = phi1.Phi(cfg)
    with torch.no_grad():
        m.lm_head.bias.copy_(torch.randn(vocab) * 0.3)
    return m


def test_predict_only_same_loss():
    m = tiny_model()
    keep = torch.tensor([0, 3, 4, 9, 17, 30, 31, 63])
    idx = keep[torch.randint(0, len(keep), (2, 12), generator=torch.Generator().manual_seed(1))]
    x, y = idx[:, :-1], idx[:, 1:].clone()
    y[0, 2] = -1
    # the reference: every column, the other ids' bias at -1e4, float64 cross-entropy
    ref_bias = m.lm_head.bias.detach().clone()
    others = torch.ones(64, dtype=torch.bool)
    others[keep] = False
    ref_bias[others] = -1e4
    m.predict_only(keep)
    assert torch.equal(m.lm_head.bias.detach(), ref_bias), "predict_only: the bias of the other ids must be -1e4, the kept ids' unchanged"
    m.config.loss_impl = "chunked"
    _, loss = m(x, y)
    m.config.loss_impl = "plain"
    with torch.no_grad():
        logits, _ = m(x)
    want = F.cross_entropy(logits.double().flatten(0, 1), y.flatten(), ignore_index=-1)
    assert_close(loss, want, 1e-5, "loss after predict_only vs the full-vocabulary loss")
