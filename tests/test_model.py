"""phi1's model and generation against transformers' PhiForCausalLM, the reference the paper's checkpoint format names (docs/paper.md).

What this covers: logits of random-weight models of several (odd) shapes, in fp32, for every
attention implementation that runs here; the KV cache against the full forward; greedy generation
token for token against transformers' generate (ragged batches with left padding, <|endoftext|>,
stop strings); sampling's seed and its greedy limits; the prompt-length errors.
What it does not: real microsoft/phi-1 weights (no download here), and speed (bench/generate.py).
Weights are drawn far from transformers' own N(0, 0.02) init, which makes every logit nearly the
same and hides bugs: unit-scale LayerNorm, biases of 0.1, matrices of std 1/sqrt(fan_in).
"""
import math

import pytest
import torch

import phi1

transformers = pytest.importorskip("transformers")

# fp32 on CPU: the two models do the same arithmetic in a different order (fused vs separate
# projections, sdpa vs eager softmax); with O(1) logits that leaves differences around 1e-6.
TOL = 1e-4

# (vocab, width, heads, MLP inner, layers, partial_rotary_factor, rope_theta): odd sizes on purpose:
# head dims 32, 24, 64 and 12, rotary on 16, 12, all 64 and 4 dims of them, 1 to 3 layers.
CONFIGS = [
    (300, 96, 3, 200, 2, 0.5, 10000.0),
    (333, 120, 5, 257, 3, 0.5, 500.0),
    (257, 64, 1, 64, 1, 1.0, 10000.0),
    (301, 48, 4, 100, 2, 0.34, 10000.0),
]


def make_pair(vocab, width, heads, inner, layers, factor, theta, seed=0, attn_impl="sdpa", ln_impl="torch"):
    """A random-weight transformers PhiForCausalLM and a phi1.Phi holding the same tensors."""
    hc = transformers.PhiConfig(
        vocab_size=vocab, hidden_size=width, intermediate_size=inner, num_hidden_layers=layers,
        num_attention_heads=heads, partial_rotary_factor=factor, rope_theta=theta,
        max_position_embeddings=128, resid_pdrop=0.0, embd_pdrop=0.0, attention_dropout=0.0,
        bos_token_id=None, eos_token_id=None, pad_token_id=None)
    hc._attn_implementation = "eager"  # the plainest reference: explicit matmuls, softmax in fp32
    hf = transformers.PhiForCausalLM(hc).eval()
    randomize_(hf, seed)
    cfg = phi1.PhiConfig(vocab_size=vocab, n_layer=layers, n_embd=width, n_inner=inner, n_head=heads,
                         rotary_dim=int(width // heads * factor), rope_theta=theta, block_size=128,
                         attn_impl=attn_impl, ln_impl=ln_impl)
    ours = phi1.Phi(cfg).eval()
    ours.load_state_dict(hf.state_dict())  # same names: no renaming table (strict by default)
    return hf, ours


@torch.no_grad()
def randomize_(model, seed):
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        r = torch.randn(p.shape, generator=g)
        if "layernorm" in name:
            p.copy_(1.0 + 0.2 * r if name.endswith("weight") else 0.2 * r)
        elif name.endswith("bias"):
            p.copy_(0.1 * r)
        elif "embed_tokens" in name:
            p.copy_(r)
        else:
            p.copy_(r / math.sqrt(p.shape[1]))


def assert_close(got, want, tol=TOL, what="logits"):
    """Fail with the max abs difference and the first few mismatching values."""
    diff = (got.float() - want.float()).abs()
    worst = diff.max().item()
    if worst <= tol:
        return worst
    bad = (diff > tol).nonzero()[:5].tolist()
    lines = [f"  at {tuple(i)}: ours {got[tuple(i)].item():.6f} vs reference {want[tuple(i)].item():.6f}" for i in bad]
    raise AssertionError(f"{what}: max abs difference {worst:.3e} > {tol:.0e}\n" + "\n".join(lines))


def assert_same_tokens(got, want, what):
    for row, (g, w) in enumerate(zip(got, want)):
        if g != w:
            first = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
            raise AssertionError(f"{what}: row {row} differs first at new token {first}: "
                                 f"ours {g[first:first + 5]} vs reference {w[first:first + 5]} "
                                 f"(lengths {len(g)} vs {len(w)})")
    assert len(got) == len(want)


def left_pad(prompts, pad_id=0):
    """The batch transformers' generate wants: left padding, attention_mask 0 on the pads."""
    L = max(len(p) for p in prompts)
    ids = torch.tensor([[pad_id] * (L - len(p)) + p for p in prompts])
    mask = torch.tensor([[0] * (L - len(p)) + [1] * len(p) for p in prompts])
    return ids, mask


def hf_greedy(hf, prompts, n, eos=None):
    """transformers' greedy generate; returns each row's new tokens (pads after eos left on)."""
    ids, mask = left_pad(prompts)
    out = hf.generate(input_ids=ids, attention_mask=mask, max_new_tokens=n, do_sample=False,
                      eos_token_id=eos, pad_token_id=0)
    return out[:, ids.size(1):].tolist()


def random_prompts(vocab, lengths, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randint(0, vocab, (n,), generator=g).tolist() for n in lengths]


# -----------------------------------------------------------------------------
# logits


@pytest.mark.parametrize("shape", CONFIGS, ids=lambda s: f"V{s[0]}-H{s[1]}-h{s[2]}-L{s[4]}-rot{s[5]}")
@pytest.mark.parametrize("attn_impl", ["sdpa", "naive"])
def test_logits_match_transformers(shape, attn_impl):
    hf, ours = make_pair(*shape, attn_impl=attn_impl)
    idx = torch.randint(0, shape[0], (2, 37), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want = hf(idx).logits
        got, _ = ours(idx)
    assert got.shape == want.shape == (2, 37, shape[0])
    assert want.std() > 0.3, "reference logits nearly constant: the comparison would prove little"
    worst = assert_close(got, want)
    print(f"{shape} {attn_impl}: max abs difference {worst:.2e}")


def test_loss_matches_transformers():
    hf, ours = make_pair(*CONFIGS[0])
    idx = torch.randint(0, 300, (2, 21), generator=torch.Generator().manual_seed(2))
    targets = idx.roll(-1, dims=1)
    targets[:, -1] = -1  # ignored, as phi1's training data marks the unpredicted positions
    with torch.no_grad():
        _, loss = ours(idx, targets)
        # transformers shifts the labels itself and ignores -100
        want = hf(idx, labels=idx).loss
    assert abs(loss.item() - want.item()) < 1e-5, (loss.item(), want.item())


@pytest.mark.parametrize("predict_only", [False, True])
def test_chunked_and_plain_loss_are_twins(monkeypatch, predict_only):
    """loss_impl="chunked" (LMHeadCrossEntropy) and "plain" (F.cross_entropy over every logit) on
    the same weights, in float64: the same loss and the same gradient for every parameter, with
    ignored targets, several chunks, and predict_only's reduced vocabulary."""
    monkeypatch.setattr(phi1.LMHeadCrossEntropy, "CHUNK", 13)
    _, ours = make_pair(*CONFIGS[1])
    ours = ours.double()
    idx = torch.randint(0, 333, (3, 17), generator=torch.Generator().manual_seed(8))
    targets = idx.roll(-1, dims=1)
    targets[:, -1] = -1
    if predict_only:
        keep = torch.unique(torch.cat([targets[targets >= 0], torch.arange(0, 333, 5)]))
        ours.predict_only(keep)
    results = {}
    for impl in ("chunked", "plain"):
        ours.config.loss_impl = impl
        ours.zero_grad()
        logits, loss = ours(idx, targets)
        assert (logits is None) == (impl == "chunked")
        loss.backward()
        results[impl] = loss.item(), {k: p.grad.clone() for k, p in ours.named_parameters()}
    (l1, g1), (l2, g2) = results["chunked"], results["plain"]
    assert abs(l1 - l2) < 1e-12, (l1, l2)
    for k in g1:
        torch.testing.assert_close(g1[k], g2[k], rtol=0, atol=1e-12, msg=k)


def test_inference_and_training_paths_agree():
    """phi1.Linear takes oneDNN for multi-row inference on the CPU and nn.Linear (MKL) with autograd
    on: the same logits up to summation order, and both equal to transformers'."""
    hf, ours = make_pair(*CONFIGS[1])
    idx = torch.randint(0, 333, (2, 23), generator=torch.Generator().manual_seed(11))
    with torch.no_grad():
        fast, want = ours(idx)[0], hf(idx).logits
    with torch.enable_grad():
        plain = ours(idx)[0].detach()
    assert_close(fast, plain, tol=1e-5, what="inference vs autograd path")
    assert_close(plain, want)


def test_last_only_is_the_last_row():
    _, ours = make_pair(*CONFIGS[1])
    idx = torch.randint(0, 333, (3, 9), generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        assert_close(ours(idx, last_only=True)[0], ours(idx)[0][:, -1:], tol=1e-5)  # another matmul shape, another summation order


def test_presets_match_the_paper():
    # the paper's parameter counts (docs/paper.md) at vocab 51200; counted on the meta device (no memory)
    with torch.device("meta"):
        assert phi1.Phi(phi1.PhiConfig.preset("small")).num_params() == 356_794_368
        assert phi1.Phi(phi1.PhiConfig.preset("phi1")).num_params() == 1_418_270_720


@pytest.mark.parametrize("attn_impl,ln_impl", [("fused", "torch"), ("sdpa", "fused"), ("fused", "fused")])
def test_logits_match_transformers_fused_kernels_cpu(attn_impl, ln_impl):
    """The model on kernels/' C++ twins (CPU): the seam in Phi picks them, the logits stay transformers'."""
    kernels = pytest.importorskip("kernels")
    if not kernels.available():
        pytest.skip(f"kernels/ extension not built here: {kernels.backend()}")
    hf, ours = make_pair(*CONFIGS[1], attn_impl=attn_impl, ln_impl=ln_impl)
    idx = torch.randint(0, 333, (2, 37), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert_close(ours(idx)[0], hf(idx).logits)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("attn_impl,ln_impl", [("sdpa", "torch"), ("fused", "torch"), ("sdpa", "fused"), ("fused", "fused")])
def test_logits_match_transformers_cuda(attn_impl, ln_impl):
    if "fused" in (attn_impl, ln_impl):
        kernels = pytest.importorskip("kernels")
        if kernels.backend() != "cuda+cpu":
            pytest.skip(f"kernels/ extension not built with CUDA here: {kernels.backend()}")
    hf, ours = make_pair(*CONFIGS[0], attn_impl=attn_impl, ln_impl=ln_impl)
    idx = torch.randint(0, 300, (2, 37), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        want = hf(idx).logits
        got = ours.cuda()(idx.cuda())[0].cpu()
    # fp32 on the GPU: other reduction orders than the CPU's, still far below 1e-3
    assert_close(got, want, tol=1e-3)


# -----------------------------------------------------------------------------
# the KV cache


@pytest.mark.parametrize("attn_impl", ["sdpa", "naive"])
def test_kv_cache_equals_full_forward(attn_impl):
    """Prefill 11 tokens, then 1, 3 and 1 more at a time through the cache; every step's logits must
    equal the full forward's at the same positions. mask=None: the cache path must line up the
    causal mask with the newest queries (bottom-right), not with the first keys."""
    _, ours = make_pair(*CONFIGS[1], attn_impl=attn_impl)
    idx = torch.randint(0, 333, (2, 16), generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        full, _ = ours(idx)
        cache = phi1.KVCache(ours.config, 2, 16, "cpu", torch.float32)
        got, t0 = [], 0
        for T in (11, 1, 3, 1):
            pos = torch.arange(t0, t0 + T)[None]
            got.append(ours(idx[:, t0:t0 + T], pos=pos, cache=cache)[0])
            t0 += T
    assert_close(torch.cat(got, dim=1), full, tol=1e-5, what="cached logits")


def test_generate_equals_greedy_without_cache():
    """generate (left padding, cache) against the plainest greedy loop: one full forward per token,
    each prompt on its own. Ragged lengths put pads in front of the shorter prompts."""
    _, ours = make_pair(*CONFIGS[0])
    prompts = random_prompts(300, [7, 3, 12], seed=5)
    got = ours.generate(prompts, max_new_tokens=15)
    want = []
    with torch.no_grad():
        for p in prompts:
            seq = list(p)
            for _ in range(15):
                seq.append(ours(torch.tensor([seq]))[0][0, -1].argmax().item())
            want.append(seq[len(p):])
    assert_same_tokens(got, want, "generate vs full-forward greedy")


# -----------------------------------------------------------------------------
# generation against transformers


@pytest.mark.parametrize("shape", CONFIGS[:2], ids=["H96", "H120"])
def test_greedy_generate_matches_transformers(shape):
    hf, ours = make_pair(*shape)
    prompts = random_prompts(shape[0], [5, 13, 1, 8], seed=6)
    want = hf_greedy(hf, prompts, 24)
    got = ours.generate(prompts, max_new_tokens=24)
    assert_same_tokens(got, want, "greedy generate vs transformers")


def eot_model(seed=7):
    """A small-width model with phi-1's real vocabulary (51200), so <|endoftext|> = 50256 exists."""
    return make_pair(51200, 64, 2, 128, 2, 0.5, 10000.0, seed=seed)


def test_generate_stops_at_endoftext_like_transformers():
    """Raise lm_head's bias for <|endoftext|> just enough that it wins greedily at exactly one step
    of one row (the step where it was closest); generate must stop that row there, leave
    <|endoftext|> out, and keep the other rows going, as transformers does."""
    hf, ours = eot_model()
    prompts = random_prompts(50257, [6, 10, 3], seed=8)
    n = 20
    ids, mask = left_pad(prompts)
    with torch.no_grad():
        seqs = hf.generate(input_ids=ids, attention_mask=mask, max_new_tokens=n, do_sample=False,
                           eos_token_id=None, pad_token_id=0)
        # margin by which <|endoftext|> loses at each generated step of each row
        logits = hf(seqs, attention_mask=torch.cat([mask, torch.ones(3, n, dtype=mask.dtype)], 1)).logits
        logits = logits[:, ids.size(1) - 1:-1]                               # (B, n, V)
        margin = (logits.max(-1).values - logits[..., phi1.EOT]).flatten()
        lo, second = margin.sort().values[:2].tolist()
        # keep <|endoftext|> out of step 0 so the row still has tokens to compare
        assert margin.view(3, n)[:, 0].min() > lo, "pick another seed: the stop would be at step 0"
        boost = lo + 0.5 * (second - lo)
        for m in (hf, ours):
            m.lm_head.bias[phi1.EOT] += boost
    want = hf_greedy(hf, prompts, n, eos=phi1.EOT)
    stopped = [r for r, w in enumerate(want) if phi1.EOT in w]
    assert len(stopped) == 1, want
    want = [w[:w.index(phi1.EOT)] if phi1.EOT in w else w for w in want]
    got = ours.generate(prompts, max_new_tokens=n)
    assert_same_tokens(got, want, "generate with <|endoftext|> vs transformers")


def test_generate_stop_strings():
    """A row stops at the first token whose decoded text completes a stop string; the stop string
    is taken from what the reference generates, so it is sure to occur."""
    hf, ours = eot_model(seed=9)
    tok = phi1.get_tokenizer()
    prompts = [tok.encode("def add(a, b):\n    return"), tok.encode("import os\n")]
    n = 20
    full = hf_greedy(hf, prompts, n)
    # a clean ASCII piece of row 0's text, a few tokens in
    stop = next(s for i in range(3, n - 2) if (s := tok.decode(full[0][i:i + 2])).isascii() and s.strip())
    want = []
    for row in full:
        k = next((k for k in range(1, n + 1) if stop in tok.decode(row[:k])), n)
        want.append(row[:k])
    assert len(want[0]) < n
    got = ours.generate(prompts, max_new_tokens=n, stop_strings=[stop], tokenizer=tok)
    assert_same_tokens(got, want, f"generate with stop string {stop!r}")


# -----------------------------------------------------------------------------
# sampling and errors


def test_sampling_seeded_and_greedy_limits():
    _, ours = make_pair(*CONFIGS[0])
    prompts = random_prompts(300, [4, 9], seed=10)
    greedy = ours.generate(prompts, 12)
    a = ours.generate(prompts, 12, temperature=1.0, seed=123)
    b = ours.generate(prompts, 12, temperature=1.0, seed=123)
    c = ours.generate(prompts, 12, temperature=1.0, seed=124)
    assert a == b, "same seed, different samples"
    assert a != c and a != greedy, "sampling at temperature 1 looks greedy or ignores its seed"
    # top_k=1 and a tiny nucleus keep only the most likely token: greedy again
    assert_same_tokens(ours.generate(prompts, 12, temperature=0.7, top_k=1, seed=1), greedy, "top_k=1")
    assert_same_tokens(ours.generate(prompts, 12, temperature=0.7, top_p=1e-6, seed=1), greedy, "top_p~0")


def test_sample_next_top_k_and_top_p_support():
    """Sampled tokens stay inside the top-k set and inside the nucleus."""
    logits = torch.tensor([[4.0, 3.0, 2.0, 1.0, 0.0, -1.0]]).repeat(2000, 1)
    g = torch.Generator().manual_seed(0)
    k2 = phi1.sample_next(logits, 1.0, 2, None, g)
    assert set(k2.tolist()) == {0, 1}
    # softmax of (4, 3, 2, ...) = 0.636, 0.234, 0.086, ...: top_p 0.8 keeps the first two
    p = phi1.sample_next(logits, 1.0, None, 0.8, g)
    assert set(p.tolist()) == {0, 1}
    frac0 = (p == 0).float().mean().item()
    assert abs(frac0 - 0.636 / (0.636 + 0.234)) < 0.05, frac0


def test_sample_next_frequencies_and_bad_rows():
    """The inverse-CDF draw follows softmax(logits / T), never picks a token of probability 0
    (8,189 of 8,192 here), and refuses a row that is no distribution (NaN, inf, all -inf)."""
    g = torch.Generator().manual_seed(3)
    logits = torch.full((4000, 8192), float("-inf"))
    logits[:, [7, 500, 8191]] = torch.tensor([1.0, 0.0, 2.0])  # the last id too: no off-by-one
    t = phi1.sample_next(logits, 0.9, None, None, g)
    assert set(t.unique().tolist()) == {7, 500, 8191}
    want = torch.softmax(torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64) / 0.9, -1)
    freq = torch.stack([(t == i).double().mean() for i in (7, 500, 8191)])
    assert (freq - want).abs().max() < 0.03, (freq.tolist(), want.tolist())  # ~4 standard errors
    for bad in (float("nan"), float("inf")):
        x = torch.randn(3, 50)
        x[1, 4] = bad
        with pytest.raises(ValueError, match="no valid distribution"):
            phi1.sample_next(x, 1.0, None, None, g)
    with pytest.raises(ValueError, match="no valid distribution"):
        phi1.sample_next(torch.full((2, 50), float("-inf")), 1.0, None, None, g)


def test_generate_errors_and_context_limit():
    _, ours = make_pair(*CONFIGS[0])  # block_size 128
    with pytest.raises(ValueError, match="at least one token"):
        ours.generate([[1, 2], []], 4)
    with pytest.raises(ValueError, match="fills the context"):
        ours.generate([[1] * 128], 4)
    out = ours.generate([[1] * 120], 50)  # clipped to the 8 positions left
    assert len(out[0]) == 8
