"""Generation, visible tests: greedy decoding with the KV cache against transformers' model run
without a cache, the cache's bookkeeping, sampling's supports (top-k, nucleus) computed here from
the probabilities, and stop strings against the decoded greedy text."""
import torch

import phi1
from course.tests.helpers import hf_greedy, phi_pair


def test_greedy_matches_transformers():
    hf, ours = phi_pair(seed=31, attn_impl="sdpa")
    for prompt in ([5, 17, 42, 8, 99], [7]):
        want = hf_greedy(hf, prompt, 20)
        got = phi1.generate(ours, [prompt], 20)[0]
        assert got == want, f"greedy tokens after {prompt}: {got}, transformers: {want}"


def test_cache_update():
    cfg = phi1.PhiConfig(n_layer=1, n_embd=8, n_head=2, vocab_size=16)
    cache = phi1.LayerCache(cfg, 2, 10, "cpu", torch.float32)
    k1, v1 = torch.randn(2, 2, 3, 4), torch.randn(2, 2, 3, 4)
    k2, v2 = torch.randn(2, 2, 1, 4), torch.randn(2, 2, 1, 4)
    k, v = cache.update(k1, v1)
    assert torch.equal(k, k1) and torch.equal(v, v1), "after the prefill: the prompt's keys and values"
    k, v = cache.update(k2, v2)
    assert torch.equal(k, torch.cat([k1, k2], 2)) and torch.equal(v, torch.cat([v1, v2], 2)), \
        "after one decoding step: every column so far, in order"
    assert cache.n == 4


def test_sampling_stays_in_top_k_and_top_p():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 40, generator=g) * 2
    assert torch.equal(phi1.sample_next(logits, 0.0, None, None, g), logits.argmax(-1)), "temperature 0 is greedy"
    T = 0.8
    probs = torch.softmax(logits / T, -1)
    topk = logits.topk(4, dim=-1).indices
    # nucleus: the smallest set of most likely tokens whose probability reaches top_p
    sorted_p, order = probs.sort(-1, descending=True)
    n_keep = ((sorted_p.cumsum(-1) < 0.6).sum(-1) + 1)
    seen_k, seen_p = set(), set()
    for i in range(300):
        gen = torch.Generator().manual_seed(i)
        t = phi1.sample_next(logits, T, 4, None, gen)
        for r in range(6):
            assert t[r].item() in topk[r].tolist(), f"top_k=4 sampled token {t[r].item()} outside the top 4 of row {r}"
            seen_k.add((r, t[r].item()))
        t = phi1.sample_next(logits, T, None, 0.6, torch.Generator().manual_seed(i))
        for r in range(6):
            assert t[r].item() in order[r, :n_keep[r]].tolist(), f"top_p=0.6 sampled a token outside the nucleus of row {r}"
            seen_p.add((r, t[r].item()))
    # and it does sample: more than the argmax shows up, in every allowed place
    assert len(seen_k) > 6 * 2 and len(seen_p) >= int(n_keep.sum()) - 2
    a = phi1.sample_next(logits, T, 10, 0.9, torch.Generator().manual_seed(5))
    b = phi1.sample_next(logits, T, 10, 0.9, torch.Generator().manual_seed(5))
    assert torch.equal(a, b), "the same generator seed gives the same tokens"


def test_stop_strings():
    hf, ours = phi_pair(seed=33, attn_impl="sdpa")
    tok = phi1.get_tokenizer()
    prompt = [64, 66, 70]
    full = hf_greedy(hf, prompt, 24)
    # the stop string: the text of a later one-character token (ASCII, so no byte is split)
    k = next(k for k in range(4, 24) if full[k] < 94 and tok.decode([full[k]]) not in tok.decode(full[:4]))
    stop = tok.decode([full[k]])
    first = next(n for n in range(1, 25) if stop in tok.decode(full[:n]))
    got = phi1.generate(ours, [prompt], 24, stop_strings=[stop], tokenizer=tok)[0]
    assert got == full[:first], (f"with stop string {stop!r}: {got}, expected the greedy tokens up to the one that "
                                 f"completes it: {full[:first]}")
    # without a tokenizer the stop strings cannot be seen: generation runs to the end
    assert phi1.generate(ours, [prompt], 24, stop_strings=[stop])[0] == full
