"""Generation, hidden tests."""
import torch

import phi1
from course.tests.helpers import hf_greedy, phi_pair


def test_ragged_batch_matches_transformers():
    hf, ours = phi_pair(333, 120, 5, 257, 2, 0.5, 500.0, seed=41, attn_impl="sdpa")
    prompts = [[3, 4, 5, 6, 7, 8, 9], [11], [200, 100, 50]]
    got = phi1.generate(ours, prompts, 15)
    for p, g in zip(prompts, got):
        want = hf_greedy(hf, p, 15)
        assert g == want, f"prompt {p} in a ragged batch: {g}, transformers alone: {want}"


def test_sampling_distribution_and_seed():
    logits = torch.tensor([[2.0, 1.0, 0.5, 0.0, -1.0, -3.0]]).repeat(4000, 1)
    T = 1.3
    t = phi1.sample_next(logits, T, None, None, torch.Generator().manual_seed(1))
    freq = torch.bincount(t, minlength=6).double() / len(t)
    want = torch.softmax(logits[0].double() / T, -1)
    assert (freq - want).abs().max() < 0.03, f"sampled frequencies {freq.tolist()} vs softmax(logits/T) {want.tolist()}"
    # top_k=2 renormalises over the two best
    t = phi1.sample_next(logits, 1.0, 2, None, torch.Generator().manual_seed(2))
    freq = torch.bincount(t, minlength=6).double() / len(t)
    want2 = torch.softmax(torch.tensor([2.0, 1.0], dtype=torch.float64), -1)
    assert freq[2:].sum() == 0 and (freq[:2] - want2).abs().max() < 0.03, f"top_k=2 frequencies {freq.tolist()}"
    # top_p=0.5: only the most likely token (its probability alone exceeds 0.5 at T=0.5)
    t = phi1.sample_next(logits, 0.5, None, 0.5, torch.Generator().manual_seed(3))
    assert (t == 0).all()
    # a model's sampled generation is reproducible from its seed, and differs across seeds
    hf, ours = phi_pair(seed=42, attn_impl="sdpa")
    a = phi1.generate(ours, [[1, 2, 3]], 12, temperature=1.0, seed=7)
    b = phi1.generate(ours, [[1, 2, 3]], 12, temperature=1.0, seed=7)
    c = [phi1.generate(ours, [[1, 2, 3]], 12, temperature=1.0, seed=s)[0] for s in range(8, 12)]
    assert a == b and any(x != a[0] for x in c)
