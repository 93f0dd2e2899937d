"""Tokenizer, hidden tests."""
import random

import phi1
from course.tests.helpers import hf_encode, hf_tokenizer


def random_texts(n, seed):
    rng = random.Random(seed)
    alphabet = ["a", "b", "x", "_", "(", ")", ":", "=", "1", "\n", "é", "日", "🙂", ".", "#"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 12)):
            r = rng.random()
            if r < 0.3:
                parts.append(" " * rng.randint(1, 70))
            elif r < 0.45:
                parts.append("\t" * rng.randint(1, 20))
            elif r < 0.55:
                parts.append(rng.choice([" \t", "\t ", " \n ", "\n\t\t"]) * rng.randint(1, 4))
            else:
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))))
        out.append("".join(parts))
    return out


def test_matches_hf_on_random_whitespace():
    tok, hf = phi1.get_tokenizer(), hf_tokenizer()
    texts = random_texts(300, seed=14)
    want = hf_encode(hf, texts)
    for text, w in zip(texts, want):
        g = tok.encode(text)
        assert g == w, f"encode({text!r}) = {g}, Hugging Face gives {w}"
        assert tok.decode(g) == text


def test_batch_equals_one_by_one():
    tok = phi1.get_tokenizer()
    texts = random_texts(50, seed=3) + ["", "  ", "<|endoftext|>"]
    hf = hf_tokenizer()
    assert tok.encode_batch(texts) == hf_encode(hf, texts)
