"""References the graded tests share, none of them built from the student's code:
transformers' PhiForCausalLM with random weights (and a phi1.Phi holding the same tensors),
Hugging Face's CodeGen tokenizer rebuilt offline from tiktoken's ranks, and a comparison that
says by how much and where two tensors differ."""
import hashlib
import json
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def assert_close(got, want, tol, what):
    """|got - want| <= tol * max(1, |want|) elementwise; the message gives the worst difference
    and the first mismatching values."""
    got, want = torch.as_tensor(got).double(), torch.as_tensor(want).double()
    assert got.shape == want.shape, f"{what}: shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    assert torch.isfinite(got).all(), f"{what}: not finite ({int((~torch.isfinite(got)).sum())} values)"
    diff = (got - want).abs()
    bad = diff > tol * want.abs().clamp(min=1)
    if bad.any():
        idx = bad.nonzero()[:4].tolist()
        pairs = ", ".join(f"{tuple(i)}: {got[tuple(i)].item():.6g} vs {want[tuple(i)].item():.6g}" for i in idx)
        raise AssertionError(f"{what}: max difference {diff.max().item():.3g} (tolerance {tol:g}); "
                             f"{int(bad.sum())} of {bad.numel()} values differ, e.g. {pairs}")


# -----------------------------------------------------------------------------
# transformers' Phi with random weights

def hf_phi(vocab, width, heads, inner, layers, factor, theta=10000.0, seed=0, block=128):
    """A transformers PhiForCausalLM, eager attention, weights drawn far from its own init (which
    would make every logit nearly equal and hide bugs)."""
    import transformers

    hc = transformers.PhiConfig(
        vocab_size=vocab, hidden_size=width, intermediate_size=inner, num_hidden_layers=layers,
        num_attention_heads=heads, partial_rotary_factor=factor, rope_theta=theta,
        max_position_embeddings=block, resid_pdrop=0.0, embd_pdrop=0.0, attention_dropout=0.0,
        bos_token_id=None, eos_token_id=None, pad_token_id=None)
    hc._attn_implementation = "eager"
    hf = transformers.PhiForCausalLM(hc).eval()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in hf.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if "layernorm" in name:
                p.copy_(1.0 + 0.2 * r if name.endswith("weight") else 0.2 * r)
            elif name.endswith("bias"):
                p.copy_(0.1 * r)
            elif p.dim() == 2:
                p.copy_(r / p.shape[-1] ** 0.5 if "embed" not in name else r)
    return hf


def phi_pair(vocab=300, width=96, heads=3, inner=200, layers=2, factor=0.5, theta=10000.0, seed=0,
             attn_impl="naive", block=128):
    """(transformers model, phi1.Phi with the same weights)."""
    import phi1

    hf = hf_phi(vocab, width, heads, inner, layers, factor, theta, seed, block)
    cfg = phi1.PhiConfig(vocab_size=vocab, n_layer=layers, n_embd=width, n_inner=inner, n_head=heads,
                         rotary_dim=int(width // heads * factor), rope_theta=theta, block_size=block,
                         attn_impl=attn_impl, ln_impl="torch", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    ours = phi1.Phi(cfg).eval()
    ours.load_state_dict(hf.state_dict())
    return hf, ours


@torch.no_grad()
def hf_greedy(hf, prompt, n):
    """n greedy tokens after prompt, by transformers' full forward each step (no cache)."""
    ids = torch.tensor([prompt])
    for _ in range(n):
        nxt = hf(ids).logits[0, -1].argmax()
        ids = torch.cat([ids, nxt.view(1, 1)], dim=1)
    return ids[0, len(prompt):].tolist()


# -----------------------------------------------------------------------------
# Hugging Face's CodeGen tokenizer, rebuilt offline

def _byte_alphabet():
    """GPT-2's printable stand-in for each byte (the alphabet of vocab.json and merges.txt)."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    others = [b for b in range(256) if b not in printable]
    return {b: chr(b) for b in printable} | {b: chr(256 + i) for i, b in enumerate(others)}


def _merges(ranks):
    """BPE's merge list recovered from the ranks: each token of rank r is the merge of the two
    pieces BPE reaches on its bytes using only merges ranked below r."""
    out = []
    for tok, r in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(tok) < 2:
            continue
        parts = [tok[i:i + 1] for i in range(len(tok))]
        while len(parts) > 2:
            best = min(range(len(parts) - 1), key=lambda i: ranks.get(parts[i] + parts[i + 1], r))
            parts[best:best + 2] = [parts[best] + parts[best + 1]]
        out.append(parts)
    return out


def hf_tokenizer():
    """transformers.CodeGenTokenizer on GPT-2's files rebuilt from tiktoken's r50k_base, with the
    38 whitespace tokens added in id order (codegen-350M-mono's). The files are cached in
    .build/ of the tree: rebuilding them takes a while and every test process would."""
    import tiktoken
    import transformers

    ranks = tiktoken.get_encoding("r50k_base")._mergeable_ranks
    key = hashlib.sha1(str(len(ranks)).encode() + transformers.__version__.encode()).hexdigest()[:10]
    d = os.path.join(ROOT, ".build", f"codegen_tokenizer_{key}")
    if not os.path.exists(os.path.join(d, "merges.txt")):
        u = _byte_alphabet()
        s = lambda b: "".join(u[x] for x in b)  # noqa: E731
        tmp = d + f".tmp{os.getpid()}"
        os.makedirs(tmp, exist_ok=True)
        with open(os.path.join(tmp, "vocab.json"), "w") as f:
            json.dump({s(t): r for t, r in ranks.items()} | {"<|endoftext|>": 50256}, f)
        with open(os.path.join(tmp, "merges.txt"), "w") as f:
            f.write("#version: 0.2\n" + "".join(f"{s(a)} {s(b)}\n" for a, b in _merges(ranks)))
        os.makedirs(os.path.dirname(d), exist_ok=True)
        try:
            os.rename(tmp, d)
        except OSError:  # another process got there first
            pass
    tok = transformers.CodeGenTokenizer(vocab=os.path.join(d, "vocab.json"), merges=os.path.join(d, "merges.txt"))
    ws = [" " * n for n in range(31, 1, -1)] + ["\t" * n for n in range(9, 1, -1)]
    tok.add_tokens([transformers.AddedToken(w, lstrip=False, rstrip=False, normalized=True, special=False) for w in ws])
    assert tok.convert_tokens_to_ids(ws) == list(range(50257, 50295))
    return tok


def hf_encode(tok, texts):
    return tok(texts, add_special_tokens=False)["input_ids"]
