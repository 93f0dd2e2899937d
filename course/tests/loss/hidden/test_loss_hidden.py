"""The loss, hidden tests."""
import torch
import torch.nn.functional as F

import phi1
from course.tests.helpers import assert_close, phi_pair


def test_model_loss_matches_transformers():
    hf, ours = phi_pair(seed=21)
    ids = torch.randint(0, 300, (2, 19), generator=torch.Generator().manual_seed(21))
    labels = ids.clone()
    labels[0, 5] = -100
    with torch.no_grad():
        want = hf(ids, labels=labels).loss
    targets = labels[:, 1:].clone()
    targets[targets == -100] = -1
    ours.config.loss_impl = "chunked"
    _, got = ours(ids[:, :-1], targets)
    assert_close(got, want, 1e-4, "chunked loss vs transformers' loss")


def test_predict_only_gradients_and_restart():
    torch.manual_seed(5)
    cfg = phi1.PhiConfig(vocab_size=50, n_layer=1, n_embd=16, n_inner=32, n_head=2, rotary_dim=4, block_size=16,
                         attn_impl="naive", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    a = phi1.Phi(cfg)
    b = phi1.Phi(cfg)
    b.load_state_dict(a.state_dict())
    keep = torch.tensor([1, 2, 5, 7, 11, 40])
    idx = keep[torch.randint(0, len(keep), (3, 10), generator=torch.Generator().manual_seed(2))]
    x, y = idx[:, :-1], idx[:, 1:]
    a.predict_only(keep)
    _, la = a(x, y)
    la.backward()
    # b: the same bias by hand, the plain loss over every column
    with torch.no_grad():
        drop = torch.ones(50, dtype=torch.bool)
        drop[keep] = False
        b.lm_head.bias[drop] = -1e4
    b.config.loss_impl = "plain"
    _, lb = b(x, y)
    lb.backward()
    assert_close(la, lb, 1e-5, "loss")
    for (n, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        if n == "lm_head.bias":
            assert_close(pa.grad[keep], pb.grad[keep], 1e-4, "lm_head.bias gradient (kept ids)")
        else:
            assert_close(pa.grad, pb.grad, 1e-4, f"{n} gradient")
    # a second call with more ids: those suppressed before and wanted now restart at bias 0
    more = torch.tensor([1, 2, 3, 5, 7, 11, 40])
    before = a.lm_head.bias.detach().clone()
    a.predict_only(more)
    assert a.lm_head.bias[3].item() == 0.0, "an id suppressed before and kept now restarts at bias 0"
    assert torch.equal(a.lm_head.bias.detach()[keep], before[keep]), "kept ids keep their bias"
    _, l2 = a(x, y)
    with torch.no_grad():
        logits, _ = phi1.Phi.forward(a, x)
    assert_close(l2, F.cross_entropy(logits.double().flatten(0, 1), y.flatten()), 1e-5, "loss after a second predict_only")
